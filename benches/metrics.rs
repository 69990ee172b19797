//! Criterion: `Metrics::finished`, the metrics' whole cost on the request path (once per
//! request), for a request whose label set exists (the steady state): a success with
//! usage and cost, a stream with a time to first byte, and a request that failed over
//! once. Target (docs/metrics.md): at most ~1.5k instructions, well under 1 µs.
//!
//! Instructions per call, under callgrind: with `ROUTEX_METRICS_CALLS=N` the binary makes
//! N calls (`ROUTEX_METRICS_CASE`: 0 success, 1 stream, 2 failover; with the in-flight
//! guard, as the proxy pays it) and exits (no criterion); the difference of two runs'
//! totals over the difference of their N is the cost of one call:
//!
//! ```text
//! B=$(ls target/release/deps/metrics-* | grep -v '\.d$' | head -1)
//! for n in 1000 11000; do ROUTEX_METRICS_CALLS=$n valgrind --tool=callgrind \
//!     --callgrind-out-file=/tmp/cg.$n "$B" 2>&1 | grep 'refs'; done
//! ```

use criterion::{black_box, criterion_group, Criterion};

use routex::engine::metrics::Metrics;
use routex::engine::records::{Attempt, RequestRecord};
use routex::protocol::Usage;

fn record(model: &str, stream: bool, attempts: Vec<Attempt>) -> RequestRecord {
    RequestRecord {
        id: "req_0123456789abcdef01234567".into(),
        client_protocol: "anthropic".into(),
        endpoint: "/v1/messages".into(),
        channel_id: Some("ch_main".into()),
        channel_name: Some("anthropic-main".into()),
        model: model.into(),
        upstream_model: Some(model.into()),
        status: 200,
        success: true,
        latency_ms: 1840,
        ttfb_ms: stream.then_some(420),
        stream,
        tokens: Usage { input: 1200, output: 350, cache_read: 20_000, cache_write: 0, reasoning: 0 },
        attempts,
        cost_usd: Some(0.0123),
        replica: None,
        rule_reason: None,
        ..Default::default()
    }
}

fn attempt(channel: &str, reason: Option<&'static str>) -> Attempt {
    Attempt {
        channel_id: format!("ch_{channel}"),
        channel_name: channel.into(),
        status: Some(if reason.is_some() { 503 } else { 200 }),
        error: reason.map(|r| r.to_string()),
        reason,
        ..Default::default()
    }
}

/// As the proxy does: a stream's in-flight count is handed to its record.
fn finish(m: &Metrics, r: &RequestRecord) {
    let g = m.request_started();
    if r.ttfb_ms.is_some() {
        g.hand_to_stream();
    } else {
        drop(g);
    }
    m.finished(r);
}

/// Metrics that have seen 50 models on 10 channels, and the three records.
fn setup() -> (Metrics, [RequestRecord; 3]) {
    let m = Metrics::default();
    // 50 models and 10 channels seen before: the maps are not trivially small.
    for i in 0..50 {
        let mut r = record(&format!("model-{i}"), i % 2 == 0, vec![attempt(&format!("ch-{}", i % 10), None)]);
        r.channel_name = Some(format!("ch-{}", i % 10));
        finish(&m, &r);
    }
    let plain = record("claude-sonnet-4-5-20250929", false, vec![attempt("anthropic-main", None)]);
    let stream = record("claude-sonnet-4-5-20250929", true, vec![attempt("anthropic-main", None)]);
    let failover = record(
        "claude-sonnet-4-5-20250929",
        false,
        vec![attempt("anthropic-backup", Some("status_5xx")), attempt("anthropic-main", None)],
    );
    for r in [&plain, &stream, &failover] {
        finish(&m, r);
    }
    (m, [plain, stream, failover])
}

fn bench(c: &mut Criterion) {
    let (m, [plain, stream, failover]) = setup();
    c.bench_function("metrics_finished_success", |b| b.iter(|| m.finished(black_box(&plain))));
    c.bench_function("metrics_finished_stream", |b| {
        b.iter(|| {
            // The stream's record ends an in-flight count handed over by Proxy::handle.
            m.request_started().hand_to_stream();
            m.finished(black_box(&stream))
        })
    });
    c.bench_function("metrics_finished_failover", |b| b.iter(|| m.finished(black_box(&failover))));
}

criterion_group!(benches, bench);

fn main() {
    if let Some(n) = std::env::var("ROUTEX_METRICS_CALLS").ok().and_then(|v| v.parse::<u64>().ok()) {
        let (m, records) = setup();
        // ROUTEX_METRICS_CASE: 0 success (default), 1 stream, 2 failover.
        let case = std::env::var("ROUTEX_METRICS_CASE").ok().and_then(|v| v.parse::<usize>().ok()).unwrap_or(0);
        let r = &records[case.min(2)];
        for _ in 0..n {
            finish(&m, black_box(r));
        }
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
