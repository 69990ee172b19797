//! A direct reader of usage objects, the proxy's per-response fast path.
//!
//! Every response and stream carries one or two small usage objects. Callgrind put serde's
//! derived reader at ~3k instructions for each one (a stream's `message_start` and
//! `message_delta` were ~6k of the relay's work), most of it matching every key against
//! the thirteen field names of [`UsagePeek`]. This walks the object once and reads the
//! counters in place.
//!
//! It answers only for a well-formed object of the expected shape. It gives up (None)
//! when serde might answer differently: a key with escapes, a counter that is not a plain
//! unsigned integer, a counter given twice, or anything malformed. The caller then parses
//! with serde as before, so an odd object costs the old time and never gets another result.
//! The one difference is inside values it skips (unknown keys): there it checks nesting and
//! string ends but not every JSON rule. A broken value serde would refuse can still yield
//! the counters around it.

use super::{DetailsPeek, UsagePeek};

/// A value as the reader sees it.
enum Value<'a> {
    /// A non-negative integer without sign, fraction, exponent or leading zero.
    Uint(u64),
    Null,
    /// An object, braces included.
    Object(&'a [u8]),
    /// Anything else (string, array, boolean, other numbers), skipped.
    Other,
}

impl UsagePeek {
    /// Read a usage object at the start of `b` (leading whitespace allowed). Returns it and
    /// the bytes it took, or None to leave it to serde.
    pub(crate) fn scan(b: &[u8]) -> Option<(UsagePeek, usize)> {
        let mut u = UsagePeek::default();
        let mut seen = 0u32;
        let n = object(b, |key, v| {
            let (bit, slot) = match key {
                b"input_tokens" => (0, &mut u.input_tokens),
                b"output_tokens" => (1, &mut u.output_tokens),
                b"cache_creation_input_tokens" => (2, &mut u.cache_creation_input_tokens),
                b"cache_read_input_tokens" => (3, &mut u.cache_read_input_tokens),
                b"prompt_tokens" => (4, &mut u.prompt_tokens),
                b"completion_tokens" => (5, &mut u.completion_tokens),
                b"prompt_cache_hit_tokens" => (6, &mut u.prompt_cache_hit_tokens),
                b"promptTokenCount" => (7, &mut u.prompt_token_count),
                b"candidatesTokenCount" => (8, &mut u.candidates_token_count),
                b"cachedContentTokenCount" => (9, &mut u.cached_content_token_count),
                b"thoughtsTokenCount" => (10, &mut u.thoughts_token_count),
                b"prompt_tokens_details" => return once(&mut seen, 11) && details(v, &mut u.prompt_tokens_details),
                b"completion_tokens_details" => {
                    return once(&mut seen, 12) && details(v, &mut u.completion_tokens_details)
                }
                _ => return true,
            };
            once(&mut seen, bit) && counter(v, slot)
        })?;
        Some((u, n))
    }
}

/// False when `bit` was seen before (serde refuses a field given twice).
fn once(seen: &mut u32, bit: u32) -> bool {
    let fresh = *seen & (1 << bit) == 0;
    *seen |= 1 << bit;
    fresh
}

fn counter(v: Value<'_>, slot: &mut Option<u64>) -> bool {
    match v {
        Value::Uint(n) => *slot = Some(n),
        Value::Null => *slot = None,
        _ => return false,
    }
    true
}

fn details(v: Value<'_>, slot: &mut Option<DetailsPeek>) -> bool {
    match v {
        Value::Null => *slot = None,
        Value::Object(b) => {
            let mut d = DetailsPeek::default();
            let mut seen = 0u32;
            let read = object(b, |key, v| match key {
                b"cached_tokens" => once(&mut seen, 0) && counter(v, &mut d.cached_tokens),
                b"reasoning_tokens" => once(&mut seen, 1) && counter(v, &mut d.reasoning_tokens),
                _ => true,
            });
            if read != Some(b.len()) {
                return false;
            }
            *slot = Some(d);
        }
        _ => return false,
    }
    true
}

fn ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// Walk the object at the start of `b`, calling `field` with each key and value; the
/// bytes taken, or None when it is malformed or `field` says false.
fn object<'a>(b: &'a [u8], mut field: impl FnMut(&[u8], Value<'a>) -> bool) -> Option<usize> {
    let mut i = ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i = ws(b, i + 1);
    if b.get(i) == Some(&b'}') {
        return Some(i + 1);
    }
    loop {
        if b.get(i) != Some(&b'"') {
            return None;
        }
        let len = memchr::memchr2(b'"', b'\\', &b[i + 1..])?;
        if b[i + 1 + len] != b'"' {
            return None; // an escaped key: leave it to serde
        }
        let key = &b[i + 1..i + 1 + len];
        i = ws(b, i + len + 2);
        if b.get(i) != Some(&b':') {
            return None;
        }
        i = ws(b, i + 1);
        let (v, end) = value(b, i)?;
        if !field(key, v) {
            return None;
        }
        i = ws(b, end);
        match b.get(i) {
            Some(b',') => i = ws(b, i + 1),
            Some(b'}') => return Some(i + 1),
            _ => return None,
        }
    }
}

/// The value starting at `b[i]` and where it ends.
fn value(b: &[u8], i: usize) -> Option<(Value<'_>, usize)> {
    match *b.get(i)? {
        b'"' => Some((Value::Other, string_end(b, i)?)),
        b'{' => {
            let end = nested_end(b, i)?;
            Some((Value::Object(&b[i..end]), end))
        }
        b'[' => Some((Value::Other, nested_end(b, i)?)),
        b'n' => b[i..].starts_with(b"null").then_some((Value::Null, i + 4)),
        b't' => b[i..].starts_with(b"true").then_some((Value::Other, i + 4)),
        b'f' => b[i..].starts_with(b"false").then_some((Value::Other, i + 5)),
        b'-' | b'0'..=b'9' => {
            // Digits first, into a u64 while they fit; then the rest of the number, if any.
            let mut j = i;
            let mut n: Option<u64> = Some(0);
            while let Some(d) = b.get(j).filter(|c| c.is_ascii_digit()) {
                n = n.and_then(|n| n.checked_mul(10)?.checked_add(u64::from(d - b'0')));
                j += 1;
            }
            let digits = j - i;
            while b.get(j).is_some_and(|c| matches!(c, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')) {
                j += 1;
            }
            let plain = digits > 0 && j == i + digits && (digits == 1 || b[i] != b'0');
            Some((n.filter(|_| plain).map_or(Value::Other, Value::Uint), j))
        }
        _ => None,
    }
}

/// The end (one past the closing quote) of the string starting at `b[i]`.
fn string_end(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    loop {
        j += memchr::memchr2(b'"', b'\\', &b[j..])?;
        if b[j] == b'"' {
            return Some(j + 1);
        }
        j += 2; // a backslash and the byte it escapes
        if j > b.len() {
            return None;
        }
    }
}

/// The end (one past the closing bracket) of the object or array starting at `b[i]`.
fn nested_end(b: &[u8], i: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut j = i;
    while j < b.len() {
        match b[j] {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(j + 1);
                }
            }
            b'"' => {
                j = string_end(b, j)?;
                continue;
            }
            _ => {}
        }
        j += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serde(b: &[u8]) -> Option<UsagePeek> {
        let mut it = serde_json::Deserializer::from_slice(b).into_iter::<UsagePeek>();
        it.next()?.ok()
    }

    #[test]
    fn reads_what_serde_reads_on_every_provider_shape() {
        for doc in [
            r#"{"input_tokens":12,"output_tokens":1,"cache_read_input_tokens":3,"cache_creation_input_tokens":2}"#,
            r#"{"input_tokens": 5, "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
               "output_tokens": 300, "service_tier": "standard", "server_tool_use": {"web_search_requests": 1}}"#,
            r#"{"output_tokens":7}"#,
            r#"{}"#,
            r#" { "input_tokens" : null , "output_tokens" : 0 } "#,
            r#"{"prompt_tokens":100,"completion_tokens":20,"total_tokens":120,
               "prompt_tokens_details":{"cached_tokens":64,"audio_tokens":0},
               "completion_tokens_details":{"reasoning_tokens":8,"accepted_prediction_tokens":0}}"#,
            r#"{"prompt_tokens":9,"prompt_tokens_details":null,"prompt_cache_hit_tokens":4,"prompt_cache_miss_tokens":5}"#,
            r#"{"promptTokenCount":10,"candidatesTokenCount":4,"totalTokenCount":20,"thoughtsTokenCount":6,
               "cachedContentTokenCount":2,"promptTokensDetails":[{"modality":"TEXT","tokenCount":10}]}"#,
            r#"{"note":"a \"quoted\" } ] { [ value","input_tokens":18446744073709551615,"list":[1,-2.5e3,{"x":[]}],"t":true,"f":false}"#,
        ] {
            let (got, n) = UsagePeek::scan(doc.as_bytes()).unwrap_or_else(|| panic!("no scan of {doc}"));
            assert_eq!(Some(&got), serde(doc.as_bytes()).as_ref(), "{doc}");
            assert_eq!(doc[n..].trim(), "", "{doc}: takes the whole object");
        }
    }

    #[test]
    fn gives_up_wherever_serde_might_differ() {
        for doc in [
            r#"{"input_tokens":1.5}"#,
            r#"{"input_tokens":-1}"#,
            r#"{"input_tokens":1e3}"#,
            r#"{"input_tokens":012}"#,
            r#"{"input_tokens":18446744073709551616}"#,
            r#"{"input_tokens":"12"}"#,
            r#"{"input_tokens":1,"input_tokens":2}"#,
            r#"{"input_tokens":null,"input_tokens":2}"#,
            r#"{"inp\u0075t_tokens":1}"#,
            r#"{"prompt_tokens_details":{"cached_tokens":1,"cached_tokens":2}}"#,
            r#"{"prompt_tokens_details":[1]}"#,
            r#"{"input_tokens":1"#,
            r#"{"input_tokens":1,}"#,
            r#"{"input_tokens" 1}"#,
            r#"{"a":"unterminated}"#,
            r#"{"a":[1,2}"#,
            r#"null"#,
            r#""#,
        ] {
            assert!(UsagePeek::scan(doc.as_bytes()).is_none(), "{doc}");
        }
    }

    #[test]
    fn agrees_with_serde_on_generated_objects() {
        // Deterministic variety: counters, nulls, unknown keys with nested and escaped
        // values, in shuffled orders and spacing; every scanned answer must be serde's.
        let counters =
            ["input_tokens", "output_tokens", "cache_read_input_tokens", "prompt_tokens", "thoughtsTokenCount"];
        let others = [
            r#""x\\\"}""#,
            r#"[{"a":"]"},[],"\\"]"#,
            r#"{"input_tokens":999,"b":{"c":[null]}}"#,
            "true",
            "-0.5e-3",
            "null",
        ];
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move |m: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % m as u64) as usize
        };
        for _ in 0..2000 {
            let mut fields = Vec::new();
            for c in counters {
                match next(4) {
                    0 => {}
                    1 => fields.push(format!("\"{c}\":null")),
                    _ => fields.push(format!("\"{c}\":{}", next(100_000))),
                }
            }
            for _ in 0..next(3) {
                fields.push(format!("\"k{}\":{}", next(5), others[next(others.len())]));
            }
            if next(3) == 0 {
                fields.push(format!("\"prompt_tokens_details\":{{\"cached_tokens\":{},\"x\":[1]}}", next(50)));
            }
            let sep = [",", " , ", ",\n  "][next(3)];
            let doc = format!("{{{}}}", fields.join(sep));
            let (got, n) = UsagePeek::scan(doc.as_bytes()).unwrap_or_else(|| panic!("gave up on {doc}"));
            assert_eq!(Some(got), serde(doc.as_bytes()), "{doc}");
            assert_eq!(n, doc.len(), "{doc}");
        }
    }
}
