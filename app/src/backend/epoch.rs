//! The data epoch: a marker that moves whenever reports or the organisation tree change, and the
//! cache of views computed from them, valid while the epoch stands.
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use sea_orm::{sea_query::OnConflict, ActiveValue::Set, ConnectionTrait, EntityTrait};

use super::{entity::setting, ServiceResult};

const KEY: &str = "data_epoch";

/// The current epoch (any text; only equality matters).
pub async fn current<C: ConnectionTrait>(conn: &C) -> ServiceResult<String> {
    Ok(setting::Entity::find_by_id(KEY.to_string())
        .one(conn)
        .await?
        .map(|s| s.value)
        .unwrap_or_default())
}

/// Moves the epoch; call inside the transaction that makes the change, so the two commit together.
pub async fn bump<C: ConnectionTrait>(conn: &C) -> ServiceResult<()> {
    setting::Entity::insert(setting::ActiveModel {
        key: Set(KEY.into()),
        value: Set(uuid::Uuid::new_v4().to_string()),
    })
    .on_conflict(
        OnConflict::column(setting::Column::Key)
            .update_column(setting::Column::Value)
            .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Views keyed by what they were computed for, each remembered with the epoch it was read at.
/// Small: when full it starts over, which costs one recomputation per view.
pub struct EpochCache<V> {
    entries: Mutex<HashMap<String, (String, Arc<V>)>>,
    capacity: usize,
}

impl<V> EpochCache<V> {
    pub fn new(capacity: usize) -> Self {
        EpochCache {
            entries: Mutex::new(HashMap::new()),
            capacity,
        }
    }

    /// The view computed for `key` at `epoch`, if it is still there.
    pub fn get(&self, key: &str, epoch: &str) -> Option<Arc<V>> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.get(key).filter(|(at, _)| at == epoch).map(|(_, v)| v.clone())
    }

    /// Remembers a view read at `epoch` (read the epoch before the view, never after).
    pub fn put(&self, key: String, epoch: String, value: Arc<V>) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            entries.clear();
        }
        entries.insert(key, (epoch, value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_is_served_only_for_its_epoch_and_the_cache_stays_small() {
        let cache = EpochCache::new(2);
        cache.put("a".into(), "1".into(), Arc::new(10));
        assert_eq!(cache.get("a", "1").as_deref(), Some(&10));
        assert_eq!(cache.get("a", "2"), None, "a moved epoch misses");
        assert_eq!(cache.get("b", "1"), None);
        cache.put("b".into(), "1".into(), Arc::new(20));
        cache.put("c".into(), "1".into(), Arc::new(30));
        assert_eq!(cache.get("c", "1").as_deref(), Some(&30));
        assert!(
            cache.get("a", "1").is_none() && cache.get("b", "1").is_none(),
            "full: started over"
        );
    }
}
