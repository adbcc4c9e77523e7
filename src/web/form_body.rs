//! Reading a posted form for the requests that write: the origin check and the client's rate
//! limit first (`form_guard`), then an `application/x-www-form-urlencoded` body of at most
//! [`MAX_FORM_BYTES`], decoded into name/value pairs. Every refusal is a clear 4xx.

use actix_web::http::header;
use actix_web::{HttpRequest, web};
use futures_util::StreamExt;

use super::error::WebError;
use super::form_guard::{self, Limit, Refusal};
use super::state::AppState;

/// Largest form body read: a 500-character comment of four-byte characters, percent-encoded,
/// fits with room to spare.
pub(crate) const MAX_FORM_BYTES: usize = 8 * 1024;

/// A posted form's fields, in order.
pub(crate) struct Form {
    fields: Vec<(String, String)>,
}

impl Form {
    /// The first value of `name`, if any.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.as_str())
    }

    /// The first value of `name`, trimmed, or `None` when missing or blank.
    pub(crate) fn filled(&self, name: &str) -> Option<&str> {
        self.get(name)
            .map(str::trim)
            .filter(|value| !value.is_empty())
    }
}

/// Checks origin and rate limit, then reads the body of `request` as a form.
pub(crate) async fn read(
    state: &AppState,
    limit: Limit,
    request: &HttpRequest,
    mut payload: web::Payload,
) -> Result<Form, WebError> {
    form_guard::same_origin(request).map_err(refused)?;
    state.limits.check(limit, request).map_err(refused)?;
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|value| {
            value
                .trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if !is_form {
        return Err(WebError::UnsupportedMediaType);
    }
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<usize>().ok());
    if declared.is_some_and(|length| length > MAX_FORM_BYTES) {
        return Err(WebError::PayloadTooLarge);
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| WebError::BadRequest("The form was cut off.".into()))?;
        if body.len() + chunk.len() > MAX_FORM_BYTES {
            return Err(WebError::PayloadTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    let fields = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body)
        .map_err(|_| WebError::BadRequest("The form could not be read.".into()))?;
    Ok(Form { fields })
}

fn refused(refusal: Refusal) -> WebError {
    match refusal {
        Refusal::CrossOrigin => WebError::CrossOrigin,
        Refusal::RateLimited(wait) => WebError::TooManyRequests(wait),
    }
}
