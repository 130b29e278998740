//! Writes an audit chain of `n` ~700-byte events for the `audit-verify`
//! benchmarks (`benches/cli.sh`): `signers.json`, `events.jsonl`,
//! `events.csv` and `copy.sql` (the `audit_events` table of
//! `sql/migrations/0001_audit_events.sql` for `COPY ... (FORMAT csv)`, the
//! timestamps written as the table reads them back).
//!
//! ```sh
//! cargo run --release -p trustcore-benches --example gen_audit_table -- 1000000 /tmp/tc-bench
//! ```

use std::io::{BufWriter, Write};
use trustcore::chain::{ChainWriter, Head};
use trustcore::digest::Algorithm as HashAlg;
use trustcore::envelope::Algorithm;
use trustcore::keys::SecretKey;
use trustcore::profile::ChainProfile;
use trustcore::sql::{AppendPlan, Table};
use trustcore_benches::events::body;

fn csv_field(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: u64 = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let dir = std::path::PathBuf::from(args.next().unwrap_or_else(|| "/tmp/tc-bench".into()));
    std::fs::create_dir_all(&dir).expect("output folder");
    let key = SecretKey::from_seed(&[42u8; 32]);
    std::fs::write(
        dir.join("signers.json"),
        format!(
            r#"{{"signers":[{{"signerId":"kernel-signer","publicKey":"{}"}}]}}"#,
            key.public_key().to_base64()
        ),
    )
    .expect("signers.json");
    let profile = ChainProfile::trustcore_v1();
    let types: Vec<(String, String)> = [
        ("id", "uuid"),
        ("seq", "bigint"),
        ("ts", "timestamp with time zone"),
        ("event_type", "text"),
        ("actor", "text"),
        ("payload", "jsonb"),
        ("prev_hash", "text"),
        ("hash", "text"),
        ("signer_id", "text"),
        ("signature", "text"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    let plan = AppendPlan::new(
        &profile,
        &Table::parse("audit_events").expect("table"),
        &types,
    )
    .expect("plan");
    // The COPY of the same columns, in the INSERT's (and params') order.
    let cols = plan
        .insert_sql
        .split_once('(')
        .and_then(|(_, rest)| rest.split_once(')'))
        .map(|(c, _)| c.to_string())
        .expect("columns");
    std::fs::write(
        dir.join("copy.sql"),
        format!("COPY \"audit_events\" ({cols}) FROM STDIN WITH (FORMAT csv)\n"),
    )
    .expect("copy.sql");
    let mut w = ChainWriter::new(
        Head::default(),
        HashAlg::Sha256,
        "kernel-signer",
        Algorithm::Ed25519,
        key.public_key(),
    )
    .expect("writer");
    let mut jsonl = BufWriter::new(std::fs::File::create(dir.join("events.jsonl")).expect("jsonl"));
    let mut csv = BufWriter::new(std::fs::File::create(dir.join("events.csv")).expect("csv"));
    for i in 1..=n {
        let mut b = body(i);
        b.ts = plan.body_ts(&profile, &b.ts).expect("ts");
        let row = w.append(b, &key).expect("append");
        jsonl.write_all(row.to_json().as_bytes()).unwrap();
        jsonl.write_all(b"\n").unwrap();
        let fields: Vec<String> = plan
            .params(&row)
            .into_iter()
            .map(|p| p.map_or(String::new(), |v| csv_field(&v)))
            .collect();
        csv.write_all(fields.join(",").as_bytes()).unwrap();
        csv.write_all(b"\n").unwrap();
    }
    jsonl.flush().unwrap();
    csv.flush().unwrap();
    eprintln!("wrote {n} events to {}", dir.display());
}
