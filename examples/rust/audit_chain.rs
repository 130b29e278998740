//! An audit trail end to end: append signed events, export JSONL, sign a
//! Merkle checkpoint, then verify the export as an auditor would (streaming,
//! against the signer registry and the signed checkpoint), and show what a
//! tampered row and a truncated export look like.
//!
//! ```sh
//! cargo run -p trustcore --features parallel --example audit_chain
//! ```
use trustcore::chain::{ChainVerifier, ChainWriter, EventBody, Head, TreeHead, VerifyOptions};
use trustcore::digest::Algorithm as HashAlg;
use trustcore::envelope::Algorithm;
use trustcore::keys::SecretKey;
use trustcore::merkle::{open_checkpoint, Checkpoint, VerifierKey};
use trustcore::registry::SignerRegistry;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Keys come from the caller (KMS, file, HSM); fixed seeds keep the demo
    // reproducible.
    let signer = SecretKey::from_seed(&[11u8; 32]);
    let log_key = SecretKey::from_seed(&[12u8; 32]);
    let registry = SignerRegistry::from_json(
        format!(
            r#"{{"signers":[{{"signerId":"kernel-signer","publicKey":"{}","validFrom":"2026-01-01T00:00:00Z"}}]}}"#,
            signer.public_key().to_base64()
        )
        .as_bytes(),
    )?;

    // 1. The Kernel appends ten events.
    let mut writer = ChainWriter::new(
        Head::default(),
        HashAlg::Sha256,
        "kernel-signer",
        Algorithm::Ed25519,
        signer.public_key(),
    )?;
    let mut export = String::new();
    for i in 1..=10u32 {
        let event = writer.append(
            EventBody {
                id: format!("7d1e6c52-0000-4000-8000-{i:012}"),
                ts: format!("2026-03-01T12:00:{i:02}Z"),
                event_type: "allocation.approved".into(),
                actor: "svc:kernel-api".into(),
                payload: serde_json::json!({"allocation": i, "amount": 100 * i}),
            },
            &signer,
        )?;
        export.push_str(&event.to_json());
        export.push('\n');
    }
    let head = writer.head().clone();
    println!(
        "appended 10 events; head seq {} hash {}",
        head.seq,
        hex(&head.hash)
    );

    // 2. The log signs a checkpoint over the event hashes.
    let mut v = ChainVerifier::new(registry.clone(), VerifyOptions::default());
    v.push_bytes(export.as_bytes());
    let tree = v.finish().merkle;
    let note = Checkpoint::new("audit.example/kernel", tree.size, tree.root)?
        .sign(&[("audit.example/kernel", &log_key)])?
        .to_text();
    println!("signed checkpoint:\n{note}");

    // 3. An auditor opens the checkpoint with the log's public key and
    //    verifies the export against it, streaming in small chunks.
    let trusted = [VerifierKey::new(
        "audit.example/kernel",
        log_key.public_key(),
    )?];
    let opened = open_checkpoint(note.as_bytes(), &trusted)?;
    let checkpoint = TreeHead {
        size: opened.checkpoint.size(),
        root: *opened.checkpoint.root(),
    };
    let audit = |text: &str| {
        let mut v = ChainVerifier::new(
            registry.clone(),
            VerifyOptions {
                checkpoint: Some(checkpoint),
                ..VerifyOptions::default()
            },
        );
        for chunk in text.as_bytes().chunks(100) {
            v.push_bytes(chunk);
        }
        v.finish()
    };
    let report = audit(&export);
    println!(
        "export: valid={} rows={} head seq {}",
        report.valid, report.rows, report.head.seq
    );
    assert!(report.valid);

    // 4. A row tampered with, and the last three rows dropped.
    let tampered = export.replacen("\"amount\":300", "\"amount\":3000", 1);
    let truncated: String = export.lines().take(7).map(|l| format!("{l}\n")).collect();
    for (name, text) in [("tampered", tampered), ("truncated", truncated)] {
        let r = audit(&text);
        assert!(!r.valid);
        for b in &r.breaks {
            println!(
                "{name}: row {} ({}) {}: {}",
                b.position,
                b.id.as_deref().unwrap_or("-"),
                b.reason.as_str(),
                b.message
            );
        }
    }
    Ok(())
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
