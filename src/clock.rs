//! The one place that knows what time it is and how China shows it.
//!
//! Files store UTC (RFC 3339 with `Z`, and hybrid-clock readings in UTC); people see China
//! Standard Time, UTC+8 all year (no daylight saving since 1991).

use time::{OffsetDateTime, UtcOffset};

/// China Standard Time.
pub const CHINA: UtcOffset = time::macros::offset!(+8);

/// Milliseconds since 1970 UTC, from the system clock (0 if it is before 1970).
pub fn now_millis() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// A UTC millisecond time in China time, if it is representable (a reading late on
/// 9999-12-31 UTC is not: in China it is already year 10000).
pub fn china(millis: u64) -> Option<OffsetDateTime> {
    let nanos = i128::from(millis) * 1_000_000;
    OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .ok()
        .and_then(|t| t.checked_to_offset(CHINA))
}

fn show(millis: u64, f: impl Fn(OffsetDateTime) -> String) -> String {
    china(millis).map_or_else(|| "?".into(), f)
}

/// `YYYY-MM-DD HH:MM` in China time.
pub fn local_time(millis: u64) -> String {
    show(millis, |t| {
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02}",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute()
        )
    })
}

/// `HH:MM:SS` in China time.
pub fn clock_time(millis: u64) -> String {
    show(millis, |t| {
        format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second())
    })
}

/// The China date `days` after `millis`, `YYYY-MM-DD`.
pub fn date_after(millis: u64, days: u64) -> String {
    show(
        millis.saturating_add(days.saturating_mul(86_400_000)),
        |t| format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day()),
    )
}

/// The China date of `millis`, `YYYY-MM-DD`.
pub fn date(millis: u64) -> String {
    date_after(millis, 0)
}

/// The China date of `millis` as a catalogue version label, `YYYY.MM.DD`.
pub fn version_label(millis: u64) -> String {
    date(millis).replace('-', ".")
}

/// RFC 3339 UTC with milliseconds, e.g. `2026-11-27T06:40:05.000Z` (how files store times).
pub fn rfc3339(millis: u64) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    let nanos = i128::from(millis) * 1_000_000;
    OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}

/// Milliseconds since 1970 of an RFC 3339 time, if it is one.
pub fn parse_rfc3339(s: &str) -> Option<u64> {
    let t = OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()?;
    u64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_in_china_time_and_stored_in_utc() {
        // 2026-11-27T06:40:05Z is 14:40:05 in Beijing.
        let ms = 1_795_761_605_000;
        assert_eq!(local_time(ms), "2026-11-27 14:40");
        assert_eq!(clock_time(ms), "14:40:05");
        assert_eq!(date(ms), "2026-11-27");
        assert_eq!(version_label(ms), "2026.11.27");
        assert_eq!(rfc3339(ms), "2026-11-27T06:40:05.000Z");
        assert_eq!(parse_rfc3339("2026-11-27T14:40:05+08:00"), Some(ms));
        // 17:00 UTC is already the next day in China.
        assert_eq!(date(1_795_798_800_000), "2026-11-28");
        assert_eq!(date_after(ms, 30), "2026-12-27");
    }

    /// A handed-over clock reading late on 9999-12-31 UTC is year 10000 in China: shown as
    /// "?", never a panic (`to_offset` panics there).
    #[test]
    fn the_last_hours_of_year_9999_are_shown_as_unknown_not_a_panic() {
        let last = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z
        assert_eq!(rfc3339(last), "9999-12-31T23:59:59.999Z");
        assert_eq!(local_time(last), "?");
        assert_eq!(clock_time(last), "?");
        assert_eq!(date(last), "?");
        // Before 16:00 UTC it is still 9999 in China.
        assert_eq!(local_time(253_402_271_999_000), "9999-12-31 23:59");
        assert_eq!(china(u64::MAX), None);
    }
}
