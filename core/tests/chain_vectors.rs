//! Runs test-vectors/chain.json: JSONL exports with the expected report,
//! computed by an independent reference (tools/gen_chain.py). Each case is
//! run whole, row by row, byte by byte, and on 1 and 2 threads.

use serde_json::Value;
use trustcore::chain::{verify_jsonl, ChainVerifier, Head, VerifyOptions};
use trustcore::options::Naming;
use trustcore::registry::SignerRegistry;

fn expected_report(c: &Value) -> Value {
    // Messages are for people; compare everything else.
    c["expected"].clone()
}

fn strip_messages(mut v: Value) -> Value {
    if let Some(list) = v.get_mut("breaks").and_then(Value::as_array_mut) {
        for b in list {
            if let Some(o) = b.as_object_mut() {
                o.remove("message");
            }
        }
    }
    v
}

#[test]
fn chain_vectors() {
    let doc: Value = serde_json::from_str(include_str!("../../test-vectors/chain.json")).unwrap();
    let registry = SignerRegistry::from_json(doc["registry"].as_str().unwrap().as_bytes()).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() >= 25);
    for c in cases {
        let id = c["id"].as_str().unwrap();
        let text = c["jsonl"].as_str().unwrap().as_bytes();
        // The vectors spell options as JavaScript does; the core reads
        // them with its one definition of names and bounds.
        let opts = |threads| VerifyOptions {
            threads: Some(threads),
            ..VerifyOptions::from_value(c.get("options"), Naming::Camel).unwrap()
        };
        let want = expected_report(c);
        for threads in [1, 2] {
            let got = verify_jsonl(text, registry.clone(), opts(threads));
            assert_eq!(
                strip_messages(got.to_value()),
                want,
                "{id} ({threads} threads)"
            );
        }
        // Fed one byte at a time: lines spanning chunks.
        let mut v = ChainVerifier::new(registry.clone(), opts(1));
        for b in text.chunks(1) {
            v.push_bytes(b);
        }
        assert_eq!(
            strip_messages(v.finish().to_value()),
            want,
            "{id} (bytewise)"
        );
        // Messages name what is wrong.
        for b in verify_jsonl(text, registry.clone(), opts(1)).breaks {
            assert!(!b.message.is_empty(), "{id}");
        }
    }
}

/// The `replay` cases: rows in any order (and unreadable ones) with an
/// optional start head; `Replay::to_value()` must equal `expected`, which
/// comes from the independent reference replay in tools/gen_chain.py.
#[test]
fn replay_vectors() {
    let doc: Value = serde_json::from_str(include_str!("../../test-vectors/chain.json")).unwrap();
    let cases = doc["replay"]
        .as_array()
        .expect("chain.json has a replay array");
    assert!(cases.len() >= 20, "{} replay cases", cases.len());
    for c in cases {
        let id = c["id"].as_str().unwrap();
        let rows: Vec<&[u8]> = c["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap().as_bytes())
            .collect();
        let start = match c.get("start") {
            Some(h) => Head::from_value(h).unwrap(),
            None => Head::default(),
        };
        let got = trustcore::chain::replay(&rows, &start).to_value();
        assert_eq!(got, c["expected"], "{id}");
        // Replay does not depend on the order of the readable rows beyond
        // which copy of a hash comes first: reversed input, same events,
        // forks and orphans (malformed positions are by input position).
        if c["expected"]["malformed"].as_array().unwrap().is_empty() {
            let reversed: Vec<&[u8]> = rows.iter().rev().copied().collect();
            let again = trustcore::chain::replay(&reversed, &start).to_value();
            for k in ["events", "forks", "orphans"] {
                assert_eq!(again[k], c["expected"][k], "{id} reversed: {k}");
            }
        }
    }
}
