//! `policy::check` in process: each rule of the change policy (freezes, maintenance windows,
//! conflicts, coverage, models, understated risk, status regressions, deletions, windows in
//! the past), where it finds something and where it does not. A pull request is a base and a
//! head made of YAML files; the findings are snapshotted as `check --format json` prints them
//! (`snapshots/`). Conflicts are judged through `check` only: how they are computed is one
//! definition shared with the calendar and the site, free to change behind it.

use super::*;
use crate::load::{locate, valid_records};
use crate::model::{Limits, Risk};
use insta::assert_json_snapshot;
use std::sync::Arc;

/// The clock of every case: a Sunday morning, a week before the windows below.
const NOW: &str = "2026-11-22T09:00:00Z";

/// The base revision, as `tests/it/check.rs` has it: a Policy with the year-end freeze
/// (emergencies allowed), a quiet week for `pay` alone, the Sunday-night window in Berlin
/// (22:00 to 02:00), and change records required for edits of services and CIs; a tier-1
/// service `pay` on the database `db`; a tier-3 service `reports` on the application `bi`,
/// degraded when the container `pod` is down; a model for restarting containers.
const BASE: &str = include_str!("../../tests/fixtures/gate/base.yaml");

/// Sunday 29 November, 22:00 to 23:00 in Berlin: inside the window, before every freeze.
const SUNDAY_NIGHT: (&str, &str) = ("2026-11-29T21:00:00Z", "2026-11-29T22:00:00Z");
/// The same hour on a Monday: outside the window.
const MONDAY_NIGHT: (&str, &str) = ("2026-11-30T21:00:00Z", "2026-11-30T22:00:00Z");
/// Sunday 20 December, 22:00 to 23:00 in Berlin: inside the window and the year-end freeze.
const SUNDAY_IN_THE_FREEZE: (&str, &str) = ("2026-12-20T21:00:00Z", "2026-12-20T22:00:00Z");
/// Sunday 6 December: inside the window, after the payments quiet week.
const NEXT_SUNDAY: (&str, &str) = ("2026-12-06T21:00:00Z", "2026-12-06T22:00:00Z");
/// A Sunday-night hour of the week before `NOW`: over.
const LAST_SUNDAY: (&str, &str) = ("2026-11-15T21:00:00Z", "2026-11-15T22:00:00Z");

/// A change record, written out as YAML by `yaml`.
#[derive(Clone)]
struct Change {
    id: String,
    change_type: String,
    affects: String,
    window: (String, String),
    risk: String,
    verification: bool,
    status: String,
    /// More lines of `spec`.
    extra: String,
}

/// A normal change on `ci:db` on Sunday night, declared critical (so never understated),
/// requested.
fn change(id: &str) -> Change {
    Change {
        id: id.to_string(),
        change_type: "normal".to_string(),
        affects: "ci:db".to_string(),
        window: (SUNDAY_NIGHT.0.to_string(), SUNDAY_NIGHT.1.to_string()),
        risk: "critical".to_string(),
        verification: true,
        status: "requested".to_string(),
        extra: String::new(),
    }
}

impl Change {
    fn of_type(mut self, change_type: &str) -> Change {
        self.change_type = change_type.to_string();
        self
    }

    /// What it `affects`, as the list's items (`ci:db, service:pay`).
    fn affecting(mut self, affects: &str) -> Change {
        self.affects = affects.to_string();
        self
    }

    fn during(mut self, (start, end): (&str, &str)) -> Change {
        self.window = (start.to_string(), end.to_string());
        self
    }

    fn declared(mut self, risk: &str) -> Change {
        self.risk = risk.to_string();
        self
    }

    fn without_verification(mut self) -> Change {
        self.verification = false;
        self
    }

    fn status(mut self, status: &str) -> Change {
        self.status = status.to_string();
        self
    }

    /// One more line of `spec` (`model: restart-pod`).
    fn with(mut self, line: &str) -> Change {
        self.extra.push_str(&format!("  {line}\n"));
        self
    }

    fn file(&self) -> String {
        format!("changes/{}.yaml", self.id)
    }

    fn yaml(&self) -> String {
        format!(
            "apiVersion: cabinet/v1\nkind: Change\nmetadata: {{id: {}}}\nspec:\n  type: {}\n  requester: alice\n  reason: r\n  affects: [{}]\n  window: {{start: \"{}\", end: \"{}\"}}\n  risk: {}\n  plan: p\n  backout: b\n{}  status: {}\n{}",
            self.id,
            self.change_type,
            self.affects,
            self.window.0,
            self.window.1,
            self.risk,
            if self.verification {
                "  verification: v\n"
            } else {
                ""
            },
            self.status,
            self.extra
        )
    }
}

/// A pull request: the files of the base and of the head.
struct Pr {
    base: BTreeMap<String, String>,
    head: BTreeMap<String, String>,
    now: Timestamp,
}

impl Pr {
    /// `BASE` as cabinet.yaml at base, the same at head: nothing changed yet.
    fn new() -> Pr {
        Pr {
            base: BTreeMap::new(),
            head: BTreeMap::new(),
            now: NOW.parse().unwrap(),
        }
        .on_both("cabinet.yaml", BASE)
    }

    /// The Policy document of cabinet.yaml replaced by one with this `spec` (`None`: no
    /// Policy), at base and at head alike: the head's Policy plays no part.
    fn policy_document(self, spec: Option<&str>) -> Pr {
        let text: Vec<String> = self.base["cabinet.yaml"]
            .split("---\n")
            .filter_map(|doc| match spec {
                _ if !doc.contains("kind: Policy") => Some(doc.to_string()),
                Some(spec) => Some(format!(
                    "apiVersion: cabinet/v1\nkind: Policy\nmetadata: {{id: p}}\nspec:\n{spec}"
                )),
                None => None,
            })
            .collect();
        self.on_both("cabinet.yaml", &text.join("---\n"))
    }

    /// A Policy with this `spec` instead of the base's.
    fn policy(self, spec: &str) -> Pr {
        self.policy_document(Some(spec))
    }

    fn without_policy(self) -> Pr {
        self.policy_document(None)
    }

    /// The base's Policy with `from` replaced by `to`.
    fn policy_edit(self, from: &str, to: &str) -> Pr {
        let text = self.base["cabinet.yaml"].replacen(from, to, 1);
        assert_ne!(text, self.base["cabinet.yaml"], "`{from}` is not in it");
        self.on_both("cabinet.yaml", &text)
    }

    /// The base's Policy with one more line of `spec`.
    fn policy_with(self, line: &str) -> Pr {
        self.policy_edit("  cab: ops\n", &format!("  cab: ops\n  {line}\n"))
    }

    /// A file that is the same at base and head.
    fn on_both(mut self, file: &str, text: &str) -> Pr {
        self.base.insert(file.to_string(), text.to_string());
        self.head.insert(file.to_string(), text.to_string());
        self
    }

    fn adds(mut self, change: &Change) -> Pr {
        self.head.insert(change.file(), change.yaml());
        self
    }

    /// A change record that is at base, untouched by the pull request.
    fn has(self, change: &Change) -> Pr {
        self.on_both(&change.file(), &change.yaml())
    }

    fn edits(mut self, before: &Change, after: &Change) -> Pr {
        self.base.insert(before.file(), before.yaml());
        self.head.insert(after.file(), after.yaml());
        self
    }

    fn deletes(mut self, change: &Change) -> Pr {
        self.base.insert(change.file(), change.yaml());
        self.head.remove(&change.file());
        self
    }

    /// Replace `from` with `to` in cabinet.yaml at head.
    fn edits_records(mut self, from: &str, to: &str) -> Pr {
        let text = self.head["cabinet.yaml"].replacen(from, to, 1);
        assert_ne!(text, self.head["cabinet.yaml"], "`{from}` is not in it");
        self.head.insert("cabinet.yaml".to_string(), text);
        self
    }

    fn check(&self) -> Checked {
        let read = |files: &BTreeMap<String, String>| {
            valid_records(files.iter().map(|(f, t)| (f.as_str(), t.as_str())))
        };
        let (base, head) = (read(&self.base), read(&self.head));
        let graph = DependencyGraph::build(&head);
        let records = crate::diff::diff(&base, &head);
        let (mut findings, verdicts) = judge(&PolicyInput {
            base: &base,
            head: &head,
            head_graph: &graph,
            records: &records,
            policy: base.policy().map(|(_, p)| p),
            now: self.now,
            history: &crate::risk::Ledger::read(
                &[&base, &head],
                self.now,
                &base
                    .policy()
                    .map(|(_, p)| p.risk.clone())
                    .unwrap_or_default(),
            ),
        });
        let texts: BTreeMap<String, Arc<str>> = self
            .head
            .iter()
            .map(|(f, t)| (f.clone(), Arc::from(t.as_str())))
            .collect();
        locate(&mut findings, &texts, &Limits::default());
        crate::diag::sort(&mut findings);
        Checked { findings, verdicts }
    }
}

/// What `check` found.
struct Checked {
    findings: Vec<Diagnostic>,
    verdicts: Vec<ChangeVerdict>,
}

impl Checked {
    fn codes(&self) -> Vec<&'static str> {
        self.findings.iter().map(|d| d.code.as_str()).collect()
    }

    /// The findings as `check --format json` prints them.
    fn json(&self) -> Vec<serde_json::Value> {
        self.findings
            .iter()
            .map(crate::report::json::diagnostic)
            .collect()
    }

    fn verdict(&self, id: &str) -> &ChangeVerdict {
        self.verdicts
            .iter()
            .find(|v| v.id == id)
            .unwrap_or_else(|| panic!("no verdict for `{id}`"))
    }
}

#[test]
fn a_change_inside_the_rules_has_no_finding() {
    let c = Pr::new().adds(&change("CHG-1")).check();
    assert!(c.findings.is_empty(), "{:#?}", c.findings);
    let v = c.verdict("CHG-1");
    assert_eq!(v.effective_type, ChangeType::Normal);
    assert_eq!(v.impacted_services, [RecordRef::new(Kind::Service, "pay")]);
    assert_json_snapshot!(c.verdicts);
}

// --- freezes ---

#[test]
fn a_normal_change_during_a_freeze_violates_it() {
    let c = Pr::new()
        .adds(&change("CHG-1").during(SUNDAY_IN_THE_FREEZE))
        .check();
    assert_eq!(c.codes(), ["freeze-violation"]);
    assert_eq!(c.findings[0].severity, Severity::Error);
    assert_json_snapshot!(c.json());
}

#[test]
fn a_change_type_the_freeze_allows_runs_during_it() {
    let c = Pr::new()
        .adds(
            &change("CHG-1")
                .of_type("emergency")
                .with("emergency: {incident: INC-1, justification: down}")
                .during(SUNDAY_IN_THE_FREEZE),
        )
        .check();
    assert!(c.findings.is_empty(), "{:#?}", c.findings);
}

#[test]
fn a_scoped_freeze_catches_a_change_that_touches_its_scope() {
    // ci:db takes down service:pay, which the quiet week covers.
    let c = Pr::new()
        .policy_with("maintenanceWindowTiers: [4]")
        .adds(&change("CHG-1").during(MONDAY_NIGHT))
        .check();
    assert_eq!(c.codes(), ["freeze-violation"]);
    assert!(
        c.findings[0]
            .message
            .ends_with("which covers `service:pay`"),
        "{}",
        c.findings[0].message
    );
    assert_json_snapshot!(c.json());
}

#[test]
fn a_scoped_freeze_lets_other_changes_run() {
    let c = Pr::new()
        .adds(&change("CHG-1").affecting("ci:bi").during(MONDAY_NIGHT))
        .check();
    assert!(c.findings.is_empty(), "{:#?}", c.findings);
}

#[test]
fn a_standard_change_out_of_its_model_is_frozen_as_a_normal_one() {
    // The freeze allows standard changes; this one affects a database, which the model does
    // not apply to, so it is judged as normal.
    let c = Pr::new()
        .policy_edit("allow: [emergency]", "allow: [emergency, standard]")
        .adds(
            &change("CHG-1")
                .of_type("standard")
                .with("model: restart-pod")
                .during(SUNDAY_IN_THE_FREEZE),
        )
        .check();
    assert_eq!(
        c.codes(),
        ["standard-change-out-of-model", "freeze-violation"]
    );
    assert!(
        c.findings[1].message.contains("(normal change)"),
        "{}",
        c.findings[1].message
    );
}

#[test]
fn a_pull_request_adding_a_completed_change_is_still_judged_by_the_freeze() {
    let c = Pr::new()
        .adds(
            &change("CHG-1")
                .during(SUNDAY_IN_THE_FREEZE)
                .status("completed")
                .with("outcome: {result: successful}"),
        )
        .check();
    assert_eq!(c.codes(), ["freeze-violation"]);
}

#[test]
fn a_change_over_at_base_is_not_judged_again_by_the_freeze() {
    // Only its outcome is written: the change ran, and the freeze was judged before.
    let ran = change("CHG-1")
        .during(SUNDAY_IN_THE_FREEZE)
        .status("completed");
    let c = Pr::new()
        .edits(
            &ran.clone().with("outcome: {result: successful}"),
            &ran.with("outcome: {result: successful, notes: reviewed}"),
        )
        .check();
    assert!(c.findings.is_empty(), "{:#?}", c.findings);
}

// --- maintenance windows ---

#[test]
fn a_normal_change_on_a_tier_1_service_outside_every_window_is_refused() {
    let c = Pr::new()
        .adds(&change("CHG-1").during(("2026-11-25T10:00:00Z", "2026-11-25T11:00:00Z")))
        .check();
    assert_eq!(c.codes(), ["outside-maintenance-window"]);
    assert_eq!(
        c.findings[0].help.as_deref(),
        Some(
            "the next window, `Sunday night`, runs from 2026-11-29T21:00:00Z to 2026-11-30T01:00:00Z"
        )
    );
    assert_json_snapshot!(c.json());
}

#[test]
fn a_change_that_overruns_the_window_is_outside_it() {
    // 22:00 to 03:00 in Berlin: the window ends at 02:00.
    let c = Pr::new()
        .adds(&change("CHG-1").during(("2026-11-29T21:00:00Z", "2026-11-30T02:00:00Z")))
        .check();
    assert!(
        c.codes().contains(&"outside-maintenance-window"),
        "{:?}",
        c.codes()
    );
}

#[test]
fn a_change_below_the_window_tiers_needs_no_window() {
    let c = Pr::new()
        .adds(
            &change("CHG-1")
                .affecting("ci:bi")
                .during(("2026-11-25T10:00:00Z", "2026-11-25T11:00:00Z")),
        )
        .check();
    assert!(c.findings.is_empty(), "{:#?}", c.findings);
}

#[test]
fn the_policy_names_the_tiers_that_need_a_window() {
    let c = Pr::new()
        .policy_with("maintenanceWindowTiers: [3]")
        .adds(
            &change("CHG-1")
                .affecting("ci:bi")
                .during(("2026-11-25T10:00:00Z", "2026-11-25T11:00:00Z")),
        )
        .check();
    assert_eq!(c.codes(), ["outside-maintenance-window"]);
    assert!(
        c.findings[0].message.contains("tier-3 service `reports`"),
        "{}",
        c.findings[0].message
    );
}

#[test]
fn an_emergency_change_needs_no_window() {
    let c = Pr::new()
        .adds(
            &change("CHG-1")
                .of_type("emergency")
                .with("emergency: {incident: INC-1, justification: down}")
                .during(("2026-11-25T10:00:00Z", "2026-11-25T11:00:00Z")),
        )
        .check();
    assert!(c.findings.is_empty(), "{:#?}", c.findings);
}

#[test]
fn without_maintenance_windows_no_change_needs_one() {
    let c = Pr::new()
        .policy("  cab: ops\n")
        .adds(&change("CHG-1").during(("2026-11-25T10:00:00Z", "2026-11-25T11:00:00Z")))
        .check();
    assert!(c.findings.is_empty(), "{:#?}", c.findings);
}

#[test]
fn a_window_too_fine_to_walk_leaves_the_question_open_and_blocks() {
    // Every minute since 1990: more occurrences before the change than the gate walks.
    let c = Pr::new()
        .policy("  cab: ops\n  maintenanceWindows:\n    - {name: always, rrule: \"FREQ=MINUTELY\", duration: 1m, timezone: UTC, start: \"1990-01-01T00:00:00\"}\n")
        .adds(&change("CHG-1"))
        .check();
    assert_eq!(c.codes(), ["window-undecidable"]);
    assert_eq!(c.findings[0].severity, Severity::Error);
    assert_json_snapshot!(c.json());
}

// --- conflicts ---

#[test]
fn two_changes_of_the_pull_request_on_the_same_record_at_the_same_time_conflict_once() {
    let c = Pr::new()
        .adds(&change("CHG-1"))
        .adds(&change("CHG-2"))
        .check();
    assert_eq!(c.codes(), ["change-conflict"]);
    assert_eq!(c.findings[0].related.len(), 1);
    assert_json_snapshot!(c.json());
}

#[test]
fn a_change_conflicts_with_an_open_change_already_merged() {
    let c = Pr::new()
        .has(&change("CHG-0").status("scheduled"))
        .adds(&change("CHG-1"))
        .check();
    assert_eq!(c.codes(), ["change-conflict"]);
    assert_eq!(c.findings[0].notes, ["`CHG-0` is in changes/CHG-0.yaml"]);
    assert_json_snapshot!(c.json());
}

#[test]
fn changes_conflict_through_a_service_both_impact() {
    // One takes the database down, the other the service on it.
    let c = Pr::new()
        .has(&change("CHG-0").affecting("service:pay"))
        .adds(&change("CHG-1"))
        .check();
    assert_eq!(c.codes(), ["change-conflict"]);
    assert!(
        c.findings[0].message.ends_with("both impact `service:pay`"),
        "{}",
        c.findings[0].message
    );
}

#[test]
fn changes_at_different_times_do_not_conflict() {
    let c = Pr::new()
        .has(&change("CHG-0").during(NEXT_SUNDAY))
        .adds(&change("CHG-1"))
        .check();
    assert!(c.findings.is_empty(), "{:#?}", c.findings);
}

#[test]
fn a_window_that_ends_as_another_starts_does_not_conflict_with_it() {
    let c = Pr::new()
        .has(&change("CHG-0").during(("2026-11-29T22:00:00Z", "2026-11-29T23:00:00Z")))
        .adds(&change("CHG-1"))
        .check();
    assert!(c.findings.is_empty(), "{:#?}", c.findings);
}

#[test]
fn a_change_that_is_over_conflicts_with_nothing() {
    for status in ["completed", "cancelled"] {
        let mut over = change("CHG-0").status(status);
        if status == "completed" {
            over = over.with("outcome: {result: successful}");
        }
        let c = Pr::new().has(&over).adds(&change("CHG-1")).check();
        assert!(c.findings.is_empty(), "{status}: {:#?}", c.findings);
    }
}

#[test]
fn changes_on_unrelated_records_do_not_conflict() {
    let c = Pr::new()
        .has(&change("CHG-0").affecting("ci:bi"))
        .adds(&change("CHG-1"))
        .check();
    assert!(c.findings.is_empty(), "{:#?}", c.findings);
}

// --- change records cover edits ---

#[test]
fn an_edited_service_without_a_change_record_is_refused() {
    let c = Pr::new().edits_records("tier: 1", "tier: 2").check();
    assert_eq!(c.codes(), ["missing-change-record"]);
    assert_json_snapshot!(c.json());
}

#[test]
fn an_added_and_a_removed_record_need_a_change_record_too() {
    let c = Pr::new()
        .edits_records("metadata: {id: bi}", "metadata: {id: warehouse}")
        .check();
    let messages: Vec<&str> = c.findings.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "the pull request removes `ci:bi` but no change record in it affects `ci:bi`",
            "the pull request adds `ci:warehouse` but no change record in it affects `ci:warehouse`",
        ]
    );
}

/// A finding at a whole file (`Location::file`) names the record it is about, not the one that
/// stands first in that file at head (here `team:ops`).
#[test]
fn the_finding_about_a_removed_record_names_that_record() {
    let c = Pr::new()
        .edits_records("metadata: {id: bi}", "metadata: {id: warehouse}")
        .check();
    assert_eq!(c.findings[0].record.as_deref(), Some("ci:bi"));
}

#[test]
fn a_change_record_that_affects_the_edited_service_covers_it() {
    let c = Pr::new()
        .edits_records("tier: 1", "tier: 2")
        .adds(&change("CHG-1").affecting("service:pay"))
        .check();
    assert!(c.findings.is_empty(), "{:#?}", c.findings);
}

#[test]
fn a_description_edit_needs_no_change_record() {
    let c = Pr::new()
        .edits_records(
            "metadata: {id: pay}",
            "metadata: {id: pay, description: Card payments}",
        )
        .check();
    assert!(c.findings.is_empty(), "{:#?}", c.findings);
}

#[test]
fn without_require_change_record_an_edit_needs_none() {
    let c = Pr::new()
        .policy_edit("  requireChangeRecord: true\n", "")
        .edits_records("tier: 1", "tier: 2")
        .check();
    assert!(c.findings.is_empty(), "{:#?}", c.findings);
}

// --- standard changes and their models ---

/// A standard change of `model` restarting the container `pod` (low risk: `reports` is only
/// degraded).
fn standard(id: &str, model: &str) -> Change {
    change(id)
        .of_type("standard")
        .with(&format!("model: {model}"))
        .affecting("ci:pod")
        .declared("low")
}

#[test]
fn a_standard_change_inside_its_model_stays_standard() {
    let c = Pr::new().adds(&standard("CHG-1", "restart-pod")).check();
    assert!(c.findings.is_empty(), "{:#?}", c.findings);
    assert_eq!(c.verdict("CHG-1").effective_type, ChangeType::Standard);
}

#[test]
fn a_standard_change_on_a_ci_its_model_does_not_apply_to_is_normal() {
    let c = Pr::new()
        .adds(&standard("CHG-1", "restart-pod").affecting("ci:bi"))
        .check();
    assert_eq!(c.codes(), ["standard-change-out-of-model"]);
    assert_eq!(c.findings[0].severity, Severity::Warning);
    assert_eq!(c.verdict("CHG-1").effective_type, ChangeType::Normal);
    assert_json_snapshot!(c.json());
}

#[test]
fn a_standard_change_on_a_service_is_out_of_its_model() {
    let c = Pr::new()
        .adds(&standard("CHG-1", "restart-pod").affecting("service:reports"))
        .check();
    assert_eq!(c.codes(), ["standard-change-out-of-model"]);
    assert!(
        c.findings[0]
            .message
            .ends_with("`service:reports` is not a configuration item the model applies to"),
        "{}",
        c.findings[0].message
    );
}

#[test]
fn a_standard_change_riskier_than_its_model_allows_is_normal() {
    // The model applies to databases, but ci:db takes a tier-1 service down: medium risk.
    let c = Pr::new()
        .on_both(
            "models.yaml",
            "apiVersion: cabinet/v1\nkind: ChangeModel\nmetadata: {id: restart-db}\nspec: {appliesTo: [database], maxRisk: low, plan: restart}\n",
        )
        .adds(
            &change("CHG-1")
                .of_type("standard")
                .with("model: restart-db")
                .declared("low"),
        )
        .check();
    let out_of_model = c
        .findings
        .iter()
        .find(|d| d.code == Code::StandardChangeOutOfModel)
        .expect("a standard-change-out-of-model finding");
    assert!(
        out_of_model
            .message
            .ends_with("its computed risk is medium, above the model's maxRisk low"),
        "{}",
        out_of_model.message
    );
    assert_eq!(c.verdict("CHG-1").effective_type, ChangeType::Normal);
    assert_json_snapshot!(c.json());
}

#[test]
fn a_standard_change_whose_model_is_not_at_base_is_normal() {
    let c = Pr::new().adds(&standard("CHG-1", "restart-vm")).check();
    assert_eq!(c.codes(), ["standard-change-out-of-model"]);
    assert!(
        c.findings[0]
            .message
            .ends_with("change model `restart-vm` is not in the base revision; standard changes follow approved models only"),
        "{}",
        c.findings[0].message
    );
}

#[test]
fn a_standard_change_without_a_model_is_judged_as_normal() {
    // That the model is missing is the record's own finding (`change-missing-model`), from
    // validation; the policy only judges it as normal.
    let bare = change("CHG-1")
        .of_type("standard")
        .affecting("ci:pod")
        .declared("low");
    let c = Pr::new().adds(&bare).check();
    assert!(c.findings.is_empty(), "{:#?}", c.findings);
    assert_eq!(c.verdict("CHG-1").effective_type, ChangeType::Normal);
}

// --- understated risk ---

#[test]
fn a_change_declared_below_its_computed_risk_is_understated() {
    let c = Pr::new().adds(&change("CHG-1").declared("low")).check();
    assert_eq!(c.codes(), ["risk-understated"]);
    assert_eq!(c.findings[0].severity, Severity::Warning);
    assert_eq!(c.verdict("CHG-1").risk.computed, Risk::Medium);
    assert_json_snapshot!(c.json());
}

#[test]
fn a_change_declared_at_its_computed_risk_is_not_understated() {
    let c = Pr::new().adds(&change("CHG-1").declared("medium")).check();
    assert!(c.findings.is_empty(), "{:#?}", c.findings);
}

#[test]
fn the_policy_decides_which_findings_block() {
    let c = Pr::new()
        .policy_with("blocking: {risk-understated: true, freeze-violation: false}")
        .adds(&change("CHG-1").declared("low").during(SUNDAY_IN_THE_FREEZE))
        .check();
    let severities: Vec<(&str, Severity)> = c
        .findings
        .iter()
        .map(|d| (d.code.as_str(), d.severity))
        .collect();
    assert_eq!(
        severities,
        [
            ("freeze-violation", Severity::Warning),
            ("risk-understated", Severity::Error),
        ]
    );
}

// --- the risk in the verdict ---

/// A change on `ci:db` at base that went wrong.
fn failed_before() -> Change {
    change("CHG-0")
        .during(LAST_SUNDAY)
        .status("failed")
        .with("outcome: {result: failed}")
}

#[test]
fn an_earlier_failure_on_the_same_record_raises_the_risk() {
    let c = Pr::new()
        .has(&failed_before())
        .adds(&change("CHG-1").declared("low"))
        .check();
    let risk = &c.verdict("CHG-1").risk;
    assert_eq!((risk.score, risk.computed), (5, Risk::High));
    assert_json_snapshot!(c.verdicts);
}

#[test]
fn a_pull_request_cannot_rewrite_an_earlier_failure_away() {
    let rewritten = change("CHG-0")
        .during(LAST_SUNDAY)
        .status("completed")
        .with("outcome: {result: successful}");
    let c = Pr::new()
        .edits(&failed_before(), &rewritten)
        .adds(&change("CHG-1").declared("low"))
        .check();
    let risk = &c.verdict("CHG-1").risk;
    assert_eq!(risk.computed, Risk::High);
    assert!(
        risk.reasons
            .contains(&"CHG-0 on ci:db failed before (+2)".to_string()),
        "{:?}",
        risk.reasons
    );
}

#[test]
fn a_change_without_a_verification_plan_scores_a_point() {
    let c = Pr::new()
        .adds(&change("CHG-1").affecting("ci:bi").without_verification())
        .check();
    let risk = &c.verdict("CHG-1").risk;
    assert_eq!(risk.score, 2);
    assert!(
        risk.reasons
            .contains(&"CHG-1 has no verification plan (+1)".to_string()),
        "{:?}",
        risk.reasons
    );
}

#[test]
fn the_risk_declared_at_base_is_never_lowered_at_head() {
    let c = Pr::new()
        .edits(
            &change("CHG-1").declared("high"),
            &change("CHG-1").declared("low"),
        )
        .check();
    let risk = &c.verdict("CHG-1").risk;
    assert_eq!((risk.computed, risk.level), (Risk::Medium, Risk::High));
    assert_eq!(c.codes(), ["risk-understated"]);
    assert_json_snapshot!(c.verdicts);
}

// --- the lifecycle of a change record ---

#[test]
fn a_change_that_moves_back_is_a_status_regression() {
    let c = Pr::new()
        .edits(
            &change("CHG-1").status("approved"),
            &change("CHG-1").status("requested"),
        )
        .check();
    assert_eq!(c.codes(), ["status-regression"]);
    assert_json_snapshot!(c.json());
}

#[test]
fn a_change_that_moves_forward_is_no_regression() {
    let c = Pr::new()
        .edits(
            &change("CHG-1").status("approved"),
            &change("CHG-1").status("implementing"),
        )
        .check();
    assert!(c.findings.is_empty(), "{:#?}", c.findings);
}

#[test]
fn a_change_edited_after_it_is_over_is_a_status_regression() {
    let done = change("CHG-1")
        .status("completed")
        .with("outcome: {result: successful}");
    let c = Pr::new()
        .edits(&done, &done.clone().affecting("ci:db, ci:pod"))
        .check();
    assert_eq!(c.codes(), ["status-regression"]);
    assert!(
        c.findings[0]
            .message
            .ends_with("is edited after the fact (`spec.affects[1]`)"),
        "{}",
        c.findings[0].message
    );
    assert_json_snapshot!(c.json());
}

#[test]
fn the_outcome_of_a_change_that_is_over_may_be_written_later() {
    let done = change("CHG-1")
        .status("completed")
        .with("outcome: {result: successful}");
    let reviewed = change("CHG-1")
        .status("completed")
        .with("outcome: {result: successful-with-issues, notes: slow}");
    let c = Pr::new().edits(&done, &reviewed).check();
    assert!(c.findings.is_empty(), "{:#?}", c.findings);
}

#[test]
fn deleting_a_change_record_past_draft_is_refused() {
    let c = Pr::new()
        .deletes(&change("CHG-1").status("approved"))
        .check();
    assert_eq!(c.codes(), ["change-record-deleted"]);
    assert_json_snapshot!(c.json());
}

#[test]
fn a_draft_may_be_deleted() {
    let c = Pr::new().deletes(&change("CHG-1").status("draft")).check();
    assert!(c.findings.is_empty(), "{:#?}", c.findings);
}

#[test]
fn a_requested_change_whose_window_is_over_is_in_the_past() {
    let c = Pr::new().adds(&change("CHG-1").during(LAST_SUNDAY)).check();
    assert_eq!(c.codes(), ["window-in-the-past"]);
    assert_eq!(c.findings[0].severity, Severity::Warning);
    assert_json_snapshot!(c.json());
}

#[test]
fn a_window_in_the_past_is_fine_once_the_change_ran() {
    let c = Pr::new()
        .adds(&change("CHG-1").during(LAST_SUNDAY).status("implementing"))
        .check();
    assert!(c.findings.is_empty(), "{:#?}", c.findings);
}

// --- without a policy ---

#[test]
fn without_a_policy_only_the_rules_of_the_records_themselves_apply() {
    // No freeze, window or coverage without a Policy; understated risk and the lifecycle
    // still count.
    let c = Pr::new()
        .without_policy()
        .edits(
            &change("CHG-1").status("approved"),
            &change("CHG-1")
                .status("requested")
                .declared("low")
                .during(SUNDAY_IN_THE_FREEZE),
        )
        .check();
    assert_eq!(c.codes(), ["risk-understated", "status-regression"]);
}
