//! Warm analytics: the request log's aggregates kept in memory ([`Aggregates`]) so that
//! `GET /api/analytics` answers in about a millisecond at any log size instead of scanning
//! the log (docs/cache.md).
//!
//! Time buckets: one per minute for the last 25 hours ([`MINUTE_HORIZON`]) and one per hour
//! for the last 7 days and an hour ([`HOUR_HORIZON`]), each an `analytics::Part` (sums, the
//! channels seen, sparse latency and TTFB histograms). A window is summed from hour
//! buckets for its whole hours and, for a window of at most 24 hours (which starts at a
//! minute boundary), from minute buckets for the minutes before its first whole hour, by
//! the accumulator the cold scan uses, so the answers are the same; a window reaching past the horizon, or asked
//! before the aggregates are built (or while they are stale), is answered by the cold scan.
//!
//! Fed by the request-log writer (`recorder.rs`) through [`Aggregates::append`]: the append
//! and the feed happen under one gate mutex, and [`Aggregates::build`] holds the same gate
//! around its scan, so a build sees exactly what was appended and nothing is counted twice.
//! Readers take only the short state lock. A prune that removed records inside the horizon
//! marks the aggregates stale ([`Aggregates::mark_stale`]); the cache warmer's refresh
//! rebuilds them. Must not write the store itself; must not be called on the proxy's
//! request path.
//!
//! On a shared store (Postgres, team mode) other replicas write the log too: the
//! aggregates then *follow* it instead of counting the batches this writer appends. A
//! build records the newest segment key it scanned up to, and [`Aggregates::append`] /
//! [`Aggregates::follow`] (every flush of the writer) count the segments after it, whoever
//! wrote them; appends take keys in commit order across replicas, so none is missed or
//! counted twice.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;

use super::analytics::{analytics_since, follow, scan_to, window_start, Interner, Part, Sample, Window};
use super::model::RequestRecord;
use super::storage::append;
use super::{Analytics, DAY_MS, HOUR_MS, MINUTE_MS};
use crate::engine::Error;
use crate::store::{SegmentKey, Store};

/// How far back minute buckets are kept: a day (the longest window summed from them) and
/// an hour of slack so that expiring them can wait for the next refresh.
pub const MINUTE_HORIZON: u64 = DAY_MS + HOUR_MS;
/// How far back hour buckets are kept: a week and an hour.
pub const HOUR_HORIZON: u64 = 7 * DAY_MS + HOUR_MS;

/// The warm aggregates of the request log. One per engine; cheap to share by reference.
#[derive(Debug, Default)]
pub struct Aggregates {
    /// Held by the writer around append + feed and by a build around its scan.
    gate: Mutex<()>,
    state: Mutex<State>,
}

/// What `GET /api/cache/stats` and `routex cache stats` say about the aggregates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AggregatesStatus {
    /// Built and current: `/api/analytics` answers from memory (else from the log).
    pub ready: bool,
    /// A prune removed records they counted; the next refresh rebuilds them.
    pub stale: bool,
    /// Records counted (those of the last week).
    pub records: u64,
    /// Minute and hour buckets held.
    pub buckets: u64,
    /// Memory the buckets take, in bytes (an estimate from their sizes).
    pub memory_bytes: u64,
    /// When they were last built (unix ms; 0: never).
    pub built_at_ms: u64,
    /// How long that build took, in ms.
    pub build_ms: u64,
}

#[derive(Debug, Default)]
struct State {
    built: bool,
    stale: bool,
    names: Interner,
    /// Minute buckets are complete from here on (unix ms, a minute boundary).
    minute_floor: u64,
    /// Hour buckets are complete from here on (unix ms, an hour boundary).
    hour_floor: u64,
    minutes: BTreeMap<u64, Part>,
    hours: BTreeMap<u64, Part>,
    records: u64,
    built_at_ms: u64,
    build_ms: u64,
    /// On a shared store: the newest segment counted (see the module documentation).
    cursor: Option<SegmentKey>,
}

impl State {
    fn empty(now_ms: u64) -> State {
        State {
            minute_floor: floor(now_ms.saturating_sub(MINUTE_HORIZON), MINUTE_MS),
            hour_floor: floor(now_ms.saturating_sub(HOUR_HORIZON), HOUR_MS),
            ..State::default()
        }
    }

    fn add(&mut self, s: &Sample) {
        let t = s.time_ms;
        if t < self.hour_floor {
            return;
        }
        self.records += 1;
        self.hours.entry(floor(t, HOUR_MS)).or_default().add(s, &mut self.names);
        if t >= self.minute_floor {
            self.minutes.entry(floor(t, MINUTE_MS)).or_default().add(s, &mut self.names);
        }
    }

    /// Drop the buckets past the horizon at `now_ms`.
    fn expire(&mut self, now_ms: u64) {
        let m = floor(now_ms.saturating_sub(MINUTE_HORIZON), MINUTE_MS).max(self.minute_floor);
        let h = floor(now_ms.saturating_sub(HOUR_HORIZON), HOUR_MS).max(self.hour_floor);
        self.minutes = self.minutes.split_off(&m);
        let kept = self.hours.split_off(&h);
        let gone: u64 = self.hours.values().map(|p| p.requests).sum();
        self.hours = kept;
        self.records -= gone;
        (self.minute_floor, self.hour_floor) = (m, h);
    }

    fn memory_bytes(&self) -> u64 {
        // A BTreeMap entry costs its key and value and roughly as much again in node slack.
        let entry = 2 * (std::mem::size_of::<u64>() + std::mem::size_of::<Part>());
        let parts = self.minutes.values().chain(self.hours.values());
        let bytes: usize = parts.map(|p| entry + p.heap_bytes()).sum::<usize>() + self.names.heap_bytes();
        bytes as u64
    }
}

fn floor(t: u64, width: u64) -> u64 {
    t / width * width
}

impl Aggregates {
    /// Not built yet: every window is answered by the cold scan until [`Aggregates::build`].
    pub fn new() -> Aggregates {
        Aggregates::default()
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn gate(&self) -> std::sync::MutexGuard<'_, ()> {
        self.gate.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Append a batch to the log ([`append`]) and count it, under the gate (the writer).
    pub fn append(&self, store: &Store, batch: &[RequestRecord]) -> Result<(), Error> {
        let _gate = self.gate();
        append(store, batch)?;
        if store.replica().is_some() {
            return self.follow_gated(store);
        }
        let mut st = self.state();
        if st.built {
            for r in batch {
                st.add(&Sample::of_record(r));
            }
        }
        Ok(())
    }

    /// On a shared store, count what the other replicas wrote since the last look (the
    /// writer calls this every flush); nothing to do on the embedded store.
    pub fn follow(&self, store: &Store) -> Result<(), Error> {
        if store.replica().is_none() {
            return Ok(());
        }
        let _gate = self.gate();
        self.follow_gated(store)
    }

    fn follow_gated(&self, store: &Store) -> Result<(), Error> {
        // Under the state lock: what follows is normally one short page (a second's records).
        let mut st = self.state();
        if !st.built {
            return Ok(());
        }
        let cursor = st.cursor;
        st.cursor = follow(store, cursor, |s| st.add(s))?;
        Ok(())
    }

    /// Build the aggregates from the log (the last [`HOUR_HORIZON`] up to `now_ms` and any
    /// record stamped later), replacing what they held. Holds the gate for the scan, so the
    /// writer waits (its queue absorbs the records meanwhile). Returns the new status.
    pub fn build(&self, store: &Store, now_ms: u64) -> Result<AggregatesStatus, Error> {
        let _gate = self.gate();
        let started = Instant::now();
        let mut fresh = State::empty(now_ms);
        // On a shared store others append during the scan: it stops at the key read
        // first, and following goes on from there.
        let last = if store.replica().is_some() { store.last_segment_key()? } else { None };
        scan_to(store, fresh.hour_floor, u64::MAX, last, |s| fresh.add(s))?;
        fresh.cursor = last;
        fresh.built = true;
        fresh.built_at_ms = now_ms;
        fresh.build_ms = started.elapsed().as_millis() as u64;
        *self.state() = fresh;
        Ok(self.status())
    }

    /// Roll the buckets past the horizon off (the background refresh calls this).
    pub fn expire(&self, now_ms: u64) {
        let mut st = self.state();
        if st.built {
            st.expire(now_ms);
        }
    }

    /// Records they counted were removed from the log: answer from the log until rebuilt.
    pub fn mark_stale(&self) {
        self.state().stale = true;
    }

    /// Forget everything (`POST /api/cache/invalidate {type: analytics}`): answer from the
    /// log until the next build.
    pub fn invalidate(&self) {
        *self.state() = State::default();
    }

    /// The oldest arrival time the aggregates count: a prune that removes a record at or
    /// after it must [`Aggregates::mark_stale`] them.
    pub fn horizon_start(&self) -> u64 {
        let st = self.state();
        if st.built {
            st.hour_floor
        } else {
            u64::MAX
        }
    }

    /// What they hold now.
    pub fn status(&self) -> AggregatesStatus {
        let st = self.state();
        AggregatesStatus {
            ready: st.built && !st.stale,
            stale: st.stale,
            records: st.records,
            buckets: (st.minutes.len() + st.hours.len()) as u64,
            memory_bytes: st.memory_bytes(),
            built_at_ms: st.built_at_ms,
            build_ms: st.build_ms,
        }
    }

    /// `GET /api/analytics`: the window from `from` (aligned by [`window_start`]) to
    /// `now_ms`, from memory when the aggregates cover it, else by scanning the log.
    pub fn window(&self, store: &Store, from: u64, now_ms: u64) -> Result<Analytics, Error> {
        match self.warm(from, now_ms) {
            Some(a) => Ok(a),
            None => analytics_since(store, from, now_ms),
        }
    }

    /// The window from memory; None when the aggregates do not cover it.
    pub fn warm(&self, from: u64, now_ms: u64) -> Option<Analytics> {
        let by_minute = now_ms.saturating_sub(from) <= DAY_MS;
        let from = window_start(from, now_ms);
        let st = self.state();
        if !st.built || st.stale {
            return None;
        }
        let mut w = Window::new(from, now_ms);
        // Whole hours from hour buckets (an hour bucket counts exactly its 60 minute
        // buckets), the minutes before the first whole hour from minute buckets: ~100
        // buckets summed for a day instead of 1,440.
        let whole_hours = if by_minute {
            if from < st.minute_floor {
                return None;
            }
            let hour = from.div_ceil(HOUR_MS) * HOUR_MS;
            for (&start, p) in st.minutes.range(from..hour) {
                w.merge(p, &st.names);
                w.timelines(start, p, false, true);
            }
            hour
        } else {
            if from < st.hour_floor {
                return None;
            }
            from
        };
        for (&start, p) in st.hours.range(whole_hours..) {
            w.merge(p, &st.names);
            w.timelines(start, p, false, true);
        }
        // The minute timeline (the last hour), after the window's start.
        let last_hour = floor(now_ms, MINUTE_MS).saturating_sub(59 * MINUTE_MS).max(from);
        for (&start, p) in st.minutes.range(last_hour..) {
            w.timelines(start, p, true, false);
        }
        Some(w.finish(&st.names))
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_records::{rec, T0};
    use super::super::{analytics_since, prune};
    use super::*;
    use crate::protocol::Usage;

    /// A week of varied records: latencies across the bins, failures, three channels one
    /// of which was renamed, TTFB on some, costs, and no channel on some.
    fn week(now: u64, n: u64) -> Vec<RequestRecord> {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut v: Vec<RequestRecord> = (0..n)
            .map(|i| {
                let age = next() % (8 * DAY_MS);
                let mut r = rec(i, now - age);
                r.latency_ms = match next() % 4 {
                    0 => next() % 128,
                    1 => next() % 5_000,
                    2 => next() % 120_000,
                    _ => 100 + next() % 50,
                };
                r.ttfb_ms = (next() % 3 != 0).then_some(r.latency_ms / 3);
                r.success = next() % 7 != 0;
                r.tokens =
                    Usage { input: next() % 1000, output: next() % 500, cache_read: next() % 10, ..Default::default() };
                r.cost_usd = (next() % 5 != 0).then(|| (next() % 1000) as f64 / 997.0);
                match next() % 4 {
                    0 => {
                        r.channel_id = Some("ch_bbb".into());
                        // Renamed a day ago.
                        r.channel_name = Some(if age > DAY_MS { "old-name" } else { "backup" }.into());
                    }
                    1 => (r.channel_id, r.channel_name) = (None, None),
                    _ => {}
                }
                r
            })
            .collect();
        v.sort_by_key(|r| r.time_ms);
        v
    }

    fn same(warm: &Analytics, cold: &Analytics) {
        assert!((warm.cost_usd - cold.cost_usd).abs() < 1e-6, "{} vs {}", warm.cost_usd, cold.cost_usd);
        let mut w = warm.clone();
        w.cost_usd = cold.cost_usd;
        assert_eq!(&w, cold);
    }

    #[test]
    fn warm_answers_equal_the_cold_scan_for_every_window() {
        let s = Store::temporary().unwrap();
        let now = T0 + 37 * MINUTE_MS + 12_345;
        let all = week(now, 20_000);
        let (before, after) = all.split_at(12_000);
        for b in before.chunks(500) {
            append(&s, b).unwrap();
        }
        let agg = Aggregates::new();
        assert!(agg.warm(now - DAY_MS, now).is_none(), "not built yet");
        let st = agg.build(&s, now).unwrap();
        assert!(st.ready && st.records > 0 && st.memory_bytes > 0);
        // The rest arrives through the writer's path.
        for b in after.chunks(500) {
            agg.append(&s, b).unwrap();
        }
        for since in [0, MINUTE_MS, 59 * MINUTE_MS + 1, 3 * HOUR_MS + 7, DAY_MS, DAY_MS + 1, 3 * DAY_MS, 7 * DAY_MS] {
            let from = now - since;
            let warm = agg.warm(from, now).unwrap_or_else(|| panic!("window of {since} ms is warm"));
            let cold = analytics_since(&s, from, now).unwrap();
            assert!(cold.totals.requests > 0 || since < HOUR_MS);
            same(&warm, &cold);
            assert_eq!(warm.since_ms % if since <= DAY_MS { MINUTE_MS } else { HOUR_MS }, 0);
        }
        let day = agg.warm(now - DAY_MS, now).unwrap();
        let backup = day.per_channel.iter().find(|c| c.channel_id == "ch_bbb").unwrap();
        assert_eq!(backup.channel_name, "backup", "the latest name");
        let week = agg.warm(now - 7 * DAY_MS, now).unwrap();
        assert!(week.per_channel.iter().any(|c| c.channel_id.is_empty() && c.channel_name == "(none)"));
        assert!(agg.warm(now - 8 * DAY_MS, now).is_none(), "past the horizon: the cold scan answers");
        same(&agg.window(&s, now - 8 * DAY_MS, now).unwrap(), &analytics_since(&s, now - 8 * DAY_MS, now).unwrap());
    }

    #[test]
    fn a_prune_inside_the_horizon_makes_them_stale_until_rebuilt() {
        let s = Store::temporary().unwrap();
        let now = T0;
        let all = week(now, 3000);
        append(&s, &all).unwrap();
        let agg = Aggregates::new();
        agg.build(&s, now).unwrap();
        assert!(prune(&s, 2, 0, now).unwrap() > 0);
        assert!(agg.horizon_start() < now - 2 * DAY_MS, "the pruned records were inside the horizon");
        agg.mark_stale();
        assert!(agg.warm(now - DAY_MS, now).is_none() && agg.status().stale);
        agg.build(&s, now).unwrap();
        same(&agg.warm(now - 7 * DAY_MS, now).unwrap(), &analytics_since(&s, now - 7 * DAY_MS, now).unwrap());
        // Expiry rolls buckets off without changing what a covered window says.
        let later = now + 2 * HOUR_MS;
        let before = agg.status().buckets;
        agg.expire(later);
        assert!(agg.status().buckets < before);
        same(&agg.warm(later - DAY_MS, later).unwrap(), &analytics_since(&s, later - DAY_MS, later).unwrap());
        agg.invalidate();
        assert!(!agg.status().ready && agg.warm(now - HOUR_MS, now).is_none());
    }
}
