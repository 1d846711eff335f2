//! Emergency response (§7.3.7, §8.2.2l, §8.4.2.2, §8.5): plans with the standard's sections and
//! their approved versions, drills per incident category, incidents with their milestones and
//! timeline, and the follow-up actions of all three, tracked to closure.
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

/// A code enum whose variants begin with the GB/Z 20986 incident categories (one list, so an
/// incident's category and a drill's can never drift apart).
macro_rules! with_incident_categories {
    ($(#[$m:meta])* $name:ident { $($extra:tt)* }) => {
        code_enum! {
            $(#[$m])*
            $name {
                HarmfulProgram = "harmful_program" => ErCatHarmfulProgram,
                NetworkAttack = "network_attack" => ErCatNetworkAttack,
                InformationDestruction = "information_destruction" => ErCatInformationDestruction,
                InformationContent = "information_content" => ErCatInformationContent,
                EquipmentFault = "equipment_fault" => ErCatEquipmentFault,
                Disaster = "disaster" => ErCatDisaster,
                Other = "other" => ErCatOther,
                $($extra)*
            }
        }
    };
}

with_incident_categories! {
    /// An incident's category (GB/Z 20986).
    #[serde(rename_all = "snake_case")]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    Category {}
}

with_incident_categories! {
    /// What a drill exercises: one of the incident categories, or restoring from backup (§7.3.7 a2).
    #[serde(rename_all = "snake_case")]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    DrillCategory {
        BackupRestore = "backup_restore" => ErCatBackupRestore,
    }
}

code_enum! {
    /// An incident's level: I is the most severe.
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    Level {
        I = "I" => ErLevelI,
        II = "II" => ErLevelII,
        III = "III" => ErLevelIII,
        IV = "IV" => ErLevelIV,
    }
}

code_enum! {
    /// The moments an incident's record keeps, each with its first and its last recorded value.
    #[serde(rename_all = "snake_case")]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    Milestone {
        Occurred = "occurred" => ErMsOccurred,
        Detected = "detected" => ErMsDetected,
        ReportedCsp = "reported_csp" => ErMsReportedCsp,
        ReportedLeaders = "reported_leaders" => ErMsReportedLeaders,
        ReportedRegulator = "reported_regulator" => ErMsReportedRegulator,
        ReportedPolice = "reported_police" => ErMsReportedPolice,
        Contained = "contained" => ErMsContained,
        Resolved = "resolved" => ErMsResolved,
        Closed = "closed" => ErMsClosed,
    }
}

code_enum! {
    /// Where an incident is: open → contained → resolved → closed (reopened from contained or
    /// resolved; closed is final).
    #[serde(rename_all = "snake_case")]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    IncidentStatus {
        Open = "open" => ErStOpen,
        Contained = "contained" => ErStContained,
        Resolved = "resolved" => ErStResolved,
        Closed = "closed" => ErStClosed,
    }
}

code_enum! {
    /// What moves an incident from one status to another.
    #[serde(rename_all = "snake_case")]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    Transition {
        Contain = "contain" => ErTrContain,
        Resolve = "resolve" => ErTrResolve,
        Close = "close" => ErTrClose,
        Reopen = "reopen" => ErTrReopen,
    }
}

code_enum! {
    /// A plan version's state: a draft is edited; approving it supersedes the version before.
    #[serde(rename_all = "snake_case")]
    PlanState {
        Draft = "draft" => ErPlanDraft,
        Approved = "approved" => ErPlanApproved,
        Superseded = "superseded" => ErPlanSuperseded,
    }
}

code_enum! {
    /// The sections of a plan (§8.5a), in the standard's order.
    #[serde(rename_all = "snake_case")]
    Section {
        General = "general" => ErSecGeneral,
        Roles = "roles" => ErSecRoles,
        Prevention = "prevention" => ErSecPrevention,
        Grading = "grading" => ErSecGrading,
        Procedure = "procedure" => ErSecProcedure,
        Safeguards = "safeguards" => ErSecSafeguards,
    }
}

/// A plan version's text, section by section.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sections {
    #[serde(default)]
    pub general: String,
    #[serde(default)]
    pub roles: String,
    #[serde(default)]
    pub prevention: String,
    #[serde(default)]
    pub grading: String,
    #[serde(default)]
    pub procedure: String,
    #[serde(default)]
    pub safeguards: String,
}

impl Sections {
    pub fn get(&self, s: Section) -> &str {
        match s {
            Section::General => &self.general,
            Section::Roles => &self.roles,
            Section::Prevention => &self.prevention,
            Section::Grading => &self.grading,
            Section::Procedure => &self.procedure,
            Section::Safeguards => &self.safeguards,
        }
    }

    pub fn get_mut(&mut self, s: Section) -> &mut String {
        match s {
            Section::General => &mut self.general,
            Section::Roles => &mut self.roles,
            Section::Prevention => &mut self.prevention,
            Section::Grading => &mut self.grading,
            Section::Procedure => &mut self.procedure,
            Section::Safeguards => &mut self.safeguards,
        }
    }
}

pub use crate::domain::LineChange;

/// One section of a version against the version before.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionDiff {
    pub section: Section,
    pub changed: bool,
    pub lines: Vec<(LineChange, String)>,
}

/// Whether something with a due date is on time: never done (and so due already), past its date,
/// due within the warning window, or fine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DueState {
    Never,
    Overdue,
    DueSoon,
    Current,
}

impl DueState {
    pub fn is_overdue(self) -> bool {
        matches!(self, DueState::Never | DueState::Overdue)
    }

    pub fn label(self) -> Msg {
        match self {
            DueState::Never => Msg::ErDueNever,
            DueState::Overdue => Msg::ErDueOverdue,
            DueState::DueSoon => Msg::ErDueSoon,
            DueState::Current => Msg::ErDueCurrent,
        }
    }
}

code_enum! {
    /// How a drill went.
    #[serde(rename_all = "snake_case")]
    DrillOutcome {
        Effective = "effective" => ErOutEffective,
        Partly = "partly" => ErOutPartly,
        Ineffective = "ineffective" => ErOutIneffective,
    }
}

code_enum! {
    /// What a follow-up action follows up.
    #[serde(rename_all = "snake_case")]
    ActionSource {
        Drill = "drill" => ErSrcDrill,
        Incident = "incident" => ErSrcIncident,
        Review = "review" => ErSrcReview,
        Check = "check" => ErSrcCheck,
    }
}

/// The longest title of a plan, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// The longest section or free text, in characters.
pub const MAX_TEXT_CHARS: usize = 20_000;
/// The most follow-up actions one form adds at once.
pub const MAX_ACTION_LINES: usize = 20;
/// The most contacts a provider keeps per engagement.
pub const MAX_CONTACTS: usize = 10;

/// A reference to a named record (an organisation, a person, a website, a plan).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Named {
    pub id: uuid::Uuid,
    pub name: String,
}

/// A new plan as the agency types it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PlanInput {
    pub title: String,
    /// Empty: the agency's general plan.
    #[serde(default)]
    pub website_id: String,
    /// Empty: every category.
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub owner_id: String,
    /// Months between reviews; empty: a year.
    #[serde(default)]
    pub review_months: String,
}

/// A draft's text as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DraftInput {
    #[serde(flatten)]
    pub sections: Sections,
    #[serde(default)]
    pub change_note: String,
}

/// A plan in a list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanRow {
    pub id: uuid::Uuid,
    pub title: String,
    pub agency: Named,
    pub website: Option<String>,
    pub category: Option<Category>,
    pub owner: String,
    /// The version in force, and when it was approved (the viewer's day).
    pub approved: Option<(i32, String)>,
    pub has_draft: bool,
    pub next_review: Option<String>,
    pub review: DueState,
}

/// One version in a plan's history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VersionRow {
    pub number: i32,
    pub state: PlanState,
    pub drafted_by: String,
    pub drafted_at: String,
    pub approved_by: Option<String>,
    pub approved_at: Option<String>,
    pub change_note: String,
}

/// An emergency contact of a provider, as plans show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContactRow {
    pub provider: Named,
    pub name: String,
    pub duty: String,
    pub phone: String,
    pub email: String,
    pub hours: String,
    pub updated_at: String,
}

/// A plan with one version shown (the one in force unless asked), its history, its diff to the
/// version before, and the providers' contacts as they are now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanDetail {
    pub plan: PlanRow,
    pub review_months: i16,
    pub versions: Vec<VersionRow>,
    /// The version shown: its number and state, and its sections.
    pub shown: Option<(i32, PlanState, Sections)>,
    pub approver: Option<(String, String)>,
    pub diff: Vec<SectionDiff>,
    pub contacts: Vec<ContactRow>,
    /// The draft being edited (the agency's writers only).
    pub draft: Option<(i32, Sections, String)>,
    pub can_write: bool,
}

/// One contact line as a provider types it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ContactLine {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub duty: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub hours: String,
}

impl ContactLine {
    pub fn is_blank(&self) -> bool {
        [&self.name, &self.duty, &self.phone, &self.email, &self.hours].iter().all(|s| s.trim().is_empty())
    }
}

/// A provider's contacts for one engagement, as its form shows them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EngagementContacts {
    pub engagement_id: uuid::Uuid,
    pub agency: Named,
    pub contacts: Vec<ContactLine>,
    pub updated_at: Option<String>,
}

/// A follow-up action as typed with a drill, an incident's review or on its own.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ActionLine {
    /// A security check's finding the action remedies (an improvement plan's item).
    #[serde(default)]
    pub finding: String,
    /// What will be done.
    #[serde(default)]
    pub title: String,
    /// The owning organisation: the agency or a provider serving it; empty: the agency.
    #[serde(default)]
    pub owner_org: String,
    #[serde(default)]
    pub owner_name: String,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub due_on: String,
}

impl ActionLine {
    pub fn is_blank(&self) -> bool {
        [&self.finding, &self.title, &self.owner_name, &self.due_on].iter().all(|s| s.trim().is_empty())
    }
}

/// A drill as the agency records it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DrillInput {
    /// `YYYY-MM-DD`, not in the future.
    pub held_on: String,
    pub category: String,
    #[serde(default)]
    pub scenario: String,
    /// The plan exercised; empty: none.
    #[serde(default)]
    pub plan_id: String,
    #[serde(default)]
    pub outcome: String,
    #[serde(default)]
    pub findings: String,
    /// Providers serving the agency that took part.
    #[serde(default)]
    pub participants: Vec<String>,
    #[serde(default)]
    pub actions: Vec<ActionLine>,
}

/// A follow-up action in a list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActionRow {
    pub id: uuid::Uuid,
    pub agency: Named,
    pub source: ActionSource,
    pub source_id: uuid::Uuid,
    pub finding: String,
    pub title: String,
    pub owner: Named,
    pub owner_name: String,
    pub due_on: String,
    pub closed_at: Option<String>,
    pub evidence: String,
    pub overdue: bool,
    pub can_close: bool,
}

/// A drill in a list or on its page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DrillRow {
    pub id: uuid::Uuid,
    pub agency: Named,
    pub held_on: String,
    pub category: DrillCategory,
    pub scenario: String,
    pub plan: Option<Named>,
    pub outcome: DrillOutcome,
    pub findings: String,
    pub participants: Vec<String>,
}

/// A drill with its follow-up actions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DrillDetail {
    pub drill: DrillRow,
    pub actions: Vec<ActionRow>,
    pub can_write: bool,
    pub owners: Vec<Named>,
}

/// One category of an agency's drill grid.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GridCell {
    pub category: DrillCategory,
    pub last: Option<String>,
    pub next_due: Option<String>,
    pub state: DueState,
}

/// An agency's or a provider's emergency-response page: plans, the drill grid, recent drills,
/// open actions, and what the viewer may do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErHome {
    pub plans: Vec<PlanRow>,
    /// The agency's own grid (empty for providers).
    pub grid: Vec<GridCell>,
    pub restore_every_months: u32,
    pub drills: Vec<DrillRow>,
    pub actions: Vec<ActionRow>,
    pub can_write: bool,
    /// A provider keeps its contacts here, one block per engagement in force.
    pub contacts: Vec<EngagementContacts>,
    pub can_keep_contacts: bool,
    /// For the agency's forms: its people, websites, plans and the providers serving it.
    pub people: Vec<Named>,
    pub websites: Vec<Named>,
    pub providers: Vec<Named>,
    pub jurisdiction: bool,
    /// Set when a jurisdiction opens one of its agencies from the overview: whose records these are.
    pub agency: Option<Named>,
}

/// A jurisdiction's agency in the drill overview.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AgencyDrills {
    pub agency: Named,
    pub overdue: Vec<DrillCategory>,
    pub due_soon: Vec<DrillCategory>,
    pub plans_overdue: u32,
    pub actions_overdue: u32,
}

/// The regulator's drill overview, a page at a time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DrillOverview {
    pub rows: Vec<AgencyDrills>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    pub only_overdue: bool,
    pub search: String,
}

code_enum! {
    /// A timeline entry's kind: a note, a status report (counted against the level's cadence), or
    /// one the portal wrote for a change.
    #[serde(rename_all = "snake_case")]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    EntryKind {
        Note = "note" => ErEntryNote,
        Status = "status" => ErEntryStatus,
        System = "system" => ErEntrySystem,
    }
}

/// An incident as whoever opens it types it (times on the viewer's wall clock,
/// `YYYY-MM-DDTHH:MM`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct IncidentInput {
    pub title: String,
    /// One of the GB/Z 20986 categories (`network_attack`, …).
    pub category: String,
    /// `I`, `II`, `III` or `IV`.
    pub level: String,
    /// The websites touched: ids of websites in the opener's reach.
    #[serde(default)]
    pub website_ids: Vec<String>,
    #[serde(default)]
    pub summary: String,
    /// Non-empty when a crime is suspected (the police must be told).
    #[serde(default)]
    pub suspected_crime: String,
    /// When it happened, if known.
    #[serde(default)]
    pub occurred_at: String,
    /// When it was detected; empty: now.
    #[serde(default)]
    pub detected_at: String,
}

/// How one report (to the CSP, to the regulator) stands against its deadline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReportTimingView {
    /// `not_detected`, `pending`, `overdue`, `on_time` or `late`.
    pub state: String,
    /// Minutes from detection to the report, once reported.
    pub minutes: Option<i64>,
    /// When it is due, on the viewer's wall clock, while pending.
    pub due: Option<String>,
    pub deadline_minutes: i64,
}

impl ReportTimingView {
    pub fn breached(&self) -> bool {
        self.state == "overdue" || self.state == "late"
    }
}

/// An incident in a list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct IncidentRow {
    pub id: uuid::Uuid,
    pub agency: String,
    pub agency_id: uuid::Uuid,
    pub title: String,
    pub category: Category,
    pub level: Level,
    pub status: IncidentStatus,
    pub websites: Vec<String>,
    pub opened_at: String,
    pub opened_by_org: String,
    pub detected_at: Option<String>,
    pub to_csp: ReportTimingView,
    pub to_regulator: ReportTimingView,
    /// Status reports missed so far (at the level's cadence, until contained).
    pub missed_reports: usize,
}

/// A milestone with its first and last recorded values.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MilestoneView {
    pub milestone: Milestone,
    pub first: String,
    pub first_by: String,
    /// The latest value, when it was recorded again differently.
    pub last: Option<String>,
    pub last_by: Option<String>,
}

/// What a system entry records, rendered in the reader's language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "event")]
pub enum SystemEvent {
    Opened {
        level: Level,
        category: Category,
    },
    Status {
        from: IncidentStatus,
        to: IncidentStatus,
    },
    Level {
        from: Level,
        to: Level,
    },
    /// A milestone's time, on the reader's wall clock.
    Milestone {
        milestone: Milestone,
        at: String,
    },
    /// The portal reminded the parties of a status report due at `due` (the reader's wall clock).
    Reminder {
        due: String,
    },
}

/// A timeline entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EntryView {
    pub id: uuid::Uuid,
    pub kind: EntryKind,
    /// A system entry's change (its body is the stored code).
    pub event: Option<SystemEvent>,
    pub at: String,
    pub organisation: String,
    pub person: Option<String>,
    pub body: String,
    pub pinned: bool,
}

/// An incident with its milestones, timeline, actions and what the viewer may do next.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IncidentDetail {
    pub row: IncidentRow,
    pub summary: String,
    pub root_cause: String,
    pub lessons: String,
    pub suspected_crime: bool,
    pub police_required: bool,
    pub milestones: Vec<MilestoneView>,
    pub entries: Vec<EntryView>,
    pub actions: Vec<ActionRow>,
    /// Who is on duty now at the agency's and its CSP's desks (the rosters' record).
    pub on_duty: Vec<String>,
    pub can_write: bool,
    pub transitions: Vec<Transition>,
    pub owners: Vec<Named>,
    /// The next status report is due at (viewer's clock), while not contained.
    pub next_report_due: Option<String>,
}

/// A jurisdiction's (or anyone's) incident list, a page at a time.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct IncidentFilter {
    /// `open` (the default: not closed), `all`, or a status code.
    #[serde(default)]
    pub status: String,
    /// A level code, or empty.
    #[serde(default)]
    pub level: String,
    /// Non-empty: only those with a time-to-report breach.
    #[serde(default)]
    pub breach: String,
    #[serde(default)]
    pub search: String,
    #[serde(default)]
    pub page: String,
}

/// A page of incidents.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IncidentList {
    pub rows: Vec<IncidentRow>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    pub filter: IncidentFilter,
    pub can_open: bool,
    /// The websites the viewer may open an incident on.
    pub websites: Vec<Named>,
    pub jurisdiction: bool,
    /// Open incidents by level (I to IV), across the list's reach.
    pub open_by_level: Vec<(Level, u64)>,
}

/// A security check report's improvement plan: its items tracked to closure (§8.6c–f).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImprovementPlan {
    /// Whether the report is a security check (only those carry a plan).
    pub applies: bool,
    pub items: Vec<ActionRow>,
    pub can_add: bool,
    /// Who may own an item: the agency first (sent as empty), then the providers serving it.
    pub owners: Vec<Named>,
}
