//! The digest's rules as plain functions: the time a person chose, the kinds it left out, which
//! kinds an organisation's people can receive, and whether today's digest is due.
use time::{Date, PrimitiveDateTime};

use super::{DigestKind, DigestLine, DEFAULT_SEND_AT};
use crate::{backend::policy::Module, domain::OrgKind, i18n::Msg};

/// Minutes after midnight of an `HH:MM` time (24-hour clock).
pub fn parse_send_at(text: &str) -> Result<i16, Msg> {
    let text = text.trim();
    let (h, m) = text.split_once(':').ok_or(Msg::DgErrTime)?;
    let (h, m) = (h.parse::<i16>().map_err(|_| Msg::DgErrTime)?, m.parse::<i16>().map_err(|_| Msg::DgErrTime)?);
    if !(0..24).contains(&h) || !(0..60).contains(&m) || text.len() > 5 {
        return Err(Msg::DgErrTime);
    }
    Ok(h * 60 + m)
}

/// `HH:MM` of minutes after midnight.
pub fn send_at_text(minutes: i16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// The default time, in minutes after midnight.
pub fn default_send_at() -> i16 {
    parse_send_at(DEFAULT_SEND_AT).unwrap_or(480)
}

/// The kinds a comma-separated list names (unknown codes, from an older portal, are ignored).
pub fn parse_kinds(codes: &str) -> Vec<DigestKind> {
    let mut out: Vec<DigestKind> = codes.split(',').filter_map(|c| DigestKind::parse(c.trim())).collect();
    out.sort();
    out.dedup();
    out
}

/// The list as stored.
pub fn kinds_text(kinds: &[DigestKind]) -> String {
    kinds.iter().map(|k| k.code()).collect::<Vec<_>>().join(",")
}

/// The kinds an organisation's people can receive: the regulator's oversight only for
/// regulators; the platform operator supervises no tenant's work.
pub fn kinds_for(kind: OrgKind) -> Vec<DigestKind> {
    match kind {
        OrgKind::Platform => Vec::new(),
        OrgKind::Regulator => DigestKind::ALL.to_vec(),
        _ => DigestKind::ALL.iter().copied().filter(|k| *k != DigestKind::Oversight).collect(),
    }
}

/// The policy's modules a kind is read through: two people of one organisation with the same
/// access to them read the same section (a section reads the organisation's reach; only duty is
/// a person's own).
pub fn modules_of(kind: DigestKind) -> &'static [Module] {
    match kind {
        DigestKind::Reports => &[Module::Reports, Module::ReportReview],
        DigestKind::Duty => &[Module::Rosters, Module::Duty],
        DigestKind::Incidents => &[Module::Incidents],
        DigestKind::Emergency => &[Module::Emergency],
        DigestKind::Changes => &[Module::Changes],
        DigestKind::Sla => &[Module::Sla],
        DigestKind::Exits => &[Module::Exit],
        DigestKind::Oversight => &[Module::Oversight],
    }
}

/// Whether a kind is the person's own (never shared with a colleague's digest).
pub fn personal(kind: DigestKind) -> bool {
    kind == DigestKind::Duty
}

/// The day whose digest is due at `local` (the person's wall clock), if one is: its time has come
/// and that day has not been handled yet. A portal that was down at the time catches up later
/// the same day; a day that has passed is never sent late.
pub fn due_day(local: PrimitiveDateTime, send_at: i16, last_day: Option<Date>) -> Option<Date> {
    let minutes = local.hour() as i16 * 60 + local.minute() as i16;
    let day = local.date();
    (minutes >= send_at && last_day.is_none_or(|d| d < day)).then_some(day)
}

/// Lines in the order a reader wants them: overdue first, the rest as they came.
pub fn overdue_first(mut lines: Vec<DigestLine>) -> Vec<DigestLine> {
    lines.sort_by_key(|l| !l.overdue);
    lines
}

#[cfg(test)]
mod tests {
    use time::macros::{date, datetime};

    use super::*;

    #[test]
    fn a_time_is_hours_and_minutes_on_a_24_hour_clock() {
        for (text, want) in [("08:00", Ok(480)), ("0:05", Ok(5)), ("23:59", Ok(1439)), (" 07:30 ", Ok(450))] {
            assert_eq!(parse_send_at(text), want, "{text}");
        }
        for bad in ["", "8", "24:00", "12:60", "-1:00", "ab:cd", "08:00:00", "08:000"] {
            assert_eq!(parse_send_at(bad), Err(Msg::DgErrTime), "{bad}");
        }
        assert_eq!(send_at_text(450), "07:30");
        assert_eq!(default_send_at(), 480);
    }

    #[test]
    fn kinds_round_trip_and_unknown_codes_are_dropped() {
        let kinds = parse_kinds("sla, reports,unknown,,reports");
        assert_eq!(kinds, vec![DigestKind::Reports, DigestKind::Sla]);
        assert_eq!(parse_kinds(&kinds_text(&kinds)), kinds);
        assert!(parse_kinds("").is_empty());
    }

    #[test]
    fn oversight_is_for_regulators_and_the_platform_gets_none() {
        assert!(kinds_for(OrgKind::Regulator).contains(&DigestKind::Oversight));
        assert!(!kinds_for(OrgKind::Agency).contains(&DigestKind::Oversight));
        assert!(kinds_for(OrgKind::Csp).contains(&DigestKind::Sla));
        assert!(kinds_for(OrgKind::Platform).is_empty());
    }

    #[test]
    fn the_day_is_due_once_its_time_has_come_and_once_only() {
        let cases = [
            // (wall clock, chosen time, last day handled, due)
            (datetime!(2026-12-08 07:59), 480, None, None),
            (datetime!(2026-12-08 08:00), 480, None, Some(date!(2026 - 12 - 08))),
            (datetime!(2026-12-08 15:00), 480, Some(date!(2026 - 12 - 07)), Some(date!(2026 - 12 - 08))),
            (datetime!(2026-12-08 15:00), 480, Some(date!(2026 - 12 - 08)), None),
            (datetime!(2026-12-08 00:00), 0, Some(date!(2026 - 12 - 07)), Some(date!(2026 - 12 - 08))),
            (datetime!(2026-12-08 23:58), 1439, None, None),
            (datetime!(2026-12-09 00:30), 1439, None, None),
        ];
        for (local, at, last, want) in cases {
            assert_eq!(due_day(local, at, last), want, "{local} at {at} after {last:?}");
        }
    }

    #[test]
    fn overdue_lines_come_first_in_their_order() {
        let l = |t: &str, overdue| DigestLine { text: t.into(), link: String::new(), overdue };
        let sorted = overdue_first(vec![l("a", false), l("b", true), l("c", false), l("d", true)]);
        assert_eq!(sorted.iter().map(|l| l.text.as_str()).collect::<Vec<_>>(), ["b", "d", "a", "c"]);
    }
}
