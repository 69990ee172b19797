//! Routing rules as the engine keeps them: create, read, update and delete in the store
//! (`routex rule …`, `/api/routing/rules`), each write checked (`validate`, unique name,
//! a target channel that exists) and followed by a snapshot reload; and the compilation of
//! the stored rules into the snapshot's [`RuleSet`](super::RuleSet). Called by the CLI's
//! local backend and the admin API through [`Engine`].

use serde::{Deserialize, Serialize};
use std::sync::Arc;

use super::{Condition, Rule, RuleSpec, RuleType};
use crate::engine::{find_in, Engine, Error, Result};
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

/// A rule as `rule list` shows it: the stored rule and, when the channel it targets is gone
/// or disabled, why it cannot route there (`targetProblem` in JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleView {
    /// The rule.
    #[serde(flatten)]
    pub rule: Rule,
    /// Why its target channel cannot take its requests, when it cannot.
    #[serde(default, rename = "targetProblem", skip_serializing_if = "Option::is_none")]
    pub target_problem: Option<String>,
}

/// Rule names as a user reads them: `rule "a"`, `rules "a", "b"`.
pub fn names_of(rules: &[String]) -> String {
    let quoted: Vec<String> = rules.iter().map(|r| format!("{r:?}")).collect();
    format!("{} {}", if rules.len() == 1 { "rule" } else { "rules" }, quoted.join(", "))
}

/// Compile the stored rules; a set that does not compile (it cannot be written that
/// way, but a store may be edited by hand) routes nothing and says why.
pub(crate) fn compile(rules: &[Rule]) -> Arc<super::RuleSet> {
    match super::RuleSet::compile(rules) {
        Ok(s) => Arc::new(s),
        Err(e) => {
            log::error!("the stored routing rules do not compile, so none apply: {e}");
            Arc::new(super::RuleSet::default())
        }
    }
}

impl Engine {
    /// Every rule, in evaluation order (priority high first, then name).
    pub fn list_rules(&self) -> Vec<Rule> {
        self.snapshot().rules.clone()
    }

    /// Every rule with what is wrong with its target channel, if anything: gone (removed
    /// or renamed) or disabled.
    pub fn rule_views(&self) -> Vec<RuleView> {
        let snap = self.snapshot();
        (snap.rules.iter())
            .map(|r| {
                let target_problem = r.target_channel.as_deref().and_then(|t| match find_in(&snap.channels, t) {
                    None => Some(format!("target channel {t:?} does not exist (removed or renamed)")),
                    Some(c) if c.status == crate::engine::Status::Disabled => {
                        Some(format!("target channel {:?} is disabled", c.name))
                    }
                    Some(_) => None,
                });
                RuleView { rule: r.clone(), target_problem }
            })
            .collect()
    }

    /// The names of the rules whose target is this channel.
    pub fn rules_targeting(&self, c: &crate::engine::Channel) -> Vec<String> {
        let snap = self.snapshot();
        (snap.rules.iter())
            .filter(|r| {
                r.target_channel.as_deref().and_then(|t| find_in(&snap.channels, t)).is_some_and(|t| t.id == c.id)
            })
            .map(|r| r.name.clone())
            .collect()
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
        super::validate(spec)?;
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
