//! CSP significant-change notices (§8.2.2a–c, §8.6e; contract clauses 5.11, 5.14, 5.15): a
//! notice typed as FedRAMP's Significant Change Notification rules type it, its revisions, each
//! affected agency's acknowledgement, question or opt-out, the regulators' decisions,
//! implementation and the post-change assessment; deadlines counted in business days on the
//! working calendar the platform operator keeps.
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
    /// How significant a change is, once the classification has found it needs a notice
    /// (routine recurring changes need none and store nothing).
    #[serde(rename_all = "snake_case")]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    ChangeType {
        Adaptive = "adaptive" => ChTypeAdaptive,
        Transformative = "transformative" => ChTypeTransformative,
        ImpactChanging = "impact_changing" => ChTypeImpactChanging,
    }
}

code_enum! {
    /// What the change is (§8.2.2a's list, and the deployment or protection changes that make
    /// it impact-changing).
    #[serde(rename_all = "snake_case")]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    ChangeCategory {
        AcquisitionMerger = "acquisition_merger" => ChCatAcquisition,
        Technical = "technical" => ChCatTechnical,
        Organisational = "organisational" => ChCatOrganisational,
        PlannedInterruption = "planned_interruption" => ChCatInterruption,
        Capacity = "capacity" => ChCatCapacity,
        DeploymentModel = "deployment_model" => ChCatDeployment,
        ProtectionLevel = "protection_level" => ChCatProtection,
        Other = "other" => ChCatOther,
    }
}

code_enum! {
    /// A recorded fact on a notice. Steps are never deleted; the notice's status is read from them.
    #[serde(rename_all = "snake_case")]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    StepKind {
        Submitted = "submitted" => ChStepSubmitted,
        Revised = "revised" => ChStepRevised,
        Acknowledged = "acknowledged" => ChStepAcknowledged,
        OptedOut = "opted_out" => ChStepOptedOut,
        Question = "question" => ChStepQuestion,
        Approved = "approved" => ChStepApproved,
        Rejected = "rejected" => ChStepRejected,
        InfoRequested = "info_requested" => ChStepInfoRequested,
        Implemented = "implemented" => ChStepImplemented,
        Assessed = "assessed" => ChStepAssessed,
        Closed = "closed" => ChStepClosed,
        Cancelled = "cancelled" => ChStepCancelled,
        Reminded = "reminded" => ChStepReminded,
    }
}

code_enum! {
    /// Where a notice is, derived from its steps.
    #[serde(rename_all = "snake_case")]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    NoticeStatus {
        InReview = "in_review" => ChStInReview,
        RevisionRequested = "revision_requested" => ChStRevisionRequested,
        Rejected = "rejected" => ChStRejected,
        Cleared = "cleared" => ChStCleared,
        Implemented = "implemented" => ChStImplemented,
        Assessed = "assessed" => ChStAssessed,
        Closed = "closed" => ChStClosed,
        Cancelled = "cancelled" => ChStCancelled,
    }
}

impl NoticeStatus {
    /// Whether nothing more happens to it.
    pub fn is_final(self) -> bool {
        matches!(self, NoticeStatus::Closed | NoticeStatus::Cancelled)
    }
}

code_enum! {
    /// What someone does to a notice: the state machine's events.
    #[serde(rename_all = "snake_case")]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    Action {
        Revise = "revise" => ChActRevise,
        Acknowledge = "acknowledge" => ChActAcknowledge,
        OptOut = "opt_out" => ChActOptOut,
        Ask = "ask" => ChActAsk,
        Approve = "approve" => ChActApprove,
        Reject = "reject" => ChActReject,
        RequestInfo = "request_info" => ChActRequestInfo,
        Implement = "implement" => ChActImplement,
        Assess = "assess" => ChActAssess,
        Close = "close" => ChActClose,
        Cancel = "cancel" => ChActCancel,
    }
}

code_enum! {
    /// A deadline a notice owes.
    #[serde(rename_all = "snake_case")]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    DeadlineKind {
        InitialPlan = "initial_plan" => ChDlInitialPlan,
        FinalPlan = "final_plan" => ChDlFinalPlan,
        InterruptionNotice = "interruption_notice" => ChDlInterruption,
        Approval = "approval" => ChDlApproval,
        NoticeAfter = "notice_after" => ChDlNoticeAfter,
        Assessment = "assessment" => ChDlAssessment,
    }
}

code_enum! {
    /// What a file on a notice is: an attachment of a revision, or the post-change assessment's
    /// report (attached once the change is implemented, before the assessment is recorded).
    #[serde(rename_all = "snake_case")]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    FilePurpose {
        Attachment = "attachment" => ChFileAttachment,
        Assessment = "assessment" => ChFileAssessment,
    }
}

/// The most files one notice holds, attachments and assessment together.
pub const MAX_NOTICE_FILES: usize = 50;

/// Whether a deadline was met: met on time, met late, still open and not yet due, or open past it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeadlineState {
    OnTime,
    Late,
    Open,
    Overdue,
}

impl DeadlineState {
    pub fn label(self) -> Msg {
        match self {
            DeadlineState::OnTime => Msg::ChDsOnTime,
            DeadlineState::Late => Msg::ChDsLate,
            DeadlineState::Open => Msg::ChDsOpen,
            DeadlineState::Overdue => Msg::ChDsOverdue,
        }
    }

    /// Whether it is flagged (late or overdue).
    pub fn flagged(self) -> bool {
        matches!(self, DeadlineState::Late | DeadlineState::Overdue)
    }
}

/// The classification's answers, in FedRAMP's order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Classification {
    /// Is the change significant at all (could it affect the security of the service)?
    pub significant: bool,
    /// Is it routine and recurring (patching, scaling within plan, rotating keys)?
    pub routine: bool,
    /// Does it change the security categorisation, protection level or deployment model, or is
    /// it an acquisition or merger?
    pub changes_impact: bool,
    /// Is it transformative (a new component, a new data centre, a change of architecture)?
    pub transformative: bool,
}

/// The type a classification leads to; `None`: routine recurring or not significant, no notice.
pub fn classify(c: Classification) -> Option<ChangeType> {
    if !c.significant || c.routine {
        None
    } else if c.changes_impact {
        Some(ChangeType::ImpactChanging)
    } else if c.transformative {
        Some(ChangeType::Transformative)
    } else {
        Some(ChangeType::Adaptive)
    }
}

/// Categories that change the deployment or the protection level, or who runs the service: only
/// an impact-changing notice may carry them.
pub fn category_is_impact_changing(c: ChangeCategory) -> bool {
    matches!(c, ChangeCategory::AcquisitionMerger | ChangeCategory::DeploymentModel | ChangeCategory::ProtectionLevel)
}

/// The longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// The longest free text, in characters.
pub const MAX_TEXT_CHARS: usize = 20_000;
/// The most websites one notice names.
pub const MAX_WEBSITES: usize = 500;

/// A notice, or a revision of it, as the CSP types it (a form's fields, or the API's JSON).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NoticeInput {
    /// `adaptive`, `transformative` or `impact_changing` (fixed once submitted).
    #[serde(default)]
    pub change_type: String,
    #[serde(default)]
    pub category: String,
    /// Any non-empty value: an emergency, notified afterwards.
    #[serde(default)]
    pub emergency: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub reason: String,
    /// The viewer's local time (`YYYY-MM-DDTHH:MM`) or RFC 3339.
    #[serde(default)]
    pub planned_start: String,
    #[serde(default)]
    pub planned_end: String,
    #[serde(default)]
    pub website_ids: Vec<String>,
    #[serde(default)]
    pub impact_analysis: String,
    #[serde(default)]
    pub customer_impact: String,
    #[serde(default)]
    pub rollback_plan: String,
    #[serde(default)]
    pub verification_plan: String,
    #[serde(default)]
    pub contact: String,
    /// Any non-empty value: each agency may opt out of the change.
    #[serde(default)]
    pub opt_out_offered: String,
    /// A revision's note: what it answers or changes.
    #[serde(default)]
    pub note: String,
}

/// An answer, a decision or a record on a notice: the action and what goes with it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StepInput {
    /// Concerns, a question, a reason, the assessment's summary.
    #[serde(default)]
    pub body: String,
    /// The implementation's actual start and end (the viewer's local time, or RFC 3339).
    #[serde(default)]
    pub actual_start: String,
    #[serde(default)]
    pub actual_end: String,
    /// The day the change was verified (`YYYY-MM-DD`; empty: its actual end's day).
    #[serde(default)]
    pub verified_on: String,
}

/// A deadline as shown: what, when (a day, or an instant in the viewer's zone), and how it stands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeadlineView {
    pub kind: DeadlineKind,
    pub due: String,
    pub state: DeadlineState,
    pub met: Option<String>,
}

/// The counts a notice shows: "7 of 9 agencies acknowledged, 1 objected".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Counts {
    pub affected: u32,
    pub acknowledged: u32,
    pub concerns: u32,
    pub opted_out: u32,
    pub questions: u32,
    pub deciders: u32,
    pub approved: u32,
    pub rejected: u32,
    pub info_requested: u32,
    pub percent: u32,
}

/// A reference to a named record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Named {
    pub id: uuid::Uuid,
    pub name: String,
}

/// A notice in a list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NoticeRow {
    pub id: uuid::Uuid,
    pub title: String,
    pub csp: Named,
    pub change_type: ChangeType,
    pub category: ChangeCategory,
    pub emergency: bool,
    pub status: NoticeStatus,
    pub revision: i32,
    /// The planned window, in the viewer's zone.
    pub planned_start: String,
    pub planned_end: String,
    pub submitted_at: String,
    /// Agencies affected and those that answered.
    pub affected: i32,
    pub answered: i32,
    /// What awaits the viewer on it (an answer, a decision), if anything.
    pub awaiting_viewer: bool,
    /// Deadlines flagged (late or overdue).
    pub flagged: u32,
}

/// A step as the timeline shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StepView {
    pub kind: StepKind,
    pub revision: i32,
    pub organisation: Named,
    pub person: Option<String>,
    pub at: String,
    pub body: String,
    pub actual: Option<(String, String)>,
    pub verified_on: Option<String>,
    pub file: Option<FileView>,
}

/// A file attached to a notice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FileView {
    pub id: uuid::Uuid,
    pub name: String,
    pub size: i64,
    pub sha256: String,
    pub revision: i32,
    pub assessment: bool,
}

/// One revision, whole.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RevisionView {
    pub number: i32,
    pub title: String,
    pub description: String,
    pub reason: String,
    pub planned_start: String,
    pub planned_end: String,
    pub websites: Vec<String>,
    pub impact_analysis: String,
    pub customer_impact: String,
    pub rollback_plan: String,
    pub verification_plan: String,
    pub contact: String,
    pub opt_out_offered: bool,
    pub note: String,
    pub submitted_by: String,
    pub submitted_at: String,
}

/// What changed in one field between a revision and the one before.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FieldDiff {
    /// The field's name, as the API names it.
    pub field: String,
    #[cfg_attr(feature = "ssr", schema(value_type = Vec<(String, String)>))]
    pub lines: Vec<(crate::domain::LineChange, String)>,
}

/// An agency a notice was sent to, with its answer, as the viewer may see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AgencyAnswer {
    pub agency: Named,
    pub affected: bool,
    pub answer: Option<StepKind>,
    pub ack_due: String,
    pub overdue: bool,
}

/// What the viewer may do on a notice now.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Allowed {
    pub actions: Vec<Action>,
    /// What files the viewer may attach now (the notice's CSP: attachments while it is open, the
    /// assessment's report once the change is implemented).
    #[serde(default)]
    pub attach: Vec<FilePurpose>,
}

/// A notice, whole: the machine-readable export has this shape too.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NoticeDetail {
    pub notice: NoticeRow,
    pub requires_approval: bool,
    pub opt_out_offered: bool,
    pub counts: Counts,
    pub deadlines: Vec<DeadlineView>,
    pub current: RevisionView,
    /// The current revision against the one before (empty for the first).
    pub changed: Vec<FieldDiff>,
    pub revisions: Vec<RevisionView>,
    pub agencies: Vec<AgencyAnswer>,
    pub steps: Vec<StepView>,
    pub files: Vec<FileView>,
    pub actual: Option<(String, String)>,
    pub allowed: Allowed,
}

/// The list's filters, as the query string carries them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct NoticeFilter {
    /// Only notices in this status (`in_review`, `revision_requested`, `rejected`, `cleared`,
    /// `implemented`, `assessed`, `closed`, `cancelled`).
    #[serde(default)]
    pub status: Option<String>,
    /// One-based page of 50.
    #[serde(default)]
    pub page: Option<u64>,
}

/// The lists of one viewer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NoticeList {
    pub awaiting: Vec<NoticeRow>,
    pub awaiting_total: u64,
    pub rows: Vec<NoticeRow>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
}

/// The module's page: the lists, and whether the viewer gives notices.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChangesHome {
    pub list: NoticeList,
    pub filter: NoticeFilter,
    pub can_submit: bool,
    /// The viewer answers notices (an agency) or decides them (a regulator).
    pub answers: bool,
    pub decides: bool,
}

/// What the CSP's form offers: the websites it serves under engagements in force.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NoticeForm {
    pub websites: Vec<Named>,
}

/// A notice's planned window on the calendar.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlannedItem {
    pub id: uuid::Uuid,
    pub title: String,
    pub csp: String,
    pub status: NoticeStatus,
    pub change_type: ChangeType,
    pub emergency: bool,
    /// The window in the viewer's zone, and the days of this month it covers (1-based).
    pub start: String,
    pub end: String,
    pub first_day: u8,
    pub last_day: u8,
}

/// One day of the month's grid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDay {
    pub day: u8,
    /// Not a working day on the portal's calendar (a weekend or holiday not made up).
    pub rest: bool,
    pub today: bool,
}

/// A month of planned changes in the viewer's reach (cancelled ones left out).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlannedMonth {
    /// `YYYY-MM`, and the months before and after.
    pub month: String,
    pub prev: String,
    pub next: String,
    /// Blank cells before the first day, Monday first.
    pub lead: u8,
    pub days: Vec<CalendarDay>,
    pub items: Vec<PlannedItem>,
    /// Windows in the month beyond those shown.
    pub more: u64,
}

/// The lead times and windows a notice is held to: the defaults, or an engagement's stricter terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Terms {
    /// Business days before the start that the initial plan is due.
    pub initial_bd: u16,
    /// Business days before the start that the final plan is due.
    pub final_bd: u16,
    /// Hours before a planned interruption that its notice is due.
    pub interruption_hours: u16,
    /// Business days after the change is done that its implementation is reported.
    pub after_bd: u16,
    /// Business days after verification that the post-change assessment is due.
    pub assessment_bd: u16,
    /// Business days after an adaptive change is done that its notice is due.
    pub adaptive_bd: u16,
}

impl Terms {
    /// FedRAMP's: 30 and 10 business days before, 72 hours before an interruption, 5 and 5
    /// business days after, 10 after an adaptive change.
    pub const DEFAULT: Terms =
        Terms { initial_bd: 30, final_bd: 10, interruption_hours: 72, after_bd: 5, assessment_bd: 5, adaptive_bd: 10 };
}

impl Default for Terms {
    fn default() -> Self {
        Terms::DEFAULT
    }
}

/// A correction of the calendar as shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorkDayRow {
    pub day: String,
    pub holiday: bool,
    pub note: String,
}

/// One engagement's notice terms as the agency sets them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct TermsInput {
    pub initial_bd: String,
    pub final_bd: String,
    pub interruption_hours: String,
    pub after_bd: String,
    pub assessment_bd: String,
    pub adaptive_bd: String,
}

/// An engagement with a CSP and the terms its notices are held to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TermsRow {
    pub engagement_id: uuid::Uuid,
    pub csp: String,
    pub terms: Terms,
    /// Whether they differ from the defaults.
    pub own: bool,
}
