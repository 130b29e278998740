//! The UTF-16 entry (JavaScript strings): never panics, and agrees with the
//! UTF-8 path whenever the code units are well-formed.
#![no_main]
use libfuzzer_sys::fuzz_target;
use trustcore::canonical::{canonicalize_text, canonicalize_utf16, Options};

fuzz_target!(|data: &[u8]| {
    let units: Vec<u16> = data.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
    let r16 = canonicalize_utf16(&units, &Options::default());
    if let Ok(s) = String::from_utf16(&units) {
        let r8 = canonicalize_text(s.as_bytes());
        assert_eq!(r16, r8);
    }
});
