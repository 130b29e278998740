//! Unit tests of `sql`.

use proptest::prelude::*;

proptest! {
    // jsonb's exact decimals of large doubles come back as JSON's
    // spelling of those doubles, and only those.
    #[test]
    fn table_rows_get_json_spellings_of_pg_numbers(m in 1u64..(1 << 53), e in 0i32..970, neg in any::<bool>()) {
        let v = (m as f64) * 2f64.powi(e) * if neg { -1.0 } else { 1.0 };
        prop_assume!(v.is_finite() && v.abs() >= 9_007_199_254_740_992.0);
        let es = crate::canonical::format_f64(v).unwrap();
        // What numeric prints for the value canonical JSON wrote: the
        // decimal expansion of its spelling (the exact digits below 1e21).
        let exact = match es.split_once("e+") {
            None => es.clone(),
            Some((m, x)) => {
                let (neg, m) = m.strip_prefix('-').map_or((false, m), |r| (true, r));
                let digits: String = m.chars().filter(|c| *c != '.').collect();
                let zeros = x.parse::<usize>().unwrap() + 1 - digits.len();
                format!("{}{digits}{}", if neg { "-" } else { "" }, "0".repeat(zeros))
            }
        };
        let row = format!(r#"{{"a":{exact},"s":"{exact}","b":[1.5,{exact}]}}"#);
        let fixed = table_row(row.as_bytes()).into_owned();
        prop_assert_eq!(
            String::from_utf8(fixed.clone()).unwrap(),
            format!(r#"{{"a":{es},"s":"{exact}","b":[1.5,{es}]}}"#)
        );
        prop_assert!(crate::canonical::canonicalize_text(&fixed).is_ok());
        // Another integer is left as it is (and refused by the verifier).
        if !exact.ends_with('9') && v.abs() >= 1e21 {
            let mut off = exact.clone();
            let last = off.pop().unwrap();
            off.push((last as u8 + 1) as char);
            let r = format!(r#"{{"a":{off}}}"#);
            prop_assert_eq!(&table_row(r.as_bytes())[..], r.as_bytes());
        }
    }
}

use super::*;

fn types(p: &ChainProfile) -> Vec<(String, String)> {
    let c = &p.columns;
    let mut v = vec![
        (c.id.clone(), "uuid".to_string()),
        (c.ts.clone(), "timestamp with time zone".to_string()),
        (c.payload.clone(), "jsonb".to_string()),
        (c.prev_hash.clone(), "text".to_string()),
        (c.hash.clone(), "text".to_string()),
        (c.signer.clone(), "text".to_string()),
        (c.signature.clone(), "text".to_string()),
    ];
    v.extend(c.seq.iter().map(|s| (s.clone(), "bigint".to_string())));
    v.extend(c.event_type.iter().map(|s| (s.clone(), "text".to_string())));
    v.extend(c.actor.iter().map(|s| (s.clone(), "text".to_string())));
    v
}

#[test]
fn plans_check_columns_and_never_take_an_injected_name() {
    let p = ChainProfile::trustcore_v1();
    let t = Table::parse("audit_events").unwrap();
    let plan = SelectPlan::new(&p, &t, &types(&p)).unwrap();
    assert!(
        plan.sql.contains("ORDER BY \"seq\", \"id\" OFFSET $1"),
        "{}",
        plan.sql
    );
    assert!(
        plan.sql.contains("to_char(\"ts\" AT TIME ZONE 'UTC'"),
        "{}",
        plan.sql
    );
    assert_eq!(
        Table::parse("x; DROP TABLE y").unwrap_err().code(),
        ErrorCode::InvalidTableName
    );
    assert_eq!(
        Table::parse("audit.events").unwrap().sql(),
        "\"audit\".\"events\""
    );
    let mut missing = types(&p);
    missing.retain(|(n, _)| n != "signature");
    assert_eq!(
        SelectPlan::new(&p, &t, &missing).unwrap_err().code(),
        ErrorCode::MissingColumn
    );
    let mut wrong = types(&p);
    wrong.iter_mut().for_each(|(n, ty)| {
        if n == "payload" {
            *ty = "integer".into()
        }
    });
    let e = SelectPlan::new(&p, &t, &wrong).unwrap_err();
    assert_eq!(e.code(), ErrorCode::ColumnType);
    assert!(e.message().contains("payload"), "{e}");
    assert_eq!(
        SelectPlan::new(&p, &t, &[]).unwrap_err().code(),
        ErrorCode::MissingTable
    );
    let a = AppendPlan::new(&p, &t, &types(&p)).unwrap();
    assert!(
        a.insert_sql.starts_with("INSERT INTO \"audit_events\""),
        "{}",
        a.insert_sql
    );
    assert_eq!(
        a.body_ts(&p, "2026-03-01T12:00:00.250000Z").unwrap(),
        "2026-03-01T12:00:00.25Z"
    );
    assert!(a.body_ts(&p, "2026-03-01T12:00:00.0000001Z").is_err());
}

#[test]
fn the_committed_migration_is_the_default_profiles() {
    let sql = migration(
        &ChainProfile::trustcore_v1(),
        &Table::parse("audit_events").unwrap(),
    );
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../sql/migrations/0001_audit_events.sql"
    );
    if std::env::var_os("TRUSTCORE_BLESS").is_some() {
        std::fs::write(path, &sql).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert_eq!(
        committed, sql,
        "sql/migrations/0001_audit_events.sql is not trustcore::sql::migration's output; rerun with TRUSTCORE_BLESS=1"
    );
}

#[test]
fn a_stamped_append_never_goes_before_its_head() {
    let p = ChainProfile::trustcore_v1();
    let t = Table::parse("audit_events").unwrap();
    let a = AppendPlan::new(&p, &t, &types(&p)).unwrap();
    let head = |ts: &str| Head {
        ts: Some(ts.to_string()),
        ..Head::default()
    };
    // A Python writer's microseconds, then a Node writer's milliseconds
    // read later in the same millisecond: the head's time is kept.
    let h = head("2026-12-07T00:56:57.067007Z");
    assert_eq!(
        a.stamp(&p, &h, "2026-12-07T00:56:57.067Z").unwrap(),
        "2026-12-07T00:56:57.067007Z"
    );
    assert_eq!(
        a.stamp(&p, &h, "2026-12-07T00:56:57.068Z").unwrap(),
        "2026-12-07T00:56:57.068Z"
    );
    assert_eq!(
        a.stamp(&p, &Head::default(), "2026-12-07T00:56:57.1Z")
            .unwrap(),
        "2026-12-07T00:56:57.1Z"
    );
    // A clock that stepped back an hour.
    assert_eq!(
        a.stamp(&p, &head("2026-12-07T01:00:00Z"), "2026-12-07T00:00:00Z")
            .unwrap(),
        "2026-12-07T01:00:00Z"
    );
    // What the caller's clock gives is still checked.
    assert!(a.stamp(&p, &h, "2026-12-07T00:56:57.0670071Z").is_err());
}

#[test]
fn a_head_count_is_a_row_count() {
    let p = ChainProfile::trustcore_v1();
    let t = Table::parse("audit_events").unwrap();
    let a = AppendPlan::new(&p, &t, &types(&p)).unwrap();
    assert_eq!(a.head(&p, None, 0).unwrap(), Head::default());
    assert_eq!(a.head(&p, None, i64::MAX.into()).unwrap(), Head::default());
    for bad in [-1, i64::MIN.into(), i128::from(i64::MAX) + 1, i128::MAX] {
        let e = a.head(&p, None, bad).unwrap_err();
        assert_eq!(e.code(), "invalid_count", "{e}");
        assert!(e.to_string().contains("row count"), "{e}");
    }
}
