//! Stream conversion as incremental state machines. Each upstream protocol has
//! a decoder turning SSE events into protocol-neutral events (`Ev`), and each
//! client protocol has an encoder turning those into client SSE bytes; nothing
//! buffers the whole answer. Same-protocol streams are forwarded event by
//! event while usage is tracked.

use super::super::sse::{write_event, SseEvent};
use super::super::{anthropic as a, gemini as g, openai as o, ConvertError, Protocol, StreamConverter, Usage};
use super::response::{
    anthropic_msg_id, from_anthropic_usage, from_gemini_usage, from_openai_usage, openai_chunk_id, to_anthropic_usage,
    to_openai_usage,
};
use super::{fnv1a, gemini_client, now_secs, responses, synth_call_id, Finish};
use serde_json::{json, Map, Value};

type Result<T> = std::result::Result<T, ConvertError>;

/// Protocol-neutral stream event.
#[derive(Debug, Clone, PartialEq)]
enum Ev {
    Start {
        id: String,
    },
    Text(String),
    Thinking(String),
    Signature(String),
    ToolStart {
        key: usize,
        id: String,
        name: String,
    },
    ToolArgs {
        key: usize,
        args: String,
    },
    BlockStop,
    /// Usage report; `true` = a full snapshot replacing what was seen,
    /// `false` = partial cumulative counts (largest value wins).
    Usage(Usage, bool),
    Finish(Finish),
    Done,
    Error(String),
}

trait Decoder: Send {
    fn decode(&mut self, ev: &SseEvent, out: &mut Vec<Ev>) -> Result<()>;
}

trait Encoder: Send {
    fn emit(&mut self, ev: Ev, usage: &Usage, out: &mut Vec<u8>);
    fn finish(&mut self, error: Option<&str>, usage: &Usage, out: &mut Vec<u8>);
}

/// See [`crate::protocol::stream_converter`].
pub fn stream_converter(upstream: Protocol, client: Protocol, client_model: &str) -> Box<dyn StreamConverter> {
    if upstream == client {
        return Box::new(Passthrough { protocol: upstream, usage: Usage::default(), done: false });
    }
    let prefix = if client == Protocol::Anthropic { "toolu_" } else { "call_" };
    let decoder = decoder(upstream, prefix);
    let encoder: Box<dyn Encoder> = match client {
        Protocol::Anthropic => Box::new(AnthropicEncoder::new(client_model)),
        Protocol::Openai => Box::new(OpenaiEncoder::new(client_model)),
        Protocol::Gemini => Box::new(GeminiEncoder::new(client_model)),
    };
    Box::new(Pipeline { decoder, encoder, usage: Usage::default(), done: false, evs: Vec::new() })
}

/// The decoder of an upstream protocol's stream (`prefix`: of synthetic tool call ids).
fn decoder(upstream: Protocol, prefix: &'static str) -> Box<dyn Decoder> {
    match upstream {
        Protocol::Anthropic => Box::new(AnthropicDecoder),
        Protocol::Openai => Box::new(OpenaiDecoder::default()),
        Protocol::Gemini => Box::new(GeminiDecoder { prefix, seed: None, calls: 0 }),
    }
}

fn merge_usage(into: &mut Usage, u: &Usage) {
    // Every protocol reports cumulative counts, so the largest value wins.
    into.input = into.input.max(u.input);
    into.output = into.output.max(u.output);
    into.cache_read = into.cache_read.max(u.cache_read);
    into.cache_write = into.cache_write.max(u.cache_write);
    into.reasoning = into.reasoning.max(u.reasoning);
}

fn parse_json(data: &str) -> Result<Value> {
    serde_json::from_str(data)
        .map_err(|e| ConvertError::Upstream(format!("stream event is not JSON ({e}): {}", truncate(data))))
}

fn truncate(s: &str) -> String {
    s.chars().take(200).collect()
}

fn error_message(v: &Value) -> Option<String> {
    let e = v.get("error")?;
    Some(e.get("message").and_then(Value::as_str).map(str::to_string).unwrap_or_else(|| e.to_string()))
}

struct Pipeline {
    decoder: Box<dyn Decoder>,
    encoder: Box<dyn Encoder>,
    usage: Usage,
    done: bool,
    evs: Vec<Ev>,
}

impl StreamConverter for Pipeline {
    fn push(&mut self, event: &SseEvent, out: &mut Vec<u8>) -> Result<()> {
        if self.done {
            return Ok(());
        }
        self.evs.clear();
        self.decoder.decode(event, &mut self.evs)?;
        for ev in self.evs.drain(..) {
            match ev {
                Ev::Usage(u, true) => self.usage = u,
                Ev::Usage(u, false) => merge_usage(&mut self.usage, &u),
                Ev::Done => {
                    self.encoder.finish(None, &self.usage, out);
                    self.done = true;
                }
                Ev::Error(msg) => {
                    self.encoder.finish(Some(&msg), &self.usage, out);
                    self.done = true;
                }
                ev if !self.done => self.encoder.emit(ev, &self.usage, out),
                _ => {}
            }
        }
        Ok(())
    }

    fn finish(&mut self, error: Option<&str>, out: &mut Vec<u8>) {
        if !self.done {
            self.done = true;
            self.encoder.finish(error, &self.usage, out);
        }
    }

    fn usage(&self) -> Usage {
        self.usage
    }
}

// ------------------------------------------------------------------ decoders

struct AnthropicDecoder;

impl Decoder for AnthropicDecoder {
    fn decode(&mut self, ev: &SseEvent, out: &mut Vec<Ev>) -> Result<()> {
        let v = parse_json(&ev.data)?;
        let parsed: a::StreamEvent = match serde_json::from_value(v.clone()) {
            Ok(p) => p,
            Err(_) => {
                if let Some(m) = error_message(&v) {
                    out.push(Ev::Error(m));
                } else {
                    log::debug!("ignoring anthropic stream event {}", truncate(&ev.data));
                }
                return Ok(());
            }
        };
        match parsed {
            a::StreamEvent::MessageStart { message } => {
                out.push(Ev::Usage(from_anthropic_usage(&message.usage), false));
                out.push(Ev::Start { id: message.id });
            }
            a::StreamEvent::ContentBlockStart { index, content_block } => match content_block {
                a::ContentBlock::Text(t) if !t.text.is_empty() => out.push(Ev::Text(t.text)),
                a::ContentBlock::Thinking(t) if !t.thinking.is_empty() => out.push(Ev::Thinking(t.thinking)),
                a::ContentBlock::ToolUse(u) => {
                    out.push(Ev::ToolStart { key: index, id: u.id, name: u.name });
                    if u.input.as_object().is_some_and(|m| !m.is_empty()) {
                        out.push(Ev::ToolArgs { key: index, args: u.input.to_string() });
                    }
                }
                _ => {}
            },
            a::StreamEvent::ContentBlockDelta { index, delta } => match delta {
                a::BlockDelta::TextDelta { text } => out.push(Ev::Text(text)),
                a::BlockDelta::InputJsonDelta { partial_json } if !partial_json.is_empty() => {
                    out.push(Ev::ToolArgs { key: index, args: partial_json })
                }
                a::BlockDelta::InputJsonDelta { .. } => {}
                a::BlockDelta::ThinkingDelta { thinking } => out.push(Ev::Thinking(thinking)),
                a::BlockDelta::SignatureDelta { signature } => out.push(Ev::Signature(signature)),
                a::BlockDelta::Other(_) => {}
            },
            a::StreamEvent::ContentBlockStop { .. } => out.push(Ev::BlockStop),
            a::StreamEvent::MessageDelta { delta, usage } => {
                if let Some(u) = usage {
                    out.push(Ev::Usage(from_anthropic_usage(&u), false));
                }
                if let Some(r) = delta.stop_reason {
                    out.push(Ev::Finish(Finish::from_anthropic(&r)));
                }
            }
            a::StreamEvent::MessageStop => out.push(Ev::Done),
            a::StreamEvent::Ping => {}
            a::StreamEvent::Error { error } => out.push(Ev::Error(error.message)),
        }
        Ok(())
    }
}

#[derive(Default)]
struct OpenaiDecoder {
    started: bool,
    tools: Vec<usize>,
}

impl Decoder for OpenaiDecoder {
    fn decode(&mut self, ev: &SseEvent, out: &mut Vec<Ev>) -> Result<()> {
        let data = ev.data.trim();
        if data == "[DONE]" {
            out.push(Ev::Done);
            return Ok(());
        }
        if data.is_empty() {
            return Ok(());
        }
        let v = parse_json(data)?;
        if let Some(m) = error_message(&v) {
            out.push(Ev::Error(m));
            return Ok(());
        }
        let chunk: o::ChatChunk =
            serde_json::from_value(v).map_err(|e| ConvertError::Upstream(format!("bad chat.completion.chunk: {e}")))?;
        if !self.started {
            self.started = true;
            out.push(Ev::Start { id: chunk.id.clone() });
        }
        if let Some(u) = &chunk.usage {
            out.push(Ev::Usage(from_openai_usage(u), true));
        }
        for choice in chunk.choices.into_iter().filter(|c| c.index == 0) {
            let d = choice.delta;
            let reasoning =
                d.reasoning_content.or_else(|| d.extra.get("reasoning").and_then(Value::as_str).map(str::to_string));
            if let Some(r) = reasoning.filter(|s| !s.is_empty()) {
                out.push(Ev::Thinking(r));
            }
            if let Some(c) = d.content.filter(|s| !s.is_empty()) {
                out.push(Ev::Text(c));
            }
            for tc in d.tool_calls.unwrap_or_default() {
                let f = tc.function.unwrap_or_default();
                if !self.tools.contains(&tc.index) {
                    self.tools.push(tc.index);
                    out.push(Ev::ToolStart {
                        key: tc.index,
                        id: tc.id.unwrap_or_else(|| format!("call_{}", tc.index)),
                        name: f.name.unwrap_or_default(),
                    });
                }
                if let Some(args) = f.arguments.filter(|s| !s.is_empty()) {
                    out.push(Ev::ToolArgs { key: tc.index, args });
                }
            }
            if let Some(r) = choice.finish_reason {
                out.push(Ev::Finish(Finish::from_openai(&r)));
            }
        }
        Ok(())
    }
}

struct GeminiDecoder {
    prefix: &'static str,
    seed: Option<String>,
    calls: usize,
}

impl Decoder for GeminiDecoder {
    fn decode(&mut self, ev: &SseEvent, out: &mut Vec<Ev>) -> Result<()> {
        let v = parse_json(&ev.data)?;
        if let Some(m) = error_message(&v) {
            out.push(Ev::Error(m));
            return Ok(());
        }
        let r: g::GenerateContentResponse = serde_json::from_value(v)
            .map_err(|e| ConvertError::Upstream(format!("bad GenerateContentResponse: {e}")))?;
        if self.seed.is_none() {
            let seed = r
                .response_id
                .clone()
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| format!("{:016x}", fnv1a(ev.data.as_bytes())));
            out.push(Ev::Start { id: seed.clone() });
            self.seed = Some(seed);
        }
        if let Some(u) = &r.usage_metadata {
            out.push(Ev::Usage(from_gemini_usage(u), true));
        }
        let Some(cand) = r.candidates.into_iter().next() else {
            if r.prompt_feedback.as_ref().is_some_and(|f| f.get("blockReason").is_some()) {
                out.push(Ev::Finish(Finish::Refusal));
            }
            return Ok(());
        };
        for p in cand.content.map(|c| c.parts).unwrap_or_default() {
            if p.thought == Some(true) {
                if let Some(t) = p.text.filter(|t| !t.is_empty()) {
                    out.push(Ev::Thinking(t));
                }
                if let Some(s) = p.thought_signature {
                    out.push(Ev::Signature(s));
                }
                continue;
            }
            if let Some(s) = p.thought_signature {
                out.push(Ev::Signature(s));
            }
            if let Some(t) = p.text.filter(|t| !t.is_empty()) {
                out.push(Ev::Text(t));
            } else if let Some(fc) = p.function_call {
                let key = self.calls;
                self.calls += 1;
                let seed = self.seed.as_deref().unwrap_or_default();
                let id = fc.id.filter(|s| !s.is_empty()).unwrap_or_else(|| synth_call_id(self.prefix, seed, key));
                out.push(Ev::ToolStart { key, id, name: fc.name });
                let args = if fc.args.is_object() { fc.args.to_string() } else { "{}".to_string() };
                out.push(Ev::ToolArgs { key, args });
                out.push(Ev::BlockStop);
            }
        }
        if let Some(r) = cand.finish_reason {
            out.push(Ev::Finish(Finish::from_gemini(&r, self.calls > 0)));
        }
        Ok(())
    }
}

// ------------------------------------------------------------------ encoders

#[derive(Debug, Clone, Copy, PartialEq)]
enum Open {
    Text,
    Thinking,
    Tool(usize),
}

struct AnthropicEncoder {
    model: String,
    id: Option<String>,
    started: bool,
    next_index: usize,
    open: Option<Open>,
    finish: Option<Finish>,
    saw_tool: bool,
}

fn write_anthropic(out: &mut Vec<u8>, ev: &a::StreamEvent) {
    let data = serde_json::to_string(ev).unwrap_or_default();
    write_event(out, Some(ev.name()), &data);
}

impl AnthropicEncoder {
    fn new(model: &str) -> Self {
        AnthropicEncoder {
            model: model.to_string(),
            id: None,
            started: false,
            next_index: 0,
            open: None,
            finish: None,
            saw_tool: false,
        }
    }

    fn ensure_started(&mut self, usage: &Usage, out: &mut Vec<u8>) {
        if self.started {
            return;
        }
        self.started = true;
        let id = self.id.clone().unwrap_or_else(|| format!("msg_{:016x}", fnv1a(self.model.as_bytes()) ^ now_secs()));
        let mut u = to_anthropic_usage(usage);
        u.output_tokens = u.output_tokens.min(1);
        let message = a::MessagesResponse {
            id,
            kind: "message".into(),
            role: "assistant".into(),
            model: self.model.clone(),
            content: vec![],
            stop_reason: None,
            stop_sequence: None,
            usage: u,
            extra: Map::new(),
        };
        write_anthropic(out, &a::StreamEvent::MessageStart { message });
    }

    fn close(&mut self, out: &mut Vec<u8>) {
        if self.open.take().is_some() {
            write_anthropic(out, &a::StreamEvent::ContentBlockStop { index: self.next_index - 1 });
        }
    }

    fn open_block(&mut self, kind: Open, block: a::ContentBlock, usage: &Usage, out: &mut Vec<u8>) {
        self.ensure_started(usage, out);
        self.close(out);
        write_anthropic(out, &a::StreamEvent::ContentBlockStart { index: self.next_index, content_block: block });
        self.next_index += 1;
        self.open = Some(kind);
    }

    fn delta(&mut self, delta: a::BlockDelta, out: &mut Vec<u8>) {
        write_anthropic(out, &a::StreamEvent::ContentBlockDelta { index: self.next_index - 1, delta });
    }

    fn thinking_block() -> a::ContentBlock {
        a::ContentBlock::Thinking(a::ThinkingBlock { thinking: String::new(), signature: None, extra: Map::new() })
    }
}

impl Encoder for AnthropicEncoder {
    fn emit(&mut self, ev: Ev, usage: &Usage, out: &mut Vec<u8>) {
        match ev {
            Ev::Start { id } => {
                if self.id.is_none() {
                    self.id = Some(anthropic_msg_id(&id));
                }
            }
            Ev::Text(text) => {
                if self.open != Some(Open::Text) {
                    self.open_block(Open::Text, a::ContentBlock::text(""), usage, out);
                }
                self.delta(a::BlockDelta::TextDelta { text }, out);
            }
            Ev::Thinking(thinking) => {
                if self.open != Some(Open::Thinking) {
                    self.open_block(Open::Thinking, Self::thinking_block(), usage, out);
                }
                self.delta(a::BlockDelta::ThinkingDelta { thinking }, out);
            }
            Ev::Signature(signature) => {
                if self.open != Some(Open::Thinking) {
                    self.open_block(Open::Thinking, Self::thinking_block(), usage, out);
                }
                self.delta(a::BlockDelta::SignatureDelta { signature }, out);
            }
            Ev::ToolStart { key, id, name } => {
                self.saw_tool = true;
                let block = a::ContentBlock::ToolUse(a::ToolUseBlock { id, name, input: json!({}), extra: Map::new() });
                self.open_block(Open::Tool(key), block, usage, out);
            }
            Ev::ToolArgs { key, args } => {
                if self.open == Some(Open::Tool(key)) {
                    self.delta(a::BlockDelta::InputJsonDelta { partial_json: args }, out);
                } else {
                    log::warn!("dropping interleaved arguments for tool call {key}");
                }
            }
            Ev::BlockStop => self.close(out),
            Ev::Finish(f) => self.finish = Some(f),
            Ev::Usage(..) | Ev::Done | Ev::Error(_) => {}
        }
    }

    fn finish(&mut self, error: Option<&str>, usage: &Usage, out: &mut Vec<u8>) {
        if let Some(msg) = error {
            write_anthropic(
                out,
                &a::StreamEvent::Error { error: a::ErrorBody { kind: "api_error".into(), message: msg.to_string() } },
            );
            return;
        }
        self.ensure_started(usage, out);
        self.close(out);
        let finish = self.finish.unwrap_or(if self.saw_tool { Finish::ToolUse } else { Finish::EndTurn });
        write_anthropic(
            out,
            &a::StreamEvent::MessageDelta {
                delta: a::MessageDelta {
                    stop_reason: Some(finish.to_anthropic().into()),
                    stop_sequence: None,
                    extra: Map::new(),
                },
                usage: Some(to_anthropic_usage(usage)),
            },
        );
        write_anthropic(out, &a::StreamEvent::MessageStop);
    }
}

struct OpenaiEncoder {
    model: String,
    id: Option<String>,
    created: u64,
    role_sent: bool,
    tools: Vec<usize>,
    finish: Option<Finish>,
}

impl OpenaiEncoder {
    fn new(model: &str) -> Self {
        OpenaiEncoder {
            model: model.to_string(),
            id: None,
            created: now_secs(),
            role_sent: false,
            tools: Vec::new(),
            finish: None,
        }
    }

    fn chunk(&mut self, mut delta: o::Delta, finish: Option<Finish>, out: &mut Vec<u8>) {
        if !self.role_sent {
            self.role_sent = true;
            delta.role = Some("assistant".into());
        }
        let id = self.id.get_or_insert_with(|| openai_chunk_id("")).clone();
        let c = o::ChatChunk {
            id,
            object: "chat.completion.chunk".into(),
            created: self.created,
            model: self.model.clone(),
            choices: vec![o::ChunkChoice {
                index: 0,
                delta,
                finish_reason: finish.map(|f| f.to_openai().to_string()),
                extra: Map::new(),
            }],
            usage: None,
            extra: Map::new(),
        };
        write_event(out, None, &serde_json::to_string(&c).unwrap_or_default());
    }
}

impl Encoder for OpenaiEncoder {
    fn emit(&mut self, ev: Ev, _usage: &Usage, out: &mut Vec<u8>) {
        match ev {
            Ev::Start { id } => {
                if self.id.is_none() {
                    self.id = Some(openai_chunk_id(&id));
                }
            }
            Ev::Text(t) => self.chunk(o::Delta { content: Some(t), ..Default::default() }, None, out),
            Ev::Thinking(t) => self.chunk(o::Delta { reasoning_content: Some(t), ..Default::default() }, None, out),
            Ev::ToolStart { key, id, name } => {
                let index = self.tools.len();
                self.tools.push(key);
                let tc = o::ToolCallDelta {
                    index,
                    id: Some(id),
                    kind: Some("function".into()),
                    function: Some(o::FunctionCallDelta { name: Some(name), arguments: Some(String::new()) }),
                };
                self.chunk(o::Delta { tool_calls: Some(vec![tc]), ..Default::default() }, None, out);
            }
            Ev::ToolArgs { key, args } => {
                let Some(index) = self.tools.iter().position(|k| *k == key) else {
                    log::warn!("arguments for unknown tool call {key} dropped");
                    return;
                };
                let tc = o::ToolCallDelta {
                    index,
                    id: None,
                    kind: None,
                    function: Some(o::FunctionCallDelta { name: None, arguments: Some(args) }),
                };
                self.chunk(o::Delta { tool_calls: Some(vec![tc]), ..Default::default() }, None, out);
            }
            Ev::Finish(f) => self.finish = Some(f),
            Ev::Signature(_) | Ev::BlockStop | Ev::Usage(..) | Ev::Done | Ev::Error(_) => {}
        }
    }

    fn finish(&mut self, error: Option<&str>, usage: &Usage, out: &mut Vec<u8>) {
        if let Some(msg) = error {
            let e = o::ErrorResponse {
                error: o::ErrorBody { message: msg.to_string(), kind: "server_error".into(), param: None, code: None },
            };
            write_event(out, None, &serde_json::to_string(&e).unwrap_or_default());
            return;
        }
        let finish = self.finish.unwrap_or(if self.tools.is_empty() { Finish::EndTurn } else { Finish::ToolUse });
        self.chunk(o::Delta::default(), Some(finish), out);
        if *usage != Usage::default() {
            let c = o::ChatChunk {
                id: self.id.clone().unwrap_or_default(),
                object: "chat.completion.chunk".into(),
                created: self.created,
                model: self.model.clone(),
                choices: vec![],
                usage: Some(to_openai_usage(usage)),
                extra: Map::new(),
            };
            write_event(out, None, &serde_json::to_string(&c).unwrap_or_default());
        }
        write_event(out, None, "[DONE]");
    }
}

// ------------------------------------------------------------------ gemini

/// Encodes neutral events as Gemini `GenerateContentResponse` chunks (`alt=sse` framing):
/// text and thoughts as they come, each function call whole once its arguments are in,
/// the finish reason and usage in the last chunk.
struct GeminiEncoder {
    model: String,
    id: String,
    /// The function call being assembled: (key, id, name, arguments so far).
    call: Option<(usize, String, String, String)>,
    finish: Option<Finish>,
    saw_tool: bool,
}

impl GeminiEncoder {
    fn new(model: &str) -> Self {
        GeminiEncoder { model: model.to_string(), id: String::new(), call: None, finish: None, saw_tool: false }
    }

    fn write(&self, parts: Vec<Value>, finish: Option<&str>, usage: Option<&Usage>, out: &mut Vec<u8>) {
        let mut c = gemini_client::chunk(parts, finish, &self.model, &self.id);
        if let Some(u) = usage {
            c["usageMetadata"] = gemini_client::usage_metadata(u);
        }
        write_event(out, None, &c.to_string());
    }

    fn flush_call(&mut self, out: &mut Vec<u8>) {
        if let Some((_, id, name, args)) = self.call.take() {
            self.write(vec![gemini_client::call_part(&id, &name, &args)], None, None, out);
        }
    }
}

impl Encoder for GeminiEncoder {
    fn emit(&mut self, ev: Ev, _usage: &Usage, out: &mut Vec<u8>) {
        match ev {
            Ev::Start { id } => {
                if self.id.is_empty() {
                    self.id = id;
                }
            }
            Ev::Text(t) => {
                self.flush_call(out);
                self.write(vec![json!({ "text": t })], None, None, out);
            }
            Ev::Thinking(t) => {
                self.flush_call(out);
                self.write(vec![json!({"text": t, "thought": true})], None, None, out);
            }
            Ev::ToolStart { key, id, name } => {
                self.flush_call(out);
                self.saw_tool = true;
                self.call = Some((key, id, name, String::new()));
            }
            Ev::ToolArgs { key, args } => match self.call.as_mut() {
                Some((k, _, _, a)) if *k == key => a.push_str(&args),
                _ => log::warn!("dropping interleaved arguments for tool call {key}"),
            },
            Ev::BlockStop => self.flush_call(out),
            Ev::Finish(f) => self.finish = Some(f),
            Ev::Signature(_) | Ev::Usage(..) | Ev::Done | Ev::Error(_) => {}
        }
    }

    fn finish(&mut self, error: Option<&str>, usage: &Usage, out: &mut Vec<u8>) {
        if let Some(msg) = error {
            write_event(out, None, &json!({"error": {"code": 500, "message": msg, "status": "INTERNAL"}}).to_string());
            return;
        }
        let parts = match self.call.take() {
            Some((_, id, name, args)) => vec![gemini_client::call_part(&id, &name, &args)],
            None => vec![json!({ "text": "" })],
        };
        let finish = self.finish.unwrap_or(if self.saw_tool { Finish::ToolUse } else { Finish::EndTurn });
        self.write(parts, Some(gemini_client::finish_reason(finish)), Some(usage), out);
    }
}

/// Gemini's `streamGenerateContent` without `alt=sse`: the same chunks as one JSON array
/// written piece by piece (`[` first, `,` between chunks, `]` at the end).
struct JsonArray {
    inner: Box<dyn StreamConverter>,
    opened: bool,
    buf: Vec<u8>,
    parser: super::super::sse::SseParser,
    evs: Vec<SseEvent>,
}

impl JsonArray {
    fn reframe(&mut self, out: &mut Vec<u8>) {
        self.evs.clear();
        self.parser.feed(&self.buf, &mut self.evs);
        self.buf.clear();
        for ev in self.evs.drain(..) {
            if ev.data.trim().is_empty() {
                continue;
            }
            out.extend_from_slice(if self.opened { b",\r\n" } else { b"[" });
            self.opened = true;
            out.extend_from_slice(ev.data.as_bytes());
        }
    }
}

impl StreamConverter for JsonArray {
    fn push(&mut self, event: &SseEvent, out: &mut Vec<u8>) -> Result<()> {
        let r = self.inner.push(event, &mut self.buf);
        self.reframe(out);
        r
    }
    fn finish(&mut self, error: Option<&str>, out: &mut Vec<u8>) {
        self.inner.finish(error, &mut self.buf);
        self.reframe(out);
        out.extend_from_slice(if self.opened { b"]" } else { b"[]" });
        self.opened = true;
    }
    fn usage(&self) -> Usage {
        self.inner.usage()
    }
}

/// See [`crate::protocol::json_array_stream`].
pub fn json_array_stream(inner: Box<dyn StreamConverter>) -> Box<dyn StreamConverter> {
    Box::new(JsonArray { inner, opened: false, buf: Vec::new(), parser: Default::default(), evs: Vec::new() })
}

// ------------------------------------------------------------------ responses

/// The output item open in a Responses stream.
struct OpenItem {
    kind: Open,
    id: String,
    index: usize,
    /// Text, reasoning summary or arguments so far.
    text: String,
    /// Function calls: the call id and the name.
    call_id: String,
    name: String,
}

/// Encodes neutral events as the Responses API's semantic events (`response.created`,
/// `response.output_item.added`, `response.output_text.delta`, …, `response.completed`).
struct ResponsesEncoder {
    model: String,
    id: Option<String>,
    created: u64,
    seq: u64,
    started: bool,
    open: Option<OpenItem>,
    /// Finished output items, in order (the final response's `output`).
    items: Vec<Value>,
    finish: Option<Finish>,
}

impl ResponsesEncoder {
    fn new(model: &str) -> Self {
        ResponsesEncoder {
            model: model.to_string(),
            id: None,
            created: now_secs(),
            seq: 0,
            started: false,
            open: None,
            items: Vec::new(),
            finish: None,
        }
    }

    fn write(&mut self, out: &mut Vec<u8>, kind: &str, mut data: Value) {
        data["type"] = Value::String(kind.to_string());
        data["sequence_number"] = Value::from(self.seq);
        self.seq += 1;
        write_event(out, Some(kind), &data.to_string());
    }

    fn response(&self, status: &str, output: Vec<Value>) -> Value {
        let id = self.id.clone().unwrap_or_default();
        responses::response_object(&id, &self.model, self.created, status, output)
    }

    fn ensure_started(&mut self, out: &mut Vec<u8>) {
        if self.started {
            return;
        }
        self.started = true;
        if self.id.is_none() {
            self.id = Some(responses::response_id(""));
        }
        let r = self.response("in_progress", vec![]);
        self.write(out, "response.created", json!({ "response": r }));
        self.write(out, "response.in_progress", json!({ "response": r }));
    }

    fn open_item(&mut self, kind: Open, call_id: String, name: String, out: &mut Vec<u8>) {
        self.ensure_started(out);
        self.close(out);
        let index = self.items.len();
        let rid = self.id.clone().unwrap_or_default();
        let (id, item) = match kind {
            Open::Text => {
                let id = responses::item_id("msg", &rid, index);
                let item = responses::message_item(&id, "", "in_progress");
                (id, item)
            }
            Open::Thinking => {
                let id = responses::item_id("rs", &rid, index);
                let item = responses::reasoning_item(&id, "");
                (id, item)
            }
            Open::Tool(_) => {
                let id = responses::item_id("fc", &rid, index);
                let item = responses::function_call_item(&id, &call_id, &name, "", "in_progress");
                (id, item)
            }
        };
        self.write(out, "response.output_item.added", json!({"output_index": index, "item": item}));
        match kind {
            Open::Text => self.write(
                out,
                "response.content_part.added",
                json!({"item_id": id, "output_index": index, "content_index": 0,
                       "part": {"type": "output_text", "text": "", "annotations": []}}),
            ),
            Open::Thinking => self.write(
                out,
                "response.reasoning_summary_part.added",
                json!({"item_id": id, "output_index": index, "summary_index": 0,
                       "part": {"type": "summary_text", "text": ""}}),
            ),
            Open::Tool(_) => {}
        }
        self.open = Some(OpenItem { kind, id, index, text: String::new(), call_id, name });
    }

    fn close(&mut self, out: &mut Vec<u8>) {
        let Some(it) = self.open.take() else { return };
        let (id, index, text) = (&it.id, it.index, &it.text);
        let item = match it.kind {
            Open::Text => {
                self.write(
                    out,
                    "response.output_text.done",
                    json!({"item_id": id, "output_index": index, "content_index": 0, "text": text, "logprobs": []}),
                );
                self.write(
                    out,
                    "response.content_part.done",
                    json!({"item_id": id, "output_index": index, "content_index": 0,
                           "part": {"type": "output_text", "text": text, "annotations": []}}),
                );
                responses::message_item(id, text, "completed")
            }
            Open::Thinking => {
                self.write(
                    out,
                    "response.reasoning_summary_text.done",
                    json!({"item_id": id, "output_index": index, "summary_index": 0, "text": text}),
                );
                self.write(
                    out,
                    "response.reasoning_summary_part.done",
                    json!({"item_id": id, "output_index": index, "summary_index": 0,
                           "part": {"type": "summary_text", "text": text}}),
                );
                responses::reasoning_item(id, text)
            }
            Open::Tool(_) => {
                let args = if text.is_empty() { "{}" } else { text.as_str() };
                self.write(
                    out,
                    "response.function_call_arguments.done",
                    json!({"item_id": id, "output_index": index, "name": it.name, "arguments": args}),
                );
                responses::function_call_item(id, &it.call_id, &it.name, args, "completed")
            }
        };
        self.write(out, "response.output_item.done", json!({"output_index": index, "item": item}));
        self.items.push(item);
    }

    fn open_kind(&self) -> Option<Open> {
        self.open.as_ref().map(|o| o.kind)
    }

    fn append(&mut self, kind: &str, delta: String, out: &mut Vec<u8>) {
        let Some(it) = self.open.as_mut() else { return };
        it.text.push_str(&delta);
        let data = match it.kind {
            Open::Text => {
                json!({"item_id": it.id, "output_index": it.index, "content_index": 0, "delta": delta, "logprobs": []})
            }
            Open::Thinking => json!({"item_id": it.id, "output_index": it.index, "summary_index": 0, "delta": delta}),
            Open::Tool(_) => json!({"item_id": it.id, "output_index": it.index, "delta": delta}),
        };
        self.write(out, kind, data);
    }
}

impl Encoder for ResponsesEncoder {
    fn emit(&mut self, ev: Ev, _usage: &Usage, out: &mut Vec<u8>) {
        match ev {
            Ev::Start { id } => {
                if self.id.is_none() {
                    self.id = Some(responses::response_id(&id));
                }
            }
            Ev::Text(t) => {
                if self.open_kind() != Some(Open::Text) {
                    self.open_item(Open::Text, String::new(), String::new(), out);
                }
                self.append("response.output_text.delta", t, out);
            }
            Ev::Thinking(t) => {
                if self.open_kind() != Some(Open::Thinking) {
                    self.open_item(Open::Thinking, String::new(), String::new(), out);
                }
                self.append("response.reasoning_summary_text.delta", t, out);
            }
            Ev::ToolStart { key, id, name } => self.open_item(Open::Tool(key), id, name, out),
            Ev::ToolArgs { key, args } => {
                if self.open_kind() == Some(Open::Tool(key)) {
                    self.append("response.function_call_arguments.delta", args, out);
                } else {
                    log::warn!("dropping interleaved arguments for tool call {key}");
                }
            }
            Ev::BlockStop => self.close(out),
            Ev::Finish(f) => self.finish = Some(f),
            Ev::Signature(_) | Ev::Usage(..) | Ev::Done | Ev::Error(_) => {}
        }
    }

    fn finish(&mut self, error: Option<&str>, usage: &Usage, out: &mut Vec<u8>) {
        self.ensure_started(out);
        if let Some(msg) = error {
            let items = std::mem::take(&mut self.items);
            let mut r = self.response("failed", items);
            r["error"] = json!({"code": "server_error", "message": msg});
            self.write(out, "response.failed", json!({ "response": r }));
            return;
        }
        self.close(out);
        let (status, reason) = responses::finish_status(self.finish);
        let items = std::mem::take(&mut self.items);
        let mut r = self.response(status, items);
        if let Some(reason) = reason {
            r["incomplete_details"] = json!({ "reason": reason });
        }
        r["usage"] = responses::usage(usage);
        let kind = if status == "completed" { "response.completed" } else { "response.incomplete" };
        self.write(out, kind, json!({ "response": r }));
    }
}

/// See [`crate::protocol::responses_stream_converter`].
pub fn responses_stream_converter(upstream: Protocol, client_model: &str) -> Box<dyn StreamConverter> {
    Box::new(Pipeline {
        decoder: decoder(upstream, "call_"),
        encoder: Box::new(ResponsesEncoder::new(client_model)),
        usage: Usage::default(),
        done: false,
        evs: Vec::new(),
    })
}

// ------------------------------------------------------------------ passthrough

struct Passthrough {
    protocol: Protocol,
    usage: Usage,
    done: bool,
}

impl StreamConverter for Passthrough {
    fn push(&mut self, event: &SseEvent, out: &mut Vec<u8>) -> Result<()> {
        write_event(out, event.event.as_deref(), &event.data);
        let Ok(v) = serde_json::from_str::<Value>(&event.data) else {
            return Ok(());
        };
        let u = match self.protocol {
            Protocol::Anthropic => v
                .pointer("/message/usage")
                .or_else(|| v.get("usage"))
                .and_then(|u| serde_json::from_value::<a::Usage>(u.clone()).ok())
                .map(|u| from_anthropic_usage(&u)),
            Protocol::Openai => v
                .get("usage")
                .and_then(|u| serde_json::from_value::<o::Usage>(u.clone()).ok())
                .map(|u| from_openai_usage(&u)),
            Protocol::Gemini => v
                .get("usageMetadata")
                .and_then(|u| serde_json::from_value::<g::UsageMetadata>(u.clone()).ok())
                .map(|u| from_gemini_usage(&u)),
        };
        if let Some(u) = u {
            if self.protocol == Protocol::Anthropic {
                merge_usage(&mut self.usage, &u);
            } else {
                self.usage = u;
            }
        }
        Ok(())
    }

    fn finish(&mut self, error: Option<&str>, out: &mut Vec<u8>) {
        if self.done {
            return;
        }
        self.done = true;
        let Some(msg) = error else { return };
        match self.protocol {
            Protocol::Anthropic => write_anthropic(
                out,
                &a::StreamEvent::Error { error: a::ErrorBody { kind: "api_error".into(), message: msg.to_string() } },
            ),
            Protocol::Openai => write_event(
                out,
                None,
                &json!({"error": {"message": msg, "type": "server_error", "param": null, "code": null}}).to_string(),
            ),
            Protocol::Gemini => write_event(
                out,
                None,
                &json!({"error": {"code": 500, "message": msg, "status": "INTERNAL"}}).to_string(),
            ),
        }
    }

    fn usage(&self) -> Usage {
        self.usage
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::sse::SseParser;
    use super::*;

    /// Feeds `input` through SseParser in `split`-byte chunks and the converter,
    /// then finishes; returns the parsed client events and usage.
    fn run(up: Protocol, client: Protocol, input: &str, split: usize, error: Option<&str>) -> (Vec<SseEvent>, Usage) {
        let mut conv = stream_converter(up, client, "client-model");
        let mut parser = SseParser::default();
        let mut bytes = Vec::new();
        for chunk in input.as_bytes().chunks(split) {
            let mut evs = Vec::new();
            parser.feed(chunk, &mut evs);
            for e in &evs {
                conv.push(e, &mut bytes).unwrap();
            }
        }
        conv.finish(error, &mut bytes);
        let mut out = Vec::new();
        let mut p = SseParser::default();
        p.feed(&bytes, &mut out);
        (out, conv.usage())
    }

    fn data(e: &SseEvent) -> Value {
        serde_json::from_str(&e.data).unwrap()
    }

    /// Like [`run`], to the Responses API's events.
    fn run_responses(up: Protocol, input: &str, split: usize, error: Option<&str>) -> (Vec<SseEvent>, Usage) {
        let mut conv = responses_stream_converter(up, "client-model");
        let mut parser = SseParser::default();
        let mut bytes = Vec::new();
        for chunk in input.as_bytes().chunks(split) {
            let mut evs = Vec::new();
            parser.feed(chunk, &mut evs);
            for e in &evs {
                conv.push(e, &mut bytes).unwrap();
            }
        }
        conv.finish(error, &mut bytes);
        let mut out = Vec::new();
        SseParser::default().feed(&bytes, &mut out);
        (out, conv.usage())
    }

    #[test]
    fn openai_stream_to_responses_events() {
        for split in [1, 3, 64, 10_000] {
            let (evs, usage) = run_responses(Protocol::Openai, OPENAI_STREAM, split, None);
            let names: Vec<&str> = evs.iter().map(|e| e.event.as_deref().unwrap()).collect();
            assert_eq!(
                names,
                [
                    "response.created",
                    "response.in_progress",
                    "response.output_item.added",
                    "response.reasoning_summary_part.added",
                    "response.reasoning_summary_text.delta",
                    "response.reasoning_summary_text.done",
                    "response.reasoning_summary_part.done",
                    "response.output_item.done",
                    "response.output_item.added",
                    "response.content_part.added",
                    "response.output_text.delta",
                    "response.output_text.delta",
                    "response.output_text.done",
                    "response.content_part.done",
                    "response.output_item.done",
                    "response.output_item.added",
                    "response.function_call_arguments.delta",
                    "response.function_call_arguments.delta",
                    "response.function_call_arguments.done",
                    "response.output_item.done",
                    "response.output_item.added",
                    "response.function_call_arguments.delta",
                    "response.function_call_arguments.delta",
                    "response.function_call_arguments.done",
                    "response.output_item.done",
                    "response.completed",
                ],
                "split {split}"
            );
            for (i, e) in evs.iter().enumerate() {
                let d = data(e);
                assert_eq!(d["type"], e.event.as_deref().unwrap());
                assert_eq!(d["sequence_number"], i, "sequence numbers count up from 0");
            }
            let created = data(&evs[0]);
            assert_eq!(created["response"]["id"], "resp_123");
            assert_eq!(created["response"]["status"], "in_progress");
            assert_eq!(created["response"]["model"], "client-model");
            assert_eq!(data(&evs[10])["delta"], "Héllo ");
            assert_eq!(data(&evs[12])["text"], "Héllo world");
            let added = data(&evs[15]);
            assert_eq!(added["output_index"], 2);
            assert_eq!(added["item"]["type"], "function_call");
            assert_eq!(added["item"]["call_id"], "call_A");
            assert_eq!(added["item"]["name"], "get_weather");
            let done = data(&evs[18]);
            assert_eq!(done["item_id"], added["item"]["id"]);
            assert_eq!(
                serde_json::from_str::<Value>(done["arguments"].as_str().unwrap()).unwrap(),
                json!({"location": "Boston, MA"})
            );
            let completed = data(evs.last().unwrap());
            let r = &completed["response"];
            assert_eq!(r["status"], "completed");
            let kinds: Vec<&str> =
                r["output"].as_array().unwrap().iter().map(|i| i["type"].as_str().unwrap()).collect();
            assert_eq!(kinds, ["reasoning", "message", "function_call", "function_call"]);
            assert_eq!(r["output"][1]["content"][0]["text"], "Héllo world");
            assert_eq!(r["output"][3]["arguments"], "{\"tz\":\"EST\"}");
            assert_eq!(r["usage"]["input_tokens"], 82);
            assert_eq!(r["usage"]["input_tokens_details"]["cached_tokens"], 64);
            assert_eq!(r["usage"]["output_tokens"], 17);
            assert_eq!(r["usage"]["total_tokens"], 99);
            assert_eq!(usage.output, 17);
        }
    }

    #[test]
    fn anthropic_stream_to_responses_events() {
        let (evs, _) = run_responses(Protocol::Anthropic, ANTHROPIC_STREAM, 7, None);
        let r = data(evs.last().unwrap());
        assert_eq!(evs.last().unwrap().event.as_deref(), Some("response.completed"));
        assert_eq!(r["response"]["id"], "resp_014p7gG3wDgGV9EUtLvnow3U");
        let out = r["response"]["output"].as_array().unwrap();
        assert_eq!(out[0]["summary"][0]["text"], "Need weather.");
        assert_eq!(out[1]["content"][0]["text"], "Okay, let's check");
        assert_eq!(out[2]["call_id"], "toolu_01T1x1fJ34qAmk2tNTrN7Up6");
        assert_eq!(
            serde_json::from_str::<Value>(out[2]["arguments"].as_str().unwrap()).unwrap(),
            json!({"location": "San Francisco, CA"})
        );
        assert_eq!(r["response"]["usage"]["input_tokens"], 472 + 100 + 7);
        assert_eq!(r["response"]["usage"]["output_tokens"], 89);
    }

    #[test]
    fn a_broken_stream_ends_with_response_failed() {
        let cut = OPENAI_STREAM.split("\n\n").take(4).collect::<Vec<_>>().join("\n\n") + "\n\n";
        let (evs, _) = run_responses(Protocol::Openai, &cut, 10_000, Some("the upstream stream broke"));
        let last = evs.last().unwrap();
        assert_eq!(last.event.as_deref(), Some("response.failed"));
        let r = data(last);
        assert_eq!(r["response"]["status"], "failed");
        assert_eq!(r["response"]["error"]["message"], "the upstream stream broke");
        assert!(!evs.iter().any(|e| e.event.as_deref() == Some("response.completed")));
    }

    const OPENAI_STREAM: &str = concat!(
        "data: {\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n",
        "data: {\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"Two cities\"},\"finish_reason\":null}]}\n\n",
        "data: {\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Héllo \"},\"finish_reason\":null}]}\n\n",
        "data: {\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"world\"},\"finish_reason\":null}]}\n\n",
        "data: {\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_A\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]},\"finish_reason\":null}]}\n\n",
        "data: {\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"location\\\": \\\"Bos\"}}]},\"finish_reason\":null}]}\n\n",
        "data: {\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"ton, MA\\\"}\"}}]},\"finish_reason\":null}]}\n\n",
        "data: {\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"call_B\",\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"arguments\":\"{\\\"tz\\\":\"}}]},\"finish_reason\":null}]}\n\n",
        "data: {\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"function\":{\"arguments\":\"\\\"EST\\\"}\"}}]},\"finish_reason\":null}]}\n\n",
        "data: {\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n",
        "data: {\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o\",\"choices\":[],\"usage\":{\"prompt_tokens\":82,\"completion_tokens\":17,\"total_tokens\":99,\"prompt_tokens_details\":{\"cached_tokens\":64}}}\n\n",
        "data: [DONE]\n\n",
    );

    #[test]
    fn openai_stream_to_anthropic() {
        for split in [1, 2, 3, 7, 64, 10_000] {
            let (evs, usage) = run(Protocol::Openai, Protocol::Anthropic, OPENAI_STREAM, split, None);
            let names: Vec<&str> = evs.iter().map(|e| e.event.as_deref().unwrap()).collect();
            assert_eq!(
                names,
                [
                    "message_start",
                    "content_block_start",
                    "content_block_delta",
                    "content_block_stop",
                    "content_block_start",
                    "content_block_delta",
                    "content_block_delta",
                    "content_block_stop",
                    "content_block_start",
                    "content_block_delta",
                    "content_block_delta",
                    "content_block_stop",
                    "content_block_start",
                    "content_block_delta",
                    "content_block_delta",
                    "content_block_stop",
                    "message_delta",
                    "message_stop"
                ],
                "split {split}"
            );
            for e in &evs {
                assert_eq!(data(e)["type"], e.event.as_deref().unwrap());
            }
            let start = data(&evs[0]);
            assert_eq!(start["message"]["id"], "msg_123");
            assert_eq!(start["message"]["model"], "client-model");
            assert_eq!(start["message"]["content"], json!([]));
            assert_eq!(data(&evs[1])["content_block"], json!({"type": "thinking", "thinking": ""}));
            assert_eq!(data(&evs[2])["delta"], json!({"type": "thinking_delta", "thinking": "Two cities"}));
            assert_eq!(data(&evs[4])["content_block"], json!({"type": "text", "text": ""}));
            assert_eq!(data(&evs[6])["delta"]["text"], "world");
            assert_eq!(data(&evs[6])["index"], 1);
            let tool = data(&evs[8]);
            assert_eq!(tool["index"], 2);
            assert_eq!(
                tool["content_block"],
                json!({"type": "tool_use", "id": "call_A", "name": "get_weather", "input": {}})
            );
            let args: String =
                [9, 10].iter().map(|i| data(&evs[*i])["delta"]["partial_json"].as_str().unwrap().to_string()).collect();
            assert_eq!(serde_json::from_str::<Value>(&args).unwrap(), json!({"location": "Boston, MA"}));
            assert_eq!(data(&evs[12])["index"], 3);
            assert_eq!(data(&evs[12])["content_block"]["name"], "get_time");
            let args: String = [13, 14]
                .iter()
                .map(|i| data(&evs[*i])["delta"]["partial_json"].as_str().unwrap().to_string())
                .collect();
            assert_eq!(serde_json::from_str::<Value>(&args).unwrap(), json!({"tz": "EST"}));
            assert_eq!(data(&evs[15])["index"], 3);
            let md = data(&evs[16]);
            assert_eq!(md["delta"]["stop_reason"], "tool_use");
            assert_eq!(md["usage"]["output_tokens"], 17);
            assert_eq!(md["usage"]["input_tokens"], 18);
            assert_eq!(md["usage"]["cache_read_input_tokens"], 64);
            assert_eq!(usage, Usage { input: 18, output: 17, cache_read: 64, cache_write: 0, reasoning: 0 });
        }
    }

    const ANTHROPIC_STREAM: &str = concat!(
        "event: message_start\r\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_014p7gG3wDgGV9EUtLvnow3U\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":472,\"output_tokens\":2,\"cache_read_input_tokens\":100,\"cache_creation_input_tokens\":7},\"content\":[],\"stop_reason\":null}}\r\n\r\n",
        "event: ping\r\ndata: {\"type\": \"ping\"}\r\n\r\n",
        "event: content_block_start\r\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\"}}\r\n\r\n",
        "event: content_block_delta\r\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"Need weather.\"}}\r\n\r\n",
        "event: content_block_delta\r\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"signature_delta\",\"signature\":\"EqQBCgIYAhIM\"}}\r\n\r\n",
        "event: content_block_stop\r\ndata: {\"type\":\"content_block_stop\",\"index\":0}\r\n\r\n",
        "event: content_block_start\r\ndata: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\r\n\r\n",
        "event: content_block_delta\r\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"Okay, let's check\"}}\r\n\r\n",
        "event: content_block_stop\r\ndata: {\"type\":\"content_block_stop\",\"index\":1}\r\n\r\n",
        "event: content_block_start\r\ndata: {\"type\":\"content_block_start\",\"index\":2,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_01T1x1fJ34qAmk2tNTrN7Up6\",\"name\":\"get_weather\",\"input\":{}}}\r\n\r\n",
        "event: content_block_delta\r\ndata: {\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\"}}\r\n\r\n",
        "event: content_block_delta\r\ndata: {\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"location\\\":\"}}\r\n\r\n",
        "event: content_block_delta\r\ndata: {\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\" \\\"San Francisco, CA\\\"}\"}}\r\n\r\n",
        "event: content_block_stop\r\ndata: {\"type\":\"content_block_stop\",\"index\":2}\r\n\r\n",
        "event: message_delta\r\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":89}}\r\n\r\n",
        "event: message_stop\r\ndata: {\"type\":\"message_stop\"}\r\n\r\n",
    );

    #[test]
    fn anthropic_stream_to_openai() {
        for split in [1, 5, 13, 10_000] {
            let (evs, usage) = run(Protocol::Anthropic, Protocol::Openai, ANTHROPIC_STREAM, split, None);
            assert_eq!(evs.last().unwrap().data, "[DONE]");
            let chunks: Vec<Value> = evs[..evs.len() - 1].iter().map(data).collect();
            assert!(evs.iter().all(|e| e.event.is_none()));
            for c in &chunks {
                assert_eq!(c["id"], "chatcmpl-014p7gG3wDgGV9EUtLvnow3U");
                assert_eq!(c["object"], "chat.completion.chunk");
                assert_eq!(c["model"], "client-model");
            }
            assert_eq!(
                chunks[0]["choices"][0]["delta"],
                json!({"role": "assistant", "reasoning_content": "Need weather."})
            );
            assert_eq!(chunks[1]["choices"][0]["delta"], json!({"content": "Okay, let's check"}));
            assert_eq!(
                chunks[2]["choices"][0]["delta"]["tool_calls"][0],
                json!({"index": 0, "id": "toolu_01T1x1fJ34qAmk2tNTrN7Up6", "type": "function", "function": {"name": "get_weather", "arguments": ""}})
            );
            let mut args = String::new();
            for c in &chunks[3..5] {
                let tc = &c["choices"][0]["delta"]["tool_calls"][0];
                assert_eq!(tc["index"], 0);
                assert!(tc.get("id").is_none());
                args.push_str(tc["function"]["arguments"].as_str().unwrap());
            }
            assert_eq!(serde_json::from_str::<Value>(&args).unwrap(), json!({"location": "San Francisco, CA"}));
            assert_eq!(chunks[5]["choices"][0]["finish_reason"], "tool_calls");
            assert_eq!(chunks[5]["choices"][0]["delta"], json!({}));
            assert_eq!(chunks[6]["choices"], json!([]));
            assert_eq!(chunks[6]["usage"]["prompt_tokens"], 579);
            assert_eq!(chunks[6]["usage"]["completion_tokens"], 89);
            assert_eq!(chunks[6]["usage"]["prompt_tokens_details"]["cached_tokens"], 100);
            assert_eq!(chunks.len(), 7);
            assert_eq!(usage, Usage { input: 472, output: 89, cache_read: 100, cache_write: 7, reasoning: 0 });
        }
    }

    const GEMINI_STREAM: &str = concat!(
        "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Planning the search\",\"thought\": true}],\"role\": \"model\"},\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 40,\"totalTokenCount\": 40},\"modelVersion\": \"gemini-2.5-flash\",\"responseId\": \"r1\"}\r\n\r\n",
        "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Looking up \"}],\"role\": \"model\"},\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 40,\"candidatesTokenCount\": 3,\"totalTokenCount\": 43},\"responseId\": \"r1\"}\r\n\r\n",
        "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"theaters.\"}],\"role\": \"model\"},\"index\": 0}],\"responseId\": \"r1\"}\r\n\r\n",
        "data: {\"candidates\": [{\"content\": {\"parts\": [{\"functionCall\": {\"name\": \"find_theaters\",\"args\": {\"location\": \"Mountain View, CA\",\"movie\": \"Barbie\"}},\"thoughtSignature\": \"c2lnMQ==\"},{\"functionCall\": {\"name\": \"find_theaters\",\"args\": {\"location\": \"Palo Alto\"}}}],\"role\": \"model\"},\"finishReason\": \"STOP\",\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 40,\"candidatesTokenCount\": 25,\"totalTokenCount\": 80,\"cachedContentTokenCount\": 10,\"thoughtsTokenCount\": 15},\"responseId\": \"r1\"}\r\n\r\n",
    );

    #[test]
    fn gemini_stream_to_anthropic() {
        for split in [1, 9, 10_000] {
            let (evs, usage) = run(Protocol::Gemini, Protocol::Anthropic, GEMINI_STREAM, split, None);
            let seq: Vec<(String, Value)> = evs
                .iter()
                .map(|e| {
                    let d = data(e);
                    (e.event.clone().unwrap().into_owned(), d.get("index").cloned().unwrap_or(Value::Null))
                })
                .collect();
            let expect = [
                ("message_start", Value::Null),
                ("content_block_start", json!(0)),
                ("content_block_delta", json!(0)),
                ("content_block_stop", json!(0)),
                ("content_block_start", json!(1)),
                ("content_block_delta", json!(1)),
                ("content_block_delta", json!(1)),
                ("content_block_stop", json!(1)),
                ("content_block_start", json!(2)), // empty thinking block carrying the signature
                ("content_block_delta", json!(2)),
                ("content_block_stop", json!(2)),
                ("content_block_start", json!(3)),
                ("content_block_delta", json!(3)),
                ("content_block_stop", json!(3)),
                ("content_block_start", json!(4)),
                ("content_block_delta", json!(4)),
                ("content_block_stop", json!(4)),
                ("message_delta", Value::Null),
                ("message_stop", Value::Null),
            ];
            let expect: Vec<(String, Value)> = expect.iter().map(|(a, b)| (a.to_string(), b.clone())).collect();
            assert_eq!(seq, expect, "split {split}");
            let start = data(&evs[0]);
            assert_eq!(start["message"]["id"], "msg_r1");
            assert_eq!(start["message"]["usage"]["input_tokens"], 40);
            assert_eq!(data(&evs[9])["delta"], json!({"type": "signature_delta", "signature": "c2lnMQ=="}));
            assert_eq!(
                data(&evs[11])["content_block"],
                json!({"type": "tool_use", "id": "toolu_r1_0", "name": "find_theaters", "input": {}})
            );
            let args = data(&evs[12])["delta"]["partial_json"].as_str().unwrap().to_string();
            assert_eq!(
                serde_json::from_str::<Value>(&args).unwrap(),
                json!({"location": "Mountain View, CA", "movie": "Barbie"})
            );
            assert_eq!(data(&evs[14])["content_block"]["id"], "toolu_r1_1");
            let md = data(&evs[17]);
            assert_eq!(md["delta"]["stop_reason"], "tool_use");
            assert_eq!(md["usage"]["output_tokens"], 40);
            assert_eq!(md["usage"]["input_tokens"], 30);
            assert_eq!(usage, Usage { input: 30, output: 40, cache_read: 10, cache_write: 0, reasoning: 15 });
        }
    }

    #[test]
    fn gemini_stream_to_openai() {
        let (evs, usage) = run(Protocol::Gemini, Protocol::Openai, GEMINI_STREAM, 4, None);
        assert_eq!(evs.last().unwrap().data, "[DONE]");
        let chunks: Vec<Value> = evs[..evs.len() - 1].iter().map(data).collect();
        let ids: Vec<&Value> = chunks.iter().map(|c| &c["id"]).collect();
        assert!(ids.iter().all(|i| *i == "chatcmpl-r1"));
        assert_eq!(
            chunks[0]["choices"][0]["delta"],
            json!({"role": "assistant", "reasoning_content": "Planning the search"})
        );
        assert_eq!(chunks[1]["choices"][0]["delta"]["content"], "Looking up ");
        assert_eq!(chunks[2]["choices"][0]["delta"]["content"], "theaters.");
        let tc0 = &chunks[3]["choices"][0]["delta"]["tool_calls"][0];
        assert_eq!(tc0["index"], 0);
        assert_eq!(tc0["id"], "call_r1_0");
        assert_eq!(tc0["function"]["name"], "find_theaters");
        let args = chunks[4]["choices"][0]["delta"]["tool_calls"][0]["function"]["arguments"].as_str().unwrap();
        assert_eq!(serde_json::from_str::<Value>(args).unwrap()["movie"], "Barbie");
        assert_eq!(chunks[5]["choices"][0]["delta"]["tool_calls"][0]["index"], 1);
        assert_eq!(chunks[7]["choices"][0]["finish_reason"], "tool_calls");
        assert_eq!(chunks[8]["choices"], json!([]));
        assert_eq!(chunks[8]["usage"]["completion_tokens_details"]["reasoning_tokens"], 15);
        assert_eq!(chunks.len(), 9);
        assert_eq!(usage.output, 40);
    }

    #[test]
    fn broken_upstream_emits_error_event() {
        let cut = &ANTHROPIC_STREAM[..ANTHROPIC_STREAM.find("event: content_block_stop").unwrap()];
        let (evs, _) = run(Protocol::Anthropic, Protocol::Openai, cut, 11, Some("connection reset"));
        let last = data(evs.last().unwrap());
        assert_eq!(
            last,
            json!({"error": {"message": "connection reset", "type": "server_error", "param": null, "code": null}})
        );
        assert!(evs.iter().all(|e| e.data != "[DONE]"));
        assert!(evs.iter().all(|e| data(e).get("choices").is_none_or(|c| c[0]["finish_reason"].is_null())));

        let cut = &OPENAI_STREAM[..OPENAI_STREAM.find("data: {\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{},").unwrap()];
        let (evs, _) = run(Protocol::Openai, Protocol::Anthropic, cut, 3, Some("upstream timed out"));
        let last = evs.last().unwrap();
        assert_eq!(last.event.as_deref(), Some("error"));
        assert_eq!(
            data(last),
            json!({"type": "error", "error": {"type": "api_error", "message": "upstream timed out"}})
        );
        assert!(evs.iter().all(|e| e.event.as_deref() != Some("message_stop")));

        // an in-band upstream error event is converted too
        let input = "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hi\"}]}}]}\n\ndata: {\"error\":{\"code\":503,\"message\":\"The model is overloaded.\",\"status\":\"UNAVAILABLE\"}}\n\n";
        let (evs, _) = run(Protocol::Gemini, Protocol::Anthropic, input, 6, None);
        let last = evs.last().unwrap();
        assert_eq!(last.event.as_deref(), Some("error"));
        assert_eq!(data(last)["error"]["message"], "The model is overloaded.");
        assert!(evs.iter().all(|e| e.event.as_deref() != Some("message_stop")));
    }

    #[test]
    fn text_only_stream_defaults_and_bad_json() {
        let input = "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hi\"}]},\"finishReason\":\"MAX_TOKENS\"}]}\n\n";
        let (evs, usage) = run(Protocol::Gemini, Protocol::Anthropic, input, 1, None);
        let names: Vec<&str> = evs.iter().map(|e| e.event.as_deref().unwrap()).collect();
        assert_eq!(
            names,
            [
                "message_start",
                "content_block_start",
                "content_block_delta",
                "content_block_stop",
                "message_delta",
                "message_stop"
            ]
        );
        assert_eq!(data(&evs[4])["delta"]["stop_reason"], "max_tokens");
        assert_eq!(usage, Usage::default());
        let (evs, _) = run(Protocol::Gemini, Protocol::Openai, input, 1, None);
        // no usage reported → no usage chunk
        assert_eq!(evs.len(), 3);
        assert_eq!(data(&evs[1])["choices"][0]["finish_reason"], "length");

        let mut conv = stream_converter(Protocol::Openai, Protocol::Anthropic, "m");
        let mut out = Vec::new();
        let bad = SseEvent { event: None, data: "{not json".into() };
        assert!(matches!(conv.push(&bad, &mut out), Err(ConvertError::Upstream(_))));
    }

    #[test]
    fn passthrough_forwards_and_counts() {
        let (evs, usage) = run(Protocol::Anthropic, Protocol::Anthropic, ANTHROPIC_STREAM, 17, None);
        let mut expected = Vec::new();
        SseParser::default().feed(ANTHROPIC_STREAM.as_bytes(), &mut expected);
        assert_eq!(evs, expected);
        assert_eq!(usage, Usage { input: 472, output: 89, cache_read: 100, cache_write: 7, reasoning: 0 });
        let (evs, usage) = run(Protocol::Openai, Protocol::Openai, OPENAI_STREAM, 5, Some("boom"));
        assert_eq!(evs[evs.len() - 2].data, "[DONE]");
        assert_eq!(data(evs.last().unwrap())["error"]["message"], "boom");
        assert_eq!(usage.cache_read, 64);
    }
}
