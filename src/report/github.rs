//! `--format github`: GitHub Actions workflow commands, which show as annotations on the
//! pull request's files.

use super::Style;
use crate::diag::{Diagnostic, Severity};
use crate::validation::Validation;
use std::io::{self, Write};

pub(crate) fn write(out: &mut dyn Write, v: &Validation, style: &Style) -> io::Result<()> {
    for d in &v.diagnostics {
        annotation(out, d, style)?;
    }
    writeln!(
        out,
        "cabinet: {} records, {} errors, {} warnings",
        v.records.len(),
        v.errors(),
        v.warnings()
    )
}

pub(crate) fn annotation(out: &mut dyn Write, d: &Diagnostic, style: &Style) -> io::Result<()> {
    let command = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    };
    let mut props = Vec::new();
    if let Some(l) = &d.location {
        let span = l.span.unwrap_or_default();
        props.push(format!(
            "file={}",
            property(&format!("{}{}", style.path_prefix, l.file))
        ));
        props.push(format!("line={}", span.start.line));
        props.push(format!("col={}", span.start.column));
        if span.end.line == span.start.line && span.end.column > span.start.column {
            props.push(format!("endColumn={}", span.end.column));
        }
    }
    props.push(format!(
        "title={}",
        property(&format!("cabinet ({})", d.code))
    ));
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    writeln!(out, "::{command} {}::{}", props.join(","), data(&message))
}

fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_workflow_command_data_and_properties() {
        assert_eq!(data("50%\nnext"), "50%25%0Anext");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
    }
}
