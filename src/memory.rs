//! How the process asks the kernel for memory: regular pages, not transparent huge pages.
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
