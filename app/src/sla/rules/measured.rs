//! The terms that records and measured entries judge, not outage minutes: a timed obligation
//! (a fault's response, an emergency's report) against its limit, the backup schedule over its
//! periods, the retention a check found, and trainings a year. Plain Rust over dates and seconds.
use jiff::ToSpan;
use time::Date;

use super::{civil_of, date_of, Amount, Unit};

/// How one timed obligation stands at `now`: done within its limit or after it, or not done yet
/// (awaiting while the limit runs, overdue once it passed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timed {
    OnTime,
    Late,
    Awaiting,
    Overdue,
}

/// An obligation started at `start` (Unix seconds), done at `done`, due within `limit` seconds.
pub fn timed(start: i64, done: Option<i64>, limit: i64, now: i64) -> Timed {
    match done {
        Some(d) if d - start <= limit => Timed::OnTime,
        Some(_) => Timed::Late,
        None if now - start <= limit => Timed::Awaiting,
        None => Timed::Overdue,
    }
}

/// Timed obligations counted: met while none is late or overdue.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Delays {
    pub on_time: u32,
    pub late: u32,
    pub awaiting: u32,
    pub overdue: u32,
    /// The longest delay of those done, in seconds.
    pub worst: Option<i64>,
}

impl Delays {
    pub fn add(&mut self, start: i64, done: Option<i64>, limit: i64, now: i64) {
        match timed(start, done, limit, now) {
            Timed::OnTime => self.on_time += 1,
            Timed::Late => self.late += 1,
            Timed::Awaiting => self.awaiting += 1,
            Timed::Overdue => self.overdue += 1,
        }
        if let Some(d) = done {
            self.worst = Some(self.worst.map_or(d - start, |w| w.max(d - start)));
        }
    }

    pub fn met(&self) -> bool {
        self.late == 0 && self.overdue == 0
    }

    pub fn total(&self) -> u32 {
        self.on_time + self.late + self.awaiting + self.overdue
    }
}

/// The period of `unit` holding `day`: `[start, end)`; weeks run Monday to Sunday.
pub fn period_of(unit: Unit, day: Date) -> (Date, Date) {
    match unit {
        Unit::Day => (day, day.next_day().unwrap_or(day)),
        Unit::Week => {
            let start = day - time::Duration::days(i64::from(day.weekday().number_days_from_monday()));
            (start, start + time::Duration::days(7))
        }
        Unit::Month => {
            let start = day.replace_day(1).unwrap_or(day);
            let c = civil_of(start);
            (start, c.checked_add(1.month()).map(date_of).unwrap_or(start))
        }
    }
}

/// The backup schedule over a span of days.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Schedule {
    /// Periods judged: ended, and wholly within the SLA.
    pub periods: u32,
    pub met: u32,
    /// The periods with fewer successful runs than agreed, `[start, end)`, oldest first.
    pub missed: Vec<(Date, Date)>,
    /// Runs recorded in the span, and those that failed.
    pub runs: u32,
    pub failed: u32,
}

/// Judges `every` (n successful runs a period) over the periods that end within `[from, until)`
/// (a week is judged in the month of its Sunday), counting runs over each whole period. A period
/// is judged once it has ended (`today` is past it) and only when the SLA was in force all of it
/// (`in_force`, `[first, end)` days): a period cut by the SLA's start or end is left unjudged.
pub fn schedule(every: Amount, runs: &[(Date, bool)], span: (Date, Date), in_force: (Date, Date), today: Date) -> Schedule {
    let (from, until) = span;
    let mut out = Schedule::default();
    for (day, passed) in runs {
        if *day >= from && *day < until {
            out.runs += 1;
            out.failed += u32::from(!passed);
        }
    }
    let Some(last) = until.previous_day() else { return out };
    if last < from {
        return out;
    }
    let mut p = period_of(every.unit, from);
    if p.1 <= from {
        return out;
    }
    // Periods ending within the span: the first is the one holding `from` unless it ends before.
    while p.1.previous_day().is_some_and(|l| l <= last) {
        let (start, end) = p;
        if end.previous_day().is_some_and(|l| l >= from) && start >= in_force.0 && end <= in_force.1 && end <= today {
            let good = runs.iter().filter(|(d, ok)| *ok && *d >= start && *d < end).count();
            out.periods += 1;
            if good >= usize::from(every.n) {
                out.met += 1;
            } else {
                out.missed.push((start, end));
            }
        }
        let next = period_of(every.unit, end);
        if next.0 <= start {
            break;
        }
        p = next;
    }
    out
}

/// The oldest day a retention of `kept` requires on hand when checked on `on`: `n` days, weeks or
/// calendar months before it (a month's end clamps: 31 March less one month is 28 or 29 February).
pub fn required_oldest(on: Date, kept: Amount) -> Date {
    let n = i64::from(kept.n);
    let c = civil_of(on);
    let back = match kept.unit {
        Unit::Day => c.checked_sub(n.days()),
        Unit::Week => c.checked_sub((7 * n).days()),
        Unit::Month => c.checked_sub(n.months()),
    };
    back.map(date_of).unwrap_or(Date::MIN)
}

/// Whether a check on `on` that found the oldest backup or log from `oldest` shows `kept` held.
pub fn retention_kept(on: Date, oldest: Date, kept: Amount) -> bool {
    oldest <= required_oldest(on, kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_timed_obligation_is_on_time_at_its_limit_and_overdue_past_it() {
        let cases = [
            (Some(600), 600, 1000, Timed::OnTime),
            (Some(601), 600, 1000, Timed::Late),
            (None, 600, 600, Timed::Awaiting),
            (None, 600, 601, Timed::Overdue),
        ];
        for (done, limit, now, want) in cases {
            assert_eq!(timed(0, done, limit, now), want, "{done:?} {limit} {now}");
        }
        let mut d = Delays::default();
        d.add(0, Some(100), 600, 1000);
        d.add(0, Some(900), 600, 1000);
        d.add(500, None, 600, 1000);
        assert_eq!((d.on_time, d.late, d.awaiting, d.worst, d.met(), d.total()), (1, 1, 1, Some(900), false, 3));
    }

    #[test]
    fn periods_are_days_monday_weeks_and_calendar_months() {
        assert_eq!(period_of(Unit::Day, date!(2026 - 02 - 28)), (date!(2026 - 02 - 28), date!(2026 - 03 - 01)));
        // 2026-12-06 is a Sunday.
        assert_eq!(period_of(Unit::Week, date!(2026 - 12 - 06)), (date!(2026 - 11 - 30), date!(2026 - 12 - 07)));
        assert_eq!(period_of(Unit::Week, date!(2026 - 11 - 30)), (date!(2026 - 11 - 30), date!(2026 - 12 - 07)));
        assert_eq!(period_of(Unit::Month, date!(2024 - 02 - 17)), (date!(2024 - 02 - 01), date!(2024 - 03 - 01)));
        assert_eq!(period_of(Unit::Month, date!(2026 - 12 - 31)), (date!(2026 - 12 - 01), date!(2027 - 01 - 01)));
    }

    fn daily(days: std::ops::Range<u8>, month: time::Month) -> Vec<(Date, bool)> {
        days.map(|d| (Date::from_calendar_date(2026, month, d).unwrap(), true)).collect()
    }

    #[test]
    fn a_daily_schedule_judges_each_ended_day_of_the_sla() {
        let every = Amount { n: 1, unit: Unit::Day };
        let nov = (date!(2026 - 11 - 01), date!(2026 - 12 - 01));
        let always = (date!(2020 - 01 - 01), date!(2030 - 01 - 01));
        // Every day but the 10th and the 20th, which failed.
        let mut runs: Vec<(Date, bool)> = daily(1..31, time::Month::November).into_iter().filter(|(d, _)| d.day() != 10).collect();
        runs.retain(|(d, _)| d.day() != 20);
        runs.push((date!(2026 - 11 - 20), false));
        let s = schedule(every, &runs, nov, always, date!(2026 - 12 - 06));
        assert_eq!((s.periods, s.met, s.runs, s.failed), (30, 28, 29, 1));
        assert_eq!(s.missed, [(date!(2026 - 11 - 10), date!(2026 - 11 - 11)), (date!(2026 - 11 - 20), date!(2026 - 11 - 21))]);
        // A month in progress judges only the days already over.
        let dec = (date!(2026 - 12 - 01), date!(2027 - 01 - 01));
        let s = schedule(every, &daily(1..6, time::Month::December), dec, always, date!(2026 - 12 - 06));
        assert_eq!((s.periods, s.met), (5, 5));
        // The SLA started on the 15th: the days before are not judged.
        let s = schedule(every, &daily(15..31, time::Month::November), nov, (date!(2026 - 11 - 15), date!(2030 - 01 - 01)), date!(2026 - 12 - 06));
        assert_eq!((s.periods, s.met), (16, 16));
        // Twice a day: one run is a miss.
        let s = schedule(Amount { n: 2, unit: Unit::Day }, &daily(1..31, time::Month::November), nov, always, date!(2026 - 12 - 06));
        assert_eq!((s.periods, s.met, s.missed.len()), (30, 0, 30));
    }

    #[test]
    fn a_weekly_schedule_judges_each_week_in_the_month_of_its_sunday_and_a_monthly_one_its_month() {
        let always = (date!(2020 - 01 - 01), date!(2030 - 01 - 01));
        let weekly = Amount { n: 1, unit: Unit::Week };
        // November 2026: Sundays on the 1st, 8th, 15th, 22nd and 29th; the week of the 1st began
        // on 26 October, when its one run was made.
        let runs = [(date!(2026 - 10 - 27), true), (date!(2026 - 11 - 03), true), (date!(2026 - 11 - 12), true), (date!(2026 - 11 - 25), true)];
        let s = schedule(weekly, &runs, (date!(2026 - 11 - 01), date!(2026 - 12 - 01)), always, date!(2026 - 12 - 06));
        assert_eq!((s.periods, s.met, s.runs), (5, 4, 3));
        assert_eq!(s.missed, [(date!(2026 - 11 - 16), date!(2026 - 11 - 23))]);
        // The week of 30 November ends on 6 December: judged in December, not November.
        let s = schedule(weekly, &[], (date!(2026 - 12 - 01), date!(2027 - 01 - 01)), always, date!(2026 - 12 - 07));
        assert_eq!((s.periods, s.missed.len()), (1, 1));
        let monthly = Amount { n: 1, unit: Unit::Month };
        let feb = (date!(2028 - 02 - 01), date!(2028 - 03 - 01));
        assert_eq!(schedule(monthly, &[(date!(2028 - 02 - 29), true)], feb, always, date!(2028 - 03 - 01)).met, 1);
        // Still February: not judged yet.
        assert_eq!(schedule(monthly, &[], feb, always, date!(2028 - 02 - 29)).periods, 0);
    }

    #[test]
    fn retention_reaches_back_whole_days_weeks_or_calendar_months() {
        let thirty = Amount { n: 30, unit: Unit::Day };
        assert_eq!(required_oldest(date!(2026 - 03 - 31), thirty), date!(2026 - 03 - 01));
        assert!(retention_kept(date!(2026 - 03 - 31), date!(2026 - 03 - 01), thirty));
        assert!(!retention_kept(date!(2026 - 03 - 31), date!(2026 - 03 - 02), thirty));
        assert_eq!(required_oldest(date!(2026 - 03 - 31), Amount { n: 2, unit: Unit::Week }), date!(2026 - 03 - 17));
        let six_months = Amount { n: 6, unit: Unit::Month };
        assert_eq!(required_oldest(date!(2026 - 08 - 31), six_months), date!(2026 - 02 - 28));
        assert_eq!(required_oldest(date!(2028 - 08 - 31), six_months), date!(2028 - 02 - 29));
        assert!(retention_kept(date!(2026 - 12 - 06), date!(2026 - 06 - 06), six_months));
        assert!(!retention_kept(date!(2026 - 12 - 06), date!(2026 - 06 - 07), six_months));
    }
}
