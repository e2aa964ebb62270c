//! Report writers: one file per output format of the findings (`human`, `json`, `github`,
//! `sarif`, `junit`) and one per command whose report has a shape of its own (`check`,
//! `impact`, `schedule`, `graph`), which writes each of that command's formats. They render
//! plain data into a writer and never decide anything; only they and `cli` write output.

pub(crate) mod check;
pub(crate) mod figures;
pub(crate) mod github;
pub(crate) mod graph;
pub mod human;
pub(crate) mod impact;
pub(crate) mod json;
pub(crate) mod junit;
pub(crate) mod sarif;
pub(crate) mod schedule;

/// Options shared by the writers.
#[derive(Clone, Debug, Default)]
pub struct Style {
    /// ANSI colour in human output.
    pub color: bool,
    /// Prefix that turns a path relative to the cabinet root into one relative to the git
    /// repository's top (`examples/acme/`), for formats a forge resolves (github, sarif).
    pub path_prefix: String,
}

/// A value shown in a line of text output (a file name, a message, a record's field), with
/// every character that could end the line or steer a terminal written as an escape: `\n`,
/// `\r`, `\t`, `\u{1b}`, and the bidirectional and line-separator controls. A file named
/// `a\n::error::x.yaml` then cannot print a line of its own, which GitHub Actions would read
/// as a workflow command.
pub fn escape(s: &str) -> std::borrow::Cow<'_, str> {
    fn bad(c: char) -> bool {
        c.is_control()
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    }
    if !s.chars().any(bad) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if bad(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escape_keeps_every_value_on_its_line() {
        assert_eq!(escape("plain/é.yaml"), "plain/é.yaml");
        assert_eq!(
            escape("a\n::error file=x::forged.yaml"),
            "a\\n::error file=x::forged.yaml"
        );
        assert_eq!(
            escape("a\rb\tc\u{1b}[31m\u{85}\u{202e}\u{2028}"),
            "a\\rb\\tc\\u{1b}[31m\\u{85}\\u{202e}\\u{2028}"
        );
        assert!(!escape("x\u{0}\u{7f}\u{9b}y").chars().any(char::is_control));
    }
}
