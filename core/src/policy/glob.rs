//! A small glob syntax for targets and the `glob` operator.
//!
//! * `*` matches any sequence of characters, including the empty one and
//!   including `/` (there is no `**`);
//! * `?` matches exactly one character (one Unicode scalar value);
//! * `\` makes the next character literal (`\*`, `\?`, `\\`); a trailing
//!   lone `\` is an error;
//! * every other character matches itself, case-sensitively; there are no
//!   character classes, braces or ranges.
//!
//! Matching is iterative (the classic two-pointer algorithm that only
//! remembers the last `*`): O(pattern × subject) in the worst case and
//! linear in the usual ones, with no recursion.

/// The longest pattern accepted, in characters (checked at load).
pub const MAX_PATTERN_CHARS: usize = 256;

/// The most work one match may take (pattern tokens × subject characters,
/// for patterns that need general matching): beyond it evaluation stops
/// with `evaluation_limit`, so a long request value cannot make a decision
/// slow. Exact and prefix patterns are linear and never limited.
pub const MAX_MATCH_WORK: usize = 1 << 22;

/// One element of a compiled pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Lit(char),
    One,
    Star,
}

/// The shape of a pattern, for the common cases that need no general
/// matching (decided once, when the pattern is compiled).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Shape {
    /// No wildcard: the subject must equal this text.
    Exact(String),
    /// Literal text then one trailing `*`: a prefix test.
    Prefix(String),
    /// Anything else.
    General,
}

/// A compiled glob pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Glob {
    source: String,
    tokens: Vec<Token>,
    shape: Shape,
}

impl Glob {
    /// Compiles a pattern; `Err` holds a message when it ends with a lone
    /// backslash.
    pub fn new(pattern: &str) -> Result<Glob, String> {
        let chars_in = pattern.chars().count();
        if chars_in > MAX_PATTERN_CHARS {
            return Err(format!(
                "a glob has at most {MAX_PATTERN_CHARS} characters, this one {chars_in}"
            ));
        }
        let mut tokens = Vec::with_capacity(pattern.len());
        let mut chars = pattern.chars();
        while let Some(c) = chars.next() {
            match c {
                '*' => {
                    // Consecutive stars mean the same as one.
                    if tokens.last() != Some(&Token::Star) {
                        tokens.push(Token::Star);
                    }
                }
                '?' => tokens.push(Token::One),
                '\\' => match chars.next() {
                    Some(n) => tokens.push(Token::Lit(n)),
                    None => {
                        return Err(format!(
                        "glob {} ends with a lone backslash; write \\\\ for a literal backslash",
                        crate::text::quote(pattern)
                    ))
                    }
                },
                c => tokens.push(Token::Lit(c)),
            }
        }
        let literal = |toks: &[Token]| -> Option<String> {
            toks.iter()
                .map(|t| match t {
                    Token::Lit(c) => Some(*c),
                    _ => None,
                })
                .collect()
        };
        let shape = match tokens.split_last() {
            Some((Token::Star, rest)) => literal(rest).map_or(Shape::General, Shape::Prefix),
            _ => literal(&tokens).map_or(Shape::General, Shape::Exact),
        };
        Ok(Glob {
            source: pattern.to_owned(),
            tokens,
            shape,
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The work [`Glob::matches`] may take on `subject`, to compare with
    /// [`MAX_MATCH_WORK`] before matching.
    pub fn work(&self, subject: &str) -> usize {
        match self.shape {
            Shape::General => self.tokens.len().saturating_mul(subject.chars().count()),
            _ => 0,
        }
    }

    /// Whether `subject` matches the whole pattern.
    pub fn matches(&self, subject: &str) -> bool {
        match &self.shape {
            Shape::Exact(text) => return subject == text,
            Shape::Prefix(text) => return subject.starts_with(text.as_str()),
            Shape::General => {}
        }
        let toks = &self.tokens;
        let (mut p, mut s) = (0usize, 0usize);
        // Position after the last star, and the subject position it is
        // currently assumed to have consumed up to.
        let mut star: Option<(usize, usize)> = None;
        loop {
            let c = subject.get(s..).and_then(|r| r.chars().next());
            match (toks.get(p), c) {
                (Some(Token::Star), _) => {
                    p += 1;
                    star = Some((p, s));
                    continue;
                }
                (Some(Token::One), Some(ch)) => {
                    p += 1;
                    s += ch.len_utf8();
                    continue;
                }
                (Some(Token::Lit(l)), Some(ch)) if *l == ch => {
                    p += 1;
                    s += ch.len_utf8();
                    continue;
                }
                (None, None) => return true,
                _ => {}
            }
            // Mismatch: let the last star swallow one more character.
            match star {
                Some((sp, ss)) => match subject.get(ss..).and_then(|r| r.chars().next()) {
                    Some(ch) => {
                        let next = ss + ch.len_utf8();
                        star = Some((sp, next));
                        p = sp;
                        s = next;
                    }
                    None => return false,
                },
                None => return false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Glob;

    fn m(p: &str, s: &str) -> bool {
        Glob::new(p).unwrap().matches(s)
    }

    #[test]
    fn syntax() {
        assert!(m("", ""));
        assert!(!m("", "a"));
        assert!(m("*", ""));
        assert!(m("*", "any/thing"));
        assert!(m("POST /kernel/*", "POST /kernel/sign"));
        assert!(!m("POST /kernel/*", "GET /kernel/sign"));
        assert!(m("a?c", "abc"));
        assert!(m("a?c", "aéc"));
        assert!(!m("a?c", "ac"));
        assert!(m("*.json", "x.y.json"));
        assert!(!m("*.json", "x.json.bak"));
        assert!(m("a*b*c", "aXbYbZc"));
        assert!(!m("a*b*c", "aXbYbZ"));
        assert!(m(r"\*x", "*x"));
        assert!(!m(r"\*x", "ax"));
        assert!(m(r"a\\", r"a\"));
        assert!(m("é*", "été"));
        assert!(Glob::new("abc\\").is_err());
        // The shapes with a fast path agree with the general rule.
        assert!(m("", ""));
        assert!(m("ab*", "ab") && m("ab*", "abc/d") && !m("ab*", "a"));
        assert!(m(r"a\*", "a*") && !m(r"a\*", "ab"));
        assert!(m(r"a\**", "a*x") && !m(r"a\**", "ax"));
        assert!(m("*", "") && m("**", "x"));
    }

    #[test]
    fn pathological_patterns_are_fast() {
        let subject = "a".repeat(10_000);
        let pattern = format!("{}b", "a*".repeat(50));
        let t = std::time::Instant::now();
        assert!(!m(&pattern, &subject));
        assert!(t.elapsed().as_secs() < 2);
    }
}
