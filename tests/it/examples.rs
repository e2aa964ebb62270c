//! The checked-in example repositories stay valid: no errors and no warnings.

use crate::util::*;

/// `validate --format json` in `examples/<name>`: exit 0, no findings; returns the record count.
fn validates_cleanly(name: &str) -> u64 {
    let run = run_in(&examples().join(name), &["validate", "--format", "json"]);
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
    report["records"].as_u64().expect("a record count")
}

#[test]
fn the_acme_example_validates_without_findings() {
    let records = validates_cleanly("acme");
    assert!(records >= 50, "examples/acme holds only {records} records");
}

#[test]
fn the_starter_example_validates_without_findings() {
    let records = validates_cleanly("starter");
    assert!(records > 0, "examples/starter holds no records");
}
