//! The OpenAI Responses API (`POST /v1/responses`) as a client dialect of the OpenAI
//! protocol: a Responses request becomes a Chat Completions request ([`request_to_chat`]),
//! and the Chat Completions answer becomes a Responses object ([`chat_to_response`]); the
//! stream encoder for the semantic event stream is in `stream.rs` and builds its items
//! with the helpers here. Chat Completions is the pivot because every channel protocol
//! already converts to and from it, so rules and transformers see a body they know.
//!
//! Routex keeps no server-side state: `previous_response_id` and `conversation` are
//! refused with a sentence naming the field (the answers say `store: false`). Pure
//! functions, no I/O; called by the proxy's request path.

use super::super::{ConvertError, Usage};
use super::{fnv1a, now_secs, Finish};
use serde_json::{json, Map, Value};

type Result<T> = std::result::Result<T, ConvertError>;

/// The endpoint of the Responses API, as the proxy names it.
pub const ENDPOINT: &str = "/v1/responses";

fn invalid(msg: String) -> ConvertError {
    ConvertError::Invalid(msg)
}

/// The text of a content part list or string (`input_text`, `output_text`, `text`,
/// `refusal` parts), joined.
fn texts(v: &Value, field: &str) -> Result<String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Array(parts) => {
            let mut out = String::new();
            for (i, p) in parts.iter().enumerate() {
                let kind = p.get("type").and_then(Value::as_str).unwrap_or("");
                let t = match kind {
                    "input_text" | "output_text" | "text" => p.get("text").and_then(Value::as_str),
                    "refusal" => p.get("refusal").and_then(Value::as_str),
                    other => {
                        return Err(invalid(format!(
                            "{field}[{i}]: content of type {other:?} is not supported here (send text)"
                        )))
                    }
                };
                out.push_str(t.unwrap_or(""));
            }
            Ok(out)
        }
        Value::Null => Ok(String::new()),
        _ => Err(invalid(format!("{field}: expected a string or an array of content parts"))),
    }
}

/// A user or system message's content as Chat Completions content (text stays a string;
/// images become `image_url` parts).
fn user_content(v: &Value, field: &str) -> Result<Value> {
    let Value::Array(parts) = v else { return Ok(Value::String(texts(v, field)?)) };
    if parts.iter().all(|p| p.get("type").and_then(Value::as_str) != Some("input_image")) {
        return Ok(Value::String(texts(v, field)?));
    }
    let mut out = Vec::new();
    for (i, p) in parts.iter().enumerate() {
        match p.get("type").and_then(Value::as_str).unwrap_or("") {
            "input_image" => {
                let Some(url) = p.get("image_url").and_then(Value::as_str) else {
                    return Err(invalid(format!(
                        "{field}[{i}].image_url: required (a URL or a data URL; file_id is not supported by routex)"
                    )));
                };
                let mut image = json!({ "url": url });
                if let Some(d) = p.get("detail").and_then(Value::as_str) {
                    image["detail"] = Value::String(d.to_string());
                }
                out.push(json!({"type": "image_url", "image_url": image}));
            }
            _ => out.push(json!({"type": "text", "text": texts(&Value::Array(vec![p.clone()]), field)?})),
        }
    }
    Ok(Value::Array(out))
}

/// The assistant message the next `function_call` item joins (the last message when it
/// is an assistant's, else a new one).
fn assistant_turn<'a>(messages: &'a mut Vec<Value>, pending_reasoning: &mut Option<String>) -> &'a mut Value {
    let reuse = messages.last().is_some_and(|m| m["role"] == "assistant");
    if !reuse {
        messages.push(json!({"role": "assistant", "content": null}));
    }
    let m = messages.last_mut().expect("pushed");
    if let Some(r) = pending_reasoning.take() {
        m["reasoning_content"] = Value::String(r);
    }
    m
}

/// A Responses API request body as a Chat Completions request body.
pub fn request_to_chat(body: &Value) -> Result<Value> {
    let Some(req) = body.as_object() else {
        return Err(invalid("request body: expected a JSON object".into()));
    };
    for field in ["previous_response_id", "conversation"] {
        if req.get(field).is_some_and(|v| !v.is_null()) {
            return Err(invalid(format!(
                "{field}: routex keeps no responses (it answers as with store: false); send the whole conversation \
                 in input instead"
            )));
        }
    }
    let mut chat = Map::new();
    if let Some(m) = req.get("model") {
        chat.insert("model".into(), m.clone());
    }
    let mut messages: Vec<Value> = Vec::new();
    if let Some(i) = req.get("instructions").filter(|v| !v.is_null()) {
        messages.push(json!({"role": "system", "content": texts(i, "instructions")?}));
    }
    let mut pending_reasoning: Option<String> = None;
    match req.get("input") {
        None | Some(Value::Null) => {
            return Err(invalid("input: field required (a string or an array of items)".into()))
        }
        Some(Value::String(s)) => messages.push(json!({"role": "user", "content": s})),
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                let field = format!("input[{i}]");
                let kind = item.get("type").and_then(Value::as_str).unwrap_or("message");
                match kind {
                    "message" => {
                        let role = item.get("role").and_then(Value::as_str).unwrap_or("");
                        let content = item.get("content").unwrap_or(&Value::Null);
                        let field = format!("{field}.content");
                        match role {
                            "user" | "system" | "developer" => {
                                messages.push(json!({"role": role, "content": user_content(content, &field)?}))
                            }
                            "assistant" => {
                                let mut m = json!({"role": "assistant", "content": texts(content, &field)?});
                                if let Some(r) = pending_reasoning.take() {
                                    m["reasoning_content"] = Value::String(r);
                                }
                                messages.push(m);
                            }
                            other => {
                                return Err(invalid(format!(
                                    "input[{i}].role: {other:?} is not a message role (user, assistant, system or \
                                     developer)"
                                )))
                            }
                        }
                    }
                    "function_call" => {
                        let call_id = item.get("call_id").and_then(Value::as_str).ok_or_else(|| {
                            invalid(format!(
                                "{field}.call_id: field required (the id the function_call_output answers)"
                            ))
                        })?;
                        let name = item
                            .get("name")
                            .and_then(Value::as_str)
                            .ok_or_else(|| invalid(format!("{field}.name: field required")))?;
                        let args = item.get("arguments").and_then(Value::as_str).unwrap_or("{}");
                        let call =
                            json!({"id": call_id, "type": "function", "function": {"name": name, "arguments": args}});
                        let m = assistant_turn(&mut messages, &mut pending_reasoning);
                        match m.get_mut("tool_calls").and_then(Value::as_array_mut) {
                            Some(calls) => calls.push(call),
                            None => m["tool_calls"] = json!([call]),
                        }
                    }
                    "function_call_output" => {
                        let call_id = item.get("call_id").and_then(Value::as_str).ok_or_else(|| {
                            invalid(format!("{field}.call_id: field required (the call_id of the function_call)"))
                        })?;
                        let output = texts(item.get("output").unwrap_or(&Value::Null), &format!("{field}.output"))?;
                        messages.push(json!({"role": "tool", "tool_call_id": call_id, "content": output}));
                    }
                    "reasoning" => {
                        // The summary travels as the next assistant turn's reasoning; an
                        // encrypted_content is the provider's own and cannot be sent elsewhere.
                        let summary = item
                            .get("summary")
                            .and_then(Value::as_array)
                            .map(|s| s.iter().filter_map(|p| p.get("text").and_then(Value::as_str)).collect::<Vec<_>>())
                            .unwrap_or_default()
                            .join("\n\n");
                        if !summary.is_empty() {
                            pending_reasoning = Some(summary);
                        }
                    }
                    other => {
                        return Err(invalid(format!(
                            "{field}.type: input items of type {other:?} are not supported by routex (message, \
                             function_call, function_call_output and reasoning are)"
                        )))
                    }
                }
            }
        }
        Some(_) => return Err(invalid("input: expected a string or an array of items".into())),
    }
    chat.insert("messages".into(), Value::Array(messages));
    if let Some(tools) = req.get("tools").and_then(Value::as_array).filter(|t| !t.is_empty()) {
        let mut out = Vec::new();
        for (i, t) in tools.iter().enumerate() {
            match t.get("type").and_then(Value::as_str).unwrap_or("") {
                "function" => {
                    let mut f = Map::new();
                    for k in ["name", "description", "parameters", "strict"] {
                        if let Some(v) = t.get(k).filter(|v| !v.is_null()) {
                            f.insert(k.into(), v.clone());
                        }
                    }
                    if !f.contains_key("name") {
                        return Err(invalid(format!("tools[{i}].name: field required")));
                    }
                    out.push(json!({"type": "function", "function": f}));
                }
                // Hosted tools (web_search, file_search, …) run at OpenAI, and Codex's tool
                // namespaces and freeform custom tools have no form on the other protocols:
                // the model is not offered them (docs/agents.md says so).
                other => log::debug!("tools[{i}]: a tool of type {other:?} is left out (routex passes function tools)"),
            }
        }
        if !out.is_empty() {
            chat.insert("tools".into(), Value::Array(out));
        }
    }
    match req.get("tool_choice") {
        Some(Value::String(s)) => {
            chat.insert("tool_choice".into(), Value::String(s.clone()));
        }
        Some(Value::Object(o)) if o.get("type").and_then(Value::as_str) == Some("function") => {
            let name = o.get("name").cloned().unwrap_or(Value::Null);
            chat.insert("tool_choice".into(), json!({"type": "function", "function": {"name": name}}));
        }
        Some(Value::Object(o)) => {
            let kind = o.get("type").and_then(Value::as_str).unwrap_or("");
            return Err(invalid(format!(
                "tool_choice.type: {kind:?} is not supported by routex (auto, none, required or a function)"
            )));
        }
        _ => {}
    }
    if let Some(n) = req.get("max_output_tokens").filter(|v| !v.is_null()) {
        chat.insert("max_completion_tokens".into(), n.clone());
    }
    if let Some(e) = req.get("reasoning").and_then(|r| r.get("effort")).filter(|v| !v.is_null()) {
        chat.insert("reasoning_effort".into(), e.clone());
    }
    for k in ["temperature", "top_p", "parallel_tool_calls", "user"] {
        if let Some(v) = req.get(k).filter(|v| !v.is_null()) {
            chat.insert(k.into(), v.clone());
        }
    }
    match req.get("text").and_then(|t| t.get("format")) {
        Some(f) if f.get("type").and_then(Value::as_str) == Some("json_schema") => {
            let mut schema = Map::new();
            for k in ["name", "schema", "strict", "description"] {
                if let Some(v) = f.get(k).filter(|v| !v.is_null()) {
                    schema.insert(k.into(), v.clone());
                }
            }
            chat.insert("response_format".into(), json!({"type": "json_schema", "json_schema": schema}));
        }
        Some(f) if f.get("type").and_then(Value::as_str) == Some("json_object") => {
            chat.insert("response_format".into(), json!({"type": "json_object"}));
        }
        _ => {}
    }
    if req.get("stream").and_then(Value::as_bool) == Some(true) {
        chat.insert("stream".into(), Value::Bool(true));
        // The usage is needed for response.completed and the request log.
        chat.insert("stream_options".into(), json!({"include_usage": true}));
    }
    Ok(Value::Object(chat))
}

/// A `resp_…` id from an upstream id.
pub(crate) fn response_id(upstream_id: &str) -> String {
    let core = super::id_safe(
        upstream_id.strip_prefix("chatcmpl-").or_else(|| upstream_id.strip_prefix("msg_")).unwrap_or(upstream_id),
    );
    if core.is_empty() {
        format!("resp_{:016x}", fnv1a(upstream_id.as_bytes()) ^ now_secs())
    } else {
        format!("resp_{core}")
    }
}

/// An item id (`msg_…`, `fc_…`, `rs_…`) from the response id and the item's index.
pub(crate) fn item_id(prefix: &str, response_id: &str, index: usize) -> String {
    format!("{prefix}_{}_{index}", response_id.strip_prefix("resp_").unwrap_or(response_id))
}

/// The Responses `usage` object (`input_tokens` is the whole prompt, cached included).
pub(crate) fn usage(u: &Usage) -> Value {
    let input = u.input + u.cache_read + u.cache_write;
    json!({
        "input_tokens": input,
        "input_tokens_details": {"cached_tokens": u.cache_read},
        "output_tokens": u.output,
        "output_tokens_details": {"reasoning_tokens": u.reasoning},
        "total_tokens": input + u.output,
    })
}

/// A message output item with one `output_text` part.
pub(crate) fn message_item(id: &str, text: &str, status: &str) -> Value {
    let content = if status == "completed" {
        json!([{"type": "output_text", "text": text, "annotations": []}])
    } else {
        json!([])
    };
    json!({"id": id, "type": "message", "status": status, "role": "assistant", "content": content})
}

/// A function_call output item.
pub(crate) fn function_call_item(id: &str, call_id: &str, name: &str, arguments: &str, status: &str) -> Value {
    json!({"id": id, "type": "function_call", "status": status, "call_id": call_id, "name": name, "arguments": arguments})
}

/// A reasoning output item with its summary text.
pub(crate) fn reasoning_item(id: &str, summary: &str) -> Value {
    let summary = if summary.is_empty() { json!([]) } else { json!([{"type": "summary_text", "text": summary}]) };
    json!({"id": id, "type": "reasoning", "summary": summary})
}

/// The response object: `status` and its `incomplete_details` from how the answer
/// finished, `store: false` always.
pub(crate) fn response_object(id: &str, model: &str, created: u64, status: &str, output: Vec<Value>) -> Value {
    json!({
        "id": id,
        "object": "response",
        "created_at": created,
        "status": status,
        "error": null,
        "incomplete_details": null,
        "model": model,
        "output": output,
        "parallel_tool_calls": true,
        "previous_response_id": null,
        "store": false,
        "tool_choice": "auto",
        "tools": [],
        "metadata": {},
        "usage": null,
    })
}

/// The status a finished answer has (`completed`, or `incomplete` with its reason).
pub(crate) fn finish_status(f: Option<Finish>) -> (&'static str, Option<&'static str>) {
    match f {
        Some(Finish::MaxTokens) => ("incomplete", Some("max_output_tokens")),
        Some(Finish::Refusal) => ("incomplete", Some("content_filter")),
        _ => ("completed", None),
    }
}

/// A Chat Completions response body (`chat.completion`) as a Responses object.
pub fn chat_to_response(chat: &Value, model: &str) -> Result<Value> {
    let upstream_id = chat.get("id").and_then(Value::as_str).unwrap_or("");
    let id = response_id(upstream_id);
    let created = chat.get("created").and_then(Value::as_u64).unwrap_or_else(now_secs);
    let choice = chat
        .get("choices")
        .and_then(Value::as_array)
        .and_then(|c| c.first())
        .ok_or_else(|| ConvertError::Upstream("chat.completion without choices".into()))?;
    let msg = choice.get("message").unwrap_or(&Value::Null);
    let mut output = Vec::new();
    let reasoning =
        msg.get("reasoning_content").or_else(|| msg.get("reasoning")).and_then(Value::as_str).filter(|s| !s.is_empty());
    if let Some(r) = reasoning {
        output.push(reasoning_item(&item_id("rs", &id, output.len()), r));
    }
    let text = match msg.get("content") {
        Some(Value::String(s)) => s.clone(),
        Some(v @ Value::Array(_)) => texts(v, "choices[0].message.content").unwrap_or_default(),
        _ => String::new(),
    };
    if !text.is_empty() {
        output.push(message_item(&item_id("msg", &id, output.len()), &text, "completed"));
    }
    for call in msg.get("tool_calls").and_then(Value::as_array).into_iter().flatten() {
        let f = call.get("function").unwrap_or(&Value::Null);
        let call_id = call.get("id").and_then(Value::as_str).unwrap_or("");
        let name = f.get("name").and_then(Value::as_str).unwrap_or("");
        let args = f.get("arguments").and_then(Value::as_str).unwrap_or("{}");
        output.push(function_call_item(&item_id("fc", &id, output.len()), call_id, name, args, "completed"));
    }
    let finish = choice.get("finish_reason").and_then(Value::as_str).map(Finish::from_openai);
    let (status, reason) = finish_status(finish);
    let mut r = response_object(&id, model, created, status, output);
    if let Some(reason) = reason {
        r["incomplete_details"] = json!({ "reason": reason });
    }
    if let Some(u) =
        chat.get("usage").and_then(|u| serde_json::from_value::<super::super::openai::Usage>(u.clone()).ok())
    {
        r["usage"] = usage(&super::response::from_openai_usage(&u));
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_string_input_is_one_user_message_after_the_instructions() {
        let chat = request_to_chat(&json!({
            "model": "m", "instructions": "Be brief.", "input": "Hi", "max_output_tokens": 50,
            "reasoning": {"effort": "low"}, "store": false, "stream": true,
        }))
        .unwrap();
        assert_eq!(
            chat,
            json!({
                "model": "m",
                "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}],
                "max_completion_tokens": 50, "reasoning_effort": "low", "stream": true,
                "stream_options": {"include_usage": true},
            })
        );
    }

    #[test]
    fn items_become_messages_and_tool_calls_join_the_assistant_turn() {
        let chat = request_to_chat(&json!({
            "model": "m",
            "input": [
                {"role": "user", "content": [{"type": "input_text", "text": "Weather in Paris?"}]},
                {"type": "reasoning", "id": "rs_1", "summary": [{"type": "summary_text", "text": "Need the tool."}]},
                {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "Checking."}]},
                {"type": "function_call", "call_id": "call_1", "name": "weather", "arguments": "{\"city\":\"Paris\"}"},
                {"type": "function_call_output", "call_id": "call_1", "output": "sunny"},
            ],
            "tools": [{"type": "function", "name": "weather", "description": "d", "parameters": {"type": "object"}}],
            "tool_choice": {"type": "function", "name": "weather"},
        }))
        .unwrap();
        assert_eq!(
            chat["messages"],
            json!([
                {"role": "user", "content": "Weather in Paris?"},
                {"role": "assistant", "content": "Checking.", "reasoning_content": "Need the tool.",
                 "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "weather", "arguments": "{\"city\":\"Paris\"}"}}]},
                {"role": "tool", "tool_call_id": "call_1", "content": "sunny"},
            ])
        );
        assert_eq!(
            chat["tools"],
            json!([{"type": "function", "function": {"name": "weather", "description": "d", "parameters": {"type": "object"}}}])
        );
        assert_eq!(chat["tool_choice"], json!({"type": "function", "function": {"name": "weather"}}));
    }

    #[test]
    fn server_state_and_unknown_items_are_refused_by_name() {
        let e = request_to_chat(&json!({"model": "m", "input": "x", "previous_response_id": "resp_1"})).unwrap_err();
        assert!(e.to_string().starts_with("previous_response_id: routex keeps no responses"), "{e}");
        assert!(e.to_string().contains("store: false"), "{e}");
        let e = request_to_chat(&json!({"model": "m", "input": [{"type": "item_reference", "id": "x"}]})).unwrap_err();
        assert!(e.to_string().starts_with("input[0].type: input items of type \"item_reference\""), "{e}");
        // Hosted tools and tool namespaces are left out rather than refused (Codex sends both).
        let chat = request_to_chat(&json!({"model": "m", "input": "x", "tools": [
            {"type": "web_search"},
            {"type": "namespace", "name": "ns", "tools": [{"type": "function", "name": "f"}]},
            {"type": "function", "name": "g", "parameters": {"type": "object"}},
        ]}))
        .unwrap();
        assert_eq!(
            chat["tools"],
            json!([{"type": "function", "function": {"name": "g", "parameters": {"type": "object"}}}])
        );
        let chat = request_to_chat(&json!({"model": "m", "input": "x", "tools": [{"type": "web_search"}]})).unwrap();
        assert!(chat.get("tools").is_none(), "{chat}");
        let e = request_to_chat(&json!({"model": "m"})).unwrap_err();
        assert!(e.to_string().starts_with("input: field required"), "{e}");
    }

    #[test]
    fn a_chat_completion_becomes_output_items_and_usage() {
        let r = chat_to_response(
            &json!({
                "id": "chatcmpl-abc", "object": "chat.completion", "created": 7, "model": "up",
                "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {
                    "role": "assistant", "content": "Let me look.",
                    "tool_calls": [{"id": "call_9", "type": "function", "function": {"name": "weather", "arguments": "{}"}}]}}],
                "usage": {"prompt_tokens": 12, "completion_tokens": 5, "total_tokens": 17,
                          "prompt_tokens_details": {"cached_tokens": 2}},
            }),
            "client-model",
        )
        .unwrap();
        assert_eq!(r["id"], "resp_abc");
        assert_eq!(r["object"], "response");
        assert_eq!(r["status"], "completed");
        assert_eq!(r["model"], "client-model");
        assert_eq!(
            r["output"],
            json!([
                {"id": "msg_abc_0", "type": "message", "status": "completed", "role": "assistant",
                 "content": [{"type": "output_text", "text": "Let me look.", "annotations": []}]},
                {"id": "fc_abc_1", "type": "function_call", "status": "completed", "call_id": "call_9",
                 "name": "weather", "arguments": "{}"},
            ])
        );
        assert_eq!(r["usage"]["input_tokens"], 12);
        assert_eq!(r["usage"]["input_tokens_details"]["cached_tokens"], 2);
        assert_eq!(r["usage"]["output_tokens"], 5);
        assert_eq!(r["usage"]["total_tokens"], 17);
    }

    #[test]
    fn a_length_finish_is_incomplete() {
        let r = chat_to_response(
            &json!({"id": "x", "choices": [{"index": 0, "finish_reason": "length", "message": {"role": "assistant", "content": "ab"}}]}),
            "m",
        )
        .unwrap();
        assert_eq!(r["status"], "incomplete");
        assert_eq!(r["incomplete_details"], json!({"reason": "max_output_tokens"}));
    }
}
