//! Answers that are not search: a page or asset of the current version (the fast path, taken
//! before routing), and what the route table falls back to (canonical redirects, 405 and 404), and
//! `/healthz`.

use std::panic::AssertUnwindSafe;

use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};

use super::assets::ASSETS;
use super::error::{WebError, panic_message};
use super::snapshot::Snapshot;
use super::state::AppState;

/// The page and asset lookup, run by the edge middleware before routing: a `GET` or `HEAD` whose
/// path is exactly a page of the current version or an embedded asset is answered here, with a
/// lookup and a write, and nowhere else. Anything else (other methods, aliases, non-canonical
/// forms, unknown paths, search) is handed back for the route table.
///
/// A failure here (a page of a big site that fails to render on its first request, or panics while
/// doing so) is answered through [`WebError`], as in a routed handler.
#[allow(
    clippy::result_large_err,
    reason = "the request is handed back by value on the common miss path; boxing it would cost an allocation per routed request"
)]
pub(crate) fn prerendered(request: ServiceRequest) -> Result<ServiceResponse, ServiceRequest> {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return Err(request);
    }
    let Some(state) = request.app_data::<web::Data<AppState>>() else {
        return Err(request);
    };
    let path = request.path();
    let answer = state.with_snapshot(|snapshot| {
        std::panic::catch_unwind(AssertUnwindSafe(|| match path.strip_prefix("/static/") {
            Some(name) => ASSETS
                .get(name)
                .map(|asset| Ok(asset.respond(request.request(), StatusCode::OK))),
            None => snapshot.respond(path, request.request()).map(|answer| {
                answer.map_err(|error| WebError::internal("rendering a page", error))
            }),
        }))
        .unwrap_or_else(|panic| Some(Err(WebError::Panic(panic_message(&*panic)))))
    });
    let response = match answer {
        None => return Err(request),
        Some(Ok(response)) => response,
        Some(Err(error)) => error.respond(request.request()),
    };
    Ok(request.into_response(response))
}

/// `/healthz`: liveness, the content version being served, whether events are being recorded
/// (`store.up`) with the count of events dropped since start, and how often the search answer
/// cache has answered since that version started. Always 200 while the process serves: the site
/// works without its store.
pub(crate) async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let snapshot = state.snapshot();
    let store = state.recorder.status();
    let cache = snapshot.search_cache.stats();
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(serde_json::json!({
            "status": "ok",
            "content_version": snapshot.version,
            "articles": snapshot.site.articles.len(),
            "pages": snapshot.page_count(),
            "store": {
                "backend": store.backend,
                "up": store.up,
                "dropped": store.dropped,
                "queued": store.queued,
            },
            "search_cache": {
                "hits": cache.hits,
                "misses": cache.misses,
                "entries": cache.entries,
                "hit_rate": cache.hit_rate(),
            },
        }))
}

/// Anything neither the page lookup nor a route answered: a page address with a method other than
/// `GET`/`HEAD` gets 405, a known page reached by an alias or a non-canonical form gets a
/// redirect, anything else 404.
pub(crate) async fn fallback(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, WebError> {
    let snapshot = state.snapshot();
    let path = request.path();
    if !matches!(*request.method(), Method::GET | Method::HEAD) && is_read_only(&snapshot, path) {
        return Err(WebError::MethodNotAllowed);
    }
    match canonical_redirect(&snapshot, path) {
        Some(location) => Ok(redirect(&request, &location)),
        None => Err(WebError::NotFound),
    }
}

/// Addresses that only answer `GET` and `HEAD`: every page and asset, and every address shaped
/// like an article, category or asset (so a wrong method gets 405 there whether or not the page
/// exists, as for the search routes).
fn is_read_only(snapshot: &Snapshot, path: &str) -> bool {
    snapshot.has_page(path)
        || ["/articles/", "/categories/", "/static/"]
            .iter()
            .any(|prefix| {
                path.strip_prefix(prefix)
                    .is_some_and(|rest| !rest.is_empty() && !rest.contains('/'))
            })
}

/// The canonical path for a known page reached by an alias, a trailing slash or different case.
pub(crate) fn canonical_redirect(snapshot: &Snapshot, path: &str) -> Option<String> {
    let trimmed = path.trim_end_matches('/');
    let normalised = if trimmed.is_empty() {
        "/".to_string()
    } else {
        trimmed.to_lowercase()
    };
    let target = if snapshot.has_page(&normalised) {
        normalised
    } else if let Some(slug) = normalised.strip_prefix("/articles/") {
        snapshot.site.article_by_alias(slug)?.url_path()
    } else {
        return None;
    };
    (target != path).then_some(target)
}

/// 301 to `location`, keeping the query string. Browsers carry the `#fragment` over by themselves.
fn redirect(request: &HttpRequest, location: &str) -> HttpResponse {
    let location = match request.query_string() {
        "" => location.to_string(),
        query => format!("{location}?{query}"),
    };
    HttpResponse::MovedPermanently()
        .insert_header((header::LOCATION, location))
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .finish()
}
