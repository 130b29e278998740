//! PostgreSQL plans (`trustcore::sql`) as Python classes: `Table`,
//! `SelectPlan`, `AppendPlan`, `retryable`, `APPEND_ATTEMPTS` and
//! `migration`. The core does no IO: `trustcore.pg` (psycopg 3) executes
//! these statements and streams their text; every statement, type check,
//! retry rule and the head of a table are the core's.
//!
//! A `profile` argument is a built-in profile name (`str`), a profile
//! document (a `dict`) or its JSON text (bytes), as every `profile=`.

use std::sync::Arc;

use pyo3::prelude::*;
use trustcore::profile::ChainProfile;
use trustcore::sql;

use crate::signing::{core, raise, to_py};
use crate::{iter_arg, not_text, Str};

/// A profile argument: a built-in name, a profile document or its JSON
/// text (read as every `profile=` option is).
fn profile_arg(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<Arc<ChainProfile>> {
    if obj.is_none() {
        return Err(not_text(
            "profile",
            obj,
            "a built-in profile name (str), a profile document (dict) or its JSON text (bytes)",
        ));
    }
    crate::profile_args::profile_arg(py, Some(obj))
}

/// The answer of `Table.columns_query()`: (column, data_type) pairs.
pub(crate) fn types_arg(obj: &Bound<'_, PyAny>) -> PyResult<Vec<(String, String)>> {
    let mut out = Vec::new();
    for item in iter_arg(obj, "types", "a list of (column, data_type) pairs of str")? {
        let item = item?;
        let pair: (Str, Str) = item
            .extract()
            .map_err(|_| not_text("types item", &item, "a (column, data_type) pair of str"))?;
        out.push((pair.0 .0, pair.1 .0));
    }
    Ok(out)
}

fn table_arg(obj: &Bound<'_, PyAny>) -> PyResult<sql::Table> {
    if let Ok(t) = obj.cast::<PyTable>() {
        return Ok(t.borrow().0.clone());
    }
    let s: Str = obj
        .extract()
        .map_err(|_| not_text("table", obj, "a Table or str"))?;
    raise(obj.py(), sql::Table::parse(&s.0).map_err(Into::into))
}

/// A table name, `name` or `schema.name`, checked and quoted for SQL.
#[pyclass(name = "Table", module = "trustcore", frozen)]
pub struct PyTable(sql::Table);

#[pymethods]
impl PyTable {
    /// Parses `name` or `schema.name` (SQL identifier characters only;
    /// else SqlError `invalid_table_name`).
    #[new]
    fn new(py: Python<'_>, name: Str) -> PyResult<Self> {
        core(py, sql::Table::parse(&name.0)).map(PyTable)
    }

    /// The schema, or None (the connection's current schema).
    #[getter]
    fn schema(&self) -> Option<String> {
        self.0.schema.clone()
    }

    /// The table's name.
    #[getter]
    fn name(&self) -> String {
        self.0.name.clone()
    }

    /// The quoted name for SQL (`"schema"."name"`).
    fn sql(&self) -> String {
        self.0.sql()
    }

    /// The query listing the table's columns and types (`$1` the schema or
    /// NULL, `$2` the table; PostgreSQL's own `$n` placeholders).
    #[staticmethod]
    fn columns_query() -> &'static str {
        sql::Table::columns_query()
    }

    /// The parameters of `columns_query()`: `[schema or None, name]`.
    fn columns_params(&self) -> Vec<Option<String>> {
        self.0.columns_params().to_vec()
    }

    fn __repr__(&self) -> String {
        format!("Table({})", self.0.sql())
    }
}

/// The streaming read of a table under a profile: `sql` (`$1` rows
/// skipped), `window_sql` (`$1` skipped, at most `$2`), and for profiles
/// ordered by `seq` `seq_range_sql` (`$1 <= seq < $2`) and `bounds_sql`
/// (min and max seq and the count, as text). Every statement returns one
/// text column: each row's JSON, in chain order.
#[pyclass(name = "SelectPlan", module = "trustcore", frozen)]
pub struct PySelectPlan(sql::SelectPlan);

#[pymethods]
impl PySelectPlan {
    /// Checks `types` (the answer of `Table.columns_query()`) against the
    /// profile and builds the statements (SqlError `missing_table`,
    /// `missing_column`, `column_type`).
    #[new]
    fn new(
        py: Python<'_>,
        profile: &Bound<'_, PyAny>,
        table: &Bound<'_, PyAny>,
        types: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        let p = profile_arg(py, profile)?;
        let t = table_arg(table)?;
        let types = types_arg(types)?;
        core(py, sql::SelectPlan::new(&p, &t, &types)).map(PySelectPlan)
    }

    /// Rows a front end fetches per round trip from its server-side cursor.
    #[classattr]
    #[allow(non_snake_case)]
    fn FETCH_ROWS() -> u32 {
        sql::SelectPlan::FETCH_ROWS
    }

    #[getter]
    fn sql(&self) -> String {
        self.0.sql.clone()
    }

    #[getter]
    fn window_sql(&self) -> String {
        self.0.window_sql.clone()
    }

    #[getter]
    fn seq_range_sql(&self) -> Option<String> {
        self.0.seq_range_sql.clone()
    }

    #[getter]
    fn bounds_sql(&self) -> Option<String> {
        self.0.bounds_sql.clone()
    }

    #[getter]
    fn count_sql(&self) -> String {
        self.0.count_sql.clone()
    }

    fn __repr__(&self) -> String {
        format!(
            "SelectPlan(seq_ranges={})",
            if self.0.seq_range_sql.is_some() {
                "True"
            } else {
                "False"
            }
        )
    }
}

/// One append transaction: `lock_sql` with `lock_key` (send it as text),
/// `head_sql` (the last row's JSON or None, and the row count) read by
/// `head()`, then the writer's row through `params()` into `insert_sql`.
#[pyclass(name = "AppendPlan", module = "trustcore", frozen)]
pub struct PyAppendPlan {
    plan: sql::AppendPlan,
    profile: Arc<ChainProfile>,
}

#[pymethods]
impl PyAppendPlan {
    /// Checks the table's columns (`types`, as for SelectPlan) and builds
    /// the statements.
    #[new]
    fn new(
        py: Python<'_>,
        profile: &Bound<'_, PyAny>,
        table: &Bound<'_, PyAny>,
        types: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        let p = profile_arg(py, profile)?;
        let t = table_arg(table)?;
        let types = types_arg(types)?;
        let plan = core(py, sql::AppendPlan::new(&p, &t, &types))?;
        Ok(PyAppendPlan { plan, profile: p })
    }

    #[getter]
    fn lock_sql(&self) -> String {
        self.plan.lock_sql.clone()
    }

    /// The advisory lock's key (the table's, the same in every process).
    #[getter]
    fn lock_key(&self) -> i64 {
        self.plan.lock_key
    }

    #[getter]
    fn head_sql(&self) -> String {
        self.plan.head_sql.clone()
    }

    #[getter]
    fn insert_sql(&self) -> String {
        self.plan.insert_sql.clone()
    }

    /// The profile's name.
    #[getter]
    fn profile(&self) -> String {
        self.profile.name.clone()
    }

    /// The writer's head (`{"hash", "seq", "ts"}`) from the answer of
    /// `head_sql`: the last row's JSON text (None: a new chain) and the
    /// row count.
    #[pyo3(signature = (row, count))]
    fn head<'py>(
        &self,
        py: Python<'py>,
        row: Option<Str>,
        count: crate::Int,
    ) -> PyResult<Bound<'py, PyAny>> {
        let h = raise(
            py,
            self.plan
                .head(&self.profile, row.as_ref().map(|r| r.0.as_str()), count.0),
        )?;
        to_py(py, &h.to_value())
    }

    /// A body's timestamp as the table will give it back (canonical text at
    /// microsecond precision for a timestamptz column; more digits are
    /// SqlError `unwritable_row`).
    fn body_ts(&self, py: Python<'_>, ts: Str) -> PyResult<String> {
        raise(py, self.plan.body_ts(&self.profile, &ts.0))
    }

    /// The timestamp of a row appended at ``now`` (the clock, read after
    /// the lock) on top of the head that ``head_sql`` answered (``row``,
    /// ``count``): ``body_ts(now)``, or the head's own time when the clock
    /// is behind it (another writer's finer clock, or a clock that stepped
    /// back), so a stamped append never fails with ``ts_regression``.
    #[pyo3(signature = (row, count, now))]
    fn stamp(
        &self,
        py: Python<'_>,
        row: Option<Str>,
        count: crate::Int,
        now: Str,
    ) -> PyResult<String> {
        let h = raise(
            py,
            self.plan
                .head(&self.profile, row.as_ref().map(|r| r.0.as_str()), count.0),
        )?;
        raise(py, self.plan.stamp(&self.profile, &h, &now.0))
    }

    /// The INSERT's parameters (text, None for NULL) for a row the writer
    /// returned (its JSON text, as `ChainWriter.append` gives it).
    fn params(&self, py: Python<'_>, row: Str) -> PyResult<Vec<Option<String>>> {
        let r = trustcore::chain::Row::read(row.0.as_bytes(), &self.profile).map_err(
            |(reason, m)| {
                crate::misuse_err(
                    py,
                    trustcore::ErrorKind::Sql,
                    sql::ErrorCode::UnwritableRow.as_str(),
                    &format!("the row cannot be read ({}): {m}", reason.as_str()),
                )
            },
        )?;
        Ok(self.plan.params(&r))
    }

    fn __repr__(&self) -> String {
        format!("AppendPlan(profile={:?})", self.profile.name)
    }
}

/// Whether an append transaction that failed with this SQLSTATE may be run
/// again from the start (`23505`, `40001`, `40P01`).
#[pyfunction]
fn retryable(sqlstate: Str) -> bool {
    sql::retryable(&sqlstate.0)
}

/// The table of a profile (CREATE TABLE IF NOT EXISTS ...), with the
/// constraints that make a fork impossible to insert.
#[pyfunction]
fn migration(
    py: Python<'_>,
    profile: &Bound<'_, PyAny>,
    table: &Bound<'_, PyAny>,
) -> PyResult<String> {
    let p = profile_arg(py, profile)?;
    let t = table_arg(table)?;
    Ok(sql::migration(&p, &t))
}

/// The columns of a profile by role (`id`, `ts`, `payload`, `prev_hash`,
/// `hash`, `signer`, `signature`, and `seq`, `event_type`, `actor` when
/// the profile has them).
#[pyfunction]
fn _profile_columns<'py>(
    py: Python<'py>,
    profile: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let p = profile_arg(py, profile)?;
    let c = &p.columns;
    let v = serde_json::json!({
        "id": c.id, "ts": c.ts, "payload": c.payload, "prev_hash": c.prev_hash,
        "hash": c.hash, "signer": c.signer, "signature": c.signature,
        "seq": c.seq, "event_type": c.event_type, "actor": c.actor,
    });
    to_py(py, &v)
}

/// Adds the PostgreSQL plans to the native module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyTable>()?;
    m.add_class::<PySelectPlan>()?;
    m.add_class::<PyAppendPlan>()?;
    m.add_function(wrap_pyfunction!(retryable, m)?)?;
    m.add_function(wrap_pyfunction!(migration, m)?)?;
    m.add_function(wrap_pyfunction!(_profile_columns, m)?)?;
    m.add("APPEND_ATTEMPTS", sql::APPEND_ATTEMPTS)?;
    Ok(())
}
