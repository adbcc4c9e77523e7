//! Cross-cutting request handling: one log line per request, panics turned into a logged 500 page
//! (the worker keeps serving), HTML error pages for bare 4xx answers, and security headers.

use std::panic::AssertUnwindSafe;
use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
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
        .is_some_and(|value| value.starts_with("text/html") || value.starts_with("application/json"));
    if !is_error || is_html || response.request().path().starts_with("/api/") {
        return Ok(response);
    }
    let Some(state) = response.request().app_data::<web::Data<AppState>>().cloned() else {
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
