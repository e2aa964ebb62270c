//! Attacks on what the gate reads and from where: the pull request's own settings, files git
//! tracks but `.gitignore` names, other repositories inside this one, names that are not
//! UTF-8, things that are not files, blobs too large to read, documents that hide as
//! something else.

use crate::check::{BASE, NOW, base, gate, normal};
use crate::util::*;

/// A normal change inside the year-end freeze of the base policy.
fn frozen_change() -> String {
    normal(
        "CHG-1",
        "ci:bi",
        "2026-12-20T09:00:00Z",
        "2026-12-20T10:00:00Z",
    )
}

/// What a `validate --format json` run read and found, without the commit it names.
fn reading(report: &serde_json::Value) -> serde_json::Value {
    serde_json::json!([report["records"], report["skipped"], report["diagnostics"]])
}

/// The gate on the working tree against `base`: it must find a freeze violation.
fn worktree_gate_finds_the_freeze(repo: &TestRepo, base: &str) {
    let run = repo.run(&["check", "--base", base, "--now", NOW, "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(
        run.json()["policy"]["violations"][0]["code"],
        "freeze-violation"
    );
}

/// The base's cabinet.yaml with its Config's `spec` replaced.
fn base_with_config_spec(spec: &str) -> String {
    BASE.replacen(
        "metadata: {id: t}\nspec: {}",
        &format!("metadata: {{id: t}}\nspec: {spec}"),
        1,
    )
}

#[test]
fn the_pull_requests_own_exclude_does_not_hide_its_change_from_the_gate() {
    let mut repo = base();
    repo.write("changes/CHG-1.yaml", frozen_change());
    repo.write(
        "cabinet.yaml",
        base_with_config_spec(r#"{exclude: ["changes/**"]}"#),
    );
    let (code, codes, _) = gate(&mut repo);
    assert_eq!(codes, vec!["freeze-violation"]);
    assert_eq!(code, 1);
    // The same pull request judged from the working tree (no --head).
    worktree_gate_finds_the_freeze(&repo, "HEAD~1");
}

#[test]
fn the_pull_requests_own_limits_do_not_drop_its_records() {
    let mut repo = base();
    repo.write("changes/CHG-1.yaml", frozen_change());
    // One record at most: under the head's limits the change would never be read.
    repo.write(
        "cabinet.yaml",
        base_with_config_spec("{limits: {maxRecords: 1}}"),
    );
    let (code, codes, _) = gate(&mut repo);
    assert_eq!(codes, vec!["freeze-violation"]);
    assert_eq!(code, 1);
}

#[test]
fn a_tracked_record_that_gitignore_names_is_read_in_the_working_tree_as_at_a_revision() {
    let mut repo = base();
    repo.write("changes/CHG-1.yaml", frozen_change());
    repo.commit("the change");
    repo.write(".gitignore", "changes/\n");
    repo.commit("hide it");
    let tree = repo.run(&["validate", "--format", "json"]).json();
    let head = repo
        .run(&["validate", "--rev", "HEAD", "--format", "json"])
        .json();
    assert_eq!(reading(&tree), reading(&head));
    assert_eq!(
        tree["records"], 10,
        "the base's nine and the change: {tree}"
    );
    worktree_gate_finds_the_freeze(&repo, "HEAD~2");
    // An untracked file that .gitignore names is still not read: a commit would not hold it.
    repo.write("changes/CHG-2.yaml", "not: [valid");
    assert_eq!(repo.run(&["validate"]).code, 0);
}

#[test]
fn a_repository_inside_the_repository_is_read_in_neither_view() {
    let repo = base();
    let nested = repo.path().join("vendor");
    std::fs::create_dir_all(&nested).unwrap();
    git2::Repository::init(&nested).unwrap();
    std::fs::write(
        nested.join("bad.yaml"),
        "apiVersion: cabinet/v1\nkind: Nope\n",
    )
    .unwrap();
    // As `git add` does for an embedded repository: the index holds a link to its commit.
    let mut sub = TestRepo::empty();
    std::fs::write(sub.path().join("x"), "x").unwrap();
    let sub_commit = sub.commit("sub");
    let git = git2::Repository::open(repo.path()).unwrap();
    let mut index = git.index().unwrap();
    index
        .add(&git2::IndexEntry {
            ctime: git2::IndexTime::new(0, 0),
            mtime: git2::IndexTime::new(0, 0),
            dev: 0,
            ino: 0,
            mode: 0o160000,
            uid: 0,
            gid: 0,
            file_size: 0,
            id: git2::Oid::from_str(&sub_commit).unwrap(),
            flags: 0,
            flags_extended: 0,
            path: b"vendor".to_vec(),
        })
        .unwrap();
    let tree = git.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = git2::Signature::now("Test", "test@example.com").unwrap();
    let parent = git.head().unwrap().peel_to_commit().unwrap();
    git.commit(Some("HEAD"), &sig, &sig, "vendor", &tree, &[&parent])
        .unwrap();
    index.write().unwrap();
    let tree = repo.run(&["validate", "--format", "json"]);
    let head = repo.run(&["validate", "--rev", "HEAD", "--format", "json"]);
    assert_eq!(tree.code, 0, "{}", tree.stdout);
    assert_eq!(head.code, 0, "{}", head.stdout);
    assert_eq!(reading(&tree.json()), reading(&head.json()));
}

#[test]
fn a_file_name_that_is_not_utf8_is_reported_alike_in_both_views() {
    use std::os::unix::ffi::OsStrExt;
    let mut repo = base();
    let name = std::ffi::OsStr::from_bytes(b"changes/CHG-\xff.yaml");
    std::fs::create_dir_all(repo.path().join("changes")).unwrap();
    std::fs::write(repo.path().join(name), frozen_change()).unwrap();
    repo.commit("a bad name");
    let tree = repo.run(&["validate", "--format", "json"]);
    let head = repo.run(&["validate", "--rev", "HEAD", "--format", "json"]);
    assert_eq!(
        (tree.code, head.code),
        (1, 1),
        "{}\n{}",
        tree.stderr,
        head.stderr
    );
    let codes = |r: &Run| -> Vec<String> { findings(&r.json()).into_iter().map(|f| f.0).collect() };
    assert_eq!(codes(&tree), vec!["file-name-not-utf8"]);
    assert_eq!(codes(&head), vec!["file-name-not-utf8"]);
    assert_eq!(findings(&tree.json()), findings(&head.json()));
}

#[test]
fn a_pipe_or_a_folder_named_like_a_record_file_is_named_not_skipped() {
    let mut repo = base();
    repo.write("services.yaml/real.yaml", "# nothing\n{}\n");
    repo.remove("services.yaml/real.yaml");
    repo.write(
        "services.yaml/ok.yml",
        "apiVersion: other/v1\nkind: Thing\n",
    );
    repo.commit("a folder named like a file");
    let fifo = repo.path().join("pipe.yaml");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let tree = repo.run(&["validate", "--format", "json"]);
    assert_eq!(tree.code, 0, "warnings only: {}", tree.stdout);
    let found = findings(&tree.json());
    assert!(
        found.contains(&("not-a-file".into(), "pipe.yaml".into(), 1, 1)),
        "{found:?}"
    );
    assert!(
        found.contains(&("not-a-file".into(), "services.yaml".into(), 1, 1)),
        "{found:?}"
    );
    let head = repo.run(&["validate", "--rev", "HEAD", "--format", "json"]);
    let found = findings(&head.json());
    assert_eq!(
        found,
        vec![("not-a-file".into(), "services.yaml".into(), 1, 1)]
    );
}

#[test]
fn a_blob_larger_than_the_limit_is_refused_at_a_revision_without_being_read() {
    let mut repo = base();
    let big = format!("# {}\n", "x".repeat(3 * 1024 * 1024));
    repo.write("big.yaml", &big);
    repo.commit("big");
    let head = repo.run(&["validate", "--rev", "HEAD", "--format", "json"]);
    assert_eq!(head.code, 1);
    let d = &head.json()["diagnostics"][0];
    assert_eq!(d["code"], "file-too-large");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains(&big.len().to_string()),
        "the size comes from the blob's header: {d}"
    );
    // The same blob brought by a pull request: the head's blobs are sized before they are read.
    let gate = repo.run(&[
        "check", "--base", "HEAD~1", "--head", "HEAD", "--now", NOW, "--format", "json",
    ]);
    assert_eq!(gate.code, 1, "{}", gate.stderr);
    let d = &gate.json()["validation"]["diagnostics"][0];
    assert_eq!(d["code"], "file-too-large");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains(&big.len().to_string()),
        "{d}"
    );
}

#[test]
fn an_oversized_cabinet_yaml_is_a_usage_error_not_a_default() {
    let mut repo = base();
    let padded = format!("{BASE}# {}\n", "x".repeat(1024 * 1024));
    repo.write("cabinet.yaml", &padded);
    repo.commit("pad the settings");
    let run = repo.run(&["validate"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("larger than"), "{}", run.stderr);
    let run = repo.run(&["validate", "--rev", "HEAD"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn a_record_with_a_misspelt_or_empty_api_version_is_a_finding_not_a_skip() {
    let repo = TestRepo::new();
    repo.write(
        "teams.yaml",
        "apiVersion: Cabinet/v1\nkind: Team\nmetadata: {id: a}\nspec: {}\n---\napiVersion:\nkind: Team\nmetadata: {id: b}\nspec: {}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: k8s}\n",
    );
    let run = repo.run(&["validate", "--format", "json"]);
    assert_eq!(run.code, 1);
    let codes: Vec<(String, u64)> = findings(&run.json())
        .into_iter()
        .map(|f| (f.0, f.2))
        .collect();
    // A Kubernetes Service (`apiVersion: v1`) is someone else's document: still skipped.
    assert_eq!(
        codes,
        vec![
            ("unsupported-api-version".to_string(), 1),
            ("unsupported-api-version".to_string(), 6)
        ]
    );
}
