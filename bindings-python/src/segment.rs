//! Segments (`trustcore::chain::segment`, docs/segments.md) as Python
//! classes: verify a contiguous part of a log anywhere (`SegmentVerifier`
//! → `Segment`), find repeated ids from buckets of ids (`duplicates`), and
//! stitch the parts in log order into exactly the one-pass report
//! (`Stitcher`, `stitch`). `trustcore.dask` runs the protocol on a Dask
//! cluster.
//!
//! Summaries, requests and answers cross process boundaries as JSON
//! **text** (a tampered row's `seq` may pass 2^53); id buckets as bytes.
//! Verifying (feeding, `finish`), answering and stitching run with the GIL
//! released. A `Segment` pickles as its `to_bytes()`.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyTuple};
use serde_json::Value;
use trustcore::chain as tc;
use trustcore::chain::segment as seg;
use trustcore::options::Naming;
use trustcore::ErrorKind;

use crate::signing::{bytes_arg, core, raise, to_py, PySignerRegistry};
use crate::{iter_arg, not_text, Guarded, Str, Uint};

fn verify_options(
    py: Python<'_>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<tc::VerifyOptions> {
    let v = crate::profile_args::chain_options(options)?;
    raise(py, tc::VerifyOptions::from_value(v.as_ref(), Naming::Snake))
}

/// A document given as JSON text (`str` or bytes), parsed (ChainError
/// `invalid_state` when it is not JSON).
fn doc_value(py: Python<'_>, obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Value> {
    let bytes: Vec<u8> = if let Ok(s) = obj.extract::<Str>() {
        s.0.into_bytes()
    } else {
        match crate::Bytes::from_py(obj)? {
            Some(b) => b.as_slice().to_vec(),
            None => return Err(not_text(what, obj, "str (JSON text) or bytes")),
        }
    };
    serde_json::from_slice(&bytes).map_err(|e| {
        crate::misuse_err(
            py,
            ErrorKind::Chain,
            tc::ErrorCode::InvalidState.as_str(),
            &format!("{what} is not JSON text: {e}"),
        )
    })
}

/// A JSONL chunk: bytes-like as is, `str` as UTF-8 (WTF-8 when it holds
/// lone surrogates, which the core then reports as a `malformed_row`).
fn jsonl_arg(obj: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(s) = obj.cast::<pyo3::types::PyString>() {
        return Ok(match crate::str_text(s)? {
            crate::Text::Utf8(b) => b.as_bytes().to_vec(),
            crate::Text::Utf16(units) => trustcore::canonical::wtf8_from_utf16(&units),
        });
    }
    match crate::Bytes::from_py(obj)? {
        Some(b) => Ok(b.as_slice().to_vec()),
        None => Err(not_text(
            "chunk",
            obj,
            "bytes, bytearray, memoryview or str",
        )),
    }
}

/// Verifies one segment of a log: rows of a file, a byte range of one
/// (`for_bytes`), or rows of a table.
#[pyclass(name = "SegmentVerifier", module = "trustcore", frozen)]
pub struct PySegmentVerifier(Guarded<Option<seg::SegmentVerifier>>);

impl PySegmentVerifier {
    fn wrap(v: seg::SegmentVerifier) -> Self {
        PySegmentVerifier(Guarded::new(
            Some(v),
            "SegmentVerifier",
            ErrorKind::Chain,
            tc::ErrorCode::InvalidState.as_str(),
        ))
    }
}

#[pymethods]
impl PySegmentVerifier {
    /// A verifier of one segment, with the whole log's options (those of
    /// ChainVerifier; the trusted head, the checkpoint and `stop_at_first`
    /// take effect in the stitch).
    #[new]
    #[pyo3(signature = (registry, **options))]
    fn new(
        py: Python<'_>,
        registry: &PySignerRegistry,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let o = verify_options(py, options)?;
        Ok(PySegmentVerifier::wrap(seg::SegmentVerifier::new(
            registry.0.clone(),
            o,
        )))
    }

    /// A verifier of the byte range `[start, end)` of a JSONL file: it owns
    /// the lines that start in the range. Feed it the file's bytes from
    /// offset `max(start - 1, 0)` with `push_bytes` until `needs_more` is
    /// False or the file ends (`split_bytes` makes such ranges).
    #[staticmethod]
    #[pyo3(signature = (registry, start, end, **options))]
    fn for_bytes(
        py: Python<'_>,
        registry: &PySignerRegistry,
        start: Uint,
        end: Uint,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let o = verify_options(py, options)?;
        Ok(PySegmentVerifier::wrap(seg::SegmentVerifier::for_bytes(
            registry.0.clone(),
            o,
            start.0,
            end.0,
        )))
    }

    /// False once a byte-range segment has all its lines (always True for
    /// other segments until `finish`).
    #[getter]
    fn needs_more(&self, py: Python<'_>) -> PyResult<bool> {
        let state = self.0.read(py)?;
        Ok(self.0.open_ref(py, &state)?.needs_more())
    }

    /// Rows fed so far.
    #[getter]
    fn rows_fed(&self, py: Python<'_>) -> PyResult<u64> {
        let state = self.0.read(py)?;
        Ok(self.0.open_ref(py, &state)?.rows_fed())
    }

    /// Feeds JSONL bytes (lines may span chunks), without the GIL.
    fn push_bytes(&self, py: Python<'_>, chunk: &Bound<'_, PyAny>) -> PyResult<()> {
        let mut state = self.0.write(py)?;
        let v = self.0.open(py, &mut state)?;
        if let Ok(b) = chunk.cast::<PyBytes>() {
            let data = b.as_bytes();
            py.detach(|| v.push_bytes(data));
            return Ok(());
        }
        let data = jsonl_arg(chunk)?;
        py.detach(|| v.push_bytes(&data));
        Ok(())
    }

    /// Feeds one row: its text (`str` or bytes) or a row dict.
    fn push_row(&self, py: Python<'_>, row: &Bound<'_, PyAny>) -> PyResult<()> {
        let mut state = self.0.write(py)?;
        let v = self.0.open(py, &mut state)?;
        if let Ok(b) = row.cast::<PyBytes>() {
            let data = b.as_bytes();
            py.detach(|| v.push_row(data));
            return Ok(());
        }
        let data = crate::chain::row_bytes(row, "row")?;
        py.detach(|| v.push_row(&data));
        Ok(())
    }

    /// Feeds many rows (texts, bytes or row dicts) in one call: the rows
    /// are read with the GIL, verified without it.
    fn push_rows(&self, py: Python<'_>, rows: &Bound<'_, PyAny>) -> PyResult<()> {
        let mut state = self.0.write(py)?;
        let v = self.0.open(py, &mut state)?;
        let mut data = Vec::new();
        for (i, r) in iter_arg(rows, "rows", "a list of rows")?.enumerate() {
            data.push(crate::chain::row_bytes(&r?, &format!("rows[{i}]"))?);
        }
        py.detach(|| data.iter().for_each(|d| v.push_row(d)));
        Ok(())
    }

    /// Feeds rows as a PostgreSQL table returned them (`SelectPlan`'s
    /// text; numbers get JSON's spelling back, see `trustcore::sql::table_row`).
    fn push_table_rows(&self, py: Python<'_>, rows: &Bound<'_, PyAny>) -> PyResult<()> {
        let mut state = self.0.write(py)?;
        let v = self.0.open(py, &mut state)?;
        let mut data = Vec::new();
        for (i, r) in iter_arg(rows, "rows", "a list of str")?.enumerate() {
            data.push(crate::chain::row_bytes(&r?, &format!("rows[{i}]"))?);
        }
        py.detach(|| {
            data.iter()
                .for_each(|d| v.push_row(&trustcore::sql::table_row(d)))
        });
        Ok(())
    }

    /// Ends the segment (the verifier cannot be used afterwards).
    fn finish(&self, py: Python<'_>) -> PyResult<PySegment> {
        let v = self.0.take(py)?;
        Ok(PySegment(py.detach(|| v.finish())))
    }

    fn __repr__(&self) -> String {
        self.0.repr(|v| match v {
            Some(v) => format!("SegmentVerifier(rows_fed={})", v.rows_fed()),
            None => "SegmentVerifier(finished)".to_owned(),
        })
    }
}

/// A verified segment: its summary, and what it keeps (about 110 bytes a
/// row) to answer the stitch.
#[pyclass(name = "Segment", module = "trustcore", frozen)]
pub struct PySegment(pub(crate) seg::Segment);

#[pymethods]
impl PySegment {
    /// The summary to ship to the stitch (`trustcore.chain-segment/v1`) as
    /// JSON text.
    fn summary(&self) -> String {
        self.0.summary().to_value().to_string()
    }

    /// Rows read.
    #[getter]
    fn rows(&self) -> u64 {
        self.0.summary().rows
    }

    /// Its ids cut into `buckets` buckets by id (28-byte entries tagged
    /// with `segment`, this segment's index in the log): bucket `b` of
    /// every segment goes to one place, where `duplicates` finds the
    /// repeated ids.
    fn id_buckets<'py>(
        &self,
        py: Python<'py>,
        segment: Uint,
        buckets: Uint,
    ) -> PyResult<Bound<'py, PyList>> {
        let segment = u32::try_from(segment.0).map_err(|_| {
            crate::misuse_err(
                py,
                ErrorKind::Chain,
                tc::ErrorCode::InvalidState.as_str(),
                "a segment index is below 2^32",
            )
        })?;
        // The core's bound, refused before anything is allocated (TypeError,
        // as Node's and WASM's invalid_argument).
        if let Some(m) = seg::count_problem("buckets", buckets.0, seg::MAX_BUCKETS as u64) {
            return Err(PyTypeError::new_err(m));
        }
        let n = buckets.usize();
        let out = py.detach(|| self.0.id_buckets(segment, n));
        PyList::new(py, out.iter().map(|b| PyBytes::new(py, b)))
    }

    /// Answers the stitch's request (JSON text) with JSON text.
    fn answer(&self, py: Python<'_>, request: &Bound<'_, PyAny>) -> PyResult<String> {
        let v = doc_value(py, request, "request")?;
        let req = core(py, seg::SegmentRequest::from_value(&v))?;
        let a = py.detach(|| self.0.answer(&req));
        Ok(core(py, a)?.to_value().to_string())
    }

    /// The segment as bytes (to move or spill it); `Segment.from_bytes`
    /// reads them back.
    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        let b = py.detach(|| self.0.to_bytes());
        PyBytes::new(py, &b)
    }

    /// Reads `to_bytes()` (ChainError `invalid_state` for bytes that are
    /// not a whole, consistent segment).
    #[staticmethod]
    fn from_bytes(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Self> {
        let b = bytes_arg(data, "data")?;
        let s = b.with(py, seg::Segment::from_bytes);
        core(py, s).map(PySegment)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let from = py.get_type::<PySegment>().getattr("from_bytes")?;
        let bytes = slf.get().to_bytes(py);
        (from, (bytes,)).into_pyobject(py)
    }

    fn __repr__(&self) -> String {
        let s = self.0.summary();
        format!(
            "Segment(rows={}, leaves={}, breaks={})",
            s.rows,
            s.leaves,
            s.break_counts.values().sum::<u64>()
        )
    }
}

fn pairs_arg(obj: &Bound<'_, PyAny>) -> PyResult<Vec<(u32, u64)>> {
    let mut out = Vec::new();
    for item in iter_arg(obj, "duplicates", "a list of (segment, row) pairs of int")? {
        let item = item?;
        let (s, r): (Uint, Uint) = item
            .extract()
            .map_err(|_| not_text("duplicates item", &item, "a (segment, row) pair of int"))?;
        out.push((u32::try_from(s.0).unwrap_or(u32::MAX), r.0));
    }
    Ok(out)
}

/// The repeated ids in buckets of entries (`Segment.id_buckets`; bytes
/// each): every occurrence after an id's first in log order, as sorted
/// (segment, row) pairs.
#[pyfunction]
fn duplicates(py: Python<'_>, buckets: &Bound<'_, PyAny>) -> PyResult<Vec<(u32, u64)>> {
    let mut data: Vec<Vec<u8>> = Vec::new();
    for b in iter_arg(buckets, "buckets", "a list of bytes")? {
        let b = b?;
        data.push(bytes_arg(&b, "bucket")?.as_slice().to_vec());
    }
    let r = py.detach(|| seg::duplicates(data.iter().map(Vec::as_slice)));
    core(py, r)
}

/// Plans the stitch of summaries (JSON texts, in log order) with the
/// repeated ids found across them, under the whole log's options;
/// `requests()` says what each segment must answer, `finish(answers)`
/// gives the report of one pass.
#[pyclass(name = "Stitcher", module = "trustcore", frozen)]
pub struct PyStitcher(seg::Stitcher);

#[pymethods]
impl PyStitcher {
    #[new]
    #[pyo3(signature = (summaries, duplicates, **options))]
    fn new(
        py: Python<'_>,
        summaries: &Bound<'_, PyAny>,
        duplicates: &Bound<'_, PyAny>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let o = verify_options(py, options)?;
        let mut sums = Vec::new();
        for (i, s) in iter_arg(summaries, "summaries", "a list of JSON texts")?.enumerate() {
            let v = doc_value(py, &s?, &format!("summaries[{i}]"))?;
            sums.push(core(py, seg::SegmentSummary::from_value(&v))?);
        }
        let dups = pairs_arg(duplicates)?;
        let st = py.detach(|| seg::Stitcher::new(sums, &dups, o));
        core(py, st).map(PyStitcher)
    }

    /// The requests (JSON texts), one per segment that must answer (a
    /// `request`'s `segment` member names it).
    fn requests(&self) -> Vec<String> {
        self.0
            .requests()
            .iter()
            .map(|r| r.to_value().to_string())
            .collect()
    }

    /// The segments that must answer, in the order of `requests()`.
    fn segments(&self) -> Vec<u32> {
        self.0.requests().iter().map(|r| r.segment).collect()
    }

    /// The report of one pass from the answers (JSON texts, any order).
    fn finish<'py>(
        &self,
        py: Python<'py>,
        answers: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut list = Vec::new();
        for (i, a) in iter_arg(answers, "answers", "a list of JSON texts")?.enumerate() {
            let v = doc_value(py, &a?, &format!("answers[{i}]"))?;
            list.push(core(py, seg::SegmentAnswer::from_value(&v))?);
        }
        let r = py.detach(|| self.0.finish(&list).map(|r| r.to_value()));
        to_py(py, &core(py, r)?)
    }

    fn __repr__(&self) -> String {
        format!("Stitcher(requests={})", self.0.requests().len())
    }
}

/// Stitches segments held in one place (duplicates, requests and answers
/// in one call) into the report of one pass.
#[pyfunction]
#[pyo3(signature = (segments, **options))]
fn stitch<'py>(
    py: Python<'py>,
    segments: &Bound<'py, PyAny>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let o = verify_options(py, options)?;
    let mut list: Vec<Bound<'py, PySegment>> = Vec::new();
    for s in iter_arg(segments, "segments", "a list of Segment")? {
        let s = s?;
        list.push(s.cast_into::<PySegment>().map_err(|e| {
            PyTypeError::new_err(format!("segments must hold Segment objects: {e}"))
        })?);
    }
    let segs: Vec<seg::Segment> = list.iter().map(|s| s.get().0.clone()).collect();
    let r = py.detach(|| seg::stitch(&segs, &o).map(|r| r.to_value()));
    to_py(py, &core(py, r)?)
}

/// Byte ranges `[start, end)` that cut a file of `length` bytes into
/// `parts` nearly equal parts (fewer for a short file), for
/// `SegmentVerifier.for_bytes`.
#[pyfunction]
fn split_bytes(length: Uint, parts: Uint) -> PyResult<Vec<(u64, u64)>> {
    // The core's bound (TypeError, as Node's and WASM's invalid_argument);
    // at most one part per byte, so nothing is allocated beyond the file.
    if let Some(m) = seg::count_problem("parts", parts.0, seg::MAX_PARTS) {
        return Err(PyTypeError::new_err(m));
    }
    Ok(seg::split_bytes(length.0, parts.0))
}

/// Adds the segment classes and functions to the native module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PySegmentVerifier>()?;
    m.add_class::<PySegment>()?;
    m.add_class::<PyStitcher>()?;
    m.add_function(wrap_pyfunction!(duplicates, m)?)?;
    m.add_function(wrap_pyfunction!(stitch, m)?)?;
    m.add_function(wrap_pyfunction!(split_bytes, m)?)?;
    // The core's bounds on part and bucket counts, for `trustcore.dask`'s
    // own option checks (one rule, stated once).
    m.add("_MAX_PARTS", seg::MAX_PARTS)?;
    m.add("_MAX_BUCKETS", seg::MAX_BUCKETS as u64)?;
    Ok(())
}
