//! The databases the storage suite runs on: a fresh SQLite file always, and a fresh PostgreSQL
//! database when `HELPCENTER_TEST_POSTGRES` holds a server URL (`.ci/run` sets it); without it the
//! PostgreSQL half is skipped with a message on stderr.

use std::path::Path;
use std::sync::Arc;

use helpcenter::store::{Location, Store, Writer, WriterSettings};
use helpcenter::web::AppState;

/// The variable naming the PostgreSQL server to test against (a role allowed to create
/// databases: each test gets its own, dropped afterwards).
pub(crate) const POSTGRES_VARIABLE: &str = "HELPCENTER_TEST_POSTGRES";

/// One database for one test, removed when dropped.
pub(crate) struct TestDatabase {
    /// Where it is.
    pub location: Location,
    /// The SQLite file's folder.
    _folder: Option<tempfile::TempDir>,
    /// The server URL and the database to drop, for PostgreSQL.
    postgres: Option<(String, String)>,
}

impl TestDatabase {
    /// A fresh SQLite file in a new temporary folder (the file itself is not created yet).
    pub(crate) fn sqlite() -> TestDatabase {
        let folder = tempfile::tempdir().expect("temp dir");
        TestDatabase {
            location: Location::Sqlite(folder.path().join("data/helpcenter.db")),
            _folder: Some(folder),
            postgres: None,
        }
    }

    /// A fresh, empty PostgreSQL database on the server `HELPCENTER_TEST_POSTGRES` names, or
    /// `None` (with a message) when it is not set.
    pub(crate) async fn postgres(test: &str) -> Option<TestDatabase> {
        let Ok(server) = std::env::var(POSTGRES_VARIABLE) else {
            // Written to the process's stderr directly: the test harness captures `eprintln!`
            // of passing tests, and a skip must be seen.
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED on PostgreSQL: {test} (set {POSTGRES_VARIABLE}=postgres://… to run it; .ci/run does)"
            );
            return None;
        };
        let name = format!(
            "helpcenter_test_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        );
        admin(&server, &format!("DROP DATABASE IF EXISTS {name}")).await;
        admin(&server, &format!("CREATE DATABASE {name}")).await;
        Some(TestDatabase {
            location: Location::Postgres(with_database(&server, &name)),
            _folder: None,
            postgres: Some((server, name)),
        })
    }

    /// SQLite, then PostgreSQL when configured: what every storage test runs on.
    pub(crate) async fn all(test: &str) -> Vec<TestDatabase> {
        let mut databases = vec![TestDatabase::sqlite()];
        databases.extend(TestDatabase::postgres(test).await);
        databases
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((server, name)) = self.postgres.take() {
            // Dropping needs a runtime of its own: this may run inside another one's task.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a runtime");
                runtime.block_on(admin(
                    &server,
                    &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                ));
            })
            .join();
        }
    }
}

static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// Runs one administrative statement on the server's default database.
async fn admin(server: &str, statement: &str) {
    use sqlx::Connection as _;
    let mut connection = sqlx::PgConnection::connect(server)
        .await
        .unwrap_or_else(|error| panic!("{POSTGRES_VARIABLE}={server}: {error}"));
    sqlx::raw_sql(sqlx::AssertSqlSafe(statement.to_string()))
        .execute(&mut connection)
        .await
        .unwrap_or_else(|error| panic!("{statement}: {error}"));
    let _ = connection.close().await;
}

/// `server` (a URL) with its database path replaced by `name`.
fn with_database(server: &str, name: &str) -> String {
    let (base, query) = match server.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (server, None),
    };
    let scheme_end = base.find("://").map_or(0, |index| index + 3);
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |index| scheme_end + index);
    let mut url = format!("{}/{name}", &base[..host_end]);
    if let Some(query) = query {
        url.push('?');
        url.push_str(query);
    }
    url
}

/// The app state serving the content in `dir` and recording to `database` through a running
/// writer (stop it, then read the database, to see everything recorded), accepting
/// `feedback_per_minute` answers a minute from one client.
pub(crate) async fn recording_state(
    dir: &Path,
    database: &TestDatabase,
    feedback_per_minute: u32,
) -> (Arc<AppState>, Writer) {
    let snapshot = helpcenter::build_snapshot(dir, 1).expect("content builds");
    let (recorder, writer) =
        Writer::start(WriterSettings::new(database.location.clone(), 90)).await;
    assert!(recorder.is_up(), "{:?} opens", database.location);
    (
        Arc::new(
            AppState::with_recorder(snapshot, recorder).with_feedback_limit(feedback_per_minute),
        ),
        writer.expect("a writer"),
    )
}

/// The store at `database`, opened for reading.
pub(crate) async fn open(database: &TestDatabase) -> Store {
    Store::open(&database.location)
        .await
        .unwrap_or_else(|error| panic!("{:?} opens: {error}", database.location))
}
