//! `cabinet report` on the acme example: its figures worked out by hand, its formats, and
//! independence from file order and the machine's time zone.

use crate::examples::EXAMPLES_NOW;
use crate::util::*;

/// The report of acme at the examples' `now`: the 90 days from 2026-09-02T09:00Z.
fn acme(extra: &[&str]) -> Run {
    let mut args = vec!["report", "--now", EXAMPLES_NOW];
    args.extend_from_slice(extra);
    run_in(&examples().join("acme"), &args)
}

#[test]
fn the_acme_change_figures_are_what_the_records_say() {
    let run = acme(&["--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = run.json();
    assert_eq!(r["period"]["from"], "2026-09-02T09:00:00Z");
    assert_eq!(r["period"]["to"], "2026-12-01T09:00:00Z");
    let c = &r["changes"];
    // Windows that ended in the period with an outcome: CHG-2026-0031 (standard, successful,
    // 10 Nov), -0033 (normal, backed out, 15 Nov), -0036 (emergency, successful, 19 Nov),
    // -0038 (normal, successful, 22 Nov). -0040 was cancelled; -0042..-0045 have no outcome.
    assert_eq!(c["total"], 4);
    assert_eq!(
        c["byType"],
        serde_json::json!({"standard": 1, "normal": 2, "emergency": 1})
    );
    // 3 successful of 4 = 0.75; -0033 backed out (and caused INC-2026-0106): 1 of 4 = 0.25.
    assert_eq!(c["successRate"], 0.75);
    assert_eq!(c["failureRate"], 0.25);
    assert_eq!(c["emergencyShare"], 0.25);
    assert_eq!(c["causedIncidents"], 1);
    assert_eq!(c["byModel"]["restart-pod"]["successRate"], 1.0);
    // Nothing authorised is a week past its window at 1 December.
    assert_eq!(r["outcomeOverdue"], serde_json::json!([]));
}

#[test]
fn the_acme_incident_and_service_figures_are_what_the_records_say() {
    let r = acme(&["--format", "json"]).json();
    let i = &r["incidents"];
    // Eight incidents, 8 Sep to 30 Nov: P1 0101, 0103, 0107; P2 0104, 0105, 0106; P3 0102;
    // P4 0108, still open.
    assert_eq!(i["total"], 8);
    assert_eq!(
        i["byPriority"],
        serde_json::json!({"P1": 3, "P2": 3, "P3": 1, "P4": 1})
    );
    assert_eq!(i["open"], 1);
    assert_eq!(i["causedByChanges"], 1);
    // P1 times to restore: 0101 09:12-11:40 = 8,880 s; 0103 19:02-00:10 = 18,480 s; 0107
    // 16:12-17:15 = 3,780 s. Mean 31,140 / 3 = 10,380; median 8,880; p90 is rank
    // ceil(0.9 * 3) = 3 of the sorted three: 18,480.
    let p1 = &i["timesByPriority"]["P1"]["restore"];
    assert_eq!(
        (&p1["mean"], &p1["median"], &p1["p90"]),
        (&10_380.into(), &8_880.into(), &18_480.into())
    );
    // pg-main failed twice in the period (0101, 0103): with the default threshold of 3
    // nothing recurs.
    assert_eq!(i["recurring"], serde_json::json!([]));
    let payments = r["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["ref"] == "service:payments-api")
        .unwrap();
    // Down in 0101 and 0103 (pg-main) and 0107 (named): 8,880 + 18,480 + 3,780 = 31,140 s,
    // no overlap. 90 days are 7,776,000 s: 1 - 31,140 / 7,776,000 = 0.995995..., 0.996.
    assert_eq!(payments["downSeconds"], 31_140);
    assert_eq!(payments["degradedSeconds"], 0);
    assert_eq!(payments["availability"], 0.996);
    // gold promises 99.95%.
    assert_eq!(payments["slaAvailability"], 0.9995);
    assert_eq!(payments["met"], false);
    assert_eq!(payments["incidents"], 3);
    // INC-2026-0103 missed gold's P1 targets (the two notes of `validate`): its breaches are
    // listed on each gold service it took down.
    assert_eq!(
        payments["breaches"],
        serde_json::json!([
            {"incident": "INC-2026-0103", "code": "sla-response-breach"},
            {"incident": "INC-2026-0103", "code": "sla-resolution-breach"}
        ])
    );
    // Each incident under each SLA it reached, with a target for its priority: 16 verdicts
    // per measure, of which INC-2026-0103 under gold is the one missed.
    assert_eq!(
        i["slaAttainment"]["response"],
        serde_json::json!({"measured": 16, "met": 15, "rate": 0.9375})
    );
    assert_eq!(
        r["problems"],
        serde_json::json!({"knownErrors": 2, "open": 3})
    );
}

#[test]
fn grouping_by_tier_and_cutting_by_month_give_one_csv_row_each() {
    let run = acme(&["--by", "tier", "--interval", "month", "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut reader = csv::Reader::from_reader(run.stdout.as_bytes());
    let header = reader.headers().unwrap().clone();
    assert_eq!(&header[0], "group");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    // Three tiers, and the period cut at 1 Oct, 1 Nov and 1 Dec: four pieces each.
    assert_eq!(rows.len(), 3 * 4);
    assert_eq!(&rows[0][0], "tier 1");
    assert_eq!(&rows[0][1], "2026-09-02T09:00:00Z");
    assert_eq!(&rows[0][2], "2026-10-01T00:00:00Z");
    // Every change counted in November reached tier 1 (CHG-2026-0031..0038).
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(&rows[2][column("changes")], "4");
    assert_eq!(&rows[2][column("failure_rate")], "0.25");
}

#[test]
fn the_markdown_page_and_the_human_tables_show_the_same_figures() {
    let md = acme(&["--by", "tier", "--format", "markdown"]);
    assert_eq!(md.code, 0, "{}", md.stderr);
    assert!(
        md.stdout
            .starts_with("## Service report: 2026-09-02 to 2026-12-01"),
        "{}",
        md.stdout
    );
    assert!(
        md.stdout
            .contains("| Payments API (`service:payments-api`) | 1 | 99.600% | 99.950% | ⛔ | 3 |"),
        "{}",
        md.stdout
    );
    let human = acme(&["--by", "tier"]);
    assert!(
        human
            .stdout
            .contains("success 75.0%, failure 25.0% (1 caused an incident)"),
        "{}",
        human.stdout
    );
    assert!(
        human
            .stdout
            .lines()
            .any(|l| l.starts_with("service:payments-api")
                && l.contains("99.600%")
                && l.ends_with('3')),
        "{}",
        human.stdout
    );
}

#[test]
fn the_report_does_not_depend_on_the_machine_s_time_zone() {
    let run = |tz: &str| {
        let out = cabinet()
            .env("TZ", tz)
            .current_dir(examples().join("acme"))
            .args([
                "report",
                "--now",
                EXAMPLES_NOW,
                "--by",
                "team",
                "--interval",
                "week",
                "--format",
                "json",
            ])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let utc = run("UTC");
    assert!(utc.contains("\"intervals\""));
    for tz in ["Pacific/Kiritimati", "America/St_Johns", "Asia/Kolkata"] {
        assert_eq!(run(tz), utc, "{tz}");
    }
}

#[test]
fn the_report_does_not_depend_on_file_order() {
    // All incidents in one file, in reverse order, under a name that sorts first.
    let repo = TestRepo::example("acme");
    let folder = repo.path().join("incidents/2026");
    let mut files: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut one = String::new();
    for f in files.iter().rev() {
        one.push_str("---\n");
        one.push_str(&std::fs::read_to_string(f).unwrap());
        std::fs::remove_file(f).unwrap();
    }
    repo.write("aaa-incidents.yaml", one);
    let args = [
        "report",
        "--now",
        EXAMPLES_NOW,
        "--by",
        "service",
        "--format",
        "json",
    ];
    let moved = repo.run(&args);
    assert_eq!(moved.code, 0, "{}", moved.stderr);
    assert_eq!(moved.stdout, run_in(&examples().join("acme"), &args).stdout);
}

#[test]
fn a_period_that_cannot_be_reported_is_a_usage_error() {
    for (args, message) in [
        (
            vec!["--from", "2026-12-01", "--to", "2026-11-01"],
            "--to must be after --from",
        ),
        (
            vec!["--from", "yesterday"],
            "is neither a date nor an RFC 3339 time",
        ),
        (
            vec!["--from", "1900-01-01", "--interval", "week"],
            "more than 1000 intervals",
        ),
    ] {
        let run = acme(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
    }
}
