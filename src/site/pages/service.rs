//! Service pages: owner, SLA, offerings, support, and what the service needs and what needs it.

use super::SERVICE_CAPS;
use super::catalogue::Catalogue;
use super::related::{RelatedLists, SinglePoint, related_lists};
use super::view::{RecordHeader, SlaSummary, TeamSummary, lifecycle_word};
use crate::graph::Node;
use crate::model::{Record, ServiceSpec};
use crate::site::markdown;
use serde::Serialize;

#[derive(Serialize)]
pub(super) struct ServicePage<'a> {
    #[serde(flatten)]
    common: RecordHeader,
    tier: u8,
    lifecycle: &'static str,
    owner: TeamSummary,
    sla: Option<SlaSummary>,
    offerings: Vec<Offering>,
    support: Option<Support>,
    #[serde(flatten)]
    related: RelatedLists<'a>,
}

/// `model::Support` with every field present (templates use strict undefined checks).
#[derive(Serialize)]
struct Support {
    hours: Option<String>,
    channel: Option<String>,
    email: Option<String>,
}

#[derive(Serialize)]
struct Offering {
    id: String,
    name: String,
    fulfillment: Option<String>,
    approval: bool,
    description: Option<String>,
}

pub(super) fn service_page<'a>(
    f: &'a Catalogue<'_>,
    r: &Record,
    s: &ServiceSpec,
    n: Node,
) -> (ServicePage<'a>, Option<SinglePoint>) {
    let (related, single) = related_lists(f, n, SERVICE_CAPS);
    let page = ServicePage {
        common: f.common(r),
        tier: s.tier,
        lifecycle: lifecycle_word(s.lifecycle),
        owner: f.team_summary(&s.owner),
        sla: s.sla.as_deref().and_then(|x| f.sla_summary(x)),
        offerings: s
            .offerings
            .iter()
            .map(|o| Offering {
                id: o.id.clone(),
                name: o.name.clone(),
                fulfillment: o.fulfillment.clone(),
                approval: o.approval,
                description: o.description.as_deref().map(markdown::render),
            })
            .collect(),
        support: s.support.as_ref().map(|x| Support {
            hours: x.hours.clone(),
            channel: x.channel.clone(),
            email: x.email.clone(),
        }),
        related,
    };
    (page, single)
}
