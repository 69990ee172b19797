//! Request traces over real loopback HTTP: the spans of a failed-over request, an incoming
//! `traceparent` honoured (and passed upstream), the store's bounds and clear, OTLP export
//! to a collector in the test, and `routex trace show` drawing the waterfall.

use prost::Message;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

use crate::support::mock::{Behavior, MockUpstream};
use crate::support::stack::{anthropic_body, channel, Stack};
use crate::support::Home;

/// GET an admin path of the stack: (status, body).
async fn get(s: &Stack, path: &str) -> (u16, Value) {
    let r = s.http.get(format!("{}{path}", s.url)).send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

async fn post(s: &Stack, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut req = s.http.post(format!("{}{path}", s.url));
    req = match body {
        Some(b) => req.json(&b),
        // An empty body still says it is JSON (the browser door refuses other POSTs).
        None => req.header("content-type", "application/json").body(""),
    };
    let r = req.send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

/// One proxied request; its `x-trace-id`.
async fn request(s: &Stack, traceparent: Option<&str>) -> String {
    let mut req = s.http.post(format!("{}/v1/messages", s.url)).json(&anthropic_body(false));
    if let Some(tp) = traceparent {
        req = req.header("traceparent", tp);
    }
    let r = req.send().await.unwrap();
    assert_eq!(r.status(), 200);
    let id = r.headers()["x-trace-id"].to_str().unwrap().to_string();
    r.bytes().await.unwrap();
    id
}

fn spans_named<'a>(t: &'a Value, name: &str) -> Vec<&'a Value> {
    t["spans"].as_array().unwrap().iter().filter(|s| s["name"] == name).collect()
}

/// A failing anthropic channel, then an answering openai one: the mocks and the stack.
async fn failover_stack(config: &str) -> (MockUpstream, MockUpstream, Stack) {
    let bad = MockUpstream::start().await;
    let good = MockUpstream::start().await;
    bad.push(Behavior::status(500));
    let stack = Stack::start(
        config,
        vec![channel("bad", "anthropic", &bad.url(), 10), channel("good", "openai", &good.url(), 1)],
    )
    .await;
    (bad, good, stack)
}

#[tokio::test]
async fn a_failed_over_request_has_both_attempts_with_genai_attributes_and_no_key() {
    let (_bad, _good, s) = failover_stack("").await;
    let trace_id = request(&s, None).await;
    let (status, body) = get(&s, &format!("/api/tracing/traces/{trace_id}")).await;
    assert_eq!(status, 200, "{body}");
    let t = &body["data"];
    assert_eq!(t["traceId"], trace_id.as_str());
    assert_eq!(t["requests"], 1);

    let root = spans_named(t, "proxy.handle");
    assert_eq!(root.len(), 1);
    let root = root[0];
    let root_id = root["spanId"].as_str().unwrap();
    assert!(root.get("parentSpanId").is_none(), "no client parent: {root}");
    assert_eq!(root["kind"], "server");
    assert_eq!(root["status"], "ok");
    let ra = &root["attributes"];
    assert_eq!(ra["gen_ai.operation.name"], "chat");
    assert_eq!(ra["gen_ai.provider.name"], "openai");
    assert_eq!(ra["gen_ai.request.model"], "claude-sonnet-4");
    assert_eq!(ra["http.response.status_code"], 200);
    assert_eq!(ra["routex.attempts"], 2);
    assert_eq!(ra["routex.channel.name"], "good");
    assert!(ra["gen_ai.usage.output_tokens"].as_u64().unwrap() > 0, "{ra}");

    let route = spans_named(t, "route");
    assert_eq!(route.len(), 1);
    assert_eq!(route[0]["parentSpanId"], root_id);

    let fwd = spans_named(t, "proxy.forward");
    assert_eq!(fwd.len(), 2, "{t}");
    let (first, second) = (fwd[0], fwd[1]);
    for f in [first, second] {
        assert_eq!(f["parentSpanId"], root_id);
        assert_eq!(f["traceId"], trace_id.as_str());
        assert_eq!(f["kind"], "client");
        assert_eq!(f["attributes"]["gen_ai.operation.name"], "chat");
    }
    assert_eq!(first["attributes"]["routex.attempt"], 1);
    assert_eq!(first["attributes"]["routex.channel.name"], "bad");
    assert_eq!(first["attributes"]["gen_ai.provider.name"], "anthropic");
    assert_eq!(first["attributes"]["http.response.status_code"], 500);
    assert_eq!(first["attributes"]["error.type"], "status_5xx");
    assert_eq!(first["status"], "error");
    assert!(!first["error"].as_str().unwrap().is_empty(), "{first}");
    assert_eq!(second["attributes"]["routex.attempt"], 2);
    assert_eq!(second["attributes"]["routex.channel.name"], "good");
    assert_eq!(second["attributes"]["gen_ai.provider.name"], "openai");
    assert_eq!(second["attributes"]["http.response.status_code"], 200);
    assert_eq!(second["status"], "ok");
    assert!(second["attributes"]["gen_ai.usage.input_tokens"].as_u64().unwrap() > 0, "{second}");
    assert!(first["startUnixNano"].as_u64() < second["startUnixNano"].as_u64());
    // The pass-through attempt (anthropic to anthropic, nothing changed) has no transform
    // span; any transform belongs to the converting attempt, under the root.
    for tr in spans_named(t, "transform") {
        assert_eq!(tr["attributes"]["routex.attempt"], 2, "{tr}");
        assert_eq!(tr["attributes"]["routex.transform.to"], "openai");
        assert_eq!(tr["parentSpanId"], root_id);
    }
    // Every span id is distinct and a span can be read by its id.
    let ids: std::collections::HashSet<&str> =
        t["spans"].as_array().unwrap().iter().map(|s| s["spanId"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), t["spans"].as_array().unwrap().len());
    let fid = first["spanId"].as_str().unwrap();
    let (st, one) = get(&s, &format!("/api/tracing/spans/{fid}")).await;
    assert_eq!(st, 200);
    assert_eq!(&one["data"], first);

    // No API key anywhere a trace is shown.
    for path in
        [format!("/api/tracing/traces/{trace_id}"), "/api/tracing/traces".to_string(), "/api/tracing/stats".to_string()]
    {
        let (_, v) = get(&s, &path).await;
        let text = v.to_string();
        assert!(!text.contains("key-0000000000"), "a key in {path}: {text}");
    }

    // Unknown ids: 404 in the envelope, with a sentence.
    let (st, v) = get(&s, "/api/tracing/traces/0123456789abcdef0123456789abcdef").await;
    assert_eq!(st, 404);
    assert_eq!(v["success"], false);
    assert_eq!(v["error"]["code"], "not_found");
    assert!(v["error"]["message"].as_str().unwrap().contains("no trace"), "{v}");
    let (st, v) = get(&s, "/api/tracing/spans/00000000000000aa").await;
    assert_eq!((st, &v["error"]["code"]), (404, &json!("not_found")));
}

#[tokio::test]
async fn an_incoming_traceparent_is_honoured_and_passed_upstream() {
    let up = MockUpstream::start().await;
    let s = Stack::start("", vec![channel("only", "anthropic", &up.url(), 1)]).await;
    let trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    let parent = "00f067aa0ba902b7";
    let tp = format!("00-{trace}-{parent}-01");
    let got = request(&s, Some(&tp)).await;
    assert_eq!(got, trace);
    let (_, v) = get(&s, &format!("/api/tracing/traces/{trace}")).await;
    let root = spans_named(&v["data"], "proxy.handle")[0].clone();
    assert_eq!(root["parentSpanId"], parent);
    let ours = root["spanId"].as_str().unwrap();
    let sent = up.requests().last().unwrap().header("traceparent").unwrap().to_string();
    assert_eq!(sent, format!("00-{trace}-{ours}-01"), "the upstream's parent is our span");

    // A second request with the same traceparent joins the same trace.
    request(&s, Some(&tp)).await;
    let (_, v) = get(&s, &format!("/api/tracing/traces/{trace}")).await;
    assert_eq!(v["data"]["requests"], 2);
    assert_eq!(spans_named(&v["data"], "proxy.handle").len(), 2);
    let (_, list) = get(&s, "/api/tracing/traces").await;
    let row = list["data"].as_array().unwrap().iter().find(|r| r["traceId"] == trace).unwrap().clone();
    assert_eq!(row["requests"], 2);
}

#[tokio::test]
async fn the_store_evicts_the_oldest_and_clears_by_age() {
    let up = MockUpstream::start().await;
    let s = Stack::start("tracing:\n  max_traces: 3\n", vec![channel("only", "anthropic", &up.url(), 1)]).await;
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(request(&s, None).await);
    }
    let (_, st) = get(&s, "/api/tracing/stats").await;
    let st = &st["data"];
    assert_eq!(st["requests"], 3, "{st}");
    assert_eq!(st["evicted"], 2, "{st}");
    assert_eq!(st["recorded"], 5);
    assert_eq!(st["maxTraces"], 3);
    assert!(st["bytes"].as_u64().unwrap() > 0);
    assert!(st["oldestMs"].as_u64().unwrap() <= st["newestMs"].as_u64().unwrap());
    let (_, list) = get(&s, "/api/tracing/traces?limit=10").await;
    let listed: Vec<&str> = list["data"].as_array().unwrap().iter().map(|r| r["traceId"].as_str().unwrap()).collect();
    assert_eq!(listed, vec![ids[4].as_str(), ids[3].as_str(), ids[2].as_str()], "newest first");
    let (code, _) = get(&s, &format!("/api/tracing/traces/{}", ids[0])).await;
    assert_eq!(code, 404, "the oldest was evicted");
    let (code, v) = get(&s, "/api/tracing/traces?limit=0").await;
    assert_eq!((code, &v["error"]["code"]), (400, &json!("invalid_request")));

    // Clear by age: the two older traces go, the newest stays.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let newest = request(&s, None).await;
    let (code, v) = post(&s, "/api/tracing/clear", Some(json!({ "olderThanMs": 300 }))).await;
    assert_eq!(code, 200, "{v}");
    assert_eq!(v["data"]["removed"], 2);
    let (_, list) = get(&s, "/api/tracing/traces").await;
    let listed: Vec<&str> = list["data"].as_array().unwrap().iter().map(|r| r["traceId"].as_str().unwrap()).collect();
    assert_eq!(listed, vec![newest.as_str()]);
    let (code, v) = post(&s, "/api/tracing/clear", Some(json!({ "olderThanMs": "soon" }))).await;
    assert_eq!((code, &v["error"]["code"]), (400, &json!("invalid_request")), "{v}");
    // No body: everything.
    let (code, v) = post(&s, "/api/tracing/clear", None).await;
    assert_eq!((code, &v["data"]["removed"]), (200, &json!(1)), "{v}");
    let (_, st) = get(&s, "/api/tracing/stats").await;
    assert_eq!((st["data"]["requests"].clone(), st["data"]["cleared"].clone()), (json!(0), json!(3)));
}

#[tokio::test]
async fn spans_are_exported_over_otlp_http_protobuf() {
    use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
    use opentelemetry_proto::tonic::common::v1::any_value::Value as Av;
    use warp::Filter;

    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(Option<String>, Option<String>, bytes::Bytes)>();
    let collector = warp::post()
        .and(warp::path!("v1" / "traces"))
        .and(warp::header::optional::<String>("content-type"))
        .and(warp::header::optional::<String>("x-collector-key"))
        .and(warp::body::bytes())
        .map(move |ct: Option<String>, key: Option<String>, body: bytes::Bytes| {
            let _ = tx.send((ct, key, body));
            warp::reply()
        });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(warp::serve(collector).incoming(listener).run());

    let config = format!(
        "tracing:\n  otlp:\n    endpoint: http://{addr}/v1/traces\n    headers:\n      x-collector-key: collector-secret\n"
    );
    let (_bad, _good, s) = failover_stack(&config).await;
    let trace_id = request(&s, None).await;

    let deadline = Instant::now() + Duration::from_secs(10);
    let mut found = None;
    while found.is_none() && Instant::now() < deadline {
        let Ok(Some((ct, key, body))) = tokio::time::timeout(Duration::from_secs(5), rx.recv()).await else {
            continue;
        };
        assert_eq!(ct.as_deref(), Some("application/x-protobuf"));
        assert_eq!(key.as_deref(), Some("collector-secret"));
        let req = ExportTraceServiceRequest::decode(body.as_ref()).expect("a valid OTLP protobuf message");
        found = Some(req);
    }
    let req = found.expect("the collector got no export within 10 s");
    let rs = &req.resource_spans[0];
    let service = rs.resource.as_ref().unwrap().attributes.iter().find(|kv| kv.key == "service.name").unwrap();
    assert_eq!(service.value.as_ref().unwrap().value, Some(Av::StringValue("routex".into())));
    let spans = &rs.scope_spans[0].spans;
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    assert!(spans.iter().all(|sp| hex(&sp.trace_id) == trace_id));
    let names: Vec<&str> = spans.iter().map(|sp| sp.name.as_str()).collect();
    assert!(names.contains(&"proxy.handle") && names.contains(&"route"), "{names:?}");
    assert_eq!(names.iter().filter(|n| **n == "proxy.forward").count(), 2, "{names:?}");
    let root = spans.iter().find(|sp| sp.name == "proxy.handle").unwrap();
    for sp in spans.iter().filter(|sp| sp.name != "proxy.handle") {
        assert_eq!(sp.parent_span_id, root.span_id);
    }
    let failed = spans.iter().find(|sp| sp.name == "proxy.forward" && sp.status.as_ref().unwrap().code == 2).unwrap();
    let attr = |k: &str| failed.attributes.iter().find(|kv| kv.key == k).and_then(|kv| kv.value.clone()?.value);
    assert_eq!(attr("gen_ai.provider.name"), Some(Av::StringValue("anthropic".into())));
    assert_eq!(attr("http.response.status_code"), Some(Av::IntValue(500)));
    assert!(failed.end_time_unix_nano >= failed.start_time_unix_nano && failed.start_time_unix_nano > 0);

    // The exporter counts a batch once the collector has answered.
    let deadline = Instant::now() + Duration::from_secs(5);
    let st = loop {
        let (_, st) = get(&s, "/api/tracing/stats").await;
        if st["data"]["export"]["exportedSpans"].as_u64().unwrap() >= 4 || Instant::now() > deadline {
            break st;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let export = &st["data"]["export"];
    assert!(export["exportedSpans"].as_u64().unwrap() >= 4, "{export}");
    assert_eq!(export["batches"], 1, "{export}");
    assert!(!st.to_string().contains("collector-secret"), "the header is a secret: {st}");

    // What is still waiting when the daemon stops is sent before it exits.
    let mut s = s;
    let last = request(&s, None).await;
    s.stop().await;
    let mut got = Vec::new();
    while let Ok((_, _, body)) = rx.try_recv() {
        let req = ExportTraceServiceRequest::decode(body.as_ref()).unwrap();
        for rs in req.resource_spans {
            for ss in rs.scope_spans {
                got.extend(ss.spans.iter().map(|sp| hex(&sp.trace_id)));
            }
        }
    }
    assert!(got.contains(&last), "the last request's spans were not flushed at shutdown: {got:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn trace_show_draws_the_waterfall_of_both_attempts() {
    let (_bad, _good, s) = failover_stack("").await;
    let trace_id = request(&s, None).await;
    let h = Home::new();
    let url = s.url.clone();
    let id = trace_id.clone();
    let out = tokio::task::spawn_blocking(move || h.run(&["--server", &url, "trace", "show", &id]).ok().stdout())
        .await
        .unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with(&format!("trace {trace_id}")), "{out}");
    let handle = lines.iter().find(|l| l.starts_with("proxy.handle")).expect("the root, unindented");
    assert!(handle.contains("│") && handle.contains(" ms") && handle.contains("✓ ok"), "{out}");
    assert!(lines.iter().any(|l| l.starts_with("  route")), "{out}");
    let fwd: Vec<&&str> = lines.iter().filter(|l| l.starts_with("  proxy.forward")).collect();
    assert_eq!(fwd.len(), 2, "{out}");
    assert!(fwd[0].contains("✗ error") && fwd[0].contains("channel bad") && fwd[0].contains("HTTP 500"), "{out}");
    assert!(fwd[1].contains("✓ ok") && fwd[1].contains("channel good"), "{out}");
    assert!(fwd[0].contains('▒') && fwd[1].contains('█'), "failed bars differ: {out}");

    let h = Home::new();
    let url = s.url.clone();
    let id = trace_id.clone();
    let json = tokio::task::spawn_blocking(move || {
        h.run(&["--server", &url, "trace", "show", &id, "--output", "json"]).ok().stdout()
    })
    .await
    .unwrap();
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["traceId"], trace_id.as_str());
    assert_eq!(spans_named(&v, "proxy.forward").len(), 2);

    let h = Home::new();
    let url = s.url.clone();
    let (list, stats, missing) = tokio::task::spawn_blocking(move || {
        (
            h.run(&["--server", &url, "trace", "list"]).ok().stdout(),
            h.run(&["--server", &url, "trace", "stats", "--output", "json"]).ok().stdout(),
            h.run(&["--server", &url, "trace", "show", "0123456789abcdef0123456789abcdef"]),
        )
    })
    .await
    .unwrap();
    assert!(list.contains(&trace_id) && list.contains("claude-sonnet-4"), "{list}");
    let st: Value = serde_json::from_str(&stats).unwrap();
    assert_eq!(st["requests"], 1);
    assert_ne!(missing.code(), 0);
    assert!(missing.stderr().contains("no trace"), "{}", missing.stderr());
}

#[test]
fn trace_commands_without_a_daemon_say_so_and_exit_2() {
    let h = Home::new();
    for args in [vec!["trace", "stats"], vec!["trace", "list"], vec!["trace", "show", "abc"], vec!["trace", "clear"]] {
        let r = h.run(&args);
        assert_eq!(r.code(), 2, "{args:?}: {}", r.stderr());
        assert!(r.stderr().contains("running daemon") && r.stderr().contains("routex serve"), "{}", r.stderr());
        assert!(r.stdout().is_empty());
    }
    let r = h.run(&["trace", "clear", "--older-than", "soon"]);
    assert_eq!(r.code(), 2);
    assert!(r.stderr().contains("--older-than \"soon\" is not a duration"), "{}", r.stderr());
}

#[tokio::test]
async fn a_failing_collector_is_counted_not_retried_and_the_header_stays_secret() {
    use warp::Filter;
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let h2 = hits.clone();
    let collector = warp::post().and(warp::path!("v1" / "traces")).map(move || {
        h2.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        warp::reply::with_status("overloaded", warp::http::StatusCode::SERVICE_UNAVAILABLE)
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(warp::serve(collector).incoming(listener).run());
    let up = MockUpstream::start().await;
    let config = format!("tracing:\n  otlp:\n    endpoint: http://{addr}/v1/traces\n    headers: {{ authorization: Bearer collector-secret }}\n");
    let mut s = Stack::start(&config, vec![channel("only", "anthropic", &up.url(), 1)]).await;
    request(&s, None).await;
    request(&s, None).await;
    s.stop().await;
    let st = s.state.proxy.traces().stats();
    let e = st.export.clone().expect("an exporter");
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 1, "one batch, sent once");
    assert_eq!((e.batches, e.failed_batches, e.dropped_requests, e.exported_spans), (0, 1, 2, 0), "{e:?}");
    assert!(e.last_error.as_deref().unwrap().contains("503"), "{e:?}");
    assert_eq!(st.requests, 2, "the store keeps them");
    assert!(!serde_json::to_string(&st).unwrap().contains("collector-secret"));
}
