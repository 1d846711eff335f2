//! The audit chain's head anchored outside the database: `audit.anchor` under the data directory,
//! one line `seq hash` appended whenever the head has moved. Keyed row hashes catch an edited,
//! inserted or deleted row; only a head kept where a database writer cannot reach catches rows cut
//! off the tail (with the head row set back to match).
use std::{
    io::Write,
    path::{Path, PathBuf},
};

use sea_orm::{ConnectionTrait, EntityTrait};

use super::entity::audit_head;
use crate::backend::{ServiceError, ServiceResult};

pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join("audit.anchor")
}

/// The last anchored head, if any was anchored (and the file reads).
pub fn last(data_dir: &Path) -> Option<(i64, String)> {
    let text = std::fs::read_to_string(path(data_dir)).ok()?;
    text.lines().rev().find_map(parse_line)
}

fn parse_line(line: &str) -> Option<(i64, String)> {
    let (seq, hash) = line.trim().split_once(' ')?;
    let hash = hash.trim();
    if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some((seq.parse().ok()?, hash.to_string()))
}

/// Appends the database's current head unless it is the one last anchored. Run after a change
/// has committed (the server does it every second; the command-line tools when they finish).
pub async fn record<C: ConnectionTrait>(conn: &C, data_dir: &Path) -> ServiceResult<bool> {
    let Some(head) = audit_head::Entity::find_by_id(1).one(conn).await? else {
        return Ok(false);
    };
    if head.last_seq == 0 {
        return Ok(false);
    }
    let previous = last(data_dir);
    if previous.as_ref().is_some_and(|(seq, hash)| *seq == head.last_seq && *hash == head.last_hash) {
        return Ok(false);
    }
    // A head behind the anchored one is what truncation looks like: never anchor it over the
    // evidence (audit-verify reports it).
    if previous.as_ref().is_some_and(|(seq, _)| *seq > head.last_seq) {
        return Ok(false);
    }
    std::fs::create_dir_all(data_dir).map_err(|e| ServiceError::Internal(format!("anchor: {e}")))?;
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path(data_dir))
        .map_err(|e| ServiceError::Internal(format!("anchor: {e}")))?;
    writeln!(f, "{} {}", head.last_seq, head.last_hash).map_err(|e| ServiceError::Internal(format!("anchor: {e}")))?;
    f.sync_data().map_err(|e| ServiceError::Internal(format!("anchor: {e}")))?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_well_formed_line_is_the_anchor() {
        let dir = std::env::temp_dir().join(format!("anchor-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        assert_eq!(last(&dir), None);
        let h = "a".repeat(64);
        std::fs::write(path(&dir), format!("3 {}\n7 {h}\ngarbage\n", "b".repeat(64))).unwrap();
        assert_eq!(last(&dir), Some((7, h)));
        std::fs::remove_dir_all(&dir).ok();
    }
}
