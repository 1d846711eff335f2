//! A retention check's finding: the oldest backup or log on hand on the day of the check, from
//! which the portal computes whether the agreed retention is kept (never typed as "passed").
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SlaMeasure {
    Table,
    Oldest,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(SlaMeasure::Table).add_column(date_null(SlaMeasure::Oldest)).to_owned())
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(SlaMeasure::Table).drop_column(SlaMeasure::Oldest).to_owned()).await
    }
}
