//! Unit tests of the search facade on a tiny site: documents, phone numbers, synonyms, typos,
//! hit fields, the lean path for huge result sets and suggestions.

use super::*;
use crate::content::{SourceFile, Sources};

fn file(path: &str, text: &str) -> SourceFile {
    SourceFile {
        path: path.to_string(),
        text: text.to_string(),
    }
}

/// A tiny site: two articles, two FAQs, three contacts, three synonym groups.
fn tiny_site() -> Site {
    let sources = Sources {
        site: file(
            "site.toml",
            "title = \"T\"\ndescription = \"D\"\nnotice = \"N\"\nbase_url = \"http://localhost\"\nlanguage = \"en-US\"\n",
        ),
        guides: file(
            "guides.toml",
            "[[guide]]\nid = \"g\"\ntitle = \"Guide\"\nshort = \"the guide\"\nfile = \"g.txt\"\n",
        ),
        categories: file(
            "categories.toml",
            "[[category]]\nslug = \"cards\"\ntitle = \"Cards and accounts\"\ndescription = \"Cards.\"\nweight = 10\n\n[[category]]\nslug = \"people\"\ntitle = \"Reaching a person\"\ndescription = \"People.\"\nweight = 20\n",
        ),
        contacts: file(
            "contacts.toml",
            r#"[[contact]]
id = "lost-stolen"
department = "Lost, stolen and fraud"
purpose = "Report a lost or stolen card"
kind = "phone"
numbers = [{ display = "1-800-528-4800", sources = ["g"] }]
region = "us"
sources = ["g"]
weight = 10

[[contact]]
id = "rewards"
department = "Card customer service"
purpose = "Membership Rewards points"
kind = "phone"
numbers = [{ display = "1-800-297-3276", sources = ["g"] }]
vanity = "1-800-AXP-EARN"
region = "us"
sources = ["g"]
weight = 20

[[contact]]
id = "collect"
department = "Calling from abroad"
purpose = "Card members calling from outside the U.S."
kind = "phone"
numbers = [{ display = "1-623-492-5450", sources = ["g"] }]
toll = "collect"
region = "abroad"
sources = ["g"]
weight = 30
"#,
        ),
        faqs: file(
            "faqs.toml",
            r#"[[faq]]
id = "reach-someone"
category = "people"
question = "How do I reach a representative?"
answer = "Say representative at the phone menu, or press 0."
contacts = ["rewards"]
sources = ["g"]
weight = 10

[[faq]]
id = "abroad"
category = "people"
question = "Which number works while traveling?"
answer = "Call collect on 1-623-492-5450 when you are overseas."
contacts = ["collect"]
sources = ["g"]
weight = 20
"#,
        ),
        synonyms: file(
            "synonyms.toml",
            "[[group]]\nterms = [\"live person\", \"representative\", \"agent\"]\n\n[[group]]\nterms = [\"lost\", \"stolen\", \"missing\"]\n\n[[group]]\nterms = [\"abroad\", \"overseas\", \"outside the us\"]\n",
        ),
        planner: None,
        intents: Default::default(),
        articles: vec![
            file(
                "articles/lost-card.md",
                "+++\ntitle = \"Report a lost card\"\nsummary = \"What to do when your card is gone.\"\ncategory = \"cards\"\nupdated = 2026-11-20\nsources = [\"g\"]\ncontacts = [\"lost-stolen\"]\n+++\n\nA missing card should be reported at once.\n\n## Call right away\n\nCall 1-800-528-4800 and say the card is lost.\n\n## What to have ready\n\nYour name and address.\n",
            ),
            file(
                "articles/live-person.md",
                "+++\ntitle = \"Talk to a live person\"\nsummary = \"Getting past the phone menu.\"\ncategory = \"people\"\nupdated = 2026-11-20\nsources = [\"g\"]\n+++\n\nThe menu is long.\n\n## Ask for an agent\n\nSay agent twice and wait.\n",
            ),
        ],
    };
    Site::from_sources(&sources).unwrap_or_else(|error| panic!("tiny site is valid: {error}"))
}

fn index() -> SearchIndex {
    SearchIndex::build(&tiny_site()).expect("tiny index builds")
}

fn urls(results: &SearchResults) -> Vec<&str> {
    results.hits.iter().map(|hit| hit.url.as_str()).collect()
}

#[test]
fn every_article_section_faq_and_contact_is_a_document() {
    let index = index();
    // 2 articles + 3 sections + 2 FAQs + 3 contacts.
    assert_eq!(index.len(), 10);
    let results = index.search(&SearchRequest::new("card"));
    let kinds: Vec<HitKind> = results.counts.iter().map(|(kind, _)| *kind).collect();
    assert_eq!(kinds, HitKind::ALL);
}

#[test]
fn phone_numbers_in_any_form_find_their_contact_first() {
    let index = index();
    for (query, contact) in [
        ("1-800-528-4800", "/contact#lost-stolen"),
        ("(800) 528-4800", "/contact#lost-stolen"),
        ("800 528 4800", "/contact#lost-stolen"),
        ("8005284800", "/contact#lost-stolen"),
        ("+1 800 528 4800", "/contact#lost-stolen"),
        ("528-4800", "/contact#lost-stolen"),
        ("5284800", "/contact#lost-stolen"),
        ("1-800-AXP-EARN", "/contact#rewards"),
        ("1-800-297-3276", "/contact#rewards"),
        ("623 492 5450", "/contact#collect"),
    ] {
        let results = index.search(&SearchRequest::new(query));
        assert_eq!(urls(&results).first().copied(), Some(contact), "{query}");
        // Seven digits alone are found but not judged: only a complete number gets a verdict
        // and an instant answer.
        let is_complete =
            query.chars().filter(char::is_ascii_digit).count() >= 10 || query.contains("AXP");
        assert_eq!(
            results.instant_answer.as_deref(),
            contact.strip_prefix("/contact#").filter(|_| is_complete),
            "{query}"
        );
        assert_eq!(results.number_check.is_some(), is_complete, "{query}");
        assert!(!results.hits[0].phones.is_empty());
    }
    // A page that mentions the number is found too, below the contact.
    let results = index.search(&SearchRequest::new("1-800-528-4800"));
    assert!(urls(&results).contains(&"/articles/lost-card#call-right-away"));
}

#[test]
fn synonyms_expand_to_their_group_below_the_word_typed() {
    let index = index();
    let table = [
        // (query, a page that only has a synonym of a typed word)
        ("stolen card", "/articles/lost-card"),
        ("live person", "/faq#reach-someone"),
        ("calling from abroad", "/contact#collect"),
        ("outside the US", "/faq#abroad"),
    ];
    for (query, expected) in table {
        let results = index.search(&SearchRequest::new(query));
        assert!(
            urls(&results).contains(&expected),
            "{query}: {:?}",
            urls(&results)
        );
    }
    // "agent" is typed: the section that says "agent" beats the FAQ that says "representative".
    let results = index.search(&SearchRequest::new("agent"));
    let agent = urls(&results)
        .iter()
        .position(|url| url.ends_with("#ask-for-an-agent"));
    let representative = urls(&results)
        .iter()
        .position(|url| *url == "/faq#reach-someone");
    assert!(agent < representative, "{:?}", urls(&results));
}

#[test]
fn typos_are_corrected_and_offered_as_did_you_mean() {
    let index = index();
    // Found through the correction even where the corrected word is rare…
    let results = index.search(&SearchRequest::new("reprsentative"));
    assert!(
        urls(&results).contains(&"/faq#reach-someone"),
        "{:?}",
        urls(&results)
    );
    // …and proposed as "did you mean" when several pages use it.
    let results = index.search(&SearchRequest::new("carrd"));
    assert_eq!(results.did_you_mean.as_deref(), Some("card"));
    assert!(!results.hits.is_empty());
    let nothing = index.search(&SearchRequest::new("xqzzyv"));
    assert_eq!((nothing.total, nothing.did_you_mean), (0, None));
}

#[test]
fn hits_carry_urls_breadcrumbs_categories_and_snippets() {
    let index = index();
    let results = index.search(&SearchRequest {
        query: "what to have ready",
        kind: Some(HitKind::Section),
        page: 1,
        per_page: 5,
    });
    let hit = &results.hits[0];
    assert_eq!(hit.url, "/articles/lost-card#what-to-have-ready");
    assert_eq!(hit.category.as_deref(), Some("Cards and accounts"));
    assert_eq!(hit.breadcrumb, ["Cards and accounts", "Report a lost card"]);
    assert_eq!(hit.contact_id.as_deref(), Some("lost-stolen"));
    assert!(
        hit.snippet
            .iter()
            .any(|f| !f.highlighted && f.text.contains("name"))
    );
    assert!(hit.phones.is_empty());
}

#[test]
fn the_lean_path_for_huge_result_sets_counts_the_same_matches() {
    let mut index = index();
    let queries = [
        "card",
        "lost card",
        "talk to a live person",
        "phone menu agent",
        "abroad",
    ];
    let normal: Vec<SearchResults> = queries
        .iter()
        .map(|q| index.search(&SearchRequest::new(q)))
        .collect();
    // Every result set now counts as huge: lean query, separate count, narrowed ranking.
    index.large_result = 1;
    for (query, before) in queries.iter().zip(&normal) {
        let lean = index.search(&SearchRequest::new(query));
        assert_eq!(lean.counts, before.counts, "{query}");
        assert_eq!(lean.hits.len(), before.hits.len(), "{query}");
    }
}

/// A big site's index is written to a temporary folder: it answers exactly as the one in RAM,
/// and its folder goes when the index does.
#[test]
fn an_index_in_a_temporary_folder_answers_as_the_one_in_ram() {
    let site = tiny_site();
    let in_ram = SearchIndex::build(&site).expect("builds in RAM");
    let scratch = SearchIndex::build_in_scratch(&site).expect("builds in a temporary folder");
    assert_eq!(scratch.origin(), IndexOrigin::Scratch);
    let folder = scratch
        .scratch
        .as_ref()
        .expect("keeps its folder")
        .path()
        .to_path_buf();
    assert!(folder.is_dir());
    for query in [
        "card",
        "lost card",
        "talk to a live person",
        "stolne",
        "abroad",
        "1-800",
    ] {
        let request = SearchRequest::new(query);
        let (a, b) = (in_ram.search(&request), scratch.search(&request));
        assert_eq!(
            serde_json::to_string(&a).expect("json"),
            serde_json::to_string(&b).expect("json"),
            "{query}"
        );
        assert_eq!(
            in_ram.suggest(query, 8),
            scratch.suggest(query, 8),
            "{query}"
        );
    }
    drop(scratch);
    assert!(
        !folder.exists(),
        "the temporary folder is removed with the index"
    );
}

#[test]
fn suggestions_complete_the_last_word_within_the_limit() {
    let index = index();
    let suggestions = index.suggest("lost ca", 5);
    assert!(suggestions[0].url.contains("lost"), "{suggestions:?}");
    let suggestions = index.suggest("ag", 5);
    assert!(
        suggestions
            .iter()
            .any(|s| s.title == "Talk to a live person › Ask for an agent"),
        "{suggestions:?}"
    );
    assert!(index.suggest("card", 1).len() <= 1);
    assert!(index.suggest("", 5).is_empty());
}
