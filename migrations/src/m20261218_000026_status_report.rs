//! The regulator's monthly status reports, frozen once their month has closed: one row per
//! version of a jurisdiction's or an agency's report of a month, the body as it was shown then. A
//! correction found later makes a new version; none is ever rewritten.
use sea_orm_migration::prelude::*;

use crate::tables::{append_only, drop_append_only, drop_tables, index, table, Ty};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use Ty::*;
        m.create_table(table(
            "status_report",
            &[
                ("id", Pk),
                // A regulator (its jurisdiction's report) or an agency (its own).
                ("scope_id", Id),
                ("scope_kind", Str(16)),
                // `YYYY-MM`.
                ("month", Str(7)),
                ("version", Int),
                ("body", Text),
                // SHA-256 of the figures a correction is judged by.
                ("figures_hash", Str(64)),
                ("frozen_at", Ts),
            ],
            &[("scope_id", "organisation")],
        ))
        .await?;
        index(
            m,
            "ux_status_report_version",
            Alias::new("status_report"),
            ["scope_id", "scope_kind", "month", "version"].map(Alias::new),
            true,
        )
        .await?;
        append_only(m, &["status_report"]).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_append_only(m, &["status_report"]).await?;
        drop_tables(m, [Alias::new("status_report").into_iden()]).await
    }
}
