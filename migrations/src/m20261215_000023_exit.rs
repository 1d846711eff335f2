//! Exit (§9.2–§9.3): an agency's exit from an engagement with its plan's steps (owners and dates,
//! agreed by both sides), the handover inventory the provider fills and the agency verifies by
//! checksum, the provider's deletion plan and confirmation, an assessor's sign-off, and the
//! reminders already sent for what is overdue.
use sea_orm_migration::prelude::*;

use crate::tables::{drop_tables, index, keyed, table, Ty};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables, parents first.
const TABLES: [&str; 4] = ["exit", "exit_step", "exit_item", "exit_reminder"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use Ty::*;
        let statements = [
            table(
                "exit",
                &[
                    ("id", Pk),
                    ("engagement_id", Id),
                    // The engagement while the exit is open, empty once it is completed or
                    // cancelled: its unique index holds one open exit per engagement.
                    ("open_engagement_id", IdNull),
                    ("agency_id", Id),
                    ("provider_id", Id),
                    // An assessor engaged by the agency, who signs the exit off (§9.2.4).
                    ("assessor_id", IdNull),
                    // contract_end, provider_change, security, other.
                    ("reason", Str(24)),
                    ("reason_text", Text),
                    ("target_date", Day),
                    ("new_provider", Text),
                    // planning, handover, deletion, sign_off, closing, completed, cancelled.
                    ("status", Str(16)),
                    ("opened_by", Id),
                    ("opened_at", Ts),
                    ("plan_agreed_agency_at", TsNull),
                    ("plan_agreed_provider_at", TsNull),
                    ("deletion_plan", Text),
                    ("deletion_plan_at", TsNull),
                    ("data_deleted_on", DayNull),
                    ("backups_deleted_on", DayNull),
                    ("deletion_note", Text),
                    ("deletion_confirmed_at", TsNull),
                    ("deletion_confirmed_by", IdNull),
                    ("signed_off_at", TsNull),
                    ("signed_off_by", IdNull),
                    ("sign_off_note", Text),
                    ("completed_at", TsNull),
                    ("cancelled_at", TsNull),
                    ("closing_reason", Text),
                    ("updated_at", Ts),
                ],
                &[
                    ("engagement_id", "engagement"),
                    ("agency_id", "organisation"),
                    ("provider_id", "organisation"),
                    ("assessor_id", "organisation"),
                    ("opened_by", "person"),
                    ("deletion_confirmed_by", "person"),
                    ("signed_off_by", "person"),
                ],
            ),
            table(
                "exit_step",
                &[
                    ("id", Pk),
                    ("exit_id", Id),
                    ("position", Int),
                    ("title", Text),
                    // agency or provider.
                    ("owner", Str(16)),
                    ("due_on", Day),
                    ("done_at", TsNull),
                    ("done_by", IdNull),
                    ("added_by", Id),
                    ("added_at", Ts),
                ],
                &[("exit_id", "exit"), ("done_by", "person"), ("added_by", "person")],
            ),
            table(
                "exit_item",
                &[
                    ("id", Pk),
                    ("exit_id", Id),
                    ("position", Int),
                    // data, code, document, other.
                    ("kind", Str(16)),
                    ("name", Text),
                    ("description", Text),
                    ("format", Str(64)),
                    ("size_bytes", Big),
                    // The checksum the provider declares (lowercase hex).
                    ("sha256", Str(64)),
                    // general, important, core.
                    ("sensitivity", Str(16)),
                    // How it was handed over when not through the portal's file store.
                    ("medium", Text),
                    // The file held in the portal's store, if any: its bytes' hash, name, type, size.
                    ("file_sha256", StrNull(64)),
                    ("file_name", StrNull(255)),
                    ("file_type", StrNull(128)),
                    ("file_size", Big),
                    // pending, verified, mismatch; what the agency's check computed, and how.
                    ("verification", Str(16)),
                    ("checked_sha256", StrNull(64)),
                    ("checked_how", StrNull(16)),
                    ("checked_at", TsNull),
                    ("checked_by", IdNull),
                    ("added_by", Id),
                    ("added_at", Ts),
                    ("updated_at", Ts),
                ],
                &[("exit_id", "exit"), ("checked_by", "person"), ("added_by", "person")],
            ),
            keyed(
                table(
                    "exit_reminder",
                    // One reminder per subject (a step, or the exit's target date) per day.
                    &[("subject_id", Id), ("day", Day), ("exit_id", Id), ("sent_at", Ts)],
                    &[("exit_id", "exit")],
                ),
                &["subject_id", "day"],
            ),
        ];
        for s in statements {
            m.create_table(s).await?;
        }
        let a = |s: &'static str| Alias::new(s);
        index(m, "uq_exit_open", a("exit"), [a("open_engagement_id")], true).await?;
        index(m, "idx_exit_agency", a("exit"), [a("agency_id"), a("opened_at")], false).await?;
        index(m, "idx_exit_provider", a("exit"), [a("provider_id"), a("opened_at")], false).await?;
        index(m, "idx_exit_assessor", a("exit"), [a("assessor_id")], false).await?;
        index(m, "idx_exit_engagement", a("exit"), [a("engagement_id")], false).await?;
        index(m, "idx_exit_step_exit", a("exit_step"), [a("exit_id"), a("position")], false).await?;
        index(m, "idx_exit_item_exit", a("exit_item"), [a("exit_id"), a("position")], false).await?;
        index(m, "idx_exit_item_file", a("exit_item"), [a("file_sha256")], false).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let tables: Vec<DynIden> = TABLES.iter().rev().map(|t| Alias::new(*t).into_iden()).collect();
        drop_tables(m, tables).await
    }
}
