//! Search leads to the call planner: a situation query carries the planner's address for its need
//! (with the card and place it names) in `/api/search` and as a link on `/search`, other queries
//! carry none, every planner address is a prerendered page, and bad `plan` answers in
//! `intents.toml` are reported with file and line.

use actix_web::http::StatusCode;
use helpcenter::content::{Site, plan_url};

use crate::common::{app, content_dir, copy_tree, edit, get, problem_in, state};

/// Situations, and the planner address each must carry.
const SITUATIONS: &[(&str, &str)] = &[
    ("lost card", "/plan?need=lost-stolen"),
    (
        "my card was stolen in Lisbon",
        "/plan?need=lost-stolen&where=abroad",
    ),
    (
        "lost my business card",
        "/plan?need=lost-stolen&card=business",
    ),
    (
        "I lost my platinum card",
        "/plan?need=lost-stolen&card=platinum",
    ),
    ("lost amex gift card", "/plan?need=lost-stolen&card=gift"),
    ("charge I don't recognise", "/plan?need=fraud"),
    ("I gave my CVV to a scammer", "/plan?need=fraud"),
    ("points never posted", "/plan?need=rewards"),
    (
        "card declined abroad",
        "/plan?need=blocked-hold&where=abroad",
    ),
    ("my account is on hold", "/plan?need=blocked-hold"),
    ("dispute a charge", "/plan?need=billing-dispute"),
    ("activate my new card", "/plan?need=activate"),
    ("annual fee refund", "/plan?need=annual-fee"),
    ("flat tire need a tow", "/plan?need=roadside"),
    ("change my address", "/plan?need=account-changes"),
    ("I want to escalate my complaint", "/plan?need=complaint"),
];

/// A phone-number check, navigational queries, scam guidance with nothing shared, the general
/// route, a circumstance alone, nothing stated, no query.
const NOT_SITUATIONS: &[&str] = &[
    "1-800-528-4800",
    "is 1-855-693-2213 really amex",
    "lost card 1-800-123-4567",
    "platinum card phone number",
    "customer service",
    "amex headquarters address",
    "talk to a live person",
    "calling from abroad",
    "someone called claiming to be amex",
    "credit limit increase",
    "weather in paris",
    "",
];

fn api(query: &str) -> String {
    format!(
        "/api/search?q={}",
        query
            .replace('%', "%25")
            .replace(' ', "+")
            .replace('\'', "%27")
    )
}

fn plan_url_of(body: &str) -> Option<String> {
    let json: serde_json::Value = serde_json::from_str(body).expect("JSON");
    assert!(
        json.as_object().is_some_and(|o| o.contains_key("plan_url")),
        "plan_url is always present: {body}"
    );
    json["plan_url"].as_str().map(str::to_string)
}

#[actix_web::test]
async fn situation_queries_carry_the_planner_address_for_their_need_and_what_they_name() {
    let app = app(state(&content_dir())).await;
    for (query, expected) in SITUATIONS {
        let answer = get(&app, &api(query)).await;
        assert_eq!(answer.status, StatusCode::OK, "{query}");
        assert_eq!(
            plan_url_of(&answer.body).as_deref(),
            Some(*expected),
            "{query}"
        );
        // The address is a page: the form with the answers named checked, the rest left open.
        let plan = get(&app, expected).await;
        assert_eq!(plan.status, StatusCode::OK, "{expected}");
        let params: Vec<(String, String)> =
            serde_urlencoded::from_str(expected.trim_start_matches("/plan?")).expect("query");
        for (name, value) in &params {
            let checked = format!("input[name='{name}'][value='{value}'][checked]");
            assert_eq!(plan.count(&checked), 1, "{expected}: {checked}");
        }
        assert_eq!(
            plan.count("#plan-form input[checked]"),
            params.len(),
            "{expected}"
        );
    }
}

#[actix_web::test]
async fn other_queries_carry_no_planner_address_and_no_planner_link() {
    let app = app(state(&content_dir())).await;
    for query in NOT_SITUATIONS {
        let answer = get(&app, &api(query)).await;
        assert_eq!(answer.status, StatusCode::OK, "{query}");
        assert_eq!(plan_url_of(&answer.body), None, "{query}");
        let page = get(&app, &format!("/search?q={}", &api(query)[14..])).await;
        assert_eq!(page.count("#search-plan"), 0, "{query}");
    }
}

#[actix_web::test]
async fn the_results_page_links_the_planner_after_the_instant_answer() {
    let app = app(state(&content_dir())).await;
    for (query, expected) in SITUATIONS {
        let page = get(&app, &format!("/search?q={}", &api(query)[14..])).await;
        assert_eq!(page.status, StatusCode::OK, "{query}");
        assert_eq!(
            page.attrs("#search-plan-link", "href"),
            [expected.to_string()],
            "{query}"
        );
        assert_eq!(
            page.texts("#search-plan-link"),
            ["Plan this call"],
            "{query}"
        );
        // Below the instant answer when there is one, above the results.
        let body = &page.body;
        let link = body.find("id=\"search-plan\"").expect("the link");
        if let Some(answer) = body.find("id=\"instant-answer\"") {
            assert!(
                answer < link,
                "{query}: the link follows the instant answer"
            );
        }
        if let Some(results) = body.find("id=\"results\"") {
            assert!(link < results, "{query}: the link comes before the results");
        }
    }
}

/// No answer, then each of `ids`.
fn answers<'a>(ids: impl Iterator<Item = &'a str>) -> Vec<Option<&'a str>> {
    std::iter::once(None).chain(ids.map(Some)).collect()
}

#[actix_web::test]
async fn every_canonical_planner_address_is_a_prerendered_page() {
    let site = Site::load(&content_dir()).expect("content loads");
    let planner = site.planner.as_ref().expect("the content has a planner");
    let app = app(state(&content_dir())).await;
    let mut addresses = 0;
    for need in answers(planner.needs.iter().map(|n| n.id.as_str())) {
        for card in answers(planner.cards.iter().map(|c| c.id.as_str())) {
            for place in answers(planner.places.iter().map(|p| p.id.as_str())) {
                let path = plan_url([need, card, place]);
                let page = get(&app, &path).await;
                assert_eq!(page.status, StatusCode::OK, "{path}");
                // A page of the content version (rendered per request would say no-cache).
                assert_eq!(
                    page.header("cache-control"),
                    Some("public, max-age=0, must-revalidate"),
                    "{path}"
                );
                assert!(page.header("etag").is_some(), "{path}");
                addresses += 1;
            }
        }
    }
    assert_eq!(
        addresses,
        (planner.needs.len() + 1) * (planner.cards.len() + 1) * (planner.places.len() + 1)
    );
}

#[test]
fn planner_answers_in_intents_toml_are_checked_with_file_and_line() {
    for (find, replace, says) in [
        (
            "plan = { need = \"lost-stolen\" }",
            "plan = { need = \"lost-card\" }",
            "`lost-card` is not a `need` answer in planner.toml",
        ),
        (
            "plan = { card = \"business\" }",
            "plan = { card = \"small-business\" }",
            "`small-business` is not a `card` answer in planner.toml",
        ),
        (
            "plan = { where = \"abroad\" }",
            "plan = { where = \"overseas\" }",
            "`overseas` is not a `where` answer in planner.toml",
        ),
        (
            "plan = { need = \"rewards\" }",
            "plan = { need = \"rewards\", wher = \"abroad\" }",
            "unknown field `wher`",
        ),
    ] {
        let dir = tempfile::tempdir().expect("temp dir");
        copy_tree(&content_dir(), dir.path());
        edit(dir.path(), "intents.toml", find, replace);
        let text = std::fs::read_to_string(dir.path().join("intents.toml")).expect("read");
        let line = text
            .lines()
            .position(|line| line.contains(replace))
            .map(|index| index + 1);
        let error = Site::load(dir.path()).expect_err(says);
        let problem = problem_in(&error, "intents.toml", says, says);
        assert_eq!(problem.line, line, "{says}: {error}");
    }
    // Without a planner, a planner answer has nothing to name.
    let dir = tempfile::tempdir().expect("temp dir");
    copy_tree(&content_dir(), dir.path());
    std::fs::remove_file(dir.path().join("planner.toml")).expect("remove planner.toml");
    let error = Site::load(dir.path()).expect_err("no planner");
    problem_in(&error, "intents.toml", "no planner.toml", "no planner");
}
