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

    /// Every pooled connection, not only the first, runs with the PRAGMAs.
    #[tokio::test]
    async fn every_sqlite_connection_has_the_pragmas() {
        let dir = std::env::temp_dir().join(format!("portal-db-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let db = connect(&format!("sqlite://{}/t.db?mode=rwc", dir.display()))
            .await
            .unwrap();
        // Holding transactions open forces the pool to hand out distinct connections.
        let mut held = Vec::new();
        for _ in 0..4 {
            let txn = db.begin().await.unwrap();
            for (pragma, want) in [("synchronous", 1), ("foreign_keys", 1), ("busy_timeout", 10_000)] {
                let row = txn
                    .query_one_raw(Statement::from_string(
                        db.get_database_backend(),
                        format!("PRAGMA {pragma}"),
                    ))
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
}
