//! The checked-in example repositories stay valid: no errors and no warnings.

use crate::util::*;

/// The time the examples are judged at: after the last incident of the acme history, so
/// that open incidents and due actions are measured the same way on every day.
pub(crate) const EXAMPLES_NOW: &str = "2026-12-01T09:00:00Z";

/// `validate --format json` in `examples/<name>`: exit 0, no errors or warnings (notes, such
/// as an SLA breach in the history, are allowed); returns the report.
fn validates_cleanly(name: &str) -> serde_json::Value {
    let run = run_in(
        &examples().join(name),
        &["validate", "--now", EXAMPLES_NOW, "--format", "json"],
    );
    assert_eq!(
        run.code, 0,
        "examples/{name} does not validate:\n{}\n{}",
        run.stdout, run.stderr
    );
    let report = run.json();
    assert_eq!(
        report["errors"], 0,
        "errors in examples/{name}: {:#?}",
        report["diagnostics"]
    );
    assert_eq!(
        report["warnings"], 0,
        "warnings in examples/{name}: {:#?}",
        report["diagnostics"]
    );
    assert_eq!(report["ok"], true, "{report:#}");
    report
}

fn records(report: &serde_json::Value) -> u64 {
    report["records"].as_u64().expect("a record count")
}

fn codes(report: &serde_json::Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            format!(
                "{}@{}",
                d["code"].as_str().unwrap(),
                d["file"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn the_acme_example_validates_without_findings() {
    let report = validates_cleanly("acme");
    assert!(
        records(&report) >= 50,
        "examples/acme holds only {} records",
        records(&report)
    );
    // The history holds one incident that missed gold's P1 targets, and says so.
    assert_eq!(
        codes(&report),
        vec![
            "sla-response-breach@incidents/2026/INC-2026-0103.yaml",
            "sla-resolution-breach@incidents/2026/INC-2026-0103.yaml",
        ]
    );
}

#[test]
fn the_starter_example_validates_without_findings() {
    let report = validates_cleanly("starter");
    assert!(records(&report) > 0, "examples/starter holds no records");
    assert_eq!(codes(&report), Vec::<String>::new());
}
