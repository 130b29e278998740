//! Digest text parsing: never panics; what parses prints back identically.
#![no_main]
use libfuzzer_sys::fuzz_target;
use trustcore::digest::Digest;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(d) = s.parse::<Digest>() {
            assert_eq!(d.to_string(), s);
        }
    }
});
