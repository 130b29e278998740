//! The policy loader on untrusted bytes: never panics; an error from the
//! policy module always names a place (a JSON Pointer that exists in the
//! document or is its root); a set that loads evaluates a few fixed
//! requests without panicking, deterministically, and every record it
//! produces explains.
#![no_main]
use libfuzzer_sys::fuzz_target;
use trustcore::policy::{evaluate, explain, PolicySet};

const REQUESTS: [&[u8]; 3] = [
    br#"{"action":"POST /kernel/allocate","subject":{"id":"u1","roles":["Operator"]},"body":{"amount":700}}"#,
    br#"{"action":"POST /kernel/sign","subject":{"roles":"x"},"resource":"division/a"}"#,
    br#"{"action":"GET /kernel/audit/1","a":[1,"x",null,{"b":true}],"x":"svc-1"}"#,
];

fuzz_target!(|data: &[u8]| {
    match PolicySet::from_json(data) {
        Ok(set) => {
            for r in REQUESTS {
                let d = evaluate(&set, r).expect("fixed requests are valid");
                assert_eq!(d.to_bytes(), evaluate(&set, r).unwrap().to_bytes());
                for c in d.checks() {
                    explain(c.as_bytes(), &set).expect("own records explain");
                }
            }
        }
        Err(e) if e.kind() == trustcore::ErrorKind::Policy => {
            let path = e.path().expect("policy errors name a place");
            let doc: serde_json::Value = serde_json::from_slice(data).expect("the text was valid JSON");
            // The path, or its parent for a missing or unknown member, exists.
            let parent = path.rfind('/').map_or("", |i| &path[..i]);
            assert!(
                doc.pointer(path).is_some() || doc.pointer(parent).is_some(),
                "error path {path} is not in the document: {e}"
            );
        }
        Err(_) => {}
    }
});
