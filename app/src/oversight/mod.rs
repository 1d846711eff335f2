//! The regulator's oversight (§8.4.1.1, §8.6c): one row per agency of its jurisdiction joining
//! every module's status — websites and their flags, overdue reports, open incidents and late
//! incident reports, overdue drills and plan reviews, duty cover, SLA breaches, change notices
//! awaiting, exits — with an attention score whose reasons and weights the page shows; sorted,
//! filtered, searched, paged, grouped by sub-regulator, exported as shown.
//!
//! A module joins the board by giving its facts per agency (its `service::oversight_*` function,
//! read through its own reader) and a column here.
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    i18n::{Locale, Msg},
    tenancy::Phase,
};

pub mod api;
pub mod pages;
pub mod rules;
ssr! {
    pub mod detail;
    pub mod entity;
    pub mod report;
    pub mod http;
    pub mod scope;
    pub mod service;
}

/// An organisation by id and name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Named {
    pub id: Uuid,
    pub name: String,
}

/// One agency's row: every module's facts and the score they add up to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardRow {
    pub agency_id: Uuid,
    pub agency: String,
    /// The regulator the agency sits under directly.
    pub regulator: String,
    pub websites: u32,
    /// The highest protection level of its websites (0: none).
    pub top_level: i16,
    /// Websites per lifecycle phase, in `tenancy::Phase::ALL`'s order.
    pub phases: [u32; 5],
    pub level4_public_cloud: u32,
    pub domain_outside: u32,
    pub trial_overdue: u32,
    pub reports_overdue: u32,
    /// Open incidents by level, I to IV.
    pub incidents: [u32; 4],
    /// Days the oldest open level I–II incident has been open.
    pub grave_days: Option<u32>,
    pub late_reports: u32,
    pub drills_overdue: u32,
    pub plans_overdue: u32,
    pub desks: u32,
    pub staffed: u32,
    pub uncovered_hours: u32,
    pub on_duty: Vec<String>,
    pub sla_breaches: u32,
    pub changes_awaiting: u32,
    pub exits_open: u32,
    pub exits_overdue: u32,
    pub score: rules::Score,
}

impl BoardRow {
    pub fn open_incidents(&self) -> u32 {
        self.incidents.iter().sum()
    }

    /// Whether the row shows what a filter asks for.
    pub fn has(&self, h: Has) -> bool {
        match h {
            Has::Attention => self.score.total > 0,
            Has::ReportsOverdue => self.reports_overdue > 0,
            Has::IncidentOpen => self.open_incidents() > 0,
            Has::GraveIncident => self.incidents[0] + self.incidents[1] > 0,
            Has::LateReports => self.late_reports > 0,
            Has::DrillsOverdue => self.drills_overdue > 0,
            Has::PlansOverdue => self.plans_overdue > 0,
            Has::CoverGap => self.uncovered_hours > 0,
            Has::SlaBreach => self.sla_breaches > 0,
            Has::ChangesAwaiting => self.changes_awaiting > 0,
            Has::ExitOverdue => self.exits_overdue > 0,
            Has::ExitOpen => self.exits_open > 0,
            Has::Level4PublicCloud => self.level4_public_cloud > 0,
            Has::DomainOutside => self.domain_outside > 0,
            Has::TrialOverdue => self.trial_overdue > 0,
            Has::NoWebsite => self.websites == 0,
        }
    }
}

code_enum! {
    /// What a row may be filtered on: each column's "has any" and each flag.
    #[serde(rename_all = "snake_case")]
    Has {
        Attention = "attention" => OvHasAttention,
        ReportsOverdue = "reports_overdue" => OvHasReportsOverdue,
        IncidentOpen = "incident_open" => OvHasIncidentOpen,
        GraveIncident = "grave_incident" => OvHasGraveIncident,
        LateReports = "late_reports" => OvHasLateReports,
        DrillsOverdue = "drills_overdue" => OvHasDrillsOverdue,
        PlansOverdue = "plans_overdue" => OvHasPlansOverdue,
        CoverGap = "cover_gap" => OvHasCoverGap,
        SlaBreach = "sla_breach" => OvHasSlaBreach,
        ChangesAwaiting = "changes_awaiting" => OvHasChangesAwaiting,
        ExitOpen = "exit_open" => OvHasExitOpen,
        ExitOverdue = "exit_overdue" => OvHasExitOverdue,
        Level4PublicCloud = "level4_public_cloud" => OvHasLevel4,
        DomainOutside = "domain_outside" => OvHasDomainOutside,
        TrialOverdue = "trial_overdue" => OvHasTrialOverdue,
        NoWebsite = "no_website" => OvHasNoWebsite,
    }
}

code_enum! {
    /// The columns a board sorts by.
    #[serde(rename_all = "snake_case")]
    SortKey {
        Score = "score" => OvColScore,
        Agency = "agency" => OvColAgency,
        Websites = "websites" => OvColWebsites,
        Level = "level" => OvColLevel,
        Reports = "reports" => OvColReports,
        Incidents = "incidents" => OvColIncidents,
        LateReports = "late_reports" => OvColLateReports,
        Drills = "drills" => OvColDrills,
        Cover = "cover" => OvColCover,
        Sla = "sla" => OvColSla,
        Changes = "changes" => OvColChanges,
        Exits = "exits" => OvColExits,
    }
}

/// The board's filters as the page's address carries them, parsed by the service (a bad value is
/// refused with the field it came in).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardQuery {
    /// Part of an agency's name.
    #[serde(default)]
    pub q: String,
    /// [`Has`] codes, comma-separated: every one must hold.
    #[serde(default)]
    pub has: String,
    /// The least highest protection level, 1–5 (empty: any).
    #[serde(default)]
    pub level: String,
    /// A sub-regulator's id: only the agencies under it.
    #[serde(default)]
    pub under: String,
    /// A [`SortKey`] code (empty: the score).
    #[serde(default)]
    pub sort: String,
    /// `asc` or `desc` (empty: the column's natural order — highest first, names A–Z).
    #[serde(default)]
    pub dir: String,
    /// Group the totals by sub-regulator.
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub page: String,
}

impl BoardQuery {
    /// The address's query for this filter (without the page).
    pub fn query(&self) -> String {
        let mut out = Vec::new();
        for (k, v) in [
            ("q", &self.q),
            ("has", &self.has),
            ("level", &self.level),
            ("under", &self.under),
            ("sort", &self.sort),
            ("dir", &self.dir),
            ("group", &self.group),
        ] {
            if !v.trim().is_empty() {
                out.push(format!("{k}={}", crate::ui::encode_query(v.trim())));
            }
        }
        out.join("&")
    }

    /// The [`Has`] codes asked for (unknown ones are the service's to refuse).
    pub fn has_codes(&self) -> Vec<&str> {
        self.has.split(',').map(str::trim).filter(|s| !s.is_empty()).collect()
    }
}

/// Sums over a set of rows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub agencies: u32,
    /// Agencies with a score above nothing.
    pub attention: u32,
    pub websites: u32,
    pub reports_overdue: u32,
    pub incidents: [u32; 4],
    pub late_reports: u32,
    pub drills_overdue: u32,
    pub plans_overdue: u32,
    pub uncovered_hours: u32,
    pub sla_breaches: u32,
    pub changes_awaiting: u32,
    pub exits_open: u32,
    pub exits_overdue: u32,
    pub score: u64,
}

impl Totals {
    pub fn add(&mut self, r: &BoardRow) {
        self.agencies += 1;
        self.attention += u32::from(r.score.total > 0);
        self.websites += r.websites;
        self.reports_overdue += r.reports_overdue;
        for (t, n) in self.incidents.iter_mut().zip(r.incidents) {
            *t += n;
        }
        self.late_reports += r.late_reports;
        self.drills_overdue += r.drills_overdue;
        self.plans_overdue += r.plans_overdue;
        self.uncovered_hours += r.uncovered_hours;
        self.sla_breaches += r.sla_breaches;
        self.changes_awaiting += r.changes_awaiting;
        self.exits_open += r.exits_open;
        self.exits_overdue += r.exits_overdue;
        self.score += u64::from(r.score.total);
    }
}

/// One sub-regulator's share of the rows shown (those directly under the viewer: none).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardGroup {
    pub regulator: Option<Named>,
    pub totals: Totals,
}

/// The jurisdiction month by month (the last twelve, this one last): what happened in each.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trend {
    /// `YYYY-MM`.
    pub months: Vec<String>,
    pub incidents_opened: Vec<u32>,
    /// Report periods due in the month that were missed or came late.
    pub reports_late: Vec<u32>,
    /// Engagement-months whose latest issued SLA report is a breach.
    pub sla_breaches: Vec<u32>,
    pub drills_held: Vec<u32>,
}

/// The board as one page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Board {
    pub rows: Vec<BoardRow>,
    /// Rows matching the filter, and the page of them shown.
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    /// Over every row matching the filter (all pages).
    pub totals: Totals,
    /// Over the whole jurisdiction.
    pub all: Totals,
    pub groups: Vec<BoardGroup>,
    pub sub_regulators: Vec<Named>,
    pub under: Option<Named>,
    pub query: BoardQuery,
    pub sort: SortKey,
    pub descending: bool,
    pub weights: rules::Weights,
    /// When the figures were read, in the viewer's zone, and how stale they may be.
    pub as_of: String,
    pub refresh_seconds: i64,
    pub trend: Trend,
}

/// Rows on one page of the board.
pub const PAGE_ROWS: u64 = 50;

/// A reason as one line of text: "2 × Overdue report (+6)", "Open incident, level II, 3 days (+13)".
pub fn reason_text(r: &rules::Reason, locale: Locale) -> String {
    let label = r.concern.label().text(locale);
    match (r.level, r.days_open) {
        (Some(level), Some(days)) => {
            let roman = ["I", "II", "III", "IV"][usize::from(level.clamp(1, 4) - 1)];
            format!("{label} {roman} · {days} {} (+{})", Msg::OvDays.text(locale), r.points)
        }
        _ => format!("{} × {label} (+{})", r.count, r.points),
    }
}

/// The phases of a row as text: "8 operation · 1 trial".
pub fn phases_text(phases: &[u32; 5], locale: Locale) -> String {
    Phase::ALL
        .iter()
        .zip(phases)
        .filter(|(_, n)| **n > 0)
        .map(|(p, n)| format!("{n} {}", p.label().text(locale)))
        .collect::<Vec<_>>()
        .join(" · ")
}

code_enum! {
    /// The modules an agency's detail follows month by month.
    #[serde(rename_all = "snake_case")]
    StripKind {
        Reports = "reports" => OvStripReports,
        Incidents = "incidents" => OvStripIncidents,
        Drills = "drills" => OvStripDrills,
        Cover = "cover" => OvStripCover,
        Sla = "sla" => OvStripSla,
        Changes = "changes" => OvStripChanges,
    }
}

/// How a month's cell reads: nothing to note, all well, something late, something missed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tone {
    #[default]
    Quiet,
    Good,
    Warn,
    Bad,
}

impl Tone {
    pub fn class(self) -> &'static str {
        match self {
            Tone::Quiet => "tone-quiet",
            Tone::Good => "tone-good",
            Tone::Warn => "tone-warn",
            Tone::Bad => "tone-bad",
        }
    }
}

/// One month of one module for one agency.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StripCell {
    pub text: String,
    /// The cell's main figure, for the monthly report's charts: reports on time, incidents opened,
    /// drills held, hours uncovered, SLA months met, notices sent.
    #[serde(default)]
    pub value: u32,
    /// What the cell counts, written out (the cell's title).
    pub detail: String,
    pub tone: Tone,
}

/// One module's twelve months.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Strip {
    pub kind: StripKind,
    pub cells: Vec<StripCell>,
}

/// A record the regulator may open.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordLink {
    pub href: String,
    pub text: String,
    pub note: String,
    pub tone: Tone,
}

/// An agency's detail for its regulator: its row today, twelve months per module, and the records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyDetail {
    pub row: BoardRow,
    pub months: Vec<String>,
    pub strips: Vec<Strip>,
    pub records: Vec<(StripKind, Vec<RecordLink>)>,
    pub websites: Vec<RecordLink>,
    pub exits: Vec<RecordLink>,
    pub as_of: String,
}

code_enum! {
    /// Whose monthly status report: a jurisdiction's, or one agency's.
    #[serde(rename_all = "snake_case")]
    ReportScope {
        Jurisdiction = "jurisdiction" => OvReportJurisdiction,
        Agency = "agency" => OvReportAgency,
    }
}

/// One frozen version of a monthly report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportVersion {
    pub version: u32,
    /// When it was frozen, in the viewer's zone.
    pub frozen_at: String,
}

/// A monthly status report as a page shows it and as a version is frozen: for a jurisdiction its
/// totals at the month's close, its twelve months to that month, its sub-regulators and the
/// agencies most needing attention; for an agency its row at the close and its twelve months per
/// module (in both languages, so a frozen version reads in either).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthlyReport {
    pub scope: ReportScope,
    pub name: String,
    pub agency_id: Option<Uuid>,
    /// `YYYY-MM`.
    pub month: String,
    /// The twelve months to `month`, `month` last.
    pub months: Vec<String>,
    /// The month is not over: figures as of `as_of`, nothing frozen.
    pub provisional: bool,
    pub as_of: String,
    /// The version shown (0 while provisional), and every version there is.
    pub version: u32,
    pub versions: Vec<ReportVersion>,
    pub trend: Trend,
    pub totals: Totals,
    pub groups: Vec<BoardGroup>,
    pub top: Vec<BoardRow>,
    pub row: Option<BoardRow>,
    pub strips_zh: Vec<Strip>,
    pub strips_en: Vec<Strip>,
    pub weights: rules::Weights,
}

impl MonthlyReport {
    /// The strips in the reader's language.
    pub fn strips(&self, locale: Locale) -> &[Strip] {
        match locale {
            Locale::Zh => &self.strips_zh,
            Locale::En => &self.strips_en,
        }
    }

    /// Whether the version shown corrects an earlier one.
    pub fn corrected(&self) -> bool {
        self.version > 1
    }
}

/// The report asked for: whose (empty: the jurisdiction), which month (empty: the last closed
/// one) and which version (empty: the latest).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportQuery {
    #[serde(default)]
    pub agency: String,
    #[serde(default)]
    pub month: String,
    #[serde(default)]
    pub version: String,
}
