//! The verifier's options, with their bounds, defined once for Rust and for
//! every binding ([`VerifyOptions::from_value`]).

use super::event::{Head, TreeHead};
use crate::digest;
use crate::options::{Naming, Reader};
use crate::profile::ChainProfile;
use serde_json::Value;
use std::sync::Arc;

/// Default of [`VerifyOptions::max_breaks`].
pub const DEFAULT_MAX_BREAKS: usize = 1000;
/// Upper bound of [`VerifyOptions::max_breaks`].
pub const MAX_BREAKS_LIMIT: u64 = 1_000_000;
/// Default of [`VerifyOptions::max_row_bytes`] (1 MiB).
pub const DEFAULT_MAX_ROW_BYTES: usize = 1 << 20;
/// Upper bound of [`VerifyOptions::max_row_bytes`] (2 GiB, so it fits a
/// 32-bit `usize` in WASM).
pub const MAX_ROW_BYTES_LIMIT: u64 = 1 << 31;
/// Upper bound of [`VerifyOptions::threads`].
pub const MAX_THREADS: u64 = 1024;

/// How a [`ChainVerifier`](super::ChainVerifier) runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyOptions {
    /// The chain's digest algorithm (default SHA-256).
    pub hash_alg: digest::Algorithm,
    /// Stop at the first break (default: collect all).
    pub stop_at_first: bool,
    /// Keep every id to detect duplicates (default true; 16 bytes per
    /// event). Off, memory is constant.
    pub track_ids: bool,
    /// A trusted head: the row that brings the chain to `seq` must have
    /// this `hash`, whatever comes after (`head_mismatch` if not, also when
    /// the chain passes that seq without stopping at it), and the chain must
    /// reach it (`truncated`).
    pub expected_head: Option<Head>,
    /// A signed checkpoint's tree head: the RFC 6962 root of the first
    /// `size` event hashes must be this root (`checkpoint_mismatch`), and the
    /// chain must reach that size (`truncated`).
    pub checkpoint: Option<TreeHead>,
    /// The longest row accepted, in bytes (default 1 MiB). A longer one is a
    /// `malformed_row` break, and its bytes are skipped up to the next
    /// newline without being buffered: a stream without newlines cannot
    /// make the verifier hold it in memory.
    pub max_row_bytes: usize,
    /// Breaks kept with their messages (default 1,000; every break is still
    /// counted, per reason): memory stays flat on any input, however broken.
    pub max_breaks: usize,
    /// Threads for signature checks: `None` = every core. Only the
    /// `parallel` feature uses more than one; the verdict never depends on
    /// it.
    pub threads: Option<usize>,
    /// How the table's rows are linked, hashed and signed
    /// (`docs/chain-profiles.md`); `None`: trustcore/v1 with `hash_alg`.
    /// A given profile carries its own digest algorithm.
    pub profile: Option<Arc<ChainProfile>>,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            hash_alg: digest::Algorithm::Sha256,
            stop_at_first: false,
            track_ids: true,
            expected_head: None,
            checkpoint: None,
            max_row_bytes: DEFAULT_MAX_ROW_BYTES,
            max_breaks: DEFAULT_MAX_BREAKS,
            threads: None,
            profile: None,
        }
    }
}

/// Reads `hash_alg` and `profile` (a built-in name or a profile document):
/// a profile brings its own digest, and a `hash_alg` given beside it must be
/// that one. The same rule for the verifier's and the writer's options.
pub(super) fn read_digest_and_profile(
    r: &mut Reader<'_>,
    hash_alg: &mut digest::Algorithm,
) -> Result<Option<Arc<ChainProfile>>, crate::Error> {
    let alg = r.choice("hash_alg", &["sha256", "blake3"])?;
    if let Some(alg) = alg {
        *hash_alg = digest::Algorithm::from_name(alg)?;
    }
    let Some(p) = r.value("profile") else {
        return Ok(None);
    };
    let profile = ChainProfile::from_name_or_value(p)?;
    if alg.is_some() && *hash_alg != profile.hash_alg {
        return Err(r
            .invalid(
                "hash_alg",
                &format!(
                    "the profile's own digest ({}), or left out",
                    profile.hash_alg.name()
                ),
                &Value::from(hash_alg.name()),
            )
            .into());
    }
    *hash_alg = profile.hash_alg;
    Ok(Some(Arc::new(profile)))
}

impl VerifyOptions {
    /// The profile rows are read under (trustcore/v1 with `hash_alg` when
    /// none is given).
    pub fn profile(&self) -> Arc<ChainProfile> {
        match &self.profile {
            Some(p) => Arc::clone(p),
            None => Arc::new(ChainProfile::trustcore_v1().with_hash_alg(self.hash_alg)),
        }
    }

    /// Reads options as a binding hands them over (`None`: the defaults):
    /// `hash_alg` (`"sha256"` | `"blake3"`), `stop_at_first`, `track_ids`
    /// (booleans), `expected_head` (`{hash, seq, ts?}`), `checkpoint`
    /// (`{size, root}`), `max_row_bytes` (1..=2^31), `max_breaks`
    /// (0..=1,000,000), `threads` (1..=1024), spelled as `naming` says.
    /// Unknown keys are `unknown_option`, bad values `invalid_option`
    /// (`invalid_state` for a malformed head or tree head).
    pub fn from_value(value: Option<&Value>, naming: Naming) -> Result<Self, crate::Error> {
        let mut r = Reader::new(value, naming)?;
        let mut out = VerifyOptions::default();
        out.read(&mut r)?;
        r.finish()?;
        Ok(out)
    }

    /// Reads these options' keys from `r` (for calls whose options are a
    /// superset of these), leaving unknown keys to the caller's `finish`.
    pub fn read(&mut self, r: &mut Reader<'_>) -> Result<(), crate::Error> {
        if let Some(p) = read_digest_and_profile(r, &mut self.hash_alg)? {
            self.profile = Some(p);
        }
        if let Some(b) = r.bool("stop_at_first")? {
            self.stop_at_first = b;
        }
        if let Some(b) = r.bool("track_ids")? {
            self.track_ids = b;
        }
        if let Some(h) = r.value("expected_head") {
            self.expected_head = Some(Head::from_value(h)?);
        }
        if let Some(c) = r.value("checkpoint") {
            self.checkpoint = Some(TreeHead::from_value(c)?);
        }
        if let Some(n) = r.uint("max_row_bytes", 1..=MAX_ROW_BYTES_LIMIT)? {
            self.max_row_bytes = usize::try_from(n).unwrap_or(usize::MAX);
        }
        if let Some(n) = r.uint("max_breaks", 0..=MAX_BREAKS_LIMIT)? {
            self.max_breaks = usize::try_from(n).unwrap_or(usize::MAX);
        }
        if let Some(n) = r.uint("threads", 1..=MAX_THREADS)? {
            self.threads = Some(usize::try_from(n).unwrap_or(1));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn one_definition_of_names_bounds_and_codes() {
        let js = json!({"stopAtFirst": true, "maxBreaks": 5, "hashAlg": "blake3", "threads": 2});
        let o = VerifyOptions::from_value(Some(&js), Naming::Camel).unwrap();
        assert!(o.stop_at_first);
        assert_eq!((o.max_breaks, o.threads), (5, Some(2)));
        assert_eq!(o.hash_alg, digest::Algorithm::Blake3);
        let code = |v: Value, n: Naming| VerifyOptions::from_value(Some(&v), n).unwrap_err().code();
        assert_eq!(
            code(
                json!({"expected_head": {"hash": "00", "seq": 0}}),
                Naming::Camel
            ),
            "unknown_option"
        );
        assert_eq!(
            code(json!({"stopAtFirst": true}), Naming::Snake),
            "unknown_option"
        );
        assert_eq!(code(json!({"threads": 0}), Naming::Snake), "invalid_option");
        assert_eq!(
            code(json!({"threads": 1025}), Naming::Snake),
            "invalid_option"
        );
        assert_eq!(
            code(json!({"max_row_bytes": 0}), Naming::Snake),
            "invalid_option"
        );
        assert_eq!(
            code(json!({"max_row_bytes": (1u64 << 31) + 1}), Naming::Snake),
            "invalid_option"
        );
        assert_eq!(
            code(json!({"hash_alg": "md5"}), Naming::Snake),
            "invalid_option"
        );
        assert_eq!(
            code(json!({"expected_head": 7}), Naming::Snake),
            "invalid_state"
        );
        assert_eq!(code(json!([]), Naming::Snake), "invalid_option");
    }
}
