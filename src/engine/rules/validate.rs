//! Validation of a `RuleSpec`, and the compilers for its patterns (regex,
//! keyword matcher, globs) that `RuleSet::compile` reuses so a rule that
//! validates always compiles. Each error is one sentence naming the rule, the
//! field and the fix.

use regex::{Regex, RegexBuilder};
use rust_i18n::t;

use super::error::RuleError;
use super::model::{Condition, RuleSpec, RuleType};
use crate::engine::glob::Glob;

/// Compiled-size limit for `condition.regex` and keyword matchers (1 MiB).
pub const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// The default `background` glob over the requested model.
pub const BACKGROUND_MODEL_GLOB: &str = "claude-*haiku*";

/// Compiles `condition.regex` with the size limit.
pub(crate) fn compile_regex(rule: &str, pattern: &str) -> Result<Regex, RuleError> {
    RegexBuilder::new(pattern).size_limit(REGEX_SIZE_LIMIT).build().map_err(|e| {
        let reason = match e {
            regex::Error::CompiledTooBig(_) => {
                t!("engine.rule.regex_too_big", kib = REGEX_SIZE_LIMIT / 1024).into_owned()
            }
            other => {
                let detail = other.to_string();
                let last = detail.lines().last().unwrap_or("").trim();
                t!("engine.rule.regex_invalid", detail = last).into_owned()
            }
        };
        RuleError::BadRegex { rule: rule.to_string(), pattern: pattern.to_string(), reason }
    })
}

/// One case-insensitive regex matching any of the keywords literally.
pub(crate) fn compile_keywords(rule: &str, keywords: &[String]) -> Result<Regex, RuleError> {
    let alternation: Vec<String> = keywords.iter().map(|k| regex::escape(k.trim())).collect();
    RegexBuilder::new(&alternation.join("|"))
        .case_insensitive(true)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|_| RuleError::invalid(rule, t!("engine.rule.keywords_too_large")))
}

/// Compiles a glob (the one syntax and case rule of `engine::glob`).
pub(crate) fn compile_glob(rule: &str, field: &'static str, pattern: &str) -> Result<Glob, RuleError> {
    Glob::new(pattern).map_err(|e| RuleError::BadGlob {
        rule: rule.to_string(),
        field,
        pattern: pattern.to_string(),
        reason: e.to_string(),
    })
}

fn is_header_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// The condition fields a rule type reads (camelCase names).
pub fn fields_used_by(rule_type: RuleType) -> &'static [&'static str] {
    match rule_type {
        RuleType::LongContext => &["tokenThreshold"],
        RuleType::Background | RuleType::Model => &["model"],
        RuleType::Keywords => &["keywords"],
        RuleType::Regex => &["regex"],
        RuleType::Header => &["header"],
        RuleType::Think | RuleType::WebSearch | RuleType::Image | RuleType::Subagent => &[],
        RuleType::Custom => &[
            "tokenThreshold",
            "keywords",
            "regex",
            "model",
            "header",
            "hasImages",
            "hasTools",
            "toolNames",
            "thinking",
        ],
    }
}

fn require<T>(name: &str, t: RuleType, value: &Option<T>, field: &str, example: &str) -> Result<(), RuleError> {
    if value.is_none() {
        return Err(RuleError::invalid(name, t!("engine.rule.required", field = field, kind = t, example = example)));
    }
    Ok(())
}

/// Checks the fields that are present in `c` (shared by all types).
fn check_present_fields(name: &str, c: &Condition) -> Result<(), RuleError> {
    if c.token_threshold == Some(0) {
        return Err(RuleError::invalid(name, t!("engine.rule.threshold_zero")));
    }
    if let Some(kws) = &c.keywords {
        if kws.is_empty() {
            return Err(RuleError::invalid(name, t!("engine.rule.keywords_empty")));
        }
        if let Some(i) = kws.iter().position(|k| k.trim().is_empty()) {
            return Err(RuleError::invalid(name, t!("engine.rule.keyword_blank", index = i)));
        }
        compile_keywords(name, kws)?;
    }
    if let Some(re) = &c.regex {
        if re.is_empty() {
            return Err(RuleError::invalid(name, t!("engine.rule.regex_empty")));
        }
        compile_regex(name, re)?;
    }
    if let Some(m) = &c.model {
        if m.trim().is_empty() {
            return Err(RuleError::invalid(name, t!("engine.rule.model_empty")));
        }
        compile_glob(name, "condition.model", m)?;
    }
    if let Some(h) = &c.header {
        if !is_header_name(&h.name) {
            return Err(RuleError::invalid(name, t!("engine.rule.header_name", name = format!("{:?}", h.name))));
        }
        if h.value.is_empty() {
            return Err(RuleError::invalid(name, t!("engine.rule.header_value_empty")));
        }
        compile_glob(name, "condition.header.value", &h.value)?;
    }
    if let Some(names) = &c.tool_names {
        if names.is_empty() || names.iter().any(|n| n.trim().is_empty()) {
            return Err(RuleError::invalid(name, t!("engine.rule.tool_names")));
        }
    }
    Ok(())
}

/// Checks a rule spec: name, target, the fields its type requires, that no
/// field its type ignores is set, and that every regex and glob compiles.
pub fn validate(spec: &RuleSpec) -> Result<(), RuleError> {
    let name = spec.name.as_str();
    if name.trim().is_empty() {
        return Err(RuleError::invalid(name, t!("engine.rule.name_empty")));
    }
    if name.trim() != name || name.chars().any(char::is_control) {
        return Err(RuleError::invalid(name, t!("engine.rule.name_whitespace")));
    }
    for (field, value) in [("targetChannel", &spec.target_channel), ("targetModel", &spec.target_model)] {
        if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
            return Err(RuleError::invalid(name, t!("engine.rule.target_empty", field = field)));
        }
    }
    let t = spec.rule_type;
    if t != RuleType::Subagent && spec.target_channel.is_none() && spec.target_model.is_none() {
        return Err(RuleError::invalid(name, t!("engine.rule.no_target")));
    }
    let c = &spec.condition;
    let used = fields_used_by(t);
    if let Some(extra) = c.present_fields().into_iter().find(|f| !used.contains(f)) {
        let hint = if used.is_empty() {
            t!("engine.rule.no_condition_for_type", kind = t)
        } else {
            t!("engine.rule.custom_hint")
        };
        return Err(RuleError::invalid(name, t!("engine.rule.unused_field", field = extra, kind = t, hint = hint)));
    }
    match t {
        RuleType::LongContext => require(name, t, &c.token_threshold, "tokenThreshold", "--token-threshold 60000")?,
        RuleType::Model => require(name, t, &c.model, "model", "--model \"gpt-4o*\"")?,
        RuleType::Keywords => require(name, t, &c.keywords, "keywords", "--keywords plan,architect")?,
        RuleType::Regex => require(name, t, &c.regex, "regex", "--regex \"(?i)refactor\"")?,
        RuleType::Header => require(name, t, &c.header, "header", "--header \"x-routex-route=fast\"")?,
        RuleType::Custom if c.is_empty() => return Err(RuleError::invalid(name, t!("engine.rule.custom_empty"))),
        _ => {}
    }
    check_present_fields(name, c)
}

#[cfg(test)]
mod tests {
    use super::super::model::HeaderCondition;
    use super::*;

    fn spec(name: &str, t: RuleType, c: Condition) -> RuleSpec {
        RuleSpec {
            name: name.into(),
            enabled: true,
            priority: 0,
            rule_type: t,
            condition: c,
            target_channel: Some("ch".into()),
            target_model: None,
        }
    }

    fn err(s: &RuleSpec) -> String {
        validate(s).unwrap_err().to_string()
    }

    #[test]
    fn long_context_requires_threshold() {
        let s = spec("long", RuleType::LongContext, Condition::default());
        assert_eq!(
            err(&s),
            "rule \"long\": condition.tokenThreshold is required for type longContext (e.g. --token-threshold 60000)"
        );
        let ok = spec("long", RuleType::LongContext, Condition { token_threshold: Some(60000), ..Default::default() });
        assert!(validate(&ok).is_ok());
        let zero = spec("long", RuleType::LongContext, Condition { token_threshold: Some(0), ..Default::default() });
        assert!(err(&zero).contains("greater than 0"));
    }

    #[test]
    fn required_fields_per_type() {
        for (t, field) in [
            (RuleType::Model, "condition.model is required"),
            (RuleType::Keywords, "condition.keywords is required"),
            (RuleType::Regex, "condition.regex is required"),
            (RuleType::Header, "condition.header is required"),
            (RuleType::Custom, "needs at least one condition"),
        ] {
            let e = err(&spec("r", t, Condition::default()));
            assert!(e.contains(field), "{t}: {e}");
        }
        for t in [RuleType::Background, RuleType::Think, RuleType::WebSearch, RuleType::Image, RuleType::Subagent] {
            assert!(validate(&spec("r", t, Condition::default())).is_ok(), "{t}");
        }
    }

    #[test]
    fn unused_fields_are_rejected() {
        let s = spec(
            "k",
            RuleType::Keywords,
            Condition { keywords: Some(vec!["plan".into()]), regex: Some("x".into()), ..Default::default() },
        );
        assert_eq!(
            err(&s),
            "rule \"k\": condition.regex is not used by type keywords; remove it, or use type custom to combine conditions"
        );
        let s = spec("t", RuleType::Think, Condition { thinking: Some(true), ..Default::default() });
        assert!(err(&s).contains("type think takes no condition"));
    }

    #[test]
    fn bad_regex_names_rule_and_pattern() {
        let s = spec("re", RuleType::Regex, Condition { regex: Some("(unclosed".into()), ..Default::default() });
        let e = err(&s);
        assert!(e.starts_with("rule \"re\": condition.regex \"(unclosed\" is not a valid regular expression"), "{e}");
    }

    #[test]
    fn regex_size_limit_is_enforced() {
        let s = spec("huge", RuleType::Regex, Condition { regex: Some(r"\w{100}".into()), ..Default::default() });
        let e = err(&s);
        assert!(e.contains("\"huge\"") && e.contains("too large once compiled"), "{e}");
        // Rejected because of our 1 MiB limit, not because it cannot compile.
        assert!(RegexBuilder::new(r"\w{100}").size_limit(8 << 20).build().is_ok());
        assert!(compile_regex("ok", r"\w{10}").is_ok());
    }

    #[test]
    fn target_and_name_checks() {
        let mut s = spec("x", RuleType::Think, Condition::default());
        s.target_channel = None;
        assert!(err(&s).contains("has no target"));
        s.rule_type = RuleType::Subagent;
        assert!(validate(&s).is_ok());
        s.target_model = Some(" ".into());
        assert!(err(&s).contains("targetModel is empty"));
        let mut s = spec("", RuleType::Think, Condition::default());
        assert!(err(&s).contains("name is empty"));
        s.name = " padded".into();
        assert!(err(&s).contains("whitespace"));
    }

    #[test]
    fn header_keyword_glob_and_tool_checks() {
        let h = |name: &str, value: &str| {
            spec(
                "h",
                RuleType::Header,
                Condition {
                    header: Some(HeaderCondition { name: name.into(), value: value.into() }),
                    ..Default::default()
                },
            )
        };
        assert!(validate(&h("User-Agent", "claude-cli/*")).is_ok());
        assert!(err(&h("bad name", "x")).contains("not a valid header name"));
        assert!(err(&h("x", "")).contains("header.value is empty"));
        assert!(err(&h("x", "a[")).contains("not a valid glob"));
        let kw = |k: Vec<&str>| {
            spec(
                "k",
                RuleType::Keywords,
                Condition { keywords: Some(k.into_iter().map(String::from).collect()), ..Default::default() },
            )
        };
        assert!(err(&kw(vec![])).contains("keywords is empty"));
        assert!(err(&kw(vec!["a", " "])).contains("keywords[1] is blank"));
        let tools = spec("c", RuleType::Custom, Condition { tool_names: Some(vec![]), ..Default::default() });
        assert!(err(&tools).contains("toolNames"));
        let model = spec("m", RuleType::Model, Condition { model: Some("{unclosed".into()), ..Default::default() });
        assert!(err(&model).contains("condition.model \"{unclosed\" is not a valid glob"));
    }
}
