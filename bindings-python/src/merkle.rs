//! Merkle trees over the audit chain, proofs and signed checkpoints as
//! Python: `leaf_hash`, `MerkleTree`, `verify_inclusion`,
//! `verify_consistency`, `Frontier`, `Checkpoint`, `VerifierKey`,
//! `open_checkpoint`, `check_against_checkpoint`, `check_extension`.
//!
//! Conversion and error mapping only: every rule is in `trustcore::merkle`.
//! Hashes are 32-byte `bytes`; sizes and indexes are `int`; notes are text
//! (`str` or UTF-8 bytes). Proof generation over large trees runs with the
//! GIL released.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString, PyTuple};
use trustcore::merkle::{self as tm, Hash};

use crate::signing::{bytes_arg, py_repr, to_py, PyPublicKey, PySecretKey};
use crate::{not_text, str_string, str_text, to_py_err, Shared, Str, Text, Uint};

/// Trees at least this large build and prove without the GIL.
const DETACH_LEAVES: u64 = 4096;

pub(crate) fn merkle<T>(py: Python<'_>, r: Result<T, tm::Error>) -> PyResult<T> {
    r.map_err(|e| to_py_err(py, e.into()))
}

/// A 32-byte hash argument (bytes of another length are an argument
/// Python cannot use here: TypeError, as Node's `invalid_argument`).
fn hash_arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Hash> {
    let b = bytes_arg(obj, what)?;
    <Hash>::try_from(b.as_slice()).map_err(|_| {
        PyTypeError::new_err(format!(
            "{what} must be 32 bytes (a SHA-256 hash), not {}",
            b.as_slice().len()
        ))
    })
}

/// A list of 32-byte hashes, read one by one (nothing is allocated from a
/// claimed length; the first bad item fails, with its index).
pub(crate) fn hashes_arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<Hash>> {
    if obj.is_instance_of::<PyString>() || obj.is_instance_of::<PyBytes>() {
        return Err(not_text(what, obj, "a list of 32-byte hashes"));
    }
    let mut out = Vec::new();
    for (i, h) in crate::iter_arg(obj, what, "a list of 32-byte hashes")?.enumerate() {
        out.push(hash_arg(&h?, &format!("{what}[{i}]"))?);
    }
    Ok(out)
}

fn hash_list<'py>(py: Python<'py>, hashes: &[Hash]) -> PyResult<Bound<'py, PyList>> {
    PyList::new(py, hashes.iter().map(|h| PyBytes::new(py, h)))
}

/// Note text: `str` (its UTF-8) or bytes-like (checked by the core). A
/// `str` holding lone surrogates goes in as WTF-8, so the core reports
/// `invalid_utf8` at the same byte offset as for those bytes.
pub(crate) fn note_bytes(obj: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(match str_text(s)? {
            Text::Utf8(b) => b.as_bytes().to_vec(),
            Text::Utf16(units) => trustcore::canonical::wtf8_from_utf16(&units),
        });
    }
    match crate::Bytes::from_py(obj)? {
        Some(b) => Ok(b.as_slice().to_vec()),
        None => Err(not_text("note", obj, "str or bytes")),
    }
}

/// `SHA-256(0x00 || data)`: the leaf hash of `data` (an event's 32-byte
/// hash in the audit chain).
#[pyfunction]
fn leaf_hash<'py>(py: Python<'py>, data: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    let b = bytes_arg(data, "data")?;
    Ok(PyBytes::new(py, &tm::leaf_hash(b.as_slice())))
}

/// Verifies that `leaf_hash` is leaf `index` of the tree of `size` leaves
/// with root `root`; returns True or raises MerkleError
/// (`index_out_of_range`, `invalid_tree_size`, `invalid_proof`,
/// `root_mismatch`).
#[pyfunction]
fn verify_inclusion(
    py: Python<'_>,
    leaf_hash: &Bound<'_, PyAny>,
    index: Uint,
    size: Uint,
    proof: &Bound<'_, PyAny>,
    root: &Bound<'_, PyAny>,
) -> PyResult<bool> {
    let leaf = hash_arg(leaf_hash, "leaf_hash")?;
    let proof = hashes_arg(proof, "proof")?;
    let root = hash_arg(root, "root")?;
    merkle(
        py,
        tm::verify_inclusion(&leaf, index.0, size.0, &proof, &root),
    )
    .map(|()| true)
}

/// Verifies that the tree of `old_size` leaves with `old_root` is a prefix
/// of the tree of `new_size` leaves with `new_root`; returns True or raises
/// MerkleError.
#[pyfunction]
fn verify_consistency(
    py: Python<'_>,
    old_size: Uint,
    new_size: Uint,
    old_root: &Bound<'_, PyAny>,
    new_root: &Bound<'_, PyAny>,
    proof: &Bound<'_, PyAny>,
) -> PyResult<bool> {
    let old_root = hash_arg(old_root, "old_root")?;
    let new_root = hash_arg(new_root, "new_root")?;
    let proof = hashes_arg(proof, "proof")?;
    merkle(
        py,
        tm::verify_consistency(old_size.0, new_size.0, &old_root, &new_root, &proof),
    )
    .map(|()| true)
}

// ---- Tree -------------------------------------------------------------------

/// An RFC 6962 Merkle tree held in memory (every level), from leaf data.
#[pyclass(name = "MerkleTree", module = "trustcore", frozen)]
pub struct PyMerkleTree(Shared<tm::Tree>);

#[pymethods]
impl PyMerkleTree {
    /// A tree over `leaf_data` (a list of bytes, e.g. the chain's 32-byte
    /// event hashes, in chain order).
    #[new]
    #[pyo3(signature = (leaf_data = None))]
    fn new(py: Python<'_>, leaf_data: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let mut data: Vec<Vec<u8>> = Vec::new();
        if let Some(obj) = leaf_data {
            if obj.is_instance_of::<PyString>() || obj.is_instance_of::<PyBytes>() {
                return Err(not_text("leaf_data", obj, "a list of bytes"));
            }
            for (i, d) in crate::iter_arg(obj, "leaf_data", "a list of bytes")?.enumerate() {
                data.push(
                    bytes_arg(&d?, &format!("leaf_data[{i}]"))?
                        .as_slice()
                        .to_vec(),
                );
            }
        }
        let tree = if data.len() as u64 >= DETACH_LEAVES {
            py.detach(|| tm::Tree::from_leaf_data(&data))
        } else {
            tm::Tree::from_leaf_data(&data)
        };
        Ok(PyMerkleTree(Shared::new(tree, "MerkleTree")))
    }

    /// Appends a leaf by its data.
    fn push(&self, py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<()> {
        let b = bytes_arg(data, "data")?;
        self.0.write(py)?.push(b.as_slice());
        Ok(())
    }

    /// The number of leaves.
    #[getter]
    fn size(&self, py: Python<'_>) -> PyResult<u64> {
        Ok(self.0.read(py)?.size())
    }

    /// The leaf hashes, in order.
    fn leaf_hashes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        hash_list(py, self.0.read(py)?.leaf_hashes())
    }

    /// The root of the whole tree (`SHA-256("")` when empty).
    fn root<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        Ok(PyBytes::new(py, &self.0.read(py)?.root()))
    }

    /// The root of the tree of the first `size` leaves.
    fn root_at<'py>(&self, py: Python<'py>, size: Uint) -> PyResult<Bound<'py, PyBytes>> {
        let t = &*self.0.read(py)?;
        let r = merkle(py, py.detach(|| t.root_at(size.0)))?;
        Ok(PyBytes::new(py, &r))
    }

    /// The inclusion proof of leaf `index` in the tree of the first `size`
    /// leaves (a list of 32-byte hashes, RFC 9162 order).
    fn inclusion_proof<'py>(
        &self,
        py: Python<'py>,
        index: Uint,
        size: Uint,
    ) -> PyResult<Bound<'py, PyList>> {
        let t = &*self.0.read(py)?;
        let proof = merkle(py, py.detach(|| t.inclusion_proof(index.0, size.0)))?;
        hash_list(py, &proof)
    }

    /// The consistency proof from the tree of `old_size` leaves to the tree
    /// of `new_size` leaves.
    fn consistency_proof<'py>(
        &self,
        py: Python<'py>,
        old_size: Uint,
        new_size: Uint,
    ) -> PyResult<Bound<'py, PyList>> {
        let t = &*self.0.read(py)?;
        let proof = merkle(
            py,
            py.detach(|| t.consistency_proof(old_size.0, new_size.0)),
        )?;
        hash_list(py, &proof)
    }

    fn __len__(&self, py: Python<'_>) -> PyResult<usize> {
        Ok(self.0.read(py)?.leaf_hashes().len())
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!("MerkleTree(size={})", self.0.read(py)?.size()))
    }
}

// ---- Frontier -------------------------------------------------------------------

/// The right edge of a Merkle tree: its root over a stream of leaves in
/// O(log n) memory (at most 63 hashes).
#[pyclass(name = "Frontier", module = "trustcore")]
#[derive(Clone)]
pub struct PyFrontier(tm::Frontier);

#[pymethods]
impl PyFrontier {
    /// An empty frontier.
    #[new]
    fn new() -> Self {
        PyFrontier(tm::Frontier::new())
    }

    /// Restores a frontier saved from `size` and `hashes()` (MerkleError
    /// `invalid_proof` when the number of hashes does not fit the size).
    #[staticmethod]
    fn from_parts(py: Python<'_>, size: Uint, hashes: &Bound<'_, PyAny>) -> PyResult<Self> {
        let hashes = hashes_arg(hashes, "hashes")?;
        merkle(py, tm::Frontier::from_parts(size.0, &hashes)).map(PyFrontier)
    }

    /// Appends a leaf by its leaf hash (MerkleError `invalid_tree_size`
    /// beyond 2^63 - 1 leaves).
    fn push(&mut self, py: Python<'_>, leaf_hash: &Bound<'_, PyAny>) -> PyResult<()> {
        let h = hash_arg(leaf_hash, "leaf_hash")?;
        merkle(py, self.0.push(h))
    }

    /// Appends a leaf by its data (an event's 32-byte hash).
    fn push_data(&mut self, data: &Bound<'_, PyAny>) -> PyResult<()> {
        let b = bytes_arg(data, "data")?;
        self.0.push_data(b.as_slice());
        Ok(())
    }

    /// The number of leaves.
    #[getter]
    fn size(&self) -> u64 {
        self.0.size()
    }

    /// The root over the leaves pushed so far.
    fn root<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.0.root())
    }

    /// The subtree roots, largest first (save them with `size`).
    fn hashes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        hash_list(py, self.0.hashes())
    }

    fn __copy__(&self) -> Self {
        self.clone()
    }

    fn __deepcopy__(&self, _memo: &Bound<'_, PyAny>) -> Self {
        self.clone()
    }

    fn __repr__(&self) -> String {
        format!("Frontier(size={})", self.0.size())
    }
}

// ---- Verifier keys and checkpoints --------------------------------------------

/// A signed-note verifier key (`<name>+<8 hex key hash>+<base64>`, Go's
/// `vkey`): the key name and the Ed25519 public key it stands for.
#[pyclass(name = "VerifierKey", module = "trustcore", frozen, eq, hash)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PyVerifierKey(tm::VerifierKey);

#[pymethods]
impl PyVerifierKey {
    /// The verifier key of `public_key` under key name `name` (MerkleError
    /// `invalid_key_name`; InvalidKeyError for a weak key).
    #[new]
    fn new(py: Python<'_>, name: Str, public_key: &PyPublicKey) -> PyResult<Self> {
        merkle(py, tm::VerifierKey::new(&name.0, public_key.0)).map(PyVerifierKey)
    }

    /// Parses `<name>+<hash>+<base64>` (MerkleError `invalid_verifier_key`,
    /// `key_hash_mismatch`, `unsupported_key_type`, with `offset`).
    #[staticmethod]
    fn parse(py: Python<'_>, text: Str) -> PyResult<Self> {
        merkle(py, tm::VerifierKey::parse(&text.0)).map(PyVerifierKey)
    }

    /// The key name.
    #[getter]
    fn name(&self) -> &str {
        self.0.name()
    }

    /// The 4-byte key hash as an int.
    #[getter]
    fn key_hash(&self) -> u32 {
        self.0.key_hash()
    }

    /// The Ed25519 public key.
    #[getter]
    fn public_key(&self) -> PyPublicKey {
        PyPublicKey(*self.0.public_key())
    }

    fn __str__(&self) -> String {
        self.0.to_string()
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!("VerifierKey({})", py_repr(py, self.0.to_string()))
    }

    /// Pickles as `VerifierKey.parse(str(key))`.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let ctor = py.get_type::<PyVerifierKey>().getattr("parse")?;
        PyTuple::new(
            py,
            [ctor, PyTuple::new(py, [self.0.to_string()])?.into_any()],
        )
    }
}

/// Verifier keys given as VerifierKey objects or vkey strings.
pub(crate) fn verifier_keys(
    py: Python<'_>,
    obj: &Bound<'_, PyAny>,
) -> PyResult<Vec<tm::VerifierKey>> {
    if obj.is_instance_of::<PyString>() || obj.is_instance_of::<PyVerifierKey>() {
        return Err(not_text(
            "verifier_keys",
            obj,
            "a list of VerifierKey or vkey strings",
        ));
    }
    let mut out = Vec::new();
    for k in crate::iter_arg(
        obj,
        "verifier_keys",
        "a list of VerifierKey or vkey strings",
    )? {
        let k = k?;
        if let Ok(v) = k.cast::<PyVerifierKey>() {
            out.push(v.get().0.clone());
        } else if let Ok(s) = k.cast::<PyString>() {
            out.push(merkle(py, tm::VerifierKey::parse(&str_string(s)?.0))?);
        } else {
            return Err(not_text("verifier key", &k, "VerifierKey or str"));
        }
    }
    Ok(out)
}

/// A C2SP tlog-checkpoint: origin, tree size, root hash (and optional
/// extension lines).
#[pyclass(name = "Checkpoint", module = "trustcore", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyCheckpoint(tm::Checkpoint);

#[pymethods]
impl PyCheckpoint {
    /// A checkpoint of the tree of `size` leaves with root `root` (32
    /// bytes), issued by the log `origin` (MerkleError `invalid_origin`,
    /// `malformed_tree_size`, `malformed_checkpoint` for a bad extension).
    #[new]
    #[pyo3(signature = (origin, size, root, extensions = None))]
    fn new(
        py: Python<'_>,
        origin: Str,
        size: Uint,
        root: &Bound<'_, PyAny>,
        extensions: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let root = hash_arg(root, "root")?;
        let mut cp = merkle(py, tm::Checkpoint::new(&origin.0, size.0, root))?;
        if let Some(lines) = extensions.filter(|e| !e.is_none()) {
            if lines.is_instance_of::<PyString>() || lines.is_instance_of::<PyBytes>() {
                return Err(not_text("extensions", lines, "a list of str"));
            }
            // One by one: nothing is allocated from a claimed length.
            for line in crate::iter_arg(lines, "extensions", "a list of str")? {
                let line: Str = line?.extract()?;
                cp = merkle(py, cp.with_extension(&line.0))?;
            }
        }
        Ok(PyCheckpoint(cp))
    }

    /// Parses a checkpoint body (the text of a note, without signatures).
    /// This does not verify anything: use `open_checkpoint` on signed notes.
    #[staticmethod]
    fn parse(py: Python<'_>, text: Str) -> PyResult<Self> {
        merkle(py, tm::Checkpoint::parse(&text.0)).map(PyCheckpoint)
    }

    /// The origin line (the log's name).
    #[getter]
    fn origin(&self) -> &str {
        self.0.origin()
    }

    /// The tree size.
    #[getter]
    fn size(&self) -> u64 {
        self.0.size()
    }

    /// The root hash (32 bytes).
    #[getter]
    fn root<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.0.root())
    }

    /// The extension lines.
    #[getter]
    fn extensions(&self) -> Vec<String> {
        self.0.extensions().to_vec()
    }

    /// The checkpoint text (each line ending in a newline).
    fn to_text(&self) -> String {
        self.0.to_text()
    }

    /// Signs the checkpoint with local keys, each under its key name
    /// (`[(name, secret_key), ...]`; several during a key rotation);
    /// returns the signed note text.
    fn sign(&self, py: Python<'_>, signers: &Bound<'_, PyAny>) -> PyResult<String> {
        if signers.is_instance_of::<PyString>() || signers.is_instance_of::<PyTuple>() {
            return Err(not_text(
                "signers",
                signers,
                "a list of (name, SecretKey) pairs",
            ));
        }
        let mut pairs: Vec<(String, Py<PySecretKey>)> = Vec::new();
        for item in crate::iter_arg(signers, "signers", "a list of (name, SecretKey) pairs")? {
            let item = item?;
            let (name, key): (Bound<'_, PyAny>, Py<PySecretKey>) =
                item.extract().map_err(|_| {
                    PyTypeError::new_err(format!(
                        "each signer must be a (name: str, secret_key: SecretKey) pair, not {}",
                        crate::type_name(&item)
                    ))
                })?;
            let name: Str = name.extract()?;
            pairs.push((name.0, key));
        }
        let refs: Vec<(&str, &trustcore::keys::SecretKey)> = pairs
            .iter()
            .map(|(n, k)| (n.as_str(), &k.get().0))
            .collect();
        let note = merkle(py, self.0.sign(&refs))?;
        Ok(note.to_text())
    }

    /// Signs through a callable (a KMS, HSM or signing proxy):
    /// `sign_fn(message: bytes) -> bytes` gets exactly the checkpoint text
    /// and returns the 64-byte Ed25519 signature, which must verify under
    /// `verifier_key` before its line is added (else MerkleError
    /// `remote_signature_invalid`). `note` continues an already signed note
    /// of this checkpoint (key rotation; a note of another checkpoint is
    /// MerkleError `prepared_mismatch`); returns the signed note text.
    #[pyo3(signature = (verifier_key, sign_fn, note = None))]
    fn sign_with(
        &self,
        py: Python<'_>,
        verifier_key: &PyVerifierKey,
        sign_fn: &Bound<'_, PyAny>,
        note: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        if !sign_fn.is_callable() {
            return Err(not_text("sign_fn", sign_fn, "callable"));
        }
        let mut n = match note {
            None => merkle(py, self.0.to_note())?,
            Some(text) => merkle(py, self.0.continue_note(&note_bytes(text)?))?,
        };
        let prepared = n.prepare(&verifier_key.0);
        let answer =
            crate::call_remote_signer(sign_fn, prepared.message(), prepared.signer().name())?;
        let sig = crate::signing::signer_answer(&answer)?;
        merkle(py, n.attach(&prepared, sig.as_slice()))?;
        Ok(n.to_text())
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Checkpoint(origin={}, size={})",
            py_repr(py, self.0.origin()),
            self.0.size()
        )
    }
}

/// Opens a signed checkpoint (untrusted `str` or bytes): verifies its
/// signatures against the trusted `verifier_keys` (VerifierKey objects or
/// vkey strings; unknown keys are ignored, a bad signature by a trusted key
/// rejects the note), then parses the body. Returns the core's report
/// `{"checkpoint": {"origin", "size", "root" (hex), "extensions"},
/// "signers": [vkey str], "unknown": [{"name", "key_hash" (8 hex)}]}`;
/// raises MerkleError with `code` and byte `offset`.
#[pyfunction]
fn open_checkpoint<'py>(
    py: Python<'py>,
    note: &Bound<'py, PyAny>,
    verifier_keys: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let msg = note_bytes(note)?;
    let trusted = self::verifier_keys(py, verifier_keys)?;
    let opened = merkle(py, tm::open_checkpoint(&msg, &trusted))?;
    to_py(py, &opened.to_value())
}

/// Compares a chain, summarized by its Frontier, with a checkpoint: the
/// core's `{"status": "consistent" | "truncated" | "root_mismatch" |
/// "needs_proof", "chain_size", "checkpoint_size"}`. Call it when the
/// frontier reaches the checkpoint's size, and again at the end.
#[pyfunction]
fn check_against_checkpoint<'py>(
    py: Python<'py>,
    checkpoint: &PyCheckpoint,
    frontier: &PyFrontier,
) -> PyResult<Bound<'py, PyAny>> {
    let s = tm::check_against_checkpoint(&checkpoint.0, &frontier.0);
    to_py(py, &s.to_value(frontier.0.size(), checkpoint.0.size()))
}

/// Checks a chain of `chain_size` leaves with root `chain_root` against a
/// checkpoint, with a consistency proof from the checkpoint's size; the
/// same result shape as `check_against_checkpoint` (MerkleError
/// `invalid_proof` for a proof of the wrong shape).
#[pyfunction]
fn check_extension<'py>(
    py: Python<'py>,
    checkpoint: &PyCheckpoint,
    chain_size: Uint,
    chain_root: &Bound<'py, PyAny>,
    proof: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let root = hash_arg(chain_root, "chain_root")?;
    let proof = hashes_arg(proof, "proof")?;
    let s = merkle(
        py,
        tm::check_extension(&checkpoint.0, chain_size.0, &root, &proof),
    )?;
    to_py(py, &s.to_value(chain_size.0, checkpoint.0.size()))
}

/// Adds the Merkle classes and functions to the native module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyMerkleTree>()?;
    m.add_class::<PyFrontier>()?;
    m.add_class::<PyVerifierKey>()?;
    m.add_class::<PyCheckpoint>()?;
    m.add_function(wrap_pyfunction!(leaf_hash, m)?)?;
    m.add_function(wrap_pyfunction!(verify_inclusion, m)?)?;
    m.add_function(wrap_pyfunction!(verify_consistency, m)?)?;
    m.add_function(wrap_pyfunction!(open_checkpoint, m)?)?;
    m.add_function(wrap_pyfunction!(check_against_checkpoint, m)?)?;
    m.add_function(wrap_pyfunction!(check_extension, m)?)?;
    Ok(())
}
