//! Duty rosters: a roster per duty desk of an organisation, its rotations (a version per edit,
//! so the past is never rewritten) and their members, overrides, special periods with their fixed
//! shifts, offered and taken shifts, the duty actually stood (recorded as it happens, corrected
//! only by new rows), the handover log, special periods' status reports and calendar feeds.
use sea_orm_migration::{prelude::*, schema::*};

use crate::tables::{drop_tables, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organisation {
    Table,
}

#[derive(DeriveIden)]
enum Person {
    Table,
}

#[derive(DeriveIden)]
enum Roster {
    Table,
    Id,
    OrganisationId,
    Name,
    TimeZone,
    /// `none`, `always`, or hours as the rules write them.
    Cover,
    Phone,
    Email,
    CreatedBy,
    CreatedAt,
    ArchivedAt,
}

#[derive(DeriveIden)]
enum RosterRotation {
    Table,
    Id,
    RosterId,
    /// The rotation across its versions.
    SeriesId,
    Name,
    Layer,
    Pattern,
    EveryDays,
    Weekdays,
    Handoff,
    Anchor,
    Hours,
    ValidFrom,
    ValidUntil,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RosterMember {
    Table,
    RotationId,
    Position,
    PersonId,
    Joins,
    Leaves,
}

#[derive(DeriveIden)]
enum RosterOverride {
    Table,
    Id,
    RosterId,
    Layer,
    Kind,
    /// Who is added or removed; a replacement's newcomer.
    PersonId,
    /// A replacement's person replaced.
    ReplacesId,
    StartsAt,
    EndsAt,
    Reason,
    CreatedBy,
    CreatedAt,
    WithdrawnAt,
    WithdrawnBy,
}

#[derive(DeriveIden)]
enum RosterSpecial {
    Table,
    Id,
    RosterId,
    Name,
    StartsAt,
    EndsAt,
    RoundTheClock,
    ReportEveryHours,
    PublishedAt,
    GapsAcceptedReason,
    GapsAcceptedBy,
    WarnedAt,
    WarnedAgainAt,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RosterFixedShift {
    Table,
    Id,
    SpecialId,
    PersonId,
    Layer,
    StartsAt,
    EndsAt,
}

#[derive(DeriveIden)]
enum RosterOffer {
    Table,
    Id,
    RosterId,
    Layer,
    PersonId,
    StartsAt,
    EndsAt,
    Note,
    State,
    TakenBy,
    TakenAt,
    AssignedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum DutyStood {
    Table,
    Id,
    RosterId,
    PersonId,
    Layer,
    StartsAt,
    EndsAt,
    RecordedAt,
    /// The row this one corrects; its reason and who corrected it.
    Corrects,
    Reason,
    RecordedBy,
}

#[derive(DeriveIden)]
enum DutyHandover {
    Table,
    Id,
    RosterId,
    PersonId,
    ShiftStart,
    ShiftEnd,
    Body,
    NothingToReport,
    WrittenAt,
    AcknowledgedBy,
    AcknowledgedAt,
}

#[derive(DeriveIden)]
enum DutyStatusReport {
    Table,
    Id,
    SpecialId,
    DueAt,
    PersonId,
    Body,
    WrittenAt,
}

#[derive(DeriveIden)]
enum CalendarFeed {
    Table,
    Id,
    PersonId,
    RosterId,
    TokenHash,
    CreatedAt,
    LastAccessAt,
    RevokedAt,
}

/// A named foreign key from `table.column` to `to.id`.
fn to_id(name: &str, table: impl IntoIden, column: impl IntoIden, to: impl IntoIden) -> ForeignKeyCreateStatement {
    #[derive(DeriveIden)]
    enum Id {
        Id,
    }
    fk(name, (table, column), (to, Id::Id))
}

/// A span of time's two columns.
fn span(t: &mut TableCreateStatement, start: impl IntoIden, end: impl IntoIden) -> &mut TableCreateStatement {
    t.col(timestamp_with_time_zone(start)).col(timestamp_with_time_zone(end))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use RosterRotation as Rot;
        let person = || Person::Table;
        m.create_table(
            Table::create()
                .table(Roster::Table)
                .col(pk_uuid(Roster::Id))
                .col(uuid(Roster::OrganisationId))
                .col(string_len(Roster::Name, 200))
                .col(string_len(Roster::TimeZone, 64))
                .col(string_len(Roster::Cover, 400))
                .col(string_len(Roster::Phone, 64))
                .col(string_len(Roster::Email, 254))
                .col(uuid(Roster::CreatedBy))
                .col(timestamp_with_time_zone(Roster::CreatedAt))
                .col(timestamp_with_time_zone_null(Roster::ArchivedAt))
                .foreign_key(&mut to_id("fk_roster_org", Roster::Table, Roster::OrganisationId, Organisation::Table))
                .foreign_key(&mut to_id("fk_roster_created_by", Roster::Table, Roster::CreatedBy, person()))
                .to_owned(),
        )
        .await?;
        index(m, "idx_roster_org", Roster::Table, [Roster::OrganisationId], false).await?;

        m.create_table(
            Table::create()
                .table(Rot::Table)
                .col(pk_uuid(Rot::Id))
                .col(uuid(Rot::RosterId))
                .col(uuid(Rot::SeriesId))
                .col(string_len(Rot::Name, 200))
                .col(string_len(Rot::Layer, 16))
                .col(string_len(Rot::Pattern, 16))
                .col(small_integer_null(Rot::EveryDays))
                .col(small_integer(Rot::Weekdays))
                .col(string_len(Rot::Handoff, 5))
                .col(date(Rot::Anchor))
                .col(string_len(Rot::Hours, 400))
                .col(timestamp_with_time_zone(Rot::ValidFrom))
                .col(timestamp_with_time_zone_null(Rot::ValidUntil))
                .col(uuid(Rot::CreatedBy))
                .col(timestamp_with_time_zone(Rot::CreatedAt))
                .foreign_key(&mut to_id("fk_rotation_roster", Rot::Table, Rot::RosterId, Roster::Table))
                .foreign_key(&mut to_id("fk_rotation_created_by", Rot::Table, Rot::CreatedBy, person()))
                .to_owned(),
        )
        .await?;
        index(m, "idx_rotation_roster", Rot::Table, [Rot::RosterId, Rot::SeriesId], false).await?;

        m.create_table(
            Table::create()
                .table(RosterMember::Table)
                .col(uuid(RosterMember::RotationId))
                .col(small_integer(RosterMember::Position))
                .col(uuid(RosterMember::PersonId))
                .col(date_null(RosterMember::Joins))
                .col(date_null(RosterMember::Leaves))
                .primary_key(Index::create().col(RosterMember::RotationId).col(RosterMember::Position))
                .foreign_key(&mut to_id(
                    "fk_member_rotation",
                    RosterMember::Table,
                    RosterMember::RotationId,
                    Rot::Table,
                ))
                .foreign_key(&mut to_id("fk_member_person", RosterMember::Table, RosterMember::PersonId, person()))
                .to_owned(),
        )
        .await?;
        index(m, "idx_member_person", RosterMember::Table, [RosterMember::PersonId], false).await?;

        let mut t = Table::create();
        t.table(RosterOverride::Table)
            .col(pk_uuid(RosterOverride::Id))
            .col(uuid(RosterOverride::RosterId))
            .col(string_len(RosterOverride::Layer, 16))
            .col(string_len(RosterOverride::Kind, 16))
            .col(uuid(RosterOverride::PersonId))
            .col(uuid_null(RosterOverride::ReplacesId));
        span(&mut t, RosterOverride::StartsAt, RosterOverride::EndsAt)
            .col(string_len(RosterOverride::Reason, 1000))
            .col(uuid(RosterOverride::CreatedBy))
            .col(timestamp_with_time_zone(RosterOverride::CreatedAt))
            .col(timestamp_with_time_zone_null(RosterOverride::WithdrawnAt))
            .col(uuid_null(RosterOverride::WithdrawnBy))
            .foreign_key(&mut to_id(
                "fk_override_roster",
                RosterOverride::Table,
                RosterOverride::RosterId,
                Roster::Table,
            ))
            .foreign_key(&mut to_id("fk_override_person", RosterOverride::Table, RosterOverride::PersonId, person()))
            .foreign_key(&mut to_id(
                "fk_override_replaces",
                RosterOverride::Table,
                RosterOverride::ReplacesId,
                person(),
            ));
        m.create_table(t.to_owned()).await?;
        index(
            m,
            "idx_override_roster",
            RosterOverride::Table,
            [RosterOverride::RosterId, RosterOverride::EndsAt],
            false,
        )
        .await?;

        let mut t = Table::create();
        t.table(RosterSpecial::Table)
            .col(pk_uuid(RosterSpecial::Id))
            .col(uuid(RosterSpecial::RosterId))
            .col(string_len(RosterSpecial::Name, 200));
        span(&mut t, RosterSpecial::StartsAt, RosterSpecial::EndsAt)
            .col(boolean(RosterSpecial::RoundTheClock))
            .col(small_integer_null(RosterSpecial::ReportEveryHours))
            .col(timestamp_with_time_zone_null(RosterSpecial::PublishedAt))
            .col(string_len_null(RosterSpecial::GapsAcceptedReason, 1000))
            .col(uuid_null(RosterSpecial::GapsAcceptedBy))
            .col(timestamp_with_time_zone_null(RosterSpecial::WarnedAt))
            .col(timestamp_with_time_zone_null(RosterSpecial::WarnedAgainAt))
            .col(uuid(RosterSpecial::CreatedBy))
            .col(timestamp_with_time_zone(RosterSpecial::CreatedAt))
            .foreign_key(&mut to_id("fk_special_roster", RosterSpecial::Table, RosterSpecial::RosterId, Roster::Table));
        m.create_table(t.to_owned()).await?;
        index(m, "idx_special_roster", RosterSpecial::Table, [RosterSpecial::RosterId, RosterSpecial::EndsAt], false)
            .await?;

        let mut t = Table::create();
        t.table(RosterFixedShift::Table)
            .col(pk_uuid(RosterFixedShift::Id))
            .col(uuid(RosterFixedShift::SpecialId))
            .col(uuid(RosterFixedShift::PersonId))
            .col(string_len(RosterFixedShift::Layer, 16));
        span(&mut t, RosterFixedShift::StartsAt, RosterFixedShift::EndsAt)
            .foreign_key(&mut to_id(
                "fk_fixed_special",
                RosterFixedShift::Table,
                RosterFixedShift::SpecialId,
                RosterSpecial::Table,
            ))
            .foreign_key(&mut to_id("fk_fixed_person", RosterFixedShift::Table, RosterFixedShift::PersonId, person()));
        m.create_table(t.to_owned()).await?;
        index(m, "idx_fixed_special", RosterFixedShift::Table, [RosterFixedShift::SpecialId], false).await?;

        let mut t = Table::create();
        t.table(RosterOffer::Table)
            .col(pk_uuid(RosterOffer::Id))
            .col(uuid(RosterOffer::RosterId))
            .col(string_len(RosterOffer::Layer, 16))
            .col(uuid(RosterOffer::PersonId));
        span(&mut t, RosterOffer::StartsAt, RosterOffer::EndsAt)
            .col(string_len(RosterOffer::Note, 1000))
            .col(string_len(RosterOffer::State, 16))
            .col(uuid_null(RosterOffer::TakenBy))
            .col(timestamp_with_time_zone_null(RosterOffer::TakenAt))
            .col(uuid_null(RosterOffer::AssignedBy))
            .col(timestamp_with_time_zone(RosterOffer::CreatedAt))
            .foreign_key(&mut to_id("fk_offer_roster", RosterOffer::Table, RosterOffer::RosterId, Roster::Table))
            .foreign_key(&mut to_id("fk_offer_person", RosterOffer::Table, RosterOffer::PersonId, person()))
            .foreign_key(&mut to_id("fk_offer_taken_by", RosterOffer::Table, RosterOffer::TakenBy, person()));
        m.create_table(t.to_owned()).await?;
        index(m, "idx_offer_roster", RosterOffer::Table, [RosterOffer::RosterId, RosterOffer::State], false).await?;

        m.create_table(
            Table::create()
                .table(DutyStood::Table)
                .col(pk_uuid(DutyStood::Id))
                .col(uuid(DutyStood::RosterId))
                .col(uuid(DutyStood::PersonId))
                .col(string_len(DutyStood::Layer, 16))
                .col(timestamp_with_time_zone(DutyStood::StartsAt))
                .col(timestamp_with_time_zone_null(DutyStood::EndsAt))
                .col(timestamp_with_time_zone(DutyStood::RecordedAt))
                .col(uuid_null(DutyStood::Corrects))
                .col(string_len_null(DutyStood::Reason, 1000))
                .col(uuid_null(DutyStood::RecordedBy))
                .foreign_key(&mut to_id("fk_stood_roster", DutyStood::Table, DutyStood::RosterId, Roster::Table))
                .foreign_key(&mut to_id("fk_stood_person", DutyStood::Table, DutyStood::PersonId, person()))
                .to_owned(),
        )
        .await?;
        index(m, "idx_stood_roster", DutyStood::Table, [DutyStood::RosterId, DutyStood::StartsAt], false).await?;
        index(m, "idx_stood_open", DutyStood::Table, [DutyStood::EndsAt, DutyStood::RosterId], false).await?;

        let mut t = Table::create();
        t.table(DutyHandover::Table)
            .col(pk_uuid(DutyHandover::Id))
            .col(uuid(DutyHandover::RosterId))
            .col(uuid(DutyHandover::PersonId));
        span(&mut t, DutyHandover::ShiftStart, DutyHandover::ShiftEnd)
            .col(text(DutyHandover::Body))
            .col(boolean(DutyHandover::NothingToReport))
            .col(timestamp_with_time_zone(DutyHandover::WrittenAt))
            .col(uuid_null(DutyHandover::AcknowledgedBy))
            .col(timestamp_with_time_zone_null(DutyHandover::AcknowledgedAt))
            .foreign_key(&mut to_id("fk_handover_roster", DutyHandover::Table, DutyHandover::RosterId, Roster::Table))
            .foreign_key(&mut to_id("fk_handover_person", DutyHandover::Table, DutyHandover::PersonId, person()));
        m.create_table(t.to_owned()).await?;
        index(m, "idx_handover_roster", DutyHandover::Table, [DutyHandover::RosterId, DutyHandover::ShiftEnd], false)
            .await?;

        m.create_table(
            Table::create()
                .table(DutyStatusReport::Table)
                .col(pk_uuid(DutyStatusReport::Id))
                .col(uuid(DutyStatusReport::SpecialId))
                .col(timestamp_with_time_zone(DutyStatusReport::DueAt))
                .col(uuid(DutyStatusReport::PersonId))
                .col(text(DutyStatusReport::Body))
                .col(timestamp_with_time_zone(DutyStatusReport::WrittenAt))
                .foreign_key(&mut to_id(
                    "fk_status_special",
                    DutyStatusReport::Table,
                    DutyStatusReport::SpecialId,
                    RosterSpecial::Table,
                ))
                .foreign_key(&mut to_id(
                    "fk_status_person",
                    DutyStatusReport::Table,
                    DutyStatusReport::PersonId,
                    person(),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "uq_status_due",
            DutyStatusReport::Table,
            [DutyStatusReport::SpecialId, DutyStatusReport::DueAt],
            true,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(CalendarFeed::Table)
                .col(pk_uuid(CalendarFeed::Id))
                .col(uuid(CalendarFeed::PersonId))
                .col(uuid_null(CalendarFeed::RosterId))
                .col(string_len(CalendarFeed::TokenHash, 64))
                .col(timestamp_with_time_zone(CalendarFeed::CreatedAt))
                .col(timestamp_with_time_zone_null(CalendarFeed::LastAccessAt))
                .col(timestamp_with_time_zone_null(CalendarFeed::RevokedAt))
                .foreign_key(&mut to_id("fk_feed_person", CalendarFeed::Table, CalendarFeed::PersonId, person()))
                .foreign_key(&mut to_id("fk_feed_roster", CalendarFeed::Table, CalendarFeed::RosterId, Roster::Table))
                .to_owned(),
        )
        .await?;
        index(m, "uq_feed_token", CalendarFeed::Table, [CalendarFeed::TokenHash], true).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            m,
            [
                CalendarFeed::Table.into_iden(),
                DutyStatusReport::Table.into_iden(),
                DutyHandover::Table.into_iden(),
                DutyStood::Table.into_iden(),
                RosterOffer::Table.into_iden(),
                RosterFixedShift::Table.into_iden(),
                RosterSpecial::Table.into_iden(),
                RosterOverride::Table.into_iden(),
                RosterMember::Table.into_iden(),
                RosterRotation::Table.into_iden(),
                Roster::Table.into_iden(),
            ],
        )
        .await
    }
}
