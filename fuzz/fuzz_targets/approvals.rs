//! Arbitrary bytes as an approvals file (`cabinet check --approvals FILE`): the bounded read,
//! the JSON parse into the pull request, and the whole approval evaluation against a fixed
//! base (a policy with rules of every shape, teams with and without ids and e-mails), with
//! the file's own commits standing for the local history (their shas, and co-author lines
//! made of its review logins, so that trailers, e-mails and no-reply forms are exercised).
//!
//! Properties: nothing panics; a draft, a commit the forge's list leaves out or a rule not met
//! is never approved; an approved verdict gives no reason; every ignored login is a reviewer's.

#![no_main]

use cabinet::approval::contributors::{self, LocalCommit};
use cabinet::approval::pr::{self, PullRequest};
use cabinet::approval::{ApprovalInput, ImpactedService, evaluate};
use cabinet::model::{ChangeType, Kind, RecordRef, RecordSet, Risk};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const BASE: &str = "apiVersion: cabinet/v1\nkind: Policy\nmetadata: {id: p}\nspec:\n  cab: cab\n  ecab: ecab\n  approvals:\n    - {name: medium, when: {risk: [medium]}, require: [{count: 1, from: [cab]}, {count: 1, from: [owners], per: impacted-service}]}\n    - {name: any, require: [{anyOf: [{count: 2, from: [any-member]}, {count: 1, from: [team:ecab]}]}]}\n---\napiVersion: cabinet/v1\nkind: Team\nmetadata: {id: cab}\nspec: {members: [{github: carol, githubId: 101, email: carol@acme.example}, {github: Dave}]}\n---\napiVersion: cabinet/v1\nkind: Team\nmetadata: {id: ecab}\nspec: {members: [{github: frank, githubId: 201}]}\n---\napiVersion: cabinet/v1\nkind: Team\nmetadata: {id: payments}\nspec: {members: [{github: pat, githubId: 301, email: pat@acme.example}]}\n";

fn base() -> &'static RecordSet {
    static BASE_SET: OnceLock<RecordSet> = OnceLock::new();
    BASE_SET.get_or_init(|| {
        let (records, diagnostics) = cabinet::load::records_from_str("base.yaml", BASE);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        RecordSet::new(records)
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(bytes) = pr::read_bounded(data) else {
        return;
    };
    let Ok(pull) = pr::parse(&bytes) else {
        return;
    };
    judge(&pull);
});

fn judge(pull: &PullRequest) {
    let logins: Vec<&str> = pull
        .reviews
        .iter()
        .filter_map(|r| r.user.as_ref().map(|u| u.login.as_str()))
        .collect();
    // The local history: the listed commits, one more the list leaves out when the file has
    // none, and co-author lines built from the reviewers' logins.
    let mut commits: Vec<LocalCommit> = pull
        .commits
        .iter()
        .enumerate()
        .map(|(i, c)| LocalCommit {
            sha: c.sha.clone(),
            author_email: format!("{}@users.noreply.github.com", logins.get(i).unwrap_or(&"x")),
            committer_email: "noreply@github.com".to_string(),
            co_author_lines: logins
                .iter()
                .skip(i)
                .take(3)
                .map(|l| format!("Co-authored-by: {l} <{l}>"))
                .collect(),
        })
        .collect();
    let unlisted = commits.is_empty();
    if unlisted {
        commits.push(LocalCommit {
            sha: pull.head_sha.clone(),
            ..LocalCommit::default()
        });
    }
    for line in commits.iter().flat_map(|c| &c.co_author_lines) {
        let email = contributors::co_author_email(line);
        let _ = contributors::noreply_account(&email);
    }
    let (records, _) = (base(), ());
    let policy = records.policy().map(|(_, p)| p.clone());
    let input = ApprovalInput {
        pr: pull,
        base: records,
        policy: policy.as_ref(),
        change_types: vec![("CHG-1".to_string(), ChangeType::Normal)],
        services: vec![ImpactedService {
            reference: RecordRef::new(Kind::Service, "pay"),
            tier: 2,
            owner: "payments".to_string(),
        }],
        risk: Risk::Medium,
        changed_paths: vec!["changes/CHG-1.yaml".to_string()],
        stale: Default::default(),
        commits: &commits,
        changed_kinds: Default::default(),
        changed_top_paths: vec!["changes/CHG-1.yaml".to_string()],
    };
    let decision = evaluate(&input);
    assert_eq!(decision.satisfied, decision.reasons.is_empty());
    if pull.draft || unlisted {
        assert!(!decision.satisfied, "a draft or an unlisted commit is never approved");
    }
    if decision.satisfied {
        assert!(decision.rules.iter().all(|r| r.satisfied));
    }
    for i in &decision.ignored {
        assert!(
            logins.iter().any(|l| l.eq_ignore_ascii_case(&i.login)),
            "`{}` is ignored but reviewed nothing",
            i.login
        );
    }
}
