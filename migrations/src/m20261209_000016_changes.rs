//! Change notices: the working calendar's corrections by the platform operator, each
//! engagement's stricter notice terms, notices with their revisions (kept whole, never edited),
//! the agencies and websites the current revision affects, the steps taken on them (append-only,
//! as the audit trail is: the database refuses UPDATE and DELETE) and their attached files.
use sea_orm_migration::prelude::*;

use crate::tables::{append_only, drop_append_only, drop_tables, index, keyed, table, Ty};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables, parents first.
const TABLES: [&str; 8] =
    ["work_day", "ch_terms", "ch_notice", "ch_revision", "ch_agency", "ch_website", "ch_file", "ch_step"];

/// The append-only tables.
const KEPT: [&str; 2] = ["ch_revision", "ch_step"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use Ty::*;
        let statements = [
            keyed(
                table(
                    "work_day",
                    // A day that differs from the seeded calendar: a holiday, or a working day.
                    &[("day", Day), ("holiday", Flag), ("note", Str(200)), ("updated_by", Id), ("updated_at", Ts)],
                    &[("updated_by", "person")],
                ),
                &["day"],
            ),
            table(
                "ch_terms",
                &[
                    ("engagement_id", Pk),
                    ("initial_bd", Small),
                    ("final_bd", Small),
                    ("interruption_hours", Small),
                    ("after_bd", Small),
                    ("assessment_bd", Small),
                    ("adaptive_bd", Small),
                    ("updated_by", Id),
                    ("updated_at", Ts),
                ],
                &[("engagement_id", "engagement"), ("updated_by", "person")],
            ),
            table(
                "ch_notice",
                &[
                    ("id", Pk),
                    ("csp_id", Id),
                    ("change_type", Str(16)),
                    ("category", Str(32)),
                    ("emergency", Flag),
                    ("requires_approval", Flag),
                    // The current revision's number and what lists show of it.
                    ("revision", Int),
                    ("title", Str(200)),
                    ("planned_start", Ts),
                    ("planned_end", Ts),
                    ("opt_out_offered", Flag),
                    // The terms in force when it was submitted (the strictest of its engagements').
                    ("terms", Str(200)),
                    // Read from the steps on every write, kept for lists and their filters.
                    ("status", Str(24)),
                    ("affected", Int),
                    ("answered", Int),
                    ("submitted_by", Id),
                    ("submitted_at", Ts),
                    ("revised_at", Ts),
                    ("approved_at", TsNull),
                    ("implemented_at", TsNull),
                    ("actual_start", TsNull),
                    ("actual_end", TsNull),
                    ("verified_on", DayNull),
                    ("assessed_at", TsNull),
                    ("closed_at", TsNull),
                    ("updated_at", Ts),
                ],
                &[("csp_id", "organisation"), ("submitted_by", "person")],
            ),
            table(
                "ch_revision",
                &[
                    ("id", Pk),
                    ("notice_id", Id),
                    ("number", Int),
                    ("title", Str(200)),
                    ("description", Text),
                    ("reason", Text),
                    ("planned_start", Ts),
                    ("planned_end", Ts),
                    ("impact_analysis", Text),
                    ("customer_impact", Text),
                    ("rollback_plan", Text),
                    ("verification_plan", Text),
                    ("contact", Str(500)),
                    ("opt_out_offered", Flag),
                    // The affected websites' names, one a line (what agencies compare between revisions).
                    ("websites", Text),
                    // What the revision answers or changes, in the CSP's words.
                    ("note", Text),
                    ("submitted_by", Id),
                    ("submitted_at", Ts),
                ],
                &[("notice_id", "ch_notice"), ("submitted_by", "person")],
            ),
            keyed(
                table(
                    "ch_agency",
                    // `affected`: named by the current revision (an agency dropped by a revision
                    // still reads what it was sent, and is no longer counted).
                    &[("notice_id", Id), ("agency_id", Id), ("affected", Flag)],
                    &[("notice_id", "ch_notice"), ("agency_id", "organisation")],
                ),
                &["notice_id", "agency_id"],
            ),
            keyed(
                table(
                    "ch_website",
                    &[("notice_id", Id), ("website_id", Id), ("agency_id", Id)],
                    &[("notice_id", "ch_notice"), ("website_id", "website"), ("agency_id", "organisation")],
                ),
                &["notice_id", "website_id"],
            ),
            table(
                "ch_file",
                &[
                    ("id", Pk),
                    ("notice_id", Id),
                    ("revision", Int),
                    // An attachment of a revision, or the post-change assessment.
                    ("purpose", Str(16)),
                    ("name", Str(255)),
                    ("content_type", Str(100)),
                    ("size", Big),
                    ("sha256", Str(64)),
                    ("uploaded_by", Id),
                    ("uploaded_at", Ts),
                ],
                &[("notice_id", "ch_notice"), ("uploaded_by", "person")],
            ),
            table(
                "ch_step",
                &[
                    ("id", Pk),
                    ("notice_id", Id),
                    ("revision", Int),
                    ("kind", Str(16)),
                    ("organisation_id", Id),
                    // None: the portal itself (a reminder).
                    ("person_id", IdNull),
                    ("body", Text),
                    ("actual_start", TsNull),
                    ("actual_end", TsNull),
                    ("verified_on", DayNull),
                    ("file_id", IdNull),
                    ("at", Ts),
                ],
                &[
                    ("notice_id", "ch_notice"),
                    ("organisation_id", "organisation"),
                    ("person_id", "person"),
                    ("file_id", "ch_file"),
                ],
            ),
        ];
        for s in statements {
            m.create_table(s).await?;
        }
        let a = |s: &'static str| Alias::new(s);
        index(m, "idx_ch_notice_csp", a("ch_notice"), [a("csp_id"), a("submitted_at")], false).await?;
        index(m, "idx_ch_notice_status", a("ch_notice"), [a("status"), a("planned_start")], false).await?;
        index(m, "uq_ch_revision", a("ch_revision"), [a("notice_id"), a("number")], true).await?;
        index(m, "idx_ch_agency_agency", a("ch_agency"), [a("agency_id"), a("notice_id")], false).await?;
        index(m, "idx_ch_website_site", a("ch_website"), [a("website_id")], false).await?;
        index(m, "idx_ch_file_notice", a("ch_file"), [a("notice_id")], false).await?;
        index(m, "idx_ch_file_sha", a("ch_file"), [a("sha256")], false).await?;
        index(m, "idx_ch_step_notice", a("ch_step"), [a("notice_id"), a("at")], false).await?;
        index(m, "idx_ch_step_org", a("ch_step"), [a("organisation_id"), a("notice_id")], false).await?;
        append_only(m, &KEPT).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_append_only(m, &KEPT).await?;
        let mut tables: Vec<DynIden> = Vec::new();
        for t in TABLES.iter().rev() {
            tables.push(Alias::new(*t).into_iden());
        }
        drop_tables(m, tables).await
    }
}
