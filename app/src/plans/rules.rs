//! Emergency response's rules over plain values: when each drill category is next due, when a
//! plan's review falls, how long an incident took to reach the CSP and the regulator against its
//! level's deadline, the order its milestones must keep, its state machine, the status reports it
//! missed, the follow-up actions past their date, and the section-by-section diff of two versions.
use std::collections::BTreeMap;

use time::{Date, Duration, Month, OffsetDateTime};

use super::{Category, DrillCategory, DueState, IncidentStatus, Level, Milestone, Section, SectionDiff, Sections, Transition};

/// Every typical category is drilled at least once every two years (§8.5b).
pub const DRILL_EVERY_MONTHS: u32 = 24;
/// Restore drills: the agency's interval, quarterly unless it says otherwise (§7.3.7 a2).
pub const DEFAULT_RESTORE_EVERY_MONTHS: u32 = 3;
/// A drill or a review due within this many days is flagged as due soon.
pub const DUE_SOON_DAYS: i64 = 60;
/// A plan is reviewed once a year unless its owner sets another interval.
pub const DEFAULT_REVIEW_MONTHS: u32 = 12;
/// The longest interval a plan's review or a restore drill may be given, in months.
pub const MAX_INTERVAL_MONTHS: u32 = 60;

/// `months` after `d`, on the same day of the month or the month's last day when it has fewer
/// (29 February plus a year is 28 February).
pub fn add_months(d: Date, months: u32) -> Date {
    let index = d.year() * 12 + (u8::from(d.month()) as i32 - 1) + months as i32;
    let (year, month0) = (index.div_euclid(12), index.rem_euclid(12));
    let month = Month::try_from(month0 as u8 + 1).unwrap_or(Month::December);
    let day = d.day().min(time::util::days_in_month(month, year));
    Date::from_calendar_date(year, month, day).unwrap_or(Date::MAX)
}

/// Whether a date-bound duty is on time on `today`.
pub fn due_state(next_due: Option<Date>, today: Date) -> DueState {
    match next_due {
        None => DueState::Never,
        Some(due) if today > due => DueState::Overdue,
        Some(due) if (due - today).whole_days() <= DUE_SOON_DAYS => DueState::DueSoon,
        Some(_) => DueState::Current,
    }
}

/// One drill category of one agency: the last drill, when the next is due, and whether it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DrillDue {
    pub category: DrillCategory,
    pub last: Option<Date>,
    pub next_due: Option<Date>,
    pub state: DueState,
}

/// The interval a category is drilled at: two years, or the agency's restore interval.
pub fn drill_interval_months(category: DrillCategory, restore_every_months: u32) -> u32 {
    match category {
        DrillCategory::BackupRestore => restore_every_months.clamp(1, MAX_INTERVAL_MONTHS),
        _ => DRILL_EVERY_MONTHS,
    }
}

/// When `category` is next due given its last drill (never drilled: due already).
pub fn drill_due(category: DrillCategory, last: Option<Date>, restore_every_months: u32, today: Date) -> DrillDue {
    let next_due = last.map(|d| add_months(d, drill_interval_months(category, restore_every_months)));
    DrillDue { category, last, next_due, state: due_state(next_due, today) }
}

/// Every category's due date for an agency, from the drills it held (date and category; any
/// order, future dates ignored).
pub fn drill_grid(held: &[(Date, DrillCategory)], restore_every_months: u32, today: Date) -> Vec<DrillDue> {
    let mut last: BTreeMap<DrillCategory, Date> = BTreeMap::new();
    for (day, category) in held {
        if *day <= today && last.get(category).is_none_or(|d| d < day) {
            last.insert(*category, *day);
        }
    }
    DrillCategory::ALL.iter().map(|c| drill_due(*c, last.get(c).copied(), restore_every_months, today)).collect()
}

/// When an approved plan's review falls, and whether it is due.
pub fn review_due(approved_on: Option<Date>, review_months: u32, today: Date) -> (Option<Date>, DueState) {
    let next = approved_on.map(|d| add_months(d, review_months.clamp(1, MAX_INTERVAL_MONTHS)));
    (next, due_state(next, today))
}

/// How long the level allows from detection to reporting (to the CSP and to the regulator):
/// an hour for the three upper levels, as the national incident-reporting measures ask of
/// major incidents; a day for level IV.
pub fn report_deadline(level: Level) -> Duration {
    match level {
        Level::I | Level::II | Level::III => Duration::minutes(60),
        Level::IV => Duration::hours(24),
    }
}

/// The deadline for the report between the agency and its CSP: the level's, or the SLA's
/// "emergency report within N minutes" when that is shorter.
pub fn csp_deadline(level: Level, sla_minutes: Option<u32>) -> Duration {
    let by_level = report_deadline(level);
    match sla_minutes {
        Some(m) if Duration::minutes(i64::from(m)) < by_level => Duration::minutes(i64::from(m)),
        _ => by_level,
    }
}

/// How often someone must report on an incident until it is contained.
pub fn status_cadence(level: Level) -> Duration {
    match level {
        Level::I => Duration::hours(1),
        Level::II => Duration::hours(2),
        Level::III => Duration::hours(4),
        Level::IV => Duration::hours(24),
    }
}

/// When the next reminder of a status report is due: a cadence after the latest of the last
/// report (before any, the detection) and the last reminder, so each missed report is reminded
/// once and a report written puts the next reminder a full cadence away.
pub fn status_reminder_due(
    since: OffsetDateTime,
    last_report: Option<OffsetDateTime>,
    last_reminder: Option<OffsetDateTime>,
    cadence: Duration,
) -> OffsetDateTime {
    [Some(since), last_report, last_reminder].into_iter().flatten().max().unwrap_or(since) + cadence
}

/// The hour, on the portal's wall clock, from which a week's digest goes out on its Monday.
pub const DIGEST_HOUR: u8 = 8;

/// The week whose digest is due at the wall-clock time `at`: its Monday, once that Monday's
/// [`DIGEST_HOUR`] has come (a Monday before then still belongs to the week before).
pub fn digest_week(at: time::PrimitiveDateTime) -> Date {
    let monday = at.date() - Duration::days(at.weekday().number_days_from_monday() as i64);
    if at.date() == monday && at.hour() < DIGEST_HOUR {
        monday - Duration::days(7)
    } else {
        monday
    }
}

/// Whether opening an incident of this level mails the regulator and the CSP at once.
pub fn alerts_at_once(level: Level) -> bool {
    matches!(level, Level::I | Level::II)
}

/// Whether the police must be told: major incidents, and any suspected crime (§7.3.7 a3).
pub fn police_required(level: Level, suspected_crime: bool) -> bool {
    suspected_crime || matches!(level, Level::I | Level::II)
}

/// One report's timing against its deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportTiming {
    /// Nothing to measure from: the detection is not recorded.
    NotDetected,
    /// Not reported yet: due at `due`, which may have passed.
    Pending { due: OffsetDateTime, overdue: bool },
    /// Reported `minutes` after detection; late when past the deadline.
    Reported { minutes: i64, late: bool },
}

impl ReportTiming {
    /// A breach: reported late, or not reported and past due.
    pub fn breached(self) -> bool {
        matches!(self, ReportTiming::Pending { overdue: true, .. } | ReportTiming::Reported { late: true, .. })
    }
}

pub fn report_timing(
    detected: Option<OffsetDateTime>,
    reported: Option<OffsetDateTime>,
    deadline: Duration,
    now: OffsetDateTime,
) -> ReportTiming {
    let Some(detected) = detected else {
        return ReportTiming::NotDetected;
    };
    match reported {
        Some(at) => {
            let took = at - detected;
            ReportTiming::Reported { minutes: took.whole_minutes(), late: took > deadline }
        }
        None => ReportTiming::Pending { due: detected + deadline, overdue: now > detected + deadline },
    }
}

/// Why a milestone's time cannot stand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MilestoneError {
    /// It lies in the future.
    InFuture,
    /// It comes before `0`, which must precede it.
    Before(Milestone),
}

/// Which milestones must come no later than which: (earlier, later).
pub const ORDER: &[(Milestone, Milestone)] = {
    use Milestone::*;
    &[
        (Occurred, Detected),
        (Occurred, ReportedCsp),
        (Occurred, ReportedLeaders),
        (Occurred, ReportedRegulator),
        (Occurred, ReportedPolice),
        (Occurred, Contained),
        (Detected, ReportedCsp),
        (Detected, ReportedLeaders),
        (Detected, ReportedRegulator),
        (Detected, ReportedPolice),
        (Detected, Contained),
        (Detected, Resolved),
        (Contained, Resolved),
        (Resolved, Closed),
    ]
};

/// Checks an incident's milestones (their current values) against each other and `now`; the
/// first wrong one is named with why.
pub fn check_milestones(
    at: &BTreeMap<Milestone, OffsetDateTime>,
    now: OffsetDateTime,
) -> Result<(), (Milestone, MilestoneError)> {
    for m in Milestone::ALL {
        if at.get(m).is_some_and(|t| *t > now) {
            return Err((*m, MilestoneError::InFuture));
        }
    }
    for (earlier, later) in ORDER {
        if let (Some(a), Some(b)) = (at.get(earlier), at.get(later)) {
            if b < a {
                return Err((*later, MilestoneError::Before(*earlier)));
            }
        }
    }
    Ok(())
}

/// The status a transition leads to from `from`, or none when it is refused.
pub fn next_status(from: IncidentStatus, t: Transition) -> Option<IncidentStatus> {
    use IncidentStatus as S;
    use Transition as T;
    match (from, t) {
        (S::Open, T::Contain) => Some(S::Contained),
        (S::Open | S::Contained, T::Resolve) => Some(S::Resolved),
        (S::Contained | S::Resolved, T::Reopen) => Some(S::Open),
        (S::Resolved, T::Close) => Some(S::Closed),
        _ => None,
    }
}

/// The milestone a transition records (reopening records none: the times stay as they were).
pub fn milestone_of(t: Transition) -> Option<Milestone> {
    match t {
        Transition::Contain => Some(Milestone::Contained),
        Transition::Resolve => Some(Milestone::Resolved),
        Transition::Close => Some(Milestone::Closed),
        Transition::Reopen => None,
    }
}

/// The moments status reports were due on an incident (every `cadence` from `since`, up to
/// `until` — its containment, or now) for which none was written in the cadence before: their
/// count, and the first `limit` of them. The work follows the reports written, not the moments
/// due (a level I incident open for a year has 8,760 of those): a report covers the one due
/// moment it precedes within a cadence, so the missed are the due moments less those covered.
pub fn missed_status_reports(
    since: OffsetDateTime,
    until: OffsetDateTime,
    cadence: Duration,
    reports: &[OffsetDateTime],
    limit: usize,
) -> (usize, Vec<OffsetDateTime>) {
    if cadence <= Duration::ZERO || until < since + cadence {
        return (0, Vec::new());
    }
    let step = cadence.whole_seconds().max(1);
    let due_count = ((until - since).whole_seconds() / step) as usize;
    // The index (1-based) of the due moment a report covers: the first at or after it.
    let mut covered: Vec<usize> = reports
        .iter()
        .filter(|t| **t > since)
        .map(|t| {
            let secs = (*t - since).whole_seconds();
            (secs + step - 1).div_euclid(step) as usize
        })
        .filter(|k| *k >= 1 && *k <= due_count)
        .collect();
    covered.sort_unstable();
    covered.dedup();
    let mut missed = Vec::new();
    let mut next_covered = covered.iter().peekable();
    let mut k = 1;
    while missed.len() < limit && k <= due_count {
        if next_covered.peek() == Some(&&k) {
            next_covered.next();
        } else {
            missed.push(since + Duration::seconds(step * k as i64));
        }
        k += 1;
    }
    (due_count - covered.len(), missed)
}

/// Whether a follow-up action is past its date on `today`.
pub fn action_overdue(due_on: Date, closed: bool, today: Date) -> bool {
    !closed && today > due_on
}

/// A version's sections against the version before, line by line.
pub fn diff_sections(before: &Sections, after: &Sections) -> Vec<SectionDiff> {
    Section::ALL
        .iter()
        .map(|s| {
            let (old, new) = (before.get(*s), after.get(*s));
            SectionDiff { section: *s, changed: old != new, lines: crate::domain::textdiff::diff_lines(old, new) }
        })
        .collect()
}

/// The drill category that exercises an incident category.
pub fn drill_category_of(c: Category) -> DrillCategory {
    DrillCategory::parse(c.code()).unwrap_or(DrillCategory::Other)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::LineChange;
    use time::macros::{date, datetime};

    #[test]
    fn months_are_added_to_the_calendar_clamping_at_the_month_end() {
        let cases = [
            (date!(2024 - 02 - 29), 24, date!(2026 - 02 - 28)),
            (date!(2024 - 02 - 29), 48, date!(2028 - 02 - 29)),
            (date!(2024 - 02 - 29), 12, date!(2025 - 02 - 28)),
            (date!(2025 - 01 - 31), 1, date!(2025 - 02 - 28)),
            (date!(2024 - 01 - 31), 1, date!(2024 - 02 - 29)),
            (date!(2025 - 11 - 30), 3, date!(2026 - 02 - 28)),
            (date!(2025 - 12 - 15), 1, date!(2026 - 01 - 15)),
            (date!(2025 - 03 - 31), 3, date!(2025 - 06 - 30)),
            (date!(2025 - 05 - 10), 0, date!(2025 - 05 - 10)),
        ];
        for (from, months, want) in cases {
            assert_eq!(add_months(from, months), want, "{from} + {months} months");
        }
    }

    #[test]
    fn drills_fall_due_two_years_on_and_restores_on_the_agencys_interval() {
        use DrillCategory as D;
        let today = date!(2026 - 12 - 06);
        // (category, last drill, restore interval, next due, state)
        type Case = (D, Option<Date>, u32, Option<Date>, DueState);
        let cases: &[Case] = &[
            (D::NetworkAttack, None, 3, None, DueState::Never),
            (D::NetworkAttack, Some(date!(2024 - 12 - 06)), 3, Some(date!(2026 - 12 - 06)), DueState::DueSoon),
            (D::NetworkAttack, Some(date!(2024 - 12 - 05)), 3, Some(date!(2026 - 12 - 05)), DueState::Overdue),
            (D::NetworkAttack, Some(date!(2025 - 02 - 04)), 3, Some(date!(2027 - 02 - 04)), DueState::DueSoon),
            (D::NetworkAttack, Some(date!(2025 - 02 - 05)), 3, Some(date!(2027 - 02 - 05)), DueState::Current),
            (D::Disaster, Some(date!(2024 - 02 - 29)), 3, Some(date!(2026 - 02 - 28)), DueState::Overdue),
            (D::BackupRestore, Some(date!(2026 - 09 - 06)), 3, Some(date!(2026 - 12 - 06)), DueState::DueSoon),
            (D::BackupRestore, Some(date!(2026 - 09 - 05)), 3, Some(date!(2026 - 12 - 05)), DueState::Overdue),
            (D::BackupRestore, Some(date!(2026 - 09 - 05)), 6, Some(date!(2027 - 03 - 05)), DueState::Current),
            (D::BackupRestore, Some(date!(2026 - 11 - 30)), 0, Some(date!(2026 - 12 - 30)), DueState::DueSoon),
        ];
        for (category, last, restore, next, state) in cases {
            let due = drill_due(*category, *last, *restore, today);
            assert_eq!((due.next_due, due.state), (*next, *state), "{category:?} last {last:?} every {restore}");
        }
    }

    #[test]
    fn the_grid_takes_each_categorys_latest_past_drill() {
        use DrillCategory as D;
        let today = date!(2026 - 12 - 06);
        let held = [
            (date!(2023 - 05 - 01), D::NetworkAttack),
            (date!(2025 - 05 - 01), D::NetworkAttack),
            (date!(2024 - 01 - 01), D::NetworkAttack),
            (date!(2027 - 01 - 01), D::Disaster),
            (date!(2026 - 10 - 01), D::BackupRestore),
        ];
        let grid = drill_grid(&held, 3, today);
        assert_eq!(grid.len(), D::ALL.len());
        let of = |c: D| grid.iter().find(|g| g.category == c).copied().unwrap_or_else(|| panic!("{c:?}"));
        assert_eq!(of(D::NetworkAttack).last, Some(date!(2025 - 05 - 01)));
        assert_eq!(of(D::NetworkAttack).state, DueState::Current);
        assert_eq!(of(D::Disaster).last, None, "a drill dated in the future does not count");
        assert_eq!(of(D::Disaster).state, DueState::Never);
        assert_eq!(of(D::BackupRestore).next_due, Some(date!(2027 - 01 - 01)));
        assert!(of(D::HarmfulProgram).state.is_overdue());
    }

    #[test]
    fn reviews_fall_due_after_the_interval() {
        let today = date!(2026 - 12 - 06);
        assert_eq!(review_due(None, 12, today), (None, DueState::Never));
        assert_eq!(review_due(Some(date!(2025 - 12 - 05)), 12, today), (Some(date!(2026 - 12 - 05)), DueState::Overdue));
        assert_eq!(review_due(Some(date!(2026 - 01 - 10)), 12, today), (Some(date!(2027 - 01 - 10)), DueState::DueSoon));
        assert_eq!(review_due(Some(date!(2026 - 06 - 10)), 12, today), (Some(date!(2027 - 06 - 10)), DueState::Current));
        assert_eq!(review_due(Some(date!(2024 - 02 - 29)), 24, today).0, Some(date!(2026 - 02 - 28)));
    }

    #[test]
    fn reports_are_timed_from_detection_against_the_levels_deadline() {
        let detected = datetime!(2026-12-06 02:10 UTC);
        let now = datetime!(2026-12-06 05:00 UTC);
        let cases: &[(Level, Option<OffsetDateTime>, Option<u32>, ReportTiming)] = &[
            (Level::I, Some(datetime!(2026-12-06 03:10 UTC)), None, ReportTiming::Reported { minutes: 60, late: false }),
            (Level::I, Some(datetime!(2026-12-06 03:11 UTC)), None, ReportTiming::Reported { minutes: 61, late: true }),
            (Level::II, Some(datetime!(2026-12-06 02:40 UTC)), Some(30), ReportTiming::Reported { minutes: 30, late: false }),
            (Level::II, Some(datetime!(2026-12-06 02:41 UTC)), Some(30), ReportTiming::Reported { minutes: 31, late: true }),
            (Level::IV, Some(datetime!(2026-12-06 05:00 UTC)), None, ReportTiming::Reported { minutes: 170, late: false }),
            (Level::IV, Some(datetime!(2026-12-06 05:00 UTC)), Some(120), ReportTiming::Reported { minutes: 170, late: true }),
            (Level::III, Some(datetime!(2026-12-06 02:50 UTC)), Some(600), ReportTiming::Reported { minutes: 40, late: false }),
            (Level::III, None, None, ReportTiming::Pending { due: datetime!(2026-12-06 03:10 UTC), overdue: true }),
            (Level::IV, None, None, ReportTiming::Pending { due: datetime!(2026-12-07 02:10 UTC), overdue: false }),
        ];
        for (level, reported, sla, want) in cases {
            let got = report_timing(Some(detected), *reported, csp_deadline(*level, *sla), now);
            assert_eq!(got, *want, "{level:?} reported {reported:?} sla {sla:?}");
        }
        assert_eq!(report_timing(None, Some(now), report_deadline(Level::I), now), ReportTiming::NotDetected);
        assert!(!ReportTiming::NotDetected.breached());
        // Across a zone's midnight the minutes are the instants' difference, whatever the zone.
        let east = datetime!(2026-12-06 23:50 +08:00);
        let west = datetime!(2026-12-06 16:20 UTC);
        assert_eq!(report_timing(Some(east), Some(west), report_deadline(Level::I), now), ReportTiming::Reported { minutes: 30, late: false });
    }

    #[test]
    fn milestones_keep_their_order_and_stay_in_the_past() {
        use Milestone::*;
        let now = datetime!(2026-12-06 12:00 UTC);
        let at = |pairs: &[(Milestone, OffsetDateTime)]| pairs.iter().copied().collect::<BTreeMap<_, _>>();
        let t = |h: u8| datetime!(2026-12-06 00:00 UTC) + Duration::hours(i64::from(h));
        type Case<'a> = (&'a [(Milestone, OffsetDateTime)], Result<(), (Milestone, MilestoneError)>);
        let cases: &[Case] = &[
            (&[(Occurred, t(1)), (Detected, t(2)), (ReportedCsp, t(3)), (Contained, t(4)), (Resolved, t(5)), (Closed, t(6))], Ok(())),
            (&[(Detected, t(2)), (ReportedRegulator, t(2))], Ok(())),
            (&[(Detected, t(2)), (Resolved, t(1))], Err((Resolved, MilestoneError::Before(Detected)))),
            (&[(Occurred, t(3)), (ReportedCsp, t(2))], Err((ReportedCsp, MilestoneError::Before(Occurred)))),
            (&[(Occurred, t(3)), (Detected, t(2))], Err((Detected, MilestoneError::Before(Occurred)))),
            (&[(Detected, t(3)), (ReportedPolice, t(2))], Err((ReportedPolice, MilestoneError::Before(Detected)))),
            (&[(Contained, t(5)), (Resolved, t(4))], Err((Resolved, MilestoneError::Before(Contained)))),
            (&[(Resolved, t(5)), (Closed, t(4))], Err((Closed, MilestoneError::Before(Resolved)))),
            (&[(Detected, t(2)), (Contained, t(13))], Err((Contained, MilestoneError::InFuture))),
            (&[(Occurred, t(1)), (Resolved, t(3))], Ok(())),
        ];
        for (pairs, want) in cases {
            assert_eq!(check_milestones(&at(pairs), now), *want, "{pairs:?}");
        }
    }

    #[test]
    fn every_transition_of_the_incident_is_allowed_or_refused_as_intended() {
        use IncidentStatus as S;
        use Transition as T;
        let allowed = [
            (S::Open, T::Contain, S::Contained),
            (S::Open, T::Resolve, S::Resolved),
            (S::Contained, T::Resolve, S::Resolved),
            (S::Contained, T::Reopen, S::Open),
            (S::Resolved, T::Close, S::Closed),
            (S::Resolved, T::Reopen, S::Open),
        ];
        for from in S::ALL {
            for t in T::ALL {
                let want = allowed.iter().find(|(f, tt, _)| f == from && tt == t).map(|(_, _, to)| *to);
                assert_eq!(next_status(*from, *t), want, "{from:?} by {t:?}");
            }
        }
        assert_eq!(milestone_of(T::Reopen), None);
        assert_eq!(milestone_of(T::Close), Some(Milestone::Closed));
    }

    #[test]
    fn missed_status_reports_are_the_due_moments_without_one() {
        let since = datetime!(2026-12-06 00:00 UTC);
        let h = |n: i64| since + Duration::hours(n);
        let m = |n: i64| since + Duration::minutes(n);
        // Due at 1h, 2h, 3h, 4h; reports at 0:30 (for 1h) and 2:00 exactly (for 2h), 3:10 (for 4h).
        let (count, missed) = missed_status_reports(since, h(4), Duration::hours(1), &[m(30), h(2), m(190)], 10);
        assert_eq!((count, missed), (1, vec![h(3)]));
        // Until containment only: nothing is due after.
        assert_eq!(missed_status_reports(since, m(59), Duration::hours(1), &[], 10).0, 0);
        // A long-open incident is counted in full but lists only the first few.
        let (count, missed) = missed_status_reports(since, h(48), Duration::hours(1), &[], 3);
        assert_eq!((count, missed.len()), (48, 3));
        assert_eq!(missed_status_reports(since, h(4), Duration::ZERO, &[], 3).0, 0);
        // Two reports in one cadence cover one due moment; a report before the start covers none.
        let (count, missed) = missed_status_reports(since, h(3), Duration::hours(1), &[m(10), m(20), since - Duration::hours(1)], 5);
        assert_eq!((count, missed), (2, vec![h(2), h(3)]));
        // A year of a level I incident without a report: counted without walking every hour.
        assert_eq!(missed_status_reports(since, since + Duration::days(365), Duration::hours(1), &[], 0).0, 8760);
    }

    #[test]
    fn actions_are_overdue_when_open_past_their_date() {
        let today = date!(2026 - 12 - 06);
        assert!(action_overdue(date!(2026 - 12 - 05), false, today));
        assert!(!action_overdue(date!(2026 - 12 - 06), false, today));
        assert!(!action_overdue(date!(2026 - 12 - 05), true, today));
    }

    #[test]
    fn levels_say_who_is_told_at_once_and_when_the_police_are() {
        assert!(alerts_at_once(Level::I) && alerts_at_once(Level::II));
        assert!(!alerts_at_once(Level::III) && !alerts_at_once(Level::IV));
        assert!(police_required(Level::I, false));
        assert!(police_required(Level::IV, true));
        assert!(!police_required(Level::III, false));
        assert!(status_cadence(Level::I) < status_cadence(Level::II));
    }

    #[test]
    fn a_version_is_compared_section_by_section_line_by_line() {
        let before = Sections { general: "Scope: all websites.\nOwner: office.".into(), roles: "Lead: Zhang".into(), ..Default::default() };
        let after = Sections {
            general: "Scope: all websites.\nOwner: security office.".into(),
            roles: "Lead: Zhang".into(),
            safeguards: "Spare server".into(),
            ..Default::default()
        };
        let diff = diff_sections(&before, &after);
        assert_eq!(diff.len(), Section::ALL.len());
        let general = &diff[0];
        assert!(general.changed);
        assert_eq!(
            general.lines,
            vec![
                (LineChange::Same, "Scope: all websites.".to_string()),
                (LineChange::Removed, "Owner: office.".to_string()),
                (LineChange::Added, "Owner: security office.".to_string()),
            ]
        );
        assert!(!diff[1].changed);
        assert_eq!(diff[1].lines, vec![(LineChange::Same, "Lead: Zhang".to_string())]);
        let safeguards = diff.iter().find(|d| d.section == Section::Safeguards).map(|d| d.lines.clone());
        assert_eq!(safeguards, Some(vec![(LineChange::Added, "Spare server".to_string())]));
        assert!(diff_sections(&after, &after).iter().all(|d| !d.changed));
    }

    #[test]
    fn every_incident_category_has_its_drill_category() {
        for c in Category::ALL {
            assert_eq!(drill_category_of(*c).code(), c.code());
        }
    }

    #[test]
    fn a_status_reminder_follows_the_last_report_or_reminder() {
        let t0 = datetime!(2026-12-06 08:00 UTC);
        let h = Duration::hours(1);
        let cases: &[(Option<OffsetDateTime>, Option<OffsetDateTime>, Duration, OffsetDateTime)] = &[
            // Nothing yet: a cadence after the detection.
            (None, None, h, datetime!(2026-12-06 09:00 UTC)),
            // A report moves it a cadence past the report.
            (Some(datetime!(2026-12-06 08:40 UTC)), None, h, datetime!(2026-12-06 09:40 UTC)),
            // A reminder sent: the next one a cadence later, not at once again.
            (None, Some(datetime!(2026-12-06 09:05 UTC)), h, datetime!(2026-12-06 10:05 UTC)),
            // A report after the reminder wins.
            (Some(datetime!(2026-12-06 09:30 UTC)), Some(datetime!(2026-12-06 09:05 UTC)), h, datetime!(2026-12-06 10:30 UTC)),
            // A reminder after the report wins.
            (Some(datetime!(2026-12-06 08:10 UTC)), Some(datetime!(2026-12-06 09:20 UTC)), Duration::hours(4), datetime!(2026-12-06 13:20 UTC)),
            // A report dated before the detection counts from the detection.
            (Some(datetime!(2026-12-06 07:00 UTC)), None, Duration::hours(24), datetime!(2026-12-07 08:00 UTC)),
        ];
        for (report, reminder, cadence, due) in cases {
            assert_eq!(status_reminder_due(t0, *report, *reminder, *cadence), *due, "{report:?} {reminder:?}");
        }
    }

    #[test]
    fn a_weeks_digest_is_due_from_its_monday_morning() {
        let cases = [
            // Monday 2026-12-07: before eight, last week's; from eight, this week's.
            (datetime!(2026-12-07 07:59), date!(2026 - 11 - 30)),
            (datetime!(2026-12-07 08:00), date!(2026 - 12 - 07)),
            // Later in the week (and across a month's end): still that Monday's.
            (datetime!(2026-12-09 03:00), date!(2026 - 12 - 07)),
            (datetime!(2026-12-13 23:59), date!(2026 - 12 - 07)),
            (datetime!(2027-01-01 12:00), date!(2026 - 12 - 28)),
            // A leap day's week.
            (datetime!(2028-02-29 09:00), date!(2028 - 02 - 28)),
        ];
        for (at, monday) in cases {
            assert_eq!(digest_week(at), monday, "{at}");
        }
    }
}
