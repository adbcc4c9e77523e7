//! The PostgreSQL backend, for replicas sharing one database: its migrations
//! (`migrations/postgres/`, applied once under the migrator's advisory lock when several replicas
//! start together), and [`Storage`](super::storage::Storage) over a `PgPool`.

use std::str::FromStr;

use sqlx::migrate::MigrateError;
use sqlx::postgres::{PgConnectOptions, PgPool, PgRow, Postgres};
use sqlx::{Row as _, Type, TypeInfo as _, ValueRef as _};

use super::storage::{Backend, Row, Value, migrator, pool_options, sqlx_storage, unknown_type};

/// The store on a PostgreSQL database.
#[derive(Debug)]
pub(crate) struct PostgresStorage {
    pool: PgPool,
}

/// The versioned migrations, embedded at build: the next one is the next numbered file and a line
/// here (and in `sqlite.rs`); an applied one is never edited (its checksum is checked).
const MIGRATIONS: &[(i64, &str, &str)] = &[
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
];

impl PostgresStorage {
    /// Connects to `url`.
    pub(crate) async fn connect(url: &str) -> Result<PostgresStorage, sqlx::Error> {
        let options = PgConnectOptions::from_str(url)?;
        let pool = pool_options::<Postgres>().connect_with(options).await?;
        Ok(PostgresStorage { pool })
    }

    /// Applies the migrations not yet applied.
    pub(crate) async fn migrate(&self) -> Result<(), MigrateError> {
        migrator(MIGRATIONS).run(&self.pool).await
    }
}

/// A row as the store's values: each column by its declared type (integers of any width, BOOLEAN,
/// text).
fn row(row: &PgRow) -> Result<Row, sqlx::Error> {
    (0..row.len())
        .map(|index| {
            if row.try_get_raw(index)?.is_null() {
                return Ok(Value::Null);
            }
            let kind = row.try_get_raw(index)?.type_info().into_owned();
            if <i64 as Type<Postgres>>::compatible(&kind) {
                row.try_get(index).map(Value::Int)
            } else if <i32 as Type<Postgres>>::compatible(&kind) {
                row.try_get(index)
                    .map(|value: i32| Value::Int(value.into()))
            } else if <i16 as Type<Postgres>>::compatible(&kind) {
                row.try_get(index)
                    .map(|value: i16| Value::Int(value.into()))
            } else if <bool as Type<Postgres>>::compatible(&kind) {
                row.try_get(index).map(Value::Bool)
            } else if <String as Type<Postgres>>::compatible(&kind) {
                row.try_get(index).map(Value::Text)
            } else {
                Err(unknown_type(index, kind.name()))
            }
        })
        .collect::<Result<_, _>>()
        .map(Row)
}

sqlx_storage!(PostgresStorage, Postgres, Backend::Postgres, row);
