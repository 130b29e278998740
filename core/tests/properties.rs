//! Property tests for the canonical JSON parser and the digest text form.

use proptest::prelude::*;
use serde_json::{Map, Number, Value};
use trustcore::canonical::{self, Options};
use trustcore::digest::{Algorithm, Digest};

fn arb_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        (-9_007_199_254_740_991i64..=9_007_199_254_740_991i64).prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| Number::from_f64(f).map(Value::Number)),
        prop_oneof![
            Just(0.0),
            Just(-0.0),
            Just(1e21),
            Just(1e-7),
            Just(5e-324),
            Just(1.7976931348623157e308)
        ]
        .prop_filter_map("finite", |f: f64| Number::from_f64(f).map(Value::Number)),
    ]
}

fn arb_string() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-c\"\\\\\\x00-\\x1f\u{e000}\u{1f600}\u{7f}]{0,6}"
    ]
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        arb_number(),
        arb_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((arb_string(), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Writes `v` as JSON text with members in an order chosen by `seed` and
/// whitespace sprinkled between tokens.
fn write_shuffled(v: &Value, seed: &mut u64, out: &mut String) {
    let mut next = || {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    };
    let ws = [" ", "", "\n", "\t", "\r\n  ", ""];
    out.push_str(ws[(next() % 6) as usize]);
    match v {
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_shuffled(item, seed, out);
            }
            out.push(']');
        }
        Value::Object(m) => {
            let mut members: Vec<_> = m.iter().collect();
            for i in (1..members.len()).rev() {
                let j = (xorshift(seed) % (i as u64 + 1)) as usize;
                members.swap(i, j);
            }
            out.push('{');
            for (i, (k, val)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(k).unwrap());
                out.push_str(" : ");
                write_shuffled(val, seed, out);
            }
            out.push('}');
        }
        other => out.push_str(&serde_json::to_string(other).unwrap()),
    }
}

fn xorshift(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    /// Canonical output is accepted again and canonicalizes to itself.
    #[test]
    fn canonical_form_is_a_fixed_point(v in arb_json()) {
        let text = serde_json::to_vec(&v).unwrap();
        let once = canonical::canonicalize_text(&text).unwrap();
        let twice = canonical::canonicalize_text(&once).unwrap();
        prop_assert_eq!(&once, &twice);
        // And it is still the same JSON value.
        let back: Value = serde_json::from_slice(&once).unwrap();
        prop_assert_eq!(canonical::canonicalize_value(&back, &Options::default()).unwrap(), once);
    }

    /// Without duplicates, the text path and the value path agree.
    #[test]
    fn text_path_agrees_with_value_path(v in arb_json()) {
        let text = serde_json::to_vec_pretty(&v).unwrap();
        prop_assert_eq!(
            canonical::canonicalize_text(&text).unwrap(),
            canonical::canonicalize_value(&v, &Options::default()).unwrap()
        );
    }

    /// Member order and whitespace never change the output.
    #[test]
    fn member_order_and_whitespace_do_not_matter(v in arb_json(), seed in 1u64..) {
        let mut a = String::new();
        let mut s = seed;
        write_shuffled(&v, &mut s, &mut a);
        let mut b = String::new();
        let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        write_shuffled(&v, &mut s, &mut b);
        prop_assert_eq!(
            canonical::canonicalize_text(a.as_bytes()).unwrap(),
            canonical::canonicalize_text(b.as_bytes()).unwrap()
        );
    }

    /// Any bytes: no panic; success is a fixed point; errors point inside the input.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        match canonical::canonicalize_text(&bytes) {
            Ok(out) => prop_assert_eq!(canonical::canonicalize_text(&out).unwrap(), out),
            Err(e) => prop_assert!(e.offset().is_some_and(|o| o <= bytes.len()), "{e}"),
        }
    }

    /// Mutating one byte of valid JSON: no panic, and errors carry a position.
    #[test]
    fn mutated_json_never_panics(v in arb_json(), pos in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let mut text = serde_json::to_vec(&v).unwrap();
        let i = pos.index(text.len());
        text[i] = byte;
        if let Err(e) = canonical::canonicalize_text(&text) {
            prop_assert!(e.offset().is_some_and(|o| o <= text.len()));
        }
    }

    /// A JavaScript string (UTF-16) and its UTF-8 bytes give the same result.
    #[test]
    fn utf16_input_agrees_with_utf8(v in arb_json()) {
        let text = serde_json::to_string(&v).unwrap();
        let units: Vec<u16> = text.encode_utf16().collect();
        prop_assert_eq!(
            canonical::canonicalize_utf16(&units, &Options::default()).unwrap(),
            canonical::canonicalize_text(text.as_bytes()).unwrap()
        );
    }

    /// UTF-16 → WTF-8 (the JavaScript string entry) matches a plain
    /// reference encoder on any code units, lone surrogates included.
    #[test]
    fn wtf8_matches_reference(units in prop::collection::vec(prop_oneof![
        0u16..0x80, 0x80u16..0x800, 0xD800u16..0xE000, any::<u16>()], 0..40)) {
        let mut want = Vec::new();
        for r in char::decode_utf16(units.iter().copied()) {
            match r {
                Ok(c) => want.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
                Err(e) => {
                    let s = e.unpaired_surrogate() as u32;
                    want.extend_from_slice(&[0xE0 | (s >> 12) as u8, 0x80 | ((s >> 6) & 0x3F) as u8, 0x80 | (s & 0x3F) as u8]);
                }
            }
        }
        prop_assert_eq!(canonical::wtf8_from_utf16(&units), want);
    }

    /// Every finite double prints as text that parses back to the same double.
    #[test]
    fn numbers_round_trip(f in any::<f64>().prop_filter("finite", |f| f.is_finite())) {
        let s = canonical::format_f64(f).unwrap();
        let back: f64 = s.parse().unwrap();
        prop_assert!(back == f, "{} -> {} -> {}", f, s, back);
        prop_assert_eq!(canonical::canonicalize_text(s.as_bytes()).unwrap(), s.as_bytes());
    }

    /// Digest text round-trips exactly.
    #[test]
    fn digest_text_round_trips(bytes in any::<[u8; 32]>(), blake in any::<bool>()) {
        let alg = if blake { Algorithm::Blake3 } else { Algorithm::Sha256 };
        let d = Digest::from_bytes(alg, bytes);
        prop_assert_eq!(d.to_string().parse::<Digest>().unwrap(), d);
    }

    /// Digest parsing never panics on arbitrary text.
    #[test]
    fn digest_parse_never_panics(s in "\\PC{0,80}") {
        let _ = s.parse::<Digest>();
    }
}

mod signing {
    use super::arb_json;
    use proptest::prelude::*;
    use trustcore::envelope::{Algorithm, Envelope};
    use trustcore::keys::{PublicKey, SecretKey};

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

        /// Any payload: sign, print, parse, verify; printing is canonical.
        #[test]
        fn envelope_round_trips(payload in arb_json(), seed in any::<[u8; 32]>(), ph in any::<bool>()) {
            let key = SecretKey::from_seed(&seed);
            let alg = if ph { Algorithm::Ed25519ph } else { Algorithm::Ed25519 };
            let mut env = Envelope::new("audit.event", &serde_json::to_vec(&payload).unwrap()).unwrap();
            env.sign(&key, "signer-1", alg).unwrap();
            let text = env.to_json();
            let back = Envelope::from_json(text.as_bytes()).unwrap();
            prop_assert!(back.verify(0, &key.public_key()).unwrap());
            prop_assert_eq!(back.to_json(), text);
        }

        /// Every key form round-trips exactly.
        #[test]
        fn key_forms_round_trip(seed in any::<[u8; 32]>()) {
            let sk = SecretKey::from_seed(&seed);
            let pk = sk.public_key();
            prop_assert_eq!(PublicKey::from_spki_pem(&pk.to_spki_pem()).unwrap(), pk);
            prop_assert_eq!(PublicKey::from_jwk(&pk.to_jwk(None)).unwrap(), pk);
            prop_assert_eq!(PublicKey::from_base64(&pk.to_base64()).unwrap(), pk);
            prop_assert_eq!(*SecretKey::from_pkcs8_pem(&sk.to_pkcs8_pem()).unwrap().to_bytes(), seed);
            prop_assert_eq!(*SecretKey::from_jwk(&sk.to_jwk(Some("k"))).unwrap().to_bytes(), seed);
        }

        /// Key and envelope parsers never panic on arbitrary text.
        #[test]
        fn parsers_never_panic(s in "\\PC{0,120}") {
            let _ = PublicKey::from_spki_pem(&s);
            let _ = PublicKey::from_jwk(&s);
            let _ = PublicKey::from_base64(&s);
            let _ = SecretKey::from_pkcs8_pem(&s);
            let _ = Envelope::from_json(s.as_bytes());
        }
    }
}
