//! The compiled rule set and its evaluation. `RuleSet::compile` validates
//! every rule, compiles regexes and globs once and sorts by priority
//! (descending, ties by name). `RuleSet::evaluate` walks the rules in that
//! order and returns the first match whose target channel is available,
//! with a human-readable reason; with `explain` it also records every rule
//! it looked at, for dry runs. Request facts (token counts, last user
//! message) are computed lazily, at most once per evaluation.

use std::cell::{Cell, OnceCell};
use std::collections::HashSet;
use std::fmt::Write as _;
use std::sync::Arc;

use regex::Regex;
use serde::Serialize;
use serde_json::Value;

use super::error::RuleError;
use super::keywords::{self, Keywords, LoweredText};
use super::model::{Rule, RuleType};
use super::request::{self, RequestView};
use super::subagent::{find_subagent_tag, split_target};
use super::tokens::{count_tokens, estimate_tokens};
use super::validate::{compile_glob, compile_keywords, compile_regex, validate, BACKGROUND_MODEL_GLOB};
use crate::engine::glob::Glob;

/// The chosen rule and where it sends the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleMatch {
    /// Id of the matching rule.
    pub rule_id: String,
    /// Name of the matching rule.
    pub rule_name: String,
    /// Channel name or id to use (from a subagent tag, else the rule).
    pub target_channel: Option<String>,
    /// Model to use (from a subagent tag, else the rule).
    pub target_model: Option<String>,
    /// Why the rule matched, e.g. `tokens 71,204 ≥ 60,000` (empty from
    /// [`RuleSet::route`]).
    pub reason: String,
}

/// One rule as seen during evaluation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Considered {
    /// The rule's name.
    pub rule_name: String,
    /// Whether its condition held.
    pub matched: bool,
    /// What was tested, e.g. `tokens ~1,203 < 60,000 (estimated)`.
    pub reason: String,
    /// Why a rule was passed over although its condition held (target
    /// channel unavailable), or `rule is disabled`.
    pub skipped: Option<String>,
}

/// The outcome of [`RuleSet::evaluate`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Decision {
    /// The winning rule, if any.
    pub rule: Option<RuleMatch>,
    /// With `explain`: every rule looked at, in order. Without: only rules
    /// whose condition held but whose target channel was unavailable.
    pub considered: Vec<Considered>,
    /// The evaluation searched the request for a `<routex-model>` tag and found
    /// none, so [`super::strip_subagent_tag`] would change nothing.
    #[serde(skip)]
    pub no_subagent_tag: bool,
}

#[derive(Debug)]
enum Check {
    Tokens(u64),
    Model(Glob, String),
    Thinking(bool),
    WebSearch,
    Images(bool),
    Tools(bool),
    ToolNames(Vec<String>),
    Subagent,
    Keywords(Keywords),
    Regex(Regex),
    Header { name: String, glob: Glob, pattern: String },
}

#[derive(Debug)]
struct CompiledRule {
    id: String,
    name: String,
    enabled: bool,
    priority: i64,
    target_channel: Option<String>,
    target_model: Option<String>,
    checks: Vec<Check>,
}

/// A validated, compiled, priority-ordered set of rules. Cheap to clone
/// (shared), `Send + Sync`.
#[derive(Debug, Clone)]
pub struct RuleSet {
    rules: Arc<[CompiledRule]>,
    /// Some rule is enabled (else evaluation without `explain` has nothing to do).
    any_enabled: bool,
}

impl Default for RuleSet {
    fn default() -> Self {
        RuleSet { rules: Arc::from(Vec::new()), any_enabled: false }
    }
}

fn compile_rule(rule: &Rule) -> Result<CompiledRule, RuleError> {
    validate(&rule.spec())?;
    let name = rule.name.as_str();
    let c = &rule.condition;
    let model_check = |glob: &str| -> Result<Check, RuleError> {
        Ok(Check::Model(compile_glob(name, "condition.model", glob)?, glob.to_string()))
    };
    let mut checks = Vec::new();
    match rule.rule_type {
        RuleType::LongContext => checks.extend(c.token_threshold.map(Check::Tokens)),
        RuleType::Background => checks.push(model_check(c.model.as_deref().unwrap_or(BACKGROUND_MODEL_GLOB))?),
        RuleType::Think => checks.push(Check::Thinking(true)),
        RuleType::WebSearch => checks.push(Check::WebSearch),
        RuleType::Image => checks.push(Check::Images(true)),
        RuleType::Subagent => checks.push(Check::Subagent),
        RuleType::Model | RuleType::Keywords | RuleType::Regex | RuleType::Header | RuleType::Custom => {
            if let Some(t) = c.token_threshold {
                checks.push(Check::Tokens(t));
            }
            if let Some(m) = &c.model {
                checks.push(model_check(m)?);
            }
            if let Some(h) = &c.header {
                checks.push(Check::Header {
                    name: h.name.clone(),
                    glob: compile_glob(name, "condition.header.value", &h.value)?,
                    pattern: h.value.clone(),
                });
            }
            if let Some(b) = c.thinking {
                checks.push(Check::Thinking(b));
            }
            if let Some(b) = c.has_images {
                checks.push(Check::Images(b));
            }
            if let Some(b) = c.has_tools {
                checks.push(Check::Tools(b));
            }
            if let Some(names) = &c.tool_names {
                checks.push(Check::ToolNames(names.clone()));
            }
            if let Some(kws) = &c.keywords {
                checks.push(Check::Keywords(Keywords::new(compile_keywords(name, kws)?, kws)));
            }
            if let Some(re) = &c.regex {
                checks.push(Check::Regex(compile_regex(name, re)?));
            }
            // Cheap checks first; token counting is the most expensive.
            checks.sort_by_key(|ch| matches!(ch, Check::Tokens(_)));
        }
    }
    Ok(CompiledRule {
        id: rule.id.clone(),
        name: rule.name.clone(),
        enabled: rule.enabled,
        priority: rule.priority,
        target_channel: rule.target_channel.clone(),
        target_model: rule.target_model.clone(),
        checks,
    })
}

impl RuleSet {
    /// Validates and compiles `rules`. Fails on the first invalid rule, or
    /// when two rules share a name or an id.
    pub fn compile(rules: &[Rule]) -> Result<RuleSet, RuleError> {
        let mut names = HashSet::new();
        let mut ids = HashSet::new();
        let mut compiled = Vec::with_capacity(rules.len());
        for rule in rules {
            if !names.insert(rule.name.as_str()) {
                return Err(RuleError::Duplicate { rule: rule.name.clone(), what: "name", value: rule.name.clone() });
            }
            if !ids.insert(rule.id.as_str()) {
                return Err(RuleError::Duplicate { rule: rule.name.clone(), what: "id", value: rule.id.clone() });
            }
            compiled.push(compile_rule(rule)?);
        }
        compiled.sort_by(|a, b| b.priority.cmp(&a.priority).then_with(|| a.name.cmp(&b.name)));
        log::debug!("compiled {} routing rules", compiled.len());
        let any_enabled = compiled.iter().any(|r| r.enabled);
        Ok(RuleSet { rules: Arc::from(compiled), any_enabled })
    }

    /// Number of rules, enabled or not.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// True when the set has no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Rule names in evaluation order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(|r| r.name.as_str())
    }

    /// Evaluates the rules in order. The first enabled rule whose condition
    /// holds and whose target channel (if any) satisfies
    /// `channel_available(name_or_id)` wins; a rule whose channel is
    /// unavailable is recorded in `considered` with `skipped` and evaluation
    /// falls through. With `explain`, every rule looked at is recorded;
    /// without, nothing is allocated but the result.
    ///
    /// A subagent match takes its target from the tag; the caller should
    /// call [`super::strip_subagent_tag`] before forwarding any request.
    pub fn evaluate(&self, req: &RequestView, channel_available: &dyn Fn(&str) -> bool, explain: bool) -> Decision {
        self.evaluate_with(req, channel_available, explain, true)
    }

    /// [`RuleSet::evaluate`] without `explain` and without the winning rule's
    /// `reason` (left empty): what the request path needs when it logs no
    /// reason. Formatting a reason costs as much as evaluating a few rules.
    pub fn route(&self, req: &RequestView, channel_available: &dyn Fn(&str) -> bool) -> Decision {
        self.evaluate_with(req, channel_available, false, false)
    }

    fn evaluate_with(
        &self,
        req: &RequestView,
        channel_available: &dyn Fn(&str) -> bool,
        explain: bool,
        reasons: bool,
    ) -> Decision {
        if !explain && !self.any_enabled {
            return Decision::default();
        }
        let mut ctx = Ctx::new(req);
        ctx.explain = explain;
        let mut considered = Vec::new();
        for rule in self.rules.iter() {
            if !rule.enabled {
                if explain {
                    considered.push(Considered {
                        rule_name: rule.name.clone(),
                        matched: false,
                        reason: String::new(),
                        skipped: Some("rule is disabled".to_string()),
                    });
                }
                continue;
            }
            let mut reason = explain.then(String::new);
            let outcome = rule.eval(&ctx, reason.as_mut());
            if !outcome.matched {
                if let Some(reason) = reason {
                    considered.push(Considered { rule_name: rule.name.clone(), matched: false, reason, skipped: None });
                }
                continue;
            }
            let (tag_channel, tag_model) = outcome.target.unwrap_or((None, None));
            let channel = tag_channel.or(rule.target_channel.as_deref());
            let model = tag_model.or(rule.target_model.as_deref());
            let explained = |reason: Option<String>| {
                reason.unwrap_or_else(|| {
                    let mut s = String::new();
                    rule.eval(&ctx, Some(&mut s));
                    s
                })
            };
            if let Some(ch) = channel {
                if !channel_available(ch) {
                    considered.push(Considered {
                        rule_name: rule.name.clone(),
                        matched: true,
                        reason: explained(reason),
                        skipped: Some(format!("target channel \"{ch}\" is unavailable")),
                    });
                    continue;
                }
            }
            let reason = if reasons { explained(reason) } else { String::new() };
            if explain {
                considered.push(Considered {
                    rule_name: rule.name.clone(),
                    matched: true,
                    reason: reason.clone(),
                    skipped: None,
                });
            }
            return Decision {
                no_subagent_tag: ctx.tag.get() == Some(&None),
                rule: Some(RuleMatch {
                    rule_id: rule.id.clone(),
                    rule_name: rule.name.clone(),
                    target_channel: channel.map(str::to_string),
                    target_model: model.map(str::to_string),
                    reason,
                }),
                considered,
            };
        }
        Decision { rule: None, considered, no_subagent_tag: ctx.tag.get() == Some(&None) }
    }
}

/// Request facts shared by all rules of one evaluation, computed lazily.
struct Ctx<'r, 'a> {
    req: &'r RequestView<'a>,
    /// A dry run (`explain`): reasons show the exact token count, the one `rule test`'s
    /// header shows, rather than the estimate the request path decides on.
    explain: bool,
    estimate: Cell<Option<u64>>,
    exact: Cell<Option<u64>>,
    last_user: OnceCell<Option<&'a Value>>,
    model: OnceCell<Option<&'a str>>,
    thinking: OnceCell<Option<&'a str>>,
    web_search: OnceCell<Option<&'a str>>,
    image: OnceCell<Option<usize>>,
    tag: OnceCell<Option<&'a str>>,
    lowered: OnceCell<Option<LoweredText>>,
    ascii: OnceCell<bool>,
}

impl Drop for Ctx<'_, '_> {
    fn drop(&mut self) {
        if let Some(Some(text)) = self.lowered.take() {
            text.recycle();
        }
    }
}

impl<'r, 'a> Ctx<'r, 'a> {
    fn new(req: &'r RequestView<'a>) -> Self {
        Ctx {
            req,
            explain: false,
            estimate: Cell::new(None),
            exact: Cell::new(None),
            last_user: OnceCell::new(),
            model: OnceCell::new(),
            thinking: OnceCell::new(),
            web_search: OnceCell::new(),
            image: OnceCell::new(),
            tag: OnceCell::new(),
            lowered: OnceCell::new(),
            ascii: OnceCell::new(),
        }
    }

    /// The last user message's text, ASCII-lowercased once for every keyword rule.
    fn lowered(&self, msg: &Value) -> Option<&LoweredText> {
        self.lowered.get_or_init(|| LoweredText::of(msg)).as_ref()
    }

    /// Whether the last user message's text is all ASCII.
    fn ascii(&self, msg: &Value) -> bool {
        *self.ascii.get_or_init(|| keywords::ascii_text(msg))
    }

    fn estimate(&self) -> u64 {
        if let Some(n) = self.estimate.get() {
            return n;
        }
        let n = estimate_tokens(self.req.protocol, self.req.body);
        self.estimate.set(Some(n));
        n
    }

    fn exact(&self) -> u64 {
        if let Some(n) = self.exact.get() {
            return n;
        }
        let n = count_tokens(self.req.protocol, self.req.body);
        self.exact.set(Some(n));
        n
    }

    fn model(&self) -> Option<&'a str> {
        *self.model.get_or_init(|| self.req.model())
    }

    fn thinking(&self) -> Option<&'a str> {
        *self.thinking.get_or_init(|| request::thinking(self.req.protocol, self.req.body))
    }

    fn web_search(&self) -> Option<&'a str> {
        *self.web_search.get_or_init(|| request::web_search_tool(self.req.body))
    }

    fn image(&self) -> Option<usize> {
        *self.image.get_or_init(|| request::first_image_message(self.req.body))
    }

    fn tag(&self) -> Option<&'a str> {
        *self.tag.get_or_init(|| find_subagent_tag(self.req.protocol, self.req.body))
    }

    fn last_user(&self) -> Option<&'a Value> {
        *self.last_user.get_or_init(|| request::last_user_message(self.req.body))
    }
}

/// Subagent target taken from a tag: `(channel, model)`.
type TagTarget<'a> = (Option<&'a str>, Option<&'a str>);

struct Outcome<'a> {
    matched: bool,
    target: Option<TagTarget<'a>>,
}

/// `1234567` → `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// At most `max` chars of `s`, with `…` when cut.
fn snippet(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

impl CompiledRule {
    fn eval<'a>(&self, ctx: &Ctx<'_, 'a>, mut out: Option<&mut String>) -> Outcome<'a> {
        let mut target = None;
        for (i, check) in self.checks.iter().enumerate() {
            if i > 0 {
                if let Some(o) = out.as_deref_mut() {
                    o.push_str("; ");
                }
            }
            let (ok, t) = eval_check(check, ctx, out.as_deref_mut());
            if t.is_some() {
                target = t;
            }
            if !ok {
                return Outcome { matched: false, target: None };
            }
        }
        Outcome { matched: true, target }
    }
}

fn eval_check<'a>(check: &Check, ctx: &Ctx<'_, 'a>, out: Option<&mut String>) -> (bool, Option<TagTarget<'a>>) {
    let req = ctx.req;
    let body: &'a Value = req.body;
    match check {
        Check::Tokens(threshold) => {
            let t = *threshold;
            let est = ctx.estimate();
            let (n, estimated) =
                if est.saturating_mul(2) < t || est > t.saturating_mul(2) { (est, true) } else { (ctx.exact(), false) };
            let ok = n >= t;
            if let Some(o) = out {
                let sign = if ok { "≥" } else { "<" };
                // A dry run counts exactly (one figure with its header); it names the
                // estimate only where the estimate, which the request path decides on,
                // says otherwise than the exact count would.
                let _ = match (estimated, ctx.explain.then(|| ctx.exact())) {
                    (true, Some(x)) if (x >= t) == ok => write!(o, "tokens {} {sign} {}", thousands(x), thousands(t)),
                    (true, Some(x)) => write!(
                        o,
                        "tokens ~{} {sign} {} (estimated, as the proxy decides; the exact count is {})",
                        thousands(n),
                        thousands(t),
                        thousands(x)
                    ),
                    (true, None) => write!(o, "tokens ~{} {sign} {} (estimated)", thousands(n), thousands(t)),
                    (false, _) => write!(o, "tokens {} {sign} {}", thousands(n), thousands(t)),
                };
            }
            (ok, None)
        }
        Check::Model(glob, pattern) => {
            let model = ctx.model();
            let ok = model.is_some_and(|m| glob.is_match(m));
            if let Some(o) = out {
                let _ = match model {
                    Some(m) if ok => write!(o, "model \"{m}\" matches \"{pattern}\""),
                    Some(m) => write!(o, "model \"{m}\" does not match \"{pattern}\""),
                    None => write!(o, "request names no model (wanted \"{pattern}\")"),
                };
            }
            (ok, None)
        }
        Check::Thinking(want) => {
            let how = ctx.thinking();
            if let Some(o) = out {
                let _ = match how {
                    // Anthropic's `thinking.type` is "enabled" or "adaptive"; OpenAI's
                    // effort ("high") and Gemini's field name say how.
                    Some("enabled") => write!(o, "thinking enabled"),
                    Some("adaptive") => write!(o, "thinking adaptive"),
                    Some(h) => write!(o, "thinking enabled ({h})"),
                    None => write!(o, "thinking not enabled"),
                };
            }
            (how.is_some() == *want, None)
        }
        Check::WebSearch => {
            let tool = ctx.web_search();
            if let Some(o) = out {
                let _ = match tool {
                    Some(t) => write!(o, "web search tool \"{t}\""),
                    None => write!(o, "no web_search tool"),
                };
            }
            (tool.is_some(), None)
        }
        Check::Images(want) => {
            let at = ctx.image();
            if let Some(o) = out {
                let _ = match at {
                    Some(i) => write!(o, "image in message {}", i + 1),
                    None => write!(o, "no image in messages"),
                };
            }
            (at.is_some() == *want, None)
        }
        Check::Tools(want) => {
            let n = request::tools(body).len();
            if let Some(o) = out {
                let _ = write!(o, "request declares {n} tool{}", if n == 1 { "" } else { "s" });
            }
            ((n > 0) == *want, None)
        }
        Check::ToolNames(names) => {
            let found =
                request::tools(body).iter().filter_map(request::tool_name).find(|t| names.iter().any(|n| n == t));
            if let Some(o) = out {
                let _ = match found {
                    Some(t) => write!(o, "tool \"{t}\" declared"),
                    None => write!(o, "none of the tools {names:?} declared"),
                };
            }
            (found.is_some(), None)
        }
        Check::Subagent => {
            let tag = ctx.tag();
            let target = tag.map(split_target);
            let ok = matches!(target, Some((c, m)) if c.is_some() || m.is_some());
            if let Some(o) = out {
                let _ = match target {
                    Some((c, m)) if ok => write!(
                        o,
                        "<routex-model> tag selects channel {}, model {}",
                        c.map_or("(rule's)".to_string(), |c| format!("\"{c}\"")),
                        m.map_or("(rule's)".to_string(), |m| format!("\"{m}\""))
                    ),
                    Some(_) => write!(o, "empty <routex-model> tag"),
                    None => write!(o, "no <routex-model> tag"),
                };
            }
            (ok, if ok { target } else { None })
        }
        Check::Keywords(Keywords { regex: re, .. }) | Check::Regex(re) => {
            let Some(msg) = ctx.last_user() else {
                if let Some(o) = out {
                    o.push_str("no user message");
                }
                return (false, None);
            };
            let Some(o) = out else {
                let hit = match check {
                    Check::Keywords(kw) => kw.is_match(msg, &|| ctx.lowered(msg), &|| ctx.ascii(msg)),
                    _ => request::any_message_text(msg, &mut |t| re.is_match(t)),
                };
                return (hit, None);
            };
            let mut found: Option<&str> = None;
            request::any_message_text(msg, &mut |t| match re.find(t) {
                Some(m) => {
                    found = Some(m.as_str());
                    true
                }
                None => false,
            });
            {
                let _ = match (check, found) {
                    (Check::Keywords(_), Some(k)) => {
                        write!(o, "keyword \"{}\" in last user message", snippet(k, 40))
                    }
                    (Check::Keywords(_), None) => write!(o, "no keyword in last user message"),
                    (_, Some(m)) => write!(o, "/{}/ matched \"{}\" in last user message", re.as_str(), snippet(m, 40)),
                    (_, None) => write!(o, "/{}/ did not match the last user message", re.as_str()),
                };
            }
            (found.is_some(), None)
        }
        Check::Header { name, glob, pattern } => {
            let hit = req.headers.find_header(name, &mut |v| glob.is_match(v));
            if let Some(o) = out {
                let _ = match hit {
                    Some(v) => write!(o, "header {name} \"{}\" matches \"{pattern}\"", snippet(v, 60)),
                    None => match req.headers.find_header(name, &mut |_| true) {
                        Some(v) => write!(o, "header {name} \"{}\" does not match \"{pattern}\"", snippet(v, 60)),
                        None => write!(o, "no header {name}"),
                    },
                };
            }
            (hit.is_some(), None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::model::{Condition, HeaderCondition, RuleSpec};
    use super::super::request::NoHeaders;
    use super::super::tokens::{count_tokens, estimate_tokens};
    use super::*;
    use crate::protocol::Protocol;
    use serde_json::json;

    fn rule(name: &str, t: RuleType, c: Condition, channel: &str) -> Rule {
        Rule::from_spec(RuleSpec {
            name: name.into(),
            enabled: true,
            priority: 0,
            rule_type: t,
            condition: c,
            target_channel: Some(channel.into()),
            target_model: None,
        })
    }

    fn cond() -> Condition {
        Condition::default()
    }

    fn all_up(_: &str) -> bool {
        true
    }

    /// A Claude Code-like Anthropic request.
    fn anthropic(model: &str, last_user: &str) -> Value {
        json!({
            "model": model,
            "max_tokens": 32000,
            "stream": true,
            "metadata": {"user_id": "user_0123_account__session_abc"},
            "system": [
                {"type": "text", "text": "You are Claude Code, Anthropic's official CLI for Claude.",
                 "cache_control": {"type": "ephemeral"}},
                {"type": "text", "text": "You are an interactive CLI tool that helps users with software engineering tasks."}
            ],
            "messages": [
                {"role": "user", "content": [
                    {"type": "text", "text": "<system-reminder>As you answer, use the context.</system-reminder>"},
                    {"type": "text", "text": "Look at src/main.rs"}
                ]},
                {"role": "assistant", "content": [
                    {"type": "tool_use", "id": "toolu_01", "name": "Read", "input": {"file_path": "src/main.rs"}}
                ]},
                {"role": "user", "content": [
                    {"type": "tool_result", "tool_use_id": "toolu_01", "content": "fn main() { println!(\"hi\"); }"},
                    {"type": "text", "text": last_user}
                ]}
            ],
            "tools": [
                {"name": "Read", "description": "Reads a file", "input_schema": {"type": "object",
                  "properties": {"file_path": {"type": "string"}}, "required": ["file_path"]}},
                {"name": "Bash", "description": "Runs a command", "input_schema": {"type": "object",
                  "properties": {"command": {"type": "string"}}}}
            ]
        })
    }

    /// An OpenAI Chat Completions request.
    fn openai(model: &str, last_user: &str) -> Value {
        json!({
            "model": model,
            "stream": false,
            "messages": [
                {"role": "system", "content": "You are a helpful assistant."},
                {"role": "user", "content": "Hello"},
                {"role": "assistant", "content": "Hi! How can I help?"},
                {"role": "user", "content": [{"type": "text", "text": last_user}]}
            ],
            "tools": [{"type": "function", "function": {"name": "get_weather",
                "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]
        })
    }

    fn eval_on(set: &RuleSet, p: Protocol, body: &Value) -> Decision {
        let view = RequestView::new(p, body, &NoHeaders);
        set.evaluate(&view, &all_up, true)
    }

    fn matches_one(r: Rule, p: Protocol, body: &Value) -> bool {
        let set = RuleSet::compile(&[r]).unwrap();
        let d = eval_on(&set, p, body);
        assert_eq!(d.considered.len(), 1);
        assert_eq!(d.considered[0].matched, d.rule.is_some());
        d.rule.is_some()
    }

    #[test]
    fn background_matches_haiku_only() {
        let r = || rule("bg", RuleType::Background, cond(), "cheap");
        assert!(matches_one(r(), Protocol::Anthropic, &anthropic("claude-3-5-haiku-20241022", "x")));
        assert!(matches_one(r(), Protocol::Anthropic, &anthropic("Claude-Haiku-4-5", "x")));
        assert!(!matches_one(r(), Protocol::Anthropic, &anthropic("claude-sonnet-4-20250514", "x")));
        assert!(!matches_one(r(), Protocol::Openai, &openai("gpt-4o-mini", "x")));
        let custom_glob =
            rule("bg", RuleType::Background, Condition { model: Some("gpt-*-mini".into()), ..cond() }, "cheap");
        assert!(matches_one(custom_glob, Protocol::Openai, &openai("gpt-4o-mini", "x")));
    }

    #[test]
    fn think_matches_enabled_thinking_and_reasoning_effort() {
        let r = || rule("think", RuleType::Think, cond(), "smart");
        let mut a = anthropic("claude-sonnet-4", "x");
        assert!(!matches_one(r(), Protocol::Anthropic, &a));
        a["thinking"] = json!({"type": "enabled", "budget_tokens": 10000});
        assert!(matches_one(r(), Protocol::Anthropic, &a));
        a["thinking"] = json!({"type": "disabled"});
        assert!(!matches_one(r(), Protocol::Anthropic, &a));
        let mut o = openai("o3", "x");
        assert!(!matches_one(r(), Protocol::Openai, &o));
        o["reasoning_effort"] = json!("high");
        assert!(matches_one(r(), Protocol::Openai, &o));
    }

    #[test]
    fn web_search_matches_tool_type_prefix() {
        let r = || rule("web", RuleType::WebSearch, cond(), "search");
        let mut a = anthropic("claude-sonnet-4", "x");
        assert!(!matches_one(r(), Protocol::Anthropic, &a));
        a["tools"]
            .as_array_mut()
            .unwrap()
            .push(json!({"type": "web_search_20250305", "name": "web_search", "max_uses": 5}));
        assert!(matches_one(r(), Protocol::Anthropic, &a));
        let mut o = openai("gpt-4o", "x");
        assert!(!matches_one(r(), Protocol::Openai, &o));
        o["tools"].as_array_mut().unwrap().push(json!({"type": "web_search_preview"}));
        assert!(matches_one(r(), Protocol::Openai, &o));
    }

    #[test]
    fn image_matches_parts_and_tool_results() {
        let r = || rule("img", RuleType::Image, cond(), "vision");
        let mut a = anthropic("claude-sonnet-4", "x");
        assert!(!matches_one(r(), Protocol::Anthropic, &a));
        a["messages"][2]["content"][0]["content"] = json!([{"type": "image",
            "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}}]);
        assert!(matches_one(r(), Protocol::Anthropic, &a));
        let mut o = openai("gpt-4o", "x");
        assert!(!matches_one(r(), Protocol::Openai, &o));
        o["messages"][3]["content"]
            .as_array_mut()
            .unwrap()
            .push(json!({"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}));
        assert!(matches_one(r(), Protocol::Openai, &o));
    }

    #[test]
    fn model_glob() {
        let r = || rule("m", RuleType::Model, Condition { model: Some("gpt-4o*".into()), ..cond() }, "oa");
        assert!(matches_one(r(), Protocol::Openai, &openai("gpt-4o-2024-08-06", "x")));
        assert!(!matches_one(r(), Protocol::Openai, &openai("gpt-4.1", "x")));
        assert!(!matches_one(r(), Protocol::Anthropic, &json!({"messages": []})));
    }

    #[test]
    fn keywords_search_last_user_message_case_insensitively() {
        let r = || {
            rule(
                "kw",
                RuleType::Keywords,
                Condition { keywords: Some(vec!["ultrathink".into(), "plan mode".into()]), ..cond() },
                "smart",
            )
        };
        assert!(matches_one(r(), Protocol::Anthropic, &anthropic("c", "Please ULTRATHINK this")));
        assert!(matches_one(r(), Protocol::Openai, &openai("g", "enter Plan Mode now")));
        assert!(!matches_one(r(), Protocol::Anthropic, &anthropic("c", "just fix it")));
        // Only the last user message counts, not earlier ones or the system.
        let mut o = openai("g", "nothing here");
        o["messages"][1]["content"] = json!("ultrathink");
        assert!(!matches_one(r(), Protocol::Openai, &o));
    }

    #[test]
    fn keywords_fold_case_beyond_ascii() {
        let r = |kws: &[&str]| {
            rule(
                "kw",
                RuleType::Keywords,
                Condition { keywords: Some(kws.iter().map(|k| k.to_string()).collect()), ..cond() },
                "smart",
            )
        };
        assert!(matches_one(r(&["Überprüfe"]), Protocol::Anthropic, &anthropic("c", "Bitte ÜBERPRÜFE das")));
        assert!(matches_one(r(&["σοφία"]), Protocol::Anthropic, &anthropic("c", "ΣΟΦΊΑ")));
        // Unicode simple case folding: the Kelvin sign is a K, the long s an s.
        assert!(matches_one(r(&["ultrathink"]), Protocol::Anthropic, &anthropic("c", "ULTRATHIN\u{212A}")));
        assert!(matches_one(r(&["sort"]), Protocol::Anthropic, &anthropic("c", "\u{17F}ORT")));
        assert!(!matches_one(r(&["strasse"]), Protocol::Anthropic, &anthropic("c", "straße")));
    }

    #[test]
    fn regex_searches_last_user_message() {
        let r = || {
            rule("re", RuleType::Regex, Condition { regex: Some(r"(?i)\brefactor(ing)?\b".into()), ..cond() }, "smart")
        };
        assert!(matches_one(r(), Protocol::Anthropic, &anthropic("c", "Refactoring the parser")));
        assert!(!matches_one(r(), Protocol::Anthropic, &anthropic("c", "prefactored")));
        assert!(matches_one(r(), Protocol::Openai, &openai("g", "please refactor")));
        let set = RuleSet::compile(&[r()]).unwrap();
        let d = eval_on(&set, Protocol::Openai, &openai("g", "please refactor"));
        assert_eq!(d.rule.unwrap().reason, r#"/(?i)\brefactor(ing)?\b/ matched "refactor" in last user message"#);
    }

    #[test]
    fn header_name_case_insensitive_value_glob() {
        let set = RuleSet::compile(&[rule(
            "h",
            RuleType::Header,
            Condition {
                header: Some(HeaderCondition { name: "User-Agent".into(), value: "claude-cli/*".into() }),
                ..cond()
            },
            "cc",
        )])
        .unwrap();
        let body = anthropic("c", "x");
        let run = |h: &[(&str, &str)]| {
            let view = RequestView::new(Protocol::Anthropic, &body, &h);
            set.evaluate(&view, &all_up, true)
        };
        let d = run(&[("user-agent", "claude-cli/1.0.83 (external, cli)")]);
        assert_eq!(
            d.rule.unwrap().reason,
            "header User-Agent \"claude-cli/1.0.83 (external, cli)\" matches \"claude-cli/*\""
        );
        let d = run(&[("user-agent", "curl/8.5")]);
        assert!(d.rule.is_none());
        assert_eq!(d.considered[0].reason, "header User-Agent \"curl/8.5\" does not match \"claude-cli/*\"");
        assert!(run(&[]).rule.is_none());
        assert!(run(&[("x-other", "claude-cli/1")]).rule.is_none());
    }

    #[test]
    fn long_context_exact_and_estimated_paths() {
        let small = anthropic("c", "short question");
        let est = estimate_tokens(Protocol::Anthropic, &small);
        let exact = count_tokens(Protocol::Anthropic, &small);
        let long =
            |t: u64| rule("long", RuleType::LongContext, Condition { token_threshold: Some(t), ..cond() }, "big");
        // Far above the estimate: decided by the estimate, not matched; the dry run
        // (explain) shows the exact count, as `rule test`'s header does.
        let set = RuleSet::compile(&[long(est * 10)]).unwrap();
        let d = eval_on(&set, Protocol::Anthropic, &small);
        assert!(d.rule.is_none());
        assert_eq!(d.considered[0].reason, format!("tokens {} < {}", thousands(exact), thousands(est * 10)));
        // Far below: matched from the estimate; the request path's reason says so.
        let set = RuleSet::compile(&[long(est / 4)]).unwrap();
        let view = RequestView::new(Protocol::Anthropic, &small, &NoHeaders);
        let reason = set.evaluate(&view, &all_up, false).rule.unwrap().reason;
        assert_eq!(reason, format!("tokens ~{} ≥ {} (estimated)", thousands(est), thousands(est / 4)));
        assert_eq!(
            eval_on(&set, Protocol::Anthropic, &small).rule.unwrap().reason,
            format!("tokens {} ≥ {}", thousands(exact), thousands(est / 4))
        );
        // Near the estimate: exact count, both sides of the boundary.
        let set = RuleSet::compile(&[long(exact)]).unwrap();
        let d = eval_on(&set, Protocol::Anthropic, &small);
        assert_eq!(d.rule.unwrap().reason, format!("tokens {} ≥ {}", thousands(exact), thousands(exact)));
        let set = RuleSet::compile(&[long(exact + 1)]).unwrap();
        let d = eval_on(&set, Protocol::Anthropic, &small);
        assert!(d.rule.is_none());
        assert_eq!(d.considered[0].reason, format!("tokens {} < {}", thousands(exact), thousands(exact + 1)));
    }

    #[test]
    fn long_context_on_big_openai_prompt() {
        let text = "The quick brown fox jumps over the lazy dog. ".repeat(2000);
        let body = openai("gpt-4o", &text);
        let set = RuleSet::compile(&[rule(
            "long",
            RuleType::LongContext,
            Condition { token_threshold: Some(15_000), ..cond() },
            "big",
        )])
        .unwrap();
        let d = eval_on(&set, Protocol::Openai, &body);
        let m = d.rule.expect("20k tokens ≥ 15k");
        assert!(!m.reason.contains("estimated"), "{}", m.reason);
        assert!(m.reason.starts_with("tokens 20,0"), "{}", m.reason);
    }

    #[test]
    fn subagent_tag_overrides_targets() {
        let mut r = rule("sub", RuleType::Subagent, cond(), "default-ch");
        r.target_model = Some("default-model".into());
        let set = RuleSet::compile(&[r]).unwrap();
        let mut a = anthropic("claude-sonnet-4", "x");
        assert!(eval_on(&set, Protocol::Anthropic, &a).rule.is_none());
        a["system"][1]["text"] =
            json!("You are a subagent. <routex-model>openrouter,google/gemini-2.5-pro</routex-model>");
        let d = eval_on(&set, Protocol::Anthropic, &a);
        assert!(!d.no_subagent_tag, "a tag was found, so stripping must run");
        let m = d.rule.unwrap();
        assert_eq!(m.target_channel.as_deref(), Some("openrouter"));
        assert_eq!(m.target_model.as_deref(), Some("google/gemini-2.5-pro"));
        assert!(super::super::strip_subagent_tag(Protocol::Anthropic, &mut a));
        let d = eval_on(&set, Protocol::Anthropic, &a);
        assert!(d.rule.is_none());
        assert!(d.no_subagent_tag, "searched and found nothing: stripping may be skipped");
        // A tag with no subagent rule to read it: never searched, so stripping must still run.
        let other =
            RuleSet::compile(&[rule("m", RuleType::Model, Condition { model: Some("gpt-*".into()), ..cond() }, "c")])
                .unwrap();
        let mut t = anthropic("claude-sonnet-4", "x");
        t["system"][1]["text"] = json!("<routex-model>a,b</routex-model>");
        assert!(!eval_on(&other, Protocol::Anthropic, &t).no_subagent_tag);
        // Model-only tag keeps the rule's channel.
        let mut o = openai("gpt-4o", "x");
        o["messages"][1]["content"] = json!("<routex-model>gpt-4o-mini</routex-model> summarize");
        let m = eval_on(&set, Protocol::Openai, &o).rule.unwrap();
        assert_eq!(m.target_channel.as_deref(), Some("default-ch"));
        assert_eq!(m.target_model.as_deref(), Some("gpt-4o-mini"));
    }

    #[test]
    fn custom_requires_every_condition() {
        let r = rule(
            "combo",
            RuleType::Custom,
            Condition {
                model: Some("claude-*".into()),
                has_tools: Some(true),
                tool_names: Some(vec!["Bash".into()]),
                thinking: Some(false),
                keywords: Some(vec!["deploy".into()]),
                ..cond()
            },
            "ops",
        );
        let set = RuleSet::compile(&[r]).unwrap();
        let yes = anthropic("claude-sonnet-4", "deploy it");
        let d = eval_on(&set, Protocol::Anthropic, &yes);
        assert_eq!(
            d.rule.unwrap().reason,
            "model \"claude-sonnet-4\" matches \"claude-*\"; thinking not enabled; request declares 2 tools; \
             tool \"Bash\" declared; keyword \"deploy\" in last user message"
        );
        let mut thinking = yes.clone();
        thinking["thinking"] = json!({"type": "enabled", "budget_tokens": 2048});
        assert!(eval_on(&set, Protocol::Anthropic, &thinking).rule.is_none());
        let mut no_bash = yes.clone();
        no_bash["tools"].as_array_mut().unwrap().pop();
        assert!(eval_on(&set, Protocol::Anthropic, &no_bash).rule.is_none());
        assert!(eval_on(&set, Protocol::Anthropic, &anthropic("claude-sonnet-4", "hold")).rule.is_none());
        assert!(eval_on(&set, Protocol::Anthropic, &anthropic("gpt-4o", "deploy")).rule.is_none());
        let mut no_tools = yes.clone();
        no_tools.as_object_mut().unwrap().remove("tools");
        let d = eval_on(&set, Protocol::Anthropic, &no_tools);
        assert!(d.rule.is_none());
        assert!(d.considered[0].reason.ends_with("request declares 0 tools"));
    }

    #[test]
    fn custom_has_images_false_and_token_threshold() {
        let r = rule(
            "plain-long",
            RuleType::Custom,
            Condition { has_images: Some(false), token_threshold: Some(1), ..cond() },
            "big",
        );
        let set = RuleSet::compile(&[r]).unwrap();
        let a = anthropic("c", "x");
        let d = eval_on(&set, Protocol::Anthropic, &a);
        let exact = count_tokens(Protocol::Anthropic, &a);
        assert_eq!(d.rule.unwrap().reason, format!("no image in messages; tokens {exact} ≥ 1"));
        let mut img = a.clone();
        img["messages"][0]["content"][0] = json!({"type": "image", "source": {"type": "url", "url": "u"}});
        assert!(eval_on(&set, Protocol::Anthropic, &img).rule.is_none());
    }

    #[test]
    fn priority_order_and_name_tie_break() {
        let mut low = rule("a-low", RuleType::Think, cond(), "c1");
        low.priority = -5;
        let mut high = rule("z-high", RuleType::Think, cond(), "c2");
        high.priority = 10;
        let tie_b = rule("b-tie", RuleType::Think, cond(), "c3");
        let tie_a = rule("a-tie", RuleType::Think, cond(), "c4");
        let set = RuleSet::compile(&[low, tie_b, high, tie_a]).unwrap();
        assert_eq!(set.names().collect::<Vec<_>>(), ["z-high", "a-tie", "b-tie", "a-low"]);
        let mut a = anthropic("c", "x");
        a["thinking"] = json!({"type": "enabled", "budget_tokens": 1024});
        let d = eval_on(&set, Protocol::Anthropic, &a);
        let m = d.rule.unwrap();
        assert_eq!(m.rule_name, "z-high");
        assert_eq!(m.target_channel.as_deref(), Some("c2"));
        // First match wins: nothing after it is considered.
        assert_eq!(d.considered.len(), 1);
    }

    #[test]
    fn first_match_wins_and_non_matches_are_explained() {
        let kw = rule("kw", RuleType::Keywords, Condition { keywords: Some(vec!["nope".into()]), ..cond() }, "k");
        let mut bg = rule("bg", RuleType::Background, cond(), "cheap");
        bg.priority = 1;
        let model = rule("any", RuleType::Model, Condition { model: Some("*".into()), ..cond() }, "all");
        let set = RuleSet::compile(&[kw, bg, model]).unwrap();
        let d = eval_on(&set, Protocol::Anthropic, &anthropic("claude-sonnet-4", "hello"));
        assert_eq!(d.rule.as_ref().unwrap().rule_name, "any");
        let summary: Vec<(&str, bool)> = d.considered.iter().map(|c| (c.rule_name.as_str(), c.matched)).collect();
        assert_eq!(summary, [("bg", false), ("any", true)]);
        assert_eq!(d.considered[0].reason, "model \"claude-sonnet-4\" does not match \"claude-*haiku*\"");
    }

    #[test]
    fn unavailable_target_falls_through_and_is_recorded() {
        let mut first = rule("first", RuleType::Think, cond(), "down");
        first.priority = 5;
        let second = rule("second", RuleType::Think, cond(), "up");
        let set = RuleSet::compile(&[first, second]).unwrap();
        let mut a = anthropic("c", "x");
        a["thinking"] = json!({"type": "enabled", "budget_tokens": 1024});
        let view = RequestView::new(Protocol::Anthropic, &a, &NoHeaders);
        let up = |ch: &str| ch != "down";
        for explain in [true, false] {
            let d = set.evaluate(&view, &up, explain);
            assert_eq!(d.rule.as_ref().unwrap().rule_name, "second");
            let skipped = &d.considered[0];
            assert_eq!(skipped.rule_name, "first");
            assert!(skipped.matched);
            assert_eq!(skipped.skipped.as_deref(), Some("target channel \"down\" is unavailable"));
            assert_eq!(d.considered.len(), if explain { 2 } else { 1 });
        }
        let none_up = |_: &str| false;
        let d = set.evaluate(&view, &none_up, false);
        assert!(d.rule.is_none());
        assert_eq!(d.considered.len(), 2);
    }

    #[test]
    fn disabled_rules_never_match() {
        let mut r = rule("off", RuleType::Think, cond(), "c");
        r.enabled = false;
        let set = RuleSet::compile(&[r]).unwrap();
        let mut a = anthropic("c", "x");
        a["thinking"] = json!({"type": "enabled", "budget_tokens": 1024});
        let d = eval_on(&set, Protocol::Anthropic, &a);
        assert!(d.rule.is_none());
        assert_eq!(d.considered[0].skipped.as_deref(), Some("rule is disabled"));
        let view = RequestView::new(Protocol::Anthropic, &a, &NoHeaders);
        assert!(set.evaluate(&view, &all_up, false).considered.is_empty());
    }

    #[test]
    fn explain_false_matches_explain_true() {
        let set = RuleSet::compile(&[
            rule("bg", RuleType::Background, cond(), "cheap"),
            rule("img", RuleType::Image, cond(), "vision"),
        ])
        .unwrap();
        let a = anthropic("claude-3-5-haiku-latest", "x");
        let view = RequestView::new(Protocol::Anthropic, &a, &NoHeaders);
        let fast = set.evaluate(&view, &all_up, false);
        let slow = set.evaluate(&view, &all_up, true);
        assert_eq!(fast.rule, slow.rule);
        assert!(fast.considered.is_empty());
        assert_eq!(fast.rule.unwrap().reason, "model \"claude-3-5-haiku-latest\" matches \"claude-*haiku*\"");
    }

    #[test]
    fn compile_rejects_duplicates_and_invalid_rules() {
        let a = rule("same", RuleType::Think, cond(), "c");
        let b = rule("same", RuleType::Image, cond(), "c");
        let e = RuleSet::compile(&[a.clone(), b]).unwrap_err();
        assert!(e.to_string().contains("name \"same\" is used by more than one rule"), "{e}");
        let mut c = rule("other", RuleType::Image, cond(), "c");
        c.id = a.id.clone();
        assert!(RuleSet::compile(&[a, c]).unwrap_err().to_string().contains("the id"));
        let bad = rule("bad-re", RuleType::Regex, Condition { regex: Some("(?P<x".into()), ..cond() }, "c");
        let e = RuleSet::compile(&[bad]).unwrap_err();
        assert_eq!(e.rule_name(), "bad-re");
        let empty = RuleSet::compile(&[]).unwrap();
        assert!(empty.is_empty());
        assert_eq!(empty.len(), 0);
        assert!(RuleSet::default().is_empty());
    }

    #[test]
    fn rule_set_is_send_sync_and_shares_on_clone() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<RuleSet>();
        let set = RuleSet::compile(&[rule("t", RuleType::Think, cond(), "c")]).unwrap();
        let clone = set.clone();
        assert!(Arc::ptr_eq(&set.rules, &clone.rules));
        assert_eq!(clone.len(), 1);
    }

    #[test]
    fn thousands_separator() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(71_204), "71,204");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(snippet("abcdef", 3), "abc…");
        assert_eq!(snippet("ab", 3), "ab");
    }
}
