//! Fuzzes query handling: arbitrary visitor text (and kind, page, page size) against an index of the
//! committed fixture site, built once. Invariants: answers respect the page size and suggestion
//! limit, the echoed query is capped, and counts add up.
#![no_main]

use std::path::Path;
use std::sync::LazyLock;

use helpcenter::content::Site;
use helpcenter::search::{HitKind, MAX_PER_PAGE, MAX_QUERY_CHARS, SearchIndex, SearchRequest};
use libfuzzer_sys::fuzz_target;

static INDEX: LazyLock<SearchIndex> = LazyLock::new(|| {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/site");
    let site = Site::load(&dir).expect("the fixture site loads");
    SearchIndex::build(&site).expect("the fixture site indexes")
});

fuzz_target!(|data: &[u8]| {
    let [kind, page, per_page, rest @ ..] = data else {
        return;
    };
    let query = String::from_utf8_lossy(rest);
    let kind = match kind % 5 {
        0 => None,
        n => Some(HitKind::ALL[usize::from(n - 1)]),
    };
    let page = usize::from(*page) * 5;
    let per_page = usize::from(*per_page);
    let results = INDEX.search(&SearchRequest {
        query: &query,
        kind,
        page,
        per_page,
    });
    let expected_per_page = match per_page {
        0 => results.per_page,
        n => n.min(MAX_PER_PAGE),
    };
    assert_eq!(results.per_page, expected_per_page);
    assert!(
        results.hits.len() <= results.per_page,
        "more hits than the page size"
    );
    assert!(
        results.query.chars().count() <= MAX_QUERY_CHARS,
        "query not capped"
    );
    assert!(
        results.hits.len() <= results.total,
        "more hits than the total"
    );
    if let Some(kind) = kind {
        assert!(
            results.hits.iter().all(|hit| hit.kind == kind),
            "kind filter ignored"
        );
    }
    let suggestions = INDEX.suggest(&query, 8);
    assert!(suggestions.len() <= 8, "too many suggestions");
});
