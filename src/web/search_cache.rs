//! The answer cache in front of the search endpoints, which also records every completed search
//! it serves, from the cache or not: the handler attaches what its search found to its response
//! (an `Arc<SearchOutcome>` extension, computed and masked once per answer), the cache keeps it
//! with the answer, and each serving hands the recorder a timestamp and that `Arc` — a `try_send`
//! of a small struct, nothing else on the request path.

use std::future::Future;
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::FutureExt;
use futures_util::future::LocalBoxFuture;

use super::answer_cache::CachedAnswer;
use super::cache::CachedResponse;
use super::error::WebError;
use super::state::AppState;
use crate::redact;
use crate::search::SearchResults;
use crate::store::{Event, SearchEvent, SearchOutcome, SearchSource, now};

/// Longest query string whose answer is cached; longer ones are answered afresh every time (they
/// are rare, and would let one visitor fill the cache with large keys).
const MAX_CACHED_QUERY_BYTES: usize = 512;

/// What a search found, for the record: `None` for an empty query and for pages after the first
/// (paging through results is not another search).
pub(crate) fn outcome(
    query: &str,
    page: usize,
    results: &SearchResults,
    content_version: &Arc<str>,
) -> Option<Arc<SearchOutcome>> {
    if page > 1 || query.trim().is_empty() {
        return None;
    }
    let answer = results
        .answer
        .as_ref()
        .map(|answer| match answer.contacts.first() {
            Some(contact) => format!("{}:{}", answer.kind.as_str(), contact.id),
            None => answer.kind.as_str().to_string(),
        });
    let check = results.number_check.as_ref();
    let query = redact::normalise_query(query);
    Some(Arc::new(SearchOutcome {
        number: check.and_then(|check| redact::checked_number(&query, &check.number)),
        query,
        results: i64::try_from(results.total).unwrap_or(i64::MAX),
        answer,
        verdict: check.map(|check| if check.is_known() { "known" } else { "unknown" }),
        content_version: Arc::clone(content_version),
    }))
}

/// Hands a served search to the recorder (never waits; dropped and counted when the queue is
/// full).
fn record(state: &AppState, source: Option<SearchSource>, outcome: Option<&Arc<SearchOutcome>>) {
    if let (Some(source), Some(outcome)) = (source, outcome) {
        state.recorder.record(Event::Search(SearchEvent {
            at: now(),
            source,
            outcome: Arc::clone(outcome),
        }));
    }
}

/// Wraps a search handler, whose answer depends only on the path and query string: a `200`
/// answer is kept in the current snapshot's answer cache with its ETag, and later requests for the
/// same path and query string are answered from it (304 on a matching `If-None-Match`). Most
/// answers are never asked for again (every new query, every keystroke of the typeahead), so an
/// answer is compressed fast until it has proved popular (`CachedAnswer::respond`). Errors and other statuses pass through untouched. Every answer carrying an
/// outcome is recorded as a search from `source` (`None`: never recorded, as for suggestions).
pub(crate) fn cached<F, Fut>(
    handler: F,
    source: Option<SearchSource>,
) -> impl Fn(web::Data<AppState>, HttpRequest) -> LocalBoxFuture<'static, Result<HttpResponse, WebError>>
+ Clone
+ 'static
where
    F: Fn(web::Data<AppState>, HttpRequest) -> Fut + Clone + 'static,
    Fut: Future<Output = Result<HttpResponse, WebError>> + 'static,
{
    move |state: web::Data<AppState>, request: HttpRequest| {
        let handler = handler.clone();
        async move {
            let snapshot = state.snapshot();
            let query = request.query_string();
            if query.len() > MAX_CACHED_QUERY_BYTES {
                let response = handler(state.clone(), request).await?;
                record(&state, source, response.extensions().get());
                return Ok(response);
            }
            let key = format!("{}?{query}", request.path());
            if let Some(hit) = snapshot.search_cache.get(&key) {
                record(&state, source, hit.outcome.as_ref());
                return Ok(hit.respond(&request, true));
            }
            let response = handler(state.clone(), request.clone()).await?;
            let outcome: Option<Arc<SearchOutcome>> = response.extensions().get().cloned();
            record(&state, source, outcome.as_ref());
            if response.status() != StatusCode::OK {
                return Ok(response);
            }
            let (head, body) = response.into_parts();
            let body = match body.try_into_bytes() {
                Ok(bytes) => bytes,
                Err(body) => return Ok(head.set_body(body)),
            };
            let header = |name| head.headers().get(name).cloned();
            let answer = Arc::new(CachedAnswer::new(
                CachedResponse::from_parts(
                    body,
                    header(header::CONTENT_TYPE)
                        .unwrap_or(HeaderValue::from_static("application/octet-stream")),
                    header(header::CACHE_CONTROL).unwrap_or(HeaderValue::from_static("no-cache")),
                ),
                outcome,
            ));
            snapshot.search_cache.insert(&key, Arc::clone(&answer));
            Ok(answer.respond(&request, false))
        }
        .boxed_local()
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    #[actix_web::test]
    async fn search_answers_come_from_the_cache_with_etags_and_304s() {
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site");
        let snapshot = crate::build_snapshot(&dir, 1).expect("the fixture site builds");
        let state = web::Data::new(AppState::new(snapshot));
        let app = actix_web::test::init_service(crate::web::app(state.clone(), false)).await;
        for uri in [
            "/search?q=lost+card",
            "/api/search?q=lost+card",
            "/api/suggest?q=los",
        ] {
            let fetch = |request: TestRequest| request.uri(uri).to_request();
            let first = actix_web::test::call_service(&app, fetch(TestRequest::get())).await;
            assert_eq!(first.status(), StatusCode::OK, "{uri}");
            let etag = first.headers().get(header::ETAG).cloned().expect("an ETag");
            let first_body = actix_web::test::read_body(first).await;
            assert!(state.snapshot().search_cache.len() > 0);

            let again = actix_web::test::call_service(&app, fetch(TestRequest::get())).await;
            assert_eq!(again.headers().get(header::ETAG), Some(&etag), "{uri}");
            assert_eq!(actix_web::test::read_body(again).await, first_body, "{uri}");

            let revalidate = TestRequest::get().insert_header((header::IF_NONE_MATCH, etag));
            let not_modified = actix_web::test::call_service(&app, fetch(revalidate)).await;
            assert_eq!(not_modified.status(), StatusCode::NOT_MODIFIED, "{uri}");
        }
        // Errors are not cached.
        let bad = TestRequest::get()
            .uri("/api/search?q=x&page=0")
            .to_request();
        let before = state.snapshot().search_cache.len();
        let response = actix_web::test::call_service(&app, bad).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(state.snapshot().search_cache.len(), before);
    }
}
