//! Unit tests of `cli`.

use super::*;

fn args(s: &str) -> Vec<String> {
    s.split_whitespace().map(String::from).collect()
}

#[test]
fn the_runbook_command_parses() {
    let Command::AuditVerify(a) = parse(&args(
        "audit-verify --database-url postgres://x/db --signers /s.json",
    ))
    .unwrap() else {
        panic!()
    };
    assert_eq!(
        a.source,
        Source::Database {
            url: "postgres://x/db".into(),
            table: "audit_events".into()
        }
    );
    assert_eq!(
        (a.signers.as_str(), a.profile.as_str()),
        ("/s.json", "trustcore/v1")
    );
    let Command::AuditVerify(b) = parse(&args(
        "audit-verify a.jsonl b.jsonl.gz --signers=s.json --json --threads 2",
    ))
    .unwrap() else {
        panic!()
    };
    assert_eq!(
        b.source,
        Source::Files(vec!["a.jsonl".into(), "b.jsonl.gz".into()])
    );
    assert!(b.json);
    assert_eq!(b.threads, Some(2));
}

#[test]
fn usage_errors_are_one_line_with_code_and_exit_2() {
    for bad in [
        "audit-verify --signers s.json",
        "audit-verify a.jsonl",
        "audit-verify a.jsonl --signers s.json --threads 0",
        "audit-verify a.jsonl --signers s.json --frobnicate",
        "audit-verify a.jsonl --database-url x --signers s.json",
        "audit-verify a.jsonl --signers s.json --checkpoint c.txt",
        "verify a.jsonl",
        "audit-verify a.jsonl --signers",
    ] {
        let e = parse(&args(bad)).unwrap_err();
        assert_eq!(e.code(), ErrorCode::Usage, "{bad}");
        assert_eq!(e.exit_code(), 2);
        assert!(!e.line().contains('\n'), "{bad}: {}", e.line());
    }
    assert!(matches!(parse(&args("--help")).unwrap(), Command::Print(_)));
}

#[test]
fn numbers_have_separators_and_progress_has_a_rate() {
    assert_eq!(thousands(0), "0");
    assert_eq!(thousands(1_234_567), "1,234,567");
    assert_eq!(
        progress_line(50_000, 50, Some(100), 2.0),
        "verifying: 50,000 events, 25,000/s, 50%, 0:02 left"
    );
}
