//! SLA pages: the agreement's terms and the services it covers.

use super::catalogue::Catalogue;
use super::frame::Renderer;
use super::summaries::{ServiceLine, Summaries};
use super::view::{RecordHeader, SlaSummary, sla_details};
use crate::model::{Kind, Record, SlaSpec};
use crate::site::SiteError;
use serde::Serialize;

#[derive(Serialize)]
struct SlaPage {
    #[serde(flatten)]
    common: RecordHeader,
    #[serde(flatten)]
    sla: SlaSummary,
    services: Vec<ServiceLine>,
}

/// Render the page of SLA `r`.
pub(super) fn render(
    f: &Catalogue<'_>,
    lines: &Summaries,
    out: &Renderer<'_>,
    r: &Record,
    s: &SlaSpec,
) -> Result<(), SiteError> {
    let path = f.page_of(r.kind(), r.id()).unwrap_or_default();
    let title = r.metadata.display_name().to_string();
    let reference = r.reference().to_string();
    let page = SlaPage {
        common: f.common(r),
        sla: sla_details(f.link(Kind::Sla, r.id()), s),
        services: lines
            .services
            .iter()
            .filter(|(_, l)| l.sla.as_ref().is_some_and(|x| x.reference == reference))
            .map(|(_, l)| l.clone())
            .collect(),
    };
    out.page("site/sla.html", path, "../", "home", title, &page)
}
