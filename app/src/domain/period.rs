//! Periods and cadences — a month, quarter, half-year or year — and the date rules over them: first
//! and last day, due dates, the period containing a day. Reports use them today; SLA months, drill
//! intervals and roster periods use the same.
use std::fmt;

use crate::i18n::Msg;
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use time::{Date, Month};

code_enum! {
    /// How often a report is owed.
    #[serde(rename_all = "snake_case")]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    Cadence {
        Monthly = "monthly" => CadMonthly,
        Quarterly = "quarterly" => CadQuarterly,
        HalfYearly = "half_yearly" => CadHalfYearly,
        Yearly = "yearly" => CadYearly,
    }
}

impl Cadence {
    /// Months in one period.
    pub fn months(self) -> u8 {
        match self {
            Cadence::Monthly => 1,
            Cadence::Quarterly => 3,
            Cadence::HalfYearly => 6,
            Cadence::Yearly => 12,
        }
    }

    /// Periods in one year.
    pub fn per_year(self) -> u8 {
        12 / self.months()
    }
}

/// A reporting period: a month, quarter, half-year or year. Written `2026-10`, `2026-Q3`,
/// `2026-H1` or `2026`; the written form says the cadence, so it parses on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Period {
    year: i32,
    cadence: Cadence,
    /// 1-based: month 1–12, quarter 1–4, half 1–2, or 1 for a year.
    index: u8,
}

impl Period {
    pub fn new(cadence: Cadence, year: i32, index: u8) -> Option<Period> {
        ((1..=cadence.per_year()).contains(&index) && (1900..=9998).contains(&year)).then_some(Period {
            year,
            cadence,
            index,
        })
    }

    /// The period of `cadence` that contains the month.
    pub fn containing(cadence: Cadence, year: i32, month: u8) -> Option<Period> {
        if !(1..=12).contains(&month) {
            return None;
        }
        Period::new(cadence, year, (month - 1) / cadence.months() + 1)
    }

    /// The period of `cadence` that starts in this month (`None` when none does).
    pub fn starting(cadence: Cadence, year: i32, month: u8) -> Option<Period> {
        let p = Period::containing(cadence, year, month)?;
        (p.first_month() == month).then_some(p)
    }

    pub fn cadence(self) -> Cadence {
        self.cadence
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn first_month(self) -> u8 {
        (self.index - 1) * self.cadence.months() + 1
    }

    pub fn last_month(self) -> u8 {
        self.index * self.cadence.months()
    }

    pub fn next(self) -> Period {
        if self.index == self.cadence.per_year() {
            Period { year: self.year + 1, index: 1, ..self }
        } else {
            Period { index: self.index + 1, ..self }
        }
    }

    pub fn prev(self) -> Period {
        if self.index == 1 {
            Period { year: self.year - 1, index: self.cadence.per_year(), ..self }
        } else {
            Period { index: self.index - 1, ..self }
        }
    }

    /// A number that orders periods of one cadence.
    pub fn ordinal(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.first_month())
    }

    pub fn parse(text: &str) -> Option<Period> {
        let text = text.trim();
        let (year, rest) = match text.split_once('-') {
            Some((y, r)) => (y, Some(r)),
            None => (text, None),
        };
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year: i32 = year.parse().ok()?;
        let number = |s: &str| -> Option<u8> {
            (!s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
        };
        match rest {
            None => Period::new(Cadence::Yearly, year, 1),
            Some(r) => {
                if let Some(q) = r.strip_prefix('Q').or_else(|| r.strip_prefix('q')) {
                    Period::new(Cadence::Quarterly, year, number(q)?)
                } else if let Some(h) = r.strip_prefix('H').or_else(|| r.strip_prefix('h')) {
                    Period::new(Cadence::HalfYearly, year, number(h)?)
                } else if r.len() == 2 {
                    Period::new(Cadence::Monthly, year, number(r)?)
                } else {
                    None
                }
            }
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.cadence {
            Cadence::Monthly => write!(f, "{}-{:02}", self.year, self.index),
            Cadence::Quarterly => write!(f, "{}-Q{}", self.year, self.index),
            Cadence::HalfYearly => write!(f, "{}-H{}", self.year, self.index),
            Cadence::Yearly => write!(f, "{}", self.year),
        }
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Period::parse(&text).ok_or_else(|| serde::de::Error::custom(format!("not a period: {text:?}")))
    }
}

#[cfg(feature = "ssr")]
mod dates {
    use super::*;

    fn month(m: u8) -> Month {
        Month::try_from(m).unwrap_or(Month::January)
    }

    fn ymd(year: i32, m: u8, day: u8) -> Date {
        let last = month(m).length(year);
        Date::from_calendar_date(year, month(m), day.min(last)).unwrap_or(Date::MIN)
    }

    /// The first day of the period.
    pub fn start(p: Period) -> Date {
        ymd(p.year(), p.first_month(), 1)
    }

    /// The last day of the period.
    pub fn end(p: Period) -> Date {
        ymd(p.year(), p.last_month(), 31)
    }

    /// The period's due date: `due_day` of the month after it ends, clamped to that month's length
    /// (a due day of 31 is 30 April, 28 or 29 February).
    pub fn due_date(p: Period, due_day: u8) -> Date {
        let (y, m) = if p.last_month() == 12 { (p.year() + 1, 1) } else { (p.year(), p.last_month() + 1) };
        ymd(y, m, due_day.max(1))
    }

    /// The period of `cadence` containing the day.
    pub fn containing(cadence: Cadence, day: Date) -> Period {
        Period::containing(cadence, day.year(), day.month() as u8)
            // Only a date outside the years periods allow (1900–9998) lands here.
            .unwrap_or(Period { year: day.year().clamp(1900, 9998), cadence, index: 1 })
    }

    /// The period that starts on this stored first day (`None` if none of the cadence does).
    pub fn from_start(cadence: Cadence, first_day: Date) -> Option<Period> {
        (first_day.day() == 1).then(|| Period::starting(cadence, first_day.year(), first_day.month() as u8)).flatten()
    }

    /// The obligation's periods that have begun by `today`, newest first, at most `limit`.
    pub fn periods_begun(first: Period, last: Option<Period>, today: Date, limit: usize) -> Vec<Period> {
        let mut current = containing(first.cadence(), today);
        if let Some(l) = last {
            if l.ordinal() < current.ordinal() {
                current = l;
            }
        }
        let mut out = Vec::new();
        while current.ordinal() >= first.ordinal() && out.len() < limit {
            out.push(current);
            current = current.prev();
        }
        out
    }

    /// The last `n` periods of `cadence` that have ended by `today`, oldest first (the matrix's columns).
    pub fn last_ended(cadence: Cadence, today: Date, n: usize) -> Vec<Period> {
        let mut p = containing(cadence, today).prev();
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(p);
            p = p.prev();
        }
        out.reverse();
        out
    }
}

#[cfg(feature = "ssr")]
pub use dates::{containing, due_date, end, from_start, last_ended, periods_begun, start};

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use time::macros::date;

    fn p(s: &str) -> Period {
        Period::parse(s).unwrap()
    }

    #[test]
    fn periods_parse_print_and_step() {
        for (text, first, last) in [
            ("2026-01", date!(2026 - 01 - 01), date!(2026 - 01 - 31)),
            ("2026-02", date!(2026 - 02 - 01), date!(2026 - 02 - 28)),
            ("2024-02", date!(2024 - 02 - 01), date!(2024 - 02 - 29)),
            ("2026-Q3", date!(2026 - 07 - 01), date!(2026 - 09 - 30)),
            ("2026-H2", date!(2026 - 07 - 01), date!(2026 - 12 - 31)),
            ("2026", date!(2026 - 01 - 01), date!(2026 - 12 - 31)),
        ] {
            let period = p(text);
            assert_eq!(period.to_string(), text);
            assert_eq!(start(period), first, "{text}");
            assert_eq!(end(period), last, "{text}");
            assert_eq!(from_start(period.cadence(), first), Some(period));
            assert_eq!(period.next().prev(), period);
        }
        assert_eq!(p("2026-12").next(), p("2027-01"));
        assert_eq!(p("2026-Q1").prev(), p("2025-Q4"));
        assert_eq!(p("2026-H2").next(), p("2027-H1"));
        for bad in ["2026-13", "2026-00", "2026-Q5", "2026-H3", "26-01", "2026-1", "2026/01", "", "abcd", "2026-Q"] {
            assert_eq!(Period::parse(bad), None, "{bad:?}");
        }
        assert_eq!(from_start(Cadence::Quarterly, date!(2026 - 02 - 01)), None);
    }

    #[test]
    fn due_dates_fall_in_the_month_after_and_clamp_to_its_length() {
        for (period, due_day, due) in [
            ("2026-10", 10, date!(2026 - 11 - 10)),
            ("2026-12", 10, date!(2027 - 01 - 10)),
            ("2026-01", 31, date!(2026 - 02 - 28)),
            ("2028-01", 31, date!(2028 - 02 - 29)),
            ("2026-03", 31, date!(2026 - 04 - 30)),
            ("2026-04", 31, date!(2026 - 05 - 31)),
            ("2026-Q4", 15, date!(2027 - 01 - 15)),
            ("2026-H1", 31, date!(2026 - 07 - 31)),
            ("2026", 31, date!(2027 - 01 - 31)),
            ("2026-05", 0, date!(2026 - 06 - 01)),
        ] {
            assert_eq!(due_date(p(period), due_day), due, "{period} day {due_day}");
        }
    }
}
