//! The records still open (no end yet, or an end still ahead) found by their end: the SLA list
//! asks for them on every computation, and through the engagement's index that meant reading
//! every record the reach ever had (some 220,000 in the generated world) to find a handful.
use sea_orm_migration::prelude::*;

use crate::tables::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SlaRecord {
    Table,
    EndedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        index(m, "idx_sla_record_open", SlaRecord::Table, [SlaRecord::EndedAt], false).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("idx_sla_record_open").table(SlaRecord::Table).to_owned()).await
    }
}
