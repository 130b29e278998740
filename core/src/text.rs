//! Bounded quoting of untrusted text in messages.
//!
//! Error messages and break messages name what was wrong, but a hostile
//! input can be megabytes long (a 50 MB duplicated key, a signer id the
//! size of a row): quoting it whole would make every message, and every
//! kept break, as large as the input. [`quote`] keeps a short prefix and
//! says how much was left out.

/// Characters of untrusted text quoted in a message.
pub const EXCERPT_CHARS: usize = 64;

/// `s` quoted as Rust's `{:?}` would, cut to [`EXCERPT_CHARS`] characters
/// with the number of bytes left out: `"abc…"(+1234 bytes)`.
pub fn quote(s: &str) -> String {
    match s.char_indices().nth(EXCERPT_CHARS) {
        None => format!("{s:?}"),
        Some((cut, _)) => {
            let head = s.get(..cut).unwrap_or_default();
            format!("{:?}…(+{} bytes)", head, s.len() - cut)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_quoted_whole_and_long_text_cut() {
        assert_eq!(quote("a\"b"), "\"a\\\"b\"");
        let long = "é".repeat(1000);
        let q = quote(&long);
        assert!(q.len() < 200, "{q}");
        assert!(q.ends_with(&format!("(+{} bytes)", 2 * (1000 - EXCERPT_CHARS))));
    }
}
