//! How the process asks the kernel for memory (regular pages, not transparent huge pages) and when
//! it gives freed heap back at once (between a start's phases, [`release_free_heap`]).
//!
//! mimalloc (the global allocator, `src/lib.rs`) marks its arenas `MADV_HUGEPAGE`, so on a kernel
//! whose THP setting is `madvise` (the usual default) every first touch of a 2 MiB range of heap
//! faults in and zeroes a whole huge page, and with `defrag = madvise` may compact memory first.
//! A big site's start writes about a gigabyte of fresh heap (the decoded content, the index
//! build), and on this project's machine those faults were about half of a restart's CPU
//! (`clear_page_erms` under `do_huge_pmd_anonymous_page`, 47 % of the samples); with regular
//! pages a restart took a third less CPU (README, "Search speed (issue 14)", branch s19-startup).
//! A partly used huge page also counts whole in the resident set, which is a target of its own.

/// Turns transparent huge pages off for this process (the kernel's `PR_SET_THP_DISABLE`), before
/// the heap grows. Call first thing in `main`. A kernel without the setting is logged at debug
/// level and changes nothing else: it is a matter of speed, never of correctness.
pub fn use_regular_pages() {
    #[cfg(target_os = "linux")]
    if let Err(error) = rustix::thread::disable_transparent_huge_pages(true) {
        tracing::debug!(%error, "cannot turn transparent huge pages off");
    }
}

/// Gives the heap that is free now back to the kernel at once, on this thread and on every thread
/// of rayon's pool (the threads that build a big site's documents).
///
/// mimalloc keeps freed pages for a while before returning them (1 s by default, its
/// `purge_delay`), which serves the request path well (a page freed and wanted again is not
/// faulted in anew) but lets a start's phases stack up: the indexing threads' buffers are still
/// resident while the segments are merged, where a big site's peak RSS is (README, "Search speed
/// (issue 14)", branch s20-startup). Called between a start's phases, it lowers that peak; the
/// request path keeps mimalloc's default.
///
/// `mi_collect(true)` frees the calling thread's pages that hold no live block, then purges every
/// arena's free ranges regardless of their delay (the purge is program-wide; the per-thread part
/// is why it runs on each pool thread too).
pub fn release_free_heap() {
    rayon::broadcast(|_| collect_this_thread());
    collect_this_thread();
}

/// `mi_collect(true)` on the calling thread.
fn collect_this_thread() {
    // SAFETY: `mi_collect` takes no pointers and only touches mimalloc's own state, which it
    // guards for concurrent use (a purge already under way on another thread is skipped); it may
    // be called from any thread at any time.
    unsafe { libmimalloc_sys::mi_collect(true) }
}

#[cfg(test)]
#[cfg(target_os = "linux")]
mod tests {
    use std::process::Command;

    const MIB: u64 = 1024;

    /// This process's anonymous resident memory, in KiB (`RssAnon` in `/proc/self/status`).
    fn resident_anon_kib() -> u64 {
        let status = std::fs::read_to_string("/proc/self/status").expect("read /proc/self/status");
        status
            .lines()
            .find_map(|line| line.strip_prefix("RssAnon:"))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("RssAnon in /proc/self/status")
    }

    #[test]
    fn freed_heap_leaves_the_resident_set() {
        // The other tests allocate in this process at the same time: the measure runs alone, in a
        // process of its own (this test binary again, that one test only).
        let exe = std::env::current_exe().expect("the test binary");
        let status = Command::new(exe)
            .args([
                "memory::tests::release_in_a_process_of_its_own",
                "--exact",
                "--ignored",
                "--test-threads=1",
            ])
            .status()
            .expect("run the test binary");
        assert!(status.success(), "the measuring process failed: {status}");
    }

    #[test]
    #[ignore = "run in a process of its own by `freed_heap_leaves_the_resident_set`"]
    fn release_in_a_process_of_its_own() {
        let before = resident_anon_kib();
        let blocks: Vec<Vec<u8>> = (0..256).map(|_| vec![1_u8; 1 << 20]).collect();
        let filled = resident_anon_kib();
        assert!(filled >= before + 200 * MIB, "{before} then {filled} KiB");
        drop(blocks);
        super::release_free_heap();
        let released = resident_anon_kib();
        assert!(
            released + 200 * MIB <= filled,
            "still {released} KiB resident after freeing 256 MiB of {filled} KiB"
        );
    }
}
