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
pub async fn serve(
    state: Arc<AppState>,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    set_nodelay(&listener);
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
