//! Which of the editors' intents (`content/intents.toml`) a query states: the rules' patterns
//! analyzed like the query (stemmed, so `cards` matches `card`), and matched against the query's
//! words and its typo corrections.

use foldhash::{HashMap, HashSet};

use super::understand::{Analyzers, Word, extract_phones};
use crate::content::{Intents, MAX_PATTERN_WORDS, pattern_slots};

/// Every intent's patterns, indexed by term: a query's few terms are looked up, instead of every
/// pattern word being tested against the query (the rules grow, queries do not).
#[derive(Debug, Clone, Default)]
pub(crate) struct CompiledIntents {
    /// Word count of each pattern, by intent then pattern.
    patterns: Vec<Vec<u8>>,
    /// The (intent, pattern, word) places each term fills.
    places: HashMap<String, Vec<Place>>,
    /// The intents each term rules out.
    excluded: HashMap<String, Vec<u32>>,
}

/// One word of one pattern of one intent.
#[derive(Debug, Clone, Copy)]
struct Place {
    intent: u32,
    pattern: u16,
    word: u8,
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
    terms_of(&analyzers.words(&rest))
}

/// [`query_terms`] from the query's words as the planner read them (`Analyzers::words` of the
/// query without its phone numbers): the same terms when the query has no apostrophe.
pub(crate) fn terms_of(words: &[Word]) -> HashSet<String> {
    let mut terms = HashSet::with_capacity_and_hasher(2 * words.len(), Default::default());
    for word in words {
        terms.insert(format!("={}", word.surface));
        terms.insert(word.stem.clone().unwrap_or_else(|| word.surface.clone()));
    }
    terms
}

/// Whether [`terms_of`] the planner's words gives [`query_terms`] of `text`: apostrophes are
/// dropped before reading the words only here.
pub(crate) fn reads_alike(text: &str) -> bool {
    !text.contains(['\'', '\u{2019}'])
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

/// Compiles every intent's patterns (validation has rejected malformed and overlong ones; any left
/// are skipped).
pub(crate) fn compile(intents: &Intents, analyzers: &Analyzers) -> CompiledIntents {
    let mut compiled = CompiledIntents::default();
    for (intent_index, intent) in intents.intents.iter().enumerate() {
        let intent_index = u32::try_from(intent_index).unwrap_or(u32::MAX);
        let mut lengths = Vec::new();
        let patterns = intent
            .when
            .iter()
            .filter_map(|pattern| pattern_slots(pattern))
            .filter(|slots| slots.len() <= MAX_PATTERN_WORDS);
        for (pattern_index, slots) in patterns.enumerate() {
            let pattern_index = u16::try_from(pattern_index).unwrap_or(u16::MAX);
            lengths.push(slots.len() as u8);
            for (word_index, slot) in slots.into_iter().enumerate() {
                for word in slot {
                    compiled
                        .places
                        .entry(term(word, analyzers))
                        .or_default()
                        .push(Place {
                            intent: intent_index,
                            pattern: pattern_index,
                            word: word_index as u8,
                        });
                }
            }
        }
        compiled.patterns.push(lengths);
        for word in &intent.unless {
            compiled
                .excluded
                .entry(term(word, analyzers))
                .or_default()
                .push(intent_index);
        }
    }
    compiled
}

impl CompiledIntents {
    /// The intents `terms` state, in file order.
    pub(crate) fn stated(&self, terms: &HashSet<String>) -> Vec<Stated> {
        // Filled words, as a bit mask per (intent, pattern).
        let mut filled: HashMap<(u32, u16), u64> = HashMap::default();
        let mut excluded: HashSet<u32> = HashSet::default();
        for term in terms {
            for place in self.places.get(term).into_iter().flatten() {
                *filled.entry((place.intent, place.pattern)).or_default() |= 1 << place.word;
            }
            excluded.extend(self.excluded.get(term).into_iter().flatten());
        }
        let mut strengths: HashMap<u32, usize> = HashMap::default();
        for ((intent, pattern), mask) in filled {
            let Some(&length) = self
                .patterns
                .get(intent as usize)
                .and_then(|patterns| patterns.get(pattern as usize))
            else {
                continue;
            };
            if mask.count_ones() == u32::from(length) && !excluded.contains(&intent) {
                let strength = strengths.entry(intent).or_default();
                *strength = (*strength).max(usize::from(length));
            }
        }
        let mut stated: Vec<Stated> = strengths
            .into_iter()
            .map(|(intent, strength)| Stated {
                index: intent as usize,
                strength,
            })
            .collect();
        stated.sort_by_key(|s| s.index);
        stated
    }
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
            plan: Default::default(),
        }
    }

    /// The planner's words give the terms reading the query again gives, for queries without an
    /// apostrophe (with one, the query is read again: `reads_alike`).
    #[test]
    fn the_planners_words_give_the_query_terms() {
        let analyzers = analyzers();
        for query in [
            "lost card",
            "my card was stolen abroad",
            "who is 1-630-694-9750 calling me",
            "how do i talk to a live person",
            "U.S. travel notice for the E.U.",
            "stolne crad",
            "the a of",
            "café représentant",
            "didn't get my card",
        ] {
            let (_, rest) = extract_phones(query);
            let words = analyzers.words(&rest);
            assert_eq!(reads_alike(query), !query.contains('\''), "{query}");
            if reads_alike(query) {
                assert_eq!(terms_of(&words), query_terms(query, &analyzers), "{query}");
            }
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
            compiled
                .stated(&query_terms(query, &analyzers))
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
