//! Request conversion (client → upstream): Anthropic ⇄ OpenAI, and Anthropic
//! or OpenAI → Gemini. Every failure names the offending field. Same-protocol
//! requests only get their `model` replaced.
//!
//! Anthropic bodies are read through a borrowed [`view`](super::view) of the
//! parsed body; OpenAI bodies are deserialised into the typed model from the
//! `&Value` (no clone). Either way the result is a typed model of the upstream
//! request, turned into a `Value` ([`convert_request`], for transformers) or
//! straight into the bytes to send ([`convert_request_bytes`]).

use super::super::{anthropic as a, gemini as g, openai as o, ConvertError, Protocol};
use super::schema::{clean_schema_for_gemini, cleaned, is_empty_object_schema};
use super::view as av;
use super::{budget_from_effort, data_url, effort_from_budget, mime_from_url, parse_arguments, parse_data_url};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::borrow::{Borrow, Cow};
use std::collections::HashMap;
use std::fmt;

type Result<T> = std::result::Result<T, ConvertError>;

/// Signature placeholder Gemini 3 accepts for function calls whose real
/// thought signature was lost (e.g. history written by another provider).
const GEMINI_DUMMY_SIGNATURE: &str = "skip_thought_signature_validator";

/// See [`crate::protocol::convert_request`].
pub fn convert_request(from: Protocol, to: Protocol, body: &Value, model: &str) -> Result<Value> {
    if from == Protocol::Gemini && to != Protocol::Gemini {
        // Gemini clients reach the other protocols through Chat Completions.
        let chat = super::gemini_client::request_to_chat(body, model)?;
        return convert_request(Protocol::Openai, to, &chat, model);
    }
    if from == to {
        return Ok(same_protocol(to, body, model));
    }
    Ok(match convert(from, to, body, model)?.0 {
        Upstream::Openai(r) => to_json(r),
        Upstream::Anthropic(r) => to_json(r),
        Upstream::Gemini(r) => to_json(r),
    })
}

/// See [`crate::protocol::convert_request_bytes`]: the JSON text of [`convert_request`]'s
/// result, serialised from the typed model without building a `Value`.
pub fn convert_request_bytes(from: Protocol, to: Protocol, body: &Value, model: &str) -> Result<Vec<u8>> {
    if from == Protocol::Gemini && to != Protocol::Gemini {
        let chat = super::gemini_client::request_to_chat(body, model)?;
        return convert_request_bytes(Protocol::Openai, to, &chat, model);
    }
    if from == to {
        return Ok(to_bytes(same_protocol(to, body, model), 4096));
    }
    let (upstream, size) = convert(from, to, body, model)?;
    let capacity = size.max(4096);
    Ok(match upstream {
        Upstream::Openai(r) => to_bytes(r, capacity),
        Upstream::Anthropic(r) => to_bytes(r, capacity),
        Upstream::Gemini(r) => to_bytes(r, capacity),
    })
}

/// A converted request in the upstream's typed model.
enum Upstream<'a> {
    Openai(o::ChatRequest<'a>),
    Anthropic(a::MessagesRequest),
    Gemini(g::GenerateContentRequest<'a>),
}

/// The converted request, and an estimate of its JSON size (0: no estimate).
fn convert<'a>(from: Protocol, to: Protocol, body: &'a Value, model: &str) -> Result<(Upstream<'a>, usize)> {
    Ok(match (from, to) {
        (Protocol::Anthropic, Protocol::Openai) => {
            let req = read_anthropic(body)?;
            let size = req.size_estimate();
            (Upstream::Openai(anthropic_to_openai(req, model)?), size)
        }
        (Protocol::Openai, Protocol::Anthropic) => (Upstream::Anthropic(openai_to_anthropic(parse(body)?, model)?), 0),
        (Protocol::Anthropic, Protocol::Gemini) => {
            let req = read_anthropic(body)?;
            let size = req.size_estimate();
            (Upstream::Gemini(anthropic_to_gemini(req, model)?), size)
        }
        (Protocol::Openai, Protocol::Gemini) => (Upstream::Gemini(openai_to_gemini(parse(body)?, model)?), 0),
        _ => return Err(ConvertError::UnsupportedPair { from, to }),
    })
}

fn same_protocol(to: Protocol, body: &Value, model: &str) -> Value {
    let mut b = body.clone();
    if to != Protocol::Gemini {
        if let Some(o) = b.as_object_mut() {
            o.insert("model".into(), Value::String(model.to_string()));
        }
    }
    b
}

fn parse<'a, T: Deserialize<'a>>(body: &'a Value) -> Result<T> {
    T::deserialize(body).map_err(|e| ConvertError::Invalid(format!("request body: {e}")))
}

/// The borrowed view of an Anthropic body; when the body does not fit, the error is the
/// one deserialising the typed model gives.
fn read_anthropic(body: &Value) -> Result<av::Request<'_>> {
    av::Request::read(body).map_err(|_| match parse::<a::MessagesRequest>(body) {
        Err(e) => e,
        Ok(_) => {
            debug_assert!(false, "the view rejected a body the typed model accepts: {body}");
            ConvertError::Invalid("request body: not a valid Anthropic Messages request".into())
        }
    })
}

fn to_json<T: Serialize>(v: T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

fn to_bytes<T: Serialize>(v: T, capacity: usize) -> Vec<u8> {
    super::super::json::to_vec(&v, capacity).unwrap_or_else(|_| b"null".to_vec())
}

fn unsupported(field: impl Into<String>, what: impl Into<String>, target: Protocol) -> ConvertError {
    ConvertError::Unsupported { field: field.into(), what: what.into(), target }
}

fn block_type(v: &Value) -> String {
    v.get("type").and_then(Value::as_str).unwrap_or("?").to_string()
}

fn other_block(v: &Value, field: At, target: Protocol) -> ConvertError {
    unsupported(field.to_string(), format!("content block type {:?}", block_type(v)), target)
}

/// Where a content block sits (`messages[i].content[j]`, in a tool_result also
/// `.content[k]`), for error messages: formatted only when an error is reported.
#[derive(Clone, Copy)]
struct At {
    message: usize,
    block: usize,
    inner: Option<usize>,
}

impl At {
    fn new(message: usize, block: usize) -> At {
        At { message, block, inner: None }
    }
    fn inner(self, k: usize) -> At {
        At { inner: Some(k), ..self }
    }
}

impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "messages[{}].content[{}]", self.message, self.block)?;
        match self.inner {
            Some(k) => write!(f, ".content[{k}]"),
            None => Ok(()),
        }
    }
}

// ---------------------------------------------------------------- anthropic helpers

/// Texts of a system prompt or `role:"system"` message.
fn anthropic_texts<'a>(c: &av::Content<'a>, field: &str, target: Protocol) -> Result<Vec<&'a str>> {
    match c {
        av::Content::Text(t) => Ok(vec![*t]),
        av::Content::Blocks(bs) => bs
            .iter()
            .enumerate()
            .map(|(j, b)| match b {
                av::Block::Text(t) => Ok(*t),
                other => Err(unsupported(
                    format!("{field}[{j}]"),
                    format!("{} in a system prompt", describe_block(other)),
                    target,
                )),
            })
            .collect(),
    }
}

fn describe_block(b: &av::Block) -> String {
    let t = match b {
        av::Block::Text(_) => "text",
        av::Block::Image(_) => "image",
        av::Block::Document(_) => "document",
        av::Block::ToolUse { .. } => "tool_use",
        av::Block::ToolResult { .. } => "tool_result",
        av::Block::Thinking { .. } => "thinking",
        av::Block::RedactedThinking => "redacted_thinking",
        av::Block::Other(v) => return format!("content block type {:?}", block_type(v)),
    };
    format!("content block type {t:?}")
}

/// Collects the system prompt: top-level `system` plus `role:"system"` messages.
fn anthropic_system<'a>(
    req_system: Option<&av::Content<'a>>,
    messages: &[av::Message<'a>],
    target: Protocol,
) -> Result<Vec<&'a str>> {
    let mut out = Vec::new();
    if let Some(s) = req_system {
        out.extend(anthropic_texts(s, "system", target)?);
    }
    for (i, m) in messages.iter().enumerate() {
        if m.role == "system" {
            out.extend(anthropic_texts(&m.content, &format!("messages[{i}].content"), target)?);
        }
    }
    out.retain(|t| !t.is_empty());
    Ok(out)
}

fn tool_result_text<'a>(
    c: Option<av::Content<'a>>,
    field: At,
    target: Protocol,
) -> Result<(String, Vec<av::Source<'a>>)> {
    let mut texts = Vec::new();
    let mut images = Vec::new();
    match c {
        None => {}
        Some(av::Content::Text(t)) => texts.push(t),
        Some(av::Content::Blocks(bs)) => {
            for (k, b) in bs.into_iter().enumerate() {
                match b {
                    av::Block::Text(t) => texts.push(t),
                    av::Block::Image(s) | av::Block::Document(s) => images.push(s),
                    other => {
                        return Err(unsupported(
                            field.inner(k).to_string(),
                            format!("{} inside a tool_result", describe_block(&other)),
                            target,
                        ))
                    }
                }
            }
        }
    }
    Ok((texts.join("\n"), images))
}

// ---------------------------------------------------------------- anthropic → openai

fn source_to_openai_part(s: av::Source, is_doc: bool, field: At) -> Result<o::ContentPart> {
    let t = Protocol::Openai;
    match s.kind {
        "base64" => {
            let (Some(mime), Some(data)) = (s.media_type, s.data) else {
                return Err(ConvertError::Invalid(format!("{field}.source: base64 source needs media_type and data")));
            };
            if is_doc {
                Ok(o::ContentPart::File {
                    file: o::FilePart {
                        file_data: Some(data_url(mime, data)),
                        file_id: None,
                        filename: s.title.map(str::to_string),
                    },
                })
            } else {
                Ok(o::ContentPart::ImageUrl { image_url: o::ImageUrl { url: data_url(mime, data), detail: None } })
            }
        }
        "url" if !is_doc => {
            let url = s.url.ok_or_else(|| ConvertError::Invalid(format!("{field}.source: url source needs url")))?;
            Ok(o::ContentPart::ImageUrl { image_url: o::ImageUrl { url: url.to_string(), detail: None } })
        }
        "text" if is_doc => Ok(o::ContentPart::Text { text: s.data.unwrap_or_default().to_string() }),
        k => Err(unsupported(
            field.to_string(),
            format!("{} source type {k:?}", if is_doc { "document" } else { "image" }),
            t,
        )),
    }
}

/// Text-only parts become one string (widest compatibility); otherwise parts.
fn compact_openai(parts: Vec<o::ContentPart>) -> o::MessageContent {
    if parts.iter().all(|p| matches!(p, o::ContentPart::Text { .. })) {
        let texts: Vec<String> = parts
            .into_iter()
            .filter_map(|p| match p {
                o::ContentPart::Text { text } => Some(text),
                _ => None,
            })
            .collect();
        o::MessageContent::Text(texts.join("\n"))
    } else {
        o::MessageContent::Parts(parts)
    }
}

fn msg(role: &str, content: Option<o::MessageContent>) -> o::ChatMessage {
    o::ChatMessage { role: role.into(), content, ..Default::default() }
}

fn anthropic_to_openai<'a>(req: av::Request<'a>, model: &str) -> Result<o::ChatRequest<'a>> {
    let t = Protocol::Openai;
    let system = anthropic_system(req.system.as_ref(), &req.messages, t)?;
    let mut msgs = Vec::new();
    if !system.is_empty() {
        msgs.push(msg("system", Some(o::MessageContent::Text(system.join("\n\n")))));
    }
    for (i, m) in req.messages.into_iter().enumerate() {
        match m.role {
            "system" => {}
            "user" => {
                let mut parts = Vec::new();
                let mut late_parts = Vec::new();
                let mut tool_msgs = Vec::new();
                for (j, b) in m.content.into_blocks().into_iter().enumerate() {
                    let bf = At::new(i, j);
                    match b {
                        av::Block::Text(x) => parts.push(o::ContentPart::Text { text: x.to_string() }),
                        av::Block::Image(s) => parts.push(source_to_openai_part(s, false, bf)?),
                        av::Block::Document(s) => parts.push(source_to_openai_part(s, true, bf)?),
                        av::Block::ToolResult { tool_use_id, content, is_error } => {
                            let (mut text, images) = tool_result_text(content, bf, t)?;
                            if is_error == Some(true) {
                                text = format!("Error: {text}");
                            }
                            for (k, s) in images.into_iter().enumerate() {
                                late_parts.push(source_to_openai_part(s, false, bf.inner(k))?);
                            }
                            let mut tm = msg("tool", Some(o::MessageContent::Text(text)));
                            tm.tool_call_id = Some(tool_use_id.to_string());
                            tool_msgs.push(tm);
                        }
                        av::Block::Thinking { .. } | av::Block::RedactedThinking => {}
                        av::Block::ToolUse { .. } => {
                            return Err(ConvertError::Invalid(format!(
                                "{bf}: tool_use blocks belong in assistant messages"
                            )))
                        }
                        av::Block::Other(v) => return Err(other_block(v, bf, t)),
                    }
                }
                msgs.extend(tool_msgs);
                parts.extend(late_parts);
                if !parts.is_empty() {
                    msgs.push(msg("user", Some(compact_openai(parts))));
                }
            }
            "assistant" => {
                let mut text = String::new();
                let mut reasoning = String::new();
                let mut calls = Vec::new();
                for (j, b) in m.content.into_blocks().into_iter().enumerate() {
                    match b {
                        av::Block::Text(x) => text.push_str(x),
                        av::Block::Thinking { thinking, .. } => reasoning.push_str(thinking),
                        av::Block::RedactedThinking => {}
                        av::Block::ToolUse { id, name, input } => calls.push(o::ToolCall {
                            id: id.to_string(),
                            kind: "function".into(),
                            function: o::FunctionCall {
                                name: name.to_string(),
                                arguments: serde_json::to_string(input).unwrap_or_else(|_| "{}".into()),
                            },
                            extra: Map::new(),
                        }),
                        other => {
                            return Err(unsupported(
                                At::new(i, j).to_string(),
                                format!("{} in an assistant message", describe_block(&other)),
                                t,
                            ))
                        }
                    }
                }
                let mut am = msg("assistant", None);
                if !text.is_empty() || calls.is_empty() {
                    am.content = Some(o::MessageContent::Text(text));
                }
                if !reasoning.is_empty() {
                    am.reasoning_content = Some(reasoning);
                }
                if !calls.is_empty() {
                    am.tool_calls = Some(calls);
                }
                msgs.push(am);
            }
            r => return Err(ConvertError::Invalid(format!("messages[{i}].role: unknown role {r:?}"))),
        }
    }

    let mut out = o::ChatRequest {
        model: model.to_string(),
        messages: msgs,
        max_tokens: req.max_tokens,
        temperature: req.temperature,
        top_p: req.top_p,
        top_k: req.top_k,
        stop: req.stop_sequences.filter(|s| !s.is_empty()).map(|s| o::Stop::Many(owned(s))),
        ..Default::default()
    };
    if req.stream == Some(true) {
        out.stream = Some(true);
        out.stream_options = Some(o::StreamOptions { include_usage: Some(true), extra: Map::new() });
    }
    if let Some(tools) = req.tools {
        let mut ts = Vec::new();
        for (i, tool) in tools.into_iter().enumerate() {
            if let Some(k) = tool.kind.filter(|k| *k != "custom") {
                return Err(unsupported(format!("tools[{i}]"), format!("server tool type {k:?}"), t));
            }
            ts.push(o::Tool {
                kind: "function".into(),
                function: Some(o::FunctionDef {
                    name: tool.name.to_string(),
                    description: tool.description.map(str::to_string),
                    parameters: Some(match tool.input_schema {
                        Some(s) => Cow::Borrowed(s),
                        None => Cow::Owned(json!({"type":"object","properties":{}})),
                    }),
                    strict: None,
                    extra: Map::new(),
                }),
                extra: Map::new(),
            });
        }
        if !ts.is_empty() {
            out.tools = Some(ts);
        }
    }
    if let Some(tc) = req.tool_choice {
        out.tool_choice = Some(match tc.kind {
            "any" => o::ToolChoice::Mode("required".into()),
            "none" => o::ToolChoice::Mode("none".into()),
            "tool" => {
                let name = tc
                    .name
                    .ok_or_else(|| ConvertError::Invalid("tool_choice.name: required when type is \"tool\"".into()))?;
                o::ToolChoice::Named(o::NamedToolChoice {
                    kind: "function".into(),
                    function: o::FunctionName { name: name.to_string() },
                })
            }
            _ => o::ToolChoice::Mode("auto".into()),
        });
        if tc.disable_parallel_tool_use == Some(true) && out.tools.is_some() {
            out.parallel_tool_calls = Some(false);
        }
    }
    if let Some(th) = req.thinking {
        match (th.kind, th.budget_tokens) {
            ("enabled", Some(b)) => out.reasoning_effort = Some(effort_from_budget(b).into()),
            ("enabled" | "adaptive", _) => out.reasoning_effort = Some("medium".into()),
            _ => {}
        }
    }
    out.user = req.metadata.and_then(|m| m.get("user_id")).and_then(Value::as_str).map(str::to_string);
    Ok(out)
}

fn owned(v: Vec<&str>) -> Vec<String> {
    v.into_iter().map(str::to_string).collect()
}

// ---------------------------------------------------------------- openai → anthropic

fn openai_texts(c: Option<o::MessageContent>, field: &str, target: Protocol) -> Result<Vec<String>> {
    match c {
        None => Ok(vec![]),
        Some(o::MessageContent::Text(t)) => Ok(vec![t]),
        Some(o::MessageContent::Parts(ps)) => ps
            .into_iter()
            .enumerate()
            .map(|(j, p)| match p {
                o::ContentPart::Text { text } => Ok(text),
                _ => Err(unsupported(format!("{field}.content[{j}]"), "a non-text part in a system message", target)),
            })
            .collect(),
    }
}

fn part_type(p: &o::ContentPart) -> String {
    match p {
        o::ContentPart::Text { .. } => "text".into(),
        o::ContentPart::ImageUrl { .. } => "image_url".into(),
        o::ContentPart::File { .. } => "file".into(),
        o::ContentPart::Other(v) => block_type(v),
    }
}

fn openai_parts_to_blocks(c: Option<o::MessageContent>, field: &str) -> Result<Vec<a::ContentBlock>> {
    let t = Protocol::Anthropic;
    let parts = match c {
        None => return Ok(vec![]),
        Some(o::MessageContent::Text(s)) => {
            return Ok(if s.is_empty() { vec![] } else { vec![a::ContentBlock::text(s)] })
        }
        Some(o::MessageContent::Parts(p)) => p,
    };
    let mut out = Vec::new();
    for (j, p) in parts.into_iter().enumerate() {
        let pf = format!("{field}.content[{j}]");
        let source =
            |kind: &str, media_type: Option<String>, data: Option<String>, url: Option<String>| a::SourceBlock {
                source: a::Source { kind: kind.into(), media_type, data, url, extra: Map::new() },
                extra: Map::new(),
            };
        match p {
            o::ContentPart::Text { text } => out.push(a::ContentBlock::text(text)),
            o::ContentPart::ImageUrl { image_url } => {
                let u = image_url.url;
                if let Some((mime, data)) = parse_data_url(&u) {
                    out.push(a::ContentBlock::Image(source("base64", Some(mime), Some(data), None)));
                } else if u.starts_with("http://") || u.starts_with("https://") {
                    out.push(a::ContentBlock::Image(source("url", None, None, Some(u))));
                } else {
                    return Err(ConvertError::Invalid(format!(
                        "{pf}.image_url.url: expected an http(s) or base64 data: URL"
                    )));
                }
            }
            o::ContentPart::File { file } => match file.file_data.as_deref().and_then(parse_data_url) {
                Some((mime, data)) => {
                    out.push(a::ContentBlock::Document(source("base64", Some(mime), Some(data), None)))
                }
                None => return Err(unsupported(pf, "a file part without inline file_data", t)),
            },
            other => return Err(unsupported(pf, format!("content part type {:?}", part_type(&other)), t)),
        }
    }
    Ok(out)
}

fn push_merged(msgs: &mut Vec<a::Message>, role: &str, blocks: Vec<a::ContentBlock>) {
    if blocks.is_empty() {
        return;
    }
    if let Some(last) = msgs.last_mut() {
        if last.role == role {
            if let a::MessageContent::Blocks(b) = &mut last.content {
                b.extend(blocks);
                return;
            }
        }
    }
    msgs.push(a::Message { role: role.into(), content: a::MessageContent::Blocks(blocks), extra: Map::new() });
}

fn openai_to_anthropic(req: o::ChatRequest, model: &str) -> Result<a::MessagesRequest> {
    let t = Protocol::Anthropic;
    if req.n.unwrap_or(1) > 1 {
        return Err(unsupported("n", "more than one choice", t));
    }
    let mut system = Vec::new();
    let mut msgs: Vec<a::Message> = Vec::new();
    for (i, m) in req.messages.into_iter().enumerate() {
        let field = format!("messages[{i}]");
        match m.role.as_str() {
            "system" | "developer" => system.extend(openai_texts(m.content, &field, t)?),
            "user" => {
                let blocks = openai_parts_to_blocks(m.content, &field)?;
                push_merged(&mut msgs, "user", blocks);
            }
            "assistant" => {
                if m.reasoning_content.is_some() {
                    log::debug!("{field}.reasoning_content dropped: Anthropic needs signed thinking blocks");
                }
                let mut blocks = openai_parts_to_blocks(m.content, &field)?;
                for (j, c) in m.tool_calls.unwrap_or_default().into_iter().enumerate() {
                    let _ = j;
                    blocks.push(a::ContentBlock::ToolUse(a::ToolUseBlock {
                        id: c.id,
                        name: c.function.name,
                        input: parse_arguments(&c.function.arguments),
                        extra: Map::new(),
                    }));
                }
                push_merged(&mut msgs, "assistant", blocks);
            }
            "tool" => {
                let id = m.tool_call_id.ok_or_else(|| {
                    ConvertError::Invalid(format!("{field}.tool_call_id: required for tool messages"))
                })?;
                let content = match m.content {
                    Some(o::MessageContent::Text(s)) => Some(a::MessageContent::Text(s)),
                    other => Some(a::MessageContent::Blocks(openai_parts_to_blocks(other, &field)?)),
                };
                push_merged(
                    &mut msgs,
                    "user",
                    vec![a::ContentBlock::ToolResult(a::ToolResultBlock {
                        tool_use_id: id,
                        content,
                        is_error: None,
                        extra: Map::new(),
                    })],
                );
            }
            r => return Err(unsupported(format!("{field}.role"), format!("role {r:?}"), t)),
        }
    }
    // A lone text block reads better as a plain string.
    for m in &mut msgs {
        if let a::MessageContent::Blocks(b) = &m.content {
            if let [a::ContentBlock::Text(x)] = b.as_slice() {
                if x.extra.is_empty() {
                    m.content = a::MessageContent::Text(x.text.clone());
                }
            }
        }
    }
    system.retain(|s| !s.is_empty());

    let mut max_tokens = req.max_completion_tokens.or(req.max_tokens).unwrap_or(4096);
    let mut out = a::MessagesRequest {
        model: model.to_string(),
        messages: msgs,
        system: (!system.is_empty()).then(|| a::MessageContent::Text(system.join("\n\n"))),
        stop_sequences: req
            .stop
            .map(o::Stop::into_vec)
            .map(|v| v.into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>())
            .filter(|v| !v.is_empty()),
        stream: req.stream.filter(|s| *s),
        temperature: req.temperature.map(|x| x.clamp(0.0, 1.0)),
        top_p: req.top_p,
        top_k: req.top_k,
        ..Default::default()
    };
    if let Some(budget) = req.reasoning_effort.as_deref().and_then(budget_from_effort) {
        if max_tokens <= budget {
            max_tokens += budget;
        }
        out.thinking =
            Some(a::ThinkingConfig { kind: "enabled".into(), budget_tokens: Some(budget), extra: Map::new() });
        // Anthropic rejects these sampling settings together with thinking.
        out.temperature = None;
        out.top_k = None;
        out.top_p = out.top_p.filter(|p| *p >= 0.95);
    }
    out.max_tokens = Some(max_tokens);
    if let Some(tools) = req.tools {
        let mut ts = Vec::new();
        for (i, tool) in tools.into_iter().enumerate() {
            let f = match (tool.kind.as_str(), tool.function) {
                ("function", Some(f)) => f,
                (k, _) => return Err(unsupported(format!("tools[{i}]"), format!("tool type {k:?}"), t)),
            };
            ts.push(a::Tool {
                name: f.name,
                kind: None,
                description: f.description,
                input_schema: Some(
                    f.parameters.map(Cow::into_owned).unwrap_or_else(|| json!({"type":"object","properties":{}})),
                ),
                extra: Map::new(),
            });
        }
        if !ts.is_empty() {
            out.tools = Some(ts);
        }
    }
    let choice = |kind: &str, name: Option<String>| a::ToolChoice {
        kind: kind.into(),
        name,
        disable_parallel_tool_use: None,
        extra: Map::new(),
    };
    out.tool_choice = match req.tool_choice {
        None => None,
        Some(o::ToolChoice::Mode(m)) => Some(match m.as_str() {
            "required" => choice("any", None),
            "none" => choice("none", None),
            _ => choice("auto", None),
        }),
        Some(o::ToolChoice::Named(n)) => Some(choice("tool", Some(n.function.name))),
    };
    if req.parallel_tool_calls == Some(false) && out.tools.is_some() {
        let tc = out.tool_choice.get_or_insert_with(|| choice("auto", None));
        if tc.kind != "none" {
            tc.disable_parallel_tool_use = Some(true);
        }
    }
    if let Some(u) = req.user {
        out.metadata = Some(json!({ "user_id": u }));
    }
    if req.extra.contains_key("response_format") {
        log::warn!("response_format is not supported by anthropic channels; dropped");
    }
    Ok(out)
}

// ---------------------------------------------------------------- → gemini

fn text_part(t: String) -> g::Part {
    g::Part { text: Some(t), ..Default::default() }
}

fn source_to_gemini_part(s: av::Source, field: At) -> Result<g::Part> {
    match s.kind {
        "base64" => {
            let (Some(mime), Some(data)) = (s.media_type, s.data) else {
                return Err(ConvertError::Invalid(format!("{field}.source: base64 source needs media_type and data")));
            };
            Ok(g::Part {
                inline_data: Some(g::Blob { mime_type: mime.to_string(), data: data.to_string() }),
                ..Default::default()
            })
        }
        "url" => {
            let url = s.url.ok_or_else(|| ConvertError::Invalid(format!("{field}.source: url source needs url")))?;
            Ok(g::Part {
                file_data: Some(g::FileData {
                    mime_type: mime_from_url(url).map(str::to_string),
                    file_uri: url.to_string(),
                }),
                ..Default::default()
            })
        }
        "text" => Ok(text_part(s.data.unwrap_or_default().to_string())),
        k => Err(unsupported(field.to_string(), format!("source type {k:?}"), Protocol::Gemini)),
    }
}

/// Gemini's functionResponse.response must be an object.
fn function_response_value(text: String, is_error: bool) -> Value {
    if is_error {
        return json!({ "error": text });
    }
    match serde_json::from_str::<Value>(&text) {
        Ok(v @ Value::Object(_)) => v,
        _ => json!({ "result": text }),
    }
}

fn push_content(contents: &mut Vec<g::Content>, role: &str, parts: Vec<g::Part>) {
    if parts.is_empty() {
        return;
    }
    if let Some(last) = contents.last_mut() {
        if last.role.as_deref() == Some(role) {
            last.parts.extend(parts);
            return;
        }
    }
    contents.push(g::Content { role: Some(role.into()), parts });
}

fn gemini_system<S: Borrow<str>>(system: Vec<S>) -> Option<g::Content> {
    (!system.is_empty()).then(|| g::Content { role: None, parts: vec![text_part(system.join("\n\n"))] })
}

/// Gemini 3 rejects function calls without a thought signature in history.
fn ensure_signatures(contents: &mut [g::Content], model: &str) {
    if !model.contains("gemini-3") {
        return;
    }
    for c in contents.iter_mut().filter(|c| c.role.as_deref() == Some("model")) {
        if let Some(p) = c.parts.iter_mut().find(|p| p.function_call.is_some()) {
            p.thought_signature.get_or_insert_with(|| GEMINI_DUMMY_SIGNATURE.into());
        }
    }
}

fn gemini_tools(decls: Vec<g::FunctionDeclaration>) -> Option<Vec<g::Tool>> {
    (!decls.is_empty()).then(|| vec![g::Tool { function_declarations: Some(decls), extra: Map::new() }])
}

/// `parameters`: the cleaned schema (see [`super::schema`]).
fn declaration<'a>(
    name: String,
    description: Option<String>,
    parameters: Option<g::Schema<'a>>,
) -> g::FunctionDeclaration<'a> {
    g::FunctionDeclaration { name, description, parameters: parameters.filter(|p| !is_empty_object_schema(p)) }
}

fn tool_config(mode: &str, names: Option<Vec<String>>) -> g::ToolConfig {
    g::ToolConfig {
        function_calling_config: Some(g::FunctionCallingConfig {
            mode: Some(mode.into()),
            allowed_function_names: names,
        }),
    }
}

fn finish_generation_config(c: g::GenerationConfig) -> Option<g::GenerationConfig> {
    (c != g::GenerationConfig::default()).then_some(c)
}

fn anthropic_to_gemini<'a>(req: av::Request<'a>, model: &str) -> Result<g::GenerateContentRequest<'a>> {
    let t = Protocol::Gemini;
    let system = anthropic_system(req.system.as_ref(), &req.messages, t)?;
    let mut names: HashMap<&str, &str> = HashMap::new();
    let mut contents = Vec::new();
    for (i, m) in req.messages.into_iter().enumerate() {
        let role = match m.role {
            "system" => continue,
            "user" => "user",
            "assistant" => "model",
            r => return Err(ConvertError::Invalid(format!("messages[{i}].role: unknown role {r:?}"))),
        };
        let mut parts: Vec<g::Part> = Vec::new();
        let mut pending_sig: Option<&str> = None;
        for (j, b) in m.content.into_blocks().into_iter().enumerate() {
            let bf = At::new(i, j);
            let mut new_parts = Vec::new();
            match b {
                av::Block::Text(x) => new_parts.push(text_part(x.to_string())),
                av::Block::Image(s) | av::Block::Document(s) => new_parts.push(source_to_gemini_part(s, bf)?),
                av::Block::ToolUse { id, name, input } => {
                    names.insert(id, name);
                    new_parts.push(g::Part {
                        function_call: Some(g::FunctionCall { id: None, name: name.to_string(), args: input.clone() }),
                        ..Default::default()
                    });
                }
                av::Block::ToolResult { tool_use_id, content, is_error } => {
                    let name = names.get(tool_use_id).map(|n| n.to_string()).ok_or_else(|| {
                        ConvertError::Invalid(format!("{bf}.tool_use_id: no earlier tool_use has id {tool_use_id:?}"))
                    })?;
                    let (text, images) = tool_result_text(content, bf, t)?;
                    new_parts.push(g::Part {
                        function_response: Some(g::FunctionResponse {
                            id: None,
                            name,
                            response: function_response_value(text, is_error == Some(true)),
                        }),
                        ..Default::default()
                    });
                    for (k, s) in images.into_iter().enumerate() {
                        new_parts.push(source_to_gemini_part(s, bf.inner(k))?);
                    }
                }
                av::Block::Thinking { signature, .. } => {
                    // Thought text is not replayed; its signature rides on the next part.
                    if let Some(sig) = signature.filter(|s| !s.is_empty()) {
                        pending_sig = Some(sig);
                    }
                }
                av::Block::RedactedThinking => {}
                av::Block::Other(v) => return Err(other_block(v, bf, t)),
            }
            for mut p in new_parts {
                if role == "model" {
                    if let Some(sig) = pending_sig.take() {
                        p.thought_signature = Some(sig.to_string());
                    }
                }
                parts.push(p);
            }
        }
        push_content(&mut contents, role, parts);
    }
    ensure_signatures(&mut contents, model);

    let mut gc = g::GenerationConfig {
        stop_sequences: req.stop_sequences.filter(|s| !s.is_empty()).map(owned),
        max_output_tokens: req.max_tokens,
        temperature: req.temperature,
        top_p: req.top_p,
        top_k: req.top_k,
        ..Default::default()
    };
    if let Some(th) = req.thinking {
        match (th.kind, th.budget_tokens) {
            ("enabled", Some(b)) => {
                gc.thinking_config = Some(g::ThinkingConfig {
                    thinking_budget: Some(b as i64),
                    include_thoughts: Some(true),
                    extra: Map::new(),
                })
            }
            ("enabled" | "adaptive", None) => {
                gc.thinking_config = Some(g::ThinkingConfig {
                    thinking_budget: Some(-1),
                    include_thoughts: Some(true),
                    extra: Map::new(),
                })
            }
            _ => {}
        }
    }
    let mut decls = Vec::new();
    for (i, tool) in req.tools.unwrap_or_default().into_iter().enumerate() {
        if let Some(k) = tool.kind.filter(|k| *k != "custom") {
            return Err(unsupported(format!("tools[{i}]"), format!("server tool type {k:?}"), t));
        }
        decls.push(declaration(
            tool.name.to_string(),
            tool.description.map(str::to_string),
            tool.input_schema.map(cleaned),
        ));
    }
    let tool_config = req.tool_choice.map(|tc| match tc.kind {
        "any" => tool_config("ANY", None),
        "none" => tool_config("NONE", None),
        "tool" => tool_config("ANY", tc.name.map(|n| vec![n.to_string()])),
        _ => tool_config("AUTO", None),
    });
    Ok(g::GenerateContentRequest {
        contents,
        system_instruction: gemini_system(system),
        tools: gemini_tools(decls),
        tool_config,
        generation_config: finish_generation_config(gc),
        ..Default::default()
    })
}

fn openai_parts_to_gemini(c: Option<o::MessageContent>, field: &str) -> Result<Vec<g::Part>> {
    let t = Protocol::Gemini;
    let parts = match c {
        None => return Ok(vec![]),
        Some(o::MessageContent::Text(s)) => return Ok(if s.is_empty() { vec![] } else { vec![text_part(s)] }),
        Some(o::MessageContent::Parts(p)) => p,
    };
    let mut out = Vec::new();
    for (j, p) in parts.into_iter().enumerate() {
        let pf = format!("{field}.content[{j}]");
        match p {
            o::ContentPart::Text { text } => out.push(text_part(text)),
            o::ContentPart::ImageUrl { image_url } => {
                let u = image_url.url;
                out.push(match parse_data_url(&u) {
                    Some((mime, data)) => {
                        g::Part { inline_data: Some(g::Blob { mime_type: mime, data }), ..Default::default() }
                    }
                    None => g::Part {
                        file_data: Some(g::FileData { mime_type: mime_from_url(&u).map(str::to_string), file_uri: u }),
                        ..Default::default()
                    },
                });
            }
            o::ContentPart::File { file } => match file.file_data.as_deref().and_then(parse_data_url) {
                Some((mime, data)) => {
                    out.push(g::Part { inline_data: Some(g::Blob { mime_type: mime, data }), ..Default::default() })
                }
                None => return Err(unsupported(pf, "a file part without inline file_data", t)),
            },
            other => return Err(unsupported(pf, format!("content part type {:?}", part_type(&other)), t)),
        }
    }
    Ok(out)
}

fn openai_to_gemini(req: o::ChatRequest, model: &str) -> Result<g::GenerateContentRequest<'static>> {
    let t = Protocol::Gemini;
    if req.n.unwrap_or(1) > 1 {
        return Err(unsupported("n", "more than one choice", t));
    }
    let mut system = Vec::new();
    let mut names: HashMap<String, String> = HashMap::new();
    let mut contents = Vec::new();
    for (i, m) in req.messages.into_iter().enumerate() {
        let field = format!("messages[{i}]");
        match m.role.as_str() {
            "system" | "developer" => system.extend(openai_texts(m.content, &field, t)?),
            "user" => push_content(&mut contents, "user", openai_parts_to_gemini(m.content, &field)?),
            "assistant" => {
                let mut parts = openai_parts_to_gemini(m.content, &field)?;
                for c in m.tool_calls.unwrap_or_default() {
                    names.insert(c.id.clone(), c.function.name.clone());
                    parts.push(g::Part {
                        function_call: Some(g::FunctionCall {
                            id: None,
                            name: c.function.name,
                            args: parse_arguments(&c.function.arguments),
                        }),
                        ..Default::default()
                    });
                }
                push_content(&mut contents, "model", parts);
            }
            "tool" => {
                let id = m.tool_call_id.ok_or_else(|| {
                    ConvertError::Invalid(format!("{field}.tool_call_id: required for tool messages"))
                })?;
                let name = names.get(&id).cloned().ok_or_else(|| {
                    ConvertError::Invalid(format!("{field}.tool_call_id: no earlier tool call has id {id:?}"))
                })?;
                let text = openai_texts(m.content, &field, t)?.join("\n");
                push_content(
                    &mut contents,
                    "user",
                    vec![g::Part {
                        function_response: Some(g::FunctionResponse {
                            id: None,
                            name,
                            response: function_response_value(text, false),
                        }),
                        ..Default::default()
                    }],
                );
            }
            r => return Err(unsupported(format!("{field}.role"), format!("role {r:?}"), t)),
        }
    }
    system.retain(|s| !s.is_empty());
    ensure_signatures(&mut contents, model);

    let mut gc = g::GenerationConfig {
        stop_sequences: req.stop.map(o::Stop::into_vec).filter(|v| !v.is_empty()),
        max_output_tokens: req.max_completion_tokens.or(req.max_tokens),
        temperature: req.temperature,
        top_p: req.top_p,
        top_k: req.top_k,
        ..Default::default()
    };
    if let Some(effort) = req.reasoning_effort.as_deref() {
        gc.thinking_config = Some(match budget_from_effort(effort) {
            Some(b) => {
                g::ThinkingConfig { thinking_budget: Some(b as i64), include_thoughts: Some(true), extra: Map::new() }
            }
            None => g::ThinkingConfig { thinking_budget: Some(0), include_thoughts: None, extra: Map::new() },
        });
    }
    if let Some(rf) = req.extra.get("response_format") {
        match rf.get("type").and_then(Value::as_str) {
            Some("json_object") => {
                gc.extra.insert("responseMimeType".into(), json!("application/json"));
            }
            Some("json_schema") => {
                gc.extra.insert("responseMimeType".into(), json!("application/json"));
                if let Some(s) = rf.pointer("/json_schema/schema") {
                    let mut s = s.clone();
                    clean_schema_for_gemini(&mut s);
                    gc.extra.insert("responseSchema".into(), s);
                }
            }
            _ => {}
        }
    }
    let mut decls = Vec::new();
    for (i, tool) in req.tools.unwrap_or_default().into_iter().enumerate() {
        match (tool.kind.as_str(), tool.function) {
            ("function", Some(f)) => {
                let parameters = f.parameters.map(|p| {
                    let mut p = p.into_owned();
                    clean_schema_for_gemini(&mut p);
                    g::Schema::Json(Cow::Owned(p))
                });
                decls.push(declaration(f.name, f.description, parameters))
            }
            (k, _) => return Err(unsupported(format!("tools[{i}]"), format!("tool type {k:?}"), t)),
        }
    }
    let tool_config = req.tool_choice.map(|tc| match tc {
        o::ToolChoice::Mode(m) => match m.as_str() {
            "required" => tool_config("ANY", None),
            "none" => tool_config("NONE", None),
            _ => tool_config("AUTO", None),
        },
        o::ToolChoice::Named(n) => tool_config("ANY", Some(vec![n.function.name])),
    });
    Ok(g::GenerateContentRequest {
        contents,
        system_instruction: gemini_system(system),
        tools: gemini_tools(decls),
        tool_config,
        generation_config: finish_generation_config(gc),
        ..Default::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a2o(body: Value) -> Value {
        convert_request(Protocol::Anthropic, Protocol::Openai, &body, "gpt-4o").unwrap()
    }
    fn o2a(body: Value) -> Value {
        convert_request(Protocol::Openai, Protocol::Anthropic, &body, "claude-sonnet-4-5").unwrap()
    }

    fn claude_code_request() -> Value {
        json!({
            "model": "claude-sonnet-4-5",
            "max_tokens": 16000,
            "stream": true,
            "system": [{"type": "text", "text": "You are Claude Code.", "cache_control": {"type": "ephemeral"}}],
            "stop_sequences": ["</done>"],
            "temperature": 0.5,
            "thinking": {"type": "enabled", "budget_tokens": 10000},
            "tool_choice": {"type": "any", "disable_parallel_tool_use": true},
            "metadata": {"user_id": "u-1"},
            "tools": [{
                "name": "get_weather",
                "description": "Get the current weather in a given location",
                "input_schema": {"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]}
            }],
            "messages": [
                {"role": "system", "content": "Extra system rule."},
                {"role": "user", "content": [
                    {"type": "text", "text": "What's in this image, and the weather in SF?"},
                    {"type": "image", "source": {"type": "base64", "media_type": "image/jpeg", "data": "/9j/4AAQ"}},
                    {"type": "image", "source": {"type": "url", "url": "https://upload.wikimedia.org/a.jpg"}}
                ]},
                {"role": "assistant", "content": [
                    {"type": "thinking", "thinking": "Need the weather tool.", "signature": "EqQB"},
                    {"type": "text", "text": "Let me check."},
                    {"type": "tool_use", "id": "toolu_01A", "name": "get_weather", "input": {"location": "San Francisco, CA"}},
                    {"type": "tool_use", "id": "toolu_01B", "name": "get_weather", "input": {"location": "Paris"}}
                ]},
                {"role": "user", "content": [
                    {"type": "tool_result", "tool_use_id": "toolu_01A", "content": "15 degrees"},
                    {"type": "tool_result", "tool_use_id": "toolu_01B", "is_error": true, "content": [{"type": "text", "text": "timeout"}]},
                    {"type": "text", "text": "Thanks"}
                ]}
            ]
        })
    }

    #[test]
    fn anthropic_to_openai_full() {
        let v = a2o(claude_code_request());
        assert_eq!(v["model"], "gpt-4o");
        let m = v["messages"].as_array().unwrap();
        assert_eq!(m[0], json!({"role": "system", "content": "You are Claude Code.\n\nExtra system rule."}));
        assert_eq!(m[1]["role"], "user");
        assert_eq!(m[1]["content"][0], json!({"type": "text", "text": "What's in this image, and the weather in SF?"}));
        assert_eq!(
            m[1]["content"][1],
            json!({"type": "image_url", "image_url": {"url": "data:image/jpeg;base64,/9j/4AAQ"}})
        );
        assert_eq!(m[1]["content"][2]["image_url"]["url"], "https://upload.wikimedia.org/a.jpg");
        assert_eq!(m[2]["role"], "assistant");
        assert_eq!(m[2]["content"], "Let me check.");
        assert_eq!(m[2]["reasoning_content"], "Need the weather tool.");
        assert_eq!(
            m[2]["tool_calls"][0],
            json!({"id": "toolu_01A", "type": "function", "function": {"name": "get_weather", "arguments": "{\"location\":\"San Francisco, CA\"}"}})
        );
        assert_eq!(m[2]["tool_calls"][1]["id"], "toolu_01B");
        assert_eq!(m[3], json!({"role": "tool", "content": "15 degrees", "tool_call_id": "toolu_01A"}));
        assert_eq!(m[4], json!({"role": "tool", "content": "Error: timeout", "tool_call_id": "toolu_01B"}));
        assert_eq!(m[5], json!({"role": "user", "content": "Thanks"}));
        assert_eq!(m.len(), 6);
        assert_eq!(v["max_tokens"], 16000);
        assert_eq!(v["stop"], json!(["</done>"]));
        assert_eq!(v["stream"], true);
        assert_eq!(v["stream_options"], json!({"include_usage": true}));
        assert_eq!(v["tool_choice"], "required");
        assert_eq!(v["parallel_tool_calls"], false);
        assert_eq!(v["reasoning_effort"], "medium");
        assert_eq!(v["user"], "u-1");
        assert_eq!(
            v["tools"][0],
            json!({"type": "function", "function": {"name": "get_weather", "description": "Get the current weather in a given location",
                "parameters": {"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]}}})
        );
        assert!(v.get("thinking").is_none() && v.get("system").is_none());
    }

    #[test]
    fn unsupported_image_source_names_the_field() {
        let body = json!({"model": "m", "max_tokens": 5, "messages": [
            {"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"},
            {"role": "user", "content": [{"type": "image", "source": {"type": "file", "file_id": "file_1"}}]}
        ]});
        let e = convert_request(Protocol::Anthropic, Protocol::Openai, &body, "x").unwrap_err();
        assert_eq!(
            e.to_string(),
            "messages[2].content[0]: image source type \"file\" is not supported by openai channels"
        );
        let body = json!({"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}],
            "tools": [{"type": "web_search_20250305", "name": "web_search"}]});
        let e = convert_request(Protocol::Anthropic, Protocol::Gemini, &body, "x").unwrap_err();
        assert_eq!(
            e.to_string(),
            "tools[0]: server tool type \"web_search_20250305\" is not supported by gemini channels"
        );
    }

    #[test]
    fn openai_to_anthropic_full() {
        let v = o2a(json!({
            "model": "gpt-4o",
            "messages": [
                {"role": "system", "content": "You are helpful."},
                {"role": "developer", "content": [{"type": "text", "text": "Answer in French."}]},
                {"role": "user", "content": [
                    {"type": "text", "text": "Weather?"},
                    {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}
                ]},
                {"role": "assistant", "content": null, "reasoning_content": "think", "tool_calls": [
                    {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"location\":\"Paris\"}"}},
                    {"id": "call_2", "type": "function", "function": {"name": "get_weather", "arguments": "{\"location\":\"Rome\"}"}}
                ]},
                {"role": "tool", "tool_call_id": "call_1", "content": "15C"},
                {"role": "tool", "tool_call_id": "call_2", "content": "20C"},
                {"role": "user", "content": "and tomorrow?"}
            ],
            "stop": "END",
            "temperature": 1.5,
            "tools": [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {"location": {"type": "string"}}}}}],
            "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
            "parallel_tool_calls": false,
            "user": "alice"
        }));
        assert_eq!(v["model"], "claude-sonnet-4-5");
        assert_eq!(v["max_tokens"], 4096);
        assert_eq!(v["system"], "You are helpful.\n\nAnswer in French.");
        assert_eq!(v["stop_sequences"], json!(["END"]));
        assert_eq!(v["temperature"], 1.0);
        let m = v["messages"].as_array().unwrap();
        assert_eq!(m.len(), 3);
        assert_eq!(
            m[0]["content"][1],
            json!({"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}})
        );
        assert_eq!(
            m[1],
            json!({"role": "assistant", "content": [
                {"type": "tool_use", "id": "call_1", "name": "get_weather", "input": {"location": "Paris"}},
                {"type": "tool_use", "id": "call_2", "name": "get_weather", "input": {"location": "Rome"}}
            ]})
        );
        assert_eq!(
            m[2],
            json!({"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "call_1", "content": "15C"},
                {"type": "tool_result", "tool_use_id": "call_2", "content": "20C"},
                {"type": "text", "text": "and tomorrow?"}
            ]})
        );
        assert_eq!(v["tools"][0]["input_schema"]["properties"]["location"]["type"], "string");
        assert_eq!(v["tool_choice"], json!({"type": "tool", "name": "get_weather", "disable_parallel_tool_use": true}));
        assert_eq!(v["metadata"], json!({"user_id": "alice"}));
    }

    #[test]
    fn openai_max_tokens_and_reasoning() {
        let v =
            o2a(json!({"model": "o", "messages": [{"role": "user", "content": "hi"}], "max_completion_tokens": 1000,
            "max_tokens": 50, "reasoning_effort": "high", "temperature": 0.2, "stop": ["a", "b"]}));
        assert_eq!(v["thinking"], json!({"type": "enabled", "budget_tokens": 24576}));
        assert_eq!(v["max_tokens"], 25576);
        assert!(v.get("temperature").is_none());
        assert_eq!(v["stop_sequences"], json!(["a", "b"]));
        assert_eq!(v["messages"][0], json!({"role": "user", "content": "hi"}));
        let v = o2a(json!({"model": "o", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 50}));
        assert_eq!(v["max_tokens"], 50);
        assert!(v.get("thinking").is_none());
    }

    #[test]
    fn round_trip_anthropic_openai_anthropic_keeps_meaning() {
        let original = claude_code_request();
        let back = o2a(a2o(original.clone()));
        assert_eq!(back["system"], "You are Claude Code.\n\nExtra system rule.");
        assert_eq!(back["max_tokens"], 16000);
        assert_eq!(back["thinking"], json!({"type": "enabled", "budget_tokens": 8192}));
        assert_eq!(back["stop_sequences"], json!(["</done>"]));
        assert_eq!(back["tools"][0]["name"], "get_weather");
        assert_eq!(back["tools"][0]["input_schema"], original["tools"][0]["input_schema"]);
        assert_eq!(back["tool_choice"], json!({"type": "any", "disable_parallel_tool_use": true}));
        let m = back["messages"].as_array().unwrap();
        assert_eq!(m.len(), 3, "{m:#?}");
        assert_eq!(m[0]["content"], original["messages"][1]["content"]);
        let blocks = m[1]["content"].as_array().unwrap();
        assert_eq!(blocks[0], json!({"type": "text", "text": "Let me check."}));
        assert_eq!(blocks[1], original["messages"][2]["content"][2]);
        assert_eq!(blocks[2], original["messages"][2]["content"][3]);
        assert_eq!(m[2]["content"][0], original["messages"][3]["content"][0]);
        assert_eq!(m[2]["content"][1]["tool_use_id"], "toolu_01B");
        assert_eq!(m[2]["content"][1]["content"], "Error: timeout");
        assert_eq!(m[2]["content"][2], json!({"type": "text", "text": "Thanks"}));
    }

    #[test]
    fn anthropic_to_gemini_full() {
        let mut body = claude_code_request();
        body["tools"][0]["input_schema"] = json!({
            "$schema": "http://json-schema.org/draft-07/schema#", "type": "object", "additionalProperties": false,
            "properties": {"location": {"type": "string", "format": "uri"}}, "required": ["location"]
        });
        body["tool_choice"] = json!({"type": "tool", "name": "get_weather"});
        let v = convert_request(Protocol::Anthropic, Protocol::Gemini, &body, "gemini-2.5-pro").unwrap();
        assert!(v.get("model").is_none());
        assert_eq!(v["systemInstruction"], json!({"parts": [{"text": "You are Claude Code.\n\nExtra system rule."}]}));
        let c = v["contents"].as_array().unwrap();
        assert_eq!(c.len(), 3);
        assert_eq!(c[0]["role"], "user");
        assert_eq!(c[0]["parts"][1], json!({"inlineData": {"mimeType": "image/jpeg", "data": "/9j/4AAQ"}}));
        assert_eq!(
            c[0]["parts"][2],
            json!({"fileData": {"mimeType": "image/jpeg", "fileUri": "https://upload.wikimedia.org/a.jpg"}})
        );
        assert_eq!(c[1]["role"], "model");
        // thinking text is not replayed; its signature rides on the next part
        assert_eq!(c[1]["parts"][0], json!({"text": "Let me check.", "thoughtSignature": "EqQB"}));
        assert_eq!(
            c[1]["parts"][1],
            json!({"functionCall": {"name": "get_weather", "args": {"location": "San Francisco, CA"}}})
        );
        assert_eq!(
            c[2]["parts"][0],
            json!({"functionResponse": {"name": "get_weather", "response": {"result": "15 degrees"}}})
        );
        assert_eq!(
            c[2]["parts"][1],
            json!({"functionResponse": {"name": "get_weather", "response": {"error": "timeout"}}})
        );
        assert_eq!(c[2]["parts"][2], json!({"text": "Thanks"}));
        assert_eq!(
            v["generationConfig"],
            json!({"stopSequences": ["</done>"], "maxOutputTokens": 16000, "temperature": 0.5,
                "thinkingConfig": {"thinkingBudget": 10000, "includeThoughts": true}})
        );
        assert_eq!(
            v["tools"],
            json!([{"functionDeclarations": [{"name": "get_weather", "description": "Get the current weather in a given location",
                "parameters": {"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]}}]}])
        );
        assert_eq!(
            v["toolConfig"],
            json!({"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": ["get_weather"]}})
        );
    }

    #[test]
    fn gemini_3_gets_placeholder_signature_and_unknown_ids_fail() {
        let body = json!({"model": "m", "max_tokens": 10, "messages": [
            {"role": "user", "content": "hi"},
            {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "f", "input": {}}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "{\"ok\":true}"}]}
        ]});
        let v = convert_request(Protocol::Anthropic, Protocol::Gemini, &body, "gemini-3-pro-preview").unwrap();
        assert_eq!(v["contents"][1]["parts"][0]["thoughtSignature"], GEMINI_DUMMY_SIGNATURE);
        assert_eq!(v["contents"][2]["parts"][0]["functionResponse"]["response"], json!({"ok": true}));
        let v = convert_request(Protocol::Anthropic, Protocol::Gemini, &body, "gemini-2.5-pro").unwrap();
        assert!(v["contents"][1]["parts"][0].get("thoughtSignature").is_none());
        let mut bad = body.clone();
        bad["messages"][2]["content"][0]["tool_use_id"] = json!("nope");
        let e = convert_request(Protocol::Anthropic, Protocol::Gemini, &bad, "g").unwrap_err();
        assert_eq!(e.to_string(), "messages[2].content[0].tool_use_id: no earlier tool_use has id \"nope\"");
    }

    #[test]
    fn openai_to_gemini_full() {
        let v = convert_request(
            Protocol::Openai,
            Protocol::Gemini,
            &json!({
                "model": "gpt-4o",
                "messages": [
                    {"role": "system", "content": "Be brief."},
                    {"role": "user", "content": "Weather in Paris and Rome?"},
                    {"role": "assistant", "content": null, "tool_calls": [
                        {"id": "call_a", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}},
                        {"id": "call_b", "type": "function", "function": {"name": "get_time", "arguments": "{}"}}
                    ]},
                    {"role": "tool", "tool_call_id": "call_b", "content": "noon"},
                    {"role": "tool", "tool_call_id": "call_a", "content": "15C"}
                ],
                "stop": "STOP!",
                "max_tokens": 300,
                "reasoning_effort": "low",
                "tools": [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string", "const": "Paris"}}}}},
                          {"type": "function", "function": {"name": "get_time", "parameters": {"type": "object", "properties": {}}}}],
                "tool_choice": "required"
            }),
            "gemini-2.5-flash",
        )
        .unwrap();
        assert_eq!(v["systemInstruction"]["parts"][0]["text"], "Be brief.");
        let c = v["contents"].as_array().unwrap();
        assert_eq!(c.len(), 3);
        assert_eq!(c[1]["parts"][0]["functionCall"], json!({"name": "get_weather", "args": {"city": "Paris"}}));
        assert_eq!(c[2]["role"], "user");
        assert_eq!(c[2]["parts"][0]["functionResponse"], json!({"name": "get_time", "response": {"result": "noon"}}));
        assert_eq!(c[2]["parts"][1]["functionResponse"]["name"], "get_weather");
        assert_eq!(v["generationConfig"]["stopSequences"], json!(["STOP!"]));
        assert_eq!(v["generationConfig"]["maxOutputTokens"], 300);
        assert_eq!(v["generationConfig"]["thinkingConfig"], json!({"thinkingBudget": 2048, "includeThoughts": true}));
        let decls = &v["tools"][0]["functionDeclarations"];
        assert_eq!(decls[0]["parameters"]["properties"]["city"], json!({"enum": ["Paris"], "type": "string"}));
        assert!(decls[1].get("parameters").is_none());
        assert_eq!(v["toolConfig"]["functionCallingConfig"]["mode"], "ANY");
    }

    #[test]
    fn same_protocol_only_sets_model() {
        let body = json!({"model": "alias", "messages": [{"role": "system", "content": "kept"}], "weird": 1});
        let v = convert_request(Protocol::Anthropic, Protocol::Anthropic, &body, "real").unwrap();
        assert_eq!(v["model"], "real");
        assert_eq!(v["messages"], body["messages"]);
        assert_eq!(v["weird"], 1);
        assert!(convert_request(Protocol::Gemini, Protocol::Openai, &body, "x").is_err());
    }
}
