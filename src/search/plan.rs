//! Turns a normalised query into tantivy queries built by hand (never the query parser): each word a
//! concept over weighted fields with its synonyms, typo corrections and completions from the term
//! dictionary; the words that matter required (with an any-word fallback); proximity bonuses;
//! phone-number clauses; and, for huge result sets, lean, counting and narrowing variants. Also
//! proposes "did you mean".

use std::collections::HashMap;

use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, FuzzyTermQuery, Occur,
    PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use super::schema::Fields;
use super::snippet::Highlight;
use super::understand::{Analyzers, PhoneForm, Synonyms, WordRole, extract_phones};

/// The fields a [`Planner::match_query`] may look in.
#[derive(Debug, Clone, Copy)]
enum FieldRole {
    Title,
    Headings,
    Keywords,
    Context,
    Body,
}

impl FieldRole {
    fn field(self, fields: Fields) -> Field {
        match self {
            FieldRole::Title => fields.title,
            FieldRole::Headings => fields.headings,
            FieldRole::Keywords => fields.keywords,
            FieldRole::Context => fields.context,
            FieldRole::Body => fields.body,
        }
    }
}

/// Every searchable text field.
const ALL_FIELDS: [FieldRole; 5] = [
    FieldRole::Title,
    FieldRole::Headings,
    FieldRole::Keywords,
    FieldRole::Context,
    FieldRole::Body,
];
/// The short fields that say what a page is about.
const HEADLINE_FIELDS: [FieldRole; 3] =
    [FieldRole::Title, FieldRole::Headings, FieldRole::Keywords];

/// From this many matches (estimated), a result set is huge: queries go lean and ranking
/// narrows (see `SearchIndex::rank`).
pub(crate) const LARGE_RESULT: u64 = 5_000;
/// Weight of a word as typed.
const TYPED: f32 = 1.0;
/// Weight of a synonym of a typed word or phrase.
const SYNONYM: f32 = 0.5;
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
/// Share of a concept's other matching forms added to its best form.
const OTHER_FORMS: f32 = 0.2;
/// Weight of a "phone number" word on a site of phone numbers.
const GENERIC: f32 = 0.5;
/// Extra weight for documents with the typed words close together.
const PHRASE: f32 = 0.4;
/// Words apart the typed words may be and still count as together.
const PHRASE_SLOP: u32 = 3;
/// Fixed score of a contact whose own number was typed.
const PHONE_OWN: f32 = 40.0;
/// Extra fixed score when the typed number is the contact's first number.
const PHONE_PRIMARY: f32 = 5.0;
/// Fixed score of a page that mentions the typed number.
const PHONE_MENTION: f32 = 8.0;

/// At most this many words of a query are searched (the cap on characters already bounds it).
const MAX_WORDS: usize = 12;
/// Documents a dictionary word must appear in to be proposed as "did you mean".
const MIN_CORRECTION_FREQUENCY: u64 = 3;
/// At most this many neighbouring word pairs get a proximity clause.
const MAX_PAIRS: usize = 3;
/// At most this many unknown words are expanded to near dictionary words.
const MAX_FUZZY_WORDS: usize = 4;
/// Near dictionary words kept per unknown word.
const MAX_FUZZY_TERMS: usize = 3;
/// Completions kept for the last word.
const MAX_PREFIX_TERMS: usize = 6;
/// Dictionary entries looked at when completing or correcting a word, per segment.
const MAX_SCANNED_TERMS: usize = 200;

/// What the query is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// The results page: the last word is completed only when it is not a word of its own.
    Search,
    /// Typeahead: the last word is always completed, titles count most.
    Suggest,
}

impl Mode {
    /// Field weights: title/question above headings above keywords above body.
    fn field_boosts(self, fields: Fields) -> [(Field, f32); 5] {
        match self {
            Mode::Search => [
                (fields.title, 3.0),
                (fields.headings, 2.2),
                (fields.keywords, 2.0),
                (fields.context, 0.5),
                (fields.body, 1.0),
            ],
            // Typeahead shows titles, so it matches titles, headings and keywords only (which
            // also keeps it cheap on every keystroke).
            Mode::Suggest => [
                (fields.title, 4.0),
                (fields.headings, 1.5),
                (fields.keywords, 1.5),
                (fields.context, 0.3),
                (fields.body, 0.0),
            ],
        }
    }
}

/// A query, ready to run, and what the results page needs to explain it.
pub(crate) struct Plan {
    /// `None` when nothing searchable is left (only stop words or punctuation).
    pub query: Option<Box<dyn Query>>,
    /// An upper bound on how many pages `query` matches, from document frequencies.
    pub estimate: u64,
    /// For a huge result set: the pages `query` requires (phones aside), as a flat unscored query
    /// that is cheaper to count with.
    pub count: Option<Box<dyn Query>>,
    /// The same words with none required, to run when `query` finds (almost) nothing.
    pub fallback: Option<Box<dyn Query>>,
    /// Extra score for the typed words close together in running text (see `SearchIndex::rank`).
    pub body_proximity: Option<Box<dyn Query>>,
    /// Pages with every, then with any, required concept in a title, heading or keywords: on a
    /// huge result set, the candidates worth scoring, narrowest first (see `SearchIndex::rank`).
    pub headlines: Vec<Box<dyn Query>>,
    /// Index terms to highlight, with their concept and weight.
    pub highlight: HashMap<String, Highlight>,
    /// The query with unknown words replaced by their closest dictionary word.
    pub correction: Option<String>,
    /// Whether a typed word is not in the index at all.
    pub has_unknown_word: bool,
    /// Whether the query holds something specific the index knows (a word other than the brand
    /// and "phone number" words, or a phone number): only then is an instant answer worth showing.
    pub is_specific: bool,
}

/// One way a concept can match: a single index term or a phrase of them.
#[derive(Debug, Clone)]
struct Alternative {
    stems: Vec<String>,
    weight: f32,
    /// The form the visitor typed, or is typing (not a synonym or a correction).
    typed: bool,
}

impl Alternative {
    /// A lean query splits a typed multi-word form into its words (each required somewhere)
    /// instead of checking word positions in every matching page.
    fn splits_when_lean(&self, lean: bool) -> bool {
        lean && self.typed && self.stems.len() > 1
    }

    /// Requires every word of this form, each matched by `word_query` as a one-word form of `weight`.
    fn all_words(
        &self,
        weight: f32,
        mut word_query: impl FnMut(&Alternative) -> Box<dyn Query>,
    ) -> Box<dyn Query> {
        let words: Vec<(Occur, Box<dyn Query>)> = self
            .stems
            .iter()
            .map(|stem| {
                let single = Alternative {
                    stems: vec![stem.clone()],
                    weight,
                    typed: true,
                };
                (Occur::Must, word_query(&single))
            })
            .collect();
        Box::new(BooleanQuery::new(words))
    }
}

/// Builds plans against the current searcher's dictionary.
pub(crate) struct Planner<'a> {
    pub searcher: &'a Searcher,
    pub fields: Fields,
    pub analyzers: &'a Analyzers,
    pub synonyms: &'a Synonyms,
    /// From this many (estimated) matches a query goes lean; [`LARGE_RESULT`] outside tests.
    pub large_result: u64,
}

impl Planner<'_> {
    /// Plans `text`, which must already be normalised.
    pub fn plan(&self, text: &str, mode: Mode) -> Plan {
        let (phones, rest) = extract_phones(text);
        let words = self.analyzers.words(&rest);
        let boosts = mode.field_boosts(self.fields);
        let mut highlight: HashMap<String, Highlight> = HashMap::new();
        let mut concept = 0usize;
        let mut note = |stem: &str, concept: usize, weight: f32| {
            let entry = highlight
                .entry(stem.to_string())
                .or_insert(Highlight { concept, weight });
            if weight > entry.weight {
                *entry = Highlight { concept, weight };
            }
        };
        // Each concept with its forms, and whether the visitor needs it (required in one of its
        // forms) or it only adds score.
        let mut concepts: Vec<(Vec<Alternative>, bool)> = Vec::new();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();

        // Synonyms are matched on every word the index holds, query stop words included, so a
        // group term such as "calling from abroad" could match as written.
        let stemmed: Vec<usize> = (0..words.len())
            .filter(|&i| words[i].stem.is_some())
            .collect();
        let stems: Vec<&str> = stemmed
            .iter()
            .filter_map(|&i| words[i].stem.as_deref())
            .collect();
        let synonym_matches = self.synonyms.find(&stems);
        // Words inside a multi-word synonym ("live person") are required as that phrase or one of
        // its synonyms, not one by one.
        let in_span = |index: usize| {
            stemmed
                .iter()
                .position(|&i| i == index)
                .is_some_and(|position| {
                    synonym_matches.iter().any(|found| {
                        found.len > 1 && (found.start..found.start + found.len).contains(&position)
                    })
                })
        };

        let searchable: Vec<usize> = (0..words.len())
            .filter(|&i| words[i].role != WordRole::Stop)
            .take(MAX_WORDS)
            .collect();
        let last = searchable.last().copied();
        let mut corrections: Vec<(usize, String)> = Vec::new();
        let mut has_unknown_word = false;
        let mut is_specific = !phones.is_empty();
        let mut fuzzy_budget = MAX_FUZZY_WORDS;

        for &index in &searchable {
            let word = &words[index];
            let Some(stem) = word.stem.as_deref() else {
                continue;
            };
            let role_weight = match word.role {
                WordRole::Weak => WEAK,
                WordRole::Generic => GENERIC,
                WordRole::Normal | WordRole::Stop => TYPED,
            };
            let mut alternatives = vec![Alternative {
                stems: vec![stem.to_string()],
                weight: role_weight,
                typed: true,
            }];
            let is_number = word.surface.chars().all(|c| c.is_ascii_digit());
            let known = self.surface_frequency(&word.surface) > 0 || self.stem_frequency(stem) > 0;
            let length = word.surface.chars().count();
            if !known && !is_number {
                has_unknown_word = true;
                let distance = edit_budget(length);
                if distance > 0 && fuzzy_budget > 0 {
                    fuzzy_budget -= 1;
                    let mut near = self.near_words(self.fields.spell, &word.surface, distance);
                    if length < 5 {
                        // A letter replaced by another, or added at the end, turns short words
                        // into other words (past → last, late → later); only a missing, extra or
                        // swapped letter inside the word reads as a typo.
                        near.retain(|(candidate, _, _)| {
                            !is_substitution(&word.surface, candidate)
                                && !candidate.starts_with(word.surface.as_str())
                                && !word.surface.starts_with(candidate.as_str())
                        });
                    }
                    // Only a word several pages use is worth proposing instead.
                    if let Some((best, _, _)) = near
                        .iter()
                        .find(|(_, _, frequency)| *frequency >= MIN_CORRECTION_FREQUENCY)
                    {
                        corrections.push((index, best.clone()));
                    }
                    let mut candidates: Vec<(String, usize)> = near
                        .into_iter()
                        .take(MAX_FUZZY_TERMS)
                        .filter_map(|(candidate, edits, _)| {
                            self.analyzers.stem(&candidate).map(|stem| (stem, edits))
                        })
                        .collect();
                    if candidates.is_empty() && length >= 5 {
                        // Words only found in section bodies are not in the spelling dictionary:
                        // compare the stems instead (no "did you mean" from these).
                        candidates = self
                            .near_words(self.fields.body, stem, distance)
                            .into_iter()
                            .take(MAX_FUZZY_TERMS)
                            .map(|(candidate, edits, _)| (candidate, edits))
                            .collect();
                    }
                    for (candidate_stem, edits) in candidates {
                        let weight = if edits <= 1 { FUZZY_ONE } else { FUZZY_TWO };
                        alternatives.push(Alternative {
                            stems: vec![candidate_stem],
                            weight: weight * role_weight,
                            typed: false,
                        });
                    }
                }
            }
            let complete = Some(index) == last
                && !is_number
                && match mode {
                    Mode::Search => !known && length >= 3,
                    Mode::Suggest => length >= 2,
                };
            if complete {
                for (completion, _) in self.completions(&word.surface) {
                    if let Some(completion_stem) = self.analyzers.stem(&completion) {
                        // A completion is the word being typed: it looks where typed words do.
                        alternatives.push(Alternative {
                            stems: vec![completion_stem],
                            weight: PREFIX * role_weight,
                            typed: true,
                        });
                    }
                }
            }
            // A word the pages never use ("manager") is carried by its synonyms alone.
            let synonym_weight = if known { SYNONYM } else { SYNONYM_ONLY };
            if let Some(position) = stemmed.iter().position(|&i| i == index) {
                for found in &synonym_matches {
                    if found.len == 1 && found.start == position {
                        for stems in &found.alternatives {
                            alternatives.push(Alternative {
                                stems: stems.clone(),
                                weight: synonym_weight * role_weight,
                                typed: false,
                            });
                        }
                    }
                }
            }
            dedup_alternatives(&mut alternatives);
            // Known, or read through a synonym or a correction.
            is_specific |= word.role == WordRole::Normal && (known || alternatives.len() > 1);
            concept += 1;
            for alternative in &alternatives {
                for stem in &alternative.stems {
                    note(stem, concept, alternative.weight);
                }
            }
            let exists = known || alternatives.len() > 1;
            let is_required = word.role == WordRole::Normal && exists && !in_span(index);
            concepts.push((alternatives, is_required));
        }

        // Multi-word synonyms ("live person", "outside the us"): the typed words close together,
        // or another term of the group, as one more concept.
        for found in synonym_matches.iter().filter(|found| found.len > 1) {
            let span = &stemmed[found.start..found.start + found.len];
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
            concept += 1;
            for alternative in &alternatives[1..] {
                for stem in &alternative.stems {
                    note(stem, concept, alternative.weight);
                }
            }
            let is_required = span.iter().any(|&i| words[i].role == WordRole::Normal);
            concepts.push((alternatives, is_required));
        }

        // An upper bound on the matches: the rarest required concept, or all of them when none is
        // required. A huge result set gets a lean query (see `Planner::concept_query`).
        let sizes: Vec<(u64, bool)> = concepts
            .iter()
            .map(|(alternatives, is_required)| (self.estimate(alternatives), *is_required))
            .collect();
        let estimate = sizes
            .iter()
            .filter(|(_, is_required)| *is_required)
            .map(|(size, _)| *size)
            .min()
            .unwrap_or_else(|| sizes.iter().map(|(size, _)| size).sum());
        let lean = estimate >= self.large_result;
        let mut required: Vec<Box<dyn Query>> = Vec::new();
        // The required concepts looked for in titles, headings and keywords only.
        let mut narrow: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        // The same matching as the query, unscored and flat, for counting a huge result set.
        let mut count: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let any_required = concepts.iter().any(|(_, is_required)| *is_required);
        for (alternatives, is_required) in &concepts {
            // On a huge result set, words that are not required only re-rank a little and cost
            // a walk through all their pages: leave them out.
            if lean && any_required && !is_required {
                continue;
            }
            let query = self.concept_query(alternatives, &boosts, lean);
            if lean && (*is_required || !any_required) {
                let occur = if *is_required {
                    Occur::Must
                } else {
                    Occur::Should
                };
                count.push((
                    occur,
                    self.match_query(alternatives, &boosts, lean, &ALL_FIELDS),
                ));
            }
            if *is_required {
                required.push(query);
                narrow.push((
                    Occur::Should,
                    self.match_query(alternatives, &boosts, false, &HEADLINE_FIELDS),
                ));
            } else {
                clauses.push((Occur::Should, query));
            }
        }

        // Proximity: the typed words together.
        let phrase: Vec<(usize, &str)> = searchable
            .iter()
            .filter(|&&i| matches!(words[i].role, WordRole::Normal | WordRole::Generic))
            .filter_map(|&i| {
                words[i]
                    .stem
                    .as_deref()
                    .map(|stem| (words[i].position, stem))
            })
            .collect();
        // Neighbouring pairs only: a page with all the words together matches every pair anyway.
        let runs: Vec<&[(usize, &str)]> = phrase.windows(2).take(MAX_PAIRS).collect();
        let mut body_proximity: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for run in runs {
            let first = run[0].0;
            for (field, boost) in boosts {
                // Closeness counts in titles, headings and running text (a huge result set:
                // titles only); keywords and context are lists.
                let is_list = field == self.fields.keywords || field == self.fields.context;
                if is_list || boost == 0.0 || (lean && field != self.fields.title) {
                    continue;
                }
                let terms: Vec<(usize, Term)> = run
                    .iter()
                    .map(|(position, stem)| (position - first, Term::from_field_text(field, stem)))
                    .collect();
                let query = PhraseQuery::new_with_offset_and_slop(terms, PHRASE_SLOP);
                let clause: (Occur, Box<dyn Query>) = (
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(query), PHRASE * boost)),
                );
                // Body closeness is the costly check: kept apart, so a huge result set can skip it.
                if field == self.fields.body {
                    body_proximity.push(clause);
                } else {
                    clauses.push(clause);
                }
            }
        }

        for phone in &phones {
            let digits = phone.digits();
            let term = |field: Field| -> Box<dyn Query> {
                Box::new(TermQuery::new(
                    Term::from_field_text(field, digits),
                    IndexRecordOption::Basic,
                ))
            };
            for (field, score) in [
                (self.fields.phone, PHONE_OWN),
                (self.fields.phone_primary, PHONE_PRIMARY),
                (self.fields.phone_mention, PHONE_MENTION),
            ] {
                clauses.push((
                    Occur::Should,
                    Box::new(ConstScoreQuery::new(term(field), score)),
                ));
            }
            concept += 1;
            for group in phone.groups() {
                note(&group, concept, TYPED);
            }
            note(digits, concept, TYPED);
            if let PhoneForm::Full(national) = phone {
                note(&format!("1{national}"), concept, TYPED);
            }
        }

        let correction = (!corrections.is_empty()).then(|| {
            let mut corrected = text.to_string();
            let mut replacements: Vec<(std::ops::Range<usize>, &str)> = corrections
                .iter()
                .map(|(index, replacement)| (words[*index].range.clone(), replacement.as_str()))
                .collect();
            replacements.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
            for (range, replacement) in replacements {
                if corrected.is_char_boundary(range.start) && corrected.is_char_boundary(range.end)
                {
                    corrected.replace_range(range, replacement);
                }
            }
            corrected
        });

        // Every required concept must match; if that finds (almost) nothing, any word will do.
        let fallback = (required.len() >= 2).then(|| {
            let mut any: Vec<(Occur, Box<dyn Query>)> = required
                .iter()
                .map(|query| (Occur::Should, query.box_clone()))
                .collect();
            any.extend(
                clauses
                    .iter()
                    .map(|(occur, query)| (*occur, query.box_clone())),
            );
            Box::new(BooleanQuery::new(any)) as Box<dyn Query>
        });
        clauses.extend(required.into_iter().map(|query| (Occur::Must, query)));
        Plan {
            estimate,
            count: (!count.is_empty() && phones.is_empty())
                .then(|| Box::new(BooleanQuery::new(count)) as Box<dyn Query>),
            query: (!clauses.is_empty())
                .then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>),
            fallback,
            body_proximity: (!body_proximity.is_empty())
                .then(|| Box::new(BooleanQuery::new(body_proximity)) as Box<dyn Query>),
            headlines: if narrow.is_empty() {
                Vec::new()
            } else {
                // Every required concept in a headline first; then any of them.
                let mut all: Vec<Box<dyn Query>> = Vec::new();
                if narrow.len() > 1 {
                    all.push(Box::new(BooleanQuery::new(
                        narrow
                            .iter()
                            .map(|(_, query)| (Occur::Must, query.box_clone()))
                            .collect(),
                    )));
                }
                all.push(Box::new(BooleanQuery::new(narrow)));
                all
            },
            highlight,
            correction,
            has_unknown_word,
            is_specific,
        }
    }

    /// One concept (a typed word and its other forms) over every weighted field: each form sums
    /// its fields, and the concept counts its best form (plus a little of the others), so a page
    /// full of synonyms does not outscore a page with the word as typed.
    ///
    /// A `lean` query (for a huge result set) looks for multi-word forms in short fields only:
    /// checking word positions in every matching body is what makes such queries slow.
    fn concept_query(
        &self,
        alternatives: &[Alternative],
        boosts: &[(Field, f32); 5],
        lean: bool,
    ) -> Box<dyn Query> {
        let mut forms: Vec<Box<dyn Query>> = Vec::with_capacity(alternatives.len());
        for alternative in alternatives {
            // A phrase scores the sum of its terms' rarity; divide so a two-word synonym does
            // not count double.
            let weight = alternative.weight / alternative.stems.len().max(1) as f32;
            if alternative.splits_when_lean(lean) {
                forms.push(alternative.all_words(weight, |single| {
                    self.concept_query(std::slice::from_ref(single), boosts, false)
                }));
                continue;
            }
            let mut fields: Vec<(Occur, Box<dyn Query>)> = Vec::with_capacity(boosts.len());
            for &(field, boost) in boosts {
                if boost == 0.0 {
                    continue;
                }
                if let Some(query) = self.form_query(alternative, field, lean, true) {
                    fields.push((
                        Occur::Should,
                        Box::new(BoostQuery::new(query, boost * weight)),
                    ));
                }
            }
            forms.push(Box::new(BooleanQuery::new(fields)));
        }
        if forms.len() == 1 {
            return forms.remove(0);
        }
        Box::new(DisjunctionMaxQuery::with_tie_breaker(forms, OTHER_FORMS))
    }

    /// One form of a concept in one field, or `None` where it is not looked for: headings and a
    /// section's context only hold the form as typed (headings repeat body text, context is weak
    /// evidence, and it keeps synonym-rich queries cheap), and a `lean` query looks for phrases
    /// in titles and keywords only.
    fn form_query(
        &self,
        alternative: &Alternative,
        field: Field,
        lean: bool,
        scored: bool,
    ) -> Option<Box<dyn Query>> {
        if !alternative.typed && (field == self.fields.context || field == self.fields.headings) {
            return None;
        }
        match alternative.stems.as_slice() {
            [] => None,
            [stem] => Some(Box::new(TermQuery::new(
                Term::from_field_text(field, stem),
                if scored {
                    IndexRecordOption::WithFreqs
                } else {
                    IndexRecordOption::Basic
                },
            ))),
            _ if lean && field != self.fields.title && field != self.fields.keywords => None,
            // Stop words leave gaps ("outside the us"); a typed phrase may also have another
            // word in between.
            stems => Some(Box::new(PhraseQuery::new_with_offset_and_slop(
                stems
                    .iter()
                    .enumerate()
                    .map(|(offset, stem)| (offset, Term::from_field_text(field, stem)))
                    .collect(),
                if alternative.typed { 2 } else { 1 },
            ))),
        }
    }

    /// An upper bound on the pages a concept matches: the document frequencies of its forms (a
    /// phrase counted by its first word).
    fn estimate(&self, alternatives: &[Alternative]) -> u64 {
        alternatives
            .iter()
            .filter_map(|alternative| alternative.stems.first())
            .map(|stem| {
                [
                    self.fields.title,
                    self.fields.headings,
                    self.fields.keywords,
                    self.fields.body,
                ]
                .into_iter()
                .map(|field| {
                    self.searcher
                        .doc_freq(&Term::from_field_text(field, stem))
                        .unwrap_or(0)
                })
                .sum::<u64>()
            })
            .sum()
    }

    /// Matches any form of a concept in `fields` (flat and unscored: for counting and filtering),
    /// with the same field choices as [`Planner::concept_query`].
    fn match_query(
        &self,
        alternatives: &[Alternative],
        boosts: &[(Field, f32); 5],
        lean: bool,
        fields: &[FieldRole],
    ) -> Box<dyn Query> {
        let fields: Vec<Field> = boosts
            .iter()
            .filter(|(field, boost)| {
                *boost != 0.0 && fields.iter().any(|role| role.field(self.fields) == *field)
            })
            .map(|(field, _)| *field)
            .collect();
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for alternative in alternatives {
            if alternative.splits_when_lean(lean) {
                let all_words = alternative.all_words(alternative.weight, |single| {
                    let any_field: Vec<(Occur, Box<dyn Query>)> = fields
                        .iter()
                        .filter_map(|&field| self.form_query(single, field, false, false))
                        .map(|query| (Occur::Should, query))
                        .collect();
                    Box::new(BooleanQuery::new(any_field))
                });
                should.push((Occur::Should, all_words));
                continue;
            }
            for &field in &fields {
                if let Some(query) = self.form_query(alternative, field, lean, false) {
                    should.push((Occur::Should, query));
                }
            }
        }
        Box::new(BooleanQuery::new(should))
    }

    /// How many documents hold `word` (unstemmed) in any field.
    fn surface_frequency(&self, word: &str) -> u64 {
        let term = Term::from_field_text(self.fields.spell, word);
        self.searcher.doc_freq(&term).unwrap_or(0)
    }

    /// How many documents hold the index term `stem` in their title or body (a word can be new
    /// while its stem is not: "pretending" against "pretend").
    fn stem_frequency(&self, stem: &str) -> u64 {
        [self.fields.body, self.fields.title, self.fields.keywords]
            .into_iter()
            .map(|field| {
                self.searcher
                    .doc_freq(&Term::from_field_text(field, stem))
                    .unwrap_or(0)
            })
            .sum()
    }

    /// Terms of `field`'s dictionary within `distance` edits of `word` (a swap of neighbours is
    /// one edit), closest first, then most frequent.
    fn near_words(&self, field: Field, word: &str, distance: u8) -> Vec<(String, usize, u64)> {
        let query = FuzzyTermQuery::new(Term::from_field_text(field, word), distance, true);
        let mut found: HashMap<String, u64> = HashMap::new();
        for segment in self.searcher.segment_readers() {
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
    fn completions(&self, prefix: &str) -> Vec<(String, u64)> {
        let mut upper = prefix.as_bytes().to_vec();
        upper.push(0xFF);
        let mut found: HashMap<String, u64> = HashMap::new();
        for segment in self.searcher.segment_readers() {
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
fn is_substitution(word: &str, candidate: &str) -> bool {
    if word.chars().count() != candidate.chars().count() {
        return false;
    }
    let mut left: Vec<char> = word.chars().collect();
    let mut right: Vec<char> = candidate.chars().collect();
    left.sort_unstable();
    right.sort_unstable();
    left != right
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
