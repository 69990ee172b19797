//! OTLP export: spans POSTed to a collector as `ExportTraceServiceRequest` in protobuf over
//! HTTP (`Content-Type: application/x-protobuf`), from a background thread, never from the
//! request path.
//!
//! The store is the exporter's queue: every entry has a sequence number and the exporter
//! reads from the last one it sent, in batches of at most [`BATCH_REQUESTS`] requests
//! (about 4 spans each, so ~512 spans), when that many are waiting or every
//! [`BATCH_EVERY`], whichever comes first. The request path only compares two counters
//! (and wakes the thread when a batch is full), so the queue is bounded by the store's own
//! bounds: entries evicted (or cleared) before the exporter read them are counted as
//! dropped. A failed POST drops its batch (counted) and is logged at most once a minute.
//!
//! The messages are the official protobuf definitions (`opentelemetry-proto`), encoded with
//! prost; the HTTP client is hyper-util's over hyper-rustls, as the proxy's (http and https).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, InstrumentationScope, KeyValue};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1 as pb;
use prost::Message;
use serde_json::Value;

use super::span::{self, Span};
use super::store::Store;
use crate::engine::config::OtlpConfig;
use crate::secret::Secret;

/// Requests per export at most (about 512 spans).
pub(super) const BATCH_REQUESTS: usize = 128;
/// Longest wait before what is pending is sent.
const BATCH_EVERY: Duration = Duration::from_secs(2);
/// Export failures are logged at most this often.
const WARN_EVERY: Duration = Duration::from_secs(60);

/// The export's counts, for `GET /api/tracing/stats`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ExportStats {
    /// Where spans go.
    pub endpoint: String,
    /// Spans the collector accepted.
    pub exported_spans: u64,
    /// POSTs the collector accepted.
    pub batches: u64,
    /// POSTs that failed (their spans are dropped).
    pub failed_batches: u64,
    /// Requests whose spans were not exported: in a failed batch, or evicted or cleared
    /// from the store before the exporter read them.
    pub dropped_requests: u64,
    /// The last failure, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
}

/// The export URL: `tracing.otlp.endpoint`, else `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as
/// is, else `OTEL_EXPORTER_OTLP_ENDPOINT` with `/v1/traces` appended.
pub(super) fn endpoint(configured: Option<&str>, env: impl Fn(&str) -> Option<String>) -> Option<String> {
    if let Some(c) = configured.filter(|c| !c.trim().is_empty()) {
        return Some(c.trim().to_string());
    }
    if let Some(t) = env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT").filter(|v| !v.trim().is_empty()) {
        return Some(t.trim().to_string());
    }
    env("OTEL_EXPORTER_OTLP_ENDPOINT")
        .filter(|v| !v.trim().is_empty())
        .map(|b| format!("{}/v1/traces", b.trim().trim_end_matches('/')))
}

struct Shared {
    store: Arc<Store>,
    endpoint: String,
    /// The next sequence number to export.
    next: AtomicU64,
    /// A full batch is waiting (the thread was woken for it).
    kicked: AtomicBool,
    stop: AtomicBool,
    wake: Condvar,
    lock: Mutex<()>,
    exported_spans: AtomicU64,
    batches: AtomicU64,
    failed_batches: AtomicU64,
    dropped: AtomicU64,
    last_error: Mutex<Option<String>>,
}

/// The running exporter; stops its thread when dropped.
pub(super) struct Exporter {
    shared: Arc<Shared>,
}

impl Exporter {
    /// Start the export thread.
    pub fn start(store: Arc<Store>, endpoint: String, cfg: &OtlpConfig) -> Result<Exporter, String> {
        let uri: http::Uri =
            endpoint.parse().map_err(|e| format!("the OTLP endpoint {endpoint:?} is not a URL ({e})"))?;
        if !matches!(uri.scheme_str(), Some("http" | "https")) {
            return Err(format!("the OTLP endpoint {endpoint:?} is not an http(s) URL"));
        }
        let headers = cfg.headers.clone();
        let timeout = Duration::from_secs(cfg.timeout_s.max(1));
        let shared = Arc::new(Shared {
            next: AtomicU64::new(store.next_seq()),
            store,
            endpoint,
            kicked: AtomicBool::new(false),
            stop: AtomicBool::new(false),
            wake: Condvar::new(),
            lock: Mutex::new(()),
            exported_spans: AtomicU64::new(0),
            batches: AtomicU64::new(0),
            failed_batches: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
            last_error: Mutex::new(None),
        });
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the OTLP export runtime: {e}"))?;
        let s = shared.clone();
        std::thread::Builder::new()
            .name("routex-otlp".into())
            .spawn(move || run(s, rt, uri, headers, timeout))
            .map_err(|e| format!("cannot start the OTLP export thread: {e}"))?;
        Ok(Exporter { shared })
    }

    /// A request was stored with sequence number `seq`: wake the thread when a batch is full.
    #[inline]
    pub fn pending(&self, seq: u64) {
        let s = &self.shared;
        if seq + 1 >= s.next.load(Ordering::Relaxed) + BATCH_REQUESTS as u64 && !s.kicked.swap(true, Ordering::AcqRel) {
            s.wake.notify_one();
        }
    }

    /// The counts.
    pub fn stats(&self) -> ExportStats {
        let s = &self.shared;
        ExportStats {
            endpoint: s.endpoint.clone(),
            exported_spans: s.exported_spans.load(Ordering::Relaxed),
            batches: s.batches.load(Ordering::Relaxed),
            failed_batches: s.failed_batches.load(Ordering::Relaxed),
            dropped_requests: s.dropped.load(Ordering::Relaxed),
            last_error: s.last_error.lock().unwrap_or_else(|e| e.into_inner()).clone(),
        }
    }

    /// Export what is pending now and wait for it, at most `timeout`.
    pub fn flush(&self, timeout: Duration) {
        let s = &self.shared;
        let target = s.store.next_seq();
        s.kicked.store(true, Ordering::Release);
        s.wake.notify_one();
        let deadline = Instant::now() + timeout;
        while s.next.load(Ordering::Acquire) < target && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Exporter {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Release);
        self.shared.wake.notify_one();
    }
}

type Client = hyper_util::client::legacy::Client<crate::util::https::Connector, Full<Bytes>>;

fn client(timeout: Duration) -> Client {
    hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build(crate::util::https::connector(timeout))
}

/// The export thread: wait for a full batch or [`BATCH_EVERY`], send everything pending.
fn run(
    s: Arc<Shared>,
    rt: tokio::runtime::Runtime,
    uri: http::Uri,
    headers: std::collections::BTreeMap<String, Secret>,
    timeout: Duration,
) {
    let client = rt.block_on(async { client(timeout) });
    let mut last_warn: Option<Instant> = None;
    loop {
        {
            let guard = s.lock.lock().unwrap_or_else(|e| e.into_inner());
            if !s.kicked.load(Ordering::Acquire) && !s.stop.load(Ordering::Acquire) {
                let _ = s.wake.wait_timeout(guard, BATCH_EVERY);
            }
        }
        s.kicked.store(false, Ordering::Release);
        let stopping = s.stop.load(Ordering::Acquire);
        loop {
            let from = s.next.load(Ordering::Acquire);
            let (entries, lost) = s.store.since(from, BATCH_REQUESTS);
            if lost > 0 {
                s.dropped.fetch_add(lost, Ordering::Relaxed);
            }
            let Some(last) = entries.last() else {
                s.next.store(from + lost, Ordering::Release);
                break;
            };
            let next = last.seq + 1;
            let spans: Vec<Span> = entries.iter().flat_map(|e| span::spans_of(e)).collect();
            let body = encode(&spans);
            let result = rt.block_on(post(&client, &uri, &headers, body, timeout));
            match result {
                Ok(()) => {
                    s.exported_spans.fetch_add(spans.len() as u64, Ordering::Relaxed);
                    s.batches.fetch_add(1, Ordering::Relaxed);
                }
                Err(e) => {
                    s.failed_batches.fetch_add(1, Ordering::Relaxed);
                    s.dropped.fetch_add(entries.len() as u64, Ordering::Relaxed);
                    if last_warn.is_none_or(|t| t.elapsed() >= WARN_EVERY) {
                        last_warn = Some(Instant::now());
                        log::warn!(
                            "OTLP export to {} failed: {e} ({} span(s) dropped; further failures are logged at most once a minute)",
                            s.endpoint,
                            spans.len()
                        );
                    }
                    *s.last_error.lock().unwrap_or_else(|e| e.into_inner()) = Some(e);
                }
            }
            s.next.store(next, Ordering::Release);
            if entries.len() < BATCH_REQUESTS || s.stop.load(Ordering::Acquire) && !stopping {
                break;
            }
        }
        if stopping {
            return;
        }
    }
}

async fn post(
    client: &Client,
    uri: &http::Uri,
    headers: &std::collections::BTreeMap<String, Secret>,
    body: Vec<u8>,
    timeout: Duration,
) -> Result<(), String> {
    let mut req = http::Request::post(uri.clone())
        .header(http::header::CONTENT_TYPE, "application/x-protobuf")
        .header(http::header::USER_AGENT, concat!("routex/", env!("CARGO_PKG_VERSION")));
    for (k, v) in headers {
        req = req.header(k.as_str(), v.expose());
    }
    let req = req.body(Full::new(Bytes::from(body))).map_err(|e| format!("cannot build the request: {e}"))?;
    let send = async {
        let resp = client.request(req).await.map_err(|e| format!("{e}"))?;
        let status = resp.status();
        // Read (and drop) the body so the connection can be reused.
        let _ = http_body_util::BodyExt::collect(resp.into_body()).await;
        if status.is_success() {
            Ok(())
        } else {
            Err(format!("the collector answered {status}"))
        }
    };
    match tokio::time::timeout(timeout, send).await {
        Ok(r) => r,
        Err(_) => Err(format!("no answer within {} s (tracing.otlp.timeout_s)", timeout.as_secs())),
    }
}

/// 16 or 8 bytes from hex (empty when it is not hex).
fn unhex(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    if !b.len().is_multiple_of(2) {
        return Vec::new();
    }
    let nib = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    b.chunks(2).map(|p| Some(nib(p[0])? << 4 | nib(p[1])?)).collect::<Option<Vec<u8>>>().unwrap_or_default()
}

fn any(v: &Value) -> Option<AnyValue> {
    let value = match v {
        Value::String(s) => any_value::Value::StringValue(s.clone()),
        Value::Bool(b) => any_value::Value::BoolValue(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => any_value::Value::IntValue(i),
            None => any_value::Value::DoubleValue(n.as_f64()?),
        },
        _ => return None,
    };
    Some(AnyValue { value: Some(value) })
}

fn kv(key: &str, v: &Value) -> Option<KeyValue> {
    Some(KeyValue { key: key.to_string(), value: Some(any(v)?), ..Default::default() })
}

/// Our spans as an OTLP protobuf message (resource `service.name=routex`).
pub fn encode(spans: &[Span]) -> Vec<u8> {
    let spans = spans
        .iter()
        .map(|s| pb::Span {
            trace_id: unhex(&s.trace_id),
            span_id: unhex(&s.span_id),
            parent_span_id: s.parent_span_id.as_deref().map(unhex).unwrap_or_default(),
            name: s.name.clone(),
            kind: match s.kind.as_str() {
                "server" => pb::span::SpanKind::Server,
                "client" => pb::span::SpanKind::Client,
                _ => pb::span::SpanKind::Internal,
            } as i32,
            start_time_unix_nano: s.start_unix_nano,
            end_time_unix_nano: s.end_unix_nano,
            attributes: s.attributes.iter().filter_map(|(k, v)| kv(k, v)).collect(),
            status: Some(pb::Status {
                message: s.error.clone().unwrap_or_default(),
                code: if s.status == "error" { pb::status::StatusCode::Error } else { pb::status::StatusCode::Ok }
                    as i32,
            }),
            ..Default::default()
        })
        .collect();
    let resource = Resource {
        attributes: [
            ("service.name", Value::from("routex")),
            ("service.version", Value::from(env!("CARGO_PKG_VERSION"))),
        ]
        .iter()
        .filter_map(|(k, v)| kv(k, v))
        .collect(),
        ..Default::default()
    };
    let req = ExportTraceServiceRequest {
        resource_spans: vec![pb::ResourceSpans {
            resource: Some(resource),
            scope_spans: vec![pb::ScopeSpans {
                scope: Some(InstrumentationScope {
                    name: "routex".into(),
                    version: env!("CARGO_PKG_VERSION").into(),
                    ..Default::default()
                }),
                spans,
                ..Default::default()
            }],
            ..Default::default()
        }],
    };
    req.encode_to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_prefers_the_config_then_the_traces_variable_then_the_base() {
        let env = |k: &str| match k {
            "OTEL_EXPORTER_OTLP_ENDPOINT" => Some("http://collector:4318/".to_string()),
            _ => None,
        };
        assert_eq!(endpoint(None, env).as_deref(), Some("http://collector:4318/v1/traces"));
        assert_eq!(endpoint(Some("http://x:1/t"), env).as_deref(), Some("http://x:1/t"));
        let env2 = |k: &str| match k {
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT" => Some("http://a:2/custom".to_string()),
            "OTEL_EXPORTER_OTLP_ENDPOINT" => Some("http://b:3".to_string()),
            _ => None,
        };
        assert_eq!(endpoint(None, env2).as_deref(), Some("http://a:2/custom"));
        assert_eq!(endpoint(None, |_| None), None);
    }

    #[test]
    fn unhex_reads_ids() {
        assert_eq!(unhex("00f1"), vec![0, 0xf1]);
        assert!(unhex("zz").is_empty());
    }
}
