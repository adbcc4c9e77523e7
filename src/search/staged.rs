//! The query path of a big index (no in-memory engine), in two stages: the matches are counted
//! with a budget ([`estimate`](super::estimate): exact when few, else estimated and shown as
//! "about"), the few hundred documents worth scoring are found with block-max WAND over the
//! plan's terms ([`candidates`](super::candidates)), and the full plan (closeness in running text
//! included) scores only those. When the candidates do not fill the page the caller ranks the old
//! way, scoring every match, so a stage never hides a page that matches.

use std::sync::Arc;

use tantivy::query::{BooleanQuery, Occur};
use tantivy::schema::Field;
use tantivy::{Executor, Searcher, Term};

use super::SearchIndex;
use super::candidates::{Candidates, search_on};
use super::collect::{KindCounter, RankCollector, Ranked};
use super::estimate::{Estimate, EstimateCounter, round_estimate};
use super::plan::Plan;
use super::query::Node;
use super::rank::FEW_MATCHES;
use super::types::HitKind;

/// Candidates kept per segment (at least; a deep page asks for more).
pub(crate) const CANDIDATES: usize = 128;
/// Exact counts up to this many matches are ranked by scoring every match (cheap at that size,
/// and no candidate can be missed).
const SCORE_ALL_UP_TO: usize = 512;

impl SearchIndex {
    /// Ranks `plan` in two stages (see the module doc); `None` when the candidates do not fill the
    /// page or cannot be found, and the caller must score every match.
    pub(crate) fn rank_staged(
        &self,
        searcher: &Searcher,
        plan: &Plan,
        kind: Option<HitKind>,
        limit: usize,
    ) -> tantivy::Result<Option<Ranked>> {
        let Some(query) = &plan.query else {
            return Ok(Some(Ranked::default()));
        };
        let counter = EstimateCounter {
            kinds: KindCounter {
                tables: Arc::clone(&self.tables),
                kinds: Arc::clone(&self.kinds),
            },
            runs: Arc::clone(&self.kind_runs),
        };
        // The plan's matches, unscored: what is counted, and what candidates must match.
        let mut matching: &Node = plan.count.as_ref().unwrap_or(query);
        let mut query: &Node = query;
        let mut estimate: Estimate = searcher.search(&*matching.to_tantivy(), &counter)?;
        if let Some(fallback) = &plan.fallback
            && estimate.counts.iter().sum::<usize>() < FEW_MATCHES
        {
            query = fallback;
            matching = fallback;
            estimate = searcher.search(&*query.to_tantivy(), &counter)?;
        }
        let total: usize = estimate.counts.iter().sum();
        let wanted = kind.map_or(total, |kind| estimate.counts[kind.slot()]);
        let collector = self.rank_collector(kind, limit);
        let proximity = plan.body_proximity.as_ref();
        if estimate.exact && total <= SCORE_ALL_UP_TO {
            let mut ranked = self.runner(searcher).rank(query, proximity, &collector)?;
            ranked.counts = estimate.counts;
            return Ok(Some(ranked));
        }
        // Candidates by their titles, headings and keywords first (short fields: few postings to
        // walk, and where the best pages match), then by every field.
        let k = CANDIDATES.max(limit * 2);
        let headlines = [
            self.fields.title,
            self.fields.headings,
            self.fields.keywords,
        ];
        let mut found = None;
        let executor = searcher.index().search_executor();
        for fields in [Some(&headlines[..]), None] {
            let Some(candidates) =
                Candidates::find(searcher, query, matching, fields, k, executor)?
            else {
                return Ok(None);
            };
            let ranked = rank_within(
                searcher,
                &candidates,
                query,
                proximity,
                &collector,
                executor,
            )?;
            if ranked.hits.len() >= limit.min(wanted) {
                found = Some(ranked);
                break;
            }
        }
        let Some(mut ranked) = found else {
            return Ok(None);
        };
        ranked.counts = estimate.counts;
        if !estimate.exact {
            ranked.counts = ranked.counts.map(round_estimate);
            ranked.estimated = true;
        }
        Ok(Some(ranked))
    }

    /// Typeahead on a big index: the best `collector.limit` pages among the candidates of `node`,
    /// or `None` when they do not fill the list (the caller then scores every match).
    ///
    /// A suggestion shows a page's title (a section's: its article's title and its heading), so
    /// candidates come from titles first, then from titles and headings, and from every field
    /// only when those do not fill the list. Titles are short postings where the typed words
    /// meet: block-max WAND over them reaches the top scores after a few blocks, where over every
    /// field the threshold rose slowly through pages holding one word in each of several fields.
    ///
    /// Its searches run on the calling thread: each is a fraction of a millisecond, less than
    /// handing ten segments to the search threads and waiting for them costs on a busy machine.
    pub(crate) fn suggest_staged(
        &self,
        searcher: &Searcher,
        node: &Node,
        collector: &RankCollector,
    ) -> tantivy::Result<Option<Ranked>> {
        let k = collector.limit * 2;
        let executor = Executor::single_thread();
        let titles = [self.fields.title];
        let shown = [self.fields.title, self.fields.headings];
        for fields in [Some(&titles[..]), Some(&shown[..]), None] {
            // A pass whose fields cannot hold every required word ("live pe": no title holds
            // "live") would only propose pages the plan then rejects: skip it.
            if let Some(fields) = fields
                && !reachable(searcher, node, fields)?
            {
                continue;
            }
            let Some(candidates) = Candidates::find(searcher, node, node, fields, k, &executor)?
            else {
                return Ok(None);
            };
            let ranked = rank_within(searcher, &candidates, node, None, collector, &executor)?;
            let enough = match fields {
                Some(_) => collector.limit,
                None => collector.limit.min(candidates.len()),
            };
            if ranked.hits.len() >= enough {
                return Ok(Some(ranked));
            }
        }
        Ok(None)
    }
}

/// Whether `node` can match a document through its terms in `fields` alone: every required clause
/// (and, without any, one optional clause) has a term in one of `fields` that some document holds.
/// A cheap test of the term dictionary (it stops at the first term that decides), used to skip a
/// candidate pass that cannot fill the list.
fn reachable(searcher: &Searcher, node: &Node, fields: &[Field]) -> tantivy::Result<bool> {
    let held = |field: &Field, text: &str| -> tantivy::Result<bool> {
        Ok(fields.contains(field) && searcher.doc_freq(&Term::from_field_text(*field, text))? > 0)
    };
    match node {
        Node::Term { field, text, .. } => held(field, text),
        Node::Phrase { field, terms, .. } => {
            for (_, text) in terms {
                if !held(field, text)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        Node::Boost(inner, _) | Node::ConstScore(inner, _) => reachable(searcher, inner, fields),
        Node::Shared(inner) => reachable(searcher, inner, fields),
        Node::Bool(clauses) => {
            // Every required clause, or (without one) any optional clause.
            let required = clauses.iter().any(|(occur, _)| *occur == Occur::Must);
            let wanted = if required { Occur::Must } else { Occur::Should };
            for (_, clause) in clauses.iter().filter(|(occur, _)| *occur == wanted) {
                if reachable(searcher, clause, fields)? != required {
                    return Ok(!required);
                }
            }
            Ok(required)
        }
        Node::DisMax(nodes, _) => {
            for inner in nodes {
                if reachable(searcher, inner, fields)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
    }
}

/// Scores the `candidates` that match `node` (and `bonus` where it matches too) with the full
/// plan, as `Runner::rank` does, with every leaf of the plan restricted to the candidates: the
/// same tree, so each candidate's score is exactly what scoring every match would give it. The
/// segments are searched with `executor`.
fn rank_within(
    searcher: &Searcher,
    candidates: &Candidates,
    node: &Node,
    bonus: Option<&Node>,
    collector: &RankCollector,
    executor: &Executor,
) -> tantivy::Result<Ranked> {
    let query = match bonus {
        Some(bonus) => Box::new(BooleanQuery::new(vec![
            (Occur::Must, node.to_tantivy_within(candidates)),
            (Occur::Should, bonus.to_tantivy_within(candidates)),
        ])),
        None => node.to_tantivy_within(candidates),
    };
    search_on(searcher, &*query, collector, executor)
}

#[cfg(test)]
mod tests;
