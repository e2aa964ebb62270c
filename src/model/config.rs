//! `cabinet.yaml`: the repository's own settings.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ConfigSpec {
    /// The catalogue's title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Globs (relative to the root) of YAML files that are not records (`vendor/**`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<SiteConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forge: Option<ForgeConfig>,
    /// Safety limits for reading records.
    #[serde(default)]
    pub limits: Limits,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SiteConfig {
    /// Output folder of `cabinet site build` (default `public`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub out: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(url)]
    pub base_url: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ForgeConfig {
    pub kind: ForgeKind,
    /// `owner/name`.
    #[schemars(pattern(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$"))]
    pub repository: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ForgeKind {
    Github,
}

/// Limits that keep a hostile or broken repository from making cabinet slow or exhaust memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Limits {
    /// Largest YAML file read, in bytes (default 1 MiB).
    #[serde(default = "Limits::default_max_file_bytes")]
    #[schemars(range(min = 1024))]
    pub max_file_bytes: u64,
    /// Deepest nesting of mappings and sequences (default 64).
    #[serde(default = "Limits::default_max_depth")]
    #[schemars(range(min = 8, max = 1000))]
    pub max_depth: usize,
    /// Most documents read from one repository (default 1,000,000).
    #[serde(default = "Limits::default_max_records")]
    #[schemars(range(min = 1))]
    pub max_records: usize,
}

impl Limits {
    fn default_max_file_bytes() -> u64 {
        1024 * 1024
    }
    fn default_max_depth() -> usize {
        64
    }
    fn default_max_records() -> usize {
        1_000_000
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: Limits::default_max_file_bytes(),
            max_depth: Limits::default_max_depth(),
            max_records: Limits::default_max_records(),
        }
    }
}
