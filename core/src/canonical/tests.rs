use super::*;

fn canon(s: &str) -> Result<String, Error> {
    canonicalize_text(s.as_bytes())
        .map(|b| String::from_utf8(b).expect("canonical output is UTF-8"))
}

fn code(s: &[u8]) -> (ErrorCode, Option<usize>) {
    let e = canonicalize_text(s).unwrap_err();
    (e.code(), e.offset())
}

#[test]
fn sorts_nested_members_and_strips_whitespace() {
    assert_eq!(
        canon(" { \"b\" : [ 1 , {\"z\":1,\"y\":2} ] , \"a\" : null } ").unwrap(),
        r#"{"a":null,"b":[1,{"y":2,"z":1}]}"#
    );
    assert_eq!(canon("{}").unwrap(), "{}");
    assert_eq!(canon("[]").unwrap(), "[]");
    assert_eq!(canon("[{},[],{\"a\":{}}]").unwrap(), "[{},[],{\"a\":{}}]");
}

#[test]
fn member_order_is_utf16() {
    // U+1F600 (D83D DE00) sorts before U+E000 in UTF-16, after it in UTF-8.
    assert_eq!(
        canon("{\"\u{e000}\":1,\"\u{1f600}\":2}").unwrap(),
        "{\"\u{1f600}\":2,\"\u{e000}\":1}"
    );
    assert_eq!(
        canon("{\"\u{1f600}\":2,\"\u{e000}\":1}").unwrap(),
        "{\"\u{1f600}\":2,\"\u{e000}\":1}"
    );
}

#[test]
fn string_escapes_are_jcs() {
    assert_eq!(
        canon(r#""\u0041\/\b\f\n\r\t\u001f\u007f\"\\""#).unwrap(),
        "\"A/\\b\\f\\n\\r\\t\\u001f\u{7f}\\\"\\\\\""
    );
    assert_eq!(canon(r#""\ud83d\ude00""#).unwrap(), "\"\u{1f600}\"");
    assert_eq!(canon(r#""\u2028""#).unwrap(), "\"\u{2028}\"");
    // No Unicode normalization: e + combining acute stays as is.
    assert_eq!(canon("\"e\u{301}\"").unwrap(), "\"e\u{301}\"");
}

#[test]
fn numbers_print_as_ecmascript() {
    for (i, o) in [
        ("-0", "0"),
        ("-0.0", "0"),
        ("1.0", "1"),
        ("1e21", "1e+21"),
        ("1E-7", "1e-7"),
        ("0.000001", "0.000001"),
        ("5e-324", "5e-324"),
        ("1e400", ""),
        ("9007199254740992", "9007199254740992"),
        ("123456789012345680000", "123456789012345680000"),
        ("100", "100"),
        ("1.5e1", "15"),
    ] {
        if o.is_empty() {
            assert_eq!(
                code(i.as_bytes()),
                (ErrorCode::NumberOutOfRange, Some(0)),
                "{i}"
            );
        } else {
            assert_eq!(canon(i).unwrap(), o, "{i}");
        }
    }
    assert_eq!(
        code(b"[9007199254740993]"),
        (ErrorCode::NumberOutOfRange, Some(1))
    );
    assert_eq!(
        code(b"18446744073709551616"),
        (ErrorCode::NumberOutOfRange, Some(0))
    );
    assert_eq!(
        code(b"34710072054341912"),
        (ErrorCode::NumberOutOfRange, Some(0))
    );
    assert_eq!(canon("34710072054341910").unwrap(), "34710072054341910");
}

#[test]
fn every_rejection_has_its_code_and_offset() {
    assert_eq!(
        code(br#"{"a":1,"a":2}"#),
        (ErrorCode::DuplicateKey, Some(7))
    );
    assert_eq!(
        code(br#"{"a":1,"\u0061":2}"#),
        (ErrorCode::DuplicateKey, Some(7))
    );
    assert_eq!(code(b"\"\xff\""), (ErrorCode::InvalidUtf8, Some(1)));
    assert_eq!(
        code(b"\"ab\xed\xa0\x80\""),
        (ErrorCode::LoneSurrogate, Some(3))
    );
    assert_eq!(code(br#"["\ud800"]"#), (ErrorCode::LoneSurrogate, Some(2)));
    assert_eq!(
        code(br#""\udc00\ud800""#),
        (ErrorCode::LoneSurrogate, Some(1))
    );
    assert_eq!(
        code(br#""\ud800\u0041""#),
        (ErrorCode::LoneSurrogate, Some(1))
    );
    assert_eq!(code(b"[NaN]"), (ErrorCode::NonFiniteNumber, Some(1)));
    assert_eq!(code(b"-Infinity"), (ErrorCode::NonFiniteNumber, Some(0)));
    assert_eq!(code(b"1 2"), (ErrorCode::TrailingData, Some(2)));
    assert_eq!(code(b""), (ErrorCode::Syntax, Some(0)));
    assert_eq!(code(b"[1,]"), (ErrorCode::Syntax, Some(3)));
    assert_eq!(code(b"01"), (ErrorCode::Syntax, Some(0)));
    assert_eq!(code(b"\"a\x01\""), (ErrorCode::Syntax, Some(2)));
    assert_eq!(code(b"\"abc"), (ErrorCode::Syntax, Some(0)));
    assert_eq!(code(b"\xef\xbb\xbf{}"), (ErrorCode::Syntax, Some(0)));
    assert_eq!(code(b"\xff"), (ErrorCode::InvalidUtf8, Some(0)));
}

#[test]
fn depth_limit_is_exact_and_configurable() {
    let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    assert!(canonicalize_text(deep(128).as_bytes()).is_ok());
    assert_eq!(
        code(deep(129).as_bytes()),
        (ErrorCode::DepthLimit, Some(128))
    );
    let opts = Options::new().with_max_depth(3).unwrap();
    let e = canonicalize_text_with(br#"{"a":{"b":{"c":{}}}}"#, &opts).unwrap_err();
    assert_eq!((e.code(), e.offset()), (ErrorCode::DepthLimit, Some(15)));
    assert_eq!(
        Options::new().with_max_depth(0).unwrap_err().code(),
        ErrorCode::InvalidOption
    );
    // A million brackets with a large limit: an error, not a stack overflow.
    let opts = Options::new().with_max_depth(MAX_DEPTH_LIMIT).unwrap();
    let e = canonicalize_text_with(deep(1_000_000).as_bytes(), &opts).unwrap_err();
    assert_eq!(e.code(), ErrorCode::DepthLimit);
}

#[test]
fn utf16_input_reports_lone_surrogates_like_bytes() {
    let units: Vec<u16> = "[\"a"
        .encode_utf16()
        .chain([0xD800])
        .chain("\"]".encode_utf16())
        .collect();
    let e = canonicalize_utf16(&units, &Options::default()).unwrap_err();
    assert_eq!((e.code(), e.offset()), (ErrorCode::LoneSurrogate, Some(3)));
    let ok: Vec<u16> = "{\"b\":1,\"a\":\"\u{1f600}\"}".encode_utf16().collect();
    assert_eq!(
        canonicalize_utf16(&ok, &Options::default()).unwrap(),
        "{\"a\":\"\u{1f600}\",\"b\":1}".as_bytes()
    );
}

#[test]
fn value_path_matches_text_path() {
    let v: serde_json::Value =
        serde_json::from_str(r#"{"b":[1.5,-0.0,1e21,"x\u0000"],"a":{"\u00e9":true,"e":null}}"#)
            .unwrap();
    let from_value = canonicalize_value(&v, &Options::default()).unwrap();
    let from_text = canonicalize_text(serde_json::to_string(&v).unwrap().as_bytes()).unwrap();
    assert_eq!(from_value, from_text);
    assert_eq!(
        String::from_utf8(from_value).unwrap(),
        r#"{"a":{"e":null,"é":true},"b":[1.5,0,1e+21,"x\u0000"]}"#
    );
}

#[test]
fn value_path_applies_integer_rule_with_a_path() {
    let v = serde_json::json!({"a": [1, u64::MAX]});
    let e = canonicalize_value(&v, &Options::default()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::NumberOutOfRange);
    assert_eq!(e.path(), Some("/a/1"));
    let v = serde_json::json!({"a/b": {"~": 9007199254740992u64}});
    assert_eq!(
        canonicalize_value(&v, &Options::default()).unwrap(),
        br#"{"a/b":{"~":9007199254740992}}"#
    );
    // -2^63 is exactly a double, but its ECMAScript spelling is -9223372036854776000.
    let v = serde_json::json!({"x": i64::MIN});
    assert_eq!(
        canonicalize_value(&v, &Options::default())
            .unwrap_err()
            .code(),
        ErrorCode::NumberOutOfRange
    );
}

#[test]
fn errors_display_code_position_and_message() {
    let e = canonicalize_text(br#"{"a":1,"a":2}"#).unwrap_err();
    assert_eq!(
        e.to_string(),
        "duplicate member name \"a\" in one object at byte 7 [duplicate_key]"
    );
}

/// A tiny host-value model, as a binding would implement it.
enum Host {
    Num(f64),
    Text(Vec<u16>),
    Obj(Vec<(Vec<u16>, Host)>),
    Other(&'static str),
}

impl ValueSource for Host {
    fn read(&self) -> Result<SourceValue<'_, Self>, Error> {
        Ok(match self {
            Host::Num(f) => SourceValue::Number(*f),
            Host::Text(u) => SourceValue::Utf16(u.clone()),
            Host::Obj(m) => SourceValue::Object(
                m.iter()
                    .map(|(k, v)| (Key::Utf16(k.clone()), clone_host(v)))
                    .collect(),
            ),
            Host::Other(t) => SourceValue::Unsupported((*t).to_string()),
        })
    }
}

fn clone_host(h: &Host) -> Host {
    match h {
        Host::Num(f) => Host::Num(*f),
        Host::Text(u) => Host::Text(u.clone()),
        Host::Obj(m) => Host::Obj(m.iter().map(|(k, v)| (k.clone(), clone_host(v))).collect()),
        Host::Other(t) => Host::Other(t),
    }
}

fn u16s(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
}

#[test]
fn host_values_get_codes_and_readable_paths() {
    let opts = Options::default();
    let ok = Host::Obj(vec![
        (u16s("b"), Host::Num(-0.0)),
        (u16s("a"), Host::Text(u16s("x"))),
    ]);
    assert_eq!(
        canonicalize_source(&ok, &opts).unwrap(),
        br#"{"a":"x","b":0}"#
    );

    let lone_key = Host::Obj(vec![(vec![0x61, 0xD800], Host::Num(1.0))]);
    let e = canonicalize_source(&lone_key, &opts).unwrap_err();
    assert_eq!(
        (e.code(), e.path()),
        (ErrorCode::LoneSurrogate, Some("/a\\ud800"))
    );

    let lone_value = Host::Obj(vec![(u16s("k/~"), Host::Text(vec![0xDC00]))]);
    let e = canonicalize_source(&lone_value, &opts).unwrap_err();
    assert_eq!(
        (e.code(), e.path()),
        (ErrorCode::LoneSurrogate, Some("/k~1~0"))
    );

    let nan = Host::Obj(vec![(u16s("n"), Host::Num(f64::NAN))]);
    assert_eq!(
        canonicalize_source(&nan, &opts).unwrap_err().code(),
        ErrorCode::NonFiniteNumber
    );
    let other = Host::Other("BigInt");
    let e = canonicalize_source(&other, &opts).unwrap_err();
    assert_eq!((e.code(), e.path()), (ErrorCode::UnsupportedType, Some("")));
    assert_eq!(
        e.to_string(),
        "BigInt cannot be represented in JSON at the top-level value [unsupported_type]"
    );
}

#[cfg(test)]
mod capture {
    use super::super::{
        canonicalize_source, canonicalize_text, canonicalize_text_capturing, canonicalize_value,
        Options,
    };
    use proptest::prelude::*;
    use serde_json::Value;

    fn json_value() -> impl Strategy<Value = Value> {
        values(false)
    }

    /// Values; `hard`: also floats, integers JSON cannot hold exactly and
    /// names whose UTF-8 and UTF-16 orders differ.
    fn values(hard: bool) -> impl Strategy<Value = Value> {
        let plain = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            (-1000i64..1000).prop_map(Value::from),
            "[a-z\u{e9}\u{1F600}\"\\\\ ]{0,6}".prop_map(Value::from),
        ];
        let leaf = if hard {
            prop_oneof![
                4 => plain,
                1 => prop_oneof![Just(1.5e300), Just(-0.0), Just(5e-324), Just(0.1)].prop_map(Value::from),
                1 => prop_oneof![Just(9_007_199_254_740_993u64), Just(u64::MAX)].prop_map(Value::from),
            ]
            .boxed()
        } else {
            plain.boxed()
        };
        let names = if hard {
            "[a-e\u{e9}\u{ff61}\u{1F600}]{0,3}"
        } else {
            "[a-e\u{e9}]{0,3}"
        };
        leaf.prop_recursive(3, 24, 5, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                proptest::collection::btree_map(names, inner, 0..5)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        // The direct `serde_json::Value` writer gives the general walk's
        // bytes, or its error with the same code and path, and the text
        // path's bytes (names above U+E000 sort differently in UTF-16:
        // U+1F600's surrogates come before U+FF61).
        #[test]
        fn value_writer_is_the_general_walk(v in values(true)) {
            let direct = canonicalize_value(&v, &Options::default());
            let general = canonicalize_source(&&v, &Options::default());
            match (&direct, &general) {
                (Ok(a), Ok(b)) => {
                    prop_assert_eq!(a, b);
                    let text = canonicalize_text(v.to_string().as_bytes()).unwrap();
                    prop_assert_eq!(a, &text);
                }
                (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
                _ => prop_assert!(false, "{:?} against {:?}", direct, general),
            }
        }
    }

    proptest! {
        // The captured range of a top-level member is exactly the canonical
        // form of its value, whatever the input order and spacing.
        #[test]
        fn captured_members_are_their_canonical_values(v in json_value(), names in proptest::collection::vec("[a-e\u{e9}]{0,3}", 1..4)) {
            let text = serde_json::to_string_pretty(&v).unwrap();
            // Reverse the members of the top-level object in the input, so
            // the parser has to sort them.
            let input = match &v {
                Value::Object(m) => {
                    let parts: Vec<String> = m.iter().rev().map(|(k, x)| format!("{}: {}", Value::from(k.as_str()), x)).collect();
                    format!("{{ {} }}", parts.join(" , "))
                }
                _ => text,
            };
            let keys: Vec<&[u8]> = names.iter().map(|n| n.as_bytes()).collect();
            let mut out = Vec::new();
            let found = canonicalize_text_capturing(input.as_bytes(), &Options::default(), &mut out, &keys).unwrap();
            prop_assert_eq!(&out, &canonicalize_value(&v, &Options::default()).unwrap());
            for (i, n) in names.iter().enumerate() {
                let want = v.as_object().and_then(|m| m.get(n.as_str())).map(|x| canonicalize_value(x, &Options::default()).unwrap());
                let got = found[i].map(|(a, b)| out[a..b].to_vec());
                prop_assert_eq!(got, want, "member {:?} of {}", n, input);
            }
        }
    }
}
