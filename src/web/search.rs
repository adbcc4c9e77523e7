//! Search endpoints: the HTML results page `/search`, and the JSON API `/api/search` and
//! `/api/suggest`. Parameters are validated here; the query text itself is never an error.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use super::handlers::error_response;
use super::pages;
use super::state::AppState;
use crate::search::{HitKind, SearchRequest};

/// Results per page on `/search` and the API default.
pub(crate) const PER_PAGE: usize = 10;
/// Largest `limit` the API accepts.
pub(crate) const MAX_LIMIT: usize = 50;
/// Largest `page` accepted.
pub(crate) const MAX_PAGE: usize = 1000;
/// Suggestions returned by `/api/suggest`.
pub(crate) const SUGGESTIONS: usize = 8;

/// Raw parameters from the query string (first value of each wins).
#[derive(Debug, Default)]
struct RawParams {
    q: Option<String>,
    kind: Option<String>,
    page: Option<String>,
    limit: Option<String>,
    format: Option<String>,
}

impl RawParams {
    fn from_request(request: &HttpRequest) -> RawParams {
        // Decoding is lossy: invalid UTF-8 or percent-escapes become U+FFFD, never an error.
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(request.query_string()).unwrap_or_default();
        let mut params = RawParams::default();
        for (key, value) in pairs {
            let slot = match key.as_str() {
                "q" => &mut params.q,
                "kind" => &mut params.kind,
                "page" => &mut params.page,
                "limit" => &mut params.limit,
                "format" => &mut params.format,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(value);
            }
        }
        params
    }
}

/// Validated parameters.
struct Params {
    query: String,
    kind: Option<HitKind>,
    page: usize,
    limit: usize,
}

/// Checks `kind`, `page` and `limit`; the message says what is accepted.
fn validate(raw: &RawParams, allow_limit: bool) -> Result<Params, String> {
    let kind =
        match raw.kind.as_deref().map(str::trim) {
            None | Some("") | Some("all") => None,
            Some(value) => Some(HitKind::parse(value).ok_or_else(|| {
                "`kind` must be one of: article, section, faq, contact".to_string()
            })?),
        };
    let number = |value: &Option<String>, name: &str, max: usize, default: usize| match value
        .as_deref()
        .map(str::trim)
    {
        None | Some("") => Ok(default),
        Some(text) => match text.parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(format!("`{name}` must be a whole number from 1 to {max}")),
        },
    };
    let page = number(&raw.page, "page", MAX_PAGE, 1)?;
    let limit = if allow_limit {
        number(&raw.limit, "limit", MAX_LIMIT, PER_PAGE)?
    } else {
        PER_PAGE
    };
    Ok(Params {
        query: raw.q.clone().unwrap_or_default(),
        kind,
        page,
        limit,
    })
}

/// `GET /search`: the results page.
pub(crate) async fn search_page(state: web::Data<AppState>, request: HttpRequest) -> HttpResponse {
    let snapshot = state.snapshot();
    let params = match validate(&RawParams::from_request(&request), false) {
        Ok(params) => params,
        Err(message) => {
            return match pages::error::render(
                &snapshot.site,
                StatusCode::BAD_REQUEST,
                Some(&message),
            ) {
                Ok(html) => HttpResponse::BadRequest()
                    .content_type("text/html; charset=utf-8")
                    .body(html),
                Err(_) => error_response(&snapshot, &request, StatusCode::BAD_REQUEST),
            };
        }
    };
    let results = snapshot.search.search(&SearchRequest {
        query: &params.query,
        kind: params.kind,
        page: params.page,
        per_page: params.limit,
    });
    match pages::search::render(
        &snapshot.site,
        &results,
        params.kind,
        params.page,
        params.limit,
    ) {
        Ok(html) => HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .content_type("text/html; charset=utf-8")
            .body(html),
        Err(error) => {
            tracing::error!(%error, "rendering the search page failed");
            error_response(&snapshot, &request, StatusCode::INTERNAL_SERVER_ERROR)
        }
    }
}

/// JSON error body.
#[derive(Serialize)]
struct ApiError<'a> {
    error: &'a str,
}

fn bad_request(message: &str) -> HttpResponse {
    json(StatusCode::BAD_REQUEST, JSON, &ApiError { error: message })
}

const JSON: &str = "application/json";

/// A JSON answer whose text never contains `<`, `>`, `&` or the JavaScript line separators, even
/// inside strings that echo visitor input (they are written as `\u003c`…): a payload such as
/// `</script><script>` cannot become markup if the body is ever sniffed, embedded in a page or
/// viewed as HTML. Outside strings JSON never uses these characters, so replacing them is exact.
fn json(status: StatusCode, content_type: &str, value: &impl Serialize) -> HttpResponse {
    match serde_json::to_string(value) {
        Ok(text) => {
            let mut safe = String::with_capacity(text.len());
            for character in text.chars() {
                match character {
                    '<' => safe.push_str("\\u003c"),
                    '>' => safe.push_str("\\u003e"),
                    '&' => safe.push_str("\\u0026"),
                    '\u{2028}' => safe.push_str("\\u2028"),
                    '\u{2029}' => safe.push_str("\\u2029"),
                    other => safe.push(other),
                }
            }
            HttpResponse::build(status)
                .content_type(content_type)
                .insert_header((header::CACHE_CONTROL, "no-cache"))
                .body(safe)
        }
        Err(error) => {
            tracing::error!(%error, "serialising a JSON answer failed");
            HttpResponse::InternalServerError()
                .content_type(JSON)
                .body(r#"{"error":"internal error"}"#)
        }
    }
}

/// One phone of a result.
#[derive(Serialize)]
struct ApiPhone<'a> {
    display: &'a str,
    tel: &'a str,
}

/// One result in the API.
#[derive(Serialize)]
struct ApiResult<'a> {
    kind: &'static str,
    title: &'a str,
    url: &'a str,
    snippet: String,
    category: Option<&'a str>,
    phones: Vec<ApiPhone<'a>>,
}

/// The `/api/search` answer.
#[derive(Serialize)]
struct ApiSearch<'a> {
    query: &'a str,
    total: usize,
    page: usize,
    limit: usize,
    truncated: bool,
    did_you_mean: Option<&'a str>,
    instant_answer: Option<String>,
    results: Vec<ApiResult<'a>>,
}

/// `GET /api/search?q=&kind=&page=&limit=`.
pub(crate) async fn api_search(state: web::Data<AppState>, request: HttpRequest) -> HttpResponse {
    let params = match validate(&RawParams::from_request(&request), true) {
        Ok(params) => params,
        Err(message) => return bad_request(&message),
    };
    let snapshot = state.snapshot();
    let results = snapshot.search.search(&SearchRequest {
        query: &params.query,
        kind: params.kind,
        page: params.page,
        per_page: params.limit,
    });
    let body = ApiSearch {
        query: &results.query,
        total: results.total,
        page: params.page,
        limit: params.limit,
        truncated: results.truncated,
        did_you_mean: results.did_you_mean.as_deref(),
        instant_answer: results
            .instant_answer
            .as_ref()
            .map(|id| format!("/contact#{id}")),
        results: results
            .hits
            .iter()
            .map(|hit| ApiResult {
                kind: hit.kind.as_str(),
                title: &hit.title,
                url: &hit.url,
                snippet: pages::search::snippet_html(&hit.snippet),
                category: hit.category.as_deref(),
                phones: hit
                    .phones
                    .iter()
                    .map(|phone| ApiPhone {
                        display: &phone.display,
                        tel: &phone.tel,
                    })
                    .collect(),
            })
            .collect(),
    };
    json(StatusCode::OK, JSON, &body)
}

/// One typeahead suggestion.
#[derive(Serialize)]
struct ApiSuggestion<'a> {
    title: &'a str,
    url: &'a str,
    kind: &'static str,
}

/// `GET /api/suggest?q=`: up to eight suggestions; `format=opensearch` answers in the OpenSearch
/// suggestions format browsers use for the address bar.
pub(crate) async fn api_suggest(state: web::Data<AppState>, request: HttpRequest) -> HttpResponse {
    let raw = RawParams::from_request(&request);
    let query = raw.q.clone().unwrap_or_default();
    let snapshot = state.snapshot();
    let suggestions = snapshot.search.suggest(&query, SUGGESTIONS);
    match raw.format.as_deref() {
        Some("opensearch") => json(
            StatusCode::OK,
            "application/x-suggestions+json",
            &(
                &query,
                suggestions
                    .iter()
                    .map(|s| s.title.as_str())
                    .collect::<Vec<_>>(),
            ),
        ),
        None | Some("") | Some("json") => json(
            StatusCode::OK,
            JSON,
            &suggestions
                .iter()
                .map(|s| ApiSuggestion {
                    title: &s.title,
                    url: &s.url,
                    kind: s.kind.as_str(),
                })
                .collect::<Vec<_>>(),
        ),
        Some(_) => bad_request("`format` must be json or opensearch"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(kind: Option<&str>, page: Option<&str>, limit: Option<&str>) -> RawParams {
        RawParams {
            q: Some("x".into()),
            kind: kind.map(Into::into),
            page: page.map(Into::into),
            limit: limit.map(Into::into),
            format: None,
        }
    }

    #[actix_web::test]
    async fn json_answers_never_contain_markup_characters() {
        let response = json(
            StatusCode::OK,
            JSON,
            &serde_json::json!({ "query": "</script><img src=x onerror=alert(1)>&amp;\u{2028}" }),
        );
        let bytes = actix_web::body::to_bytes(response.into_body())
            .await
            .unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(['<', '>', '&', '\u{2028}']), "{text}");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(
            back["query"],
            "</script><img src=x onerror=alert(1)>&amp;\u{2028}"
        );
    }

    #[test]
    fn validate_table() {
        let ok = |r: RawParams| validate(&r, true).is_ok();
        assert!(ok(raw(None, None, None)));
        assert!(ok(raw(Some("contact"), Some("2"), Some("50"))));
        assert!(ok(raw(Some(""), Some(""), Some(""))));
        assert!(!ok(raw(Some("people"), None, None)));
        assert!(!ok(raw(None, Some("0"), None)));
        assert!(!ok(raw(None, Some("-1"), None)));
        assert!(!ok(raw(None, Some("99999999999999999999999"), None)));
        assert!(!ok(raw(None, Some("1001"), None)));
        assert!(!ok(raw(None, None, Some("51"))));
        assert!(!ok(raw(None, None, Some("abc"))));
    }
}
