//! The catalogue site: records in, rendered files out. Each file goes to a [`Sink`] as soon as
//! it is rendered, so a large site is never held in memory whole; `cli/site.rs` provides the
//! sink that writes to disk. Nothing here does I/O or reads the clock.
//!
//! Three steps: facts about every record (`pages/catalogue.rs`: links, names, the dependency
//! graph, what each change, incident and known error touches), a plain view model per page (one file per page family
//! under `pages/`), and rendering through the overridable minijinja templates in
//! `templates/site/` (`pages/frame.rs`), in the order `pages::render_all` sets. Pages are
//! rendered in parallel (rayon): a sink sees them in no particular order, but every file's
//! bytes are the same on every run.

mod charts;
mod diagram;
mod markdown;
mod pages;
mod paths;
mod reach;

pub(crate) use pages::HISTORY_CAP;
#[cfg(test)]
pub(crate) use pages::conflicts_shown;

use crate::model::{Kind, RecordSet};
use crate::templates::{TemplateError, Templates};
use crate::vcs::git::FileCommit;
use jiff::Timestamp;
use std::collections::HashMap;
use std::path::PathBuf;

/// Why the site could not be built: a template failed, or the sink did.
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// A sink could not store a file at `path` (where it was to be written).
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A sink was told to stop (a signal); it takes no more files and drops what it has.
    #[error("interrupted by a signal: the partial site was removed, the previous one is untouched")]
    Interrupted,
    #[error("cannot write the calendar feed: {source}")]
    CalendarFeed { source: std::io::Error },
    /// The dependency graph holds a node that is not a service or a CI (a bug).
    #[error("a graph node is neither a service nor a CI")]
    UnexpectedGraphNode { kind: Kind },
    /// A record page of a kind that has none was asked for (a bug).
    #[error("unexpected record kind")]
    UnexpectedRecordKind { kind: Kind },
}

/// What the build reads.
pub(crate) struct SiteInput<'a> {
    pub records: &'a RecordSet,
    /// Commits per record file (paths relative to the root), newest first; empty outside git.
    pub history: &'a HashMap<String, Vec<FileCommit>>,
    /// The time "upcoming" and "past" are judged against.
    pub now: Timestamp,
    /// The commit the records were read from, when it was a revision.
    pub commit: Option<String>,
    /// Whether `history` could be read at all (false outside a git repository).
    pub in_git: bool,
}

/// One output file: a `/`-separated path relative to the site's root, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SiteFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Where the build puts each file as it is rendered. Called from several threads at once,
/// in no particular order, at most once per path. An error stops the build and is its result.
pub(crate) trait Sink: Sync {
    fn put(&self, file: SiteFile) -> Result<(), SiteError>;
}

/// A sink that keeps every file in memory (the tests' view of a build).
#[cfg(test)]
#[derive(Default)]
pub(crate) struct MemorySink(std::sync::Mutex<Vec<SiteFile>>);

#[cfg(test)]
impl MemorySink {
    /// The files, sorted by path.
    pub(crate) fn into_sorted(self) -> Vec<SiteFile> {
        let mut files = self.0.into_inner().unwrap_or_else(|e| e.into_inner());
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }
}

#[cfg(test)]
impl Sink for MemorySink {
    fn put(&self, file: SiteFile) -> Result<(), SiteError> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(file);
        Ok(())
    }
}

/// Build the whole site into `sink`. A template error (a broken override) and the sink's
/// own errors are the only failures; after one, the sink may hold part of the site.
pub(crate) fn build(
    input: &SiteInput<'_>,
    templates: &Templates,
    sink: &dyn Sink,
) -> Result<(), SiteError> {
    pages::render_all(input, templates, sink)
}

/// Build the whole site in memory: every file, sorted by path.
#[cfg(test)]
pub(crate) fn build_in_memory(
    input: &SiteInput<'_>,
    templates: &Templates,
) -> Result<Vec<SiteFile>, SiteError> {
    let files = MemorySink::default();
    build(input, templates, &files)?;
    Ok(files.into_sorted())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    const CATALOGUE: &str = "---\napiVersion: cabinet/v1\nkind: ConfigurationItem\nmetadata: {id: db}\nspec: {type: database, owner: t, environment: production, lifecycle: live}\n---\napiVersion: cabinet/v1\nkind: Service\nmetadata: {id: api}\nspec: {tier: 1, owner: t, lifecycle: live, dependsOn: [ci:db]}\n---\napiVersion: cabinet/v1\nkind: Team\nmetadata: {id: t}\nspec: {members: [{github: octocat}]}\n";

    /// Run `run` on the site input of the records in `yaml`, outside git.
    pub(crate) fn with_site<R>(yaml: &str, run: impl FnOnce(&SiteInput<'_>, &Templates) -> R) -> R {
        let (records, diags) = crate::load::records_from_str("c.yaml", yaml);
        assert!(diags.is_empty(), "{diags:?}");
        let set = RecordSet::new(records);
        let history = HashMap::new();
        let input = SiteInput {
            records: &set,
            history: &history,
            now: "2026-11-22T09:00:00Z".parse().unwrap(),
            commit: None,
            in_git: false,
        };
        run(&input, &Templates::new(None))
    }

    /// Fails on its `fail_at`-th file.
    struct Failing {
        seen: AtomicUsize,
        fail_at: usize,
    }

    impl Sink for Failing {
        fn put(&self, file: SiteFile) -> Result<(), SiteError> {
            if self.seen.fetch_add(1, Ordering::SeqCst) + 1 == self.fail_at {
                let source = std::io::Error::other(format!("disk full at {}", file.path));
                return Err(SiteError::Write {
                    path: file.path.into(),
                    source,
                });
            }
            Ok(())
        }
    }

    #[test]
    fn every_file_reaches_the_sink_once_whatever_the_order() {
        let files = with_site(CATALOGUE, |input, t| build_in_memory(input, t).unwrap());
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        let mut unique = paths.clone();
        unique.dedup();
        assert_eq!(paths, unique, "a path was written twice");
        for want in [
            "index.html",
            "services/api.html",
            "cis/db.html",
            "teams/t.html",
            "assets/site.css",
        ] {
            assert!(paths.contains(&want), "{want} missing from {paths:?}");
        }
        // The order files are rendered in does not change their bytes.
        let again = with_site(CATALOGUE, |input, t| build_in_memory(input, t).unwrap());
        assert_eq!(files, again);
    }

    #[test]
    fn an_error_from_the_sink_stops_the_build_and_is_its_result() {
        let total = with_site(CATALOGUE, |input, t| {
            build_in_memory(input, t).unwrap().len()
        });
        for fail_at in [1, total / 2, total] {
            let sink = Failing {
                seen: AtomicUsize::new(0),
                fail_at,
            };
            let err = with_site(CATALOGUE, |input, t| build(input, t, &sink)).unwrap_err();
            assert!(err.to_string().contains("disk full at"), "{err}");
        }
    }
}
