//! Criterion: `GET /api/analytics` over a log of 1 million records spread over the last
//! 24 hours (every record in the default window, the worst case for the scan): the cold scan
//! (`records::analytics_since`), the warm answer from the in-memory buckets
//! (`Aggregates::warm`), and the build of those buckets. Prints the build time and the
//! memory the buckets take. Figures in docs/cache.md.
//!
//! ```text
//! cargo bench --bench analytics
//! ROUTEX_BENCH_RECORDS=100000 cargo bench --bench analytics   # a smaller log
//! ```

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use std::time::{Duration, Instant};

use routex::engine::records::{analytics_since, append, Aggregates, RequestRecord};
use routex::protocol::Usage;
use routex::store::Store;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const DAY_MS: u64 = 24 * 3600 * 1000;

fn records(n: u64, now: u64) -> Vec<RequestRecord> {
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let channels = ["claude-main", "claude-backup", "openai", "gemini", "local"];
    (0..n)
        .map(|i| {
            let c = (next() % channels.len() as u64) as usize;
            let latency = 200 + next() % 20_000;
            RequestRecord {
                id: format!("req_{i:012}"),
                time_ms: now - DAY_MS + 1 + i * (DAY_MS - 2) / n,
                trace_id: format!("{:032x}", next()),
                client_protocol: "anthropic".into(),
                endpoint: "/v1/messages".into(),
                channel_id: Some(format!("ch_{c:04}")),
                channel_name: Some(channels[c].into()),
                model: "claude-sonnet-4-5".into(),
                upstream_model: Some("claude-sonnet-4-5-20250929".into()),
                status: if next() % 20 == 0 { 529 } else { 200 },
                success: next() % 20 != 0,
                latency_ms: latency,
                ttfb_ms: Some(latency / 4),
                tokens: Usage {
                    input: next() % 4000,
                    output: next() % 1000,
                    cache_read: next() % 20_000,
                    ..Default::default()
                },
                cost_usd: Some((next() % 10_000) as f64 / 1e5),
                replica: None,
                rule_reason: None,
                ..Default::default()
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let n: u64 = std::env::var("ROUTEX_BENCH_RECORDS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let now = routex::util::time::now_ms();
    let t = Instant::now();
    for chunk in records(n, now).chunks(10_000) {
        append(&store, chunk).unwrap();
    }
    eprintln!("analytics bench: wrote {n} records in {:.1} s", t.elapsed().as_secs_f64());

    let agg = Aggregates::new();
    let status = agg.build(&store, now).unwrap();
    eprintln!(
        "analytics bench: built the warm aggregates in {} ms: {} records, {} buckets, {:.2} MiB",
        status.build_ms,
        status.records,
        status.buckets,
        status.memory_bytes as f64 / (1024.0 * 1024.0)
    );
    let warm = agg.warm(now - DAY_MS, now).unwrap();
    let cold = analytics_since(&store, now - DAY_MS, now).unwrap();
    assert_eq!(warm.totals, cold.totals);
    assert_eq!(warm.latency_ms, cold.latency_ms);
    assert_eq!(cold.totals.requests, n);

    let mut g = c.benchmark_group("analytics");
    g.sample_size(10).measurement_time(Duration::from_secs(15));
    g.bench_function(format!("cold scan, 24 h, {n} records"), |b| {
        b.iter(|| analytics_since(&store, black_box(now - DAY_MS), now).unwrap())
    });
    g.bench_function(format!("build, {n} records"), |b| b.iter(|| agg.build(&store, now).unwrap()));
    g.finish();
    let mut g = c.benchmark_group("analytics");
    g.bench_function(format!("warm, 24 h, {n} records"), |b| {
        b.iter(|| agg.warm(black_box(now - DAY_MS), now).unwrap())
    });
    g.bench_function(format!("warm, 1 h, {n} records"), |b| {
        b.iter(|| agg.warm(black_box(now - 3_600_000), now).unwrap())
    });
    g.bench_function(format!("warm, 7 d, {n} records"), |b| {
        b.iter(|| agg.warm(black_box(now - 7 * DAY_MS), now).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
