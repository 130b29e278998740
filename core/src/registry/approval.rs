//! k-of-n approvals over one envelope.

use super::error::*;
use super::record::*;
use super::signers::*;
use super::verdict::*;
use crate::envelope::Envelope;
use crate::time::Timestamp;
use serde_json::Value;
use std::collections::BTreeSet;

/// A named k-of-n approval set: `{"name":"upgrade-approvers","threshold":3,
/// "signers":["a","b","c","d","e"],"kind":"upgrade.applied"}` (`kind`
/// optional: when set, only envelopes of that kind can be approved).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApprovalSet {
    name: String,
    threshold: usize,
    signers: BTreeSet<String>,
    kind: Option<String>,
}

impl ApprovalSet {
    /// Loads an approval set from JSON text. The threshold must be an
    /// integer in 1..=n and the signer ids distinct.
    pub fn from_json(text: &[u8]) -> Result<Self, crate::Error> {
        let bad = |m: String| Error::new(ErrorCode::InvalidApprovalSet, m);
        let v = strict_json(text)?;
        let obj = v
            .as_object()
            .ok_or_else(|| bad("an approval set is a JSON object".into()))?;
        for k in obj.keys() {
            if !["name", "threshold", "signers", "kind"].contains(&k.as_str()) {
                return Err(bad(format!(
                    "unknown approval-set member {k:?}; it has name, threshold, signers, kind"
                ))
                .into());
            }
        }
        let name = obj
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("an approval set needs a string \"name\"".into()))?;
        let list = obj
            .get("signers")
            .and_then(Value::as_array)
            .ok_or_else(|| bad(format!("approval set {name:?} needs a \"signers\" array")))?;
        let mut signers = BTreeSet::new();
        for (i, s) in list.iter().enumerate() {
            let id = s.as_str().ok_or_else(|| {
                bad(format!(
                    "approval set {name:?}: signers[{i}] must be a string"
                ))
            })?;
            check_id(id, &format!("approval set {name:?}: signers[{i}]"))?;
            if !signers.insert(id.to_string()) {
                return Err(bad(format!("approval set {name:?} lists signer {id:?} twice")).into());
            }
        }
        let threshold = obj
            .get("threshold")
            .and_then(Value::as_u64)
            .filter(|t| (1..=signers.len() as u64).contains(t))
            .ok_or_else(|| {
                bad(format!(
                    "approval set {name:?}: \"threshold\" must be an integer from 1 to the number of signers ({})",
                    signers.len()
                ))
            })?;
        let kind = match obj.get("kind") {
            None => None,
            Some(Value::String(k)) => Some(k.clone()),
            Some(_) => {
                return Err(bad(format!("approval set {name:?}: \"kind\" must be a string")).into())
            }
        };
        Ok(ApprovalSet {
            name: name.to_string(),
            threshold: threshold as usize,
            signers,
            kind,
        })
    }

    /// The set's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// k.
    pub fn threshold(&self) -> usize {
        self.threshold
    }

    /// Counts the distinct signers of the set whose signatures on `env`
    /// verify under keys valid at `at`. Every signature that does not count
    /// is reported with its [`Reason`]; none is counted twice.
    pub fn verify(
        &self,
        env: &Envelope,
        registry: &SignerRegistry,
        at: &Timestamp,
    ) -> ApprovalReport {
        let wrong_kind = self.kind.as_deref().is_some_and(|k| k != env.kind());
        let mut counted: BTreeSet<String> = BTreeSet::new();
        let mut signatures = Vec::with_capacity(env.signatures().len());
        for (index, entry) in env.signatures().iter().enumerate() {
            let mut v = if wrong_kind {
                SignatureVerdict {
                    index,
                    signer: entry.signer.clone(),
                    alg: entry.alg,
                    valid: false,
                    reason: Some(Reason::WrongKind),
                }
            } else if !self.signers.contains(&entry.signer) {
                SignatureVerdict {
                    index,
                    signer: entry.signer.clone(),
                    alg: entry.alg,
                    valid: false,
                    reason: Some(Reason::NotInSet),
                }
            } else {
                registry.verdict(env, index, at)
            };
            if v.valid && !counted.insert(entry.signer.clone()) {
                v.valid = false;
                v.reason = Some(Reason::DuplicateSigner);
            }
            signatures.push(v);
        }
        ApprovalReport {
            set: self.name.clone(),
            threshold: self.threshold,
            approved: counted.len() >= self.threshold,
            approvers: counted.into_iter().collect(),
            signatures,
        }
    }
}

/// The outcome of a k-of-n check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApprovalReport {
    /// The approval set's name.
    pub set: String,
    /// k.
    pub threshold: usize,
    /// Whether at least k distinct signers of the set approved.
    pub approved: bool,
    /// The counted signers, sorted.
    pub approvers: Vec<String>,
    /// One verdict per signature, in envelope order.
    pub signatures: Vec<SignatureVerdict>,
}

impl ApprovalReport {
    /// The report as a JSON value.
    pub fn to_value(&self) -> Value {
        serde_json::json!({
            "set": self.set,
            "threshold": self.threshold,
            "approved": self.approved,
            "approvers": self.approvers,
            "signatures": verdicts(&self.signatures),
        })
    }

    /// The report as canonical JSON text.
    pub fn to_json(&self) -> String {
        canonical_string(&self.to_value())
    }
}
