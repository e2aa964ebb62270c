//! `--format json`: the machine-readable report (its fields are a public interface: README, "Output formats").

use crate::diag::{Diagnostic, Location};
use crate::validation::Validation;
use serde_json::{Value, json};
use std::io::{self, Write};

pub(crate) fn location(l: &Location) -> Value {
    let span = l.span.unwrap_or_default();
    json!({
        "file": l.file,
        "line": span.start.line,
        "column": span.start.column,
        "endLine": span.end.line,
        "endColumn": span.end.column,
        "pointer": l.pointer,
    })
}

pub(crate) fn diagnostic(d: &Diagnostic) -> Value {
    let mut v = json!({
        "severity": d.severity,
        "code": d.code,
        "message": d.message,
    });
    let obj = v.as_object_mut().expect("an object");
    match &d.location {
        Some(l) => {
            if let Value::Object(loc) = location(l) {
                obj.extend(loc);
            }
        }
        None => {
            obj.insert("file".into(), Value::Null);
        }
    }
    if let Some(label) = &d.label {
        obj.insert("label".into(), json!(label));
    }
    if let Some(help) = &d.help {
        obj.insert("help".into(), json!(help));
    }
    if let Some(r) = &d.record {
        obj.insert("record".into(), json!(r));
    }
    if !d.notes.is_empty() {
        obj.insert("notes".into(), json!(d.notes));
    }
    if !d.related.is_empty() {
        let related: Vec<Value> = d
            .related
            .iter()
            .map(|r| {
                let mut v = location(&r.location);
                v["message"] = json!(r.message);
                v
            })
            .collect();
        obj.insert("related".into(), json!(related));
    }
    v
}

/// The validation report as a JSON value.
pub(crate) fn validation(v: &Validation) -> Value {
    json!({
        "ok": v.ok(),
        "records": v.records.len(),
        "skipped": v.skipped,
        "errors": v.errors(),
        "warnings": v.warnings(),
        "commit": v.commit,
        "diagnostics": v.diagnostics.iter().map(diagnostic).collect::<Vec<_>>(),
    })
}

pub(crate) fn write(out: &mut dyn Write, v: &Validation) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &validation(v))?;
    writeln!(out)
}
