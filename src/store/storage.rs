//! The one storage trait, [`Storage`]: what a database backend does for the store (run statements
//! in one transaction, fetch rows, close), with the parameters and values that cross it, and the
//! settings both implementations share. SQLite
//! (`sqlite.rs`) and PostgreSQL (`postgres.rs`) implement it; everything the store records and
//! reads (`write.rs`, `read.rs`, `report.rs`) is written once against it, in SQL both accept.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use futures_util::future::BoxFuture;
use sqlx::SqlSafeStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};

/// What a backend's operations return: the driver's error as it is, for the store to say what it
/// was doing (`StoreError::Query`) and whether it is worth retrying.
pub type StorageFuture<'a, T> = BoxFuture<'a, Result<T, sqlx::Error>>;

/// A database the store runs on. Object-safe (the store holds an `Arc<dyn Storage>`, chosen at
/// start from `--database`), hence boxed futures rather than `async fn`: a trait with `async fn`
/// cannot be a `dyn` object, and one allocation per statement is nothing beside a round trip to
/// the database. Every statement uses `$1, $2, …` placeholders, which both backends accept.
pub trait Storage: Send + Sync + fmt::Debug {
    /// Which database this is.
    fn backend(&self) -> Backend;

    /// Runs `statements` in order in one transaction: all take effect, or none (the first
    /// failure rolls back and is returned). Returns the rows they changed, in all.
    fn execute<'a>(&'a self, statements: &'a [Statement]) -> StorageFuture<'a, u64>;

    /// Runs one query and returns every row it selects, in order.
    fn fetch<'a>(&'a self, statement: &'a Statement) -> StorageFuture<'a, Vec<Row>>;

    /// Closes every connection (waits for statements in flight).
    fn close(&self) -> BoxFuture<'_, ()>;
}

/// A value bound to a statement's placeholder. `None` binds SQL NULL of the column's type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Param {
    /// A 64-bit integer (BIGINT).
    Int(Option<i64>),
    /// A boolean (BOOLEAN; SQLite stores 0 or 1).
    Bool(bool),
    /// Text.
    Text(Option<String>),
}

impl From<i64> for Param {
    fn from(value: i64) -> Param {
        Param::Int(Some(value))
    }
}

impl From<Option<i64>> for Param {
    fn from(value: Option<i64>) -> Param {
        Param::Int(value)
    }
}

impl From<bool> for Param {
    fn from(value: bool) -> Param {
        Param::Bool(value)
    }
}

impl From<&str> for Param {
    fn from(value: &str) -> Param {
        Param::Text(Some(value.to_owned()))
    }
}

impl From<Option<&str>> for Param {
    fn from(value: Option<&str>) -> Param {
        Param::Text(value.map(str::to_owned))
    }
}

/// One SQL statement with its parameters (`$1` is the first bound).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The SQL (a constant, or built from constants: never from anything a visitor sent).
    pub sql: Cow<'static, str>,
    /// The values of `$1, $2, …`.
    pub params: Vec<Param>,
}

impl Statement {
    /// A statement without parameters yet.
    pub fn new(sql: impl Into<Cow<'static, str>>) -> Statement {
        Statement {
            sql: sql.into(),
            params: Vec::new(),
        }
    }

    /// Binds the next placeholder.
    pub fn bind(mut self, value: impl Into<Param>) -> Statement {
        self.params.push(value.into());
        self
    }
}

/// A value read back from a column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// SQL NULL.
    Null,
    /// An integer of any width.
    Int(i64),
    /// A boolean (PostgreSQL; SQLite reads back its 0 or 1 as [`Value::Int`]).
    Bool(bool),
    /// Text.
    Text(String),
}

/// One row read back: its values in the order the query selects them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row(pub Vec<Value>);

impl Row {
    /// The integer in column `index`.
    pub fn int(&self, index: usize) -> Result<i64, sqlx::Error> {
        match self.value(index)? {
            Value::Int(value) => Ok(*value),
            other => Err(mismatch(index, "an integer", other)),
        }
    }

    /// The integer in column `index`, NULL as zero (a `SUM` over no rows).
    pub fn sum(&self, index: usize) -> Result<i64, sqlx::Error> {
        Ok(self.optional_int(index)?.unwrap_or_default())
    }

    /// The integer or NULL in column `index`.
    pub fn optional_int(&self, index: usize) -> Result<Option<i64>, sqlx::Error> {
        match self.value(index)? {
            Value::Null => Ok(None),
            _ => self.int(index).map(Some),
        }
    }

    /// The boolean in column `index` (an integer 0 or 1 on SQLite).
    pub fn bool(&self, index: usize) -> Result<bool, sqlx::Error> {
        match self.value(index)? {
            Value::Bool(value) => Ok(*value),
            Value::Int(0) => Ok(false),
            Value::Int(1) => Ok(true),
            other => Err(mismatch(index, "a boolean", other)),
        }
    }

    /// The text in column `index`.
    pub fn text(&self, index: usize) -> Result<String, sqlx::Error> {
        match self.value(index)? {
            Value::Text(value) => Ok(value.clone()),
            other => Err(mismatch(index, "text", other)),
        }
    }

    /// The text or NULL in column `index`.
    pub fn optional_text(&self, index: usize) -> Result<Option<String>, sqlx::Error> {
        match self.value(index)? {
            Value::Null => Ok(None),
            _ => self.text(index).map(Some),
        }
    }

    fn value(&self, index: usize) -> Result<&Value, sqlx::Error> {
        self.0
            .get(index)
            .ok_or_else(|| sqlx::Error::ColumnIndexOutOfBounds {
                index,
                len: self.0.len(),
            })
    }
}

/// The error of a column holding something else than the caller reads.
fn mismatch(index: usize, expected: &str, found: &Value) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: index.to_string(),
        source: format!("expected {expected}, found {found:?}").into(),
    }
}

/// A column type neither backend's reading knows (a `SUM` of BIGINT is NUMERIC on PostgreSQL:
/// cast it back, `CAST(SUM(count) AS BIGINT)`).
pub(crate) fn unknown_type(index: usize, name: &str) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: index.to_string(),
        source: format!("a column of type {name}, which the store does not read").into(),
    }
}

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

/// The pool settings both backends share.
pub(crate) fn pool_options<Db: sqlx::Database>() -> sqlx::pool::PoolOptions<Db> {
    sqlx::pool::PoolOptions::new()
        .max_connections(MAX_CONNECTIONS)
        .acquire_timeout(CONNECT_TIMEOUT)
}

/// The migrator of one backend's migrations: `(version, description, SQL)`, in order.
pub(crate) fn migrator(files: &[(i64, &'static str, &'static str)]) -> Migrator {
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

/// Implements [`Storage`] for `$storage`, whose `pool` is a `sqlx::Pool<$db>`: statements bound
/// and run the same way on either driver, written once and type-checked against each. `$backend`
/// is its [`Backend`], `$row` reads one of the driver's rows into a [`Row`] (the only part that
/// differs: each driver says a column's type its own way).
macro_rules! sqlx_storage {
    ($storage:ty, $db:ty, $backend:expr, $row:path) => {
        /// `statement` with its parameters bound, ready to run.
        fn bound(
            statement: &$crate::store::storage::Statement,
        ) -> sqlx::query::Query<'_, $db, <$db as sqlx::Database>::Arguments> {
            use $crate::store::storage::Param;
            let mut query = sqlx::query(sqlx::AssertSqlSafe(statement.sql.clone()));
            for param in &statement.params {
                query = match param {
                    Param::Int(value) => query.bind(*value),
                    Param::Bool(value) => query.bind(*value),
                    Param::Text(value) => query.bind(value.clone()),
                };
            }
            query
        }

        impl $crate::store::storage::Storage for $storage {
            fn backend(&self) -> $crate::store::storage::Backend {
                $backend
            }

            fn execute<'a>(
                &'a self,
                statements: &'a [$crate::store::storage::Statement],
            ) -> $crate::store::storage::StorageFuture<'a, u64> {
                Box::pin(async move {
                    let mut transaction = self.pool.begin().await?;
                    let mut changed = 0;
                    for statement in statements {
                        changed += bound(statement)
                            .execute(&mut *transaction)
                            .await?
                            .rows_affected();
                    }
                    transaction.commit().await?;
                    Ok(changed)
                })
            }

            fn fetch<'a>(
                &'a self,
                statement: &'a $crate::store::storage::Statement,
            ) -> $crate::store::storage::StorageFuture<'a, Vec<$crate::store::storage::Row>> {
                Box::pin(async move {
                    let rows = bound(statement).fetch_all(&self.pool).await?;
                    rows.iter().map($row).collect()
                })
            }

            fn close(&self) -> futures_util::future::BoxFuture<'_, ()> {
                Box::pin(self.pool.close())
            }
        }
    };
}
pub(crate) use sqlx_storage;
