//! Hostile input against the real route table on the shipped content, in-process: a corpus generated
//! from tables (payloads × parameters × endpoints, paths, methods, absurd numbers). Every case must
//! get an answer below 500, never echo a markup payload unescaped (HTML or JSON), and get the 4xx the
//! request deserves. Oversized requests on a real socket are in `resilience.rs`.

use std::sync::{Arc, OnceLock};

use actix_web::http::{Method, StatusCode};
use actix_web::test::TestRequest;
use helpcenter::web::{AppState, MAX_TARGET_BYTES};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use crate::common::{self, Fetched, app, content_dir, send};

/// What a case must get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Exactly this status.
    Status(u16),
    /// Any status below 500 (the request is odd but not necessarily wrong).
    Answered,
}

/// Which table a case came from, so each test runs its own part of the corpus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    QueryText,
    PercentEncoding,
    Markup,
    Traversal,
    Method,
    Numbers,
}

/// One hostile request.
#[derive(Debug, Clone)]
struct Case {
    group: Group,
    method: Method,
    /// The request target exactly as sent (already percent-encoded where needed).
    uri: String,
    expect: Expect,
    /// Strings that must not appear anywhere in the body.
    forbidden: Vec<String>,
}

impl Case {
    fn get(group: Group, uri: String, expect: Expect) -> Case {
        Case {
            group,
            method: Method::GET,
            uri,
            expect,
            forbidden: Vec::new(),
        }
    }
}

/// Query syntax the search engine or the query parser could trip on, emoji, control characters.
const QUERY_SYNTAX: &[&str] = &[
    "\"lost card\"",
    "\"unterminated quote",
    "\"\"\"\"",
    "lost AND card",
    "lost OR card",
    "NOT card",
    "AND",
    "OR OR OR",
    "AND NOT OR",
    "-card",
    "+card -lost",
    "--",
    "title:lost",
    "body:\"x\"",
    "field:",
    ":",
    "::::",
    "*",
    "lost*",
    "*card",
    "lo?t",
    "card~2",
    "~",
    "card^100",
    "^",
    "[a TO z]",
    "{a TO z}",
    "[* TO *]",
    "(lost",
    ")",
    "((((((((((lost))))))))))",
    "\\",
    "\\\\\\",
    "&&",
    "||",
    "!card",
    "IN [a b]",
    "<b>",
    ">=5",
    "/regex.*/",
    "📞💳",
    "🏳️‍🌈 lost card",
    "lost\u{200B}card",
    "\u{202E}drac tsol",
    "e\u{301}\u{301}\u{301}",
    "ﬁle ß İstanbul",
    "丢失的卡",
    "١٢٣ ٤٥٦",
    "\u{FFFD}\u{FFFF}",
    "\u{1}\u{7}\u{1b}[31mred",
    "nul\0byte",
    "\0",
    "tab\tand\nnewline\r\n",
    "\r\nSet-Cookie: evil=1",
    "%",
    "'",
    "'; DROP TABLE articles; --",
    "$(reboot)",
    "`id`",
    "${7*7}",
    "../../etc/passwd",
    "1-800-528-4800",
    "+1 (800) 528-4800 x123",
    "800",
    "0000000000000000000000000000000000000000",
];

/// Payloads that become markup or script if echoed unescaped. Each contains `<` or `"`, so an
/// escaped echo (HTML entities, or `\u003c` / `\"` in JSON) never equals the payload.
const MARKUP: &[&str] = &[
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "'><svg onload=alert(1)>",
    "</title><script>alert(document.domain)</script>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "\" onmouseover=\"alert(1)",
    "javascript:alert(1)//<b>x</b>",
    "<b>bold</b>",
    "<!--",
    "{{7*7}}<x>",
    "</script><script>alert(1)</script>",
    "<a href=\"//evil.example\">x</a>",
    "\"><meta http-equiv=\"refresh\" content=\"0;url=//evil.example\">",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<<SCRIPT>alert(\"XSS\");//<</SCRIPT>",
];

/// Query strings that are not valid percent-encoding or not valid UTF-8 once decoded, sent verbatim.
const BAD_ENCODINGS: &[&str] = &[
    "%zz",
    "%",
    "%%",
    "%2",
    "%%32%35",
    "%C3%28",
    "%C0%AF",
    "%C0%BCscript%C0%BE",
    "%E0%80%AF",
    "%F8%88%80%80%80",
    "%ED%A0%80",
    "%FF%FE%FD",
    "%00",
    "%0d%0aSet-Cookie:%20evil=1",
    "%u003cscript%u003e",
    "%253Cscript%253Ealert(1)%253C%252Fscript%253E",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "%E2%80%AE",
    "+++",
    "%2B%2B",
];

/// Whole query strings with odd structure.
const ODD_QUERY_STRINGS: &[&str] = &[
    "q",
    "q&q&q",
    "=&=&",
    "&&&",
    "q=a&q=b&q=%zz",
    "%zz=1",
    "q%00=x",
    "q[]=x",
    "q[0]=x&q[1]=y",
    "q=lost&kind=&page=&limit=&format=",
    "kind=contact&kind=bogus",
    "page=1&page=0",
    "Q=lost&KIND=bogus",
    ";q=lost",
    "q=lost;kind=bogus",
];

const SEARCH_ENDPOINTS: &[&str] = &["/search", "/api/search", "/api/suggest"];
const PAGE_ENDPOINTS: &[&str] = &["/", "/articles/lost-or-stolen-card", "/faq", "/healthz"];
const PARAMETERS: &[&str] = &["q", "kind", "page", "limit", "format"];

/// Percent-encodes every byte but ASCII letters and digits.
fn encode(text: &str) -> String {
    utf8_percent_encode(text, NON_ALPHANUMERIC).to_string()
}

/// Percent-encodes arbitrary bytes (not necessarily UTF-8).
fn encode_bytes(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("%{byte:02X}")).collect()
}

/// Whether the `http` crate (and so a real client) can carry `uri` unencoded.
fn is_valid_uri(uri: &str) -> bool {
    uri.parse::<actix_web::http::Uri>().is_ok()
}

/// The status a search endpoint gives when `parameter` is a non-numeric, non-kind `value`.
fn status_for_parameter(endpoint: &str, parameter: &str, value: &str) -> u16 {
    if value.trim().is_empty() {
        return 200;
    }
    let validated = match endpoint {
        "/search" => ["kind", "page"].contains(&parameter),
        "/api/search" => ["kind", "page", "limit"].contains(&parameter),
        "/api/suggest" => parameter == "format",
        _ => false,
    };
    if validated { 400 } else { 200 }
}

/// A deterministic pseudo-random byte stream (xorshift), so the binary cases are the same every run.
fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed.max(1);
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state & 0xff) as u8
        })
        .collect()
}

/// The whole corpus.
fn corpus() -> Vec<Case> {
    let mut cases = Vec::new();

    // Query text on every search endpoint, encoded, and raw where a client could send it raw.
    let long_words = "lost card replacement ".repeat(100); // 2.2 KB, 2.6 KB encoded
    let many_words = (0..600)
        .map(|n| format!("w{n}"))
        .collect::<Vec<_>>()
        .join(" ");
    let long_word = "a".repeat(3000);
    let mut texts: Vec<String> = QUERY_SYNTAX.iter().map(|s| s.to_string()).collect();
    texts.extend([long_words, many_words, long_word]);
    for endpoint in SEARCH_ENDPOINTS {
        for text in &texts {
            cases.push(Case::get(
                Group::QueryText,
                format!("{endpoint}?q={}", encode(text)),
                Expect::Status(200),
            ));
            let raw = format!("{endpoint}?q={text}");
            if is_valid_uri(&raw) && !text.contains(['&', '#', '%', '+']) {
                cases.push(Case::get(Group::QueryText, raw, Expect::Status(200)));
            }
        }
        // Binary: random bytes, every byte value, and a NUL-laden query.
        for seed in 1..=4 {
            let bytes = noise(seed, 64 * seed as usize);
            cases.push(Case::get(
                Group::QueryText,
                format!("{endpoint}?q={}", encode_bytes(&bytes)),
                Expect::Status(200),
            ));
        }
        let every_byte: Vec<u8> = (0..=255).collect();
        cases.push(Case::get(
            Group::QueryText,
            format!("{endpoint}?q={}", encode_bytes(&every_byte)),
            Expect::Status(200),
        ));
        // Up to the target limit the query is searched; one byte more, or 10 KB or 60 KB, is 414.
        let prefix = format!("{endpoint}?q=");
        let fill = MAX_TARGET_BYTES - prefix.len();
        for (len, status) in [
            (fill, 200),
            (fill + 1, 414),
            (10 * 1024, 414),
            (60 * 1024, 414),
        ] {
            cases.push(Case::get(
                Group::QueryText,
                format!("{prefix}{}", &"lost+card+".repeat(len / 10 + 1)[..len]),
                Expect::Status(status),
            ));
        }
    }

    // Invalid percent-encoding and odd query strings, on every endpoint and in every parameter.
    for endpoint in SEARCH_ENDPOINTS.iter().chain(PAGE_ENDPOINTS) {
        for bad in BAD_ENCODINGS {
            for parameter in PARAMETERS {
                let expect = if PAGE_ENDPOINTS.contains(endpoint) || *parameter == "q" {
                    Expect::Status(200)
                } else {
                    Expect::Answered
                };
                let mut case = Case::get(
                    Group::PercentEncoding,
                    format!("{endpoint}?{parameter}={bad}"),
                    expect,
                );
                case.forbidden = vec!["<script>alert(1)</script>".into()];
                cases.push(case);
            }
        }
        for query in ODD_QUERY_STRINGS {
            cases.push(Case::get(
                Group::PercentEncoding,
                format!("{endpoint}?{query}"),
                Expect::Answered,
            ));
        }
    }

    // Markup payloads in every parameter of every endpoint, and in paths.
    for payload in MARKUP {
        for endpoint in SEARCH_ENDPOINTS.iter().chain(PAGE_ENDPOINTS) {
            for parameter in PARAMETERS {
                let status = status_for_parameter(endpoint, parameter, payload);
                for uri in [
                    format!("{endpoint}?{parameter}={}", encode(payload)),
                    format!("{endpoint}?{parameter}={payload}"),
                ] {
                    if !is_valid_uri(&uri) {
                        continue;
                    }
                    let mut case = Case::get(Group::Markup, uri, Expect::Status(status));
                    case.forbidden = vec![payload.to_string()];
                    cases.push(case);
                }
            }
        }
        for prefix in [
            "/articles/",
            "/categories/",
            "/static/",
            "/",
            "/api/",
            "/search/",
        ] {
            let mut case = Case::get(
                Group::Markup,
                format!("{prefix}{}", encode(payload)),
                Expect::Status(404),
            );
            case.forbidden = vec![payload.to_string()];
            cases.push(case);
        }
    }

    // Traversal under /static and elsewhere, plain and encoded: 404, and no file contents.
    let traversal = [
        "/static/../Cargo.toml",
        "/static/../../../../etc/passwd",
        "/static/%2e%2e/Cargo.toml",
        "/static/%2E%2E/%2E%2E/etc/passwd",
        "/static/..%2fCargo.toml",
        "/static/..%2FCargo.toml",
        "/static/..%5cCargo.toml",
        "/static/..\\Cargo.toml",
        "/static/%2e%2e%2fCargo.toml",
        "/static/%252e%252e%252fCargo.toml",
        "/static/%252e%252e/Cargo.toml",
        "/static/%c0%ae%c0%ae/Cargo.toml",
        "/static/%c0%ae%c0%ae%c0%afCargo.toml",
        "/static/app.css%00",
        "/static/app.css%00.png",
        "/static/app.css/",
        "/static/app.css/..",
        "/static/./app.css/../../Cargo.toml",
        "/static/",
        "/static",
        "/static/%2e",
        "/static/.",
        "/static/..",
        "/static/...",
        "/static/.git/config",
        "/static/%2e%2e/%2e%2e/src/main.rs",
        "/static//etc/passwd",
        "/static/%2fetc%2fpasswd",
        "/static/app.css;.js",
        "/static/APP.CSS%2e%2e",
        "/articles/..%2f..%2fCargo.toml",
        "/articles/%2e%2e/%2e%2e/Cargo.toml",
        "/categories/..%2fCargo.toml",
        "/../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/content/articles/lost-or-stolen-card.md",
        "/Cargo.toml",
        "/.git/HEAD",
        "/src/main.rs",
    ];
    for path in traversal {
        let mut case = Case::get(Group::Traversal, path.to_string(), Expect::Status(404));
        case.forbidden = vec![
            "[package]".into(),
            "root:x:0:0".into(),
            "repositoryformatversion".into(),
            "fn main()".into(),
            "+++".into(),
            "ref: refs/".into(),
        ];
        cases.push(case);
    }

    // Wrong methods on every known route: 405.
    let known = [
        "/",
        "/contact",
        "/faq",
        "/sitemap.xml",
        "/robots.txt",
        "/opensearch.xml",
        "/feed.xml",
        "/categories/cards-and-accounts",
        "/articles/lost-or-stolen-card",
        "/search?q=lost",
        "/api/search?q=lost",
        "/api/suggest?q=lo",
        "/static/app.css",
        "/healthz",
    ];
    let methods = ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "FOO"];
    for path in known {
        for method in methods {
            cases.push(Case {
                group: Group::Method,
                method: Method::from_bytes(method.as_bytes()).expect("valid method token"),
                uri: path.to_string(),
                expect: Expect::Status(405),
                forbidden: Vec::new(),
            });
        }
    }

    // Absurd page and limit values: (value, status for page, status for limit) on /api/search.
    let numbers: &[(&str, u16, u16)] = &[
        ("0", 400, 400),
        ("-1", 400, 400),
        ("-0", 400, 400),
        ("1e9", 400, 400),
        ("1.5", 400, 400),
        ("0x10", 400, 400),
        ("99999999999999999999", 400, 400),
        ("18446744073709551615", 400, 400),
        ("18446744073709551616", 400, 400),
        ("NaN", 400, 400),
        ("inf", 400, 400),
        ("null", 400, 400),
        ("[]", 400, 400),
        ("1 1", 400, 400),
        ("١", 400, 400),
        ("１", 400, 400),
        ("\u{0661}\u{0660}", 400, 400),
        ("1\0", 400, 400),
        ("1001", 400, 400),
        // Results stop at the 1,000th, so with 10 a page the last page is 100 (issue 9: pages
        // 101 to 1000 used to be accepted and always empty).
        ("1000", 400, 400),
        ("101", 400, 400),
        ("100", 200, 400),
        ("51", 200, 400),
        ("50", 200, 200),
        ("1", 200, 200),
        (" 2 ", 200, 200),
        ("", 200, 200),
        (" ", 200, 200),
    ];
    for (value, page_status, limit_status) in numbers {
        let value_encoded = encode(value);
        cases.push(Case::get(
            Group::Numbers,
            format!("/api/search?q=lost+card&page={value_encoded}"),
            Expect::Status(*page_status),
        ));
        cases.push(Case::get(
            Group::Numbers,
            format!("/api/search?q=lost+card&limit={value_encoded}"),
            Expect::Status(*limit_status),
        ));
        // The HTML page validates `page` the same way and ignores `limit`.
        cases.push(Case::get(
            Group::Numbers,
            format!("/search?q=lost+card&page={value_encoded}"),
            Expect::Status(*page_status),
        ));
        cases.push(Case::get(
            Group::Numbers,
            format!("/search?q=lost+card&limit={value_encoded}"),
            Expect::Status(200),
        ));
    }
    for kind in ["people", "ARTICLES", "article,faq", "0", "-1"] {
        for endpoint in ["/api/search", "/search"] {
            cases.push(Case::get(
                Group::Numbers,
                format!("{endpoint}?q=card&kind={}", encode(kind)),
                Expect::Status(400),
            ));
        }
    }
    cases
}

/// The shipped content, loaded once for every test in this file.
fn shared_state() -> Arc<AppState> {
    static STATE: OnceLock<Arc<AppState>> = OnceLock::new();
    Arc::clone(STATE.get_or_init(|| common::state(&content_dir())))
}

/// Sends every case of `group` and returns a description of each failure (empty when all pass).
async fn run(group: Group) -> (usize, Vec<String>) {
    let app = app(shared_state()).await;
    let cases: Vec<Case> = corpus().into_iter().filter(|c| c.group == group).collect();
    let mut failures = Vec::new();
    for case in &cases {
        let request = TestRequest::default()
            .method(case.method.clone())
            .uri(&case.uri)
            .to_request();
        let response = send(&app, request).await;
        failures.extend(check(case, &response).into_iter().map(|problem| {
            let shown: String = case.uri.chars().take(120).collect();
            format!("{} {shown}: {problem}", case.method)
        }));
    }
    (cases.len(), failures)
}

/// Every assertion a case's response must pass.
fn check(case: &Case, response: &Fetched) -> Vec<String> {
    let mut problems = Vec::new();
    let status = response.status;
    if status.is_server_error() {
        problems.push(format!("server error {status}"));
    }
    match case.expect {
        Expect::Status(code) if status.as_u16() != code => {
            problems.push(format!("status {status}, expected {code}"));
        }
        Expect::Answered if status.as_u16() >= 500 => {}
        _ => {}
    }
    for needle in &case.forbidden {
        if response.body.contains(needle.as_str()) {
            problems.push(format!("body contains {needle:?} verbatim"));
        }
    }
    let content_type = response.header("content-type").unwrap_or("");
    let is_api = case.uri.starts_with("/api/");
    if is_api && status == StatusCode::BAD_REQUEST {
        let error = serde_json::from_str::<serde_json::Value>(&response.body)
            .ok()
            .and_then(|json| {
                json.get("error")
                    .and_then(|e| e.as_str())
                    .map(str::to_string)
            });
        if error.is_none_or(|message| message.is_empty()) {
            problems.push(format!("400 without a JSON error: {}", response.body));
        }
    }
    if content_type.contains("json") && !response.body.is_empty() {
        if serde_json::from_str::<serde_json::Value>(&response.body).is_err() {
            problems.push("JSON body does not parse".into());
        }
        if response.body.contains(['<', '>']) {
            problems.push("JSON body contains a raw < or >".into());
        }
    }
    if status.is_client_error() && !is_api && case.method != Method::HEAD {
        // Browsers get the site's error page, not a bare status.
        if !content_type.starts_with("text/html") || !response.body.contains("id=\"error-page\"") {
            problems.push(format!(
                "{status} without the HTML error page ({content_type})"
            ));
        }
    }
    if response.headers.contains_key("set-cookie") {
        problems.push("a Set-Cookie header".into());
    }
    if response.header("x-content-type-options") != Some("nosniff") {
        problems.push("missing X-Content-Type-Options".into());
    }
    problems
}

fn assert_clean(group: Group, (count, failures): (usize, Vec<String>)) {
    assert!(count > 0, "{group:?} has no cases");
    assert!(
        failures.is_empty(),
        "{} of {count} {group:?} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn corpus_has_at_least_200_cases_in_every_category() {
    let cases = corpus();
    assert!(cases.len() >= 200, "only {} cases", cases.len());
    for group in [
        Group::QueryText,
        Group::PercentEncoding,
        Group::Markup,
        Group::Traversal,
        Group::Method,
        Group::Numbers,
    ] {
        let count = cases.iter().filter(|c| c.group == group).count();
        assert!(count >= 20, "{group:?}: only {count} cases");
    }
    eprintln!("hostile corpus: {} cases", cases.len());
}

#[actix_web::test]
async fn query_syntax_long_and_binary_queries_are_answered_never_an_error() {
    assert_clean(Group::QueryText, run(Group::QueryText).await);
}

#[actix_web::test]
async fn invalid_percent_encoding_and_odd_query_strings_never_fail() {
    assert_clean(Group::PercentEncoding, run(Group::PercentEncoding).await);
}

#[actix_web::test]
async fn markup_in_every_parameter_and_path_is_never_echoed_unescaped() {
    assert_clean(Group::Markup, run(Group::Markup).await);
}

#[actix_web::test]
async fn traversal_under_static_is_404_and_leaks_no_file() {
    assert_clean(Group::Traversal, run(Group::Traversal).await);
}

#[actix_web::test]
async fn wrong_methods_on_known_routes_get_405() {
    assert_clean(Group::Method, run(Group::Method).await);
}

#[actix_web::test]
async fn absurd_page_limit_and_kind_values_get_400_with_an_error() {
    assert_clean(Group::Numbers, run(Group::Numbers).await);
}

#[actix_web::test]
async fn markup_in_the_query_is_shown_escaped_on_the_results_page() {
    // The payload is echoed (the search box keeps it), but only as text.
    let app = app(shared_state()).await;
    let payload = "\"><img src=x onerror=alert(1)>";
    let page = common::get(&app, &format!("/search?q={}", encode(payload))).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.html();
    let selector = scraper::Selector::parse("input[name=q]").expect("valid selector");
    let values: Vec<&str> = html
        .select(&selector)
        .filter_map(|input| input.value().attr("value"))
        .collect();
    assert!(values.contains(&payload), "search box values: {values:?}");
    let images = scraper::Selector::parse("img[onerror]").expect("valid selector");
    assert_eq!(html.select(&images).count(), 0);
}

#[actix_web::test]
async fn api_echo_of_markup_is_escaped_json_that_decodes_to_the_query() {
    let app = app(shared_state()).await;
    for (path, pointer) in [
        ("/api/search?q=", "/query"),
        ("/api/suggest?format=opensearch&q=", "/0"),
    ] {
        let payload = "<script>alert(1)</script> lost card";
        let response = common::get(&app, &format!("{path}{}", encode(payload))).await;
        assert_eq!(response.status, StatusCode::OK, "{path}");
        assert!(
            !response.body.contains("<script>"),
            "{path}: {}",
            response.body
        );
        let json: serde_json::Value = serde_json::from_str(&response.body).expect("JSON");
        let echoed = json.pointer(pointer).and_then(|v| v.as_str()).unwrap_or("");
        assert!(
            echoed.contains("<script>"),
            "{path}: decoded echo {echoed:?}"
        );
    }
}

#[actix_web::test]
async fn wrong_methods_say_which_are_allowed() {
    let app = app(shared_state()).await;
    for path in ["/", "/api/search", "/static/app.css"] {
        let response = send(&app, TestRequest::post().uri(path).to_request()).await;
        assert_eq!(response.status, StatusCode::METHOD_NOT_ALLOWED, "{path}");
        let allow = response.header("allow").unwrap_or("");
        assert!(
            allow.contains("GET") && allow.contains("HEAD"),
            "{path}: Allow {allow:?}"
        );
    }
}
