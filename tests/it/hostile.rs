//! Hostile and broken input: every case ends in a finding with a code, a file and (where the
//! file could be read) a line and column, within seconds and without a panic.

use crate::util::*;
use serde_json::Value;
use std::time::{Duration, Instant};

/// Longest any one run may take before it counts as a hang (a debug build on a slow CI runner).
const HANG: Duration = Duration::from_secs(60);

/// A valid team record with the given id.
fn team(id: &str) -> String {
    format!(
        "apiVersion: cabinet/v1\nkind: Team\nmetadata: {{id: {id}}}\nspec:\n  members: [{{github: carol}}]\n"
    )
}

/// Run `cabinet` in the repository, killing it after `HANG`; returns the run and how long it took.
fn timed(repo: &TestRepo, args: &[&str]) -> (Run, Duration) {
    let started = Instant::now();
    let out = cabinet()
        .current_dir(repo.path())
        .args(args)
        .timeout(HANG)
        .output()
        .expect("cabinet runs");
    let elapsed = started.elapsed();
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        !run.stderr.contains("panicked"),
        "cabinet panicked:\n{}",
        run.stderr
    );
    assert!(
        run.code >= 0,
        "cabinet was killed after {elapsed:?} (a hang or a crash):\n{}",
        run.stderr
    );
    (run, elapsed)
}

/// `validate --format json` (optionally at a revision): the exit code and the report.
fn validate(repo: &TestRepo, rev: Option<&str>) -> (i32, Value) {
    let mut args = vec!["validate", "--format", "json"];
    if let Some(rev) = rev {
        args.extend(["--rev", rev]);
    }
    let (run, _) = timed(repo, &args);
    (run.code, run.json())
}

/// The diagnostics of a report that have `code`.
fn with_code<'a>(report: &'a Value, code: &str) -> Vec<&'a Value> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == code)
        .collect()
}

/// Asserts that the report holds exactly the findings `expected` (code, file, line, column),
/// in any order, and nothing else.
fn assert_findings(report: &Value, expected: &[(&str, &str, u64, u64)]) {
    let mut found = findings(report);
    found.sort();
    let mut expected: Vec<(String, String, u64, u64)> = expected
        .iter()
        .map(|(c, f, l, col)| (c.to_string(), f.to_string(), *l, *col))
        .collect();
    expected.sort();
    assert_eq!(found, expected, "{report:#}");
}

/// 1-based column of the first occurrence of `needle` in `line`, counted in characters.
fn column_of(line: &str, needle: &str) -> u64 {
    let byte = line.find(needle).expect("needle in line");
    line[..byte].chars().count() as u64 + 1
}

#[test]
fn malformed_yaml_points_at_the_unclosed_bracket() {
    let repo = TestRepo::new();
    repo.write(
        "teams/a.yaml",
        "apiVersion: cabinet/v1\nkind: Team\nspec: {}\nmetadata: [cab, x\n",
    );
    // With more lines after it, the sequence runs on until something cannot belong to it.
    repo.write(
        "teams/b.yaml",
        "apiVersion: cabinet/v1\nkind: Team\nmetadata: [cab\nspec: {}\n",
    );
    let (code, report) = validate(&repo, None);
    assert_eq!(code, 1);
    let d = &with_code(&report, "invalid-yaml")[0];
    assert_eq!(d["file"], "teams/a.yaml");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("unclosed bracket '['"),
        "{d}"
    );
    assert_findings(
        &report,
        &[
            ("invalid-yaml", "teams/a.yaml", 4, 11),
            ("invalid-yaml", "teams/b.yaml", 4, 5),
        ],
    );
}

#[test]
fn an_unclosed_flow_mapping_is_invalid_yaml() {
    let repo = TestRepo::new();
    repo.write(
        "teams/a.yaml",
        "apiVersion: cabinet/v1\nkind: Team\nmetadata: {id: cab\nspec:\n  members: []\n",
    );
    let (code, report) = validate(&repo, None);
    assert_eq!(code, 1);
    let found = findings(&report);
    assert_eq!(found.len(), 1, "{report:#}");
    assert_eq!(
        (found[0].0.as_str(), found[0].1.as_str()),
        ("invalid-yaml", "teams/a.yaml")
    );
    assert!(
        found[0].2 >= 3,
        "points at or after the opening brace: {found:?}"
    );
}

/// The classic "billion laughs": nine levels of nine aliases expand to 9^9 strings.
fn alias_bomb(levels: usize, fan_out: usize) -> String {
    let mut text = format!("lol: &a0 [{}]\n", vec!["\"lol\""; fan_out].join(", "));
    for level in 1..levels {
        let aliases = vec![format!("*a{}", level - 1); fan_out].join(", ");
        text.push_str(&format!("l{level}: &a{level} [{aliases}]\n"));
    }
    text
}

#[test]
fn an_alias_bomb_is_refused_without_expanding() {
    let repo = TestRepo::new();
    repo.write("bomb.yaml", alias_bomb(10, 10));
    let started = Instant::now();
    let (code, report) = validate(&repo, None);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(code, 1);
    let anchors = with_code(&report, "yaml-anchor");
    // One finding per anchor (10) and per alias (9 levels of 10), nothing expanded.
    assert_eq!(anchors.len(), 10 + 9 * 10, "{report:#}");
    assert_eq!(findings(&report).len(), anchors.len());
    let first = findings(&report)
        .into_iter()
        .min_by_key(|f| (f.2, f.3))
        .unwrap();
    assert_eq!(
        first,
        ("yaml-anchor".into(), "bomb.yaml".into(), 1, 6),
        "the first anchor, `&a0`"
    );
    assert!(
        anchors
            .iter()
            .any(|d| d["message"] == "aliases are not allowed in records")
    );
    assert!(anchors.iter().all(|d| d["severity"] == "error"));
}

#[test]
fn a_file_full_of_aliases_stays_fast() {
    // Many aliases: each is a finding, none is expanded. The run's own time guard (see
    // `timed`) catches a hang; speed itself belongs in benchmarks, not in a test.
    let mut text = String::from("a: &x [lol]\nb: [");
    while text.len() < 100_000 {
        text.push_str("*x, ");
    }
    text.push_str("*x]\n");
    let repo = TestRepo::new();
    repo.write("aliases.yaml", &text);
    let (run, _) = timed(&repo, &["validate", "--format", "json"]);
    assert_eq!(run.code, 1);
    let report = run.json();
    assert!(with_code(&report, "yaml-anchor").len() > 20_000);
}

#[test]
fn a_50_mb_file_is_not_read() {
    let repo = TestRepo::new();
    let mut big = b"apiVersion: cabinet/v1\nkind: Team\nmetadata: {id: big}\nspec:\n  members: [{github: carol}]\n  x: \"".to_vec();
    big.resize(50 * 1024 * 1024, b'a');
    big.extend_from_slice(b"\"\n");
    repo.write("big.yaml", &big);
    let (run, elapsed) = timed(&repo, &["validate", "--format", "json"]);
    assert!(elapsed < Duration::from_secs(20), "took {elapsed:?}");
    assert_eq!(run.code, 1);
    let report = run.json();
    assert_findings(&report, &[("file-too-large", "big.yaml", 1, 1)]);
    let d = &with_code(&report, "file-too-large")[0];
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains(&big.len().to_string()),
        "{d}"
    );
    assert!(d["help"].as_str().unwrap().contains("maxFileBytes"), "{d}");
}

#[test]
fn max_file_bytes_lowers_the_size_limit() {
    let repo = TestRepo::new();
    let description = "x".repeat(3000);
    let record = format!(
        "apiVersion: cabinet/v1\nkind: Team\nmetadata: {{id: big, description: {description}}}\nspec:\n  members: [{{github: carol}}]\n"
    );
    repo.write("teams/big.yaml", &record);
    repo.write("teams/small.yaml", team("small"));
    let (code, report) = validate(&repo, None);
    assert_eq!(code, 0, "3 KB is well under the default limit: {report:#}");
    repo.write(
        "cabinet.yaml",
        CONFIG.replace("spec: {}", "spec: {limits: {maxFileBytes: 2048}}"),
    );
    let (code, report) = validate(&repo, None);
    assert_eq!(code, 1);
    assert_findings(&report, &[("file-too-large", "teams/big.yaml", 1, 1)]);
    let d = &with_code(&report, "file-too-large")[0];
    assert!(
        d["message"].as_str().unwrap().contains("limit of 2048"),
        "{d}"
    );
    assert_eq!(
        report["records"], 4,
        "cabinet.yaml, the policy, its team and teams/small.yaml"
    );
}

#[test]
fn nesting_10000_deep_in_flow_style_is_too_deep() {
    for (name, text) in [
        ("seq", "[".repeat(10_000)),
        (
            "seq-closed",
            format!("a: {}{}\n", "[".repeat(10_000), "]".repeat(10_000)),
        ),
        ("map", "{a: ".repeat(10_000)),
    ] {
        let repo = TestRepo::new();
        let file = format!("{name}.yaml");
        repo.write(&file, &text);
        let (code, report) = validate(&repo, None);
        assert_eq!(code, 1, "{name}");
        let found = findings(&report);
        assert_eq!(found.len(), 1, "{name}: {report:#}");
        assert_eq!(
            (found[0].0.as_str(), found[0].1.as_str(), found[0].2),
            ("too-deep", file.as_str(), 1),
            "{name}"
        );
        let d = &with_code(&report, "too-deep")[0];
        assert!(
            d["message"]
                .as_str()
                .unwrap()
                .contains("deeper than 64 levels"),
            "{d}"
        );
    }
}

#[test]
fn nesting_10000_deep_in_block_style_is_too_deep() {
    // Block sequences nest on one line (`- - - x`); mappings need a line per level.
    let seqs = format!("{}x\n", "- ".repeat(10_000));
    let maps: String = (0..10_000)
        .map(|i| format!("{}k:\n", " ".repeat(i)))
        .collect();
    let repo = TestRepo::new();
    repo.write("seq.yaml", &seqs);
    // 50 MB of indentation would only meet the size limit; raise it to reach the depth limit.
    repo.write(
        "cabinet.yaml",
        CONFIG.replace("spec: {}", "spec: {limits: {maxFileBytes: 100000000}}"),
    );
    repo.write("map.yaml", &maps);
    let (code, report) = validate(&repo, None);
    assert_eq!(code, 1);
    // The 65th collection: column 2 * 64 + 1 on the one line, or line 65 indented 64 spaces.
    assert_findings(
        &report,
        &[
            ("too-deep", "map.yaml", 65, 65),
            ("too-deep", "seq.yaml", 1, 129),
        ],
    );
}

#[test]
fn a_depth_limit_above_the_parser_default_is_honoured() {
    let repo = TestRepo::new();
    repo.write(
        "cabinet.yaml",
        CONFIG.replace("spec: {}", "spec: {limits: {maxDepth: 1000}}"),
    );
    let nested = |n: usize| {
        format!(
            "apiVersion: cabinet/v1\nkind: Team\nmetadata: {{id: t{n}, labels: {{x: {}{}}}}}\nspec: {{members: [{{github: carol}}]}}\n",
            "[".repeat(n),
            "]".repeat(n)
        )
    };
    repo.write("teams/t300.yaml", nested(300));
    repo.write("teams/t2000.yaml", nested(2000));
    let (code, report) = validate(&repo, None);
    assert_eq!(code, 1);
    let deep = with_code(&report, "too-deep");
    assert_eq!(deep.len(), 1, "{report:#}");
    assert_eq!(deep[0]["file"], "teams/t2000.yaml");
    assert!(
        deep[0]["message"]
            .as_str()
            .unwrap()
            .contains("deeper than 1000 levels")
    );
    // 300 levels are within the limit: the file is read and only its label is wrong.
    assert!(
        findings(&report).iter().all(|f| f.0 != "invalid-yaml"),
        "{report:#}"
    );
}

#[test]
fn non_utf8_bytes_are_located_by_line_and_character() {
    let repo = TestRepo::new();
    let mut bytes = b"apiVersion: cabinet/v1\nkind: Team\nmetadata:\n  id: cafe\n  name: Caf\xc3\xa9 cr\xc3\xa8me ".to_vec();
    bytes.extend_from_slice(b"\xff\xfe\nspec: {members: [{github: carol}]}\n");
    repo.write("teams/latin1.yaml", &bytes);
    let (code, report) = validate(&repo, None);
    assert_eq!(code, 1);
    // Columns count characters: `  name: Café crème ` is 19 characters (21 bytes).
    assert_findings(&report, &[("invalid-utf8", "teams/latin1.yaml", 5, 20)]);
    let d = &with_code(&report, "invalid-utf8")[0];
    assert!(d["message"].as_str().unwrap().contains("0xFF"), "{d}");
    assert!(d["help"].as_str().unwrap().contains("UTF-8"), "{d}");
}

#[test]
fn a_lone_latin1_byte_on_the_first_line() {
    let repo = TestRepo::new();
    repo.write("a.yaml", b"\xe9t\xe9: 1\n");
    let (code, report) = validate(&repo, None);
    assert_eq!(code, 1);
    assert_findings(&report, &[("invalid-utf8", "a.yaml", 1, 1)]);
}

#[test]
fn a_utf8_bom_is_legal_yaml() {
    let repo = TestRepo::new();
    repo.write("teams/bom.yaml", format!("\u{feff}{}", team("bom")));
    repo.write("cabinet.yaml", format!("\u{feff}{CONFIG}"));
    let (code, report) = validate(&repo, None);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["errors"], 0);
    assert_eq!(report["warnings"], 0);
    assert_eq!(report["records"], 4);
}

#[test]
fn columns_after_a_bom_do_not_count_it() {
    let repo = TestRepo::new();
    repo.write(
        "teams/bom.yaml",
        "\u{feff}kind: Tean\napiVersion: cabinet/v1\nmetadata: {id: bom}\nspec: {}\n",
    );
    repo.write("teams/bom-latin1.yaml", b"\xef\xbb\xbfname: caf\xe9\n");
    let (code, report) = validate(&repo, None);
    assert_eq!(code, 1);
    assert_findings(
        &report,
        &[
            ("unknown-kind", "teams/bom.yaml", 1, 7),
            ("invalid-utf8", "teams/bom-latin1.yaml", 1, 10),
        ],
    );
    assert_eq!(
        with_code(&report, "unknown-kind")[0]["help"],
        "did you mean `Team`?"
    );
}

#[test]
fn tabs_for_indentation_name_the_line() {
    let repo = TestRepo::new();
    repo.write("teams/tabs.yaml", "apiVersion: cabinet/v1\nkind: Team\nmetadata:\n\tid: tabs\nspec:\n  members: [{github: carol}]\n");
    let (code, report) = validate(&repo, None);
    assert_eq!(code, 1);
    let found = findings(&report);
    assert_eq!(found.len(), 1, "{report:#}");
    assert_eq!(
        (found[0].0.as_str(), found[0].1.as_str(), found[0].2),
        ("invalid-yaml", "teams/tabs.yaml", 4)
    );
    let d = &with_code(&report, "invalid-yaml")[0];
    assert!(d["message"].as_str().unwrap().contains("tabs"), "{d}");
}

#[test]
fn duplicate_keys_point_at_the_second_one() {
    let repo = TestRepo::new();
    repo.write(
        "teams/dup.yaml",
        "apiVersion: cabinet/v1\nkind: Team\nmetadata:\n  id: dup\n  name: One\n  name: Two\nspec:\n  members: [{github: carol}]\n",
    );
    let (code, report) = validate(&repo, None);
    assert_eq!(code, 1);
    assert_findings(&report, &[("duplicate-key", "teams/dup.yaml", 6, 3)]);
    assert_eq!(
        with_code(&report, "duplicate-key")[0]["message"],
        "duplicate key `name`"
    );
}

#[test]
fn integers_beyond_64_bits_are_out_of_range() {
    let repo = TestRepo::new();
    let line = "  members: [{github: carol, githubId: 18446744073709551616}]";
    repo.write(
        "teams/big.yaml",
        format!("apiVersion: cabinet/v1\nkind: Team\nmetadata: {{id: big}}\nspec:\n{line}\n"),
    );
    repo.write(
        "teams/neg.yaml",
        "apiVersion: cabinet/v1\nkind: Team\nmetadata: {id: neg}\nspec:\n  members: [{github: carol}]\n  x: -9223372036854775809\n",
    );
    let (code, report) = validate(&repo, None);
    assert_eq!(code, 1);
    let col = column_of(line, "18446744073709551616");
    assert_findings(
        &report,
        &[
            ("number-out-of-range", "teams/big.yaml", 5, col),
            ("number-out-of-range", "teams/neg.yaml", 6, 6),
        ],
    );
    let d = &with_code(&report, "number-out-of-range")[0];
    assert!(d["message"].as_str().unwrap().contains("64 bits"), "{d}");
    assert!(d["help"].as_str().unwrap().contains("quote"), "{d}");
}

#[test]
fn the_largest_64_bit_integers_are_accepted() {
    let repo = TestRepo::new();
    repo.write(
        "teams/t.yaml",
        "apiVersion: cabinet/v1\nkind: Team\nmetadata: {id: t}\nspec:\n  members: [{github: carol, githubId: 18446744073709551615}]\n",
    );
    let (code, report) = validate(&repo, None);
    assert_eq!(code, 0, "{report:#}");
}

#[test]
fn ids_with_slashes_dot_dot_or_look_alike_letters_are_refused() {
    // `pаyments` has a CYRILLIC SMALL LETTER A (U+0430) where the Latin `a` belongs.
    let cases = [
        ("slash", "../etc/passwd", "`/`"),
        ("slash2", "a/b", "`/`"),
        ("dotdot", "a..b", "`..`"),
        ("cyrillic", "p\u{0430}yments", "U+0430"),
    ];
    let repo = TestRepo::new();
    for (file, id, _) in cases {
        repo.write(&format!("teams/{file}.yaml"), team(&format!("'{id}'")));
    }
    let (code, report) = validate(&repo, None);
    assert_eq!(code, 1);
    let violations = with_code(&report, "schema-violation");
    assert_eq!(findings(&report).len(), cases.len(), "{report:#}");
    for (file, id, why) in cases {
        let file = format!("teams/{file}.yaml");
        let d = violations
            .iter()
            .find(|d| d["file"] == file.as_str())
            .unwrap_or_else(|| panic!("{file}: {report:#}"));
        assert_eq!(d["pointer"], "/metadata/id", "{d}");
        assert_eq!(
            (d["line"].as_u64(), d["column"].as_u64()),
            (Some(3), Some(16)),
            "{d}"
        );
        assert!(d["message"].as_str().unwrap().contains(id), "{d}");
        let help = d["help"].as_str().unwrap();
        assert!(help.contains(why), "{file}: {help}");
    }
    let cyrillic = violations
        .iter()
        .find(|d| d["file"] == "teams/cyrillic.yaml")
        .unwrap();
    assert!(
        cyrillic["help"]
            .as_str()
            .unwrap()
            .contains("not an ASCII character"),
        "{cyrillic}"
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_out_of_the_repository_is_refused_in_the_work_tree_and_at_a_revision() {
    let mut repo = TestRepo::new();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.yaml"), team("secret")).unwrap();
    std::fs::create_dir_all(repo.path().join("teams")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.yaml"),
        repo.path().join("teams/abs.yaml"),
    )
    .unwrap();
    std::os::unix::fs::symlink("../../secret.yaml", repo.path().join("teams/rel.yaml")).unwrap();
    // A link that stays inside is not followed either, but is only a warning.
    repo.write("teams/real.yaml", team("real"));
    std::os::unix::fs::symlink("real.yaml", repo.path().join("teams/inside.yaml")).unwrap();
    let expected = [
        ("symlink-outside-repo", "teams/abs.yaml", 1, 1),
        ("symlink-outside-repo", "teams/rel.yaml", 1, 1),
        ("symlink-skipped", "teams/inside.yaml", 1, 1),
    ];
    let (code, report) = validate(&repo, None);
    assert_eq!(code, 1);
    assert_findings(&report, &expected);
    assert_eq!(report["records"], 4, "the secret is never read: {report:#}");
    let d = with_code(&report, "symlink-outside-repo");
    assert!(
        d.iter()
            .any(|d| d["message"].as_str().unwrap().contains("../../secret.yaml")),
        "{report:#}"
    );

    repo.commit("links");
    let (code, report) = validate(&repo, Some("HEAD"));
    assert_eq!(code, 1);
    assert_findings(&report, &expected);
    assert_eq!(report["records"], 4, "{report:#}");
}

#[cfg(unix)]
#[test]
fn a_linked_cabinet_yaml_is_not_followed_either() {
    let mut repo = TestRepo::new();
    let outside = tempfile::tempdir().unwrap();
    // Were it followed, this would exclude every file from validation.
    let config = CONFIG.replace("spec: {}", "spec: {exclude: [\"**\"]}");
    std::fs::write(outside.path().join("cabinet.yaml"), config).unwrap();
    repo.remove("cabinet.yaml");
    std::os::unix::fs::symlink(
        outside.path().join("cabinet.yaml"),
        repo.path().join("cabinet.yaml"),
    )
    .unwrap();
    repo.write("bad.yaml", "a: [\n");
    let expected = [
        ("invalid-yaml", "bad.yaml", 1, 4),
        ("symlink-outside-repo", "cabinet.yaml", 1, 1),
    ];
    let (code, report) = validate(&repo, None);
    assert_eq!(code, 1);
    assert_findings(&report, &expected);
    repo.commit("a linked cabinet.yaml");
    let (code, report) = validate(&repo, Some("HEAD"));
    assert_eq!(code, 1);
    assert_findings(&report, &expected);
}

#[test]
fn an_empty_file_is_reported() {
    let repo = TestRepo::new();
    repo.write("empty.yaml", "");
    repo.write("comments.yaml", "# nothing here yet\n\n");
    let (code, report) = validate(&repo, None);
    assert_eq!(code, 1);
    assert_findings(
        &report,
        &[
            ("empty-file", "comments.yaml", 1, 1),
            ("empty-file", "empty.yaml", 1, 1),
        ],
    );
    assert!(
        with_code(&report, "empty-file")[0]["help"]
            .as_str()
            .unwrap()
            .contains("exclude")
    );
}

#[test]
fn a_list_or_a_scalar_is_not_a_record() {
    let repo = TestRepo::new();
    repo.write("list.yaml", "- apiVersion: cabinet/v1\n  kind: Team\n");
    repo.write("scalar.yaml", "# a comment first\njust some text\n");
    repo.write("multi.yaml", format!("{}---\n42\n", team("multi")));
    let (code, report) = validate(&repo, None);
    assert_eq!(code, 1);
    assert_findings(
        &report,
        &[
            ("not-a-mapping", "list.yaml", 1, 1),
            ("not-a-mapping", "multi.yaml", 7, 1),
            ("not-a-mapping", "scalar.yaml", 2, 1),
        ],
    );
    let messages: Vec<&str> = with_code(&report, "not-a-mapping")
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert!(
        messages.contains(&"the document is a list, not a record"),
        "{messages:?}"
    );
    assert!(
        messages.contains(&"the document is a scalar, not a record"),
        "{messages:?}"
    );
    assert_eq!(
        report["records"], 4,
        "the good document of multi.yaml still counts"
    );
}

#[test]
fn an_unknown_revision_is_a_usage_error_with_a_hint() {
    let mut repo = TestRepo::new();
    repo.commit("first");
    let (run, _) = timed(
        &repo,
        &["validate", "--rev", "does-not-exist", "--format", "json"],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stdout.is_empty(), "no report: {}", run.stdout);
    assert!(run.stderr.contains("does-not-exist"), "{}", run.stderr);
    assert!(run.stderr.contains("hint: "), "{}", run.stderr);
}

#[test]
fn a_revision_outside_git_is_a_usage_error_with_a_hint() {
    let repo = TestRepo::new();
    let (run, _) = timed(&repo, &["validate", "--rev", "HEAD"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("hint: "), "{}", run.stderr);
}

#[test]
fn max_records_stops_reading() {
    let repo = TestRepo::new();
    repo.remove("policy.yaml");
    repo.write(
        "cabinet.yaml",
        CONFIG.replace("spec: {}", "spec: {limits: {maxRecords: 2}}"),
    );
    for id in ["a", "b", "c"] {
        repo.write(&format!("teams/{id}.yaml"), team(id));
    }
    let (code, report) = validate(&repo, None);
    assert_eq!(code, 1);
    let found: Vec<_> = findings(&report)
        .into_iter()
        .filter(|f| f.0 == "too-many-records")
        .collect();
    // cabinet.yaml and teams/a.yaml make two files; teams/b.yaml is the first too many, and it
    // is not even read.
    assert_eq!(
        found,
        vec![(
            "too-many-records".to_string(),
            "teams/b.yaml".to_string(),
            1,
            1
        )],
        "{report:#}"
    );
    let d = &with_code(&report, "too-many-records")[0];
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("more than 2 record files"),
        "{d}"
    );
    assert!(d["help"].as_str().unwrap().contains("maxRecords"), "{d}");
    assert_eq!(report["records"], 2);
}
