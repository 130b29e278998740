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
use trustcore::profile::{ChainProfile, BUILTIN_NAMES};

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
    let v: serde_json::Value = serde_json::from_slice(&canonical).expect("canonical text parses");
    if let Ok(s) = SegmentSummary::from_value(&v) {
        assert_eq!(SegmentSummary::from_value(&s.to_value()).expect("a written summary reads"), s);
    }
    if let Ok(r) = SegmentRequest::from_value(&v) {
        assert_eq!(SegmentRequest::from_value(&r.to_value()).expect("a written request reads"), r);
    }
    if let Ok(a) = SegmentAnswer::from_value(&v) {
        assert_eq!(SegmentAnswer::from_value(&a.to_value()).expect("a written answer reads"), a);
    }
    if let Ok(s) = VerifierState::from_value(&v) {
        assert_eq!(VerifierState::from_value(&s.to_value()).expect("a written state reads"), s);
    }
    if let Ok(h) = Head::from_value(&v) {
        assert_eq!(Head::from_value(&h.to_value()).expect("a written head reads"), h);
    }
    if let Ok(h) = TreeHead::from_value(&v) {
        assert_eq!(TreeHead::from_value(&h.to_value()).expect("a written tree head reads"), h);
    }
});
