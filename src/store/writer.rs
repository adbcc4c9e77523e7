//! Recording off the request path: handlers hand events to a [`Recorder`] (a `try_send` into a
//! bounded queue, never waiting), and one background [`Writer`] task writes them in batches, one
//! transaction each, at most one batch per [`FLUSH_INTERVAL`] while events keep coming (identical
//! searches of one second become one row with a count: `write.rs`). A full queue drops the event and counts it. A store that cannot be opened or
//! reached is logged once, retried with backoff, and written to again when it comes back; events
//! waiting meanwhile stay queued (and the queue's bound still holds). Old events are pruned at
//! start and then periodically.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use super::backend::{Store, StoreError};
use super::events::{Event, now};
use super::location::Location;
use super::storage::{Backend, CONNECT_TIMEOUT};

/// Events the queue holds before new ones are dropped (and counted): a few hundred milliseconds of
/// the busiest load measured (`bench/load.sh`), about 3 MB.
pub const QUEUE_CAPACITY: usize = 65_536;
/// Most events written in one transaction.
const BATCH: usize = 4096;
/// How long the writer lets events gather after the first arrives, before writing them: a busy
/// site then costs one transaction per interval, not one per event, and sending an event wakes no
/// thread while the writer waits on its timer.
const FLUSH_INTERVAL: Duration = Duration::from_millis(100);
/// First wait before retrying an unreachable store; doubled after each failure up to the most.
const FIRST_RETRY: Duration = Duration::from_millis(250);
const LAST_RETRY: Duration = Duration::from_secs(10);
/// Longest the writer may take to write what is queued when the server stops.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// What the writer needs to know.
#[derive(Debug, Clone)]
pub struct WriterSettings {
    /// Where the store is.
    pub location: Location,
    /// Events older than this many days are deleted.
    pub retention_days: u32,
    /// How often pruning runs after the first, at start.
    pub prune_every: Duration,
    /// How many events the queue holds.
    pub queue_capacity: usize,
}

impl WriterSettings {
    /// Settings with the default queue and hourly pruning.
    pub fn new(location: Location, retention_days: u32) -> WriterSettings {
        WriterSettings {
            location,
            retention_days,
            prune_every: Duration::from_secs(3600),
            queue_capacity: QUEUE_CAPACITY,
        }
    }
}

/// What `/healthz` (and the dashboard) say about recording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreStatus {
    /// `sqlite`, `postgres`, or `off`.
    pub backend: &'static str,
    /// Whether the store is open and the last write (or check) succeeded.
    pub up: bool,
    /// Events dropped since start: queue full, the store refused them, or left unwritten at stop.
    pub dropped: u64,
    /// Events waiting in the queue.
    pub queued: usize,
}

/// Counters shared by the recorder handles and the writer.
#[derive(Debug)]
struct Shared {
    backend: &'static str,
    up: AtomicBool,
    dropped: AtomicU64,
}

/// Why an event was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// `--database off`.
    Off,
    /// The store is unreachable right now.
    Down,
    /// The queue is full (counted as dropped).
    Full,
}

/// The handle handlers record through: cheap to clone, never waits.
#[derive(Debug, Clone)]
pub struct Recorder {
    sender: Option<mpsc::Sender<Event>>,
    shared: Arc<Shared>,
}

impl Recorder {
    /// A recorder that records nothing (`--database off`, and in-process tests without a store).
    pub fn off() -> Recorder {
        Recorder {
            sender: None,
            shared: Arc::new(Shared {
                backend: "off",
                up: AtomicBool::new(false),
                dropped: AtomicU64::new(0),
            }),
        }
    }

    /// Queues `event` for the writer, or drops it (and counts it) when the queue is full. Events
    /// are queued while the store is down too: they are written when it comes back.
    pub fn record(&self, event: Event) {
        // A full queue is counted in `try_record`; nothing else can refuse here.
        let _ = self.try_record(event);
    }

    /// Queues `event` only if the store is up and the queue has room: for answers a visitor
    /// is told were received (feedback), so nothing they were thanked for is lost silently.
    pub fn record_confirmed(&self, event: Event) -> Result<(), Refused> {
        if self.sender.is_none() {
            return Err(Refused::Off);
        }
        if !self.is_up() {
            return Err(Refused::Down);
        }
        self.try_record(event)
    }

    fn try_record(&self, event: Event) -> Result<(), Refused> {
        let Some(sender) = &self.sender else {
            return Err(Refused::Off);
        };
        sender.try_send(event).map_err(|_| {
            self.shared.dropped.fetch_add(1, Ordering::Relaxed);
            Refused::Full
        })
    }

    /// Whether feedback can be taken now (a store is configured and up).
    pub fn is_up(&self) -> bool {
        self.sender.is_some() && self.shared.up.load(Ordering::Relaxed)
    }

    /// The figures `/healthz` shows.
    pub fn status(&self) -> StoreStatus {
        StoreStatus {
            backend: self.shared.backend,
            up: self.is_up(),
            dropped: self.shared.dropped.load(Ordering::Relaxed),
            queued: self
                .sender
                .as_ref()
                .map_or(0, |sender| sender.max_capacity() - sender.capacity()),
        }
    }
}

/// The running background writer; [`Writer::stop`] writes what is queued and closes the store.
#[derive(Debug)]
pub struct Writer {
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Writer {
    /// Opens the store (waiting at most the connect timeout, so a healthy store is up before the
    /// first request) and starts the writer on the current tokio runtime. A store that cannot be
    /// opened is logged once and retried in the background; the site serves meanwhile.
    /// `--database off` gives a recorder that records nothing and no writer.
    pub async fn start(settings: WriterSettings) -> (Recorder, Option<Writer>) {
        let backend = match settings.location {
            Location::Off => {
                tracing::info!("recording off (--database off): no analytics, no feedback");
                return (Recorder::off(), None);
            }
            Location::Sqlite(_) => Backend::Sqlite,
            Location::Postgres(_) => Backend::Postgres,
        };
        let opened =
            match tokio::time::timeout(CONNECT_TIMEOUT, Store::open(&settings.location)).await {
                Ok(result) => result,
                Err(_) => Err(StoreError::Open {
                    location: settings.location.describe(),
                    source: sqlx::Error::PoolTimedOut,
                }),
            };
        let (sender, receiver) = mpsc::channel(settings.queue_capacity.max(1));
        // Up from the first request when the store opened: the writer task starts later.
        let shared = Arc::new(Shared {
            backend: backend.as_str(),
            up: AtomicBool::new(opened.is_ok()),
            dropped: AtomicU64::new(0),
        });
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(
            Loop {
                settings,
                shared: Arc::clone(&shared),
                receiver,
                stopped,
                down_logged: false,
            }
            .run(opened),
        );
        let recorder = Recorder {
            sender: Some(sender),
            shared,
        };
        (recorder, Some(Writer { stop, task }))
    }

    /// Writes what is queued (at most a few seconds' worth), closes the store and ends the task.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        if tokio::time::timeout(DRAIN_TIMEOUT * 2, self.task)
            .await
            .is_err()
        {
            tracing::warn!("the event writer did not finish in time; queued events are lost");
        }
    }
}

/// The writer task's state.
struct Loop {
    settings: WriterSettings,
    shared: Arc<Shared>,
    receiver: mpsc::Receiver<Event>,
    stopped: oneshot::Receiver<()>,
    /// Whether the store being down was logged (once per outage).
    down_logged: bool,
}

/// What waiting ended with.
enum Woken {
    Stop,
    Continue,
}

impl Loop {
    async fn run(mut self, opened: Result<Store, StoreError>) {
        let mut store = match opened {
            Ok(store) => Some(self.came_up(store)),
            Err(error) => {
                self.went_down(&error);
                None
            }
        };
        let mut batch: Vec<Event> = Vec::with_capacity(BATCH);
        let mut retry = FIRST_RETRY;
        let mut next_prune = Instant::now();
        loop {
            let Some(open) = &store else {
                if let Woken::Stop = self.wait(retry).await {
                    break;
                }
                retry = (retry * 2).min(LAST_RETRY);
                match Store::open(&self.settings.location).await {
                    Ok(opened) => {
                        store = Some(self.came_up(opened));
                        retry = FIRST_RETRY;
                    }
                    Err(error) => self.went_down(&error),
                }
                continue;
            };
            if Instant::now() >= next_prune {
                self.prune(open).await;
                next_prune = Instant::now() + self.settings.prune_every;
            }
            let outcome = if batch.is_empty() && !self.shared.up.load(Ordering::Relaxed) {
                open.ping().await
            } else {
                open.insert(&batch).await
            };
            match outcome {
                Ok(()) => {
                    batch.clear();
                    retry = FIRST_RETRY;
                    if !self.shared.up.swap(true, Ordering::Relaxed) {
                        tracing::info!(
                            store = %self.settings.location.describe(),
                            "the store is reachable again; recording"
                        );
                        self.down_logged = false;
                    }
                }
                Err(error) if error.is_unavailable() => {
                    self.went_down(&error);
                    if let Woken::Stop = self.wait(retry).await {
                        break;
                    }
                    retry = (retry * 2).min(LAST_RETRY);
                    continue;
                }
                Err(error) => {
                    self.drop_events(batch.len(), &error);
                    batch.clear();
                }
            }
            tokio::select! {
                biased;
                _ = &mut self.stopped => break,
                received = self.receiver.recv_many(&mut batch, BATCH) => {
                    if received == 0 {
                        break;
                    }
                    if let Woken::Stop = self.gather(&mut batch).await {
                        break;
                    }
                }
                () = tokio::time::sleep_until(next_prune) => {}
            }
        }
        self.drain(store, batch).await;
    }

    /// Lets events gather for [`FLUSH_INTERVAL`], then takes what is queued (up to [`BATCH`]).
    async fn gather(&mut self, batch: &mut Vec<Event>) -> Woken {
        if batch.len() < BATCH {
            if let Woken::Stop = self.wait(FLUSH_INTERVAL).await {
                return Woken::Stop;
            }
            while batch.len() < BATCH {
                match self.receiver.try_recv() {
                    Ok(event) => batch.push(event),
                    Err(_) => break,
                }
            }
        }
        Woken::Continue
    }

    /// Marks the store up and logs where events go.
    fn came_up(&mut self, store: Store) -> Store {
        if self.down_logged {
            tracing::info!(
                store = %self.settings.location.describe(),
                "the store is reachable again; recording"
            );
        } else {
            tracing::info!(
                store = %self.settings.location.describe(),
                retention_days = self.settings.retention_days,
                "recording searches and feedback"
            );
        }
        self.shared.up.store(true, Ordering::Relaxed);
        self.down_logged = false;
        store
    }

    /// Marks the store down; logs it once per outage.
    fn went_down(&mut self, error: &StoreError) {
        self.shared.up.store(false, Ordering::Relaxed);
        if !self.down_logged {
            self.down_logged = true;
            tracing::error!(
                %error,
                "the store is unavailable: pages and search are served, feedback is refused, \
                 and recording starts again when it comes back"
            );
        }
    }

    fn drop_events(&self, count: usize, error: &StoreError) {
        self.shared
            .dropped
            .fetch_add(count as u64, Ordering::Relaxed);
        tracing::error!(%error, count, "events refused by the store were dropped");
    }

    async fn prune(&mut self, store: &Store) {
        let cutoff = now() - i64::from(self.settings.retention_days) * 86_400;
        match store.prune(cutoff).await {
            Ok(0) => {}
            Ok(deleted) => tracing::info!(
                deleted,
                retention_days = self.settings.retention_days,
                "pruned old events"
            ),
            Err(error) => tracing::warn!(%error, "pruning old events failed; will try again"),
        }
    }

    /// Sleeps `duration`, or less when the server stops.
    async fn wait(&mut self, duration: Duration) -> Woken {
        tokio::select! {
            _ = &mut self.stopped => Woken::Stop,
            () = tokio::time::sleep(duration) => Woken::Continue,
        }
    }

    /// At stop: writes what is queued, within the drain timeout, and closes the store.
    async fn drain(mut self, store: Option<Store>, mut batch: Vec<Event>) {
        self.receiver.close();
        while let Ok(event) = self.receiver.try_recv() {
            batch.push(event);
        }
        let Some(store) = store else {
            self.lost_at_stop(batch.len());
            return;
        };
        let written = tokio::time::timeout(DRAIN_TIMEOUT, async {
            for chunk in batch.chunks(BATCH) {
                store.insert(chunk).await?;
            }
            Ok::<_, StoreError>(())
        })
        .await;
        match written {
            Ok(Ok(())) => {}
            Ok(Err(_)) | Err(_) => self.lost_at_stop(batch.len()),
        }
        store.close().await;
    }

    fn lost_at_stop(&self, count: usize) {
        if count > 0 {
            self.shared
                .dropped
                .fetch_add(count as u64, Ordering::Relaxed);
            tracing::warn!(count, "events not written before stopping were dropped");
        }
    }
}
