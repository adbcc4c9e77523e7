//! Ranking a plan's matches: the two stages of a big index (`staged`) first; otherwise one
//! scoring pass on an ordinary result set, count-then-narrowed ranking on a huge one, the any-word
//! fallback, and which contact a hit leads to.

use std::sync::Arc;

use tantivy::Searcher;
use tantivy::query::{BooleanQuery, Occur};

use super::SearchIndex;
use super::collect::{KindCounter, RankCollector, Ranked, Scored};
use super::engine::Engine;
use super::plan::Plan;
use super::query::Node;
use super::types::HitKind;

/// When pages with every word are fewer than this, pages with any of the words are listed instead
/// (a visitor's extra word, "send a letter", should not hide the page about letters).
pub(crate) const FEW_MATCHES: usize = 3;
/// How much better another named contact must match than the first named one to be chosen.
const CLEARLY_BETTER: f32 = 1.25;

impl SearchIndex {
    /// Counts every match, then ranks: all of them on an ordinary result set; on a huge one
    /// (scoring every one of them costs too much) without the closeness check in running
    /// text, and first only the pages with a required concept in a title, heading or keywords
    /// (those are the ones that rank), falling back to all when they do not fill the page.
    pub(crate) fn rank(
        &self,
        searcher: &Searcher,
        plan: &Plan,
        kind: Option<HitKind>,
        limit: usize,
    ) -> tantivy::Result<Ranked> {
        let Some(query) = &plan.query else {
            return Ok(Ranked::default());
        };
        // A big index ranks in two stages (`staged`), unless its candidates miss part of the page.
        if self.engine.is_none()
            && let Some(ranked) = self.rank_staged(searcher, plan, kind, limit)?
        {
            return Ok(ranked);
        }
        let runner = self.runner(searcher);
        let collector = self.rank_collector(kind, limit);
        let proximity = plan.body_proximity.as_ref();
        if plan.estimate < self.large_result {
            // An ordinary result set: one pass scores, ranks and counts every match.
            let ranked = runner.rank(query, proximity, &collector)?;
            return match &plan.fallback {
                Some(fallback) if ranked.counts.iter().sum::<usize>() < FEW_MATCHES => {
                    runner.rank(fallback, proximity, &collector)
                }
                _ => Ok(ranked),
            };
        }
        let counter = KindCounter {
            tables: Arc::clone(&self.tables),
            kinds: Arc::clone(&self.kinds),
        };
        let mut query: &Node = query;
        let mut counts = runner.count(plan.count.as_ref().unwrap_or(query), &counter)?;
        let mut headlines: &[Node] = &plan.headlines;
        if let Some(fallback) = &plan.fallback
            && counts.iter().sum::<usize>() < FEW_MATCHES
        {
            query = fallback;
            counts = runner.count(query, &counter)?;
            headlines = &[];
        }
        let total: usize = counts.iter().sum();
        let wanted = kind.map_or(total, |kind| counts[kind.slot()]);
        let is_big = total as u64 >= self.large_result;
        // A huge result set skips the closeness check in running text.
        let proximity = proximity.filter(|_| !is_big);
        let mut ranked = None;
        for headline in headlines.iter().filter(|_| is_big) {
            let narrowed = Node::Bool(vec![
                (Occur::Must, headline.clone().const_score(0.0)),
                (Occur::Must, query.clone()),
            ]);
            let candidate = runner.rank(&narrowed, None, &collector)?;
            if candidate.hits.len() >= limit.min(wanted) {
                ranked = Some(candidate);
                break;
            }
        }
        let mut ranked = match ranked {
            Some(ranked) => ranked,
            None => runner.rank(query, proximity, &collector)?,
        };
        ranked.counts = counts;
        Ok(ranked)
    }

    /// The ranking collector for `limit` hits of `kind` (all kinds counted).
    pub(crate) fn rank_collector(&self, kind: Option<HitKind>, limit: usize) -> RankCollector {
        RankCollector {
            tables: Arc::clone(&self.tables),
            kinds: Arc::clone(&self.kinds),
            weights: HitKind::WEIGHTS,
            filter: kind,
            limit,
        }
    }

    /// Where this index's plans run: the in-memory engine of a small index, tantivy otherwise.
    pub(crate) fn runner<'a>(&'a self, searcher: &'a Searcher) -> Runner<'a> {
        match &self.engine {
            Some(engine) => Runner::Memory(engine),
            None => Runner::Tantivy(searcher),
        }
    }

    /// The contact a hit leads to: a contact hit itself; otherwise the first contact the page
    /// names, unless another contact it names matches the query clearly better (a page about
    /// several products names them all, and "gift card" should lead to the gift card line).
    pub(crate) fn contact_for(&self, ordinal: usize, contact_scores: &[Scored]) -> Option<&str> {
        let named = self.catalog.contacts(ordinal);
        let score_of = |id: &String| -> f32 {
            self.catalog
                .contact_ordinal(id)
                .and_then(|contact| {
                    contact_scores
                        .iter()
                        .find(|s| s.ordinal as usize == contact)
                })
                .map_or(0.0, |scored| scored.score)
        };
        let first = named.first()?;
        let first_score = score_of(first);
        let best = named
            .iter()
            .map(|id| (score_of(id), id))
            .max_by(|a, b| a.0.total_cmp(&b.0));
        match best {
            Some((score, id)) if score > first_score * CLEARLY_BETTER => Some(id),
            _ => Some(first),
        }
        .map(String::as_str)
    }
}

/// Where a plan's queries run.
pub(crate) enum Runner<'a> {
    /// tantivy's searcher (a big index).
    Tantivy(&'a Searcher),
    /// The in-memory engine (a small index): the same matches and scores, without tantivy's setup.
    Memory(&'a Engine),
}

impl Runner<'_> {
    /// Ranks the matches of `node` with `collector`; a `bonus` query adds its score where it
    /// matches too (a boolean query requiring `node`, with `bonus` optional).
    pub(crate) fn rank(
        &self,
        node: &Node,
        bonus: Option<&Node>,
        collector: &RankCollector,
    ) -> tantivy::Result<Ranked> {
        match self {
            Runner::Tantivy(searcher) => {
                let query = match bonus {
                    Some(bonus) => Box::new(BooleanQuery::new(vec![
                        (Occur::Must, node.to_tantivy()),
                        (Occur::Should, bonus.to_tantivy()),
                    ])),
                    None => node.to_tantivy(),
                };
                searcher.search(&*query, collector)
            }
            Runner::Memory(engine) => engine.rank(node, bonus, collector),
        }
    }

    /// Counts the matches of `node` per kind, unscored.
    pub(crate) fn count(&self, node: &Node, counter: &KindCounter) -> tantivy::Result<[usize; 4]> {
        match self {
            Runner::Tantivy(searcher) => searcher.search(&*node.to_tantivy(), counter),
            Runner::Memory(engine) => engine.count(node, counter),
        }
    }
}
