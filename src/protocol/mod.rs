//! Wire protocols spoken by Routex clients and upstream channels, and the
//! pure conversions between them.
//!
//! Clients speak Anthropic Messages or OpenAI Chat Completions; channels speak
//! Anthropic, OpenAI or Gemini. Requests, non-stream responses, errors and
//! streams are converted here without any I/O: the proxy layer hands in JSON
//! bodies or parsed SSE events and gets JSON bodies or SSE bytes back.
//! Same-protocol traffic is passed through (requests only get their `model`
//! replaced).

pub mod anthropic;
pub mod convert;
pub mod gemini;
pub(crate) mod json;
pub mod openai;
pub mod sse;

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// One of the three wire protocols.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    /// Anthropic Messages (`/v1/messages`).
    Anthropic,
    /// OpenAI Chat Completions (`/chat/completions`).
    Openai,
    /// Google Gemini `generateContent`.
    Gemini,
}

impl Protocol {
    /// The lowercase name used in config files and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Anthropic => "anthropic",
            Protocol::Openai => "openai",
            Protocol::Gemini => "gemini",
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Protocol {
    type Err = ConvertError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "anthropic" => Ok(Protocol::Anthropic),
            "openai" => Ok(Protocol::Openai),
            "gemini" => Ok(Protocol::Gemini),
            _ => Err(ConvertError::Invalid(format!("unknown protocol {s:?} (expected anthropic, openai or gemini)"))),
        }
    }
}

/// Why a body could not be converted. Messages are user-facing sentences that
/// name the offending field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConvertError {
    /// The input is malformed: `field: problem`.
    #[error("{0}")]
    Invalid(String),
    /// The input uses a feature the target protocol cannot express.
    #[error("{field}: {what} is not supported by {target} channels")]
    Unsupported {
        /// Path of the offending field, e.g. `messages[2].content[0]`.
        field: String,
        /// What is unsupported, e.g. `image source type "file"`.
        what: String,
        /// The protocol that cannot express it.
        target: Protocol,
    },
    /// This pair of protocols has no converter.
    #[error("converting {from} to {to} is not supported")]
    UnsupportedPair {
        /// Source protocol.
        from: Protocol,
        /// Target protocol.
        to: Protocol,
    },
    /// The upstream sent something that could not be understood.
    #[error("upstream sent malformed data: {0}")]
    Upstream(String),
}

/// Token usage of one request, normalised across protocols.
///
/// `input` counts uncached prompt tokens only (Anthropic semantics), so the
/// whole prompt is `input + cache_read + cache_write`. `output` includes
/// reasoning tokens; `reasoning` is the part of `output` spent thinking.
#[derive(Debug, Default, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    /// Uncached prompt tokens.
    pub input: u64,
    /// Generated tokens, reasoning included.
    pub output: u64,
    /// Prompt tokens read from cache.
    pub cache_read: u64,
    /// Prompt tokens written to cache.
    pub cache_write: u64,
    /// Reasoning (thinking) tokens, a subset of `output`.
    pub reasoning: u64,
}

impl Usage {
    /// Add another request's usage to this one (totals in analytics).
    pub fn add(&mut self, o: &Usage) {
        self.input += o.input;
        self.output += o.output;
        self.cache_read += o.cache_read;
        self.cache_write += o.cache_write;
        self.reasoning += o.reasoning;
    }
}

/// Convert a client request body (client protocol) to the upstream protocol.
/// `upstream_model` is the model name to send upstream.
pub fn convert_request(
    from: Protocol,
    to: Protocol,
    body: &serde_json::Value,
    upstream_model: &str,
) -> Result<serde_json::Value, ConvertError> {
    convert::request::convert_request(from, to, body, upstream_model)
}

/// [`convert_request`] straight to the JSON bytes to send upstream (the same bytes as
/// serialising its `Value`), without building the intermediate `Value`.
pub fn convert_request_bytes(
    from: Protocol,
    to: Protocol,
    body: &serde_json::Value,
    upstream_model: &str,
) -> Result<Vec<u8>, ConvertError> {
    convert::request::convert_request_bytes(from, to, body, upstream_model)
}

/// Convert a non-stream upstream response body to the client's protocol.
/// `client_model` = the model name the client asked for (echoed back in the response).
pub fn convert_response(
    upstream: Protocol,
    client: Protocol,
    body: &serde_json::Value,
    client_model: &str,
) -> Result<serde_json::Value, ConvertError> {
    convert::response::convert_response(upstream, client, body, client_model)
}

/// Convert an upstream error (status + raw body, which may not be JSON) into
/// the client's error body shape.
pub fn convert_error(upstream: Protocol, client: Protocol, status: u16, body: &[u8]) -> serde_json::Value {
    convert::error::convert_error(upstream, client, status, body)
}

/// The error body a client of protocol `p` expects for `status` and `message`, with the
/// error type chosen from the status (Anthropic `{"type":"error","error":{…}}`, OpenAI
/// `{"error":{"message","type","param","code"}}`, Gemini `{"error":{"code","message","status"}}`).
pub fn error_body(p: Protocol, status: u16, message: &str) -> serde_json::Value {
    convert::error::error_envelope(p, status, message.to_string(), None)
}

/// The upstream URL path (and query) for a request: anthropic `/v1/messages`,
/// openai `/chat/completions` (base_url for openai already ends in /v1),
/// gemini `/v1beta/models/{model}:generateContent` or
/// `:streamGenerateContent?alt=sse`.
pub fn upstream_path(to: Protocol, model: &str, stream: bool) -> String {
    match to {
        Protocol::Anthropic => "/v1/messages".to_string(),
        Protocol::Openai => "/chat/completions".to_string(),
        Protocol::Gemini => {
            let model = model.strip_prefix("models/").unwrap_or(model);
            if stream {
                format!("/v1beta/models/{model}:streamGenerateContent?alt=sse")
            } else {
                format!("/v1beta/models/{model}:generateContent")
            }
        }
    }
}

/// Stream conversion: a state machine fed upstream SSE events, writing client SSE bytes.
pub trait StreamConverter: Send {
    /// Feed one upstream event; client bytes are appended to `out`.
    fn push(&mut self, event: &sse::SseEvent, out: &mut Vec<u8>) -> Result<(), ConvertError>;
    /// upstream ended (cleanly or not); emit whatever closes the client's stream properly.
    /// `error: Some(msg)` means the upstream broke: emit the client protocol's in-band
    /// error event and no clean terminator.
    fn finish(&mut self, error: Option<&str>, out: &mut Vec<u8>);
    /// usage seen so far (input, output, cache_read, cache_write, reasoning tokens) for the request log
    fn usage(&self) -> Usage;
}

/// A stream converter from `upstream` events to `client` SSE bytes.
/// Same-protocol pairs forward events unchanged and only track usage.
pub fn stream_converter(upstream: Protocol, client: Protocol, client_model: &str) -> Box<dyn StreamConverter> {
    convert::stream::stream_converter(upstream, client, client_model)
}

/// A stream converter from `upstream` events to the OpenAI Responses API's semantic events
/// (the `/v1/responses` dialect of the OpenAI protocol).
pub fn responses_stream_converter(upstream: Protocol, client_model: &str) -> Box<dyn StreamConverter> {
    convert::stream::responses_stream_converter(upstream, client_model)
}

/// A Gemini client's stream framed as the JSON array `streamGenerateContent` sends without
/// `alt=sse`, from a converter writing Gemini SSE.
pub fn json_array_stream(inner: Box<dyn StreamConverter>) -> Box<dyn StreamConverter> {
    convert::stream::json_array_stream(inner)
}

/// Usage from the bytes of a non-stream response body (only the usage object is parsed).
pub fn usage_from_bytes(p: Protocol, body: &[u8]) -> Usage {
    convert::response::usage_from_bytes(p, body)
}

/// Usage from a non-stream response body of the given protocol.
pub fn usage_from_response(p: Protocol, body: &serde_json::Value) -> Usage {
    convert::response::usage_from_response(p, body)
}

/// Cleans a JSON schema of what Gemini rejects (`$schema`, `additionalProperties`,
/// `exclusiveMinimum`/`Maximum`, `const` (→ one-value `enum`), `default`,
/// `examples`, `format` other than enum/date-time, empty `properties`, `$ref`/`$defs`
/// (inlined), …) recursively.
pub fn clean_schema_for_gemini(schema: &mut serde_json::Value) {
    convert::schema::clean_schema_for_gemini(schema)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocol_names_round_trip() {
        for p in [Protocol::Anthropic, Protocol::Openai, Protocol::Gemini] {
            assert_eq!(p.to_string().parse::<Protocol>().unwrap(), p);
            let j = serde_json::to_value(p).unwrap();
            assert_eq!(j, serde_json::Value::String(p.to_string()));
        }
        assert_eq!("OpenAI".parse::<Protocol>().unwrap(), Protocol::Openai);
        assert!("cohere".parse::<Protocol>().is_err());
    }

    #[test]
    fn paths() {
        assert_eq!(upstream_path(Protocol::Anthropic, "x", true), "/v1/messages");
        assert_eq!(upstream_path(Protocol::Openai, "x", false), "/chat/completions");
        assert_eq!(
            upstream_path(Protocol::Gemini, "gemini-2.5-pro", false),
            "/v1beta/models/gemini-2.5-pro:generateContent"
        );
        assert_eq!(
            upstream_path(Protocol::Gemini, "models/gemini-2.5-pro", true),
            "/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse"
        );
    }

    #[test]
    fn error_messages_name_the_field() {
        let e = ConvertError::Unsupported {
            field: "messages[2].content[0]".into(),
            what: "image source type \"file\"".into(),
            target: Protocol::Openai,
        };
        assert_eq!(
            e.to_string(),
            "messages[2].content[0]: image source type \"file\" is not supported by openai channels"
        );
    }
}
