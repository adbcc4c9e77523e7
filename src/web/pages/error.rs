//! Error pages (404, 400, 405, 500): the search form, a plain message and the ways home.

use actix_web::http::StatusCode;
use askama::Template;

use crate::content::Site;
use crate::web::views::Layout;

/// An error page.
#[derive(Template)]
#[template(path = "error.html")]
pub(crate) struct ErrorPage {
    pub layout: Layout,
    pub heading: String,
    pub message: String,
}

/// Renders the page for `status`, with `message` instead of the status's general wording.
pub(crate) fn render(
    site: &Site,
    status: StatusCode,
    message: Option<&str>,
) -> askama::Result<String> {
    let (heading, default_message) = match status.as_u16() {
        404 => (
            "We could not find that page",
            "The address may be mistyped, or the page may have moved.",
        ),
        405 => (
            "That kind of request is not allowed here",
            "This address only answers ordinary page visits.",
        ),
        403 => (
            "This form only takes answers from this site",
            "Answers can only be sent from a page of this help center.",
        ),
        429 => (
            "Too many answers at once",
            "Please wait a minute and try again.",
        ),
        503 => (
            "Feedback is unavailable right now",
            "The pages and numbers work as usual; only answers to \"was this helpful?\" cannot be recorded now.",
        ),
        400..=499 => (
            "We could not understand that request",
            "Something in the address was not in a form we accept.",
        ),
        _ => (
            "Something went wrong on our side",
            "The problem has been logged. Please try again in a moment.",
        ),
    };
    let mut layout = Layout::new(site, heading, default_message, "/");
    // An error answers whatever address was asked for: it is no page's canonical form.
    layout.canonical_url = None;
    layout.noindex = true;
    ErrorPage {
        layout,
        heading: heading.to_string(),
        message: message.unwrap_or(default_message).to_string(),
    }
    .render()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_pages_claim_no_canonical_address() {
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site");
        let site = Site::load(&dir).expect("the fixture site loads");
        for status in [StatusCode::NOT_FOUND, StatusCode::INTERNAL_SERVER_ERROR] {
            let html = render(&site, status, None).expect("renders");
            assert!(!html.contains("rel=\"canonical\""), "{status}: {html}");
            assert!(!html.contains("og:url"), "{status}");
            assert!(html.contains("noindex"), "{status}");
        }
    }
}
