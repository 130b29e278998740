//! Benchmarks of trustcore live in `benches/*.rs` (Criterion) and
//! `examples/*.rs`; this library holds the corpora they share. See
//! `docs/PERFORMANCE.md` for how to run them and for the measured numbers.

/// The ~700-byte audit events of the chain benchmarks.
pub mod events {
    use trustcore::chain::EventBody;

    /// An event of about 700 bytes as a row.
    pub fn body(i: u64) -> EventBody {
        EventBody {
            id: format!("{:08x}-0000-4000-8000-{:012x}", i >> 20, i),
            ts: format!(
                "2026-03-{:02}T{:02}:{:02}:{:02}Z",
                1 + i / 86_400,
                i / 3600 % 24,
                i / 60 % 60,
                i % 60
            ),
            event_type: "allocation.approved".into(),
            actor: "svc:kernel-api".into(),
            payload: serde_json::json!({
                "request_id": format!("req-{i:012}"),
                "division": "research",
                "amount": 1250.75,
                "currency": "EUR",
                "approvers": ["alice@example.com", "bob@example.com"],
                "policy": {"id": "alloc-limit", "version": 3, "decision": "allow"},
                "note": "Quarterly compute allocation for the research division, within limits.",
                "tags": ["q3", "compute", "approved", "budget"],
                "trace": {"span": format!("{:016x}", i.wrapping_mul(0x9e37_79b9_7f4a_7c15)), "sampled": true}
            }),
        }
    }
}

/// The traces and the redaction policy of the snapshot and redaction
/// benchmarks (issue #12).
pub mod traces {
    use serde_json::{json, Value};
    use trustcore::redact::RedactionPolicy;

    /// A ~1 KB reasoning trace: steps with tool calls, a user, annotations.
    pub fn trace(i: u64) -> Value {
        json!({
            "trace_id": format!("tr-{i:08}"),
            "ts": format!("2026-03-01T{:02}:{:02}:{:02}.{:03}Z", (i / 3600) % 24, (i / 60) % 60, i % 60, i % 1000),
            "graph": "allocation-review",
            "user": {"id": format!("u-{}", i % 977), "email": format!("user{}@example.com", i % 977), "phone": "+14155550123", "ip": "203.0.113.7"},
            "steps": [
                {"n": 1, "tool": "search", "query": format!("budget for cost centre {}", i % 50), "latency_ms": 12.5, "results": 17},
                {"n": 2, "tool": "ledger.read", "account": format!("DE89370400440532013{:03}", i % 1000), "amount": 1200.75, "currency": "EUR"},
                {"n": 3, "tool": "policy.check", "decision": "allow", "rule": "allocate.budget", "evidence": {"amount": 1200.75, "limit": 5000}},
                {"n": 4, "tool": "answer", "text": "The allocation is within the quarterly budget and was approved by the reviewer on duty.", "tokens": 42}
            ],
            "annotations": {"reviewer": {"name": "A. Reviewer", "Email": "reviewer@example.org"}, "labels": ["finance", "q1", "approved"], "card": "4111 1111 1111 1111"},
            "metrics": {"total_ms": 184.25, "model": "planner-v3", "retries": 0}
        })
    }

    pub fn policy() -> RedactionPolicy {
        let mut rules = vec![
            json!({"id": "emails", "select": {"keys": ["email", "e_mail", "mail"]}, "action": "replace", "class": "email"}),
            json!({"id": "phones", "select": {"detect": "phone"}, "action": "mask", "keep": 4}),
            json!({"id": "cards", "select": {"detect": "card"}, "action": "mask", "keep": 4}),
            json!({"id": "ibans", "select": {"detect": "iban"}, "action": "replace", "class": "iban"}),
            json!({"id": "ips", "select": {"detect": "ipv4"}, "action": "remove", "class": "ip"}),
            json!({"id": "queries", "select": {"pointer": "/steps/*/query"}, "action": "pseudonymize", "class": "query"}),
            json!({"id": "users", "select": {"pointer": "/user/id"}, "action": "pseudonymize", "class": "user"}),
            json!({"id": "secrets", "select": {"pointer": "/**/token"}, "action": "remove", "class": "secret"}),
            json!({"id": "reviewer", "select": {"pointer": "/annotations/reviewer/name"}, "action": "mask", "keep": 2}),
        ];
        for k in 0..11 {
            rules.push(json!({"id": format!("extra-{k}"), "select": {"pointer": format!("/**/field_{k}")}, "action": "remove"}));
        }
        RedactionPolicy::from_value(&json!({
            "type": "trustcore.redaction-policy/v1", "id": "traces-external", "version": 3, "rules": rules
        }))
        .unwrap()
    }
}
