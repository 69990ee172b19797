//! The browser door: each attack sent as a browser would send it (a foreign `Origin`,
//! `text/plain` and form bodies, a foreign `Host`, a preflight from a foreign origin) at the
//! admin API and at the proxied endpoints, over real HTTP. Refused, in the caller's error
//! shape, with nothing stored and nothing forwarded upstream.

use crate::support::mock::MockUpstream;
use crate::support::stack::{anthropic_body, channel, openai_body, Stack};
use reqwest::header::HeaderMap;

const KEY: &str = "sk-door-key-0000000000";
const EVIL: &str = r#"{"name":"evil","type":"anthropic","base_url":"https://evil.example","api_key":"x","models":["*"],"priority":100}"#;

async fn send(
    s: &Stack,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> (u16, HeaderMap, serde_json::Value) {
    let mut req = s.http.request(method.parse().unwrap(), format!("{}{path}", s.url));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    if let Some(b) = body {
        req = req.body(b.to_string());
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    let h = r.headers().clone();
    let text = r.text().await.unwrap();
    (status, h, serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)))
}

fn channel_names(s: &Stack) -> Vec<String> {
    s.engine.list_channels().iter().map(|c| c.name.clone()).collect()
}

#[tokio::test]
async fn cross_site_forms_cannot_write_the_admin_api() {
    let up = MockUpstream::start().await;
    let s = Stack::start("", vec![channel("main", "anthropic", &up.url(), 0)]).await;
    for ct in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"] {
        // As a browser sends a cross-site "simple request": a foreign Origin, no preflight.
        let (status, _, v) =
            send(&s, "POST", "/api/channels", &[("content-type", ct), ("origin", "https://evil.example")], Some(EVIL))
                .await;
        assert_eq!(status, 403, "{ct}: {v}");
        assert_eq!(v["success"], false);
        assert_eq!(v["error"]["code"], "origin_not_allowed");
        assert!(v["error"]["message"].as_str().unwrap().contains("server.cors_origins"), "{v}");
        // Without an Origin (an old browser): JSON only.
        let (status, _, v) = send(&s, "POST", "/api/channels", &[("content-type", ct)], Some(EVIL)).await;
        assert_eq!(status, 415, "{ct}: {v}");
        assert_eq!(v["error"]["code"], "unsupported_media_type");
        assert!(v["error"]["message"].as_str().unwrap().contains("Content-Type: application/json"), "{v}");
    }
    // A form that only flips a switch, and a strategy change.
    let (status, _, _) = send(
        &s,
        "POST",
        "/api/channels/main/disable",
        &[("content-type", "application/x-www-form-urlencoded"), ("origin", "null")],
        Some(""),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _, _) = send(
        &s,
        "PUT",
        "/api/load-balancer/strategy",
        &[("content-type", "text/plain")],
        Some(r#"{"strategy":"weighted"}"#),
    )
    .await;
    assert_eq!(status, 415);
    assert_eq!(channel_names(&s), vec!["main"], "nothing stored");
    assert_eq!(s.engine.find_channel("main").unwrap().status, routex::engine::Status::Enabled);
    assert_eq!(s.engine.strategy(), routex::engine::Strategy::Priority);

    // The same write with JSON and no Origin (the CLI, curl) still works.
    let (status, _, v) = send(&s, "POST", "/api/channels", &[("content-type", "application/json")], Some(EVIL)).await;
    assert_eq!(status, 201, "{v}");
}

#[tokio::test]
async fn dns_rebinding_gets_no_answer_and_no_keys() {
    let up = MockUpstream::start().await;
    let mut main = channel("main", "anthropic", &up.url(), 0);
    main.api_key = Some(KEY.into());
    let s = Stack::start("", vec![main]).await;
    let port = s.url.rsplit(':').next().unwrap().to_string();
    let evil_host = format!("evil.example:{port}");
    for path in ["/api/channels/export?include_secrets=true", "/api/channels", "/health", "/"] {
        let (status, _, v) = send(&s, "GET", path, &[("host", &evil_host)], None).await;
        assert_eq!(status, 403, "{path}: {v}");
        assert_eq!(v["error"]["code"], "host_not_allowed", "{path}");
        let msg = v["error"]["message"].as_str().unwrap();
        assert!(msg.contains("\"evil.example\"") && msg.contains("server.allowed_hosts"), "{msg}");
        assert!(!v.to_string().contains(KEY));
    }
    // The proxy answers a rebinding page in the client protocol's shape and sends nothing on.
    let body = anthropic_body(false).to_string();
    let (status, _, v) =
        send(&s, "POST", "/v1/messages", &[("host", &evil_host), ("content-type", "application/json")], Some(&body))
            .await;
    assert_eq!(status, 403);
    assert_eq!(v["type"], "error", "{v}");
    assert_eq!(v["error"]["type"], "permission_error", "{v}");
    let (status, _, v) = send(&s, "GET", "/v1/models", &[("host", &evil_host)], None).await;
    assert_eq!(status, 403);
    assert!(v["error"]["message"].as_str().unwrap().contains("allowed_hosts"), "{v}");
    assert_eq!(up.hits(), 0, "a refused request reached the upstream");
    // The names the daemon does answer to.
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}"), format!("[::1]:{port}")] {
        let (status, _, _) = send(&s, "GET", "/health", &[("host", &host)], None).await;
        assert_eq!(status, 200, "{host}");
    }
}

#[tokio::test]
async fn allowed_hosts_widen_the_host_rule() {
    let s = Stack::start("server: { allowed_hosts: [routex.internal] }", vec![]).await;
    let (status, _, _) = send(&s, "GET", "/health", &[("host", "routex.internal:3000")], None).await;
    assert_eq!(status, 200);
    let (status, _, _) = send(&s, "GET", "/health", &[("host", "other.internal:3000")], None).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn keys_in_clear_need_a_token_even_on_loopback() {
    let up = MockUpstream::start().await;
    let mut main = channel("main", "anthropic", &up.url(), 0);
    main.api_key = Some(KEY.into());
    let s = Stack::start("", vec![main]).await;
    for path in [
        "/api/channels/export?include_secrets=true",
        "/api/channels?show_secrets=true",
        "/api/channels/main?show_secrets=true",
    ] {
        let (status, _, v) = send(&s, "GET", path, &[], None).await;
        assert_eq!(status, 403, "{path}: {v}");
        assert_eq!(v["error"]["code"], "secrets_need_token");
        assert!(v["error"]["message"].as_str().unwrap().contains("server.admin_token"), "{v}");
        assert!(!v.to_string().contains(KEY), "{path}");
        // The daemon's local token (what the CLI reads from daemon.json) opens it.
        let bearer = format!("Bearer {}", s.state.local_token.expose());
        let (status, _, v) = send(&s, "GET", path, &[("authorization", &bearer)], None).await;
        assert_eq!(status, 200, "{path}: {v}");
        assert!(v.to_string().contains(KEY), "{path}");
        let (status, _, _) = send(&s, "GET", path, &[("authorization", "Bearer guess")], None).await;
        assert_eq!(status, 403);
    }
    // Masked views stay open without a token.
    let (status, _, v) = send(&s, "GET", "/api/channels/export", &[], None).await;
    assert_eq!(status, 200);
    assert!(!v.to_string().contains(KEY));

    let mut t =
        Stack::start("server: { admin_token: admin-secret-token-1 }", vec![channel("m", "anthropic", &up.url(), 0)])
            .await;
    let (status, _, v) =
        send(&t, "GET", "/api/channels?show_secrets=true", &[("authorization", "Bearer admin-secret-token-1")], None)
            .await;
    assert_eq!(status, 200, "{v}");
    assert!(v.to_string().contains("sk-m-key-0000000000"));
    let (status, _, _) = send(&t, "GET", "/api/channels", &[], None).await;
    assert_eq!(status, 401);
    t.stop().await;
}

#[tokio::test]
async fn the_proxy_refuses_browser_shaped_requests() {
    let up = MockUpstream::start().await;
    let mut s = Stack::start("", vec![channel("main", "anthropic", &up.url(), 0)]).await;
    let a = anthropic_body(false).to_string();
    let o = openai_body(false).to_string();
    for ct in ["text/plain;charset=UTF-8", "application/x-www-form-urlencoded"] {
        let (status, _, v) =
            send(&s, "POST", "/v1/messages", &[("content-type", ct), ("origin", "https://evil.example")], Some(&a))
                .await;
        assert_eq!(status, 403);
        assert_eq!(v["type"], "error");
        assert_eq!(v["error"]["type"], "permission_error");
        let (status, _, v) = send(&s, "POST", "/v1/messages", &[("content-type", ct)], Some(&a)).await;
        assert_eq!(status, 415, "{v}");
        assert_eq!(v["type"], "error");
        assert!(v["error"]["message"].as_str().unwrap().contains("application/json"), "{v}");
        let (status, _, v) = send(&s, "POST", "/v1/chat/completions", &[("content-type", ct)], Some(&o)).await;
        assert_eq!(status, 415);
        assert_eq!(v["error"]["type"], "invalid_request_error", "{v}");
        assert!(v["error"].get("param").is_some(), "OpenAI's shape: {v}");
        let (status, _, _) = send(&s, "POST", "/v1/messages/count_tokens", &[("content-type", ct)], Some(&a)).await;
        assert_eq!(status, 415);
    }
    // A cross-site <img>/<script> GET carries no Origin but says where it came from.
    let (status, _, _) = send(&s, "GET", "/v1/models", &[("sec-fetch-site", "cross-site")], None).await;
    assert_eq!(status, 403);
    assert_eq!(up.hits(), 0, "a refused request reached the upstream");
    assert!(s.records().await.is_empty(), "refused requests are not proxied, so not recorded");
}

#[tokio::test]
async fn preflights_from_foreign_origins_are_refused_and_listed_ones_get_cors() {
    let up = MockUpstream::start().await;
    let s = Stack::start(
        "server: { cors_origins: ['http://localhost:5173'] }",
        vec![channel("main", "anthropic", &up.url(), 0)],
    )
    .await;
    let preflight = |origin: &'static str| {
        [
            ("origin", origin),
            ("access-control-request-method", "POST"),
            ("access-control-request-headers", "content-type,x-api-key"),
        ]
    };
    for path in ["/api/channels", "/v1/messages"] {
        let (status, h, _) = send(&s, "OPTIONS", path, &preflight("https://evil.example"), None).await;
        assert_eq!(status, 403, "{path}");
        assert!(h.get("access-control-allow-origin").is_none(), "{path}");
        let (status, h, _) = send(&s, "OPTIONS", path, &preflight("http://localhost:5173"), None).await;
        assert_eq!(status, 204, "{path}");
        assert_eq!(h["access-control-allow-origin"], "http://localhost:5173");
        assert_eq!(h["access-control-allow-headers"], "content-type,x-api-key");
        assert!(h["access-control-allow-methods"].to_str().unwrap().contains("POST"));
    }
    let body = anthropic_body(false).to_string();
    let (status, h, v) = send(
        &s,
        "POST",
        "/v1/messages",
        &[("origin", "http://localhost:5173"), ("content-type", "application/json")],
        Some(&body),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(h["access-control-allow-origin"], "http://localhost:5173");
    assert!(h["access-control-expose-headers"].to_str().unwrap().contains("x-request-id"));
    assert_eq!(up.hits(), 1, "only the listed origin's request went upstream");
    // Another port of localhost is another origin.
    let (status, h, _) = send(
        &s,
        "POST",
        "/v1/messages",
        &[("origin", "http://localhost:8080"), ("content-type", "application/json")],
        Some(&body),
    )
    .await;
    assert_eq!(status, 403);
    assert!(h.get("access-control-allow-origin").is_none());
    assert_eq!(up.hits(), 1);
}

#[tokio::test]
async fn the_daemons_own_origin_is_served_without_cors_headers() {
    let s = Stack::start("", vec![]).await;
    let own = s.url.clone();
    let mut headers = vec![("origin", own.as_str()), ("content-type", "application/json")];
    let (status, h, v) = send(
        &s,
        "POST",
        "/api/channels",
        &headers,
        Some(r#"{"name":"own","type":"openai","models":["gpt-*"],"api_key":"sk-own-0000000000001"}"#),
    )
    .await;
    assert_eq!(status, 201, "{v}");
    assert!(h.get("access-control-allow-origin").is_none());
    headers.push(("sec-fetch-site", "same-origin"));
    let (status, _, _) = send(&s, "GET", "/api/channels", &headers, None).await;
    assert_eq!(status, 200);
}
