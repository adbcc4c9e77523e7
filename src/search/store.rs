//! The index folder (`--index-dir`): the key that names an index, opening and checking a kept
//! index, building in a staging folder, publishing it, and removing other versions.
//!
//! Layout: `DIR/index-<key>/` holds one complete index (tantivy's files and a key file); an index
//! is built in `DIR/.building-<pid>-<n>/` and renamed into place only once it is committed, merged
//! and its key file written (to a temporary name, synced, then renamed), so a folder named
//! `index-<key>` with a matching key file is always whole: a crash or a full disk mid-build leaves
//! a staging folder that is never opened, and is removed by the next successful build.
//!
//! One folder per key, rather than one index rewritten in place, because a reload (`--watch`)
//! builds the new index while the old one is still being served from its memory maps: the new
//! version gets its own folder and the old one is removed only when the new one is complete. On
//! Linux removing files that are still mapped is safe (they stay readable until unmapped), so the
//! old snapshot keeps answering until it is swapped out; where removal fails (Windows) it is logged
//! and retried by the next build. Only names this code creates (`index-…`, `.building-…`) are ever
//! removed, so pointing `--index-dir` at a folder with other files in it loses nothing. An index
//! folder belongs to one server: two servers building into the same folder at once may remove each
//! other's staging folder (the loser falls back to an index in RAM).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use sha2::{Digest, Sha256};
use tantivy::directory::MmapDirectory;
use tantivy::{Index, IndexSettings};

use super::documents::add_site;
use super::index::SearchIndex;
use super::schema::{INDEX_FORMAT, register_analyzers, schema};
use super::types::{IndexOrigin, SearchError};
use super::writer::write_documents;
use crate::content::Site;
use crate::digest::build_id;

/// Identifies exactly what an index holds: a SHA-256 over [`INDEX_FORMAT`], the tantivy version,
/// the schema, the running program ([`build_id`]) and the content ([`Site::source_digest`]). Equal
/// keys mean an index built earlier, by this very program from this very content, can be served as
/// is; any content edit, and any new build of the program, gives a new key. Computing it touches no
/// article text, so deciding to reuse an index stays cheap however large the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IndexKey([u8; 32]);

impl IndexKey {
    /// The key of the index of `site`.
    pub(crate) fn of(site: &Site) -> IndexKey {
        let (schema, _) = schema();
        let mut hasher = Sha256::new();
        let version = tantivy::version_string();
        let schema = serde_json::to_vec(&schema).unwrap_or_default();
        hasher.update(b"helpcenter search index\0");
        hasher.update(INDEX_FORMAT.to_le_bytes());
        for part in [version.as_bytes(), &schema, build_id(), &site.source_digest] {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part);
        }
        IndexKey(hasher.finalize().into())
    }

    /// The key as 64 lower-case hex digits (names the index's folder and fills its key file).
    pub(crate) fn hex(&self) -> String {
        crate::digest::hex(&self.0)
    }
}

/// The file, inside an index's folder, that says which key the index was built for; written last.
pub(crate) const KEY_FILE: &str = "helpcenter-index.key";
/// Prefix of a complete index's folder name (followed by the key in hex).
const INDEX_PREFIX: &str = "index-";
/// Prefix of a folder an index is being built in.
const STAGING_PREFIX: &str = ".building-";

/// Why an index folder could not be used (the index is then built elsewhere: logged, never fatal).
#[derive(Debug, thiserror::Error)]
pub(crate) enum DirError {
    /// A file system operation failed.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// Where.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// tantivy could not open or create the index.
    #[error("cannot open the index in {}: {source}", path.display())]
    Open {
        /// The index folder.
        path: PathBuf,
        /// The error.
        source: tantivy::TantivyError,
    },
    /// The index opened but is not the one expected.
    #[error("the index in {} is unusable: {problem}", path.display())]
    Invalid {
        /// The index folder.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// Writing the documents or opening the reader failed.
    #[error(transparent)]
    Search(#[from] SearchError),
}

impl DirError {
    fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> DirError {
        let path = path.to_path_buf();
        move |source| DirError::Io {
            action,
            path,
            source,
        }
    }
}

/// The folder of the complete index for `key` under `dir`.
pub(crate) fn index_path(dir: &Path, key: &IndexKey) -> PathBuf {
    dir.join(format!("{INDEX_PREFIX}{}", key.hex()))
}

/// What the key file of an index for `key` with `documents` documents says.
fn key_file_text(key: &IndexKey, documents: usize) -> String {
    format!(
        "helpcenter search index\nkey {}\ndocuments {documents}\n",
        key.hex()
    )
}

/// Opens the index for `key` under `path`, if there is one, after checking that it is whole and is
/// the index expected: its key file, its schema, `documents` live documents, and (with
/// `verify_checksums`) every file's checksum. `Ok(None)` when there is no such folder.
pub(crate) fn open_dir(
    path: &Path,
    key: &IndexKey,
    documents: usize,
    verify_checksums: bool,
) -> Result<Option<Index>, DirError> {
    if !path.try_exists().map_err(DirError::io("look for", path))? {
        return Ok(None);
    }
    let invalid = |problem: String| DirError::Invalid {
        path: path.to_path_buf(),
        problem,
    };
    let key_path = path.join(KEY_FILE);
    let written = match std::fs::read_to_string(&key_path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(invalid(format!("no {KEY_FILE} (the build did not finish)")));
        }
        Err(error) => return Err(DirError::io("read", &key_path)(error)),
    };
    if written != key_file_text(key, documents) {
        return Err(invalid(format!("{KEY_FILE} does not match this content")));
    }
    let open = |source: tantivy::TantivyError| DirError::Open {
        path: path.to_path_buf(),
        source,
    };
    let directory = MmapDirectory::open(path).map_err(|error| open(error.into()))?;
    let index = Index::open(directory).map_err(open)?;
    if index.schema() != schema().0 {
        return Err(invalid(
            "its schema differs from this version's".to_string(),
        ));
    }
    let metas = index.searchable_segment_metas().map_err(open)?;
    let live: u64 = metas.iter().map(|meta| u64::from(meta.num_docs())).sum();
    let deleted: u64 = metas
        .iter()
        .map(|meta| u64::from(meta.num_deleted_docs()))
        .sum();
    if live != documents as u64 || deleted != 0 {
        return Err(invalid(format!(
            "it holds {live} documents ({deleted} deleted), not {documents}"
        )));
    }
    if verify_checksums {
        let damaged = index.validate_checksum().map_err(open)?;
        if !damaged.is_empty() {
            let mut names: Vec<String> = damaged
                .iter()
                .map(|file| file.display().to_string())
                .collect();
            names.sort();
            return Err(invalid(format!("damaged files: {}", names.join(", "))));
        }
    }
    register_analyzers(&index);
    Ok(Some(index))
}

/// Creates `dir` if needed and a fresh staging folder in it, with an empty index.
pub(crate) fn create_staging(dir: &Path) -> Result<(PathBuf, Index), DirError> {
    /// Numbers the builds of this process, so no two share a staging folder.
    static BUILDS: AtomicU64 = AtomicU64::new(0);
    std::fs::create_dir_all(dir).map_err(DirError::io("create", dir))?;
    let staging = dir.join(format!(
        "{STAGING_PREFIX}{}-{}",
        std::process::id(),
        BUILDS.fetch_add(1, Ordering::Relaxed)
    ));
    if staging.exists() {
        // Left by a crashed process that had the same id.
        std::fs::remove_dir_all(&staging).map_err(DirError::io("remove", &staging))?;
    }
    std::fs::create_dir(&staging).map_err(DirError::io("create", &staging))?;
    let open = |source: tantivy::TantivyError| DirError::Open {
        path: staging.clone(),
        source,
    };
    let directory = MmapDirectory::open(&staging).map_err(|error| open(error.into()))?;
    let index = Index::create(directory, schema().0, IndexSettings::default()).map_err(open)?;
    register_analyzers(&index);
    Ok((staging, index))
}

/// Marks the finished index in `staging` as the index for `key` (key file written to a temporary
/// name, synced, renamed), then renames the folder into place; returns the index's folder. The
/// index must be committed and its writer dropped.
pub(crate) fn publish(
    dir: &Path,
    staging: &Path,
    key: &IndexKey,
    documents: usize,
) -> Result<PathBuf, DirError> {
    let key_path = staging.join(KEY_FILE);
    crate::atomic_file::write(&key_path, |file| {
        use std::io::Write as _;
        file.write_all(key_file_text(key, documents).as_bytes())
    })
    .map_err(DirError::io("write", &key_path))?;
    let path = index_path(dir, key);
    if path.exists() {
        // An unusable index for the same key (it was just found wanting); it is replaced.
        std::fs::remove_dir_all(&path).map_err(DirError::io("remove", &path))?;
    }
    std::fs::rename(staging, &path).map_err(DirError::io("rename", staging))?;
    sync_dir(dir)?;
    Ok(path)
}

/// Makes the entries of `path` (new files, renames) durable.
fn sync_dir(path: &Path) -> Result<(), DirError> {
    crate::atomic_file::sync_dir(path).map_err(DirError::io("sync", path))
}

/// Whether `dir` holds a complete index folder of any key (if not, nothing there can be reused and
/// the key need not be computed before building).
pub(crate) fn has_index(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.flatten().any(|entry| {
            entry
                .file_name()
                .to_string_lossy()
                .starts_with(INDEX_PREFIX)
                && entry.file_type().is_ok_and(|kind| kind.is_dir())
        })
    })
}

/// The folders under `dir` this code made (complete indexes and staging folders), except `keep`.
pub(crate) fn other_indexes(dir: &Path, keep: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .flatten()
        .filter(|entry| {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            (name.starts_with(INDEX_PREFIX) || name.starts_with(STAGING_PREFIX))
                && entry.file_type().is_ok_and(|kind| kind.is_dir())
        })
        .map(|entry| entry.path())
        .filter(|path| path != keep)
        .collect();
    found.sort();
    found
}

/// The index of `site` in the folder `dir`: reused when it holds the index of exactly this
/// content, built there otherwise, built in RAM when the folder cannot be used (see
/// [`SearchIndex::open_or_build`]).
pub(crate) fn open_or_build(site: &Site, dir: &Path) -> Result<SearchIndex, SearchError> {
    let started = Instant::now();
    let key = IndexKey::of(site);
    let path = index_path(dir, &key);
    let reason = if !has_index(dir) {
        "there was none yet".to_string()
    } else {
        let (_, fields) = schema();
        let catalog = add_site(site, None, fields)?;
        let documents = catalog.entries.len();
        match open_dir(&path, &key, documents, true) {
            Ok(Some(opened)) => {
                match SearchIndex::finish(opened, fields, catalog, site, IndexOrigin::Reused) {
                    Ok(search) => {
                        tracing::info!(
                            documents,
                            total_ms = started.elapsed().as_millis() as u64,
                            "search index reused from {}",
                            path.display()
                        );
                        remove_others(dir, &path);
                        return Ok(search);
                    }
                    Err(error) => {
                        tracing::warn!(
                            "cannot read the search index in {} ({error}); rebuilding it",
                            path.display()
                        );
                        "the index there could not be read".to_string()
                    }
                }
            }
            // The catalog is built again with the index; this one would only hold memory.
            Ok(None) => {
                drop(catalog);
                "the content or the program changed".to_string()
            }
            Err(error) => {
                drop(catalog);
                tracing::warn!("{error}; rebuilding it");
                "the index there was unusable".to_string()
            }
        }
    };
    match build_in_dir(site, dir, &key) {
        Ok((search, path)) => {
            tracing::info!(
                documents = search.len(),
                total_ms = started.elapsed().as_millis() as u64,
                "search index rebuilt in {} because {reason}",
                path.display()
            );
            remove_others(dir, &path);
            Ok(search)
        }
        Err(error) => {
            tracing::warn!(
                "cannot keep the search index in {} ({error}); building it in memory",
                dir.display()
            );
            SearchIndex::build(site)
        }
    }
}

/// Builds the index of `site` in a staging folder under `dir`, publishes it under `key`, and
/// opens it from there as a reused index would be; returns it and its folder. The staging
/// folder is removed on failure.
fn build_in_dir(
    site: &Site,
    dir: &Path,
    key: &IndexKey,
) -> Result<(SearchIndex, PathBuf), DirError> {
    let (staging, index) = create_staging(dir)?;
    let built = (|| {
        let (_, fields) = schema();
        let catalog = write_documents(&index, site, fields)?;
        // Every file handle and lock on the staging folder is released before it is renamed.
        drop(index);
        let documents = catalog.entries.len();
        let path = publish(dir, &staging, key, documents)?;
        // Just written and committed: reading every file back for its checksum would only
        // catch a disk failure of the last few seconds.
        let opened = open_dir(&path, key, documents, false)?.ok_or_else(|| DirError::Invalid {
            path: path.clone(),
            problem: "it vanished after it was written".to_string(),
        })?;
        let search = SearchIndex::finish(opened, fields, catalog, site, IndexOrigin::Built)?;
        Ok((search, path))
    })();
    if built.is_err() && staging.exists() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    built
}

/// Removes the indexes of other content versions (and abandoned staging folders) from `dir`;
/// a failure is logged and left for the next build.
fn remove_others(dir: &Path, keep: &Path) {
    for stale in other_indexes(dir, keep) {
        match std::fs::remove_dir_all(&stale) {
            Ok(()) => tracing::debug!(path = %stale.display(), "old search index removed"),
            Err(error) => tracing::warn!(
                %error,
                path = %stale.display(),
                "cannot remove an old search index"
            ),
        }
    }
}
