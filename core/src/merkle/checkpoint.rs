//! C2SP tlog checkpoints (<https://c2sp.org/tlog-checkpoint>): the signed
//! head of the audit chain's Merkle tree, and the check that a chain was not
//! truncated or rewritten since a checkpoint was signed.

use super::frontier::Frontier;
use super::note::{Note, PreparedNote, Verified, VerifierKey};
use super::proof::verify_consistency;
use super::tree::MAX_TREE_SIZE;
use super::{Error, ErrorCode, Hash};
use crate::keys::SecretKey;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

/// A checkpoint body: origin, tree size, root hash, optional extension lines.
///
/// Text form (each line ends with a newline):
///
/// ```text
/// audit.example/chain/prod
/// 20852163
/// CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    origin: String,
    size: u64,
    root: Hash,
    extensions: Vec<String>,
}

fn check_line(line: &str, what: &str, code: ErrorCode) -> Result<(), Error> {
    if line.is_empty() {
        return Err(Error::new(code, format!("the {what} must not be empty")));
    }
    if let Some(c) = line.chars().find(|c| (*c as u32) < 0x20) {
        return Err(Error::new(
            code,
            format!("the {what} contains control character U+{:04X}", c as u32),
        ));
    }
    Ok(())
}

impl Checkpoint {
    /// A checkpoint for the tree of `size` leaves with root `root`, issued
    /// by the log `origin` (non-empty, one line; a schema-less URL such as
    /// `audit.example/chain/prod` is recommended).
    pub fn new(origin: &str, size: u64, root: Hash) -> Result<Self, Error> {
        check_line(origin, "origin", ErrorCode::InvalidOrigin)?;
        if size > MAX_TREE_SIZE {
            return Err(Error::new(
                ErrorCode::MalformedTreeSize,
                format!("tree size {size} is beyond 2^63 - 1"),
            ));
        }
        check_empty_root(size, &root).map_err(|e| e.shifted(0))?;
        Ok(Checkpoint {
            origin: origin.to_string(),
            size,
            root,
            extensions: Vec::new(),
        })
    }

    /// Adds an extension line (non-empty, no control characters). The spec
    /// does not recommend them: monitors cannot audit them.
    pub fn with_extension(mut self, line: &str) -> Result<Self, Error> {
        check_line(line, "extension line", ErrorCode::MalformedCheckpoint)?;
        self.extensions.push(line.to_string());
        Ok(self)
    }

    /// The origin line.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The tree size.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The root hash.
    pub fn root(&self) -> &Hash {
        &self.root
    }

    /// The extension lines, in order.
    pub fn extensions(&self) -> &[String] {
        &self.extensions
    }

    /// The note text: the lines, each ending in a newline.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            STANDARD.encode(self.root)
        );
        for e in &self.extensions {
            out.push_str(e);
            out.push('\n');
        }
        out
    }

    /// Parses a checkpoint body (the text of a note, untrusted). Offsets
    /// are byte offsets in `text`, at the start of the offending line.
    ///
    /// Rules: at least three lines, each non-empty and ending in a newline;
    /// a size in canonical ASCII decimal (no sign, no leading zero) at most
    /// 2^63 − 1; a root in canonical standard padded base64 of exactly 32
    /// bytes. Control characters other than newline are rejected.
    pub fn parse(text: &str) -> Result<Self, Error> {
        if let Some(p) = text.bytes().position(|b| b < 0x20 && b != b'\n') {
            return Err(Error::at(
                ErrorCode::ControlCharacter,
                p,
                "control character in checkpoint text",
            ));
        }
        let Some(body) = text.strip_suffix('\n') else {
            return Err(Error::at(
                ErrorCode::MalformedCheckpoint,
                text.len(),
                "checkpoint text must end with a newline",
            ));
        };
        let mut lines = Vec::new();
        let mut at = 0;
        for line in body.split('\n') {
            if line.is_empty() {
                return Err(Error::at(
                    ErrorCode::MalformedCheckpoint,
                    at,
                    "checkpoint lines must not be empty",
                ));
            }
            lines.push((at, line));
            at += line.len() + 1;
        }
        let [(_, origin), (size_at, size_text), (root_at, root_text), ext @ ..] = lines.as_slice()
        else {
            return Err(Error::at(
                ErrorCode::MalformedCheckpoint,
                text.len(),
                "a checkpoint has an origin, a tree size and a root hash line",
            ));
        };
        let size = parse_size(size_text).map_err(|e| e.shifted(*size_at))?;
        let root = parse_root(root_text).map_err(|e| e.shifted(*root_at))?;
        check_empty_root(size, &root).map_err(|e| e.shifted(*root_at))?;
        Ok(Checkpoint {
            origin: (*origin).to_string(),
            size,
            root,
            extensions: ext.iter().map(|(_, l)| (*l).to_string()).collect(),
        })
    }

    /// Signs the checkpoint with local keys, each under its key name (e.g.
    /// the old and the new key during a rotation), into a signed note.
    pub fn sign(&self, signers: &[(&str, &SecretKey)]) -> Result<Note, Error> {
        let mut note = Note::new(&self.to_text())?;
        for (name, key) in signers {
            note.sign(name, key)?;
        }
        Ok(note)
    }

    /// An unsigned note over this checkpoint, for [`Note::prepare`] /
    /// [`Note::attach`] with remote signers.
    pub fn to_note(&self) -> Result<Note, Error> {
        Note::new(&self.to_text())
    }

    /// A note of this checkpoint already signed by other keys (untrusted
    /// bytes), to add more signatures to (a rotation: the old key signed,
    /// the new one signs too). `prepared_mismatch` when the note is of
    /// another checkpoint: a signature added to it would not be this one's.
    pub fn continue_note(&self, note: &[u8]) -> Result<Note, Error> {
        let n = Note::parse(note)?;
        if n.text() != self.to_text() {
            return Err(Error::new(
                ErrorCode::PreparedMismatch,
                "the note signs another checkpoint than this one (origin, size or root differ)",
            ));
        }
        Ok(n)
    }

    /// Prepares the bytes a remote signer must sign for `signer` (the note
    /// text); attach the answer with [`Note::attach`] on [`Self::to_note`].
    pub fn prepare(&self, signer: &VerifierKey) -> Result<PreparedNote, Error> {
        Ok(self.to_note()?.prepare(signer))
    }
}

/// A tree of size 0 has one root, `SHA-256("")`: any other would let a
/// checkpoint of nothing carry a root that checks nothing.
fn check_empty_root(size: u64, root: &Hash) -> Result<(), Error> {
    if size == 0 && *root != super::empty_root() {
        return Err(Error::at(
            ErrorCode::InvalidRootHash,
            0,
            "a checkpoint of size 0 has the empty tree's root, SHA-256(\"\") (47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=)",
        ));
    }
    Ok(())
}

fn parse_size(text: &str) -> Result<u64, Error> {
    let bad = |m: &str| Error::at(ErrorCode::MalformedTreeSize, 0, m.to_string());
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad("the tree size must be ASCII decimal digits"));
    }
    if text.len() > 1 && text.starts_with('0') {
        return Err(bad("the tree size must not have leading zeros"));
    }
    match text.parse::<u64>() {
        Ok(n) if n <= MAX_TREE_SIZE => Ok(n),
        _ => Err(bad("the tree size must be at most 2^63 - 1")),
    }
}

fn parse_root(text: &str) -> Result<Hash, Error> {
    let raw = STANDARD.decode(text).map_err(|e| {
        Error::at(
            ErrorCode::InvalidRootHash,
            0,
            format!("the root hash is not canonical standard padded base64: {e}"),
        )
    })?;
    raw.as_slice().try_into().map_err(|_| {
        Error::at(
            ErrorCode::InvalidRootHash,
            0,
            format!("the root hash must be 32 bytes, got {}", raw.len()),
        )
    })
}

/// A checkpoint whose note verified against a trusted key set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenedCheckpoint {
    /// The checkpoint body.
    pub checkpoint: Checkpoint,
    /// Which trusted keys signed it, and which unknown keys did.
    pub verified: Verified,
    /// The note as parsed.
    pub note: Note,
}

impl Checkpoint {
    /// `{"origin","size","root":"<64 hex>","extensions":[…]}`.
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::json!({
            "origin": self.origin,
            "size": self.size,
            "root": hex::encode(self.root),
            "extensions": self.extensions,
        })
    }
}

impl OpenedCheckpoint {
    /// The checkpoint, the trusted keys that signed it (their verifier key
    /// text) and the signatures by unknown keys (`{name, key_hash}` with the
    /// key hash as 8 hex digits): `{"checkpoint":{…},"signers":[…],"unknown":[…]}`.
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::json!({
            "checkpoint": self.checkpoint.to_value(),
            "signers": self.verified.signers.iter().map(|k| k.to_string()).collect::<Vec<_>>(),
            "unknown": self.verified.unknown.iter().map(|u| serde_json::json!({
                "name": u.name(),
                "key_hash": format!("{:08x}", u.key_hash()),
            })).collect::<Vec<_>>(),
        })
    }

    /// [`Self::to_value`] with members spelled for a host (`keyHash`).
    pub fn to_value_named(&self, naming: crate::options::Naming) -> serde_json::Value {
        naming.rename(self.to_value(), &[])
    }
}

impl ChainStatus {
    /// `consistent`, `truncated`, `root_mismatch` or `needs_proof`.
    pub fn as_str(&self) -> &'static str {
        match self {
            ChainStatus::Consistent => "consistent",
            ChainStatus::Truncated { .. } => "truncated",
            ChainStatus::RootMismatch => "root_mismatch",
            ChainStatus::NeedsProof { .. } => "needs_proof",
        }
    }

    /// `{"status", "chain_size", "checkpoint_size"}` for a chain of
    /// `chain_size` leaves against a checkpoint of `checkpoint_size`.
    pub fn to_value(&self, chain_size: u64, checkpoint_size: u64) -> serde_json::Value {
        serde_json::json!({
            "status": self.as_str(),
            "chain_size": chain_size,
            "checkpoint_size": checkpoint_size,
        })
    }
}

/// Parses a signed checkpoint (untrusted bytes), verifies its signatures
/// against `trusted` ([`Note::verify`]: unknown keys ignored, a bad
/// signature by a trusted key rejects the whole note) and parses the body.
/// The body is parsed only after a trusted signature verified, as the spec
/// requires (text must be ignored unless signed); parse errors in the body
/// have offsets in the whole note.
pub fn open_checkpoint(msg: &[u8], trusted: &[VerifierKey]) -> Result<OpenedCheckpoint, Error> {
    let note = Note::parse(msg)?;
    let verified = note.verify(trusted)?;
    let checkpoint = Checkpoint::parse(note.text())?;
    Ok(OpenedCheckpoint {
        checkpoint,
        verified,
        note,
    })
}

/// How a chain stands against a signed checkpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChainStatus {
    /// The chain's first `checkpoint_size` leaves have the checkpoint's root.
    Consistent,
    /// The chain has fewer leaves than the checkpoint: events were removed
    /// from its tail (or it was cut short).
    Truncated {
        /// Leaves in the chain.
        chain_size: u64,
        /// Leaves the checkpoint commits to.
        checkpoint_size: u64,
    },
    /// The chain's first `checkpoint_size` leaves have another root: the
    /// chain was rewritten (or forked) after the checkpoint.
    RootMismatch,
    /// The chain is longer than the checkpoint and only its current root is
    /// known: supply a consistency proof ([`check_extension`]) or keep the
    /// frontier root at the checkpoint's size while streaming.
    NeedsProof {
        /// Leaves in the chain.
        chain_size: u64,
        /// Leaves the checkpoint commits to.
        checkpoint_size: u64,
    },
}

/// Compares a chain, summarized by its [`Frontier`], with a checkpoint.
///
/// * chain shorter than the checkpoint → [`ChainStatus::Truncated`];
/// * same size → [`ChainStatus::Consistent`] or [`ChainStatus::RootMismatch`];
/// * longer → [`ChainStatus::NeedsProof`].
///
/// A streaming verifier gets an exact answer in O(log n) memory by calling
/// this when its frontier reaches the checkpoint's size (and once more at the
/// end, to catch truncation below it). An empty checkpoint (size 0) is
/// consistent with any chain whose checkpoint root is the empty root.
pub fn check_against_checkpoint(checkpoint: &Checkpoint, chain: &Frontier) -> ChainStatus {
    let (m, n) = (chain.size(), checkpoint.size());
    if m < n {
        ChainStatus::Truncated {
            chain_size: m,
            checkpoint_size: n,
        }
    } else if n == 0 {
        if checkpoint.root() == &super::empty_root() {
            ChainStatus::Consistent
        } else {
            ChainStatus::RootMismatch
        }
    } else if m == n {
        if &chain.root() == checkpoint.root() {
            ChainStatus::Consistent
        } else {
            ChainStatus::RootMismatch
        }
    } else {
        ChainStatus::NeedsProof {
            chain_size: m,
            checkpoint_size: n,
        }
    }
}

/// Checks a chain of `chain_size` leaves with root `chain_root` against a
/// checkpoint with a consistency proof from the checkpoint's size to
/// `chain_size` (ignored when the sizes are equal or the checkpoint is
/// empty). Returns [`ChainStatus::Truncated`] for a shorter chain,
/// [`ChainStatus::Consistent`] when the proof verifies, and
/// [`ChainStatus::RootMismatch`] when it verifies to other roots; a proof of
/// the wrong shape is an error ([`ErrorCode::InvalidProof`]).
pub fn check_extension(
    checkpoint: &Checkpoint,
    chain_size: u64,
    chain_root: &Hash,
    proof: &[Hash],
) -> Result<ChainStatus, Error> {
    let n = checkpoint.size();
    if chain_size < n {
        return Ok(ChainStatus::Truncated {
            chain_size,
            checkpoint_size: n,
        });
    }
    if n == 0 {
        return Ok(if checkpoint.root() == &super::empty_root() {
            ChainStatus::Consistent
        } else {
            ChainStatus::RootMismatch
        });
    }
    match verify_consistency(n, chain_size, checkpoint.root(), chain_root, proof) {
        Ok(()) => Ok(ChainStatus::Consistent),
        Err(e) if e.code() == ErrorCode::RootMismatch => Ok(ChainStatus::RootMismatch),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::super::Tree;
    use super::*;

    #[test]
    fn text_round_trip_and_errors() {
        let cp = Checkpoint::new("audit.example/log", 7, [3; 32])
            .unwrap()
            .with_extension("x-ext")
            .unwrap();
        assert_eq!(Checkpoint::parse(&cp.to_text()).unwrap(), cp);
        let code = |t: &str| {
            let e = Checkpoint::parse(t).unwrap_err();
            (e.code().as_str(), e.offset())
        };
        let root = STANDARD.encode([3u8; 32]);
        assert_eq!(
            code(&format!("o\n07\n{root}\n")),
            ("malformed_tree_size", Some(2))
        );
        assert_eq!(
            code(&format!("o\n-1\n{root}\n")),
            ("malformed_tree_size", Some(2))
        );
        assert_eq!(
            code(&format!("o\n9223372036854775808\n{root}\n")).0,
            "malformed_tree_size"
        );
        assert_eq!(code("o\n1\nAAAA\n"), ("invalid_root_hash", Some(4)));
        assert_eq!(
            code(&format!("o\n1\n{root}\n\n")),
            ("malformed_checkpoint", Some(49))
        );
        assert_eq!(code("o\n1\n"), ("malformed_checkpoint", Some(4)));
        assert_eq!(
            code(&format!("o\n1\n{root}")),
            ("malformed_checkpoint", Some(48))
        );
    }

    #[test]
    fn a_rotation_continues_only_a_note_of_the_same_checkpoint() {
        let (old, new) = (
            SecretKey::from_seed(&[1; 32]),
            SecretKey::from_seed(&[2; 32]),
        );
        let cp = Checkpoint::new("audit.example/log", 7, [3; 32]).unwrap();
        let signed = cp.sign(&[("audit.example/log", &old)]).unwrap().to_text();
        let vnew = VerifierKey::new("audit.example/log", new.public_key()).unwrap();
        let mut n = cp.continue_note(signed.as_bytes()).unwrap();
        let prepared = n.prepare(&vnew);
        n.attach(&prepared, &crate::sign::sign(&new, prepared.message()))
            .unwrap();
        let both = cp
            .sign(&[("audit.example/log", &old), ("audit.example/log", &new)])
            .unwrap();
        assert_eq!(n.to_text(), both.to_text());
        let other = Checkpoint::new("audit.example/log", 8, [3; 32])
            .unwrap()
            .sign(&[("audit.example/log", &old)])
            .unwrap()
            .to_text();
        let e = cp.continue_note(other.as_bytes()).unwrap_err();
        assert_eq!(e.code().as_str(), "prepared_mismatch");
        let e = cp.continue_note(b"not a note").unwrap_err();
        assert_eq!(e.code().as_str(), "missing_signature_block");
    }

    #[test]
    fn truncation_detection() {
        let mut t = Tree::new();
        let mut f = Frontier::new();
        for i in 0u8..10 {
            t.push(&[i; 32]);
            f.push_data(&[i; 32]);
        }
        let cp = Checkpoint::new("o", 6, t.root_at(6).unwrap()).unwrap();
        assert!(matches!(
            check_against_checkpoint(&cp, &f),
            ChainStatus::NeedsProof { .. }
        ));
        let proof = t.consistency_proof(6, 10).unwrap();
        assert_eq!(
            check_extension(&cp, 10, &t.root(), &proof).unwrap(),
            ChainStatus::Consistent
        );
        assert_eq!(
            check_extension(&cp, 10, &[0; 32], &proof).unwrap(),
            ChainStatus::RootMismatch
        );
        let mut short = Frontier::new();
        for i in 0u8..5 {
            short.push_data(&[i; 32]);
        }
        assert_eq!(
            check_against_checkpoint(&cp, &short),
            ChainStatus::Truncated {
                chain_size: 5,
                checkpoint_size: 6
            }
        );
        short.push_data(&[5; 32]);
        assert_eq!(
            check_against_checkpoint(&cp, &short),
            ChainStatus::Consistent
        );
        let mut forged = Frontier::new();
        for i in 0u8..6 {
            forged.push_data(&[i + 1; 32]);
        }
        assert_eq!(
            check_against_checkpoint(&cp, &forged),
            ChainStatus::RootMismatch
        );
    }
}

#[cfg(test)]
mod empty_tree_tests {
    use super::*;

    #[test]
    fn a_checkpoint_of_nothing_has_the_empty_root() {
        assert!(Checkpoint::new("o", 0, super::super::empty_root()).is_ok());
        let e = Checkpoint::new("o", 0, [7; 32]).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidRootHash);
        let text = format!(
            "o\n0\n{}\n",
            base64::engine::general_purpose::STANDARD.encode([7u8; 32])
        );
        assert_eq!(
            Checkpoint::parse(&text).unwrap_err().code(),
            ErrorCode::InvalidRootHash
        );
    }
}
