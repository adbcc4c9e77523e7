//! Page handlers: each looks up the prerendered response for the current content version; unknown
//! paths get a canonical redirect (alias, trailing slash, upper case) or the 404 page.

use std::panic::AssertUnwindSafe;

use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};

use super::assets::ASSETS;
use super::state::AppState;
use crate::web::snapshot::Snapshot;

/// The fast path, taken by the edge middleware before routing: a `GET` or `HEAD` whose path is
/// exactly a page of the current version or an embedded asset is answered with a lookup and a
/// write, without the router (a regex match per route tried), extractors and per-route wrappers.
/// Anything else (other methods, aliases, non-canonical forms, unknown paths) is given back for the
/// route table, which answers those exactly as before. The route table still serves every page too: this only
/// skips work for requests whose answer is already known.
///
/// A panic here (only possible while a large site renders a page on its first request) becomes the
/// logged 500 page, as it would in a routed handler.
#[allow(clippy::result_large_err)] // the request is handed back by value on the common miss path
pub(crate) fn prerendered(request: ServiceRequest) -> Result<ServiceResponse, ServiceRequest> {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return Err(request);
    }
    let Some(state) = request.app_data::<web::Data<AppState>>() else {
        return Err(request);
    };
    let path = request.path();
    let response = state.with_snapshot(|snapshot| {
        let lookup =
            std::panic::catch_unwind(AssertUnwindSafe(|| match path.strip_prefix("/static/") {
                Some(name) => ASSETS
                    .get(name)
                    .map(|asset| asset.respond(request.request(), StatusCode::OK)),
                None => snapshot.respond(path, request.request()),
            }));
        match lookup {
            Ok(answer) => answer,
            Err(panic) => {
                tracing::error!(path, message = panic_message(&*panic), "handler panicked");
                Some(error_response(
                    snapshot,
                    request.request(),
                    StatusCode::INTERNAL_SERVER_ERROR,
                ))
            }
        }
    });
    let Some(response) = response else {
        return Err(request);
    };
    Ok(request.into_response(response))
}

/// The text of a panic payload (`panic!("...")` carries a `&str` or a `String`).
pub(crate) fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}

/// `/`, `/contact`, `/faq`, `/sitemap.xml`, …: pages whose path is their cache key.
pub(crate) async fn fixed_page(state: web::Data<AppState>, request: HttpRequest) -> HttpResponse {
    let snapshot = state.snapshot();
    serve_path(&snapshot, &request, request.path())
}

/// `/articles/{slug}`.
pub(crate) async fn article(
    state: web::Data<AppState>,
    request: HttpRequest,
    slug: web::Path<String>,
) -> HttpResponse {
    let snapshot = state.snapshot();
    serve_path(&snapshot, &request, &format!("/articles/{slug}"))
}

/// `/categories/{slug}`.
pub(crate) async fn category(
    state: web::Data<AppState>,
    request: HttpRequest,
    slug: web::Path<String>,
) -> HttpResponse {
    let snapshot = state.snapshot();
    serve_path(&snapshot, &request, &format!("/categories/{slug}"))
}

/// `/static/{name}`: embedded assets by exact name only.
pub(crate) async fn asset(
    state: web::Data<AppState>,
    request: HttpRequest,
    name: web::Path<String>,
) -> HttpResponse {
    match ASSETS.get(&name) {
        Some(asset) => asset.respond(&request, StatusCode::OK),
        None => not_found(&state.snapshot(), &request),
    }
}

/// `/healthz`: liveness plus the content version being served.
pub(crate) async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let snapshot = state.snapshot();
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(serde_json::json!({
            "status": "ok",
            "content_version": snapshot.version,
            "articles": snapshot.site.articles.len(),
            "pages": snapshot.page_count(),
        }))
}

/// Anything the route table does not match.
pub(crate) async fn fallback(state: web::Data<AppState>, request: HttpRequest) -> HttpResponse {
    let snapshot = state.snapshot();
    match canonical_redirect(&snapshot, request.path()) {
        Some(location) => redirect(&request, &location),
        None => not_found(&snapshot, &request),
    }
}

/// Serves the page at `path`, or redirects to its canonical form, or 404.
fn serve_path(snapshot: &Snapshot, request: &HttpRequest, path: &str) -> HttpResponse {
    if let Some(response) = snapshot.respond(path, request) {
        return response;
    }
    match canonical_redirect(snapshot, path) {
        Some(location) => redirect(request, &location),
        None => not_found(snapshot, request),
    }
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

/// The 404 page.
pub(crate) fn not_found(snapshot: &Snapshot, request: &HttpRequest) -> HttpResponse {
    error_response(snapshot, request, StatusCode::NOT_FOUND)
}

/// The prerendered error page for `status`.
pub(crate) fn error_response(
    snapshot: &Snapshot,
    request: &HttpRequest,
    status: StatusCode,
) -> HttpResponse {
    match snapshot.error_page(status) {
        Some(page) => page.respond(request, status),
        None => HttpResponse::build(status)
            .content_type("text/plain; charset=utf-8")
            .body(status.canonical_reason().unwrap_or("Error")),
    }
}
