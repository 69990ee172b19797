//! `tooluse`: make OpenAI-compatible models that tend to answer in prose call tools.
//!
//! The behaviour claude-code-router documents for its `tooluse` transformer ("Tool mode",
//! used with deepseek-chat): when the request carries tools, a `<system-reminder>` that tool
//! mode is active is appended to the messages, `tool_choice` becomes `"required"`, and an
//! `ExitTool` function (one string argument, `response`) is put first in the tool list as
//! the only way to answer without a real tool. On the way back, an `ExitTool` call is turned
//! into plain assistant text — in non-stream bodies and, call fragment by fragment, in
//! streams — so the client never sees it. Differences from that router, on purpose: an
//! explicit `tool_choice` of `"none"` or a named function is respected (the client's choice
//! is stricter than "required"), and `finish_reason` becomes `"stop"` when `ExitTool` was
//! the only call, so converted Anthropic responses end with `end_turn`, not `tool_use`.
//! Only OpenAI-protocol bodies are touched.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::sync::Mutex;

use super::enhancetool::repair;
use super::{Protocol, Transformer};

/// The escape tool's name.
pub const EXIT_TOOL: &str = "ExitTool";

const REMINDER: &str = "<system-reminder>Tool mode is active. The user expects you to proactively \
use the most suitable tool to help complete the task. Before calling a tool, check that it fits the \
current task. If no available tool is appropriate, you MUST call the `ExitTool` tool to leave tool \
mode; it is the only valid way to answer without a tool. Prefer completing the user's task with \
tools whenever they apply.</system-reminder>";

const EXIT_DESCRIPTION: &str = "Use this tool when you are in tool mode and no available tool fits \
the task, or the task is complete. It is the only valid way to leave tool mode. Before using it, make \
sure none of the other tools applies. Put your whole answer to the user in `response`.";

/// No options.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {}

impl Config {
    /// The running transformer (tracks the `ExitTool` call of a stream: one per request).
    pub fn build(&self) -> Box<dyn Transformer> {
        Box::new(ToolUse::default())
    }
}

/// Stream state: which tool-call index is `ExitTool`, its argument text so far.
#[derive(Debug, Default)]
struct ExitCall {
    index: Option<u64>,
    args: String,
    emitted: bool,
    other_calls: bool,
}

/// The running part.
#[derive(Debug, Default)]
pub struct ToolUse {
    stream: Mutex<ExitCall>,
}

fn exit_tool() -> Value {
    json!({
        "type": "function",
        "function": {
            "name": EXIT_TOOL,
            "description": EXIT_DESCRIPTION,
            "parameters": {
                "type": "object",
                "properties": {
                    "response": {
                        "type": "string",
                        "description": "Your answer; it is forwarded to the user exactly as written."
                    }
                },
                "required": ["response"]
            }
        }
    })
}

/// The `response` argument of an `ExitTool` call (repaired if need be).
fn exit_response(args: &str) -> Option<String> {
    let v = repair(args)?;
    Some(v.get("response").and_then(Value::as_str).unwrap_or_default().to_string())
}

fn is_exit(call: &Value) -> bool {
    call.pointer("/function/name").and_then(Value::as_str) == Some(EXIT_TOOL)
}

impl Transformer for ToolUse {
    fn name(&self) -> &'static str {
        "tooluse"
    }

    fn request(&self, p: Protocol, body: &mut Value) {
        if p != Protocol::Openai {
            return;
        }
        let Some(obj) = body.as_object_mut() else { return };
        let has_tools = obj.get("tools").and_then(Value::as_array).is_some_and(|t| !t.is_empty());
        let client_choice = obj.get("tool_choice").filter(|c| !c.is_null());
        let respect = client_choice.is_some_and(|c| c.as_str() == Some("none") || c.is_object());
        if !has_tools || respect || !obj.get("messages").is_some_and(Value::is_array) {
            return;
        }
        if let Some(Value::Array(msgs)) = obj.get_mut("messages") {
            msgs.push(json!({"role": "system", "content": REMINDER}));
        }
        if let Some(Value::Array(tools)) = obj.get_mut("tools") {
            if !tools.iter().any(is_exit) {
                tools.insert(0, exit_tool());
            }
        }
        obj.insert("tool_choice".into(), Value::from("required"));
    }

    fn response(&self, p: Protocol, body: &mut Value) {
        if p != Protocol::Openai {
            return;
        }
        let Some(choices) = body.get_mut("choices").and_then(Value::as_array_mut) else { return };
        for choice in choices {
            let Some(m) = choice.get_mut("message").and_then(Value::as_object_mut) else { continue };
            let Some(Value::Array(calls)) = m.get_mut("tool_calls") else { continue };
            let Some(pos) = calls.iter().position(is_exit) else { continue };
            let call = calls.remove(pos);
            let only = calls.is_empty();
            if only {
                m.remove("tool_calls");
            }
            let args = call.pointer("/function/arguments").and_then(Value::as_str).unwrap_or("{}");
            let text = exit_response(args).unwrap_or_default();
            match m.get_mut("content") {
                Some(Value::String(s)) if !s.is_empty() => {
                    s.push_str("\n\n");
                    s.push_str(&text);
                }
                _ => {
                    m.insert("content".into(), Value::String(text));
                }
            }
            if only && choice.get("finish_reason").and_then(Value::as_str) == Some("tool_calls") {
                choice["finish_reason"] = Value::from("stop");
            }
        }
    }

    fn stream_event(&self, p: Protocol, _event: Option<&str>, data: &mut Value) -> bool {
        if p != Protocol::Openai {
            return true;
        }
        let has_usage = data.get("usage").is_some_and(|u| !u.is_null());
        let Some(choices) = data.get_mut("choices").and_then(Value::as_array_mut) else { return true };
        let mut st = self.stream.lock().unwrap_or_else(|e| e.into_inner());
        let mut keep = choices.is_empty() || has_usage;
        for choice in choices.iter_mut() {
            if choice.get("index").and_then(Value::as_u64).unwrap_or(0) != 0 {
                keep = true;
                continue;
            }
            let finish = choice.get("finish_reason").and_then(Value::as_str).map(str::to_string);
            let Some(d) = choice.get_mut("delta").and_then(Value::as_object_mut) else {
                keep = true;
                continue;
            };
            let mut touched = false;
            if let Some(Value::Array(calls)) = d.get_mut("tool_calls") {
                calls.retain(|call| {
                    let idx = call.get("index").and_then(Value::as_u64).unwrap_or(0);
                    if is_exit(call) {
                        st.index = Some(idx);
                    } else if st.index != Some(idx) {
                        st.other_calls = true;
                        return true;
                    }
                    if let Some(a) = call.pointer("/function/arguments").and_then(Value::as_str) {
                        st.args.push_str(a);
                    }
                    false
                });
                touched = true;
                if calls.is_empty() {
                    d.remove("tool_calls");
                }
            }
            // Send the answer once its arguments are complete (or the call ended cut off).
            if st.index.is_some() && !st.emitted {
                let complete = serde_json::from_str::<Value>(&st.args).is_ok();
                if complete || finish.is_some() {
                    if let Some(text) = exit_response(&st.args) {
                        st.emitted = true;
                        d.insert("content".into(), Value::String(text));
                    }
                }
            }
            if finish.as_deref() == Some("tool_calls") && st.index.is_some() && !st.other_calls {
                choice["finish_reason"] = Value::from("stop");
            }
            let d_empty = choice.get("delta").and_then(Value::as_object).is_none_or(|d| d.is_empty());
            keep |= finish.is_some() || !touched || !d_empty;
        }
        keep
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::one;
    use super::*;
    use crate::protocol::sse::SseEvent;

    fn request() -> Value {
        json!({"model": "deepseek-chat", "messages": [
                {"role": "system", "content": "You are Claude Code."},
                {"role": "user", "content": "What is 2+2?"}],
               "tools": [{"type": "function", "function": {"name": "Bash", "parameters": {"type": "object"}}}],
               "tool_choice": "auto", "stream": true})
    }

    #[test]
    fn request_forces_tools_with_an_exit() {
        let t = one(json!("tooluse"));
        let mut body = request();
        t.request(Protocol::Openai, &mut body);
        assert_eq!(body["tool_choice"], "required");
        let names: Vec<&str> =
            body["tools"].as_array().unwrap().iter().map(|t| t["function"]["name"].as_str().unwrap()).collect();
        assert_eq!(names, [EXIT_TOOL, "Bash"]);
        let last = body["messages"].as_array().unwrap().last().unwrap();
        assert_eq!(last["role"], "system");
        assert!(last["content"].as_str().unwrap().contains("Tool mode is active"));
        // idempotent on retry (the proxy may rebuild a body for the next channel)
        t.request(Protocol::Openai, &mut body);
        assert_eq!(body["tools"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn request_without_tools_or_with_explicit_choice_is_untouched() {
        let t = one(json!("tooluse"));
        let mut none = request();
        none["tool_choice"] = json!("none");
        let mut named = request();
        named["tool_choice"] = json!({"type": "function", "function": {"name": "Bash"}});
        let mut no_tools = request();
        no_tools.as_object_mut().unwrap().remove("tools");
        for body in [none, named, no_tools] {
            let mut b = body.clone();
            t.request(Protocol::Openai, &mut b);
            assert_eq!(b, body);
        }
        let mut absent = request();
        absent.as_object_mut().unwrap().remove("tool_choice");
        t.request(Protocol::Openai, &mut absent);
        assert_eq!(absent["tool_choice"], "required");
    }

    #[test]
    fn exit_call_becomes_text() {
        let t = one(json!("tooluse"));
        let mut body = json!({"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "deepseek-chat",
            "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {"role": "assistant", "content": "", "tool_calls": [
                {"id": "call_0", "type": "function", "function": {"name": "ExitTool", "arguments": "{\"response\": \"4\"}"}}]}}],
            "usage": {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8}});
        t.response(Protocol::Openai, &mut body);
        let c = &body["choices"][0];
        assert_eq!(c["message"], json!({"role": "assistant", "content": "4"}));
        assert_eq!(c["finish_reason"], "stop");
        let a = crate::protocol::convert_response(Protocol::Openai, Protocol::Anthropic, &body, "claude").unwrap();
        assert_eq!(a["stop_reason"], "end_turn");
        assert_eq!(a["content"], json!([{"type": "text", "text": "4"}]));

        // a real call next to it stays, and so does tool_calls
        let mut both = json!({"choices": [{"index": 0, "finish_reason": "tool_calls", "message": {"role": "assistant", "content": null, "tool_calls": [
            {"id": "call_0", "type": "function", "function": {"name": "Bash", "arguments": "{}"}},
            {"id": "call_1", "type": "function", "function": {"name": "ExitTool", "arguments": "{\"response\": \"done\"}"}}]}}]});
        t.response(Protocol::Openai, &mut both);
        assert_eq!(both["choices"][0]["message"]["tool_calls"].as_array().unwrap().len(), 1);
        assert_eq!(both["choices"][0]["finish_reason"], "tool_calls");
    }

    #[test]
    fn streamed_exit_call_becomes_a_text_delta() {
        let t = one(json!("tooluse"));
        let chunk = |delta: Value, finish: Value| {
            json!({"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "deepseek-chat",
                   "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
        };
        let events = vec![
            chunk(json!({"role": "assistant", "content": ""}), Value::Null),
            chunk(
                json!({"tool_calls": [{"index": 0, "id": "call_0", "type": "function", "function": {"name": "ExitTool", "arguments": ""}}]}),
                Value::Null,
            ),
            chunk(
                json!({"tool_calls": [{"index": 0, "function": {"arguments": "{\"response\": \"2+2"}}]}),
                Value::Null,
            ),
            chunk(json!({"tool_calls": [{"index": 0, "function": {"arguments": " = 4\"}"}}]}), Value::Null),
            chunk(json!({}), json!("tool_calls")),
        ];
        let mut conv = crate::protocol::stream_converter(Protocol::Openai, Protocol::Anthropic, "claude");
        let mut out = Vec::new();
        let mut kept = Vec::new();
        for mut ev in events {
            if t.stream_event(Protocol::Openai, None, &mut ev) {
                conv.push(&SseEvent { event: None, data: ev.to_string() }, &mut out).unwrap();
                kept.push(ev);
            }
        }
        conv.finish(None, &mut out);
        assert_eq!(kept.len(), 3, "the call's opening and first fragment are dropped");
        assert_eq!(kept[1]["choices"][0]["delta"], json!({"content": "2+2 = 4"}));
        assert_eq!(kept[2]["choices"][0]["finish_reason"], "stop");
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains(EXIT_TOOL), "{text}");
        assert!(text.contains(r#""text":"2+2 = 4""#), "{text}");
        assert!(text.contains(r#""stop_reason":"end_turn""#), "{text}");
    }
}
