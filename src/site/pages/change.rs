//! Change pages: the request, the plan, what the change takes down or degrades, its outcome.

use super::catalogue::Catalogue;
use super::frame::Renderer;
use super::impact::{ImpactLists, impact_lists, reach};
use super::view::{ChangeRow, LinkTo, RecordHeader};
use crate::model::{ChangeSpec, Kind, Record, RecordRef};
use crate::site::SiteError;
use crate::site::markdown;
use serde::Serialize;

/// An incident a change names: a link when it is an `incident:ID` reference, else the text
/// (a ticket id from another tool).
#[derive(Serialize)]
pub(super) struct IncidentMention {
    text: String,
    link: Option<LinkTo>,
}

pub(super) fn mention(f: &Catalogue<'_>, text: &str) -> IncidentMention {
    IncidentMention {
        text: text.to_string(),
        link: RecordRef::parse(text)
            .filter(|r| r.kind == Kind::Incident)
            .map(|r| f.link(r.kind, &r.id)),
    }
}

#[derive(Serialize)]
struct ChangePage<'a> {
    #[serde(flatten)]
    common: RecordHeader,
    #[serde(flatten)]
    row: ChangeRow,
    model: Option<String>,
    requester: String,
    reason: String,
    #[serde(flatten)]
    impact: ImpactLists<'a>,
    plan: String,
    backout: Option<String>,
    verification: Option<String>,
    emergency: Option<Emergency>,
    incidents: Vec<IncidentMention>,
    outcome_notes: Option<String>,
    upcoming: bool,
}

#[derive(Serialize)]
struct Emergency {
    incident: IncidentMention,
    justification: String,
}

fn change_page<'a>(f: &'a Catalogue<'_>, r: &Record, c: &ChangeSpec) -> ChangePage<'a> {
    ChangePage {
        common: f.common(r),
        row: f.change_row(r, c, "affected"),
        model: c.model.clone(),
        requester: c.requester.clone(),
        reason: c.reason.clone(),
        impact: impact_lists(f, &c.affects, &reach(f, &c.affects)),
        plan: markdown::render(&c.plan),
        backout: c.backout.as_deref().map(markdown::render),
        verification: c.verification.as_deref().map(markdown::render),
        emergency: c.emergency.as_ref().map(|e| Emergency {
            incident: mention(f, &e.incident),
            justification: e.justification.clone(),
        }),
        incidents: c
            .outcome
            .as_ref()
            .map(|o| o.incidents.iter().map(|x| mention(f, x)).collect())
            .unwrap_or_default(),
        outcome_notes: c
            .outcome
            .as_ref()
            .and_then(|o| o.notes.as_deref())
            .map(markdown::render),
        upcoming: c.window.end >= f.now && !c.status.is_closed(),
    }
}

/// Render the page of change `r`.
pub(super) fn render(
    f: &Catalogue<'_>,
    out: &Renderer<'_>,
    r: &Record,
    c: &ChangeSpec,
) -> Result<(), SiteError> {
    out.record_page(
        f,
        r,
        ("site/change.html", "calendar"),
        &change_page(f, r, c),
    )
}
