//! The policy-set model: policies, their conditions and targets, and the
//! loaded set (loading is `load.rs`, the vocabulary `vocab.rs`).

use super::glob::Glob;
use super::pointer::Pointer;
use super::rbac::RbacTable;
use super::record::RecordStatic;
use super::vocab::{Effect, Mode, Severity, State};
use super::{Error, ErrorCode};
use crate::canonical::cmp_utf16;
use serde_json::Value;
use std::cmp::Ordering;
use std::sync::Arc;

/// A comparison or test operator.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    Contains,
    Subset,
    Exists,
    StartsWith,
    EndsWith,
    Glob(Glob),
    HasRole,
    HasAnyRole,
}

impl Op {
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Op::Eq => "eq",
            Op::Ne => "ne",
            Op::Lt => "lt",
            Op::Le => "le",
            Op::Gt => "gt",
            Op::Ge => "ge",
            Op::In => "in",
            Op::Contains => "contains",
            Op::Subset => "subset",
            Op::Exists => "exists",
            Op::StartsWith => "startsWith",
            Op::EndsWith => "endsWith",
            Op::Glob(_) => "glob",
            Op::HasRole => "hasRole",
            Op::HasAnyRole => "hasAnyRole",
        }
    }
}

/// The right-hand side of a leaf.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Operand {
    None,
    Value(Value),
    Ref(Pointer),
}

/// A condition node. `at` is its JSON Pointer inside the policy
/// (e.g. `/condition/all/1`), used in the evaluation path.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Node {
    All { at: String, items: Vec<Node> },
    Any { at: String, items: Vec<Node> },
    Not { at: String, item: Box<Node> },
    Leaf(Leaf),
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Leaf {
    pub(crate) at: String,
    pub(crate) op: Op,
    pub(crate) path: Option<Pointer>,
    pub(crate) operand: Operand,
    /// Canonical JSON of the `value` literal (empty without one): equality
    /// with a request value is equality of canonical bytes.
    pub(crate) canon: Vec<u8>,
    /// Canonical JSON of each element of an array literal (`in`, `subset`,
    /// `hasAnyRole`), or of the one role of `hasRole`.
    pub(crate) canon_items: Vec<Vec<u8>>,
}

/// Which requests a policy applies to.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Target {
    pub(crate) actions: Option<Vec<Glob>>,
    pub(crate) resources: Option<Vec<Glob>>,
}

/// Canary share of a policy.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Canary {
    pub(crate) key: Pointer,
    pub(crate) basis_points: u32,
}

/// One validated policy.
#[derive(Clone, Debug)]
pub struct Policy {
    pub(crate) id: String,
    pub(crate) version: u64,
    pub(crate) state: State,
    pub(crate) mode: Mode,
    pub(crate) severity: Severity,
    pub(crate) target: Target,
    pub(crate) condition: Option<Node>,
    pub(crate) effect: Effect,
    pub(crate) rationale: String,
    pub(crate) canary: Option<Canary>,
    /// SHA-256 of the canonical JSON of the policy object.
    pub(crate) digest: String,
    /// The policy object as written (for explanations).
    pub(crate) source: Value,
    /// Index in the document's `policies` array.
    pub(crate) index: usize,
    /// Canonical JSON of each `requireRoles` role.
    pub(crate) require_canon: Vec<Vec<u8>>,
    /// The record bytes fixed by this policy.
    pub(crate) record: RecordStatic,
}

impl Policy {
    /// The policy id.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// The version.
    pub fn version(&self) -> u64 {
        self.version
    }
    /// The lifecycle state.
    pub fn state(&self) -> State {
        self.state
    }
    /// The declared mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }
    /// The severity.
    pub fn severity(&self) -> Severity {
        self.severity
    }
    /// The effect.
    pub fn effect(&self) -> &Effect {
        &self.effect
    }
    /// The rationale text.
    pub fn rationale(&self) -> &str {
        &self.rationale
    }
    /// `sha256:<hex>` of the canonical JSON of the policy object.
    pub fn digest(&self) -> &str {
        &self.digest
    }
    /// The policy object as written.
    pub fn source(&self) -> &Value {
        &self.source
    }
}

/// Where the evaluator finds the action, resource and roles in a request.
#[derive(Clone, Debug)]
pub(crate) struct RequestFields {
    pub(crate) action: Pointer,
    pub(crate) resource: Pointer,
    pub(crate) roles: Pointer,
}

/// A validated policy set.
#[derive(Clone, Debug)]
pub struct PolicySet {
    /// Policies sorted by id (UTF-16 order) then version: the record order.
    pub(crate) policies: Vec<Policy>,
    pub(crate) rbac: Option<RbacTable>,
    pub(crate) default_allow: bool,
    pub(crate) fields: RequestFields,
    pub(crate) digest: String,
    /// `digest`, shared by the decisions.
    pub(crate) shared_digest: Arc<str>,
    /// Where the RBAC record goes among the policies' records (the number
    /// of policies whose id sorts before the table's).
    pub(crate) rbac_pos: usize,
    pub(crate) canonical: Vec<u8>,
}

impl PolicySet {
    /// `sha256:<hex>` of the canonical JSON of the whole document.
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// The canonical JSON text of the document.
    pub fn to_json(&self) -> String {
        String::from_utf8_lossy(&self.canonical).into_owned()
    }

    /// The policies, sorted by id (UTF-16 code units) then version.
    pub fn policies(&self) -> &[Policy] {
        &self.policies
    }

    /// The policy with this id and version.
    pub fn policy(&self, id: &str, version: u64) -> Option<&Policy> {
        self.policies
            .iter()
            .find(|p| p.id == id && p.version == version)
    }

    /// Checks that `candidate` is a valid update of `self`:
    ///
    /// * a policy (`id@version`) present in both may change state only as
    ///   [`State::may_become`] allows (`invalid_transition`), and nothing in
    ///   it but `state`, `mode` and `canary` may change (`modified_version`);
    /// * a new `id@version` must start as `draft` or `test`
    ///   (`invalid_transition`);
    /// * a policy may be removed only from `draft` or `deprecated`
    ///   (`invalid_transition`, path `/policies` of the candidate).
    ///
    /// Paths point into the candidate document.
    pub fn check_update(&self, candidate: &PolicySet) -> Result<(), Error> {
        let mut cand: Vec<&Policy> = candidate.policies.iter().collect();
        crate::sort::sort_by_key(&mut cand, |p| p.index);
        for p in cand {
            let at = format!("/policies/{}", p.index);
            match self.policy(&p.id, p.version) {
                Some(old) => {
                    if !old.state.may_become(p.state) {
                        return Err(Error::new(
                            ErrorCode::InvalidTransition,
                            format!(
                                "policy {}@{} cannot move from {} to {}; allowed: draft→test→canary→active, one step back from test or canary, any state→deprecated",
                                p.id, p.version, old.state.as_str(), p.state.as_str()
                            ),
                            Some(format!("{at}/state")),
                        ));
                    }
                    if lifecycle_free(&old.source) != lifecycle_free(&p.source) {
                        return Err(Error::new(
                            ErrorCode::ModifiedVersion,
                            format!(
                                "policy {}@{} changed beyond state, mode and canary; publish the change as a new version",
                                p.id, p.version
                            ),
                            Some(at),
                        ));
                    }
                }
                None => {
                    if !matches!(p.state, State::Draft | State::Test) {
                        return Err(Error::new(
                            ErrorCode::InvalidTransition,
                            format!(
                                "new policy {}@{} must start as draft or test, not {}",
                                p.id,
                                p.version,
                                p.state.as_str()
                            ),
                            Some(format!("{at}/state")),
                        ));
                    }
                }
            }
        }
        let mut old: Vec<&Policy> = self.policies.iter().collect();
        crate::sort::sort_by_key(&mut old, |p| p.index);
        for p in old {
            if candidate.policy(&p.id, p.version).is_none()
                && !matches!(p.state, State::Draft | State::Deprecated)
            {
                return Err(Error::new(
                    ErrorCode::InvalidTransition,
                    format!(
                        "policy {}@{} is {} and cannot be removed; deprecate it first",
                        p.id,
                        p.version,
                        p.state.as_str()
                    ),
                    Some("/policies".into()),
                ));
            }
        }
        Ok(())
    }
}

/// The order of records: policy id by UTF-16 code units, then version.
pub(crate) fn record_order(a_id: &str, a_v: u64, b_id: &str, b_v: u64) -> Ordering {
    cmp_utf16(a_id, b_id).then(a_v.cmp(&b_v))
}

fn lifecycle_free(source: &Value) -> Value {
    let mut v = source.clone();
    if let Value::Object(m) = &mut v {
        m.remove("state");
        m.remove("mode");
        m.remove("canary");
    }
    v
}

#[cfg(test)]
mod tests {
    use super::super::doc::Doc;
    use super::*;
    use crate::canonical::{self, Options};

    #[test]
    fn pointers() {
        let doc: Value = serde_json::json!({"a": {"b/c": [10, 20], "~": 1, "": 2}});
        let r = |p: &str| Pointer::parse(p).unwrap().resolve_value(&doc).cloned();
        let bytes = canonical::canonicalize_value(&doc, &Options::default()).unwrap();
        let index = Doc::new(&bytes).unwrap();
        for p in [
            "/a/b~1c/1",
            "/a/~0",
            "/a/",
            "/a/b~1c/01",
            "/a/b~1c/-",
            "/a/b~1c/2",
            "",
            "/a/b~1c",
            "/a/b~1c/0/x",
        ] {
            let on_index = Pointer::parse(p).unwrap().resolve(index.root());
            let on_value = r(p);
            assert_eq!(
                on_index.map(|v| v.raw().to_owned()),
                on_value.map(|v| String::from_utf8(
                    canonical::canonicalize_value(&v, &Options::default()).unwrap()
                )
                .unwrap()),
                "{p}"
            );
        }
        assert_eq!(r("/a/b~1c/1"), Some(serde_json::json!(20)));
        assert_eq!(r("/a/~0"), Some(serde_json::json!(1)));
        assert_eq!(r("/a/"), Some(serde_json::json!(2)));
        assert_eq!(r("/a/b~1c/01"), None);
        assert_eq!(r("/a/b~1c/-"), None);
        assert_eq!(r("/a/b~1c/2"), None);
        assert_eq!(r(""), Some(doc.clone()));
        assert!(Pointer::parse("a").is_err());
        assert!(Pointer::parse("/a~2").is_err());
        assert!(Pointer::parse("/a~").is_err());
    }

    #[test]
    fn transitions() {
        use State::*;
        assert!(Draft.may_become(Test));
        assert!(Canary.may_become(Active));
        assert!(Active.may_become(Deprecated));
        assert!(!Draft.may_become(Active));
        assert!(!Active.may_become(Canary));
        assert!(!Deprecated.may_become(Active));
        assert!(!Test.may_become(Active));
    }
}
