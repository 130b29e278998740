//! Signed checkpoint parsing (untrusted input): never panics; a note that
//! parses prints back byte for byte; a checkpoint body that parses prints
//! back identically; opening against a fixed trusted key never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;
use trustcore::keys::SecretKey;
use trustcore::merkle::{open_checkpoint, Checkpoint, Note, VerifierKey};

fuzz_target!(|data: &[u8]| {
    if let Ok(note) = Note::parse(data) {
        assert_eq!(note.to_text().as_bytes(), data);
        if let Ok(cp) = Checkpoint::parse(note.text()) {
            assert_eq!(cp.to_text(), note.text());
        }
    }
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(cp) = Checkpoint::parse(s) {
            assert_eq!(cp.to_text(), s);
        }
        if let Ok(k) = VerifierKey::parse(s) {
            assert_eq!(VerifierKey::parse(&k.to_string()).as_ref(), Ok(&k));
        }
    }
    let key = SecretKey::from_seed(&[1; 32]);
    if let Ok(trusted) = VerifierKey::new("audit.example/chain/prod", key.public_key()) {
        let _ = open_checkpoint(data, &[trusted]);
    }
});
