//! A plain loop over the event corpus, for profilers (callgrind, perf):
//!
//! ```sh
//! python3 benches/gen_corpus.py
//! cargo build --profile bench -p trustcore-benches --example profile_events
//! valgrind --tool=callgrind target/release/examples/profile_events 3
//! ```
use trustcore::canonical::{canonicalize_text_into, Options};

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/events.jsonl");
    let data = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {} ({e}); run `python3 benches/gen_corpus.py` first",
            path.display()
        )
    });
    let opts = Options::default();
    let mut out = Vec::new();
    let mut total = 0usize;
    let start = std::time::Instant::now();
    for _ in 0..rounds {
        for line in data.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            canonicalize_text_into(line, &opts, &mut out).expect("corpus is valid I-JSON");
            total += out.len();
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let mib = (data.len() * rounds) as f64 / (1024.0 * 1024.0);
    println!(
        "{rounds} rounds, {total} output bytes, {:.1} MiB/s",
        mib / secs
    );
}
