//! Prometheus metrics (`GET /metrics`) and their JSON views (`/api/metrics`,
//! `/api/metrics/all`); what each metric means is in docs/metrics.md.
//!
//! The request path touches this module once per request: [`Metrics::finished`], called by
//! `Proxy::record` with the request's record, and the in-flight guard [`InFlight`] that
//! `Proxy::handle` holds. Both only add to atomics: a request finds its label set (client
//! protocol, channel, model, status class) with one read lock and three hash look-ups of
//! borrowed strings and small integers; a label set's counters are made once, on its
//! first request. Nothing is formatted, allocated or encoded per request: the text and
//! JSON are made at scrape time from these atomics ([`view`]), through the
//! `prometheus-client` crate's text encoder.
//!
//! Label values stay bounded: channel names come from the configuration (at most
//! [`MAX_CHANNELS`]), models are the first `metrics.max_models` distinct ones and then
//! `other`, failure reasons a fixed list ([`REASONS`]).
//!
//! It must not import the proxy (the proxy imports it): what the proxy knows live —
//! breakers, key cooldowns, dropped records — comes in at scrape time as a plain
//! [`view::Live`], which the daemon reads off the proxy.

pub mod view;

use rustc_hash::FxHashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::{Mutex, RwLock};
use std::time::Duration;

use crate::engine::records::RequestRecord;

pub use view::{BreakerState, ChannelLive, Live};

/// Why an upstream attempt failed, as `ProxyError::reason` names it: the `reason` label of
/// `routex_failovers_total` and the `outcome` label of `routex_upstream_attempts_total`
/// (which adds [`OK`]). An unknown reason counts as `other`.
pub const REASONS: [&str; 10] = [
    "status_5xx",
    "status_429",
    "status_4xx",
    "timeout",
    "connect",
    "invalid_response",
    "stream_cut",
    "stream_error_event",
    "request",
    "other",
];
/// The outcome of an attempt that did not fail.
pub const OK: &str = "ok";
/// Client protocols (the `protocol` label).
const PROTOCOLS: [&str; 5] = ["anthropic", "openai", "gemini", "responses", "other"];
/// Status classes (the `status_class` label).
const CLASSES: [&str; 5] = ["2xx", "3xx", "4xx", "5xx", "other"];
/// Token kinds (the `type` label of `routex_tokens_total`), in `Usage` order.
pub const TOKEN_TYPES: [&str; 5] = ["input", "output", "cache_read", "cache_write", "reasoning"];
/// The `channel` value of a request that no channel was tried for.
pub const NO_CHANNEL: &str = "(none)";
/// The `model` (and `channel`, `type`) value of everything past a cap.
pub const OTHER: &str = "other";
/// Distinct channel names kept as label values; later ones count as `other`.
pub const MAX_CHANNELS: usize = 1024;
/// Distinct cache invalidation types kept; later ones count as `other`.
const MAX_INVALIDATION_TYPES: usize = 32;
/// The `Content-Type` of `GET /metrics`: the Prometheus text format, version 0.0.4.
pub const CONTENT_TYPE: &str = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;
/// What `POST /api/metrics/reset` does, as its answer says.
pub const RESET_MEANING: &str = "The JSON views (/api/metrics, /api/metrics/all) now count from this moment. \
     GET /metrics is unchanged: Prometheus counters never go backwards (use rate() or increase() there).";
/// Default of `metrics.max_models`.
pub const DEFAULT_MAX_MODELS: usize = 100;

/// `routex_request_duration_seconds` buckets, ms.
pub(crate) const DURATION_BUCKETS_MS: &[u64] =
    &[50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 20_000, 30_000, 60_000, 120_000, 300_000];
/// `routex_time_to_first_byte_seconds` buckets, ms.
pub(crate) const TTFB_BUCKETS_MS: &[u64] =
    &[25, 50, 100, 250, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 30_000, 60_000];
/// `routex_cache_warm_duration_seconds` buckets, ms.
pub(crate) const WARM_BUCKETS_MS: &[u64] = &[1, 5, 10, 50, 100, 500, 1_000, 5_000, 10_000, 30_000];
/// Bucket slots of a [`Hist`] (the longest bucket list, plus `+Inf`).
const SLOTS: usize = 14;

/// A histogram over one of the bucket lists above: a count per bucket (not cumulative;
/// the last slot is `+Inf`) and the sum, µs.
pub(crate) struct Hist {
    pub(crate) bounds_ms: &'static [u64],
    pub(crate) counts: [AtomicU64; SLOTS],
    pub(crate) sum_us: AtomicU64,
}

impl Hist {
    fn new(bounds_ms: &'static [u64]) -> Hist {
        debug_assert!(bounds_ms.len() < SLOTS);
        Hist { bounds_ms, counts: Default::default(), sum_us: AtomicU64::new(0) }
    }

    fn observe_us(&self, us: u64) {
        let i = self.bounds_ms.iter().position(|&b| us <= b * 1000).unwrap_or(self.bounds_ms.len());
        self.counts[i].fetch_add(1, Relaxed);
        self.sum_us.fetch_add(us, Relaxed);
    }

    pub(crate) fn count(&self) -> u64 {
        self.counts.iter().map(|c| c.load(Relaxed)).sum()
    }
}

/// The counters of one label set of requests: (client protocol, channel, model, status
/// class).
pub(crate) struct Series {
    pub(crate) protocol: &'static str,
    pub(crate) class: &'static str,
    pub(crate) channel: u16,
    pub(crate) model: u16,
    pub(crate) success: AtomicU64,
    pub(crate) duration: Hist,
    pub(crate) ttfb: Hist,
    pub(crate) tokens: [AtomicU64; 5],
    /// Estimated cost, 10⁻⁹ USD.
    pub(crate) cost_nano_usd: AtomicU64,
}

/// One channel (by name) as a label value, with its upstream attempt counters.
pub(crate) struct ChannelSlot {
    pub(crate) name: Box<str>,
    /// Attempts by outcome: [`REASONS`] then [`OK`].
    pub(crate) attempts: [AtomicU64; REASONS.len() + 1],
    /// Failovers away from this channel, by [`REASONS`].
    pub(crate) failovers: [AtomicU64; REASONS.len()],
}

/// The label sets seen so far. Only ever grows (counters never go backwards).
#[derive(Default)]
pub(crate) struct State {
    channel_ids: FxHashMap<Box<str>, u16>,
    pub(crate) channels: Vec<ChannelSlot>,
    model_ids: FxHashMap<Box<str>, u16>,
    /// Model names by id; 0 is [`OTHER`].
    pub(crate) models: Vec<Box<str>>,
    series_ids: FxHashMap<u64, u32>,
    pub(crate) series: Vec<Series>,
}

impl State {
    fn new() -> State {
        let mut s = State::default();
        s.models.push(OTHER.into());
        s.channels.push(ChannelSlot::new(OTHER));
        s.channel_ids.insert(OTHER.into(), 0);
        s
    }

    fn channel(&self, name: &str) -> Option<u16> {
        self.channel_ids.get(name).copied()
    }

    /// The channel's id, added when there is room (else `other`'s, 0).
    fn add_channel(&mut self, name: &str) -> u16 {
        if let Some(i) = self.channel(name) {
            return i;
        }
        if self.channels.len() >= MAX_CHANNELS {
            return 0;
        }
        let i = self.channels.len() as u16;
        self.channels.push(ChannelSlot::new(name));
        self.channel_ids.insert(name.into(), i);
        i
    }

    /// The model's id: its own among the first `max` models, else `other`'s (0).
    fn model(&self, name: &str, max: usize) -> Option<u16> {
        match self.model_ids.get(name) {
            Some(&i) => Some(i),
            None if self.models.len() > max => Some(0),
            None => None,
        }
    }

    fn add_model(&mut self, name: &str, max: usize) -> u16 {
        if let Some(i) = self.model(name, max) {
            return i;
        }
        let i = self.models.len() as u16;
        self.models.push(name.into());
        self.model_ids.insert(name.into(), i);
        i
    }
}

impl ChannelSlot {
    fn new(name: &str) -> ChannelSlot {
        ChannelSlot { name: name.into(), attempts: Default::default(), failovers: Default::default() }
    }
}

/// The cache warmer's counters (SPEC §9). They stay 0 until the warmer calls
/// [`Metrics::cache_warmed`] and [`Metrics::cache_invalidated`].
pub(crate) struct CacheCounters {
    pub(crate) warms: AtomicU64,
    pub(crate) failed: AtomicU64,
    pub(crate) duration: Hist,
    /// Invalidations by type, in first-seen order.
    pub(crate) invalidations: Mutex<Vec<(Box<str>, u64)>>,
}

/// The daemon's metrics.
pub struct Metrics {
    pub(crate) state: RwLock<State>,
    max_models: AtomicUsize,
    pub(crate) in_flight: AtomicI64,
    pub(crate) cache: CacheCounters,
    /// When this process's metrics began (Unix seconds) and its monotonic twin.
    pub(crate) start_unix_s: f64,
    pub(crate) started: std::time::Instant,
    /// What the JSON views subtract (`POST /api/metrics/reset`); `/metrics` never does.
    pub(crate) baseline: Mutex<Option<view::Baseline>>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            state: RwLock::new(State::new()),
            max_models: AtomicUsize::new(DEFAULT_MAX_MODELS),
            in_flight: AtomicI64::new(0),
            cache: CacheCounters {
                warms: AtomicU64::new(0),
                failed: AtomicU64::new(0),
                duration: Hist::new(WARM_BUCKETS_MS),
                invalidations: Mutex::new(Vec::new()),
            },
            start_unix_s: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs_f64())
                .unwrap_or(0.0),
            started: std::time::Instant::now(),
            baseline: Mutex::new(None),
        }
    }
}

/// A request under way, counted in `routex_requests_in_flight` until dropped, or until its
/// stream's record when handed to the stream ([`InFlight::hand_to_stream`]).
#[must_use = "the request counts as in flight only while the guard lives"]
pub struct InFlight<'a>(&'a Metrics);

impl InFlight<'_> {
    /// The answer is a stream: the relay records it when it ends (the one record with a
    /// time to first byte), and [`Metrics::finished`] ends its count then.
    pub fn hand_to_stream(self) {
        std::mem::forget(self);
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Relaxed);
    }
}

fn read<T>(l: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(|e| e.into_inner())
}

fn write<T>(l: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(|e| e.into_inner())
}

fn protocol_index(p: &str) -> usize {
    match p {
        "anthropic" => 0,
        "openai" => 1,
        "gemini" => 2,
        "responses" => 3,
        _ => 4,
    }
}

fn class_index(status: u16) -> usize {
    match status {
        200..=299 => 0,
        300..=399 => 1,
        400..=499 => 2,
        500..=599 => 3,
        _ => 4,
    }
}

/// The index of a failure reason in [`REASONS`] (unknown: `other`).
fn reason_index(reason: &str) -> usize {
    REASONS.iter().position(|r| *r == reason).unwrap_or(REASONS.len() - 1)
}

fn series_key(protocol: usize, class: usize, channel: u16, model: u16) -> u64 {
    protocol as u64 | (class as u64) << 8 | (channel as u64) << 16 | (model as u64) << 32
}

impl Metrics {
    /// Metrics with `metrics:` settings from the config file.
    pub fn configure(&self, cfg: &crate::engine::config::MetricsConfig) {
        self.max_models.store(cfg.max_models, Relaxed);
    }

    /// A request begins (`Proxy::handle`): counted in flight until the guard is dropped.
    pub fn request_started(&self) -> InFlight<'_> {
        self.in_flight.fetch_add(1, Relaxed);
        InFlight(self)
    }

    /// Count one finished request (called once per record, on the request path).
    ///
    /// A record with a time to first byte comes from the relay at the end of a stream,
    /// whose in-flight count `Proxy::handle` handed over: it ends here.
    pub fn finished(&self, r: &RequestRecord) {
        if r.ttfb_ms.is_some() {
            self.in_flight.fetch_sub(1, Relaxed);
        }
        let channel = r.channel_name.as_deref().unwrap_or(NO_CHANNEL);
        let (protocol, class) = (protocol_index(&r.client_protocol), class_index(r.status));
        let max_models = self.max_models.load(Relaxed);
        let mut st = read(&self.state);
        let found = match (st.channel(channel), st.model(&r.model, max_models)) {
            (Some(c), Some(m)) => st.series_ids.get(&series_key(protocol, class, c, m)).map(|&s| (c, s)),
            _ => None,
        };
        let (channel_id, series) = match found {
            Some(f) => f,
            None => {
                drop(st);
                let f = self.add_series(channel, &r.model, protocol, class, max_models);
                st = read(&self.state);
                f
            }
        };
        let s = &st.series[series as usize];
        if r.success {
            s.success.fetch_add(1, Relaxed);
        }
        s.duration.observe_us(r.latency_ms.saturating_mul(1000));
        if let Some(t) = r.ttfb_ms {
            s.ttfb.observe_us(t.saturating_mul(1000));
        }
        let u = &r.tokens;
        for (slot, n) in s.tokens.iter().zip([u.input, u.output, u.cache_read, u.cache_write, u.reasoning]) {
            if n > 0 {
                slot.fetch_add(n, Relaxed);
            }
        }
        if let Some(c) = r.cost_usd.filter(|c| *c > 0.0 && c.is_finite()) {
            s.cost_nano_usd.fetch_add((c * 1e9).round() as u64, Relaxed);
        }
        // Attempts: each one's outcome; every failed one but the last is a failover.
        let last = r.attempts.len().saturating_sub(1);
        for (i, a) in r.attempts.iter().enumerate() {
            let id = if a.channel_name == channel { Some(channel_id) } else { st.channel(&a.channel_name) };
            let id = match id {
                Some(id) => id,
                None => {
                    drop(st);
                    let id = write(&self.state).add_channel(&a.channel_name);
                    st = read(&self.state);
                    id
                }
            };
            let slot = &st.channels[id as usize];
            match a.reason {
                Some(reason) => {
                    let k = reason_index(reason);
                    slot.attempts[k].fetch_add(1, Relaxed);
                    if i < last {
                        slot.failovers[k].fetch_add(1, Relaxed);
                    }
                }
                None if a.error.is_some() => {
                    let k = REASONS.len() - 1;
                    slot.attempts[k].fetch_add(1, Relaxed);
                    if i < last {
                        slot.failovers[k].fetch_add(1, Relaxed);
                    }
                }
                None => {
                    slot.attempts[REASONS.len()].fetch_add(1, Relaxed);
                }
            }
        }
    }

    /// The slow path of [`Metrics::finished`]: make the label set (once per label set).
    fn add_series(&self, channel: &str, model: &str, protocol: usize, class: usize, max_models: usize) -> (u16, u32) {
        let mut st = write(&self.state);
        let c = st.add_channel(channel);
        let m = st.add_model(model, max_models);
        let key = series_key(protocol, class, c, m);
        if let Some(&s) = st.series_ids.get(&key) {
            return (c, s);
        }
        let s = st.series.len() as u32;
        st.series.push(Series {
            protocol: PROTOCOLS[protocol],
            class: CLASSES[class],
            channel: c,
            model: m,
            success: AtomicU64::new(0),
            duration: Hist::new(DURATION_BUCKETS_MS),
            ttfb: Hist::new(TTFB_BUCKETS_MS),
            tokens: Default::default(),
            cost_nano_usd: AtomicU64::new(0),
        });
        st.series_ids.insert(key, s);
        (c, s)
    }

    /// The cache warmer finished a warm that took `duration` (`ok`: it succeeded).
    pub fn cache_warmed(&self, duration: Duration, ok: bool) {
        self.cache.warms.fetch_add(1, Relaxed);
        if !ok {
            self.cache.failed.fetch_add(1, Relaxed);
        }
        self.cache.duration.observe_us(duration.as_micros().min(u64::MAX as u128) as u64);
    }

    /// The cache warmer invalidated a cache of this type (`channels`, `models`, …).
    pub fn cache_invalidated(&self, kind: &str) {
        let mut v = self.cache.invalidations.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(e) = v.iter_mut().find(|(k, _)| &**k == kind) {
            e.1 += 1;
            return;
        }
        if v.len() + 1 >= MAX_INVALIDATION_TYPES {
            match v.iter_mut().find(|(k, _)| &**k == OTHER) {
                Some(e) => e.1 += 1,
                None => v.push((OTHER.into(), 1)),
            }
            return;
        }
        v.push((kind.into(), 1));
    }

    /// Requests under way now.
    pub fn in_flight(&self) -> i64 {
        self.in_flight.load(Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::records::Attempt;

    fn record(channel: Option<&str>, model: &str, status: u16, success: bool) -> RequestRecord {
        RequestRecord {
            client_protocol: "anthropic".into(),
            channel_name: channel.map(str::to_string),
            model: model.into(),
            status,
            success,
            latency_ms: 1200,
            ..Default::default()
        }
    }

    #[test]
    fn histogram_buckets_hold_their_upper_bound() {
        let h = Hist::new(DURATION_BUCKETS_MS);
        h.observe_us(50_000); // exactly 0.05 s: le="0.05"
        h.observe_us(50_001);
        h.observe_us(999_999_999);
        assert_eq!(h.counts[0].load(Relaxed), 1);
        assert_eq!(h.counts[1].load(Relaxed), 1);
        assert_eq!(h.counts[DURATION_BUCKETS_MS.len()].load(Relaxed), 1);
        assert_eq!(h.count(), 3);
    }

    #[test]
    fn models_past_the_cap_are_other_and_label_sets_are_made_once() {
        let m = Metrics::default();
        m.configure(&crate::engine::config::MetricsConfig { max_models: 2 });
        for model in ["a", "b", "c", "d", "a"] {
            m.finished(&record(Some("main"), model, 200, true));
        }
        let st = read(&m.state);
        let names: Vec<&str> = st.models.iter().map(|s| &**s).collect();
        assert_eq!(names, ["other", "a", "b"]);
        let by_model: Vec<(&str, u64)> =
            st.series.iter().map(|s| (&*st.models[s.model as usize], s.duration.count())).collect();
        assert_eq!(by_model, [("a", 2), ("b", 1), ("other", 2)]);
    }

    #[test]
    fn attempts_and_failovers_by_reason() {
        let m = Metrics::default();
        let mut r = record(Some("good"), "m", 200, true);
        let attempt = |ch: &str, reason: Option<&'static str>| Attempt {
            channel_name: ch.into(),
            error: reason.map(|_| "failed".to_string()),
            reason,
            ..Default::default()
        };
        r.attempts = vec![attempt("bad", Some("status_5xx")), attempt("bad", Some("timeout")), attempt("good", None)];
        m.finished(&r);
        let mut failed = record(Some("bad"), "m", 502, false);
        failed.attempts = vec![attempt("bad", Some("status_5xx"))];
        m.finished(&failed);
        let st = read(&m.state);
        let bad = &st.channels[st.channel("bad").unwrap() as usize];
        let good = &st.channels[st.channel("good").unwrap() as usize];
        let at = |s: &ChannelSlot, k: &str| s.attempts[REASONS.iter().position(|r| *r == k).unwrap()].load(Relaxed);
        let fo = |s: &ChannelSlot, k: &str| s.failovers[REASONS.iter().position(|r| *r == k).unwrap()].load(Relaxed);
        assert_eq!((at(bad, "status_5xx"), at(bad, "timeout")), (2, 1));
        assert_eq!((fo(bad, "status_5xx"), fo(bad, "timeout")), (1, 1), "the last attempt is no failover");
        assert_eq!(good.attempts[REASONS.len()].load(Relaxed), 1);
    }

    #[test]
    fn in_flight_guard_and_stream_hand_over() {
        let m = Metrics::default();
        {
            let _g = m.request_started();
            assert_eq!(m.in_flight(), 1);
        }
        assert_eq!(m.in_flight(), 0);
        m.request_started().hand_to_stream();
        assert_eq!(m.in_flight(), 1);
        let mut r = record(Some("main"), "m", 200, true);
        r.ttfb_ms = Some(30);
        m.finished(&r);
        assert_eq!(m.in_flight(), 0);
    }

    #[test]
    fn cache_counters() {
        let m = Metrics::default();
        m.cache_warmed(Duration::from_millis(20), true);
        m.cache_warmed(Duration::from_millis(20), false);
        for _ in 0..40 {
            m.cache_invalidated("channels");
        }
        for i in 0..40 {
            m.cache_invalidated(&format!("t{i}"));
        }
        assert_eq!((m.cache.warms.load(Relaxed), m.cache.failed.load(Relaxed)), (2, 1));
        let inv = m.cache.invalidations.lock().unwrap();
        assert_eq!(inv.len(), MAX_INVALIDATION_TYPES);
        assert_eq!(inv[0], ("channels".into(), 40));
        assert_eq!(inv.last().unwrap().0.as_ref(), OTHER);
    }
}
