//! The cache warmer (docs/cache.md) through the real daemon: warm analytics answer what the
//! log scan answers, the `/api/cache/…` API, invalidation on a channel write, and the
//! upstream connection opened ahead that the first request then uses.

use std::time::{Duration, Instant};

use crate::support::mock::MockUpstream;
use crate::support::stack::anthropic_body;
use crate::support::{Daemon, Home};
use routex::engine::records::{append, RequestRecord};
use routex::protocol::Usage;

/// A log of `n` records over the last three hours, with latencies across the histogram's
/// bins, failures, two channels (one renamed), TTFBs and costs.
fn write_log(h: &Home, n: u64) {
    let store = routex::store::Store::open(h.path()).unwrap();
    let now = routex::util::time::now_ms();
    let records: Vec<RequestRecord> = (0..n)
        .map(|i| {
            let age = 3 * 3_600_000 * (n - i) / n;
            let backup = i % 3 == 0;
            RequestRecord {
                id: format!("req_{i}"),
                time_ms: now - age,
                trace_id: format!("trace_{i}"),
                client_protocol: "anthropic".into(),
                endpoint: "/v1/messages".into(),
                channel_id: Some(if backup { "ch_b" } else { "ch_a" }.into()),
                channel_name: Some(
                    match (backup, age > 3_600_000) {
                        (true, true) => "backup-old",
                        (true, false) => "backup",
                        _ => "main",
                    }
                    .into(),
                ),
                model: "claude-sonnet-4".into(),
                status: if i % 11 == 0 { 502 } else { 200 },
                success: i % 11 != 0,
                latency_ms: (i * 7919) % 30_000,
                ttfb_ms: (i % 4 != 0).then_some((i * 31) % 2_000),
                tokens: Usage { input: i % 900, output: i % 300, cache_read: i % 50, ..Default::default() },
                cost_usd: (i % 5 != 0).then_some((i % 97) as f64 / 1000.0),
                ..Default::default()
            }
        })
        .collect();
    for chunk in records.chunks(500) {
        append(&store, chunk).unwrap();
    }
    store.flush().unwrap();
}

fn call(d: &Daemon, method: &str, path: &str, body: Option<serde_json::Value>) -> (u16, serde_json::Value) {
    let req = ureq::request(method, &format!("{}{path}", d.url));
    let r = match body {
        Some(b) => req.send_json(b),
        None => req.call(),
    };
    match r {
        Ok(r) => (r.status(), r.into_json().unwrap()),
        Err(ureq::Error::Status(code, r)) => (code, r.into_json().unwrap()),
        Err(e) => panic!("{e}"),
    }
}

/// Poll `f` every 50 ms for up to 20 s until it holds.
fn wait_for(what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn config(h: &Home, yaml: &str) -> String {
    let p = h.path().join("routex.yaml");
    std::fs::write(&p, yaml).unwrap();
    p.to_str().unwrap().to_string()
}

#[test]
fn warm_analytics_answer_what_the_log_scan_answers() {
    let h = Home::new();
    write_log(&h, 6000);
    let d = h.serve(&[]);
    wait_for("the warm at start", || d.get("/api/cache/stats")["data"]["totalWarms"].as_u64() >= Some(1));
    let stats = d.get("/api/cache/stats")["data"].clone();
    assert_eq!(stats["analytics"]["records"], 6000, "{stats}");
    assert_eq!(stats["itemsCached"]["analytics"], 1, "{stats}");
    assert!(stats["totalWarms"].as_u64().unwrap() >= 1, "{stats}");
    assert_eq!(stats["source"], "daemon");
    // A fixed start, so the daemon's answer and the CLI's later one cover the same records.
    let since = (routex::util::time::now_ms() - 2 * 3_600_000).to_string();
    let warm = d.get(&format!("/api/analytics?since={since}"))["data"].clone();
    let warm_day = d.get("/api/analytics")["data"].clone();
    d.stop();
    // No daemon: `routex stats` scans the log.
    let cold: serde_json::Value =
        serde_json::from_str(&h.run(&["stats", "--since", &since, "--output", "json"]).ok().stdout()).unwrap();
    assert!(warm["totals"]["requests"].as_u64().unwrap() > 3000, "{warm}");
    for k in ["since_ms", "totals", "latency_ms", "ttfb_ms", "tokens", "per_channel"] {
        assert_eq!(warm[k], cold[k], "{k} differs warm and cold");
    }
    let (w, c) = (warm["cost_usd"].as_f64().unwrap(), cold["cost_usd"].as_f64().unwrap());
    assert!((w - c).abs() < 1e-6, "{w} vs {c}");
    assert_eq!(warm_day["totals"]["requests"], 6000);
    let names: Vec<&str> =
        warm_day["per_channel"].as_array().unwrap().iter().map(|c| c["channel_name"].as_str().unwrap()).collect();
    assert_eq!(names, ["main", "backup"], "the latest name of the renamed channel");
}

#[test]
fn the_cache_api_warms_invalidates_and_refuses_bad_bodies() {
    let h = Home::new();
    h.add_keyed_channel("claude-main", "claude-sonnet-4,claude-opus-4,claude-*");
    let d = h.serve(&[]);
    wait_for("the warm at start", || d.get("/api/cache/stats")["data"]["totalWarms"].as_u64() >= Some(1));
    let s = d.get("/api/cache/stats")["data"].clone();
    assert_eq!(s["itemsCached"]["channels"], 1, "{s}");
    assert_eq!(s["itemsCached"]["models"], 2, "the literal models; a glob names none: {s}");
    assert_eq!(s["itemsCached"]["tokenizer"], 1, "{s}");

    // Config: the defaults, a partial PUT merged and kept, bad values refused.
    let c = d.get("/api/cache/config")["data"].clone();
    assert_eq!(c["backgroundRefresh"], serde_json::json!({"enabled": true, "intervalMs": 300000}));
    assert_eq!(c["smartInvalidation"], serde_json::json!({"enabled": true, "autoInvalidateOnUpdate": true}));
    let (code, b) =
        call(&d, "PUT", "/api/cache/config", Some(serde_json::json!({"backgroundRefresh": {"intervalMs": 180000}})));
    assert_eq!((code, &b["data"]["backgroundRefresh"]["intervalMs"]), (200, &serde_json::json!(180000)), "{b}");
    assert_eq!(d.get("/api/cache/config")["data"]["backgroundRefresh"]["enabled"], true);
    let (code, b) =
        call(&d, "PUT", "/api/cache/config", Some(serde_json::json!({"backgroundRefresh": {"intervalMs": 10}})));
    assert_eq!(code, 400, "{b}");
    assert_eq!(b["success"], false);
    assert!(b["error"]["message"].as_str().unwrap().contains("intervalMs"), "{b}");
    let (code, b) = call(&d, "PUT", "/api/cache/config", Some(serde_json::json!({"warmitems": {}})));
    assert_eq!(code, 400, "{b}");
    assert!(b["error"]["message"].as_str().unwrap().contains("warmitems"), "{b}");

    // Warm only some items.
    let before = d.get("/api/cache/stats")["data"]["totalWarms"].as_u64().unwrap();
    let items = serde_json::json!({"items": {"channels": true, "models": true, "routingRules": false, "analytics": false, "connections": false, "tokenizer": false}});
    let (code, b) = call(&d, "POST", "/api/cache/warm", Some(items));
    assert_eq!(code, 200, "{b}");
    assert_eq!(b["data"]["totalWarms"].as_u64().unwrap(), before + 1, "{b}");
    assert!(b["data"]["lastWarmTime"].as_u64().unwrap() > 0);

    // Invalidate: an unknown type names the valid ones; analytics falls back to the scan.
    let (code, b) = call(&d, "POST", "/api/cache/invalidate", Some(serde_json::json!({"type": "channel"})));
    assert_eq!(code, 400, "{b}");
    let msg = b["error"]["message"].as_str().unwrap();
    assert!(msg.contains("\"channel\"") && msg.contains("channels, models, routingRules, analytics"), "{msg}");
    let (code, b) = call(&d, "POST", "/api/cache/invalidate", Some(serde_json::json!({"tipe": "channels"})));
    assert_eq!(code, 400, "{b}");
    let (code, b) = call(&d, "POST", "/api/cache/invalidate", Some(serde_json::json!({"type": "analytics"})));
    assert_eq!((code, b["data"]["message"].as_str()), (200, Some("cache (analytics) invalidated")), "{b}");
    let s = d.get("/api/cache/stats")["data"].clone();
    assert_eq!((s["itemsCached"]["analytics"].as_u64(), s["analytics"]["ready"].as_bool()), (Some(0), Some(false)));
    let inv = s["invalidationCount"].as_u64().unwrap();
    assert!(inv >= 1);
    assert_eq!(d.get("/api/analytics")["success"], true, "answered by the scan meanwhile");
    let (code, b) = call(&d, "POST", "/api/cache/invalidate-and-warm", Some(serde_json::json!({"type": "analytics"})));
    assert_eq!(code, 200, "{b}");
    assert_eq!(b["data"]["itemsCached"]["analytics"], 1, "{b}");
    assert_eq!(b["data"]["invalidationCount"].as_u64().unwrap(), inv + 1);
    // An empty object: every type.
    let (code, b) = call(&d, "POST", "/api/cache/invalidate-and-warm", Some(serde_json::json!({})));
    assert_eq!(code, 200, "{b}");

    let (code, b) = call(&d, "POST", "/api/cache/reset-stats", Some(serde_json::json!({})));
    assert_eq!(code, 200, "{b}");
    assert_eq!((b["data"]["totalWarms"].as_u64(), b["data"]["invalidationCount"].as_u64()), (Some(0), Some(0)));
    assert_eq!(b["data"]["itemsCached"]["analytics"], 1, "what is warm stays warm");

    // The metrics count warms and invalidations by type.
    let text = ureq::get(&format!("{}/metrics", d.url)).call().unwrap().into_string().unwrap();
    assert!(text.lines().any(|l| l.starts_with("routex_cache_warm_total ") && !l.ends_with(" 0")), "{text}");
    assert!(text.contains("routex_cache_invalidation_total{type=\"analytics\"}"), "{text}");
}

#[test]
fn a_channel_write_invalidates_and_warms_again() {
    let h = Home::new();
    h.add_keyed_channel("claude-main", "claude-sonnet-4");
    let d = h.serve(&[]);
    wait_for("the warm at start", || d.get("/api/cache/stats")["data"]["itemsCached"]["channels"] == 1);
    let inv = d.get("/api/cache/stats")["data"]["invalidationCount"].as_u64().unwrap();
    let ch = serde_json::json!({"name": "gpt", "type": "openai", "models": ["gpt-4o", "gpt-4o-mini"], "api_key": "sk-0123456789abcdef"});
    let (code, b) = call(&d, "POST", "/api/channels", Some(ch));
    assert_eq!(code, 201, "{b}");
    wait_for("the write to be noticed", || {
        let s = d.get("/api/cache/stats")["data"].clone();
        s["invalidationCount"].as_u64() > Some(inv) && s["itemsCached"]["channels"] == 2
    });
    assert_eq!(d.get("/api/cache/stats")["data"]["itemsCached"]["models"], 3);
    let text = ureq::get(&format!("{}/metrics", d.url)).call().unwrap().into_string().unwrap();
    assert!(text.contains("routex_cache_invalidation_total{type=\"channels\"}"), "{text}");
}

fn upstream_config(h: &Home, mock: &MockUpstream, enabled: bool) -> String {
    config(
        h,
        &format!(
            "server:\n  workers: 1\ncache:\n  enabled: {enabled}\nchannels:\n  - name: main\n    type: anthropic\n    base_url: {}\n    api_key: sk-ant-0123456789abcdef\n    models: ['claude-*']\n",
            mock.url()
        ),
    )
}

fn proxied(d: &Daemon) -> u16 {
    let r = ureq::post(&format!("{}/v1/messages", d.url)).send_json(anthropic_body(false));
    match r {
        Ok(r) => r.status(),
        Err(ureq::Error::Status(c, _)) => c,
        Err(e) => panic!("{e}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_first_request_goes_on_the_connection_opened_ahead() {
    let mock = MockUpstream::start().await;
    let h = Home::new();
    let cfg = upstream_config(&h, &mock, true);
    let m = mock.clone();
    tokio::task::spawn_blocking(move || {
        let d = h.serve(&["--config", &cfg]);
        wait_for("the connection opened ahead", || m.connections_accepted() == 1);
        assert_eq!(m.hits(), 0, "opened, nothing sent");
        assert_eq!(proxied(&d), 200);
        assert_eq!(m.hits(), 1);
        assert_eq!(m.connections_accepted(), 1, "the first request used the connection opened at start");
        wait_for("the warm at start", || d.get("/api/cache/stats")["data"]["itemsCached"]["connections"] == 1);
        // Invalidated: the idle connection is closed; warmed again: a new one is opened.
        let (code, b) =
            call(&d, "POST", "/api/cache/invalidate-and-warm", Some(serde_json::json!({"type": "connections"})));
        assert_eq!(code, 200, "{b}");
        wait_for("a connection opened again", || m.connections_accepted() == 2);
        assert_eq!(proxied(&d), 200);
        assert_eq!(m.connections_accepted(), 2);
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn with_the_warmer_off_the_first_request_opens_its_connection() {
    let mock = MockUpstream::start().await;
    let h = Home::new();
    let cfg = upstream_config(&h, &mock, false);
    let m = mock.clone();
    tokio::task::spawn_blocking(move || {
        let d = h.serve(&["--config", &cfg]);
        let s = d.get("/api/cache/stats")["data"].clone();
        assert_eq!((s["totalWarms"].as_u64(), s["analytics"]["ready"].as_bool()), (Some(0), Some(false)), "{s}");
        assert_eq!(m.connections_accepted(), 0);
        assert_eq!(proxied(&d), 200);
        assert_eq!(m.connections_accepted(), 1, "opened by the request itself");
    })
    .await
    .unwrap();
}

#[test]
fn routex_cache_works_with_and_without_a_daemon() {
    let h = Home::new();
    write_log(&h, 1000);
    // No daemon: the warm runs in this process and says so.
    let local: serde_json::Value =
        serde_json::from_str(&h.run(&["cache", "warm", "--output", "json"]).ok().stdout()).unwrap();
    assert_eq!(local["source"], "cli", "{local}");
    assert_eq!((local["totalWarms"].as_u64(), local["analytics"]["ready"].as_bool()), (Some(1), Some(true)));
    assert_eq!(local["analytics"]["records"], 1000);
    let table = h.run(&["cache", "warm", "analytics"]).ok().stdout();
    assert!(table.contains("no daemon runs") && table.contains("1,000 records"), "{table}");
    // Bad names: one line, exit 2, before anything runs.
    for args in [&["cache", "invalidate", "channel"][..], &["cache", "warm", "models", "rules"][..]] {
        let r = h.run(args);
        assert_eq!(r.code(), 2, "{args:?}: {}", r.stderr());
        let err = r.stderr();
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(err.contains("use one of: channels, models, routingRules, analytics"), "{err}");
    }
    let r = h.run(&["cache", "invalidate", "analytics"]).ok();
    assert!(r.stderr().contains("no daemon runs"), "{}", r.stderr());
    let local_config = h.run(&["cache", "config", "--output", "json"]).ok().stdout();

    // A daemon: the same commands are its API.
    let d = h.serve(&[]);
    wait_for("the warm at start", || d.get("/api/cache/stats")["data"]["totalWarms"].as_u64() >= Some(1));
    assert_eq!(h.run(&["cache", "config", "--output", "json"]).ok().stdout(), local_config, "the same settings");
    let s: serde_json::Value =
        serde_json::from_str(&h.run(&["cache", "stats", "--output", "json"]).ok().stdout()).unwrap();
    assert_eq!((s["source"].as_str(), s["analytics"]["records"].as_u64()), (Some("daemon"), Some(1000)), "{s}");
    let r = h.run(&["cache", "invalidate", "analytics"]).ok();
    assert!(r.stderr().contains("cache (analytics) invalidated"), "{}", r.stderr());
    assert_eq!(d.get("/api/cache/stats")["data"]["analytics"]["ready"], false);
    let w: serde_json::Value =
        serde_json::from_str(&h.run(&["cache", "warm", "analytics", "--output", "json"]).ok().stdout()).unwrap();
    assert_eq!((w["source"].as_str(), w["analytics"]["ready"].as_bool()), (Some("daemon"), Some(true)), "{w}");
    let r = h.run(&["cache", "invalidate", "connection"]);
    assert_eq!(r.code(), 2, "{}", r.stderr());
}
