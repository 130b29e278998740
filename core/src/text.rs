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

/// The longest message kept, in bytes: a backstop for every error and
/// break message, whatever it quotes.
pub const MAX_MESSAGE_BYTES: usize = 1024;

/// `message`, cut at [`MAX_MESSAGE_BYTES`] (on a character boundary) with
/// a mark saying so.
pub fn bounded(message: String) -> String {
    if message.len() <= MAX_MESSAGE_BYTES {
        return message;
    }
    let mut cut = MAX_MESSAGE_BYTES;
    while !message.is_char_boundary(cut) {
        cut -= 1;
    }
    let mut out = message;
    let total = out.len();
    out.truncate(cut);
    out.push_str(&format!("…(message cut, {total} bytes)"));
    out
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
        let m = bounded("é".repeat(5000));
        assert!(
            m.len() < MAX_MESSAGE_BYTES + 40 && m.ends_with("10000 bytes)"),
            "{m}"
        );
        assert_eq!(bounded("short".into()), "short");
    }
}
