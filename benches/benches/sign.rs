//! Ed25519 sign/verify, envelopes and the registry, in Rust.
//!
//! ```sh
//! cargo bench -p trustcore-benches --bench sign -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! Messages: 64 bytes, and the ~805-byte signing input of an envelope around
//! a ~700-byte event (the size the Node and Python benches use).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use trustcore::envelope::{Algorithm, Envelope};
use trustcore::keys::SecretKey;
use trustcore::registry::SignerRegistry;
use trustcore::sign;
use trustcore::time::Timestamp;

const EVENT: &[u8] = br#"{"actor":"svc:kernel-api","amount":1250.75,"approvers":["alice@example.com","bob@example.com"],"currency":"EUR","division":"research","id":"6f1c2a4e-0000-4000-8000-000000000001","note":"Quarterly compute allocation for the research division, within the limits approved by the board in the last planning cycle.","policy":{"decision":"allow","id":"alloc-limit","version":3},"request_id":"req-000000000001","tags":["q3","compute","approved","budget"],"trace":{"sampled":true,"span":"9e3779b97f4a7c15"},"ts":"2026-03-01T12:00:00Z","type":"allocation.approved","reviewed_by":["carol@example.com","dave@example.com"],"ticket":"OPS-4711"}"#;

fn bench(c: &mut Criterion) {
    let sk = SecretKey::from_seed(&[7u8; 32]);
    let pk = sk.public_key();
    let pk_bytes = pk.to_bytes();
    let env0 = Envelope::new("allocation.approved", EVENT).expect("event");
    let input = env0
        .prepare("kernel-signer", Algorithm::Ed25519)
        .expect("prepare")
        .signing_input()
        .to_vec();
    for (name, msg) in [("64B", vec![0x5au8; 64]), ("signing_input", input)] {
        let mut g = c.benchmark_group(format!("ed25519/{name}"));
        g.throughput(Throughput::Elements(1));
        let sig = sign::sign(&sk, &msg);
        g.bench_function("sign", |b| b.iter(|| sign::sign(&sk, black_box(&msg))));
        g.bench_function("verify_raw_key", |b| {
            b.iter(|| sign::verify(black_box(&pk_bytes), black_box(&msg), &sig))
        });
        g.bench_function("verify_imported_key", |b| {
            b.iter(|| sign::verify_with(black_box(&pk), black_box(&msg), &sig))
        });
        g.finish();
    }

    let registry = SignerRegistry::from_json(
        format!(
            r#"{{"signers":[{{"signerId":"kernel-signer","publicKey":"{}","validFrom":"2026-01-01T00:00:00Z"}}]}}"#,
            pk.to_base64()
        )
        .as_bytes(),
    )
    .expect("registry");
    let mut signed = env0.clone();
    signed
        .sign(&sk, "kernel-signer", Algorithm::Ed25519)
        .expect("sign");
    let text = signed.to_json();
    let at = Timestamp::parse("2026-03-01T12:00:00Z").expect("ts");
    let mut g = c.benchmark_group("envelope");
    g.throughput(Throughput::Elements(1));
    g.bench_function("new_and_sign", |b| {
        b.iter(|| {
            let mut e = Envelope::new("allocation.approved", black_box(EVENT)).expect("event");
            e.sign(&sk, "kernel-signer", Algorithm::Ed25519)
                .expect("sign");
            e
        })
    });
    g.bench_function("parse_and_verify_with_registry", |b| {
        b.iter(|| {
            let e = Envelope::from_json(black_box(text.as_bytes())).expect("parse");
            assert!(registry.verify_envelope(&e, &at).valid);
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
