//! `--format junit`: one test case per file read, failing with its errors, for CI systems
//! that show JUnit results; valid against the strict Ant schema and Jenkins' (both are in
//! `tests/fixtures/junit/`).

use super::escape as one_line;
use crate::diag::{Diagnostic, Severity};
use crate::validation::Validation;
use std::collections::BTreeMap;
use std::io::{self, Write};

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// The facts of the run that JUnit's schemas want beside the findings.
pub(crate) struct RunFacts {
    /// When the run happened (`--now`, or the clock): the suite's `timestamp`, in UTC.
    pub now: jiff::Timestamp,
    /// How long loading and checking took: the suite's `time`.
    pub elapsed: std::time::Duration,
}

fn line(d: &Diagnostic) -> String {
    format!(
        "{}:{}:{}: {}[{}]: {}",
        one_line(d.file()),
        d.line(),
        d.column(),
        d.severity,
        d.code,
        one_line(&d.message)
    )
}

/// One test suite (`cabinet validate`) of one test case per file read, inside a
/// `<testsuites>`, in the shape both the strict Ant schema (`JUnit.xsd`) and Jenkins'
/// xunit schema accept: the suite's `properties`, its test cases, then its `system-out`
/// (warnings and notes, which do not fail a file) and `system-err`; `time` on the suite and
/// every test case. A file's errors are its one `failure` (Ant allows one per test case).
/// Files are checked together (references and cycles span files), so a file's own time is
/// not measured: each test case says 0 and the suite the whole run. The Ant schema allows
/// no attribute on `<testsuites>`, so the name and counts are the suite's.
pub(crate) fn write(out: &mut dyn Write, v: &Validation, facts: &RunFacts) -> io::Result<()> {
    let mut cases: BTreeMap<&str, Vec<&Diagnostic>> = v.files().map(|f| (f, Vec::new())).collect();
    for d in &v.diagnostics {
        cases.entry(d.file()).or_default().push(d);
    }
    let failures = cases
        .values()
        .filter(|ds| ds.iter().any(|d| d.severity == Severity::Error))
        .count();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, "<testsuites>")?;
    writeln!(
        out,
        r#"  <testsuite name="cabinet validate" package="cabinet" id="0" timestamp="{}" hostname="localhost" tests="{}" failures="{failures}" errors="0" skipped="0" time="{:.3}">"#,
        facts.now.strftime("%Y-%m-%dT%H:%M:%S"),
        cases.len(),
        facts.elapsed.as_secs_f64(),
    )?;
    writeln!(out, "    <properties>")?;
    let mut properties = vec![
        ("cabinet.version", env!("CARGO_PKG_VERSION").to_string()),
        ("records", v.records.len().to_string()),
        ("errors", v.errors().to_string()),
        ("warnings", v.warnings().to_string()),
    ];
    if let Some(commit) = &v.commit {
        properties.push(("commit", commit.clone()));
    }
    for (name, value) in properties {
        writeln!(
            out,
            r#"      <property name="{name}" value="{}"/>"#,
            escape(&one_line(&value))
        )?;
    }
    writeln!(out, "    </properties>")?;
    let mut others: Vec<String> = Vec::new();
    for (file, ds) in &cases {
        // A file name or message is one line: a line break in it would start a line of the
        // output, which a CI log may read as a command.
        let name = if file.is_empty() {
            "(repository)".into()
        } else {
            one_line(file)
        };
        let errors: Vec<&&Diagnostic> = ds
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        others.extend(
            ds.iter()
                .filter(|d| d.severity != Severity::Error)
                .map(|d| line(d)),
        );
        let Some(first) = errors.first() else {
            writeln!(
                out,
                r#"    <testcase classname="cabinet.validate" name="{}" time="0"/>"#,
                escape(&name)
            )?;
            continue;
        };
        writeln!(
            out,
            r#"    <testcase classname="cabinet.validate" name="{}" time="0">"#,
            escape(&name)
        )?;
        let body: Vec<String> = errors.iter().map(|d| line(d)).collect();
        writeln!(
            out,
            r#"      <failure type="{}" message="{}">{}</failure>"#,
            first.code,
            escape(&one_line(&first.message)),
            escape(&body.join("\n"))
        )?;
        writeln!(out, "    </testcase>")?;
    }
    writeln!(
        out,
        "    <system-out>{}</system-out>",
        escape(&others.join("\n"))
    )?;
    writeln!(out, "    <system-err></system-err>")?;
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}
