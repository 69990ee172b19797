//! `/health`, `/health/live`, `/health/ready` and `/health/detailed` over loopback: the
//! verdict, its reasons and the status code a load balancer or an operator sees.

use crate::support::mock::{Behavior, MockUpstream};
use crate::support::stack::{anthropic_body, channel, Stack};
use routex::daemon::{self, admin, AppState};
use routex::engine::config::Config;
use routex::engine::records::Recorder;
use routex::engine::Engine;
use routex::store::Store;
use serde_json::Value;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The breaker opens at the second failure and stays open a minute.
const BREAKER: &str = "circuit_breaker: { failure_threshold: 2, open_s: 60 }\n";

async fn get(s: &Stack, path: &str) -> (u16, Value) {
    let r = s.http.get(format!("{}{path}", s.url)).send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

fn reasons(v: &Value) -> Vec<&str> {
    v["data"]["reasons"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect()
}

#[tokio::test]
async fn a_daemon_with_a_channel_is_healthy_ready_and_alive() {
    let up = MockUpstream::start().await;
    let s = Stack::start("", vec![channel("main", "anthropic", &up.url(), 0)]).await;
    let (status, v) = get(&s, "/health/detailed").await;
    assert_eq!(status, 200, "{v}");
    let d = &v["data"];
    assert_eq!(d["status"], "healthy", "{v}");
    assert_eq!(d["reasons"], serde_json::json!([]));
    assert_eq!((&d["store"]["ok"], &d["store"]["writable"]), (&Value::Bool(true), &Value::Bool(true)), "{v}");
    assert_eq!(d["channels"]["total"], 1);
    assert_eq!(d["channels"]["enabled"], 1);
    assert_eq!(d["channels"]["down"], serde_json::json!([]));
    // The stack records requests: the writer's queue is shown.
    let log = &d["request_log"];
    assert_eq!((&log["enabled"], &log["dropped"], &log["capacity"]), (&true.into(), &0.into(), &16_384.into()), "{v}");
    assert!(log["last_error"].is_null() && log["last_dropped_ms"].is_null(), "{v}");
    assert!(d["disk"]["free_bytes"].as_u64().unwrap() > d["disk"]["min_free_bytes"].as_u64().unwrap(), "{v}");
    #[cfg(target_os = "linux")]
    assert!(d["memory"]["rss_bytes"].as_u64().unwrap() > 0 && d["fds"]["open"].as_u64().unwrap() >= 3, "{v}");

    let (status, v) = get(&s, "/health/ready").await;
    assert_eq!((status, &v["data"]["status"]), (200, &Value::from("ready")), "{v}");
    let (status, v) = get(&s, "/health/live").await;
    assert_eq!((status, &v["data"]["status"]), (200, &Value::from("alive")), "{v}");
    // `/health` keeps its summary shape.
    let (status, v) = get(&s, "/health").await;
    assert_eq!(status, 200);
    let keys: Vec<&str> = v["data"].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["status", "version", "uptime_s"], "{v}");
    assert_eq!(v["data"]["status"], "ok");
}

#[tokio::test]
async fn no_channel_is_degraded_and_says_how_to_add_one() {
    let s = Stack::start("", vec![]).await;
    let (status, v) = get(&s, "/health/detailed").await;
    assert_eq!(status, 200, "degraded still answers 200: {v}");
    assert_eq!(v["data"]["status"], "degraded");
    assert_eq!(reasons(&v), ["no channel is configured: add one with routex channel add"]);
}

#[tokio::test]
async fn every_channel_down_is_503_naming_the_channels() {
    let a = MockUpstream::start().await;
    let b = MockUpstream::start().await;
    a.set_default(Behavior::status(500));
    b.set_default(Behavior::status(500));
    let s = Stack::start(
        BREAKER,
        vec![channel("alpha", "anthropic", &a.url(), 10), channel("beta", "anthropic", &b.url(), 1)],
    )
    .await;
    // Each request tries both and fails on both: two requests open both breakers.
    for _ in 0..2 {
        let r = s.post("/v1/messages", &anthropic_body(false)).await;
        assert!(r.status().is_server_error(), "{}", r.status());
    }
    assert_eq!((a.hits(), b.hits()), (2, 2));
    let (status, v) = get(&s, "/health/detailed").await;
    assert_eq!(status, 503, "{v}");
    assert_eq!(v["success"], true, "the report is the data of a 503: {v}");
    assert_eq!(v["data"]["status"], "unhealthy");
    let r = reasons(&v);
    assert_eq!(r.len(), 1, "{r:?}");
    assert!(r[0].starts_with("every channel is down (alpha: circuit breaker open, trial in "), "{r:?}");
    assert!(r[0].contains("; beta: circuit breaker open, trial in "), "{r:?}");
    assert!(r[0].ends_with("requests fail until one recovers; GET /api/channels/stats shows their last errors"));
    assert_eq!(v["data"]["channels"]["breaker_open"], 2);
    let down: Vec<&str> =
        v["data"]["channels"]["down"].as_array().unwrap().iter().map(|d| d["name"].as_str().unwrap()).collect();
    assert_eq!(down, ["alpha", "beta"]);
    // Readiness and liveness are not health: the daemon still serves.
    assert_eq!(get(&s, "/health/ready").await.0, 200);
    assert_eq!(get(&s, "/health").await.0, 200);
}

#[tokio::test]
async fn one_channel_of_two_down_is_degraded() {
    let a = MockUpstream::start().await;
    let b = MockUpstream::start().await;
    a.set_default(Behavior::status(500));
    let s = Stack::start(
        BREAKER,
        vec![channel("alpha", "anthropic", &a.url(), 10), channel("beta", "anthropic", &b.url(), 1)],
    )
    .await;
    for _ in 0..2 {
        let r = s.post("/v1/messages", &anthropic_body(false)).await;
        assert_eq!(r.headers()["x-channel-name"], "beta");
    }
    let (status, v) = get(&s, "/health/detailed").await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["data"]["status"], "degraded");
    let r = reasons(&v);
    assert_eq!(r.len(), 1, "{r:?}");
    assert!(r[0].starts_with("1 of 2 channels down (alpha: circuit breaker open, trial in "), "{r:?}");
    assert!(r[0].contains("the others take their traffic"), "{r:?}");
}

#[tokio::test]
async fn free_disk_under_the_threshold_is_503_naming_the_disk() {
    let up = MockUpstream::start().await;
    // A threshold of about an exbibyte: more than any test machine has free.
    let s = Stack::start(
        "server: { health_min_disk_mb: 1000000000000 }\n",
        vec![channel("main", "anthropic", &up.url(), 0)],
    )
    .await;
    let (status, v) = get(&s, "/health/detailed").await;
    #[cfg(unix)]
    {
        assert_eq!(status, 503, "{v}");
        assert_eq!(v["data"]["status"], "unhealthy");
        assert_eq!(v["data"]["disk"]["min_free_bytes"], 1_000_000_000_000u64 * 1024 * 1024);
        let r = reasons(&v);
        assert_eq!(r.len(), 1, "{r:?}");
        assert!(r[0].starts_with("the data directory's filesystem has "), "{r:?}");
        assert!(
            r[0].ends_with(
                " MiB free, under the 1000000000000.0 MiB threshold: free some space there (the threshold is \
                 server.health_min_disk_mb)"
            ),
            "{r:?}"
        );
    }
    #[cfg(not(unix))]
    assert_eq!(status, 200, "disk space is not read here: {v}");
}

#[tokio::test]
async fn ready_is_503_until_the_daemon_serves_and_again_once_it_stops() {
    let engine = Arc::new(Engine::with_store(Store::temporary().unwrap()).unwrap());
    let state = AppState::new(engine, Config::default(), std::env::temp_dir(), Recorder::disabled());
    // Built, not serving yet: what a request racing the start would get.
    let routes = admin::routes(state.clone());
    let r = warp::test::request().path("/health/ready").reply(&routes).await;
    assert_eq!(r.status(), 503);
    let v: Value = serde_json::from_slice(r.body()).unwrap();
    assert_eq!(v["error"]["code"], "not_ready", "{v}");
    assert!(v["error"]["message"].as_str().unwrap().starts_with("routex is starting or stopping"), "{v}");
    let r = warp::test::request().path("/health/live").reply(&routes).await;
    assert_eq!(r.status(), 200, "alive while not ready");

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(daemon::serve(state.clone(), listener, async move {
        let _ = rx.await;
    }));
    let http = reqwest::Client::new();
    let r = http.get(format!("{url}/health/ready")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["data"]["status"], "ready");
    let _ = tx.send(());
    tokio::time::timeout(Duration::from_secs(10), server).await.unwrap().unwrap();
    assert!(!state.health.is_ready(), "not ready once stopping");
    let r = warp::test::request().path("/health/ready").reply(&routes).await;
    assert_eq!(r.status(), 503);
}

/// The connection limit keeps a reserve for health: with every proxy connection taken by a
/// request stuck upstream, the detailed report still answers, and fast.
#[tokio::test]
async fn the_detailed_report_answers_fast_while_the_proxy_is_saturated() {
    let up = MockUpstream::start().await;
    up.set_default(Behavior::StallBeforeHeaders(Duration::from_secs(3)));
    let s = Stack::start("server:\n  max_connections: 32\n", vec![channel("main", "anthropic", &up.url(), 0)]).await;
    assert_eq!(s.state.proxy_connections, 30);
    let mut stuck = Vec::new();
    for _ in 0..30 {
        // Own clients: one connection each.
        let (url, body) = (s.url.clone(), anthropic_body(false));
        stuck.push(tokio::spawn(async move {
            let _ = reqwest::Client::new().post(format!("{url}/v1/messages")).json(&body).send().await;
        }));
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while up.hits() < 30 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(up.hits(), 30, "every proxy connection holds a stuck request");
    let mut took = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let (status, v) = get(&s, "/health/detailed").await;
        took.push(started.elapsed());
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["data"]["status"], "healthy", "{v}");
    }
    let worst = took.iter().max().unwrap();
    assert!(*worst < Duration::from_millis(500), "{took:?}");
    println!("/health/detailed with 30 requests stuck upstream: {took:?}");
    for t in stuck {
        t.abort();
    }
}
