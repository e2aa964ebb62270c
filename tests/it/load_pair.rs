//! Reading two revisions together (`check`, `impact --base`) must give exactly what reading each
//! alone gives: the base is built from the head's reading plus the files whose bytes differ,
//! so any file it wrongly reuses or forgets shows up here. These tests call the library.

use crate::util::{CONFIG, POLICY, TestRepo, acme_history, findings};
use cabinet::load::{self, Loaded, Source};
use std::path::Path;

const SERVICE: &str = "apiVersion: cabinet/v1\nkind: Service\nmetadata: {id: pay}\nspec: {owner: cab, tier: 1, lifecycle: live, dependsOn: [ci:db]}\n";
const CI: &str = "apiVersion: cabinet/v1\nkind: ConfigurationItem\nmetadata: {id: db}\nspec: {type: database, owner: cab, environment: production, lifecycle: live}\n";

fn assert_reads_as_each_alone(root: &Path, base: &str, head: &Source) {
    let (pair_base, pair_head) = load::load_pair(root, base, head).expect("the pair reads");
    let alone_base = load::load(root, &Source::Revision(base.to_string())).expect("base reads");
    let alone_head = load::load(root, head).expect("head reads");
    same(
        &pair_base,
        &alone_base,
        &format!("base {base} (head {head:?})"),
    );
    same(
        &pair_head,
        &alone_head,
        &format!("head {head:?} (base {base})"),
    );
}

fn same(pair: &Loaded, alone: &Loaded, what: &str) {
    assert_eq!(
        pair.records.iter().collect::<Vec<_>>(),
        alone.records.iter().collect::<Vec<_>>(),
        "records of {what}"
    );
    assert_eq!(pair.diagnostics, alone.diagnostics, "diagnostics of {what}");
    assert_eq!(
        (pair.documents, pair.skipped),
        (alone.documents, alone.skipped),
        "counts of {what}"
    );
    assert_eq!(
        pair.texts.keys().collect::<Vec<_>>(),
        alone.texts.keys().collect::<Vec<_>>(),
        "files of {what}"
    );
    // Everything else too (invalid references, texts, limits, commit).
    assert!(pair == alone, "{what} differs");
}

#[test]
fn every_pull_request_of_the_acme_history_reads_as_each_revision_alone() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("acme");
    acme_history(&root);
    let repo = git2::Repository::open(&root).unwrap();
    let mut branches: Vec<String> = repo
        .branches(Some(git2::BranchType::Local))
        .unwrap()
        .map(|b| b.unwrap().0.name().unwrap().unwrap().to_string())
        .filter(|name| name.starts_with("pr/"))
        .collect();
    branches.sort();
    assert!(
        branches.len() >= 8,
        "the history has its pull requests: {branches:?}"
    );
    for branch in &branches {
        // Forward (files added and edited) and backward (files removed), and from the working
        // tree, which is `main` checked out.
        assert_reads_as_each_alone(&root, "main", &Source::Revision(branch.clone()));
        assert_reads_as_each_alone(&root, branch, &Source::Revision("main".into()));
        assert_reads_as_each_alone(&root, branch, &Source::WorkTree);
    }
}

#[test]
fn a_working_tree_with_edits_reads_as_itself_beside_its_base() {
    let mut repo = TestRepo::new();
    repo.write("services/pay.yaml", SERVICE)
        .write("cis/db.yaml", CI)
        .write("cis/copy.yaml", CI.replace("id: db", "id: db2"))
        .write("cis/gone.yaml", CI.replace("id: db", "id: gone"))
        .write("cis/broken.yaml", "apiVersion: cabinet/v1\nkind: ConfigurationItem\nmetadata: {id: broken}\nspec: {type: nope}\n")
        .write("notes/other.yaml", "just: a document\n");
    let base = repo.commit("base");
    // Edited, removed, added, moved with the same bytes, made unreadable, and fixed.
    repo.write("services/pay.yaml", SERVICE.replace("tier: 1", "tier: 2"))
        .remove("cis/gone.yaml")
        .write("cis/new.yaml", CI.replace("id: db", "id: new"))
        .remove("cis/copy.yaml")
        .write("moved/copy.yaml", CI.replace("id: db", "id: db2"))
        .write(
            "cis/db.yaml",
            b"apiVersion: cabinet/v1\nkind: \xff\n".as_slice(),
        )
        .write("cis/broken.yaml", CI.replace("id: db", "id: broken"))
        .write(
            "cis/crlf.yaml",
            CI.replace("id: db", "id: crlf").replace('\n', "\r\n"),
        );
    assert_reads_as_each_alone(repo.path(), &base, &Source::WorkTree);
    let head = repo.commit("head");
    assert_reads_as_each_alone(repo.path(), &base, &Source::Revision(head.clone()));
    assert_reads_as_each_alone(repo.path(), &head, &Source::Revision(base));
}

#[test]
fn both_revisions_are_read_under_the_bases_settings() {
    let mut repo = TestRepo::new();
    repo.write(
        "cabinet.yaml",
        CONFIG.replace(
            "spec: {}",
            "spec: {exclude: [\"drafts/**\"], limits: {maxDepth: 8}}",
        ),
    )
    .write(
        "drafts/half.yaml",
        "apiVersion: cabinet/v1\nkind: Service\n",
    )
    .write(
        "deep.yaml",
        "a: {b: {c: {d: {e: {f: {g: {h: {i: {j: 1}}}}}}}}}\n",
    )
    .write("services/pay.yaml", SERVICE)
    .write("cis/db.yaml", CI);
    let base = repo.commit("base");
    // The head drops the exclusion and the depth limit: read alone, the same files read
    // differently; judged against base, the base's settings hold.
    repo.write("cabinet.yaml", CONFIG)
        .write("policy.yaml", POLICY.replace("cab: cab", "cab: cab "));
    let head = repo.commit("head");
    for source in [Source::Revision(head.clone()), Source::WorkTree] {
        let (pair_base, pair_head) = load::load_pair(repo.path(), &base, &source).unwrap();
        let alone_base = load::load(repo.path(), &Source::Revision(base.clone())).unwrap();
        same(&pair_base, &alone_base, "base");
        let alone_head = load::load(repo.path(), &source).unwrap();
        assert!(alone_head.texts.contains_key("drafts/half.yaml"));
        assert!(
            !pair_head.texts.contains_key("drafts/half.yaml"),
            "excluded by base"
        );
        assert_eq!(pair_head.limits, pair_base.limits);
        let codes = |l: &Loaded| -> Vec<String> {
            l.diagnostics.iter().map(|d| d.code.to_string()).collect()
        };
        assert!(
            codes(&pair_head).contains(&"too-deep".to_string()),
            "{:?}",
            codes(&pair_head)
        );
        assert!(!codes(&alone_head).contains(&"too-deep".to_string()));
    }
    // The other way round, the head's exclusion is the base's too.
    assert_reads_as_each_alone(repo.path(), &head, &Source::Revision(head.clone()));
}

#[test]
fn a_cabinet_root_below_the_top_of_the_repository_reads_the_pair_there_too() {
    let mut repo = TestRepo::empty();
    repo.write("catalogue/cabinet.yaml", CONFIG)
        .write("catalogue/policy.yaml", POLICY)
        .write("catalogue/services/pay.yaml", SERVICE)
        .write("catalogue/cis/db.yaml", CI)
        .write("elsewhere/other.yaml", "not: ours\n");
    let base = repo.commit("base");
    repo.write(
        "catalogue/services/pay.yaml",
        SERVICE.replace("tier: 1", "tier: 3"),
    )
    .write("elsewhere/other.yaml", "still: not ours\n");
    let head = repo.commit("head");
    let root = repo.path().join("catalogue");
    assert_reads_as_each_alone(&root, &base, &Source::Revision(head));
    assert_reads_as_each_alone(&root, &base, &Source::WorkTree);
}

#[test]
fn a_base_that_does_not_exist_is_reported_before_anything_is_read() {
    let mut repo = TestRepo::new();
    repo.write("services/pay.yaml", SERVICE);
    repo.commit("base");
    let err = load::load_pair(repo.path(), "no-such-branch", &Source::WorkTree)
        .expect_err("an unknown base is an error");
    assert!(err.to_string().contains("no-such-branch"), "{err}");
}

#[test]
fn a_file_the_pull_request_leaves_alone_is_one_record_shared_by_both_revisions() {
    use cabinet::model::Kind;
    let mut repo = TestRepo::new();
    repo.write("services/pay.yaml", SERVICE)
        .write("cis/db.yaml", CI);
    let base = repo.commit("base");
    repo.write("services/pay.yaml", SERVICE.replace("tier: 1", "tier: 2"));
    let head = repo.commit("head");
    let (base, head) = load::load_pair(repo.path(), &base, &Source::Revision(head)).unwrap();
    fn record<'a>(l: &'a Loaded, kind: Kind, id: &str) -> &'a cabinet::model::Record {
        l.records.get_id(kind, id).expect("the record is read")
    }
    // Not a copy: the same record in memory, so a large repository is held once.
    assert!(std::ptr::eq(
        record(&base, Kind::ConfigurationItem, "db"),
        record(&head, Kind::ConfigurationItem, "db")
    ));
    // What the pull request touched is read at each revision.
    assert!(!std::ptr::eq(
        record(&base, Kind::Service, "pay"),
        record(&head, Kind::Service, "pay")
    ));
}

#[test]
fn the_work_tree_walk_reads_every_record_file_once_and_skips_what_it_must() {
    let repo = TestRepo::new();
    // Many folders of many files; .gitignore, `spec.exclude` and `target/` hide broken ones.
    for folder in 0..40 {
        for file in 0..8 {
            repo.write(
                &format!("teams/group-{folder:02}/team-{file}.yaml"),
                format!(
                    "apiVersion: cabinet/v1\nkind: Team\nmetadata: {{id: t-{folder}-{file}}}\nspec:\n  members: [{{github: carol}}]\n"
                ),
            );
        }
    }
    let broken = "apiVersion: cabinet/v1\nkind: Team\nmetadata: {id: [\n";
    repo.write(".gitignore", "scratch/\n")
        .write("scratch/broken.yaml", broken)
        .write("target/broken.yaml", broken)
        .write("drafts/broken.yaml", broken)
        .write(
            "cabinet.yaml",
            CONFIG.replace("spec: {}", "spec: {exclude: [\"drafts/**\"]}"),
        );
    let run = repo.run(&["validate", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    // 320 teams, the Config, and the Policy and CAB team of `TestRepo::new`.
    let report = run.json();
    assert_eq!(report["records"], 323, "{report}");

    // A broken file anywhere else is read, and reported where it is.
    repo.write("teams/group-07/broken.yaml", broken);
    let run = repo.run(&["validate", "--format", "json"]);
    assert_eq!(run.code, 1);
    let found: Vec<(String, String)> = findings(&run.json())
        .into_iter()
        .map(|(code, file, ..)| (code, file))
        .collect();
    assert_eq!(
        found,
        [(
            "invalid-yaml".to_string(),
            "teams/group-07/broken.yaml".to_string()
        )]
    );
}
