//! `examples/broken/` holds one of each finding; every one must point at the right place.

use crate::util::*;
use cabinet::diag::Code;

/// Every finding in examples/broken, as (code, file, line, column), in report order.
const EXPECTED: &[(&str, &str, u64, u64)] = &[
    ("window-order", "changes/2026/CHG-2026-0001.yaml", 10, 48),
    (
        "change-missing-model",
        "changes/2026/CHG-2026-0002.yaml",
        6,
        9,
    ),
    (
        "change-missing-backout",
        "changes/2026/CHG-2026-0003.yaml",
        6,
        9,
    ),
    (
        "change-emergency-details",
        "changes/2026/CHG-2026-0004.yaml",
        6,
        9,
    ),
    (
        "change-missing-outcome",
        "changes/2026/CHG-2026-0005.yaml",
        14,
        11,
    ),
    (
        "unexpected-outcome",
        "changes/2026/CHG-2026-0007.yaml",
        15,
        3,
    ),
    ("change-file-name", "changes/2026/upgrade-db.yaml", 4, 16),
    ("outcome-overdue", "changes/old/CHG-2016-0001.yaml", 14, 11),
    ("dependency-cycle", "graph/cis.yaml", 20, 101),
    ("redundancy-group", "graph/cis.yaml", 31, 41),
    ("depends-on-retired", "graph/services.yaml", 11, 7),
    ("depends-on-deprecated", "graph/services.yaml", 13, 13),
    ("missing-sla", "graph/services.yaml", 22, 14),
    ("model-unreliable", "models/restart-queue.yaml", 4, 16),
    ("priority-mismatch", "ops/incidents.yaml", 9, 13),
    ("incident-time-order", "ops/incidents.yaml", 24, 14),
    ("sla-response-breach", "ops/incidents.yaml", 38, 14),
    ("sla-resolution-breach", "ops/incidents.yaml", 39, 13),
    ("action-overdue", "ops/incidents.yaml", 55, 62),
    ("known-error-incomplete", "ops/problems.yaml", 6, 11),
    ("unknown-time-zone", "policy/policy.yaml", 9, 93),
    ("invalid-recurrence", "policy/policy.yaml", 11, 39),
    ("window-too-frequent", "policy/policy.yaml", 13, 35),
    ("window-order", "policy/policy.yaml", 16, 61),
    ("duplicate-policy", "policy/policy.yaml", 25, 7),
    ("dangling-reference", "refs/dangling.yaml", 9, 15),
    ("unsupported-api-version", "schema/api-versions.yaml", 2, 13),
    ("missing-api-version", "schema/api-versions.yaml", 8, 7),
    ("missing-field", "schema/missing-field.yaml", 6, 3),
    ("schema-violation", "schema/schema-violation.yaml", 7, 9),
    ("unknown-field", "schema/unknown-field.yaml", 9, 3),
    ("unknown-kind", "schema/unknown-kind.yaml", 3, 7),
    ("sla-priority-inversion", "sla/sla.yaml", 8, 37),
    ("sla-response-after-resolution", "sla/sla.yaml", 12, 20),
    ("duplicate-member", "teams/teams.yaml", 8, 16),
    ("duplicate-id", "teams/teams.yaml", 19, 16),
    ("duplicate-config", "teams/teams.yaml", 24, 7),
    ("yaml-anchor", "yaml/anchors.yaml", 7, 10),
    ("yaml-anchor", "yaml/anchors.yaml", 10, 28),
    ("duplicate-key", "yaml/duplicate-key.yaml", 9, 3),
    ("empty-file", "yaml/empty.yaml", 1, 1),
    ("not-a-file", "yaml/folder.yaml", 1, 1),
    ("symlink-skipped", "yaml/inside-link.yaml", 1, 1),
    ("invalid-utf8", "yaml/invalid-utf8.yaml", 4, 19),
    ("invalid-yaml", "yaml/invalid-yaml.yaml", 6, 12),
    ("not-a-mapping", "yaml/not-a-mapping.yaml", 2, 1),
    ("symlink-outside-repo", "yaml/outside-link.yaml", 1, 1),
    ("number-out-of-range", "yaml/overflow.yaml", 10, 24),
    ("too-deep", "yaml/too-deep.yaml", 6, 25),
    ("file-too-large", "yaml/too-large.yaml", 1, 1),
    ("unsupported-yaml", "yaml/unsupported.yaml", 7, 10),
];

/// Codes that cannot be shown beside the others in one repository, and where they are tested.
const SHOWN_ELSEWHERE: &[&str] = &[
    "missing-config",   // broken::a_repository_without_a_config_record_is_told_so
    "missing-policy",   // broken::a_repository_without_a_policy_is_warned
    "too-many-records", // hostile tests: it stops reading
    // A name that is not UTF-8 cannot be checked in portably: attacks::loader builds one.
    "file-name-not-utf8",
    // Need a pull request: attacks::records deletes one and breaks the base Policy.
    "change-record-deleted",
    "invalid-policy",
    // Policy findings need a pull request (base and head): tests/it/check.rs has each.
    "freeze-violation",
    "outside-maintenance-window",
    "change-conflict",
    "missing-change-record",
    "standard-change-out-of-model",
    "risk-understated",
    "status-regression",
    "window-in-the-past",
    // Judged by the gate on the approving teams: tests/it/attacks/approvals.rs.
    "member-without-github-id",
    "window-undecidable", // attacks::outputs: a window every second since 1900
];

fn expected() -> Vec<(String, String, u64, u64)> {
    EXPECTED
        .iter()
        .map(|(c, f, l, col)| (c.to_string(), f.to_string(), *l, *col))
        .collect()
}

#[test]
fn every_finding_points_at_its_line_and_column() {
    let run = run_in(
        &examples().join("broken"),
        &["validate", "--format", "json"],
    );
    assert_eq!(run.code, 1);
    assert_eq!(findings(&run.json()), expected());
}

#[test]
fn every_code_in_the_registry_has_an_example() {
    for code in Code::ALL {
        let name = code.as_str();
        assert!(
            EXPECTED.iter().any(|(c, ..)| *c == name) || SHOWN_ELSEWHERE.contains(&name),
            "`{name}` has no example in examples/broken"
        );
    }
}

#[test]
fn a_revision_gives_exactly_the_diagnostics_of_its_checkout() {
    let mut repo = TestRepo::example("broken");
    repo.commit("one of each finding");
    let tree = repo.run(&["validate", "--format", "json"]);
    let rev = repo.run(&["validate", "--format", "json", "--rev", "HEAD"]);
    assert_eq!(tree.code, rev.code);
    let (mut a, mut b) = (tree.json(), rev.json());
    assert!(b["commit"].as_str().is_some_and(|c| c.len() == 40));
    a["commit"] = serde_json::Value::Null;
    b["commit"] = serde_json::Value::Null;
    assert_eq!(a, b);
    assert_eq!(findings(&b), expected());
}

#[test]
fn an_older_revision_is_read_without_a_checkout() {
    let mut repo = TestRepo::new();
    repo.write(
        "teams/a.yaml",
        "apiVersion: cabinet/v1\nkind: Team\nmetadata: {id: a}\nspec: {}\n",
    );
    repo.commit("valid");
    repo.write(
        "teams/a.yaml",
        "apiVersion: cabinet/v1\nkind: Team\nmetadata: {id: a}\nspec: {memberz: []}\n",
    );
    repo.commit("typo");
    let head = repo.run(&["validate", "--format", "json", "--rev", "HEAD"]);
    assert_eq!(head.code, 1);
    assert_eq!(findings(&head.json())[0].0, "unknown-field");
    let before = repo.run(&["validate", "--format", "json", "--rev", "HEAD~1"]);
    assert_eq!(before.code, 0, "{}", before.stdout);
    // The working tree was not touched.
    let text = std::fs::read_to_string(repo.path().join("teams/a.yaml")).unwrap();
    assert!(text.contains("memberz"));
}

#[test]
fn a_subfolder_of_a_git_repository_is_read_at_a_revision() {
    let mut repo = TestRepo::empty();
    copy_dir(&examples().join("starter"), &{
        let d = repo.path().join("catalogue");
        std::fs::create_dir_all(&d).unwrap();
        d
    });
    repo.commit("starter in a subfolder");
    let run = run_in(
        &repo.path().join("catalogue"),
        &["validate", "--rev", "HEAD", "--format", "json"],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.json()["records"], 13);
}

#[test]
fn a_repository_without_a_config_record_is_told_so() {
    let repo = TestRepo::empty();
    repo.write("cabinet.yaml", "# nothing yet\nfoo: bar\n");
    let run = repo.run(&["validate", "--format", "json"]);
    assert_eq!(run.code, 1);
    let f = findings(&run.json());
    assert!(
        f.contains(&("missing-config".into(), "cabinet.yaml".into(), 1, 1)),
        "{f:?}"
    );
}

#[test]
fn a_repository_without_a_policy_is_warned() {
    let repo = TestRepo::empty();
    repo.write("cabinet.yaml", CONFIG);
    let run = repo.run(&["validate", "--format", "json"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        findings(&run.json()),
        vec![("missing-policy".into(), "cabinet.yaml".into(), 1, 1)]
    );
    assert_eq!(run.json()["warnings"], 1);
}

#[test]
fn dangling_references_suggest_the_near_miss() {
    let run = run_in(
        &examples().join("broken"),
        &["validate", "--format", "json"],
    );
    let json = run.json();
    let d = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "dangling-reference")
        .unwrap();
    assert_eq!(d["message"], "`ci:pg-mian` does not exist");
    assert_eq!(d["help"], "did you mean `ci:pg-main`?");
    assert_eq!(d["pointer"], "/spec/dependsOn/0");
}

#[test]
fn a_cycle_lists_every_record_on_it() {
    let repo = TestRepo::new();
    let ci = |id: &str, dep: &str| {
        format!(
            "apiVersion: cabinet/v1\nkind: ConfigurationItem\nmetadata: {{id: {id}}}\nspec: {{type: server, owner: cab, environment: production, lifecycle: planned, dependsOn: [{dep}]}}\n"
        )
    };
    repo.write("cis/c.yaml", ci("c", "ci:a"));
    repo.write("cis/b.yaml", ci("b", "ci:c"));
    repo.write("cis/a.yaml", ci("a", "ci:b"));
    let run = repo.run(&["validate", "--format", "json"]);
    let json = run.json();
    let d = &json["diagnostics"][0];
    assert_eq!(d["code"], "dependency-cycle");
    assert_eq!(d["message"], "dependency cycle: ci:a → ci:b → ci:c → ci:a");
    assert_eq!(
        (d["file"].as_str().unwrap(), d["line"].as_u64().unwrap()),
        ("cis/a.yaml", 4)
    );
    assert_eq!(d["related"].as_array().unwrap().len(), 2);
}

#[test]
fn a_reference_to_an_invalid_record_is_not_also_dangling() {
    let repo = TestRepo::new();
    repo.write(
        "services/search.yaml",
        "apiVersion: cabinet/v1\nkind: Service\nmetadata: {id: search}\nspec: {owner: cab, tier: 9, lifecycle: planned}\n",
    );
    repo.write(
        "services/shop.yaml",
        "apiVersion: cabinet/v1\nkind: Service\nmetadata: {id: shop}\nspec: {owner: cab, tier: 1, lifecycle: planned, dependsOn: [service:search, service:serch]}\n",
    );
    let run = repo.run(&["validate", "--format", "json"]);
    let codes: Vec<String> = findings(&run.json())
        .into_iter()
        .map(|f| f.0 + "@" + &f.1)
        .collect();
    assert_eq!(
        codes,
        vec![
            "schema-violation@services/search.yaml",
            "dangling-reference@services/shop.yaml"
        ]
    );
}
