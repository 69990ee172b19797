//! The one glob of the product: channel `models`, rule conditions (`condition.model`,
//! `condition.header.value`), `logging.prices` keys and the request-log filters
//! (`--model`, `--channel`) all match with it, so `claude-*` means the same everywhere.
//!
//! Syntax: globset's — `*` any run of characters (`/` included), `?` one character,
//! `[abc]` / `[a-z]` a class, `{a,b}` alternatives, `\` escapes. Case: ASCII letters
//! match either case (`claude-*` matches `Claude-Sonnet-4`). A pattern with no wildcard is
//! an exact (case-insensitive) name.
//!
//! The common case — only `*` wildcards, ASCII pattern and input — is matched by a small
//! allocation-free matcher several times faster than globset's regex; [`matches`](fn@matches) does the
//! same for a pattern used once, without compiling it. Leaf module: imports nothing from
//! the engine.

use globset::{Candidate, GlobBuilder, GlobMatcher};

/// Why a pattern is not a glob (globset's reason, e.g. `unclosed character class`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct GlobError(pub String);

/// A compiled glob.
#[derive(Debug, Clone)]
pub struct Glob {
    matcher: GlobMatcher,
    /// `*`-separated literal segments (lowercased when case-insensitive),
    /// when the pattern is ASCII and uses no wildcard but `*`.
    simple: Option<Vec<String>>,
    case_insensitive: bool,
}

fn eq_bytes(a: &[u8], b: &[u8], ci: bool) -> bool {
    if ci {
        a.eq_ignore_ascii_case(b)
    } else {
        a == b
    }
}

/// Haystacks up to this length are searched by comparing at each position.
const SHORT: usize = 64;

/// Leftmost position of `needle` in `hay`; with `ci`, `needle` is lowercase.
/// Candidates are found with memchr on the first byte (both cases).
fn find(hay: &[u8], needle: &[u8], ci: bool) -> Option<usize> {
    let Some((&first, rest)) = needle.split_first() else {
        return Some(0);
    };
    let last_start = hay.len().checked_sub(needle.len())?;
    if !ci {
        // Building a searcher costs more than comparing at each place of a short name.
        if hay.len() <= SHORT {
            return (0..=last_start).find(|&i| hay[i] == first && &hay[i + 1..i + needle.len()] == rest);
        }
        return memchr::memmem::find(hay, needle);
    }
    if hay.len() <= SHORT {
        // As above: a model name is shorter than a vector search's setup.
        return (0..=last_start).find(|&i| {
            hay[i].to_ascii_lowercase() == first && hay[i + 1..i + needle.len()].eq_ignore_ascii_case(rest)
        });
    }
    let upper = first.to_ascii_uppercase();
    let mut from = 0;
    while from <= last_start {
        let window = &hay[from..=last_start];
        let at =
            from + if upper != first { memchr::memchr2(first, upper, window) } else { memchr::memchr(first, window) }?;
        if hay[at + 1..at + needle.len()].eq_ignore_ascii_case(rest) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

impl Glob {
    /// Compile `pattern` (see the module doc for the syntax and case rule).
    pub fn new(pattern: &str) -> Result<Glob, GlobError> {
        Glob::build(pattern, true)
    }

    /// Compile a pattern stored by an older routex, where channel models were not checked:
    /// one that is not a valid glob (an unclosed `[` or `{`) matches itself literally, as
    /// it did then.
    pub fn stored(pattern: &str) -> Glob {
        Glob::new(pattern).unwrap_or_else(|_| Glob::build(&globset::escape(pattern), true).expect("escaped"))
    }

    fn build(pattern: &str, case_insensitive: bool) -> Result<Glob, GlobError> {
        let matcher = GlobBuilder::new(pattern)
            .case_insensitive(case_insensitive)
            .build()
            .map_err(|e| GlobError(e.kind().to_string()))?
            .compile_matcher();
        Ok(Glob::wrap(matcher, pattern, case_insensitive))
    }

    fn wrap(matcher: GlobMatcher, pattern: &str, case_insensitive: bool) -> Glob {
        let simple = (pattern.is_ascii() && !pattern.contains(['?', '[', ']', '{', '}', '\\'])).then(|| {
            pattern.split('*').map(|s| if case_insensitive { s.to_ascii_lowercase() } else { s.to_string() }).collect()
        });
        Glob { matcher, simple, case_insensitive }
    }

    /// Whether `text` matches the whole glob.
    pub fn is_match(&self, text: &str) -> bool {
        match &self.simple {
            Some(segments) if text.is_ascii() => Self::simple_match(segments, text.as_bytes(), self.case_insensitive),
            _ => self.matcher.is_match_candidate(&Candidate::from_bytes(text)),
        }
    }

    fn simple_match(segments: &[String], text: &[u8], ci: bool) -> bool {
        let (first, rest) = match segments.split_first() {
            Some(x) => x,
            None => return text.is_empty(),
        };
        let first = first.as_bytes();
        let Some((last, middle)) = rest.split_last() else {
            return eq_bytes(text, first, ci);
        };
        let last = last.as_bytes();
        if text.len() < first.len() + last.len()
            || !eq_bytes(&text[..first.len()], first, ci)
            || !eq_bytes(&text[text.len() - last.len()..], last, ci)
        {
            return false;
        }
        let mut hay = &text[first.len()..text.len() - last.len()];
        for seg in middle {
            match find(hay, seg.as_bytes(), ci) {
                Some(i) => hay = &hay[i + seg.len()..],
                None => return false,
            }
        }
        true
    }
}

/// Whether `text` matches `pattern`, for a pattern used once (a log filter, a price
/// key): `*`/`?`-only ASCII patterns are matched in place without compiling anything;
/// others are compiled, and a pattern that is not a valid glob matches itself.
pub fn matches(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    if !(pattern.is_ascii() && text.is_ascii()) || p.iter().any(|c| b"[]{}\\".contains(c)) {
        return Glob::stored(pattern).is_match(text);
    }
    // Wildcard matching with one backtrack point: `*` any run, `?` one byte (ASCII text).
    let (mut pi, mut ti, mut star, mut mark) = (0usize, 0usize, usize::MAX, 0usize);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == b'?' || p[pi].eq_ignore_ascii_case(&t[ti])) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = pi;
            mark = ti;
            pi += 1;
        } else if star != usize::MAX {
            pi = star + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(pattern: &str, ci: bool) -> (Glob, GlobMatcher) {
        let m = GlobBuilder::new(pattern).case_insensitive(ci).build().unwrap().compile_matcher();
        (Glob::wrap(m.clone(), pattern, ci), m)
    }

    #[test]
    fn one_syntax_one_case_rule() {
        // What channels, rules, prices and log filters all mean by a pattern.
        for (p, t, want) in [
            ("*", "anything", true),
            ("claude-*haiku*", "claude-3-5-haiku-latest", true),
            ("claude-*haiku*", "claude-sonnet-4", false),
            ("gpt-4?", "gpt-4o", true),
            ("claude-*", "Claude-Sonnet-4", true),
            ("*sonnet*", "claude-sonnet-4", true),
            ("a*b*c", "axxbyyc", true),
            ("a*b*c", "axxbyy", false),
            ("gpt-4o", "gpt-4o-mini", false),
            ("GPT-4O", "gpt-4o", true),
            ("gpt-4[o.]*", "gpt-4.1", true),
            ("{gpt,o}*-mini", "o4-mini", true),
            ("café-*", "CAFé-x", true),
        ] {
            assert_eq!(matches(p, t), want, "matches({p:?}, {t:?})");
            assert_eq!(Glob::new(p).unwrap().is_match(t), want, "Glob::new({p:?}).is_match({t:?})");
        }
    }

    #[test]
    fn invalid_globs_are_errors_but_stored_ones_match_themselves() {
        assert_eq!(Glob::new("a[").unwrap_err().to_string(), "unclosed character class; missing ']'");
        assert!(Glob::new("{unclosed").is_err());
        assert!(Glob::stored("model[x").is_match("MODEL[x"));
        assert!(!Glob::stored("model[x").is_match("modelx"));
        assert!(matches("model[x", "model[x"));
    }

    #[test]
    fn fast_path_agrees_with_globset() {
        let patterns = [
            "claude-*haiku*",
            "*",
            "**",
            "gpt-4o",
            "gpt-4o*",
            "*-mini",
            "a*b*c",
            "*claude*sonnet*4*",
            "claude-cli/*",
            "",
            "x**y",
            "*aab*",
            "*HAIKU*",
            "a*A*a",
            "*-*-*",
        ];
        let inputs = [
            "claude-3-5-haiku-20241022",
            "Claude-Haiku-4-5",
            "claude-sonnet-4",
            "gpt-4o",
            "GPT-4O-mini",
            "gpt-4o-mini",
            "abc",
            "ac",
            "aXbYc",
            "acb",
            "claude-cli/1.0.83 (external, cli)",
            "anthropic/claude-3.7-sonnet-4",
            "",
            "xy",
            "x/y",
            "café-haiku",
            "aaab",
            "xaAbx",
            "aab",
            "aaa",
            "aAa",
            "a-b-c",
            "--",
        ];
        for p in patterns {
            for ci in [true, false] {
                let (fast, slow) = both(p, ci);
                assert!(fast.simple.is_some(), "{p}");
                for i in inputs {
                    assert_eq!(fast.is_match(i), slow.is_match(i), "pattern {p:?} ci {ci} input {i:?}");
                }
            }
        }
    }

    #[test]
    fn long_inputs_search_like_short_ones() {
        let pad = "x-".repeat(SHORT);
        for (p, i) in [("*haiku*", "HAIKU"), ("*aab*", "aaab"), ("*-mini", "-mini"), ("*Ab*c*", "aAbxC")] {
            for ci in [true, false] {
                let (fast, slow) = both(p, ci);
                for input in [i.to_string(), format!("{pad}{i}"), format!("{i}{pad}"), format!("{pad}{i}{pad}")] {
                    assert_eq!(fast.is_match(&input), slow.is_match(&input), "pattern {p:?} ci {ci} input {input:?}");
                }
            }
        }
    }

    #[test]
    fn complex_patterns_use_globset() {
        let (g, _) = both("gpt-4[o.]?*", true);
        assert!(g.simple.is_none());
        assert!(g.is_match("gpt-4o-mini"));
        assert!(g.is_match("GPT-4.1"));
        assert!(!g.is_match("gpt-4"));
        let (g, _) = both("claude-*", false);
        assert!(!g.is_match("Claude-x"));
        assert!(g.is_match("claude-x"));
    }
}
