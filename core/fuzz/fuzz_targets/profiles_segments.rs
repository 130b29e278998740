//! Chain profiles, segment summaries (what Dask workers hand back), saved
//! verifier states and heads on untrusted bytes: never panic. A profile
//! that loads writes a document that loads back to the same profile, and
//! every built-in profile reads any row without panicking; a segment,
//! summary, request, answer, state or head that reads writes what reads
//! back to itself.
#![no_main]
use libfuzzer_sys::fuzz_target;
use trustcore::chain::segment::{Segment, SegmentAnswer, SegmentRequest, SegmentSummary};
use trustcore::chain::{Head, TreeHead, VerifierState};
use serde_json::Value;
use trustcore::profile::{ChainProfile, BUILTIN_NAMES};

/// What reads from `v` writes a value that reads back to itself.
fn round_trip<T: PartialEq + std::fmt::Debug, E: std::fmt::Debug>(
    v: &Value,
    read: impl Fn(&Value) -> Result<T, E>,
    write: impl Fn(&T) -> Value,
) {
    if let Ok(x) = read(v) {
        assert_eq!(read(&write(&x)).expect("what was written reads back"), x);
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(p) = ChainProfile::from_json(data) {
        let back = ChainProfile::from_value(&p.to_value()).expect("a written profile loads");
        assert_eq!(back, p);
    }
    if let Ok(s) = Segment::from_bytes(data) {
        assert_eq!(Segment::from_bytes(&s.to_bytes()).expect("a written segment reads"), s);
    }
    let Ok(canonical) = trustcore::canonical::canonicalize_text(data) else {
        return;
    };
    for name in BUILTIN_NAMES {
        let profile = ChainProfile::builtin(name).expect("built-in profiles exist");
        let _ = profile.read_row(&canonical);
    }
    let v: Value = serde_json::from_slice(&canonical).expect("canonical text parses");
    round_trip(&v, SegmentSummary::from_value, SegmentSummary::to_value);
    round_trip(&v, SegmentRequest::from_value, SegmentRequest::to_value);
    round_trip(&v, SegmentAnswer::from_value, SegmentAnswer::to_value);
    round_trip(&v, VerifierState::from_value, VerifierState::to_value);
    round_trip(&v, Head::from_value, Head::to_value);
    round_trip(&v, TreeHead::from_value, TreeHead::to_value);
});
