//! Snapshot metadata, batches and disclosures on untrusted bytes: never
//! panic. Metadata that parses prints and parses back to itself; a batch's
//! report does not depend on how the bytes are chunked and names only
//! lines the batch has; a record with disclosures either discloses to a
//! document that is canonical JSON (and `disclose_report` to the same view,
//! with pointers that resolve in it) or is refused with a code.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use trustcore::envelope::Algorithm;
use trustcore::keys::SecretKey;
use trustcore::redact::{disclose, disclose_report};
use trustcore::registry::SignerRegistry;
use trustcore::snapshot::{record_proof, verify_snapshot, Snapshot, SnapshotBuilder, SnapshotVerifier};

fn fixed() -> &'static (Snapshot, SignerRegistry, Vec<u8>) {
    static FIXED: OnceLock<(Snapshot, SignerRegistry, Vec<u8>)> = OnceLock::new();
    FIXED.get_or_init(|| {
        let key = SecretKey::from_seed(&[3; 32]);
        let registry = SignerRegistry::from_json(
            format!(r#"{{"signers":[{{"signerId":"s","publicKey":"{}"}}]}}"#, key.public_key().to_base64())
                .as_bytes(),
        )
        .expect("the fixed registry loads");
        let mut b = SnapshotBuilder::new(Default::default());
        let mut batch = Vec::new();
        for i in 0..3 {
            let line = format!(r#"{{"trace_id":"t{i}","ts":"2026-03-01T00:00:0{i}Z","x":[{i},"é"]}}"#);
            batch.extend_from_slice(b.push_text(line.as_bytes()).expect("fixed records"));
        }
        let snap = b
            .finish("fuzz", "2026-03-01T00:01:00Z")
            .and_then(|u| u.sign(&key, "s", Algorithm::Ed25519))
            .expect("the fixed snapshot signs");
        (snap, registry, batch)
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(meta) = Snapshot::from_json(data) {
        let back = Snapshot::from_json(meta.to_json().as_bytes()).expect("printed metadata parses");
        assert_eq!(back, meta);
    }
    let (snap, registry, batch) = fixed();
    let report = verify_snapshot(snap, data, registry);
    let lines = data.split(|&b| b == b'\n').count() as u64;
    assert!(report.records <= lines);
    for f in &report.failures {
        assert!(f.line.is_none_or(|l| l >= 1 && l <= lines), "line {:?} of {lines}", f.line);
    }
    let cut = data.first().map_or(0, |&b| usize::from(b) % (data.len() + 1));
    let mut v = SnapshotVerifier::new(snap.clone(), registry.clone());
    v.push_bytes(&data[..cut]);
    v.push_bytes(&data[cut..]);
    assert_eq!(v.finish(), report, "the verdict depends on chunking at {cut}");
    // The fixed batch with these bytes in the middle never panics either.
    let mut mixed = batch.clone();
    mixed.extend_from_slice(data);
    let _ = verify_snapshot(snap, &mixed, registry);
    for i in 0..3 {
        let _ = record_proof(data, i);
    }
    // A record (the first line, read strictly as the bindings read it) and
    // disclosures (the other lines).
    let mut parts = data.split(|&b| b == b'\n');
    let Some(Ok(canonical)) = parts.next().map(trustcore::canonical::canonicalize_text) else {
        return;
    };
    let record: serde_json::Value = serde_json::from_slice(&canonical).expect("canonical text parses");
    let texts: Vec<&str> = parts.filter_map(|p| std::str::from_utf8(p).ok()).collect();
    let report = disclose_report(&record, &texts);
    match disclose(&record, &texts) {
        Ok(out) => {
            trustcore::canonical::canonicalize_value(&out, &Default::default()).expect("disclosed documents are canonical JSON");
            // The report's view is disclose's; each pointer it gives resolves in it.
            let r = report.expect("disclose_report accepts what disclose accepts");
            assert_eq!(r.view, out);
            assert_eq!(r.opened.len(), texts.len(), "one opened value per disclosure");
            for p in r.opened.iter().chain(r.hidden.iter().map(|h| &h.pointer)) {
                assert!(r.view.pointer(p).is_some(), "{p} is not in the view");
            }
        }
        Err(e) => assert_eq!(report.err().map(|x| x.code()), Some(e.code())),
    }
});
