//! The duty roster's rules: rotations handing off on a wall-clock pattern in their own time zone,
//! then swaps, overrides and special periods resolved in that fixed order into who is on duty
//! when, and the gaps in the cover required. Plain functions over plain values: no database.
use std::collections::BTreeSet;

use jiff::{
    civil::{Date, Weekday},
    tz::TimeZone,
    Timestamp, ToSpan,
};
use uuid::Uuid;

/// A person who can stand duty.
pub type Person = Uuid;

/// Whether a duty is the one called first, or the one called when the first does not answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Layer {
    Primary,
    Backup,
}

/// A time of day on the wall clock, in minutes since midnight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Clock(u16);

impl Clock {
    pub const MIDNIGHT: Clock = Clock(0);

    pub fn new(hour: u8, minute: u8) -> Option<Clock> {
        (hour < 24 && minute < 60).then_some(Clock(u16::from(hour) * 60 + u16::from(minute)))
    }

    /// Reads `HH:MM` (24-hour).
    pub fn parse(text: &str) -> Option<Clock> {
        let (h, m) = text.trim().split_once(':')?;
        if h.is_empty() || h.len() > 2 || m.len() != 2 {
            return None;
        }
        Clock::new(h.parse().ok()?, m.parse().ok()?)
    }

    pub fn hour(self) -> u8 {
        (self.0 / 60) as u8
    }

    pub fn minute(self) -> u8 {
        (self.0 % 60) as u8
    }

    /// The moment this time of day falls on `day` in `zone`. A time the clocks skip (a spring
    /// daylight-saving change) moves on by the skipped length; a time they repeat (autumn) is
    /// its first occurrence.
    pub fn on(self, day: Date, zone: &TimeZone) -> Timestamp {
        let at = day.at(self.hour() as i8, self.minute() as i8, 0, 0);
        zone.to_ambiguous_timestamp(at).compatible().unwrap_or(Timestamp::MIN)
    }
}

impl std::fmt::Display for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}:{:02}", self.hour(), self.minute())
    }
}

/// Some days of the week (bit 0 is Monday).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Days(u8);

impl Days {
    pub const ALL: Days = Days(0b111_1111);
    pub const WEEKDAYS: Days = Days(0b001_1111);
    pub const WEEKEND: Days = Days(0b110_0000);
    pub const CODES: [&'static str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

    pub fn of(days: &[Weekday]) -> Days {
        Days(days.iter().fold(0, |bits, d| bits | 1 << d.to_monday_zero_offset()))
    }

    pub fn has(self, day: Weekday) -> bool {
        self.0 & (1 << day.to_monday_zero_offset()) != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn bits(self) -> u8 {
        self.0
    }

    pub fn from_bits(bits: u8) -> Days {
        Days(bits & Days::ALL.0)
    }

    /// Reads day codes separated by commas (`mon,tue`); `None` on an unknown code.
    pub fn parse(text: &str) -> Option<Days> {
        let mut bits = 0u8;
        for code in text.split(',').map(str::trim).filter(|c| !c.is_empty()) {
            let i = Days::CODES.iter().position(|c| c.eq_ignore_ascii_case(code))?;
            bits |= 1 << i;
        }
        Some(Days(bits))
    }

    pub fn code(self) -> String {
        Days::CODES
            .iter()
            .enumerate()
            .filter(|(i, _)| self.0 & (1 << i) != 0)
            .map(|(_, c)| *c)
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// A stretch of time, `[start, end)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: Timestamp,
    pub end: Timestamp,
}

impl Span {
    /// `None` when it would end before or when it starts.
    pub fn new(start: Timestamp, end: Timestamp) -> Option<Span> {
        (start < end).then_some(Span { start, end })
    }

    pub fn overlaps(self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }

    pub fn contains(self, at: Timestamp) -> bool {
        self.start <= at && at < self.end
    }

    pub fn clip(self, to: Span) -> Option<Span> {
        Span::new(self.start.max(to.start), self.end.min(to.end))
    }

    pub fn seconds(self) -> i64 {
        self.end.as_second() - self.start.as_second()
    }
}

/// Sorts and joins spans that touch or overlap.
pub fn merged(mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort();
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for s in spans {
        match out.last_mut() {
            Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
            _ => out.push(s),
        }
    }
    out
}

/// `from` without any of `cut` (both sorted and merged).
pub fn minus(from: &[Span], cut: &[Span]) -> Vec<Span> {
    let mut out = Vec::new();
    for s in from {
        let mut start = s.start;
        for c in cut.iter().filter(|c| c.overlaps(*s)) {
            if c.start > start {
                out.push(Span { start, end: c.start });
            }
            start = start.max(c.end);
        }
        if start < s.end {
            out.push(Span { start, end: s.end });
        }
    }
    out
}

/// Hours on some days: from `from` on each of `days` until `to` — the next day when `to` is not
/// after `from`, so `18:00`–`08:30` is a night and `00:00`–`00:00` a whole day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub days: Days,
    pub from: Clock,
    pub to: Clock,
}

/// When something applies, as windows on the wall clock of a time zone; no windows at all means
/// every hour (a rotation without a filter, a roster that covers round the clock).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Hours {
    pub windows: Vec<Window>,
}

impl Hours {
    pub fn always() -> Hours {
        Hours { windows: Vec::new() }
    }

    /// Outside the eight working hours: weekday nights (18:00–08:30) and whole weekends.
    pub fn out_of_hours() -> Hours {
        let at = |h, m| Clock::new(h, m).unwrap_or(Clock::MIDNIGHT);
        Hours {
            windows: vec![
                Window { days: Days::WEEKDAYS, from: Clock::MIDNIGHT, to: at(8, 30) },
                Window { days: Days::WEEKDAYS, from: at(18, 0), to: Clock::MIDNIGHT },
                Window { days: Days::WEEKEND, from: Clock::MIDNIGHT, to: Clock::MIDNIGHT },
            ],
        }
    }

    pub fn is_always(&self) -> bool {
        self.windows.is_empty()
    }

    /// Reads windows as stored and typed: `mon,tue,wed,thu,fri 18:00-08:30; sat,sun 00:00-00:00`
    /// (empty: every hour). `None` names nothing about where it failed; the form's field does.
    pub fn parse(text: &str) -> Option<Hours> {
        let mut windows = Vec::new();
        for part in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let (days, clocks) = part.rsplit_once(' ')?;
            let (from, to) = clocks.split_once('-')?;
            let days = Days::parse(days)?;
            if days.is_empty() {
                return None;
            }
            windows.push(Window { days, from: Clock::parse(from)?, to: Clock::parse(to)? });
        }
        Some(Hours { windows })
    }

    /// The stored form [`Hours::parse`] reads.
    pub fn code(&self) -> String {
        self.windows.iter().map(|w| format!("{} {}-{}", w.days.code(), w.from, w.to)).collect::<Vec<_>>().join("; ")
    }

    /// The hours within `within`, sorted and merged, on the wall clock of `zone`.
    pub fn spans(&self, zone: &TimeZone, within: Span) -> Vec<Span> {
        if self.is_always() {
            return vec![within];
        }
        let first = zone.to_datetime(within.start).date().yesterday().unwrap_or(Date::MIN);
        let last = zone.to_datetime(within.end).date();
        let mut out = Vec::new();
        let mut day = first;
        while day <= last {
            for w in self.windows.iter().filter(|w| w.days.has(day.weekday())) {
                let start = w.from.on(day, zone);
                let end_day = if w.to <= w.from { day.tomorrow().unwrap_or(day) } else { day };
                if let Some(s) = Span::new(start, w.to.on(end_day, zone)).and_then(|s| s.clip(within)) {
                    out.push(s);
                }
            }
            let Ok(next) = day.tomorrow() else { break };
            day = next;
        }
        merged(out)
    }
}

/// How a rotation hands off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pattern {
    Daily,
    Weekly,
    /// Every so many days (1 to 366).
    EveryDays(u16),
    /// On each of these weekdays, the shift lasting until the next of them.
    OnWeekdays(Days),
}

/// The longest cycle a rotation may have, in days.
pub const MAX_EVERY_DAYS: u16 = 366;

/// A member of a rotation, who takes turns from `joins` (if set) and stops on `leaves` (if set).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub person: Person,
    pub joins: Option<Date>,
    pub leaves: Option<Date>,
}

impl Member {
    pub fn always(person: Person) -> Member {
        Member { person, joins: None, leaves: None }
    }

    fn takes_turns_on(&self, day: Date) -> bool {
        self.joins.is_none_or(|j| j <= day) && self.leaves.is_none_or(|l| day < l)
    }
}

/// One version of a rotation: people taking turns on a pattern, handing off at `handoff` on the
/// wall clock of `zone`, counted from `anchor`; on duty only within `hours`; in force over
/// `[from, until)` (an edit ends this version and starts another, so the past is never rewritten).
#[derive(Clone, Debug)]
pub struct Rotation {
    pub id: Uuid,
    pub layer: Layer,
    pub zone: TimeZone,
    pub anchor: Date,
    pub handoff: Clock,
    pub pattern: Pattern,
    pub members: Vec<Member>,
    pub hours: Hours,
    pub from: Timestamp,
    pub until: Option<Timestamp>,
}

/// Someone on duty over a span, and through what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Duty {
    pub person: Person,
    pub layer: Layer,
    pub span: Span,
    pub source: Source,
}

/// What put a person on duty.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    /// A rotation's turn: the rotation and its slot's first moment (a shift's stable identity).
    Rotation {
        rotation: Uuid,
        slot: Timestamp,
    },
    Swap(Uuid),
    Override(Uuid),
    Special(Uuid),
}

impl Rotation {
    /// The `k`-th handoff (`k` from 0) of a pattern that steps by whole days.
    fn step_days(&self) -> Option<i64> {
        match self.pattern {
            Pattern::Daily => Some(1),
            Pattern::Weekly => Some(7),
            Pattern::EveryDays(n) => Some(i64::from(n.max(1))),
            Pattern::OnWeekdays(_) => None,
        }
    }

    /// The handoff days from the anchor on: each is a slot's first day.
    fn handoff_days(&self) -> impl Iterator<Item = Date> + '_ {
        let step = self.step_days();
        let mut day = Some(self.anchor);
        std::iter::from_fn(move || loop {
            let d = day?;
            day = match step {
                Some(n) => d.checked_add(n.days()).ok(),
                None => d.tomorrow().ok(),
            };
            match self.pattern {
                Pattern::OnWeekdays(days) if !days.has(d.weekday()) => {
                    if days.is_empty() {
                        return None;
                    }
                    continue;
                }
                _ => return Some(d),
            }
        })
    }

    /// The handoff day before `day`, if the pattern has one.
    fn handoff_before(&self, day: Date) -> Option<Date> {
        if let Some(n) = self.step_days() {
            return day.checked_sub(n.days()).ok();
        }
        let Pattern::OnWeekdays(days) = self.pattern else { return None };
        let mut d = day;
        for _ in 0..7 {
            d = d.yesterday().ok()?;
            if days.has(d.weekday()) {
                return Some(d);
            }
        }
        None
    }

    /// The turns of this version that touch `window`: each slot between two handoffs goes to the
    /// next member in order, counted from the anchor. A slot the hours leave empty is skipped and
    /// takes no one's turn (so a filter never starves a member), as does a slot no member is in
    /// the rotation for on its first day. Before the anchor the turns run on backwards (the slot
    /// just before it is the last member's), so a rotation covers from the moment it is in force
    /// rather than from its first handoff: a desk set up at 00:40 with a 09:00 handoff has
    /// someone on duty at once.
    pub fn duties(&self, window: Span) -> Vec<Duty> {
        let in_force = Span { start: self.from, end: self.until.unwrap_or(Timestamp::MAX) };
        let Some(window) = window.clip(in_force) else { return Vec::new() };
        let mut out = Vec::new();
        let mut days = self.handoff_days();
        let Some(first) = days.next() else { return out };
        // Walk back from the first handoff to the slot holding the window's start.
        let mut back: Vec<(Date, Span)> = Vec::new();
        let mut later = first;
        while back.len() < MAX_SLOTS_BACK {
            let Some(day) = self.handoff_before(later) else { break };
            let start = self.handoff.on(day, &self.zone);
            let Some(slot) = Span::new(start, self.handoff.on(later, &self.zone)) else { break };
            if slot.end <= window.start {
                break;
            }
            back.push((day, slot));
            later = day;
        }
        let mut turn: usize = 0;
        let mut earlier = Vec::new();
        for (day, slot) in back {
            if let Some((on, eligible)) = self.slot_people(day, slot) {
                turn += 1;
                let person = eligible[(eligible.len() - turn % eligible.len()) % eligible.len()].person;
                earlier.push(self.slot_duties(slot, on, person, window));
            }
        }
        out.extend(earlier.into_iter().rev().flatten());
        turn = 0;
        let (mut day, mut start) = (first, self.handoff.on(first, &self.zone));
        for next_day in days {
            let end = self.handoff.on(next_day, &self.zone);
            if start >= window.end {
                break;
            }
            if let Some(slot) = Span::new(start, end) {
                if let Some((on, eligible)) = self.slot_people(day, slot) {
                    let person = eligible[turn % eligible.len()].person;
                    turn += 1;
                    out.extend(self.slot_duties(slot, on, person, window));
                }
            }
            day = next_day;
            start = end;
        }
        out
    }

    /// The spans a slot starting on `day` is on duty within its hours, and the members whose
    /// turn it can be; `None` when the slot takes no one's turn.
    fn slot_people(&self, day: Date, slot: Span) -> Option<(Vec<Span>, Vec<&Member>)> {
        let on = self.hours.spans(&self.zone, slot);
        let eligible: Vec<&Member> = self.members.iter().filter(|m| m.takes_turns_on(day)).collect();
        (!on.is_empty() && !eligible.is_empty()).then_some((on, eligible))
    }

    /// A slot's duties for `person` inside `window`.
    fn slot_duties(&self, slot: Span, on: Vec<Span>, person: Person, window: Span) -> Vec<Duty> {
        if !slot.overlaps(window) {
            return Vec::new();
        }
        let source = Source::Rotation { rotation: self.id, slot: slot.start };
        on.into_iter().filter_map(|s| s.clip(window)).map(|span| Duty { person, layer: self.layer, span, source }).collect()
    }
}

/// How far back before its anchor a rotation's turns are counted (a slot a day: about ten years),
/// so an anchor set far ahead costs a bounded walk.
const MAX_SLOTS_BACK: usize = 3700;

/// What an override does over its span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// Puts this person on duty (beside whoever is).
    Add(Person),
    /// Takes this person off duty where they are on.
    Remove(Person),
    /// Puts `to` on duty in place of `from`, only where `from` is on duty.
    Replace { from: Person, to: Person },
}

impl Change {
    pub fn people(self) -> Vec<Person> {
        match self {
            Change::Add(p) | Change::Remove(p) => vec![p],
            Change::Replace { from, to } => vec![from, to],
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Override {
    pub id: Uuid,
    pub layer: Layer,
    pub span: Span,
    pub change: Change,
}

/// A shift handed over: `to` stands it in place of `from` over the shift's span (a taken offer,
/// or a manager's reassignment). It keeps its slot whatever later edits do to the rotation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Swap {
    pub id: Uuid,
    pub layer: Layer,
    pub span: Span,
    pub from: Person,
    pub to: Person,
}

/// A fixed shift of a special period's own roster.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FixedShift {
    pub person: Person,
    pub layer: Layer,
    pub span: Span,
}

/// National Day week, the Two Sessions, a major event: a window that may require cover round
/// the clock, with status reports at a cadence, and may carry a fixed roster that wins over
/// everything else in the window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecialPeriod {
    pub id: Uuid,
    pub span: Span,
    pub round_the_clock: bool,
    /// Hours between status reports (none: no reports due).
    pub report_every_hours: Option<u16>,
    pub shifts: Vec<FixedShift>,
}

/// Everything that decides who is on duty.
#[derive(Clone, Debug, Default)]
pub struct Roster {
    pub rotations: Vec<Rotation>,
    pub swaps: Vec<Swap>,
    pub overrides: Vec<Override>,
    pub specials: Vec<SpecialPeriod>,
}

/// Who is on duty over a stretch of time in which nothing changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    pub span: Span,
    pub primary: BTreeSet<Person>,
    pub backup: BTreeSet<Person>,
}

impl Segment {
    fn layer_mut(&mut self, layer: Layer) -> &mut BTreeSet<Person> {
        match layer {
            Layer::Primary => &mut self.primary,
            Layer::Backup => &mut self.backup,
        }
    }

    pub fn layer(&self, layer: Layer) -> &BTreeSet<Person> {
        match layer {
            Layer::Primary => &self.primary,
            Layer::Backup => &self.backup,
        }
    }
}

impl Roster {
    /// Who is on duty over `window`, as stretches in which nothing changes (adjacent equal ones
    /// joined; a stretch with no one on duty is kept, so the segments tile the window). Resolved
    /// in a fixed order: rotations, then swaps, then overrides (removals and replacements, then
    /// additions), then a special period's fixed roster, which wins in its window.
    pub fn resolve(&self, window: Span) -> Vec<Segment> {
        self.resolve_without(window, None)
    }

    /// [`Roster::resolve`] as if override `skip` did not exist (to find an override that changes
    /// nothing).
    fn resolve_without(&self, window: Span, skip: Option<Uuid>) -> Vec<Segment> {
        let duties: Vec<Duty> = self.rotations.iter().flat_map(|r| r.duties(window)).collect();
        let overrides: Vec<&Override> =
            self.overrides.iter().filter(|o| Some(o.id) != skip && o.span.overlaps(window)).collect();
        let swaps: Vec<&Swap> = self.swaps.iter().filter(|s| s.span.overlaps(window)).collect();
        let specials: Vec<&SpecialPeriod> =
            self.specials.iter().filter(|p| !p.shifts.is_empty() && p.span.overlaps(window)).collect();
        let mut cuts: Vec<Timestamp> = vec![window.start, window.end];
        cuts.extend(duties.iter().flat_map(|d| [d.span.start, d.span.end]));
        cuts.extend(overrides.iter().flat_map(|o| [o.span.start, o.span.end]));
        cuts.extend(swaps.iter().flat_map(|s| [s.span.start, s.span.end]));
        for p in &specials {
            cuts.extend([p.span.start, p.span.end]);
            cuts.extend(p.shifts.iter().flat_map(|s| [s.span.start, s.span.end]));
        }
        cuts.retain(|t| window.contains(*t) || *t == window.end);
        cuts.sort();
        cuts.dedup();
        let mut out: Vec<Segment> = Vec::new();
        for pair in cuts.windows(2) {
            let span = Span { start: pair[0], end: pair[1] };
            let at = span.start;
            let mut seg = Segment { span, primary: BTreeSet::new(), backup: BTreeSet::new() };
            if let Some(p) = specials.iter().find(|p| p.span.contains(at)) {
                for s in p.shifts.iter().filter(|s| s.span.contains(at)) {
                    seg.layer_mut(s.layer).insert(s.person);
                }
            } else {
                for d in duties.iter().filter(|d| d.span.contains(at)) {
                    seg.layer_mut(d.layer).insert(d.person);
                }
                for s in swaps.iter().filter(|s| s.span.contains(at)) {
                    let on = seg.layer_mut(s.layer);
                    on.remove(&s.from);
                    on.insert(s.to);
                }
                let now: Vec<&&Override> = overrides.iter().filter(|o| o.span.contains(at)).collect();
                for o in &now {
                    let on = seg.layer_mut(o.layer);
                    match o.change {
                        Change::Remove(p) => {
                            on.remove(&p);
                        }
                        Change::Replace { from, to } => {
                            if on.remove(&from) {
                                on.insert(to);
                            }
                        }
                        Change::Add(_) => {}
                    }
                }
                for o in &now {
                    if let Change::Add(p) = o.change {
                        seg.layer_mut(o.layer).insert(p);
                    }
                }
            }
            match out.last_mut() {
                Some(last) if last.primary == seg.primary && last.backup == seg.backup => last.span.end = span.end,
                _ => out.push(seg),
            }
        }
        out
    }
}

/// The cover required over `window`: the roster's own hours (none when it covers nothing by
/// design), and round the clock inside a special period that asks for it.
pub fn required(hours: Option<&Hours>, zone: &TimeZone, specials: &[SpecialPeriod], window: Span) -> Vec<Span> {
    let mut out = hours.map(|h| h.spans(zone, window)).unwrap_or_default();
    out.extend(specials.iter().filter(|p| p.round_the_clock).filter_map(|p| p.span.clip(window)));
    merged(out)
}

/// A stretch where cover is required and no primary is on duty; `backup` is who stands in
/// (empty: no one at all).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gap {
    pub span: Span,
    pub backup: BTreeSet<Person>,
}

/// The gaps of `segments` in the `required` cover (both sorted), joined where they touch and
/// have the same backups.
pub fn gaps(segments: &[Segment], required: &[Span]) -> Vec<Gap> {
    let mut out: Vec<Gap> = Vec::new();
    for need in required {
        for seg in segments.iter().filter(|s| s.primary.is_empty()) {
            let Some(span) = seg.span.clip(*need) else { continue };
            match out.last_mut() {
                Some(g) if g.span.end == span.start && g.backup == seg.backup => g.span.end = span.end,
                _ => out.push(Gap { span, backup: seg.backup.clone() }),
            }
        }
    }
    out
}

/// A roster's quality over a window: required and covered seconds, and each person's primary
/// seconds, most loaded first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quality {
    pub required_seconds: i64,
    pub covered_seconds: i64,
    pub by_person: Vec<(Person, i64)>,
}

impl Quality {
    /// Covered share of the required time, in per mille (1000 when nothing is required).
    pub fn coverage_permille(&self) -> i64 {
        if self.required_seconds == 0 {
            1000
        } else {
            self.covered_seconds * 1000 / self.required_seconds
        }
    }
}

pub fn quality(segments: &[Segment], required: &[Span]) -> Quality {
    let required_seconds: i64 = required.iter().map(|s| s.seconds()).sum();
    let uncovered: i64 = gaps(segments, required).iter().map(|g| g.span.seconds()).sum();
    let mut hours: std::collections::BTreeMap<Person, i64> = Default::default();
    for seg in segments {
        for p in &seg.primary {
            *hours.entry(*p).or_default() += seg.span.seconds();
        }
    }
    let mut by_person: Vec<(Person, i64)> = hours.into_iter().collect();
    by_person.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Quality { required_seconds, covered_seconds: required_seconds - uncovered, by_person }
}

/// One person's unbroken stretch on one layer: what a person calls "my shift".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shift {
    pub person: Person,
    pub layer: Layer,
    pub span: Span,
}

/// Everyone's shifts in `segments` (which tile a window, sorted): each person's unbroken stretch
/// on a layer, cut where the window is. Ordered by start, then layer, then person.
pub fn shifts(segments: &[Segment]) -> Vec<Shift> {
    let mut open: std::collections::BTreeMap<(Person, Layer), Timestamp> = Default::default();
    let mut out = Vec::new();
    let mut last_end: Option<Timestamp> = None;
    for seg in segments {
        let here: BTreeSet<(Person, Layer)> = seg
            .primary
            .iter()
            .map(|p| (*p, Layer::Primary))
            .chain(seg.backup.iter().map(|p| (*p, Layer::Backup)))
            .collect();
        let joined = last_end == Some(seg.span.start);
        open.retain(|key, start| {
            if joined && here.contains(key) {
                return true;
            }
            if let Some(end) = last_end {
                out.push(Shift { person: key.0, layer: key.1, span: Span { start: *start, end } });
            }
            false
        });
        for key in here {
            open.entry(key).or_insert(seg.span.start);
        }
        last_end = Some(seg.span.end);
    }
    if let Some(end) = last_end {
        out.extend(open.into_iter().map(|((person, layer), start)| Shift { person, layer, span: Span { start, end } }));
    }
    out.sort_by(|a, b| a.span.start.cmp(&b.span.start).then(a.layer.cmp(&b.layer)).then(a.person.cmp(&b.person)));
    out
}

/// Whether `person` is on `layer` for the whole of `span` (the segments tile a window holding it).
pub fn on_duty_throughout(segments: &[Segment], person: Person, layer: Layer, span: Span) -> bool {
    let mut reached = span.start;
    for seg in segments.iter().filter(|s| s.span.overlaps(span)) {
        if seg.span.start > reached || !seg.layer(layer).contains(&person) {
            return false;
        }
        reached = seg.span.end;
    }
    reached >= span.end
}

/// Checks an offer of `span` of `person`'s duty on `layer`: it must end after it starts, not be
/// over, and be the offerer's own duty throughout.
pub fn check_offer(segments: &[Segment], person: Person, layer: Layer, span: Span, now: Timestamp) -> Result<(), Refusal> {
    if span.start >= span.end {
        return Err(Refusal::EndsBeforeStart);
    }
    if span.end <= now {
        return Err(Refusal::InThePast);
    }
    if !on_duty_throughout(segments, person, layer, span) {
        return Err(Refusal::NotOnDuty);
    }
    Ok(())
}

/// Checks that `taker` may stand `from`'s offered `span` on `layer`: not their own offer, and not
/// already on that layer at any moment of it (the swap would then leave one person short).
pub fn check_take(segments: &[Segment], from: Person, taker: Person, layer: Layer, span: Span) -> Result<(), Refusal> {
    if from == taker {
        return Err(Refusal::OwnOffer);
    }
    if segments.iter().filter(|s| s.span.overlaps(span)).any(|s| s.layer(layer).contains(&taker)) {
        return Err(Refusal::AlreadyOnDuty);
    }
    Ok(())
}

/// Who takes over when `shift` ends: the primaries on duty at its end who were not on it just
/// before (the people a handover is for). Empty when no one comes on.
pub fn next_on_duty(segments: &[Segment], shift: &Shift) -> BTreeSet<Person> {
    let after = segments.iter().find(|s| s.span.contains(shift.span.end));
    let before: BTreeSet<Person> =
        segments.iter().find(|s| s.span.end == shift.span.end).map(|s| s.layer(shift.layer).clone()).unwrap_or_default();
    after.map(|s| s.layer(shift.layer).difference(&before).copied().collect()).unwrap_or_default()
}

/// Why an override, a swap or a rotation is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The end is not after the start.
    EndsBeforeStart,
    /// A replacement names the same person twice.
    SamePerson,
    /// It overlaps another override of the roster's layer that names one of its people.
    Conflicts(Uuid),
    /// The roster reads the same with it as without it.
    ChangesNothing,
    /// A rotation with no members.
    NoPeople,
    /// A rotation stepping by no days, or by more than [`MAX_EVERY_DAYS`].
    BadStep,
    /// A rotation on weekdays with none chosen.
    NoDays,
    /// It ends before now.
    InThePast,
    /// Taking one's own offer.
    OwnOffer,
    /// Offering (or handing over) duty that is not the offerer's throughout.
    NotOnDuty,
    /// Taking a shift while already on duty on its layer during it.
    AlreadyOnDuty,
}

/// Checks a new override against the roster: its span, its people, the overrides it would
/// conflict with (overlapping in time on the same layer and naming a person in common) and
/// whether it changes anything.
pub fn check_override(roster: &Roster, new: &Override) -> Result<(), Refusal> {
    if new.span.start >= new.span.end {
        return Err(Refusal::EndsBeforeStart);
    }
    if let Change::Replace { from, to } = new.change {
        if from == to {
            return Err(Refusal::SamePerson);
        }
    }
    let people = new.change.people();
    if let Some(other) = roster.overrides.iter().find(|o| {
        o.id != new.id
            && o.layer == new.layer
            && o.span.overlaps(new.span)
            && o.change.people().iter().any(|p| people.contains(p))
    }) {
        return Err(Refusal::Conflicts(other.id));
    }
    let mut with = roster.clone();
    with.overrides.retain(|o| o.id != new.id);
    with.overrides.push(*new);
    if with.resolve_without(new.span, None) == with.resolve_without(new.span, Some(new.id)) {
        return Err(Refusal::ChangesNothing);
    }
    Ok(())
}

/// Checks a rotation's shape.
pub fn check_rotation(r: &Rotation) -> Result<(), Refusal> {
    if r.members.is_empty() {
        return Err(Refusal::NoPeople);
    }
    match r.pattern {
        Pattern::EveryDays(n) if n == 0 || n > MAX_EVERY_DAYS => Err(Refusal::BadStep),
        Pattern::OnWeekdays(d) if d.is_empty() => Err(Refusal::NoDays),
        _ => Ok(()),
    }
}

/// A special period must end after it starts, and after `now`.
pub fn check_special(span_start: Timestamp, span_end: Timestamp, now: Timestamp) -> Result<Span, Refusal> {
    let span = Span::new(span_start, span_end).ok_or(Refusal::EndsBeforeStart)?;
    if span.end <= now {
        return Err(Refusal::InThePast);
    }
    Ok(span)
}

/// When a special period's status reports are due: every `every` hours from its start, up to
/// its end.
pub fn report_times(period: &SpecialPeriod) -> Vec<Timestamp> {
    let Some(every) = period.report_every_hours.filter(|h| *h > 0) else { return Vec::new() };
    let mut out = Vec::new();
    let mut at = period.span.start;
    while let Ok(next) = at.checked_add(i64::from(every).hours()) {
        if next > period.span.end {
            break;
        }
        out.push(next);
        at = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(name: &str) -> TimeZone {
        TimeZone::get(name).expect("zone")
    }

    fn at(zone_name: &str, text: &str) -> Timestamp {
        let dt: jiff::civil::DateTime = text.parse().expect("datetime");
        dt.to_zoned_datetime(zone(zone_name)).expect("zoned").timestamp()
    }

    fn sh(text: &str) -> Timestamp {
        at("Asia/Shanghai", text)
    }

    fn span(a: &str, b: &str) -> Span {
        Span::new(sh(a), sh(b)).expect("span")
    }

    fn person(n: u8) -> Person {
        Uuid::from_bytes([n; 16])
    }

    fn rotation(pattern: Pattern, people: &[u8]) -> Rotation {
        Rotation {
            id: Uuid::from_bytes([200; 16]),
            layer: Layer::Primary,
            zone: zone("Asia/Shanghai"),
            anchor: "2026-09-28".parse().expect("date"),
            handoff: Clock::parse("09:00").expect("clock"),
            pattern,
            members: people.iter().map(|p| Member::always(person(*p))).collect(),
            hours: Hours::always(),
            from: Timestamp::MIN,
            until: None,
        }
    }

    /// (person, start, end) of each duty, in Shanghai time.
    fn who(duties: &[Duty]) -> Vec<(u8, String, String)> {
        let tz = zone("Asia/Shanghai");
        let fmt = |t: Timestamp| t.to_zoned_datetime(tz.clone()).strftime("%m-%d %H:%M").to_string();
        duties.iter().map(|d| (d.person.as_bytes()[0], fmt(d.span.start), fmt(d.span.end))).collect()
    }

    fn on(segments: &[Segment], t: Timestamp) -> (Vec<u8>, Vec<u8>) {
        let s = segments.iter().find(|s| s.span.contains(t)).expect("covered instant");
        (s.primary.iter().map(|p| p.as_bytes()[0]).collect(), s.backup.iter().map(|p| p.as_bytes()[0]).collect())
    }

    #[test]
    fn clocks_and_days_read_and_write() {
        assert_eq!(Clock::parse("08:30").map(|c| c.to_string()), Some("08:30".into()));
        for bad in ["24:00", "8:3", "ab:cd", "", "12:60", "123:00"] {
            assert_eq!(Clock::parse(bad), None, "{bad}");
        }
        assert_eq!(Days::parse("mon, fri").map(Days::code), Some("mon,fri".into()));
        assert_eq!(Days::parse("mon,xyz"), None);
        assert!(Days::WEEKEND.has(Weekday::Sunday) && !Days::WEEKEND.has(Weekday::Friday));
        let hours = Hours::out_of_hours();
        assert_eq!(hours.code(), "mon,tue,wed,thu,fri 00:00-08:30; mon,tue,wed,thu,fri 18:00-00:00; sat,sun 00:00-00:00");
        assert_eq!(Hours::parse(&hours.code()), Some(hours.clone()));
        assert_eq!(hours.code(), crate::rosters::OUT_OF_HOURS_CODE);
        assert_eq!(Hours::parse(""), Some(Hours::always()));
        for bad in ["mon 18:00", "xyz 18:00-08:00", " 18:00-08:00", "mon 18:00-25:00", "mon18:00-08:00"] {
            assert_eq!(Hours::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn rotations_hand_off_on_their_pattern_from_the_anchor() {
        type Case<'a> = (Pattern, &'a [u8], &'a str, &'a str, &'a [(u8, &'a str, &'a str)]);
        let cases: &[Case] = &[
            (
                Pattern::Daily,
                &[1, 2, 3],
                "2026-09-28 00:00",
                "2026-10-01 12:00",
                &[
                    (3, "09-28 00:00", "09-28 09:00"),
                    (1, "09-28 09:00", "09-29 09:00"),
                    (2, "09-29 09:00", "09-30 09:00"),
                    (3, "09-30 09:00", "10-01 09:00"),
                    (1, "10-01 09:00", "10-01 12:00"),
                ],
            ),
            (
                Pattern::Weekly,
                &[1, 2],
                "2026-10-05 09:00",
                "2026-10-19 09:00",
                &[(2, "10-05 09:00", "10-12 09:00"), (1, "10-12 09:00", "10-19 09:00")],
            ),
            (
                Pattern::EveryDays(3),
                &[1, 2],
                "2026-10-01 00:00",
                "2026-10-04 09:00",
                &[(1, "10-01 00:00", "10-01 09:00"), (2, "10-01 09:00", "10-04 09:00")],
            ),
            // Mondays and Thursdays: the Monday shift lasts until Thursday.
            (
                Pattern::OnWeekdays(Days::of(&[Weekday::Monday, Weekday::Thursday])),
                &[1, 2],
                "2026-09-28 09:00",
                "2026-10-05 09:00",
                &[(1, "09-28 09:00", "10-01 09:00"), (2, "10-01 09:00", "10-05 09:00")],
            ),
        ];
        for (pattern, people, a, b, want) in cases {
            let got = who(&rotation(*pattern, people).duties(span(a, b)));
            let want: Vec<(u8, String, String)> =
                want.iter().map(|(p, s, e)| (*p, s.to_string(), e.to_string())).collect();
            assert_eq!(got, want, "{pattern:?}");
        }
    }

    #[test]
    fn before_the_anchor_the_turns_run_on_backwards_from_when_the_version_is_in_force() {
        // Set up at 00:40 on the anchor day with a 09:00 handoff: the last member holds the
        // night until the first handoff, rather than nobody.
        let mut r = rotation(Pattern::Daily, &[1, 2, 3]);
        r.from = sh("2026-09-28 00:40");
        let got = who(&r.duties(span("2026-09-27 00:00", "2026-09-28 12:00")));
        assert_eq!(got, [(3, "09-28 00:40", "09-28 09:00"), (1, "09-28 09:00", "09-28 12:00")].map(own));
        // An anchor days ahead: the turns count back a slot at a time.
        r.from = Timestamp::MIN;
        let got = who(&r.duties(span("2026-09-25 12:00", "2026-09-28 09:00")));
        let want = [(1, "09-25 12:00", "09-26 09:00"), (2, "09-26 09:00", "09-27 09:00"), (3, "09-27 09:00", "09-28 09:00")];
        assert_eq!(got, want.map(own));
        // Mondays and Thursdays: the slot before a Monday anchor began on the Thursday before.
        let r = rotation(Pattern::OnWeekdays(Days::of(&[Weekday::Monday, Weekday::Thursday])), &[1, 2]);
        let got = who(&r.duties(span("2026-09-26 00:00", "2026-09-28 10:00")));
        assert_eq!(got, [(2, "09-26 00:00", "09-28 09:00"), (1, "09-28 09:00", "09-28 10:00")].map(own));
    }

    fn own((p, a, b): (u8, &str, &str)) -> (u8, String, String) {
        (p, a.to_string(), b.to_string())
    }

    #[test]
    fn filtered_days_are_skipped_without_starving_anyone() {
        // A daily rotation of 5 on weekday nights only: the weekend's slots take no turn, so
        // every member gets a night in a working week (GoAlert #55: with the filter on the
        // schedule instead, two of seven never would).
        let mut r = rotation(Pattern::Daily, &[1, 2, 3, 4, 5]);
        r.handoff = Clock::parse("18:00").expect("clock");
        r.hours = Hours {
            windows: vec![Window {
                days: Days::WEEKDAYS,
                from: Clock::parse("18:00").expect("c"),
                to: Clock::parse("08:30").expect("c"),
            }],
        };
        let got = who(&r.duties(span("2026-10-05 00:00", "2026-10-17 00:00")));
        let people: Vec<u8> = got.iter().map(|g| g.0).collect();
        // Week 1 (5–9 Oct) and week 2 (12–16 Oct): each night to the next member, weekends skipped.
        assert_eq!(people, vec![1, 2, 3, 4, 5, 1, 2, 3, 4, 5], "{got:?}");
        assert_eq!(got[0], (1, "10-05 18:00".into(), "10-06 08:30".into()));
        assert_eq!(got[4], (5, "10-09 18:00".into(), "10-10 08:30".into()));
    }

    #[test]
    fn members_take_turns_only_between_their_join_and_leave_dates() {
        let mut r = rotation(Pattern::Daily, &[1, 2, 3]);
        r.members[2].joins = Some("2026-10-03".parse().expect("d"));
        r.members[0].leaves = Some("2026-10-05".parse().expect("d"));
        let got: Vec<u8> =
            r.duties(span("2026-09-28 09:00", "2026-10-07 09:00")).iter().map(|d| d.person.as_bytes()[0]).collect();
        // 28th–2nd: 1 and 2 alone; from the 3rd, 3 too (turns 5 and 6 of three); from the 5th,
        // 1 is gone (turns 7 and 8 of two).
        assert_eq!(got, vec![1, 2, 1, 2, 1, 3, 1, 3, 2]);
    }

    #[test]
    fn handoffs_keep_the_wall_clock_across_a_daylight_saving_change() {
        for (name, before, after, zone_day) in [
            // Europe/Berlin leaves summer time on 25 Oct 2026; New York on 1 Nov 2026.
            ("Europe/Berlin", "2026-10-24 09:00", "2026-10-26 09:00", "2026-10-24"),
            ("America/New_York", "2026-10-31 09:00", "2026-11-02 09:00", "2026-10-31"),
            ("Asia/Shanghai", "2026-10-24 09:00", "2026-10-26 09:00", "2026-10-24"),
        ] {
            let mut r = rotation(Pattern::Daily, &[1, 2]);
            r.zone = zone(name);
            let window = Span::new(at(name, before), at(name, after)).expect("window");
            let duties = r.duties(window);
            let local: Vec<String> = duties
                .iter()
                .map(|d| d.span.start.to_zoned_datetime(zone(name)).strftime("%d %H:%M").to_string())
                .collect();
            assert_eq!(local.len(), 2, "{name}");
            assert!(local.iter().all(|l| l.ends_with("09:00")), "{name}: {local:?}");
            // The shift across the night the clocks go back lasts 25 hours.
            let change = duties
                .iter()
                .find(|d| d.span.start.to_zoned_datetime(zone(name)).date().to_string() == zone_day)
                .expect("day");
            let hours = change.span.seconds() / 3600;
            assert_eq!(hours, if name == "Asia/Shanghai" { 24 } else { 25 }, "{name}");
        }
        // A handoff at a time the clocks skip (Berlin, 29 March 2026, 02:30) moves to after the gap.
        let skipped = Clock::parse("02:30").expect("c").on("2026-03-29".parse().expect("d"), &zone("Europe/Berlin"));
        assert_eq!(skipped.to_zoned_datetime(zone("Europe/Berlin")).strftime("%H:%M").to_string(), "03:30");
    }

    #[test]
    fn an_edit_ends_the_old_version_and_never_rewrites_the_past() {
        let edit = sh("2026-10-02 15:00");
        let mut old = rotation(Pattern::Daily, &[1, 2]);
        old.until = Some(edit);
        let mut new = rotation(Pattern::Daily, &[3, 4]);
        new.id = Uuid::from_bytes([201; 16]);
        new.anchor = "2026-10-02".parse().expect("d");
        new.from = edit;
        let roster = Roster { rotations: vec![old, new], ..Roster::default() };
        let segs = roster.resolve(span("2026-10-01 00:00", "2026-10-04 00:00"));
        assert_eq!(on(&segs, sh("2026-10-02 14:59")).0, vec![1], "before the edit, as it was");
        assert_eq!(on(&segs, sh("2026-10-02 15:00")).0, vec![3], "after the edit, the new version");
        assert_eq!(on(&segs, sh("2026-10-03 10:00")).0, vec![4]);
    }

    #[test]
    fn overrides_add_remove_and_replace_only_where_the_person_is_on_duty() {
        let base = Roster { rotations: vec![rotation(Pattern::Daily, &[1, 2])], ..Roster::default() };
        let o = |id: u8, a: &str, b: &str, change: Change| Override {
            id: Uuid::from_bytes([id; 16]),
            layer: Layer::Primary,
            span: span(a, b),
            change,
        };
        // Person 1 is on 28 Sep 09:00 → 29 Sep 09:00, person 2 the next day.
        let cases: &[(Override, &str, Vec<u8>)] = &[
            (o(10, "2026-09-28 12:00", "2026-09-28 18:00", Change::Add(person(3))), "2026-09-28 13:00", vec![1, 3]),
            (o(10, "2026-09-28 12:00", "2026-09-28 18:00", Change::Remove(person(1))), "2026-09-28 13:00", vec![]),
            (
                o(10, "2026-09-28 12:00", "2026-09-29 18:00", Change::Replace { from: person(1), to: person(3) }),
                "2026-09-28 13:00",
                vec![3],
            ),
            // The same replacement on the next day, when 2 is on: no effect there.
            (
                o(10, "2026-09-28 12:00", "2026-09-29 18:00", Change::Replace { from: person(1), to: person(3) }),
                "2026-09-29 13:00",
                vec![2],
            ),
        ];
        for (ov, when, want) in cases {
            let mut r = base.clone();
            r.overrides.push(*ov);
            let segs = r.resolve(span("2026-09-28 00:00", "2026-09-30 12:00"));
            assert_eq!(on(&segs, sh(when)).0, *want, "{ov:?} at {when}");
        }
    }

    #[test]
    fn conflicting_and_empty_overrides_are_refused() {
        let mut roster = Roster { rotations: vec![rotation(Pattern::Daily, &[1, 2])], ..Roster::default() };
        let first = Override {
            id: Uuid::from_bytes([10; 16]),
            layer: Layer::Primary,
            span: span("2026-09-28 12:00", "2026-09-28 18:00"),
            change: Change::Add(person(3)),
        };
        assert_eq!(check_override(&roster, &first), Ok(()));
        roster.overrides.push(first);
        let mut second = first;
        second.id = Uuid::from_bytes([11; 16]);
        second.span = span("2026-09-28 17:00", "2026-09-28 20:00");
        assert_eq!(check_override(&roster, &second), Err(Refusal::Conflicts(first.id)), "overlaps and shares 3");
        second.change = Change::Add(person(4));
        assert_eq!(check_override(&roster, &second), Ok(()), "another person does not conflict");
        second.layer = Layer::Backup;
        second.change = Change::Add(person(3));
        assert_eq!(check_override(&roster, &second), Ok(()), "another layer does not conflict");
        second.layer = Layer::Primary;
        second.span = span("2026-09-28 18:00", "2026-09-28 20:00");
        assert_eq!(check_override(&roster, &second), Ok(()), "touching is not overlapping");
        // Changes nothing: removing someone who is off, replacing someone who is off, adding
        // someone already on.
        for change in
            [Change::Remove(person(2)), Change::Replace { from: person(2), to: person(4) }, Change::Add(person(1))]
        {
            let o = Override {
                id: Uuid::from_bytes([12; 16]),
                layer: Layer::Primary,
                span: span("2026-09-28 10:00", "2026-09-28 11:00"),
                change,
            };
            assert_eq!(check_override(&roster, &o), Err(Refusal::ChangesNothing), "{change:?}");
        }
        let same = Override { change: Change::Replace { from: person(1), to: person(1) }, ..second };
        assert_eq!(check_override(&roster, &same), Err(Refusal::SamePerson));
        let backwards =
            Override { span: Span { start: sh("2026-09-28 20:00"), end: sh("2026-09-28 19:00") }, ..second };
        assert_eq!(check_override(&roster, &backwards), Err(Refusal::EndsBeforeStart));
    }

    #[test]
    fn a_swap_keeps_its_slot_when_the_rotation_is_edited() {
        let swap = Swap {
            id: Uuid::from_bytes([30; 16]),
            layer: Layer::Primary,
            span: span("2026-10-03 09:00", "2026-10-04 09:00"),
            from: person(2),
            to: person(3),
        };
        let mut roster =
            Roster { rotations: vec![rotation(Pattern::Daily, &[1, 2])], swaps: vec![swap], ..Roster::default() };
        // 3 Oct belongs to person 2 (the sixth day from 28 Sep); the swap gives it to 3.
        let segs = roster.resolve(span("2026-10-01 00:00", "2026-10-05 00:00"));
        assert_eq!(on(&segs, sh("2026-10-03 12:00")).0, vec![3]);
        // The rotation is edited (a new member changes every turn from 2 Oct): 3 still stands the slot.
        let edit = sh("2026-10-02 00:00");
        roster.rotations[0].until = Some(edit);
        let mut new = rotation(Pattern::Daily, &[1, 2, 4]);
        new.from = edit;
        roster.rotations.push(new);
        let segs = roster.resolve(span("2026-10-01 00:00", "2026-10-05 00:00"));
        // The edit gives 3 Oct to 4 (turn 5 of [1, 2, 4]); the swap's taker still stands it.
        assert_eq!(on(&segs, sh("2026-10-03 12:00")).0, vec![3, 4]);
        assert_eq!(on(&segs, sh("2026-10-04 12:00")).0, vec![1], "the rest follows the edit");
    }

    #[test]
    fn a_special_period_s_fixed_roster_wins_in_its_window_across_midnight_and_month_end() {
        let special = SpecialPeriod {
            id: Uuid::from_bytes([40; 16]),
            span: span("2026-09-30 20:00", "2026-10-01 08:00"),
            round_the_clock: true,
            report_every_hours: Some(4),
            shifts: vec![
                FixedShift {
                    person: person(7),
                    layer: Layer::Primary,
                    span: span("2026-09-30 20:00", "2026-10-01 02:00"),
                },
                FixedShift {
                    person: person(8),
                    layer: Layer::Backup,
                    span: span("2026-09-30 20:00", "2026-10-01 08:00"),
                },
            ],
        };
        let mut roster = Roster { rotations: vec![rotation(Pattern::Daily, &[1, 2])], ..Roster::default() };
        roster.overrides.push(Override {
            id: Uuid::from_bytes([10; 16]),
            layer: Layer::Primary,
            span: span("2026-09-30 19:00", "2026-09-30 23:00"),
            change: Change::Add(person(5)),
        });
        roster.specials.push(special.clone());
        let window = span("2026-09-30 18:00", "2026-10-01 12:00");
        let segs = roster.resolve(window);
        assert_eq!(on(&segs, sh("2026-09-30 19:30")), (vec![1, 5], vec![]), "before the period");
        assert_eq!(
            on(&segs, sh("2026-09-30 21:00")),
            (vec![7], vec![8]),
            "the fixed roster wins, over the override too"
        );
        assert_eq!(on(&segs, sh("2026-10-01 03:00")), (vec![], vec![8]), "after midnight, into October");
        assert_eq!(on(&segs, sh("2026-10-01 09:00")), (vec![2], vec![]), "after the period the rotation again");
        // Round the clock inside the period, nothing required outside it (no ordinary hours).
        let need = required(None, &zone("Asia/Shanghai"), &roster.specials, window);
        let g = gaps(&segs, &need);
        assert_eq!(g, vec![Gap { span: span("2026-10-01 02:00", "2026-10-01 08:00"), backup: [person(8)].into() }]);
        assert_eq!(
            report_times(&special)
                .iter()
                .map(|t| t.to_zoned_datetime(zone("Asia/Shanghai")).strftime("%d %H:%M").to_string())
                .collect::<Vec<_>>(),
            vec!["01 00:00", "01 04:00", "01 08:00"]
        );
    }

    #[test]
    fn gaps_count_only_the_required_hours_and_never_backups_as_primary() {
        let tz = zone("Asia/Shanghai");
        // Weeknight primary 18:00–08:30; a backup around the clock.
        let mut nights = rotation(Pattern::Daily, &[1]);
        nights.handoff = Clock::parse("18:00").expect("c");
        nights.hours = Hours {
            windows: vec![Window {
                days: Days::WEEKDAYS,
                from: Clock::parse("18:00").expect("c"),
                to: Clock::parse("08:30").expect("c"),
            }],
        };
        let mut backup = rotation(Pattern::Weekly, &[9]);
        backup.layer = Layer::Backup;
        let roster = Roster { rotations: vec![nights, backup], ..Roster::default() };
        // Mon 5 Oct to Mon 12 Oct (a week).
        let window = span("2026-10-05 00:00", "2026-10-12 00:00");
        let segs = roster.resolve(window);
        let need = required(Some(&Hours::out_of_hours()), &tz, &[], window);
        let g = gaps(&segs, &need);
        // Uncovered: Monday 00:00–08:30 (the rotation's first night began Monday 18:00) and the
        // weekend from Saturday 08:30; every gap has the backup standing in.
        assert_eq!(
            g.iter().map(|g| (g.span, g.backup.len())).collect::<Vec<_>>(),
            vec![(span("2026-10-05 00:00", "2026-10-05 08:30"), 1), (span("2026-10-10 08:30", "2026-10-12 00:00"), 1)]
        );
        // A roster built to cover only nights is never nagged about its days.
        let nights_only = Hours {
            windows: vec![Window {
                days: Days::WEEKDAYS,
                from: Clock::parse("18:00").expect("c"),
                to: Clock::parse("08:30").expect("c"),
            }],
        };
        let need = required(Some(&nights_only), &tz, &[], span("2026-10-05 18:00", "2026-10-10 08:30"));
        assert_eq!(gaps(&segs, &need), vec![]);
        // Adjacent and nested rotations' duties: no gap between them, no double count of hours.
        let mut a = rotation(Pattern::Daily, &[1]);
        a.hours = Hours {
            windows: vec![Window { days: Days::ALL, from: Clock::MIDNIGHT, to: Clock::parse("12:00").expect("c") }],
        };
        let mut b = rotation(Pattern::Daily, &[2]);
        b.hours = Hours {
            windows: vec![Window { days: Days::ALL, from: Clock::parse("12:00").expect("c"), to: Clock::MIDNIGHT }],
        };
        let mut c = rotation(Pattern::Daily, &[3]);
        c.hours = Hours {
            windows: vec![Window {
                days: Days::ALL,
                from: Clock::parse("13:00").expect("c"),
                to: Clock::parse("14:00").expect("c"),
            }],
        };
        let day = span("2026-10-06 00:00", "2026-10-07 00:00");
        let segs = Roster { rotations: vec![a, b, c], ..Roster::default() }.resolve(day);
        assert_eq!(gaps(&segs, &[day]), vec![]);
        let q = quality(&segs, &[day]);
        assert_eq!(q.coverage_permille(), 1000);
        assert_eq!(
            q.by_person.iter().map(|(p, s)| (p.as_bytes()[0], s / 3600)).collect::<Vec<_>>(),
            vec![(1, 12), (2, 12), (3, 1)]
        );
    }

    #[test]
    fn rotations_and_special_periods_with_bad_shapes_are_refused() {
        let mut r = rotation(Pattern::Daily, &[]);
        assert_eq!(check_rotation(&r), Err(Refusal::NoPeople));
        r.members.push(Member::always(person(1)));
        assert_eq!(check_rotation(&r), Ok(()));
        r.pattern = Pattern::EveryDays(0);
        assert_eq!(check_rotation(&r), Err(Refusal::BadStep));
        r.pattern = Pattern::EveryDays(MAX_EVERY_DAYS + 1);
        assert_eq!(check_rotation(&r), Err(Refusal::BadStep));
        r.pattern = Pattern::OnWeekdays(Days::default());
        assert_eq!(check_rotation(&r), Err(Refusal::NoDays));
        let now = sh("2026-10-01 00:00");
        assert_eq!(check_special(sh("2026-09-01 00:00"), sh("2026-09-08 00:00"), now), Err(Refusal::InThePast));
        assert_eq!(check_special(sh("2026-10-08 00:00"), sh("2026-10-01 00:00"), now), Err(Refusal::EndsBeforeStart));
        assert!(check_special(sh("2026-10-01 00:00"), sh("2026-10-08 00:00"), now).is_ok());
    }

    #[test]
    fn shifts_join_adjacent_stretches_and_offers_must_be_the_offerers_own_duty() {
        let mut backup = rotation(Pattern::Weekly, &[9]);
        backup.layer = Layer::Backup;
        let roster = Roster {
            rotations: vec![rotation(Pattern::Daily, &[1, 2]), backup],
            // Person 3 joins person 1 for two hours: person 1's shift is still one shift.
            overrides: vec![Override {
                id: Uuid::from_bytes([40; 16]),
                layer: Layer::Primary,
                span: span("2026-10-01 12:00", "2026-10-01 14:00"),
                change: Change::Add(person(3)),
            }],
            ..Roster::default()
        };
        let window = span("2026-10-01 00:00", "2026-10-03 00:00");
        let segs = roster.resolve(window);
        let all = shifts(&segs);
        let of = |p: u8, layer: Layer| -> Vec<Span> {
            all.iter().filter(|s| s.person == person(p) && s.layer == layer).map(|s| s.span).collect()
        };
        // From 28 Sep at 09:00 the days go 1, 2, 1, 2: 1 Oct's day is person 2's; the ends are cut at the window.
        assert_eq!(of(1, Layer::Primary), vec![span("2026-10-01 00:00", "2026-10-01 09:00"), span("2026-10-02 09:00", "2026-10-03 00:00")]);
        assert_eq!(of(2, Layer::Primary), vec![span("2026-10-01 09:00", "2026-10-02 09:00")]);
        assert_eq!(of(3, Layer::Primary), vec![span("2026-10-01 12:00", "2026-10-01 14:00")]);
        assert_eq!(of(9, Layer::Backup), vec![window], "the backup's week is one shift across every primary handoff");
        // Offers: own duty throughout, not over, not empty.
        let now = sh("2026-10-01 10:00");
        let p2 = span("2026-10-01 20:00", "2026-10-02 09:00");
        assert_eq!(check_offer(&segs, person(2), Layer::Primary, p2, now), Ok(()));
        assert_eq!(check_offer(&segs, person(2), Layer::Backup, p2, now), Err(Refusal::NotOnDuty));
        assert_eq!(
            check_offer(&segs, person(2), Layer::Primary, span("2026-10-02 08:00", "2026-10-02 10:00"), now),
            Err(Refusal::NotOnDuty),
            "an hour past the end of the shift"
        );
        assert_eq!(
            check_offer(&segs, person(1), Layer::Primary, span("2026-10-01 00:00", "2026-10-01 09:00"), now),
            Err(Refusal::InThePast)
        );
        assert_eq!(
            check_offer(&segs, person(2), Layer::Primary, Span { start: p2.end, end: p2.start }, now),
            Err(Refusal::EndsBeforeStart)
        );
        // Taking: never one's own, never while already on that layer.
        assert_eq!(check_take(&segs, person(2), person(2), Layer::Primary, p2), Err(Refusal::OwnOffer));
        assert_eq!(
            check_take(&segs, person(2), person(3), Layer::Primary, span("2026-10-01 13:00", "2026-10-01 15:00")),
            Err(Refusal::AlreadyOnDuty)
        );
        assert_eq!(check_take(&segs, person(2), person(1), Layer::Primary, p2), Ok(()));
        assert_eq!(check_take(&segs, person(2), person(9), Layer::Primary, p2), Ok(()), "a backup may take a primary shift");
        // The handover of person 2's shift is for person 1, who comes on at its end.
        let shift = all.iter().find(|s| s.person == person(2)).copied().expect("shift");
        assert_eq!(next_on_duty(&segs, &shift), BTreeSet::from([person(1)]));
        // Person 3's two hours end with person 2 still on: no one comes on, so no one is handed to.
        let added = all.iter().find(|s| s.person == person(3)).copied().expect("shift");
        assert!(next_on_duty(&segs, &added).is_empty());
    }
}
