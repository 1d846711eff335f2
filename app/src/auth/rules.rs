//! Sign-in rules in plain Rust: password policy, lockout delay, session expiry, email syntax.
use crate::i18n::Msg;
use time::{Duration, OffsetDateTime};

pub const MIN_PASSWORD_LEN: usize = 12;
pub const MAX_PASSWORD_LEN: usize = 128;
/// Consecutive failures that lock an account.
pub const MAX_FAILURES: i32 = 5;
pub const FIRST_LOCKOUT: Duration = Duration::minutes(15);
pub const MAX_LOCKOUT: Duration = Duration::hours(24);
pub const SESSION_IDLE: Duration = Duration::minutes(30);
pub const SESSION_ABSOLUTE: Duration = Duration::hours(12);
/// A network or browser not seen for the person this long makes a sign-in "from a new place".
pub const NEW_PLACE_WINDOW: Duration = Duration::days(90);

/// The network an address belongs to for the new-place rule: its /24 (IPv4) or /48 (IPv6), as
/// `192.0.2.0/24`; an IPv4-mapped IPv6 address counts as its IPv4 address.
pub fn network_of(address: std::net::IpAddr) -> String {
    use std::net::IpAddr;
    match address {
        IpAddr::V4(v4) => ipnet::Ipv4Net::new(v4, 24).map(|n| n.trunc().to_string()).unwrap_or_default(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => network_of(IpAddr::V4(v4)),
            None => ipnet::Ipv6Net::new(v6, 48).map(|n| n.trunc().to_string()).unwrap_or_default(),
        },
    }
}

/// The browser's family and its system, from a User-Agent (`Other` when it names none we know).
/// The family, not the version: an update must not look like a new device.
pub fn browser_of(user_agent: &str) -> (String, String) {
    let known = |s: &str| !s.is_empty() && s != woothee::woothee::VALUE_UNKNOWN;
    match woothee::parser::Parser::new().parse(user_agent) {
        Some(r) => {
            let family = if known(r.name) { r.name.to_string() } else { "Other".to_string() };
            let system = if known(r.os) { r.os.to_string() } else { "Other".to_string() };
            (family.chars().take(40).collect(), system.chars().take(40).collect())
        }
        None => ("Other".into(), "Other".into()),
    }
}

/// Whether a sign-in is from a new place: something not seen in the window, for a person who has
/// signed in before (a first sign-in has nothing to compare with, and alerts nobody).
pub fn new_place(signed_in_before: bool, network_seen: bool, browser_seen: bool) -> (bool, bool) {
    (signed_in_before && !network_seen, signed_in_before && !browser_seen)
}

/// Refuses a new password that is short, common or derived from the person's name or email.
/// Strength comes from zxcvbn (dictionaries of common passwords, names, keyboard patterns).
pub fn check_new_password(password: &str, display_name: &str, email: &str) -> Result<(), Msg> {
    let len = password.chars().count();
    if len < MIN_PASSWORD_LEN {
        return Err(Msg::ErrPasswordTooShort);
    }
    if len > MAX_PASSWORD_LEN {
        return Err(Msg::ErrPasswordTooLong);
    }
    let lower = password.to_lowercase();
    let local = email.split('@').next().unwrap_or("").to_lowercase();
    let mut personal: Vec<String> = display_name
        .split(|c: char| c.is_whitespace() || c == '.' || c == '-' || c == '_')
        .map(str::to_lowercase)
        .collect();
    personal.push(display_name.to_lowercase().replace(' ', ""));
    personal.extend(local.split(['.', '-', '_', '+']).map(str::to_string));
    personal.push(local.clone());
    // Chinese names are short; three-letter Latin fragments are too common to refuse.
    if personal.iter().any(|p| {
        let n = p.chars().count();
        let long_enough = if p.is_ascii() { n >= 4 } else { n >= 2 };
        long_enough && lower.contains(p.as_str())
    }) {
        return Err(Msg::ErrPasswordPersonal);
    }
    let inputs: Vec<&str> = personal.iter().map(String::as_str).chain([email]).collect();
    if (zxcvbn::zxcvbn(password, &inputs).score() as u8) < 3 {
        return Err(Msg::ErrPasswordWeak);
    }
    Ok(())
}

/// How long the `n`th lockout (1-based) lasts: 15 minutes, doubling each time, at most a day.
pub fn lockout_delay(lockout_count: i32) -> Duration {
    let doublings = (lockout_count.max(1) - 1).min(16) as u32;
    let delay = FIRST_LOCKOUT * 2i32.pow(doublings);
    if delay > MAX_LOCKOUT {
        MAX_LOCKOUT
    } else {
        delay
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum SessionAge {
    Fresh,
    IdleExpired,
    AbsoluteExpired,
}

/// Whether a signed-in session is still good at `now`.
pub fn session_age(signed_in_at: OffsetDateTime, last_seen: OffsetDateTime, now: OffsetDateTime) -> SessionAge {
    if now - signed_in_at >= SESSION_ABSOLUTE {
        SessionAge::AbsoluteExpired
    } else if now - last_seen >= SESSION_IDLE {
        SessionAge::IdleExpired
    } else {
        SessionAge::Fresh
    }
}

/// Normalises and checks an email address's syntax (lower-cased; one `@`; a dotted domain).
pub fn parse_email(input: &str) -> Result<String, Msg> {
    let email = input.trim().to_lowercase();
    let valid = email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';' | '"'))
        && match email.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && local.len() <= 64
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains("..")
            }
            None => false,
        };
    if valid {
        Ok(email)
    } else {
        Err(Msg::ErrEmailInvalid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn short_common_and_personal_passwords_are_refused() {
        assert_eq!(check_new_password("short", "Li Wei", "li.wei@agency.example"), Err(Msg::ErrPasswordTooShort));
        assert_eq!(check_new_password("password1234", "Li Wei", "li.wei@agency.example"), Err(Msg::ErrPasswordWeak));
        assert_eq!(check_new_password("qwertyuiop123", "Li Wei", "li.wei@agency.example"), Err(Msg::ErrPasswordWeak));
        assert_eq!(
            check_new_password("zhangsan-river-1987", "Zhang San", "zhangsan@agency.example"),
            Err(Msg::ErrPasswordPersonal)
        );
        assert_eq!(
            check_new_password("王小明的安全口令很长很长", "王小明", "wxm@agency.example"),
            Err(Msg::ErrPasswordPersonal)
        );
        assert_eq!(check_new_password(&"x".repeat(129), "A B", "a@b.example"), Err(Msg::ErrPasswordTooLong));
    }

    #[test]
    fn a_network_is_the_addresses_24_or_48() {
        let net = |a: &str| network_of(a.parse().unwrap());
        assert_eq!(net("192.0.2.77"), "192.0.2.0/24");
        assert_eq!(net("192.0.2.1"), net("192.0.2.254"));
        assert_ne!(net("192.0.2.1"), net("192.0.3.1"));
        assert_eq!(net("2001:db8:abcd:12::1"), "2001:db8:abcd::/48");
        assert_eq!(net("2001:db8:abcd:ffff::9"), net("2001:db8:abcd:1::1"));
        assert_ne!(net("2001:db8:abcd::1"), net("2001:db8:abce::1"));
        assert_eq!(net("::ffff:192.0.2.9"), "192.0.2.0/24");
    }

    #[test]
    fn a_browser_is_its_family_not_its_version() {
        let chrome_a = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
        let chrome_b = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
        assert_eq!(browser_of(chrome_a), browser_of(chrome_b));
        assert_eq!(browser_of(chrome_a).0, "Chrome");
        assert_eq!(browser_of(firefox).0, "Firefox");
        assert_ne!(browser_of(chrome_a).0, browser_of(firefox).0);
        assert_eq!(browser_of("").0, "Other");
        assert!(!browser_of("curl/8.5").0.is_empty());
    }

    #[test]
    fn only_a_person_who_signed_in_before_gets_a_new_place() {
        assert_eq!(new_place(false, false, false), (false, false));
        assert_eq!(new_place(true, true, true), (false, false));
        assert_eq!(new_place(true, false, true), (true, false));
        assert_eq!(new_place(true, true, false), (false, true));
    }

    #[test]
    fn a_strong_password_passes() {
        assert_eq!(check_new_password("violet-harbour-71-cobalt", "Li Wei", "li.wei@agency.example"), Ok(()));
        assert_eq!(check_new_password("晨光照进西湖边那座安静的小楼", "李伟", "liwei@agency.example"), Ok(()));
    }

    #[test]
    fn lockout_delay_grows_and_is_capped() {
        assert_eq!(lockout_delay(1), Duration::minutes(15));
        assert_eq!(lockout_delay(2), Duration::minutes(30));
        assert_eq!(lockout_delay(3), Duration::hours(1));
        assert_eq!(lockout_delay(7), Duration::hours(16));
        assert_eq!(lockout_delay(8), Duration::hours(24));
        assert_eq!(lockout_delay(1000), Duration::hours(24));
        assert_eq!(lockout_delay(0), Duration::minutes(15));
    }

    #[test]
    fn sessions_expire_when_idle_or_old() {
        let t0 = datetime!(2026-11-25 08:00 UTC);
        assert_eq!(session_age(t0, t0, t0 + Duration::minutes(29)), SessionAge::Fresh);
        assert_eq!(session_age(t0, t0, t0 + Duration::minutes(30)), SessionAge::IdleExpired);
        let busy = t0 + Duration::hours(11) + Duration::minutes(50);
        assert_eq!(session_age(t0, busy, busy + Duration::minutes(5)), SessionAge::Fresh);
        assert_eq!(session_age(t0, busy, t0 + Duration::hours(12)), SessionAge::AbsoluteExpired);
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(parse_email("  Li.Wei@Agency.Example "), Ok("li.wei@agency.example".into()));
        for bad in
            ["", "no-at.example", "a@b", "a@@b.example", "a b@c.example", "@c.example", "a@.c.example", "a@c.example."]
        {
            assert_eq!(parse_email(bad), Err(Msg::ErrEmailInvalid), "{bad}");
        }
    }
}
