//! The editors' dashboard over HTTP, in-process: off (404 everywhere) without a token; the login
//! (wrong token refused, right token gives the cookie with its flags, rate limit, same-origin
//! check); every page and export behind the session (303 / 401, tampered cookies refused);
//! logout; the figures and comments shown escaped; CSV exports quoted and neutralised.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use helpcenter::store::Location;
use helpcenter::web::{Admin, AppState};

use super::report::{FORMULA_COMMENT, HTML_COMMENT, SQL_COMMENT, seeded};
use crate::common::database::TestDatabase;
use crate::common::{self, Fetched, fixture_dir, send};

const TOKEN: &str = "correct horse battery staple";
const HOST: &str = "help.example:8080";
const ORIGIN: &str = "http://help.example:8080";
/// The seeded period, as the dashboard's form asks for it.
const PERIOD: &str = "from=2026-11-10&to=2026-11-12";

fn state(admin: Option<Admin>) -> Arc<AppState> {
    let snapshot = helpcenter::build_snapshot(&fixture_dir(), 1).expect("content builds");
    Arc::new(AppState::new(snapshot).with_admin(admin))
}

fn login_request(token: &str, client: &str) -> TestRequest {
    TestRequest::post()
        .uri("/admin/login")
        .insert_header(("host", HOST))
        .insert_header(("origin", ORIGIN))
        .peer_addr(format!("{client}:40000").parse().expect("address"))
        .set_form([("token", token)])
}

fn get(path: &str, cookie: Option<&str>) -> actix_http::Request {
    let mut request = TestRequest::get().uri(path).insert_header(("host", HOST));
    if let Some(cookie) = cookie {
        request = request.insert_header(("cookie", format!("helpcenter_admin={cookie}")));
    }
    request.to_request()
}

/// The session cookie's value in a login answer.
fn session(answer: &Fetched) -> String {
    let set_cookie = answer.header("set-cookie").expect("a Set-Cookie header");
    set_cookie
        .strip_prefix("helpcenter_admin=")
        .and_then(|rest| rest.split(';').next())
        .expect("the session cookie")
        .to_string()
}

fn assert_private(answer: &Fetched, what: &str) {
    assert_eq!(answer.header("cache-control"), Some("no-store"), "{what}");
    assert_eq!(
        answer.header("x-robots-tag"),
        Some("noindex, nofollow"),
        "{what}"
    );
}

#[actix_web::test]
async fn without_a_token_no_admin_address_exists() {
    let app = common::app(state(None)).await;
    for path in [
        "/admin",
        "/admin/",
        "/admin/login",
        "/admin/export/top-queries.csv",
        "/admin/anything",
    ] {
        let answer = common::get(&app, path).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "GET {path}");
    }
    for path in ["/admin/login", "/admin/logout", "/admin"] {
        let request = TestRequest::post()
            .uri(path)
            .insert_header(("host", HOST))
            .insert_header(("origin", ORIGIN))
            .set_form([("token", TOKEN)])
            .to_request();
        let answer = send(&app, request).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "POST {path}");
        assert!(answer.header("set-cookie").is_none());
    }
}

#[actix_web::test]
async fn login_refuses_a_wrong_token_and_sets_a_strict_cookie_for_the_right_one() {
    let database = TestDatabase::sqlite();
    let app = common::app(state(Some(Admin::new(TOKEN, database.location.clone())))).await;
    let form = send(&app, get("/admin/login", None)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert_private(&form, "login form");
    assert_eq!(form.attrs("meta[name=robots]", "content"), vec!["noindex"]);
    assert_eq!(
        form.count("#login-form input[type=password][name=token]"),
        1
    );
    assert!(
        form.header("content-security-policy")
            .is_some_and(|csp| !csp.contains("unsafe-inline"))
    );

    let wrong = send(
        &app,
        login_request("correct horse battery stapler", "10.0.0.1").to_request(),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.header("set-cookie").is_none());
    assert_eq!(
        wrong.texts("#login-message"),
        vec!["That is not the admin token."]
    );
    assert_private(&wrong, "refused login");

    let right = send(&app, login_request(TOKEN, "10.0.0.1").to_request()).await;
    assert_eq!(right.status, StatusCode::SEE_OTHER);
    assert_eq!(right.header("location"), Some("/admin"));
    assert_private(&right, "login");
    let cookie = right.header("set-cookie").expect("cookie");
    for flag in [
        "HttpOnly",
        "SameSite=Strict",
        "Path=/admin",
        "Max-Age=28800",
    ] {
        assert!(
            cookie.split("; ").any(|part| part == flag),
            "{flag} in {cookie}"
        );
    }
    assert!(!cookie.contains("Secure"), "plain HTTP: {cookie}");
    // Behind a TLS proxy the cookie is Secure.
    let over_tls = send(
        &app,
        login_request(TOKEN, "10.0.0.2")
            .insert_header(("x-forwarded-proto", "https"))
            .to_request(),
    )
    .await;
    assert!(
        over_tls
            .header("set-cookie")
            .is_some_and(|c| c.ends_with("; Secure"))
    );
    // With a session, the login page goes straight to the dashboard.
    let again = send(&app, get("/admin/login", Some(&session(&right)))).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn login_posts_from_other_sites_are_refused() {
    let database = TestDatabase::sqlite();
    let app = common::app(state(Some(Admin::new(TOKEN, database.location.clone())))).await;
    let base = || {
        TestRequest::post()
            .uri("/admin/login")
            .insert_header(("host", HOST))
            .set_form([("token", TOKEN)])
    };
    for (request, what) in [
        (base(), "no Origin or Referer"),
        (
            base().insert_header(("origin", "http://evil.example")),
            "another origin",
        ),
        (base().insert_header(("origin", "null")), "an opaque origin"),
        (
            base().insert_header(("referer", "http://evil.example/admin/login")),
            "another referer",
        ),
        (
            base().insert_header(("origin", "http://help.example:8080.evil.example")),
            "a longer host",
        ),
    ] {
        let answer = send(&app, request.to_request()).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{what}");
        assert!(answer.header("set-cookie").is_none(), "{what}");
    }
    let referred = base()
        .insert_header(("referer", "http://help.example:8080/admin/login"))
        .to_request();
    assert_eq!(send(&app, referred).await.status, StatusCode::SEE_OTHER);
    let logout = TestRequest::post()
        .uri("/admin/logout")
        .insert_header(("host", HOST))
        .insert_header(("origin", "http://evil.example"))
        .to_request();
    assert_eq!(send(&app, logout).await.status, StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn login_attempts_are_rate_limited_per_client() {
    let database = TestDatabase::sqlite();
    let app = common::app(state(Some(Admin::new(TOKEN, database.location.clone())))).await;
    for attempt in 1..=5 {
        let answer = send(
            &app,
            login_request("not the token at all", "10.0.0.7").to_request(),
        )
        .await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
    // The sixth within the minute is refused, even with the right token.
    let limited = send(&app, login_request(TOKEN, "10.0.0.7").to_request()).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.header("retry-after"), Some("60"));
    assert!(limited.header("set-cookie").is_none());
    assert_private(&limited, "rate-limited login");
    // Another client is not held back by the first one's attempts.
    let other = send(&app, login_request(TOKEN, "10.0.0.8").to_request()).await;
    assert_eq!(other.status, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn every_admin_page_needs_a_valid_session_and_logout_ends_it() {
    let database = TestDatabase::sqlite();
    seeded(&database).await.close().await;
    let app = common::app(state(Some(Admin::new(TOKEN, database.location.clone())))).await;
    let dashboard = format!("/admin?{PERIOD}");
    let export = format!("/admin/export/comments.csv?{PERIOD}");
    let login = send(&app, login_request(TOKEN, "10.0.0.1").to_request()).await;
    let cookie = session(&login);
    let (expiry, signature) = cookie.split_once('.').expect("expiry.signature");
    let later = expiry.parse::<i64>().expect("expiry") + 3600;
    let flipped = format!(
        "{expiry}.{}{}",
        &signature[..signature.len() - 1],
        if signature.ends_with('0') { '1' } else { '0' }
    );
    let signed_by_another_token = {
        let other = common::app(state(Some(Admin::new(
            "another token, also long enough",
            database.location.clone(),
        ))))
        .await;
        session(
            &send(
                &other,
                login_request("another token, also long enough", "10.0.0.1").to_request(),
            )
            .await,
        )
    };
    for cookie in [
        None,
        Some(format!("{later}.{signature}")),
        Some(flipped),
        Some("1.0".to_string()),
        Some(String::new()),
        Some(signed_by_another_token),
    ] {
        let page = send(&app, get(&dashboard, cookie.as_deref())).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{cookie:?}");
        assert_eq!(page.header("location"), Some("/admin/login"));
        assert_private(&page, "redirect");
        let csv = send(&app, get(&export, cookie.as_deref())).await;
        assert_eq!(csv.status, StatusCode::UNAUTHORIZED, "{cookie:?}");
        assert!(
            !csv.body.contains("DROP TABLE"),
            "no data without a session"
        );
        assert_private(&csv, "refused export");
    }
    let page = send(&app, get(&dashboard, Some(&cookie))).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_private(&page, "dashboard");
    assert_eq!(page.attrs("meta[name=robots]", "content"), vec!["noindex"]);
    assert!(!page.body.contains("style="), "no inline styles (CSP)");
    let logout = send(
        &app,
        TestRequest::post()
            .uri("/admin/logout")
            .insert_header(("host", HOST))
            .insert_header(("origin", ORIGIN))
            .insert_header(("cookie", format!("helpcenter_admin={cookie}")))
            .to_request(),
    )
    .await;
    assert_eq!(logout.status, StatusCode::SEE_OTHER);
    assert_eq!(logout.header("location"), Some("/admin/login"));
    let cleared = logout.header("set-cookie").expect("cleared cookie");
    assert!(
        cleared.starts_with("helpcenter_admin=;") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );
}

#[actix_web::test]
async fn the_dashboard_shows_the_figures_with_comments_escaped() {
    let database = TestDatabase::sqlite();
    seeded(&database).await.close().await;
    let app = common::app(state(Some(Admin::new(TOKEN, database.location.clone())))).await;
    let cookie = session(&send(&app, login_request(TOKEN, "10.0.0.1").to_request()).await);
    let page = send(&app, get(&format!("/admin?{PERIOD}"), Some(&cookie))).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.texts("#period-dates"),
        vec!["2026-11-10 to 2026-11-12"]
    );
    assert_eq!(page.texts("#total-searches"), vec!["11"]);
    assert_eq!(page.texts("#total-no-results"), vec!["5 (45%)"]);
    assert_eq!(page.texts("#status-dropped"), vec!["0"]);
    // One bar per day and a no-results overlay each.
    assert_eq!(page.count("#chart-searches rect"), 6);
    assert_eq!(page.count("#chart-searches rect.chart-no-results"), 3);
    assert_eq!(
        page.texts("#table-unknown-numbers tbody td"),
        vec!["+18005550199", "2"]
    );
    assert_eq!(
        page.texts("#table-pages tbody tr:first-child td"),
        vec!["/articles/a", "3", "2", "1"]
    );
    assert_eq!(
        page.texts("#table-reasons tbody tr:first-child td"),
        vec!["/articles/a", "I could not reach a person", "1"]
    );
    // Comments are text: shown as typed, never as markup.
    let comments = page.texts("#table-comments tbody td:last-child");
    assert_eq!(comments, vec![FORMULA_COMMENT, SQL_COMMENT, HTML_COMMENT]);
    assert!(!page.body.contains("<script>alert"), "escaped");
    assert!(page.body.contains("&#60;script&#62;") || page.body.contains("&lt;script&gt;"));
    assert_eq!(page.count("#table-comments b"), 0);
    assert_eq!(
        page.attrs("#csv-comments", "href"),
        vec![format!("/admin/export/comments.csv?{PERIOD}")]
    );
    // The period form is a GET form; each offered period is a link.
    assert_eq!(page.attrs("#period-form", "method"), vec!["get"]);
    let thirty = send(&app, get("/admin?period=30", Some(&cookie))).await;
    assert_eq!(thirty.status, StatusCode::OK);
    assert_eq!(thirty.attrs("#period-30", "aria-current"), vec!["page"]);
    for bad in [
        "period=8",
        "from=2026-11-10",
        "from=2026-13-01&to=2026-12-01",
        "from=2026-11-12&to=2026-11-10",
        "from=2020-01-01&to=2026-01-01",
    ] {
        let answer = send(&app, get(&format!("/admin?{bad}"), Some(&cookie))).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{bad}");
    }
}

#[actix_web::test]
async fn exports_are_quoted_csv_with_formulas_neutralised() {
    let database = TestDatabase::sqlite();
    seeded(&database).await.close().await;
    let app = common::app(state(Some(Admin::new(TOKEN, database.location.clone())))).await;
    let cookie = session(&send(&app, login_request(TOKEN, "10.0.0.1").to_request()).await);
    let csv = send(
        &app,
        get(
            &format!("/admin/export/comments.csv?{PERIOD}"),
            Some(&cookie),
        ),
    )
    .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(
        csv.header("content-disposition"),
        Some("attachment; filename=\"helpcenter-comments-2026-11-10-2026-11-12.csv\"")
    );
    assert_private(&csv, "export");
    let mut reader = csv::Reader::from_reader(csv.body.as_bytes());
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|record| {
            record
                .expect("valid CSV")
                .iter()
                .map(str::to_string)
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0][4], format!("'{FORMULA_COMMENT}"));
    assert_eq!(rows[1][4], SQL_COMMENT);
    assert_eq!(rows[2][4], HTML_COMMENT);
    let numbers = send(
        &app,
        get(
            &format!("/admin/export/unknown-numbers.csv?{PERIOD}"),
            Some(&cookie),
        ),
    )
    .await;
    assert_eq!(numbers.body, "number,checks\r\n'+18005550199,2\r\n");
    let unknown = send(&app, get("/admin/export/nope.csv", Some(&cookie))).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn an_unreadable_store_is_said_on_the_dashboard() {
    let app = common::app(state(Some(Admin::new(TOKEN, Location::Off)))).await;
    let cookie = session(&send(&app, login_request(TOKEN, "10.0.0.1").to_request()).await);
    let page = send(&app, get("/admin", Some(&cookie))).await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(page.count("#store-unavailable"), 1);
    assert_eq!(page.texts("#status-backend"), vec!["off"]);
}
