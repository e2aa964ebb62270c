//! The record types: one Rust type per kind (`docs/reference.md` lists every field). Serde reads them,
//! schemars turns them into the JSON Schemas in `schemas/`, and every check works on them.
//! What a schema can say (types, enums, ranges, patterns, unknown fields) is said here, once.

mod change;
mod config;
mod incident;
mod policy;
mod problem;
mod reference;
mod service;
mod set;
mod sla;
mod team;

pub use change::*;
pub use config::*;
pub use incident::*;
pub use policy::*;
pub use problem::*;
pub use reference::*;
pub use service::*;
pub use set::*;
pub use sla::*;
pub use team::*;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The only `apiVersion` this version reads.
pub const API_VERSION: &str = "cabinet/v1";

/// An id: unique within its kind, safe as a file name (no `/`, no `..`, ASCII only).
pub const ID_PATTERN: &str = r"^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._-]{0,127}$";

/// The kinds of record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Kind {
    Config,
    Policy,
    Team,
    Service,
    ConfigurationItem,
    #[serde(rename = "SLA")]
    Sla,
    Change,
    ChangeModel,
    Incident,
    Problem,
}

impl Kind {
    pub const ALL: [Kind; 10] = [
        Kind::Config,
        Kind::Policy,
        Kind::Team,
        Kind::Service,
        Kind::ConfigurationItem,
        Kind::Sla,
        Kind::Change,
        Kind::ChangeModel,
        Kind::Incident,
        Kind::Problem,
    ];

    /// The name written in `kind:`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Config => "Config",
            Kind::Policy => "Policy",
            Kind::Team => "Team",
            Kind::Service => "Service",
            Kind::ConfigurationItem => "ConfigurationItem",
            Kind::Sla => "SLA",
            Kind::Change => "Change",
            Kind::ChangeModel => "ChangeModel",
            Kind::Incident => "Incident",
            Kind::Problem => "Problem",
        }
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The prefix of a reference to this kind (`service:payments-api`).
    pub fn ref_prefix(self) -> &'static str {
        match self {
            Kind::Config => "config",
            Kind::Policy => "policy",
            Kind::Team => "team",
            Kind::Service => "service",
            Kind::ConfigurationItem => "ci",
            Kind::Sla => "sla",
            Kind::Change => "change",
            Kind::ChangeModel => "model",
            Kind::Incident => "incident",
            Kind::Problem => "problem",
        }
    }

    pub fn from_ref_prefix(prefix: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.ref_prefix() == prefix)
    }

    /// The schema file name (`configuration-item.schema.json`).
    pub fn schema_file(self) -> String {
        let stem = match self {
            Kind::ConfigurationItem => "configuration-item",
            Kind::ChangeModel => "change-model",
            other => return format!("{}.schema.json", other.as_str().to_ascii_lowercase()),
        };
        format!("{stem}.schema.json")
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The envelope every record shares.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Envelope<S> {
    /// Always `cabinet/v1`.
    pub api_version: String,
    /// The kind of record.
    pub kind: String,
    pub metadata: Metadata,
    pub spec: S,
}

/// Names and describes a record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Metadata {
    /// Unique within its kind: letters, digits, `.`, `_` and `-`, starting with a letter or digit.
    #[schemars(pattern(ID_PATTERN))]
    pub id: String,
    /// Display name; defaults to the id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 200))]
    pub name: Option<String>,
    /// Markdown, rendered on the catalogue site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Free-form string labels.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Links shown with the record (runbooks, dashboards).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
}

impl Metadata {
    /// The display name: `name`, or the id.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Link {
    #[schemars(length(min = 1))]
    pub title: String,
    #[schemars(url)]
    pub url: String,
}

/// How critical a record is, from `planned` to `retired`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Lifecycle {
    Planned,
    Live,
    Deprecated,
    Retired,
}

/// A record's typed body.
#[derive(Clone, Debug, PartialEq)]
pub enum Spec {
    Config(ConfigSpec),
    Policy(Box<PolicySpec>),
    Team(TeamSpec),
    Service(ServiceSpec),
    ConfigurationItem(ConfigurationItemSpec),
    Sla(SlaSpec),
    Change(Box<ChangeSpec>),
    ChangeModel(ChangeModelSpec),
    Incident(Box<IncidentSpec>),
    Problem(ProblemSpec),
}

impl Spec {
    pub fn kind(&self) -> Kind {
        match self {
            Spec::Config(_) => Kind::Config,
            Spec::Policy(_) => Kind::Policy,
            Spec::Team(_) => Kind::Team,
            Spec::Service(_) => Kind::Service,
            Spec::ConfigurationItem(_) => Kind::ConfigurationItem,
            Spec::Sla(_) => Kind::Sla,
            Spec::Change(_) => Kind::Change,
            Spec::ChangeModel(_) => Kind::ChangeModel,
            Spec::Incident(_) => Kind::Incident,
            Spec::Problem(_) => Kind::Problem,
        }
    }
}

/// Where a record was read from.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin {
    /// Repo-relative path with `/` separators.
    pub file: String,
    /// Position of the document in the file (0-based).
    pub document: usize,
}

/// One record, typed, with where it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    pub metadata: Metadata,
    pub spec: Spec,
    pub origin: Origin,
}

impl Record {
    pub fn kind(&self) -> Kind {
        self.spec.kind()
    }

    pub fn id(&self) -> &str {
        &self.metadata.id
    }

    /// `service:payments-api`.
    pub fn reference(&self) -> RecordRef {
        RecordRef::new(self.kind(), self.id())
    }

    /// A location inside this record for a diagnostic.
    pub fn at(&self, pointer: impl Into<String>) -> crate::diag::Location {
        crate::diag::Location::pointer(&self.origin.file, self.origin.document, pointer)
    }
}

impl Spec {
    /// The spec as a JSON value, for semantic comparison and output.
    pub fn to_value(&self) -> serde_json::Value {
        let v = match self {
            Spec::Config(s) => serde_json::to_value(s),
            Spec::Policy(s) => serde_json::to_value(s),
            Spec::Team(s) => serde_json::to_value(s),
            Spec::Service(s) => serde_json::to_value(s),
            Spec::ConfigurationItem(s) => serde_json::to_value(s),
            Spec::Sla(s) => serde_json::to_value(s),
            Spec::Change(s) => serde_json::to_value(s),
            Spec::ChangeModel(s) => serde_json::to_value(s),
            Spec::Incident(s) => serde_json::to_value(s),
            Spec::Problem(s) => serde_json::to_value(s),
        };
        v.unwrap_or(serde_json::Value::Null)
    }
}

impl Record {
    /// `{metadata, spec}` as JSON: what the record says, whatever its formatting.
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::json!({
            "metadata": serde_json::to_value(&self.metadata).unwrap_or(serde_json::Value::Null),
            "spec": self.spec.to_value(),
        })
    }
}
