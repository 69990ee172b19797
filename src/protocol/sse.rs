//! A push-based incremental Server-Sent Events parser and writer.
//!
//! Hand-written rather than taken from a crate because the proxy needs a push
//! parser: upstream body chunks are fed in as they arrive (split anywhere, even
//! inside a UTF-8 sequence or between `\r` and `\n`) while the same chunks may
//! also be forwarded untouched. Follows the WHATWG event-stream rules: CRLF, LF
//! or CR line ends, `:` comments, `event:`/`data:` fields (one optional space
//! after the colon stripped), multiple `data:` lines joined with `\n`, events
//! dispatched on a blank line.

use std::borrow::Cow;

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SseEvent {
    /// The `event:` field, if any: borrowed for the names Anthropic streams use, so a
    /// relayed stream does not allocate one per event.
    pub event: Option<Cow<'static, str>>,
    /// All `data:` lines joined with `\n`.
    pub data: String,
}

/// Incremental parser state; feed chunks with [`SseParser::feed`].
#[derive(Debug, Default)]
pub struct SseParser {
    line: Vec<u8>,
    last_was_cr: bool,
    started: bool,
    event: Option<Cow<'static, str>>,
    data: String,
    has_data: bool,
    /// When set, `data:` of named events it rejects is not kept (the event is still
    /// dispatched, with empty data): a relay that only learns from a few event types
    /// need not copy every delta.
    keep_data: Option<fn(&str) -> bool>,
    /// Most bytes an unfinished line and an undispatched event's data may hold together
    /// (0: no limit). Past it the parser stops: see [`SseParser::over_limit`].
    limit: usize,
    over: bool,
}

impl SseParser {
    /// A parser that keeps the data only of events `keep` accepts (and of unnamed ones).
    pub fn keeping_data_of(keep: fn(&str) -> bool) -> SseParser {
        SseParser { keep_data: Some(keep), ..SseParser::default() }
    }

    /// The same parser, holding at most `bytes` of an unfinished line plus an undispatched
    /// event's data: an upstream that never ends a line (or an event) cannot make it
    /// buffer without bound.
    pub fn with_limit(mut self, bytes: usize) -> SseParser {
        self.limit = bytes;
        self
    }

    /// An unfinished line or event went past the limit: the parser has dropped what it
    /// held and ignores further input.
    pub fn over_limit(&self) -> bool {
        self.over
    }

    /// Feed one chunk; complete events are appended to `out`. Lines wholly inside the
    /// chunk are parsed in place; only a line split across chunks is copied.
    pub fn feed(&mut self, chunk: &[u8], out: &mut Vec<SseEvent>) {
        if self.over {
            return;
        }
        let mut rest = chunk;
        if self.last_was_cr {
            // The second half of a CRLF split across chunks: already handled at the CR.
            self.last_was_cr = false;
            if rest.first() == Some(&b'\n') {
                rest = &rest[1..];
            }
        }
        while let Some(i) = memchr::memchr2(b'\r', b'\n', rest) {
            if self.line.is_empty() {
                self.process_line(&rest[..i], out);
            } else {
                self.line.extend_from_slice(&rest[..i]);
                let line = std::mem::take(&mut self.line);
                self.process_line(&line, out);
                self.line = line;
                self.line.clear();
            }
            let cr = rest[i] == b'\r';
            rest = &rest[i + 1..];
            if cr {
                match rest.first() {
                    Some(b'\n') => rest = &rest[1..],
                    None => self.last_was_cr = true,
                    Some(_) => {}
                }
            }
        }
        self.line.extend_from_slice(rest);
        if self.limit != 0 && self.line.len() + self.data.len() > self.limit {
            self.over = true;
            self.line = Vec::new();
            self.data = String::new();
        }
    }

    /// End of input: dispatch a pending event that lacked its final blank
    /// line (lenient: the spec would discard it).
    pub fn flush(&mut self, out: &mut Vec<SseEvent>) {
        if !self.line.is_empty() {
            let line = std::mem::take(&mut self.line);
            self.process_line(&line, out);
            self.line = line;
            self.line.clear();
        }
        self.dispatch(out);
    }

    fn process_line(&mut self, mut line: &[u8], out: &mut Vec<SseEvent>) {
        if !self.started {
            self.started = true;
            line = line.strip_prefix("\u{feff}".as_bytes()).unwrap_or(line);
        }
        if line.is_empty() {
            self.dispatch(out);
            return;
        }
        if line[0] == b':' {
            return; // comment
        }
        let (field, value) = match memchr::memchr(b':', line) {
            Some(i) => {
                let v = &line[i + 1..];
                (&line[..i], v.strip_prefix(b" ").unwrap_or(v))
            }
            None => (line, &b""[..]),
        };
        match field {
            b"event" => self.event = Some(event_name(value)),
            b"data" => {
                let keep = match (self.keep_data, self.event.as_deref()) {
                    (Some(keep), Some(name)) => keep(name),
                    _ => true,
                };
                if keep {
                    if self.has_data {
                        self.data.push('\n');
                    }
                    push_lossy(&mut self.data, value);
                }
                self.has_data = true;
            }
            _ => {} // id, retry and unknown fields are irrelevant here
        }
    }

    fn dispatch(&mut self, out: &mut Vec<SseEvent>) {
        let event = self.event.take();
        if self.has_data {
            self.has_data = false;
            out.push(SseEvent { event, data: std::mem::take(&mut self.data) });
        }
    }
}

/// An `event:` value: a static name when it is one Anthropic streams use, else a copy.
fn event_name(value: &[u8]) -> Cow<'static, str> {
    const KNOWN: [&str; 8] = [
        "content_block_delta",
        "content_block_start",
        "content_block_stop",
        "message_start",
        "message_delta",
        "message_stop",
        "ping",
        "error",
    ];
    if let Some(name) = KNOWN.iter().find(|k| k.as_bytes() == value) {
        return Cow::Borrowed(name);
    }
    let mut name = String::with_capacity(value.len());
    push_lossy(&mut name, value);
    Cow::Owned(name)
}

/// Append `bytes` as text, invalid UTF-8 replaced by U+FFFD. Valid text (nearly always)
/// is checked once with `simdutf8`, which validates long lines (a converted stream keeps
/// every `data:` line) with SIMD and short ones with std; `String::from_utf8_lossy` walks
/// byte by byte (callgrind: ~4.4k instructions per relayed stream of the bench, the most
/// of any one function in the relay).
fn push_lossy(out: &mut String, bytes: &[u8]) {
    match simdutf8::basic::from_utf8(bytes) {
        Ok(s) => out.push_str(s),
        Err(_) => out.push_str(&String::from_utf8_lossy(bytes)),
    }
}

/// Append one event in wire form: optional `event:` line, one `data:` line per
/// line of `data`, then a blank line.
pub fn write_event(out: &mut Vec<u8>, event: Option<&str>, data: &str) {
    if let Some(e) = event {
        out.extend_from_slice(b"event: ");
        out.extend_from_slice(e.as_bytes());
        out.push(b'\n');
    }
    for line in data.split('\n') {
        out.extend_from_slice(b"data: ");
        out.extend_from_slice(line.strip_suffix('\r').unwrap_or(line).as_bytes());
        out.push(b'\n');
    }
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_split(input: &[u8], split: usize) -> Vec<SseEvent> {
        let mut p = SseParser::default();
        let mut out = Vec::new();
        for c in input.chunks(split.max(1)) {
            p.feed(c, &mut out);
        }
        out
    }

    #[test]
    fn every_split_gives_same_events() {
        let input = "\u{feff}: hello comment\r\nevent: message_start\r\ndata: {\"a\":\"é漢\"}\r\n\r\nevent: ping\ndata: one\ndata:two\n\ndata: lone cr\r\r: ignored\nid: 5\nretry: 10\nevent: only-event\n\n".as_bytes();
        let expected = vec![
            SseEvent { event: Some("message_start".into()), data: "{\"a\":\"é漢\"}".into() },
            SseEvent { event: Some("ping".into()), data: "one\ntwo".into() },
            SseEvent { event: None, data: "lone cr".into() },
        ];
        for split in 1..input.len() {
            assert_eq!(parse_split(input, split), expected, "split {split}");
        }
    }

    #[test]
    fn anthropic_event_names_are_not_copied_and_others_are_kept_as_sent() {
        let events =
            parse_split(b"event: content_block_delta\ndata: 1\n\nevent: content_block_deltax\ndata: 2\n\n", 64);
        assert!(matches!(events[0].event, Some(Cow::Borrowed("content_block_delta"))));
        assert!(matches!(&events[1].event, Some(Cow::Owned(n)) if n == "content_block_deltax"));
    }

    #[test]
    fn every_two_part_split_gives_same_events() {
        let input = b"event: a\r\ndata: x\r\n\r\ndata: y\r\rdata: z\n\n";
        let whole = parse_split(input, input.len());
        assert_eq!(whole.len(), 3);
        for i in 0..=input.len() {
            let mut p = SseParser::default();
            let mut out = Vec::new();
            p.feed(&input[..i], &mut out);
            p.feed(&input[i..], &mut out);
            assert_eq!(out, whole, "split at {i}");
        }
    }

    #[test]
    fn data_is_kept_only_for_the_events_asked_for() {
        let input = b"event: message_start\ndata: {\"a\":1}\n\nevent: content_block_delta\ndata: {\"big\":2}\n\ndata: unnamed\n\n";
        let mut p = SseParser::keeping_data_of(|e| e == "message_start");
        let mut out = Vec::new();
        p.feed(input, &mut out);
        assert_eq!(
            out,
            vec![
                SseEvent { event: Some("message_start".into()), data: "{\"a\":1}".into() },
                SseEvent { event: Some("content_block_delta".into()), data: String::new() },
                SseEvent { event: None, data: "unnamed".into() },
            ]
        );
    }

    #[test]
    fn invalid_utf8_becomes_replacement_characters() {
        let mut p = SseParser::default();
        let mut out = Vec::new();
        p.feed(b"event: a\xffb\ndata: x\xc3y \xe6\xbc\xa2\n\n", &mut out);
        assert_eq!(out, [SseEvent { event: Some("a\u{fffd}b".into()), data: "x\u{fffd}y \u{6f22}".into() }]);
    }

    #[test]
    fn a_line_or_event_past_the_limit_stops_the_parser() {
        let mut out = Vec::new();
        // Lines and events up to the limit pass, however many.
        let mut p = SseParser::default().with_limit(16);
        for _ in 0..100 {
            p.feed(b"data: 0123456789\n\n", &mut out);
        }
        assert_eq!(out.len(), 100);
        assert!(!p.over_limit());
        // A line that never ends, fed in small pieces.
        let mut p = SseParser::default().with_limit(16);
        p.feed(b"data: {\"x\":\"", &mut out);
        assert!(!p.over_limit());
        p.feed(b"aaaaaaaaaa", &mut out);
        assert!(p.over_limit());
        assert!(p.line.capacity() == 0 && p.data.capacity() == 0, "what it held is freed");
        p.feed(b"\n\ndata: more\n\n", &mut out);
        assert_eq!(out.len(), 100, "nothing after the limit");
        // An event of many short lines that never dispatches.
        let mut p = SseParser::default().with_limit(16);
        for _ in 0..5 {
            p.feed(b"data: 0123\n", &mut out);
        }
        assert!(p.over_limit());
    }

    #[test]
    fn flush_dispatches_unterminated_event() {
        let mut p = SseParser::default();
        let mut out = Vec::new();
        p.feed(b"data: [DONE]", &mut out);
        assert!(out.is_empty());
        p.flush(&mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].data, "[DONE]");
    }

    #[test]
    fn empty_data_line_is_an_event() {
        assert_eq!(parse_split(b"data\n\n", 1), vec![SseEvent { event: None, data: String::new() }]);
    }

    #[test]
    fn writer_round_trips() {
        let mut buf = Vec::new();
        write_event(&mut buf, Some("content_block_delta"), "line1\nline2");
        write_event(&mut buf, None, "[DONE]");
        assert_eq!(
            String::from_utf8(buf.clone()).unwrap(),
            "event: content_block_delta\ndata: line1\ndata: line2\n\ndata: [DONE]\n\n"
        );
        let evs = parse_split(&buf, 3);
        assert_eq!(evs[0].event.as_deref(), Some("content_block_delta"));
        assert_eq!(evs[0].data, "line1\nline2");
        assert_eq!(evs[1].data, "[DONE]");
    }
}
