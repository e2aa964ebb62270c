//! CI pages: type, environment, owner, redundancy group, attributes, and what the CI needs
//! and what needs it.

use super::CI_CAPS;
use super::catalogue::Catalogue;
use super::related::{RelatedLists, SinglePoint, related_lists};
use super::view::{LabelRow, LinkTo, RecordHeader, TeamSummary, json_word, lifecycle_word};
use crate::graph::Node;
use crate::model::{AttributeValue, ConfigurationItemSpec, Record};
use serde::Serialize;

#[derive(Serialize)]
pub(super) struct CiPage<'a> {
    #[serde(flatten)]
    common: RecordHeader,
    ci_type: String,
    environment: String,
    lifecycle: &'static str,
    owner: TeamSummary,
    redundancy: Option<Redundancy>,
    attributes: Vec<LabelRow>,
    #[serde(flatten)]
    related: RelatedLists<'a>,
}

#[derive(Serialize)]
struct Redundancy {
    group: String,
    min_up: u32,
    members: Vec<LinkTo>,
}

pub(super) fn ci_page<'a>(
    f: &'a Catalogue<'_>,
    r: &Record,
    c: &ConfigurationItemSpec,
    n: Node,
) -> (CiPage<'a>, Option<SinglePoint>) {
    let (related, single) = related_lists(f, n, CI_CAPS);
    let page = CiPage {
        common: f.common(r),
        ci_type: json_word(&c.ci_type),
        environment: json_word(&c.environment),
        lifecycle: lifecycle_word(c.lifecycle),
        owner: f.team_summary(&c.owner),
        redundancy: c.redundancy.as_ref().map(|red| Redundancy {
            group: red.group.clone(),
            min_up: red.min_up,
            members: f
                .graph
                .group_of(n)
                .map(|g| g.members.iter().map(|&m| f.node_link(m)).collect())
                .unwrap_or_default(),
        }),
        attributes: c
            .attributes
            .iter()
            .map(|(k, v)| LabelRow {
                key: k.clone(),
                value: match v {
                    AttributeValue::String(s) => s.clone(),
                    AttributeValue::Integer(i) => i.to_string(),
                    AttributeValue::Number(x) => x.to_string(),
                    AttributeValue::Bool(b) => b.to_string(),
                },
            })
            .collect(),
        related,
    };
    (page, single)
}
