//! Policy evaluation: a realistic 20-policy set plus the seed RBAC table.
//!
//! ```sh
//! cargo bench -p trustcore-benches --bench policy -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! Before the criterion groups, the bench times 100,000 single decisions
//! (`evaluate` + `Decision::to_bytes`, i.e. the decision with all its
//! canonical records and their ids) with `std::time::Instant` and prints the
//! p50 / p90 / p99 / p99.9 per decision; criterion then reports the mean of
//! each request kind. The set is the `kernel` set of
//! `test-vectors/policy.json` (12 policies, 2 of them draft / deprecated,
//! RBAC with the seed's 4 rules) plus 8 more policies over the same actions.
//!
//! Instruction counts (repeatable on a loaded machine): with
//! `POLICY_PROFILE=<n>` the bench only runs `n` rounds of the 4 decisions
//! (after one warm-up round) and exits, for `valgrind --tool=callgrind`;
//! the per-decision count is (total(n) − total(0)) / (4 n):
//!
//! ```sh
//! cargo bench -p trustcore-benches --bench policy --no-run
//! B=$(ls -t target/release/deps/policy-* | grep -v '\.d$' | head -1)
//! POLICY_PROFILE=0 valgrind --tool=callgrind --callgrind-out-file=cg.0 $B
//! POLICY_PROFILE=1000 valgrind --tool=callgrind --callgrind-out-file=cg.1000 $B
//! ```

use criterion::{criterion_group, BenchmarkId, Criterion};
use serde_json::{json, Value};
use std::hint::black_box;
use std::time::Instant;
use trustcore::policy::{evaluate, PolicySet};

fn policy_set() -> PolicySet {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors/policy.json");
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("test-vectors/policy.json"))
            .unwrap();
    let mut set = doc["policySets"]["kernel"].clone();
    let extra = [
        (
            "allocate.weekend",
            json!({"op": "in", "path": "/context/weekday", "value": ["sat", "sun"]}),
            "POST /kernel/allocate",
        ),
        (
            "allocate.currency",
            json!({"not": {"op": "in", "path": "/body/currency", "value": ["EUR", "USD", "GBP"]}}),
            "POST /kernel/allocate",
        ),
        (
            "allocate.budget",
            json!({"op": "gt", "path": "/body/amount", "ref": "/subject/budget"}),
            "POST /kernel/allocate",
        ),
        (
            "sign.size",
            json!({"op": "gt", "path": "/body/size", "value": 10_000_000}),
            "POST /kernel/sign",
        ),
        (
            "sign.kid",
            json!({"not": {"op": "glob", "path": "/body/kid", "value": "kernel-signer-*"}}),
            "POST /kernel/sign",
        ),
        (
            "audit.range",
            json!({"any": [{"op": "lt", "path": "/context/time", "value": "2020-01-01T00:00:00Z"},
                                       {"op": "contains", "path": "/subject/flags", "value": "suspended"}]}),
            "GET /kernel/audit/*",
        ),
        (
            "division.name",
            json!({"not": {"op": "glob", "path": "/body/name", "value": "div-?*"}}),
            "POST /kernel/division",
        ),
        (
            "any.mfa",
            json!({"all": [{"op": "exists", "path": "/context/mfa"}, {"op": "eq", "path": "/context/mfa", "value": false}]}),
            "*",
        ),
    ];
    for (id, cond, action) in extra {
        set["policies"].as_array_mut().unwrap().push(json!({
            "id": id, "version": 1, "state": "active", "mode": "enforce", "severity": "medium",
            "target": {"actions": [action]}, "condition": cond, "effect": "deny", "rationale": format!("{id} guard"),
        }));
    }
    assert_eq!(set["policies"].as_array().unwrap().len(), 20);
    PolicySet::from_value(&set).expect("bench set loads")
}

fn requests() -> Vec<(&'static str, Vec<u8>)> {
    let r = |v: Value| serde_json::to_vec(&v).unwrap();
    vec![
        (
            "allocate",
            r(json!({"action": "POST /kernel/allocate",
            "subject": {"id": "u1", "roles": ["Operator"], "division": "ops", "budget": 5000, "flags": []},
            "body": {"amount": 700, "division": "ops", "currency": "EUR"},
            "context": {"weekday": "tue", "mfa": true, "time": "2026-03-01T12:00:00Z"}})),
        ),
        (
            "sign",
            r(
                json!({"action": "POST /kernel/sign", "subject": {"id": "svc-kms", "roles": ["Service"]},
            "body": {"manifest": "manifests/release-2.4.1.json", "size": 18234, "kid": "kernel-signer-2026"},
            "context": {"mfa": true}}),
            ),
        ),
        (
            "audit",
            r(
                json!({"action": "GET /kernel/audit/7f1c", "subject": {"id": "a-1", "roles": ["Auditor"], "flags": []},
            "context": {"time": "2026-03-01T12:00:00Z", "mfa": true}}),
            ),
        ),
        (
            "division",
            r(
                json!({"action": "POST /kernel/division", "resource": "division/ops",
            "subject": {"id": "d-1", "roles": ["DivisionLead"]}, "body": {"tier": "gold", "name": "div-ops"},
            "context": {"mfa": false}}),
            ),
        ),
    ]
}

fn percentiles(set: &PolicySet, reqs: &[(&str, Vec<u8>)]) {
    const N: usize = 100_000;
    let mut times = Vec::with_capacity(N);
    let mut checks = 0usize;
    for i in 0..N {
        let (_, text) = &reqs[i % reqs.len()];
        let t = Instant::now();
        let d = evaluate(set, text).unwrap();
        let bytes = d.to_bytes();
        times.push(t.elapsed().as_nanos() as u64);
        checks += d.checks().len();
        black_box(bytes);
    }
    times.sort_unstable();
    let p = |q: f64| times[((N as f64 * q) as usize).min(N - 1)] as f64 / 1000.0;
    eprintln!(
        "[policy p-quantiles] {N} decisions (round-robin over {} requests, {:.1} records per decision): p50 {:.2} µs, p90 {:.2} µs, p99 {:.2} µs, p99.9 {:.2} µs, max {:.2} µs",
        reqs.len(),
        checks as f64 / N as f64,
        p(0.50),
        p(0.90),
        p(0.99),
        p(0.999),
        p(1.0)
    );
}

fn bench_policy(c: &mut Criterion) {
    let set = policy_set();
    let reqs = requests();
    let mut g = c.benchmark_group("policy");
    for (name, text) in &reqs {
        g.bench_with_input(BenchmarkId::new("evaluate_to_bytes", name), text, |b, t| {
            b.iter(|| evaluate(&set, black_box(t)).unwrap().to_bytes())
        });
        g.bench_with_input(BenchmarkId::new("evaluate", name), text, |b, t| {
            b.iter(|| evaluate(&set, black_box(t)).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, bench_policy);

/// `POLICY_PROFILE=<n>`: n rounds over the 4 requests, nothing else.
fn profile(set: &PolicySet, reqs: &[(&str, Vec<u8>)], rounds: usize) {
    let mut bytes = 0usize;
    for (_, text) in reqs {
        bytes += evaluate(set, text).unwrap().to_bytes().len();
    }
    for _ in 0..rounds {
        for (_, text) in reqs {
            bytes += evaluate(set, black_box(text)).unwrap().to_bytes().len();
        }
    }
    eprintln!("[policy profile] {rounds} rounds, {bytes} bytes");
}

fn main() {
    let set = policy_set();
    let reqs = requests();
    if let Some(n) = std::env::var("POLICY_PROFILE")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    {
        profile(&set, &reqs, n);
        return;
    }
    for (name, text) in &reqs {
        let d = evaluate(&set, text).unwrap();
        eprintln!(
            "[policy] {name}: {} with {} records, {} bytes",
            d.verdict().as_str(),
            d.checks().len(),
            d.to_bytes().len()
        );
    }
    percentiles(&set, &reqs);
    benches();
    criterion::Criterion::default()
        .configure_from_args()
        .final_summary();
}
