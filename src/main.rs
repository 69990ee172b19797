//! The `routex` binary: parse, dispatch, map the outcome to an exit code.

// mimalloc instead of glibc malloc: the proxy path allocates and frees many small,
// short-lived buffers across tokio's worker threads, where glibc's per-thread arenas
// showed up as ~15 % of the daemon's CPU (malloc/free/consolidate) in `perf`.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    routex::cli::main()
}
