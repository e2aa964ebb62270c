//! `evaluate` in process, one case for each rule of `docs/approvals.md` (the approval
//! catalogue). Every case builds its pull request on one base (the teams of `TEAMS` and the
//! Policy of `RULES`), asserts the one thing it protects, and snapshots the whole decision as
//! JSON (`snapshots/`): the decision is what `check --format json` prints under `approvals`.
//! `tests/it/approvals.rs` and `tests/it/attacks/approvals.rs` keep the cases whose wiring
//! matters (git binding, the approvals file, the recipes) end to end.

use super::*;
use crate::approval::pr::Commit;
use insta::assert_json_snapshot;

/// The head commit of every pull request below.
const HEAD: &str = "1111111111111111111111111111111111111111";
/// An earlier commit of the pull request (listed only where a case adds it).
const EARLIER: &str = "2222222222222222222222222222222222222222";
/// A commit of no pull request: another branch, or one force-pushed away.
const ELSEWHERE: &str = "3333333333333333333333333333333333333333";

/// Who is who at the base revision: the CAB (carol, Dave, erin, and ian listed by login
/// only), the ECAB (frank), the owners of `pay` (payments: pat, octocat the author, and their
/// deploy bot), the owners of `ship` (shipping: sam), and a security team that only the
/// rules of some cases name (sol). mallory is in no team.
const TEAMS: &str = "apiVersion: cabinet/v1
kind: Team
metadata: {id: cab}
spec:
  members:
    - {github: carol, githubId: 101, email: carol@acme.example}
    - {github: Dave, githubId: 102}
    - {github: erin, githubId: 103}
    - {github: ian}
---
apiVersion: cabinet/v1
kind: Team
metadata: {id: ecab}
spec: {members: [{github: frank, githubId: 201}]}
---
apiVersion: cabinet/v1
kind: Team
metadata: {id: payments}
spec: {members: [{github: pat, githubId: 301}, {github: octocat, githubId: 583231}, {github: 'deploy[bot]', githubId: 901}]}
---
apiVersion: cabinet/v1
kind: Team
metadata: {id: shipping}
spec: {members: [{github: sam, githubId: 401}]}
---
apiVersion: cabinet/v1
kind: Team
metadata: {id: security}
spec: {members: [{github: sol, githubId: 501}]}
";

/// GitHub's numeric ids of the people above (ian has one; the team does not list it).
const ACCOUNTS: [(&str, u64); 11] = [
    ("carol", 101),
    ("dave", 102),
    ("erin", 103),
    ("ian", 104),
    ("frank", 201),
    ("pat", 301),
    ("octocat", 583_231),
    ("deploy[bot]", 901),
    ("sam", 401),
    ("sol", 501),
    ("mallory", 666),
];

/// The approval rules of the base Policy, as in `tests/fixtures/approvals/base.yaml`.
const RULES: &str = "
    - {name: low risk, when: {type: [normal], risk: [low]}, require: [{count: 1, from: [owners]}]}
    - {name: medium, when: {type: [normal], risk: [medium]}, require: [{count: 1, from: [cab]}, {count: 1, from: [owners], per: impacted-service}]}
    - {name: high, when: {type: [normal], risk: [high, critical]}, require: [{count: 2, from: [cab]}, {count: 1, from: [owners], per: impacted-service}]}
    - {name: emergency, when: {type: [emergency]}, require: [{count: 1, from: [ecab]}]}
";

/// The account of `login` as GitHub reports it (a user, with its numeric id).
fn account(login: &str) -> Account {
    let (_, id) = ACCOUNTS
        .iter()
        .find(|(l, _)| l.eq_ignore_ascii_case(login))
        .unwrap_or_else(|| panic!("`{login}` is not in ACCOUNTS"));
    Account {
        login: login.to_string(),
        id: Some(*id),
        kind: Some("User".to_string()),
    }
}

/// A user account as GitHub reports it, for the cases about ids: `login` under any `id`.
fn user(login: &str, id: Option<u64>) -> Account {
    Account {
        login: login.to_string(),
        id,
        kind: Some("User".to_string()),
    }
}

/// A review by `who` on the head, submitted `id` minutes past 10:00Z: ids run in time order.
fn review_by(id: u64, who: Account, state: &str) -> Review {
    Review {
        id,
        user: Some(who),
        state: state.to_string(),
        commit_id: Some(HEAD.to_string()),
        submitted_at: Some(format!("2026-11-20T10:{id:02}:00Z")),
    }
}

fn review(id: u64, login: &str, state: &str) -> Review {
    review_by(id, account(login), state)
}

/// The same review submitted at `at` (any text).
fn submitted(mut r: Review, at: &str) -> Review {
    r.submitted_at = Some(at.to_string());
    r
}

/// The same review on another commit (any text).
fn on_commit(mut r: Review, commit: &str) -> Review {
    r.commit_id = Some(commit.to_string());
    r
}

/// A commit as git records it: author and committer e-mails, no trailers.
fn local(sha: &str, author: &str, committer: &str) -> LocalCommit {
    LocalCommit {
        sha: sha.to_string(),
        author_email: author.to_string(),
        committer_email: committer.to_string(),
        co_author_lines: Vec::new(),
    }
}

/// A commit as the forge lists it.
fn listed(sha: &str, author: Option<Account>, committer: Option<Account>) -> Commit {
    Commit {
        sha: sha.to_string(),
        author,
        committer,
    }
}

/// octocat's no-reply address: the forge and the e-mail agree on who wrote the head.
const OCTOCAT_EMAIL: &str = "583231+octocat@users.noreply.github.com";

fn service(id: &str, tier: u8, owner: &str) -> ImpactedService {
    ImpactedService {
        reference: RecordRef::new(Kind::Service, id),
        tier,
        owner: owner.to_string(),
    }
}

/// One pull request to judge, and the base it is judged on.
struct Case {
    /// `None`: the base revision has no Policy.
    policy: Option<PolicyText>,
    pr: PullRequest,
    commits: Vec<LocalCommit>,
    change_types: Vec<(String, ChangeType)>,
    services: Vec<ImpactedService>,
    risk: Risk,
    changed_paths: Vec<String>,
    stale: BTreeMap<u64, String>,
    changed_kinds: BTreeSet<Kind>,
}

/// The base Policy's text, put together from its parts.
struct PolicyText {
    ecab: bool,
    /// More lines of `spec`, one setting each.
    settings: Vec<String>,
    rules: String,
}

impl PolicyText {
    fn yaml(&self) -> String {
        let mut spec = String::from("  cab: cab\n");
        if self.ecab {
            spec.push_str("  ecab: ecab\n");
        }
        for s in &self.settings {
            spec.push_str(&format!("  {s}\n"));
        }
        format!(
            "apiVersion: cabinet/v1\nkind: Policy\nmetadata: {{id: p}}\nspec:\n{spec}  approvals:{}",
            self.rules
        )
    }
}

impl Case {
    /// Pull request 42 by octocat: one commit (the head, octocat's) adding change `CHG-1` of
    /// this type and risk, which impacts service `pay` (tier 2, owned by payments).
    fn change(change_type: ChangeType, risk: Risk) -> Case {
        Case {
            policy: Some(PolicyText {
                ecab: true,
                settings: Vec::new(),
                rules: RULES.to_string(),
            }),
            pr: PullRequest {
                number: 42,
                author: account("octocat"),
                head_sha: HEAD.to_string(),
                draft: false,
                commits: vec![listed(
                    HEAD,
                    Some(account("octocat")),
                    Some(account("octocat")),
                )],
                reviews: Vec::new(),
            },
            commits: vec![local(HEAD, OCTOCAT_EMAIL, OCTOCAT_EMAIL)],
            change_types: vec![("CHG-1".to_string(), change_type)],
            services: vec![service("pay", 2, "payments")],
            risk,
            changed_paths: vec!["changes/CHG-1.yaml".to_string()],
            stale: BTreeMap::new(),
            changed_kinds: [Kind::Change].into(),
        }
    }

    /// A normal change of medium risk: one CAB member and one owner of `pay` approve it.
    fn medium() -> Case {
        Case::change(ChangeType::Normal, Risk::Medium)
    }

    /// Reviews in this order, each submitted a minute after the one before.
    fn reviewed(mut self, reviews: &[(&str, &str)]) -> Case {
        for (login, state) in reviews {
            let id = self.next_review_id();
            self.pr.reviews.push(review(id, login, state));
        }
        self
    }

    fn approved_by(self, logins: &[&str]) -> Case {
        let reviews: Vec<(&str, &str)> = logins.iter().map(|l| (*l, "APPROVED")).collect();
        self.reviewed(&reviews)
    }

    fn with_review(mut self, r: Review) -> Case {
        self.pr.reviews.push(r);
        self
    }

    fn next_review_id(&self) -> u64 {
        self.pr.reviews.iter().map(|r| r.id).max().unwrap_or(0) + 1
    }

    /// These approval rules instead of `RULES` (YAML list items, one a line).
    fn rules(mut self, rules: &str) -> Case {
        self.policy_mut().rules = format!("\n{rules}");
        self
    }

    /// One more line of the Policy's `spec`.
    fn setting(mut self, line: &str) -> Case {
        self.policy_mut().settings.push(line.to_string());
        self
    }

    fn without_ecab(mut self) -> Case {
        self.policy_mut().ecab = false;
        self
    }

    fn without_policy(mut self) -> Case {
        self.policy = None;
        self
    }

    fn policy_mut(&mut self) -> &mut PolicyText {
        self.policy.as_mut().expect("a case with a Policy")
    }

    fn impacting(mut self, impacted: &[ImpactedService]) -> Case {
        self.services = impacted.to_vec();
        self
    }

    /// The pull request also changes this file (from the top of the repository, which is
    /// the cabinet root here).
    fn changing_path(mut self, path: &str) -> Case {
        self.changed_paths.push(path.to_string());
        self
    }

    /// The pull request also adds, edits or deletes a record of this kind.
    fn changing_kind(mut self, kind: Kind) -> Case {
        self.changed_kinds.insert(kind);
        self
    }

    /// The pull request adds or edits no change record.
    fn without_change_records(mut self) -> Case {
        self.change_types.clear();
        self.changed_kinds.remove(&Kind::Change);
        self
    }

    fn stale(mut self, review: u64, reason: &str) -> Case {
        self.stale.insert(review, reason.to_string());
        self
    }

    /// One more commit, as git has it and as the forge lists it (`None`: left out).
    fn with_commit(mut self, git: LocalCommit, forge: Option<Commit>) -> Case {
        self.commits.push(git);
        self.pr.commits.extend(forge);
        self
    }

    fn base(&self) -> RecordSet {
        let policy = self.policy.as_ref().map(PolicyText::yaml);
        let policy = policy.iter().map(|p| ("policy.yaml", p.as_str()));
        crate::load::valid_records(policy.chain([("teams.yaml", TEAMS)]))
    }

    fn decide(&self) -> Decision {
        let base = self.base();
        let policy = base.policy().map(|(_, p)| p.clone());
        evaluate(&ApprovalInput {
            pr: &self.pr,
            base: &base,
            policy: policy.as_ref(),
            change_types: self.change_types.clone(),
            services: self.services.clone(),
            risk: self.risk,
            changed_paths: self.changed_paths.clone(),
            stale: self.stale.clone(),
            commits: &self.commits,
            changed_kinds: self.changed_kinds.clone(),
            changed_top_paths: self.changed_paths.clone(),
        })
    }
}

/// `login: reason` of every ignored approval.
fn ignored(d: &Decision) -> Vec<String> {
    d.ignored
        .iter()
        .map(|i| format!("{}: {}", i.login, i.reason))
        .collect()
}

fn rule<'a>(d: &'a Decision, name: &str) -> &'a RuleResult {
    d.rules
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no rule `{name}` in {d:#?}"))
}

fn rule_names(d: &Decision) -> Vec<&str> {
    d.rules.iter().map(|r| r.name.as_str()).collect()
}

/// A medium change that pat (the owner) approves after carol's `reviews`: whether carol's
/// approval counts decides it.
fn carol_reviews(reviews: Vec<Review>) -> Decision {
    let mut case = Case::medium();
    case.pr.reviews = reviews;
    case.reviewed(&[("pat", "APPROVED")]).decide()
}

// --- rules and requirements ---

#[test]
fn a_cab_member_and_the_owner_approve_a_medium_change() {
    let d = Case::medium().approved_by(&["carol", "pat"]).decide();
    assert!(d.satisfied, "{d:#?}");
    let medium = rule(&d, "medium");
    assert_eq!(medium.requirements[0].approvers, ["carol"]);
    assert_eq!(
        medium.requirements[1].service.as_deref(),
        Some("service:pay")
    );
    assert_eq!(medium.requirements[1].approvers, ["pat"]);
    assert_json_snapshot!(d);
}

#[test]
fn a_medium_change_without_its_owner_is_not_approved() {
    let d = Case::medium().approved_by(&["carol"]).decide();
    assert!(!d.satisfied);
    assert!(!rule(&d, "medium").requirements[1].satisfied);
    assert_eq!(d.reasons, ["rule `medium` is not met"]);
    assert_json_snapshot!(d);
}

#[test]
fn one_cab_member_is_not_the_two_a_high_risk_change_needs() {
    let d = Case::change(ChangeType::Normal, Risk::High)
        .approved_by(&["carol", "pat"])
        .decide();
    assert!(!d.satisfied);
    let cab = &rule(&d, "high").requirements[0];
    assert_eq!((cab.count, cab.approvers.len()), (2, 1));
    assert_json_snapshot!(d);
}

#[test]
fn two_cab_members_and_the_owner_approve_a_high_risk_change() {
    let d = Case::change(ChangeType::Normal, Risk::High)
        .approved_by(&["carol", "erin", "pat"])
        .decide();
    assert!(d.satisfied, "{d:#?}");
    assert_eq!(
        rule(&d, "high").requirements[0].approvers,
        ["carol", "erin"]
    );
    assert_json_snapshot!(d);
}

#[test]
fn a_critical_change_falls_under_the_rule_that_names_critical() {
    let d = Case::change(ChangeType::Normal, Risk::Critical)
        .approved_by(&["carol", "erin", "pat"])
        .decide();
    assert_eq!(rule_names(&d), ["high"]);
    assert!(d.satisfied, "{d:#?}");
    assert_json_snapshot!(d);
}

#[test]
fn two_approvals_by_one_person_count_once() {
    let d = Case::change(ChangeType::Normal, Risk::High)
        .approved_by(&["carol", "carol", "pat"])
        .decide();
    assert!(!d.satisfied);
    assert_eq!(rule(&d, "high").requirements[0].approvers, ["carol"]);
    assert_json_snapshot!(d);
}

#[test]
fn owners_approve_once_for_every_impacted_service() {
    let two = [
        service("pay", 2, "payments"),
        service("ship", 3, "shipping"),
    ];
    let d = Case::medium()
        .impacting(&two)
        .approved_by(&["carol", "pat"])
        .decide();
    assert!(!d.satisfied);
    let per_service: Vec<(Option<&str>, bool)> = rule(&d, "medium").requirements[1..]
        .iter()
        .map(|r| (r.service.as_deref(), r.satisfied))
        .collect();
    assert_eq!(
        per_service,
        [(Some("service:pay"), true), (Some("service:ship"), false)]
    );
    assert_json_snapshot!(d);

    let d = Case::medium()
        .impacting(&two)
        .approved_by(&["carol", "pat", "sam"])
        .decide();
    assert!(d.satisfied, "{d:#?}");
}

#[test]
fn owners_without_per_are_met_by_the_owners_of_any_impacted_service() {
    let d = Case::change(ChangeType::Normal, Risk::Low)
        .impacting(&[
            service("pay", 2, "payments"),
            service("ship", 3, "shipping"),
        ])
        .approved_by(&["sam"])
        .decide();
    assert!(d.satisfied, "{d:#?}");
    let owners = &rule(&d, "low risk").requirements[0];
    assert_eq!(owners.service, None);
    assert_eq!(owners.approvers, ["sam"]);
    assert_json_snapshot!(d);
}

#[test]
fn a_per_service_requirement_asks_nothing_when_no_service_is_impacted() {
    let d = Case::medium()
        .impacting(&[])
        .approved_by(&["carol"])
        .decide();
    assert!(d.satisfied, "{d:#?}");
    assert_eq!(rule(&d, "medium").requirements.len(), 1);
    assert_json_snapshot!(d);
}

#[test]
fn owners_without_per_and_without_an_impacted_service_cannot_be_met() {
    let d = Case::change(ChangeType::Normal, Risk::Low)
        .impacting(&[])
        .approved_by(&["pat"])
        .decide();
    assert!(!d.satisfied);
    assert!(rule(&d, "low risk").requirements[0].approvers.is_empty());
    assert_eq!(
        ignored(&d),
        ["pat: no applicable rule counts this approval"]
    );
    assert_json_snapshot!(d);
}

#[test]
fn one_person_in_two_teams_counts_for_each_requirement_they_meet() {
    // erin sits on the CAB and, here, owns `pay` through the CAB team itself.
    let d = Case::medium()
        .impacting(&[service("pay", 2, "cab")])
        .approved_by(&["erin"])
        .decide();
    assert!(d.satisfied, "{d:#?}");
    let medium = rule(&d, "medium");
    assert_eq!(medium.requirements[0].approvers, ["erin"]);
    assert_eq!(medium.requirements[1].approvers, ["erin"]);
    assert_json_snapshot!(d);
}

const CAB_OR_ECAB: &str = "    - {name: either board, require: [{anyOf: [{count: 2, from: [cab]}, {count: 1, from: [ecab]}]}]}\n";

#[test]
fn any_of_is_met_by_one_of_its_alternatives() {
    let d = Case::medium()
        .rules(CAB_OR_ECAB)
        .approved_by(&["frank"])
        .decide();
    assert!(d.satisfied, "{d:#?}");
    let any = &rule(&d, "either board").requirements[0];
    let alternatives: Vec<bool> = any.any_of.iter().map(|a| a.satisfied).collect();
    assert_eq!(alternatives, [false, true]);
    assert_json_snapshot!(d);
}

#[test]
fn any_of_is_not_met_when_no_alternative_is() {
    let d = Case::medium()
        .rules(CAB_OR_ECAB)
        .approved_by(&["carol"])
        .decide();
    assert!(!d.satisfied);
    assert!(!rule(&d, "either board").requirements[0].satisfied);
    assert_eq!(d.reasons, ["rule `either board` is not met"]);
    assert_json_snapshot!(d);
}

#[test]
fn a_rule_naming_a_team_counts_its_members() {
    let d = Case::medium()
        .rules("    - {name: security, require: [{count: 1, from: [team:security]}]}\n")
        .approved_by(&["sol"])
        .decide();
    assert!(d.satisfied, "{d:#?}");
    assert_eq!(rule(&d, "security").requirements[0].approvers, ["sol"]);
    assert_json_snapshot!(d);
}

#[test]
fn any_member_counts_a_member_of_any_team() {
    let d = Case::medium()
        .rules("    - {name: anyone, require: [{count: 2, from: [any-member]}]}\n")
        .approved_by(&["sam", "sol", "mallory"])
        .decide();
    assert!(d.satisfied, "{d:#?}");
    assert_eq!(rule(&d, "anyone").requirements[0].approvers, ["sam", "sol"]);
    assert_eq!(
        ignored(&d),
        ["mallory: not a member of `cab`, `ecab`, `payments`, `security`, `shipping`"]
    );
    assert_json_snapshot!(d);
}

#[test]
fn a_rule_naming_a_team_that_does_not_exist_cannot_be_met() {
    let d = Case::medium()
        .rules("    - {name: ghosts, require: [{count: 1, from: [team:ghosts]}]}\n")
        .approved_by(&["carol"])
        .decide();
    assert!(!d.satisfied);
    assert_eq!(
        rule(&d, "ghosts").requirements[0].problems,
        ["team `ghosts` does not exist at the base revision"]
    );
    assert_json_snapshot!(d);
}

#[test]
fn an_owning_team_that_does_not_exist_is_named() {
    let d = Case::medium()
        .impacting(&[service("pay", 2, "ghosts")])
        .approved_by(&["carol", "pat"])
        .decide();
    assert!(!d.satisfied);
    assert_eq!(
        rule(&d, "medium").requirements[1].problems,
        ["team `ghosts` does not exist at the base revision"]
    );
    assert_json_snapshot!(d);
}

#[test]
fn an_ecab_requirement_without_an_ecab_in_the_policy_cannot_be_met() {
    let d = Case::change(ChangeType::Emergency, Risk::High)
        .without_ecab()
        .approved_by(&["frank"])
        .decide();
    assert!(!d.satisfied);
    assert_eq!(
        rule(&d, "emergency").requirements[0].problems,
        ["the policy names no `ecab` team"]
    );
    assert_json_snapshot!(d);
}

#[test]
fn an_emergency_change_needs_the_ecab_and_carries_an_obligation() {
    let d = Case::change(ChangeType::Emergency, Risk::High)
        .approved_by(&["frank"])
        .decide();
    assert!(d.satisfied, "{d:#?}");
    assert_eq!(rule_names(&d), ["emergency"]);
    assert_eq!(
        d.obligations,
        [
            "CHG-1 is an emergency change: after the merge the ECAB reviews it, and its outcome records that review"
        ]
    );
    assert_json_snapshot!(d);
}

// --- which rules apply ---

#[test]
fn every_rule_that_matches_must_hold() {
    let d = Case::medium()
        .rules(&format!(
            "{}    - {{name: security, require: [{{count: 1, from: [team:security]}}]}}\n",
            RULES.trim_start_matches('\n')
        ))
        .approved_by(&["carol", "pat"])
        .decide();
    assert!(!d.satisfied);
    assert_eq!(rule_names(&d), ["medium", "security"]);
    assert_eq!(d.reasons, ["rule `security` is not met"]);
    assert_json_snapshot!(d);
}

#[test]
fn a_rule_without_when_matches_every_change() {
    for (change_type, risk) in [
        (ChangeType::Standard, Risk::Low),
        (ChangeType::Emergency, Risk::Critical),
    ] {
        let d = Case::change(change_type, risk)
            .rules("    - {name: always, require: [{count: 1, from: [cab]}]}\n")
            .decide();
        assert_eq!(rule_names(&d), ["always"], "{change_type:?}");
    }
}

const DOCS_RULE: &str = "    - {name: docs, when: {changedPaths: ['docs/**']}, require: [{count: 1, from: [team:security]}]}\n";

#[test]
fn a_changed_paths_rule_applies_when_a_changed_path_matches() {
    let d = Case::medium()
        .rules(DOCS_RULE)
        .changing_path("docs/runbook.md")
        .approved_by(&["sol"])
        .decide();
    assert_eq!(rule_names(&d), ["docs"]);
    assert!(d.satisfied, "{d:#?}");
    assert_json_snapshot!(d);
}

#[test]
fn a_changed_paths_rule_does_not_apply_when_no_path_matches() {
    let d = Case::medium()
        .rules(DOCS_RULE)
        .changing_path("services/pay.yaml")
        .approved_by(&["sol"])
        .decide();
    assert!(d.rules.is_empty());
    assert_eq!(d.reasons, ["no approval rule applies to this change"]);
    assert_json_snapshot!(d);
}

const SHIP_RULE: &str = "    - {name: shipping, when: {impactedServices: [service:ship]}, require: [{count: 1, from: [team:shipping]}]}\n";

#[test]
fn an_impacted_services_rule_applies_when_one_of_them_is_impacted() {
    let d = Case::medium()
        .rules(SHIP_RULE)
        .impacting(&[
            service("pay", 2, "payments"),
            service("ship", 3, "shipping"),
        ])
        .approved_by(&["sam"])
        .decide();
    assert_eq!(rule_names(&d), ["shipping"]);
    assert!(d.satisfied, "{d:#?}");
    assert_json_snapshot!(d);
}

#[test]
fn an_impacted_services_rule_does_not_apply_to_other_services() {
    let d = Case::medium()
        .rules(SHIP_RULE)
        .approved_by(&["sam"])
        .decide();
    assert!(d.rules.is_empty());
    assert!(!d.satisfied);
    assert_json_snapshot!(d);
}

const TIER_ONE_RULE: &str =
    "    - {name: tier one, when: {tiers: [1]}, require: [{count: 2, from: [cab]}]}\n";

#[test]
fn a_tiers_rule_applies_when_a_service_of_that_tier_is_impacted() {
    let d = Case::medium()
        .rules(TIER_ONE_RULE)
        .impacting(&[service("pay", 1, "payments")])
        .approved_by(&["carol"])
        .decide();
    assert_eq!(rule_names(&d), ["tier one"]);
    assert!(!d.satisfied);
    assert_json_snapshot!(d);
}

#[test]
fn a_tiers_rule_does_not_apply_to_other_tiers() {
    let d = Case::medium().rules(TIER_ONE_RULE).decide();
    assert!(d.rules.is_empty());
    assert_eq!(d.reasons, ["no approval rule applies to this change"]);
}

#[test]
fn a_rule_for_another_change_type_does_not_apply() {
    // The base rules name normal and emergency changes; a standard change meets none.
    let d = Case::change(ChangeType::Standard, Risk::Medium)
        .approved_by(&["carol"])
        .decide();
    assert!(!d.satisfied);
    assert!(d.rules.is_empty());
    assert_eq!(d.reasons, ["no approval rule applies to this change"]);
    assert_eq!(
        ignored(&d),
        ["carol: no applicable rule counts this approval"]
    );
    assert_json_snapshot!(d);
}

#[test]
fn without_a_policy_nothing_is_approved() {
    let d = Case::medium()
        .without_policy()
        .approved_by(&["carol", "pat"])
        .decide();
    assert!(!d.satisfied);
    assert_eq!(
        d.reasons,
        ["the base revision has no Policy: nothing can be approved"]
    );
    assert_json_snapshot!(d);
}

// --- who may not approve ---

#[test]
fn the_author_does_not_count_even_as_an_owner() {
    let d = Case::medium().approved_by(&["carol", "octocat"]).decide();
    assert!(!d.satisfied);
    assert_eq!(ignored(&d), ["octocat: author"]);
    assert_json_snapshot!(d);
}

#[test]
fn a_committer_the_forge_names_does_not_count() {
    let mut case = Case::medium().approved_by(&["carol", "pat"]);
    case.pr.commits[0].committer = Some(account("carol"));
    let d = case.decide();
    assert!(!d.satisfied);
    assert_eq!(
        ignored(&d),
        ["carol: contributor: authored or committed to the pull request"]
    );
    assert_json_snapshot!(d);
}

#[test]
fn a_commit_email_a_team_lists_makes_its_member_a_contributor() {
    // The forge could not link the commit to an account; carol's Team record lists the
    // e-mail git has for it.
    let d = Case::medium()
        .with_commit(
            local(EARLIER, "Carol@Acme.example", "noreply@github.com"),
            Some(listed(EARLIER, None, None)),
        )
        .approved_by(&["carol", "pat"])
        .decide();
    assert!(!d.satisfied);
    assert_eq!(
        ignored(&d),
        ["carol: contributor: authored or committed to the pull request"]
    );
    assert_json_snapshot!(d);
}

#[test]
fn a_co_author_does_not_count() {
    let mut git = local(EARLIER, OCTOCAT_EMAIL, OCTOCAT_EMAIL);
    git.co_author_lines = vec!["Co-authored-by: E <103+erin@users.noreply.github.com>".into()];
    let d = Case::medium()
        .with_commit(git, Some(listed(EARLIER, Some(account("octocat")), None)))
        .approved_by(&["erin", "pat"])
        .decide();
    assert!(!d.satisfied);
    assert_eq!(
        ignored(&d),
        ["erin: contributor: authored or committed to the pull request"]
    );
    assert_json_snapshot!(d);
}

#[test]
fn a_commit_the_forge_leaves_out_blocks_and_its_author_still_contributes() {
    let d = Case::medium()
        .with_commit(
            local(EARLIER, "carol@acme.example", "carol@acme.example"),
            None,
        )
        .approved_by(&["carol", "pat"])
        .decide();
    assert!(!d.satisfied);
    assert_eq!(
        d.reasons,
        [
            "commit 2222222 (carol@acme.example) is in the repository's history of the pull request but not in its commit list: the list is incomplete or of another pull request",
            "rule `medium` is not met",
        ]
    );
    assert_eq!(
        ignored(&d),
        ["carol: contributor: authored or committed to the pull request"]
    );
    assert_json_snapshot!(d);
}

#[test]
fn a_commit_the_forge_lists_beyond_the_pull_request_still_makes_a_contributor() {
    // The list holds a commit git does not have in base..head: whoever it names wrote part
    // of what the forge calls this pull request.
    let mut case = Case::medium().approved_by(&["carol", "pat"]);
    case.pr
        .commits
        .push(listed(ELSEWHERE, Some(account("carol")), None));
    let d = case.decide();
    assert!(!d.satisfied);
    assert_eq!(
        ignored(&d),
        ["carol: contributor: authored or committed to the pull request"]
    );
}

#[test]
fn a_commit_whose_author_nobody_can_place_blocks() {
    let d = Case::medium()
        .with_commit(
            local(EARLIER, "someone@mail.example", "noreply@github.com"),
            Some(listed(EARLIER, None, None)),
        )
        .approved_by(&["carol", "pat"])
        .decide();
    assert!(!d.satisfied);
    assert_eq!(
        d.reasons,
        [
            "commit 2222222: the author e-mail `someone@mail.example` is tied to no GitHub account and to no Team member's `email`, so whether an approver wrote it cannot be known"
        ]
    );
    assert!(d.notes.is_empty());
    assert_json_snapshot!(d);
}

#[test]
fn allow_unknown_authors_makes_an_unknown_author_a_note() {
    let d = Case::medium()
        .setting("allowUnknownAuthors: true")
        .with_commit(
            local(EARLIER, "someone@mail.example", "noreply@github.com"),
            Some(listed(EARLIER, None, None)),
        )
        .approved_by(&["carol", "pat"])
        .decide();
    assert!(d.satisfied, "{d:#?}");
    assert_eq!(d.notes.len(), 1);
    assert!(d.notes[0].contains("the author e-mail `someone@mail.example`"));
    assert_json_snapshot!(d);
}

#[test]
fn githubs_web_flow_committer_is_nobody_s_contribution() {
    // A merge made in GitHub's web interface: committed by web-flow, which is a bot and
    // makes no one a contributor.
    let web_flow = user("web-flow", Some(pr::WEB_FLOW_ID));
    let d = Case::medium()
        .with_commit(
            local(EARLIER, OCTOCAT_EMAIL, "noreply@github.com"),
            Some(listed(EARLIER, Some(account("octocat")), Some(web_flow))),
        )
        .approved_by(&["carol", "pat"])
        .decide();
    assert!(d.satisfied, "{d:#?}");
    assert!(d.ignored.is_empty());
    assert_json_snapshot!(d);
}

#[test]
fn a_bot_never_counts() {
    let typed = Account {
        login: "helper".into(),
        id: Some(41_898_282),
        kind: Some("Bot".into()),
    };
    let web_flow = Account {
        login: "web-flow".into(),
        id: Some(pr::WEB_FLOW_ID),
        kind: None,
    };
    // deploy[bot] is even listed in the owning team.
    let d = Case::medium()
        .with_review(review_by(1, typed, "APPROVED"))
        .with_review(review_by(2, web_flow, "APPROVED"))
        .reviewed(&[("deploy[bot]", "APPROVED"), ("carol", "APPROVED")])
        .decide();
    assert!(!d.satisfied);
    assert_eq!(
        ignored(&d),
        ["deploy[bot]: bot", "helper: bot", "web-flow: bot"]
    );
    assert_json_snapshot!(d);
}

// --- logins and ids ---

#[test]
fn a_login_matches_whatever_its_case() {
    // The team lists `Dave`; GitHub reports `dave`, with the same id.
    let d = Case::medium().approved_by(&["dave", "PAT"]).decide();
    assert!(d.satisfied, "{d:#?}");
    assert_eq!(rule(&d, "medium").requirements[0].approvers, ["dave"]);
    assert_json_snapshot!(d);
}

#[test]
fn a_login_under_another_id_does_not_count() {
    let renamed = user("carol", Some(999));
    let d = carol_reviews(vec![review_by(1, renamed, "APPROVED")]);
    assert!(!d.satisfied);
    assert_eq!(
        ignored(&d),
        ["carol: listed in team `cab` under another GitHub id (renamed or reused login)"]
    );
    assert_json_snapshot!(d);
}

#[test]
fn an_account_without_an_id_does_not_match_a_member_listed_with_one() {
    let no_id = user("carol", None);
    let d = carol_reviews(vec![review_by(1, no_id, "APPROVED")]);
    assert!(!d.satisfied);
    assert_eq!(
        ignored(&d),
        [
            "carol: no id: the review's user has no GitHub id, and team `cab` lists this login with one"
        ]
    );
    assert_json_snapshot!(d);
}

#[test]
fn a_member_listed_without_an_id_counts_by_default() {
    let d = Case::medium().approved_by(&["ian", "pat"]).decide();
    assert!(d.satisfied, "{d:#?}");
    assert_eq!(rule(&d, "medium").requirements[0].approvers, ["ian"]);
    assert_json_snapshot!(d);
}

#[test]
fn a_login_listed_without_an_id_counts_once_whoever_held_it() {
    // Two accounts reviewed as `ian` (the login changed hands between the reviews): the team
    // lists the login alone, so both match it, and it is one approver of the two needed.
    let holder = |id| user("ian", Some(id));
    let d = Case::change(ChangeType::Normal, Risk::High)
        .with_review(review_by(1, holder(104), "APPROVED"))
        .with_review(review_by(2, holder(7), "APPROVED"))
        .reviewed(&[("pat", "APPROVED")])
        .decide();
    assert!(!d.satisfied);
    assert_eq!(rule(&d, "high").requirements[0].approvers, ["ian"]);
    assert_json_snapshot!(d);
}

#[test]
fn with_required_ids_a_member_listed_without_one_does_not_count() {
    let d = Case::medium()
        .setting("requireGithubIds: true")
        .approved_by(&["ian", "pat"])
        .decide();
    assert!(!d.satisfied);
    assert_eq!(
        ignored(&d),
        [
            "ian: listed in team `cab` without a githubId, and the policy requires ids (requireGithubIds)"
        ]
    );
    assert_json_snapshot!(d);
}

#[test]
fn with_required_ids_a_member_listed_with_one_still_counts() {
    let d = Case::medium()
        .setting("requireGithubIds: true")
        .approved_by(&["carol", "pat"])
        .decide();
    assert!(d.satisfied, "{d:#?}");
}

#[test]
fn an_approver_in_none_of_the_teams_that_count_is_named_as_such() {
    let d = Case::medium()
        .approved_by(&["mallory", "sam", "pat"])
        .decide();
    assert!(!d.satisfied);
    assert_eq!(
        ignored(&d),
        [
            "mallory: not a member of `cab`, `payments`",
            "sam: not a member of `cab`, `payments`",
        ]
    );
    assert_json_snapshot!(d);
}

// --- which reviews count, and in what order ---

#[test]
fn a_later_comment_keeps_an_approval() {
    let d = Case::medium()
        .reviewed(&[
            ("carol", "APPROVED"),
            ("carol", "COMMENTED"),
            ("pat", "APPROVED"),
        ])
        .decide();
    assert!(d.satisfied, "{d:#?}");
    assert_json_snapshot!(d);
}

#[test]
fn a_later_dismissal_cancels_an_approval() {
    let d = Case::medium()
        .reviewed(&[
            ("carol", "APPROVED"),
            ("carol", "DISMISSED"),
            ("pat", "APPROVED"),
        ])
        .decide();
    assert!(!d.satisfied);
    assert!(rule(&d, "medium").requirements[0].approvers.is_empty());
    // A dismissed approval does not count, and is listed with its reason.
    assert_eq!(
        ignored(&d),
        ["carol: dismissed: review 2 was dismissed, and no approval came after it"]
    );
    assert_json_snapshot!(d);
}

#[test]
fn a_dismissal_brings_no_older_approval_back() {
    let d = Case::medium()
        .reviewed(&[
            ("carol", "APPROVED"),
            ("carol", "CHANGES_REQUESTED"),
            ("carol", "DISMISSED"),
            ("pat", "APPROVED"),
        ])
        .decide();
    assert!(!d.satisfied);
    assert!(rule(&d, "medium").requirements[0].approvers.is_empty());
    assert!(d.blocked_by.is_empty());
    assert_json_snapshot!(d);
}

#[test]
fn a_pending_review_decides_nothing() {
    let d = Case::medium()
        .reviewed(&[
            ("carol", "APPROVED"),
            ("carol", "PENDING"),
            ("pat", "APPROVED"),
        ])
        .decide();
    assert!(d.satisfied, "{d:#?}");
    let d = Case::medium()
        .reviewed(&[("carol", "PENDING"), ("pat", "APPROVED")])
        .decide();
    assert!(!d.satisfied);
    assert_eq!(
        ignored(&d),
        ["carol: pending: review 1 was never submitted"]
    );
    assert_json_snapshot!(d);
}

#[test]
fn review_states_are_read_in_any_case() {
    let d = Case::medium()
        .reviewed(&[
            ("carol", "approved"),
            ("pat", "Approved"),
            ("erin", "changes_requested"),
        ])
        .decide();
    assert_eq!(rule(&d, "medium").requirements[0].approvers, ["carol"]);
    assert_eq!(d.blocked_by, ["erin"]);
    assert_json_snapshot!(d);
}

#[test]
fn reviews_are_ordered_by_instant_not_by_text() {
    // 13:00+05:00 is 08:00Z, before the dismissal at 10:00Z.
    let d = carol_reviews(vec![
        submitted(review(1, "carol", "APPROVED"), "2026-11-20T13:00:00+05:00"),
        submitted(review(2, "carol", "DISMISSED"), "2026-11-20T10:00:00Z"),
    ]);
    assert!(!d.satisfied);
    assert_json_snapshot!(d);
    // The other way round the approval is the latest and counts.
    let d = carol_reviews(vec![
        submitted(review(1, "carol", "DISMISSED"), "2026-11-20T13:00:00+05:00"),
        submitted(review(2, "carol", "APPROVED"), "2026-11-20T10:00:00Z"),
    ]);
    assert!(d.satisfied, "{d:#?}");
}

#[test]
fn reviews_at_the_same_instant_are_ordered_by_id() {
    // The same instant in two offsets: review 9 comes after review 8.
    let d = carol_reviews(vec![
        submitted(review(9, "carol", "DISMISSED"), "2026-11-20T10:00:00Z"),
        submitted(review(8, "carol", "APPROVED"), "2026-11-20T11:00:00+01:00"),
    ]);
    assert!(!d.satisfied);
    assert!(rule(&d, "medium").requirements[0].approvers.is_empty());
    assert_json_snapshot!(d);
    let d = carol_reviews(vec![
        submitted(review(8, "carol", "DISMISSED"), "2026-11-20T10:00:00Z"),
        submitted(review(9, "carol", "APPROVED"), "2026-11-20T11:00:00+01:00"),
    ]);
    assert!(d.satisfied, "{d:#?}");
}

#[test]
fn an_approval_without_a_valid_time_does_not_count() {
    let d = carol_reviews(vec![submitted(review(1, "carol", "APPROVED"), "yesterday")]);
    assert!(!d.satisfied);
    assert_eq!(
        ignored(&d),
        [
            "carol: review 1 has no valid time (`yesterday` is not RFC 3339), so it cannot be ordered among this person's reviews"
        ]
    );
    assert_json_snapshot!(d);
}

#[test]
fn an_approval_without_any_time_does_not_count() {
    let mut untimed = review(1, "carol", "APPROVED");
    untimed.submitted_at = None;
    let d = carol_reviews(vec![untimed]);
    assert!(!d.satisfied);
    assert_eq!(
        ignored(&d),
        [
            "carol: review 1 has no valid time (`none` is not RFC 3339), so it cannot be ordered among this person's reviews"
        ]
    );
    assert_json_snapshot!(d);
}

#[test]
fn an_untimed_review_keeps_even_a_timed_approval_from_counting() {
    let d = Case::medium()
        .reviewed(&[("carol", "APPROVED"), ("pat", "APPROVED")])
        .with_review(submitted(review(3, "carol", "COMMENTED"), "later"))
        .with_review(submitted(review(4, "carol", "DISMISSED"), "later"))
        .decide();
    assert!(!d.satisfied);
    assert_eq!(
        ignored(&d),
        [
            "carol: review 4 has no valid time (`later` is not RFC 3339), so it cannot be ordered among this person's reviews"
        ]
    );
    assert_json_snapshot!(d);
}

#[test]
fn a_request_for_changes_without_a_time_still_blocks() {
    let d = Case::medium()
        .reviewed(&[("carol", "APPROVED"), ("pat", "APPROVED")])
        .with_review(submitted(review(3, "Dave", "CHANGES_REQUESTED"), "later"))
        .decide();
    assert!(!d.satisfied);
    assert_eq!(d.blocked_by, ["Dave"]);
    assert_json_snapshot!(d);
}

#[test]
fn an_untimed_approval_does_not_lift_a_request_for_changes() {
    // Neither a timed request followed by an untimed approval, nor two untimed reviews.
    let d = Case::medium()
        .reviewed(&[
            ("carol", "APPROVED"),
            ("pat", "APPROVED"),
            ("erin", "CHANGES_REQUESTED"),
        ])
        .with_review(submitted(review(4, "erin", "APPROVED"), "later"))
        .decide();
    assert_eq!(d.blocked_by, ["erin"]);
    assert_json_snapshot!(d);
    let d = Case::medium()
        .reviewed(&[("carol", "APPROVED"), ("pat", "APPROVED")])
        .with_review(submitted(review(3, "erin", "CHANGES_REQUESTED"), "later"))
        .with_review(submitted(review(4, "erin", "APPROVED"), "later"))
        .decide();
    assert_eq!(d.blocked_by, ["erin"]);
}

#[test]
fn a_review_by_a_deleted_account_decides_nothing() {
    // GitHub returns `user: null` for a deleted account (or names it `ghost`), with or
    // without a valid time.
    let mut gone = review(3, "mallory", "CHANGES_REQUESTED");
    gone.user = None;
    let mut gone_untimed = submitted(review(4, "mallory", "CHANGES_REQUESTED"), "later");
    gone_untimed.user = None;
    let ghost = user("ghost", Some(10_137));
    let d = Case::medium()
        .reviewed(&[("carol", "APPROVED"), ("pat", "APPROVED")])
        .with_review(gone)
        .with_review(gone_untimed)
        .with_review(review_by(5, ghost, "CHANGES_REQUESTED"))
        .decide();
    assert!(d.blocked_by.is_empty(), "{d:#?}");
    assert!(d.satisfied, "{d:#?}");
    // Listed, not dropped.
    assert_eq!(
        ignored(&d),
        [
            "ghost: deleted account: review 3 has no user",
            "ghost: deleted account: review 4 has no user",
            "ghost: deleted account: review 5 has no user",
        ]
    );
    assert_json_snapshot!(d);
}

#[test]
fn a_dismissed_approval_is_listed_and_does_not_count() {
    let d = Case::medium()
        .reviewed(&[("carol", "DISMISSED"), ("pat", "APPROVED")])
        .decide();
    assert!(!d.satisfied, "{d:#?}");
    assert_eq!(
        ignored(&d),
        ["carol: dismissed: review 1 was dismissed, and no approval came after it"]
    );
    // An approval after the dismissal counts again, and nothing is listed.
    let d = Case::medium()
        .reviewed(&[
            ("carol", "DISMISSED"),
            ("pat", "APPROVED"),
            ("carol", "APPROVED"),
        ])
        .decide();
    assert!(d.satisfied, "{d:#?}");
    assert!(d.ignored.is_empty(), "{d:#?}");
}

/// Recorded responses in GitHub's documented shape (tests/fixtures/approvals/): the reviews of
/// a pull request with a deleted account, a pending review, a dismissed one, a comment and a
/// request for changes on an earlier commit; its commits with an empty-object author.
#[test]
fn every_review_of_a_recorded_response_that_does_not_count_says_why() {
    let reviews = include_str!("../../tests/fixtures/approvals/github-reviews.json");
    let commits = include_str!("../../tests/fixtures/approvals/github-commits.json");
    let file = format!(
        r#"{{"number": 42, "author": {{"login": "octocat", "id": 583231, "type": "User"}}, "head_sha": "{HEAD}", "commits": {commits}, "reviews": {reviews}}}"#
    );
    let mut case = Case::medium();
    case.pr = pr::parse(file.as_bytes()).expect("GitHub's shapes parse");
    case.commits = vec![
        local(EARLIER, OCTOCAT_EMAIL, "noreply@github.com"),
        local(
            HEAD,
            "someone@elsewhere.example",
            "someone@elsewhere.example",
        ),
    ];
    let d = case.decide();
    assert_eq!(
        ignored(&d),
        [
            "Dave: dismissed: review 83 was dismissed, and no approval came after it",
            "erin: pending: review 82 was never submitted",
            "ghost: deleted account: review 81 has no user",
        ]
    );
    assert_json_snapshot!(d);
}

// --- an approval counts on a commit of the pull request, bound to what is merged ---

#[test]
fn an_approval_of_a_commit_outside_the_pull_request_does_not_count() {
    let d = carol_reviews(vec![on_commit(review(1, "carol", "APPROVED"), ELSEWHERE)]);
    assert!(!d.satisfied);
    assert_eq!(
        ignored(&d),
        [
            "carol: stale at 3333333: not a commit of the pull request (force-pushed away, or another pull request's)"
        ]
    );
    assert_json_snapshot!(d);
}

#[test]
fn an_approval_naming_a_ref_instead_of_a_commit_does_not_count() {
    let d = carol_reviews(vec![on_commit(review(1, "carol", "APPROVED"), "HEAD")]);
    assert!(!d.satisfied);
    assert_eq!(
        ignored(&d),
        ["carol: the review names `HEAD`, not a full commit id of the pull request"]
    );
    assert_json_snapshot!(d);
}

#[test]
fn an_approval_naming_an_abbreviated_commit_does_not_count() {
    let d = carol_reviews(vec![on_commit(review(1, "carol", "APPROVED"), &HEAD[..7])]);
    assert!(!d.satisfied);
    assert_eq!(
        ignored(&d),
        ["carol: the review names `1111111`, not a full commit id of the pull request"]
    );
}

#[test]
fn an_approval_naming_no_commit_is_stale() {
    let mut r = review(1, "carol", "APPROVED");
    r.commit_id = None;
    let d = carol_reviews(vec![r]);
    assert!(!d.satisfied);
    assert_eq!(ignored(&d), ["carol: stale: the review names no commit"]);
    assert_json_snapshot!(d);
}

#[test]
fn a_commit_id_in_capitals_is_the_same_commit() {
    let upper = "ABCDEF0123456789ABCDEF0123456789ABCDEF01";
    let d = Case::medium()
        .with_commit(
            local(&upper.to_ascii_lowercase(), OCTOCAT_EMAIL, OCTOCAT_EMAIL),
            Some(listed(upper, Some(account("octocat")), None)),
        )
        .with_review(on_commit(review(1, "carol", "APPROVED"), upper))
        .reviewed(&[("pat", "APPROVED")])
        .decide();
    assert!(d.satisfied, "{d:#?}");
}

#[test]
fn an_approval_of_an_earlier_commit_counts_while_it_is_not_stale() {
    let d = Case::medium()
        .with_commit(
            local(EARLIER, OCTOCAT_EMAIL, OCTOCAT_EMAIL),
            Some(listed(EARLIER, Some(account("octocat")), None)),
        )
        .with_review(on_commit(review(1, "carol", "APPROVED"), EARLIER))
        .reviewed(&[("pat", "APPROVED")])
        .decide();
    assert!(d.satisfied, "{d:#?}");
    assert_json_snapshot!(d);
}

#[test]
fn an_approval_the_binding_finds_stale_does_not_count() {
    let d = Case::medium()
        .with_commit(
            local(EARLIER, OCTOCAT_EMAIL, OCTOCAT_EMAIL),
            Some(listed(EARLIER, Some(account("octocat")), None)),
        )
        .with_review(on_commit(review(1, "carol", "APPROVED"), EARLIER))
        .reviewed(&[("pat", "APPROVED")])
        .stale(
            1,
            "stale at 2222222: changes/CHG-1.yaml changed since the review",
        )
        .decide();
    assert!(!d.satisfied);
    assert_eq!(
        ignored(&d),
        ["carol: stale at 2222222: changes/CHG-1.yaml changed since the review"]
    );
    assert_json_snapshot!(d);
}

// --- requested changes ---

#[test]
fn changes_requested_by_a_cab_member_block() {
    let d = Case::medium()
        .reviewed(&[
            ("carol", "APPROVED"),
            ("pat", "APPROVED"),
            ("erin", "CHANGES_REQUESTED"),
        ])
        .decide();
    assert!(!d.satisfied);
    assert!(rule(&d, "medium").satisfied);
    assert_eq!(d.blocked_by, ["erin"]);
    assert_eq!(d.reasons, ["erin requested changes"]);
    assert_json_snapshot!(d);
}

#[test]
fn a_later_approval_lifts_a_request_for_changes() {
    let d = Case::medium()
        .reviewed(&[
            ("carol", "APPROVED"),
            ("pat", "APPROVED"),
            ("erin", "CHANGES_REQUESTED"),
            ("erin", "APPROVED"),
        ])
        .decide();
    assert!(d.satisfied, "{d:#?}");
    assert!(d.blocked_by.is_empty());
    assert_json_snapshot!(d);
}

#[test]
fn a_dismissed_request_for_changes_no_longer_blocks() {
    let d = Case::medium()
        .reviewed(&[
            ("carol", "APPROVED"),
            ("pat", "APPROVED"),
            ("erin", "CHANGES_REQUESTED"),
            ("erin", "DISMISSED"),
        ])
        .decide();
    assert!(d.satisfied, "{d:#?}");
}

#[test]
fn everyone_whose_requested_changes_block_is_named_sorted_by_login() {
    // Sorted as bytes, so a capital comes first (approvers sort without regard to case).
    let d = Case::medium()
        .reviewed(&[
            ("erin", "APPROVED"),
            ("pat", "APPROVED"),
            ("carol", "CHANGES_REQUESTED"),
            ("Dave", "CHANGES_REQUESTED"),
        ])
        .decide();
    assert_eq!(d.blocked_by, ["Dave", "carol"]);
    assert_eq!(
        d.reasons,
        ["Dave requested changes", "carol requested changes"]
    );
    assert_json_snapshot!(d);
}

#[test]
fn changes_requested_by_an_owner_block() {
    let d = Case::change(ChangeType::Normal, Risk::Low)
        .impacting(&[
            service("pay", 2, "payments"),
            service("ship", 3, "shipping"),
        ])
        .reviewed(&[("pat", "APPROVED"), ("sam", "CHANGES_REQUESTED")])
        .decide();
    assert!(!d.satisfied);
    assert_eq!(d.blocked_by, ["sam"]);
    assert_json_snapshot!(d);
}

#[test]
fn changes_requested_by_an_ecab_member_block() {
    let d = Case::medium()
        .reviewed(&[
            ("carol", "APPROVED"),
            ("pat", "APPROVED"),
            ("frank", "CHANGES_REQUESTED"),
        ])
        .decide();
    assert!(!d.satisfied);
    assert_eq!(d.blocked_by, ["frank"]);
}

#[test]
fn changes_requested_outside_the_cab_the_ecab_and_the_owners_do_not_block() {
    // mallory is in no team; sol is in a team only a rule names.
    let d = Case::medium()
        .rules(&format!(
            "{}    - {{name: security, require: [{{count: 1, from: [team:security]}}]}}\n",
            RULES.trim_start_matches('\n')
        ))
        .reviewed(&[
            ("carol", "APPROVED"),
            ("pat", "APPROVED"),
            ("mallory", "CHANGES_REQUESTED"),
            ("sol", "CHANGES_REQUESTED"),
        ])
        .decide();
    assert!(d.blocked_by.is_empty(), "{d:#?}");
    assert_eq!(d.reasons, ["rule `security` is not met"]);
    assert_json_snapshot!(d);
}

#[test]
fn changes_requested_by_a_bot_do_not_block() {
    let d = Case::medium()
        .reviewed(&[
            ("carol", "APPROVED"),
            ("pat", "APPROVED"),
            ("deploy[bot]", "CHANGES_REQUESTED"),
        ])
        .decide();
    assert!(d.satisfied, "{d:#?}");
    assert!(d.blocked_by.is_empty());
}

#[test]
fn changes_requested_by_a_member_without_an_id_block_even_when_ids_are_required() {
    let d = Case::medium()
        .setting("requireGithubIds: true")
        .reviewed(&[
            ("carol", "APPROVED"),
            ("pat", "APPROVED"),
            ("ian", "CHANGES_REQUESTED"),
        ])
        .decide();
    assert!(!d.satisfied);
    assert_eq!(d.blocked_by, ["ian"]);
    assert_json_snapshot!(d);
}

#[test]
fn changes_requested_under_another_id_do_not_block() {
    let renamed = user("erin", Some(999));
    let d = Case::medium()
        .reviewed(&[("carol", "APPROVED"), ("pat", "APPROVED")])
        .with_review(review_by(3, renamed, "CHANGES_REQUESTED"))
        .decide();
    assert!(d.satisfied, "{d:#?}");
    assert!(d.blocked_by.is_empty());
}

// --- drafts ---

#[test]
fn a_draft_is_never_approved() {
    let mut case = Case::medium().approved_by(&["carol", "pat"]);
    case.pr.draft = true;
    let d = case.decide();
    assert!(!d.satisfied);
    assert!(rule(&d, "medium").satisfied);
    assert_eq!(
        d.reasons,
        ["the pull request is a draft: a draft is never approved"]
    );
    assert_json_snapshot!(d);
}

// --- governance changes ---

/// A low-risk change that only its owners approve, in a pull request that also changes
/// something else.
fn owner_approved_low_risk() -> Case {
    Case::change(ChangeType::Normal, Risk::Low).approved_by(&["pat"])
}

#[test]
fn a_pull_request_that_edits_a_team_needs_the_governance_rule() {
    let d = owner_approved_low_risk().changing_kind(Kind::Team).decide();
    assert!(!d.satisfied);
    assert_eq!(rule_names(&d), ["low risk", GOVERNANCE_RULE]);
    assert_eq!(d.reasons, ["rule `governance (built-in)` is not met"]);
    assert_json_snapshot!(d);
}

#[test]
fn a_pull_request_that_edits_the_workflow_needs_the_governance_rule() {
    let d = owner_approved_low_risk()
        .changing_path(".github/workflows/cabinet.yml")
        .decide();
    assert!(!d.satisfied);
    let d = owner_approved_low_risk()
        .changing_path(".github/workflows/cabinet.yml")
        .approved_by(&["carol"])
        .decide();
    assert!(d.satisfied, "{d:#?}");
    assert_eq!(
        rule(&d, GOVERNANCE_RULE).requirements[0].approvers,
        ["carol"]
    );
    assert_json_snapshot!(d);
}

#[test]
fn a_file_the_gate_does_not_run_on_is_no_governance_change() {
    let d = owner_approved_low_risk()
        .changing_path("docs/notes.md")
        .changing_kind(Kind::Service)
        .decide();
    assert!(d.satisfied, "{d:#?}");
    assert_eq!(rule_names(&d), ["low risk"]);
}

#[test]
fn the_policy_sets_what_a_governance_change_needs_and_which_paths_are_one() {
    let governance = "governance: {paths: ['deploy/**'], require: [{count: 2, from: [cab]}]}";
    let d = owner_approved_low_risk()
        .setting(governance)
        .changing_path("deploy/prod.sh")
        .approved_by(&["carol"])
        .decide();
    assert!(!d.satisfied);
    assert_eq!(rule(&d, GOVERNANCE_RULE).requirements[0].count, 2);
    assert_json_snapshot!(d);
    // Its paths replace the defaults; the records stay governance all the same.
    let d = owner_approved_low_risk()
        .setting(governance)
        .changing_path(".github/workflows/cabinet.yml")
        .decide();
    assert_eq!(rule_names(&d), ["low risk"]);
    let d = owner_approved_low_risk()
        .setting(governance)
        .changing_kind(Kind::Policy)
        .decide();
    assert_eq!(rule_names(&d), ["low risk", GOVERNANCE_RULE]);
}

#[test]
fn a_governance_change_alone_is_judged_by_the_governance_rule() {
    // A pull request that only edits a Team: no policy rule applies, the built-in one does.
    let d = Case::medium()
        .without_change_records()
        .impacting(&[])
        .changing_kind(Kind::Team)
        .approved_by(&["carol"])
        .decide();
    assert!(d.satisfied, "{d:#?}");
    assert_eq!(rule_names(&d), [GOVERNANCE_RULE]);
    assert_json_snapshot!(d);
}

#[test]
fn a_change_to_what_the_gate_runs_on_is_a_governance_change() {
    let defaults = crate::model::Governance::default();
    let paths = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let none = BTreeSet::new();
    for gate_file in [
        ".github/workflows/cabinet.yml",
        "CODEOWNERS",
        "docs/CODEOWNERS",
        "templates/check.md",
        "catalogue/templates/check.md",
        "catalogue/cabinet.yaml",
        ".gitlab-ci.yml",
        ".pre-commit-config.yaml",
    ] {
        assert!(
            is_governance_change(&defaults, &none, &paths(&[gate_file])),
            "{gate_file}"
        );
    }
    assert!(!is_governance_change(
        &defaults,
        &none,
        &paths(&["changes/CHG-1.yaml", "services/pay.yaml"])
    ));
    for kind in GOVERNANCE_KINDS {
        assert!(
            is_governance_change(&defaults, &[kind].into(), &[]),
            "{kind}"
        );
    }
    assert!(!is_governance_change(
        &defaults,
        &[
            Kind::Service,
            Kind::Change,
            Kind::ConfigurationItem,
            Kind::Sla
        ]
        .into(),
        &[]
    ));
}

// --- hostile input ---

#[test]
fn the_hostile_fuzz_seed_is_judged_without_panic_and_not_approved() {
    let bytes = include_bytes!("../../fuzz/seeds/approvals/hostile.json");
    let mut case = Case::medium();
    case.pr = pr::parse(bytes).unwrap();
    case.commits = vec![local(HEAD, OCTOCAT_EMAIL, "noreply@github.com")];
    let d = case.decide();
    assert!(!d.satisfied);
    assert!(
        d.reasons
            .contains(&"the pull request is a draft: a draft is never approved".to_string())
    );
    let carol = d.ignored.iter().find(|i| i.login == "carol").unwrap();
    assert!(carol.reason.contains("has no valid time"), "{carol:?}");
    assert_json_snapshot!(d);
}
