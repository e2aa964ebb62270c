//! JSON Schemas: generated from the record types, written to `schemas/`, and used to check
//! every document before it is read into a typed record. One validator per kind is compiled
//! once per process.

use crate::diag::{self, Code, Diagnostic, Location};
use crate::model::{
    API_VERSION, ChangeModelSpec, ChangeSpec, ConfigSpec, ConfigurationItemSpec, Envelope,
    IncidentSpec, Kind, PolicySpec, ProblemSpec, ServiceSpec, SlaSpec, TeamSpec,
};
use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{ValidationError, Validator};
use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::OnceLock;

pub mod reference;

/// The JSON Schema (draft 2020-12) of one kind of record.
pub fn schema_for(kind: Kind) -> Value {
    let mut schema = match kind {
        Kind::Config => generate::<ConfigSpec>(),
        Kind::Policy => generate::<PolicySpec>(),
        Kind::Team => generate::<TeamSpec>(),
        Kind::Service => generate::<ServiceSpec>(),
        Kind::ConfigurationItem => generate::<ConfigurationItemSpec>(),
        Kind::Sla => generate::<SlaSpec>(),
        Kind::Change => generate::<ChangeSpec>(),
        Kind::ChangeModel => generate::<ChangeModelSpec>(),
        Kind::Incident => generate::<IncidentSpec>(),
        Kind::Problem => generate::<ProblemSpec>(),
    };
    standard_formats(&mut schema);
    let root = schema
        .as_object_mut()
        .expect("schemars generates an object schema");
    root.insert(
        "$id".into(),
        json!(format!(
            "https://cabinet.dev/schemas/v1/{}",
            kind.schema_file()
        )),
    );
    root.insert(
        "title".into(),
        json!(format!("cabinet {} record", kind.as_str())),
    );
    root.insert(
        "description".into(),
        json!(format!(
            "A `{}` record of cabinet (apiVersion {API_VERSION}).",
            kind.as_str()
        )),
    );
    if let Some(props) = root.get_mut("properties").and_then(Value::as_object_mut) {
        props.insert(
            "apiVersion".into(),
            json!({"description": "Always `cabinet/v1`.", "const": API_VERSION}),
        );
        props.insert(
            "kind".into(),
            json!({"description": "The kind of record.", "const": kind.as_str()}),
        );
    }
    schema
}

/// The formats JSON Schema 2020-12 defines. schemars also writes Rust's numeric types as
/// formats (`uint8`, `uint32`, `double` ...), which strict validators (ajv by default) refuse
/// as unknown.
const STANDARD_FORMATS: &[&str] = &[
    "date-time",
    "date",
    "time",
    "duration",
    "email",
    "idn-email",
    "hostname",
    "idn-hostname",
    "ipv4",
    "ipv6",
    "uri",
    "uri-reference",
    "iri",
    "iri-reference",
    "uuid",
    "uri-template",
    "json-pointer",
    "relative-json-pointer",
    "regex",
];

/// Replace every non-standard `format` by what it meant: a Rust integer type becomes the
/// bounds of that type (unless the schema bounds it already, more tightly), so that the
/// schema still refuses what the typed record could not hold; `double` and `float` say
/// nothing a `number` does not.
fn standard_formats(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            let format = map
                .get("format")
                .and_then(Value::as_str)
                .map(str::to_string);
            if let Some(format) = format.filter(|f| !STANDARD_FORMATS.contains(&f.as_str())) {
                map.remove("format");
                let (min, max): (Option<i64>, Option<u64>) = match format.as_str() {
                    "uint8" => (Some(0), Some(u8::MAX.into())),
                    "uint16" => (Some(0), Some(u16::MAX.into())),
                    "uint32" => (Some(0), Some(u32::MAX.into())),
                    "uint64" | "uint" => (Some(0), None),
                    "int8" => (Some(i8::MIN.into()), Some(i8::MAX as u64)),
                    "int16" => (Some(i16::MIN.into()), Some(i16::MAX as u64)),
                    "int32" => (Some(i32::MIN.into()), Some(i32::MAX as u64)),
                    _ => (None, None),
                };
                if let Some(min) = min {
                    map.entry("minimum").or_insert(json!(min));
                }
                if let Some(max) = max {
                    map.entry("maximum").or_insert(json!(max));
                }
            }
            for value in map.values_mut() {
                standard_formats(value);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(standard_formats),
        _ => {}
    }
}

fn generate<S: JsonSchema>() -> Value {
    let generator = SchemaSettings::draft2020_12().into_generator();
    generator.into_root_schema_for::<Envelope<S>>().to_value()
}

/// Every schema, pretty-printed as it is written to `schemas/`: `(file name, text)`.
pub fn files() -> Vec<(String, String)> {
    Kind::ALL
        .into_iter()
        .map(|kind| {
            let text =
                serde_json::to_string_pretty(&schema_for(kind)).expect("a schema serialises");
            (kind.schema_file(), text + "\n")
        })
        .collect()
}

/// The lookahead that keeps `..` out of ids and references (a path could otherwise climb out
/// of its folder). It needs fancy-regex's backtracking engine, which made pattern checks the
/// largest part of checking a record against its schema.
const NO_DOUBLE_DOT: &str = r"(?!.*\.\.)";

struct Compiled {
    schema: Value,
    /// Says whether a document is valid, fast: the same schema with every `NO_DOUBLE_DOT`
    /// lookahead replaced by `"not": {"pattern": "\\.\\."}` (see `without_lookaheads`), so
    /// that fancy-regex hands every pattern to the `regex` crate's automata. `None` if that
    /// schema did not compile (the test `both_validators_compile_for_every_kind` says it
    /// does): the published one then decides too, slower but never wrong.
    fast: Option<Validator>,
    /// Explains why a document is not valid, with the schema as published (compiled on the
    /// first invalid document, so that findings name the published patterns).
    explain: OnceLock<Validator>,
}

fn compiled(kind: Kind) -> &'static Compiled {
    static CACHE: OnceLock<BTreeMap<Kind, Compiled>> = OnceLock::new();
    let all = CACHE.get_or_init(|| {
        Kind::ALL
            .into_iter()
            .map(|k| {
                let schema = schema_for(k);
                let fast = jsonschema::options()
                    .should_validate_formats(true)
                    .build(&without_lookaheads(&schema))
                    .ok();
                let compiled = Compiled {
                    schema,
                    fast,
                    explain: OnceLock::new(),
                };
                (k, compiled)
            })
            .collect()
    });
    &all[&kind]
}

impl Compiled {
    /// The published schema's validator. The schema is generated from our own types, not
    /// read from input, and `both_validators_compile_for_every_kind` compiles it for every
    /// kind: the `expect` is a build-time guarantee, as it was before the fast validator.
    fn explain(&self) -> &Validator {
        self.explain.get_or_init(|| {
            jsonschema::options()
                .should_validate_formats(true)
                .build(&self.schema)
                .expect("the generated schemas compile")
        })
    }

    fn is_valid(&self, document: &Value) -> bool {
        match &self.fast {
            Some(fast) => fast.is_valid(document),
            None => self.explain().is_valid(document),
        }
    }
}

/// The schema with each `pattern` that holds `NO_DOUBLE_DOT` split in two: the pattern without
/// the lookahead, and `"not": {"pattern": "\\.\\."}` beside it. Both accept the same strings,
/// because every such pattern is anchored, allows no line break, and has no `.` before the
/// lookahead (the test `without_lookaheads_accepts_what_the_published_schema_accepts` checks
/// every pattern of every kind).
fn without_lookaheads(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => {
            let mut out: serde_json::Map<String, Value> = map
                .iter()
                .map(|(k, v)| (k.clone(), without_lookaheads(v)))
                .collect();
            if let Some(Value::String(pattern)) = map.get("pattern")
                && pattern.contains(NO_DOUBLE_DOT)
                && !map.contains_key("not")
            {
                out.insert("pattern".into(), json!(pattern.replace(NO_DOUBLE_DOT, "")));
                out.insert("not".into(), json!({"pattern": r"\.\."}));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(without_lookaheads).collect()),
        other => other.clone(),
    }
}

/// Check one document against its kind's schema. Returns every violation, not just the first.
pub fn validate_document(
    kind: Kind,
    document: &Value,
    file: &str,
    index: usize,
) -> Vec<Diagnostic> {
    let c = compiled(kind);
    if c.is_valid(document) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for error in c.explain().iter_errors(document) {
        convert(&error, &c.schema, file, index, &mut out);
    }
    out
}

fn convert(
    error: &ValidationError<'_>,
    schema: &Value,
    file: &str,
    index: usize,
    out: &mut Vec<Diagnostic>,
) {
    let pointer = error.instance_path().as_str().to_string();
    let field = diag::pointer::dotted(&pointer);
    let at = Location::pointer(file, index, pointer.clone());
    match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let allowed = allowed_properties(schema, error.schema_path().as_str());
            for name in unexpected {
                let child = format!("{pointer}/{}", diag::pointer::escape(name));
                let where_ = if field.is_empty() {
                    String::new()
                } else {
                    format!(" in `{field}`")
                };
                let mut d = Diagnostic::new(
                    Code::UnknownField,
                    format!("unknown field `{name}`{where_}"),
                )
                .at(Location::pointer(file, index, child).key())
                .with_label("not a field of this record");
                d = match diag::closest(name, allowed.iter().map(String::as_str)) {
                    Some(near) => d.with_help(format!("did you mean `{near}`?")),
                    None if !allowed.is_empty() => {
                        d.with_help(format!("expected one of {}", list(&allowed)))
                    }
                    None => d,
                };
                out.push(d);
            }
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            let where_ = if field.is_empty() {
                String::new()
            } else {
                format!(" in `{field}`")
            };
            out.push(
                Diagnostic::new(
                    Code::MissingField,
                    format!("missing field `{name}`{where_}"),
                )
                .at(at)
                .with_label(format!("`{name}` is required here")),
            );
        }
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            // An untagged choice (`ci:x` or `{ref, impact}`): report the branch that has the
            // right shape, so the user hears about the field that is wrong, not the union.
            let shaped: Vec<&Vec<ValidationError<'static>>> = context
                .iter()
                .filter(|branch| {
                    !branch.iter().any(|e| {
                        e.instance_path().as_str() == pointer
                            && matches!(
                                e.kind(),
                                ValidationErrorKind::Type { .. }
                                    | ValidationErrorKind::Enum { .. }
                                    | ValidationErrorKind::Constant { .. }
                            )
                    })
                })
                .collect();
            // A choice between constants (an enum whose values are documented) reads as one.
            let constants: Option<Vec<String>> = context
                .iter()
                .map(|branch| match branch.as_slice() {
                    [e] if e.instance_path().as_str() == pointer => match e.kind() {
                        ValidationErrorKind::Constant { expected_value } => {
                            Some(plain(expected_value))
                        }
                        _ => None,
                    },
                    _ => None,
                })
                .collect();
            if let Some(options) = constants.filter(|c| !c.is_empty()) {
                let listed: Vec<String> = options.iter().map(|o| format!("`{o}`")).collect();
                let mut d = Diagnostic::new(
                    Code::SchemaViolation,
                    format!(
                        "`{field}`: {} is not one of {}",
                        describe(error.instance()),
                        listed.join(", ")
                    ),
                )
                .at(at);
                if let Some(text) = error.instance().as_str()
                    && let Some(near) = diag::closest(text, options.iter().map(String::as_str))
                {
                    d = d.with_help(format!("did you mean `{near}`?"));
                }
                out.push(d);
            } else if let [branch] = shaped.as_slice() {
                for e in branch.iter() {
                    convert(e, schema, file, index, out);
                }
            } else {
                out.push(
                    Diagnostic::new(
                        Code::SchemaViolation,
                        format!(
                            "`{field}`: {} is not one of the allowed forms",
                            describe(error.instance())
                        ),
                    )
                    .at(at)
                    .with_help(forms_help(&pointer)),
                );
            }
        }
        kind => {
            let detail = detail(kind, error);
            let mut d =
                Diagnostic::new(Code::SchemaViolation, format!("`{field}`: {detail}")).at(at);
            if let ValidationErrorKind::Pattern { .. } = kind
                && let Some(text) = error.instance().as_str()
            {
                d = d.with_help(pattern_help(&pointer, text));
            }
            if let ValidationErrorKind::Enum { options } = kind
                && let (Some(text), Some(opts)) = (error.instance().as_str(), options.as_array())
                && let Some(near) = diag::closest(text, opts.iter().filter_map(Value::as_str))
            {
                d = d.with_help(format!("did you mean `{near}`?"));
            }
            out.push(d);
        }
    }
}

fn detail(kind: &ValidationErrorKind, error: &ValidationError<'_>) -> String {
    let value = describe(error.instance());
    match kind {
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => type_name(&t.to_string()).to_string(),
                TypeKind::Multiple(set) => set
                    .iter()
                    .map(|t| type_name(&t.to_string()).to_string())
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            format!("expected {expected}, found {}", found(error.instance()))
        }
        ValidationErrorKind::Enum { options } => {
            let opts: Vec<String> = options
                .as_array()
                .map(|a| a.iter().map(|v| format!("`{}`", plain(v))).collect())
                .unwrap_or_default();
            format!("{value} is not one of {}", opts.join(", "))
        }
        ValidationErrorKind::Constant { expected_value } => {
            format!("expected `{}`, found {value}", plain(expected_value))
        }
        ValidationErrorKind::Pattern { .. } => format!("{value} is not in the expected form"),
        ValidationErrorKind::Minimum { limit } => {
            format!("{value} is less than the minimum of {limit}")
        }
        ValidationErrorKind::Maximum { limit } => {
            format!("{value} is more than the maximum of {limit}")
        }
        ValidationErrorKind::ExclusiveMinimum { limit } => {
            format!("{value} must be more than {limit}")
        }
        ValidationErrorKind::ExclusiveMaximum { limit } => {
            format!("{value} must be less than {limit}")
        }
        ValidationErrorKind::MinItems { limit } => format!("needs at least {limit} item(s)"),
        ValidationErrorKind::MinLength { limit } if *limit == 1 => "must not be empty".to_string(),
        ValidationErrorKind::MinLength { limit } => {
            format!("must be at least {limit} characters long")
        }
        ValidationErrorKind::MaxLength { limit } => {
            format!("must be at most {limit} characters long")
        }
        ValidationErrorKind::Format { format } => {
            format!("{value} is not a valid {}", format_name(format))
        }
        _ => shorten(&error.to_string(), 200),
    }
}

fn allowed_properties(schema: &Value, schema_path: &str) -> Vec<String> {
    let Some(parent) = schema_path.strip_suffix("/additionalProperties") else {
        return Vec::new();
    };
    let mut names: Vec<String> = schema
        .pointer(&format!("{parent}/properties"))
        .and_then(Value::as_object)
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    names.sort();
    names
}

fn list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn type_name(json_type: &str) -> &'static str {
    match json_type {
        "object" => "a mapping",
        "array" => "a list",
        "string" => "a string",
        "integer" => "an integer",
        "number" => "a number",
        "boolean" => "true or false",
        "null" => "nothing (null)",
        _ => "another type",
    }
}

fn found(v: &Value) -> String {
    match v {
        Value::Object(_) => "a mapping".into(),
        Value::Array(_) => "a list".into(),
        Value::String(s) => format!("the string `{}`", shorten(s, 60)),
        Value::Number(n) => format!("the number `{n}`"),
        Value::Bool(b) => format!("`{b}`"),
        Value::Null => "nothing (null)".into(),
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::Object(_) => "the mapping".into(),
        Value::Array(_) => "the list".into(),
        other => format!("`{}`", shorten(&plain(other), 80)),
    }
}

fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() > max {
        let head: String = s.chars().take(max - 3).collect();
        format!("{head}...")
    } else {
        s.to_string()
    }
}

fn format_name(format: &str) -> &str {
    match format {
        "date-time" => "RFC 3339 timestamp with an offset (`2026-12-01T22:00:00Z`)",
        "email" => "e-mail address",
        "uri" => "URL",
        other => other,
    }
}

/// Help for a value that does not match its pattern, by what the field holds.
fn pattern_help(pointer: &str, text: &str) -> String {
    if let Some(c) = text.chars().find(|c| !c.is_ascii()) {
        return format!(
            "`{c}` (U+{:04X}) is not an ASCII character; ids and references use ASCII letters, digits, `.`, `_` and `-` only",
            c as u32
        );
    }
    if text.contains('/') {
        return "ids cannot contain `/`".into();
    }
    if text.contains("..") {
        return "ids cannot contain `..`".into();
    }
    let last = pointer.rsplit('/').next().unwrap_or_default();
    match last {
        "id" => "ids are 1-128 characters: ASCII letters, digits, `.`, `_` and `-`, starting with a letter or digit".into(),
        "response" | "resolution" | "rto" | "rpo" | "duration" | "fulfillment" => {
            "durations are a number and a unit: `30s`, `15m`, `4h`, `3d`, `2w`".into()
        }
        "from" | "to" if pointer.contains("serviceHours") => "times are `HH:MM`, 24-hour".into(),
        "github" | "requester" => "a GitHub login: letters, digits and hyphens".into(),
        _ if pointer.contains("dependsOn") || pointer.contains("affects") => {
            "references are `service:ID` or `ci:ID`".into()
        }
        "owner" | "cab" | "ecab" => "name a team by id (`payments` or `team:payments`)".into(),
        "sla" => "name an SLA by id (`gold` or `sla:gold`)".into(),
        "model" => "name a change model by id (`restart-pod` or `model:restart-pod`)".into(),
        _ if pointer.contains("/from/") => "approvers are `cab`, `ecab`, `owners`, `any-member` or `team:ID`".into(),
        _ => "see the field's pattern in `schemas/`".into(),
    }
}

fn forms_help(pointer: &str) -> String {
    if pointer.contains("dependsOn") {
        "write `ci:ID` / `service:ID`, or `{ref: ci:ID, impact: full|partial}`".into()
    } else if pointer.contains("serviceHours") {
        "write `24x7`, or `{timezone, days, from, to}`".into()
    } else if pointer.contains("require") {
        "write `{count, from: [...]}`, optionally with `per: impacted-service`, or `{anyOf: [...]}`"
            .into()
    } else {
        "see the field's schema in `schemas/`".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_schema_is_a_valid_draft_2020_12_schema() {
        for kind in Kind::ALL {
            let schema = schema_for(kind);
            assert!(
                jsonschema::draft202012::meta::is_valid(&schema),
                "{kind} schema is not valid"
            );
            assert_eq!(schema["properties"]["kind"]["const"], kind.as_str());
        }
    }

    fn lookahead_patterns(schema: &Value, out: &mut BTreeSet<String>) {
        match schema {
            Value::Object(map) => {
                if let Some(Value::String(p)) = map.get("pattern")
                    && p.contains(NO_DOUBLE_DOT)
                {
                    out.insert(p.clone());
                }
                map.values().for_each(|v| lookahead_patterns(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| lookahead_patterns(v, out)),
            _ => {}
        }
    }

    /// A strict validator (unknown formats are an error, as in ajv's default strict mode)
    /// compiles every published schema.
    #[test]
    fn every_published_schema_uses_only_standard_formats() {
        fn formats(v: &Value, out: &mut BTreeSet<String>) {
            match v {
                Value::Object(m) => {
                    if let Some(Value::String(f)) = m.get("format") {
                        out.insert(f.clone());
                    }
                    m.values().for_each(|v| formats(v, out));
                }
                Value::Array(a) => a.iter().for_each(|v| formats(v, out)),
                _ => {}
            }
        }
        for kind in Kind::ALL {
            let schema = schema_for(kind);
            let mut used = BTreeSet::new();
            formats(&schema, &mut used);
            for f in &used {
                assert!(
                    STANDARD_FORMATS.contains(&f.as_str()),
                    "{kind}: format `{f}`"
                );
            }
            jsonschema::options()
                .should_validate_formats(true)
                .should_ignore_unknown_formats(false)
                .build(&schema)
                .unwrap_or_else(|e| panic!("{kind}: a strict validator refuses the schema: {e}"));
        }
    }

    /// What the published schema accepts, `validate` reads, and the other way round: a JSON
    /// Schema validator cannot tell `2.0` from `2`, so neither may cabinet.
    #[test]
    fn the_published_schema_and_validate_agree_on_numbers() {
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(&schema_for(Kind::Service))
            .unwrap();
        for tier in [
            "2", "2.0", "4e0", "2.5", "\"2\"", "5", "0", "-1", "300", "1e300",
        ] {
            let text = format!(
                "apiVersion: cabinet/v1\nkind: Service\nmetadata: {{id: s}}\nspec: {{owner: ops, tier: {tier}, lifecycle: planned}}\n"
            );
            let parsed = crate::load::parse("s.yaml", &text, 64);
            let schema_says = parsed.documents.len() == 1
                && parsed.diagnostics.is_empty()
                && validator.is_valid(&parsed.documents[0].value);
            let (records, diagnostics) = crate::load::records_from_str("s.yaml", &text);
            let validate_says = records.len() == 1 && diagnostics.is_empty();
            assert_eq!(schema_says, validate_says, "tier: {tier} {diagnostics:?}");
            assert_eq!(
                validate_says,
                ["2", "2.0", "4e0"].contains(&tier),
                "tier: {tier}"
            );
        }
    }

    #[test]
    fn an_integer_format_becomes_the_bounds_of_its_type() {
        let mut schema = json!({"properties": {
            "a": {"type": "integer", "format": "uint8", "maximum": 4},
            "b": {"type": "integer", "format": "uint32"},
            "c": {"type": "number", "format": "double"},
            "d": {"type": "string", "format": "email"}
        }});
        standard_formats(&mut schema);
        assert_eq!(
            schema,
            json!({"properties": {
                "a": {"type": "integer", "minimum": 0, "maximum": 4},
                "b": {"type": "integer", "minimum": 0, "maximum": 4294967295u64},
                "c": {"type": "number"},
                "d": {"type": "string", "format": "email"}
            }})
        );
    }

    #[test]
    fn both_validators_compile_for_every_kind() {
        for kind in Kind::ALL {
            let c = compiled(kind);
            assert!(
                c.fast.is_some(),
                "{kind}: the schema without lookaheads does not compile"
            );
            // Compiles the published schema's validator (it panics if it cannot).
            let _ = c.explain();
        }
    }

    #[test]
    fn without_lookaheads_accepts_what_the_published_schema_accepts() {
        let mut patterns = BTreeSet::new();
        for kind in Kind::ALL {
            let schema = schema_for(kind);
            lookahead_patterns(&schema, &mut patterns);
            let fast = without_lookaheads(&schema).to_string();
            assert!(!fast.contains("(?!"), "{kind}: a lookahead is left");
        }
        assert!(
            patterns.len() >= 5,
            "the ids and references use the lookahead: {patterns:?}"
        );
        // Every string of up to four characters from an alphabet that can make or break an id,
        // after each prefix the patterns know, plus ids at and around the length limit.
        let alphabet = ['a', '.', '-', ':', '\n'];
        let mut bodies = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..4 {
            last = last
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            bodies.extend(last.iter().cloned());
        }
        for n in [126, 127, 128, 129] {
            bodies.push("a".repeat(n));
            bodies.push(format!("{}..", "a".repeat(n - 2)));
            bodies.push(format!("a.{}", "b".repeat(n - 2)));
        }
        let prefixes = [
            "", "service:", "ci:", "team:", "sla:", "model:", "change:", "cab", "team", "x:",
        ];
        for pattern in &patterns {
            let published = jsonschema::validator_for(&json!({"pattern": pattern})).unwrap();
            let fast = jsonschema::validator_for(&without_lookaheads(&json!({"pattern": pattern})))
                .unwrap();
            for prefix in prefixes {
                for body in &bodies {
                    let text = json!(format!("{prefix}{body}"));
                    assert_eq!(
                        fast.is_valid(&text),
                        published.is_valid(&text),
                        "{pattern} on {text}"
                    );
                }
            }
        }
    }

    #[test]
    fn an_id_with_two_dots_in_a_row_is_explained_with_the_published_pattern() {
        let doc = json!({"apiVersion": "cabinet/v1", "kind": "Service", "metadata": {"id": "a..b"},
            "spec": {"owner": "t", "tier": 1, "lifecycle": "planned"}});
        let d = validate_document(Kind::Service, &doc, "s.yaml", 0);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].pointer(), "/metadata/id");
        assert_eq!(
            d[0].message,
            "`metadata.id`: `a..b` is not in the expected form"
        );
    }

    #[test]
    fn dotted_paths_read_like_yaml() {}

    #[test]
    fn unknown_fields_suggest_the_closest_name() {
        let doc = json!({"apiVersion": "cabinet/v1", "kind": "Service", "metadata": {"id": "a"},
            "spec": {"owner": "t", "tier": 1, "lifecycle": "planned", "dependOn": []}});
        let d = validate_document(Kind::Service, &doc, "s.yaml", 0);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, Code::UnknownField);
        assert_eq!(d[0].pointer(), "/spec/dependOn");
        assert_eq!(d[0].help.as_deref(), Some("did you mean `dependsOn`?"));
    }

    #[test]
    fn untagged_choices_report_the_field_that_is_wrong() {
        let doc = json!({"apiVersion": "cabinet/v1", "kind": "Service", "metadata": {"id": "a"},
            "spec": {"owner": "t", "tier": 1, "lifecycle": "planned",
                     "dependsOn": [{"ref": "ci:x", "impact": "partially"}]}});
        let d = validate_document(Kind::Service, &doc, "s.yaml", 0);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].pointer(), "/spec/dependsOn/0/impact");
        assert_eq!(d[0].help.as_deref(), Some("did you mean `partial`?"));
    }

    #[test]
    fn look_alike_ids_are_explained() {
        let doc = json!({"apiVersion": "cabinet/v1", "kind": "Team", "metadata": {"id": "pаyments"}, "spec": {}});
        let d = validate_document(Kind::Team, &doc, "t.yaml", 0);
        assert_eq!(d.len(), 1);
        assert!(
            d[0].help.as_deref().unwrap().contains("U+0430"),
            "{:?}",
            d[0].help
        );
    }
}
