//! The audit segments an agency brought from another portal (`portal import-agency`): kept
//! verbatim with their source sequence numbers and hashes, so they can still be checked against
//! the source portal's chain, and never mixed into this portal's own chain. Append-only, as the
//! audit log is.
use sea_orm_migration::prelude::*;

use crate::tables::{append_only, drop_append_only, drop_tables, keyed, table, Ty};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use Ty::*;
        m.create_table(keyed(
            table(
                "audit_archive",
                &[
                    ("organisation_id", Id),
                    // The entry's hash in its source chain: unique there, so the key here.
                    ("hash", Str(128)),
                    ("source_seq", Big),
                    ("at", Ts),
                    ("actor_person_id", IdNull),
                    ("actor_email", StrNull(320)),
                    ("action", Str(64)),
                    ("target", Text),
                    ("summary", Text),
                    ("source_addr", StrNull(128)),
                    ("user_agent", StrNull(512)),
                    ("prev_hash", Str(128)),
                    ("imported_at", Ts),
                ],
                &[("organisation_id", "organisation")],
            ),
            &["organisation_id", "hash"],
        ))
        .await?;
        append_only(m, &["audit_archive"]).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_append_only(m, &["audit_archive"]).await?;
        drop_tables(m, [Alias::new("audit_archive").into_iden()]).await
    }
}
