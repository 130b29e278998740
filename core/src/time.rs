//! RFC 3339 UTC timestamps, parsed and compared without a clock.
//!
//! The core never reads the time: timestamps come in from the caller as
//! strings such as `2026-03-01T12:00:00Z` or `2026-03-01T12:00:00.250Z`.
//! Validity windows (signer registry) and event times (audit chain) compare
//! [`Timestamp`]s, which order by the instant they denote, so
//! `…T12:00:00Z` and `…T12:00:00.000Z` are the same instant.
//!
//! Accepted: `YYYY-MM-DDTHH:MM:SS[.fraction]Z`, with `+00:00` accepted for
//! `Z` and up to 9 fraction digits. Refused with
//! [`ErrorCode::InvalidTimestamp`] and the character offset of the problem:
//! other offsets (convert to UTC first; `-00:00` means "offset unknown" in
//! RFC 3339), a lowercase `t`/`z` or a space separator, impossible dates
//! (`2026-02-30`), leap seconds (`:60`, which no platform clock reports the
//! same way) and years before 0001.
//!
//! ```
//! use trustcore::time::Timestamp;
//! let a = Timestamp::parse("2026-03-01T12:00:00Z")?;
//! let b = Timestamp::parse("2026-03-01T12:00:00.000+00:00")?;
//! assert_eq!(a, b);
//! assert!(Timestamp::parse("2026-03-01T12:00:00.5Z")? > a);
//! # Ok::<(), trustcore::time::Error>(())
//! ```

use std::fmt;

stable_codes! {
    /// Stable error codes of the time module.
    pub enum ErrorCode {
        /// Not an RFC 3339 UTC timestamp.
        InvalidTimestamp = "invalid_timestamp",
    }
}

/// A timestamp that could not be parsed, with the character offset of the
/// problem.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message} at offset {offset} [{code}]")]
pub struct Error {
    code: ErrorCode,
    message: String,
    offset: usize,
}

impl Error {
    fn at(offset: usize, message: impl Into<String>) -> Self {
        Error {
            code: ErrorCode::InvalidTimestamp,
            message: crate::text::bounded(message.into()),
            offset,
        }
    }
    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }
    /// The message, without position.
    pub fn message(&self) -> &str {
        &self.message
    }
    /// Byte offset of the problem in the text.
    pub fn offset(&self) -> usize {
        self.offset
    }
}

/// An instant in UTC with nanosecond precision, ordered by time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    /// Seconds since 1970-01-01T00:00:00Z (negative before).
    seconds: i64,
    /// 0..1_000_000_000.
    nanos: u32,
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

/// Days from 1970-01-01 to y-m-d (proleptic Gregorian), after Howard
/// Hinnant's `days_from_civil`.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

impl Timestamp {
    /// Parses an RFC 3339 UTC timestamp (see the module docs for the form).
    pub fn parse(text: &str) -> Result<Timestamp, Error> {
        let b = text.as_bytes();
        // Messages quote the text, cut short: it may be untrusted and long.
        let quoted = crate::text::quote(text);
        let digits = |at: usize, n: usize, what: &str| -> Result<u32, Error> {
            let mut v = 0u32;
            for i in at..at + n {
                match b.get(i) {
                    Some(c) if c.is_ascii_digit() => v = v * 10 + u32::from(c - b'0'),
                    _ => {
                        return Err(Error::at(
                            i,
                            format!("expected {n} digits of the {what} in {quoted} (form 2026-03-01T12:00:00Z)"),
                        ))
                    }
                }
            }
            Ok(v)
        };
        let sep = |at: usize, want: u8| -> Result<(), Error> {
            match b.get(at) {
                Some(&c) if c == want => Ok(()),
                Some(b't') | Some(b' ') if want == b'T' => Err(Error::at(
                    at,
                    format!("the date and time must be separated by an uppercase 'T' in {quoted}"),
                )),
                _ => Err(Error::at(
                    at,
                    format!(
                        "expected '{}' in {quoted} (form 2026-03-01T12:00:00Z)",
                        want as char
                    ),
                )),
            }
        };
        let year = digits(0, 4, "year")?;
        sep(4, b'-')?;
        let month = digits(5, 2, "month")?;
        sep(7, b'-')?;
        let day = digits(8, 2, "day")?;
        sep(10, b'T')?;
        let hour = digits(11, 2, "hour")?;
        sep(13, b':')?;
        let minute = digits(14, 2, "minute")?;
        sep(16, b':')?;
        let second = digits(17, 2, "second")?;
        let year_i = i64::from(year);
        if year == 0 {
            return Err(Error::at(
                0,
                format!("year 0000 is out of range in {quoted}"),
            ));
        }
        if !(1..=12).contains(&month) {
            return Err(Error::at(
                5,
                format!("month {month:02} does not exist in {quoted}"),
            ));
        }
        if day == 0 || day > days_in_month(year_i, month) {
            return Err(Error::at(
                8,
                format!("day {day:02} does not exist in {year:04}-{month:02} in {quoted}"),
            ));
        }
        if hour > 23 {
            return Err(Error::at(
                11,
                format!("hour {hour:02} is out of range in {quoted}"),
            ));
        }
        if minute > 59 {
            return Err(Error::at(
                14,
                format!("minute {minute:02} is out of range in {quoted}"),
            ));
        }
        if second > 59 {
            return Err(Error::at(
                17,
                format!("second {second:02} is out of range in {quoted} (leap seconds are not accepted)"),
            ));
        }
        let mut i = 19;
        let mut nanos = 0u32;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let start = i;
            while let Some(c) = b.get(i).filter(|c| c.is_ascii_digit()) {
                if i - start == 9 {
                    return Err(Error::at(
                        i,
                        format!("more than 9 fraction digits in {quoted}"),
                    ));
                }
                nanos = nanos * 10 + u32::from(c - b'0');
                i += 1;
            }
            if i == start {
                return Err(Error::at(
                    i,
                    format!("expected fraction digits after '.' in {quoted}"),
                ));
            }
            nanos *= 10u32.pow((9 - (i - start)) as u32);
        }
        match &b[i.min(b.len())..] {
            b"Z" | b"+00:00" => {}
            b"z" => return Err(Error::at(i, format!("the UTC designator must be an uppercase 'Z' in {quoted}"))),
            [] => return Err(Error::at(i, format!("missing the UTC designator 'Z' in {quoted}"))),
            [b'+' | b'-', ..] => {
                return Err(Error::at(
                    i,
                    format!("only UTC timestamps are accepted ('Z' or '+00:00'); convert {quoted} to UTC first"),
                ))
            }
            _ => return Err(Error::at(i, format!("unexpected text after the time in {quoted}"))),
        }
        let days = days_from_civil(year_i, month, day);
        let seconds =
            days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second);
        Ok(Timestamp { seconds, nanos })
    }

    /// The instant `seconds` after the Unix epoch plus `nanos`, if it is
    /// within a day of what [`Timestamp::parse`] can give (years 0001 to
    /// 9999 with an offset).
    pub fn from_parts(seconds: i64, nanos: u32) -> Option<Timestamp> {
        const FIRST: i64 = -62_135_596_800 - 86_400; // 0001-01-01T00:00:00Z
        const LAST: i64 = 253_402_300_799 + 86_400; // 9999-12-31T23:59:59Z
        ((FIRST..=LAST).contains(&seconds) && nanos < 1_000_000_000)
            .then_some(Timestamp { seconds, nanos })
    }

    /// Seconds since the Unix epoch.
    pub fn unix_seconds(&self) -> i64 {
        self.seconds
    }

    /// The nanoseconds within the second.
    pub fn subsec_nanos(&self) -> u32 {
        self.nanos
    }
}

impl fmt::Display for Timestamp {
    /// The canonical form: `YYYY-MM-DDTHH:MM:SS[.fraction]Z`, with the
    /// fraction's trailing zeros removed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.seconds.div_euclid(86_400);
        let secs = self.seconds.rem_euclid(86_400);
        // Hinnant's civil_from_days.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        write!(
            f,
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
            secs / 3600,
            secs % 3600 / 60,
            secs % 60
        )?;
        if self.nanos != 0 {
            let frac = format!("{:09}", self.nanos);
            write!(f, ".{}", frac.trim_end_matches('0'))?;
        }
        f.write_str("Z")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_orders() {
        let a = Timestamp::parse("1970-01-01T00:00:00Z").unwrap();
        assert_eq!(a.unix_seconds(), 0);
        let b = Timestamp::parse("2026-03-01T12:00:00.250Z").unwrap();
        assert_eq!(b.unix_seconds(), 1_772_366_400);
        assert_eq!(b.subsec_nanos(), 250_000_000);
        assert_eq!(b.to_string(), "2026-03-01T12:00:00.25Z");
        assert!(a < b);
        let leap = Timestamp::parse("2024-02-29T23:59:59Z").unwrap();
        assert_eq!(leap.to_string(), "2024-02-29T23:59:59Z");
        let early = Timestamp::parse("0001-01-01T00:00:00Z").unwrap();
        assert_eq!(early.to_string(), "0001-01-01T00:00:00Z");
        assert_eq!(
            Timestamp::parse("2026-03-01T12:00:00+00:00").unwrap(),
            Timestamp::parse("2026-03-01T12:00:00.000000000Z").unwrap()
        );
    }

    #[test]
    fn rejects_with_offsets() {
        for (text, offset) in [
            ("", 0),
            ("2026-3-01T00:00:00Z", 6),
            ("2026-02-29T00:00:00Z", 8),
            ("2026-13-01T00:00:00Z", 5),
            ("2026-01-01t00:00:00Z", 10),
            ("2026-01-01 00:00:00Z", 10),
            ("2026-01-01T24:00:00Z", 11),
            ("2026-01-01T23:60:00Z", 14),
            ("2026-12-31T23:59:60Z", 17),
            ("2026-01-01T00:00:00", 19),
            ("2026-01-01T00:00:00z", 19),
            ("2026-01-01T00:00:00+01:00", 19),
            ("2026-01-01T00:00:00-00:00", 19),
            ("2026-01-01T00:00:00.Z", 20),
            ("2026-01-01T00:00:00.1234567890Z", 29),
            ("2026-01-01T00:00:00Zjunk", 19),
            ("0000-01-01T00:00:00Z", 0),
            ("２026-01-01T00:00:00Z", 0),
        ] {
            let e = Timestamp::parse(text).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidTimestamp, "{text}");
            assert_eq!(e.offset(), offset, "{text}: {e}");
        }
    }
}
