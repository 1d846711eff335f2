//! The SLA's arithmetic, in plain Rust: calendar months in the agreement's zone, outages merged
//! and clipped, planned maintenance handled as the contract says, attainment against a target
//! (exact, never rounded up to 100 %), the error budget, fault-resolution rates on the service
//! hours, and clause 5.12's compensation. No database; every figure comes from these functions.
use jiff::{civil, tz::TimeZone, Timestamp, ToSpan};

use crate::domain::workdays::WorkCalendar;

pub mod measured;

/// A stretch of time, `[start, end)` in Unix seconds (whole seconds are the records' precision).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Stretch {
    pub start: i64,
    pub end: i64,
}

impl Stretch {
    /// A stretch, if it has any length.
    pub fn new(start: i64, end: i64) -> Option<Stretch> {
        (end > start).then_some(Stretch { start, end })
    }

    pub fn from_timestamps(start: Timestamp, end: Timestamp) -> Option<Stretch> {
        Stretch::new(start.as_second(), end.as_second())
    }

    pub fn secs(self) -> i64 {
        self.end - self.start
    }

    /// The part inside `window`, if any.
    pub fn clip(self, window: Stretch) -> Option<Stretch> {
        Stretch::new(self.start.max(window.start), self.end.min(window.end))
    }
}

/// The union of stretches, sorted; overlapping and touching stretches become one, so no second
/// is counted twice.
pub fn merge(mut stretches: Vec<Stretch>) -> Vec<Stretch> {
    stretches.sort();
    let mut out: Vec<Stretch> = Vec::with_capacity(stretches.len());
    for s in stretches {
        match out.last_mut() {
            Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
            _ => out.push(s),
        }
    }
    out
}

/// What of `from` no stretch of `cut` covers (both merged first).
pub fn subtract(from: &[Stretch], cut: &[Stretch]) -> Vec<Stretch> {
    let cut = merge(cut.to_vec());
    let mut out = Vec::new();
    for s in merge(from.to_vec()) {
        let mut start = s.start;
        for c in cut.iter().filter(|c| c.end > s.start && c.start < s.end) {
            if c.start > start {
                out.push(Stretch { start, end: c.start });
            }
            start = start.max(c.end);
        }
        if start < s.end {
            out.push(Stretch { start, end: s.end });
        }
    }
    out
}

/// Seconds covered by merged stretches.
pub fn total(stretches: &[Stretch]) -> i64 {
    stretches.iter().map(|s| s.secs()).sum()
}

/// Every stretch clipped to `window`, then merged.
pub fn clip_all(stretches: &[Stretch], window: Stretch) -> Vec<Stretch> {
    merge(stretches.iter().filter_map(|s| s.clip(window)).collect())
}

/// A calendar month (the SLA's period), read in the agreement's time zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i16,
    pub month: i8,
}

impl Month {
    pub fn new(year: i16, month: i8) -> Option<Month> {
        ((1..=12).contains(&month) && (1900..=9998).contains(&year)).then_some(Month { year, month })
    }

    /// `YYYY-MM`.
    pub fn parse(text: &str) -> Option<Month> {
        let (y, m) = text.trim().split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        Month::new(y.parse().ok()?, m.parse().ok()?)
    }

    /// The month holding `at` on the zone's wall clock.
    pub fn of(at: Timestamp, zone: &TimeZone) -> Month {
        let d = zone.to_datetime(at).date();
        Month { year: d.year(), month: d.month() }
    }

    pub fn first_day(self) -> civil::Date {
        civil::date(self.year, self.month, 1)
    }

    pub fn next(self) -> Month {
        if self.month == 12 {
            Month { year: self.year + 1, month: 1 }
        } else {
            Month { year: self.year, month: self.month + 1 }
        }
    }

    pub fn previous(self) -> Month {
        if self.month == 1 {
            Month { year: self.year - 1, month: 12 }
        } else {
            Month { year: self.year, month: self.month - 1 }
        }
    }

    pub fn days(self) -> i8 {
        self.first_day().days_in_month()
    }

    /// From the 1st at midnight to the next 1st at midnight, on the zone's wall clock.
    pub fn window(self, zone: &TimeZone) -> Stretch {
        let start = midnight(self.first_day(), zone);
        let end = midnight(self.next().first_day(), zone);
        Stretch { start, end }
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// The first instant of a day on the zone's wall clock (a day starting in a gap starts at the
/// gap's end, as jiff's compatible disambiguation reads it).
pub fn midnight(day: civil::Date, zone: &TimeZone) -> i64 {
    local(day.to_datetime(civil::Time::midnight()), zone)
}

/// A wall-clock time in the zone as Unix seconds (a time in a gap reads as after it, one in a
/// fold as its first occurrence: jiff's compatible disambiguation).
fn local(at: civil::DateTime, zone: &TimeZone) -> i64 {
    // Only a time outside jiff's range fails; the month's parser keeps them out.
    zone.to_ambiguous_timestamp(at).compatible().map_or(0, |t| t.as_second())
}

/// A share with at most four decimals of a percent, held exactly in millionths (100 % is
/// 1,000,000).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Percent(u32);

/// Why a percent was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PercentError {
    NotANumber,
    OutOfRange,
    TooPrecise,
}

impl Percent {
    pub const HUNDRED: Percent = Percent(1_000_000);
    pub const ZERO: Percent = Percent(0);

    pub fn millionths(self) -> u32 {
        self.0
    }

    pub fn from_millionths(m: u32) -> Option<Percent> {
        (m <= 1_000_000).then_some(Percent(m))
    }

    /// `99.95`, `100`, `0.0001`: digits with an optional point and at most four decimals,
    /// from 0 to 100.
    pub fn parse(text: &str) -> Result<Percent, PercentError> {
        let text = text.trim().trim_end_matches('%').trim_end();
        let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits(whole) || !digits(frac) || (text.contains('.') && frac.is_empty()) {
            return Err(PercentError::NotANumber);
        }
        if frac.len() > 4 {
            return Err(PercentError::TooPrecise);
        }
        let whole: u64 = whole.parse().map_err(|_| PercentError::OutOfRange)?;
        let frac: u64 = format!("{frac:0<4}").parse().unwrap_or(0);
        let m = whole.saturating_mul(10_000).saturating_add(frac);
        if m > 1_000_000 {
            return Err(PercentError::OutOfRange);
        }
        Ok(Percent(m as u32))
    }

    /// `up` of `of`, rounded down to the fourth decimal: a month with any downtime never reads
    /// 100 %.
    pub fn of_ratio(up: i64, of: i64) -> Option<Percent> {
        if of <= 0 || up < 0 || up > of {
            return None;
        }
        Some(Percent(((up as i128 * 1_000_000) / of as i128) as u32))
    }
}

impl std::fmt::Display for Percent {
    /// Four decimals without trailing zeros: `99.95`, `100`, `99.0001`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (whole, frac) = (self.0 / 10_000, self.0 % 10_000);
        if frac == 0 {
            return write!(f, "{whole}");
        }
        let frac = format!("{frac:04}");
        write!(f, "{whole}.{}", frac.trim_end_matches('0'))
    }
}

/// How planned maintenance counts (the contract's word; every report prints the formula):
/// taken out of the month, `(M − W − D) / (M − W)`; counted as available, `(M − D) / M`; both
/// without the downtime inside a window; or counted as downtime, `(M − (D ∪ W)) / M`.
pub use super::MaintenanceRule as Maintenance;

/// One website's time in a month: its outages of the metric's class, and its maintenance windows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WebsiteTime {
    pub outages: Vec<Stretch>,
    pub maintenance: Vec<Stretch>,
}

/// One availability metric of one month, every figure in seconds summed over the websites.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attainment {
    /// The denominator: the counted time of every website (less maintenance where excluded).
    pub scheduled: i64,
    /// Seconds down, after the maintenance rule.
    pub downtime: i64,
    /// Seconds of maintenance inside the counted time (merged per website).
    pub maintenance: i64,
    /// `None` when nothing was scheduled (no website, or the SLA not in force that month).
    pub attained: Option<Percent>,
    pub met: bool,
    /// Downtime the target still allows (negative: exceeded by that much).
    pub budget_left: i64,
}

/// The time of the month the SLA counts: the month's window, within the agreement's effective
/// span, up to `until` (now, for the month in progress "to date"; the month's end otherwise).
pub fn counted(month: Stretch, in_force: Stretch, until: i64) -> Option<Stretch> {
    month.clip(in_force)?.clip(Stretch { start: i64::MIN, end: until })
}

/// One class's seconds over a stretch (a day, or a month as the sum of its days), from which
/// every maintenance rule reads: each website's records merged first, then summed over the
/// websites; and the interruption across websites, as a union.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// The counted time of every website.
    pub scheduled: i64,
    pub down: i64,
    pub maint: i64,
    /// Down during its own website's maintenance.
    pub overlap: i64,
    /// The union over the websites of what was down outside maintenance.
    pub any_down: i64,
    /// The union over the websites of what was down or in maintenance.
    pub any_all: i64,
}

impl std::ops::AddAssign for Tally {
    fn add_assign(&mut self, o: Tally) {
        self.scheduled += o.scheduled;
        self.down += o.down;
        self.maint += o.maint;
        self.overlap += o.overlap;
        self.any_down += o.any_down;
        self.any_all += o.any_all;
    }
}

/// The tally of `window` (see [`counted`]; `None`: nothing counted).
pub fn tally(window: Option<Stretch>, websites: &[WebsiteTime]) -> Tally {
    let Some(w) = window else { return Tally::default() };
    let mut t = Tally::default();
    let (mut any_down, mut any_all) = (Vec::new(), Vec::new());
    for site in websites {
        let down = clip_all(&site.outages, w);
        let maint = clip_all(&site.maintenance, w);
        let outside = subtract(&down, &maint);
        t.scheduled += w.secs();
        t.down += total(&down);
        t.maint += total(&maint);
        t.overlap += total(&down) - total(&outside);
        any_all.extend(down.iter().chain(&maint).copied());
        any_down.extend(outside);
    }
    t.any_down = total(&merge(any_down));
    t.any_all = total(&merge(any_all));
    t
}

impl Tally {
    /// The attainment under the contract's maintenance rule.
    pub fn attainment(self, rule: Maintenance, target: Percent) -> Attainment {
        let (scheduled, downtime) = match rule {
            Maintenance::Excluded => (self.scheduled - self.maint, self.down - self.overlap),
            Maintenance::Available => (self.scheduled, self.down - self.overlap),
            Maintenance::Downtime => (self.scheduled, self.down + self.maint - self.overlap),
        };
        judge(scheduled, downtime, self.maint, target)
    }

    /// Seconds the engagement's service was interrupted (any website down), under the rule.
    pub fn interrupted(self, rule: Maintenance) -> i64 {
        match rule {
            Maintenance::Excluded | Maintenance::Available => self.any_down,
            Maintenance::Downtime => self.any_all,
        }
    }
}

/// An availability metric's attainment over `window` (see [`counted`]): each website's outages
/// merged and clipped (overlaps never count twice), maintenance handled by `rule`, websites
/// summed (each is its own service time).
pub fn availability(window: Option<Stretch>, websites: &[WebsiteTime], rule: Maintenance, target: Percent) -> Attainment {
    tally(window, websites).attainment(rule, target)
}

/// The days of `window` on the zone's wall clock, each as its stretch clipped to the window:
/// what the day aggregates are kept for.
pub fn days(window: Stretch, zone: &TimeZone) -> Vec<(civil::Date, Stretch)> {
    let mut out = Vec::new();
    let Ok(first) = Timestamp::from_second(window.start) else { return out };
    let mut day = zone.to_datetime(first).date();
    loop {
        let Ok(next) = day.checked_add(1.day()) else { break };
        let span = Stretch { start: midnight(day, zone), end: midnight(next, zone) };
        if span.start >= window.end {
            break;
        }
        if let Some(part) = span.clip(window) {
            out.push((day, part));
        }
        day = next;
    }
    out
}

/// Attainment, whether it meets the target (exactly, not after rounding) and the budget left;
/// also how a year is judged from its months' sums (already under the maintenance rule).
pub fn judge(scheduled: i64, downtime: i64, maintenance: i64, target: Percent) -> Attainment {
    let up = scheduled - downtime;
    let attained = Percent::of_ratio(up, scheduled);
    // up / scheduled >= target / 1e6, in integers.
    let met = scheduled <= 0 || (up as i128) * 1_000_000 >= (target.0 as i128) * scheduled as i128;
    let allowed = ((scheduled.max(0) as i128) * (1_000_000 - target.0 as i128) / 1_000_000) as i64;
    Attainment { scheduled, downtime, maintenance, attained, met, budget_left: allowed - downtime }
}

/// The hours a fault's resolution clock runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServiceHours {
    /// 7 × 24.
    Always,
    /// From `from` to `to` (minutes after midnight, `from < to`) on the working calendar's
    /// business days, in the agreement's zone.
    Working { from: u16, to: u16 },
}

/// The longest a resolution clock is followed (a target beyond it is refused at the edge).
const MAX_DAYS: i32 = 800;

/// The clock a fault's resolution runs on: the service hours, in the agreement's zone, on the
/// working calendar.
#[derive(Clone, Copy)]
pub struct ServiceClock<'a> {
    pub hours: ServiceHours,
    pub zone: &'a TimeZone,
    pub calendar: &'a WorkCalendar,
}

/// When `hours` of service time have passed since `start`.
pub fn due(start: i64, hours: u32, clock: ServiceClock<'_>) -> i64 {
    let ServiceClock { hours: service, zone, calendar } = clock;
    let need = i64::from(hours) * 3600;
    match service {
        ServiceHours::Always => start + need,
        ServiceHours::Working { from, to } => {
            let mut left = need;
            let mut day = Timestamp::from_second(start).map(|t| zone.to_datetime(t).date()).unwrap_or_default();
            for _ in 0..MAX_DAYS {
                if let Some(open) = opening(day, from, to, zone, calendar).and_then(|o| o.clip(Stretch { start, end: i64::MAX })) {
                    if open.secs() >= left {
                        return open.start + left;
                    }
                    left -= open.secs();
                }
                day = day.checked_add(1.day()).unwrap_or(day);
            }
            i64::MAX
        }
    }
}

/// A business day's service hours as a stretch, if it is one.
fn opening(day: civil::Date, from: u16, to: u16, zone: &TimeZone, calendar: &WorkCalendar) -> Option<Stretch> {
    let d = time::Date::from_calendar_date(i32::from(day.year()), time::Month::try_from(day.month() as u8).ok()?, day.day() as u8).ok()?;
    if !calendar.is_business_day(d) {
        return None;
    }
    let at = |minutes: u16| {
        let t = civil::time((minutes / 60) as i8, (minutes % 60) as i8, 0, 0);
        Some(local(day.to_datetime(t), zone))
    };
    Stretch::new(at(from)?, at(to)?)
}

/// A level-1 or level-2 fault: when it began and when it was resolved (if yet).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fault {
    pub start: i64,
    pub resolved: Option<i64>,
}

/// One level's resolution rate in a month: the faults that began in it, resolved within their
/// hours on the service calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Resolution {
    pub faults: u32,
    pub on_time: u32,
    /// Resolved after their due time, or unresolved past it.
    pub late: u32,
    /// Unresolved and not yet due: out of the rate until they are settled.
    pub pending: u32,
    /// `None` with no settled fault (nothing to judge: the target is met).
    pub rate: Option<Percent>,
    pub met: bool,
}

/// The resolution rate of the faults beginning in `window`, judged at `now`.
pub fn resolution(
    faults: &[Fault],
    window: Stretch,
    now: i64,
    hours: u32,
    clock: ServiceClock<'_>,
    target: Percent,
) -> Resolution {
    let mut r = Resolution { faults: 0, on_time: 0, late: 0, pending: 0, rate: None, met: true };
    for f in faults.iter().filter(|f| f.start >= window.start && f.start < window.end) {
        r.faults += 1;
        let by = due(f.start, hours, clock);
        match f.resolved {
            Some(at) if at <= by => r.on_time += 1,
            Some(_) => r.late += 1,
            None if now > by => r.late += 1,
            None => r.pending += 1,
        }
    }
    (r.rate, r.met) = rate(r.on_time, r.late, target);
    r
}

/// The share of settled faults resolved in time, and whether it meets the target (none settled:
/// met); also how a year is judged from its months' counts.
pub fn rate(on_time: u32, late: u32, target: Percent) -> (Option<Percent>, bool) {
    let settled = i64::from(on_time) + i64::from(late);
    let met = settled == 0 || i128::from(on_time) * 1_000_000 >= i128::from(target.0) * i128::from(settled);
    (Percent::of_ratio(i64::from(on_time), settled), met)
}

/// A band of clause 5.12's table: attainment from `from` (inclusive) below `below` (exclusive;
/// `None`: up to and including 100 %) owes `share` of the month's fee.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Band {
    pub from: Percent,
    pub below: Option<Percent>,
    pub share: Percent,
}

/// Clause 5.12: how an interruption is compensated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Compensation {
    /// Per started unit of interruption, `multiple` (in hundredths) times the month's fee per
    /// unit: 以【unit】为单位,以月费为基数,按平均每【unit】费用的【multiple】倍.
    PerUnit { unit_minutes: u32, multiple: u32 },
    /// A share of the month's fee by the month's lowest availability.
    Bands(Vec<Band>),
}

/// Why a band table was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BandError {
    /// A band whose lower bound is not below its upper one.
    Empty(usize),
    /// Two bands covering the same attainment.
    Overlap(usize, usize),
}

/// A band table's bands in order, each non-empty, none overlapping.
pub fn check_bands(bands: &[Band]) -> Result<Vec<Band>, BandError> {
    let mut sorted: Vec<(usize, Band)> = bands.iter().copied().enumerate().collect();
    for (i, b) in &sorted {
        if b.below.is_some_and(|below| below <= b.from) {
            return Err(BandError::Empty(*i));
        }
    }
    sorted.sort_by_key(|(_, b)| b.from);
    for pair in sorted.windows(2) {
        let ((i, a), (j, b)) = (pair[0], pair[1]);
        if a.below.is_none_or(|below| below > b.from) {
            return Err(BandError::Overlap(i.min(j), i.max(j)));
        }
    }
    Ok(sorted.into_iter().map(|(_, b)| b).collect())
}

/// The compensation a month owes, in fen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Owed {
    pub amount: i64,
    /// Started units of interruption (per-unit rule), or zero.
    pub units: i64,
    /// Whether the cap cut it.
    pub capped: bool,
}

/// Clause 5.12 for one month: `interrupted` seconds (the union over the engagement's websites, so
/// simultaneous outages of several websites are one interruption), the fee of a full month in
/// fen, the month's length and the part of it the SLA was in force (a partial month's fee, and so
/// its cap, is prorated), and the month's lowest availability (for bands).
pub fn compensation(rule: &Compensation, interrupted: i64, fee: i64, month_secs: i64, in_force_secs: i64, lowest: Option<Percent>) -> Owed {
    if fee <= 0 || month_secs <= 0 {
        return Owed { amount: 0, units: 0, capped: false };
    }
    let cap = prorate(fee, in_force_secs.clamp(0, month_secs), month_secs);
    let (raw, units) = match rule {
        Compensation::PerUnit { unit_minutes, multiple } => {
            let unit = i64::from((*unit_minutes).max(1)) * 60;
            let units = (interrupted.max(0) + unit - 1) / unit;
            // units × (fee × unit / month) × multiple / 100, rounded half up to the fen.
            let num = i128::from(units) * i128::from(fee) * i128::from(unit) * i128::from(*multiple);
            let den = i128::from(month_secs) * 100;
            (((num * 2 + den) / (den * 2)) as i64, units)
        }
        Compensation::Bands(bands) => {
            let share = lowest.and_then(|p| band_of(bands, p)).map_or(0, |b| b.share.0);
            (prorate(fee, i64::from(share), 1_000_000), 0)
        }
    };
    Owed { amount: raw.min(cap), units, capped: raw > cap }
}

/// `amount × part / whole`, rounded half up.
fn prorate(amount: i64, part: i64, whole: i64) -> i64 {
    let (num, den) = (i128::from(amount) * i128::from(part), i128::from(whole));
    ((num * 2 + den) / (den * 2)) as i64
}

/// The band an attainment falls in, bounds as written (from inclusive, below exclusive).
pub fn band_of(bands: &[Band], attained: Percent) -> Option<Band> {
    bands.iter().copied().find(|b| attained >= b.from && b.below.is_none_or(|below| attained < below))
}

/// Service hours as stored: `7x24`, or `HH:MM-HH:MM` on business days.
pub fn parse_service_hours(text: &str) -> Option<ServiceHours> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("7x24") || text == "7×24" {
        return Some(ServiceHours::Always);
    }
    let (a, b) = text.split_once('-')?;
    let clock = |t: &str| -> Option<u16> {
        let (h, m) = t.trim().split_once(':')?;
        let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
        (h < 24 && m < 60 && t.trim().len() == 5).then_some(h * 60 + m)
    };
    let (from, to) = (clock(a)?, clock(b)?);
    (from < to).then_some(ServiceHours::Working { from, to })
}

impl std::fmt::Display for ServiceHours {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServiceHours::Always => write!(f, "7x24"),
            ServiceHours::Working { from, to } => {
                write!(f, "{:02}:{:02}-{:02}:{:02}", from / 60, from % 60, to / 60, to % 60)
            }
        }
    }
}

/// A sum of money in fen from yuan as typed (`12000`, `12,000.50`): at most two decimals, at most
/// a hundred million yuan.
pub fn parse_money(text: &str) -> Option<i64> {
    let text: String = text.trim().chars().filter(|c| *c != ',' && *c != '，').collect();
    let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || (!frac.is_empty() && !digits(frac)) || frac.len() > 2 || (text.contains('.') && frac.is_empty()) || whole.len() > 9 {
        return None;
    }
    let fen = whole.parse::<i64>().ok()? * 100 + format!("{frac:0<2}").parse::<i64>().ok()?;
    (fen <= 10_000_000_000).then_some(fen)
}

/// Fen as yuan with two decimals.
pub fn money_text(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, (fen % 100).abs())
}

/// A multiple as typed (`2`, `1.5`), in hundredths, from 0.01 to 100.
pub fn parse_multiple(text: &str) -> Option<u32> {
    let text = text.trim();
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || (!frac.is_empty() && !digits(frac)) || frac.len() > 2 || (text.contains('.') && frac.is_empty()) || whole.len() > 3 {
        return None;
    }
    let m = whole.parse::<u32>().ok()? * 100 + format!("{frac:0<2}").parse::<u32>().ok()?;
    (1..=10_000).contains(&m).then_some(m)
}

/// A band table, one band a line: `from below share` in percent, `-` for no upper bound
/// (`99 99.9 10`). The line's number (from 1) of the first refusal.
pub fn parse_bands(text: &str) -> Result<Vec<Band>, usize> {
    let mut bands = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let parts: Vec<&str> = line.split_whitespace().collect();
        let [from, below, share] = parts.as_slice() else { return Err(i + 1) };
        let from = Percent::parse(from).map_err(|_| i + 1)?;
        let below = match *below {
            "-" => None,
            b => Some(Percent::parse(b).map_err(|_| i + 1)?),
        };
        let share = Percent::parse(share).map_err(|_| i + 1)?;
        bands.push(Band { from, below, share });
    }
    Ok(bands)
}

/// A band table as stored and shown: the lines [`parse_bands`] reads.
pub fn bands_text(bands: &[Band]) -> String {
    bands
        .iter()
        .map(|b| format!("{} {} {}", b.from, b.below.map_or("-".to_string(), |p| p.to_string()), b.share))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The unit of the annex's frequencies and retentions (每【】周/天/月).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Unit {
    Day,
    Week,
    Month,
}

impl Unit {
    pub fn code(self) -> &'static str {
        match self {
            Unit::Day => "day",
            Unit::Week => "week",
            Unit::Month => "month",
        }
    }

    pub fn parse(code: &str) -> Option<Unit> {
        match code.trim() {
            "day" => Some(Unit::Day),
            "week" => Some(Unit::Week),
            "month" => Some(Unit::Month),
            _ => None,
        }
    }
}

/// A count of a unit: backups `n` times a unit (`1/day`), or kept `n` units (`30 day`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Amount {
    pub n: u16,
    pub unit: Unit,
}

/// `N/day`, `N/week`, `N/month`: N from 1 to 1,000.
pub fn parse_every(text: &str) -> Option<Amount> {
    let (n, unit) = text.trim().split_once('/')?;
    amount(n, unit)
}

/// `N day`, `N week`, `N month`: N from 1 to 1,000.
pub fn parse_kept(text: &str) -> Option<Amount> {
    let (n, unit) = text.trim().split_once(' ')?;
    amount(n, unit)
}

fn amount(n: &str, unit: &str) -> Option<Amount> {
    let n: u16 = n.trim().parse().ok()?;
    ((1..=1000).contains(&n)).then_some(Amount { n, unit: Unit::parse(unit)? })
}

impl Amount {
    /// As [`parse_every`] reads it.
    pub fn every_text(self) -> String {
        format!("{}/{}", self.n, self.unit.code())
    }

    /// As [`parse_kept`] reads it.
    pub fn kept_text(self) -> String {
        format!("{} {}", self.n, self.unit.code())
    }
}

/// An agreement's terms, parsed: what a version holds and the month's computation reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Agreement {
    pub effective_from: time::Date,
    pub zone: String,
    pub power: Percent,
    pub network: Percent,
    pub server: Percent,
    pub l1: Percent,
    pub l1_hours: u16,
    pub l2: Percent,
    pub l2_hours: u16,
    pub service: ServiceHours,
    pub response_minutes: u16,
    pub backup_every: Amount,
    pub backup_retention: Amount,
    pub log_retention: Amount,
    pub emergency_minutes: u16,
    pub trainings: u16,
    pub maintenance: Maintenance,
    pub compensation: Compensation,
    /// The month's fee in fen: the base of clause 5.12 and its cap.
    pub monthly_fee: i64,
    pub note: String,
}

/// Where a new version may start: on or after the engagement's first day and the day after the
/// latest accepted version's start (a version never rewrites the months before it), not before
/// `today` once one is accepted (a closed month's report stays as issued), and within the
/// engagement.
pub fn start_refused(from: time::Date, engagement: (time::Date, time::Date), latest_accepted: Option<time::Date>, today: time::Date) -> Option<StartError> {
    let (starts, ends) = engagement;
    if from < starts {
        return Some(StartError::BeforeEngagement);
    }
    if from > ends {
        return Some(StartError::AfterEngagement);
    }
    match latest_accepted {
        Some(latest) if from <= latest => Some(StartError::NotAfterAccepted),
        Some(_) if from < today => Some(StartError::InThePast),
        _ => None,
    }
}

/// Why a version's first day was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StartError {
    BeforeEngagement,
    AfterEngagement,
    NotAfterAccepted,
    InThePast,
}

/// A `time` date as jiff's civil date (the database speaks `time`, the arithmetic jiff).
pub fn civil_of(d: time::Date) -> civil::Date {
    civil::date(d.year() as i16, u8::from(d.month()) as i8, d.day() as i8)
}

/// A jiff civil date as a `time` date.
pub fn date_of(d: civil::Date) -> time::Date {
    let month = time::Month::try_from(d.month() as u8).unwrap_or(time::Month::January);
    time::Date::from_calendar_date(i32::from(d.year()), month, d.day() as u8).unwrap_or(time::Date::MIN)
}

/// What the day aggregates are kept for: each availability class, and `Any` (every class at
/// once, whose union is the interruption clause 5.12 compensates).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Availability {
    Power,
    Network,
    Server,
    Any,
}

impl Availability {
    pub const ALL: [Availability; 4] = [Availability::Power, Availability::Network, Availability::Server, Availability::Any];

    pub fn code(self) -> &'static str {
        match self {
            Availability::Power => "power",
            Availability::Network => "network",
            Availability::Server => "server",
            Availability::Any => "any",
        }
    }

    pub fn parse(code: &str) -> Option<Availability> {
        Availability::ALL.into_iter().find(|a| a.code() == code)
    }

    /// Whether a record of `kind` and `class` takes time away from this availability: an outage
    /// its own class's; a fault (level 1 or 2: the system or its main modules unusable) the
    /// server fault-free rate's; every outage and fault the `Any` union's.
    pub fn counts(self, kind: super::RecordKind, class: super::RecordClass) -> bool {
        use super::{RecordClass as C, RecordKind as K};
        match (self, kind) {
            (_, K::Maintenance) => false,
            (Availability::Any, _) => true,
            (Availability::Server, K::Fault) => true,
            (a, K::Outage) => matches!((a, class), (Availability::Power, C::Power) | (Availability::Network, C::Network) | (Availability::Server, C::Server)),
            _ => false,
        }
    }
}

/// A record as the day aggregates read it: what it is, when, and the websites it touched
/// (any key the caller uses for a website).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Counted<W> {
    pub kind: super::RecordKind,
    pub class: super::RecordClass,
    pub stretch: Stretch,
    pub websites: Vec<W>,
}

/// Each day's tally for each availability, for the engagement's `websites`, from its ended,
/// undisputed `records`; `in_force` is the SLA's span (what is outside it is not counted). Days
/// with nothing down and no maintenance are left out: the month's scheduled time is computed,
/// not summed, so only days with something to say are kept.
pub fn day_tallies<W: PartialEq>(websites: &[W], records: &[Counted<W>], in_force: Stretch, days: &[(civil::Date, Stretch)]) -> Vec<(civil::Date, Availability, Tally)> {
    let mut out = Vec::new();
    for (day, span) in days {
        let window = span.clip(in_force);
        let touching: Vec<&Counted<W>> = records.iter().filter(|r| r.stretch.clip(*span).is_some()).collect();
        if window.is_none() || touching.is_empty() {
            continue;
        }
        for a in Availability::ALL {
            let sites: Vec<WebsiteTime> = websites
                .iter()
                .map(|w| {
                    let on = touching.iter().filter(|r| r.websites.contains(w));
                    WebsiteTime {
                        outages: on.clone().filter(|r| a.counts(r.kind, r.class)).map(|r| r.stretch).collect(),
                        maintenance: on.filter(|r| r.kind == super::RecordKind::Maintenance).map(|r| r.stretch).collect(),
                    }
                })
                .collect();
            let t = tally(window, &sites);
            if t.down > 0 || t.maint > 0 {
                out.push((*day, a, t));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone() -> TimeZone {
        TimeZone::get("Asia/Shanghai").expect("the zone database has Asia/Shanghai")
    }

    fn at(text: &str) -> i64 {
        text.parse::<Timestamp>().expect("a timestamp").as_second()
    }

    fn s(a: &str, b: &str) -> Stretch {
        Stretch::new(at(a), at(b)).expect("a stretch with length")
    }

    fn pct(text: &str) -> Percent {
        Percent::parse(text).expect("a percent")
    }

    #[test]
    fn percents_take_four_decimals_between_nought_and_a_hundred() {
        for (text, m) in [("99.95", 999_500), ("100", 1_000_000), ("0", 0), ("0.0001", 1), ("99.9999%", 999_999), (" 50.5 ", 505_000)] {
            assert_eq!(Percent::parse(text).map(Percent::millionths), Ok(m), "{text}");
        }
        for (text, e) in [
            ("100.0001", PercentError::OutOfRange),
            ("101", PercentError::OutOfRange),
            ("99.99999", PercentError::TooPrecise),
            ("-1", PercentError::NotANumber),
            ("abc", PercentError::NotANumber),
            ("", PercentError::NotANumber),
            ("1e2", PercentError::NotANumber),
            ("99.", PercentError::NotANumber),
            (".5", PercentError::NotANumber),
            ("99999999999999999999", PercentError::OutOfRange),
        ] {
            assert_eq!(Percent::parse(text), Err(e), "{text}");
        }
        assert_eq!(pct("99.9500").to_string(), "99.95");
        assert_eq!(pct("100.0").to_string(), "100");
        assert_eq!(pct("0.0001").to_string(), "0.0001");
    }

    #[test]
    fn a_month_starts_at_midnight_in_the_agreements_zone_and_has_its_own_length() {
        let z = zone();
        let dec = Month::parse("2026-12").expect("a month");
        assert_eq!(dec.window(&z), s("2026-11-30T16:00:00Z", "2026-12-31T16:00:00Z"));
        for (m, days) in [("2026-02", 28), ("2028-02", 29), ("2026-04", 30), ("2026-01", 31)] {
            let month = Month::parse(m).expect("a month");
            assert_eq!(month.days(), days, "{m}");
            assert_eq!(month.window(&z).secs(), i64::from(days) * 86_400, "{m}");
        }
        // A daylight-saving zone: March in New York is an hour short, November an hour long.
        let ny = TimeZone::get("America/New_York").expect("the zone database has New York");
        assert_eq!(Month::parse("2026-03").expect("a month").window(&ny).secs(), 31 * 86_400 - 3600);
        assert_eq!(Month::parse("2026-11").expect("a month").window(&ny).secs(), 30 * 86_400 + 3600);
        assert_eq!(Month::of(Timestamp::from_second(at("2026-11-30T16:00:00Z")).expect("t"), &z), dec);
        assert_eq!(Month::of(Timestamp::from_second(at("2026-11-30T15:59:59Z")).expect("t"), &z), dec.previous());
        assert_eq!(Month::parse("2026-12").map(Month::next), Month::parse("2027-01"));
        for bad in ["2026-13", "2026-00", "26-01", "2026-1", "2026/01", ""] {
            assert_eq!(Month::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn stretches_merge_subtract_and_clip() {
        let v = vec![s("2026-01-01T02:00:00Z", "2026-01-01T03:00:00Z"), s("2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z"), s("2026-01-01T00:30:00Z", "2026-01-01T02:00:00Z")];
        assert_eq!(merge(v.clone()), vec![s("2026-01-01T00:00:00Z", "2026-01-01T03:00:00Z")]);
        let cut = [s("2026-01-01T00:15:00Z", "2026-01-01T00:45:00Z"), s("2026-01-01T02:30:00Z", "2026-01-01T04:00:00Z")];
        assert_eq!(
            subtract(&v, &cut),
            vec![s("2026-01-01T00:00:00Z", "2026-01-01T00:15:00Z"), s("2026-01-01T00:45:00Z", "2026-01-01T02:30:00Z")]
        );
        assert_eq!(total(&subtract(&v, &cut)), 15 * 60 + 105 * 60);
        assert_eq!(s("2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z").clip(s("2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z")), None);
    }

    /// A 30-day month in Shanghai and its seconds.
    fn november() -> (Stretch, i64) {
        let w = Month::parse("2026-11").expect("a month").window(&zone());
        (w, w.secs())
    }

    #[test]
    fn overlapping_outages_of_one_website_count_once_and_several_websites_each_count() {
        let (w, m) = november();
        let target = pct("99.9");
        // Two records of one hour overlapping by half: 90 minutes down, not 120.
        let one = WebsiteTime {
            outages: vec![s("2026-11-10T00:00:00Z", "2026-11-10T01:00:00Z"), s("2026-11-10T00:30:00Z", "2026-11-10T01:30:00Z")],
            maintenance: vec![],
        };
        let a = availability(Some(w), std::slice::from_ref(&one), Maintenance::Available, target);
        assert_eq!((a.scheduled, a.downtime), (m, 90 * 60));
        // The same on a second website: each website is its own service time.
        let two = availability(Some(w), &[one.clone(), one], Maintenance::Available, target);
        assert_eq!((two.scheduled, two.downtime), (2 * m, 180 * 60));
        assert_eq!(a.attained, two.attained);
        // 90 minutes of 43,200: 99.7916 %, below 99.9 %, the budget of 43.2 minutes exceeded.
        assert_eq!(a.attained, Some(pct("99.7916")));
        assert!(!a.met);
        assert_eq!(a.budget_left, 2592 - 5400);
    }

    #[test]
    fn any_downtime_keeps_a_month_below_a_hundred() {
        let (w, m) = november();
        let site = WebsiteTime { outages: vec![Stretch { start: w.start + 10, end: w.start + 11 }], maintenance: vec![] };
        let a = availability(Some(w), &[site], Maintenance::Available, Percent::HUNDRED);
        assert_eq!(a.downtime, 1);
        assert_eq!(a.attained, Some(pct("99.9999")));
        assert!(!a.met);
        let none = availability(Some(w), &[WebsiteTime::default()], Maintenance::Available, Percent::HUNDRED);
        assert_eq!((none.attained, none.met, none.scheduled), (Some(Percent::HUNDRED), true, m));
        // Nothing scheduled: nothing to judge.
        let empty = availability(None, &[WebsiteTime::default()], Maintenance::Available, pct("99"));
        assert_eq!((empty.attained, empty.met), (None, true));
    }

    #[test]
    fn maintenance_counts_as_the_contract_says() {
        let (w, m) = november();
        // Two hours of maintenance, an outage of three hours overlapping it by one.
        let site = WebsiteTime {
            outages: vec![s("2026-11-10T01:00:00Z", "2026-11-10T04:00:00Z")],
            maintenance: vec![s("2026-11-10T00:00:00Z", "2026-11-10T02:00:00Z")],
        };
        let target = pct("99.5");
        let cases = [
            (Maintenance::Excluded, m - 7200, 2 * 3600),
            (Maintenance::Available, m, 2 * 3600),
            (Maintenance::Downtime, m, 4 * 3600),
        ];
        for (rule, scheduled, downtime) in cases {
            let a = availability(Some(w), std::slice::from_ref(&site), rule, target);
            assert_eq!((a.scheduled, a.downtime, a.maintenance), (scheduled, downtime, 7200), "{rule:?}");
            assert_eq!(a.attained, Percent::of_ratio(scheduled - downtime, scheduled), "{rule:?}");
        }
        // Excluded reads lower than available for the same downtime (a smaller denominator).
        let ex = availability(Some(w), std::slice::from_ref(&site), Maintenance::Excluded, target);
        let av = availability(Some(w), std::slice::from_ref(&site), Maintenance::Available, target);
        assert!(ex.attained < av.attained);
    }

    #[test]
    fn a_month_is_the_sum_of_its_days_and_an_interruption_of_several_websites_counts_once() {
        let z = zone();
        let (w, _) = november();
        let sites = [
            WebsiteTime {
                outages: vec![s("2026-11-09T15:00:00Z", "2026-11-10T03:00:00Z"), s("2026-11-20T01:00:00Z", "2026-11-20T02:00:00Z")],
                maintenance: vec![s("2026-11-09T23:00:00Z", "2026-11-10T05:00:00Z")],
            },
            WebsiteTime { outages: vec![s("2026-11-10T00:00:00Z", "2026-11-10T04:00:00Z")], maintenance: vec![] },
        ];
        let by_days = days(w, &z);
        assert_eq!(by_days.len(), 30);
        assert_eq!(by_days[0].0, civil::date(2026, 11, 1));
        let mut summed = Tally::default();
        for (_, d) in &by_days {
            summed += tally(Some(*d), &sites);
        }
        let whole = tally(Some(w), &sites);
        assert_eq!(summed, whole);
        for rule in [Maintenance::Excluded, Maintenance::Available, Maintenance::Downtime] {
            assert_eq!(summed.attainment(rule, pct("99")), availability(Some(w), &sites, rule, pct("99")), "{rule:?}");
        }
        // Site one is down outside its maintenance 15:00–23:00 on the 9th and 01:00–02:00 on the
        // 20th; site two 00:00–04:00 on the 10th, with no maintenance: 8 + 4 + 1 hours.
        assert_eq!(whole.interrupted(Maintenance::Available), 13 * 3600);
        // Counting maintenance as downtime, site one's window adds 04:00–05:00.
        assert_eq!(whole.interrupted(Maintenance::Downtime), 15 * 3600);
    }

    #[test]
    fn the_kept_days_sum_to_the_month_per_class_faults_count_against_servers_and_empty_days_are_left_out() {
        use crate::sla::{RecordClass as C, RecordKind as K};
        let z = zone();
        let (w, _) = november();
        let rec = |kind, class, a, b, sites: &[u8]| Counted { kind, class, stretch: s(a, b), websites: sites.to_vec() };
        let records = [
            // A power outage on both websites, a server outage and a level-1 fault on one that
            // overlap, and maintenance on the first that covers part of the fault.
            rec(K::Outage, C::Power, "2026-11-02T01:00:00Z", "2026-11-02T02:00:00Z", &[1, 2]),
            rec(K::Outage, C::Server, "2026-11-09T01:00:00Z", "2026-11-09T03:00:00Z", &[1]),
            rec(K::Fault, C::Level1, "2026-11-09T02:00:00Z", "2026-11-09T04:00:00Z", &[1]),
            rec(K::Maintenance, C::Planned, "2026-11-09T03:30:00Z", "2026-11-09T05:00:00Z", &[1]),
        ];
        let by_days = days(w, &z);
        let kept = day_tallies(&[1u8, 2], &records, w, &by_days);
        // Two days with something to say: the 2nd for power and the union, the 9th for every
        // availability (maintenance counts under any rule).
        assert_eq!(kept.len(), 6);
        let find = |a: Availability, day: i8| kept.iter().find(|(d, x, _)| *x == a && d.day() == day).map(|(_, _, t)| *t);
        let power = find(Availability::Power, 2).expect("the 2nd's power");
        assert_eq!((power.scheduled, power.down, power.any_down), (2 * 86_400, 2 * 3600, 3600));
        // The fault and the server outage merge on website 1: 01:00–04:00, half an hour of it in
        // maintenance.
        let server = find(Availability::Server, 9).expect("the 9th's server");
        assert_eq!((server.down, server.maint, server.overlap), (3 * 3600, 5400, 1800));
        // Power saw nothing on the 9th, but the maintenance window is kept for its rule.
        let power9 = find(Availability::Power, 9).expect("the 9th's power");
        assert_eq!((power9.down, power9.maint), (0, 5400));
        // Nothing outside the agreement's span: in force from the 5th, the 2nd is left out.
        let in_force = Stretch { start: at("2026-11-04T16:00:00Z"), end: i64::MAX };
        let kept = day_tallies(&[1u8, 2], &records, in_force, &by_days);
        assert!(kept.iter().all(|(d, _, _)| d.day() == 9));
        assert!(Availability::Any.counts(K::Fault, C::Level2) && !Availability::Power.counts(K::Fault, C::Level1));
        assert_eq!(date_of(civil_of(time::macros::date!(2028 - 02 - 29))), time::macros::date!(2028 - 02 - 29));
    }

    #[test]
    fn an_outage_across_the_months_end_counts_in_each_month_its_part() {
        let z = zone();
        let nov = Month::parse("2026-11").expect("a month");
        // From 23:00 on 30 November to 01:00 on 1 December, Shanghai time.
        let site = WebsiteTime { outages: vec![s("2026-11-30T15:00:00Z", "2026-11-30T17:00:00Z")], maintenance: vec![] };
        for month in [nov, nov.next()] {
            let a = availability(Some(month.window(&z)), std::slice::from_ref(&site), Maintenance::Available, pct("99"));
            assert_eq!(a.downtime, 3600, "{month}");
        }
    }

    #[test]
    fn partial_months_count_only_while_the_agreement_is_in_force_and_the_month_to_date() {
        let (w, _) = november();
        // In force from 16 November, Shanghai midnight.
        let from = at("2026-11-15T16:00:00Z");
        let in_force = Stretch { start: from, end: i64::MAX };
        let window = counted(w, in_force, i64::MAX).expect("part of the month");
        assert_eq!(window.secs(), 15 * 86_400);
        // An outage before the start is outside the month's count.
        let site = WebsiteTime {
            outages: vec![s("2026-11-15T00:00:00Z", "2026-11-15T17:00:00Z")],
            maintenance: vec![],
        };
        let a = availability(Some(window), &[site], Maintenance::Available, pct("99"));
        assert_eq!((a.scheduled, a.downtime), (15 * 86_400, 3600));
        // Ended before the month: nothing counted.
        assert_eq!(counted(w, Stretch { start: 0, end: w.start }, i64::MAX), None);
        // The month in progress, to date.
        let now = at("2026-11-20T16:00:00Z");
        assert_eq!(counted(w, in_force, now).map(Stretch::secs), Some(5 * 86_400));
    }

    #[test]
    fn resolution_runs_on_the_service_hours_and_settles_faults_as_they_come_due() {
        let z = zone();
        let cal = WorkCalendar::seeded();
        let always = ServiceClock { hours: ServiceHours::Always, zone: &z, calendar: &cal };
        let office = ServiceClock { hours: ServiceHours::Working { from: 9 * 60, to: 18 * 60 }, ..always };
        // 7×24: four hours after.
        assert_eq!(due(at("2026-11-06T10:00:00Z"), 4, always), at("2026-11-06T14:00:00Z"));
        // Working hours 09:00–18:00 Shanghai: a fault on Friday 6 November at 17:00 with a 4-hour
        // target is due on Monday 9 November at 12:00.
        assert_eq!(due(at("2026-11-06T09:00:00Z"), 4, office), at("2026-11-09T04:00:00Z"));
        // Before opening: the clock starts at 09:00.
        assert_eq!(due(at("2026-11-09T00:00:00Z"), 1, office), at("2026-11-09T02:00:00Z"));
        // National Day: a fault on 30 September at 17:00 with a 2-hour target has its first hour
        // that day and its second on 8 October, the first working day after the holiday.
        assert_eq!(due(at("2026-09-30T09:00:00Z"), 2, office), at("2026-10-08T02:00:00Z"));
        // A make-up working Saturday (10 October 2026) runs the clock.
        assert_eq!(due(at("2026-10-09T09:00:00Z"), 2, office), at("2026-10-10T02:00:00Z"));

        let (w, _) = november();
        let faults = [
            Fault { start: at("2026-11-02T01:00:00Z"), resolved: Some(at("2026-11-02T03:00:00Z")) },
            Fault { start: at("2026-11-03T01:00:00Z"), resolved: Some(at("2026-11-03T09:00:00Z")) },
            Fault { start: at("2026-11-29T01:00:00Z"), resolved: None },
            Fault { start: at("2026-11-30T15:00:00Z"), resolved: None },
            // Began in October: another month's.
            Fault { start: at("2026-10-31T01:00:00Z"), resolved: Some(at("2026-10-31T02:00:00Z")) },
        ];
        let now = at("2026-11-30T16:30:00Z");
        let r = resolution(&faults, w, now, 4, always, pct("90"));
        assert_eq!((r.faults, r.on_time, r.late, r.pending), (4, 1, 2, 1));
        assert_eq!(r.rate, Some(pct("33.3333")));
        assert!(!r.met);
        let quiet = resolution(&[], w, now, 4, always, pct("90"));
        assert_eq!((quiet.rate, quiet.met), (None, true));
    }

    #[test]
    fn contract_terms_are_read_as_typed_or_refused() {
        assert_eq!(parse_service_hours("7x24"), Some(ServiceHours::Always));
        assert_eq!(parse_service_hours("09:00-18:00"), Some(ServiceHours::Working { from: 540, to: 1080 }));
        for bad in ["", "9:00-18:00", "18:00-09:00", "09:00-24:00", "09:60-18:00", "always"] {
            assert_eq!(parse_service_hours(bad), None, "{bad}");
        }
        assert_eq!(ServiceHours::Working { from: 540, to: 1080 }.to_string(), "09:00-18:00");
        for (text, fen) in [("12000", 1_200_000), ("12,000.5", 1_200_050), ("0.01", 1), ("100000000", 10_000_000_000)] {
            assert_eq!(parse_money(text), Some(fen), "{text}");
        }
        for bad in ["", "-1", "1.234", "1.", "abc", "100000000.01", "1e3"] {
            assert_eq!(parse_money(bad), None, "{bad}");
        }
        assert_eq!(money_text(1_200_050), "12000.50");
        assert_eq!(parse_multiple("2"), Some(200));
        assert_eq!(parse_multiple("1.5"), Some(150));
        for bad in ["0", "0.001", "101", "", "x"] {
            assert_eq!(parse_multiple(bad), None, "{bad}");
        }
        let bands = parse_bands("99 99.9 10\n\n0 99 100\n99.9 - 0").expect("bands");
        assert_eq!(bands.len(), 3);
        assert_eq!(bands_text(&bands), "99 99.9 10\n0 99 100\n99.9 - 0");
        assert_eq!(parse_bands("99 99.9\n"), Err(1));
        assert_eq!(parse_bands("99 99.9 10\n99 x 10"), Err(2));
    }

    #[test]
    fn frequencies_retentions_and_a_versions_first_day_are_checked() {
        assert_eq!(parse_every("1/day"), Some(Amount { n: 1, unit: Unit::Day }));
        assert_eq!(parse_kept("30 day").map(Amount::kept_text), Some("30 day".into()));
        assert_eq!(parse_every("2/week").map(Amount::every_text), Some("2/week".into()));
        for bad in ["0/day", "1/year", "1 day", "", "1001/day", "x/day"] {
            assert_eq!(parse_every(bad), None, "{bad}");
        }
        assert_eq!(parse_kept("1/day"), None);
        use time::macros::date;
        let engagement = (date!(2026 - 01 - 01), date!(2027 - 12 - 31));
        let today = date!(2026 - 12 - 04);
        // The first version may start with the engagement, in the past.
        assert_eq!(start_refused(date!(2026 - 01 - 01), engagement, None, today), None);
        assert_eq!(start_refused(date!(2025 - 12 - 31), engagement, None, today), Some(StartError::BeforeEngagement));
        assert_eq!(start_refused(date!(2028 - 01 - 01), engagement, None, today), Some(StartError::AfterEngagement));
        // After one is accepted: strictly after its start, and not before today.
        let latest = Some(date!(2026 - 01 - 01));
        assert_eq!(start_refused(date!(2026 - 01 - 01), engagement, latest, today), Some(StartError::NotAfterAccepted));
        assert_eq!(start_refused(date!(2026 - 11 - 01), engagement, latest, today), Some(StartError::InThePast));
        assert_eq!(start_refused(today, engagement, latest, today), None);
        assert_eq!(start_refused(date!(2027 - 01 - 01), engagement, latest, today), None);
    }

    #[test]
    fn compensation_follows_clause_5_12_and_its_cap() {
        let (_, m) = november();
        // Per started hour, twice the fee of an average hour, on a fee of 72,000.00 yuan a month
        // (720 hours: 100 yuan an hour).
        let rule = Compensation::PerUnit { unit_minutes: 60, multiple: 200 };
        let fee = 7_200_000;
        let owed = compensation(&rule, 90 * 60, fee, m, m, None);
        assert_eq!(owed, Owed { amount: 40_000, units: 2, capped: false });
        assert_eq!(compensation(&rule, 0, fee, m, m, None).amount, 0);
        assert_eq!(compensation(&rule, 3600, fee, m, m, None).units, 1);
        assert_eq!(compensation(&rule, 3601, fee, m, m, None).units, 2);
        // A month of interruption: capped at the month's fee, prorated for a half month in force.
        assert_eq!(compensation(&rule, m, fee, m, m, None), Owed { amount: fee, units: 720, capped: true });
        assert_eq!(compensation(&rule, m, fee, m, m / 2, None).amount, fee / 2);

        let bands = check_bands(&[
            Band { from: pct("99"), below: Some(pct("99.9")), share: pct("10") },
            Band { from: pct("95"), below: Some(pct("99")), share: pct("25") },
            Band { from: pct("0"), below: Some(pct("95")), share: pct("100") },
        ])
        .expect("bands that touch without overlapping");
        let rule = Compensation::Bands(bands);
        // The bounds as written: 99 % is in the 10 % band, 99.9 % in none.
        for (attained, amount) in [("99.9", 0), ("99.8999", 720_000), ("99", 720_000), ("98.9999", 1_800_000), ("94", 7_200_000)] {
            assert_eq!(compensation(&rule, 0, fee, m, m, Some(pct(attained))).amount, amount, "{attained}");
        }
        assert_eq!(compensation(&rule, 0, fee, m, m, None).amount, 0);
        assert_eq!(
            check_bands(&[Band { from: pct("99"), below: Some(pct("99.9")), share: pct("10") }, Band { from: pct("99.5"), below: None, share: pct("5") }]),
            Err(BandError::Overlap(0, 1))
        );
        assert_eq!(check_bands(&[Band { from: pct("99"), below: Some(pct("99")), share: pct("10") }]), Err(BandError::Empty(0)));
    }
}
