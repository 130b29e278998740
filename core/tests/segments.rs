//! Segments stitch into exactly the one-pass report (issue #14): random
//! chains under every built-in profile, with random breaks (deleted,
//! swapped, replayed, altered, garbage and over-long rows, repeated ids,
//! a truncated end), cut at random places into random segments (empty ones
//! too), fed in random chunks, stitched through the wire forms (summary,
//! id buckets, requests and answers as JSON, the segment as bytes), under
//! random options (stop at first, few kept breaks, ids off, a trusted head
//! and a checkpoint that match or not), against `verify_jsonl` over the
//! whole log.

use proptest::prelude::*;
use serde_json::{json, Map, Value};
use std::sync::Arc;
use trustcore::chain::segment::{
    duplicates, stitch, Segment, SegmentAnswer, SegmentRequest, SegmentSummary, SegmentVerifier,
    Stitcher,
};
use trustcore::chain::{
    verify_jsonl, ChainReport, ChainWriter, Head, TreeHead, VerifyOptions, WriterOptions,
};
use trustcore::envelope::Algorithm;
use trustcore::keys::SecretKey;
use trustcore::merkle::Tree;
use trustcore::profile::{ChainProfile, BUILTIN_NAMES};
use trustcore::registry::SignerRegistry;

fn key() -> SecretKey {
    SecretKey::from_seed(&[1; 32])
}

fn registry() -> SignerRegistry {
    SignerRegistry::from_json(
        format!(
            r#"{{"signers":[{{"signerId":"kernel-signer","publicKey":"{}"}}]}}"#,
            key().public_key().to_base64()
        )
        .as_bytes(),
    )
    .unwrap()
}

fn body(p: &ChainProfile, i: u64, id: u64) -> Map<String, Value> {
    let c = &p.columns;
    let mut m = Map::new();
    m.insert(
        c.id.clone(),
        format!("6f1c2a4e-0000-4000-8000-{id:012x}").into(),
    );
    m.insert(
        c.ts.clone(),
        format!("2026-03-01T12:{:02}:{:02}.250Z", i / 60, i % 60).into(),
    );
    if let Some(e) = &c.event_type {
        m.insert(e.clone(), "manifest.signed".into());
    }
    if let Some(a) = &c.actor {
        m.insert(a.clone(), "svc:kernel".into());
    }
    m.insert(c.payload.clone(), json!({"n": i}));
    for e in &p.extra {
        m.insert(e.name.clone(), json!("tenant-a"));
    }
    m
}

/// A log of `n` rows (row `i` takes the id of row `ids[i]` when that is
/// earlier: a repeated id, properly linked and signed), with the head after
/// each row and every row's event hash.
/// Rows in `back` are dated before every other row (a writer that lost
/// the previous row's time): a `ts_regression`, properly linked.
fn log(p: &Arc<ChainProfile>, n: u64, ids: &[u64], back: &[u64]) -> (Vec<String>, Vec<Head>) {
    let writer = |head: Head| {
        ChainWriter::with_options(
            "kernel-signer",
            key().public_key(),
            WriterOptions {
                head,
                alg: Algorithm::Ed25519,
                profile: Some(Arc::clone(p)),
                ..WriterOptions::default()
            },
        )
        .unwrap()
    };
    let mut w = writer(Head::default());
    let mut heads = vec![w.head().clone()];
    let rows = (1..=n)
        .map(|i| {
            let id = ids
                .get(i as usize)
                .copied()
                .filter(|j| *j < i && *j > 0)
                .unwrap_or(i);
            let mut b = body(p, i, id);
            if back.contains(&i) && i > 1 {
                w = writer(Head {
                    ts: None,
                    ..w.head().clone()
                });
                b.insert(p.columns.ts.clone(), "2026-03-01T11:00:00.250Z".into());
            }
            let row = w.append_row(b, &key()).unwrap().to_json();
            heads.push(w.head().clone());
            row
        })
        .collect();
    (rows, heads)
}

#[derive(Clone, Debug)]
enum Tamper {
    Delete(usize),
    Swap(usize),
    Replay(usize, usize),
    Alter(usize),
    Garbage(usize),
    Blank(usize),
    Truncate(usize),
}

fn tamper(rows: &mut Vec<String>, t: &Tamper) {
    let n = rows.len();
    if n == 0 {
        return;
    }
    match *t {
        Tamper::Delete(i) => {
            rows.remove(i % n);
        }
        Tamper::Swap(i) if n > 1 => rows.swap(i % (n - 1), i % (n - 1) + 1),
        Tamper::Swap(_) => {}
        Tamper::Replay(i, j) => {
            let r = rows[i % n].clone();
            rows.insert(j % (n + 1), r);
        }
        Tamper::Alter(i) => {
            let i = i % n;
            rows[i] = rows[i].replacen("\"n\":", "\"n\":1", 1);
        }
        Tamper::Garbage(i) => rows.insert(i % (n + 1), "{\"not\": a row".into()),
        Tamper::Blank(i) => rows.insert(i % (n + 1), "   ".into()),
        Tamper::Truncate(k) => rows.truncate(n - (k % n)),
    }
}

fn tampers() -> impl Strategy<Value = Tamper> {
    prop_oneof![
        any::<usize>().prop_map(Tamper::Delete),
        any::<usize>().prop_map(Tamper::Swap),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Tamper::Replay(a, b)),
        any::<usize>().prop_map(Tamper::Alter),
        any::<usize>().prop_map(Tamper::Garbage),
        any::<usize>().prop_map(Tamper::Blank),
        (0usize..3).prop_map(Tamper::Truncate),
    ]
}

/// Verifies the segments apart and stitches them the way an engine does:
/// every document through its JSON form, every segment through its bytes,
/// the ids through buckets.
fn stitch_over_the_wire(
    segments: &[Segment],
    options: &VerifyOptions,
    buckets: usize,
) -> ChainReport {
    let summaries: Vec<SegmentSummary> = segments
        .iter()
        .map(|s| {
            let text = s.summary().to_value().to_string();
            SegmentSummary::from_value(&serde_json::from_str(&text).unwrap()).unwrap()
        })
        .collect();
    let mut bucketed: Vec<Vec<Vec<u8>>> = vec![Vec::new(); buckets];
    for (k, s) in segments.iter().enumerate() {
        for (b, bytes) in s.id_buckets(k as u32, buckets).into_iter().enumerate() {
            bucketed[b].push(bytes);
        }
    }
    let mut dups = Vec::new();
    if options.track_ids {
        for b in &bucketed {
            dups.extend(duplicates(b.iter().map(Vec::as_slice)).unwrap());
        }
    }
    let st = Stitcher::new(summaries, &dups, options.clone()).unwrap();
    let answers: Vec<SegmentAnswer> = st
        .requests()
        .iter()
        .map(|r| {
            let r = SegmentRequest::from_value(
                &serde_json::from_str(&r.to_value().to_string()).unwrap(),
            )
            .unwrap();
            let seg = Segment::from_bytes(&segments[r.segment as usize].to_bytes()).unwrap();
            let a = seg.answer(&r).unwrap();
            SegmentAnswer::from_value(&serde_json::from_str(&a.to_value().to_string()).unwrap())
                .unwrap()
        })
        .collect();
    st.finish(&answers).unwrap()
}

#[derive(Clone, Debug)]
struct Case {
    profile: usize,
    n: u64,
    ids: Vec<u64>,
    back: Vec<u64>,
    tampers: Vec<Tamper>,
    cuts: Vec<usize>,
    by_bytes: bool,
    chunk: usize,
    stop_at_first: bool,
    max_breaks: Option<usize>,
    track_ids: bool,
    short_rows: bool,
    head: Option<(u64, bool)>,
    checkpoint: Option<(u64, bool)>,
    buckets: usize,
}

fn cases() -> impl Strategy<Value = Case> {
    (
        (
            0..BUILTIN_NAMES.len(),
            0u64..40,
            proptest::collection::vec(0u64..40, 0..40),
            proptest::collection::vec(0u64..40, 0..3),
        ),
        proptest::collection::vec(tampers(), 0..4),
        (
            proptest::collection::vec(0usize..60_000, 0..6),
            any::<bool>(),
            1usize..2000,
        ),
        (
            any::<bool>(),
            prop_oneof![Just(None), (0usize..3).prop_map(Some)],
            any::<bool>(),
            any::<bool>(),
        ),
        (
            proptest::option::of((0u64..45, any::<bool>())),
            proptest::option::of((0u64..45, any::<bool>())),
            1usize..5,
        ),
    )
        .prop_map(
            |(
                (profile, n, ids, back),
                tampers,
                (cuts, by_bytes, chunk),
                (stop, mb, track, short),
                (head, checkpoint, buckets),
            )| Case {
                profile,
                n,
                ids,
                back,
                tampers,
                cuts,
                by_bytes,
                chunk,
                stop_at_first: stop,
                max_breaks: mb,
                track_ids: track,
                short_rows: short,
                head,
                checkpoint,
                buckets,
            },
        )
}

fn run(c: &Case) {
    let p = Arc::new(ChainProfile::builtin(BUILTIN_NAMES[c.profile]).unwrap());
    // Sparse repeated ids: about one row in four.
    let ids: Vec<u64> = c
        .ids
        .iter()
        .enumerate()
        .map(|(i, j)| if i % 4 == 3 { *j } else { 0 })
        .collect();
    let (mut rows, heads) = log(&p, c.n, &ids, &c.back);
    let hashes: Vec<[u8; 32]> = heads.iter().skip(1).map(|h| h.hash).collect();
    for t in &c.tampers {
        tamper(&mut rows, t);
    }
    let mut options = VerifyOptions {
        profile: Some(Arc::clone(&p)),
        stop_at_first: c.stop_at_first,
        track_ids: c.track_ids,
        ..VerifyOptions::default()
    };
    if let Some(mb) = c.max_breaks {
        options.max_breaks = mb;
    }
    if c.short_rows {
        let mut lens: Vec<usize> = rows.iter().map(String::len).collect();
        lens.sort_unstable();
        options.max_row_bytes = lens.get(lens.len() / 2).copied().unwrap_or(100).max(20);
    }
    if let Some((seq, right)) = c.head {
        let mut h = heads.get(seq as usize).cloned().unwrap_or(Head {
            seq,
            ..Head::default()
        });
        if !right {
            h.hash[0] ^= 1;
        }
        options.expected_head = Some(h);
    }
    if let Some((size, right)) = c.checkpoint {
        let size = size.min(hashes.len() as u64 + 2);
        let mut root = if (size as usize) <= hashes.len() {
            Tree::from_leaf_data(&hashes[..size as usize]).root()
        } else {
            [9; 32]
        };
        if !right {
            root[0] ^= 1;
        }
        // A size-0 checkpoint must be of the empty tree.
        if size == 0 {
            root = Tree::new().root();
        }
        options.checkpoint = Some(TreeHead { size, root });
    }
    let text: String = rows.iter().map(|r| format!("{r}\n")).collect();
    let one_pass = verify_jsonl(text.as_bytes(), registry(), options.clone());

    if c.by_bytes {
        // Byte ranges cut anywhere (mid-line too), fed from the byte before.
        let bytes = text.as_bytes();
        let mut cuts: Vec<u64> = c
            .cuts
            .iter()
            .map(|x| (*x % (bytes.len() + 1)) as u64)
            .collect();
        cuts.push(0);
        cuts.push(bytes.len() as u64);
        cuts.sort_unstable();
        let segments: Vec<Segment> = cuts
            .windows(2)
            .map(|w| {
                let mut v = SegmentVerifier::for_bytes(registry(), options.clone(), w[0], w[1]);
                let from = w[0].saturating_sub(1) as usize;
                for chunk in bytes[from..].chunks(c.chunk) {
                    if !v.needs_more() {
                        break;
                    }
                    v.push_bytes(chunk);
                }
                v.finish()
            })
            .collect();
        let stitched = stitch(&segments, &options).unwrap();
        assert_eq!(stitched, one_pass, "byte ranges {cuts:?}");
        let even = trustcore::chain::segment::split_bytes(bytes.len() as u64, c.buckets as u64 + 1);
        assert_eq!(even.first().map(|r| r.0), Some(0));
        assert!(even.windows(2).all(|w| w[0].1 == w[1].0));
        return;
    }
    // Cut the lines into segments.
    let mut cuts: Vec<usize> = c.cuts.iter().map(|x| x % (rows.len() + 1)).collect();
    cuts.push(0);
    cuts.push(rows.len());
    cuts.sort_unstable();
    let segments: Vec<Segment> = cuts
        .windows(2)
        .map(|w| {
            let part: String = rows[w[0]..w[1]].iter().map(|r| format!("{r}\n")).collect();
            let mut v = SegmentVerifier::new(registry(), options.clone());
            for chunk in part.as_bytes().chunks(c.chunk) {
                v.push_bytes(chunk);
            }
            v.finish()
        })
        .collect();
    let in_one_place = stitch(&segments, &options).unwrap();
    assert_eq!(
        in_one_place,
        one_pass,
        "stitched in one place\n{}\n{}",
        in_one_place.to_json(),
        one_pass.to_json()
    );
    let over_wire = stitch_over_the_wire(&segments, &options, c.buckets);
    assert_eq!(over_wire, one_pass, "stitched over the wire");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn stitched_segments_give_the_one_pass_report(c in cases()) {
        run(&c);
    }
}

/// The seams the issue names, each on its own, under the default profile.
#[test]
fn breaks_on_seams_are_where_one_pass_puts_them() {
    let base = Case {
        profile: 0,
        n: 12,
        ids: vec![],
        back: vec![],
        tampers: vec![],
        cuts: vec![4, 8],
        by_bytes: false,
        chunk: 7,
        stop_at_first: false,
        max_breaks: None,
        track_ids: true,
        short_rows: false,
        head: None,
        checkpoint: None,
        buckets: 3,
    };
    let variants = [
        // A deleted first row of a segment.
        vec![Tamper::Delete(4)],
        // A pair swapped across two segments.
        vec![Tamper::Swap(3)],
        // A row replayed into the next segment (a duplicate id in two).
        vec![Tamper::Replay(2, 9)],
        // A truncated last segment.
        vec![Tamper::Truncate(2)],
        vec![Tamper::Garbage(4), Tamper::Garbage(4)],
    ];
    for t in variants {
        for stop in [false, true] {
            for head in [None, Some((12, true)), Some((6, false))] {
                let c = Case {
                    tampers: t.clone(),
                    stop_at_first: stop,
                    head,
                    checkpoint: Some((12, true)),
                    ..base.clone()
                };
                run(&c);
            }
        }
    }
    // A row dated before the last row of the segment before.
    run(&Case {
        back: vec![5, 9],
        ..base.clone()
    });
    // Properly linked repeated ids in different segments.
    run(&Case {
        ids: vec![0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 5],
        ..base.clone()
    });
}

#[test]
fn mismatched_summaries_and_answers_are_refused_with_codes() {
    let p = Arc::new(ChainProfile::builtin("trustcore/v1").unwrap());
    let (rows, _) = log(&p, 6, &[], &[]);
    let seg = |opts: &VerifyOptions, rows: &[String]| {
        let mut v = SegmentVerifier::new(registry(), opts.clone());
        for r in rows {
            v.push_row(r.as_bytes());
        }
        v.finish()
    };
    let o = VerifyOptions::default();
    let a = seg(&o, &rows[..3]);
    let b = seg(
        &VerifyOptions {
            track_ids: false,
            ..o.clone()
        },
        &rows[3..],
    );
    let e = stitch(&[a.clone(), b], &o).unwrap_err();
    assert_eq!(e.code().as_str(), "invalid_state");
    assert!(
        e.message()
            .contains("segment 1 was verified with other options"),
        "{}",
        e.message()
    );
    // A duplicate that names no row.
    let e = Stitcher::new(vec![a.summary().clone()], &[(0, 99)], o.clone()).unwrap_err();
    assert_eq!(e.code().as_str(), "invalid_state");
    // An answer for another offset.
    let st = Stitcher::new(
        vec![a.summary().clone(), seg(&o, &rows[3..]).summary().clone()],
        &[],
        o.clone(),
    )
    .unwrap();
    let mut req = st.requests()[1].clone();
    req.offset += 1;
    let wrong = seg(&o, &rows[3..]).answer(&req).unwrap();
    let right = a.answer(&st.requests()[0]).unwrap();
    let e = st.finish(&[right, wrong]).unwrap_err();
    assert!(e.message().contains("does not fit"), "{}", e.message());
    // Bytes that are not a segment, and a summary with a wrong member.
    let mut bytes = a.to_bytes();
    for cut in [0, 7, bytes.len() / 2, bytes.len() - 1] {
        assert_eq!(
            Segment::from_bytes(&bytes[..cut])
                .unwrap_err()
                .code()
                .as_str(),
            "invalid_state"
        );
    }
    let last = bytes.len() - 1;
    bytes[last] ^= 0x55;
    assert!(Segment::from_bytes(&bytes).is_err() || Segment::from_bytes(&bytes).unwrap() != a);
    let mut v = a.summary().to_value();
    v["rows"] = json!(-1);
    let e = SegmentSummary::from_value(&v).unwrap_err();
    assert!(e.message().contains("/rows"), "{}", e.message());
}

/// The examples in `docs/schemas/chain-segment.schema.json` are what the
/// code writes for a small log cut in two, with a tampered row
/// (`TRUSTCORE_BLESS=1` rewrites them).
#[test]
fn documented_examples_are_what_the_code_writes() {
    let p = Arc::new(ChainProfile::builtin("trustcore/v1").unwrap());
    let (mut rows, _) = log(&p, 5, &[], &[]);
    rows[3] = rows[3].replacen("\"n\":", "\"n\":1", 1);
    let o = VerifyOptions::default();
    let segments: Vec<Segment> = [&rows[..2], &rows[2..]]
        .iter()
        .map(|part| {
            let mut v = SegmentVerifier::new(registry(), o.clone());
            part.iter().for_each(|r| v.push_row(r.as_bytes()));
            v.finish()
        })
        .collect();
    let st = Stitcher::new(
        segments.iter().map(|s| s.summary().clone()).collect(),
        &[],
        o.clone(),
    )
    .unwrap();
    let req = &st.requests()[1];
    let answer = segments[1].answer(req).unwrap();
    let examples = json!([
        segments[1].summary().to_value(),
        req.to_value(),
        answer.to_value()
    ]);
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/schemas/chain-segment.schema.json"
    );
    let mut schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    if std::env::var_os("TRUSTCORE_BLESS").is_some() {
        schema["examples"] = examples;
        std::fs::write(path, serde_json::to_string_pretty(&schema).unwrap() + "\n").unwrap();
        return;
    }
    assert_eq!(
        schema["examples"], examples,
        "run with TRUSTCORE_BLESS=1 to update the schema's examples"
    );
    let report = st
        .finish(&[segments[0].answer(&st.requests()[0]).unwrap(), answer])
        .unwrap();
    assert_eq!(report.breaks[0].position, 3);
}
