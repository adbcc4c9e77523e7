//! Resilience of the real program: the `helpcenter` binary on 127.0.0.1 (a free port, bounded
//! timeouts, the child killed on drop) for oversized and malformed requests, live reload under load
//! and graceful shutdown on SIGTERM and SIGINT; and, in-process, a panicking handler answered with
//! the 500 page while the app keeps serving.

use std::io::{self, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use helpcenter::web::{MAX_HEADER_BYTES, MAX_TARGET_BYTES};

use crate::common;
use crate::common::http::{IO_TIMEOUT, Outcome, exchange, fetch, get, read_response, slow_reader};
use crate::common::server::{Server, poll_until};

// ---------------------------------------------------------------------------------------------
// Oversized and malformed requests on a real socket.

#[test]
fn oversized_targets_get_414_and_oversized_headers_get_431_on_a_real_socket() {
    let server = Server::start(&common::content_dir(), &["--workers", "1"]);
    let addr = server.addr;
    let long_get = |target_len: usize| {
        let prefix = "/search?q=";
        let target = format!("{prefix}{}", "a".repeat(target_len - prefix.len()));
        format!("GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").into_bytes()
    };
    let with_headers = |headers: &str| {
        format!("GET / HTTP/1.1\r\nHost: x\r\n{headers}Connection: close\r\n\r\n").into_bytes()
    };
    let header_lines = |count: usize, value_len: usize| -> String {
        (0..count)
            .map(|n| format!("X-Filler-{n}: {}\r\n", "v".repeat(value_len)))
            .collect()
    };
    // (what, request, expected status, whether our HTML error page is expected)
    let cases: Vec<(&str, Vec<u8>, u16, bool)> = vec![
        (
            "target at the limit",
            long_get(MAX_TARGET_BYTES),
            200,
            false,
        ),
        (
            "target one byte over",
            long_get(MAX_TARGET_BYTES + 1),
            414,
            true,
        ),
        ("10 KB target", long_get(10 * 1024), 414, true),
        ("60 KB target", long_get(60 * 1024), 414, true),
        // The `http` crate cannot hold a target over 65,534 bytes: actix-http answers 400 itself.
        ("100 KB target", long_get(100 * 1024), 400, false),
        // Over actix-http's 128 KiB head buffer: actix-http answers 431 itself.
        ("200 KB target", long_get(200 * 1024), 431, false),
        ("1 MB target", long_get(1024 * 1024), 431, false),
        (
            "headers under the limit",
            with_headers(&header_lines(10, 1000)),
            200,
            false,
        ),
        (
            "one 20 KB header",
            with_headers(&header_lines(1, 20 * 1024)),
            431,
            true,
        ),
        (
            "headers just over the limit",
            with_headers(&header_lines(1, MAX_HEADER_BYTES)),
            431,
            true,
        ),
        (
            "60 headers of 1 KB",
            with_headers(&header_lines(60, 1024)),
            431,
            true,
        ),
        // More than actix-http's 96 header fields, or a 200 KB head: actix-http's own 431.
        (
            "100 small headers",
            with_headers(&header_lines(100, 1)),
            431,
            false,
        ),
        (
            "200 KB of headers",
            with_headers(&header_lines(200, 1024)),
            431,
            false,
        ),
    ];
    let mut failures = Vec::new();
    for (what, request, expected, html_page) in &cases {
        let (status, text) = exchange(addr, request);
        if status != Some(*expected) {
            failures.push(format!("{what}: got {status:?}, expected {expected}"));
        } else if *html_page && !text.contains("id=\"error-page\"") {
            failures.push(format!("{what}: {expected} without the HTML error page"));
        }
    }
    // The API answers the same limits in JSON.
    let api = format!(
        "GET /api/search?q={} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "a".repeat(MAX_TARGET_BYTES)
    );
    let (status, text) = exchange(addr, api.as_bytes());
    if status != Some(414) || !text.contains("\"error\"") {
        failures.push(format!("API over the target limit: {status:?} {text:.200}"));
    }
    // Still serving afterwards.
    let home = get(addr, "/").map(|r| r.status);
    if home.as_ref().ok() != Some(&200) {
        failures.push(format!("home after the oversized requests: {home:?}"));
    }
    assert!(
        failures.is_empty(),
        "{}\nserver log:\n{}",
        failures.join("\n"),
        server.log()
    );
}

#[test]
fn malformed_request_lines_get_4xx_on_a_real_socket() {
    let server = Server::start(&common::content_dir(), &["--workers", "1"]);
    let cases: &[(&str, &[u8], u16)] = &[
        (
            "raw non-UTF-8 query",
            b"GET /search?q=\xff\xfe\x80 HTTP/1.1\r\nHost: x\r\n\r\n",
            400,
        ),
        (
            "NUL in target",
            b"GET /search?q=a\x00b HTTP/1.1\r\nHost: x\r\n\r\n",
            400,
        ),
        (
            "TLS handshake",
            b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\x00\x00\x00\x00",
            400,
        ),
        ("HTTP/2 preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 400),
        ("no version", b"GET /\r\n\r\n", 400),
        (
            "space in target",
            b"GET /a b HTTP/1.1\r\nHost: x\r\n\r\n",
            400,
        ),
        (
            "header without colon",
            b"GET / HTTP/1.1\r\nHost x\r\n\r\n",
            400,
        ),
        (
            "CR in header value",
            b"GET / HTTP/1.1\r\nHost: x\rSet-Cookie: a=b\r\n\r\n",
            400,
        ),
        (
            "raw traversal",
            b"GET /static/../Cargo.toml HTTP/1.1\r\nHost: x\r\n\r\n",
            404,
        ),
        (
            "raw deep traversal",
            b"GET /static/../../../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
            404,
        ),
        (
            "absolute-form traversal",
            b"GET http://evil.example/static/../../Cargo.toml HTTP/1.1\r\nHost: x\r\n\r\n",
            404,
        ),
        (
            "lower-case method",
            b"get / HTTP/1.1\r\nHost: x\r\n\r\n",
            405,
        ),
        (
            "HTTP/1.0 without Host",
            b"GET /healthz HTTP/1.0\r\n\r\n",
            200,
        ),
    ];
    let mut failures = Vec::new();
    for (what, request, expected) in cases {
        let (status, text) = exchange(server.addr, request);
        if status != Some(*expected) {
            failures.push(format!("{what}: got {status:?}, expected {expected}"));
        }
        if text.contains("[package]") || text.contains("root:x:0:0") {
            failures.push(format!("{what}: leaked a file"));
        }
    }
    assert!(
        get(server.addr, "/").is_ok_and(|r| r.status == 200),
        "still serving"
    );
    assert!(
        failures.is_empty(),
        "{}\nserver log:\n{}",
        failures.join("\n"),
        server.log()
    );
}

// ---------------------------------------------------------------------------------------------
// Live reload under load.

/// Replaces `path` with `text` in one step (written beside the content folder, then renamed in), so
/// the watcher never sees a half-written file.
fn replace_file(path: &Path, staging: &Path, text: &str) {
    std::fs::write(staging, text).expect("write staging file");
    std::fs::rename(staging, path).expect("rename into place");
}

/// Which title a page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seen {
    Old,
    New,
}

#[derive(Default)]
struct LoadReport {
    requests: AtomicUsize,
    old: AtomicUsize,
    new: AtomicUsize,
    failures: Mutex<Vec<String>>,
}

impl LoadReport {
    fn fail(&self, message: String) {
        self.failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(message);
    }
}

#[test]
fn live_reload_under_load_swaps_atomically_and_a_broken_edit_keeps_the_last_good_version() {
    let root = tempfile::tempdir().expect("temp dir");
    let content = root.path().join("content");
    common::copy_tree(&common::content_dir(), &content);
    let staging = root.path().join("staging.md");
    let article_path = content.join("articles/lost-or-stolen-card.md");
    let original = std::fs::read_to_string(&article_path).expect("article");
    let title_line = original
        .lines()
        .find(|line| line.starts_with("title = "))
        .expect("a title line")
        .to_string();
    let old_title = title_line
        .trim_start_matches("title = ")
        .trim_matches('"')
        .to_string();
    let new_title = "Lost or stolen Amex card reported in minutes".to_string();
    assert!(!old_title.contains(&new_title) && !new_title.contains(&old_title));

    let server = Server::start(&content, &["--watch", "--workers", "2"]);
    let addr = server.addr;
    assert_eq!(server.content_version(), 1);
    assert!(
        server.wait_for_log("watching content", 1, IO_TIMEOUT),
        "watcher did not start:\n{}",
        server.log()
    );

    // Clients hammer the article and a search that lists it. A response must show exactly one of
    // the two titles; once any client has *received* the new title, no request sent after that may
    // show the old one (the swap is atomic and never goes back).
    let stop = Arc::new(AtomicBool::new(false));
    let new_received = Arc::new(AtomicBool::new(false));
    let report = Arc::new(LoadReport::default());
    let clients: Vec<_> = (0..4)
        .map(|client| {
            let (stop, new_received, report) = (
                Arc::clone(&stop),
                Arc::clone(&new_received),
                Arc::clone(&report),
            );
            let (old_title, new_title) = (old_title.clone(), new_title.clone());
            thread::spawn(move || {
                let paths = [
                    "/articles/lost-or-stolen-card",
                    "/search?q=lost+stolen+card",
                ];
                let mut round = client;
                while !stop.load(Ordering::SeqCst) {
                    let path = paths[round % paths.len()];
                    round += 1;
                    let new_already = new_received.load(Ordering::SeqCst);
                    report.requests.fetch_add(1, Ordering::SeqCst);
                    let response = match get(addr, path) {
                        Ok(response) if response.status == 200 => response,
                        Ok(response) => {
                            report.fail(format!("{path}: status {}", response.status));
                            continue;
                        }
                        Err(error) => {
                            report.fail(format!("{path}: {error}"));
                            continue;
                        }
                    };
                    let text = response.text();
                    let seen = match (text.contains(&old_title), text.contains(&new_title)) {
                        (true, false) => Seen::Old,
                        (false, true) => Seen::New,
                        both => {
                            report.fail(format!("{path}: titles (old, new) present: {both:?}"));
                            continue;
                        }
                    };
                    match seen {
                        Seen::Old if new_already => {
                            report.fail(format!("{path}: old title after the new one was served"));
                        }
                        Seen::Old => {
                            report.old.fetch_add(1, Ordering::SeqCst);
                        }
                        Seen::New => {
                            report.new.fetch_add(1, Ordering::SeqCst);
                            new_received.store(true, Ordering::SeqCst);
                        }
                    }
                }
            })
        })
        .collect();

    // Load on the old version first, then the edit, then load on the new version.
    assert!(
        poll_until(IO_TIMEOUT, || report.old.load(Ordering::SeqCst) >= 20),
        "no load reached the server"
    );
    thread::sleep(Duration::from_millis(500));
    let edited = original.replace(&title_line, &format!("title = \"{new_title}\""));
    replace_file(&article_path, &staging, &edited);
    let swapped = poll_until(Duration::from_secs(60), || {
        new_received.load(Ordering::SeqCst)
    });
    let new_at_swap = report.new.load(Ordering::SeqCst);
    let kept_on = poll_until(IO_TIMEOUT, || {
        report.new.load(Ordering::SeqCst) >= new_at_swap + 20
    });
    thread::sleep(Duration::from_millis(500));
    stop.store(true, Ordering::SeqCst);
    for client in clients {
        client.join().expect("client thread");
    }
    let failures = report
        .failures
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let (requests, old, new) = (
        report.requests.load(Ordering::SeqCst),
        report.old.load(Ordering::SeqCst),
        report.new.load(Ordering::SeqCst),
    );
    eprintln!(
        "live reload: {requests} requests, {old} old, {new} new, {} failed",
        failures.len()
    );
    assert!(
        swapped && kept_on,
        "the new title was not served:\n{}",
        server.log()
    );
    assert!(
        failures.is_empty(),
        "{} of {requests} requests failed:\n{}\nserver log:\n{}",
        failures.len(),
        failures
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n"),
        server.log()
    );
    assert!(old >= 20 && new >= 20, "old {old}, new {new}");
    let good_version = server.content_version();
    assert!(
        good_version >= 2,
        "content_version {good_version} after a reload"
    );
    // Every reload that started has finished before the broken edit is written.
    assert!(server.wait_for_log("content reloaded", (good_version - 1) as usize, IO_TIMEOUT));

    // A broken edit: the reload fails, names the file and line, and the last good version stays.
    let category_line = edited
        .lines()
        .position(|line| line.starts_with("category = "))
        .expect("a category line")
        + 1;
    let broken = edited
        .lines()
        .map(|line| {
            if line.starts_with("category = ") {
                "category = \"no-such-category\""
            } else {
                line
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    replace_file(&article_path, &staging, &broken);
    assert!(
        server.wait_for_log("content reload failed", 1, Duration::from_secs(60)),
        "the broken edit was not reported:\n{}",
        server.log()
    );
    let log = server.log();
    let location = format!("lost-or-stolen-card.md:{category_line}: unknown category");
    assert!(
        log.contains(&location),
        "log does not name {location:?}:\n{log}"
    );
    assert_eq!(
        server.content_version(),
        good_version,
        "version changed on a broken edit"
    );
    let page = get(addr, "/articles/lost-or-stolen-card").expect("article after broken edit");
    assert_eq!(page.status, 200);
    assert!(
        page.text().contains(&new_title),
        "last good version not served"
    );
}

// ---------------------------------------------------------------------------------------------
// Graceful shutdown.

fn shutdown_finishes_in_flight_requests_and_exits_0(signal: &str) {
    let server = Server::start(&common::content_dir(), &["--workers", "2"]);
    let mut server = server;
    let addr = server.addr;
    let signalled = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let report = Arc::new(LoadReport::default());

    // Background load: every response must be a complete 200 and none may be cut off. Once the
    // signal is sent, connections are refused, and one accepted but not yet read is closed without
    // an answer (actix-http drains: no new request starts); a client may retry those (RFC 9112
    // 9.3.1). Before the signal, every request must be answered.
    let clients: Vec<_> = (0..3)
        .map(|_| {
            let (signalled, stop, report) = (
                Arc::clone(&signalled),
                Arc::clone(&stop),
                Arc::clone(&report),
            );
            thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    match fetch(addr, "/search?q=lost+card") {
                        Outcome::Complete(response) if response.status == 200 => {
                            report.requests.fetch_add(1, Ordering::SeqCst);
                        }
                        Outcome::Complete(response) => {
                            report.fail(format!("status {}", response.status));
                        }
                        Outcome::Cut(bytes) => {
                            report.fail(format!("response cut off after {bytes} bytes"));
                        }
                        // Checked after the failure: the flag is set before the signal is sent.
                        Outcome::NotAnswered(_) if signalled.load(Ordering::SeqCst) => {
                            thread::sleep(Duration::from_millis(5));
                        }
                        Outcome::NotAnswered(error) => {
                            report.fail(format!("before the signal: {error}"));
                        }
                    }
                }
            })
        })
        .collect();
    assert!(poll_until(IO_TIMEOUT, || {
        report.requests.load(Ordering::SeqCst) >= 20
    }));

    // Requests in flight: large pages the clients have not read yet.
    let in_flight: Vec<(TcpStream, &str)> = ["/faq", "/contact", "/faq"]
        .into_iter()
        .map(|path| (slow_reader(addr, path), path))
        .collect();
    thread::sleep(Duration::from_millis(300));

    signalled.store(true, Ordering::SeqCst);
    server.signal(signal);
    // Shutting down, not yet gone: the slow readers hold it open; new connections are refused.
    thread::sleep(Duration::from_millis(300));
    let still_running = server.is_running();
    let refused_while_draining = TcpStream::connect_timeout(&addr, IO_TIMEOUT)
        .err()
        .map(|error| error.kind());

    let mut failures = Vec::new();
    for (mut stream, path) in in_flight {
        thread::sleep(Duration::from_millis(100));
        match read_response(&mut stream) {
            Ok(response) if response.status == 200 && response.head.contains("content-length") => {}
            Ok(response) => failures.push(format!("in-flight {path}: status {}", response.status)),
            Err(error) => failures.push(format!("in-flight {path}: {error}")),
        }
    }
    let status = server.wait_for_exit(Duration::from_secs(30));
    stop.store(true, Ordering::SeqCst);
    for client in clients {
        client.join().expect("client thread");
    }
    failures.extend(
        report
            .failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .cloned(),
    );
    let log = server.log();
    assert!(
        still_running,
        "SIG{signal}: exited before in-flight requests finished:\n{log}"
    );
    assert_eq!(
        refused_while_draining,
        Some(io::ErrorKind::ConnectionRefused),
        "SIG{signal}: new connection while shutting down"
    );
    assert!(
        failures.is_empty(),
        "SIG{signal}:\n{}\n{log}",
        failures.join("\n")
    );
    let status = status.unwrap_or_else(|| panic!("SIG{signal}: did not exit within 30 s:\n{log}"));
    assert_eq!(
        status.code(),
        Some(0),
        "SIG{signal}: exit status {status}:\n{log}"
    );
    assert!(log.contains(&format!("SIG{signal} received")), "{log}");
    assert!(log.contains("shut down cleanly"), "{log}");
    let after_exit = TcpStream::connect_timeout(&addr, IO_TIMEOUT)
        .err()
        .map(|e| e.kind());
    assert_eq!(
        after_exit,
        Some(io::ErrorKind::ConnectionRefused),
        "SIG{signal}: after exit"
    );
}

#[test]
fn sigterm_finishes_in_flight_requests_refuses_new_connections_and_exits_0() {
    shutdown_finishes_in_flight_requests_and_exits_0("TERM");
}

#[test]
fn sigint_finishes_in_flight_requests_refuses_new_connections_and_exits_0() {
    shutdown_finishes_in_flight_requests_and_exits_0("INT");
}

// ---------------------------------------------------------------------------------------------
// A panicking handler, in-process.

/// Log output captured from `tracing` while a test runs.
#[derive(Clone, Default)]
struct CapturedLog(Arc<Mutex<Vec<u8>>>);

impl Write for CapturedLog {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl CapturedLog {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }
}

async fn panics_with_a_message() -> HttpResponse {
    panic!("deliberate test panic {}", 42)
}

async fn panics_with_a_str() -> HttpResponse {
    panic!("deliberate static panic")
}

async fn panics_with_a_number() -> HttpResponse {
    std::panic::panic_any(7_u32)
}

#[actix_web::test]
async fn a_panicking_handler_gets_the_500_page_and_the_app_keeps_serving() {
    let log = CapturedLog::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let state = common::state(&common::fixture_dir());
    let app = actix_web::test::init_service(helpcenter::web::app_with(
        web::Data::from(state),
        false,
        |config| {
            config
                .service(helpcenter::web::guarded_resource(
                    "/boom",
                    panics_with_a_message,
                ))
                .service(helpcenter::web::guarded_resource(
                    "/boom-str",
                    panics_with_a_str,
                ))
                .service(helpcenter::web::guarded_resource(
                    "/boom-any",
                    panics_with_a_number,
                ));
            helpcenter::web::routes(config);
        },
    ))
    .await;

    for round in 0..3 {
        for path in ["/boom", "/boom-str", "/boom-any"] {
            let page = common::get(&app, path).await;
            assert_eq!(
                page.status,
                StatusCode::INTERNAL_SERVER_ERROR,
                "{path} round {round}"
            );
            assert!(
                page.header("content-type")
                    .unwrap_or("")
                    .starts_with("text/html")
            );
            assert_eq!(page.count("#error-page"), 1, "{path}: the HTML error page");
            assert_eq!(
                page.header("x-content-type-options"),
                Some("nosniff"),
                "{path}: security headers on the 500 page"
            );
            assert!(
                !page.body.contains("deliberate"),
                "{path}: panic message leaked"
            );
            let home = common::get(&app, "/").await;
            assert_eq!(
                home.status,
                StatusCode::OK,
                "home after {path} round {round}"
            );
        }
    }
    let text = log.text();
    assert!(
        text.contains("handler panicked") && text.contains("deliberate test panic 42"),
        "{text}"
    );
    assert!(
        text.contains("deliberate static panic") && text.contains("/boom-str"),
        "{text}"
    );
    assert!(text.contains("unknown panic"), "{text}");
}
