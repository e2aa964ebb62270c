//! Attacks: outputs (see mod.rs). Inputs that would exhaust the gate (a maintenance window
//! every second since 1900, weights that overflow a score, findings by the hundred thousand),
//! names that would inject lines into a CI log or markup into the pull-request comment, and
//! files the gate would read or write outside the repository.

use crate::util::*;
use std::path::Path;

const NOW: &str = "2026-11-22T09:00:00Z";

/// A config, a CAB, a tier-1 service `pay` on a database `db`, and `policy` as the Policy's
/// spec lines (indented by two spaces).
fn catalogue(policy: &str) -> String {
    format!(
        "apiVersion: cabinet/v1\nkind: Config\nmetadata: {{id: t}}\nspec: {{}}\n---\napiVersion: cabinet/v1\nkind: Team\nmetadata: {{id: ops}}\nspec: {{members: [{{github: alice, githubId: 1001}}]}}\n---\napiVersion: cabinet/v1\nkind: Policy\nmetadata: {{id: p}}\nspec:\n  cab: ops\n{policy}---\napiVersion: cabinet/v1\nkind: ConfigurationItem\nmetadata: {{id: db}}\nspec: {{type: database, owner: ops, environment: production, lifecycle: planned}}\n---\napiVersion: cabinet/v1\nkind: Service\nmetadata: {{id: pay}}\nspec: {{owner: ops, tier: 1, lifecycle: planned, dependsOn: [ci:db]}}\n---\napiVersion: cabinet/v1\nkind: Service\nmetadata: {{id: shop}}\nspec: {{owner: ops, tier: 1, lifecycle: planned, dependsOn: [ci:db]}}\n"
    )
}

/// A normal change on `ci:db`, declared critical, on Wednesday 9 December 2026 13:00-14:00Z.
fn normal_change(id: &str) -> String {
    format!(
        "apiVersion: cabinet/v1\nkind: Change\nmetadata: {{id: {id}}}\nspec:\n  type: normal\n  requester: alice\n  reason: r\n  affects: [ci:db]\n  window: {{start: \"2026-12-09T13:00:00Z\", end: \"2026-12-09T14:00:00Z\"}}\n  risk: critical\n  plan: p\n  backout: b\n  verification: v\n  status: requested\n"
    )
}

const EVERY_SECOND: &str = "  maintenanceWindows:\n    - {name: Every second, rrule: \"FREQ=SECONDLY\", duration: 1h, timezone: UTC, start: \"1900-01-01T00:00:00\"}\n";

fn codes(json: &serde_json::Value, at: &str) -> Vec<String> {
    json.pointer(at)
        .and_then(|v| v.as_array())
        .unwrap_or_else(|| panic!("no {at} in {json}"))
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

// --- hole 7: exhaustion ---

#[test]
fn a_window_every_second_since_1900_is_refused_at_validate() {
    let repo = TestRepo::empty();
    repo.write("cabinet.yaml", catalogue(EVERY_SECOND));
    let run = repo.run(&["validate", "--format", "json"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let json = run.json();
    assert_eq!(codes(&json, "/diagnostics"), vec!["window-too-frequent"]);
    assert_eq!(
        json["diagnostics"][0]["message"],
        "maintenance window `Every second` recurs secondly; the policy allows nothing finer than hourly"
    );
    // Minutely is refused by default too; hourly is allowed.
    for (rule, code) in [("FREQ=MINUTELY", 1), ("FREQ=HOURLY", 0)] {
        repo.write(
            "cabinet.yaml",
            catalogue(&format!(
                "  maintenanceWindows:\n    - {{name: w, rrule: \"{rule}\", duration: 1h, timezone: UTC}}\n"
            )),
        );
        assert_eq!(repo.run(&["validate"]).code, code, "{rule}");
    }
}

#[test]
fn a_window_too_dense_to_walk_blocks_the_gate_instead_of_hanging_it() {
    // The base Policy allows it (so validation passes), but walking a window every second
    // from 1900 to 2026 is billions of steps: the gate gives up after a million and blocks.
    let mut repo = TestRepo::empty();
    repo.write(
        "cabinet.yaml",
        catalogue(&format!(
            "  finestWindowFrequency: secondly\n{EVERY_SECOND}"
        )),
    );
    repo.commit("base");
    repo.write("changes/CHG-1.yaml", normal_change("CHG-1"));
    repo.commit("a normal change on a tier-1 service");
    let run = repo.run(&[
        "check", "--base", "HEAD~1", "--head", "HEAD", "--now", NOW, "--format", "json",
    ]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let json = run.json();
    assert_eq!(
        codes(&json, "/policy/violations"),
        vec!["window-undecidable"]
    );
    assert!(
        json["policy"]["violations"][0]["message"]
            .as_str()
            .unwrap()
            .contains("more than 1000000 occurrences"),
        "{json}"
    );
    // The calendar cannot list that window either: it says so and exits 3.
    let run = repo.run(&[
        "schedule",
        "--from",
        "2026-12-01",
        "--to",
        "2026-12-08",
        "--now",
        NOW,
    ]);
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("maintenance window Every second could not be listed"),
        "{}",
        run.stdout
    );
}

#[test]
fn risk_weights_of_2_to_the_31_saturate_instead_of_wrapping_to_zero() {
    // Two tier-1 outages at 2^31 points each: a u32 sum wraps to 0 (low risk).
    let repo = TestRepo::empty();
    repo.write(
        "cabinet.yaml",
        catalogue("  risk:\n    tierWeights: {\"1\": 2147483648}\n"),
    );
    let run = repo.run(&["impact", "ci:db", "--format", "json"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let json = run.json();
    assert_eq!(json["risk"]["score"], u32::MAX);
    assert_eq!(json["risk"]["level"], "critical");
}

#[test]
fn sarif_keeps_githubs_limit_of_25000_results_and_says_how_many_were_left_out() {
    let repo = TestRepo::new();
    repo.write("empty-documents.yaml", "---\n".repeat(25_010));
    let run = repo.run(&["validate", "--format", "sarif"]);
    assert_eq!(run.code, 1);
    let sarif = run.json();
    let run0 = &sarif["runs"][0];
    assert_eq!(run0["results"].as_array().unwrap().len(), 25_000);
    assert_eq!(run0["properties"]["omittedResults"], 10);
    assert!(
        run0["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("10 of 25010 findings left out"),
        "{run0}"
    );
}

#[test]
fn every_finding_of_a_large_file_is_reported_with_its_own_line() {
    // One finding per line: each rendering shows its own line only (output linear in the
    // findings; the unit test in report::human renders 50,000).
    let repo = TestRepo::new();
    repo.write("empty-documents.yaml", "---\n".repeat(5_000));
    let run = repo.run(&["validate"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout.matches("error[not-a-mapping]").count(), 5_000);
    assert_eq!(run.stdout.matches(" | ---").count(), 5_000);
    assert!(run.stdout.contains("--> empty-documents.yaml:5000:4"));
}

// --- hole 8: output injection ---

const FORGED: &str = "a\n::error file=x::forged.yaml";

#[test]
fn a_file_name_cannot_print_a_workflow_command() {
    let repo = TestRepo::new();
    repo.write(FORGED, "just text\n");
    for format in ["human", "github", "junit", "json", "sarif"] {
        let run = repo.run(&["validate", "--format", format]);
        assert_eq!(run.code, 1, "{format}: {}{}", run.stdout, run.stderr);
        for line in run.stdout.lines().chain(run.stderr.lines()) {
            assert!(
                !line.trim_start().starts_with("::error file=x::"),
                "{format} printed a forged workflow command:\n{}",
                run.stdout
            );
        }
    }
    let human = repo.run(&["validate"]);
    assert!(
        human.stdout.contains("a\\n::error file=x::forged.yaml"),
        "{}",
        human.stdout
    );
    let github = repo.run(&["validate", "--format", "github"]);
    assert!(
        github
            .stdout
            .contains("file=a%0A%3A%3Aerror file=x%3A%3Aforged.yaml"),
        "{}",
        github.stdout
    );
}

#[test]
fn record_values_cannot_break_the_pull_request_comment() {
    // A change whose name carries a table break, a link and a line break; and a file name
    // with a backtick and a pipe.
    let mut repo = TestRepo::empty();
    repo.write("cabinet.yaml", catalogue(""));
    repo.commit("base");
    let change = normal_change("CHG-1").replace(
        "metadata: {id: CHG-1}",
        "metadata: {id: CHG-1, name: \"x | [click](https://evil.test) \\n::error::y\"}",
    );
    repo.write("changes/we`ird|name.yaml", change);
    repo.commit("pull request");
    let run = repo.run(&[
        "check", "--base", "HEAD~1", "--head", "HEAD", "--now", NOW, "--format", "markdown",
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let md = &run.stdout;
    assert!(!md.contains("[click]"), "{md}");
    assert!(md.contains("\\[click\\]"), "{md}");
    assert!(
        !md.lines().any(|l| l.trim_start().starts_with("::")),
        "{md}"
    );
    // The file name is one code span, its pipe escaped for the table.
    assert!(md.contains("``changes/we`ird\\|name.yaml"), "{md}");
}

// --- hole 9: files outside the repository ---

#[test]
fn a_template_linked_to_the_environment_is_not_read() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("environ");
    std::fs::write(&secret, "GITHUB_TOKEN=ghs_hunter2").unwrap();
    let mut repo = TestRepo::new();
    repo.commit("base");
    std::fs::create_dir_all(repo.path().join("templates")).unwrap();
    std::os::unix::fs::symlink(&secret, repo.path().join("templates/check.md")).unwrap();
    let run = repo.run(&[
        "check", "--base", "HEAD", "--now", NOW, "--format", "markdown",
    ]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(!run.stdout.contains("hunter2") && !run.stderr.contains("hunter2"));
    assert!(run.stderr.contains("is a symbolic link"), "{}", run.stderr);
    // A linked templates folder is refused too.
    std::fs::remove_dir_all(repo.path().join("templates")).unwrap();
    std::fs::write(outside.path().join("check.md"), "{{ verdict }} ghs_hunter2").unwrap();
    std::os::unix::fs::symlink(outside.path(), repo.path().join("templates")).unwrap();
    let run = repo.run(&[
        "check", "--base", "HEAD", "--now", NOW, "--format", "markdown",
    ]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(!run.stdout.contains("hunter2"));
}

#[test]
fn the_configured_site_folder_stays_inside_the_repository_and_out_of_git() {
    let outside = tempfile::tempdir().unwrap();
    let mut repo = TestRepo::new();
    repo.commit("base");
    std::os::unix::fs::symlink(outside.path(), repo.path().join("linked")).unwrap();
    let config =
        |out: &str| CONFIG.replace("spec: {}", &format!("spec: {{site: {{out: \"{out}\"}}}}"));
    for (out, reason) in [
        ("../outside", "is not a folder inside the repository"),
        ("/tmp/cabinet-site", "is not a folder inside the repository"),
        (".git/hooks", "under a .git folder"),
        ("linked/site", "leads outside the repository"),
    ] {
        repo.write("cabinet.yaml", config(out));
        let run = repo.run(&["site", "build", "--now", NOW]);
        assert_eq!(run.code, 2, "{out}: {}{}", run.stdout, run.stderr);
        assert!(run.stderr.contains(reason), "{out}: {}", run.stderr);
    }
    assert!(std::fs::read_dir(outside.path()).unwrap().next().is_none());
    assert!(!repo.path().join(".git/hooks/index.html").exists());
    // --out, the operator's own choice, may still name a folder outside, never one in .git.
    let run = repo.run(&["site", "build", "--now", NOW, "--out", ".git/site"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    repo.write("cabinet.yaml", config("public"));
    assert_eq!(repo.run(&["site", "build", "--now", NOW]).code, 0);
}

/// `.public.building-PID` and `.public.old-PID` folders left by killed builds.
fn leftovers(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public."))
        .collect();
    names.sort();
    names
}

#[test]
fn a_later_build_removes_staging_folders_of_killed_builds() {
    let repo = TestRepo::example("acme");
    // A process id no system hands out (above Linux's maximum of 2^22), and this test's own,
    // which is alive: only the first is stale.
    let dead = repo.path().join(".public.building-999999999");
    std::fs::create_dir_all(dead.join("services")).unwrap();
    std::fs::write(dead.join("services/big.html"), "x".repeat(1 << 16)).unwrap();
    std::fs::create_dir_all(repo.path().join(".public.old-999999998")).unwrap();
    let live = format!(".public.building-{}", std::process::id());
    std::fs::create_dir_all(repo.path().join(&live)).unwrap();
    let run = repo.run(&["site", "build", "--now", NOW]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(leftovers(repo.path()), vec![live]);
}

#[test]
fn an_interrupted_build_removes_its_staging_folder() {
    let repo = TestRepo::example("acme");
    // Service pages slow enough that the build is still running when the signal comes.
    repo.write(
        "templates/site/service.html",
        "{% for i in range(2000) %}{% for j in range(2000) %}{% endfor %}{% endfor %}ok\n",
    );
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("cabinet"))
        .current_dir(repo.path())
        .args(["site", "build", "--now", NOW])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let staging = repo.path().join(format!(".public.building-{}", child.id()));
    // Wait until the build has written a file into its staging folder.
    let mut polls = 0;
    while std::fs::read_dir(&staging).map_or(true, |mut d| d.next().is_none()) {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the build ended before it could be interrupted"
        );
        polls += 1;
        assert!(polls < 600_000, "no staging folder appeared");
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("interrupted by a signal"), "{stderr}");
    assert!(!staging.exists());
    assert_eq!(leftovers(repo.path()), Vec::<String>::new());
    assert!(!repo.path().join("public").exists());
}

#[test]
fn an_error_message_cannot_print_a_workflow_command_either() {
    // A revision name is echoed in the error; so could a file name be.
    let mut repo = TestRepo::new();
    repo.commit("base");
    let run = repo.run(&["validate", "--rev", "nope\n::error file=x::forged"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        !run.stderr.lines().any(|l| l.starts_with("::error")),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("nope\\n::error"), "{}", run.stderr);
}
