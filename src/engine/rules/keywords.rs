//! The keyword matcher of `keywords` conditions. The definition is the
//! case-insensitive regex alternation built by `compile_keywords` (Unicode
//! simple case folding). When every keyword is ASCII, an ASCII
//! case-insensitive Aho-Corasick automaton gives the same answer faster —
//! except on text holding one of the two non-ASCII characters that fold onto
//! an ASCII letter (U+212A KELVIN SIGN ~ `k`, U+017F LONG S ~ `s`), which
//! goes to the regex.

use aho_corasick::{AhoCorasick, MatchKind};
use regex::Regex;

/// A compiled `condition.keywords`.
#[derive(Debug)]
pub(crate) struct Keywords {
    /// The definition; also what explanations use to show the match.
    pub(crate) regex: Regex,
    /// The fast path, when every keyword is ASCII.
    ascii: Option<AhoCorasick>,
}

/// Whether `text` contains U+212A (`E2 84 AA`) or U+017F (`C5 BF`), the only
/// non-ASCII characters whose simple case folding reaches ASCII.
fn has_ascii_folding_char(text: &str) -> bool {
    let b = text.as_bytes();
    let mut from = 0;
    while let Some(i) = memchr::memchr2(0xE2, 0xC5, &b[from..]) {
        let at = from + i;
        let rest = &b[at..];
        if rest.starts_with(&[0xE2, 0x84, 0xAA]) || rest.starts_with(&[0xC5, 0xBF]) {
            return true;
        }
        from = at + 1;
    }
    false
}

impl Keywords {
    /// The matcher for `keywords` (trimmed, as the regex has them) given
    /// their compiled regex.
    pub(crate) fn new(regex: Regex, keywords: &[String]) -> Keywords {
        let trimmed: Vec<&str> = keywords.iter().map(|k| k.trim()).collect();
        let ascii = if trimmed.iter().all(|k| k.is_ascii()) {
            AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::LeftmostFirst)
                .build(&trimmed)
                .ok()
        } else {
            None
        };
        Keywords { regex, ascii }
    }

    /// Whether some keyword occurs in `text`, case-insensitively.
    pub(crate) fn is_match(&self, text: &str) -> bool {
        match &self.ascii {
            Some(ac) if !has_ascii_folding_char(text) => ac.is_match(text),
            _ => self.regex.is_match(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rules::validate::compile_keywords;

    fn kw(words: &[&str]) -> Keywords {
        let words: Vec<String> = words.iter().map(|s| s.to_string()).collect();
        Keywords::new(compile_keywords("t", &words).unwrap(), &words)
    }

    /// The fast path's premise: among all non-ASCII characters, exactly these
    /// two are case-insensitively equal to an ASCII letter for the regex.
    #[test]
    fn only_kelvin_and_long_s_fold_to_ascii() {
        let re = regex::Regex::new("(?i)^[a-zA-Z]$").unwrap();
        let mut buf = [0u8; 4];
        let folding: Vec<char> =
            (0x80..=0x10FFFFu32).filter_map(char::from_u32).filter(|c| re.is_match(c.encode_utf8(&mut buf))).collect();
        assert_eq!(folding, ['\u{17F}', '\u{212A}']);
        assert!(has_ascii_folding_char("ultrathin\u{212A}"));
        assert!(has_ascii_folding_char("\u{17F}ort"));
        assert!(!has_ascii_folding_char("naïve “quoted” — Überprüfe ß"));
    }

    #[test]
    fn agrees_with_the_regex() {
        let sets: &[&[&str]] = &[&["ultrathink", "plan mode"], &["Überprüfe", "x"], &["K", "s"], &[" spaced  ", "a.b"]];
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
            "kelvin",
            "spaced",
            "aXb a.b",
            "",
        ];
        for words in sets {
            let m = kw(words);
            assert_eq!(m.ascii.is_some(), words.iter().all(|w| w.is_ascii()), "{words:?}");
            for t in texts {
                assert_eq!(m.is_match(t), m.regex.is_match(t), "{words:?} in {t:?}");
            }
        }
        let m = kw(&["ultrathink"]);
        assert!(m.is_match("ULTRATHINK"));
        assert!(m.is_match("ultrathin\u{212A}"), "Kelvin sign folds to k");
        assert!(!m.is_match("ultrathin"));
        let de = kw(&["Überprüfe"]);
        assert!(de.is_match("bitte ÜBERPRÜFE das"), "non-ASCII keywords stay case-insensitive");
    }
}
