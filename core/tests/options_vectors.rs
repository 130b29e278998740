//! Runs test-vectors/options.json against the core's one definition of
//! every binding option, in both spellings: the bindings run the same file
//! through their own calls and must get the same codes.

use serde_json::Value;
use trustcore::chain::{VerifyOptions, WriterOptions};
use trustcore::options::Naming;

fn read(call: &str, v: &Value, naming: Naming) -> Result<(), trustcore::Error> {
    match call {
        "verify_jsonl" => VerifyOptions::from_value(Some(v), naming).map(drop),
        "chain_writer" => WriterOptions::from_value(Some(v), naming).map(drop),
        "canonicalize" => trustcore::ffi::canonicalize_options(Some(v), naming).map(drop),
        "verify_event_in_checkpoint" => trustcore::ffi::hash_alg_options(Some(v), naming).map(drop),
        other => panic!("unknown call {other}"),
    }
}

#[test]
fn options_vectors() {
    let doc: Value = serde_json::from_str(include_str!("../../test-vectors/options.json")).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() >= 20);
    for c in cases {
        let id = c["id"].as_str().unwrap();
        let call = c["call"].as_str().unwrap();
        for (spelling, naming) in [("js", Naming::Camel), ("py", Naming::Snake)] {
            let got = read(call, &c[spelling], naming);
            match c.get("error").and_then(Value::as_str) {
                None => assert!(got.is_ok(), "{id} ({spelling}): {:?}", got.err()),
                Some(code) => {
                    let e = got.expect_err(id);
                    assert_eq!(e.code(), code, "{id} ({spelling}): {e}");
                    let kind = c
                        .get("kind")
                        .and_then(Value::as_str)
                        .unwrap_or("OptionsError");
                    assert_eq!(e.kind().as_str(), kind, "{id} ({spelling})");
                }
            }
        }
    }
}
