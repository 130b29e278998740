//! Options objects as the bindings hand them over, read once.
//!
//! Every option a binding accepts (`stopAtFirst` in JavaScript,
//! `stop_at_first=` in Python) is defined in the core by the type that owns
//! it (`VerifyOptions::from_value`, ...) through one [`Reader`]: its name,
//! type, bounds, default and error code are written once, and every binding
//! only converts its host object to a JSON value. A key the reader does not
//! know is [`ErrorCode::UnknownOption`] (a misspelt `expected_head` in
//! JavaScript must not silently switch a check off); a value of the wrong
//! type or out of bounds is [`ErrorCode::InvalidOption`].
//!
//! Names are defined in `snake_case`; [`Naming`] says how the host spells
//! them (JavaScript: `lowerCamelCase`, Python: `snake_case`), for lookups
//! and for messages, and the same rule names the members of the reports the
//! bindings hand back (see the `to_value_named` methods).

use serde_json::{Map, Value};
use std::borrow::Cow;
use std::ops::RangeInclusive;

/// How a host language spells option and report member names.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Naming {
    /// `stop_at_first` (Rust, Python, the JSON wire formats).
    #[default]
    Snake,
    /// `stopAtFirst` (JavaScript: Node and WASM).
    Camel,
}

impl Naming {
    /// `name` (given in snake_case) as this host spells it.
    pub fn name(self, snake: &str) -> Cow<'_, str> {
        match self {
            Naming::Snake => Cow::Borrowed(snake),
            Naming::Camel if !snake.contains('_') => Cow::Borrowed(snake),
            Naming::Camel => {
                let mut out = String::with_capacity(snake.len());
                let mut upper = false;
                for c in snake.chars() {
                    if c == '_' {
                        upper = true;
                    } else if upper {
                        // Names are the code's own ASCII snake_case.
                        out.push(c.to_ascii_uppercase());
                        upper = false;
                    } else {
                        out.push(c);
                    }
                }
                Cow::Owned(out)
            }
        }
    }

    /// Renames the members of a report object (given in snake_case) for
    /// this host; `data` lists members whose values are data (rows,
    /// payloads) and are copied as they are.
    pub fn rename(self, v: Value, data: &[&str]) -> Value {
        match (self, v) {
            (Naming::Snake, v) => v,
            (Naming::Camel, Value::Object(m)) => Value::Object(
                m.into_iter()
                    .map(|(k, v)| {
                        let v = if data.contains(&k.as_str()) {
                            v
                        } else {
                            self.rename(v, data)
                        };
                        (self.name(&k).into_owned(), v)
                    })
                    .collect(),
            ),
            (Naming::Camel, Value::Array(items)) => Value::Array(
                items
                    .into_iter()
                    .map(|item| self.rename(item, data))
                    .collect(),
            ),
            (_, v) => v,
        }
    }
}

stable_codes! {
    /// Stable error codes of options.
    pub enum ErrorCode {
        /// A key that is not an option of this call (often a misspelling).
        UnknownOption = "unknown_option",
        /// An option of the wrong type or out of bounds, or options that are
        /// not an object.
        InvalidOption = "invalid_option",
    }
}

coded_error! {
    /// An options error.
}

/// A short description of a value for messages: its type, and for
/// scalars a bounded excerpt of it.
pub fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => format!("the string {}", crate::text::quote(s)),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// Reads one options object, key by key, then refuses what was not read.
#[derive(Debug)]
pub struct Reader<'v> {
    obj: Option<&'v Map<String, Value>>,
    naming: Naming,
    known: Vec<&'static str>,
}

impl<'v> Reader<'v> {
    /// A reader over `value` (`None` or `null`: no options). Anything but an
    /// object is [`ErrorCode::InvalidOption`].
    pub fn new(value: Option<&'v Value>, naming: Naming) -> Result<Self, Error> {
        let obj = match value {
            None | Some(Value::Null) => None,
            Some(Value::Object(m)) => Some(m),
            Some(other) => {
                return Err(Error::new(
                    ErrorCode::InvalidOption,
                    format!("options must be an object, got {}", describe(other)),
                ))
            }
        };
        Ok(Reader {
            obj,
            naming,
            known: Vec::new(),
        })
    }

    /// The host's naming.
    pub fn naming(&self) -> Naming {
        self.naming
    }

    /// The option's name as the host spells it.
    pub fn host_name(&self, snake: &str) -> String {
        self.naming.name(snake).into_owned()
    }

    /// The raw value of option `snake` (`null` counts as absent).
    pub fn value(&mut self, snake: &'static str) -> Option<&'v Value> {
        // Without options there is nothing to look up or to check at
        // `finish` (and every call pays for this: no allocation then).
        let m = self.obj?;
        self.known.push(snake);
        m.get(self.naming.name(snake).as_ref())
            .filter(|v| !v.is_null())
    }

    /// An error for option `snake`: "`name` must be `expected`, got ...".
    pub fn invalid(&self, snake: &str, expected: &str, got: &Value) -> Error {
        Error::new(
            ErrorCode::InvalidOption,
            format!(
                "option {} must be {expected}, got {}",
                self.host_name(snake),
                describe(got)
            ),
        )
    }

    /// A boolean option.
    pub fn bool(&mut self, snake: &'static str) -> Result<Option<bool>, Error> {
        match self.value(snake) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(v) => Err(self.invalid(snake, "true or false", v)),
        }
    }

    /// An integer option within `range`.
    pub fn uint(
        &mut self,
        snake: &'static str,
        range: RangeInclusive<u64>,
    ) -> Result<Option<u64>, Error> {
        match self.value(snake) {
            None => Ok(None),
            Some(v) => match v.as_u64().filter(|n| range.contains(n)) {
                Some(n) => Ok(Some(n)),
                None => Err(self.invalid(
                    snake,
                    &format!("an integer from {} to {}", range.start(), range.end()),
                    v,
                )),
            },
        }
    }

    /// A string option.
    pub fn string(&mut self, snake: &'static str) -> Result<Option<&'v str>, Error> {
        match self.value(snake) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(v) => Err(self.invalid(snake, "a string", v)),
        }
    }

    /// A string option that must be one of `choices`.
    pub fn choice(
        &mut self,
        snake: &'static str,
        choices: &[&'static str],
    ) -> Result<Option<&'static str>, Error> {
        match self.value(snake) {
            None => Ok(None),
            Some(v) => match v.as_str().and_then(|s| choices.iter().find(|c| **c == s)) {
                Some(c) => Ok(Some(*c)),
                None => {
                    let list: Vec<String> = choices.iter().map(|c| format!("{c:?}")).collect();
                    Err(self.invalid(snake, &format!("one of {}", list.join(", ")), v))
                }
            },
        }
    }

    /// Refuses every key that was not read, naming the closest known one.
    pub fn finish(self) -> Result<(), Error> {
        let Some(obj) = self.obj else {
            return Ok(());
        };
        let known: Vec<String> = self
            .known
            .iter()
            .map(|k| self.naming.name(k).into_owned())
            .collect();
        let Some(unknown) = obj.keys().find(|k| !known.iter().any(|n| n == *k)) else {
            return Ok(());
        };
        let squash = |s: &str| -> String {
            s.chars()
                .filter(|c| *c != '_' && *c != '-')
                // The known names are ASCII: only ASCII letters can match.
                .map(|c| c.to_ascii_lowercase())
                .collect()
        };
        let hint = known
            .iter()
            .find(|n| squash(n) == squash(unknown))
            .map(|n| format!("; did you mean {n:?}?"))
            .unwrap_or_else(|| {
                let mut list = known.clone();
                crate::sort::sort(&mut list);
                list.dedup();
                format!("; the options are {}", list.join(", "))
            });
        Err(Error::new(
            ErrorCode::UnknownOption,
            format!("unknown option {}{hint}", crate::text::quote(unknown)),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_and_renames() {
        assert_eq!(Naming::Camel.name("stop_at_first"), "stopAtFirst");
        assert_eq!(Naming::Camel.name("head"), "head");
        assert_eq!(Naming::Snake.name("stop_at_first"), "stop_at_first");
        let v =
            json!({"prev_hash": "x", "events": [{"event_type": "a"}], "forks": [{"prev_hash": 1}]});
        assert_eq!(
            Naming::Camel.rename(v, &["events"]),
            json!({"prevHash": "x", "events": [{"event_type": "a"}], "forks": [{"prevHash": 1}]})
        );
    }

    #[test]
    fn unknown_keys_are_refused_with_a_hint() {
        let v = json!({"expected_head": {}, "stopAtFirst": true});
        let mut r = Reader::new(Some(&v), Naming::Camel).unwrap();
        assert_eq!(r.bool("stop_at_first").unwrap(), Some(true));
        r.value("expected_head");
        let e = r.finish().unwrap_err();
        assert_eq!(e.code(), ErrorCode::UnknownOption);
        assert!(e.message().contains("did you mean \"expectedHead\""), "{e}");

        let mut r = Reader::new(Some(&v), Naming::Snake).unwrap();
        r.value("expected_head");
        assert_eq!(r.bool("stop_at_first").unwrap(), None);
        let e = r.finish().unwrap_err();
        assert!(
            e.message().contains("did you mean \"stop_at_first\""),
            "{e}"
        );
    }

    #[test]
    fn values_are_checked() {
        let v = json!({"threads": 0, "flag": "yes", "n": 1.5});
        let mut r = Reader::new(Some(&v), Naming::Snake).unwrap();
        assert_eq!(
            r.uint("threads", 1..=1024).unwrap_err().code(),
            ErrorCode::InvalidOption
        );
        assert!(r.bool("flag").is_err());
        assert!(r.uint("n", 0..=10).is_err());
        assert_eq!(
            Reader::new(Some(&json!([1])), Naming::Snake)
                .unwrap_err()
                .code(),
            ErrorCode::InvalidOption
        );
        assert!(Reader::new(Some(&Value::Null), Naming::Snake)
            .unwrap()
            .finish()
            .is_ok());
    }
}
