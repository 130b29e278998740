//! `trustcore audit-verify` as the runbooks call it, run as a process over
//! real files, real gzip and a real PostgreSQL server.
//!
//! The PostgreSQL tests need `TRUSTCORE_PG_URL` (a superuser URL of a
//! scratch server, e.g. `postgres://postgres@127.0.0.1:55432/postgres`);
//! `.ci/pg.sh` starts one from the machine's binaries for `.ci/run`. Without
//! it they fail with a message saying so, unless `TRUSTCORE_SKIP_PG=1`
//! (for a machine without PostgreSQL) says to skip them loudly.

use serde_json::{json, Map, Value};
use std::io::Write;
use std::process::Command;
use std::sync::Arc;
use trustcore::chain::{ChainWriter, EventBody, Head, WriterOptions};
use trustcore::envelope::Algorithm;
use trustcore::keys::SecretKey;
use trustcore::profile::ChainProfile;

fn key() -> SecretKey {
    SecretKey::from_seed(&[4; 32])
}

fn dir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!(
        "trustcore-cli-{}-{}",
        std::process::id(),
        rand_tag()
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn rand_tag() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
}

fn signers(d: &std::path::Path) -> String {
    let p = d.join("signers.json");
    std::fs::write(
        &p,
        format!(
            r#"{{"signers":[{{"signerId":"kernel-signer","publicKey":"{}"}}]}}"#,
            key().public_key().to_base64()
        ),
    )
    .unwrap();
    p.to_string_lossy().into_owned()
}

fn body(i: u64) -> EventBody {
    EventBody {
        id: format!("6f1c2a4e-0000-4000-8000-{i:012}"),
        ts: format!(
            "2026-03-01T12:{:02}:{:02}.{:03}Z",
            (i / 60) % 60,
            i % 60,
            (i * 7) % 1000
        ),
        event_type: "manifest.signed".into(),
        actor: "svc:kernel".into(),
        payload: json!({"n": i, "amount": 12.5, "note": "café"}),
    }
}

fn rows(n: u64) -> Vec<String> {
    let mut w = ChainWriter::new(
        Head::default(),
        trustcore::digest::Algorithm::Sha256,
        "kernel-signer",
        Algorithm::Ed25519,
        key().public_key(),
    )
    .unwrap();
    (1..=n)
        .map(|i| w.append(body(i), &key()).unwrap().to_json())
        .collect()
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Out {
    let o = Command::new(env!("CARGO_BIN_EXE_trustcore"))
        .args(args)
        .output()
        .unwrap();
    Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

fn json_of(o: &Out) -> Value {
    serde_json::from_str(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", o.stdout))
}

fn one_line_error(o: &Out) {
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert_eq!(o.stderr.lines().count(), 1, "one line: {:?}", o.stderr);
    assert!(
        o.stderr.starts_with("trustcore audit-verify: "),
        "{}",
        o.stderr
    );
    assert!(!o.stderr.contains("panicked"), "{}", o.stderr);
}

#[test]
fn files_gzip_stdin_and_exit_codes() {
    let d = dir();
    let s = signers(&d);
    let r = rows(300);
    let plain = d.join("export.jsonl");
    std::fs::write(&plain, r.join("\n") + "\n").unwrap();
    let gz = d.join("export.jsonl.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::default(),
    );
    enc.write_all((r.join("\n") + "\n").as_bytes()).unwrap();
    enc.finish().unwrap();
    let a = run(&[
        "audit-verify",
        plain.to_str().unwrap(),
        "--signers",
        &s,
        "--json",
    ]);
    assert_eq!(a.code, 0, "{}{}", a.stdout, a.stderr);
    let b = run(&[
        "audit-verify",
        gz.to_str().unwrap(),
        "--signers",
        &s,
        "--json",
    ]);
    assert_eq!(b.code, 0, "{}", b.stderr);
    let (ja, mut jb) = (json_of(&a), json_of(&b));
    assert_eq!(ja["count"], 300);
    jb["source"] = ja["source"].clone();
    assert_eq!(ja, jb, "the same report from the gzipped export");
    // Human output: the head hash, thousands separators.
    let h = run(&["audit-verify", plain.to_str().unwrap(), "--signers", &s]);
    assert_eq!(h.code, 0);
    assert!(h.stdout.starts_with("VALID"), "{}", h.stdout);
    assert!(h
        .stdout
        .contains(&ja["head"]["hash"].as_str().unwrap().to_string()));
    // A tampered row: exit 1, the right row and reason.
    let mut t = r.clone();
    t[41] = t[41].replace("café", "cafe");
    let tampered = d.join("tampered.jsonl");
    std::fs::write(&tampered, t.join("\n")).unwrap();
    let x = run(&[
        "audit-verify",
        tampered.to_str().unwrap(),
        "--signers",
        &s,
        "--json",
    ]);
    assert_eq!(x.code, 1);
    let j = json_of(&x);
    assert_eq!(j["breaks"][0]["position"], 41);
    assert_eq!(j["breaks"][0]["reason"], "hash_mismatch");
    // stdin.
    let mut child = Command::new(env!("CARGO_BIN_EXE_trustcore"))
        .args(["audit-verify", "-", "--signers", &s, "--json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(r.join("\n").as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    // Resume: verify the first half, save, resume with the rest.
    let first = d.join("first.jsonl");
    std::fs::write(&first, r[..150].join("\n")).unwrap();
    let rest = d.join("rest.jsonl");
    std::fs::write(&rest, r[150..].join("\n")).unwrap();
    let state = d.join("state.json");
    let p1 = run(&[
        "audit-verify",
        first.to_str().unwrap(),
        "--signers",
        &s,
        "--save-state",
        state.to_str().unwrap(),
    ]);
    assert_eq!(p1.code, 0, "{}", p1.stderr);
    let p2 = run(&[
        "audit-verify",
        rest.to_str().unwrap(),
        "--signers",
        &s,
        "--from-state",
        state.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(p2.code, 0, "{}", p2.stderr);
    assert_eq!(json_of(&p2)["head"], ja["head"]);
    // Bad input: one line, exit 2.
    one_line_error(&run(&[
        "audit-verify",
        "/nonexistent.jsonl",
        "--signers",
        &s,
    ]));
    let bad_signers = d.join("bad.json");
    std::fs::write(&bad_signers, r#"{"signers":[{"signerId":"x"}]}"#).unwrap();
    one_line_error(&run(&[
        "audit-verify",
        plain.to_str().unwrap(),
        "--signers",
        bad_signers.to_str().unwrap(),
    ]));
    one_line_error(&run(&[
        "audit-verify",
        plain.to_str().unwrap(),
        "--signers",
        &s,
        "--profile",
        "nope/v1",
    ]));
    one_line_error(&run(&["audit-verify", plain.to_str().unwrap()]));
    one_line_error(&run(&[
        "audit-verify",
        plain.to_str().unwrap(),
        "--signers",
        &s,
        "--threads",
        "0",
    ]));
    assert_eq!(run(&["--help"]).code, 0);
}

fn pg_url() -> Option<String> {
    match std::env::var("TRUSTCORE_PG_URL") {
        Ok(u) => Some(u),
        Err(_) if std::env::var_os("TRUSTCORE_SKIP_PG").is_some() => {
            eprintln!("SKIPPED: PostgreSQL tests (TRUSTCORE_SKIP_PG is set)");
            None
        }
        Err(_) => panic!("TRUSTCORE_PG_URL is not set: start PostgreSQL with .ci/pg.sh (or set TRUSTCORE_SKIP_PG=1 to skip)"),
    }
}

/// A fresh database on the scratch server; returns its URL.
fn scratch_db(admin: &str, name: &str) -> String {
    let mut c = postgres::Client::connect(admin, postgres::NoTls).unwrap();
    c.batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
        .unwrap();
    c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
    match admin.rsplit_once('/') {
        Some((base, _)) => format!("{base}/{name}"),
        None => panic!("TRUSTCORE_PG_URL must end with /database"),
    }
}

fn append(c: &mut postgres::Client, profile: &Arc<ChainProfile>, table: &str, n: u64) {
    let t = trustcore::sql::Table::parse(table).unwrap();
    let [schema, name] = t.columns_params();
    let types: Vec<(String, String)> = c
        .query(trustcore::sql::Table::columns_query(), &[&schema, &name])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let plan = trustcore::sql::AppendPlan::new(profile, &t, &types).unwrap();
    for i in 1..=n {
        let mut tx = c.transaction().unwrap();
        tx.execute(plan.lock_sql.as_str(), &[&plan.lock_key])
            .unwrap();
        let head_row = tx.query_one(plan.head_sql.as_str(), &[]).unwrap();
        let last: Option<&str> = head_row.get(0);
        let count: i64 = head_row.get(1);
        let head = plan.head(profile, last, count.into()).unwrap();
        let mut w = ChainWriter::with_options(
            "kernel-signer",
            key().public_key(),
            WriterOptions {
                head,
                profile: Some(Arc::clone(profile)),
                ..WriterOptions::default()
            },
        )
        .unwrap();
        let b = body(i);
        let mut m = Map::new();
        let cols = &profile.columns;
        m.insert(cols.id.clone(), b.id.into());
        m.insert(
            cols.ts.clone(),
            plan.body_ts(profile, &b.ts).unwrap().into(),
        );
        if let Some(e) = &cols.event_type {
            m.insert(e.clone(), b.event_type.into());
        }
        if let Some(a) = &cols.actor {
            m.insert(a.clone(), b.actor.into());
        }
        m.insert(cols.payload.clone(), b.payload);
        let row = w.append_row(m, &key()).unwrap();
        let params = plan.params(&row);
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = params
            .iter()
            .map(|p| p as &(dyn postgres::types::ToSql + Sync))
            .collect();
        tx.execute(plan.insert_sql.as_str(), &refs).unwrap();
        tx.commit().unwrap();
    }
}

#[test]
fn postgres_tables_in_every_builtin_profile() {
    let Some(admin) = pg_url() else { return };
    let d = dir();
    let s = signers(&d);
    for (i, name) in trustcore::profile::BUILTIN_NAMES.iter().enumerate() {
        let url = scratch_db(&admin, &format!("tc_cli_profile_{i}"));
        let p = Arc::new(ChainProfile::builtin(name).unwrap());
        let table = trustcore::sql::Table::parse("audit_events").unwrap();
        let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        c.batch_execute(&trustcore::sql::migration(&p, &table))
            .unwrap();
        append(&mut c, &p, "audit_events", 40);
        let o = run(&[
            "audit-verify",
            "--database-url",
            &url,
            "--signers",
            &s,
            "--profile",
            name,
            "--json",
        ]);
        assert_eq!(o.code, 0, "{name}: {}{}", o.stdout, o.stderr);
        assert_eq!(json_of(&o)["count"], 40, "{name}");
        // Tampering in the table.
        let pc = &p.columns;
        c.execute(&format!("UPDATE audit_events SET \"{}\" = '{{\"n\": 999}}' WHERE \"{}\" = '6f1c2a4e-0000-4000-8000-000000000007'", pc.payload, pc.id), &[]).unwrap();
        let o = run(&[
            "audit-verify",
            "--database-url",
            &url,
            "--signers",
            &s,
            "--profile",
            name,
            "--json",
        ]);
        assert_eq!(o.code, 1, "{name}: {}", o.stderr);
        let j = json_of(&o);
        assert_eq!(j["breaks"][0]["position"], 6, "{name}: {j}");
        assert_eq!(j["breaks"][0]["reason"], "hash_mismatch", "{name}");
    }
    // Bad input against a real server: one line, exit 2 each.
    let url = scratch_db(&admin, "tc_cli_bad");
    one_line_error(&run(&[
        "audit-verify",
        "--database-url",
        "postgres://postgres@127.0.0.1:1/none",
        "--signers",
        &s,
    ]));
    one_line_error(&run(&[
        "audit-verify",
        "--database-url",
        &url,
        "--signers",
        &s,
    ]));
    // A wrong password (the server .ci/pg.sh starts asks for one over TCP).
    match url
        .split_once("://")
        .and_then(|(_, rest)| rest.split_once('@'))
    {
        Some((userinfo, host)) if userinfo.contains(':') => {
            let user = userinfo.split(':').next().unwrap_or("postgres");
            let o = run(&[
                "audit-verify",
                "--database-url",
                &format!("postgres://{user}:not-the-password@{host}"),
                "--signers",
                &s,
            ]);
            one_line_error(&o);
            assert!(o.stderr.contains("password"), "{}", o.stderr);
        }
        _ => eprintln!("SKIPPED: the wrong-password case (TRUSTCORE_PG_URL has no password)"),
    }
    let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    c.batch_execute("CREATE TABLE audit_events (id uuid, seq bigint, ts timestamptz, event_type text, actor text, payload integer, prev_hash text, hash text, signer_id text, signature text)").unwrap();
    let o = run(&["audit-verify", "--database-url", &url, "--signers", &s]);
    one_line_error(&o);
    assert!(o.stderr.contains("payload"), "{}", o.stderr);
}
