//! Emergency response: plans (a series per plan, a version per edit, approved versions never
//! edited), the emergency contacts providers keep through their engagements, drills and the
//! organisations that took part, incidents with their websites, milestones (first and last value
//! each) and timeline, follow-up actions of drills, incidents and reviews, and each agency's
//! restore-drill interval.
use sea_orm_migration::prelude::*;

use crate::tables::{drop_tables, index, keyed, table, Ty};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables, parents first.
const TABLES: [&str; 11] = [
    "er_setting",
    "er_plan",
    "er_plan_version",
    "er_contact",
    "er_drill",
    "er_drill_org",
    "er_incident",
    "er_incident_website",
    "er_milestone",
    "er_entry",
    "er_action",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use Ty::*;
        let statements = [
            table(
                "er_setting",
                &[("agency_id", Pk), ("restore_every_months", Small), ("updated_by", Id), ("updated_at", Ts)],
                &[("agency_id", "organisation"), ("updated_by", "person")],
            ),
            table(
                "er_plan",
                &[
                    ("id", Pk),
                    ("agency_id", Id),
                    ("title", Str(200)),
                    // A plan for one website or one category; none: the agency's general plan.
                    ("website_id", IdNull),
                    ("category", StrNull(32)),
                    ("owner_id", Id),
                    ("review_months", Small),
                    ("created_by", Id),
                    ("created_at", Ts),
                ],
                &[
                    ("agency_id", "organisation"),
                    ("website_id", "website"),
                    ("owner_id", "person"),
                    ("created_by", "person"),
                ],
            ),
            table(
                "er_plan_version",
                &[
                    ("id", Pk),
                    ("plan_id", Id),
                    ("number", Int),
                    ("state", Str(16)),
                    ("general", Text),
                    ("roles", Text),
                    ("prevention", Text),
                    ("grading", Text),
                    ("procedure", Text),
                    ("safeguards", Text),
                    ("change_note", Str(1000)),
                    ("drafted_by", Id),
                    ("drafted_at", Ts),
                    ("approved_by", IdNull),
                    ("approved_at", TsNull),
                    ("superseded_at", TsNull),
                ],
                &[("plan_id", "er_plan"), ("drafted_by", "person"), ("approved_by", "person")],
            ),
            table(
                "er_contact",
                &[
                    ("id", Pk),
                    ("engagement_id", Id),
                    ("name", Str(200)),
                    ("duty", Str(200)),
                    ("phone", Str(64)),
                    ("email", Str(254)),
                    ("hours", Str(200)),
                    ("position", Small),
                    ("updated_by", Id),
                    ("updated_at", Ts),
                ],
                &[("engagement_id", "engagement"), ("updated_by", "person")],
            ),
            table(
                "er_drill",
                &[
                    ("id", Pk),
                    ("agency_id", Id),
                    ("held_on", Day),
                    ("category", Str(32)),
                    ("scenario", Text),
                    ("plan_id", IdNull),
                    ("outcome", Str(16)),
                    ("findings", Text),
                    ("recorded_by", Id),
                    ("recorded_at", Ts),
                ],
                &[("agency_id", "organisation"), ("plan_id", "er_plan"), ("recorded_by", "person")],
            ),
            keyed(
                table(
                    "er_drill_org",
                    &[("drill_id", Id), ("organisation_id", Id)],
                    &[("drill_id", "er_drill"), ("organisation_id", "organisation")],
                ),
                &["drill_id", "organisation_id"],
            ),
            table(
                "er_incident",
                &[
                    ("id", Pk),
                    ("agency_id", Id),
                    ("title", Str(200)),
                    ("category", Str(32)),
                    ("level", Str(4)),
                    ("status", Str(16)),
                    ("suspected_crime", Flag),
                    ("summary", Text),
                    ("root_cause", Text),
                    ("lessons", Text),
                    ("opened_by", Id),
                    ("opened_by_org", Id),
                    ("opened_at", Ts),
                    // The milestones' current values that lists filter on, kept with them.
                    ("detected_at", TsNull),
                    ("csp_due_at", TsNull),
                    ("reported_csp_at", TsNull),
                    ("regulator_due_at", TsNull),
                    ("reported_regulator_at", TsNull),
                    ("contained_at", TsNull),
                    ("closed_at", TsNull),
                    ("updated_at", Ts),
                ],
                &[("agency_id", "organisation"), ("opened_by", "person"), ("opened_by_org", "organisation")],
            ),
            keyed(
                table(
                    "er_incident_website",
                    &[("incident_id", Id), ("website_id", Id)],
                    &[("incident_id", "er_incident"), ("website_id", "website")],
                ),
                &["incident_id", "website_id"],
            ),
            keyed(
                table(
                    "er_milestone",
                    &[
                        ("incident_id", Id),
                        ("milestone", Str(32)),
                        ("first_at", Ts),
                        ("first_by", Id),
                        ("last_at", Ts),
                        ("last_by", Id),
                        ("recorded_at", Ts),
                    ],
                    &[("incident_id", "er_incident"), ("first_by", "person"), ("last_by", "person")],
                ),
                &["incident_id", "milestone"],
            ),
            table(
                "er_entry",
                &[
                    ("id", Pk),
                    ("incident_id", Id),
                    ("kind", Str(16)),
                    ("at", Ts),
                    ("organisation_id", Id),
                    ("person_id", IdNull),
                    ("body", Text),
                    ("pinned", Flag),
                    ("written_at", Ts),
                ],
                &[("incident_id", "er_incident"), ("organisation_id", "organisation"), ("person_id", "person")],
            ),
            table(
                "er_action",
                &[
                    ("id", Pk),
                    ("agency_id", Id),
                    // What it follows up: a drill, an incident, its review, a security check.
                    ("source", Str(16)),
                    ("source_id", Id),
                    // A security check's finding the action remedies (§8.6c); empty for the others.
                    ("finding", Text),
                    ("title", Str(500)),
                    ("owner_org", Id),
                    ("owner_name", Str(200)),
                    ("due_on", Day),
                    ("closed_at", TsNull),
                    ("closed_by", IdNull),
                    ("evidence", Text),
                    ("created_by", Id),
                    ("created_at", Ts),
                ],
                &[
                    ("agency_id", "organisation"),
                    ("owner_org", "organisation"),
                    ("closed_by", "person"),
                    ("created_by", "person"),
                ],
            ),
        ];
        for s in statements {
            m.create_table(s).await?;
        }
        let a = |s: &'static str| Alias::new(s);
        index(m, "idx_er_plan_agency", a("er_plan"), [a("agency_id")], false).await?;
        index(m, "uq_er_plan_version", a("er_plan_version"), [a("plan_id"), a("number")], true).await?;
        index(m, "idx_er_contact_engagement", a("er_contact"), [a("engagement_id"), a("position")], false).await?;
        index(m, "idx_er_drill_agency", a("er_drill"), [a("agency_id"), a("category"), a("held_on")], false).await?;
        index(m, "idx_er_drill_org_org", a("er_drill_org"), [a("organisation_id")], false).await?;
        index(m, "idx_er_incident_agency", a("er_incident"), [a("agency_id"), a("status")], false).await?;
        index(m, "idx_er_incident_status", a("er_incident"), [a("status"), a("level")], false).await?;
        index(m, "idx_er_incident_website_site", a("er_incident_website"), [a("website_id")], false).await?;
        index(m, "idx_er_entry_incident", a("er_entry"), [a("incident_id"), a("at")], false).await?;
        index(m, "idx_er_action_agency", a("er_action"), [a("agency_id"), a("due_on")], false).await?;
        index(m, "idx_er_action_source", a("er_action"), [a("source_id")], false).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut tables: Vec<DynIden> = Vec::new();
        for t in TABLES.iter().rev() {
            tables.push(Alias::new(*t).into_iden());
        }
        drop_tables(m, tables).await
    }
}
