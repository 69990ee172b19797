//! The proxy's request path: authenticate, read the few body fields routing needs, choose
//! channels, forward with failover, relay or convert the answer, record what happened.
//! What users see of it is described in README.md ("How the proxy behaves").
//!
//! This file owns a request's life from the daemon's [`Inbound`] to the [`Outbound`] it
//! answers with ([`Proxy::handle`]): the routing rules' turn and the failover loop. The
//! steps live beside it: `candidates` (which channels, in what order), `attempt` (one try
//! on one channel), `relay` (streams), `error` (every failure by name, and what the client
//! is told), `record` (the request log's record), `balancer` (strategies and session
//! affinity), `runtime` (live channel state), `upstream` (a provider's URL, headers and
//! statuses) and `client` (HTTP to the upstreams).
//!
//! The daemon calls it and only turns the [`Outbound`] into an HTTP response: everything a
//! client can observe is decided here. It must not touch the store: it reads the engine's
//! immutable snapshot (a breaker's status change is written off the request path, on a
//! blocking thread), and records leave through the recorder's bounded queue.

mod attempt;
pub mod balancer;
mod candidates;
pub mod client;
mod error;
mod preconnect;
pub mod probe;
mod record;
mod relay;
pub mod runtime;
mod team;
pub mod upstream;

use super::records;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue};
use serde::Deserialize;
use std::borrow::Cow;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use self::candidates::literal_models;
pub use self::error::{client_error, error_body, ProxyError};
pub use self::preconnect::preconnect_loop;
pub use self::record::{Refused, REFUSED_RECORDS_PER_SECOND};
pub use self::relay::Relay;

use self::attempt::{AttemptFailure, AttemptResult, ChannelAttempt};
use self::balancer::{Affinity, Balancer, Candidate};
use self::candidates::SnapshotRuntimes;
use self::error::UpstreamAnswer;
use self::runtime::{Breaker, Runtimes, Transition};
use super::config::Config;
use super::records::{Attempt, Recorder};
use super::{Engine, Status};
use crate::protocol::convert::{gemini_client, responses};
use crate::protocol::Protocol;
use crate::secret::Secret;
use crate::util::ids::random_hex;

/// Names of the response headers routex adds. Inserting with a `&'static str` key copies a
/// non-standard name into a fresh allocation on every insert; these constants do not.
pub(crate) mod names {
    use http::HeaderName;
    pub const X_CHANNEL_ID: HeaderName = HeaderName::from_static("x-channel-id");
    pub const X_CHANNEL_NAME: HeaderName = HeaderName::from_static("x-channel-name");
    pub const X_LATENCY_MS: HeaderName = HeaderName::from_static("x-latency-ms");
    pub const X_ROUTEX_ATTEMPTS: HeaderName = HeaderName::from_static("x-routex-attempts");
    pub const X_ROUTING_RULE: HeaderName = HeaderName::from_static("x-routing-rule");
    pub const X_ROUTEX_OVERHEAD_US: HeaderName = HeaderName::from_static("x-routex-overhead-us");
    pub const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
    pub const X_TRACE_ID: HeaderName = HeaderName::from_static("x-trace-id");
    pub const X_SPAN_ID: HeaderName = HeaderName::from_static("x-span-id");
    // Read from every request: a lookup by HeaderName skips parsing the name each time.
    pub const X_API_KEY: HeaderName = HeaderName::from_static("x-api-key");
    /// The Gemini API's key header (the daemon moves a `?key=` here).
    pub const X_GOOG_API_KEY: HeaderName = HeaderName::from_static("x-goog-api-key");
    pub const TRACEPARENT: HeaderName = HeaderName::from_static("traceparent");
    pub const X_CLAUDE_CODE_SESSION_ID: HeaderName = HeaderName::from_static("x-claude-code-session-id");
}

/// Settings of the request path, from the config file.
#[derive(Debug, Clone)]
pub struct ProxyConfig {
    /// Keys clients must present (none: open).
    pub client_keys: Vec<Secret>,
    /// Session header name (lowercase).
    pub session_header: String,
    /// Channels tried per request at most.
    pub max_attempts: usize,
    /// Consecutive failures that open a breaker.
    pub failure_threshold: u32,
    /// How long a breaker stays open without an upstream hint.
    pub open_for: Duration,
    /// Time to response headers (and to the first stream chunk).
    pub first_byte_timeout: Duration,
    /// Longest silence inside a stream.
    pub idle_timeout: Duration,
    /// Whole request.
    pub request_timeout: Duration,
    /// Upstream connect timeout.
    pub connect_timeout: Duration,
    /// Capture bodies into records.
    pub bodies: super::config::BodyCapture,
    /// Largest captured body, KiB.
    pub body_max_kb: u64,
    /// Price overrides for cost estimates (`logging.prices`).
    pub prices: std::collections::BTreeMap<String, super::pricing::Price>,
    /// Largest non-stream upstream body read, MiB (`server.response_limit_mb`).
    pub response_limit_mb: u64,
    /// Largest upstream stream line or event, KiB (`server.sse_event_limit_kb`).
    pub sse_event_limit_kb: u64,
    /// The trace store and export (`tracing:`).
    pub tracing: super::config::TracingConfig,
}

impl ProxyConfig {
    /// From the config file.
    pub fn from_config(c: &Config) -> ProxyConfig {
        ProxyConfig {
            client_keys: c.server.client_keys.clone(),
            session_header: c.session.header.to_ascii_lowercase(),
            max_attempts: c.load_balancer.max_attempts as usize,
            failure_threshold: c.circuit_breaker.failure_threshold,
            open_for: Duration::from_secs(c.circuit_breaker.open_s),
            first_byte_timeout: Duration::from_secs(c.server.first_byte_timeout_s),
            idle_timeout: Duration::from_secs(c.server.idle_timeout_s),
            request_timeout: Duration::from_secs(c.server.request_timeout_s),
            connect_timeout: Duration::from_secs(c.server.connect_timeout_s),
            bodies: c.logging.bodies,
            body_max_kb: c.logging.body_max_kb,
            prices: c.logging.prices.clone(),
            response_limit_mb: c.server.response_limit_mb,
            sse_event_limit_kb: c.server.sse_event_limit_kb,
            tracing: c.tracing.clone(),
        }
    }
}

/// A client request as the daemon received it.
#[derive(Debug)]
pub struct Inbound {
    /// The client's protocol (from the endpoint).
    pub protocol: Protocol,
    /// The endpoint path (`/v1/messages`).
    pub endpoint: &'static str,
    /// The raw query string, if any.
    pub query: Option<String>,
    /// The model named in the URL (the Gemini API's `/v1beta/models/{model}:…`), used when
    /// the body names none.
    pub model: Option<String>,
    /// Request headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
    /// When it arrived.
    pub received: Instant,
}

/// The body of an answer.
pub enum OutBody {
    /// A whole body.
    Full(Bytes),
    /// A stream of chunks, relayed as they come.
    Stream(Box<relay::Relay>),
}

/// The answer for the daemon to send.
pub struct Outbound {
    /// HTTP status.
    pub status: u16,
    /// Headers.
    pub headers: HeaderMap,
    /// Body.
    pub body: OutBody,
}

/// What is known about one request as it goes through the proxy: its ids, what it asks
/// for, how it was routed. Made by [`Proxy::handle`], completed by the routing rules, then
/// read by the attempts, the relay and the record.
#[derive(Clone)]
pub(crate) struct RequestContext {
    /// `x-request-id`: the client's, else made here (`req_…`).
    pub request_id: String,
    /// The W3C trace id: the client's `traceparent`'s, else made here.
    pub trace_id: String,
    /// Our span in that trace (sent upstream in `traceparent`).
    pub span_id: String,
    /// The client's span, from its `traceparent` (our span's parent).
    pub parent_span: Option<String>,
    /// The session, for affinity (see [`balancer::session_id`]).
    pub session: Option<String>,
    /// The client's protocol.
    pub protocol: Protocol,
    /// The endpoint path the client called.
    pub endpoint: &'static str,
    /// The model the client asked for.
    pub model: String,
    /// The client asked for a stream.
    pub stream: bool,
    /// When the request arrived.
    pub received: Instant,
    /// When the request arrived, Unix ms (for the record).
    pub time_ms: u64,
    /// Size of the request body.
    pub bytes_in: u64,
    /// The request body, when records may keep bodies.
    pub request_body: Option<Bytes>,
    /// Routex added `stream_options.include_usage` the client did not ask for.
    pub strip_usage: bool,
    /// The client called the Responses API (`/v1/responses`): its body was turned into a
    /// Chat Completions body (the protocol is OpenAI), and the answer is turned back.
    pub responses: bool,
    /// A Gemini stream asked without `alt=sse`: the answer is one JSON array.
    pub json_array: bool,
    /// The model after a routing rule's rewrite (else the requested one).
    pub routed_model: String,
    /// The routing rule that decided, if any.
    pub rule: Option<String>,
    /// Why it matched (its condition, in words), for the record.
    pub rule_reason: Option<String>,
    /// The body was changed before forwarding (a subagent tag stripped).
    pub body_modified: bool,
    /// When routing (rules, balancer) was done, µs after the request arrived.
    pub routed_us: u64,
}

/// Request headers as the rules engine reads them.
struct HeaderView<'a>(&'a HeaderMap);

impl super::rules::HeaderLookup for HeaderView<'_> {
    fn find_header(&self, name: &str, pred: &mut dyn FnMut(&str) -> bool) -> Option<&str> {
        self.0.get_all(name).iter().filter_map(|v| v.to_str().ok()).find(|v| pred(v))
    }
}

/// The request id of a request: the client's `x-request-id` (1 to 128 characters), else
/// a new `req_…`.
fn request_id(headers: &HeaderMap) -> String {
    header_str(headers, names::X_REQUEST_ID)
        .filter(|v| !v.is_empty() && v.len() <= 128)
        .map(str::to_string)
        .unwrap_or_else(|| {
            let mut id = String::with_capacity(28);
            id.push_str("req_");
            id.push_str(&random_hex(12));
            id
        })
}

/// The client protocol as the request log, metrics and traces name it: the protocol's
/// name, or `responses` for OpenAI's Responses API (served over the OpenAI protocol).
pub(crate) fn client_label(p: Protocol, endpoint: &str) -> &'static str {
    if endpoint == responses::ENDPOINT {
        "responses"
    } else {
        p.as_str()
    }
}

/// The proxy: everything the request path needs, shared by all requests.
pub struct Proxy {
    engine: Arc<Engine>,
    /// The runtimes of the current snapshot's channels, in its order (see
    /// [`Proxy::snapshot_runtimes`]).
    snapshot_runtimes: arc_swap::ArcSwap<SnapshotRuntimes>,
    cfg: ProxyConfig,
    /// Key of this proxy's upstream pools in [`UPSTREAMS`].
    pool_id: u64,
    runtimes: Arc<Runtimes>,
    balancer: Balancer,
    affinity: Affinity,
    recorder: Recorder,
    /// Metrics, fed from every record.
    metrics: Arc<super::metrics::Metrics>,
    /// Traces, one per recorded request.
    traces: Arc<super::trace::Traces>,
    /// Upstream model → price, remembered: the price table's glob matching ran on every
    /// record (~3 % of a request's instructions).
    prices: std::sync::RwLock<std::collections::HashMap<String, Option<super::pricing::Price>>>,
    /// `cfg.session_header` parsed once (None: not a valid header name, never sent).
    session_header: Option<HeaderName>,
    /// The rate limit on records of requests refused before routing.
    refused: record::RefusedLimit,
    /// What the cache warmer asks every event loop to do with its upstream connections.
    preconnects: tokio::sync::watch::Sender<preconnect::Ask>,
    /// Connections opened ahead so far.
    preconnected: std::sync::atomic::AtomicU64,
    /// Team mode: the link to the other replicas (see `team.rs`).
    shared: Option<Arc<super::shared::Shared>>,
}

/// The few fields of a request body read before routing (model, stream, the session in
/// `metadata.user_id`), borrowed from the body where they can be; the rest is not parsed.
#[derive(Deserialize)]
struct RoutingFields<'a> {
    #[serde(borrow, default)]
    model: Option<Cow<'a, str>>,
    #[serde(default)]
    stream_options: Option<StreamOptions>,
    #[serde(default)]
    stream: Option<bool>,
    #[serde(borrow, default)]
    metadata: Option<RoutingMetadata<'a>>,
}

/// OpenAI's `stream_options`: whether the client asked for a usage chunk.
#[derive(Deserialize)]
struct StreamOptions {
    #[serde(default)]
    include_usage: Option<bool>,
}

/// Anthropic's `metadata`: Claude Code puts its session in `user_id`.
#[derive(Deserialize)]
struct RoutingMetadata<'a> {
    #[serde(borrow, default)]
    user_id: Option<Cow<'a, str>>,
}

/// The W3C traceparent sent upstream: version 00, our trace, our span, sampled. Built in a
/// stack buffer (it was one of the request path's `format!` calls).
fn traceparent(trace_id: &str, span_id: &str) -> Option<HeaderValue> {
    let mut buf = [0u8; 3 + 32 + 1 + 16 + 3];
    let len = 3 + trace_id.len() + 1 + span_id.len() + 3;
    if len > buf.len() {
        return None;
    }
    let mut at = 0;
    for part in [b"00-".as_slice(), trace_id.as_bytes(), b"-", span_id.as_bytes(), b"-01"] {
        buf[at..at + part.len()].copy_from_slice(part);
        at += part.len();
    }
    HeaderValue::from_bytes(&buf[..len]).ok()
}

fn header_str(h: &HeaderMap, name: impl http::header::AsHeaderName) -> Option<&str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

static NEXT_POOL: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

thread_local! {
    /// Upstream pools of this thread, by [`Proxy`] (`pool_id`).
    static UPSTREAMS: std::cell::RefCell<std::collections::HashMap<u64, client::Upstream>> = Default::default();
}

impl Proxy {
    /// Build the proxy over an engine.
    pub fn new(engine: Arc<Engine>, cfg: ProxyConfig, recorder: Recorder) -> Proxy {
        let pool_id = NEXT_POOL.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let runtimes = Arc::new(Runtimes::default());
        // A channel stored as rate_limited by an earlier run gets one trial, then heals or not.
        for ch in engine.snapshot().channels.iter().filter(|c| c.status == Status::RateLimited) {
            runtimes.get(&ch.id).set_breaker(Breaker::HalfOpen { trial: false });
        }
        let affinity = Affinity::new(10_000, Duration::from_secs(18_000));
        let snapshot_runtimes = arc_swap::ArcSwap::from_pointee(SnapshotRuntimes::none());
        let session_header = HeaderName::from_bytes(cfg.session_header.as_bytes()).ok();
        let traces = Arc::new(super::trace::Traces::new(&cfg.tracing));
        Proxy {
            session_header,
            engine,
            snapshot_runtimes,
            cfg,
            pool_id,
            runtimes,
            balancer: Balancer::default(),
            affinity,
            recorder,
            metrics: Default::default(),
            traces,
            prices: Default::default(),
            refused: Default::default(),
            preconnects: tokio::sync::watch::Sender::new(preconnect::Ask::default()),
            preconnected: Default::default(),
            shared: None,
        }
    }

    /// This thread's upstream connection pool for this proxy. Each event-loop thread (see
    /// `daemon::serve`) keeps its own: a connection is registered with the reactor of the
    /// loop that opened it, and the request holding it drives it from that loop's task, so
    /// a connection shared across loops would wake the other thread for every response.
    fn upstream(&self) -> client::Upstream {
        UPSTREAMS.with(|m| {
            m.borrow_mut()
                .entry(self.pool_id)
                .or_insert_with(|| client::Upstream::new(self.cfg.connect_timeout))
                .clone()
        })
    }

    /// With a configured affinity table.
    pub fn with_affinity(mut self, capacity: usize, ttl: Duration) -> Proxy {
        self.affinity = Affinity::new(capacity, ttl);
        self
    }

    /// Live per-channel state.
    pub fn runtimes(&self) -> &Arc<Runtimes> {
        &self.runtimes
    }

    /// Live sessions in the affinity table.
    pub fn sessions(&self) -> usize {
        self.affinity.len()
    }

    /// The recorder.
    pub fn recorder(&self) -> &Recorder {
        &self.recorder
    }

    /// The metrics.
    pub fn metrics(&self) -> &Arc<super::metrics::Metrics> {
        &self.metrics
    }

    /// The traces.
    pub fn traces(&self) -> &Arc<super::trace::Traces> {
        &self.traces
    }

    /// Check the client's key when client keys are configured.
    pub fn authorized(&self, headers: &HeaderMap) -> bool {
        if self.cfg.client_keys.is_empty() {
            return true;
        }
        let given = header_str(headers, names::X_API_KEY)
            .or_else(|| header_str(headers, http::header::AUTHORIZATION).and_then(|v| v.strip_prefix("Bearer ")))
            .or_else(|| header_str(headers, names::X_GOOG_API_KEY))
            .unwrap_or("")
            .trim();
        self.cfg.client_keys.iter().any(|k| crate::util::ids::constant_eq(k.expose().as_bytes(), given.as_bytes()))
    }

    /// Handle one proxied request.
    pub async fn handle(self: &Arc<Self>, mut inbound: Inbound) -> Outbound {
        // In flight until this returns, or for a stream until the relay records its end.
        let in_flight = self.metrics.request_started();
        let p = inbound.protocol;
        if !self.authorized(&inbound.headers) {
            return self.refuse(&inbound, ProxyError::Unauthorized);
        }
        // The Responses API is served as Chat Completions: the body is converted once
        // here, so rules, transformers and every channel see a body they know. The
        // client's own body is what a record keeps.
        let responses = inbound.endpoint == responses::ENDPOINT;
        let mut client_body = None;
        if responses {
            let chat = serde_json::from_slice::<serde_json::Value>(&inbound.body)
                .map_err(ProxyError::MalformedBody)
                .and_then(|v| responses::request_to_chat(&v).map_err(ProxyError::InvalidRequest));
            match chat {
                Ok(chat) => {
                    let chat = Bytes::from(serde_json::to_vec(&chat).expect("json"));
                    client_body = Some(std::mem::replace(&mut inbound.body, chat));
                }
                Err(e) => return self.refuse(&inbound, e),
            }
        }
        let client_body = client_body.unwrap_or_else(|| inbound.body.clone());
        let (trace_id, parent_span) = parse_traceparent(header_str(&inbound.headers, names::TRACEPARENT));
        let request_id = request_id(&inbound.headers);
        let fields: RoutingFields = match serde_json::from_slice(&inbound.body) {
            Ok(f) => f,
            Err(e) => return self.refuse(&inbound, ProxyError::MalformedBody(e)),
        };
        let model = fields.model.as_deref().or(inbound.model.as_deref()).filter(|m| !m.is_empty()).map(str::to_string);
        let Some(model) = model else {
            return self.refuse(&inbound, ProxyError::NoModel);
        };
        // The Gemini API says "stream" with its endpoint, and the framing with `alt=sse`.
        let gemini_stream = inbound.endpoint == gemini_client::STREAM;
        let stream = fields.stream.unwrap_or(false) || gemini_stream;
        let json_array =
            gemini_stream && !inbound.query.as_deref().is_some_and(|q| q.split('&').any(|kv| kv == "alt=sse"));
        let session = balancer::session_id(
            self.session_header.as_ref().and_then(|n| header_str(&inbound.headers, n)),
            header_str(&inbound.headers, names::X_CLAUDE_CODE_SESSION_ID),
            fields.metadata.as_ref().and_then(|m| m.user_id.as_deref()),
        );
        let mut ctx = RequestContext {
            request_id,
            trace_id,
            span_id: random_hex(8),
            parent_span,
            session,
            protocol: p,
            endpoint: inbound.endpoint,
            model: model.clone(),
            stream,
            received: inbound.received,
            time_ms: runtime::now_ms(),
            bytes_in: client_body.len() as u64,
            // A refcount, not a copy: the body is only captured if a record keeps it.
            request_body: (self.cfg.bodies != super::config::BodyCapture::None).then_some(client_body),
            strip_usage: p == Protocol::Openai
                && stream
                && fields.stream_options.as_ref().and_then(|o| o.include_usage) != Some(true),
            responses,
            json_array,
            routed_model: model.clone(),
            rule: None,
            rule_reason: None,
            body_modified: false,
            routed_us: 0,
        };
        let mut out = self.route_and_forward(&inbound, &mut ctx).await;
        if matches!(out.body, OutBody::Stream(_)) {
            in_flight.hand_to_stream();
        }
        out.headers.insert(
            names::X_REQUEST_ID,
            HeaderValue::from_str(&ctx.request_id).unwrap_or(HeaderValue::from_static("invalid")),
        );
        out.headers.insert(names::X_TRACE_ID, HeaderValue::from_str(&ctx.trace_id).expect("hex"));
        out.headers.insert(names::X_SPAN_ID, HeaderValue::from_str(&ctx.span_id).expect("hex"));
        out
    }

    /// The answer to a request refused before routing, recorded (rate-limited, see
    /// [`Proxy::record_refused`]) with the reason as its error.
    #[cold]
    fn refuse(&self, inbound: &Inbound, e: ProxyError) -> Outbound {
        let reason = e.to_string();
        let mut out = e.into_outbound(inbound.protocol);
        let id = self.record_refused(Refused {
            protocol: inbound.protocol,
            endpoint: inbound.endpoint,
            headers: &inbound.headers,
            received: inbound.received,
            bytes_in: inbound.body.len() as u64,
            model: None,
            status: out.status,
            reason,
        });
        if let Ok(v) = HeaderValue::from_str(&id) {
            out.headers.insert(names::X_REQUEST_ID, v);
        }
        out
    }

    /// Store a breaker transition as the channel's status (rate_limited, or enabled again),
    /// off the request path.
    fn reflect(&self, channel_id: &str, t: Transition) {
        if t == Transition::None {
            return;
        }
        self.share_breaker(channel_id, t);
        let engine = self.engine.clone();
        let id = channel_id.to_string();
        tokio::task::spawn_blocking(move || team::store_status(&engine, &id, t));
    }

    /// Route, then try the candidates in order until one answers.
    async fn route_and_forward(self: &Arc<Self>, inbound: &Inbound, ctx: &mut RequestContext) -> Outbound {
        let p = ctx.protocol;
        let snap = self.engine.snapshot();
        let (mut parsed, target) = match self.apply_rules(&snap, inbound, ctx) {
            Ok(routed) => routed,
            Err(e) => {
                let out = e.into_outbound(p);
                self.record_failure(ctx, &out, Vec::new());
                return out;
            }
        };
        let ordered = self.order_candidates(&snap, &ctx.routed_model, target, ctx.session.as_deref());
        ctx.routed_us = attempt::micros(ctx.received.elapsed());
        let ctx = &*ctx;
        if ordered.is_empty() {
            let out = self.nothing_to_try(&snap, ctx).into_outbound(p);
            self.record_failure(ctx, &out, Vec::new());
            return out;
        }
        self.failover(inbound, ctx, ordered, &mut parsed).await
    }

    /// The routing rules' turn (when there are rules): the rule that decides, the model it
    /// routes to, its target channel (by index in the snapshot) and the body without a
    /// subagent tag, all noted in `ctx`. Returns the parsed body (None without rules: it is
    /// parsed only if a channel needs it changed) and the target.
    fn apply_rules(
        &self,
        snap: &super::Snapshot,
        inbound: &Inbound,
        ctx: &mut RequestContext,
    ) -> Result<(Option<serde_json::Value>, Option<usize>), ProxyError> {
        if snap.ruleset.is_empty() {
            return Ok((None, None));
        }
        let p = ctx.protocol;
        let mut v: serde_json::Value = serde_json::from_slice(&inbound.body).map_err(ProxyError::MalformedBody)?;
        let runtimes = self.snapshot_runtimes(snap);
        let d = super::rules::decide_by_index(
            snap,
            p,
            &v,
            &HeaderView(&inbound.headers),
            &ctx.model,
            &|i| runtimes.available_at(snap, i),
            false,
        );
        if let Some(m) = &d.rule {
            log::debug!("request {} routed by rule {:?}: {}", ctx.request_id, m.rule_name, m.reason);
            ctx.rule = Some(m.rule_name.clone());
            ctx.rule_reason = Some(m.reason.clone()).filter(|r| !r.is_empty());
        }
        ctx.routed_model = d.model;
        ctx.body_modified = !d.no_subagent_tag && super::rules::strip_subagent_tag(p, &mut v);
        Ok((Some(v), d.target_index))
    }

    /// Why no channel can be tried: none serves the model, or every one that does is down.
    fn nothing_to_try(&self, snap: &super::Snapshot, ctx: &RequestContext) -> ProxyError {
        let down = self.down(snap, &ctx.routed_model);
        if down.is_empty() {
            ProxyError::NoChannelServes { model: ctx.model.clone(), available: self.available_models() }
        } else {
            ProxyError::AllUnavailable { model: ctx.model.clone(), down }
        }
    }

    /// Failover: try the candidates in order, at most `max_attempts` of them, each with a
    /// key that is not cooling down and a breaker that lets it through. The first answer
    /// goes to the client. Each failure counts against its channel (and its key, for 401,
    /// 403 and 429). When all fail, the client gets the last upstream answer, else an error
    /// naming the last failure.
    async fn failover(
        self: &Arc<Self>,
        inbound: &Inbound,
        ctx: &RequestContext,
        ordered: Vec<Candidate>,
        parsed: &mut Option<serde_json::Value>,
    ) -> Outbound {
        let p = ctx.protocol;
        let max = self.cfg.max_attempts.max(1);
        let mut attempts: Vec<Attempt> = Vec::new();
        let mut answer: Option<UpstreamAnswer> = None;
        let mut last_failure: Option<(String, ProxyError)> = None;
        let mut any_timeout = false;
        for cand in ordered.into_iter() {
            if attempts.len() >= max {
                break;
            }
            let now = Instant::now();
            let n_keys = cand.channel.key_count();
            let Some(key_idx) = cand.rt.pick_key(n_keys, now) else { continue };
            if !cand.rt.begin(now) {
                continue;
            }
            let started = Instant::now();
            let number = attempts.len() + 1;
            let at = ChannelAttempt::new(&self.cfg, inbound, ctx, &cand, key_idx, number, started);
            let failure = match self.attempt(at, parsed, &mut attempts).await {
                Ok(out) => return out,
                Err(failure) => failure,
            };
            let AttemptFailure { error, status, wait, answer: upstream_answer } = *failure;
            if !error.is_retryable() {
                // The request cannot go to this channel as it is: the client's request is the
                // trouble, not the channel. No mark against it, no failover: the client hears why.
                cand.rt.end();
                cand.rt.on_abandon();
                return error.into_outbound(p);
            }
            let message = error.to_string();
            cand.rt.end();
            if matches!(status, Some(s) if upstream::is_key_problem(s)) {
                let for_ = wait.unwrap_or(self.cfg.open_for);
                cand.rt.cool_key(key_idx, n_keys, for_);
                self.share_cool(&cand.channel, key_idx, for_);
            }
            let t = cand.rt.on_failure(self.cfg.failure_threshold, wait.unwrap_or(self.cfg.open_for), message.clone());
            self.reflect(&cand.channel.id, t);
            // By the message: a transport error can say it too (a connect timeout).
            any_timeout |= message.contains("timed out");
            log::warn!(
                "request {} attempt {} on channel {} failed: {message}",
                ctx.request_id,
                number,
                cand.channel.name
            );
            attempts.push(Attempt {
                channel_id: cand.channel.id.clone(),
                channel_name: cand.channel.name.clone(),
                status,
                error: Some(message),
                latency_ms: started.elapsed().as_millis() as u64,
                start_us: attempt::micros(started - ctx.received),
                send_us: None,
                reason: Some(error.reason()),
            });
            last_failure = Some((cand.channel.name.clone(), error));
            if upstream_answer.is_some() {
                answer = upstream_answer;
            }
        }
        // Every attempt failed.
        let n = attempts.len();
        let mut out = match (answer, last_failure) {
            (Some(answer), _) => answer.last_resort(p),
            (None, None) => ProxyError::AllBusy { model: ctx.model.clone() }.into_outbound(p),
            (None, Some((channel, last))) => {
                ProxyError::AllFailed { tried: n, channel, last: Box::new(last), timed_out: any_timeout }
                    .into_outbound(p)
            }
        };
        out.headers.insert(names::X_ROUTEX_ATTEMPTS, HeaderValue::from(n as u64));
        self.record_failure(ctx, &out, attempts);
        out
    }

    /// The routing headers (README.md, "How the proxy behaves": headers). `upstream` is the
    /// time spent waiting on the upstream.
    pub(crate) fn finish_headers(
        &self,
        out: &mut Outbound,
        ctx: &RequestContext,
        cand: &Candidate,
        attempts: usize,
        latency: Duration,
        upstream: Duration,
    ) {
        let h = &mut out.headers;
        let names = cand.rt.header_values(&cand.channel.id, &cand.channel.name);
        if let Some(v) = names.id {
            h.insert(names::X_CHANNEL_ID, v);
        }
        if let Some(v) = names.name {
            h.insert(names::X_CHANNEL_NAME, v);
        }
        h.insert(names::X_LATENCY_MS, HeaderValue::from(latency.as_millis() as u64));
        h.insert(names::X_ROUTEX_ATTEMPTS, HeaderValue::from(attempts as u64));
        if let Some(rule) = ctx.rule.as_deref().and_then(|r| HeaderValue::from_str(r).ok()) {
            h.insert(names::X_ROUTING_RULE, rule);
        }
        let overhead = ctx.received.elapsed().saturating_sub(upstream);
        h.insert(names::X_ROUTEX_OVERHEAD_US, HeaderValue::from(overhead.as_micros() as u64));
    }

    /// `GET /v1/models`: the union of enabled channels' concrete models.
    pub fn models(&self, anthropic_shape: bool) -> serde_json::Value {
        let snap = self.engine.snapshot();
        let mut seen = std::collections::BTreeMap::new();
        for c in snap.channels.iter().filter(|c| c.status != Status::Disabled) {
            for m in c.models.iter().filter(|m| !m.contains(['*', '?'])).chain(c.model_map.keys()) {
                seen.entry(m.clone()).or_insert_with(|| c.kind.as_str().to_string());
            }
        }
        if anthropic_shape {
            let data: Vec<_> = seen
                .keys()
                .map(|m| serde_json::json!({"type": "model", "id": m, "display_name": m, "created_at": "1970-01-01T00:00:00Z"}))
                .collect();
            serde_json::json!({
                "data": data,
                "has_more": false,
                "first_id": seen.keys().next(),
                "last_id": seen.keys().last(),
            })
        } else {
            let data: Vec<_> = seen
                .iter()
                .map(|(m, owner)| serde_json::json!({"id": m, "object": "model", "created": 0, "owned_by": owner}))
                .collect();
            serde_json::json!({"object": "list", "data": data})
        }
    }

    /// `GET /v1beta/models`: the same models in the Gemini API's list shape.
    pub fn gemini_models(&self) -> serde_json::Value {
        let snap = self.engine.snapshot();
        let mut seen = std::collections::BTreeSet::new();
        for c in snap.channels.iter().filter(|c| c.status != Status::Disabled) {
            for m in c.models.iter().filter(|m| !m.contains(['*', '?'])).chain(c.model_map.keys()) {
                seen.insert(m.clone());
            }
        }
        let models: Vec<_> = seen
            .iter()
            .map(|m| {
                serde_json::json!({
                    "name": format!("models/{m}"),
                    "displayName": m,
                    "supportedGenerationMethods": ["generateContent", "streamGenerateContent", "countTokens"],
                })
            })
            .collect();
        serde_json::json!({ "models": models })
    }

    /// `POST /v1beta/models/{model}:countTokens`, answered locally with the routing rules'
    /// counter (an approximation, like `count_tokens`): `{"totalTokens": n}`. The body is a
    /// `{contents}` or a `{generateContentRequest}`.
    pub fn count_tokens_gemini(&self, inbound: Inbound) -> Outbound {
        let p = Protocol::Gemini;
        if !self.authorized(&inbound.headers) {
            return ProxyError::UnauthorizedLocal.into_outbound(p);
        }
        let body: serde_json::Value = match serde_json::from_slice(&inbound.body) {
            Ok(v) => v,
            Err(e) => return ProxyError::MalformedBody(e).into_outbound(p),
        };
        let req = body.get("generateContentRequest").unwrap_or(&body);
        if !req.get("contents").is_some_and(|m| m.is_array()) {
            return ProxyError::InvalidRequest(crate::protocol::ConvertError::Invalid(
                "contents: field required (an array of turns to count)".into(),
            ))
            .into_outbound(p);
        }
        let n = super::rules::count_tokens(Protocol::Gemini, req);
        let mut headers = HeaderMap::new();
        headers.insert(http::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        let out = serde_json::to_vec(&serde_json::json!({ "totalTokens": n })).expect("json");
        Outbound { status: 200, headers, body: OutBody::Full(Bytes::from(out)) }
    }

    /// `POST /v1/messages/count_tokens`, answered locally with the routing rules' counter
    /// (cl100k_base: an approximation of Claude's own tokenizer, free and instant).
    pub fn count_tokens(&self, inbound: Inbound) -> Outbound {
        let p = Protocol::Anthropic;
        if !self.authorized(&inbound.headers) {
            return ProxyError::UnauthorizedLocal.into_outbound(p);
        }
        let body: serde_json::Value = match serde_json::from_slice(&inbound.body) {
            Ok(v) => v,
            Err(e) => return ProxyError::MalformedBody(e).into_outbound(p),
        };
        if !body.get("messages").is_some_and(|m| m.is_array()) {
            return ProxyError::NoMessages.into_outbound(p);
        }
        let n = super::rules::count_tokens(Protocol::Anthropic, &body);
        let mut headers = HeaderMap::new();
        headers.insert(http::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        let out = serde_json::to_vec(&serde_json::json!({ "input_tokens": n })).expect("json");
        Outbound { status: 200, headers, body: OutBody::Full(Bytes::from(out)) }
    }
}

/// Copy the upstream headers clients use.
pub(crate) fn copy_passthrough(from: &HeaderMap, to: &mut HeaderMap) {
    for (k, v) in from {
        if upstream::passthrough_header(k.as_str()) {
            to.append(k.clone(), v.clone());
        }
    }
}

/// A W3C traceparent's trace id and parent span, or a fresh trace.
fn parse_traceparent(v: Option<&str>) -> (String, Option<String>) {
    if let Some(v) = v {
        let parts: Vec<&str> = v.trim().split('-').collect();
        if parts.len() == 4
            && parts[1].len() == 32
            && parts[2].len() == 16
            && parts[1].bytes().all(|b| b.is_ascii_hexdigit())
            && parts[1] != "00000000000000000000000000000000"
        {
            return (parts[1].to_ascii_lowercase(), Some(parts[2].to_ascii_lowercase()));
        }
    }
    (random_hex(16), None)
}

impl Proxy {
    /// One attempt on one channel: [`Proxy::prepare_request`], [`Proxy::send`], then by
    /// status [`Proxy::not_success`], the relay's `start` for a stream, or
    /// [`Proxy::whole_body`]. `parsed` is the client's body as JSON once something parsed
    /// it; `attempts` holds the request's earlier attempts, taken into the record when
    /// this one answers.
    async fn attempt(
        self: &Arc<Self>,
        at: ChannelAttempt<'_>,
        parsed: &mut Option<serde_json::Value>,
        attempts: &mut Vec<Attempt>,
    ) -> AttemptResult {
        let request = self.prepare_request(&at, parsed)?;
        let head = self.send(&at, request).await?;
        if !(200..300).contains(&head.status) {
            return self.not_success(&at, head, attempts).await;
        }
        if let Some(e) = attempt::wrong_content_type(&head.headers, head.status, at.ctx.stream) {
            return Err(AttemptFailure::at_status(e, head.status));
        }
        if at.ctx.stream {
            return relay::start(self, at, head, attempts).await;
        }
        self.whole_body(&at, head, attempts).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traceparent_is_version_trace_span_flags() {
        let (t, s) = (random_hex(16), random_hex(8));
        assert_eq!(traceparent(&t, &s).unwrap(), format!("00-{t}-{s}-01").as_str());
        assert_eq!(parse_traceparent(traceparent(&t, &s).unwrap().to_str().ok()), (t, Some(s)));
        assert!(traceparent(&"a".repeat(49), "b").is_none(), "ids longer than the W3C ones are left out");
        assert!(traceparent("a\nb", "c").is_none(), "not a header value");
    }

    #[test]
    fn ids_are_lowercase_hex_of_the_asked_length_and_distinct() {
        let a = random_hex(16);
        let b = random_hex(16);
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c)), "{a}");
        assert_ne!(a, b);
        assert_eq!(random_hex(8).len(), 16);
        assert_eq!(random_hex(12).len(), 24);
        let mut seen: std::collections::HashSet<String> = (0..10_000).map(|_| random_hex(12)).collect();
        assert_eq!(seen.len(), 10_000);
        // Another thread has its own seed: no repeats across threads either.
        let other: Vec<String> = std::thread::spawn(|| (0..10_000).map(|_| random_hex(12)).collect()).join().unwrap();
        seen.extend(other);
        assert_eq!(seen.len(), 20_000);
    }

    #[test]
    fn traceparent_is_honoured_or_made() {
        let (t, p) = parse_traceparent(Some("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
        assert_eq!(t, "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(p.as_deref(), Some("00f067aa0ba902b7"));
        let (t, p) = parse_traceparent(Some("garbage"));
        assert_eq!(t.len(), 32);
        assert!(p.is_none());
    }
}
