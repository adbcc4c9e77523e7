//! The in-memory copy of one field of a small index: every term with its postings (documents, term
//! frequencies, positions), each document's fieldnorm id, and the BM25 statistics, computed with
//! tantivy's formulas and float order so scores come out bit for bit the same.

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::Postings as _;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocSet, SegmentReader, TERMINATED};

/// BM25's term-frequency saturation (tantivy's `K1`).
const K1: f32 = 1.2;
/// BM25's length normalisation (tantivy's `B`).
const B: f32 = 0.75;

/// Every field read from a small index's only segment.
#[derive(Debug)]
pub(crate) struct Segment {
    /// Documents in the segment (its `max_doc`).
    pub(crate) max_doc: u32,
    /// The fields read, by field id.
    pub(crate) fields: Vec<Option<FieldIndex>>,
}

impl Segment {
    /// The field's in-memory index.
    pub(crate) fn field(&self, field: Field) -> Option<&FieldIndex> {
        self.fields
            .get(field.field_id() as usize)
            .and_then(Option::as_ref)
    }
}

/// One term's postings.
#[derive(Debug, Default)]
pub(crate) struct Postings {
    /// Documents holding the term, ascending.
    pub(crate) docs: Vec<u32>,
    /// The term's frequency in each of `docs`.
    pub(crate) freqs: Vec<u32>,
    /// Where each document's positions start in `positions` (one more entry than `docs`).
    starts: Vec<u32>,
    /// Positions, document after document.
    positions: Vec<u32>,
    /// The term's BM25 weight before boosts: idf × (1 + k1).
    pub(crate) weight: f32,
}

impl Postings {
    /// Positions of the term in the `index`-th document of [`Postings::docs`].
    pub(crate) fn positions(&self, index: usize) -> &[u32] {
        match (self.starts.get(index), self.starts.get(index + 1)) {
            (Some(&start), Some(&end)) => &self.positions[start as usize..end as usize],
            _ => &[],
        }
    }
}

/// One field: its terms, their postings and the field's BM25 statistics.
#[derive(Debug)]
pub(crate) struct FieldIndex {
    /// Term → index into `postings` (looked up for every term of every query: a fast hash).
    terms: foldhash::HashMap<Box<str>, u32>,
    /// Every term with its document frequency, in byte order (for completions and typo scans).
    pub(crate) sorted: Vec<(Box<str>, u64)>,
    /// Each term's [`Shape`], in the order of `sorted`.
    shapes: Vec<Shape>,
    /// Postings by term index (without positions in a field that keeps none).
    postings: Vec<Postings>,
    /// Each document's fieldnorm id (empty when the field keeps none).
    fieldnorm_ids: Vec<u8>,
    /// tantivy's per-fieldnorm-id BM25 length component.
    cache: Box<[f32; 256]>,
}

impl FieldIndex {
    /// Reads `field` of `segment` (the index's only segment): every term's documents, and its
    /// frequencies, positions and the documents' fieldnorms when the field is `scored` (a text
    /// field indexed with positions).
    pub(crate) fn read(
        segment: &SegmentReader,
        field: Field,
        scored: bool,
    ) -> tantivy::Result<FieldIndex> {
        let max_doc = segment.max_doc();
        let inverted = segment.inverted_index(field)?;
        let average_fieldnorm = inverted.total_num_tokens() as f32 / max_doc as f32;
        let mut terms = foldhash::HashMap::default();
        let mut sorted = Vec::new();
        let mut shapes = Vec::new();
        let mut postings = Vec::new();
        let mut stream = inverted.terms().stream()?;
        while stream.advance() {
            let Ok(text) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            let info = stream.value().clone();
            let doc_freq = u64::from(info.doc_freq);
            let mut list = Postings {
                weight: idf(doc_freq, u64::from(max_doc)) * (1.0 + K1),
                ..Postings::default()
            };
            let option = if scored {
                IndexRecordOption::WithFreqsAndPositions
            } else {
                IndexRecordOption::Basic
            };
            let mut segment_postings = inverted.read_postings_from_terminfo(&info, option)?;
            let mut buffer = Vec::new();
            list.starts.push(0);
            while segment_postings.doc() != TERMINATED {
                list.docs.push(segment_postings.doc());
                list.freqs.push(segment_postings.term_freq());
                if scored {
                    segment_postings.positions(&mut buffer);
                    list.positions.extend_from_slice(&buffer);
                }
                list.starts
                    .push(u32::try_from(list.positions.len()).unwrap_or(u32::MAX));
                segment_postings.advance();
            }
            terms.insert(
                Box::from(text),
                u32::try_from(postings.len()).unwrap_or(u32::MAX),
            );
            sorted.push((Box::from(text), doc_freq));
            shapes.push(Shape::of(text));
            postings.push(list);
        }
        let fieldnorm_ids = if scored {
            let reader = segment.get_fieldnorms_reader(field)?;
            (0..max_doc).map(|doc| reader.fieldnorm_id(doc)).collect()
        } else {
            Vec::new()
        };
        let mut cache = Box::new([0.0; 256]);
        for (id, slot) in cache.iter_mut().enumerate() {
            let fieldnorm = FieldNormReader::id_to_fieldnorm(id as u8);
            *slot = K1 * (1.0 - B + B * fieldnorm as f32 / average_fieldnorm);
        }
        Ok(FieldIndex {
            terms,
            sorted,
            shapes,
            postings,
            fieldnorm_ids,
            cache,
        })
    }

    /// The postings of `text`, when the field holds it.
    pub(crate) fn postings(&self, text: &str) -> Option<&Postings> {
        self.terms
            .get(text)
            .and_then(|&index| self.postings.get(index as usize))
    }

    /// How many documents hold `text`.
    pub(crate) fn doc_freq(&self, text: &str) -> u64 {
        self.terms
            .get(text)
            .and_then(|&index| self.sorted.get(index as usize))
            .map_or(0, |(_, doc_freq)| *doc_freq)
    }

    /// The terms within `distance` edits of `word` (optimal string alignment: a swap of
    /// neighbours is one edit), in byte order, at most `limit`: what a Levenshtein automaton with
    /// transpositions finds in the term dictionary. Terms whose length or letters differ too much
    /// are skipped before the distance is computed.
    pub(crate) fn near(&self, word: &str, distance: u8, limit: usize) -> Vec<(&str, u64)> {
        let shape = Shape::of(word);
        let distance = u32::from(distance);
        self.sorted
            .iter()
            .zip(&self.shapes)
            .filter(|(_, other)| shape.within(**other, distance))
            .filter(|((term, _), _)| strsim::osa_distance(word, term) <= distance as usize)
            .take(limit)
            .map(|((term, doc_freq), _)| (&**term, *doc_freq))
            .collect()
    }

    /// BM25 of a match with `freq` occurrences in `doc`, for a (boosted) weight `weight`.
    pub(crate) fn score(&self, weight: f32, doc: u32, freq: u32) -> f32 {
        let id = self.fieldnorm_ids.get(doc as usize).copied().unwrap_or(0);
        let freq = freq as f32;
        weight * (freq / (freq + self.cache[id as usize]))
    }
}

/// tantivy's idf: ln(1 + (N − n + 0.5) / (n + 0.5)).
pub(crate) fn idf(doc_freq: u64, doc_count: u64) -> f32 {
    let x = (doc_count.saturating_sub(doc_freq) as f32 + 0.5) / (doc_freq as f32 + 0.5);
    (1.0 + x).ln()
}

/// A phrase's BM25 weight before boosts: the sum of its terms' idf, in phrase order, × (1 + k1).
pub(crate) fn phrase_weight(doc_freqs: impl Iterator<Item = u64>, doc_count: u64) -> f32 {
    let mut idf_sum: f32 = 0.0;
    for doc_freq in doc_freqs {
        idf_sum += idf(doc_freq, doc_count);
    }
    idf_sum * (1.0 + K1)
}

/// What a word's letters allow a quick test on: its length in characters and which letters it
/// has (hashed into 64 bits).
#[derive(Debug, Clone, Copy)]
struct Shape {
    letters: u64,
    length: u32,
}

impl Shape {
    fn of(word: &str) -> Shape {
        let mut letters = 0u64;
        let mut length = 0u32;
        for character in word.chars() {
            letters |= 1 << (u32::from(character) % 64);
            length += 1;
        }
        Shape { letters, length }
    }

    /// Whether two words may be within `distance` edits: each edit changes the length by at most
    /// one, and adds or removes at most two letters of the set (a swap none).
    fn within(self, other: Shape, distance: u32) -> bool {
        self.length.abs_diff(other.length) <= distance
            && (self.letters ^ other.letters).count_ones() <= 2 * distance
    }
}
