//! Signed snapshots and redaction (issue #12).
//!
//! ```sh
//! cargo bench -p trustcore-benches --bench snapshot -- --warm-up-time 1 --measurement-time 5
//! ```
//!
//! * `snapshot/build` and `snapshot/verify`: 10,000 ~1 KB traces (the
//!   batch of a 100k-trace snapshot is ten of these back to back: the cost is
//!   per byte, the one signature per snapshot is included), one thread,
//!   SHA-256 and BLAKE3 batch digests; throughput in bytes of the batch.
//!   Build canonicalizes each record from its JSON text, finds its trace id
//!   and time, hashes it into the record tree and the batch digest; verify
//!   re-canonicalizes every line, compares, and recomputes both, then checks
//!   the signature and the trace range.
//! * `redact/20-rules/text` and `/tree`: one ~1 KB trace under a 20-rule
//!   policy (pointer, `**`, member-class and detector rules; remove,
//!   replace, mask, pseudonymize), giving the redacted canonical bytes and
//!   the record with its salted commitments, from the trace's JSON text
//!   (`redact_text`) and from a parsed `serde_json` tree (`redact`). Before
//!   criterion runs, the bench times 100,000 single redactions of each with
//!   `Instant` and prints p50 / p90 / p99 / p99.9, then the text one with
//!   the record also written as canonical JSON text.

use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
use serde_json::Value;
use std::hint::black_box;
use std::time::Instant;
use trustcore::digest::Algorithm as HashAlg;
use trustcore::envelope::Algorithm;
use trustcore::keys::SecretKey;
use trustcore::redact::{self, RedactionKeys};
use trustcore::registry::SignerRegistry;
use trustcore::snapshot::{self, SnapshotBuilder, SnapshotOptions};
use trustcore_benches::traces::{policy, trace};

const TRACES: u64 = 10_000;

fn key() -> SecretKey {
    SecretKey::from_seed(&[1; 32])
}

fn registry() -> SignerRegistry {
    SignerRegistry::from_json(
        format!(
            r#"{{"signers":[{{"signerId":"graph-signer","publicKey":"{}"}}]}}"#,
            key().public_key().to_base64()
        )
        .as_bytes(),
    )
    .unwrap()
}

fn batch_texts() -> (Vec<String>, u64) {
    let texts: Vec<String> = (0..TRACES).map(|i| trace(i).to_string()).collect();
    let bytes = texts.iter().map(|t| t.len() as u64 + 1).sum();
    (texts, bytes)
}

fn build(texts: &[String], alg: HashAlg) -> (Vec<u8>, snapshot::Snapshot) {
    let mut b = SnapshotBuilder::new(SnapshotOptions {
        hash_alg: alg,
        ..SnapshotOptions::default()
    });
    let mut batch = Vec::with_capacity(texts.len() * 1100);
    for t in texts {
        batch.extend_from_slice(b.push_text(t.as_bytes()).unwrap());
    }
    let snap = b
        .finish("snap-bench", "2026-03-02T00:00:00Z")
        .unwrap()
        .sign(&key(), "graph-signer", Algorithm::Ed25519)
        .unwrap();
    (batch, snap)
}

fn snapshots(c: &mut Criterion) {
    let (texts, bytes) = batch_texts();
    let reg = registry();
    let mut g = c.benchmark_group("snapshot");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(bytes));
    for (name, alg) in [("sha256", HashAlg::Sha256), ("blake3", HashAlg::Blake3)] {
        g.bench_with_input(BenchmarkId::new("build", name), &alg, |b, alg| {
            b.iter(|| black_box(build(&texts, *alg)))
        });
        let (batch, snap) = build(&texts, alg);
        assert!(snapshot::verify_snapshot(&snap, &batch, &reg).valid);
        g.bench_with_input(BenchmarkId::new("verify", name), &(), |b, _| {
            b.iter(|| black_box(snapshot::verify_snapshot(&snap, &batch, &reg)))
        });
    }
    g.finish();
}

fn redaction(c: &mut Criterion) {
    let p = policy();
    let keys = RedactionKeys::from_bytes(&[7; 32], Some(&[8; 32])).unwrap();
    let docs: Vec<Value> = (0..1000).map(trace).collect();
    let texts: Vec<String> = docs.iter().map(Value::to_string).collect();
    let size = texts[0].len();
    let r = redact::redact(&docs[0], &p, &keys).unwrap();
    assert_eq!(
        redact::redact_text(texts[0].as_bytes(), &p, &keys).unwrap(),
        r
    );
    let entries = r.record.redactions.len();
    // Single calls, timed one by one, for the tail: from the trace's JSON
    // text (what a service reads), from a parsed `serde_json` tree, and
    // from text with the record also written as canonical JSON text (what
    // a service stores, and what the Node binding hands to JavaScript).
    let time = |f: &dyn Fn(usize)| -> Vec<u128> {
        (0..100_000)
            .map(|i| {
                let t0 = Instant::now();
                f(i % docs.len());
                t0.elapsed().as_nanos()
            })
            .collect()
    };
    let mut from_text = time(&|i| {
        black_box(redact::redact_text(texts[i].as_bytes(), &p, &keys).unwrap());
    });
    let mut from_tree = time(&|i| {
        black_box(redact::redact(&docs[i], &p, &keys).unwrap());
    });
    let mut with_record_text = time(&|i| {
        let r = redact::redact_text(texts[i].as_bytes(), &p, &keys).unwrap();
        black_box(r.record.to_canonical_json());
    });
    for (what, times) in [
        ("redact_text", &mut from_text),
        ("redact (serde_json tree)", &mut from_tree),
        ("redact_text + record text", &mut with_record_text),
    ] {
        times.sort_unstable();
        let q = |f: f64| {
            times[((times.len() as f64 * f) as usize).min(times.len() - 1)] as f64 / 1000.0
        };
        println!(
            "{what}: {size}-byte trace, 20 rules, {entries} values redacted: p50 {:.2} µs, p90 {:.2} µs, p99 {:.2} µs, p99.9 {:.2} µs",
            q(0.50),
            q(0.90),
            q(0.99),
            q(0.999)
        );
    }
    let mut g = c.benchmark_group("redact");
    g.throughput(Throughput::Bytes(size as u64));
    g.bench_function("20-rules/text", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % docs.len();
            black_box(redact::redact_text(texts[i].as_bytes(), &p, &keys).unwrap())
        })
    });
    g.bench_function("20-rules/tree", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % docs.len();
            black_box(redact::redact(&docs[i], &p, &keys).unwrap())
        })
    });
    g.finish();
}

criterion_group!(benches, snapshots, redaction);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
