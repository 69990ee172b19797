//! A channel's transformers on real streams through the daemon: what the client receives
//! when the upstream splits a `<think>` tag across events, or ends holding a partial tag.

use crate::support::mock::{Behavior, MockUpstream};
use crate::support::stack::{channel, Stack};
use serde_json::{json, Value};

fn sse(events: &[Value], done: bool) -> String {
    let mut s: String = events.iter().map(|e| format!("data: {e}\n\n")).collect();
    if done {
        s.push_str("data: [DONE]\n\n");
    }
    s
}

fn chunk(delta: Value, finish: Option<&str>) -> Value {
    json!({"id": "chatcmpl-9", "object": "chat.completion.chunk", "created": 1, "model": "qwq",
           "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
}

async fn stack() -> (MockUpstream, Stack) {
    let up = MockUpstream::start().await;
    let mut spec = channel("qwq", "openai", &up.url(), 0);
    spec.transformers = Some(json!({"use": ["reasoning"]}));
    let s = Stack::start("", vec![spec]).await;
    (up, s)
}

fn reply(up: &MockUpstream, body: String) {
    up.push(Behavior::Status { status: 200, body, headers: vec![] });
}

/// Text deltas and thinking deltas of an Anthropic SSE stream, joined.
fn anthropic_parts(text: &str) -> (String, String) {
    let (mut thinking, mut answer) = (String::new(), String::new());
    for line in text.lines().filter_map(|l| l.strip_prefix("data: ")) {
        let v: Value = serde_json::from_str(line).unwrap();
        if let Some(t) = v.pointer("/delta/thinking").and_then(Value::as_str) {
            thinking.push_str(t);
        }
        if let Some(t) = v.pointer("/delta/text").and_then(Value::as_str) {
            answer.push_str(t);
        }
    }
    (thinking, answer)
}

fn anthropic_request() -> Value {
    json!({"model": "qwq", "max_tokens": 64, "stream": true, "messages": [{"role": "user", "content": "?"}]})
}

#[tokio::test]
async fn a_think_tag_split_across_upstream_events_reaches_the_client_as_thinking() {
    let (up, s) = stack().await;
    reply(
        &up,
        sse(
            &[
                chunk(json!({"role": "assistant", "content": "<thi"}), None),
                chunk(json!({"content": "nk>Two "}), None),
                chunk(json!({"content": "cities.</th"}), None),
                chunk(json!({"content": "ink>\n\nParis <"}), None),
                chunk(json!({"content": "3"}), None),
                chunk(json!({}), Some("stop")),
            ],
            true,
        ),
    );
    let text = s.post("/v1/messages", &anthropic_request()).await.text().await.unwrap();
    assert_eq!(anthropic_parts(&text), ("Two cities.".to_string(), "Paris <3".to_string()), "{text}");
    assert!(text.contains("event: message_stop"), "{text}");
}

#[tokio::test]
async fn bytes_held_at_the_end_of_the_stream_are_delivered() {
    let (up, s) = stack().await;
    // No finish_reason, just [DONE]: the `<` held back as a possible tag comes out before it.
    reply(&up, sse(&[chunk(json!({"role": "assistant", "content": "<"}), None)], true));
    let text = s.post("/v1/messages", &anthropic_request()).await.text().await.unwrap();
    assert_eq!(anthropic_parts(&text), (String::new(), "<".to_string()), "{text}");
    assert!(text.contains("event: message_stop"), "{text}");

    // An OpenAI client gets the released chunk re-encoded before data: [DONE].
    reply(&up, sse(&[chunk(json!({"role": "assistant", "content": "<think>plan</thi"}), None)], true));
    let body = json!({"model": "qwq", "stream": true, "messages": [{"role": "user", "content": "?"}]});
    let text = s.post("/v1/chat/completions", &body).await.text().await.unwrap();
    let data: Vec<&str> = text.lines().filter_map(|l| l.strip_prefix("data: ")).collect();
    assert_eq!(data.last(), Some(&"[DONE]"), "{text}");
    let released: Value = serde_json::from_str(data[data.len() - 2]).unwrap();
    assert_eq!(released["choices"][0]["delta"], json!({"reasoning_content": "</thi"}), "{text}");
    assert_eq!(released["id"], "chatcmpl-9");
    let first: Value = serde_json::from_str(data[0]).unwrap();
    assert_eq!(first["choices"][0]["delta"]["reasoning_content"], "plan", "{text}");
}
