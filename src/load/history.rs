//! Reading a whole history: what each commit reachable from a revision added or changed
//! under the root, each distinct blob read once, as a revision's files are read.

use super::LoadError;
use super::revision::{Trust, read_entry};
use super::settings::Settings;
use crate::model::Record;
use crate::vcs::git::{GitError, GitRepo};
use std::path::Path;

/// What one commit added or changed, as `changed_records`'s `pick` saw it.
#[derive(Debug)]
pub(crate) struct CommitRecords<T> {
    /// The commit's full id.
    pub commit: String,
    /// The committer's time, seconds since the epoch (UTC).
    pub time: i64,
    /// What `pick` made of each record of every file the commit added or changed.
    pub found: Vec<T>,
}

/// Every commit reachable from `rev` that added or changed record files under `root`, oldest
/// first (merged branches included; each commit against its first parent), with what `pick`
/// makes of the records of those files. Which files are read, and how, is what `load` of
/// `rev` does: `rev`'s cabinet.yaml decides the folders and files left out and the limits;
/// every blob is sized from its header before it is read, and parsed and typed by the same
/// code. A blob is read once, however many commits hold it. A shallow clone, a commit that
/// changes more record files than `maxRecords`, or a history past the bounds of
/// `GitRepo::history`, is an error.
pub(crate) fn changed_records<T: Clone + Send>(
    root: &Path,
    rev: &str,
    pick: impl Fn(&Record) -> Option<T> + Sync + Send,
) -> Result<Vec<CommitRecords<T>>, LoadError> {
    let repo = GitRepo::discover(root)?;
    let commit = repo.resolve(rev)?;
    let settings = Settings::of_revision(&repo, &commit, rev)?;
    let history = repo.history(
        rev,
        &commit,
        settings.limits.max_records,
        &|dir| settings.skips_dir(dir),
        &|file| settings.reads_file(file),
    )?;
    let limits = &settings.limits;
    let picked: Vec<Vec<T>> = repo
        .read_each(history.files, |entry, blobs| {
            let read = read_entry(entry, blobs, limits, Trust::Sized)?;
            Ok::<_, GitError>(read.records.iter().filter_map(|r| pick(r)).collect())
        })?
        .into_iter()
        .collect::<Result<_, GitError>>()?;
    Ok(history
        .commits
        .into_iter()
        .map(|c| CommitRecords {
            commit: c.id(),
            time: c.time,
            found: c
                .changed
                .iter()
                .flat_map(|&file| picked.get(file).into_iter().flatten().cloned())
                .collect(),
        })
        .collect())
}
