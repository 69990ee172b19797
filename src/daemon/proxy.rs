//! Proxy routes: `POST /v1/messages` (query strings accepted) and `POST /v1/chat/completions`
//! (and `/chat/completions`) served from hyper directly ([`handle`]); `POST
//! /v1/messages/count_tokens` and `GET /v1/models` as warp routes.
//!
//! An adapter only: it turns the HTTP request into an engine `Inbound` and the engine's
//! `Outbound` into a response; rejections here (body too large) speak the client's
//! protocol, not the admin envelope.

use bytes::Bytes;
use hyper::body::Incoming;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;
use sync_wrapper::SyncWrapper;
use warp::http::{HeaderMap, Request, StatusCode};
use warp::reply::Response;
use warp::{Filter, Reply};

use super::AppState;
use crate::engine::proxy::{Inbound, OutBody, Outbound, ProxyError, Relay};
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
struct TooLarge(Protocol, u64);
impl warp::reject::Reject for TooLarge {}

/// Why a request body was not read.
#[derive(Debug)]
enum BodyError {
    /// Over the limit (in bytes).
    TooLarge(u64),
    /// The connection broke while the body was arriving.
    Broken,
}

/// The body, up to `limit` bytes. A larger body is still read (and dropped) up to
/// [`DRAIN_MAX`] more before the 413 goes out, as nginx's lingering close does: a client
/// still writing its body when the server answers and closes gets a broken pipe instead of
/// the answer.
fn body_for(p: Protocol, limit: u64) -> impl Filter<Extract = (Bytes,), Error = warp::Rejection> + Clone {
    warp::body::stream().and_then(move |stream| async move {
        read_limited(stream, limit).await.map_err(|e| match e {
            BodyError::TooLarge(limit) => warp::reject::custom(TooLarge(p, limit)),
            BodyError::Broken => warp::reject::reject(),
        })
    })
}

async fn read_limited<S, B, E>(stream: S, limit: u64) -> Result<Bytes, BodyError>
where
    S: futures_util::Stream<Item = Result<B, E>>,
    B: bytes::Buf,
{
    use futures_util::StreamExt;
    let mut stream = std::pin::pin!(stream);
    let mut body = bytes::BytesMut::new();
    let mut seen: u64 = 0;
    while let Some(chunk) = stream.next().await {
        let mut chunk = chunk.map_err(|_| BodyError::Broken)?;
        seen += chunk.remaining() as u64;
        if seen > limit {
            if seen > limit + DRAIN_MAX {
                break;
            }
            chunk.advance(chunk.remaining());
            continue;
        }
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

fn too_large(p: Protocol, limit: u64) -> Response {
    into_response(ProxyError::BodyTooLarge { limit_mib: limit / 1024 / 1024 }.into_outbound(p))
}

/// The proxied endpoints served without warp's filter chain (see [`handle`]): the
/// client's protocol and the endpoint's canonical path.
pub(super) fn endpoint(path: &str) -> Option<(Protocol, &'static str)> {
    match path {
        "/v1/messages" => Some((Protocol::Anthropic, "/v1/messages")),
        "/v1/chat/completions" | "/chat/completions" => Some((Protocol::Openai, "/v1/chat/completions")),
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
    req: Request<Incoming>,
) -> Response {
    let received = Instant::now();
    if req.method() != warp::http::Method::POST {
        let mut r = into_response(ProxyError::MethodNotAllowed { endpoint }.into_outbound(p));
        r.headers_mut().insert(warp::http::header::ALLOW, warp::http::HeaderValue::from_static("POST"));
        return r;
    }
    let (parts, body) = req.into_parts();
    let limit = state.config.server.body_limit_mb * 1024 * 1024;
    let body = match read_limited(http_body_util::BodyDataStream::new(body), limit).await {
        Ok(b) => b,
        Err(BodyError::TooLarge(limit)) => return too_large(p, limit),
        Err(BodyError::Broken) => return into_response(ProxyError::BodyUnreadable.into_outbound(p)),
    };
    let query = parts.uri.query().map(str::to_string);
    let inbound = Inbound { protocol: p, endpoint, query, headers: parts.headers, body, received };
    into_response(state.proxy.handle(inbound).await)
}

/// How much of a too-large body is read and dropped before answering 413.
const DRAIN_MAX: u64 = 16 * 1024 * 1024;

/// Every proxy route.
pub fn routes(state: Arc<AppState>) -> Routes {
    let limit = state.config.server.body_limit_mb * 1024 * 1024;
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
        .and(body_for(Protocol::Anthropic, limit))
        .and(s())
        .then(|headers: HeaderMap, body: Bytes, st: Arc<AppState>| async move {
            let inbound = Inbound {
                protocol: Protocol::Anthropic,
                endpoint: "/v1/messages/count_tokens",
                query: None,
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
    count
        .or(models)
        .unify()
        .recover(|r: warp::Rejection| async move {
            if let Some(TooLarge(p, limit)) = r.find::<TooLarge>() {
                return Ok(too_large(*p, *limit));
            }
            Err(r)
        })
        .unify()
        .boxed()
}
