//! Live reload: watches the content folder and, after changes settle, rebuilds the whole snapshot in
//! the background and swaps it in atomically. A broken edit is logged (file and line) and the last
//! good version keeps serving.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use notify_debouncer_mini::notify::RecursiveMode;
use notify_debouncer_mini::{DebounceEventResult, Debouncer, new_debouncer};

use crate::web::AppState;

/// Changes closer together than this are handled as one reload.
const DEBOUNCE: Duration = Duration::from_millis(250);

/// The running watcher; dropping it stops watching.
pub struct Watcher {
    _debouncer: Debouncer<notify_debouncer_mini::notify::RecommendedWatcher>,
}

/// Starts watching `dir`; each settled batch of changes triggers one rebuild.
pub fn spawn(dir: PathBuf, state: Arc<AppState>) -> std::io::Result<Watcher> {
    let version = AtomicU64::new(state.snapshot().version);
    let content_dir = dir.clone();
    let mut debouncer = new_debouncer(DEBOUNCE, move |result: DebounceEventResult| {
        match result {
            Ok(events) if events.is_empty() => {}
            Ok(events) => {
                tracing::info!(changed = events.len(), "content changed; rebuilding");
                let next = version.load(Ordering::SeqCst) + 1;
                match crate::build_snapshot(&content_dir, next) {
                    Ok(snapshot) => {
                        version.store(next, Ordering::SeqCst);
                        state.replace(snapshot);
                        tracing::info!(version = next, "content reloaded");
                    }
                    Err(error) => {
                        tracing::error!("content reload failed; still serving version {}:\n{error}", version.load(Ordering::SeqCst));
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
