//! Error bodies: whatever the upstream sent (JSON of any protocol, HTML,
//! nothing) becomes the client protocol's error envelope, with the error type
//! chosen from the HTTP status.

use super::super::{anthropic, openai, Protocol};
use serde_json::Value;

fn anthropic_type(status: u16) -> &'static str {
    match status {
        400 | 405 | 415 | 422 => "invalid_request_error",
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        503 | 529 => "overloaded_error",
        _ => "api_error",
    }
}

fn openai_type(status: u16) -> &'static str {
    match status {
        400 | 405 | 413 | 415 | 422 => "invalid_request_error",
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        429 => "rate_limit_error",
        _ => "server_error",
    }
}

/// Pull a human-readable message out of an upstream error body.
pub(crate) fn error_message(body: &[u8], status: u16) -> String {
    if let Ok(v) = serde_json::from_slice::<Value>(body) {
        // Gemini stream errors sometimes come wrapped in an array.
        let v = match v {
            Value::Array(mut a) if !a.is_empty() => a.swap_remove(0),
            v => v,
        };
        let msg = v
            .pointer("/error/message")
            .or_else(|| v.get("message"))
            .or_else(|| v.get("error").filter(|e| e.is_string()))
            .and_then(Value::as_str);
        if let Some(m) = msg {
            if !m.trim().is_empty() {
                return m.to_string();
            }
        }
    }
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return format!("upstream returned HTTP {status}");
    }
    let mut s: String = text.chars().take(2000).collect();
    if s.len() < text.len() {
        s.push('…');
    }
    s
}

/// See [`crate::protocol::convert_error`].
pub fn convert_error(upstream: Protocol, client: Protocol, status: u16, body: &[u8]) -> Value {
    let message = error_message(body, status);
    // Keep the upstream's own error type when it speaks the client's protocol.
    let upstream_type = if upstream == client {
        serde_json::from_slice::<Value>(body)
            .ok()
            .and_then(|v| v.pointer("/error/type").and_then(Value::as_str).map(str::to_string))
    } else {
        None
    };
    error_envelope(client, status, message, upstream_type)
}

/// The client protocol's error envelope for a status and message; `kind` overrides the
/// error type chosen from the status.
pub fn error_envelope(client: Protocol, status: u16, message: String, kind: Option<String>) -> Value {
    let upstream_type = kind;
    match client {
        Protocol::Openai => serde_json::to_value(openai::ErrorResponse {
            error: openai::ErrorBody {
                message,
                kind: upstream_type.unwrap_or_else(|| openai_type(status).into()),
                param: None,
                code: None,
            },
        })
        .unwrap_or_default(),
        Protocol::Gemini => serde_json::json!({
            "error": {"code": status, "message": message, "status": gemini_status(status)}
        }),
        Protocol::Anthropic => serde_json::to_value(anthropic::ErrorResponse {
            kind: "error".into(),
            error: anthropic::ErrorBody {
                kind: upstream_type.unwrap_or_else(|| anthropic_type(status).into()),
                message,
            },
        })
        .unwrap_or_default(),
    }
}

fn gemini_status(status: u16) -> &'static str {
    match status {
        400 => "INVALID_ARGUMENT",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        429 => "RESOURCE_EXHAUSTED",
        503 => "UNAVAILABLE",
        _ => "INTERNAL",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn gemini_error_to_anthropic() {
        let body = br#"{"error":{"code":429,"message":"Resource has been exhausted","status":"RESOURCE_EXHAUSTED"}}"#;
        assert_eq!(
            convert_error(Protocol::Gemini, Protocol::Anthropic, 429, body),
            json!({"type":"error","error":{"type":"rate_limit_error","message":"Resource has been exhausted"}})
        );
    }

    #[test]
    fn anthropic_error_to_openai() {
        let body = br#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#;
        assert_eq!(
            convert_error(Protocol::Anthropic, Protocol::Openai, 529, body),
            json!({"error":{"message":"Overloaded","type":"server_error","param":null,"code":null}})
        );
    }

    #[test]
    fn non_json_and_empty_bodies() {
        let v = convert_error(Protocol::Openai, Protocol::Anthropic, 502, b"<html>Bad Gateway</html>");
        assert_eq!(v["error"]["type"], "api_error");
        assert_eq!(v["error"]["message"], "<html>Bad Gateway</html>");
        let v = convert_error(Protocol::Openai, Protocol::Anthropic, 401, b"");
        assert_eq!(v["error"]["type"], "authentication_error");
        assert_eq!(v["error"]["message"], "upstream returned HTTP 401");
        for (s, t) in [
            (400, "invalid_request_error"),
            (403, "permission_error"),
            (404, "not_found_error"),
            (413, "request_too_large"),
            (500, "api_error"),
            (529, "overloaded_error"),
        ] {
            assert_eq!(convert_error(Protocol::Gemini, Protocol::Anthropic, s, b"x")["error"]["type"], t);
        }
    }

    #[test]
    fn same_protocol_keeps_upstream_type() {
        let body = br#"{"error":{"message":"bad key","type":"invalid_request_error","code":"invalid_api_key"}}"#;
        let v = convert_error(Protocol::Openai, Protocol::Openai, 401, body);
        assert_eq!(v["error"]["type"], "invalid_request_error");
        assert_eq!(v["error"]["message"], "bad key");
    }
}
