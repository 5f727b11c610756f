//! The `X-Sdk-Date` header: its `YYYYMMDDTHHMMSSZ` format and the ±15 minute clock policy.

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::{DATE_FORMAT, MAX_CLOCK_SKEW, SignError};

/// Formats `t` as an `X-Sdk-Date` value, e.g. `20240102T030405Z` (sub-seconds dropped).
#[must_use]
pub fn format_sdk_date(t: DateTime<Utc>) -> String {
    t.format(DATE_FORMAT).to_string()
}

/// Parses an `X-Sdk-Date` value: exactly `YYYYMMDDTHHMMSSZ` (16 characters, UTC), surrounding
/// whitespace ignored.
///
/// # Errors
///
/// [`SignError::MalformedDate`] for any other shape or an impossible date/time.
pub fn parse_sdk_date(sdk_date: &str) -> Result<DateTime<Utc>, SignError> {
    let s = sdk_date.trim();
    let b = s.as_bytes();
    let shape_ok = b.len() == 16
        && b[8] == b'T'
        && b[15] == b'Z'
        && b[..8].iter().chain(&b[9..15]).all(u8::is_ascii_digit);
    if !shape_ok {
        return Err(SignError::MalformedDate);
    }
    NaiveDateTime::parse_from_str(s, DATE_FORMAT)
        .map(|t| t.and_utc())
        .map_err(|_| SignError::MalformedDate)
}

/// Parses `sdk_date` (see [`parse_sdk_date`]) and accepts it when it is at most
/// [`MAX_CLOCK_SKEW`] (15 minutes) before or after `now`; returns the parsed time.
///
/// # Errors
///
/// [`SignError::MalformedDate`] when it does not parse, [`SignError::DateOutOfRange`] when it is
/// too far from `now`.
pub fn check_date(sdk_date: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, SignError> {
    let date = parse_sdk_date(sdk_date)?;
    if now.signed_duration_since(date).abs() > MAX_CLOCK_SKEW {
        return Err(SignError::DateOutOfRange);
    }
    Ok(date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeDelta, TimeZone};

    fn at(sdk_date: &str) -> DateTime<Utc> {
        parse_sdk_date(sdk_date).unwrap()
    }

    #[test]
    fn a_date_parses_and_formats_round_trip() {
        let t = Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap();
        assert_eq!(at("20240102T030405Z"), t);
        assert_eq!(format_sdk_date(t), "20240102T030405Z");
        assert_eq!(
            format_sdk_date(t + TimeDelta::milliseconds(999)),
            "20240102T030405Z"
        );
        assert_eq!(at(" 20240102T030405Z "), t);
    }

    #[test]
    fn exactly_fifteen_minutes_either_way_is_accepted() {
        let date = "20240102T030405Z";
        let t = at(date);
        assert_eq!(check_date(date, t), Ok(t));
        assert_eq!(check_date(date, t + TimeDelta::minutes(15)), Ok(t));
        assert_eq!(check_date(date, t - TimeDelta::minutes(15)), Ok(t));
    }

    #[test]
    fn fifteen_minutes_and_one_second_either_way_is_rejected() {
        let date = "20240102T030405Z";
        let t = at(date);
        let over = TimeDelta::minutes(15) + TimeDelta::seconds(1);
        assert_eq!(check_date(date, t + over), Err(SignError::DateOutOfRange));
        assert_eq!(check_date(date, t - over), Err(SignError::DateOutOfRange));
        assert_eq!(
            check_date(date, t + TimeDelta::days(365)),
            Err(SignError::DateOutOfRange)
        );
    }

    #[test]
    fn malformed_dates_are_rejected() {
        let now = at("20240102T030405Z");
        for bad in [
            "",
            "20240102T030405",
            "20240102030405Z",
            "2024-01-02T03:04:05Z",
            "20240102t030405z",
            "20241302T030405Z",
            "20240230T030405Z",
            "20240102T250405Z",
            "+0240102T030405Z",
            "2024010 T030405Z",
            "20240102T030405Z0",
            "Tue, 02 Jan 2024 03:04:05 GMT",
        ] {
            assert_eq!(
                check_date(bad, now),
                Err(SignError::MalformedDate),
                "{bad:?}"
            );
        }
    }
}
