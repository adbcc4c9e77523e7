//! The SQLite backend: one file (created with its folder on first start), write-ahead log, its
//! migrations (`migrations/sqlite/`), and [`Storage`](super::storage::Storage) over a
//! `SqlitePool`.

use std::path::Path;

use sqlx::migrate::MigrateError;
use sqlx::sqlite::{
    Sqlite, SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqliteRow, SqliteSynchronous,
};
use sqlx::{Row as _, Type, TypeInfo as _, ValueRef as _};

use super::storage::{
    Backend, CONNECT_TIMEOUT, Row, Value, migrator, pool_options, sqlx_storage, unknown_type,
};

/// The store on a SQLite file.
#[derive(Debug)]
pub(crate) struct SqliteStorage {
    pool: SqlitePool,
}

/// The versioned migrations, embedded at build: the next one is the next numbered file and a line
/// here (and in `postgres.rs`); an applied one is never edited (its checksum is checked).
const MIGRATIONS: &[(i64, &str, &str)] = &[
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
];

impl SqliteStorage {
    /// Opens (creating when missing) the file at `path`.
    pub(crate) async fn connect(path: &Path) -> Result<SqliteStorage, sqlx::Error> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            // Readers never wait for the writer, and a commit is one fsync of the log.
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(CONNECT_TIMEOUT);
        let pool = pool_options::<Sqlite>().connect_with(options).await?;
        Ok(SqliteStorage { pool })
    }

    /// Applies the migrations not yet applied.
    pub(crate) async fn migrate(&self) -> Result<(), MigrateError> {
        migrator(MIGRATIONS).run(&self.pool).await
    }
}

/// A row as the store's values: each column by the type of the value SQLite holds.
fn row(row: &SqliteRow) -> Result<Row, sqlx::Error> {
    (0..row.len())
        .map(|index| {
            let raw = row.try_get_raw(index)?;
            if raw.is_null() {
                return Ok(Value::Null);
            }
            let kind = raw.type_info().into_owned();
            if <String as Type<Sqlite>>::compatible(&kind) {
                row.try_get_unchecked(index).map(Value::Text)
            } else if <i64 as Type<Sqlite>>::compatible(&kind) {
                row.try_get_unchecked(index).map(Value::Int)
            } else {
                Err(unknown_type(index, kind.name()))
            }
        })
        .collect::<Result<_, _>>()
        .map(Row)
}

sqlx_storage!(SqliteStorage, Sqlite, Backend::Sqlite, row);
