//! Every answer the search gives to the test suites' queries, as JSON lines: the whole results
//! (hits with scores and snippets, counts, "did you mean", instant answer, number check) for each
//! query of `tests/testsuite/answers.tsv`, `../shared/search-queries.tsv` and the relevance tables
//! of `tests/testsuite/search_relevance.rs`, on page 1 and 2 and per kind, and the typeahead for
//! every prefix of each. Two builds' dumps are compared with `diff` to show that a change to how
//! search runs did not change what it answers (the README's "Search speed" section).
//!
//! ```sh
//! cargo run --release --example search_dump > /tmp/after.jsonl
//! ```

use std::path::Path;

use helpcenter::content::Site;
use helpcenter::search::{HitKind, SearchIndex, SearchRequest};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = Site::load(&root.join("content")).unwrap_or_else(|error| {
        eprintln!("{error}");
        std::process::exit(1)
    });
    let index = SearchIndex::build(&site).unwrap_or_else(|error| {
        eprintln!("{error}");
        std::process::exit(1)
    });
    for query in queries(root) {
        let mut request = SearchRequest::new(&query);
        println!("{}", line("search", &query, &index.search(&request)));
        request.page = 2;
        println!("{}", line("page-2", &query, &index.search(&request)));
        request.page = 1;
        for kind in HitKind::ALL {
            request.kind = Some(kind);
            println!("{}", line(kind.as_str(), &query, &index.search(&request)));
        }
        let mut prefix = String::new();
        for character in query.chars().take(40) {
            prefix.push(character);
            println!("{}", line("suggest", &prefix, &index.suggest(&prefix, 8)));
        }
    }
}

/// One JSON line: what was asked, of which query, and the answer.
fn line(what: &str, query: &str, answer: &impl serde::Serialize) -> String {
    serde_json::json!({ "what": what, "query": query, "answer": answer }).to_string()
}

/// The suites' queries, in file order (duplicates kept: they cost nothing).
fn queries(root: &Path) -> Vec<String> {
    let read = |path: &Path| std::fs::read_to_string(path).unwrap_or_default();
    let mut queries = Vec::new();
    // answers.tsv: group <TAB> query <TAB> …; `#` comments and `@alias` lines skipped.
    for line in read(&root.join("tests/testsuite/answers.tsv")).lines() {
        let mut columns = line.split('\t');
        if let (Some(group), Some(query)) = (columns.next(), columns.next())
            && !group.starts_with('#')
            && !group.starts_with('@')
        {
            queries.push(query.to_string());
        }
    }
    // search-queries.tsv: query <TAB> markers.
    for line in read(&root.join("../shared/search-queries.tsv")).lines() {
        if !line.starts_with('#')
            && let Some((query, _)) = line.split_once('\t')
        {
            queries.push(query.to_string());
        }
    }
    // The relevance tables: `query <TAB> markers` lines inside the Rust string constants.
    for line in read(&root.join("tests/testsuite/search_relevance.rs")).lines() {
        if let Some((query, _)) = line.split_once('\t')
            && !query.contains('"')
        {
            queries.push(query.to_string());
        }
    }
    queries
}
