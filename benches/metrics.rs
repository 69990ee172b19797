//! Criterion: `Metrics::finished`, the metrics' whole cost on the request path (once per
//! request), for a request whose label set exists (the steady state): a success with
//! usage and cost, a stream with a time to first byte, and a request that failed over
//! once. Target (docs/metrics.md): at most ~1.5k instructions, well under 1 µs.

use criterion::{black_box, criterion_group, criterion_main, Criterion};

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

fn bench(c: &mut Criterion) {
    let m = Metrics::default();
    // 50 models and 10 channels seen before: the maps are not trivially small.
    for i in 0..50 {
        let mut r = record(&format!("model-{i}"), i % 2 == 0, vec![attempt(&format!("ch-{}", i % 10), None)]);
        r.channel_name = Some(format!("ch-{}", i % 10));
        m.finished(&r);
    }
    let plain = record("claude-sonnet-4-5-20250929", false, vec![attempt("anthropic-main", None)]);
    let stream = record("claude-sonnet-4-5-20250929", true, vec![attempt("anthropic-main", None)]);
    let failover = record(
        "claude-sonnet-4-5-20250929",
        false,
        vec![attempt("anthropic-backup", Some("status_5xx")), attempt("anthropic-main", None)],
    );
    for r in [&plain, &stream, &failover] {
        m.finished(r);
    }
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
criterion_main!(benches);
