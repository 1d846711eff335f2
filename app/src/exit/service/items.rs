//! The handover inventory: the provider adds items (a file through the portal's store, or media
//! described and handed over outside it, each with its declared SHA-256) and corrects those not
//! yet verified; the agency verifies each one against the stored bytes recomputed, a file it
//! uploads only to have it hashed, or a checksum it computed itself.
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection, IntoActiveModel};
use uuid::Uuid;

use super::*;
use crate::{
    audit::{
        service::{AuditEntry, Record},
        AuditAction,
    },
    backend::{actor::Acting, db::write_txn, epoch, storage::FileStore, ServiceError},
    exit::{
        entity::item,
        rules::Party,
        scope::ExitWriter,
        CheckedHow, ExitAction, ItemInput, ItemKind, Sensitivity, MAX_NAME_CHARS,
    },
    reports::service::IncomingFile,
};

/// An item's fields once parsed (the file's own size and hash fill what was left empty).
struct ParsedItem {
    kind: ItemKind,
    name: String,
    description: String,
    format: String,
    size_bytes: i64,
    sha256: String,
    sensitivity: Sensitivity,
    medium: String,
}

/// What a file's format is called when the provider did not say: its extension, else its type.
fn format_of(file: &IncomingFile) -> String {
    match file.name.rsplit_once('.') {
        Some((_, ext)) if !ext.is_empty() && ext.len() <= 10 => ext.to_ascii_uppercase(),
        _ => file.media_type.clone(),
    }
}

fn parse_item(input: &ItemInput, file: Option<&IncomingFile>) -> ServiceResult<ParsedItem> {
    let mut f = Fields::new();
    let kind = f.check("kind", ItemKind::parse(input.kind.trim()).ok_or(Msg::ErrChoose));
    let name = text(&mut f, "name", &input.name, MAX_NAME_CHARS, true);
    let description = long_text(&mut f, "description", &input.description, false);
    let format = text(&mut f, "format", &input.format, 64, false);
    let sensitivity = f.check("sensitivity", Sensitivity::parse(input.sensitivity.trim()).ok_or(Msg::ErrChoose));
    let medium = long_text(&mut f, "medium", &input.medium, file.is_none());
    let size = match (input.size_bytes.trim(), file) {
        ("", Some(file)) => Some(file.received.size as i64),
        ("", None) => {
            f.refuse("size_bytes", Msg::ErrRequired);
            None
        }
        (t, _) => f.check("size_bytes", t.parse::<i64>().ok().filter(|n| *n >= 0).ok_or(Msg::ExErrSize)),
    };
    let sha256 = match (input.sha256.trim(), file) {
        ("", Some(file)) => Some(file.received.sha256.clone()),
        (t, _) => f.check("sha256", rules::checksum(t)),
    };
    f.finish_with(|| {
        Some(ParsedItem {
            kind: kind?,
            name: name?,
            description: description?,
            // Left empty: the file's extension (`SQL`, `ZIP`), or its detected type; nothing for media.
            format: format.map(|t| if t.is_empty() { file.map(format_of).unwrap_or_default() } else { t })?,
            size_bytes: size?,
            sha256: sha256?,
            sensitivity: sensitivity?,
            medium: medium?,
        })
    })
}

/// The exit `id` for the provider's inventory change, locked, with its facts checked for `action`.
async fn for_inventory<C: ConnectionTrait>(
    conn: &C,
    w: &ExitWriter,
    id: Uuid,
    action: ExitAction,
) -> ServiceResult<(exit::Model, Party, Vec<item::Model>)> {
    let e = w.exit_for_update(id, conn.get_database_backend()).one(conn).await?.ok_or(ServiceError::NotFound)?;
    let party = w.reader().party(&e).ok_or(ServiceError::Forbidden)?;
    let (steps, items) = parts(conn, w.reader(), id).await?;
    rules::check(&facts_of(&e, &steps, &items), party, action).map_err(|m| ServiceError::Conflict { field: "action", msg: m })?;
    Ok((e, party, items))
}

/// Re-reads the exit's parts and writes its status.
async fn resettle<C: ConnectionTrait>(conn: &C, w: &ExitWriter, e: exit::Model, now: time::OffsetDateTime) -> ServiceResult<ExitStatus> {
    let (steps, items) = parts(conn, w.reader(), e.id).await?;
    let f = facts_of(&e, &steps, &items);
    settle(conn, e, &f, now).await
}

/// Places a file in the store (before the transaction commits; bytes left unreferenced by a
/// failed commit are removed by the file sweep).
async fn place(store: &FileStore, file: IncomingFile) -> ServiceResult<(String, String, String, i64)> {
    let size = file.received.size as i64;
    let placed = store.place(file.received).await.map_err(|e| ServiceError::Internal(format!("storing a file: {e}")))?;
    Ok((placed.sha256, file.name, file.media_type, size))
}

/// The provider adds one item to the inventory. Returns the item's id.
#[allow(clippy::too_many_arguments)]
pub async fn add_item(
    db: &DatabaseConnection,
    store: &FileStore,
    by: &Acting<'_>,
    w: &ExitWriter,
    id: Uuid,
    input: &ItemInput,
    file: Option<IncomingFile>,
    link_base: &str,
) -> ServiceResult<Uuid> {
    let Acting { actor, meta, now } = *by;
    let txn = write_txn(db).await?;
    let (e, _, items) = for_inventory(&txn, w, id, ExitAction::AddItem).await?;
    let p = parse_item(input, file.as_ref())?;
    let stored = match file {
        Some(file) => Some(place(store, file).await?),
        None => None,
    };
    let item_id = Uuid::now_v7();
    let differs = stored.as_ref().is_some_and(|(sha, ..)| *sha != p.sha256);
    item::ActiveModel {
        id: Set(item_id),
        exit_id: Set(id),
        position: Set(items.iter().map(|i| i.position).max().unwrap_or(0) + 1),
        kind: Set(p.kind.code().into()),
        name: Set(p.name.clone()),
        description: Set(p.description),
        format: Set(p.format),
        size_bytes: Set(p.size_bytes),
        sha256: Set(p.sha256.clone()),
        sensitivity: Set(p.sensitivity.code().into()),
        medium: Set(p.medium),
        file_sha256: Set(stored.as_ref().map(|s| s.0.clone())),
        file_name: Set(stored.as_ref().map(|s| s.1.clone())),
        file_type: Set(stored.as_ref().map(|s| s.2.clone())),
        file_size: Set(stored.as_ref().map(|s| s.3).unwrap_or(0)),
        verification: Set(Verification::Pending.code().into()),
        checked_sha256: Set(None),
        checked_how: Set(None),
        checked_at: Set(None),
        checked_by: Set(None),
        added_by: Set(actor.person_id),
        added_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let summary = format!(
        "item \"{}\" ({}; sha256 {}{})",
        p.name,
        p.kind.code(),
        p.sha256,
        if differs { "; the stored file's hash differs" } else { "" }
    );
    AuditEntry::mirrored(actor, meta, AuditAction::ExitInventory, format!("exit {id}"), summary, e.agency_id).record(&txn, now).await?;
    resettle(&txn, w, e.clone(), now).await?;
    if items.is_empty() {
        tell(&txn, &e, e.agency_id, ExitMailKind::InventoryStarted, String::new(), now, link_base).await?;
    }
    epoch::commit_change(txn).await?;
    Ok(item_id)
}

/// The provider corrects an item not yet verified: a new file, a new declared checksum or size,
/// new media; its verification starts again.
#[allow(clippy::too_many_arguments)]
pub async fn correct_item(
    db: &DatabaseConnection,
    store: &FileStore,
    by: &Acting<'_>,
    w: &ExitWriter,
    id: Uuid,
    item_id: Uuid,
    input: &ItemInput,
    file: Option<IncomingFile>,
    link_base: &str,
) -> ServiceResult<()> {
    let Acting { actor, meta, now } = *by;
    let txn = write_txn(db).await?;
    let (e, _, items) = for_inventory(&txn, w, id, ExitAction::CorrectItem).await?;
    let it = items.into_iter().find(|i| i.id == item_id).ok_or(ServiceError::NotFound)?;
    if it.verification == Verification::Verified.code() {
        return Err(ServiceError::Conflict { field: "item", msg: Msg::ExErrVerifiedKept });
    }
    // What is left empty keeps its value, but a new file brings its own size and hash.
    let keep = |typed: &str, old: String| if typed.trim().is_empty() { old } else { typed.to_string() };
    let with_file = file.is_some();
    let merged = ItemInput {
        kind: keep(&input.kind, it.kind.clone()),
        name: keep(&input.name, it.name.clone()),
        description: keep(&input.description, it.description.clone()),
        format: keep(&input.format, it.format.clone()),
        size_bytes: if with_file { input.size_bytes.clone() } else { keep(&input.size_bytes, it.size_bytes.to_string()) },
        sha256: if with_file { input.sha256.clone() } else { keep(&input.sha256, it.sha256.clone()) },
        sensitivity: keep(&input.sensitivity, it.sensitivity.clone()),
        medium: keep(&input.medium, it.medium.clone()),
    };
    if !with_file && input.sha256.trim().is_empty() && input.size_bytes.trim().is_empty() && input.medium.trim().is_empty() {
        return Err(ServiceError::invalid("sha256", Msg::ExErrNothingCorrected));
    }
    let has_file = with_file || it.file_sha256.is_some();
    let p = parse_item(&merged, file.as_ref())?;
    if !has_file && p.medium.is_empty() {
        return Err(ServiceError::invalid("medium", Msg::ErrRequired));
    }
    let stored = match file {
        Some(file) => Some(place(store, file).await?),
        None => None,
    };
    let mut am = it.clone().into_active_model();
    am.kind = Set(p.kind.code().into());
    am.name = Set(p.name.clone());
    am.description = Set(p.description);
    am.format = Set(p.format);
    am.size_bytes = Set(p.size_bytes);
    am.sha256 = Set(p.sha256.clone());
    am.sensitivity = Set(p.sensitivity.code().into());
    am.medium = Set(p.medium);
    if let Some((sha, name, media, size)) = stored {
        am.file_sha256 = Set(Some(sha));
        am.file_name = Set(Some(name));
        am.file_type = Set(Some(media));
        am.file_size = Set(size);
    }
    am.verification = Set(Verification::Pending.code().into());
    am.checked_sha256 = Set(None);
    am.checked_how = Set(None);
    am.checked_at = Set(None);
    am.checked_by = Set(None);
    am.updated_at = Set(now);
    am.update(&txn).await?;
    let summary = format!("item \"{}\" corrected (sha256 {}; was {}: {})", p.name, p.sha256, it.verification, it.sha256);
    AuditEntry::mirrored(actor, meta, AuditAction::ExitInventory, format!("exit {id}"), summary, e.agency_id).record(&txn, now).await?;
    resettle(&txn, w, e.clone(), now).await?;
    tell(&txn, &e, e.agency_id, ExitMailKind::ItemCorrected, p.name, now, link_base).await?;
    epoch::commit_change(txn).await?;
    Ok(())
}

/// What the agency verifies an item with.
pub enum Evidence {
    /// Recompute the stored file's bytes.
    Stored,
    /// A file it uploaded only to have it hashed (not kept).
    Uploaded(IncomingFile),
    /// A checksum it computed itself, as typed.
    Typed(String),
}

/// The agency verifies one item: the checksum it has against the declared one. Returns whether
/// they match.
#[allow(clippy::too_many_arguments)]
pub async fn verify_item(
    db: &DatabaseConnection,
    store: &FileStore,
    by: &Acting<'_>,
    w: &ExitWriter,
    id: Uuid,
    item_id: Uuid,
    evidence: Evidence,
    link_base: &str,
) -> ServiceResult<bool> {
    let Acting { actor, meta, now } = *by;
    // A typed checksum is parsed before anything is read.
    let typed = match &evidence {
        Evidence::Typed(t) => Some(rules::checksum(t).map_err(|m| ServiceError::invalid("sha256", m))?),
        _ => None,
    };
    let txn = write_txn(db).await?;
    let (e, _, items) = for_inventory(&txn, w, id, ExitAction::Verify).await?;
    let it = items.into_iter().find(|i| i.id == item_id).ok_or(ServiceError::NotFound)?;
    if it.verification == Verification::Verified.code() {
        return Err(ServiceError::Conflict { field: "item", msg: Msg::ExErrVerifiedKept });
    }
    let (computed, how) = match evidence {
        Evidence::Typed(_) => (typed.unwrap_or_default(), CheckedHow::Typed),
        Evidence::Uploaded(file) => (file.received.sha256.clone(), CheckedHow::Uploaded),
        Evidence::Stored => {
            let Some(sha) = it.file_sha256.as_deref() else {
                return Err(ServiceError::invalid("sha256", Msg::ExErrNoStoredFile));
            };
            // Bytes gone from the store verify as nothing: a mismatch the provider must mend.
            let digest = store.digest(sha).await.unwrap_or_default();
            (digest, CheckedHow::Stored)
        }
    };
    let result = rules::compare(&it.sha256, &computed);
    let mut am = it.clone().into_active_model();
    am.verification = Set(result.code().into());
    am.checked_sha256 = Set(Some(computed.clone()).filter(|c| !c.is_empty()));
    am.checked_how = Set(Some(how.code().into()));
    am.checked_at = Set(Some(now));
    am.checked_by = Set(Some(actor.person_id));
    am.updated_at = Set(now);
    am.update(&txn).await?;
    let summary = format!("item \"{}\" {} ({}: {computed})", it.name, result.code(), how.code());
    AuditEntry::mirrored(actor, meta, AuditAction::ExitVerify, format!("exit {id}"), summary, e.provider_id).record(&txn, now).await?;
    resettle(&txn, w, e.clone(), now).await?;
    if result == Verification::Mismatch {
        tell(&txn, &e, e.provider_id, ExitMailKind::Mismatch, it.name.clone(), now, link_base).await?;
    }
    epoch::commit_change(txn).await?;
    Ok(result == Verification::Verified)
}
