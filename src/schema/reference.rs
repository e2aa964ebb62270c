//! The field reference of every kind (`docs/reference.md`), written from the schemas so that
//! it cannot drift from what `validate` enforces: every field, its type, whether it is
//! required, its constraints and its description.

use super::schema_for;
use crate::model::Kind;
use serde_json::Value;
use std::collections::BTreeSet;
use std::fmt::Write;

/// The Markdown reference of every kind, in registry order.
pub fn markdown() -> String {
    let mut out = String::new();
    out.push_str(
        "# Record reference\n\n\
         Every field of every kind of record, with its type, whether it is required, its \
         constraints and what it means. This file is written from the JSON Schemas in \
         `schemas/` (which `validate` enforces) by `cabinet schema --reference > docs/reference.md`; a test fails \
         when it is out of date, so what you read here is what cabinet checks.\n\n\
         A record is a YAML document with four fields:\n\n\
         | field | required | type | meaning |\n|---|---|---|---|\n\
         | `apiVersion` | yes | `cabinet/v1` | the version of the record format |\n\
         | `kind` | yes | one of the kinds below | what the record describes |\n\
         | `metadata` | yes | [Metadata](#metadata) | its id, name, description, links and labels |\n\
         | `spec` | yes | the kind's spec | what the kind says |\n\n\
         Kinds: ",
    );
    let kinds: Vec<String> = Kind::ALL
        .iter()
        .map(|k| format!("[{}](#{})", k.as_str(), anchor(k.as_str())))
        .collect();
    out.push_str(&kinds.join(", "));
    out.push_str(".\n");
    let first = schema_for(Kind::ALL[0]);
    if let Some(meta) = first.pointer("/$defs/Metadata") {
        section(&mut out, "Metadata", "metadata", meta, &first, 2);
    }
    for kind in Kind::ALL {
        let schema = schema_for(kind);
        let defs = schema.get("$defs").and_then(Value::as_object);
        let spec_name = schema
            .pointer("/properties/spec/$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/$defs/"))
            .unwrap_or_default()
            .to_string();
        let _ = write!(out, "\n## {}\n\n", kind.as_str());
        if let Some(spec) = defs.and_then(|d| d.get(&spec_name)) {
            if let Some(d) = spec.get("description").and_then(Value::as_str) {
                let _ = writeln!(out, "{}\n", one_line(d));
            }
            let _ = writeln!(
                out,
                "`kind: {}`; the schema is `schemas/{}`.\n",
                kind.as_str(),
                kind.schema_file()
            );
            fields(&mut out, kind, spec);
        }
        // Every other definition the kind uses, in name order, once.
        let mut done: BTreeSet<&str> = ["Metadata", spec_name.as_str()].into();
        if let Some(defs) = defs {
            for (name, def) in defs {
                if done.insert(name) && !is_value_type(def) {
                    section(
                        &mut out,
                        name,
                        &format!("{}-{}", anchor(kind.as_str()), anchor(name)),
                        def,
                        &schema,
                        3,
                    );
                }
            }
            let values: Vec<(&String, &Value)> =
                defs.iter().filter(|(_, d)| is_value_type(d)).collect();
            if !values.is_empty() {
                let _ = write!(
                    out,
                    "\n### Values\n\n| name | values | meaning |\n|---|---|---|\n"
                );
                for (name, def) in values {
                    let _ = writeln!(
                        out,
                        "| <a id=\"{}-{}\"></a>{name} | {} | {} |",
                        anchor(kind.as_str()),
                        anchor(name),
                        cell(&type_of(def, kind)),
                        cell(&description(def))
                    );
                }
            }
        }
    }
    out
}

/// A definition with fields gets a table of its own.
fn section(out: &mut String, name: &str, id: &str, def: &Value, root: &Value, level: usize) {
    let kind = Kind::ALL[0];
    let _ = write!(out, "\n{} <a id=\"{id}\"></a>{name}\n\n", "#".repeat(level));
    if let Some(d) = def.get("description").and_then(Value::as_str) {
        let _ = writeln!(out, "{}\n", one_line(d));
    }
    if def.get("properties").is_some() {
        fields(out, kind_of(root).unwrap_or(kind), def);
    } else {
        let _ = writeln!(
            out,
            "One of: {}.",
            type_of(def, kind_of(root).unwrap_or(kind))
        );
    }
}

fn kind_of(root: &Value) -> Option<Kind> {
    let name = root.pointer("/properties/kind/const")?.as_str()?;
    Kind::from_name(name)
}

/// An enumeration or a constrained scalar: listed under Values, not given a table.
fn is_value_type(def: &Value) -> bool {
    def.get("properties").is_none()
        && (def.get("enum").is_some()
            || def
                .get("oneOf")
                .and_then(Value::as_array)
                .is_some_and(|alts| alts.iter().all(|a| a.get("const").is_some())))
}

fn fields(out: &mut String, kind: Kind, def: &Value) {
    let required: BTreeSet<&str> = def
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let Some(props) = def.get("properties").and_then(Value::as_object) else {
        return;
    };
    out.push_str("| field | required | type | meaning |\n|---|---|---|---|\n");
    for (name, prop) in props {
        let mut meaning = description(prop);
        let rules = constraints(prop);
        if !rules.is_empty() {
            if !meaning.is_empty() {
                meaning.push(' ');
            }
            meaning.push_str(&format!("({})", rules.join("; ")));
        }
        let _ = writeln!(
            out,
            "| `{name}` | {} | {} | {} |",
            if required.contains(name.as_str()) {
                "yes"
            } else {
                "no"
            },
            cell(&type_of(prop, kind)),
            cell(&meaning)
        );
    }
}

fn description(v: &Value) -> String {
    v.get("description")
        .and_then(Value::as_str)
        .map(one_line)
        .unwrap_or_default()
}

fn constraints(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let num = |k: &str| v.get(k).and_then(Value::as_f64).map(|n| n.to_string());
    match (num("minimum"), num("maximum")) {
        (Some(a), Some(b)) => out.push(format!("{a} to {b}")),
        (Some(a), None) => out.push(format!("at least {a}")),
        (None, Some(b)) => out.push(format!("at most {b}")),
        (None, None) => {}
    }
    match (num("minLength"), num("maxLength")) {
        (Some(a), Some(b)) => out.push(format!("{a} to {b} characters")),
        (Some(a), None) => out.push(format!("at least {a} character(s)")),
        (None, Some(b)) => out.push(format!("at most {b} characters")),
        (None, None) => {}
    }
    if let Some(n) = num("minItems") {
        out.push(format!("at least {n} item(s)"));
    }
    if let Some(n) = num("maxItems") {
        out.push(format!("at most {n} items"));
    }
    if v.get("uniqueItems").and_then(Value::as_bool) == Some(true) {
        out.push("no repeats".to_string());
    }
    if let Some(p) = v.get("pattern").and_then(Value::as_str) {
        out.push(format!("matches `{p}`"));
    }
    if let Some(f) = v.get("format").and_then(Value::as_str) {
        out.push(format!("format `{f}`"));
    }
    if let Some(d) = v.get("default") {
        let shown = match d {
            Value::Array(a) if a.is_empty() => None,
            Value::Object(o) if o.is_empty() => None,
            Value::Null => None,
            other => Some(other.to_string()),
        };
        if let Some(s) = shown {
            out.push(format!("default `{s}`"));
        }
    }
    out
}

/// The type of a schema node, in words, with links to the definitions it names.
fn type_of(v: &Value, kind: Kind) -> String {
    if let Some(r) = v.get("$ref").and_then(Value::as_str) {
        let name = r.strip_prefix("#/$defs/").unwrap_or(r);
        let id = if name == "Metadata" {
            "metadata".to_string()
        } else {
            format!("{}-{}", anchor(kind.as_str()), anchor(name))
        };
        return format!("[{name}](#{id})");
    }
    if let Some(c) = v.get("const") {
        return format!("`{}`", plain(c));
    }
    if let Some(values) = v.get("enum").and_then(Value::as_array) {
        return values
            .iter()
            .map(|x| format!("`{}`", plain(x)))
            .collect::<Vec<_>>()
            .join(", ");
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(alts) = v.get(key).and_then(Value::as_array) {
            let mut words: Vec<String> = alts
                .iter()
                .filter(|a| a.get("type").and_then(Value::as_str) != Some("null"))
                .map(|a| type_of(a, kind))
                .collect();
            words.dedup();
            return words.join(" or ");
        }
    }
    let types: Vec<&str> = match v.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let words: Vec<String> = types
        .iter()
        .filter(|t| **t != "null")
        .map(|t| match *t {
            "array" => match v.get("items") {
                Some(items) => format!("list of {}", type_of(items, kind)),
                None => "list".to_string(),
            },
            "object" => match v.get("additionalProperties") {
                Some(Value::Bool(false)) | None => "mapping".to_string(),
                Some(inner) => format!("mapping of {}", type_of(inner, kind)),
            },
            other => other.to_string(),
        })
        .collect();
    if words.is_empty() {
        "any".to_string()
    } else {
        words.join(" or ")
    }
}

fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A description on one line (tables cannot hold line breaks).
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text safe inside a table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

/// A heading's anchor: lower case, `-` between words.
fn anchor(name: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() && previous_lower {
            out.push('-');
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        out.push(c.to_ascii_lowercase());
    }
    out
}
