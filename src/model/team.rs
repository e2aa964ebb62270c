//! Teams: who owns records and who may approve changes.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A GitHub login: letters, digits and single hyphens (bots carry a `[bot]` suffix).
pub const LOGIN_PATTERN: &str = r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TeamSpec {
    #[serde(default)]
    pub members: Vec<Member>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Member {
    /// GitHub login; compared case-insensitively.
    #[schemars(pattern(LOGIN_PATTERN))]
    pub github: String,
    /// GitHub's numeric user id: when given, an approval counts only if it matches too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub github_id: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(email)]
    pub email: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(email)]
    pub email: Option<String>,
    /// A chat channel (`#payments`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat: Option<String>,
}
