//! Impact analysis: a candidate policy set against the current one over a
//! batch of recorded requests, so a rollout (e.g. canary → active) can be
//! gated on which decisions would change and why.

use super::eval::evaluate;
use super::model::{record_order, PolicySet};
use super::record::{Decision, Verdict, IMPACT_TYPE};
use crate::canonical::{self, Options};
use serde_json::{json, Map, Value};

/// Per-policy counts over the batch, for the candidate set.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Counts {
    applied: u64,
    allow: u64,
    deny: u64,
    abstain: u64,
    errors: u64,
    simulated: u64,
    enforced_deny: u64,
}

/// The result of [`impact`].
#[derive(Clone, Debug, PartialEq)]
pub struct ImpactReport {
    value: Value,
    changed: u64,
}

impl ImpactReport {
    /// How many requests would get a different decision.
    pub fn changed(&self) -> u64 {
        self.changed
    }
    /// The report as a value (`trustcore.policy-impact/v1`).
    pub fn to_value(&self) -> Value {
        self.value.clone()
    }
    /// The canonical JSON text of the report.
    pub fn to_json(&self) -> String {
        let bytes =
            canonical::canonicalize_value(&self.value, &Options::default()).unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

fn responsible(d: &Decision) -> Vec<Value> {
    d.determined_by()
        .iter()
        .map(|c| json!({"policyCheckId": c.policy_check_id(), "policyId": c.policy_id(), "policyVersion": c.policy_version()}))
        .collect()
}

/// Evaluates every request (JSON text) under `current` and `candidate` and
/// reports the differences:
///
/// * `changes`: each request whose decision differs, with its index, its
///   request digest, both decisions and the `responsible` checks: the
///   candidate's determining checks when the candidate denies, the current
///   set's when the current one denied (the checks whose denial goes away);
/// * `allowToDeny`, `denyToAllow`, `changed`, `unchanged` counts;
/// * `policies`: for each policy of the candidate set that applied at least
///   once, how often it allowed, denied, abstained, failed, ran simulated,
///   and denied while enforced: the expected impact of promoting a
///   simulated or canary policy;
/// * `invalidRequests`: requests that could not be evaluated (index, code,
///   message); they count in neither `changed` nor `unchanged`.
pub fn impact<R: AsRef<[u8]>>(
    current: &PolicySet,
    candidate: &PolicySet,
    requests: &[R],
) -> ImpactReport {
    let mut changes = Vec::new();
    let mut invalid = Vec::new();
    let (mut a2d, mut d2a, mut same) = (0u64, 0u64, 0u64);
    let mut counts: Vec<((String, u64), Counts)> = Vec::new();
    for (index, req) in requests.iter().enumerate() {
        let (cur, cand) = match (
            evaluate(current, req.as_ref()),
            evaluate(candidate, req.as_ref()),
        ) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(e), _) | (_, Err(e)) => {
                invalid.push(json!({"index": index, "code": e.code(), "message": e.message()}));
                continue;
            }
        };
        for c in cand.checks() {
            let key = (c.policy_id().to_owned(), c.policy_version());
            let slot = match counts.iter().position(|(k, _)| *k == key) {
                Some(i) => i,
                None => {
                    counts.push((key, Counts::default()));
                    counts.len() - 1
                }
            };
            if let Some((_, n)) = counts.get_mut(slot) {
                n.applied += 1;
                match c.verdict() {
                    Verdict::Allow => n.allow += 1,
                    Verdict::Deny => n.deny += 1,
                    Verdict::Abstain => n.abstain += 1,
                }
                n.errors += u64::from(c.error_code().is_some());
                n.simulated += u64::from(c.sim_mode());
                n.enforced_deny += u64::from(!c.sim_mode() && c.verdict() == Verdict::Deny);
            }
        }
        if cur.verdict() == cand.verdict() {
            same += 1;
            continue;
        }
        let resp = if cand.verdict() == Verdict::Deny {
            a2d += 1;
            responsible(&cand)
        } else {
            d2a += 1;
            responsible(&cur)
        };
        changes.push(json!({
            "index": index,
            "requestDigest": cand.request_digest(),
            "current": cur.verdict().as_str(),
            "candidate": cand.verdict().as_str(),
            "responsible": resp,
        }));
    }
    crate::sort::sort_by(&mut counts, |a, b| {
        record_order(&a.0 .0, a.0 .1, &b.0 .0, b.0 .1)
    });
    let policies: Vec<Value> = counts
        .into_iter()
        .map(|((id, v), n)| {
            json!({
                "policyId": id, "policyVersion": v, "applied": n.applied, "allow": n.allow,
                "deny": n.deny, "abstain": n.abstain, "errors": n.errors,
                "simulated": n.simulated, "enforcedDeny": n.enforced_deny,
            })
        })
        .collect();
    let changed = a2d + d2a;
    let mut m = Map::new();
    m.insert("type".into(), json!(IMPACT_TYPE));
    m.insert("currentPolicySetDigest".into(), json!(current.digest()));
    m.insert("candidatePolicySetDigest".into(), json!(candidate.digest()));
    m.insert("requests".into(), json!(requests.len()));
    m.insert("changed".into(), json!(changed));
    m.insert("unchanged".into(), json!(same));
    m.insert("allowToDeny".into(), json!(a2d));
    m.insert("denyToAllow".into(), json!(d2a));
    m.insert("changes".into(), Value::Array(changes));
    m.insert("policies".into(), Value::Array(policies));
    m.insert("invalidRequests".into(), Value::Array(invalid));
    ImpactReport {
        value: Value::Object(m),
        changed,
    }
}
