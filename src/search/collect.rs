//! Collectors over the matching documents: the ranking pass (per-kind counts, the best hit overall
//! for the instant answer, every matching contact, and the top hits of the requested kind, with a
//! small per-kind score weight) and an unscored per-kind count for huge result sets.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap};
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::ColumnValues;
use tantivy::index::SegmentId;
use tantivy::{DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

use super::HitKind;
use super::schema::ORDINAL;

/// A catalog ordinal with its final score.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scored {
    /// The score after the per-kind weight.
    pub(crate) score: Score,
    /// Position in the catalog.
    pub(crate) ordinal: u32,
}

impl PartialEq for Scored {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Scored {}

impl PartialOrd for Scored {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Scored {
    /// Better first: higher score, then lower ordinal (catalog order) on ties.
    fn cmp(&self, other: &Self) -> Ordering {
        self.score
            .total_cmp(&other.score)
            .then_with(|| other.ordinal.cmp(&self.ordinal))
    }
}

/// What one search pass yields.
#[derive(Debug, Default)]
pub(crate) struct Ranked {
    /// Matches per kind, in [`HitKind::ALL`] order, before the kind filter.
    pub(crate) counts: [usize; 4],
    /// The best match of any kind.
    pub(crate) best: Option<Scored>,
    /// The best `limit` matches of the requested kind, best first.
    pub(crate) hits: Vec<Scored>,
    /// Every matching contact entry (up to [`MAX_CONTACT_SCORES`]), to pick the contact an
    /// article's instant answer shows.
    pub(crate) contacts: Vec<Scored>,
    /// Whether `counts` are estimates, rounded (a huge result set of a big index).
    pub(crate) estimated: bool,
}

/// Contact matches remembered per search; directories are small, this only bounds the worst case.
pub(crate) const MAX_CONTACT_SCORES: usize = 4096;

/// Catalog ordinal of every document, per segment, read once after the index is built (the
/// index never changes afterwards), so collecting is a plain array lookup.
pub(crate) type OrdinalTables = HashMap<SegmentId, Arc<[u32]>>;

/// Reads the ordinal table of every segment of `searcher`.
pub(crate) fn ordinal_tables(searcher: &Searcher) -> tantivy::Result<OrdinalTables> {
    let mut tables = HashMap::new();
    for segment in searcher.segment_readers() {
        let column = segment
            .fast_fields()
            .column_first_or_default::<u64>(ORDINAL)?;
        let table: Arc<[u32]> = (0..segment.max_doc())
            .map(|doc| u32::try_from(column.get_val(doc)).unwrap_or(u32::MAX))
            .collect();
        tables.insert(segment.segment_id(), table);
    }
    Ok(tables)
}

/// Where a segment collector finds ordinals.
enum Ordinals {
    /// The precomputed table.
    Table(Arc<[u32]>),
    /// The fast field itself, for a segment without a table (never expected).
    Column(Arc<dyn ColumnValues<u64>>),
}

impl Ordinals {
    fn get(&self, doc: DocId) -> usize {
        match self {
            Ordinals::Table(table) => table.get(doc as usize).map_or(usize::MAX, |&o| o as usize),
            Ordinals::Column(column) => column.get_val(doc) as usize,
        }
    }
}

/// Collects a [`Ranked`].
pub(crate) struct RankCollector {
    /// Ordinal tables per segment.
    pub(crate) tables: Arc<OrdinalTables>,
    /// Kind of every catalog entry, by ordinal.
    pub(crate) kinds: Arc<[HitKind]>,
    /// Score multiplier per kind, in [`HitKind::ALL`] order.
    pub(crate) weights: [Score; 4],
    /// Only this kind goes into `hits` (all kinds are counted).
    pub(crate) filter: Option<HitKind>,
    /// How many hits to keep.
    pub(crate) limit: usize,
}

/// Keeps the best `limit` items in a min-heap.
struct TopN {
    limit: usize,
    heap: BinaryHeap<Reverse<Scored>>,
}

impl TopN {
    fn new(limit: usize) -> TopN {
        TopN {
            limit,
            heap: BinaryHeap::with_capacity(limit.min(1024) + 1),
        }
    }

    fn push(&mut self, item: Scored) {
        if self.limit == 0 {
            return;
        }
        if self.heap.len() < self.limit {
            self.heap.push(Reverse(item));
        } else if let Some(mut worst) = self.heap.peek_mut()
            && item > worst.0
        {
            *worst = Reverse(item);
        }
    }

    fn into_sorted(self) -> Vec<Scored> {
        // `into_sorted_vec` of `Reverse` items is best first.
        self.heap
            .into_sorted_vec()
            .into_iter()
            .map(|Reverse(item)| item)
            .collect()
    }
}

/// The per-segment half of [`RankCollector`].
pub(crate) struct RankSegment {
    ordinals: Ordinals,
    kinds: Arc<[HitKind]>,
    weights: [Score; 4],
    filter: Option<HitKind>,
    counts: [usize; 4],
    best: Option<Scored>,
    top: TopN,
    contacts: Vec<Scored>,
}

impl RankCollector {
    /// The per-segment half over a segment whose ordinals are `table` (the in-memory engine's).
    pub(crate) fn for_table(&self, table: Arc<[u32]>) -> RankSegment {
        RankSegment {
            ordinals: Ordinals::Table(table),
            kinds: Arc::clone(&self.kinds),
            weights: self.weights,
            filter: self.filter,
            counts: [0; 4],
            best: None,
            top: TopN::new(self.limit),
            contacts: Vec::new(),
        }
    }
}

impl Collector for RankCollector {
    type Fruit = Ranked;
    type Child = RankSegment;

    fn for_segment(
        &self,
        _segment_local_id: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<RankSegment> {
        Ok(match ordinals_for(&self.tables, segment)? {
            Ordinals::Table(table) => self.for_table(table),
            column => RankSegment {
                ordinals: column,
                ..self.for_table(Arc::from([]))
            },
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Ranked>) -> tantivy::Result<Ranked> {
        let mut merged = Ranked::default();
        let mut top = TopN::new(self.limit);
        for fruit in fruits {
            for (total, count) in merged.counts.iter_mut().zip(fruit.counts) {
                *total += count;
            }
            merged.best = merged.best.max(fruit.best);
            merged.contacts.extend(fruit.contacts);
            for hit in fruit.hits {
                top.push(hit);
            }
        }
        merged.hits = top.into_sorted();
        Ok(merged)
    }
}

impl SegmentCollector for RankSegment {
    type Fruit = Ranked;

    fn collect(&mut self, doc: DocId, score: Score) {
        let ordinal = self.ordinals.get(doc);
        let Some(&kind) = self.kinds.get(ordinal) else {
            return;
        };
        let slot = kind.slot();
        self.counts[slot] += 1;
        let scored = Scored {
            score: score * self.weights[slot],
            ordinal: ordinal as u32,
        };
        if self.best.is_none_or(|best| scored > best) {
            self.best = Some(scored);
        }
        if self.filter.is_none_or(|filter| filter == kind) {
            self.top.push(scored);
        }
        if kind == HitKind::Contact && self.contacts.len() < MAX_CONTACT_SCORES {
            self.contacts.push(scored);
        }
    }

    fn harvest(self) -> Ranked {
        Ranked {
            counts: self.counts,
            best: self.best,
            hits: self.top.into_sorted(),
            contacts: self.contacts,
            estimated: false,
        }
    }
}

/// Counts matches per kind without scoring (cheap: no scores, no proximity).
pub(crate) struct KindCounter {
    /// Ordinal tables per segment.
    pub(crate) tables: Arc<OrdinalTables>,
    /// Kind of every catalog entry, by ordinal.
    pub(crate) kinds: Arc<[HitKind]>,
}

/// The per-segment half of [`KindCounter`].
pub(crate) struct KindCounterSegment {
    ordinals: Ordinals,
    kinds: Arc<[HitKind]>,
    counts: [usize; 4],
}

impl KindCounter {
    /// The per-segment half over a segment whose ordinals are `table` (the in-memory engine's).
    pub(crate) fn for_table(&self, table: Arc<[u32]>) -> KindCounterSegment {
        KindCounterSegment {
            ordinals: Ordinals::Table(table),
            kinds: Arc::clone(&self.kinds),
            counts: [0; 4],
        }
    }
}

impl Collector for KindCounter {
    type Fruit = [usize; 4];
    type Child = KindCounterSegment;

    fn for_segment(
        &self,
        _segment_local_id: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<KindCounterSegment> {
        Ok(KindCounterSegment {
            ordinals: ordinals_for(&self.tables, segment)?,
            kinds: Arc::clone(&self.kinds),
            counts: [0; 4],
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<[usize; 4]>) -> tantivy::Result<[usize; 4]> {
        let mut total = [0; 4];
        for fruit in fruits {
            for (sum, count) in total.iter_mut().zip(fruit) {
                *sum += count;
            }
        }
        Ok(total)
    }
}

impl SegmentCollector for KindCounterSegment {
    type Fruit = [usize; 4];

    fn collect(&mut self, doc: DocId, _score: Score) {
        if let Some(kind) = self.kinds.get(self.ordinals.get(doc)) {
            self.counts[kind.slot()] += 1;
        }
    }

    fn harvest(self) -> [usize; 4] {
        self.counts
    }
}

/// The ordinals of one segment: its table, or the fast field when it has none.
fn ordinals_for(tables: &OrdinalTables, segment: &SegmentReader) -> tantivy::Result<Ordinals> {
    Ok(match tables.get(&segment.segment_id()) {
        Some(table) => Ordinals::Table(Arc::clone(table)),
        None => Ordinals::Column(
            segment
                .fast_fields()
                .column_first_or_default::<u64>(ORDINAL)?,
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_n_keeps_the_best_in_order_with_ties_by_ordinal() {
        let mut top = TopN::new(3);
        for (score, ordinal) in [(1.0, 0), (5.0, 1), (3.0, 2), (5.0, 3), (0.5, 4), (4.0, 5)] {
            top.push(Scored { score, ordinal });
        }
        let order: Vec<u32> = top.into_sorted().iter().map(|s| s.ordinal).collect();
        assert_eq!(order, [1, 3, 5]);
        let mut none = TopN::new(0);
        none.push(Scored {
            score: 1.0,
            ordinal: 0,
        });
        assert!(none.into_sorted().is_empty());
    }
}
