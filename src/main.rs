//! The `routex` binary: parse, dispatch, map the outcome to an exit code.

// mimalloc instead of glibc malloc: the proxy path allocates and frees many small,
// short-lived buffers across tokio's worker threads, where glibc's per-thread arenas
// showed up as ~15 % of the daemon's CPU (malloc/free/consolidate) in `perf`.
// The `system-alloc` feature keeps the system allocator, for heap profilers (Cargo.toml).
#[cfg(not(feature = "system-alloc"))]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // Every 10 s each event loop, after sweeping its idle upstream connections, has mimalloc
    // return what it holds free (its delayed purges otherwise wait for that thread's next
    // allocations, which an idle daemon does not make).
    #[cfg(not(feature = "system-alloc"))]
    routex::engine::proxy::client::set_after_sweep(|| {
        // SAFETY: mi_collect only releases memory mimalloc holds free; callable on any thread.
        unsafe { libmimalloc_sys::mi_collect(false) }
    });
    routex::cli::main()
}
