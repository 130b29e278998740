//! `trustcore audit-verify` for the console script (`trustcore.cli`).
//!
//! Everything the command says and decides is `trustcore::cli`'s (flags,
//! help, output, the progress line, the one-line errors, exit codes) and
//! `trustcore::sql`'s (the table's statements); `trustcore/cli.py` only
//! reads files, gzip, stdin and PostgreSQL (psycopg 3) exactly as the Rust
//! front end `cli/src/main.rs` does, and feeds the bytes here. The classes
//! are private (`_AuditVerify`, `_AuditRun`): their only caller is that
//! module.
//!
//! Every error raised here is a `CliError` with two more attributes:
//! `line` (the one line to print on stderr, `cli::Error::line`) and
//! `exit_code` (2).

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyTuple};
use trustcore::cli::{self, Command, Failure};
use trustcore::options::Naming;
use trustcore::profile::ChainProfile;

use crate::signing::to_py;
use crate::{iter_arg, not_text, to_py_err, Str, Uint};

/// The CliError of a command-line error, with `line` and `exit_code`.
fn cli_err(py: Python<'_>, e: cli::Error) -> PyErr {
    let line = e.line();
    let code = e.exit_code();
    let err = to_py_err(py, e.into());
    let value = err.value(py);
    match value
        .setattr("line", line)
        .and_then(|()| value.setattr("exit_code", code))
    {
        Ok(()) => err,
        Err(setattr_failed) => setattr_failed,
    }
}

fn opt_bytes(obj: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Option<Vec<u8>>> {
    match obj {
        None => Ok(None),
        Some(o) if o.is_none() => Ok(None),
        Some(o) => crate::signing::bytes_arg(o, what).map(|b| Some(b.as_slice().to_vec())),
    }
}

/// The profile of the command: the built-in it names, or the document read
/// from its file (a problem is the core's message as it is,
/// `Failure::Layout`).
fn command_profile(a: &cli::AuditVerify, doc: Option<&[u8]>) -> Result<ChainProfile, cli::Error> {
    let layout = |m: &str| Failure::Layout.error(m);
    match doc {
        None => ChainProfile::builtin(&a.profile).map_err(|e| layout(e.message())),
        Some(d) => ChainProfile::from_json(d).map_err(|e| layout(e.message())),
    }
}

/// A parsed `audit-verify` command line.
#[pyclass(name = "_AuditVerify", module = "trustcore", frozen)]
pub struct PyAuditVerify(cli::AuditVerify);

#[pymethods]
impl PyAuditVerify {
    /// What the front end must read: the core's `plan_value` (source,
    /// files, url, table, signers, profile, profile_is_builtin, checkpoint,
    /// from_state, save_state, json, progress).
    fn plan<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &cli::plan_value(&self.0, Naming::Snake))
    }

    /// Builds the run from the bytes of the files the flags name.
    #[pyo3(signature = (signers, profile_doc = None, checkpoint = None, state = None))]
    fn start(
        &self,
        py: Python<'_>,
        signers: &Bound<'_, PyAny>,
        profile_doc: Option<&Bound<'_, PyAny>>,
        checkpoint: Option<&Bound<'_, PyAny>>,
        state: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyAuditRun> {
        let signers = crate::signing::bytes_arg(signers, "signers")?
            .as_slice()
            .to_vec();
        let doc = opt_bytes(profile_doc, "profile_doc")?;
        let cp = opt_bytes(checkpoint, "checkpoint")?;
        let st = opt_bytes(state, "state")?;
        let a = &self.0;
        let run = py
            .detach(|| a.start(&signers, doc.as_deref(), cp.as_deref(), st.as_deref()))
            .map_err(|e| cli_err(py, e))?;
        Ok(PyAuditRun(Some(run)))
    }

    /// The `--table` as `(quoted SQL name, schema or None, name)`; a name
    /// that cannot be used is `Failure::Table`.
    fn table(&self, py: Python<'_>) -> PyResult<(String, Option<String>, String)> {
        let cli::Source::Database { table, .. } = &self.0.source else {
            return Err(cli_err(
                py,
                Failure::Table.error("no --database-url was given"),
            ));
        };
        let t = trustcore::sql::Table::parse(table)
            .map_err(|e| cli_err(py, Failure::Table.error(e.message())))?;
        let [schema, name] = t.columns_params();
        Ok((t.sql(), schema, name.unwrap_or_default()))
    }

    /// The streaming read of the table: `SelectPlan::new` over `types`
    /// (the answer of `Table.columns_query`: (column, data_type) pairs)
    /// under the command's profile (`profile_doc`: the `--profile` file's
    /// bytes when it is not a built-in). Returns `(sql, fetch_rows,
    /// count_sql)`; a table that does not fit is `Failure::Layout`.
    #[pyo3(signature = (types, profile_doc = None))]
    fn select_sql(
        &self,
        py: Python<'_>,
        types: &Bound<'_, PyAny>,
        profile_doc: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<(String, u32, String)> {
        let doc = opt_bytes(profile_doc, "profile_doc")?;
        let types = crate::sql::types_arg(types)?;
        let profile = command_profile(&self.0, doc.as_deref()).map_err(|e| cli_err(py, e))?;
        let cli::Source::Database { table, .. } = &self.0.source else {
            return Err(cli_err(
                py,
                Failure::Table.error("no --database-url was given"),
            ));
        };
        let t = trustcore::sql::Table::parse(table)
            .map_err(|e| cli_err(py, Failure::Table.error(e.message())))?;
        let plan = trustcore::sql::SelectPlan::new(&profile, &t, &types)
            .map_err(|e| cli_err(py, Failure::Layout.error(e.message())))?;
        Ok((
            plan.sql,
            trustcore::sql::SelectPlan::FETCH_ROWS,
            plan.count_sql,
        ))
    }

    fn __repr__(&self) -> String {
        "_AuditVerify(...)".to_owned()
    }
}

/// A running verification: `feed` / `feed_rows`, then `finish`.
#[pyclass(name = "_AuditRun", module = "trustcore")]
pub struct PyAuditRun(Option<cli::Run>);

impl PyAuditRun {
    fn live(&mut self, py: Python<'_>) -> PyResult<&mut cli::Run> {
        self.0.as_mut().ok_or_else(|| {
            crate::misuse_err(
                py,
                trustcore::ErrorKind::Cli,
                cli::ErrorCode::BadInput.as_str(),
                "the run has finished (finish() was called)",
            )
        })
    }
}

#[pymethods]
impl PyAuditRun {
    /// Feeds JSONL bytes (lines may span chunks), without the GIL.
    fn feed(&mut self, py: Python<'_>, chunk: &Bound<'_, PyAny>) -> PyResult<()> {
        let run = self.live(py)?;
        if let Ok(b) = chunk.cast::<PyBytes>() {
            let data = b.as_bytes();
            py.detach(|| run.feed(data));
            return Ok(());
        }
        let data = crate::signing::bytes_arg(chunk, "chunk")?
            .as_slice()
            .to_vec();
        py.detach(|| run.feed(&data));
        Ok(())
    }

    /// Feeds table rows (each row's JSON text, `str`), without the GIL
    /// while they are verified.
    fn feed_rows(&mut self, py: Python<'_>, rows: &Bound<'_, PyAny>) -> PyResult<()> {
        let run = self.live(py)?;
        let mut texts: Vec<Vec<u8>> = Vec::new();
        for r in iter_arg(rows, "rows", "a list of str")? {
            let r = r?;
            let s: Str = r.extract()?;
            texts.push(s.0.into_bytes());
        }
        py.detach(|| texts.iter().for_each(|t| run.feed_table_row(t)));
        Ok(())
    }

    /// Rows fed so far, with a resumed state's (what a table read skips).
    #[getter]
    fn position(&mut self, py: Python<'_>) -> PyResult<u64> {
        Ok(self.live(py)?.position())
    }

    /// Ends the stream: `(stdout, state or None, exit_code)`.
    fn finish(&mut self, py: Python<'_>) -> PyResult<(String, Option<String>, i32)> {
        self.live(py)?;
        let Some(run) = self.0.take() else {
            return Err(pyo3::exceptions::PyTypeError::new_err("finished"));
        };
        let o = py.detach(|| run.finish());
        Ok((o.stdout, o.state, o.exit_code))
    }

    fn __repr__(&self) -> String {
        match &self.0 {
            Some(_) => "_AuditRun(open)".to_owned(),
            None => "_AuditRun(finished)".to_owned(),
        }
    }
}

/// Parses a command line (the arguments after the program name):
/// `("print", text)` (help, version) or `("run", _AuditVerify)`; a usage
/// error is a CliError with `line` and `exit_code`.
#[pyfunction]
fn _cli_parse<'py>(py: Python<'py>, args: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTuple>> {
    let mut v = Vec::new();
    for a in iter_arg(args, "args", "a list of str")? {
        let s: Str = a?.extract()?;
        v.push(s.0);
    }
    match cli::parse(&v).map_err(|e| cli_err(py, e))? {
        Command::Print(text) => ("print", text).into_pyobject(py),
        Command::AuditVerify(a) => ("run", PyAuditVerify(*a)).into_pyobject(py),
    }
}

/// The CliError of something the front end could not do (`cli::Failure`):
/// `kind` is `read_flag` (flag, path), `read_input` (what), `connect`,
/// `database`, `read_table` (table), `save_state` (path), `table`,
/// `layout` or `missing_client` (install); `detail` is the system's or the
/// server's own words.
#[pyfunction]
#[pyo3(signature = (kind, detail, flag = None, path = None, what = None, table = None, install = None))]
#[allow(clippy::too_many_arguments)]
fn _cli_failure(
    py: Python<'_>,
    kind: Str,
    detail: Str,
    flag: Option<Str>,
    path: Option<Str>,
    what: Option<Str>,
    table: Option<Str>,
    install: Option<Str>,
) -> PyResult<Py<PyAny>> {
    let s = |o: &Option<Str>| o.as_ref().map(|x| x.0.clone()).unwrap_or_default();
    let (flag, path, what, table) = (s(&flag), s(&path), s(&what), s(&table));
    let install = s(&install);
    let f = match kind.0.as_str() {
        "read_flag" => Failure::ReadFlag {
            flag: &flag,
            path: &path,
        },
        "read_input" => Failure::ReadInput { what: &what },
        "connect" => Failure::Connect,
        "database" => Failure::Database,
        "read_table" => Failure::ReadTable { table: &table },
        "save_state" => Failure::SaveState { path: &path },
        "table" => Failure::Table,
        "layout" => Failure::Layout,
        "missing_client" => Failure::MissingClient { install: &install },
        other => {
            return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                "unknown failure kind {other:?}"
            )))
        }
    };
    Ok(cli_err(py, f.error(&detail.0)).into_value(py).into_any())
}

/// The progress line (without a newline): events, rate, share, time left.
#[pyfunction]
#[pyo3(signature = (events, bytes, total_bytes, elapsed_secs))]
fn progress_line(
    events: Uint,
    bytes: Uint,
    total_bytes: Option<Uint>,
    elapsed_secs: &Bound<'_, PyAny>,
) -> PyResult<String> {
    let secs: f64 = elapsed_secs
        .extract()
        .map_err(|_| not_text("elapsed_secs", elapsed_secs, "float"))?;
    Ok(cli::progress_line(
        events.0,
        bytes.0,
        total_bytes.map(|t| t.0),
        secs,
    ))
}

/// Adds the command-line helpers to the native module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyAuditVerify>()?;
    m.add_class::<PyAuditRun>()?;
    m.add_function(wrap_pyfunction!(_cli_parse, m)?)?;
    m.add_function(wrap_pyfunction!(_cli_failure, m)?)?;
    m.add_function(wrap_pyfunction!(progress_line, m)?)?;
    m.add("EXIT_VALID", cli::EXIT_VALID)?;
    m.add("EXIT_BROKEN", cli::EXIT_BROKEN)?;
    m.add("EXIT_ERROR", cli::EXIT_ERROR)?;
    m.add("CLI_HELP", cli::HELP)?;
    Ok(())
}
