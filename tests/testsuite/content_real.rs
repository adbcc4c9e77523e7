//! Tests on the shipped `content/` against the two source guides: it loads; every phone number,
//! address, email and web address the guides give is on `/contact`; the disagreements are shown with
//! attribution; and no page shows a phone number the guides do not give.

use std::collections::BTreeSet;
use std::path::PathBuf;

use actix_web::http::StatusCode;
use helpcenter::content::Site;
use helpcenter::phone::find_phones;

use crate::common::{app, content_dir, get, shared_dir, state};

const CALL_GUIDE: &str = "000_7f265ee942515205.txt";
const SUPPORT_GUIDE: &str = "001_2805428c8ce5b2b3.txt";

fn guide_text(file: &str) -> String {
    let path = shared_dir().join("seeds").join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// Ten-digit national numbers of every phone number in both guides.
fn guide_numbers() -> BTreeSet<String> {
    [CALL_GUIDE, SUPPORT_GUIDE]
        .iter()
        .flat_map(|file| find_phones(&guide_text(file)))
        .map(|found| found.phone.national_digits().to_string())
        .collect()
}

fn emails(text: &str) -> BTreeSet<String> {
    text.split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .filter(|word| word.contains('@'))
        .map(|word| {
            word.trim_matches(|c: char| !c.is_ascii_alphanumeric())
                .to_string()
        })
        .collect()
}

fn urls(text: &str) -> BTreeSet<String> {
    text.split_whitespace()
        .filter(|word| word.starts_with("http://") || word.starts_with("https://"))
        .map(|word| word.trim_end_matches(['.', ',', ')']).to_string())
        .collect()
}

#[test]
fn the_shipped_content_loads() {
    let site = Site::load(&content_dir()).expect("content/ is valid");
    assert!(site.articles.len() >= 12, "about a dozen articles or more");
    assert!(site.faqs.len() >= 15);
    assert!(site.categories.len() >= 3);
}

#[test]
fn the_guides_numbers_are_the_ones_expected() {
    // Guards the extraction used below: if this fails, the seeds changed.
    let numbers = guide_numbers();
    for digits in [
        "8005282122",
        "8005284800",
        "8002973276",
        "6234925450",
        "8772974438",
        "8004192122",
    ] {
        assert!(numbers.contains(digits), "{digits}");
    }
    assert_eq!(numbers.len(), 16, "{numbers:?}");
}

#[actix_web::test]
async fn every_phone_number_in_the_guides_is_a_tel_link_on_the_contact_page() {
    let app = app(state(&content_dir())).await;
    let page = get(&app, "/contact").await;
    assert_eq!(page.status, StatusCode::OK);
    let tel_links: BTreeSet<String> = page
        .attrs("a.tel", "href")
        .into_iter()
        .map(|href| href.trim_start_matches("tel:+1").to_string())
        .collect();
    for digits in guide_numbers() {
        assert!(
            tel_links.contains(&digits),
            "tel:+1{digits} missing from /contact"
        );
    }
    // The vanity spelling is shown as the guide writes it.
    assert!(page.body.contains("1-800-AXP-EARN"));
}

#[actix_web::test]
async fn every_address_email_and_web_address_in_the_guides_is_on_the_contact_page() {
    let app = app(state(&content_dir())).await;
    let page = get(&app, "/contact").await;
    let support = guide_text(SUPPORT_GUIDE);
    let addresses = page.texts("address.postal").join("\n");
    for line in [
        "P.O. Box 981535",
        "El Paso, TX 79998-1535",
        "200 Vesey Street",
        "New York, NY 10285-3106",
    ] {
        assert!(support.contains(line), "the guide no longer says {line}");
        assert!(addresses.contains(line), "{line} missing from /contact");
    }
    let guide_emails = emails(&support);
    assert!(!guide_emails.is_empty());
    let mailtos = page.attrs("a[href^='mailto:']", "href");
    for email in guide_emails {
        assert!(mailtos.contains(&format!("mailto:{email}")), "{email}");
    }
    let guide_urls: BTreeSet<String> = [CALL_GUIDE, SUPPORT_GUIDE]
        .iter()
        .flat_map(|file| urls(&guide_text(file)))
        .collect();
    assert!(guide_urls.len() >= 3, "{guide_urls:?}");
    let links = page.attrs("a[href^='http']", "href");
    for url in guide_urls {
        assert!(links.contains(&url), "{url} missing from /contact");
    }
}

#[actix_web::test]
async fn the_disagreeing_personal_card_numbers_are_both_shown_with_their_guides() {
    let app = app(state(&content_dir())).await;
    let page = get(&app, "/contact").await;
    let site = Site::load(&content_dir()).expect("loads");
    let call_guide = site
        .guide("call-guide")
        .expect("call guide")
        .short
        .to_lowercase();
    let support_guide = site
        .guide("support-guide")
        .expect("support guide")
        .short
        .to_lowercase();
    // Find the entry that holds both numbers, and check each number's attribution.
    let entry = site
        .contacts
        .iter()
        .find(|c| {
            let digits: Vec<&str> = c
                .numbers
                .iter()
                .map(|n| n.phone.national_digits())
                .collect();
            digits.contains(&"8005282122") && digits.contains(&"8005284800")
        })
        .expect("one entry shows both personal-card numbers");
    assert!(entry.conflict.is_some(), "the disagreement is explained");
    let attributions = page.texts(&format!("#{} .number", entry.id));
    let line_for = |digits: &str| {
        attributions
            .iter()
            .find(|text| text.replace('-', "").contains(digits))
            .unwrap_or_else(|| panic!("{digits} not shown in #{}", entry.id))
            .to_lowercase()
    };
    assert!(line_for("8005282122").contains(&call_guide));
    assert!(line_for("8005284800").contains(&support_guide));
    let conflict = page.texts(&format!("#{} .conflict", entry.id)).join(" ");
    assert!(conflict.contains("1-800-528-2122") && conflict.contains("1-800-528-4800"));
}

#[actix_web::test]
async fn no_page_shows_a_phone_number_the_guides_do_not_give() {
    let guide = guide_numbers();
    let site = Site::load(&content_dir()).expect("loads");
    let app = app(state(&content_dir())).await;
    let mut paths = vec![
        "/".to_string(),
        "/contact".to_string(),
        "/faq".to_string(),
        "/feed.xml".to_string(),
        "/nope".to_string(),
    ];
    paths.extend(
        site.categories
            .iter()
            .map(|c| format!("/categories/{}", c.slug)),
    );
    paths.extend(site.articles.iter().map(|a| a.url_path()));
    for query in [
        "lost card",
        "phone number",
        "800",
        "international",
        "rewards",
    ] {
        paths.push(format!("/search?q={}", query.replace(' ', "+")));
    }
    let mut checked = 0;
    for path in paths {
        let page = get(&app, &path).await;
        let text = page
            .html()
            .root_element()
            .text()
            .collect::<Vec<_>>()
            .join(" ");
        for found in find_phones(&text)
            .into_iter()
            .chain(find_phones(&page.body))
        {
            assert!(
                guide.contains(found.phone.national_digits()),
                "{path} shows {} which no guide gives",
                found.written
            );
            checked += 1;
        }
        for href in page.attrs("a[href^='tel:']", "href") {
            let digits = href.trim_start_matches("tel:+1");
            assert!(guide.contains(digits), "{path} links {href}");
        }
    }
    assert!(checked > 50, "the scan saw numbers at all ({checked})");
}

#[actix_web::test]
async fn safety_advice_is_on_every_page_that_shows_numbers() {
    let site = Site::load(&content_dir()).expect("loads");
    let app = app(state(&content_dir())).await;
    let mut paths = vec!["/".to_string(), "/contact".to_string(), "/faq".to_string()];
    paths.extend(site.articles.iter().map(|a| a.url_path()));
    for path in paths {
        let page = get(&app, &path).await;
        if page.count("a.tel") == 0 {
            continue;
        }
        let safety = page.texts(".safety").join(" ");
        assert!(safety.contains("back of your card"), "{path}");
        assert!(
            safety.contains("CVV") && safety.contains("PIN") && safety.contains("one-time code"),
            "{path}"
        );
    }
}

#[actix_web::test]
async fn every_article_and_category_page_renders() {
    let site = Site::load(&content_dir()).expect("loads");
    let app = app(state(&content_dir())).await;
    for article in &site.articles {
        let page = get(&app, &article.url_path()).await;
        assert_eq!(page.status, StatusCode::OK, "{}", article.slug);
        assert_eq!(page.count("h1"), 1, "{}", article.slug);
        for alias in &article.aliases {
            let redirect = get(&app, &format!("/articles/{alias}")).await;
            assert_eq!(redirect.status, StatusCode::MOVED_PERMANENTLY);
        }
    }
    for category in &site.categories {
        let page = get(&app, &format!("/categories/{}", category.slug)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.count("#article-list li") > 0,
            "{} has articles",
            category.slug
        );
    }
}

/// Lower-case words of `text`, without digits (numbers are facts and may be repeated exactly).
fn prose_words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !(c.is_ascii_alphabetic() || c == '\''))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The search phrases the 2026 support guide quotes ("People searching for help often use queries
/// like: …"): visitors type them, so our questions may repeat them word for word.
fn search_phrases(support: &str) -> Vec<String> {
    let start = support
        .find("often use queries like")
        .expect("the guide lists search phrases");
    let list = &support[start..];
    let end = list.find("This guide covers").unwrap_or(list.len());
    list[..end]
        .lines()
        .skip(1)
        .filter_map(|line| {
            let line = line.trim().trim_start_matches('-').trim();
            let quoted = line.strip_prefix('“')?.strip_suffix('”')?;
            Some(quoted.to_lowercase())
        })
        .collect()
}

#[test]
fn the_guides_search_phrases_are_found() {
    let phrases = search_phrases(&guide_text(SUPPORT_GUIDE));
    assert_eq!(phrases.len(), 4, "{phrases:?}");
    assert!(phrases.contains(&"why is my american express account on hold?".to_string()));
}

#[test]
fn articles_and_answers_are_written_in_our_own_words() {
    // Runs of eight or more words identical to a guide are copied sentences. Exact on purpose: a
    // fixed phrase of fact both guides and we use, and the search phrases people type.
    const WINDOW: usize = 8;
    let support = guide_text(SUPPORT_GUIDE);
    let mut allowed = vec![
        "customer service number on the back of your card".to_string(),
        "the number on the back of your card".to_string(),
    ];
    allowed.extend(search_phrases(&support));
    let site = Site::load(&content_dir()).expect("loads");
    for contact in &site.contacts {
        allowed.extend(contact.address.iter().map(|line| line.to_lowercase()));
        allowed.extend(
            contact
                .email
                .iter()
                .chain(&contact.url)
                .map(|s| s.to_lowercase()),
        );
    }
    let mut seeds = guide_text(CALL_GUIDE);
    seeds.push('\n');
    seeds.push_str(&support);
    let seed_words = prose_words(&seeds);
    let shingles: BTreeSet<&[String]> = seed_words.windows(WINDOW).collect();
    let mut files: Vec<PathBuf> = std::fs::read_dir(content_dir().join("articles"))
        .expect("articles")
        .map(|e| e.expect("entry").path())
        .collect();
    for name in ["faqs.toml", "contacts.toml", "categories.toml", "site.toml"] {
        files.push(content_dir().join(name));
    }
    let mut copied = Vec::new();
    for file in files {
        let mut text = std::fs::read_to_string(&file).expect("read").to_lowercase();
        // A heading's kept anchor (`{#old-words}`) is an id, not prose.
        while let Some(start) = text.find("{#") {
            let end = text[start..]
                .find('}')
                .map_or(text.len(), |end| start + end + 1);
            text.replace_range(start..end, " ");
        }
        for phrase in &allowed {
            let phrase = phrase.trim_end_matches(['?', '.']);
            text = text.replace(phrase, " ");
        }
        let words = prose_words(&text);
        for window in words.windows(WINDOW) {
            if shingles.contains(window) {
                copied.push(format!("{}: {}", file.display(), window.join(" ")));
            }
        }
    }
    assert!(
        copied.is_empty(),
        "runs of {WINDOW} words copied from the guides:\n{}",
        copied.join("\n")
    );
}

#[test]
fn the_copied_wording_check_catches_a_copied_sentence() {
    // Guards the check above: a sentence lifted from a guide is found at eight words.
    let seed_words = prose_words(&guide_text(SUPPORT_GUIDE));
    let shingles: BTreeSet<&[String]> = seed_words.windows(8).collect();
    let lifted = prose_words(
        "Then log in to your Amex online account or Amex mobile app and send a secure message.",
    );
    assert!(lifted.windows(8).any(|window| shingles.contains(window)));
    let ours = prose_words(
        "Sign in at americanexpress.com or open the Amex mobile app, then write to customer service.",
    );
    assert!(!ours.windows(8).any(|window| shingles.contains(window)));
}

#[test]
fn reworded_headings_keep_the_anchors_people_share() {
    let site = Site::load(&content_dir()).expect("loads");
    for (slug, id) in [
        (
            "avoid-amex-scams",
            "never-share-these-with-someone-who-contacted-you",
        ),
        (
            "business-and-corporate-cards",
            "accepting-amex-at-your-business",
        ),
        ("escalate-a-complaint", "step-2-put-it-in-writing"),
        ("escalate-a-complaint", "step-4-contact-the-cfpb"),
        (
            "lost-or-stolen-card",
            "if-your-card-is-lost-or-stolen-call-right-away",
        ),
        ("talk-to-a-live-person", "what-to-say-for-faster-help"),
        ("why-people-call-amex", "the-most-common-reasons-to-call"),
        ("why-people-call-amex", "problems-people-often-run-into"),
    ] {
        let article = site.article(slug).unwrap_or_else(|| panic!("{slug}"));
        assert!(
            article.body.headings.iter().any(|h| h.id == id),
            "/articles/{slug}#{id} lost its heading"
        );
    }
}
