//! Signers files, JWKS documents, approval sets, timestamps and rotation
//! records on untrusted input: never panic; a registry that loads writes a
//! signers file and a JWKS that load back to the same registry.
#![no_main]
use libfuzzer_sys::fuzz_target;
use trustcore::envelope::Envelope;
use trustcore::registry::{ApprovalSet, SignerRegistry};
use trustcore::time::Timestamp;

const SEED: &str = r#"{"signers":[{"signerId":"kernel-signer","publicKey":"iK5IquE71F3VdIyAmu43IaDeJECBbT0tgDYQdNWX5zg=","validFrom":"2026-01-01T00:00:00Z"}]}"#;

fuzz_target!(|data: &[u8]| {
    for reg in [SignerRegistry::from_json(data), SignerRegistry::from_jwks(data)]
        .into_iter()
        .flatten()
    {
        let back = SignerRegistry::from_json(reg.to_json().as_bytes()).expect("written registry loads");
        assert_eq!(back, reg);
        let back = SignerRegistry::from_jwks(reg.to_jwks().as_bytes()).expect("written JWKS loads");
        assert_eq!(back, reg);
    }
    let _ = ApprovalSet::from_json(data);
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(t) = Timestamp::parse(s) {
            assert_eq!(Timestamp::parse(&t.to_string()).expect("printed time parses"), t);
        }
    }
    if let Ok(env) = Envelope::from_json(data) {
        if let Ok(mut reg) = SignerRegistry::from_json(SEED.as_bytes()) {
            let _ = reg.verify_rotation(&env);
            let _ = reg.apply_rotation(&env);
        }
    }
});
