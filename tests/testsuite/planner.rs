//! The call planner and the directory exports on the shipped content: every `/plan` combination
//! answers with directory numbers only, planner addresses are canonical or refused clearly, and
//! `/contacts.vcf`, `/contacts.json`, `/llms.txt` and the service worker hold what they promise.

use std::collections::BTreeSet;

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use helpcenter::content::{ContactKind, Site, plan_url};
use helpcenter::phone::find_phones;

use crate::common::{app, content_dir, edit, fixture_copy, get, send, state};

fn site() -> Site {
    Site::load(&content_dir()).expect("content loads")
}

/// National digits of every number in the directory.
fn directory_numbers(site: &Site) -> BTreeSet<String> {
    site.contacts
        .iter()
        .flat_map(|c| &c.numbers)
        .map(|n| n.phone.national_digits().to_string())
        .collect()
}

#[actix_web::test]
async fn every_plan_combination_answers_200_with_only_directory_numbers_and_the_safety_note() {
    let site = site();
    let planner = site.planner.as_ref().expect("the content has a planner");
    let directory = directory_numbers(&site);
    let app = app(state(&content_dir())).await;
    let mut combinations = 0;
    let mut uncovered = 0;
    for [need, card, place] in planner.combinations() {
        let path = plan_url([Some(need), Some(card), Some(place)]);
        let page = get(&app, &path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert_eq!(page.count("h1"), 1, "{path}");
        assert_eq!(page.count("#plan"), 1, "{path}");
        for section in [
            "#plan-numbers",
            "#plan-have-ready",
            "#plan-menu",
            "#call-notes",
            "#plan-follow-up",
        ] {
            assert_eq!(page.count(section), 1, "{path}: {section}");
        }
        let safety = page.texts("#plan .safety").join(" ");
        assert!(safety.contains("back of your card"), "{path}");
        assert!(safety.contains("CVV"), "{path}");
        let main = page.texts("main").join(" ");
        for found in find_phones(&main) {
            assert!(
                directory.contains(found.phone.national_digits()),
                "{path}: {} is not in the directory",
                found.written
            );
        }
        for href in page.attrs("a[href^='tel:']", "href") {
            let digits = href.trim_start_matches("tel:+1");
            assert!(directory.contains(digits), "{path}: {href}");
        }
        let tels = page.count("#plan-numbers a.tel");
        if tels == 0 {
            uncovered += 1;
            assert_eq!(page.count("#plan-general"), 1, "{path}: the general route");
            assert_eq!(page.count("#card-back"), 1, "{path}: the back of the card");
        }
        // The radio buttons show the answers given.
        for (name, value) in [("need", need), ("card", card), ("where", place)] {
            let selector = format!("input[name='{name}'][value='{value}'][checked]");
            assert_eq!(page.count(&selector), 1, "{path}: {selector}");
        }
        combinations += 1;
    }
    assert_eq!(
        combinations,
        planner.needs.len() * planner.cards.len() * planner.places.len()
    );
    assert!(
        uncovered > 0 && uncovered < combinations,
        "{uncovered} uncovered"
    );
}

#[actix_web::test]
async fn lost_abroad_gives_the_collect_line_explained_and_the_lost_card_line() {
    let app = app(state(&content_dir())).await;
    let page = get(&app, "/plan?need=lost-stolen&card=personal&where=abroad").await;
    let tels = page.attrs("#plan-numbers a.tel", "href");
    assert_eq!(tels.first().map(String::as_str), Some("tel:+16234925450"));
    assert!(tels.contains(&"tel:+18005284800".to_string()), "{tels:?}");
    assert_eq!(page.count("#plan-numbers .collect-call"), 1);
    assert!(page.texts(".collect-call")[0].contains("collect call"));
    assert!(
        page.texts("#plan-have-ready li")
            .iter()
            .any(|item| item.contains("missing"))
    );
    // The back-of-card advice comes after the dedicated lines for a lost card …
    assert!(page.body.find("id=\"card-back\"") > page.body.find("tel:+18005284800"));
    // … and before them for a billing question, as the guides put it.
    let billing = get(&app, "/plan?need=billing-dispute&card=personal&where=us").await;
    assert!(billing.body.find("id=\"card-back\"") < billing.body.find("class=\"tel\""));
    // Disagreements between the guides travel with the number.
    assert_eq!(billing.count("#plan-numbers .conflict"), 1);
    // In the U.S. no collect explanation and the CFPB step; abroad not the CFPB step.
    let us = get(&app, "/plan?need=lost-stolen&card=personal&where=us").await;
    assert_eq!(us.count(".collect-call"), 0);
    assert!(us.body.contains("#step-4-contact-the-cfpb"));
    assert!(!page.body.contains("#step-4-contact-the-cfpb"));
}

#[actix_web::test]
async fn planner_addresses_are_canonical_or_refused_with_a_clear_message() {
    let app = app(state(&content_dir())).await;
    for (asked, location) in [
        (
            "/plan?where=abroad&card=personal&need=lost-stolen",
            "/plan?need=lost-stolen&card=personal&where=abroad",
        ),
        (
            "/plan?need=fraud&card=gift&where=us&utm_source=mail",
            "/plan?need=fraud&card=gift&where=us",
        ),
        ("/plan?need=&card=gift", "/plan?card=gift"),
        ("/Plan?need=fraud", "/plan?need=fraud"),
    ] {
        let answer = get(&app, asked).await;
        assert_eq!(answer.status, StatusCode::MOVED_PERMANENTLY, "{asked}");
        assert_eq!(answer.header("location"), Some(location), "{asked}");
    }
    let two = get(&app, "/plan?need=fraud&card=gift").await;
    assert_eq!(two.status, StatusCode::OK);
    assert_eq!(two.count("#plan"), 0, "a form, not a plan");
    assert_eq!(two.count("input[name='need'][value='fraud'][checked]"), 1);
    for bad in [
        "/plan?need=nope",
        "/plan?need=fraud&need=lost-stolen",
        "/plan?where=%3Cscript%3Ealert(1)%3C/script%3E",
        "/plan?need=%FF%FE",
        "/plan?card=personal&where=mars",
    ] {
        let answer = get(&app, bad).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(!answer.body.contains("<script>alert"), "{bad}");
        assert!(
            answer.texts("#error-message")[0].contains("must be one of")
                || answer.body.contains("twice"),
            "{bad}"
        );
    }
    let post = send(
        &app,
        TestRequest::post().uri("/plan?need=fraud").to_request(),
    )
    .await;
    assert_eq!(post.status, StatusCode::METHOD_NOT_ALLOWED);
    let head = send(
        &app,
        TestRequest::default()
            .method(actix_web::http::Method::HEAD)
            .uri("/plan?need=fraud&card=gift&where=us")
            .to_request(),
    )
    .await;
    assert_eq!(head.status, StatusCode::OK);
}

#[actix_web::test]
async fn the_planner_is_linked_from_home_navigation_contact_cards_and_articles() {
    let app = app(state(&content_dir())).await;
    let home = get(&app, "/").await;
    assert_eq!(home.attrs("#plan-cta-link", "href"), ["/plan"]);
    assert!(
        home.attrs(".main-nav a", "href")
            .contains(&"/plan".to_string())
    );
    let contact = get(&app, "/contact").await;
    let plan_links = contact.attrs("#lost-stolen a.plan-link", "href");
    assert_eq!(plan_links, ["/plan?need=lost-stolen"]);
    assert_eq!(
        contact.attrs("#international-collect a.plan-link", "href"),
        ["/plan?where=abroad"]
    );
    assert_eq!(
        contact.attrs("#card-services a.plan-link", "href"),
        ["/plan?card=personal"]
    );
    assert_eq!(
        contact.attrs("#lost-stolen a.vcard-link", "href"),
        ["/contacts/lost-stolen.vcf"]
    );
    assert_eq!(
        contact.count("#mailing-address a.plan-link"),
        0,
        "phone entries only"
    );
    let article = get(&app, "/articles/lost-or-stolen-card").await;
    assert_eq!(
        article.attrs("#article-plan a", "href"),
        ["/plan?need=lost-stolen"]
    );
    // Every "plan this call" link answers 200 straight away (a prerendered page).
    for href in contact.attrs("a.plan-link", "href") {
        assert_eq!(get(&app, &href).await.status, StatusCode::OK, "{href}");
    }
}

#[actix_web::test]
async fn the_directory_vcard_parses_as_vcard_4_and_holds_every_directory_number() {
    let site = site();
    let app = app(state(&content_dir())).await;
    let file = get(&app, "/contacts.vcf").await;
    assert_eq!(file.status, StatusCode::OK);
    assert!(
        file.header("content-type")
            .is_some_and(|t| t.starts_with("text/vcard"))
    );
    let cards = vcard4::parse(&file.body).expect("a valid vCard 4.0 file");
    assert_eq!(cards.len(), 1, "one contact");
    let card = &cards[0];
    assert_eq!(card.formatted_name[0].value, "Amex — help guide");
    let tels: BTreeSet<String> = card
        .tel
        .iter()
        .map(|tel| match tel {
            vcard4::property::TextOrUriProperty::Uri(uri) => uri.value.to_string(),
            vcard4::property::TextOrUriProperty::Text(text) => text.value.clone(),
        })
        .map(|tel| tel.trim_start_matches("tel:+1").to_string())
        .collect();
    assert_eq!(tels, directory_numbers(&site));
    // Each number is labelled with the purposes of the entries that give it.
    let labels = card
        .extensions
        .iter()
        .filter(|extension| extension.name.eq_ignore_ascii_case("X-ABLabel"))
        .count();
    assert_eq!(labels, card.tel.len());
    let unfolded = file.body.replace("\r\n ", "");
    assert!(unfolded.contains("Report a lost or stolen card\\; Report suspected fraud"));

    for contact in site
        .contacts
        .iter()
        .filter(|c| c.kind == ContactKind::Phone)
    {
        let path = format!("/contacts/{}.vcf", contact.id);
        let one = get(&app, &path).await;
        let cards = vcard4::parse(&one.body).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(cards[0].tel.len(), contact.numbers.len(), "{path}");
    }
}

#[actix_web::test]
async fn the_directory_json_matches_the_directory_exactly() {
    let site = site();
    let app = app(state(&content_dir())).await;
    let file = get(&app, "/contacts.json").await;
    assert_eq!(file.status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&file.body).expect("JSON");
    assert_eq!(json["format"], "helpcenter-directory");
    assert_eq!(json["format_version"], 1);
    let contacts = json["contacts"].as_array().expect("contacts");
    assert_eq!(contacts.len(), site.contacts.len());
    for (entry, contact) in contacts.iter().zip(&site.contacts) {
        assert_eq!(entry["id"], contact.id.as_str());
        assert_eq!(entry["purpose"], contact.purpose.as_str());
        assert_eq!(entry["department"], contact.department.as_str());
        assert_eq!(entry["notes"].as_str(), contact.notes.as_deref());
        assert_eq!(entry["conflict"].as_str(), contact.conflict.as_deref());
        assert_eq!(entry["hours"].as_str(), contact.hours.as_deref());
        assert_eq!(entry["vanity"].as_str(), contact.vanity.as_deref());
        assert_eq!(entry["email"].as_str(), contact.email.as_deref());
        assert_eq!(entry["web"].as_str(), contact.url.as_deref());
        assert_eq!(entry["sources"], serde_json::json!(contact.sources));
        assert_eq!(entry["address"], serde_json::json!(contact.address));
        let numbers = entry["numbers"].as_array().expect("numbers");
        assert_eq!(numbers.len(), contact.numbers.len(), "{}", contact.id);
        for (json_number, number) in numbers.iter().zip(&contact.numbers) {
            assert_eq!(json_number["display"], number.display.as_str());
            assert_eq!(json_number["tel"], number.tel_url());
            assert_eq!(json_number["sources"], serde_json::json!(number.sources));
            assert_eq!(json_number["note"].as_str(), number.note.as_deref());
        }
    }
    let contact_page = get(&app, "/contact").await;
    assert_eq!(
        contact_page.attrs("#take-away a", "href"),
        ["/contacts.vcf", "/contacts.json"]
    );
}

#[actix_web::test]
async fn llms_txt_lists_the_key_pages_and_every_number() {
    let site = site();
    let app = app(state(&content_dir())).await;
    let text = get(&app, "/llms.txt").await.body;
    for path in [
        "/plan",
        "/contact",
        "/faq",
        "/contacts.json",
        "/contacts.vcf",
    ] {
        assert!(
            text.contains(&format!("{}{path})", site.settings.base_url)),
            "{path}"
        );
    }
    for number in site.contacts.iter().flat_map(|c| &c.numbers) {
        assert!(text.contains(&number.display), "{}", number.display);
    }
}

#[actix_web::test]
async fn the_service_worker_is_versioned_by_the_content_and_kept_off_search() {
    let dir = fixture_copy();
    let worker = |dir: std::path::PathBuf| async move {
        let app = app(state(&dir)).await;
        let answer = get(&app, "/sw.js").await;
        assert_eq!(answer.status, StatusCode::OK);
        assert!(
            answer
                .header("content-type")
                .is_some_and(|t| t.starts_with("text/javascript"))
        );
        answer.body
    };
    let before = worker(dir.path().to_path_buf()).await;
    assert!(before.contains("const CACHE = \"helpcenter-"));
    assert!(before.contains("\"/contact\""));
    assert!(!before.contains("/search\"") && !before.contains("/api/"));
    assert_eq!(
        worker(dir.path().to_path_buf()).await,
        before,
        "same content, same worker"
    );
    edit(
        dir.path(),
        "articles/lost-card.md",
        "Report a lost card",
        "Report a lost card now",
    );
    let after = worker(dir.path().to_path_buf()).await;
    let cache = |text: &str| text.lines().nth(1).unwrap_or_default().to_string();
    assert_ne!(cache(&after), cache(&before), "new content, new cache name");
    let app = app(state(dir.path())).await;
    let manifest: serde_json::Value =
        serde_json::from_str(&get(&app, "/manifest.webmanifest").await.body).expect("JSON");
    assert_eq!(manifest["start_url"], "/");
    assert!(get(&app, "/").await.body.contains("rel=\"manifest\""));
}

#[test]
fn broken_planner_data_names_planner_toml_and_the_line() {
    for (find, replace, says) in [
        (
            "contacts = [\"lost-stolen\"]\n",
            "contacts = [\"lost-stolen\", \"online-account\"]\n",
            "not a phone entry",
        ),
        (
            "cards = [\"gift\"]",
            "cards = [\"gift-card\"]",
            "unknown card `gift-card`",
        ),
        (
            "label = \"Roadside help\"",
            "label = \"Roadside help: 1-855-327-1403\"",
            "name the directory entry",
        ),
        ("#step-4-contact-the-cfpb", "#step-9", "anchor `#step-9`"),
        (
            "card_back = \"after\"",
            "card_back = \"later\"",
            "unknown variant",
        ),
    ] {
        let dir = tempfile::tempdir().expect("temp dir");
        crate::common::copy_tree(&content_dir(), dir.path());
        edit(dir.path(), "planner.toml", find, replace);
        let text = std::fs::read_to_string(dir.path().join("planner.toml")).expect("read");
        let line = text
            .lines()
            .position(|line| line.contains(replace.trim_end()))
            .map(|index| index + 1);
        let error = Site::load(dir.path()).expect_err(says).to_string();
        let expected = format!("planner.toml:{}:", line.expect("edited line"));
        assert!(
            error.contains(&expected) && error.contains(says),
            "{says}: {error}"
        );
    }
}
