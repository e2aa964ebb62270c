//! `TestRepo`: a throwaway repository to run `cabinet` in.

#![allow(dead_code)] // every test file uses a different part of this

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The folder of checked-in examples.
pub fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

/// `cabinet` with a clean environment: no colour, no user config, a fixed clock.
pub fn cabinet() -> Command {
    let mut cmd = Command::cargo_bin("cabinet").expect("the binary is built");
    cmd.env_clear()
        .env("NO_COLOR", "1")
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    cmd
}

/// What one run printed and how it ended.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The stdout as JSON (panics with the output when it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    let out = cabinet()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("cabinet runs");
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
    run
}

/// A repository in a temporary folder.
pub struct TestRepo {
    dir: tempfile::TempDir,
    git: Option<git2::Repository>,
}

/// A minimal valid cabinet.yaml.
pub const CONFIG: &str = "apiVersion: cabinet/v1\nkind: Config\nmetadata: {id: test}\nspec: {}\n";
/// A minimal valid policy with a CAB team.
pub const POLICY: &str = "apiVersion: cabinet/v1\nkind: Policy\nmetadata: {id: default}\nspec: {cab: cab}\n---\napiVersion: cabinet/v1\nkind: Team\nmetadata: {id: cab}\nspec:\n  members: [{github: carol}]\n";

impl TestRepo {
    /// An empty folder.
    pub fn empty() -> TestRepo {
        TestRepo {
            dir: tempfile::tempdir().expect("a temp dir"),
            git: None,
        }
    }

    /// A folder with cabinet.yaml and a policy, so that only what a test adds is judged.
    pub fn new() -> TestRepo {
        let repo = TestRepo::empty();
        repo.write("cabinet.yaml", CONFIG);
        repo.write("policy.yaml", POLICY);
        repo
    }

    /// A copy of one of the checked-in examples.
    pub fn example(name: &str) -> TestRepo {
        let repo = TestRepo::empty();
        copy_dir(&examples().join(name), repo.path());
        repo
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) -> &Self {
        let path = self.dir.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
        self
    }

    pub fn remove(&self, rel: &str) -> &Self {
        std::fs::remove_file(self.dir.path().join(rel)).expect("remove");
        self
    }

    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.path(), args)
    }

    /// Commit the whole tree (after `git init` on first use), with a fixed author and time.
    /// Returns the commit id.
    pub fn commit(&mut self, message: &str) -> String {
        self.commit_with(message, 1_790_000_000, None)
    }

    /// Commit the whole tree on the current branch at `time` (seconds since the epoch, as
    /// author and committer). Returns the commit id.
    pub fn commit_at(&mut self, message: &str, time: i64) -> String {
        self.commit_with(message, time, None)
    }

    /// Commit the whole tree as the merge of branch `other` into the current branch (its
    /// first parent) at `time`: the folder holds what the merge resolved to. Returns the id.
    pub fn merge_at(&mut self, other: &str, message: &str, time: i64) -> String {
        self.commit_with(message, time, Some(other))
    }

    fn commit_with(&mut self, message: &str, time: i64, merged: Option<&str>) -> String {
        let path = self.dir.path().to_path_buf();
        let repo = self
            .git
            .get_or_insert_with(|| git2::Repository::init(&path).expect("git init"));
        let mut index = repo.index().expect("index");
        index
            .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
            .expect("add");
        index.update_all(["*"], None).expect("update");
        index.write().expect("write index");
        let tree = repo
            .find_tree(index.write_tree().expect("tree"))
            .expect("find tree");
        let time = git2::Time::new(time, 0);
        let sig = git2::Signature::new("Test", "test@example.com", &time).expect("signature");
        let mut parents: Vec<git2::Commit<'_>> = repo
            .head()
            .ok()
            .and_then(|h| h.peel_to_commit().ok())
            .into_iter()
            .collect();
        if let Some(other) = merged {
            let branch = repo
                .find_branch(other, git2::BranchType::Local)
                .expect("the merged branch exists");
            parents.push(branch.get().peel_to_commit().expect("a commit"));
        }
        let parents: Vec<&git2::Commit<'_>> = parents.iter().collect();
        repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
            .expect("commit")
            .to_string()
    }

    /// Start branch `name` at the current commit and commit on it from now on.
    pub fn branch(&mut self, name: &str) {
        let repo = self.git.as_ref().expect("a first commit");
        let head = repo
            .head()
            .expect("head")
            .peel_to_commit()
            .expect("a commit");
        repo.branch(name, &head, false).expect("branch");
        repo.set_head(&format!("refs/heads/{name}"))
            .expect("set head");
    }

    /// The name of the branch commits go to.
    pub fn current_branch(&self) -> String {
        let repo = self.git.as_ref().expect("a first commit");
        repo.head()
            .expect("head")
            .shorthand()
            .expect("a branch")
            .to_string()
    }

    /// Commit on branch `name` from now on, the folder holding its files.
    pub fn switch(&mut self, name: &str) {
        let repo = self.git.as_ref().expect("a first commit");
        repo.set_head(&format!("refs/heads/{name}"))
            .expect("set head");
        repo.checkout_head(Some(git2::build::CheckoutBuilder::new().force()))
            .expect("checkout");
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("read example") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        let kind = entry.file_type().expect("type");
        if kind.is_symlink() {
            let link = std::fs::read_link(entry.path()).expect("readlink");
            std::os::unix::fs::symlink(link, &target).expect("symlink");
        } else if kind.is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// `(code, file, line, column)` of every diagnostic in a JSON report.
pub fn findings(report: &serde_json::Value) -> Vec<(String, String, u64, u64)> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_string(),
                d["file"].as_str().unwrap_or_default().to_string(),
                d["line"].as_u64().unwrap_or_default(),
                d["column"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

/// Builds the acme example's scripted git history (`ci/acme-history.sh`) at
/// `out`: main plus one `pr/*` branch per finding the README walks through.
pub fn acme_history(out: &Path) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("ci/acme-history.sh");
    succeeded(std::process::Command::new("bash").arg(&script).arg(out));
}

/// Run a command that must succeed (the test fails with its stderr if not); its output.
pub fn succeeded(cmd: &mut std::process::Command) -> std::process::Output {
    let out = cmd.output().expect("the command runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Say that a test skips a check because an optional tool is missing. Written to the
/// process's stderr directly, past the test harness's capture, so that `cargo test` names
/// every skip even when the test passes.
pub fn note_skip(what: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "note: skipped: {what}");
}

/// Whether a tool runs; in CI (`CI` set) a missing tool fails the test instead of skipping it,
/// and outside CI a skip is named (`note_skip`).
pub fn tool(program: &str, args: &[&str], install: &str) -> bool {
    let ok = std::process::Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok || std::env::var_os("CI").is_none(),
        "`{program}` is missing; {install}"
    );
    if !ok {
        note_skip(&format!("`{program}` is not installed ({install})"));
    }
    ok
}
