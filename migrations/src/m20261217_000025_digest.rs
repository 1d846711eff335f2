//! The daily digest: each person's choice of when it comes and which kinds it leaves out, and the
//! local days it was sent on — keyed by person and day, so a second sender's attempt at the same
//! day collides and sends nothing.
use sea_orm_migration::prelude::*;

use crate::tables::{drop_tables, keyed, table, Ty};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use Ty::*;
        m.create_table(keyed(
            table(
                "digest_preference",
                &[
                    ("person_id", Id),
                    // Minutes after midnight on the person's own clock.
                    ("send_at", Small),
                    // The kinds left out, as comma-separated codes.
                    ("opted_out", Str(200)),
                    ("updated_at", Ts),
                ],
                &[("person_id", "person")],
            ),
            &["person_id"],
        ))
        .await?;
        m.create_table(keyed(
            table(
                "digest_sent",
                &[("person_id", Id), ("day", Day), ("sent_at", Ts), ("items", Int)],
                &[("person_id", "person")],
            ),
            &["person_id", "day"],
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(m, [Alias::new("digest_sent").into_iden(), Alias::new("digest_preference").into_iden()]).await
    }
}
