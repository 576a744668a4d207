//! The `spinscore` command line: a thin layer over the library.

mod cli;

/// mimalloc instead of the system allocator: scoring allocates many small vectors and maps per
/// document, and on the bench corpus user time fell by 13-15% (docs/performance.md, session 26).
/// Built without transparent huge pages (`no_thp`), which held 40 MB more resident for nothing.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc v3's `mi_option_t` (include/mimalloc.h; the Rust
/// bindings name only some options). Its default there, 1000 ms, is checked by a test, so a
/// renumbered enum cannot go unnoticed.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// How long freed memory may wait before it goes back to the system, in milliseconds.
/// mimalloc's default, 1000 ms, held the freed buffers of records of tens of megabytes while the
/// next ones were read (peak 488 MB on three 60 MB records at two threads). With 0, every page
/// emptied within a document was returned and faulted in again by the next: at two threads a
/// tenth of the run went to the kernel (madvise, and page faults, with the other core's TLB to
/// flush each time). 3 ms keeps pages for the next documents (the same system time as 10 ms,
/// a third of 0 ms's); [`return_freed_memory`] after each batch keeps the peak near where 0 ms
/// kept it (docs/performance.md, session 30).
const PURGE_DELAY_MS: std::ffi::c_long = 3;

fn set_purge_delay() {
    // SAFETY: sets an integer option of the allocator; mimalloc allows it at any time.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
}

/// Hands the calling thread's freed memory back to the system now, expired or not. Run on every
/// worker thread after each batch ([`spinscore::pipeline::Options::between_batches`]): a worker
/// that goes idle at a batch end would otherwise keep what it freed until it next allocates,
/// which with a purge delay pushed the peak at two threads from 256 to 294-314 MB in some runs.
fn return_freed_memory() {
    // SAFETY: collects the calling thread's allocator state; safe at any time.
    unsafe { libmimalloc_sys::mi_collect(true) };
}

fn main() {
    set_purge_delay();
    std::process::exit(cli::main());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purge_delay_option_is_the_one_set() {
        // SAFETY: reads and sets an integer option of the allocator.
        unsafe {
            assert_eq!(
                libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY),
                1000,
                "mimalloc's option enum changed"
            );
            set_purge_delay();
            assert_eq!(libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY), PURGE_DELAY_MS);
        }
    }
}
