//! Progress of the long startup phases (loading, indexing, rendering): a bar on a terminal when a
//! phase takes more than a second, and one log line per phase when it ends.
//!
//! Library code reports with [`Phase`] and never knows where the output goes; `main.rs` turns the
//! bars on with [`show_bars`] when stderr is a terminal. Bars are drawn by `indicatif` and only
//! appear once a phase has run for [`BAR_AFTER`], so a small site starts as quietly as before.
//! Phases can run at once (rendering overlaps indexing), so every bar is drawn through one
//! `MultiProgress`: each keeps its own line instead of overwriting the other's.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a phase runs before its bar is drawn.
pub const BAR_AFTER: Duration = Duration::from_secs(1);

/// The one set of bars on stderr, made by [`show_bars`]; unset, no bar is drawn.
static BARS: OnceLock<MultiProgress> = OnceLock::new();

/// Draws progress bars on stderr from now on (call it only when stderr is a terminal).
pub fn show_bars() {
    BARS.get_or_init(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr()));
}

/// One running phase: count its items with [`Phase::advance`]; it ends (bar cleared, one log line)
/// when dropped.
#[derive(Debug)]
pub struct Phase {
    name: &'static str,
    started: Instant,
    total: usize,
    done: AtomicUsize,
    /// The bar, hidden until the phase has run for [`BAR_AFTER`]; `None` without bars.
    bar: Option<ProgressBar>,
    /// Whether the bar is drawn yet.
    drawn: AtomicBool,
}

impl Phase {
    /// Starts the phase `name` ("load", "index", "render") of `total` items.
    pub fn start(name: &'static str, total: usize) -> Phase {
        let bar = BARS.get().map(|_| {
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::hidden());
            if let Ok(style) = ProgressStyle::with_template(
                "{prefix:>7} [{bar:40}] {human_pos}/{human_len}, {elapsed} so far, eta {eta}",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_prefix(name);
            bar
        });
        Phase {
            name,
            started: Instant::now(),
            total,
            done: AtomicUsize::new(0),
            bar,
            drawn: AtomicBool::new(false),
        }
    }

    /// Counts `items` more done (from any thread).
    pub fn advance(&self, items: usize) {
        self.done.fetch_add(items, Ordering::Relaxed);
        let Some(bar) = &self.bar else {
            return;
        };
        bar.inc(items as u64);
        if !self.drawn.load(Ordering::Relaxed)
            && self.started.elapsed() >= BAR_AFTER
            && let Some(bars) = BARS.get()
            && !self.drawn.swap(true, Ordering::Relaxed)
        {
            bars.add(bar.clone());
        }
    }
}

impl Drop for Phase {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
            if let Some(bars) = BARS.get().filter(|_| *self.drawn.get_mut()) {
                bars.remove(bar);
            }
        }
        tracing::info!(
            phase = self.name,
            done = self.done.load(Ordering::Relaxed),
            total = self.total,
            ms = self.started.elapsed().as_millis() as u64,
            "{} done",
            self.name
        );
    }
}
