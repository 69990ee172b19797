//! Non-stream response conversion (upstream → client): OpenAI ⇄ Anthropic and
//! Gemini → Anthropic/OpenAI, plus usage extraction. The client always sees
//! the model name it asked for. Gemini function calls get synthetic ids that
//! are stable for a given response (derived from `responseId`).

use super::super::{anthropic as a, gemini as g, openai as o, ConvertError, Protocol, Usage};
use super::{fnv1a, now_secs, parse_arguments, synth_call_id, Finish};
use serde_json::{Map, Value};

type Result<T> = std::result::Result<T, ConvertError>;

/// See [`crate::protocol::convert_response`].
pub fn convert_response(upstream: Protocol, client: Protocol, body: &Value, client_model: &str) -> Result<Value> {
    if upstream == client {
        return Ok(body.clone());
    }
    if client == Protocol::Gemini {
        // Gemini clients get the other protocols' answers through Chat Completions.
        let chat = match upstream {
            Protocol::Openai => body.clone(),
            _ => convert_response(upstream, Protocol::Openai, body, client_model)?,
        };
        return super::gemini_client::chat_to_response(&chat, client_model);
    }
    let parse_err = |e: serde_json::Error| ConvertError::Upstream(format!("{upstream} response body: {e}"));
    let out = match (upstream, client) {
        (Protocol::Openai, Protocol::Anthropic) => {
            let r: o::ChatResponse = serde_json::from_value(body.clone()).map_err(parse_err)?;
            serde_json::to_value(openai_to_anthropic(r, client_model)?)
        }
        (Protocol::Anthropic, Protocol::Openai) => {
            let r: a::MessagesResponse = serde_json::from_value(body.clone()).map_err(parse_err)?;
            serde_json::to_value(anthropic_to_openai(r, client_model))
        }
        (Protocol::Gemini, Protocol::Anthropic) => {
            let r: g::GenerateContentResponse = serde_json::from_value(body.clone()).map_err(parse_err)?;
            let seed = gemini_seed(&r, body);
            serde_json::to_value(gemini_to_anthropic(r, client_model, &seed))
        }
        (Protocol::Gemini, Protocol::Openai) => {
            let r: g::GenerateContentResponse = serde_json::from_value(body.clone()).map_err(parse_err)?;
            let seed = gemini_seed(&r, body);
            serde_json::to_value(gemini_to_openai(r, client_model, &seed))
        }
        _ => return Err(ConvertError::UnsupportedPair { from: upstream, to: client }),
    };
    out.map_err(|e| ConvertError::Upstream(e.to_string()))
}

/// See [`crate::protocol::usage_from_bytes`].
pub fn usage_from_bytes(p: Protocol, body: &[u8]) -> Usage {
    #[derive(serde::Deserialize)]
    struct Body {
        #[serde(default, alias = "usageMetadata")]
        usage: Option<UsagePeek>,
    }
    if let Some(u) = usage_at_end(p, body) {
        return u;
    }
    serde_json::from_slice::<Body>(body).ok().and_then(|b| b.usage).map(|u| u.usage(p)).unwrap_or_default()
}

/// The fast path of [`usage_from_bytes`]: Anthropic (and most servers) put the usage object
/// last, so find its key from the end and parse only that object — but only when nothing
/// but the document's closing brace follows it, which proves it is a top-level key and
/// not one nested in content. Otherwise None, and the caller parses the whole body.
fn usage_at_end(p: Protocol, body: &[u8]) -> Option<Usage> {
    let key: &[u8] = match p {
        Protocol::Anthropic | Protocol::Openai => b"\"usage\"",
        Protocol::Gemini => b"\"usageMetadata\"",
    };
    let peek: Option<UsagePeek> = last_key_value(body, key, 1)?;
    Some(peek.map(|u| u.usage(p)).unwrap_or_default())
}

/// The value of the key `key` (quotes included) of a JSON document, parsed alone, when it
/// is the document's last key at nesting `depth` (1 = top level): found from the end, and
/// taken only when it follows `{` or `,` and nothing but `depth` closing braces comes
/// after its value. Anything else (the key absent, nested elsewhere, a value of the wrong
/// shape) is None, and the caller parses the whole document. The relay reads stream usage
/// this way (`"usage"` closes both `message_start`, at depth 2, and `message_delta`).
pub(crate) fn last_key_value<'a, T: serde::Deserialize<'a>>(body: &'a [u8], key: &[u8], depth: usize) -> Option<T> {
    let at = rfind(body, key)?;
    if !matches!(body[..at].iter().rev().find(|b| !b.is_ascii_whitespace()), Some(b',' | b'{')) {
        return None;
    }
    let rest = &body[at + key.len()..];
    let colon = rest.iter().position(|b| !b.is_ascii_whitespace())?;
    if rest[colon] != b':' {
        return None;
    }
    let value = &rest[colon + 1..];
    let mut values = serde_json::Deserializer::from_slice(value).into_iter::<T>();
    let parsed = values.next()?.ok()?;
    let mut tail = value[values.byte_offset()..].iter().filter(|b| !b.is_ascii_whitespace());
    let closers = tail.by_ref().take(depth).filter(|&&b| b == b'}').count();
    (closers == depth && tail.next().is_none()).then_some(parsed)
}

/// `memmem::rfind`, with the searcher for `"usage"` (every response and stream event
/// that carries usage) built once: building it was ~800 instructions a call.
fn rfind(body: &[u8], key: &[u8]) -> Option<usize> {
    static USAGE: std::sync::LazyLock<memchr::memmem::FinderRev<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::FinderRev::new(b"\"usage\""));
    if key == USAGE.needle() {
        USAGE.rfind(body)
    } else {
        memchr::memmem::rfind(body, key)
    }
}

/// The usage object of any of the three protocols, flat: the proxy reads usage from every
/// response and stream, and the typed wire models' unknown-field maps (`flatten`) cost
/// several times more to fill than the handful of counters read here.
#[derive(Debug, Default, serde::Deserialize)]
pub struct UsagePeek {
    // Anthropic
    #[serde(default)]
    input_tokens: Option<u64>,
    #[serde(default)]
    output_tokens: Option<u64>,
    #[serde(default)]
    cache_creation_input_tokens: Option<u64>,
    #[serde(default)]
    cache_read_input_tokens: Option<u64>,
    // OpenAI (and DeepSeek's prompt_cache_hit_tokens)
    #[serde(default)]
    prompt_tokens: Option<u64>,
    #[serde(default)]
    completion_tokens: Option<u64>,
    #[serde(default)]
    prompt_tokens_details: Option<DetailsPeek>,
    #[serde(default)]
    completion_tokens_details: Option<DetailsPeek>,
    #[serde(default)]
    prompt_cache_hit_tokens: Option<u64>,
    // Gemini
    #[serde(default, rename = "promptTokenCount")]
    prompt_token_count: Option<u64>,
    #[serde(default, rename = "candidatesTokenCount")]
    candidates_token_count: Option<u64>,
    #[serde(default, rename = "cachedContentTokenCount")]
    cached_content_token_count: Option<u64>,
    #[serde(default, rename = "thoughtsTokenCount")]
    thoughts_token_count: Option<u64>,
}

#[derive(Debug, Default, serde::Deserialize)]
struct DetailsPeek {
    #[serde(default)]
    cached_tokens: Option<u64>,
    #[serde(default)]
    reasoning_tokens: Option<u64>,
}

impl UsagePeek {
    /// The counters as `p` defines them.
    pub fn usage(&self, p: Protocol) -> Usage {
        let n = |v: Option<u64>| v.unwrap_or(0);
        let detail = |d: &Option<DetailsPeek>, f: fn(&DetailsPeek) -> Option<u64>| d.as_ref().and_then(f);
        match p {
            Protocol::Anthropic => anthropic_counts(
                n(self.input_tokens),
                n(self.output_tokens),
                n(self.cache_read_input_tokens),
                n(self.cache_creation_input_tokens),
            ),
            Protocol::Openai => openai_counts(
                n(self.prompt_tokens),
                n(self.completion_tokens),
                n(detail(&self.prompt_tokens_details, |d| d.cached_tokens).or(self.prompt_cache_hit_tokens)),
                n(detail(&self.completion_tokens_details, |d| d.reasoning_tokens)),
            ),
            Protocol::Gemini => gemini_counts(
                n(self.prompt_token_count),
                n(self.candidates_token_count),
                n(self.cached_content_token_count),
                n(self.thoughts_token_count),
            ),
        }
    }
}

// The usage rules of the three protocols, written once: the flat peek above and the typed
// wire models below both go through them.

fn anthropic_counts(input: u64, output: u64, cache_read: u64, cache_write: u64) -> Usage {
    Usage { input, output, cache_read, cache_write, reasoning: 0 }
}

/// OpenAI's prompt count includes the cached tokens; its completion count, the reasoning.
fn openai_counts(prompt: u64, completion: u64, cached: u64, reasoning: u64) -> Usage {
    Usage { input: prompt.saturating_sub(cached), output: completion, cache_read: cached, cache_write: 0, reasoning }
}

/// Gemini's prompt count includes the cached tokens; its candidates count leaves out the
/// thoughts, which are output all the same.
fn gemini_counts(prompt: u64, candidates: u64, cached: u64, thoughts: u64) -> Usage {
    Usage {
        input: prompt.saturating_sub(cached),
        output: candidates + thoughts,
        cache_read: cached,
        cache_write: 0,
        reasoning: thoughts,
    }
}

/// See [`crate::protocol::usage_from_response`].
pub fn usage_from_response(p: Protocol, body: &Value) -> Usage {
    use serde::Deserialize;
    let key = match p {
        Protocol::Anthropic | Protocol::Openai => "usage",
        Protocol::Gemini => "usageMetadata",
    };
    body.get(key).and_then(|u| UsagePeek::deserialize(u).ok()).map(|u| u.usage(p)).unwrap_or_default()
}

pub(crate) fn from_anthropic_usage(u: &a::Usage) -> Usage {
    anthropic_counts(
        u.input_tokens,
        u.output_tokens,
        u.cache_read_input_tokens.unwrap_or(0),
        u.cache_creation_input_tokens.unwrap_or(0),
    )
}

pub(crate) fn from_openai_usage(u: &o::Usage) -> Usage {
    let cached = u
        .prompt_tokens_details
        .as_ref()
        .and_then(|d| d.cached_tokens)
        .or_else(|| u.extra.get("prompt_cache_hit_tokens").and_then(Value::as_u64));
    let reasoning = u.completion_tokens_details.as_ref().and_then(|d| d.reasoning_tokens);
    openai_counts(u.prompt_tokens, u.completion_tokens, cached.unwrap_or(0), reasoning.unwrap_or(0))
}

pub(crate) fn from_gemini_usage(u: &g::UsageMetadata) -> Usage {
    gemini_counts(
        u.prompt_token_count.unwrap_or(0),
        u.candidates_token_count.unwrap_or(0),
        u.cached_content_token_count.unwrap_or(0),
        u.thoughts_token_count.unwrap_or(0),
    )
}

pub(crate) fn to_anthropic_usage(u: &Usage) -> a::Usage {
    a::Usage {
        input_tokens: u.input,
        output_tokens: u.output,
        cache_creation_input_tokens: Some(u.cache_write),
        cache_read_input_tokens: Some(u.cache_read),
        extra: Map::new(),
    }
}

pub(crate) fn to_openai_usage(u: &Usage) -> o::Usage {
    let prompt = u.input + u.cache_read + u.cache_write;
    o::Usage {
        prompt_tokens: prompt,
        completion_tokens: u.output,
        total_tokens: prompt + u.output,
        prompt_tokens_details: Some(o::PromptTokensDetails { cached_tokens: Some(u.cache_read), extra: Map::new() }),
        completion_tokens_details: (u.reasoning > 0)
            .then(|| o::CompletionTokensDetails { reasoning_tokens: Some(u.reasoning), extra: Map::new() }),
        extra: Map::new(),
    }
}

/// `msg_…` id derived from an upstream id.
pub(crate) fn anthropic_msg_id(upstream_id: &str) -> String {
    let core = upstream_id.strip_prefix("chatcmpl-").unwrap_or(upstream_id);
    let core = super::id_safe(core);
    if core.starts_with("msg_") {
        core
    } else if core.is_empty() {
        format!("msg_{:016x}", fnv1a(upstream_id.as_bytes()) ^ now_secs())
    } else {
        format!("msg_{core}")
    }
}

/// `chatcmpl-…` id derived from an upstream id.
pub(crate) fn openai_chunk_id(upstream_id: &str) -> String {
    let core = super::id_safe(upstream_id.strip_prefix("msg_").unwrap_or(upstream_id));
    if core.is_empty() {
        format!("chatcmpl-{:016x}", fnv1a(upstream_id.as_bytes()) ^ now_secs())
    } else {
        format!("chatcmpl-{core}")
    }
}

/// Seed for Gemini synthetic ids: the responseId, or a hash of the body.
pub(crate) fn gemini_seed(r: &g::GenerateContentResponse, body: &Value) -> String {
    match r.response_id.as_deref().filter(|s| !s.is_empty()) {
        Some(id) => id.to_string(),
        None => format!("{:016x}", fnv1a(body.to_string().as_bytes())),
    }
}

fn openai_to_anthropic(r: o::ChatResponse, model: &str) -> Result<a::MessagesResponse> {
    let choice = r.choices.into_iter().next();
    let mut content = Vec::new();
    let mut finish = None;
    if let Some(c) = choice {
        let m = c.message;
        let reasoning =
            m.reasoning_content.or_else(|| m.extra.get("reasoning").and_then(Value::as_str).map(str::to_string));
        if let Some(th) = reasoning.filter(|s| !s.is_empty()) {
            content.push(a::ContentBlock::Thinking(a::ThinkingBlock {
                thinking: th,
                signature: Some(String::new()),
                extra: Map::new(),
            }));
        }
        let text = match m.content {
            Some(o::MessageContent::Text(t)) => t,
            Some(o::MessageContent::Parts(ps)) => ps
                .into_iter()
                .filter_map(|p| match p {
                    o::ContentPart::Text { text } => Some(text),
                    _ => None,
                })
                .collect(),
            None => String::new(),
        };
        if !text.is_empty() {
            content.push(a::ContentBlock::text(text));
        }
        if let Some(refusal) = m.extra.get("refusal").and_then(Value::as_str) {
            content.push(a::ContentBlock::text(refusal));
        }
        for call in m.tool_calls.unwrap_or_default() {
            content.push(a::ContentBlock::ToolUse(a::ToolUseBlock {
                id: call.id,
                name: call.function.name,
                input: parse_arguments(&call.function.arguments),
                extra: Map::new(),
            }));
        }
        finish = c.finish_reason.map(|f| Finish::from_openai(&f));
    }
    let saw_tool = content.iter().any(|b| matches!(b, a::ContentBlock::ToolUse(_)));
    let finish = finish.unwrap_or(if saw_tool { Finish::ToolUse } else { Finish::EndTurn });
    let usage = r.usage.as_ref().map(from_openai_usage).unwrap_or_default();
    Ok(a::MessagesResponse {
        id: anthropic_msg_id(&r.id),
        kind: "message".into(),
        role: "assistant".into(),
        model: model.to_string(),
        content,
        stop_reason: Some(finish.to_anthropic().into()),
        stop_sequence: None,
        usage: to_anthropic_usage(&usage),
        extra: Map::new(),
    })
}

fn openai_message(text: String, reasoning: String, calls: Vec<o::ToolCall>) -> o::ChatMessage {
    o::ChatMessage {
        role: "assistant".into(),
        content: if text.is_empty() && !calls.is_empty() { None } else { Some(o::MessageContent::Text(text)) },
        reasoning_content: (!reasoning.is_empty()).then_some(reasoning),
        tool_calls: (!calls.is_empty()).then_some(calls),
        ..Default::default()
    }
}

fn openai_response(id: String, model: &str, message: o::ChatMessage, finish: Finish, usage: &Usage) -> o::ChatResponse {
    o::ChatResponse {
        id,
        object: "chat.completion".into(),
        created: now_secs(),
        model: model.to_string(),
        choices: vec![o::Choice {
            index: 0,
            message,
            finish_reason: Some(finish.to_openai().into()),
            extra: Map::new(),
        }],
        usage: Some(to_openai_usage(usage)),
        extra: Map::new(),
    }
}

/// Anthropic content blocks as an OpenAI message's parts: the text, the reasoning
/// (thinking blocks, joined) and the tool calls. Other blocks have no OpenAI form.
fn blocks_to_openai(blocks: Vec<a::ContentBlock>) -> (String, String, Vec<o::ToolCall>) {
    let mut text = String::new();
    let mut reasoning = String::new();
    let mut calls = Vec::new();
    for b in blocks {
        match b {
            a::ContentBlock::Text(t) => text.push_str(&t.text),
            a::ContentBlock::Thinking(t) => reasoning.push_str(&t.thinking),
            a::ContentBlock::ToolUse(u) => calls.push(o::ToolCall {
                id: u.id,
                kind: "function".into(),
                function: o::FunctionCall {
                    name: u.name,
                    arguments: serde_json::to_string(&u.input).unwrap_or_default(),
                },
                extra: Map::new(),
            }),
            _ => {}
        }
    }
    (text, reasoning, calls)
}

fn anthropic_to_openai(r: a::MessagesResponse, model: &str) -> o::ChatResponse {
    let (text, reasoning, calls) = blocks_to_openai(r.content);
    let finish = r.stop_reason.as_deref().map(Finish::from_anthropic).unwrap_or(Finish::EndTurn);
    let usage = from_anthropic_usage(&r.usage);
    openai_response(openai_chunk_id(&r.id), model, openai_message(text, reasoning, calls), finish, &usage)
}

/// Gemini parts as Anthropic blocks. Thought parts become thinking blocks; a
/// signature on a later part is attached to the preceding thinking block (or
/// an empty one), so it can travel back to Gemini with the next request.
pub(crate) fn gemini_parts_to_blocks(
    parts: Vec<g::Part>,
    seed: &str,
    prefix: &str,
    calls: &mut usize,
) -> Vec<a::ContentBlock> {
    let mut out: Vec<a::ContentBlock> = Vec::new();
    for p in parts {
        if p.thought == Some(true) {
            out.push(a::ContentBlock::Thinking(a::ThinkingBlock {
                thinking: p.text.unwrap_or_default(),
                signature: Some(p.thought_signature.unwrap_or_default()),
                extra: Map::new(),
            }));
            continue;
        }
        if let Some(sig) = p.thought_signature.clone() {
            match out.last_mut() {
                Some(a::ContentBlock::Thinking(t)) if t.signature.as_deref().unwrap_or("").is_empty() => {
                    t.signature = Some(sig)
                }
                _ => out.push(a::ContentBlock::Thinking(a::ThinkingBlock {
                    thinking: String::new(),
                    signature: Some(sig),
                    extra: Map::new(),
                })),
            }
        }
        if let Some(t) = p.text {
            match out.last_mut() {
                Some(a::ContentBlock::Text(prev)) => prev.text.push_str(&t),
                _ => out.push(a::ContentBlock::text(t)),
            }
        } else if let Some(fc) = p.function_call {
            let id = fc.id.filter(|s| !s.is_empty()).unwrap_or_else(|| synth_call_id(prefix, seed, *calls));
            *calls += 1;
            let input = if fc.args.is_object() { fc.args } else { Value::Object(Map::new()) };
            out.push(a::ContentBlock::ToolUse(a::ToolUseBlock { id, name: fc.name, input, extra: Map::new() }));
        } else if let Some(b) = p.inline_data {
            log::debug!("gemini returned inline {} data; dropped", b.mime_type);
        }
    }
    out
}

fn gemini_candidate(r: &mut g::GenerateContentResponse) -> (Vec<g::Part>, Option<String>) {
    match r.candidates.first_mut() {
        Some(c) => (c.content.take().map(|c| c.parts).unwrap_or_default(), c.finish_reason.clone()),
        None => (vec![], None),
    }
}

fn gemini_finish(reason: Option<&str>, saw_tool: bool, prompt_blocked: bool) -> Finish {
    match reason {
        Some(r) => Finish::from_gemini(r, saw_tool),
        None if prompt_blocked => Finish::Refusal,
        None if saw_tool => Finish::ToolUse,
        None => Finish::EndTurn,
    }
}

fn gemini_to_anthropic(mut r: g::GenerateContentResponse, model: &str, seed: &str) -> a::MessagesResponse {
    let (parts, reason) = gemini_candidate(&mut r);
    let mut n = 0;
    let content = gemini_parts_to_blocks(parts, seed, "toolu_", &mut n);
    let blocked = r.prompt_feedback.as_ref().is_some_and(|f| f.get("blockReason").is_some());
    let finish = gemini_finish(reason.as_deref(), n > 0, blocked);
    let usage = r.usage_metadata.as_ref().map(from_gemini_usage).unwrap_or_default();
    a::MessagesResponse {
        id: anthropic_msg_id(seed),
        kind: "message".into(),
        role: "assistant".into(),
        model: model.to_string(),
        content,
        stop_reason: Some(finish.to_anthropic().into()),
        stop_sequence: None,
        usage: to_anthropic_usage(&usage),
        extra: Map::new(),
    }
}

fn gemini_to_openai(mut r: g::GenerateContentResponse, model: &str, seed: &str) -> o::ChatResponse {
    let (parts, reason) = gemini_candidate(&mut r);
    let mut n = 0;
    let blocks = gemini_parts_to_blocks(parts, seed, "call_", &mut n);
    let (text, reasoning, calls) = blocks_to_openai(blocks);
    let blocked = r.prompt_feedback.as_ref().is_some_and(|f| f.get("blockReason").is_some());
    let finish = gemini_finish(reason.as_deref(), n > 0, blocked);
    let usage = r.usage_metadata.as_ref().map(from_gemini_usage).unwrap_or_default();
    openai_response(openai_chunk_id(seed), model, openai_message(text, reasoning, calls), finish, &usage)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn openai_fixture() -> Value {
        json!({
            "id": "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
            "object": "chat.completion",
            "created": 1741570283,
            "model": "gpt-4o-2024-08-06",
            "choices": [{
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": "Checking.",
                    "reasoning_content": "User wants weather.",
                    "tool_calls": [
                        {"id": "call_abc", "type": "function", "function": {"name": "get_weather", "arguments": "{\"location\":\"Boston, MA\"}"}},
                        {"id": "call_def", "type": "function", "function": {"name": "get_weather", "arguments": "{\"location\":\"Paris\"}"}}
                    ]
                },
                "finish_reason": "tool_calls"
            }],
            "usage": {"prompt_tokens": 1117, "completion_tokens": 46, "total_tokens": 1163,
                "prompt_tokens_details": {"cached_tokens": 1024}, "completion_tokens_details": {"reasoning_tokens": 10}}
        })
    }

    fn anthropic_fixture() -> Value {
        json!({
            "id": "msg_01XFDUDYJgAACzvnptvVoYEL",
            "type": "message",
            "role": "assistant",
            "model": "claude-sonnet-4-5",
            "content": [
                {"type": "thinking", "thinking": "Let me think.", "signature": "sig"},
                {"type": "text", "text": "I'll check the weather."},
                {"type": "tool_use", "id": "toolu_01A", "name": "get_weather", "input": {"location": "San Francisco, CA"}}
            ],
            "stop_reason": "tool_use",
            "stop_sequence": null,
            "usage": {"input_tokens": 100, "output_tokens": 50, "cache_read_input_tokens": 2000, "cache_creation_input_tokens": 300}
        })
    }

    fn gemini_fixture() -> Value {
        json!({
            "candidates": [{
                "content": {"role": "model", "parts": [
                    {"text": "Thinking about theaters", "thought": true},
                    {"text": "Searching. "},
                    {"functionCall": {"name": "find_theaters", "args": {"location": "Mountain View, CA", "movie": "Barbie"}}, "thoughtSignature": "R2VtaW5p"},
                    {"functionCall": {"name": "find_theaters", "args": {"location": "Palo Alto"}}}
                ]},
                "finishReason": "STOP",
                "index": 0
            }],
            "usageMetadata": {"promptTokenCount": 120, "candidatesTokenCount": 30, "totalTokenCount": 170,
                "cachedContentTokenCount": 100, "thoughtsTokenCount": 20},
            "modelVersion": "gemini-2.5-flash",
            "responseId": "resp-XYZ"
        })
    }

    #[test]
    fn openai_to_anthropic_response() {
        let v = convert_response(Protocol::Openai, Protocol::Anthropic, &openai_fixture(), "my-claude").unwrap();
        assert_eq!(v["id"], "msg_B9MHDbslfkBeAs8l4bebGdFOJ6PeG");
        assert_eq!(v["type"], "message");
        assert_eq!(v["model"], "my-claude");
        assert_eq!(v["stop_reason"], "tool_use");
        assert_eq!(v["content"][0], json!({"type": "thinking", "thinking": "User wants weather.", "signature": ""}));
        assert_eq!(v["content"][1], json!({"type": "text", "text": "Checking."}));
        assert_eq!(
            v["content"][2],
            json!({"type": "tool_use", "id": "call_abc", "name": "get_weather", "input": {"location": "Boston, MA"}})
        );
        assert_eq!(v["content"][3]["input"], json!({"location": "Paris"}));
        assert_eq!(
            v["usage"],
            json!({"input_tokens": 93, "output_tokens": 46, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 1024})
        );
    }

    #[test]
    fn anthropic_to_openai_response() {
        let v = convert_response(Protocol::Anthropic, Protocol::Openai, &anthropic_fixture(), "my-gpt").unwrap();
        assert_eq!(v["id"], "chatcmpl-01XFDUDYJgAACzvnptvVoYEL");
        assert_eq!(v["object"], "chat.completion");
        assert_eq!(v["model"], "my-gpt");
        let c = &v["choices"][0];
        assert_eq!(c["finish_reason"], "tool_calls");
        assert_eq!(c["message"]["content"], "I'll check the weather.");
        assert_eq!(c["message"]["reasoning_content"], "Let me think.");
        assert_eq!(
            c["message"]["tool_calls"][0],
            json!({"id": "toolu_01A", "type": "function", "function": {"name": "get_weather", "arguments": "{\"location\":\"San Francisco, CA\"}"}})
        );
        assert_eq!(v["usage"]["prompt_tokens"], 2400);
        assert_eq!(v["usage"]["completion_tokens"], 50);
        assert_eq!(v["usage"]["total_tokens"], 2450);
        assert_eq!(v["usage"]["prompt_tokens_details"]["cached_tokens"], 2000);
    }

    #[test]
    fn gemini_to_anthropic_response() {
        let v = convert_response(Protocol::Gemini, Protocol::Anthropic, &gemini_fixture(), "my-claude").unwrap();
        assert_eq!(v["id"], "msg_resp-XYZ");
        assert_eq!(v["stop_reason"], "tool_use");
        let c = v["content"].as_array().unwrap();
        assert_eq!(c[0], json!({"type": "thinking", "thinking": "Thinking about theaters", "signature": ""}));
        assert_eq!(c[1], json!({"type": "text", "text": "Searching. "}));
        // the signature on the call becomes an (empty) thinking block before it
        assert_eq!(c[2], json!({"type": "thinking", "thinking": "", "signature": "R2VtaW5p"}));
        assert_eq!(
            c[3],
            json!({"type": "tool_use", "id": "toolu_resp-XYZ_0", "name": "find_theaters", "input": {"location": "Mountain View, CA", "movie": "Barbie"}})
        );
        assert_eq!(c[4]["id"], "toolu_resp-XYZ_1");
        assert_eq!(
            v["usage"],
            json!({"input_tokens": 20, "output_tokens": 50, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 100})
        );
        // stable ids
        let again = convert_response(Protocol::Gemini, Protocol::Anthropic, &gemini_fixture(), "my-claude").unwrap();
        assert_eq!(again["content"][3]["id"], c[3]["id"]);
    }

    #[test]
    fn gemini_to_openai_response() {
        let v = convert_response(Protocol::Gemini, Protocol::Openai, &gemini_fixture(), "g").unwrap();
        let m = &v["choices"][0]["message"];
        assert_eq!(m["content"], "Searching. ");
        assert_eq!(m["reasoning_content"], "Thinking about theaters");
        assert_eq!(m["tool_calls"][0]["id"], "call_resp-XYZ_0");
        assert_eq!(
            serde_json::from_str::<Value>(m["tool_calls"][0]["function"]["arguments"].as_str().unwrap()).unwrap(),
            json!({"location": "Mountain View, CA", "movie": "Barbie"})
        );
        assert_eq!(v["choices"][0]["finish_reason"], "tool_calls");
        assert_eq!(v["usage"]["prompt_tokens"], 120);
        assert_eq!(v["usage"]["completion_tokens"], 50);
        assert_eq!(v["usage"]["completion_tokens_details"]["reasoning_tokens"], 20);

        let blocked = json!({"promptFeedback": {"blockReason": "SAFETY"}, "usageMetadata": {"promptTokenCount": 5}});
        let v = convert_response(Protocol::Gemini, Protocol::Openai, &blocked, "g").unwrap();
        assert_eq!(v["choices"][0]["finish_reason"], "content_filter");
        let mut max = gemini_fixture();
        max["candidates"][0]["finishReason"] = json!("MAX_TOKENS");
        let v = convert_response(Protocol::Gemini, Protocol::Anthropic, &max, "g").unwrap();
        assert_eq!(v["stop_reason"], "max_tokens");
    }

    #[test]
    fn gemini_signature_survives_the_round_trip() {
        // response → Anthropic client → next request → Gemini: signature goes back on the call
        let resp = convert_response(Protocol::Gemini, Protocol::Anthropic, &gemini_fixture(), "c").unwrap();
        let id = resp["content"][3]["id"].clone();
        let req = json!({"model": "c", "max_tokens": 100, "messages": [
            {"role": "user", "content": "Find Barbie"},
            {"role": "assistant", "content": resp["content"]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": id, "content": "AMC"},
                {"type": "tool_result", "tool_use_id": resp["content"][4]["id"], "content": "none"}]}
        ]});
        let g = convert_request(Protocol::Anthropic, Protocol::Gemini, &req, "gemini-2.5-flash").unwrap();
        let parts = &g["contents"][1]["parts"];
        assert_eq!(parts[0], json!({"text": "Searching. "}));
        assert_eq!(parts[1]["thoughtSignature"], "R2VtaW5p");
        assert_eq!(parts[1]["functionCall"]["name"], "find_theaters");
        assert_eq!(g["contents"][2]["parts"][0]["functionResponse"]["name"], "find_theaters");
    }

    use crate::protocol::convert::request::convert_request;

    #[test]
    fn usage_extraction() {
        assert_eq!(
            usage_from_response(Protocol::Anthropic, &anthropic_fixture()),
            Usage { input: 100, output: 50, cache_read: 2000, cache_write: 300, reasoning: 0 }
        );
        assert_eq!(
            usage_from_response(Protocol::Openai, &openai_fixture()),
            Usage { input: 93, output: 46, cache_read: 1024, cache_write: 0, reasoning: 10 }
        );
        assert_eq!(
            usage_from_response(Protocol::Gemini, &gemini_fixture()),
            Usage { input: 20, output: 50, cache_read: 100, cache_write: 0, reasoning: 20 }
        );
        let deepseek = json!({"usage": {"prompt_tokens": 50, "completion_tokens": 5, "prompt_cache_hit_tokens": 40}});
        assert_eq!(usage_from_response(Protocol::Openai, &deepseek).cache_read, 40);
        assert_eq!(usage_from_response(Protocol::Openai, &json!({})), Usage::default());
        // The byte form (what the proxy uses) agrees with the Value form everywhere.
        for (p, v) in [
            (Protocol::Anthropic, anthropic_fixture()),
            (Protocol::Openai, openai_fixture()),
            (Protocol::Gemini, gemini_fixture()),
            (Protocol::Openai, deepseek.clone()),
            (Protocol::Openai, json!({"usage": null})),
            (Protocol::Anthropic, json!({"usage": "odd"})),
        ] {
            assert_eq!(usage_from_bytes(p, v.to_string().as_bytes()), usage_from_response(p, &v), "{v}");
        }
        assert_eq!(usage_from_bytes(Protocol::Anthropic, b"not json"), Usage::default());
        // The typed wire models (what the converters read) follow the same rules.
        let typed = |p: Protocol, v: &Value| match p {
            Protocol::Anthropic => from_anthropic_usage(&serde_json::from_value(v["usage"].clone()).unwrap()),
            Protocol::Openai => from_openai_usage(&serde_json::from_value(v["usage"].clone()).unwrap()),
            Protocol::Gemini => from_gemini_usage(&serde_json::from_value(v["usageMetadata"].clone()).unwrap()),
        };
        for (p, v) in [
            (Protocol::Anthropic, anthropic_fixture()),
            (Protocol::Openai, openai_fixture()),
            (Protocol::Gemini, gemini_fixture()),
            (Protocol::Openai, deepseek),
        ] {
            assert_eq!(typed(p, &v), usage_from_response(p, &v), "{v}");
        }
        // The end-of-body fast path takes only a top-level usage object.
        let nested = br#"{"content":[{"type":"tool_use","input":{"usage":{"input_tokens":999}}}],"usage":{"input_tokens":5,"output_tokens":2}}"#;
        assert!(usage_at_end(Protocol::Anthropic, nested).is_some());
        assert_eq!(usage_from_bytes(Protocol::Anthropic, nested).input, 5);
        let usage_first = br#"{"usage":{"input_tokens":5,"output_tokens":2},"content":[{"type":"tool_use","input":{"usage":{"input_tokens":999}}}]}"#;
        assert_eq!(usage_at_end(Protocol::Anthropic, usage_first), None, "a nested key is not taken");
        assert_eq!(usage_from_bytes(Protocol::Anthropic, usage_first).input, 5);
        let in_text = br#"{"content":[{"type":"text","text":"say "usage": {}"}]}"#;
        assert_eq!(usage_from_bytes(Protocol::Anthropic, in_text), Usage::default());
        assert_eq!(usage_at_end(Protocol::Openai, br#"{"usage" : null }"#), Some(Usage::default()));
    }

    #[test]
    fn last_key_value_takes_only_the_key_closing_the_document_at_its_depth() {
        let start = br#"{"type":"message_start","message":{"id":"m","content":[],"usage":{"input_tokens":7}}}"#;
        let v: serde_json::Value = last_key_value(start, b"\"usage\"", 2).unwrap();
        assert_eq!(v, json!({"input_tokens": 7}));
        assert_eq!(last_key_value::<serde_json::Value>(start, b"\"usage\"", 1), None, "depth 2, not 1");
        assert_eq!(last_key_value::<serde_json::Value>(start, b"\"usage\"", 3), None, "depth 2, not 3");
        // Inside an array (content) or followed by another key: not taken.
        let in_content = br#"{"message":{"content":[{"input":{"usage":{"input_tokens":9}}}]}}"#;
        assert_eq!(last_key_value::<serde_json::Value>(in_content, b"\"usage\"", 2), None);
        let not_last = br#"{"message":{"usage":{"input_tokens":9},"id":"m"}}"#;
        assert_eq!(last_key_value::<serde_json::Value>(not_last, b"\"usage\"", 2), None);
        // Whitespace anywhere around is fine; a value of another shape is None.
        let spaced = b"{ \"usage\" :\n {\"a\":1} \n}\n";
        assert_eq!(last_key_value::<serde_json::Value>(spaced, b"\"usage\"", 1), Some(json!({"a": 1})));
        assert_eq!(last_key_value::<u64>(spaced, b"\"usage\"", 1), None);
        // Truncated documents are None.
        assert_eq!(last_key_value::<serde_json::Value>(br#"{"usage":{"a":1}"#, b"\"usage\"", 1), None);
    }

    #[test]
    fn passthrough_and_bad_bodies() {
        let b = anthropic_fixture();
        assert_eq!(convert_response(Protocol::Anthropic, Protocol::Anthropic, &b, "x").unwrap(), b);
        let e = convert_response(Protocol::Openai, Protocol::Anthropic, &json!({"choices": "no"}), "x").unwrap_err();
        assert!(matches!(e, ConvertError::Upstream(_)), "{e}");
    }
}
