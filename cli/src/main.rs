//! `trustcore audit-verify`: the runbook's integrity check.
//!
//! This binary only does IO — reads files (gunzipping `.gz`), stdin or a
//! PostgreSQL table through a server-side cursor, draws the progress line —
//! and hands every byte to `trustcore::cli`, which defines the flags, what
//! they mean, the output and the exit codes (0 valid, 1 broken, 2 usage or
//! input error, always one line on stderr).

use std::fs::File;
use std::io::{self, IsTerminal, Read, Write};
use std::process::ExitCode;
use std::time::Instant;
use trustcore::cli::{self, AuditVerify, Command, Progress, Source};

use trustcore::cli::Failure;

/// A bad input (a file that cannot be read, a refused connection, a core
/// error): one line, exit code 2.
struct Fail(cli::Error);

/// A core error where the table or profile is read: its message as it is.
fn layout(e: impl std::fmt::Display) -> Fail {
    Fail(Failure::Layout.error(&e.to_string()))
}

type Result<T> = std::result::Result<T, Fail>;

fn read(path: &str, flag: &str) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Fail(Failure::ReadFlag { flag, path }.error(&e.to_string())))
}

/// Counts the bytes read through it (compressed bytes for a `.gz`), for
/// the progress line.
struct Counting<R> {
    inner: R,
    n: std::rc::Rc<std::cell::Cell<u64>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let k = self.inner.read(buf)?;
        self.n.set(self.n.get() + k as u64);
        Ok(k)
    }
}

struct Meter {
    on: bool,
    start: Instant,
    last: Instant,
    events: u64,
    total: Option<u64>,
}

impl Meter {
    fn new(mode: Progress, total: Option<u64>) -> Meter {
        let on = match mode {
            Progress::Always => true,
            Progress::Never => false,
            Progress::Auto => io::stderr().is_terminal(),
        };
        let now = Instant::now();
        Meter {
            on,
            start: now,
            last: now,
            events: 0,
            total,
        }
    }

    fn tick(&mut self, events: u64, bytes: u64) {
        self.events = events;
        if !self.on || self.last.elapsed().as_millis() < 250 {
            return;
        }
        self.last = Instant::now();
        let line = cli::progress_line(
            events,
            bytes,
            self.total,
            self.start.elapsed().as_secs_f64(),
        );
        let _ = write!(io::stderr(), "\r{line}\x1b[K");
    }

    fn done(&self) {
        if self.on {
            let _ = write!(io::stderr(), "\r\x1b[K");
        }
    }
}

fn feed_reader(
    run: &mut cli::Run,
    reader: &mut dyn Read,
    meter: &mut Meter,
    counted: &std::rc::Rc<std::cell::Cell<u64>>,
    what: &str,
) -> Result<()> {
    let mut buf = vec![0u8; 1 << 20];
    let mut lines = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Fail(Failure::ReadInput { what }.error(&e.to_string()))),
        };
        let chunk = &buf[..n];
        lines += chunk.iter().filter(|b| **b == b'\n').count() as u64;
        run.feed(chunk);
        meter.tick(lines, counted.get());
    }
}

fn verify_files(run: &mut cli::Run, files: &[String], progress: Progress) -> Result<()> {
    let total: u64 = files
        .iter()
        .map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0))
        .sum();
    let mut meter = Meter::new(progress, Some(total));
    let counted = std::rc::Rc::new(std::cell::Cell::new(0u64));
    for path in files {
        let file = File::open(path)
            .map_err(|e| Fail(Failure::ReadInput { what: path }.error(&e.to_string())))?;
        let counting = Counting {
            inner: io::BufReader::with_capacity(1 << 20, file),
            n: counted.clone(),
        };
        let mut reader: Box<dyn Read> = if path.ends_with(".gz") {
            Box::new(flate2::read::MultiGzDecoder::new(counting))
        } else {
            Box::new(counting)
        };
        feed_reader(run, &mut reader, &mut meter, &counted, path)?;
        // A file that does not end with a newline still ends its last row.
        run.feed(b"\n");
    }
    meter.done();
    Ok(())
}

fn verify_stdin(run: &mut cli::Run, progress: Progress) -> Result<()> {
    let mut meter = Meter::new(progress, None);
    let counted = std::rc::Rc::new(std::cell::Cell::new(0u64));
    let stdin = io::stdin();
    let mut reader = Counting {
        inner: stdin.lock(),
        n: counted.clone(),
    };
    feed_reader(run, &mut reader, &mut meter, &counted, "stdin")?;
    meter.done();
    Ok(())
}

fn db_error(e: &postgres::Error) -> String {
    // The server's own message (password authentication failed, relation
    // does not exist, ...) when there is one, else the client's.
    match e.as_db_error() {
        Some(db) => db.message().to_string(),
        None => e.to_string(),
    }
}

fn verify_database(
    run: &mut cli::Run,
    a: &AuditVerify,
    url: &str,
    table: &str,
    profile: &trustcore::profile::ChainProfile,
    offset: i64,
) -> Result<()> {
    let table =
        trustcore::sql::Table::parse(table).map_err(|e| Fail(Failure::Table.error(e.message())))?;
    let mut client = postgres::Client::connect(url, postgres::NoTls)
        .map_err(|e| Fail(Failure::Connect.error(&db_error(&e))))?;
    let [schema, name] = table.columns_params();
    let types: Vec<(String, String)> = client
        .query(trustcore::sql::Table::columns_query(), &[&schema, &name])
        .map_err(|e| Fail(Failure::Database.error(&db_error(&e))))?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let plan = trustcore::sql::SelectPlan::new(profile, &table, &types)
        .map_err(|e| layout(e.message()))?;
    let meter_on = match a.progress {
        Progress::Always => true,
        Progress::Never => false,
        Progress::Auto => io::stderr().is_terminal(),
    };
    let total = if meter_on {
        client
            .query_one(plan.count_sql.as_str(), &[])
            .ok()
            .and_then(|r| r.get::<_, String>(0).parse::<u64>().ok())
    } else {
        None
    };
    let mut meter = Meter::new(a.progress, total);
    let mut tx = client
        .transaction()
        .map_err(|e| Fail(Failure::Database.error(&db_error(&e))))?;
    let portal = tx
        .bind(plan.sql.as_str(), &[&offset])
        .map_err(|e| Fail(Failure::Database.error(&db_error(&e))))?;
    let mut rows = 0u64;
    loop {
        let batch = tx
            .query_portal(&portal, trustcore::sql::SelectPlan::FETCH_ROWS as i32)
            .map_err(|e| {
                Fail(
                    Failure::ReadTable {
                        table: &table.sql(),
                    }
                    .error(&db_error(&e)),
                )
            })?;
        if batch.is_empty() {
            break;
        }
        for r in &batch {
            let text: &str = r.get(0);
            run.feed_table_row(text.as_bytes());
        }
        rows += batch.len() as u64;
        meter.tick(rows, rows);
    }
    meter.done();
    let _ = tx.commit();
    Ok(())
}

fn audit_verify(a: &AuditVerify) -> Result<i32> {
    let signers = read(&a.signers, "--signers")?;
    let profile_doc = match a.profile_is_builtin() {
        true => None,
        false => Some(read(&a.profile, "--profile")?),
    };
    let checkpoint = match &a.checkpoint {
        Some(p) => Some(read(p, "--checkpoint")?),
        None => None,
    };
    let state = match &a.from_state {
        Some(p) => Some(read(p, "--from-state")?),
        None => None,
    };
    let mut run = a
        .start(
            &signers,
            profile_doc.as_deref(),
            checkpoint.as_deref(),
            state.as_deref(),
        )
        .map_err(Fail)?;
    match &a.source {
        Source::Files(files) => verify_files(&mut run, files, a.progress)?,
        Source::Stdin => verify_stdin(&mut run, a.progress)?,
        Source::Database { url, table } => {
            let profile = match &profile_doc {
                None => trustcore::profile::ChainProfile::builtin(&a.profile)
                    .map_err(|e| layout(e.message()))?,
                Some(doc) => trustcore::profile::ChainProfile::from_json(doc)
                    .map_err(|e| layout(e.message()))?,
            };
            let offset = run.position() as i64;
            verify_database(&mut run, a, url, table, &profile, offset)?
        }
    }
    let outcome = run.finish();
    if let (Some(path), Some(state)) = (&a.save_state, &outcome.state) {
        std::fs::write(path, state)
            .map_err(|e| Fail(Failure::SaveState { path }.error(&e.to_string())))?;
    }
    let mut out = io::stdout().lock();
    let _ = out.write_all(outcome.stdout.as_bytes());
    let _ = out.flush();
    Ok(outcome.exit_code)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = match cli::parse(&args) {
        Ok(Command::Print(text)) => {
            print!("{text}");
            0
        }
        Ok(Command::AuditVerify(a)) => match audit_verify(&a) {
            Ok(code) => code,
            Err(Fail(e)) => {
                eprintln!("{}", e.line());
                e.exit_code()
            }
        },
        Err(e) => {
            eprintln!("{}", e.line());
            e.exit_code()
        }
    };
    ExitCode::from(code as u8)
}
