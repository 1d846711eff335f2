//! Each sign-in as a row of its own: the session a person can see and end (browser, address,
//! signed in, last seen, ended and why), and the history a new network or browser is judged by.
use sea_orm_migration::prelude::*;

use crate::tables::{drop_tables, index, table, Ty};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use Ty::*;
        m.create_table(table(
            "person_session",
            &[
                ("id", Pk),
                ("person_id", Id),
                ("signed_in_at", Ts),
                ("last_seen_at", Ts),
                ("ended_at", TsNull),
                // signed_out, ended (by the person), ended_by_admin, password_changed,
                // password_reset, deactivated, expired.
                ("end_reason", StrNull(20)),
                ("ended_by", IdNull),
                // The client's address as the trusted-proxy rule reads it, and its network
                // (/24 for IPv4, /48 for IPv6).
                ("address", StrNull(64)),
                ("network", StrNull(64)),
                // The browser's family and the system it runs on, from its User-Agent.
                ("browser", Str(40)),
                ("platform", Str(40)),
                // Not seen for the person in the 90 days before (never set on a first sign-in).
                ("new_network", Flag),
                ("new_browser", Flag),
            ],
            &[("person_id", "person"), ("ended_by", "person")],
        ))
        .await?;
        index(
            m,
            "idx_person_session_person",
            Alias::new("person_session"),
            ["person_id", "signed_in_at"].map(Alias::new),
            false,
        )
        .await?;
        // The expiry sweep finds open sessions by their last request.
        index(
            m,
            "idx_person_session_open",
            Alias::new("person_session"),
            ["ended_at", "last_seen_at"].map(Alias::new),
            false,
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(m, [Alias::new("person_session").into_iden()]).await
    }
}
