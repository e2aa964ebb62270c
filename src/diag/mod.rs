//! The vocabulary of findings: a `Diagnostic` is something wrong (or worth a look) in the
//! user's data. Checks produce them; reports render them. A diagnostic is never an `Err`.

mod code;
pub mod pointer;

pub use code::Code;

use serde::Serialize;
use std::fmt;

/// How bad a finding is. Errors block (exit 1); warnings and notes do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Note,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// A place in a source file: 1-based line and column (columns count characters), plus the
/// byte range for snippet rendering.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    #[serde(skip)]
    pub offset: usize,
}

/// A span of source text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: Position,
    pub end: Position,
}

/// Where a diagnostic points. Checks over typed records know a record (file and document)
/// and a JSON pointer into it; the pointer is turned into a line and column once, after all
/// checks ran, by re-reading only the files that have findings.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// Repo-relative path with `/` separators, as in the revision read.
    pub file: String,
    /// Which YAML document in the file (0-based).
    pub document: usize,
    /// RFC 6901 pointer into the document ("" for the whole document).
    pub pointer: String,
    /// Point at the key of the node rather than at its value (unknown fields).
    pub on_key: bool,
    /// Resolved position; `None` until resolved (or when the file has no text, e.g. unreadable).
    pub span: Option<Span>,
}

impl Location {
    pub fn pointer(file: impl Into<String>, document: usize, pointer: impl Into<String>) -> Self {
        Location {
            file: file.into(),
            document,
            pointer: pointer.into(),
            on_key: false,
            span: None,
        }
    }

    pub fn at(file: impl Into<String>, document: usize, span: Span) -> Self {
        Location {
            file: file.into(),
            document,
            pointer: String::new(),
            on_key: false,
            span: Some(span),
        }
    }

    pub fn file(file: impl Into<String>) -> Self {
        Location {
            file: file.into(),
            document: 0,
            pointer: String::new(),
            on_key: false,
            span: Some(Span {
                start: Position {
                    line: 1,
                    column: 1,
                    offset: 0,
                },
                end: Position {
                    line: 1,
                    column: 1,
                    offset: 0,
                },
            }),
        }
    }

    pub fn key(mut self) -> Self {
        self.on_key = true;
        self
    }

    pub fn line(&self) -> usize {
        self.span.map_or(1, |s| s.start.line)
    }

    pub fn column(&self) -> usize {
        self.span.map_or(1, |s| s.start.column)
    }
}

/// A secondary place that helps explain a finding ("first defined here").
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Related {
    pub location: Location,
    pub message: String,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    /// One line, lowercase, ids in backticks.
    pub message: String,
    pub location: Option<Location>,
    /// Label printed under the offending node.
    pub label: Option<String>,
    pub help: Option<String>,
    pub notes: Vec<String>,
    pub related: Vec<Related>,
    /// The record the finding is about (`change:CHG-2026-0042`), where one is.
    pub record: Option<String>,
}

impl Diagnostic {
    /// A finding with the code's default severity.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.default_severity(),
            message: message.into(),
            location: None,
            label: None,
            help: None,
            notes: Vec::new(),
            related: Vec::new(),
            record: None,
        }
    }

    /// Name the record the finding is about.
    pub fn about(mut self, record: impl ToString) -> Self {
        self.record = Some(record.to_string());
        self
    }

    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn with_related(mut self, location: Location, message: impl Into<String>) -> Self {
        self.related.push(Related {
            location,
            message: message.into(),
        });
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub fn file(&self) -> &str {
        self.location.as_ref().map_or("", |l| l.file.as_str())
    }

    pub fn line(&self) -> usize {
        self.location.as_ref().map_or(0, Location::line)
    }

    pub fn column(&self) -> usize {
        self.location.as_ref().map_or(0, Location::column)
    }

    pub fn pointer(&self) -> &str {
        self.location.as_ref().map_or("", |l| l.pointer.as_str())
    }

    /// The order every report uses: file, line, column, code, message.
    pub fn sort_key(&self) -> (&str, usize, usize, &'static str, &str) {
        (
            self.file(),
            self.line(),
            self.column(),
            self.code.as_str(),
            &self.message,
        )
    }
}

/// Sort and de-duplicate findings so every format is deterministic.
pub fn sort(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup_by(|a, b| a.sort_key() == b.sort_key());
}

/// `did you mean` for a misspelt name: the closest candidate within a small edit distance.
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted_lower = wanted.to_ascii_lowercase();
    let limit = (wanted.chars().count() / 3).clamp(1, 4);
    candidates
        .into_iter()
        .map(|c| {
            (
                strsim::levenshtein(&wanted_lower, &c.to_ascii_lowercase()),
                c,
            )
        })
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_finds_a_near_miss_and_ignores_distant_names() {
        let names = ["payments-api", "fraud-check", "pg-main"];
        assert_eq!(closest("payment-api", names), Some("payments-api"));
        assert_eq!(closest("pg-mian", names), Some("pg-main"));
        assert_eq!(closest("ledger", names), None);
    }
}
