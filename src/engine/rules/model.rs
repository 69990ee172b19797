//! The routing-rule data model: what a user writes (`RuleSpec`, in YAML or
//! JSON with camelCase field names), what is stored (`Rule`, the spec plus an
//! id and timestamps), the rule types and the conditions they test. Unknown
//! fields are rejected so a typo in a rules file is an error, not a silently
//! ignored condition.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The scenario a rule detects; decides which condition fields are used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RuleType {
    /// Whole prompt has at least `condition.tokenThreshold` tokens.
    LongContext,
    /// Requested model matches `claude-*haiku*` (or `condition.model`).
    Background,
    /// The request enables extended thinking / reasoning.
    Think,
    /// The request declares a web-search tool.
    WebSearch,
    /// Some message content part is an image.
    Image,
    /// A `<routex-model>channel,model</routex-model>` tag picks the target.
    Subagent,
    /// `condition.model` (a glob) matches the requested model.
    Model,
    /// Some keyword occurs (case-insensitively) in the last user message.
    Keywords,
    /// `condition.regex` matches the last user message.
    Regex,
    /// A request header matches `condition.header`.
    Header,
    /// Every condition present must hold (at least one is required).
    Custom,
}

impl RuleType {
    /// Every rule type, in documentation order.
    pub const ALL: [RuleType; 11] = [
        RuleType::LongContext,
        RuleType::Background,
        RuleType::Think,
        RuleType::WebSearch,
        RuleType::Image,
        RuleType::Subagent,
        RuleType::Model,
        RuleType::Keywords,
        RuleType::Regex,
        RuleType::Header,
        RuleType::Custom,
    ];

    /// The camelCase name used in rule files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleType::LongContext => "longContext",
            RuleType::Background => "background",
            RuleType::Think => "think",
            RuleType::WebSearch => "webSearch",
            RuleType::Image => "image",
            RuleType::Subagent => "subagent",
            RuleType::Model => "model",
            RuleType::Keywords => "keywords",
            RuleType::Regex => "regex",
            RuleType::Header => "header",
            RuleType::Custom => "custom",
        }
    }
}

impl fmt::Display for RuleType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A header condition: header `name` (case-insensitive) whose value matches
/// the glob `value` (case-sensitive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeaderCondition {
    /// Header name, compared case-insensitively.
    pub name: String,
    /// Glob the header value must match, e.g. `claude-cli/*`.
    pub value: String,
}

/// The tests a rule can apply. Non-custom types read only their own field;
/// `custom` requires every field that is present to hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Condition {
    /// Minimum prompt size in cl100k tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_threshold: Option<u64>,
    /// Keywords searched case-insensitively in the last user message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keywords: Option<Vec<String>>,
    /// Regular expression searched in the last user message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regex: Option<String>,
    /// Glob over the requested model name (case-insensitive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Request header test.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<HeaderCondition>,
    /// Whether some message carries an image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_images: Option<bool>,
    /// Whether the request declares any tool.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_tools: Option<bool>,
    /// Holds when the request declares at least one of these tool names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_names: Option<Vec<String>>,
    /// Whether the request enables thinking / reasoning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thinking: Option<bool>,
}

impl Condition {
    /// Names (camelCase) of the fields that are set, in declaration order.
    pub fn present_fields(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.token_threshold.is_some() {
            out.push("tokenThreshold");
        }
        if self.keywords.is_some() {
            out.push("keywords");
        }
        if self.regex.is_some() {
            out.push("regex");
        }
        if self.model.is_some() {
            out.push("model");
        }
        if self.header.is_some() {
            out.push("header");
        }
        if self.has_images.is_some() {
            out.push("hasImages");
        }
        if self.has_tools.is_some() {
            out.push("hasTools");
        }
        if self.tool_names.is_some() {
            out.push("toolNames");
        }
        if self.thinking.is_some() {
            out.push("thinking");
        }
        out
    }

    /// True when no field is set.
    pub fn is_empty(&self) -> bool {
        self.present_fields().is_empty()
    }
}

fn default_true() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

fn is_default_condition(c: &Condition) -> bool {
    c.is_empty()
}

/// A rule as the user writes it (rules file, API body, CLI flags).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RuleSpec {
    /// Unique, human-chosen name.
    pub name: String,
    /// Disabled rules are kept but never match.
    #[serde(default = "default_true", skip_serializing_if = "is_true")]
    pub enabled: bool,
    /// Higher is evaluated first; ties are broken by name.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub priority: i64,
    /// The scenario the rule detects.
    #[serde(rename = "type")]
    pub rule_type: RuleType,
    /// The tests applied (see [`RuleType`]).
    #[serde(default, skip_serializing_if = "is_default_condition")]
    pub condition: Condition,
    /// Channel name or id to route to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_channel: Option<String>,
    /// Model to rewrite the request to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_model: Option<String>,
}

/// The stored form of a rule: the spec's fields plus id and timestamps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Rule {
    /// `rule_` followed by 12 lowercase hex digits.
    pub id: String,
    /// See [`RuleSpec::name`].
    pub name: String,
    /// See [`RuleSpec::enabled`].
    #[serde(default = "default_true")]
    pub enabled: bool,
    /// See [`RuleSpec::priority`].
    #[serde(default)]
    pub priority: i64,
    /// See [`RuleSpec::rule_type`].
    #[serde(rename = "type")]
    pub rule_type: RuleType,
    /// See [`RuleSpec::condition`].
    #[serde(default)]
    pub condition: Condition,
    /// See [`RuleSpec::target_channel`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_channel: Option<String>,
    /// See [`RuleSpec::target_model`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_model: Option<String>,
    /// RFC3339 creation time (UTC).
    pub created_at: String,
    /// RFC3339 time of the last change (UTC).
    pub updated_at: String,
}

impl Rule {
    /// A new stored rule from a spec, with a fresh id and both timestamps now.
    /// Does not validate; call [`super::validate()`] first.
    pub fn from_spec(spec: RuleSpec) -> Rule {
        let now = crate::util::time::now_rfc3339();
        Rule {
            id: new_rule_id(),
            name: spec.name,
            enabled: spec.enabled,
            priority: spec.priority,
            rule_type: spec.rule_type,
            condition: spec.condition,
            target_channel: spec.target_channel,
            target_model: spec.target_model,
            created_at: now.clone(),
            updated_at: now,
        }
    }

    /// The user-editable part of this rule.
    pub fn spec(&self) -> RuleSpec {
        RuleSpec {
            name: self.name.clone(),
            enabled: self.enabled,
            priority: self.priority,
            rule_type: self.rule_type,
            condition: self.condition.clone(),
            target_channel: self.target_channel.clone(),
            target_model: self.target_model.clone(),
        }
    }

    /// Replace the user-editable part, keeping the id and creation time and
    /// setting `updated_at` to now.
    pub fn update(&mut self, spec: RuleSpec) {
        self.name = spec.name;
        self.enabled = spec.enabled;
        self.priority = spec.priority;
        self.rule_type = spec.rule_type;
        self.condition = spec.condition;
        self.target_channel = spec.target_channel;
        self.target_model = spec.target_model;
        self.updated_at = crate::util::time::now_rfc3339();
    }
}

/// A fresh rule id: `rule_` + 12 lowercase hex digits from a v4 UUID.
pub fn new_rule_id() -> String {
    crate::util::ids::new_id("rule")
}

/// True for ids of the form `rule_` + 12 lowercase hex digits.
pub fn is_rule_id(s: &str) -> bool {
    crate::util::ids::is_id("rule", s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_parses_camel_case_with_defaults() {
        let spec: RuleSpec = serde_json::from_str(
            r#"{"name":"long","type":"longContext","condition":{"tokenThreshold":60000},
                "targetChannel":"big","targetModel":"claude-sonnet-4"}"#,
        )
        .unwrap();
        assert!(spec.enabled);
        assert_eq!(spec.priority, 0);
        assert_eq!(spec.rule_type, RuleType::LongContext);
        assert_eq!(spec.condition.token_threshold, Some(60000));
        assert_eq!(spec.target_channel.as_deref(), Some("big"));
        assert_eq!(spec.target_model.as_deref(), Some("claude-sonnet-4"));
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let err = serde_json::from_str::<RuleSpec>(r#"{"name":"a","type":"think","targetChanel":"x"}"#).unwrap_err();
        assert!(err.to_string().contains("targetChanel"), "{err}");
        let err = serde_json::from_str::<RuleSpec>(r#"{"name":"a","type":"custom","condition":{"tokenTreshold":5}}"#)
            .unwrap_err();
        assert!(err.to_string().contains("tokenTreshold"), "{err}");
        assert!(serde_json::from_str::<RuleSpec>(r#"{"name":"a","type":"nope"}"#).is_err());
    }

    #[test]
    fn every_type_round_trips_by_name() {
        for t in RuleType::ALL {
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(json, format!("\"{}\"", t.as_str()));
            assert_eq!(serde_json::from_str::<RuleType>(&json).unwrap(), t);
        }
    }

    #[test]
    fn rule_from_spec_and_back() {
        let spec = RuleSpec {
            name: "bg".into(),
            enabled: false,
            priority: 7,
            rule_type: RuleType::Background,
            condition: Condition::default(),
            target_channel: Some("cheap".into()),
            target_model: None,
        };
        let rule = Rule::from_spec(spec.clone());
        assert!(is_rule_id(&rule.id), "{}", rule.id);
        assert_eq!(rule.created_at, rule.updated_at);
        assert_eq!(rule.spec(), spec);
        let json = serde_json::to_value(&rule).unwrap();
        assert!(json.get("createdAt").is_some());
        assert_eq!(json["type"], "background");
        let back: Rule = serde_json::from_value(json).unwrap();
        assert_eq!(back, rule);
    }

    #[test]
    fn rule_ids_are_distinct_and_well_formed() {
        let a = new_rule_id();
        let b = new_rule_id();
        assert_ne!(a, b);
        assert!(is_rule_id(&a));
        assert!(!is_rule_id("rule_12345"));
        assert!(!is_rule_id("rule_ABCDEF123456"));
        assert!(!is_rule_id("rul_abcdef123456"));
    }

    #[test]
    fn present_fields_lists_set_fields() {
        let c = Condition { regex: Some("x".into()), thinking: Some(false), ..Default::default() };
        assert_eq!(c.present_fields(), vec!["regex", "thinking"]);
        assert!(!c.is_empty());
        assert!(Condition::default().is_empty());
    }
}
