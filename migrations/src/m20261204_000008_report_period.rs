//! The reports work list's rows: the periods of each obligation that are in the work window (the
//! latest twelve begun), so the list is filtered, ordered and paged in SQL instead of computed in
//! full for every page. Filled by the reports module (on a new or ended obligation, and as periods
//! begin); a fresh or migrated database is filled at its first read.
use sea_orm_migration::{prelude::*, schema::*};

use crate::tables::{drop_tables, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ReportObligation {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ReportPeriod {
    Table,
    ObligationId,
    PeriodStart,
    EndOn,
    DueOn,
    LateFrom,
    AgencyId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ReportPeriod::Table)
                .col(uuid(ReportPeriod::ObligationId))
                .col(date(ReportPeriod::PeriodStart))
                .col(date(ReportPeriod::EndOn))
                .col(date(ReportPeriod::DueOn))
                .col(timestamp_with_time_zone(ReportPeriod::LateFrom))
                .col(uuid(ReportPeriod::AgencyId))
                .primary_key(Index::create().col(ReportPeriod::ObligationId).col(ReportPeriod::PeriodStart))
                .foreign_key(&mut fk(
                    "fk_period_obligation",
                    (ReportPeriod::Table, ReportPeriod::ObligationId),
                    (ReportObligation::Table, ReportObligation::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(m, "idx_period_due", ReportPeriod::Table, [ReportPeriod::DueOn], false).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(m, [ReportPeriod::Table.into_iden()]).await
    }
}
