//! In-process HTTP tests on the fixture site: every route answers as specified, asserted with CSS
//! selectors on stable ids.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;

use crate::common::{app, fixture_dir, get, send, state};

#[actix_web::test]
async fn home_has_search_categories_with_counts_featured_numbers_and_safety_note() {
    let app = app(state(&fixture_dir())).await;
    let page = get(&app, "/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.count("h1"), 1);
    assert_eq!(page.attrs("#search-form", "action"), ["/search"]);
    assert_eq!(page.attrs("#search-input", "name"), ["q"]);
    assert_eq!(page.texts("#category-cards .count"), ["2 articles"]);
    assert_eq!(page.texts("#category-calling .count"), ["1 article"]);
    let tels = page.attrs("#featured-numbers a.tel", "href");
    assert_eq!(
        tels,
        [
            "tel:+18005284800",
            "tel:+18005282122",
            "tel:+18005284800",
            "tel:+16234925450"
        ]
    );
    assert!(page.texts("#featured-numbers .safety")[0].contains("back of your card"));
    for landmark in [
        "header",
        "nav",
        "main#main",
        "footer",
        "a.skip-link[href='#main']",
    ] {
        assert!(page.count(landmark) >= 1, "missing {landmark}");
    }
}

#[actix_web::test]
async fn every_page_has_the_search_form_and_one_h1() {
    let app = app(state(&fixture_dir())).await;
    for path in [
        "/",
        "/contact",
        "/faq",
        "/categories/cards",
        "/articles/lost-card",
        "/search?q=lost",
        "/search",
        "/no/such/page",
    ] {
        let page = get(&app, path).await;
        assert_eq!(
            page.count("form#search-form[action='/search'] input[name=q]"),
            1,
            "{path}"
        );
        assert_eq!(page.count("h1"), 1, "{path}");
        // Error pages claim no canonical address (issue 9: they used to claim the home page's).
        let canonical = usize::from(path != "/no/such/page");
        assert_eq!(page.count("link[rel=canonical]"), canonical, "{path}");
        assert_eq!(page.attrs("html", "lang"), ["en-US"], "{path}");
    }
}

#[actix_web::test]
async fn category_lists_its_articles_in_order_with_breadcrumbs() {
    let app = app(state(&fixture_dir())).await;
    let page = get(&app, "/categories/cards").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.texts("#page-title"), ["Cards"]);
    assert_eq!(
        page.texts("#article-list h2"),
        ["Report a lost card", "Rewards points questions"]
    );
    assert_eq!(page.texts("#breadcrumbs li"), ["Home", "Cards"]);
    assert_eq!(
        get(&app, "/categories/nope").await.status,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn article_has_toc_anchored_headings_contact_panel_related_updated_and_sources() {
    let app = app(state(&fixture_dir())).await;
    let page = get(&app, "/articles/lost-card").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.texts("#page-title"), ["Report a lost card"]);
    assert_eq!(
        page.texts("#breadcrumbs li"),
        ["Home", "Cards", "Report a lost card"]
    );
    assert_eq!(
        page.attrs("#toc a", "href"),
        [
            "#call-right-away",
            "#what-to-have-ready",
            "#call-right-away-2"
        ]
    );
    for id in ["call-right-away", "what-to-have-ready", "call-right-away-2"] {
        let selector = format!("#article-body h2#{id} a.anchor[href='#{id}']");
        assert_eq!(page.count(&selector), 1, "{selector}");
    }
    // The panel is rendered from contacts.toml, in the front matter's order.
    assert_eq!(
        page.texts("#contact-panel .card-title"),
        [
            "Report a lost or stolen card",
            "Personal card customer service"
        ]
    );
    assert!(page.count("#contact-panel .safety") == 1);
    assert_eq!(page.texts("#related a"), ["Rewards points questions"]);
    assert_eq!(page.attrs("#article-updated", "datetime"), ["2026-11-20"]);
    assert_eq!(page.texts("#article-updated"), ["20 November 2026"]);
    assert_eq!(page.count("#sources li"), 2);
    // Numbers in prose become tel: links.
    assert_eq!(
        page.attrs("#article-body a.tel", "href"),
        ["tel:+18005284800"]
    );
}

#[actix_web::test]
async fn raw_html_in_markdown_is_sanitised() {
    let app = app(state(&fixture_dir())).await;
    let page = get(&app, "/articles/talk-to-a-person").await;
    assert!(!page.body.contains("alert(\"x\")</script>"));
    assert_eq!(page.count("#article-body script"), 0);
}

#[actix_web::test]
async fn contact_directory_groups_by_department_with_tel_links_and_anchors() {
    let app = app(state(&fixture_dir())).await;
    let page = get(&app, "/contact").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.texts(".department > h2"),
        ["Emergencies", "Card services", "From abroad", "Mail"]
    );
    for id in [
        "lost-stolen",
        "card-services",
        "rewards",
        "abroad",
        "mail",
        "email",
    ] {
        assert_eq!(page.count(&format!("section.contact-card#{id}")), 1, "{id}");
    }
    assert_eq!(
        page.texts("#lost-stolen .facts dd"),
        ["Toll-free", "From the US", "Guide A (its list of lines)"]
    );
    // Hours sit on the number a guide states them for, with that guide and part.
    assert_eq!(
        page.texts("#lost-stolen .hours"),
        ["Hours: 24/7 (source: Guide A (its list of lines))"]
    );
    assert_eq!(
        page.count("#card-services .hours"),
        0,
        "no guide states hours"
    );
    assert_eq!(page.texts("#abroad .facts dd")[0], "Call collect");
    assert!(page.texts("#card-services .conflict")[0].contains("1-800-528-2122"));
    assert_eq!(
        page.texts("#card-services .attribution"),
        [
            "Source: Guide A (its list of lines)",
            "Source: Guide B (hotline table)"
        ]
    );
    assert_eq!(page.texts("#rewards .vanity"), ["(1-800-AXP-EARN)"]);
    assert_eq!(page.attrs("#email a", "href"), ["mailto:help@example.com"]);
    assert!(page.texts("#mail address")[0].contains("P.O. Box 1"));
    for href in page.attrs("a.tel", "href") {
        assert!(href.starts_with("tel:+1") && href.len() == 16, "{href}");
    }
}

#[actix_web::test]
async fn faq_groups_questions_by_category_with_stable_anchors() {
    let app = app(state(&fixture_dir())).await;
    let page = get(&app, "/faq").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.texts(".faq-group > h2"), ["Cards", "Calling"]);
    assert_eq!(
        page.count("article.faq#lost-card a.anchor[href='#lost-card']"),
        1
    );
    assert_eq!(page.count("article.faq#live-person"), 1);
    assert_eq!(
        page.attrs("#lost-card .prose a.tel", "href"),
        ["tel:+18005284800"]
    );
}

#[actix_web::test]
async fn unknown_paths_and_slugs_get_the_404_page_with_search_and_home_link() {
    let app = app(state(&fixture_dir())).await;
    for path in [
        "/nope",
        "/articles/nope",
        "/categories/",
        "/static/nope.css",
        "/articles/../etc/passwd",
    ] {
        let page = get(&app, path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(page.count("#error-page"), 1, "{path}");
        assert_eq!(page.count("#search-form"), 1, "{path}");
        assert!(page.count("#error-page a[href='/']") == 1, "{path}");
    }
}

#[actix_web::test]
async fn healthz_answers_ok() {
    let app = app(state(&fixture_dir())).await;
    let page = get(&app, "/healthz").await;
    assert_eq!(page.status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&page.body).expect("json");
    assert_eq!(json["status"], "ok");
    assert_eq!(json["articles"], 3);
    assert_eq!(json["search_cache"]["hits"], 0);
    // The answer cache's counters: a query asked twice is one miss, then one hit.
    for _ in 0..2 {
        assert_eq!(get(&app, "/api/search?q=lost").await.status, StatusCode::OK);
    }
    let page = get(&app, "/healthz").await;
    let json: serde_json::Value = serde_json::from_str(&page.body).expect("json");
    let cache = &json["search_cache"];
    assert_eq!(
        (cache["hits"].as_u64(), cache["misses"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(cache["entries"], 1);
    assert_eq!(cache["hit_rate"], 0.5);
}

#[actix_web::test]
async fn aliases_trailing_slashes_and_case_redirect_permanently() {
    let app = app(state(&fixture_dir())).await;
    for (from, to) in [
        ("/articles/missing-card", "/articles/lost-card"),
        ("/articles/lost-card/", "/articles/lost-card"),
        ("/Articles/Lost-Card", "/articles/lost-card"),
        ("/articles/MISSING-CARD/", "/articles/lost-card"),
        ("/contact/", "/contact"),
        ("/FAQ", "/faq"),
    ] {
        let page = get(&app, from).await;
        assert_eq!(page.status, StatusCode::MOVED_PERMANENTLY, "{from}");
        assert_eq!(page.header("location"), Some(to), "{from}");
    }
    let page = get(&app, "/articles/missing-card?utm=x").await;
    assert_eq!(page.header("location"), Some("/articles/lost-card?utm=x"));
}

#[actix_web::test]
async fn pages_carry_etags_and_answer_304_and_compressed_variants() {
    let app = app(state(&fixture_dir())).await;
    let first = get(&app, "/articles/lost-card").await;
    let etag = first.header("etag").expect("etag").to_string();
    assert!(etag.starts_with('"'));
    let again = send(
        &app,
        TestRequest::get()
            .uri("/articles/lost-card")
            .insert_header(("if-none-match", etag.as_str()))
            .to_request(),
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    let brotli = send(
        &app,
        TestRequest::get()
            .uri("/articles/lost-card")
            .insert_header(("accept-encoding", "gzip, br"))
            .to_request(),
    )
    .await;
    assert_eq!(brotli.header("content-encoding"), Some("br"));
    let gzip = send(
        &app,
        TestRequest::get()
            .uri("/")
            .insert_header(("accept-encoding", "gzip"))
            .to_request(),
    )
    .await;
    assert_eq!(gzip.header("content-encoding"), Some("gzip"));
}

#[actix_web::test]
async fn static_assets_are_fingerprinted_and_immutable() {
    let app = app(state(&fixture_dir())).await;
    let home = get(&app, "/").await;
    let css = home.attrs("link[rel=stylesheet]", "href");
    assert_eq!(css.len(), 1);
    assert!(css[0].starts_with("/static/app.") && css[0].ends_with(".css"));
    let asset = get(&app, &css[0]).await;
    assert_eq!(asset.status, StatusCode::OK);
    assert_eq!(
        asset.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert!(
        asset
            .header("content-type")
            .unwrap_or("")
            .starts_with("text/css")
    );
    let script = home.attrs("script[src]", "src");
    assert!(script[0].starts_with("/static/app.") && script[0].ends_with(".js"));
    assert!(script[1].starts_with("/static/feedback.") && script[1].ends_with(".js"));
}

#[actix_web::test]
async fn every_response_has_security_headers() {
    let app = app(state(&fixture_dir())).await;
    for path in [
        "/",
        "/nope",
        "/api/search?q=x",
        "/static/app.css",
        "/healthz",
    ] {
        let page = get(&app, path).await;
        let csp = page.header("content-security-policy").unwrap_or("");
        assert!(
            csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"),
            "{path}"
        );
        assert!(!csp.contains("unsafe-inline"), "{path}");
        assert_eq!(
            page.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert!(page.header("referrer-policy").is_some(), "{path}");
        assert!(page.header("permissions-policy").is_some(), "{path}");
        assert!(page.header("strict-transport-security").is_none(), "{path}");
    }
}

#[actix_web::test]
async fn wrong_methods_get_405_with_an_html_page() {
    let app = app(state(&fixture_dir())).await;
    for path in ["/", "/articles/lost-card", "/search", "/api/search"] {
        let page = send(&app, TestRequest::post().uri(path).to_request()).await;
        assert_eq!(page.status, StatusCode::METHOD_NOT_ALLOWED, "{path}");
    }
    let page = send(&app, TestRequest::delete().uri("/contact").to_request()).await;
    assert_eq!(page.count("#error-page"), 1);
}

#[actix_web::test]
async fn head_requests_are_answered() {
    let app = app(state(&fixture_dir())).await;
    let page = send(
        &app,
        TestRequest::default()
            .method(actix_web::http::Method::HEAD)
            .uri("/faq")
            .to_request(),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
}

#[actix_web::test]
async fn the_number_checker_answers_on_the_page_the_api_and_the_typeahead() {
    let app = app(state(&fixture_dir())).await;
    let unknown = get(&app, "/api/search?q=is+1-800-123-4567+amex").await;
    let json: serde_json::Value = serde_json::from_str(&unknown.body).expect("JSON");
    assert_eq!(
        json["number_check"],
        serde_json::json!({ "number": "+18001234567", "display": "1-800-123-4567", "known": false, "contacts": [] })
    );
    assert!(json["instant_answer"].is_null() && json["answer"].is_null());
    assert_eq!(json["results"][0]["url"], "/articles/lost-card");

    let known = get(&app, "/api/search?q=who+is+(800)+528-2122").await;
    let json: serde_json::Value = serde_json::from_str(&known.body).expect("JSON");
    assert_eq!(json["number_check"]["known"], true);
    assert_eq!(
        json["number_check"]["contacts"],
        serde_json::json!(["/contact#card-services"])
    );
    assert_eq!(json["instant_answer"], "/contact#card-services");
    assert_eq!(json["results"][0]["url"], "/contact#card-services");

    let none = get(&app, "/api/search?q=lost+card").await;
    let json: serde_json::Value = serde_json::from_str(&none.body).expect("JSON");
    assert!(json["number_check"].is_null());
    assert_eq!(json["answer"]["kind"], "contact");

    let page = get(&app, "/search?q=is+1-800-123-4567+amex").await;
    assert_eq!(page.count("#number-check[data-known=\"false\"]"), 1);
    assert_eq!(page.count("#instant-answer"), 0);
    assert_eq!(
        page.count("#number-check a[href=\"tel:+18005284800\"]"),
        1,
        "the fraud line for people who already shared details"
    );
    let page = get(&app, "/search?q=800.528.2122").await;
    assert_eq!(page.count("#number-check[data-known=\"true\"]"), 1);
    assert_eq!(page.count("#number-check a[href=\"tel:+18005282122\"]"), 1);

    let suggest = get(&app, "/api/suggest?q=1-800-123-4567").await;
    let json: serde_json::Value = serde_json::from_str(&suggest.body).expect("JSON");
    assert_eq!(json[0]["kind"], "number");
    assert_eq!(json[0]["url"], "/search?q=1-800-123-4567");
    let suggest = get(&app, "/api/suggest?q=lost").await;
    let json: serde_json::Value = serde_json::from_str(&suggest.body).expect("JSON");
    assert!(
        json.as_array()
            .is_some_and(|list| list.iter().all(|s| s["kind"] != "number"))
    );
}

#[actix_web::test]
async fn combined_and_general_answers_label_their_cards() {
    let app = app(state(&fixture_dir())).await;
    let page = get(&app, "/search?q=lost+card+abroad").await;
    assert_eq!(
        page.texts("#instant-answer .answer-role"),
        ["From outside the U.S."]
    );
    assert_eq!(page.count("#instant-answer .contact-card"), 2);
    let page = get(&app, "/search?q=credit+limit").await;
    assert_eq!(
        page.count("#instant-answer[data-kind=\"general_route\"]"),
        1
    );
    assert_eq!(page.count("#answer-lead"), 1);
}
