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
    #[error("git: {0}")]
    Git(#[from] git2::Error),
}

/// What a tree entry is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind {
    File,
    /// A symbolic link; the blob holds the target path.
    Symlink,
}

/// A blob in a tree, with its path relative to the folder that was listed.
#[derive(Debug, Clone)]
pub struct TreeEntry {
    pub path: String,
    pub kind: EntryKind,
    pub size: u64,
    oid: git2::Oid,
}

/// An opened repository, and where the cabinet root sits inside it.
pub struct GitRepo {
    repo: git2::Repository,
    /// The cabinet root relative to the repository's top, `/`-separated, "" at the top.
    prefix: String,
}

impl GitRepo {
    /// Open the repository that contains `root` (the folder holding cabinet.yaml).
    pub fn discover(root: &Path) -> Result<GitRepo, GitError> {
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

    /// The full commit id a revision names.
    pub fn resolve(&self, rev: &str) -> Result<String, GitError> {
        Ok(self.commit(rev)?.id().to_string())
    }

    fn commit(&self, rev: &str) -> Result<git2::Commit<'_>, GitError> {
        let unknown = || GitError::UnknownRevision {
            rev: rev.to_string(),
        };
        let object = self.repo.revparse_single(rev).map_err(|_| unknown())?;
        object.peel_to_commit().map_err(|_| unknown())
    }

    fn root_tree(&self, rev: &str) -> Result<git2::Tree<'_>, GitError> {
        let tree = self.commit(rev)?.tree()?;
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

    /// Every blob under the cabinet root at `rev`, sorted by path. Sub-trees named in
    /// `skip_dir` (called with the folder's path) are not entered.
    pub fn list(
        &self,
        rev: &str,
        skip_dir: &dyn Fn(&str) -> bool,
    ) -> Result<Vec<TreeEntry>, GitError> {
        let tree = self.root_tree(rev)?;
        let mut out = Vec::new();
        let mut failure = None;
        tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
            let Ok(name) = entry.name() else {
                return git2::TreeWalkResult::Skip;
            };
            let path = format!("{dir}{name}");
            match entry.kind() {
                Some(git2::ObjectType::Tree) => {
                    if skip_dir(&path) {
                        git2::TreeWalkResult::Skip
                    } else {
                        git2::TreeWalkResult::Ok
                    }
                }
                Some(git2::ObjectType::Blob) => {
                    let kind = if entry.filemode() == 0o120000 {
                        EntryKind::Symlink
                    } else {
                        EntryKind::File
                    };
                    let size = match self.repo.odb().and_then(|odb| odb.read_header(entry.id())) {
                        Ok((size, _)) => size as u64,
                        Err(e) => {
                            failure = Some(e);
                            return git2::TreeWalkResult::Abort;
                        }
                    };
                    out.push(TreeEntry {
                        path,
                        kind,
                        size,
                        oid: entry.id(),
                    });
                    git2::TreeWalkResult::Ok
                }
                // Submodules (commits) hold no records of this repository.
                _ => git2::TreeWalkResult::Ok,
            }
        })?;
        if let Some(e) = failure {
            return Err(e.into());
        }
        out.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(out)
    }

    /// The bytes of a blob listed by `list`.
    pub fn read(&self, entry: &TreeEntry) -> Result<Vec<u8>, GitError> {
        Ok(self.repo.find_blob(entry.oid)?.content().to_vec())
    }

    /// The bytes of one file under the cabinet root at `rev`, or `None` if it is absent.
    pub fn read_path(&self, rev: &str, path: &str) -> Result<Option<Vec<u8>>, GitError> {
        let tree = self.root_tree(rev)?;
        let Ok(entry) = tree.get_path(Path::new(path)) else {
            return Ok(None);
        };
        let object = entry.to_object(&self.repo)?;
        Ok(object.as_blob().map(|b| b.content().to_vec()))
    }
}

/// Where the folder `root` sits inside its git work tree (`examples/acme/`), or "" when it is
/// the top or not in a repository. Forges resolve annotation paths from the top.
pub fn worktree_prefix(root: &Path) -> String {
    match GitRepo::discover(root) {
        Ok(repo) if !repo.prefix.is_empty() => format!("{}/", repo.prefix),
        _ => String::new(),
    }
}
