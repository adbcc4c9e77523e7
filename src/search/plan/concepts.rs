//! Reading the query for planning: its words and synonym groups (phase 1), and each word as a
//! concept with its other forms (phase 2): synonyms, corrections of unknown words, completions of
//! the last word, and multi-word synonyms as concepts of their own.

use std::collections::HashMap;

use super::dictionary::{MIN_CORRECTION_FREQUENCY, edit_budget, is_substitution};
use super::planner::{Mode, Planner};
use crate::search::snippet::Highlight;
use crate::search::synonyms::{SynonymMatch, Synonyms};
use crate::search::understand::{Word, WordRole};

/// Shortest unknown word whose near terms are offered to the answer layer (`lose` is near `close`
/// and `lost`: it says nothing sure).
const MIN_TYPO_INTENT_LENGTH: usize = 5;

/// Weight of a word as typed.
pub(crate) const TYPED: f32 = 1.0;
/// Weight of a synonym of a typed word or phrase.
pub(crate) const SYNONYM: f32 = 0.5;
/// Weight of a synonym of a typed word that no page uses.
const SYNONYM_ONLY: f32 = 0.9;
/// Weight of a completion of the last word.
const PREFIX: f32 = 0.45;
/// Weight of a dictionary word one edit away from an unknown typed word.
const FUZZY_ONE: f32 = 0.4;
/// Weight of a dictionary word two edits away.
const FUZZY_TWO: f32 = 0.25;
/// Weight of a brand word ("amex") that is on nearly every page.
const WEAK: f32 = 0.2;
/// Weight of a "phone number" word on a site of phone numbers.
const GENERIC: f32 = 0.5;

/// At most this many words of a query are searched (the cap on characters already bounds it).
const MAX_WORDS: usize = 12;
/// At most this many unknown words are expanded to near dictionary words.
const MAX_FUZZY_WORDS: usize = 4;
/// Near dictionary words kept per unknown word.
const MAX_FUZZY_TERMS: usize = 3;

/// One way a concept can match: a single index term or a phrase of them.
#[derive(Debug, Clone)]
pub(crate) struct Alternative {
    /// The index terms: one, or a phrase.
    pub(crate) stems: Vec<String>,
    /// How much a match of this form counts.
    pub(crate) weight: f32,
    /// The form the visitor typed, or is typing (not a synonym or a correction).
    pub(crate) typed: bool,
}

/// One thing the visitor asks for, in all its forms.
#[derive(Debug)]
pub(crate) struct Concept {
    /// The forms, the strongest first.
    pub(crate) alternatives: Vec<Alternative>,
    /// Whether the visitor needs it (required in one of its forms) or it only adds score.
    pub(crate) is_required: bool,
}

/// The words of a query (phone numbers taken out) and the synonym groups among them.
pub(crate) struct QueryWords {
    /// Every word, stop words included.
    pub(crate) words: Vec<Word>,
    /// Indices (into `words`) of the words the index holds. Synonyms are matched on these, query
    /// stop words included, so a group term such as "calling from abroad" could match as written.
    stemmed: Vec<usize>,
    /// Synonym group terms found, by position in `stemmed`.
    synonym_matches: Vec<SynonymMatch>,
    /// Indices (into `words`) of the words searched: not stop words, at most [`MAX_WORDS`].
    pub(crate) searchable: Vec<usize>,
}

impl QueryWords {
    /// Finds the searchable words and the synonym groups among `words`.
    pub(crate) fn new(words: Vec<Word>, synonyms: &Synonyms) -> QueryWords {
        let stemmed: Vec<usize> = (0..words.len())
            .filter(|&i| words[i].stem.is_some())
            .collect();
        let stems: Vec<&str> = stemmed
            .iter()
            .filter_map(|&i| words[i].stem.as_deref())
            .collect();
        let synonym_matches = synonyms.find(&stems);
        let searchable: Vec<usize> = (0..words.len())
            .filter(|&i| words[i].role != WordRole::Stop)
            .take(MAX_WORDS)
            .collect();
        QueryWords {
            words,
            stemmed,
            synonym_matches,
            searchable,
        }
    }

    /// Whether the word at `index` is inside a multi-word synonym ("live person"): such words are
    /// required as that phrase or one of its synonyms, not one by one.
    fn in_span(&self, index: usize) -> bool {
        self.stemmed
            .iter()
            .position(|&i| i == index)
            .is_some_and(|position| {
                self.synonym_matches.iter().any(|found| {
                    found.len > 1 && (found.start..found.start + found.len).contains(&position)
                })
            })
    }

    /// The other terms of one-word synonym groups that the word at `index` is a term of.
    fn single_word_synonyms(&self, index: usize) -> impl Iterator<Item = &Vec<String>> {
        let position = self.stemmed.iter().position(|&i| i == index);
        self.synonym_matches
            .iter()
            .filter(move |found| found.len == 1 && Some(found.start) == position)
            .flat_map(|found| found.alternatives.iter())
    }
}

/// Index terms to highlight, each with the concept it belongs to and its strongest weight.
#[derive(Default)]
pub(crate) struct Highlights {
    /// The terms.
    pub(crate) terms: HashMap<String, Highlight>,
    /// Concepts numbered so far.
    concepts: usize,
}

impl Highlights {
    /// Numbers the next concept.
    pub(crate) fn next_concept(&mut self) -> usize {
        self.concepts += 1;
        self.concepts
    }

    /// Highlights `stem` as part of `concept`, unless it already is at a higher or equal weight.
    pub(crate) fn note(&mut self, stem: &str, concept: usize, weight: f32) {
        let entry = self
            .terms
            .entry(stem.to_string())
            .or_insert(Highlight { concept, weight });
        if weight > entry.weight {
            *entry = Highlight { concept, weight };
        }
    }

    /// Highlights every term of `alternatives` as one new concept.
    fn note_concept(&mut self, alternatives: &[Alternative]) {
        let concept = self.next_concept();
        for alternative in alternatives {
            for stem in &alternative.stems {
                self.note(stem, concept, alternative.weight);
            }
        }
    }
}

/// What phase 2 finds.
pub(crate) struct FoundConcepts {
    /// The concepts: one per searchable word the index holds, then one per multi-word synonym.
    pub(crate) concepts: Vec<Concept>,
    /// Unknown words (by index into the query's words) and the dictionary word proposed instead.
    pub(crate) corrections: Vec<(usize, String)>,
    /// Whether a typed word is not in the index at all.
    pub(crate) has_unknown_word: bool,
    /// The index terms near unknown words (their likely spellings), for reading the query's intent.
    pub(crate) typo_stems: Vec<String>,
}

/// What the planner knows about one typed word while finding its forms.
struct TypedWord<'w> {
    word: &'w Word,
    stem: &'w str,
    /// The weight of its role (brand and "phone number" words count less).
    role_weight: f32,
    /// Whether the index holds it, as typed or by its stem.
    known: bool,
    is_number: bool,
    /// In characters.
    length: usize,
}

impl Planner<'_> {
    /// Phase 2: the concepts of `query`, noting their terms in `highlights` (concepts numbered in
    /// order: words, then multi-word synonyms).
    pub(crate) fn concepts(
        &self,
        query: &QueryWords,
        mode: Mode,
        highlights: &mut Highlights,
    ) -> FoundConcepts {
        let mut found = FoundConcepts {
            concepts: Vec::new(),
            corrections: Vec::new(),
            has_unknown_word: false,
            typo_stems: Vec::new(),
        };
        let last = query.searchable.last().copied();
        let mut fuzzy_budget = MAX_FUZZY_WORDS;
        for &index in &query.searchable {
            let word = &query.words[index];
            let Some(stem) = word.stem.as_deref() else {
                continue;
            };
            let typed = TypedWord {
                word,
                stem,
                role_weight: match word.role {
                    WordRole::Weak => WEAK,
                    WordRole::Generic => GENERIC,
                    WordRole::Normal | WordRole::Stop => TYPED,
                },
                known: self.surface_frequency(&word.surface) > 0 || self.stem_frequency(stem) > 0,
                is_number: word.surface.chars().all(|c| c.is_ascii_digit()),
                length: word.surface.chars().count(),
            };
            let mut alternatives = vec![Alternative {
                stems: vec![stem.to_string()],
                weight: typed.role_weight,
                typed: true,
            }];
            if !typed.known && !typed.is_number {
                found.has_unknown_word = true;
                let distance = edit_budget(typed.length);
                if distance > 0 && fuzzy_budget > 0 {
                    fuzzy_budget -= 1;
                    let (corrections, near) = self.typo_alternatives(&typed, distance);
                    if let Some(best) = corrections {
                        found.corrections.push((index, best));
                    }
                    // Short words have too many neighbours to read an intent from.
                    if typed.length >= MIN_TYPO_INTENT_LENGTH {
                        found
                            .typo_stems
                            .extend(near.iter().flat_map(|a| a.stems.iter().cloned()));
                    }
                    alternatives.extend(near);
                }
            }
            let complete = Some(index) == last
                && !typed.is_number
                && match mode {
                    Mode::Search => !typed.known && typed.length >= 3,
                    Mode::Suggest => typed.length >= 2,
                };
            if complete {
                alternatives.extend(self.completion_alternatives(&typed));
            }
            // A word the pages never use ("manager") is carried by its synonyms alone.
            let synonym_weight = if typed.known { SYNONYM } else { SYNONYM_ONLY };
            alternatives.extend(query.single_word_synonyms(index).map(|stems| Alternative {
                stems: stems.clone(),
                weight: synonym_weight * typed.role_weight,
                typed: false,
            }));
            dedup_alternatives(&mut alternatives);
            // Known, or read through a synonym or a correction.
            let exists = typed.known || alternatives.len() > 1;
            highlights.note_concept(&alternatives);
            let is_required = word.role == WordRole::Normal && exists && !query.in_span(index);
            found.concepts.push(Concept {
                alternatives,
                is_required,
            });
        }
        found
            .concepts
            .extend(multi_word_synonyms(query, highlights));
        found
    }

    /// Near dictionary words for an unknown word, within `distance` edits: the one to propose as
    /// "did you mean" (if several pages use it), and the closest few as weaker forms.
    fn typo_alternatives(
        &self,
        typed: &TypedWord<'_>,
        distance: u8,
    ) -> (Option<String>, Vec<Alternative>) {
        let surface = typed.word.surface.as_str();
        let mut near = self.near_words(self.fields.spell, surface, distance);
        if typed.length < 5 {
            // A letter replaced by another, or added at the end, turns short words into other
            // words (past → last, late → later); only a missing, extra or swapped letter inside
            // the word reads as a typo.
            near.retain(|(candidate, _, _)| {
                !is_substitution(surface, candidate)
                    && !candidate.starts_with(surface)
                    && !surface.starts_with(candidate.as_str())
            });
        }
        // Only a word several pages use is worth proposing instead.
        let correction = near
            .iter()
            .find(|(_, _, frequency)| *frequency >= MIN_CORRECTION_FREQUENCY)
            .map(|(best, _, _)| best.clone());
        let mut candidates: Vec<(String, usize)> = near
            .into_iter()
            .take(MAX_FUZZY_TERMS)
            .filter_map(|(candidate, edits, _)| {
                self.analyzers.stem(&candidate).map(|stem| (stem, edits))
            })
            .collect();
        if candidates.is_empty() && typed.length >= 5 {
            // Words only found in section bodies are not in the spelling dictionary: compare the
            // stems instead (no "did you mean" from these).
            candidates = self
                .near_words(self.fields.body, typed.stem, distance)
                .into_iter()
                .take(MAX_FUZZY_TERMS)
                .map(|(candidate, edits, _)| (candidate, edits))
                .collect();
        }
        let alternatives = candidates
            .into_iter()
            .map(|(candidate_stem, edits)| {
                let weight = if edits <= 1 { FUZZY_ONE } else { FUZZY_TWO };
                Alternative {
                    stems: vec![candidate_stem],
                    weight: weight * typed.role_weight,
                    typed: false,
                }
            })
            .collect();
        (correction, alternatives)
    }

    /// The last word's most frequent completions. A completion is the word being typed: it looks
    /// where typed words do.
    fn completion_alternatives(&self, typed: &TypedWord<'_>) -> Vec<Alternative> {
        self.completions(&typed.word.surface)
            .into_iter()
            .filter_map(|(completion, _)| self.analyzers.stem(&completion))
            .map(|completion_stem| Alternative {
                stems: vec![completion_stem],
                weight: PREFIX * typed.role_weight,
                typed: true,
            })
            .collect()
    }
}

/// Multi-word synonyms ("live person", "outside the us"): the typed words close together, or
/// another term of the group, as one more concept each (only the other terms are highlighted: the
/// typed words are already).
fn multi_word_synonyms(query: &QueryWords, highlights: &mut Highlights) -> Vec<Concept> {
    let words = &query.words;
    let mut concepts = Vec::new();
    for found in query.synonym_matches.iter().filter(|found| found.len > 1) {
        let span = &query.stemmed[found.start..found.start + found.len];
        let mut alternatives = vec![Alternative {
            stems: span.iter().filter_map(|&i| words[i].stem.clone()).collect(),
            weight: TYPED,
            typed: true,
        }];
        alternatives.extend(found.alternatives.iter().map(|stems| Alternative {
            stems: stems.clone(),
            weight: SYNONYM,
            typed: false,
        }));
        highlights.note_concept(&alternatives[1..]);
        let is_required = span.iter().any(|&i| words[i].role == WordRole::Normal);
        concepts.push(Concept {
            alternatives,
            is_required,
        });
    }
    concepts
}

/// Keeps the first (strongest) of alternatives with the same terms.
fn dedup_alternatives(alternatives: &mut Vec<Alternative>) {
    let mut seen: Vec<Vec<String>> = Vec::new();
    alternatives.retain(|alternative| {
        if seen.contains(&alternative.stems) {
            false
        } else {
            seen.push(alternative.stems.clone());
            true
        }
    });
}
