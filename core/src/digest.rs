//! Named digests: a digest always carries its algorithm.
//!
//! The text form is `sha256:<64 lowercase hex>` or `blake3:<64 lowercase
//! hex>`. SHA-256 is the default (KMS digest signing, existing stores, Go's
//! standard library); BLAKE3 is offered for large content. Bare hex is
//! accepted only through [`Digest::from_bare_hex`], for seed formats that
//! store bare hex in a column whose algorithm is declared elsewhere.
//!
//! ```
//! use trustcore::digest::{Algorithm, Digest};
//! let d = Digest::of(Algorithm::Sha256, b"abc");
//! assert_eq!(d.to_string(), "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
//! assert_eq!("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad".parse::<Digest>().unwrap(), d);
//! assert_eq!("SHA256:00".parse::<Digest>().unwrap_err().code().as_str(), "unknown_algorithm");
//! ```

use crate::canonical::{self, Options};
use sha2::Digest as _;
use std::fmt;
use std::str::FromStr;

/// A digest algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Algorithm {
    /// SHA-256 (FIPS 180-4). The default.
    #[default]
    Sha256,
    /// BLAKE3 with 32-byte output.
    Blake3,
}

impl Algorithm {
    /// The name used in the text form.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Sha256 => "sha256",
            Algorithm::Blake3 => "blake3",
        }
    }

    /// Parses an algorithm name (`sha256` or `blake3`, lowercase).
    pub fn from_name(name: &str) -> Result<Self, Error> {
        match name {
            "sha256" => Ok(Algorithm::Sha256),
            "blake3" => Ok(Algorithm::Blake3),
            other => Err(Error::new(
                ErrorCode::UnknownAlgorithm,
                format!("unknown digest algorithm {other:?}; use \"sha256\" or \"blake3\""),
                None,
            )),
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Algorithm {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Algorithm::from_name(s)
    }
}

stable_codes! {
    /// Stable error codes of the digest module.
    pub enum ErrorCode {
        /// The algorithm name is not `sha256` or `blake3`.
        UnknownAlgorithm = "unknown_algorithm",
        /// The text is not `<alg>:<64 lowercase hex>`.
        MalformedDigest = "malformed_digest",
    }
}

/// A digest error with its code, message and (when parsing) offset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    code: ErrorCode,
    message: String,
    offset: Option<usize>,
}

impl Error {
    fn new(code: ErrorCode, message: String, offset: Option<usize>) -> Self {
        Error {
            code,
            message: crate::text::bounded(message),
            offset,
        }
    }
    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }
    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
    /// Character offset in the parsed text, when parsing.
    pub fn offset(&self) -> Option<usize> {
        self.offset
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(o) = self.offset {
            write!(f, " at character {o}")?;
        }
        write!(f, " [{}]", self.code)
    }
}

impl std::error::Error for Error {}

/// A 32-byte digest with its algorithm.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Digest {
    algorithm: Algorithm,
    bytes: [u8; 32],
}

impl Digest {
    /// Digests `data`.
    pub fn of(algorithm: Algorithm, data: &[u8]) -> Self {
        let bytes: [u8; 32] = match algorithm {
            Algorithm::Sha256 => sha2::Sha256::digest(data).into(),
            Algorithm::Blake3 => *blake3::hash(data).as_bytes(),
        };
        Digest { algorithm, bytes }
    }

    /// Builds a digest from its parts.
    pub fn from_bytes(algorithm: Algorithm, bytes: [u8; 32]) -> Self {
        Digest { algorithm, bytes }
    }

    /// Parses bare lowercase hex for a column whose algorithm is declared
    /// elsewhere (e.g. an audit chain's `prev_hash`).
    pub fn from_bare_hex(algorithm: Algorithm, hex_text: &str) -> Result<Self, Error> {
        Ok(Digest {
            algorithm,
            bytes: parse_hex32(hex_text, 0)?,
        })
    }

    /// The algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The raw digest bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.bytes
    }

    /// The `<algorithm>:<hex>` text (what `to_string` gives), written into
    /// a string of its exact size.
    pub fn to_text(&self) -> String {
        let name = self.algorithm.name();
        let mut s = String::with_capacity(name.len() + 65);
        s.push_str(name);
        s.push(':');
        s.push_str(std::str::from_utf8(&self.hex_bytes()).unwrap_or_default());
        s
    }

    /// The digest in lowercase hex, on the stack (digests are written by the
    /// thousand: a redaction record has one per redacted value).
    fn hex_bytes(&self) -> [u8; 64] {
        let mut hex = [0u8; 64];
        hex_into(&self.bytes, &mut hex);
        hex
    }

    /// Lowercase hex without the algorithm prefix.
    pub fn hex(&self) -> String {
        hex_lower(&self.bytes)
    }
}

/// Each byte's two lowercase hex digits.
static HEX_PAIRS: [[u8; 2]; 256] = {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut t = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = [DIGITS[i >> 4], DIGITS[i & 15]];
        i += 1;
    }
    t
};

/// Writes `bytes` as lowercase hex into the first `2 * bytes.len()` bytes
/// of `out`.
fn hex_into(bytes: &[u8], out: &mut [u8]) {
    for (pair, &b) in out.chunks_exact_mut(2).zip(bytes) {
        pair.copy_from_slice(&HEX_PAIRS[usize::from(b)]);
    }
}

/// Lowercase hex, without `hex::encode`'s per-character iterator (it shows
/// in profiles where many digests are written).
pub(crate) fn hex_lower(bytes: &[u8]) -> String {
    let mut out = vec![0u8; bytes.len() * 2];
    hex_into(bytes, &mut out);
    // Only ASCII digits and letters were written.
    String::from_utf8(out).unwrap_or_default()
}

/// A digest computed over bytes fed in pieces (a snapshot batch, a large
/// file): the same result as [`Digest::of`] over their concatenation.
#[derive(Clone, Debug)]
pub struct Hasher {
    inner: HasherInner,
}

#[derive(Clone, Debug)]
enum HasherInner {
    Sha256(sha2::Sha256),
    /// BLAKE3 hashes many 1 KiB chunks at once with SIMD, but only when it
    /// is given that many at once: small updates (a snapshot's lines) are
    /// gathered first.
    Blake3(Box<blake3::Hasher>, Vec<u8>),
}

/// Bytes gathered before a BLAKE3 update (16 chunks: AVX-512's width).
const BLAKE3_BATCH: usize = 16 << 10;

impl Hasher {
    /// A hasher for `algorithm`.
    pub fn new(algorithm: Algorithm) -> Self {
        Hasher {
            inner: match algorithm {
                Algorithm::Sha256 => HasherInner::Sha256(sha2::Sha256::new()),
                Algorithm::Blake3 => {
                    HasherInner::Blake3(Box::new(blake3::Hasher::new()), Vec::new())
                }
            },
        }
    }

    /// Feeds bytes.
    pub fn update(&mut self, data: &[u8]) {
        match &mut self.inner {
            HasherInner::Sha256(h) => h.update(data),
            HasherInner::Blake3(h, pending) => {
                if pending.len() + data.len() < BLAKE3_BATCH {
                    if pending.capacity() == 0 {
                        pending.reserve_exact(BLAKE3_BATCH);
                    }
                    pending.extend_from_slice(data);
                } else {
                    h.update(pending);
                    pending.clear();
                    h.update(data);
                }
            }
        }
    }

    /// The digest of everything fed.
    pub fn finish(self) -> Digest {
        match self.inner {
            HasherInner::Sha256(h) => Digest {
                algorithm: Algorithm::Sha256,
                bytes: h.finalize().into(),
            },
            HasherInner::Blake3(mut h, pending) => Digest {
                algorithm: Algorithm::Blake3,
                bytes: *h.update(&pending).finalize().as_bytes(),
            },
        }
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.algorithm.name())?;
        f.write_str(":")?;
        f.write_str(std::str::from_utf8(&self.hex_bytes()).unwrap_or_default())
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({self})")
    }
}

impl FromStr for Digest {
    type Err = Error;

    /// Parses `sha256:<hex>` / `blake3:<hex>`; hex must be 64 lowercase digits.
    fn from_str(s: &str) -> Result<Self, Error> {
        let Some((alg, hex_text)) = s.split_once(':') else {
            return Err(Error::new(
                ErrorCode::MalformedDigest,
                "a digest is written <algorithm>:<64 lowercase hex>, e.g. sha256:ab12…; no ':' found".into(),
                Some(0),
            ));
        };
        let algorithm = Algorithm::from_name(alg).map_err(|mut e| {
            e.offset = Some(0);
            e
        })?;
        Ok(Digest {
            algorithm,
            bytes: parse_hex32(hex_text, alg.len() + 1)?,
        })
    }
}

fn parse_hex32(text: &str, base: usize) -> Result<[u8; 32], Error> {
    if let Some(i) = text
        .bytes()
        .position(|b| !matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return Err(Error::new(
            ErrorCode::MalformedDigest,
            format!(
                "digest hex must be lowercase 0-9a-f; found {:?}",
                text[i..].chars().next().unwrap_or('?')
            ),
            Some(base + i),
        ));
    }
    if text.len() != 64 {
        return Err(Error::new(
            ErrorCode::MalformedDigest,
            format!(
                "digest hex must be 64 characters (32 bytes), found {}",
                text.len()
            ),
            Some(base),
        ));
    }
    let mut out = [0u8; 32];
    hex::decode_to_slice(text, &mut out).map_err(|e| {
        Error::new(
            ErrorCode::MalformedDigest,
            format!("invalid hex: {e}"),
            Some(base),
        )
    })?;
    Ok(out)
}

/// Digest of the canonical form of JSON text.
pub fn canonical_digest(
    algorithm: Algorithm,
    json_text: &[u8],
    options: &Options,
) -> Result<Digest, canonical::Error> {
    let bytes = canonical::canonicalize_text_with(json_text, options)?;
    Ok(Digest::of(algorithm, &bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        // Bytes fed in any pieces give the digest of the whole.
        #[test]
        fn streamed_pieces_give_the_digest_of_the_whole(data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..70_000), cuts in proptest::collection::vec(0usize..70_000, 0..12)) {
            for alg in [Algorithm::Sha256, Algorithm::Blake3] {
                let mut points: Vec<usize> = cuts.iter().map(|c| c % (data.len() + 1)).collect();
                points.push(0);
                points.push(data.len());
                points.sort_unstable();
                let mut h = Hasher::new(alg);
                for w in points.windows(2) {
                    h.update(&data[w[0]..w[1]]);
                }
                proptest::prop_assert_eq!(h.finish(), Digest::of(alg, &data));
            }
        }
    }

    #[test]
    fn known_answers() {
        assert_eq!(
            Digest::of(Algorithm::Sha256, b"").to_string(),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            Digest::of(Algorithm::Blake3, b"").to_string(),
            "blake3:af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"
        );
    }

    #[test]
    fn parse_errors_have_codes_and_offsets() {
        let e = "md5:00".parse::<Digest>().unwrap_err();
        assert_eq!(e.code(), ErrorCode::UnknownAlgorithm);
        let e = format!("sha256:{}", "A".repeat(64))
            .parse::<Digest>()
            .unwrap_err();
        assert_eq!(
            (e.code(), e.offset()),
            (ErrorCode::MalformedDigest, Some(7))
        );
        let e = "sha256:abcd".parse::<Digest>().unwrap_err();
        assert_eq!(e.code(), ErrorCode::MalformedDigest);
        let e = "nocolon".parse::<Digest>().unwrap_err();
        assert_eq!(e.code(), ErrorCode::MalformedDigest);
    }
}
