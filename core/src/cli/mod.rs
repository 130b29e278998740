//! The runbook's `audit-verify` command, defined once: its arguments, help,
//! what it builds from the files it is given, its output (human and
//! `--json`), its progress line and its exit codes.
//!
//! The core does no IO, so each front end (the `trustcore` binary from
//! cargo, `npx trustcore` from the npm package, the `trustcore` console
//! script from the pip package) only reads the files, the database or
//! stdin, feeds the bytes, and prints what this module renders; flags,
//! messages, output and exit codes are therefore the same in all three.
//!
//! ```text
//! trustcore audit-verify --database-url $POSTGRES_URL --signers /path/to/signers.json
//! trustcore audit-verify export.jsonl.gz --signers signers.json --json
//! ```

use crate::chain::{ChainReport, ChainVerifier, Head, TreeHead, VerifierState, VerifyOptions};
use crate::merkle::{open_checkpoint, VerifierKey};
use crate::options::Naming;
use crate::profile::ChainProfile;
use crate::registry::SignerRegistry;
use crate::text::quote;
use serde_json::{json, Map, Value};
use std::sync::Arc;

stable_codes! {
    /// Stable error codes of the command line.
    pub enum ErrorCode {
        /// The arguments are not a valid command line (exit code 2).
        Usage = "usage",
        /// A file, table or value the command was given cannot be used
        /// (exit code 2).
        BadInput = "bad_input",
    }
}

coded_error! {
    /// A command-line error: one line for the user, exit code 2.
}

impl Error {
    /// The process exit code of any command-line error.
    pub fn exit_code(&self) -> i32 {
        EXIT_ERROR
    }

    /// The one line to print on stderr.
    pub fn line(&self) -> String {
        format!("trustcore audit-verify: {}", self.message)
    }
}

/// Something the front end could not do (its IO), for the one line every
/// front end prints the same way: the flag or input, what failed, and the
/// system's or the server's own words (`detail`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure<'a> {
    /// A file given with a flag (`--signers`, `--profile`, `--checkpoint`,
    /// `--from-state`) cannot be read.
    ReadFlag {
        /// The flag.
        flag: &'a str,
        /// The path.
        path: &'a str,
    },
    /// An input file (or `stdin`) cannot be opened or read.
    ReadInput {
        /// The path, or `stdin`.
        what: &'a str,
    },
    /// The database refused the connection (or the password).
    Connect,
    /// The database refused a query before the rows were read.
    Database,
    /// Reading the table's rows failed part way.
    ReadTable {
        /// The table, as SQL.
        table: &'a str,
    },
    /// The `--save-state` file cannot be written.
    SaveState {
        /// The path.
        path: &'a str,
    },
    /// The `--table` name cannot be used.
    Table,
    /// The front end has no database client: `install` says how to get one.
    MissingClient {
        /// E.g. `pip install 'trustcore[postgres]'`.
        install: &'a str,
    },
    /// The table does not fit the profile, or the profile cannot be read
    /// (the core's message as it is).
    Layout,
}

impl Failure<'_> {
    /// The error, with its one line ([`Error::line`]) and exit code 2.
    pub fn error(self, detail: &str) -> Error {
        let detail = crate::text::bounded(detail.trim().replace('\n', " "));
        let m = match self {
            Failure::ReadFlag { flag, path } => format!("{flag} {path}: {detail}"),
            Failure::ReadInput { what } => format!("{what}: {detail}"),
            Failure::Connect => format!("--database-url: cannot connect: {detail}"),
            Failure::Database => format!("--database-url: {detail}"),
            Failure::ReadTable { table } => format!("--database-url: reading {table}: {detail}"),
            Failure::SaveState { path } => format!("--save-state {path}: {detail}"),
            Failure::Table => format!("--table: {detail}"),
            Failure::MissingClient { install } => format!(
                "--database-url: reading a database needs the PostgreSQL client: {install}{}",
                if detail.is_empty() {
                    String::new()
                } else {
                    format!(" ({detail})")
                }
            ),
            Failure::Layout => detail,
        };
        Error::new(ErrorCode::BadInput, m)
    }
}

/// Exit code: the chain verified.
pub const EXIT_VALID: i32 = 0;
/// Exit code: the chain is broken (the report says where and why).
pub const EXIT_BROKEN: i32 = 1;
/// Exit code: usage or input error (one line on stderr says what to fix).
pub const EXIT_ERROR: i32 = 2;

/// Breaks printed in the human output (all kept ones are in `--json`).
pub const DEFAULT_SHOWN: usize = 20;

/// The help text.
pub const HELP: &str = "\
trustcore audit-verify: verify an audit chain from PostgreSQL, JSONL files or stdin

Usage:
  trustcore audit-verify --database-url URL [--table NAME] --signers FILE [options]
  trustcore audit-verify FILE... --signers FILE [options]      (.jsonl or .jsonl.gz, in chain order)
  trustcore audit-verify - --signers FILE [options]            (JSONL on stdin)

Options:
  --signers FILE          signers file ({\"signers\":[...]}) or JWKS  (required)
  --profile NAME|FILE     chain profile: trustcore/v1 (default), kernel/v1, row-digest/v1,
                          payload-sig/v1, or a trustcore.chain-profile/v1 document
  --table NAME            table to read with --database-url (default audit_events)
  --checkpoint FILE       a signed checkpoint (C2SP signed note) the chain must match
  --verifier-key VKEY     a trusted checkpoint key (repeat; required with --checkpoint)
  --from-state FILE       resume from a saved verifier state
  --save-state FILE       save the verifier state at the end (to resume later)
  --threads N             threads for signature checks (default: every core)
  --max-breaks N          breaks kept with their messages (default 1000; all are counted)
  --show N                breaks printed in the human output (default 20)
  --json                  print the report as JSON on stdout
  --progress / --no-progress
                          force the progress line on stderr on or off (default: on a terminal)
  -h, --help              this help
  --version               the version

Exit codes: 0 the chain verified; 1 the chain is broken; 2 usage or input error.
";

/// Where the rows come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A PostgreSQL table.
    Database {
        /// The connection URL (never printed: it may hold a password).
        url: String,
        /// The table.
        table: String,
    },
    /// JSONL files (`.gz` ones gunzipped by the front end), in order.
    Files(Vec<String>),
    /// JSONL on stdin.
    Stdin,
}

/// Whether to draw the progress line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// On a terminal only.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// A parsed `audit-verify` command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditVerify {
    /// The rows' source.
    pub source: Source,
    /// The signers file's path.
    pub signers: String,
    /// A built-in profile name, or the path of a profile document.
    pub profile: String,
    /// The signed checkpoint's path.
    pub checkpoint: Option<String>,
    /// Trusted checkpoint keys (verifier key text).
    pub verifier_keys: Vec<String>,
    /// A state to resume from (path).
    pub from_state: Option<String>,
    /// Where to save the state (path).
    pub save_state: Option<String>,
    /// Threads.
    pub threads: Option<u64>,
    /// Breaks kept.
    pub max_breaks: u64,
    /// Breaks printed.
    pub show: usize,
    /// JSON output.
    pub json: bool,
    /// Progress line.
    pub progress: Progress,
}

/// What a command line asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Print this text on stdout, exit 0.
    Print(String),
    /// Run `audit-verify`.
    AuditVerify(Box<AuditVerify>),
}

fn usage(m: impl Into<String>) -> Error {
    Error::new(
        ErrorCode::Usage,
        format!("{} (see trustcore audit-verify --help)", m.into()),
    )
}

/// Parses a command line: the arguments after the program name
/// (`["audit-verify", "--signers", "s.json", ...]`).
pub fn parse(args: &[String]) -> Result<Command, Error> {
    let mut it = args.iter().peekable();
    match it.next().map(String::as_str) {
        None | Some("-h") | Some("--help") | Some("help") => {
            return Ok(Command::Print(HELP.into()))
        }
        Some("--version") | Some("-V") => {
            return Ok(Command::Print(format!(
                "trustcore {}\n",
                crate::ffi::VERSION
            )))
        }
        Some("audit-verify") => {}
        Some(other) => {
            return Err(usage(format!(
                "unknown command {}; the command is audit-verify",
                quote(other)
            )))
        }
    }
    let mut files = Vec::new();
    let mut stdin = false;
    let mut url = None;
    let mut table = None;
    let mut signers = None;
    let mut profile = None;
    let mut checkpoint = None;
    let mut keys = Vec::new();
    let mut from_state = None;
    let mut save_state = None;
    let mut threads = None;
    let mut max_breaks = crate::chain::DEFAULT_MAX_BREAKS as u64;
    let mut show = DEFAULT_SHOWN;
    let mut json = false;
    let mut progress = Progress::Auto;
    let mut only_files = false;
    while let Some(arg) = it.next() {
        let a = arg.as_str();
        if only_files || !a.starts_with('-') || a == "-" {
            if a == "-" {
                stdin = true;
            } else {
                files.push(arg.clone());
            }
            continue;
        }
        // `--flag=value` or `--flag value`.
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (a, None),
        };
        let mut value = |name: &str| -> Result<String, Error> {
            match inline.clone().or_else(|| it.next().cloned()) {
                Some(v) if !v.is_empty() => Ok(v),
                _ => Err(usage(format!("{name} needs a value"))),
            }
        };
        let number = |name: &str, v: String, min: u64, max: u64| -> Result<u64, Error> {
            v.parse::<u64>()
                .ok()
                .filter(|n| (min..=max).contains(n))
                .ok_or_else(|| {
                    usage(format!(
                        "{name} must be an integer from {min} to {max}, got {}",
                        quote(&v)
                    ))
                })
        };
        let once = |slot: &Option<String>, name: &str| -> Result<(), Error> {
            match slot {
                Some(_) => Err(usage(format!("{name} is given twice"))),
                None => Ok(()),
            }
        };
        match flag {
            "--" => only_files = true,
            "-h" | "--help" => return Ok(Command::Print(HELP.into())),
            "--version" => {
                return Ok(Command::Print(format!(
                    "trustcore {}\n",
                    crate::ffi::VERSION
                )))
            }
            "--database-url" => {
                once(&url, flag)?;
                url = Some(value(flag)?)
            }
            "--table" => {
                once(&table, flag)?;
                table = Some(value(flag)?)
            }
            "--signers" => {
                once(&signers, flag)?;
                signers = Some(value(flag)?)
            }
            "--profile" => {
                once(&profile, flag)?;
                profile = Some(value(flag)?)
            }
            "--checkpoint" => {
                once(&checkpoint, flag)?;
                checkpoint = Some(value(flag)?)
            }
            "--verifier-key" => keys.push(value(flag)?),
            "--from-state" => {
                once(&from_state, flag)?;
                from_state = Some(value(flag)?)
            }
            "--save-state" => {
                once(&save_state, flag)?;
                save_state = Some(value(flag)?)
            }
            "--threads" => {
                threads = Some(number(flag, value(flag)?, 1, crate::chain::MAX_THREADS)?)
            }
            "--max-breaks" => {
                max_breaks = number(flag, value(flag)?, 0, crate::chain::MAX_BREAKS_LIMIT)?
            }
            "--show" => show = number(flag, value(flag)?, 0, 1_000_000)? as usize,
            "--json" => json = true,
            "--progress" => progress = Progress::Always,
            "--no-progress" => progress = Progress::Never,
            other => return Err(usage(format!("unknown option {}", quote(other)))),
        }
    }
    let table_given = table.is_some();
    let source = match (url, files.is_empty(), stdin) {
        (Some(url), true, false) => Source::Database {
            url,
            table: table.unwrap_or_else(|| "audit_events".into()),
        },
        (None, false, false) => Source::Files(files),
        (None, true, true) => Source::Stdin,
        (None, true, false) => {
            return Err(usage(
                "nothing to verify: give --database-url, JSONL files, or - for stdin",
            ))
        }
        _ => {
            return Err(usage(
                "give one source: --database-url, JSONL files, or - for stdin",
            ))
        }
    };
    if table_given && !matches!(source, Source::Database { .. }) {
        return Err(usage("--table goes with --database-url"));
    }
    let signers = signers.ok_or_else(|| usage("--signers FILE is required"))?;
    if checkpoint.is_some() == keys.is_empty() {
        return Err(usage("--checkpoint and --verifier-key go together"));
    }
    Ok(Command::AuditVerify(Box::new(AuditVerify {
        source,
        signers,
        profile: profile.unwrap_or_else(|| "trustcore/v1".into()),
        checkpoint,
        verifier_keys: keys,
        from_state,
        save_state,
        threads,
        max_breaks,
        show,
        json,
        progress,
    })))
}

impl AuditVerify {
    /// Whether `--profile` names a built-in (else it is a file to read).
    pub fn profile_is_builtin(&self) -> bool {
        crate::profile::BUILTIN_NAMES.contains(&self.profile.as_str())
    }

    /// Builds the run from what the front end read: the signers file, the
    /// profile document (when `--profile` is a file), the checkpoint note
    /// and the saved state. Every problem is one [`Error`] naming the flag.
    pub fn start(
        &self,
        signers: &[u8],
        profile_doc: Option<&[u8]>,
        checkpoint: Option<&[u8]>,
        state: Option<&[u8]>,
    ) -> Result<Run, Error> {
        let bad = |flag: &str, what: &str, e: &crate::Error| {
            Error::new(
                ErrorCode::BadInput,
                format!("{flag} {what}: {} [{}]", e.message(), e.code()),
            )
        };
        let registry = SignerRegistry::from_document(signers)
            .map_err(|e| bad("--signers", &self.signers, &e))?;
        let profile = match (self.profile_is_builtin(), profile_doc) {
            (true, _) => ChainProfile::builtin(&self.profile)
                .map_err(|e| bad("--profile", &self.profile, &e.into()))?,
            (false, Some(doc)) => {
                ChainProfile::from_json(doc).map_err(|e| bad("--profile", &self.profile, &e))?
            }
            (false, None) => {
                return Err(Error::new(
                    ErrorCode::BadInput,
                    format!(
                        "--profile {}: not a built-in profile and not read as a file",
                        quote(&self.profile)
                    ),
                ))
            }
        };
        let mut options = VerifyOptions {
            profile: Some(Arc::new(profile)),
            max_breaks: self.max_breaks as usize,
            threads: self.threads.map(|t| t as usize),
            ..VerifyOptions::default()
        };
        options.hash_alg = options.profile().hash_alg;
        let mut checkpoint_info = None;
        if let Some(note) = checkpoint {
            let keys = self
                .verifier_keys
                .iter()
                .map(|k| VerifierKey::parse(k))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| bad("--verifier-key", "", &e.into()))?;
            let opened = open_checkpoint(note, &keys).map_err(|e| {
                bad(
                    "--checkpoint",
                    self.checkpoint.as_deref().unwrap_or(""),
                    &e.into(),
                )
            })?;
            let cp = &opened.checkpoint;
            options.checkpoint = Some(TreeHead {
                size: cp.size(),
                root: *cp.root(),
            });
            checkpoint_info = Some(
                json!({"origin": cp.origin(), "size": cp.size(), "root": hex::encode(cp.root())}),
            );
        }
        let verifier = match state {
            None => ChainVerifier::new(registry, options),
            Some(text) => {
                let v: Value = serde_json::from_slice(text).map_err(|e| {
                    Error::new(ErrorCode::BadInput, format!("--from-state: not JSON: {e}"))
                })?;
                let st = VerifierState::from_value(&v).map_err(|e| {
                    bad(
                        "--from-state",
                        self.from_state.as_deref().unwrap_or(""),
                        &e.into(),
                    )
                })?;
                ChainVerifier::resume(registry, options, st).map_err(|e| {
                    bad(
                        "--from-state",
                        self.from_state.as_deref().unwrap_or(""),
                        &e.into(),
                    )
                })?
            }
        };
        Ok(Run {
            verifier,
            profile: self.profile.clone(),
            checkpoint: checkpoint_info,
            source: match &self.source {
                Source::Database { table, .. } => json!({"table": table}),
                Source::Files(f) => json!({"files": f}),
                Source::Stdin => json!({"stdin": true}),
            },
            json: self.json,
            show: self.show,
            save_state: self.save_state.is_some(),
        })
    }
}

/// A running verification: feed it, then [`Run::finish`].
#[derive(Debug)]
pub struct Run {
    verifier: ChainVerifier,
    profile: String,
    checkpoint: Option<Value>,
    source: Value,
    json: bool,
    show: usize,
    save_state: bool,
}

/// What the front end prints, saves and exits with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Print on stdout.
    pub stdout: String,
    /// Write to the `--save-state` file, when asked.
    pub state: Option<String>,
    /// The process exit code ([`EXIT_VALID`] or [`EXIT_BROKEN`]).
    pub exit_code: i32,
    /// The report.
    pub report: ChainReport,
}

impl Run {
    /// Feeds JSONL bytes (lines may span chunks).
    pub fn feed(&mut self, chunk: &[u8]) {
        self.verifier.push_bytes(chunk);
    }

    /// Feeds one row.
    pub fn feed_row(&mut self, row: &[u8]) {
        self.verifier.push_row(row);
    }

    /// Feeds one row as a PostgreSQL table returned it ([`SelectPlan`]'s
    /// text: numbers put back to JSON's spelling, [`crate::sql::table_row`]).
    ///
    /// [`SelectPlan`]: crate::sql::SelectPlan
    pub fn feed_table_row(&mut self, row: &[u8]) {
        self.verifier.push_row(&crate::sql::table_row(row));
    }

    /// Rows fed so far, with a resumed state's (what a table read skips).
    pub fn position(&self) -> u64 {
        self.verifier.rows_fed()
    }

    /// Ends the stream and renders the outcome.
    pub fn finish(mut self) -> Outcome {
        let state = self.save_state.then(|| {
            let s = self.verifier.state().to_value();
            String::from_utf8(
                crate::canonical::canonicalize_value(&s, &Default::default()).unwrap_or_default(),
            )
            .unwrap_or_default()
        });
        let report = self.verifier.finish();
        let stdout = if self.json {
            let mut v = report.to_value();
            if let Value::Object(m) = &mut v {
                m.insert("profile".into(), self.profile.clone().into());
                m.insert("source".into(), self.source.clone());
                if let Some(cp) = &self.checkpoint {
                    m.insert("checkpoint".into(), cp.clone());
                }
            }
            let mut out = String::from_utf8(
                crate::canonical::canonicalize_value(&v, &Default::default()).unwrap_or_default(),
            )
            .unwrap_or_default();
            out.push('\n');
            out
        } else {
            render_human(&report, &self.profile, self.checkpoint.as_ref(), self.show)
        };
        Outcome {
            stdout,
            state,
            exit_code: if report.valid {
                EXIT_VALID
            } else {
                EXIT_BROKEN
            },
            report,
        }
    }
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn render_human(
    report: &ChainReport,
    profile: &str,
    checkpoint: Option<&Value>,
    show: usize,
) -> String {
    let mut o = String::new();
    let head = &report.head;
    if report.valid {
        o.push_str("VALID: the chain verifies\n");
    } else {
        let counts: Vec<String> = report
            .break_counts
            .iter()
            .map(|(r, n)| format!("{} {}", r.as_str(), thousands(*n)))
            .collect();
        o.push_str(&format!(
            "BROKEN: {} break{} ({})\n",
            thousands(report.break_count()),
            if report.break_count() == 1 { "" } else { "s" },
            counts.join(", ")
        ));
    }
    o.push_str(&format!("  profile     {profile}\n"));
    o.push_str(&format!(
        "  events      {} verified of {} rows\n",
        thousands(report.count),
        thousands(report.rows)
    ));
    o.push_str(&format!(
        "  head        seq {}  hash {}\n",
        thousands(head.seq),
        hex::encode(head.hash)
    ));
    o.push_str(&format!(
        "  merkle root {}  (size {})\n",
        hex::encode(report.merkle.root),
        thousands(report.merkle.size)
    ));
    if let Some(cp) = checkpoint {
        o.push_str(&format!(
            "  checkpoint  {} size {}\n",
            cp["origin"].as_str().unwrap_or_default(),
            thousands(cp["size"].as_u64().unwrap_or_default())
        ));
    }
    if !report.breaks.is_empty() && show > 0 {
        o.push_str("  breaks:\n");
        for b in report.breaks.iter().take(show) {
            let at = match (b.seq, &b.id) {
                (Some(s), Some(id)) => format!("seq {s} id {id}"),
                (None, Some(id)) => format!("id {id}"),
                _ => "-".into(),
            };
            o.push_str(&format!(
                "    row {:>9}  {:<21} {}: {}\n",
                thousands(b.position),
                b.reason.as_str(),
                at,
                b.message
            ));
        }
        let more = report
            .break_count()
            .saturating_sub(show.min(report.breaks.len()) as u64);
        if more > 0 {
            o.push_str(&format!(
                "    … and {} more (all counted above; --json lists up to --max-breaks)\n",
                thousands(more)
            ));
        }
    }
    o
}

/// The progress line (without a newline; the front end redraws it with
/// `\r` on a terminal): events, rate, share and time left.
pub fn progress_line(
    events: u64,
    bytes: u64,
    total_bytes: Option<u64>,
    elapsed_secs: f64,
) -> String {
    let rate = if elapsed_secs > 0.0 {
        events as f64 / elapsed_secs
    } else {
        0.0
    };
    let mut s = format!(
        "verifying: {} events, {}/s",
        thousands(events),
        thousands(rate as u64)
    );
    if let Some(total) = total_bytes.filter(|t| *t > 0) {
        let share = (bytes as f64 / total as f64).min(1.0);
        s.push_str(&format!(", {:.0}%", share * 100.0));
        if share > 0.0 && elapsed_secs > 0.0 {
            let left = (elapsed_secs / share - elapsed_secs).max(0.0) as u64;
            s.push_str(&format!(", {}:{:02} left", left / 60, left % 60));
        }
    }
    s
}

/// A named report member for a JSON consumer that wants the head only.
pub fn head_value(h: &Head) -> Value {
    h.to_value()
}

/// The options a front end gives the core for its own IO helpers, as a
/// value in the host's naming (used by the bindings' CLIs).
pub fn plan_value(a: &AuditVerify, naming: Naming) -> Value {
    let mut m = Map::new();
    let (kind, detail) = match &a.source {
        Source::Database { url, table } => ("database", json!({"url": url, "table": table})),
        Source::Files(f) => ("files", json!({"files": f})),
        Source::Stdin => ("stdin", json!({})),
    };
    m.insert("source".into(), kind.into());
    if let Value::Object(d) = detail {
        m.extend(d);
    }
    m.insert("signers".into(), a.signers.clone().into());
    m.insert("profile".into(), a.profile.clone().into());
    m.insert("profile_is_builtin".into(), a.profile_is_builtin().into());
    m.insert(
        "checkpoint".into(),
        a.checkpoint.clone().map_or(Value::Null, Value::from),
    );
    m.insert(
        "from_state".into(),
        a.from_state.clone().map_or(Value::Null, Value::from),
    );
    m.insert(
        "save_state".into(),
        a.save_state.clone().map_or(Value::Null, Value::from),
    );
    m.insert("json".into(), a.json.into());
    m.insert(
        "progress".into(),
        match a.progress {
            Progress::Auto => "auto",
            Progress::Always => "always",
            Progress::Never => "never",
        }
        .into(),
    );
    naming.rename(Value::Object(m), &[])
}

#[cfg(test)]
mod tests;
