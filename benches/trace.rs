//! Criterion: what a request pays for its trace, `Traces::finished` on a realistic record —
//! one attempt, and a failover (two attempts, the first failed) — into a store at its count
//! bound (so every call also evicts the oldest), plus the cost on reads: building one
//! request's spans and encoding them for OTLP.
//!
//! Budget (issue 15): ≤ ~1.5k instructions per request for traces. For instructions rather
//! than time, run the bench under callgrind (see docs/tracing.md, "Cost"):
//!
//! ```text
//! cargo bench --bench trace --no-run
//! valgrind --tool=callgrind --toggle-collect='*Traces*finished*' target/release/deps/trace-* \
//!     --bench --profile-time 2 'finished/one attempt'
//! ```

use criterion::{black_box, criterion_group, criterion_main, Criterion};

use routex::engine::config::TracingConfig;
use routex::engine::records::{Attempt, RequestRecord};
use routex::engine::trace::{Spans, Traces, Upstream};
use routex::protocol::{Protocol, Usage};

// As the daemon (src/main.rs): allocation is a good part of what is measured.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn record(failover: bool) -> RequestRecord {
    let mut attempts = Vec::new();
    if failover {
        attempts.push(Attempt {
            channel_id: "ch_8f2c1a9e0b7d".into(),
            channel_name: "claude-main".into(),
            status: Some(529),
            error: Some("upstream answered 529: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}".into()),
            latency_ms: 180,
            start_us: 60,
            send_us: Some(75),
            reason: Some("status_5xx"),
        });
    }
    attempts.push(Attempt {
        channel_id: "ch_3b9d7e2f4a10".into(),
        channel_name: "openai-backup".into(),
        status: Some(200),
        error: None,
        latency_ms: 950,
        start_us: if failover { 180_200 } else { 60 },
        send_us: Some(if failover { 180_600 } else { 75 }),
        reason: None,
    });
    RequestRecord {
        id: "req_5f0c2d9a8b7e6f1a2b3c".into(),
        time_ms: 1_765_000_000_000,
        trace_id: "4bf92f3577b34da6a3ce929d0e0e4736".into(),
        session: Some("sess-3f2a9c7d".into()),
        client_protocol: "anthropic".into(),
        endpoint: "/v1/messages".into(),
        channel_id: Some("ch_3b9d7e2f4a10".into()),
        channel_name: Some("openai-backup".into()),
        rule: Some("long-context".into()),
        model: "claude-sonnet-4-5-20250929".into(),
        upstream_model: Some("gpt-4o".into()),
        status: 200,
        success: true,
        error: None,
        latency_ms: 1_140,
        ttfb_ms: None,
        stream: false,
        tokens: Usage { input: 1_200, output: 350, cache_read: 20_000, cache_write: 0, reasoning: 0 },
        attempts,
        bytes_in: 48_000,
        bytes_out: 2_100,
        cost_usd: Some(0.0123),
        replica: None,
        rule_reason: None,
        request_body: None,
        response_body: None,
    }
}

fn bench(c: &mut Criterion) {
    let upstream = |id: &str| {
        Some(Upstream {
            protocol: if id.ends_with("a10") { Protocol::Openai } else { Protocol::Anthropic },
            rewritten: id.ends_with("a10"),
        })
    };
    let mut g = c.benchmark_group("finished");
    for (name, failover) in [("one attempt", false), ("failover", true)] {
        let r = record(failover);
        let traces = Traces::new(&TracingConfig { max_traces: 10_000, ..Default::default() });
        // Fill to the bound first: every measured call then evicts one.
        for _ in 0..10_000 {
            traces.finished(
                &r,
                Spans { span_id: "00f067aa0ba902b7", parent_span: None, routed_us: 55, upstream: &upstream },
            );
        }
        g.bench_function(name, |b| {
            b.iter(|| {
                traces.finished(
                    black_box(&r),
                    Spans {
                        span_id: "00f067aa0ba902b7",
                        parent_span: Some("b7ad6b7169203331"),
                        routed_us: 55,
                        upstream: &upstream,
                    },
                )
            })
        });
    }
    g.finish();

    // Reads (admin API, CLI, exporter): one request's trace.
    let traces = Traces::new(&TracingConfig::default());
    traces.finished(
        &record(true),
        Spans { span_id: "00f067aa0ba902b7", parent_span: None, routed_us: 55, upstream: &upstream },
    );
    c.bench_function("read/trace of a failover", |b| {
        b.iter(|| black_box(traces.trace("4bf92f3577b34da6a3ce929d0e0e4736")))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
