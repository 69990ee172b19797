//! The span model and how a request's summary becomes its spans (docs/tracing.md):
//!
//! - `proxy.handle` (server): the whole request; its parent is the client's span when the
//!   client sent a `traceparent`; its id is the one sent upstream as the parent.
//! - `route` (internal): arrival → routing done (rules, balancer).
//! - `transform` (internal), per attempt whose body was not the client's bytes: attempt
//!   start → its request went upstream (conversion, model rename, transformers).
//! - `proxy.forward` (client), per attempt: sent → answered (or start → failure when it was
//!   never sent).
//!
//! Attributes follow the OpenTelemetry GenAI semantic conventions where they apply
//! (`gen_ai.*`, `http.response.status_code`, `error.type`); routex's own are `routex.*`.
//! No API key or header of the request is ever an attribute. Built on reads (admin API,
//! CLI, exporter), never on the request path.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::Arc;

use super::store::{self as st, Entry, Hop};
use crate::protocol::Protocol;

/// One span.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Span {
    /// W3C trace id (32 hex digits).
    pub trace_id: String,
    /// Span id (16 hex digits).
    pub span_id: String,
    /// The parent span (None: a root without a client parent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_span_id: Option<String>,
    /// `proxy.handle`, `route`, `transform` or `proxy.forward`.
    pub name: String,
    /// `server`, `client` or `internal` (OpenTelemetry's span kinds).
    pub kind: String,
    /// Start, Unix ns.
    pub start_unix_nano: u64,
    /// End, Unix ns.
    pub end_unix_nano: u64,
    /// Duration, ms.
    pub duration_ms: f64,
    /// `ok` or `error`.
    pub status: String,
    /// What went wrong, when the status is `error`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Attributes (`gen_ai.*`, `http.*`, `error.type`, `routex.*`).
    pub attributes: Map<String, Value>,
}

/// A trace: every span of the requests that share a trace id.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Trace {
    /// The trace id.
    pub trace_id: String,
    /// Requests in it.
    pub requests: usize,
    /// Start of the earliest span, Unix ns.
    pub start_unix_nano: u64,
    /// From the first span's start to the last one's end, ms.
    pub duration_ms: f64,
    /// The spans, by start (parents before their children at equal starts).
    pub spans: Vec<Span>,
}

/// A line of `GET /api/tracing/traces`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TraceSummary {
    /// The trace id.
    pub trace_id: String,
    /// When its first request arrived, Unix ms.
    pub time_ms: u64,
    /// From the first request's arrival to the last one's end, ms.
    pub duration_ms: u64,
    /// Requests in it.
    pub requests: usize,
    /// Spans in it.
    pub spans: usize,
    /// The model the newest request asked for.
    pub model: String,
    /// The channel that answered (or was tried last) the newest request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// The newest request's status.
    pub status: u16,
    /// Whether every request in it succeeded.
    pub success: bool,
    /// The newest request's error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// `gen_ai.provider.name` of a protocol (the conventions' well-known values).
pub fn provider_name(p: Protocol) -> &'static str {
    match p {
        Protocol::Anthropic => "anthropic",
        Protocol::Openai => "openai",
        Protocol::Gemini => "gcp.gemini",
    }
}

/// A span id as 16 hex digits.
pub fn hex_id(id: u64) -> String {
    format!("{id:016x}")
}

/// A span id from 16 hex digits.
pub fn parse_span_id(s: &str) -> Option<u64> {
    (s.len() == 16).then(|| u64::from_str_radix(s, 16).ok()).flatten()
}

struct Builder<'a> {
    trace_id: &'a str,
    base_ns: u64,
}

impl Builder<'_> {
    fn span(&self, name: &str, kind: &str, id: String, parent: Option<String>, from_us: u64, to_us: u64) -> Span {
        let to_us = to_us.max(from_us);
        Span {
            trace_id: self.trace_id.to_string(),
            span_id: id,
            parent_span_id: parent,
            name: name.to_string(),
            kind: kind.to_string(),
            start_unix_nano: self.base_ns + from_us * 1000,
            end_unix_nano: self.base_ns + to_us * 1000,
            duration_ms: (to_us - from_us) as f64 / 1000.0,
            status: "ok".into(),
            error: None,
            attributes: Map::new(),
        }
    }
}

fn put(m: &mut Map<String, Value>, k: &str, v: impl Into<Value>) {
    m.insert(k.to_string(), v.into());
}

fn fail(s: &mut Span, error: Option<&str>, kind: &str) {
    s.status = "error".into();
    s.error = Some(error.unwrap_or("failed").to_string());
    put(&mut s.attributes, "error.type", kind);
}

/// Where an attempt's `transform` ends (None: it has none): when its body was rewritten
/// (or its channel is gone and nobody can tell) and preparing it took any time.
fn transform_end(h: &Hop) -> Option<u64> {
    h.send_us.filter(|s| *s > h.start_us && h.upstream.is_none_or(|u| u.rewritten))
}

/// Where an attempt's `proxy.forward` runs, µs after arrival.
fn forward_window(h: &Hop) -> (u64, u64) {
    let from = h.send_us.unwrap_or(h.start_us);
    (from, from + h.latency_ms * 1000)
}

/// The spans of one request: `proxy.handle`, `route`, then per attempt `transform` (when
/// it had one) and `proxy.forward`.
pub(super) fn spans_of(e: &Entry) -> Vec<Span> {
    let b = Builder { trace_id: e.str(st::TRACE), base_ns: e.time_ms.saturating_mul(1_000_000) };
    let root_id = e.str(st::SPAN).to_string();
    let client = e.client_protocol();
    let model = e.str(st::MODEL);
    let upstream_model = e.field(st::UPSTREAM_MODEL);
    let n = e.hops.len();
    let mut out = Vec::with_capacity(2 + 2 * n);

    // The root lasts the request's latency, and at least to the end of its last child
    // (the record's latency is in whole ms).
    let children_end = e.hops.iter().map(|h| forward_window(h).1).max().unwrap_or(0).max(e.routed_us);
    let mut root = b.span(
        "proxy.handle",
        "server",
        root_id.clone(),
        e.field(st::PARENT).map(str::to_string),
        0,
        (e.latency_ms * 1000).max(children_end),
    );
    {
        let a = &mut root.attributes;
        put(a, "gen_ai.operation.name", "chat");
        if let Some(p) = e.hops.last().and_then(|h| h.upstream) {
            put(a, "gen_ai.provider.name", provider_name(p.protocol));
        }
        put(a, "gen_ai.request.model", model);
        if let (true, Some(m)) = (e.success, upstream_model) {
            put(a, "gen_ai.response.model", m);
        }
        usage(a, e);
        put(a, "http.request.method", "POST");
        put(a, "url.path", e.str(st::ENDPOINT));
        put(a, "http.response.status_code", e.status);
        put(a, "routex.request_id", e.str(st::REQUEST));
        put(a, "routex.client.protocol", e.str(st::CLIENT));
        put(a, "routex.stream", e.stream);
        put(a, "routex.attempts", n as u64);
        for (k, f) in [
            ("routex.channel.id", st::CHANNEL_ID),
            ("routex.channel.name", st::CHANNEL_NAME),
            ("routex.rule", st::RULE),
            ("routex.session", st::SESSION),
            ("routex.upstream.model", st::UPSTREAM_MODEL),
        ] {
            if let Some(v) = e.field(f) {
                put(a, k, v);
            }
        }
        if let Some(t) = e.ttfb_ms {
            put(a, "routex.ttfb_ms", t);
        }
    }
    if !e.success {
        let kind = e.hops.last().and_then(|h| h.reason).map(str::to_string).unwrap_or_else(|| e.status.to_string());
        fail(&mut root, e.field(st::ERROR), &kind);
    }
    out.push(root);

    let mut route = b.span("route", "internal", hex_id(e.child_id(0)), Some(root_id.clone()), 0, e.routed_us);
    put(&mut route.attributes, "gen_ai.request.model", model);
    if let Some(r) = e.field(st::RULE) {
        put(&mut route.attributes, "routex.rule", r);
    }
    if n == 0 && !e.success {
        // Nothing to try: routing is where it failed.
        fail(&mut route, e.field(st::ERROR), &e.status.to_string());
    }
    out.push(route);

    for (i, h) in e.hops.iter().enumerate() {
        let (ch_id, ch_name, error) = e.hop_text(h);
        let number = i as u64 + 1;
        let last = i + 1 == n;
        if let Some(send) = transform_end(h) {
            let mut t = b.span(
                "transform",
                "internal",
                hex_id(e.child_id(2 + 2 * i as u64)),
                Some(root_id.clone()),
                h.start_us,
                send,
            );
            let a = &mut t.attributes;
            if let Some(c) = client {
                put(a, "routex.transform.from", c.as_str());
            }
            if let Some(u) = h.upstream {
                put(a, "routex.transform.to", u.protocol.as_str());
                put(a, "routex.transform.converted", client != Some(u.protocol));
            }
            put(a, "routex.attempt", number);
            put(a, "routex.channel.name", ch_name);
            out.push(t);
        }
        let (from, to) = forward_window(h);
        let mut f =
            b.span("proxy.forward", "client", hex_id(e.child_id(1 + 2 * i as u64)), Some(root_id.clone()), from, to);
        let a = &mut f.attributes;
        put(a, "gen_ai.operation.name", "chat");
        if let Some(u) = h.upstream {
            put(a, "gen_ai.provider.name", provider_name(u.protocol));
        }
        // The record keeps the upstream model of the last attempt only.
        put(a, "gen_ai.request.model", if last { upstream_model.unwrap_or(model) } else { model });
        let ok = error.is_none() && h.reason.is_none();
        if last && ok && e.success {
            if let Some(m) = upstream_model {
                put(a, "gen_ai.response.model", m);
            }
            usage(a, e);
        }
        if let Some(s) = h.status {
            put(a, "http.response.status_code", s);
        }
        put(a, "routex.attempt", number);
        put(a, "routex.channel.id", ch_id);
        put(a, "routex.channel.name", ch_name);
        if !ok {
            let kind = h.reason.map(str::to_string).or_else(|| h.status.map(|s| s.to_string()));
            fail(&mut f, error, kind.as_deref().unwrap_or("_OTHER"));
        }
        out.push(f);
    }
    out
}

fn usage(a: &mut Map<String, Value>, e: &Entry) {
    let t = &e.tokens;
    // The conventions count cached prompt tokens in the input; routex's `input` does not.
    put(a, "gen_ai.usage.input_tokens", t.input + t.cache_read + t.cache_write);
    put(a, "gen_ai.usage.output_tokens", t.output);
    if t.cache_read > 0 {
        put(a, "gen_ai.usage.cache_read.input_tokens", t.cache_read);
    }
    if t.cache_write > 0 {
        put(a, "gen_ai.usage.cache_creation.input_tokens", t.cache_write);
    }
}

/// The trace of `entries` (oldest first), all of `trace_id`.
pub(super) fn trace(trace_id: &str, entries: &[Arc<Entry>]) -> Trace {
    let mut spans: Vec<Span> = entries.iter().flat_map(|e| spans_of(e)).collect();
    // Stable: at equal starts a request's root stays before its children.
    spans.sort_by_key(|s| s.start_unix_nano);
    let start = spans.iter().map(|s| s.start_unix_nano).min().unwrap_or(0);
    let end = spans.iter().map(|s| s.end_unix_nano).max().unwrap_or(start);
    Trace {
        trace_id: trace_id.to_string(),
        requests: entries.len(),
        start_unix_nano: start,
        duration_ms: (end - start) as f64 / 1e6,
        spans,
    }
}

/// Summaries of the traces in `newest` (newest first), at most `limit`.
pub(super) fn summaries(newest: &[Arc<Entry>], limit: usize) -> Vec<TraceSummary> {
    let mut out: Vec<TraceSummary> = Vec::new();
    let mut at: HashMap<&str, usize> = HashMap::new();
    for e in newest {
        let id = e.str(st::TRACE);
        let spans = 2 + e.hops.len() + e.hops.iter().filter(|h| transform_end(h).is_some()).count();
        let end_ms = e.time_ms + e.latency_ms;
        match at.get(id) {
            Some(&i) => {
                let s = &mut out[i];
                s.requests += 1;
                s.spans += spans;
                let end = s.time_ms + s.duration_ms;
                s.time_ms = s.time_ms.min(e.time_ms);
                s.duration_ms = end.max(end_ms) - s.time_ms;
                s.success &= e.success;
            }
            None if out.len() < limit => {
                at.insert(id, out.len());
                out.push(TraceSummary {
                    trace_id: id.to_string(),
                    time_ms: e.time_ms,
                    duration_ms: e.latency_ms,
                    requests: 1,
                    spans,
                    model: e.str(st::MODEL).to_string(),
                    channel: e.field(st::CHANNEL_NAME).map(str::to_string),
                    status: e.status,
                    success: e.success,
                    error: e.field(st::ERROR).map(str::to_string),
                });
            }
            None => {}
        }
    }
    out
}

/// The span with this id among `entries`.
pub(super) fn find(entries: &[Arc<Entry>], span_id: &str) -> Option<Span> {
    let id = parse_span_id(span_id)?;
    let hit = entries
        .iter()
        .find(|e| e.str(st::SPAN) == span_id || (0..(1 + 2 * e.hops.len() as u64)).any(|k| e.child_id(k) == id))?;
    spans_of(hit).into_iter().find(|s| s.span_id == span_id)
}
