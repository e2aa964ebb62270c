//! Team pages: contacts, members, what the team owns and the changes its members requested.

use super::PAST_CAP;
use super::catalogue::Catalogue;
use super::frame::Renderer;
use super::summaries::{CiLine, ServiceLine, Summaries};
use super::view::{ChangeRow, RecordHeader};
use crate::model::{Record, Spec, TeamSpec};
use crate::site::SiteError;
use jiff::Timestamp;
use serde::Serialize;

#[derive(Serialize)]
struct TeamPage {
    #[serde(flatten)]
    common: RecordHeader,
    email: Option<String>,
    chat: Option<String>,
    members: Vec<Member>,
    services: Vec<ServiceLine>,
    cis: Vec<CiLine>,
    changes: Vec<ChangeRow>,
}

#[derive(Serialize)]
struct Member {
    github: String,
    name: Option<String>,
    email: Option<String>,
}

fn team_page(f: &Catalogue<'_>, r: &Record, t: &TeamSpec, lines: &Summaries) -> TeamPage {
    let id = r.id();
    let logins: Vec<String> = t.members.iter().map(|m| m.github.to_lowercase()).collect();
    let mut changes: Vec<(Timestamp, ChangeRow)> = f
        .changes
        .iter()
        .filter_map(|c| match &c.spec {
            Spec::Change(spec) if logins.contains(&spec.requester.to_lowercase()) => {
                Some((spec.window.start, f.change_row(c, spec, "affected")))
            }
            _ => None,
        })
        .collect();
    changes.sort_by(|a, b| (b.0, &a.1.id).cmp(&(a.0, &b.1.id)));
    let (owned_services, owned_cis) = lines.owned_by(id);
    TeamPage {
        common: f.common(r),
        email: t.contact.as_ref().and_then(|c| c.email.clone()),
        chat: t.contact.as_ref().and_then(|c| c.chat.clone()),
        members: t
            .members
            .iter()
            .map(|m| Member {
                github: m.github.clone(),
                name: m.name.clone(),
                email: m.email.clone(),
            })
            .collect(),
        services: owned_services
            .iter()
            .map(|&i| lines.services[i].1.clone())
            .collect(),
        cis: owned_cis.iter().map(|&i| lines.cis[i].1.clone()).collect(),
        changes: changes.into_iter().take(PAST_CAP).map(|(_, c)| c).collect(),
    }
}

/// Render the page of team `r`.
pub(super) fn render(
    f: &Catalogue<'_>,
    lines: &Summaries,
    out: &Renderer<'_>,
    r: &Record,
    t: &TeamSpec,
) -> Result<(), SiteError> {
    let path = f.page_of(r.kind(), r.id()).unwrap_or_default();
    let title = r.metadata.display_name().to_string();
    let page = team_page(f, r, t, lines);
    out.page("site/team.html", path, "../", "home", title, &page)
}
