//! Counting a huge result set without walking all of it. Articles and sections (most documents,
//! interleaved as they were written) are counted in equal windows of document ids, each up to a
//! budget; a window whose budget ran out is extrapolated from the share of its articles and
//! sections walked. FAQs and contacts (few, written in runs of their own) are always counted
//! exactly, by walking only their runs ([`KindRuns`]). A window with fewer matches than the
//! budget is exact, so a count is exact when no window ran out (the [`Estimate::exact`] flag).

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::index::SegmentId;
use tantivy::query::Weight;
use tantivy::{DocId, DocSet, Score, SegmentOrdinal, SegmentReader, TERMINATED};

use super::collect::{KindCounter, KindCounterSegment, OrdinalTables};
use super::types::HitKind;

/// Windows per segment.
const WINDOWS: u32 = 16;
/// Articles and sections counted per window before extrapolating (unit tests: few, so that a site
/// of a few thousand documents is estimated too).
const WINDOW_BUDGET: usize = if cfg!(test) { 16 } else { 96 };

/// Matches per kind, in `HitKind::ALL` order, and whether they were all counted.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Estimate {
    /// Matches per kind (estimated unless `exact`).
    pub(crate) counts: [usize; 4],
    /// Whether every match was counted.
    pub(crate) exact: bool,
}

/// Whether documents of `kind` are few and counted exactly.
fn is_rare(kind: HitKind) -> bool {
    matches!(kind, HitKind::Faq | HitKind::Contact)
}

/// The runs of FAQ and contact documents in each segment, by document id.
#[derive(Debug, Default)]
pub(crate) struct KindRuns(HashMap<SegmentId, Vec<Range<DocId>>>);

impl KindRuns {
    /// The runs of every segment, from its ordinal table and the kinds of the catalog.
    pub(crate) fn new(tables: &OrdinalTables, kinds: &[HitKind]) -> KindRuns {
        let mut runs = HashMap::new();
        for (segment, table) in tables {
            let mut list: Vec<Range<DocId>> = Vec::new();
            for (doc, &ordinal) in (0..).zip(table.iter()) {
                if !kinds
                    .get(ordinal as usize)
                    .is_some_and(|&kind| is_rare(kind))
                {
                    continue;
                }
                match list.last_mut() {
                    Some(run) if run.end == doc => run.end = doc + 1,
                    _ => list.push(doc..doc + 1),
                }
            }
            runs.insert(*segment, list);
        }
        KindRuns(runs)
    }

    /// Documents of `range` outside the runs of `runs`.
    fn common_docs(runs: &[Range<DocId>], range: Range<DocId>) -> u32 {
        let inside: u32 = runs
            .iter()
            .map(|run| {
                run.end
                    .min(range.end)
                    .saturating_sub(run.start.max(range.start))
            })
            .sum();
        (range.end - range.start).saturating_sub(inside)
    }
}

/// Counts (or estimates) a query's matches per kind (see the module doc).
pub(crate) struct EstimateCounter {
    /// Tells each document's kind.
    pub(crate) kinds: KindCounter,
    /// Where the FAQs and contacts are.
    pub(crate) runs: Arc<KindRuns>,
}

impl Collector for EstimateCounter {
    type Fruit = Estimate;
    type Child = EstimateSegment;

    fn for_segment(
        &self,
        segment_local_id: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<EstimateSegment> {
        Ok(EstimateSegment {
            kinds: self.kinds.for_segment(segment_local_id, segment)?,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Estimate>) -> tantivy::Result<Estimate> {
        let mut total = Estimate {
            counts: [0; 4],
            exact: true,
        };
        for fruit in fruits {
            for (sum, count) in total.counts.iter_mut().zip(fruit.counts) {
                *sum += count;
            }
            total.exact &= fruit.exact;
        }
        Ok(total)
    }

    fn collect_segment(
        &self,
        weight: &dyn Weight,
        segment_ord: u32,
        reader: &SegmentReader,
    ) -> tantivy::Result<Estimate> {
        let (Some(table), Some(runs)) = (
            self.kinds.tables.get(&reader.segment_id()),
            self.runs.0.get(&reader.segment_id()),
        ) else {
            // A segment without a table (never expected): every match counted.
            let mut segment = self.for_segment(segment_ord, reader)?;
            weight.for_each_no_score(reader, &mut |docs| {
                for &doc in docs {
                    segment.collect(doc, 0.0);
                }
            })?;
            return Ok(segment.harvest());
        };
        let kind_of = |doc: DocId| {
            table
                .get(doc as usize)
                .and_then(|&ordinal| self.kinds.kinds.get(ordinal as usize))
                .copied()
        };
        let alive = |doc: DocId| {
            reader
                .alive_bitset()
                .is_none_or(|alive| alive.is_alive(doc))
        };
        let mut estimate = Estimate {
            counts: [0; 4],
            exact: true,
        };
        // Articles and sections, window by window.
        let mut scorer = weight.scorer(reader, 1.0)?;
        let max_doc = reader.max_doc();
        let mut doc = scorer.doc();
        for window in 0..WINDOWS {
            let (start, end) = (
                window_bound(max_doc, window),
                window_bound(max_doc, window + 1),
            );
            if doc == TERMINATED {
                break;
            }
            if doc < start {
                doc = scorer.seek(start);
            }
            let mut counts = [0usize; 4];
            let mut seen = 0;
            while doc < end && seen < WINDOW_BUDGET {
                if let Some(kind) = kind_of(doc).filter(|&kind| !is_rare(kind) && alive(doc)) {
                    counts[kind.slot()] += 1;
                    seen += 1;
                }
                doc = scorer.advance();
            }
            // The budget ran out at `doc`: the articles and sections of [start, doc) stand for
            // those of the window.
            let scale = if doc < end {
                estimate.exact = false;
                let walked = KindRuns::common_docs(runs, start..doc).max(1);
                f64::from(KindRuns::common_docs(runs, start..end)) / f64::from(walked)
            } else {
                1.0
            };
            for (sum, count) in estimate.counts.iter_mut().zip(counts) {
                *sum += (count as f64 * scale).round() as usize;
            }
        }
        // FAQs and contacts, exactly.
        let mut scorer = weight.scorer(reader, 1.0)?;
        for run in runs {
            let mut doc = scorer.seek(run.start.max(scorer.doc()));
            while doc < run.end {
                if let Some(kind) = kind_of(doc).filter(|_| alive(doc)) {
                    estimate.counts[kind.slot()] += 1;
                }
                doc = scorer.advance();
            }
        }
        Ok(estimate)
    }
}

/// The first document id of `window` (of [`WINDOWS`]) in a segment of `max_doc` documents.
fn window_bound(max_doc: DocId, window: u32) -> DocId {
    (u64::from(max_doc) * u64::from(window) / u64::from(WINDOWS)) as DocId
}

/// The per-segment half of [`EstimateCounter`], used only if tantivy does not call
/// `collect_segment`: it counts every match.
pub(crate) struct EstimateSegment {
    kinds: KindCounterSegment,
}

impl SegmentCollector for EstimateSegment {
    type Fruit = Estimate;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.kinds.collect(doc, score);
    }

    fn harvest(self) -> Estimate {
        Estimate {
            counts: self.kinds.harvest(),
            exact: true,
        }
    }
}

/// Rounds an estimated count to two significant digits (12,345 → 12,000): the figure shown as
/// "about".
pub(crate) fn round_estimate(count: usize) -> usize {
    let mut unit = 1;
    while count / unit >= 100 {
        unit *= 10;
    }
    (count + unit / 2) / unit * unit
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimates_round_to_two_digits() {
        for (count, shown) in [
            (7, 7),
            (99, 99),
            (123, 120),
            (12_345, 12_000),
            (12_500, 13_000),
            (998, 1_000),
        ] {
            assert_eq!(round_estimate(count), shown, "{count}");
        }
    }

    #[test]
    fn windows_cover_the_segment() {
        assert_eq!(window_bound(1_000, 0), 0);
        assert_eq!(window_bound(1_000, WINDOWS), 1_000);
        assert!(window_bound(1_000, 1) > 0);
    }
}
