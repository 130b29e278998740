//! Runs test-vectors/chain.json: JSONL exports with the expected report,
//! computed by an independent reference (tools/gen_chain.py). Each case is
//! run whole, row by row, byte by byte, and on 1 and 2 threads.

use serde_json::Value;
use trustcore::chain::{verify_jsonl, ChainVerifier, Head, TreeHead, VerifyOptions};
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
        let opts = |threads| VerifyOptions {
            stop_at_first: c["options"]["stopAtFirst"].as_bool().unwrap_or(false),
            expected_head: c["options"]
                .get("expectedHead")
                .map(|h| Head::from_value(h).unwrap()),
            checkpoint: c["options"]
                .get("checkpoint")
                .map(|h| TreeHead::from_value(h).unwrap()),
            threads: Some(threads),
            ..VerifyOptions::default()
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
