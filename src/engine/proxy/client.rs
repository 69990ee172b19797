//! The upstream HTTP client: HTTP/1.1 keep-alive connections over rustls (or plain TCP),
//! pooled per event loop, each driven by the request that holds it.
//!
//! hyper-util's pooled client spawns a task per connection: every response then crosses from
//! that task to the request's through a channel and a wake-up, and the pool hashes its key
//! with SipHash on each checkout and return. Here a request checks a connection out, polls
//! it itself while it sends and while it reads the response body, and puts it back when the
//! body has ended: the whole exchange runs in the one task that serves the client, as
//! nginx's event handlers do. Measured with callgrind on the bare proxy of
//! `examples/hyper_floor.rs`, 48.7k → 42.4k instructions per request (−13 %); routex
//! itself 84.7k → 77.4k (−8.6 %).
//!
//! Upstreams are spoken to in HTTP/1.1 (ALPN `http/1.1`), one request per connection at a
//! time, like nginx's `proxy_pass` with keep-alive. A connection idle for 90 s, or found
//! closed by the upstream, is dropped; at most 256 stay idle per upstream host and loop,
//! and past the 16 most recently used, one not used again within 10 s is closed (a burst's
//! connections do not stay for 90 s with their buffers). Each loop sweeps its pool every
//! 10 s (`proxy/preconnect.rs`), also when no request comes.
//! A request that a reused connection could not even send (the upstream had closed it) goes
//! out once more on a new connection. Used instead of reqwest on the request path: reqwest
//! parsed the URL twice per request and added layers a router does not need. Timeouts
//! (first byte, idle, total) stay with the caller, which knows which one applies.
//!
//! Called by the attempt steps (`attempt.rs`: the request and its response head) and the
//! relay (a stream's body), on the pool of the calling thread (`Proxy::upstream`). It
//! knows nothing of channels, protocols or failover: it sends what it is given.

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Request, StatusCode, Uri};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::client::conn::http1::{Connection, SendRequest};
use hyper_rustls::MaybeHttpsStream;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioIo;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

type Connector = hyper_rustls::HttpsConnector<HttpConnector>;
type Io = MaybeHttpsStream<TokioIo<tokio::net::TcpStream>>;
type Conn = Connection<Io, Full<Bytes>>;

/// How long a connection may sit idle in the pool.
const IDLE_FOR: Duration = Duration::from_secs(90);
/// Idle connections kept per upstream host.
const IDLE_MAX: usize = 256;
/// Idle connections per upstream host kept for the whole [`IDLE_FOR`] (the most recently
/// used): a client's usual concurrency finds them warm after a pause.
const KEEP_IDLE: usize = 16;
/// Past [`KEEP_IDLE`], an idle connection not used again within this long is closed. Each
/// holds ~25 KiB (hyper's read and write buffers, its request channel; see
/// bench/results/slow-streams.md): after 9 000 slow streams, 512 of them (256 per loop)
/// stayed for 90 s. What a busy loop needs comes back to the pool sooner than this.
const SURPLUS_IDLE_FOR: Duration = Duration::from_secs(10);
/// How often the idle connections are checked for ones the upstream closed or that expired
/// (on a checkout, and by each loop's timer: [`Upstream::sweep_idle`]).
pub const SWEEP_EVERY: Duration = Duration::from_secs(10);

/// What the binary runs on each event loop after its timed sweep (see [`set_after_sweep`]).
static AFTER_SWEEP: std::sync::OnceLock<fn()> = std::sync::OnceLock::new();

/// Have `f` run on each event loop's thread after its idle sweep, every [`SWEEP_EVERY`]:
/// `src/main.rs` returns mimalloc's freed pages there (the library does not know the
/// allocator). Only the first call counts.
pub fn set_after_sweep(f: fn()) {
    let _ = AFTER_SWEEP.set(f);
}

/// Run what [`set_after_sweep`] set, if anything.
pub(crate) fn after_sweep() {
    if let Some(f) = AFTER_SWEEP.get() {
        f();
    }
}

/// A cheap-to-clone handle on one event loop's connections.
#[derive(Clone)]
pub struct Upstream {
    shared: Arc<Shared>,
}

struct Shared {
    connector: Connector,
    pool: Mutex<Pool>,
}

/// Idle connections by upstream host. Few hosts per proxy, so a list searched in order.
struct Pool {
    hosts: Vec<Host>,
    swept: Instant,
}

struct Host {
    key: Key,
    idle: VecDeque<Idle>,
}

/// Where a connection goes: scheme and authority.
#[derive(PartialEq, Eq)]
struct Key {
    https: bool,
    authority: http::uri::Authority,
}

impl Key {
    fn of(uri: &Uri) -> Result<Key, UpstreamError> {
        let Some(authority) = uri.authority().cloned() else {
            return Err(UpstreamError(format!("the upstream URL {uri} has no host")));
        };
        Ok(Key { https: uri.scheme() == Some(&http::uri::Scheme::HTTPS), authority })
    }
}

/// A connection and its sending half.
struct Lease {
    send: SendRequest<Full<Bytes>>,
    /// None once the connection has ended. Boxed: hyper's connection state is kilobytes, and
    /// inline it made every future holding a lease as large (copied whole when boxed).
    conn: Option<Pin<Box<Conn>>>,
}

struct Idle {
    lease: Lease,
    since: Instant,
}

impl Lease {
    /// Drive the connection (write the request, read the response into the body); drops it
    /// once it has ended, which fails whatever still waits on it.
    fn drive(&mut self, cx: &mut Context<'_>) {
        if let Some(c) = self.conn.as_mut() {
            if c.as_mut().poll(cx).is_ready() {
                self.conn = None;
            }
        }
    }

    /// Still open and ready for another request (after one more drive).
    fn reusable(&mut self, cx: &mut Context<'_>) -> bool {
        self.drive(cx);
        self.conn.is_some() && self.send.is_ready()
    }
}

/// An upstream failure, as a short sentence for logs, records and error bodies.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UpstreamError(String);

/// `e` and up to two of its causes, after `what`.
fn sentence(what: &str, e: &(dyn std::error::Error + 'static)) -> UpstreamError {
    let mut msg = what.to_string();
    let mut src = Some(e);
    let mut depth = 0;
    while let Some(s) = src {
        if depth == 3 {
            break;
        }
        let text = s.to_string();
        if !text.is_empty() && !msg.ends_with(&text) {
            msg.push_str(": ");
            msg.push_str(&text);
        }
        src = s.source();
        depth += 1;
    }
    UpstreamError(msg)
}

impl Upstream {
    /// A pool with the given connect timeout.
    pub fn new(connect_timeout: Duration) -> Upstream {
        let connector = crate::util::https::connector(connect_timeout);
        let pool = Mutex::new(Pool { hosts: Vec::new(), swept: Instant::now() });
        Upstream { shared: Arc::new(Shared { connector, pool }) }
    }

    /// POST `body` to `uri` and wait for the response head. The connection stays with the
    /// response until its body has been read to the end. `again` makes the headers once
    /// more, for the rare request that must go again on a new connection after it was
    /// sent (so that the usual one does not pay for a copy).
    pub async fn post(
        &self,
        uri: Uri,
        headers: HeaderMap,
        body: Bytes,
        again: impl Fn() -> HeaderMap,
    ) -> Result<Response, UpstreamError> {
        let key = Key::of(&uri)?;
        let host = host_header(&uri).map_err(|e| sentence("the request is invalid", &e))?;
        let with_host = |mut h: HeaderMap| {
            if !h.contains_key(http::header::HOST) {
                h.insert(http::header::HOST, host.clone());
            }
            h
        };
        // HTTP/1.1 asks for the origin form: the path and query only.
        let mut origin = http::uri::Parts::default();
        origin.path_and_query =
            Some(uri.path_and_query().cloned().unwrap_or_else(|| http::uri::PathAndQuery::from_static("/")));
        let origin = Uri::from_parts(origin).map_err(|e| sentence("the request is invalid", &e))?;
        let request = |headers: HeaderMap, body: Bytes| {
            let mut req = Request::new(Full::new(body));
            *req.method_mut() = http::Method::POST;
            *req.uri_mut() = origin.clone();
            *req.headers_mut() = headers;
            req
        };
        let mut fresh_only = false;
        let mut unsent = Some(request(with_host(headers), body.clone()));
        loop {
            let pooled =
                if fresh_only { None } else { std::future::poll_fn(|cx| Poll::Ready(self.checkout(&key, cx))).await };
            let reused = pooled.is_some();
            let mut lease = match pooled {
                Some(l) => l,
                None => self.connect(&uri).await?,
            };
            let req = match unsent.take() {
                Some(r) => r,
                None => request(with_host(again()), body.clone()),
            };
            let mut sent = std::pin::pin!(lease.send.try_send_request(req));
            let answer = std::future::poll_fn(|cx| {
                lease.drive(cx);
                sent.as_mut().poll(cx)
            })
            .await;
            match answer {
                Ok(r) => {
                    let (parts, body) = r.into_parts();
                    return Ok(Response {
                        status: parts.status,
                        headers: parts.headers,
                        body,
                        lease: Some((lease, key, self.shared.clone())),
                    });
                }
                Err(mut e) => match e.take_message() {
                    // Not sent at all: the reused connection had been closed. Once more, on a new one.
                    Some(back) if reused => {
                        unsent = Some(back);
                        fresh_only = true;
                    }
                    // Sent, then the connection closed without a byte of answer: the upstream
                    // closed it while idle just as the request went out (the keep-alive race).
                    // Once more, on a new one; the failover loop would send it to the next
                    // channel anyway.
                    None if reused && closed_before_answer(e.error()) => {
                        log::debug!("a reused upstream connection closed under the request; sending it again");
                        fresh_only = true;
                    }
                    _ => return Err(sentence("the request failed", &e.into_error())),
                },
            }
        }
    }

    /// Open a connection to `uri`'s host (DNS, TCP, TLS for https, the HTTP/1.1 handshake)
    /// and put it in the idle pool, so that the next request to that host does not pay for
    /// the handshakes; nothing when one is idle there already. Returns whether it opened
    /// one. The cache warmer calls it on each event loop (`proxy/preconnect.rs`).
    pub async fn preconnect(&self, uri: &Uri) -> Result<bool, UpstreamError> {
        let key = Key::of(uri)?;
        let idle = |pool: &Pool| pool.hosts.iter().any(|h| h.key == key && !h.idle.is_empty());
        if idle(&self.shared.pool.lock().unwrap_or_else(|p| p.into_inner())) {
            return Ok(false);
        }
        let lease = self.connect(uri).await?;
        let mut pool = self.shared.pool.lock().unwrap_or_else(|p| p.into_inner());
        if idle(&pool) {
            return Ok(false);
        }
        pool.put(key, lease);
        Ok(true)
    }

    /// Drop the idle connections that expired or that the upstream closed, now; returns how
    /// many were closed. Each event loop calls it every [`SWEEP_EVERY`], so that a pool no
    /// request touches any more does not keep a burst's connections (and their descriptors,
    /// half-closed by the upstream) for ever.
    pub fn sweep_idle(&self) -> usize {
        self.shared.pool.lock().unwrap_or_else(|p| p.into_inner()).sweep_now()
    }

    /// Close every idle connection (the cache warmer's `connections` invalidation).
    pub fn close_idle(&self) {
        self.shared.pool.lock().unwrap_or_else(|p| p.into_inner()).hosts.clear();
    }

    /// An idle connection to `key` that is still open, if any (most recently used first).
    /// Each is driven once with `cx` to learn whether the upstream closed it while idle.
    fn checkout(&self, key: &Key, cx: &mut Context<'_>) -> Option<Lease> {
        let mut pool = self.shared.pool.lock().unwrap_or_else(|p| p.into_inner());
        pool.sweep();
        let host = pool.hosts.iter_mut().find(|h| &h.key == key)?;
        while let Some(mut idle) = host.idle.pop_back() {
            if idle.since.elapsed() < IDLE_FOR && idle.lease.reusable(cx) {
                return Some(idle.lease);
            }
        }
        None
    }

    /// A new connection: TCP (and TLS for https), then the HTTP/1.1 handshake.
    async fn connect(&self, uri: &Uri) -> Result<Lease, UpstreamError> {
        use tower_service::Service as _;
        let mut connector = self.shared.connector.clone();
        std::future::poll_fn(|cx| connector.poll_ready(cx)).await.map_err(|e| sentence("could not connect", &*e))?;
        let io = connector.call(uri.clone()).await.map_err(|e| sentence("could not connect", &*e))?;
        let (send, conn) = hyper::client::conn::http1::Builder::new()
            .handshake(io)
            .await
            .map_err(|e| sentence("could not connect", &e))?;
        Ok(Lease { send, conn: Some(Box::pin(conn)) })
    }
}

/// Whether the connection closed or was reset before any byte of the answer: hyper's
/// "connection closed before message completed", or a reset / broken pipe underneath.
fn closed_before_answer(e: &hyper::Error) -> bool {
    if e.is_incomplete_message() {
        return true;
    }
    let mut src: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(s) = src {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            return matches!(io.kind(), ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof);
        }
        src = s.source();
    }
    false
}

/// The `Host` header for `uri`: host, and port unless it is the scheme's default. Never
/// the userinfo of a URL like `http://user:secret@host/`.
fn host_header(uri: &Uri) -> Result<HeaderValue, http::header::InvalidHeaderValue> {
    let host = uri.host().unwrap_or_default();
    let default = if uri.scheme() == Some(&http::uri::Scheme::HTTPS) { 443 } else { 80 };
    match uri.port_u16() {
        Some(p) if p != default => HeaderValue::from_str(&format!("{host}:{p}")),
        _ => HeaderValue::from_str(host),
    }
}

impl Pool {
    /// Every [`SWEEP_EVERY`]: drop idle connections that expired or that the upstream closed.
    fn sweep(&mut self) {
        if self.swept.elapsed() >= SWEEP_EVERY {
            self.sweep_now();
        }
    }

    /// Drop what expired (past [`KEEP_IDLE`] per host: unused for [`SURPLUS_IDLE_FOR`];
    /// else for [`IDLE_FOR`]) or was closed by the upstream; returns how many.
    fn sweep_now(&mut self) -> usize {
        self.swept = Instant::now();
        let mut cx = Context::from_waker(std::task::Waker::noop());
        let mut closed = 0;
        for h in &mut self.hosts {
            let before = h.idle.len();
            // Oldest first: the first `surplus` are the least recently used.
            let surplus = before.saturating_sub(KEEP_IDLE);
            let mut i = 0;
            h.idle.retain_mut(|c| {
                let limit = if i < surplus { SURPLUS_IDLE_FOR } else { IDLE_FOR };
                i += 1;
                c.since.elapsed() < limit && c.lease.reusable(&mut cx)
            });
            closed += before - h.idle.len();
        }
        self.hosts.retain(|h| !h.idle.is_empty());
        closed
    }

    fn put(&mut self, key: Key, lease: Lease) {
        let idle = Idle { lease, since: Instant::now() };
        match self.hosts.iter_mut().find(|h| h.key == key) {
            Some(h) if h.idle.len() < IDLE_MAX => h.idle.push_back(idle),
            Some(_) => {}
            None => self.hosts.push(Host { key, idle: VecDeque::from([idle]) }),
        }
    }
}

/// A response whose body is read as it arrives. Its connection goes back to the pool when
/// the body has been read to the end; dropped earlier, the connection is closed.
pub struct Response {
    status: StatusCode,
    headers: HeaderMap,
    body: Incoming,
    lease: Option<(Lease, Key, Arc<Shared>)>,
}

impl Response {
    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The headers, moved out (an empty map stays behind).
    pub fn take_headers(&mut self) -> HeaderMap {
        std::mem::take(&mut self.headers)
    }

    /// The next chunk of the body; None at its end.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, UpstreamError> {
        std::future::poll_fn(|cx| self.poll_chunk(cx)).await
    }

    /// [`Response::chunk`] as a poll, for a body the server polls itself. Trailers and empty
    /// frames are skipped.
    pub fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Result<Option<Bytes>, UpstreamError>> {
        use hyper::body::Body as _;
        if let Some((lease, _, _)) = self.lease.as_mut() {
            lease.drive(cx);
        }
        loop {
            match Pin::new(&mut self.body).poll_frame(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => {
                    self.release(cx);
                    return Poll::Ready(Ok(None));
                }
                Poll::Ready(Some(Err(e))) => {
                    self.lease = None;
                    return Poll::Ready(Err(sentence("the connection broke while reading the response", &e)));
                }
                Poll::Ready(Some(Ok(frame))) => {
                    if let Ok(data) = frame.into_data() {
                        if !data.is_empty() {
                            return Poll::Ready(Ok(Some(data)));
                        }
                    }
                }
            }
        }
    }

    /// The body has ended: the connection back to the pool if it can carry another request.
    fn release(&mut self, cx: &mut Context<'_>) {
        if let Some((mut lease, key, shared)) = self.lease.take() {
            if lease.reusable(cx) {
                shared.pool.lock().unwrap_or_else(|p| p.into_inner()).put(key, lease);
            }
        }
    }

    /// The whole body.
    pub async fn bytes(mut self) -> Result<Bytes, UpstreamError> {
        let mut all = bytes::BytesMut::new();
        let mut first: Option<Bytes> = None;
        while let Some(b) = self.chunk().await? {
            match first.take() {
                None if all.is_empty() => first = Some(b),
                Some(f) => {
                    all.extend_from_slice(&f);
                    all.extend_from_slice(&b);
                }
                None => all.extend_from_slice(&b),
            }
        }
        Ok(first.unwrap_or_else(|| all.freeze()))
    }
}

impl Drop for Response {
    /// A server that stops polling once it has written `content-length` bytes never sees the
    /// end: the body ended all the same, so the connection can still go back.
    fn drop(&mut self) {
        use hyper::body::Body as _;
        if self.lease.is_some() && self.body.is_end_stream() {
            self.release(&mut Context::from_waker(std::task::Waker::noop()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_refused_connection_reads_as_a_sentence() {
        // A port nothing listens on: bind, note it, close.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let up = Upstream::new(Duration::from_secs(2));
        let uri: Uri = format!("http://127.0.0.1:{port}/v1/messages").parse().unwrap();
        let e = up.post(uri, HeaderMap::new(), Bytes::from_static(b"{}"), HeaderMap::new).await.err().expect("refused");
        let msg = e.to_string();
        assert!(msg.starts_with("could not connect: "), "{msg}");
        assert!(msg.to_lowercase().contains("refused"), "{msg}");
    }

    /// How the loopback upstream below treats a connection after each response.
    #[derive(Clone, Copy)]
    enum After {
        /// Keep it open for the next request.
        KeepOpen,
        /// Close it 20 ms later without saying so (no `connection: close`): an upstream's
        /// keep-alive timeout.
        CloseSilently,
    }

    /// What the upstream saw: per request, the connection number and the request head.
    type Seen = Arc<Mutex<Vec<(usize, String)>>>;

    /// A raw HTTP/1.1 upstream on loopback answering `ok` (body sent in two parts, 30 ms
    /// apart, when `slow_body`), recording what it received.
    async fn upstream(after: After, slow_body: bool) -> (std::net::SocketAddr, Seen) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = l.local_addr().unwrap();
        let seen: Seen = Default::default();
        let log = seen.clone();
        tokio::spawn(async move {
            let mut n = 0;
            while let Ok((mut s, _)) = l.accept().await {
                n += 1;
                let (conn, log) = (n, log.clone());
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    loop {
                        let mut chunk = [0u8; 4096];
                        let end = loop {
                            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                                break i + 4;
                            }
                            match s.read(&mut chunk).await {
                                Ok(0) | Err(_) => return,
                                Ok(k) => buf.extend_from_slice(&chunk[..k]),
                            }
                        };
                        let head = String::from_utf8_lossy(&buf[..end]).into_owned();
                        let len: usize = head
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_string())
                            })
                            .and_then(|v| v.parse().ok())
                            .unwrap_or(0);
                        while buf.len() < end + len {
                            match s.read(&mut chunk).await {
                                Ok(0) | Err(_) => return,
                                Ok(k) => buf.extend_from_slice(&chunk[..k]),
                            }
                        }
                        buf.drain(..end + len);
                        log.lock().unwrap().push((conn, head));
                        if slow_body {
                            let _ = s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\nok").await;
                            tokio::time::sleep(Duration::from_millis(30)).await;
                            let _ = s.write_all(b"ok").await;
                        } else {
                            let _ = s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok").await;
                        }
                        if let After::CloseSilently = after {
                            tokio::time::sleep(Duration::from_millis(20)).await;
                            return;
                        }
                    }
                });
            }
        });
        (addr, seen)
    }

    async fn post(up: &Upstream, addr: std::net::SocketAddr) -> Result<Bytes, UpstreamError> {
        let uri: Uri = format!("http://{addr}/v1/messages?beta=true").parse().unwrap();
        up.post(uri, HeaderMap::new(), Bytes::from_static(b"{\"a\":1}"), HeaderMap::new).await?.bytes().await
    }

    /// A request whose first body chunk is read, then the response dropped.
    async fn first_chunk_only(up: &Upstream, addr: std::net::SocketAddr) -> Bytes {
        let uri: Uri = format!("http://{addr}/v1/messages").parse().unwrap();
        let mut r = up.post(uri, HeaderMap::new(), Bytes::new(), HeaderMap::new).await.unwrap();
        r.chunk().await.unwrap().unwrap()
    }

    /// The connection number of each request the upstream saw.
    fn connections(seen: &Seen) -> Vec<usize> {
        seen.lock().unwrap().iter().map(|(c, _)| *c).collect()
    }

    #[tokio::test]
    async fn a_connection_carries_request_after_request_in_origin_form_with_its_host() {
        let (addr, seen) = upstream(After::KeepOpen, false).await;
        let up = Upstream::new(Duration::from_secs(2));
        for _ in 0..3 {
            assert_eq!(post(&up, addr).await.unwrap(), "ok");
        }
        assert_eq!(connections(&seen), vec![1, 1, 1], "one connection for all three");
        let head = &seen.lock().unwrap()[0].1.clone();
        assert!(head.starts_with("POST /v1/messages?beta=true HTTP/1.1\r\n"), "{head}");
        assert!(head.to_ascii_lowercase().contains(&format!("\r\nhost: {addr}\r\n")), "{head}");
        assert!(head.to_ascii_lowercase().contains("\r\ncontent-length: 7\r\n"), "{head}");
    }

    /// An upstream pool that trusts `tls` (the daemon trusts the webpki roots only).
    fn with_tls(tls: rustls::ClientConfig) -> Upstream {
        let mut http = HttpConnector::new();
        http.set_nodelay(true);
        http.enforce_http(false);
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let pool = Mutex::new(Pool { hosts: Vec::new(), swept: Instant::now() });
        Upstream { shared: Arc::new(Shared { connector, pool }) }
    }

    /// A TLS upstream on loopback (self-signed for `localhost`) answering `ok`; returns its
    /// port, a client config trusting it and the count of connections it accepted.
    async fn tls_upstream() -> (u16, rustls::ClientConfig, Arc<std::sync::atomic::AtomicUsize>) {
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap().self_signed(&key).unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let server = rustls::ServerConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                vec![cert.der().clone()],
                rustls::pki_types::PrivateKeyDer::try_from(key.serialize_der()).unwrap(),
            )
            .unwrap();
        let mut roots = rustls::RootCertStore::empty();
        roots.add(cert.der().clone()).unwrap();
        let client = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(server));
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = l.local_addr().unwrap().port();
        let accepted = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let count = accepted.clone();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = l.accept().await {
                count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let _ = tcp.set_nodelay(true);
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let Ok(tls) = acceptor.accept(tcp).await else { return };
                    let svc = hyper::service::service_fn(|_req| async {
                        Ok::<_, std::convert::Infallible>(hyper::Response::new(Full::new(Bytes::from_static(b"ok"))))
                    });
                    let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(tls), svc).await;
                });
            }
        });
        (port, client, accepted)
    }

    /// The first request to a TLS upstream, with and without a connection opened ahead:
    /// the warm one goes on the connection opened ahead (asserted); the times (response
    /// head, median of 15) are printed for docs/cache.md, not asserted.
    #[tokio::test]
    async fn the_first_request_to_a_tls_upstream_skips_the_handshakes_when_preconnected() {
        let (port, tls, accepted) = tls_upstream().await;
        let uri: Uri = format!("https://localhost:{port}/v1/messages").parse().unwrap();
        let first = |up: Upstream| {
            let uri = uri.clone();
            async move {
                let t = Instant::now();
                let r = up.post(uri, HeaderMap::new(), Bytes::from_static(b"{}"), HeaderMap::new).await.unwrap();
                let ttfb = t.elapsed();
                assert_eq!(r.bytes().await.unwrap(), "ok");
                ttfb
            }
        };
        let (mut cold, mut warm) = (Vec::new(), Vec::new());
        for _ in 0..15 {
            cold.push(first(with_tls(tls.clone())).await);
            let up = with_tls(tls.clone());
            assert!(up.preconnect(&uri).await.unwrap());
            let before = accepted.load(std::sync::atomic::Ordering::SeqCst);
            warm.push(first(up).await);
            assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), before, "no new connection");
        }
        cold.sort();
        warm.sort();
        eprintln!(
            "first request to a loopback TLS upstream, response head: cold {:?}, preconnected {:?} (medians of 15)",
            cold[7], warm[7]
        );
    }

    #[tokio::test]
    async fn a_preconnected_connection_carries_the_first_request() {
        let (addr, seen) = upstream(After::KeepOpen, false).await;
        let up = Upstream::new(Duration::from_secs(2));
        let uri: Uri = format!("http://{addr}/").parse().unwrap();
        assert!(up.preconnect(&uri).await.unwrap(), "opened one");
        assert!(!up.preconnect(&uri).await.unwrap(), "one is idle already");
        assert_eq!(post(&up, addr).await.unwrap(), "ok");
        assert_eq!(connections(&seen), vec![1], "the first request went on the connection opened ahead");
        up.close_idle();
        assert_eq!(post(&up, addr).await.unwrap(), "ok");
        assert_eq!(connections(&seen), vec![1, 2], "closed: the next request opens a new one");
    }

    #[tokio::test]
    async fn a_connection_the_upstream_closed_while_idle_is_not_used_again() {
        let (addr, seen) = upstream(After::CloseSilently, false).await;
        let up = Upstream::new(Duration::from_secs(2));
        for _ in 0..3 {
            assert_eq!(post(&up, addr).await.unwrap(), "ok");
            tokio::time::sleep(Duration::from_millis(80)).await;
        }
        assert_eq!(connections(&seen), vec![1, 2, 3]);
    }

    #[tokio::test]
    async fn a_body_left_unread_closes_its_connection() {
        let (addr, seen) = upstream(After::KeepOpen, true).await;
        let up = Upstream::new(Duration::from_secs(2));
        assert_eq!(first_chunk_only(&up, addr).await, "ok");
        // The next request must not land on the connection with "ok" still to come.
        assert_eq!(post(&up, addr).await.unwrap(), "okok");
        assert_eq!(post(&up, addr).await.unwrap(), "okok");
        assert_eq!(connections(&seen), vec![1, 2, 2]);
    }

    #[tokio::test]
    async fn a_body_read_to_its_length_frees_its_connection_even_unpolled_after() {
        let (addr, seen) = upstream(After::KeepOpen, false).await;
        let up = Upstream::new(Duration::from_secs(2));
        // All of content-length, and no poll for the end: what hyper's server does.
        assert_eq!(first_chunk_only(&up, addr).await, "ok");
        assert_eq!(post(&up, addr).await.unwrap(), "ok");
        assert_eq!(connections(&seen), vec![1, 1]);
    }

    /// The idle connections of `up`, per host.
    fn idle_count(up: &Upstream) -> usize {
        up.shared.pool.lock().unwrap().hosts.iter().map(|h| h.idle.len()).sum()
    }

    /// Make every idle connection of `up` look idle for `by` longer.
    fn age_idle(up: &Upstream, by: Duration) {
        for h in &mut up.shared.pool.lock().unwrap().hosts {
            for i in &mut h.idle {
                i.since = i.since.checked_sub(by).unwrap_or(i.since);
            }
        }
    }

    #[tokio::test]
    async fn a_bursts_surplus_connections_are_closed_once_unused_the_recent_ones_stay() {
        let (addr, seen) = upstream(After::KeepOpen, true).await;
        let up = Upstream::new(Duration::from_secs(2));
        // 20 at once (each body takes 30 ms): 20 connections, then all idle.
        let burst = futures_util::future::join_all((0..20).map(|_| post(&up, addr))).await;
        assert!(burst.iter().all(|r| r.as_deref().ok() == Some(&b"okok"[..])));
        assert_eq!(idle_count(&up), 20);
        // Just used: a sweep keeps them all.
        assert_eq!(up.sweep_idle(), 0);
        // Unused for longer than SURPLUS_IDLE_FOR: past the KEEP_IDLE most recent, closed.
        age_idle(&up, SURPLUS_IDLE_FOR + Duration::from_secs(1));
        assert_eq!(up.sweep_idle(), 20 - KEEP_IDLE);
        assert_eq!(idle_count(&up), KEEP_IDLE);
        // The ones kept still carry requests: 16 at once open no new connection.
        let again = futures_util::future::join_all((0..KEEP_IDLE).map(|_| post(&up, addr))).await;
        assert!(again.iter().all(|r| r.is_ok()));
        assert!(connections(&seen).iter().all(|&c| c <= 20), "no connection past the burst's 20");
        // Unused for IDLE_FOR: closed too.
        age_idle(&up, IDLE_FOR);
        assert_eq!(up.sweep_idle(), KEEP_IDLE);
        assert_eq!(idle_count(&up), 0);
        assert_eq!(post(&up, addr).await.unwrap(), "okok");
        assert_eq!(connections(&seen).last(), Some(&21), "a new connection after the pool emptied");
    }

    #[test]
    fn the_host_header_has_no_userinfo_and_no_default_port() {
        let h = |u: &str| host_header(&u.parse().unwrap()).unwrap();
        assert_eq!(h("https://api.example.com/v1/messages"), "api.example.com");
        assert_eq!(h("https://api.example.com:443/v1/messages"), "api.example.com");
        assert_eq!(h("http://api.example.com:80/v1"), "api.example.com");
        assert_eq!(h("https://api.example.com:8443/v1"), "api.example.com:8443");
        assert_eq!(h("http://user:secret@127.0.0.1:8080/v1"), "127.0.0.1:8080");
        assert_eq!(h("http://[::1]:9000/v1"), "[::1]:9000");
    }
}
