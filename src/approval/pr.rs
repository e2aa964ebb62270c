//! The pull request as the forge reports it: the approvals file of `check --approvals FILE`
//! (shape in the README and `docs/approvals.md`), which is also what the GitHub adapter fills. The `reviews`
//! are GitHub's review objects and the `commits` its pull request commits, in every shape its
//! REST API documents (a user may be `null`, and a commit's `author` or `committer` an empty
//! object when the e-mail is linked to no account); unknown fields are ignored.

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

/// An account where GitHub may give none: `null`, absent, or `{}` (its "empty object",
/// which the commits of a pull request carry for an e-mail linked to no account). Anything
/// else must be an account.
fn maybe_account<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Account>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Shape {
        Account(Account),
        Empty(EmptyObject),
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct EmptyObject {}
    Ok(match Option::<Shape>::deserialize(d)? {
        Some(Shape::Account(a)) => Some(a),
        Some(Shape::Empty(_)) | None => None,
    })
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commit {
    pub sha: String,
    #[serde(default, deserialize_with = "maybe_account")]
    pub author: Option<Account>,
    #[serde(default, deserialize_with = "maybe_account")]
    pub committer: Option<Account>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub id: u64,
    #[serde(default, deserialize_with = "maybe_account")]
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
    /// A draft pull request is never approved (GitHub's `draft`; absent means not a draft).
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub commits: Vec<Commit>,
    #[serde(default)]
    pub reviews: Vec<Review>,
}

/// The largest approvals file `cabinet check --approvals` reads, in bytes (32 MiB: GitHub's
/// 250 commits and thousands of reviews with their bodies take a few MiB).
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// Read the approvals file from `reader`, at most `MAX_FILE_BYTES` of it: more is an error,
/// found after reading one byte past the bound, so an endless input (`/dev/zero`) costs no
/// more than the bound.
pub fn read_bounded(reader: impl std::io::Read) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let mut bytes = Vec::new();
    reader
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge);
    }
    Ok(bytes)
}

/// Why an approvals file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{0}")]
    Io(std::io::Error),
    #[error("it is larger than {} MiB, the most an approvals file may hold", MAX_FILE_BYTES / (1024 * 1024))]
    TooLarge,
}

/// Parse an approvals file (JSON). Unknown fields are ignored; the pull request's shape is
/// checked here, what it says is judged by `approval::evaluate`.
pub fn parse(bytes: &[u8]) -> Result<PullRequest, serde_json::Error> {
    serde_json::from_slice(bytes)
}

/// A full commit id: 40 hexadecimal digits (an abbreviation or a ref name is not one).
pub fn is_full_commit_id(text: &str) -> bool {
    text.len() == 40 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endless_input_stops_one_byte_past_the_bound() {
        let endless = std::io::repeat(0);
        assert!(matches!(read_bounded(endless), Err(ReadError::TooLarge)));
        let small = read_bounded(&b"{}"[..]).unwrap();
        assert_eq!(small, b"{}");
    }

    #[test]
    fn only_forty_hex_digits_are_a_full_commit_id() {
        assert!(is_full_commit_id(
            "0123456789abcdef0123456789abcdef01234567"
        ));
        assert!(!is_full_commit_id("0123456"));
        assert!(!is_full_commit_id("HEAD"));
        assert!(!is_full_commit_id(
            "0123456789abcdef0123456789abcdef0123456g"
        ));
    }

    #[test]
    fn a_missing_account_is_null_absent_or_an_empty_object_and_nothing_else() {
        let commits: Vec<Commit> = serde_json::from_str(
            r#"[{"sha": "a", "author": {}, "committer": null},
                {"sha": "b"},
                {"sha": "c", "author": {"login": "mona", "id": 1, "node_id": "U_1", "site_admin": false}}]"#,
        )
        .unwrap();
        assert_eq!(commits[0].author, None);
        assert_eq!(commits[0].committer, None);
        assert_eq!(commits[1].author, None);
        assert_eq!(commits[2].author.as_ref().map(|a| a.id), Some(Some(1)));
        let review: Review =
            serde_json::from_str(r#"{"id": 1, "user": {}, "state": "APPROVED"}"#).unwrap();
        assert_eq!(review.user, None);
        // An object that is neither empty nor an account is refused, not read as nobody.
        assert!(serde_json::from_str::<Commit>(r#"{"sha": "a", "author": {"id": 5}}"#).is_err());
    }

    #[test]
    fn draft_is_false_unless_said() {
        let pr = parse(br#"{"author": {"login": "a"}, "head_sha": "x"}"#).unwrap();
        assert!(!pr.draft);
        let pr = parse(br#"{"author": {"login": "a"}, "head_sha": "x", "draft": true}"#).unwrap();
        assert!(pr.draft);
    }
}
