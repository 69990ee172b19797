//! `maxtoken`: cap the output-token limit of a request at `max_tokens` (default 8192).
//!
//! For upstreams with a lower output ceiling than the client asks for (DeepSeek's 8192):
//! Anthropic `max_tokens`, OpenAI `max_tokens` and `max_completion_tokens`, Gemini
//! `generationConfig.maxOutputTokens`. It only lowers: a smaller or absent limit is left as
//! is. An Anthropic `thinking.budget_tokens`, which must stay below `max_tokens`, is lowered
//! with it (thinking is turned off when the cap leaves no room for the 1024-token minimum).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Protocol, TransformError, Transformer};

/// Options: `{max_tokens: 8192}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The cap.
    pub max_tokens: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config { max_tokens: 8192 }
    }
}

impl Config {
    pub(super) fn check(self, name: &'static str, path: &str) -> Result<Self, TransformError> {
        if self.max_tokens == 0 {
            return Err(TransformError::BadOption {
                path: path.to_string(),
                transformer: name,
                option: "max_tokens".into(),
                message: "must be at least 1".into(),
            });
        }
        Ok(self)
    }

    /// The running transformer.
    pub fn build(&self) -> Box<dyn Transformer> {
        Box::new(MaxToken(*self))
    }
}

/// The running part.
#[derive(Debug)]
pub struct MaxToken(Config);

/// Lower `v[key]` to `cap` when it is a larger number.
fn cap_at(v: &mut Value, key: &str, cap: u64) {
    if let Some(slot) = v.get_mut(key) {
        if slot.as_f64().is_some_and(|n| n > cap as f64) {
            *slot = Value::from(cap);
        }
    }
}

impl Transformer for MaxToken {
    fn name(&self) -> &'static str {
        "maxtoken"
    }

    fn request(&self, p: Protocol, body: &mut Value) {
        let cap = self.0.max_tokens;
        match p {
            Protocol::Anthropic => {
                cap_at(body, "max_tokens", cap);
                let max = body.get("max_tokens").and_then(Value::as_u64).unwrap_or(cap);
                let budget = body.pointer("/thinking/budget_tokens").and_then(Value::as_u64);
                if let (Some(b), Some(obj)) = (budget, body.as_object_mut()) {
                    if b >= max {
                        if max > 1024 {
                            obj["thinking"]["budget_tokens"] = Value::from(max - 1);
                        } else {
                            obj.remove("thinking");
                        }
                    }
                }
            }
            Protocol::Openai => {
                cap_at(body, "max_tokens", cap);
                cap_at(body, "max_completion_tokens", cap);
            }
            Protocol::Gemini => {
                if let Some(gc) = body.get_mut("generationConfig") {
                    cap_at(gc, "maxOutputTokens", cap);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::one;
    use super::*;
    use serde_json::json;

    #[test]
    fn caps_each_protocol_and_never_raises() {
        let t = one(json!(["maxtoken", {"max_tokens": 8192}]));
        let mut a =
            json!({"model": "claude-sonnet-4", "max_tokens": 32000, "messages": [{"role": "user", "content": "hi"}]});
        t.request(Protocol::Anthropic, &mut a);
        assert_eq!(a["max_tokens"], 8192);
        let mut o =
            json!({"model": "deepseek-chat", "max_tokens": 16000, "max_completion_tokens": 20000, "messages": []});
        t.request(Protocol::Openai, &mut o);
        assert_eq!((o["max_tokens"].clone(), o["max_completion_tokens"].clone()), (json!(8192), json!(8192)));
        let mut g = json!({"contents": [], "generationConfig": {"maxOutputTokens": 65536, "temperature": 1}});
        t.request(Protocol::Gemini, &mut g);
        assert_eq!(g["generationConfig"], json!({"maxOutputTokens": 8192, "temperature": 1}));

        let mut small = json!({"max_tokens": 512, "messages": []});
        t.request(Protocol::Openai, &mut small);
        assert_eq!(small["max_tokens"], 512);
        let mut absent = json!({"messages": []});
        t.request(Protocol::Openai, &mut absent);
        assert_eq!(absent, json!({"messages": []}));
    }

    #[test]
    fn default_is_8192_and_thinking_budget_follows() {
        let t = one(json!("maxtoken"));
        let mut a =
            json!({"max_tokens": 64000, "thinking": {"type": "enabled", "budget_tokens": 31999}, "messages": []});
        t.request(Protocol::Anthropic, &mut a);
        assert_eq!(a["max_tokens"], 8192);
        assert_eq!(a["thinking"], json!({"type": "enabled", "budget_tokens": 8191}));

        let t = one(json!(["maxtoken", {"max_tokens": 1000}]));
        let mut a = json!({"max_tokens": 4000, "thinking": {"type": "enabled", "budget_tokens": 2048}, "messages": []});
        t.request(Protocol::Anthropic, &mut a);
        assert_eq!(a["max_tokens"], 1000);
        assert!(a.get("thinking").is_none(), "no room for the 1024 minimum: thinking off");
    }

    #[test]
    fn zero_is_rejected() {
        let e = super::super::parse(&json!({"use": [["maxtoken", {"max_tokens": 0}]]})).unwrap_err();
        assert!(e.to_string().contains("option \"max_tokens\" must be at least 1"), "{e}");
    }
}
