//! Which of the editors' intents (`content/intents.toml`) a query states: the rules' patterns
//! analyzed like the query (stemmed, so `cards` matches `card`), and matched against the query's
//! words and its typo corrections.

use std::collections::HashSet;

use super::understand::{Analyzers, extract_phones};
use crate::content::{Intents, pattern_slots};

/// One intent's patterns as index terms.
#[derive(Debug, Clone)]
pub(crate) struct CompiledIntent {
    /// Position in `Intents::intents`.
    pub(crate) index: usize,
    /// Each pattern: its slots, each slot the terms any one of which fills it.
    patterns: Vec<Vec<Vec<String>>>,
    /// Terms that rule the intent out.
    unless: Vec<String>,
}

/// An intent the query states, with how surely: the word count of its best matching pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stated {
    /// Position in `Intents::intents`.
    pub(crate) index: usize,
    /// Words of the longest matching pattern.
    pub(crate) strength: usize,
}

/// The query's terms: every word as the index stems it (a stop word as typed) and, marked with a
/// leading `=`, as typed; apostrophes dropped so `didn't` is `didnt`; phone numbers left out.
pub(crate) fn query_terms(text: &str, analyzers: &Analyzers) -> HashSet<String> {
    let (_, rest) = extract_phones(text);
    let rest: String = rest
        .chars()
        .filter(|c| !matches!(c, '\'' | '\u{2019}'))
        .collect();
    let mut terms = HashSet::new();
    for word in analyzers.words(&rest) {
        terms.insert(format!("={}", word.surface));
        terms.insert(word.stem.unwrap_or(word.surface));
    }
    terms
}

/// One pattern word as a term: stemmed like the query, or `=word` as it is.
fn term(word: &str, analyzers: &Analyzers) -> String {
    if word.starts_with('=') {
        return word.to_string();
    }
    analyzers
        .words(word)
        .into_iter()
        .next()
        .map_or_else(|| word.to_string(), |w| w.stem.unwrap_or(w.surface))
}

/// Compiles every intent's patterns (validation has rejected malformed ones; any left are skipped).
pub(crate) fn compile(intents: &Intents, analyzers: &Analyzers) -> Vec<CompiledIntent> {
    intents
        .intents
        .iter()
        .enumerate()
        .map(|(index, intent)| CompiledIntent {
            index,
            patterns: intent
                .when
                .iter()
                .filter_map(|pattern| pattern_slots(pattern))
                .map(|slots| {
                    slots
                        .into_iter()
                        .map(|slot| slot.into_iter().map(|w| term(w, analyzers)).collect())
                        .collect()
                })
                .collect(),
            unless: intent.unless.iter().map(|w| term(w, analyzers)).collect(),
        })
        .collect()
}

/// The intents `terms` state, in file order.
pub(crate) fn stated(compiled: &[CompiledIntent], terms: &HashSet<String>) -> Vec<Stated> {
    compiled
        .iter()
        .filter(|intent| !intent.unless.iter().any(|word| terms.contains(word)))
        .filter_map(|intent| {
            intent
                .patterns
                .iter()
                .filter(|slots| {
                    slots
                        .iter()
                        .all(|slot| slot.iter().any(|word| terms.contains(word)))
                })
                .map(Vec::len)
                .max()
                .map(|strength| Stated {
                    index: intent.index,
                    strength,
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{Intent, IntentKind};
    use crate::search::schema::analyzers;

    fn intent(id: &str, when: &[&str], unless: &[&str]) -> Intent {
        Intent {
            id: id.to_string(),
            kind: IntentKind::Need,
            generic: false,
            contacts: Vec::new(),
            first: None,
            when: when.iter().map(|w| w.to_string()).collect(),
            unless: unless.iter().map(|w| w.to_string()).collect(),
        }
    }

    #[test]
    fn patterns_match_in_any_order_and_form_with_exclusions() {
        let analyzers = analyzers();
        let intents = Intents {
            intents: vec![
                intent("lost", &["lost|stolen card", "stolen"], &["points"]),
                intent("fraud", &["charges didnt make"], &[]),
                intent("scam", &["someone =called"], &[]),
            ],
            ..Intents::default()
        };
        let compiled = compile(&intents, &analyzers);
        let stated_ids = |query: &str| -> Vec<(usize, usize)> {
            stated(&compiled, &query_terms(query, &analyzers))
                .into_iter()
                .map(|s| (s.index, s.strength))
                .collect()
        };
        assert_eq!(stated_ids("my Cards were LOST"), [(0, 2)]);
        assert_eq!(stated_ids("stolen"), [(0, 1)]);
        assert_eq!(stated_ids("lost points"), []);
        assert_eq!(stated_ids("charge I didn't make"), [(1, 3)]);
        assert_eq!(stated_ids("charge I didn’t make"), [(1, 3)]);
        assert_eq!(stated_ids("1-800-528-4800"), []);
        assert_eq!(stated_ids(""), []);
        assert_eq!(stated_ids("someone called me"), [(2, 2)]);
        assert_eq!(stated_ids("i need someone to call me"), []);
    }
}
