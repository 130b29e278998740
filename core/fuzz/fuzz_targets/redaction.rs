//! Redaction on untrusted bytes: the policy loader and `redact_text` never
//! panic. A document that redacts gives canonical redacted bytes, the same
//! bytes and record as redacting its parsed tree, and a record whose every
//! pointer names a value of the original that its commitment proves.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use trustcore::canonical::canonicalize_text;
use trustcore::redact::{proves, redact, redact_text, RedactionKeys, RedactionPolicy};

const POLICY: &[u8] = br#"{"type":"trustcore.redaction-policy/v1","id":"fuzz","version":1,"rules":[
 {"id":"mail","select":{"keys":["email","e_mail"]},"action":"replace","class":"email"},
 {"id":"card","select":{"detect":"card"},"action":"mask","keep":4},
 {"id":"phone","select":{"detect":"phone"},"action":"mask","keep":2},
 {"id":"iban","select":{"detect":"iban"},"action":"remove"},
 {"id":"ip","select":{"detect":"ipv6"},"action":"pseudonymize"},
 {"id":"tok","select":{"pointer":"/**/token"},"action":"remove"},
 {"id":"first","select":{"pointer":"/a/*/0"},"action":"mask","keep":1},
 {"id":"odd","select":{"pointer":"/x~1y/q\"u"},"action":"replace"}
]}"#;

fn fixed() -> &'static (RedactionPolicy, RedactionKeys) {
    static FIXED: OnceLock<(RedactionPolicy, RedactionKeys)> = OnceLock::new();
    FIXED.get_or_init(|| {
        (
            RedactionPolicy::from_json(POLICY).expect("the fixed policy loads"),
            RedactionKeys::from_bytes(&[5; 32], Some(&[6; 32])).expect("32-byte keys"),
        )
    })
}

fuzz_target!(|data: &[u8]| {
    let _ = RedactionPolicy::from_json(data);
    let (policy, keys) = fixed();
    let Ok(r) = redact_text(data, policy, keys) else {
        return;
    };
    assert_eq!(
        canonicalize_text(&r.redacted).expect("redacted bytes parse"),
        r.redacted
    );
    let original: serde_json::Value =
        serde_json::from_slice(&canonicalize_text(data).expect("it redacted"))
            .expect("canonical text parses");
    assert_eq!(
        redact(&original, policy, keys).expect("the tree redacts"),
        r
    );
    for e in &r.record.redactions {
        let v = original
            .pointer(&e.pointer)
            .expect("pointers name values of the original");
        assert!(proves(&e.to_value(), v, &keys.salt_key), "{}", e.pointer);
    }
});
