//! The in-memory engine for small indexes: the index's only segment copied into plain postings
//! ([`postings`]) when it is built, so a query is hash lookups and merges of short lists
//! ([`eval`], with [`phrase`] counting phrases) instead of tantivy's per-clause weights, scorers
//! and dictionary walks, with the same matches and bit-for-bit the same scores. A big index
//! (several segments, or [`MAX_DOCS`] documents and more) has no engine and is searched by tantivy.

mod eval;
mod phrase;
mod postings;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use tantivy::Searcher;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::schema::Field;

use super::collect::{KindCounter, RankCollector, Ranked};
use super::query::Node;
use super::schema::Fields;
use eval::Evaluator;
use postings::{FieldIndex, Segment};

/// Largest index (in documents) the engine takes: below tantivy's union window (4,096 documents,
/// which the engine's cost rules assume) and small enough to keep positions in memory.
pub(crate) const MAX_DOCS: u32 = 4_096;

/// A small index in memory.
#[derive(Debug)]
pub(crate) struct Engine {
    /// The index's only segment, in memory.
    segment: Segment,
    /// The catalog ordinal of each document.
    ordinals: Arc<[u32]>,
}

impl Engine {
    /// The engine for the index `searcher` reads, when it is small: one segment of fewer than
    /// [`MAX_DOCS`] documents, without deletions. `ordinals` maps its documents to the catalog.
    pub(crate) fn build(
        searcher: &Searcher,
        fields: Fields,
        ordinals: Arc<[u32]>,
    ) -> tantivy::Result<Option<Engine>> {
        let [segment] = searcher.segment_readers() else {
            return Ok(None);
        };
        if segment.max_doc() >= MAX_DOCS || segment.has_deletes() {
            return Ok(None);
        }
        let scored = [
            fields.title,
            fields.headings,
            fields.keywords,
            fields.context,
            fields.body,
        ];
        let listed = [
            fields.spell,
            fields.phone,
            fields.phone_primary,
            fields.phone_mention,
        ];
        let mut read: Vec<Option<FieldIndex>> = Vec::new();
        for (field, with_positions) in scored
            .iter()
            .map(|field| (*field, true))
            .chain(listed.iter().map(|field| (*field, false)))
        {
            let id = field.field_id() as usize;
            if read.len() <= id {
                read.resize_with(id + 1, || None);
            }
            read[id] = Some(FieldIndex::read(segment, field, with_positions)?);
        }
        Ok(Some(Engine {
            segment: Segment {
                max_doc: segment.max_doc(),
                fields: read,
            },
            ordinals,
        }))
    }

    /// The field's in-memory index.
    fn field(&self, field: Field) -> Option<&FieldIndex> {
        self.segment.field(field)
    }

    /// How many documents hold `text` in `field` (tantivy's `Searcher::doc_freq`).
    pub(crate) fn doc_freq(&self, field: Field, text: &str) -> u64 {
        self.field(field).map_or(0, |index| index.doc_freq(text))
    }

    /// Every term of `field` with its document frequency, in byte order (the term dictionary).
    pub(crate) fn terms(&self, field: Field) -> &[(Box<str>, u64)] {
        self.field(field)
            .map_or(&[], |index| index.sorted.as_slice())
    }

    /// The terms of `field` within `distance` edits of `word`, in dictionary order, at most
    /// `limit` (what tantivy's fuzzy automaton finds in the term dictionary).
    pub(crate) fn near(
        &self,
        field: Field,
        word: &str,
        distance: u8,
        limit: usize,
    ) -> Vec<(&str, u64)> {
        self.field(field)
            .map_or_else(Vec::new, |index| index.near(word, distance, limit))
    }

    /// Runs `node` (joined to an optional `bonus` clause) through `collector`, as
    /// `Searcher::search` would.
    pub(crate) fn rank(
        &self,
        node: &Node,
        bonus: Option<&Node>,
        collector: &RankCollector,
    ) -> tantivy::Result<Ranked> {
        let mut segment = collector.for_table(Arc::clone(&self.ordinals));
        Evaluator::new(&self.segment, true).root(node, bonus, |doc, score| {
            segment.collect(doc, score);
        });
        collector.merge_fruits(vec![segment.harvest()])
    }

    /// Counts `node`'s matches per kind, unscored, as `Searcher::search` with `counter` would.
    pub(crate) fn count(&self, node: &Node, counter: &KindCounter) -> tantivy::Result<[usize; 4]> {
        let mut segment = counter.for_table(Arc::clone(&self.ordinals));
        Evaluator::new(&self.segment, false).root(node, None, |doc, score| {
            segment.collect(doc, score);
        });
        counter.merge_fruits(vec![segment.harvest()])
    }
}
