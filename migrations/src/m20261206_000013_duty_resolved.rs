//! What the duty job keeps current so national views read rows instead of resolving thousands of
//! rosters per request: when a roster's next change comes (the job resolves it again then, or at
//! once after an edit clears it) and since when it has been uncovered, and each special period's uncovered hours still to come. Also
//! one handover per person and shift, and the events each calendar feed has sent (so one that
//! vanished is sent again as cancelled).
use sea_orm_migration::{prelude::*, schema::*};

use crate::tables::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Roster {
    Table,
    /// Who is on duty (the open `duty_stood` rows) is current until then; empty: resolve now.
    ResolvedUntil,
    /// Since when the cover required now has no primary (empty: covered, or none required).
    UncoveredSince,
}

#[derive(DeriveIden)]
enum RosterSpecial {
    Table,
    /// Seconds of required cover still to come with no primary, as of the roster's last resolve.
    GapSeconds,
    FirstGapAt,
}

#[derive(DeriveIden)]
enum DutyStood {
    Table,
    Corrects,
}

#[derive(DeriveIden)]
enum DutyHandover {
    Table,
    RosterId,
    PersonId,
    ShiftStart,
}

#[derive(DeriveIden)]
enum CalendarFeed {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum CalendarEvent {
    Table,
    FeedId,
    Uid,
    StartsAt,
    EndsAt,
    Summary,
    CancelledAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            timestamp_with_time_zone_null(Roster::ResolvedUntil),
            timestamp_with_time_zone_null(Roster::UncoveredSince),
        ] {
            m.alter_table(Table::alter().table(Roster::Table).add_column(column).to_owned()).await?;
        }
        index(m, "idx_roster_resolved", Roster::Table, [Roster::ResolvedUntil], false).await?;
        // One column per statement: SQLite alters one thing at a time.
        for column in
            [big_integer_null(RosterSpecial::GapSeconds), timestamp_with_time_zone_null(RosterSpecial::FirstGapAt)]
        {
            m.alter_table(Table::alter().table(RosterSpecial::Table).add_column(column).to_owned()).await?;
        }
        // "Not corrected by a later row" is asked of every row read.
        index(m, "idx_stood_corrects", DutyStood::Table, [DutyStood::Corrects], false).await?;
        index(
            m,
            "uq_handover_shift",
            DutyHandover::Table,
            [DutyHandover::RosterId, DutyHandover::PersonId, DutyHandover::ShiftStart],
            true,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CalendarEvent::Table)
                .col(uuid(CalendarEvent::FeedId))
                .col(string_len(CalendarEvent::Uid, 200))
                .col(timestamp_with_time_zone(CalendarEvent::StartsAt))
                .col(timestamp_with_time_zone(CalendarEvent::EndsAt))
                .col(string_len(CalendarEvent::Summary, 400))
                .col(timestamp_with_time_zone_null(CalendarEvent::CancelledAt))
                .primary_key(Index::create().col(CalendarEvent::FeedId).col(CalendarEvent::Uid))
                .foreign_key(&mut crate::tables::fk(
                    "fk_calendar_event_feed",
                    (CalendarEvent::Table, CalendarEvent::FeedId),
                    (CalendarFeed::Table, CalendarFeed::Id),
                ))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CalendarEvent::Table).to_owned()).await?;
        m.drop_index(Index::drop().name("uq_handover_shift").table(DutyHandover::Table).to_owned()).await?;
        m.drop_index(Index::drop().name("idx_stood_corrects").table(DutyStood::Table).to_owned()).await?;
        for column in [RosterSpecial::GapSeconds, RosterSpecial::FirstGapAt] {
            m.alter_table(Table::alter().table(RosterSpecial::Table).drop_column(column).to_owned()).await?;
        }
        m.drop_index(Index::drop().name("idx_roster_resolved").table(Roster::Table).to_owned()).await?;
        for column in [Roster::ResolvedUntil, Roster::UncoveredSince] {
            m.alter_table(Table::alter().table(Roster::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
