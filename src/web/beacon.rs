//! `POST /api/event`: what the script reports, sent with `navigator.sendBeacon` (never a redirect
//! through this server): a result opened from the results page or picked in the typeahead (the
//! typeahead's query is then recorded as a completed search), and the "was this helpful?" form
//! coming into view, which is answered with whether feedback can be taken now.

use std::sync::Arc;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use super::error::WebError;
use super::form_body;
use super::form_guard::Limit;
use super::pages::feedback::FeedbackPage;
use super::state::AppState;
use crate::redact::{self, Masked};
use crate::store::{
    ClickEvent, Event, FormViewEvent, SearchEvent, SearchOutcome, SearchSource, now,
};

/// Longest result address accepted.
const MAX_URL_CHARS: usize = 512;
/// Longest query accepted.
const MAX_QUERY_CHARS: usize = 512;

/// `POST /api/event`.
pub(crate) async fn post(
    state: web::Data<AppState>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, WebError> {
    let form = form_body::read(&state, Limit::Beacon, &request, payload).await?;
    let snapshot = state.snapshot();
    let bad = |message: &str| WebError::BadRequest(message.to_string());
    match form.get("event") {
        Some("click") => {
            let source = match form.get("from") {
                Some("page") => SearchSource::Page,
                Some("suggest") => SearchSource::Suggest,
                _ => return Err(bad("`from` must be page or suggest")),
            };
            let query = form
                .filled("q")
                .filter(|query| query.chars().count() <= MAX_QUERY_CHARS)
                .ok_or_else(|| bad("`q` must be the search, at most 512 characters"))?;
            let url = form
                .get("url")
                .filter(|url| is_site_path(url))
                .ok_or_else(|| bad("`url` must be an address on this site"))?;
            let position = form
                .get("position")
                .and_then(|value| value.parse::<i64>().ok())
                .filter(|position| (1..=1000).contains(position));
            let normalised = redact::normalise_query(query);
            if source == SearchSource::Suggest {
                // Picking a suggestion completes the typeahead's search.
                let check = snapshot.search.check_number(query);
                let shown = form
                    .get("count")
                    .and_then(|value| value.parse::<i64>().ok())
                    .map_or(0, |count| count.clamp(0, 8));
                state.recorder.record(Event::Search(SearchEvent {
                    at: now(),
                    source,
                    outcome: Arc::new(SearchOutcome {
                        query: normalised.clone(),
                        results: shown,
                        answer: None,
                        verdict: check
                            .as_ref()
                            .map(|check| if check.is_known() { "known" } else { "unknown" }),
                        number: check
                            .and_then(|check| redact::checked_number(&normalised, &check.number)),
                        content_version: snapshot.event_version.clone(),
                    }),
                }));
            }
            state.recorder.record(Event::Click(ClickEvent {
                at: now(),
                source,
                query: normalised,
                // Decoded, then masked: an encoded card number in a results address is caught.
                url: result_address(url),
                position,
                content_version: snapshot.event_version.clone(),
            }));
            Ok(HttpResponse::NoContent().finish())
        }
        Some("view") => {
            let page = form
                .filled("page")
                .and_then(|page| FeedbackPage::find(&snapshot.site, page, None))
                .ok_or_else(|| bad("`page` must be a page with the feedback form"))?;
            state.recorder.record(Event::FormView(FormViewEvent {
                at: now(),
                page: Masked::from_own(&page.stored()),
                content_version: snapshot.event_version.clone(),
            }));
            Ok(HttpResponse::Ok()
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .json(serde_json::json!({ "available": state.recorder.is_up() })))
        }
        _ => Err(bad("`event` must be click or view")),
    }
}

/// A result address as stored: percent-decoded and masked (`/search?q=[card number]`).
fn result_address(url: &str) -> Masked {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    redact::loggable_target(path, query, MAX_URL_CHARS)
}

/// An address on this site: a path, not another host (`//host`), without control characters.
fn is_site_path(url: &str) -> bool {
    url.starts_with('/')
        && !url.starts_with("//")
        && url.chars().count() <= MAX_URL_CHARS
        && !url.chars().any(char::is_control)
}
