//! Jurisdictions (a regulator over regulators and agencies), websites, engagements with the
//! websites they cover, invitations of people, and the mail outbox.
use sea_orm_migration::{prelude::*, schema::*};

use crate::tables::{drop_tables, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organisation {
    Table,
    Id,
    RegulatorId,
}

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Website {
    Table,
    Id,
    AgencyId,
    Name,
    Domain,
    DomainAscii,
    ProtectionLevel,
    ServiceModel,
    DeploymentModel,
    Phase,
    PhaseSince,
    SecurityOfficerId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Engagement {
    Table,
    Id,
    AgencyId,
    ProviderId,
    Role,
    Status,
    StartsOn,
    EndsOn,
    NdaSignedOn,
    NdaSignedBy,
    ChangeNoticeDays,
    InvitedBy,
    InvitedAt,
    AnsweredAt,
    EndedAt,
    EndedByOrg,
}

#[derive(DeriveIden)]
enum EngagementWebsite {
    Table,
    EngagementId,
    WebsiteId,
}

#[derive(DeriveIden)]
enum Invitation {
    Table,
    Id,
    OrganisationId,
    Email,
    DisplayName,
    Roles,
    TokenHash,
    ExpiresAt,
    AcceptedAt,
    InvitedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    ToAddr,
    Subject,
    Body,
    Status,
    Attempts,
    NextAttemptAt,
    ClaimedUntil,
    LastError,
    CreatedAt,
    SentAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column, so an agency (or a regulator) has at most one regulator above it by construction.
        m.alter_table(
            Table::alter().table(Organisation::Table).add_column(uuid_null(Organisation::RegulatorId)).to_owned(),
        )
        .await?;
        index(m, "idx_organisation_regulator", Organisation::Table, [Organisation::RegulatorId], false).await?;
        m.create_table(
            Table::create()
                .table(Website::Table)
                .col(pk_uuid(Website::Id))
                .col(uuid(Website::AgencyId))
                .col(string_len(Website::Name, 200))
                .col(string_len(Website::Domain, 253))
                .col(string_len_uniq(Website::DomainAscii, 253))
                .col(small_integer(Website::ProtectionLevel))
                .col(string_len(Website::ServiceModel, 16))
                .col(string_len(Website::DeploymentModel, 16))
                .col(string_len(Website::Phase, 16))
                .col(date(Website::PhaseSince))
                .col(uuid_null(Website::SecurityOfficerId))
                .col(timestamp_with_time_zone(Website::CreatedAt))
                .col(timestamp_with_time_zone(Website::UpdatedAt))
                .foreign_key(&mut fk(
                    "fk_website_agency",
                    (Website::Table, Website::AgencyId),
                    (Organisation::Table, Organisation::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_website_security_officer",
                    (Website::Table, Website::SecurityOfficerId),
                    (Person::Table, Person::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(m, "idx_website_agency", Website::Table, [Website::AgencyId, Website::Name], false).await?;
        m.create_table(
            Table::create()
                .table(Engagement::Table)
                .col(pk_uuid(Engagement::Id))
                .col(uuid(Engagement::AgencyId))
                .col(uuid(Engagement::ProviderId))
                .col(string_len(Engagement::Role, 32))
                .col(string_len(Engagement::Status, 16))
                .col(date(Engagement::StartsOn))
                .col(date(Engagement::EndsOn))
                .col(date_null(Engagement::NdaSignedOn))
                .col(string_len_null(Engagement::NdaSignedBy, 200))
                .col(integer(Engagement::ChangeNoticeDays))
                .col(uuid(Engagement::InvitedBy))
                .col(timestamp_with_time_zone(Engagement::InvitedAt))
                .col(timestamp_with_time_zone_null(Engagement::AnsweredAt))
                .col(timestamp_with_time_zone_null(Engagement::EndedAt))
                .col(uuid_null(Engagement::EndedByOrg))
                .foreign_key(&mut fk(
                    "fk_engagement_agency",
                    (Engagement::Table, Engagement::AgencyId),
                    (Organisation::Table, Organisation::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_engagement_provider",
                    (Engagement::Table, Engagement::ProviderId),
                    (Organisation::Table, Organisation::Id),
                ))
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            ("idx_engagement_provider", [Engagement::ProviderId, Engagement::Status]),
            ("idx_engagement_agency", [Engagement::AgencyId, Engagement::Status]),
        ] {
            index(m, name, Engagement::Table, cols, false).await?;
        }
        m.create_table(
            Table::create()
                .table(EngagementWebsite::Table)
                .col(uuid(EngagementWebsite::EngagementId))
                .col(uuid(EngagementWebsite::WebsiteId))
                .primary_key(Index::create().col(EngagementWebsite::EngagementId).col(EngagementWebsite::WebsiteId))
                .foreign_key(
                    fk(
                        "fk_engagement_website_engagement",
                        (EngagementWebsite::Table, EngagementWebsite::EngagementId),
                        (Engagement::Table, Engagement::Id),
                    )
                    .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(&mut fk(
                    "fk_engagement_website_website",
                    (EngagementWebsite::Table, EngagementWebsite::WebsiteId),
                    (Website::Table, Website::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(m, "idx_engagement_website_website", EngagementWebsite::Table, [EngagementWebsite::WebsiteId], false)
            .await?;
        m.create_table(
            Table::create()
                .table(Invitation::Table)
                .col(pk_uuid(Invitation::Id))
                .col(uuid(Invitation::OrganisationId))
                .col(string_len(Invitation::Email, 254))
                .col(string_len(Invitation::DisplayName, 200))
                .col(string_len(Invitation::Roles, 200))
                .col(string_len_uniq(Invitation::TokenHash, 64))
                .col(timestamp_with_time_zone(Invitation::ExpiresAt))
                .col(timestamp_with_time_zone_null(Invitation::AcceptedAt))
                .col(uuid(Invitation::InvitedBy))
                .col(timestamp_with_time_zone(Invitation::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_invitation_organisation",
                    (Invitation::Table, Invitation::OrganisationId),
                    (Organisation::Table, Organisation::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(m, "idx_invitation_organisation", Invitation::Table, [Invitation::OrganisationId], false).await?;
        m.create_table(
            Table::create()
                .table(Outbox::Table)
                .col(pk_uuid(Outbox::Id))
                .col(string_len(Outbox::ToAddr, 254))
                .col(string_len(Outbox::Subject, 300))
                .col(text(Outbox::Body))
                .col(string_len(Outbox::Status, 16))
                .col(integer(Outbox::Attempts).default(0))
                .col(timestamp_with_time_zone(Outbox::NextAttemptAt))
                .col(timestamp_with_time_zone_null(Outbox::ClaimedUntil))
                .col(text_null(Outbox::LastError))
                .col(timestamp_with_time_zone(Outbox::CreatedAt))
                .col(timestamp_with_time_zone_null(Outbox::SentAt))
                .to_owned(),
        )
        .await?;
        index(m, "idx_outbox_due", Outbox::Table, [Outbox::Status, Outbox::NextAttemptAt], false).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            m,
            [
                Outbox::Table.into_iden(),
                Invitation::Table.into_iden(),
                EngagementWebsite::Table.into_iden(),
                Engagement::Table.into_iden(),
                Website::Table.into_iden(),
            ],
        )
        .await?;
        m.drop_index(Index::drop().name("idx_organisation_regulator").table(Organisation::Table).to_owned()).await?;
        m.alter_table(Table::alter().table(Organisation::Table).drop_column(Organisation::RegulatorId).to_owned())
            .await?;
        Ok(())
    }
}
