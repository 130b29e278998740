//! Property tests for timestamps, the signer registry (signers file and
//! JWKS round trips, window semantics) and approval counting.

use proptest::prelude::*;
use trustcore::envelope::{Algorithm, Envelope};
use trustcore::keys::SecretKey;
use trustcore::registry::{ApprovalSet, Reason, SignerRegistry};
use trustcore::time::Timestamp;

/// Seconds from 0001-01-01 to 9999-12-31.
const MIN_S: i64 = -62_135_596_800;
const MAX_S: i64 = 253_402_300_799;

fn arb_time() -> impl Strategy<Value = (i64, u32)> {
    (MIN_S..=MAX_S, prop_oneof![Just(0u32), 0u32..1_000_000_000])
}

fn ts_text(secs: i64, nanos: u32) -> String {
    // Built independently of Timestamp's printer (which uses Hinnant's
    // civil-from-days): walk years, then months, from 1970.
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (mut y, mut m, mut d) = (1970i64, 1u32, 1u32);
    let mut left = days;
    let leap = |y: i64| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let ylen = |y: i64| if leap(y) { 366 } else { 365 };
    while left < 0 {
        y -= 1;
        left += ylen(y);
    }
    while left >= ylen(y) {
        left -= ylen(y);
        y += 1;
    }
    let mlen = |y: i64, m: u32| match m {
        2 if leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    while left >= mlen(y, m) {
        left -= mlen(y, m);
        m += 1;
    }
    d += left as u32;
    let frac = if nanos == 0 {
        String::new()
    } else {
        format!(".{nanos:09}")
    };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}{frac}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn arb_registry() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            any::<[u8; 32]>(),
            prop::option::of(arb_time()),
            prop::option::of(1i64..100_000_000),
            prop::option::of(arb_time()),
            any::<bool>(),
        ),
        0..6,
    )
    .prop_map(|entries| {
        let list: Vec<String> = entries
            .iter()
            .enumerate()
            .map(|(i, (seed, from, len, revoked, ph))| {
                let pk = SecretKey::from_seed(seed).public_key().to_base64();
                let mut e = format!(r#"{{"signerId":"signer-{i}","publicKey":"{pk}""#);
                if let Some((s, n)) = from {
                    e += &format!(r#","validFrom":"{}""#, ts_text(*s, *n));
                    if let Some(len) = len {
                        let until = (s + len).min(MAX_S);
                        if until > *s {
                            e += &format!(r#","validUntil":"{}""#, ts_text(until, *n));
                        }
                    }
                }
                if let Some((s, n)) = revoked {
                    e += &format!(r#","revokedAt":"{}""#, ts_text(*s, *n));
                }
                if *ph {
                    e += r#","algorithm":"ed25519ph""#;
                }
                e + "}"
            })
            .collect();
        format!(r#"{{"signers":[{}]}}"#, list.join(","))
    })
}

proptest! {
    #[test]
    fn timestamps_round_trip_and_order((s1, n1) in arb_time(), (s2, n2) in arb_time()) {
        let a = Timestamp::parse(&ts_text(s1, n1)).unwrap();
        let b = Timestamp::parse(&ts_text(s2, n2)).unwrap();
        prop_assert_eq!(a.unix_seconds(), s1);
        prop_assert_eq!(a.subsec_nanos(), n1);
        prop_assert_eq!(Timestamp::parse(&a.to_string()).unwrap(), a);
        prop_assert_eq!(a.cmp(&b), (s1, n1).cmp(&(s2, n2)));
    }

    #[test]
    fn timestamp_parse_never_panics(s in "\\PC{0,40}") {
        let _ = Timestamp::parse(&s);
    }

    #[test]
    fn registry_round_trips_through_both_formats(doc in arb_registry()) {
        let reg = SignerRegistry::from_json(doc.as_bytes()).unwrap();
        let text = reg.to_json();
        prop_assert_eq!(&SignerRegistry::from_json(text.as_bytes()).unwrap(), &reg);
        prop_assert_eq!(&SignerRegistry::from_jwks(reg.to_jwks().as_bytes()).unwrap(), &reg);
        // Writing is a fixed point.
        prop_assert_eq!(SignerRegistry::from_json(text.as_bytes()).unwrap().to_json(), text);
    }

    #[test]
    fn a_key_vouches_exactly_inside_its_window(doc in arb_registry(), (s, n) in arb_time()) {
        let reg = SignerRegistry::from_json(doc.as_bytes()).unwrap();
        let at = Timestamp::parse(&ts_text(s, n)).unwrap();
        for r in reg.records() {
            let parse = |t: Option<&str>| t.map(|t| Timestamp::parse(t).unwrap());
            let inside = parse(r.valid_from()).is_none_or(|f| at >= f)
                && parse(r.valid_until()).is_none_or(|u| at < u)
                && parse(r.revoked_at()).is_none_or(|x| at < x);
            let got = reg.key_for(r.signer_id(), r.algorithm(), &at);
            prop_assert_eq!(got.is_ok(), inside, "{:?} at {}", r, at);
            let other = match r.algorithm() {
                Algorithm::Ed25519 => Algorithm::Ed25519ph,
                Algorithm::Ed25519ph => Algorithm::Ed25519,
            };
            prop_assert!(reg.key_for(r.signer_id(), other, &at).is_err());
        }
    }

    #[test]
    fn approvals_count_each_valid_signer_once(
        order in prop::collection::vec(0usize..6, 0..12),
        threshold in 1usize..=5,
    ) {
        // Five approvers in the set, one registered outsider (index 5).
        let keys: Vec<SecretKey> = (0..6u8).map(|i| SecretKey::from_seed(&[i + 1; 32])).collect();
        let entries: Vec<String> = keys.iter().enumerate().map(|(i, k)| {
            format!(r#"{{"signerId":"s{i}","publicKey":"{}"}}"#, k.public_key().to_base64())
        }).collect();
        let reg = SignerRegistry::from_json(format!(r#"{{"signers":[{}]}}"#, entries.join(",")).as_bytes()).unwrap();
        let set = ApprovalSet::from_json(format!(
            r#"{{"name":"q","threshold":{threshold},"signers":["s0","s1","s2","s3","s4"]}}"#
        ).as_bytes()).unwrap();
        let mut env = Envelope::new("upgrade.applied", b"{}").unwrap();
        for &i in &order {
            env.sign(&keys[i], &format!("s{i}"), Algorithm::Ed25519).unwrap();
        }
        let at = Timestamp::parse("2026-01-01T00:00:00Z").unwrap();
        let report = set.verify(&env, &reg, &at);
        let mut distinct: Vec<usize> = order.iter().copied().filter(|&i| i < 5).collect();
        distinct.sort_unstable();
        distinct.dedup();
        prop_assert_eq!(report.approvers.len(), distinct.len());
        prop_assert_eq!(report.approved, distinct.len() >= threshold);
        let dup = report.signatures.iter().filter(|s| s.reason == Some(Reason::DuplicateSigner)).count();
        let outside = report.signatures.iter().filter(|s| s.reason == Some(Reason::NotInSet)).count();
        prop_assert_eq!(dup + outside + distinct.len(), order.len());
    }
}
