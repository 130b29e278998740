//! Canonicalizes and digests the sample audit event from Rust.
//!
//! `cargo run -p trustcore --example canonicalize_event -- examples/audit_event.json`
use trustcore::digest::{Algorithm, Digest};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "examples/audit_event.json".into());
    let text = std::fs::read(&path)?;
    let canonical = trustcore::canonical::canonicalize_text(&text)?;
    println!("rust    {}", String::from_utf8(canonical.clone())?);
    println!("rust    {}", Digest::of(Algorithm::Sha256, &canonical));
    println!("rust    {}", Digest::of(Algorithm::Blake3, &canonical));
    Ok(())
}
