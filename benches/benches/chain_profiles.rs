//! Verifying audit chains under each built-in chain profile, against
//! trustcore/v1 on rows of the same size (issue #10: within 10 %).
//!
//! ```sh
//! cargo bench -p trustcore-benches --bench chain_profiles -- --warm-up-time 1 --measurement-time 5
//! ```
//!
//! Each profile verifies 2,000 rows of about 700 bytes (the payload is
//! padded so every profile's canonical rows have the same length) on one
//! thread, signature checks included: the row reading, hashing and
//! signing-input work per profile is what differs.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde_json::{json, Map};
use std::hint::black_box;
use std::sync::Arc;
use trustcore::chain::{verify_jsonl, ChainWriter, VerifyOptions, WriterOptions};
use trustcore::keys::SecretKey;
use trustcore::profile::{ChainProfile, BUILTIN_NAMES};
use trustcore::registry::SignerRegistry;

const N: u64 = 2000;
const ROW_BYTES: usize = 700;

fn rows(p: &Arc<ChainProfile>, key: &SecretKey) -> Vec<u8> {
    let mut w = ChainWriter::with_options(
        "kernel-signer",
        key.public_key(),
        WriterOptions {
            profile: Some(Arc::clone(p)),
            ..WriterOptions::default()
        },
    )
    .expect("writer");
    let c = &p.columns;
    let mut out = Vec::new();
    for i in 1..=N {
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
            m.insert(
                c.payload.clone(),
                json!({"manifest": "sha256:5d0c0f2e", "version": "2.4.1", "n": i, "pad": "x".repeat(pad)}),
            );
            let probe = w
                .clone()
                .append_row(m.clone(), key)
                .expect("append")
                .to_json();
            if probe.len() >= ROW_BYTES || pad > ROW_BYTES {
                break w.append_row(m, key).expect("append").to_json();
            }
            pad += ROW_BYTES - probe.len();
        };
        out.extend_from_slice(row.as_bytes());
        out.push(b'\n');
    }
    out
}

fn bench(c: &mut Criterion) {
    let key = SecretKey::from_seed(&[3; 32]);
    let registry = SignerRegistry::from_json(
        format!(
            r#"{{"signers":[{{"signerId":"kernel-signer","publicKey":"{}"}}]}}"#,
            key.public_key().to_base64()
        )
        .as_bytes(),
    )
    .expect("registry");
    let mut g = c.benchmark_group("chain_profiles");
    g.sample_size(20);
    g.throughput(Throughput::Elements(N));
    for name in BUILTIN_NAMES {
        let p = Arc::new(ChainProfile::builtin(name).expect("builtin"));
        let text = rows(&p, &key);
        let options = VerifyOptions {
            profile: Some(Arc::clone(&p)),
            threads: Some(1),
            ..VerifyOptions::default()
        };
        let check = verify_jsonl(&text, registry.clone(), options.clone());
        assert!(check.valid, "{name}: {}", check.to_json());
        g.bench_function(name.replace('/', "_"), |b| {
            b.iter(|| black_box(verify_jsonl(&text, registry.clone(), options.clone())))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
