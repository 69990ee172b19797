//! `cleancache`: strip every `cache_control` marker from the request.
//!
//! Anthropic prompt-caching markers sit on system blocks, message content blocks and tool
//! definitions; upstreams that do not know them (many OpenAI-compatible servers, proxies of
//! Anthropic that reject the field) answer 400. The walk removes the key wherever it occurs
//! in the body's markup but does not descend into user data — tool schemas (`input_schema`,
//! `parameters`, `parametersJsonSchema`) and tool-call inputs (`input`, `args`) — where a
//! property may legitimately be called `cache_control`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Protocol, Transformer};

/// No options.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {}

impl Config {
    /// The running transformer.
    pub fn build(&self) -> Box<dyn Transformer> {
        Box::new(CleanCache)
    }
}

/// The running part.
#[derive(Debug)]
pub struct CleanCache;

const USER_DATA: &[&str] = &["input_schema", "parameters", "parametersJsonSchema", "input", "args"];

fn strip(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.remove("cache_control");
            for (k, child) in m.iter_mut() {
                if !USER_DATA.contains(&k.as_str()) {
                    strip(child);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(strip),
        _ => {}
    }
}

impl Transformer for CleanCache {
    fn name(&self) -> &'static str {
        "cleancache"
    }

    fn request(&self, _p: Protocol, body: &mut Value) {
        strip(body);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::one;
    use super::*;
    use serde_json::json;

    #[test]
    fn strips_markers_everywhere_but_user_data() {
        let t = one(json!("cleancache"));
        let eph = json!({"type": "ephemeral"});
        let mut body = json!({
            "model": "claude-sonnet-4",
            "max_tokens": 1024,
            "system": [{"type": "text", "text": "You are Claude Code.", "cache_control": eph}],
            "tools": [{
                "name": "Configure",
                "description": "d",
                "input_schema": {"type": "object", "properties": {"cache_control": {"type": "string"}}},
                "cache_control": eph
            }],
            "messages": [
                {"role": "user", "content": [{"type": "text", "text": "hi", "cache_control": {"type": "ephemeral", "ttl": "1h"}}]},
                {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "Configure", "input": {"cache_control": "off"}}]},
                {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": [{"type": "text", "text": "ok", "cache_control": eph}]}]}
            ]
        });
        t.request(Protocol::Anthropic, &mut body);
        let s = body.to_string();
        assert_eq!(s.matches("cache_control").count(), 2, "only the schema property and the tool input remain: {s}");
        assert_eq!(body["system"][0], json!({"type": "text", "text": "You are Claude Code."}));
        assert!(body["tools"][0].get("cache_control").is_none());
        assert_eq!(body["messages"][2]["content"][0]["content"][0], json!({"type": "text", "text": "ok"}));
        assert_eq!(body["messages"][1]["content"][0]["input"], json!({"cache_control": "off"}));

        // OpenAI-shaped bodies (content parts as OpenRouter sends them) too.
        let mut o =
            json!({"messages": [{"role": "system", "content": [{"type": "text", "text": "s", "cache_control": eph}]}]});
        t.request(Protocol::Openai, &mut o);
        assert_eq!(o, json!({"messages": [{"role": "system", "content": [{"type": "text", "text": "s"}]}]}));
    }
}
