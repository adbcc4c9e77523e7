//! What crawlers and browsers read: sitemap, robots.txt, OpenSearch, Atom feed (all parsed as XML),
//! per-page meta tags, and JSON-LD checked against the visible content.

use std::collections::BTreeSet;

use actix_web::http::StatusCode;
use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::Value;

use crate::common::{Fetched, app, fixture_dir, get, state};

/// Parses `xml` fully (fails the test on malformed XML) and returns (element name, text) pairs.
fn parse_xml(xml: &str) -> Vec<(String, String)> {
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<String> = Vec::new();
    let mut found = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(start) => {
                stack.push(String::from_utf8_lossy(start.name().as_ref()).into_owned());
            }
            Event::End(_) => {
                stack.pop();
            }
            Event::Empty(empty) => {
                found.push((
                    String::from_utf8_lossy(empty.name().as_ref()).into_owned(),
                    String::new(),
                ));
            }
            Event::Text(text) => {
                let text = text.decode().expect("utf-8").into_owned();
                if let Some(name) = stack.last()
                    && !text.trim().is_empty()
                {
                    found.push((name.clone(), text));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(stack.is_empty(), "unclosed elements: {stack:?}");
    found
}

fn texts_of(parsed: &[(String, String)], name: &str) -> Vec<String> {
    parsed
        .iter()
        .filter(|(element, _)| element == name)
        .map(|(_, text)| text.clone())
        .collect()
}

fn json_ld(page: &Fetched) -> Vec<Value> {
    let selector =
        scraper::Selector::parse("script[type='application/ld+json']").expect("selector");
    page.html()
        .select(&selector)
        .map(|script| {
            let text: String = script.text().collect();
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("invalid JSON-LD {e}: {text}"))
        })
        .collect()
}

fn of_type<'a>(documents: &'a [Value], kind: &str) -> &'a Value {
    documents
        .iter()
        .find(|d| d["@type"] == kind)
        .unwrap_or_else(|| panic!("no {kind} in {documents:?}"))
}

#[actix_web::test]
async fn sitemap_lists_every_page_with_lastmod_from_content() {
    let app = app(state(&fixture_dir())).await;
    let page = get(&app, "/sitemap.xml").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.header("content-type").unwrap_or("").contains("xml"));
    let parsed = parse_xml(&page.body);
    let locs: BTreeSet<String> = texts_of(&parsed, "loc").into_iter().collect();
    for path in [
        "/",
        "/contact",
        "/faq",
        "/categories/cards",
        "/categories/calling",
        "/articles/lost-card",
        "/articles/points",
        "/articles/talk-to-a-person",
    ] {
        assert!(
            locs.contains(&format!("http://fixture.test{path}")),
            "{path}"
        );
    }
    assert_eq!(locs.len(), 8);
    let lastmods = texts_of(&parsed, "lastmod");
    assert!(
        lastmods.contains(&"2026-11-18".to_string()),
        "article dates used"
    );
    // Every listed page exists.
    for loc in &locs {
        let path = loc.trim_start_matches("http://fixture.test");
        assert_eq!(get(&app, path).await.status, StatusCode::OK, "{path}");
    }
}

#[actix_web::test]
async fn robots_points_to_the_sitemap() {
    let app = app(state(&fixture_dir())).await;
    let page = get(&app, "/robots.txt").await;
    assert!(
        page.body
            .contains("Sitemap: http://fixture.test/sitemap.xml")
    );
    assert!(page.body.contains("User-agent: *"));
}

#[actix_web::test]
async fn opensearch_description_is_valid_and_linked_from_every_page() {
    let app = app(state(&fixture_dir())).await;
    let page = get(&app, "/opensearch.xml").await;
    let parsed = parse_xml(&page.body);
    assert_eq!(texts_of(&parsed, "ShortName"), ["Fixture Help"]);
    assert!(
        page.body
            .contains("template=\"http://fixture.test/search?q={searchTerms}\"")
    );
    let home = get(&app, "/").await;
    assert_eq!(
        home.attrs(
            "link[rel=search][type='application/opensearchdescription+xml']",
            "href"
        ),
        ["/opensearch.xml"]
    );
}

#[actix_web::test]
async fn atom_feed_lists_recent_articles_newest_first() {
    let app = app(state(&fixture_dir())).await;
    let page = get(&app, "/feed.xml").await;
    assert!(
        page.header("content-type")
            .unwrap_or("")
            .starts_with("application/atom+xml")
    );
    let parsed = parse_xml(&page.body);
    let titles = texts_of(&parsed, "title");
    assert_eq!(
        titles,
        [
            "Fixture Help",
            "Report a lost card",
            "Rewards points questions",
            "Talk to a live person"
        ]
    );
    assert_eq!(texts_of(&parsed, "updated")[0], "2026-11-20T00:00:00Z");
}

#[actix_web::test]
async fn pages_have_title_description_canonical_and_open_graph() {
    let app = app(state(&fixture_dir())).await;
    let page = get(&app, "/articles/lost-card").await;
    assert_eq!(page.texts("title"), ["Report a lost card | Fixture Help"]);
    assert_eq!(
        page.attrs("meta[name=description]", "content"),
        ["Call the lost card line at once."]
    );
    assert_eq!(
        page.attrs("link[rel=canonical]", "href"),
        ["http://fixture.test/articles/lost-card"]
    );
    assert_eq!(
        page.attrs("meta[property='og:type']", "content"),
        ["article"]
    );
    assert_eq!(
        page.attrs("meta[property='og:url']", "content"),
        ["http://fixture.test/articles/lost-card"]
    );
    assert_eq!(
        page.attrs("meta[property='og:title']", "content"),
        ["Report a lost card | Fixture Help"]
    );
}

#[actix_web::test]
async fn organization_publishes_only_what_both_guides_agree_on() {
    // Structured data is read as fact: a number one guide alone gives, a number the guides
    // disagree about, and an entry only one guide gives stay on the page and out of JSON-LD.
    let app = app(state(&fixture_dir())).await;
    let page = get(&app, "/contact").await;
    let documents = json_ld(&page);
    let organization = of_type(&documents, "Organization");
    let points = organization["contactPoint"]
        .as_array()
        .expect("contact points");
    let telephones: Vec<&str> = points
        .iter()
        .filter_map(|p| p["telephone"].as_str())
        .collect();
    assert_eq!(
        telephones,
        ["+18002973276"],
        "only the number both guides give"
    );
    let rewards = &points[0];
    assert_eq!(rewards["contactType"], "Membership Rewards");
    assert_eq!(rewards["areaServed"], "US");
    assert_eq!(
        rewards["hoursAvailable"]["opens"], "00:00",
        "hours a guide states for that number"
    );
    assert!(
        points.iter().all(|p| p.get("email").is_none()),
        "the email only one guide gives is not published"
    );
    assert!(organization.get("address").is_none());
    // Everything left out of JSON-LD is still on the page.
    let visible = page.attrs("a.tel", "href");
    for number in ["tel:+18005282122", "tel:+18005284800", "tel:+16234925450"] {
        assert!(visible.iter().any(|href| href == number), "{number}");
    }
}

#[actix_web::test]
async fn article_and_breadcrumb_json_ld_match_the_visible_page() {
    let app = app(state(&fixture_dir())).await;
    let page = get(&app, "/articles/lost-card").await;
    let documents = json_ld(&page);
    let article = of_type(&documents, "Article");
    assert_eq!(article["headline"], page.texts("h1")[0].as_str());
    assert_eq!(
        article["dateModified"],
        page.attrs("#article-updated", "datetime")[0].as_str()
    );
    let breadcrumbs = of_type(&documents, "BreadcrumbList");
    let names: Vec<String> = breadcrumbs["itemListElement"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["name"].as_str().expect("name").to_string())
        .collect();
    assert_eq!(names, page.texts("#breadcrumbs li"));
    let category = get(&app, "/categories/cards").await;
    let documents = json_ld(&category);
    assert_eq!(
        of_type(&documents, "BreadcrumbList")["itemListElement"][1]["name"],
        "Cards"
    );
}

#[actix_web::test]
async fn faq_page_json_ld_lists_every_visible_question() {
    let app = app(state(&fixture_dir())).await;
    let page = get(&app, "/faq").await;
    let documents = json_ld(&page);
    let faq = of_type(&documents, "FAQPage");
    let questions: Vec<String> = faq["mainEntity"]
        .as_array()
        .expect("questions")
        .iter()
        .map(|q| q["name"].as_str().expect("name").to_string())
        .collect();
    let visible: Vec<String> = page
        .texts("article.faq h3")
        .into_iter()
        .map(|text| text.trim_end_matches('#').trim().to_string())
        .collect();
    assert_eq!(questions, visible);
    assert!(
        faq["mainEntity"][0]["acceptedAnswer"]["text"]
            .as_str()
            .unwrap_or("")
            .len()
            > 10
    );
}

#[actix_web::test]
async fn the_shipped_organization_holds_only_numbers_both_guides_give_for_the_same_purpose() {
    let app = app(state(&crate::common::content_dir())).await;
    let page = get(&app, "/").await;
    let documents = json_ld(&page);
    let organization = of_type(&documents, "Organization");
    let points = organization["contactPoint"]
        .as_array()
        .expect("contact points");
    let published: BTreeSet<(String, String, bool)> = points
        .iter()
        .map(|p| {
            (
                p["telephone"].as_str().unwrap_or("").to_string(),
                p["contactType"].as_str().unwrap_or("").to_string(),
                p.get("hoursAvailable").is_some(),
            )
        })
        .collect();
    let expected: BTreeSet<(String, String, bool)> = [
        // The call guide's fraud number the 2026 guide also gives for fraud alerts; no guide
        // states hours for that purpose.
        (
            "+18005284800",
            "Report suspected fraud or answer a fraud alert",
            false,
        ),
        // Both guides give these; the 2026 guide's hotline table states 24/7 for them.
        ("+18002973276", "Membership Rewards points", true),
        ("+18005282122", "Corporate card customer service", true),
    ]
    .into_iter()
    .map(|(tel, kind, hours)| (tel.to_string(), kind.to_string(), hours))
    .collect();
    assert_eq!(published, expected);
    let text = organization.to_string();
    assert!(!text.contains("customer.service@"), "the unofficial email");
    assert!(
        !text.contains("Personal card"),
        "the disagreeing personal card numbers"
    );
}
