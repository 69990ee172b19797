//! `GET /api/analytics`: a window of the request log (the last 24 hours, or `?since=`)
//! summed up ([`analytics`]): totals, latency and time-to-first-byte percentiles, usage and
//! cost, per-channel shares and minute and hour timelines.
//!
//! Two ways to the same answer. The cold one, here: one newest-first scan over the segments
//! that can hold the window, reading only the fields it sums (`Stat`, in place) and never
//! decoding whole records. The warm one, in `warm.rs`: time buckets kept in memory as
//! records are written, summed by the same accumulator ([`Window`]) with the same window
//! alignment ([`window_start`]) and the same histogram bins ([`bin`]), so warm and cold
//! agree exactly (cost up to float rounding). Percentiles are nearest-rank over a
//! histogram exact below 128 ms and then 64 bins per power of two (each at most 1.6 %
//! wide, reported at its midpoint). Read-only; the admin API and `routex stats` call it.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::HashMap;

use super::model::RequestRecord;
use super::storage::{read_part, unreadable, Unreadable};
use super::{DAY_MS, HOUR_MS, MINUTE_MS};
use crate::engine::Error;
use crate::protocol::Usage;
use crate::store::SegmentKey;
use crate::store::Store;

/// `GET /api/analytics`: the last 24 hours of the request log.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Analytics {
    /// Start of the window (unix ms, inclusive): a minute boundary for a window of at most
    /// 24 hours, an hour boundary for a longer one.
    pub since_ms: u64,
    /// End of the window (unix ms, inclusive).
    pub until_ms: u64,
    /// Counts.
    pub totals: Totals,
    /// Total latency.
    pub latency_ms: Percentiles,
    /// Time to first byte (requests that have one).
    pub ttfb_ms: Percentiles,
    /// Usage summed.
    pub tokens: Usage,
    /// Estimated cost summed (records without an estimate count 0).
    pub cost_usd: f64,
    /// Per channel, most requests first; requests that reached no channel have an empty id.
    pub per_channel: Vec<ChannelUsage>,
    /// 60 one-minute buckets, oldest first, the last one holding `until_ms`.
    pub timeline_minute: Vec<TimeBucket>,
    /// 24 one-hour buckets, oldest first, the last one holding `until_ms`.
    pub timeline_hour: Vec<TimeBucket>,
}

/// Request counts.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Totals {
    /// Requests.
    pub requests: u64,
    /// Successful ones.
    pub successes: u64,
    /// Failed ones.
    pub failures: u64,
    /// `successes / requests`, 0.0 to 1.0 (0 when there were no requests).
    pub success_rate: f64,
}

/// Average and nearest-rank percentiles, in ms (all 0 without data).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Percentiles {
    /// Mean.
    pub avg: f64,
    /// Median.
    pub p50: u64,
    /// 95th percentile.
    pub p95: u64,
    /// 99th percentile.
    pub p99: u64,
}

/// One channel's share of the window.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct ChannelUsage {
    /// Channel id (empty for requests that reached no channel).
    pub channel_id: String,
    /// Its most recent name.
    pub channel_name: String,
    /// Requests.
    pub requests: u64,
    /// Successful ones.
    pub successes: u64,
    /// Failed ones.
    pub failures: u64,
    /// Mean latency.
    pub avg_latency_ms: f64,
    /// Usage summed.
    pub tokens: Usage,
}

/// One timeline bucket.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct TimeBucket {
    /// Bucket start, unix ms.
    pub start_ms: u64,
    /// Requests that arrived in it.
    pub requests: u64,
    /// Failed ones.
    pub failures: u64,
    /// Mean latency (0 when empty).
    pub avg_latency_ms: f64,
}

/// The fields analytics needs, read in place from a stored record.
#[derive(Deserialize)]
struct Stat<'a> {
    #[serde(borrow, default)]
    channel_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    channel_name: Option<Cow<'a, str>>,
    #[serde(default)]
    success: bool,
    #[serde(default)]
    latency_ms: u64,
    #[serde(default)]
    ttfb_ms: Option<u64>,
    #[serde(default)]
    tokens: Usage,
    #[serde(default)]
    cost_usd: Option<f64>,
}

impl<'a> Stat<'a> {
    fn read(bytes: &'a [u8]) -> Result<Stat<'a>, Unreadable> {
        read_part(bytes, |v| Stat {
            channel_id: v.channel_id.map(Cow::Borrowed),
            channel_name: v.channel_name.map(Cow::Borrowed),
            success: v.success,
            latency_ms: v.latency_ms,
            ttfb_ms: v.ttfb_ms,
            tokens: v.tokens,
            cost_usd: v.cost_usd,
        })
    }
}

/// One record as analytics counts it: what the cold scan reads from the log and what the
/// warm aggregates (`warm.rs`) are fed as records are written. One type for both, so both
/// count the same way.
pub(super) struct Sample<'a> {
    /// Arrival time, unix ms.
    pub time_ms: u64,
    /// Channel id, empty when the request reached no channel.
    pub channel_id: &'a str,
    /// The channel's name as the record has it (else its id, else `(none)`).
    pub channel_name: &'a str,
    pub success: bool,
    pub latency_ms: u64,
    pub ttfb_ms: Option<u64>,
    pub tokens: Usage,
    /// Estimated cost; records without a (finite) estimate count 0.
    pub cost_usd: f64,
}

impl<'a> Sample<'a> {
    fn new(time_ms: u64, id: Option<&'a str>, name: Option<&'a str>) -> Sample<'a> {
        let id = id.unwrap_or("");
        let name = name.unwrap_or(if id.is_empty() { "(none)" } else { id });
        Sample {
            time_ms,
            channel_id: id,
            channel_name: name,
            success: false,
            latency_ms: 0,
            ttfb_ms: None,
            tokens: Usage::default(),
            cost_usd: 0.0,
        }
    }

    /// A record being written.
    pub fn of_record(r: &'a RequestRecord) -> Sample<'a> {
        Sample {
            success: r.success,
            latency_ms: r.latency_ms,
            ttfb_ms: r.ttfb_ms,
            tokens: r.tokens,
            cost_usd: r.cost_usd.filter(|c| c.is_finite()).unwrap_or(0.0),
            ..Sample::new(r.time_ms, r.channel_id.as_deref(), r.channel_name.as_deref())
        }
    }

    fn of_stat(time_ms: u64, s: &'a Stat<'a>) -> Sample<'a> {
        Sample {
            success: s.success,
            latency_ms: s.latency_ms,
            ttfb_ms: s.ttfb_ms,
            tokens: s.tokens,
            cost_usd: s.cost_usd.filter(|c| c.is_finite()).unwrap_or(0.0),
            ..Sample::new(time_ms, s.channel_id.as_deref(), s.channel_name.as_deref())
        }
    }
}

/// Number of histogram bins: exact below 128 ms, then 64 per power of two up to 2^64.
pub(super) const BINS: usize = 128 + 57 * 64;

/// The histogram bin of a duration in ms: the value itself below 128, then 64 sub-bins per
/// power of two (each at most 1/64 ≈ 1.6 % of its values wide).
pub(super) fn bin(v: u64) -> u16 {
    if v < 128 {
        return v as u16;
    }
    let e = u64::from(63 - v.leading_zeros()); // 7 ..= 63
    let sub = (v >> (e - 6)) & 63;
    (128 + (e - 7) * 64 + sub) as u16
}

/// The value a bin reports: its midpoint (the value itself below 128).
pub(super) fn bin_value(b: u16) -> u64 {
    let b = u64::from(b);
    if b < 128 {
        return b;
    }
    let e = (b - 128) / 64 + 7;
    let sub = (b - 128) % 64;
    ((64 + sub) << (e - 6)) + (1u64 << (e - 6)) / 2
}

/// A histogram kept per bucket: (bin, count) pairs sorted by bin, only the bins in use.
#[derive(Debug, Default, Clone)]
pub(super) struct Sparse(Vec<(u16, u32)>);

impl Sparse {
    fn add(&mut self, v: u64) {
        let b = bin(v);
        match self.0.binary_search_by_key(&b, |&(k, _)| k) {
            Ok(i) => self.0[i].1 += 1,
            Err(i) => self.0.insert(i, (b, 1)),
        }
    }

    fn heap_bytes(&self) -> usize {
        self.0.capacity() * std::mem::size_of::<(u16, u32)>()
    }
}

/// The histogram of a whole window: a count per bin, the count and the exact sum.
struct Dense {
    counts: Vec<u64>,
    n: u64,
    sum: u64,
}

impl Dense {
    fn new() -> Dense {
        Dense { counts: vec![0; BINS], n: 0, sum: 0 }
    }

    fn add(&mut self, v: u64) {
        self.counts[bin(v) as usize] += 1;
        self.n += 1;
        self.sum += v;
    }

    fn merge(&mut self, s: &Sparse, sum: u64) {
        for &(b, c) in &s.0 {
            self.counts[b as usize] += u64::from(c);
            self.n += u64::from(c);
        }
        self.sum += sum;
    }

    /// Mean (exact) and nearest-rank percentiles (the rank's bin, reported as its midpoint).
    fn percentiles(&self) -> Percentiles {
        if self.n == 0 {
            return Percentiles::default();
        }
        let rank = |q: f64| ((q * self.n as f64).ceil() as u64).clamp(1, self.n);
        let ranks = [rank(0.50), rank(0.95), rank(0.99)];
        let mut found = [0u64; 3];
        let (mut seen, mut next) = (0u64, 0usize);
        for (b, &c) in self.counts.iter().enumerate() {
            seen += c;
            while next < 3 && seen >= ranks[next] {
                found[next] = bin_value(b as u16);
                next += 1;
            }
            if next == 3 {
                break;
            }
        }
        Percentiles { avg: self.sum as f64 / self.n as f64, p50: found[0], p95: found[1], p99: found[2] }
    }
}

/// Channel ids and names as small numbers (each distinct string stored once).
#[derive(Debug, Default)]
pub(super) struct Interner {
    map: HashMap<Box<str>, u32>,
    strs: Vec<Box<str>>,
}

impl Interner {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.map.get(s) {
            return i;
        }
        let i = self.strs.len() as u32;
        self.strs.push(s.into());
        self.map.insert(s.into(), i);
        i
    }

    fn get(&self, i: u32) -> &str {
        &self.strs[i as usize]
    }

    pub fn heap_bytes(&self) -> usize {
        self.strs.iter().map(|s| 2 * s.len() + 2 * std::mem::size_of::<Box<str>>() + 8).sum()
    }
}

/// One channel's part of a bucket or a window.
#[derive(Debug, Clone, Copy)]
pub(super) struct ChannelPart {
    id: u32,
    /// The name of the channel's latest request (ties: the greater name).
    name: u32,
    named_at: u64,
    requests: u64,
    failures: u64,
    latency_sum: u64,
    tokens: Usage,
}

impl ChannelPart {
    fn merge(&mut self, o: &ChannelPart, names: &Interner) {
        if (o.named_at, names.get(o.name)) > (self.named_at, names.get(self.name)) {
            self.name = o.name;
            self.named_at = o.named_at;
        }
        self.requests += o.requests;
        self.failures += o.failures;
        self.latency_sum += o.latency_sum;
        self.tokens.add(&o.tokens);
    }

    fn of(s: &Sample, names: &mut Interner) -> ChannelPart {
        ChannelPart {
            id: names.id(s.channel_id),
            name: names.id(s.channel_name),
            named_at: s.time_ms,
            requests: 1,
            failures: u64::from(!s.success),
            latency_sum: s.latency_ms,
            tokens: s.tokens,
        }
    }
}

/// What one time bucket of the warm aggregates holds: sums, sparse histograms and the
/// channels seen in it.
#[derive(Debug, Default, Clone)]
pub(super) struct Part {
    pub requests: u64,
    pub failures: u64,
    pub latency_sum: u64,
    ttfb_sum: u64,
    tokens: Usage,
    cost: f64,
    channels: Vec<ChannelPart>,
    latency: Sparse,
    ttfb: Sparse,
}

impl Part {
    /// Count one record.
    pub fn add(&mut self, s: &Sample, names: &mut Interner) {
        self.requests += 1;
        self.failures += u64::from(!s.success);
        self.latency_sum += s.latency_ms;
        self.latency.add(s.latency_ms);
        if let Some(t) = s.ttfb_ms {
            self.ttfb_sum += t;
            self.ttfb.add(t);
        }
        self.tokens.add(&s.tokens);
        self.cost += s.cost_usd;
        let c = ChannelPart::of(s, names);
        match self.channels.iter_mut().find(|p| p.id == c.id) {
            Some(p) => p.merge(&c, names),
            None => self.channels.push(c),
        }
    }

    /// Bytes this bucket holds on the heap.
    pub fn heap_bytes(&self) -> usize {
        self.latency.heap_bytes()
            + self.ttfb.heap_bytes()
            + self.channels.capacity() * std::mem::size_of::<ChannelPart>()
    }
}

/// `n` buckets of `width` ms, aligned to `width`, the last one holding `now_ms`; each keeps
/// its latency sum until [`Timeline::finish`] turns it into a mean.
struct Timeline {
    start: u64,
    width: u64,
    buckets: Vec<(TimeBucket, u64)>,
}

impl Timeline {
    fn new(now_ms: u64, width: u64, n: u64) -> Timeline {
        let start = (now_ms / width * width).saturating_sub((n - 1) * width);
        let buckets = (0..n).map(|i| (TimeBucket { start_ms: start + i * width, ..Default::default() }, 0)).collect();
        Timeline { start, width, buckets }
    }

    fn add(&mut self, t: u64, requests: u64, failures: u64, latency_sum: u64) {
        if t < self.start {
            return;
        }
        if let Some((b, sum)) = self.buckets.get_mut(((t - self.start) / self.width) as usize) {
            b.requests += requests;
            b.failures += failures;
            *sum += latency_sum;
        }
    }

    fn finish(self) -> Vec<TimeBucket> {
        self.buckets
            .into_iter()
            .map(|(mut b, sum)| {
                if b.requests > 0 {
                    b.avg_latency_ms = sum as f64 / b.requests as f64;
                }
                b
            })
            .collect()
    }
}

/// The accumulator of one window, the same for the cold scan (record by record, [`Window::add`])
/// and the warm aggregates (bucket by bucket, [`Window::merge`] and [`Window::timelines`]),
/// so both give the same answer.
pub(super) struct Window {
    from: u64,
    now: u64,
    requests: u64,
    failures: u64,
    tokens: Usage,
    cost: f64,
    latency: Dense,
    ttfb: Dense,
    channels: HashMap<u32, ChannelPart>,
    minutes: Timeline,
    hours: Timeline,
}

impl Window {
    /// An empty window from `from` (already aligned, see [`window_start`]) up to `now`.
    pub fn new(from: u64, now: u64) -> Window {
        Window {
            from,
            now,
            requests: 0,
            failures: 0,
            tokens: Usage::default(),
            cost: 0.0,
            latency: Dense::new(),
            ttfb: Dense::new(),
            channels: HashMap::new(),
            minutes: Timeline::new(now, MINUTE_MS, 60),
            hours: Timeline::new(now, HOUR_MS, 24),
        }
    }

    fn channel(&mut self, c: &ChannelPart, names: &Interner) {
        match self.channels.get_mut(&c.id) {
            Some(p) => p.merge(c, names),
            None => {
                self.channels.insert(c.id, *c);
            }
        }
    }

    /// Count one record (the cold scan).
    fn add(&mut self, s: &Sample, names: &mut Interner) {
        self.requests += 1;
        self.failures += u64::from(!s.success);
        self.latency.add(s.latency_ms);
        if let Some(t) = s.ttfb_ms {
            self.ttfb.add(t);
        }
        self.tokens.add(&s.tokens);
        self.cost += s.cost_usd;
        let c = ChannelPart::of(s, names);
        self.channel(&c, names);
        let f = u64::from(!s.success);
        self.minutes.add(s.time_ms, 1, f, s.latency_ms);
        self.hours.add(s.time_ms, 1, f, s.latency_ms);
    }

    /// Count a bucket's totals, histograms and channels (not its timelines).
    pub fn merge(&mut self, p: &Part, names: &Interner) {
        self.requests += p.requests;
        self.failures += p.failures;
        self.latency.merge(&p.latency, p.latency_sum);
        self.ttfb.merge(&p.ttfb, p.ttfb_sum);
        self.tokens.add(&p.tokens);
        self.cost += p.cost;
        for c in &p.channels {
            self.channel(c, names);
        }
    }

    /// Count a bucket starting at `start` in the minute timeline, the hour timeline or both.
    pub fn timelines(&mut self, start: u64, p: &Part, minute: bool, hour: bool) {
        if minute {
            self.minutes.add(start, p.requests, p.failures, p.latency_sum);
        }
        if hour {
            self.hours.add(start, p.requests, p.failures, p.latency_sum);
        }
    }

    /// The answer.
    pub fn finish(self, names: &Interner) -> Analytics {
        let successes = self.requests - self.failures;
        let totals = Totals {
            requests: self.requests,
            successes,
            failures: self.failures,
            success_rate: if self.requests > 0 { successes as f64 / self.requests as f64 } else { 0.0 },
        };
        let mut per_channel: Vec<(ChannelUsage, &str)> = self
            .channels
            .into_values()
            .map(|c| {
                let usage = ChannelUsage {
                    channel_id: names.get(c.id).to_string(),
                    channel_name: names.get(c.name).to_string(),
                    requests: c.requests,
                    successes: c.requests - c.failures,
                    failures: c.failures,
                    avg_latency_ms: c.latency_sum as f64 / c.requests as f64,
                    tokens: c.tokens,
                };
                (usage, names.get(c.id))
            })
            .collect();
        per_channel.sort_by(|(a, ai), (b, bi)| {
            b.requests.cmp(&a.requests).then_with(|| a.channel_name.cmp(&b.channel_name)).then_with(|| ai.cmp(bi))
        });
        Analytics {
            since_ms: self.from,
            until_ms: self.now,
            totals,
            latency_ms: self.latency.percentiles(),
            ttfb_ms: self.ttfb.percentiles(),
            tokens: self.tokens,
            cost_usd: self.cost,
            per_channel: per_channel.into_iter().map(|(c, _)| c).collect(),
            timeline_minute: self.minutes.finish(),
            timeline_hour: self.hours.finish(),
        }
    }
}

/// Where a window asked to start at `from` really starts: at a minute boundary for a window
/// of at most 24 hours, at an hour boundary for a longer one (the warm aggregates keep
/// minute buckets for a day and hour buckets for a week; the cold scan aligns the same way
/// so both answer the same).
pub fn window_start(from: u64, now_ms: u64) -> u64 {
    if now_ms.saturating_sub(from) <= DAY_MS {
        from / MINUTE_MS * MINUTE_MS
    } else {
        from / HOUR_MS * HOUR_MS
    }
}

/// Aggregate the 24 hours up to `now_ms` (from the minute boundary before `now_ms - 24 h`).
pub fn analytics(store: &Store, now_ms: u64) -> Result<Analytics, Error> {
    analytics_since(store, now_ms.saturating_sub(DAY_MS), now_ms)
}

/// The window a user names: `since` (RFC 3339, unix ms or an age like `1h`, `7d`), else
/// the last 24 hours; its start in unix ms.
pub fn window_from(since: Option<&str>, now_ms: u64) -> Result<u64, Error> {
    match since {
        Some(s) => super::parse_time("since", s, now_ms),
        None => Ok(now_ms.saturating_sub(DAY_MS)),
    }
}

/// Aggregate the window a user names (see [`window_from`]) up to `now_ms` by scanning the log.
pub fn analytics_window(store: &Store, since: Option<&str>, now_ms: u64) -> Result<Analytics, Error> {
    analytics_since(store, window_from(since, now_ms)?, now_ms)
}

/// Aggregate the records from `from` (aligned by [`window_start`]) up to `now_ms`, both
/// inclusive, by scanning the log (the timelines stay the last hour by minute and the last
/// day by hour).
pub fn analytics_since(store: &Store, from: u64, now_ms: u64) -> Result<Analytics, Error> {
    let from = window_start(from, now_ms);
    let mut names = Interner::default();
    let mut w = Window::new(from, now_ms);
    scan(store, from, now_ms, |s| w.add(s, &mut names))?;
    Ok(w.finish(&names))
}

/// Call `f` with every readable record that arrived in `from ..= until`. Walks segments
/// newest key first and stops at the first whose high-water mark is before `from`.
pub(super) fn scan(store: &Store, from: u64, until: u64, f: impl FnMut(&Sample)) -> Result<(), Error> {
    scan_to(store, from, until, None, f)
}

/// [`scan`], reading only segments with a key at or below `last` (when given): a build of
/// the warm aggregates over a shared log stops where it will follow on from.
pub(super) fn scan_to(
    store: &Store,
    from: u64,
    until: u64,
    last: Option<SegmentKey>,
    mut f: impl FnMut(&Sample),
) -> Result<(), Error> {
    for seg in store.segments_rev()? {
        let seg = seg?;
        if last.is_some_and(|last| seg.key() > last) {
            continue;
        }
        if seg.key().high < from {
            break;
        }
        if seg.max_ms() < from || seg.min_ms() > until {
            continue;
        }
        for (i, (t, bytes)) in seg.entries().enumerate().rev() {
            if t > until || t < from {
                continue;
            }
            match Stat::read(bytes) {
                Ok(stat) => f(&Sample::of_stat(t, &stat)),
                Err(e) => unreadable(&seg, i, &e),
            }
        }
    }
    Ok(())
}

/// Every record of the segments after `after` (oldest first) to `f`; returns the last
/// key read (`after` when there was none).
pub(super) fn follow(
    store: &Store,
    after: Option<SegmentKey>,
    mut f: impl FnMut(&Sample),
) -> Result<Option<SegmentKey>, Error> {
    let mut last = after;
    for seg in store.segments_after(after)? {
        let seg = seg?;
        for (i, (t, bytes)) in seg.entries().enumerate() {
            match Stat::read(bytes) {
                Ok(stat) => f(&Sample::of_stat(t, &stat)),
                Err(e) => unreadable(&seg, i, &e),
            }
        }
        last = Some(seg.key());
    }
    Ok(last)
}

#[cfg(test)]
mod tests {
    use super::super::append;
    use super::super::test_records::{rec, T0};
    use super::*;

    #[test]
    fn analytics_percentiles_channels_and_timelines() {
        let s = Store::temporary().unwrap();
        let now = T0 / HOUR_MS * HOUR_MS + 36 * MINUTE_MS + 30_000; // 36.5 minutes into an hour
        let mut v = Vec::new();
        // 100 requests over the last 100 s with latencies 1..=100; every 4th on "backup" fails.
        for i in 1..=100u64 {
            let mut r = rec(i, now - i * 1000);
            r.latency_ms = i;
            r.ttfb_ms = Some(i / 2);
            r.tokens = Usage { input: 1, output: 2, cache_read: 3, cache_write: 4, reasoning: 1 };
            r.cost_usd = Some(0.5);
            if i.is_multiple_of(4) {
                r.channel_id = Some("ch_bbb".into());
                r.channel_name = Some("backup".into());
                r.success = false;
                r.status = 502;
            }
            v.push(r);
        }
        // Two hours ago (hour timeline only), and 25 h ago (outside the window).
        let mut two_h = rec(200, now - 2 * HOUR_MS);
        two_h.latency_ms = 1000;
        v.push(two_h);
        v.push(rec(201, now - 25 * HOUR_MS));
        // No channel reached.
        let mut none = rec(202, now - 3 * HOUR_MS);
        none.channel_id = None;
        none.channel_name = None;
        none.success = false;
        v.push(none);
        append(&s, &v).unwrap();

        let a = analytics(&s, now).unwrap();
        assert_eq!(a.totals.requests, 102);
        assert_eq!(a.totals.failures, 26);
        assert_eq!(a.totals.successes, 76);
        assert!((a.totals.success_rate - 76.0 / 102.0).abs() < 1e-9);
        let mut lat: Vec<u64> = (1..=100).collect();
        lat.extend([1000, 100 + 202]);
        assert_eq!((a.latency_ms.p50, a.latency_ms.p95, a.latency_ms.p99), (51, 97, 302));
        assert!((a.latency_ms.avg - lat.iter().sum::<u64>() as f64 / 102.0).abs() < 1e-9);
        assert_eq!(a.ttfb_ms.p50, 25);
        assert_eq!(a.tokens.output, 2 * 100 + 5 * 2);
        assert!((a.cost_usd - (50.0 + 0.5)).abs() < 1e-9);

        assert_eq!(a.per_channel.len(), 3);
        let main = &a.per_channel[0];
        assert_eq!((main.channel_id.as_str(), main.channel_name.as_str()), ("ch_aaa", "claude-main"));
        assert_eq!((main.requests, main.successes, main.failures), (76, 76, 0));
        let backup = &a.per_channel[1];
        assert_eq!((backup.channel_name.as_str(), backup.requests, backup.failures), ("backup", 25, 25));
        assert!((backup.avg_latency_ms - 52.0).abs() < 1e-9, "mean of 4, 8, …, 100");
        assert_eq!(backup.tokens.cache_write, 100);
        assert_eq!((a.per_channel[2].channel_id.as_str(), a.per_channel[2].channel_name.as_str()), ("", "(none)"));

        // Minute timeline: 60 aligned buckets, the last holding `now`.
        assert_eq!(a.timeline_minute.len(), 60);
        let last = a.timeline_minute.last().unwrap();
        assert_eq!(last.start_ms, now / MINUTE_MS * MINUTE_MS);
        assert!(a.timeline_minute.windows(2).all(|w| w[1].start_ms - w[0].start_ms == MINUTE_MS));
        // now-1 s … now-30 s fall in the current minute, -31…-90 in the one before, -91…-100 before that.
        assert_eq!(last.requests, 30);
        assert_eq!(a.timeline_minute[58].requests, 60);
        assert_eq!(a.timeline_minute[57].requests, 10);
        assert_eq!(a.timeline_minute[57].failures, 3, "92, 96, 100");
        assert!((a.timeline_minute[57].avg_latency_ms - 95.5).abs() < 1e-9);
        assert!(a.timeline_minute[..57]
            .iter()
            .all(|b| *b == TimeBucket { start_ms: b.start_ms, ..Default::default() }));
        assert_eq!(a.timeline_minute.iter().map(|b| b.requests).sum::<u64>(), 100);
        // Hour timeline: 24 buckets; the 2 h and 3 h old requests land two and three back.
        assert_eq!(a.timeline_hour.len(), 24);
        assert_eq!(a.timeline_hour[23].start_ms, now / HOUR_MS * HOUR_MS);
        assert_eq!(a.timeline_hour[23].requests, 100);
        assert_eq!((a.timeline_hour[21].requests, a.timeline_hour[21].avg_latency_ms), (1, 1000.0));
        assert_eq!((a.timeline_hour[20].requests, a.timeline_hour[20].failures), (1, 1));
        assert_eq!(a.timeline_hour.iter().filter(|b| b.requests == 0).count(), 21);

        let empty = analytics(&Store::temporary().unwrap(), now).unwrap();
        assert_eq!(empty.totals, Totals::default());
        assert_eq!((empty.timeline_minute.len(), empty.timeline_hour.len()), (60, 24));
    }

    #[test]
    fn percentiles_use_the_nearest_rank_over_the_bins() {
        let mut d = Dense::new();
        (1..=100).rev().for_each(|v| d.add(v));
        let p = d.percentiles();
        assert_eq!((p.p50, p.p95, p.p99), (50, 95, 99));
        assert!((p.avg - 50.5).abs() < 1e-9);
        let mut one = Dense::new();
        one.add(7);
        assert_eq!(one.percentiles().p99, 7);
        // Above 128 ms a bin is at most 1/64 of its values wide and reports its midpoint.
        for v in [128u64, 129, 200, 255, 256, 302, 1000, 65_535, 1 << 40, u64::MAX] {
            let b = bin(v);
            let mid = bin_value(b);
            assert!(mid.abs_diff(v) as f64 <= v as f64 / 128.0 + 1.0, "{v} -> bin {b} -> {mid}");
            assert_eq!(bin(mid), b, "the midpoint of bin {b} is in it");
        }
        assert_eq!(bin(u64::MAX) as usize, BINS - 1);
        assert_eq!(bin_value(bin(302)), 302);
        assert!((0..BINS as u16 - 1).all(|b| bin_value(b) < bin_value(b + 1)), "bins are in order");
    }
}
