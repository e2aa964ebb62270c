//! `cabinet check`: every policy finding is produced by a pull request built in a temporary git
//! repository, and is absent where the rule is satisfied.

use crate::util::*;

pub(crate) const NOW: &str = "2026-11-22T09:00:00Z";

/// The base revision of the policy tests (`src/policy/tests.rs` reads it too): the year-end
/// freeze, a quiet week for `pay`, the Sunday-night window, change records required; a
/// tier-1 service `pay` on the database `db`, a tier-3 `reports` on `bi` (and degraded by the
/// container `pod`), and a model for restarting containers.
pub(crate) const BASE: &str = include_str!("../fixtures/gate/base.yaml");

/// A change record; `extra` lines are added to its spec.
#[allow(clippy::too_many_arguments)] // reads as the record it writes
pub(crate) fn change(
    id: &str,
    kind: &str,
    affects: &str,
    start: &str,
    end: &str,
    risk: &str,
    status: &str,
    extra: &str,
) -> String {
    format!(
        "apiVersion: cabinet/v1\nkind: Change\nmetadata: {{id: {id}}}\nspec:\n  type: {kind}\n  requester: alice\n  reason: r\n  affects: [{affects}]\n  window: {{start: \"{start}\", end: \"{end}\"}}\n  risk: {risk}\n  plan: p\n  backout: b\n  verification: v\n  status: {status}\n{extra}"
    )
}

/// A normal change on `affects` in a given window, declared critical (no understatement).
pub(crate) fn normal(id: &str, affects: &str, start: &str, end: &str) -> String {
    change(
        id,
        "normal",
        affects,
        start,
        end,
        "critical",
        "requested",
        "",
    )
}

pub(crate) fn base() -> TestRepo {
    let mut repo = TestRepo::empty();
    repo.write("cabinet.yaml", BASE);
    repo.commit("base");
    repo
}

/// Commit the pull request and run the gate; returns (exit code, policy codes, report).
pub(crate) fn gate(repo: &mut TestRepo) -> (i32, Vec<String>, serde_json::Value) {
    repo.commit("pull request");
    let run = repo.run(&[
        "check", "--base", "HEAD~1", "--head", "HEAD", "--now", NOW, "--format", "json",
    ]);
    assert!(
        run.code == 0 || run.code == 1,
        "{}{}",
        run.stdout,
        run.stderr
    );
    let json = run.json();
    let codes = json["policy"]["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["code"].as_str().unwrap().to_string())
        .collect();
    (run.code, codes, json)
}

fn pr(files: &[(&str, String)]) -> (i32, Vec<String>, serde_json::Value) {
    let mut repo = base();
    for (path, text) in files {
        repo.write(path, text);
    }
    gate(&mut repo)
}

// Sunday 13 December 2026, 22:00-00:00 in Berlin is 21:00Z-23:00Z: inside the window.
pub(crate) const IN_WINDOW: (&str, &str) = ("2026-12-13T21:00:00Z", "2026-12-13T23:00:00Z");

#[test]
fn a_change_inside_the_rules_passes() {
    let (code, codes, json) = pr(&[(
        "changes/CHG-1.yaml",
        normal("CHG-1", "ci:db", IN_WINDOW.0, IN_WINDOW.1),
    )]);
    assert_eq!(codes, Vec::<String>::new());
    assert_eq!(code, 0);
    assert_eq!(json["ok"], true);
    assert_eq!(json["policy"]["changes"][0]["effectiveType"], "normal");
    assert_eq!(json["impact"]["impacted"][0]["ref"], "service:pay");
}

#[test]
fn freeze_violation_when_the_window_overlaps_a_freeze() {
    let (code, codes, json) = pr(&[(
        "changes/CHG-1.yaml",
        normal(
            "CHG-1",
            "ci:bi",
            "2026-12-20T09:00:00Z",
            "2026-12-20T10:00:00Z",
        ),
    )]);
    assert_eq!(codes, vec!["freeze-violation"]);
    assert_eq!(code, 1);
    let v = &json["policy"]["violations"][0];
    assert_eq!(v["change"], "CHG-1");
    assert_eq!(
        (v["file"].as_str(), v["line"].as_u64()),
        (Some("changes/CHG-1.yaml"), Some(9))
    );
}

#[test]
fn no_freeze_violation_for_a_type_the_freeze_allows() {
    let emergency = change(
        "CHG-1",
        "emergency",
        "ci:bi",
        "2026-12-20T09:00:00Z",
        "2026-12-20T10:00:00Z",
        "critical",
        "implementing",
        "  emergency: {incident: INC-1, justification: down}\n",
    );
    let (_, codes, _) = pr(&[("changes/CHG-1.yaml", emergency)]);
    assert_eq!(codes, Vec::<String>::new());
}

#[test]
fn a_scoped_freeze_applies_only_to_changes_that_touch_its_scope() {
    // The quiet week covers service:pay; db takes pay down, bi does not touch it.
    let (_, codes, json) = pr(&[(
        "changes/CHG-1.yaml",
        normal(
            "CHG-1",
            "ci:db",
            "2026-12-01T09:00:00Z",
            "2026-12-01T10:00:00Z",
        ),
    )]);
    assert!(codes.contains(&"freeze-violation".to_string()), "{codes:?}");
    let message = json["policy"]["violations"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("Payments quiet week") && message.contains("`service:pay`"),
        "{message}"
    );
    let (_, codes, _) = pr(&[(
        "changes/CHG-1.yaml",
        normal(
            "CHG-1",
            "ci:bi",
            "2026-12-01T09:00:00Z",
            "2026-12-01T10:00:00Z",
        ),
    )]);
    assert_eq!(codes, Vec::<String>::new());
}

#[test]
fn a_pull_request_that_deletes_the_freeze_is_still_judged_by_it() {
    let loosened = BASE.replace(
        "    - {name: Year-end, start: \"2026-12-15T00:00:00Z\", end: \"2027-01-05T00:00:00Z\", allow: [emergency]}\n",
        "",
    );
    assert_ne!(loosened, BASE);
    let (code, codes, _) = pr(&[
        ("cabinet.yaml", loosened),
        (
            "changes/CHG-1.yaml",
            normal(
                "CHG-1",
                "ci:bi",
                "2026-12-20T09:00:00Z",
                "2026-12-20T10:00:00Z",
            ),
        ),
    ]);
    assert_eq!(codes, vec!["freeze-violation"]);
    assert_eq!(code, 1);
}

#[test]
fn outside_maintenance_window_for_a_normal_change_on_a_tier_1_service() {
    // Wednesday afternoon.
    let (code, codes, json) = pr(&[(
        "changes/CHG-1.yaml",
        normal(
            "CHG-1",
            "ci:db",
            "2026-12-09T13:00:00Z",
            "2026-12-09T14:00:00Z",
        ),
    )]);
    assert_eq!(codes, vec!["outside-maintenance-window"]);
    assert_eq!(code, 1);
    let help = json["policy"]["violations"][0]["help"].as_str().unwrap();
    assert_eq!(
        help,
        "the next window, `Sunday night`, runs from 2026-12-13T21:00:00Z to 2026-12-14T01:00:00Z"
    );
}

#[test]
fn the_maintenance_window_follows_daylight_saving_time() {
    // Sunday 29 March 2026 is the switch to summer time: 22:00 Berlin is 20:00Z that night.
    let (_, codes, _) = pr(&[(
        "changes/CHG-1.yaml",
        normal(
            "CHG-1",
            "ci:db",
            "2026-03-29T20:00:00Z",
            "2026-03-29T22:00:00Z",
        ),
    )]);
    assert!(
        !codes.contains(&"outside-maintenance-window".to_string()),
        "{codes:?}"
    );
    let (_, codes, _) = pr(&[(
        "changes/CHG-1.yaml",
        normal(
            "CHG-1",
            "ci:db",
            "2026-03-29T19:00:00Z",
            "2026-03-29T21:00:00Z",
        ),
    )]);
    assert!(
        codes.contains(&"outside-maintenance-window".to_string()),
        "{codes:?}"
    );
}

#[test]
fn no_window_is_needed_below_tier_1() {
    let (_, codes, _) = pr(&[(
        "changes/CHG-1.yaml",
        normal(
            "CHG-1",
            "ci:bi",
            "2026-12-09T13:00:00Z",
            "2026-12-09T14:00:00Z",
        ),
    )]);
    assert_eq!(codes, Vec::<String>::new());
}

#[test]
fn change_conflict_through_a_shared_downstream_service() {
    // CHG-0 (already on main) changes bi; CHG-1 changes pod. Both impact service:reports.
    let mut repo = base();
    repo.write(
        "changes/CHG-0.yaml",
        normal(
            "CHG-0",
            "ci:bi",
            "2026-12-09T13:00:00Z",
            "2026-12-09T15:00:00Z",
        ),
    );
    repo.commit("CHG-0");
    repo.write(
        "changes/CHG-1.yaml",
        normal(
            "CHG-1",
            "ci:pod",
            "2026-12-09T14:00:00Z",
            "2026-12-09T16:00:00Z",
        ),
    );
    let (code, codes, json) = gate(&mut repo);
    assert_eq!(codes, vec!["change-conflict"]);
    assert_eq!(code, 1);
    let message = json["policy"]["violations"][0]["message"].as_str().unwrap();
    assert_eq!(
        message,
        "`CHG-1` and `CHG-0` overlap in time and both impact `service:reports`"
    );
}

#[test]
fn no_conflict_when_windows_do_not_overlap_or_the_other_change_is_over() {
    let mut repo = base();
    repo.write(
        "changes/CHG-0.yaml",
        normal(
            "CHG-0",
            "ci:bi",
            "2026-12-09T13:00:00Z",
            "2026-12-09T15:00:00Z",
        ),
    );
    repo.write(
        "changes/CHG-9.yaml",
        change(
            "CHG-9",
            "normal",
            "ci:pod",
            "2026-12-09T14:00:00Z",
            "2026-12-09T16:00:00Z",
            "low",
            "cancelled",
            "",
        ),
    );
    repo.commit("CHG-0 and a cancelled CHG-9");
    repo.write(
        "changes/CHG-1.yaml",
        normal(
            "CHG-1",
            "ci:pod",
            "2026-12-09T15:00:00Z",
            "2026-12-09T16:00:00Z",
        ),
    );
    let (_, codes, _) = gate(&mut repo);
    assert_eq!(codes, Vec::<String>::new());
}

#[test]
fn missing_change_record_for_an_edited_service() {
    let edited = BASE.replace(
        "metadata: {id: pay}\nspec: {owner: ops, tier: 1",
        "metadata: {id: pay}\nspec: {owner: ops, tier: 2",
    );
    let (code, codes, _) = pr(&[("cabinet.yaml", edited.clone())]);
    assert_eq!(codes, vec!["missing-change-record"]);
    assert_eq!(code, 1);
    let covered = pr(&[
        ("cabinet.yaml", edited),
        (
            "changes/CHG-1.yaml",
            normal("CHG-1", "service:pay", IN_WINDOW.0, IN_WINDOW.1),
        ),
    ]);
    assert_eq!(covered.1, Vec::<String>::new());
}

#[test]
fn a_description_edit_needs_no_change_record() {
    let described = BASE.replace(
        "metadata: {id: pay}",
        "metadata: {id: pay, description: Takes payments., labels: {a: b}}",
    );
    let (code, codes, _) = pr(&[("cabinet.yaml", described)]);
    assert_eq!((code, codes), (0, Vec::<String>::new()));
}

#[test]
fn a_standard_change_outside_its_model_is_judged_as_normal() {
    let standard = |affects: &str| {
        change(
            "CHG-1",
            "standard",
            affects,
            "2026-12-09T13:00:00Z",
            "2026-12-09T13:30:00Z",
            "low",
            "requested",
            "  model: restart-pod\n",
        )
    };
    // db is a database: out of the model, so it is normal, and a normal change on pay needs
    // the window it does not have.
    let (_, codes, json) = pr(&[("changes/CHG-1.yaml", standard("ci:db"))]);
    assert_eq!(
        codes,
        vec![
            "standard-change-out-of-model",
            "outside-maintenance-window",
            "risk-understated"
        ]
    );
    assert_eq!(json["policy"]["changes"][0]["effectiveType"], "normal");
    // pod is a container and degrades only a tier-3 service: inside the model.
    let (code, codes, json) = pr(&[("changes/CHG-1.yaml", standard("ci:pod"))]);
    assert_eq!((code, codes), (0, Vec::<String>::new()));
    assert_eq!(json["policy"]["changes"][0]["effectiveType"], "standard");
}

#[test]
fn risk_understated_is_a_warning_that_does_not_block() {
    let low = change(
        "CHG-1",
        "normal",
        "ci:db",
        IN_WINDOW.0,
        IN_WINDOW.1,
        "low",
        "requested",
        "",
    );
    let (code, codes, json) = pr(&[("changes/CHG-1.yaml", low)]);
    assert_eq!(codes, vec!["risk-understated"]);
    assert_eq!(json["policy"]["violations"][0]["severity"], "warning");
    assert_eq!(code, 0);
    assert_eq!(json["impact"]["risk"]["level"], "medium");
}

#[test]
fn the_policy_decides_which_findings_block() {
    let strict = BASE.replace(
        "  requireChangeRecord: true\n",
        "  requireChangeRecord: true\n  blocking: {risk-understated: true}\n",
    );
    let mut repo = TestRepo::empty();
    repo.write("cabinet.yaml", strict);
    repo.commit("strict base");
    repo.write(
        "changes/CHG-1.yaml",
        change(
            "CHG-1",
            "normal",
            "ci:db",
            IN_WINDOW.0,
            IN_WINDOW.1,
            "low",
            "requested",
            "",
        ),
    );
    let (code, codes, _) = gate(&mut repo);
    assert_eq!(codes, vec!["risk-understated"]);
    assert_eq!(code, 1);
}

#[test]
fn status_regression_when_a_change_moves_backwards_or_is_edited_after_completion() {
    let done = change(
        "CHG-1",
        "normal",
        "ci:bi",
        IN_WINDOW.0,
        IN_WINDOW.1,
        "critical",
        "completed",
        "  outcome: {result: successful}\n",
    );
    let mut repo = base();
    repo.write("changes/CHG-1.yaml", done.clone());
    repo.commit("CHG-1 done");
    repo.write(
        "changes/CHG-1.yaml",
        done.replace("status: completed", "status: requested")
            .replace("  outcome: {result: successful}\n", ""),
    );
    let (code, codes, _) = gate(&mut repo);
    assert_eq!(codes, vec!["status-regression"]);
    assert_eq!(code, 1);

    let mut repo = base();
    repo.write("changes/CHG-1.yaml", done.clone());
    repo.commit("CHG-1 done");
    repo.write(
        "changes/CHG-1.yaml",
        done.replace("affects: [ci:bi]", "affects: [ci:bi, ci:pod]"),
    );
    let (_, codes, json) = gate(&mut repo);
    assert_eq!(codes, vec!["status-regression"]);
    assert!(
        json["policy"]["violations"][0]["message"]
            .as_str()
            .unwrap()
            .contains("spec.affects")
    );

    // Adding the outcome's notes after the fact is fine; moving forward is fine.
    let mut repo = base();
    repo.write("changes/CHG-1.yaml", done.clone());
    repo.commit("CHG-1 done");
    repo.write(
        "changes/CHG-1.yaml",
        done.replace(
            "{result: successful}",
            "{result: successful, notes: took 5 minutes}",
        ),
    );
    assert_eq!(gate(&mut repo).1, Vec::<String>::new());
}

#[test]
fn window_in_the_past_depends_on_now() {
    let stale = change(
        "CHG-1",
        "normal",
        "ci:bi",
        "2026-11-01T09:00:00Z",
        "2026-11-01T10:00:00Z",
        "critical",
        "scheduled",
        "",
    );
    let (_, codes, _) = pr(&[("changes/CHG-1.yaml", stale.clone())]);
    assert_eq!(codes, vec!["window-in-the-past"]);
    let mut repo = base();
    repo.write("changes/CHG-1.yaml", stale);
    repo.commit("pull request");
    let run = repo.run(&[
        "check",
        "--base",
        "HEAD~1",
        "--head",
        "HEAD",
        "--now",
        "2026-10-01T00:00:00Z",
        "--format",
        "json",
    ]);
    assert_eq!(run.json()["policy"]["violations"], serde_json::json!([]));
}

#[test]
fn invalid_records_at_head_block_the_merge() {
    let (code, _, json) = pr(&[(
        "bad.yaml",
        "apiVersion: cabinet/v1\nkind: Team\nmetadata: {id: x}\nspec: {membres: []}\n".to_string(),
    )]);
    assert_eq!(code, 1);
    assert_eq!(json["validation"]["errors"], 1);
    assert_eq!(json["ok"], false);
}

#[test]
fn every_format_renders_the_same_verdict() {
    let mut repo = base();
    repo.write(
        "changes/CHG-1.yaml",
        normal(
            "CHG-1",
            "ci:bi",
            "2026-12-20T09:00:00Z",
            "2026-12-20T10:00:00Z",
        ),
    );
    repo.commit("pull request");
    let args = |f: &'static str| vec!["check", "--base", "HEAD~1", "--now", NOW, "--format", f];
    let human = repo.run(&args("human"));
    assert_eq!(human.code, 1);
    assert!(
        human.stdout.contains("error[freeze-violation]"),
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.ends_with("blocked: 1 policy violation(s)\n"),
        "{}",
        human.stdout
    );
    let github = repo.run(&args("github"));
    assert!(
        github
            .stdout
            .starts_with("::error file=changes/CHG-1.yaml,line=9,"),
        "{}",
        github.stdout
    );
    let sarif = repo.run(&args("sarif")).json();
    assert_eq!(
        sarif["runs"][0]["results"][0]["ruleId"],
        cabinet::diag::Code::FreezeViolation.rule_id()
    );
    // The gate's findings carry the fingerprint GitHub tracks results by, from head's text.
    assert!(
        sarif["runs"][0]["results"][0]["partialFingerprints"]["primaryLocationLineHash"]
            .is_string(),
        "{sarif}"
    );
    let markdown = repo.run(&args("markdown"));
    assert!(
        markdown
            .stdout
            .starts_with("## ⛔ cabinet: blocked: 1 policy violation(s)"),
        "{}",
        markdown.stdout
    );
    assert!(
        markdown
            .stdout
            .contains("| ⛔ | `freeze-violation` | CHG-1 |"),
        "{}",
        markdown.stdout
    );
}

#[test]
fn the_acme_history_trips_each_finding_as_the_readme_says() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("acme");
    acme_history(&out);
    let expect = [
        ("pr/pg-upgrade", 0, vec![]),
        ("pr/search-tier", 1, vec!["missing-change-record"]),
        ("pr/freeze", 1, vec!["freeze-violation"]),
        ("pr/loosen-freeze", 1, vec!["freeze-violation"]),
        ("pr/weekday-checkout", 1, vec!["outside-maintenance-window"]),
        ("pr/conflict", 1, vec!["change-conflict"]),
        (
            "pr/standard-db",
            0,
            vec!["standard-change-out-of-model", "risk-understated"],
        ),
        (
            "pr/reopen",
            1,
            vec!["risk-understated", "status-regression"],
        ),
    ];
    for (branch, code, codes) in expect {
        let run = run_in(
            &out,
            &[
                "check", "--base", "main", "--head", branch, "--now", NOW, "--format", "json",
            ],
        );
        let json = run.json();
        let got: Vec<&str> = json["policy"]["violations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["code"].as_str().unwrap())
            .collect();
        assert_eq!((run.code, got), (code, codes), "{branch}");
    }
    // The reviews the script writes for pr/pg-upgrade: one set falls short, one is enough.
    for (file, code, satisfied) in [
        ("reviews/pg-upgrade-rejected.json", 1, false),
        ("reviews/pg-upgrade-approved.json", 0, true),
    ] {
        let run = run_in(
            &out,
            &[
                "check",
                "--base",
                "main",
                "--approvals",
                file,
                "--now",
                NOW,
                "--format",
                "json",
            ],
        );
        assert_eq!(
            (run.code, run.json()["approvals"]["satisfied"].clone()),
            (code, serde_json::json!(satisfied)),
            "{file}"
        );
    }
}

#[test]
fn the_risk_counts_the_change_type_and_never_drops_below_the_declared_level() {
    let emergency = change(
        "CHG-1",
        "emergency",
        "ci:bi",
        IN_WINDOW.0,
        IN_WINDOW.1,
        "low",
        "requested",
        "  emergency: {incident: INC-1, justification: down}\n",
    );
    let (_, _, json) = pr(&[("changes/CHG-1.yaml", emergency)]);
    let risk = &json["policy"]["changes"][0]["risk"];
    assert!(
        risk["reasons"].as_array().unwrap().iter().any(|r| r
            .as_str()
            .unwrap()
            .starts_with("emergency change CHG-1 (+2)")),
        "{risk}"
    );
    // Declared critical, computed lower: the gate keeps the declared level.
    let (_, _, json) = pr(&[(
        "changes/CHG-1.yaml",
        normal("CHG-1", "ci:bi", IN_WINDOW.0, IN_WINDOW.1),
    )]);
    let risk = &json["policy"]["changes"][0]["risk"];
    assert_eq!(risk["level"], "critical", "{risk}");
    assert_ne!(risk["computed"], "critical", "{risk}");
    assert!(
        risk["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "CHG-1 declared as critical: the level is never lowered"),
        "{risk}"
    );
}
