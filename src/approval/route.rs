//! Who to ask for review: the people whose approval a pull request still lacks, routed by
//! what it impacts (the teams of the unmet requirements), not by file paths as CODEOWNERS
//! does. Pure, like `evaluate`: the forge adapter only sends the requests.

use super::{Decision, ImpactedService, RequirementResult, pr::PullRequest};
use crate::model::{Kind, PolicySpec, RecordRef, RecordSet, Spec};

/// The GitHub logins to request review from, at most `limit`: first those whose requested
/// changes block the merge, then the members of the teams of every unmet requirement (in
/// rule order). Never the author, anyone who authored or committed to the pull request, a
/// bot, or someone who already counts for that requirement.
pub(crate) fn reviewers_to_request(
    decision: &Decision,
    base: &RecordSet,
    policy: Option<&PolicySpec>,
    services: &[ImpactedService],
    pr: &PullRequest,
    limit: usize,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let excluded = |login: &str| {
        let lower = login.to_ascii_lowercase();
        lower.ends_with("[bot]")
            || pr.author.login.eq_ignore_ascii_case(login)
            || pr
                .commits
                .iter()
                .flat_map(|c| [c.author.as_ref(), c.committer.as_ref()])
                .flatten()
                .any(|a| a.login.eq_ignore_ascii_case(login))
            || decision
                .contributors
                .iter()
                .any(|a| a.login.eq_ignore_ascii_case(login))
    };
    let add = |login: &str, out: &mut Vec<String>| {
        if out.len() < limit
            && !excluded(login)
            && !out.iter().any(|l| l.eq_ignore_ascii_case(login))
        {
            out.push(login.to_string());
        }
    };
    for login in &decision.blocked_by {
        add(login, &mut out);
    }
    let mut missing: Vec<&RequirementResult> = Vec::new();
    for rule in decision.rules.iter().filter(|r| !r.satisfied) {
        for r in rule.requirements.iter().filter(|r| !r.satisfied) {
            unmet(r, &mut missing);
        }
    }
    for r in missing {
        for team in teams(r, base, policy, services) {
            for login in members(base, &team) {
                if !r.approvers.iter().any(|a| a.eq_ignore_ascii_case(login)) {
                    add(login, &mut out);
                }
            }
        }
    }
    out
}

/// The plain requirements under `r` that are not met (every alternative of an `anyOf`).
fn unmet<'a>(r: &'a RequirementResult, out: &mut Vec<&'a RequirementResult>) {
    if r.any_of.is_empty() {
        out.push(r);
    } else {
        for alt in r.any_of.iter().filter(|a| !a.satisfied) {
            unmet(alt, out);
        }
    }
}

fn team_id(text: &str) -> String {
    RecordRef::parse_as(text, Kind::Team).id
}

/// The team ids a requirement's `from` names (as the evaluation resolves them).
fn teams(
    r: &RequirementResult,
    base: &RecordSet,
    policy: Option<&PolicySpec>,
    services: &[ImpactedService],
) -> Vec<String> {
    let mut teams = Vec::new();
    for from in &r.from {
        match from.as_str() {
            "cab" => teams.extend(policy.map(|p| team_id(&p.cab))),
            "ecab" => teams.extend(policy.and_then(|p| p.ecab.as_deref()).map(team_id)),
            "owners" => teams.extend(
                services
                    .iter()
                    .filter(|s| {
                        r.service
                            .as_deref()
                            .is_none_or(|name| s.reference.to_string() == name)
                    })
                    .map(|s| s.owner.clone()),
            ),
            "any-member" => teams.extend(base.ids(Kind::Team).map(str::to_string)),
            other => teams.extend(other.strip_prefix("team:").map(str::to_string)),
        }
    }
    teams.sort();
    teams.dedup();
    teams
}

fn members<'a>(base: &'a RecordSet, team: &str) -> Vec<&'a str> {
    match base.get(&RecordRef::new(Kind::Team, team)).map(|r| &r.spec) {
        Some(Spec::Team(t)) => t.members.iter().map(|m| m.github.as_str()).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::approval::pr::{Account, Commit};
    use crate::approval::{RuleResult, evaluate};

    const BASE: &str = "apiVersion: cabinet/v1\nkind: Policy\nmetadata: {id: p}\nspec:\n  cab: cab\n  approvals:\n    - {name: medium, require: [{count: 2, from: [cab]}, {count: 1, from: [owners], per: impacted-service}]}\n---\napiVersion: cabinet/v1\nkind: Team\nmetadata: {id: cab}\nspec: {members: [{github: carol}, {github: Dave}, {github: octocat}, {github: \"renovate[bot]\"}, {github: pusher}]}\n---\napiVersion: cabinet/v1\nkind: Team\nmetadata: {id: payments}\nspec: {members: [{github: pat}, {github: carol}]}\n";

    fn user(login: &str) -> Account {
        Account {
            login: login.to_string(),
            id: None,
            kind: Some("User".to_string()),
        }
    }

    const H: &str = "1111111111111111111111111111111111111111";

    #[test]
    fn the_missing_teams_members_are_asked_but_not_the_author_contributors_bots_or_approvers() {
        let (records, diags) = crate::load::records_from_str("b.yaml", BASE);
        assert!(diags.is_empty(), "{diags:?}");
        let base = RecordSet::new(records);
        let policy = base.policy().map(|(_, p)| p.clone());
        let services = vec![ImpactedService {
            reference: RecordRef::new(Kind::Service, "pay"),
            tier: 2,
            owner: "payments".to_string(),
        }];
        let pr = PullRequest {
            number: 1,
            author: user("octocat"),
            head_sha: H.to_string(),
            commits: vec![Commit {
                sha: H.to_string(),
                author: Some(user("octocat")),
                committer: Some(user("pusher")),
            }],
            reviews: vec![crate::approval::pr::Review {
                id: 1,
                user: Some(user("dave")),
                state: "APPROVED".to_string(),
                commit_id: Some(H.to_string()),
                submitted_at: Some("2026-01-01T00:00:00Z".to_string()),
            }],
            ..PullRequest::default()
        };
        let input = crate::approval::ApprovalInput {
            pr: &pr,
            base: &base,
            policy: policy.as_ref(),
            change_types: Vec::new(),
            services: services.clone(),
            risk: crate::model::Risk::Medium,
            changed_paths: Vec::new(),
            stale: Default::default(),
            commits: &[crate::approval::contributors::LocalCommit {
                sha: H.to_string(),
                ..Default::default()
            }],
            changed_kinds: Default::default(),
            changed_top_paths: Vec::new(),
        };
        let decision = evaluate(&input);
        assert!(!decision.satisfied);
        let asked = reviewers_to_request(&decision, &base, policy.as_ref(), &services, &pr, 15);
        assert_eq!(asked, vec!["carol", "pat"]);
        let asked = reviewers_to_request(&decision, &base, policy.as_ref(), &services, &pr, 1);
        assert_eq!(asked, vec!["carol"]);
        let met = Decision {
            satisfied: true,
            rules: vec![RuleResult {
                name: "medium".to_string(),
                satisfied: true,
                requirements: Vec::new(),
            }],
            ..decision
        };
        assert!(reviewers_to_request(&met, &base, policy.as_ref(), &services, &pr, 15).is_empty());
    }
}
