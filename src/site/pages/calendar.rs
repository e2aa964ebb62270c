//! The change calendar: every change split at `now`, the freezes and maintenance windows
//! ahead, the conflicts between open changes; and its iCalendar feed.

use super::WINDOW_DAYS;
use super::catalogue::Catalogue;
use super::frame::Renderer;
use super::view::{ChangeRow, LinkTo, Time, time};
use crate::model::{Kind, PolicySpec, RecordRef, RecordSet, Spec};
use crate::schedule::{self, Schedule};
use crate::site::{SiteError, SiteFile};
use jiff::Timestamp;
use serde::Serialize;

#[derive(Serialize)]
struct CalendarPage {
    upcoming: Vec<ChangeRow>,
    past: Vec<ChangeRow>,
    freezes: Vec<FreezeRow>,
    windows: Vec<WindowRow>,
    window_days: i64,
    conflicts: Vec<ConflictRow>,
}

#[derive(Serialize)]
struct FreezeRow {
    name: String,
    start: Time,
    end: Time,
    allow: Vec<&'static str>,
    scope: Vec<LinkTo>,
    current: bool,
}

#[derive(Serialize)]
struct WindowRow {
    name: String,
    start: Time,
    end: Time,
}

#[derive(Serialize)]
struct ConflictRow {
    a: LinkTo,
    b: LinkTo,
    shared: Vec<LinkTo>,
    shared_more: usize,
}

/// From the earliest to the latest change window or freeze, and at least a day around now.
pub(super) fn feed_span(
    set: &RecordSet,
    policy: Option<&PolicySpec>,
    now: Timestamp,
) -> (Timestamp, Timestamp) {
    let mut first = now;
    let mut last = now;
    for r in set.of_kind(Kind::Change) {
        if let Spec::Change(c) = &r.spec {
            first = first.min(c.window.start);
            last = last.max(c.window.end);
        }
    }
    for fr in policy.map(|p| p.freezes.as_slice()).unwrap_or_default() {
        first = first.min(fr.start);
        last = last.max(fr.end);
    }
    let day = 86_400;
    (
        Timestamp::from_second(first.as_second() - day).unwrap_or(first),
        Timestamp::from_second(last.as_second() + day).unwrap_or(last),
    )
}

/// Every change record: upcoming (not yet over and not closed) soonest first, the rest
/// latest first.
pub(super) fn split(f: &Catalogue<'_>) -> (Vec<ChangeRow>, Vec<ChangeRow>) {
    let mut upcoming: Vec<(Timestamp, ChangeRow)> = Vec::new();
    let mut past: Vec<(Timestamp, ChangeRow)> = Vec::new();
    for r in &f.changes {
        let Spec::Change(c) = &r.spec else { continue };
        let row = f.change_row(r, c, "affected");
        if c.window.end >= f.now && !c.status.is_closed() {
            upcoming.push((c.window.start, row));
        } else {
            past.push((c.window.start, row));
        }
    }
    upcoming.sort_by(|a, b| (a.0, &a.1.id).cmp(&(b.0, &b.1.id)));
    past.sort_by(|a, b| (b.0, &a.1.id).cmp(&(a.0, &b.1.id)));
    (
        upcoming.into_iter().map(|x| x.1).collect(),
        past.into_iter().map(|x| x.1).collect(),
    )
}

/// Render the calendar page and the feed. `feed` covers every change record and freeze
/// (`feed_span`); the page shows the windows ahead.
pub(super) fn render(
    f: &Catalogue<'_>,
    out: &Renderer<'_>,
    feed: &Schedule,
    policy: Option<&PolicySpec>,
    (upcoming, past): (Vec<ChangeRow>, Vec<ChangeRow>),
) -> Result<(), SiteError> {
    let ahead = Timestamp::from_second(f.now.as_second() + WINDOW_DAYS * 86_400).unwrap_or(f.now);
    let windows = schedule::build(&RecordSet::default(), policy, f.now, ahead).windows;
    let calendar = CalendarPage {
        upcoming,
        past,
        freezes: feed
            .freezes
            .iter()
            .filter(|x| x.end >= f.now)
            .map(|x| FreezeRow {
                name: x.name.clone(),
                start: time(x.start),
                end: time(x.end),
                allow: x.allow.iter().map(|a| a.as_str()).collect(),
                scope: x.scope.iter().map(|s| f.link_ref(s)).collect(),
                current: x.start <= f.now,
            })
            .collect(),
        windows: windows
            .iter()
            .map(|w| WindowRow {
                name: w.name.clone(),
                start: time(w.start),
                end: time(w.end),
            })
            .collect(),
        window_days: WINDOW_DAYS,
        conflicts: feed
            .conflicts
            .iter()
            .filter(|c| {
                [&c.changes.0, &c.changes.1].iter().any(|id| {
                    f.set
                        .get(&RecordRef::new(Kind::Change, id.as_str()))
                        .is_some_and(
                            |r| matches!(&r.spec, Spec::Change(x) if x.window.end >= f.now),
                        )
                })
            })
            .map(|c| ConflictRow {
                a: f.link(Kind::Change, &c.changes.0),
                b: f.link(Kind::Change, &c.changes.1),
                shared: c
                    .shared
                    .iter()
                    .take(10)
                    .map(|s| f.link(s.kind, &s.id))
                    .collect(),
                shared_more: c.shared.len().saturating_sub(10),
            })
            .collect(),
    };
    out.page(
        "site/calendar.html",
        "calendar.html".into(),
        "",
        "calendar",
        "Change calendar".into(),
        &calendar,
    )?;
    let mut ics = Vec::new();
    crate::report::schedule::ics(&mut ics, feed, &out.site.title, f.now)
        .map_err(|source| SiteError::CalendarFeed { source })?;
    out.sink.put(SiteFile {
        path: "calendar.ics".into(),
        bytes: ics,
    })
}
