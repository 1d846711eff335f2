//! The daily digest (§8.4, §8.6): one mail a day to each person, in its language and on its own
//! clock at the time it chose (08:00 unless it chose another), telling what is due, overdue or
//! awaiting it in every module — reports, duty, incidents, emergency response, change notices, SLA,
//! exits and, for a regulator, the agencies needing attention — with links; nothing on a day with
//! nothing to say; each kind can be left out in the person's settings. Sent once a day through the
//! one job runner, however many instances run it.
//!
//! Each module's part is read through that module's own reader and services, as its dashboard
//! panel reads it: a module that lands later adds its kind here and one function in `service`.
use serde::{Deserialize, Serialize};

use crate::i18n::Msg;

pub mod api;
pub mod pages;
ssr! {
    pub mod entity;
    pub mod mail;
    pub mod jobs;
    pub mod rules;
    pub mod scope;
    pub mod service;
}

code_enum! {
    /// What a digest tells of, one kind per module: each can be left out.
    #[serde(rename_all = "snake_case")]
    DigestKind {
        Reports = "reports" => DgKindReports,
        Duty = "duty" => DgKindDuty,
        Incidents = "incidents" => DgKindIncidents,
        Emergency = "emergency" => DgKindEmergency,
        Changes = "changes" => DgKindChanges,
        Sla = "sla" => DgKindSla,
        Exits = "exits" => DgKindExits,
        Oversight = "oversight" => DgKindOversight,
    }
}

/// The default time of the day's digest, on the person's clock.
pub const DEFAULT_SEND_AT: &str = "08:00";

/// The person's digest settings as its account page shows them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DigestSettings {
    /// `HH:MM`, on the person's clock.
    pub send_at: String,
    /// The kinds the person can receive (a regulator's oversight only for regulators).
    pub kinds: Vec<DigestKind>,
    pub opted_out: Vec<DigestKind>,
    pub time_zone: String,
    /// The last day a digest went out (`YYYY-MM-DD`), if any.
    pub last_sent: Option<String>,
}

/// The settings form: the time, and one checkbox per kind (`on` when the kind is wanted).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DigestInput {
    pub send_at: String,
    pub reports: String,
    pub duty: String,
    pub incidents: String,
    pub emergency: String,
    pub changes: String,
    pub sla: String,
    pub exits: String,
    pub oversight: String,
}

impl DigestInput {
    /// Whether the form asked for this kind.
    pub fn wants(&self, kind: DigestKind) -> bool {
        let v = match kind {
            DigestKind::Reports => &self.reports,
            DigestKind::Duty => &self.duty,
            DigestKind::Incidents => &self.incidents,
            DigestKind::Emergency => &self.emergency,
            DigestKind::Changes => &self.changes,
            DigestKind::Sla => &self.sla,
            DigestKind::Exits => &self.exits,
            DigestKind::Oversight => &self.oversight,
        };
        !v.trim().is_empty()
    }
}

/// One thing a digest tells of: its words (in the reader's language), where to open it, and
/// whether it is overdue (listed first, marked).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestLine {
    pub text: String,
    pub link: String,
    pub overdue: bool,
}

/// One kind's part: its lines (the first few) and how many there are in all.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestSection {
    pub kind: DigestKind,
    pub lines: Vec<DigestLine>,
    pub total: u64,
    /// The module's page with everything.
    pub link: String,
}

/// A person's digest of one day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Digest {
    /// `YYYY-MM-DD` on the person's clock.
    pub day: String,
    pub sections: Vec<DigestSection>,
}

impl Digest {
    /// Whether there is anything to say (nothing is sent otherwise).
    pub fn is_empty(&self) -> bool {
        self.sections.iter().all(|s| s.total == 0)
    }

    /// How many things it tells of.
    pub fn items(&self) -> u64 {
        self.sections.iter().map(|s| s.total).sum()
    }

    /// How many of them are overdue (counted over the lines shown).
    pub fn overdue(&self) -> u64 {
        self.sections.iter().flat_map(|s| &s.lines).filter(|l| l.overdue).count() as u64
    }
}
