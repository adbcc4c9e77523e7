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
//!
//! Indexing is the exception: its large hash tables are read at random and run faster in huge
//! pages, so a big site's documents are written with them allowed again ([`with_huge_pages`]).

/// Turns transparent huge pages off for this process (the kernel's `PR_SET_THP_DISABLE`), before
/// the heap grows. Call first thing in `main`. A kernel without the setting is logged at debug
/// level and changes nothing else: it is a matter of speed, never of correctness.
pub fn use_regular_pages() {
    #[cfg(target_os = "linux")]
    if let Err(error) = rustix::thread::disable_transparent_huge_pages(true) {
        tracing::debug!(%error, "cannot turn transparent huge pages off");
    }
}

/// How many callers are inside [`with_huge_pages`] now, and whether the first of them turned
/// transparent huge pages on (so the last one turns them off again).
static HUGE_PAGE_USERS: std::sync::Mutex<(usize, bool)> = std::sync::Mutex::new((0, false));

/// Runs `work` with transparent huge pages allowed again when [`use_regular_pages`] turned them
/// off, then turns them off again; otherwise just runs `work`.
///
/// For indexing a big site: tantivy's term hash tables and postings arenas and the stem memory are
/// large and read at random, and in regular pages they miss the TLB far more often (regular pages
/// cost a cold start about 6 CPU seconds of indexing, README, "Search speed (issue 14)", branch
/// s19-startup). The heap allocated meanwhile is the indexing's own, nearly all freed (and handed
/// back, [`release_free_heap`]) before the merges; what lives on keeps its huge pages only until
/// mimalloc hands back the free parts around it (the kernel then splits them).
///
/// The setting is the process's, not the thread's: calls may overlap (the pages stay allowed until
/// the last one returns), and anything else the process allocates meanwhile may get huge pages too.
pub fn with_huge_pages<T>(work: impl FnOnce() -> T) -> T {
    enter_huge_pages();
    // Turned off again even when `work` panics.
    struct Leave;
    impl Drop for Leave {
        fn drop(&mut self) {
            leave_huge_pages();
        }
    }
    let _leave = Leave;
    work()
}

/// The first caller in turns the pages on, when they are off.
fn enter_huge_pages() {
    let mut users = HUGE_PAGE_USERS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if users.0 == 0 {
        users.1 = huge_pages_disabled() && set_huge_pages_disabled(false);
    }
    users.0 += 1;
}

/// The last caller out turns them off again, if the first one turned them on.
fn leave_huge_pages() {
    let mut users = HUGE_PAGE_USERS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    users.0 = users.0.saturating_sub(1);
    if users.0 == 0 && users.1 {
        set_huge_pages_disabled(true);
        users.1 = false;
    }
}

/// Whether this process has transparent huge pages turned off (false where that cannot be told).
fn huge_pages_disabled() -> bool {
    #[cfg(target_os = "linux")]
    {
        rustix::thread::transparent_huge_pages_are_disabled().unwrap_or(false)
    }
    #[cfg(not(target_os = "linux"))]
    {
        false
    }
}

/// Turns this process's transparent huge pages off or on; whether that was done.
fn set_huge_pages_disabled(disabled: bool) -> bool {
    #[cfg(target_os = "linux")]
    {
        match rustix::thread::disable_transparent_huge_pages(disabled) {
            Ok(()) => true,
            Err(error) => {
                tracing::debug!(%error, disabled, "cannot switch transparent huge pages");
                false
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = disabled;
        false
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
        // The other tests allocate in this process at the same time: the measure runs alone.
        run_alone("memory::tests::release_in_a_process_of_its_own");
    }

    /// Runs the ignored test `name` in a process of its own (this test binary again, that one test
    /// only): it changes or measures process-wide state while other tests run.
    fn run_alone(name: &str) {
        let exe = std::env::current_exe().expect("the test binary");
        let status = Command::new(exe)
            .args([name, "--exact", "--ignored", "--test-threads=1"])
            .status()
            .expect("run the test binary");
        assert!(
            status.success(),
            "the process running {name} failed: {status}"
        );
    }

    #[test]
    fn huge_pages_are_allowed_while_indexing_and_off_again_after() {
        run_alone("memory::tests::huge_pages_in_a_process_of_its_own");
    }

    #[test]
    #[ignore = "run in a process of its own by `huge_pages_are_allowed_while_indexing_and_off_again_after`"]
    fn huge_pages_in_a_process_of_its_own() {
        use super::{huge_pages_disabled, set_huge_pages_disabled, with_huge_pages};
        // A process that has them on (whatever it inherited): left as it is.
        assert!(set_huge_pages_disabled(false));
        assert!(!huge_pages_disabled());
        with_huge_pages(|| assert!(!huge_pages_disabled()));
        assert!(!huge_pages_disabled());
        // Turned off (as `main` does): on inside, on until the last of overlapping calls returns,
        // off after, also after a panic inside.
        super::use_regular_pages();
        assert!(huge_pages_disabled());
        with_huge_pages(|| {
            assert!(!huge_pages_disabled());
            with_huge_pages(|| assert!(!huge_pages_disabled()));
            assert!(
                !huge_pages_disabled(),
                "an inner call turned them off early"
            );
        });
        assert!(huge_pages_disabled());
        let panicked = std::panic::catch_unwind(|| with_huge_pages(|| panic!("inside")));
        assert!(panicked.is_err());
        assert!(huge_pages_disabled(), "left on by a panic");
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
