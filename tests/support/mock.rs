//! In-process mock of the upstream LLM providers (Anthropic Messages, OpenAI
//! Chat Completions, Gemini `generateContent`) for Routex integration tests.
//!
//! The server is a small hand-written HTTP/1.1 server on a raw
//! [`tokio::net::TcpListener`] bound to `127.0.0.1:0`, so every byte on the
//! wire is under control: stalls, cut streams, connection resets, malformed
//! SSE and in-band errors are all one [`Behavior`] away.
//!
//! * Requests: request line, headers, `Content-Length` or chunked bodies,
//!   `Expect: 100-continue`, keep-alive across requests on one connection
//!   (HTTP/1.1 default; `Connection: close` honoured).
//! * Protocol by path: `…/messages` → Anthropic, `…/chat/completions` →
//!   OpenAI, `…:generateContent` / `…:streamGenerateContent` → Gemini.
//!   `GET …/models` → an OpenAI-shaped model list. Anything else → 404 JSON.
//! * Only the three generation endpoints consume queued behaviours; the model
//!   list and 404s do not (they are still recorded and counted in `hits`).
//! * A request streams when its JSON body has `"stream": true` or the path is
//!   `:streamGenerateContent` (SSE when `alt=sse`, otherwise a JSON array).
//! * Every response carries `request-id: req_mock_<n>` (n = 1-based request
//!   number), `anthropic-ratelimit-requests-remaining: 99` and
//!   `x-ratelimit-remaining-requests: 99`.
//! * Token usage is fixed: see [`INPUT_TOKENS`], [`OUTPUT_TOKENS`],
//!   [`CACHE_READ_TOKENS`], [`CACHE_WRITE_TOKENS`], [`TOTAL_TOKENS`].
//! * Streams use chunked transfer encoding, one SSE event per chunk, each
//!   written straight to the socket (`TCP_NODELAY`).
//!
//! Stream-only behaviours applied to a non-stream request degrade sensibly:
//! `StallAfterFirstEvent` sends the head and half the body, stalls, then the
//! rest; `CutAfterEvents` sends the head and half the body then closes;
//! `MalformedSse` sends invalid JSON with status 200; `InBandError` answers
//! with the provider's "overloaded" HTTP error (529 Anthropic, 503 others);
//! `SlowChunks` trickles the body in `count` pieces.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// `input_tokens` / `prompt_tokens` / `promptTokenCount` reported by every success.
pub const INPUT_TOKENS: u64 = 12;
/// `output_tokens` / `completion_tokens` / `candidatesTokenCount`.
pub const OUTPUT_TOKENS: u64 = 7;
/// `cache_read_input_tokens` / `prompt_tokens_details.cached_tokens` / `cachedContentTokenCount`.
pub const CACHE_READ_TOKENS: u64 = 3;
/// `cache_creation_input_tokens` (Anthropic only).
pub const CACHE_WRITE_TOKENS: u64 = 2;
/// `total_tokens` / `totalTokenCount` (= input + output).
pub const TOTAL_TOKENS: u64 = INPUT_TOKENS + OUTPUT_TOKENS;
/// Assistant text of [`Behavior::Ok`].
pub const DEFAULT_TEXT: &str = "Hello from the mock upstream!";
/// Model name used when the request names none.
pub const DEFAULT_MODEL: &str = "mock-model";
/// Value of the rate-limit "remaining" headers on every response.
pub const RATELIMIT_REMAINING: &str = "99";
/// Fixed `created` timestamp of OpenAI objects.
pub const CREATED: u64 = 1_700_000_000;

/// What the mock does with one request.
#[derive(Debug, Clone, PartialEq)]
pub enum Behavior {
    /// A realistic success in the protocol the path implies.
    Ok,
    /// Like `Ok` but with this assistant text.
    Text(String),
    /// The assistant calls one tool (arguments streamed as several fragments).
    ToolCall { name: String, arguments: Value },
    /// This status with this body (an empty body is replaced by a
    /// provider-shaped error for the status) plus extra headers; its content type follows
    /// the body (JSON, SSE, else text/plain).
    Status { status: u16, body: String, headers: Vec<(String, String)> },
    /// 429 with `retry-after` and a provider-shaped rate-limit error.
    RateLimited { retry_after_s: u64 },
    /// Read the request, send nothing for this long, then behave as `Ok`.
    StallBeforeHeaders(Duration),
    /// Stream: headers + first SSE event, stall this long, then the rest.
    StallAfterFirstEvent(Duration),
    /// Stream: headers + N SSE events, stall this long, then the rest.
    StallAfterEvents(usize, Duration),
    /// Stream: N SSE events then close the socket (no terminating chunk).
    CutAfterEvents(usize),
    /// Stream: headers then data that is neither valid SSE nor valid JSON.
    MalformedSse,
    /// Stream: a few events then the provider's in-band error event.
    InBandError,
    /// Read the request then reset the connection (SO_LINGER 0, drop).
    Reset,
    /// Stream of `count` text deltas, one per `every`.
    SlowChunks { count: usize, every: Duration },
    /// Stream: the first `events` SSE events (`None`: the preamble and the first content
    /// event), then `data: {"x":"` and `bytes` more bytes without a newline (64 KiB
    /// chunks), then the end of the body.
    EndlessLine { bytes: usize, events: Option<usize> },
    /// Non-stream: a 200 JSON body of `bytes` bytes, with its `content-length` or chunked.
    HugeBody { bytes: usize, content_length: bool },
    /// A 200 with this content type and an HTML page as its body (no stream framing).
    WrongContentType(String),
    /// Stream: these bytes as they are (one chunk), then the end of the body.
    RawStream(Vec<u8>),
    /// A stream of these raw bytes in separate chunks, `gap` apart (the relay reads them as
    /// separate reads: what comes after the first content reaches the client on its own).
    RawChunks { chunks: Vec<Vec<u8>>, gap: Duration },
}

impl Behavior {
    /// `Status` with an empty body (→ provider-shaped error) and no extra headers.
    pub fn status(status: u16) -> Behavior {
        Behavior::Status { status, body: String::new(), headers: Vec::new() }
    }
    /// `Text` from anything string-like.
    pub fn text(s: impl Into<String>) -> Behavior {
        Behavior::Text(s.into())
    }
    /// `ToolCall` from a name and JSON arguments.
    pub fn tool_call(name: impl Into<String>, arguments: Value) -> Behavior {
        Behavior::ToolCall { name: name.into(), arguments }
    }
}

/// One request as received by the mock.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// Path including the query string.
    pub path: String,
    /// Header names lowercased, in arrival order.
    pub headers: Vec<(String, String)>,
    /// Decoded body (chunked bodies are de-chunked).
    pub body: Bytes,
}

impl Recorded {
    /// Body parsed as JSON (`Value::Null` if it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
    /// First header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

struct State {
    queue: VecDeque<Behavior>,
    default: Behavior,
    requests: Vec<Recorded>,
}

struct Shared {
    addr: SocketAddr,
    state: Mutex<State>,
    stop: watch::Sender<bool>,
    /// Connections the client (routex) closed between requests or mid-response.
    closed_by_client: std::sync::atomic::AtomicUsize,
    /// Pause between a stream's last event and the end of its body, ms.
    stream_end_delay_ms: std::sync::atomic::AtomicU64,
    /// Connections accepted so far.
    accepted: std::sync::atomic::AtomicUsize,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Dropped with the last [`MockUpstream`] clone: stops the server.
struct Guard {
    shared: Arc<Shared>,
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.shared.stop.send_replace(true);
    }
}

/// Handle to a running mock upstream. Clones share the server; it stops when
/// the last clone is dropped or on [`MockUpstream::shutdown`].
#[derive(Clone)]
pub struct MockUpstream {
    guard: Arc<Guard>,
}

impl std::fmt::Debug for MockUpstream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockUpstream").field("addr", &self.addr()).field("hits", &self.hits()).finish()
    }
}

impl MockUpstream {
    /// Bind `127.0.0.1:0` and start serving on the current tokio runtime.
    pub async fn start() -> MockUpstream {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("mock upstream: bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("mock upstream: local_addr");
        let (stop, _) = watch::channel(false);
        let shared = Arc::new(Shared {
            addr,
            state: Mutex::new(State { queue: VecDeque::new(), default: Behavior::Ok, requests: Vec::new() }),
            stop,
            closed_by_client: Default::default(),
            stream_end_delay_ms: Default::default(),
            accepted: Default::default(),
        });
        tokio::spawn(accept_loop(listener, shared.clone()));
        MockUpstream { guard: Arc::new(Guard { shared }) }
    }

    fn shared(&self) -> &Shared {
        &self.guard.shared
    }

    pub fn addr(&self) -> SocketAddr {
        self.shared().addr
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr())
    }

    /// Queue a behaviour; queued behaviours are consumed one per generation
    /// request, in order; when the queue is empty the default applies.
    pub fn push(&self, b: Behavior) {
        self.shared().lock().queue.push_back(b);
    }

    /// Behaviour used when the queue is empty (initially `Behavior::Ok`).
    pub fn set_default(&self, b: Behavior) {
        self.shared().lock().default = b;
    }

    /// Number of requests received (all paths).
    pub fn hits(&self) -> usize {
        self.shared().lock().requests.len()
    }

    /// Every request received, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared().lock().requests.clone()
    }

    /// Connections routex closed itself (not the mock): a streamed answer cut off before its
    /// end, or a pooled connection dropped. A connection read to the end of every response
    /// stays open in routex's pool.
    pub fn connections_closed_by_client(&self) -> usize {
        self.shared().closed_by_client.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Pause between a stream's last event and the end of its body (the terminating chunk),
    /// as real upstreams do: a relay that waits for the end before ending the client's
    /// stream then races a client that leaves once it has the last event.
    pub fn set_stream_end_delay(&self, d: Duration) {
        self.shared().stream_end_delay_ms.store(d.as_millis() as u64, std::sync::atomic::Ordering::SeqCst);
    }

    /// Connections accepted so far (routex opening one ahead counts when it is accepted).
    pub fn connections_accepted(&self) -> usize {
        self.shared().accepted.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Stop accepting and close every live connection.
    pub fn shutdown(&self) {
        self.shared().stop.send_replace(true);
    }
}

async fn stopped(rx: &mut watch::Receiver<bool>) {
    let _ = rx.wait_for(|s| *s).await;
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let mut stop = shared.stop.subscribe();
    if *stop.borrow() {
        return;
    }
    loop {
        tokio::select! {
            _ = stopped(&mut stop) => return,
            res = listener.accept() => match res {
                Ok((sock, _)) => {
                    shared.accepted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let _ = sock.set_nodelay(true);
                    let shared = shared.clone();
                    let mut stop = shared.stop.subscribe();
                    tokio::spawn(async move {
                        tokio::select! {
                            _ = stopped(&mut stop) => {}
                            _ = serve_conn(sock, &shared) => {}
                        }
                    });
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(5)).await,
            }
        }
    }
}

// ---------------------------------------------------------------------------
// HTTP/1.1 request parsing
// ---------------------------------------------------------------------------

type IoResult<T> = std::io::Result<T>;

const MAX_HEAD: usize = 64 * 1024;

fn bad(msg: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, msg.to_string())
}

struct Conn {
    sock: TcpStream,
    buf: BytesMut,
}

impl Conn {
    /// Read more bytes into the buffer; error on EOF.
    async fn fill(&mut self) -> IoResult<()> {
        if self.sock.read_buf(&mut self.buf).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        Ok(())
    }

    async fn read_line(&mut self) -> IoResult<String> {
        loop {
            if let Some(i) = self.buf.windows(2).position(|w| w == b"\r\n") {
                let line = self.buf.split_to(i + 2);
                return Ok(String::from_utf8_lossy(&line[..i]).into_owned());
            }
            if self.buf.len() > MAX_HEAD {
                return Err(bad("line too long"));
            }
            self.fill().await?;
        }
    }

    async fn read_exact_buf(&mut self, n: usize) -> IoResult<Bytes> {
        while self.buf.len() < n {
            self.fill().await?;
        }
        Ok(self.buf.split_to(n).freeze())
    }

    /// `Ok(None)` on a clean EOF between requests.
    async fn read_request(&mut self) -> IoResult<Option<(Recorded, String)>> {
        // Head.
        let head_end = loop {
            if let Some(i) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i;
            }
            if self.buf.len() > MAX_HEAD {
                return Err(bad("head too large"));
            }
            if self.sock.read_buf(&mut self.buf).await? == 0 {
                if self.buf.iter().all(|b| b.is_ascii_whitespace()) {
                    return Ok(None);
                }
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
        };
        let head = self.buf.split_to(head_end + 4);
        let head = String::from_utf8_lossy(&head[..head_end]).into_owned();
        let mut lines = head.split("\r\n");
        let request_line = lines.next().unwrap_or_default();
        let mut parts = request_line.split_whitespace();
        let method = parts.next().ok_or_else(|| bad("no method"))?.to_string();
        let path = parts.next().ok_or_else(|| bad("no path"))?.to_string();
        let version = parts.next().unwrap_or("HTTP/1.1").to_string();
        let mut headers = Vec::new();
        for line in lines {
            if let Some((k, v)) = line.split_once(':') {
                headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
            }
        }
        let mut rec = Recorded { method, path, headers, body: Bytes::new() };
        if rec.header("expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) {
            self.sock.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await?;
        }
        let chunked = rec.header("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
        if chunked {
            let mut body = BytesMut::new();
            loop {
                let line = self.read_line().await?;
                let size = line.split(';').next().unwrap_or("").trim();
                let size = usize::from_str_radix(size, 16).map_err(|_| bad("chunk size"))?;
                if size == 0 {
                    // Trailers until the empty line.
                    while !self.read_line().await?.is_empty() {}
                    break;
                }
                body.extend_from_slice(&self.read_exact_buf(size).await?);
                if !self.read_line().await?.is_empty() {
                    return Err(bad("chunk terminator"));
                }
            }
            rec.body = body.freeze();
        } else if let Some(len) = rec.header("content-length") {
            let len: usize = len.trim().parse().map_err(|_| bad("content-length"))?;
            rec.body = self.read_exact_buf(len).await?;
        }
        Ok(Some((rec, version)))
    }
}

async fn serve_conn(sock: TcpStream, shared: &Shared) {
    let mut conn = Conn { sock, buf: BytesMut::with_capacity(8192) };
    loop {
        let (rec, version) = match conn.read_request().await {
            Ok(Some(r)) => r,
            _ => {
                shared.closed_by_client.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                return;
            }
        };
        let conn_hdr = rec.header("connection").map(|v| v.to_ascii_lowercase());
        let keep_alive = if version.eq_ignore_ascii_case("HTTP/1.0") {
            conn_hdr.as_deref().is_some_and(|v| v.contains("keep-alive"))
        } else {
            !conn_hdr.as_deref().is_some_and(|v| v.contains("close"))
        };
        let route = Route::of(&rec);
        let (seq, behavior) = {
            let mut st = shared.lock();
            st.requests.push(rec.clone());
            let seq = st.requests.len();
            let b = if route.consumes() {
                st.queue.pop_front().unwrap_or_else(|| st.default.clone())
            } else {
                Behavior::Ok
            };
            (seq, b)
        };
        let end_delay = Duration::from_millis(shared.stream_end_delay_ms.load(std::sync::atomic::Ordering::SeqCst));
        let head_only = rec.method.eq_ignore_ascii_case("HEAD");
        let mut out = Out { sock: &mut conn.sock, seq, keep_alive, head_only, end_delay };
        match respond(&mut out, &rec, route, behavior).await {
            Ok(Next::KeepGoing) if keep_alive => {}
            Ok(Next::Reset) => {
                let _ = conn.sock.set_zero_linger();
                return;
            }
            Err(_) => {
                shared.closed_by_client.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                return;
            }
            Ok(_) => {
                let _ = conn.sock.shutdown().await;
                return;
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Routing and fixtures
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq)]
enum Proto {
    Anthropic,
    OpenAi,
    Gemini,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Route {
    Gen(Proto),
    CountTokens,
    Models,
    NotFound,
}

impl Route {
    fn of(rec: &Recorded) -> Route {
        let p = rec.path.split('?').next().unwrap_or("");
        let post = rec.method.eq_ignore_ascii_case("POST");
        let get = rec.method.eq_ignore_ascii_case("GET") || rec.method.eq_ignore_ascii_case("HEAD");
        if post && p.ends_with("/messages/count_tokens") {
            Route::CountTokens
        } else if post && p.ends_with("/messages") {
            Route::Gen(Proto::Anthropic)
        } else if post && p.ends_with("/chat/completions") {
            Route::Gen(Proto::OpenAi)
        } else if post && (p.ends_with(":generateContent") || p.ends_with(":streamGenerateContent")) {
            Route::Gen(Proto::Gemini)
        } else if get && (p == "/v1/models" || p == "/models") {
            Route::Models
        } else {
            Route::NotFound
        }
    }
    fn consumes(self) -> bool {
        matches!(self, Route::Gen(_))
    }
}

/// What the request asks for.
struct Ctx {
    proto: Proto,
    model: String,
    stream: bool,
    /// Gemini streamGenerateContent without `alt=sse`: JSON array.
    gemini_array: bool,
    include_usage: bool,
    seq: usize,
}

impl Ctx {
    fn new(proto: Proto, rec: &Recorded, seq: usize) -> Ctx {
        let body = rec.json();
        let path = rec.path.split('?').next().unwrap_or("");
        let query = rec.path.split_once('?').map(|(_, q)| q).unwrap_or("");
        let (model, stream, gemini_array) = if proto == Proto::Gemini {
            let model = path
                .rsplit('/')
                .next()
                .and_then(|s| s.split(':').next())
                .filter(|s| !s.is_empty())
                .unwrap_or(DEFAULT_MODEL)
                .to_string();
            let streaming = path.ends_with(":streamGenerateContent");
            let sse = query.split('&').any(|kv| kv == "alt=sse");
            (model, streaming && sse, streaming && !sse)
        } else {
            let model = body.get("model").and_then(Value::as_str).unwrap_or(DEFAULT_MODEL).to_string();
            let stream = body.get("stream").and_then(Value::as_bool) == Some(true);
            (model, stream, false)
        };
        let include_usage = body.pointer("/stream_options/include_usage").and_then(Value::as_bool) == Some(true);
        Ctx { proto, model, stream, gemini_array, include_usage, seq }
    }
    fn msg_id(&self) -> String {
        match self.proto {
            Proto::Anthropic => format!("msg_mock_{}", self.seq),
            Proto::OpenAi => format!("chatcmpl-mock{}", self.seq),
            Proto::Gemini => format!("resp_mock_{}", self.seq),
        }
    }
}

enum Content {
    Text(Vec<String>),
    Tool { name: String, arguments: Value },
}

/// Split `s` into up to `n` pieces on char boundaries (at least one piece).
fn split_n(s: &str, n: usize) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    if chars.is_empty() {
        return vec![String::new()];
    }
    let size = chars.len().div_ceil(n.max(1));
    chars.chunks(size).map(|c| c.iter().collect()).collect()
}

fn joined(parts: &[String]) -> String {
    parts.concat()
}

fn anthropic_usage() -> Value {
    json!({
        "input_tokens": INPUT_TOKENS,
        "output_tokens": OUTPUT_TOKENS,
        "cache_read_input_tokens": CACHE_READ_TOKENS,
        "cache_creation_input_tokens": CACHE_WRITE_TOKENS,
    })
}

fn openai_usage() -> Value {
    json!({
        "prompt_tokens": INPUT_TOKENS,
        "completion_tokens": OUTPUT_TOKENS,
        "total_tokens": TOTAL_TOKENS,
        "prompt_tokens_details": {"cached_tokens": CACHE_READ_TOKENS, "audio_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0,
            "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0},
    })
}

fn gemini_usage() -> Value {
    json!({
        "promptTokenCount": INPUT_TOKENS,
        "candidatesTokenCount": OUTPUT_TOKENS,
        "totalTokenCount": TOTAL_TOKENS,
        "cachedContentTokenCount": CACHE_READ_TOKENS,
    })
}

fn tool_id(ctx: &Ctx) -> String {
    match ctx.proto {
        Proto::Anthropic => format!("toolu_mock_{}", ctx.seq),
        _ => format!("call_mock_{}", ctx.seq),
    }
}

/// Non-stream success body.
fn success_body(ctx: &Ctx, content: &Content) -> Value {
    match ctx.proto {
        Proto::Anthropic => {
            let (blocks, stop) = match content {
                Content::Text(t) => (json!([{"type": "text", "text": joined(t)}]), "end_turn"),
                Content::Tool { name, arguments } => {
                    (json!([{"type": "tool_use", "id": tool_id(ctx), "name": name, "input": arguments}]), "tool_use")
                }
            };
            json!({
                "id": ctx.msg_id(), "type": "message", "role": "assistant", "model": ctx.model,
                "content": blocks, "stop_reason": stop, "stop_sequence": null,
                "usage": anthropic_usage(),
            })
        }
        Proto::OpenAi => {
            let (message, finish) = match content {
                Content::Text(t) => (json!({"role": "assistant", "content": joined(t), "refusal": null}), "stop"),
                Content::Tool { name, arguments } => (
                    json!({"role": "assistant", "content": null, "refusal": null, "tool_calls": [{
                        "id": tool_id(ctx), "type": "function",
                        "function": {"name": name, "arguments": arguments.to_string()}}]}),
                    "tool_calls",
                ),
            };
            json!({
                "id": ctx.msg_id(), "object": "chat.completion", "created": CREATED,
                "model": ctx.model, "system_fingerprint": "fp_mock",
                "choices": [{"index": 0, "message": message, "logprobs": null, "finish_reason": finish}],
                "usage": openai_usage(),
            })
        }
        Proto::Gemini => {
            let part = match content {
                Content::Text(t) => json!({"text": joined(t)}),
                Content::Tool { name, arguments } => {
                    json!({"functionCall": {"name": name, "args": arguments}})
                }
            };
            gemini_chunk(ctx, vec![part], true)
        }
    }
}

fn gemini_chunk(ctx: &Ctx, parts: Vec<Value>, last: bool) -> Value {
    let mut cand = json!({"content": {"parts": parts, "role": "model"}, "index": 0});
    if last {
        cand["finishReason"] = json!("STOP");
    }
    let usage = if last {
        gemini_usage()
    } else {
        json!({"promptTokenCount": INPUT_TOKENS, "totalTokenCount": INPUT_TOKENS,
               "cachedContentTokenCount": CACHE_READ_TOKENS})
    };
    json!({"candidates": [cand], "usageMetadata": usage, "modelVersion": ctx.model,
           "responseId": ctx.msg_id()})
}

/// One SSE frame; `delta` marks a text/argument delta (paced by SlowChunks).
struct Ev {
    frame: String,
    delta: bool,
}

fn anth_ev(name: &str, data: Value, delta: bool) -> Ev {
    Ev { frame: format!("event: {name}\ndata: {data}\n\n"), delta }
}

fn data_ev(data: &str, delta: bool) -> Ev {
    Ev { frame: format!("data: {data}\n\n"), delta }
}

fn openai_chunk(ctx: &Ctx, delta: Value, finish: Option<&str>) -> Value {
    let mut v = json!({
        "id": ctx.msg_id(), "object": "chat.completion.chunk", "created": CREATED,
        "model": ctx.model, "system_fingerprint": "fp_mock",
        "choices": [{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish}],
    });
    if ctx.include_usage {
        v["usage"] = Value::Null;
    }
    v
}

/// Full success event sequence for a stream.
fn stream_events(ctx: &Ctx, content: &Content) -> Vec<Ev> {
    let mut evs = Vec::new();
    match ctx.proto {
        Proto::Anthropic => {
            evs.push(anth_ev(
                "message_start",
                json!({"type": "message_start", "message": {
                    "id": ctx.msg_id(), "type": "message", "role": "assistant", "model": ctx.model,
                    "content": [], "stop_reason": null, "stop_sequence": null,
                    "usage": {"input_tokens": INPUT_TOKENS, "output_tokens": 1,
                              "cache_read_input_tokens": CACHE_READ_TOKENS,
                              "cache_creation_input_tokens": CACHE_WRITE_TOKENS}}}),
                false,
            ));
            let (block, deltas, stop) = match content {
                Content::Text(t) => (
                    json!({"type": "text", "text": ""}),
                    t.iter().map(|s| json!({"type": "text_delta", "text": s})).collect::<Vec<_>>(),
                    "end_turn",
                ),
                Content::Tool { name, arguments } => (
                    json!({"type": "tool_use", "id": tool_id(ctx), "name": name, "input": {}}),
                    split_n(&arguments.to_string(), 3)
                        .into_iter()
                        .map(|s| json!({"type": "input_json_delta", "partial_json": s}))
                        .collect(),
                    "tool_use",
                ),
            };
            evs.push(anth_ev(
                "content_block_start",
                json!({"type": "content_block_start", "index": 0, "content_block": block}),
                false,
            ));
            evs.push(anth_ev("ping", json!({"type": "ping"}), false));
            for d in deltas {
                evs.push(anth_ev(
                    "content_block_delta",
                    json!({"type": "content_block_delta", "index": 0, "delta": d}),
                    true,
                ));
            }
            evs.push(anth_ev("content_block_stop", json!({"type": "content_block_stop", "index": 0}), false));
            evs.push(anth_ev(
                "message_delta",
                json!({"type": "message_delta",
                       "delta": {"stop_reason": stop, "stop_sequence": null},
                       "usage": anthropic_usage()}),
                false,
            ));
            evs.push(anth_ev("message_stop", json!({"type": "message_stop"}), false));
        }
        Proto::OpenAi => {
            let first = match content {
                Content::Text(_) => json!({"role": "assistant", "content": "", "refusal": null}),
                Content::Tool { .. } => json!({"role": "assistant", "content": null}),
            };
            evs.push(data_ev(&openai_chunk(ctx, first, None).to_string(), false));
            let finish = match content {
                Content::Text(t) => {
                    for s in t {
                        let c = openai_chunk(ctx, json!({"content": s}), None);
                        evs.push(data_ev(&c.to_string(), true));
                    }
                    "stop"
                }
                Content::Tool { name, arguments } => {
                    let head = json!({"tool_calls": [{"index": 0, "id": tool_id(ctx), "type": "function",
                        "function": {"name": name, "arguments": ""}}]});
                    evs.push(data_ev(&openai_chunk(ctx, head, None).to_string(), false));
                    for s in split_n(&arguments.to_string(), 3) {
                        let d = json!({"tool_calls": [{"index": 0, "function": {"arguments": s}}]});
                        evs.push(data_ev(&openai_chunk(ctx, d, None).to_string(), true));
                    }
                    "tool_calls"
                }
            };
            let fin = openai_chunk(ctx, json!({}), Some(finish));
            evs.push(data_ev(&fin.to_string(), false));
            if ctx.include_usage {
                let u = json!({
                    "id": ctx.msg_id(), "object": "chat.completion.chunk", "created": CREATED,
                    "model": ctx.model, "system_fingerprint": "fp_mock", "choices": [],
                    "usage": openai_usage(),
                });
                evs.push(data_ev(&u.to_string(), false));
            }
            evs.push(data_ev("[DONE]", false));
        }
        Proto::Gemini => match content {
            Content::Text(t) => {
                let n = t.len();
                for (i, s) in t.iter().enumerate() {
                    let c = gemini_chunk(ctx, vec![json!({"text": s})], i + 1 == n);
                    evs.push(Ev { frame: format!("data: {c}\r\n\r\n"), delta: true });
                }
            }
            Content::Tool { name, arguments } => {
                let part = json!({"functionCall": {"name": name, "args": arguments}});
                let c = gemini_chunk(ctx, vec![part], true);
                evs.push(Ev { frame: format!("data: {c}\r\n\r\n"), delta: true });
            }
        },
    }
    evs
}

/// Provider-shaped error JSON for `status`.
fn error_body(proto: Proto, status: u16, seq: usize) -> String {
    let (atype, otype, gstatus, msg) = match status {
        400 => ("invalid_request_error", "invalid_request_error", "INVALID_ARGUMENT", "Invalid request"),
        401 => ("authentication_error", "invalid_request_error", "UNAUTHENTICATED", "Invalid API key"),
        403 => ("permission_error", "invalid_request_error", "PERMISSION_DENIED", "Permission denied"),
        404 => ("not_found_error", "invalid_request_error", "NOT_FOUND", "Not found"),
        413 => ("request_too_large", "invalid_request_error", "INVALID_ARGUMENT", "Request too large"),
        429 => ("rate_limit_error", "requests", "RESOURCE_EXHAUSTED", "Rate limit exceeded"),
        503 => ("overloaded_error", "server_error", "UNAVAILABLE", "Service unavailable"),
        529 => ("overloaded_error", "server_error", "UNAVAILABLE", "Overloaded"),
        _ => ("api_error", "server_error", "INTERNAL", "Internal server error"),
    };
    let v = match proto {
        Proto::Anthropic => json!({"type": "error", "error": {"type": atype, "message": msg},
                                   "request_id": format!("req_mock_{seq}")}),
        Proto::OpenAi => {
            let code = match status {
                401 => json!("invalid_api_key"),
                429 => json!("rate_limit_exceeded"),
                _ => Value::Null,
            };
            json!({"error": {"message": msg, "type": otype, "param": null, "code": code}})
        }
        Proto::Gemini => json!({"error": {"code": status, "message": msg, "status": gstatus}}),
    };
    v.to_string()
}

/// Stream prefix + in-band error event.
fn inband_error_events(ctx: &Ctx) -> Vec<Ev> {
    let mut evs: Vec<Ev> = stream_events(ctx, &Content::Text(split_n(DEFAULT_TEXT, 3)));
    match ctx.proto {
        Proto::Anthropic => {
            // message_start, content_block_start, ping, first delta.
            evs.truncate(4);
            evs.push(anth_ev(
                "error",
                json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}),
                false,
            ));
        }
        Proto::OpenAi => {
            evs.truncate(2);
            let e = json!({"error": {"message": "Overloaded", "type": "server_error",
                                     "param": null, "code": null}});
            evs.push(data_ev(&e.to_string(), false));
        }
        Proto::Gemini => {
            evs.truncate(1);
            let e = json!({"error": {"code": 503, "message": "The model is overloaded.",
                                     "status": "UNAVAILABLE"}});
            evs.push(Ev { frame: format!("data: {e}\r\n\r\n"), delta: false });
        }
    }
    evs
}

fn malformed_frames(proto: Proto) -> Vec<String> {
    let truncated = match proto {
        Proto::Anthropic => "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_del\n\n",
        _ => "data: {\"id\":\"chatcmpl-mock\",\"choices\":[{\"delta\":{\"content\":\"Hel\n\n",
    };
    vec![
        "this is not server-sent events <html>\r\n".to_string(),
        truncated.to_string(),
        "data: {not json at all}}}\n\n".to_string(),
        "\u{0}\u{7f}garbage: ::::\n\n".to_string(),
    ]
}

// ---------------------------------------------------------------------------
// Response writing
// ---------------------------------------------------------------------------

enum Next {
    KeepGoing,
    Close,
    Reset,
}

struct Out<'a> {
    sock: &'a mut TcpStream,
    seq: usize,
    keep_alive: bool,
    head_only: bool,
    /// Pause before a stream's terminating chunk.
    end_delay: Duration,
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        529 => "Overloaded",
        _ => "Status",
    }
}

impl Out<'_> {
    fn head(&self, status: u16, ctype: &str, len: Option<usize>, extra: &[(String, String)]) -> String {
        let mut h = format!("HTTP/1.1 {status} {}\r\n", reason(status));
        h.push_str(&format!("content-type: {ctype}\r\n"));
        match len {
            Some(n) => h.push_str(&format!("content-length: {n}\r\n")),
            None => h.push_str("transfer-encoding: chunked\r\ncache-control: no-cache\r\n"),
        }
        h.push_str(&format!("request-id: req_mock_{}\r\n", self.seq));
        h.push_str(&format!("anthropic-ratelimit-requests-remaining: {RATELIMIT_REMAINING}\r\n"));
        h.push_str(&format!("x-ratelimit-remaining-requests: {RATELIMIT_REMAINING}\r\n"));
        for (k, v) in extra {
            h.push_str(&format!("{k}: {v}\r\n"));
        }
        if !self.keep_alive {
            h.push_str("connection: close\r\n");
        }
        h.push_str("\r\n");
        h
    }

    /// Whole response with Content-Length.
    async fn full(&mut self, status: u16, ctype: &str, body: &[u8], extra: &[(String, String)]) -> IoResult<Next> {
        let mut out = self.head(status, ctype, Some(body.len()), extra).into_bytes();
        if !self.head_only {
            out.extend_from_slice(body);
        }
        self.sock.write_all(&out).await?;
        Ok(Next::KeepGoing)
    }

    async fn json(&mut self, status: u16, body: &Value) -> IoResult<Next> {
        self.full(status, "application/json", body.to_string().as_bytes(), &[]).await
    }

    async fn stream_head(&mut self) -> IoResult<()> {
        let h = self.head(200, "text/event-stream", None, &[]);
        self.sock.write_all(h.as_bytes()).await
    }

    async fn chunk(&mut self, data: &[u8]) -> IoResult<()> {
        let mut out = format!("{:x}\r\n", data.len()).into_bytes();
        out.extend_from_slice(data);
        out.extend_from_slice(b"\r\n");
        self.sock.write_all(&out).await?;
        self.sock.flush().await
    }

    async fn end_chunks(&mut self) -> IoResult<Next> {
        if !self.end_delay.is_zero() {
            tokio::time::sleep(self.end_delay).await;
        }
        self.sock.write_all(b"0\r\n\r\n").await?;
        self.sock.flush().await?;
        Ok(Next::KeepGoing)
    }
}

async fn respond(out: &mut Out<'_>, rec: &Recorded, route: Route, behavior: Behavior) -> IoResult<Next> {
    let proto = match route {
        Route::Gen(p) => p,
        Route::CountTokens => return out.json(200, &json!({"input_tokens": INPUT_TOKENS})).await,
        Route::Models => {
            let data: Vec<Value> = ["mock-model", "gpt-4o-mini", "claude-sonnet-4-5"]
                .iter()
                .map(|id| json!({"id": id, "object": "model", "created": CREATED, "owned_by": "mock"}))
                .collect();
            return out.json(200, &json!({"object": "list", "data": data})).await;
        }
        Route::NotFound => {
            let body = json!({"error": {"message": format!("no route for {} {}", rec.method, rec.path),
                                        "type": "not_found_error"}});
            return out.json(404, &body).await;
        }
    };
    let ctx = Ctx::new(proto, rec, out.seq);
    let default_content = || Content::Text(split_n(DEFAULT_TEXT, 3));
    match behavior {
        Behavior::Ok => success(out, &ctx, &default_content(), Pace::None).await,
        Behavior::Text(t) => success(out, &ctx, &Content::Text(split_n(&t, 3)), Pace::None).await,
        Behavior::ToolCall { name, arguments } => {
            success(out, &ctx, &Content::Tool { name, arguments }, Pace::None).await
        }
        Behavior::Status { status, body, headers } => {
            let body = if body.is_empty() { error_body(proto, status, out.seq) } else { body };
            let trimmed = body.trim_start();
            let ctype = if trimmed.starts_with('{') || trimmed.starts_with('[') {
                "application/json"
            } else if trimmed.starts_with("data:") || trimmed.starts_with("event:") {
                "text/event-stream"
            } else {
                "text/plain"
            };
            out.full(status, ctype, body.as_bytes(), &headers).await
        }
        Behavior::RateLimited { retry_after_s } => {
            let body = error_body(proto, 429, out.seq);
            let extra = vec![("retry-after".to_string(), retry_after_s.to_string())];
            out.full(429, "application/json", body.as_bytes(), &extra).await
        }
        Behavior::StallBeforeHeaders(d) => {
            tokio::time::sleep(d).await;
            success(out, &ctx, &default_content(), Pace::None).await
        }
        Behavior::StallAfterFirstEvent(d) => success(out, &ctx, &default_content(), Pace::StallAfter(1, d)).await,
        Behavior::StallAfterEvents(n, d) => success(out, &ctx, &default_content(), Pace::StallAfter(n, d)).await,
        Behavior::CutAfterEvents(n) => success(out, &ctx, &default_content(), Pace::CutAfter(n)).await,
        Behavior::SlowChunks { count, every } => {
            let parts: Vec<String> = (0..count.max(1)).map(|i| format!("chunk{i} ")).collect();
            success(out, &ctx, &Content::Text(parts), Pace::Every(every)).await
        }
        Behavior::Reset => Ok(Next::Reset),
        Behavior::EndlessLine { bytes, events } => {
            let keep = events.unwrap_or(match proto {
                Proto::Anthropic => 4,
                Proto::OpenAi => 2,
                Proto::Gemini => 1,
            });
            out.stream_head().await?;
            for ev in stream_events(&ctx, &default_content()).into_iter().take(keep) {
                out.chunk(ev.frame.as_bytes()).await?;
            }
            out.chunk(b"data: {\"x\":\"").await?;
            let piece = vec![b'a'; 64 * 1024];
            let mut left = bytes;
            while left > 0 {
                let n = left.min(piece.len());
                out.chunk(&piece[..n]).await?;
                left -= n;
            }
            out.end_chunks().await
        }
        Behavior::HugeBody { bytes, content_length } => {
            let mut head = out.head(200, "application/json", content_length.then_some(bytes), &[]).into_bytes();
            head.extend_from_slice(b"{\"x\":\"");
            let total = bytes.max(8);
            let piece = vec![b'a'; 64 * 1024];
            let mut left = total - 8;
            let write = |data: &[u8]| -> Vec<u8> {
                if content_length {
                    data.to_vec()
                } else {
                    let mut c = format!("{:x}\r\n", data.len()).into_bytes();
                    c.extend_from_slice(data);
                    c.extend_from_slice(b"\r\n");
                    c
                }
            };
            // The head and the body's opening (6 bytes) in one write.
            let opening = head.split_off(head.len() - 6);
            head.extend(write(&opening));
            out.sock.write_all(&head).await?;
            while left > 0 {
                let n = left.min(piece.len());
                out.sock.write_all(&write(&piece[..n])).await?;
                left -= n;
            }
            out.sock.write_all(&write(b"\"}")).await?;
            if !content_length {
                out.sock.write_all(b"0\r\n\r\n").await?;
            }
            Ok(Next::KeepGoing)
        }
        Behavior::RawStream(bytes) => {
            out.stream_head().await?;
            out.chunk(&bytes).await?;
            out.end_chunks().await
        }
        Behavior::RawChunks { chunks, gap } => {
            out.stream_head().await?;
            for c in chunks {
                out.chunk(&c).await?;
                tokio::time::sleep(gap).await;
            }
            out.end_chunks().await
        }
        Behavior::WrongContentType(ctype) => {
            let page = "<!doctype html><html><body><h1>Sign in</h1></body></html>";
            out.full(200, &ctype, page.as_bytes(), &[]).await
        }
        Behavior::MalformedSse => {
            if ctx.stream {
                out.stream_head().await?;
                for f in malformed_frames(proto) {
                    out.chunk(f.as_bytes()).await?;
                }
                out.end_chunks().await
            } else {
                out.full(200, "application/json", b"{\"id\": \"msg_mock\", \"content\": [tru", &[]).await
            }
        }
        Behavior::InBandError => {
            if ctx.stream {
                out.stream_head().await?;
                for ev in inband_error_events(&ctx) {
                    out.chunk(ev.frame.as_bytes()).await?;
                }
                out.end_chunks().await
            } else {
                let status = if proto == Proto::Anthropic { 529 } else { 503 };
                let body = error_body(proto, status, out.seq);
                out.full(status, "application/json", body.as_bytes(), &[]).await
            }
        }
    }
}

#[derive(Clone, Copy)]
enum Pace {
    None,
    StallAfter(usize, Duration),
    CutAfter(usize),
    Every(Duration),
}

async fn success(out: &mut Out<'_>, ctx: &Ctx, content: &Content, pace: Pace) -> IoResult<Next> {
    if !ctx.stream {
        let body = if ctx.gemini_array {
            let evs: Vec<Value> = match content {
                Content::Text(t) => {
                    let n = t.len();
                    t.iter().enumerate().map(|(i, s)| gemini_chunk(ctx, vec![json!({"text": s})], i + 1 == n)).collect()
                }
                Content::Tool { .. } => vec![success_body(ctx, content)],
            };
            Value::Array(evs).to_string()
        } else {
            success_body(ctx, content).to_string()
        };
        let body = body.into_bytes();
        return match pace {
            Pace::None => out.full(200, "application/json", &body, &[]).await,
            Pace::StallAfter(_, d) => {
                let head = out.head(200, "application/json", Some(body.len()), &[]);
                let half = body.len() / 2;
                out.sock.write_all(head.as_bytes()).await?;
                out.sock.write_all(&body[..half]).await?;
                tokio::time::sleep(d).await;
                out.sock.write_all(&body[half..]).await?;
                Ok(Next::KeepGoing)
            }
            Pace::CutAfter(_) => {
                let head = out.head(200, "application/json", Some(body.len()), &[]);
                out.sock.write_all(head.as_bytes()).await?;
                out.sock.write_all(&body[..body.len() / 2]).await?;
                Ok(Next::Close)
            }
            Pace::Every(d) => {
                let head = out.head(200, "application/json", Some(body.len()), &[]);
                out.sock.write_all(head.as_bytes()).await?;
                let n = match content {
                    Content::Text(t) => t.len().max(1),
                    Content::Tool { .. } => 1,
                };
                for piece in body.chunks(body.len().div_ceil(n).max(1)) {
                    tokio::time::sleep(d).await;
                    out.sock.write_all(piece).await?;
                }
                Ok(Next::KeepGoing)
            }
        };
    }
    out.stream_head().await?;
    for (i, ev) in stream_events(ctx, content).into_iter().enumerate() {
        match pace {
            Pace::CutAfter(n) if i >= n => return Ok(Next::Close),
            Pace::Every(d) if ev.delta => tokio::time::sleep(d).await,
            _ => {}
        }
        out.chunk(ev.frame.as_bytes()).await?;
        if let Pace::StallAfter(n, d) = pace {
            if i + 1 == n {
                tokio::time::sleep(d).await;
            }
        }
    }
    if let Pace::CutAfter(_) = pace {
        // Fewer events than N: still no terminating chunk.
        return Ok(Next::Close);
    }
    out.end_chunks().await
}
