//! The contract every command keeps: exit codes, where reports and errors go.

use crate::util::*;

#[test]
fn the_starter_repository_validates() {
    let run = run_in(&examples().join("starter"), &["validate"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout.contains("ok: 13 records valid"),
        "{}",
        run.stdout
    );
}

#[test]
fn no_cabinet_yaml_is_a_usage_error() {
    let repo = TestRepo::empty();
    let run = repo.run(&["validate"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no cabinet.yaml"), "{}", run.stderr);
    assert!(run.stderr.contains("hint: "), "{}", run.stderr);
    assert!(run.stdout.is_empty());
}

#[test]
fn an_unknown_format_is_a_usage_error() {
    let repo = TestRepo::new();
    let run = repo.run(&["validate", "--format", "yaml"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no format `yaml`"), "{}", run.stderr);
}

#[test]
fn a_bad_flag_is_a_usage_error() {
    let run = TestRepo::new().run(&["validate", "--frobnicate"]);
    assert_eq!(run.code, 2);
}

#[test]
fn a_bad_now_is_a_usage_error() {
    let run = TestRepo::new().run(&["validate", "--now", "tomorrow"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("RFC 3339"), "{}", run.stderr);
}

#[test]
fn init_scaffolds_a_repository_that_validates_and_refuses_to_overwrite() {
    let repo = TestRepo::empty();
    let run = repo.run(&["init", "catalogue"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let dir = repo.path().join("catalogue");
    let service = std::fs::read_to_string(dir.join("services/web-shop.yaml")).unwrap();
    assert!(
        service.starts_with("# yaml-language-server: $schema=../schemas/service.schema.json\n")
    );
    assert!(dir.join("schemas/service.schema.json").is_file());
    let run = run_in(&dir, &["validate", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.json()["errors"], 0);
    assert_eq!(run.json()["warnings"], 0);
    let again = repo.run(&["init", "catalogue"]);
    assert_eq!(again.code, 2);
    assert!(
        again.stderr.contains("nothing was written"),
        "{}",
        again.stderr
    );
}

#[test]
fn explain_describes_a_code_and_suggests_near_misses() {
    let run = TestRepo::empty().run(&["explain", "dangling-reference"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.contains("Every reference must resolve"),
        "{}",
        run.stdout
    );
    let run = TestRepo::empty().run(&["explain", "dangling-refrence"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean `dangling-reference`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_checked_in_schemas_are_current() {
    let run = run_in(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")),
        &["schema", "--check"],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

#[test]
fn schema_check_fails_when_a_schema_drifts() {
    let repo = TestRepo::empty();
    assert_eq!(repo.run(&["schema", "--out", "s"]).code, 0);
    repo.write("s/service.schema.json", "{}");
    let run = repo.run(&["schema", "--out", "s", "--check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("service.schema.json differs"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_version_names_the_release() {
    let run = cabinet_in_tmp(&["--version"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout
            .starts_with(&format!("cabinet {}", env!("CARGO_PKG_VERSION"))),
        "{}",
        run.stdout
    );
}

#[test]
fn completions_are_generated_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = cabinet_in_tmp(&["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        for word in ["validate", "check", "--approvals", "schedule"] {
            assert!(run.stdout.contains(word), "{shell} lacks {word}");
        }
    }
    let bash = cabinet_in_tmp(&["completions", "bash"]).stdout;
    let syntax = std::process::Command::new("bash")
        .args(["-n", "-c", &bash])
        .output()
        .expect("bash runs");
    assert!(
        syntax.status.success(),
        "{}",
        String::from_utf8_lossy(&syntax.stderr)
    );
    assert_eq!(cabinet_in_tmp(&["completions", "tcsh"]).code, 2);
}

#[test]
fn man_writes_a_page_per_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    let run = cabinet_in_tmp(&["man", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for page in [
        "cabinet.1",
        "cabinet-check.1",
        "cabinet-validate.1",
        "cabinet-site-build.1",
    ] {
        let text =
            std::fs::read_to_string(out.join(page)).unwrap_or_else(|e| panic!("{page}: {e}"));
        assert!(
            text.starts_with(".ie") || text.contains(".TH"),
            "{page}:\n{text}"
        );
    }
    let check = std::fs::read_to_string(out.join("cabinet-check.1")).unwrap();
    assert!(
        check.contains("approvals") && check.contains("base"),
        "{check}"
    );
}

/// Run `cabinet` in an empty temporary folder (commands that need no repository).
fn cabinet_in_tmp(args: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    run_in(dir.path(), args)
}
