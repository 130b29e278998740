//! What a snapshot's verification spends its time on, part by part, on the
//! bench's 10,000 ~1 KB traces (one thread):
//!
//! ```sh
//! cargo run --release -p trustcore-benches --example snapshot_parts
//! ```

use serde_json::json;
use std::time::Instant;
use trustcore::canonical;
use trustcore::digest::{Algorithm, Hasher};
use trustcore::merkle::Frontier;

fn main() {
    let lines: Vec<Vec<u8>> = (0..10_000u64)
        .map(|i| {
            let v = json!({
                "trace_id": format!("tr-{i:08}"), "ts": "2026-03-01T12:00:00.123Z", "graph": "allocation-review",
                "user": {"id": format!("u-{}", i % 977), "email": "user@example.com", "phone": "+14155550123", "ip": "203.0.113.7"},
                "steps": [
                    {"n": 1, "tool": "search", "query": format!("budget for cost centre {}", i % 50), "latency_ms": 12.5, "results": 17},
                    {"n": 2, "tool": "ledger.read", "account": "DE89370400440532013000", "amount": 1200.75, "currency": "EUR"},
                    {"n": 3, "tool": "policy.check", "decision": "allow", "rule": "allocate.budget", "evidence": {"amount": 1200.75, "limit": 5000}},
                    {"n": 4, "tool": "answer", "text": "The allocation is within the quarterly budget and was approved by the reviewer on duty.", "tokens": 42}
                ],
                "annotations": {"reviewer": {"name": "A. Reviewer", "Email": "reviewer@example.org"}, "labels": ["finance", "q1", "approved"]},
                "metrics": {"total_ms": 184.25, "model": "planner-v3", "retries": 0}
            });
            canonical::canonicalize_value(&v, &Default::default()).unwrap()
        })
        .collect();
    let bytes: usize = lines.iter().map(|l| l.len() + 1).sum();
    let rate = |name: &str, f: &mut dyn FnMut()| {
        let t = Instant::now();
        let rounds = 5;
        for _ in 0..rounds {
            f();
        }
        let s = t.elapsed().as_secs_f64() / rounds as f64;
        println!("{name:<40} {:>8.1} MB/s", bytes as f64 / s / 1e6);
    };
    let mut out = Vec::new();
    rate("canonicalize_text_into (each line)", &mut || {
        for l in &lines {
            canonical::canonicalize_text_into(l, &Default::default(), &mut out).unwrap();
        }
    });
    rate("sha256 of the batch (streaming)", &mut || {
        let mut h = Hasher::new(Algorithm::Sha256);
        for l in &lines {
            h.update(l);
            h.update(b"\n");
        }
        std::hint::black_box(h.finish());
    });
    rate("blake3 of the batch (streaming)", &mut || {
        let mut h = Hasher::new(Algorithm::Blake3);
        for l in &lines {
            h.update(l);
            h.update(b"\n");
        }
        std::hint::black_box(h.finish());
    });
    rate("RFC 6962 leaves + tree (SHA-256)", &mut || {
        let mut f = Frontier::new();
        for l in &lines {
            f.push_data(l);
        }
        std::hint::black_box(f.root());
    });
}
