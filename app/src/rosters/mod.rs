//! Duty rosters (§7.3.7 a3, §8.5c): rotations, overrides, swaps and special periods resolved into
//! who is on duty when, the gaps in the cover required, and the duty actually stood.
use serde::{Deserialize, Serialize};
use uuid::Uuid;

ssr! {
    pub mod entity;
    pub mod rules;
    pub mod scope;
    pub mod service;
}

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
    pub members: Vec<MemberInput>,
}

/// An override as its manager types it; times are `YYYY-MM-DDTHH:MM` on the roster's wall clock.
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
    #[serde(default)]
    pub round_the_clock: bool,
    /// Hours between status reports; empty: none due.
    #[serde(default)]
    pub report_every_hours: String,
}

/// Someone named, as a page shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRef {
    pub id: Uuid,
    pub name: String,
}

/// A stretch in which the same people are on duty, in the viewer's time zone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SegmentView {
    pub start: String,
    pub end: String,
    pub primary: Vec<PersonRef>,
    pub backup: Vec<PersonRef>,
}

/// A stretch of required cover with no primary on duty.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GapView {
    pub start: String,
    pub end: String,
    pub hours: f64,
    /// Who stands in (empty: no one at all).
    pub backup: Vec<PersonRef>,
}

/// A roster over a window: who is on duty, stretch by stretch, and the gaps.
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
