//! `npx trustcore audit-verify` (#11): the core's command line
//! (`trustcore::cli`) for the package's `bin/trustcore.js`.
//!
//! The flags, the help, what the files given mean, the output (human and
//! `--json`), the progress line, the one-line stderr messages and the exit
//! codes are the core's; `bin/trustcore.js` only reads the files, stdin or
//! the database (exactly as the Rust `trustcore` binary, `cli/src/main.rs`,
//! does) and prints what these exports return.
//!
//! Every error here is a JS `Error` with `name` `CliError`, `code`
//! (`usage` or `bad_input`), `line` (the one line to print on stderr,
//! `cli::Error::line`) and `exitCode` (2).

use crate::signing::string_arg;
use crate::{
    array_items, core_error_object, describe, invalid_argument, is_nullish, type_of, Json, OrThrow,
    NAMING,
};
use napi::bindgen_prelude::{JsObjectValue, JsValue, Object, Uint8ArraySlice, Unknown};
use napi::{Env, Status, ValueType};
use napi_derive::napi;
use trustcore::cli as tc;
use trustcore::profile::ChainProfile;
use trustcore::sql::{SelectPlan, Table};

/// Exit code: the chain verified.
#[napi]
pub const CLI_EXIT_VALID: i32 = tc::EXIT_VALID;
/// Exit code: the chain is broken.
#[napi]
pub const CLI_EXIT_BROKEN: i32 = tc::EXIT_BROKEN;
/// Exit code: usage or input error.
#[napi]
pub const CLI_EXIT_ERROR: i32 = tc::EXIT_ERROR;

/// The `CliError` object (not thrown) for a command-line error: `name`,
/// `code`, `message`, and `line` / `exitCode` from the core.
fn cli_error_object<'e>(env: &'e Env, e: &tc::Error) -> napi::Result<Object<'e>> {
    let mut obj = core_error_object(env, &trustcore::Error::from(e.clone()))?;
    obj.set_named_property("line", e.line())?;
    obj.set_named_property("exitCode", e.exit_code())?;
    Ok(obj)
}

/// Throws a command-line error.
fn throw_cli(env: &Env, e: &tc::Error) -> napi::Error {
    match cli_error_object(env, e).and_then(|obj| env.throw(obj)) {
        Ok(()) => napi::Error::new(Status::PendingException, e.line()),
        Err(err) => err,
    }
}

/// Optional bytes (a file's contents): `undefined` / `null` is `None`.
fn opt_bytes<'a>(
    env: &Env,
    value: Option<Unknown<'a>>,
    what: &str,
) -> napi::Result<Option<Uint8ArraySlice<'a>>> {
    match value {
        None => Ok(None),
        Some(v) if is_nullish(v)? => Ok(None),
        Some(v) => crate::signing::bytes_arg(env, v, what).map(Some),
    }
}

/// What `cliParse` returns: text to print (`--help`, `--version`), or an
/// `audit-verify` command to run.
#[napi]
pub struct CliCommand {
    print: Option<String>,
    command: Option<Box<tc::AuditVerify>>,
}

/// Parses a command line (the arguments after the program name, e.g.
/// `process.argv.slice(2)`) with the core's parser. Throws `CliError`
/// (`usage`, with `line` and `exitCode` 2) for a command line that is not
/// valid.
#[napi(js_name = "cliParse", ts_args_type = "args: string[]")]
pub fn cli_parse(env: &Env, args: Unknown<'_>) -> napi::Result<CliCommand> {
    let args = array_items(env, args, "args", |env, item, i| {
        string_arg(env, item, &format!("args[{i}]"))
    })?;
    match tc::parse(&args) {
        Ok(tc::Command::Print(text)) => Ok(CliCommand {
            print: Some(text),
            command: None,
        }),
        Ok(tc::Command::AuditVerify(a)) => Ok(CliCommand {
            print: None,
            command: Some(a),
        }),
        Err(e) => Err(throw_cli(env, &e)),
    }
}

/// A table of the database source: its SQL name and the query listing its
/// columns (parameters `columnsParams`).
#[napi(object, object_from_js = false)]
pub struct CliTable {
    /// The table name quoted for SQL (`"audit_events"`).
    pub sql: String,
    /// The columns query (`trustcore::sql::Table::columns_query`).
    pub columns_query: String,
    /// Its parameters: the schema (or `null`: the current one) and the table.
    pub columns_params: Vec<Option<String>>,
}

/// The streaming read of the database source.
#[napi(object, object_from_js = false)]
pub struct CliSelect {
    /// The query (one text column, each row's JSON, in chain order; `$1` is
    /// the number of rows to skip: the run's `position`).
    pub sql: String,
    /// Rows to fetch per round trip from the server-side cursor.
    pub fetch_rows: u32,
    /// For a profile ordered by `seq`: smallest and largest `seq` and the
    /// row count, as text, else `null`.
    pub bounds_sql: Option<String>,
    /// The row count as text (the progress line's total).
    pub count_sql: String,
}

impl CliCommand {
    fn audit_verify(&self, env: &Env) -> napi::Result<&tc::AuditVerify> {
        match &self.command {
            Some(a) => Ok(a),
            None => Err(invalid_argument(
                env,
                "this command line only prints text (see `print`)".to_owned(),
            )),
        }
    }
}

#[napi]
impl CliCommand {
    /// The text to print on stdout (exit code 0), or `null` for a command to
    /// run.
    #[napi(getter)]
    pub fn print(&self) -> Option<String> {
        self.print.clone()
    }

    /// What the front end reads, as the core lists it
    /// (`trustcore::cli::plan_value`): `{source: 'database' | 'files' |
    /// 'stdin', url?, table?, files?, signers, profile, profileIsBuiltin,
    /// checkpoint, fromState, saveState, json, progress: 'auto' | 'always' |
    /// 'never'}`; `null` for text to print.
    #[napi(getter, ts_return_type = "CliPlan | null")]
    pub fn plan(&self) -> Option<Json> {
        self.command
            .as_ref()
            .map(|a| Json(tc::plan_value(a, NAMING)))
    }

    /// Builds the run from the bytes of the files the plan names: the
    /// signers file, the profile document (when `profileIsBuiltin` is
    /// false), the checkpoint note and the saved state. Throws `CliError`
    /// `bad_input` naming the flag.
    #[napi(
        ts_args_type = "signers: Uint8Array, profileDoc?: Uint8Array | null, checkpoint?: Uint8Array | null, state?: Uint8Array | null"
    )]
    pub fn start(
        &self,
        env: &Env,
        signers: Unknown<'_>,
        profile_doc: Option<Unknown<'_>>,
        checkpoint: Option<Unknown<'_>>,
        state: Option<Unknown<'_>>,
    ) -> napi::Result<CliRun> {
        let a = self.audit_verify(env)?;
        let signers = crate::signing::bytes_arg(env, signers, "signers")?;
        let profile_doc = opt_bytes(env, profile_doc, "profileDoc")?;
        let checkpoint = opt_bytes(env, checkpoint, "checkpoint")?;
        let state = opt_bytes(env, state, "state")?;
        let run = a
            .start(
                &signers,
                profile_doc.as_deref(),
                checkpoint.as_deref(),
                state.as_deref(),
            )
            .map_err(|e| throw_cli(env, &e))?;
        Ok(CliRun { inner: Some(run) })
    }

    /// The database source's table (`--table`), parsed by the core: a name
    /// that cannot be used throws `CliError` (`--table: ...`).
    #[napi]
    pub fn database_table(&self, env: &Env) -> napi::Result<CliTable> {
        let a = self.audit_verify(env)?;
        let tc::Source::Database { table, .. } = &a.source else {
            return Err(invalid_argument(
                env,
                "the command's source is not --database-url".to_owned(),
            ));
        };
        let t = Table::parse(table)
            .map_err(|e| throw_cli(env, &tc::Failure::Table.error(e.message())))?;
        Ok(CliTable {
            sql: t.sql(),
            columns_query: Table::columns_query().to_owned(),
            columns_params: t.columns_params().to_vec(),
        })
    }

    /// The streaming read of the table under the command's profile, from
    /// the table's columns (`[name, dataType][]`, the answer of
    /// `columnsQuery`): a table that does not fit the profile (missing,
    /// a missing column, a column of the wrong type) throws `CliError` with
    /// the core's message.
    #[napi(ts_args_type = "profileDoc: Uint8Array | null | undefined, columns: [string, string][]")]
    pub fn select_plan(
        &self,
        env: &Env,
        profile_doc: Option<Unknown<'_>>,
        columns: Unknown<'_>,
    ) -> napi::Result<CliSelect> {
        let a = self.audit_verify(env)?;
        let tc::Source::Database { table, .. } = &a.source else {
            return Err(invalid_argument(
                env,
                "the command's source is not --database-url".to_owned(),
            ));
        };
        let layout = |m: &str| throw_cli(env, &tc::Failure::Layout.error(m));
        let doc = opt_bytes(env, profile_doc, "profileDoc")?;
        let profile = match &doc {
            None => ChainProfile::builtin(&a.profile).map_err(|e| layout(e.message()))?,
            Some(d) => ChainProfile::from_json(d).map_err(|e| layout(e.message()))?,
        };
        let table = Table::parse(table)
            .map_err(|e| throw_cli(env, &tc::Failure::Table.error(e.message())))?;
        let types = crate::sql::columns_arg(env, columns)?;
        let plan = SelectPlan::new(&profile, &table, &types).map_err(|e| layout(e.message()))?;
        Ok(CliSelect {
            sql: plan.sql,
            fetch_rows: SelectPlan::FETCH_ROWS,
            bounds_sql: plan.bounds_sql,
            count_sql: plan.count_sql,
        })
    }
}

/// A running `audit-verify`: feed it the bytes or rows, then `finish`.
#[napi]
pub struct CliRun {
    inner: Option<tc::Run>,
}

/// What `CliRun.finish` returns: print `stdout`, write `state` to the
/// `--save-state` file (when not `null`), exit with `exitCode`.
#[napi(object, object_from_js = false)]
pub struct CliOutcome {
    /// The report as the core renders it (human, or `--json`).
    pub stdout: String,
    /// The verifier state to save (`--save-state`), else `null`.
    pub state: Option<String>,
    /// 0 valid, 1 broken.
    pub exit_code: i32,
}

impl CliRun {
    fn live(&mut self, env: &Env) -> napi::Result<&mut tc::Run> {
        match self.inner.as_mut() {
            Some(r) => Ok(r),
            None => Err(crate::coded_error(
                env,
                "CliError",
                tc::ErrorCode::Usage.as_str(),
                "this CliRun has finished",
            )),
        }
    }
}

/// One row as UTF-8 bytes: a string (its UTF-8 form) or bytes.
fn row_arg<'a>(env: &Env, value: Unknown<'a>, what: &str) -> napi::Result<RowText<'a>> {
    match type_of(value)? {
        ValueType::String => {
            let units = crate::utf16_units(value)?;
            Ok(RowText::Owned(trustcore::canonical::wtf8_from_utf16(
                &units,
            )))
        }
        ValueType::Object if value.is_typedarray()? => {
            Ok(RowText::Bytes(crate::signing::bytes_arg(env, value, what)?))
        }
        _ => Err(invalid_argument(
            env,
            format!(
                "{what} must be a string or a Uint8Array, got {}",
                describe(value)
            ),
        )),
    }
}

enum RowText<'a> {
    Owned(Vec<u8>),
    Bytes(Uint8ArraySlice<'a>),
}

impl std::ops::Deref for RowText<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            RowText::Owned(v) => v,
            RowText::Bytes(b) => b,
        }
    }
}

#[napi]
impl CliRun {
    /// Feeds JSONL bytes (lines may span chunks).
    #[napi(ts_args_type = "chunk: Uint8Array")]
    pub fn feed(&mut self, env: &Env, chunk: Unknown<'_>) -> napi::Result<()> {
        let bytes = crate::signing::bytes_arg(env, chunk, "chunk")?;
        self.live(env)?.feed(&bytes);
        Ok(())
    }

    /// Feeds one row (a table row's JSON text).
    #[napi(ts_args_type = "row: string | Uint8Array")]
    pub fn feed_row(&mut self, env: &Env, row: Unknown<'_>) -> napi::Result<()> {
        let row = row_arg(env, row, "row")?;
        self.live(env)?.feed_row(&row);
        Ok(())
    }

    /// Feeds rows in order (one cursor batch); the same as `feedRow` for each.
    #[napi(ts_args_type = "rows: (string | Uint8Array)[]")]
    pub fn feed_rows(&mut self, env: &Env, rows: Unknown<'_>) -> napi::Result<()> {
        let run = self.live(env)?;
        array_items(env, rows, "rows", |env, item, i| {
            let row = row_arg(env, item, &format!("rows[{i}]"))?;
            run.feed_row(&row);
            Ok(())
        })?;
        Ok(())
    }

    /// Feeds one row as a PostgreSQL table returned it (the select plan's
    /// text): its numbers are put back to JSON's spelling first
    /// (`trustcore::sql::table_row`: jsonb prints the `1e+21` a writer
    /// wrote as `1000000000000000000000`).
    #[napi(ts_args_type = "row: string | Uint8Array")]
    pub fn feed_table_row(&mut self, env: &Env, row: Unknown<'_>) -> napi::Result<()> {
        let row = row_arg(env, row, "row")?;
        self.live(env)?.feed_table_row(&row);
        Ok(())
    }

    /// Feeds table rows in order (one cursor batch); the same as
    /// `feedTableRow` for each.
    #[napi(ts_args_type = "rows: (string | Uint8Array)[]")]
    pub fn feed_table_rows(&mut self, env: &Env, rows: Unknown<'_>) -> napi::Result<()> {
        let run = self.live(env)?;
        array_items(env, rows, "rows", |env, item, i| {
            let row = row_arg(env, item, &format!("rows[{i}]"))?;
            run.feed_table_row(&row);
            Ok(())
        })?;
        Ok(())
    }

    /// Rows fed so far, with a resumed state's: the rows a table read skips
    /// (`$1` of the select).
    #[napi(getter)]
    pub fn position(&mut self, env: &Env) -> napi::Result<f64> {
        Ok(self.live(env)?.position() as f64)
    }

    /// Ends the stream and renders the outcome. The run cannot be fed
    /// afterwards.
    #[napi]
    pub fn finish(&mut self, env: &Env) -> napi::Result<CliOutcome> {
        self.live(env)?;
        let Some(run) = self.inner.take() else {
            return Err(napi::Error::from_reason("unreachable: checked above"));
        };
        let o = run.finish();
        Ok(CliOutcome {
            stdout: o.stdout,
            state: o.state,
            exit_code: o.exit_code,
        })
    }
}

/// Where an IO failure happened, for `cliFailure` (TypeScript only; read
/// with the core's options reader).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct CliFailureAt {
    /// The flag (`--signers`, ...) for `readFlag`.
    pub flag: Option<String>,
    /// The path for `readFlag` and `saveState`.
    pub path: Option<String>,
    /// The input (a path, or `stdin`) for `readInput`.
    pub what: Option<String>,
    /// The table (as SQL) for `readTable`.
    pub table: Option<String>,
    /// How to install the database client, for `missingClient`.
    pub install: Option<String>,
}

/// The `CliError` (not thrown; `bad_input`, `line`, `exitCode` 2) for
/// something the front end could not do (`trustcore::cli::Failure`):
/// `kind` is `readFlag` (`at.flag`, `at.path`), `readInput` (`at.what`),
/// `connect`, `database`, `readTable` (`at.table`), `saveState`
/// (`at.path`), `table`, `layout` or `missingClient` (`at.install`);
/// `detail` is the system's or the server's own words (see `osErrorText`).
#[napi(
    js_name = "cliFailure",
    ts_args_type = "kind: 'readFlag' | 'readInput' | 'connect' | 'database' | 'readTable' | 'saveState' | 'table' | 'layout' | 'missingClient', detail: string, at?: CliFailureAt",
    ts_return_type = "CliError"
)]
pub fn cli_failure<'e>(
    env: &'e Env,
    kind: Unknown<'_>,
    detail: Unknown<'_>,
    at: Option<Unknown<'_>>,
) -> napi::Result<Object<'e>> {
    let kind = string_arg(env, kind, "kind")?;
    let detail = string_arg(env, detail, "detail")?;
    let at = crate::options_value(env, at)?;
    let mut r = trustcore::options::Reader::new(at.as_ref(), NAMING).or_throw(env)?;
    let flag = r.string("flag").or_throw(env)?.map(str::to_owned);
    let path = r.string("path").or_throw(env)?.map(str::to_owned);
    let what = r.string("what").or_throw(env)?.map(str::to_owned);
    let table = r.string("table").or_throw(env)?.map(str::to_owned);
    let install = r.string("install").or_throw(env)?.map(str::to_owned);
    r.finish().or_throw(env)?;
    let need = |v: &Option<String>, name: &str| -> napi::Result<String> {
        v.clone()
            .ok_or_else(|| invalid_argument(env, format!("cliFailure {kind:?} needs at.{name}")))
    };
    let e = match kind.as_str() {
        "readFlag" => {
            let (flag, path) = (need(&flag, "flag")?, need(&path, "path")?);
            tc::Failure::ReadFlag {
                flag: &flag,
                path: &path,
            }
            .error(&detail)
        }
        "readInput" => tc::Failure::ReadInput {
            what: &need(&what, "what")?,
        }
        .error(&detail),
        "connect" => tc::Failure::Connect.error(&detail),
        "database" => tc::Failure::Database.error(&detail),
        "readTable" => tc::Failure::ReadTable {
            table: &need(&table, "table")?,
        }
        .error(&detail),
        "saveState" => tc::Failure::SaveState {
            path: &need(&path, "path")?,
        }
        .error(&detail),
        "table" => tc::Failure::Table.error(&detail),
        "layout" => tc::Failure::Layout.error(&detail),
        "missingClient" => tc::Failure::MissingClient {
            install: &need(&install, "install")?,
        }
        .error(&detail),
        other => {
            return Err(invalid_argument(
                env,
                format!("unknown failure kind {other:?}"),
            ))
        }
    };
    cli_error_object(env, &e)
}

/// A finite number argument.
fn number_arg(env: &Env, value: Unknown<'_>, what: &str) -> napi::Result<f64> {
    use napi::bindgen_prelude::FromNapiValue;
    if type_of(value)? == ValueType::Number {
        let n = f64::from_unknown(value)?;
        if n.is_finite() {
            return Ok(n);
        }
    }
    Err(invalid_argument(
        env,
        format!("{what} must be a finite number, got {}", describe(value)),
    ))
}

/// The operating system's own words for an error number (what the Rust
/// binary prints for an IO error: `No such file or directory (os error
/// 2)`). Node's system errors carry `errno` negated: pass `-err.errno`.
#[napi(js_name = "osErrorText", ts_args_type = "errno: number")]
pub fn os_error_text(env: &Env, errno: Unknown<'_>) -> napi::Result<String> {
    let n = number_arg(env, errno, "errno")?;
    if n.fract() != 0.0 || !(0.0..=4095.0).contains(&n) {
        return Err(invalid_argument(
            env,
            format!("errno must be an integer from 0 to 4095, got {n}"),
        ));
    }
    Ok(std::io::Error::from_raw_os_error(n as i32).to_string())
}

/// The progress line (`trustcore::cli::progress_line`, without a newline):
/// events, rate, and with a total the share and time left.
#[napi(
    js_name = "progressLine",
    ts_args_type = "events: number, bytes: number, totalBytes: number | null | undefined, elapsedSecs: number"
)]
pub fn progress_line(
    env: &Env,
    events: Unknown<'_>,
    bytes: Unknown<'_>,
    total_bytes: Option<Unknown<'_>>,
    elapsed_secs: Unknown<'_>,
) -> napi::Result<String> {
    let events = number_arg(env, events, "events")?;
    let bytes = number_arg(env, bytes, "bytes")?;
    let total = match total_bytes {
        Some(t) if !is_nullish(t)? => Some(number_arg(env, t, "totalBytes")?),
        _ => None,
    };
    let elapsed = number_arg(env, elapsed_secs, "elapsedSecs")?;
    Ok(tc::progress_line(
        events.max(0.0) as u64,
        bytes.max(0.0) as u64,
        total.map(|t| t.max(0.0) as u64),
        elapsed,
    ))
}

/// The command line's help text (`trustcore audit-verify --help`).
#[napi]
pub const CLI_HELP: &str = tc::HELP;

/// The plan of a command (TypeScript only; see `CliCommand.plan`).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct CliPlan {
    /// Where the rows come from.
    #[napi(ts_type = "'database' | 'files' | 'stdin'")]
    pub source: String,
    /// The connection URL (database source).
    pub url: Option<String>,
    /// The table (database source).
    pub table: Option<String>,
    /// The files, in order (files source).
    pub files: Option<Vec<String>>,
    /// The signers file's path.
    pub signers: String,
    /// A built-in profile name or a profile document's path.
    pub profile: String,
    /// Whether `profile` names a built-in.
    pub profile_is_builtin: bool,
    /// The checkpoint's path.
    pub checkpoint: Option<String>,
    /// The state to resume from (path).
    pub from_state: Option<String>,
    /// Where to save the state (path).
    pub save_state: Option<String>,
    /// `--json`.
    pub json: bool,
    /// When to draw the progress line.
    #[napi(ts_type = "'auto' | 'always' | 'never'")]
    pub progress: String,
}

/// A command-line error (TypeScript only): what `cliParse`, `CliCommand`
/// methods throw and `cliFailure` returns.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct CliError {
    /// `'CliError'`.
    #[napi(ts_type = "'CliError'")]
    pub name: String,
    /// `usage` or `bad_input`.
    #[napi(ts_type = "'usage' | 'bad_input'")]
    pub code: String,
    /// The message.
    pub message: String,
    /// The one line to print on stderr.
    pub line: String,
    /// The process exit code (2).
    pub exit_code: i32,
}

factory_only!(CliCommand, "cliParse");
factory_only!(CliRun, "CliCommand.start");
