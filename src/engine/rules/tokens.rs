//! Prompt token counting for `longContext` rules. `count_tokens` gives exact
//! cl100k_base counts (identical to tiktoken-rs `encode_ordinary(..).len()`)
//! but runs a hand-written pre-tokenizer in place of the fancy-regex split and
//! caches byte-pair merges per call, so a 500 KB prompt counts in a few
//! milliseconds. The vocabulary comes from tiktoken-rs and is loaded once.
//! `estimate_tokens` is a bytes/4 estimate over the same text, without
//! allocating.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::io;
use std::sync::OnceLock;

use serde_json::Value;

use super::request::{field, messages, tools};
use crate::protocol::Protocol;

/// FxHash (rustc-hash): fast, non-cryptographic; keys here are not attacker-chosen in a
/// way that matters (a slow prompt only slows its own request).
type FxBuild = rustc_hash::FxBuildHasher;

/// Tokens of at most this many bytes are keyed by a packed `u64`.
const SHORT: usize = 7;

/// `bytes` (at most [`SHORT`]) packed with their length in the top byte.
#[inline]
fn short_key(bytes: &[u8]) -> u64 {
    let mut k = [0u8; 8];
    k[..bytes.len()].copy_from_slice(bytes);
    u64::from_le_bytes(k) | ((bytes.len() as u64) << 56)
}

struct Tokenizer {
    /// cl100k_base ranks of tokens of at most [`SHORT`] bytes.
    short: HashMap<u64, u32, FxBuild>,
    /// cl100k_base ranks of longer tokens.
    long: HashMap<Box<[u8]>, u32, FxBuild>,
    /// Non-ASCII chars that are `Alphabetic` but not `\p{L}` (sorted).
    not_letters: Vec<char>,
    /// Class of every Basic Multilingual Plane char (index = code point).
    bmp: Vec<Class>,
}

/// Build the cl100k tables now (the cache warmer at start) rather than on the first
/// request that counts tokens (~0.1-0.3 s).
pub fn load_tokenizer() {
    tokenizer();
}

fn tokenizer() -> &'static Tokenizer {
    static TOKENIZER: OnceLock<Tokenizer> = OnceLock::new();
    TOKENIZER.get_or_init(|| {
        let bpe = tiktoken_rs::cl100k_base().expect("cl100k_base vocabulary is bundled");
        let mut short = HashMap::with_capacity_and_hasher(70_000, FxBuild::default());
        let mut long = HashMap::with_capacity_and_hasher(40_000, FxBuild::default());
        for rank in 0..100_256u32 {
            if let Ok(bytes) = bpe.decode_bytes(&[rank]) {
                if bytes.len() <= SHORT {
                    short.insert(short_key(&bytes), rank);
                } else {
                    long.insert(bytes.into_boxed_slice(), rank);
                }
            }
        }
        // char::is_alphabetic is \p{L} plus Nl and Other_Alphabetic; the
        // regex crate knows \p{L} exactly, so list the difference once.
        let alphabetic: String =
            (0x80u32..=0x10_FFFF).filter_map(char::from_u32).filter(|c| c.is_alphabetic()).collect();
        let non_letter = regex::Regex::new(r"\P{L}").expect("static regex");
        let mut not_letters: Vec<char> =
            non_letter.find_iter(&alphabetic).filter_map(|m| m.as_str().chars().next()).collect();
        not_letters.sort_unstable();
        let mut tk = Tokenizer { short, long, not_letters, bmp: Vec::new() };
        tk.bmp = (0..=0xFFFFu32).map(|cp| char::from_u32(cp).map_or(Class::Other, |c| tk.class_slow(c))).collect();
        tk
    })
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Class {
    Letter,
    Number,
    Space,
    Other,
}

const fn ascii_classes() -> [Class; 128] {
    let mut t = [Class::Other; 128];
    let mut i = 0;
    while i < 128 {
        let b = i as u8;
        t[i] = if b.is_ascii_alphabetic() {
            Class::Letter
        } else if b.is_ascii_digit() {
            Class::Number
        } else if matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
            Class::Space
        } else {
            Class::Other
        };
        i += 1;
    }
    t
}

static ASCII_CLASS: [Class; 128] = ascii_classes();

impl Tokenizer {
    #[inline]
    fn class(&self, c: char) -> Class {
        if c.is_ascii() {
            ASCII_CLASS[c as usize]
        } else if let Some(&class) = self.bmp.get(c as usize) {
            class
        } else {
            self.class_slow(c)
        }
    }

    fn class_slow(&self, c: char) -> Class {
        if c.is_ascii() {
            ASCII_CLASS[c as usize]
        } else if c.is_alphabetic() && self.not_letters.binary_search(&c).is_err() {
            Class::Letter
        } else if c.is_numeric() {
            Class::Number
        } else if c.is_whitespace() {
            Class::Space
        } else {
            Class::Other
        }
    }

    /// Calls `f` with each piece of cl100k's pre-tokenizer, equivalent to
    /// `'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+|
    /// ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s`.
    fn for_each_piece<'t>(&self, text: &'t str, mut f: impl FnMut(&'t str)) {
        let mut i = 0;
        while i < text.len() {
            let end = self.piece_end(text, i);
            f(&text[i..end]);
            i = end;
        }
    }

    #[inline]
    fn char_at(text: &str, i: usize) -> Option<char> {
        let b = *text.as_bytes().get(i)?;
        if b < 0x80 {
            Some(b as char)
        } else {
            text[i..].chars().next()
        }
    }

    /// End of the run of `class` chars starting at `i`.
    #[inline]
    fn run_end(&self, text: &str, mut i: usize, class: Class) -> usize {
        let bytes = text.as_bytes();
        while i < bytes.len() {
            let b = bytes[i];
            if b < 0x80 {
                if self.class(b as char) != class {
                    break;
                }
                i += 1;
            } else {
                let c = text[i..].chars().next().unwrap_or('\0');
                if self.class(c) != class {
                    break;
                }
                i += c.len_utf8();
            }
        }
        i
    }

    fn piece_end(&self, text: &str, i: usize) -> usize {
        let c = Self::char_at(text, i).unwrap_or('\0');
        let next = i + c.len_utf8();
        let class = self.class(c);
        let c2 = Self::char_at(text, next);
        // '(?i:[sdmt]|ll|ve|re)
        if c == '\'' {
            if let Some(c2) = c2 {
                if matches!(c2, 's' | 'S' | 'd' | 'D' | 'm' | 'M' | 't' | 'T' | 'ſ') {
                    return next + c2.len_utf8();
                }
                let rest = &text.as_bytes()[next..];
                if rest.len() >= 2 {
                    let two = [rest[0].to_ascii_lowercase(), rest[1].to_ascii_lowercase()];
                    if matches!(&two, b"ll" | b"ve" | b"re") {
                        return next + 2;
                    }
                }
            }
        }
        // [^\r\n\p{L}\p{N}]?+\p{L}++
        if class == Class::Letter {
            return self.run_end(text, next, Class::Letter);
        }
        if class != Class::Number && c != '\r' && c != '\n' {
            if let Some(c2) = c2 {
                if self.class(c2) == Class::Letter {
                    return self.run_end(text, next + c2.len_utf8(), Class::Letter);
                }
            }
        }
        // \p{N}{1,3}+
        if class == Class::Number {
            let mut end = next;
            for _ in 0..2 {
                match Self::char_at(text, end) {
                    Some(d) if self.class(d) == Class::Number => end += d.len_utf8(),
                    _ => break,
                }
            }
            return end;
        }
        // ' ?[^\s\p{L}\p{N}]++[\r\n]*+'
        let punct_start = if c == ' ' { next } else { i };
        if Self::char_at(text, punct_start).is_some_and(|p| self.class(p) == Class::Other) {
            let mut end = self.run_end(text, punct_start, Class::Other);
            let bytes = text.as_bytes();
            while end < bytes.len() && (bytes[end] == b'\r' || bytes[end] == b'\n') {
                end += 1;
            }
            return end;
        }
        // Whitespace alternatives. Here `class == Space`.
        let bytes = text.as_bytes();
        let mut end = i;
        let mut last_char_start = i;
        let mut last_newline_end = None;
        while end < bytes.len() {
            let Some(w) = Self::char_at(text, end) else {
                break;
            };
            if self.class(w) != Class::Space {
                break;
            }
            last_char_start = end;
            end += w.len_utf8();
            if w == '\r' || w == '\n' {
                last_newline_end = Some(end);
            }
        }
        if end == bytes.len() {
            return end; // \s++$
        }
        if let Some(nl) = last_newline_end {
            return nl; // \s*[\r\n]
        }
        if last_char_start > i {
            return last_char_start; // \s+(?!\S)
        }
        next // \s
    }

    /// Number of cl100k tokens in one pre-tokenized piece.
    fn piece_tokens(&self, piece: &[u8]) -> u32 {
        if self.rank(piece) != u32::MAX {
            1
        } else {
            self.merged_tokens(piece) as u32
        }
    }

    /// Number of cl100k tokens in one pre-tokenized piece that is not itself
    /// a token.
    fn merged_tokens(&self, piece: &[u8]) -> usize {
        if piece.len() < 128 {
            self.merge_small(piece)
        } else {
            self.merge_large(piece)
        }
    }

    #[inline]
    fn rank(&self, bytes: &[u8]) -> u32 {
        let r = if bytes.len() <= SHORT { self.short.get(&short_key(bytes)) } else { self.long.get(bytes) };
        r.copied().unwrap_or(u32::MAX)
    }

    /// tiktoken's quadratic merge on a stack buffer; fastest for short
    /// pieces (fewer than 128 bytes).
    fn merge_small(&self, piece: &[u8]) -> usize {
        debug_assert!(piece.len() >= 2 && piece.len() < 128);
        // (start, rank of the pair starting here)
        let mut parts = [(0u32, u32::MAX); 130];
        let mut len = piece.len() + 1;
        let mut min = (u32::MAX, usize::MAX);
        for i in 0..piece.len() - 1 {
            let r = self.rank(&piece[i..i + 2]);
            if r < min.0 {
                min = (r, i);
            }
            parts[i] = (i as u32, r);
        }
        parts[piece.len() - 1] = (piece.len() as u32 - 1, u32::MAX);
        parts[piece.len()] = (piece.len() as u32, u32::MAX);
        let get = |parts: &[(u32, u32)], len: usize, i: usize| {
            if i + 3 < len {
                self.rank(&piece[parts[i].0 as usize..parts[i + 3].0 as usize])
            } else {
                u32::MAX
            }
        };
        while min.0 != u32::MAX {
            let i = min.1;
            if i > 0 {
                parts[i - 1].1 = get(&parts, len, i - 1);
            }
            parts[i].1 = get(&parts, len, i);
            parts.copy_within(i + 2..len, i + 1);
            len -= 1;
            min = (u32::MAX, usize::MAX);
            for (j, &(_, r)) in parts[..len - 1].iter().enumerate() {
                if r < min.0 {
                    min = (r, j);
                }
            }
        }
        len - 1
    }

    /// Heap-based merge, O(n log n); same order as tiktoken (lowest rank
    /// first, leftmost among equals).
    fn merge_large(&self, piece: &[u8]) -> usize {
        let n = piece.len();
        let mut next: Vec<usize> = (1..=n).collect();
        let mut prev: Vec<usize> = (0..n).map(|i| i.wrapping_sub(1)).collect();
        let mut alive = vec![true; n];
        let mut rank_at = vec![u32::MAX; n];
        let mut heap = BinaryHeap::with_capacity(n);
        for i in 0..n - 1 {
            let r = self.rank(&piece[i..i + 2]);
            rank_at[i] = r;
            if r != u32::MAX {
                heap.push(Reverse((r, i)));
            }
        }
        let mut count = n;
        while let Some(Reverse((r, i))) = heap.pop() {
            if !alive[i] || rank_at[i] != r {
                continue;
            }
            let j = next[i];
            alive[j] = false;
            next[i] = next[j];
            if next[j] < n {
                prev[next[j]] = i;
            }
            count -= 1;
            for k in [i, prev[i]] {
                if k >= n {
                    continue;
                }
                let a = next[k];
                let r = if a < n { self.rank(&piece[k..next[a]]) } else { u32::MAX };
                rank_at[k] = r;
                if r != u32::MAX {
                    heap.push(Reverse((r, k)));
                }
            }
        }
        count
    }

    /// Tokens in `text`. Every distinct piece goes through the per-call
    /// cache, which is small enough to stay in CPU cache, so the 100k-entry
    /// vocabulary is probed once per distinct piece rather than per piece.
    fn count_text<'t>(&self, text: &'t str, cache: &mut PieceCache<'t>) -> u64 {
        let mut total = 0u64;
        self.for_each_piece(text, |piece| {
            let bytes = piece.as_bytes();
            let n = if bytes.len() == 1 {
                1
            } else if bytes.len() <= SHORT {
                *cache.short.entry(short_key(bytes)).or_insert_with(|| self.piece_tokens(bytes))
            } else {
                *cache.long.entry(bytes).or_insert_with(|| self.piece_tokens(bytes))
            };
            total += u64::from(n);
        });
        total
    }
}

/// Token counts of the distinct pieces seen during one count.
#[derive(Default)]
struct PieceCache<'t> {
    short: HashMap<u64, u32, FxBuild>,
    long: HashMap<&'t [u8], u32, FxBuild>,
}

/// One piece of countable request text.
enum Seg<'v> {
    Text(&'v str),
    /// Counted as its compact JSON serialization.
    Json(&'v Value),
}

fn walk_anthropic_block<'v>(block: &'v Value, f: &mut dyn FnMut(Seg<'v>)) {
    let get = |k: &str| field(block, k);
    match get("type").and_then(Value::as_str) {
        Some("text") => {
            if let Some(t) = get("text").and_then(Value::as_str) {
                f(Seg::Text(t));
            }
        }
        Some("thinking") => {
            if let Some(t) = get("thinking").and_then(Value::as_str) {
                f(Seg::Text(t));
            }
        }
        Some("tool_use") | Some("server_tool_use") => {
            if let Some(n) = get("name").and_then(Value::as_str) {
                f(Seg::Text(n));
            }
            if let Some(input) = get("input") {
                f(Seg::Json(input));
            }
        }
        Some("tool_result") => match get("content") {
            Some(Value::String(s)) => f(Seg::Text(s)),
            Some(Value::Array(blocks)) => {
                for b in blocks {
                    walk_anthropic_block(b, f);
                }
            }
            _ => {}
        },
        _ => {}
    }
}

fn walk<'v>(protocol: Protocol, body: &'v Value, f: &mut dyn FnMut(Seg<'v>)) {
    match protocol {
        Protocol::Anthropic => {
            match field(body, "system") {
                Some(Value::String(s)) => f(Seg::Text(s)),
                Some(Value::Array(blocks)) => {
                    for b in blocks {
                        walk_anthropic_block(b, f);
                    }
                }
                _ => {}
            }
            for m in messages(body) {
                match field(m, "content") {
                    Some(Value::String(s)) => f(Seg::Text(s)),
                    Some(Value::Array(blocks)) => {
                        for b in blocks {
                            walk_anthropic_block(b, f);
                        }
                    }
                    _ => {}
                }
            }
        }
        Protocol::Openai => {
            for m in messages(body) {
                match field(m, "content") {
                    Some(Value::String(s)) => f(Seg::Text(s)),
                    Some(Value::Array(parts)) => {
                        for p in parts {
                            if let Some(t) = field(p, "text").and_then(Value::as_str) {
                                f(Seg::Text(t));
                            }
                        }
                    }
                    _ => {}
                }
                if let Some(t) = field(m, "reasoning_content").and_then(Value::as_str) {
                    f(Seg::Text(t));
                }
                let calls = field(m, "tool_calls").and_then(Value::as_array);
                for call in calls.map(Vec::as_slice).unwrap_or(&[]) {
                    if let Some(func) = field(call, "function") {
                        if let Some(n) = field(func, "name").and_then(Value::as_str) {
                            f(Seg::Text(n));
                        }
                        match field(func, "arguments") {
                            Some(Value::String(a)) => f(Seg::Text(a)),
                            Some(v @ Value::Object(_)) => f(Seg::Json(v)),
                            _ => {}
                        }
                    }
                }
            }
            if let Some(funcs) = field(body, "functions").and_then(Value::as_array) {
                for func in funcs {
                    f(Seg::Json(func));
                }
            }
        }
        // Gemini `generateContent`: the system instruction and every part of every turn
        // (text as text; function calls, responses and inline data as their JSON).
        Protocol::Gemini => {
            let system = field(body, "systemInstruction").and_then(|s| field(s, "parts"));
            let turns = field(body, "contents").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
            let parts = system
                .into_iter()
                .chain(turns.iter().filter_map(|t| field(t, "parts")))
                .filter_map(Value::as_array)
                .flatten();
            for p in parts {
                match field(p, "text").and_then(Value::as_str) {
                    Some(t) => f(Seg::Text(t)),
                    None => f(Seg::Json(p)),
                }
            }
        }
    }
    for tool in tools(body) {
        f(Seg::Json(tool));
    }
}

/// Exact prompt size in cl100k_base tokens: system prompt, every message's
/// text, thinking text, tool_use inputs and tool_call arguments, tool
/// results, and tool schemas (as compact JSON). Images and per-message
/// framing are not counted.
pub fn count_tokens(protocol: Protocol, body: &Value) -> u64 {
    let tk = tokenizer();
    let mut texts: Vec<&str> = Vec::new();
    let mut json: Vec<&Value> = Vec::new();
    walk(protocol, body, &mut |seg| match seg {
        Seg::Text(t) => texts.push(t),
        Seg::Json(v) => json.push(v),
    });
    let serialized: Vec<String> = json.iter().map(|v| v.to_string()).collect();
    let mut cache = PieceCache {
        short: HashMap::with_capacity_and_hasher(8192, FxBuild::default()),
        long: HashMap::with_capacity_and_hasher(2048, FxBuild::default()),
    };
    let mut total = 0;
    for t in texts.iter().copied().chain(serialized.iter().map(String::as_str)) {
        total += tk.count_text(t, &mut cache);
    }
    total
}

/// Exact cl100k_base token count of one string (ordinary text; special
/// tokens are not recognised).
pub fn count_text_tokens(text: &str) -> u64 {
    tokenizer().count_text(text, &mut PieceCache::default())
}

struct ByteCounter(usize);

impl io::Write for ByteCounter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Bytes of the text [`count_tokens`] would count, without allocating.
pub fn countable_bytes(protocol: Protocol, body: &Value) -> u64 {
    let mut bytes = 0usize;
    walk(protocol, body, &mut |seg| match seg {
        Seg::Text(t) => bytes += t.len(),
        Seg::Json(v) => {
            let mut w = ByteCounter(0);
            if serde_json::to_writer(&mut w, v).is_ok() {
                bytes += w.0;
            }
        }
    });
    bytes as u64
}

/// Cheap estimate of [`count_tokens`]: a quarter of the bytes of the same
/// text, rounded up. Typically within ±30% for English prose and code.
pub fn estimate_tokens(protocol: Protocol, body: &Value) -> u64 {
    countable_bytes(protocol, body).div_ceil(4)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn reference() -> &'static tiktoken_rs::CoreBPE {
        static BPE: OnceLock<tiktoken_rs::CoreBPE> = OnceLock::new();
        BPE.get_or_init(|| tiktoken_rs::cl100k_base().unwrap())
    }

    fn reference_pieces(text: &str) -> Vec<String> {
        let bpe = reference();
        // Split the reference tokens back into strings for a readable diff.
        bpe.encode_ordinary(text)
            .iter()
            .map(|t| String::from_utf8_lossy(&bpe.decode_bytes(&[*t]).unwrap()).into_owned())
            .collect()
    }

    fn assert_exact(text: &str) {
        let want = reference().encode_ordinary(text).len() as u64;
        let got = count_text_tokens(text);
        assert_eq!(
            got,
            want,
            "text {:?}\nreference tokens {:?}",
            text.chars().take(200).collect::<String>(),
            reference_pieces(text).into_iter().take(80).collect::<Vec<_>>()
        );
    }

    #[test]
    fn exact_on_handwritten_edge_cases() {
        for t in [
            "",
            "a",
            "Hello, world!",
            "I'm sure they'll say it's John's, we've, you're, I'd, she'S, 'LL 'Ve",
            "  leading spaces and trailing   ",
            "line1\nline2\r\n\r\n   indented\n\n\n",
            "tabs\tand\t\tmore\t \t x",
            "numbers 1234567 3.14159 1,000,000 ²³ ½ Ⅻ",
            "fn main() {\n    println!(\"{}\", x);\n}\n",
            "    ",
            "\n   ",
            " \n \n x",
            "!!!???...,,,;;;\n\nabc",
            "(hello) [world] {foo} <bar/>",
            "日本語のテキストと漢字、そしてカタカナ。",
            "emoji 😀👍🏽 and symbols ∑∫√ → ←",
            "Ελληνικά кириллица עברית العربية हिन्दी किताब",
            "combining: e\u{301} a\u{308}o\u{308} \u{0915}\u{093f}",
            "ſome long s 'ſ and Kelvin K",
            "\u{3000}ideographic\u{3000}\u{3000}space\u{a0}nbsp\u{2028}",
            "<|endoftext|> is ordinary here",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        ] {
            assert_exact(t);
        }
    }

    #[test]
    fn exact_on_long_runs_using_heap_merge() {
        assert_exact(&"=".repeat(5000));
        assert_exact(&"ab".repeat(3000));
        assert_exact(&" ".repeat(4000));
        assert_exact(&format!("{}x", " ".repeat(300)));
        assert_exact(&"xyzzyplugh".repeat(100));
        assert_exact(&"é".repeat(700));
    }

    #[test]
    fn exact_on_pseudo_random_mixtures() {
        let alphabet: Vec<char> =
            "aZq'sdtlmvre \t\n\r09١٢½Ⅻ!?.,-_(){}\"'é日本😀\u{301}\u{3000}\u{a0}ſ/\\#@".chars().collect();
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for round in 0..300 {
            let len = 1 + (round * 7) % 90;
            let mut s = String::new();
            for _ in 0..len {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                s.push(alphabet[(state % alphabet.len() as u64) as usize]);
            }
            assert_exact(&s);
        }
    }

    #[test]
    fn exact_on_own_source() {
        assert_exact(include_str!("tokens.rs"));
        assert_exact(include_str!("model.rs"));
    }

    fn claude_code_body(user_text: &str) -> Value {
        json!({
            "model": "claude-sonnet-4-20250514",
            "max_tokens": 32000,
            "system": [
                {"type": "text", "text": "You are Claude Code, Anthropic's official CLI for Claude."},
                {"type": "text", "text": "Use the tools to help the user.", "cache_control": {"type": "ephemeral"}}
            ],
            "messages": [
                {"role": "user", "content": [{"type": "text", "text": user_text}]},
                {"role": "assistant", "content": [
                    {"type": "thinking", "thinking": "Let me read the file.", "signature": "sig"},
                    {"type": "tool_use", "id": "toolu_1", "name": "Read", "input": {"file_path": "/src/main.rs"}}
                ]},
                {"role": "user", "content": [
                    {"type": "tool_result", "tool_use_id": "toolu_1", "content": [{"type": "text", "text": "fn main() {}"}]},
                    {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}}
                ]}
            ],
            "tools": [{"name": "Read", "description": "Read a file", "input_schema": {"type": "object", "properties": {"file_path": {"type": "string"}}}}],
            "metadata": {"user_id": "user_abc"}
        })
    }

    #[test]
    fn anthropic_body_counts_every_text_source() {
        let body = claude_code_body("Fix the bug please.");
        let parts = [
            "You are Claude Code, Anthropic's official CLI for Claude.",
            "Use the tools to help the user.",
            "Fix the bug please.",
            "Let me read the file.",
            "Read",
            r#"{"file_path":"/src/main.rs"}"#,
            "fn main() {}",
            r#"{"name":"Read","description":"Read a file","input_schema":{"type":"object","properties":{"file_path":{"type":"string"}}}}"#,
        ];
        let want: u64 = parts.iter().map(|p| count_text_tokens(p)).sum();
        assert_eq!(count_tokens(Protocol::Anthropic, &body), want);
        let bytes: usize = parts.iter().map(|p| p.len()).sum();
        assert_eq!(countable_bytes(Protocol::Anthropic, &body), bytes as u64);
        assert_eq!(estimate_tokens(Protocol::Anthropic, &body), (bytes as u64).div_ceil(4));
    }

    #[test]
    fn openai_body_counts_every_text_source() {
        let body = json!({
            "model": "gpt-4o",
            "messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": [{"type": "text", "text": "What is in this image?"},
                                              {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}}]},
                {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function",
                    "function": {"name": "lookup", "arguments": "{\"q\":\"cats\"}"}}]},
                {"role": "tool", "tool_call_id": "c1", "content": "three cats"}
            ],
            "tools": [{"type": "function", "function": {"name": "lookup", "parameters": {"type": "object"}}}]
        });
        let parts = [
            "Be brief.",
            "What is in this image?",
            "lookup",
            "{\"q\":\"cats\"}",
            "three cats",
            r#"{"type":"function","function":{"name":"lookup","parameters":{"type":"object"}}}"#,
        ];
        let want: u64 = parts.iter().map(|p| count_text_tokens(p)).sum();
        assert_eq!(count_tokens(Protocol::Openai, &body), want);
        // Read as Anthropic, the OpenAI-only tool_calls are not seen.
        assert!(count_tokens(Protocol::Anthropic, &body) < want);
    }

    #[test]
    fn gemini_body_counts_the_system_instruction_and_every_part() {
        let call = json!({"functionCall": {"name": "lookup", "args": {"q": "cats"}}});
        let body = json!({
            "systemInstruction": {"parts": [{"text": "Be brief."}]},
            "contents": [
                {"role": "user", "parts": [{"text": "How many cats?"}]},
                {"role": "model", "parts": [call]}
            ],
            "tools": [{"functionDeclarations": [{"name": "lookup"}]}]
        });
        let want = count_text_tokens("Be brief.")
            + count_text_tokens("How many cats?")
            + count_text_tokens(&call.to_string())
            + count_text_tokens(r#"{"functionDeclarations":[{"name":"lookup"}]}"#);
        assert_eq!(count_tokens(Protocol::Gemini, &body), want);
        assert_eq!(
            count_tokens(Protocol::Anthropic, &body),
            count_text_tokens(r#"{"functionDeclarations":[{"name":"lookup"}]}"#)
        );
    }

    #[test]
    fn estimate_is_close_for_prose() {
        let text = include_str!("model.rs").repeat(3);
        let body = json!({"messages": [{"role": "user", "content": text}]});
        let exact = count_tokens(Protocol::Anthropic, &body) as f64;
        let est = estimate_tokens(Protocol::Anthropic, &body) as f64;
        assert!(est > exact * 0.6 && est < exact * 1.6, "exact {exact} est {est}");
    }

    #[test]
    fn string_system_prompt_is_counted() {
        let a = json!({"system": "one two three", "messages": []});
        assert_eq!(count_tokens(Protocol::Anthropic, &a), 3);
        assert_eq!(count_tokens(Protocol::Openai, &a), 0);
    }
}
