//! Where a request goes before any byte is sent: the snapshot's rules evaluated for the
//! request ([`RuleSet`](super::RuleSet)), the model rewrite and the rule's target channel
//! if it can take traffic. The proxy calls [`decide_by_index`] on every request; the dry
//! run calls [`decide`] with explanations on.

use std::sync::Arc;

use super::{Considered, HeaderLookup, RequestView, RuleMatch};
use crate::engine::{Channel, Snapshot};
use crate::protocol::Protocol;

/// Where a request goes, before any byte is sent: the rule decision and the
/// candidate channels in order. Shared by the proxy and the dry run.
pub struct RouteDecision {
    /// The matching rule (its `reason` is empty unless explaining or logging at debug level).
    pub rule: Option<RuleMatch>,
    /// Rules considered (all of them when explaining).
    pub considered: Vec<Considered>,
    /// The model after the rule's rewrite.
    pub model: String,
    /// The rule's target channel, when it is available.
    pub target: Option<Arc<Channel>>,
    /// Its index in the snapshot's `channels`.
    pub target_index: Option<usize>,
    /// The rules looked for a `<routex-model>` tag and found none: stripping can be skipped.
    pub no_subagent_tag: bool,
}

/// Evaluate the rules of a snapshot for a request. `available` says whether a channel
/// may take traffic now.
pub fn decide(
    snap: &Snapshot,
    protocol: Protocol,
    body: &serde_json::Value,
    headers: &dyn HeaderLookup,
    model: &str,
    available: &dyn Fn(&Channel) -> bool,
    explain: bool,
) -> RouteDecision {
    decide_by_index(snap, protocol, body, headers, model, &|i| available(&snap.channels[i]), explain)
}

/// [`decide`], with `available` asked about a channel by its index in the snapshot's
/// `channels` (the proxy keeps its live state in that order).
pub fn decide_by_index(
    snap: &Snapshot,
    protocol: Protocol,
    body: &serde_json::Value,
    headers: &dyn HeaderLookup,
    model: &str,
    available: &dyn Fn(usize) -> bool,
    explain: bool,
) -> RouteDecision {
    if snap.ruleset.is_empty() {
        return RouteDecision {
            rule: None,
            considered: Vec::new(),
            model: model.to_string(),
            target: None,
            target_index: None,
            no_subagent_tag: false,
        };
    }
    let view = RequestView::new(protocol, body, headers);
    let is_available = |key: &str| snap.channel_index(key).is_some_and(available);
    // The winning rule's reason goes into the request's record (the dashboard's "which
    // rule and why"): formatted only when a rule matched, for that rule only.
    let d = snap.ruleset.evaluate(&view, &is_available, explain);
    let target_index = d.rule.as_ref().and_then(|m| m.target_channel.as_deref()).and_then(|t| snap.channel_index(t));
    let new_model = d.rule.as_ref().and_then(|m| m.target_model.clone()).unwrap_or_else(|| model.to_string());
    RouteDecision {
        rule: d.rule,
        considered: d.considered,
        model: new_model,
        target: target_index.map(|i| snap.channels[i].clone()),
        target_index,
        no_subagent_tag: d.no_subagent_tag,
    }
}
