//! Criterion benchmarks of the protocol conversions on the proxy's hot path.
//!
//! `convert_request_100kb`: a ~100 KB Claude Code-like Anthropic request (see
//! `support/request.rs`) converted to OpenAI and to Gemini; budget 200 µs each. Timed per
//! iteration: what the proxy does for a converted request once the client body is parsed
//! — reading the parsed `Value`, converting, and serialising the upstream body to bytes,
//! including dropping everything built. `anthropic_to_*` is the proxy's path when the
//! channel has no transformers (`convert_request_bytes`); `anthropic_to_*_via_value` is
//! its path when it has some (`convert_request` to a `Value`, then `serde_json::to_vec`;
//! the transformers themselves are not run). `anthropic_to_*_from_bytes` counts the parse
//! too: the client's bytes parsed into the `Value` (as the proxy does once per converted
//! request), converted and serialised, everything dropped. `parse_request_100kb` times the
//! parse alone.
//!
//! The benchmarks run with mimalloc as the global allocator, as the `routex` binary does
//! (src/main.rs): conversion allocates many small, short-lived strings and vectors, and
//! timing them on glibc malloc would time an allocator the product does not use.
//!
//! `stream_*`: stream conversion Anthropic→OpenAI and OpenAI→Anthropic fed pre-parsed SSE
//! events (budget 50 µs per event; criterion times a whole stream, the element throughput
//! gives events per second, and per-event time is the median divided by the event count).

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use serde_json::{json, Value};

#[path = "support/request.rs"]
mod request;

use request::{claude_code_request, text};
use routex::protocol::sse::SseEvent;
use routex::protocol::{convert_request, convert_request_bytes, stream_converter, Protocol};

fn ev(event: Option<&str>, data: Value) -> SseEvent {
    SseEvent { event: event.map(|e| e.to_string().into()), data: data.to_string() }
}

/// An Anthropic stream: text, then a tool call with streamed arguments.
fn anthropic_stream() -> Vec<SseEvent> {
    let mut v = vec![
        ev(
            Some("message_start"),
            json!({"type": "message_start", "message": {"id": "msg_01", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5", "content": [], "stop_reason": null, "stop_sequence": null, "usage": {"input_tokens": 472, "cache_read_input_tokens": 20000, "cache_creation_input_tokens": 7, "output_tokens": 1}}}),
        ),
        ev(
            Some("content_block_start"),
            json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
        ),
    ];
    for i in 0..120 {
        v.push(ev(
            Some("content_block_delta"),
            json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": text(24, i)}}),
        ));
    }
    v.push(ev(Some("content_block_stop"), json!({"type": "content_block_stop", "index": 0})));
    v.push(ev(Some("content_block_start"), json!({"type": "content_block_start", "index": 1, "content_block": {"type": "tool_use", "id": "toolu_01", "name": "Edit", "input": {}}})));
    for i in 0..60 {
        v.push(ev(Some("content_block_delta"), json!({"type": "content_block_delta", "index": 1, "delta": {"type": "input_json_delta", "partial_json": format!("{{\\\"k{i}\\\": ")}})));
    }
    v.push(ev(Some("content_block_stop"), json!({"type": "content_block_stop", "index": 1})));
    v.push(ev(Some("message_delta"), json!({"type": "message_delta", "delta": {"stop_reason": "tool_use", "stop_sequence": null}, "usage": {"output_tokens": 300}})));
    v.push(ev(Some("message_stop"), json!({"type": "message_stop"})));
    v
}

/// An OpenAI stream: text, then a tool call with argument fragments, usage, [DONE].
fn openai_stream() -> Vec<SseEvent> {
    let chunk = |delta: Value, finish: Value| {
        json!({"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "gpt-4o",
               "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
    };
    let mut v = vec![ev(None, chunk(json!({"role": "assistant", "content": ""}), Value::Null))];
    for i in 0..120 {
        v.push(ev(None, chunk(json!({"content": text(24, i)}), Value::Null)));
    }
    v.push(ev(None, chunk(json!({"tool_calls": [{"index": 0, "id": "call_1", "type": "function", "function": {"name": "Edit", "arguments": ""}}]}), Value::Null)));
    for i in 0..60 {
        v.push(ev(
            None,
            chunk(
                json!({"tool_calls": [{"index": 0, "function": {"arguments": format!("{{\"k{i}\": ")}}]}),
                Value::Null,
            ),
        ));
    }
    v.push(ev(None, chunk(json!({}), json!("tool_calls"))));
    v.push(ev(None, json!({"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "gpt-4o", "choices": [],
        "usage": {"prompt_tokens": 20472, "completion_tokens": 300, "total_tokens": 20772, "prompt_tokens_details": {"cached_tokens": 20000}}})));
    v.push(SseEvent { event: None, data: "[DONE]".into() });
    v
}

fn benches(c: &mut Criterion) {
    let req = claude_code_request();
    let size = req.to_string().len();
    assert!((90_000..130_000).contains(&size), "request is {size} bytes");
    // Sanity: both conversions succeed before timing them.
    for (to, model) in [(Protocol::Openai, "gpt-4o"), (Protocol::Gemini, "gemini-2.5-pro")] {
        let bytes = convert_request_bytes(Protocol::Anthropic, to, &req, model).unwrap();
        let value = convert_request(Protocol::Anthropic, to, &req, model).unwrap();
        assert_eq!(bytes, serde_json::to_vec(&value).unwrap());
    }

    let raw = serde_json::to_vec(&req).unwrap();
    let mut g = c.benchmark_group("convert_request_100kb");
    for (name, to, model) in [
        ("anthropic_to_openai", Protocol::Openai, "gpt-4o"),
        ("anthropic_to_gemini", Protocol::Gemini, "gemini-2.5-pro"),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| convert_request_bytes(Protocol::Anthropic, to, black_box(&req), model).unwrap())
        });
        g.bench_function(format!("{name}_via_value"), |b| {
            b.iter(|| {
                let v = convert_request(Protocol::Anthropic, to, black_box(&req), model).unwrap();
                serde_json::to_vec(&v).unwrap()
            })
        });
        g.bench_function(format!("{name}_from_bytes"), |b| {
            b.iter(|| {
                let v: Value = serde_json::from_slice(black_box(&raw)).unwrap();
                convert_request_bytes(Protocol::Anthropic, to, &v, model).unwrap()
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("parse_request_100kb");
    g.bench_function("from_slice", |b| b.iter(|| serde_json::from_slice::<Value>(black_box(&raw)).unwrap()));
    g.finish();

    for (name, from, to, events) in [
        ("anthropic_to_openai", Protocol::Anthropic, Protocol::Openai, anthropic_stream()),
        ("openai_to_anthropic", Protocol::Openai, Protocol::Anthropic, openai_stream()),
    ] {
        let mut g = c.benchmark_group(format!("stream_{}_events", events.len()));
        g.throughput(Throughput::Elements(events.len() as u64));
        g.bench_function(name, |b| {
            let mut out = Vec::with_capacity(64 * 1024);
            b.iter(|| {
                out.clear();
                let mut conv = stream_converter(from, to, "client-model");
                for e in &events {
                    conv.push(black_box(e), &mut out).unwrap();
                }
                conv.finish(None, &mut out);
                black_box(out.len())
            })
        });
        g.finish();
    }
}

criterion_group!(convert, benches);
criterion_main!(convert);
