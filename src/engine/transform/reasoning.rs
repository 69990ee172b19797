//! `reasoning`: reasoning text of OpenAI-compatible upstreams (DeepSeek, Qwen, GLM, …) in
//! the shape the converters turn into thinking blocks.
//!
//! The converters in `crate::protocol` read a message's or delta's `reasoning_content`
//! (and a plain-string `reasoning`). Upstreams also put reasoning in `reasoning` next to
//! an existing `reasoning_content`, in OpenRouter's `reasoning_details` list, or inline as a
//! leading `<think>…</think>` in `content`; this transformer moves all of those to
//! `reasoning_content` — for non-stream bodies and for stream deltas, where reasoning-only
//! deltas keep flowing. In streams the tags may be split across deltas at any byte
//! (`ThinkSplitter`): only bytes that may still be a tag are held back, and what is held
//! when the choice ends rides the `finish_reason` chunk (or, without one, the
//! [`Transformer::stream_end`] chunk). On the request side it drops `reasoning_content` from assistant
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
        Box::new(Reasoning { cfg: *self, stream: Mutex::new(StreamState::default()) })
    }
}

const OPEN: &str = "<think>";
const CLOSE: &str = "</think>";

/// Where a stream is relative to a leading `<think>…</think>` block. Bytes that may be the
/// start of a tag are held back until the next chunk (or the end) tells what they are.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Think {
    /// No content yet beyond whitespace and a prefix of `<think>` (held: emitted as content
    /// if it turns out not to be the tag, dropped if it is).
    Before(String),
    /// Inside the block: reasoning. `started`: some reasoning was emitted (leading whitespace
    /// after `<think>` is dropped); `held`: a tail that may be the start of `</think>`.
    Inside { started: bool, held: String },
    /// Just past `</think>`: the answer's leading whitespace is dropped.
    Closed,
    /// Plain content from here on (also when the content did not start with `<think>`).
    After,
}

/// Text split into reasoning and answer.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Split {
    /// Goes to `reasoning_content`.
    pub reasoning: String,
    /// Stays `content`.
    pub content: String,
}

impl Split {
    fn is_empty(&self) -> bool {
        self.reasoning.is_empty() && self.content.is_empty()
    }
}

/// The incremental `<think>` splitter: feed content deltas in order with [`Self::push`],
/// then [`Self::finish`] once at the end of the stream for whatever is still held. Tags may
/// be split across deltas at any byte; a leading `<think>` may follow whitespace; a `<think>`
/// after other content is content. Only ASCII tag bytes are ever held, so splits never cut
/// a UTF-8 character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ThinkSplitter {
    state: Think,
}

impl Default for ThinkSplitter {
    fn default() -> Self {
        ThinkSplitter { state: Think::Before(String::new()) }
    }
}

/// Length of the longest proper prefix of `tag` that `text` ends with.
fn partial_tag_suffix(text: &str, tag: &str) -> usize {
    (1..tag.len()).rev().find(|&k| text.ends_with(&tag[..k])).unwrap_or(0)
}

impl ThinkSplitter {
    /// Split one content delta.
    pub(crate) fn push(&mut self, text: &str) -> Split {
        let mut out = Split::default();
        let mut rest = text.to_string();
        loop {
            match &mut self.state {
                Think::Before(held) => {
                    held.push_str(&rest);
                    let t = held.trim_start();
                    if let Some(after) = t.strip_prefix(OPEN) {
                        rest = after.to_string();
                        self.state = Think::Inside { started: false, held: String::new() };
                    } else if OPEN.starts_with(t) {
                        return out; // whitespace or `<thi`: wait for more
                    } else {
                        out.content = std::mem::take(held);
                        self.state = Think::After;
                        return out;
                    }
                }
                Think::Inside { started, held } => {
                    held.push_str(&rest);
                    if !*started {
                        let t = held.trim_start();
                        if t.is_empty() {
                            held.clear();
                            return out;
                        }
                        *held = t.to_string();
                        *started = true;
                    }
                    if let Some(i) = held.find(CLOSE) {
                        out.reasoning.push_str(&held[..i]);
                        rest = held[i + CLOSE.len()..].to_string();
                        self.state = Think::Closed;
                    } else {
                        let keep = held.len() - partial_tag_suffix(held, CLOSE);
                        out.reasoning.push_str(&held[..keep]);
                        held.drain(..keep);
                        return out;
                    }
                }
                Think::Closed => {
                    let t = rest.trim_start();
                    if !t.is_empty() {
                        out.content.push_str(t);
                        self.state = Think::After;
                    }
                    return out;
                }
                Think::After => {
                    out.content.push_str(&rest);
                    return out;
                }
            }
        }
    }

    /// The stream ended: whatever is held is what it looked like — content before a tag that
    /// never completed, reasoning inside a block that never closed.
    pub(crate) fn finish(&mut self) -> Split {
        match std::mem::replace(&mut self.state, Think::After) {
            Think::Before(held) => Split { content: held, ..Split::default() },
            Think::Inside { held, .. } => Split { reasoning: held, ..Split::default() },
            Think::Closed | Think::After => Split::default(),
        }
    }
}

/// Per-stream state: the splitter and the ids of the last chunk (for a flush chunk).
#[derive(Debug, Default)]
struct StreamState {
    think: ThinkSplitter,
    last: Map<String, Value>,
}

/// The running part.
#[derive(Debug)]
pub struct Reasoning {
    cfg: Config,
    stream: Mutex<StreamState>,
}

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

    /// Stream form of [`Self::split_think`] for the first choice's delta; a chunk that ends
    /// the choice (`finish_reason`) also carries whatever was held back.
    fn stream_think(state: &mut ThinkSplitter, d: &mut Map<String, Value>, finishing: bool) {
        let content = d.get("content").and_then(Value::as_str).filter(|c| !c.is_empty());
        let had_content = content.is_some();
        let mut split = content.map(|c| state.push(c)).unwrap_or_default();
        if finishing {
            let tail = state.finish();
            split.reasoning.push_str(&tail.reasoning);
            split.content.push_str(&tail.content);
        }
        if had_content || !split.content.is_empty() {
            d.insert("content".into(), Value::String(split.content));
        }
        push_reasoning(d, &split.reasoning);
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
        let mut state = self.stream.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(o) = data.as_object() {
            for k in ["id", "object", "created", "model"] {
                if let Some(v) = o.get(k) {
                    state.last.insert(k.to_string(), v.clone());
                }
            }
        }
        let Some(choices) = data.get_mut("choices").and_then(Value::as_array_mut) else { return true };
        for choice in choices.iter_mut() {
            let first = choice.get("index").and_then(Value::as_u64).unwrap_or(0) == 0;
            let finishing = choice.get("finish_reason").is_some_and(|f| !f.is_null());
            let Some(d) = choice.get_mut("delta").and_then(Value::as_object_mut) else { continue };
            normalise_fields(d);
            if self.cfg.think_tags && first {
                Self::stream_think(&mut state.think, d, finishing);
            }
        }
        true
    }

    fn stream_end(&self, p: Protocol) -> Vec<(Option<String>, Value)> {
        if p != Protocol::Openai || !self.cfg.think_tags {
            return Vec::new();
        }
        let mut state = self.stream.lock().unwrap_or_else(|e| e.into_inner());
        let tail = state.think.finish();
        if tail.is_empty() {
            return Vec::new();
        }
        let mut delta = Map::new();
        if !tail.content.is_empty() {
            delta.insert("content".into(), Value::String(tail.content));
        }
        push_reasoning(&mut delta, &tail.reasoning);
        let mut chunk = state.last.clone();
        chunk.entry("object").or_insert_with(|| Value::String("chat.completion.chunk".into()));
        chunk.insert(
            "choices".into(),
            serde_json::json!([{"index": 0, "delta": Value::Object(delta), "finish_reason": null}]),
        );
        vec![(None, Value::Object(chunk))]
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

    /// Feed `chunks` to a fresh splitter and finish; the joined reasoning and content.
    fn run(chunks: &[&str]) -> (String, String) {
        let mut sp = ThinkSplitter::default();
        let mut all = Split::default();
        let mut parts: Vec<Split> = chunks.iter().map(|c| sp.push(c)).collect();
        parts.push(sp.finish());
        for c in parts {
            all.reasoning.push_str(&c.reasoning);
            all.content.push_str(&c.content);
        }
        (all.reasoning, all.content)
    }

    /// (stream content, reasoning, answer)
    const SAMPLES: &[(&str, &str, &str)] = &[
        ("<think>Count the r's.</think>\n\nThree.", "Count the r's.", "Three."),
        ("\n <think>\nplan</think>answer", "plan", "answer"),
        ("<think>x < y and </b> tags</think>done", "x < y and </b> tags", "done"),
        ("<think>a</think>b</think>c", "a", "b</think>c"),
        ("<think>café ☕ ok</think>déjà vu", "café ☕ ok", "déjà vu"),
        ("<think>never closed </thi", "never closed </thi", ""),
        ("<think></think>", "", ""),
        ("a < b, so <think> is text", "", "a < b, so <think> is text"),
        ("<thinking>x", "", "<thinking>x"),
        ("<", "", "<"),
        ("<thi", "", "<thi"),
        ("\n\n", "", "\n\n"),
        ("<3 you", "", "<3 you"),
    ];

    #[test]
    fn every_split_point_gives_the_same_reasoning_and_answer() {
        for &(text, reasoning, answer) in SAMPLES {
            let want = (reasoning.to_string(), answer.to_string());
            assert_eq!(run(&[text]), want, "whole: {text:?}");
            let cuts: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
            for &i in &cuts {
                assert_eq!(run(&[&text[..i], &text[i..]]), want, "{text:?} split at {i}");
                for &j in cuts.iter().filter(|&&j| j >= i) {
                    assert_eq!(run(&[&text[..i], &text[i..j], &text[j..]]), want, "{text:?} split at {i}, {j}");
                }
            }
            let chars: Vec<String> = text.chars().map(String::from).collect();
            let chars: Vec<&str> = chars.iter().map(String::as_str).collect();
            assert_eq!(run(&chars), want, "{text:?} one character per chunk");
        }
    }

    #[test]
    fn bytes_are_held_only_while_they_may_be_a_tag() {
        let mut sp = ThinkSplitter::default();
        assert_eq!(sp.push("<"), Split::default(), "a lone < may start <think>");
        assert_eq!(sp.push("3 apples").content, "<3 apples", "released as soon as it is not a tag");
        assert_eq!(sp.push(" and <think>").content, " and <think>", "content after content is content");
        assert_eq!(sp.finish(), Split::default());

        let mut sp = ThinkSplitter::default();
        assert_eq!(sp.push("<thi"), Split::default());
        assert_eq!(sp.push("nk>Two "), Split { reasoning: "Two ".into(), content: String::new() });
        assert_eq!(sp.push("cities.</th").reasoning, "cities.", "`</th` is held");
        assert_eq!(sp.push("ink>\n\nParis"), Split { reasoning: String::new(), content: "Paris".into() });
        assert_eq!(sp.push(" <").content, " <", "after the block nothing is held");

        // The end of the stream releases what was held, as what it turned out to be.
        let mut sp = ThinkSplitter::default();
        sp.push("  <th");
        assert_eq!(sp.finish(), Split { reasoning: String::new(), content: "  <th".into() });
        let mut sp = ThinkSplitter::default();
        sp.push("<think>almost</");
        assert_eq!(sp.finish(), Split { reasoning: "</".into(), content: String::new() });
        assert_eq!(sp.push("later").content, "later", "after finish everything passes");
    }

    fn chunk(delta: Value, finish: Option<&str>) -> Value {
        json!({"id": "c1", "object": "chat.completion.chunk", "created": 7, "model": "qwq",
               "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
    }

    /// The client-side (Anthropic) bytes for OpenAI upstream events after the transformer.
    fn to_anthropic(t: &dyn Transformer, events: &[Value]) -> String {
        let mut conv = crate::protocol::stream_converter(Protocol::Openai, Protocol::Anthropic, "claude");
        let mut out = Vec::new();
        for ev in events {
            let mut ev = ev.clone();
            assert!(t.stream_event(Protocol::Openai, None, &mut ev));
            conv.push(&SseEvent { event: None, data: ev.to_string() }, &mut out).unwrap();
        }
        for (_, ev) in t.stream_end(Protocol::Openai) {
            conv.push(&SseEvent { event: None, data: ev.to_string() }, &mut out).unwrap();
        }
        conv.push(&SseEvent { event: None, data: "[DONE]".into() }, &mut out).unwrap();
        conv.finish(None, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn tags_split_across_stream_chunks_become_thinking() {
        let t = one(json!("reasoning"));
        let events = [
            chunk(json!({"role": "assistant", "content": "<thi"}), None),
            chunk(json!({"content": "nk>Two "}), None),
            chunk(json!({"content": "cities.</th"}), None),
            chunk(json!({"content": "ink>Paris"}), None),
            chunk(json!({}), Some("stop")),
        ];
        let text = to_anthropic(t.as_ref(), &events);
        assert!(text.contains(r#""thinking":"Two ""#) && text.contains(r#""thinking":"cities.""#), "{text}");
        assert!(text.contains(r#""text":"Paris""#), "{text}");
        for piece in ["<thi", "nk>", "</th", "ink>"] {
            assert!(!text.contains(piece), "{piece:?} leaked: {text}");
        }
    }

    #[test]
    fn held_bytes_ride_the_finish_chunk_or_the_end_of_the_stream() {
        // A lone `<` is the whole answer: it comes out with the finish chunk.
        let t = one(json!("reasoning"));
        let mut a = chunk(json!({"role": "assistant", "content": "<"}), None);
        t.stream_event(Protocol::Openai, None, &mut a);
        assert_eq!(a["choices"][0]["delta"], json!({"role": "assistant", "content": ""}));
        let mut fin = chunk(json!({}), Some("stop"));
        t.stream_event(Protocol::Openai, None, &mut fin);
        assert_eq!(fin["choices"][0]["delta"], json!({"content": "<"}));
        assert!(t.stream_end(Protocol::Openai).is_empty(), "nothing left for the end");

        // No finish_reason (the stream just ends): the end hook releases it, ids copied.
        let t = one(json!("reasoning"));
        let mut a = chunk(json!({"content": "<think>plan</thi"}), None);
        t.stream_event(Protocol::Openai, None, &mut a);
        assert_eq!(a["choices"][0]["delta"], json!({"content": "", "reasoning_content": "plan"}));
        let end = t.stream_end(Protocol::Openai);
        assert_eq!(end.len(), 1);
        assert_eq!(
            end[0].1,
            json!({"id": "c1", "object": "chat.completion.chunk", "created": 7, "model": "qwq",
                   "choices": [{"index": 0, "delta": {"reasoning_content": "</thi"}, "finish_reason": null}]})
        );
        assert!(t.stream_end(Protocol::Openai).is_empty(), "released once");
        let text = to_anthropic(one(json!("reasoning")).as_ref(), &[chunk(json!({"content": "<"}), None)]);
        assert!(text.contains(r#""text":"<""#), "{text}");

        // Without think_tags nothing is held.
        let off = one(json!(["reasoning", {"think_tags": false}]));
        let mut a = chunk(json!({"content": "<thi"}), None);
        off.stream_event(Protocol::Openai, None, &mut a);
        assert_eq!(a["choices"][0]["delta"]["content"], "<thi");
        assert!(off.stream_end(Protocol::Openai).is_empty());
    }
}
