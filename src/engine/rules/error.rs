//! Errors from validating and compiling rules. Every message is one sentence
//! that names the rule, the offending field and how to fix it, so it can be
//! shown to the user as is, in the catalog's words (docs/i18n.md).

use rust_i18n::t;

/// A rule that cannot be accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    /// A field is missing, empty, out of range or does not apply.
    #[error("{}", t!("engine.rule.invalid", rule = .rule, message = .message))]
    Invalid {
        /// The rule's name.
        rule: String,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// `condition.regex` does not compile or exceeds the size limit.
    #[error("{}", t!("engine.rule.bad_regex", rule = .rule, pattern = format!("{:?}", .pattern), reason = .reason))]
    BadRegex {
        /// The rule's name.
        rule: String,
        /// The pattern as written.
        pattern: String,
        /// Why it was rejected and how to fix it.
        reason: String,
    },
    /// A glob (`condition.model` or `condition.header.value`) does not parse.
    #[error("{}", t!("engine.rule.bad_glob", rule = .rule, field = .field, pattern = format!("{:?}", .pattern), reason = .reason))]
    BadGlob {
        /// The rule's name.
        rule: String,
        /// `condition.model` or `condition.header.value`.
        field: &'static str,
        /// The glob as written.
        pattern: String,
        /// The parser's complaint.
        reason: String,
    },
    /// Two rules in one set share a name or an id.
    #[error("{}", t!("engine.rule.duplicate", rule = .rule, what = .what, value = format!("{:?}", .value)))]
    Duplicate {
        /// The rule's name.
        rule: String,
        /// `name` or `id`.
        what: &'static str,
        /// The duplicated value.
        value: String,
    },
}

impl RuleError {
    /// Shorthand for [`RuleError::Invalid`].
    pub fn invalid(rule: &str, message: impl Into<String>) -> RuleError {
        RuleError::Invalid { rule: rule.to_string(), message: message.into() }
    }

    /// The name of the rule the error is about.
    pub fn rule_name(&self) -> &str {
        match self {
            RuleError::Invalid { rule, .. }
            | RuleError::BadRegex { rule, .. }
            | RuleError::BadGlob { rule, .. }
            | RuleError::Duplicate { rule, .. } => rule,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_rule_and_field() {
        let e = RuleError::invalid("long", "condition.tokenThreshold is required");
        assert_eq!(e.to_string(), "rule \"long\": condition.tokenThreshold is required");
        assert_eq!(e.rule_name(), "long");
        let e = RuleError::BadRegex { rule: "r".into(), pattern: "(".into(), reason: "is not valid".into() };
        assert_eq!(e.to_string(), "rule \"r\": condition.regex \"(\" is not valid");
        let e = RuleError::Duplicate { rule: "a".into(), what: "name", value: "a".into() };
        assert!(e.to_string().contains("more than one rule"));
    }
}
