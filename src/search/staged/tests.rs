//! The big-index path against the small one: the shipped content plus generated articles (several
//! thousand documents, so tantivy searches it in two stages) must find what the shipped index
//! finds for the key intents, rank as scoring every match would, and estimate counts honestly.

use std::path::Path;

use tantivy::Executor;

use super::super::candidates::Candidates;
use super::super::plan::Mode;
use super::super::{SearchIndex, SearchRequest};
use super::{CANDIDATES, rank_within};
use crate::content::{Site, SourceFile, Sources};

/// Generated articles: about six documents each, so the big site has well over 4,096.
const GENERATED: usize = 800;

/// The shipped content's sources.
fn shipped_sources() -> Sources {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    Sources::read(&root.join("content")).expect("the shipped content reads")
}

/// The shipped content plus [`GENERATED`] articles of its own words in random order (a fixed
/// seed), each in an existing category and naming an existing contact.
fn big_site() -> Site {
    let mut sources = shipped_sources();
    let shipped = Site::from_sources(&sources).expect("the shipped content is valid");
    let mut words: Vec<String> = sources
        .articles
        .iter()
        .flat_map(|file| file.text.split(|c: char| !c.is_ascii_alphabetic()))
        .filter(|word| word.len() > 2)
        .map(str::to_lowercase)
        .collect();
    words.sort();
    words.dedup();
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move |bound: usize| -> usize {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % bound as u64) as usize
    };
    let text = |count: usize, next: &mut dyn FnMut(usize) -> usize| -> String {
        let picked: Vec<&str> = (0..count)
            .map(|_| words[next(words.len())].as_str())
            .collect();
        picked.join(" ")
    };
    for number in 0..GENERATED {
        let title = text(5, &mut next);
        let summary = text(12, &mut next);
        let category = &shipped.categories[next(shipped.categories.len())].slug;
        let contact = &shipped.contacts[next(shipped.contacts.len())].id;
        let mut body = String::new();
        for _ in 0..5 {
            body.push_str(&format!(
                "## {}\n\n{}.\n\n",
                text(3, &mut next),
                text(40, &mut next)
            ));
        }
        let guide = &shipped.guides[0].id;
        sources.articles.push(SourceFile {
            path: format!("generated/articles/generated-{number:04}.md"),
            text: format!(
                "+++\ntitle = \"Note {number} {title}\"\nsummary = \"{summary}.\"\ncategory = \
                 \"{category}\"\nupdated = 2026-11-20\nsources = [\"{guide}\"]\ncontacts = \
                 [\"{contact}\"]\n+++\n\n{body}"
            ),
        });
    }
    Site::from_sources(&sources).expect("the generated site is valid")
}

/// The shipped index (small: the in-memory engine) and the big one (tantivy, two stages), with
/// every result set of the big one treated as huge (lean plans, estimated counts).
fn indexes() -> (SearchIndex, SearchIndex) {
    let small = SearchIndex::build(&Site::from_sources(&shipped_sources()).expect("valid"))
        .expect("the shipped content indexes");
    let mut big = SearchIndex::build(&big_site()).expect("the generated site indexes");
    assert!(small.engine.is_some(), "the shipped index is small");
    big.engine = None;
    big.kind_runs = std::sync::Arc::new(super::super::estimate::KindRuns::new(
        &big.tables,
        &big.kinds,
    ));
    assert!(big.len() > 4_096, "{} documents", big.len());
    big.large_result = 50;
    (small, big)
}

/// Queries of the key intents: phone numbers, contacts, the obvious article, typos, sentences.
const KEY_QUERIES: &[&str] = &[
    "1-800-528-4800",
    "is 1-800-528-4800 really amex",
    "lost card",
    "report a stolen card",
    "stolne card",
    "talk to a live person",
    "dispute a charge",
    "calling from abroad",
    "membership rewards points",
    "someone called saying they are amex and asked for my pin",
    "activate my new card",
    "roadside assistance",
];

#[test]
fn the_big_path_finds_what_the_small_path_finds() {
    let (small, big) = indexes();
    for query in KEY_QUERIES {
        let request = SearchRequest::new(query);
        let (expected, found) = (small.search(&request), big.search(&request));
        assert_eq!(found.number_check, expected.number_check, "{query}");
        assert_eq!(found.instant_answer, expected.instant_answer, "{query}");
        assert_eq!(found.answer, expected.answer, "{query}");
        let first = &expected.hits.first().expect("the small index answers").url;
        let top: Vec<&str> = found
            .hits
            .iter()
            .take(5)
            .map(|hit| hit.url.as_str())
            .collect();
        assert!(
            top.contains(&first.as_str()),
            "{query}: {first} not in {top:?}"
        );
        // A typed number leads to its contact, first.
        if query.starts_with("1-") {
            assert_eq!(found.hits[0].url, expected.hits[0].url, "{query}");
        }
    }
}

/// Partly typed queries of the key intents: a lost or stolen card, reaching a person, a declined
/// card, disputes, rewards, fraud.
const KEY_PREFIXES: &[&str] = &["los", "stol", "live pe", "card de", "disp", "rew", "fra"];

#[test]
fn typeahead_on_the_big_path_suggests_what_the_small_path_suggests() {
    let (small, big) = indexes();
    for prefix in KEY_PREFIXES {
        let expected = small.suggest(prefix, 8);
        let first = &expected.first().expect("the small index suggests").url;
        let found: Vec<String> = big.suggest(prefix, 8).into_iter().map(|s| s.url).collect();
        assert!(found.contains(first), "{prefix}: {first} not in {found:?}");
    }
}

#[test]
fn the_stages_rank_as_scoring_every_match_would() {
    let (_, big) = indexes();
    let searcher = big.reader.searcher();
    for query in KEY_QUERIES.iter().chain(&["card", "phone number"]) {
        let plan = big.planner(&searcher).plan(query, Mode::Search);
        let Some(node) = &plan.query else { continue };
        let collector = big.rank_collector(None, 10);
        let every = big
            .runner(&searcher)
            .rank(node, plan.body_proximity.as_ref(), &collector)
            .expect("tantivy ranks");
        let Some(staged) = big.rank_staged(&searcher, &plan, None, 10).expect("ranks") else {
            continue;
        };
        let best = |ranked: &super::super::collect::Ranked| {
            ranked
                .hits
                .first()
                .map(|hit| (hit.ordinal, hit.score.to_bits()))
        };
        assert_eq!(best(&staged), best(&every), "{query}");
        let total: usize = every.counts.iter().sum();
        let estimated: usize = staged.counts.iter().sum();
        // Within a third: 16 matches a window in unit tests (96 in a build), and the segments'
        // layout varies with the writer threads from run to run.
        assert!(
            estimated.abs_diff(total) * 3 <= total.max(3),
            "{query}: about {estimated} for {total}"
        );
    }
}

#[test]
fn huge_result_sets_are_estimated_and_shown_as_such() {
    let (_, big) = indexes();
    let results = big.search(&SearchRequest::new("card"));
    assert!(
        results.estimated,
        "a budget of 16 a window runs out on \"card\""
    );
    for (_, count) in &results.counts {
        assert_eq!(*count, super::super::estimate::round_estimate(*count));
    }
    let rare = big.search(&SearchRequest::new("1-800-528-4800"));
    assert!(!rare.estimated, "a rare match is counted exactly");
    // Typeahead on the big index completes the last word as the small one does.
    let suggestions = big.suggest("lost ca", 8);
    assert!(
        suggestions.iter().any(|s| s.url.contains("lost")),
        "{suggestions:?}"
    );
}

#[test]
fn a_pass_is_reachable_only_when_its_fields_hold_every_required_word() {
    use super::super::query::Node;
    use super::reachable;
    use tantivy::query::Occur;

    let (_, big) = indexes();
    let searcher = big.reader.searcher();
    let (title, body) = (big.fields.title, big.fields.body);
    let term = |field, text: &str| Node::term(field, text.into(), true);
    let titles = [title];
    // "card" is in titles; a word no document holds is in none.
    assert!(reachable(&searcher, &term(title, "card"), &titles).expect("reads"));
    assert!(!reachable(&searcher, &term(title, "zqxjv"), &titles).expect("reads"));
    // A term of a field outside the pass does not count, even when documents hold it.
    assert!(!reachable(&searcher, &term(body, "card"), &titles).expect("reads"));
    // Every required clause must be reachable; without one, any optional clause will do.
    let both = Node::Bool(vec![
        (Occur::Must, term(title, "card")),
        (Occur::Must, term(body, "card")),
    ]);
    assert!(!reachable(&searcher, &both, &titles).expect("reads"));
    assert!(reachable(&searcher, &both, &[title, body]).expect("reads"));
    let either = Node::Bool(vec![
        (Occur::Should, term(title, "zqxjv")),
        (Occur::Should, term(title, "card")),
    ]);
    assert!(reachable(&searcher, &either, &titles).expect("reads"));
    let dismax = Node::DisMax(vec![term(body, "card"), term(title, "zqxjv")], 0.1);
    assert!(!reachable(&searcher, &dismax, &titles).expect("reads"));
}

/// Every candidate stage two scores gets bit for bit the score scoring every match gives it (not
/// only the best hit): a stage two that changes the order tantivy adds an intersection's clause
/// scores in (a union's cost counts only the clauses still holding documents) is 2 ulps off on
/// "report a stolen card".
#[test]
fn candidates_score_as_every_match_scores_them() {
    let (_, big) = indexes();
    let searcher = big.reader.searcher();
    for query in KEY_QUERIES.iter().chain(&["card", "phone number"]) {
        let plan = big.planner(&searcher).plan(query, Mode::Search);
        let Some(node) = &plan.query else { continue };
        let proximity = plan.body_proximity.as_ref();
        // Every match, each with its score.
        let all = big.rank_collector(None, 100_000);
        let every = big
            .runner(&searcher)
            .rank(node, proximity, &all)
            .expect("tantivy ranks");
        let scores: std::collections::HashMap<u32, u32> = every
            .hits
            .iter()
            .map(|hit| (hit.ordinal, hit.score.to_bits()))
            .collect();
        // The index's own threads (search) and the calling thread (typeahead) give the same.
        for executor in [
            searcher.index().search_executor(),
            &Executor::single_thread(),
        ] {
            let Some(candidates) =
                Candidates::find(&searcher, node, node, None, CANDIDATES, executor).expect("finds")
            else {
                continue;
            };
            let within = rank_within(&searcher, &candidates, node, proximity, &all, executor)
                .expect("ranks");
            assert!(!within.hits.is_empty(), "{query}: no candidate scored");
            assert!(within.hits.len() <= candidates.len(), "{query}");
            for hit in &within.hits {
                assert_eq!(
                    scores.get(&hit.ordinal),
                    Some(&hit.score.to_bits()),
                    "{query}: ordinal {}",
                    hit.ordinal
                );
            }
        }
    }
}

/// The every-field pass keeps a segment's matches whole when there are at most `k` of them,
/// without WAND: exactly the candidates WAND finds, for plans matching a few pages in a segment
/// and plans matching many (both must occur, or the test proves nothing).
#[test]
fn few_matches_are_the_candidates_wand_finds() {
    let (_, big) = indexes();
    let searcher = big.reader.searcher();
    let executor = Executor::single_thread();
    let k = 48;
    let (mut few, mut many) = (0, 0);
    let typed = KEY_QUERIES.iter().map(|query| (*query, Mode::Search));
    let prefixes = KEY_PREFIXES
        .iter()
        .chain(&[
            "live pe",
            "lost ca",
            "roadside as",
            "someone called saying th",
            "zq",
        ])
        .map(|prefix| (*prefix, Mode::Suggest));
    for (text, mode) in typed.chain(prefixes) {
        let plan = big.planner(&searcher).plan(text, mode);
        for node in plan.query.iter().chain(&plan.fallback) {
            let find = |walk| {
                Candidates::find_with(&searcher, node, node, None, k, &executor, walk)
                    .expect("finds")
            };
            let (Some(walked), Some(wand)) = (find(true), find(false)) else {
                assert!(find(true).is_none() && find(false).is_none(), "{text}");
                continue;
            };
            for reader in searcher.segment_readers() {
                let (walked, wand) = (walked.of(reader), wand.of(reader));
                assert_eq!(walked, wand, "{text}: segment {}", reader.segment_id());
                if wand.len() < k {
                    few += 1;
                } else {
                    many += 1;
                }
            }
        }
    }
    assert!(
        few > 0 && many > 0,
        "{few} segments with few matches, {many} with many"
    );
}

/// The results page's every-field pass filters by the plan's counting query, which may match a
/// page holding none of the query's terms (it is flat and unscored): the walk may then keep such
/// a page as a candidate, where WAND never proposes it, but it cannot match the query, so the
/// ranking is the same.
#[test]
fn the_walk_ranks_the_results_page_as_wand_does() {
    let (_, big) = indexes();
    let searcher = big.reader.searcher();
    let executor = Executor::single_thread();
    for query in KEY_QUERIES.iter().chain(&["card", "phone number", "zq"]) {
        let plan = big.planner(&searcher).plan(query, Mode::Search);
        let Some(node) = &plan.query else { continue };
        let matching = plan.count.as_ref().unwrap_or(node);
        let proximity = plan.body_proximity.as_ref();
        let collector = big.rank_collector(None, 10);
        let rank = |walk| {
            Candidates::find_with(&searcher, node, matching, None, CANDIDATES, &executor, walk)
                .expect("finds")
                .map(|candidates| {
                    let ranked = rank_within(
                        &searcher,
                        &candidates,
                        node,
                        proximity,
                        &collector,
                        &executor,
                    )
                    .expect("ranks");
                    let hits: Vec<(u32, u32)> = ranked
                        .hits
                        .iter()
                        .map(|hit| (hit.ordinal, hit.score.to_bits()))
                        .collect();
                    (hits, ranked.counts)
                })
        };
        assert_eq!(rank(true), rank(false), "{query}");
    }
}
