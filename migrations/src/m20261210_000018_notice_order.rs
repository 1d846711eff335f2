//! Change notices in the order lists read them (newest first): a page of a regulator's notices
//! walks this index and probes each notice's reach, instead of sorting every notice in reach.
use sea_orm_migration::prelude::*;

use crate::tables::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let a = |s: &'static str| Alias::new(s);
        index(m, "idx_ch_notice_submitted", a("ch_notice"), [a("submitted_at"), a("id")], false).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("idx_ch_notice_submitted").table(Alias::new("ch_notice")).to_owned()).await
    }
}
