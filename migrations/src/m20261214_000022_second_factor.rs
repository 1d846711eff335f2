//! The second factor: a person's TOTP secret (pending until a correct code confirms it, with the
//! last time step accepted, so no code is taken twice), its single-use recovery codes (hashed),
//! and whether an organisation requires the second factor of its people.
use sea_orm_migration::{prelude::*, schema::boolean};

use crate::tables::{drop_tables, index, table, Ty};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organisation {
    Table,
    SecondFactorRequired,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use Ty::*;
        m.create_table(table(
            "person_totp",
            &[
                ("id", Pk),
                ("person_id", Id),
                // Base32, as authenticator apps take it.
                ("secret", Str(64)),
                ("created_at", Ts),
                // Set by the first correct code; until then the secret is only pending.
                ("confirmed_at", TsNull),
                // The last 30-second step whose code was accepted (0: none yet).
                ("last_step", Big),
            ],
            &[("person_id", "person")],
        ))
        .await?;
        index(m, "idx_person_totp_person", Alias::new("person_totp"), [Alias::new("person_id")], true).await?;
        m.create_table(table(
            "recovery_code",
            &[("id", Pk), ("person_id", Id), ("code_hash", Str(64)), ("created_at", Ts), ("used_at", TsNull)],
            &[("person_id", "person")],
        ))
        .await?;
        index(m, "idx_recovery_code_person", Alias::new("recovery_code"), [Alias::new("person_id")], false).await?;
        m.alter_table(
            Table::alter()
                .table(Organisation::Table)
                .add_column(boolean(Organisation::SecondFactorRequired).default(false))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter().table(Organisation::Table).drop_column(Organisation::SecondFactorRequired).to_owned(),
        )
        .await?;
        drop_tables(m, [Alias::new("recovery_code").into_iden(), Alias::new("person_totp").into_iden()]).await
    }
}
