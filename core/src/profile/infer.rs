//! Profile inference: from a few sample rows and the signers file, the
//! profile(s) under which they verify — every one, never a guess — or, when
//! none does, how far each construction got.

use super::doc::{
    ChainProfile, Columns, ExtraColumn, Genesis, HashEncoding, HashInput, Order, SigEncoding,
    SignedForm, TimeFormat,
};
use super::row::RowView;
use super::{builtin, Error, ErrorCode};
use crate::canonical;
use crate::digest;
use crate::envelope;
use crate::registry::SignerRegistry;
use serde_json::{json, Map, Value};

/// How far one hash construction got on the sample.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InferenceAttempt {
    /// The construction tried.
    pub hash_input: HashInput,
    /// The digest tried.
    pub hash_alg: digest::Algorithm,
    /// Rows whose hash column is the digest of this input.
    pub hashes_matched: usize,
    /// For each signed form, rows whose signature verified.
    pub signatures_verified: Vec<(SignedForm, usize)>,
}

/// The outcome of [`infer_profile`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inference {
    /// Sample rows.
    pub rows: usize,
    /// Every profile under which every sample row reads, hashes and
    /// verifies (named after the built-in it equals, else `inferred/v1`).
    pub matches: Vec<ChainProfile>,
    /// What each construction achieved (always filled; the explanation
    /// when there is no match).
    pub attempts: Vec<InferenceAttempt>,
    /// What could not be decided from the sample and why several profiles
    /// match, or why none does.
    pub notes: Vec<String>,
}

impl Inference {
    /// `{"rows", "matches": [profile documents], "ambiguous", "attempts":
    /// [{hash_input, hash_alg, hashes_matched, signatures_verified:
    /// {form: n}}], "notes"}`.
    pub fn to_value(&self) -> Value {
        json!({
            "rows": self.rows,
            "matches": self.matches.iter().map(ChainProfile::to_value).collect::<Vec<_>>(),
            "ambiguous": self.matches.len() > 1,
            "attempts": self.attempts.iter().map(|a| json!({
                "hash_input": a.hash_input.as_str(),
                "hash_alg": a.hash_alg.name(),
                "hashes_matched": a.hashes_matched,
                "signatures_verified": a.signatures_verified.iter()
                    .map(|(f, n)| (f.as_str().to_string(), Value::from(*n)))
                    .collect::<Map<_, _>>(),
            })).collect::<Vec<_>>(),
            "notes": self.notes,
        })
    }

    /// [`Self::to_value`] with member names for a host (profile documents
    /// and signed-form names are data and keep their spelling).
    pub fn to_value_named(&self, naming: crate::options::Naming) -> Value {
        naming.rename(self.to_value(), &["matches", "signatures_verified"])
    }
}

/// Names each role is looked for under, in order.
const SYNONYMS: [(&str, &[&str]); 10] = [
    ("id", &["id", "event_id", "uuid", "audit_id"]),
    ("seq", &["seq", "sequence", "seq_no", "position"]),
    (
        "ts",
        &["ts", "created_at", "occurred_at", "timestamp", "time", "at"],
    ),
    ("eventType", &["event_type", "type", "kind", "action"]),
    ("actor", &["actor", "principal", "user_id", "user"]),
    ("payload", &["payload", "data", "body", "details"]),
    (
        "prevHash",
        &["prev_hash", "previous_hash", "prev", "prev_digest"],
    ),
    ("hash", &["hash", "row_hash", "digest", "event_hash"]),
    ("signer", &["signer_id", "signer", "key_id", "kid"]),
    ("signature", &["signature", "sig"]),
];

fn pick(keys: &[String], role: &str) -> Option<String> {
    let names = SYNONYMS.iter().find(|(r, _)| *r == role)?.1;
    names
        .iter()
        .find(|n| keys.iter().any(|k| k == *n))
        .map(|n| n.to_string())
}

fn looks_hex(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Tries the known constructions and encodings on `rows` (JSON texts) with
/// the signers in `registry` (see the module docs).
pub fn infer_profile<R: AsRef<[u8]>>(
    rows: &[R],
    registry: &SignerRegistry,
) -> Result<Inference, Error> {
    let bad = |m: String| Error::new(ErrorCode::InvalidSample, m);
    if rows.is_empty() {
        return Err(bad("inference needs at least one sample row".into()));
    }
    let mut canon = Vec::with_capacity(rows.len());
    let mut objects = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let c = canonical::canonicalize_text(r.as_ref())
            .map_err(|e| bad(format!("sample row {i} is not strict JSON: {e}")))?;
        let v: Value =
            serde_json::from_slice(&c).map_err(|e| bad(format!("sample row {i}: {e}")))?;
        let Value::Object(m) = v else {
            return Err(bad(format!("sample row {i} is not a JSON object")));
        };
        objects.push(m);
        canon.push(c);
    }
    let keys: Vec<String> = objects[0].keys().cloned().collect();
    if let Some(i) = objects.iter().position(|m| m.keys().ne(keys.iter())) {
        return Err(bad(format!("sample row {i} has other columns than row 0")));
    }
    let mut notes = Vec::new();
    // Role assignment: a built-in's names when it fits, else synonyms.
    let mut layouts: Vec<Columns> = Vec::new();
    for name in builtin::BUILTIN_NAMES {
        if let Some(p) = ChainProfile::builtin(name).ok().filter(|p| {
            let mut n: Vec<&str> = p.column_names();
            crate::sort::sort(&mut n);
            n.iter().all(|c| keys.iter().any(|k| k == c))
        }) {
            if !layouts.contains(&p.columns) {
                layouts.push(p.columns.clone());
            }
        }
    }
    let required = [
        "id",
        "ts",
        "payload",
        "prevHash",
        "hash",
        "signer",
        "signature",
    ];
    if required.iter().all(|r| pick(&keys, r).is_some()) {
        let get = |r: &str| pick(&keys, r).unwrap_or_default();
        let cols = Columns {
            id: get("id"),
            seq: pick(&keys, "seq"),
            ts: get("ts"),
            event_type: pick(&keys, "eventType"),
            actor: pick(&keys, "actor"),
            payload: get("payload"),
            prev_hash: get("prevHash"),
            hash: get("hash"),
            signer: get("signer"),
            signature: get("signature"),
        };
        if !layouts.contains(&cols) {
            layouts.push(cols);
        }
    }
    if layouts.is_empty() {
        notes.push(format!(
            "no column for one of the roles {} among {}",
            required.join(", "),
            keys.join(", ")
        ));
    }
    let mut matches: Vec<ChainProfile> = Vec::new();
    let mut attempts: Vec<InferenceAttempt> = Vec::new();
    for cols in &layouts {
        let mapped = [
            Some(&cols.id),
            cols.seq.as_ref(),
            Some(&cols.ts),
            cols.event_type.as_ref(),
            cols.actor.as_ref(),
            Some(&cols.payload),
            Some(&cols.prev_hash),
            Some(&cols.hash),
            Some(&cols.signer),
            Some(&cols.signature),
        ];
        let extra: Vec<ExtraColumn> = keys
            .iter()
            .filter(|k| !mapped.iter().flatten().any(|m| m == k))
            .map(|k| ExtraColumn {
                name: k.clone(),
                hashed: true,
            })
            .collect();
        let first = &objects[0];
        let s = |c: &str| {
            first
                .get(c)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let hash0 = s(&cols.hash);
        let encodings: Vec<(HashEncoding, digest::Algorithm)> =
            if let Some(rest) = hash0.strip_prefix("sha256:") {
                if looks_hex(rest, 64) {
                    vec![(HashEncoding::Prefixed, digest::Algorithm::Sha256)]
                } else {
                    vec![]
                }
            } else if let Some(rest) = hash0.strip_prefix("blake3:") {
                if looks_hex(rest, 64) {
                    vec![(HashEncoding::Prefixed, digest::Algorithm::Blake3)]
                } else {
                    vec![]
                }
            } else if looks_hex(&hash0, 64) {
                vec![
                    (HashEncoding::Hex, digest::Algorithm::Sha256),
                    (HashEncoding::Hex, digest::Algorithm::Blake3),
                ]
            } else if hash0.len() == 44 && hash0.ends_with('=') {
                vec![
                    (HashEncoding::Base64, digest::Algorithm::Sha256),
                    (HashEncoding::Base64, digest::Algorithm::Blake3),
                ]
            } else {
                notes.push(format!(
                    "column {:?} is not a digest in any known spelling",
                    cols.hash
                ));
                vec![]
            };
        let sig0 = s(&cols.signature);
        let sig_enc = if looks_hex(&sig0, 128) {
            Some(SigEncoding::Hex)
        } else if sig0.len() == 88 && sig0.ends_with("==") {
            Some(SigEncoding::Base64)
        } else if sig0.len() == 86 {
            Some(SigEncoding::Base64Url)
        } else {
            notes.push(format!(
                "column {:?} is not an Ed25519 signature in any known spelling",
                cols.signature
            ));
            None
        };
        let ts0 = s(&cols.ts);
        let time = if ts0.contains('T') {
            TimeFormat::Rfc3339
        } else {
            TimeFormat::Postgres
        };
        // Genesis: decided by a first row in the sample, else every spelling.
        let prevs: Vec<&Value> = objects
            .iter()
            .filter_map(|m| m.get(&cols.prev_hash))
            .collect();
        let geneses: Vec<Genesis> = if prevs.iter().any(|v| v.is_null()) {
            vec![Genesis::Null]
        } else if prevs.iter().any(|v| v.as_str() == Some("")) {
            vec![Genesis::Empty]
        } else if prevs.iter().any(|v| {
            v.as_str().is_some_and(|t| {
                t.trim_start_matches("sha256:")
                    .trim_start_matches("blake3:")
                    .chars()
                    .all(|c| c == '0' || c == 'A' || c == '=')
                    && !t.is_empty()
            })
        }) {
            vec![Genesis::Zeros]
        } else {
            notes.push("no sample row is the first of its chain, so the genesis prev_hash cannot be told: every spelling matches".into());
            Genesis::ALL.to_vec()
        };
        let Some(sig_encoding) = sig_enc else {
            continue;
        };
        for &(hash_encoding, hash_alg) in &encodings {
            let v1_layout = ChainProfile::trustcore_v1().columns == *cols && extra.is_empty();
            for hash_input in HashInput::ALL {
                // On trustcore's ten columns, `row` is the trustcore/v1
                // construction: try it once.
                if v1_layout && hash_input == HashInput::Row {
                    continue;
                }
                let base = ChainProfile {
                    name: "inferred/v1".into(),
                    description: None,
                    columns: cols.clone(),
                    extra: extra.clone(),
                    hash_input,
                    hash_alg,
                    hash_encoding,
                    signs: SignedForm::Envelope,
                    sig_alg: None,
                    sig_encoding,
                    genesis: geneses[0],
                    timestamp: time,
                    order: if cols.seq.is_some() {
                        Order::Seq
                    } else {
                        Order::Ts
                    },
                    members: Vec::new(),
                };
                let Ok(base) = base.finish() else { continue };
                let views: Vec<Option<RowView<'_>>> =
                    canon.iter().map(|c| base.read_row(c).ok()).collect();
                if views.iter().any(Option::is_none) {
                    continue;
                }
                let views: Vec<RowView<'_>> = views.into_iter().flatten().collect();
                let hashed: Vec<bool> = views
                    .iter()
                    .map(|v| base.compute_hash(v) == v.hash)
                    .collect();
                let hashes_matched = hashed.iter().filter(|b| **b).count();
                let mut verified = Vec::new();
                for signs in SignedForm::ALL {
                    let p = ChainProfile {
                        signs,
                        ..base.clone()
                    };
                    let n = views
                        .iter()
                        .filter(|v| signature_verifies(&p, v, registry))
                        .count();
                    verified.push((signs, n));
                    if hashes_matched == views.len() && n == views.len() {
                        for &genesis in &geneses {
                            let mut m = ChainProfile {
                                genesis,
                                ..p.clone()
                            };
                            name_after_builtin(&mut m);
                            if !matches.contains(&m) {
                                matches.push(m);
                            }
                        }
                    }
                }
                let already = attempts.iter().any(|a| {
                    a.hash_input == hash_input
                        && a.hash_alg == hash_alg
                        && a.hashes_matched >= hashes_matched
                });
                if !already {
                    attempts.retain(|a| !(a.hash_input == hash_input && a.hash_alg == hash_alg));
                    attempts.push(InferenceAttempt {
                        hash_input,
                        hash_alg,
                        hashes_matched,
                        signatures_verified: verified,
                    });
                }
            }
        }
    }
    if matches.is_empty() {
        let best = attempts.iter().max_by_key(|a| {
            (
                a.hashes_matched,
                a.signatures_verified
                    .iter()
                    .map(|(_, n)| *n)
                    .max()
                    .unwrap_or(0),
            )
        });
        notes.push(match best {
            Some(a) if a.hashes_matched == rows.len() => format!(
                "the hash matches under {} ({}), but the signature does not verify under any signed form with the registered keys",
                a.hash_input.as_str(),
                a.hash_alg.name()
            ),
            Some(a) if a.hashes_matched > 0 => format!(
                "the hash matches on {} of {} rows at best (under {}, {}): the rows may have been edited",
                a.hashes_matched,
                rows.len(),
                a.hash_input.as_str(),
                a.hash_alg.name()
            ),
            _ => "no known construction gives the hash column".into(),
        });
    } else if matches.len() > 1 {
        notes.push(format!("{} profiles fit the sample equally; give rows that tell them apart (a first row, rows of another signer) or pick one", matches.len()));
    }
    Ok(Inference {
        rows: rows.len(),
        matches,
        attempts,
        notes,
    })
}

fn signature_verifies(p: &ChainProfile, v: &RowView<'_>, registry: &SignerRegistry) -> bool {
    let Some(rec) = registry.get(&v.signer_id) else {
        return false;
    };
    let alg = p.signature_alg(rec.algorithm());
    let Ok(key) = registry.key_for(&v.signer_id, alg, &v.at) else {
        return false;
    };
    let input = p.hash_input(v);
    match p.signed_bytes(&input, &v.hash, &v.hash_text, &v.signer_id, alg) {
        Some(msg) => envelope::verify_signing_input(alg, &msg, &v.signature, key),
        None => false,
    }
}

/// Names an inferred profile after the built-in it is, if any.
fn name_after_builtin(p: &mut ChainProfile) {
    for name in builtin::BUILTIN_NAMES {
        if let Ok(b) = ChainProfile::builtin(name) {
            let same = ChainProfile {
                name: b.name.clone(),
                description: b.description.clone(),
                ..p.clone()
            };
            if same == b {
                *p = b;
                return;
            }
        }
    }
}
