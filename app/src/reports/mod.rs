//! Periodic reports: kinds, cadences, periods and their states, summaries, and the records that cross the wire.
use crate::i18n::Msg;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use crate::domain::period::{Cadence, Period};

pub mod api;
pub mod pages;
/// The largest file accepted, in bytes (200 MiB): the server's limit, which the browser checks
/// before it sends anything.
pub const MAX_FILE_BYTES: u64 = 200 * 1024 * 1024;

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
    /// What a report is, which says who owes it to whom (domain.md, "Periodic reports").
    #[serde(rename_all = "snake_case")]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    ReportKind {
        CspMonthly = "csp_monthly" => RkCspMonthly,
        SupplierService = "supplier_service" => RkSupplierService,
        SelfCheck = "self_check" => RkSelfCheck,
        SecurityCheck = "security_check" => RkSecurityCheck,
        Assessment = "assessment" => RkAssessment,
    }
}

code_enum! {
    /// Where a submission is in its review: submitted → accepted, or returned → submitted again.
    #[serde(rename_all = "snake_case")]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    SubmissionStatus {
        Submitted = "submitted" => StSubmitted,
        Returned = "returned" => StReturned,
        Accepted = "accepted" => StAccepted,
    }
}

code_enum! {
    /// A reviewer's decision on one version.
    #[serde(rename_all = "snake_case")]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    Decision {
        Accept = "accept" => DecAccept,
        Return = "return" => DecReturn,
    }
}

code_enum! {
    /// An assessor's conclusion (the grading used by classified-protection assessments).
    #[serde(rename_all = "snake_case")]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    Conclusion {
        Conforming = "conforming" => ConcConforming,
        BasicallyConforming = "basically_conforming" => ConcBasically,
        NonConforming = "non_conforming" => ConcNonConforming,
    }
}

impl ReportKind {
    /// Whether it is owed under an engagement (provider → agency) rather than by an agency to its regulator.
    pub fn is_engagement_report(self) -> bool {
        matches!(self, ReportKind::CspMonthly | ReportKind::SupplierService | ReportKind::Assessment)
    }

    /// The cadence it usually has, preselected in forms.
    pub fn usual_cadence(self) -> Cadence {
        match self {
            ReportKind::CspMonthly => Cadence::Monthly,
            ReportKind::SupplierService => Cadence::Quarterly,
            ReportKind::SelfCheck | ReportKind::SecurityCheck | ReportKind::Assessment => Cadence::Yearly,
        }
    }
}

/// Where one period of one obligation stands for the viewer today, computed from dates and submissions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum PeriodState {
    /// The period has not ended yet.
    NotYetDue,
    /// Ended, and the due date is today or later.
    Due {
        days_left: i64,
    },
    /// Nothing submitted, and the due date has passed.
    Overdue {
        days: i64,
    },
    /// Waiting for review; `late` when the first version came after the due date.
    Submitted {
        late: bool,
        version: i32,
    },
    /// Returned with comments, waiting for a new version.
    Returned {
        version: i32,
    },
    Accepted,
    AcceptedLate,
}

code_enum! {
    /// The states as a short code, for filters, CSV and cell colours.
    #[serde(rename_all = "snake_case")]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    StateCode {
        NotYetDue = "not_yet_due" => PsNotYetDue,
        Due = "due" => PsDue,
        Overdue = "overdue" => PsOverdue,
        Submitted = "submitted" => PsSubmitted,
        Returned = "returned" => PsReturned,
        Accepted = "accepted" => PsAccepted,
        AcceptedLate = "accepted_late" => PsAcceptedLate,
    }
}

impl PeriodState {
    pub fn code(self) -> StateCode {
        match self {
            PeriodState::NotYetDue => StateCode::NotYetDue,
            PeriodState::Due { .. } => StateCode::Due,
            PeriodState::Overdue { .. } => StateCode::Overdue,
            PeriodState::Submitted { .. } => StateCode::Submitted,
            PeriodState::Returned { .. } => StateCode::Returned,
            PeriodState::Accepted => StateCode::Accepted,
            PeriodState::AcceptedLate => StateCode::AcceptedLate,
        }
    }

    /// Whether the submitting side has something to do.
    pub fn needs_submission(self) -> bool {
        matches!(self, PeriodState::Due { .. } | PeriodState::Overdue { .. } | PeriodState::Returned { .. })
    }
}

impl StateCode {
    /// How urgent, for "worst state" in a matrix cell (higher is worse).
    pub fn severity(self) -> u8 {
        match self {
            StateCode::Accepted => 0,
            StateCode::NotYetDue => 1,
            StateCode::AcceptedLate => 2,
            StateCode::Submitted => 3,
            StateCode::Due => 4,
            StateCode::Returned => 5,
            StateCode::Overdue => 6,
        }
    }

    /// Whether the period is settled (accepted, on time or late): such rows read newest first.
    pub fn is_done(self) -> bool {
        matches!(self, StateCode::Accepted | StateCode::AcceptedLate)
    }

    /// The state of that severity (each state has its own).
    pub fn from_severity(severity: u8) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| s.severity() == severity)
    }
}

/// Counts per severity, as security reports give them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Severities {
    pub critical: i64,
    pub high: i64,
    pub medium: i64,
    pub low: i64,
}

/// The CSP's monthly security operation report (§8.2.2k).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CspMonthlySummary {
    /// Service availability in the month, 0–100.
    pub availability_pct: f64,
    pub vulnerabilities_found: Severities,
    pub vulnerabilities_fixed: Severities,
    pub incidents: i64,
    pub patches_applied: i64,
    pub backups_succeeded: i64,
    pub backups_failed: i64,
    pub restore_test_done: bool,
    pub attacks_blocked: i64,
    #[serde(default)]
    pub notes: String,
}

/// A supply-chain provider's periodic service report (§8.2.3c).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ServiceSummary {
    pub changes_delivered: i64,
    pub incidents: i64,
    pub vulnerabilities_found: Severities,
    pub vulnerabilities_fixed: Severities,
    #[serde(default)]
    pub notes: String,
}

/// An agency's self-check report to its regulator (§8.2.1d).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SelfCheckSummary {
    pub websites_checked: i64,
    pub issues_found: i64,
    pub issues_fixed: i64,
    #[serde(default)]
    pub notes: String,
}

/// A security check report with its improvement plan, reviewed by the regulator (§8.6b–c).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SecurityCheckSummary {
    pub findings: Severities,
    pub findings_fixed: Severities,
    /// What will be fixed, by whom and when; required.
    pub improvement_plan: String,
    #[serde(default)]
    pub notes: String,
}

/// An assessor's report on the websites it assessed (§8.2.4).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AssessmentSummary {
    pub conclusion: Conclusion,
    /// 0–100.
    pub score: f64,
    pub findings: Severities,
    #[serde(default)]
    pub notes: String,
}

/// A submission's structured summary; its kind must be the obligation's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Summary {
    CspMonthly(CspMonthlySummary),
    SupplierService(ServiceSummary),
    SelfCheck(SelfCheckSummary),
    SecurityCheck(SecurityCheckSummary),
    Assessment(AssessmentSummary),
}

impl Summary {
    pub fn kind(&self) -> ReportKind {
        match self {
            Summary::CspMonthly(_) => ReportKind::CspMonthly,
            Summary::SupplierService(_) => ReportKind::SupplierService,
            Summary::SelfCheck(_) => ReportKind::SelfCheck,
            Summary::SecurityCheck(_) => ReportKind::SecurityCheck,
            Summary::Assessment(_) => ReportKind::Assessment,
        }
    }
}

/// An organisation named in a report record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrgRef {
    pub id: Uuid,
    pub name: String,
}

/// What the receiving organisation (or the regulator) sets.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ObligationInput {
    pub kind: String,
    /// For engagement reports: the engagement (its provider submits, its agency receives).
    #[serde(default)]
    pub engagement_id: String,
    /// For reports to a regulator: the agency that submits.
    #[serde(default)]
    pub agency_id: String,
    pub cadence: String,
    pub due_day: String,
    pub first_period: String,
    #[serde(default)]
    pub last_period: String,
}

/// An obligation as lists show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ObligationRow {
    pub id: Uuid,
    pub kind: ReportKind,
    pub submitter: OrgRef,
    pub receiver: OrgRef,
    pub agency: OrgRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engagement_id: Option<Uuid>,
    pub cadence: Cadence,
    /// Day of the month after the period ends (clamped to the month's length).
    pub due_day: i16,
    #[cfg_attr(feature = "ssr", schema(value_type = String, example = "2026-01"))]
    pub first_period: Period,
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_period: Option<Period>,
    /// The day it was ended early (`YYYY-MM-DD`), by the receiving side or with its engagement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_reason: Option<String>,
}

/// One period of one obligation, with its state for the viewer today: the unit of work.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PeriodItem {
    pub obligation_id: Uuid,
    pub kind: ReportKind,
    #[cfg_attr(feature = "ssr", schema(value_type = String, example = "2026-10"))]
    pub period: Period,
    /// `YYYY-MM-DD`.
    pub due_on: String,
    pub state: PeriodState,
    pub submitter: OrgRef,
    pub receiver: OrgRef,
    pub agency: OrgRef,
    // Absent rather than null: a jurisdiction's work list carries a hundred of these in its page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submission_id: Option<Uuid>,
    /// A returned report's reason: the first line of the review's comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returned_because: Option<String>,
}

/// Filters of the report lists.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ItemFilter {
    /// `submit` (what the viewer owes), `review` (what it receives) or empty for both.
    #[serde(default)]
    pub side: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub q: String,
    /// A month, `YYYY-MM`: the periods covering it (a monthly obligation's month, a quarterly
    /// one's quarter, a yearly one's year), however old; empty: the latest periods of each.
    #[serde(default)]
    pub period: String,
    /// The page of the work list, from 1 (the CSV has every row and ignores it).
    #[serde(default)]
    pub page: u32,
}

/// A `YYYY-MM` month of a filter: its year and month.
pub fn parse_month(text: &str) -> Option<(i32, u8)> {
    let (y, m) = text.trim().split_once('-')?;
    let (year, month) = (y.parse::<i32>().ok()?, m.parse::<u8>().ok()?);
    ((2000..=2100).contains(&year) && (1..=12).contains(&month) && m.len() == 2 && y.len() == 4)
        .then_some((year, month))
}

impl ItemFilter {
    /// The reports page at page `page` of this filter.
    pub fn page_link(&self, page: u32) -> String {
        let qs = self.query_string();
        if qs.is_empty() {
            format!("/reports?page={page}")
        } else {
            format!("/reports?{qs}&page={page}")
        }
    }

    pub fn query_string(&self) -> String {
        let mut parts = Vec::new();
        for (k, v) in [
            ("side", &self.side),
            ("kind", &self.kind),
            ("state", &self.state),
            ("q", &self.q),
            ("period", &self.period),
        ] {
            if !v.trim().is_empty() {
                parts.push(format!("{k}={}", crate::ui::encode_query(v.trim())));
            }
        }
        parts.join("&")
    }
}

/// The report work of one organisation: what it owes and what it must review.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportWork {
    /// One page of the work list.
    pub items: Vec<PeriodItem>,
    /// Rows of the whole list, this page (from 1), the number of pages and rows per page.
    pub total: u32,
    pub page: u32,
    pub pages: u32,
    pub per_page: u32,
    /// The first obligations of the filter, and how many it has in all.
    pub obligations: Vec<ObligationRow>,
    pub obligations_total: u32,
    /// What the obligation form offers, for those who set obligations.
    pub choices: Option<ObligationChoices>,
    /// The viewing organisation (its rows are the ones it submits).
    pub viewer: Uuid,
    /// Whether the viewer may submit what its organisation owes.
    pub may_submit: bool,
    /// A jurisdiction's viewer who acts on reports may remind the submitter of an overdue one.
    pub may_remind: bool,
}

/// The dashboard's report panel: what the viewer's organisation must submit and what it must
/// review, counted in full, with the most urgent few of each.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportPanelData {
    pub viewer: Uuid,
    pub may_submit: bool,
    pub to_submit: u32,
    pub to_submit_first: Vec<PeriodItem>,
    pub to_review: u32,
    pub to_review_first: Vec<PeriodItem>,
}

/// A stored file as lists show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FileView {
    pub id: Uuid,
    pub name: String,
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
}

/// A reviewer's decision on one version.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReviewView {
    pub decision: Decision,
    pub comment: String,
    pub reviewer: String,
    pub reviewed_at: String,
}

/// One version of a submission, never changed once made.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VersionView {
    pub number: i32,
    pub submitted_by: String,
    pub submitted_at: String,
    pub summary: Summary,
    pub files: Vec<FileView>,
    pub review: Option<ReviewView>,
}

/// A submission with its whole history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SubmissionView {
    pub id: Uuid,
    pub obligation: ObligationRow,
    #[cfg_attr(feature = "ssr", schema(value_type = String, example = "2026-10"))]
    pub period: Period,
    pub due_on: String,
    pub status: SubmissionStatus,
    pub state: PeriodState,
    /// Oldest first.
    pub versions: Vec<VersionView>,
    pub can_review: bool,
    pub can_resubmit: bool,
}

/// A submission in a list (the API's `GET /submissions`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SubmissionRow {
    pub id: Uuid,
    pub obligation_id: Uuid,
    pub kind: ReportKind,
    #[cfg_attr(feature = "ssr", schema(value_type = String, example = "2026-10"))]
    pub period: Period,
    pub status: SubmissionStatus,
    pub state: PeriodState,
    pub versions: i32,
    /// RFC 3339, UTC.
    pub first_submitted_at: String,
    pub last_submitted_at: String,
    pub submitter: OrgRef,
    pub receiver: OrgRef,
}

/// Filters and paging of the submission list; every field is optional.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SubmissionFilter {
    pub obligation_id: Option<Uuid>,
    pub kind: Option<ReportKind>,
    pub status: Option<SubmissionStatus>,
    pub period: Option<Period>,
    /// 1-based.
    pub page: u64,
    pub per_page: u64,
}

/// One page of a list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SubmissionPage {
    pub items: Vec<SubmissionRow>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}

/// What the submission form needs: the obligation, the periods open for submission, and a one-time key.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SubmitForm {
    pub obligation: ObligationRow,
    pub periods: Vec<(Period, PeriodState)>,
    /// Set when resubmitting: the period is fixed and the last version prefills the form.
    pub resubmission: Option<(Uuid, Period, Summary)>,
    /// When resubmitting: the returned version's files, which the new version may keep.
    pub previous_files: Vec<FileView>,
    pub idempotency_key: String,
    /// The fields of this form's last refused post (without JavaScript), typed back in.
    #[serde(default)]
    pub draft: std::collections::HashMap<String, String>,
    /// When resubmitting: the review that returned it, shown above the form.
    #[serde(default)]
    pub returned_by: Option<ReviewView>,
}

/// One cell of the regulator's matrix: the worst state among the agency's obligations of the kind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MatrixCell {
    pub state: Option<StateCode>,
    /// Obligations behind the cell.
    pub count: u32,
    /// The submission to open when the cell stands for exactly one.
    pub submission_id: Option<Uuid>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MatrixRow {
    pub agency: OrgRef,
    pub cells: Vec<MatrixCell>,
}

/// One sub-regulator's share of the matrix: its agencies (those of every regulator below it too)
/// and how many of their cells are in each state. `regulator: None` is the agencies directly
/// under the viewer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MatrixGroup {
    pub regulator: Option<OrgRef>,
    pub agencies: u32,
    pub totals: Vec<(StateCode, u32)>,
}

/// The regulator's agencies × the last 12 periods for one kind of report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Matrix {
    pub kind: ReportKind,
    pub cadence: Cadence,
    pub periods: Vec<Period>,
    pub rows: Vec<MatrixRow>,
    /// Per period: how many cells are in each state (over every agency that matches, not only this page).
    pub totals: Vec<Vec<(StateCode, u32)>>,
    pub agencies: u64,
    pub page: u64,
    pub pages: u64,
    /// The sub-regulators directly under the viewer with their totals (before the `under` filter).
    pub groups: Vec<MatrixGroup>,
    /// Every regulator below the viewer, for the filter.
    pub sub_regulators: Vec<OrgRef>,
    /// The sub-regulator the matrix is narrowed to.
    pub under: Option<OrgRef>,
}

/// The matrix's filters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MatrixFilter {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub cadence: String,
    #[serde(default)]
    pub q: String,
    /// Keep only agencies with at least one cell in this state.
    #[serde(default)]
    pub state: String,
    /// Keep only the agencies under this sub-regulator (its id), at any depth.
    #[serde(default)]
    pub under: String,
    #[serde(default)]
    pub page: String,
}

/// The obligation form's choices: engagements the viewer receives reports under, or agencies of its jurisdiction.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ObligationChoices {
    /// (engagement id, "provider → agency (role)", the report kind that fits it)
    pub engagements: Vec<(Uuid, String, ReportKind)>,
    /// The first agencies by name (a regulator's form searches the rest).
    pub agencies: Vec<OrgRef>,
    /// Every agency the form may choose.
    pub agencies_total: u32,
}

/// Why a file or an upload was refused; says exactly what to fix.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum UploadProblem {
    Empty { name: String },
    TooLarge { name: String, limit_mb: u64 },
    TypeNotAllowed { name: String },
    TypeMismatch { name: String, detected: String },
}

impl UploadProblem {
    pub fn msg(&self) -> Msg {
        match self {
            UploadProblem::Empty { .. } => Msg::ErrFileEmpty,
            UploadProblem::TooLarge { .. } => Msg::ErrFileTooLarge,
            UploadProblem::TypeNotAllowed { .. } => Msg::ErrFileType,
            UploadProblem::TypeMismatch { .. } => Msg::ErrFileMismatch,
        }
    }
}

/// The key under which a refused form's draft names the field it was refused for.
pub const INVALID_FIELD: &str = "__invalid";

/// The words a submission form's field is labelled with (a severity's group, then its level), so
/// a refusal names the field as the form shows it. `None` for a name the form does not have.
pub fn field_words(name: &str) -> Option<Vec<Msg>> {
    let plain = |n: &str| {
        Some(match n {
            "availability_pct" => Msg::Availability,
            "incidents" => Msg::Incidents,
            "patches_applied" => Msg::PatchesApplied,
            "attacks_blocked" => Msg::AttacksBlocked,
            "backups_succeeded" => Msg::BackupsSucceeded,
            "backups_failed" => Msg::BackupsFailed,
            "changes_delivered" => Msg::ChangesDelivered,
            "websites_checked" => Msg::WebsitesChecked,
            "issues_found" => Msg::IssuesFound,
            "issues_fixed" => Msg::IssuesFixed,
            "improvement_plan" => Msg::ImprovementPlan,
            "notes" => Msg::Notes,
            "score" => Msg::Score,
            "conclusion" => Msg::ConclusionLabel,
            "vulnerabilities_found" => Msg::VulnFound,
            "vulnerabilities_fixed" => Msg::VulnFixed,
            "findings" => Msg::Findings,
            "findings_fixed" => Msg::FindingsFixed,
            _ => return None,
        })
    };
    match name.split_once('.') {
        None => plain(name).map(|m| vec![m]),
        Some((group, level)) => {
            let level = match level {
                "critical" => Msg::Critical,
                "high" => Msg::High,
                "medium" => Msg::Medium,
                "low" => Msg::Low,
                _ => return None,
            };
            plain(group).map(|g| vec![g, level])
        }
    }
}

/// A refusal's message with the field it is about in front ("Vulnerabilities found · High: …").
pub fn naming_field(field: &str, message: &str, locale: crate::i18n::Locale) -> String {
    match field_words(field) {
        Some(words) => {
            let label = words.iter().map(|m| m.text(locale)).collect::<Vec<_>>().join(" · ");
            let colon = if locale == crate::i18n::Locale::Zh { "：" } else { ": " };
            format!("{label}{colon}{message}")
        }
        None => message.to_string(),
    }
}
