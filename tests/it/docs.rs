//! The README stays true: every diagnostic code is in its table, with its severity.

use cabinet::diag::Code;
use std::path::Path;

#[test]
fn the_readme_lists_every_diagnostic_code() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for code in Code::ALL {
        let row = format!(
            "| `{}` | {} | {} |",
            code.as_str(),
            code.default_severity(),
            code.description()
        );
        assert!(readme.contains(&row), "README lacks the row:\n{row}");
    }
}

/// The output the README shows after `$ COMMAND`, up to the end of its code block.
fn shown_after(readme: &str, command: &str) -> String {
    let start = readme
        .find(&format!("$ {command}\n"))
        .unwrap_or_else(|| panic!("README does not show `{command}`"));
    let rest = &readme[start + command.len() + 3..];
    rest[..rest.find("```").unwrap()].to_string()
}

#[test]
fn the_readme_shows_real_output() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let acme = crate::util::examples().join("acme");
    let now = crate::examples::EXAMPLES_NOW;
    // The second shows the history's contributions and a known error's workaround.
    for record in ["ci:pg-main", "ci:redis-sessions"] {
        let command = format!("cabinet -C examples/acme impact {record} --now {now}");
        let run = crate::util::run_in(&acme, &["impact", record, "--now", now]);
        assert_eq!(
            shown_after(&readme, &command),
            run.stdout,
            "README is stale for `{command}`"
        );
    }
    let report = crate::util::run_in(&acme, &["report", "--now", now, "--by", "tier"]);
    assert_eq!(
        shown_after(
            &readme,
            &format!("cabinet -C examples/acme report --now {now} --by tier")
        ),
        report.stdout
    );
    let validate = crate::util::run_in(&acme, &["validate", "--now", now]);
    assert_eq!(
        shown_after(
            &readme,
            &format!("cargo run --locked -- -C examples/acme validate --now {now}")
        ),
        validate.stdout
    );
}

/// The block of the README's code that opens with `first_line`, without its fences.
fn block_opening_with(readme: &str, first_line: &str) -> String {
    let start = readme
        .find(&format!("\n{first_line}"))
        .unwrap_or_else(|| panic!("README has no block opening with `{first_line}`"));
    let rest = &readme[start + 1..];
    rest[..rest.find("```").unwrap()].to_string()
}

#[test]
fn the_readme_shows_real_output_of_redundancy_groups() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let repo = crate::util::TestRepo::empty();
    assert_eq!(repo.run(&["init"]).code, 0);
    repo.write("cis/pg.yaml", block_opening_with(&readme, "# cis/pg.yaml"));
    let validate = repo.run(&["validate"]);
    assert_eq!(validate.code, 0, "{}", validate.stdout);
    for r in ["ci:rack-b", "ci:san", "ci:pg-1"] {
        let command = format!("cabinet impact {r}");
        assert_eq!(
            shown_after(&readme, &command),
            repo.run(&["impact", r]).stdout,
            "README is stale for `{command}`"
        );
    }
    let json = repo.run(&["impact", "--format", "json", "ci:db"]).json();
    let picked = serde_json::json!({
        "changes": json["changes"],
        "records": json["records"],
        "redundancy": json["redundancy"],
    });
    assert_eq!(
        shown_after(
            &readme,
            "cabinet impact --format json ci:db | jq -c '{changes, records, redundancy}'"
        ),
        format!("{picked}\n")
    );
}

#[test]
fn the_field_reference_is_written_from_the_schemas() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/reference.md");
    let current = std::fs::read_to_string(path).unwrap_or_default();
    let generated = cabinet::schema::reference::markdown();
    assert!(
        current == generated,
        "docs/reference.md is out of date: run `cargo run -- schema --reference > docs/reference.md`"
    );
    // Every field of every schema is in it, by name.
    for kind in cabinet::model::Kind::ALL {
        let schema = cabinet::schema::schema_for(kind);
        for def in schema["$defs"].as_object().unwrap().values() {
            for field in def["properties"]
                .as_object()
                .into_iter()
                .flat_map(|p| p.keys())
            {
                assert!(
                    generated.contains(&format!("| `{field}` |")),
                    "{kind}: `{field}` is not in the reference"
                );
            }
        }
    }
}

#[test]
fn no_file_of_the_project_points_outside_it() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = std::process::Command::new("git")
        .args(["ls-files", "-z"])
        .current_dir(root)
        .output();
    let Some(files) = files.ok().filter(|o| o.status.success()) else {
        crate::util::note_skip("no git checkout: the project's files cannot be listed");
        return;
    };
    let needle = ["..", "/shared/"].concat();
    let bare = ["shared", "/spec/"].concat();
    let research = ["shared", "/research/"].concat();
    for name in String::from_utf8_lossy(&files.stdout).split('\0') {
        let Ok(text) = std::fs::read_to_string(root.join(name)) else {
            continue;
        };
        for pattern in [&needle, &bare, &research] {
            assert!(
                !text.contains(pattern.as_str()),
                "{name} points outside the project (`{pattern}`)"
            );
        }
    }
}

#[test]
fn the_readme_shows_real_findings_and_summary_of_validate_on_the_broken_example() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let shown = shown_after(&readme, "cabinet -C examples/broken validate");
    let shown = shown
        .strip_prefix("...\n")
        .expect("the walk-through elides the start");
    let (finding, summary) = shown.trim_end().rsplit_once('\n').unwrap();
    let run = crate::util::run_in(&crate::util::examples().join("broken"), &["validate"]);
    assert!(
        run.stdout.contains(finding.trim_end()),
        "README shows a finding the run does not print:\n{finding}"
    );
    assert_eq!(run.stdout.trim_end().lines().last(), Some(summary));
}

#[test]
fn every_test_file_is_compiled() {
    // A file in tests/it/ that no `mod` names is never built, and its tests never run.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it");
    for (dir, declaring) in [(root.clone(), "main.rs"), (root.join("attacks"), "mod.rs")] {
        let declared = std::fs::read_to_string(dir.join(declaring)).unwrap();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let Some(stem) = path
                .extension()
                .filter(|e| *e == "rs")
                .and(path.file_stem())
                .and_then(|s| s.to_str())
            else {
                continue;
            };
            if stem == "main" || stem == "mod" {
                continue;
            }
            assert!(
                declared.contains(&format!("mod {stem};")),
                "{} is not declared in {declaring}",
                path.display()
            );
        }
    }
    let main = std::fs::read_to_string(root.join("main.rs")).unwrap();
    assert!(main.contains("mod attacks;"));
}

/// The page every SARIF rule's `helpUri` points at: one section per code, anchored by the
/// code's name, written from the registry.
#[test]
fn the_diagnostics_page_is_written_from_the_registry() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/diagnostics.md");
    let current = std::fs::read_to_string(path).unwrap_or_default();
    let run = crate::util::run_in(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["explain", "--markdown"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        current == run.stdout,
        "docs/diagnostics.md is out of date: run `cargo run -- explain --markdown > docs/diagnostics.md`"
    );
    for code in Code::ALL {
        let anchor = format!("<a id=\"{}\"></a>", code.as_str());
        assert!(
            current.contains(&anchor),
            "no section for {}",
            code.as_str()
        );
        assert!(
            code.help_uri()
                .ends_with(&format!("/docs/diagnostics.md#{}", code.as_str())),
            "{}",
            code.help_uri()
        );
        assert!(current.contains(&format!("Rule `{}`", code.rule_id())));
    }
}
