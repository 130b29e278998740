//! Audit-chain rows and JSONL streams on untrusted input: never panic; a
//! row that reads writes canonical JSON that reads back to the same event;
//! the verdict does not depend on how the stream is chunked.
#![no_main]
use libfuzzer_sys::fuzz_target;
use trustcore::chain::{verify_jsonl, ChainVerifier, Event, VerifyOptions};
use trustcore::registry::SignerRegistry;

fuzz_target!(|data: &[u8]| {
    if let Ok(e) = Event::from_json(data) {
        let back = Event::from_json(e.to_json().as_bytes()).expect("written row reads");
        assert_eq!(back, e);
    }
    let whole = verify_jsonl(data, SignerRegistry::new(), VerifyOptions::default());
    let mut v = ChainVerifier::new(SignerRegistry::new(), VerifyOptions::default());
    for chunk in data.chunks(7) {
        v.push_bytes(chunk);
    }
    assert_eq!(v.finish(), whole);
});
