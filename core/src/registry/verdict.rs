//! Verdicts on envelope signatures, and the envelope report.

use super::error::*;
use super::record::*;
use super::signers::*;
use crate::envelope::{Algorithm, Envelope};
use crate::time::Timestamp;
use serde_json::{Map, Value};

/// The outcome of one signature in a report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureVerdict {
    /// Its index in the envelope's `signatures`.
    pub index: usize,
    /// The signer id it names.
    pub signer: String,
    /// Its algorithm.
    pub alg: Algorithm,
    /// Whether it verifies (and, for approvals, counts).
    pub valid: bool,
    /// Why not, when it does not.
    pub reason: Option<Reason>,
}

impl SignatureVerdict {
    fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("index".into(), self.index.into());
        m.insert("signer".into(), self.signer.clone().into());
        m.insert("alg".into(), self.alg.name().into());
        m.insert("valid".into(), self.valid.into());
        if let Some(r) = self.reason {
            m.insert("reason".into(), r.as_str().into());
        }
        Value::Object(m)
    }
}

pub(super) fn verdicts(list: &[SignatureVerdict]) -> Value {
    list.iter().map(SignatureVerdict::to_value).collect()
}

/// The verdict on every signature of an envelope at a time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvelopeReport {
    /// True when the envelope has at least one signature and every one
    /// verifies under a registered key valid at the time.
    pub valid: bool,
    /// One verdict per signature, in envelope order.
    pub signatures: Vec<SignatureVerdict>,
}

impl EnvelopeReport {
    /// The report as a JSON value: `{"signatures":[...],"valid":bool}`.
    pub fn to_value(&self) -> Value {
        serde_json::json!({"valid": self.valid, "signatures": verdicts(&self.signatures)})
    }

    /// The report as canonical JSON text.
    pub fn to_json(&self) -> String {
        canonical_string(&self.to_value())
    }
}

impl SignerRegistry {
    pub(super) fn verdict(&self, env: &Envelope, index: usize, at: &Timestamp) -> SignatureVerdict {
        let entry = &env.signatures()[index];
        let reason = match self.key_for(&entry.signer, entry.alg, at) {
            Err(r) => Some(r),
            Ok(key) => match env.verify(index, key) {
                Ok(true) => None,
                _ => Some(Reason::InvalidSignature),
            },
        };
        SignatureVerdict {
            index,
            signer: entry.signer.clone(),
            alg: entry.alg,
            valid: reason.is_none(),
            reason,
        }
    }

    /// Verifies every signature of `env` as of `at` (the record's time).
    pub fn verify_envelope(&self, env: &Envelope, at: &Timestamp) -> EnvelopeReport {
        let signatures: Vec<SignatureVerdict> = (0..env.signatures().len())
            .map(|i| self.verdict(env, i, at))
            .collect();
        EnvelopeReport {
            valid: !signatures.is_empty() && signatures.iter().all(|s| s.valid),
            signatures,
        }
    }
}
