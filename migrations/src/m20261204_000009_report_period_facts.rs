//! The work list's rows carry what orders them: the submission's stage (nothing sent, submitted,
//! returned, accepted, accepted late), its versions and lateness, and the agency's name, so a page
//! is read in the order of one index instead of joining and sorting the whole window. The rows are
//! derived (kept by the reports module from obligations and submissions), so the table is made
//! anew: a migrated database fills it at its first read, as a fresh one does.
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
    AgencyName,
    Stage,
    Late,
    Versions,
    SubmissionId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(m, [ReportPeriod::Table.into_iden()]).await?;
        use ReportPeriod as P;
        m.create_table(
            Table::create()
                .table(P::Table)
                .col(uuid(P::ObligationId))
                .col(date(P::PeriodStart))
                .col(date(P::EndOn))
                .col(date(P::DueOn))
                .col(timestamp_with_time_zone(P::LateFrom))
                .col(uuid(P::AgencyId))
                .col(string(P::AgencyName))
                .col(string(P::Stage).default("open"))
                .col(boolean(P::Late).default(false))
                .col(integer(P::Versions).default(0))
                .col(uuid_null(P::SubmissionId))
                .primary_key(Index::create().col(P::ObligationId).col(P::PeriodStart))
                .foreign_key(&mut fk(
                    "fk_period_obligation",
                    (P::Table, P::ObligationId),
                    (ReportObligation::Table, ReportObligation::Id),
                ))
                .to_owned(),
        )
        .await?;
        // One stage's rows in the list's order: a page is a range of this index.
        index(
            m,
            "idx_period_stage_order",
            P::Table,
            [P::Stage, P::DueOn, P::AgencyName, P::ObligationId, P::PeriodStart],
            false,
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(m, [ReportPeriod::Table.into_iden()]).await?;
        super::m20261204_000008_report_period::Migration.up(m).await
    }
}
