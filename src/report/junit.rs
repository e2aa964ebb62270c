//! `--format junit`: one test case per file read, failing with its errors, for CI systems
//! that show JUnit results.

use super::escape as one_line;
use crate::diag::Severity;
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

pub(crate) fn write(out: &mut dyn Write, v: &Validation) -> io::Result<()> {
    let mut cases: BTreeMap<&str, Vec<&crate::diag::Diagnostic>> =
        v.files().map(|f| (f, Vec::new())).collect();
    for d in &v.diagnostics {
        cases.entry(d.file()).or_default().push(d);
    }
    let failures = cases
        .values()
        .filter(|ds| ds.iter().any(|d| d.severity == Severity::Error))
        .count();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="cabinet" tests="{}" failures="{failures}" errors="0">"#,
        cases.len()
    )?;
    writeln!(
        out,
        r#"  <testsuite name="cabinet validate" tests="{}" failures="{failures}" errors="0" skipped="0">"#,
        cases.len()
    )?;
    for (file, ds) in &cases {
        // A file name or message is one line: a line break in it would start a line of the
        // output, which a CI log may read as a command.
        let name = if file.is_empty() {
            "(repository)".into()
        } else {
            one_line(file)
        };
        let errors: Vec<_> = ds
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        let others: Vec<_> = ds
            .iter()
            .filter(|d| d.severity != Severity::Error)
            .collect();
        if errors.is_empty() && others.is_empty() {
            writeln!(
                out,
                r#"    <testcase classname="cabinet.validate" name="{}"/>"#,
                escape(&name)
            )?;
            continue;
        }
        writeln!(
            out,
            r#"    <testcase classname="cabinet.validate" name="{}">"#,
            escape(&name)
        )?;
        let line = |d: &&&crate::diag::Diagnostic| {
            format!(
                "{}:{}:{}: {}[{}]: {}",
                one_line(d.file()),
                d.line(),
                d.column(),
                d.severity,
                d.code,
                one_line(&d.message)
            )
        };
        if let Some(first) = errors.first() {
            let body: Vec<String> = errors.iter().map(line).collect();
            writeln!(
                out,
                r#"      <failure type="{}" message="{}">{}</failure>"#,
                first.code,
                escape(&one_line(&first.message)),
                escape(&body.join("\n"))
            )?;
        }
        if !others.is_empty() {
            let body: Vec<String> = others.iter().map(line).collect();
            writeln!(
                out,
                "      <system-out>{}</system-out>",
                escape(&body.join("\n"))
            )?;
        }
        writeln!(out, "    </testcase>")?;
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}
