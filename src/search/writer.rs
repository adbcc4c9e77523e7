//! Writing the site's documents into an empty index: indexing threads, one commit, then merging
//! the segments into the layout searches want (one, or one per core on a big site).

use std::time::Instant;

use tantivy::Index;
use tantivy::index::{SegmentId, SegmentMeta};
use tantivy::merge_policy::NoMergePolicy;

use super::catalog::Catalog;
use super::documents::add_site;
use super::schema::Fields;
use super::types::SearchError;
use crate::content::Site;

/// Memory the index writer may use per indexing thread. Each thread's buffers fill up to this and
/// are written out as a segment, so the heap saws between the site and the site plus twice this
/// through indexing; 64 MiB made those tops a big site's peak once the merges ran one at a time
/// (README, "Search speed (issue 14)", s20-startup). More segments only mean more merge inputs.
const WRITER_MEMORY_PER_THREAD: usize = 40 * 1024 * 1024;
/// From this many documents, the index keeps one segment per core and searches them in parallel.
const PARALLEL_SEARCH_DOCUMENTS: usize = 20_000;
/// Most indexing threads.
const MAX_WRITER_THREADS: usize = 4;

/// Indexing threads: one per core, at most [`MAX_WRITER_THREADS`].
pub(crate) fn writer_threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, MAX_WRITER_THREADS)
}

/// Writes every document of `site` into the empty `index` (in RAM or in a folder), commits, and
/// merges the segments into the layout searches want; returns the catalog.
pub(crate) fn write_documents(
    index: &Index,
    site: &Site,
    fields: Fields,
) -> Result<Catalog, SearchError> {
    let started = Instant::now();
    let threads = writer_threads();
    let mut writer = index
        .writer_with_num_threads(threads, threads * WRITER_MEMORY_PER_THREAD)
        .map_err(SearchError::Writer)?;
    // One merge at the end instead of merges racing the indexing threads.
    writer.set_merge_policy(Box::new(NoMergePolicy));
    let catalog = add_site(site, Some(&writer), fields)?;
    writer.commit().map_err(|source| SearchError::Commit {
        stage: "commit",
        source,
    })?;
    let indexed = started.elapsed();
    // The indexing threads' buffers are free now: hand them back before the merges read every
    // segment (the peak of a big site's start). Only on a big site: the release waits for every
    // thread of rayon's pool, which on a small site is still rendering its pages (the shipped
    // content's index step went from 35 to about 200 ms), and a small site's heap is small.
    let big = catalog.entries.len() >= PARALLEL_SEARCH_DOCUMENTS;
    if big {
        crate::memory::release_free_heap();
    }
    // Few segments make every query (and every dictionary lookup) cheaper; a big site keeps
    // one per core so a query can search them in parallel.
    let metas = index
        .searchable_segment_metas()
        .map_err(|source| SearchError::Commit {
            stage: "list segments",
            source,
        })?;
    let target = if big { threads } else { 1 };
    // One merge at a time: a merge maps every segment it reads, and those pages stay in the
    // resident set until it ends. Run together, the merges held the whole index mapped beside the
    // heap, the peak of a big site's start (README, "Search speed (issue 14)", s20-startup).
    for ids in merge_groups(&metas, target)
        .iter()
        .filter(|ids| ids.len() > 1)
    {
        writer
            .merge(ids)
            .wait()
            .map_err(|source| SearchError::Commit {
                stage: "merge",
                source,
            })?;
    }
    writer
        .wait_merging_threads()
        .map_err(|source| SearchError::Commit {
            stage: "wait for merges",
            source,
        })?;
    // The writer is gone with its threads: the merges' buffers go back too.
    if big {
        crate::memory::release_free_heap();
    }
    tracing::debug!(
        documents = catalog.entries.len(),
        text_bytes = catalog.text_bytes(),
        word_map_bytes = catalog.word_map_bytes(),
        word_map_terms = catalog.terms.len(),
        threads,
        segments = target,
        indexed_ms = indexed.as_millis() as u64,
        total_ms = started.elapsed().as_millis() as u64,
        "search index built"
    );
    Ok(catalog)
}

/// Splits the segments into `target` groups of about equal document counts (largest first, each
/// into the group with the fewest documents so far); each group is merged into one segment.
fn merge_groups(metas: &[SegmentMeta], target: usize) -> Vec<Vec<SegmentId>> {
    let mut groups: Vec<(u32, Vec<SegmentId>)> = vec![(0, Vec::new()); target];
    let mut by_size: Vec<(u32, SegmentId)> = metas
        .iter()
        .map(|meta| (meta.num_docs(), meta.id()))
        .collect();
    by_size.sort_by_key(|(docs, _)| std::cmp::Reverse(*docs));
    for (docs, id) in by_size {
        if let Some(smallest) = groups.iter_mut().min_by_key(|(total, _)| *total) {
            smallest.0 += docs;
            smallest.1.push(id);
        }
    }
    groups.into_iter().map(|(_, ids)| ids).collect()
}
