//! Organisations, people and their roles, database-backed sessions, the hash-chained audit log.
use sea_orm_migration::{prelude::*, schema::*};

use crate::tables::{drop_tables, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organisation {
    Table,
    Id,
    Name,
    Kind,
    SupplierSubtype,
    Active,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
    OrganisationId,
    Email,
    DisplayName,
    PasswordHash,
    MustChangePassword,
    Active,
    Locale,
    TimeZone,
    FailedAttempts,
    LockoutCount,
    LockedUntil,
    LastLoginAt,
    PreviousLoginAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PersonRole {
    Table,
    PersonId,
    Role,
}

#[derive(DeriveIden)]
enum Session {
    Table,
    Id,
    Data,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Seq,
    At,
    ActorPersonId,
    ActorEmail,
    OrganisationId,
    Action,
    Target,
    Summary,
    SourceAddr,
    UserAgent,
    PrevHash,
    Hash,
}

#[derive(DeriveIden)]
enum AuditHead {
    Table,
    Id,
    LastSeq,
    LastHash,
}

#[derive(DeriveIden)]
enum Setting {
    Table,
    Key,
    Value,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Organisation::Table)
                .col(pk_uuid(Organisation::Id))
                .col(string_len_uniq(Organisation::Name, 200))
                .col(string_len(Organisation::Kind, 32))
                .col(string_len_null(Organisation::SupplierSubtype, 32))
                .col(boolean(Organisation::Active).default(true))
                .col(timestamp_with_time_zone(Organisation::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Person::Table)
                .col(pk_uuid(Person::Id))
                .col(uuid(Person::OrganisationId))
                .col(string_len_uniq(Person::Email, 254))
                .col(string_len(Person::DisplayName, 200))
                .col(string(Person::PasswordHash))
                .col(boolean(Person::MustChangePassword).default(false))
                .col(boolean(Person::Active).default(true))
                .col(string_len_null(Person::Locale, 8))
                .col(string_len_null(Person::TimeZone, 64))
                .col(integer(Person::FailedAttempts).default(0))
                .col(integer(Person::LockoutCount).default(0))
                .col(timestamp_with_time_zone_null(Person::LockedUntil))
                .col(timestamp_with_time_zone_null(Person::LastLoginAt))
                .col(timestamp_with_time_zone_null(Person::PreviousLoginAt))
                .col(timestamp_with_time_zone(Person::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_person_organisation",
                    (Person::Table, Person::OrganisationId),
                    (Organisation::Table, Organisation::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(m, "idx_person_organisation", Person::Table, [Person::OrganisationId], false).await?;
        m.create_table(
            Table::create()
                .table(PersonRole::Table)
                .col(uuid(PersonRole::PersonId))
                .col(string_len(PersonRole::Role, 32))
                .primary_key(Index::create().col(PersonRole::PersonId).col(PersonRole::Role))
                .foreign_key(
                    fk("fk_person_role_person", (PersonRole::Table, PersonRole::PersonId), (Person::Table, Person::Id))
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Session::Table)
                .col(string_len(Session::Id, 64).primary_key())
                .col(text(Session::Data))
                .col(timestamp_with_time_zone(Session::ExpiresAt))
                .to_owned(),
        )
        .await?;
        index(m, "idx_session_expires", Session::Table, [Session::ExpiresAt], false).await?;
        m.create_table(
            Table::create()
                .table(AuditLog::Table)
                .col(big_integer(AuditLog::Seq).primary_key())
                .col(timestamp_with_time_zone(AuditLog::At))
                .col(uuid_null(AuditLog::ActorPersonId))
                .col(string_len_null(AuditLog::ActorEmail, 254))
                .col(uuid_null(AuditLog::OrganisationId))
                .col(string_len(AuditLog::Action, 64))
                .col(string_len(AuditLog::Target, 300))
                .col(text(AuditLog::Summary))
                .col(string_len_null(AuditLog::SourceAddr, 64))
                .col(string_len_null(AuditLog::UserAgent, 400))
                .col(string_len(AuditLog::PrevHash, 64))
                .col(string_len(AuditLog::Hash, 64))
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("idx_audit_org_at", AuditLog::OrganisationId),
            ("idx_audit_actor", AuditLog::ActorPersonId),
            ("idx_audit_action", AuditLog::Action),
            ("idx_audit_at", AuditLog::At),
        ] {
            index(m, name, AuditLog::Table, [col], false).await?;
        }
        // One row that every audit append locks first, so concurrent writers never fork the chain.
        m.create_table(
            Table::create()
                .table(AuditHead::Table)
                .col(integer(AuditHead::Id).primary_key())
                .col(big_integer(AuditHead::LastSeq))
                .col(string_len(AuditHead::LastHash, 64))
                .to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::insert()
                .into_table(AuditHead::Table)
                .columns([AuditHead::Id, AuditHead::LastSeq, AuditHead::LastHash])
                .values_panic([1.into(), 0i64.into(), "0".repeat(64).into()])
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Setting::Table)
                .col(string_len(Setting::Key, 64).primary_key())
                .col(text(Setting::Value))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            m,
            [
                Setting::Table.into_iden(),
                AuditHead::Table.into_iden(),
                AuditLog::Table.into_iden(),
                Session::Table.into_iden(),
                PersonRole::Table.into_iden(),
                Person::Table.into_iden(),
                Organisation::Table.into_iden(),
            ],
        )
        .await?;
        Ok(())
    }
}
