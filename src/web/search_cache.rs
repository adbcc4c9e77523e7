//! The cache of recent search answers in front of the search handlers: an answer depends only on
//! the path and query string, so a `200` is kept per content version with its ETag and compressed
//! variants, and the same request is answered from it.

use std::future::Future;
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::FutureExt;
use futures_util::future::LocalBoxFuture;

use super::cache::CachedResponse;
use super::error::WebError;
use super::state::AppState;

/// Longest query string whose answer is cached; longer ones are answered afresh every time (they
/// are rare, and would let one visitor fill the cache with large keys).
const MAX_CACHED_QUERY_BYTES: usize = 512;

/// Wraps a search handler, whose answer depends only on the path and query string: a `200`
/// answer is kept in the current snapshot's answer cache with its ETag and compressed variants,
/// and later requests for the same path and query string are answered from it (304 on a matching
/// `If-None-Match`). Errors and other statuses pass through untouched.
pub(crate) fn cached<F, Fut>(
    handler: F,
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
                return handler(state, request).await;
            }
            let key = format!("{}?{query}", request.path());
            if let Some(hit) = snapshot.search_cache.get(&key) {
                return Ok(hit.respond(&request, StatusCode::OK));
            }
            let response = handler(state, request.clone()).await?;
            if response.status() != StatusCode::OK {
                return Ok(response);
            }
            let (head, body) = response.into_parts();
            let body = match body.try_into_bytes() {
                Ok(bytes) => bytes,
                Err(body) => return Ok(head.set_body(body)),
            };
            let header = |name| head.headers().get(name).cloned();
            let response = Arc::new(CachedResponse::from_parts(
                body,
                header(header::CONTENT_TYPE)
                    .unwrap_or(HeaderValue::from_static("application/octet-stream")),
                header(header::CACHE_CONTROL).unwrap_or(HeaderValue::from_static("no-cache")),
            ));
            snapshot.search_cache.insert(&key, Arc::clone(&response));
            Ok(response.respond(&request, StatusCode::OK))
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
