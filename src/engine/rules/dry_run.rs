//! The dry run: which rule would decide a request, why, and which channel and model it
//! would go to, in what failover order — without sending anything (`routex rule test`,
//! `POST /api/routing/test`). Called by the CLI's local backend over the stored snapshot
//! and by the proxy over its live view of the channels.

use serde::{Deserialize, Serialize};
use std::sync::Arc;

use super::decide::decide;
use super::Considered;
use crate::engine::{Channel, Error, Result, Snapshot, Status};
use crate::protocol::Protocol;

/// What a dry run says about one request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RouteTest {
    /// The client protocol assumed.
    pub protocol: Protocol,
    /// The model the request asks for.
    pub requested_model: String,
    /// Every rule looked at, in order, with why it matched or not.
    pub considered: Vec<ConsideredView>,
    /// The rule that decides, if any.
    pub rule: Option<String>,
    /// Why it matched.
    pub reason: Option<String>,
    /// The channel that would be tried first.
    pub channel: Option<String>,
    /// Its id.
    pub channel_id: Option<String>,
    /// The model sent upstream.
    pub upstream_model: Option<String>,
    /// How the channel was chosen (`rule "long"` or `balancer (priority)`).
    pub via: String,
    /// The failover order after the first channel.
    pub fallbacks: Vec<String>,
    /// A `<routex-model>` tag was found and would be stripped before forwarding.
    pub strips_subagent_tag: bool,
    /// Prompt tokens (cl100k_base, exact).
    pub tokens: u64,
}

/// A considered rule, as shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsideredView {
    /// Rule name.
    pub rule: String,
    /// Whether its condition held.
    pub matched: bool,
    /// What was tested.
    pub reason: String,
    /// Why it was passed over.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
}

impl From<Considered> for ConsideredView {
    fn from(c: Considered) -> Self {
        ConsideredView { rule: c.rule_name, matched: c.matched, reason: c.reason, skipped: c.skipped }
    }
}

/// The dry run over a snapshot. `available` is the live view when a daemon answers, the
/// stored status otherwise.
pub fn dry_run(
    snap: &Snapshot,
    protocol: Protocol,
    body: &serde_json::Value,
    headers: &[(String, String)],
    available: &dyn Fn(&Channel) -> bool,
) -> Result<RouteTest> {
    let model = body.get("model").and_then(|m| m.as_str()).unwrap_or("").to_string();
    if model.is_empty() {
        return Err(Error::Invalid {
            subject: "the request".into(),
            field: "model".into(),
            message: "is missing; a request must name its model".into(),
        });
    }
    let d = decide(snap, protocol, body, &headers, &model, available, true);
    let mut stripped = body.clone();
    let strips = super::strip_subagent_tag(protocol, &mut stripped);
    let mut order: Vec<Arc<Channel>> =
        snap.channels.iter().filter(|c| c.serves(&d.model) && available(c)).cloned().collect();
    let via = match (&d.rule, &d.target) {
        (Some(r), Some(t)) => {
            order.retain(|c| c.id != t.id);
            order.insert(0, t.clone());
            format!("rule {:?}", r.rule_name)
        }
        (Some(r), None) => format!("rule {:?} (model rewrite), then the balancer ({})", r.rule_name, snap.strategy),
        (None, _) => format!("the balancer ({})", snap.strategy),
    };
    let first = order.first().cloned();
    Ok(RouteTest {
        protocol,
        requested_model: model,
        considered: d.considered.into_iter().map(Into::into).collect(),
        rule: d.rule.as_ref().map(|r| r.rule_name.clone()),
        reason: d.rule.as_ref().map(|r| r.reason.clone()),
        channel: first.as_ref().map(|c| c.name.clone()),
        channel_id: first.as_ref().map(|c| c.id.clone()),
        upstream_model: first.as_ref().map(|c| c.model_map.get(&d.model).cloned().unwrap_or_else(|| d.model.clone())),
        via,
        fallbacks: order.iter().skip(1).map(|c| c.name.clone()).collect(),
        strips_subagent_tag: strips,
        tokens: super::count_tokens(protocol, body),
    })
}

/// The client protocol a request body is written in, for a dry run given no protocol:
/// OpenAI Chat Completions when it has a mark only that API has (a `system`, `developer`
/// or `tool` message, `function` tools, `max_completion_tokens`, `stream_options`,
/// `response_format`, `n`, `reasoning_effort`, `web_search_options`, `logprobs`,
/// `frequency_penalty`, `presence_penalty`, or no `max_tokens`, which Anthropic requires),
/// else Anthropic Messages (whose bodies also look like a
/// plain chat request).
pub fn guess_protocol(body: &serde_json::Value) -> Protocol {
    let messages = body.get("messages").and_then(|m| m.as_array()).map(Vec::as_slice).unwrap_or_default();
    let openai_role = messages
        .iter()
        .any(|m| matches!(m.get("role").and_then(|r| r.as_str()), Some("system" | "developer" | "tool")));
    let function_tools = body
        .get("tools")
        .and_then(|t| t.as_array())
        .is_some_and(|t| t.iter().any(|t| t.get("type").and_then(|x| x.as_str()) == Some("function")));
    let openai_field = [
        "max_completion_tokens",
        "stream_options",
        "response_format",
        "n",
        "reasoning_effort",
        "web_search_options",
        "logprobs",
        "frequency_penalty",
        "presence_penalty",
    ]
    .iter()
    .any(|k| body.get(k).is_some());
    // Anthropic Messages requires `max_tokens`; a body without it can only be OpenAI's.
    let no_max_tokens = body.get("max_tokens").is_none();
    if openai_role || function_tools || openai_field || no_max_tokens {
        Protocol::Openai
    } else {
        Protocol::Anthropic
    }
}

/// Availability from the stored status alone (no live breaker state).
pub fn stored_availability(c: &Channel) -> bool {
    c.status != Status::Disabled
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_protocol_is_told_from_the_body() {
        let anthropic =
            json!({"model": "m", "max_tokens": 10, "system": "s", "messages": [{"role": "user", "content": "hi"}]});
        assert_eq!(guess_protocol(&anthropic), Protocol::Anthropic);
        // No max_tokens, which Anthropic requires: OpenAI's.
        assert_eq!(
            guess_protocol(&json!({"model": "m", "messages": [{"role": "user", "content": "hi"}]})),
            Protocol::Openai
        );
        let effort = json!({"model": "o3", "max_tokens": 9, "reasoning_effort": "high", "messages": []});
        assert_eq!(guess_protocol(&effort), Protocol::Openai);
        let openai =
            json!({"model": "m", "messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "hi"}]});
        assert_eq!(guess_protocol(&openai), Protocol::Openai);
        let tools = json!({"model": "m", "messages": [], "tools": [{"type": "function", "function": {"name": "f"}}]});
        assert_eq!(guess_protocol(&tools), Protocol::Openai);
        assert_eq!(
            guess_protocol(&json!({"model": "m", "messages": [], "max_completion_tokens": 5})),
            Protocol::Openai
        );
    }
}
