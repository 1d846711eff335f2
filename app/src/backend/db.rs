//! The database handle: connecting, and write transactions that serialise correctly on SQLite.
use std::time::Duration;

use sea_orm::{
    sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous},
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};

pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut opts = ConnectOptions::new(url.to_string());
    opts.sqlx_logging(false);
    if url.starts_with("sqlite") {
        // One writer at a time is SQLite's rule; a small pool keeps readers concurrent. The
        // PRAGMAs go in the connect options so every pooled connection has them, not just one.
        opts.max_connections(8).min_connections(1).map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                .synchronous(SqliteSynchronous::Normal)
        });
    } else {
        opts.max_connections(20).min_connections(1);
    }
    Database::connect(opts).await
}

/// Asks every idle SQLite connection to give back its page cache (`PRAGMA shrink_memory`), for a
/// quiet moment: each of the pool's eight holds up to 2 MB of pages it read, kept for reuse until the
/// connection closes. Connections in use are left alone; on PostgreSQL the server holds the pages.
pub async fn release_idle_memory(db: &DatabaseConnection) {
    if db.get_database_backend() != sea_orm::DbBackend::Sqlite {
        return;
    }
    let pool = db.get_sqlite_connection_pool();
    // Taken together, so each idle connection is visited once rather than the same one eight times.
    let mut idle = Vec::new();
    while let Some(conn) = pool.try_acquire() {
        idle.push(conn);
    }
    for conn in idle.iter_mut() {
        if let Err(e) = sea_orm::sqlx::query("PRAGMA shrink_memory").execute(&mut **conn).await {
            tracing::debug!(error = %e, "PRAGMA shrink_memory failed");
        }
    }
}

/// Begins a transaction that will write. On SQLite it takes the write lock at BEGIN
/// (`BEGIN IMMEDIATE`), so a transaction that reads first never fails on upgrade.
pub async fn write_txn(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

#[cfg(test)]
mod tests {
    use sea_orm::{ConnectionTrait, Statement};

    use super::*;

    /// A pool on a new SQLite file, and its folder to remove afterwards.
    async fn scratch() -> (DatabaseConnection, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("portal-db-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let db = connect(&format!("sqlite://{}/t.db?mode=rwc", dir.display())).await.unwrap();
        (db, dir)
    }

    /// Every pooled connection, not only the first, runs with the PRAGMAs.
    #[tokio::test]
    async fn every_sqlite_connection_has_the_pragmas() {
        let (db, dir) = scratch().await;
        // Holding transactions open forces the pool to hand out distinct connections.
        let mut held = Vec::new();
        for _ in 0..4 {
            let txn = db.begin().await.unwrap();
            for (pragma, want) in [("synchronous", 1), ("foreign_keys", 1), ("busy_timeout", 10_000)] {
                let row = txn
                    .query_one_raw(Statement::from_string(db.get_database_backend(), format!("PRAGMA {pragma}")))
                    .await
                    .unwrap()
                    .unwrap();
                assert_eq!(row.try_get_by_index::<i32>(0).unwrap(), want, "PRAGMA {pragma}");
            }
            held.push(txn);
        }
        drop(held);
        std::fs::remove_dir_all(dir).ok();
    }

    /// Shrinking visits only idle connections: one held in a transaction neither blocks it nor is
    /// taken from its holder, and the pool answers as before afterwards.
    #[tokio::test]
    async fn releasing_memory_skips_busy_connections_and_keeps_the_pool() {
        let (db, dir) = scratch().await;
        let one = |db: DatabaseConnection| async move {
            let row =
                db.query_one_raw(Statement::from_string(db.get_database_backend(), "SELECT 1")).await.unwrap().unwrap();
            row.try_get_by_index::<i32>(0).unwrap()
        };
        let held = db.begin().await.unwrap();
        let idle_txn = db.begin().await.unwrap();
        idle_txn.commit().await.unwrap();
        let size = db.get_sqlite_connection_pool().size();
        tokio::time::timeout(Duration::from_secs(5), release_idle_memory(&db))
            .await
            .expect("waited for a busy connection");
        assert_eq!(db.get_sqlite_connection_pool().size(), size, "no connection was closed");
        assert_eq!(one(db.clone()).await, 1);
        held.commit().await.unwrap();
        assert_eq!(one(db.clone()).await, 1);
        std::fs::remove_dir_all(dir).ok();
    }
}
