//! Subagent routing tags. A prompt can name its own target with
//! `<routex-model>channel,model</routex-model>` (or `<routex-model>model</routex-model>`)
//! in a system block or in the first user message. `subagent` rules read the
//! tag; `strip_subagent_tag` removes every tag before the request is
//! forwarded, so upstreams never see it.

use serde_json::Value;

use super::request::{field, first_user_index, is_openai_system_role, messages, role};
use crate::protocol::Protocol;

/// Opening tag.
pub const TAG_OPEN: &str = "<routex-model>";
/// Closing tag.
pub const TAG_CLOSE: &str = "</routex-model>";

/// Byte offset of the first `<routex-model>` in `text`. System prompts run to
/// tens of kilobytes and are searched on every request, so this uses one
/// SIMD substring searcher built once.
fn find_open(text: &str) -> Option<usize> {
    static OPEN: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(TAG_OPEN));
    OPEN.find(text.as_bytes())
}

/// The inside of the first complete tag in `text`, trimmed.
fn tag_inner(text: &str) -> Option<&str> {
    let start = find_open(text)? + TAG_OPEN.len();
    let len = text[start..].find(TAG_CLOSE)?;
    Some(text[start..start + len].trim())
}

fn non_empty(s: &str) -> Option<&str> {
    let s = s.trim();
    (!s.is_empty()).then_some(s)
}

/// Splits a tag's inside into `(channel, model)`: `channel,model`, or just
/// `model`. Empty parts are `None`.
pub(crate) fn split_target(inner: &str) -> (Option<&str>, Option<&str>) {
    match inner.split_once(',') {
        Some((ch, model)) => (non_empty(ch), non_empty(model)),
        None => (None, non_empty(inner)),
    }
}

fn content_tag(content: &Value) -> Option<&str> {
    match content {
        Value::String(s) => tag_inner(s),
        Value::Array(blocks) => blocks.iter().find_map(|b| {
            if field(b, "type").and_then(Value::as_str) == Some("text") {
                field(b, "text").and_then(Value::as_str).and_then(tag_inner)
            } else {
                None
            }
        }),
        _ => None,
    }
}

/// The inside of the first `<routex-model>` tag in a system prompt (all
/// system blocks; for OpenAI every `system`/`developer` message) or in the
/// first user message. Gemini bodies carry no `messages`: their tag is not looked for
/// (no client endpoint speaks Gemini yet).
pub(crate) fn find_subagent_tag(protocol: Protocol, body: &Value) -> Option<&str> {
    let first_user = first_user_index(body).map(|i| &messages(body)[i]);
    let system = match protocol {
        Protocol::Anthropic => field(body, "system").and_then(content_tag),
        Protocol::Openai => messages(body)
            .iter()
            .filter(|m| is_openai_system_role(role(m)))
            .find_map(|m| field(m, "content").and_then(content_tag)),
        Protocol::Gemini => return None,
    };
    system.or_else(|| first_user.and_then(|m| field(m, "content")).and_then(content_tag))
}

/// `text` with every complete tag removed, or `None` if there was none.
fn strip_text(text: &str) -> Option<String> {
    find_open(text)?;
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut changed = false;
    while let Some(open) = find_open(rest) {
        let after = &rest[open + TAG_OPEN.len()..];
        let Some(close) = after.find(TAG_CLOSE) else {
            break;
        };
        out.push_str(&rest[..open]);
        rest = &after[close + TAG_CLOSE.len()..];
        changed = true;
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// Strips tags from a `content`/`system` value in place. Text blocks left
/// empty are dropped, except the last block when `keep_one_block` is set.
fn strip_content(content: &mut Value, keep_one_block: bool) -> bool {
    match content {
        Value::String(s) => match strip_text(s) {
            Some(new) => {
                *s = new;
                true
            }
            None => false,
        },
        Value::Array(blocks) => {
            let mut changed = false;
            let mut emptied = Vec::new();
            for (i, b) in blocks.iter_mut().enumerate() {
                if field(b, "type").and_then(Value::as_str) != Some("text") {
                    continue;
                }
                if let Some(Value::String(t)) = b.get_mut("text") {
                    if let Some(new) = strip_text(t) {
                        changed = true;
                        if new.trim().is_empty() {
                            emptied.push(i);
                        }
                        *t = new;
                    }
                }
            }
            for i in emptied.into_iter().rev() {
                if keep_one_block && blocks.len() == 1 {
                    break;
                }
                blocks.remove(i);
            }
            changed
        }
        _ => false,
    }
}

/// Strips every `<routex-model>…</routex-model>` tag from the system prompt
/// and the first user message, in place. Text blocks that become empty are
/// removed (a user message keeps at least one block). Returns whether
/// anything changed. Safe to call on every request before forwarding.
pub fn strip_subagent_tag(protocol: Protocol, body: &mut Value) -> bool {
    let first_user = first_user_index(body);
    let mut changed = false;
    if protocol == Protocol::Anthropic {
        if let Some(system) = body.get_mut("system") {
            changed |= strip_content(system, false);
        }
    }
    if let Some(msgs) = body.get_mut("messages").and_then(Value::as_array_mut) {
        for (i, m) in msgs.iter_mut().enumerate() {
            let is_system = protocol == Protocol::Openai && is_openai_system_role(role(m));
            if is_system || Some(i) == first_user {
                if let Some(c) = m.get_mut("content") {
                    changed |= strip_content(c, true);
                }
            }
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tag_parsing() {
        assert_eq!(tag_inner("x <routex-model> a,b </routex-model> y"), Some("a,b"));
        assert_eq!(tag_inner("<routex-model>a,b"), None);
        assert_eq!(tag_inner("none"), None);
        assert_eq!(split_target("fast, gpt-4o-mini"), (Some("fast"), Some("gpt-4o-mini")));
        assert_eq!(split_target("gpt-4o"), (None, Some("gpt-4o")));
        assert_eq!(split_target("ch,"), (Some("ch"), None));
        assert_eq!(split_target(""), (None, None));
    }

    #[test]
    fn finds_tag_in_anthropic_system_blocks_and_string() {
        let blocks = json!({"system":[{"type":"text","text":"You are Claude Code."},
            {"type":"text","text":"Agent.\n<routex-model>cheap,claude-3-5-haiku</routex-model>"}],
            "messages":[{"role":"user","content":"hi"}]});
        assert_eq!(find_subagent_tag(Protocol::Anthropic, &blocks), Some("cheap,claude-3-5-haiku"));
        let string = json!({"system":"<routex-model>a,b</routex-model>","messages":[]});
        assert_eq!(find_subagent_tag(Protocol::Anthropic, &string), Some("a,b"));
        let none = json!({"system":"plain","messages":[{"role":"user","content":"hi"}]});
        assert_eq!(find_subagent_tag(Protocol::Anthropic, &none), None);
    }

    #[test]
    fn finds_tag_only_in_first_user_message() {
        let first = json!({"messages":[{"role":"user","content":[{"type":"text","text":"<routex-model>x,y</routex-model> do it"}]}]});
        assert_eq!(find_subagent_tag(Protocol::Anthropic, &first), Some("x,y"));
        let later = json!({"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"ok"},
            {"role":"user","content":"<routex-model>x,y</routex-model>"}]});
        assert_eq!(find_subagent_tag(Protocol::Anthropic, &later), None);
        let openai = json!({"messages":[{"role":"developer","content":"<routex-model>o,m</routex-model>"},
            {"role":"user","content":"q"}]});
        assert_eq!(find_subagent_tag(Protocol::Openai, &openai), Some("o,m"));
        assert_eq!(find_subagent_tag(Protocol::Anthropic, &openai), None);
    }

    #[test]
    fn strips_system_string_and_blocks() {
        let mut b = json!({"system":"Before <routex-model>a,b</routex-model>after","messages":[]});
        assert!(strip_subagent_tag(Protocol::Anthropic, &mut b));
        assert_eq!(b["system"], "Before after");
        let mut b = json!({"system":[{"type":"text","text":"keep"},
            {"type":"text","text":"<routex-model>a,b</routex-model>"},
            {"type":"text","text":"x<routex-model>c</routex-model>y<routex-model>d</routex-model>"}],"messages":[]});
        assert!(strip_subagent_tag(Protocol::Anthropic, &mut b));
        assert_eq!(b["system"], json!([{"type":"text","text":"keep"},{"type":"text","text":"xy"}]));
        assert!(!strip_subagent_tag(Protocol::Anthropic, &mut b));
    }

    #[test]
    fn strips_first_user_message_string_and_blocks() {
        let mut b = json!({"messages":[{"role":"user","content":"<routex-model>a,b</routex-model>Task: x"},
            {"role":"user","content":"<routex-model>keep</routex-model>"}]});
        assert!(strip_subagent_tag(Protocol::Anthropic, &mut b));
        assert_eq!(b["messages"][0]["content"], "Task: x");
        assert_eq!(b["messages"][1]["content"], "<routex-model>keep</routex-model>");
        let mut b = json!({"messages":[{"role":"user","content":[
            {"type":"text","text":"<routex-model>a,b</routex-model>"},{"type":"text","text":"Task"}]}]});
        assert!(strip_subagent_tag(Protocol::Anthropic, &mut b));
        assert_eq!(b["messages"][0]["content"], json!([{"type":"text","text":"Task"}]));
        let mut only =
            json!({"messages":[{"role":"user","content":[{"type":"text","text":"<routex-model>a</routex-model>"}]}]});
        assert!(strip_subagent_tag(Protocol::Anthropic, &mut only));
        assert_eq!(only["messages"][0]["content"], json!([{"type":"text","text":""}]));
    }

    #[test]
    fn strips_openai_system_messages_and_leaves_unclosed_tags() {
        let mut b = json!({"messages":[{"role":"system","content":"S<routex-model>a,b</routex-model>"},
            {"role":"user","content":[{"type":"text","text":"Q <routex-model>oops"}]}]});
        assert!(strip_subagent_tag(Protocol::Openai, &mut b));
        assert_eq!(b["messages"][0]["content"], "S");
        assert_eq!(b["messages"][1]["content"][0]["text"], "Q <routex-model>oops");
        let mut unchanged = b.clone();
        assert!(!strip_subagent_tag(Protocol::Openai, &mut unchanged));
        assert_eq!(unchanged, b);
    }
}
