//! The one way a failure becomes a response: [`WebError`] names every failure the site answers,
//! maps it to a status, and [`WebError::respond`] builds its answer — the JSON error body under
//! `/api/`, the site's HTML error page elsewhere (the prerendered one when there is nothing
//! particular to say) — and logs a server error exactly once, there.
//!
//! Handlers return `Result<_, WebError>`; actix keeps the error inside the bare response it makes
//! from it, and the edge middleware (`middleware::edge`) hands every error answer, whether ours or
//! actix's own (405 from a guard, 404), to [`respond`]. Failures met outside a handler (a request
//! over the size limits, a panic, a page lookup on the fast path) call [`WebError::respond`]
//! directly, so no other code builds an error response.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};

use super::json;
use super::pages;
use super::state::AppState;

/// The addresses that answer only `POST` (the requests that write); a 405 there says so.
pub(crate) const POST_ONLY: [&str; 2] = ["/feedback", "/api/event"];

/// A failure, as the visitor will be told of it.
#[derive(Debug, thiserror::Error)]
pub(crate) enum WebError {
    /// No page, asset or route at this address.
    #[error("not found")]
    NotFound,
    /// The method is not one this address answers.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// A parameter is not in a form we accept; the message says what is.
    #[error("{0}")]
    BadRequest(String),
    /// The request target is over `MAX_TARGET_BYTES`.
    #[error("The address is too long. Searches are limited to a few hundred characters.")]
    UriTooLong,
    /// The header fields are over `MAX_HEADER_BYTES`.
    #[error("The request carried more header data than this site accepts.")]
    HeaderFieldsTooLarge,
    /// A request that writes was not sent from a page of this site.
    #[error("This form only accepts answers sent from a page of this help center.")]
    CrossOrigin,
    /// A posted body over the size limit.
    #[error("That answer is larger than this form accepts.")]
    PayloadTooLarge,
    /// A posted body in a format the form does not read.
    #[error("This form accepts only ordinary form submissions.")]
    UnsupportedMediaType,
    /// The client is over its rate limit (or the recorder's queue is full): try again later.
    #[error(
        "Too many answers were sent from your connection in a short time. Please wait a minute and try again."
    )]
    TooManyRequests(std::time::Duration),
    /// The store is down or off: feedback cannot be recorded now.
    #[error(
        "Feedback cannot be recorded right now; the pages and numbers work as usual. If you need a person, call the number on the back of your card."
    )]
    FeedbackUnavailable,
    /// Any other client error actix answered by itself (a malformed request).
    #[error("{0}")]
    OtherClient(StatusCode),
    /// A page or answer could not be rendered or serialised.
    #[error("{what}: {detail}")]
    Internal {
        /// What was being done (for the log).
        what: &'static str,
        /// The underlying error (for the log, never shown).
        detail: String,
    },
    /// A handler panicked; the worker keeps serving.
    #[error("handler panicked: {0}")]
    Panic(String),
}

impl WebError {
    /// A rendering or serialising failure.
    pub(crate) fn internal(what: &'static str, error: impl std::fmt::Display) -> WebError {
        WebError::Internal {
            what,
            detail: error.to_string(),
        }
    }

    /// The error actix's own bare answer with `status` stands for.
    fn from_status(status: StatusCode) -> WebError {
        match status {
            StatusCode::NOT_FOUND => WebError::NotFound,
            StatusCode::METHOD_NOT_ALLOWED => WebError::MethodNotAllowed,
            StatusCode::URI_TOO_LONG => WebError::UriTooLong,
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => WebError::HeaderFieldsTooLarge,
            status if status.is_client_error() => WebError::OtherClient(status),
            status => WebError::internal("answer", status),
        }
    }

    /// What the visitor is told when the prerendered page's general wording is not enough.
    fn message(&self) -> Option<String> {
        match self {
            WebError::BadRequest(_)
            | WebError::UriTooLong
            | WebError::HeaderFieldsTooLarge
            | WebError::CrossOrigin
            | WebError::PayloadTooLarge
            | WebError::UnsupportedMediaType
            | WebError::TooManyRequests(_)
            | WebError::FeedbackUnavailable => Some(self.to_string()),
            _ => None,
        }
    }

    /// The answer to `request` for this failure; a server error is logged here and nowhere else.
    pub(crate) fn respond(&self, request: &HttpRequest) -> HttpResponse {
        let status = self.status_code();
        if status.is_server_error() {
            tracing::error!(path = %crate::redact::loggable_path(request.path(), 200), error = %self, "server error");
        }
        let message = self.message();
        let mut response = if request.path().starts_with("/api/") {
            let text = message.unwrap_or_else(|| {
                status
                    .canonical_reason()
                    .unwrap_or("error")
                    .to_ascii_lowercase()
            });
            // A map of one string always serialises.
            json::response(status, json::JSON, &serde_json::json!({ "error": text }))
                .unwrap_or_else(|_| plain(status, None))
        } else {
            html_page(request, status, message.as_deref())
        };
        if status == StatusCode::METHOD_NOT_ALLOWED {
            let allowed = if POST_ONLY.contains(&request.path()) {
                "POST"
            } else {
                "GET, HEAD"
            };
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static(allowed));
        }
        if let WebError::TooManyRequests(wait) = self {
            let seconds = wait.as_secs().clamp(1, 3600);
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        response
    }
}

impl From<serde_json::Error> for WebError {
    fn from(error: serde_json::Error) -> WebError {
        WebError::internal("serialising JSON", error)
    }
}

impl ResponseError for WebError {
    fn status_code(&self) -> StatusCode {
        match self {
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::UriTooLong => StatusCode::URI_TOO_LONG,
            WebError::HeaderFieldsTooLarge => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            WebError::CrossOrigin => StatusCode::FORBIDDEN,
            WebError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            WebError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            WebError::FeedbackUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            WebError::OtherClient(status) => *status,
            WebError::Internal { .. } | WebError::Panic(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A bare answer carrying the error: the edge middleware turns it into the real one with
    /// [`respond`], which needs the request this method is not given.
    fn error_response(&self) -> HttpResponse {
        HttpResponse::new(self.status_code())
    }
}

/// The site's HTML error page for `status`: the prerendered one of the current version, or one
/// rendered now when there is a particular message (never kept: it may echo the request).
fn html_page(request: &HttpRequest, status: StatusCode, message: Option<&str>) -> HttpResponse {
    let Some(state) = request.app_data::<web::Data<AppState>>() else {
        return plain(status, message);
    };
    let snapshot = state.snapshot();
    if let Some(message) = message {
        return match pages::error::render(&snapshot.site, status, Some(message)) {
            Ok(html) => HttpResponse::build(status)
                .content_type("text/html; charset=utf-8")
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .body(html),
            Err(error) => {
                tracing::error!(%error, "rendering an error page failed");
                plain(status, Some(message))
            }
        };
    }
    match snapshot.error_page(status) {
        Some(page) => page.respond(request, status),
        None => plain(status, None),
    }
}

/// The last resort: a plain-text answer.
fn plain(status: StatusCode, message: Option<&str>) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/plain; charset=utf-8")
        .body(
            message
                .or(status.canonical_reason())
                .unwrap_or("Error")
                .to_string(),
        )
}

/// Gives every error answer that is not already a finished page its real form: a [`WebError`] a
/// handler returned (actix keeps it inside the response), or actix's own bare 404/405/400. Our own
/// HTML pages and JSON answers pass through untouched. Headers the bare answer set (`Allow`) are
/// kept.
pub(crate) fn finish(request: &HttpRequest, response: HttpResponse) -> HttpResponse {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let ours = response
        .error()
        .and_then(|error| error.as_error::<WebError>());
    if ours.is_none() {
        let finished = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| {
                value.starts_with("text/html") || value.starts_with("application/json")
            });
        if finished {
            return response;
        }
    }
    let answer = match ours {
        Some(error) => error.respond(request),
        None => WebError::from_status(status).respond(request),
    };
    let mut answer = answer;
    if let Some(allow) = response.headers().get(header::ALLOW) {
        answer.headers_mut().insert(header::ALLOW, allow.clone());
    }
    answer
}

/// The text of a panic payload (`panic!("...")` carries a `&str` or a `String`).
pub(crate) fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}
