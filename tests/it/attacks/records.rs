//! Attacks through the records a pull request edits or deletes: deleting a change record to
//! drop its conflict or its failure, rewriting an outcome, adding a change as already done,
//! breaking the Policy, resolving a known error or deleting an incident to lower the risk,
//! and swamping the gate past its limits.

use crate::check::{BASE, IN_WINDOW, NOW, base, change, gate, normal};
use crate::util::*;

/// Another team's scheduled change on the database, in the window a new change also wants.
fn scheduled_on_db() -> String {
    change(
        "CHG-OTHER",
        "normal",
        "ci:db",
        IN_WINDOW.0,
        IN_WINDOW.1,
        "critical",
        "scheduled",
        "",
    )
}

/// A change on the database that failed a month earlier.
fn failed_on_db(result: &str) -> String {
    change(
        "CHG-OLD",
        "normal",
        "ci:db",
        "2026-10-11T20:00:00Z",
        "2026-10-11T21:00:00Z",
        "critical",
        "failed",
        &format!("  outcome: {{result: {result}}}\n"),
    )
}

fn risk_reasons(report: &serde_json::Value) -> Vec<String> {
    report["policy"]["changes"][0]["risk"]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn deleting_another_teams_scheduled_change_is_blocked() {
    let mut repo = base();
    repo.write("changes/CHG-OTHER.yaml", scheduled_on_db());
    repo.commit("their change");
    repo.remove("changes/CHG-OTHER.yaml");
    repo.write(
        "changes/CHG-1.yaml",
        normal("CHG-1", "ci:db", IN_WINDOW.0, IN_WINDOW.1),
    );
    let (code, codes, json) = gate(&mut repo);
    assert_eq!(codes, vec!["change-record-deleted"]);
    assert_eq!(code, 1);
    let v = &json["policy"]["violations"][0];
    assert_eq!(v["file"], "changes/CHG-OTHER.yaml");
    assert!(v["message"].as_str().unwrap().contains("scheduled"), "{v}");
}

#[test]
fn a_draft_may_be_deleted() {
    let mut repo = base();
    repo.write(
        "changes/CHG-D.yaml",
        change(
            "CHG-D",
            "normal",
            "ci:db",
            IN_WINDOW.0,
            IN_WINDOW.1,
            "critical",
            "draft",
            "",
        ),
    );
    repo.commit("a draft");
    repo.remove("changes/CHG-D.yaml");
    let (code, codes, _) = gate(&mut repo);
    assert_eq!(codes, Vec::<String>::new());
    assert_eq!(code, 0);
}

/// A pull request that adds a change on the database after `CHG-OLD` failed there, and does
/// `to_the_failure` to the old record; returns the gate's codes and the new change's reasons.
fn after_the_failure(to_the_failure: impl FnOnce(&TestRepo)) -> (i32, Vec<String>, Vec<String>) {
    let mut repo = base();
    repo.write("changes/CHG-OLD.yaml", failed_on_db("failed"));
    repo.commit("the failure");
    to_the_failure(&repo);
    repo.write(
        "changes/CHG-1.yaml",
        normal("CHG-1", "ci:db", IN_WINDOW.0, IN_WINDOW.1),
    );
    let (code, codes, json) = gate(&mut repo);
    (code, codes, risk_reasons(&json))
}

fn counts_the_failure(reasons: &[String]) -> bool {
    reasons
        .iter()
        .any(|r| r.starts_with("CHG-OLD on ci:db failed before"))
}

#[test]
fn deleting_a_failed_change_keeps_its_failure_in_the_risk() {
    let (code, codes, reasons) = after_the_failure(|repo| {
        repo.remove("changes/CHG-OLD.yaml");
    });
    assert_eq!(codes, vec!["change-record-deleted"]);
    assert_eq!(code, 1);
    assert!(counts_the_failure(&reasons), "{reasons:?}");
}

#[test]
fn rewriting_a_failure_as_a_success_keeps_the_failure_in_the_risk() {
    // The outcome of a closed change may still be edited: the history is read from both.
    let (_, _, reasons) = after_the_failure(|repo| {
        repo.write("changes/CHG-OLD.yaml", failed_on_db("successful"));
    });
    assert!(counts_the_failure(&reasons), "{reasons:?}");
}

/// A known error on the database, with its workaround, and an incident on it ten days before
/// `NOW`.
const DB_HISTORY: &str = "apiVersion: cabinet/v1
kind: Problem
metadata: {id: PRB-1, name: Pool exhaustion}
spec:
  status: known-error
  affects: [ci:db]
  rootCause: clients leave connections busy
  workaround: Restart the pool
---
apiVersion: cabinet/v1
kind: Incident
metadata: {id: INC-1, name: Database down}
spec:
  affects: [ci:db]
  impact: high
  urgency: high
  priority: P1
  detected: \"2026-11-12T09:00:00Z\"
  resolved: \"2026-11-12T10:00:00Z\"
  status: resolved
";

#[test]
fn resolving_a_known_error_or_deleting_an_incident_keeps_them_in_the_risk() {
    let mut repo = base();
    repo.write("ops/db.yaml", DB_HISTORY);
    repo.commit("the history");
    // The pull request marks the known error resolved with itself as the fix, rewords its
    // workaround, and deletes the incident, in the same commit as the change.
    repo.write(
        "ops/db.yaml",
        DB_HISTORY
            .split("---")
            .next()
            .unwrap()
            .replace(
                "status: known-error",
                "status: resolved\n  fix: change:CHG-1",
            )
            .replace("Restart the pool", "Nothing to do"),
    );
    repo.write(
        "changes/CHG-1.yaml",
        normal("CHG-1", "ci:db", IN_WINDOW.0, IN_WINDOW.1),
    );
    let (_, _, json) = gate(&mut repo);
    let reasons = risk_reasons(&json);
    for expected in [
        "open known error PRB-1 on ci:db (+2)",
        "P1 incident INC-1 on ci:db, detected 2026-11-12 (+1)",
    ] {
        assert!(reasons.iter().any(|r| r == expected), "{reasons:?}");
    }
    // The CAB reads the workaround as it was at base.
    let known = &json["impact"]["knownErrors"][0];
    assert_eq!(known["problem"], "PRB-1");
    assert_eq!(known["workaround"], "Restart the pool");
}

#[test]
fn an_incident_is_held_to_the_base_priority_matrix_not_to_one_the_pull_request_writes() {
    // The pull request records a high-impact, high-urgency incident as P4 (whose SLA targets
    // are the loosest) and rewrites the matrix so that high/high is P4.
    let mut repo = base();
    let loosened = BASE.replacen(
        "  requireChangeRecord: true\n",
        "  requireChangeRecord: true\n  priorityMatrix:\n    high: {high: P4, medium: P4, low: P4}\n",
        1,
    );
    assert_ne!(loosened, BASE);
    repo.write("cabinet.yaml", loosened);
    repo.write(
        "ops/inc.yaml",
        DB_HISTORY
            .split("---")
            .nth(1)
            .unwrap()
            .replace("priority: P1", "priority: P4"),
    );
    let (code, _, json) = gate(&mut repo);
    assert_eq!(code, 1, "{json}");
    let findings = json["validation"]["diagnostics"].as_array().unwrap();
    let mismatch = findings
        .iter()
        .find(|d| d["code"] == "priority-mismatch")
        .unwrap_or_else(|| panic!("{json}"));
    assert!(
        mismatch["message"]
            .as_str()
            .unwrap()
            .contains("is P4 but impact high and urgency high make it P1"),
        "{mismatch}"
    );
    // `validate` on the same tree judges by its own Policy: there, the matrix is the rule.
    let run = repo.run(&["validate", "--now", NOW]);
    assert!(!run.stdout.contains("priority-mismatch"), "{}", run.stdout);
}

#[test]
fn the_pull_request_cannot_give_itself_more_time_to_write_an_outcome() {
    // An approved change whose window ended on 1 November, with no outcome: at NOW (22
    // November) its outcome is two weeks overdue. The pull request that adds it also gives
    // outcomes ten years.
    let mut repo = base();
    let lenient = BASE.replacen(
        "  requireChangeRecord: true\n",
        "  requireChangeRecord: true\n  review: {outcomeDays: 3660}\n",
        1,
    );
    assert_ne!(lenient, BASE);
    repo.write("cabinet.yaml", lenient);
    repo.write(
        "changes/CHG-1.yaml",
        change(
            "CHG-1",
            "normal",
            "ci:db",
            "2026-11-01T20:00:00Z",
            "2026-11-01T21:00:00Z",
            "critical",
            "approved",
            "",
        ),
    );
    let (_, _, json) = gate(&mut repo);
    let findings = json["validation"]["diagnostics"].as_array().unwrap();
    assert!(
        findings.iter().any(|d| d["code"] == "outcome-overdue"),
        "{json}"
    );
}

/// A pull request that adds a normal change on `affects`, already `completed`.
fn added_as_completed(affects: &str, start: &str, end: &str) -> (i32, Vec<String>) {
    let mut repo = base();
    let done = "  outcome: {result: successful}\n";
    repo.write(
        "changes/CHG-1.yaml",
        change(
            "CHG-1",
            "normal",
            affects,
            start,
            end,
            "critical",
            "completed",
            done,
        ),
    );
    let (code, codes, _) = gate(&mut repo);
    (code, codes)
}

#[test]
fn a_change_added_as_completed_is_still_judged_by_the_freeze() {
    let (code, codes) = added_as_completed("ci:bi", "2026-12-20T09:00:00Z", "2026-12-20T10:00:00Z");
    assert_eq!(codes, vec!["freeze-violation"]);
    assert_eq!(code, 1);
}

#[test]
fn a_change_added_as_completed_is_still_judged_by_the_maintenance_window() {
    // Tier-1 `pay` depends on db; Tuesday noon is outside the Sunday-night window.
    let (code, codes) = added_as_completed("ci:db", "2026-12-08T12:00:00Z", "2026-12-08T13:00:00Z");
    assert_eq!(codes, vec!["outside-maintenance-window"]);
    assert_eq!(code, 1);
}

#[test]
fn an_invalid_base_policy_fails_the_gate_closed() {
    let mut repo = TestRepo::empty();
    // A field the schema does not know makes the whole Policy invalid.
    repo.write(
        "cabinet.yaml",
        BASE.replacen("  cab: ops\n", "  cab: ops\n  approvers: everyone\n", 1),
    );
    repo.commit("a broken policy");
    let validate = repo.run(&["validate", "--format", "json"]);
    let codes: Vec<String> = findings(&validate.json())
        .into_iter()
        .map(|f| f.0)
        .collect();
    assert!(codes.contains(&"unknown-field".to_string()), "{codes:?}");
    assert!(
        !codes.contains(&"missing-policy".to_string()),
        "an invalid Policy is not a missing one: {codes:?}"
    );
    repo.write("notes.yaml", "apiVersion: other/v1\nkind: Note\n");
    let (code, codes, _) = gate(&mut repo);
    assert_eq!(codes, vec!["invalid-policy"]);
    assert_eq!(code, 1);
}

#[test]
fn past_max_records_the_whole_set_checks_are_skipped_not_flooded() {
    let repo = TestRepo::new();
    repo.write(
        "cabinet.yaml",
        "apiVersion: cabinet/v1\nkind: Config\nmetadata: {id: t}\nspec: {limits: {maxRecords: 4}}\n",
    );
    repo.write(
        "a.yaml",
        "apiVersion: cabinet/v1\nkind: Service\nmetadata: {id: a}\nspec: {owner: zz-team, tier: 2, lifecycle: live, dependsOn: [ci:zz]}\n",
    );
    for i in 0..5 {
        repo.write(
            &format!("zz/{i}.yaml"),
            format!("apiVersion: cabinet/v1\nkind: ConfigurationItem\nmetadata: {{id: zz{i}}}\nspec: {{type: database, owner: zz-team, environment: production, lifecycle: live}}\n"),
        );
    }
    let run = repo.run(&["validate", "--format", "json"]);
    assert_eq!(run.code, 1);
    let codes: Vec<String> = findings(&run.json()).into_iter().map(|f| f.0).collect();
    assert_eq!(codes, vec!["too-many-records"]);
}

#[test]
fn a_base_over_its_record_limit_cannot_be_judged() {
    let mut repo = base();
    repo.write(
        "cabinet.yaml",
        BASE.replacen(
            "metadata: {id: t}\nspec: {}",
            "metadata: {id: t}\nspec: {limits: {maxRecords: 2}}",
            1,
        ),
    );
    repo.commit("a tight limit");
    repo.write(
        "changes/CHG-1.yaml",
        normal("CHG-1", "ci:db", IN_WINDOW.0, IN_WINDOW.1),
    );
    repo.commit("pull request");
    let run = repo.run(&["check", "--base", "HEAD~1", "--head", "HEAD", "--now", NOW]);
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("maxRecords"), "{}", run.stderr);
}

#[test]
fn a_change_added_as_failed_does_not_count_its_own_failure() {
    let mut repo = base();
    repo.write(
        "changes/CHG-1.yaml",
        change(
            "CHG-1",
            "normal",
            "ci:db",
            IN_WINDOW.0,
            IN_WINDOW.1,
            "critical",
            "failed",
            "  outcome: {result: failed}\n",
        ),
    );
    let (_, _, json) = gate(&mut repo);
    let reasons = risk_reasons(&json);
    assert!(
        !reasons.iter().any(|r| r.contains("failed before")),
        "{reasons:?}"
    );
}

/// A change in the year-end freeze, `status` at base, then `edit`ed by the pull request.
fn frozen_change_moved(
    status: &str,
    outcome: &str,
    edit: impl FnOnce(String) -> String,
) -> Vec<String> {
    let record = |status: &str, outcome: &str| {
        change(
            "CHG-F",
            "normal",
            "ci:bi",
            "2026-12-20T09:00:00Z",
            "2026-12-20T10:00:00Z",
            "critical",
            status,
            outcome,
        )
    };
    let mut repo = base();
    repo.write("changes/CHG-F.yaml", record(status, outcome));
    repo.commit("the change at base");
    repo.write("changes/CHG-F.yaml", edit(record(status, outcome)));
    gate(&mut repo).1
}

#[test]
fn a_change_closed_at_base_is_not_judged_again_for_its_time() {
    // Only the outcome's notes change: allowed after the fact, and the freeze is history.
    let codes = frozen_change_moved("completed", "  outcome: {result: successful}\n", |r| {
        r.replace(
            "{result: successful}",
            "{result: successful, notes: went well}",
        )
    });
    assert_eq!(codes, Vec::<String>::new());
}

#[test]
fn a_change_reopened_by_the_pull_request_is_judged_for_its_time_too() {
    let codes = frozen_change_moved("completed", "  outcome: {result: successful}\n", |r| {
        r.replace("status: completed", "status: scheduled")
            .replace("  outcome: {result: successful}\n", "")
    });
    assert!(codes.contains(&"freeze-violation".to_string()), "{codes:?}");
    assert!(
        codes.contains(&"status-regression".to_string()),
        "{codes:?}"
    );
}

#[test]
fn a_change_closed_by_the_pull_request_is_still_judged_for_its_time() {
    let codes = frozen_change_moved("scheduled", "", |r| {
        r.replace("status: scheduled", "status: completed") + "  outcome: {result: successful}\n"
    });
    assert_eq!(codes, vec!["freeze-violation"]);
}

#[test]
fn removing_the_ci_everything_depends_on_reports_each_reference_once_with_one_lookup() {
    // 2,000 services on one CI the pull request removes: 2,000 dangling references, each with
    // the same suggestion, found by one lookup of the missing id (the cost of each further
    // finding is constant; `checks::references` tests the budget in process).
    let repo = TestRepo::new();
    let mut services = String::new();
    for i in 0..2000 {
        services.push_str(&format!(
            "---\napiVersion: cabinet/v1\nkind: Service\nmetadata: {{id: s{i}}}\nspec: {{owner: cab, tier: 3, lifecycle: planned, dependsOn: [ci:core-db]}}\n"
        ));
    }
    repo.write("services.yaml", services);
    repo.write(
        "cis.yaml",
        "apiVersion: cabinet/v1\nkind: ConfigurationItem\nmetadata: {id: core-dbs}\nspec: {type: database, owner: cab, environment: production, lifecycle: planned}\n",
    );
    let run = repo.run(&["validate", "--format", "json"]);
    assert_eq!(run.code, 1);
    let json = run.json();
    let found = json["diagnostics"].as_array().unwrap();
    assert_eq!(found.len(), 2000);
    assert!(
        found.iter().all(
            |d| d["code"] == "dangling-reference" && d["help"] == "did you mean `ci:core-dbs`?"
        )
    );
}

#[test]
fn the_invalid_policy_finding_names_the_file_of_the_invalid_policy() {
    let mut repo = TestRepo::empty();
    // An old Policy document without apiVersion (skipped, with a warning) comes first; the
    // Policy the base really has is invalid.
    repo.write(
        "a-draft.yaml",
        "kind: Policy\nmetadata: {id: draft}\nspec: {cab: ops}\n",
    );
    repo.write(
        "cabinet.yaml",
        BASE.replacen("  cab: ops\n", "  cab: ops\n  approvers: everyone\n", 1),
    );
    repo.commit("a broken policy");
    repo.write("notes.yaml", "apiVersion: other/v1\nkind: Note\n");
    let (code, codes, json) = gate(&mut repo);
    assert_eq!(codes, vec!["invalid-policy"]);
    assert_eq!(code, 1);
    assert_eq!(json["policy"]["violations"][0]["file"], "cabinet.yaml");
}

#[test]
fn a_base_without_any_policy_is_not_told_its_policy_is_invalid() {
    let mut repo = TestRepo::empty();
    let without_policy: String = BASE
        .split("---\n")
        .filter(|doc| !doc.contains("kind: Policy"))
        .collect::<Vec<_>>()
        .join("---\n");
    repo.write("cabinet.yaml", without_policy);
    repo.commit("no policy");
    repo.write("notes.yaml", "apiVersion: other/v1\nkind: Note\n");
    let (_, codes, json) = gate(&mut repo);
    assert!(!codes.contains(&"invalid-policy".to_string()), "{codes:?}");
    assert_eq!(json["policy"]["basePolicy"], false);
}
