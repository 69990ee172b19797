//! The admin API without a socket (warp::test), envelope and auth included.

use routex::daemon::{admin, AppState};
use routex::engine::config::Config;
use routex::engine::Engine;
use routex::secret::Secret;
use routex::store::Store;
use std::sync::Arc;

fn state(token: Option<&str>) -> Arc<AppState> {
    let engine = Arc::new(Engine::with_store(Store::temporary().unwrap()).unwrap());
    let mut cfg = Config::default();
    cfg.server.admin_token = token.map(Secret::new);
    AppState::new(engine, cfg, std::env::temp_dir(), routex::engine::records::Recorder::disabled())
}

fn json(r: &warp::http::Response<bytes::Bytes>) -> serde_json::Value {
    serde_json::from_slice(r.body()).unwrap()
}

#[tokio::test]
async fn channel_crud_through_the_envelope() {
    let routes = admin::routes(state(None));
    let body = r#"{"name":"m","type":"anthropic","models":["claude-*"],"api_key":"sk-ant-secret-0000000000001234"}"#;
    let r = warp::test::request().method("POST").path("/api/channels").body(body).reply(&routes).await;
    assert_eq!(r.status(), 201);
    let v = json(&r);
    assert_eq!(v["success"], true);
    assert_eq!(v["data"]["api_keys"][0], "sk-ant-…1234");
    let id = v["data"]["id"].as_str().unwrap().to_string();

    let r = warp::test::request().method("POST").path("/api/channels").body(body).reply(&routes).await;
    assert_eq!(r.status(), 409);
    assert_eq!(json(&r)["error"]["code"], "conflict");

    let r = warp::test::request()
        .method("PUT")
        .path(&format!("/api/channels/{id}"))
        .body(r#"{"priority":3}"#)
        .reply(&routes)
        .await;
    assert_eq!(json(&r)["data"]["priority"], 3);

    let r = warp::test::request().method("PUT").path("/api/channels/m").body(r#"{"prioritee":3}"#).reply(&routes).await;
    assert_eq!(r.status(), 400);
    assert!(json(&r)["error"]["message"].as_str().unwrap().contains("prioritee"));

    let r = warp::test::request().method("POST").path("/api/channels").body("{not json").reply(&routes).await;
    assert_eq!(r.status(), 400);
    assert_eq!(json(&r)["success"], false);
    assert!(json(&r)["error"]["message"].as_str().unwrap().starts_with("invalid JSON body"));

    let r = warp::test::request().method("POST").path("/api/channels/m/disable").reply(&routes).await;
    assert_eq!(json(&r)["data"]["status"], "disabled");

    let r = warp::test::request().method("DELETE").path("/api/channels/m").reply(&routes).await;
    assert_eq!(r.status(), 200);
    let r = warp::test::request().path("/api/channels/m").reply(&routes).await;
    assert_eq!(r.status(), 404);
    assert_eq!(json(&r)["error"]["code"], "not_found");
}

#[tokio::test]
async fn unknown_routes_and_methods_use_the_envelope() {
    let routes = admin::routes(state(None));
    let r = warp::test::request().path("/api/nope").reply(&routes).await;
    assert_eq!(r.status(), 404);
    assert_eq!(json(&r)["error"]["code"], "not_found");
    let r = warp::test::request().method("HEAD").path("/").reply(&routes).await;
    assert_eq!(r.status(), 200);
    let r = warp::test::request().path("/health/live").reply(&routes).await;
    assert_eq!(json(&r)["data"]["status"], "alive");
    let r = warp::test::request().path("/health/detailed").reply(&routes).await;
    assert_eq!(r.status(), 200);
    assert_eq!(json(&r)["data"]["store"]["ok"], true);
    // Lost records are visible (this state records nothing, so it has lost nothing).
    assert_eq!(json(&r)["data"]["request_log"], serde_json::json!({"enabled": false, "dropped": 0}));
    let r = warp::test::request()
        .method("PUT")
        .path("/api/load-balancer/strategy")
        .body(r#"{"strategy":"latency"}"#)
        .reply(&routes)
        .await;
    assert_eq!(json(&r)["data"]["strategy"], "latency");
    let r = warp::test::request()
        .method("PUT")
        .path("/api/load-balancer/strategy")
        .body(r#"{"strategy":"nope"}"#)
        .reply(&routes)
        .await;
    assert_eq!(r.status(), 400);
    assert!(json(&r)["error"]["message"].as_str().unwrap().contains("round_robin"));
}

#[tokio::test]
async fn admin_token_guards_the_api_but_not_health() {
    let routes = admin::routes(state(Some("tok-123")));
    let r = warp::test::request().path("/api/channels").reply(&routes).await;
    assert_eq!(r.status(), 401);
    assert_eq!(json(&r)["error"]["code"], "unauthorized");
    assert!(json(&r)["error"]["message"].as_str().unwrap().contains("requires an admin token"));
    let r = warp::test::request().path("/api/channels").header("authorization", "Bearer wrong").reply(&routes).await;
    assert_eq!(r.status(), 401);
    // A wrong token is told apart from a missing one.
    let msg = json(&r)["error"]["message"].as_str().unwrap().to_string();
    assert!(msg.contains("the admin token sent is not this daemon's"), "{msg}");
    let r = warp::test::request().path("/api/channels").header("authorization", "Bearer tok-123").reply(&routes).await;
    assert_eq!(r.status(), 200);
    let r = warp::test::request().path("/health").reply(&routes).await;
    assert_eq!(r.status(), 200);
}

async fn post_test(
    routes: &warp::filters::BoxedFilter<(warp::reply::Response,)>,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    let r = warp::test::request().method("POST").path("/api/transformers/test").json(&body).reply(routes).await;
    (r.status().as_u16(), json(&r))
}

#[tokio::test]
async fn transformer_dry_run_of_a_stream() {
    let routes = admin::routes(state(None));
    let delta = |c: &str| serde_json::json!({"id": "c1", "choices": [{"index": 0, "delta": {"content": c}}]});
    // events form: a <think> tag split across chunks comes back as reasoning.
    let (status, v) = post_test(
        &routes,
        serde_json::json!({"transformer": "reasoning", "direction": "stream", "events": [
            {"data": delta("<thi")}, {"data": delta("nk>why</th")}, {"data": delta("ink>so")}, {"data": "[DONE]"}]}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let events = v["data"]["events"].as_array().unwrap();
    let deltas: Vec<&serde_json::Value> = events.iter().map(|e| &e["data"]["choices"][0]["delta"]).collect();
    assert_eq!(*deltas[0], serde_json::json!({"content": ""}));
    assert_eq!(*deltas[1], serde_json::json!({"content": "", "reasoning_content": "why"}));
    assert_eq!(*deltas[2], serde_json::json!({"content": "so"}));
    assert_eq!(events[3], serde_json::json!({"data": "[DONE]"}));
    let sse = v["data"]["sse"].as_str().unwrap();
    assert!(sse.ends_with("data: [DONE]\n\n") && sse.contains(r#""reasoning_content":"why""#), "{sse}");

    // sse form, with event names; a held `<` is released before the end.
    let text = "event: x\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"<\"}}]}\n\ndata: [DONE]\n\n";
    let (status, v) =
        post_test(&routes, serde_json::json!({"transformer": ["reasoning", {}], "direction": "stream", "sse": text}))
            .await;
    assert_eq!(status, 200, "{v}");
    let events = v["data"]["events"].as_array().unwrap();
    assert_eq!(events.len(), 3, "{v}");
    assert_eq!(events[0]["event"], "x");
    assert_eq!(events[0]["data"]["choices"][0]["delta"]["content"], "");
    assert_eq!(events[1]["data"]["choices"][0]["delta"]["content"], "<");
    assert_eq!(events[2]["data"], "[DONE]");

    // The body form still works.
    let (status, v) = post_test(
        &routes,
        serde_json::json!({"transformer": ["maxtoken", {"max_tokens": 10}], "request": {"max_tokens": 99}}),
    )
    .await;
    assert_eq!((status, &v["data"]["max_tokens"]), (200, &serde_json::json!(10)));
}

#[tokio::test]
async fn transformer_dry_run_errors_name_the_field() {
    let routes = admin::routes(state(None));
    let ok_event = serde_json::json!({"data": "[DONE]"});
    for (body, field) in [
        (serde_json::json!({"transformer": "reasoning", "direction": "stream"}), "events:"),
        (serde_json::json!({"transformer": "reasoning", "direction": "stream", "events": []}), "events: empty"),
        (serde_json::json!({"transformer": "reasoning", "direction": "stream", "events": {"data": "x"}}), "events:"),
        (serde_json::json!({"transformer": "reasoning", "direction": "stream", "events": [ok_event, 3]}), "events[1]:"),
        (
            serde_json::json!({"transformer": "reasoning", "direction": "stream", "events": [{"event": "x"}]}),
            "events[0].data",
        ),
        (
            serde_json::json!({"transformer": "reasoning", "direction": "stream", "events": [{"data": "x", "event": 1}]}),
            "events[0].event",
        ),
        (
            serde_json::json!({"transformer": "reasoning", "direction": "stream", "events": [{"data": "x", "id": "1"}]}),
            "events[0].id",
        ),
        (
            serde_json::json!({"transformer": "reasoning", "direction": "stream", "events": [ok_event], "sse": "data: x\n\n"}),
            "events, sse",
        ),
        (serde_json::json!({"transformer": "reasoning", "direction": "stream", "sse": "\n\n"}), "sse:"),
        (
            serde_json::json!({"transformer": "reasoning", "direction": "stream", "request": {}, "events": [ok_event]}),
            "request:",
        ),
        (serde_json::json!({"transformer": "reasoning", "direction": "response", "events": [ok_event]}), "events:"),
        (serde_json::json!({"transformer": "reasoning", "direction": "request"}), "request:"),
        (serde_json::json!({"transformer": "reasoning", "direction": "sideways", "request": {}}), "direction:"),
        (serde_json::json!({"transformer": "reasonin", "direction": "stream", "events": [ok_event]}), "transformer:"),
        (serde_json::json!({"transformer": "reasoning", "direction": "stream", "event": []}), "event"),
    ] {
        let (status, v) = post_test(&routes, body.clone()).await;
        assert_eq!(status, 400, "{body}: {v}");
        assert_eq!(v["success"], false);
        assert_eq!(v["error"]["code"], "invalid_request");
        let msg = v["error"]["message"].as_str().unwrap();
        assert!(msg.contains(field), "{body}: {msg:?} should name {field:?}");
    }
}

#[tokio::test]
async fn requests_tail_follows_the_write_order_with_a_cursor() {
    use routex::engine::records::{self, RequestRecord};
    let st = state(None);
    let routes = admin::routes(st.clone());
    let rec = |id: &str, time_ms: u64| RequestRecord { id: id.into(), time_ms, status: 200, ..Default::default() };
    records::append(st.engine.store(), &[rec("a", 1_000), rec("b", 2_000)]).unwrap();

    // No cursor: nothing, and where the log ends now.
    let r = warp::test::request().path("/api/requests/tail").reply(&routes).await;
    assert_eq!(r.status(), 200);
    let v = json(&r);
    assert_eq!(v["data"]["records"], serde_json::json!([]));
    let cursor = v["data"]["cursor"].as_str().unwrap().to_string();

    // A long request that arrived first but finished last still comes after the cursor.
    records::append(st.engine.store(), &[rec("c", 3_000), rec("late", 500)]).unwrap();
    let r = warp::test::request().path(&format!("/api/requests/tail?cursor={cursor}&limit=10")).reply(&routes).await;
    let v = json(&r);
    let ids: Vec<&str> = v["data"]["records"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["late", "c"]);
    let next = v["data"]["cursor"].as_str().unwrap();
    assert_ne!(next, cursor);

    // From the start ("0"): everything, in write order.
    let r = warp::test::request().path("/api/requests/tail?cursor=0").reply(&routes).await;
    let n = json(&r)["data"]["records"].as_array().unwrap().len();
    assert_eq!(n, 4);

    let r = warp::test::request().path("/api/requests/tail?cursor=yesterday").reply(&routes).await;
    assert_eq!(r.status(), 400);
    assert!(json(&r)["error"]["message"].as_str().unwrap().contains("cursor"), "{:?}", json(&r));
}
