//! Where each index term is written in each catalog text, found once when the catalog is built
//! (on sites whose text is kept plain), so cutting a snippet looks up the query's few terms instead
//! of splitting and stemming the whole text of every hit on every search.
//!
//! A [`WordMap`] holds the same words [`super::snippet`] would find by scanning: the text's words
//! after acronym folding, as the index's tokenizer splits them, each with the index term its
//! analyzer gives and the byte range a highlight covers; so a snippet cut from the map is the
//! snippet cut by scanning, byte for byte.

use std::collections::HashMap;
use std::ops::Range;

use super::snippet::{Highlight, Match, could_match_lead, highlight_end, words};
use super::understand::{Analyzers, fold_acronyms};

/// One word of a text: its index term and where it is.
#[derive(Debug, Clone, Copy)]
struct Place {
    /// The index term, by id in [`Terms`].
    term: u32,
    /// Byte offset of the word.
    start: u32,
    /// Where its highlight ends (past a folded acronym's dots).
    end: u32,
    /// The word's first letters, lower-cased, as [`super::snippet`]'s prefilter reads them;
    /// `None` when the word is not ASCII (always looked at).
    lead: Option<([u8; 3], u8)>,
}

/// Every word of one text that has an index term, ordered by term, then position.
#[derive(Debug, Default)]
pub(crate) struct WordMap {
    places: Box<[Place]>,
}

/// The index terms of every mapped text, by id.
#[derive(Debug, Default)]
pub(crate) struct Terms {
    /// Term → id (looked up for every highlighted term of every search: a fast hash).
    ids: foldhash::HashMap<Box<str>, u32>,
    /// The term (or its absence: a stop word) of each word seen, as written.
    seen: HashMap<Box<str>, Option<u32>>,
}

impl Terms {
    /// Maps `text`: every word the index analyzer keeps, with its term.
    pub(crate) fn map(&mut self, text: &str, analyzers: &Analyzers) -> WordMap {
        let folded = fold_acronyms(text);
        let mut places = Vec::new();
        for (offset, word) in words(&folded) {
            let term = match self.seen.get(word) {
                Some(&term) => term,
                None => {
                    let term = analyzers.stem(word).map(|stem| {
                        let next = u32::try_from(self.ids.len()).unwrap_or(u32::MAX);
                        *self.ids.entry(stem.into_boxed_str()).or_insert(next)
                    });
                    self.seen.insert(Box::from(word), term);
                    term
                }
            };
            let (Some(term), Ok(start), Ok(end)) = (
                term,
                u32::try_from(offset),
                u32::try_from(highlight_end(text, &folded, offset, word.len())),
            ) else {
                continue;
            };
            let lead = word.is_ascii().then(|| {
                let mut lead = [0u8; 3];
                for (slot, byte) in lead.iter_mut().zip(word.bytes()) {
                    *slot = byte.to_ascii_lowercase();
                }
                (lead, word.len().min(3) as u8)
            });
            places.push(Place {
                term,
                start,
                end,
                lead,
            });
        }
        places.sort_unstable_by_key(|place| (place.term, place.start));
        WordMap {
            places: places.into_boxed_slice(),
        }
    }

    /// Forgets the words seen (kept only while texts are being mapped).
    pub(crate) fn finish(&mut self) {
        self.seen = HashMap::new();
    }

    /// Number of distinct index terms in the mapped texts (for the build log).
    pub(crate) fn len(&self) -> usize {
        self.ids.len()
    }

    /// The highlighted terms that occur in some mapped text, by id, in id order.
    pub(crate) fn lookup<'h>(
        &self,
        highlights: &'h HashMap<String, Highlight>,
    ) -> Vec<(u32, &'h Highlight)> {
        let mut found: Vec<(u32, &Highlight)> = highlights
            .iter()
            .filter_map(|(term, highlight)| self.ids.get(term.as_str()).map(|&id| (id, highlight)))
            .collect();
        found.sort_unstable_by_key(|(id, _)| *id);
        found
    }
}

impl WordMap {
    /// The matches of `terms` (from [`Terms::lookup`], in id order) within `range` of the mapped
    /// text, with offsets relative to the range's start, in text order: what scanning
    /// `text[range]` finds. `prefixes` are the highlighted terms' first letters, the scan's
    /// prefilter.
    pub(crate) fn matches(
        &self,
        range: Range<usize>,
        terms: &[(u32, &Highlight)],
        prefixes: &[&str],
    ) -> Vec<Match> {
        let mut found = Vec::new();
        // Places are ordered by term: each term is searched for after the previous one's.
        let mut rest: &[Place] = &self.places;
        for &(term, highlight) in terms {
            let first = rest.partition_point(|place| place.term < term);
            rest = &rest[first..];
            let count = rest.partition_point(|place| place.term == term);
            let (places, after) = rest.split_at(count);
            rest = after;
            for place in places {
                let (start, end) = (place.start as usize, place.end as usize);
                if start < range.start || end > range.end {
                    continue;
                }
                if let Some((lead, length)) = place.lead
                    && !could_match_lead(&lead[..usize::from(length)], prefixes)
                {
                    continue;
                }
                found.push(Match {
                    range: start - range.start..end - range.start,
                    concept: highlight.concept,
                    weight: highlight.weight,
                });
            }
        }
        found.sort_unstable_by_key(|found| found.range.start);
        found
    }

    /// Bytes held.
    pub(crate) fn size(&self) -> usize {
        std::mem::size_of_val(&*self.places)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::schema::analyzers;
    use crate::search::snippet::{cut, prefixes, snippet};

    /// The map gives the snippet scanning gives, for whole texts and for a part of one (a
    /// section), with acronyms, accents, stop words, digits and words the prefilter skips.
    #[test]
    fn mapped_snippets_are_the_scanned_snippets() {
        let analyzers = analyzers();
        let mut terms = Terms::default();
        let filler = "Nothing relevant here at all. ".repeat(12);
        let texts = [
            "Report a lost or stolen card.\nCall 1-800-528-4800 right away.".to_string(),
            format!("{filler}Members outside the U.S. can call collect.\n{filler}Cards abroad."),
            "Née café: the représentant answers; dying cards die. The U.S.A. and U.K. e.g. x."
                .into(),
            format!("Intro line.\nA heading\n{filler}The collect number works from abroad.\nEnd."),
        ];
        let maps: Vec<WordMap> = texts.iter().map(|t| terms.map(t, &analyzers)).collect();
        terms.finish();
        let queries: [&[&str]; 5] = [
            &["stolen", "card", "call"],
            &["us", "collect"],
            &["die", "card", "represent", "cafe", "nee"],
            &["abroad", "number", "1", "800"],
            &["zzz"],
        ];
        for (text, map) in texts.iter().zip(&maps) {
            let start = text.find('\n').map_or(0, |newline| newline + 1);
            for range in [0..text.len(), start..text.len()] {
                for query in queries {
                    let highlights: HashMap<String, Highlight> = query
                        .iter()
                        .enumerate()
                        .map(|(concept, term)| {
                            let weight = 1.0 / (concept + 1) as f32;
                            (term.to_string(), Highlight { concept, weight })
                        })
                        .collect();
                    let ids = terms.lookup(&highlights);
                    let matches = map.matches(range.clone(), &ids, &prefixes(&highlights));
                    let part = &text[range.clone()];
                    assert_eq!(
                        cut(part, &[], &matches),
                        snippet(part, &[], &highlights, &analyzers),
                        "{part:?} {query:?}"
                    );
                }
            }
        }
    }
}
