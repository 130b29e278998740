//! The Rust side of the policy-gate demo: the same policy set and request
//! give the same `policyCheck` record, byte for byte, as the Node service
//! that denied the manifest signing and recorded the check in its audit
//! chain (`examples/node/policy_gate.mjs` writes `examples/out/policy/`).
//!
//! ```sh
//! node examples/node/policy_gate.mjs
//! cargo run -p trustcore --example policy_gate
//! ```
use std::path::PathBuf;
use trustcore::chain::{verify_jsonl, VerifyOptions};
use trustcore::policy::{evaluate, explain, PolicySet};
use trustcore::registry::SignerRegistry;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let examples = repo.join("examples");
    let out = examples.join("out").join("policy");

    let set = PolicySet::from_json(&std::fs::read(examples.join("manifest_policy.json"))?)?;
    let decision = evaluate(
        &set,
        &std::fs::read(examples.join("manifest_request.json"))?,
    )?;
    let by = decision
        .determined_by()
        .first()
        .ok_or("the decision names no determining check")?;
    let record = decision
        .checks()
        .iter()
        .find(|c| c.id() == by.policy_check_id())
        .ok_or("the determining check is not among the records")?;
    println!(
        "Rust: {} by {}@{}",
        decision.verdict().as_str(),
        by.policy_id(),
        by.policy_version()
    );

    let node = std::fs::read(out.join("denied-check.json"))?;
    if record.as_bytes() != node.as_slice() {
        return Err("the policyCheck record differs from Node's".into());
    }
    println!("ok: the policyCheck record is byte-identical to Node's");

    let registry = SignerRegistry::from_json(&std::fs::read(out.join("signers.json"))?)?;
    let report = verify_jsonl(
        &std::fs::read(out.join("chain.jsonl"))?,
        registry,
        VerifyOptions::default(),
    );
    if !report.valid {
        return Err(format!("Node's audit chain does not verify: {:?}", report.breaks).into());
    }
    println!(
        "ok: Node's audit chain verifies in Rust ({} events)",
        report.rows
    );
    let explanation = explain(record.as_bytes(), &set)?;
    println!(
        "explain: {}",
        explanation["summary"].as_str().unwrap_or_default()
    );
    Ok(())
}
