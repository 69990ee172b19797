//! Upstreams that answer without bound or in the wrong shape: an endless stream line, a
//! huge body, a body that stalls after its first byte, a 200 that is an HTML page. Each
//! is bounded by a setting, fails over while the client has nothing, and says why in the
//! record. Over loopback with the in-process mock; the bounds are asserted on the bytes
//! the client got (the mock sends far more than the limits let through).

use crate::support::mock::{Behavior, MockUpstream};
use crate::support::stack::{anthropic_body, channel, openai_body, Stack};
use std::time::{Duration, Instant};

/// Limits small enough for a test: 1 MiB bodies, 256 KiB stream lines.
const LIMITS: &str =
    "server: { first_byte_timeout_s: 2, idle_timeout_s: 1, response_limit_mb: 1, sse_event_limit_kb: 256 }\n\
circuit_breaker: { failure_threshold: 3, open_s: 1 }\n";

/// What the mock sends past the limits: 20 MiB.
const HUGE: usize = 20 * 1024 * 1024;

fn base(kind: &str, up: &MockUpstream) -> String {
    if kind == "openai" {
        format!("{}/v1", up.url())
    } else {
        up.url()
    }
}

fn path_and_body(client: &str, stream: bool) -> (&'static str, serde_json::Value) {
    if client == "openai" {
        ("/v1/chat/completions", openai_body(stream))
    } else {
        ("/v1/messages", anthropic_body(stream))
    }
}

/// Finding 1: `data: {"x":"` and 20 MiB without a newline after the first content. The
/// client gets the content, at most about the limit of the line, and the error event that
/// names the setting; the record says the same; nothing fails over (the client had bytes).
#[tokio::test]
async fn an_endless_stream_line_ends_the_stream_at_the_limit() {
    for (client, upstream) in
        [("openai", "openai"), ("anthropic", "anthropic"), ("anthropic", "openai"), ("openai", "anthropic")]
    {
        let name = format!("{client} client on {upstream} channel");
        let a = MockUpstream::start().await;
        let b = MockUpstream::start().await;
        a.push(Behavior::EndlessLine { bytes: HUGE, events: None });
        let mut s = Stack::start(
            LIMITS,
            vec![channel("a", upstream, &base(upstream, &a), 10), channel("b", upstream, &base(upstream, &b), 1)],
        )
        .await;
        let (path, body) = path_and_body(client, true);
        let started = Instant::now();
        let r = s.post(path, &body).await;
        assert_eq!(r.status(), 200, "{name}");
        let got = r.bytes().await.unwrap();
        assert!(started.elapsed() < Duration::from_secs(20), "{name}");
        assert!(got.len() < 256 * 1024 + 64 * 1024 + 4096, "{name}: the client got {} bytes", got.len());
        let text = String::from_utf8_lossy(&got);
        assert!(
            text.contains("server.sse_event_limit_kb"),
            "{name}: no error event naming the limit: …{}",
            tail(&text)
        );
        if client == "anthropic" {
            assert!(text.contains("event: error"), "{name}");
        }
        assert_eq!(b.hits(), 0, "{name}: no failover after the first byte");
        let recs = s.records().await;
        assert!(!recs[0].success, "{name}");
        let error = recs[0].error.clone().unwrap_or_default();
        assert!(
            error.contains("larger than 256 KiB") && error.contains("server.sse_event_limit_kb"),
            "{name}: {error}"
        );
    }
}

/// An endless line before any content (after Anthropic's `message_start` only): the
/// client has nothing yet, so the attempt fails over and the next channel answers.
#[tokio::test]
async fn an_endless_line_in_the_preamble_fails_over() {
    let a = MockUpstream::start().await;
    let b = MockUpstream::start().await;
    a.push(Behavior::EndlessLine { bytes: HUGE, events: Some(1) });
    let mut s =
        Stack::start(LIMITS, vec![channel("a", "anthropic", &a.url(), 10), channel("b", "anthropic", &b.url(), 1)])
            .await;
    let r = s.post("/v1/messages", &anthropic_body(true)).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["x-channel-name"], "b");
    let text = String::from_utf8(r.bytes().await.unwrap().to_vec()).unwrap();
    assert!(text.contains("event: message_stop") && !text.contains("aaaa"), "{}", tail(&text));
    let recs = s.records().await;
    assert!(recs[0].success);
    let first = recs[0].attempts[0].error.clone().unwrap_or_default();
    assert!(first.contains("server.sse_event_limit_kb"), "{first}");
}

/// Finding 2: a 20 MiB non-stream body, with its `content-length` (refused before
/// reading) or chunked (counted while reading), to a same-protocol and a converting
/// client: a failed attempt naming the limit, and the next channel answers.
#[tokio::test]
async fn a_huge_body_fails_the_attempt_over_to_the_next_channel() {
    for (client, content_length) in [("anthropic", true), ("anthropic", false), ("openai", true), ("openai", false)] {
        let name = format!("{client} client, content-length {content_length}");
        let a = MockUpstream::start().await;
        let b = MockUpstream::start().await;
        a.push(Behavior::HugeBody { bytes: HUGE, content_length });
        let mut s =
            Stack::start(LIMITS, vec![channel("a", "anthropic", &a.url(), 10), channel("b", "anthropic", &b.url(), 1)])
                .await;
        let (path, body) = path_and_body(client, false);
        let r = s.post(path, &body).await;
        assert_eq!(r.status(), 200, "{name}");
        assert_eq!(r.headers()["x-channel-name"], "b", "{name}");
        let v: serde_json::Value = r.json().await.unwrap();
        assert!(v.to_string().contains(crate::support::mock::DEFAULT_TEXT), "{name}: {v}");
        let recs = s.records().await;
        assert!(recs[0].success, "{name}");
        let first = recs[0].attempts[0].error.clone().unwrap_or_default();
        assert!(first.contains("larger than this routex reads (1 MiB; server.response_limit_mb"), "{name}: {first}");
    }
}

/// With no other channel, the client gets a 502 in its own protocol's shape saying why.
#[tokio::test]
async fn a_huge_body_with_no_other_channel_is_a_502_in_the_clients_shape() {
    for client in ["anthropic", "openai"] {
        let a = MockUpstream::start().await;
        a.push(Behavior::HugeBody { bytes: HUGE, content_length: false });
        let mut s = Stack::start(LIMITS, vec![channel("a", "anthropic", &a.url(), 0)]).await;
        let (path, body) = path_and_body(client, false);
        let r = s.post(path, &body).await;
        assert_eq!(r.status(), 502, "{client}");
        let v: serde_json::Value = r.json().await.unwrap();
        let msg = v["error"]["message"].as_str().unwrap_or_default();
        assert!(msg.contains("server.response_limit_mb"), "{client}: {v}");
        if client == "anthropic" {
            assert_eq!(v["type"], "error");
        }
        let recs = s.records().await;
        assert!(!recs[0].success);
        assert!(recs[0].error.as_deref().unwrap_or_default().contains("server.response_limit_mb"));
    }
}

/// Finding 5: a non-stream body that stalls after its first half (for 30 s) ends the
/// attempt after `server.idle_timeout_s` (1 s here), and the next channel answers.
#[tokio::test]
async fn a_body_stalled_after_its_first_byte_times_out_and_fails_over() {
    let a = MockUpstream::start().await;
    let b = MockUpstream::start().await;
    a.push(Behavior::StallAfterFirstEvent(Duration::from_secs(30)));
    let mut s =
        Stack::start(LIMITS, vec![channel("a", "anthropic", &a.url(), 10), channel("b", "anthropic", &b.url(), 1)])
            .await;
    let started = Instant::now();
    let r = s.post("/v1/messages", &anthropic_body(false)).await;
    assert_eq!(r.status(), 200);
    assert!(started.elapsed() < Duration::from_secs(5), "waited {:?}", started.elapsed());
    assert_eq!(r.headers()["x-channel-name"], "b");
    let recs = s.records().await;
    let first = recs[0].attempts[0].error.clone().unwrap_or_default();
    assert_eq!(first, "timed out after 1s without data in the response body (server.idle_timeout_s)");
}

/// Finding 11: an OpenAI channel answering 200 `text/html` (a login page) to an OpenAI
/// client is a failed attempt, stream or not, and the next channel answers.
#[tokio::test]
async fn a_success_that_is_an_html_page_fails_over() {
    for stream in [false, true] {
        let a = MockUpstream::start().await;
        let b = MockUpstream::start().await;
        a.push(Behavior::WrongContentType("text/html; charset=utf-8".into()));
        let mut s = Stack::start(
            LIMITS,
            vec![channel("a", "openai", &base("openai", &a), 10), channel("b", "openai", &base("openai", &b), 1)],
        )
        .await;
        let r = s.post("/v1/chat/completions", &openai_body(stream)).await;
        assert_eq!(r.status(), 200, "stream {stream}");
        assert_eq!(r.headers()["x-channel-name"], "b", "stream {stream}");
        let text = String::from_utf8(r.bytes().await.unwrap().to_vec()).unwrap();
        assert!(!text.contains("<html>"), "{text}");
        let recs = s.records().await;
        let first = recs[0].attempts[0].error.clone().unwrap_or_default();
        let want = if stream { "not text/event-stream" } else { "not JSON" };
        assert!(first.contains("content type \"text/html; charset=utf-8\"") && first.ends_with(want), "{first}");
    }
}

/// Finding 12, as docs/proxy.md now words it: a same-protocol stream relayed untouched
/// keeps invalid UTF-8 byte for byte; one whose events are written anew (an OpenAI client
/// that did not ask for usage: routex strips the usage chunk) gets U+FFFD instead.
#[tokio::test]
async fn invalid_utf8_is_relayed_untouched_or_replaced_as_documented() {
    let anthropic: &[u8] = b"event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}\n\n\
event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"a\xffb\"}}\n\n\
event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    let openai: &[u8] = b"data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}\n\n\
data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\xffb\"}}]}\n\ndata: [DONE]\n\n";
    for (kind, raw) in [("anthropic", anthropic), ("openai", openai)] {
        let a = MockUpstream::start().await;
        a.push(Behavior::RawStream(raw.to_vec()));
        let s = Stack::start(LIMITS, vec![channel("a", kind, &base(kind, &a), 0)]).await;
        let (path, body) = path_and_body(kind, true);
        let r = s.post(path, &body).await;
        assert_eq!(r.status(), 200, "{kind}");
        let got = r.bytes().await.unwrap();
        if kind == "anthropic" {
            assert_eq!(&got[..], raw, "{kind}: relayed untouched");
        } else {
            let text = String::from_utf8(got.to_vec()).expect("valid UTF-8 after re-encoding");
            assert!(text.contains("a\u{fffd}b"), "{kind}: {text}");
        }
    }
}

fn tail(text: &str) -> &str {
    let mut i = text.len().saturating_sub(400);
    while !text.is_char_boundary(i) {
        i += 1;
    }
    &text[i..]
}

/// Finding 13: an upstream that closes a kept-alive connection just as the next request
/// goes out on it (the mock reads the request, then resets the connection without a byte
/// of answer). The request goes again on a new connection: the client gets its answer from
/// the one channel, in one attempt, and the upstream saw the request twice.
#[tokio::test]
async fn a_reused_connection_reset_under_the_request_is_retried_on_a_new_one() {
    for (client, upstream) in [("anthropic", "anthropic"), ("openai", "anthropic"), ("openai", "openai")] {
        let up = MockUpstream::start().await;
        up.push(Behavior::Ok);
        up.push(Behavior::Reset);
        // One event loop: its upstream pool holds the connection the second request reuses.
        let config = LIMITS.replace("server: { ", "server: { workers: 1, ");
        let mut s = Stack::start(&config, vec![channel("only", upstream, &base(upstream, &up), 0)]).await;
        let (path, body) = path_and_body(client, false);
        let first = s.post(path, &body).await;
        assert_eq!(first.status(), 200, "{client} on {upstream}");
        first.bytes().await.unwrap();
        let second = s.post(path, &body).await;
        let status = second.status();
        let text = second.text().await.unwrap();
        assert_eq!(status, 200, "{client} on {upstream}: {text} (hits {})", up.hits());
        assert_eq!(up.hits(), 3, "{client} on {upstream}: sent, reset, sent again");
        let recs = s.records().await;
        assert_eq!(recs.len(), 2);
        assert!(recs[1].success, "{:?}", recs[1]);
        assert_eq!(recs[1].attempts.len(), 1, "{:?}", recs[1].attempts);
    }
}
