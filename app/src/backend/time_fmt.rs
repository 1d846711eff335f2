//! Shows stored UTC instants in the viewer's time zone.
use time::OffsetDateTime;

pub const DEFAULT_TIME_ZONE: &str = "Asia/Shanghai";

/// Whether `name` is a time zone in the bundled database.
pub fn is_known_zone(name: &str) -> bool {
    jiff::tz::TimeZone::get(name).is_ok()
}

/// `2026-11-25 22:17` in `zone` (falls back to the default zone for an unknown name).
pub fn format_in_zone(at: OffsetDateTime, zone: &str) -> String {
    let tz = jiff::tz::TimeZone::get(zone)
        .or_else(|_| jiff::tz::TimeZone::get(DEFAULT_TIME_ZONE))
        .unwrap_or(jiff::tz::TimeZone::UTC);
    match jiff::Timestamp::from_second(at.unix_timestamp()) {
        Ok(ts) => ts.to_zoned_datetime(tz).strftime("%Y-%m-%d %H:%M").to_string(),
        Err(_) => at.to_string(),
    }
}

/// The calendar day `at` falls on in `zone` (the default zone for an unknown name).
pub fn date_in_zone(at: OffsetDateTime, zone: &str) -> time::Date {
    let tz = jiff::tz::TimeZone::get(zone)
        .or_else(|_| jiff::tz::TimeZone::get(DEFAULT_TIME_ZONE))
        .unwrap_or(jiff::tz::TimeZone::UTC);
    let offset = jiff::Timestamp::from_second(at.unix_timestamp())
        .map(|ts| tz.to_offset(ts).seconds())
        .unwrap_or(0);
    let shifted = at + time::Duration::seconds(offset as i64);
    shifted.date()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn shanghai_is_eight_hours_ahead_of_utc() {
        assert_eq!(
            format_in_zone(datetime!(2026-11-25 14:17 UTC), "Asia/Shanghai"),
            "2026-11-25 22:17"
        );
        assert_eq!(
            format_in_zone(datetime!(2026-11-25 14:17 UTC), "Europe/London"),
            "2026-11-25 14:17"
        );
        assert_eq!(
            format_in_zone(datetime!(2026-11-25 14:17 UTC), "Nowhere/Unknown"),
            "2026-11-25 22:17"
        );
        assert!(is_known_zone("Asia/Shanghai"));
        // 23:30 UTC is already the next day in Shanghai.
        assert_eq!(
            date_in_zone(datetime!(2026-11-25 23:30 UTC), "Asia/Shanghai"),
            time::macros::date!(2026 - 11 - 26)
        );
        assert_eq!(
            date_in_zone(datetime!(2026-11-25 23:30 UTC), "UTC"),
            time::macros::date!(2026 - 11 - 25)
        );
        assert!(!is_known_zone("Nowhere/Unknown"));
    }
}
