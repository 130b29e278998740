//! Merkle trees over the audit chain, inclusion and consistency proofs, and
//! signed checkpoints.
//!
//! # Tree hashing (RFC 6962 §2.1 / RFC 9162 §2.1)
//!
//! The leaves are the audit chain's event hashes, in chain order: leaf
//! *data* is the 32-byte event hash, and
//!
//! * leaf hash = `SHA-256(0x00 || data)` ([`leaf_hash`]),
//! * node hash = `SHA-256(0x01 || left || right)` ([`node_hash`]),
//! * the root of `n > 1` leaves hashes the left subtree of the largest power
//!   of two `k < n` leaves with the right subtree of the rest; the root of
//!   one leaf is its leaf hash, of none `SHA-256("")` ([`empty_root`]).
//!
//! This is exactly what Go's `golang.org/x/mod/sumdb/tlog` computes
//! (`RecordHash`, `NodeHash`, `TreeHash`), so Go verifies our proofs.
//!
//! # What it guarantees
//!
//! * Proof generation ([`prove_inclusion`], [`prove_consistency`], or the
//!   in-memory [`Tree`]) reads hashes through a [`HashSource`], so the core
//!   does no IO. Generated proofs always verify.
//! * Verification ([`verify_inclusion`], [`verify_consistency`]) rejects a
//!   proof with the wrong number of hashes, an index at or beyond the size,
//!   and impossible sizes with distinct error codes before hashing, and
//!   never panics. It gives Go `tlog.CheckRecord` / `tlog.CheckTree`'s
//!   verdict on every input (shared vectors in `test-vectors/merkle.json`).
//! * [`Frontier`] computes the root of a stream of leaves in O(log n)
//!   memory (at most 63 hashes, no heap).
//! * Checkpoints ([`Checkpoint`]) and signed notes ([`Note`]) are written
//!   in the C2SP `tlog-checkpoint` and `signed-note` formats with Ed25519
//!   keys, byte for byte what Go's `sumdb/note` verifies; parsing them is
//!   strict (size limit, UTF-8, no control characters, canonical base64 and
//!   decimal) with a stable code and a byte offset for every error.
//! * Verification of a note takes a set of trusted [`VerifierKey`]s and
//!   reports which of them signed (key rotation: the old and the new key
//!   both sign); it follows Go's `note.Open` rule by rule (see
//!   [`Note::verify`]).
//! * Remote signers get exactly the note text ([`Note::prepare`]); their
//!   answer is verified before it is attached ([`Note::attach`]): fail
//!   closed, as for envelopes.
//! * Tail truncation and rewrites are detectable against a signed
//!   checkpoint ([`check_against_checkpoint`], [`check_extension`]).
//!
//! Format, procedures and examples: `docs/merkle.md`.
//!
//! ```
//! use trustcore::keys::SecretKey;
//! use trustcore::merkle::{self, Checkpoint, Frontier, Tree, VerifierKey};
//!
//! // Four audit events (their 32-byte hashes) make a tree.
//! let events: Vec<[u8; 32]> = (0u8..4).map(|i| [i; 32]).collect();
//! let tree = Tree::from_leaf_data(&events);
//!
//! // A browser verifies event 2 against the root.
//! let proof = tree.inclusion_proof(2, 4)?;
//! merkle::verify_inclusion(&merkle::leaf_hash(&events[2]), 2, 4, &proof, &tree.root())?;
//!
//! // The log signs a checkpoint; an auditor opens it with the trusted key.
//! let key = SecretKey::from_seed(&[1; 32]);
//! let note = Checkpoint::new("audit.example/prod", 4, tree.root())?
//!     .sign(&[("audit.example/prod", &key)])?;
//! let trusted = VerifierKey::new("audit.example/prod", key.public_key())?;
//! let opened = merkle::open_checkpoint(note.to_text().as_bytes(), &[trusted])?;
//!
//! // A streaming verifier checks the chain against it in O(log n) memory.
//! let mut f = Frontier::new();
//! events.iter().for_each(|e| f.push_data(e));
//! assert_eq!(
//!     merkle::check_against_checkpoint(&opened.checkpoint, &f),
//!     merkle::ChainStatus::Consistent
//! );
//! # Ok::<(), trustcore::merkle::Error>(())
//! ```
//!
//! # Binding surface (planned)
//!
//! Bindings pass hashes as 32-byte buffers (or lowercase hex where a host
//! has no byte type), notes and checkpoints as UTF-8 text, sizes as
//! integers (JavaScript: `bigint` or a safe integer ≤ 2^53 − 1), and get
//! `MerkleError` with `code` / `offset` on failure:
//!
//! | function | in | out |
//! |---|---|---|
//! | `merkleLeafHash(data)` | bytes | 32 bytes |
//! | `merkleRoot(leafData[])` | array of 32-byte event hashes | 32 bytes |
//! | `merkleInclusionProof(leafData[], index, size)` | | array of 32 bytes |
//! | `merkleConsistencyProof(leafData[], oldSize, newSize)` | | array of 32 bytes |
//! | `merkleVerifyInclusion(leafHash, index, size, proof[], root)` | | `true` or error |
//! | `merkleVerifyConsistency(oldSize, newSize, oldRoot, newRoot, proof[])` | | `true` or error |
//! | `new Frontier()` / `.push(leafHash)` / `.size` / `.root()` / `.hashes()` / `Frontier.fromParts(size, hashes[])` | | |
//! | `checkpointText(origin, size, root, extensions[])` | | note text |
//! | `checkpointSign(text, [{name, secretKey}])` | | signed note text |
//! | `checkpointPrepare(text, vkey)` | | bytes to sign |
//! | `checkpointAttach(signedOrUnsignedNote, vkey, signature)` | | signed note text, or `remote_signature_invalid` |
//! | `checkpointOpen(noteText, vkeys[])` | | `{origin, size, root, extensions, signers: [vkey], unknown: [{name, keyHash}]}` |
//! | `verifierKey(name, publicKey)` / `parseVerifierKey(vkey)` | | vkey text / `{name, keyHash, publicKey}` |
//! | `checkAgainstCheckpoint(checkpointJson, frontier)` | | `{status: "consistent" \| "truncated" \| "root_mismatch" \| "needs_proof", chainSize, checkpointSize}` |

mod checkpoint;
mod error;
mod frontier;
mod note;
mod proof;
mod range;
mod tree;

/// A 32-byte SHA-256 hash: a leaf hash, node hash or root.
pub type Hash = [u8; 32];

pub use checkpoint::{
    check_against_checkpoint, check_extension, open_checkpoint, ChainStatus, Checkpoint,
    OpenedCheckpoint,
};
pub use error::{Error, ErrorCode};
pub use frontier::Frontier;
pub use note::{
    is_valid_key_name, key_hash, Note, NoteSignature, PreparedNote, Verified, VerifierKey,
    ED25519_KEY_TYPE, MAX_NOTE_BYTES, MAX_SIGNATURES,
};
pub use proof::{
    consistency_proof_len, inclusion_proof_len, root_from_inclusion, verify_consistency,
    verify_inclusion,
};
pub use range::CompactRange;
pub use tree::{
    empty_root, leaf_hash, node_hash, prove_consistency, prove_inclusion, root, HashSource,
    LeafHashes, Tree, LEAF_PREFIX, MAX_TREE_SIZE, NODE_PREFIX,
};
