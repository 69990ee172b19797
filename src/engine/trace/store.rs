//! The bounded in-memory store of trace summaries: one [`Entry`] per finished request,
//! oldest first, bounded by count (`tracing.max_traces`) and by bytes (`tracing.max_mb`),
//! the oldest evicted first.
//!
//! [`Entry::new`] runs on the request path: it copies the record's strings into one arena
//! (two allocations with the attempts, three with the `Arc`) and [`Store::push`] holds the
//! lock for a push and, when a bound is reached, a pop. Everything else (reads, clears, the
//! exporter's batches) clones the `Arc`s it needs under the lock and works outside it.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use super::{Spans, TraceStats};
use crate::engine::records::RequestRecord;
use crate::protocol::{Protocol, Usage};

/// Longest string a summary keeps of one field (error messages, model names); longer ones
/// are cut on a character boundary.
const MAX_FIELD: usize = 1024;

/// The record's strings, in the arena in this order.
pub(super) const TRACE: usize = 0;
pub(super) const SPAN: usize = 1;
pub(super) const PARENT: usize = 2;
pub(super) const REQUEST: usize = 3;
pub(super) const SESSION: usize = 4;
pub(super) const CLIENT: usize = 5;
pub(super) const ENDPOINT: usize = 6;
pub(super) const CHANNEL_ID: usize = 7;
pub(super) const CHANNEL_NAME: usize = 8;
pub(super) const RULE: usize = 9;
pub(super) const MODEL: usize = 10;
pub(super) const UPSTREAM_MODEL: usize = 11;
pub(super) const ERROR: usize = 12;
const FIELDS: usize = 13;

/// One attempt of a request, as kept for its spans.
#[derive(Debug, Clone)]
pub(super) struct Hop {
    pub start_us: u64,
    pub send_us: Option<u64>,
    pub latency_ms: u64,
    pub status: Option<u16>,
    pub reason: Option<&'static str>,
    pub upstream: Option<super::Upstream>,
    /// Arena boundaries: channel id `[0..1]`, channel name `[1..2]`, error `[2..3]`.
    bounds: [u32; 4],
    has_error: bool,
}

/// A finished request as its trace needs it.
#[derive(Debug)]
pub(super) struct Entry {
    /// Order of arrival in the store (the exporter's cursor).
    pub seq: u64,
    pub time_ms: u64,
    pub latency_ms: u64,
    pub ttfb_ms: Option<u64>,
    pub routed_us: u64,
    /// Our child span ids derive from it ([`Entry::child_id`]).
    pub seed: u64,
    pub status: u16,
    pub success: bool,
    pub stream: bool,
    pub tokens: Usage,
    pub hops: Box<[Hop]>,
    text: Box<str>,
    ends: [u32; FIELDS],
    present: u16,
}

/// A prefix of at most [`MAX_FIELD`] bytes, on a character boundary.
fn cap(s: &str) -> &str {
    if s.len() <= MAX_FIELD {
        return s;
    }
    let mut at = MAX_FIELD;
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    &s[..at]
}

impl Entry {
    /// The summary of one finished request (on the request path: keep it lean).
    pub fn new(r: &RequestRecord, s: &Spans<'_>) -> Entry {
        let fields: [Option<&str>; FIELDS] = [
            Some(&r.trace_id),
            Some(s.span_id),
            s.parent_span,
            Some(&r.id),
            r.session.as_deref(),
            Some(&r.client_protocol),
            Some(r.endpoint.as_str()),
            r.channel_id.as_deref(),
            r.channel_name.as_deref(),
            r.rule.as_deref(),
            Some(&r.model),
            r.upstream_model.as_deref(),
            r.error.as_deref(),
        ];
        let mut len = 0;
        for f in fields.iter().flatten() {
            len += cap(f).len();
        }
        for a in &r.attempts {
            len +=
                cap(&a.channel_id).len() + cap(&a.channel_name).len() + a.error.as_deref().map_or(0, |e| cap(e).len());
        }
        let mut text = String::with_capacity(len);
        let mut ends = [0u32; FIELDS];
        let mut present = 0u16;
        for (i, f) in fields.iter().enumerate() {
            if let Some(f) = f {
                text.push_str(cap(f));
                present |= 1 << i;
            }
            ends[i] = text.len() as u32;
        }
        let hops = r
            .attempts
            .iter()
            .map(|a| {
                let b0 = text.len() as u32;
                text.push_str(cap(&a.channel_id));
                let b1 = text.len() as u32;
                text.push_str(cap(&a.channel_name));
                let b2 = text.len() as u32;
                if let Some(e) = &a.error {
                    text.push_str(cap(e));
                }
                Hop {
                    start_us: a.start_us,
                    send_us: a.send_us,
                    latency_ms: a.latency_ms,
                    status: a.status,
                    reason: a.reason,
                    upstream: (s.upstream)(&a.channel_id),
                    bounds: [b0, b1, b2, text.len() as u32],
                    has_error: a.error.is_some(),
                }
            })
            .collect();
        Entry {
            seq: 0,
            time_ms: r.time_ms,
            latency_ms: r.latency_ms,
            ttfb_ms: r.ttfb_ms,
            routed_us: s.routed_us,
            seed: fastrand::u64(..),
            status: r.status,
            success: r.success,
            stream: r.stream,
            tokens: r.tokens,
            hops,
            text: text.into_boxed_str(),
            ends,
            present,
        }
    }

    /// One of the record's strings (see the constants above).
    pub fn field(&self, i: usize) -> Option<&str> {
        if self.present & (1 << i) == 0 {
            return None;
        }
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        Some(&self.text[start..self.ends[i] as usize])
    }

    /// A string of the record that is always there.
    pub fn str(&self, i: usize) -> &str {
        self.field(i).unwrap_or("")
    }

    /// An attempt's channel id, name and error.
    pub fn hop_text(&self, h: &Hop) -> (&str, &str, Option<&str>) {
        let [a, b, c, d] = h.bounds.map(|x| x as usize);
        (&self.text[a..b], &self.text[b..c], h.has_error.then(|| &self.text[c..d]))
    }

    /// The client's protocol.
    pub fn client_protocol(&self) -> Option<Protocol> {
        self.str(CLIENT).parse().ok()
    }

    /// The id of our `k`-th child span: random (from the entry's seed), stable, never 0.
    /// `route` is 0, attempt `i`'s `proxy.forward` is `1 + 2i`, its `transform` `2 + 2i`.
    pub fn child_id(&self, k: u64) -> u64 {
        let mut z = self.seed.wrapping_add((k + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)).max(1)
    }

    /// Memory it takes, estimated: the struct, its arena and attempts, the queue's slot.
    pub fn bytes(&self) -> usize {
        std::mem::size_of::<Entry>()
            + 16
            + std::mem::size_of::<Arc<Entry>>()
            + self.text.len()
            + self.hops.len() * std::mem::size_of::<Hop>()
    }
}

struct Inner {
    entries: VecDeque<Arc<Entry>>,
    bytes: usize,
    next_seq: u64,
    evicted: u64,
    cleared: u64,
}

/// The store.
pub(super) struct Store {
    inner: Mutex<Inner>,
    max_count: usize,
    max_bytes: usize,
}

impl Store {
    /// An empty store with these bounds.
    pub fn new(max_count: usize, max_bytes: usize) -> Store {
        Store {
            inner: Mutex::new(Inner { entries: VecDeque::new(), bytes: 0, next_seq: 0, evicted: 0, cleared: 0 }),
            max_count: max_count.max(1),
            max_bytes: max_bytes.max(1),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Keep an entry, evicting the oldest past a bound; its sequence number.
    pub fn push(&self, mut e: Entry) -> u64 {
        let size = e.bytes();
        let mut first_out = None;
        let mut inner = self.lock();
        let seq = inner.next_seq;
        inner.next_seq += 1;
        e.seq = seq;
        inner.entries.push_back(Arc::new(e));
        inner.bytes += size;
        while inner.entries.len() > self.max_count || (inner.bytes > self.max_bytes && inner.entries.len() > 1) {
            let Some(old) = inner.entries.pop_front() else { break };
            inner.bytes -= old.bytes();
            inner.evicted += 1;
            if first_out.is_none() {
                first_out = Some(old);
            }
        }
        drop(inner);
        // Freed outside the lock.
        drop(first_out);
        seq
    }

    /// Every entry, newest first.
    pub fn newest_first(&self) -> Vec<Arc<Entry>> {
        self.lock().entries.iter().rev().cloned().collect()
    }

    /// The entries of one trace id, oldest first.
    pub fn with_trace(&self, trace_id: &str) -> Vec<Arc<Entry>> {
        self.lock().entries.iter().filter(|e| e.str(TRACE) == trace_id).cloned().collect()
    }

    /// Remove the entries that arrived before `cutoff_ms` (all when None); how many went.
    pub fn clear(&self, cutoff_ms: Option<u64>) -> usize {
        let mut inner = self.lock();
        let before = inner.entries.len();
        let gone: Vec<Arc<Entry>> = match cutoff_ms {
            None => inner.entries.drain(..).collect(),
            Some(cut) => {
                let mut gone = Vec::new();
                let mut keep = VecDeque::with_capacity(inner.entries.len());
                for e in inner.entries.drain(..) {
                    if e.time_ms >= cut {
                        keep.push_back(e);
                    } else {
                        gone.push(e);
                    }
                }
                inner.entries = keep;
                gone
            }
        };
        inner.bytes -= gone.iter().map(|e| e.bytes()).sum::<usize>();
        inner.cleared += gone.len() as u64;
        debug_assert_eq!(before, inner.entries.len() + gone.len());
        drop(inner);
        gone.len()
    }

    /// Up to `max` entries from sequence number `from` on, and how many after `from` are no
    /// longer there (evicted or cleared before they were read).
    pub fn since(&self, from: u64, max: usize) -> (Vec<Arc<Entry>>, u64) {
        let inner = self.lock();
        // Sequence numbers increase along the queue: skip the older ones by binary search.
        let start = inner.entries.partition_point(|e| e.seq < from);
        let out: Vec<Arc<Entry>> = inner.entries.range(start..).take(max).cloned().collect();
        let upto = out.last().map_or(inner.next_seq, |e| e.seq + 1);
        let lost = (upto - from.min(upto)).saturating_sub(out.len() as u64);
        (out, lost)
    }

    /// The next sequence number (what has been pushed so far).
    pub fn next_seq(&self) -> u64 {
        self.lock().next_seq
    }

    /// The counts (`enabled` and `export` are the caller's).
    pub fn stats(&self) -> TraceStats {
        let inner = self.lock();
        let traces: std::collections::HashSet<&str> = inner.entries.iter().map(|e| e.str(TRACE)).collect();
        TraceStats {
            enabled: true,
            requests: inner.entries.len(),
            traces: traces.len(),
            bytes: inner.bytes,
            max_traces: self.max_count,
            max_bytes: self.max_bytes,
            oldest_ms: inner.entries.iter().map(|e| e.time_ms).min(),
            newest_ms: inner.entries.iter().map(|e| e.time_ms).max(),
            evicted: inner.evicted,
            cleared: inner.cleared,
            recorded: inner.next_seq,
            export: None,
        }
    }
}
