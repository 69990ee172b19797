//! `routex test` and `POST /api/channels/:id/test`: one real one-token request per channel,
//! ✓ with the model that answered, ✗ with the cause and the fix in words; the same results
//! from the local store and through the daemon; exit 1 when any channel fails.

use crate::support::mock::{Behavior, MockUpstream};
use crate::support::Home;

fn add(h: &Home, name: &str, kind: &str, base: &str, models: &str) {
    h.run(&[
        "channel",
        "add",
        "--name",
        name,
        "--type",
        kind,
        "--models",
        models,
        "--base-url",
        base,
        "--api-key",
        &format!("sk-{name}-0123456789abcdef"),
    ])
    .ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn routex_test_says_what_works_and_how_to_fix_what_does_not() {
    let anthropic = MockUpstream::start().await;
    let openai = MockUpstream::start().await;
    let gemini = MockUpstream::start().await;
    let refused = MockUpstream::start().await;
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_url = format!("http://{}", dead.local_addr().unwrap());
    drop(dead);
    let h = Home::new();
    add(&h, "claude", "anthropic", &anthropic.url(), "claude-haiku-4-5,claude-*");
    add(&h, "gpt", "openai", &format!("{}/v1", openai.url()), "gpt-4o-mini");
    add(&h, "gem", "gemini", &gemini.url(), "*");
    add(&h, "badkey", "anthropic", &refused.url(), "claude-*");
    add(&h, "down", "anthropic", &dead_url, "claude-*");
    h.run(&["channel", "disable", "down"]).ok();

    // The enabled ones by default; the key refused is a ✗ with its fix; exit 1.
    refused.set_default(Behavior::Status {
        status: 401,
        body: r#"{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}"#.into(),
        headers: vec![],
    });
    let r = h.run(&["test", "--output", "json"]);
    assert_eq!(r.code(), 1, "{}", r.stderr());
    let v: serde_json::Value = serde_json::from_str(&r.stdout()).unwrap();
    let by = |name: &str| v.as_array().unwrap().iter().find(|t| t["channel"] == name).cloned();
    assert!(by("down").is_none(), "a disabled channel is not tested by default: {v}");
    for name in ["claude", "gpt", "gem"] {
        let t = by(name).unwrap();
        assert_eq!((t["ok"].as_bool(), t["status"].as_u64()), (Some(true), Some(200)), "{t}");
        assert!(t["error"].is_null() && t["answered_model"].is_string(), "{t}");
    }
    assert_eq!(by("claude").unwrap()["model"], "claude-haiku-4-5", "the first model without a wildcard");
    let bad = by("badkey").unwrap();
    assert_eq!((bad["ok"].as_bool(), bad["status"].as_u64()), (Some(false), Some(401)));
    assert!(bad["error"].as_str().unwrap().contains("the key was refused (invalid x-api-key)"), "{bad}");
    assert!(bad["fix"].as_str().unwrap().starts_with("routex channel edit badkey --api-key-env"), "{bad}");

    // What the upstreams got: the cheapest request of each protocol, with the key.
    let a = &anthropic.requests()[0];
    assert_eq!((a.path.as_str(), a.json()["max_tokens"].as_u64()), ("/v1/messages", Some(1)));
    assert_eq!(a.header("x-api-key"), Some("sk-claude-0123456789abcdef"));
    let o = &openai.requests()[0];
    assert_eq!((o.path.as_str(), o.json()["max_tokens"].as_u64()), ("/v1/chat/completions", Some(1)));
    let g = &gemini.requests()[0];
    assert!(g.path.contains(":generateContent"), "{}", g.path);
    assert_eq!(g.json()["generationConfig"]["maxOutputTokens"], 1);

    // --all includes the disabled one: nothing listens there.
    let r = h.run(&["test", "--all", "--output", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout()).unwrap();
    let down = v.as_array().unwrap().iter().find(|t| t["channel"] == "down").unwrap().clone();
    assert!(down["error"].as_str().unwrap().contains("connection refused"), "{down}");

    // A table for people, one channel by name, exit 0 when it answers.
    let r = h.run(&["test", "claude"]);
    assert_eq!(r.code(), 0);
    let out = r.stdout();
    assert!(out.contains("claude") && out.contains("✓") && out.contains("1 channel answered"), "{out}");
    let r = h.run(&["test", "badkey"]);
    assert_eq!(r.code(), 1);
    assert!(r.stdout().contains("✗") && r.stdout().contains("the key was refused"), "{}", r.stdout());
    assert_eq!(h.run(&["test", "nosuch"]).code(), 2);

    // Through the daemon: the same results (latency aside), and the API endpoints.
    let local = h.run(&["test", "--output", "json"]).stdout();
    let d = h.serve(&[]);
    let remote = h.run(&["test", "--output", "json"]).stdout();
    let strip = |s: &str| {
        let mut v: serde_json::Value = serde_json::from_str(s).unwrap();
        for t in v.as_array_mut().unwrap() {
            t["latency_ms"] = 0.into();
        }
        v
    };
    assert_eq!(strip(&local), strip(&remote));
    let http = reqwest::Client::new();
    let one: serde_json::Value = http
        .post(format!("{}/api/channels/gpt/test", d.url))
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!((one["success"].as_bool(), one["data"]["ok"].as_bool()), (Some(true), Some(true)), "{one}");
    let all: serde_json::Value = http
        .post(format!("{}/api/channels/test/all", d.url))
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(all["data"].as_array().unwrap().len(), 5, "{all}");
    let enabled: serde_json::Value = http
        .post(format!("{}/api/channels/test/enabled", d.url))
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(enabled["data"].as_array().unwrap().len(), 4, "{enabled}");
    let missing =
        http.post(format!("{}/api/channels/nosuch/test", d.url)).json(&serde_json::json!({})).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    // Keys never appear in the results.
    for text in [&local, &remote, &all.to_string()] {
        assert!(!text.contains("0123456789abcdef"), "a key leaked: {text}");
    }
}
