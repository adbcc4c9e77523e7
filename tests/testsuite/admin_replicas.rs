//! Two replicas (two processes on two ports) sharing one PostgreSQL store, each with the editors'
//! dashboard on: what is recorded appears exactly once in the dashboard of either, and a session
//! from one replica's login is accepted by the other (the key comes from the shared token).
//! Skipped, with a message, without `HELPCENTER_TEST_POSTGRES`.

use std::net::SocketAddr;
use std::sync::Arc;

use helpcenter::redact::Masked;
use helpcenter::store::{Event, FeedbackEvent, FormViewEvent, Location, Reason, Store, now};

use crate::common::database::TestDatabase;
use crate::common::fixture_dir;
use crate::common::http::exchange;
use crate::common::server::Server;

/// The dashboard token both replicas share.
pub(crate) const TOKEN: &str = "replica test token, long enough";

fn block_on<T>(work: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(work)
}

/// A fresh PostgreSQL database for the test `name` (`None` without `HELPCENTER_TEST_POSTGRES`: the
/// test is skipped) and two servers started at once on it, both with the dashboard on.
pub(crate) fn two_replicas_on_postgres(name: &str) -> Option<(TestDatabase, Server, Server)> {
    let database = block_on(TestDatabase::postgres(name))?;
    let Location::Postgres(url) = &database.location else {
        unreachable!("a PostgreSQL database");
    };
    let (first, second) = start_two(url);
    Some((database, first, second))
}

/// Two servers started at once on the PostgreSQL database at `url`, both with the dashboard on
/// (against a fresh database, the migration runs once, under its lock).
fn start_two(url: &str) -> (Server, Server) {
    let env = [("HELPCENTER_ADMIN_TOKEN", TOKEN)];
    std::thread::scope(|scope| {
        let first =
            scope.spawn(|| Server::start_with_env(&fixture_dir(), &["--database", url], &env));
        let second =
            scope.spawn(|| Server::start_with_env(&fixture_dir(), &["--database", url], &env));
        (
            first.join().expect("first replica"),
            second.join().expect("second replica"),
        )
    })
}

/// Logs in to the dashboard at `addr` and returns the session cookie's value.
pub(crate) fn log_in(addr: SocketAddr) -> String {
    let body = serde_urlencoded::to_string([("token", TOKEN)]).expect("encodes");
    let request = format!(
        "POST /admin/login HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\n\
         Connection: close\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let (status, text) = exchange(addr, request.as_bytes());
    assert_eq!(status, Some(303), "{text}");
    text.lines()
        .find_map(|line| line.strip_prefix("set-cookie: helpcenter_admin="))
        .and_then(|rest| rest.split(';').next())
        .expect("a session cookie")
        .to_string()
}

/// The dashboard's "was this helpful?" table at `addr` for the last 7 days: (page, form views,
/// yes, no) per page.
pub(crate) fn dashboard_pages(addr: SocketAddr, session: &str) -> Vec<Vec<String>> {
    let request = format!(
        "GET /admin?period=7 HTTP/1.1\r\nHost: {addr}\r\nCookie: helpcenter_admin={session}\r\n\
         Connection: close\r\n\r\n"
    );
    let (status, text) = exchange(addr, request.as_bytes());
    assert_eq!(status, Some(200), "{text}");
    let body = text.split_once("\r\n\r\n").map_or("", |(_, body)| body);
    let html = scraper::Html::parse_document(body);
    let rows = scraper::Selector::parse("#table-pages tbody tr").expect("selector");
    let cells = scraper::Selector::parse("td").expect("selector");
    html.select(&rows)
        .map(|row| {
            row.select(&cells)
                .map(|cell| cell.text().collect::<String>().trim().to_string())
                .collect()
        })
        .collect()
}

fn answer(page: &str, helpful: bool) -> Event {
    Event::Feedback(FeedbackEvent {
        at: now(),
        page: Masked::from_own(page),
        helpful,
        reason: (!helpful).then_some(Reason::NoPerson),
        comment: None,
        query: None,
        content_version: Arc::from("v"),
    })
}

#[test]
fn two_replicas_show_each_answer_once_in_either_dashboard() {
    let Some((database, first, second)) =
        two_replicas_on_postgres("two_replicas_show_each_answer_once_in_either_dashboard")
    else {
        return;
    };
    // What the two replicas recorded into the shared store (each replica's share written
    // separately, as its writer would).
    block_on(async {
        let store = Store::open(&database.location).await.expect("opens");
        let mut from_first: Vec<Event> = (0..3)
            .map(|_| answer("/articles/lost-card", true))
            .collect();
        from_first.push(answer("/faq#live-person", false));
        from_first.push(Event::FormView(FormViewEvent {
            at: now(),
            page: Masked::from_own("/articles/lost-card"),
            content_version: Arc::from("v"),
        }));
        let from_second: Vec<Event> = vec![
            answer("/articles/lost-card", false),
            answer("/articles/lost-card", false),
            answer("/articles/points", true),
        ];
        store.insert(&from_first).await.expect("insert");
        store.insert(&from_second).await.expect("insert");
        store.close().await;
    });
    let expected: Vec<Vec<String>> = [
        ["/articles/lost-card", "1", "3", "2"],
        ["/articles/points", "0", "1", "0"],
        ["/faq#live-person", "0", "0", "1"],
    ]
    .iter()
    .map(|row| row.iter().map(|cell| cell.to_string()).collect())
    .collect();
    let session = log_in(first.addr);
    assert_eq!(dashboard_pages(first.addr, &session), expected);
    // The first replica's session is good on the second: the same token, the same key.
    assert_eq!(dashboard_pages(second.addr, &session), expected);
    assert_eq!(dashboard_pages(second.addr, &log_in(second.addr)), expected);
}
