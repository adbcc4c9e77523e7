//! Page handlers: each looks up the prerendered response for the current content version; unknown
//! paths get a canonical redirect (alias, trailing slash, upper case) or the 404 page.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};

use super::assets::ASSETS;
use super::state::AppState;
use crate::web::snapshot::Snapshot;

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
    if let Some(page) = snapshot.page(path) {
        return page.respond(request, StatusCode::OK);
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
    let target = if snapshot.page(&normalised).is_some() {
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
