//! The text parser on untrusted bytes: never panics; accepted input gives a
//! fixed point; where serde_json also accepts the input and the input has no
//! duplicate names, the value path agrees with the text path.
#![no_main]
use libfuzzer_sys::fuzz_target;
use trustcore::canonical::{canonicalize_text, canonicalize_value, ErrorCode, Options};

fuzz_target!(|data: &[u8]| {
    match canonicalize_text(data) {
        Ok(out) => {
            let again = canonicalize_text(&out).expect("canonical output must be accepted");
            assert_eq!(again, out, "canonical form must be a fixed point");
            if let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) {
                let via_value = canonicalize_value(&v, &Options::default())
                    .expect("a value from accepted text must canonicalize");
                assert_eq!(via_value, out, "value path and text path disagree");
            }
        }
        Err(e) => {
            let off = e.offset().expect("text errors carry an offset");
            assert!(off <= data.len());
            // JSON grammar is the same for both parsers: serde_json accepting
            // what we call a syntax error would mean one of us misreads RFC 8259.
            if e.code() == ErrorCode::Syntax && serde_json::from_slice::<serde_json::Value>(data).is_ok() {
                panic!("serde_json accepts input we reject as syntax: {e}");
            }
        }
    }
});
