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

/// Freed memory goes back to the system at once instead of after a delay: with the default,
/// a few records of tens of megabytes held their freed buffers while the next ones were read
/// (peak 488 MB on three 60 MB records at two threads, 303 MB with this, 301 MB with glibc),
/// for no measurable speed on the bench corpus.
fn release_freed_memory_promptly() {
    // SAFETY: sets an integer option of the allocator; mimalloc allows it at any time.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
}

fn main() {
    release_freed_memory_promptly();
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
            release_freed_memory_promptly();
            assert_eq!(libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY), 0);
        }
    }
}
