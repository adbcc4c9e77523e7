//! Search endpoints: the HTML results page `/search`, and the JSON API `/api/search` and
//! `/api/suggest` (each answered from a cache of recent answers when it can be: `search_cache`).
//! Parameters are validated here against the search's own limits; the query text itself is never
//! an error.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use super::error::WebError;
use super::json::{self, JSON};
use super::pages;
use super::search_cache;
use super::snapshot::Snapshot;
use super::state::AppState;
use crate::content::Site;
use crate::search::{
    Answer, DEFAULT_PER_PAGE, HitKind, MAX_PER_PAGE, MAX_RESULT_DEPTH, NumberCheck, SearchRequest,
    SearchResults,
};

/// Suggestions returned by `/api/suggest` (the typeahead's list; the search caps any request at
/// `search::MAX_SUGGESTIONS`).
pub(crate) const SUGGESTIONS: usize = 8;

/// The last page that can hold results with `per_page` hits a page: results stop at
/// [`MAX_RESULT_DEPTH`], so a later page could only ever be empty.
pub(crate) fn last_page(per_page: usize) -> usize {
    MAX_RESULT_DEPTH.div_ceil(per_page.max(1))
}

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
    let limit = if allow_limit {
        number(&raw.limit, "limit", MAX_PER_PAGE, DEFAULT_PER_PAGE)?
    } else {
        DEFAULT_PER_PAGE
    };
    let page = number(&raw.page, "page", last_page(limit), 1)?;
    Ok(Params {
        query: raw.q.clone().unwrap_or_default(),
        kind,
        page,
        limit,
    })
}

/// `GET /search`: the results page.
pub(crate) async fn search_page(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, WebError> {
    let snapshot = state.snapshot();
    let params =
        validate(&RawParams::from_request(&request), false).map_err(WebError::BadRequest)?;
    let results = snapshot.search.search(&SearchRequest {
        query: &params.query,
        kind: params.kind,
        page: params.page,
        per_page: params.limit,
    });
    let html = pages::search::render(
        &snapshot.site,
        &results,
        params.kind,
        params.page,
        params.limit,
    )
    .map_err(|error| WebError::internal("rendering the search page", error))?;
    let response = HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .content_type("text/html; charset=utf-8")
        .body(html);
    Ok(with_outcome(response, &params, &results, &snapshot))
}

/// Attaches what the search found to its response, for `search_cache::cached` to record.
fn with_outcome(
    mut response: HttpResponse,
    params: &Params,
    results: &SearchResults,
    snapshot: &Snapshot,
) -> HttpResponse {
    if let Some(outcome) =
        search_cache::outcome(&params.query, params.page, results, &snapshot.event_version)
    {
        response.extensions_mut().insert(outcome);
    }
    response
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
    snippet: pages::search::SnippetHtml<'a>,
    category: Option<&'a str>,
    phones: Vec<ApiPhone<'a>>,
}

/// The `/api/search` answer.
#[derive(Serialize)]
struct ApiSearch<'a> {
    query: &'a str,
    total: usize,
    /// Whether `total` is an estimate, rounded to two digits (a huge result set of a big index);
    /// present only when true.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    total_estimated: bool,
    page: usize,
    limit: usize,
    truncated: bool,
    did_you_mean: Option<&'a str>,
    instant_answer: Option<String>,
    answer: Option<ApiAnswer<'a>>,
    number_check: Option<ApiNumberCheck<'a>>,
    plan_url: Option<&'a str>,
    results: Vec<ApiResult<'a>>,
}

/// One entry of an instant answer.
#[derive(Serialize)]
struct ApiAnswerContact<'a> {
    url: String,
    role: Option<&'a str>,
}

/// The instant answer in the API.
#[derive(Serialize)]
struct ApiAnswer<'a> {
    kind: &'static str,
    contacts: Vec<ApiAnswerContact<'a>>,
    first: Option<&'a str>,
}

/// The number checker's verdict in the API.
#[derive(Serialize)]
struct ApiNumberCheck<'a> {
    number: &'a str,
    display: &'a str,
    known: bool,
    contacts: Vec<String>,
}

impl<'a> ApiAnswer<'a> {
    fn new(answer: &'a Answer) -> ApiAnswer<'a> {
        ApiAnswer {
            kind: answer.kind.as_str(),
            contacts: answer
                .contacts
                .iter()
                .map(|contact| ApiAnswerContact {
                    url: format!("/contact#{}", contact.id),
                    role: contact.role.as_deref(),
                })
                .collect(),
            first: answer.first.as_deref(),
        }
    }
}

impl<'a> ApiNumberCheck<'a> {
    fn new(check: &'a NumberCheck) -> ApiNumberCheck<'a> {
        ApiNumberCheck {
            number: &check.number,
            display: &check.display,
            known: check.is_known(),
            contacts: check
                .contacts
                .iter()
                .map(|id| format!("/contact#{id}"))
                .collect(),
        }
    }
}

/// `GET /api/search?q=&kind=&page=&limit=`.
pub(crate) async fn api_search(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, WebError> {
    let params =
        validate(&RawParams::from_request(&request), true).map_err(WebError::BadRequest)?;
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
        total_estimated: results.estimated,
        page: params.page,
        limit: params.limit,
        truncated: results.truncated,
        did_you_mean: results.did_you_mean.as_deref(),
        instant_answer: results
            .instant_answer
            .as_ref()
            .map(|id| format!("/contact#{id}")),
        answer: results.answer.as_ref().map(ApiAnswer::new),
        number_check: results.number_check.as_ref().map(ApiNumberCheck::new),
        plan_url: results.plan.as_deref(),
        results: results
            .hits
            .iter()
            .map(|hit| ApiResult {
                kind: hit.kind.as_str(),
                title: &hit.title,
                url: &hit.url,
                snippet: pages::search::SnippetHtml(&hit.snippet),
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
    // About 700 bytes a hit (its snippet, title, URL and phones) and the answer's own fields.
    let capacity = 1024 + 768 * body.results.len();
    let response = json::response_sized(StatusCode::OK, JSON, &body, capacity)?;
    Ok(with_outcome(response, &params, &results, &snapshot))
}

/// One typeahead suggestion.
#[derive(Serialize)]
struct ApiSuggestion<'a> {
    title: &'a str,
    url: &'a str,
    kind: &'static str,
}

/// The title and URL of the typeahead option that gives the number checker's verdict (kind
/// `number`): it opens the results page, whose top is the whole verdict.
fn verdict_suggestion(site: &Site, check: &NumberCheck) -> (String, String) {
    let title = match check.contacts.first().and_then(|id| site.contact(id)) {
        Some(contact) if check.contacts.len() == 1 => {
            format!("{} is in the guides: {}", check.display, contact.purpose)
        }
        Some(_) => format!(
            "{} is in the guides, for {} purposes",
            check.display,
            check.contacts.len()
        ),
        None => format!(
            "{} is not a number the guides give for Amex: what to do",
            check.display
        ),
    };
    (title, pages::search::search_url(&check.display, None, 1))
}

/// `GET /api/suggest?q=`: up to eight suggestions; `format=opensearch` answers in the OpenSearch
/// suggestions format browsers use for the address bar.
pub(crate) async fn api_suggest(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, WebError> {
    let raw = RawParams::from_request(&request);
    let query = raw.q.clone().unwrap_or_default();
    let snapshot = state.snapshot();
    let verdict = snapshot
        .search
        .check_number(&query)
        .map(|check| verdict_suggestion(&snapshot.site, &check));
    let found = snapshot
        .search
        .suggest(&query, SUGGESTIONS - usize::from(verdict.is_some()));
    let suggestions: Vec<ApiSuggestion<'_>> = verdict
        .iter()
        .map(|(title, url)| ApiSuggestion {
            title,
            url,
            kind: "number",
        })
        .chain(found.iter().map(|s| ApiSuggestion {
            title: &s.title,
            url: &s.url,
            kind: s.kind.as_str(),
        }))
        .collect();
    let answer = match raw.format.as_deref() {
        Some("opensearch") => json::response(
            StatusCode::OK,
            "application/x-suggestions+json",
            &(
                &query,
                suggestions.iter().map(|s| s.title).collect::<Vec<_>>(),
            ),
        ),
        None | Some("") | Some("json") => json::response(StatusCode::OK, JSON, &suggestions),
        Some(_) => {
            return Err(WebError::BadRequest(
                "`format` must be json or opensearch".to_string(),
            ));
        }
    };
    Ok(answer?)
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
        // Results stop at MAX_RESULT_DEPTH: pages past it are refused, not served empty.
        assert!(ok(raw(None, Some("100"), None)));
        assert!(!ok(raw(None, Some("101"), None)));
        assert!(ok(raw(None, Some("20"), Some("50"))));
        assert!(!ok(raw(None, Some("21"), Some("50"))));
        let message = validate(&raw(None, Some("101"), None), true)
            .err()
            .unwrap_or_default();
        assert!(message.contains("from 1 to 100"), "{message}");
        assert!(!ok(raw(None, None, Some("51"))));
        assert!(!ok(raw(None, None, Some("abc"))));
    }
}
