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

/// An upgrade: a database in use (the tests' world written) at the schema before the latest
/// migrations takes them with its rows in place, and the portal serves it after.
#[tokio::test]
async fn the_latest_migrations_apply_over_a_database_in_use() {
    use sea_orm::{EntityTrait, PaginatorTrait};
    for b in backends() {
        let (db, url) = fresh_db(b).await;
        common::build_world(&db, time::macros::datetime!(2026-11-25 02:00 UTC)).await;
        let people = app::tenancy::entity::person::Entity::find().count(&db).await.expect("count");
        let orgs = app::tenancy::entity::organisation::Entity::find().count(&db).await.expect("count");
        // Back to the schema four migrations ago, rows kept where their tables stay.
        Migrator::down(&db, Some(4)).await.expect("down four");
        assert_eq!(Migrator::get_pending_migrations(&db).await.expect("pending").len(), 4, "{b:?}");
        Migrator::up(&db, None).await.expect("the upgrade");
        assert_eq!(app::tenancy::entity::person::Entity::find().count(&db).await.expect("count"), people, "{b:?}");
        assert_eq!(app::tenancy::entity::organisation::Entity::find().count(&db).await.expect("count"), orgs, "{b:?}");
        let app = common::TestApp::over(b, db, url).await;
        let c = app.signed_in("admin@agency.example").await;
        assert_eq!(app.get_json(&c, "/api/account_security").await.0, 200, "{b:?}: served after the upgrade");
    }
}
