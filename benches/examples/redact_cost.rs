//! Redactions (from JSON text) of the bench's ~1 KB traces under its 20-rule policy, `n`
//! times (argument, default 1000), for instruction counts on a shared
//! machine; the cost of one is (total(n) − total(0)) / n:
//!
//! ```sh
//! cargo build --release -p trustcore-benches --example redact_cost
//! valgrind --tool=callgrind --callgrind-out-file=cg.0 target/release/examples/redact_cost 0
//! valgrind --tool=callgrind --callgrind-out-file=cg.1000 target/release/examples/redact_cost 1000
//! ```

use std::hint::black_box;
use trustcore::redact::{self, RedactionKeys};
use trustcore_benches::traces::{policy, trace};

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    let p = policy();
    let keys = RedactionKeys::from_bytes(&[7; 32], Some(&[8; 32])).unwrap();
    let docs: Vec<String> = (0..100).map(|i| trace(i).to_string()).collect();
    for i in 0..n {
        black_box(redact::redact_text(docs[i % docs.len()].as_bytes(), &p, &keys).unwrap());
    }
}
