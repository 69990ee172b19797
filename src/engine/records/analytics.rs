//! `GET /api/analytics`: the last 24 hours of the request log (or `?since=`) summed up ([`analytics`]):
//! totals, latency and time-to-first-byte percentiles, usage and cost, per-channel shares
//! and minute and hour timelines.
//!
//! One newest-first scan over the segments that can hold the window, reading only the
//! fields it sums (`Stat`, in place) and never decoding whole records. Read-only, and it
//! keeps nothing between calls: every call scans again. The admin API calls it.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::HashMap;

use super::storage::{read_part, unreadable, Unreadable};
use super::{DAY_MS, HOUR_MS, MINUTE_MS};
use crate::engine::Error;
use crate::protocol::Usage;
use crate::store::Store;

/// `GET /api/analytics`: the last 24 hours of the request log.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Analytics {
    /// Start of the window (unix ms, exclusive).
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

impl Percentiles {
    fn of(mut v: Vec<u64>) -> Percentiles {
        if v.is_empty() {
            return Percentiles::default();
        }
        v.sort_unstable();
        let rank = |q: f64| v[((q * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1];
        Percentiles {
            avg: v.iter().sum::<u64>() as f64 / v.len() as f64,
            p50: rank(0.50),
            p95: rank(0.95),
            p99: rank(0.99),
        }
    }
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

/// The fields analytics needs.
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

    fn add(&mut self, t: u64, success: bool, latency: u64) {
        if t < self.start {
            return;
        }
        if let Some((b, sum)) = self.buckets.get_mut(((t - self.start) / self.width) as usize) {
            b.requests += 1;
            b.failures += u64::from(!success);
            *sum += latency;
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

/// Aggregate the 24 hours up to `now_ms`.
pub fn analytics(store: &Store, now_ms: u64) -> Result<Analytics, Error> {
    analytics_since(store, now_ms.saturating_sub(DAY_MS), now_ms)
}

/// Aggregate the window a user names: `since` (RFC 3339, unix ms or an age like `1h`,
/// `7d`), else the last 24 hours, up to `now_ms`.
pub fn analytics_window(store: &Store, since: Option<&str>, now_ms: u64) -> Result<Analytics, Error> {
    let from = match since {
        Some(s) => super::parse_time("since", s, now_ms)?,
        None => now_ms.saturating_sub(DAY_MS),
    };
    analytics_since(store, from, now_ms)
}

/// Aggregate the records after `from` up to `now_ms` (the timelines stay the last hour
/// by minute and the last day by hour). Scans segments newest key first and stops at
/// the first whose high-water mark is before the window.
pub fn analytics_since(store: &Store, from: u64, now_ms: u64) -> Result<Analytics, Error> {
    let mut totals = Totals::default();
    let mut latencies = Vec::new();
    let mut ttfbs = Vec::new();
    let mut tokens = Usage::default();
    let mut cost = 0.0;
    // Per channel id: usage, latency sum, arrival time of the record its name comes from.
    let mut channels: HashMap<String, (ChannelUsage, u64, u64)> = HashMap::new();
    let mut minutes = Timeline::new(now_ms, MINUTE_MS, 60);
    let mut hours = Timeline::new(now_ms, HOUR_MS, 24);
    for seg in store.segments_rev()? {
        let seg = seg?;
        if seg.key().high <= from {
            break;
        }
        if seg.max_ms() <= from || seg.min_ms() > now_ms {
            continue;
        }
        for (i, (t, bytes)) in seg.entries().enumerate().rev() {
            if t > now_ms || t <= from {
                continue;
            }
            let s = match Stat::read(bytes) {
                Ok(s) => s,
                Err(e) => {
                    unreadable(&seg, i, &e);
                    continue;
                }
            };
            totals.requests += 1;
            if s.success {
                totals.successes += 1;
            } else {
                totals.failures += 1;
            }
            latencies.push(s.latency_ms);
            ttfbs.extend(s.ttfb_ms);
            tokens.add(&s.tokens);
            cost += s.cost_usd.filter(|c| c.is_finite()).unwrap_or(0.0);
            let id = s.channel_id.as_deref().unwrap_or("");
            let name = || s.channel_name.as_deref().unwrap_or(if id.is_empty() { "(none)" } else { id }).to_string();
            if !channels.contains_key(id) {
                let usage = ChannelUsage { channel_id: id.to_string(), channel_name: name(), ..Default::default() };
                channels.insert(id.to_string(), (usage, 0, t));
            }
            let (c, sum, named_at) = channels.get_mut(id).expect("inserted");
            // The name of the channel's latest request is its current one.
            if t > *named_at {
                c.channel_name = name();
                *named_at = t;
            }
            c.requests += 1;
            if s.success {
                c.successes += 1;
            } else {
                c.failures += 1;
            }
            *sum += s.latency_ms;
            c.tokens.add(&s.tokens);
            minutes.add(t, s.success, s.latency_ms);
            hours.add(t, s.success, s.latency_ms);
        }
    }
    if totals.requests > 0 {
        totals.success_rate = totals.successes as f64 / totals.requests as f64;
    }
    let mut per_channel: Vec<ChannelUsage> = channels
        .into_values()
        .map(|(mut c, sum, _)| {
            c.avg_latency_ms = sum as f64 / c.requests as f64;
            c
        })
        .collect();
    per_channel.sort_by(|a, b| b.requests.cmp(&a.requests).then_with(|| a.channel_name.cmp(&b.channel_name)));
    Ok(Analytics {
        since_ms: from,
        until_ms: now_ms,
        totals,
        latency_ms: Percentiles::of(latencies),
        ttfb_ms: Percentiles::of(ttfbs),
        tokens,
        cost_usd: cost,
        per_channel,
        timeline_minute: minutes.finish(),
        timeline_hour: hours.finish(),
    })
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
    fn percentiles_use_the_nearest_rank() {
        let p = Percentiles::of((1..=100).rev().collect());
        assert_eq!((p.p50, p.p95, p.p99), (50, 95, 99));
        assert!((p.avg - 50.5).abs() < 1e-9);
        assert_eq!(Percentiles::of(vec![7]).p99, 7);
    }
}
