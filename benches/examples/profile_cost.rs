//! Instruction counts of verifying under each built-in profile, for
//! `valgrind --tool=callgrind` (repeatable on a shared machine):
//!
//! ```sh
//! cargo build --release -p trustcore-benches --example profile_cost
//! for p in trustcore/v1 kernel/v1 row-digest/v1 payload-sig/v1; do
//!   valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/examples/profile_cost "$p" 300 2>&1 | grep refs
//! done
//! ```
//!
//! Rows are padded to the same canonical length (about 700 bytes) in every
//! profile; the count includes writing them, which `write-only` measures
//! alone (`profile_cost <profile> <n> write-only`), so the difference is
//! the verification.

use serde_json::{json, Map};
use std::sync::Arc;
use trustcore::chain::{verify_jsonl, ChainWriter, VerifyOptions, WriterOptions};
use trustcore::keys::SecretKey;
use trustcore::profile::ChainProfile;
use trustcore::registry::SignerRegistry;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let name = args.get(1).map(String::as_str).unwrap_or("trustcore/v1");
    let n: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(300);
    let write_only = args.get(3).is_some_and(|a| a == "write-only");
    let key = SecretKey::from_seed(&[3; 32]);
    let p = Arc::new(ChainProfile::builtin(name).expect("a built-in profile name"));
    let mut w = ChainWriter::with_options(
        "kernel-signer",
        key.public_key(),
        WriterOptions {
            profile: Some(Arc::clone(&p)),
            ..WriterOptions::default()
        },
    )
    .expect("writer");
    let c = &p.columns;
    let mut text = Vec::new();
    for i in 1..=n {
        let mut pad = 0usize;
        let row = loop {
            let mut m = Map::new();
            m.insert(
                c.id.clone(),
                format!("6f1c2a4e-0000-4000-8000-{i:012x}").into(),
            );
            m.insert(
                c.ts.clone(),
                format!("2026-03-01T12:{:02}:{:02}.5Z", (i / 60) % 60, i % 60).into(),
            );
            if let Some(e) = &c.event_type {
                m.insert(e.clone(), "manifest.signed".into());
            }
            if let Some(a) = &c.actor {
                m.insert(a.clone(), "svc:kernel-api".into());
            }
            m.insert(c.payload.clone(), json!({"n": i, "pad": "x".repeat(pad)}));
            let probe = w
                .clone()
                .append_row(m.clone(), &key)
                .expect("append")
                .to_json();
            if probe.len() >= 700 || pad > 700 {
                break w.append_row(m, &key).expect("append").to_json();
            }
            pad += 700 - probe.len();
        };
        text.extend_from_slice(row.as_bytes());
        text.push(b'\n');
    }
    if write_only {
        println!("wrote {n} rows of {name}");
        return;
    }
    let registry = SignerRegistry::from_json(
        format!(
            r#"{{"signers":[{{"signerId":"kernel-signer","publicKey":"{}"}}]}}"#,
            key.public_key().to_base64()
        )
        .as_bytes(),
    )
    .expect("registry");
    let r = verify_jsonl(
        &text,
        registry,
        VerifyOptions {
            profile: Some(p),
            threads: Some(1),
            ..VerifyOptions::default()
        },
    );
    assert!(r.valid);
    println!("verified {} rows of {name}", r.count);
}
