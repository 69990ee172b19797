//! Proxy routes: `POST /v1/messages` (query strings accepted), `POST /v1/messages/count_tokens`,
//! `POST /v1/chat/completions` (and `/chat/completions`), `GET /v1/models`.
//!
//! An adapter only: it turns the warp request into an engine `Inbound` and the engine's
//! `Outbound` into a response; rejections here (body too large) speak the client's
//! protocol, not the admin envelope.

use bytes::Bytes;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;
use sync_wrapper::SyncWrapper;
use warp::http::{HeaderMap, StatusCode};
use warp::reply::Response;
use warp::{Filter, Reply};

use super::AppState;
use crate::engine::proxy::{client_error, Inbound, OutBody, Outbound, Relay};
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

fn optional_query() -> impl Filter<Extract = (Option<String>,), Error = Infallible> + Clone {
    warp::query::raw().map(Some).or(warp::any().map(|| None)).unify()
}

/// The body, up to `limit` bytes. A larger body is still read (and dropped) up to
/// [`DRAIN_MAX`] more before the 413 goes out, as nginx's lingering close does: a client
/// still writing its body when the server answers and closes gets a broken pipe instead of
/// the answer.
fn body_for(p: Protocol, limit: u64) -> impl Filter<Extract = (Bytes,), Error = warp::Rejection> + Clone {
    warp::body::stream().and_then(move |stream| read_limited(stream, p, limit))
}

async fn read_limited<S, B, E>(stream: S, p: Protocol, limit: u64) -> Result<Bytes, warp::Rejection>
where
    S: futures_util::Stream<Item = Result<B, E>>,
    B: bytes::Buf,
{
    use futures_util::StreamExt;
    let mut stream = std::pin::pin!(stream);
    let mut body = bytes::BytesMut::new();
    let mut seen: u64 = 0;
    while let Some(chunk) = stream.next().await {
        let mut chunk = chunk.map_err(|_| warp::reject::reject())?;
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
        return Err(warp::reject::custom(TooLarge(p, limit)));
    }
    Ok(body.freeze())
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
    let sp = s.clone();
    let proxied = move |p: Protocol, endpoint: &'static str| {
        let s = sp.clone();
        optional_query().and(warp::header::headers_cloned()).and(body_for(p, limit)).and(s()).then(
            move |query: Option<String>, headers: HeaderMap, body: Bytes, st: Arc<AppState>| async move {
                let inbound = Inbound { protocol: p, endpoint, query, headers, body, received: Instant::now() };
                into_response(st.proxy.handle(inbound).await)
            },
        )
    };
    let messages = warp::post().and(warp::path!("v1" / "messages")).and(proxied(Protocol::Anthropic, "/v1/messages"));
    let chat = warp::post()
        .and(warp::path!("v1" / "chat" / "completions").or(warp::path!("chat" / "completions")).unify())
        .and(proxied(Protocol::Openai, "/v1/chat/completions"));
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
                return into_response(client_error(p, 401, "invalid or missing API key for this routex"));
            }
            warp::reply::json(&st.proxy.models(headers.contains_key("anthropic-version"))).into_response()
        },
    );
    messages
        .or(count)
        .unify()
        .or(chat)
        .unify()
        .or(models)
        .unify()
        .recover(|r: warp::Rejection| async move {
            if let Some(TooLarge(p, limit)) = r.find::<TooLarge>() {
                return Ok(into_response(client_error(
                    *p,
                    413,
                    &format!(
                        "the request body is larger than this routex accepts ({} MiB; server.body_limit_mb)",
                        limit / 1024 / 1024
                    ),
                )));
            }
            Err(r)
        })
        .unify()
        .boxed()
}
