//! Reading records straight from git objects: any revision, no checkout, no temporary files.
//! This is the only module that imports git2.

use std::path::{Path, PathBuf};

/// Why git could not give us what we asked for.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("{path} is not inside a git repository")]
    NotARepository { path: PathBuf },
    #[error("revision `{rev}` does not exist")]
    UnknownRevision { rev: String },
    #[error("`{prefix}` does not exist at revision `{rev}`")]
    MissingPath { rev: String, prefix: String },
    /// The history reachable from a revision is longer than `GitRepo::history` reads.
    #[error("the history of `{rev}` has more than {limit} commits; it is not read")]
    HistoryTooLong { rev: String, limit: usize },
    /// The repository is a shallow clone: the history it holds starts part way.
    #[error("the repository is a shallow clone: the history of `{rev}` is not all there")]
    ShallowHistory { rev: String },
    /// One commit of a history changes more record files than the bound.
    #[error("commit {commit} changes more than {limit} record files; the history is not read")]
    CommitTooLarge { commit: String, limit: usize },
    /// The commits of a history change record files more often, in all, than the bound.
    #[error("the history of `{rev}` changes record files more than {limit} times; it is not read")]
    HistoryTooLarge { rev: String, limit: usize },
    #[error("git: {0}")]
    Git(#[from] git2::Error),
}

/// What a tree entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum EntryKind {
    File,
    /// A symbolic link; the blob holds the target path.
    Symlink,
    /// A folder whose name looks like a record file's (`x.yaml/`): listed so that the reader
    /// can say it is not a file; its contents are listed as usual.
    Folder,
}

/// A blob in a tree, with its path relative to the folder that was listed.
#[derive(Debug, Clone)]
pub(crate) struct TreeEntry {
    /// `/`-separated; a name that is not UTF-8 is shown with replacement characters.
    pub path: String,
    /// Every part of the path is UTF-8 (`path` is then exact).
    pub utf8: bool,
    pub kind: EntryKind,
    oid: git2::Oid,
}

impl TreeEntry {
    /// What the blob holds, by content: two entries with the same id hold the same bytes.
    pub(crate) fn id(&self) -> BlobId {
        BlobId(self.oid)
    }
}

/// The id git gives a blob's content (its hash).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct BlobId(git2::Oid);

impl BlobId {
    /// The id git would give `bytes` as a blob (what `git hash-object` prints).
    pub(crate) fn of(bytes: &[u8]) -> Option<BlobId> {
        git2::Oid::hash_object(git2::ObjectType::Blob, bytes)
            .ok()
            .map(BlobId)
    }
}

/// Reads blobs for one thread (see `GitRepo::read_each`).
pub(crate) struct Blobs<'r> {
    repo: &'r git2::Repository,
}

/// A blob read under a size limit.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Bounded {
    Bytes(Vec<u8>),
    /// Larger than the limit, by its header: not inflated.
    TooLarge(u64),
}

impl Blobs<'_> {
    /// The bytes of a blob, whatever its size: for blobs already trusted (a merged revision).
    pub(crate) fn read(&self, entry: &TreeEntry) -> Result<Vec<u8>, GitError> {
        Ok(self.repo.find_blob(entry.oid)?.content().to_vec())
    }

    /// The bytes of a blob of at most `limit` bytes. The size is read from the object's header
    /// first, so a blob of a gigabyte costs a header read, not a gigabyte of memory.
    pub(crate) fn read_at_most(&self, entry: &TreeEntry, limit: u64) -> Result<Bounded, GitError> {
        read_bounded(self.repo, entry.oid, limit)
    }
}

fn read_bounded(repo: &git2::Repository, oid: git2::Oid, limit: u64) -> Result<Bounded, GitError> {
    let (size, _) = repo.odb()?.read_header(oid)?;
    let size = size as u64;
    if size > limit {
        return Ok(Bounded::TooLarge(size));
    }
    Ok(Bounded::Bytes(repo.find_blob(oid)?.content().to_vec()))
}

/// An opened repository, and where the cabinet root sits inside it.
pub(crate) struct GitRepo {
    repo: git2::Repository,
    /// The cabinet root relative to the repository's top, `/`-separated, "" at the top.
    prefix: String,
}

impl GitRepo {
    /// Open the repository that contains `root` (the folder holding cabinet.yaml).
    pub(crate) fn discover(root: &Path) -> Result<GitRepo, GitError> {
        // libgit2 hashes every object it reads to check it against its id; git itself does not
        // on reads (`git fsck` does). At a hundred thousand blobs that is a tenth of the time
        // spent reading a revision.
        static VERIFY_OFF: std::sync::Once = std::sync::Once::new();
        VERIFY_OFF.call_once(|| git2::opts::strict_hash_verification(false));
        let repo = git2::Repository::discover(root).map_err(|_| GitError::NotARepository {
            path: root.to_path_buf(),
        })?;
        let prefix = match repo.workdir() {
            Some(top) => {
                let top = top.canonicalize().unwrap_or_else(|_| top.to_path_buf());
                let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
                root.strip_prefix(&top)
                    .map(|p| {
                        p.components()
                            .map(|c| c.as_os_str().to_string_lossy().into_owned())
                            .collect::<Vec<_>>()
                            .join("/")
                    })
                    .unwrap_or_default()
            }
            None => String::new(),
        };
        Ok(GitRepo { repo, prefix })
    }

    /// The full commit id a revision names (or the tree id, for a tree such as the one
    /// `stage` writes).
    pub(crate) fn resolve(&self, rev: &str) -> Result<String, GitError> {
        match self.commit(rev) {
            Ok(commit) => Ok(commit.id().to_string()),
            Err(e) => self.tree(rev).map(|t| t.id().to_string()).map_err(|_| e),
        }
    }

    /// Write git's index (what is staged) as a tree, as `git write-tree` does, and give its
    /// id: reading it shows exactly what the next commit would hold. Fails while a merge
    /// conflict is unresolved.
    pub(crate) fn stage(&self) -> Result<String, GitError> {
        Ok(self.repo.index()?.write_tree()?.to_string())
    }

    /// The tree a revision names: a commit's, or a tree itself.
    fn tree(&self, rev: &str) -> Result<git2::Tree<'_>, GitError> {
        let unknown = || GitError::UnknownRevision {
            rev: rev.to_string(),
        };
        let object = self.repo.revparse_single(rev).map_err(|_| unknown())?;
        object.peel_to_tree().map_err(|_| unknown())
    }

    fn commit(&self, rev: &str) -> Result<git2::Commit<'_>, GitError> {
        let unknown = || GitError::UnknownRevision {
            rev: rev.to_string(),
        };
        let object = self.repo.revparse_single(rev).map_err(|_| unknown())?;
        object.peel_to_commit().map_err(|_| unknown())
    }

    fn root_tree(&self, rev: &str) -> Result<git2::Tree<'_>, GitError> {
        let tree = self.tree(rev)?;
        if self.prefix.is_empty() {
            return Ok(tree);
        }
        let entry = tree
            .get_path(Path::new(&self.prefix))
            .map_err(|_| GitError::MissingPath {
                rev: rev.to_string(),
                prefix: self.prefix.clone(),
            })?;
        let object = entry.to_object(&self.repo)?;
        object.peel_to_tree().map_err(|_| GitError::MissingPath {
            rev: rev.to_string(),
            prefix: self.prefix.clone(),
        })
    }

    /// Every blob under the cabinet root at `rev`, sorted by path, and every folder named like
    /// a record file. Sub-trees named in `skip_dir` (called with the folder's path) are not
    /// entered. Names are read as bytes: one that is not UTF-8 is listed (with `utf8` false),
    /// never dropped, so that the reader can say so, as it does for the working tree.
    pub(crate) fn list(
        &self,
        rev: &str,
        skip_dir: &dyn Fn(&str) -> bool,
    ) -> Result<Vec<TreeEntry>, GitError> {
        let mut out = Vec::new();
        let mut stack = vec![(self.root_tree(rev)?, String::new(), true)];
        while let Some((tree, dir, dir_utf8)) = stack.pop() {
            for entry in tree.iter() {
                let name = entry.name_bytes();
                let utf8 = dir_utf8 && std::str::from_utf8(name).is_ok();
                let path = format!("{dir}{}", String::from_utf8_lossy(name));
                match entry.kind() {
                    Some(git2::ObjectType::Tree) => {
                        if skip_dir(&path) {
                            continue;
                        }
                        if is_record_name(name) {
                            out.push(TreeEntry {
                                path: path.clone(),
                                utf8,
                                kind: EntryKind::Folder,
                                oid: entry.id(),
                            });
                        }
                        let sub = entry.to_object(&self.repo)?.peel_to_tree()?;
                        stack.push((sub, format!("{path}/"), utf8));
                    }
                    Some(git2::ObjectType::Blob) => {
                        let kind = if entry.filemode() == 0o120000 {
                            EntryKind::Symlink
                        } else {
                            EntryKind::File
                        };
                        out.push(TreeEntry {
                            path,
                            utf8,
                            kind,
                            oid: entry.id(),
                        });
                    }
                    // Submodules (commits) hold no records of this repository: git does not
                    // track their files here, and neither does the working tree's reading.
                    _ => {}
                }
            }
        }
        out.sort_unstable_by(|a, b| a.path.cmp(&b.path));
        Ok(out)
    }

    /// Hand every entry to `each` on every core, in order, with a way to read its blob:
    /// inflating a hundred thousand blobs (or even reading their headers) on one thread is a
    /// good part of reading a revision. A repository handle cannot be shared between threads,
    /// so each thread opens its own.
    pub(crate) fn read_each<T: Send, R: Send>(
        &self,
        entries: Vec<T>,
        each: impl Fn(T, &Blobs<'_>) -> R + Sync + Send,
    ) -> Result<Vec<R>, GitError> {
        use rayon::prelude::*;
        let path = self.repo.path().to_path_buf();
        entries
            .into_par_iter()
            .map_init(
                || git2::Repository::open(&path),
                |repo, entry| {
                    let repo = repo.as_ref().map_err(|e| {
                        GitError::Git(git2::Error::from_str(&format!(
                            "cannot open {}: {}",
                            path.display(),
                            e.message()
                        )))
                    })?;
                    Ok(each(entry, &Blobs { repo }))
                },
            )
            .collect()
    }

    /// The bytes of one file under the cabinet root at `rev` (at most `limit` of them), or
    /// `None` if it is absent or not a file.
    pub(crate) fn read_path(
        &self,
        rev: &str,
        path: &str,
        limit: u64,
    ) -> Result<Option<Bounded>, GitError> {
        let tree = self.root_tree(rev)?;
        let Ok(entry) = tree.get_path(Path::new(path)) else {
            return Ok(None);
        };
        if entry.kind() != Some(git2::ObjectType::Blob) {
            return Ok(None);
        }
        read_bounded(&self.repo, entry.id(), limit).map(Some)
    }

    /// The files git tracks (its index) under the cabinet root, relative to it, sorted:
    /// what the working tree holds beyond what `.gitignore` lets a walk see. Submodules are
    /// left out, as in a revision.
    pub(crate) fn tracked(&self) -> Result<Vec<TrackedFile>, GitError> {
        let index = self.repo.index()?;
        let prefix = if self.prefix.is_empty() {
            String::new()
        } else {
            format!("{}/", self.prefix)
        };
        let mut out: Vec<TrackedFile> = index
            .iter()
            .filter(|e| e.mode & 0o170000 != 0o160000)
            .filter_map(|e| {
                let rel = e.path.strip_prefix(prefix.as_bytes())?;
                Some(TrackedFile {
                    path: String::from_utf8_lossy(rel).into_owned(),
                    utf8: std::str::from_utf8(rel).is_ok(),
                    raw: rel.to_vec(),
                })
            })
            .collect();
        out.sort_unstable_by(|a, b| a.raw.cmp(&b.raw));
        // A path in conflict is in the index once per side.
        out.dedup_by(|a, b| a.raw == b.raw);
        Ok(out)
    }

    /// The folder at the top of the working tree, if the repository has one.
    pub(crate) fn workdir(&self) -> Option<&Path> {
        self.repo.workdir()
    }
}

impl GitRepo {
    /// Every path (from the top of the repository) that differs between two revisions'
    /// trees, renames counted by both names; sorted.
    pub(crate) fn changed_paths(&self, from: &str, to: &str) -> Result<Vec<String>, GitError> {
        let a = self.commit(from)?.tree()?;
        let b = self.commit(to)?.tree()?;
        let diff = self.repo.diff_tree_to_tree(Some(&a), Some(&b), None)?;
        let mut out = Vec::new();
        for delta in diff.deltas() {
            for file in [delta.old_file(), delta.new_file()] {
                if let Some(p) = file.path().and_then(|p| p.to_str()) {
                    out.push(p.replace('\\', "/"));
                }
            }
        }
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// The blob ids of `paths` (from the top of the repository) at `rev`: `None` for a path
    /// that does not exist there. `Err(UnknownRevision)` when the commit is not in the
    /// repository (for example after a force-push and garbage collection).
    pub(crate) fn blob_ids(
        &self,
        rev: &str,
        paths: &[String],
    ) -> Result<Vec<Option<String>>, GitError> {
        let tree = self.commit(rev)?.tree()?;
        Ok(paths
            .iter()
            .map(|p| tree.get_path(Path::new(p)).ok().map(|e| e.id().to_string()))
            .collect())
    }

    /// The cabinet root's folder inside the repository ("" at the top).
    pub(crate) fn prefix(&self) -> &str {
        &self.prefix
    }
}

/// One commit that touched a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FileCommit {
    pub sha: String,
    /// The author's time, seconds since the epoch (UTC).
    pub time: i64,
    pub author: String,
    /// The first line of the message.
    pub subject: String,
}

impl GitRepo {
    /// For every file under the cabinet root, the commits reachable from `rev` that changed
    /// it (added, edited or deleted it), newest first, at most `per_file` each. Merge commits
    /// are left out, as `git log --no-merges` does: what they bring in is listed under the
    /// commits that made it. One walk over history compares each commit's tree of the root
    /// folder with its parent's, and skips the commits that left that folder untouched.
    pub(crate) fn file_histories(
        &self,
        rev: &str,
        per_file: usize,
    ) -> Result<std::collections::HashMap<String, Vec<FileCommit>>, GitError> {
        let start = self.commit(rev)?;
        let mut walk = self.repo.revwalk()?;
        walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::TIME)?;
        walk.push(start.id())?;
        let mut out: std::collections::HashMap<String, Vec<FileCommit>> =
            std::collections::HashMap::new();
        for oid in walk {
            let commit = self.repo.find_commit(oid?)?;
            if commit.parent_count() > 1 {
                continue;
            }
            let tree = self.subtree(&commit)?;
            let parent = match commit.parent(0) {
                Ok(p) => self.subtree(&p)?,
                Err(_) => None,
            };
            if tree.as_ref().map(git2::Tree::id) == parent.as_ref().map(git2::Tree::id) {
                continue;
            }
            let diff = self
                .repo
                .diff_tree_to_tree(parent.as_ref(), tree.as_ref(), None)?;
            let author = commit.author();
            let entry = FileCommit {
                sha: commit.id().to_string(),
                time: author.when().seconds(),
                author: String::from_utf8_lossy(author.name_bytes()).into_owned(),
                subject: String::from_utf8_lossy(commit.summary_bytes().unwrap_or_default())
                    .into_owned(),
            };
            for delta in diff.deltas() {
                let file = delta.new_file().path().or_else(|| delta.old_file().path());
                let Some(path) = file.and_then(Path::to_str) else {
                    continue;
                };
                let list = out.entry(path.to_string()).or_default();
                if list.len() < per_file {
                    list.push(entry.clone());
                }
            }
        }
        Ok(out)
    }

    /// The tree of the cabinet root in `commit`, if the folder existed then.
    fn subtree<'a>(
        &'a self,
        commit: &git2::Commit<'a>,
    ) -> Result<Option<git2::Tree<'a>>, GitError> {
        let tree = commit.tree()?;
        if self.prefix.is_empty() {
            return Ok(Some(tree));
        }
        let Ok(entry) = tree.get_path(Path::new(&self.prefix)) else {
            return Ok(None);
        };
        Ok(entry.to_object(&self.repo)?.into_tree().ok())
    }
}

/// A file in git's index, relative to the cabinet root.
#[derive(Debug, Clone)]
pub(crate) struct TrackedFile {
    /// `/`-separated; a name that is not UTF-8 is shown with replacement characters.
    pub path: String,
    pub utf8: bool,
    /// The path's bytes as git holds them.
    pub raw: Vec<u8>,
}

/// `x.yaml` or `x.yml`: the names read as records.
pub(crate) fn is_record_name(name: &[u8]) -> bool {
    name.ends_with(b".yaml") || name.ends_with(b".yml")
}

/// Where the folder `root` sits inside its git work tree (`examples/acme/`), or "" when it is
/// the top or not in a repository. Forges resolve annotation paths from the top.
pub(crate) fn worktree_prefix(root: &Path) -> String {
    match GitRepo::discover(root) {
        Ok(repo) if !repo.prefix.is_empty() => format!("{}/", repo.prefix),
        _ => String::new(),
    }
}

/// One commit of `base..head`, as the approval rules need it: who wrote and committed it (by
/// e-mail, as git records them) and the people its message names as co-authors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PullCommit {
    pub sha: String,
    pub author_email: String,
    pub committer_email: String,
    /// Every line of the message that starts (after blanks) with `Co-authored-by:` in any
    /// case, trimmed: wherever it stands, so that no placement hides a co-author.
    pub co_author_lines: Vec<String>,
}

/// At most this many commits in `base..head` (GitHub lists at most 250 for a pull request).
pub(crate) const MAX_PULL_COMMITS: usize = 10_000;
/// At most this many `Co-authored-by:` lines over all of them.
pub(crate) const MAX_CO_AUTHOR_LINES: usize = 10_000;

impl GitRepo {
    /// The commits reachable from `head` and not from `base` (`git log base..head`, merges
    /// included), oldest first. More than `MAX_PULL_COMMITS` commits, or more than
    /// `MAX_CO_AUTHOR_LINES` co-author lines, is an error: never a part of the list.
    pub(crate) fn pull_commits(&self, base: &str, head: &str) -> Result<Vec<PullCommit>, GitError> {
        let base = self.commit(base)?.id();
        let head = self.commit(head)?.id();
        let mut walk = self.repo.revwalk()?;
        walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)?;
        walk.push(head)?;
        walk.hide(base)?;
        let mut out = Vec::new();
        let mut lines = 0usize;
        for oid in walk {
            if out.len() == MAX_PULL_COMMITS {
                return Err(GitError::Git(git2::Error::from_str(&format!(
                    "more than {MAX_PULL_COMMITS} commits between the base and the head"
                ))));
            }
            let commit = self.repo.find_commit(oid?)?;
            let email =
                |s: git2::Signature<'_>| String::from_utf8_lossy(s.email_bytes()).into_owned();
            let co_author_lines: Vec<String> = String::from_utf8_lossy(commit.message_bytes())
                .lines()
                .map(str::trim)
                .filter(|l| {
                    l.get(..15)
                        .is_some_and(|k| k.eq_ignore_ascii_case("co-authored-by:"))
                })
                .map(str::to_string)
                .collect();
            lines += co_author_lines.len();
            if lines > MAX_CO_AUTHOR_LINES {
                return Err(GitError::Git(git2::Error::from_str(&format!(
                    "more than {MAX_CO_AUTHOR_LINES} co-author lines between the base and the head"
                ))));
            }
            out.push(PullCommit {
                sha: commit.id().to_string(),
                author_email: email(commit.author()),
                committer_email: email(commit.committer()),
                co_author_lines,
            });
        }
        Ok(out)
    }
}

/// At most this many commits in a history read whole (`GitRepo::history`): a long life of a
/// busy repository is tens of thousands.
pub(crate) const MAX_HISTORY_COMMITS: usize = 1_000_000;
/// At most this many record files changed, summed over the commits of a history read whole.
pub(crate) const MAX_HISTORY_CHANGES: usize = 10_000_000;

/// What the commits of a history changed under the cabinet root (`GitRepo::history`).
#[derive(Debug)]
pub(crate) struct History {
    /// Oldest first; only the commits that added or changed a file that was asked for.
    pub commits: Vec<HistoryCommit>,
    /// Every file some commit added or changed, once per content (and kind): read each once,
    /// whatever number of commits and paths hold it. The path is the first it was met at.
    pub files: Vec<TreeEntry>,
}

/// One commit of a `History`.
#[derive(Debug)]
pub(crate) struct HistoryCommit {
    oid: git2::Oid,
    /// The committer's time, seconds since the epoch (UTC).
    pub time: i64,
    /// What it added or changed, as indices into `History::files`.
    pub changed: Vec<usize>,
}

impl HistoryCommit {
    /// The commit's full id.
    pub(crate) fn id(&self) -> String {
        self.oid.to_string()
    }
}

/// git's order of the entries of a tree: by name, a folder's as if it ended in `/`. Walking
/// two trees side by side needs it, since `a` (a file) sorts before `a-b` but `a/` after.
fn tree_order(a: &[u8], a_tree: bool, b: &[u8], b_tree: bool) -> std::cmp::Ordering {
    let common = a.len().min(b.len());
    a[..common].cmp(&b[..common]).then_with(|| {
        let next = |name: &[u8], tree: bool| {
            name.get(common)
                .copied()
                .unwrap_or(if tree { b'/' } else { 0 })
        };
        next(a, a_tree).cmp(&next(b, b_tree))
    })
}

/// One entry of a tree object as git stores it: `MODE SP NAME NUL OID`.
struct RawEntry<'a> {
    mode: u32,
    name: &'a [u8],
    oid: &'a [u8],
}

impl RawEntry<'_> {
    fn is_tree(&self) -> bool {
        self.mode & 0o170000 == 0o040000
    }

    fn oid(&self) -> Result<git2::Oid, GitError> {
        Ok(git2::Oid::from_bytes(self.oid)?)
    }
}

/// The entries of a tree object, read from its bytes: the history walk reads tens of
/// thousands of trees, and libgit2's parse of each (every entry's mode as a number, its name
/// measured, an array built) was most of its time. A malformed tree is an error.
struct RawEntries<'a> {
    rest: &'a [u8],
    id: git2::Oid,
}

impl<'a> Iterator for RawEntries<'a> {
    type Item = Result<RawEntry<'a>, GitError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let entry = (|| {
            let space = self.rest.iter().position(|&b| b == b' ')?;
            let (mode, after) = (&self.rest[..space], &self.rest[space + 1..]);
            let nul = after.iter().position(|&b| b == 0)?;
            let (name, after) = (&after[..nul], &after[nul + 1..]);
            let oid = after.get(..20)?;
            // At most seven octal digits (git writes five or six).
            if mode.is_empty() || mode.len() > 7 || name.is_empty() {
                return None;
            }
            let mut value = 0u32;
            for &d in mode {
                if !(b'0'..=b'7').contains(&d) {
                    return None;
                }
                value = value * 8 + u32::from(d - b'0');
            }
            self.rest = &after[20..];
            Some(RawEntry {
                mode: value,
                name,
                oid,
            })
        })();
        match entry {
            Some(e) => Some(Ok(e)),
            None => {
                self.rest = &[];
                Some(Err(GitError::Git(git2::Error::from_str(&format!(
                    "tree {} is malformed",
                    self.id
                )))))
            }
        }
    }
}

/// The raw trees a history walk read last: a commit's tree is its child's parent's tree, so
/// most are asked for twice in a row.
struct RecentTrees<'o> {
    odb: &'o git2::Odb<'o>,
    recent: std::collections::VecDeque<std::rc::Rc<git2::OdbObject<'o>>>,
}

impl<'o> RecentTrees<'o> {
    const KEPT: usize = 64;

    fn get(&mut self, id: git2::Oid) -> Result<std::rc::Rc<git2::OdbObject<'o>>, GitError> {
        if let Some(tree) = self.recent.iter().find(|t| t.id() == id) {
            return Ok(tree.clone());
        }
        let object = self.odb.read(id)?;
        if object.kind() != git2::ObjectType::Tree {
            return Err(GitError::Git(git2::Error::from_str(&format!(
                "{id} is not a tree"
            ))));
        }
        let tree = std::rc::Rc::new(object);
        if self.recent.len() == Self::KEPT {
            self.recent.pop_front();
        }
        self.recent.push_back(tree.clone());
        Ok(tree)
    }

    /// The folder at `prefix` (`/`-separated, "" for the tree itself) in tree `id`, if it is
    /// one.
    fn folder(&mut self, id: git2::Oid, prefix: &str) -> Result<Option<git2::Oid>, GitError> {
        let mut at = id;
        for part in prefix.split('/').filter(|p| !p.is_empty()) {
            let tree = self.get(at)?;
            let mut found = None;
            for entry in entries(&tree) {
                let entry = entry?;
                if entry.name == part.as_bytes() {
                    found = entry.is_tree().then(|| entry.oid()).transpose()?;
                    break;
                }
            }
            match found {
                Some(next) => at = next,
                None => return Ok(None),
            }
        }
        Ok(Some(at))
    }
}

fn entries<'a>(tree: &'a git2::OdbObject<'_>) -> RawEntries<'a> {
    RawEntries {
        rest: tree.data(),
        id: tree.id(),
    }
}

impl GitRepo {
    /// Every commit reachable from `commit` (merged branches included), oldest first, with its
    /// committer time and the regular files and links under the cabinet root that it added or
    /// changed against its first parent (the first commit against nothing). Deletions are
    /// not listed. Sub-trees named in `skip_dir` are not entered, files not named in `keep`
    /// not listed, exactly as `list` walks one revision.
    ///
    /// A shallow clone is an error: its oldest commits would seem to add every file they hold.
    ///
    /// Bounded: more than `MAX_HISTORY_COMMITS` commits, more than `per_commit` files changed
    /// by one commit or more than `MAX_HISTORY_CHANGES` in all is an error, never a part.
    /// The walk is git's default (newest first, no topological sort, which would read the
    /// whole graph before the first commit), so the bound stops it early.
    /// `rev` is what `commit` was named by, for the errors.
    pub(crate) fn history(
        &self,
        rev: &str,
        commit: &str,
        per_commit: usize,
        skip_dir: &dyn Fn(&str) -> bool,
        keep: &dyn Fn(&str) -> bool,
    ) -> Result<History, GitError> {
        let start = self.commit(commit)?;
        if self.repo.is_shallow() {
            return Err(GitError::ShallowHistory {
                rev: rev.to_string(),
            });
        }
        let mut walk = self.repo.revwalk()?;
        walk.push(start.id())?;
        let mut oids = Vec::new();
        for oid in walk {
            if oids.len() == MAX_HISTORY_COMMITS {
                return Err(GitError::HistoryTooLong {
                    rev: rev.to_string(),
                    limit: MAX_HISTORY_COMMITS,
                });
            }
            oids.push(oid?);
        }
        let odb = self.repo.odb()?;
        let mut trees = RecentTrees {
            odb: &odb,
            recent: std::collections::VecDeque::new(),
        };
        let mut history = History {
            commits: Vec::new(),
            files: Vec::new(),
        };
        let mut known: std::collections::HashMap<(git2::Oid, EntryKind, bool), usize> =
            std::collections::HashMap::new();
        let mut total = 0usize;
        for oid in oids.into_iter().rev() {
            let commit = self.repo.find_commit(oid)?;
            let Some(tree) = trees.folder(commit.tree_id(), &self.prefix)? else {
                continue;
            };
            let parent = match commit.parent_ids().next() {
                Some(id) => trees.folder(self.repo.find_commit(id)?.tree_id(), &self.prefix)?,
                None => None,
            };
            if parent == Some(tree) {
                continue;
            }
            let mut changed = Vec::new();
            changed_files(&mut trees, parent, tree, skip_dir, keep, &mut |entry| {
                if changed.len() == per_commit {
                    return Err(GitError::CommitTooLarge {
                        commit: oid.to_string(),
                        limit: per_commit,
                    });
                }
                total += 1;
                if total > MAX_HISTORY_CHANGES {
                    return Err(GitError::HistoryTooLarge {
                        rev: rev.to_string(),
                        limit: MAX_HISTORY_CHANGES,
                    });
                }
                let next = history.files.len();
                let at = *known
                    .entry((entry.oid, entry.kind, entry.utf8))
                    .or_insert(next);
                if at == next {
                    history.files.push(entry);
                }
                changed.push(at);
                Ok(())
            })?;
            if !changed.is_empty() {
                history.commits.push(HistoryCommit {
                    oid,
                    time: commit.committer().when().seconds(),
                    changed,
                });
            }
        }
        Ok(history)
    }
}

/// A tree's entries read one at a time, with the bytes from the current one on.
struct Cursor<'a> {
    entries: RawEntries<'a>,
    /// The bytes of `current` and of every entry after it.
    left: &'a [u8],
    current: Option<RawEntry<'a>>,
}

impl<'a> Cursor<'a> {
    fn new(bytes: &'a [u8], id: git2::Oid) -> Result<Cursor<'a>, GitError> {
        let mut cursor = Cursor {
            entries: RawEntries { rest: bytes, id },
            left: bytes,
            current: None,
        };
        cursor.advance()?;
        Ok(cursor)
    }

    fn advance(&mut self) -> Result<(), GitError> {
        self.left = self.entries.rest;
        self.current = self.entries.next().transpose()?;
        Ok(())
    }
}

/// How far the bytes of two trees hold the same entries: the end of the last entry that
/// lies whole in their common beginning (the same bytes from the start read as the same
/// entries). A folder of thousands of records that a commit changed one of is then compared
/// by `memcmp` up to that record, not entry by entry.
fn same_entries_before(old: &[u8], new: &[u8]) -> usize {
    let most = old.len().min(new.len());
    let mut common = 0;
    while common + 64 <= most && old[common..common + 64] == new[common..common + 64] {
        common += 64;
    }
    while common < most && old[common] == new[common] {
        common += 1;
    }
    let mut at = 0;
    // An entry ends 20 bytes (its id) after the NUL that ends its name.
    while let Some(nul) = new[at..common].iter().position(|&b| b == 0) {
        let end = at + nul + 21;
        if end > common {
            break;
        }
        at = end;
    }
    at
}

/// After this many comparisons of what is left of two trees of the same length that turned
/// out different, the walk stops comparing (it stays right, only slower): a tree with
/// changes all over costs no more than twice its bytes in comparisons.
const SAME_REST_CHECKS: usize = 16;

/// Hand `each` every file and link of tree `new` (paths relative to it) that tree `old` does
/// not hold with the same content: the two side by side in git's order, entering only the
/// sub-trees that differ, and skipping the beginning and the end that their bytes share.
fn changed_files(
    trees: &mut RecentTrees<'_>,
    old: Option<git2::Oid>,
    new: git2::Oid,
    skip_dir: &dyn Fn(&str) -> bool,
    keep: &dyn Fn(&str) -> bool,
    each: &mut dyn FnMut(TreeEntry) -> Result<(), GitError>,
) -> Result<(), GitError> {
    let mut stack = vec![(old, new, String::new(), true)];
    while let Some((old_id, new_id, dir, dir_utf8)) = stack.pop() {
        let old = old_id.map(|id| trees.get(id)).transpose()?;
        let new = trees.get(new_id)?;
        let old_bytes = old.as_deref().map_or(&[][..], git2::OdbObject::data);
        let start = same_entries_before(old_bytes, new.data());
        let mut before = Cursor::new(&old_bytes[start..], old_id.unwrap_or(new_id))?;
        let mut after = Cursor::new(&new.data()[start..], new_id)?;
        let mut checks = 0;
        let mut changed = false;
        loop {
            // Past a change, what is left of both may be the same bytes: nothing else changed.
            if changed && before.left.len() == after.left.len() && checks < SAME_REST_CHECKS {
                checks += 1;
                if before.left == after.left {
                    break;
                }
            }
            let Some(entry) = after.current.take() else {
                break;
            };
            after.advance()?;
            let is_tree = entry.is_tree();
            let order = |p: &RawEntry<'_>| tree_order(p.name, p.is_tree(), entry.name, is_tree);
            // Skip what `old` holds before this name, then see whether it holds this one.
            let mut deleted = false;
            while before
                .current
                .as_ref()
                .is_some_and(|p| order(p) == std::cmp::Ordering::Less)
            {
                before.advance()?;
                deleted = true;
            }
            let same = match before.current.take() {
                Some(p) if order(&p) == std::cmp::Ordering::Equal => {
                    before.advance()?;
                    Some(p)
                }
                other => {
                    before.current = other;
                    None
                }
            };
            let same_content = same.as_ref().is_some_and(|s| s.oid == entry.oid);
            changed = deleted || !same_content;
            if same_content {
                continue;
            }
            let utf8 = dir_utf8 && std::str::from_utf8(entry.name).is_ok();
            let path = format!("{dir}{}", String::from_utf8_lossy(entry.name));
            match entry.mode & 0o170000 {
                0o040000 => {
                    if skip_dir(&path) {
                        continue;
                    }
                    let prior = same.map(|s| s.oid()).transpose()?;
                    stack.push((prior, entry.oid()?, format!("{path}/"), utf8));
                }
                // Submodules hold no records of this repository (see `list`).
                0o160000 => {}
                _ if keep(&path) => {
                    let kind = if entry.mode == 0o120000 {
                        EntryKind::Symlink
                    } else {
                        EntryKind::File
                    };
                    each(TreeEntry {
                        path,
                        utf8,
                        kind,
                        oid: entry.oid()?,
                    })?;
                }
                _ => {}
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering::*;

    #[test]
    fn tree_order_is_gits_a_folder_sorting_as_if_its_name_ended_in_a_slash() {
        // git sorts `a` (file) < `a-b` < `a` (folder, as `a/`) < `a0`.
        let order = [
            ("a", false),
            ("a-b", false),
            ("a", true),
            ("a0", true),
            ("b", false),
        ];
        for (i, (a, a_tree)) in order.iter().enumerate() {
            for (j, (b, b_tree)) in order.iter().enumerate() {
                assert_eq!(
                    tree_order(a.as_bytes(), *a_tree, b.as_bytes(), *b_tree),
                    i.cmp(&j),
                    "{a} ({a_tree}) against {b} ({b_tree})"
                );
            }
        }
        assert_eq!(tree_order(b"ab", false, b"a", true), Greater);
        assert_eq!(tree_order(b"a.yaml", false, b"a", true), Less);
    }

    fn raw(entries: &[(&str, &str)]) -> Vec<u8> {
        let mut bytes = Vec::new();
        for (mode, name) in entries {
            bytes.extend_from_slice(format!("{mode} {name}\0").as_bytes());
            bytes.extend_from_slice(&[7u8; 20]);
        }
        bytes
    }

    fn read(bytes: &[u8]) -> Vec<Result<(u32, String), String>> {
        RawEntries {
            rest: bytes,
            id: git2::Oid::ZERO_SHA1,
        }
        .map(|e| {
            e.map(|e| (e.mode, String::from_utf8_lossy(e.name).into_owned()))
                .map_err(|e| e.to_string())
        })
        .collect()
    }

    #[test]
    fn the_entries_two_trees_share_from_the_start_end_where_an_entry_differs() {
        let id = |n: u8| {
            let mut oid = [n; 20];
            // Ids hold any byte, NUL and space too.
            oid[3] = 0;
            oid[9] = b' ';
            oid
        };
        let tree = |entries: &[(&str, [u8; 20])]| {
            let mut bytes = Vec::new();
            for (name, oid) in entries {
                bytes.extend_from_slice(format!("100644 {name}\0").as_bytes());
                bytes.extend_from_slice(oid);
            }
            bytes
        };
        let (a, b, c, d) = (id(1), id(2), id(3), id(4));
        let old = tree(&[("a.yaml", a), ("b.yaml", b), ("c.yaml", c)]);
        let one = tree(&[("a.yaml", a)]).len();
        let two = tree(&[("a.yaml", a), ("b.yaml", b)]).len();
        let changed = tree(&[("a.yaml", a), ("b.yaml", d), ("c.yaml", c)]);
        let added = tree(&[("a.yaml", a), ("b.yaml", b), ("bb.yaml", d), ("c.yaml", c)]);
        let deleted = tree(&[("a.yaml", a), ("c.yaml", c)]);
        assert_eq!(same_entries_before(&old, &changed), one);
        assert_eq!(same_entries_before(&old, &added), two);
        assert_eq!(same_entries_before(&old, &deleted), one);
        assert_eq!(same_entries_before(&old, &old), old.len());
        assert_eq!(same_entries_before(&[], &old), 0);
        // An id that differs in its last byte: its entry is not shared.
        let mut other = c;
        other[19] = 9;
        let last = tree(&[("a.yaml", a), ("b.yaml", b), ("c.yaml", other)]);
        assert_eq!(same_entries_before(&old, &last), two);
    }

    #[test]
    fn a_tree_is_read_entry_by_entry_from_its_bytes() {
        let bytes = raw(&[("100644", "a.yaml"), ("40000", "b"), ("120000", "c")]);
        assert_eq!(
            read(&bytes),
            [
                Ok((0o100644, "a.yaml".to_string())),
                Ok((0o40000, "b".to_string())),
                Ok((0o120000, "c".to_string())),
            ]
        );
    }

    #[test]
    fn a_malformed_tree_is_an_error_after_its_good_entries_and_nothing_after() {
        let good = raw(&[("100644", "a.yaml")]);
        let malformed_tree = "git: tree 0000000000000000000000000000000000000000 is malformed";
        for bad in [
            raw(&[("1006x4", "b")]),
            raw(&[("", "b")]),
            raw(&[("10064400", "b")]),
            raw(&[("100644", "")]),
            b"100644 b".to_vec(),
            b"100644 b\0short".to_vec(),
        ] {
            let bytes = [good.clone(), bad.clone()].concat();
            assert_eq!(
                read(&bytes),
                [
                    Ok((0o100644, "a.yaml".to_string())),
                    Err(malformed_tree.to_string())
                ],
                "{}",
                String::from_utf8_lossy(&bad)
            );
        }
    }

    /// A tree of files, each `(path, content)`; a name that is both a file and a folder is a
    /// folder.
    fn build(repo: &git2::Repository, files: &[(Vec<&str>, u8)]) -> git2::Oid {
        let mut builder = repo.treebuilder(None).unwrap();
        let mut folders: std::collections::BTreeMap<&str, Vec<(Vec<&str>, u8)>> =
            std::collections::BTreeMap::new();
        for (path, content) in files {
            if path.len() > 1 {
                folders
                    .entry(path[0])
                    .or_default()
                    .push((path[1..].to_vec(), *content));
            }
        }
        for (path, content) in files {
            if path.len() == 1 && !folders.contains_key(path[0]) {
                let blob = repo
                    .blob(format!("content {content}\n").as_bytes())
                    .unwrap();
                builder.insert(path[0], blob, 0o100644).unwrap();
            }
        }
        for (name, inside) in &folders {
            builder.insert(name, build(repo, inside), 0o040000).unwrap();
        }
        builder.write().unwrap()
    }

    fn files() -> impl proptest::strategy::Strategy<Value = Vec<(Vec<&'static str>, u8)>> {
        use proptest::prelude::*;
        // Names that sort differently as files and as folders.
        let name = prop::sample::select(vec!["a", "a-b", "a.yaml", "a0", "b"]);
        prop::collection::vec((prop::collection::vec(name, 1..4), 0u8..3), 0..14)
    }

    proptest::proptest! {
        /// What the walk finds is what libgit2's diff of the two trees adds or modifies,
        /// whatever the two share at their beginning and end.
        #[test]
        fn changed_files_are_what_a_diff_of_the_trees_adds_or_modifies(
            old in files(),
            new in files(),
            first in proptest::bool::weighted(0.2),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let repo = git2::Repository::init(dir.path()).unwrap();
            let new_id = build(&repo, &new);
            let old_id = (!first).then(|| build(&repo, &old));
            let odb = repo.odb().unwrap();
            let mut trees = RecentTrees {
                odb: &odb,
                recent: std::collections::VecDeque::new(),
            };
            let mut found = std::collections::BTreeSet::new();
            changed_files(&mut trees, old_id, new_id, &|_| false, &|_| true, &mut |e| {
                found.insert((e.path, e.oid));
                Ok(())
            })
            .unwrap();
            let old_tree = old_id.map(|id| repo.find_tree(id).unwrap());
            let new_tree = repo.find_tree(new_id).unwrap();
            let diff = repo
                .diff_tree_to_tree(old_tree.as_ref(), Some(&new_tree), None)
                .unwrap();
            let expected: std::collections::BTreeSet<(String, git2::Oid)> = diff
                .deltas()
                .filter(|d| d.status() != git2::Delta::Deleted)
                .map(|d| {
                    let file = d.new_file();
                    (file.path().unwrap().to_str().unwrap().to_string(), file.id())
                })
                .collect();
            proptest::prop_assert_eq!(found, expected);
        }
    }
}
