//! SLA tracking: each engagement's agreement in versions (proposed by one party, accepted or
//! answered by the other, read-only once accepted), the outage, fault and maintenance records
//! either party enters with the websites they touch, their reclassifications (append-only, each
//! with its reason), measured entries (backups, restore tests, trainings, log checks), the
//! per-day aggregates a month or a year sums, and each month's report in its versions.
use sea_orm_migration::prelude::*;

use crate::tables::{append_only, drop_append_only, drop_tables, index, keyed, table, Ty};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables, parents first.
const TABLES: [&str; 7] =
    ["sla_version", "sla_record", "sla_record_site", "sla_reclass", "sla_measure", "sla_day", "sla_month"];

/// The append-only tables: a reclassification and a month's report version are facts.
const KEPT: [&str; 2] = ["sla_reclass", "sla_month"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use Ty::*;
        let statements = [
            table(
                "sla_version",
                &[
                    ("id", Pk),
                    ("engagement_id", Id),
                    ("agency_id", Id),
                    ("csp_id", Id),
                    ("number", Int),
                    // proposed, accepted, answered (the other party proposed anew), withdrawn.
                    ("status", Str(16)),
                    ("effective_from", Day),
                    // The IANA zone its months are read in.
                    ("zone", Str(64)),
                    // Targets in millionths (100 % = 1,000,000), hours and minutes.
                    ("power_pct", Int),
                    ("network_pct", Int),
                    ("server_pct", Int),
                    ("l1_pct", Int),
                    ("l1_hours", Small),
                    ("l2_pct", Int),
                    ("l2_hours", Small),
                    // `7x24`, or `09:00-18:00` on the working calendar's business days.
                    ("service_hours", Str(16)),
                    ("response_minutes", Small),
                    ("backup_every", Str(32)),
                    ("backup_retention", Str(32)),
                    ("log_retention", Str(32)),
                    ("emergency_minutes", Small),
                    ("trainings", Small),
                    // excluded, available or downtime.
                    ("maintenance", Str(16)),
                    // Clause 5.12: per_unit or bands; the month's fee in fen.
                    ("compensation", Str(16)),
                    ("unit_minutes", Int),
                    ("multiple", Int),
                    ("monthly_fee", Big),
                    // One band a line: `from below share` in millionths (`-` for no upper bound).
                    ("bands", Text),
                    ("note", Text),
                    ("proposed_by", Id),
                    ("proposed_org", Id),
                    ("proposed_at", Ts),
                    ("answered_by", IdNull),
                    ("answered_at", TsNull),
                ],
                &[
                    ("engagement_id", "engagement"),
                    ("agency_id", "organisation"),
                    ("csp_id", "organisation"),
                    ("proposed_by", "person"),
                    ("proposed_org", "organisation"),
                    ("answered_by", "person"),
                ],
            ),
            table(
                "sla_record",
                &[
                    ("id", Pk),
                    ("engagement_id", Id),
                    ("agency_id", Id),
                    ("csp_id", Id),
                    // outage, fault or maintenance, as last classified.
                    ("kind", Str(16)),
                    // An outage's class (power, network, server) or a fault's level (level1, level2).
                    ("class", Str(16)),
                    ("started_at", Ts),
                    // None: still going on.
                    ("ended_at", TsNull),
                    ("responded_at", TsNull),
                    ("resolved_at", TsNull),
                    ("cause", Text),
                    // entered, api, or notice (a planned window of an accepted change notice).
                    ("source", Str(16)),
                    ("notice_id", IdNull),
                    ("recorded_by", Id),
                    ("recorded_org", Id),
                    ("recorded_at", Ts),
                    // pending, confirmed or disputed, by the other party.
                    ("review", Str(16)),
                    ("reviewed_by", IdNull),
                    ("reviewed_at", TsNull),
                    ("review_comment", Text),
                    ("updated_at", Ts),
                ],
                &[
                    ("engagement_id", "engagement"),
                    ("agency_id", "organisation"),
                    ("csp_id", "organisation"),
                    ("notice_id", "ch_notice"),
                    ("recorded_by", "person"),
                    ("recorded_org", "organisation"),
                    ("reviewed_by", "person"),
                ],
            ),
            keyed(
                table(
                    "sla_record_site",
                    &[("record_id", Id), ("website_id", Id)],
                    &[("record_id", "sla_record"), ("website_id", "website")],
                ),
                &["record_id", "website_id"],
            ),
            table(
                "sla_reclass",
                &[
                    ("id", Pk),
                    ("record_id", Id),
                    ("from_kind", Str(16)),
                    ("from_class", Str(16)),
                    ("to_kind", Str(16)),
                    ("to_class", Str(16)),
                    ("reason", Text),
                    ("person_id", Id),
                    ("organisation_id", Id),
                    ("at", Ts),
                ],
                &[("record_id", "sla_record"), ("person_id", "person"), ("organisation_id", "organisation")],
            ),
            table(
                "sla_measure",
                &[
                    ("id", Pk),
                    ("engagement_id", Id),
                    // backup, restore_test, training or log_check.
                    ("kind", Str(16)),
                    ("on_day", Day),
                    ("passed", Flag),
                    ("note", Text),
                    ("recorded_by", Id),
                    ("recorded_org", Id),
                    ("recorded_at", Ts),
                ],
                &[("engagement_id", "engagement"), ("recorded_by", "person"), ("recorded_org", "organisation")],
            ),
            keyed(
                table(
                    "sla_day",
                    // One engagement's day (in its agreement's zone) for one availability class:
                    // seconds summed over its websites, each website's records merged first, so
                    // any maintenance rule is a sum: scheduled, down, maintenance and their
                    // overlap; and the interruption clause 5.12 compensates, as a union over the
                    // websites of what was down outside maintenance, and of down or maintenance.
                    &[
                        ("engagement_id", Id),
                        ("day", Day),
                        ("class", Str(16)),
                        ("scheduled", Big),
                        ("down", Big),
                        ("maint", Big),
                        ("overlap", Big),
                        ("any_down", Big),
                        ("any_all", Big),
                    ],
                    &[("engagement_id", "engagement")],
                ),
                &["engagement_id", "day", "class"],
            ),
            keyed(
                table(
                    "sla_month",
                    &[
                        ("engagement_id", Id),
                        ("month", Str(7)),
                        ("version", Int),
                        ("agency_id", Id),
                        ("csp_id", Id),
                        ("sla_version_id", Id),
                        // Whether any metric missed its target, and the compensation owed in fen.
                        ("breached", Flag),
                        ("compensation", Big),
                        // The figures, their inputs and the formula, as the report prints them.
                        ("figures", Text),
                        // Why this version: the month's close, or the reclassification that reopened it.
                        ("reason", Text),
                        ("issued_at", Ts),
                    ],
                    &[
                        ("engagement_id", "engagement"),
                        ("agency_id", "organisation"),
                        ("csp_id", "organisation"),
                        ("sla_version_id", "sla_version"),
                    ],
                ),
                &["engagement_id", "month", "version"],
            ),
        ];
        for s in statements {
            m.create_table(s).await?;
        }
        let a = |s: &'static str| Alias::new(s);
        index(m, "uq_sla_version", a("sla_version"), [a("engagement_id"), a("number")], true).await?;
        index(m, "idx_sla_version_agency", a("sla_version"), [a("agency_id"), a("status")], false).await?;
        index(m, "idx_sla_version_csp", a("sla_version"), [a("csp_id"), a("status")], false).await?;
        index(m, "idx_sla_record_engagement", a("sla_record"), [a("engagement_id"), a("started_at")], false).await?;
        index(m, "idx_sla_record_notice", a("sla_record"), [a("notice_id")], false).await?;
        index(m, "idx_sla_record_site", a("sla_record_site"), [a("website_id")], false).await?;
        index(m, "idx_sla_reclass_record", a("sla_reclass"), [a("record_id"), a("at")], false).await?;
        index(m, "idx_sla_measure_engagement", a("sla_measure"), [a("engagement_id"), a("on_day")], false).await?;
        index(m, "idx_sla_month_agency", a("sla_month"), [a("agency_id"), a("month")], false).await?;
        index(m, "idx_sla_month_breach", a("sla_month"), [a("month"), a("breached")], false).await?;
        append_only(m, &KEPT).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_append_only(m, &KEPT).await?;
        let tables: Vec<DynIden> = TABLES.iter().rev().map(|t| Alias::new(*t).into_iden()).collect();
        drop_tables(m, tables).await
    }
}
