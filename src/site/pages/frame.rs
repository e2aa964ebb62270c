//! The frame every page is rendered in (the site's title, the way back to its root, the
//! current navigation entry) and the renderer that hands each page to the sink.

use super::catalogue::Catalogue;
use super::view::{Time, time};
use crate::model::{Kind, Record};
use crate::site::markdown;
use crate::site::{Sink, SiteError, SiteFile, SiteInput};
use crate::templates::Templates;
use serde::Serialize;

/// The page frame every template gets.
#[derive(Serialize)]
struct Frame<'a, T: Serialize> {
    site: &'a SiteInfo,
    /// From this page to the site's root: `""` or `"../"`.
    root: &'static str,
    /// Which navigation entry is current.
    nav: &'static str,
    title: String,
    page: T,
}

#[derive(Serialize)]
pub(super) struct SiteInfo {
    pub(super) title: String,
    description: Option<String>,
    commit: Option<String>,
    now: Time,
    in_git: bool,
}

impl SiteInfo {
    /// The site's title and description come from the Config record.
    pub(super) fn new(input: &SiteInput<'_>) -> SiteInfo {
        let config = input.records.config();
        let config_record = input.records.of_kind(Kind::Config).next();
        SiteInfo {
            title: config
                .and_then(|c| c.title.clone())
                .or_else(|| config_record.map(|r| r.metadata.display_name().to_string()))
                .unwrap_or_else(|| "Service catalogue".to_string()),
            description: config_record
                .and_then(|r| r.metadata.description.as_deref())
                .map(markdown::render),
            commit: input.commit.clone(),
            now: time(input.now),
            in_git: input.in_git,
        }
    }
}

/// Puts a page model in its frame and renders it.
pub(super) struct Renderer<'a> {
    pub(super) t: &'a Templates,
    pub(super) site: &'a SiteInfo,
    pub(super) sink: &'a dyn Sink,
}

impl Renderer<'_> {
    /// Render the page of a record that goes by its id (a change, an incident, a problem),
    /// titled `ID: name`, through `(template, nav section)`.
    pub(super) fn record_page<T: Serialize>(
        &self,
        f: &Catalogue<'_>,
        r: &Record,
        (template, nav): (&str, &'static str),
        page: &T,
    ) -> Result<(), SiteError> {
        let path = f.page_of(r.kind(), r.id()).unwrap_or_default();
        let title = format!("{}: {}", r.id(), r.metadata.display_name());
        self.page(template, path, "../", nav, title, page)
    }

    pub(super) fn page<T: Serialize>(
        &self,
        template: &str,
        path: String,
        root: &'static str,
        nav: &'static str,
        title: String,
        page: &T,
    ) -> Result<(), SiteError> {
        let frame = Frame {
            site: self.site,
            root,
            nav,
            title,
            page,
        };
        let text = self.t.render(template, frame)?;
        self.sink.put(SiteFile {
            path,
            bytes: text.into_bytes(),
        })
    }
}
