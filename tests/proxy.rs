//! The proxy end to end over loopback: real warp daemon, real sled store, mock upstreams
//! that misbehave on request. Assertions are on the bytes the client got, the request
//! the upstream got, and the record that was stored.

use crate::support::mock::{self, Behavior, MockUpstream};
use crate::support::stack::{anthropic_body, channel, openai_body, Stack};
use std::time::Duration;

const FAST: &str =
    "server: { first_byte_timeout_s: 2, idle_timeout_s: 1 }\ncircuit_breaker: { failure_threshold: 3, open_s: 1 }\n";

async fn body_text(r: reqwest::Response) -> String {
    String::from_utf8(r.bytes().await.unwrap().to_vec()).unwrap()
}

/// `server.workers: 3`: three event loops accept from one socket. Twelve clients on their
/// own connections, concurrently, all get their answer, and every request is recorded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_event_loops_serve_concurrent_connections() {
    let up = MockUpstream::start().await;
    let cfg = FAST.replace("idle_timeout_s: 1 }", "idle_timeout_s: 1, workers: 3 }");
    assert!(cfg.contains("workers: 3"));
    let mut s = Stack::start(&cfg, vec![channel("a", "anthropic", &up.url(), 0)]).await;
    let mut tasks = Vec::new();
    for i in 0..12 {
        let url = s.url.clone();
        tasks.push(tokio::spawn(async move {
            // A client of its own: its own connection, accepted by whichever loop wins it.
            let http = reqwest::Client::new();
            let stream = i % 2 == 0;
            let r = http.post(format!("{url}/v1/messages")).json(&anthropic_body(stream)).send().await.unwrap();
            assert_eq!(r.status(), 200);
            let text = body_text(r).await;
            assert!(text.contains(if stream { "message_stop" } else { mock::DEFAULT_TEXT }), "{text}");
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(s.records().await.len(), 12);
}

/// `logging.prices` overrides the built-in table: claude-sonnet-4 lists at 3/15 USD per
/// MTok, and the record's cost follows the configured price instead.
#[tokio::test]
async fn configured_prices_set_the_recorded_cost() {
    let up = MockUpstream::start().await;
    let cfg = format!(
        "{FAST}logging:\n  prices:\n    \"claude-sonnet-*\": {{ input: 1000000, output: 2000000, cache_read: 500000, cache_write: 4000000 }}\n"
    );
    let mut s = Stack::start(&cfg, vec![channel("a", "anthropic", &up.url(), 0)]).await;
    let r = s.http.post(format!("{}/v1/messages", s.url)).json(&anthropic_body(false)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let recs = s.records().await;
    // 1, 2, 0.5 and 4 USD per token.
    let want = mock::INPUT_TOKENS as f64
        + 2.0 * mock::OUTPUT_TOKENS as f64
        + 0.5 * mock::CACHE_READ_TOKENS as f64
        + 4.0 * mock::CACHE_WRITE_TOKENS as f64;
    assert_eq!(recs[0].cost_usd, Some(want));
}

#[tokio::test]
async fn anthropic_passthrough_non_stream() {
    let up = MockUpstream::start().await;
    let mut s = Stack::start(FAST, vec![channel("a", "anthropic", &up.url(), 0)]).await;
    let r = s
        .http
        .post(format!("{}/v1/messages?beta=true", s.url))
        .header("anthropic-version", "2023-06-01")
        .header("anthropic-beta", "interleaved-thinking-2025-05-14")
        .header("x-api-key", "client-key-is-not-forwarded")
        .json(&anthropic_body(false))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let h = r.headers().clone();
    assert_eq!(h["x-channel-name"], "a");
    assert_eq!(h["x-routex-attempts"], "1");
    assert_eq!(h["request-id"], "req_mock_1");
    assert_eq!(h["anthropic-ratelimit-requests-remaining"], "99");
    assert!(h["x-request-id"].to_str().unwrap().starts_with("req_"));
    assert_eq!(h["x-trace-id"].len(), 32);
    assert!(h.contains_key("x-routex-overhead-us") && h.contains_key("x-latency-ms"));
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["content"][0]["text"], mock::DEFAULT_TEXT);
    // What the upstream got: the client's bytes, our key, the betas, the query.
    let got = &up.requests()[0];
    assert_eq!(got.path, "/v1/messages?beta=true");
    assert_eq!(got.header("x-api-key"), Some("sk-a-key-0000000000"));
    assert_eq!(got.header("anthropic-beta"), Some("interleaved-thinking-2025-05-14"));
    assert_eq!(got.json(), anthropic_body(false));
    assert!(got.header("traceparent").unwrap().contains(h["x-trace-id"].to_str().unwrap()));
    let recs = s.records().await;
    assert_eq!(recs.len(), 1);
    let rec = &recs[0];
    assert!(rec.success);
    assert_eq!(rec.channel_name.as_deref(), Some("a"));
    assert_eq!(rec.tokens.input, mock::INPUT_TOKENS);
    assert_eq!(rec.tokens.output, mock::OUTPUT_TOKENS);
    assert_eq!(rec.tokens.cache_read, mock::CACHE_READ_TOKENS);
    assert_eq!(rec.tokens.cache_write, mock::CACHE_WRITE_TOKENS);
    assert_eq!(rec.id, h["x-request-id"].to_str().unwrap());
}

#[tokio::test]
async fn stream_passthrough_is_byte_identical() {
    for (kind, path, body) in
        [("anthropic", "/v1/messages", anthropic_body(true)), ("openai", "/v1/chat/completions", openai_body(true))]
    {
        let direct = MockUpstream::start().await;
        let expected = reqwest::Client::new()
            .post(format!("{}{}", direct.url(), if kind == "openai" { "/chat/completions" } else { path }))
            .json(&body)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let up = MockUpstream::start().await;
        let base = if kind == "openai" { format!("{}/v1", up.url()) } else { up.url() };
        let mut s = Stack::start(FAST, vec![channel("c", kind, &base, 0)]).await;
        let r = s.post(path, &body).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "text/event-stream");
        let got = r.bytes().await.unwrap();
        assert_eq!(got, expected, "{kind}: stream bytes differ");
        let recs = s.records().await;
        assert!(recs[0].success && recs[0].stream, "{:?}", recs[0]);
        assert_eq!(recs[0].tokens.output, mock::OUTPUT_TOKENS, "{kind}: usage from the stream");
        assert!(recs[0].ttfb_ms.is_some());
    }
}

#[tokio::test]
async fn every_failover_case_moves_to_the_next_channel() {
    let cases: Vec<(&str, Behavior)> = vec![
        ("500", Behavior::status(500)),
        ("503", Behavior::status(503)),
        ("529", Behavior::status(529)),
        ("401", Behavior::status(401)),
        ("403", Behavior::status(403)),
        ("408", Behavior::status(408)),
        ("429", Behavior::RateLimited { retry_after_s: 30 }),
        ("reset", Behavior::Reset),
        ("stall before headers", Behavior::StallBeforeHeaders(Duration::from_secs(5))),
        ("stream cut before any event", Behavior::CutAfterEvents(0)),
        ("stream cut in the preamble", Behavior::CutAfterEvents(3)),
        ("stream stall after message_start", Behavior::StallAfterFirstEvent(Duration::from_secs(5))),
    ];
    for (name, behavior) in cases {
        let bad = MockUpstream::start().await;
        let good = MockUpstream::start().await;
        bad.push(behavior.clone());
        let mut s = Stack::start(
            FAST,
            vec![channel("bad", "anthropic", &bad.url(), 10), channel("good", "anthropic", &good.url(), 1)],
        )
        .await;
        let stream = name.contains("stream");
        let r = s.post("/v1/messages", &anthropic_body(stream)).await;
        assert_eq!(r.status(), 200, "{name}");
        assert_eq!(r.headers()["x-channel-name"], "good", "{name}");
        assert_eq!(r.headers()["x-routex-attempts"], "2", "{name}");
        let text = body_text(r).await;
        assert!(text.contains(mock::DEFAULT_TEXT) || text.contains("Hello"), "{name}: {text}");
        assert_eq!(good.hits(), 1, "{name}");
        let recs = s.records().await;
        assert_eq!(recs.len(), 1, "{name}");
        assert_eq!(recs[0].attempts.len(), 2, "{name}: {:?}", recs[0].attempts);
        assert_eq!(recs[0].attempts[0].channel_name, "bad");
        assert!(recs[0].attempts[0].error.is_some(), "{name}");
        assert!(recs[0].success);
    }
}

#[tokio::test]
async fn connection_refused_fails_over() {
    let good = MockUpstream::start().await;
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_url = format!("http://{}", dead.local_addr().unwrap());
    drop(dead);
    let s = Stack::start(
        FAST,
        vec![channel("dead", "anthropic", &dead_url, 10), channel("good", "anthropic", &good.url(), 1)],
    )
    .await;
    let r = s.post("/v1/messages", &anthropic_body(false)).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["x-channel-name"], "good");
}

#[tokio::test]
async fn other_4xx_go_back_unchanged_without_failover() {
    let a = MockUpstream::start().await;
    let b = MockUpstream::start().await;
    let body = r#"{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: too big"}}"#;
    a.push(Behavior::Status { status: 400, body: body.into(), headers: vec![] });
    let s =
        Stack::start(FAST, vec![channel("a", "anthropic", &a.url(), 10), channel("b", "anthropic", &b.url(), 1)]).await;
    let r = s.post("/v1/messages", &anthropic_body(false)).await;
    assert_eq!(r.status(), 400);
    assert_eq!(body_text(r).await, body);
    assert_eq!(b.hits(), 0);
}

#[tokio::test]
async fn all_channels_failing_returns_the_last_upstream_error() {
    let a = MockUpstream::start().await;
    a.set_default(Behavior::status(503));
    let s = Stack::start(FAST, vec![channel("a", "anthropic", &a.url(), 0)]).await;
    let r = s.post("/v1/messages", &anthropic_body(false)).await;
    assert_eq!(r.status(), 503);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["type"], "error");
}

#[tokio::test]
async fn a_stream_broken_after_the_first_byte_ends_with_an_error_event() {
    for (name, behavior) in [
        ("cut", Behavior::CutAfterEvents(5)),
        ("idle", Behavior::StallAfterEvents(5, Duration::from_secs(30))),
        ("in-band", Behavior::InBandError),
    ] {
        let a = MockUpstream::start().await;
        let b = MockUpstream::start().await;
        a.push(behavior);
        let mut s =
            Stack::start(FAST, vec![channel("a", "anthropic", &a.url(), 10), channel("b", "anthropic", &b.url(), 1)])
                .await;
        let started = std::time::Instant::now();
        let r = s.post("/v1/messages", &anthropic_body(true)).await;
        assert_eq!(r.status(), 200, "{name}");
        let text = body_text(r).await;
        assert!(started.elapsed() < Duration::from_secs(10), "{name}: a stalled stream held the client");
        assert!(text.contains("event: error"), "{name}: {text}");
        assert!(!text.contains("event: message_stop"), "{name}: a broken stream must not end cleanly");
        assert_eq!(b.hits(), 0, "{name}: no failover after the first byte");
        let recs = s.records().await;
        assert!(!recs[0].success, "{name}");
        assert!(recs[0].error.is_some(), "{name}");
    }
}

#[tokio::test]
async fn breaker_opens_then_heals_by_itself() {
    let a = MockUpstream::start().await;
    let b = MockUpstream::start().await;
    for _ in 0..3 {
        a.push(Behavior::status(500));
    }
    let s =
        Stack::start(FAST, vec![channel("a", "anthropic", &a.url(), 10), channel("b", "anthropic", &b.url(), 1)]).await;
    for _ in 0..3 {
        let r = s.post("/v1/messages", &anthropic_body(false)).await;
        assert_eq!(r.headers()["x-channel-name"], "b");
    }
    // Open: a is skipped entirely, and the store shows rate_limited.
    let r = s.post("/v1/messages", &anthropic_body(false)).await;
    assert_eq!(r.headers()["x-routex-attempts"], "1");
    assert_eq!(a.hits(), 3);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(s.engine.find_channel("a").unwrap().status, routex::engine::Status::RateLimited);
    // After open_s, one trial; it succeeds; the channel is enabled again.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let r = s.post("/v1/messages", &anthropic_body(false)).await;
    assert_eq!(r.headers()["x-channel-name"], "a");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(s.engine.find_channel("a").unwrap().status, routex::engine::Status::Enabled);
}

#[tokio::test]
async fn pooled_key_on_429_cools_down_while_others_carry_on() {
    let a = MockUpstream::start().await;
    a.push(Behavior::RateLimited { retry_after_s: 60 });
    let mut spec = channel("a", "anthropic", &a.url(), 0);
    spec.api_key = None;
    spec.api_keys = vec!["sk-key-one-000000000".into(), "sk-key-two-000000000".into()];
    let s = Stack::start(FAST, vec![spec]).await;
    let r = s.post("/v1/messages", &anthropic_body(false)).await;
    assert_eq!(r.status(), 429, "one channel: the 429 goes back to the client");
    assert_eq!(r.headers()["retry-after"], "60");
    for _ in 0..4 {
        assert_eq!(s.post("/v1/messages", &anthropic_body(false)).await.status(), 200);
    }
    let keys: Vec<String> = a.requests().iter().map(|r| r.header("x-api-key").unwrap().to_string()).collect();
    let cooled = &keys[0];
    assert!(keys[1..].iter().all(|k| k != cooled), "the cooled key was used again: {keys:?}");
}

#[tokio::test]
async fn sessions_stick_and_re_stick_when_their_channel_dies() {
    let a = MockUpstream::start().await;
    let b = MockUpstream::start().await;
    let cfg = format!("{FAST}load_balancer: {{ strategy: round_robin }}\n");
    let s =
        Stack::start(&cfg, vec![channel("a", "anthropic", &a.url(), 0), channel("b", "anthropic", &b.url(), 0)]).await;
    let send = |sess: &'static str| {
        let req =
            s.http.post(format!("{}/v1/messages", s.url)).header("x-session-id", sess).json(&anthropic_body(false));
        async move { req.send().await.unwrap().headers()["x-channel-name"].to_str().unwrap().to_string() }
    };
    let first = send("s1").await;
    for _ in 0..5 {
        assert_eq!(send("s1").await, first, "round robin must not move a sticky session");
    }
    // Claude Code's metadata.user_id (JSON string form) is a session too.
    let mut body = anthropic_body(false);
    body["metadata"] = serde_json::json!({"user_id": "{\"session_id\":\"cc-42\"}"});
    let pick = |b: serde_json::Value| {
        let req = s.http.post(format!("{}/v1/messages", s.url)).json(&b);
        async move { req.send().await.unwrap().headers()["x-channel-name"].to_str().unwrap().to_string() }
    };
    let cc = pick(body.clone()).await;
    for _ in 0..3 {
        assert_eq!(pick(body.clone()).await, cc);
    }
    // Kill the sticky channel's upstream: the session moves and stays moved.
    let (dead, alive) = if first == "a" { (&a, "b") } else { (&b, "a") };
    dead.shutdown();
    assert_eq!(send("s1").await, alive);
    assert_eq!(send("s1").await, alive);
}

#[tokio::test]
async fn bad_requests_get_the_clients_error_shape() {
    let up = MockUpstream::start().await;
    let cfg = "server: { body_limit_mb: 1 }\n";
    let mut only_claude = channel("a", "anthropic", &up.url(), 0);
    only_claude.models = vec!["claude-*".into()];
    let s = Stack::start(cfg, vec![only_claude]).await;
    let raw = |path: &str, body: Vec<u8>| {
        let req = s.http.post(format!("{}{path}", s.url)).header("content-type", "application/json").body(body);
        async move {
            let r = req.send().await.unwrap();
            (r.status().as_u16(), r.json::<serde_json::Value>().await.unwrap())
        }
    };
    let (st, v) = raw("/v1/messages", b"{not json".to_vec()).await;
    assert_eq!(st, 400);
    assert_eq!(v["type"], "error");
    assert_eq!(v["error"]["type"], "invalid_request_error");
    let (st, v) = raw("/v1/chat/completions", b"{not json".to_vec()).await;
    assert_eq!(st, 400);
    assert_eq!(v["error"]["type"], "invalid_request_error");
    assert!(v["error"]["param"].is_null() && v["error"]["code"].is_null());
    let (st, v) = raw("/v1/messages", vec![b' '; 2 * 1024 * 1024]).await;
    assert_eq!(st, 413);
    assert_eq!(v["error"]["type"], "request_too_large");
    let (st, v) =
        raw("/v1/messages", serde_json::to_vec(&serde_json::json!({"model": "nope", "messages": []})).unwrap()).await;
    assert_eq!(st, 404);
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(msg.contains("\"nope\"") && msg.contains("available: claude-*"), "{msg}");
    // A proxied endpoint with the wrong method: 405 in the endpoint's protocol.
    let r = s.http.get(format!("{}/v1/messages", s.url)).send().await.unwrap();
    assert_eq!(r.status(), 405);
    assert_eq!(r.headers()["allow"], "POST");
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["type"], "error");
    assert!(v["error"]["message"].as_str().unwrap().contains("takes POST"), "{v}");
    let r = s.http.get(format!("{}/chat/completions", s.url)).send().await.unwrap();
    assert_eq!(r.status(), 405);
    let v: serde_json::Value = r.json().await.unwrap();
    assert!(v["error"]["param"].is_null(), "OpenAI's error shape: {v}");
    assert_eq!(up.hits(), 0);
}

#[tokio::test]
async fn client_keys_guard_the_proxy() {
    let up = MockUpstream::start().await;
    let s = Stack::start("server: { client_keys: [ck-123] }\n", vec![channel("a", "anthropic", &up.url(), 0)]).await;
    let r = s.post("/v1/messages", &anthropic_body(false)).await;
    assert_eq!(r.status(), 401);
    let r = s
        .http
        .post(format!("{}/v1/messages", s.url))
        .header("x-api-key", "ck-123")
        .json(&anthropic_body(false))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = s
        .http
        .post(format!("{}/v1/chat/completions", s.url))
        .bearer_auth("ck-123")
        .json(&openai_body(false))
        .send()
        .await
        .unwrap();
    assert_ne!(r.status(), 401);
}

#[tokio::test]
async fn models_lists_concrete_models_in_both_shapes() {
    let up = MockUpstream::start().await;
    let mut a = channel("a", "anthropic", &up.url(), 0);
    a.models = vec!["claude-sonnet-4".into(), "claude-*".into()];
    let mut o = channel("o", "openai", &up.url(), 0);
    o.models = vec!["gpt-4o".into()];
    let s = Stack::start("", vec![a, o]).await;
    let v: serde_json::Value = s.http.get(format!("{}/v1/models", s.url)).send().await.unwrap().json().await.unwrap();
    assert_eq!(v["object"], "list");
    let ids: Vec<&str> = v["data"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec!["claude-sonnet-4", "gpt-4o"]);
    let v: serde_json::Value = s
        .http
        .get(format!("{}/v1/models", s.url))
        .header("anthropic-version", "2023-06-01")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["data"][0]["type"], "model");
    assert_eq!(v["has_more"], false);
}

#[tokio::test]
async fn the_client_going_away_cancels_the_upstream() {
    let up = MockUpstream::start().await;
    up.push(Behavior::SlowChunks { count: 50, every: Duration::from_millis(100) });
    let mut s = Stack::start(FAST, vec![channel("a", "anthropic", &up.url(), 0)]).await;
    let mut r = s.post("/v1/messages", &anthropic_body(true)).await;
    let _ = r.chunk().await.unwrap();
    drop(r);
    let recs = s.records().await;
    assert_eq!(recs[0].status, 499, "{:?}", recs[0]);
    assert!(recs[0].latency_ms < 3000, "the relay kept going after the client left: {}", recs[0].latency_ms);
}

#[tokio::test]
async fn a_stream_that_trickles_past_the_idle_timeout_is_not_cut() {
    // 8 pieces 400 ms apart: 3 s in all against a 1 s idle timeout, never idle for 1 s.
    let up = MockUpstream::start().await;
    up.push(Behavior::SlowChunks { count: 8, every: Duration::from_millis(400) });
    let mut s = Stack::start(FAST, vec![channel("a", "anthropic", &up.url(), 0)]).await;
    let text = body_text(s.post("/v1/messages", &anthropic_body(true)).await).await;
    assert!(text.trim_end().ends_with("data: {\"type\":\"message_stop\"}"), "{text}");
    assert!(!text.contains("event: error"), "{text}");
    let recs = s.records().await;
    assert!(recs[0].success, "{:?}", recs[0]);
    assert!(recs[0].latency_ms >= 2500, "{:?}", recs[0]);
}

#[tokio::test]
async fn openai_client_on_an_anthropic_channel_is_converted() {
    let up = MockUpstream::start().await;
    let s = Stack::start(FAST, vec![channel("a", "anthropic", &up.url(), 0)]).await;
    let v: serde_json::Value = s.post("/v1/chat/completions", &openai_body(false)).await.json().await.unwrap();
    assert_eq!(v["object"], "chat.completion");
    assert_eq!(v["choices"][0]["message"]["content"], mock::DEFAULT_TEXT);
    assert_eq!(up.requests()[0].path, "/v1/messages");
    assert_eq!(up.requests()[0].json()["max_tokens"], 4096);
    let text = body_text(s.post("/v1/chat/completions", &openai_body(true)).await).await;
    assert!(text.contains("chat.completion.chunk") && text.trim_end().ends_with("data: [DONE]"), "{text}");
}
