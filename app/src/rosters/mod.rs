//! Duty rosters (§7.3.7 a3, §8.5c): rotations, overrides, swaps and special periods resolved into
//! who is on duty when, the gaps in the cover required, and the duty actually stood.
use serde::{Deserialize, Serialize};
use uuid::Uuid;

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

/// How the default cover (outside working hours) is stored; the rules' `Hours::out_of_hours`
/// writes it (a unit test holds the two equal).
pub const OUT_OF_HOURS_CODE: &str =
    "mon,tue,wed,thu,fri 00:00-08:30; mon,tue,wed,thu,fri 18:00-00:00; sat,sun 00:00-00:00";

/// The longest name of a roster, rotation or special period, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// A roster as its manager types it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RosterInput {
    pub name: String,
    /// An IANA zone (`Asia/Shanghai`); empty: the manager's own.
    #[serde(default)]
    pub time_zone: String,
    /// `out_of_hours` (the default), `always`, `none`, or `custom` with `hours`.
    #[serde(default)]
    pub cover: String,
    /// The custom cover: `mon,tue,wed,thu,fri 18:00-08:30; sat,sun 00:00-00:00`.
    #[serde(default)]
    pub hours: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
}

/// One member of a rotation, in turn order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MemberInput {
    pub person_id: String,
    /// `YYYY-MM-DD`, empty: from the start.
    #[serde(default)]
    pub joins: String,
    /// `YYYY-MM-DD`, empty: for good.
    #[serde(default)]
    pub leaves: String,
}

/// A rotation (or a new version of one) as its manager types it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RotationInput {
    pub name: String,
    /// `primary` (the default) or `backup`.
    #[serde(default)]
    pub layer: String,
    /// `daily`, `weekly`, `every_days` (with `every_days`) or `weekdays` (with `weekdays`).
    pub pattern: String,
    #[serde(default)]
    pub every_days: String,
    /// Day codes, `mon,thu`.
    #[serde(default)]
    pub weekdays: String,
    /// `HH:MM` on the roster's wall clock.
    pub handoff: String,
    /// `YYYY-MM-DD`: the first handoff's day, which turns are counted from.
    pub anchor: String,
    /// When the rotation is on duty; empty: every hour.
    #[serde(default)]
    pub hours: String,
    #[serde(default)]
    pub members: Vec<MemberInput>,
}

impl RotationInput {
    /// The members a form filled in: a form offers more rows than are used, and an empty row is
    /// no one.
    pub fn without_blank_members(&self) -> RotationInput {
        let mut out = self.clone();
        out.members.retain(|m| !m.person_id.trim().is_empty());
        out
    }
}

/// An override as its manager types it; times are `YYYY-MM-DDTHH:MM` on the roster's wall clock.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OverrideInput {
    #[serde(default)]
    pub layer: String,
    /// `add`, `remove` or `replace`.
    pub kind: String,
    /// Who is added or removed; a replacement's newcomer.
    pub person_id: String,
    /// A replacement's person replaced.
    #[serde(default)]
    pub replaces_id: String,
    pub starts_at: String,
    pub ends_at: String,
    #[serde(default)]
    pub reason: String,
}

/// A special period as its manager types it; times on the roster's wall clock.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SpecialInput {
    pub name: String,
    pub starts_at: String,
    pub ends_at: String,
    /// A form's checkbox sends `on`; the API sends a boolean.
    #[serde(default, deserialize_with = "checkbox")]
    pub round_the_clock: bool,
    /// Hours between status reports; empty: none due.
    #[serde(default)]
    pub report_every_hours: String,
}

/// Someone named, as a page shows them.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRef {
    pub id: Uuid,
    pub name: String,
}

/// A stretch in which the same people are on duty, in the viewer's time zone.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SegmentView {
    pub start: String,
    pub end: String,
    pub primary: Vec<PersonRef>,
    pub backup: Vec<PersonRef>,
    /// Part of it is a gap in the required cover.
    pub gap: bool,
}

/// A stretch of required cover with no primary on duty.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GapView {
    pub start: String,
    pub end: String,
    pub hours: f64,
    /// Who stands in (empty: no one at all).
    pub backup: Vec<PersonRef>,
}

/// A roster over a window: who is on duty, stretch by stretch, and the gaps.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Timeline {
    pub roster_id: Uuid,
    pub name: String,
    pub time_zone: String,
    pub from: String,
    pub to: String,
    pub segments: Vec<SegmentView>,
    pub gaps: Vec<GapView>,
    /// Covered share of the required time, in per mille.
    pub coverage_permille: i64,
}

/// A duty desk now: who is on, with how to reach the desk, and when the next handoff comes.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OnDutyRow {
    pub roster_id: Uuid,
    pub roster: String,
    pub organisation_id: Uuid,
    pub organisation: String,
    pub phone: String,
    pub email: String,
    pub primary: Vec<PersonRef>,
    pub backup: Vec<PersonRef>,
    /// When the people on duty next change, in the viewer's zone (none within a week).
    pub next_change: Option<String>,
}

/// A checkbox as a form sends it (`on`, or absent) or a boolean as the API sends it.
fn checkbox<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Sent {
        Flag(bool),
        Text(String),
    }
    Ok(match Sent::deserialize(d)? {
        Sent::Flag(b) => b,
        Sent::Text(t) => matches!(t.as_str(), "on" | "true" | "1" | "yes"),
    })
}

/// The desks a person sees, with who is on duty now; and whether they may set one up.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RosterList {
    pub desks: Vec<OnDutyRow>,
    pub can_manage: bool,
    /// The zone a new roster takes unless another is chosen (the manager's own).
    pub default_zone: String,
    /// A jurisdiction's view: the desks come from `duty_overview`, a page at a time.
    pub jurisdiction: bool,
}

/// A rotation version in force, as its roster's page lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RotationRow {
    pub id: Uuid,
    pub name: String,
    pub layer: String,
    pub pattern: String,
    pub every_days: Option<i16>,
    pub weekdays: String,
    pub handoff: String,
    pub anchor: String,
    /// When it is on duty (empty: every hour).
    pub hours: String,
    pub members: Vec<PersonRef>,
    /// When this version began, in the viewer's zone.
    pub since: String,
}

/// An override still to come or under way.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OverrideRow {
    pub id: Uuid,
    pub layer: String,
    pub kind: String,
    pub person: PersonRef,
    pub replaces: Option<PersonRef>,
    pub starts_at: String,
    pub ends_at: String,
    pub reason: String,
}

/// A special period still to come or under way, with its cover.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SpecialRow {
    pub id: Uuid,
    pub name: String,
    pub starts_at: String,
    pub ends_at: String,
    pub round_the_clock: bool,
    pub report_every_hours: Option<i16>,
    /// Hours of required cover with no primary on duty.
    pub gap_hours: f64,
    /// The week (its Monday) of the first gap, for the timeline link (none when covered).
    pub first_gap: Option<String>,
    pub published: bool,
    /// Why its gaps were accepted when it was published.
    pub gaps_accepted: Option<String>,
    /// Its own fixed roster, which wins over everything else in its window.
    pub fixed: Vec<FixedShiftRow>,
}

/// A shift of a special period's fixed roster.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FixedShiftRow {
    pub person: PersonRef,
    pub layer: String,
    pub start: String,
    pub end: String,
}

/// A shift of a special period's fixed roster as its manager types it (times on the roster's clock).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FixedShiftInput {
    pub person_id: String,
    #[serde(default)]
    pub layer: String,
    pub starts_at: String,
    pub ends_at: String,
}

/// One roster's page: its desk, a week's timeline, and what shapes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RosterDetail {
    pub id: Uuid,
    pub name: String,
    pub organisation: String,
    pub time_zone: String,
    /// `none`, `always`, or the hours.
    pub cover: String,
    pub phone: String,
    pub email: String,
    pub timeline: Timeline,
    /// This month on the roster's calendar (`YYYY-MM`), for the hours export.
    pub month: String,
    /// The week shown and its neighbours, as `YYYY-MM-DD` (the `from` parameter).
    pub week: String,
    pub previous_week: String,
    pub next_week: String,
    pub rotations: Vec<RotationRow>,
    pub overrides: Vec<OverrideRow>,
    pub specials: Vec<SpecialRow>,
    pub can_manage: bool,
    /// The organisation's people who may stand its duty (for the forms; empty for readers).
    pub people: Vec<PersonRef>,
    /// Offers still to come: open, or taken as swaps.
    pub offers: Vec<OfferRow>,
    /// The last fortnight's handovers, newest first.
    pub handovers: Vec<HandoverRow>,
    /// The duty recorded as stood over the past week, as corrected.
    pub stood: Vec<StoodRow>,
}

/// A shift of the viewer's: a roster, a layer and a span, in the viewer's zone, with the exact
/// instants the forms send back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShiftRow {
    pub roster_id: Uuid,
    pub roster: String,
    pub layer: String,
    pub start: String,
    pub end: String,
    /// RFC 3339 instants (what an offer or a handover names).
    pub starts_at: String,
    pub ends_at: String,
    pub hours: f64,
    /// Under way now.
    pub now: bool,
    /// The viewer's open offer of (part of) it.
    pub offered: Option<Uuid>,
}

/// A shift offered to colleagues (or a swap already agreed).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OfferRow {
    pub id: Uuid,
    pub roster_id: Uuid,
    pub roster: String,
    pub layer: String,
    pub person: PersonRef,
    pub start: String,
    pub end: String,
    pub note: String,
    /// `open`, `taken` or `withdrawn`.
    pub state: String,
    pub taken_by: Option<PersonRef>,
    /// A manager's reassignment rather than a colleague's taking.
    pub assigned: bool,
}

/// A handover entry: written by a shift's person, acknowledged by the next.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HandoverRow {
    pub id: Uuid,
    pub roster_id: Uuid,
    pub roster: String,
    pub person: PersonRef,
    pub shift_start: String,
    pub shift_end: String,
    pub body: String,
    pub nothing_to_report: bool,
    pub written_at: String,
    pub acknowledged_by: Option<PersonRef>,
    pub acknowledged_at: Option<String>,
}

/// A status report due in a special period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatusDue {
    pub special_id: Uuid,
    pub special: String,
    pub roster: String,
    pub due: String,
    /// RFC 3339 (what the form sends back).
    pub due_at: String,
    pub overdue: bool,
}

/// A special period that still lacks cover, as the dashboards flag it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UncoveredSpecial {
    pub special_id: Uuid,
    pub roster_id: Uuid,
    pub roster: String,
    pub organisation: String,
    pub name: String,
    pub starts_at: String,
    pub gap_hours: f64,
    /// The week (its Monday) of the first gap.
    pub first_gap: Option<String>,
}

/// What a manager is told about its organisation's duty: special periods without cover soon,
/// shifts ended without a handover, status reports not written.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DutyFlags {
    pub uncovered: Vec<UncoveredSpecial>,
    pub missing_handovers: Vec<ShiftRow>,
    pub missing_reports: Vec<StatusDue>,
}

/// The viewer's own duty: now, next, the week ahead, what to hand over and acknowledge, offers.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MyDuty {
    /// The shifts under way and to come in the next fortnight.
    pub shifts: Vec<ShiftRow>,
    /// Hours on duty (primary) in the next seven days.
    pub week_hours: f64,
    /// The viewer's shifts of the past week (and the one under way) with no handover yet.
    pub to_hand_over: Vec<ShiftRow>,
    /// Handovers written to the viewer, not yet acknowledged.
    pub to_acknowledge: Vec<HandoverRow>,
    /// Colleagues' offers the viewer may take.
    pub offers: Vec<OfferRow>,
    /// The viewer's own open offers.
    pub my_offers: Vec<OfferRow>,
    pub reports_due: Vec<StatusDue>,
    /// For the organisation's managers.
    pub flags: Option<DutyFlags>,
    /// Whether the viewer stands duty at all (has a roster to be on).
    pub has_rosters: bool,
}

/// An offer of one's own shift (all of it, or a part).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OfferInput {
    pub roster_id: String,
    #[serde(default)]
    pub layer: String,
    /// RFC 3339, or `YYYY-MM-DDTHH:MM` on the roster's wall clock.
    pub starts_at: String,
    pub ends_at: String,
    #[serde(default)]
    pub note: String,
}

/// A manager's reassignment of someone's duty to a colleague.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ReassignInput {
    #[serde(default)]
    pub layer: String,
    pub from_id: String,
    pub to_id: String,
    pub starts_at: String,
    pub ends_at: String,
    #[serde(default)]
    pub reason: String,
}

/// A handover entry for one of one's shifts.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HandoverInput {
    pub roster_id: String,
    /// The shift's start, RFC 3339.
    pub shift_start: String,
    #[serde(default)]
    pub body: String,
    #[serde(default, deserialize_with = "checkbox")]
    pub nothing_to_report: bool,
}

/// A special period's status report for one due moment.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StatusReportInput {
    pub special_id: String,
    /// RFC 3339.
    pub due_at: String,
    pub body: String,
}

/// The longest handover or status report, in characters.
pub const MAX_ENTRY_CHARS: usize = 10_000;

/// The filters of a jurisdiction's duty overview.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OverviewFilter {
    /// Part of an organisation's name.
    #[serde(default)]
    pub q: String,
    /// Only desks whose required cover has no primary now.
    #[serde(default, deserialize_with = "checkbox")]
    pub uncovered: bool,
    /// Zero-based.
    #[serde(default)]
    pub page: u64,
}

/// A desk in a jurisdiction's overview: the recorded duty under way (as of the duty job's last
/// run, at most a minute old).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OverviewRow {
    pub desk: OnDutyRow,
    /// Since when its required cover has had no primary (none: covered, or none required now).
    pub uncovered_since: Option<String>,
}

/// A jurisdiction's duty desks, one page of organisations at a time, with the special periods
/// that still lack cover.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DutyOverview {
    pub rows: Vec<OverviewRow>,
    /// Organisations matching the filter (all pages).
    pub organisations: u64,
    pub page: u64,
    pub pages: u64,
    /// Desks matching the filter uncovered now, across all pages.
    pub uncovered_now: u64,
    /// Special periods under way or starting within a fortnight with gaps (the first hundred).
    pub uncovered_specials: Vec<UncoveredSpecial>,
    pub uncovered_specials_total: u64,
}

/// A row of the duty actually stood at a roster.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoodRow {
    pub id: Uuid,
    pub person: PersonRef,
    pub layer: String,
    pub start: String,
    /// None: under way.
    pub end: Option<String>,
    /// Written by a manager correcting the record, with why.
    pub correction: Option<String>,
}

/// A manager's correction of a stood row: who really stood it, and when.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CorrectionInput {
    pub stood_id: String,
    pub person_id: String,
    pub starts_at: String,
    pub ends_at: String,
    pub reason: String,
}

/// A calendar feed of one's shifts or of a roster (its secret is shown once, when made).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeedRow {
    pub id: Uuid,
    /// None: the person's own shifts.
    pub roster: Option<String>,
    pub created_at: String,
    pub last_access_at: Option<String>,
    pub revoked: bool,
}

/// The person's feeds, and the rosters a feed can be made of.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FeedList {
    pub feeds: Vec<FeedRow>,
    pub rosters: Vec<PersonRef>,
}

/// One person's load in a quarter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LoadRow {
    pub person: PersonRef,
    pub hours: f64,
    /// Share of all primary hours, in per mille.
    pub share_permille: i64,
}

/// A roster's quality over a quarter, as its rules give it: the covered share of the required
/// hours, and each person's primary hours, most loaded first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QualityView {
    /// `YYYY-Qn`, and its neighbours.
    pub quarter: String,
    pub previous: String,
    pub next: String,
    pub required_hours: f64,
    pub covered_hours: f64,
    pub coverage_permille: i64,
    pub people: Vec<LoadRow>,
}
