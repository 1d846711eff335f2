//! Migrations apply on an empty database of each kind, and roll back cleanly.
use crate::common;

use common::{backends, fresh_db};
use migrations::{Migrator, MigratorTrait};

#[tokio::test]
async fn migrate_up_on_an_empty_database_then_down_and_up_again() {
    for b in backends() {
        let (db, _) = fresh_db(b).await;
        let applied = Migrator::get_applied_migrations(&db).await.expect("applied");
        assert_eq!(applied.len(), Migrator::migrations().len(), "{b:?}");
        assert!(Migrator::get_pending_migrations(&db).await.expect("pending").is_empty());
        Migrator::down(&db, None).await.expect("down");
        Migrator::up(&db, None).await.expect("up again");
        assert_eq!(app::audit::service::verify_chain(&db, None).await.expect("verify").rows_checked, 0);
    }
}
