//! Every stable code the crate can return is written down in
//! `docs/errors.md`, generated from the code's own definitions: a code a
//! user meets in an error or a break is one they can look up, and the
//! reference cannot drift from the code.
//!
//! `TRUSTCORE_BLESS=1 cargo test -p trustcore --test codes_documented`
//! rewrites the generated part of the file after a code was added.

use std::fs;

const BEGIN: &str = "<!-- BEGIN GENERATED: codes_documented.rs -->\n";
const END: &str = "<!-- END GENERATED -->\n";

fn one_line(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
        .replace("[`", "`")
        .replace("`]", "`")
}

fn table(title: &str, rows: &[(&str, &str)]) -> String {
    let mut out = format!("### {title}\n\n| code | meaning |\n|---|---|\n");
    for (code, what) in rows {
        out.push_str(&format!("| `{code}` | {} |\n", one_line(what)));
    }
    out.push('\n');
    out
}

fn generated() -> String {
    let mut out = String::from(BEGIN);
    out.push('\n');
    for kind in trustcore::ErrorKind::ALL {
        out.push_str(&table(kind.as_str(), &kind.codes()));
    }
    let breaks: Vec<_> = trustcore::chain::Reason::ALL
        .iter()
        .map(|r| (r.as_str(), r.description()))
        .collect();
    out.push_str(&table("Chain breaks (`reason` of a break)", &breaks));
    let verdicts: Vec<_> = trustcore::registry::Reason::ALL
        .iter()
        .map(|r| (r.as_str(), r.description()))
        .collect();
    out.push_str(&table(
        "Signature verdicts (`reason` of a rejected signature)",
        &verdicts,
    ));
    out.push_str(END);
    out
}

#[test]
fn every_error_code_and_break_reason_is_documented() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/errors.md");
    let text = fs::read_to_string(path).expect("docs/errors.md is readable");
    let (Some(b), Some(e)) = (text.find(BEGIN), text.find(END)) else {
        panic!("docs/errors.md lacks the generated block markers");
    };
    let current = &text[b..e + END.len()];
    let want = generated();
    if current != want {
        if std::env::var_os("TRUSTCORE_BLESS").is_some() {
            let new = format!("{}{}{}", &text[..b], want, &text[e + END.len()..]);
            fs::write(path, new).expect("docs/errors.md is writable");
        } else {
            panic!(
                "docs/errors.md is out of date with the codes in the crate; \
                 run TRUSTCORE_BLESS=1 cargo test -p trustcore --test codes_documented"
            );
        }
    }
}
