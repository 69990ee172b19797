//! `enhancetool`: repair malformed tool-call argument JSON coming back from the upstream.
//!
//! Weaker models emit arguments with trailing commas, single quotes, unquoted keys, Python
//! literals, raw newlines inside strings, markdown fences, or cut off mid-object; the
//! converters would otherwise replace such arguments with `{}` and the tool call would run
//! with nothing. [`repair`] is best-effort and never panics; valid JSON is never changed.
//! Only OpenAI upstreams carry arguments as text (Anthropic `input` and Gemini `args` are
//! already JSON objects), so only OpenAI bodies are touched. On streams the argument
//! fragments of each call are held back and sent, repaired, with the chunk carrying
//! `finish_reason` — the client sees each call's arguments at once instead of piecemeal.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::sync::Mutex;

use super::{Protocol, Transformer};

/// No options.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {}

impl Config {
    /// The running transformer (holds per-stream buffers, so build one per request).
    pub fn build(&self) -> Box<dyn Transformer> {
        Box::new(EnhanceTool::default())
    }
}

/// The running part: argument buffers of the stream in progress, by tool-call index.
#[derive(Debug, Default)]
pub struct EnhanceTool {
    pending: Mutex<Vec<(u64, String)>>,
}

/// Repair argument text into JSON. `None` when even the repaired text does not parse.
/// Blank text is `{}`; valid JSON is returned as parsed.
pub fn repair(text: &str) -> Option<Value> {
    let t = text.trim();
    if t.is_empty() {
        return Some(Value::Object(Map::new()));
    }
    if let Ok(v) = serde_json::from_str(t) {
        return Some(v);
    }
    let t = strip_fences(t);
    if let Ok(v) = serde_json::from_str(t) {
        return Some(v);
    }
    let chars: Vec<char> = t.chars().collect();
    let (body, stack) = rewrite(&chars);
    let closers: String = stack.iter().rev().map(|&c| if c == '{' { '}' } else { ']' }).collect();
    let mut body = body.trim_end().to_string();
    if body.ends_with(',') {
        body.pop();
    }
    if body.ends_with(':') {
        body.push_str("null");
    }
    // A cut-off key (`{"a": 1, "b`) needs a value to close.
    [format!("{body}{closers}"), format!("{body}:null{closers}")]
        .iter()
        .find_map(|candidate| serde_json::from_str(candidate).ok())
}

fn strip_fences(t: &str) -> &str {
    let Some(rest) = t.strip_prefix("```") else { return t };
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    rest.trim().strip_suffix("```").unwrap_or(rest).trim()
}

/// One pass over the text: quotes single-quoted strings and bare keys, drops commas before
/// closers, escapes raw control characters, maps Python literals. Returns the text and the
/// brackets still open.
fn rewrite(chars: &[char]) -> (String, Vec<char>) {
    let mut out = String::with_capacity(chars.len() + 16);
    let mut stack: Vec<char> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '"' | '\'' => i = read_string(chars, i, &mut out),
            '{' | '[' => {
                stack.push(c);
                out.push(c);
                i += 1;
            }
            '}' | ']' => {
                let open = if c == '}' { '{' } else { '[' };
                if stack.last() == Some(&open) {
                    let kept = out.trim_end().len();
                    out.truncate(kept);
                    if out.ends_with(',') {
                        out.pop();
                    }
                    stack.pop();
                    out.push(c);
                }
                i += 1;
            }
            c if c.is_alphanumeric() || matches!(c, '_' | '$' | '-' | '+' | '.') => {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || matches!(chars[i], '_' | '$' | '-' | '+' | '.'))
                {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                let is_key = chars[i..].iter().find(|c| !c.is_whitespace()) == Some(&':');
                out.push_str(&bare_word(&word, is_key, i == chars.len()));
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    (out, stack)
}

/// A bare word as JSON: keys are quoted, literals mapped, numbers kept, anything else quoted.
fn bare_word(word: &str, is_key: bool, at_end: bool) -> String {
    if is_key {
        return Value::String(word.to_string()).to_string();
    }
    match word {
        "true" | "True" => return "true".into(),
        "false" | "False" => return "false".into(),
        "null" | "None" => return "null".into(),
        _ => {}
    }
    if serde_json::from_str::<serde_json::Number>(word).is_ok() {
        return word.to_string();
    }
    if at_end {
        // A number cut off after its dot or exponent sign.
        let trimmed = word.trim_end_matches(['.', 'e', 'E', '+', '-']);
        if !trimmed.is_empty() && serde_json::from_str::<serde_json::Number>(trimmed).is_ok() {
            return trimmed.to_string();
        }
    }
    Value::String(word.to_string()).to_string()
}

/// Copy a string starting at `chars[start]` (either quote) as a double-quoted JSON string;
/// returns the index after it. An unterminated string is closed.
fn read_string(chars: &[char], start: usize, out: &mut String) -> usize {
    let quote = chars[start];
    out.push('"');
    let mut j = start + 1;
    while j < chars.len() {
        let c = chars[j];
        match c {
            '\\' => {
                match chars.get(j + 1) {
                    Some('\'') => out.push('\''),
                    Some(&n) => {
                        out.push('\\');
                        out.push(n);
                    }
                    None => {}
                }
                j += 2;
                continue;
            }
            c if c == quote => {
                out.push('"');
                return j + 1;
            }
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
        j += 1;
    }
    out.push('"');
    chars.len()
}

/// Repaired argument text, or `None` when it is already valid or cannot be repaired.
fn fixed_arguments(args: &str) -> Option<String> {
    if serde_json::from_str::<Value>(args).is_ok() {
        return None;
    }
    repair(args).map(|v| v.to_string())
}

impl Transformer for EnhanceTool {
    fn name(&self) -> &'static str {
        "enhancetool"
    }

    fn response(&self, p: Protocol, body: &mut Value) {
        if p != Protocol::Openai {
            return;
        }
        let Some(choices) = body.get_mut("choices").and_then(Value::as_array_mut) else { return };
        for choice in choices {
            let Some(calls) = choice.pointer_mut("/message/tool_calls").and_then(Value::as_array_mut) else { continue };
            for call in calls {
                if let Some(args) = call.pointer_mut("/function/arguments") {
                    if let Some(fixed) = args.as_str().and_then(fixed_arguments) {
                        *args = Value::String(fixed);
                    }
                }
            }
        }
    }

    fn stream_event(&self, p: Protocol, _event: Option<&str>, data: &mut Value) -> bool {
        if p != Protocol::Openai {
            return true;
        }
        let has_usage = data.get("usage").is_some_and(|u| !u.is_null());
        let Some(choices) = data.get_mut("choices").and_then(Value::as_array_mut) else { return true };
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        let mut keep = choices.is_empty() || has_usage;
        for choice in choices.iter_mut() {
            if choice.get("index").and_then(Value::as_u64).unwrap_or(0) != 0 {
                keep = true;
                continue;
            }
            let finished = choice.get("finish_reason").is_some_and(|f| !f.is_null());
            let Some(delta) = choice.get_mut("delta").and_then(Value::as_object_mut) else {
                keep = true;
                continue;
            };
            if let Some(calls) = delta.get_mut("tool_calls").and_then(Value::as_array_mut) {
                calls.retain_mut(|call| {
                    let idx = call.get("index").and_then(Value::as_u64).unwrap_or(0);
                    let Some(f) = call.get_mut("function").and_then(Value::as_object_mut) else { return true };
                    if let Some(Value::String(a)) = f.remove("arguments") {
                        match pending.iter_mut().find(|(i, _)| *i == idx) {
                            Some((_, buf)) => buf.push_str(&a),
                            None => pending.push((idx, a)),
                        }
                    }
                    // Keep the call's opening (id, name); a bare fragment is dropped.
                    call.as_object().is_some_and(|o| o.keys().any(|k| k != "index" && k != "function"))
                        || call.pointer("/function").and_then(Value::as_object).is_some_and(|f| !f.is_empty())
                });
                if calls.is_empty() {
                    delta.remove("tool_calls");
                }
            }
            if finished && !pending.is_empty() {
                let flushed = drain_repaired(&mut pending);
                match delta.get_mut("tool_calls").and_then(Value::as_array_mut) {
                    Some(calls) => calls.extend(flushed),
                    None => {
                        delta.insert("tool_calls".into(), Value::Array(flushed));
                    }
                }
            }
            keep |= finished || !delta.is_empty();
        }
        keep
    }

    /// A stream that ends without `finish_reason` still gets the arguments held back.
    fn stream_end(&self, p: Protocol) -> Vec<(Option<String>, Value)> {
        if p != Protocol::Openai {
            return Vec::new();
        }
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        if pending.is_empty() {
            return Vec::new();
        }
        let calls = drain_repaired(&mut pending);
        let chunk = serde_json::json!({"object": "chat.completion.chunk",
            "choices": [{"index": 0, "delta": {"tool_calls": calls}, "finish_reason": null}]});
        vec![(None, chunk)]
    }
}

/// The held argument buffers as repaired `tool_calls` fragments, emptying them.
fn drain_repaired(pending: &mut Vec<(u64, String)>) -> Vec<Value> {
    pending
        .drain(..)
        .map(|(idx, args)| {
            let args = fixed_arguments(&args).unwrap_or(args);
            serde_json::json!({"index": idx, "function": {"arguments": args}})
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::testutil::one;
    use super::*;
    use crate::protocol::sse::SseEvent;
    use serde_json::json;

    #[test]
    fn repairs_common_breakage() {
        for (bad, good) in [
            (r#"{"file_path": "/src/main.rs", "limit": 100,}"#, json!({"file_path": "/src/main.rs", "limit": 100})),
            (
                r#"{'command': 'ls -la', 'description': "List files"}"#,
                json!({"command": "ls -la", "description": "List files"}),
            ),
            (r#"{command: "git status", timeout: 5000}"#, json!({"command": "git status", "timeout": 5000})),
            (r#"{"pattern": "fn main", "glob": "*.rs""#, json!({"pattern": "fn main", "glob": "*.rs"})),
            (
                r#"{"todos": [{"content": "Fix bug", "status": "pending"}, {"content": "Add te"#,
                json!({"todos": [{"content": "Fix bug", "status": "pending"}, {"content": "Add te"}]}),
            ),
            (r#"{"replace_all": True, "old": None, "n": 1."#, json!({"replace_all": true, "old": null, "n": 1})),
            ("{\"content\": \"line1\nline2\"}", json!({"content": "line1\nline2"})),
            ("```json\n{\"a\": [1, 2,],}\n```", json!({"a": [1, 2]})),
            (r#"{"a": 1, "b"#, json!({"a": 1, "b": null})),
            (r#"{"a":"#, json!({"a": null})),
            (r#"{'msg': 'it\'s "quoted"'}"#, json!({"msg": "it's \"quoted\""})),
            ("", json!({})),
        ] {
            assert_eq!(repair(bad), Some(good), "{bad}");
        }
    }

    #[test]
    fn never_panics_on_garbage() {
        for junk in ["}", "]]]", "{\"a\\", "'", "{[}]", "\u{0}", "{\"é\": 'ü", ":::", "{,}", "[,1,]", "\\u00"] {
            let _ = repair(junk);
        }
    }

    #[test]
    fn response_repairs_only_broken_arguments() {
        let t = one(json!("enhancetool"));
        let valid = r#"{ "path" : "a.rs" }"#; // valid but not compact: must stay byte-identical
        let mut body = json!({
            "id": "chatcmpl-1", "object": "chat.completion", "model": "deepseek-chat",
            "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {"role": "assistant", "content": null, "tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": "Read", "arguments": valid}},
                {"id": "call_2", "type": "function", "function": {"name": "Bash", "arguments": "{command: 'ls',}"}}
            ]}}]
        });
        t.response(Protocol::Openai, &mut body);
        let calls = &body["choices"][0]["message"]["tool_calls"];
        assert_eq!(calls[0]["function"]["arguments"], valid);
        assert_eq!(calls[1]["function"]["arguments"], r#"{"command":"ls"}"#);
        // the converter now sees real arguments instead of {}
        let a = crate::protocol::convert_response(Protocol::Openai, Protocol::Anthropic, &body, "claude").unwrap();
        assert_eq!(a["content"][1]["input"], json!({"command": "ls"}));
    }

    #[test]
    fn stream_holds_fragments_and_sends_them_repaired_at_finish() {
        let t = one(json!("enhancetool"));
        let chunk = |delta: Value, finish: Value| {
            json!({"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "deepseek-chat",
                   "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
        };
        let events = vec![
            chunk(json!({"role": "assistant", "content": "Listing."}), Value::Null),
            chunk(
                json!({"tool_calls": [{"index": 0, "id": "call_9", "type": "function", "function": {"name": "Bash", "arguments": ""}}]}),
                Value::Null,
            ),
            chunk(json!({"tool_calls": [{"index": 0, "function": {"arguments": "{'command': "}}]}), Value::Null),
            chunk(json!({"tool_calls": [{"index": 0, "function": {"arguments": "'ls -la',}"}}]}), Value::Null),
            chunk(json!({}), json!("tool_calls")),
        ];
        let mut conv = crate::protocol::stream_converter(Protocol::Openai, Protocol::Anthropic, "claude-sonnet-4");
        let mut out = Vec::new();
        let mut kept = 0;
        for mut ev in events {
            if t.stream_event(Protocol::Openai, None, &mut ev) {
                kept += 1;
                conv.push(&SseEvent { event: None, data: ev.to_string() }, &mut out).unwrap();
            }
        }
        conv.finish(None, &mut out);
        assert_eq!(kept, 3, "the two bare argument fragments are held back");
        let text = String::from_utf8(out).unwrap();
        let partial: String = text
            .lines()
            .filter_map(|l| l.strip_prefix("data: "))
            .filter_map(|d| serde_json::from_str::<Value>(d).ok())
            .filter(|v| v["delta"]["type"] == "input_json_delta")
            .map(|v| v["delta"]["partial_json"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(serde_json::from_str::<Value>(&partial).unwrap(), json!({"command": "ls -la"}), "{text}");
    }
}
