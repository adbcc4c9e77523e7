//! The planner's addresses: a query string read into answers, and the answer to a `/plan` address
//! that is not exactly one of the prerendered pages (every canonical address is one) — a redirect
//! to its canonical form, or a 400 saying which answers are accepted.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use super::error::WebError;
use super::pages::plan::{Answers, answer_ids};
use super::state::AppState;
use crate::content::{PLAN_PARAMETERS, Planner, plan_url};

/// `GET /plan?…` when the address is not exactly a prerendered page.
pub(crate) async fn answer(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, WebError> {
    let snapshot = state.snapshot();
    let Some(planner) = snapshot.site.planner.as_ref() else {
        return Err(WebError::NotFound);
    };
    let query = request.query_string();
    let answers = read_answers(planner, query).map_err(WebError::BadRequest)?;
    let canonical = plan_url(answer_ids(planner, answers));
    let asked = match query {
        "" => request.path().to_string(),
        query => format!("{}?{query}", request.path()),
    };
    if canonical == asked {
        // Every canonical address is a page, answered before routing; this one is not.
        return Err(WebError::NotFound);
    }
    Ok(HttpResponse::MovedPermanently()
        .insert_header((header::LOCATION, canonical))
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .finish())
}

/// The answers in a planner query string. Unknown parameters and empty values are ignored (the
/// redirect to the canonical address drops them); an unknown answer, or one question answered
/// twice differently, is an error whose message lists what is accepted. Values are never echoed.
pub(crate) fn read_answers(planner: &Planner, query: &str) -> Result<Answers, String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query)
        .map_err(|_| "The planner's address could not be read.".to_string())?;
    let ids: [Vec<&str>; 3] = [
        planner.needs.iter().map(|n| n.id.as_str()).collect(),
        planner.cards.iter().map(|c| c.id.as_str()).collect(),
        planner.places.iter().map(|p| p.id.as_str()).collect(),
    ];
    let mut answers: Answers = [None; 3];
    for (name, value) in &pairs {
        let Some(question) = PLAN_PARAMETERS.iter().position(|p| p == name) else {
            continue;
        };
        if value.is_empty() {
            continue;
        }
        let Some(position) = ids[question].iter().position(|id| id == value) else {
            return Err(format!(
                "`{name}` must be one of: {}.",
                ids[question].join(", ")
            ));
        };
        match answers[question] {
            Some(given) if given != position => {
                return Err(format!(
                    "`{name}` is given twice with different answers; give it once."
                ));
            }
            _ => answers[question] = Some(position),
        }
    }
    Ok(answers)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn planner() -> Planner {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        crate::content::Site::load(&dir)
            .expect("content loads")
            .planner
            .expect("the content has a planner")
    }

    #[test]
    fn planner_queries_table() {
        let planner = planner();
        let ok = |query: &str| read_answers(&planner, query).expect(query);
        assert_eq!(ok(""), [None; 3]);
        assert_eq!(
            ok("need=lost-stolen&card=personal&where=us"),
            [Some(0), Some(0), Some(0)]
        );
        assert_eq!(
            ok("where=abroad&need=lost-stolen"),
            [Some(0), None, Some(1)]
        );
        assert_eq!(ok("need=&utm_source=x&card=gift"), [None, Some(5), None]);
        assert_eq!(ok("need=fraud&need=fraud"), [Some(2), None, None]);
        for bad in [
            "need=nope",
            "card=PERSONAL",
            "where=us&where=abroad",
            "need=%3Cscript%3E",
            "need=lost-stolen%00",
        ] {
            let message = read_answers(&planner, bad).expect_err(bad);
            assert!(
                !message.contains('<') && !message.contains("nope"),
                "{message}"
            );
        }
    }
}
