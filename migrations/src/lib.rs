//! Schema migrations: one file per change, append-only, named by date and intent.
pub use sea_orm_migration::prelude::*;

mod tables;

mod m20261125_000001_people_sessions_audit;
mod m20261125_000002_relationships_websites_outbox;
mod m20261125_000003_reports_api_tokens;
mod m20261201_000004_obligation_end;
mod m20261201_000005_person_session_generation;
mod m20261201_000006_audit_append_only;
mod m20261204_000007_job;
mod m20261204_000008_report_period;
mod m20261204_000009_report_period_facts;
mod m20261204_000010_engagement_reason;
mod m20261205_000011_report_tally;
mod m20261205_000012_rosters;
mod m20261206_000013_duty_resolved;
mod m20261207_000014_emergency;
mod m20261208_000015_er_digest;
mod m20261209_000016_changes;
mod m20261210_000017_sla;
mod m20261210_000018_notice_order;
mod m20261211_000019_sla_measure_oldest;
mod m20261212_000020_sla_record_open;
mod m20261213_000021_person_sessions;
mod m20261214_000022_second_factor;
mod m20261215_000023_exit;
mod m20261216_000024_audit_archive;
mod m20261217_000025_digest;
mod m20261218_000026_status_report;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_people_sessions_audit::Migration),
            Box::new(m20261125_000002_relationships_websites_outbox::Migration),
            Box::new(m20261125_000003_reports_api_tokens::Migration),
            Box::new(m20261201_000004_obligation_end::Migration),
            Box::new(m20261201_000005_person_session_generation::Migration),
            Box::new(m20261201_000006_audit_append_only::Migration),
            Box::new(m20261204_000007_job::Migration),
            Box::new(m20261204_000008_report_period::Migration),
            Box::new(m20261204_000009_report_period_facts::Migration),
            Box::new(m20261204_000010_engagement_reason::Migration),
            Box::new(m20261205_000011_report_tally::Migration),
            Box::new(m20261205_000012_rosters::Migration),
            Box::new(m20261206_000013_duty_resolved::Migration),
            Box::new(m20261207_000014_emergency::Migration),
            Box::new(m20261208_000015_er_digest::Migration),
            Box::new(m20261209_000016_changes::Migration),
            Box::new(m20261210_000017_sla::Migration),
            Box::new(m20261210_000018_notice_order::Migration),
            Box::new(m20261211_000019_sla_measure_oldest::Migration),
            Box::new(m20261212_000020_sla_record_open::Migration),
            Box::new(m20261213_000021_person_sessions::Migration),
            Box::new(m20261214_000022_second_factor::Migration),
            Box::new(m20261215_000023_exit::Migration),
            Box::new(m20261216_000024_audit_archive::Migration),
            Box::new(m20261217_000025_digest::Migration),
            Box::new(m20261218_000026_status_report::Migration),
        ]
    }
}
