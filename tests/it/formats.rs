//! Every output format, as the tools that read it see it.

use crate::util::*;
use cabinet::diag::Code;
use std::path::{Path, PathBuf};

/// examples/broken, copied out of any git repository so that paths are plain.
fn broken(format: &str) -> Run {
    let repo = TestRepo::example("broken");
    let run = repo.run(&["validate", "--format", format]);
    assert_eq!(run.code, 1, "{format}: {}", run.stderr);
    run
}

#[test]
fn json_has_the_fields_of_the_contract() {
    let json = broken("json").json();
    for field in [
        "ok",
        "records",
        "skipped",
        "errors",
        "warnings",
        "diagnostics",
    ] {
        assert!(json.get(field).is_some(), "missing `{field}`");
    }
    assert_eq!(json["ok"], false);
    assert_eq!(json["records"], 35);
    assert_eq!(json["skipped"], 1);
    assert_eq!(json["errors"], 38);
    assert_eq!(json["warnings"], 11);
    let d = &json["diagnostics"][0];
    for field in [
        "severity", "code", "file", "line", "column", "pointer", "message",
    ] {
        assert!(d.get(field).is_some(), "diagnostic lacks `{field}`: {d}");
    }
    assert_eq!(d["severity"], "error");
    assert_eq!(d["pointer"], "/spec/window/end");
}

#[test]
fn human_output_underlines_the_node_like_rustc() {
    let run = broken("human");
    insta::assert_snapshot!("broken_human", run.stdout);
}

#[test]
fn human_output_is_the_default_and_has_no_colour_when_piped() {
    let repo = TestRepo::example("broken");
    let run = repo.run(&["validate"]);
    assert_eq!(run.stdout, broken("human").stdout);
    assert!(!run.stdout.contains('\u{1b}'));
    let coloured = repo.run(&["validate", "--color", "always"]);
    assert!(coloured.stdout.contains('\u{1b}'));
}

#[test]
fn github_annotations_carry_file_line_and_column() {
    let run = broken("github");
    let first = run.stdout.lines().next().unwrap();
    assert_eq!(
        first,
        "::error file=changes/2026/CHG-2026-0001.yaml,line=10,col=48,endColumn=70,title=cabinet (window-order)::\
the window of `CHG-2026-0001` ends at 2026-12-01T22%3A00%3A00Z but starts at 2026-12-02T01%3A00%3A00Z%0Ahelp%3A `end` must be later than `start`"
            .replace("%3A", ":")
    );
    assert_eq!(
        run.stdout
            .lines()
            .filter(|l| l.starts_with("::error "))
            .count(),
        38
    );
    assert_eq!(
        run.stdout
            .lines()
            .filter(|l| l.starts_with("::warning "))
            .count(),
        11
    );
    // SLA breaches are notes: GitHub's notices.
    assert_eq!(
        run.stdout
            .lines()
            .filter(|l| l.starts_with("::notice "))
            .count(),
        2
    );
}

/// The official SARIF 2.1.0 schema, from the serde-sarif crate on crates.io.
fn sarif_schema() -> serde_json::Value {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sarif-schema/Cargo.toml");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--manifest-path"])
        .arg(&manifest)
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata is JSON");
    let package = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "serde-sarif")
        .expect("serde-sarif is resolved");
    let schema: PathBuf = Path::new(package["manifest_path"].as_str().unwrap())
        .parent()
        .unwrap()
        .join("src/schema.json");
    serde_json::from_str(&std::fs::read_to_string(&schema).expect("the SARIF schema is shipped"))
        .unwrap()
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let mut schema = sarif_schema();
    // The published schema's `language` patterns have a stray `]` that Rust's regex engine
    // refuses; cabinet never writes `language`, so repair just those patterns.
    const BROKEN: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    let text = serde_json::to_string(&schema).unwrap();
    assert!(text.contains(&serde_json::to_string(BROKEN).unwrap()));
    schema = serde_json::from_str(&text.replace(
        &serde_json::to_string(BROKEN).unwrap(),
        &serde_json::to_string("^[a-zA-Z]{2}(-[a-zA-Z]{2})?$").unwrap(),
    ))
    .unwrap();
    assert_eq!(
        schema["title"],
        "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    );
    // Draft 7 asserts formats by default (uri, uri-reference, date-time).
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let log = broken("sarif").json();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 51);
    let first = &results[0];
    assert_eq!(first["ruleId"], Code::WindowOrder.rule_id());
    let rule =
        &log["runs"][0]["tool"]["driver"]["rules"][first["ruleIndex"].as_u64().unwrap() as usize];
    assert_eq!(rule["id"], Code::WindowOrder.rule_id());
    assert_eq!(rule["name"], "WindowOrder");
    let region = &first["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(10), Some(48))
    );
}

/// What GitHub code scanning reads of a result: a full region (its table marks `endLine` and
/// `endColumn` required), `primaryLocationLineHash` to follow the result across commits, and
/// a rule with a help URI and a Pascal-case name.
#[test]
fn sarif_gives_github_what_it_tracks_results_by() {
    let log = broken("sarif").json();
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for rule in rules {
        let name = rule["name"].as_str().unwrap();
        assert!(
            !name.is_empty()
                && name
                    .split(|c: char| c.is_ascii_uppercase())
                    .skip(1)
                    .all(|w| !w.is_empty())
                && name.starts_with(|c: char| c.is_ascii_uppercase())
                && name.chars().all(|c| c.is_ascii_alphanumeric()),
            "`{name}` is not a Pascal-case identifier"
        );
        assert_ne!(rule["id"], rule["name"]);
        let help = rule["helpUri"].as_str().unwrap_or_default();
        assert!(help.contains("/docs/diagnostics.md#"), "{rule}");
    }
    let mut own = std::collections::BTreeSet::new();
    for r in run["results"].as_array().unwrap() {
        let region = &r["locations"][0]["physicalLocation"]["region"];
        for key in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(
                region[key].as_u64().is_some_and(|n| n >= 1),
                "{key} missing: {r}"
            );
        }
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        let prints = &r["partialFingerprints"];
        // A file cabinet could not read as text (too large, not UTF-8, not a file) has no
        // line to hash; GitHub's upload action hashes it from the checkout.
        let unreadable = [
            "yaml/too-large.yaml",
            "yaml/invalid-utf8.yaml",
            "yaml/folder.yaml",
            "yaml/outside-link.yaml",
            "yaml/inside-link.yaml",
        ];
        if !unreadable.contains(&uri) {
            let hash = prints["primaryLocationLineHash"]
                .as_str()
                .unwrap_or_default();
            assert!(
                hash.split_once(':').is_some_and(
                    |(h, n)| u64::from_str_radix(h, 16).is_ok() && n.parse::<u32>().is_ok()
                ),
                "no primaryLocationLineHash: {r}"
            );
        }
        assert!(
            own.insert(prints["cabinetFinding/v1"].as_str().unwrap().to_string()),
            "{r}"
        );
    }
}

#[test]
fn sarif_and_github_paths_are_relative_to_the_git_top() {
    let mut repo = TestRepo::empty();
    let sub = repo.path().join("catalogue");
    std::fs::create_dir_all(&sub).unwrap();
    copy_dir(&examples().join("starter"), &sub);
    std::fs::write(
        sub.join("services/web-shop.yaml"),
        "apiVersion: cabinet/v1\nkind: Service\nmetadata: {id: x}\nspec: {}\n",
    )
    .unwrap();
    repo.commit("a catalogue in a subfolder");
    let run = run_in(&sub, &["validate", "--format", "sarif"]);
    let uri = &run.json()["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"];
    assert_eq!(uri, "catalogue/services/web-shop.yaml");
    let run = run_in(&sub, &["validate", "--format", "github"]);
    assert!(
        run.stdout
            .contains("file=catalogue/services/web-shop.yaml,"),
        "{}",
        run.stdout
    );
}

#[test]
fn junit_is_well_formed_with_one_case_per_file() {
    let run = broken("junit");
    let doc = roxmltree::Document::parse(&run.stdout).expect("well-formed XML");
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    let cases: Vec<_> = suite
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(
        suite.attribute("tests"),
        Some(cases.len().to_string().as_str())
    );
    let failing: Vec<&str> = cases
        .iter()
        .filter(|c| c.children().any(|n| n.has_tag_name("failure")))
        .map(|c| c.attribute("name").unwrap())
        .collect();
    assert!(failing.contains(&"refs/dangling.yaml"));
    assert!(failing.contains(&"yaml/invalid-utf8.yaml"));
    assert_eq!(
        suite.attribute("failures"),
        Some(failing.len().to_string().as_str())
    );
    let passing = run_in(
        &examples().join("starter"),
        &["validate", "--format", "junit"],
    );
    assert_eq!(passing.code, 0);
    assert!(!passing.stdout.contains("<failure"));
}

/// The strict Ant schema (tests/fixtures/junit/ant-junit.xsd), checked here without a
/// validator: `<testsuites>` has no attribute; a suite holds its properties, its test cases,
/// then `system-out` and `system-err`, and has `time`, `timestamp` and `hostname`; every test
/// case has `time` and at most one failure, and no output of its own.
#[test]
fn junit_has_the_shape_of_the_strict_ant_schema() {
    let run = broken("junit");
    let doc = roxmltree::Document::parse(&run.stdout).expect("well-formed XML");
    let root = doc.root_element();
    assert!(root.has_tag_name("testsuites"));
    assert_eq!(root.attributes().count(), 0, "attributes on <testsuites>");
    let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    assert_eq!(suites.len(), 1);
    let suite = suites[0];
    for attribute in [
        "name",
        "package",
        "id",
        "timestamp",
        "hostname",
        "tests",
        "failures",
        "errors",
        "time",
    ] {
        assert!(
            suite.attribute(attribute).is_some(),
            "the suite lacks `{attribute}`"
        );
    }
    let order: Vec<&str> = suite
        .children()
        .filter(|n| n.is_element())
        .map(|n| n.tag_name().name())
        .collect();
    assert_eq!(order.first(), Some(&"properties"));
    assert_eq!(&order[order.len() - 2..], ["system-out", "system-err"]);
    assert!(
        order[1..order.len() - 2].iter().all(|t| *t == "testcase"),
        "{order:?}"
    );
    for case in suite.children().filter(|n| n.has_tag_name("testcase")) {
        assert!(case.attribute("time").is_some(), "no time: {case:?}");
        let children: Vec<&str> = case
            .children()
            .filter(|n| n.is_element())
            .map(|n| n.tag_name().name())
            .collect();
        assert!(
            children.is_empty() || children == ["failure"],
            "{children:?}"
        );
    }
    // Warnings do not fail a file; they are the suite's output.
    let out = suite
        .children()
        .find(|n| n.has_tag_name("system-out"))
        .unwrap();
    assert!(
        out.text().unwrap_or_default().contains(": warning["),
        "{run:?}",
        run = out.text()
    );
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    use std::io::Read;
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("cabinet"))
        .args(["explain"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(!err.contains("panicked"), "{err}");
    assert!(status.code() == Some(0), "{status:?} {err}");
}

#[test]
fn human_positions_match_json_after_a_byte_order_mark() {
    let repo = TestRepo::new();
    repo.write(
        "a.yaml",
        b"\xef\xbb\xbfkind: Servic\napiVersion: cabinet/v1\nmetadata: {id: a}\nspec: {}\n",
    );
    let json = repo.run(&["validate", "--format", "json"]).json();
    assert_eq!(
        findings(&json)[0],
        ("unknown-kind".to_string(), "a.yaml".to_string(), 1, 7)
    );
    let human = repo.run(&["validate"]).stdout;
    assert!(human.contains(" --> a.yaml:1:7\n"), "{human}");
}
