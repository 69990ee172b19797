//! A borrowed view of an Anthropic Messages request body, read straight from the parsed
//! `serde_json::Value` for request conversion: no deep clone, no serde buffering, strings
//! and pass-through values (tool schemas, tool inputs, metadata) borrowed from the body.
//!
//! It accepts exactly the bodies [`crate::protocol::anthropic::MessagesRequest`] accepts
//! (same required fields, same types, `null` meaning absent for optional fields), and
//! reads a content block the typed model would not read as its `type` into
//! [`Block::Other`], as the model's untagged fallback does. On a mismatch the caller
//! deserialises the typed model to get serde's error message, so errors read as before.

use super::field;
use serde_json::{Map, Value};

/// The body does not have the shape the typed model accepts.
#[derive(Debug)]
pub(crate) struct Mismatch;

type Read<T> = Result<T, Mismatch>;

static NULL: Value = Value::Null;

/// `POST /v1/messages` body (fields the conversions read).
pub(crate) struct Request<'a> {
    pub messages: Vec<Message<'a>>,
    pub system: Option<Content<'a>>,
    pub max_tokens: Option<u64>,
    pub stop_sequences: Option<Vec<&'a str>>,
    pub stream: Option<bool>,
    pub temperature: Option<f64>,
    pub top_p: Option<f64>,
    pub top_k: Option<u64>,
    pub tools: Option<Vec<Tool<'a>>>,
    pub tool_choice: Option<ToolChoice<'a>>,
    pub thinking: Option<Thinking<'a>>,
    pub metadata: Option<&'a Value>,
}

pub(crate) struct Message<'a> {
    pub role: &'a str,
    pub content: Content<'a>,
}

/// A string or content blocks.
pub(crate) enum Content<'a> {
    Text(&'a str),
    Blocks(Vec<Block<'a>>),
}

impl<'a> Content<'a> {
    /// The content as blocks (a string becomes one text block).
    pub fn into_blocks(self) -> Vec<Block<'a>> {
        match self {
            Content::Text(t) => vec![Block::Text(t)],
            Content::Blocks(b) => b,
        }
    }
}

pub(crate) enum Block<'a> {
    Text(&'a str),
    Image(Source<'a>),
    Document(Source<'a>),
    ToolUse {
        id: &'a str,
        name: &'a str,
        input: &'a Value,
    },
    ToolResult {
        tool_use_id: &'a str,
        content: Option<Content<'a>>,
        is_error: Option<bool>,
    },
    Thinking {
        thinking: &'a str,
        signature: Option<&'a str>,
    },
    RedactedThinking,
    /// Unknown type, or a known type with fields the model would not accept.
    Other(&'a Value),
}

/// An image or document `source`, plus the block's `title` (documents).
pub(crate) struct Source<'a> {
    pub kind: &'a str,
    pub media_type: Option<&'a str>,
    pub data: Option<&'a str>,
    pub url: Option<&'a str>,
    pub title: Option<&'a str>,
}

pub(crate) struct Tool<'a> {
    pub name: &'a str,
    pub kind: Option<&'a str>,
    pub description: Option<&'a str>,
    pub input_schema: Option<&'a Value>,
}

pub(crate) struct ToolChoice<'a> {
    pub kind: &'a str,
    pub name: Option<&'a str>,
    pub disable_parallel_tool_use: Option<bool>,
}

pub(crate) struct Thinking<'a> {
    pub kind: &'a str,
    pub budget_tokens: Option<u64>,
}

impl<'a> Request<'a> {
    pub fn read(body: &'a Value) -> Read<Request<'a>> {
        let o = object(body)?;
        str_or_default(o, "model")?;
        let messages = array(field(o, "messages").ok_or(Mismatch)?)?.iter().map(message).collect::<Read<_>>()?;
        Ok(Request {
            messages,
            system: optional(o, "system", content)?,
            max_tokens: optional(o, "max_tokens", uint)?,
            stop_sequences: optional(o, "stop_sequences", |v| array(v)?.iter().map(string).collect())?,
            stream: optional(o, "stream", boolean)?,
            temperature: optional(o, "temperature", float)?,
            top_p: optional(o, "top_p", float)?,
            top_k: optional(o, "top_k", uint)?,
            tools: optional(o, "tools", |v| array(v)?.iter().map(tool).collect())?,
            tool_choice: optional(o, "tool_choice", tool_choice)?,
            thinking: optional(o, "thinking", thinking)?,
            metadata: optional(o, "metadata", Ok)?,
        })
    }
}

impl Request<'_> {
    /// About how many bytes a conversion of this request takes as JSON, to size the output
    /// buffer: the texts it carries (a conversion writes each once), a fifth more for
    /// escapes and structure, and 1 KiB per tool for its schema.
    pub fn size_estimate(&self) -> usize {
        fn content(c: &Content) -> usize {
            match c {
                Content::Text(t) => t.len(),
                Content::Blocks(bs) => bs.iter().map(block).sum(),
            }
        }
        fn block(b: &Block) -> usize {
            match b {
                Block::Text(t) => t.len(),
                Block::ToolResult { content: Some(c), .. } => content(c),
                Block::Thinking { thinking, signature } => thinking.len() + signature.map_or(0, str::len),
                _ => 64,
            }
        }
        let texts = self.system.as_ref().map_or(0, content)
            + self.messages.iter().map(|m| content(&m.content)).sum::<usize>()
            + self.tools.iter().flatten().map(|t| t.description.map_or(0, str::len) + 1024).sum::<usize>();
        texts + texts / 5
    }
}

fn message(v: &Value) -> Read<Message<'_>> {
    let o = object(v)?;
    Ok(Message { role: required_str(o, "role")?, content: content(field(o, "content").ok_or(Mismatch)?)? })
}

fn content(v: &Value) -> Read<Content<'_>> {
    match v {
        Value::String(s) => Ok(Content::Text(s)),
        Value::Array(a) => Ok(Content::Blocks(a.iter().map(block).collect())),
        _ => Err(Mismatch),
    }
}

/// `ContentBlock`'s variants in declaration order.
const BLOCK_TYPES: [&str; 7] =
    ["text", "image", "document", "tool_use", "tool_result", "thinking", "redacted_thinking"];

fn block(v: &Value) -> Block<'_> {
    typed_block(v).unwrap_or(Block::Other(v))
}

fn typed_block(v: &Value) -> Read<Block<'_>> {
    let o = object(v)?;
    let kind = match field(o, "type") {
        Some(Value::String(s)) => s.as_str(),
        // serde also takes a variant's index for the tag.
        Some(v) => v.as_u64().and_then(|i| BLOCK_TYPES.get(i as usize)).copied().ok_or(Mismatch)?,
        None => return Err(Mismatch),
    };
    Ok(match kind {
        "text" => Block::Text(required_str(o, "text")?),
        kind @ ("image" | "document") => {
            let s = object(field(o, "source").ok_or(Mismatch)?)?;
            let source = Source {
                kind: required_str(s, "type")?,
                media_type: optional(s, "media_type", string)?,
                data: optional(s, "data", string)?,
                url: optional(s, "url", string)?,
                title: field(o, "title").and_then(Value::as_str),
            };
            if kind == "image" {
                Block::Image(source)
            } else {
                Block::Document(source)
            }
        }
        "tool_use" => Block::ToolUse {
            id: required_str(o, "id")?,
            name: required_str(o, "name")?,
            input: field(o, "input").unwrap_or(&NULL),
        },
        "tool_result" => Block::ToolResult {
            tool_use_id: required_str(o, "tool_use_id")?,
            content: optional(o, "content", content)?,
            is_error: optional(o, "is_error", boolean)?,
        },
        "thinking" => {
            Block::Thinking { thinking: str_or_default(o, "thinking")?, signature: optional(o, "signature", string)? }
        }
        "redacted_thinking" => {
            str_or_default(o, "data")?;
            Block::RedactedThinking
        }
        _ => return Err(Mismatch),
    })
}

fn tool(v: &Value) -> Read<Tool<'_>> {
    let o = object(v)?;
    Ok(Tool {
        name: required_str(o, "name")?,
        kind: optional(o, "type", string)?,
        description: optional(o, "description", string)?,
        input_schema: optional(o, "input_schema", Ok)?,
    })
}

fn tool_choice(v: &Value) -> Read<ToolChoice<'_>> {
    let o = object(v)?;
    Ok(ToolChoice {
        kind: required_str(o, "type")?,
        name: optional(o, "name", string)?,
        disable_parallel_tool_use: optional(o, "disable_parallel_tool_use", boolean)?,
    })
}

fn thinking(v: &Value) -> Read<Thinking<'_>> {
    let o = object(v)?;
    Ok(Thinking { kind: required_str(o, "type")?, budget_tokens: optional(o, "budget_tokens", uint)? })
}

// Field readers with serde's rules for the typed model's field types.

fn object(v: &Value) -> Read<&Map<String, Value>> {
    v.as_object().ok_or(Mismatch)
}

fn array(v: &Value) -> Read<&Vec<Value>> {
    v.as_array().ok_or(Mismatch)
}

fn string(v: &Value) -> Read<&str> {
    v.as_str().ok_or(Mismatch)
}

fn boolean(v: &Value) -> Read<bool> {
    v.as_bool().ok_or(Mismatch)
}

/// `u64`: a non-negative integer (not a float, even an integral one).
fn uint(v: &Value) -> Read<u64> {
    v.as_u64().ok_or(Mismatch)
}

/// `f64`: any number.
fn float(v: &Value) -> Read<f64> {
    v.as_f64().ok_or(Mismatch)
}

/// `Option<T>` with `#[serde(default)]`: absent or null is None.
fn optional<'a, T>(o: &'a Map<String, Value>, key: &str, f: impl FnOnce(&'a Value) -> Read<T>) -> Read<Option<T>> {
    match field(o, key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => f(v).map(Some),
    }
}

/// A required `String`.
fn required_str<'a>(o: &'a Map<String, Value>, key: &str) -> Read<&'a str> {
    string(field(o, key).ok_or(Mismatch)?)
}

/// `String` with `#[serde(default)]`: absent is empty, null is a mismatch.
fn str_or_default<'a>(o: &'a Map<String, Value>, key: &str) -> Read<&'a str> {
    field(o, key).map_or(Ok(""), string)
}
