//! "Was this helpful?" and search analytics through the real route table, in-process, recording
//! to a real SQLite store: the form on every article, FAQ entry and results page; answers without
//! and with JavaScript; the thank-you addresses; searches recorded from the cache too; beacons;
//! and the security tests: origin refusal, oversize and malformed posts, SQL and HTML payloads
//! stored as text, the rate limit (429), and a store that is off (503).

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use helpcenter::store::Store;

use crate::common::database::{TestDatabase, open, recording_state};
use crate::common::{Fetched, app, fixture_dir, get, send, state};

const HOST: &str = "help.example";
const ORIGIN: &str = "http://help.example";

/// A form post to `path` from this site's own page, with `headers` added.
fn post(path: &str, body: &str, headers: &[(&str, &str)]) -> actix_http::Request {
    let mut request = TestRequest::post()
        .uri(path)
        .insert_header(("host", HOST))
        .insert_header(("content-type", "application/x-www-form-urlencoded"))
        .set_payload(body.to_string());
    if !headers.iter().any(|(name, _)| *name == "origin") {
        request = request.insert_header(("origin", ORIGIN));
    }
    for (name, value) in headers {
        request = request.insert_header((*name, *value));
    }
    request.to_request()
}

fn form(fields: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(fields).expect("encodes")
}

/// Stops the writer (so everything queued is written) and opens the store.
async fn stored(writer: helpcenter::store::Writer, database: &TestDatabase) -> Store {
    writer.stop().await;
    open(database).await
}

#[actix_web::test]
async fn every_article_faq_entry_and_results_page_has_the_form() {
    let app = app(state(&fixture_dir())).await;
    let article = get(&app, "/articles/lost-card").await;
    assert_eq!(
        article.attrs("#article-feedback form", "action"),
        vec!["/feedback", "/feedback"]
    );
    assert_eq!(
        article.attrs("#article-feedback input[name=page]", "value"),
        vec!["/articles/lost-card", "/articles/lost-card"]
    );
    assert_eq!(article.count("#article-feedback input[name=reason]"), 5);
    assert_eq!(
        article.attrs("#article-feedback textarea", "maxlength"),
        vec!["500"]
    );
    // The numbers shown after a "no" are the article's phone entries, with the safety note.
    let sorry = article.texts("#article-feedback-sorry");
    assert!(
        sorry[0].contains("Report a lost or stolen card"),
        "{sorry:?}"
    );
    assert_eq!(article.count("#article-feedback-sorry .safety"), 1);
    assert_eq!(article.count("#article-feedback-thanks"), 1);

    let faq = get(&app, "/faq").await;
    assert_eq!(
        faq.attrs("#faq-live-person-feedback input[name=page]", "value"),
        vec!["/faq#live-person", "/faq#live-person"]
    );
    assert_eq!(faq.count("#faq-lost-card-feedback-sorry"), 1);

    let search = get(&app, "/search?q=lost+card").await;
    assert_eq!(
        search.attrs("#search-feedback input[name=q]", "value"),
        vec!["lost card", "lost card"]
    );
    // No query, no form.
    assert_eq!(get(&app, "/search").await.count("#search-feedback"), 0);
}

#[actix_web::test]
async fn answers_without_javascript_come_back_to_the_thank_you() {
    let database = TestDatabase::sqlite();
    let (state, writer) = recording_state(&fixture_dir(), &database, 1000).await;
    let app = app(state).await;
    let cases = [
        (
            form(&[("page", "/articles/lost-card"), ("helpful", "yes")]),
            "/articles/lost-card#article-feedback-thanks",
        ),
        (
            form(&[
                ("page", "/articles/lost-card"),
                ("reason", "no-person"),
                ("comment", "I waited an hour"),
                ("helpful", "no"),
            ]),
            "/articles/lost-card#article-feedback-sorry",
        ),
        (
            form(&[("page", "/faq#live-person"), ("helpful", "no")]),
            "/faq#faq-live-person-feedback-sorry",
        ),
        (
            form(&[("page", "/search"), ("q", "Lost  CARD"), ("helpful", "yes")]),
            "/search?q=Lost++CARD#search-feedback-thanks",
        ),
    ];
    for (body, location) in &cases {
        let answer = send(&app, post("/feedback", body, &[])).await;
        assert_eq!(
            answer.status,
            StatusCode::SEE_OTHER,
            "{body}: {}",
            answer.body
        );
        assert_eq!(answer.header("location"), Some(*location), "{body}");
        assert_eq!(answer.header("cache-control"), Some("no-store"));
        assert!(answer.header("set-cookie").is_none());
    }
    // With JavaScript: the same answer as JSON, no redirect.
    let json = send(
        &app,
        post(
            "/feedback",
            &form(&[("page", "/articles/points"), ("helpful", "yes")]),
            &[("accept", "application/json")],
        ),
    )
    .await;
    assert_eq!(json.status, StatusCode::OK);
    assert_eq!(json.body, r#"{"recorded":true}"#);
    let store = stored(writer, &database).await;
    let rows = store.feedback(0).await.expect("read");
    type Row<'a> = (
        &'a str,
        bool,
        Option<&'a str>,
        Option<&'a str>,
        Option<&'a str>,
    );
    let summary: Vec<Row<'_>> = rows
        .iter()
        .map(|row| {
            (
                row.page.as_str(),
                row.helpful,
                row.reason.as_deref(),
                row.comment.as_deref(),
                row.query.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("/articles/lost-card", true, None, None, None),
            (
                "/articles/lost-card",
                false,
                Some("no-person"),
                Some("I waited an hour"),
                None
            ),
            ("/faq#live-person", false, None, None, None),
            ("/search", true, None, None, Some("lost card")),
            ("/articles/points", true, None, None, None),
        ]
    );
}

#[actix_web::test]
async fn posts_from_other_origins_are_refused_and_not_stored() {
    let database = TestDatabase::sqlite();
    let (state, writer) = recording_state(&fixture_dir(), &database, 1000).await;
    let app = app(state).await;
    let body = form(&[("page", "/articles/lost-card"), ("helpful", "yes")]);
    let refusals: &[&[(&str, &str)]] = &[
        &[("origin", "http://evil.example")],
        &[("origin", "http://help.example.evil.example")],
        &[("origin", "null")],
        &[("origin", ORIGIN), ("sec-fetch-site", "cross-site")],
        &[
            ("origin", "http://evil.example"),
            ("referer", "http://help.example/faq"),
        ],
    ];
    for headers in refusals {
        for path in ["/feedback", "/api/event"] {
            let answer = send(&app, post(path, &body, headers)).await;
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{path} {headers:?}");
        }
    }
    // Neither Origin nor Referer: refused too.
    let bare = TestRequest::post()
        .uri("/feedback")
        .insert_header(("host", HOST))
        .insert_header(("content-type", "application/x-www-form-urlencoded"))
        .set_payload(body.clone())
        .to_request();
    let answer = send(&app, bare).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert!(
        answer
            .body
            .contains("only accepts answers sent from a page")
    );
    // A Referer from this site is enough when Origin is absent.
    let referred = TestRequest::post()
        .uri("/feedback")
        .insert_header(("host", HOST))
        .insert_header(("referer", "http://help.example/articles/lost-card"))
        .insert_header(("content-type", "application/x-www-form-urlencoded"))
        .set_payload(body)
        .to_request();
    assert_eq!(send(&app, referred).await.status, StatusCode::SEE_OTHER);
    let store = stored(writer, &database).await;
    assert_eq!(store.feedback(0).await.expect("read").len(), 1);
}

#[actix_web::test]
async fn oversize_and_malformed_posts_get_clear_4xx_answers() {
    let database = TestDatabase::sqlite();
    let (state, writer) = recording_state(&fixture_dir(), &database, 1000).await;
    let app = app(state).await;
    let page = ("page", "/articles/lost-card");
    let long_comment = "x".repeat(501);
    let huge = "y".repeat(9000);
    let cases: Vec<(String, StatusCode, &str)> = vec![
        (
            form(&[page, ("helpful", "no"), ("comment", &long_comment)]),
            StatusCode::BAD_REQUEST,
            "limited to 500 characters",
        ),
        (
            form(&[page, ("helpful", "no"), ("comment", &huge)]),
            StatusCode::PAYLOAD_TOO_LARGE,
            "larger than this form accepts",
        ),
        (form(&[page]), StatusCode::BAD_REQUEST, "yes or no"),
        (
            form(&[page, ("helpful", "maybe")]),
            StatusCode::BAD_REQUEST,
            "yes or no",
        ),
        (
            form(&[("page", "/articles/nope"), ("helpful", "yes")]),
            StatusCode::BAD_REQUEST,
            "not about a page",
        ),
        (
            form(&[("page", "//evil.example/x"), ("helpful", "yes")]),
            StatusCode::BAD_REQUEST,
            "not about a page",
        ),
        (
            form(&[("page", "/faq#nope"), ("helpful", "yes")]),
            StatusCode::BAD_REQUEST,
            "not about a page",
        ),
        (
            form(&[page, ("helpful", "no"), ("reason", "bored")]),
            StatusCode::BAD_REQUEST,
            "not one of the form",
        ),
        // Bytes that are not UTF-8 decode to replacement characters: not yes or no.
        (
            "page=%2Farticles%2Flost-card&helpful=%FF%FE".to_string(),
            StatusCode::BAD_REQUEST,
            "yes or no",
        ),
        (
            "page=%2Farticles%2Flost-card&helpful=yes&reason=%".to_string(),
            StatusCode::BAD_REQUEST,
            "not one of the form",
        ),
    ];
    for (body, status, says) in &cases {
        let answer = send(&app, post("/feedback", body, &[])).await;
        assert_eq!(answer.status, *status, "{}", &body[..body.len().min(80)]);
        assert!(answer.body.contains(says), "{status}: {}", answer.body);
        assert!(!answer.body.contains(&long_comment));
    }
    // A declared length over the limit is refused before the body is read.
    let declared = TestRequest::post()
        .uri("/feedback")
        .insert_header(("host", HOST))
        .insert_header(("origin", ORIGIN))
        .insert_header(("content-type", "application/x-www-form-urlencoded"))
        .insert_header(("content-length", "1000000"))
        .to_request();
    assert_eq!(
        send(&app, declared).await.status,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    // Not a form: 415. Not a POST: 405 saying POST.
    let json = TestRequest::post()
        .uri("/feedback")
        .insert_header(("host", HOST))
        .insert_header(("origin", ORIGIN))
        .insert_header(("content-type", "application/json"))
        .set_payload(r#"{"helpful":"yes"}"#)
        .to_request();
    assert_eq!(
        send(&app, json).await.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    for path in ["/feedback", "/api/event"] {
        let answer = get(&app, path).await;
        assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED, "{path}");
        assert_eq!(answer.header("allow"), Some("POST"), "{path}");
    }
    let store = stored(writer, &database).await;
    assert!(store.feedback(0).await.expect("read").is_empty());
}

#[actix_web::test]
async fn sql_and_html_in_comments_are_stored_as_text() {
    let database = TestDatabase::sqlite();
    let (state, writer) = recording_state(&fixture_dir(), &database, 1000).await;
    let app = app(state).await;
    let payloads = [
        "'); DROP TABLE feedback; --",
        "1' OR '1'='1",
        "<script>alert('x')</script>",
        "<img src=x onerror=alert(1)> & \"quotes\"",
        "$1; SELECT * FROM searches; --",
    ];
    for payload in payloads {
        let body = form(&[
            ("page", "/articles/lost-card"),
            ("comment", payload),
            ("helpful", "no"),
        ]);
        let answer = send(&app, post("/feedback", &body, &[])).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{payload}");
    }
    let store = stored(writer, &database).await;
    let comments: Vec<String> = store
        .feedback(0)
        .await
        .expect("the table is still there")
        .into_iter()
        .filter_map(|row| row.comment)
        .collect();
    assert_eq!(comments, payloads);
}

#[actix_web::test]
async fn the_rate_limit_answers_429_and_stores_nothing_more() {
    let database = TestDatabase::sqlite();
    let (state, writer) = recording_state(&fixture_dir(), &database, 10).await;
    let app = app(state).await;
    let body = form(&[("page", "/articles/points"), ("helpful", "yes")]);
    let mut statuses = Vec::new();
    for _ in 0..15 {
        statuses.push(send(&app, post("/feedback", &body, &[])).await);
    }
    let accepted = statuses
        .iter()
        .filter(|a| a.status == StatusCode::SEE_OTHER)
        .count();
    assert_eq!(accepted, 10, "the burst is 10 a client");
    let limited: Vec<&Fetched> = statuses
        .iter()
        .filter(|a| a.status == StatusCode::TOO_MANY_REQUESTS)
        .collect();
    assert_eq!(limited.len(), 5);
    assert!(limited[0].header("retry-after").is_some());
    assert!(limited[0].body.contains("Too many answers"));
    let store = stored(writer, &database).await;
    assert_eq!(store.feedback(0).await.expect("read").len(), 10);
}

#[actix_web::test]
async fn without_a_store_the_form_says_feedback_is_unavailable() {
    // `AppState::new` records nothing, as with --database off or a store that is down.
    let app = app(state(&fixture_dir())).await;
    let body = form(&[("page", "/articles/lost-card"), ("helpful", "yes")]);
    let answer = send(&app, post("/feedback", &body, &[])).await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        answer
            .body
            .contains("Feedback cannot be recorded right now")
    );
    assert!(answer.body.contains("number on the back of your card"));
    let view = send(
        &app,
        post(
            "/api/event",
            &form(&[("event", "view"), ("page", "/articles/lost-card")]),
            &[],
        ),
    )
    .await;
    assert_eq!(view.body, r#"{"available":false}"#);
    // Pages and search are served as ever.
    assert_eq!(
        get(&app, "/articles/lost-card").await.status,
        StatusCode::OK
    );
    assert_eq!(get(&app, "/search?q=lost").await.status, StatusCode::OK);
}

#[actix_web::test]
async fn completed_searches_are_recorded_from_the_cache_too() {
    let database = TestDatabase::sqlite();
    let (state, writer) = recording_state(&fixture_dir(), &database, 1000).await;
    let app = app(state).await;
    for uri in [
        "/search?q=Lost+Card",
        "/search?q=Lost+Card",
        "/search?q=Lost+Card&page=2",
        "/api/search?q=lost+card",
        "/api/suggest?q=los",
        "/search?q=",
        "/search?q=1-800-555-0199",
        "/search?q=zzzzqqqq",
    ] {
        assert_eq!(get(&app, uri).await.status, StatusCode::OK, "{uri}");
    }
    let store = stored(writer, &database).await;
    let searches = store.searches(0).await.expect("read");
    // The same answer served twice in one second may be one row counting 2: count searches.
    let mut summary: Vec<(&str, &str, i64)> = Vec::new();
    for search in &searches {
        match summary.last_mut() {
            Some(last) if (last.0, last.1) == (search.source.as_str(), search.query.as_str()) => {
                last.2 += search.count;
            }
            _ => summary.push((&search.source, &search.query, search.count)),
        }
    }
    assert_eq!(
        summary,
        vec![
            ("page", "lost card", 2),
            ("api", "lost card", 1),
            ("page", "1-800-555-0199", 1),
            ("page", "zzzzqqqq", 1),
        ]
    );
    let by_query = |query: &str| {
        searches
            .iter()
            .find(|search| search.query == query)
            .expect("recorded")
    };
    assert!(by_query("lost card").results > 0);
    assert_eq!(
        by_query("lost card").answer.as_deref(),
        Some("contact:lost-stolen")
    );
    assert_eq!(
        by_query("1-800-555-0199").verdict.as_deref(),
        Some("unknown")
    );
    assert_eq!(
        by_query("1-800-555-0199").number.as_deref(),
        Some("+18005550199")
    );
    assert_eq!(by_query("zzzzqqqq").results, 0);
    assert_eq!(by_query("lost card").content_version.len(), 16);
}

#[actix_web::test]
async fn beacons_record_result_clicks_picks_and_form_views() {
    let database = TestDatabase::sqlite();
    let (state, writer) = recording_state(&fixture_dir(), &database, 1000).await;
    let app = app(state).await;
    let click = form(&[
        ("event", "click"),
        ("from", "page"),
        ("q", "lost card"),
        ("url", "/articles/lost-card"),
        ("position", "1"),
    ]);
    let answer = send(&app, post("/api/event", &click, &[])).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    let pick = form(&[
        ("event", "click"),
        ("from", "suggest"),
        ("q", "800 555 0199"),
        ("url", "/search?q=1-800-555-0199"),
        ("position", "1"),
        ("count", "3"),
    ]);
    assert_eq!(
        send(&app, post("/api/event", &pick, &[])).await.status,
        StatusCode::NO_CONTENT
    );
    let view = send(
        &app,
        post(
            "/api/event",
            &form(&[("event", "view"), ("page", "/faq#live-person")]),
            &[],
        ),
    )
    .await;
    assert_eq!(view.body, r#"{"available":true}"#);
    for bad in [
        form(&[
            ("event", "click"),
            ("from", "page"),
            ("q", "x"),
            ("url", "//evil.example/"),
        ]),
        form(&[
            ("event", "click"),
            ("from", "page"),
            ("q", "x"),
            ("url", "https://evil.example/"),
        ]),
        form(&[
            ("event", "click"),
            ("from", "elsewhere"),
            ("q", "x"),
            ("url", "/"),
        ]),
        form(&[("event", "view"), ("page", "/nowhere")]),
        form(&[("event", "other")]),
    ] {
        let answer = send(&app, post("/api/event", &bad, &[])).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(answer.body.starts_with("{\"error\""), "{}", answer.body);
    }
    let store = stored(writer, &database).await;
    let clicks = store.clicks(0).await.expect("read");
    let summary: Vec<(&str, &str, &str, Option<i64>)> = clicks
        .iter()
        .map(|c| {
            (
                c.source.as_str(),
                c.query.as_str(),
                c.url.as_str(),
                c.position,
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("page", "lost card", "/articles/lost-card", Some(1)),
            (
                "suggest",
                "800 555 0199",
                "/search?q=1-800-555-0199",
                Some(1)
            ),
        ]
    );
    let searches = store.searches(0).await.expect("read");
    assert_eq!(
        searches.len(),
        1,
        "the picked suggestion completes a search"
    );
    assert_eq!(searches[0].source, "suggest");
    assert_eq!(searches[0].results, 3);
    assert_eq!(searches[0].verdict.as_deref(), Some("unknown"));
    assert_eq!(
        store.form_views(0).await.expect("read"),
        vec![("/faq#live-person".to_string(), 1)]
    );
}
