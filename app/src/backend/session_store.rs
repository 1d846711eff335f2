//! A tower-sessions store over sea-orm, so sessions live in the same SQLite or PostgreSQL database,
//! with each record also kept in memory for the current generation (most requests only read it).
use std::sync::Arc;

use async_trait::async_trait;
use sea_orm::{sea_query::OnConflict, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use time::OffsetDateTime;
use tower_sessions::{
    session::{Id, Record},
    session_store::{self, SessionStore},
};

use super::{entity::session, epoch::Caches};

#[derive(Clone)]
pub struct DbSessionStore {
    db: DatabaseConnection,
    caches: Arc<Caches>,
}

impl std::fmt::Debug for DbSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbSessionStore")
    }
}

impl DbSessionStore {
    /// Sessions ended by a change elsewhere (deactivation, a password change) are deleted in the
    /// database by that change, which moves the generation, so no stale record is served.
    pub fn new(db: DatabaseConnection, caches: Arc<Caches>) -> Self {
        DbSessionStore { db, caches }
    }

    /// Keeps a record just written, labelled with the generation read before the write.
    fn remember(&self, record: &Record, at: u64) {
        self.caches.sessions.put(record.id.to_string(), at, record.clone());
    }

    /// Removes sessions past their expiry; run periodically.
    pub async fn delete_expired(&self, now: OffsetDateTime) -> Result<u64, sea_orm::DbErr> {
        let res = session::Entity::delete_many().filter(session::Column::ExpiresAt.lte(now)).exec(&self.db).await?;
        Ok(res.rows_affected)
    }

    /// Removes a one-time secret (a new password, an API token) that a flash message still holds
    /// in a session row saved more than `shown_within` ago: the page after the redirect takes it
    /// at once, so one still there was never shown and must not stay. Rows are recognised by
    /// their expiry, which is `inactivity` after their last save. Returns how many were cleared.
    pub async fn drop_unshown_secrets(
        &self,
        now: OffsetDateTime,
        inactivity: time::Duration,
        shown_within: time::Duration,
    ) -> Result<u64, sea_orm::DbErr> {
        use sea_orm::{ActiveModelTrait, IntoActiveModel};
        let saved_before = now + inactivity - shown_within;
        let rows = session::Entity::find()
            .filter(session::Column::Data.contains("\"secret\":\""))
            .filter(session::Column::ExpiresAt.lt(saved_before))
            .all(&self.db)
            .await?;
        let mut cleared = 0;
        for row in rows {
            let Ok(mut data) = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&row.data) else {
                continue;
            };
            let holds_secret = data.get("flash").and_then(|f| f.get("secret")).is_some_and(|s| s.is_string());
            if !holds_secret {
                continue;
            }
            data.remove("flash");
            self.caches.sessions.remove(&row.id);
            let mut am = row.into_active_model();
            am.data = Set(serde_json::Value::Object(data).to_string());
            am.update(&self.db).await?;
            cleared += 1;
        }
        Ok(cleared)
    }

    fn active_model(record: &Record) -> session_store::Result<session::ActiveModel> {
        let data = serde_json::to_string(&record.data).map_err(|e| session_store::Error::Encode(e.to_string()))?;
        Ok(session::ActiveModel {
            id: Set(record.id.to_string()),
            data: Set(data),
            expires_at: Set(record.expiry_date),
        })
    }
}

fn backend(e: sea_orm::DbErr) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // A plain INSERT; on the (astronomically rare) id collision, draw a new id and retry.
        let at = self.caches.generation.current();
        for _ in 0..5 {
            match session::Entity::insert(Self::active_model(record)?).exec_without_returning(&self.db).await {
                Ok(_) => {
                    self.remember(record, at);
                    return Ok(());
                }
                Err(e) if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => {
                    record.id = Id::default();
                }
                Err(e) => return Err(backend(e)),
            }
        }
        Err(session_store::Error::Backend("could not find a free session id".into()))
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        // Forgotten first: a failed write must not leave the new data in memory only.
        self.caches.sessions.remove(&record.id.to_string());
        let at = self.caches.generation.current();
        session::Entity::insert(Self::active_model(record)?)
            .on_conflict(
                OnConflict::column(session::Column::Id)
                    .update_columns([session::Column::Data, session::Column::ExpiresAt])
                    .to_owned(),
            )
            .exec_without_returning(&self.db)
            .await
            .map_err(backend)?;
        self.remember(record, at);
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let key = id.to_string();
        let at = self.caches.generation.current();
        if let Some(record) = self.caches.sessions.get(&key, at) {
            if record.expiry_date > OffsetDateTime::now_utc() {
                return Ok(Some(record));
            }
            self.caches.sessions.remove(&key);
            return Ok(None);
        }
        let row = session::Entity::find_by_id(id.to_string())
            .filter(session::Column::ExpiresAt.gt(OffsetDateTime::now_utc()))
            .one(&self.db)
            .await
            .map_err(backend)?;
        let Some(row) = row else { return Ok(None) };
        let data = serde_json::from_str(&row.data).map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let record = Record { id: *id, data, expiry_date: row.expires_at };
        self.caches.sessions.put(key, at, record.clone());
        Ok(Some(record))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.caches.sessions.remove(&id.to_string());
        session::Entity::delete_by_id(id.to_string()).exec(&self.db).await.map_err(backend)?;
        Ok(())
    }
}
