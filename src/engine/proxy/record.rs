//! The request log's view of a proxied request: [`Finished`] says how it ended, and
//! [`Proxy::record`] turns it (with the [`RequestContext`]) into the one
//! [`RequestRecord`] the request gets, its cost estimate and captured bodies included.
//!
//! Called once per request by whoever ends it: the failover loop (`mod.rs`) for failures,
//! an attempt step (`attempt.rs`) for a whole answer, the relay when a stream ends. It
//! only hands the record to the recorder's bounded queue: no I/O, no waiting, nothing
//! when records are off.
//!
//! A request refused before routing (a bad client key, a body that is not JSON or names no
//! model, a body too large, stalled or unreadable) gets a record too, through
//! [`Proxy::record_refused`], at most [`REFUSED_RECORDS_PER_SECOND`] a second: past that
//! they are only counted ([`Proxy::refused_not_recorded`]), so a client that floods the
//! proxy with refused requests cannot flood the log.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::{OutBody, Outbound, Proxy, RequestContext};
use crate::engine::config::BodyCapture;
use crate::engine::pricing;
use crate::engine::records::{self, Attempt, RequestRecord};
use crate::engine::trace;
use crate::engine::Channel;
use crate::protocol::Usage;

/// Distinct upstream models whose price is remembered before the map starts over.
const PRICES_REMEMBERED: usize = 4096;

/// Records of requests refused before routing kept in one second at most (the request
/// log, metrics and traces alike); the rest are counted in [`Proxy::refused_not_recorded`].
pub const REFUSED_RECORDS_PER_SECOND: u32 = 20;

/// The rate limit on records of refused requests: a count per wall-clock second, and what
/// was not recorded. Two atomics per refused request; nothing on any other request.
#[derive(Default)]
pub(crate) struct RefusedLimit {
    /// The current second (Unix) and the records kept in it, packed: second << 32 | count.
    window: AtomicU64,
    /// Refused requests not recorded since start.
    dropped: AtomicU64,
    /// Kept per second (0: the default, [`REFUSED_RECORDS_PER_SECOND`]).
    per_second: AtomicU32,
}

impl RefusedLimit {
    /// Whether one more refused request may be recorded at `now_ms`; counts it otherwise.
    fn admit(&self, now_ms: u64) -> bool {
        let limit = match self.per_second.load(Ordering::Relaxed) {
            0 => REFUSED_RECORDS_PER_SECOND,
            n => n,
        } as u64;
        let second = (now_ms / 1000) & 0xFFFF_FFFF;
        let ok = self
            .window
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |w| {
                let (s, n) = (w >> 32, w & 0xFFFF_FFFF);
                if s != second {
                    Some(second << 32 | 1)
                } else if n < limit {
                    Some(w + 1)
                } else {
                    None
                }
            })
            .is_ok();
        if !ok {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
        ok
    }
}

/// A request refused before routing, as whoever refused it knows it (the daemon's body
/// reader, or [`Proxy::handle`] itself).
pub struct Refused<'a> {
    /// The client's protocol.
    pub protocol: crate::protocol::Protocol,
    /// The endpoint called.
    pub endpoint: &'static str,
    /// The request's headers (read for its request id and trace; the client key is never
    /// read from them here).
    pub headers: &'a http::HeaderMap,
    /// When it arrived.
    pub received: Instant,
    /// Body bytes read.
    pub bytes_in: u64,
    /// The model, when the body was read far enough to know it.
    pub model: Option<&'a str>,
    /// The status the client got.
    pub status: u16,
    /// Why it was refused (the message the client got).
    pub reason: String,
}

/// How a request ended, as its record tells it.
pub(crate) struct Finished<'a> {
    /// The channel that answered, or was tried last (None: none was tried).
    pub channel: Option<&'a Channel>,
    /// The model name sent upstream (priced; recorded when there is a channel).
    pub upstream_model: &'a str,
    /// The status the client got.
    pub status: u16,
    /// Whether the client got a complete answer.
    pub success: bool,
    /// What went wrong, if something did.
    pub error: Option<String>,
    /// How long it took (the record keeps at least the time since the request arrived).
    pub latency: Duration,
    /// Time to the first content of a stream.
    pub ttfb: Option<Duration>,
    /// Tokens the upstream reported.
    pub usage: Usage,
    /// Every attempt, in order.
    pub attempts: Vec<Attempt>,
    /// Bytes sent to the client.
    pub bytes_out: u64,
    /// The answer's body, kept when the capture setting says so.
    pub response_body: Option<&'a [u8]>,
}

impl Proxy {
    /// Record a finished request: metrics and traces see the record, then the request log
    /// keeps it (when records are on).
    pub(crate) fn record(&self, ctx: &RequestContext, f: Finished<'_>) {
        let log = self.recorder.enabled();
        let keep_request = log
            && match self.cfg.bodies {
                BodyCapture::All => true,
                BodyCapture::Errors => !f.success,
                BodyCapture::None => false,
            };
        let tokens = f.usage;
        let cost = self.price(f.upstream_model).map(|p| pricing::cost_at(&p, &tokens));
        let ch = f.channel;
        let record = RequestRecord {
            id: ctx.request_id.clone(),
            time_ms: ctx.time_ms,
            trace_id: ctx.trace_id.clone(),
            session: ctx.session.clone(),
            client_protocol: super::client_label(ctx.protocol, ctx.endpoint).to_string(),
            endpoint: ctx.endpoint.to_string(),
            channel_id: ch.map(|c| c.id.clone()),
            channel_name: ch.map(|c| c.name.clone()),
            rule: ctx.rule.clone(),
            rule_reason: ctx.rule_reason.clone(),
            model: ctx.model.clone(),
            upstream_model: ch.map(|_| f.upstream_model.to_string()),
            status: f.status,
            success: f.success,
            error: f.error,
            latency_ms: ctx.received.elapsed().max(f.latency).as_millis() as u64,
            ttfb_ms: f.ttfb.map(|t| t.as_millis() as u64),
            stream: ctx.stream,
            tokens,
            attempts: f.attempts,
            bytes_in: ctx.bytes_in,
            bytes_out: f.bytes_out,
            cost_usd: cost,
            // Stamped by the log writer in team mode.
            replica: None,
            request_body: if keep_request {
                ctx.request_body.as_ref().map(|b| records::capture(b, self.cfg.body_max_kb))
            } else {
                None
            },
            response_body: if keep_request {
                f.response_body.map(|b| records::capture(b, self.cfg.body_max_kb))
            } else {
                None
            },
        };
        self.metrics.finished(&record);
        // An attempt's channel for its spans: the answering one is at hand, others (after a
        // failover) are looked up in the snapshot.
        let snap = std::cell::OnceCell::new();
        let upstream = |id: &str| {
            let found = match ch.filter(|c| c.id == id) {
                Some(c) => {
                    Some(c.protocol).zip(Some(c.pipeline.is_some() || c.model_map.contains_key(&ctx.routed_model)))
                }
                None => snap
                    .get_or_init(|| self.engine.snapshot())
                    .channels
                    .iter()
                    .find(|c| c.id == id)
                    .map(|c| (c.protocol, c.pipeline.is_some() || c.model_map.contains_key(&ctx.routed_model))),
            };
            found.map(|(protocol, changes)| trace::Upstream {
                protocol,
                rewritten: changes
                    || protocol != ctx.protocol
                    || ctx.body_modified
                    || ctx.routed_model != ctx.model
                    || (ctx.strip_usage && protocol == crate::protocol::Protocol::Openai),
            })
        };
        self.traces.finished(
            &record,
            trace::Spans {
                span_id: &ctx.span_id,
                parent_span: ctx.parent_span.as_deref(),
                routed_us: ctx.routed_us,
                upstream: &upstream,
            },
        );
        if log {
            self.recorder.record(record);
        }
    }

    /// Record a request that got an error answer without one attempt answering: the error
    /// is the message of the answer's body, the channel the one tried last.
    pub(super) fn record_failure(&self, ctx: &RequestContext, out: &Outbound, attempts: Vec<Attempt>) {
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
            ctx,
            Finished {
                channel: last_ch.as_ref(),
                upstream_model: &ctx.model,
                status: out.status,
                success: false,
                error,
                latency: ctx.received.elapsed(),
                ttfb: None,
                usage: Usage::default(),
                attempts,
                bytes_out: 0,
                response_body: body,
            },
        );
    }

    /// Record a request refused before routing (no channel, no attempt; the reason as its
    /// error, never the key it presented), unless more than [`REFUSED_RECORDS_PER_SECOND`]
    /// were already recorded this second: then it is only counted. Returns the request id
    /// (the client's `x-request-id`, else a new one) for the answer's header.
    pub fn record_refused(&self, r: Refused<'_>) -> String {
        let request_id = super::request_id(r.headers);
        if !self.refused.admit(super::runtime::now_ms()) {
            return request_id;
        }
        let (trace_id, parent_span) = super::parse_traceparent(super::header_str(r.headers, super::names::TRACEPARENT));
        let ctx = RequestContext {
            request_id,
            trace_id,
            span_id: crate::util::ids::random_hex(8),
            parent_span,
            session: None,
            protocol: r.protocol,
            endpoint: r.endpoint,
            model: r.model.unwrap_or_default().to_string(),
            stream: false,
            received: r.received,
            time_ms: super::runtime::now_ms().saturating_sub(r.received.elapsed().as_millis() as u64),
            bytes_in: r.bytes_in,
            request_body: None,
            strip_usage: false,
            responses: false,
            json_array: false,
            routed_model: r.model.unwrap_or_default().to_string(),
            rule: None,
            rule_reason: None,
            body_modified: false,
            routed_us: 0,
        };
        self.record(
            &ctx,
            Finished {
                channel: None,
                upstream_model: "",
                status: r.status,
                success: false,
                error: Some(r.reason),
                latency: r.received.elapsed(),
                ttfb: None,
                usage: Usage::default(),
                attempts: Vec::new(),
                bytes_out: 0,
                response_body: None,
            },
        );
        ctx.request_id
    }

    /// Requests refused before routing that were not recorded (past
    /// [`REFUSED_RECORDS_PER_SECOND`]) since the proxy started. For `/health/detailed`'s
    /// request-log part and tests.
    pub fn refused_not_recorded(&self) -> u64 {
        self.refused.dropped.load(Ordering::Relaxed)
    }

    /// Keep at most `n` records of refused requests a second (0: the default,
    /// [`REFUSED_RECORDS_PER_SECOND`]).
    pub fn set_refused_records_per_second(&self, n: u32) {
        self.refused.per_second.store(n, Ordering::Relaxed);
    }

    /// The price of an upstream model (see [`pricing::price_of`]; `logging.prices` first),
    /// memoised.
    fn price(&self, model: &str) -> Option<pricing::Price> {
        if let Some(p) = self.prices.read().unwrap_or_else(|e| e.into_inner()).get(model) {
            return *p;
        }
        let p = pricing::price_of(model, &self.cfg.prices);
        let mut m = self.prices.write().unwrap_or_else(|e| e.into_inner());
        if m.len() >= PRICES_REMEMBERED {
            m.clear();
        }
        m.insert(model.to_string(), p);
        p
    }
}
