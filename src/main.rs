//! The `spinscore` command line: a thin layer over the library.

mod cli;

/// mimalloc instead of the system allocator: scoring allocates many small vectors and maps per
/// document, and on the bench corpus user time fell by 13-15% (docs/performance.md, session 26).
/// Built without transparent huge pages (`no_thp`), which held 40 MB more resident for nothing.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(cli::main());
}
