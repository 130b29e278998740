//! Benchmarks of trustcore live in `benches/canonicalize.rs` (Criterion);
//! this library is empty. See `docs/PERFORMANCE.md` for how to run them and
//! for the measured numbers.
