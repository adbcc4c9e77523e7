//! Stage one of the big-index query path: the few hundred documents worth scoring. A plan's
//! terms, flattened into one disjunction of boosted term queries (each term with the product of
//! the boosts above it), are what tantivy answers with block-max WAND: it skips whole blocks of
//! postings that cannot reach the current top `k`, so a common word costs a fraction of its
//! postings. A plan's fixed-score clauses (a typed phone number) are rare terms and add every
//! document they match. Stage two scores only the [`Candidates`] with the full plan
//! (`Node::to_tantivy_within`).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::Arc;

use tantivy::Executor;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::index::SegmentId;
use tantivy::query::{BooleanQuery, BoostQuery, EnableScoring, Occur, Query, TermQuery, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentOrdinal, SegmentReader, TERMINATED, Term};

use super::query::Node;

/// Documents a fixed-score clause (a phone number) may match and still be added whole; a plan
/// with a commoner one is not split into stages.
const MAX_FIXED_MATCHES: u64 = 2_048;

/// A plan's terms, flat.
#[derive(Debug, Default)]
struct Flat {
    /// Each scored term once, with its largest total boost.
    terms: HashMap<(Field, Arc<str>), f32>,
    /// The terms under fixed-score clauses (phone numbers).
    fixed: Vec<(Field, Arc<str>)>,
}

impl Flat {
    /// Collects the terms of `node`, each with the product of the boosts above it times `boost`.
    /// Every matching document of a plan holds at least one of them (a phrase holds its words).
    fn add(&mut self, node: &Node, boost: f32) {
        match node {
            Node::Term { field, text, freqs } => {
                if *freqs {
                    let entry = self.terms.entry((*field, text.clone())).or_insert(0.0);
                    *entry = entry.max(boost);
                } else {
                    self.fixed.push((*field, text.clone()));
                }
            }
            Node::Phrase { field, terms, .. } => {
                for (_, text) in terms {
                    let entry = self.terms.entry((*field, text.clone())).or_insert(0.0);
                    *entry = entry.max(boost);
                }
            }
            Node::Boost(inner, factor) => self.add(inner, boost * factor),
            Node::Shared(inner) => self.add(inner, boost),
            // A zero score is a filter: the documents it lets through match a scored clause too.
            Node::ConstScore(_, score) if *score == 0.0 => {}
            Node::ConstScore(inner, _) => {
                let mut within = Flat::default();
                within.add(inner, 1.0);
                self.fixed.extend(within.terms.into_keys());
                self.fixed.extend(within.fixed);
            }
            Node::Bool(clauses) => {
                for (occur, clause) in clauses {
                    if *occur != Occur::MustNot {
                        self.add(clause, boost);
                    }
                }
            }
            Node::DisMax(nodes, _) => {
                for inner in nodes {
                    self.add(inner, boost);
                }
            }
        }
    }
}

/// The documents of each segment worth scoring, sorted (stage two restricts the plan's leaves to
/// them: `Node::to_tantivy_within`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Candidates {
    docs: Arc<HashMap<SegmentId, Arc<[DocId]>>>,
}

impl Candidates {
    /// The best `k` documents of each segment for the flattened `node` (its terms in `fields`, or
    /// in every field) by block-max WAND, among those `filter` matches (the plan's matches: unscored, it is walked only to the documents WAND
    /// proposes), and every document its fixed-score clauses match; `None` when a fixed-score
    /// clause is too common to add whole (the caller then scores every match). The segments are
    /// searched with `executor`.
    ///
    /// Over every field, a segment where `filter` matches at most `k` documents gives them all
    /// without WAND (see [`TopDocIds::few`]): the same candidates, found by walking the plan's
    /// own matches instead of every posting of its terms.
    pub(crate) fn find(
        searcher: &Searcher,
        node: &Node,
        filter: &Node,
        fields: Option<&[Field]>,
        k: usize,
        executor: &Executor,
    ) -> tantivy::Result<Option<Self>> {
        Self::find_with(
            searcher,
            node,
            filter,
            fields,
            k,
            executor,
            fields.is_none(),
        )
    }

    /// [`Candidates::find`], walking the filter's matches first (`few`) or not (the tests compare
    /// the two).
    pub(crate) fn find_with(
        searcher: &Searcher,
        node: &Node,
        filter: &Node,
        fields: Option<&[Field]>,
        k: usize,
        executor: &Executor,
        few: bool,
    ) -> tantivy::Result<Option<Self>> {
        let mut flat = Flat::default();
        flat.add(node, 1.0);
        if let Some(fields) = fields {
            flat.terms.retain(|(field, _), _| fields.contains(field));
        }
        let mut docs: HashMap<SegmentId, Vec<DocId>> = HashMap::new();
        if !flat.terms.is_empty() {
            let clauses: Vec<(Occur, Box<dyn Query>)> = flat
                .terms
                .iter()
                .map(|((field, text), boost)| {
                    let term = TermQuery::new(
                        Term::from_field_text(*field, text),
                        IndexRecordOption::WithFreqs,
                    );
                    let query: Box<dyn Query> = Box::new(BoostQuery::new(Box::new(term), *boost));
                    (Occur::Should, query)
                })
                .collect();
            let filter = filter
                .to_tantivy()
                .weight(EnableScoring::disabled_from_searcher(searcher))?;
            let best = TopDocIds {
                k,
                filter: Some(filter),
                few,
            };
            for (segment, found) in
                search_on(searcher, &BooleanQuery::new(clauses), &best, executor)?
            {
                docs.entry(segment).or_default().extend(found);
            }
        }
        if !flat.fixed.is_empty() {
            let mut matches = 0;
            for (field, text) in &flat.fixed {
                matches += searcher.doc_freq(&Term::from_field_text(*field, text))?;
            }
            if matches > MAX_FIXED_MATCHES {
                return Ok(None);
            }
            let clauses: Vec<(Occur, Box<dyn Query>)> = flat
                .fixed
                .iter()
                .map(|(field, text)| {
                    let term = TermQuery::new(
                        Term::from_field_text(*field, text),
                        IndexRecordOption::Basic,
                    );
                    let query: Box<dyn Query> = Box::new(term);
                    (Occur::Should, query)
                })
                .collect();
            let every = TopDocIds {
                k: usize::MAX,
                filter: None,
                few: false,
            };
            for (segment, found) in
                search_on(searcher, &BooleanQuery::new(clauses), &every, executor)?
            {
                docs.entry(segment).or_default().extend(found);
            }
        }
        let docs = docs
            .into_iter()
            .map(|(segment, mut list)| {
                list.sort_unstable();
                list.dedup();
                (segment, Arc::from(list))
            })
            .collect();
        Ok(Some(Candidates {
            docs: Arc::new(docs),
        }))
    }

    /// How many documents there are, over all segments.
    pub(crate) fn len(&self) -> usize {
        self.docs.values().map(|docs| docs.len()).sum()
    }

    /// The candidates of the segment `reader` reads, sorted.
    pub(crate) fn of(&self, reader: &SegmentReader) -> Arc<[DocId]> {
        self.docs
            .get(&reader.segment_id())
            .cloned()
            .unwrap_or_else(|| Arc::from(Vec::new()))
    }
}

/// A score ordered for the heap (scores are never NaN; `total_cmp` keeps it total anyway).
#[derive(Debug, Clone, Copy, PartialEq)]
struct ByScore(Score, DocId);

impl Eq for ByScore {}

impl PartialOrd for ByScore {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ByScore {
    /// Higher score first, then the lower document (the order a full scan keeps on ties).
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0
            .total_cmp(&other.0)
            .then_with(|| other.1.cmp(&self.1))
    }
}

/// The best `k` documents of each segment that `filter` matches, driving tantivy's pruning
/// (block-max WAND for a disjunction of term queries): from the `k`-th score on, only better
/// documents are scored.
struct TopDocIds {
    k: usize,
    filter: Option<Box<dyn Weight>>,
    /// Whether to walk the filter's matches first and keep them all when they are at most `k`
    /// (only right when the query holds a term of every document the filter matches: see
    /// [`TopDocIds::few`]).
    few: bool,
}

impl TopDocIds {
    /// The live documents `filter` matches in the segment of `reader`, when they are at most `k`
    /// (`None` from the `k + 1`-th on).
    ///
    /// They are then exactly what WAND keeps, when every document the filter matches holds one
    /// of the query's terms (a plan's flattened terms over every field): until `k` documents
    /// pass the filter, WAND's threshold stays below every score, so it proposes every document
    /// of the union and keeps each one the filter lets through. On a plan matching few pages
    /// ("live pe": no page holds both words in the fields typeahead reads) that walk visits every
    /// posting of every term for nothing; the plan's own matches (tantivy's intersection of the
    /// required clauses, led by the rarest) are far fewer to walk.
    ///
    /// The results page filters by the plan's counting query, which may match a page holding none
    /// of the query's terms: the walk then keeps it where WAND would not, but such a page cannot
    /// match the query, so stage two ranks the same pages either way.
    fn few(
        &self,
        filter: &dyn Weight,
        reader: &SegmentReader,
    ) -> tantivy::Result<Option<Vec<DocId>>> {
        let alive = reader.alive_bitset();
        let mut scorer = filter.scorer(reader, 1.0)?;
        let mut found = Vec::new();
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|alive| alive.is_alive(doc)) {
                if found.len() == self.k {
                    return Ok(None);
                }
                found.push(doc);
            }
            doc = scorer.advance();
        }
        Ok(Some(found))
    }
}

/// The per-segment half of [`TopDocIds`] (used when tantivy does not call `collect_segment`).
struct TopDocIdsSegment {
    segment: SegmentId,
    heap: TopHeap,
}

/// A min-heap of the best `k`.
struct TopHeap {
    k: usize,
    heap: BinaryHeap<Reverse<ByScore>>,
}

impl TopHeap {
    fn new(k: usize) -> TopHeap {
        TopHeap {
            k,
            heap: BinaryHeap::with_capacity(k.min(1024) + 1),
        }
    }

    /// Adds a document; returns the score a document must now beat.
    fn push(&mut self, doc: DocId, score: Score) -> Score {
        let item = ByScore(score, doc);
        if self.heap.len() < self.k {
            self.heap.push(Reverse(item));
        } else if let Some(mut worst) = self.heap.peek_mut()
            && item > worst.0
        {
            *worst = Reverse(item);
        }
        match self.heap.peek() {
            Some(worst) if self.heap.len() >= self.k => worst.0.0,
            _ => Score::MIN,
        }
    }

    fn into_docs(self) -> Vec<DocId> {
        self.heap.into_iter().map(|Reverse(item)| item.1).collect()
    }
}

impl Collector for TopDocIds {
    type Fruit = Vec<(SegmentId, Vec<DocId>)>;
    type Child = TopDocIdsSegment;

    fn for_segment(
        &self,
        _segment_local_id: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<TopDocIdsSegment> {
        Ok(TopDocIdsSegment {
            segment: segment.segment_id(),
            heap: TopHeap::new(self.k),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(
        &self,
        fruits: Vec<Vec<(SegmentId, Vec<DocId>)>>,
    ) -> tantivy::Result<Self::Fruit> {
        Ok(fruits.into_iter().flatten().collect())
    }

    fn collect_segment(
        &self,
        weight: &dyn Weight,
        _segment_ord: u32,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Fruit> {
        if self.few
            && let Some(filter) = &self.filter
            && let Some(found) = self.few(filter.as_ref(), reader)?
        {
            return Ok(vec![(reader.segment_id(), found)]);
        }
        let mut heap = TopHeap::new(self.k);
        let alive = reader.alive_bitset();
        let mut filter = match &self.filter {
            Some(filter) => Some(filter.scorer(reader, 1.0)?),
            None => None,
        };
        let mut threshold = Score::MIN;
        weight.for_each_pruning(Score::MIN, reader, &mut |doc, score| {
            let wanted = filter.as_mut().is_none_or(|filter| {
                // WAND proposes documents in increasing order: the filter only moves forward.
                filter.doc() == doc || (filter.doc() < doc && filter.seek(doc) == doc)
            });
            if wanted && alive.is_none_or(|alive| alive.is_alive(doc)) {
                threshold = heap.push(doc, score);
            }
            threshold
        })?;
        Ok(vec![(reader.segment_id(), heap.into_docs())])
    }
}

impl SegmentCollector for TopDocIdsSegment {
    type Fruit = Vec<(SegmentId, Vec<DocId>)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.heap.push(doc, score);
    }

    fn harvest(self) -> Self::Fruit {
        vec![(self.segment, self.heap.into_docs())]
    }
}

/// `searcher.search`, with the segments searched by `executor`: the index's own (its threads), or
/// the calling thread, where a short search costs less than handing its segments to other
/// threads and waiting for them.
pub(crate) fn search_on<C: Collector>(
    searcher: &Searcher,
    query: &dyn Query,
    collector: &C,
    executor: &Executor,
) -> tantivy::Result<C::Fruit> {
    let scoring = if collector.requires_scoring() {
        EnableScoring::enabled_from_searcher(searcher)
    } else {
        EnableScoring::disabled_from_searcher(searcher)
    };
    searcher.search_with_executor(query, collector, executor, scoring)
}
