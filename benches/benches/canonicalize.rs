//! Text → canonical bytes: trustcore against the Rust RFC 8785 peers.
//!
//! First generate the corpus (deterministic, about 3 MB):
//!
//! ```sh
//! python3 benches/gen_corpus.py
//! cargo bench -p trustcore-benches -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! Groups:
//! * `events`: every event of `corpus/events.jsonl` canonicalized one by one
//!   (one iteration = all 2,000 events; throughput in input bytes).
//! * `large`: the single ≥ 1 MB document `corpus/large.json`.
//! * `digest`: SHA-256 / BLAKE3 of 700 B and of the large canonical output,
//!   and `canonical_digest` (canonicalize + hash) of both.
//!
//! The peers (`serde_jcs`, `serde_json_canonicalizer`) canonicalize a
//! `serde_json::Value`, so their text → canonical path is
//! `serde_json::from_slice` + their `to_vec`; that is the like-for-like
//! comparison. `*_serialize_only` rows time their serializer alone on an
//! already parsed `Value`, to show where the peers' time goes. Note that the
//! peers do not reject duplicate names (serde_json keeps the last one) nor
//! lossy integers, so they do less checking than trustcore.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;
use trustcore::canonical::{canonicalize_text, canonicalize_text_into, Options};
use trustcore::digest::{canonical_digest, Algorithm, Digest};

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

fn read_corpus(name: &str) -> Vec<u8> {
    let path = corpus_dir().join(name);
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {} ({e}).\nGenerate the benchmark corpus first, from the repository root:\n\n    python3 benches/gen_corpus.py\n",
            path.display()
        )
    })
}

fn events() -> Vec<Vec<u8>> {
    read_corpus("events.jsonl")
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(<[u8]>::to_vec)
        .collect()
}

fn peer_jcs(text: &[u8]) -> Vec<u8> {
    let v: serde_json::Value = serde_json::from_slice(text).expect("peer parse");
    serde_jcs::to_vec(&v).expect("serde_jcs")
}

fn peer_canonicalizer(text: &[u8]) -> Vec<u8> {
    let v: serde_json::Value = serde_json::from_slice(text).expect("peer parse");
    serde_json_canonicalizer::to_vec(&v).expect("serde_json_canonicalizer")
}

/// The comparison is only fair if everyone produces the same bytes; report
/// (do not hide) any document where a peer disagrees with trustcore.
fn check_agreement(label: &str, docs: &[Vec<u8>]) {
    let (mut jcs, mut can) = (0, 0);
    for d in docs {
        let ours = canonicalize_text(d).expect("corpus must be valid I-JSON");
        jcs += usize::from(peer_jcs(d) != ours);
        can += usize::from(peer_canonicalizer(d) != ours);
    }
    eprintln!(
        "[{label}] {} documents; output differs from trustcore: serde_jcs {jcs}, serde_json_canonicalizer {can}",
        docs.len()
    );
}

fn bench_events(c: &mut Criterion) {
    let docs = events();
    let bytes: usize = docs.iter().map(Vec::len).sum();
    check_agreement("events", &docs);
    let values: Vec<serde_json::Value> = docs
        .iter()
        .map(|d| serde_json::from_slice(d).unwrap())
        .collect();

    let mut g = c.benchmark_group("events");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("trustcore_canonicalize_text", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(canonicalize_text(black_box(d)).unwrap());
            }
        })
    });
    g.bench_function("trustcore_canonicalize_text_into", |b| {
        let opts = Options::default();
        let mut out = Vec::new();
        b.iter(|| {
            for d in &docs {
                canonicalize_text_into(black_box(d), &opts, &mut out).unwrap();
                black_box(&out);
            }
        })
    });
    g.bench_function("serde_jcs_parse_and_serialize", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(peer_jcs(black_box(d)));
            }
        })
    });
    g.bench_function("serde_json_canonicalizer_parse_and_serialize", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(peer_canonicalizer(black_box(d)));
            }
        })
    });
    g.bench_function("serde_json_parse_only", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(serde_json::from_slice::<serde_json::Value>(black_box(d)).unwrap());
            }
        })
    });
    g.bench_function("serde_jcs_serialize_only", |b| {
        b.iter(|| {
            for v in &values {
                black_box(serde_jcs::to_vec(black_box(v)).unwrap());
            }
        })
    });
    g.bench_function("serde_json_canonicalizer_serialize_only", |b| {
        b.iter(|| {
            for v in &values {
                black_box(serde_json_canonicalizer::to_vec(black_box(v)).unwrap());
            }
        })
    });
    // Floors: copying and UTF-8-validating the input bytes.
    g.bench_function("floor_memcpy", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(black_box(d).clone());
            }
        })
    });
    g.bench_function("floor_utf8_validate", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(std::str::from_utf8(black_box(d)).is_ok());
            }
        })
    });
    g.finish();
}

fn bench_large(c: &mut Criterion) {
    let doc = read_corpus("large.json");
    check_agreement("large", std::slice::from_ref(&doc));
    let value: serde_json::Value = serde_json::from_slice(&doc).unwrap();

    let mut g = c.benchmark_group("large");
    g.throughput(Throughput::Bytes(doc.len() as u64));
    g.bench_function("trustcore_canonicalize_text", |b| {
        b.iter(|| black_box(canonicalize_text(black_box(&doc)).unwrap()))
    });
    g.bench_function("trustcore_canonicalize_text_into", |b| {
        let opts = Options::default();
        let mut out = Vec::new();
        b.iter(|| {
            canonicalize_text_into(black_box(&doc), &opts, &mut out).unwrap();
            black_box(&out);
        })
    });
    g.bench_function("serde_jcs_parse_and_serialize", |b| {
        b.iter(|| black_box(peer_jcs(black_box(&doc))))
    });
    g.bench_function("serde_json_canonicalizer_parse_and_serialize", |b| {
        b.iter(|| black_box(peer_canonicalizer(black_box(&doc))))
    });
    g.bench_function("serde_json_parse_only", |b| {
        b.iter(|| black_box(serde_json::from_slice::<serde_json::Value>(black_box(&doc)).unwrap()))
    });
    g.bench_function("serde_jcs_serialize_only", |b| {
        b.iter(|| black_box(serde_jcs::to_vec(black_box(&value)).unwrap()))
    });
    g.bench_function("serde_json_canonicalizer_serialize_only", |b| {
        b.iter(|| black_box(serde_json_canonicalizer::to_vec(black_box(&value)).unwrap()))
    });
    g.bench_function("floor_memcpy", |b| {
        b.iter(|| black_box(black_box(&doc).clone()))
    });
    g.bench_function("floor_utf8_validate", |b| {
        b.iter(|| black_box(std::str::from_utf8(black_box(&doc)).is_ok()))
    });
    g.finish();
}

fn bench_digest(c: &mut Criterion) {
    let docs = events();
    // An event of about 700 bytes, and the large document's canonical bytes.
    let small = docs
        .iter()
        .min_by_key(|d| d.len().abs_diff(700))
        .expect("events")
        .clone();
    let small_canonical = canonicalize_text(&small).unwrap();
    let large = read_corpus("large.json");
    let large_canonical = canonicalize_text(&large).unwrap();
    let opts = Options::default();

    let mut g = c.benchmark_group("digest");
    for (name, data) in [("700B", &small_canonical), ("1MB", &large_canonical)] {
        g.throughput(Throughput::Bytes(data.len() as u64));
        for alg in [Algorithm::Sha256, Algorithm::Blake3] {
            g.bench_with_input(BenchmarkId::new(alg.name(), name), data, |b, d| {
                b.iter(|| black_box(Digest::of(alg, black_box(d))))
            });
        }
    }
    for (name, text) in [("700B", &small), ("1MB", &large)] {
        g.throughput(Throughput::Bytes(text.len() as u64));
        for alg in [Algorithm::Sha256, Algorithm::Blake3] {
            g.bench_with_input(
                BenchmarkId::new(format!("canonical_digest_{}", alg.name()), name),
                text,
                |b, t| b.iter(|| black_box(canonical_digest(alg, black_box(t), &opts).unwrap())),
            );
        }
    }
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = bench_events, bench_large, bench_digest
}
criterion_main!(benches);
