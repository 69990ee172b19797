//! The daemon: one port, served by hyper: the proxied endpoints directly, everything else
//! (admin API, models, count_tokens) through warp 0.4 routes.
//!
//! It is an adapter: it turns HTTP into engine calls and engine results into the admin
//! envelope (`{success, data}` / `{success:false, error:{code, message}}`); it decides
//! nothing a user could observe. It takes an already-bound listener so tests can bind
//! `127.0.0.1:0`. Called by `cli::serve`.

pub mod admin;
pub mod api;
mod dashboard;
pub mod proxy;

use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use warp::Filter;

use crate::engine::access::{self, AccessPolicy, OriginVerdict, Refusal};
use crate::engine::config::Config;
use crate::engine::proxy::{Proxy, ProxyConfig};
use crate::engine::records::Recorder;
use crate::engine::sinks::TeeRunner;
use crate::engine::Engine;
use crate::secret::Secret;

/// Everything the daemon's handlers share.
pub struct AppState {
    /// The engine.
    pub engine: Arc<Engine>,
    /// The tee sinks' runner (None when the request log is off: tees copy its records).
    pub tees: Option<TeeRunner>,
    /// The effective configuration.
    pub config: Config,
    /// The data directory (for disk checks).
    pub data_dir: PathBuf,
    /// Start time, for uptime.
    pub started: Instant,
    /// The proxy's request path.
    pub proxy: Arc<Proxy>,
    /// The Host and Origin rules (see `engine::access`).
    pub access: AccessPolicy,
    /// This run's local token: written to `daemon.json` for the CLI of the same user;
    /// accepted wherever the admin token is.
    pub local_token: Secret,
    /// Connections open now, on every event loop.
    pub connections: AtomicUsize,
    /// Connections served at once (`server.max_connections`, or derived from the
    /// open-file limit); past it a connection is closed at once.
    pub max_connections: usize,
    /// Past this many open connections, a new connection is in the reserve: its proxied
    /// requests get a 503 while the count stays above, health and the admin API answer.
    pub proxy_connections: usize,
    /// Request bodies held in memory (`server.body_memory_mb`).
    pub bodies: proxy::BodyBudget,
    /// Readiness (set by [`serve`]) and the store's cached write probe.
    pub health: crate::engine::health::Health,
    /// The cache warmer (`engine::cache`); its background part is started by `routex serve`.
    pub cache: Arc<crate::engine::cache::Warmer>,
}

impl AppState {
    /// Build the state.
    pub fn new(engine: Arc<Engine>, config: Config, data_dir: PathBuf, recorder: Recorder) -> Arc<AppState> {
        let tees = if recorder.enabled() {
            TeeRunner::start(engine.clone(), data_dir.clone(), recorder.clone())
                .map_err(|e| log::error!("cannot start the tee runner, so no tee copies records: {e}"))
                .ok()
        } else {
            None
        };
        let proxy = Proxy::new(engine.clone(), ProxyConfig::from_config(&config), recorder)
            .with_affinity(config.session.capacity, std::time::Duration::from_secs(config.session.ttl_s));
        proxy.metrics().configure(&config.metrics);
        let bound = config.server.host.parse::<std::net::IpAddr>().ok();
        let mut hosts = config.server.allowed_hosts.clone();
        if bound.is_none() {
            // Bound by name (`--host myhost.lan`): that name is the daemon's own.
            hosts.push(config.server.host.clone());
        }
        let access = AccessPolicy::new(bound, &hosts, &config.server.cors_origins);
        let max_connections = match config.server.max_connections {
            0 => derived_max_connections(),
            n => n,
        };
        let bodies = proxy::BodyBudget::new(config.server.body_memory_mb * 1024 * 1024);
        // Team mode (docs/team.md): the link starts once the proxy it applies to exists.
        let shared = config
            .redis
            .as_ref()
            .map(|url| crate::engine::shared::Shared::new(url, std::time::Duration::from_secs(config.session.ttl_s)));
        let proxy = match &shared {
            Some(s) => proxy.with_shared(s.clone()),
            None => proxy,
        };
        let proxy = Arc::new(proxy);
        if let Some(s) = shared {
            let apply: std::sync::Weak<Proxy> = Arc::downgrade(&proxy);
            s.start(apply);
        }
        let cache =
            Arc::new(crate::engine::cache::Warmer::new(engine.clone(), Some(proxy.clone()), config.cache.clone()));
        Arc::new(AppState {
            engine,
            config,
            data_dir,
            started: Instant::now(),
            proxy,
            access,
            local_token: access::new_local_token(),
            connections: AtomicUsize::new(0),
            max_connections,
            proxy_connections: max_connections - reserve(max_connections),
            bodies,
            health: Default::default(),
            tees,
            cache,
        })
    }

    /// Whether `Authorization` carries the admin token or this run's local token.
    pub fn token_accepted(&self, authorization: Option<&str>) -> bool {
        access::token_accepted(authorization, self.config.server.admin_token.as_ref(), Some(&self.local_token))
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
    // The config was applied before the state was built, and every loop is started.
    state.health.set_ready(true);
    let st = state.clone();
    let relay = tokio::spawn(async move {
        shutdown.await;
        st.health.set_ready(false);
        let _ = stop_tx.send(true);
    });
    let traces = state.proxy.traces().clone();
    serve_loop(state, listener, stopped(stop_rx)).await;
    relay.abort();
    for h in loops {
        let _ = tokio::task::spawn_blocking(move || h.join()).await;
    }
    // Spans still waiting for the OTLP export go out (bounded by tracing.otlp.timeout_s).
    let _ = tokio::task::spawn_blocking(move || traces.flush()).await;
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

/// One event loop: accept on `listener` until `shutdown`, serve each connection (HTTP/1.1
/// or HTTP/2) with [`Service`], then wait for the open connections to finish.
async fn serve_loop(
    state: Arc<AppState>,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let routes = proxy::routes(state.clone()).or(admin::routes(state.clone())).unify().boxed();
    // Upstream connections the cache warmer asks this loop to open ahead (engine::cache).
    let preconnects = tokio::spawn(crate::engine::proxy::preconnect_loop(Arc::downgrade(&state.proxy)));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let header_timeout = Duration::from_secs(state.config.server.header_timeout_s);
    // One connection builder for this loop and one for the reserve, cloned per connection.
    let builder = |timeout: Duration| {
        let mut b = hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new());
        b.http1().timer(hyper_util::rt::TokioTimer::new()).header_read_timeout(timeout);
        b
    };
    let reserve_timeout = RESERVE_HEADER_TIMEOUT.min(header_timeout);
    let (normal, in_reserve) = (builder(header_timeout), builder(reserve_timeout));
    let mut shutdown = std::pin::pin!(shutdown);
    // Tells connections still waiting for their first byte that the daemon is stopping:
    // `graceful.shutdown()` waits for every connection, and one that never sends (an HTTP
    // client's spare connection from a connect race, idle in its pool) would otherwise
    // hold the stop for the whole header timeout.
    let (stopping_tx, stopping) = tokio::sync::watch::channel(false);
    loop {
        let io = tokio::select! {
            r = listener.accept() => match r {
                Ok((io, _)) => io,
                Err(e) => {
                    accept_error(e).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let open = state.connections.fetch_add(1, Ordering::Relaxed) + 1;
        let counted = Counted(state.clone());
        if open > state.max_connections {
            // Closed at once: the descriptor is back before the next accept.
            drop(io);
            continue;
        }
        let reserve = open > state.proxy_connections;
        let (builder, header_timeout) =
            if reserve { (in_reserve.clone(), reserve_timeout) } else { (normal.clone(), header_timeout) };
        let svc = Service { state: state.clone(), routes: routes.clone(), reserve };
        let watcher = graceful.watcher();
        let mut stopping = stopping.clone();
        tokio::spawn(async move {
            let _counted = counted;
            // A client that connects and sends nothing never reaches HTTP/1.1's header
            // timeout (hyper waits for the bytes that tell HTTP/1.1 from HTTP/2 first).
            // Nor does it keep a stopping daemon waiting: it had sent nothing, so closing it
            // loses nothing (as hyper closes an idle keep-alive connection).
            let mut one = [0u8; 1];
            let first_byte = tokio::time::timeout(header_timeout, io.peek(&mut one));
            tokio::select! {
                // A first byte already there is served: its request is answered.
                biased;
                r = first_byte => match r {
                    Ok(Ok(n)) if n > 0 => {}
                    _ => return,
                },
                _ = stopping.wait_for(|s| *s) => return,
            }
            let conn = builder.serve_connection_with_upgrades(hyper_util::rt::TokioIo::new(io), svc).into_owned();
            if let Err(e) = watcher.watch(conn).await {
                log::debug!("connection ended with an error: {e}");
            }
        });
    }
    drop(listener);
    let _ = stopping_tx.send(true);
    preconnects.abort();
    graceful.shutdown().await;
}

/// One open connection, counted in [`AppState::connections`] until dropped.
struct Counted(Arc<AppState>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.connections.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The header timeout of a connection accepted into the reserve: a health check sends its
/// request at once; a slow client there is let go quickly so the reserve stays free.
const RESERVE_HEADER_TIMEOUT: Duration = Duration::from_secs(2);

/// The reserve kept for health and the admin API out of `max` connections: a sixteenth,
/// between 1 and 256.
fn reserve(max: usize) -> usize {
    (max / 16).clamp(1, 256)
}

/// `server.max_connections: 0`: raise the open-file limit to its hard limit, then serve
/// half of it, less 256 descriptors for the store, the logs and the listening socket (each
/// proxied request also holds an upstream connection), at least 64 and at most 65,536.
fn derived_max_connections() -> usize {
    let fds = raise_fd_limit().unwrap_or(1024);
    ((fds.saturating_sub(256)) / 2).clamp(64, 65_536) as usize
}

/// Raise the soft open-file limit to the hard limit; the limit in effect.
fn raise_fd_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        let mut l = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        // SAFETY: a valid rlimit out-pointer.
        if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut l) } != 0 {
            return None;
        }
        if l.rlim_cur < l.rlim_max {
            let raised = libc::rlimit { rlim_cur: l.rlim_max, rlim_max: l.rlim_max };
            // SAFETY: a valid rlimit.
            if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
                l.rlim_cur = l.rlim_max;
            }
        }
        #[allow(clippy::unnecessary_cast)] // rlim_t is not u64 everywhere
        Some(l.rlim_cur as u64)
    }
    #[cfg(not(unix))]
    None
}

/// Accept errors: a connection that died in the backlog is skipped; anything else (out
/// of file descriptors) is logged and accepting pauses briefly instead of spinning.
async fn accept_error(e: std::io::Error) {
    use std::io::ErrorKind::*;
    if matches!(e.kind(), ConnectionAborted | ConnectionReset | ConnectionRefused | Interrupted) {
        return;
    }
    log::error!("accepting a connection failed: {e}");
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
}

/// Per connection: the proxied endpoints go straight to [`proxy::handle`]; every other
/// request through warp's routes.
#[derive(Clone)]
struct Service {
    state: Arc<AppState>,
    routes: warp::filters::BoxedFilter<(warp::reply::Response,)>,
    /// Accepted into the reserve (see [`AppState::proxy_connections`]).
    reserve: bool,
}

type Answer = Result<warp::reply::Response, std::convert::Infallible>;

impl hyper::service::Service<hyper::Request<hyper::body::Incoming>> for Service {
    type Response = warp::reply::Response;
    type Error = std::convert::Infallible;
    type Future = std::pin::Pin<Box<dyn Future<Output = Answer> + Send>>;

    fn call(&self, req: hyper::Request<hyper::body::Incoming>) -> Self::Future {
        let verdict = match admit(&self.state.access, &req) {
            Ok(v) => v,
            Err(refusal) => return Box::pin(std::future::ready(Ok(refuse(&req, refusal)))),
        };
        if verdict == OriginVerdict::Cors {
            return self.cors(req);
        }
        if self.reserve {
            // One request per connection of the reserve: it idles out after two seconds,
            // and a client that reused it just then would see its request fail.
            let answer = self.dispatch(req);
            return Box::pin(async move {
                let mut r = answer.await?;
                r.headers_mut().insert(warp::http::header::CONNECTION, warp::http::HeaderValue::from_static("close"));
                Ok(r)
            });
        }
        self.dispatch(req)
    }
}

impl Service {
    /// An admitted request: the proxied endpoints straight to [`proxy::handle`] (after the
    /// reserve's check), every other request through warp's routes.
    fn dispatch(
        &self,
        req: hyper::Request<hyper::body::Incoming>,
    ) -> <Self as hyper::service::Service<hyper::Request<hyper::body::Incoming>>>::Future {
        if let Some((p, endpoint)) = proxy::endpoint(req.uri().path()) {
            if let Some(r) = self.over_limit(p) {
                return Box::pin(std::future::ready(Ok(r)));
            }
            let state = self.state.clone();
            return Box::pin(async move { Ok(proxy::handle(state, p, endpoint, None, req).await) });
        }
        if let Some((endpoint, model)) = crate::protocol::convert::gemini_client::endpoint(req.uri().path()) {
            let p = crate::protocol::Protocol::Gemini;
            if let Some(r) = self.over_limit(p) {
                return Box::pin(std::future::ready(Ok(r)));
            }
            let (state, model) = (self.state.clone(), Some(model.to_string()));
            return Box::pin(async move { Ok(proxy::handle(state, p, endpoint, model, req).await) });
        }
        let mut warp = warp::service(self.routes.clone());
        Box::pin(tower_service::Service::call(&mut warp, req))
    }

    /// A proxied request on a connection of the reserve while the daemon is still past
    /// its proxy share: the 503 in the client's protocol. One atomic load, on reserve
    /// connections only.
    fn over_limit(&self, p: crate::protocol::Protocol) -> Option<warp::reply::Response> {
        if self.reserve && self.state.connections.load(Ordering::Relaxed) > self.state.proxy_connections {
            let e = crate::engine::proxy::ProxyError::TooManyConnections { limit: self.state.max_connections };
            return Some(proxy::into_response(e.into_outbound(p)));
        }
        None
    }

    /// A request from an origin listed in `server.cors_origins`: a preflight is answered
    /// here; anything else is served as usual and its answer names the origin.
    fn cors(
        &self,
        req: hyper::Request<hyper::body::Incoming>,
    ) -> <Self as hyper::service::Service<hyper::Request<hyper::body::Incoming>>>::Future {
        use warp::http::{header, HeaderValue};
        let origin = req.headers().get(header::ORIGIN).cloned().expect("a CORS verdict has an origin");
        if req.method() == warp::http::Method::OPTIONS {
            let mut r = warp::reply::Response::new(Default::default());
            *r.status_mut() = warp::http::StatusCode::NO_CONTENT;
            let h = r.headers_mut();
            h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET, POST, PUT, DELETE, OPTIONS"));
            if let Some(asked) = req.headers().get(header::ACCESS_CONTROL_REQUEST_HEADERS) {
                h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, asked.clone());
            }
            h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
            h.insert(header::VARY, HeaderValue::from_static("Origin"));
            return Box::pin(std::future::ready(Ok(r)));
        }
        let answer = self.dispatch(req);
        Box::pin(async move {
            let mut r = answer.await?;
            let h = r.headers_mut();
            h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            h.append(header::VARY, HeaderValue::from_static("Origin"));
            h.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static(EXPOSED));
            Ok(r)
        })
    }
}

/// The response headers a listed web origin may read.
const EXPOSED: &str = "x-request-id, x-trace-id, x-span-id, x-channel-id, x-channel-name, x-routing-rule, \
                       x-latency-ms, x-routex-overhead-us, x-routex-attempts, retry-after, request-id";

/// The browser door, before any routing: the Host rule, the Origin rule, and JSON-only
/// writes (admin API writes must be `application/json`; proxied endpoints refuse the
/// content types a browser sends cross-site without asking). Four header look-ups when
/// nothing is wrong (Host, Origin, Sec-Fetch-Site, Content-Type; ~1.2k instructions).
fn admit<B>(access: &AccessPolicy, req: &hyper::Request<B>) -> Result<OriginVerdict, Refusal> {
    use warp::http::{header, Method};
    let headers = req.headers();
    let text = |name: &header::HeaderName| headers.get(name).map(|v| v.to_str().unwrap_or("\u{fffd}"));
    // HTTP/2 carries the host in the URI (`:authority`), HTTP/1.1 in Host.
    let host = req.uri().authority().map(|a| a.as_str()).or_else(|| text(&header::HOST));
    access.check_host(host)?;
    let verdict = access.check_origin(text(&header::ORIGIN), host, text(&SEC_FETCH_SITE))?;
    let method = req.method();
    if method == Method::POST || method == Method::PUT || method == Method::PATCH {
        let ct = text(&header::CONTENT_TYPE);
        let path = req.uri().path();
        if path == "/api" || path.starts_with("/api/") {
            if !access::is_json(ct) {
                return Err(access::admin_needs_json(ct));
            }
        } else if access::is_browser_simple(ct) {
            return Err(access::proxy_needs_json(ct.unwrap_or_default()));
        }
    }
    Ok(verdict)
}

static SEC_FETCH_SITE: warp::http::HeaderName = warp::http::HeaderName::from_static("sec-fetch-site");

/// A refusal in the caller's own terms: the client protocol's error shape on the proxied
/// endpoints, the admin envelope everywhere else.
fn refuse<B>(req: &hyper::Request<B>, r: Refusal) -> warp::reply::Response {
    log::warn!("refused {} {}: {}", req.method(), req.uri().path(), r.message);
    let status = warp::http::StatusCode::from_u16(r.status).unwrap_or(warp::http::StatusCode::FORBIDDEN);
    match proxy::client_protocol(req.uri().path(), req.headers()) {
        Some(p) => proxy::into_response(crate::engine::proxy::client_error(p, r.status, &r.message)),
        None => api::error(status, r.code, r.message),
    }
}

/// TCP_NODELAY on the listening socket: Linux copies it to every accepted connection
/// (one setsockopt instead of one per connection). Without it, small SSE writes on a keep-alive
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
