//! `--format sarif`: SARIF 2.1.0, as GitHub code scanning accepts it. Rules come from the
//! diagnostic code registry, so every result has a rule with a description.

use super::Style;
use crate::diag::{Code, Diagnostic, Location, Severity};
use crate::validation::Validation;
use serde_json::{Value, json};
use std::io::{self, Write};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn rule_name(code: Code) -> String {
    code.as_str()
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn physical(l: &Location, style: &Style) -> Value {
    let span = l.span.unwrap_or_default();
    let mut region =
        json!({"startLine": span.start.line.max(1), "startColumn": span.start.column.max(1)});
    if span.end.line >= span.start.line
        && (span.end.line, span.end.column) > (span.start.line, span.start.column)
    {
        region["endLine"] = json!(span.end.line);
        region["endColumn"] = json!(span.end.column.max(1));
    }
    json!({
        "physicalLocation": {
            "artifactLocation": {"uri": format!("{}{}", style.path_prefix, l.file), "uriBaseId": "%SRCROOT%"},
            "region": region,
        }
    })
}

fn result(d: &Diagnostic, style: &Style) -> Value {
    let index = Code::ALL.iter().position(|c| *c == d.code).unwrap_or(0);
    let mut text = d.message.clone();
    if let Some(help) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    let mut r = json!({
        "ruleId": d.code.as_str(),
        "ruleIndex": index,
        "level": level(d.severity),
        "message": {"text": text},
    });
    if let Some(l) = &d.location {
        r["locations"] = json!([physical(l, style)]);
        r["partialFingerprints"] =
            json!({"cabinet/v1": format!("{}:{}:{}", d.code, l.file, l.pointer)});
    }
    if !d.related.is_empty() {
        let related: Vec<Value> = d
            .related
            .iter()
            .enumerate()
            .map(|(i, rel)| {
                let mut v = physical(&rel.location, style);
                v["id"] = json!(i);
                v["message"] = json!({"text": rel.message});
                v
            })
            .collect();
        r["relatedLocations"] = json!(related);
    }
    r
}

/// The SARIF log for a set of findings.
pub(crate) fn log(diagnostics: &[Diagnostic], style: &Style) -> Value {
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|&c| {
            json!({
                "id": c.as_str(),
                "name": rule_name(c),
                "shortDescription": {"text": c.description()},
                "fullDescription": {"text": c.explanation()},
                "help": {"text": c.explanation()},
                "defaultConfiguration": {"level": level(c.default_severity())},
            })
        })
        .collect();
    let kept = kept(diagnostics);
    let omitted = diagnostics.len() - kept.len();
    let mut run = json!({
        "tool": {"driver": {
            "name": "cabinet",
            "version": env!("CARGO_PKG_VERSION"),
            "informationUri": "https://github.com/cabinet-itsm/cabinet",
            "rules": rules,
        }},
        "columnKind": "unicodeCodePoints",
        "results": kept.iter().map(|d| result(d, style)).collect::<Vec<_>>(),
    });
    if omitted > 0 {
        run["properties"] = json!({"omittedResults": omitted, "totalResults": diagnostics.len()});
        run["invocations"] = json!([{
            "executionSuccessful": true,
            "toolExecutionNotifications": [{
                "level": "warning",
                "message": {"text": format!(
                    "{omitted} of {} findings left out: a run holds at most {MAX_RESULTS} results (GitHub code scanning's limit); errors are kept first. Run `cabinet validate` for all of them.",
                    diagnostics.len()
                )},
            }],
        }]);
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    })
}

/// GitHub code scanning reads at most this many results of a run (and rejects more).
pub(crate) const MAX_RESULTS: usize = 25_000;

/// The findings a run reports: all of them up to `MAX_RESULTS`; past it, errors first, then
/// warnings, then notes, each in their order.
fn kept(diagnostics: &[Diagnostic]) -> Vec<&Diagnostic> {
    if diagnostics.len() <= MAX_RESULTS {
        return diagnostics.iter().collect();
    }
    let mut kept: Vec<&Diagnostic> = Vec::with_capacity(MAX_RESULTS);
    for severity in [Severity::Error, Severity::Warning, Severity::Note] {
        kept.extend(
            diagnostics
                .iter()
                .filter(|d| d.severity == severity)
                .take(MAX_RESULTS - kept.len()),
        );
    }
    kept
}

pub(crate) fn write(out: &mut dyn Write, v: &Validation, style: &Style) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &log(&v.diagnostics, style))?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_keeps_githubs_limit_and_says_how_many_were_left_out() {
        let mut all: Vec<Diagnostic> = (0..MAX_RESULTS + 7)
            .map(|i| {
                Diagnostic::new(Code::NotAMapping, format!("document {i}"))
                    .at(Location::file("bad.yaml"))
            })
            .collect();
        // One error among notes past the limit is kept.
        for d in &mut all {
            d.severity = Severity::Note;
        }
        all[MAX_RESULTS + 3].severity = Severity::Error;
        let log = log(&all, &Style::default());
        let run = &log["runs"][0];
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), MAX_RESULTS);
        assert_eq!(
            results[0]["message"]["text"],
            format!("document {}", MAX_RESULTS + 3)
        );
        assert_eq!(run["properties"]["omittedResults"], 7);
        let note = run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
            .as_str()
            .unwrap();
        assert!(note.starts_with("7 of 25007 findings left out"), "{note}");
        // Under the limit nothing is said.
        let small = super::log(&all[..3], &Style::default());
        assert!(small["runs"][0].get("properties").is_none());
        assert!(small["runs"][0].get("invocations").is_none());
    }
}
