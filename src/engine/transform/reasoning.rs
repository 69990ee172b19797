//! `reasoning`: reasoning text of OpenAI-compatible upstreams (DeepSeek, Qwen, GLM, …) in
//! the shape the converters turn into thinking blocks.
//!
//! The converters in `crate::protocol` read a message's or delta's `reasoning_content`
//! (and a plain-string `reasoning`). Upstreams also put reasoning in `reasoning` next to
//! an existing `reasoning_content`, in OpenRouter's `reasoning_details` list, or inline as a
//! leading `<think>…</think>` in `content`; this transformer moves all of those to
//! `reasoning_content` — for non-stream bodies and for stream deltas, where reasoning-only
//! deltas keep flowing. On the request side it drops `reasoning_content` from assistant
//! history messages (DeepSeek answers 400 to it); `{keep_history: true}` keeps it for
//! upstreams that want it back. Only OpenAI-protocol bodies are touched.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::sync::Mutex;

use super::{Protocol, Transformer};

/// Options: `{keep_history: false, think_tags: true}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Keep `reasoning_content` on assistant messages sent upstream.
    pub keep_history: bool,
    /// Move a leading `<think>…</think>` in content to `reasoning_content`.
    pub think_tags: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config { keep_history: false, think_tags: true }
    }
}

impl Config {
    /// The running transformer (tracks `<think>` across stream deltas: one per request).
    pub fn build(&self) -> Box<dyn Transformer> {
        Box::new(Reasoning { cfg: *self, think: Mutex::new(Think::Before) })
    }
}

/// Where a stream is relative to a leading `<think>` block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Think {
    /// No content seen yet.
    Before,
    /// Inside `<think>`: content is reasoning.
    Inside,
    /// Past it (or there was none).
    After,
}

/// The running part.
#[derive(Debug)]
pub struct Reasoning {
    cfg: Config,
    think: Mutex<Think>,
}

const OPEN: &str = "<think>";
const CLOSE: &str = "</think>";

/// Append to `reasoning_content` of a message or delta.
fn push_reasoning(m: &mut Map<String, Value>, text: &str) {
    if text.is_empty() {
        return;
    }
    match m.get_mut("reasoning_content") {
        Some(Value::String(s)) => s.push_str(text),
        _ => {
            m.insert("reasoning_content".into(), Value::String(text.to_string()));
        }
    }
}

/// `reasoning` (string or `{content|text}`) and `reasoning_details` → `reasoning_content`.
fn normalise_fields(m: &mut Map<String, Value>) {
    let has_rc = m.get("reasoning_content").and_then(Value::as_str).is_some_and(|s| !s.is_empty());
    let reasoning = m.remove("reasoning");
    let details = m.remove("reasoning_details");
    if has_rc {
        return; // the same text again in other fields
    }
    let from_reasoning = match &reasoning {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Object(o)) => {
            o.get("content").or_else(|| o.get("text")).and_then(Value::as_str).map(str::to_string)
        }
        _ => None,
    };
    let text = from_reasoning.unwrap_or_else(|| {
        details
            .as_ref()
            .and_then(Value::as_array)
            .map(|d| d.iter().filter_map(|x| x.get("text").and_then(Value::as_str)).collect::<String>())
            .unwrap_or_default()
    });
    push_reasoning(m, &text);
}

impl Reasoning {
    /// Split a leading `<think>` block out of a complete message's content.
    fn split_think(m: &mut Map<String, Value>) {
        let Some(Value::String(content)) = m.get("content") else { return };
        let trimmed = content.trim_start();
        let Some(rest) = trimmed.strip_prefix(OPEN) else { return };
        let (thought, answer) = match rest.find(CLOSE) {
            Some(i) => (rest[..i].to_string(), rest[i + CLOSE.len()..].trim_start().to_string()),
            None => (rest.to_string(), String::new()),
        };
        m.insert("content".into(), Value::String(answer));
        push_reasoning(m, thought.trim());
    }

    /// Stream form of [`Self::split_think`]: route content to reasoning while inside.
    fn stream_think(&self, d: &mut Map<String, Value>) {
        let Some(Value::String(content)) = d.get("content") else { return };
        if content.is_empty() {
            return;
        }
        let mut state = self.think.lock().unwrap_or_else(|e| e.into_inner());
        let mut text = content.clone();
        if *state == Think::Before {
            let t = text.trim_start();
            if let Some(rest) = t.strip_prefix(OPEN) {
                text = rest.to_string();
                *state = Think::Inside;
            } else if !t.is_empty() {
                *state = Think::After;
                return;
            } else {
                return;
            }
        }
        if *state != Think::Inside {
            return;
        }
        let (thought, answer) = match text.find(CLOSE) {
            Some(i) => {
                *state = Think::After;
                (text[..i].to_string(), text[i + CLOSE.len()..].trim_start().to_string())
            }
            None => (text, String::new()),
        };
        d.insert("content".into(), Value::String(answer));
        push_reasoning(d, &thought);
    }
}

impl Transformer for Reasoning {
    fn name(&self) -> &'static str {
        "reasoning"
    }

    fn request(&self, p: Protocol, body: &mut Value) {
        if p != Protocol::Openai || self.cfg.keep_history {
            return;
        }
        let Some(msgs) = body.get_mut("messages").and_then(Value::as_array_mut) else { return };
        for m in msgs.iter_mut().filter_map(Value::as_object_mut) {
            if m.get("role").and_then(Value::as_str) == Some("assistant") {
                m.remove("reasoning_content");
            }
        }
    }

    fn response(&self, p: Protocol, body: &mut Value) {
        if p != Protocol::Openai {
            return;
        }
        let Some(choices) = body.get_mut("choices").and_then(Value::as_array_mut) else { return };
        for m in choices.iter_mut().filter_map(|c| c.get_mut("message")).filter_map(Value::as_object_mut) {
            normalise_fields(m);
            if self.cfg.think_tags {
                Self::split_think(m);
            }
        }
    }

    fn stream_event(&self, p: Protocol, _event: Option<&str>, data: &mut Value) -> bool {
        if p != Protocol::Openai {
            return true;
        }
        let Some(choices) = data.get_mut("choices").and_then(Value::as_array_mut) else { return true };
        for choice in choices.iter_mut() {
            let first = choice.get("index").and_then(Value::as_u64).unwrap_or(0) == 0;
            let Some(d) = choice.get_mut("delta").and_then(Value::as_object_mut) else { continue };
            normalise_fields(d);
            if self.cfg.think_tags && first {
                self.stream_think(d);
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::one;
    use super::*;
    use crate::protocol::sse::SseEvent;
    use serde_json::json;

    #[test]
    fn request_drops_reasoning_from_assistant_history_only() {
        let t = one(json!("reasoning"));
        // What the anthropic→openai converter makes of a Claude Code turn with thinking.
        let mut body = json!({"model": "deepseek-reasoner", "messages": [
            {"role": "system", "content": "You are Claude Code."},
            {"role": "user", "content": "list files", "reasoning_content": "user-owned field stays"},
            {"role": "assistant", "content": null, "reasoning_content": "Need ls.", "tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": "Bash", "arguments": "{\"command\":\"ls\"}"}}]},
            {"role": "tool", "tool_call_id": "call_1", "content": "a.rs"}
        ]});
        t.request(Protocol::Openai, &mut body);
        assert!(body["messages"][2].get("reasoning_content").is_none());
        assert_eq!(body["messages"][2]["tool_calls"][0]["id"], "call_1");
        assert_eq!(body["messages"][1]["reasoning_content"], "user-owned field stays");

        let keep = one(json!(["reasoning", {"keep_history": true}]));
        let mut b = json!({"messages": [{"role": "assistant", "content": "x", "reasoning_content": "r"}]});
        keep.request(Protocol::Openai, &mut b);
        assert_eq!(b["messages"][0]["reasoning_content"], "r");
    }

    #[test]
    fn response_shapes_become_thinking_blocks() {
        let t = one(json!("reasoning"));
        let resp = |message: Value| {
            json!({"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "deepseek-reasoner",
                   "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                   "usage": {"prompt_tokens": 10, "completion_tokens": 20, "total_tokens": 30}})
        };
        for message in [
            json!({"role": "assistant", "content": "<think>\nCount the r's.\n</think>\n\nThree.", "reasoning_content": null}),
            json!({"role": "assistant", "content": "Three.", "reasoning_details": [{"type": "reasoning.text", "text": "Count the r's."}]}),
            json!({"role": "assistant", "content": "Three.", "reasoning": {"content": "Count the r's."}}),
            json!({"role": "assistant", "content": "Three.", "reasoning_content": "Count the r's.", "reasoning": "Count the r's."}),
        ] {
            let mut body = resp(message.clone());
            t.response(Protocol::Openai, &mut body);
            let m = &body["choices"][0]["message"];
            assert_eq!(m["reasoning_content"], "Count the r's.", "{message}");
            assert_eq!(m["content"], "Three.", "{message}");
            assert!(m.get("reasoning").is_none() && m.get("reasoning_details").is_none());
            let a = crate::protocol::convert_response(Protocol::Openai, Protocol::Anthropic, &body, "claude").unwrap();
            assert_eq!(a["content"][0]["type"], "thinking", "{a}");
            assert_eq!(a["content"][0]["thinking"], "Count the r's.");
            assert_eq!(a["content"][1]["text"], "Three.");
        }
    }

    #[test]
    fn stream_keeps_reasoning_flowing_and_splits_think_tags() {
        let t = one(json!("reasoning"));
        let chunk = |delta: Value| {
            json!({"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "qwq",
                   "choices": [{"index": 0, "delta": delta, "finish_reason": null}]})
        };
        let mut events = [
            chunk(json!({"role": "assistant", "content": "<think>"})),
            chunk(json!({"content": "Two "})),
            chunk(json!({"content": "cities.</think>Paris"})),
            chunk(json!({"content": " and Rome."})),
            chunk(json!({"reasoning": "late"})),
        ];
        for ev in events.iter_mut() {
            assert!(t.stream_event(Protocol::Openai, None, ev), "nothing is dropped");
        }
        let deltas: Vec<&Value> = events.iter().map(|e| &e["choices"][0]["delta"]).collect();
        assert_eq!(*deltas[1], json!({"content": "", "reasoning_content": "Two "}));
        assert_eq!(*deltas[2], json!({"content": "Paris", "reasoning_content": "cities."}));
        assert_eq!(*deltas[3], json!({"content": " and Rome."}));
        assert_eq!(*deltas[4], json!({"reasoning_content": "late"}));

        let mut conv = crate::protocol::stream_converter(Protocol::Openai, Protocol::Anthropic, "claude");
        let mut out = Vec::new();
        for ev in &events[..4] {
            conv.push(&SseEvent { event: None, data: ev.to_string() }, &mut out).unwrap();
        }
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains(r#""thinking":"Two ""#), "{text}");
        assert!(text.contains(r#""text":"Paris""#), "{text}");
        assert!(!text.contains("<think>"), "{text}");
    }

    #[test]
    fn plain_streams_are_untouched() {
        let t = one(json!("reasoning"));
        let mut ev = json!({"choices": [{"index": 0, "delta": {"content": "Hello <think> is a tag"}}]});
        let before = ev.clone();
        t.stream_event(Protocol::Openai, None, &mut ev);
        assert_eq!(ev, before);
        let mut ev2 = json!({"choices": [{"index": 0, "delta": {"content": "<think>later"}}]});
        let before2 = ev2.clone();
        t.stream_event(Protocol::Openai, None, &mut ev2);
        assert_eq!(ev2, before2, "a tag after the first content is content");
        let mut a = json!({"type": "content_block_delta", "delta": {"type": "text_delta", "text": "<think>x"}});
        let before3 = a.clone();
        t.stream_event(Protocol::Anthropic, Some("content_block_delta"), &mut a);
        assert_eq!(a, before3);
    }
}
