//! The [`Store`]: the one [`Storage`] that `--database` chose (SQLite or PostgreSQL), opened and
//! brought up to date with the versioned migrations of its backend (`migrations/sqlite/`,
//! `migrations/postgres/`, embedded at build), and the errors of opening, writing and reading.

use std::sync::Arc;

use super::location::Location;
use super::postgres::PostgresStorage;
use super::sqlite::SqliteStorage;
use super::storage::{Backend, Statement, Storage};

/// An open, migrated store: what `write.rs`, `read.rs` and `report.rs` record and read, on
/// whichever [`Storage`] it was opened on.
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) storage: Arc<dyn Storage>,
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
        let migrate_error = |source| StoreError::Migrate {
            location: described.clone(),
            source,
        };
        let storage: Arc<dyn Storage> = match location {
            Location::Off => return Err(StoreError::Off),
            Location::Sqlite(path) => {
                if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(folder).map_err(|source| StoreError::Folder {
                        location: described.clone(),
                        source,
                    })?;
                }
                let storage = SqliteStorage::connect(path).await.map_err(open_error)?;
                storage.migrate().await.map_err(migrate_error)?;
                Arc::new(storage)
            }
            Location::Postgres(url) => {
                let storage = PostgresStorage::connect(url).await.map_err(open_error)?;
                storage.migrate().await.map_err(migrate_error)?;
                Arc::new(storage)
            }
        };
        Ok(Store { storage })
    }

    /// The storage it runs on.
    pub fn storage(&self) -> &dyn Storage {
        &*self.storage
    }

    /// Which database this store runs on.
    pub fn backend(&self) -> Backend {
        self.storage.backend()
    }

    /// Closes every connection (waits for statements in flight).
    pub async fn close(&self) {
        self.storage.close().await;
    }

    /// Checks that the store answers (`SELECT 1`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.storage
            .fetch(&Statement::new("SELECT 1"))
            .await
            .map(|_| ())
            .map_err(StoreError::query("checking the store"))
    }
}
