//! Property tests of the SSE parser (`protocol::sse`) and the stream converters
//! (`protocol::convert::stream`), driven as the relay drives them: upstream bytes fed to an
//! `SseParser` in whatever chunks the network gave, each event pushed to the converter,
//! `finish` at the end (with the error when the converter refused an event).
//!
//! - The parser gives the same events however the bytes are split (CRLF / CR / LF line
//!   ends, a BOM, comments, multi-line data) and reads back what `write_event` wrote.
//! - No panic on arbitrary bytes, nor on valid streams with one event's data replaced by
//!   arbitrary JSON, for every upstream × client pair.
//! - A converted stream is the same bytes however the upstream's bytes were split (ids and
//!   `created` derived from the clock are masked: two runs may straddle a second).
//! - A converted stream keeps the answer: the client sees the upstream's text, in order,
//!   and a clean end (`message_stop` / `[DONE]`) when the upstream ended cleanly.

use super::fuzz_support::{cases, json, split_at_points};
use proptest::prelude::*;
use routex::protocol::sse::{write_event, SseEvent, SseParser};
use routex::protocol::{stream_converter, Protocol};
use serde_json::{json, Value};

const UPSTREAMS: [Protocol; 3] = [Protocol::Anthropic, Protocol::Openai, Protocol::Gemini];
const CLIENTS: [Protocol; 2] = [Protocol::Anthropic, Protocol::Openai];

fn parse_chunks(chunks: &[&[u8]]) -> Vec<SseEvent> {
    let mut p = SseParser::default();
    let mut out = Vec::new();
    for c in chunks {
        p.feed(c, &mut out);
    }
    p.flush(&mut out);
    out
}

/// Upstream bytes through the parser and the converter, as the relay does.
fn convert_chunks(up: Protocol, client: Protocol, chunks: &[&[u8]]) -> Vec<u8> {
    let mut p = SseParser::default();
    let mut conv = stream_converter(up, client, "client-model");
    let mut events = Vec::new();
    let mut out = Vec::new();
    let mut failed = None;
    'feed: for c in chunks {
        p.feed(c, &mut events);
        for e in events.drain(..) {
            if let Err(err) = conv.push(&e, &mut out) {
                failed = Some(err.to_string());
                break 'feed;
            }
        }
    }
    if failed.is_none() {
        p.flush(&mut events);
        for e in events.drain(..) {
            if let Err(err) = conv.push(&e, &mut out) {
                failed = Some(err.to_string());
                break;
            }
        }
    }
    conv.finish(failed.as_deref(), &mut out);
    let _ = conv.usage();
    out
}

/// Masks what the converters derive from the clock (`created`, and synthetic ids made
/// from a hash XOR the current second).
fn mask_clock(bytes: &[u8]) -> String {
    let s = String::from_utf8_lossy(bytes);
    static CLOCK: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = CLOCK.get_or_init(|| regex::Regex::new(r#""created":\d+|(msg_|chatcmpl-)[0-9a-f]{16}"#).unwrap());
    re.replace_all(&s, "<clock>").into_owned()
}

/// One line end for a whole stream.
fn line_end() -> impl Strategy<Value = &'static str> {
    proptest::sample::select(&["\n", "\r\n", "\r"][..])
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![3 => "[a-zA-Z0-9 .,]{1,12}", 1 => "\\PC{1,8}", 1 => Just("line\nbreak \"quoted\"".to_string())]
}

/// One block of an answer: text pieces, thinking pieces, or a tool call whose JSON
/// arguments arrive in pieces.
#[derive(Debug, Clone)]
enum Block {
    Text(Vec<String>),
    Thinking(Vec<String>),
    Tool { name: String, args: Vec<String> },
}

fn block() -> impl Strategy<Value = Block> {
    prop_oneof![
        3 => proptest::collection::vec(text(), 1..5).prop_map(Block::Text),
        1 => proptest::collection::vec(text(), 1..3).prop_map(Block::Thinking),
        2 => ("[a-z_]{1,8}", proptest::collection::vec(("[a-z]{1,6}", text()), 0..3), 1usize..4).prop_map(|(name, kv, pieces)| {
            let args = serde_json::to_string(&kv.into_iter().map(|(k, v)| (k, Value::String(v))).collect::<serde_json::Map<String, Value>>()).unwrap();
            let chars: Vec<char> = args.chars().collect();
            let step = chars.len().div_ceil(pieces).max(1);
            let args = chars.chunks(step).map(|c| c.iter().collect()).collect();
            Block::Tool { name, args }
        }),
    ]
}

#[derive(Debug, Clone)]
struct Answer {
    blocks: Vec<Block>,
    input: u64,
    output: u64,
    /// Cut the stream after this many events (no clean end); None = complete.
    cut: Option<usize>,
}

fn answer() -> impl Strategy<Value = Answer> {
    (proptest::collection::vec(block(), 0..5), 0u64..100_000, 0u64..10_000, proptest::option::weighted(0.2, 0usize..30))
        .prop_map(|(blocks, input, output, cut)| Answer { blocks, input, output, cut })
}

impl Answer {
    fn texts(&self) -> String {
        self.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Text(p) => Some(p.concat()),
                _ => None,
            })
            .collect()
    }

    /// The answer as `(event name, data)` in `up`'s stream shape.
    fn events(&self, up: Protocol) -> Vec<(Option<&'static str>, String)> {
        let mut ev: Vec<(Option<&'static str>, String)> = Vec::new();
        let stop = if self.blocks.iter().any(|b| matches!(b, Block::Tool { .. })) { "tool_use" } else { "end_turn" };
        match up {
            Protocol::Anthropic => {
                let mut push = |name: &'static str, v: Value| ev.push((Some(name), v.to_string()));
                push(
                    "message_start",
                    json!({"type": "message_start", "message": {"id": "msg_up1", "type": "message",
                    "role": "assistant", "model": "claude-x", "content": [], "stop_reason": null,
                    "usage": {"input_tokens": self.input, "output_tokens": 1}}}),
                );
                push("ping", json!({"type": "ping"}));
                for (i, b) in self.blocks.iter().enumerate() {
                    let (start, deltas): (Value, Vec<Value>) = match b {
                        Block::Text(p) => (
                            json!({"type": "text", "text": ""}),
                            p.iter().map(|t| json!({"type": "text_delta", "text": t})).collect(),
                        ),
                        Block::Thinking(p) => {
                            let mut d: Vec<Value> =
                                p.iter().map(|t| json!({"type": "thinking_delta", "thinking": t})).collect();
                            d.push(json!({"type": "signature_delta", "signature": "sig"}));
                            (json!({"type": "thinking", "thinking": ""}), d)
                        }
                        Block::Tool { name, args } => (
                            json!({"type": "tool_use", "id": format!("toolu_{i}"), "name": name, "input": {}}),
                            args.iter().map(|a| json!({"type": "input_json_delta", "partial_json": a})).collect(),
                        ),
                    };
                    push(
                        "content_block_start",
                        json!({"type": "content_block_start", "index": i, "content_block": start}),
                    );
                    for d in deltas {
                        push("content_block_delta", json!({"type": "content_block_delta", "index": i, "delta": d}));
                    }
                    push("content_block_stop", json!({"type": "content_block_stop", "index": i}));
                }
                push(
                    "message_delta",
                    json!({"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": null},
                    "usage": {"output_tokens": self.output}}),
                );
                push("message_stop", json!({"type": "message_stop"}));
            }
            Protocol::Openai => {
                let chunk = |delta: Value, finish: Value| {
                    json!({"id": "chatcmpl-up1", "object": "chat.completion.chunk",
                    "created": 1700000000, "model": "gpt-x",
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
                };
                ev.push((None, chunk(json!({"role": "assistant", "content": ""}), Value::Null).to_string()));
                let mut tool = 0;
                for (i, b) in self.blocks.iter().enumerate() {
                    match b {
                        Block::Text(p) => p
                            .iter()
                            .for_each(|t| ev.push((None, chunk(json!({"content": t}), Value::Null).to_string()))),
                        Block::Thinking(p) => p.iter().for_each(|t| {
                            ev.push((None, chunk(json!({"reasoning_content": t}), Value::Null).to_string()))
                        }),
                        Block::Tool { name, args } => {
                            ev.push((
                                None,
                                chunk(
                                    json!({"tool_calls": [{"index": tool, "id": format!("call_{i}"), "type": "function",
                                "function": {"name": name, "arguments": ""}}]}),
                                    Value::Null,
                                )
                                .to_string(),
                            ));
                            for a in args {
                                ev.push((
                                    None,
                                    chunk(
                                        json!({"tool_calls": [{"index": tool, "function": {"arguments": a}}]}),
                                        Value::Null,
                                    )
                                    .to_string(),
                                ));
                            }
                            tool += 1;
                        }
                    }
                }
                let finish = if stop == "tool_use" { "tool_calls" } else { "stop" };
                ev.push((None, chunk(json!({}), json!(finish)).to_string()));
                ev.push((None, json!({"id": "chatcmpl-up1", "object": "chat.completion.chunk", "created": 1700000000,
                    "model": "gpt-x", "choices": [],
                    "usage": {"prompt_tokens": self.input, "completion_tokens": self.output, "total_tokens": self.input + self.output}}).to_string()));
                ev.push((None, "[DONE]".to_string()));
            }
            Protocol::Gemini => {
                let n = self.blocks.len();
                for (i, b) in self.blocks.iter().enumerate() {
                    let parts: Vec<Value> = match b {
                        Block::Text(p) => p.iter().map(|t| json!({"text": t})).collect(),
                        Block::Thinking(p) => p.iter().map(|t| json!({"text": t, "thought": true})).collect(),
                        Block::Tool { name, args } => {
                            let a: Value = serde_json::from_str(&args.concat()).unwrap();
                            vec![json!({"functionCall": {"name": name, "args": a}})]
                        }
                    };
                    let mut cand = json!({"content": {"role": "model", "parts": parts}, "index": 0});
                    if i + 1 == n {
                        cand["finishReason"] = json!("STOP");
                    }
                    ev.push((
                        None,
                        json!({"candidates": [cand], "responseId": "resp1",
                        "usageMetadata": {"promptTokenCount": self.input, "candidatesTokenCount": self.output}})
                        .to_string(),
                    ));
                }
                if n == 0 {
                    ev.push((
                        None,
                        json!({"candidates": [{"content": {"role": "model", "parts": [{"text": ""}]},
                        "finishReason": "STOP", "index": 0}], "responseId": "resp1",
                        "usageMetadata": {"promptTokenCount": self.input, "candidatesTokenCount": self.output}})
                        .to_string(),
                    ));
                }
            }
        }
        if let Some(c) = self.cut {
            ev.truncate(c);
        }
        ev
    }
}

/// Events in wire form with the given line end (and a comment now and then).
fn wire(events: &[(Option<&str>, String)], nl: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, (name, data)) in events.iter().enumerate() {
        if i % 3 == 1 {
            out.extend_from_slice(format!(": keep-alive{nl}").as_bytes());
        }
        let mut one = Vec::new();
        write_event(&mut one, *name, data);
        out.extend_from_slice(String::from_utf8(one).unwrap().replace('\n', nl).as_bytes());
    }
    out
}

/// The text a client sees in a stream of its protocol, and whether it ended cleanly.
fn client_text(client: Protocol, bytes: &[u8]) -> (String, bool) {
    let events = parse_chunks(&[bytes]);
    let mut text = String::new();
    let mut clean = false;
    for e in &events {
        if e.data == "[DONE]" {
            clean = true;
            continue;
        }
        let v: Value =
            serde_json::from_str(&e.data).unwrap_or_else(|err| panic!("client event not JSON ({err}): {}", e.data));
        match client {
            Protocol::Anthropic => {
                if v["type"] == "content_block_delta" && v["delta"]["type"] == "text_delta" {
                    text.push_str(v["delta"]["text"].as_str().unwrap());
                }
                if v["type"] == "message_stop" {
                    clean = true;
                }
            }
            _ => {
                if let Some(t) = v["choices"][0]["delta"]["content"].as_str() {
                    text.push_str(t);
                }
            }
        }
    }
    (text, clean)
}

proptest! {
    #![proptest_config(cases(300))]

    #[test]
    fn sse_parser_gives_the_same_events_however_the_bytes_are_split(
        events in proptest::collection::vec((proptest::option::of("[a-z_]{1,10}"), "\\PC{0,20}(\n\\PC{0,10}){0,2}"), 0..8),
        nl in line_end(), bom in any::<bool>(), cuts in proptest::collection::vec(any::<usize>(), 0..12),
    ) {
        let owned: Vec<(Option<&str>, String)> = events.iter().map(|(n, d)| (n.as_deref(), d.clone())).collect();
        let mut bytes = if bom { "\u{feff}".as_bytes().to_vec() } else { Vec::new() };
        bytes.extend(wire(&owned, nl));
        let whole = parse_chunks(&[&bytes]);
        // What write_event wrote is what the parser reads.
        let expected: Vec<SseEvent> = events.iter().map(|(n, d)| SseEvent { event: n.clone().map(Into::into), data: d.clone() }).collect();
        prop_assert_eq!(&whole, &expected);
        prop_assert_eq!(&parse_chunks(&split_at_points(&bytes, &cuts)), &whole);
        let bytewise: Vec<&[u8]> = bytes.chunks(1).collect();
        prop_assert_eq!(&parse_chunks(&bytewise), &whole);
    }

    #[test]
    fn sse_parser_takes_any_bytes_without_panic(
        bytes in proptest::collection::vec(prop_oneof![any::<u8>(), Just(b'\n'), Just(b'\r'), Just(b':')], 0..400),
        cuts in proptest::collection::vec(any::<usize>(), 0..8), limit in 0usize..64,
    ) {
        let whole = parse_chunks(&[&bytes]);
        prop_assert_eq!(&parse_chunks(&split_at_points(&bytes, &cuts)), &whole);
        let mut p = SseParser::default().with_limit(limit);
        let mut out = Vec::new();
        for c in split_at_points(&bytes, &cuts) {
            p.feed(c, &mut out);
        }
        p.flush(&mut out);
        if limit > 0 && p.over_limit() {
            prop_assert!(out.iter().all(|e| e.data.len() <= limit));
        }
    }

    #[test]
    fn converted_streams_are_the_same_however_the_bytes_are_split(
        a in answer(), nl in line_end(), cuts in proptest::collection::vec(any::<usize>(), 0..16),
    ) {
        for up in UPSTREAMS {
            let bytes = wire(&a.events(up), nl);
            for client in CLIENTS {
                let whole = convert_chunks(up, client, &[&bytes]);
                let split = convert_chunks(up, client, &split_at_points(&bytes, &cuts));
                prop_assert_eq!(mask_clock(&split), mask_clock(&whole), "{} → {}", up, client);
            }
        }
    }

    #[test]
    fn converted_streams_keep_the_text_and_end_cleanly(a in answer(), nl in line_end()) {
        for up in UPSTREAMS {
            let bytes = wire(&a.events(up), nl);
            for client in CLIENTS {
                let out = convert_chunks(up, client, &[&bytes]);
                let (text, clean) = client_text(client, &out);
                if a.cut.is_none() {
                    prop_assert_eq!(&text, &a.texts(), "{} → {}: {}", up, client, String::from_utf8_lossy(&out));
                    prop_assert!(clean, "{} → {}: no clean end: {}", up, client, String::from_utf8_lossy(&out));
                } else {
                    prop_assert!(a.texts().starts_with(&text), "{} → {}: text not a prefix", up, client);
                }
            }
        }
    }

    #[test]
    fn streams_with_an_arbitrary_event_convert_without_panic(
        a in answer(), at in any::<usize>(), with in json(), raw in proptest::collection::vec(any::<u8>(), 0..200),
        cuts in proptest::collection::vec(any::<usize>(), 0..8),
    ) {
        for up in UPSTREAMS {
            let mut events = a.events(up);
            let entry = (Some("content_block_delta"), with.to_string());
            if events.is_empty() {
                events.push(entry);
            } else {
                let i = at % events.len();
                events[i].1 = entry.1;
            }
            let bytes = wire(&events, "\n");
            for client in [Protocol::Anthropic, Protocol::Openai, Protocol::Gemini] {
                let whole = convert_chunks(up, client, &[&bytes]);
                let split = convert_chunks(up, client, &split_at_points(&bytes, &cuts));
                prop_assert_eq!(mask_clock(&split), mask_clock(&whole));
                let _ = convert_chunks(up, client, &[&raw]);
            }
        }
    }
}
