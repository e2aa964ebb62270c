//! Who contributed to a pull request, and whether that can be known. The commits of
//! `base..head` in the local repository are the truth; the forge's commit list (or the
//! approvals file's) only maps them to accounts. A commit the forge does not list, or whose
//! author, committer or co-author cannot be tied to an account, is reported: approvals are
//! never judged on a partial picture of who wrote the change.
//!
//! An e-mail is tied to an account when GitHub linked the commit to one, when a Team member
//! at the base revision lists it as `email`, or when it is GitHub's no-reply address
//! (`ID+login@users.noreply.github.com`, or the older `login@users.noreply.github.com`).

use super::pr::{Account, PullRequest, WEB_FLOW_ID};
use crate::model::{Kind, RecordSet, Spec};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One commit of `base..head` as git records it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LocalCommit {
    pub sha: String,
    pub author_email: String,
    pub committer_email: String,
    /// The message's `Co-authored-by:` lines (`Co-authored-by: Name <e-mail>`).
    pub co_author_lines: Vec<String>,
}

/// The contributors of a pull request and what could not be established.
#[derive(Clone, Debug, Default)]
pub struct Contributors {
    /// Everyone who authored, committed or co-authored a commit (GitHub's web-flow aside).
    pub accounts: Vec<Account>,
    /// Commits of `base..head` the forge's list leaves out, one line each.
    pub unlisted: Vec<String>,
    /// People whose account cannot be known, one line per e-mail.
    pub unknown: Vec<String>,
}

/// GitHub's committer e-mail for commits it makes itself (web-flow: merges and edits in the
/// web interface).
const GITHUB_NOREPLY: &str = "noreply@github.com";

/// The account behind GitHub's no-reply address, if it is one.
pub fn noreply_account(email: &str) -> Option<Account> {
    let lower = email.trim().to_ascii_lowercase();
    let local = lower.strip_suffix("@users.noreply.github.com")?;
    let (id, login) = match local.split_once('+') {
        Some((id, login)) => (Some(id.parse::<u64>().ok()?), login),
        None => (None, local),
    };
    let valid = !login.is_empty()
        && login.len() <= 39
        && login
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    valid.then(|| Account {
        login: login.to_string(),
        id,
        kind: None,
    })
}

/// The e-mail of a `Co-authored-by: Name <e-mail>` line (the text between the last `<` and
/// the `>` after it; the whole value when there are no brackets).
pub fn co_author_email(line: &str) -> String {
    let value = line.get(15..).unwrap_or_default().trim();
    match value.rfind('<') {
        Some(open) => {
            let rest = &value[open + 1..];
            rest[..rest.find('>').unwrap_or(rest.len())]
                .trim()
                .to_string()
        }
        None => value.to_string(),
    }
}

/// Team members at base by e-mail (lower case).
fn members_by_email(base: &RecordSet) -> HashMap<String, Vec<Account>> {
    let mut out: HashMap<String, Vec<Account>> = HashMap::new();
    for record in base.of_kind(Kind::Team) {
        let Spec::Team(team) = &record.spec else {
            continue;
        };
        for m in &team.members {
            if let Some(email) = m.email.as_deref().filter(|e| !e.trim().is_empty()) {
                out.entry(email.trim().to_ascii_lowercase())
                    .or_default()
                    .push(Account {
                        login: m.github.clone(),
                        id: m.github_id,
                        kind: None,
                    });
            }
        }
    }
    out
}

fn short(sha: &str) -> &str {
    &sha[..sha.len().min(7)]
}

/// Who contributed to `pr`, from its local commits, the forge's list and the base Teams.
pub fn contributors<'a>(
    pr: &PullRequest,
    commits: &'a [LocalCommit],
    base: &RecordSet,
) -> Contributors {
    let by_email = members_by_email(base);
    let identify = |email: &str| -> Vec<Account> {
        let mut found = by_email
            .get(&email.trim().to_ascii_lowercase())
            .cloned()
            .unwrap_or_default();
        found.extend(noreply_account(email));
        found
    };
    let listed: HashMap<String, &super::pr::Commit> = pr
        .commits
        .iter()
        .map(|c| (c.sha.to_ascii_lowercase(), c))
        .collect();
    let mut accounts: Vec<Account> = pr
        .commits
        .iter()
        .flat_map(|c| [c.author.as_ref(), c.committer.as_ref()])
        .flatten()
        .filter(|a| a.id != Some(WEB_FLOW_ID))
        .cloned()
        .collect();
    let mut unlisted = Vec::new();
    // e-mail → (its roles, the commits it stands on).
    let mut unknown: BTreeMap<String, (BTreeSet<&'static str>, Vec<&str>)> = BTreeMap::new();
    let mut note = |email: &str, role: &'static str, sha: &'a str| {
        let (roles, shas) = unknown.entry(email.to_ascii_lowercase()).or_default();
        roles.insert(role);
        if shas.last() != Some(&sha) {
            shas.push(sha);
        }
    };
    for c in commits {
        let forge = listed.get(&c.sha.to_ascii_lowercase());
        if forge.is_none() {
            unlisted.push(format!(
                "commit {} ({}) is in the repository's history of the pull request but not in its commit list: the list is incomplete or of another pull request",
                short(&c.sha),
                c.author_email
            ));
        }
        let author = identify(&c.author_email);
        if author.is_empty() && forge.is_none_or(|f| f.author.is_none()) {
            note(&c.author_email, "author", &c.sha);
        }
        accounts.extend(author);
        let committer = identify(&c.committer_email);
        let by_github = c.committer_email.eq_ignore_ascii_case(GITHUB_NOREPLY);
        if committer.is_empty() && !by_github && forge.is_none_or(|f| f.committer.is_none()) {
            note(&c.committer_email, "committer", &c.sha);
        }
        accounts.extend(committer);
        for line in &c.co_author_lines {
            let email = co_author_email(line);
            let found = identify(&email);
            if found.is_empty() {
                note(&email, "co-author", &c.sha);
            }
            accounts.extend(found);
        }
    }
    let unknown = unknown
        .into_iter()
        .map(|(email, (roles, shas))| {
            let role = roles.into_iter().collect::<Vec<_>>().join(" and ");
            let more = match shas.len() {
                1 => String::new(),
                n => format!(" (and {} more commit(s))", n - 1),
            };
            format!(
                "commit {}{more}: the {role} e-mail `{email}` is tied to no GitHub account and to no Team member's `email`, so whether an approver wrote it cannot be known",
                short(shas[0])
            )
        })
        .collect();
    Contributors {
        accounts,
        unlisted,
        unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::approval::pr::Commit;
    use crate::model::{Member, Origin, Record, TeamSpec};

    fn team(members: Vec<Member>) -> RecordSet {
        RecordSet::new(vec![Record {
            metadata: serde_json::from_value(serde_json::json!({"id": "cab"})).unwrap(),
            spec: Spec::Team(TeamSpec {
                members,
                contact: None,
            }),
            origin: Origin {
                file: "teams.yaml".into(),
                document: 0,
            },
        }])
    }

    fn member(login: &str, id: Option<u64>, email: &str) -> Member {
        Member {
            github: login.into(),
            github_id: id,
            name: None,
            email: Some(email.into()),
        }
    }

    fn local(sha: &str, author: &str, committer: &str, co: &[&str]) -> LocalCommit {
        LocalCommit {
            sha: sha.into(),
            author_email: author.into(),
            committer_email: committer.into(),
            co_author_lines: co.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn pr(commits: Vec<Commit>) -> PullRequest {
        PullRequest {
            commits,
            ..PullRequest::default()
        }
    }

    fn unlinked(sha: &str) -> Commit {
        Commit {
            sha: sha.into(),
            author: None,
            committer: None,
        }
    }

    #[test]
    fn noreply_addresses_name_their_account() {
        let a = noreply_account("1234+Carol@users.noreply.github.com").unwrap();
        assert_eq!((a.login.as_str(), a.id), ("carol", Some(1234)));
        let b = noreply_account("carol@users.noreply.github.com").unwrap();
        assert_eq!((b.login.as_str(), b.id), ("carol", None));
        assert!(noreply_account("x+carol@users.noreply.github.com").is_none());
        assert!(noreply_account("carol@example.com").is_none());
        assert!(noreply_account("@users.noreply.github.com").is_none());
        // Logins hold letters, digits and hyphens, and nothing else.
        let c = noreply_account("7+mona-lisa@users.noreply.github.com").unwrap();
        assert_eq!(c.login, "mona-lisa");
        assert!(noreply_account("7+mona_lisa@users.noreply.github.com").is_none());
        assert!(noreply_account("mona.lisa@users.noreply.github.com").is_none());
    }

    #[test]
    fn co_author_lines_give_their_email() {
        assert_eq!(
            co_author_email("Co-authored-by: Carol Doe <carol@acme.example>"),
            "carol@acme.example"
        );
        assert_eq!(
            co_author_email("co-authored-by:carol@acme.example"),
            "carol@acme.example"
        );
        assert_eq!(co_author_email("Co-Authored-By: A <b> <c@d.e>"), "c@d.e");
    }

    #[test]
    fn an_unlinked_commit_is_matched_by_team_email_or_reported() {
        let base = team(vec![member("carol", Some(101), "Carol@Acme.example")]);
        let c = contributors(
            &pr(vec![unlinked("a1")]),
            &[local("a1", "carol@acme.example", "carol@acme.example", &[])],
            &base,
        );
        assert!(
            c.accounts
                .iter()
                .any(|a| a.login == "carol" && a.id == Some(101))
        );
        assert!(c.unknown.is_empty() && c.unlisted.is_empty());
        let c = contributors(
            &pr(vec![unlinked("a1"), unlinked("a2")]),
            &[
                local("a1", "mallory@evil.example", "noreply@github.com", &[]),
                local("a2", "mallory@evil.example", "noreply@github.com", &[]),
            ],
            &base,
        );
        assert_eq!(c.unknown.len(), 1, "{:?}", c.unknown);
        assert!(c.unknown[0].starts_with(
            "commit a1 (and 1 more commit(s)): the author e-mail `mallory@evil.example`"
        ));
    }

    #[test]
    fn a_linked_author_is_known_whatever_the_email() {
        let base = team(vec![]);
        let linked = Commit {
            sha: "a1".into(),
            author: Some(Account {
                login: "octocat".into(),
                id: Some(1),
                kind: None,
            }),
            committer: None,
        };
        let c = contributors(
            &pr(vec![linked]),
            &[local(
                "a1",
                "private@example.com",
                "noreply@github.com",
                &[],
            )],
            &base,
        );
        assert!(c.unknown.is_empty(), "{:?}", c.unknown);
        assert_eq!(c.accounts[0].login, "octocat");
    }

    #[test]
    fn co_authors_contribute_and_commits_the_forge_leaves_out_are_reported() {
        let base = team(vec![member("dave", Some(102), "dave@acme.example")]);
        let c = contributors(
            &pr(vec![]),
            &[local(
                "b2",
                "1+octocat@users.noreply.github.com",
                "1+octocat@users.noreply.github.com",
                &[
                    "Co-authored-by: Dave <dave@acme.example>",
                    "Co-authored-by: Erin <103+erin@users.noreply.github.com>",
                    "Co-authored-by: Who <who@nowhere.example>",
                ],
            )],
            &base,
        );
        let logins: Vec<&str> = c.accounts.iter().map(|a| a.login.as_str()).collect();
        assert!(
            logins.contains(&"dave") && logins.contains(&"erin"),
            "{logins:?}"
        );
        assert_eq!(c.unlisted.len(), 1);
        assert!(c.unlisted[0].starts_with("commit b2 "));
        assert_eq!(c.unknown.len(), 1);
        assert!(c.unknown[0].contains("co-author e-mail `who@nowhere.example`"));
    }
}
