//! `cabinet schedule`: the calendar, conflicts, and an iCalendar feed a real parser accepts.

use crate::util::*;
use std::io::Write;
use std::process::{Command, Stdio};

const NOW: &str = "2026-11-22T09:00:00Z";

fn acme(args: &[&str]) -> Run {
    run_in(&examples().join("acme"), args)
}

/// Parse an iCalendar text and list its events as `UID|DTSTART|DTEND|STATUS`.
///
/// The `icalendar` crate parses it on every machine; where Python's `icalendar` is installed
/// (`.ci/run` installs it, and with `CI` set it must be there) it parses the same text too and
/// must list the same events.
fn parse_ics(ics: &str) -> Vec<String> {
    use icalendar::{Component, DatePerhapsTime};
    let calendar: icalendar::Calendar = icalendar::parser::unfold(ics)
        .parse()
        .unwrap_or_else(|e| panic!("the feed is not iCalendar: {e}\n{ics}"));
    assert_eq!(calendar.property_value("VERSION"), Some("2.0"));
    assert!(calendar.property_value("PRODID").is_some(), "PRODID");
    let when = |d: Option<DatePerhapsTime>| match d {
        Some(DatePerhapsTime::Date(date)) => date.format("%Y-%m-%d").to_string(),
        Some(DatePerhapsTime::DateTime(icalendar::CalendarDateTime::Utc(t))) => {
            t.format("%Y-%m-%dT%H:%M:%S+00:00").to_string()
        }
        other => panic!("an event time that is neither a date nor UTC: {other:?}"),
    };
    let events: Vec<String> = calendar
        .events()
        .map(|e| {
            for required in ["UID", "DTSTAMP", "DTSTART", "SUMMARY"] {
                assert!(e.property_value(required).is_some(), "{required} in {e:?}");
            }
            [
                e.get_uid().unwrap_or_default().to_string(),
                when(e.get_start()),
                when(e.get_end()),
                e.property_value("STATUS").unwrap_or_default().to_string(),
            ]
            .join("|")
        })
        .collect();
    if let Some(python) = parse_ics_with_python(ics) {
        assert_eq!(
            python, events,
            "Python's icalendar reads the feed differently"
        );
    }
    events
}

/// The same listing from Python's `icalendar`, or `None` (with a note) where it is not
/// installed and `CI` is unset.
fn parse_ics_with_python(ics: &str) -> Option<Vec<String>> {
    let script = r#"
import sys, icalendar
cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
assert cal.get("VERSION") == "2.0", cal.get("VERSION")
assert cal.get("PRODID")
for e in cal.walk("VEVENT"):
    for required in ("UID", "DTSTAMP", "DTSTART", "SUMMARY"):
        assert e.get(required) is not None, required
    print("|".join([str(e.get("UID")), e.decoded("DTSTART").isoformat(), e.decoded("DTEND").isoformat(), str(e.get("STATUS", ""))]))
"#;
    let installed = Command::new("python3")
        .args(["-c", "import icalendar"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !installed {
        assert!(
            std::env::var_os("CI").is_none(),
            "Python's icalendar is not installed but CI is set (.ci/run installs it with pip)"
        );
        note_skip(
            "Python's icalendar is not installed; the feed is parsed by the icalendar crate only",
        );
        return None;
    }
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(ics.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "Python's icalendar refused the feed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect(),
    )
}

#[test]
fn the_feed_is_valid_icalendar_with_one_event_per_change_and_all_day_freezes() {
    let run = acme(&[
        "schedule",
        "--now",
        NOW,
        "--from",
        "2026-11-01",
        "--to",
        "2027-02-01",
        "--format",
        "ics",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("\r\n"), "lines end in CRLF");
    let events = parse_ics(&run.stdout);
    assert!(events.contains(&"CHG-2026-0042@acme-service-catalogue.cabinet|2026-12-01T22:00:00+00:00|2026-12-02T01:00:00+00:00|TENTATIVE".to_string()), "{events:#?}");
    assert!(
        events.contains(
            &"freeze-year-end-freeze-20261215T000000Z@acme-service-catalogue.cabinet|2026-12-15|2027-01-05|"
                .to_string()
        ),
        "{events:#?}"
    );
    assert!(
        events
            .iter()
            .any(|e| e.starts_with("CHG-2026-0040@") && e.ends_with("|CANCELLED")),
        "{events:#?}"
    );
}

/// Two freezes of one name are two events, and a freeze that is not whole days keeps its
/// times: a night from 17:00Z to 05:00Z is not two all-day events.
#[test]
fn freezes_have_their_own_uids_and_their_real_times() {
    let repo = TestRepo::new();
    repo.write(
        "policy.yaml",
        "apiVersion: cabinet/v1\nkind: Policy\nmetadata: {id: default}\nspec:\n  cab: cab\n  freezes:\n    - {name: Release freeze, start: \"2026-12-10T17:00:00Z\", end: \"2026-12-11T05:00:00Z\"}\n    - {name: Release freeze, start: \"2026-12-17T17:00:00Z\", end: \"2026-12-18T05:00:00Z\"}\n    - {name: Holidays, start: \"2026-12-24T00:00:00Z\", end: \"2026-12-27T00:00:00Z\"}\n---\napiVersion: cabinet/v1\nkind: Team\nmetadata: {id: cab}\nspec:\n  members: [{github: carol}]\n",
    );
    let ics = [
        "schedule",
        "--now",
        NOW,
        "--from",
        "2026-12-01",
        "--to",
        "2027-01-01",
        "--format",
        "ics",
    ];
    let run = repo.run(&ics);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let events = parse_ics(&run.stdout);
    let uids: std::collections::BTreeSet<&str> = events
        .iter()
        .map(|e| e.split('|').next().unwrap())
        .collect();
    assert_eq!(uids.len(), 3, "{events:#?}");
    assert!(
        events
            .iter()
            .any(|e| e.ends_with("|2026-12-10T17:00:00+00:00|2026-12-11T05:00:00+00:00|")),
        "{events:#?}"
    );
    assert!(
        events
            .iter()
            .any(|e| e.ends_with("|2026-12-24|2026-12-27|")),
        "{events:#?}"
    );
    // The same records give the same UIDs.
    let again = repo.run(&ics);
    assert_eq!(parse_ics(&again.stdout), events);
}

#[test]
fn a_moved_change_keeps_its_uid() {
    let repo = TestRepo::example("acme");
    let before = parse_ics(
        &repo
            .run(&["schedule", "--now", NOW, "--format", "ics"])
            .stdout,
    );
    let path = "changes/2026/CHG-2026-0042.yaml";
    let text = std::fs::read_to_string(repo.path().join(path)).unwrap();
    repo.write(
        path,
        text.replace("2026-12-01T22:00:00Z", "2026-12-08T22:00:00Z")
            .replace("2026-12-02T01:00:00Z", "2026-12-09T01:00:00Z"),
    );
    let after = parse_ics(
        &repo
            .run(&["schedule", "--now", NOW, "--format", "ics"])
            .stdout,
    );
    let uid = |events: &[String]| {
        events
            .iter()
            .find(|e| e.starts_with("CHG-2026-0042@"))
            .cloned()
            .unwrap()
    };
    let (a, b) = (uid(&before), uid(&after));
    assert_eq!(a.split('|').next(), b.split('|').next());
    assert_ne!(a, b);
    assert_eq!(before.len(), after.len());
}

#[test]
fn conflicts_are_marked_in_every_format() {
    let repo = TestRepo::example("acme");
    repo.write(
        "changes/2026/CHG-2026-0099.yaml",
        "apiVersion: cabinet/v1\nkind: Change\nmetadata: {id: CHG-2026-0099}\nspec: {type: normal, requester: mona, reason: r, affects: [ci:search-app], window: {start: \"2026-12-06T22:00:00Z\", end: \"2026-12-06T23:00:00Z\"}, risk: medium, plan: p, backout: b, status: requested}\n",
    );
    let json = repo
        .run(&["schedule", "--now", NOW, "--format", "json"])
        .json();
    assert_eq!(
        json["conflicts"][0]["changes"],
        serde_json::json!(["CHG-2026-0044", "CHG-2026-0099"])
    );
    let human = repo.run(&["schedule", "--now", NOW]).stdout;
    assert!(
        human.contains("CHG-2026-0099") && human.contains("CONFLICTS with CHG-2026-0044"),
        "{human}"
    );
    let ics = repo
        .run(&["schedule", "--now", NOW, "--format", "ics"])
        .stdout;
    assert!(
        ics.replace("\r\n ", "")
            .contains("CONFLICTS with CHG-2026-0099"),
        "{ics}"
    );
}

#[test]
fn the_period_defaults_to_90_days_from_now_and_bad_dates_are_usage_errors() {
    let json = acme(&["schedule", "--now", NOW, "--format", "json"]).json();
    assert_eq!(json["from"], NOW);
    assert_eq!(json["to"], "2027-02-20T09:00:00Z");
    let ids: Vec<&str> = json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(
        !ids.contains(&"CHG-2026-0031"),
        "a change before --from is not listed: {ids:?}"
    );
    assert_eq!(json["windows"][0]["start"], "2026-11-22T21:00:00Z");
    let run = acme(&["schedule", "--from", "next tuesday"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("neither a date nor an RFC 3339 time"),
        "{}",
        run.stderr
    );
    assert_eq!(
        acme(&["schedule", "--from", "2027-01-01", "--to", "2026-01-01"]).code,
        2
    );
}
