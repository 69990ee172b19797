//! Conversions between the three protocols, split by direction of travel:
//! `request` (client → upstream), `response` (upstream → client, non-stream),
//! `stream` (upstream SSE → client SSE state machines), `error` (error bodies)
//! and `schema` (JSON-schema cleaning for Gemini). This file holds the small
//! helpers they share: stop-reason mapping, data URLs, synthetic ids.

pub mod error;
pub mod gemini_client;
pub mod request;
pub mod response;
pub mod responses;
pub mod schema;
pub mod stream;
mod view;

use serde_json::{Map, Value};

/// `m.get(key)`, by comparing keys when the map is small: cheaper than hashing the key
/// (serde_json's map hashes with SipHash), and request bodies are made of small objects.
pub(crate) fn field<'a>(m: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    if m.len() <= 16 {
        m.iter().find_map(|(k, v)| (k == key).then_some(v))
    } else {
        m.get(key)
    }
}

/// A stop reason in protocol-neutral form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Finish {
    EndTurn,
    MaxTokens,
    StopSequence,
    ToolUse,
    Refusal,
}

impl Finish {
    pub(crate) fn from_anthropic(s: &str) -> Finish {
        match s {
            "max_tokens" | "model_context_window_exceeded" => Finish::MaxTokens,
            "stop_sequence" => Finish::StopSequence,
            "tool_use" => Finish::ToolUse,
            "refusal" => Finish::Refusal,
            _ => Finish::EndTurn,
        }
    }

    pub(crate) fn from_openai(s: &str) -> Finish {
        match s {
            "length" => Finish::MaxTokens,
            "tool_calls" | "function_call" => Finish::ToolUse,
            "content_filter" => Finish::Refusal,
            _ => Finish::EndTurn,
        }
    }

    /// `saw_tool`: the candidate contained a functionCall (Gemini says STOP then).
    pub(crate) fn from_gemini(s: &str, saw_tool: bool) -> Finish {
        match s {
            "MAX_TOKENS" => Finish::MaxTokens,
            "SAFETY" | "RECITATION" | "BLOCKLIST" | "PROHIBITED_CONTENT" | "SPII" | "IMAGE_SAFETY" | "LANGUAGE" => {
                Finish::Refusal
            }
            _ if saw_tool => Finish::ToolUse,
            _ => Finish::EndTurn,
        }
    }

    pub(crate) fn to_anthropic(self) -> &'static str {
        match self {
            Finish::EndTurn => "end_turn",
            Finish::MaxTokens => "max_tokens",
            Finish::StopSequence => "stop_sequence",
            Finish::ToolUse => "tool_use",
            Finish::Refusal => "refusal",
        }
    }

    pub(crate) fn to_openai(self) -> &'static str {
        match self {
            Finish::EndTurn | Finish::StopSequence => "stop",
            Finish::MaxTokens => "length",
            Finish::ToolUse => "tool_calls",
            Finish::Refusal => "content_filter",
        }
    }
}

/// Splits `data:<mime>;base64,<data>`; None for other URLs or non-base64 data URLs.
pub(crate) fn parse_data_url(url: &str) -> Option<(String, String)> {
    let rest = url.strip_prefix("data:")?;
    let (meta, data) = rest.split_once(',')?;
    let mime = meta.strip_suffix(";base64")?;
    let mime = if mime.is_empty() { "application/octet-stream" } else { mime };
    Some((mime.to_string(), data.to_string()))
}

/// Builds a `data:` URL.
pub(crate) fn data_url(mime: &str, data: &str) -> String {
    format!("data:{mime};base64,{data}")
}

/// Guess a MIME type from a URL's extension (Gemini `fileData` likes one).
pub(crate) fn mime_from_url(url: &str) -> Option<&'static str> {
    let path = url.split(['?', '#']).next().unwrap_or(url).to_ascii_lowercase();
    let ext = path.rsplit('.').next()?;
    Some(match ext {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        _ => return None,
    })
}

/// FNV-1a, for deterministic synthetic ids.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut h = fnv::FnvHasher::default();
    h.write(bytes);
    h.finish()
}

/// Keep only characters valid in Anthropic/OpenAI ids.
pub(crate) fn id_safe(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-').take(40).collect()
}

/// Synthetic tool-call id for Gemini calls (which carry none): stable for
/// the same response and position. `prefix` is `toolu_` or `call_`.
pub(crate) fn synth_call_id(prefix: &str, seed: &str, n: usize) -> String {
    format!("{prefix}{}_{n}", id_safe(seed))
}

/// Parse tool arguments text into a JSON object (empty object when blank or invalid).
pub(crate) fn parse_arguments(args: &str) -> Value {
    if args.trim().is_empty() {
        return Value::Object(Map::new());
    }
    match serde_json::from_str::<Value>(args) {
        Ok(v @ Value::Object(_)) => v,
        Ok(other) => {
            log::warn!("tool arguments are not a JSON object, wrapping: {other}");
            let mut m = Map::new();
            m.insert("value".into(), other);
            Value::Object(m)
        }
        Err(e) => {
            log::warn!("tool arguments are not valid JSON ({e}); sending an empty object");
            Value::Object(Map::new())
        }
    }
}

/// Seconds since the Unix epoch.
pub(crate) use crate::util::time::now_secs;

/// Map a thinking budget to an OpenAI `reasoning_effort`.
pub(crate) fn effort_from_budget(budget: u64) -> &'static str {
    if budget < 4096 {
        "low"
    } else if budget < 16384 {
        "medium"
    } else {
        "high"
    }
}

/// Map an OpenAI `reasoning_effort` to a thinking budget; None = thinking off.
pub(crate) fn budget_from_effort(effort: &str) -> Option<u64> {
    match effort {
        "none" | "minimal" => None,
        "low" => Some(2048),
        "high" | "xhigh" => Some(24576),
        _ => Some(8192),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_urls() {
        assert_eq!(parse_data_url("data:image/png;base64,iVBOR"), Some(("image/png".into(), "iVBOR".into())));
        assert_eq!(parse_data_url("data:text/plain,hello"), None);
        assert_eq!(parse_data_url("https://x/y.png"), None);
        assert_eq!(data_url("image/png", "AA"), "data:image/png;base64,AA");
        assert_eq!(mime_from_url("https://x/y.JPG?s=1"), Some("image/jpeg"));
    }

    #[test]
    fn stop_reasons_map_both_ways() {
        for (a, o) in
            [("end_turn", "stop"), ("max_tokens", "length"), ("tool_use", "tool_calls"), ("refusal", "content_filter")]
        {
            assert_eq!(Finish::from_anthropic(a).to_openai(), o);
            assert_eq!(Finish::from_openai(o).to_anthropic(), a);
        }
        assert_eq!(Finish::from_anthropic("stop_sequence").to_openai(), "stop");
        assert_eq!(Finish::from_gemini("STOP", true), Finish::ToolUse);
        assert_eq!(Finish::from_gemini("STOP", false), Finish::EndTurn);
        assert_eq!(Finish::from_gemini("SAFETY", false), Finish::Refusal);
        assert_eq!(Finish::from_gemini("MAX_TOKENS", true), Finish::MaxTokens);
    }

    #[test]
    fn arguments_parse_leniently() {
        assert_eq!(parse_arguments(""), serde_json::json!({}));
        assert_eq!(parse_arguments("{\"a\":1}"), serde_json::json!({"a":1}));
        assert_eq!(parse_arguments("{bad"), serde_json::json!({}));
        assert_eq!(synth_call_id("call_", "a/b+c", 2), "call_abc_2");
    }
}
