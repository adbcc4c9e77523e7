//! Hostile and odd search input on the real `content/`: query syntax, control characters, emoji,
//! huge input, absurd pagination. Every case must answer normally: no panic, a sane result.

use helpcenter::search::{HitKind, MAX_PER_PAGE, MAX_QUERY_CHARS, SearchRequest, SearchResults};

use crate::common::CONTENT_INDEX as INDEX;

fn search(query: &str) -> SearchResults {
    INDEX.search(&SearchRequest::new(query))
}

/// Invariants every answer keeps, whatever the input.
fn assert_sane(query: &str, results: &SearchResults) {
    assert!(
        results.query.chars().count() <= MAX_QUERY_CHARS,
        "{query:?}"
    );
    assert!(
        !results.query.chars().any(char::is_control),
        "{query:?}: {:?}",
        results.query
    );
    assert_eq!(results.query, results.query.trim(), "{query:?}");
    assert!(!results.query.contains("  "), "{query:?}");
    assert_eq!(
        results
            .counts
            .iter()
            .map(|(kind, _)| *kind)
            .collect::<Vec<_>>(),
        HitKind::ALL
    );
    assert_eq!(
        results.total,
        results.counts.iter().map(|(_, n)| n).sum::<usize>(),
        "{query:?}"
    );
    assert!(results.hits.len() <= results.per_page, "{query:?}");
    assert!(results.hits.len() <= results.total, "{query:?}");
    for pair in results.hits.windows(2) {
        assert!(
            pair[0].score >= pair[1].score,
            "{query:?}: hits out of order"
        );
    }
    for hit in &results.hits {
        assert!(hit.url.starts_with('/'), "{query:?}: {}", hit.url);
        assert!(!hit.title.is_empty());
        for fragment in &hit.snippet {
            assert!(!fragment.text.is_empty());
        }
        if hit.kind != HitKind::Contact {
            assert!(hit.phones.is_empty());
        }
    }
}

#[test]
fn query_syntax_is_read_as_plain_words() {
    let cases = [
        "\"lost card\"",
        "\"lost card",
        "lost AND card",
        "lost OR stolen",
        "NOT fraud",
        "lost && card || stolen",
        "-fraud",
        "+lost +card",
        "title:lost",
        "body:card AND title:stolen",
        "lost*",
        "*",
        "?",
        "card~",
        "card~2",
        "\"lost card\"~3",
        "card^10",
        "(lost OR stolen) AND card",
        "[800 TO 900]",
        "{a TO z}",
        "card:<b>",
        "<script>alert(1)</script>",
        "\\",
        "\\\\\"",
        "/regex.*/",
        "lost \u{0}card",
        "a:b:c:d",
        "((((((((((((",
        "))))))",
        "&&||!!",
        "null",
        "undefined",
        "%00",
        "%20lost%20card",
        "'; DROP TABLE articles; --",
        "${jndi:ldap://x}",
        "{{7*7}}",
    ];
    for query in cases {
        let results = search(query);
        assert_sane(query, &results);
    }
    // Syntax around real words still finds them.
    for query in [
        "\"lost card\"",
        "lost AND card",
        "title:lost card",
        "(lost OR stolen) AND card",
        "lost*",
    ] {
        let results = search(query);
        assert!(
            results
                .hits
                .first()
                .is_some_and(|hit| hit.url.contains("lost")),
            "{query}: {:?}",
            results.hits.first().map(|h| &h.url)
        );
    }
    // Exclusion syntax does not exclude: a minus is not an operator here.
    assert!(search("-fraud").total > 0);
}

#[test]
fn control_characters_invisible_characters_and_emoji_are_harmless() {
    let cases = [
        "\u{0}",
        "\u{0}\u{1}\u{2}\u{7}\u{8}\u{1b}[31m",
        "lost\u{0}card",
        "lost\r\ncard",
        "\t\t\tlost\tcard\t",
        "\u{202E}drac tsol",
        "lost\u{200B}card",
        "\u{FEFF}lost card",
        "🔥",
        "🔥🔥🔥 lost card 🔥",
        "👨‍👩‍👧‍👦",
        "lost 💳",
        "карта украдена",
        "失くしたカード",
        "بطاقة مفقودة",
        "Z̷̢̛a̸l̵g̶o̸ card",
        "ｌｏｓｔ ｃａｒｄ",
        "\u{10FFFF}",
        "\u{FFFD}\u{FFFD}",
    ];
    for query in cases {
        let results = search(query);
        assert_sane(query, &results);
    }
    assert_eq!(search("lost\u{0}card").query, "lost card");
    assert!(search("🔥🔥🔥 lost card 🔥").hits[0].url.contains("lost"));
    assert_eq!(search("🔥").total, 0);
}

#[test]
fn empty_and_blank_queries_find_nothing() {
    for query in [
        "",
        " ",
        "\n\t ",
        "\u{0}",
        ".",
        "...",
        "!!!",
        "the",
        "a an the of",
    ] {
        let results = search(query);
        assert_sane(query, &results);
        assert_eq!(results.total, 0, "{query:?}");
        assert!(results.hits.is_empty());
        assert_eq!(results.instant_answer, None);
    }
}

#[test]
fn huge_input_is_cut_to_the_cap_with_a_notice() {
    let ten_kb = "lost card ".repeat(1024);
    let results = search(&ten_kb);
    assert!(results.truncated);
    assert!(results.query.chars().count() <= MAX_QUERY_CHARS);
    assert!(results.hits[0].url.contains("lost"));
    assert_sane("10 KB", &results);

    let one_word = "x".repeat(10_240);
    let results = search(&one_word);
    assert!(results.truncated);
    assert_eq!(results.total, 0);

    let multibyte = "ü".repeat(10_000);
    assert!(search(&multibyte).truncated);

    let emoji = "🔥".repeat(5_000);
    let results = search(&emoji);
    assert!(results.truncated);
    assert_eq!(results.query.chars().count(), MAX_QUERY_CHARS);

    let numbers = "1-800-528-4800 ".repeat(700);
    let results = search(&numbers);
    assert!(results.truncated);
    assert_eq!(results.hits[0].kind, HitKind::Contact);

    let words: String = (0..2000).map(|i| format!("word{i} ")).collect();
    assert_sane("many words", &search(&words));

    let at_cap = "a".repeat(MAX_QUERY_CHARS);
    assert!(!search(&at_cap).truncated);
    let over_cap = "a".repeat(MAX_QUERY_CHARS + 1);
    assert!(search(&over_cap).truncated);
}

#[test]
fn pagination_clamps_and_never_panics() {
    let all = search("card");
    assert!(all.total > 10);
    for (page, per_page) in [
        (0, 0),
        (0, 10),
        (1, 0),
        (1, usize::MAX),
        (usize::MAX, 10),
        (usize::MAX, usize::MAX),
        (2, 5),
        (1_000_000, 1),
        (10_000, 50),
    ] {
        let results = INDEX.search(&SearchRequest {
            query: "card",
            kind: None,
            page,
            per_page,
        });
        assert_sane(&format!("page {page} per_page {per_page}"), &results);
        assert!(results.per_page >= 1 && results.per_page <= MAX_PER_PAGE);
        assert!(results.page >= 1);
        assert_eq!(results.total, all.total);
    }
    // Page two continues page one.
    let first = INDEX.search(&SearchRequest {
        query: "card",
        kind: None,
        page: 1,
        per_page: 5,
    });
    let second = INDEX.search(&SearchRequest {
        query: "card",
        kind: None,
        page: 2,
        per_page: 5,
    });
    let both = INDEX.search(&SearchRequest {
        query: "card",
        kind: None,
        page: 1,
        per_page: 10,
    });
    let urls = |r: &SearchResults| r.hits.iter().map(|h| h.url.clone()).collect::<Vec<_>>();
    assert_eq!([urls(&first), urls(&second)].concat(), urls(&both));
    // Past the end: empty page, same counts.
    let beyond = INDEX.search(&SearchRequest {
        query: "card",
        kind: None,
        page: all.total + 1,
        per_page: 50,
    });
    assert!(beyond.hits.is_empty());
    assert_eq!(beyond.total, all.total);
}

#[test]
fn kind_filter_lists_one_kind_and_keeps_all_counts() {
    let all = search("fraud");
    for kind in HitKind::ALL {
        let filtered = INDEX.search(&SearchRequest {
            query: "fraud",
            kind: Some(kind),
            page: 1,
            per_page: 50,
        });
        assert_eq!(filtered.counts, all.counts);
        let count = all
            .counts
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(0, |(_, n)| *n);
        assert_eq!(filtered.total, count, "{kind:?}");
        assert!(filtered.hits.iter().all(|hit| hit.kind == kind));
        assert_eq!(filtered.hits.len(), count.min(50));
    }
}

#[test]
fn kind_names_parse_leniently() {
    for kind in HitKind::ALL {
        assert_eq!(HitKind::parse(kind.as_str()), Some(kind));
        assert_eq!(HitKind::parse(&kind.as_str().to_uppercase()), Some(kind));
    }
    for bad in ["", "articles", "all", "<script>", "faq "] {
        let parsed = HitKind::parse(bad);
        assert!(parsed.is_none() || bad.trim() == "faq", "{bad:?}");
    }
    assert_eq!(HitKind::Faq.label(), "FAQ");
    assert_eq!(
        serde_json::to_string(&HitKind::Contact).expect("serialises"),
        "\"contact\""
    );
}

#[test]
fn suggest_survives_hostile_input() {
    let ten_kb = "lost card ".repeat(1024);
    for query in [
        "",
        "\u{0}",
        "🔥",
        "*",
        "\"",
        "title:",
        "(((",
        "la",
        "zz",
        "1-800",
        "800-528",
        ten_kb.as_str(),
    ] {
        let suggestions = INDEX.suggest(query, 8);
        assert!(suggestions.len() <= 8, "{query:?}");
        for suggestion in &suggestions {
            assert!(suggestion.url.starts_with('/'));
        }
    }
    assert!(INDEX.suggest("lost", usize::MAX).len() <= helpcenter::search::MAX_SUGGESTIONS);
}

#[test]
fn concurrent_searches_share_one_index() {
    std::thread::scope(|scope| {
        for thread in 0..4 {
            scope.spawn(move || {
                for round in 0..20 {
                    let query = ["lost card", "800 528 4800", "stolne card", "xqzzyv"]
                        [(thread + round) % 4];
                    assert_sane(query, &search(query));
                }
            });
        }
    });
}
