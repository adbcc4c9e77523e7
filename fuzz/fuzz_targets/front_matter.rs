//! Fuzzes article parsing and site validation: one arbitrary article file added to the committed
//! fixture site goes through `Site::from_sources` (front matter split, TOML, Markdown, validation).
//! Invariant beyond "no panic": every problem reported in the fuzzed file points at a line that exists.
#![no_main]

use helpcenter::content::{ContentError, Site, SourceFile, Sources};
use libfuzzer_sys::fuzz_target;

const FUZZED_PATH: &str = "articles/fuzzed.md";

fn file(path: &str, text: &str) -> SourceFile {
    SourceFile {
        path: path.to_string(),
        text: text.to_string(),
    }
}

fn fixture_with(article: &str) -> Sources {
    Sources {
        site: file(
            "site.toml",
            include_str!("../../tests/fixtures/site/site.toml"),
        ),
        guides: file(
            "guides.toml",
            include_str!("../../tests/fixtures/site/guides.toml"),
        ),
        categories: file(
            "categories.toml",
            include_str!("../../tests/fixtures/site/categories.toml"),
        ),
        contacts: file(
            "contacts.toml",
            include_str!("../../tests/fixtures/site/contacts.toml"),
        ),
        faqs: file(
            "faqs.toml",
            include_str!("../../tests/fixtures/site/faqs.toml"),
        ),
        synonyms: file(
            "synonyms.toml",
            include_str!("../../tests/fixtures/site/synonyms.toml"),
        ),
        planner: None,
        intents: Default::default(),
        articles: vec![
            file(
                "articles/lost-card.md",
                include_str!("../../tests/fixtures/site/articles/lost-card.md"),
            ),
            file(
                "articles/points.md",
                include_str!("../../tests/fixtures/site/articles/points.md"),
            ),
            file(
                "articles/talk-to-a-person.md",
                include_str!("../../tests/fixtures/site/articles/talk-to-a-person.md"),
            ),
            file(FUZZED_PATH, article),
        ],
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Site::from_sources(&fixture_with(text)) {
        Ok(site) => {
            assert!(
                site.article("fuzzed").is_some(),
                "a valid article is in the site"
            );
        }
        Err(ContentError::Invalid(problems)) => {
            // A file of N lines has lines 1..=N (N + 1 when it ends without a newline is still N).
            let lines = text.split('\n').count();
            for problem in problems.iter().filter(|p| p.path == FUZZED_PATH) {
                if let Some(line) = problem.line {
                    assert!(
                        (1..=lines).contains(&line),
                        "problem on line {line} of a {lines}-line file: {problem}"
                    );
                }
            }
        }
        Err(ContentError::Read { .. }) => unreachable!("nothing is read from disk"),
    }
});
