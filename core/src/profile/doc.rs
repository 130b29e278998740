//! The profile document: its types, loading with a path for every problem,
//! and writing it back.

use super::{Error, ErrorCode};
use crate::canonical::{self, Options};
use crate::digest::{self, Digest};
use crate::envelope;
use crate::text::quote;
use serde_json::{json, Map, Value};

/// The `type` of a profile document.
pub const PROFILE_TYPE: &str = "trustcore.chain-profile/v1";

/// What the hash is the digest of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HashInput {
    /// trustcore's own: the canonical JSON of the row without its hash and
    /// signature columns, over exactly trustcore's ten columns.
    TrustcoreV1,
    /// The canonical JSON of the row without its hash and signature columns
    /// (and without extra columns marked `hashed: false`).
    Row,
    /// The canonical JSON of the payload alone.
    Payload,
    /// The `prev_hash` column's text (empty for a `null` genesis) followed
    /// by the canonical JSON of the payload.
    PrevHashPayload,
}

impl HashInput {
    /// Every construction.
    pub const ALL: [HashInput; 4] = [
        HashInput::TrustcoreV1,
        HashInput::Row,
        HashInput::Payload,
        HashInput::PrevHashPayload,
    ];
    /// The document spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            HashInput::TrustcoreV1 => "trustcore/v1",
            HashInput::Row => "row",
            HashInput::Payload => "payload",
            HashInput::PrevHashPayload => "prev_hash_payload",
        }
    }
}

/// How the hash column (and `prev_hash`) spells the digest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HashEncoding {
    /// 64 lowercase hex digits.
    Hex,
    /// Standard padded base64 of the 32 bytes.
    Base64,
    /// The named text form, `sha256:<64 lowercase hex>`.
    Prefixed,
}

impl HashEncoding {
    /// Every encoding.
    pub const ALL: [HashEncoding; 3] = [
        HashEncoding::Hex,
        HashEncoding::Base64,
        HashEncoding::Prefixed,
    ];
    /// The document spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            HashEncoding::Hex => "hex",
            HashEncoding::Base64 => "base64",
            HashEncoding::Prefixed => "prefixed",
        }
    }
}

/// What the signature is over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SignedForm {
    /// The hash input bytes themselves (e.g. the canonical payload).
    HashInput,
    /// The 32 raw digest bytes.
    Digest,
    /// The hash column's text, as stored (UTF-8 bytes).
    DigestText,
    /// trustcore's typed envelope of kind `trustcore.audit-event` whose
    /// payload is `{"hash":"<alg>:<hex>"}` (`docs/audit-chain.md`).
    Envelope,
}

impl SignedForm {
    /// Every form.
    pub const ALL: [SignedForm; 4] = [
        SignedForm::Envelope,
        SignedForm::HashInput,
        SignedForm::Digest,
        SignedForm::DigestText,
    ];
    /// The document spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            SignedForm::HashInput => "hash_input",
            SignedForm::Digest => "digest",
            SignedForm::DigestText => "digest_text",
            SignedForm::Envelope => "envelope",
        }
    }
}

/// How the signature column spells the 64 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SigEncoding {
    /// Standard padded base64 (88 characters).
    Base64,
    /// URL-safe base64 without padding (86 characters).
    Base64Url,
    /// 128 lowercase hex digits.
    Hex,
}

impl SigEncoding {
    /// Every encoding.
    pub const ALL: [SigEncoding; 3] = [
        SigEncoding::Base64,
        SigEncoding::Base64Url,
        SigEncoding::Hex,
    ];
    /// The document spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            SigEncoding::Base64 => "base64",
            SigEncoding::Base64Url => "base64url",
            SigEncoding::Hex => "hex",
        }
    }
}

/// The first row's `prev_hash`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Genesis {
    /// 32 zero bytes in the hash encoding (64 zeros for hex).
    Zeros,
    /// The empty string.
    Empty,
    /// JSON `null`.
    Null,
}

impl Genesis {
    /// Every genesis spelling.
    pub const ALL: [Genesis; 3] = [Genesis::Zeros, Genesis::Empty, Genesis::Null];
    /// The document spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Genesis::Zeros => "zeros",
            Genesis::Empty => "empty",
            Genesis::Null => "null",
        }
    }
}

/// How the timestamp column is written (as stored and as hashed).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimeFormat {
    /// RFC 3339 UTC (`2026-03-01T12:00:00.123Z`, `docs/registry.md`).
    Rfc3339,
    /// PostgreSQL's `timestamptz` text in UTC: `2026-03-01 12:00:00.123+00`
    /// (1-6 fraction digits without trailing zeros, or none).
    Postgres,
}

impl TimeFormat {
    /// Every format.
    pub const ALL: [TimeFormat; 2] = [TimeFormat::Rfc3339, TimeFormat::Postgres];
    /// The document spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            TimeFormat::Rfc3339 => "rfc3339",
            TimeFormat::Postgres => "postgres",
        }
    }
}

/// The order rows are read in (from a table; an export is read in its own
/// order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Order {
    /// By the sequence column.
    Seq,
    /// By the timestamp column, then the id.
    Ts,
}

impl Order {
    /// The document spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Order::Seq => "seq",
            Order::Ts => "ts",
        }
    }
}

/// Which column plays which role (`None`: the table has no such column).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Columns {
    /// The event id (a plain UUID).
    pub id: String,
    /// The sequence number (from 1), if the table has one.
    pub seq: Option<String>,
    /// The event time.
    pub ts: String,
    /// The event type, if the table has one.
    pub event_type: Option<String>,
    /// The actor, if the table has one.
    pub actor: Option<String>,
    /// The payload (any JSON value).
    pub payload: String,
    /// The previous row's hash.
    pub prev_hash: String,
    /// This row's hash.
    pub hash: String,
    /// The signer id.
    pub signer: String,
    /// The signature.
    pub signature: String,
}

/// A column with no role.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ExtraColumn {
    /// Its name.
    pub name: String,
    /// Whether the `row` construction hashes it (default true).
    pub hashed: bool,
}

/// The role a column plays, in the order the document lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Role {
    Id,
    Seq,
    Ts,
    EventType,
    Actor,
    Payload,
    PrevHash,
    Hash,
    Signer,
    Signature,
    /// An extra column: hashed by the `row` construction or not.
    Extra(bool),
}

/// One member of a row under a profile, in canonical (sorted) order.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Member {
    pub(crate) name: String,
    pub(crate) role: Role,
    /// `,"name":` (or `{"name":` for the first) as canonical bytes.
    pub(crate) key: Vec<u8>,
}

/// A chain profile (see the module docs).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ChainProfile {
    /// Its name (`trustcore/v1`, `kernel/v1`, or the user's).
    pub name: String,
    /// What it describes, for people.
    pub description: Option<String>,
    /// The roles' columns.
    pub columns: Columns,
    /// Columns without a role.
    pub extra: Vec<ExtraColumn>,
    /// What is hashed.
    pub hash_input: HashInput,
    /// The digest.
    pub hash_alg: digest::Algorithm,
    /// How the hash and prev_hash columns spell it.
    pub hash_encoding: HashEncoding,
    /// What is signed.
    pub signs: SignedForm,
    /// The signature algorithm; `None`: the one the registry records for
    /// the signer.
    pub sig_alg: Option<envelope::Algorithm>,
    /// How the signature column spells it.
    pub sig_encoding: SigEncoding,
    /// The first row's prev_hash.
    pub genesis: Genesis,
    /// How the timestamp column is written.
    pub timestamp: TimeFormat,
    /// The order rows are read in.
    pub order: Order,
    pub(crate) members: Vec<Member>,
}

/// The longest column name (a SQL identifier, so the PostgreSQL reader can
/// name it without quoting tricks).
const MAX_COLUMN_CHARS: usize = 63;

fn column_name_ok(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && s.len() <= MAX_COLUMN_CHARS
}

fn object<'v>(v: &'v Value, at: &str, what: &str) -> Result<&'v Map<String, Value>, Error> {
    v.as_object()
        .ok_or_else(|| Error::at(at, format!("{what} must be an object")))
}

fn allowed(m: &Map<String, Value>, at: &str, keys: &[&str]) -> Result<(), Error> {
    match m.keys().find(|k| !keys.contains(&k.as_str())) {
        None => Ok(()),
        Some(k) => Err(Error::at(
            &crate::policy::push_token(at, k),
            format!(
                "unknown member {}; the members here are {}",
                quote(k),
                keys.join(", ")
            ),
        )),
    }
}

fn choice<T: Copy>(
    m: &Map<String, Value>,
    at: &str,
    name: &str,
    all: &[(T, &'static str)],
    default: Option<T>,
) -> Result<T, Error> {
    let path = format!("{at}/{name}");
    match m.get(name) {
        None => default.ok_or_else(|| Error::at(&path, format!("{name} is required"))),
        Some(Value::String(s)) => all
            .iter()
            .find(|(_, n)| n == s)
            .map(|(t, _)| *t)
            .ok_or_else(|| {
                let names: Vec<String> = all.iter().map(|(_, n)| format!("{n:?}")).collect();
                Error::at(
                    &path,
                    format!(
                        "{name} is {}; it must be one of {}",
                        quote(s),
                        names.join(", ")
                    ),
                )
            }),
        Some(_) => Err(Error::at(&path, format!("{name} must be a string"))),
    }
}

impl ChainProfile {
    /// Loads a profile document from JSON text (strict I-JSON).
    pub fn from_json(text: &[u8]) -> Result<ChainProfile, crate::Error> {
        canonical::canonicalize_text(text)?;
        let v: Value =
            serde_json::from_slice(text).map_err(|e| Error::at("", format!("not JSON: {e}")))?;
        Ok(Self::from_value(&v)?)
    }

    /// Loads a profile document from a JSON value, checking every rule.
    pub fn from_value(v: &Value) -> Result<ChainProfile, Error> {
        let m = object(v, "", "a chain profile")?;
        match m.get("type") {
            Some(Value::String(t)) if t == PROFILE_TYPE => {}
            Some(Value::String(t)) if t.starts_with("trustcore.chain-profile/") => {
                return Err(Error::with_path(
                    ErrorCode::UnsupportedProfileVersion,
                    format!(
                        "{} is not a profile version this release reads ({PROFILE_TYPE})",
                        quote(t)
                    ),
                    "/type",
                ))
            }
            _ => {
                return Err(Error::at(
                    "/type",
                    format!("\"type\" must be {PROFILE_TYPE:?}"),
                ))
            }
        }
        allowed(
            m,
            "",
            &[
                "type",
                "name",
                "description",
                "columns",
                "extraColumns",
                "hash",
                "signature",
                "genesis",
                "timestamp",
                "order",
            ],
        )?;
        let name = match m.get("name") {
            Some(Value::String(s))
                if !s.is_empty()
                    && s.len() <= 64
                    && s.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "._/-".contains(c)) =>
            {
                s.clone()
            }
            _ => {
                return Err(Error::at(
                    "/name",
                    "name must be 1-64 characters of A-Z a-z 0-9 . _ / -",
                ))
            }
        };
        let description = match m.get("description") {
            None => None,
            Some(Value::String(s)) if s.len() <= 4096 => Some(s.clone()),
            Some(_) => {
                return Err(Error::at(
                    "/description",
                    "description must be a string of at most 4096 bytes",
                ))
            }
        };
        let cols = object(
            m.get("columns").unwrap_or(&Value::Null),
            "/columns",
            "columns",
        )?;
        const ROLES: [&str; 10] = [
            "id",
            "seq",
            "ts",
            "eventType",
            "actor",
            "payload",
            "prevHash",
            "hash",
            "signer",
            "signature",
        ];
        allowed(cols, "/columns", &ROLES)?;
        let col = |role: &str, required: bool| -> Result<Option<String>, Error> {
            let path = format!("/columns/{role}");
            match cols.get(role) {
                None | Some(Value::Null) if !required => Ok(None),
                None | Some(Value::Null) => {
                    Err(Error::at(&path, format!("the {role} column is required")))
                }
                Some(Value::String(s)) if column_name_ok(s) => Ok(Some(s.clone())),
                Some(_) => Err(Error::at(
                    &path,
                    format!("a column name is 1-{MAX_COLUMN_CHARS} characters of A-Z a-z 0-9 _, not starting with a digit"),
                )),
            }
        };
        let req =
            |role: &str| -> Result<String, Error> { Ok(col(role, true)?.unwrap_or_default()) };
        let columns = Columns {
            id: req("id")?,
            seq: col("seq", false)?,
            ts: req("ts")?,
            event_type: col("eventType", false)?,
            actor: col("actor", false)?,
            payload: req("payload")?,
            prev_hash: req("prevHash")?,
            hash: req("hash")?,
            signer: req("signer")?,
            signature: req("signature")?,
        };
        let mut extra = Vec::new();
        match m.get("extraColumns") {
            None => {}
            Some(Value::Array(list)) => {
                for (i, e) in list.iter().enumerate() {
                    let at = format!("/extraColumns/{i}");
                    let o = object(e, &at, "an extra column")?;
                    allowed(o, &at, &["name", "hashed"])?;
                    let name = match o.get("name") {
                        Some(Value::String(s)) if column_name_ok(s) => s.clone(),
                        _ => {
                            return Err(Error::at(
                                &format!("{at}/name"),
                                "an extra column needs a valid name",
                            ))
                        }
                    };
                    let hashed = match o.get("hashed") {
                        None => true,
                        Some(Value::Bool(b)) => *b,
                        Some(_) => {
                            return Err(Error::at(
                                &format!("{at}/hashed"),
                                "hashed must be true or false",
                            ))
                        }
                    };
                    extra.push(ExtraColumn { name, hashed });
                }
            }
            Some(_) => return Err(Error::at("/extraColumns", "extraColumns must be an array")),
        }
        let hash = object(m.get("hash").unwrap_or(&Value::Null), "/hash", "hash")?;
        allowed(hash, "/hash", &["input", "algorithm", "encoding"])?;
        let hash_input = choice(
            hash,
            "/hash",
            "input",
            &HashInput::ALL.map(|h| (h, h.as_str())),
            None,
        )?;
        let hash_alg = choice(
            hash,
            "/hash",
            "algorithm",
            &[
                (digest::Algorithm::Sha256, "sha256"),
                (digest::Algorithm::Blake3, "blake3"),
            ],
            Some(digest::Algorithm::Sha256),
        )?;
        let hash_encoding = choice(
            hash,
            "/hash",
            "encoding",
            &HashEncoding::ALL.map(|h| (h, h.as_str())),
            None,
        )?;
        let sig = object(
            m.get("signature").unwrap_or(&Value::Null),
            "/signature",
            "signature",
        )?;
        allowed(sig, "/signature", &["signs", "algorithm", "encoding"])?;
        let signs = choice(
            sig,
            "/signature",
            "signs",
            &SignedForm::ALL.map(|s| (s, s.as_str())),
            None,
        )?;
        let sig_alg = choice(
            sig,
            "/signature",
            "algorithm",
            &[
                (None, "registry"),
                (Some(envelope::Algorithm::Ed25519), "ed25519"),
                (Some(envelope::Algorithm::Ed25519ph), "ed25519ph"),
            ],
            Some(None),
        )?;
        let sig_encoding = choice(
            sig,
            "/signature",
            "encoding",
            &SigEncoding::ALL.map(|s| (s, s.as_str())),
            None,
        )?;
        let genesis = choice(
            m,
            "",
            "genesis",
            &Genesis::ALL.map(|g| (g, g.as_str())),
            None,
        )?;
        let timestamp = choice(
            m,
            "",
            "timestamp",
            &TimeFormat::ALL.map(|t| (t, t.as_str())),
            None,
        )?;
        let default_order = if columns.seq.is_some() {
            Order::Seq
        } else {
            Order::Ts
        };
        let order = choice(
            m,
            "",
            "order",
            &[(Order::Seq, "seq"), (Order::Ts, "ts")],
            Some(default_order),
        )?;
        if order == Order::Seq && columns.seq.is_none() {
            return Err(Error::at("/order", "order \"seq\" needs a seq column"));
        }
        let profile = ChainProfile {
            name,
            description,
            columns,
            extra,
            hash_input,
            hash_alg,
            hash_encoding,
            signs,
            sig_alg,
            sig_encoding,
            genesis,
            timestamp,
            order,
            members: Vec::new(),
        };
        profile.finish()
    }

    /// Checks the rules across members and computes the row layout.
    pub(crate) fn finish(mut self) -> Result<ChainProfile, Error> {
        let mut all: Vec<(String, Role, String)> = Vec::new();
        let c = &self.columns;
        for (name, role, path) in [
            (Some(&c.id), Role::Id, "/columns/id"),
            (c.seq.as_ref(), Role::Seq, "/columns/seq"),
            (Some(&c.ts), Role::Ts, "/columns/ts"),
            (c.event_type.as_ref(), Role::EventType, "/columns/eventType"),
            (c.actor.as_ref(), Role::Actor, "/columns/actor"),
            (Some(&c.payload), Role::Payload, "/columns/payload"),
            (Some(&c.prev_hash), Role::PrevHash, "/columns/prevHash"),
            (Some(&c.hash), Role::Hash, "/columns/hash"),
            (Some(&c.signer), Role::Signer, "/columns/signer"),
            (Some(&c.signature), Role::Signature, "/columns/signature"),
        ] {
            if let Some(n) = name {
                all.push((n.clone(), role, path.to_string()));
            }
        }
        for (i, e) in self.extra.iter().enumerate() {
            all.push((
                e.name.clone(),
                Role::Extra(e.hashed),
                format!("/extraColumns/{i}/name"),
            ));
        }
        for (i, (n, _, path)) in all.iter().enumerate() {
            if all[..i].iter().any(|(m, _, _)| m == n) {
                return Err(Error::at(
                    path,
                    format!("column {} is used twice", quote(n)),
                ));
            }
        }
        if self.hash_input == HashInput::TrustcoreV1 {
            let v1 = [
                ("id", Role::Id),
                ("seq", Role::Seq),
                ("ts", Role::Ts),
                ("event_type", Role::EventType),
                ("actor", Role::Actor),
                ("payload", Role::Payload),
                ("prev_hash", Role::PrevHash),
                ("hash", Role::Hash),
                ("signer_id", Role::Signer),
                ("signature", Role::Signature),
            ];
            let same = all.len() == v1.len()
                && v1
                    .iter()
                    .all(|(n, r)| all.iter().any(|(m, s, _)| m == n && s == r));
            if !same {
                return Err(Error::at(
                    "/hash/input",
                    "the trustcore/v1 construction hashes exactly trustcore's ten columns (id, seq, ts, event_type, actor, payload, prev_hash, hash, signer_id, signature); use \"row\" for other columns",
                ));
            }
        }
        // Canonical member order: by the UTF-16 code units of the names
        // (ASCII here, so bytes).
        crate::sort::sort_by(&mut all, |a, b| a.0.cmp(&b.0));
        self.members = all
            .into_iter()
            .enumerate()
            .map(|(i, (name, role, _))| {
                let mut key = vec![if i == 0 { b'{' } else { b',' }];
                key.push(b'"');
                key.extend_from_slice(name.as_bytes());
                key.extend_from_slice(b"\":");
                Member { name, role, key }
            })
            .collect();
        Ok(self)
    }

    /// The profile as a document (the format [`ChainProfile::from_value`]
    /// reads; optional members written only when they differ from the
    /// default).
    pub fn to_value(&self) -> Value {
        let c = &self.columns;
        let opt = |o: &Option<String>| o.clone().map_or(Value::Null, Value::from);
        let mut m = Map::new();
        m.insert("type".into(), PROFILE_TYPE.into());
        m.insert("name".into(), self.name.clone().into());
        if let Some(d) = &self.description {
            m.insert("description".into(), d.clone().into());
        }
        m.insert(
            "columns".into(),
            json!({
                "id": c.id, "seq": opt(&c.seq), "ts": c.ts, "eventType": opt(&c.event_type),
                "actor": opt(&c.actor), "payload": c.payload, "prevHash": c.prev_hash,
                "hash": c.hash, "signer": c.signer, "signature": c.signature,
            }),
        );
        if !self.extra.is_empty() {
            m.insert(
                "extraColumns".into(),
                self.extra
                    .iter()
                    .map(|e| json!({"name": e.name, "hashed": e.hashed}))
                    .collect(),
            );
        }
        m.insert(
            "hash".into(),
            json!({"input": self.hash_input.as_str(), "algorithm": self.hash_alg.name(), "encoding": self.hash_encoding.as_str()}),
        );
        m.insert(
            "signature".into(),
            json!({"signs": self.signs.as_str(), "algorithm": self.sig_alg.map_or("registry", |a| a.name()), "encoding": self.sig_encoding.as_str()}),
        );
        m.insert("genesis".into(), self.genesis.as_str().into());
        m.insert("timestamp".into(), self.timestamp.as_str().into());
        m.insert("order".into(), self.order.as_str().into());
        Value::Object(m)
    }

    /// `sha256:<hex>` of the canonical document: what a verifier state and
    /// a report name the profile by.
    pub fn digest(&self) -> String {
        let bytes = canonical::canonicalize_value(&self.to_value(), &Options::default())
            .unwrap_or_default();
        Digest::of(digest::Algorithm::Sha256, &bytes).to_string()
    }

    /// The profile with another digest algorithm (the `hash_alg` option of
    /// the default profile).
    pub fn with_hash_alg(mut self, alg: digest::Algorithm) -> ChainProfile {
        self.hash_alg = alg;
        self
    }

    /// Whether this is trustcore's own format (the verifier's fastest path).
    pub fn is_trustcore_v1(&self) -> bool {
        self.hash_input == HashInput::TrustcoreV1
            && self.signs == SignedForm::Envelope
            && self.sig_alg.is_none()
            && self.hash_encoding == HashEncoding::Hex
            && self.sig_encoding == SigEncoding::Base64
            && self.genesis == Genesis::Zeros
            && self.timestamp == TimeFormat::Rfc3339
            && self.columns.seq.is_some()
    }

    /// Which roles the hash covers and which the signature covers (through
    /// the hash or directly), for reports: a profile whose hash leaves out
    /// `prev_hash` or `ts` can be re-linked or re-dated without the key.
    pub fn coverage(&self) -> Value {
        let c = &self.columns;
        let mut hashed: Vec<&str> = Vec::new();
        match self.hash_input {
            HashInput::TrustcoreV1 | HashInput::Row => {
                for m in &self.members {
                    let include =
                        !matches!(m.role, Role::Hash | Role::Signature | Role::Extra(false));
                    if include {
                        hashed.push(&m.name);
                    }
                }
            }
            HashInput::Payload => hashed.push(&c.payload),
            HashInput::PrevHashPayload => {
                hashed.push(&c.prev_hash);
                hashed.push(&c.payload);
            }
        }
        crate::sort::sort(&mut hashed);
        let signed: Vec<&str> = match self.signs {
            // Each of these commits to the hash, hence to what it covers.
            SignedForm::HashInput | SignedForm::Digest | SignedForm::DigestText => hashed.clone(),
            SignedForm::Envelope => {
                let mut s = hashed.clone();
                if !s.contains(&c.signer.as_str()) {
                    s.push(&c.signer);
                    crate::sort::sort(&mut s);
                }
                s
            }
        };
        let unsigned: Vec<&str> = self
            .members
            .iter()
            .filter(|m| !matches!(m.role, Role::Hash | Role::Signature))
            .map(|m| m.name.as_str())
            .filter(|n| !signed.contains(n))
            .collect();
        json!({"hashed": hashed, "signed": signed, "unsigned": unsigned})
    }
}
