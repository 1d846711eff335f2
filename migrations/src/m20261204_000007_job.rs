//! The job table: one row per periodic job, which the scheduler claims under a row lock so that
//! however many instances run, each job runs once per interval.
use sea_orm_migration::{prelude::*, schema::*};

use crate::tables::drop_tables;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Job {
    Table,
    Name,
    DueAt,
    ClaimedUntil,
    ClaimedBy,
    LastStartedAt,
    LastFinishedAt,
    LastError,
    Runs,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Job::Table)
                .col(string_len(Job::Name, 64).primary_key())
                .col(timestamp_with_time_zone(Job::DueAt))
                .col(timestamp_with_time_zone_null(Job::ClaimedUntil))
                .col(string_len_null(Job::ClaimedBy, 64))
                .col(timestamp_with_time_zone_null(Job::LastStartedAt))
                .col(timestamp_with_time_zone_null(Job::LastFinishedAt))
                .col(text_null(Job::LastError))
                .col(big_integer(Job::Runs).default(0))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(m, [Job::Table.into_iden()]).await
    }
}
