//! Routing rules as the engine keeps them: CRUD on the store, the compiled set in the
//! snapshot, and the dry run that explains a decision without sending anything
//! (`routex rule test`, `POST /api/routing/test`).

use serde::{Deserialize, Serialize};
use std::sync::Arc;

use super::rules::{self, Condition, Considered, Rule, RuleMatch, RuleSpec, RuleType};
use super::{find_in, Channel, Engine, Error, Result, Snapshot, Status};
use crate::protocol::Protocol;
use crate::store::Tree;

/// A partial change to a rule (`routex rule edit`, `PUT /api/routing/rules/:id`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RulePatch {
    /// New name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Enable or disable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// New priority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i64>,
    /// New type.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub rule_type: Option<RuleType>,
    /// Condition fields to set (merged over the current condition).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
    /// New target channel (empty string clears it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_channel: Option<String>,
    /// New target model (empty string clears it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_model: Option<String>,
}

impl RulePatch {
    /// Whether the patch changes nothing.
    pub fn is_empty(&self) -> bool {
        *self == RulePatch::default()
    }

    fn apply_to(self, s: &mut RuleSpec) {
        if let Some(v) = self.name {
            s.name = v;
        }
        if let Some(v) = self.enabled {
            s.enabled = v;
        }
        if let Some(v) = self.priority {
            s.priority = v;
        }
        if let Some(v) = self.rule_type {
            s.rule_type = v;
        }
        if let Some(c) = self.condition {
            let cur = &mut s.condition;
            macro_rules! merge {
                ($($f:ident),*) => { $( if c.$f.is_some() { cur.$f = c.$f; } )* };
            }
            merge!(token_threshold, keywords, regex, model, header, has_images, has_tools, tool_names, thinking);
        }
        if let Some(v) = self.target_channel {
            s.target_channel = (!v.is_empty()).then_some(v);
        }
        if let Some(v) = self.target_model {
            s.target_model = (!v.is_empty()).then_some(v);
        }
    }
}

fn rule_err(e: rules::RuleError) -> Error {
    Error::Config(e.to_string())
}

/// Compile the stored rules; a set that does not compile (it cannot be written that
/// way, but a store may be edited by hand) routes nothing and says why.
pub(super) fn compile(rules: &[Rule]) -> Arc<rules::RuleSet> {
    match rules::RuleSet::compile(rules) {
        Ok(s) => Arc::new(s),
        Err(e) => {
            log::error!("the stored routing rules do not compile, so none apply: {e}");
            Arc::new(rules::RuleSet::default())
        }
    }
}

impl Engine {
    /// Every rule, in evaluation order (priority high first, then name).
    pub fn list_rules(&self) -> Vec<Rule> {
        self.snapshot().rules.clone()
    }

    /// A rule by id, exact name, or case-insensitive name.
    pub fn find_rule(&self, key: &str) -> Result<Rule> {
        let snap = self.snapshot();
        snap.rules
            .iter()
            .find(|r| r.id == key)
            .or_else(|| snap.rules.iter().find(|r| r.name == key))
            .or_else(|| snap.rules.iter().find(|r| r.name.eq_ignore_ascii_case(key)))
            .cloned()
            .ok_or_else(|| Error::NotFound { kind: "rule", name: key.to_string(), hint: "routex rule list" })
    }

    fn check_rule(&self, spec: &RuleSpec, except_id: Option<&str>) -> Result<()> {
        rules::validate(spec).map_err(rule_err)?;
        let snap = self.snapshot();
        if let Some(other) = snap
            .rules
            .iter()
            .find(|r| r.name.eq_ignore_ascii_case(spec.name.trim()) && Some(r.id.as_str()) != except_id)
        {
            return Err(Error::Duplicate { kind: "rule", name: spec.name.clone(), id: other.id.clone() });
        }
        if let Some(t) = &spec.target_channel {
            if find_in(&snap.channels, t).is_none() {
                return Err(Error::Invalid {
                    subject: format!("rule {:?}", spec.name),
                    field: "targetChannel".into(),
                    message: format!("names no channel: {t:?} (see: routex channel list)"),
                });
            }
        }
        Ok(())
    }

    /// Add a rule.
    pub fn add_rule(&self, spec: &RuleSpec) -> Result<Rule> {
        let _w = self.write.lock().unwrap_or_else(|e| e.into_inner());
        let mut spec = spec.clone();
        spec.name = spec.name.trim().to_string();
        self.check_rule(&spec, None)?;
        let rule = Rule::from_spec(spec);
        self.store.put(Tree::Rules, &rule.id, &rule)?;
        self.reload()?;
        Ok(rule)
    }

    /// Change a rule; fields absent from the patch stay.
    pub fn edit_rule(&self, key: &str, patch: RulePatch) -> Result<Rule> {
        let _w = self.write.lock().unwrap_or_else(|e| e.into_inner());
        let mut rule = self.find_rule(key)?;
        let mut spec = rule.spec();
        patch.apply_to(&mut spec);
        self.check_rule(&spec, Some(&rule.id))?;
        rule.update(spec);
        self.store.put(Tree::Rules, &rule.id, &rule)?;
        self.reload()?;
        Ok(rule)
    }

    /// Remove a rule.
    pub fn remove_rule(&self, key: &str) -> Result<Rule> {
        let _w = self.write.lock().unwrap_or_else(|e| e.into_inner());
        let rule = self.find_rule(key)?;
        self.store.remove(Tree::Rules, &rule.id)?;
        self.reload()?;
        Ok(rule)
    }

    /// Enable or disable a rule.
    pub fn set_rule_enabled(&self, key: &str, enabled: bool) -> Result<Rule> {
        self.edit_rule(key, RulePatch { enabled: Some(enabled), ..Default::default() })
    }
}

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

/// Where a request goes, before any byte is sent: the rule decision and the
/// candidate channels in order. Shared by the proxy and the dry run.
pub struct Decision {
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
    headers: &dyn rules::HeaderLookup,
    model: &str,
    available: &dyn Fn(&Channel) -> bool,
    explain: bool,
) -> Decision {
    decide_by_index(snap, protocol, body, headers, model, &|i| available(&snap.channels[i]), explain)
}

/// [`decide`], with `available` asked about a channel by its index in the snapshot's
/// `channels` (the proxy keeps its live state in that order).
pub fn decide_by_index(
    snap: &Snapshot,
    protocol: Protocol,
    body: &serde_json::Value,
    headers: &dyn rules::HeaderLookup,
    model: &str,
    available: &dyn Fn(usize) -> bool,
    explain: bool,
) -> Decision {
    if snap.ruleset.is_empty() {
        return Decision {
            rule: None,
            considered: Vec::new(),
            model: model.to_string(),
            target: None,
            target_index: None,
            no_subagent_tag: false,
        };
    }
    let view = rules::RequestView::new(protocol, body, headers);
    let is_available = |key: &str| snap.channel_index(key).is_some_and(available);
    // The winning rule's reason is shown by explanations and the debug log only.
    let d = if explain || log::log_enabled!(log::Level::Debug) {
        snap.ruleset.evaluate(&view, &is_available, explain)
    } else {
        snap.ruleset.route(&view, &is_available)
    };
    let target_index = d.rule.as_ref().and_then(|m| m.target_channel.as_deref()).and_then(|t| snap.channel_index(t));
    let new_model = d.rule.as_ref().and_then(|m| m.target_model.clone()).unwrap_or_else(|| model.to_string());
    Decision {
        rule: d.rule,
        considered: d.considered,
        model: new_model,
        target: target_index.map(|i| snap.channels[i].clone()),
        target_index,
        no_subagent_tag: d.no_subagent_tag,
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
    let strips = rules::strip_subagent_tag(protocol, &mut stripped);
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
        tokens: rules::count_tokens(protocol, body),
    })
}

/// Availability from the stored status alone (no live breaker state).
pub fn stored_availability(c: &Channel) -> bool {
    c.status != Status::Disabled
}
