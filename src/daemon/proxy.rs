//! Proxy routes: `POST /v1/messages` (query strings accepted), `POST /v1/chat/completions`
//! (and `/chat/completions`), `POST /v1/responses` and the Gemini API's `POST
//! /v1beta/models/{model}:generateContent`, `:streamGenerateContent` and `:countTokens`
//! served from hyper directly ([`handle`]); `POST /v1/messages/count_tokens`, `GET
//! /v1/models` and `GET /v1beta/models` as warp routes.
//!
//! An adapter only: it turns the HTTP request into an engine `Inbound` and the engine's
//! `Outbound` into a response; rejections here (body too large) speak the client's
//! protocol, not the admin envelope.

use bytes::Bytes;
use hyper::body::Incoming;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use sync_wrapper::SyncWrapper;
use warp::http::{HeaderMap, Request, StatusCode};
use warp::reply::Response;
use warp::{Filter, Reply};

use super::AppState;
use crate::engine::proxy::{Inbound, OutBody, Outbound, ProxyError, Relay};
use crate::protocol::convert::gemini_client;
use crate::protocol::Protocol;

type Routes = warp::filters::BoxedFilter<(Response,)>;

/// A relayed stream as warp's body. warp asks for a `Sync` stream although the server only
/// ever polls it through `&mut`; `SyncWrapper` gives that without a lock.
struct Chunks(SyncWrapper<Box<Relay>>);

impl futures_util::Stream for Chunks {
    type Item = Result<Bytes, std::io::Error>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Pin::new(&mut **self.0.get_mut()).poll_next(cx)
    }
}

/// The engine's answer as a warp response.
pub fn into_response(o: Outbound) -> Response {
    let mut resp = match o.body {
        OutBody::Full(b) => Response::new(b.into()),
        OutBody::Stream(relay) => warp::reply::stream(Chunks(SyncWrapper::new(relay))).into_response(),
    };
    *resp.status_mut() = StatusCode::from_u16(o.status).unwrap_or(StatusCode::BAD_GATEWAY);
    if resp.headers().is_empty() {
        // Moved, not re-hashed header by header.
        *resp.headers_mut() = o.headers;
    } else {
        resp.headers_mut().extend(o.headers);
    }
    resp
}

#[derive(Debug)]
struct Rejected(Protocol, BodyError);
impl warp::reject::Reject for Rejected {}

/// Why a request body was not read.
#[derive(Debug, Clone, Copy)]
pub(super) enum BodyError {
    /// Over the limit (in bytes).
    TooLarge(u64),
    /// The connection broke while the body was arriving.
    Broken,
    /// Nothing arrived for this many seconds (`server.body_timeout_s`).
    Stalled(u64),
    /// Still arriving after this many seconds (`server.request_timeout_s`).
    TooSlow(u64),
    /// No room in `server.body_memory_mb` (in MiB) within [`BODY_MEMORY_WAIT`].
    NoMemory(u64),
}

impl BodyError {
    /// What the client is told (a broken connection: that the body could not be read).
    fn proxy_error(self) -> ProxyError {
        match self {
            BodyError::TooLarge(limit) => ProxyError::BodyTooLarge { limit_mib: limit / 1024 / 1024 },
            BodyError::Broken => ProxyError::BodyUnreadable,
            BodyError::Stalled(secs) => ProxyError::BodyStalled { secs },
            BodyError::TooSlow(secs) => ProxyError::BodyTooSlow { secs },
            BodyError::NoMemory(limit_mib) => ProxyError::BodyMemoryFull { limit_mib },
        }
    }

    /// The client's answer in its protocol (`None`: the connection broke; nobody to tell).
    fn into_response(self, p: Protocol) -> Option<Response> {
        match self {
            BodyError::Broken => None,
            e => Some(into_response(e.proxy_error().into_outbound(p))),
        }
    }
}

/// The bytes of request bodies held in memory at once (`server.body_memory_mb`), shared
/// by every event loop. Taking and giving back are one atomic each; the `Notify` is only
/// touched when a request is waiting.
pub struct BodyBudget {
    used: AtomicU64,
    cap: u64,
    waiting: AtomicUsize,
    freed: tokio::sync::Notify,
}

/// How long a request waits for room in the body budget before its 503.
pub const BODY_MEMORY_WAIT: Duration = Duration::from_secs(2);

impl BodyBudget {
    /// A budget of `cap` bytes.
    pub fn new(cap: u64) -> BodyBudget {
        BodyBudget { used: AtomicU64::new(0), cap, waiting: AtomicUsize::new(0), freed: tokio::sync::Notify::new() }
    }

    /// Bytes held now.
    pub fn used(&self) -> u64 {
        self.used.load(Ordering::SeqCst)
    }

    fn try_take(&self, n: u64) -> bool {
        self.used.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |u| (u + n <= self.cap).then_some(u + n)).is_ok()
    }

    /// `n` more bytes, waiting up to [`BODY_MEMORY_WAIT`] for others to give theirs back.
    async fn take(&self, n: u64) -> bool {
        if n == 0 || self.try_take(n) {
            return true;
        }
        self.waiting.fetch_add(1, Ordering::SeqCst);
        let deadline = tokio::time::Instant::now() + BODY_MEMORY_WAIT;
        let got = loop {
            let notified = self.freed.notified();
            let mut notified = std::pin::pin!(notified);
            notified.as_mut().enable();
            if self.try_take(n) {
                break true;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                break self.try_take(n);
            }
        };
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        got
    }

    fn give_back(&self, n: u64) {
        if n > 0 {
            self.used.fetch_sub(n, Ordering::SeqCst);
            if self.waiting.load(Ordering::SeqCst) > 0 {
                self.freed.notify_waiters();
            }
        }
    }
}

/// The bytes one request holds in the [`BodyBudget`], given back when it is dropped (when
/// the request ends).
pub(super) struct Lease<'a> {
    budget: Option<&'a BodyBudget>,
    held: u64,
}

impl<'a> Lease<'a> {
    pub(super) fn new(budget: Option<&'a BodyBudget>) -> Lease<'a> {
        Lease { budget, held: 0 }
    }

    /// Hold at least `total` bytes.
    async fn cover(&mut self, total: u64) -> Result<(), BodyError> {
        let Some(b) = self.budget else { return Ok(()) };
        if total > self.held {
            if !b.take(total - self.held).await {
                return Err(BodyError::NoMemory(b.cap / 1024 / 1024));
            }
            self.held = total;
        }
        Ok(())
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let Some(b) = self.budget {
            b.give_back(self.held);
        }
    }
}

/// How a request body is read: its size limit, the longest gap between two pieces, the
/// moment the whole of it must be in.
#[derive(Clone, Copy)]
pub(super) struct BodyRules {
    pub limit: u64,
    pub gap: Duration,
    pub total: Duration,
}

impl BodyRules {
    pub(super) fn of(state: &AppState) -> BodyRules {
        let s = &state.config.server;
        BodyRules {
            limit: s.body_limit_mb * 1024 * 1024,
            gap: Duration::from_secs(s.body_timeout_s),
            total: Duration::from_secs(s.request_timeout_s),
        }
    }
}

/// The body, up to `limit` bytes. A larger body is still read (and dropped) up to
/// [`DRAIN_MAX`] more before the 413 goes out, as nginx's lingering close does: a client
/// still writing its body when the server answers and closes gets a broken pipe instead of
/// the answer.
fn body_for(p: Protocol, rules: BodyRules) -> impl Filter<Extract = (Bytes,), Error = warp::Rejection> + Clone {
    warp::body::stream().and_then(move |stream| async move {
        read_limited(stream, None, rules, &mut Lease::new(None), Instant::now()).await.map_err(|e| match e {
            BodyError::Broken => warp::reject::reject(),
            e => warp::reject::custom(Rejected(p, e)),
        })
    })
}

/// Read a body under `rules`, holding its bytes in `lease` (all of `hint`, the exact size
/// the request announced, at once; else piece by piece). No timer is armed unless the
/// body is not all there already.
pub(super) async fn read_limited<S, B, E>(
    stream: S,
    hint: Option<u64>,
    rules: BodyRules,
    lease: &mut Lease<'_>,
    received: Instant,
) -> Result<Bytes, BodyError>
where
    S: futures_util::Stream<Item = Result<B, E>>,
    B: bytes::Buf,
{
    let limit = rules.limit;
    let mut stream = std::pin::pin!(stream);
    let mut body = match hint {
        Some(n) if n <= limit => {
            lease.cover(n).await?;
            bytes::BytesMut::with_capacity(n as usize)
        }
        _ => bytes::BytesMut::new(),
    };
    let total_deadline = tokio::time::Instant::from_std(received) + rules.total;
    let mut timer: Pin<&mut Option<tokio::time::Sleep>> = std::pin::pin!(None);
    let mut seen: u64 = 0;
    loop {
        let mut armed = false;
        let next = std::future::poll_fn(|cx| {
            if let Poll::Ready(item) = stream.as_mut().poll_next(cx) {
                return Poll::Ready(Ok(item));
            }
            if !armed {
                armed = true;
                let at = (tokio::time::Instant::now() + rules.gap).min(total_deadline);
                match timer.as_mut().as_pin_mut() {
                    Some(t) => t.reset(at),
                    None => timer.set(Some(tokio::time::sleep_until(at))),
                }
            }
            match timer.as_mut().as_pin_mut().map(|t| t.poll(cx)) {
                Some(Poll::Ready(())) => Poll::Ready(Err(())),
                _ => Poll::Pending,
            }
        })
        .await;
        let chunk = match next {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(()) if tokio::time::Instant::now() >= total_deadline => {
                return Err(BodyError::TooSlow(rules.total.as_secs()))
            }
            Err(()) => return Err(BodyError::Stalled(rules.gap.as_secs())),
        };
        let mut chunk = chunk.map_err(|_| BodyError::Broken)?;
        seen += chunk.remaining() as u64;
        if seen > limit {
            if seen > limit + DRAIN_MAX {
                break;
            }
            chunk.advance(chunk.remaining());
            continue;
        }
        lease.cover(seen).await?;
        while chunk.has_remaining() {
            let n = chunk.chunk().len();
            body.extend_from_slice(chunk.chunk());
            chunk.advance(n);
        }
    }
    if seen > limit {
        return Err(BodyError::TooLarge(limit));
    }
    Ok(body.freeze())
}

/// The proxied endpoints served without warp's filter chain (see [`handle`]): the
/// client's protocol and the endpoint's canonical path.
pub(super) fn endpoint(path: &str) -> Option<(Protocol, &'static str)> {
    match path {
        "/v1/messages" => Some((Protocol::Anthropic, "/v1/messages")),
        "/v1/chat/completions" | "/chat/completions" => Some((Protocol::Openai, "/v1/chat/completions")),
        // The Responses API speaks OpenAI's protocol (its errors are OpenAI's shape); the
        // engine converts its body (see `engine::proxy::Proxy::handle`).
        "/v1/responses" | "/responses" => Some((Protocol::Openai, "/v1/responses")),
        _ => None,
    }
}

/// The protocol a client of this path speaks, for every endpoint that answers in a client
/// protocol's error shape (the admin API and health answer in the envelope).
pub(super) fn client_protocol(path: &str, headers: &HeaderMap) -> Option<Protocol> {
    if let Some((p, _)) = endpoint(path) {
        return Some(p);
    }
    match path {
        p if p.starts_with("/v1beta/") => Some(Protocol::Gemini),
        "/v1/messages/count_tokens" => Some(Protocol::Anthropic),
        "/v1/models" if headers.contains_key("anthropic-version") => Some(Protocol::Anthropic),
        "/v1/models" => Some(Protocol::Openai),
        _ => None,
    }
}

/// `POST /v1/messages` and `/v1/chat/completions`, straight from hyper: the request's
/// headers are moved rather than cloned and no filter chain runs. perf put warp's
/// filters (and the futures they nest) at a visible share of the proxy's own CPU per
/// request; every other route still goes through warp.
pub(super) async fn handle(
    state: Arc<AppState>,
    p: Protocol,
    endpoint: &'static str,
    model: Option<String>,
    req: Request<Incoming>,
) -> Response {
    let received = Instant::now();
    if req.method() != warp::http::Method::POST {
        let mut r = into_response(ProxyError::MethodNotAllowed { endpoint }.into_outbound(p));
        r.headers_mut().insert(warp::http::header::ALLOW, warp::http::HeaderValue::from_static("POST"));
        return r;
    }
    let (parts, body) = req.into_parts();
    let hint = hyper::body::Body::size_hint(&body).exact();
    let mut lease = Lease::new(Some(&state.bodies));
    let stream = http_body_util::BodyDataStream::new(body);
    let body = match read_limited(stream, hint, BodyRules::of(&state), &mut lease, received).await {
        Ok(b) => b,
        Err(e) => {
            // Refused before routing, and recorded as such (rate-limited by the proxy).
            let e = e.proxy_error();
            let reason = e.to_string();
            let mut out = e.into_outbound(p);
            let id = state.proxy.record_refused(crate::engine::proxy::Refused {
                protocol: p,
                endpoint,
                headers: &parts.headers,
                received,
                bytes_in: 0,
                model: None,
                status: out.status,
                reason,
            });
            if let Ok(v) = warp::http::HeaderValue::from_str(&id) {
                out.headers.insert("x-request-id", v);
            }
            return into_response(out);
        }
    };
    let mut headers = parts.headers;
    let query = match p {
        Protocol::Gemini => gemini_query(parts.uri.query(), &mut headers),
        _ => parts.uri.query().map(str::to_string),
    };
    let inbound = Inbound { protocol: p, endpoint, query, model, headers, body, received };
    let answer = if endpoint == gemini_client::COUNT_TOKENS {
        state.proxy.count_tokens_gemini(inbound)
    } else {
        state.proxy.handle(inbound).await
    };
    drop(lease);
    into_response(answer)
}

/// A Gemini client's query: its `?key=` becomes the `x-goog-api-key` header (read by the
/// engine like any client key, never sent upstream nor recorded); of the rest only
/// `alt=sse` matters (the stream's framing).
fn gemini_query(query: Option<&str>, headers: &mut HeaderMap) -> Option<String> {
    let mut sse = false;
    for kv in query.unwrap_or("").split('&') {
        if let Some(key) = kv.strip_prefix("key=") {
            if !headers.contains_key("x-goog-api-key") {
                let key = percent_decode(key);
                if let Ok(v) = warp::http::HeaderValue::from_str(&key) {
                    headers.insert("x-goog-api-key", v);
                }
            }
        } else if kv == "alt=sse" {
            sse = true;
        }
    }
    sse.then(|| "alt=sse".to_string())
}

/// `%XX` escapes decoded (a key may be sent URL-encoded); invalid escapes are kept as
/// they are.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(if b[i] == b'+' { b' ' } else { b[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// How much of a too-large body is read and dropped before answering 413.
const DRAIN_MAX: u64 = 16 * 1024 * 1024;

/// Every proxy route.
pub fn routes(state: Arc<AppState>) -> Routes {
    let rules = BodyRules::of(&state);
    let s = {
        let st = state.clone();
        move || {
            let st = st.clone();
            warp::any().map(move || st.clone())
        }
    };
    let count = warp::post()
        .and(warp::path!("v1" / "messages" / "count_tokens"))
        .and(warp::header::headers_cloned())
        .and(body_for(Protocol::Anthropic, rules))
        .and(s())
        .then(|headers: HeaderMap, body: Bytes, st: Arc<AppState>| async move {
            let inbound = Inbound {
                protocol: Protocol::Anthropic,
                endpoint: "/v1/messages/count_tokens",
                query: None,
                model: None,
                headers,
                body,
                received: Instant::now(),
            };
            into_response(st.proxy.count_tokens(inbound))
        });
    let models = warp::get().and(warp::path!("v1" / "models")).and(warp::header::headers_cloned()).and(s()).map(
        |headers: HeaderMap, st: Arc<AppState>| {
            if !st.proxy.authorized(&headers) {
                let p = if headers.contains_key("anthropic-version") { Protocol::Anthropic } else { Protocol::Openai };
                return into_response(ProxyError::UnauthorizedLocal.into_outbound(p));
            }
            warp::reply::json(&st.proxy.models(headers.contains_key("anthropic-version"))).into_response()
        },
    );
    let gemini_models = warp::get()
        .and(warp::path!("v1beta" / "models"))
        .and(warp::header::headers_cloned())
        .and(warp::query::raw().or(warp::any().map(String::new)).unify())
        .and(s())
        .map(|mut headers: HeaderMap, query: String, st: Arc<AppState>| {
            gemini_query(Some(&query), &mut headers);
            if !st.proxy.authorized(&headers) {
                return into_response(ProxyError::UnauthorizedLocal.into_outbound(Protocol::Gemini));
            }
            warp::reply::json(&st.proxy.gemini_models()).into_response()
        });
    count
        .or(models)
        .unify()
        .or(gemini_models)
        .unify()
        .recover(|r: warp::Rejection| async move {
            if let Some(&Rejected(p, e)) = r.find::<Rejected>() {
                if let Some(answer) = e.into_response(p) {
                    return Ok(answer);
                }
            }
            Err(r)
        })
        .unify()
        .boxed()
}
