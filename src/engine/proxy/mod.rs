//! The proxy's request path (SPEC §4): authenticate, peek at the body, choose channels,
//! forward with failover, relay or convert the answer, record what happened.
//!
//! It reads only the engine's immutable snapshot (never the store); records leave
//! through the recorder's bounded queue. The daemon hands it an [`Inbound`] and turns the
//! [`Outbound`] into an HTTP response; everything a client can observe is decided here.

pub mod balancer;
pub mod client;
mod relay;
pub mod runtime;
pub mod upstream;

use super::records;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue};
use serde::Deserialize;
use std::borrow::Cow;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use self::relay::Relay;

use self::balancer::{Affinity, Balancer, Candidate, Pool};
use self::runtime::ChannelRuntime;
use self::runtime::{Breaker, Runtimes, Transition};
use super::config::Config;
use super::records::{Attempt, Recorder, RequestRecord};
use super::{Engine, Status};
use crate::protocol::{self, Protocol, Usage};
use crate::secret::Secret;

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
    pub prices: std::collections::BTreeMap<String, records::Price>,
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

/// Per-request facts shared by the attempt loop, the relay and the record.
#[derive(Clone)]
pub(crate) struct Trail {
    pub request_id: String,
    pub trace_id: String,
    pub span_id: String,
    pub session: Option<String>,
    pub protocol: Protocol,
    pub endpoint: &'static str,
    pub model: String,
    pub stream: bool,
    pub received: Instant,
    pub time_ms: u64,
    pub bytes_in: u64,
    pub request_body: Option<Bytes>,
    /// Routex added `stream_options.include_usage` the client did not ask for.
    pub strip_usage: bool,
    /// The model after a routing rule's rewrite (else the requested one).
    pub routed_model: String,
    /// The routing rule that decided, if any.
    pub rule: Option<String>,
    /// The body was changed before forwarding (a subagent tag stripped).
    pub body_modified: bool,
}

/// Request headers as the rules engine reads them.
struct HeaderView<'a>(&'a HeaderMap);

impl super::rules::HeaderLookup for HeaderView<'_> {
    fn find_header(&self, name: &str, pred: &mut dyn FnMut(&str) -> bool) -> Option<&str> {
        self.0.get_all(name).iter().filter_map(|v| v.to_str().ok()).find(|v| pred(v))
    }
}

/// The proxy: everything the request path needs, shared by all requests.
/// The runtimes of a snapshot's channels, in the snapshot's order: looked up once per
/// snapshot version instead of once per channel per request.
struct RtCache {
    version: u64,
    rts: Vec<Arc<ChannelRuntime>>,
    /// Model → indices of the channels serving it (glob matching done once per model
    /// and snapshot, not per request).
    serving: std::sync::RwLock<super::FnvMap<String, Arc<[u32]>>>,
}

/// Candidates by their index in the snapshot (ascending, so in priority order): what the
/// balancer reads, with nothing copied.
struct Avail<'a> {
    snap: &'a super::Snapshot,
    rts: &'a RtCache,
    idx: &'a [u32],
}

impl Pool for Avail<'_> {
    fn len(&self) -> usize {
        self.idx.len()
    }
    fn ch(&self, i: usize) -> &super::Channel {
        &self.snap.channels[self.idx[i] as usize]
    }
    fn run(&self, i: usize) -> &ChannelRuntime {
        &self.rts.rts[self.idx[i] as usize]
    }
}

/// Distinct models remembered per snapshot before the map starts over.
const SERVING_CACHE_MAX: usize = 4096;

pub struct Proxy {
    engine: Arc<Engine>,
    rt_cache: arc_swap::ArcSwap<RtCache>,
    cfg: ProxyConfig,
    /// Key of this proxy's upstream pools in [`UPSTREAMS`].
    pool_id: u64,
    runtimes: Arc<Runtimes>,
    balancer: Balancer,
    affinity: Affinity,
    recorder: Recorder,
    /// Upstream model → price, remembered: the price table's glob matching ran on every
    /// record (~3 % of a request's instructions).
    prices: std::sync::RwLock<std::collections::HashMap<String, Option<records::Price>>>,
    /// `cfg.session_header` parsed once (None: not a valid header name, never sent).
    session_header: Option<HeaderName>,
}

#[derive(Deserialize)]
struct Peek<'a> {
    #[serde(borrow, default)]
    model: Option<Cow<'a, str>>,
    #[serde(default)]
    stream_options: Option<StreamOptions>,
    #[serde(default)]
    stream: Option<bool>,
    #[serde(borrow, default)]
    metadata: Option<PeekMeta<'a>>,
}

#[derive(Deserialize)]
struct StreamOptions {
    #[serde(default)]
    include_usage: Option<bool>,
}

#[derive(Deserialize)]
struct PeekMeta<'a> {
    #[serde(borrow, default)]
    user_id: Option<Cow<'a, str>>,
}

enum Outcome {
    Done(Outbound),
    Final(Outbound),
    Retry { status: Option<u16>, error: String, wait: Option<Duration>, last: Option<(u16, HeaderMap, Bytes)> },
}

use crate::util::ids::random_hex;

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

/// A client error in the client's own protocol.
pub fn client_error(p: Protocol, status: u16, message: &str) -> Outbound {
    let body = error_body(p, status, message);
    let mut headers = HeaderMap::new();
    headers.insert(http::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Outbound { status, headers, body: OutBody::Full(Bytes::from(body)) }
}

/// The error body of a protocol for a status and message.
pub fn error_body(p: Protocol, status: u16, message: &str) -> Vec<u8> {
    serde_json::to_vec(&protocol::error_body(p, status, message)).expect("json")
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
        let rt_cache = arc_swap::ArcSwap::from_pointee(RtCache {
            version: u64::MAX,
            rts: Vec::new(),
            serving: Default::default(),
        });
        let session_header = HeaderName::from_bytes(cfg.session_header.as_bytes()).ok();
        Proxy {
            session_header,
            engine,
            rt_cache,
            cfg,
            pool_id,
            runtimes,
            balancer: Balancer::default(),
            affinity,
            recorder,
            prices: Default::default(),
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

    /// Check the client's key when client keys are configured.
    pub fn authorized(&self, headers: &HeaderMap) -> bool {
        if self.cfg.client_keys.is_empty() {
            return true;
        }
        let given = header_str(headers, names::X_API_KEY)
            .or_else(|| header_str(headers, http::header::AUTHORIZATION).and_then(|v| v.strip_prefix("Bearer ")))
            .unwrap_or("")
            .trim();
        self.cfg.client_keys.iter().any(|k| crate::util::ids::constant_eq(k.expose().as_bytes(), given.as_bytes()))
    }

    /// Handle one proxied request.
    pub async fn handle(self: &Arc<Self>, inbound: Inbound) -> Outbound {
        let p = inbound.protocol;
        if !self.authorized(&inbound.headers) {
            return client_error(
                p,
                401,
                "invalid or missing API key for this routex (send it as x-api-key or Authorization: Bearer)",
            );
        }
        let (trace_id, _parent_span) = parse_traceparent(header_str(&inbound.headers, names::TRACEPARENT));
        let request_id = header_str(&inbound.headers, names::X_REQUEST_ID)
            .filter(|v| !v.is_empty() && v.len() <= 128)
            .map(str::to_string)
            .unwrap_or_else(|| {
                let mut id = String::with_capacity(28);
                id.push_str("req_");
                id.push_str(&random_hex(12));
                id
            });
        let peek: Peek = match serde_json::from_slice(&inbound.body) {
            Ok(p) => p,
            Err(e) => {
                let mut out = client_error(p, 400, &format!("the request body is not valid JSON: {e}"));
                out.headers.insert(names::X_REQUEST_ID, HeaderValue::from_str(&request_id).expect("hex"));
                return out;
            }
        };
        let Some(model) = peek.model.as_deref().filter(|m| !m.is_empty()).map(str::to_string) else {
            return client_error(p, 400, "the request has no \"model\"; name the model to use");
        };
        let stream = peek.stream.unwrap_or(false);
        let session = balancer::session_id(
            self.session_header.as_ref().and_then(|n| header_str(&inbound.headers, n)),
            header_str(&inbound.headers, names::X_CLAUDE_CODE_SESSION_ID),
            peek.metadata.as_ref().and_then(|m| m.user_id.as_deref()),
        );
        let trail = Trail {
            request_id,
            trace_id,
            span_id: random_hex(8),
            session,
            protocol: p,
            endpoint: inbound.endpoint,
            model: model.clone(),
            stream,
            received: inbound.received,
            time_ms: runtime::now_ms(),
            bytes_in: inbound.body.len() as u64,
            // A refcount, not a copy: the body is only captured if a record keeps it.
            request_body: (self.cfg.bodies != super::config::BodyCapture::None).then(|| inbound.body.clone()),
            strip_usage: p == Protocol::Openai
                && stream
                && peek.stream_options.as_ref().and_then(|o| o.include_usage) != Some(true),
            routed_model: model.clone(),
            rule: None,
            body_modified: false,
        };
        let mut trail = trail;
        let mut out = self.route_and_forward(&inbound, &mut trail).await;
        out.headers.insert(
            "x-request-id",
            HeaderValue::from_str(&trail.request_id).unwrap_or(HeaderValue::from_static("invalid")),
        );
        out.headers.insert(names::X_TRACE_ID, HeaderValue::from_str(&trail.trace_id).expect("hex"));
        out.headers.insert(names::X_SPAN_ID, HeaderValue::from_str(&trail.span_id).expect("hex"));
        out
    }

    /// The runtimes aligned with a snapshot's channels.
    fn rts(&self, snap: &super::Snapshot) -> Arc<RtCache> {
        let cur = self.rt_cache.load_full();
        if cur.version == snap.version && cur.rts.len() == snap.channels.len() {
            return cur;
        }
        let fresh = Arc::new(RtCache {
            version: snap.version,
            rts: snap.channels.iter().map(|c| self.runtimes.get(&c.id)).collect(),
            serving: Default::default(),
        });
        self.rt_cache.store(fresh.clone());
        fresh
    }

    /// Indices in the snapshot of the channels that serve `model` and are not disabled,
    /// ascending (glob matching done once per model and snapshot, not per request).
    fn serving(&self, snap: &super::Snapshot, rts: &RtCache, model: &str) -> Arc<[u32]> {
        if let Some(idx) = rts.serving.read().unwrap_or_else(|e| e.into_inner()).get(model) {
            return idx.clone();
        }
        let idx: Arc<[u32]> = (snap.channels.iter().enumerate())
            .filter(|(_, c)| c.status != Status::Disabled && c.serves(model))
            .map(|(i, _)| i as u32)
            .collect();
        let mut m = rts.serving.write().unwrap_or_else(|e| e.into_inner());
        if m.len() >= SERVING_CACHE_MAX {
            m.clear();
        }
        m.insert(model.to_string(), idx.clone());
        idx
    }

    /// Indices in the snapshot of the channels that serve `model` and may take traffic
    /// now: the cached list itself unless a breaker or a key cooldown holds one back.
    fn candidates(&self, snap: &super::Snapshot, rts: &RtCache, model: &str) -> Arc<[u32]> {
        let serving = self.serving(snap, rts, model);
        if self.runtimes.all_clear() || serving.iter().all(|&i| rts.rts[i as usize].clear()) {
            return serving;
        }
        let now = Instant::now();
        (serving.iter().copied())
            .filter(|&i| {
                let (ch, rt) = (&snap.channels[i as usize], &rts.rts[i as usize]);
                rt.admissible(now) && rt.has_key(ch.api_keys.len(), now)
            })
            .collect()
    }

    /// The channels that serve `model` but cannot take traffic now, and why: for the
    /// error when none is left.
    fn down(&self, snap: &super::Snapshot, model: &str) -> Vec<String> {
        let rts = self.rts(snap);
        let now = Instant::now();
        (snap.channels.iter().zip(rts.rts.iter()))
            .filter(|(ch, _)| ch.serves(model))
            .filter_map(|(ch, rt)| {
                if ch.status == Status::Disabled {
                    Some(format!("{} (disabled)", ch.name))
                } else if !rt.admissible(now) {
                    Some(format!("{} (circuit open)", ch.name))
                } else if !rt.has_key(ch.api_keys.len(), now) {
                    Some(format!("{} (every key cooling down)", ch.name))
                } else {
                    None
                }
            })
            .collect()
    }

    /// Whether the channel at `i` in the snapshot may take traffic now (live view), with
    /// the runtimes aligned with that snapshot.
    fn available_at(snap: &super::Snapshot, rts: &RtCache, i: usize) -> bool {
        let (ch, rt) = (&snap.channels[i], &rts.rts[i]);
        if ch.status == Status::Disabled {
            return false;
        }
        if rt.clear() {
            return true;
        }
        let now = Instant::now();
        rt.admissible(now) && rt.has_key(ch.api_keys.len(), now)
    }

    fn reflect(&self, channel_id: &str, t: Transition) {
        let (from, to) = match t {
            Transition::None => return,
            Transition::Opened => (Status::Enabled, Status::RateLimited),
            Transition::Healed => (Status::RateLimited, Status::Enabled),
        };
        let engine = self.engine.clone();
        let id = channel_id.to_string();
        tokio::task::spawn_blocking(move || {
            if let Ok(c) = engine.find_channel(&id) {
                if c.status == from {
                    if let Err(e) = engine.set_status(&id, to) {
                        log::warn!("could not store status {to} for channel {}: {e}", c.name);
                    } else {
                        log::info!("channel {} is now {to}", c.name);
                    }
                }
            }
        });
    }

    /// Whether a channel may take traffic now (live view: status, breaker, keys).
    fn available(&self, ch: &super::Channel) -> bool {
        let now = Instant::now();
        if ch.status == Status::Disabled {
            return false;
        }
        let rt = self.runtimes.get(&ch.id);
        rt.admissible(now) && rt.has_key(ch.api_keys.len(), now)
    }

    /// The dry run with the live view of channels.
    pub fn test_route(
        &self,
        protocol: Protocol,
        body: &serde_json::Value,
        headers: &[(String, String)],
    ) -> super::Result<super::rules::RouteTest> {
        super::rules::dry_run(&self.engine.snapshot(), protocol, body, headers, &|c| self.available(c))
    }

    /// The channels to try, in order: a rule's target first (when given, by its index in
    /// the snapshot), else the session's sticky channel, then the strategy's pick, then the
    /// rest by priority.
    fn order_candidates(
        &self,
        snap: &super::Snapshot,
        model: &str,
        target: Option<usize>,
        session: Option<&str>,
    ) -> Vec<Candidate> {
        let rts = self.rts(snap);
        let cands = self.candidates(snap, &rts, model);
        let candidate = |i: usize| Candidate { channel: snap.channels[i].clone(), rt: rts.rts[i].clone() };
        // Only the first few are ever tried; owning more would only cost reference counts.
        let keep = self.cfg.max_attempts.max(1) + 2;
        let mut ordered = Vec::with_capacity(keep.min(cands.len() + 1));
        let without_target: Vec<u32>;
        let mut idx: &[u32] = &cands;
        let pinned = match target {
            // A rule's decision outranks session affinity; the balancer orders the rest.
            Some(t) => {
                if let Ok(p) = idx.binary_search(&(t as u32)) {
                    without_target = [&idx[..p], &idx[p + 1..]].concat();
                    idx = &without_target;
                }
                ordered.push(candidate(t));
                None
            }
            None => session
                .and_then(|s| {
                    self.affinity.get_with(s, |id| snap.channel_index(id).filter(|&i| snap.channels[i].id == id))
                })
                .flatten(),
        };
        if idx.is_empty() {
            return ordered;
        }
        let first = self.balancer.pick(snap.strategy, &Avail { snap, rts: &rts, idx });
        let pinned = pinned.and_then(|i| idx.binary_search(&(i as u32)).ok());
        // The sticky channel, then the strategy's pick, then the rest in priority order.
        let rest = std::iter::once(first).chain((0..idx.len()).filter(|&j| j != first));
        let order = pinned.into_iter().chain(rest.filter(|&j| Some(j) != pinned));
        ordered.extend(order.take(keep - ordered.len()).map(|j| candidate(idx[j] as usize)));
        ordered
    }

    /// The routing decision without rules (strategy + affinity): the channel names in the
    /// order they would be tried. Public for benchmarks and diagnostics.
    pub fn plan(&self, model: &str, session: Option<&str>) -> Vec<Arc<super::Channel>> {
        let snap = self.engine.snapshot();
        self.order_candidates(&snap, model, None, session).into_iter().map(|c| c.channel).collect()
    }

    /// The price of an upstream model (see [`records::price_of`]; `logging.prices` first),
    /// memoised.
    fn price(&self, model: &str) -> Option<records::Price> {
        if let Some(p) = self.prices.read().unwrap_or_else(|e| e.into_inner()).get(model) {
            return *p;
        }
        let p = records::price_of(model, &self.cfg.prices);
        let mut m = self.prices.write().unwrap_or_else(|e| e.into_inner());
        if m.len() >= SERVING_CACHE_MAX {
            m.clear();
        }
        m.insert(model.to_string(), p);
        p
    }

    /// The whole routing decision for a parsed request, as the request path makes it:
    /// the rules (with the live view of channels), then a rule's target or session
    /// affinity and the strategy. Returns the matching rule's name and the channels in
    /// the order they would be tried. Public for benchmarks and diagnostics.
    pub fn plan_request(
        &self,
        protocol: Protocol,
        body: &serde_json::Value,
        headers: &dyn super::rules::HeaderLookup,
        model: &str,
        session: Option<&str>,
    ) -> (Option<String>, Vec<Arc<super::Channel>>) {
        let snap = self.engine.snapshot();
        let rts = self.rts(&snap);
        let available = |i: usize| Proxy::available_at(&snap, &rts, i);
        let d = super::rules::decide_by_index(&snap, protocol, body, headers, model, &available, false);
        let ordered = self.order_candidates(&snap, &d.model, d.target_index, session);
        (d.rule.map(|r| r.rule_name), ordered.into_iter().map(|c| c.channel).collect())
    }

    /// Stick a session to a channel (what a success does).
    pub fn remember_session(&self, session: &str, channel_id: &str) {
        self.affinity.set(session, channel_id);
    }

    async fn route_and_forward(self: &Arc<Self>, inbound: &Inbound, trail: &mut Trail) -> Outbound {
        let p = trail.protocol;
        let snap = self.engine.snapshot();
        let mut parsed: Option<serde_json::Value> = None;
        let mut target = None;
        if !snap.ruleset.is_empty() {
            let mut v: serde_json::Value = match serde_json::from_slice(&inbound.body) {
                Ok(v) => v,
                Err(e) => return client_error(p, 400, &format!("the request body is not valid JSON: {e}")),
            };
            let rts = self.rts(&snap);
            let d = super::rules::decide_by_index(
                &snap,
                p,
                &v,
                &HeaderView(&inbound.headers),
                &trail.model,
                &|i| Proxy::available_at(&snap, &rts, i),
                false,
            );
            if let Some(m) = &d.rule {
                log::debug!("request {} routed by rule {:?}: {}", trail.request_id, m.rule_name, m.reason);
                trail.rule = Some(m.rule_name.clone());
            }
            trail.routed_model = d.model;
            target = d.target_index;
            trail.body_modified = !d.no_subagent_tag && super::rules::strip_subagent_tag(p, &mut v);
            parsed = Some(v);
        }
        let trail = &*trail;
        let ordered = self.order_candidates(&snap, &trail.routed_model, target, trail.session.as_deref());
        if ordered.is_empty() {
            let down = self.down(&snap, &trail.routed_model);
            let out = if down.is_empty() {
                let available = self.available_models();
                client_error(
                    p,
                    404,
                    &format!(
                        "no channel serves model {:?}; available: {}",
                        trail.model,
                        if available.is_empty() {
                            "none (add a channel: routex channel add)".to_string()
                        } else {
                            available.join(", ")
                        }
                    ),
                )
            } else {
                client_error(
                    p,
                    503,
                    &format!("every channel serving model {:?} is unavailable: {}", trail.model, down.join(", ")),
                )
            };
            self.record_failure(trail, &out, Vec::new());
            return out;
        }
        let max = self.cfg.max_attempts.max(1);
        let mut attempts: Vec<Attempt> = Vec::new();
        let mut last: Option<(u16, HeaderMap, Bytes, Protocol)> = None;
        let mut last_error = String::new();
        let mut any_timeout = false;
        for cand in ordered.into_iter() {
            if attempts.len() >= max {
                break;
            }
            let now = Instant::now();
            let n_keys = cand.channel.api_keys.len();
            let Some(key_idx) = cand.rt.pick_key(n_keys, now) else { continue };
            if !cand.rt.begin(now) {
                continue;
            }
            let started = Instant::now();
            let attempt_no = attempts.len() + 1;
            let outcome = self.attempt(inbound, trail, &cand, key_idx, &mut parsed, &mut attempts, attempt_no).await;
            match outcome {
                Outcome::Done(out) => return out,
                Outcome::Final(out) => return out,
                Outcome::Retry { status, error, wait, last: resp } => {
                    cand.rt.end();
                    if matches!(status, Some(s) if upstream::is_key_problem(s)) {
                        cand.rt.cool_key(key_idx, n_keys, wait.unwrap_or(self.cfg.open_for));
                    }
                    let t = cand.rt.on_failure(
                        self.cfg.failure_threshold,
                        wait.unwrap_or(self.cfg.open_for),
                        error.clone(),
                    );
                    self.reflect(&cand.channel.id, t);
                    any_timeout |= error.contains("timed out");
                    log::warn!(
                        "request {} attempt {} on channel {} failed: {error}",
                        trail.request_id,
                        attempt_no,
                        cand.channel.name
                    );
                    attempts.push(Attempt {
                        channel_id: cand.channel.id.clone(),
                        channel_name: cand.channel.name.clone(),
                        status,
                        error: Some(error.clone()),
                        latency_ms: started.elapsed().as_millis() as u64,
                    });
                    last_error = format!("{}: {error}", cand.channel.name);
                    if let Some((s, h, b)) = resp {
                        last = Some((s, h, b, cand.channel.protocol));
                    }
                }
            }
        }
        // Every attempt failed.
        let n = attempts.len();
        let mut out = match last {
            Some((status, headers, body, up)) => {
                let mut out = if up == p {
                    let mut h = HeaderMap::new();
                    h.insert(http::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
                    Outbound { status, headers: h, body: OutBody::Full(body) }
                } else {
                    let v = protocol::convert_error(up, p, status, &body);
                    let mut o = client_error(p, status, "");
                    o.body = OutBody::Full(Bytes::from(serde_json::to_vec(&v).expect("json")));
                    o
                };
                copy_passthrough(&headers, &mut out.headers);
                out
            }
            None if n == 0 => client_error(
                p,
                503,
                &format!("every channel serving model {:?} is busy or cooling down; retry shortly", trail.model),
            ),
            None => client_error(
                p,
                if any_timeout { 504 } else { 502 },
                &format!("all {n} channel(s) tried failed; last: {last_error}"),
            ),
        };
        out.headers.insert(names::X_ROUTEX_ATTEMPTS, HeaderValue::from(n as u64));
        self.record_failure(trail, &out, attempts);
        out
    }

    fn available_models(&self) -> Vec<String> {
        let snap = self.engine.snapshot();
        let mut v: Vec<String> = snap
            .channels
            .iter()
            .filter(|c| c.status != Status::Disabled)
            .flat_map(|c| c.models.iter().cloned().chain(c.model_map.keys().cloned()))
            .collect();
        v.sort();
        v.dedup();
        v
    }

    /// The body to send upstream: the client's bytes when nothing changes, else rewritten.
    fn upstream_body(
        &self,
        inbound: &Inbound,
        trail: &Trail,
        cand: &Candidate,
        upstream_model: &str,
        parsed: &mut Option<serde_json::Value>,
        pipeline: Option<&super::transform::Pipeline>,
    ) -> Result<Bytes, String> {
        let ch = &cand.channel;
        let inject_usage = trail.strip_usage && ch.protocol == Protocol::Openai;
        if ch.protocol == trail.protocol
            && upstream_model == trail.model
            && !inject_usage
            && !trail.body_modified
            && pipeline.is_none()
        {
            return Ok(inbound.body.clone());
        }
        if parsed.is_none() {
            *parsed = Some(serde_json::from_slice(&inbound.body).map_err(|e| e.to_string())?);
        }
        let v = parsed.as_ref().expect("parsed");
        if ch.protocol != trail.protocol && pipeline.is_none() {
            // No transformer needs the converted Value: serialise the conversion directly.
            return protocol::convert_request_bytes(trail.protocol, ch.protocol, v, upstream_model)
                .map(Bytes::from)
                .map_err(|e| e.to_string());
        }
        let mut out = if ch.protocol == trail.protocol {
            let mut v = v.clone();
            v["model"] = serde_json::Value::String(upstream_model.to_string());
            if inject_usage {
                // Usage for the request log; the usage chunk is kept from the client (relay).
                v["stream_options"] = serde_json::json!({"include_usage": true});
            }
            v
        } else {
            protocol::convert_request(trail.protocol, ch.protocol, v, upstream_model).map_err(|e| e.to_string())?
        };
        if let Some(p) = pipeline {
            p.request(ch.protocol, &mut out);
        }
        Ok(Bytes::from(serde_json::to_vec(&out).expect("json")))
    }

    #[allow(clippy::too_many_arguments)]
    async fn attempt(
        self: &Arc<Self>,
        inbound: &Inbound,
        trail: &Trail,
        cand: &Candidate,
        key_idx: usize,
        parsed: &mut Option<serde_json::Value>,
        attempts: &mut Vec<Attempt>,
        attempt_no: usize,
    ) -> Outcome {
        let ch = &cand.channel;
        let upstream_model =
            ch.model_map.get(&trail.routed_model).cloned().unwrap_or_else(|| trail.routed_model.clone());
        // The channel's transformers for this upstream model, built per request (some keep
        // per-stream state).
        let pipeline = ch.pipeline.as_ref().map(|p| p.build(&upstream_model)).filter(|p| !p.is_empty());
        let body = match self.upstream_body(inbound, trail, cand, &upstream_model, parsed, pipeline.as_ref()) {
            Ok(b) => b,
            Err(e) => {
                // The request cannot be expressed for this channel: a client error, not a channel failure.
                cand.rt.end();
                cand.rt.on_abandon();
                return Outcome::Final(client_error(trail.protocol, 400, &format!("channel {}: {e}", ch.name)));
            }
        };
        let url = match cand.rt.parsed_url(upstream::endpoint_url(
            ch,
            &upstream_model,
            trail.stream,
            inbound.query.as_deref(),
        )) {
            Ok(u) => u,
            Err(e) => return Outcome::Retry { status: None, error: e, wait: None, last: None },
        };
        let mut headers = cand.rt.base_headers(ch, key_idx);
        upstream::add_client_headers(&mut headers, ch, &inbound.headers, trail.protocol);
        if let Some(v) = traceparent(&trail.trace_id, &trail.span_id) {
            headers.insert(names::TRACEPARENT, v);
        }
        let timeout = ch.timeout_s.map(Duration::from_secs).unwrap_or(self.cfg.first_byte_timeout);
        let sent = Instant::now();
        let upstream = self.upstream();
        let req = upstream.post(url, headers, body);
        let mut resp = match tokio::time::timeout(timeout, req).await {
            Err(_) => {
                return Outcome::Retry {
                    status: None,
                    error: format!("timed out after {}s waiting for response headers", timeout.as_secs()),
                    wait: None,
                    last: None,
                }
            }
            Ok(Err(e)) => {
                return Outcome::Retry { status: None, error: e.to_string(), wait: None, last: None };
            }
            Ok(Ok(r)) => r,
        };
        let status = resp.status().as_u16();
        let resp_headers = resp.take_headers();
        if !(200..300).contains(&status) {
            let wait = upstream::retry_after(&resp_headers);
            let body = match tokio::time::timeout(timeout, resp.bytes()).await {
                Ok(Ok(b)) => b,
                _ => Bytes::new(),
            };
            if upstream::is_retryable(status) {
                let snippet = String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
                return Outcome::Retry {
                    status: Some(status),
                    error: format!("upstream answered {status}: {snippet}"),
                    wait,
                    last: Some((status, resp_headers, body)),
                };
            }
            // Other 4xx: the client's mistake; back to the client unchanged (or in its shape).
            cand.rt.end();
            cand.rt.on_abandon();
            let mut out = if ch.protocol == trail.protocol {
                let mut h = HeaderMap::new();
                if let Some(ct) = resp_headers.get(http::header::CONTENT_TYPE) {
                    h.insert(http::header::CONTENT_TYPE, ct.clone());
                }
                Outbound { status, headers: h, body: OutBody::Full(body.clone()) }
            } else {
                let v = protocol::convert_error(ch.protocol, trail.protocol, status, &body);
                let mut o = client_error(trail.protocol, status, "");
                o.body = OutBody::Full(Bytes::from(serde_json::to_vec(&v).expect("json")));
                o
            };
            copy_passthrough(&resp_headers, &mut out.headers);
            attempts.push(Attempt {
                channel_id: ch.id.clone(),
                channel_name: ch.name.clone(),
                status: Some(status),
                error: Some(format!("upstream answered {status}")),
                latency_ms: sent.elapsed().as_millis() as u64,
            });
            self.finish_headers(&mut out, trail, cand, attempt_no, sent.elapsed(), sent.elapsed());
            self.record(
                trail,
                Some(ch),
                &upstream_model,
                status,
                false,
                Some(format!("upstream answered {status}")),
                sent.elapsed(),
                None,
                Usage::default(),
                std::mem::take(attempts),
                0,
                Some(&body),
            );
            return Outcome::Final(out);
        }
        if trail.stream {
            return relay::start(
                self,
                inbound,
                trail,
                cand,
                resp,
                resp_headers,
                sent,
                &upstream_model,
                attempts,
                attempt_no,
                timeout,
                pipeline,
            )
            .await;
        }
        // Non-stream success: read the whole (small, JSON) body within the deadline.
        let deadline = self.cfg.request_timeout.saturating_sub(trail.received.elapsed());
        let body = match tokio::time::timeout(deadline, resp.bytes()).await {
            Err(_) => {
                return Outcome::Retry {
                    status: Some(status),
                    error: "timed out reading the response body".into(),
                    wait: None,
                    last: None,
                }
            }
            Ok(Err(e)) => return Outcome::Retry { status: Some(status), error: e.to_string(), wait: None, last: None },
            Ok(Ok(b)) => b,
        };
        let upstream_elapsed = sent.elapsed();
        // A Value only when the body changes (conversion or transformers); usage alone is
        // read straight from the bytes.
        let needs_value = ch.protocol != trail.protocol || pipeline.is_some();
        let mut value: Option<serde_json::Value> = if needs_value { serde_json::from_slice(&body).ok() } else { None };
        let usage = match value.as_ref() {
            Some(v) => protocol::usage_from_response(ch.protocol, v),
            None => protocol::usage_from_bytes(ch.protocol, &body),
        };
        if let (Some(p), Some(v)) = (pipeline.as_ref(), value.as_mut()) {
            p.response(ch.protocol, v);
        }
        let out_body = if ch.protocol == trail.protocol && pipeline.is_none() {
            body.clone()
        } else if ch.protocol == trail.protocol {
            match value.as_ref() {
                Some(v) => Bytes::from(serde_json::to_vec(v).expect("json")),
                None => body.clone(),
            }
        } else {
            let Some(v) = value.as_ref() else {
                return Outcome::Retry {
                    status: Some(status),
                    error: "upstream sent a body that is not JSON".into(),
                    wait: None,
                    last: None,
                };
            };
            match protocol::convert_response(ch.protocol, trail.protocol, v, &trail.model) {
                Ok(c) => Bytes::from(serde_json::to_vec(&c).expect("json")),
                Err(e) => return Outcome::Retry { status: Some(status), error: e.to_string(), wait: None, last: None },
            }
        };
        cand.rt.end();
        cand.rt.observe_latency(upstream_elapsed.as_micros() as u64);
        let t = cand.rt.on_success();
        self.reflect(&ch.id, t);
        cand.rt
            .tokens_in
            .fetch_add(usage.input + usage.cache_read + usage.cache_write, std::sync::atomic::Ordering::Relaxed);
        cand.rt.tokens_out.fetch_add(usage.output, std::sync::atomic::Ordering::Relaxed);
        if let Some(s) = &trail.session {
            self.affinity.set(s, &ch.id);
        }
        let mut headers = HeaderMap::with_capacity(24);
        headers.insert(http::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        copy_passthrough(&resp_headers, &mut headers);
        let bytes_out = out_body.len() as u64;
        let mut out = Outbound { status, headers, body: OutBody::Full(out_body) };
        attempts.push(Attempt {
            channel_id: ch.id.clone(),
            channel_name: ch.name.clone(),
            status: Some(status),
            error: None,
            latency_ms: upstream_elapsed.as_millis() as u64,
        });
        self.finish_headers(&mut out, trail, cand, attempt_no, upstream_elapsed, upstream_elapsed);
        let captured = (self.cfg.bodies == super::config::BodyCapture::All).then_some(&body);
        self.record(
            trail,
            Some(ch),
            &upstream_model,
            status,
            true,
            None,
            upstream_elapsed,
            None,
            usage,
            std::mem::take(attempts),
            bytes_out,
            captured.map(|b| &b[..]),
        );
        Outcome::Done(out)
    }

    /// Routing headers of SPEC §4.9. `upstream` is the time spent waiting on the upstream.
    pub(crate) fn finish_headers(
        &self,
        out: &mut Outbound,
        trail: &Trail,
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
        if let Some(rule) = trail.rule.as_deref().and_then(|r| HeaderValue::from_str(r).ok()) {
            h.insert(names::X_ROUTING_RULE, rule);
        }
        let overhead = trail.received.elapsed().saturating_sub(upstream);
        h.insert(names::X_ROUTEX_OVERHEAD_US, HeaderValue::from(overhead.as_micros() as u64));
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn record(
        &self,
        trail: &Trail,
        ch: Option<&super::Channel>,
        upstream_model: &str,
        status: u16,
        success: bool,
        error: Option<String>,
        latency: Duration,
        ttfb: Option<Duration>,
        usage: Usage,
        attempts: Vec<Attempt>,
        bytes_out: u64,
        response_body: Option<&[u8]>,
    ) {
        if !self.recorder.enabled() {
            return;
        }
        let keep_request = match self.cfg.bodies {
            super::config::BodyCapture::All => true,
            super::config::BodyCapture::Errors => !success,
            super::config::BodyCapture::None => false,
        };
        let tokens = usage;
        let cost = self.price(upstream_model).map(|p| records::cost_at(&p, &tokens));
        self.recorder.record(RequestRecord {
            id: trail.request_id.clone(),
            time_ms: trail.time_ms,
            trace_id: trail.trace_id.clone(),
            session: trail.session.clone(),
            client_protocol: trail.protocol.as_str().to_string(),
            endpoint: trail.endpoint.to_string(),
            channel_id: ch.map(|c| c.id.clone()),
            channel_name: ch.map(|c| c.name.clone()),
            rule: trail.rule.clone(),
            model: trail.model.clone(),
            upstream_model: ch.map(|_| upstream_model.to_string()),
            status,
            success,
            error,
            latency_ms: trail.received.elapsed().max(latency).as_millis() as u64,
            ttfb_ms: ttfb.map(|t| t.as_millis() as u64),
            stream: trail.stream,
            tokens,
            attempts,
            bytes_in: trail.bytes_in,
            bytes_out,
            cost_usd: cost,
            request_body: if keep_request {
                trail.request_body.as_ref().map(|b| super::records::capture(b, self.cfg.body_max_kb))
            } else {
                None
            },
            response_body: if keep_request {
                response_body.map(|b| super::records::capture(b, self.cfg.body_max_kb))
            } else {
                None
            },
        });
    }

    fn record_failure(&self, trail: &Trail, out: &Outbound, attempts: Vec<Attempt>) {
        let body = match &out.body {
            OutBody::Full(b) => Some(&b[..]),
            OutBody::Stream(_) => None,
        };
        let error = body.map(|b| {
            serde_json::from_slice::<serde_json::Value>(b)
                .ok()
                .and_then(|v| v.pointer("/error/message").and_then(|m| m.as_str()).map(str::to_string))
                .unwrap_or_else(|| String::from_utf8_lossy(&b[..b.len().min(300)]).into_owned())
        });
        let last = attempts.last().map(|a| a.channel_id.clone());
        let snap = self.engine.snapshot();
        let last_ch = last.and_then(|id| snap.channels.iter().find(|c| c.id == id).map(|c| (**c).clone()));
        self.record(
            trail,
            last_ch.as_ref(),
            &trail.model,
            out.status,
            false,
            error,
            trail.received.elapsed(),
            None,
            Usage::default(),
            attempts,
            0,
            body,
        );
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

    /// `POST /v1/messages/count_tokens`, answered locally with the routing rules' counter
    /// (cl100k_base: an approximation of Claude's own tokenizer, free and instant).
    pub fn count_tokens(&self, inbound: Inbound) -> Outbound {
        let p = Protocol::Anthropic;
        if !self.authorized(&inbound.headers) {
            return client_error(p, 401, "invalid or missing API key for this routex");
        }
        let body: serde_json::Value = match serde_json::from_slice(&inbound.body) {
            Ok(v) => v,
            Err(e) => return client_error(p, 400, &format!("the request body is not valid JSON: {e}")),
        };
        if !body.get("messages").is_some_and(|m| m.is_array()) {
            return client_error(p, 400, "messages: field required (an array of messages to count)");
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

    #[test]
    fn error_bodies_speak_each_protocol() {
        let a: serde_json::Value = serde_json::from_slice(&error_body(Protocol::Anthropic, 404, "nope")).unwrap();
        assert_eq!(a, serde_json::json!({"type":"error","error":{"type":"not_found_error","message":"nope"}}));
        let o: serde_json::Value = serde_json::from_slice(&error_body(Protocol::Openai, 400, "bad")).unwrap();
        assert_eq!(
            o,
            serde_json::json!({"error":{"message":"bad","type":"invalid_request_error","param":null,"code":null}})
        );
    }
}
