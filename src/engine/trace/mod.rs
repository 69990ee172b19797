//! Traces: a trace per proxied request, kept in a bounded in-memory store, read by the
//! admin API (`/api/tracing/…`) and `routex trace`, and exported over OTLP when an endpoint
//! is configured (docs/tracing.md).
//!
//! The proxy calls [`Traces::finished`] once per recorded request, on the request path,
//! with the record and what the record does not keep ([`Spans`]). That call only copies a
//! compact summary of the request ([`store::Entry`]: one string arena, the attempts'
//! offsets) into the store under a short lock; no span object is made there. The spans
//! (`proxy.handle`, `route`, `transform`, `proxy.forward`, see [`span`]) are built from the
//! summary when the API reads them or the exporter ([`otlp`]) sends them, so what a request
//! pays for its trace does not grow with the number of attributes.
//!
//! It must not import `engine::proxy` (the proxy holds the store: that would be a cycle);
//! the proxy describes each attempt's channel through [`Spans::upstream`].

mod otlp;
pub mod span;
mod store;

use std::sync::Arc;

pub use self::otlp::ExportStats;
pub use self::span::{Span, Trace, TraceSummary};
use self::store::{Entry, Store};
use crate::engine::config::TracingConfig;
use crate::engine::records::RequestRecord;
use crate::protocol::Protocol;

/// What an attempt's channel was, as a trace tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Upstream {
    /// The protocol the channel speaks (gives `gen_ai.provider.name`).
    pub protocol: Protocol,
    /// The body sent was not the client's bytes (converted, model renamed, transformed):
    /// the attempt's time before sending is a `transform` span.
    pub rewritten: bool,
}

/// What a trace needs of a request beyond its record.
pub struct Spans<'a> {
    /// Our span for the request (`proxy.handle`), as sent upstream in `traceparent`.
    pub span_id: &'a str,
    /// The client's span, from its `traceparent`.
    pub parent_span: Option<&'a str>,
    /// When routing was done, µs after the request arrived.
    pub routed_us: u64,
    /// An attempt's channel by id (None: gone from the snapshot).
    pub upstream: &'a dyn Fn(&str) -> Option<Upstream>,
}

/// Counts of the store, for `GET /api/tracing/stats`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct TraceStats {
    /// Whether traces are kept (`tracing.enabled`).
    pub enabled: bool,
    /// Requests (each with its spans) kept now.
    pub requests: usize,
    /// Distinct trace ids kept now (requests sharing a client's trace are one).
    pub traces: usize,
    /// Memory they take, bytes (estimated).
    pub bytes: usize,
    /// `tracing.max_traces`.
    pub max_traces: usize,
    /// `tracing.max_mb` in bytes.
    pub max_bytes: usize,
    /// Unix ms of the oldest request kept.
    pub oldest_ms: Option<u64>,
    /// Unix ms of the newest request kept.
    pub newest_ms: Option<u64>,
    /// Requests pushed out by the bounds since start (oldest first).
    pub evicted: u64,
    /// Requests removed by `clear`.
    pub cleared: u64,
    /// Requests recorded since start.
    pub recorded: u64,
    /// OTLP export (None: no endpoint).
    pub export: Option<ExportStats>,
}

/// The trace store (and the exporter when there is one).
pub struct Traces {
    enabled: bool,
    flush_timeout: std::time::Duration,
    store: Arc<Store>,
    exporter: Option<otlp::Exporter>,
}

impl Default for Traces {
    fn default() -> Self {
        Traces::new(&TracingConfig::default())
    }
}

impl Traces {
    /// A store with these bounds; starts the OTLP exporter when `tracing.otlp.endpoint`
    /// (or the standard OTEL variables) names one and traces are enabled.
    pub fn new(cfg: &TracingConfig) -> Traces {
        let store = Arc::new(Store::new(cfg.max_traces, (cfg.max_mb as usize).saturating_mul(1024 * 1024)));
        let endpoint = otlp::endpoint(cfg.otlp.endpoint.as_deref(), |k| std::env::var(k).ok());
        let exporter = match endpoint {
            Some(url) if cfg.enabled => match otlp::Exporter::start(store.clone(), url, &cfg.otlp) {
                Ok(e) => Some(e),
                Err(e) => {
                    log::warn!("OTLP export is off: {e}");
                    None
                }
            },
            _ => None,
        };
        let flush_timeout = std::time::Duration::from_secs(cfg.otlp.timeout_s.max(1));
        Traces { enabled: cfg.enabled, flush_timeout, store, exporter }
    }

    /// Keep the trace of one finished request: a compact summary, under a short lock.
    pub fn finished(&self, r: &RequestRecord, spans: Spans<'_>) {
        if !self.enabled {
            return;
        }
        let entry = Entry::new(r, &spans);
        let pending = self.store.push(entry);
        if let Some(e) = &self.exporter {
            e.pending(pending);
        }
    }

    /// The counts.
    pub fn stats(&self) -> TraceStats {
        let mut s = self.store.stats();
        s.enabled = self.enabled;
        s.export = self.exporter.as_ref().map(|e| e.stats());
        s
    }

    /// The newest traces first, at most `limit`.
    pub fn list(&self, limit: usize) -> Vec<TraceSummary> {
        span::summaries(&self.store.newest_first(), limit)
    }

    /// Every span of a trace id (all the requests that share it), None when none is kept.
    pub fn trace(&self, trace_id: &str) -> Option<Trace> {
        let id = trace_id.to_ascii_lowercase();
        let entries = self.store.with_trace(&id);
        (!entries.is_empty()).then(|| span::trace(&id, &entries))
    }

    /// One span by id.
    pub fn span(&self, span_id: &str) -> Option<Span> {
        span::find(&self.store.newest_first(), &span_id.to_ascii_lowercase())
    }

    /// Remove the traces older than `older_than_ms` (all when None); how many requests went.
    pub fn clear(&self, older_than_ms: Option<u64>) -> usize {
        let cutoff = older_than_ms.map(|age| crate::util::time::now_ms().saturating_sub(age));
        self.store.clear(cutoff)
    }

    /// Send what is waiting to the collector now (at shutdown), waiting at most
    /// `tracing.otlp.timeout_s` (nothing when there is no exporter).
    pub fn flush(&self) {
        if let Some(e) = &self.exporter {
            e.flush(self.flush_timeout);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::records::Attempt;

    fn record(trace: &str, attempts: usize) -> RequestRecord {
        RequestRecord {
            id: "req_1".into(),
            time_ms: 1_000,
            trace_id: trace.into(),
            client_protocol: "anthropic".into(),
            endpoint: "/v1/messages".into(),
            channel_id: Some(format!("ch{}", attempts.saturating_sub(1))),
            channel_name: Some("main".into()),
            model: "claude-x".into(),
            upstream_model: Some("gpt-x".into()),
            status: 200,
            success: true,
            latency_ms: 30,
            attempts: (0..attempts)
                .map(|i| Attempt {
                    channel_id: format!("ch{i}"),
                    channel_name: format!("name{i}"),
                    status: Some(if i + 1 == attempts { 200 } else { 503 }),
                    error: (i + 1 < attempts).then(|| "upstream answered 503".to_string()),
                    latency_ms: 10,
                    start_us: 100 + i as u64 * 12_000,
                    send_us: Some(150 + i as u64 * 12_000),
                    reason: (i + 1 < attempts).then_some("status_5xx"),
                })
                .collect(),
            ..Default::default()
        }
    }

    fn finish(t: &Traces, r: &RequestRecord, span: &str) {
        let up = |id: &str| {
            Some(Upstream {
                protocol: if id == "ch0" { Protocol::Anthropic } else { Protocol::Openai },
                rewritten: id != "ch0",
            })
        };
        t.finished(r, Spans { span_id: span, parent_span: None, routed_us: 80, upstream: &up });
    }

    #[test]
    fn spans_of_a_failover_link_to_the_root_and_skip_the_unchanged_body() {
        let t = Traces::default();
        finish(&t, &record("aa", 2), "00000000000000ab");
        let tr = t.trace("AA").expect("ids are case-insensitive");
        let names: Vec<&str> = tr.spans.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["proxy.handle", "route", "proxy.forward", "transform", "proxy.forward"]);
        assert!(tr.spans[1..].iter().all(|s| s.parent_span_id.as_deref() == Some("00000000000000ab")));
        assert_eq!(tr.spans[2].status, "error");
        assert_eq!(tr.spans[2].attributes["error.type"], "status_5xx");
        assert_eq!(tr.spans[2].attributes["gen_ai.provider.name"], "anthropic");
        assert_eq!(tr.spans[4].attributes["gen_ai.provider.name"], "openai");
        assert_eq!(tr.spans[4].attributes["gen_ai.request.model"], "gpt-x");
        // start 12.1 ms → send 12.15 ms: the conversion before the second attempt.
        assert_eq!(tr.spans[3].start_unix_nano, 1_000_000_000 + 12_100_000);
        assert_eq!(tr.spans[3].end_unix_nano, 1_000_000_000 + 12_150_000);
        // The forward runs from send for its latency.
        assert_eq!(tr.spans[4].duration_ms, 10.0);
        let ids: std::collections::HashSet<_> = tr.spans.iter().map(|s| s.span_id.clone()).collect();
        assert_eq!(ids.len(), 5);
        let fwd = &tr.spans[2];
        assert_eq!(t.span(&fwd.span_id).as_ref(), Some(fwd));
        assert_eq!(t.span("0000000000000000"), None);
        assert_eq!(t.span("not hex"), None);
    }

    #[test]
    fn bounds_evict_the_oldest_by_count_and_by_bytes() {
        let t = Traces::new(&TracingConfig { max_traces: 3, ..Default::default() });
        for i in 0..5 {
            finish(&t, &record(&format!("t{i}"), 1), "00000000000000ab");
        }
        let st = t.stats();
        assert_eq!((st.requests, st.evicted, st.recorded), (3, 2, 5));
        assert!(t.trace("t1").is_none() && t.trace("t2").is_some());
        let list: Vec<String> = t.list(10).into_iter().map(|s| s.trace_id).collect();
        assert_eq!(list, ["t4", "t3", "t2"]);

        // 1 MiB of bytes: a few thousand small requests fit, no more.
        let t = Traces::new(&TracingConfig { max_traces: 1_000_000, max_mb: 1, ..Default::default() });
        for i in 0..20_000 {
            finish(&t, &record(&format!("t{i}"), 1), "00000000000000ab");
        }
        let st = t.stats();
        assert!(st.bytes <= 1024 * 1024 && st.evicted > 0, "{st:?}");
        assert_eq!(st.requests as u64 + st.evicted, 20_000);
        assert_eq!(t.clear(None), st.requests);
        assert_eq!(t.stats().bytes, 0);
    }

    #[test]
    fn long_strings_are_cut_and_disabled_keeps_nothing() {
        let t = Traces::default();
        let mut r = record("cc", 1);
        r.error = Some("é".repeat(2000));
        r.success = false;
        finish(&t, &r, "00000000000000ab");
        let root = &t.trace("cc").unwrap().spans[0];
        assert_eq!(root.error.as_ref().unwrap().len(), 1024);
        let off = Traces::new(&TracingConfig { enabled: false, ..Default::default() });
        finish(&off, &r, "00000000000000ab");
        assert_eq!(off.stats().requests, 0);
    }
}
