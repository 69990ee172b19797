//! The daemon: warp 0.4 serving the admin API (and, as it grows, the proxy) on one port.
//!
//! It is an adapter: it turns HTTP into engine calls and engine results into the admin
//! envelope (`{success, data}` / `{success:false, error:{code, message}}`); it decides
//! nothing a user could observe. It takes an already-bound listener so tests can bind
//! `127.0.0.1:0`. Called by `cli::serve`.

pub mod admin;
pub mod api;
pub mod proxy;

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;
use warp::Filter;

use crate::engine::config::Config;
use crate::engine::proxy::{Proxy, ProxyConfig};
use crate::engine::records::Recorder;
use crate::engine::Engine;

/// Everything the daemon's handlers share.
pub struct AppState {
    /// The engine.
    pub engine: Arc<Engine>,
    /// The effective configuration.
    pub config: Config,
    /// The data directory (for disk checks).
    pub data_dir: PathBuf,
    /// Start time, for uptime.
    pub started: Instant,
    /// The proxy's request path.
    pub proxy: Arc<Proxy>,
}

impl AppState {
    /// Build the state.
    pub fn new(engine: Arc<Engine>, config: Config, data_dir: PathBuf, recorder: Recorder) -> Arc<AppState> {
        let proxy = Proxy::new(engine.clone(), ProxyConfig::from_config(&config), recorder)
            .with_affinity(config.session.capacity, std::time::Duration::from_secs(config.session.ttl_s));
        Arc::new(AppState { engine, config, data_dir, started: Instant::now(), proxy: Arc::new(proxy) })
    }
}

/// Serve until `shutdown` resolves, then finish in-flight requests and return.
///
/// Connections are served by `server.workers` event loops (0: one per CPU core), each a
/// single-threaded tokio runtime on its own thread accepting from the same listening
/// socket — this one included, on the caller's runtime. A connection, its requests, their
/// upstream connections (each loop keeps its own pool) and their streams stay on the loop
/// that accepted it: no task hops threads, so no futex wake-up and context switch per
/// response, which under load cost more than the proxying itself on a work-stealing
/// runtime (Envoy's and nginx's model).
pub async fn serve(
    state: Arc<AppState>,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    set_nodelay(&listener);
    let workers = match state.config.server.workers {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut loops = Vec::new();
    let mut listener = listener;
    if workers > 1 {
        let std_listener = match listener.into_std() {
            Ok(l) => l,
            Err(e) => return log::error!("cannot hand the listening socket to the event loops: {e}"),
        };
        for i in 1..workers {
            match spawn_loop(i, &state, &std_listener, stop_rx.clone()) {
                Ok(h) => loops.push(h),
                Err(e) => log::warn!("event loop {i} did not start ({e}); serving on {i}"),
            }
            if loops.len() < i {
                break;
            }
        }
        listener = match tokio::net::TcpListener::from_std(std_listener) {
            Ok(l) => l,
            Err(e) => return log::error!("cannot listen on this event loop: {e}"),
        };
    }
    let relay = tokio::spawn(async move {
        shutdown.await;
        let _ = stop_tx.send(true);
    });
    serve_loop(state, listener, stopped(stop_rx)).await;
    relay.abort();
    for h in loops {
        let _ = tokio::task::spawn_blocking(move || h.join()).await;
    }
}

/// Resolves once the daemon is told to stop.
async fn stopped(mut rx: tokio::sync::watch::Receiver<bool>) {
    let _ = rx.wait_for(|stop| *stop).await;
}

/// Event loop `i` on its own thread: a single-threaded runtime accepting on a clone of the
/// listening socket.
fn spawn_loop(
    i: usize,
    state: &Arc<AppState>,
    listener: &std::net::TcpListener,
    stop: tokio::sync::watch::Receiver<bool>,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    let listener = listener.try_clone()?;
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let state = state.clone();
    std::thread::Builder::new().name(format!("routex-loop-{i}")).spawn(move || {
        rt.block_on(async move {
            match tokio::net::TcpListener::from_std(listener) {
                Ok(l) => serve_loop(state, l, stopped(stop)).await,
                Err(e) => log::error!("event loop {i} cannot listen: {e}"),
            }
        })
    })
}

/// One event loop: warp on `listener` until `shutdown`, then drain its connections.
async fn serve_loop(
    state: Arc<AppState>,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let routes = proxy::routes(state.clone()).or(admin::routes(state)).unify().boxed();
    warp::serve(routes).incoming(listener).graceful(shutdown).run().await;
}

/// TCP_NODELAY on the listening socket: Linux copies it to every accepted connection
/// (warp's acceptor cannot be wrapped). Without it, small SSE writes on a keep-alive
/// connection wait for the client's delayed ACK — ~40 ms per stream.
fn set_nodelay(listener: &tokio::net::TcpListener) {
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        let one: libc::c_int = 1;
        // SAFETY: a valid socket fd and a c_int option value of the right size.
        let r = unsafe {
            libc::setsockopt(
                listener.as_raw_fd(),
                libc::IPPROTO_TCP,
                libc::TCP_NODELAY,
                &one as *const libc::c_int as *const libc::c_void,
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            )
        };
        if r != 0 {
            log::warn!("could not set TCP_NODELAY: {}", std::io::Error::last_os_error());
        }
    }
}
