//! The pull request as the forge reports it: the approvals file of `check --approvals FILE`
//! (its shape is in the README, "CAB approval through review"), which is also what the GitHub adapter fills. The `reviews`
//! are GitHub's review objects; unknown fields are ignored.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub login: String,
    #[serde(default)]
    pub id: Option<u64>,
    /// `User` or `Bot`.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
}

impl Account {
    /// Bots never count: GitHub Apps, Actions, and anything named `...[bot]`.
    pub fn is_bot(&self) -> bool {
        self.kind
            .as_deref()
            .is_some_and(|k| k.eq_ignore_ascii_case("bot"))
            || self.login.to_ascii_lowercase().ends_with("[bot]")
            || self.id == Some(WEB_FLOW_ID)
    }

    /// Same person: the numeric ids when both are known, else the login (case-insensitive).
    pub fn same_as(&self, other: &Account) -> bool {
        match (self.id, other.id) {
            (Some(a), Some(b)) => a == b,
            _ => self.login.eq_ignore_ascii_case(&other.login),
        }
    }
}

/// GitHub's `web-flow` user, which commits merges made in the web UI.
pub const WEB_FLOW_ID: u64 = 19_864_447;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commit {
    pub sha: String,
    #[serde(default)]
    pub author: Option<Account>,
    #[serde(default)]
    pub committer: Option<Account>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub id: u64,
    #[serde(default)]
    pub user: Option<Account>,
    pub state: String,
    #[serde(default)]
    pub commit_id: Option<String>,
    #[serde(default)]
    pub submitted_at: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullRequest {
    #[serde(default)]
    pub number: u64,
    pub author: Account,
    pub head_sha: String,
    #[serde(default)]
    pub commits: Vec<Commit>,
    #[serde(default)]
    pub reviews: Vec<Review>,
}
