//! An obligation can be ended before its last period: by the receiving side, with a reason, or
//! with the engagement it sits on. These columns say when, why and by whom.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ReportObligation {
    Table,
    EndedOn,
    EndReason,
    EndedBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one thing at a time.
        for column in [
            date_null(ReportObligation::EndedOn),
            text_null(ReportObligation::EndReason),
            uuid_null(ReportObligation::EndedBy),
        ] {
            manager.alter_table(Table::alter().table(ReportObligation::Table).add_column(column).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [ReportObligation::EndedOn, ReportObligation::EndReason, ReportObligation::EndedBy] {
            manager.alter_table(Table::alter().table(ReportObligation::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
