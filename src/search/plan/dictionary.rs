//! Looking words up in the index's term dictionary: how often a word or stem is used, near words
//! for typo correction, completions of a partly typed word, and the typo rules by word length.

use std::collections::HashMap;

use tantivy::Term;
use tantivy::query::FuzzyTermQuery;
use tantivy::schema::Field;

use super::planner::Planner;

/// Documents a dictionary word must appear in to be proposed as "did you mean".
pub(crate) const MIN_CORRECTION_FREQUENCY: u64 = 3;
/// Completions kept for the last word.
const MAX_PREFIX_TERMS: usize = 6;
/// Dictionary entries looked at when completing or correcting a word, per segment.
const MAX_SCANNED_TERMS: usize = 200;

impl Planner<'_> {
    /// How many documents hold `text` in `field`: a hash lookup on a small index's engine, a
    /// dictionary lookup otherwise.
    pub(crate) fn doc_freq(&self, field: Field, text: &str) -> u64 {
        match self.engine {
            Some(engine) => engine.doc_freq(field, text),
            None => self
                .searcher
                .doc_freq(&Term::from_field_text(field, text))
                .unwrap_or(0),
        }
    }

    /// How many documents hold `word` (unstemmed) in any field.
    pub(crate) fn surface_frequency(&self, word: &str) -> u64 {
        self.doc_freq(self.fields.spell, word)
    }

    /// How many documents hold the index term `stem` in their title or body (a word can be new
    /// while its stem is not: "pretending" against "pretend").
    pub(crate) fn stem_frequency(&self, stem: &str) -> u64 {
        [self.fields.body, self.fields.title, self.fields.keywords]
            .into_iter()
            .map(|field| self.doc_freq(field, stem))
            .sum()
    }

    /// Terms of `field`'s dictionary within `distance` edits of `word` (a swap of neighbours is
    /// one edit), closest first, then most frequent.
    pub(crate) fn near_words(
        &self,
        field: Field,
        word: &str,
        distance: u8,
    ) -> Vec<(String, usize, u64)> {
        let mut found: HashMap<String, u64> = HashMap::new();
        if let Some(engine) = self.engine {
            // The same terms the automaton finds: within `distance` edits (a swap counting one),
            // the first `MAX_SCANNED_TERMS` in dictionary order.
            found.extend(
                engine
                    .near(field, word, distance, MAX_SCANNED_TERMS)
                    .into_iter()
                    .map(|(term, doc_freq)| (term.to_string(), doc_freq)),
            );
        }
        let query = FuzzyTermQuery::new(Term::from_field_text(field, word), distance, true);
        for segment in self
            .searcher
            .segment_readers()
            .iter()
            .filter(|_| self.engine.is_none())
        {
            let Ok(inverted) = segment.inverted_index(field) else {
                continue;
            };
            let Ok(automaton) = query.automaton() else {
                return Vec::new();
            };
            let Ok(mut stream) = inverted.terms().search(automaton).into_stream() else {
                continue;
            };
            let mut scanned = 0;
            while scanned < MAX_SCANNED_TERMS && stream.advance() {
                scanned += 1;
                if let Ok(key) = std::str::from_utf8(stream.key()) {
                    *found.entry(key.to_string()).or_insert(0) +=
                        u64::from(stream.value().doc_freq);
                }
            }
        }
        let mut near: Vec<(String, usize, u64)> = found
            .into_iter()
            .filter(|(candidate, _)| {
                candidate != word && !candidate.chars().all(|c| c.is_ascii_digit())
            })
            .map(|(candidate, frequency)| {
                let edits = strsim::osa_distance(word, &candidate);
                (candidate, edits, frequency)
            })
            .collect();
        near.sort_by(|a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
        near
    }

    /// The most frequent dictionary words that start with `prefix` (the prefix itself excluded).
    pub(crate) fn completions(&self, prefix: &str) -> Vec<(String, u64)> {
        let mut upper = prefix.as_bytes().to_vec();
        upper.push(0xFF);
        let mut found: HashMap<String, u64> = HashMap::new();
        if let Some(engine) = self.engine {
            // The dictionary's range [prefix, prefix + 0xFF), as the term stream below reads it.
            let terms = engine.terms(self.fields.spell);
            let start = terms.partition_point(|(term, _)| term.as_bytes() < prefix.as_bytes());
            found.extend(
                terms[start..]
                    .iter()
                    .take_while(|(term, _)| term.as_bytes() < upper.as_slice())
                    .take(MAX_SCANNED_TERMS)
                    .filter(|(term, _)| &**term != prefix)
                    .map(|(term, doc_freq)| (term.to_string(), *doc_freq)),
            );
        }
        for segment in self
            .searcher
            .segment_readers()
            .iter()
            .filter(|_| self.engine.is_none())
        {
            let Ok(inverted) = segment.inverted_index(self.fields.spell) else {
                continue;
            };
            let Ok(mut stream) = inverted
                .terms()
                .range()
                .ge(prefix.as_bytes())
                .lt(&upper)
                .into_stream()
            else {
                continue;
            };
            let mut scanned = 0;
            while scanned < MAX_SCANNED_TERMS && stream.advance() {
                scanned += 1;
                if let Ok(key) = std::str::from_utf8(stream.key())
                    && key != prefix
                {
                    *found.entry(key.to_string()).or_insert(0) +=
                        u64::from(stream.value().doc_freq);
                }
            }
        }
        let mut completions: Vec<(String, u64)> = found.into_iter().collect();
        completions.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then(a.0.len().cmp(&b.0.len()))
                .then(a.0.cmp(&b.0))
        });
        completions.truncate(MAX_PREFIX_TERMS);
        completions
    }
}

/// Typo budget by word length: one edit from 5 letters, two from 9; a 4-letter word gets one
/// edit too, but only a missing, extra or swapped letter (see [`is_substitution`]).
pub(crate) fn edit_budget(length: usize) -> u8 {
    match length {
        0..=3 => 0,
        4 => 1,
        5..=8 => 1,
        _ => 2,
    }
}

/// Whether `candidate` differs from `word` by letters replaced in place (same length, different
/// letters), rather than by a letter missing, added or two neighbours swapped.
pub(crate) fn is_substitution(word: &str, candidate: &str) -> bool {
    if word.chars().count() != candidate.chars().count() {
        return false;
    }
    let mut left: Vec<char> = word.chars().collect();
    let mut right: Vec<char> = candidate.chars().collect();
    left.sort_unstable();
    right.sort_unstable();
    left != right
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Typo distance is optimal string alignment (a swap of neighbours is one edit, each letter
    /// edited once), matching `FuzzyTermQuery` with transpositions: not plain Levenshtein
    /// ("stolne" would be 2), not unrestricted Damerau-Levenshtein ("ca" → "abc" would be 2).
    #[test]
    fn edit_distance_table() {
        for (left, right, distance) in [
            ("stolen", "stolen", 0),
            ("stolne", "stolen", 1),
            ("frad", "fraud", 1),
            ("recieve", "receive", 1),
            ("activaton", "activation", 1),
            ("suprevisor", "supervisor", 1),
            ("", "abc", 3),
            ("kitten", "sitting", 3),
            ("ca", "abc", 3),
        ] {
            assert_eq!(
                strsim::osa_distance(left, right),
                distance,
                "{left} {right}"
            );
        }
    }

    #[test]
    fn substitution_table() {
        for (word, candidate, substitution) in [
            ("past", "last", true),
            ("lsot", "lost", false),
            ("frad", "fraud", false),
            ("card", "car", false),
            ("card", "cord", true),
        ] {
            assert_eq!(
                is_substitution(word, candidate),
                substitution,
                "{word} {candidate}"
            );
        }
    }

    #[test]
    fn edit_budget_grows_with_length() {
        for (length, budget) in [(3, 0), (4, 1), (5, 1), (8, 1), (9, 2), (20, 2)] {
            assert_eq!(edit_budget(length), budget, "{length}");
        }
    }
}
