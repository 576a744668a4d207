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

/// How long freed memory waits before it goes back to the system (ms). mimalloc's default
/// (1000 ms) let a few records of tens of megabytes hold their freed buffers while the next ones
/// were read (peak 488 MB on three 60 MB records at two threads); 0 gave it back at once, but
/// then every freed page was faulted in again by the next document: on the 200 MB bench corpus
/// at two threads 3.5 s of system time against 1.7 s with 10 ms, and 19.4-19.6 s wall against
/// 17.3-18.2 s (docs/performance.md, session 29). The mix of 1 MB and 60 MB records peaks at
/// 278-286 MB with 10 ms (264-272 MB with 0, 307 MB with 100).
const PURGE_DELAY_MS: std::ffi::c_long = 10;

fn set_purge_delay() {
    // SAFETY: sets an integer option of the allocator; mimalloc allows it at any time.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
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
