//! The working calendar lead times are counted in: Monday to Friday, less China's public holidays,
//! plus the weekend days worked in their place (调休上班). The portal seeds the State Council's
//! notices (2026 as published; 2027 provisional until its notice, from the statutory holidays on
//! that year's lunar dates) and the platform operator corrects them; these rules only count.
use std::collections::BTreeSet;

use time::{macros::date, Date, Duration, Weekday};

/// Holidays and make-up working days: everything else follows the week.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    /// Days off that would otherwise be working days (and holidays falling on weekends, harmless).
    pub holidays: BTreeSet<Date>,
    /// Weekend days worked in exchange for a holiday.
    pub workdays: BTreeSet<Date>,
}

/// The days a seeded year marks: `(day, true)` a holiday, `(day, false)` a make-up working day.
pub type Marked = (Date, bool);

/// Every day from `first` to `last`, inclusive.
fn span(first: Date, last: Date) -> impl Iterator<Item = Date> {
    std::iter::successors(Some(first), |d| d.next_day()).take_while(move |d| *d <= last)
}

/// 2026, as the State Council's notice of 4 November 2025 set it.
pub fn seed_2026() -> Vec<Marked> {
    let holidays = [
        (date!(2026 - 01 - 01), date!(2026 - 01 - 03)), // New Year
        (date!(2026 - 02 - 15), date!(2026 - 02 - 23)), // Spring Festival
        (date!(2026 - 04 - 04), date!(2026 - 04 - 06)), // Qingming
        (date!(2026 - 05 - 01), date!(2026 - 05 - 05)), // Labour Day
        (date!(2026 - 06 - 19), date!(2026 - 06 - 21)), // Dragon Boat
        (date!(2026 - 09 - 25), date!(2026 - 09 - 27)), // Mid-Autumn
        (date!(2026 - 10 - 01), date!(2026 - 10 - 07)), // National Day
    ];
    let workdays = [
        date!(2026 - 01 - 04),
        date!(2026 - 02 - 14),
        date!(2026 - 02 - 28),
        date!(2026 - 05 - 09),
        date!(2026 - 09 - 20),
        date!(2026 - 10 - 10),
    ];
    marked(&holidays, &workdays)
}

/// 2027, provisional: the statutory holidays (New Year 1 day, Spring Festival 4, Qingming 1,
/// Labour Day 2, Dragon Boat 1, Mid-Autumn 1, National Day 3) on their 2027 dates, joined to the
/// adjacent weekend where the usual pattern does, without make-up days. The platform operator
/// replaces it with the State Council's notice when it is published.
pub fn seed_2027_provisional() -> Vec<Marked> {
    let holidays = [
        (date!(2027 - 01 - 01), date!(2027 - 01 - 03)), // New Year (Friday, with the weekend)
        (date!(2027 - 02 - 05), date!(2027 - 02 - 10)), // Spring Festival: eve 5 Feb to the 4th day
        (date!(2027 - 04 - 03), date!(2027 - 04 - 05)), // Qingming (5 April, a Monday)
        (date!(2027 - 05 - 01), date!(2027 - 05 - 03)), // Labour Day
        (date!(2027 - 06 - 09), date!(2027 - 06 - 09)), // Dragon Boat (Wednesday)
        (date!(2027 - 09 - 15), date!(2027 - 09 - 15)), // Mid-Autumn (Wednesday)
        (date!(2027 - 10 - 01), date!(2027 - 10 - 07)), // National Day
    ];
    marked(&holidays, &[])
}

fn marked(holidays: &[(Date, Date)], workdays: &[Date]) -> Vec<Marked> {
    holidays
        .iter()
        .flat_map(|(a, b)| span(*a, *b))
        .map(|d| (d, true))
        .chain(workdays.iter().map(|d| (*d, false)))
        .collect()
}

impl WorkCalendar {
    pub fn from_marked(days: impl IntoIterator<Item = Marked>) -> WorkCalendar {
        let mut c = WorkCalendar::default();
        for (d, holiday) in days {
            if holiday {
                c.workdays.remove(&d);
                c.holidays.insert(d);
            } else {
                c.holidays.remove(&d);
                c.workdays.insert(d);
            }
        }
        c
    }

    /// The calendar the portal starts with: 2026 and 2027 (provisional).
    pub fn seeded() -> WorkCalendar {
        WorkCalendar::from_marked(seed_2026().into_iter().chain(seed_2027_provisional()))
    }

    /// Whether `d` is a working day.
    pub fn is_business_day(&self, d: Date) -> bool {
        if self.workdays.contains(&d) {
            return true;
        }
        !self.holidays.contains(&d) && !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
    }

    /// The `n`th working day after `from` (before it for a negative `n`); `from` itself for 0.
    pub fn add_business_days(&self, from: Date, n: i32) -> Date {
        let step = if n < 0 { -Duration::DAY } else { Duration::DAY };
        let mut d = from;
        let mut left = n.unsigned_abs();
        while left > 0 {
            d += step;
            if self.is_business_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// How many working days lie after `a` up to and including `b` (negative when `b` is before `a`).
    pub fn business_days_between(&self, a: Date, b: Date) -> i32 {
        if b < a {
            return -self.business_days_between(b, a);
        }
        span(a, b).skip(1).filter(|d| self.is_business_day(*d)).count() as i32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_week_holidays_and_make_up_days_decide_a_working_day() {
        let c = WorkCalendar::seeded();
        let cases = [
            (date!(2026 - 01 - 05), true, "a plain Monday"),
            (date!(2026 - 01 - 10), false, "a plain Saturday"),
            (date!(2026 - 01 - 01), false, "New Year's Day, a Thursday"),
            (date!(2026 - 01 - 04), true, "the Sunday worked for New Year"),
            (date!(2026 - 02 - 14), true, "the Saturday worked before Spring Festival"),
            (date!(2026 - 02 - 16), false, "Spring Festival, a Monday"),
            (date!(2026 - 02 - 23), false, "the festival's last day, a Monday"),
            (date!(2026 - 02 - 24), true, "back to work"),
            (date!(2026 - 02 - 28), true, "the Saturday worked after it"),
            (date!(2026 - 10 - 07), false, "National Day week, a Wednesday"),
            (date!(2026 - 10 - 10), true, "the Saturday worked after National Day"),
            (date!(2026 - 12 - 31), true, "the year's last day, a Thursday"),
            (date!(2027 - 01 - 01), false, "New Year 2027 (provisional)"),
            (date!(2027 - 02 - 08), false, "Spring Festival 2027 (provisional)"),
            (date!(2028 - 01 - 03), true, "a Monday of a year not seeded: the week alone"),
        ];
        for (d, working, why) in cases {
            assert_eq!(c.is_business_day(d), working, "{d}: {why}");
        }
    }

    #[test]
    fn business_days_are_counted_across_holidays_and_year_ends() {
        let c = WorkCalendar::seeded();
        let cases = [
            // Friday + 1 is Monday.
            (date!(2026 - 01 - 09), 1, date!(2026 - 01 - 12)),
            // Ten working days after 12 February cross the Spring Festival and its make-up Saturday.
            (date!(2026 - 02 - 12), 1, date!(2026 - 02 - 13)),
            (date!(2026 - 02 - 13), 1, date!(2026 - 02 - 14)),
            (date!(2026 - 02 - 14), 1, date!(2026 - 02 - 24)),
            (date!(2026 - 02 - 12), 10, date!(2026 - 03 - 04)),
            // Five after 29 September: the National Day week and the make-up Saturday.
            (date!(2026 - 09 - 29), 5, date!(2026 - 10 - 12)),
            // Across the year's end into the provisional New Year.
            (date!(2026 - 12 - 30), 3, date!(2027 - 01 - 05)),
            // Backwards: 30 working days before 1 April 2026.
            (date!(2026 - 04 - 01), -30, date!(2026 - 02 - 12)),
            (date!(2026 - 02 - 24), -1, date!(2026 - 02 - 14)),
            (date!(2026 - 03 - 03), 0, date!(2026 - 03 - 03)),
        ];
        for (from, n, want) in cases {
            assert_eq!(c.add_business_days(from, n), want, "{from} {n:+}");
            if n != 0 {
                assert_eq!(c.business_days_between(from, want), n, "{from} → {want}");
            }
        }
        assert_eq!(
            c.business_days_between(date!(2026 - 02 - 14), date!(2026 - 02 - 23)),
            0,
            "the festival's days do not count"
        );
    }

    #[test]
    fn an_operators_correction_replaces_the_seeded_day() {
        // A make-up Saturday later declared a holiday, and a holiday turned into a working day.
        let c = WorkCalendar::from_marked(
            seed_2026().into_iter().chain([(date!(2026 - 02 - 28), true), (date!(2026 - 06 - 19), false)]),
        );
        assert!(!c.is_business_day(date!(2026 - 02 - 28)));
        assert!(c.is_business_day(date!(2026 - 06 - 19)));
    }
}
