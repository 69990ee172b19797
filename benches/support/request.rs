//! The ~100 KB Claude Code-like Anthropic request the conversion benchmark times, shared
//! with the golden test (`tests/convert_golden.rs`) that pins what converting it produces.

use serde_json::{json, Value};

/// Deterministic filler text of about `bytes` bytes.
pub fn text(bytes: usize, seed: u64) -> String {
    const WORDS: &[&str] = &[
        "the", "tool", "file", "function", "returns", "error", "when", "request", "stream", "channel", "model",
        "should", "never", "config", "parse", "value", "result", "test", "build", "cargo", "rust", "module",
    ];
    let mut s = String::with_capacity(bytes + 16);
    let mut x = seed | 1;
    while s.len() < bytes {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s.push_str(WORDS[(x % WORDS.len() as u64) as usize]);
        s.push(if x.is_multiple_of(17) { '\n' } else { ' ' });
    }
    s
}

pub fn tool_schema(i: usize) -> Value {
    json!({
        "name": format!("Tool{i}"),
        "description": text(600, i as u64 + 7),
        "input_schema": {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "type": "object",
            "additionalProperties": false,
            "properties": {
                "file_path": {"type": "string", "description": "The absolute path to the file"},
                "offset": {"type": "number", "description": "Line to start at", "exclusiveMinimum": 0},
                "mode": {"type": "string", "enum": ["read", "write", "append"], "default": "read"},
                "options": {"type": "object", "properties": {
                    "recursive": {"type": "boolean"},
                    "globs": {"type": "array", "items": {"type": "string"}}
                }}
            },
            "required": ["file_path"]
        }
    })
}

/// A Claude Code-like request: long system prompt, 24 tools, 40 messages with tool_use /
/// tool_result, cache_control markers.
pub fn claude_code_request() -> Value {
    let tools: Vec<Value> = (0..24).map(tool_schema).collect();
    let mut messages = Vec::new();
    messages.push(json!({"role": "user", "content": [
        {"type": "text", "text": "<system-reminder>context</system-reminder>"},
        {"type": "text", "text": "Refactor the proxy so transformers run per request."}
    ]}));
    for i in 0..19 {
        messages.push(json!({"role": "assistant", "content": [
            {"type": "text", "text": text(200, 100 + i)},
            {"type": "tool_use", "id": format!("toolu_{i:04}"), "name": format!("Tool{}", i % 24),
             "input": {"file_path": format!("/work/src/file{i}.rs"), "offset": i, "options": {"recursive": true}}}
        ]}));
        messages.push(json!({"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": format!("toolu_{i:04}"), "content": text(2400, 200 + i),
             "cache_control": if i == 18 { json!({"type": "ephemeral"}) } else { Value::Null }}
        ]}));
    }
    messages.push(json!({"role": "assistant", "content": [{"type": "text", "text": "Done with the survey."}]}));
    let v = json!({
        "model": "claude-sonnet-4-5",
        "max_tokens": 32000,
        "stream": true,
        "system": [
            {"type": "text", "text": "You are Claude Code, Anthropic's official CLI for Claude."},
            {"type": "text", "text": text(12_000, 1), "cache_control": {"type": "ephemeral"}}
        ],
        "tools": tools,
        "messages": messages,
        "metadata": {"user_id": "user_abc_account__session_0f0e"}
    });
    // Drop the null cache_control placeholders.
    let mut s = v.to_string();
    s = s.replace(",\"cache_control\":null", "");
    serde_json::from_str(&s).unwrap()
}
