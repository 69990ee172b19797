//! Export and import documents: channels and settings as versioned YAML or JSON.
//!
//! Secrets are left out of exports unless asked for (`--include-secrets`). Import merges
//! by name (a channel in the document without keys keeps the keys it has), or with
//! `replace` also removes what the document does not name. Every channel is validated
//! before anything is written; channels, rules and the strategy are then written one
//! after the other (each tree's changes as one batch), and the snapshot is reloaded once.
//!
//! A configuration file is imported the same way: its channels, rules and strategy become
//! a document (`Document::from(&Config)`, the one place that conversion is written), which
//! `Engine::apply_config` (at start) and [`parse_document`] (`routex import` of a config
//! file) use. Hence this module imports `config`, and `config` must never import it back.
//! The engine's `export`/`import`, the CLI and the daemon call it; it never writes to the
//! store itself (the engine writes the plan).

use rust_i18n::t;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::channel::{self, Channel, ChannelSpec};
use super::config::{self, Config};
use super::rules::{self, Rule, RuleSpec};
use super::tee::{self, Tee, TeeSpec};
use super::{Engine, Error, Result, Strategy};
use crate::util::ids::new_id;
use crate::util::time::now_rfc3339;

/// The current document version.
pub const DOCUMENT_VERSION: u32 = 1;

/// A portable document (`routex export`, `routex import`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// Document format version.
    pub version: u32,
    /// When it was written (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exported_at: Option<String>,
    /// Whether API keys are in the document.
    #[serde(default)]
    pub includes_secrets: bool,
    /// The balancer strategy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<Strategy>,
    /// Channels.
    #[serde(default)]
    pub channels: Vec<ChannelSpec>,
    /// Routing rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<RuleSpec>,
    /// Tee sinks (header values masked unless secrets are included).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tees: Vec<TeeSpec>,
}

impl From<&Config> for Document {
    /// The document a configuration file stands for: its channels, rules and strategy, with
    /// `includes_secrets` set since a config file carries its channels' keys.
    fn from(cfg: &Config) -> Document {
        Document {
            version: DOCUMENT_VERSION,
            exported_at: None,
            includes_secrets: true,
            strategy: cfg.load_balancer.strategy,
            channels: cfg.channels.clone(),
            rules: cfg.rules.clone(),
            tees: cfg.tees.clone(),
        }
    }
}

impl Engine {
    /// Upsert the config file's channels (by name) and its strategy. Returns what changed.
    /// Every channel that cannot authenticate (an unset environment variable, no key)
    /// is warned about in the log, by name.
    pub fn apply_config(&self, cfg: &Config) -> Result<ImportReport> {
        let report = self.import(&Document::from(cfg), false, false)?;
        for w in self.key_warnings() {
            log::warn!("{w}");
        }
        Ok(report)
    }
}

/// One channel an import changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Updated {
    /// Channel name.
    pub name: String,
    /// Fields that change.
    pub fields: Vec<String>,
}

/// What an import did (or, dry, would do).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ImportReport {
    /// Nothing was written.
    pub dry_run: bool,
    /// New channels.
    pub created: Vec<String>,
    /// Changed channels and their fields.
    pub updated: Vec<Updated>,
    /// Channels the document leaves as they are.
    pub unchanged: Vec<String>,
    /// Channels removed (`--replace`).
    pub removed: Vec<String>,
    /// New rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules_created: Vec<String>,
    /// Changed rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules_updated: Vec<String>,
    /// Rules removed (`--replace`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules_removed: Vec<String>,
    /// Rules the document has as they are already.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules_unchanged: Vec<String>,
    /// New tees.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tees_created: Vec<String>,
    /// Changed tees.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tees_updated: Vec<String>,
    /// Tees removed (`--replace`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tees_removed: Vec<String>,
    /// Tees the document has as they are already.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tees_unchanged: Vec<String>,
    /// The strategy, when the document changes it (`old → new`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<String>,
    /// Channels written by this import that cannot authenticate (no key where the type
    /// needs one, an unset environment variable), each a sentence naming the channel.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// What `Engine::export` returns: the snapshot's channels, rules and strategy.
pub(super) fn export(engine: &Engine, include_secrets: bool) -> Document {
    let snap = engine.snapshot();
    Document {
        version: DOCUMENT_VERSION,
        exported_at: Some(now_rfc3339()),
        includes_secrets: include_secrets,
        strategy: Some(snap.strategy),
        channels: snap.channels.iter().map(|c| c.to_spec(include_secrets)).collect(),
        rules: snap.rules.iter().map(|r| r.spec()).collect(),
        tees: snap.tees.iter().map(|t| t.to_spec(include_secrets)).collect(),
    }
}

/// What an import writes, worked out and validated before anything is written: the engine
/// writes it, or with `dry_run` only reports it.
pub(super) struct Plan {
    /// Channels to write (new or changed), each with whether it is new.
    pub puts: Vec<(bool, Channel)>,
    /// Ids of channels to remove (`replace`).
    pub removes: Vec<String>,
    /// Rules to write (new or changed).
    pub rule_puts: Vec<Rule>,
    /// Ids of rules to remove (`replace`).
    pub rule_removes: Vec<String>,
    /// Tees to write (new or changed).
    pub tee_puts: Vec<Tee>,
    /// Ids of tees to remove (`replace`).
    pub tee_removes: Vec<String>,
    /// The new strategy, when the document changes it.
    pub strategy: Option<Strategy>,
    report: ImportReport,
}

impl Plan {
    /// The report of this plan, marked as a dry run or not.
    pub fn report(&self, dry_run: bool) -> ImportReport {
        ImportReport { dry_run, ..self.report.clone() }
    }
}

fn changed_fields(old: &ChannelSpec, new: &ChannelSpec) -> Vec<String> {
    let a = serde_json::to_value(old).expect("spec serialises");
    let b = serde_json::to_value(new).expect("spec serialises");
    let (a, b) = (a.as_object().cloned().unwrap_or_default(), b.as_object().cloned().unwrap_or_default());
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| if k == "api_keys" { "api_keys".to_string() } else { k.clone() })
        .collect()
}

/// Check `doc` against the store and work out its [`Plan`]; writes nothing. Errors name the
/// channel or rule at fault by its index in the document.
pub(super) fn plan(engine: &Engine, doc: &Document, replace: bool) -> Result<Plan> {
    if doc.version != DOCUMENT_VERSION {
        return Err(Error::Config(
            t!("engine.import.version", version = doc.version, supported = DOCUMENT_VERSION).into_owned(),
        ));
    }
    let existing = engine.list_channels();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut report = ImportReport::default();
    let mut puts = Vec::new();
    let now = now_rfc3339();
    for (i, spec) in doc.channels.iter().enumerate() {
        let key = spec.name.trim().to_ascii_lowercase();
        if let Some(first) = seen.insert(key, i) {
            let name = format!("{:?}", spec.name);
            return Err(Error::Config(
                t!("engine.import.repeated", list = "channels", i = i, name = name, first = first).into_owned(),
            ));
        }
        let old = existing.iter().find(|c| c.name.eq_ignore_ascii_case(spec.name.trim()));
        let mut spec = spec.clone();
        if let Some(old) = old {
            // No key in any form: keep the pool it has (values and references).
            if spec.api_key.is_none()
                && spec.api_keys.is_empty()
                && spec.api_key_env.is_none()
                && spec.api_keys_env.is_empty()
            {
                let kept = old.to_spec(true);
                spec.api_keys = kept.api_keys;
                spec.api_keys_env = kept.api_keys_env;
            }
            // Exports without secrets mask sensitive header values; a masked value means "keep".
            for (k, v) in spec.headers.iter_mut() {
                if v.contains('…') {
                    if let Some(real) = old.headers.get(k) {
                        *v = real.clone();
                    }
                }
            }
        }
        let (id, created) = match old {
            Some(o) => (o.id.clone(), o.created_at.clone()),
            None => (new_id("ch"), now.clone()),
        };
        let mut c = channel::validate(&spec, id, created, now.clone()).map_err(|e| match e {
            Error::Invalid { subject, field, message } => {
                Error::Invalid { subject: format!("channels[{i}] ({subject})"), field, message }
            }
            other => other,
        })?;
        c.resolve_env(&*engine.env);
        if let Some(p) = c.key_problem() {
            report
                .warnings
                .push(t!("engine.channel.warning", name = format!("{:?}", c.name), problem = p).into_owned());
        }
        match old {
            None => {
                report.created.push(c.name.clone());
                puts.push((true, c));
            }
            Some(o) => {
                let fields = changed_fields(&o.to_spec(true), &c.to_spec(true));
                if fields.is_empty() {
                    report.unchanged.push(c.name.clone());
                } else {
                    if spec.status.is_none() && o.status == channel::Status::RateLimited {
                        c.status = o.status;
                    }
                    report.updated.push(Updated { name: c.name.clone(), fields });
                    puts.push((false, c));
                }
            }
        }
    }
    let mut removes = Vec::new();
    if replace {
        for c in &existing {
            if !doc.channels.iter().any(|s| s.name.trim().eq_ignore_ascii_case(&c.name)) {
                report.removed.push(c.name.clone());
                removes.push(c.id.clone());
            }
        }
    }
    // Rules: merged by name the same way; targets may name channels this document creates.
    let mut channel_names: Vec<String> =
        existing.iter().filter(|c| !removes.contains(&c.id)).flat_map(|c| [c.name.clone(), c.id.clone()]).collect();
    channel_names.extend(puts.iter().flat_map(|(_, c)| [c.name.clone(), c.id.clone()]));
    let existing_rules = engine.list_rules();
    let mut rule_puts = Vec::new();
    let mut rule_removes = Vec::new();
    let mut seen_rules: BTreeMap<String, usize> = BTreeMap::new();
    for (i, spec) in doc.rules.iter().enumerate() {
        if let Some(first) = seen_rules.insert(spec.name.trim().to_ascii_lowercase(), i) {
            let name = format!("{:?}", spec.name);
            return Err(Error::Config(
                t!("engine.import.repeated", list = "rules", i = i, name = name, first = first).into_owned(),
            ));
        }
        rules::validate(spec).map_err(|e| Error::Config(format!("rules[{i}]: {e}")))?;
        if let Some(t) = &spec.target_channel {
            if !channel_names.iter().any(|n| n == t || n.eq_ignore_ascii_case(t)) {
                let (rule, target) = (format!("{:?}", spec.name), format!("{t:?}"));
                return Err(Error::Config(
                    t!("engine.import.no_target", i = i, rule = rule, target = target).into_owned(),
                ));
            }
        }
        match existing_rules.iter().find(|r| r.name.eq_ignore_ascii_case(spec.name.trim())) {
            None => {
                report.rules_created.push(spec.name.clone());
                rule_puts.push(Rule::from_spec(spec.clone()));
            }
            Some(old) if old.spec() == *spec => report.rules_unchanged.push(spec.name.clone()),
            Some(old) => {
                let mut r = old.clone();
                r.update(spec.clone());
                report.rules_updated.push(spec.name.clone());
                rule_puts.push(r);
            }
        }
    }
    if replace {
        for r in &existing_rules {
            if !doc.rules.iter().any(|s| s.name.trim().eq_ignore_ascii_case(&r.name)) {
                report.rules_removed.push(r.name.clone());
                rule_removes.push(r.id.clone());
            }
        }
    }
    let (tee_puts, tee_removes) = plan_tees(engine, doc, replace, &mut report)?;
    let current = engine.strategy();
    let strategy = doc.strategy.filter(|s| *s != current);
    if let Some(s) = strategy {
        report.strategy = Some(format!("{current} → {s}"));
    }
    Ok(Plan { puts, removes, rule_puts, rule_removes, tee_puts, tee_removes, strategy, report })
}

/// Tees merged by name like channels: a masked header value keeps the stored one.
fn plan_tees(
    engine: &Engine,
    doc: &Document,
    replace: bool,
    report: &mut ImportReport,
) -> Result<(Vec<Tee>, Vec<String>)> {
    let existing = engine.list_tees();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut puts = Vec::new();
    let now = now_rfc3339();
    for (i, spec) in doc.tees.iter().enumerate() {
        if let Some(first) = seen.insert(spec.name.trim().to_ascii_lowercase(), i) {
            let name = format!("{:?}", spec.name);
            return Err(Error::Config(
                t!("engine.import.repeated", list = "tees", i = i, name = name, first = first).into_owned(),
            ));
        }
        let old = existing.iter().find(|t| t.name.eq_ignore_ascii_case(spec.name.trim()));
        let mut spec = spec.clone();
        if let Some(old) = old {
            tee::keep_masked_headers(&mut spec, old);
        }
        let (id, created) = match old {
            Some(o) => (o.id.clone(), o.created_at.clone()),
            None => (new_id("tee"), now.clone()),
        };
        let t = tee::validate(&spec, id, created, now.clone()).map_err(|e| Error::Config(format!("tees[{i}]: {e}")))?;
        match old {
            None => {
                report.tees_created.push(t.name.clone());
                puts.push(t);
            }
            Some(o) if o.to_spec(true) == t.to_spec(true) => report.tees_unchanged.push(t.name.clone()),
            Some(_) => {
                report.tees_updated.push(t.name.clone());
                puts.push(t);
            }
        }
    }
    let mut removes = Vec::new();
    if replace {
        for t in &existing {
            if !doc.tees.iter().any(|s| s.name.trim().eq_ignore_ascii_case(&t.name)) {
                report.tees_removed.push(t.name.clone());
                removes.push(t.id.clone());
            }
        }
    }
    Ok((puts, removes))
}

/// Parse a document from YAML or JSON text (JSON is YAML). A file that looks like a
/// config file (no `version`) is read as one and its channels and strategy are taken.
pub fn parse_document(text: &str, origin: &str) -> Result<Document> {
    let value: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| config::yaml_error(origin, &e))?;
    let is_document = value.as_mapping().map(|m| m.contains_key("version")).unwrap_or(false);
    if is_document {
        serde_yaml::from_str(text).map_err(|e| config::yaml_error(origin, &e))
    } else {
        Ok(Document::from(&Config::parse(text, origin)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn engine_with(names: &[&str]) -> Engine {
        let e = Engine::with_store(Store::temporary().unwrap()).unwrap();
        for n in names {
            e.add_channel(&ChannelSpec {
                name: n.to_string(),
                kind: "anthropic".into(),
                api_key: Some(format!("sk-ant-{n}-secret-000000")),
                models: vec!["claude-*".into()],
                weight: 1,
                ..Default::default()
            })
            .unwrap();
        }
        e
    }

    #[test]
    fn export_hides_keys_and_reimport_keeps_them() {
        let e = engine_with(&["a", "b"]);
        let doc = e.export(false);
        let text = serde_yaml::to_string(&doc).unwrap();
        assert!(!text.contains("-secret-"), "{text}");
        let report = e.import(&parse_document(&text, "x.yaml").unwrap(), false, false).unwrap();
        assert_eq!(report.unchanged, vec!["a".to_string(), "b".to_string()]);
        assert_eq!(e.find_channel("a").unwrap().api_keys[0].expose(), "sk-ant-a-secret-000000");
    }

    #[test]
    fn dry_run_writes_nothing_and_replace_removes() {
        let e = engine_with(&["a", "b"]);
        let mut doc = e.export(true);
        doc.channels.retain(|c| c.name == "a");
        doc.channels[0].priority = 7;
        doc.channels.push(ChannelSpec { name: "c".into(), ..doc.channels[0].clone() });
        let dry = e.import(&doc, true, true).unwrap();
        assert!(dry.dry_run);
        assert_eq!(dry.created, vec!["c".to_string()]);
        assert_eq!(dry.removed, vec!["b".to_string()]);
        assert_eq!(dry.updated[0].fields, vec!["priority".to_string()]);
        assert_eq!(e.list_channels().len(), 2);
        assert_eq!(e.find_channel("a").unwrap().priority, 0);
        let real = e.import(&doc, true, false).unwrap();
        assert_eq!(real.created, dry.created);
        let names: Vec<String> = e.list_channels().into_iter().map(|c| c.name).collect();
        assert_eq!(names, vec!["a".to_string(), "c".to_string()]);
    }

    #[test]
    fn a_config_file_imports_as_the_document_apply_config_uses() {
        let text = "load_balancer:\n  strategy: round_robin\nchannels:\n  - name: a\n    type: anthropic\n    api_key: sk-ant-a-secret-000000\n    models: ['claude-*']\n";
        let doc = parse_document(text, "c.yaml").unwrap();
        assert_eq!(doc, Document::from(&config::Config::parse(text, "c.yaml").unwrap()));
        assert_eq!((doc.version, doc.includes_secrets, doc.exported_at.as_deref()), (DOCUMENT_VERSION, true, None));
        assert_eq!(doc.strategy, Some(Strategy::RoundRobin));
        assert_eq!(doc.channels[0].name, "a");
    }

    #[test]
    fn one_bad_channel_changes_nothing() {
        let e = engine_with(&["a"]);
        let mut doc = e.export(true);
        doc.channels[0].priority = 9;
        doc.channels.push(ChannelSpec { name: "bad".into(), weight: -3, ..doc.channels[0].clone() });
        let err = e.import(&doc, false, false).unwrap_err().to_string();
        assert!(err.contains("channels[1]") && err.contains("weight"), "{err}");
        assert_eq!(e.find_channel("a").unwrap().priority, 0);
        assert!(e.find_channel("bad").is_err());
    }
}
