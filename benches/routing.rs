//! Criterion: the routing decision (candidates + strategy + session affinity) with 100
//! channels, for every strategy; and the same with 20 rules in front (no token rules).
//! Targets: ≤ 2 µs each.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use std::sync::Arc;

use routex::engine::config::Config;
use routex::engine::proxy::{Proxy, ProxyConfig};
use routex::engine::records::Recorder;
use routex::engine::rules::{HeaderLookup, NoHeaders, RuleSpec};
use routex::engine::{ChannelSpec, Engine, Strategy};
use routex::store::Store;

fn engine(channels: usize) -> Arc<Engine> {
    let e = Engine::with_store(Store::temporary().unwrap()).unwrap();
    for i in 0..channels {
        e.add_channel(&ChannelSpec {
            name: format!("ch-{i:03}"),
            kind: if i % 2 == 0 { "anthropic".into() } else { "openai".into() },
            base_url: Some(format!("http://127.0.0.1:{}", 10000 + i)),
            api_keys: vec![format!("sk-key-{i}-a-000000000"), format!("sk-key-{i}-b-000000000")],
            models: vec!["claude-*".into(), format!("model-{i}"), "gpt-4o*".into()],
            priority: (i % 4) as i64,
            weight: 1 + (i % 3) as i64,
            ..Default::default()
        })
        .unwrap();
    }
    Arc::new(e)
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let _guard = rt.enter();
    let e = engine(100);
    let proxy = Proxy::new(e.clone(), ProxyConfig::from_config(&Config::default()), Recorder::disabled())
        .with_affinity(10_000, std::time::Duration::from_secs(3600));
    // 10 000 live sessions, as the spec's memory target says.
    let ids: Vec<String> = e.list_channels().iter().map(|c| c.id.clone()).collect();
    for i in 0..10_000 {
        proxy.remember_session(&format!("session-{i}"), &ids[i % ids.len()]);
    }
    let mut g = c.benchmark_group("route_100_channels");
    for s in routex::engine::strategy::STRATEGIES {
        e.set_strategy(s).unwrap();
        g.bench_function(format!("{s}_no_session"), |b| {
            b.iter(|| black_box(proxy.plan(black_box("claude-sonnet-4"), None)))
        });
        g.bench_function(format!("{s}_sticky_session"), |b| {
            b.iter(|| black_box(proxy.plan(black_box("claude-sonnet-4"), Some("session-4242"))))
        });
    }
    g.finish();
    e.set_strategy(Strategy::Priority).unwrap();

    // 20 rules (none matching, so every one is evaluated), then the balancer.
    for i in 0..20 {
        let spec: RuleSpec = serde_json::from_value(serde_json::json!({
            "name": format!("r{i}"), "type": "keywords", "priority": i,
            "condition": {"keywords": [format!("never-{i}")]}, "targetChannel": "ch-001"
        }))
        .unwrap();
        e.add_rule(&spec).unwrap();
    }
    let body = serde_json::json!({"model": "claude-sonnet-4", "max_tokens": 64,
        "messages": [{"role": "user", "content": "Refactor the parser module and add tests for the error paths."}]});
    let snap = e.snapshot();
    let headers: &dyn HeaderLookup = &NoHeaders;
    c.bench_function("rules_20_then_route_100_channels", |b| {
        b.iter(|| {
            let d = routex::engine::routing::decide(
                &snap,
                routex::protocol::Protocol::Anthropic,
                black_box(&body),
                headers,
                "claude-sonnet-4",
                &|c| c.status != routex::engine::Status::Disabled,
                false,
            );
            black_box(proxy.plan(&d.model, Some("session-17")))
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
