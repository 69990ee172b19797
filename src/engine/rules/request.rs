//! The request as routing sees it: protocol, JSON body and a header lookup,
//! plus read-only accessors over Anthropic Messages and OpenAI Chat
//! Completions bodies (model, messages, text parts, tools, thinking, images).
//! Nothing here allocates; accessors borrow from the body.

use serde_json::Value;

use crate::protocol::Protocol;

/// Read access to request headers. Names are compared case-insensitively.
/// Implemented for slices, arrays and vectors of `(name, value)` string
/// pairs and references to them (pass `&pairs` where `pairs: &[(..)]`); the
/// server implements it for its own header map type.
pub trait HeaderLookup {
    /// The first value of header `name` for which `pred` returns true.
    fn find_header(&self, name: &str, pred: &mut dyn FnMut(&str) -> bool) -> Option<&str>;
}

impl<N: AsRef<str>, V: AsRef<str>> HeaderLookup for [(N, V)] {
    fn find_header(&self, name: &str, pred: &mut dyn FnMut(&str) -> bool) -> Option<&str> {
        self.iter().filter(|(n, _)| n.as_ref().eq_ignore_ascii_case(name)).map(|(_, v)| v.as_ref()).find(|v| pred(v))
    }
}

impl<N: AsRef<str>, V: AsRef<str>, const K: usize> HeaderLookup for [(N, V); K] {
    fn find_header(&self, name: &str, pred: &mut dyn FnMut(&str) -> bool) -> Option<&str> {
        self.as_slice().find_header(name, pred)
    }
}

impl<N: AsRef<str>, V: AsRef<str>> HeaderLookup for Vec<(N, V)> {
    fn find_header(&self, name: &str, pred: &mut dyn FnMut(&str) -> bool) -> Option<&str> {
        self.as_slice().find_header(name, pred)
    }
}

impl<T: HeaderLookup + ?Sized> HeaderLookup for &T {
    fn find_header(&self, name: &str, pred: &mut dyn FnMut(&str) -> bool) -> Option<&str> {
        (**self).find_header(name, pred)
    }
}

/// A header source with no headers.
pub struct NoHeaders;

impl HeaderLookup for NoHeaders {
    fn find_header(&self, _name: &str, _pred: &mut dyn FnMut(&str) -> bool) -> Option<&str> {
        None
    }
}

/// What routing needs from one request; borrowed, built per request.
#[derive(Clone, Copy)]
pub struct RequestView<'a> {
    /// Dialect of `body`.
    pub protocol: Protocol,
    /// The parsed request body.
    pub body: &'a Value,
    /// Request headers.
    pub headers: &'a dyn HeaderLookup,
}

impl<'a> RequestView<'a> {
    /// A view over `body` with the given headers.
    pub fn new(protocol: Protocol, body: &'a Value, headers: &'a dyn HeaderLookup) -> Self {
        RequestView { protocol, body, headers }
    }

    /// The requested model, if the body names one.
    pub fn model(&self) -> Option<&'a str> {
        field(self.body, "model").and_then(Value::as_str)
    }
}

/// `v[key]` for an object. Small objects are scanned linearly, which beats
/// hashing the key (serde_json's `preserve_order` map hashes with SipHash).
#[inline]
pub fn field<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    let map = v.as_object()?;
    if map.len() <= 12 {
        map.iter().find(|(k, _)| k.as_str() == key).map(|(_, v)| v)
    } else {
        map.get(key)
    }
}

/// The body's `messages` array (empty if missing).
pub fn messages(body: &Value) -> &[Value] {
    field(body, "messages").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[])
}

/// The body's `tools` array (empty if missing).
pub fn tools(body: &Value) -> &[Value] {
    field(body, "tools").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[])
}

/// A message's role.
pub fn role(msg: &Value) -> Option<&str> {
    field(msg, "role").and_then(Value::as_str)
}

/// The last message whose role is `user`.
pub fn last_user_message(body: &Value) -> Option<&Value> {
    messages(body).iter().rev().find(|m| role(m) == Some("user"))
}

/// Index of the first message whose role is `user`.
pub fn first_user_index(body: &Value) -> Option<usize> {
    messages(body).iter().position(|m| role(m) == Some("user"))
}

/// True for OpenAI system-prompt roles.
pub fn is_openai_system_role(role: Option<&str>) -> bool {
    matches!(role, Some("system") | Some("developer"))
}

/// Calls `f` on every plain-text piece of a message `content` (a string, or
/// an array of parts whose `type` is `text`), stopping at the first `true`.
/// Returns whether `f` returned `true`.
pub fn any_text<'v>(content: &'v Value, f: &mut dyn FnMut(&'v str) -> bool) -> bool {
    match content {
        Value::String(s) => f(s),
        Value::Array(parts) => parts.iter().any(|p| {
            field(p, "type").and_then(Value::as_str) == Some("text")
                && field(p, "text").and_then(Value::as_str).is_some_and(&mut *f)
        }),
        _ => false,
    }
}

/// Like [`any_text`] over a message's `content` field.
pub fn any_message_text<'v>(msg: &'v Value, f: &mut dyn FnMut(&'v str) -> bool) -> bool {
    field(msg, "content").is_some_and(|c| any_text(c, f))
}

/// How the request enables thinking, if it does: `thinking.type` for
/// Anthropic (`enabled` or `adaptive`), `reasoning_effort` (or
/// `reasoning.effort`) for OpenAI, `generationConfig.thinkingConfig` for Gemini.
/// Returns a short description.
pub fn thinking(protocol: Protocol, body: &Value) -> Option<&str> {
    match protocol {
        Protocol::Anthropic => {
            let t = field(field(body, "thinking")?, "type")?.as_str()?;
            matches!(t, "enabled" | "adaptive").then_some(t)
        }
        Protocol::Openai => body
            .get("reasoning_effort")
            .or_else(|| field(body, "reasoning").and_then(|r| field(r, "effort")))
            .and_then(|v| match v {
                Value::Null => None,
                Value::String(s) => Some(s.as_str()),
                _ => Some("set"),
            }),
        Protocol::Gemini => field(field(body, "generationConfig")?, "thinkingConfig")
            .filter(|c| field(c, "thinkingBudget").and_then(Value::as_i64) != Some(0))
            .map(|_| "thinkingConfig"),
    }
}

/// The `type` of the first tool whose type starts with `web_search`; for
/// OpenAI also `web_search_options` in the body.
pub fn web_search_tool(body: &Value) -> Option<&str> {
    let tool = tools(body)
        .iter()
        .find_map(|t| field(t, "type").and_then(Value::as_str).filter(|ty| ty.starts_with("web_search")));
    tool.or_else(|| field(body, "web_search_options").filter(|v| !v.is_null()).map(|_| "web_search_options"))
}

/// A tool's name: Anthropic `name`, OpenAI `function.name`.
pub fn tool_name(tool: &Value) -> Option<&str> {
    field(tool, "name").or_else(|| field(tool, "function").and_then(|f| field(f, "name"))).and_then(Value::as_str)
}

fn content_has_image(content: &Value) -> bool {
    let Some(parts) = content.as_array() else {
        return false;
    };
    parts.iter().any(|p| match field(p, "type").and_then(Value::as_str) {
        Some("image" | "image_url" | "input_image") => true,
        Some("tool_result") => field(p, "content").is_some_and(content_has_image),
        _ => false,
    })
}

/// Index of the first message with an image part (Anthropic `image`, OpenAI
/// `image_url`), including images inside `tool_result` content.
///
/// Assistant turns never carry images in either protocol and are skipped (in a coding
/// agent's history they hold most of the parts: text plus one `tool_use` per call).
pub fn first_image_message(body: &Value) -> Option<usize> {
    messages(body)
        .iter()
        .position(|m| role(m) != Some("assistant") && field(m, "content").is_some_and(content_has_image))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rules_read_the_one_protocol_type_gemini_included() {
        // Rules had their own two-value Protocol that read Gemini as Anthropic; now they
        // take the wire protocol and say what they read from a Gemini body.
        assert_eq!("openai".parse::<Protocol>().unwrap(), Protocol::Openai);
        assert_eq!(Protocol::Anthropic.to_string(), "anthropic");
        let g = serde_json::json!({"generationConfig": {"thinkingConfig": {"thinkingBudget": 1024}}});
        assert_eq!(thinking(Protocol::Gemini, &g), Some("thinkingConfig"));
        let off = serde_json::json!({"generationConfig": {"thinkingConfig": {"thinkingBudget": 0}}});
        assert_eq!(thinking(Protocol::Gemini, &off), None);
        assert_eq!(thinking(Protocol::Anthropic, &g), None);
    }

    #[test]
    fn header_lookup_is_case_insensitive_and_multi_valued() {
        let h: &[(&str, &str)] = &[("User-Agent", "curl/8"), ("x-tag", "a"), ("X-Tag", "b")];
        assert_eq!(h.find_header("user-agent", &mut |_| true), Some("curl/8"));
        assert_eq!(h.find_header("x-tag", &mut |v| v == "b"), Some("b"));
        assert_eq!(h.find_header("missing", &mut |_| true), None);
        let owned = vec![("Accept".to_string(), "x".to_string())];
        assert_eq!(owned.find_header("ACCEPT", &mut |_| true), Some("x"));
        assert_eq!(NoHeaders.find_header("a", &mut |_| true), None);
    }

    #[test]
    fn text_parts_skip_non_text() {
        let c = json!([{"type":"image","source":{}},{"type":"text","text":"hi"},
                       {"type":"tool_result","content":"no"}]);
        let mut seen = vec![];
        any_text(&c, &mut |t| {
            seen.push(t);
            false
        });
        assert_eq!(seen, vec!["hi"]);
        assert!(any_text(&json!("plain"), &mut |t| t == "plain"));
        assert!(!any_text(&json!(5), &mut |_| true));
    }

    #[test]
    fn thinking_detection() {
        let a = json!({"thinking":{"type":"enabled","budget_tokens":1024}});
        assert_eq!(thinking(Protocol::Anthropic, &a), Some("enabled"));
        let off = json!({"thinking":{"type":"disabled"}});
        assert_eq!(thinking(Protocol::Anthropic, &off), None);
        let o = json!({"reasoning_effort":"high"});
        assert_eq!(thinking(Protocol::Openai, &o), Some("high"));
        assert_eq!(thinking(Protocol::Openai, &json!({"reasoning_effort":null})), None);
        assert_eq!(thinking(Protocol::Openai, &a), None);
    }

    #[test]
    fn images_in_tool_results_are_found() {
        let b = json!({"messages":[
            {"role":"user","content":"hi"},
            {"role":"user","content":[{"type":"tool_result","tool_use_id":"t",
               "content":[{"type":"image","source":{"type":"base64","data":"AA"}}]}]}]});
        assert_eq!(first_image_message(&b), Some(1));
        let none = json!({"messages":[{"role":"user","content":[{"type":"tool_result","content":"x"}]}]});
        assert_eq!(first_image_message(&none), None);
        // Only user-side turns count: neither protocol lets an assistant send an image.
        let b = json!({"messages":[{"content":[{"type":"image_url","image_url":{"url":"x"}}],"role":"assistant"},
            {"role":"tool","content":[{"type":"image_url","image_url":{"url":"y"}}]}]});
        assert_eq!(first_image_message(&b), Some(1));
    }

    #[test]
    fn last_and_first_user() {
        let b = json!({"messages":[{"role":"system","content":"s"},{"role":"user","content":"a"},
            {"role":"assistant","content":"b"},{"role":"user","content":"c"}]});
        assert_eq!(first_user_index(&b), Some(1));
        assert_eq!(last_user_message(&b).unwrap()["content"], "c");
        assert!(last_user_message(&json!({})).is_none());
    }
}
