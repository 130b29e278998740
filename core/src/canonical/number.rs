//! Numbers: ECMAScript `Number.prototype.toString` output (via `ryu-js`, a
//! maintained port of the shortest-round-trip algorithm with the ECMAScript
//! formatting rules) and the lossy-integer rule of `docs/design.md#lossy-integers`.

use super::{Error, ErrorCode};

/// Largest integer every language holds exactly: 2^53 − 1.
pub(crate) const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

/// 2^53 − 1 in decimal: a 16-digit integer literal not above this (compared
/// as bytes, same length) is a safe integer.
pub(crate) const MAX_SAFE_DIGITS: &[u8] = b"9007199254740991";

/// Whether the plain decimal literal `int.frac` (JSON syntax already
/// checked: `int` is `0` or has no leading zero, `frac` is non-empty, no
/// exponent; an optional `-` sign is not part of `int`) is already its own
/// ECMAScript spelling, so the parser can copy it instead of parsing and
/// printing it. True when all of these hold:
///
/// * the value is not zero (`0.0` and `-0.0` print as `0`);
/// * `frac` does not end in `0` (trailing zeros are dropped);
/// * it has at most 15 significant digits. Any decimal with at most 15
///   significant digits survives decimal → double → 15 digits (DBL_DIG), so
///   no other decimal of 15 digits or fewer denotes the same double: the
///   shortest round-trip digits ECMAScript prints are exactly these digits;
/// * ECMAScript prints it without an exponent: the value is below 1e21
///   (guaranteed by 15 digits) and at least 1e-6, i.e. for `0.xxx` at most
///   five zeros follow the point.
///
/// The unit test `decimal_fast_path_agrees_with_ryu` checks this rule
/// against the general parse-and-print path.
#[inline]
pub(crate) fn decimal_is_canonical(int: &[u8], frac: &[u8]) -> bool {
    if frac.last().map_or(true, |&d| d == b'0') {
        return false;
    }
    if int != b"0" {
        return int.len() + frac.len() <= 15;
    }
    // `0.` then `zeros` zeros then the significant digits (the last digit is
    // not zero, so the value is not zero).
    let zeros = frac.iter().take_while(|&&d| d == b'0').count();
    zeros <= 5 && frac.len() - zeros <= 15
}

/// Formats a finite double as ECMAScript does (`-0` prints `0`).
/// Returns [`ErrorCode::NonFiniteNumber`] for NaN and infinities.
pub fn format_f64(v: f64) -> Result<String, Error> {
    let mut out = Vec::with_capacity(24);
    write_f64(&mut out, v)?;
    // ryu-js writes ASCII only.
    Ok(String::from_utf8_lossy(&out).into_owned())
}

pub(crate) fn write_f64(out: &mut Vec<u8>, v: f64) -> Result<(), Error> {
    if !v.is_finite() {
        return Err(Error::new(
            ErrorCode::NonFiniteNumber,
            format!("{v} is not a JSON number; NaN and infinities cannot be canonicalized"),
        ));
    }
    if v == 0.0 {
        out.push(b'0');
        return Ok(());
    }
    let mut buf = ryu_js::Buffer::new();
    out.extend_from_slice(buf.format_finite(v).as_bytes());
    Ok(())
}

/// Applies the lossy-integer rule to a decimal integer literal (optional `-`,
/// digits, no fraction or exponent) and returns the double it denotes.
///
/// Within ±(2^53−1) every integer is exact. Beyond, the literal is accepted
/// only if it is already the ECMAScript spelling of its double, so two
/// different integers can never canonicalize to the same bytes and canonical
/// output is always accepted again.
pub fn integer_text_to_f64(literal: &str) -> Result<f64, Error> {
    let digits = literal.strip_prefix('-').unwrap_or(literal);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::new(
            ErrorCode::Syntax,
            format!("{} is not an integer literal", crate::text::quote(literal)),
        ));
    }
    let v: f64 = literal.parse().map_err(|_| {
        Error::new(
            ErrorCode::Syntax,
            format!("{} is not an integer literal", crate::text::quote(literal)),
        )
    })?;
    check_integer(literal, v)?;
    Ok(v)
}

/// The check behind [`integer_text_to_f64`], for a literal already parsed.
#[inline]
pub(crate) fn check_integer(literal: &str, v: f64) -> Result<(), Error> {
    if !v.is_finite() {
        return Err(out_of_range(literal, "it overflows a double"));
    }
    if v.abs() <= MAX_SAFE {
        return Ok(());
    }
    let mut buf = ryu_js::Buffer::new();
    let es = buf.format_finite(v);
    if es == literal {
        Ok(())
    } else {
        Err(out_of_range(
            literal,
            &format!(
                "it is beyond ±(2^53−1) and not written as its double is written ({es}), \
                 so it may mean a value a double cannot hold; send it as a string, \
                 or as {es} if that value is meant"
            ),
        ))
    }
}

pub(crate) fn out_of_range(literal: &str, why: &str) -> Error {
    let shown: String = if literal.len() > 40 {
        format!("{}…", &literal[..40])
    } else {
        literal.to_string()
    };
    Error::new(
        ErrorCode::NumberOutOfRange,
        format!("number {shown} is out of range: {why}"),
    )
}

/// Canonical form of an `i64`/`u64` held in memory (serde_json numbers,
/// Python ints): the same rule as for integer literals.
pub(crate) fn write_integer(
    out: &mut Vec<u8>,
    negative: bool,
    magnitude: u64,
    as_f64: f64,
) -> Result<(), Error> {
    // Decimal digits on the stack, from the last: no string per integer.
    let mut buf = [0u8; 21];
    let mut at = buf.len();
    let mut m = magnitude;
    loop {
        at -= 1;
        buf[at] = b'0' + (m % 10) as u8;
        m /= 10;
        if m == 0 {
            break;
        }
    }
    if negative {
        at -= 1;
        buf[at] = b'-';
    }
    let text = &buf[at..];
    if as_f64.abs() > MAX_SAFE {
        // Only ASCII digits and a sign were written.
        check_integer(std::str::from_utf8(text).unwrap_or_default(), as_f64)?;
    }
    out.extend_from_slice(text);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecmascript_number_strings() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0"),
            (-0.0, "0"),
            (1.0, "1"),
            (-1.5, "-1.5"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (1e-7, "1e-7"),
            (1e-6, "0.000001"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (0.1 + 0.2, "0.30000000000000004"),
            (9007199254740992.0, "9007199254740992"),
            (123456789012345680000.0, "123456789012345680000"),
        ];
        for &(v, s) in cases {
            assert_eq!(format_f64(v).unwrap(), s, "{v:e}");
        }
        assert_eq!(
            format_f64(f64::NAN).unwrap_err().code(),
            ErrorCode::NonFiniteNumber
        );
    }

    /// The general path: parse the literal, print the double.
    fn slow(literal: &str) -> String {
        format_f64(literal.parse::<f64>().unwrap()).unwrap()
    }

    #[test]
    fn decimal_fast_path_agrees_with_ryu() {
        // Deterministic pseudo-random literals around every boundary of the
        // rule: digit counts 1..=18, leading zeros 0..=8, trailing zeros.
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut fast = 0;
        for _ in 0..200_000 {
            let int_len = (next() % 17) as usize;
            let int: String = if int_len == 0 {
                "0".into()
            } else {
                (0..int_len)
                    .map(|k| {
                        let d = (next() % 10) as u8;
                        (b'0' + if k == 0 { 1 + d % 9 } else { d }) as char
                    })
                    .collect()
            };
            let zeros = if int_len == 0 {
                (next() % 9) as usize
            } else {
                0
            };
            let frac_len = 1 + (next() % 17) as usize;
            let mut frac = "0".repeat(zeros);
            for _ in 0..frac_len {
                let d = next() % 10;
                // Bias towards nines and zeros: the rounding edge cases.
                let d = match next() % 4 {
                    0 => 9,
                    1 => 0,
                    _ => d,
                };
                frac.push((b'0' + d as u8) as char);
            }
            for sign in ["", "-"] {
                let literal = format!("{sign}{int}.{frac}");
                if decimal_is_canonical(int.as_bytes(), frac.as_bytes()) {
                    fast += 1;
                    assert_eq!(slow(&literal), literal, "fast path would be wrong");
                }
            }
        }
        assert!(
            fast > 50_000,
            "the rule should cover most short decimals ({fast})"
        );
        for (int, frac, ok) in [
            ("0", "000001", true),
            ("0", "0000001", false),
            ("0", "0", false),
            ("0", "10", false),
            ("1", "5", true),
            ("123456789012345", "1", false),
            ("12345678901234", "1", true),
            ("0", "123456789012345", true),
            ("0", "1234567890123456", false),
        ] {
            assert_eq!(
                decimal_is_canonical(int.as_bytes(), frac.as_bytes()),
                ok,
                "{int}.{frac}"
            );
            if ok {
                assert_eq!(slow(&format!("{int}.{frac}")), format!("{int}.{frac}"));
            }
        }
    }

    #[test]
    fn lossy_integer_rule() {
        for ok in [
            "9007199254740991",
            "-9007199254740991",
            "9007199254740992",
            "123456789012345680000",
            "0",
            "-0",
        ] {
            assert!(integer_text_to_f64(ok).is_ok(), "{ok}");
        }
        for bad in [
            "9007199254740993",
            "18446744073709551616",
            "34710072054341912",
            "1000000000000000000000",
        ] {
            assert_eq!(
                integer_text_to_f64(bad).unwrap_err().code(),
                ErrorCode::NumberOutOfRange,
                "{bad}"
            );
        }
        let huge = "1".repeat(400);
        assert_eq!(
            integer_text_to_f64(&huge).unwrap_err().code(),
            ErrorCode::NumberOutOfRange
        );
    }
}
