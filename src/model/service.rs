//! Services and configuration items: the nodes of the dependency graph.

use super::{Lifecycle, SERVICE_OR_CI_REF, SLA_REF, TEAM_REF};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A business or technical service.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ServiceSpec {
    /// The owning team (`payments` or `team:payments`).
    #[schemars(pattern(TEAM_REF))]
    pub owner: String,
    /// 1 (most critical) to 4.
    #[schemars(range(min = 1, max = 4))]
    pub tier: u8,
    pub lifecycle: Lifecycle,
    /// The SLA the service runs under; required when `lifecycle` is `live`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(pattern(SLA_REF))]
    pub sla: Option<String>,
    /// Services and configuration items this service needs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<Dependency>,
    /// What users can request from this service (the request catalogue).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub offerings: Vec<Offering>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support: Option<Support>,
}

/// An edge of the dependency graph: `ci:pg-main` (hard) or `{ref, impact: partial}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Dependency {
    /// A hard dependency: its outage takes the dependent down.
    Hard(#[schemars(pattern(SERVICE_OR_CI_REF))] String),
    Detailed(DetailedDependency),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DetailedDependency {
    /// `service:ID` or `ci:ID`.
    #[serde(rename = "ref")]
    #[schemars(pattern(SERVICE_OR_CI_REF))]
    pub target: String,
    /// `full` (default): its outage takes the dependent down; `partial`: degrades it.
    #[serde(default)]
    pub impact: Impact,
}

impl Dependency {
    pub fn target(&self) -> &str {
        match self {
            Dependency::Hard(t) => t,
            Dependency::Detailed(d) => &d.target,
        }
    }

    pub fn impact(&self) -> Impact {
        match self {
            Dependency::Hard(_) => Impact::Full,
            Dependency::Detailed(d) => d.impact,
        }
    }

    /// The pointer suffix of the reference text inside the dependency entry.
    pub fn ref_pointer(&self) -> &'static str {
        match self {
            Dependency::Hard(_) => "",
            Dependency::Detailed(_) => "/ref",
        }
    }
}

/// How an outage propagates along an edge.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Impact {
    /// Down.
    #[default]
    Full,
    /// Degraded, not down.
    Partial,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Offering {
    #[schemars(pattern(super::ID_PATTERN))]
    pub id: String,
    pub name: String,
    /// How long fulfilment takes (`2d`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(pattern(super::DURATION_PATTERN))]
    pub fulfillment: Option<String>,
    /// Whether a request needs approval.
    #[serde(default)]
    pub approval: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Support {
    /// `24x7`, or a description of the hours such as `business hours`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<String>,
    /// Where to ask for help (`#payments-oncall`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(email)]
    pub email: Option<String>,
}

/// A configuration item: infrastructure or software a service runs on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ConfigurationItemSpec {
    #[serde(rename = "type")]
    pub ci_type: CiType,
    /// The owning team.
    #[schemars(pattern(TEAM_REF))]
    pub owner: String,
    pub environment: Environment,
    pub lifecycle: Lifecycle,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<Dependency>,
    /// Members of one group keep the whole up while at least `minUp` of them are up, and
    /// unaffected while at least `minUp` of them are healthy (neither down nor degraded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redundancy: Option<Redundancy>,
    /// Free-form attributes (version, vendor, location ...).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, AttributeValue>,
}

/// A scalar attribute value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum AttributeValue {
    String(String),
    Integer(i64),
    Number(f64),
    Bool(bool),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Redundancy {
    #[schemars(pattern(super::ID_PATTERN))]
    pub group: String,
    #[schemars(range(min = 1))]
    pub min_up: u32,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum CiType {
    Server,
    Vm,
    Container,
    Cluster,
    Database,
    Queue,
    Storage,
    Network,
    Loadbalancer,
    Dns,
    Certificate,
    Application,
    Saas,
    Other,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Environment {
    Production,
    Staging,
    Development,
    Dr,
}
