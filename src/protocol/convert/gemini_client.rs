//! Gemini API clients (`/v1beta/models/{model}:generateContent`): their requests to the
//! other channel protocols and the other protocols' answers back, through Chat Completions
//! as the pivot ([`request_to_chat`], [`chat_to_response`]), as the Responses API does; the
//! stream encoder is in `stream.rs` and builds its chunks with the helpers here. A Gemini
//! client on a gemini channel is passed through and never comes here.
//!
//! Pure functions over JSON values; called through `convert::request` and
//! `convert::response`.

use super::super::{ConvertError, Usage};
use super::{data_url, effort_from_budget, parse_arguments, Finish};
use serde_json::{json, Map, Value};

type Result<T> = std::result::Result<T, ConvertError>;

/// `generateContent`, as the request log names the endpoint.
pub const GENERATE: &str = "/v1beta/models/{model}:generateContent";
/// `streamGenerateContent` (`?alt=sse`, or without it a JSON array streamed).
pub const STREAM: &str = "/v1beta/models/{model}:streamGenerateContent";
/// `countTokens`, answered locally.
pub const COUNT_TOKENS: &str = "/v1beta/models/{model}:countTokens";

/// The Gemini endpoint and model of a request path (`/v1beta/models/gemini-2.5-pro:generateContent`).
pub fn endpoint(path: &str) -> Option<(&'static str, &str)> {
    let rest = path.strip_prefix("/v1beta/models/")?;
    let (model, method) = rest.rsplit_once(':')?;
    if model.is_empty() || model.contains('/') {
        return None;
    }
    let e = match method {
        "generateContent" => GENERATE,
        "streamGenerateContent" => STREAM,
        "countTokens" => COUNT_TOKENS,
        _ => return None,
    };
    Some((e, model))
}

fn invalid(msg: String) -> ConvertError {
    ConvertError::Invalid(msg)
}

/// Gemini calls without an `id` (most of them): ids made from the name and the call's
/// position, so a `functionResponse` finds its call by name.
fn call_id(name: &str, n: usize) -> String {
    format!("call_{}_{n}", super::id_safe(name))
}

/// A Gemini `generateContent` request body as a Chat Completions request body (without
/// `stream`: the endpoint says that, and the proxy adds it).
pub fn request_to_chat(body: &Value, model: &str) -> Result<Value> {
    let Some(req) = body.as_object() else { return Err(invalid("request body: expected a JSON object".into())) };
    let mut messages: Vec<Value> = Vec::new();
    if let Some(sys) = req.get("systemInstruction").or_else(|| req.get("system_instruction")) {
        let text: Vec<&str> =
            sys["parts"].as_array().into_iter().flatten().filter_map(|p| p["text"].as_str()).collect();
        if !text.is_empty() {
            messages.push(json!({"role": "system", "content": text.join("\n")}));
        }
    }
    // Calls still waiting for their response: (name, id), oldest first.
    let mut open_calls: Vec<(String, String)> = Vec::new();
    let mut calls_seen = 0usize;
    let Some(contents) = req.get("contents").and_then(Value::as_array) else {
        return Err(invalid("contents: field required (an array of turns)".into()));
    };
    for (i, turn) in contents.iter().enumerate() {
        let role = turn["role"].as_str().unwrap_or("user");
        let parts = turn["parts"].as_array().map(Vec::as_slice).unwrap_or(&[]);
        match role {
            "model" => {
                let (mut text, mut thought, mut calls) = (String::new(), String::new(), Vec::new());
                for p in parts {
                    if let Some(fc) = p.get("functionCall") {
                        let name = fc["name"].as_str().unwrap_or("").to_string();
                        let id = fc["id"].as_str().map(str::to_string).unwrap_or_else(|| call_id(&name, calls_seen));
                        calls_seen += 1;
                        let args = if fc["args"].is_object() { fc["args"].to_string() } else { "{}".into() };
                        calls
                            .push(json!({"id": id, "type": "function", "function": {"name": name, "arguments": args}}));
                        open_calls.push((name, id));
                    } else if let Some(t) = p["text"].as_str() {
                        if p["thought"] == true {
                            thought.push_str(t);
                        } else {
                            text.push_str(t);
                        }
                    }
                }
                let mut m = json!({"role": "assistant", "content": if text.is_empty() { Value::Null } else { Value::String(text) }});
                if !thought.is_empty() {
                    m["reasoning_content"] = Value::String(thought);
                }
                if !calls.is_empty() {
                    m["tool_calls"] = Value::Array(calls);
                }
                messages.push(m);
            }
            "user" | "function" | "tool" => {
                let mut content: Vec<Value> = Vec::new();
                for (j, p) in parts.iter().enumerate() {
                    if let Some(fr) = p.get("functionResponse") {
                        let name = fr["name"].as_str().unwrap_or("");
                        let id = match fr["id"].as_str() {
                            Some(id) => {
                                open_calls.retain(|(_, c)| c != id);
                                id.to_string()
                            }
                            None => match open_calls.iter().position(|(n, _)| n == name) {
                                Some(k) => open_calls.remove(k).1,
                                None => {
                                    return Err(invalid(format!(
                                        "contents[{i}].parts[{j}].functionResponse: no functionCall named {name:?} \
                                         before it to answer"
                                    )))
                                }
                            },
                        };
                        let response = &fr["response"];
                        let out = match response.get("output").or_else(|| response.get("content")) {
                            Some(Value::String(s)) => s.clone(),
                            _ => response.to_string(),
                        };
                        messages.push(json!({"role": "tool", "tool_call_id": id, "content": out}));
                    } else if let Some(t) = p["text"].as_str() {
                        content.push(json!({"type": "text", "text": t}));
                    } else if let Some(d) = p.get("inlineData").or_else(|| p.get("inline_data")) {
                        let mime = d["mimeType"].as_str().or(d["mime_type"].as_str()).unwrap_or("");
                        let data = d["data"].as_str().unwrap_or("");
                        if !mime.starts_with("image/") {
                            return Err(invalid(format!(
                                "contents[{i}].parts[{j}].inlineData: {mime:?} is not supported by routex here \
                                 (images are)"
                            )));
                        }
                        content.push(json!({"type": "image_url", "image_url": {"url": data_url(mime, data)}}));
                    } else if p.get("thoughtSignature").is_some() || p.get("thought").is_some() {
                        // A signature alone carries nothing another provider can use.
                    } else {
                        let kind = p.as_object().and_then(|o| o.keys().next().cloned()).unwrap_or_default();
                        return Err(invalid(format!(
                            "contents[{i}].parts[{j}]: a {kind:?} part is not supported by routex (text, \
                             inlineData images, functionCall and functionResponse are)"
                        )));
                    }
                }
                if !content.is_empty() {
                    let only_text = content.iter().all(|c| c["type"] == "text");
                    let c = if only_text {
                        Value::String(content.iter().filter_map(|c| c["text"].as_str()).collect::<Vec<_>>().join(""))
                    } else {
                        Value::Array(content)
                    };
                    messages.push(json!({"role": "user", "content": c}));
                }
            }
            other => return Err(invalid(format!("contents[{i}].role: {other:?} is not a turn role (user or model)"))),
        }
    }
    let mut chat = Map::new();
    chat.insert("model".into(), Value::String(model.to_string()));
    chat.insert("messages".into(), Value::Array(messages));
    let mut tools = Vec::new();
    for (i, t) in req.get("tools").and_then(Value::as_array).into_iter().flatten().enumerate() {
        let Some(decls) = t.get("functionDeclarations").or_else(|| t.get("function_declarations")) else {
            let kind = t.as_object().and_then(|o| o.keys().next().cloned()).unwrap_or_default();
            return Err(invalid(format!(
                "tools[{i}]: {kind:?} tools are not supported by routex (functionDeclarations are)"
            )));
        };
        for d in decls.as_array().into_iter().flatten() {
            let mut f = Map::new();
            f.insert("name".into(), d["name"].clone());
            if let Some(desc) = d.get("description") {
                f.insert("description".into(), desc.clone());
            }
            let params = d.get("parametersJsonSchema").or_else(|| d.get("parameters")).cloned();
            f.insert(
                "parameters".into(),
                params.map(lower_types).unwrap_or_else(|| json!({"type": "object", "properties": {}})),
            );
            tools.push(json!({"type": "function", "function": f}));
        }
    }
    if !tools.is_empty() {
        chat.insert("tools".into(), Value::Array(tools));
    }
    if let Some(fc) = req.get("toolConfig").and_then(|t| t.get("functionCallingConfig")) {
        let names = fc["allowedFunctionNames"].as_array();
        let choice = match fc["mode"].as_str().unwrap_or("AUTO") {
            "NONE" => json!("none"),
            "ANY" | "VALIDATED" => match names.map(Vec::as_slice) {
                Some([one]) => json!({"type": "function", "function": {"name": one}}),
                _ => json!("required"),
            },
            _ => json!("auto"),
        };
        chat.insert("tool_choice".into(), choice);
    }
    if let Some(g) = req.get("generationConfig").and_then(Value::as_object) {
        for (from, to) in [
            ("maxOutputTokens", "max_completion_tokens"),
            ("temperature", "temperature"),
            ("topP", "top_p"),
            ("topK", "top_k"),
        ] {
            if let Some(v) = g.get(from).filter(|v| !v.is_null()) {
                chat.insert(to.into(), v.clone());
            }
        }
        if let Some(s) = g.get("stopSequences").filter(|v| v.is_array()) {
            chat.insert("stop".into(), s.clone());
        }
        if g.get("responseMimeType").and_then(Value::as_str) == Some("application/json") {
            let schema = g.get("responseJsonSchema").or_else(|| g.get("responseSchema")).cloned();
            let format = match schema {
                Some(s) => {
                    json!({"type": "json_schema", "json_schema": {"name": "response", "schema": lower_types(s)}})
                }
                None => json!({"type": "json_object"}),
            };
            chat.insert("response_format".into(), format);
        }
        if let Some(t) = g.get("thinkingConfig") {
            let effort = match (t["thinkingBudget"].as_i64(), t["thinkingLevel"].as_str()) {
                (Some(0), _) => None,
                (Some(b), _) if b > 0 => Some(effort_from_budget(b as u64)),
                (_, Some(level)) => Some(match level.to_ascii_lowercase().as_str() {
                    "minimal" | "low" => "low",
                    "medium" => "medium",
                    _ => "high",
                }),
                _ => None,
            };
            if let Some(e) = effort {
                chat.insert("reasoning_effort".into(), Value::String(e.into()));
            }
        }
    }
    Ok(Value::Object(chat))
}

/// Gemini's OpenAPI-style schemas name types in capitals (`STRING`); JSON Schema's are
/// lowercase.
fn lower_types(mut v: Value) -> Value {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(m) => {
                for (k, x) in m.iter_mut() {
                    if k == "type" {
                        if let Value::String(s) = x {
                            *s = s.to_ascii_lowercase();
                        }
                    } else {
                        walk(x);
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut v);
    v
}

/// Gemini's `finishReason` for a neutral finish.
pub(crate) fn finish_reason(f: Finish) -> &'static str {
    match f {
        Finish::MaxTokens => "MAX_TOKENS",
        Finish::Refusal => "SAFETY",
        Finish::EndTurn | Finish::StopSequence | Finish::ToolUse => "STOP",
    }
}

/// Gemini's `usageMetadata`: the prompt count includes cached tokens, the candidates count
/// leaves out the thoughts.
pub(crate) fn usage_metadata(u: &Usage) -> Value {
    let prompt = u.input + u.cache_read + u.cache_write;
    let mut m = json!({
        "promptTokenCount": prompt,
        "candidatesTokenCount": u.output.saturating_sub(u.reasoning),
        "totalTokenCount": prompt + u.output,
    });
    if u.cache_read > 0 {
        m["cachedContentTokenCount"] = Value::from(u.cache_read);
    }
    if u.reasoning > 0 {
        m["thoughtsTokenCount"] = Value::from(u.reasoning);
    }
    m
}

/// A functionCall part.
pub(crate) fn call_part(id: &str, name: &str, arguments: &str) -> Value {
    json!({"functionCall": {"id": id, "name": name, "args": parse_arguments(arguments)}})
}

/// One `GenerateContentResponse` with these parts (and, when given, its finish reason).
pub(crate) fn chunk(parts: Vec<Value>, finish: Option<&str>, model: &str, id: &str) -> Value {
    let mut cand = json!({"content": {"role": "model", "parts": parts}, "index": 0});
    if let Some(f) = finish {
        cand["finishReason"] = Value::String(f.into());
    }
    json!({"candidates": [cand], "modelVersion": model, "responseId": id})
}

/// A Chat Completions response body as a Gemini `GenerateContentResponse`.
pub fn chat_to_response(chat: &Value, model: &str) -> Result<Value> {
    let choice = chat
        .get("choices")
        .and_then(Value::as_array)
        .and_then(|c| c.first())
        .ok_or_else(|| ConvertError::Upstream("chat.completion without choices".into()))?;
    let msg = &choice["message"];
    let mut parts = Vec::new();
    if let Some(r) = msg["reasoning_content"].as_str().filter(|s| !s.is_empty()) {
        parts.push(json!({"text": r, "thought": true}));
    }
    if let Some(t) = msg["content"].as_str().filter(|s| !s.is_empty()) {
        parts.push(json!({"text": t}));
    }
    for c in msg["tool_calls"].as_array().into_iter().flatten() {
        let f = &c["function"];
        parts.push(call_part(
            c["id"].as_str().unwrap_or(""),
            f["name"].as_str().unwrap_or(""),
            f["arguments"].as_str().unwrap_or("{}"),
        ));
    }
    let finish = Finish::from_openai(choice["finish_reason"].as_str().unwrap_or("stop"));
    let id = chat["id"].as_str().unwrap_or("").to_string();
    let mut r = chunk(parts, Some(finish_reason(finish)), model, &id);
    if chat.get("usage").is_some_and(Value::is_object) {
        // Through the parent's reading of a Chat Completions body (`response` imports this
        // module; importing it back would be a cycle).
        r["usageMetadata"] = usage_metadata(&super::super::usage_from_response(super::super::Protocol::Openai, chat));
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_the_endpoint_and_model() {
        assert_eq!(endpoint("/v1beta/models/gemini-2.5-pro:generateContent"), Some((GENERATE, "gemini-2.5-pro")));
        assert_eq!(endpoint("/v1beta/models/x:streamGenerateContent"), Some((STREAM, "x")));
        assert_eq!(endpoint("/v1beta/models/x:countTokens"), Some((COUNT_TOKENS, "x")));
        assert_eq!(endpoint("/v1beta/models/x:embedContent"), None);
        assert_eq!(endpoint("/v1beta/models/:generateContent"), None);
        assert_eq!(endpoint("/v1/models/x:generateContent"), None);
    }

    #[test]
    fn turns_become_messages_and_responses_find_their_calls_by_name() {
        let chat = request_to_chat(
            &json!({
                "systemInstruction": {"parts": [{"text": "Be brief."}]},
                "contents": [
                    {"role": "user", "parts": [{"text": "Weather in Paris?"}]},
                    {"role": "model", "parts": [{"functionCall": {"name": "get_weather", "args": {"city": "Paris"}}, "thoughtSignature": "sig"}]},
                    {"role": "user", "parts": [{"functionResponse": {"name": "get_weather", "response": {"output": "sunny"}}}]},
                ],
                "tools": [{"functionDeclarations": [{"name": "get_weather", "parameters": {"type": "OBJECT", "properties": {"city": {"type": "STRING"}}}}]}],
                "toolConfig": {"functionCallingConfig": {"mode": "ANY"}},
                "generationConfig": {"maxOutputTokens": 64, "temperature": 0.5, "thinkingConfig": {"thinkingBudget": 20000}},
            }),
            "gemini-2.5-pro",
        )
        .unwrap();
        assert_eq!(
            chat["messages"],
            json!([
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": "Weather in Paris?"},
                {"role": "assistant", "content": null, "tool_calls": [{"id": "call_get_weather_0", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}]},
                {"role": "tool", "tool_call_id": "call_get_weather_0", "content": "sunny"},
            ])
        );
        assert_eq!(chat["tools"][0]["function"]["parameters"]["properties"]["city"]["type"], "string");
        assert_eq!(chat["tool_choice"], "required");
        assert_eq!(chat["max_completion_tokens"], 64);
        assert_eq!(chat["reasoning_effort"], "high");
        assert_eq!(chat["model"], "gemini-2.5-pro");
    }

    #[test]
    fn unknown_parts_and_tools_are_refused_by_name() {
        let e =
            request_to_chat(&json!({"contents": [{"role": "user", "parts": [{"fileData": {}}]}]}), "m").unwrap_err();
        assert!(e.to_string().starts_with("contents[0].parts[0]: a \"fileData\" part"), "{e}");
        let e = request_to_chat(&json!({"contents": [], "tools": [{"googleSearch": {}}]}), "m").unwrap_err();
        assert!(e.to_string().starts_with("tools[0]: \"googleSearch\" tools"), "{e}");
        let e = request_to_chat(&json!({}), "m").unwrap_err();
        assert!(e.to_string().starts_with("contents: field required"), "{e}");
    }

    #[test]
    fn a_chat_completion_becomes_a_candidate() {
        let r = chat_to_response(
            &json!({"id": "chatcmpl-1", "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {"role": "assistant", "content": "Checking.",
                "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}]}}],
                "usage": {"prompt_tokens": 10, "completion_tokens": 4, "total_tokens": 14}}),
            "gemini-2.5-pro",
        )
        .unwrap();
        assert_eq!(
            r["candidates"][0]["content"]["parts"],
            json!([{"text": "Checking."}, {"functionCall": {"id": "call_1", "name": "get_weather", "args": {"city": "Paris"}}}])
        );
        assert_eq!(r["candidates"][0]["finishReason"], "STOP");
        assert_eq!(
            r["usageMetadata"],
            json!({"promptTokenCount": 10, "candidatesTokenCount": 4, "totalTokenCount": 14})
        );
        assert_eq!(r["modelVersion"], "gemini-2.5-pro");
    }
}
