//! The application state every handler sees: the content version being served (swappable whole)
//! and the recorder events are sent to.

use std::sync::Arc;

use arc_swap::ArcSwap;

use super::admin::Admin;
use super::form_guard::Limits;
use super::snapshot::Snapshot;
use crate::store::Recorder;

/// Shared state: the current snapshot and the recorder. Readers never block; a reload swaps in a
/// new snapshot atomically.
pub struct AppState {
    current: ArcSwap<Snapshot>,
    /// Where searches and feedback are recorded (off when there is no store).
    pub recorder: Recorder,
    /// Per-client rate limits on the requests that write.
    pub(crate) limits: Limits,
    /// The editors' dashboard, when `HELPCENTER_ADMIN_TOKEN` is set (`/admin` is a 404 otherwise).
    pub admin: Option<Admin>,
}

impl AppState {
    /// State serving `snapshot`, recording nothing (the feedback form answers that it is
    /// unavailable).
    pub fn new(snapshot: Snapshot) -> AppState {
        AppState::with_recorder(snapshot, Recorder::off())
    }

    /// State serving `snapshot`, recording through `recorder`.
    pub fn with_recorder(snapshot: Snapshot, recorder: Recorder) -> AppState {
        AppState {
            current: ArcSwap::from_pointee(snapshot),
            recorder,
            limits: Limits::new(),
            admin: None,
        }
    }

    /// Accepts at most `per_minute` feedback answers per client and minute (default 10).
    pub fn with_feedback_limit(mut self, per_minute: u32) -> AppState {
        self.limits = Limits::with_feedback_per_minute(per_minute);
        self
    }

    /// This state with the editors' dashboard on (`Some`) or off.
    pub fn with_admin(self, admin: Option<Admin>) -> AppState {
        AppState { admin, ..self }
    }

    /// The snapshot to answer the current request from (kept alive for the whole request).
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current.load_full()
    }

    /// Runs `read` on the current snapshot without taking a reference count: for short synchronous
    /// reads on the hot path (the prerendered-page lookup), where two workers incrementing the same
    /// `Arc` count on every request would pass its cache line back and forth between cores.
    pub(crate) fn with_snapshot<R>(&self, read: impl FnOnce(&Snapshot) -> R) -> R {
        read(&self.current.load())
    }

    /// Serves `snapshot` from now on; requests already running finish on the old one.
    pub fn replace(&self, snapshot: Snapshot) {
        self.current.store(Arc::new(snapshot));
    }
}
