//! Tenancy rules in plain Rust: domain names, protection levels, dates, website flags, the
//! engagement state machine and the jurisdiction tree's cycle check.
use std::collections::HashMap;

use time::{Date, Month};
use uuid::Uuid;

use super::{DeploymentModel, EngagementStatus, Phase, WebsiteFlag};
use crate::i18n::Msg;

/// A website's domain, checked once: `unicode` for people, `ascii` (punycode) for uniqueness.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Domain {
    pub unicode: String,
    pub ascii: String,
}

/// Suffixes §6.3.4.4c requires of a government website's domain.
const GOVERNMENT_SUFFIXES: &[&str] = &[".gov.cn", ".政务.cn", ".政务"];

impl Domain {
    /// Accepts `example.gov.cn`, `示范.政务.cn` or its punycode; refuses URLs, ports, paths and bad labels.
    pub fn parse(input: &str) -> Result<Domain, Msg> {
        let raw = input.trim().trim_end_matches('.');
        if raw.is_empty() {
            return Err(Msg::ErrDomainRequired);
        }
        if raw.contains("://") || raw.contains(['/', ':', '?', '#', '@', ' ']) {
            return Err(Msg::ErrDomainNotUrl);
        }
        let ascii = idna::domain_to_ascii_strict(raw).map_err(|_| Msg::ErrDomainInvalid)?;
        let labels: Vec<&str> = ascii.split('.').collect();
        let tld_ok = labels.last().is_some_and(|t| !t.is_empty() && !t.chars().all(|c| c.is_ascii_digit()));
        if ascii.len() > 253
            || labels.len() < 2
            || !tld_ok
            || labels.iter().any(|l| l.is_empty() || l.len() > 63 || l.starts_with('-') || l.ends_with('-'))
        {
            return Err(Msg::ErrDomainInvalid);
        }
        let (unicode, result) = idna::domain_to_unicode(&ascii);
        result.map_err(|_| Msg::ErrDomainInvalid)?;
        Ok(Domain { unicode, ascii })
    }

    /// Whether the domain is under one of the government suffixes.
    pub fn is_government(&self) -> bool {
        GOVERNMENT_SUFFIXES.iter().any(|s| self.unicode.ends_with(s))
    }
}

/// 等级保护 level, 1 to 5.
pub fn parse_level(input: &str) -> Result<i16, Msg> {
    match input.trim().parse::<i16>() {
        Ok(l) if (1..=5).contains(&l) => Ok(l),
        _ => Err(Msg::ErrLevelRange),
    }
}

/// `YYYY-MM-DD`.
pub fn parse_date(input: &str) -> Result<Date, Msg> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(input.trim(), &fmt).map_err(|_| Msg::ErrDateInvalid)
}

pub fn format_date(d: Date) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    d.format(&fmt).unwrap_or_default()
}

/// `d` plus `n` months, the day clamped to the month's end (Nov 30 + 3 months = Feb 28/29).
pub fn add_months(d: Date, n: u32) -> Date {
    let total = d.year() * 12 + (d.month() as i32 - 1) + n as i32;
    let (year, month0) = (total.div_euclid(12), total.rem_euclid(12));
    let month = Month::try_from(month0 as u8 + 1).unwrap_or(Month::January);
    let day = d.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).unwrap_or(d)
}

/// What the portal flags about a website on `today`.
pub fn website_flags(
    domain_is_government: bool,
    level: i16,
    deployment: DeploymentModel,
    phase: Phase,
    phase_since: Date,
    has_security_officer: bool,
    today: Date,
) -> Vec<WebsiteFlag> {
    let mut flags = Vec::new();
    if !domain_is_government {
        flags.push(WebsiteFlag::DomainOutsideGov);
    }
    if level >= 4 && deployment == DeploymentModel::Public {
        flags.push(WebsiteFlag::HighLevelOnPublicCloud);
    }
    if phase == Phase::Trial && add_months(phase_since, 3) < today {
        flags.push(WebsiteFlag::TrialOverdue);
    }
    if !has_security_officer && phase != Phase::Exit {
        flags.push(WebsiteFlag::NoSecurityOfficer);
    }
    flags
}

/// An engagement's dates: it may not end before it starts.
pub fn check_engagement_dates(starts_on: Date, ends_on: Date) -> Result<(), Msg> {
    if ends_on < starts_on {
        Err(Msg::ErrEndsBeforeStart)
    } else {
        Ok(())
    }
}

/// Whether an engagement grants access on `today`.
pub fn in_force(status: EngagementStatus, starts_on: Date, ends_on: Date, today: Date) -> bool {
    status == EngagementStatus::Active && starts_on <= today && today <= ends_on
}

/// The provider's answer to an invitation.
pub fn answer(status: EngagementStatus, accept: bool) -> Result<EngagementStatus, Msg> {
    match (status, accept) {
        (EngagementStatus::Invited, true) => Ok(EngagementStatus::Active),
        (EngagementStatus::Invited, false) => Ok(EngagementStatus::Declined),
        _ => Err(Msg::ErrEngagementNotInvited),
    }
}

/// Ending: either side ends an active engagement; only the agency withdraws an invitation (the
/// provider declines it instead).
pub fn end(status: EngagementStatus, by_agency: bool) -> Result<EngagementStatus, Msg> {
    match (status, by_agency) {
        (EngagementStatus::Active, _) | (EngagementStatus::Invited, true) => Ok(EngagementStatus::Ended),
        (EngagementStatus::Invited, false) => Err(Msg::ErrEngagementNotActive),
        _ => Err(Msg::ErrEngagementClosed),
    }
}

/// A reason for declining or ending: required, trimmed, at most [`super::MAX_REASON_CHARS`] characters.
pub fn closing_reason(raw: Option<&str>) -> Result<String, Msg> {
    let reason = raw.map(str::trim).unwrap_or("");
    if reason.is_empty() {
        Err(Msg::ErrReasonRequired)
    } else if reason.chars().count() > super::MAX_REASON_CHARS {
        Err(Msg::ErrReasonTooLong)
    } else {
        Ok(reason.to_string())
    }
}

/// Whether putting `child` under `new_parent` would make a regulator its own ancestor.
pub fn would_cycle(parent_of: &HashMap<Uuid, Option<Uuid>>, child: Uuid, new_parent: Uuid) -> bool {
    let mut at = Some(new_parent);
    let mut steps = 0;
    while let Some(node) = at {
        if node == child || steps > parent_of.len() {
            return true;
        }
        at = parent_of.get(&node).copied().flatten();
        steps += 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_closing_needs_a_reason_of_bounded_length() {
        assert_eq!(closing_reason(None), Err(Msg::ErrReasonRequired));
        assert_eq!(closing_reason(Some("  \n ")), Err(Msg::ErrReasonRequired));
        assert_eq!(closing_reason(Some("  合同期满 ")), Ok("合同期满".to_string()));
        let longest = "因".repeat(super::super::MAX_REASON_CHARS);
        assert_eq!(closing_reason(Some(&longest)), Ok(longest.clone()));
        assert_eq!(closing_reason(Some(&format!("{longest}x"))), Err(Msg::ErrReasonTooLong));
    }

    #[test]
    fn domains_are_parsed_to_unicode_and_ascii() {
        let d = Domain::parse(" WWW.Example.GOV.cn. ").expect("valid");
        assert_eq!(d.unicode, "www.example.gov.cn");
        assert!(d.is_government());
        let idn = Domain::parse("示范.政务.cn").expect("idn");
        assert_eq!(idn.ascii, "xn--biz93r.xn--zfr164b.cn");
        assert_eq!(idn.unicode, "示范.政务.cn");
        assert!(idn.is_government());
        // Punycode input is shown in Unicode.
        assert_eq!(Domain::parse("xn--biz93r.xn--zfr164b").expect("puny").unicode, "示范.政务");
        assert!(Domain::parse("示范.政务").expect("idn").is_government());
        let other = Domain::parse("portal.example.com").expect("valid");
        assert!(!other.is_government());
        assert!(!Domain::parse("evilgov.cn").expect("valid").is_government());
    }

    #[test]
    fn bad_domains_are_refused_with_a_reason() {
        assert_eq!(Domain::parse(""), Err(Msg::ErrDomainRequired));
        assert_eq!(Domain::parse("https://www.gov.cn"), Err(Msg::ErrDomainNotUrl));
        assert_eq!(Domain::parse("www.gov.cn/path"), Err(Msg::ErrDomainNotUrl));
        assert_eq!(Domain::parse("www.gov.cn:8080"), Err(Msg::ErrDomainNotUrl));
        for bad in ["localhost", "a..gov.cn", "-a.gov.cn", "a_b.gov.cn", "1.2.3.4", &format!("{}.cn", "a".repeat(64))] {
            assert_eq!(Domain::parse(bad), Err(Msg::ErrDomainInvalid), "{bad}");
        }
    }

    #[test]
    fn levels_are_one_to_five() {
        assert_eq!(parse_level("1"), Ok(1));
        assert_eq!(parse_level(" 5 "), Ok(5));
        for bad in ["0", "6", "-1", "", "three", "3.5"] {
            assert_eq!(parse_level(bad), Err(Msg::ErrLevelRange), "{bad}");
        }
    }

    #[test]
    fn months_are_added_with_the_day_clamped() {
        assert_eq!(add_months(date!(2026 - 11 - 30), 3), date!(2027 - 02 - 28));
        assert_eq!(add_months(date!(2027 - 11 - 30), 3), date!(2028 - 02 - 29));
        assert_eq!(add_months(date!(2026 - 01 - 15), 12), date!(2027 - 01 - 15));
        assert_eq!(add_months(date!(2026 - 10 - 31), 1), date!(2026 - 11 - 30));
    }

    #[test]
    fn website_flags_follow_the_standard() {
        let today = date!(2026 - 11 - 25);
        let f = |gov, level, dep, phase, since, officer| website_flags(gov, level, dep, phase, since, officer, today);
        assert!(f(true, 3, DeploymentModel::Public, Phase::Operation, today, true).is_empty());
        assert_eq!(
            f(true, 4, DeploymentModel::Public, Phase::Operation, today, true),
            vec![WebsiteFlag::HighLevelOnPublicCloud]
        );
        assert!(f(true, 4, DeploymentModel::Government, Phase::Operation, today, true).is_empty());
        assert_eq!(
            f(false, 2, DeploymentModel::Private, Phase::Operation, today, true),
            vec![WebsiteFlag::DomainOutsideGov]
        );
        // Three months to the day is still fine; one day more is overdue.
        assert!(f(true, 2, DeploymentModel::Private, Phase::Trial, date!(2026 - 08 - 25), true).is_empty());
        assert_eq!(
            f(true, 2, DeploymentModel::Private, Phase::Trial, date!(2026 - 08 - 24), true),
            vec![WebsiteFlag::TrialOverdue]
        );
        assert_eq!(
            f(true, 2, DeploymentModel::Private, Phase::Operation, today, false),
            vec![WebsiteFlag::NoSecurityOfficer]
        );
        assert!(f(true, 2, DeploymentModel::Private, Phase::Exit, today, false).is_empty());
    }

    #[test]
    fn engagement_dates_and_force() {
        let (a, b) = (date!(2026 - 01 - 01), date!(2026 - 12 - 31));
        assert!(check_engagement_dates(a, b).is_ok());
        assert!(check_engagement_dates(a, a).is_ok());
        assert_eq!(check_engagement_dates(b, a), Err(Msg::ErrEndsBeforeStart));
        assert!(in_force(EngagementStatus::Active, a, b, a));
        assert!(in_force(EngagementStatus::Active, a, b, b));
        assert!(!in_force(EngagementStatus::Active, a, b, date!(2027 - 01 - 01)));
        assert!(!in_force(EngagementStatus::Active, a, b, date!(2025 - 12 - 31)));
        for s in [EngagementStatus::Invited, EngagementStatus::Declined, EngagementStatus::Ended] {
            assert!(!in_force(s, a, b, date!(2026 - 06 - 01)));
        }
    }

    #[test]
    fn engagement_state_machine() {
        use EngagementStatus::*;
        assert_eq!(answer(Invited, true), Ok(Active));
        assert_eq!(answer(Invited, false), Ok(Declined));
        for s in [Active, Declined, Ended] {
            assert_eq!(answer(s, true), Err(Msg::ErrEngagementNotInvited));
            assert_eq!(answer(s, false), Err(Msg::ErrEngagementNotInvited));
        }
        assert_eq!(end(Invited, true), Ok(Ended));
        assert_eq!(end(Invited, false), Err(Msg::ErrEngagementNotActive));
        for by_agency in [true, false] {
            assert_eq!(end(Active, by_agency), Ok(Ended));
            assert_eq!(end(Declined, by_agency), Err(Msg::ErrEngagementClosed));
            assert_eq!(end(Ended, by_agency), Err(Msg::ErrEngagementClosed));
        }
    }

    #[test]
    fn cycles_in_the_jurisdiction_tree_are_found() {
        let (p, m1, m2) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let tree = HashMap::from([(p, None), (m1, Some(p)), (m2, Some(m1))]);
        assert!(would_cycle(&tree, p, m2), "the province under its own grandchild");
        assert!(would_cycle(&tree, p, p), "a regulator under itself");
        assert!(!would_cycle(&tree, m2, p));
        let other = Uuid::new_v4();
        assert!(!would_cycle(&tree, other, m2));
    }
}
