//! `--format sarif`: SARIF 2.1.0, as GitHub code scanning accepts it. Rules come from the
//! diagnostic code registry (opaque id, Pascal-case name, help at the code's section of
//! `docs/diagnostics.md`), so every result has a rule with a description. Every result has a
//! full region, and two fingerprints: GitHub's `primaryLocationLineHash` (`line_hash`), which
//! follows the line's text, and cabinet's own, which follows the finding's place in the
//! record (code, file, document, field) and no line number.

mod line_hash;

use super::Style;
use crate::diag::{Code, Diagnostic, Location, Severity};
use crate::validation::Validation;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::Arc;

/// The key of cabinet's own fingerprint in `partialFingerprints`.
const FINDING_FINGERPRINT: &str = "cabinetFinding/v1";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// A region with all four of its bounds (GitHub's table wants `endLine` and `endColumn`
/// too). A finding on a point (a whole file, a parse error) is the empty region at it.
fn region(l: &Location) -> Value {
    let span = l.span.unwrap_or_default();
    let start = (span.start.line.max(1), span.start.column.max(1));
    let end = if (span.end.line, span.end.column) > start {
        (span.end.line, span.end.column.max(1))
    } else {
        start
    };
    json!({"startLine": start.0, "startColumn": start.1, "endLine": end.0, "endColumn": end.1})
}

fn physical(l: &Location, style: &Style) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": {"uri": format!("{}{}", style.path_prefix, l.file), "uriBaseId": "%SRCROOT%"},
            "region": region(l),
        }
    })
}

/// FNV-1a, 64 bits: a short, stable digest (the same on every machine and version).
fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain([0]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// The line hashes of the files findings point into, computed once per file.
struct LineHashes<'a> {
    texts: &'a BTreeMap<String, Arc<str>>,
    files: BTreeMap<&'a str, Vec<String>>,
}

impl<'a> LineHashes<'a> {
    fn of(&mut self, file: &str, line: usize) -> Option<String> {
        let (name, text) = self.texts.get_key_value(file)?;
        let hashes = self
            .files
            .entry(name.as_str())
            .or_insert_with(|| line_hash::line_hashes(text));
        hashes.get(line.max(1) - 1).cloned()
    }
}

fn result(
    d: &Diagnostic,
    style: &Style,
    hashes: &mut LineHashes<'_>,
    seen: &mut BTreeMap<u64, usize>,
) -> Value {
    let index = Code::ALL.iter().position(|c| *c == d.code).unwrap_or(0);
    let mut text = d.message.clone();
    if let Some(help) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    let mut r = json!({
        "ruleId": d.code.rule_id(),
        "ruleIndex": index,
        "level": level(d.severity),
        "message": {"text": text},
    });
    if let Some(l) = &d.location {
        r["locations"] = json!([physical(l, style)]);
        let document = l.document.to_string();
        let on_key = if l.on_key { "key" } else { "value" };
        let digest = fnv1a(&[d.code.as_str(), &l.file, &document, &l.pointer, on_key]);
        // Findings alike in all of these are told apart by their order in the file.
        let n = seen.entry(digest).or_insert(0);
        *n += 1;
        let mut prints = serde_json::Map::new();
        prints.insert(
            FINDING_FINGERPRINT.into(),
            json!(format!("{digest:016x}:{n}")),
        );
        if let Some(hash) = hashes.of(&l.file, l.line()) {
            prints.insert("primaryLocationLineHash".into(), json!(hash));
        }
        r["partialFingerprints"] = Value::Object(prints);
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

/// The SARIF log for a set of findings in the files of `texts` (path to text, as
/// `Validation::texts`).
pub(crate) fn log(
    diagnostics: &[Diagnostic],
    texts: &BTreeMap<String, Arc<str>>,
    style: &Style,
) -> Value {
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|&c| {
            json!({
                "id": c.rule_id(),
                "name": c.pascal_name(),
                "shortDescription": {"text": c.description()},
                "fullDescription": {"text": c.explanation()},
                "help": {"text": c.explanation()},
                "helpUri": c.help_uri(),
                "defaultConfiguration": {"level": level(c.default_severity())},
                "properties": {"code": c.as_str()},
            })
        })
        .collect();
    let kept = kept(diagnostics);
    let omitted = diagnostics.len() - kept.len();
    let mut hashes = LineHashes {
        texts,
        files: BTreeMap::new(),
    };
    let mut seen = BTreeMap::new();
    let results: Vec<Value> = kept
        .iter()
        .map(|d| result(d, style, &mut hashes, &mut seen))
        .collect();
    let mut run = json!({
        "tool": {"driver": {
            "name": "cabinet",
            "version": env!("CARGO_PKG_VERSION"),
            "informationUri": env!("CARGO_PKG_REPOSITORY"),
            "rules": rules,
        }},
        "columnKind": "unicodeCodePoints",
        "results": results,
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
    serde_json::to_writer_pretty(&mut *out, &log(&v.diagnostics, &v.texts, style))?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Position, Span};

    fn at(file: &str, pointer: &str, line: usize, columns: (usize, usize)) -> Location {
        let mut l = Location::pointer(file, 0, pointer);
        let pos = |column| Position {
            line,
            column,
            offset: 0,
        };
        l.span = Some(Span {
            start: pos(columns.0),
            end: pos(columns.1),
        });
        l
    }

    fn texts(pairs: &[(&str, &str)]) -> BTreeMap<String, Arc<str>> {
        pairs
            .iter()
            .map(|(f, t)| (f.to_string(), Arc::from(*t)))
            .collect()
    }

    #[test]
    fn every_result_has_a_full_region_even_on_a_whole_file() {
        let d = Diagnostic::new(Code::EmptyFile, "empty").at(Location::file("e.yaml"));
        let whole = log(&[d], &texts(&[("e.yaml", "")]), &Style::default());
        let region = &whole["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
        assert_eq!(
            *region,
            json!({"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1})
        );
        let unresolved = Diagnostic::new(Code::DanglingReference, "x").at(Location::pointer(
            "a.yaml",
            0,
            "/spec/owner",
        ));
        let log = log(&[unresolved], &BTreeMap::new(), &Style::default());
        let region = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
        for key in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(region.get(key).is_some(), "{key} missing: {region}");
        }
    }

    #[test]
    fn fingerprints_follow_the_finding_not_its_line_number() {
        let before = "kind: Service\nspec:\n  owner: nobody\n";
        let after = "# moved down\n\nkind: Service\nspec:\n  owner: nobody\n";
        let finding = |line| {
            Diagnostic::new(Code::DanglingReference, "no team `nobody`").at(at(
                "s.yaml",
                "/spec/owner",
                line,
                (10, 16),
            ))
        };
        let one = log(
            &[finding(3)],
            &texts(&[("s.yaml", before)]),
            &Style::default(),
        );
        let two = log(
            &[finding(5)],
            &texts(&[("s.yaml", after)]),
            &Style::default(),
        );
        let prints = |l: &Value| l["runs"][0]["results"][0]["partialFingerprints"].clone();
        assert_eq!(prints(&one), prints(&two));
        let line_hash = prints(&one)["primaryLocationLineHash"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(line_hash, line_hash::line_hashes(before)[2]);
        assert!(
            prints(&one)[FINDING_FINGERPRINT]
                .as_str()
                .unwrap()
                .ends_with(":1")
        );
        // Another field is another finding; the same finding twice is counted apart.
        let other =
            Diagnostic::new(Code::DanglingReference, "x").at(at("s.yaml", "/spec/sla", 3, (1, 2)));
        let log = log(
            &[finding(3), finding(3), other],
            &texts(&[("s.yaml", before)]),
            &Style::default(),
        );
        let all: Vec<&str> = log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["partialFingerprints"][FINDING_FINGERPRINT]
                    .as_str()
                    .unwrap()
            })
            .collect();
        assert_eq!(
            all.iter().collect::<std::collections::BTreeSet<_>>().len(),
            3,
            "{all:?}"
        );
    }

    #[test]
    fn rules_have_opaque_ids_pascal_names_and_help() {
        let log = log(&[], &BTreeMap::new(), &Style::default());
        let rules = log["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap();
        assert_eq!(rules.len(), Code::ALL.len());
        let not_a_mapping = Code::ALL
            .iter()
            .position(|c| *c == Code::NotAMapping)
            .unwrap();
        let rule = &rules[not_a_mapping];
        assert_eq!(rule["id"], Code::NotAMapping.rule_id());
        assert_eq!(rule["name"], "NotMapping");
        assert_eq!(
            rule["helpUri"],
            format!(
                "https://github.com/cabinet-itsm/cabinet/blob/v{}/docs/diagnostics.md#not-a-mapping",
                env!("CARGO_PKG_VERSION")
            )
        );
    }

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
        let log = log(&all, &BTreeMap::new(), &Style::default());
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
        let small = super::log(&all[..3], &BTreeMap::new(), &Style::default());
        assert!(small["runs"][0].get("properties").is_none());
        assert!(small["runs"][0].get("invocations").is_none());
    }
}
