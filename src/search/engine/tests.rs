//! The engine against tantivy on the shipped content: for every query of the test suites (and
//! typeahead prefixes of them), every query tree the planner builds (ordinary and lean) must match
//! the same documents with bit-for-bit the same scores, and the dictionary answers (document
//! frequencies, completions, near words) must be the same.

use std::path::Path;
use std::sync::Arc;

use super::*;
use crate::content::Site;
use crate::search::SearchIndex;
use crate::search::plan::{Mode, Planner};
use crate::search::understand::normalise;

/// The shipped content's index.
fn shipped() -> SearchIndex {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = Site::load(&root.join("content")).expect("the shipped content loads");
    SearchIndex::build(&site).expect("the shipped content indexes")
}

/// The queries of the answer suite, the shared queries and the relevance tables.
fn suite_queries() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |path: &str| std::fs::read_to_string(root.join(path)).unwrap_or_default();
    let mut queries: Vec<String> = read("tests/testsuite/answers.tsv")
        .lines()
        .filter(|line| !line.starts_with('#') && !line.starts_with('@'))
        .filter_map(|line| line.split('\t').nth(1).map(str::to_string))
        .collect();
    queries.extend(
        read("../shared/search-queries.tsv")
            .lines()
            .filter(|line| !line.starts_with('#'))
            .filter_map(|line| line.split_once('\t').map(|(query, _)| query.to_string())),
    );
    queries.extend(
        read("tests/testsuite/search_relevance.rs")
            .lines()
            .filter_map(|line| line.split_once('\t').map(|(query, _)| query.to_string()))
            .filter(|query| !query.contains('"')),
    );
    queries.sort();
    queries.dedup();
    assert!(queries.len() > 300, "the suites' queries were found");
    queries
}

/// Every query tree of a plan (the proximity bonus also joined to the query as `rank` joins it).
fn trees(plan: &crate::search::plan::Plan) -> Vec<Node> {
    let mut trees: Vec<Node> = [
        &plan.query,
        &plan.fallback,
        &plan.count,
        &plan.body_proximity,
    ]
    .into_iter()
    .flatten()
    .cloned()
    .collect();
    trees.extend(plan.headlines.iter().cloned());
    if let (Some(query), Some(proximity)) = (&plan.query, &plan.body_proximity) {
        trees.push(Node::Bool(vec![
            (tantivy::query::Occur::Must, query.clone()),
            (tantivy::query::Occur::Should, proximity.clone()),
        ]));
    }
    trees
}

/// Every match of `node` with its score, from tantivy and from the engine, compared bit for bit;
/// and the unscored counts. Returns how many matches were compared.
fn compare(index: &SearchIndex, engine: &Engine, searcher: &Searcher, node: &Node) -> usize {
    let collector = RankCollector {
        tables: Arc::clone(&index.tables),
        kinds: Arc::clone(&index.kinds),
        weights: [1.0; 4],
        filter: None,
        limit: 100_000,
    };
    let bits = |ranked: &Ranked| -> Vec<(u32, u32)> {
        ranked
            .hits
            .iter()
            .map(|hit| (hit.ordinal, hit.score.to_bits()))
            .collect()
    };
    let expected = searcher
        .search(&*node.to_tantivy(), &collector)
        .expect("tantivy searches");
    let found = engine
        .rank(node, None, &collector)
        .expect("the engine searches");
    assert_eq!(bits(&found), bits(&expected), "{node:?}");
    assert_eq!(found.counts, expected.counts, "{node:?}");
    let counter = KindCounter {
        tables: Arc::clone(&index.tables),
        kinds: Arc::clone(&index.kinds),
    };
    assert_eq!(
        engine.count(node, &counter).expect("the engine counts"),
        searcher
            .search(&*node.to_tantivy(), &counter)
            .expect("tantivy counts"),
        "{node:?}"
    );
    expected.hits.len()
}

#[test]
fn the_engine_scores_every_suite_query_exactly_as_tantivy() {
    let index = shipped();
    let engine = index.engine.as_ref().expect("the shipped index is small");
    let searcher = index.reader.searcher();
    let mut matches = 0;
    for query in suite_queries() {
        let text = normalise(&query).text;
        // Typeahead prefixes: every third character.
        let mut cuts: Vec<(String, Mode)> = (2..text.len())
            .step_by(3)
            .filter(|&cut| text.is_char_boundary(cut))
            .map(|cut| (text[..cut].to_string(), Mode::Suggest))
            .collect();
        cuts.push((text.clone(), Mode::Search));
        for (text, mode) in cuts {
            // Ordinary plans, and lean ones (every result set treated as huge).
            for large_result in [index.large_result, 1] {
                let mut planner = index.planner(&searcher);
                planner.large_result = large_result;
                for node in trees(&planner.plan(&text, mode)) {
                    matches += compare(&index, engine, &searcher, &node);
                }
            }
        }
    }
    assert!(matches > 10_000, "{matches} matches compared");
}

#[test]
fn the_engine_answers_dictionary_lookups_as_the_term_dictionary() {
    let index = shipped();
    let searcher = index.reader.searcher();
    let with = index.planner(&searcher);
    let without = Planner {
        engine: None,
        ..index.planner(&searcher)
    };
    let fields = index.fields;
    for query in suite_queries() {
        for word in normalise(&query).text.split_whitespace() {
            for field in [fields.spell, fields.title, fields.body, fields.phone] {
                assert_eq!(with.doc_freq(field, word), without.doc_freq(field, word));
            }
            for distance in [1, 2] {
                for field in [fields.spell, fields.body] {
                    assert_eq!(
                        with.near_words(field, word, distance),
                        without.near_words(field, word, distance),
                        "{word} {distance}"
                    );
                }
            }
            let mut prefix = String::new();
            for character in word.chars() {
                prefix.push(character);
                assert_eq!(with.completions(&prefix), without.completions(&prefix));
            }
        }
    }
}
