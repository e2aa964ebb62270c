//! Every output format, read by the tools that consume it: the SARIF Multitool with GitHub's
//! policy, the strict Ant and the Jenkins JUnit schemas (Python's `xmlschema`), and two
//! iCalendar readers (Python's `icalendar` and `recurring-ical-events`). Each validator runs
//! on the outputs of `examples/broken`, `examples/acme` and the acme history's pull requests.
//! A missing tool skips with a note, and fails the test under CI (`.ci/run` installs them).

use crate::site::NOW;
use crate::util::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

/// Name a validator's verdict on a file in the test log (`.ci/run` shows it with
/// `--nocapture`).
fn verdict(tool: &str, file: &Path, problems: &str) {
    use std::io::Write;
    let name = file.file_name().unwrap_or_default().to_string_lossy();
    let said = if problems.is_empty() {
        "valid"
    } else {
        "INVALID"
    };
    let _ = writeln!(std::io::stderr(), "{tool}: {name}: {said}");
}

/// A Python module, if installed (skipping or failing as `tool` does).
fn python_module(module: &str, package: &str) -> bool {
    tool(
        "python3",
        &["-c", &format!("import {module}")],
        &format!(".ci/run installs Python's `{module}` (`pip install {package}`)"),
    )
}

/// Run a Python script on files; its output (which must be empty when all is well).
fn python(script: &str, args: &[&Path]) -> String {
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python3 runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    text
}

/// Write `text` to `dir/name`; its path.
fn save(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// `cabinet` in `dir`, which must exit with one of `codes`; its output.
fn output(dir: &Path, args: &[&str], codes: &[i32]) -> String {
    let run = run_in(dir, args);
    assert!(
        codes.contains(&run.code),
        "{args:?}: {}\n{}",
        run.code,
        run.stderr
    );
    run.stdout
}

/// The acme example with its history of pull requests (`ci/acme-history.sh`), and its
/// `pr/*` branches.
fn acme_history_and_branches(dir: &Path) -> (PathBuf, Vec<String>) {
    let repo = dir.join("acme");
    acme_history(&repo);
    let out = succeeded(Command::new("git").arg("-C").arg(&repo).args([
        "for-each-ref",
        "--format=%(refname:short)",
        "refs/heads/pr/",
    ]));
    let branches: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert!(branches.len() >= 5, "{branches:?}");
    (repo, branches)
}

/// The SARIF Multitool's binary, from its npm package (`@microsoft/sarif-multitool`,
/// installed globally). Its npm wrapper passes arguments through a shell, which would split
/// `Sarif;Gh`, so the binary is run directly.
fn multitool() -> Option<PathBuf> {
    let root = Command::new("npm").args(["root", "-g"]).output().ok()?;
    let root = String::from_utf8(root.stdout).ok()?;
    let package = Path::new(root.trim()).join("@microsoft/sarif-multitool");
    let out = Command::new("node")
        .arg("-p")
        .arg(format!("require({:?})", package.display().to_string()))
        .output()
        .ok()?;
    let path = PathBuf::from(String::from_utf8(out.stdout).ok()?.trim());
    let runs = Command::new(&path)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    runs.then_some(path)
}

#[test]
fn sarif_passes_the_multitool_with_githubs_policy() {
    let found = multitool();
    assert!(
        found.is_some() || std::env::var_os("CI").is_none(),
        "the SARIF Multitool is missing; .ci/run installs it (`npm install -g @microsoft/sarif-multitool`)"
    );
    let Some(multitool) = found else {
        note_skip(
            "the SARIF Multitool is not installed (`npm install -g @microsoft/sarif-multitool`)",
        );
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let broken = TestRepo::example("broken");
    let mut logs = vec![save(
        tmp.path(),
        "broken.sarif",
        &output(
            broken.path(),
            &["--now", NOW, "validate", "--format", "sarif"],
            &[1],
        ),
    )];
    logs.push(save(
        tmp.path(),
        "acme.sarif",
        &output(
            &examples().join("acme"),
            &["--now", NOW, "validate", "--format", "sarif"],
            &[0, 1],
        ),
    ));
    let (repo, branches) = acme_history_and_branches(tmp.path());
    for branch in &branches {
        let name = format!("{}.sarif", branch.replace('/', "-"));
        let log = output(
            &repo,
            &[
                "check", "--base", "main", "--head", branch, "--now", NOW, "--format", "sarif",
            ],
            &[0, 1],
        );
        logs.push(save(tmp.path(), &name, &log));
    }
    for log in &logs {
        let out = Command::new(&multitool)
            .arg("validate")
            .arg("--config")
            .arg(fixture("sarif/github.config.xml"))
            .args([
                "--rule-kind",
                "Sarif;Gh;Ghas",
                "--level",
                "Error;Warning;Note",
            ])
            .arg(log)
            .output()
            .expect("the Multitool runs");
        let report = String::from_utf8_lossy(&out.stdout).to_string();
        // Its own notices (rules the policy turns off) are not about the log.
        let findings: Vec<&str> = report
            .lines()
            .filter(|l| l.contains(": error ") || l.contains(": warning ") || l.contains(": note "))
            .filter(|l| !l.starts_with("SARIF.MULTITOOL"))
            .collect();
        verdict("SARIF Multitool (GitHub policy)", log, &findings.join("\n"));
        assert!(
            out.status.success() && findings.is_empty(),
            "the Multitool finds fault with {}:\n{}",
            log.display(),
            findings.join("\n")
        );
    }
}

#[test]
fn junit_is_valid_against_the_strict_ant_schema_and_jenkins() {
    if !python_module("xmlschema", "xmlschema") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let broken = TestRepo::example("broken");
    let reports = [
        save(
            tmp.path(),
            "broken.xml",
            &output(
                broken.path(),
                &["--now", NOW, "validate", "--format", "junit"],
                &[1],
            ),
        ),
        save(
            tmp.path(),
            "acme.xml",
            &output(
                &examples().join("acme"),
                &["--now", NOW, "validate", "--format", "junit"],
                &[0, 1],
            ),
        ),
    ];
    let script = r#"
import sys, xmlschema
schema = xmlschema.XMLSchema(sys.argv[1])
for report in sys.argv[2:]:
    for error in schema.iter_errors(report):
        print(f"{report}: {error.reason} at {error.path}")
"#;
    for schema in ["junit/ant-junit.xsd", "junit/jenkins-junit-10.xsd"] {
        let mut args: Vec<&Path> = Vec::new();
        let schema = fixture(schema);
        args.push(&schema);
        args.extend(reports.iter().map(PathBuf::as_path));
        let errors = python(script, &args);
        let tool = format!(
            "xmlschema {}",
            schema.file_name().unwrap().to_string_lossy()
        );
        for report in &reports {
            let name = report.display().to_string();
            let own: Vec<&str> = errors.lines().filter(|l| l.starts_with(&name)).collect();
            verdict(&tool, report, &own.join("\n"));
        }
        assert!(errors.is_empty(), "{}:\n{errors}", schema.display());
    }
}

#[test]
fn icalendar_is_read_whole_by_icalendar_and_recurring_ical_events() {
    if !python_module("icalendar", "icalendar")
        || !python_module("recurring_ical_events", "recurring-ical-events")
    {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let ics = [
        "schedule",
        "--now",
        NOW,
        "--from",
        "2026-01-01",
        "--to",
        "2028-01-01",
        "--format",
        "ics",
    ];
    let mut feeds = vec![save(
        tmp.path(),
        "acme.ics",
        &output(&examples().join("acme"), &ics, &[0]),
    )];
    let broken = TestRepo::example("broken");
    feeds.push(save(
        tmp.path(),
        "broken.ics",
        &output(broken.path(), &ics, &[0, 1, 3]),
    ));
    // Two freezes of one name, one of them a night: two events, both with their times.
    let freezes = TestRepo::new();
    freezes.write(
        "policy.yaml",
        "apiVersion: cabinet/v1\nkind: Policy\nmetadata: {id: default}\nspec:\n  cab: cab\n  freezes:\n    - {name: Release freeze, start: \"2026-12-10T17:00:00Z\", end: \"2026-12-11T05:00:00Z\"}\n    - {name: Release freeze, start: \"2026-12-17T00:00:00Z\", end: \"2026-12-19T00:00:00Z\"}\n---\napiVersion: cabinet/v1\nkind: Team\nmetadata: {id: cab}\nspec:\n  members: [{github: carol}]\n",
    );
    feeds.push(save(
        tmp.path(),
        "freezes.ics",
        &output(freezes.path(), &ics, &[0]),
    ));
    let (_site_dir, site) = crate::site::build_acme();
    feeds.push(site.join("calendar.ics"));
    let (repo, branches) = acme_history_and_branches(tmp.path());
    for branch in &branches {
        succeeded(
            Command::new("git")
                .arg("-C")
                .arg(&repo)
                .args(["checkout", "-q", branch]),
        );
        let name = format!("{}.ics", branch.replace('/', "-"));
        feeds.push(save(tmp.path(), &name, &output(&repo, &ics, &[0])));
    }
    // Both readers must see every event: recurring-ical-events takes two events with one UID
    // for one event and its changed occurrence, and shows one of them.
    let script = r#"
import sys, datetime, icalendar, recurring_ical_events
for path in sys.argv[1:]:
    raw = open(path, "rb").read()
    if b"\n" in raw.replace(b"\r\n", b""):
        print(f"{path}: a line does not end in CRLF")
    for line in raw.split(b"\r\n"):
        if len(line) > 75:
            print(f"{path}: a line of {len(line)} octets is not folded")
    calendar = icalendar.Calendar.from_ical(raw)
    events = list(calendar.walk("VEVENT"))
    uids = [str(e["UID"]) for e in events]
    if len(set(uids)) != len(uids):
        print(f"{path}: UIDs shared: {sorted(u for u in set(uids) if uids.count(u) > 1)}")
    seen = recurring_ical_events.of(calendar).between(datetime.date(2000, 1, 1), datetime.date(2100, 1, 1))
    if len(seen) != len(events):
        print(f"{path}: recurring-ical-events sees {len(seen)} of {len(events)} events")
"#;
    let args: Vec<&Path> = feeds.iter().map(PathBuf::as_path).collect();
    let problems = python(script, &args);
    for feed in &feeds {
        let name = feed.display().to_string();
        let own: Vec<&str> = problems.lines().filter(|l| l.starts_with(&name)).collect();
        verdict("icalendar + recurring-ical-events", feed, &own.join("\n"));
    }
    assert!(problems.is_empty(), "{problems}");
}
