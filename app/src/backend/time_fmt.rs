//! Shows stored UTC instants in the viewer's time zone.
use time::OffsetDateTime;

pub const DEFAULT_TIME_ZONE: &str = "Asia/Shanghai";

/// Whether `name` is a time zone in the bundled database.
pub fn is_known_zone(name: &str) -> bool {
    jiff::tz::TimeZone::get(name).is_ok()
}

/// The zone of that name, else the default zone (else UTC).
fn zone_or_default(zone: &str) -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get(zone)
        .or_else(|_| jiff::tz::TimeZone::get(DEFAULT_TIME_ZONE))
        .unwrap_or(jiff::tz::TimeZone::UTC)
}

/// `2026-11-25 22:17` in `zone` (falls back to the default zone for an unknown name).
pub fn format_in_zone(at: OffsetDateTime, zone: &str) -> String {
    let tz = zone_or_default(zone);
    match jiff::Timestamp::from_second(at.unix_timestamp()) {
        Ok(ts) => ts.to_zoned_datetime(tz).strftime("%Y-%m-%d %H:%M").to_string(),
        Err(_) => at.to_string(),
    }
}

/// The calendar day `at` falls on in `zone` (the default zone for an unknown name).
pub fn date_in_zone(at: OffsetDateTime, zone: &str) -> time::Date {
    local_in_zone(at, zone).date()
}

/// The wall-clock date and time `at` shows in `zone` (the default zone for an unknown name).
pub fn local_in_zone(at: OffsetDateTime, zone: &str) -> time::PrimitiveDateTime {
    let tz = zone_or_default(zone);
    let offset = jiff::Timestamp::from_second(at.unix_timestamp()).map(|ts| tz.to_offset(ts).seconds()).unwrap_or(0);
    let shifted = at + time::Duration::seconds(offset as i64);
    time::PrimitiveDateTime::new(shifted.date(), shifted.time())
}

/// The instant `day` begins in `zone` (the default zone for an unknown name).
pub fn start_of_day_in_zone(day: time::Date, zone: &str) -> OffsetDateTime {
    let tz = zone_or_default(zone);
    jiff::civil::Date::new(day.year() as i16, u8::from(day.month()) as i8, day.day() as i8)
        .and_then(|d| d.to_zoned_datetime(tz))
        .ok()
        .and_then(|z| OffsetDateTime::from_unix_timestamp(z.timestamp().as_second()).ok())
        .unwrap_or_else(|| day.midnight().assume_utc())
}

/// Reads `YYYY-MM-DDTHH:MM` (a browser's `datetime-local`; a space works too, seconds may follow)
/// on the wall clock of `zone`, or an RFC 3339 instant with its own offset (the machine API's).
pub fn parse_in_zone(text: &str, zone: &str) -> Option<OffsetDateTime> {
    let text = text.trim();
    let ts = match text.parse::<jiff::Timestamp>() {
        Ok(ts) => ts,
        Err(_) => {
            let dt: jiff::civil::DateTime = text.replacen(' ', "T", 1).parse().ok()?;
            zone_or_default(zone).to_ambiguous_timestamp(dt).compatible().ok()?
        }
    };
    OffsetDateTime::from_unix_timestamp(ts.as_second()).ok()
}

/// The `datetime-local` form of an instant in `zone` (`YYYY-MM-DDTHH:MM`).
pub fn input_in_zone(at: OffsetDateTime, zone: &str) -> String {
    format_in_zone(at, zone).replacen(' ', "T", 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn shanghai_is_eight_hours_ahead_of_utc() {
        assert_eq!(format_in_zone(datetime!(2026-11-25 14:17 UTC), "Asia/Shanghai"), "2026-11-25 22:17");
        assert_eq!(format_in_zone(datetime!(2026-11-25 14:17 UTC), "Europe/London"), "2026-11-25 14:17");
        assert_eq!(format_in_zone(datetime!(2026-11-25 14:17 UTC), "Nowhere/Unknown"), "2026-11-25 22:17");
        assert!(is_known_zone("Asia/Shanghai"));
        // 23:30 UTC is already the next day in Shanghai.
        assert_eq!(date_in_zone(datetime!(2026-11-25 23:30 UTC), "Asia/Shanghai"), time::macros::date!(2026 - 11 - 26));
        assert_eq!(date_in_zone(datetime!(2026-11-25 23:30 UTC), "UTC"), time::macros::date!(2026 - 11 - 25));
        assert!(!is_known_zone("Nowhere/Unknown"));
    }

    #[test]
    fn wall_clock_times_are_read_in_the_viewers_zone_and_instants_as_they_are() {
        assert_eq!(parse_in_zone("2026-11-25T22:17", "Asia/Shanghai"), Some(datetime!(2026-11-25 14:17 UTC)));
        assert_eq!(parse_in_zone("2026-11-25 22:17", "Europe/London"), Some(datetime!(2026-11-25 22:17 UTC)));
        assert_eq!(parse_in_zone("2026-11-25T22:17:00+08:00", "Europe/London"), Some(datetime!(2026-11-25 14:17 UTC)));
        assert_eq!(parse_in_zone("2026-11-25T14:17:00Z", "Asia/Shanghai"), Some(datetime!(2026-11-25 14:17 UTC)));
        assert_eq!(parse_in_zone("yesterday", "Asia/Shanghai"), None);
        assert_eq!(parse_in_zone("2026-02-30T10:00", "Asia/Shanghai"), None);
        assert_eq!(input_in_zone(datetime!(2026-11-25 14:17 UTC), "Asia/Shanghai"), "2026-11-25T22:17");
    }

    #[test]
    fn a_day_begins_at_local_midnight() {
        let day = time::macros::date!(2026 - 11 - 26);
        assert_eq!(start_of_day_in_zone(day, "Asia/Shanghai"), datetime!(2026-11-25 16:00 UTC));
        assert_eq!(start_of_day_in_zone(day, "UTC"), datetime!(2026-11-26 0:00 UTC));
        // The first instant of a day is on that day, and the one before it is not.
        let start = start_of_day_in_zone(day, "Asia/Shanghai");
        assert_eq!(date_in_zone(start, "Asia/Shanghai"), day);
        assert_eq!(date_in_zone(start - time::Duration::seconds(1), "Asia/Shanghai"), day.previous_day().unwrap());
    }
}
