//! SLA tracking (§6.6.2; Annex A attachment 2; contract clause 5.12): each engagement's agreed
//! metrics, the outages and faults recorded against them, and each calendar month's attainment,
//! breaches and compensation, computed by the rules.
use serde::{Deserialize, Serialize};

use crate::i18n::Msg;

pub mod api;
pub mod pages;

ssr! {
    pub mod entity;
    pub mod http;
    pub mod jobs;
    pub mod mail;
    pub mod rules;
    pub mod scope;
    pub mod service;
}

code_enum! {
    /// Where a version of an agreement is. Accepted versions are read-only; a later accepted
    /// version takes over from its effective date.
    #[serde(rename_all = "snake_case")]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    VersionStatus {
        Proposed = "proposed" => SlaStProposed,
        Accepted = "accepted" => SlaStAccepted,
        Answered = "answered" => SlaStAnswered,
        Withdrawn = "withdrawn" => SlaStWithdrawn,
    }
}

code_enum! {
    /// What a record is, as last classified.
    #[serde(rename_all = "snake_case")]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    RecordKind {
        Outage = "outage" => SlaKindOutage,
        Fault = "fault" => SlaKindFault,
        Maintenance = "maintenance" => SlaKindMaintenance,
    }
}

code_enum! {
    /// An outage's availability class, or a fault's level (annex 2, items 1–5).
    #[serde(rename_all = "snake_case")]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    RecordClass {
        Power = "power" => SlaClassPower,
        Network = "network" => SlaClassNetwork,
        Server = "server" => SlaClassServer,
        Level1 = "level1" => SlaClassLevel1,
        Level2 = "level2" => SlaClassLevel2,
        Planned = "planned" => SlaClassPlanned,
    }
}

impl RecordClass {
    /// The classes a kind of record takes.
    pub fn of(kind: RecordKind) -> &'static [RecordClass] {
        match kind {
            RecordKind::Outage => &[RecordClass::Power, RecordClass::Network, RecordClass::Server],
            RecordKind::Fault => &[RecordClass::Level1, RecordClass::Level2],
            RecordKind::Maintenance => &[RecordClass::Planned],
        }
    }
}

code_enum! {
    /// The other party's word on a record; disputed records are shown and counted apart.
    #[serde(rename_all = "snake_case")]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    Review {
        Pending = "pending" => SlaRevPending,
        Confirmed = "confirmed" => SlaRevConfirmed,
        Disputed = "disputed" => SlaRevDisputed,
    }
}

code_enum! {
    /// How planned maintenance counts, as the contract says.
    #[serde(rename_all = "snake_case")]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    MaintenanceRule {
        Excluded = "excluded" => SlaMaintExcluded,
        Available = "available" => SlaMaintAvailable,
        Downtime = "downtime" => SlaMaintDowntime,
    }
}

code_enum! {
    /// Clause 5.12's form: per unit of interruption, or a table of bands.
    #[serde(rename_all = "snake_case")]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    CompensationRule {
        PerUnit = "per_unit" => SlaCompPerUnit,
        Bands = "bands" => SlaCompBands,
    }
}

code_enum! {
    /// What a measured entry records.
    #[serde(rename_all = "snake_case")]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    MeasureKind {
        Backup = "backup" => SlaMeasBackup,
        RestoreTest = "restore_test" => SlaMeasRestore,
        Training = "training" => SlaMeasTraining,
        LogCheck = "log_check" => SlaMeasLogCheck,
        BackupCheck = "backup_check" => SlaMeasBackupCheck,
    }
}

impl MeasureKind {
    /// Whether an entry of this kind says how it went (a run or a test succeeds or fails).
    pub fn has_outcome(self) -> bool {
        matches!(self, MeasureKind::Backup | MeasureKind::RestoreTest)
    }

    /// Whether an entry of this kind is a retention check, with the oldest day it found on hand.
    pub fn is_check(self) -> bool {
        matches!(self, MeasureKind::LogCheck | MeasureKind::BackupCheck)
    }
}

code_enum! {
    /// How a term judged by records or measured entries stands over a month or a year.
    #[serde(rename_all = "snake_case")]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    TermState {
        Met = "met" => SlaTermMet,
        Missed = "missed" => SlaTermMissed,
        Open = "open" => SlaTermOpen,
        Unmeasured = "unmeasured" => SlaTermUnmeasured,
    }
}

code_enum! {
    /// The metrics of annex 2 a month's report judges.
    #[serde(rename_all = "snake_case")]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    Metric {
        Power = "power" => SlaMetPower,
        Network = "network" => SlaMetNetwork,
        Server = "server" => SlaMetServer,
        Level1 = "level1" => SlaMetLevel1,
        Level2 = "level2" => SlaMetLevel2,
    }
}

/// The longest free text of an agreement (its note) and of a record (cause, comment, reason).
pub const MAX_TEXT_CHARS: usize = 4000;

/// An agreement as a party types it: every field as text, parsed by the service into the rules'
/// types (each refusal names its field).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct AgreementInput {
    /// `YYYY-MM-DD`, the first day it is in force (in its zone).
    pub effective_from: String,
    /// An IANA zone; empty: the proposer's own.
    pub zone: String,
    /// Targets in percent, at most four decimals (`99.95`).
    pub power_pct: String,
    pub network_pct: String,
    pub server_pct: String,
    pub l1_pct: String,
    /// Hours within which a level-1 fault counts as resolved.
    pub l1_hours: String,
    pub l2_pct: String,
    pub l2_hours: String,
    /// `7x24`, or `HH:MM-HH:MM` on business days.
    pub service_hours: String,
    pub response_minutes: String,
    /// Backups: `N/day`, `N/week` or `N/month` (N runs a day, week or month).
    pub backup_every: String,
    /// Retentions: `N day`, `N week` or `N month`.
    pub backup_retention: String,
    pub log_retention: String,
    pub emergency_minutes: String,
    pub trainings: String,
    /// `excluded`, `available` or `downtime`.
    pub maintenance: String,
    /// `per_unit` or `bands`.
    pub compensation: String,
    /// Per unit: the unit in minutes and the multiple (`2`, `1.5`).
    pub unit_minutes: String,
    pub multiple: String,
    /// The month's fee in yuan (`12000.00`): the base, and the cap.
    pub monthly_fee: String,
    /// Bands: one a line, `from below share` in percent, `-` for no upper bound.
    pub bands: String,
    pub note: String,
}

impl AgreementInput {
    /// Common terms of a government cloud's 7×24 service from `effective_from` (`YYYY-MM-DD`):
    /// what the demo data proposes and the tests start from.
    pub fn typical(effective_from: &str) -> AgreementInput {
        AgreementInput {
            effective_from: effective_from.into(),
            zone: "Asia/Shanghai".into(),
            power_pct: "99.99".into(),
            network_pct: "99.9".into(),
            server_pct: "99.9".into(),
            l1_pct: "95".into(),
            l1_hours: "4".into(),
            l2_pct: "90".into(),
            l2_hours: "24".into(),
            service_hours: "7x24".into(),
            response_minutes: "15".into(),
            backup_every: "1/day".into(),
            backup_retention: "30 day".into(),
            log_retention: "6 month".into(),
            emergency_minutes: "30".into(),
            trainings: "2".into(),
            maintenance: "excluded".into(),
            compensation: "per_unit".into(),
            unit_minutes: "60".into(),
            multiple: "2".into(),
            monthly_fee: "72000".into(),
            bands: String::new(),
            note: String::new(),
        }
    }
}

/// An outage, fault or maintenance window as a party types it (or the API sends it).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct RecordInput {
    /// `outage`, `fault` or `maintenance`.
    pub kind: String,
    /// An outage's class (`power`, `network`, `server`), a fault's level (`level1`, `level2`), or
    /// `planned` for maintenance.
    pub class: String,
    /// The engagement's websites it touched (at least one).
    pub website_ids: Vec<String>,
    /// The viewer's local time (`YYYY-MM-DDTHH:MM`) or RFC 3339.
    pub started_at: String,
    /// Empty: still going on.
    pub ended_at: String,
    /// When the CSP responded (faults), and when it was resolved.
    pub responded_at: String,
    pub resolved_at: String,
    pub cause: String,
}

/// The end of a record still open, or its response and resolution times, as typed later.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct FinishInput {
    pub ended_at: String,
    pub responded_at: String,
    pub resolved_at: String,
}

/// The other party's word on a record: `confirmed` or `disputed` (a dispute needs a comment).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ReviewInput {
    pub review: String,
    pub comment: String,
}

/// A later reclassification of a record, with its reason (an audited fact: the month is computed
/// anew and a closed month's report gets a new version).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ReclassInput {
    pub kind: String,
    pub class: String,
    pub reason: String,
}

/// One metric of a month as a list shows it: attained against its target (millionths).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MetricCell {
    pub metric: Metric,
    /// Millionths; absent with nothing to judge (no website, no fault settled).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attained: Option<u32>,
    pub target: u32,
    pub met: bool,
}

/// An engagement's standing this month, as the SLA lists show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Standing {
    pub engagement_id: uuid::Uuid,
    pub agency: String,
    pub csp: String,
    /// The number of the accepted version governing the month; absent: no agreement yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i32>,
    /// A proposal waits for an answer.
    pub pending: bool,
    pub metrics: Vec<MetricCell>,
    pub breached: bool,
    /// Clause 5.12 owed so far this month, in fen.
    pub compensation: i64,
    /// Records disputed this month (counted apart).
    pub disputed: u32,
}

/// Filters of the SLA list: an agency's or a CSP's name, breaches only, the month (`YYYY-MM`,
/// empty: this month), the page (from 1).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct StandingFilter {
    pub q: String,
    pub breached: bool,
    pub month: String,
    pub page: u64,
}

/// The SLA page: every engagement in reach with this month's standing (a regulator's: its
/// agencies' CSP engagements, breaches first).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SlaHome {
    /// `YYYY-MM`, in the viewer's zone.
    pub month: String,
    pub rows: Vec<Standing>,
    pub total: u64,
    pub breaches: u64,
    pub page: u64,
    pub pages: u64,
    pub filter: StandingFilter,
    pub regulator: bool,
}

/// An availability metric's month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AvailabilityFigure {
    pub metric: Metric,
    /// Millionths (100 % = 1,000,000).
    pub target: u32,
    /// Seconds summed over the websites.
    pub scheduled: i64,
    pub downtime: i64,
    pub maintenance: i64,
    /// `None`: nothing scheduled.
    pub attained: Option<u32>,
    pub met: bool,
    /// Downtime the target still allows to date (negative: exceeded by that much).
    pub budget_to_date: i64,
    /// What it allows over the whole month if nothing more goes down.
    pub budget_projected: i64,
}

/// A fault level's month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ResolutionFigure {
    pub metric: Metric,
    pub target: u32,
    pub hours: u16,
    pub faults: u32,
    pub on_time: u32,
    pub late: u32,
    pub pending: u32,
    pub rate: Option<u32>,
    pub met: bool,
}

/// Everything a month's report prints: the figures, their inputs and the rule they follow.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MonthFigures {
    /// `YYYY-MM`.
    pub month: String,
    pub zone: String,
    /// The agreement version that judged it (the one in force on the month's last day).
    pub version: i32,
    /// The month is still going on: figures to date.
    pub in_progress: bool,
    /// The counted time, as Unix seconds (partial months: only while the SLA was in force).
    pub counted_from: i64,
    pub counted_until: i64,
    pub websites: u32,
    pub maintenance: MaintenanceRule,
    pub availability: Vec<AvailabilityFigure>,
    pub resolution: Vec<ResolutionFigure>,
    /// Seconds any website was down (a union over the websites and classes), under the rule.
    pub interrupted: i64,
    pub compensation_rule: CompensationRule,
    /// Clause 5.12 in fen, its started units, and whether the cap cut it.
    pub compensation: i64,
    pub units: i64,
    pub capped: bool,
    /// The month's fee in fen, prorated to the counted part of the month: the cap.
    pub fee_cap: i64,
    pub records: u32,
    /// Disputed records are left out of every figure above and shown here.
    pub disputed: u32,
    pub disputed_secs: i64,
    pub breached: bool,
}

/// A name and its id (a website, in the record form).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Named {
    pub id: uuid::Uuid,
    pub name: String,
}

/// A version of the agreement as the page shows it: its terms as typed, who proposed it, and
/// what the viewer may do with it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VersionView {
    pub id: uuid::Uuid,
    pub number: i32,
    pub status: VersionStatus,
    pub terms: AgreementInput,
    pub proposed_by: String,
    pub proposed_at: String,
    pub can_accept: bool,
    pub can_withdraw: bool,
}

/// A record as the page shows it, with its history of reclassifications.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RecordView {
    pub id: uuid::Uuid,
    pub kind: RecordKind,
    pub class: RecordClass,
    pub websites: Vec<String>,
    /// On the viewer's clock.
    pub started_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responded_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_at: Option<String>,
    /// Minutes from start to end (or to now, while it goes on).
    pub minutes: i64,
    pub cause: String,
    pub recorded_by: String,
    pub source: String,
    pub review: Review,
    pub review_comment: String,
    /// "outage/server → maintenance/planned: reason", oldest first.
    pub reclassified: Vec<String>,
    pub can_review: bool,
    pub can_finish: bool,
    pub can_reclassify: bool,
}

/// A month of an engagement: its figures (issued, or to date), and its report's version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MonthRow {
    pub figures: MonthFigures,
    /// The issued report's latest version; absent while the month is open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_version: Option<i32>,
}

/// One engagement's SLA page: the agreement in its versions, the records, and the months.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SlaEngagement {
    pub engagement_id: uuid::Uuid,
    pub agency: String,
    pub csp: String,
    pub starts_on: String,
    pub ends_on: String,
    /// The viewer's zone, in which every time here is shown and typed.
    pub zone: String,
    /// The viewer writes (a party of an engagement in force).
    pub writes: bool,
    pub versions: Vec<VersionView>,
    /// The terms the proposal form starts from: the latest version's, or common ones.
    pub proposal: AgreementInput,
    pub websites: Vec<Named>,
    pub records: Vec<RecordView>,
    /// The latest measured entries, newest first.
    pub measures: Vec<MeasureView>,
    /// The last twelve months, latest first.
    pub months: Vec<MonthRow>,
}

/// A measured entry as a party types it (or the API sends it): a backup run or a restore test and
/// how it went, a training held, or a retention check and the oldest backup or log it found.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct MeasureInput {
    /// `backup`, `restore_test`, `training`, `backup_check` or `log_check`.
    pub kind: String,
    /// `YYYY-MM-DD`, the day it happened (in the agreement's zone), not after today.
    pub on_day: String,
    /// A backup run's or a restore test's outcome: `passed` or `failed` (other kinds: ignored).
    pub outcome: String,
    /// A retention check's finding, `YYYY-MM-DD`: the oldest backup or log on hand that day.
    pub oldest: String,
    pub note: String,
}

/// A measured entry as the pages show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MeasureView {
    pub id: uuid::Uuid,
    pub kind: MeasureKind,
    pub on_day: String,
    /// Runs and tests: whether it succeeded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passed: Option<bool>,
    /// Checks: the oldest day found on hand, the oldest the agreement requires, and whether the
    /// retention was kept (computed, never typed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oldest: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<String>,
    pub note: String,
    pub recorded_by: String,
    pub can_withdraw: bool,
}

/// A timed term over a span: each obligation done within its limit, late, awaiting or overdue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DelayFigure {
    pub limit_minutes: u16,
    pub on_time: u32,
    pub late: u32,
    pub awaiting: u32,
    pub overdue: u32,
    /// The longest delay of those done, in minutes (rounded up).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worst_minutes: Option<i64>,
    pub state: TermState,
}

/// The backup schedule over a span: its periods judged and those missed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ScheduleFigure {
    /// As agreed (`1/day`).
    pub every: String,
    pub periods: u32,
    pub met: u32,
    /// The first missed periods (`2026-11-10` or `2026-11-16 – 2026-11-22`), at most 31.
    pub missed: Vec<String>,
    pub runs: u32,
    pub failed: u32,
    pub state: TermState,
}

/// A retention over a span: the checks made and the latest one's finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RetentionFigure {
    /// As agreed (`30 day`).
    pub kept: String,
    pub checks: u32,
    /// Checks that found less on hand than agreed.
    pub short: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest: Option<MeasureView>,
    pub state: TermState,
}

/// Restore tests over a span (the annex sets no number: shown, not judged), and the last one
/// that succeeded up to its end.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RestoreFigure {
    pub tests: u32,
    pub passed: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_passed: Option<String>,
}

/// Free trainings in the calendar year the span ends in, against the yearly number agreed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TrainingFigure {
    pub year: i32,
    pub held: u32,
    pub target: u16,
    pub state: TermState,
}

/// The terms a month's or a year's outage figures do not judge: response and emergency-report
/// times from the records and incidents, and what measured entries show. They follow the records
/// as they stand now (clause 5.12 compensates interruption only, so they move no compensation).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MeasuredTerms {
    /// Faults started in the span, from start to the CSP's response.
    pub response: DelayFigure,
    /// Incidents on the engagement's websites detected in the span, from detection to the report
    /// between the parties (the incident's "reported to the CSP" milestone).
    pub emergency: DelayFigure,
    pub backups: ScheduleFigure,
    pub backup_retention: RetentionFigure,
    pub log_retention: RetentionFigure,
    pub restores: RestoreFigure,
    pub trainings: TrainingFigure,
    /// The span's measured entries, newest first.
    pub entries: Vec<MeasureView>,
}

/// One issued version of a month's report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReportIssue {
    pub version: i32,
    /// `closed` (the month ended), `reclassified`, `recorded`, `completed` or `disputed`.
    pub reason: String,
    /// On the viewer's clock.
    pub issued_at: String,
}

/// A month's SLA report: its figures (frozen in the version shown, or to date while the month is
/// open), the terms that judged them, and the records they came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SlaMonthReport {
    pub engagement_id: uuid::Uuid,
    pub agency: String,
    pub csp: String,
    pub figures: MonthFigures,
    /// The report version shown; absent while the month is open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_version: Option<i32>,
    /// The time the figures count, in the SLA's zone (`2026-11-01 00:00 – 2026-12-01 00:00`).
    pub counted: String,
    /// Every issued version, oldest first.
    pub issues: Vec<ReportIssue>,
    /// The agreement version that judged the month, as typed.
    pub terms: AgreementInput,
    /// The month's records as they stand now (a later reclassification issues a later version).
    pub records: Vec<RecordView>,
    /// The terms records and measured entries judge, as they stand now.
    pub measured: MeasuredTerms,
    /// The months of the SLA, latest first (for the month picker).
    pub months: Vec<String>,
    /// The viewer's zone, in which the records' times are shown.
    pub viewer_zone: String,
    pub generated_at: String,
}

/// A year's SLA report: each month as its latest report says (the open month to date), and the
/// year as the sum of its months.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SlaYearReport {
    pub engagement_id: uuid::Uuid,
    pub agency: String,
    pub csp: String,
    pub year: i32,
    /// The years of the SLA, latest first.
    pub years: Vec<i32>,
    /// The year's months in the SLA's span, oldest first.
    pub months: Vec<MonthRow>,
    /// The year's availability: its months' counted time and downtime summed (each under its
    /// month's maintenance rule), against the latest month's target.
    pub availability: Vec<AvailabilityFigure>,
    pub resolution: Vec<ResolutionFigure>,
    pub interrupted: i64,
    pub compensation: i64,
    pub breached_months: u32,
    pub disputed: u32,
    /// The terms records and measured entries judge, over the year's months in the SLA.
    pub measured: MeasuredTerms,
    pub zone: String,
    pub generated_at: String,
}
