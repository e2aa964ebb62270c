//! From one parsed YAML document to a typed record: is it a cabinet record, which kind,
//! does it match the kind's schema, and finally the typed value.

use super::yaml::ParsedDocument;
use crate::diag::{self, Code, Diagnostic, Location};
use crate::model::{API_VERSION, Envelope, Kind, Metadata, Origin, Record, RecordRef, Spec};
use crate::schema;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// What a document turned out to be.
#[derive(Debug)]
pub enum Classified {
    Record(Box<Record>),
    /// Not a cabinet record (another apiVersion, or none).
    Skipped,
    /// A cabinet record with problems; the diagnostics say which. It holds the kind and id the
    /// document claims, if it claims both, so references to it are not reported as dangling.
    Invalid(Option<RecordRef>),
}

/// The kind and id a document claims, if it claims a kind (the id is empty when it claims
/// none: an invalid Policy is still known to exist).
fn written_reference(value: &Value) -> Option<RecordRef> {
    let kind = Kind::from_name(value.get("kind")?.as_str()?)?;
    let id = value
        .get("metadata")
        .and_then(|m| m.get("id"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    Some(RecordRef::new(kind, id))
}

/// Classify one document, pushing every problem found into `out`. The document is consumed: a
/// valid record takes its strings without copying them.
pub fn classify(file: &str, doc: ParsedDocument, out: &mut Vec<Diagnostic>) -> Classified {
    match check(file, &doc, out) {
        Checked::Valid(kind) => read(file, doc, kind, out),
        Checked::Skipped => Classified::Skipped,
        Checked::Invalid => Classified::Invalid(written_reference(&doc.value)),
    }
}

enum Checked {
    Valid(Kind),
    Skipped,
    Invalid,
}

/// Is the document a cabinet record of a known kind that matches its schema?
fn check(file: &str, doc: &ParsedDocument, out: &mut Vec<Diagnostic>) -> Checked {
    let here = |p: &str| Location::pointer(file, doc.index, p);
    let Value::Object(map) = &doc.value else {
        let what = match &doc.value {
            Value::Array(_) => "a list",
            Value::Null => "empty",
            _ => "a scalar",
        };
        out.push(
            Diagnostic::new(Code::NotAMapping, format!("the document is {what}, not a record"))
                .at(Location::at(file, doc.index, doc.span))
                .with_help("a record is a mapping with `apiVersion`, `kind`, `metadata` and `spec`; list files that are not records in `spec.exclude` of cabinet.yaml"),
        );
        return Checked::Invalid;
    };
    let kind_name = map.get("kind").and_then(Value::as_str);
    match map.get("apiVersion") {
        Some(Value::String(v)) if v == API_VERSION => {}
        Some(Value::String(v)) if v.starts_with("cabinet/") => {
            out.push(
                Diagnostic::new(
                    Code::UnsupportedApiVersion,
                    format!("apiVersion `{v}` is not supported"),
                )
                .at(here("/apiVersion"))
                .with_help(format!("this version of cabinet reads `{API_VERSION}`")),
            );
            return Checked::Invalid;
        }
        None if kind_name.and_then(Kind::from_name).is_some() => {
            out.push(
                Diagnostic::new(
                    Code::MissingApiVersion,
                    format!(
                        "a `{}` document without `apiVersion` is skipped",
                        kind_name.unwrap_or_default()
                    ),
                )
                .at(here("/kind"))
                .with_help(format!(
                    "add `apiVersion: {API_VERSION}` if this is a record"
                )),
            );
            return Checked::Skipped;
        }
        // A known kind with an apiVersion that is cabinet's but for its spelling, or empty,
        // is a record written wrong, not someone else's document: skipping it in silence
        // would let a record vanish from review by a change of case.
        Some(v)
            if kind_name.and_then(Kind::from_name).is_some()
                && v.as_str().is_none_or(|s| {
                    s.trim().to_ascii_lowercase().starts_with("cabinet/")
                        || s.trim().eq_ignore_ascii_case("cabinet")
                }) =>
        {
            out.push(
                Diagnostic::new(
                    Code::UnsupportedApiVersion,
                    format!(
                        "apiVersion {} is not `{API_VERSION}`",
                        match v {
                            Value::String(s) => format!("`{s}`"),
                            other => format!("`{other}`"),
                        }
                    ),
                )
                .at(here("/apiVersion"))
                .with_help(format!("write `apiVersion: {API_VERSION}`")),
            );
            return Checked::Invalid;
        }
        _ => return Checked::Skipped,
    }
    let kind = match map.get("kind") {
        None => {
            out.push(
                Diagnostic::new(Code::MissingField, "missing field `kind`")
                    .at(here(""))
                    .with_help("one of Config, Policy, Team, Service, ConfigurationItem, SLA, Change, ChangeModel, Incident, Problem"),
            );
            return Checked::Invalid;
        }
        Some(Value::String(name)) => match Kind::from_name(name) {
            Some(k) => k,
            None => {
                let mut d = Diagnostic::new(Code::UnknownKind, format!("unknown kind `{name}`"))
                    .at(here("/kind"));
                d = match diag::closest(name, Kind::ALL.iter().map(|k| k.as_str())) {
                    Some(near) => d.with_help(format!("did you mean `{near}`?")),
                    None => d.with_help("the kinds are Config, Policy, Team, Service, ConfigurationItem, SLA, Change, ChangeModel, Incident and Problem"),
                };
                out.push(d);
                return Checked::Invalid;
            }
        },
        Some(_) => {
            out.push(
                Diagnostic::new(Code::UnknownKind, "`kind` must be a string").at(here("/kind")),
            );
            return Checked::Invalid;
        }
    };
    if doc.tainted {
        // The YAML finding already explains this document; a schema check of the stand-in
        // values would only repeat it.
        return Checked::Invalid;
    }
    let problems = schema::validate_document(kind, &doc.value, file, doc.index);
    if !problems.is_empty() {
        out.extend(problems);
        return Checked::Invalid;
    }
    Checked::Valid(kind)
}

/// Type a document that matches its kind's schema.
fn read(file: &str, doc: ParsedDocument, kind: Kind, out: &mut Vec<Diagnostic>) -> Classified {
    let origin = Origin {
        file: file.to_string(),
        document: doc.index,
    };
    let claimed = written_reference(&doc.value);
    let value = doc.value;
    let typed = match kind {
        Kind::Config => typed(value, Spec::Config),
        Kind::Policy => typed(value, |s| Spec::Policy(Box::new(s))),
        Kind::Team => typed(value, Spec::Team),
        Kind::Service => typed(value, Spec::Service),
        Kind::ConfigurationItem => typed(value, Spec::ConfigurationItem),
        Kind::Sla => typed(value, Spec::Sla),
        Kind::Change => typed(value, |s| Spec::Change(Box::new(s))),
        Kind::ChangeModel => typed(value, Spec::ChangeModel),
        Kind::Incident => typed(value, |s| Spec::Incident(Box::new(s))),
        Kind::Problem => typed(value, Spec::Problem),
    };
    match typed {
        Ok((metadata, spec)) => Classified::Record(Box::new(Record {
            metadata,
            spec,
            origin,
        })),
        Err(e) => {
            // The schema and the types say the same thing, so this is rare: report it anyway.
            out.push(
                Diagnostic::new(
                    Code::SchemaViolation,
                    format!("the record cannot be read: {e}"),
                )
                .at(Location::pointer(file, doc.index, "/spec")),
            );
            Classified::Invalid(claimed)
        }
    }
}

fn typed<S: DeserializeOwned>(
    value: Value,
    wrap: impl FnOnce(S) -> Spec,
) -> Result<(Metadata, Spec), serde_json::Error> {
    let envelope: Envelope<S> = serde_json::from_value(value)?;
    Ok((envelope.metadata, wrap(envelope.spec)))
}
