//! The failures users meet that the other suites do not already cover, each with the
//! outcome the client sees and the record it leaves. Covered elsewhere (not repeated):
//! upstream reset and stall before headers, streams cut or stalled before and after the
//! first content, an in-band error event (`proxy.rs`:
//! `every_failover_case_moves_to_the_next_channel`,
//! `a_stream_broken_after_the_first_byte_ends_with_an_error_event`); a body stalled after
//! its first byte, an endless SSE line, a huge body, an HTML 200 (`bounds_upstream.rs`);
//! slowloris headers and bodies, the connection limit (`bounds_conn.rs`).
//!
//! Here: malformed SSE before and after the first content, a 200 whose body is an error,
//! a client that never reads a fast stream (the real daemon process: its RSS stays bounded
//! while the upstream has far more to send), 10 000 requests with bodies just over the
//! limit, and a connection that never sends a byte while the daemon stops.

use crate::support::mock::{Behavior, MockUpstream};
use crate::support::stack::{anthropic_body, channel, openai_body, Stack};
use crate::support::Home;
use futures_util::StreamExt;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

const FAST: &str =
    "server: { first_byte_timeout_s: 2, idle_timeout_s: 1 }\ncircuit_breaker: { failure_threshold: 100, open_s: 1 }\n";

async fn text(r: reqwest::Response) -> String {
    String::from_utf8_lossy(&r.bytes().await.unwrap()).into_owned()
}

fn base(kind: &str, up: &MockUpstream) -> String {
    if kind == "openai" {
        format!("{}/v1", up.url())
    } else {
        up.url()
    }
}

fn request(client: &str, stream: bool) -> (&'static str, serde_json::Value) {
    if client == "openai" {
        ("/v1/chat/completions", openai_body(stream))
    } else {
        ("/v1/messages", anthropic_body(stream))
    }
}

fn anthropic_preamble() -> String {
    concat!(
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",",
        "\"role\":\"assistant\",\"model\":\"m\",\"content\":[],\"stop_reason\":null,",
        "\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}}\n\n",
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,",
        "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
    )
    .to_string()
}

fn anthropic_delta(t: &str) -> String {
    format!(
        "event: content_block_delta\ndata: {{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{{\"type\":\"text_delta\",\"text\":\"{t}\"}}}}\n\n"
    )
}

const ANTHROPIC_END: &str = "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n\
event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":9}}\n\n\
event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

/// Malformed SSE before any content (the mock's `MalformedSse`: a non-SSE line, a truncated
/// JSON event, `{not json}`, control bytes). Converted, the first event that fails to parse
/// fails the attempt over while the client has nothing. Passed through untouched (same
/// protocol: the relay does not parse deltas), the bytes reach the client as they came and
/// the stream, which never ends properly, ends with the protocol's error event.
#[tokio::test]
async fn malformed_sse_before_content_fails_over_when_converted_and_ends_in_an_error_event_when_relayed() {
    for (client, upstream) in [("openai", "anthropic"), ("anthropic", "openai"), ("anthropic", "anthropic")] {
        let name = format!("{client} client, {upstream} channel");
        let bad = MockUpstream::start().await;
        let good = MockUpstream::start().await;
        bad.push(Behavior::MalformedSse);
        let mut s = Stack::start(
            FAST,
            vec![
                channel("bad", upstream, &base(upstream, &bad), 10),
                channel("good", upstream, &base(upstream, &good), 1),
            ],
        )
        .await;
        let (path, body) = request(client, true);
        let r = s.post(path, &body).await;
        assert_eq!(r.status(), 200, "{name}");
        let served_by = r.headers()["x-channel-name"].to_str().unwrap().to_string();
        let t = text(r).await;
        let recs = s.records().await;
        assert_eq!(recs.len(), 1, "{name}");
        let first = recs[0].attempts[0].error.clone().unwrap_or_default();
        if client != upstream {
            assert_eq!(served_by, "good", "{name}");
            assert_eq!(good.hits(), 1, "{name}");
            assert!(t.contains("Hello from"), "{name}: {t}");
            assert!(recs[0].success, "{name}");
            assert!(first.starts_with("upstream sent malformed data: stream event is not JSON"), "{name}: {first}");
        } else {
            assert_eq!(served_by, "bad", "{name}");
            assert_eq!(good.hits(), 0, "{name}");
            assert!(t.starts_with("this is not server-sent events"), "{name}: {t}");
            assert!(t.ends_with(
                "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"the upstream stream ended before its final event\"}}\n\n"
            ), "{name}: {t}");
            assert!(!recs[0].success, "{name}");
            assert_eq!(recs[0].error.as_deref(), Some("the upstream stream ended before its final event"), "{name}");
        }
    }
}

/// A malformed event after the first content reached the client: no failover (the client
/// has bytes); the client keeps what it got and gets the protocol's error event naming
/// the problem, nothing after it; the record is a failure with the same words.
#[tokio::test]
async fn malformed_sse_after_content_ends_the_converted_stream_with_an_error_event() {
    let bad = MockUpstream::start().await;
    let good = MockUpstream::start().await;
    let broken = "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_del\n\n";
    bad.push(Behavior::RawChunks {
        chunks: vec![
            format!("{}{}", anthropic_preamble(), anthropic_delta("Hello")).into_bytes(),
            broken.as_bytes().to_vec(),
            format!("{}{ANTHROPIC_END}", anthropic_delta(" world")).into_bytes(),
        ],
        gap: Duration::from_millis(100),
    });
    let mut s = Stack::start(
        FAST,
        vec![channel("bad", "anthropic", &bad.url(), 10), channel("good", "anthropic", &good.url(), 1)],
    )
    .await;
    let r = s.post("/v1/chat/completions", &openai_body(true)).await;
    assert_eq!(r.status(), 200);
    let t = text(r).await;
    let events: Vec<&str> = t.split("\n\n").filter(|e| !e.is_empty()).collect();
    assert!(events[0].contains("\"content\":\"Hello\""), "{t}");
    let last = events.last().unwrap();
    assert!(
        last.starts_with("data: {\"error\":{\"message\":\"upstream sent malformed data: stream event is not JSON"),
        "{t}"
    );
    assert!(!t.contains("world") && !t.contains("[DONE]"), "nothing after the error event: {t}");
    assert_eq!(good.hits(), 0);
    let recs = s.records().await;
    assert!(!recs[0].success);
    assert!(recs[0].error.as_deref().unwrap().starts_with("upstream sent malformed data"), "{:?}", recs[0].error);
}

/// A 200 whose body is the protocol's error envelope (some gateways answer an overload
/// so): the attempt failed, whether the body would have been passed through untouched or
/// converted, and the next channel answers; the record keeps the upstream's words. With
/// no other channel the client gets a 502 in its own shape naming them.
#[tokio::test]
async fn a_200_whose_body_is_an_error_fails_over_and_is_recorded_as_one() {
    let error = r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#;
    let as_200 = || Behavior::Status {
        status: 200,
        body: error.into(),
        headers: vec![("content-type".into(), "application/json".into())],
    };
    for client in ["anthropic", "openai"] {
        for stream in [false, true] {
            let name = format!("{client} client, stream {stream}");
            let bad = MockUpstream::start().await;
            let good = MockUpstream::start().await;
            bad.push(if stream {
                Behavior::RawStream(format!("event: error\ndata: {error}\n\n").into_bytes())
            } else {
                as_200()
            });
            let mut s = Stack::start(
                FAST,
                vec![channel("bad", "anthropic", &bad.url(), 10), channel("good", "anthropic", &good.url(), 1)],
            )
            .await;
            let (path, body) = request(client, stream);
            let r = s.post(path, &body).await;
            assert_eq!(r.status(), 200, "{name}");
            assert_eq!(r.headers()["x-channel-name"], "good", "{name}");
            let t = text(r).await;
            assert!(t.contains("Hello from") && !t.contains("Overloaded"), "{name}: {t}");
            let recs = s.records().await;
            assert!(recs[0].success, "{name}");
            assert_eq!(recs[0].attempts.len(), 2, "{name}");
            assert_eq!(recs[0].attempts[0].error.as_deref(), Some("in-band overloaded_error: Overloaded"), "{name}");
        }
    }
    let only = MockUpstream::start().await;
    only.push(as_200());
    let mut s = Stack::start(FAST, vec![channel("only", "anthropic", &only.url(), 1)]).await;
    let r = s.post("/v1/messages", &anthropic_body(false)).await;
    assert_eq!(r.status(), 502);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["type"], "error");
    assert!(v["error"]["message"].as_str().unwrap().ends_with("only: in-band overloaded_error: Overloaded"), "{v}");
    let recs = s.records().await;
    assert!(!recs[0].success);
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// An upstream stream of about `mib` MiB: a preamble, 1 KiB text deltas, a clean end.
fn big_anthropic_stream(mib: usize) -> Vec<u8> {
    let piece = "x".repeat(1024);
    let mut s = anthropic_preamble();
    for _ in 0..mib * 1024 {
        s.push_str(&anthropic_delta(&piece));
    }
    s.push_str(ANTHROPIC_END);
    s.into_bytes()
}

/// A client that sends its request and never reads, while the upstream has 64 MiB to
/// stream as fast as it can: the real daemon's RSS stays within 24 MiB of where it was
/// (the relay reads the upstream only when the client can take more; what is in flight
/// sits in the kernel's socket buffers), for a stream passed through and a converted one.
/// When the client goes away the daemon records the stream as abandoned by the client.
#[tokio::test(flavor = "multi_thread")]
async fn a_client_that_never_reads_does_not_grow_the_daemon() {
    let up = MockUpstream::start().await;
    let h = Home::new();
    h.run(&["channel", "add", "--name", "up", "--type", "anthropic", "--models", "*", "--base-url", &up.url()]).ok();
    let d = h.serve(&[]);
    let pid = d.child.id();
    let http = reqwest::Client::new();
    for _ in 0..3 {
        let r = http.post(format!("{}/v1/messages", d.url)).json(&anthropic_body(true)).send().await.unwrap();
        r.bytes().await.unwrap();
    }
    let stream = big_anthropic_stream(64);
    let addr = d.url.trim_start_matches("http://").to_string();
    let mut growth = Vec::new();
    for (path, body) in [request("anthropic", true), request("openai", true)] {
        up.push(Behavior::RawStream(stream.clone()));
        let idle = rss_kib(pid);
        let body = body.to_string();
        let mut c = std::net::TcpStream::connect(&addr).unwrap();
        write!(
            c,
            "POST {path} HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut peak = idle;
        let until = Instant::now() + Duration::from_secs(3);
        while Instant::now() < until {
            peak = peak.max(rss_kib(pid));
            std::thread::sleep(Duration::from_millis(50));
        }
        // The answer is a stream that began: the client could read it if it wanted.
        let mut head = [0u8; 12];
        c.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        c.read_exact(&mut head).unwrap();
        assert_eq!(&head, b"HTTP/1.1 200", "{path}");
        drop(c);
        growth.push((path, idle, peak));
        assert!(peak - idle < 24 * 1024, "{path}: RSS {idle} KiB → {peak} KiB while the client did not read");
    }
    eprintln!("RSS while a client did not read a 64 MiB stream (KiB, idle → peak): {growth:?}");
    // The daemon still answers, and recorded both abandoned streams.
    let r = http.post(format!("{}/v1/messages", d.url)).json(&anthropic_body(false)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    d.stop();
    let out = h.run(&["logs", "--limit", "10", "--output", "json"]).ok().stdout();
    let recs: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(recs.len(), 6, "{out}");
    let abandoned: Vec<&serde_json::Value> = recs.iter().filter(|r| r["success"] == false).collect();
    assert_eq!(abandoned.len(), 2, "{out}");
    for r in abandoned {
        let e = r["error"].as_str().unwrap();
        assert!(e.contains("client"), "{e}");
    }
}

/// 10 000 requests whose bodies are one byte over `server.body_limit_mb` (1 MiB here),
/// 16 at a time: every one gets 413 in its protocol's shape, the daemon keeps serving,
/// nothing reaches the upstream, and the refused requests are recorded at most 20 a second
/// (the rest counted, not stored).
#[tokio::test(flavor = "multi_thread")]
async fn ten_thousand_bodies_just_over_the_limit_get_413_and_the_daemon_keeps_serving() {
    let up = MockUpstream::start().await;
    let mut s = Stack::start("server: { body_limit_mb: 1 }\n", vec![channel("up", "anthropic", &up.url(), 1)]).await;
    let limit = 1024 * 1024;
    let mut body = br#"{"model":"claude-sonnet-4","max_tokens":5,"messages":[{"role":"user","content":""#.to_vec();
    body.resize(limit - 3, b'a');
    body.extend_from_slice(b"\"}]}");
    assert_eq!(body.len(), limit + 1);
    let body = bytes::Bytes::from(body);
    let started = Instant::now();
    let http = reqwest::Client::new();
    let answers: Vec<(u16, String)> = futures_util::stream::iter(0..10_000)
        .map(|i| {
            let (http, body, url) = (http.clone(), body.clone(), s.url.clone());
            async move {
                let path = if i % 2 == 0 { "/v1/messages" } else { "/v1/chat/completions" };
                let r = http
                    .post(format!("{url}{path}"))
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await
                    .unwrap();
                (r.status().as_u16(), text(r).await)
            }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    let took = started.elapsed();
    eprintln!("10 000 over-limit bodies answered in {took:?}");
    let anthropic_413 = answers.iter().filter(|(st, t)| *st == 413 && t.starts_with("{\"type\":\"error\"")).count();
    let openai_413 = answers.iter().filter(|(st, t)| *st == 413 && t.starts_with("{\"error\":{\"message\"")).count();
    assert_eq!((anthropic_413, openai_413), (5_000, 5_000), "first answer: {:?}", answers[0]);
    assert!(answers[0].1.contains("1 MB") || answers[0].1.contains("body_limit_mb"), "{}", answers[0].1);
    assert_eq!(up.hits(), 0);
    let r = s.post("/v1/messages", &anthropic_body(false)).await;
    assert_eq!(r.status(), 200);
    let recs = s.records().await;
    let refused = recs.iter().filter(|r| r.status == 413).count();
    let allowed = 20 * (took.as_secs() as usize + 2);
    assert!(refused >= 1 && refused <= allowed, "{refused} refused records in {took:?}");
    assert_eq!(recs.len(), refused + 1);
}

/// A connection that never sends a byte (an HTTP client's spare connection from a connect
/// race sits idle in its pool like this) does not hold a stopping daemon: SIGTERM stops it
/// in well under the 20 s header timeout, cleanly, with the records of what it served.
/// Before the fix the graceful shutdown waited for that connection's header timeout (the
/// cause of `daemon_records::sigterm_loses_no_record…` taking ~20 s to stop now and then).
#[tokio::test(flavor = "multi_thread")]
async fn a_connection_that_never_sends_does_not_hold_a_stopping_daemon() {
    let up = MockUpstream::start().await;
    let h = Home::new();
    h.run(&["channel", "add", "--name", "up", "--type", "anthropic", "--models", "*", "--base-url", &up.url()]).ok();
    let d = h.serve(&[]);
    let addr = d.url.trim_start_matches("http://").to_string();
    let r = reqwest::Client::new().post(format!("{}/v1/messages", d.url)).json(&anthropic_body(true)).send().await;
    assert_eq!(r.unwrap().status(), 200);
    let silent = std::net::TcpStream::connect(&addr).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    let log = d.stop();
    let took = started.elapsed();
    assert!(log.contains("stopped cleanly"), "{log}");
    assert!(took < Duration::from_secs(5), "SIGTERM took {took:?} with a silent connection open");
    drop(silent);
    let out = h.run(&["logs", "--output", "json"]).ok().stdout();
    let recs: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(recs.len(), 1);
}
