//! Keyword matching for `keywords` conditions. The definition is the
//! case-insensitive regex alternation `compile_keywords` builds (Unicode
//! simple case folding), and explanations still use it. The fast path: when
//! every keyword of a rule is ASCII, the rule keeps one prebuilt substring
//! searcher per ASCII-lowercased keyword, and each request ASCII-lowercases
//! its last user message once, for all keyword rules. For ASCII keywords that
//! is exactly the regex's answer unless the text holds one of the two
//! non-ASCII characters that fold onto an ASCII letter (U+212A KELVIN SIGN ~
//! `k`, U+017F LONG S ~ `s`); such a request uses the regex. By the same fact,
//! a rule whose every keyword holds another non-ASCII character cannot match
//! ASCII text, and skips the regex on it.

use std::cell::Cell;

use memchr::memmem::Finder;
use regex::Regex;
use serde_json::Value;

use super::request;

/// A compiled `condition.keywords`.
#[derive(Debug)]
pub(crate) struct Keywords {
    /// The definition; also what explanations use to show the match.
    pub(crate) regex: Regex,
    /// One searcher per lowercased keyword, when every keyword is ASCII.
    lowered: Option<Box<[Finder<'static>]>>,
    /// Every keyword holds a non-ASCII character that no ASCII character
    /// folds onto, so only non-ASCII text can match.
    needs_non_ascii: bool,
}

impl Keywords {
    /// The matcher for `keywords` (trimmed, as in the regex) given their regex.
    pub(crate) fn new(regex: Regex, keywords: &[String]) -> Keywords {
        let lowered = keywords.iter().all(|k| k.trim().is_ascii()).then(|| {
            keywords.iter().map(|k| Finder::new(k.trim().to_ascii_lowercase().as_bytes()).into_owned()).collect()
        });
        let needs_non_ascii = keywords.iter().all(|k| k.chars().any(|c| !c.is_ascii() && !folds_to_ascii(c)));
        Keywords { regex, lowered, needs_non_ascii }
    }

    /// Whether some keyword occurs in some text part of `msg` (the last user
    /// message), case-insensitively. `lowered` is the request's
    /// [`LoweredText`] of `msg`, made on first use; `ascii` says whether every
    /// text part of `msg` is ASCII, also asked at most once per request.
    pub(crate) fn is_match<'l>(
        &self,
        msg: &Value,
        lowered: &dyn Fn() -> Option<&'l LoweredText>,
        ascii: &dyn Fn() -> bool,
    ) -> bool {
        if self.needs_non_ascii && ascii() {
            return false;
        }
        if let Some(finders) = &self.lowered {
            if let Some(text) = lowered() {
                return text.pieces().any(|p| finders.iter().any(|f| f.find(p).is_some()));
            }
        }
        request::any_message_text(msg, &mut |t| self.regex.is_match(t))
    }
}

/// U+212A and U+017F: the only non-ASCII characters whose simple case folding
/// reaches ASCII.
fn folds_to_ascii(c: char) -> bool {
    matches!(c, '\u{212A}' | '\u{17F}')
}

/// Whether every text part of `msg` is ASCII.
pub(crate) fn ascii_text(msg: &Value) -> bool {
    !request::any_message_text(msg, &mut |t| !t.is_ascii())
}

/// Whether `text` contains U+212A (`E2 84 AA`) or U+017F (`C5 BF`), the only
/// non-ASCII characters whose simple case folding reaches ASCII.
fn has_ascii_folding_char(text: &str) -> bool {
    let b = text.as_bytes();
    let mut from = 0;
    while let Some(i) = memchr::memchr2(0xE2, 0xC5, &b[from..]) {
        let rest = &b[from + i..];
        if rest.starts_with(&[0xE2, 0x84, 0xAA]) || rest.starts_with(&[0xC5, 0xBF]) {
            return true;
        }
        from += i + 1;
    }
    false
}

/// The text parts of one message, ASCII-lowercased, kept apart (a keyword
/// never matches across two parts).
#[derive(Default)]
pub(crate) struct LoweredText {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

thread_local! {
    /// Buffers reused across requests on a thread, so matching allocates nothing.
    static SPARE: Cell<Option<LoweredText>> = const { Cell::new(None) };
}

/// Buffers above this size go back to the allocator instead of the spare slot.
const SPARE_MAX_BYTES: usize = 1 << 16;

impl LoweredText {
    /// `msg`'s text parts lowercased, or `None` when one of them holds a
    /// character that only the regex folds correctly.
    pub(crate) fn of(msg: &Value) -> Option<LoweredText> {
        let mut out = SPARE.with(Cell::take).unwrap_or_default();
        out.bytes.clear();
        out.ends.clear();
        let folding = request::any_message_text(msg, &mut |t| {
            if has_ascii_folding_char(t) {
                return true;
            }
            let start = out.bytes.len();
            out.bytes.extend_from_slice(t.as_bytes());
            out.bytes[start..].make_ascii_lowercase();
            out.ends.push(out.bytes.len());
            false
        });
        if folding {
            out.recycle();
            return None;
        }
        Some(out)
    }

    fn pieces(&self) -> impl Iterator<Item = &[u8]> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts.zip(self.ends.iter().copied()).map(|(s, e)| &self.bytes[s..e])
    }

    /// Hands the buffers back for the thread's next request.
    pub(crate) fn recycle(self) {
        if self.bytes.capacity() <= SPARE_MAX_BYTES {
            SPARE.with(|s| s.set(Some(self)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rules::validate::compile_keywords;
    use serde_json::json;

    fn kw(words: &[&str]) -> Keywords {
        let words: Vec<String> = words.iter().map(|s| s.to_string()).collect();
        Keywords::new(compile_keywords("t", &words).unwrap(), &words)
    }

    fn fast(k: &Keywords, msg: &Value) -> bool {
        let text = LoweredText::of(msg);
        k.is_match(msg, &|| text.as_ref(), &|| ascii_text(msg))
    }

    /// The fast path's premise: of all non-ASCII characters, exactly these two
    /// are case-insensitively equal to an ASCII letter for the regex.
    #[test]
    fn only_kelvin_and_long_s_fold_to_ascii() {
        let re = Regex::new("(?i)^[a-zA-Z]$").unwrap();
        let mut buf = [0u8; 4];
        let folding: Vec<char> =
            (0x80..=0x10FFFFu32).filter_map(char::from_u32).filter(|c| re.is_match(c.encode_utf8(&mut buf))).collect();
        assert_eq!(folding, ['\u{17F}', '\u{212A}']);
        assert!(has_ascii_folding_char("ultrathin\u{212A}"));
        assert!(has_ascii_folding_char("\u{17F}ort"));
        assert!(!has_ascii_folding_char("naïve “quoted” — Überprüfe ß ⅓"));
    }

    #[test]
    fn fast_path_agrees_with_the_regex() {
        let sets: &[&[&str]] = &[
            &["ultrathink", "plan mode"],
            &["Überprüfe", "x"],
            &["K", "s"],
            &[" spaced  ", "a.b"],
            &["ab", "b c"],
            &["Think"],
            &["Überprüfe", "naïve"],
            &["\u{212A}elvin", "Überprüfe"],
            &["\u{17F}"],
        ];
        let texts = [
            "Please ULTRATHINK this",
            "enter Plan Mode now",
            "plan  mode",
            "just fix it",
            "ultrathin\u{212A}",
            "\u{17F}",
            "ÜBERPRÜFE den Code",
            "überprüfe",
            "naïve café with a K and an s",
            "NAÏVE",
            "Kelvin and ſ",
            "KELVIN",
            "S",
            "kelvin",
            "spaced",
            "aXb a.b",
            "",
        ];
        for words in sets {
            let k = kw(words);
            assert_eq!(k.lowered.is_some(), words.iter().all(|w| w.is_ascii()), "{words:?}");
            let skips = words.iter().all(|w| w.contains(['Ü', 'ï']));
            assert_eq!(k.needs_non_ascii, skips, "{words:?}");
            for t in texts {
                for msg in [
                    json!({"role": "user", "content": t}),
                    json!({"role": "user", "content": [
                    {"type": "tool_result", "content": "ultrathink plan mode"},
                    {"type": "text", "text": "first part"}, {"type": "text", "text": t}]}),
                ] {
                    let slow = request::any_message_text(&msg, &mut |x| k.regex.is_match(x));
                    assert_eq!(fast(&k, &msg), slow, "{words:?} in {msg}");
                }
            }
        }
    }

    #[test]
    fn parts_stay_apart_and_buffers_are_reused() {
        let k = kw(&["ab", "Think"]);
        let split =
            json!({"role": "user", "content": [{"type": "text", "text": "xa"}, {"type": "text", "text": "bx"}]});
        assert!(!fast(&k, &split), "no match across two text parts");
        let joined =
            json!({"role": "user", "content": [{"type": "text", "text": "x"}, {"type": "text", "text": "AB"}]});
        assert!(fast(&k, &joined));
        let t = LoweredText::of(&json!({"role": "user", "content": "THINK"})).unwrap();
        assert_eq!(t.pieces().collect::<Vec<_>>(), [b"think".as_slice()]);
        let ptr = t.bytes.as_ptr();
        t.recycle();
        let again = LoweredText::of(&json!({"role": "user", "content": "x"})).unwrap();
        assert_eq!(again.bytes.as_ptr(), ptr, "the spare buffer is reused");
        assert!(LoweredText::of(&json!({"role": "user", "content": "\u{212A}"})).is_none());
    }
}
