//! Service pages: owner, SLA, offerings, support, and what the service needs and what needs it.

use super::SERVICE_CAPS;
use super::catalogue::Catalogue;
use super::related::{RelatedLists, SinglePoint, related_lists};
use super::view::{RecordHeader, SlaSummary, TeamSummary, lifecycle_word};
use crate::figures::ServiceFigures;
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
    /// Over the last 90 days (`cabinet report`'s definition).
    availability: Option<Availability>,
    #[serde(flatten)]
    related: RelatedLists<'a>,
}

#[derive(Serialize)]
struct Availability {
    value: String,
    target: Option<String>,
    met: Option<bool>,
    down: String,
    degraded: String,
    incidents: usize,
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
    figures: Option<&ServiceFigures>,
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
        availability: figures.map(|x| Availability {
            value: format!("{:.3}%", x.availability * 100.0),
            target: x.sla_availability.map(|t| format!("{:.3}%", t * 100.0)),
            met: x.met,
            down: crate::figures::length(x.down_seconds),
            degraded: crate::figures::length(x.degraded_seconds),
            incidents: x.incidents,
        }),
        related,
    };
    (page, single)
}
