//! `sampling`: keep temperature, top_p and top_k within what the upstream accepts.
//!
//! Clients tuned for one provider send values another rejects with a 400: Anthropic takes
//! temperature 0–1, OpenAI and Gemini 0–2; top_p is 0–1 everywhere; OpenAI Chat Completions
//! has no top_k (OpenAI-compatible servers such as DeepSeek reject it). Out-of-range numbers
//! are clamped, non-numbers are left for the upstream to judge. Options override the
//! ranges for upstreams that differ: `{temperature: [0, 1.5], top_p: [0, 1], drop_top_k: true}`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Protocol, TransformError, Transformer};

/// Options; absent ones use the upstream protocol's documented range.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// `[min, max]` for temperature.
    pub temperature: Option<(f64, f64)>,
    /// `[min, max]` for top_p.
    pub top_p: Option<(f64, f64)>,
    /// Remove top_k (default: only for OpenAI upstreams).
    pub drop_top_k: Option<bool>,
}

impl Config {
    pub(super) fn check(self, name: &'static str, path: &str) -> Result<Self, TransformError> {
        for (option, range) in [("temperature", self.temperature), ("top_p", self.top_p)] {
            if let Some((lo, hi)) = range {
                if !(lo <= hi && lo >= 0.0) {
                    return Err(TransformError::BadOption {
                        path: path.to_string(),
                        transformer: name,
                        option: option.into(),
                        message: format!("must be [min, max] with 0 <= min <= max, got [{lo}, {hi}]"),
                    });
                }
            }
        }
        Ok(self)
    }

    /// The running transformer.
    pub fn build(&self) -> Box<dyn Transformer> {
        Box::new(Sampling(*self))
    }
}

/// The running part.
#[derive(Debug)]
pub struct Sampling(Config);

fn clamp(v: &mut Value, key: &str, (lo, hi): (f64, f64)) {
    if let Some(slot) = v.get_mut(key) {
        if let Some(n) = slot.as_f64() {
            if n < lo || n > hi {
                *slot = Value::from(n.clamp(lo, hi));
            }
        }
    }
}

impl Transformer for Sampling {
    fn name(&self) -> &'static str {
        "sampling"
    }

    fn request(&self, p: Protocol, body: &mut Value) {
        let temp = self.0.temperature.unwrap_or(match p {
            Protocol::Anthropic => (0.0, 1.0),
            Protocol::Openai | Protocol::Gemini => (0.0, 2.0),
        });
        let top_p = self.0.top_p.unwrap_or((0.0, 1.0));
        let drop_top_k = self.0.drop_top_k.unwrap_or(p == Protocol::Openai);
        let (target, t_key, p_key, k_key) = match p {
            Protocol::Gemini => match body.get_mut("generationConfig") {
                Some(gc) => (gc, "temperature", "topP", "topK"),
                None => return,
            },
            _ => (body, "temperature", "top_p", "top_k"),
        };
        clamp(target, t_key, temp);
        clamp(target, p_key, top_p);
        if let Some(obj) = target.as_object_mut() {
            if drop_top_k {
                obj.remove(k_key);
            } else if obj.get(k_key).and_then(Value::as_f64).is_some_and(|k| k < 1.0) {
                // top_k is a count: 0 or negative is always rejected.
                obj.insert(k_key.to_string(), Value::from(1));
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
    fn clamps_to_each_upstreams_range() {
        let t = one(json!("sampling"));
        let mut a = json!({"model": "claude-sonnet-4", "max_tokens": 1024, "temperature": 1.5, "top_p": 0.9, "top_k": 40, "messages": []});
        t.request(Protocol::Anthropic, &mut a);
        assert_eq!(
            (a["temperature"].clone(), a["top_p"].clone(), a["top_k"].clone()),
            (json!(1.0), json!(0.9), json!(40))
        );

        let mut o = json!({"model": "deepseek-chat", "temperature": 2.7, "top_p": 1.3, "top_k": 40, "messages": []});
        t.request(Protocol::Openai, &mut o);
        assert_eq!(o["temperature"], json!(2.0));
        assert_eq!(o["top_p"], json!(1.0));
        assert!(o.get("top_k").is_none(), "OpenAI rejects top_k");

        let mut g = json!({"contents": [], "generationConfig": {"temperature": -0.5, "topP": 0.95, "topK": 0}});
        t.request(Protocol::Gemini, &mut g);
        assert_eq!(g["generationConfig"], json!({"temperature": 0.0, "topP": 0.95, "topK": 1}));
    }

    #[test]
    fn in_range_values_are_untouched() {
        let t = one(json!("sampling"));
        let body = json!({"temperature": 0.7, "top_p": 1, "messages": []});
        let mut o = body.clone();
        t.request(Protocol::Openai, &mut o);
        assert_eq!(o, body);
        let mut s = json!({"temperature": "hot"});
        t.request(Protocol::Openai, &mut s);
        assert_eq!(s["temperature"], "hot", "non-numbers are the upstream's to reject");
    }

    #[test]
    fn options_override_ranges() {
        let t = one(json!(["sampling", {"temperature": [0.1, 1.3], "drop_top_k": false}]));
        let mut o = json!({"temperature": 1.8, "top_k": 20});
        t.request(Protocol::Openai, &mut o);
        assert_eq!(o, json!({"temperature": 1.3, "top_k": 20}));
        let mut o = json!({"temperature": 0.0});
        t.request(Protocol::Openai, &mut o);
        assert_eq!(o["temperature"], json!(0.1));
    }
}
