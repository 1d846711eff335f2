//! Why an engagement was declined or ended, in the words of the side that did it: the record
//! keeps the reason the confirmation asked for, for the other side and the regulator to read.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Engagement {
    Table,
    ClosingReason,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table(Engagement::Table).add_column(text_null(Engagement::ClosingReason)).to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(Engagement::Table).drop_column(Engagement::ClosingReason).to_owned())
            .await
    }
}
