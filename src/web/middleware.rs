//! The layer every request passes through (the order is told in `routes.rs`): limits on the
//! request head, the page lookup, the route table, error answers, security headers and one log
//! line; and the per-route wrapper that turns a handler's panic into a 500 answer.

use std::panic::AssertUnwindSafe;
use std::sync::LazyLock;
use std::time::Instant;

use actix_web::Error;
use actix_web::body::BoxBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use futures_util::FutureExt;

use super::error::{self, WebError, panic_message};
use super::handlers::prerendered;
use crate::redact;

/// Content-Security-Policy: everything from this origin, nothing inline, no framing.
pub(crate) const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Security headers added to every response (unless a handler already set one), parsed once.
static SECURITY_HEADERS: LazyLock<[(header::HeaderName, HeaderValue); 6]> = LazyLock::new(|| {
    let pair = |name: &'static str, value: &'static str| {
        (
            header::HeaderName::from_static(name),
            HeaderValue::from_static(value),
        )
    };
    [
        pair("content-security-policy", CONTENT_SECURITY_POLICY),
        pair("x-content-type-options", "nosniff"),
        pair("referrer-policy", "strict-origin-when-cross-origin"),
        pair(
            "permissions-policy",
            "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        ),
        pair("x-frame-options", "DENY"),
        pair("cross-origin-opener-policy", "same-origin"),
    ]
});

/// `Strict-Transport-Security`, for deployments behind TLS only.
const HSTS: &str = "max-age=31536000; includeSubDomains";

/// The one outer layer every request passes through: size limits (414/431), then the prerendered
/// fast path or the route table, then HTML
/// error pages for bare 4xx/5xx answers, security headers, and one log line. One layer instead of five
/// stacked ones: each layer costs a boxed future and a header pass per request, and together they were
/// about a quarter of the CPU spent serving a cached page.
pub(crate) async fn edge(
    request: ServiceRequest,
    next: Next<BoxBody>,
    hsts: bool,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let started = Instant::now();
    let result = match limit_request_size(request) {
        Ok(request) => match prerendered(request) {
            Ok(response) => Ok(response),
            Err(request) => match next.call(request).await {
                Ok(response) => Ok(finish_errors(response)),
                Err(error) => Err(error),
            },
        },
        Err(refused) => Ok(*refused),
    };
    let mut response = match result {
        Ok(response) => response,
        Err(error) => {
            // The request went with the error; only the status is known (a rare path: handlers
            // answer errors as responses).
            let status = error.as_response_error().status_code().as_u16();
            log_line(None, status, started);
            return Err(error);
        }
    };
    let headers = response.headers_mut();
    for (name, value) in SECURITY_HEADERS.iter() {
        if !headers.contains_key(name) {
            headers.insert(name.clone(), value.clone());
        }
    }
    if hsts {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    let status = response.status().as_u16();
    log_line(Some(response.request()), status, started);
    Ok(response)
}

/// One line per request; the request is read from the response, so nothing is copied up front.
/// The path is masked first (`redact::loggable_path`): a card number typed into an address never
/// reaches the log. The query string is not logged.
fn log_line(request: Option<&actix_web::HttpRequest>, status: u16, started: Instant) {
    let (method, path) = request.map_or(("-", "-"), |r| (r.method().as_str(), r.path()));
    tracing::info!(
        target: "helpcenter::request",
        method,
        path = %redact::loggable_path(path, 200),
        status,
        micros = started.elapsed().as_micros() as u64,
    );
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
/// The refusal is boxed: it is the rare path, and the common one should not move a large `Result`.
fn limit_request_size(
    request: ServiceRequest,
) -> Result<ServiceRequest, Box<ServiceResponse<BoxBody>>> {
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
        WebError::UriTooLong
    } else if header_bytes > MAX_HEADER_BYTES {
        WebError::HeaderFieldsTooLarge
    } else {
        return Ok(request);
    };
    tracing::warn!(
        status = actix_web::ResponseError::status_code(&refusal).as_u16(),
        target_bytes,
        header_bytes,
        "request refused: too large"
    );
    let (http_request, _) = request.into_parts();
    let response = refusal.respond(&http_request);
    Err(Box::new(ServiceResponse::new(http_request, response)))
}

/// Turns a panic in a handler into the 500 answer (logged once, by [`WebError::respond`]); the
/// worker stays up.
pub(crate) async fn catch_panics(
    request: ServiceRequest,
    next: Next<BoxBody>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let http_request = request.request().clone();
    match AssertUnwindSafe(next.call(request)).catch_unwind().await {
        Ok(response) => response,
        Err(panic) => {
            let response = WebError::Panic(panic_message(&*panic)).respond(&http_request);
            Ok(ServiceResponse::new(http_request, response))
        }
    }
}

/// Gives an error answer from the route table its final form ([`error::finish`]).
fn finish_errors(response: ServiceResponse<BoxBody>) -> ServiceResponse<BoxBody> {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (http_request, response) = response.into_parts();
    let response = error::finish(&http_request, response);
    ServiceResponse::new(http_request, response)
}
