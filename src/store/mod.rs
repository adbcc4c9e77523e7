//! The only module that talks to the database: one storage trait, [`Storage`], with a SQLite and a
//! PostgreSQL implementation; the [`Store`] that records and reads events written once against it
//! (the same SQL for both); versioned migrations applied when it opens; and the background writer
//! that records events off the request path.
//!
//! - `location.rs`: `--database` → SQLite file, PostgreSQL URL or off;
//! - `storage.rs`: the trait, and the parameters, rows and values that cross it;
//! - `sqlite.rs`, `postgres.rs`: the two implementations, each with its migrations
//!   (`migrations/<backend>/`);
//! - `backend.rs`: the [`Store`], opening the backend `--database` names, and the store's errors;
//! - `events.rs`: what is recorded;
//! - `write.rs`: inserting a batch of events in one transaction, pruning old ones;
//! - `read.rs`: reading events back (tests, and the rows the dashboard aggregates);
//! - `report.rs`: the dashboard's and `helpcenter report`'s figures, aggregated over a period;
//! - `writer.rs`: the bounded queue, the [`Recorder`] handlers send to, and the background writer
//!   (batching, reconnecting with backoff, retention).

mod backend;
mod events;
mod location;
mod postgres;
mod read;
mod report;
mod sqlite;
mod storage;
mod write;
mod writer;

pub use backend::{Store, StoreError};
pub use events::{
    ClickEvent, Event, FeedbackEvent, FormViewEvent, MAX_COMMENT_CHARS, Reason, SearchEvent,
    SearchOutcome, SearchSource, now,
};
pub use location::{DEFAULT_DATABASE, Location, LocationError};
pub use read::{PageFeedback, StoredClick, StoredFeedback, StoredSearch};
pub use report::{
    DAY_SECONDS, DaySearches, PageSummary, Period, Queries, QueryCount, ReasonCount, RecentComment,
    Report, date_of_day,
};
pub use storage::{Backend, Param, Row, Statement, Storage, StorageFuture, Value};
pub use writer::{QUEUE_CAPACITY, Recorder, Refused, StoreStatus, Writer, WriterSettings};
