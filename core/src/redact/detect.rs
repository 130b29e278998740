//! Value detectors, defined exactly (each matches a whole string value; the
//! rules are in `docs/redaction.md` and the vectors pin every edge).

/// The detectors a policy can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Detector {
    /// `local@domain`: a local part of 1-64 characters of
    /// `A-Z a-z 0-9 ! # $ % & ' * + / = ? ^ _ ` { | } ~ - .` without a dot
    /// at either end or two in a row; a domain of two or more labels of
    /// 1-63 `A-Z a-z 0-9 -` not starting or ending with `-`, the last one
    /// 2-63 letters; at most 254 characters in all.
    Email,
    /// E.164: `+`, then 8-15 digits, the first not 0.
    PhoneE164,
    /// Dotted-quad IPv4: four decimal numbers 0-255 without leading zeros.
    Ipv4,
    /// IPv6 in RFC 4291 §2.2 text form (hex groups of 1-4 digits, one `::`
    /// at most, an optional trailing dotted-quad IPv4), without a zone.
    Ipv6,
    /// A payment card number: 13-19 digits, optionally in groups separated
    /// by single spaces or single dashes (one kind throughout), passing the
    /// Luhn check.
    Card,
    /// An IBAN: two letters, two digits, 11-30 letters or digits (15-34 in
    /// all), optionally in groups of four separated by single spaces,
    /// uppercase, whose ISO 7064 mod 97-10 check gives 1.
    Iban,
}

impl Detector {
    /// Every detector.
    pub const ALL: [Detector; 6] = [
        Detector::Email,
        Detector::PhoneE164,
        Detector::Ipv4,
        Detector::Ipv6,
        Detector::Card,
        Detector::Iban,
    ];

    /// The policy spelling (also the default class).
    pub fn as_str(self) -> &'static str {
        match self {
            Detector::Email => "email",
            Detector::PhoneE164 => "phone",
            Detector::Ipv4 => "ipv4",
            Detector::Ipv6 => "ipv6",
            Detector::Card => "card",
            Detector::Iban => "iban",
        }
    }

    /// The detector named `name`.
    pub fn from_name(name: &str) -> Option<Detector> {
        Self::ALL.iter().copied().find(|d| d.as_str() == name)
    }

    /// Whether `s`, whole, is such a value.
    #[inline]
    pub fn matches(self, s: &str) -> bool {
        // Conditions every match meets (each implied by the full check
        // below), so that most strings never reach it: a detector runs on
        // every string value of every document.
        let (b, n) = (s.as_bytes(), s.len());
        let first = b.first().copied().unwrap_or(0);
        let maybe = match self {
            Detector::Email => (3..=254).contains(&n) && b.contains(&b'@'),
            Detector::PhoneE164 => first == b'+' && (9..=16).contains(&n),
            Detector::Ipv4 => first.is_ascii_digit() && (7..=15).contains(&n),
            Detector::Ipv6 => (2..=45).contains(&n),
            Detector::Card => first.is_ascii_digit() && (13..38).contains(&n),
            Detector::Iban => first.is_ascii_uppercase() && n >= 15,
        };
        maybe && self.full_check(s)
    }

    fn full_check(self, s: &str) -> bool {
        match self {
            Detector::Email => email(s),
            Detector::PhoneE164 => phone(s),
            Detector::Ipv4 => ipv4(s),
            Detector::Ipv6 => ipv6(s),
            Detector::Card => card(s),
            Detector::Iban => iban(s),
        }
    }
}

fn email(s: &str) -> bool {
    if s.len() > 254 || !s.is_ascii() {
        return false;
    }
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let local_ok = (1..=64).contains(&local.len())
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~-.".contains(&b));
    if !local_ok {
        return false;
    }
    // At least two labels.
    let Some((_, tld)) = domain.rsplit_once('.') else {
        return false;
    };
    let label_ok = |l: &str| {
        (1..=63).contains(&l.len())
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    domain.split('.').all(label_ok)
        && tld.len() >= 2
        && tld.bytes().all(|b| b.is_ascii_alphabetic())
}

fn phone(s: &str) -> bool {
    let Some(digits) = s.strip_prefix('+') else {
        return false;
    };
    (8..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

fn ipv4(s: &str) -> bool {
    // Only digits and dots, 7 to 15 of them: anything else is out at once.
    if !(7..=15).contains(&s.len()) || !s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return false;
    }
    s.split('.').count() == 4
        && s.split('.').all(|p| {
            !p.is_empty()
                && p.len() <= 3
                && p.bytes().all(|b| b.is_ascii_digit())
                && (p.len() == 1 || !p.starts_with('0'))
                && p.parse::<u16>().is_ok_and(|n| n <= 255)
        })
}

fn ipv6(s: &str) -> bool {
    if s.is_empty() || s.len() > 45 || !s.contains(':') {
        return false;
    }
    // An embedded IPv4 takes the last two groups.
    let (head, v4) = match s.rfind(':') {
        Some(i) if s[i + 1..].contains('.') => {
            if !ipv4(&s[i + 1..]) {
                return false;
            }
            (&s[..=i], true)
        }
        _ => (s, false),
    };
    let want = if v4 { 6 } else { 8 };
    let group_ok = |g: &str| (1..=4).contains(&g.len()) && g.bytes().all(|b| b.is_ascii_hexdigit());
    let count = |part: &str| -> Option<usize> {
        if part.is_empty() {
            return Some(0);
        }
        let gs: Vec<&str> = part.split(':').collect();
        gs.iter().all(|g| group_ok(g)).then_some(gs.len())
    };
    match head.matches("::").count() {
        0 => {
            // With an IPv4 tail the head ends in ':' (before the IPv4).
            let h = if v4 {
                match head.strip_suffix(':') {
                    Some(h) => h,
                    None => return false,
                }
            } else {
                head
            };
            count(h) == Some(want)
        }
        1 => {
            let (l, r) = match head.split_once("::") {
                Some(x) => x,
                None => return false,
            };
            // `:::` or a leading/trailing single ':' is malformed.
            if l.ends_with(':') || l.starts_with(':') || r.starts_with(':') {
                return false;
            }
            let r = if v4 {
                if r.is_empty() {
                    r
                } else {
                    match r.strip_suffix(':') {
                        Some(x) => x,
                        None => return false,
                    }
                }
            } else {
                if r.ends_with(':') {
                    return false;
                }
                r
            };
            match (count(l), count(r)) {
                (Some(a), Some(b)) => a + b < want,
                _ => false,
            }
        }
        _ => false,
    }
}

fn card(s: &str) -> bool {
    // 13 to 19 digits, with one kind of separator between groups.
    if !(13..38).contains(&s.len())
        || !s
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b' ' || b == b'-')
    {
        return false;
    }
    let sep = if s.contains(' ') {
        Some(' ')
    } else if s.contains('-') {
        Some('-')
    } else {
        None
    };
    // Separators, when there are any, stand between groups of digits.
    if let Some(sep) = sep {
        if s.split(sep)
            .any(|g| g.is_empty() || !g.bytes().all(|b| b.is_ascii_digit()))
        {
            return false;
        }
    } else if !s.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    // The digits, on the stack (a string of 13 to 37 bytes has at most 37).
    let mut buf = [0u32; 38];
    let mut n = 0;
    for b in s.bytes().filter(u8::is_ascii_digit) {
        buf[n] = u32::from(b - b'0');
        n += 1;
    }
    let digits = &buf[..n];
    if !(13..=19).contains(&digits.len()) {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

fn iban(s: &str) -> bool {
    // Two capital letters first, at least 15 characters.
    let head = s.as_bytes();
    if head.len() < 15 || !head[0].is_ascii_uppercase() || !head[1].is_ascii_uppercase() {
        return false;
    }
    if s.contains(' ') {
        let groups = s.split(' ').count();
        let shaped = s.split(' ').enumerate().all(|(i, g)| {
            if i + 1 == groups {
                (1..=4).contains(&g.len())
            } else {
                g.len() == 4
            }
        });
        if !shaped {
            return false;
        }
    }
    // The characters without the spaces, on the stack (at most 34 count).
    let mut buf = [0u8; 34];
    let mut n = 0;
    for c in s.bytes().filter(|&c| c != b' ') {
        if n == buf.len() {
            return false;
        }
        buf[n] = c;
        n += 1;
    }
    let b = &buf[..n];
    if !(15..=34).contains(&b.len())
        || !b[..2].iter().all(u8::is_ascii_uppercase)
        || !b[2..4].iter().all(u8::is_ascii_digit)
        || !b[4..]
            .iter()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
    {
        return false;
    }
    // Move the first four characters to the end, letters to 10..35, mod 97.
    let mut rem: u32 = 0;
    for &c in b[4..].iter().chain(&b[..4]) {
        let v = if c.is_ascii_digit() {
            u32::from(c - b'0')
        } else {
            u32::from(c - b'A') + 10
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

#[cfg(test)]
mod tests {
    use super::Detector::*;

    #[test]
    fn every_detector_on_its_edges() {
        for (d, yes, no) in [
            (
                Email,
                &[
                    "a@b.co",
                    "first.last+tag@sub.example.org",
                    "x!#$%&'*+/=?^_`{|}~-@a-b.io",
                ][..],
                &[
                    "a@b",
                    "a@b.c",
                    ".a@b.co",
                    "a.@b.co",
                    "a..b@c.co",
                    "a@-b.co",
                    "a@b-.co",
                    "a@b.c0",
                    "é@b.co",
                    "a@b@c.co",
                    "@b.co",
                    "a@.co",
                ][..],
            ),
            (
                PhoneE164,
                &["+14155550123", "+44207183875", "+123456789012345"],
                &[
                    "14155550123",
                    "+0123456789",
                    "+1234567",
                    "+1234567890123456",
                    "+1 415 555 0123",
                ],
            ),
            (
                Ipv4,
                &["0.0.0.0", "192.168.1.1", "255.255.255.255"],
                &[
                    "256.1.1.1",
                    "01.1.1.1",
                    "1.1.1",
                    "1.1.1.1.1",
                    "1..1.1",
                    " 1.1.1.1",
                ],
            ),
            (
                Ipv6,
                &[
                    "::",
                    "::1",
                    "2001:db8::1",
                    "fe80::1:2:3:4",
                    "1:2:3:4:5:6:7:8",
                    "::ffff:192.0.2.1",
                    "1:2:3:4:5:6:1.2.3.4",
                    "2001:DB8::",
                ],
                &[
                    "",
                    ":",
                    ":::",
                    "1:2:3:4:5:6:7:8:9",
                    "1::2::3",
                    "12345::",
                    "1:2:3:4:5:6:7",
                    "fe80::1%eth0",
                    ":1:2:3:4:5:6:7",
                    "1:2:3:4:5:6:7:",
                    "::ffff:256.0.0.1",
                    "g::1",
                ],
            ),
            (
                Card,
                &[
                    "4111111111111111",
                    "4111 1111 1111 1111",
                    "4111-1111-1111-1111",
                    "378282246310005",
                ],
                &[
                    "4111111111111112",
                    "4111 1111-1111 1111",
                    "4111  1111 1111 1111",
                    "411111111111",
                    "41111111111111111111",
                ],
            ),
            (
                Iban,
                &[
                    "DE89370400440532013000",
                    "GB82 WEST 1234 5698 7654 32",
                    "FR1420041010050500013M02606",
                ],
                &[
                    "DE89370400440532013001",
                    "de89370400440532013000",
                    "GB82 WEST 12345698765432",
                    "DE8937040044",
                    "GB82  WEST 1234 5698 7654 32",
                ],
            ),
        ] {
            for y in yes {
                assert!(d.matches(y), "{d:?} should match {y:?}");
            }
            for n in no {
                assert!(!d.matches(n), "{d:?} should not match {n:?}");
            }
        }
    }

    proptest::proptest! {
        // Cheap (6 detectors on short strings), so many cases: the edges of
        // each condition are a few strings among many.
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        // The quick conditions in `matches` only ever reject what the full
        // check rejects too: on strings shaped like each detector's values
        // (and near misses), the two answers agree.
        #[test]
        fn quick_conditions_never_change_an_answer(
            s in proptest::prop_oneof![
                "[a-z.]{0,6}@[a-z-]{0,6}(\\.[a-z]{1,3}){0,3}",
                "\\+?[0-9]{6,17}",
                "[0-9]{1,3}(\\.[0-9]{1,4}){0,4}",
                "[0-9a-fA-F:.]{0,46}",
                "[0-9]{1,5}([ -][0-9]{1,5}){0,6}",
                "[A-Z]{1,2}[0-9]{0,2}[A-Z0-9 ]{0,40}",
                ".{0,20}",
            ]
        ) {
            for d in super::Detector::ALL {
                proptest::prop_assert_eq!(d.matches(&s), d.full_check(&s), "{:?} on {:?}", d, s);
            }
        }
    }
}
