//! PostgreSQL, without a connection: the SQL every front end sends and how
//! its answers become rows, defined once (the core does no IO; the
//! `trustcore` binary, the Node and the Python helpers only execute these
//! statements and stream the text they return).
//!
//! * Reading: [`SelectPlan`] checks the table's columns against the
//!   profile (a missing column or one of the wrong type is an error naming
//!   it) and builds one `SELECT` that returns each row as JSON text in the
//!   profile's spelling — `timestamptz` rendered exactly as the writer
//!   wrote it (RFC 3339 with trimmed fraction digits, or PostgreSQL's own
//!   text), `jsonb` payloads as JSON — in the profile's order, to be read
//!   through a server-side cursor in bounded memory.
//! * Appending: [`AppendPlan`] gives the lock, the head query and the
//!   `INSERT` with its parameters, so that one transaction locks the head,
//!   builds and signs the next row and inserts it: concurrent appenders
//!   serialize, and the unique `prev_hash` of [`migration`] makes a fork
//!   impossible to insert even by a writer that skips the lock.
//! * [`migration`]: the table of a profile, with those constraints.

use crate::chain::{Head, Row};
use crate::digest::{self, Digest};
use crate::profile::{ChainProfile, Genesis, Order, TimeFormat};
use crate::text::quote;
use crate::time::Timestamp;
use serde_json::Value;

stable_codes! {
    /// Stable error codes of the PostgreSQL plans.
    pub enum ErrorCode {
        /// A table name that is not `name` or `schema.name` of SQL
        /// identifier characters.
        InvalidTableName = "invalid_table_name",
        /// The table does not exist (or has no columns visible).
        MissingTable = "missing_table",
        /// A column the profile maps is not in the table.
        MissingColumn = "missing_column",
        /// A column's type does not fit its role.
        ColumnType = "column_type",
        /// A row that cannot be written to the table as it is typed.
        UnwritableRow = "unwritable_row",
        /// A head query's row count that is not one (negative, or beyond a
        /// `bigint`).
        InvalidCount = "invalid_count",
    }
}

coded_error! {
    /// A PostgreSQL plan error.
}

fn ident_ok(s: &str) -> bool {
    let mut c = s.chars();
    matches!(c.next(), Some(f) if f.is_ascii_alphabetic() || f == '_')
        && c.all(|x| x.is_ascii_alphanumeric() || x == '_')
        && s.len() <= 63
}

/// A table name, `name` or `schema.name`, quoted for SQL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// The schema, when given.
    pub schema: Option<String>,
    /// The table.
    pub name: String,
}

impl Table {
    /// Parses `name` or `schema.name` (SQL identifier characters only, so
    /// nothing can be injected).
    pub fn parse(s: &str) -> Result<Table, Error> {
        let parts: Vec<&str> = s.split('.').collect();
        let ok = !parts.is_empty() && parts.len() <= 2 && parts.iter().all(|p| ident_ok(p));
        if !ok {
            return Err(Error::new(
                ErrorCode::InvalidTableName,
                format!(
                    "table {} is not a name or schema.name of letters, digits and _",
                    quote(s)
                ),
            ));
        }
        Ok(match parts.as_slice() {
            [schema, name] => Table {
                schema: Some(schema.to_string()),
                name: name.to_string(),
            },
            _ => Table {
                schema: None,
                name: s.to_string(),
            },
        })
    }

    /// The quoted name for SQL.
    pub fn sql(&self) -> String {
        match &self.schema {
            Some(s) => format!("\"{s}\".\"{}\"", self.name),
            None => format!("\"{}\"", self.name),
        }
    }

    /// The query listing the table's columns and their types: parameters
    /// `$1` the schema (or NULL for the current one), `$2` the table.
    pub fn columns_query() -> &'static str {
        "SELECT column_name::text, data_type::text FROM information_schema.columns \
         WHERE table_schema = COALESCE($1, current_schema()) AND table_name = $2 ORDER BY ordinal_position"
    }

    /// The parameters of [`Table::columns_query`].
    pub fn columns_params(&self) -> [Option<String>; 2] {
        [self.schema.clone(), Some(self.name.clone())]
    }
}

/// How one column is read and written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Uuid,
    Text,
    Int,
    Timestamptz,
    Json,
    Jsonb,
    /// An extra column: rendered by PostgreSQL's `to_json`.
    Any,
}

fn kind_of(data_type: &str) -> Option<Kind> {
    Some(match data_type {
        "uuid" => Kind::Uuid,
        "text" | "character varying" | "character" => Kind::Text,
        "bigint" | "integer" | "smallint" => Kind::Int,
        "timestamp with time zone" => Kind::Timestamptz,
        "json" => Kind::Json,
        "jsonb" => Kind::Jsonb,
        _ => return None,
    })
}

/// A table's columns checked against a profile.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Layout {
    table: Table,
    /// (column, kind, role name) in the profile's member order.
    columns: Vec<(String, Kind)>,
}

fn layout(
    profile: &ChainProfile,
    table: &Table,
    types: &[(String, String)],
) -> Result<Layout, Error> {
    if types.is_empty() {
        return Err(Error::new(
            ErrorCode::MissingTable,
            format!(
                "table {} does not exist (or this user cannot see its columns); create it with the profile's migration",
                table.sql()
            ),
        ));
    }
    let c = &profile.columns;
    let roles: Vec<(&str, &str, &[Kind])> = {
        let mut v: Vec<(&str, &str, &[Kind])> = vec![
            (c.id.as_str(), "id", &[Kind::Uuid, Kind::Text]),
            (c.ts.as_str(), "timestamp", &[Kind::Timestamptz, Kind::Text]),
            (
                c.payload.as_str(),
                "payload",
                &[Kind::Jsonb, Kind::Json, Kind::Text],
            ),
            (c.prev_hash.as_str(), "prev_hash", &[Kind::Text]),
            (c.hash.as_str(), "hash", &[Kind::Text]),
            (c.signer.as_str(), "signer", &[Kind::Text]),
            (c.signature.as_str(), "signature", &[Kind::Text]),
        ];
        if let Some(s) = &c.seq {
            v.push((s.as_str(), "seq", &[Kind::Int]));
        }
        if let Some(e) = &c.event_type {
            v.push((e.as_str(), "event type", &[Kind::Text]));
        }
        if let Some(a) = &c.actor {
            v.push((a.as_str(), "actor", &[Kind::Text]));
        }
        v
    };
    let mut columns = Vec::new();
    for name in profile.column_names() {
        let Some((_, ty)) = types.iter().find(|(n, _)| n == name) else {
            return Err(Error::new(
                ErrorCode::MissingColumn,
                format!(
                    "table {} has no column {} (profile {} needs it)",
                    table.sql(),
                    quote(name),
                    profile.name
                ),
            ));
        };
        let kind = match roles.iter().find(|(n, _, _)| *n == name) {
            None => Kind::Any,
            Some((_, role, allowed)) => {
                let k = kind_of(ty).filter(|k| allowed.contains(k));
                k.ok_or_else(|| {
                    Error::new(
                        ErrorCode::ColumnType,
                        format!(
                            "column {} of table {} has type {ty}, which cannot hold the {role}",
                            quote(name),
                            table.sql()
                        ),
                    )
                })?
            }
        };
        columns.push((name.to_string(), kind));
    }
    if columns.len() > 50 {
        return Err(Error::new(
            ErrorCode::ColumnType,
            "a profile of more than 50 columns cannot be read in one json_build_object",
        ));
    }
    Ok(Layout {
        table: table.clone(),
        columns,
    })
}

/// The SQL expression of a column in the row JSON.
fn read_expr(profile: &ChainProfile, name: &str, kind: Kind) -> String {
    let col = format!("\"{name}\"");
    match kind {
        Kind::Timestamptz if name == profile.columns.ts => {
            // Exactly Timestamp's canonical rendering: trailing fraction
            // zeros (and a bare '.') trimmed, in UTC.
            let (sep, zone) = match profile.timestamp {
                TimeFormat::Rfc3339 => ("\"T\"", "Z"),
                TimeFormat::Postgres => (" ", "+00"),
            };
            format!(
                "rtrim(rtrim(to_char({col} AT TIME ZONE 'UTC', 'YYYY-MM-DD{sep}HH24:MI:SS.US'), '0'), '.') || '{zone}'"
            )
        }
        Kind::Uuid => format!("{col}::text"),
        Kind::Text if name == profile.columns.payload => format!("{col}::json"),
        _ => col,
    }
}

fn order_sql(profile: &ChainProfile, desc: bool) -> String {
    let d = if desc { " DESC" } else { "" };
    // Total: rows with one seq (a replayed row) come in id order, so every
    // read of the table, and every segment of it, sees one order.
    match (&profile.order, &profile.columns.seq) {
        (Order::Seq, Some(s)) => format!("\"{s}\"{d}, \"{}\"{d}", profile.columns.id),
        _ => format!(
            "\"{}\"{d}, \"{}\"{d}",
            profile.columns.ts, profile.columns.id
        ),
    }
}

fn row_json_sql(profile: &ChainProfile, l: &Layout) -> String {
    let pairs: Vec<String> = l
        .columns
        .iter()
        .map(|(n, k)| format!("'{n}', {}", read_expr(profile, n, *k)))
        .collect();
    format!("json_build_object({})::text", pairs.join(", "))
}

/// The streaming read of a table under a profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SelectPlan {
    /// The query: one text column, each row's JSON, in chain order;
    /// parameter `$1` is the number of rows to skip (a resumed state's
    /// position, else 0).
    pub sql: String,
    /// One segment of the table by place (`chain::segment`): `$1` rows
    /// skipped, at most `$2` read, in chain order.
    pub window_sql: String,
    /// For a profile ordered by `seq`: one segment by `seq` range, `$1 <=
    /// seq < $2` (a null bound is open: the first and last ranges take
    /// every `seq`, tampered ones too), in chain order (segments of
    /// consecutive ranges, in order, read the table exactly as
    /// [`Self::sql`] does).
    pub seq_range_sql: Option<String>,
    /// For a profile ordered by `seq`: the smallest and largest `seq` and
    /// the row count (as text), to plan seq ranges.
    pub bounds_sql: Option<String>,
    /// The row count (as text): the progress line's total, or the windows
    /// of a profile without `seq`.
    pub count_sql: String,
}

impl SelectPlan {
    /// Checks `types` (the answer of [`Table::columns_query`]: column name
    /// and `data_type`) against `profile` and builds the query.
    pub fn new(
        profile: &ChainProfile,
        table: &Table,
        types: &[(String, String)],
    ) -> Result<SelectPlan, Error> {
        let l = layout(profile, table, types)?;
        let (row, t, order) = (
            row_json_sql(profile, &l),
            l.table.sql(),
            order_sql(profile, false),
        );
        let seq = match (&profile.order, &profile.columns.seq) {
            (Order::Seq, Some(s)) => Some(s),
            _ => None,
        };
        Ok(SelectPlan {
            sql: format!("SELECT {row} FROM {t} ORDER BY {order} OFFSET $1::bigint"),
            window_sql: format!(
                "SELECT {row} FROM {t} ORDER BY {order} OFFSET $1::bigint LIMIT $2::bigint"
            ),
            seq_range_sql: seq.map(|s| {
                format!(
                    "SELECT {row} FROM {t} WHERE ($1::bigint IS NULL OR \"{s}\" >= $1::bigint) AND ($2::bigint IS NULL OR \"{s}\" < $2::bigint) ORDER BY {order}"
                )
            }),
            bounds_sql: seq.map(|s| {
                format!("SELECT min(\"{s}\")::text, max(\"{s}\")::text, count(*)::text FROM {t}")
            }),
            count_sql: format!("SELECT count(*)::text FROM {t}"),
        })
    }

    /// Rows a front end fetches per round trip from its server-side cursor.
    pub const FETCH_ROWS: u32 = 5000;
}

/// A row's JSON text as the table returned it, with PostgreSQL's spelling of
/// numbers put back to JSON's: `jsonb` keeps a number as a decimal and
/// prints it without exponent, so the `1e+21` canonical JSON wrote comes
/// back as `1000000000000000000000` — an integer literal beyond 2^53 that
/// canonical JSON refuses unless it is the ECMAScript spelling of its double
/// (`docs/canonical-json.md`). A literal that is the decimal expansion of
/// the ECMAScript spelling of its double is written as that spelling again
/// (the value the row was written with); any other text is unchanged, and a
/// literal that is not such an expansion stays and is refused by the
/// verifier as it should be. Every front end passes the rows
/// of [`SelectPlan`] and [`AppendPlan::head_sql`] through this.
pub fn table_row(text: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    use std::borrow::Cow;
    let mut out: Option<Vec<u8>> = None;
    let mut copied = 0;
    let mut i = 0;
    let mut in_str = false;
    while i < text.len() {
        let c = text[i];
        if in_str {
            match c {
                b'\\' => i += 1,
                b'"' => in_str = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        match c {
            b'"' => {
                in_str = true;
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                i += 1;
                while i < text.len()
                    && matches!(text[i], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
                {
                    i += 1;
                }
                let lit = &text[start..i];
                let digits = lit.iter().filter(|b| b.is_ascii_digit()).count();
                // Only long plain integers can be refused yet exact.
                if digits < 16 || lit.iter().any(|b| matches!(b, b'.' | b'e' | b'E' | b'+')) {
                    continue;
                }
                let Some(v) = std::str::from_utf8(lit)
                    .ok()
                    .and_then(|t| t.parse::<f64>().ok())
                else {
                    continue;
                };
                if !v.is_finite()
                    || crate::canonical::integer_text_to_f64(std::str::from_utf8(lit).unwrap_or(""))
                        .is_ok()
                {
                    continue;
                }
                let Ok(spelled) = crate::canonical::format_f64(v) else {
                    continue;
                };
                if !expands_to(lit, &spelled) {
                    continue;
                }
                let o = out.get_or_insert_with(|| Vec::with_capacity(text.len() + 8));
                o.extend_from_slice(&text[copied..start]);
                o.extend_from_slice(spelled.as_bytes());
                copied = i;
            }
            _ => i += 1,
        }
    }
    match out {
        None => Cow::Borrowed(text),
        Some(mut o) => {
            o.extend_from_slice(&text[copied..]);
            Cow::Owned(o)
        }
    }
}

/// Whether the integer literal `lit` (optional `-`, digits) is the decimal
/// expansion of the ECMAScript spelling `es` of a double (`1e+21` is
/// `1000000000000000000000`, `1.5e+25` is `15` and 24 zeros): what
/// PostgreSQL's `numeric` prints for the value canonical JSON wrote.
fn expands_to(lit: &[u8], es: &str) -> bool {
    let (neg, digits) = match lit.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, lit),
    };
    let (es_neg, es) = match es.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, es),
    };
    if neg != es_neg {
        return false;
    }
    let Some((mantissa, exp)) = es.split_once("e+") else {
        return false;
    };
    let Ok(exp) = exp.parse::<usize>() else {
        return false;
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.len() != 1 || frac.len() > exp {
        return false;
    }
    let mut want = String::with_capacity(exp + 1);
    want.push_str(int);
    want.push_str(frac);
    want.extend(std::iter::repeat('0').take(exp - frac.len()));
    want.as_bytes() == digits
}

/// How many times a front end runs an append transaction that failed with
/// a [`retryable`] state before it reports the error.
pub const APPEND_ATTEMPTS: u32 = 8;

/// Whether an append transaction that failed with this SQLSTATE may be run
/// again from the start (a fresh head): another writer inserted first
/// (`23505` unique violation: the unique `seq` or `prev_hash` refused a
/// fork), a serialization failure (`40001`) or a deadlock (`40P01`).
/// Anything else is reported as it is; after [`APPEND_ATTEMPTS`] the last
/// error is.
pub fn retryable(sqlstate: &str) -> bool {
    matches!(sqlstate, "23505" | "40001" | "40P01")
}

/// One transaction that appends a row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppendPlan {
    /// `SELECT pg_advisory_xact_lock($1)`, with [`AppendPlan::lock_key`].
    pub lock_sql: String,
    /// The lock's key: the table's, the same in every process.
    pub lock_key: i64,
    /// The head row as JSON text (no row: a new chain), and the number of
    /// rows (the head's place, for profiles without a seq column).
    pub head_sql: String,
    /// The `INSERT`, parameters in [`AppendPlan::params`] order.
    pub insert_sql: String,
    layout: Vec<(String, Kind)>,
    timestamptz: bool,
}

/// The advisory lock key of a table, the same in every process: the first
/// 8 bytes of SHA-256 of `trustcore:` and the table's quoted name. Appends
/// and migrations of the table take it.
fn table_lock_key(table: &Table) -> i64 {
    let d = Digest::of(
        digest::Algorithm::Sha256,
        format!("trustcore:{}", table.sql()).as_bytes(),
    );
    let mut first = [0u8; 8];
    first.copy_from_slice(&d.as_bytes()[..8]);
    i64::from_be_bytes(first)
}

impl AppendPlan {
    /// Checks the table's columns and builds the statements.
    pub fn new(
        profile: &ChainProfile,
        table: &Table,
        types: &[(String, String)],
    ) -> Result<AppendPlan, Error> {
        let l = layout(profile, table, types)?;
        let cols: Vec<String> = l.columns.iter().map(|(n, _)| format!("\"{n}\"")).collect();
        let values: Vec<String> = l
            .columns
            .iter()
            .enumerate()
            .map(|(i, (_, k))| {
                // Every parameter is sent as text (the same in every
                // client), then cast to the column's type.
                let cast = match k {
                    Kind::Uuid => "::uuid",
                    Kind::Int => "::bigint",
                    Kind::Timestamptz => "::timestamptz",
                    Kind::Json => "::json",
                    Kind::Jsonb => "::jsonb",
                    Kind::Text => "",
                    Kind::Any => "::jsonb",
                };
                format!("${}::text{cast}", i + 1)
            })
            .collect();
        let timestamptz = l
            .columns
            .iter()
            .any(|(n, k)| *n == profile.columns.ts && *k == Kind::Timestamptz);
        Ok(AppendPlan {
            lock_sql: "SELECT pg_advisory_xact_lock($1::bigint)".into(),
            lock_key: table_lock_key(&l.table),
            head_sql: format!(
                "SELECT (SELECT {} FROM {t} ORDER BY {} LIMIT 1), (SELECT count(*) FROM {t})",
                row_json_sql(profile, &l),
                order_sql(profile, true),
                t = l.table.sql()
            ),
            insert_sql: format!(
                "INSERT INTO {} ({}) VALUES ({})",
                l.table.sql(),
                cols.join(", "),
                values.join(", ")
            ),
            layout: l.columns,
            timestamptz,
        })
    }

    /// The writer's head from the answer of `head_sql` (the last row's JSON
    /// or none, and the row count). A count outside a `bigint`'s 0 to
    /// 2^63-1 is `invalid_count` (it is wide so that a binding hands over
    /// whatever integer it was given, and this is the one place that
    /// refuses it).
    pub fn head(
        &self,
        profile: &ChainProfile,
        row: Option<&str>,
        count: i128,
    ) -> Result<Head, crate::Error> {
        let Some(count) = u64::try_from(count).ok().filter(|&n| n <= i64::MAX as u64) else {
            return Err(Error::new(
                ErrorCode::InvalidCount,
                format!(
                    "count {count} is not a row count: the head query's count(*) is 0 to {}",
                    i64::MAX
                ),
            )
            .into());
        };
        let Some(text) = row else {
            return Ok(Head::default());
        };
        let r = Row::read(&table_row(text.as_bytes()), profile).map_err(|(reason, m)| {
            Error::new(
                ErrorCode::UnwritableRow,
                format!(
                    "the table's last row cannot be read ({}): {m}",
                    reason.as_str()
                ),
            )
        })?;
        let at = Timestamp::parse(r.ts())
            .or_else(|_| {
                let pg = r.ts().replacen(' ', "T", 1).replacen("+00", "Z", 1);
                Timestamp::parse(&pg)
            })
            .map_err(|e| Error::new(ErrorCode::UnwritableRow, e.message().to_string()))?;
        Ok(Head {
            hash: r.hash(),
            seq: r.seq().unwrap_or(count),
            ts: Some(match profile.timestamp {
                TimeFormat::Rfc3339 => r.ts().to_string(),
                TimeFormat::Postgres => at.to_string(),
            }),
        })
    }

    /// A body's timestamp as the table will give it back: for a
    /// `timestamptz` column of an RFC 3339 profile, the canonical text at
    /// microsecond precision (what [`SelectPlan`] renders), so the hash a
    /// writer makes is the hash a reader finds. More than six fraction
    /// digits are refused rather than rounded.
    pub fn body_ts(&self, profile: &ChainProfile, ts: &str) -> Result<String, crate::Error> {
        if !self.timestamptz || profile.timestamp != TimeFormat::Rfc3339 {
            return Ok(ts.to_string());
        }
        let at = Timestamp::parse(ts)?;
        if at.subsec_nanos() % 1000 != 0 {
            return Err(Error::new(
                ErrorCode::UnwritableRow,
                format!(
                    "ts {} has sub-microsecond digits, which a timestamptz column cannot keep",
                    quote(ts)
                ),
            )
            .into());
        }
        Ok(at.to_string())
    }

    /// The timestamp of a row appended `now` (the caller's clock, read after
    /// the lock) on top of `head`: [`body_ts`](AppendPlan::body_ts) of
    /// `now`, or the head's own time when `now` is before it. Two writers'
    /// clocks differ in precision (JavaScript's `Date` has milliseconds,
    /// Python's microseconds) and a wall clock can step back, so a later
    /// append can read an earlier time than the row it follows; the chain
    /// only requires times that never go back, and a stamped row takes its
    /// predecessor's time rather than fail with `ts_regression` (a time the
    /// caller gives itself is never changed: the writer refuses it).
    pub fn stamp(
        &self,
        profile: &ChainProfile,
        head: &Head,
        now: &str,
    ) -> Result<String, crate::Error> {
        let written = self.body_ts(profile, now)?;
        let Some(head_ts) = head.ts.as_deref() else {
            return Ok(written);
        };
        let (Ok(at), Ok(last)) = (Timestamp::parse(&written), Timestamp::parse(head_ts)) else {
            return Ok(written);
        };
        if at >= last {
            return Ok(written);
        }
        match profile.timestamp {
            TimeFormat::Rfc3339 => self.body_ts(profile, head_ts),
            TimeFormat::Postgres => Ok(head_ts.to_string()),
        }
    }

    /// The `INSERT`'s parameters for a written row, as text (NULL for JSON
    /// null), in column order.
    pub fn params(&self, row: &Row) -> Vec<Option<String>> {
        let v = row.to_value();
        self.layout
            .iter()
            .map(|(name, kind)| match v.get(name) {
                // A JSON null in a json/jsonb column is the JSON value null,
                // not SQL NULL (which a NOT NULL payload column refuses);
                // both read back as null.
                Some(Value::Null) if matches!(kind, Kind::Json | Kind::Jsonb) => {
                    Some("null".to_string())
                }
                None | Some(Value::Null) => None,
                Some(Value::String(s)) if !matches!(kind, Kind::Json | Kind::Jsonb | Kind::Any) => {
                    Some(s.clone())
                }
                Some(other) => Some(
                    String::from_utf8(
                        crate::canonical::canonicalize_value(other, &Default::default())
                            .unwrap_or_default(),
                    )
                    .unwrap_or_default(),
                ),
            })
            .collect()
    }
}

/// The table of a profile, with the constraints that make a fork impossible
/// to insert: a unique `prev_hash` (NULL included for a null genesis), a
/// unique hash, a unique `seq` from 1, and the id as primary key.
/// Idempotent (`IF NOT EXISTS`), and safe to run from processes starting
/// at the same moment: it first takes the table's advisory lock for its
/// transaction (the one appends take), because two concurrent `CREATE
/// TABLE IF NOT EXISTS` can otherwise fail inside PostgreSQL's catalog
/// (`type "…" already exists`). Run it as one transaction (one
/// multi-statement query is one).
pub fn migration(profile: &ChainProfile, table: &Table) -> String {
    let c = &profile.columns;
    let mut cols = vec![format!("  \"{}\" uuid PRIMARY KEY", c.id)];
    if let Some(s) = &c.seq {
        cols.push(format!(
            "  \"{s}\" bigint NOT NULL UNIQUE CHECK (\"{s}\" >= 1)"
        ));
    }
    cols.push(format!("  \"{}\" timestamptz NOT NULL", c.ts));
    if let Some(e) = &c.event_type {
        cols.push(format!("  \"{e}\" text NOT NULL"));
    }
    if let Some(a) = &c.actor {
        cols.push(format!("  \"{a}\" text NOT NULL"));
    }
    cols.push(format!("  \"{}\" jsonb NOT NULL", c.payload));
    let prev_null = if profile.genesis == Genesis::Null {
        ""
    } else {
        " NOT NULL"
    };
    cols.push(format!(
        "  \"{}\" text{prev_null} UNIQUE NULLS NOT DISTINCT",
        c.prev_hash
    ));
    cols.push(format!("  \"{}\" text NOT NULL UNIQUE", c.hash));
    cols.push(format!("  \"{}\" text NOT NULL", c.signer));
    cols.push(format!("  \"{}\" text NOT NULL", c.signature));
    for e in &profile.extra {
        cols.push(format!("  \"{}\" jsonb", e.name));
    }
    let mut out = format!(
        "-- trustcore: the {} table of profile {} (generated by trustcore::sql::migration).\n\
         -- A unique prev_hash means two rows can never claim the same predecessor: a fork cannot be inserted.\n\
         -- The table's advisory lock first, held to the end of the transaction (run this as one: psql -1 -f): migrations started at the same moment run one after the other.\n\
         SELECT pg_advisory_xact_lock({});\n\
         CREATE TABLE IF NOT EXISTS {} (\n{}\n);\n",
        table.name,
        profile.name,
        table_lock_key(table),
        table.sql(),
        cols.join(",\n")
    );
    if profile.order == Order::Ts {
        out.push_str(&format!(
            "CREATE INDEX IF NOT EXISTS \"{}_order\" ON {} (\"{}\", \"{}\");\n",
            table.name,
            table.sql(),
            c.ts,
            c.id
        ));
    }
    out
}

#[cfg(test)]
mod tests;
