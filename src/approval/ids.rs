//! Members of approving teams listed by login only. A login matches whoever holds it today,
//! so a renamed or recycled login takes over the seat; `githubId` pins the person. The teams
//! that approve are the CAB, the ECAB, the owners of services and the teams approval rules
//! name (every team, when a rule takes `any-member`).

use crate::diag::{Code, Diagnostic};
use crate::model::{Kind, RecordRef, RecordSet, Requirement, Spec};
use std::collections::BTreeSet;

fn requirement_teams(req: &Requirement, teams: &mut BTreeSet<String>, any: &mut bool) {
    match req {
        Requirement::AnyOf(a) => {
            for r in &a.any_of {
                requirement_teams(r, teams, any);
            }
        }
        Requirement::Approvals(a) => {
            for from in &a.from {
                if from == "any-member" {
                    *any = true;
                } else if let Some(t) = from.strip_prefix("team:") {
                    teams.insert(t.to_string());
                }
            }
        }
    }
}

/// The teams whose members' approvals count, by id.
fn approving_teams(records: &RecordSet) -> BTreeSet<String> {
    let mut teams = BTreeSet::new();
    let mut any = false;
    if let Some((_, policy)) = records.policy() {
        teams.insert(RecordRef::parse_as(&policy.cab, Kind::Team).id);
        if let Some(ecab) = &policy.ecab {
            teams.insert(RecordRef::parse_as(ecab, Kind::Team).id);
        }
        for rule in &policy.approvals {
            for req in &rule.require {
                requirement_teams(req, &mut teams, &mut any);
            }
        }
    }
    for r in records.of_kind(Kind::Service) {
        if let Spec::Service(s) = &r.spec {
            teams.insert(RecordRef::parse_as(&s.owner, Kind::Team).id);
        }
    }
    if any {
        teams.extend(records.ids(Kind::Team).map(str::to_string));
    }
    teams
}

/// A warning for every member of an approving team listed without `githubId`.
pub(crate) fn members_without_ids(records: &RecordSet) -> Vec<Diagnostic> {
    let teams = approving_teams(records);
    let required = records.policy().is_some_and(|(_, p)| p.require_github_ids);
    let mut out = Vec::new();
    for record in records.of_kind(Kind::Team) {
        let Spec::Team(team) = &record.spec else {
            continue;
        };
        if !teams.contains(record.id()) || !records.is_first(record) {
            continue;
        }
        for (i, m) in team.members.iter().enumerate() {
            if m.github_id.is_some() {
                continue;
            }
            let effect = if required {
                "and the policy requires ids (`requireGithubIds`): their approval does not count"
            } else {
                "so whoever holds that login today counts as them (a renamed or recycled login takes over the seat)"
            };
            out.push(
                Diagnostic::new(
                    Code::MemberWithoutGithubId,
                    format!(
                        "`{}` approves for team `{}` but is listed without `githubId`, {effect}",
                        m.github,
                        record.id()
                    ),
                )
                .at(record.at(format!("/spec/members/{i}")))
                .with_label("no `githubId`")
                .with_help(format!(
                    "add the account's numeric id: `githubId: N`, from `gh api users/{} --jq .id`",
                    m.github
                ))
                .about(record.reference()),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECORDS: &str = "apiVersion: cabinet/v1\nkind: Policy\nmetadata: {id: p}\nspec:\n  cab: cab\n  approvals:\n    - {name: n, require: [{count: 1, from: [team:sec]}]}\n---\napiVersion: cabinet/v1\nkind: Team\nmetadata: {id: cab}\nspec: {members: [{github: carol, githubId: 1}, {github: dave}]}\n---\napiVersion: cabinet/v1\nkind: Team\nmetadata: {id: sec}\nspec: {members: [{github: sam}]}\n---\napiVersion: cabinet/v1\nkind: Team\nmetadata: {id: idle}\nspec: {members: [{github: ida}]}\n";

    #[test]
    fn only_members_of_approving_teams_without_ids_are_warned() {
        let (records, diags) = crate::load::records_from_str("t.yaml", RECORDS);
        assert!(diags.is_empty(), "{diags:?}");
        let found = members_without_ids(&RecordSet::new(records));
        let messages: Vec<&str> = found.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].starts_with("`dave` approves for team `cab`"));
        assert!(messages[1].starts_with("`sam` approves for team `sec`"));
        assert_eq!(
            found[0].location.as_ref().unwrap().pointer,
            "/spec/members/1"
        );
    }
}
