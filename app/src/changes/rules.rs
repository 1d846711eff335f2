//! The rules of change notices, in plain Rust: the classification, the lead times an engagement
//! may make stricter, the deadlines a notice owes (in business days on the working calendar, in
//! the portal's zone, where China's holidays fall), the status read from the steps, and which
//! action each party may take in each status.
use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

use super::{Action, ChangeCategory, ChangeType, DeadlineKind, DeadlineState, NoticeStatus, StepKind};
use crate::{backend::time_fmt, domain::workdays::WorkCalendar};

pub use super::{category_is_impact_changing, classify};

/// Whether the regulators of the affected agencies decide before it starts.
pub fn requires_approval(t: ChangeType) -> bool {
    matches!(t, ChangeType::Transformative | ChangeType::ImpactChanging)
}

/// Whether plans are owed before it starts (an initial and a final plan).
pub fn plans_before(t: ChangeType) -> bool {
    matches!(t, ChangeType::Transformative | ChangeType::ImpactChanging)
}

pub use super::Terms;

/// Which of the terms is refused, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TermsError {
    /// A lead time shorter than the default (an engagement may only ask for more notice).
    Shorter(&'static str),
    /// A window after the change longer than the default (an engagement may only ask for it sooner).
    Longer(&'static str),
    /// Beyond any sensible contract (more than a year's business days, or a window of none).
    OutOfRange(&'static str),
}

impl Terms {
    /// The stricter of two: the longer lead time before, the shorter window after.
    pub fn stricter(self, o: Terms) -> Terms {
        Terms {
            initial_bd: self.initial_bd.max(o.initial_bd),
            final_bd: self.final_bd.max(o.final_bd),
            interruption_hours: self.interruption_hours.max(o.interruption_hours),
            after_bd: self.after_bd.min(o.after_bd),
            assessment_bd: self.assessment_bd.min(o.assessment_bd),
            adaptive_bd: self.adaptive_bd.min(o.adaptive_bd),
        }
    }

    /// An engagement's terms: each at least as strict as the default, within a year.
    pub fn check(&self) -> Result<(), TermsError> {
        let d = Terms::DEFAULT;
        let before = [("initial_bd", self.initial_bd, d.initial_bd, 250), ("final_bd", self.final_bd, d.final_bd, 250)];
        for (field, v, default, max) in before {
            if v < default {
                return Err(TermsError::Shorter(field));
            }
            if v > max {
                return Err(TermsError::OutOfRange(field));
            }
        }
        if self.interruption_hours < d.interruption_hours {
            return Err(TermsError::Shorter("interruption_hours"));
        }
        if self.interruption_hours > 24 * 90 {
            return Err(TermsError::OutOfRange("interruption_hours"));
        }
        if self.final_bd > self.initial_bd {
            return Err(TermsError::OutOfRange("final_bd"));
        }
        let after =
            [("after_bd", self.after_bd, d.after_bd), ("assessment_bd", self.assessment_bd, d.assessment_bd), ("adaptive_bd", self.adaptive_bd, d.adaptive_bd)];
        for (field, v, default) in after {
            if v > default {
                return Err(TermsError::Longer(field));
            }
            if v == 0 {
                return Err(TermsError::OutOfRange(field));
            }
        }
        Ok(())
    }
}

/// The day an instant falls on where lead times are counted (the portal's zone: China's calendar).
pub fn day_of(at: OffsetDateTime) -> Date {
    time_fmt::date_in_zone(at, time_fmt::DEFAULT_TIME_ZONE)
}

/// Why a planned start is too soon for the notice's type without the emergency flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeadRefusal {
    /// The initial plan is owed `initial_bd` business days before: the earliest start is this day.
    TooSoon { earliest: Date },
    /// A planned interruption is notified `interruption_hours` before: the earliest start is then.
    InterruptionTooSoon { earliest: OffsetDateTime },
}

/// Whether a notice submitted `now` can still keep its lead times; an emergency always can
/// (everything is supplied afterwards).
pub fn check_lead(
    t: ChangeType,
    category: ChangeCategory,
    emergency: bool,
    terms: &Terms,
    planned_start: OffsetDateTime,
    now: OffsetDateTime,
    cal: &WorkCalendar,
) -> Result<(), LeadRefusal> {
    if emergency {
        return Ok(());
    }
    if plans_before(t) {
        let earliest = cal.add_business_days(day_of(now), i32::from(terms.initial_bd));
        if day_of(planned_start) < earliest {
            return Err(LeadRefusal::TooSoon { earliest });
        }
    }
    if category == ChangeCategory::PlannedInterruption {
        let earliest = now + Duration::hours(i64::from(terms.interruption_hours));
        if planned_start < earliest {
            return Err(LeadRefusal::InterruptionTooSoon { earliest });
        }
    }
    Ok(())
}

/// When a deadline falls: on a day (met by anything done that day), or at an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Due {
    Day(Date),
    At(OffsetDateTime),
}

/// A deadline a notice owes, and whether it was met.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deadline {
    pub kind: DeadlineKind,
    pub due: Due,
    pub met: Option<OffsetDateTime>,
    pub state: DeadlineState,
}

/// What the deadlines are computed from: the notice's type and terms, and when things happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeline {
    pub change_type: ChangeType,
    pub category: ChangeCategory,
    pub emergency: bool,
    pub terms: Terms,
    pub planned_start: OffsetDateTime,
    pub planned_end: OffsetDateTime,
    pub first_submitted: OffsetDateTime,
    /// When the latest revision was submitted (the final plan).
    pub last_revised: OffsetDateTime,
    /// When the last approval that cleared it was given.
    pub approved: Option<OffsetDateTime>,
    /// When the implementation was recorded, and the change's actual end.
    pub implemented: Option<(OffsetDateTime, OffsetDateTime)>,
    /// The day the change was verified (its actual end's day, unless recorded).
    pub verified_on: Option<Date>,
    pub assessed: Option<OffsetDateTime>,
}

fn state(due: Due, met: Option<OffsetDateTime>, now: OffsetDateTime) -> DeadlineState {
    match (due, met) {
        (Due::Day(d), Some(m)) => {
            if day_of(m) <= d {
                DeadlineState::OnTime
            } else {
                DeadlineState::Late
            }
        }
        (Due::At(at), Some(m)) => {
            if m <= at {
                DeadlineState::OnTime
            } else {
                DeadlineState::Late
            }
        }
        (Due::Day(d), None) => {
            if day_of(now) > d {
                DeadlineState::Overdue
            } else {
                DeadlineState::Open
            }
        }
        (Due::At(at), None) => {
            if now > at {
                DeadlineState::Overdue
            } else {
                DeadlineState::Open
            }
        }
    }
}

/// Every deadline the notice owes, in the order they fall, each with its state at `now`. An
/// emergency owes nothing before its start (it is notified afterwards); the windows after the
/// change count from its actual end once recorded, from its planned end until then.
pub fn deadlines(t: &Timeline, now: OffsetDateTime, cal: &WorkCalendar) -> Vec<Deadline> {
    let mut out = Vec::new();
    let mut push = |kind, due, met: Option<OffsetDateTime>| out.push(Deadline { kind, due, met, state: state(due, met, now) });
    let start_day = day_of(t.planned_start);
    if !t.emergency {
        if plans_before(t.change_type) {
            let initial = cal.add_business_days(start_day, -i32::from(t.terms.initial_bd));
            push(DeadlineKind::InitialPlan, Due::Day(initial), Some(t.first_submitted));
            let fin = cal.add_business_days(start_day, -i32::from(t.terms.final_bd));
            push(DeadlineKind::FinalPlan, Due::Day(fin), Some(t.last_revised));
        }
        if t.category == ChangeCategory::PlannedInterruption {
            let at = t.planned_start - Duration::hours(i64::from(t.terms.interruption_hours));
            push(DeadlineKind::InterruptionNotice, Due::At(at), Some(t.first_submitted));
        }
        if requires_approval(t.change_type) {
            push(DeadlineKind::Approval, Due::At(t.planned_start), t.approved);
        }
    }
    let end = t.implemented.map(|(_, end)| end).unwrap_or(t.planned_end);
    let end_day = day_of(end);
    if t.change_type == ChangeType::Adaptive {
        let due = cal.add_business_days(end_day, i32::from(t.terms.adaptive_bd));
        push(DeadlineKind::NoticeAfter, Due::Day(due), Some(t.first_submitted));
    } else {
        let due = cal.add_business_days(end_day, i32::from(t.terms.after_bd));
        push(DeadlineKind::NoticeAfter, Due::Day(due), t.implemented.map(|(at, _)| at));
    }
    let verified = t.verified_on.unwrap_or(end_day);
    let due = cal.add_business_days(verified, i32::from(t.terms.assessment_bd));
    push(DeadlineKind::Assessment, Due::Day(due), t.assessed);
    out
}

/// Business days an affected agency has to acknowledge (or object, or opt out).
pub const ACK_BUSINESS_DAYS: i32 = 2;

/// The day an agency's acknowledgement of a notice submitted at `submitted` is due.
pub fn ack_due(submitted: OffsetDateTime, cal: &WorkCalendar) -> Date {
    cal.add_business_days(day_of(submitted), ACK_BUSINESS_DAYS)
}

/// A step as the status reads it: what, on which revision, by which organisation, with or
/// without a text (an acknowledgement with concerns).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StepFact {
    pub kind: StepKind,
    pub revision: i32,
    pub organisation: Uuid,
    pub with_text: bool,
}

/// Who is asked: the agencies the current revision affects, and the regulators who decide.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Audience {
    pub agencies: Vec<Uuid>,
    pub deciders: Vec<Uuid>,
}

/// The status and the counts a notice shows ("7 of 9 agencies acknowledged, 1 objected").
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Progress {
    pub affected: usize,
    /// Agencies that acknowledged (with or without concerns).
    pub acknowledged: usize,
    /// Of those, the ones that wrote concerns.
    pub concerns: usize,
    pub opted_out: usize,
    /// Agencies whose question on the current revision awaits the CSP's revision.
    pub questions: usize,
    pub deciders: usize,
    /// Decisions on the current revision.
    pub approved: usize,
    pub rejected: usize,
    pub info_requested: usize,
}

impl Progress {
    /// Every affected agency has answered (acknowledged or opted out): 100 %.
    pub fn all_answered(&self) -> bool {
        self.acknowledged + self.opted_out >= self.affected
    }

    /// Every decider approved the current revision (vacuously, where nobody decides).
    pub fn all_approved(&self) -> bool {
        self.approved >= self.deciders && self.rejected == 0 && self.info_requested == 0
    }

    /// The share answered, in whole percent.
    pub fn percent(&self) -> u32 {
        ((self.acknowledged + self.opted_out) * 100).checked_div(self.affected).map_or(100, |p| p.min(100) as u32)
    }
}

/// What an agency answered: its latest acknowledgement, opt-out or question (any revision).
fn agency_answers(steps: &[StepFact]) -> HashMap<Uuid, StepFact> {
    let mut out = HashMap::new();
    for s in steps {
        if matches!(s.kind, StepKind::Acknowledged | StepKind::OptedOut | StepKind::Question) {
            let answered = out.get(&s.organisation).is_some_and(|a: &StepFact| a.kind != StepKind::Question);
            if !answered {
                out.insert(s.organisation, *s);
            }
        }
    }
    out
}

/// Whether `agency` has acknowledged or opted out (a question is not an answer).
pub fn has_answered(steps: &[StepFact], agency: Uuid) -> bool {
    agency_answers(steps).get(&agency).is_some_and(|a| a.kind != StepKind::Question)
}

/// A decider's latest decision on `revision`.
pub fn decision_on(steps: &[StepFact], decider: Uuid, revision: i32) -> Option<StepKind> {
    steps
        .iter()
        .rev()
        .find(|s| {
            s.organisation == decider
                && s.revision == revision
                && matches!(s.kind, StepKind::Approved | StepKind::Rejected | StepKind::InfoRequested)
        })
        .map(|s| s.kind)
}

/// The counts of a notice at its current revision. Acknowledgements stand across revisions (an
/// agency was told, and sees what each revision changed); decisions are of one revision, so a new
/// revision is decided again.
pub fn progress(requires_approval: bool, revision: i32, audience: &Audience, steps: &[StepFact]) -> Progress {
    let answers = agency_answers(steps);
    let mut p = Progress { affected: audience.agencies.len(), ..Progress::default() };
    for a in &audience.agencies {
        match answers.get(a) {
            Some(s) if s.kind == StepKind::Acknowledged => {
                p.acknowledged += 1;
                if s.with_text {
                    p.concerns += 1;
                }
            }
            Some(s) if s.kind == StepKind::OptedOut => p.opted_out += 1,
            Some(s) if s.kind == StepKind::Question && s.revision == revision => p.questions += 1,
            _ => {}
        }
    }
    if requires_approval {
        p.deciders = audience.deciders.len();
        for d in &audience.deciders {
            match decision_on(steps, *d, revision) {
                Some(StepKind::Approved) => p.approved += 1,
                Some(StepKind::Rejected) => p.rejected += 1,
                Some(StepKind::InfoRequested) => p.info_requested += 1,
                _ => {}
            }
        }
    }
    p
}

/// The status read from the steps: a final step wins (cancelled, closed), then how far the change
/// went (assessed, implemented), then the decisions (any rejection: rejected; more information
/// asked, or an agency's question open: awaiting a revision), and cleared once every agency has
/// answered and every decider approved.
pub fn status(steps: &[StepFact], p: &Progress) -> NoticeStatus {
    let has = |k: StepKind| steps.iter().any(|s| s.kind == k);
    if has(StepKind::Cancelled) {
        NoticeStatus::Cancelled
    } else if has(StepKind::Closed) {
        NoticeStatus::Closed
    } else if has(StepKind::Assessed) {
        NoticeStatus::Assessed
    } else if has(StepKind::Implemented) {
        NoticeStatus::Implemented
    } else if p.rejected > 0 {
        NoticeStatus::Rejected
    } else if p.info_requested > 0 || p.questions > 0 {
        NoticeStatus::RevisionRequested
    } else if p.all_answered() && p.all_approved() {
        NoticeStatus::Cleared
    } else {
        NoticeStatus::InReview
    }
}

/// Who is acting on a notice, as the state machine needs to know it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Party {
    /// The CSP that gave the notice.
    Csp,
    /// An agency: whether the current revision affects it, and whether it has answered.
    Agency { affected: bool, answered: bool },
    /// A regulator: whether it decides on this notice, and whether it decided the current revision.
    Regulator { decider: bool, decided: bool },
}

/// Why an action is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not this party's action (the service answers "not found" or "forbidden").
    WrongParty,
    /// Closed or cancelled: nothing more happens.
    Final,
    /// Implemented already: too late to revise, cancel, ask, opt out or decide.
    AfterImplementation,
    NotAffected,
    AlreadyAnswered,
    OptOutNotOffered,
    NoApprovalNeeded,
    NotDecider,
    AlreadyDecided,
    /// Implementing before every regulator approved (without the emergency flag).
    NeedsApproval,
    AlreadyImplemented,
    NotImplemented,
    /// Closing without the post-change assessment.
    NoAssessment,
}

/// What a notice is, for the state machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Situation {
    pub status: NoticeStatus,
    pub requires_approval: bool,
    pub emergency: bool,
    pub opt_out_offered: bool,
    pub all_approved: bool,
}

/// Whether `party` may take `action` on a notice in `s`.
pub fn check(action: Action, party: Party, s: &Situation) -> Result<(), Refusal> {
    use NoticeStatus as St;
    let party_ok = match action {
        Action::Revise | Action::Implement | Action::Assess | Action::Close | Action::Cancel => party == Party::Csp,
        Action::Acknowledge | Action::OptOut | Action::Ask => matches!(party, Party::Agency { .. }),
        Action::Approve | Action::Reject | Action::RequestInfo => matches!(party, Party::Regulator { .. }),
    };
    if !party_ok {
        return Err(Refusal::WrongParty);
    }
    if s.status.is_final() {
        return Err(Refusal::Final);
    }
    let done = matches!(s.status, St::Implemented | St::Assessed);
    match (action, party) {
        (Action::Revise, _) if done && !s.emergency => Err(Refusal::AfterImplementation),
        (Action::Cancel, _) if done => Err(Refusal::AfterImplementation),
        (Action::Acknowledge | Action::OptOut | Action::Ask, Party::Agency { affected: false, .. }) => Err(Refusal::NotAffected),
        (Action::Acknowledge | Action::OptOut, Party::Agency { answered: true, .. }) => Err(Refusal::AlreadyAnswered),
        (Action::Ask, Party::Agency { answered: true, .. }) => Err(Refusal::AlreadyAnswered),
        (Action::OptOut, _) if !s.opt_out_offered => Err(Refusal::OptOutNotOffered),
        (Action::OptOut | Action::Ask, _) if done => Err(Refusal::AfterImplementation),
        (Action::Approve | Action::Reject | Action::RequestInfo, _) if !s.requires_approval => Err(Refusal::NoApprovalNeeded),
        (Action::Approve | Action::Reject | Action::RequestInfo, Party::Regulator { decider: false, .. }) => Err(Refusal::NotDecider),
        (Action::Approve | Action::Reject | Action::RequestInfo, Party::Regulator { decided: true, .. }) => Err(Refusal::AlreadyDecided),
        (Action::Approve | Action::Reject | Action::RequestInfo, _) if done && !s.emergency => Err(Refusal::AfterImplementation),
        (Action::Implement, _) if done => Err(Refusal::AlreadyImplemented),
        (Action::Implement, _) if s.requires_approval && !s.emergency && !s.all_approved => Err(Refusal::NeedsApproval),
        (Action::Assess, _) if !done => Err(Refusal::NotImplemented),
        (Action::Close, _) if !done => Err(Refusal::NotImplemented),
        (Action::Close, _) if s.status != St::Assessed => Err(Refusal::NoAssessment),
        _ => Ok(()),
    }
}

/// The step an action records.
pub fn step_of(action: Action) -> StepKind {
    match action {
        Action::Revise => StepKind::Revised,
        Action::Acknowledge => StepKind::Acknowledged,
        Action::OptOut => StepKind::OptedOut,
        Action::Ask => StepKind::Question,
        Action::Approve => StepKind::Approved,
        Action::Reject => StepKind::Rejected,
        Action::RequestInfo => StepKind::InfoRequested,
        Action::Implement => StepKind::Implemented,
        Action::Assess => StepKind::Assessed,
        Action::Close => StepKind::Closed,
        Action::Cancel => StepKind::Cancelled,
    }
}

/// Whether the action's text is required: a rejection's, a request's and a question's reason, a
/// cancellation's reason; an acknowledgement's concerns and an opt-out's reason are optional.
pub fn text_required(action: Action) -> bool {
    matches!(action, Action::Reject | Action::RequestInfo | Action::Ask | Action::Cancel)
}

/// The first day of the month a calendar address names, `YYYY-MM` (years 2000–2100); `None` if
/// it names none.
pub fn month_start(text: &str) -> Option<Date> {
    let (y, m) = text.trim().split_once('-')?;
    if y.len() != 4 || m.len() != 2 || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year = y.parse::<i32>().ok().filter(|y| (2000..=2100).contains(y))?;
    Date::from_calendar_date(year, time::Month::try_from(m.parse::<u8>().ok()?).ok()?, 1).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changes::Classification;
    use time::macros::{date, datetime};

    fn cal() -> WorkCalendar {
        WorkCalendar::seeded()
    }

    #[test]
    fn the_classification_follows_fedramps_order() {
        let c = |significant, routine, changes_impact, transformative| {
            classify(Classification { significant, routine, changes_impact, transformative })
        };
        assert_eq!(c(false, false, true, true), None, "not significant: no notice, whatever else");
        assert_eq!(c(true, true, true, true), None, "routine recurring: no notice");
        assert_eq!(c(true, false, true, true), Some(ChangeType::ImpactChanging), "impact first");
        assert_eq!(c(true, false, false, true), Some(ChangeType::Transformative));
        assert_eq!(c(true, false, false, false), Some(ChangeType::Adaptive));
        assert!(requires_approval(ChangeType::Transformative) && requires_approval(ChangeType::ImpactChanging));
        assert!(!requires_approval(ChangeType::Adaptive));
        assert!(category_is_impact_changing(ChangeCategory::AcquisitionMerger));
        assert!(!category_is_impact_changing(ChangeCategory::PlannedInterruption));
    }

    #[test]
    fn terms_may_only_be_stricter() {
        assert_eq!(Terms::DEFAULT.check(), Ok(()));
        let t = |f: fn(&mut Terms)| {
            let mut t = Terms::DEFAULT;
            f(&mut t);
            t.check()
        };
        assert_eq!(t(|t| t.initial_bd = 40), Ok(()));
        assert_eq!(t(|t| t.initial_bd = 20), Err(TermsError::Shorter("initial_bd")));
        assert_eq!(t(|t| t.final_bd = 9), Err(TermsError::Shorter("final_bd")));
        assert_eq!(t(|t| t.final_bd = 31), Err(TermsError::OutOfRange("final_bd")), "the final plan after the initial");
        assert_eq!(t(|t| t.initial_bd = 251), Err(TermsError::OutOfRange("initial_bd")));
        assert_eq!(t(|t| t.interruption_hours = 48), Err(TermsError::Shorter("interruption_hours")));
        assert_eq!(t(|t| t.interruption_hours = 96), Ok(()));
        assert_eq!(t(|t| t.after_bd = 6), Err(TermsError::Longer("after_bd")));
        assert_eq!(t(|t| t.assessment_bd = 0), Err(TermsError::OutOfRange("assessment_bd")));
        assert_eq!(t(|t| t.adaptive_bd = 3), Ok(()));
        let a = Terms { initial_bd: 40, after_bd: 3, ..Terms::DEFAULT };
        let b = Terms { final_bd: 15, interruption_hours: 120, after_bd: 4, ..Terms::DEFAULT };
        assert_eq!(
            a.stricter(b),
            Terms { initial_bd: 40, final_bd: 15, interruption_hours: 120, after_bd: 3, assessment_bd: 5, adaptive_bd: 10 }
        );
    }

    #[test]
    fn a_lead_time_already_impossible_names_the_earliest_start() {
        let c = cal();
        // Friday 4 Sept 2026, 10:00 Beijing. Thirty business days on, skipping Mid-Autumn (25 Sep)
        // and National Day (1–7 Oct) and counting the make-up days (Sunday 20 Sep, Saturday 10 Oct).
        let now = datetime!(2026-09-04 02:00 UTC);
        let start = datetime!(2026-10-09 01:00 UTC);
        let r = check_lead(ChangeType::Transformative, ChangeCategory::Technical, false, &Terms::DEFAULT, start, now, &c);
        let earliest = c.add_business_days(date!(2026 - 09 - 04), 30);
        assert_eq!(earliest, date!(2026 - 10 - 22));
        assert_eq!(r, Err(LeadRefusal::TooSoon { earliest }));
        let ok = datetime!(2026-10-22 01:00 UTC);
        assert_eq!(check_lead(ChangeType::Transformative, ChangeCategory::Technical, false, &Terms::DEFAULT, ok, now, &c), Ok(()));
        assert_eq!(
            check_lead(ChangeType::Transformative, ChangeCategory::Technical, true, &Terms::DEFAULT, start, now, &c),
            Ok(()),
            "an emergency is notified whenever it can be"
        );
        assert_eq!(check_lead(ChangeType::Adaptive, ChangeCategory::Technical, false, &Terms::DEFAULT, now, now, &c), Ok(()));
        // A planned interruption: 72 hours, or the engagement's longer notice.
        let soon = now + Duration::hours(48);
        assert_eq!(
            check_lead(ChangeType::Adaptive, ChangeCategory::PlannedInterruption, false, &Terms::DEFAULT, soon, now, &c),
            Err(LeadRefusal::InterruptionTooSoon { earliest: now + Duration::hours(72) })
        );
        let longer = Terms { interruption_hours: 96, ..Terms::DEFAULT };
        let in_80h = now + Duration::hours(80);
        assert!(check_lead(ChangeType::Adaptive, ChangeCategory::PlannedInterruption, false, &Terms::DEFAULT, in_80h, now, &c).is_ok());
        assert!(check_lead(ChangeType::Adaptive, ChangeCategory::PlannedInterruption, false, &longer, in_80h, now, &c).is_err());
    }

    #[test]
    fn the_day_is_beijings() {
        // 17:00 UTC on New Year's Eve is already 1 January in Beijing, a holiday.
        assert_eq!(day_of(datetime!(2026-12-31 17:00 UTC)), date!(2027 - 01 - 01));
        assert_eq!(day_of(datetime!(2026-12-31 15:59 UTC)), date!(2026 - 12 - 31));
    }

    fn timeline(t: ChangeType) -> Timeline {
        Timeline {
            change_type: t,
            category: ChangeCategory::Technical,
            emergency: false,
            terms: Terms::DEFAULT,
            // Starts Monday 8 March 2027, 10:00 Beijing; ends the same day 18:00.
            planned_start: datetime!(2027-03-08 02:00 UTC),
            planned_end: datetime!(2027-03-08 10:00 UTC),
            first_submitted: datetime!(2027-01-18 02:00 UTC),
            last_revised: datetime!(2027-02-20 02:00 UTC),
            approved: None,
            implemented: None,
            verified_on: None,
            assessed: None,
        }
    }

    fn kinds(d: &[Deadline]) -> Vec<DeadlineKind> {
        d.iter().map(|d| d.kind).collect()
    }

    #[test]
    fn a_transformative_change_owes_plans_before_approval_and_reports_after() {
        let c = cal();
        let t = timeline(ChangeType::Transformative);
        let now = datetime!(2027-02-22 02:00 UTC);
        let d = deadlines(&t, now, &c);
        use DeadlineKind::*;
        assert_eq!(kinds(&d), vec![InitialPlan, FinalPlan, Approval, NoticeAfter, Assessment]);
        // 30 business days before 8 March 2027 crosses the (provisional) Spring Festival, 5–10 Feb.
        assert_eq!(d[0].due, Due::Day(date!(2027 - 01 - 19)));
        assert_eq!(d[0].state, DeadlineState::OnTime);
        assert_eq!(d[1].due, Due::Day(date!(2027 - 02 - 22)));
        assert_eq!(d[1].state, DeadlineState::OnTime, "revised on the 20th, before the 22nd");
        assert_eq!(d[2].due, Due::At(t.planned_start));
        assert_eq!(d[2].state, DeadlineState::Open);
        assert_eq!(d[3].due, Due::Day(date!(2027 - 03 - 15)));
        assert_eq!(d[4].due, Due::Day(date!(2027 - 03 - 15)));
        // Past the start with no approval: overdue; a late final plan is flagged, never refused.
        let late = Timeline { last_revised: datetime!(2027-03-01 02:00 UTC), ..t };
        let d = deadlines(&late, datetime!(2027-03-09 02:00 UTC), &c);
        assert_eq!(d[1].state, DeadlineState::Late);
        assert_eq!(d[2].state, DeadlineState::Overdue);
        // Implemented ending Friday 12 March, verified Monday 15: after-windows from there.
        let done = Timeline {
            approved: Some(datetime!(2027-03-01 02:00 UTC)),
            implemented: Some((datetime!(2027-03-22 02:00 UTC), datetime!(2027-03-12 09:00 UTC))),
            verified_on: Some(date!(2027 - 03 - 15)),
            ..t
        };
        let d = deadlines(&done, datetime!(2027-03-23 02:00 UTC), &c);
        assert_eq!(d[2].state, DeadlineState::OnTime);
        assert_eq!(d[3].due, Due::Day(date!(2027 - 03 - 19)));
        assert_eq!(d[3].state, DeadlineState::Late, "implementation reported the 22nd, due the 19th");
        assert_eq!(d[4].due, Due::Day(date!(2027 - 03 - 22)));
        assert_eq!(d[4].state, DeadlineState::Overdue, "no assessment by the 22nd");
    }

    #[test]
    fn adaptive_interruption_and_emergency_deadlines() {
        let c = cal();
        use DeadlineKind::*;
        // Adaptive: notified within 10 business days after it is done (National Day in between).
        let t = Timeline {
            planned_start: datetime!(2026-09-29 02:00 UTC),
            planned_end: datetime!(2026-09-29 10:00 UTC),
            first_submitted: datetime!(2026-10-14 02:00 UTC),
            last_revised: datetime!(2026-10-14 02:00 UTC),
            ..timeline(ChangeType::Adaptive)
        };
        let d = deadlines(&t, datetime!(2026-10-14 03:00 UTC), &c);
        assert_eq!(kinds(&d), vec![NoticeAfter, Assessment]);
        // 30 Sep; 8, 9, 10 (make-up Saturday), 12, 13, 14, 15, 16, 19 October.
        assert_eq!(d[0].due, Due::Day(date!(2026 - 10 - 19)));
        assert_eq!(d[0].state, DeadlineState::OnTime);
        // A planned interruption owes its notice 72 hours before.
        let i = Timeline { category: ChangeCategory::PlannedInterruption, ..t };
        let d = deadlines(&i, datetime!(2026-10-14 03:00 UTC), &c);
        assert_eq!(kinds(&d), vec![InterruptionNotice, NoticeAfter, Assessment]);
        assert_eq!(d[0].due, Due::At(datetime!(2026-09-26 02:00 UTC)));
        assert_eq!(d[0].state, DeadlineState::Late);
        // An emergency owes nothing before its start, and the windows after.
        let e = Timeline { emergency: true, ..timeline(ChangeType::Transformative) };
        let d = deadlines(&e, datetime!(2027-03-09 02:00 UTC), &c);
        assert_eq!(kinds(&d), vec![NoticeAfter, Assessment]);
    }

    #[test]
    fn acknowledgements_are_due_two_business_days_on() {
        let c = cal();
        // Submitted Friday 30 January 2026: Monday, Tuesday.
        assert_eq!(ack_due(datetime!(2026-01-30 02:00 UTC), &c), date!(2026 - 02 - 03));
        // Submitted Friday 13 February 2026: Saturday the 14th is worked, then the festival.
        assert_eq!(ack_due(datetime!(2026-02-13 02:00 UTC), &c), date!(2026 - 02 - 24));
        // Submitted 31 December 2026: across New Year 2027.
        assert_eq!(ack_due(datetime!(2026-12-31 02:00 UTC), &c), date!(2027 - 01 - 05));
    }

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn step(kind: StepKind, revision: i32, org: u128) -> StepFact {
        StepFact { kind, revision, organisation: id(org), with_text: false }
    }

    #[test]
    fn the_status_is_read_from_the_steps() {
        let audience = Audience { agencies: vec![id(1), id(2)], deciders: vec![id(10), id(20)] };
        let run = |steps: &[StepFact], revision: i32| {
            let p = progress(true, revision, &audience, steps);
            (status(steps, &p), p)
        };
        use StepKind::*;
        let sub = step(Submitted, 1, 99);
        let (st, p) = run(&[sub], 1);
        assert_eq!(st, NoticeStatus::InReview);
        assert_eq!((p.affected, p.acknowledged, p.percent()), (2, 0, 0));
        let (st, p) = run(&[sub, step(Acknowledged, 1, 1), step(Question, 1, 2)], 1);
        assert_eq!(st, NoticeStatus::RevisionRequested, "an agency's question awaits a revision");
        assert_eq!((p.acknowledged, p.questions, p.percent()), (1, 1, 50));
        // The revision answers it; the question no longer counts; acknowledgements stand.
        let steps = [sub, step(Acknowledged, 1, 1), step(Question, 1, 2), step(Revised, 2, 99), step(Acknowledged, 2, 2)];
        let (st, p) = run(&steps, 2);
        assert_eq!((st, p.acknowledged, p.percent()), (NoticeStatus::InReview, 2, 100), "all answered, decisions pending");
        let mut decided = steps.to_vec();
        decided.push(step(Approved, 2, 10));
        assert_eq!(run(&decided, 2).0, NoticeStatus::InReview);
        decided.push(step(Approved, 2, 20));
        let (st, p) = run(&decided, 2);
        assert_eq!(st, NoticeStatus::Cleared);
        assert!(p.all_approved());
        // Decisions are of one revision: a new revision is decided again.
        decided.push(step(Revised, 3, 99));
        let (st, p) = run(&decided, 3);
        assert_eq!((st, p.approved), (NoticeStatus::InReview, 0));
        // Any rejection: rejected; more information asked: awaiting a revision.
        assert_eq!(run(&[sub, step(Approved, 1, 10), step(Rejected, 1, 20)], 1).0, NoticeStatus::Rejected);
        assert_eq!(run(&[sub, step(InfoRequested, 1, 20)], 1).0, NoticeStatus::RevisionRequested);
        // An opt-out answers; concerns are counted.
        let mut concern = step(Acknowledged, 1, 1);
        concern.with_text = true;
        let p = progress(true, 1, &audience, &[sub, concern, step(OptedOut, 1, 2)]);
        assert_eq!((p.acknowledged, p.concerns, p.opted_out, p.percent()), (1, 1, 1, 100));
        // How far it went wins over the decisions; a final step over everything.
        let (st, _) = run(&[sub, step(Rejected, 1, 20), step(Implemented, 1, 99)], 1);
        assert_eq!(st, NoticeStatus::Implemented);
        assert_eq!(run(&[sub, step(Implemented, 1, 99), step(Assessed, 1, 99)], 1).0, NoticeStatus::Assessed);
        assert_eq!(run(&[sub, step(Implemented, 1, 99), step(Assessed, 1, 99), step(Closed, 1, 99)], 1).0, NoticeStatus::Closed);
        assert_eq!(run(&[sub, step(Cancelled, 1, 99)], 1).0, NoticeStatus::Cancelled);
        // Without approval, answering everyone clears it; an agency no longer affected is not counted.
        let p = progress(false, 1, &Audience { agencies: vec![id(1)], deciders: vec![id(10)] }, &[sub, step(Acknowledged, 1, 1), step(Question, 1, 2)]);
        assert_eq!((p.deciders, p.questions), (0, 0));
        assert_eq!(status(&[sub], &p), NoticeStatus::Cleared);
        assert!(has_answered(&[sub, step(Question, 1, 2), step(Acknowledged, 2, 2)], id(2)));
        assert!(!has_answered(&[sub, step(Question, 1, 2)], id(2)));
        assert_eq!(decision_on(&[step(Approved, 1, 10)], id(10), 2), None);
    }

    /// Every action in every status, for each party: the whole state machine.
    #[test]
    fn the_state_machine_allows_and_refuses_every_transition() {
        use Action as A;
        use NoticeStatus as St;
        use Refusal as R;
        let agency = Party::Agency { affected: true, answered: false };
        let decider = Party::Regulator { decider: true, decided: false };
        let sit = |status| Situation { status, requires_approval: true, emergency: false, opt_out_offered: true, all_approved: false };
        let open = [St::InReview, St::RevisionRequested, St::Rejected, St::Cleared];
        let done = [St::Implemented, St::Assessed];
        // The final statuses refuse everything, to everyone.
        for st in [St::Closed, St::Cancelled] {
            for a in A::ALL {
                for p in [Party::Csp, agency, decider] {
                    let r = check(*a, p, &sit(st));
                    assert!(r == Err(R::Final) || r == Err(R::WrongParty), "{a:?} by {p:?} in {st:?}: {r:?}");
                }
            }
        }
        // Each action belongs to one party.
        for a in A::ALL {
            let owners: Vec<Party> = [Party::Csp, agency, decider].into_iter().filter(|p| check(*a, *p, &sit(St::InReview)) != Err(R::WrongParty)).collect();
            assert_eq!(owners.len(), 1, "{a:?}: {owners:?}");
        }
        for st in open {
            let s = sit(st);
            assert_eq!(check(A::Revise, Party::Csp, &s), Ok(()), "{st:?}");
            assert_eq!(check(A::Cancel, Party::Csp, &s), Ok(()));
            assert_eq!(check(A::Acknowledge, agency, &s), Ok(()));
            assert_eq!(check(A::OptOut, agency, &s), Ok(()));
            assert_eq!(check(A::Ask, agency, &s), Ok(()));
            for a in [A::Approve, A::Reject, A::RequestInfo] {
                assert_eq!(check(a, decider, &s), Ok(()));
                assert_eq!(check(a, Party::Regulator { decider: false, decided: false }, &s), Err(R::NotDecider));
                assert_eq!(check(a, Party::Regulator { decider: true, decided: true }, &s), Err(R::AlreadyDecided));
                assert_eq!(check(a, decider, &Situation { requires_approval: false, ..s }), Err(R::NoApprovalNeeded));
            }
            assert_eq!(check(A::Implement, Party::Csp, &s), Err(R::NeedsApproval));
            assert_eq!(check(A::Implement, Party::Csp, &Situation { all_approved: true, ..s }), Ok(()));
            assert_eq!(check(A::Implement, Party::Csp, &Situation { emergency: true, ..s }), Ok(()), "an emergency is approved afterwards");
            assert_eq!(check(A::Implement, Party::Csp, &Situation { requires_approval: false, ..s }), Ok(()));
            assert_eq!(check(A::Assess, Party::Csp, &s), Err(R::NotImplemented));
            assert_eq!(check(A::Close, Party::Csp, &s), Err(R::NotImplemented));
            assert_eq!(check(A::Acknowledge, Party::Agency { affected: false, answered: false }, &s), Err(R::NotAffected));
            assert_eq!(check(A::Acknowledge, Party::Agency { affected: true, answered: true }, &s), Err(R::AlreadyAnswered));
            assert_eq!(check(A::OptOut, Party::Agency { affected: true, answered: true }, &s), Err(R::AlreadyAnswered));
            assert_eq!(check(A::Ask, Party::Agency { affected: true, answered: true }, &s), Err(R::AlreadyAnswered));
            assert_eq!(check(A::OptOut, agency, &Situation { opt_out_offered: false, ..s }), Err(R::OptOutNotOffered));
        }
        for st in done {
            let s = sit(st);
            assert_eq!(check(A::Revise, Party::Csp, &s), Err(R::AfterImplementation), "{st:?}");
            assert_eq!(check(A::Revise, Party::Csp, &Situation { emergency: true, ..s }), Ok(()), "an emergency is completed afterwards");
            assert_eq!(check(A::Cancel, Party::Csp, &s), Err(R::AfterImplementation));
            assert_eq!(check(A::Implement, Party::Csp, &s), Err(R::AlreadyImplemented));
            assert_eq!(check(A::Assess, Party::Csp, &s), Ok(()), "a later assessment replaces the first");
            assert_eq!(check(A::Acknowledge, agency, &s), Ok(()), "an acknowledgement is never too late");
            assert_eq!(check(A::OptOut, agency, &s), Err(R::AfterImplementation));
            assert_eq!(check(A::Ask, agency, &s), Err(R::AfterImplementation));
            assert_eq!(check(A::Approve, decider, &s), Err(R::AfterImplementation));
            assert_eq!(check(A::Approve, decider, &Situation { emergency: true, ..s }), Ok(()));
        }
        assert_eq!(check(A::Close, Party::Csp, &sit(St::Implemented)), Err(R::NoAssessment));
        assert_eq!(check(A::Close, Party::Csp, &sit(St::Assessed)), Ok(()));
        assert_eq!(step_of(A::Ask), StepKind::Question);
        assert!(text_required(A::Reject) && text_required(A::Cancel) && !text_required(A::Acknowledge));
    }

    #[test]
    fn a_calendar_month_is_read_from_its_address_or_refused() {
        use time::macros::date;
        for (text, want) in [
            ("2026-02", Some(date!(2026 - 02 - 01))),
            (" 2027-12 ", Some(date!(2027 - 12 - 01))),
            ("2000-01", Some(date!(2000 - 01 - 01))),
            ("2026-13", None),
            ("2026-00", None),
            ("2026-1", None),
            ("1999-12", None),
            ("2101-01", None),
            ("+202-01", None),
            ("2026-+1", None),
            ("", None),
            ("next", None),
        ] {
            assert_eq!(month_start(text), want, "{text:?}");
        }
    }
}
