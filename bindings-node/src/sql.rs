//! PostgreSQL without a connection (#11): the core's plans
//! (`trustcore::sql`) for `lib/pg.js`, which only executes the statements
//! they give through `pg` and passes back the text the server returns.
//!
//! * `sqlTable`, `selectPlan`: the streaming read of a table under a
//!   profile (columns checked by the core);
//! * `AppendPlan` → `prepare` → `PreparedAppend` (`sign` with a local key,
//!   `attach` / `attachWith` a remote signer's answer, failing closed): one
//!   append transaction's statements and the row the core's writer builds
//!   from the head the transaction read;
//! * `sqlRetryable`, `SQL_APPEND_ATTEMPTS`, `SQL_FETCH_ROWS`,
//!   `sqlMigration`: the retry rule and the table of a profile.

use crate::signing::{
    ask_remote_signer, bytes_arg, class_arg, outcome_signature, signer_tsfn, string_arg, PublicKey,
    SecretKey,
};
use crate::{
    array_items, describe, invalid_argument, is_nullish, js_to_json, type_of, Json, OrThrow,
};
use napi::bindgen_prelude::{BigInt, Buffer, FromNapiValue, JsValue, PromiseRaw, Unknown};
use napi::{Env, ValueType};
use napi_derive::napi;
use serde_json::Value;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use trustcore::chain as tc;
use trustcore::profile::ChainProfile;
use trustcore::sql::{self as tsql, Table};

/// Rows a front end fetches per round trip from its server-side cursor.
#[napi]
pub const SQL_FETCH_ROWS: u32 = tsql::SelectPlan::FETCH_ROWS;

/// How many times an append transaction that failed with a retryable
/// SQLSTATE is run (from the start, with a fresh head) before its error is
/// reported.
#[napi]
pub const SQL_APPEND_ATTEMPTS: u32 = tsql::APPEND_ATTEMPTS;

/// Whether an append transaction that failed with this SQLSTATE may be run
/// again from the start (`trustcore::sql::retryable`: `23505` another writer
/// inserted first, `40001`, `40P01`).
#[napi(js_name = "sqlRetryable", ts_args_type = "sqlstate: string")]
pub fn sql_retryable(env: &Env, sqlstate: Unknown<'_>) -> napi::Result<bool> {
    let s = string_arg(env, sqlstate, "sqlstate")?;
    Ok(tsql::retryable(&s))
}

/// A profile argument: a built-in name, a profile document (an object, or
/// its JSON text as bytes), or `undefined` / `null` for `trustcore/v1`.
pub(crate) fn profile_arg(env: &Env, value: Option<Unknown<'_>>) -> napi::Result<ChainProfile> {
    let Some(value) = value else {
        return Ok(ChainProfile::trustcore_v1());
    };
    match type_of(value)? {
        ValueType::Undefined | ValueType::Null => Ok(ChainProfile::trustcore_v1()),
        ValueType::String => {
            let name = string_arg(env, value, "profile")?;
            ChainProfile::builtin(&name).or_throw(env)
        }
        ValueType::Object if value.is_typedarray()? => {
            let bytes = bytes_arg(env, value, "profile")?;
            ChainProfile::from_json(&bytes).or_throw(env)
        }
        ValueType::Object => {
            let v = js_to_json(env, value)?;
            ChainProfile::from_name_or_value(&v).or_throw(env)
        }
        _ => Err(invalid_argument(
            env,
            format!(
                "profile must be a built-in profile name or a profile document, got {}",
                describe(value)
            ),
        )),
    }
}

fn table_arg(env: &Env, value: Unknown<'_>) -> napi::Result<Table> {
    let name = string_arg(env, value, "table")?;
    Table::parse(&name).or_throw(env)
}

/// A table's columns as `[name, dataType][]` (the rows of the columns
/// query in `rowMode: 'array'`).
pub(crate) fn columns_arg(env: &Env, value: Unknown<'_>) -> napi::Result<Vec<(String, String)>> {
    array_items(env, value, "columns", |env, item, i| {
        let pair = array_items(env, item, &format!("columns[{i}]"), |env, v, j| {
            string_arg(env, v, &format!("columns[{i}][{j}]"))
        })?;
        match <[String; 2]>::try_from(pair) {
            Ok([name, ty]) => Ok((name, ty)),
            Err(_) => Err(invalid_argument(
                env,
                format!("columns[{i}] must be [name, dataType]"),
            )),
        }
    })
}

/// A table name, parsed by the core.
#[napi(object, object_from_js = false)]
pub struct SqlTable {
    /// The schema, when given (`schema.name`).
    pub schema: Option<String>,
    /// The table.
    pub name: String,
    /// The name quoted for SQL.
    pub sql: String,
    /// The query listing the table's columns and types.
    pub columns_query: String,
    /// Its parameters: the schema (or `null`) and the table.
    pub columns_params: Vec<Option<String>>,
}

/// Parses a table name (`name` or `schema.name`, SQL identifier characters
/// only): `SqlError` `invalid_table_name` otherwise.
#[napi(js_name = "sqlTable", ts_args_type = "name: string")]
pub fn sql_table(env: &Env, name: Unknown<'_>) -> napi::Result<SqlTable> {
    let t = table_arg(env, name)?;
    Ok(SqlTable {
        schema: t.schema.clone(),
        name: t.name.clone(),
        sql: t.sql(),
        columns_query: Table::columns_query().to_owned(),
        columns_params: t.columns_params().to_vec(),
    })
}

/// The table of a profile (`trustcore::sql::migration`): `CREATE TABLE IF
/// NOT EXISTS` with a unique `prev_hash`, hash and `seq` (a fork cannot be
/// inserted), idempotent.
#[napi(
    js_name = "sqlMigration",
    ts_args_type = "profile: string | object | Uint8Array | null | undefined, table: string"
)]
pub fn sql_migration(
    env: &Env,
    profile: Option<Unknown<'_>>,
    table: Unknown<'_>,
) -> napi::Result<String> {
    let profile = profile_arg(env, profile)?;
    let table = table_arg(env, table)?;
    Ok(tsql::migration(&profile, &table))
}

/// The streaming read of a table under a profile.
#[napi(object, object_from_js = false)]
pub struct SqlSelectPlan {
    /// One text column (each row's JSON) in chain order; `$1` rows skipped.
    pub sql: String,
    /// One segment by place: `$1` rows skipped, at most `$2` read.
    pub window_sql: String,
    /// For a profile ordered by `seq`: `$1 <= seq < $2`, in chain order.
    pub seq_range_sql: Option<String>,
    /// For a profile ordered by `seq`: min and max `seq` and the count, as
    /// text.
    pub bounds_sql: Option<String>,
    /// Rows per round trip from the server-side cursor.
    pub fetch_rows: u32,
}

/// Checks the table's columns (`[name, dataType][]`) against the profile
/// and builds the read: `SqlError` `missing_table`, `missing_column`,
/// `column_type` otherwise.
#[napi(
    js_name = "selectPlan",
    ts_args_type = "profile: string | object | Uint8Array | null | undefined, table: string, columns: [string, string][]"
)]
pub fn select_plan(
    env: &Env,
    profile: Option<Unknown<'_>>,
    table: Unknown<'_>,
    columns: Unknown<'_>,
) -> napi::Result<SqlSelectPlan> {
    let profile = profile_arg(env, profile)?;
    let table = table_arg(env, table)?;
    let types = columns_arg(env, columns)?;
    let p = tsql::SelectPlan::new(&profile, &table, &types).or_throw(env)?;
    Ok(SqlSelectPlan {
        sql: p.sql,
        window_sql: p.window_sql,
        seq_range_sql: p.seq_range_sql,
        bounds_sql: p.bounds_sql,
        fetch_rows: tsql::SelectPlan::FETCH_ROWS,
    })
}

/// One append transaction's statements for a table under a profile.
#[napi]
pub struct AppendPlan {
    plan: tsql::AppendPlan,
    profile: Arc<ChainProfile>,
}

/// The head row's count from the head query (`bigint`, which `pg` gives as
/// a string), as an integer; whether it is a row count is the core's
/// decision (`SqlError` `invalid_count`).
fn count_arg(env: &Env, value: Unknown<'_>) -> napi::Result<i128> {
    let bad = |env: &Env| {
        invalid_argument(
            env,
            format!(
                "count must be the head query's row count (an integer string, number or bigint), got {}",
                describe(value)
            ),
        )
    };
    match type_of(value)? {
        ValueType::String => string_arg(env, value, "count")?
            .parse::<i128>()
            .map_err(|_| bad(env)),
        ValueType::Number => {
            let n = f64::from_unknown(value)?;
            // Integers a double holds exactly; 2^53 and beyond may be
            // another integer rounded.
            if n.fract() == 0.0 && n.abs() < 9.007_199_254_740_992e15 {
                Ok(n as i128)
            } else {
                Err(bad(env))
            }
        }
        ValueType::BigInt => {
            let (negative, magnitude, lossless) = BigInt::from_unknown(value)?.get_u128();
            // Beyond i128 is beyond every count: saturated, and refused
            // as such.
            let v = i128::try_from(magnitude)
                .ok()
                .filter(|_| lossless)
                .unwrap_or(i128::MAX);
            Ok(if negative { -v } else { v })
        }
        _ => Err(bad(env)),
    }
}

#[napi]
impl AppendPlan {
    /// Checks the table's columns (`[name, dataType][]`) against the
    /// profile (a built-in name or a document; default `trustcore/v1`) and
    /// builds the statements: `SqlError` `missing_table`,
    /// `missing_column`, `column_type` otherwise.
    #[napi(
        ts_args_type = "profile: string | object | Uint8Array | null | undefined, table: string, columns: [string, string][]"
    )]
    pub fn create(
        env: &Env,
        profile: Option<Unknown<'_>>,
        table: Unknown<'_>,
        columns: Unknown<'_>,
    ) -> napi::Result<AppendPlan> {
        let profile = profile_arg(env, profile)?;
        let table = table_arg(env, table)?;
        let types = columns_arg(env, columns)?;
        let plan = tsql::AppendPlan::new(&profile, &table, &types).or_throw(env)?;
        Ok(AppendPlan {
            plan,
            profile: Arc::new(profile),
        })
    }

    /// `SELECT pg_advisory_xact_lock($1::bigint)`.
    #[napi(getter)]
    pub fn lock_sql(&self) -> String {
        self.plan.lock_sql.clone()
    }

    /// The lock's key (the table's, the same in every process), as decimal
    /// text: send it as the text parameter `$1`.
    #[napi(getter)]
    pub fn lock_key(&self) -> String {
        self.plan.lock_key.to_string()
    }

    /// The head row as JSON text (or `null`: a new chain) and the row count.
    #[napi(getter)]
    pub fn head_sql(&self) -> String {
        self.plan.head_sql.clone()
    }

    /// The `INSERT`; its parameters are `PreparedAppend`'s `params`.
    #[napi(getter)]
    pub fn insert_sql(&self) -> String {
        self.plan.insert_sql.clone()
    }

    /// The profile's name.
    #[napi(getter)]
    pub fn profile_name(&self) -> String {
        self.profile.name.clone()
    }

    /// Builds the next row from the answer of `headSql` (`headRow`, the last
    /// row's JSON text or `null`, and `count`) and `body` (the row's own
    /// columns by name, as `ChainWriter`'s rows: `id`, the timestamp, event
    /// type and actor where the profile has them, payload, extra columns).
    /// The timestamp is written as the table gives it back (`body_ts`: a
    /// `timestamptz` keeps microseconds). Options: `alg` (`'ed25519'`
    /// default, or `'ed25519ph'`), and the values for columns the body
    /// leaves out: `now` (RFC 3339, for the timestamp: read by the caller
    /// after the lock; the head's time when the clock is behind it, as
    /// the core's `AppendPlan::stamp` says) and `newId` (a
    /// UUID, for the id). Errors: `SqlError` `unwritable_row` (the table's
    /// last row cannot be read, a timestamp a `timestamptz` cannot keep),
    /// `invalid_count` (a count outside 0 to 2^63-1),
    /// `ChainError` `invalid_event` / `ts_regression`, `TimestampError`,
    /// `CanonicalJsonError`.
    #[napi(
        ts_args_type = "headRow: string | null, count: string | number | bigint, signerId: string, publicKey: PublicKey, body: Record<string, unknown>, options?: PrepareAppendOptions"
    )]
    #[allow(clippy::too_many_arguments)]
    pub fn prepare(
        &self,
        env: &Env,
        head_row: Unknown<'_>,
        count: Unknown<'_>,
        signer_id: Unknown<'_>,
        public_key: Unknown<'_>,
        body: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> napi::Result<PreparedAppend> {
        let head_row = if is_nullish(head_row)? {
            None
        } else {
            Some(string_arg(env, head_row, "headRow")?)
        };
        let count = count_arg(env, count)?;
        let signer_id = string_arg(env, signer_id, "signerId")?;
        let key = class_arg::<PublicKey>(env, public_key, "publicKey")?.inner;
        if type_of(body)? != ValueType::Object || body.is_array()? {
            return Err(invalid_argument(
                env,
                format!(
                    "body must be an object of the row's columns, got {}",
                    describe(body)
                ),
            ));
        }
        let Value::Object(mut body) = js_to_json(env, body)? else {
            return Err(invalid_argument(env, "body must be an object".to_owned()));
        };
        let options = crate::options_value(env, options)?;
        let mut r =
            trustcore::options::Reader::new(options.as_ref(), crate::NAMING).or_throw(env)?;
        let alg = r.choice("alg", &["ed25519", "ed25519ph"]).or_throw(env)?;
        let now = r.string("now").or_throw(env)?.map(str::to_owned);
        let new_id = r.string("new_id").or_throw(env)?.map(str::to_owned);
        r.finish().or_throw(env)?;
        let alg = trustcore::ffi::signature_algorithm(alg).or_throw(env)?;

        let p = &self.profile;
        let c = &p.columns;
        if let (None, Some(id)) = (body.get(&c.id), new_id) {
            body.insert(c.id.clone(), id.into());
        }
        let head = self
            .plan
            .head(p, head_row.as_deref(), count)
            .or_throw(env)?;
        let written = match (body.get(&c.ts), now) {
            (Some(Value::String(ts)), _) => Some(self.plan.body_ts(p, ts)),
            // The clock's time, never before the head's (AppendPlan::stamp).
            (None, Some(now)) => Some(self.plan.stamp(p, &head, &now)),
            _ => None,
        };
        if let Some(written) = written {
            body.insert(c.ts.clone(), written.or_throw(env)?.into());
        }
        let writer = tc::ChainWriter::with_options(
            &signer_id,
            key,
            tc::WriterOptions {
                head,
                alg,
                hash_alg: p.hash_alg,
                profile: Some(Arc::clone(p)),
            },
        )
        .or_throw(env)?;
        let prepared = writer.prepare_row(body.clone()).or_throw(env)?;
        Ok(PreparedAppend {
            body,
            writer: Arc::new(Mutex::new(writer)),
            prepared,
            plan: Arc::new(self.plan.clone()),
            signer_id,
        })
    }
}

/// Options of `AppendPlan.prepare` (read by the core's options reader).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct PrepareAppendOptions {
    /// The signature algorithm the registry records for the signer.
    #[napi(ts_type = "'ed25519' | 'ed25519ph'")]
    pub alg: Option<String>,
    /// The timestamp for a body without one (RFC 3339).
    pub now: Option<String>,
    /// The id for a body without one (a plain lowercase UUID).
    pub new_id: Option<String>,
}

/// A row built and waiting for its signature.
#[napi]
pub struct PreparedAppend {
    body: serde_json::Map<String, Value>,
    writer: Arc<Mutex<tc::ChainWriter>>,
    prepared: tc::PreparedEvent,
    plan: Arc<tsql::AppendPlan>,
    signer_id: String,
}

/// A signed row: its JSON text and the `INSERT`'s parameters.
#[napi(object, object_from_js = false)]
pub struct AppendedRow {
    /// The row as canonical JSON (the JSONL export's line).
    pub row: String,
    /// The `insertSql` parameters, as text (`null` for SQL NULL).
    pub params: Vec<Option<String>>,
    /// The row's hash (the new head), 64 lowercase hex digits.
    pub hash: String,
    /// The row's place in the chain (the new head's seq).
    pub seq: f64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn appended(plan: &tsql::AppendPlan, writer: &tc::ChainWriter, row: &tc::Row) -> AppendedRow {
    let head = writer.head();
    AppendedRow {
        row: row.to_json(),
        params: plan.params(row),
        hash: head.to_value()["hash"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        seq: head.seq as f64,
    }
}

#[napi]
impl PreparedAppend {
    /// Exactly the bytes the signer must sign.
    #[napi(getter, ts_return_type = "Buffer")]
    pub fn message(&self) -> Buffer {
        self.prepared.message().into()
    }

    /// The row with every column but the signature.
    #[napi(getter, ts_return_type = "Record<string, unknown>")]
    pub fn row(&self) -> Json {
        Json(self.prepared.row())
    }

    /// Signs with a local secret key (which must be the expected key's) and
    /// returns the row and its parameters.
    #[napi(ts_args_type = "secretKey: SecretKey")]
    pub fn sign(&self, env: &Env, secret_key: Unknown<'_>) -> napi::Result<AppendedRow> {
        let key = class_arg::<SecretKey>(env, secret_key, "secretKey")?;
        // The core's local signing (ed25519 or ed25519ph as the writer's
        // profile says), from the same head as the prepared row.
        let mut w = lock(&self.writer);
        let row = w.append_row(self.body.clone(), &key.inner).or_throw(env)?;
        Ok(appended(&self.plan, &w, &row))
    }

    /// Attaches a signature made elsewhere, after checking it verifies
    /// under the expected key (fails closed: `EnvelopeError`
    /// `remote_signature_invalid`).
    #[napi(ts_args_type = "signature: Uint8Array")]
    pub fn attach(&self, env: &Env, signature: Unknown<'_>) -> napi::Result<AppendedRow> {
        let sig = bytes_arg(env, signature, "signature")?;
        self.attach_bytes(env, &sig)
    }

    /// Asks a remote signer (`signerFn(message)`, sync or async) and
    /// attaches its answer (fails closed). Rejects with `EnvelopeError`
    /// `remote_signer_failed` (the function threw or rejected; `cause` is
    /// its error), `remote_signature_invalid` (a wrong signature), or
    /// `TypeError` `invalid_argument` (not bytes).
    #[napi(
        ts_args_type = "signerFn: (message: Buffer) => Uint8Array | ArrayBuffer | Promise<Uint8Array | ArrayBuffer>",
        ts_return_type = "Promise<AppendedRow>"
    )]
    pub fn attach_with<'e>(
        &self,
        env: &'e Env,
        signer_fn: Unknown<'_>,
    ) -> napi::Result<PromiseRaw<'e, AppendedRow>> {
        let tsfn = signer_tsfn(env, signer_fn)?;
        let message = self.prepared.message();
        let writer = Arc::clone(&self.writer);
        let plan = Arc::clone(&self.plan);
        let prepared = self.prepared.clone();
        let signer = self.signer_id.clone();
        env.spawn_future_with_callback(ask_remote_signer(tsfn, message), move |env, outcome| {
            let sig = outcome_signature(env, &signer, outcome)?;
            let mut w = lock(&writer);
            let row = w
                .attach(prepared, &sig)
                .map_err(|e| crate::reject_core(env, e))?;
            Ok(appended(&plan, &w, &row))
        })
    }
}

impl PreparedAppend {
    fn attach_bytes(&self, env: &Env, sig: &[u8]) -> napi::Result<AppendedRow> {
        let mut w = lock(&self.writer);
        let row = w.attach(self.prepared.clone(), sig).or_throw(env)?;
        Ok(appended(&self.plan, &w, &row))
    }
}

factory_only!(AppendPlan, "AppendPlan.create");
factory_only!(PreparedAppend, "AppendPlan.prepare");
