//! Cross-cutting request handling: one log line per request, limits on the request head (414/431),
//! panics turned into a logged 500 page (the worker keeps serving), HTML error pages for bare 4xx
//! answers, and security headers.

use std::panic::AssertUnwindSafe;
use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{DefaultHeaders, Next};
use actix_web::{Error, HttpResponse, web};
use futures_util::FutureExt;

use super::handlers::error_response;
use super::state::AppState;

/// Content-Security-Policy: everything from this origin, nothing inline, no framing.
pub(crate) const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Security headers added to every response.
pub(crate) fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::REFERRER_POLICY, "strict-origin-when-cross-origin"))
        .add((
            header::HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        ))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((
            header::HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ))
}

/// `Strict-Transport-Security`, for deployments behind TLS only.
pub(crate) fn hsts_header() -> DefaultHeaders {
    DefaultHeaders::new().add((
        header::STRICT_TRANSPORT_SECURITY,
        "max-age=31536000; includeSubDomains",
    ))
}

/// Logs one line per request: method, path, status, duration.
pub(crate) async fn log_request(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.path().to_string();
    let response = next.call(request).await;
    let status = match &response {
        Ok(response) => response.status().as_u16(),
        Err(error) => error.as_response_error().status_code().as_u16(),
    };
    tracing::info!(
        target: "helpcenter::request",
        %method,
        path = %truncate(&path, 200),
        status,
        micros = started.elapsed().as_micros() as u64,
    );
    response
}

fn truncate(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((index, _)) => &text[..index],
        None => text,
    }
}

/// Longest request target (path and query) answered normally; longer gets 414 URI Too Long.
///
/// actix-http has hard limits of its own, answered before any middleware runs: a target longer than
/// 65,534 bytes cannot be represented by the `http` crate and gets 400, and a request head longer than
/// 128 KiB or with more than 96 header fields gets 431. This limit sits well below those, so every
/// over-long address a browser or a proxy could plausibly send gets the accurate 414.
pub const MAX_TARGET_BYTES: usize = 8 * 1024;

/// Largest total size of the header fields (name, value, `": "` and CRLF each); more gets 431
/// Request Header Fields Too Large. Below actix-http's own 128 KiB head limit for the same reason as
/// [`MAX_TARGET_BYTES`]; this site sets no cookies, so real browsers send a small fraction of it.
pub const MAX_HEADER_BYTES: usize = 16 * 1024;

/// Answers 414 or 431 to requests whose target or header fields are over the limits above, before
/// routing; `/api/` paths get a JSON error, everything else the HTML error page.
pub(crate) async fn limit_request_size(
    request: ServiceRequest,
    next: Next<BoxBody>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let target_bytes = request.uri().authority().map_or(0, |a| a.as_str().len())
        + request
            .uri()
            .path_and_query()
            .map_or(0, |target| target.as_str().len());
    let header_bytes: usize = request
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    let refusal = if target_bytes > MAX_TARGET_BYTES {
        Some((
            StatusCode::URI_TOO_LONG,
            "The address is too long. Searches are limited to a few hundred characters.",
        ))
    } else if header_bytes > MAX_HEADER_BYTES {
        Some((
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "The request carried more header data than this site accepts.",
        ))
    } else {
        None
    };
    let Some((status, message)) = refusal else {
        return next.call(request).await;
    };
    tracing::warn!(
        status = status.as_u16(),
        target_bytes,
        header_bytes,
        "request refused: too large"
    );
    let (http_request, _) = request.into_parts();
    let response = if http_request.path().starts_with("/api/") {
        HttpResponse::build(status).json(serde_json::json!({ "error": message }))
    } else {
        match http_request
            .app_data::<web::Data<AppState>>()
            .map(|state| super::pages::error::render(&state.snapshot().site, status, Some(message)))
        {
            Some(Ok(html)) => HttpResponse::build(status)
                .content_type("text/html; charset=utf-8")
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .body(html),
            _ => HttpResponse::build(status)
                .content_type("text/plain; charset=utf-8")
                .body(message),
        }
    };
    Ok(ServiceResponse::new(http_request, response))
}

/// Turns a panic in a handler into a logged 500 page; the worker stays up.
pub(crate) async fn catch_panics(
    request: ServiceRequest,
    next: Next<BoxBody>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let http_request = request.request().clone();
    match AssertUnwindSafe(next.call(request)).catch_unwind().await {
        Ok(response) => response,
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            tracing::error!(path = %http_request.path(), %message, "handler panicked");
            let response = match http_request.app_data::<web::Data<AppState>>() {
                Some(state) => error_response(
                    &state.snapshot(),
                    &http_request,
                    actix_web::http::StatusCode::INTERNAL_SERVER_ERROR,
                ),
                None => HttpResponse::InternalServerError().finish(),
            };
            Ok(ServiceResponse::new(http_request, response))
        }
    }
}

/// Gives bare error answers (actix's own 404/405/400, which are plain text or empty) the site's HTML
/// error page. JSON API answers and our own HTML pages pass through untouched.
pub(crate) async fn error_pages(
    request: ServiceRequest,
    next: Next<BoxBody>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let response = next.call(request).await?;
    let status = response.status();
    let is_error = status.is_client_error() || status.is_server_error();
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| {
            value.starts_with("text/html") || value.starts_with("application/json")
        });
    if !is_error || is_html || response.request().path().starts_with("/api/") {
        return Ok(response);
    }
    let Some(state) = response
        .request()
        .app_data::<web::Data<AppState>>()
        .cloned()
    else {
        return Ok(response);
    };
    let allow: Option<HeaderValue> = response.headers().get(header::ALLOW).cloned();
    let (http_request, _) = response.into_parts();
    let mut page = error_response(&state.snapshot(), &http_request, status);
    if let Some(allow) = allow {
        page.headers_mut().insert(header::ALLOW, allow);
    }
    Ok(ServiceResponse::new(http_request, page))
}
