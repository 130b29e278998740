//! Runs the shared vectors: ours in `test-vectors/`, and the third-party
//! RFC 8785 reference data in `../shared/vectors/` when it is present.

use serde_json::Value;
use std::path::{Path, PathBuf};
use trustcore::canonical::{self, Options};
use trustcore::digest::{Algorithm, Digest};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn load(name: &str) -> Value {
    let path = repo().join("test-vectors").join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("vectors missing: cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn shared(sub: &str) -> Option<PathBuf> {
    let p = repo().join("../shared/vectors").join(sub);
    if p.exists() {
        Some(p)
    } else {
        eprintln!(
            "NOTE: {} is absent; third-party vectors not run",
            p.display()
        );
        None
    }
}

fn input_bytes(case: &Value) -> Vec<u8> {
    if let Some(s) = case["input"].as_str() {
        s.as_bytes().to_vec()
    } else {
        hex::decode(case["input_hex"].as_str().expect("input or input_hex")).expect("hex")
    }
}

#[test]
fn canonical_json_vectors() {
    let doc = load("canonical-json.json");
    assert_eq!(doc["format"], "trustcore-vectors/canonical-json");
    let cases = doc["cases"].as_array().expect("cases");
    assert!(
        cases.len() >= 150,
        "expected at least 150 cases, found {}",
        cases.len()
    );
    let mut failures = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for case in cases {
        let id = case["id"].as_str().expect("id");
        assert!(seen.insert(id.to_string()), "duplicate case id {id}");
        let mut opts = Options::default();
        if let Some(d) = case["max_depth"].as_u64() {
            opts = opts.with_max_depth(d as usize).expect("valid max_depth");
        }
        let input = input_bytes(case);
        let got = canonical::canonicalize_text_with(&input, &opts);
        match (&case["expected"], &case["error"], got) {
            (Value::String(want), Value::Null, Ok(out)) => {
                if out != want.as_bytes() {
                    failures.push(format!(
                        "{id}: got {:?}, want {want:?}",
                        String::from_utf8_lossy(&out)
                    ));
                    continue;
                }
                for (field, alg) in [("sha256", Algorithm::Sha256), ("blake3", Algorithm::Blake3)] {
                    let d = Digest::of(alg, &out).to_string();
                    if case[field].as_str() != Some(d.as_str()) {
                        failures.push(format!("{id}: {field} {d} != {}", case[field]));
                    }
                }
                match canonical::canonicalize_text_with(&out, &opts) {
                    Ok(again) if again == out => {}
                    other => failures.push(format!("{id}: not a fixed point: {other:?}")),
                }
                // The value path agrees wherever serde_json holds the input exactly.
                if case["value_path"] != Value::Bool(false) {
                    if let Ok(v) = serde_json::from_slice::<Value>(&input) {
                        match canonical::canonicalize_value(&v, &opts) {
                            Ok(vb) if vb == out => {}
                            Ok(vb) => failures.push(format!(
                                "{id}: value path gave {:?}",
                                String::from_utf8_lossy(&vb)
                            )),
                            Err(e) => failures.push(format!("{id}: value path failed: {e}")),
                        }
                    }
                }
            }
            (Value::Null, Value::Object(err), Err(e)) => {
                if err["code"].as_str() != Some(e.code().as_str())
                    || err["offset"].as_u64() != e.offset().map(|o| o as u64)
                {
                    failures.push(format!(
                        "{id}: got {} at {:?}, want {} at {}",
                        e.code(),
                        e.offset(),
                        err["code"],
                        err["offset"]
                    ));
                }
            }
            (want, err, got) => failures.push(format!("{id}: want {want} / {err}, got {got:?}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn digest_vectors() {
    let doc = load("digest.json");
    assert_eq!(doc["format"], "trustcore-vectors/digest");
    let cases = doc["cases"].as_array().expect("cases");
    assert!(!cases.is_empty());
    for case in cases {
        let data = hex::decode(case["input_hex"].as_str().unwrap()).unwrap();
        assert_eq!(
            Some(Digest::of(Algorithm::Sha256, &data).to_string().as_str()),
            case["sha256"].as_str(),
            "{}",
            case["id"]
        );
        assert_eq!(
            Some(Digest::of(Algorithm::Blake3, &data).to_string().as_str()),
            case["blake3"].as_str(),
            "{}",
            case["id"]
        );
    }
    for case in doc["parse"].as_array().expect("parse") {
        let text = case["text"].as_str().unwrap();
        match (text.parse::<Digest>(), &case["error"]) {
            (Ok(d), Value::Null) => {
                assert_eq!(
                    Some(d.algorithm().name()),
                    case["algorithm"].as_str(),
                    "{}",
                    case["id"]
                );
                assert_eq!(
                    Some(d.hex().as_str()),
                    case["hex"].as_str(),
                    "{}",
                    case["id"]
                );
                assert_eq!(
                    d.to_string(),
                    text,
                    "{}: printing is the inverse of parsing",
                    case["id"]
                );
            }
            (Err(e), Value::Object(err)) => {
                assert_eq!(
                    Some(e.code().as_str()),
                    err["code"].as_str(),
                    "{}",
                    case["id"]
                );
                assert_eq!(
                    e.offset().map(|o| o as u64),
                    err["offset"].as_u64(),
                    "{}",
                    case["id"]
                );
            }
            (got, want) => panic!("{}: got {got:?}, want error {want}", case["id"]),
        }
    }
}

/// RFC 8785's reference data (cyberphone/json-canonicalization testdata).
#[test]
fn rfc8785_reference_data() {
    let Some(dir) = shared("jcs-cyberphone") else {
        return;
    };
    let mut n = 0;
    for entry in std::fs::read_dir(dir.join("input")).expect("input dir") {
        let path = entry.expect("entry").path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let input = std::fs::read(&path).unwrap();
        let want = std::fs::read(dir.join("output").join(&name)).unwrap();
        let got = canonical::canonicalize_text(&input).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&want),
            "{name}"
        );
        let hex_name = name.replace(".json", ".txt");
        let want_hex: String = std::fs::read_to_string(dir.join("outhex").join(hex_name))
            .unwrap()
            .split_whitespace()
            .collect();
        assert_eq!(hex::encode(&got), want_hex, "{name} (outhex)");
        n += 1;
    }
    assert!(n >= 6, "expected the six reference files, found {n}");
}

/// The first 10,000 lines of the ES6 number test file: IEEE-754 bits and the
/// string ECMAScript prints. Each must print exactly, survive the text path,
/// and parse back to the same bits.
#[test]
fn es6_number_file() {
    let Some(path) = shared("jcs-cyberphone/es6testfile_10k.txt") else {
        return;
    };
    let text = std::fs::read_to_string(path).unwrap();
    let mut n = 0;
    for line in text.lines() {
        let (bits, want) = line.split_once(',').expect("hex,expected");
        let v = f64::from_bits(u64::from_str_radix(bits, 16).expect("hex bits"));
        assert_eq!(canonical::format_f64(v).unwrap(), want, "bits {bits}");
        assert_eq!(
            canonical::canonicalize_text(want.as_bytes()).unwrap(),
            want.as_bytes(),
            "text path {want}"
        );
        let back: f64 = want.parse().unwrap();
        assert!(
            back == v || (back == 0.0 && v == 0.0),
            "{want} parses back to {back:e}, not {v:e}"
        );
        n += 1;
    }
    assert_eq!(n, 10_000);
}
