//! The help center's crate map. Data flows one way: content files → `content::Site` →
//! `search::SearchIndex` → `web::Snapshot` (pages rendered once) → handlers. `main.rs` calls `check`
//! and `serve`; tests build the same pieces in-process.

pub mod atomic_file;
pub mod compact;
pub mod config;
pub mod content;
pub mod digest;
pub mod markdown;
pub mod memory;
pub mod phone;
pub mod progress;
pub mod redact;
pub mod report;
pub mod search;
pub mod store;
pub mod watch;
pub mod web;

/// Every binary built on this crate (the server, the examples, the tests) allocates with mimalloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use config::Config;
use content::{CacheUse, ContentError, Site};
use web::{AppState, Snapshot, SnapshotError};

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The content is missing or invalid (the message names every file and line).
    #[error(transparent)]
    Content(#[from] ContentError),
    /// Pages or the index could not be built.
    #[error(transparent)]
    Snapshot(#[from] SnapshotError),
    /// The address could not be bound, or the watcher could not start.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The error.
        source: std::io::Error,
    },
}

/// Loads, validates, indexes (in RAM) and renders the content in `dir` as content version
/// `version`.
pub fn build_snapshot(dir: &Path, version: u64) -> Result<Snapshot, StartupError> {
    build_snapshot_with(dir, None, version)
}

/// [`build_snapshot`] with the loaded content and the search index kept in `index_dir`
/// (`--index-dir`) when one is given: both reused when neither the content nor the program
/// changed, rebuilt otherwise; a folder that cannot be used is logged and everything is built as
/// without it (see `Site::load_cached` and `SearchIndex::open_or_build`).
pub fn build_snapshot_with(
    dir: &Path,
    index_dir: Option<&Path>,
    version: u64,
) -> Result<Snapshot, StartupError> {
    let started = Instant::now();
    let (site, cache) = match index_dir {
        Some(index_dir) => {
            let (site, cache) = Site::load_cached(dir, index_dir)?;
            (site, Some(cache))
        }
        None => (Site::load(dir)?, None),
    };
    let load_time = started.elapsed();
    let counts = (
        site.articles.len(),
        site.faqs.len(),
        site.contacts.len(),
        site.categories.len(),
    );
    let snapshot = Snapshot::build_in(site, version, index_dir)?;
    tracing::info!(
        version,
        articles = counts.0,
        faqs = counts.1,
        contacts = counts.2,
        categories = counts.3,
        pages = snapshot.page_count(),
        load_ms = load_time.as_millis() as u64,
        content_cache = cache.map_or("off", CacheUse::as_str),
        index_ms = snapshot.index_time.as_millis() as u64,
        index = snapshot.search.origin().as_str(),
        render_ms = snapshot.render_time.as_millis() as u64,
        "content ready"
    );
    Ok(snapshot)
}

/// `helpcenter check [--guides GUIDES] DIR`: the startup validation without serving; with the
/// guides' folder, the content is also checked against the guides' text.
pub fn check(dir: &Path, guides: Option<&Path>) -> Result<Site, ContentError> {
    match guides {
        Some(guides) => Site::check_against_guides(dir, guides),
        None => Site::load(dir),
    }
}

/// `helpcenter serve`: build everything, then serve until SIGINT/SIGTERM (graceful, exit 0).
pub async fn serve(config: Config) -> Result<(), StartupError> {
    let snapshot = build_snapshot_with(&config.content_dir, config.index_dir.as_deref(), 1)?;
    let (recorder, writer) = store::Writer::start(store::WriterSettings::new(
        config.database.clone(),
        config.retention_days,
    ))
    .await;
    let admin = config
        .admin_token
        .as_ref()
        .map(|token| web::Admin::new(&token.0, config.database.clone()));
    if admin.is_some() {
        tracing::info!(
            "editors' dashboard on at /admin ({})",
            config::ADMIN_TOKEN_VARIABLE
        );
    }
    let state = Arc::new(
        AppState::with_recorder(snapshot, recorder)
            .with_feedback_limit(config.feedback_per_minute)
            .with_admin(admin),
    );
    // Keep the watcher alive for as long as the server runs.
    let _watcher = if config.watch {
        Some(
            watch::spawn(config.content_dir.clone(), Arc::clone(&state), {
                let content_dir = config.content_dir.clone();
                let index_dir = config.index_dir.clone();
                move |version| build_snapshot_with(&content_dir, index_dir.as_deref(), version)
            })
            .map_err(|source| StartupError::Io {
                context: format!("watching {}", config.content_dir.display()),
                source,
            })?,
        )
    } else {
        None
    };
    let served = web::serve(state, &config).await;
    // Write what is queued before exiting, whether serving ended well or not.
    if let Some(writer) = writer {
        writer.stop().await;
    }
    served.map_err(|source| StartupError::Io {
        context: format!("serving on {}", config.addr),
        source,
    })?;
    tracing::info!("shut down cleanly");
    Ok(())
}
