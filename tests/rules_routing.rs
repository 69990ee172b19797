//! Routing rules through the real proxy, and the rule CLI with and without a daemon.

use crate::support::mock::MockUpstream;
use crate::support::stack::{anthropic_body, channel, Stack};
use crate::support::Home;
use routex::engine::rules::RuleSpec;

fn rule(v: serde_json::Value) -> RuleSpec {
    serde_json::from_value(v).unwrap()
}

#[tokio::test]
async fn a_matching_rule_picks_channel_and_model_and_is_recorded() {
    let main = MockUpstream::start().await;
    let long = MockUpstream::start().await;
    let mut s = Stack::start(
        "",
        vec![channel("main", "anthropic", &main.url(), 10), channel("long", "anthropic", &long.url(), 0)],
    )
    .await;
    s.engine
        .add_rule(&rule(serde_json::json!({"name": "long-ctx", "type": "longContext", "condition": {"tokenThreshold": 2000}, "targetChannel": "long", "targetModel": "claude-big"})))
        .unwrap();
    // Small prompt: no rule, the balancer picks the priority channel.
    let r = s.post("/v1/messages", &anthropic_body(false)).await;
    assert_eq!(r.headers()["x-channel-name"], "main");
    assert!(r.headers().get("x-routing-rule").is_none());
    // Long prompt: the rule decides.
    let mut big = anthropic_body(false);
    big["messages"][0]["content"] = serde_json::Value::String("lorem ipsum dolor sit amet ".repeat(800));
    let r = s.post("/v1/messages", &big).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["x-channel-name"], "long");
    assert_eq!(r.headers()["x-routing-rule"], "long-ctx");
    assert_eq!(long.requests()[0].json()["model"], "claude-big", "targetModel rewrites what the upstream gets");
    let recs = s.records().await;
    assert_eq!(recs[1].rule.as_deref(), Some("long-ctx"));
    // Why, in words (the dashboard's request detail shows it): the estimate against the threshold.
    let why = recs[1].rule_reason.as_deref().unwrap_or_default();
    assert!(why.contains("≥ 2,000"), "{why:?}");
    assert_eq!(recs[0].rule_reason, None);
    assert_eq!(recs[1].model, "claude-sonnet-4");
    assert_eq!(recs[1].upstream_model.as_deref(), Some("claude-big"));
    assert_eq!(recs[0].rule, None);
}

#[tokio::test]
async fn an_unavailable_target_falls_through_to_the_next_rule_then_the_balancer() {
    let a = MockUpstream::start().await;
    let b = MockUpstream::start().await;
    let s =
        Stack::start("", vec![channel("a", "anthropic", &a.url(), 10), channel("b", "anthropic", &b.url(), 0)]).await;
    s.engine.add_rule(&rule(serde_json::json!({"name": "first", "type": "model", "priority": 5, "condition": {"model": "claude-*"}, "targetChannel": "b"}))).unwrap();
    s.engine.add_rule(&rule(serde_json::json!({"name": "second", "type": "keywords", "condition": {"keywords": ["HELLO"]}, "targetChannel": "a", "targetModel": "m2"}))).unwrap();
    let r = s.post("/v1/messages", &anthropic_body(false)).await;
    assert_eq!(r.headers()["x-routing-rule"], "first");
    assert_eq!(r.headers()["x-channel-name"], "b");
    s.engine.set_status("b", routex::engine::Status::Disabled).unwrap();
    let r = s.post("/v1/messages", &anthropic_body(false)).await;
    assert_eq!(r.headers()["x-routing-rule"], "second", "keywords are case-insensitive");
    assert_eq!(r.headers()["x-channel-name"], "a");
    s.engine.set_rule_enabled("second", false).unwrap();
    let r = s.post("/v1/messages", &anthropic_body(false)).await;
    assert!(r.headers().get("x-routing-rule").is_none());
    assert_eq!(r.headers()["x-channel-name"], "a");
}

#[tokio::test]
async fn a_subagent_tag_routes_and_is_stripped_before_forwarding() {
    let main = MockUpstream::start().await;
    let sub = MockUpstream::start().await;
    let s = Stack::start(
        "",
        vec![channel("main", "anthropic", &main.url(), 10), channel("sub", "anthropic", &sub.url(), 0)],
    )
    .await;
    s.engine.add_rule(&rule(serde_json::json!({"name": "agents", "type": "subagent"}))).unwrap();
    let mut body = anthropic_body(false);
    body["system"] = serde_json::json!([{"type": "text", "text": "You are a helper. <routex-model>sub,claude-small</routex-model>"}]);
    let r = s.post("/v1/messages", &body).await;
    assert_eq!(r.headers()["x-channel-name"], "sub");
    assert_eq!(r.headers()["x-routing-rule"], "agents");
    let got = sub.requests()[0].json();
    assert_eq!(got["model"], "claude-small");
    let system = got["system"].to_string();
    assert!(!system.contains("routex-model"), "the tag reached the upstream: {system}");
    assert!(system.contains("You are a helper."));
}

#[test]
fn rule_commands_and_dry_run_agree_with_and_without_daemon() {
    let h = Home::new();
    h.run(&["channel", "add", "--name", "claude", "--type", "anthropic", "--models", "claude-*", "--priority", "10"])
        .ok();
    h.run(&["channel", "add", "--name", "cheap", "--type", "openai", "--models", "gpt-4o-mini"]).ok();
    h.run(&[
        "rule",
        "add",
        "--name",
        "bg",
        "--type",
        "background",
        "--target-channel",
        "cheap",
        "--target-model",
        "gpt-4o-mini",
    ])
    .ok();
    h.run(&[
        "rule",
        "add",
        "--name",
        "long",
        "--type",
        "longContext",
        "--token-threshold",
        "60000",
        "--target-channel",
        "claude",
        "--priority",
        "5",
    ])
    .ok();
    let bad = h.run(&["rule", "add", "--name", "x", "--type", "longContext", "--target-channel", "claude"]);
    assert_eq!(bad.code(), 2);
    assert!(bad.stderr().contains("tokenThreshold is required"), "{}", bad.stderr());
    let bad = h.run(&["rule", "add", "--name", "y", "--type", "model", "--model", "x*", "--target-channel", "ghost"]);
    assert_eq!(bad.code(), 2);
    assert!(bad.stderr().contains("names no channel: \"ghost\""), "{}", bad.stderr());
    let req = h.path().join("req.json");
    std::fs::write(
        &req,
        r#"{"model":"claude-3-5-haiku-latest","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}"#,
    )
    .unwrap();
    let cmds: Vec<Vec<&str>> = vec![
        vec!["rule", "list"],
        vec!["rule", "list", "--output", "json"],
        vec!["rule", "test", "--request", req.to_str().unwrap()],
    ];
    let local: Vec<String> = cmds.iter().map(|c| h.run(c).ok().stdout()).collect();
    let test = &local[2];
    assert!(test.contains("✗ long") && test.contains(" < 60,000") && !test.contains('~'), "{test}");
    assert!(test.contains("✓ bg") && test.contains("→ channel cheap, model gpt-4o-mini, via rule \"bg\""), "{test}");
    let _d = h.serve(&[]);
    let remote: Vec<String> = cmds.iter().map(|c| h.run(c).ok().stdout()).collect();
    assert_eq!(local, remote);
    h.run(&["rule", "disable", "bg"]).ok();
    let after = h.run(&["rule", "test", "--request", req.to_str().unwrap(), "--output", "json"]).ok().stdout();
    let v: serde_json::Value = serde_json::from_str(&after).unwrap();
    assert_eq!(v["rule"], serde_json::Value::Null);
    assert_eq!(v["channel"], "claude", "no rule: the balancer's priority channel");
}

#[tokio::test]
async fn a_channels_transformers_change_what_the_upstream_gets() {
    let up = MockUpstream::start().await;
    let mut spec = channel("capped", "anthropic", &up.url(), 0);
    spec.transformers = Some(serde_json::json!({"use": [["maxtoken", {"max_tokens": 32}], "cleancache"]}));
    let s = Stack::start("", vec![spec]).await;
    let mut body = anthropic_body(false);
    body["max_tokens"] = serde_json::json!(4096);
    body["system"] = serde_json::json!([{"type": "text", "text": "sys", "cache_control": {"type": "ephemeral"}}]);
    let r = s.post("/v1/messages", &body).await;
    assert_eq!(r.status(), 200);
    let got = up.requests()[0].json();
    assert_eq!(got["max_tokens"], 32);
    assert!(got["system"][0].get("cache_control").is_none(), "{got}");
    // Streams still end properly through the pipeline.
    let text = s.post("/v1/messages", &anthropic_body(true)).await.text().await.unwrap();
    assert!(text.contains("event: message_stop"), "{text}");
    // Unknown transformer names are rejected when the channel is saved.
    let mut bad = channel("bad", "anthropic", &up.url(), 0);
    bad.transformers = Some(serde_json::json!({"use": ["maxtokens"]}));
    let err = s.engine.add_channel(&bad).unwrap_err().to_string();
    assert!(err.contains("transformers") && err.contains("unknown transformer \"maxtokens\""), "{err}");
    // The admin API lists and tests transformers.
    let list: serde_json::Value =
        s.http.get(format!("{}/api/transformers", s.url)).send().await.unwrap().json().await.unwrap();
    assert!(list["data"].as_array().unwrap().iter().any(|t| t["name"] == "enhancetool"));
    let tested: serde_json::Value = s
        .http
        .post(format!("{}/api/transformers/test", s.url))
        .json(&serde_json::json!({"transformer": ["maxtoken", {"max_tokens": 10}], "request": {"model": "m", "max_tokens": 500}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(tested["data"]["max_tokens"], 10, "{tested}");
}
