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
pub fn log(diagnostics: &[Diagnostic], style: &Style) -> Value {
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
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "cabinet",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/cabinet-itsm/cabinet",
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": diagnostics.iter().map(|d| result(d, style)).collect::<Vec<_>>(),
        }],
    })
}

pub fn write(out: &mut dyn Write, v: &Validation, style: &Style) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &log(&v.diagnostics, style))?;
    writeln!(out)
}
