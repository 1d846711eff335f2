//! The week each agency was last sent its emergency-response digest (overdue drills, plans past
//! review, overdue follow-up actions), so however many instances run the weekly job, an agency
//! hears once a week.
use sea_orm_migration::{prelude::*, schema::*};

use crate::tables::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ErDigest {
    Table,
    AgencyId,
    /// The Monday of the week last sent (in the portal's zone).
    WeekOf,
    SentAt,
}

#[derive(DeriveIden)]
enum Organisation {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ErDigest::Table)
                .col(pk_uuid(ErDigest::AgencyId))
                .col(date(ErDigest::WeekOf))
                .col(timestamp_with_time_zone(ErDigest::SentAt))
                .foreign_key(&mut fk(
                    "fk_er_digest_agency",
                    (ErDigest::Table, ErDigest::AgencyId),
                    (Organisation::Table, Organisation::Id),
                ))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ErDigest::Table).to_owned()).await
    }
}
