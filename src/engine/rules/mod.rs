//! Routing rules: the rule model (`RuleSpec`, `Rule`), validation with
//! user-facing messages, compilation into a priority-ordered `RuleSet`,
//! per-request evaluation with an explanation of the decision, prompt token
//! counting (cl100k_base) and `<routex-model>` subagent tags.

mod engine;
mod error;
mod keywords;
mod model;
mod request;
mod subagent;
mod tokens;
mod validate;

pub use engine::{Considered, Decision, RuleMatch, RuleSet};
pub use error::RuleError;
pub use model::{is_rule_id, new_rule_id, Condition, HeaderCondition, Rule, RuleSpec, RuleType};
pub use request::{HeaderLookup, NoHeaders, RequestView};
pub use subagent::{strip_subagent_tag, TAG_CLOSE, TAG_OPEN};
pub use tokens::{count_text_tokens, count_tokens, countable_bytes, estimate_tokens};
pub use validate::{fields_used_by, validate, BACKGROUND_MODEL_GLOB, REGEX_SIZE_LIMIT};
