//! Envelope JSON and key imports (PEM, JWK, base64) on untrusted input:
//! never panic; an envelope that parses prints as canonical JSON that parses
//! back to the same envelope.
#![no_main]
use libfuzzer_sys::fuzz_target;
use trustcore::envelope::Envelope;
use trustcore::keys::{PublicKey, SecretKey};

fuzz_target!(|data: &[u8]| {
    if let Ok(env) = Envelope::from_json(data) {
        let text = env.to_json();
        let back = Envelope::from_json(text.as_bytes()).expect("printed envelope must parse");
        assert_eq!(back, env);
    }
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = PublicKey::from_spki_pem(s);
        let _ = PublicKey::from_jwk(s);
        let _ = PublicKey::from_base64(s);
        let _ = SecretKey::from_pkcs8_pem(s);
        let _ = SecretKey::from_jwk(s);
    }
});
