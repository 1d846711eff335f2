//! Periodic reports: obligations, submissions with their versions, files and reviews, the
//! reminders already sent, and personal API tokens for the machine API.
use sea_orm_migration::{prelude::*, schema::*};

use crate::tables::{drop_tables, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organisation {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Engagement {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ReportObligation {
    Table,
    Id,
    Kind,
    SubmitterId,
    ReceiverId,
    AgencyId,
    EngagementId,
    Cadence,
    DueDay,
    FirstPeriod,
    LastPeriod,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ReportSubmission {
    Table,
    Id,
    ObligationId,
    PeriodStart,
    Status,
    Versions,
    FirstSubmittedAt,
    LastSubmittedAt,
    DecidedAt,
}

#[derive(DeriveIden)]
enum ReportVersion {
    Table,
    Id,
    SubmissionId,
    Number,
    Summary,
    SubmittedBy,
    SubmittedAt,
    IdempotencyKey,
    Fingerprint,
}

#[derive(DeriveIden)]
enum ReportFile {
    Table,
    Id,
    VersionId,
    Name,
    MediaType,
    Size,
    Sha256,
}

#[derive(DeriveIden)]
enum ReportReview {
    Table,
    Id,
    SubmissionId,
    VersionNumber,
    Decision,
    Comment,
    ReviewerId,
    ReviewedAt,
}

#[derive(DeriveIden)]
enum ReportReminder {
    Table,
    ObligationId,
    PeriodStart,
    Kind,
    SentAt,
}

#[derive(DeriveIden)]
enum ApiToken {
    Table,
    Id,
    PersonId,
    Name,
    Prefix,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
    LastUsedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ReportObligation::Table)
                .col(pk_uuid(ReportObligation::Id))
                .col(string_len(ReportObligation::Kind, 32))
                .col(uuid(ReportObligation::SubmitterId))
                .col(uuid(ReportObligation::ReceiverId))
                .col(uuid(ReportObligation::AgencyId))
                .col(uuid_null(ReportObligation::EngagementId))
                .col(string_len(ReportObligation::Cadence, 16))
                .col(small_integer(ReportObligation::DueDay))
                // Periods are stored as their first day; the cadence says how long they are.
                .col(date(ReportObligation::FirstPeriod))
                .col(date_null(ReportObligation::LastPeriod))
                .col(uuid(ReportObligation::CreatedBy))
                .col(timestamp_with_time_zone(ReportObligation::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_obligation_submitter",
                    (ReportObligation::Table, ReportObligation::SubmitterId),
                    (Organisation::Table, Organisation::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_obligation_receiver",
                    (ReportObligation::Table, ReportObligation::ReceiverId),
                    (Organisation::Table, Organisation::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_obligation_agency",
                    (ReportObligation::Table, ReportObligation::AgencyId),
                    (Organisation::Table, Organisation::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_obligation_engagement",
                    (ReportObligation::Table, ReportObligation::EngagementId),
                    (Engagement::Table, Engagement::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_obligation_created_by",
                    (ReportObligation::Table, ReportObligation::CreatedBy),
                    (Person::Table, Person::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_obligation_agency",
            ReportObligation::Table,
            [ReportObligation::AgencyId, ReportObligation::Kind],
            false,
        )
        .await?;
        index(m, "idx_obligation_submitter", ReportObligation::Table, [ReportObligation::SubmitterId], false).await?;
        index(m, "idx_obligation_receiver", ReportObligation::Table, [ReportObligation::ReceiverId], false).await?;

        m.create_table(
            Table::create()
                .table(ReportSubmission::Table)
                .col(pk_uuid(ReportSubmission::Id))
                .col(uuid(ReportSubmission::ObligationId))
                .col(date(ReportSubmission::PeriodStart))
                .col(string_len(ReportSubmission::Status, 16))
                .col(integer(ReportSubmission::Versions))
                .col(timestamp_with_time_zone(ReportSubmission::FirstSubmittedAt))
                .col(timestamp_with_time_zone(ReportSubmission::LastSubmittedAt))
                .col(timestamp_with_time_zone_null(ReportSubmission::DecidedAt))
                .foreign_key(&mut fk(
                    "fk_submission_obligation",
                    (ReportSubmission::Table, ReportSubmission::ObligationId),
                    (ReportObligation::Table, ReportObligation::Id),
                ))
                .to_owned(),
        )
        .await?;
        // One submission per obligation and period, by construction.
        index(
            m,
            "uq_submission_period",
            ReportSubmission::Table,
            [ReportSubmission::ObligationId, ReportSubmission::PeriodStart],
            true,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ReportVersion::Table)
                .col(pk_uuid(ReportVersion::Id))
                .col(uuid(ReportVersion::SubmissionId))
                .col(integer(ReportVersion::Number))
                .col(text(ReportVersion::Summary))
                .col(uuid(ReportVersion::SubmittedBy))
                .col(timestamp_with_time_zone(ReportVersion::SubmittedAt))
                .col(string_len_null(ReportVersion::IdempotencyKey, 100))
                .col(string_len(ReportVersion::Fingerprint, 64))
                .foreign_key(&mut fk(
                    "fk_version_submission",
                    (ReportVersion::Table, ReportVersion::SubmissionId),
                    (ReportSubmission::Table, ReportSubmission::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_version_submitted_by",
                    (ReportVersion::Table, ReportVersion::SubmittedBy),
                    (Person::Table, Person::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(m, "uq_version_number", ReportVersion::Table, [ReportVersion::SubmissionId, ReportVersion::Number], true)
            .await?;
        // A retried request (same person, same key) finds the version it already made.
        index(
            m,
            "uq_version_idempotency",
            ReportVersion::Table,
            [ReportVersion::SubmittedBy, ReportVersion::IdempotencyKey],
            true,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ReportFile::Table)
                .col(pk_uuid(ReportFile::Id))
                .col(uuid(ReportFile::VersionId))
                .col(string_len(ReportFile::Name, 255))
                .col(string_len(ReportFile::MediaType, 128))
                .col(big_integer(ReportFile::Size))
                .col(string_len(ReportFile::Sha256, 64))
                .foreign_key(&mut fk(
                    "fk_file_version",
                    (ReportFile::Table, ReportFile::VersionId),
                    (ReportVersion::Table, ReportVersion::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(m, "idx_file_version", ReportFile::Table, [ReportFile::VersionId], false).await?;
        index(m, "idx_file_sha256", ReportFile::Table, [ReportFile::Sha256], false).await?;

        m.create_table(
            Table::create()
                .table(ReportReview::Table)
                .col(pk_uuid(ReportReview::Id))
                .col(uuid(ReportReview::SubmissionId))
                .col(integer(ReportReview::VersionNumber))
                .col(string_len(ReportReview::Decision, 16))
                .col(text(ReportReview::Comment))
                .col(uuid(ReportReview::ReviewerId))
                .col(timestamp_with_time_zone(ReportReview::ReviewedAt))
                .foreign_key(&mut fk(
                    "fk_review_submission",
                    (ReportReview::Table, ReportReview::SubmissionId),
                    (ReportSubmission::Table, ReportSubmission::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_review_reviewer",
                    (ReportReview::Table, ReportReview::ReviewerId),
                    (Person::Table, Person::Id),
                ))
                .to_owned(),
        )
        .await?;
        // One decision per version: a second reviewer racing the first gets a conflict.
        index(
            m,
            "uq_review_version",
            ReportReview::Table,
            [ReportReview::SubmissionId, ReportReview::VersionNumber],
            true,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ReportReminder::Table)
                .col(uuid(ReportReminder::ObligationId))
                .col(date(ReportReminder::PeriodStart))
                .col(string_len(ReportReminder::Kind, 16))
                .col(timestamp_with_time_zone(ReportReminder::SentAt))
                // The key makes "once each" hold even with several servers sending reminders.
                .primary_key(
                    Index::create()
                        .col(ReportReminder::ObligationId)
                        .col(ReportReminder::PeriodStart)
                        .col(ReportReminder::Kind),
                )
                .foreign_key(&mut fk(
                    "fk_reminder_obligation",
                    (ReportReminder::Table, ReportReminder::ObligationId),
                    (ReportObligation::Table, ReportObligation::Id),
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ApiToken::Table)
                .col(pk_uuid(ApiToken::Id))
                .col(uuid(ApiToken::PersonId))
                .col(string_len(ApiToken::Name, 100))
                .col(string_len(ApiToken::Prefix, 16))
                .col(string_len_uniq(ApiToken::TokenHash, 64))
                .col(timestamp_with_time_zone(ApiToken::CreatedAt))
                .col(timestamp_with_time_zone(ApiToken::ExpiresAt))
                .col(timestamp_with_time_zone_null(ApiToken::RevokedAt))
                .col(timestamp_with_time_zone_null(ApiToken::LastUsedAt))
                .foreign_key(&mut fk(
                    "fk_api_token_person",
                    (ApiToken::Table, ApiToken::PersonId),
                    (Person::Table, Person::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(m, "idx_api_token_person", ApiToken::Table, [ApiToken::PersonId], false).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            m,
            [
                ApiToken::Table.into_iden(),
                ReportReminder::Table.into_iden(),
                ReportReview::Table.into_iden(),
                ReportFile::Table.into_iden(),
                ReportVersion::Table.into_iden(),
                ReportSubmission::Table.into_iden(),
                ReportObligation::Table.into_iden(),
            ],
        )
        .await?;
        Ok(())
    }
}
