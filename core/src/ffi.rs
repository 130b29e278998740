//! The binding-facing layer: plain values in, typed results out.
//!
//! Each binding (Node, Python, WASM) calls these functions and only converts
//! types and maps [`crate::Error`] to its language's error (using
//! [`crate::Error::kind`] for the class and [`crate::Error::code`] for the
//! `code` property). Defaults live here, once.

use crate::canonical::{self, ErrorCode, Options, ValueSource, MAX_DEPTH_LIMIT};
use crate::digest::{Algorithm, Digest};
use crate::Error;

/// Library version, shared by the crate and every package.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Why a method of a binding's object (`class`: the name users see, e.g.
/// `ChainVerifier`) cannot run: `finish()` was called on it. Every binding
/// refuses such a call with this message and the code its class documents
/// (`invalid_state`, `invalid_snapshot`). A chain verifier can also be
/// resumed from a saved state.
pub fn finished_message(class: &str) -> String {
    let again = if class == "ChainVerifier" {
        "create or resume another"
    } else {
        "create another"
    };
    format!("this {class} has finished (finish() was called); {again}")
}

/// Why a method of a binding's object (`class`: the name users see, e.g.
/// `ChainVerifier`) cannot run: another call on the same object has not
/// returned. In Python that is another thread calling while the first call
/// works with the GIL released. Every binding refuses such a call with this
/// message and code `invalid_state` of the object's error class, and the
/// object is unchanged by the refused call.
pub fn in_use_message(class: &str) -> String {
    format!(
        "this {class} is in use by a call that has not returned (another thread); \
         call it from one thread at a time, behind a lock when threads share it"
    )
}

/// Why a method of a binding's object cannot run after an internal error
/// (a panic) interrupted a call on it: its state may be half-updated.
pub fn broken_message(class: &str) -> String {
    format!("this {class} cannot be used after an internal error interrupted a call on it; create another")
}

/// Builds options from an optional depth limit (default 128), given as the
/// host's number (a JS number; a Python int converts exactly in the valid
/// range). Anything but an integer in 1..=1024 is `invalid_option`, with the
/// value the caller gave in the message.
pub fn options(max_depth: Option<f64>) -> Result<Options, Error> {
    match max_depth {
        None => Ok(Options::default()),
        Some(d) if d.fract() == 0.0 && (1.0..=MAX_DEPTH_LIMIT as f64).contains(&d) => {
            Ok(Options::default().with_max_depth(d as usize)?)
        }
        Some(d) => Err(canonical::Error::from_host(
            ErrorCode::InvalidOption,
            format!("max_depth (maxDepth in JavaScript) must be an integer between 1 and {MAX_DEPTH_LIMIT}, got {d}"),
        )
        .into()),
    }
}

/// Canonicalization options as a binding hands them over: `{max_depth?}`
/// (`maxDepth` in JavaScript), an integer in 1..=1024 (default 128).
/// `unknown_option` / `invalid_option` otherwise.
pub fn canonicalize_options(
    value: Option<&serde_json::Value>,
    naming: crate::options::Naming,
) -> Result<Options, Error> {
    let mut r = crate::options::Reader::new(value, naming)?;
    let depth = r.uint("max_depth", 1..=MAX_DEPTH_LIMIT as u64)?;
    r.finish()?;
    match depth {
        None => Ok(Options::default()),
        Some(d) => Ok(Options::default().with_max_depth(d as usize)?),
    }
}

/// Options that name only the chain's digest algorithm: `{hash_alg?}`
/// (`hashAlg`), `"sha256"` (default) or `"blake3"`.
pub fn hash_alg_options(
    value: Option<&serde_json::Value>,
    naming: crate::options::Naming,
) -> Result<Algorithm, Error> {
    let mut r = crate::options::Reader::new(value, naming)?;
    let alg = r.choice("hash_alg", &["sha256", "blake3"])?;
    r.finish()?;
    algorithm(alg)
}

/// Parses an optional algorithm name (default `sha256`).
pub fn algorithm(name: Option<&str>) -> Result<Algorithm, Error> {
    match name {
        None => Ok(Algorithm::default()),
        Some(n) => Ok(Algorithm::from_name(n)?),
    }
}

/// JSON text (UTF-8 bytes) to canonical bytes.
pub fn canonicalize_text(text: &[u8], max_depth: Option<f64>) -> Result<Vec<u8>, Error> {
    Ok(canonical::canonicalize_text_with(
        text,
        &options(max_depth)?,
    )?)
}

/// JSON text as UTF-16 code units (a JS string) to canonical bytes; lone
/// surrogates are rejected with the parser's `lone_surrogate` code.
pub fn canonicalize_utf16(text: &[u16], max_depth: Option<f64>) -> Result<Vec<u8>, Error> {
    Ok(canonical::canonicalize_utf16(text, &options(max_depth)?)?)
}

/// A host value to canonical bytes.
pub fn canonicalize_value<S: ValueSource>(
    value: &S,
    max_depth: Option<f64>,
) -> Result<Vec<u8>, Error> {
    Ok(canonical::canonicalize_source(value, &options(max_depth)?)?)
}

/// Digest of raw bytes, as text (`sha256:<hex>`).
pub fn digest(data: &[u8], alg: Option<&str>) -> Result<String, Error> {
    Ok(Digest::of(algorithm(alg)?, data).to_string())
}

/// Digest of text given as UTF-16 code units (a JS or Python string), i.e.
/// of its UTF-8 bytes. A lone surrogate has no UTF-8 form: `lone_surrogate`.
pub fn digest_utf16(text: &[u16], alg: Option<&str>) -> Result<String, Error> {
    let alg = algorithm(alg)?;
    let utf8 = canonical::string_from_utf16(text)?;
    Ok(Digest::of(alg, utf8.as_bytes()).to_string())
}

/// Digest of the canonical form of JSON text.
pub fn canonical_digest_text(
    text: &[u8],
    alg: Option<&str>,
    max_depth: Option<f64>,
) -> Result<String, Error> {
    let alg = algorithm(alg)?;
    let bytes = canonicalize_text(text, max_depth)?;
    Ok(Digest::of(alg, &bytes).to_string())
}

/// Digest of the canonical form of JSON text given as UTF-16.
pub fn canonical_digest_utf16(
    text: &[u16],
    alg: Option<&str>,
    max_depth: Option<f64>,
) -> Result<String, Error> {
    let alg = algorithm(alg)?;
    let bytes = canonicalize_utf16(text, max_depth)?;
    Ok(Digest::of(alg, &bytes).to_string())
}

/// Digest of the canonical form of a host value.
pub fn canonical_digest_value<S: ValueSource>(
    value: &S,
    alg: Option<&str>,
    max_depth: Option<f64>,
) -> Result<String, Error> {
    let alg = algorithm(alg)?;
    let bytes = canonicalize_value(value, max_depth)?;
    Ok(Digest::of(alg, &bytes).to_string())
}

/// A parsed digest, as the bindings return it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedDigest {
    /// `sha256` or `blake3`.
    pub algorithm: &'static str,
    /// 64 lowercase hex digits.
    pub hex: String,
    /// The 32 digest bytes.
    pub bytes: [u8; 32],
}

/// Parses `sha256:<hex>` / `blake3:<hex>`.
pub fn parse_digest(text: &str) -> Result<ParsedDigest, Error> {
    let d: Digest = text.parse()?;
    Ok(ParsedDigest {
        algorithm: d.algorithm().name(),
        hex: d.hex(),
        bytes: *d.as_bytes(),
    })
}

// ---- Signing (keys, envelopes, registry, approvals) ----------------------
//
// The bindings wrap `keys::PublicKey`, `keys::SecretKey`,
// `envelope::Envelope`, `registry::SignerRegistry` and
// `registry::ApprovalSet` one method to one method; the functions below are
// the few conversions they would otherwise each write. Reports come back as
// `serde_json::Value` (the same shape as the reports' `to_json`), which each
// binding turns into a native object.

/// Parses an RFC 3339 UTC timestamp (`at` arguments).
pub fn timestamp(text: &str) -> Result<crate::time::Timestamp, Error> {
    Ok(crate::time::Timestamp::parse(text)?)
}

/// Parses an optional signature algorithm name (default `ed25519`).
pub fn signature_algorithm(name: Option<&str>) -> Result<crate::envelope::Algorithm, Error> {
    match name {
        None => Ok(crate::envelope::Algorithm::Ed25519),
        Some(n) => Ok(crate::envelope::Algorithm::from_name(n)?),
    }
}

/// A new unsigned envelope around a host value (canonicalized with the
/// value rules: JS objects, Python dicts).
pub fn envelope_from_value<S: ValueSource>(
    kind: &str,
    payload: &S,
) -> Result<crate::envelope::Envelope, Error> {
    let bytes = canonicalize_value(payload, None)?;
    crate::envelope::Envelope::new(kind, &bytes)
}

/// A new unsigned envelope around JSON text given as UTF-16 (a JS or Python
/// string), with the text path's `lone_surrogate` check.
pub fn envelope_from_utf16(
    kind: &str,
    payload: &[u16],
) -> Result<crate::envelope::Envelope, Error> {
    let bytes = canonicalize_utf16(payload, None)?;
    crate::envelope::Envelope::new(kind, &bytes)
}

/// The signatures of an envelope as `[{"alg","signer","sig"}]` (sig in
/// standard base64), the same members as the envelope's JSON.
pub fn envelope_signatures(env: &crate::envelope::Envelope) -> serde_json::Value {
    use base64::Engine as _;
    env.signatures()
        .iter()
        .map(|s| {
            serde_json::json!({
                "alg": s.alg.name(),
                "signer": s.signer,
                "sig": base64::engine::general_purpose::STANDARD.encode(s.sig),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_digests_agree_across_encodings_and_reject_lone_surrogates() {
        let units: Vec<u16> = "café ✅".encode_utf16().collect();
        assert_eq!(
            digest_utf16(&units, None).unwrap(),
            digest("café ✅".as_bytes(), None).unwrap()
        );
        assert_eq!(
            digest_utf16(&[0x61, 0xD800], None).unwrap_err().code(),
            "lone_surrogate"
        );
        assert_eq!(
            digest_utf16(&units, Some("md5")).unwrap_err().code(),
            "unknown_algorithm"
        );
    }

    #[test]
    fn max_depth_is_checked_once_with_the_value_given() {
        for bad in [0.0, -1.0, 1.5, 1025.0, f64::NAN] {
            let e = options(Some(bad)).unwrap_err();
            assert_eq!(e.code(), "invalid_option");
            assert!(e.message().ends_with(&format!("got {bad}")), "{e}");
        }
        assert_eq!(options(Some(1024.0)).unwrap().max_depth(), 1024);
    }
}
