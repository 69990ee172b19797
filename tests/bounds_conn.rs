//! Bounds on what a client can hold: hostile clients over real loopback HTTP (a header or
//! a body trickled, thousands of connections that never finish their request line, bodies
//! that fill the memory budget), and what a user sees while they do it.

use crate::support::mock::MockUpstream;
use crate::support::stack::{anthropic_body, channel, openai_body, Stack};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn addr(s: &Stack) -> String {
    s.url.trim_start_matches("http://").to_string()
}

/// Read until the peer closes or `within` passes: what arrived, and whether it closed.
async fn read_until_closed(c: &mut TcpStream, within: Duration) -> (String, bool) {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, c.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (String::from_utf8_lossy(&got).into_owned(), true),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
            Err(_) => return (String::from_utf8_lossy(&got).into_owned(), false),
        }
    }
}

/// The JSON body of a raw HTTP/1.1 answer (Content-Length framed).
fn json_of(answer: &str) -> serde_json::Value {
    let body = answer.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or_default();
    serde_json::from_str(body).unwrap_or(serde_json::Value::String(body.to_string()))
}

/// Raise this process's soft open-file limit to `want` (or the hard limit).
fn raise_fd_limit(want: u64) -> u64 {
    let mut l = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: valid out-pointer; valid rlimit in.
    unsafe {
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut l);
        if l.rlim_cur < want {
            let raised = libc::rlimit { rlim_cur: want.min(l.rlim_max), rlim_max: l.rlim_max };
            libc::setrlimit(libc::RLIMIT_NOFILE, &raised);
            libc::getrlimit(libc::RLIMIT_NOFILE, &mut l);
        }
    }
    l.rlim_cur
}

/// `n` connections that each send a partial request line and then nothing.
async fn slow_connections(s: &Stack, n: usize) -> Vec<TcpStream> {
    let mut v = Vec::with_capacity(n);
    for _ in 0..n {
        let mut c = TcpStream::connect(addr(s)).await.unwrap();
        c.write_all(b"POST /v1/messages HT").await.unwrap();
        v.push(c);
    }
    v
}

async fn wait_for_connections(s: &Stack, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while s.state.connections.load(std::sync::atomic::Ordering::Relaxed) < n {
        assert!(Instant::now() < deadline, "the daemon never counted {n} connections");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn a_trickled_header_or_silent_connection_is_closed_after_the_header_timeout() {
    let s = Stack::start("server:\n  header_timeout_s: 1\n", vec![]).await;
    let started = Instant::now();
    let mut trickle = TcpStream::connect(addr(&s)).await.unwrap();
    let mut silent = TcpStream::connect(addr(&s)).await.unwrap();
    trickle.write_all(b"GET /health HTTP/1.1\r\nHo").await.unwrap();
    // One more byte per 300 ms: never the end of the header.
    for b in b"st: 127" {
        tokio::time::sleep(Duration::from_millis(300)).await;
        if trickle.write_all(&[*b]).await.is_err() {
            break;
        }
    }
    let (_, closed) = read_until_closed(&mut trickle, Duration::from_secs(5)).await;
    assert!(closed, "a header trickled past server.header_timeout_s keeps its connection");
    let (got, closed) = read_until_closed(&mut silent, Duration::from_secs(5)).await;
    assert!(closed && got.is_empty(), "a connection that sends nothing is kept: {got:?}");
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(900) && took < Duration::from_secs(6), "{took:?}");
    // A prompt client on a fresh connection is served as before.
    let r = s.http.get(format!("{}/health", s.url)).send().await.unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn a_stalled_or_trickled_body_gets_408_in_the_protocol_shape() {
    let s = Stack::start("server:\n  body_timeout_s: 1\n  request_timeout_s: 2\n", vec![]).await;
    // Stalled: 10 of 100 announced bytes, then nothing.
    let mut c = TcpStream::connect(addr(&s)).await.unwrap();
    c.write_all(
        b"POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"model\":",
    )
    .await
    .unwrap();
    let started = Instant::now();
    let (answer, _) = read_until_closed(&mut c, Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(started.elapsed() >= Duration::from_millis(900), "{:?}", started.elapsed());
    let v = json_of(&answer);
    assert_eq!(v["type"], "error", "{v}");
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(msg.contains("server.body_timeout_s"), "{msg}");

    // Trickled: a chunked body at one byte per 300 ms (each gap under body_timeout_s)
    // still has to be in within request_timeout_s; OpenAI's shape on its endpoint.
    let mut c = TcpStream::connect(addr(&s)).await.unwrap();
    c.write_all(
        b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n",
    )
    .await
    .unwrap();
    let started = Instant::now();
    let mut answer = String::new();
    for _ in 0..30 {
        tokio::time::sleep(Duration::from_millis(300)).await;
        if c.write_all(b"1\r\n \r\n").await.is_err() {
            break;
        }
        let (got, closed) = read_until_closed(&mut c, Duration::from_millis(1)).await;
        answer.push_str(&got);
        if closed || !answer.is_empty() {
            break;
        }
    }
    if answer.is_empty() {
        answer = read_until_closed(&mut c, Duration::from_secs(3)).await.0;
    }
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(1500) && took < Duration::from_secs(6), "{took:?}");
    let v = json_of(&answer);
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(v["error"]["type"].is_string() && msg.contains("server.request_timeout_s"), "{v}");

    // The admin API answers a stalled body in its envelope.
    let mut c = TcpStream::connect(addr(&s)).await.unwrap();
    c.write_all(
        b"POST /api/channels HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"name\":",
    )
    .await
    .unwrap();
    let (answer, _) = read_until_closed(&mut c, Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    let v = json_of(&answer);
    assert_eq!(v["success"], false, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("server.body_timeout_s"), "{v}");
}

#[tokio::test]
async fn health_and_a_real_request_answer_while_1500_slow_connections_are_held() {
    const SLOW: usize = 1500;
    let fds = raise_fd_limit(8192);
    assert!(fds >= 4 * SLOW as u64, "this test needs {} open files; the limit is {fds}", 4 * SLOW);
    let up = MockUpstream::start().await;
    let s = Stack::start("", vec![channel("a", "anthropic", &up.url(), 1)]).await;
    assert!(s.state.max_connections > SLOW + 16, "derived max_connections {}", s.state.max_connections);
    let held = slow_connections(&s, SLOW).await;
    wait_for_connections(&s, SLOW).await;
    let started = Instant::now();
    let r = s.http.get(format!("{}/health", s.url)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let r = s.post("/v1/messages", &anthropic_body(false)).await;
    assert_eq!(r.status(), 200);
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    drop(held);
}

#[tokio::test]
async fn past_the_connection_limit_proxied_requests_get_503_and_health_still_answers() {
    let up = MockUpstream::start().await;
    let s = Stack::start("server:\n  max_connections: 32\n", vec![channel("a", "anthropic", &up.url(), 1)]).await;
    assert_eq!((s.state.max_connections, s.state.proxy_connections), (32, 30));
    let held = slow_connections(&s, 30).await;
    wait_for_connections(&s, 30).await;
    // The 31st connection is in the reserve: the proxy refuses in its protocol's shape…
    let r = s.post("/v1/messages", &anthropic_body(false)).await;
    assert_eq!(r.status(), 503);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["type"], "error", "{v}");
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(msg.contains("32 connections") && msg.contains("server.max_connections"), "{msg}");
    let r = s.post("/v1/chat/completions", &openai_body(false)).await;
    assert_eq!(r.status(), 503);
    let v: serde_json::Value = r.json().await.unwrap();
    assert!(v["error"]["message"].as_str().unwrap().contains("server.max_connections"), "{v}");
    // …while health and the admin API answer.
    let r = s.http.get(format!("{}/health", s.url)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let r = s.http.get(format!("{}/api/channels", s.url)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(up.hits(), 0);
    // Past the limit itself a connection is closed at once.
    let mut extra = slow_connections(&s, 4).await;
    let mut closed = 0;
    for c in &mut extra {
        if read_until_closed(c, Duration::from_millis(500)).await.1 {
            closed += 1;
        }
    }
    assert!(closed >= 2, "only {closed} of 4 connections past the limit were closed");
    drop(extra);
    drop(held);
    // Once the slow clients are gone, the proxy serves again.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        // Until the closed connections are counted out, a new one may still be past the
        // limit and closed at once: that is a failed send, not yet an answer.
        let r = s.http.post(format!("{}/v1/messages", s.url)).json(&anthropic_body(false)).send().await;
        let status = r.as_ref().map(|r| r.status().as_u16()).ok();
        if status == Some(200) {
            break;
        }
        assert!(Instant::now() < deadline, "still {status:?} after the slow clients left");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_body_over_the_memory_budget_gets_503_in_its_protocol_shape() {
    let up = MockUpstream::start().await;
    let s = Stack::start(
        "server:\n  body_limit_mb: 1\n  body_memory_mb: 1\n",
        vec![channel("a", "anthropic", &up.url(), 1), channel("o", "openai", &up.url(), 1)],
    )
    .await;
    // A client announces 1,000,000 bytes and sends ten: it holds them in the budget.
    let mut hog = TcpStream::connect(addr(&s)).await.unwrap();
    hog.write_all(
        b"POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 1000000\r\n\r\n{\"model\":",
    )
    .await
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while s.state.bodies.used() < 1_000_000 {
        assert!(Instant::now() < deadline, "the budget never held the announced body");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let mut big = anthropic_body(false);
    big["metadata"] = serde_json::json!({ "user_id": "x".repeat(300_000) });
    let started = Instant::now();
    let r = s.post("/v1/messages", &big).await;
    assert_eq!(r.status(), 503);
    assert!(started.elapsed() >= Duration::from_millis(1500), "no wait before the 503: {:?}", started.elapsed());
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["type"], "error", "{v}");
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(msg.contains("1 MiB") && msg.contains("server.body_memory_mb"), "{msg}");
    let mut big_oa = openai_body(false);
    big_oa["user"] = serde_json::json!("x".repeat(300_000));
    let r = s.post("/v1/chat/completions", &big_oa).await;
    assert_eq!(r.status(), 503);
    let v: serde_json::Value = r.json().await.unwrap();
    assert!(v["error"]["message"].as_str().unwrap().contains("server.body_memory_mb"), "{v}");
    // A small request fits in what is left.
    let r = s.post("/v1/messages", &anthropic_body(false)).await;
    assert_eq!(r.status(), 200);
    // The hog leaves: its bytes are given back and the large request passes.
    drop(hog);
    let deadline = Instant::now() + Duration::from_secs(5);
    while s.state.bodies.used() > 0 {
        assert!(Instant::now() < deadline, "the budget still holds {} bytes", s.state.bodies.used());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let r = s.post("/v1/messages", &big).await;
    assert_eq!(r.status(), 200);
}
