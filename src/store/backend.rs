//! Opening the store on SQLite or PostgreSQL and bringing its schema up to date with the versioned
//! migrations of that backend (`migrations/sqlite/`, `migrations/postgres/`, embedded at build).

use std::str::FromStr;
use std::time::Duration;

use sqlx::SqlSafeStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPool};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqliteSynchronous};

use super::location::Location;

/// Connections per process: the writer uses one at a time, reads (dashboard, reports) the rest.
const MAX_CONNECTIONS: u32 = 4;
/// How long opening the store, or waiting for a free connection, may take.
pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite, one file, one process.
    Sqlite,
    /// PostgreSQL, shared by replicas.
    Postgres,
}

impl Backend {
    /// Its name on `/healthz` and in logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A connection pool of either backend.
#[derive(Debug, Clone)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to the concrete pool of whichever backend the store runs on:
/// the same SQL and Rust, type-checked against each driver (both accept `$1` placeholders).
macro_rules! on_pool {
    ($store:expr, |$pool:ident| $body:expr) => {
        match &$store.pool {
            $crate::store::backend::Pool::Sqlite($pool) => $body,
            $crate::store::backend::Pool::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// An open, migrated store.
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) pool: Pool,
}

/// Why the store could not be opened, written or read.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The folder for the SQLite file could not be created.
    #[error("creating the folder for {location}: {source}")]
    Folder {
        /// The location, described without secrets.
        location: String,
        /// The error.
        source: std::io::Error,
    },
    /// The database could not be opened or reached.
    #[error("opening {location}: {source}")]
    Open {
        /// The location, described without secrets.
        location: String,
        /// The driver's error.
        source: sqlx::Error,
    },
    /// The schema could not be brought up to date.
    #[error("migrating {location}: {source}")]
    Migrate {
        /// The location, described without secrets.
        location: String,
        /// The migrator's error.
        source: sqlx::migrate::MigrateError,
    },
    /// A statement failed.
    #[error("{what}: {source}")]
    Query {
        /// What was being done.
        what: &'static str,
        /// The driver's error.
        source: sqlx::Error,
    },
    /// `--database off`: there is no store.
    #[error("the store is off (--database off)")]
    Off,
}

impl StoreError {
    /// Whether the database itself is unreachable or unusable for now (worth retrying the same
    /// work later), rather than refusing this one statement.
    pub fn is_unavailable(&self) -> bool {
        match self {
            StoreError::Query { source, .. } => {
                !matches!(
                    source,
                    sqlx::Error::Database(_)
                        | sqlx::Error::ColumnDecode { .. }
                        | sqlx::Error::ColumnNotFound(_)
                        | sqlx::Error::Decode(_)
                        | sqlx::Error::TypeNotFound { .. }
                        | sqlx::Error::RowNotFound
                ) || source
                    .as_database_error()
                    .is_some_and(|error| is_transient_sqlite(error.code().as_deref()))
            }
            StoreError::Off => false,
            StoreError::Folder { .. } | StoreError::Open { .. } | StoreError::Migrate { .. } => {
                true
            }
        }
    }

    /// A failed statement, saying what it was for.
    pub(crate) fn query(what: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
        move |source| StoreError::Query { what, source }
    }
}

/// SQLite result codes that mean "not now" (busy, locked, I/O, read-only, cannot open, full)
/// rather than "never".
fn is_transient_sqlite(code: Option<&str>) -> bool {
    matches!(
        code.and_then(|code| code.parse::<i32>().ok())
            .map(|code| code & 0xff),
        Some(5 | 6 | 8 | 10 | 13 | 14)
    )
}

impl Store {
    /// Opens the store at `location` (creating a SQLite file and its folder when missing) and
    /// applies any migration not yet applied. Concurrent replicas opening one PostgreSQL
    /// database migrate it once (the migrator takes an advisory lock).
    pub async fn open(location: &Location) -> Result<Store, StoreError> {
        let described = location.describe();
        let open_error = |source| StoreError::Open {
            location: described.clone(),
            source,
        };
        let store = match location {
            Location::Off => return Err(StoreError::Off),
            Location::Sqlite(path) => {
                if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(folder).map_err(|source| StoreError::Folder {
                        location: described.clone(),
                        source,
                    })?;
                }
                let options = SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
                    // Readers never wait for the writer, and a commit is one fsync of the log.
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(CONNECT_TIMEOUT);
                let pool = pool_options::<sqlx::Sqlite>()
                    .connect_with(options)
                    .await
                    .map_err(open_error)?;
                Store {
                    pool: Pool::Sqlite(pool),
                }
            }
            Location::Postgres(url) => {
                let options = PgConnectOptions::from_str(url).map_err(open_error)?;
                let pool = pool_options::<sqlx::Postgres>()
                    .connect_with(options)
                    .await
                    .map_err(open_error)?;
                Store {
                    pool: Pool::Postgres(pool),
                }
            }
        };
        let migrator = migrator(store.backend());
        on_pool!(store, |pool| migrator.run(pool).await).map_err(|source| StoreError::Migrate {
            location: described,
            source,
        })?;
        Ok(store)
    }

    /// Which database this store runs on.
    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Closes every connection (waits for statements in flight).
    pub async fn close(&self) {
        on_pool!(self, |pool| pool.close().await);
    }
}

/// The pool settings both backends share.
fn pool_options<Db: sqlx::Database>() -> sqlx::pool::PoolOptions<Db> {
    sqlx::pool::PoolOptions::new()
        .max_connections(MAX_CONNECTIONS)
        .acquire_timeout(CONNECT_TIMEOUT)
}

/// The versioned migrations of `backend`, embedded in the program. Add a migration by adding the
/// next numbered file to both folders and a line to each list here; an applied migration is never
/// edited (the migrator refuses a changed checksum).
fn migrator(backend: Backend) -> Migrator {
    let files: &[(i64, &str, &'static str)] = match backend {
        Backend::Sqlite => &[
            (
                1,
                "events",
                include_str!("../../migrations/sqlite/0001_events.sql"),
            ),
            (
                2,
                "search counts",
                include_str!("../../migrations/sqlite/0002_search_counts.sql"),
            ),
        ],
        Backend::Postgres => &[
            (
                1,
                "events",
                include_str!("../../migrations/postgres/0001_events.sql"),
            ),
            (
                2,
                "search counts",
                include_str!("../../migrations/postgres/0002_search_counts.sql"),
            ),
        ],
    };
    Migrator::with_migrations(
        files
            .iter()
            .map(|&(version, description, sql)| {
                Migration::new(
                    version,
                    description.into(),
                    MigrationType::Simple,
                    sql.into_sql_str(),
                    false,
                )
            })
            .collect(),
    )
}

impl Store {
    /// Checks that the store answers (`SELECT 1`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        on_pool!(self, |pool| sqlx::query("SELECT 1")
            .execute(pool)
            .await
            .map(|_| ()))
        .map_err(StoreError::query("checking the store"))
    }
}
