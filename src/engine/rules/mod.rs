//! Routing rules: the rule model (`RuleSpec`, `Rule`), validation with
//! user-facing messages, storage through the engine (`store`), compilation into a
//! priority-ordered `RuleSet` and its per-request evaluation with an explanation
//! (`evaluate`), the routing decision over a snapshot (`decide`), the dry run
//! (`dry_run`), prompt token counting (cl100k_base) and `<routex-model>` subagent tags.

mod decide;
mod dry_run;
mod error;
mod evaluate;
mod keywords;
mod model;
mod request;
mod store;
mod subagent;
mod tokens;
mod validate;

pub use decide::{decide, decide_by_index, RouteDecision};
pub use dry_run::{dry_run, guess_protocol, stored_availability, ConsideredView, RouteTest};
pub use error::RuleError;
pub use evaluate::{Considered, Decision, RuleMatch, RuleSet};
pub use model::{is_rule_id, new_rule_id, Condition, HeaderCondition, Rule, RuleSpec, RuleType};
pub use request::{HeaderLookup, NoHeaders, RequestView};
pub(crate) use store::compile;
pub use store::{names_of, RulePatch, RuleView};
pub use subagent::{strip_subagent_tag, TAG_CLOSE, TAG_OPEN};
pub use tokens::{count_text_tokens, count_tokens, countable_bytes, estimate_tokens, load_tokenizer};
pub use validate::{fields_used_by, validate, BACKGROUND_MODEL_GLOB, REGEX_SIZE_LIMIT};
