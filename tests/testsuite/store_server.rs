//! The real binary with its store: a database that cannot be opened leaves every page and search
//! served, is logged once, makes the feedback form answer 503, and is written to once it comes
//! back; and two replicas (two processes on two ports) sharing one PostgreSQL store each answer
//! exactly once, in the database and in the dashboard of either (skipped, with a message, without
//! `HELPCENTER_TEST_POSTGRES`).

use std::time::Duration;

use helpcenter::store::{Location, Store};

use crate::admin_replicas;
use crate::common::fixture_dir;
use crate::common::http::{get, post_form};
use crate::common::server::{Server, poll_until};

fn answer(page: &str, helpful: &str) -> String {
    serde_urlencoded::to_string([("page", page), ("helpful", helpful)]).expect("encodes")
}

fn store_up(server: &Server) -> bool {
    let response = get(server.addr, "/healthz").expect("healthz answers");
    let json: serde_json::Value = serde_json::from_slice(&response.body).expect("healthz JSON");
    json["store"]["up"] == serde_json::Value::Bool(true)
}

/// Runs `work` on a fresh single-thread runtime (the test itself is synchronous: the servers are
/// other processes).
fn block_on<T>(work: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(work)
}

#[test]
fn a_database_that_cannot_be_opened_is_survived_and_recording_resumes_when_it_returns() {
    let root = tempfile::tempdir().expect("temp dir");
    // The database's folder is a regular file: SQLite cannot open it until the file goes.
    let blocker = root.path().join("data");
    std::fs::write(&blocker, "not a folder").expect("write");
    let database = blocker.join("helpcenter.db");
    let database_arg = database.to_string_lossy().into_owned();
    let server = Server::start(&fixture_dir(), &["--database", &database_arg]);
    assert!(!store_up(&server));
    for path in [
        "/",
        "/articles/lost-card",
        "/faq",
        "/search?q=lost+card",
        "/api/search?q=lost",
    ] {
        assert_eq!(
            get(server.addr, path).expect("answers").status,
            200,
            "{path}"
        );
    }
    let refused = post_form(
        server.addr,
        "/feedback",
        &answer("/articles/lost-card", "yes"),
        &[],
    )
    .expect("answers");
    assert_eq!(refused.status, 503);
    assert!(
        refused
            .text()
            .contains("Feedback cannot be recorded right now")
    );
    // Retries go on in the background; the problem is logged once.
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        server.log().matches("the store is unavailable").count(),
        1,
        "{}",
        server.log()
    );
    std::fs::remove_file(&blocker).expect("remove the blocker");
    assert!(
        poll_until(Duration::from_secs(30), || store_up(&server)),
        "recording resumes: {}",
        server.log()
    );
    // The line is logged as the store comes up; the log reaches the test through a pipe.
    assert!(
        poll_until(Duration::from_secs(10), || server
            .log()
            .contains("the store is reachable again")),
        "{}",
        server.log()
    );
    let accepted = post_form(
        server.addr,
        "/feedback",
        &answer("/articles/lost-card", "yes"),
        &[],
    )
    .expect("answers");
    assert_eq!(accepted.status, 303);
    server.signal("TERM");
    let mut server = server;
    assert!(server.wait_for_exit(Duration::from_secs(30)).is_some());
    let rows = block_on(async {
        let store = Store::open(&Location::Sqlite(database.clone()))
            .await
            .expect("opens");
        store.feedback(0).await.expect("read")
    });
    assert_eq!(rows.len(), 1);
}

#[test]
fn two_replicas_sharing_postgresql_store_each_answer_exactly_once() {
    // Both start at once against a fresh database, the editors' dashboard on in both.
    let Some((database, first, second)) = admin_replicas::two_replicas_on_postgres(
        "two_replicas_sharing_postgresql_store_each_answer_exactly_once",
    ) else {
        return;
    };
    assert_ne!(first.addr, second.addr);
    assert!(store_up(&first) && store_up(&second));
    let sends = [
        (&first, "/articles/lost-card", "yes", 3),
        (&first, "/faq#live-person", "no", 2),
        (&second, "/articles/lost-card", "no", 4),
        (&second, "/articles/points", "yes", 1),
    ];
    for (server, page, helpful, times) in sends {
        for _ in 0..times {
            let response =
                post_form(server.addr, "/feedback", &answer(page, helpful), &[]).expect("answers");
            assert_eq!(response.status, 303, "{}", response.text());
        }
    }
    // Each answer, whichever replica took it, appears exactly once in the dashboard of either
    // (the writers batch in the background: wait for them, bounded).
    let expected: Vec<Vec<String>> = [
        ["/articles/lost-card", "0", "3", "4"],
        ["/articles/points", "0", "1", "0"],
        ["/faq#live-person", "0", "0", "2"],
    ]
    .iter()
    .map(|row| row.iter().map(|cell| cell.to_string()).collect())
    .collect();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    for server in [&first, &second] {
        let session = admin_replicas::log_in(server.addr);
        let mut shown = admin_replicas::dashboard_pages(server.addr, &session);
        while shown != expected && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
            shown = admin_replicas::dashboard_pages(server.addr, &session);
        }
        assert_eq!(shown, expected, "the dashboard of {}", server.addr);
    }
    for server in [&first, &second] {
        server.signal("TERM");
    }
    for mut server in [first, second] {
        assert!(server.wait_for_exit(Duration::from_secs(30)).is_some());
    }
    let counts = block_on(async {
        let store = Store::open(&database.location).await.expect("opens");
        let counts = store.feedback_per_page(0).await.expect("read");
        store.close().await;
        counts
    });
    let summary: Vec<(&str, i64, i64)> = counts
        .iter()
        .map(|page| (page.page.as_str(), page.yes, page.no))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("/articles/lost-card", 3, 4),
            ("/articles/points", 1, 0),
            ("/faq#live-person", 0, 2),
        ]
    );
}
