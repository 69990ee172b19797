//! Glob matching for model names and header values. Globs are parsed by
//! globset (so syntax and errors are globset's), but the common case — only
//! `*` wildcards, ASCII pattern and input — is matched by a small
//! allocation-free matcher that is several times faster than going through
//! globset's regex. `*` matches any run of characters, `/` included.

use globset::{Candidate, GlobMatcher};

/// A compiled glob.
#[derive(Debug, Clone)]
pub(crate) struct Glob {
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
    /// Wraps a globset matcher built from `pattern`.
    pub(crate) fn new(matcher: GlobMatcher, pattern: &str, case_insensitive: bool) -> Glob {
        let simple = (pattern.is_ascii() && !pattern.contains(['?', '[', ']', '{', '}', '\\'])).then(|| {
            pattern.split('*').map(|s| if case_insensitive { s.to_ascii_lowercase() } else { s.to_string() }).collect()
        });
        Glob { matcher, simple, case_insensitive }
    }

    /// Whether `text` matches the whole glob.
    pub(crate) fn is_match(&self, text: &str) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;
    use globset::GlobBuilder;

    fn both(pattern: &str, ci: bool) -> (Glob, GlobMatcher) {
        let m = GlobBuilder::new(pattern).case_insensitive(ci).build().unwrap().compile_matcher();
        (Glob::new(m.clone(), pattern, ci), m)
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
