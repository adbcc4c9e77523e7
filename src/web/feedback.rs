//! `POST /feedback`: a "was this helpful?" answer. Checked (origin, rate limit, size, fields
//! against the current content), masked, queued for the store only if the store is up and the
//! queue has room, then answered: `303` back to the page's thank-you (or, after a "no", the numbers
//! that fit the page), or `200` JSON for the script. A store that is down answers `503`; a full
//! queue `429`: nothing the visitor is thanked for is dropped.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use super::error::WebError;
use super::form_body::{self, Form};
use super::form_guard::Limit;
use super::pages::feedback::FeedbackPage;
use super::state::AppState;
use crate::redact::{self, Masked};
use crate::store::{Event, FeedbackEvent, MAX_COMMENT_CHARS, Reason, Refused, now};

/// `POST /feedback`.
pub(crate) async fn post(
    state: web::Data<AppState>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, WebError> {
    let form = form_body::read(&state, Limit::Feedback, &request, payload).await?;
    let snapshot = state.snapshot();
    let answer = Answer::parse(&form, &snapshot.site)?;
    let event = Event::Feedback(FeedbackEvent {
        at: now(),
        page: Masked::from_own(&answer.page.stored()),
        helpful: answer.helpful,
        reason: answer.reason,
        comment: answer.comment.as_deref().map(redact::mask),
        query: match &answer.page {
            FeedbackPage::Search(query) => Some(redact::normalise_query(query)),
            _ => None,
        },
        content_version: snapshot.event_version.clone(),
    });
    match state.recorder.record_confirmed(event) {
        Ok(()) => {}
        Err(Refused::Off | Refused::Down) => return Err(WebError::FeedbackUnavailable),
        Err(Refused::Full) => {
            return Err(WebError::TooManyRequests(std::time::Duration::from_secs(5)));
        }
    }
    if wants_json(&request) {
        return Ok(HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .json(serde_json::json!({ "recorded": true })));
    }
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, answer.page.return_url(answer.helpful)))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish())
}

/// The script asks for JSON (`Accept: application/json`); a plain form submission does not.
fn wants_json(request: &HttpRequest) -> bool {
    request
        .headers()
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"))
}

/// A validated answer.
#[derive(Debug)]
struct Answer {
    page: FeedbackPage,
    helpful: bool,
    reason: Option<Reason>,
    comment: Option<String>,
}

impl Answer {
    /// Reads and checks the fields; the message of a refusal says what is wrong (never echoing
    /// what was typed).
    fn parse(form: &Form, site: &crate::content::Site) -> Result<Answer, WebError> {
        let bad = |message: &str| WebError::BadRequest(message.to_string());
        let helpful = match form.filled("helpful") {
            Some("yes") => true,
            Some("no") => false,
            _ => return Err(bad("The answer must be yes or no.")),
        };
        let query = form.get("q");
        if query.is_some_and(|query| query.chars().count() > crate::search::MAX_QUERY_CHARS * 2) {
            return Err(bad("The search this answer is about is too long."));
        }
        let page = form
            .filled("page")
            .and_then(|page| FeedbackPage::find(site, page, query))
            .ok_or_else(|| bad("This answer is not about a page of this help center."))?;
        let reason = match form.filled("reason") {
            None => None,
            Some(value) => Some(
                Reason::parse(value).ok_or_else(|| bad("That reason is not one of the form's."))?,
            ),
        };
        let comment = form.filled("comment").map(str::to_string);
        if comment
            .as_ref()
            .is_some_and(|comment| comment.chars().count() > MAX_COMMENT_CHARS)
        {
            return Err(WebError::BadRequest(format!(
                "Comments are limited to {MAX_COMMENT_CHARS} characters."
            )));
        }
        // A "yes" has no reason or comment to give.
        let (reason, comment) = if helpful {
            (None, None)
        } else {
            (reason, comment)
        };
        Ok(Answer {
            page,
            helpful,
            reason,
            comment,
        })
    }
}
