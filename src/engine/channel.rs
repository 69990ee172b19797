//! Channels: one upstream endpoint with its credentials.
//!
//! [`ChannelSpec`] is what a user writes (CLI flags, config file, export document, API
//! body); [`validate`] turns it into a [`Channel`] or says which field is wrong and why.
//! [`ChannelView`] is what a user reads back: secrets masked unless asked for.

use crate::secret::Secret;
use rust_i18n::t;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use super::Error;

/// The provider kind of a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum ChannelType {
    /// api.anthropic.com or anything speaking Anthropic Messages.
    Anthropic,
    /// api.openai.com or anything speaking Chat Completions.
    Openai,
    /// Google Gemini `generateContent`.
    Gemini,
    /// Azure OpenAI (deployment URLs, `api-key` header).
    Azure,
    /// Zhipu GLM (OpenAI wire format).
    Zhipu,
    /// Any endpoint; `protocol` says what it speaks.
    Custom,
}

/// Every channel type, in the order shown to users.
pub const CHANNEL_TYPES: [ChannelType; 6] = [
    ChannelType::Anthropic,
    ChannelType::Openai,
    ChannelType::Gemini,
    ChannelType::Azure,
    ChannelType::Zhipu,
    ChannelType::Custom,
];

impl ChannelType {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelType::Anthropic => "anthropic",
            ChannelType::Openai => "openai",
            ChannelType::Gemini => "gemini",
            ChannelType::Azure => "azure",
            ChannelType::Zhipu => "zhipu",
            ChannelType::Custom => "custom",
        }
    }

    /// The wire protocol this type speaks (None for custom: the user says).
    pub fn protocol(self) -> Option<Protocol> {
        match self {
            ChannelType::Anthropic => Some(Protocol::Anthropic),
            ChannelType::Openai | ChannelType::Azure | ChannelType::Zhipu => Some(Protocol::Openai),
            ChannelType::Gemini => Some(Protocol::Gemini),
            ChannelType::Custom => None,
        }
    }

    /// The default base URL (None where there is no sensible default).
    pub fn default_base_url(self) -> Option<&'static str> {
        match self {
            ChannelType::Anthropic => Some("https://api.anthropic.com"),
            ChannelType::Openai => Some("https://api.openai.com/v1"),
            ChannelType::Gemini => Some("https://generativelanguage.googleapis.com"),
            ChannelType::Zhipu => Some("https://open.bigmodel.cn/api/paas/v4"),
            ChannelType::Azure | ChannelType::Custom => None,
        }
    }
}

impl fmt::Display for ChannelType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ChannelType {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        CHANNEL_TYPES.iter().copied().find(|t| t.as_str().eq_ignore_ascii_case(s.trim())).ok_or(())
    }
}

pub use crate::protocol::Protocol;

/// What `GET /api/providers` tells about each channel type.
pub fn providers() -> Vec<serde_json::Value> {
    CHANNEL_TYPES
        .iter()
        .map(|t| {
            let auth = match t {
                ChannelType::Anthropic => "x-api-key",
                ChannelType::Azure => "api-key",
                ChannelType::Gemini => "x-goog-api-key",
                ChannelType::Openai | ChannelType::Zhipu => "Authorization: Bearer", // i18n: not prose
                ChannelType::Custom => "by protocol",                                // i18n: not prose
            };
            serde_json::json!({
                "type": t.as_str(),
                "protocol": t.protocol().map(|p| p.as_str()),
                "default_base_url": t.default_base_url(),
                "auth_header": auth,
                "requires": match t {
                    ChannelType::Azure => vec!["base_url", "deployment"],
                    ChannelType::Custom => vec!["base_url", "protocol"],
                    _ => vec![],
                },
                "capabilities": {
                    "streaming": true,
                    "tools": true,
                    "images": true,
                    "thinking": !matches!(t, ChannelType::Zhipu),
                    "clients": ["anthropic", "openai"],
                },
            })
        })
        .collect()
}

/// Whether a channel takes traffic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Takes traffic.
    Enabled,
    /// Switched off by a user.
    Disabled,
    /// Switched off by the circuit breaker; it heals by itself.
    RateLimited,
}

impl Status {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Enabled => "enabled",
            Status::Disabled => "disabled",
            Status::RateLimited => "rate_limited",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A channel as a user writes it: config file, export document, API body, CLI flags.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelSpec {
    /// Unique human name.
    pub name: String,
    /// `anthropic`, `openai`, `gemini`, `azure`, `zhipu` or `custom`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Wire protocol; derived from `type` unless `custom`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// Upstream base URL; defaults per type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// One API key (shorthand for a one-element `api_keys`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key: Option<String>,
    /// A pool of API keys.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub api_keys: Vec<String>,
    /// The name of an environment variable holding the key, read when the engine starts
    /// (shorthand for a one-element `api_keys_env`). The name is stored, never the value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key_env: Option<String>,
    /// Names of environment variables holding a pool of keys.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub api_keys_env: Vec<String>,
    /// Model names or globs served.
    #[serde(default)]
    pub models: Vec<String>,
    /// Requested model → upstream model.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub model_map: BTreeMap<String, String>,
    /// Higher is preferred.
    #[serde(default)]
    pub priority: i64,
    /// Weight for the `weighted` strategy (≥ 0).
    #[serde(default = "default_weight")]
    pub weight: i64,
    /// `enabled` or `disabled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Transformer pipeline (see `engine::transform` and docs/transformers.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transformers: Option<serde_json::Value>,
    /// Extra headers sent upstream.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Upstream timeout to first byte, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_s: Option<u64>,
    /// Azure deployment name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment: Option<String>,
    /// Azure `api-version`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
}

fn default_weight() -> i64 {
    1
}

/// A partial change to a channel (`routex channel edit`, `PUT /api/channels/:id`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelPatch {
    /// New name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New type.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// New protocol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// New base URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// Replace the key pool with this one key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key: Option<String>,
    /// Replace the key pool.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_keys: Option<Vec<String>>,
    /// Replace the key pool with the key of this environment variable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key_env: Option<String>,
    /// Replace the key pool with the keys of these environment variables.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_keys_env: Option<Vec<String>>,
    /// Replace the models.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub models: Option<Vec<String>>,
    /// Replace the model map.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_map: Option<BTreeMap<String, String>>,
    /// New priority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i64>,
    /// New weight.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<i64>,
    /// `enabled` or `disabled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Replace the transformer pipeline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transformers: Option<serde_json::Value>,
    /// Replace the extra headers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<BTreeMap<String, String>>,
    /// New timeout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_s: Option<u64>,
    /// New Azure deployment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment: Option<String>,
    /// New Azure api-version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
}

impl ChannelPatch {
    /// Whether the patch changes nothing.
    pub fn is_empty(&self) -> bool {
        *self == ChannelPatch::default()
    }

    /// Apply onto a spec.
    pub fn apply_to(self, spec: &mut ChannelSpec) {
        macro_rules! set {
            ($($f:ident),*) => { $( if let Some(v) = self.$f { spec.$f = v; } )* };
        }
        macro_rules! set_opt {
            ($($f:ident),*) => { $( if let Some(v) = self.$f { spec.$f = Some(v); } )* };
        }
        set!(name, kind, models, model_map, priority, weight, headers);
        set_opt!(protocol, base_url, status, transformers, timeout_s, deployment, api_version);
        // Keys given in any form replace the whole pool (values and references alike).
        if self.api_key.is_some()
            || self.api_keys.is_some()
            || self.api_key_env.is_some()
            || self.api_keys_env.is_some()
        {
            spec.api_key = None;
            spec.api_keys = self.api_key.into_iter().chain(self.api_keys.into_iter().flatten()).collect();
            spec.api_key_env = None;
            spec.api_keys_env = self.api_key_env.into_iter().chain(self.api_keys_env.into_iter().flatten()).collect();
        }
    }
}

/// A validated channel, as the engine holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Channel {
    /// Stable generated id (`ch_…`), never reused.
    pub id: String,
    /// Unique name.
    pub name: String,
    /// Provider kind.
    #[serde(rename = "type")]
    pub kind: ChannelType,
    /// Wire protocol.
    pub protocol: Protocol,
    /// Effective base URL.
    pub base_url: String,
    /// Keys given as values (not serialised here: the store seals keys separately).
    #[serde(skip)]
    pub api_keys: Vec<Secret>,
    /// Names of environment variables holding keys: stored as names, read when the
    /// snapshot is built ([`Channel::resolve_env`]); the pool is `api_keys` then these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub api_keys_env: Vec<String>,
    /// What the environment gave for `api_keys_env` and `${VAR}` in `headers` (not stored).
    #[serde(skip)]
    pub env: EnvValues,
    /// Models (names or globs).
    pub models: Vec<String>,
    /// Requested → upstream model names.
    #[serde(default)]
    pub model_map: BTreeMap<String, String>,
    /// Higher is preferred.
    pub priority: i64,
    /// Weight for `weighted`.
    pub weight: u32,
    /// Enabled, disabled or rate limited.
    pub status: Status,
    /// Transformer pipeline config.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transformers: Option<serde_json::Value>,
    /// The same, parsed (derived from `transformers`; not stored).
    #[serde(skip)]
    pub pipeline: Option<std::sync::Arc<super::transform::PipelineConfig>>,
    /// Extra upstream headers.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Timeout to first byte, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_s: Option<u64>,
    /// Azure deployment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment: Option<String>,
    /// Azure api-version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
}

/// How the engine reads an environment variable: the process environment by default, a
/// map in tests. `None` (or an empty value) is "not set".
pub type EnvLookup = std::sync::Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// The process environment as an [`EnvLookup`].
pub fn process_env() -> EnvLookup {
    std::sync::Arc::new(|name: &str| std::env::var(name).ok())
}

/// What the environment gave a channel when its snapshot was built. [`validate`] resolves
/// against an empty environment, so a channel that was never resolved counts every
/// reference as missing and cannot send a request without the key it was told to use.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EnvValues {
    /// The value of each of `api_keys_env`, in order (None: not set).
    pub keys: Vec<Option<Secret>>,
    /// Headers with `${VAR}` expanded (only those that hold a reference).
    pub headers: Vec<(String, Secret)>,
    /// Variables referenced but not set (or empty), once each, in order.
    pub missing: Vec<String>,
}

/// Whether `name` can be an environment variable name here: a letter or `_`, then
/// letters, digits or `_`.
fn valid_var(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.len() <= 256
}

/// What a key value means: `${VAR}` (the whole value) is a reference to an environment
/// variable (Ok(Err(name))); anything else with `${` in it is refused, so a literal
/// `${VAR}` is never sent upstream. No real key holds `${`, so keys need no escape.
fn parse_key(v: &str) -> Result<Result<String, String>, String> {
    if let Some(name) = v.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
        if valid_var(name) {
            return Ok(Err(name.to_string()));
        }
        return Err(t!("engine.channel.key_bad_reference", value = format!("{v:?}")).into_owned());
    }
    if v.contains("${") {
        return Err(t!("engine.channel.key_stray_reference").into_owned());
    }
    Ok(Ok(v.to_string()))
}

/// Expand `${VAR}` references in a header value with `lookup`; `$${` is a literal `${`.
/// Returns the value and the variables that were not set (their reference expands to
/// nothing), or why the template is malformed.
pub(crate) fn expand(template: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Result<(String, Vec<String>), String> {
    let mut out = String::with_capacity(template.len());
    let mut missing = Vec::new();
    let mut rest = template;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(t) = tail.strip_prefix("$${") {
            out.push_str("${");
            rest = t;
        } else if let Some(t) = tail.strip_prefix("${") {
            let end = t.find('}').ok_or_else(|| t!("engine.channel.template_unclosed").into_owned())?;
            let name = &t[..end];
            if !valid_var(name) {
                return Err(t!("engine.channel.template_bad_name", name = name).into_owned());
            }
            match lookup(name).filter(|v| !v.is_empty()) {
                Some(v) => out.push_str(&v),
                None => {
                    if !missing.iter().any(|m| m == name) {
                        missing.push(name.to_string());
                    }
                }
            }
            rest = &t[end + 1..];
        } else {
            out.push('$');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    Ok((out, missing))
}

/// Whether a header value holds a `${VAR}` reference (an escaped `$${` does not count).
pub fn has_reference(value: &str) -> bool {
    expand(value, &|_| None).map(|(_, missing)| !missing.is_empty()).unwrap_or(false)
}

/// Parse a channel's `transformers` config (None for none).
pub fn parse_pipeline(
    v: Option<&serde_json::Value>,
) -> Result<Option<std::sync::Arc<super::transform::PipelineConfig>>, super::transform::TransformError> {
    match v {
        Some(v) if !v.is_null() => {
            let p = super::transform::parse(v)?;
            Ok((!p.is_empty() || p.forced_protocol().is_some()).then(|| std::sync::Arc::new(p)))
        }
        _ => Ok(None),
    }
}

impl Channel {
    /// The spec that reproduces this channel (for export and edits).
    pub fn to_spec(&self, include_secrets: bool) -> ChannelSpec {
        let default_url = self.kind.default_base_url();
        ChannelSpec {
            name: self.name.clone(),
            kind: self.kind.as_str().to_string(),
            protocol: (self.kind == ChannelType::Custom).then(|| self.protocol.as_str().to_string()),
            base_url: (Some(self.base_url.as_str()) != default_url).then(|| self.base_url.clone()),
            api_key: None,
            api_keys: if include_secrets {
                self.api_keys.iter().map(|k| k.expose().to_string()).collect()
            } else {
                Vec::new()
            },
            api_key_env: None,
            // References are names, not secrets: always exported.
            api_keys_env: self.api_keys_env.clone(),
            models: self.models.clone(),
            model_map: self.model_map.clone(),
            priority: self.priority,
            weight: self.weight as i64,
            status: (self.status == Status::Disabled).then(|| "disabled".to_string()),
            transformers: self.transformers.clone(),
            headers: if include_secrets { self.headers.clone() } else { mask_headers(&self.headers) },
            timeout_s: self.timeout_s,
            deployment: self.deployment.clone(),
            api_version: self.api_version.clone(),
        }
    }

    /// What a user sees. Keys masked unless `show_secrets`.
    pub fn view(&self, show_secrets: bool) -> ChannelView {
        ChannelView {
            id: self.id.clone(),
            name: self.name.clone(),
            kind: self.kind,
            protocol: self.protocol,
            base_url: self.base_url.clone(),
            api_keys: self
                .api_keys
                .iter()
                .map(|k| if show_secrets { k.expose().to_string() } else { k.masked() })
                .collect(),
            api_keys_env: (self.api_keys_env.iter().enumerate())
                .map(|(i, var)| EnvKeyView {
                    var: var.clone(),
                    key: self.env.keys.get(i).cloned().flatten().map(|k| k.masked()),
                })
                .collect(),
            key_problem: self.key_problem(),
            models: self.models.clone(),
            model_map: self.model_map.clone(),
            priority: self.priority,
            weight: self.weight,
            status: self.status,
            transformers: self.transformers.clone(),
            headers: if show_secrets { self.headers.clone() } else { mask_headers(&self.headers) },
            timeout_s: self.timeout_s,
            deployment: self.deployment.clone(),
            api_version: self.api_version.clone(),
            created_at: self.created_at.clone(),
            updated_at: self.updated_at.clone(),
        }
    }

    /// Whether the channel serves a model (exact name, `*`, or a glob).
    pub fn serves(&self, model: &str) -> bool {
        self.models.iter().any(|m| glob_match(m, model)) || self.model_map.contains_key(model)
    }

    /// Read the environment variables this channel refers to (`api_keys_env`, `${VAR}` in
    /// header values) with `lookup`. Called whenever a snapshot is built.
    pub fn resolve_env(&mut self, lookup: &dyn Fn(&str) -> Option<String>) {
        // A key stored by an older routex as a literal `${VAR}` (it took them as values) is
        // the reference it was meant to be: never sent upstream as written.
        if self.api_keys.iter().any(|k| k.expose().contains("${")) {
            for k in std::mem::take(&mut self.api_keys) {
                match parse_key(k.expose()) {
                    Ok(Err(var)) if !self.api_keys_env.contains(&var) => self.api_keys_env.push(var),
                    Ok(Err(_)) => {}
                    _ => self.api_keys.push(k),
                }
            }
        }
        let mut env = EnvValues::default();
        for var in &self.api_keys_env {
            let v = lookup(var).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
            if v.is_none() && !env.missing.contains(var) {
                env.missing.push(var.clone());
            }
            env.keys.push(v.map(Secret::new));
        }
        for (k, template) in &self.headers {
            if !template.contains('$') {
                continue;
            }
            // Validated when the channel was written; a malformed one is sent as written.
            if let Ok((value, missing)) = expand(template, lookup) {
                for m in missing {
                    if !env.missing.contains(&m) {
                        env.missing.push(m);
                    }
                }
                env.headers.push((k.clone(), Secret::new(value)));
            }
        }
        self.env = env;
    }

    /// Whether every environment variable the channel refers to was set: a channel with
    /// an unset one is left out of routing (read once per snapshot, not per request).
    #[inline]
    pub fn usable(&self) -> bool {
        self.env.missing.is_empty()
    }

    /// The size of the key pool: the keys given as values, then those read from the
    /// environment.
    #[inline]
    pub fn key_count(&self) -> usize {
        self.api_keys.len() + self.env.keys.len()
    }

    /// Key `i` of the pool (None past the end or for an unset variable).
    pub fn key(&self, i: usize) -> Option<&Secret> {
        match self.api_keys.get(i) {
            Some(k) => Some(k),
            None => self.env.keys.get(i - self.api_keys.len()).and_then(Option::as_ref),
        }
    }

    /// The extra upstream headers with references expanded (unresolved ones as written,
    /// though such a channel is never routed to).
    pub fn upstream_headers(&self) -> impl Iterator<Item = (&str, &str)> {
        self.headers.iter().map(|(k, v)| match self.env.headers.iter().find(|(h, _)| h == k) {
            Some((_, resolved)) => (k.as_str(), resolved.expose()),
            None => (k.as_str(), v.as_str()),
        })
    }

    /// Why this channel cannot authenticate, when it cannot: an environment variable it
    /// refers to is unset, or it has no key at all though its type needs one. A sentence
    /// without the channel's name (callers add it).
    pub fn key_problem(&self) -> Option<String> {
        self.key_problem_in(&rust_i18n::locale())
    }

    /// [`Channel::key_problem`] in a given language: the proxy's errors to clients say it
    /// in English whatever the daemon's language (docs/i18n.md).
    pub fn key_problem_in(&self, locale: &str) -> Option<String> {
        if !self.env.missing.is_empty() {
            let vars: Vec<String> = self.env.missing.iter().map(|v| format!("${v}")).collect();
            let vars = vars.join(", ");
            return Some(if self.env.missing.len() == 1 {
                t!("engine.channel.key_problem_env_one", locale = locale, vars = vars).into_owned()
            } else {
                t!("engine.channel.key_problem_env_many", locale = locale, vars = vars).into_owned()
            });
        }
        let auth_header = self.headers.keys().any(|h| {
            let h = h.to_ascii_lowercase();
            h == "authorization" || h.ends_with("api-key") || h == "x-goog-api-key"
        });
        if self.key_count() == 0 && self.kind != ChannelType::Custom && !auth_header {
            return Some(
                t!("engine.channel.key_problem_none", locale = locale, kind = self.kind, name = self.name).into_owned(),
            );
        }
        None
    }
}

/// A key read from an environment variable, as shown to users: the variable's name and
/// the key masked (None when the variable is not set).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnvKeyView {
    /// The variable's name.
    pub var: String,
    /// Its value, masked; None when it is not set.
    pub key: Option<String>,
}

/// A channel as shown to users (CLI and admin API alike).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelView {
    /// Stable id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Type.
    #[serde(rename = "type")]
    pub kind: ChannelType,
    /// Protocol.
    pub protocol: Protocol,
    /// Effective base URL.
    pub base_url: String,
    /// Keys given as values, masked unless secrets were asked for.
    pub api_keys: Vec<String>,
    /// Keys read from environment variables: each variable, with its key always masked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub api_keys_env: Vec<EnvKeyView>,
    /// Why the channel cannot authenticate (an unset variable, no key), when it cannot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_problem: Option<String>,
    /// Models.
    pub models: Vec<String>,
    /// Model map.
    #[serde(default)]
    pub model_map: BTreeMap<String, String>,
    /// Priority.
    pub priority: i64,
    /// Weight.
    pub weight: u32,
    /// Status.
    pub status: Status,
    /// Transformers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transformers: Option<serde_json::Value>,
    /// Extra headers (sensitive values masked).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Timeout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_s: Option<u64>,
    /// Azure deployment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment: Option<String>,
    /// Azure api-version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// Created.
    pub created_at: String,
    /// Updated.
    pub updated_at: String,
}

/// Mask header values whose name suggests a credential.
pub fn mask_headers(headers: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    headers
        .iter()
        .map(|(k, v)| {
            let lk = k.to_ascii_lowercase();
            let sensitive =
                ["authorization", "key", "token", "secret", "cookie", "password"].iter().any(|s| lk.contains(s));
            // A value with a `${VAR}` reference is the template as written: it holds a
            // variable's name, not a secret (docs/configuration.md says to keep the whole
            // secret in the variable).
            let masked = sensitive && !has_reference(v);
            (k.clone(), if masked { crate::secret::mask(v) } else { v.clone() })
        })
        .collect()
}

pub use super::glob::matches as glob_match;

fn invalid(name: &str, field: &str, message: impl Into<String>) -> Error {
    Error::Invalid {
        subject: t!("engine.subject.channel", name = format!("{name:?}")).into_owned(),
        field: field.to_string(),
        message: message.into(),
    }
}

/// Validate a spec into a channel. `id` and `created_at` come from the caller (new or
/// existing channel).
pub fn validate(spec: &ChannelSpec, id: String, created_at: String, now: String) -> Result<Channel, Error> {
    let name = spec.name.trim();
    let unnamed = t!("engine.channel.unnamed");
    let shown = if name.is_empty() { &unnamed } else { name };
    if name.is_empty() {
        return Err(invalid(shown, "name", t!("engine.channel.name_empty")));
    }
    if name.chars().count() > 64 || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid(shown, "name", t!("engine.channel.name_shape")));
    }
    let kind: ChannelType = spec.kind.parse().map_err(|_| {
        invalid(
            shown,
            "type",
            t!(
                "engine.channel.type_unknown",
                given = format!("{:?}", spec.kind),
                hint = crate::util::suggest::did_you_mean(&spec.kind, CHANNEL_TYPES.iter().map(|t| t.as_str())),
                choices = CHANNEL_TYPES.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", ")
            ),
        )
    })?;
    let pipeline =
        parse_pipeline(spec.transformers.as_ref()).map_err(|e| invalid(shown, "transformers", e.to_string()))?;
    // A format transformer (`anthropic`, `openai`, `gemini` in `use:`) forces the wire format.
    let forced = pipeline.as_ref().and_then(|p| p.forced_protocol());
    let protocol = match (&spec.protocol, kind.protocol()) {
        _ if forced.is_some() => forced.expect("checked"),
        (Some(p), derived) => {
            let p: Protocol = p.parse().map_err(|_: crate::protocol::ConvertError| {
                invalid(shown, "protocol", t!("engine.channel.protocol_unknown", given = format!("{p:?}")))
            })?;
            if let Some(d) = derived {
                if d != p {
                    return Err(invalid(
                        shown,
                        "protocol",
                        t!("engine.channel.protocol_mismatch", kind = kind, derived = d, given = p),
                    ));
                }
            }
            p
        }
        (None, Some(d)) => d,
        (None, None) => return Err(invalid(shown, "protocol", t!("engine.channel.protocol_required"))),
    };
    let base_url = match spec.base_url.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(u) => u.trim_end_matches('/').to_string(),
        None => match kind.default_base_url() {
            Some(u) => u.to_string(),
            None => {
                let example = if kind == ChannelType::Azure {
                    "https://my-resource.openai.azure.com"
                } else {
                    "http://127.0.0.1:8000/v1"
                };
                return Err(invalid(
                    shown,
                    "base_url",
                    t!("engine.channel.base_url_required", kind = kind, example = example),
                ));
            }
        },
    };
    match url::Url::parse(&base_url) {
        Ok(u) if (u.scheme() == "http" || u.scheme() == "https") && u.host().is_some() => {}
        Ok(u) => {
            return Err(invalid(
                shown,
                "base_url",
                t!(
                    "engine.channel.base_url_scheme",
                    url = format!("{base_url:?}"),
                    scheme = format!("{:?}", u.scheme())
                ),
            ))
        }
        Err(e) => {
            return Err(invalid(
                shown,
                "base_url",
                t!("engine.channel.base_url_invalid", url = format!("{base_url:?}"), error = e),
            ))
        }
    }
    let mut keys: Vec<Secret> = Vec::new();
    let mut key_env: Vec<String> = Vec::new();
    for k in spec.api_key.iter().chain(spec.api_keys.iter()) {
        let k = k.trim();
        if k.is_empty() {
            return Err(invalid(shown, "api_keys", t!("engine.channel.key_empty")));
        }
        match parse_key(k).map_err(|m| invalid(shown, "api_keys", m))? {
            Ok(k) if !keys.iter().any(|e| e.expose() == k) => keys.push(Secret::new(k)),
            Ok(_) => {}
            Err(var) if !key_env.contains(&var) => key_env.push(var),
            Err(_) => {}
        }
    }
    for var in spec.api_key_env.iter().chain(spec.api_keys_env.iter()) {
        // `$VAR` and `${VAR}` are forgiven: the name is what is meant.
        let name = var.trim().trim_start_matches('$');
        let name = name.strip_prefix('{').and_then(|n| n.strip_suffix('}')).unwrap_or(name);
        if !valid_var(name) {
            return Err(invalid(shown, "api_keys_env", t!("engine.channel.env_name", var = format!("{var:?}"))));
        }
        if !key_env.iter().any(|e| e == name) {
            key_env.push(name.to_string());
        }
    }
    if spec.models.is_empty() || spec.models.iter().all(|m| m.trim().is_empty()) {
        return Err(invalid(shown, "models", t!("engine.channel.models_required")));
    }
    let mut models = Vec::new();
    // Seen names, so a list of 100k models is checked in linear time (it was quadratic).
    let mut seen = std::collections::HashSet::with_capacity(spec.models.len());
    for m in &spec.models {
        let m = m.trim();
        if m.is_empty() {
            return Err(invalid(shown, "models", t!("engine.channel.model_empty")));
        }
        // A plain name is always a valid pattern; only one with glob characters is compiled.
        let is_pattern = m.contains(['*', '?', '[', ']', '{', '}', '\\']);
        if let Err(e) = if is_pattern { super::glob::Glob::new(m).map(drop) } else { Ok(()) } {
            return Err(invalid(shown, "models", t!("engine.channel.model_glob", model = format!("{m:?}"), error = e)));
        }
        if seen.insert(m) {
            models.push(m.to_string());
        }
    }
    for (from, to) in &spec.model_map {
        if from.trim().is_empty() || to.trim().is_empty() {
            return Err(invalid(shown, "model_map", t!("engine.channel.model_map_empty")));
        }
    }
    if spec.weight < 0 {
        return Err(invalid(shown, "weight", t!("engine.channel.weight_negative", weight = spec.weight)));
    }
    let weight = u32::try_from(spec.weight).map_err(|_| {
        invalid(shown, "weight", t!("engine.channel.weight_large", weight = spec.weight, max = u32::MAX))
    })?;
    let status = match spec.status.as_deref().map(|s| s.trim().to_ascii_lowercase()) {
        None => Status::Enabled,
        Some(s) if s == "enabled" => Status::Enabled,
        Some(s) if s == "disabled" => Status::Disabled,
        Some(s) => return Err(invalid(shown, "status", t!("engine.channel.status", status = format!("{s:?}")))),
    };
    for (k, v) in spec.headers.iter() {
        if http::header::HeaderName::from_bytes(k.as_bytes()).is_err() {
            return Err(invalid(shown, "headers", t!("engine.channel.header_name", name = format!("{k:?}"))));
        }
        expand(v, &|_| Some(String::new())).map_err(|m| invalid(shown, "headers", format!("{k}: {m}")))?;
    }
    if let Some(0) = spec.timeout_s {
        return Err(invalid(shown, "timeout_s", t!("engine.channel.timeout")));
    }
    if kind == ChannelType::Azure && spec.deployment.as_deref().map(str::trim).unwrap_or("").is_empty() {
        return Err(invalid(shown, "deployment", t!("engine.channel.deployment_required")));
    }
    let mut channel = Channel {
        id,
        name: name.to_string(),
        kind,
        protocol,
        base_url,
        api_keys: keys,
        api_keys_env: key_env,
        env: EnvValues::default(),
        models,
        model_map: spec.model_map.clone(),
        priority: spec.priority,
        weight,
        status,
        transformers: spec.transformers.clone().filter(|v| !v.is_null()),
        pipeline,
        headers: spec.headers.clone(),
        timeout_s: spec.timeout_s,
        deployment: spec.deployment.clone(),
        api_version: spec.api_version.clone(),
        created_at,
        updated_at: now,
    };
    // Not read from any environment yet: every reference counts as unset until the
    // engine resolves the channel when it builds a snapshot.
    channel.resolve_env(&|_| None);
    Ok(channel)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> ChannelSpec {
        ChannelSpec {
            name: "main".into(),
            kind: "anthropic".into(),
            api_key: Some("sk-ant-api03-0123456789abcd".into()),
            models: vec!["claude-*".into()],
            weight: 1,
            ..Default::default()
        }
    }

    fn check(s: &ChannelSpec) -> Result<Channel, Error> {
        validate(s, "ch_1".into(), "t".into(), "t".into())
    }

    #[test]
    fn defaults_come_from_the_type() {
        let c = check(&spec()).unwrap();
        assert_eq!(c.protocol, Protocol::Anthropic);
        assert_eq!(c.base_url, "https://api.anthropic.com");
        assert_eq!(c.status, Status::Enabled);
        assert!(c.serves("claude-sonnet-4"));
        assert!(!c.serves("gpt-4o"));
    }

    #[test]
    #[allow(clippy::type_complexity)]
    fn each_bad_field_is_named() {
        let cases: Vec<(Box<dyn Fn(&mut ChannelSpec)>, &str, &str)> = vec![
            (Box::new(|s| s.kind = "foo".into()), "type", "unknown type \"foo\""),
            (Box::new(|s| s.models.clear()), "models", "at least one model"),
            (Box::new(|s| s.models = vec!["gpt-[4".into()]), "models", "\"gpt-[4\" is not a valid glob"),
            (Box::new(|s| s.base_url = Some("not a url".into())), "base_url", "not a valid URL"),
            (Box::new(|s| s.base_url = Some("ftp://x.example".into())), "base_url", "http:// or https://"),
            (Box::new(|s| s.weight = -1), "weight", "must be 0 or more (got -1)"),
            (Box::new(|s| s.kind = "custom".into()), "protocol", "required for type custom"),
            (Box::new(|s| s.name = "has space".into()), "name", "no spaces"),
            (Box::new(|s| s.status = Some("on".into())), "status", "enabled or disabled"),
        ];
        for (mutate, field, text) in cases {
            let mut s = spec();
            mutate(&mut s);
            let err = check(&s).unwrap_err().to_string();
            assert!(err.contains(&format!("field `{field}`")), "{err}");
            assert!(err.contains(text), "{err}");
        }
    }

    #[test]
    fn a_huge_model_list_is_checked_in_linear_time() {
        // 200k names with every one twice: quadratic checking (as before) would not end in
        // any CI run; linear takes well under a second.
        let mut s = spec();
        s.models = (0..200_000).map(|i| format!("model-{}", i % 100_000)).collect();
        s.models.push("gpt-*".into());
        let c = check(&s).unwrap();
        assert_eq!(c.models.len(), 100_001);
        assert_eq!(c.models[99_999], "model-99999");
    }

    #[test]
    fn keys_and_headers_by_reference() {
        let mut s = spec();
        s.api_key = Some("${MY_KEY}".into());
        s.api_keys = vec!["sk-ant-literal-key-0001".into()];
        s.api_keys_env = vec!["$POOL_2".into(), "MY_KEY".into()];
        s.headers.insert("Authorization".into(), "Bearer ${TOKEN}".into());
        s.headers.insert("X-Cost".into(), "$5 $${x}".into());
        let mut c = check(&s).unwrap();
        assert_eq!(c.api_keys_env, vec!["MY_KEY".to_string(), "POOL_2".to_string()]);
        assert_eq!(c.api_keys[0].expose(), "sk-ant-literal-key-0001");
        assert!(!c.usable(), "unresolved references count as unset");
        let env = |n: &str| match n {
            "MY_KEY" => Some("sk-ant-from-env-000000001".to_string()),
            "TOKEN" => Some("tok-123456789012".to_string()),
            _ => None,
        };
        c.resolve_env(&env);
        assert_eq!(c.env.missing, vec!["POOL_2".to_string()]);
        let p = c.key_problem().unwrap();
        assert!(p.contains("$POOL_2 is not set"), "{p}");
        assert_eq!(c.key_count(), 3);
        assert_eq!(c.key(1).unwrap().expose(), "sk-ant-from-env-000000001");
        assert!(c.key(2).is_none());
        let h: BTreeMap<&str, &str> = c.upstream_headers().collect();
        assert_eq!((h["Authorization"], h["X-Cost"]), ("Bearer tok-123456789012", "$5 ${x}"));
        // Exports carry the names and the templates, never the values.
        let out = serde_json::to_string(&c.to_spec(false)).unwrap() + &serde_json::to_string(&c.view(true)).unwrap();
        assert!(out.contains("Bearer ${TOKEN}") && out.contains("MY_KEY"), "{out}");
        assert!(!out.contains("from-env") && !out.contains("tok-1234"), "{out}");
        assert_eq!(c.to_spec(true).api_keys, vec!["sk-ant-literal-key-0001".to_string()]);
        // A key an older routex stored as a literal `${VAR}` is read as the reference.
        let mut old = check(&spec()).unwrap();
        old.api_keys.push(Secret::new("${MY_KEY}"));
        old.resolve_env(&env);
        assert_eq!((old.key_count(), old.api_keys_env.clone()), (2, vec!["MY_KEY".to_string()]));
        assert_eq!(old.key(1).unwrap().expose(), "sk-ant-from-env-000000001");
        for (bad, field) in [("sk-${X}", "api_keys"), ("${1X}", "api_keys")] {
            let mut s = spec();
            s.api_key = Some(bad.into());
            let e = check(&s).unwrap_err().to_string();
            assert!(e.contains(&format!("field `{field}`")) && !e.contains("sk-${X}"), "{e}");
        }
        let mut s = spec();
        s.api_keys_env = vec!["NOT-A-NAME".into()];
        assert!(check(&s).unwrap_err().to_string().contains("not an environment variable name"));
        let mut s = spec();
        s.headers.insert("X-A".into(), "${OPEN".into());
        assert!(check(&s).unwrap_err().to_string().contains("closing `}`"));
    }

    #[test]
    fn keyless_channels_of_types_that_need_a_key_are_flagged() {
        let mut s = spec();
        s.api_key = None;
        let p = check(&s).unwrap().key_problem().unwrap();
        assert!(p.starts_with("no API key: this anthropic channel needs one"), "{p}");
        s.kind = "custom".into();
        s.protocol = Some("openai".into());
        s.base_url = Some("http://127.0.0.1:8000/v1".into());
        assert_eq!(check(&s).unwrap().key_problem(), None, "a local custom endpoint may need no key");
    }

    #[test]
    fn globs_match() {
        assert!(glob_match("*", "anything"));
        assert!(glob_match("claude-*haiku*", "claude-3-5-haiku-latest"));
        assert!(!glob_match("claude-*haiku*", "claude-sonnet-4"));
        assert!(glob_match("gpt-4?", "gpt-4o"));
        assert!(glob_match("claude-*", "Claude-Sonnet-4"), "one case rule with rules and log filters");
    }

    #[test]
    fn views_mask_secrets_and_sensitive_headers() {
        let mut s = spec();
        s.headers.insert("X-Api-Key".into(), "abcdefghijklmnop".into());
        s.headers.insert("X-Team".into(), "core".into());
        let c = check(&s).unwrap();
        let v = c.view(false);
        assert_eq!(v.api_keys, vec!["sk-ant-…abcd".to_string()]);
        assert_eq!(v.headers["X-Api-Key"], "…mnop");
        assert_eq!(v.headers["X-Team"], "core");
        let text = serde_json::to_string(&v).unwrap() + &serde_json::to_string(&c).unwrap();
        assert!(!text.contains("0123456789"), "{text}");
        assert_eq!(c.view(true).api_keys, vec!["sk-ant-api03-0123456789abcd".to_string()]);
    }
}
