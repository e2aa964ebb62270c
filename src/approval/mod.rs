//! CAB approval: which approval rules of the base policy apply to a pull request, and whether
//! the reviews on it meet them. A pure function over a snapshot (the pull request, its
//! commits and reviews, the commits of `base..head` in the local repository, the base
//! records, the impact, and which approvals are stale); the forge and git only fill the
//! snapshot. `docs/approvals.md` describes the rules for users.
//!
//! Semantics: reviews are ordered by the instant they were submitted (RFC 3339), then by id;
//! the latest decisive review per person counts (a later COMMENTED does not cancel an
//! APPROVED; DISMISSED cancels and brings nothing back); a decisive review with no valid time
//! keeps its author's approval from counting; an approval counts only on a full commit id of
//! the pull request, bound to what is merged (`gate::binding`); the author, everyone who
//! authored, committed or co-authored a commit (`contributors`), and bots never count;
//! logins compare case-insensitively and a team's numeric id, where listed, must match (and
//! must be listed under `requireGithubIds`); a CHANGES_REQUESTED from a CAB, ECAB or
//! owning-team member blocks until that person approves; a draft, a commit the forge's list
//! leaves out, or (unless `allowUnknownAuthors`) a commit whose authorship cannot be known
//! is never approved; every rule whose `when` matches must hold, and no matching rule means
//! not approved.

pub mod contributors;
pub(crate) mod ids;
pub mod pr;
pub(crate) mod route;

use crate::model::{
    ApprovalCount, ChangeType, Kind, PolicySpec, RecordRef, RecordSet, Requirement, Risk, Spec,
};
use contributors::LocalCommit;
use globset::Glob;
use pr::{Account, PullRequest, Review};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// An impacted service, as the approval rules see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImpactedService {
    pub reference: RecordRef,
    pub tier: u8,
    /// The owning team's id.
    pub owner: String,
}

impl ImpactedService {
    /// The services `impact` takes down or degrades; a service without a tier counts as the
    /// lowest (4), one without an owner as owned by nobody.
    pub(crate) fn all_in(impact: &crate::impact::ImpactSet) -> Vec<ImpactedService> {
        impact
            .services()
            .map(|s| ImpactedService {
                reference: s.reference.clone(),
                tier: s.tier.unwrap_or(4),
                owner: s.owner.clone().unwrap_or_default(),
            })
            .collect()
    }
}

/// Everything the evaluation needs.
pub struct ApprovalInput<'a> {
    pub pr: &'a PullRequest,
    /// The base revision's records: teams and change models are read from there.
    pub base: &'a RecordSet,
    pub policy: Option<&'a PolicySpec>,
    /// The effective types of the change records in the pull request.
    pub change_types: Vec<(String, ChangeType)>,
    pub services: Vec<ImpactedService>,
    /// The risk level the gate uses.
    pub risk: Risk,
    /// Paths the pull request changes, relative to the cabinet root.
    pub changed_paths: Vec<String>,
    /// Reviews whose approval is not bound to what is merged, with the reason.
    pub stale: BTreeMap<u64, String>,
    /// The commits of `base..head` in the local repository: the truth about what the pull
    /// request holds and who wrote it (the forge's list only maps them to accounts).
    pub commits: &'a [LocalCommit],
    /// The kinds of the records the pull request adds, edits or deletes.
    pub changed_kinds: BTreeSet<Kind>,
    /// Paths the pull request changes, from the top of the git repository (for the
    /// governance rule: the workflow may live above the cabinet root).
    pub changed_top_paths: Vec<String>,
}

/// The name of the built-in governance rule in reports.
pub const GOVERNANCE_RULE: &str = "governance (built-in)";

/// Record kinds whose change is a governance change: they decide how everything is judged.
const GOVERNANCE_KINDS: [Kind; 4] = [Kind::Policy, Kind::Team, Kind::ChangeModel, Kind::Config];

/// Does the pull request change what the gate runs on: the records that decide verdicts, or
/// a file the Policy's `governance.paths` names?
pub fn is_governance_change(
    governance: &crate::model::Governance,
    changed_kinds: &BTreeSet<Kind>,
    changed_top_paths: &[String],
) -> bool {
    if GOVERNANCE_KINDS.iter().any(|k| changed_kinds.contains(k)) {
        return true;
    }
    let globs: Vec<globset::GlobMatcher> = governance
        .paths
        .iter()
        .filter_map(|g| Glob::new(g).ok())
        .map(|g| g.compile_matcher())
        .collect();
    changed_top_paths
        .iter()
        .any(|p| globs.iter().any(|g| g.is_match(p)))
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RequirementResult {
    pub from: Vec<String>,
    pub count: u32,
    /// Who counted, sorted.
    pub approvers: Vec<String>,
    pub satisfied: bool,
    /// For `per: impacted-service`: the service this instance is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// Why it cannot be met (a team that does not exist).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
    /// For `anyOf`: the alternatives.
    #[serde(rename = "anyOf", skip_serializing_if = "Vec::is_empty")]
    pub any_of: Vec<RequirementResult>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleResult {
    pub name: String,
    pub satisfied: bool,
    pub requirements: Vec<RequirementResult>,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Ignored {
    pub login: String,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub satisfied: bool,
    pub rules: Vec<RuleResult>,
    pub ignored: Vec<Ignored>,
    /// People whose requested changes block the merge.
    #[serde(rename = "blockedBy")]
    pub blocked_by: Vec<String>,
    /// Why the pull request is not approved, one line each.
    pub reasons: Vec<String>,
    /// What must happen after the merge (emergency changes).
    pub obligations: Vec<String>,
    /// What the verdict did not hold against the pull request but a reviewer should know
    /// (unknown authors under `allowUnknownAuthors`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Everyone who authored, committed or co-authored the pull request (never asked to
    /// review).
    #[serde(skip)]
    pub contributors: Vec<Account>,
}

/// A person's latest decisive review.
#[derive(Clone, Debug)]
enum Decisive<'a> {
    Approved(&'a Review),
    ChangesRequested,
    Dismissed(&'a Review),
    /// A decisive review without a valid time: it cannot be placed among the others, so
    /// this person's approval does not count (the reason says why).
    Unordered(String),
}

fn is_decisive(state: &str) -> bool {
    matches!(state, "APPROVED" | "CHANGES_REQUESTED" | "DISMISSED")
}

/// When a review was submitted, if its `submitted_at` is an RFC 3339 time.
fn submitted(r: &Review) -> Option<chrono::DateTime<chrono::Utc>> {
    let text = r.submitted_at.as_deref()?;
    chrono::DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&chrono::Utc))
}

fn person(user: &Account) -> String {
    user.id.map_or_else(
        || format!("login:{}", user.login.to_ascii_lowercase()),
        |id| format!("id:{id}"),
    )
}

/// The latest decisive review of each person, keyed by numeric id (or lower-case login).
/// Reviews are ordered by the instant they were submitted (RFC 3339, any offset), then by
/// review id. A decisive review with no valid time cannot be ordered: its author's approval
/// does not count, and a request for changes among such reviews still blocks.
fn latest_decisions(pr: &PullRequest) -> BTreeMap<String, (Account, Decisive<'_>)> {
    let mut ordered: Vec<(chrono::DateTime<chrono::Utc>, &Review, &Account)> = Vec::new();
    let mut unordered: Vec<(&Review, &Account)> = Vec::new();
    for r in &pr.reviews {
        // A deleted account (`user: null`, or GitHub's `ghost`) is nobody's decision.
        let Some(user) = r.user.as_ref().filter(|u| u.login != "ghost") else {
            continue;
        };
        match submitted(r) {
            Some(at) => ordered.push((at, r, user)),
            None if is_decisive(&r.state.to_ascii_uppercase()) => unordered.push((r, user)),
            None => {} // COMMENTED or PENDING without a time decides nothing
        }
    }
    ordered.sort_by_key(|a| (a.0, a.1.id));
    let mut out: BTreeMap<String, (Account, Decisive<'_>)> = BTreeMap::new();
    for (_, r, user) in ordered {
        let user = user.clone();
        let decision = match r.state.to_ascii_uppercase().as_str() {
            "APPROVED" => Decisive::Approved(r),
            "CHANGES_REQUESTED" => Decisive::ChangesRequested,
            "DISMISSED" => Decisive::Dismissed(r),
            _ => continue, // COMMENTED and PENDING decide nothing
        };
        out.insert(person(&user), (user, decision));
    }
    unordered.sort_by_key(|(r, _)| r.id);
    for (r, user) in unordered {
        let user = user.clone();
        let key = person(&user);
        let requested = r.state.eq_ignore_ascii_case("CHANGES_REQUESTED")
            || matches!(out.get(&key), Some((_, Decisive::ChangesRequested)));
        if requested {
            out.insert(key, (user, Decisive::ChangesRequested));
        } else if !matches!(out.get(&key), Some((_, Decisive::Unordered(_)))) {
            let shown: String = r
                .submitted_at
                .as_deref()
                .unwrap_or("none")
                .chars()
                .take(40)
                .collect();
            let reason = format!(
                "review {} has no valid time (`{shown}` is not RFC 3339), so it cannot be ordered among this person's reviews",
                r.id
            );
            out.insert(key, (user, Decisive::Unordered(reason)));
        }
    }
    out
}

/// The reviews that count for nobody whatever the rules say: a deleted account's (GitHub
/// answers `user: null`, or the `ghost` user) and pending ones (started, never submitted).
/// Comments are not approvals and are not listed.
fn unheeded_reviews(pr: &PullRequest) -> Vec<Ignored> {
    let mut out = Vec::new();
    for r in &pr.reviews {
        let state = r.state.to_ascii_uppercase();
        if state == "COMMENTED" {
            continue;
        }
        match r.user.as_ref().filter(|u| u.login != "ghost") {
            None => out.push(Ignored {
                login: "ghost".to_string(),
                reason: format!("deleted account: review {} has no user", r.id),
            }),
            Some(user) if state == "PENDING" => out.push(Ignored {
                login: user.login.clone(),
                reason: format!("pending: review {} was never submitted", r.id),
            }),
            Some(_) => {}
        }
    }
    out
}

/// Why an approval names no commit of the pull request, if it does not: it then approves
/// something else than what is judged.
fn commit_problem(review: &Review, commits: &HashSet<String>) -> Option<String> {
    let Some(commit) = review.commit_id.as_deref() else {
        return Some("stale: the review names no commit".to_string());
    };
    if !pr::is_full_commit_id(commit) {
        let shown: String = commit.chars().take(40).collect();
        return Some(format!(
            "the review names `{shown}`, not a full commit id of the pull request"
        ));
    }
    if !commits.contains(&commit.to_ascii_lowercase()) {
        return Some(format!(
            "stale at {}: not a commit of the pull request (force-pushed away, or another pull request's)",
            &commit[..7]
        ));
    }
    None
}

/// Membership of one team at base.
enum Membership {
    Member,
    No,
    /// The login is listed but with another numeric id (renamed or reused login).
    OtherId,
    /// The login is listed without a numeric id, and the policy requires ids.
    NoId,
    /// The login is listed with a numeric id, and the review's user carries none to compare.
    ReviewerWithoutId,
}

fn team_members<'a>(base: &'a RecordSet, team: &str) -> Option<&'a [crate::model::Member]> {
    match base.get(&RecordRef::new(Kind::Team, team)).map(|r| &r.spec) {
        Some(Spec::Team(t)) => Some(&t.members),
        _ => None,
    }
}

fn membership(base: &RecordSet, team: &str, who: &Account, require_ids: bool) -> Membership {
    let Some(members) = team_members(base, team) else {
        return Membership::No;
    };
    let mut result = Membership::No;
    for m in members {
        if !m.github.eq_ignore_ascii_case(&who.login) {
            continue;
        }
        match (m.github_id, who.id) {
            (Some(listed), Some(actual)) if listed != actual => result = Membership::OtherId,
            (Some(_), None) => result = Membership::ReviewerWithoutId,
            (None, _) if require_ids => result = Membership::NoId,
            _ => return Membership::Member,
        }
    }
    result
}

fn team_id(text: &str) -> String {
    RecordRef::parse_as(text, Kind::Team).id
}

/// The teams a `from` entry names; problems for names that resolve to nothing.
fn teams_of(
    from: &str,
    input: &ApprovalInput<'_>,
    service: Option<&ImpactedService>,
) -> (Vec<String>, Vec<String>) {
    let mut problems = Vec::new();
    let teams: Vec<String> = match from {
        "cab" => input
            .policy
            .map(|p| vec![team_id(&p.cab)])
            .unwrap_or_default(),
        "ecab" => match input.policy.and_then(|p| p.ecab.as_deref()) {
            Some(e) => vec![team_id(e)],
            None => {
                problems.push("the policy names no `ecab` team".to_string());
                Vec::new()
            }
        },
        "owners" => match service {
            Some(s) => vec![s.owner.clone()],
            None => input.services.iter().map(|s| s.owner.clone()).collect(),
        },
        "any-member" => input.base.ids(Kind::Team).map(str::to_string).collect(),
        other => match other.strip_prefix("team:") {
            Some(t) => vec![t.to_string()],
            None => Vec::new(),
        },
    };
    for t in &teams {
        if team_members(input.base, t).is_none() {
            problems.push(format!("team `{t}` does not exist at the base revision"));
        }
    }
    let mut teams = teams;
    teams.sort();
    teams.dedup();
    (teams, problems)
}

fn rule_applies(rule: &crate::model::ApprovalRule, input: &ApprovalInput<'_>) -> bool {
    let w = &rule.when;
    if !w.change_type.is_empty()
        && !input
            .change_types
            .iter()
            .any(|(_, t)| w.change_type.contains(t))
    {
        return false;
    }
    if !w.risk.is_empty() && !w.risk.contains(&input.risk) {
        return false;
    }
    if !w.changed_paths.is_empty() {
        let globs: Vec<globset::GlobMatcher> = w
            .changed_paths
            .iter()
            .filter_map(|g| Glob::new(g).ok())
            .map(|g| g.compile_matcher())
            .collect();
        if !input
            .changed_paths
            .iter()
            .any(|p| globs.iter().any(|g| g.is_match(p)))
        {
            return false;
        }
    }
    if !w.impacted_services.is_empty()
        && !input.services.iter().any(|s| {
            w.impacted_services
                .iter()
                .any(|x| RecordRef::parse(x).as_ref() == Some(&s.reference))
        })
    {
        return false;
    }
    if !w.tiers.is_empty() && !input.services.iter().any(|s| w.tiers.contains(&s.tier)) {
        return false;
    }
    true
}

/// Evaluate the approval rules.
pub fn evaluate(input: &ApprovalInput<'_>) -> Decision {
    let decisions = latest_decisions(input.pr);
    let found = contributors::contributors(input.pr, input.commits, input.base);
    let contributors = &found.accounts;
    let pull_commits: HashSet<String> = input
        .commits
        .iter()
        .map(|c| c.sha.to_ascii_lowercase())
        .collect();

    // Who may count, and why the others do not.
    let mut ignored: BTreeSet<Ignored> = BTreeSet::new();
    let mut eligible: Vec<&Account> = Vec::new();
    for (user, decision) in decisions.values() {
        let review = match decision {
            Decisive::Approved(review) => review,
            Decisive::Unordered(reason) => {
                ignored.insert(Ignored {
                    login: user.login.clone(),
                    reason: reason.clone(),
                });
                continue;
            }
            Decisive::Dismissed(review) => {
                ignored.insert(Ignored {
                    login: user.login.clone(),
                    reason: format!(
                        "dismissed: review {} was dismissed, and no approval came after it",
                        review.id
                    ),
                });
                continue;
            }
            Decisive::ChangesRequested => continue,
        };
        let reason = if user.is_bot() {
            Some("bot".to_string())
        } else if user.same_as(&input.pr.author) {
            Some("author".to_string())
        } else if contributors.iter().any(|c| c.same_as(user)) {
            Some("contributor: authored or committed to the pull request".to_string())
        } else if let Some(problem) = commit_problem(review, &pull_commits) {
            Some(problem)
        } else {
            input.stale.get(&review.id).cloned()
        };
        match reason {
            Some(reason) => {
                ignored.insert(Ignored {
                    login: user.login.clone(),
                    reason,
                });
            }
            None => eligible.push(user),
        }
    }

    let policy_rules = input
        .policy
        .map(|p| p.approvals.as_slice())
        .unwrap_or_default();
    let mut counted: BTreeSet<String> = BTreeSet::new();
    let mut wrong_id: BTreeSet<(String, String)> = BTreeSet::new();
    let mut considered_teams: BTreeSet<String> = BTreeSet::new();
    // The rules whose `when` matches, then the built-in governance rule when it applies.
    let mut applying: Vec<(&str, &[Requirement])> = policy_rules
        .iter()
        .filter(|r| rule_applies(r, input))
        .map(|r| (r.name.as_str(), r.require.as_slice()))
        .collect();
    if let Some(governance) = input.policy.map(|p| &p.governance)
        && is_governance_change(governance, &input.changed_kinds, &input.changed_top_paths)
    {
        applying.push((GOVERNANCE_RULE, governance.require.as_slice()));
    }
    let mut rules = Vec::new();
    for (name, require) in applying {
        let mut requirements = Vec::new();
        for req in require {
            requirements.extend(requirement(
                req,
                input,
                &eligible,
                &mut counted,
                &mut wrong_id,
                &mut considered_teams,
            ));
        }
        rules.push(RuleResult {
            name: name.to_string(),
            satisfied: requirements.iter().all(|r| r.satisfied),
            requirements,
        });
    }

    for (login, reason) in wrong_id {
        if !counted.contains(&login.to_ascii_lowercase()) {
            ignored.insert(Ignored { login, reason });
        }
    }
    for user in &eligible {
        let key = user.login.to_ascii_lowercase();
        if !counted.contains(&key)
            && !ignored
                .iter()
                .any(|i| i.login.eq_ignore_ascii_case(&user.login))
        {
            let teams: Vec<String> = considered_teams.iter().map(|t| format!("`{t}`")).collect();
            let reason = if teams.is_empty() {
                "no applicable rule counts this approval".to_string()
            } else {
                format!("not a member of {}", teams.join(", "))
            };
            ignored.insert(Ignored {
                login: user.login.clone(),
                reason,
            });
        }
    }

    // Reviews that decide nothing for want of a person or a submission, listed rather than
    // dropped (after the loop above, which gives each eligible reviewer one reason).
    ignored.extend(unheeded_reviews(input.pr));

    // Requested changes from the people whose approval matters block.
    let mut blockers: BTreeSet<String> = input.services.iter().map(|s| s.owner.clone()).collect();
    if let Some(p) = input.policy {
        blockers.insert(team_id(&p.cab));
        if let Some(e) = &p.ecab {
            blockers.insert(team_id(e));
        }
    }
    let mut blocked_by: Vec<String> = decisions
        .values()
        .filter(|(u, d)| matches!(d, Decisive::ChangesRequested) && !u.is_bot())
        .filter(|(u, _)| {
            blockers
                .iter()
                // A login listed without an id still blocks, whatever `requireGithubIds` says.
                .any(|t| matches!(membership(input.base, t, u, false), Membership::Member))
        })
        .map(|(u, _)| u.login.clone())
        .collect();
    blocked_by.sort();

    let mut reasons = Vec::new();
    let mut notes = Vec::new();
    if input.pr.draft {
        reasons.push("the pull request is a draft: a draft is never approved".to_string());
    }
    reasons.extend(found.unlisted.iter().cloned());
    if input.policy.is_some_and(|p| p.allow_unknown_authors) {
        notes.extend(found.unknown.iter().cloned());
    } else {
        reasons.extend(found.unknown.iter().cloned());
    }
    if input.policy.is_none() {
        reasons.push("the base revision has no Policy: nothing can be approved".to_string());
    } else if rules.is_empty() {
        reasons.push("no approval rule applies to this change".to_string());
    }
    for r in rules.iter().filter(|r| !r.satisfied) {
        reasons.push(format!("rule `{}` is not met", r.name));
    }
    for b in &blocked_by {
        reasons.push(format!("{b} requested changes"));
    }
    let obligations = input
        .change_types
        .iter()
        .filter(|(_, t)| *t == ChangeType::Emergency)
        .map(|(id, _)| format!("{id} is an emergency change: after the merge the ECAB reviews it, and its outcome records that review"))
        .collect();
    Decision {
        satisfied: reasons.is_empty(),
        rules,
        ignored: ignored.into_iter().collect(),
        blocked_by,
        reasons,
        obligations,
        notes,
        contributors: found.accounts,
    }
}

fn requirement(
    req: &Requirement,
    input: &ApprovalInput<'_>,
    eligible: &[&Account],
    counted: &mut BTreeSet<String>,
    wrong_id: &mut BTreeSet<(String, String)>,
    considered: &mut BTreeSet<String>,
) -> Vec<RequirementResult> {
    match req {
        Requirement::AnyOf(any) => {
            let alternatives: Vec<RequirementResult> = any
                .any_of
                .iter()
                .flat_map(|r| requirement(r, input, eligible, counted, wrong_id, considered))
                .collect();
            vec![RequirementResult {
                from: Vec::new(),
                count: 1,
                approvers: Vec::new(),
                satisfied: alternatives.iter().any(|a| a.satisfied),
                service: None,
                problems: Vec::new(),
                any_of: alternatives,
            }]
        }
        Requirement::Approvals(a) if a.per.is_some() => {
            if input.services.is_empty() {
                return Vec::new();
            }
            input
                .services
                .iter()
                .map(|s| count(a, input, eligible, Some(s), counted, wrong_id, considered))
                .collect()
        }
        Requirement::Approvals(a) => vec![count(
            a, input, eligible, None, counted, wrong_id, considered,
        )],
    }
}

fn count(
    a: &ApprovalCount,
    input: &ApprovalInput<'_>,
    eligible: &[&Account],
    service: Option<&ImpactedService>,
    counted: &mut BTreeSet<String>,
    wrong_id: &mut BTreeSet<(String, String)>,
    considered: &mut BTreeSet<String>,
) -> RequirementResult {
    let mut teams = Vec::new();
    let mut problems = Vec::new();
    for f in &a.from {
        let (t, p) = teams_of(f, input, service);
        teams.extend(t);
        problems.extend(p);
    }
    teams.sort();
    teams.dedup();
    considered.extend(teams.iter().cloned());
    let mut approvers: Vec<String> = Vec::new();
    for user in eligible {
        let mut member = false;
        for t in &teams {
            let require_ids = input.policy.is_some_and(|p| p.require_github_ids);
            match membership(input.base, t, user, require_ids) {
                Membership::Member => member = true,
                Membership::OtherId => {
                    wrong_id.insert((
                        user.login.clone(),
                        format!(
                            "listed in team `{t}` under another GitHub id (renamed or reused login)"
                        ),
                    ));
                }
                Membership::ReviewerWithoutId => {
                    wrong_id.insert((
                        user.login.clone(),
                        format!(
                            "no id: the review's user has no GitHub id, and team `{t}` lists this login with one"
                        ),
                    ));
                }
                Membership::NoId => {
                    wrong_id.insert((
                        user.login.clone(),
                        format!(
                            "listed in team `{t}` without a githubId, and the policy requires ids (requireGithubIds)"
                        ),
                    ));
                }
                Membership::No => {}
            }
        }
        if member {
            approvers.push(user.login.clone());
        }
    }
    approvers.sort_by_key(|l| l.to_ascii_lowercase());
    approvers.dedup_by_key(|l| l.to_ascii_lowercase());
    let satisfied = approvers.len() as u32 >= a.count;
    for l in &approvers {
        counted.insert(l.to_ascii_lowercase());
    }
    RequirementResult {
        from: a.from.clone(),
        count: a.count,
        approvers,
        satisfied,
        service: service.map(|s| s.reference.to_string()),
        problems,
        any_of: Vec::new(),
    }
}

#[cfg(test)]
mod tests;
