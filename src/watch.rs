//! Live reload: watches the content folder and, after changes settle, rebuilds the whole snapshot in
//! the background and swaps it in atomically. A broken edit is logged (file and line) and the last
//! good version keeps serving.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use notify_debouncer_mini::notify::RecursiveMode;
use notify_debouncer_mini::{DebounceEventResult, Debouncer, new_debouncer};

use crate::web::{AppState, Snapshot};

/// Changes closer together than this are handled as one reload.
const DEBOUNCE: Duration = Duration::from_millis(250);

/// The running watcher; dropping it stops watching.
pub struct Watcher {
    _debouncer: Debouncer<notify_debouncer_mini::notify::RecommendedWatcher>,
}

/// Starts watching `dir`; each settled batch of changes calls `rebuild` once with the next content
/// version number, and serves what it builds. A rebuild that fails is logged (its error names the
/// files and lines) and the version being served stays.
pub fn spawn<E: std::fmt::Display>(
    dir: PathBuf,
    state: Arc<AppState>,
    rebuild: impl Fn(u64) -> Result<Snapshot, E> + Send + 'static,
) -> std::io::Result<Watcher> {
    let version = AtomicU64::new(state.snapshot().version);
    let content_dir = dir.clone();
    // The watcher reports files being opened, and every rebuild opens every file: without this
    // check each rebuild would trigger the next, forever. Only a changed fingerprint rebuilds.
    let last_built = Mutex::new(Fingerprint::of(&dir));
    let mut debouncer = new_debouncer(DEBOUNCE, move |result: DebounceEventResult| {
        match result {
            Ok(events) if events.is_empty() => {}
            Ok(events) => {
                let now = Fingerprint::of(&content_dir);
                {
                    let mut last = last_built.lock().unwrap_or_else(|e| e.into_inner());
                    if *last == now {
                        tracing::debug!(events = events.len(), "content unchanged; not rebuilding");
                        return;
                    }
                    // Taken before the rebuild reads anything, so an edit made during the rebuild
                    // differs from it and triggers one more.
                    *last = now;
                }
                tracing::info!(changed = events.len(), "content changed; rebuilding");
                let next = version.load(Ordering::SeqCst) + 1;
                match rebuild(next) {
                    Ok(snapshot) => {
                        version.store(next, Ordering::SeqCst);
                        state.replace(snapshot);
                        tracing::info!(version = next, "content reloaded");
                    }
                    Err(error) => {
                        tracing::error!(
                            "content reload failed; still serving version {}:\n{error}",
                            version.load(Ordering::SeqCst)
                        );
                    }
                }
            }
            Err(error) => tracing::error!(%error, "watching content failed"),
        }
    })
    .map_err(std::io::Error::other)?;
    debouncer
        .watcher()
        .watch(&dir, RecursiveMode::Recursive)
        .map_err(std::io::Error::other)?;
    tracing::info!(dir = %dir.display(), "watching content for changes");
    Ok(Watcher {
        _debouncer: debouncer,
    })
}

/// The content folder as its metadata describes it: every visible file's path, size, modification
/// time and inode, sorted. Getting it reads no file, so it triggers no watcher event.
#[derive(Debug, PartialEq, Eq)]
struct Fingerprint(Vec<(PathBuf, u64, Option<SystemTime>, u64)>);

impl Fingerprint {
    fn of(dir: &Path) -> Fingerprint {
        let mut files = Vec::new();
        collect_files(dir, &mut files);
        files.sort();
        Fingerprint(files)
    }
}

/// Adds the metadata of every file under `dir` to `files`, skipping hidden names (editor swap
/// files, `.DS_Store`). Files that vanish while being listed are skipped.
fn collect_files(dir: &Path, files: &mut Vec<(PathBuf, u64, Option<SystemTime>, u64)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let Ok(metadata) = std::fs::metadata(&path) else {
            continue;
        };
        if metadata.is_dir() {
            collect_files(&path, files);
        } else {
            files.push((
                path,
                metadata.len(),
                metadata.modified().ok(),
                inode(&metadata),
            ));
        }
    }
}

#[cfg(unix)]
fn inode(metadata: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::ino(metadata)
}

#[cfg(not(unix))]
fn inode(_metadata: &std::fs::Metadata) -> u64 {
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_changes_on_edit_and_rename_but_not_on_read() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("a.md");
        std::fs::write(&file, "one").expect("write");
        let before = Fingerprint::of(dir.path());
        let _ = std::fs::read_to_string(&file).expect("read");
        assert_eq!(
            Fingerprint::of(dir.path()),
            before,
            "reading changes nothing"
        );
        std::fs::write(dir.path().join(".a.md.swp"), "x").expect("write");
        assert_eq!(
            Fingerprint::of(dir.path()),
            before,
            "hidden files are ignored"
        );
        std::fs::write(&file, "two!").expect("write");
        let edited = Fingerprint::of(dir.path());
        assert_ne!(edited, before, "an edit changes it");
        let staging = dir.path().join("staging");
        std::fs::create_dir(&staging).expect("mkdir");
        std::fs::write(staging.join("b"), "two!").expect("write");
        assert_ne!(Fingerprint::of(dir.path()), edited, "a new file changes it");
    }
}
