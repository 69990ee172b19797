//! The stored form of a [`RequestRecord`]: a compact positional encoding.
//!
//! The writer used to store each record as JSON. Callgrind of the daemon under load put
//! that at ~8k instructions per request (every field name written and every string scanned
//! for escapes), plus LZ4 over the ~600 bytes it produced — about a tenth of the daemon's
//! work, and the reason logging cost more than 5 % of throughput. This encoding writes the
//! fields in a fixed order with varint lengths: copying, no escaping. A typical proxied
//! record takes ~190 bytes instead of ~630 (47 of them: 9.0 KiB instead of 29 KiB, and
//! 2.8 KiB instead of 3.6 KiB once the segment is LZ4-compressed).
//!
//! Layout (version 1; every integer a LEB128 varint, every string its length then its
//! UTF-8 bytes, an optional string its length + 1 or 0 for none):
//!
//! ```text
//! 0x01  time_ms  id  trace_id  ?session  client_protocol  endpoint  ?channel_id
//!       ?channel_name  ?rule  model  ?upstream_model  status  flags  ?error  latency_ms
//!       [ttfb_ms]  tokens(input output cache_read cache_write reasoning)  bytes_in
//!       bytes_out  [cost_usd: f64 LE]  [replica]  [rule_reason]  attempt_count  attempts…
//!       ?request_body  ?response_body
//! flags: 1 success, 2 stream, 4 ttfb_ms present, 8 cost_usd present, 16 replica present,
//! 32 rule_reason present
//! (team mode; a record without it is byte for byte what earlier versions wrote)
//! attempt: channel_id  channel_name  status+1 (0 = none)  ?error  latency_ms
//! ```
//!
//! Fields are only ever appended to the end (readers treat a record that ends early as
//! invalid); an incompatible change takes a new version byte. Records stored as JSON by
//! earlier versions start with `{` and are still read through serde.
//!
//! [`View`] reads the fixed fields without copying, for the filters and analytics; it stops
//! before the attempts, which only a full [`decode`] needs.

use super::model::{Attempt, RequestRecord};
use crate::protocol::Usage;

const VERSION: u8 = 1;
const SUCCESS: u8 = 1;
const STREAM: u8 = 2;
const HAS_TTFB: u8 = 4;
const HAS_COST: u8 = 8;
const HAS_REPLICA: u8 = 16;
const HAS_RULE_REASON: u8 = 32;

/// Append the encoding of `r` to `out`.
pub(crate) fn encode(r: &RequestRecord, out: &mut Vec<u8>) {
    out.push(VERSION);
    put_u64(out, r.time_ms);
    put_str(out, &r.id);
    put_str(out, &r.trace_id);
    put_opt(out, r.session.as_deref());
    put_str(out, &r.client_protocol);
    put_str(out, &r.endpoint);
    put_opt(out, r.channel_id.as_deref());
    put_opt(out, r.channel_name.as_deref());
    put_opt(out, r.rule.as_deref());
    put_str(out, &r.model);
    put_opt(out, r.upstream_model.as_deref());
    put_u64(out, u64::from(r.status));
    let mut flags = 0;
    if r.success {
        flags |= SUCCESS;
    }
    if r.stream {
        flags |= STREAM;
    }
    if r.ttfb_ms.is_some() {
        flags |= HAS_TTFB;
    }
    if r.cost_usd.is_some() {
        flags |= HAS_COST;
    }
    if r.replica.is_some() {
        flags |= HAS_REPLICA;
    }
    if r.rule_reason.is_some() {
        flags |= HAS_RULE_REASON;
    }
    out.push(flags);
    put_opt(out, r.error.as_deref());
    put_u64(out, r.latency_ms);
    if let Some(t) = r.ttfb_ms {
        put_u64(out, t);
    }
    let t = &r.tokens;
    for n in [t.input, t.output, t.cache_read, t.cache_write, t.reasoning] {
        put_u64(out, n);
    }
    put_u64(out, r.bytes_in);
    put_u64(out, r.bytes_out);
    if let Some(c) = r.cost_usd {
        out.extend_from_slice(&c.to_le_bytes());
    }
    if let Some(replica) = &r.replica {
        put_str(out, replica);
    }
    if let Some(reason) = &r.rule_reason {
        put_str(out, reason);
    }
    put_u64(out, r.attempts.len() as u64);
    for a in &r.attempts {
        put_str(out, &a.channel_id);
        put_str(out, &a.channel_name);
        put_u64(out, a.status.map_or(0, |s| u64::from(s) + 1));
        put_opt(out, a.error.as_deref());
        put_u64(out, a.latency_ms);
    }
    put_opt(out, r.request_body.as_deref());
    put_opt(out, r.response_body.as_deref());
}

/// Why stored bytes could not be read.
#[derive(Debug, PartialEq)]
pub(crate) enum DecodeError {
    /// The first byte is no known version.
    Version(u8),
    /// The bytes end in the middle of a field.
    Truncated,
    /// A string is not UTF-8, or a number does not fit its field.
    Invalid(&'static str),
    /// Bytes are left after the last field.
    Trailing(usize),
}

impl std::error::Error for DecodeError {}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::Version(v) => write!(f, "unknown record encoding {v:#04x}"),
            DecodeError::Truncated => f.write_str("the record ends in the middle of a field"),
            DecodeError::Invalid(what) => write!(f, "the record's {what} is invalid"),
            DecodeError::Trailing(n) => write!(f, "{n} unexpected bytes after the record"),
        }
    }
}

/// The fields every reader needs, borrowed from the stored bytes.
#[derive(Debug)]
pub(crate) struct View<'a> {
    pub time_ms: u64,
    pub id: &'a str,
    pub trace_id: &'a str,
    pub session: Option<&'a str>,
    pub client_protocol: &'a str,
    pub endpoint: &'a str,
    pub channel_id: Option<&'a str>,
    pub channel_name: Option<&'a str>,
    pub rule: Option<&'a str>,
    pub model: &'a str,
    pub upstream_model: Option<&'a str>,
    pub status: u16,
    pub success: bool,
    pub stream: bool,
    pub error: Option<&'a str>,
    pub latency_ms: u64,
    pub ttfb_ms: Option<u64>,
    pub tokens: Usage,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub cost_usd: Option<f64>,
    pub replica: Option<&'a str>,
    pub rule_reason: Option<&'a str>,
    /// The attempts and bodies, not read yet.
    rest: Reader<'a>,
}

/// Read the fixed fields of an encoded record.
pub(crate) fn view(bytes: &[u8]) -> Result<View<'_>, DecodeError> {
    let mut r = Reader(bytes);
    match r.byte()? {
        VERSION => {}
        v => return Err(DecodeError::Version(v)),
    }
    let time_ms = r.u64()?;
    let id = r.str()?;
    let trace_id = r.str()?;
    let session = r.opt()?;
    let client_protocol = r.str()?;
    let endpoint = r.str()?;
    let channel_id = r.opt()?;
    let channel_name = r.opt()?;
    let rule = r.opt()?;
    let model = r.str()?;
    let upstream_model = r.opt()?;
    let status = u16::try_from(r.u64()?).map_err(|_| DecodeError::Invalid("status"))?;
    let flags = r.byte()?;
    let error = r.opt()?;
    let latency_ms = r.u64()?;
    let ttfb_ms = if flags & HAS_TTFB != 0 { Some(r.u64()?) } else { None };
    let tokens =
        Usage { input: r.u64()?, output: r.u64()?, cache_read: r.u64()?, cache_write: r.u64()?, reasoning: r.u64()? };
    let bytes_in = r.u64()?;
    let bytes_out = r.u64()?;
    let cost_usd = if flags & HAS_COST != 0 { Some(f64::from_le_bytes(r.array()?)) } else { None };
    let replica = if flags & HAS_REPLICA != 0 { Some(r.str()?) } else { None };
    let rule_reason = if flags & HAS_RULE_REASON != 0 { Some(r.str()?) } else { None };
    Ok(View {
        time_ms,
        id,
        trace_id,
        session,
        client_protocol,
        endpoint,
        channel_id,
        channel_name,
        rule,
        model,
        upstream_model,
        status,
        success: flags & SUCCESS != 0,
        stream: flags & STREAM != 0,
        error,
        latency_ms,
        ttfb_ms,
        tokens,
        bytes_in,
        bytes_out,
        cost_usd,
        replica,
        rule_reason,
        rest: r,
    })
}

/// Read a whole encoded record.
pub(crate) fn decode(bytes: &[u8]) -> Result<RequestRecord, DecodeError> {
    let v = view(bytes)?;
    let mut r = v.rest;
    let n = r.u64()?;
    // Each attempt takes at least five bytes: never trust a count the bytes cannot hold.
    if n > (r.0.len() / 5) as u64 {
        return Err(DecodeError::Truncated);
    }
    let mut attempts = Vec::with_capacity(n as usize);
    for _ in 0..n {
        let channel_id = r.str()?.to_owned();
        let channel_name = r.str()?.to_owned();
        let status = match r.u64()? {
            0 => None,
            s => Some(u16::try_from(s - 1).map_err(|_| DecodeError::Invalid("attempt status"))?),
        };
        let error = r.opt()?.map(str::to_owned);
        let latency_ms = r.u64()?;
        attempts.push(Attempt { channel_id, channel_name, status, error, latency_ms, ..Default::default() });
    }
    let request_body = r.opt()?.map(str::to_owned);
    let response_body = r.opt()?.map(str::to_owned);
    if !r.0.is_empty() {
        return Err(DecodeError::Trailing(r.0.len()));
    }
    let owned = |s: Option<&str>| s.map(str::to_owned);
    Ok(RequestRecord {
        id: v.id.to_owned(),
        time_ms: v.time_ms,
        trace_id: v.trace_id.to_owned(),
        session: owned(v.session),
        client_protocol: v.client_protocol.to_owned(),
        endpoint: v.endpoint.to_owned(),
        channel_id: owned(v.channel_id),
        channel_name: owned(v.channel_name),
        rule: owned(v.rule),
        model: v.model.to_owned(),
        upstream_model: owned(v.upstream_model),
        status: v.status,
        success: v.success,
        error: owned(v.error),
        latency_ms: v.latency_ms,
        ttfb_ms: v.ttfb_ms,
        stream: v.stream,
        tokens: v.tokens,
        attempts,
        bytes_in: v.bytes_in,
        bytes_out: v.bytes_out,
        cost_usd: v.cost_usd,
        replica: owned(v.replica),
        rule_reason: owned(v.rule_reason),
        request_body,
        response_body,
    })
}

fn put_u64(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_u64(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

fn put_opt(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        None => out.push(0),
        Some(s) => {
            put_u64(out, s.len() as u64 + 1);
            out.extend_from_slice(s.as_bytes());
        }
    }
}

#[derive(Debug)]
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Result<u8, DecodeError> {
        let (&b, rest) = self.0.split_first().ok_or(DecodeError::Truncated)?;
        self.0 = rest;
        Ok(b)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let (head, rest) = self.0.split_first_chunk::<N>().ok_or(DecodeError::Truncated)?;
        self.0 = rest;
        Ok(*head)
    }

    fn u64(&mut self) -> Result<u64, DecodeError> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            let bits = u64::from(b & 0x7f);
            if shift == 63 && bits > 1 {
                return Err(DecodeError::Invalid("number"));
            }
            n |= bits << shift;
            if b & 0x80 == 0 {
                return Ok(n);
            }
        }
        Err(DecodeError::Invalid("number"))
    }

    fn take(&mut self, len: u64) -> Result<&'a str, DecodeError> {
        let len = usize::try_from(len).map_err(|_| DecodeError::Truncated)?;
        if len > self.0.len() {
            return Err(DecodeError::Truncated);
        }
        let (s, rest) = self.0.split_at(len);
        self.0 = rest;
        std::str::from_utf8(s).map_err(|_| DecodeError::Invalid("text"))
    }

    fn str(&mut self) -> Result<&'a str, DecodeError> {
        let len = self.u64()?;
        self.take(len)
    }

    fn opt(&mut self) -> Result<Option<&'a str>, DecodeError> {
        match self.u64()? {
            0 => Ok(None),
            n => self.take(n - 1).map(Some),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> RequestRecord {
        RequestRecord {
            id: "req_0123456789abcdef".into(),
            time_ms: 1_790_000_000_123,
            trace_id: "4bf92f3577b34da6a3ce929d0e0e4736".into(),
            session: Some("sess-é-😀".into()),
            client_protocol: "anthropic".into(),
            endpoint: "/v1/messages".into(),
            channel_id: Some("ch_2".into()),
            channel_name: Some("backup".into()),
            rule: Some("long-context".into()),
            model: "claude-sonnet-4-5".into(),
            upstream_model: Some("claude-sonnet-4-5-20250929".into()),
            status: 200,
            success: true,
            error: Some("channel main: upstream answered 529\n\"overloaded\"".into()),
            latency_ms: 1234,
            ttfb_ms: Some(321),
            stream: true,
            tokens: Usage { input: 12, output: 300, cache_read: 1 << 40, cache_write: 7, reasoning: 128 },
            attempts: vec![
                Attempt {
                    channel_id: "ch_1".into(),
                    channel_name: "main".into(),
                    status: Some(529),
                    error: Some("overloaded".into()),
                    latency_ms: 40,
                    ..Default::default()
                },
                Attempt {
                    channel_id: "ch_x".into(),
                    channel_name: "".into(),
                    status: None,
                    error: Some("could not connect".into()),
                    latency_ms: 0,
                    ..Default::default()
                },
                Attempt {
                    channel_id: "ch_2".into(),
                    channel_name: "backup".into(),
                    status: Some(200),
                    error: None,
                    latency_ms: u64::MAX,
                    ..Default::default()
                },
            ],
            bytes_in: 40_960,
            bytes_out: 2_048,
            cost_usd: Some(0.001_25),
            replica: Some("routex-b".into()),
            rule_reason: Some("keywords: \"ultrathink\" in the last message".into()),
            request_body: Some("{\"model\":\"x\"}".into()),
            response_body: Some(String::new()),
        }
    }

    fn enc(r: &RequestRecord) -> Vec<u8> {
        let mut v = Vec::new();
        encode(r, &mut v);
        v
    }

    #[test]
    fn every_field_survives_a_round_trip() {
        let r = full();
        assert_eq!(decode(&enc(&r)).unwrap(), r);
        let empty = RequestRecord::default();
        assert_eq!(decode(&enc(&empty)).unwrap(), empty);
        // Without a replica (the embedded store), a record is what earlier versions wrote:
        // no flag, no bytes.
        let single = RequestRecord { replica: None, ..full() };
        assert_eq!(enc(&r).len(), enc(&single).len() + 1 + "routex-b".len());
        assert_eq!(decode(&enc(&single)).unwrap(), single);
        // Each optional field on its own, the others absent.
        let mut sparse = RequestRecord { ttfb_ms: Some(0), cost_usd: Some(0.0), ..Default::default() };
        sparse.attempts.push(Attempt {
            channel_id: String::new(),
            channel_name: String::new(),
            status: Some(0),
            error: Some(String::new()),
            latency_ms: 0,
            ..Default::default()
        });
        assert_eq!(decode(&enc(&sparse)).unwrap(), sparse);
    }

    #[test]
    fn the_view_reads_the_fixed_fields_without_the_attempts() {
        let r = full();
        let bytes = enc(&r);
        let v = view(&bytes).unwrap();
        assert_eq!(
            (v.time_ms, v.id, v.channel_id, v.channel_name, v.model, v.upstream_model),
            (
                r.time_ms,
                "req_0123456789abcdef",
                Some("ch_2"),
                Some("backup"),
                "claude-sonnet-4-5",
                r.upstream_model.as_deref()
            )
        );
        assert_eq!((v.status, v.success, v.stream, v.latency_ms, v.ttfb_ms), (200, true, true, 1234, Some(321)));
        assert_eq!((&v.tokens, v.cost_usd, v.bytes_in, v.bytes_out), (&r.tokens, r.cost_usd, 40_960, 2_048));
    }

    #[test]
    fn it_is_much_smaller_than_the_json_it_replaces() {
        let r = RequestRecord { request_body: None, response_body: None, ..full() };
        let (bin, json) = (enc(&r).len(), serde_json::to_vec(&r).unwrap().len());
        assert!(bin * 2 < json, "binary {bin} bytes, JSON {json} bytes");
    }

    #[test]
    fn damaged_bytes_are_an_error_never_a_panic_or_a_wrong_record() {
        let bytes = enc(&full());
        // Every truncation fails.
        for n in 0..bytes.len() {
            assert!(decode(&bytes[..n]).is_err(), "truncated to {n} bytes decoded");
        }
        let mut long = bytes.clone();
        long.push(0);
        assert_eq!(decode(&long), Err(DecodeError::Trailing(1)));
        let mut v2 = bytes.clone();
        v2[0] = 2;
        assert_eq!(decode(&v2).unwrap_err(), DecodeError::Version(2));
        assert_eq!(view(b"{\"id\":1}").unwrap_err(), DecodeError::Version(b'{'));
        // A string that is not UTF-8.
        let mut bad = vec![VERSION, 1, 2, 0xff, 0xfe];
        bad.extend_from_slice(&[0; 40]);
        assert_eq!(decode(&bad).unwrap_err(), DecodeError::Invalid("text"));
        // A varint longer than 64 bits.
        let over = [VERSION, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f];
        assert_eq!(decode(&over).unwrap_err(), DecodeError::Invalid("number"));
        // An attempt count far beyond what the bytes hold is refused before allocating.
        let mut r = RequestRecord::default();
        r.attempts.clear();
        let mut huge = enc(&r);
        huge.truncate(huge.len() - 3); // drop the count and the two absent bodies
        put_u64(&mut huge, u64::MAX / 2);
        assert_eq!(decode(&huge).unwrap_err(), DecodeError::Truncated);
        // Flipping any single byte never panics (it may still decode, to another record).
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 0x5a;
            let _ = decode(&b);
        }
    }

    #[test]
    fn varints_round_trip_at_their_edges() {
        for n in [0, 1, 127, 128, 16_383, 16_384, u64::from(u32::MAX), u64::MAX - 1, u64::MAX] {
            let mut v = Vec::new();
            put_u64(&mut v, n);
            let mut r = Reader(&v);
            assert_eq!(r.u64().unwrap(), n);
            assert!(r.0.is_empty());
        }
    }
}
