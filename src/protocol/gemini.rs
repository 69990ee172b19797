//! Serde models of the Gemini `generateContent` API (camelCase on the wire):
//! request, response (also each `streamGenerateContent?alt=sse` event) and
//! errors. Unknown fields are kept in `extra`; absent optional fields are not
//! serialised.

use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use std::borrow::Cow;

/// `generateContent` request body. `'a`: function parameter schemas may borrow from the
/// body a request was converted from.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GenerateContentRequest<'a> {
    /// Conversation.
    #[serde(default)]
    pub contents: Vec<Content>,
    /// System prompt.
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "system_instruction")]
    pub system_instruction: Option<Content>,
    /// Tools.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tools: Option<Vec<Tool<'a>>>,
    /// Tool calling mode.
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "tool_config")]
    pub tool_config: Option<ToolConfig>,
    /// Sampling and limits.
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "generation_config")]
    pub generation_config: Option<GenerationConfig>,
    /// Safety settings, verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "safety_settings")]
    pub safety_settings: Option<Value>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A turn: role `user` or `model` plus parts.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Content {
    /// `user` or `model` (absent in systemInstruction).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Parts.
    #[serde(default)]
    pub parts: Vec<Part>,
}

/// One part; exactly one of the data fields is normally set.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Part {
    /// Text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The text is a thought summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thought: Option<bool>,
    /// Opaque thought signature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thought_signature: Option<String>,
    /// Inline bytes.
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "inline_data")]
    pub inline_data: Option<Blob>,
    /// Referenced file.
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "file_data")]
    pub file_data: Option<FileData>,
    /// Model tool call.
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "function_call")]
    pub function_call: Option<FunctionCall>,
    /// Tool result.
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "function_response")]
    pub function_response: Option<FunctionResponse>,
    /// Unknown fields (`executableCode`, …).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `inlineData`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Blob {
    /// MIME type.
    #[serde(alias = "mime_type")]
    pub mime_type: String,
    /// Base64 bytes.
    pub data: String,
}

/// `fileData`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileData {
    /// MIME type.
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "mime_type")]
    pub mime_type: Option<String>,
    /// URI.
    #[serde(alias = "file_uri")]
    pub file_uri: String,
}

/// `functionCall`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionCall {
    /// Optional call id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Function name.
    pub name: String,
    /// Arguments object.
    #[serde(default)]
    pub args: Value,
}

/// `functionResponse`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionResponse {
    /// Optional call id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Function name.
    pub name: String,
    /// Result object.
    pub response: Value,
}

/// A tool: function declarations (others kept in `extra`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tool<'a> {
    /// Functions.
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "function_declarations")]
    pub function_declarations: Option<Vec<FunctionDeclaration<'a>>>,
    /// Unknown fields (`googleSearch`, `codeExecution`, …).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A function declaration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionDeclaration<'a> {
    /// Function name.
    pub name: String,
    /// What it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// OpenAPI-subset schema of the arguments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<Schema<'a>>,
}

/// A `Schema` (function parameters): JSON, or a tree built by the request conversion's
/// schema cleaning that borrows what it keeps unchanged from the body it was made from.
/// Written to the wire the same either way; read from it always as `Json`.
#[derive(Debug, Clone, PartialEq)]
pub enum Schema<'a> {
    /// JSON as it is.
    Json(Cow<'a, Value>),
    /// An object: its entries in wire order, each key once.
    Object(Vec<(&'a str, Schema<'a>)>),
    /// An array.
    Array(Vec<Schema<'a>>),
}

impl Serialize for Schema<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Schema::Json(v) => v.serialize(s),
            Schema::Object(entries) => {
                let mut m = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
            Schema::Array(items) => s.collect_seq(items),
        }
    }
}

impl<'de> Deserialize<'de> for Schema<'_> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Value::deserialize(d).map(|v| Schema::Json(Cow::Owned(v)))
    }
}

/// `toolConfig`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolConfig {
    /// Function calling config.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function_calling_config: Option<FunctionCallingConfig>,
}

/// `functionCallingConfig`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FunctionCallingConfig {
    /// `AUTO`, `ANY`, `NONE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// Restrict `ANY` to these functions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_function_names: Option<Vec<String>>,
}

/// `generationConfig`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GenerationConfig {
    /// Stop sequences.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_sequences: Option<Vec<String>>,
    /// Output limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_output_tokens: Option<u64>,
    /// Temperature (0..2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    /// Nucleus sampling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f64>,
    /// Top-k.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_k: Option<u64>,
    /// Number of candidates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub candidate_count: Option<u32>,
    /// Thinking.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thinking_config: Option<ThinkingConfig>,
    /// Unknown fields (`responseMimeType`, …).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `thinkingConfig`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThinkingConfig {
    /// Token budget (0 disables, -1 dynamic).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thinking_budget: Option<i64>,
    /// Return thought summaries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_thoughts: Option<bool>,
    /// Unknown fields (`thinkingLevel`).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `generateContent` response; also each stream event.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GenerateContentResponse {
    /// Candidates.
    #[serde(default)]
    pub candidates: Vec<Candidate>,
    /// Prompt blocking info.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_feedback: Option<Value>,
    /// Token usage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_metadata: Option<UsageMetadata>,
    /// Concrete model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_version: Option<String>,
    /// Response id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_id: Option<String>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A candidate.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Candidate {
    /// Generated content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<Content>,
    /// `STOP`, `MAX_TOKENS`, `SAFETY`, `RECITATION`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finish_reason: Option<String>,
    /// Candidate index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<u32>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `usageMetadata`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageMetadata {
    /// Prompt tokens, cached included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_token_count: Option<u64>,
    /// Answer tokens, thoughts excluded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub candidates_token_count: Option<u64>,
    /// Total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_token_count: Option<u64>,
    /// Prompt tokens served from cache.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cached_content_token_count: Option<u64>,
    /// Thinking tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thoughts_token_count: Option<u64>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Error envelope: `{"error":{"code","message","status"}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorResponse {
    /// The error.
    pub error: ErrorBody,
}

/// Google RPC status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// HTTP status code.
    #[serde(default)]
    pub code: u16,
    /// Message.
    #[serde(default)]
    pub message: String,
    /// `INVALID_ARGUMENT`, `RESOURCE_EXHAUSTED`, …
    #[serde(default)]
    pub status: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn response_parses_documented_function_call() {
        let v = json!({
            "candidates": [{
                "content": {"role": "model", "parts": [
                    {"functionCall": {"name": "find_theaters", "args": {"location": "Mountain View, CA", "movie": "Barbie"}}, "thoughtSignature": "c2ln"}
                ]},
                "finishReason": "STOP",
                "index": 0,
                "safetyRatings": []
            }],
            "usageMetadata": {"promptTokenCount": 9, "candidatesTokenCount": 5, "totalTokenCount": 20, "thoughtsTokenCount": 6},
            "modelVersion": "gemini-2.5-flash",
            "responseId": "abc"
        });
        let r: GenerateContentResponse = serde_json::from_value(v.clone()).unwrap();
        let part = &r.candidates[0].content.as_ref().unwrap().parts[0];
        assert_eq!(part.function_call.as_ref().unwrap().name, "find_theaters");
        assert_eq!(part.thought_signature.as_deref(), Some("c2ln"));
        assert_eq!(r.usage_metadata.as_ref().unwrap().thoughts_token_count, Some(6));
        assert_eq!(serde_json::to_value(&r).unwrap(), v);
    }

    #[test]
    fn request_accepts_snake_case_and_writes_camel_case() {
        let r: GenerateContentRequest = serde_json::from_value(json!({
            "contents": [{"role": "user", "parts": [{"inline_data": {"mime_type": "image/png", "data": "AA"}}]}],
            "system_instruction": {"parts": [{"text": "sys"}]},
            "generation_config": {"maxOutputTokens": 10}
        }))
        .unwrap();
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["systemInstruction"]["parts"][0]["text"], "sys");
        assert_eq!(v["contents"][0]["parts"][0]["inlineData"]["mimeType"], "image/png");
        assert_eq!(v["generationConfig"]["maxOutputTokens"], 10);
    }
}
