//! Lead time of change records from a real git history (`cabinet::lead_time::read`): which
//! commit proposed, approved and completed each record, across merged branches, for a cabinet
//! root inside the repository and under the settings of the revision read.

use crate::util::{CONFIG, POLICY, TestRepo, succeeded};
use cabinet::lead_time::{self, LeadTimeError, Milestones};
use jiff::Timestamp;

/// 2027-03-01T00:00:00Z plus `hours`.
fn at(hours: i64) -> i64 {
    1_803_859_200 + hours * 3600
}

fn time(hours: i64) -> Timestamp {
    Timestamp::from_second(at(hours)).unwrap()
}

/// Change `id` at `status`, with its outcome when it has been carried out.
fn change(id: &str, status: &str) -> String {
    let outcome = match status {
        "completed" => "  outcome: {result: successful}\n",
        "failed" => "  outcome: {result: failed}\n",
        _ => "",
    };
    format!(
        "apiVersion: cabinet/v1\nkind: Change\nmetadata: {{id: {id}}}\nspec:\n  type: normal\n  requester: octocat\n  reason: r\n  affects: [ci:db]\n  window: {{start: \"2027-03-06T22:00:00Z\", end: \"2027-03-06T23:00:00Z\"}}\n  risk: low\n  plan: p\n  backout: b\n  verification: v\n  status: {status}\n{outcome}"
    )
}

fn milestones(proposed: i64, approved: Option<i64>, completed: Option<i64>) -> Milestones {
    Milestones {
        proposed: time(proposed),
        approved: approved.map(time),
        completed: completed.map(time),
    }
}

/// A repository with cabinet.yaml and a policy, committed at hour 0.
fn started() -> TestRepo {
    let mut repo = TestRepo::new();
    repo.commit_at("start", at(0));
    repo
}

#[test]
fn the_report_gives_lead_times_by_type_from_the_history() {
    // CHG-1 proposed at hour 1, approved at 3, completed at 30; CHG-2 proposed at 2,
    // approved at 6, completed at 30: to approval 2 h and 4 h (median 3 h, p90 the nearest
    // rank ceil(1.8) = 2: 4 h); to completion 29 h and 28 h (median 28.5 h, p90 29 h).
    let mut repo = started();
    repo.write("changes/CHG-1.yaml", change("CHG-1", "requested"));
    repo.commit_at("propose CHG-1", at(1));
    repo.write("changes/CHG-2.yaml", change("CHG-2", "requested"));
    repo.commit_at("propose CHG-2", at(2));
    repo.write("changes/CHG-1.yaml", change("CHG-1", "approved"));
    repo.commit_at("approve CHG-1", at(3));
    repo.write("changes/CHG-2.yaml", change("CHG-2", "scheduled"));
    repo.commit_at("schedule CHG-2", at(6));
    repo.write("changes/CHG-1.yaml", change("CHG-1", "completed"));
    repo.write("changes/CHG-2.yaml", change("CHG-2", "completed"));
    repo.commit_at("both done", at(30));
    let args = [
        "report",
        "--now",
        "2027-03-08T00:00:00Z",
        "--lead-time",
        "--format",
        "json",
    ];
    let run = repo.run(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lead = &run.json()["changes"]["leadTimeSeconds"]["normal"];
    assert_eq!(lead["toApproval"]["median"], 3 * 3600);
    assert_eq!(lead["toApproval"]["p90"], 4 * 3600);
    assert_eq!(lead["toCompletion"]["median"], 28 * 3600 + 1800);
    assert_eq!(lead["toCompletion"]["p90"], 29 * 3600);
    let human = repo.run(&args[..4]);
    assert_eq!(human.code, 0, "{}", human.stderr);
    assert!(
        human
            .stdout
            .contains("lead time of normal changes: to approval median 3h, p90 4h; to completion median 1d 4h 30m, p90 1d 5h"),
        "{}",
        human.stdout
    );
    // Without --lead-time the history is not read; without a history it cannot be.
    let plain = repo.run(&[
        "report",
        "--now",
        "2027-03-08T00:00:00Z",
        "--format",
        "json",
    ]);
    assert!(plain.json()["changes"].get("leadTimeSeconds").is_none());
    let no_git = TestRepo::new();
    let run = no_git.run(&["report", "--lead-time"]);
    assert_ne!(run.code, 0, "{}", run.stdout);
}

#[test]
fn a_change_approved_on_a_merged_branch_has_the_branch_commits_times() {
    let mut repo = started();
    let main = repo.current_branch();
    repo.branch("pr/chg-1");
    repo.write("changes/CHG-1.yaml", change("CHG-1", "requested"));
    repo.commit_at("propose CHG-1", at(1));
    repo.write(
        "changes/CHG-1.yaml",
        change("CHG-1", "requested").replace("plan: p", "plan: p, then q"),
    );
    repo.commit_at("CHG-1: a better plan", at(2));
    repo.write("changes/CHG-1.yaml", change("CHG-1", "approved"));
    repo.commit_at("approve CHG-1", at(3));
    let branch = lead_time::read(repo.path(), "pr/chg-1").unwrap();
    assert_eq!(branch["CHG-1"], milestones(1, Some(3), None));

    // Main moves on, then merges the branch (hour 5) and completes the change (hour 8).
    repo.switch(&main);
    repo.write("notes.md", "not a record\n");
    repo.commit_at("notes", at(4));
    repo.write("changes/CHG-1.yaml", change("CHG-1", "approved"));
    repo.merge_at("pr/chg-1", "Merge pull request #1", at(5));
    repo.write("changes/CHG-1.yaml", change("CHG-1", "completed"));
    repo.commit_at("complete CHG-1", at(8));

    // The merge brings the record onto main at hour 5, approved; the branch's own commits,
    // reachable from main through the merge, say hours 1 and 3.
    let all = lead_time::read(repo.path(), "HEAD").unwrap();
    assert_eq!(all.keys().collect::<Vec<_>>(), ["CHG-1"]);
    assert_eq!(all["CHG-1"], milestones(1, Some(3), Some(8)));
}

#[test]
fn a_change_added_as_completed_was_approved_and_completed_when_proposed() {
    let mut repo = started();
    repo.write("changes/CHG-2.yaml", change("CHG-2", "failed"));
    repo.commit_at("record CHG-2 after the fact", at(6));
    let all = lead_time::read(repo.path(), "HEAD").unwrap();
    assert_eq!(all["CHG-2"], milestones(6, Some(6), Some(6)));
}

#[test]
fn a_change_deleted_and_added_again_was_proposed_by_the_first_commit_that_held_it() {
    let mut repo = started();
    repo.write("changes/CHG-3.yaml", change("CHG-3", "requested"));
    repo.commit_at("propose CHG-3", at(1));
    repo.remove("changes/CHG-3.yaml");
    repo.commit_at("withdraw CHG-3", at(2));
    // Back under another name, approved.
    repo.write("changes/2027/CHG-3.yaml", change("CHG-3", "approved"));
    repo.commit_at("CHG-3 again, approved", at(4));
    let all = lead_time::read(repo.path(), "HEAD").unwrap();
    assert_eq!(all["CHG-3"], milestones(1, Some(4), None));
}

#[test]
fn changes_are_found_in_files_and_folders_whose_names_share_a_beginning() {
    // git sorts `x.yaml` < `x/` < `x0/`, `x` (a file) < `x-y/` < `x/`: a walk of two trees
    // side by side that compared names only would miss some of these.
    let mut repo = started();
    let files = [
        "x.yaml",
        "x/a.yaml",
        "x-y/a.yaml",
        "x0/a.yaml",
        "x/x/a.yaml",
    ];
    for (n, file) in files.iter().enumerate() {
        repo.write(file, change(&format!("CHG-{n}"), "requested"));
    }
    repo.write("x-y/x", "a file named like the folder beside it\n");
    repo.commit_at("five changes", at(1));
    for (n, file) in files.iter().enumerate() {
        repo.write(file, change(&format!("CHG-{n}"), "approved"));
        repo.commit_at(&format!("approve CHG-{n}"), at(2 + n as i64));
    }
    let all = lead_time::read(repo.path(), "HEAD").unwrap();
    for n in 0..files.len() {
        assert_eq!(
            all[&format!("CHG-{n}")],
            milestones(1, Some(2 + n as i64), None),
            "{}",
            files[n]
        );
    }
}

#[test]
fn cancelled_and_requested_changes_are_not_approved() {
    let mut repo = started();
    repo.write("changes/CHG-4.yaml", change("CHG-4", "draft"));
    repo.write("changes/CHG-5.yaml", change("CHG-5", "requested"));
    repo.commit_at("two drafts", at(1));
    repo.write("changes/CHG-4.yaml", change("CHG-4", "cancelled"));
    repo.write("changes/CHG-5.yaml", change("CHG-5", "scheduled"));
    repo.commit_at("one cancelled, one scheduled", at(2));
    let all = lead_time::read(repo.path(), "HEAD").unwrap();
    assert_eq!(all["CHG-4"], milestones(1, None, None));
    assert_eq!(all["CHG-5"], milestones(1, Some(2), None));
}

#[test]
fn only_the_cabinet_root_inside_the_repository_is_read() {
    let mut repo = TestRepo::empty();
    repo.write("ops/cabinet.yaml", CONFIG);
    repo.write("ops/policy.yaml", POLICY);
    // A change record outside the root is not one of this catalogue's.
    repo.write("elsewhere/CHG-9.yaml", change("CHG-9", "requested"));
    repo.commit_at("start", at(0));
    repo.write("ops/changes/CHG-1.yaml", change("CHG-1", "requested"));
    repo.write("elsewhere/CHG-9.yaml", change("CHG-9", "approved"));
    repo.commit_at("propose CHG-1", at(1));
    repo.write("ops/changes/CHG-1.yaml", change("CHG-1", "completed"));
    repo.commit_at("complete CHG-1", at(2));
    let all = lead_time::read(&repo.path().join("ops"), "HEAD").unwrap();
    assert_eq!(all.keys().collect::<Vec<_>>(), ["CHG-1"]);
    assert_eq!(all["CHG-1"], milestones(1, Some(2), Some(2)));
}

#[test]
fn what_the_revisions_settings_exclude_is_not_read_in_any_commit() {
    let mut repo = started();
    repo.write("drafts/CHG-7.yaml", change("CHG-7", "requested"));
    repo.write("changes/CHG-8.yaml", change("CHG-8", "requested"));
    repo.commit_at("two changes", at(1));
    let before = repo.commit_at("nothing new", at(2));
    repo.write(
        "cabinet.yaml",
        CONFIG.replace("spec: {}", "spec: {exclude: [\"drafts\"]}"),
    );
    repo.write("drafts/CHG-7.yaml", change("CHG-7", "approved"));
    repo.commit_at("drafts are not records", at(3));
    // Read at the last commit, whose cabinet.yaml excludes drafts/: not even the commits
    // from before the exclusion count it.
    let all = lead_time::read(repo.path(), "HEAD").unwrap();
    assert_eq!(all.keys().collect::<Vec<_>>(), ["CHG-8"]);
    // Read at a commit from before, it is a record.
    let then = lead_time::read(repo.path(), &before).unwrap();
    assert_eq!(then.keys().collect::<Vec<_>>(), ["CHG-7", "CHG-8"]);
}

#[test]
fn records_the_loader_does_not_read_do_not_count() {
    let mut repo = started();
    repo.write(
        "cabinet.yaml",
        CONFIG.replace("spec: {}", "spec: {limits: {maxFileBytes: 1024}}"),
    );
    // Over the size limit: never read, in any commit.
    let padding = format!("# {}\n", "x".repeat(2000));
    repo.write(
        "changes/CHG-1.yaml",
        format!("{padding}{}", change("CHG-1", "requested")),
    );
    // Invalid (no requester): not a record until it is fixed.
    repo.write(
        "changes/CHG-2.yaml",
        change("CHG-2", "approved").replace("  requester: octocat\n", ""),
    );
    // Not YAML by name.
    repo.write("changes/CHG-3.txt", change("CHG-3", "approved"));
    repo.commit_at("three that are not read", at(1));
    repo.write("changes/CHG-2.yaml", change("CHG-2", "approved"));
    repo.commit_at("CHG-2 fixed", at(2));
    let all = lead_time::read(repo.path(), "HEAD").unwrap();
    assert_eq!(all.keys().collect::<Vec<_>>(), ["CHG-2"]);
    assert_eq!(all["CHG-2"], milestones(2, Some(2), None));
}

#[test]
fn a_commit_that_changes_more_record_files_than_max_records_fails_the_reading() {
    let mut repo = started();
    repo.write(
        "cabinet.yaml",
        CONFIG.replace("spec: {}", "spec: {limits: {maxRecords: 3}}"),
    );
    repo.commit_at("a small limit", at(1));
    for n in 1..=4 {
        repo.write(
            &format!("changes/CHG-{n}.yaml"),
            change(&format!("CHG-{n}"), "requested"),
        );
    }
    let big = repo.commit_at("four changes at once", at(2));
    let err = lead_time::read(repo.path(), "HEAD").unwrap_err();
    assert!(
        matches!(err, LeadTimeError::Load(_))
            && err.to_string()
                == format!(
                    "commit {big} changes more than 3 record files; the history is not read"
                ),
        "{err}"
    );
}

#[test]
fn a_shallow_clone_is_an_error_not_a_history_that_starts_late() {
    let mut repo = started();
    repo.write("changes/CHG-1.yaml", change("CHG-1", "requested"));
    repo.commit_at("propose CHG-1", at(1));
    repo.write("changes/CHG-1.yaml", change("CHG-1", "approved"));
    repo.commit_at("approve CHG-1", at(2));
    let clone = tempfile::tempdir().unwrap();
    succeeded(
        std::process::Command::new("git")
            .args(["clone", "-q", "--depth", "1"])
            .arg(format!("file://{}", repo.path().display()))
            .arg(clone.path()),
    );
    let err = lead_time::read(clone.path(), "HEAD").unwrap_err();
    assert_eq!(
        err.to_string(),
        "the repository is a shallow clone: the history of `HEAD` is not all there"
    );
}

#[test]
fn an_unknown_revision_is_an_error() {
    let repo = started();
    let err = lead_time::read(repo.path(), "no-such-branch").unwrap_err();
    assert_eq!(err.to_string(), "revision `no-such-branch` does not exist");
}
