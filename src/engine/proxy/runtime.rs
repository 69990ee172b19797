//! Live state of each channel while the daemon runs: in-flight and total counters,
//! peak-EWMA latency, the circuit breaker (README.md, "How the proxy behaves": circuit
//! breaker) and the key pool's cooldowns; and per channel, what the request path would
//! otherwise rebuild on every request (the parsed URL, header values, base headers).
//!
//! Everything here is lock-light: atomics for counters, one small mutex per channel for
//! the breaker and one for key cooldowns, never held across an `.await`. It only keeps
//! state: it never stores anything (the proxy turns a [`Transition`] into a stored status)
//! and never chooses a channel. Written by the failover loop, the attempt steps and the
//! relay; read by the candidate ordering, the balancer and the admin API's statistics.

use serde::Serialize;
use std::collections::HashMap;
use std::sync::atomic::{AtomicIsize, AtomicU32, AtomicU64, AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

/// Breaker state of one channel.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Breaker {
    /// Traffic flows.
    Closed,
    /// No traffic until the instant; then one trial.
    Open { until: Instant },
    /// One trial request is allowed (`trial` = it is under way).
    HalfOpen { trial: bool },
}

/// A breaker as someone looking at it sees it at an instant: an open one whose time has
/// passed lets its trial through, so it reads as half-open. What the channel stats, the
/// health report and the metrics show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakerSeen {
    /// Traffic flows.
    Closed,
    /// No traffic until the instant.
    Open {
        /// When the trial is let through.
        until: Instant,
    },
    /// One trial request is allowed (or under way).
    HalfOpen,
}

impl Breaker {
    /// This breaker as seen at `now` (see [`BreakerSeen`]).
    pub fn seen_at(self, now: Instant) -> BreakerSeen {
        match self {
            Breaker::Closed => BreakerSeen::Closed,
            Breaker::Open { until } if now < until => BreakerSeen::Open { until },
            Breaker::Open { .. } | Breaker::HalfOpen { .. } => BreakerSeen::HalfOpen,
        }
    }
}

impl BreakerSeen {
    /// `closed`, `open` or `half_open`.
    pub fn as_str(self) -> &'static str {
        match self {
            BreakerSeen::Closed => "closed",
            BreakerSeen::Open { .. } => "open",
            BreakerSeen::HalfOpen => "half_open",
        }
    }
}

/// What a breaker transition means for the channel's stored status.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Transition {
    /// Nothing changed that a user sees.
    None,
    /// The breaker opened: status becomes rate_limited.
    Opened,
    /// The breaker closed again: status back to enabled.
    Healed,
}

/// A channel's `X-Channel-Id` / `X-Channel-Name` values (None when not a valid header value).
#[derive(Debug, Clone)]
pub struct ChannelHeaders {
    /// The id.
    pub id: Option<http::HeaderValue>,
    /// The name.
    pub name: Option<http::HeaderValue>,
}

/// Live state of one channel.
#[derive(Debug)]
pub struct ChannelRuntime {
    /// Requests under way.
    pub in_flight: AtomicU64,
    /// Attempts sent.
    pub total: AtomicU64,
    /// Successful attempts.
    pub successes: AtomicU64,
    /// Failed attempts.
    pub failures: AtomicU64,
    /// Input tokens served.
    pub tokens_in: AtomicU64,
    /// Output tokens served.
    pub tokens_out: AtomicU64,
    /// Unix ms of the last attempt.
    pub last_used_ms: AtomicU64,
    /// Times the breaker opened.
    pub opened_total: AtomicU64,
    /// Attempts the other replicas sent on this channel (team mode: the shared usage
    /// counts, at most a second or two old); `least_used` adds them to `total`.
    pub others: AtomicU64,
    consecutive_failures: AtomicU32,
    ewma_us: AtomicU64,
    /// [`BLOCKED`] mirrors `breaker != Closed`, so the hot path checks an atomic, not the
    /// mutex; [`COOLING`]: some key has (or had) a cooldown (when unset no key is cooling).
    flags: AtomicU8,
    /// How many runtimes sharing this counter have a flag set (see [`Runtimes::all_clear`]).
    troubled: Arc<AtomicIsize>,
    breaker: Mutex<Breaker>,
    last_error: Mutex<Option<String>>,
    key_cooldown: Mutex<Vec<Option<Instant>>>,
    key_rr: AtomicUsize,
    /// The last upstream URL parsed for this channel: parsing (host, IDNA) costs more than
    /// comparing the string, and a channel's URL rarely changes between requests.
    url: Mutex<Option<(String, http::Uri)>>,
    /// `X-Channel-Id` / `X-Channel-Name` values for the name they were made from.
    names: Mutex<Option<(String, ChannelHeaders)>>,
    /// [`super::upstream::base_headers`] per key, for the channel value they were made from.
    base: Mutex<Option<BaseHeaders>>,
}

/// The upstream headers of one version of a channel, one map per key (index), made on
/// first use. Holding the `Arc` keeps its address from being reused by another version.
struct BaseHeaders {
    channel: Arc<crate::engine::Channel>,
    per_key: Vec<Option<http::HeaderMap>>,
}

/// Names the channel only: the maps hold its keys.
impl std::fmt::Debug for BaseHeaders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BaseHeaders").field("channel", &self.channel.id).field("keys", &self.per_key.len()).finish()
    }
}

impl Default for ChannelRuntime {
    fn default() -> Self {
        ChannelRuntime {
            in_flight: AtomicU64::new(0),
            total: AtomicU64::new(0),
            successes: AtomicU64::new(0),
            failures: AtomicU64::new(0),
            tokens_in: AtomicU64::new(0),
            tokens_out: AtomicU64::new(0),
            last_used_ms: AtomicU64::new(0),
            opened_total: AtomicU64::new(0),
            others: AtomicU64::new(0),
            consecutive_failures: AtomicU32::new(0),
            ewma_us: AtomicU64::new(0),
            flags: AtomicU8::new(0),
            troubled: Arc::default(),
            breaker: Mutex::new(Breaker::Closed),
            last_error: Mutex::new(None),
            key_cooldown: Mutex::new(Vec::new()),
            key_rr: AtomicUsize::new(0),
            url: Mutex::new(None),
            names: Mutex::new(None),
            base: Mutex::new(None),
        }
    }
}

/// [`ChannelRuntime::flags`]: the breaker is not closed.
const BLOCKED: u8 = 1;
/// [`ChannelRuntime::flags`]: some key has (or had) a cooldown.
const COOLING: u8 = 2;

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Statistics shown to users (read only).
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize, PartialEq)]
pub struct ChannelStats {
    /// Attempts sent.
    pub requests: u64,
    /// Successful attempts.
    pub successes: u64,
    /// Failed attempts.
    pub failures: u64,
    /// Requests under way.
    pub in_flight: u64,
    /// Unix ms of the last attempt.
    pub last_used_ms: Option<u64>,
    /// The last error.
    pub last_error: Option<String>,
    /// Input tokens served.
    pub tokens_input: u64,
    /// Output tokens served.
    pub tokens_output: u64,
    /// Peak-EWMA latency, ms.
    pub latency_ewma_ms: f64,
    /// `closed`, `open` or `half_open`.
    pub breaker: String,
}

const EWMA_DECAY: f64 = 0.3;

impl ChannelRuntime {
    /// `url` parsed, from the cache when it is the same as last time.
    pub fn parsed_url(&self, url: String) -> Result<http::Uri, super::ProxyError> {
        let mut cached = self.url.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((s, u)) = cached.as_ref() {
            if *s == url {
                return Ok(u.clone());
            }
        }
        let Some(u) = http::Uri::try_from(url.as_str())
            .ok()
            .filter(|u| u.scheme().is_some() && u.host().is_some_and(|h| !h.is_empty()))
        else {
            return Err(super::ProxyError::InvalidUpstreamUrl { url });
        };
        *cached = Some((url, u.clone()));
        Ok(u)
    }

    /// The channel's id and name as response header values, made once per name (a value
    /// costs an allocation; every response carries both).
    pub fn header_values(&self, id: &str, name: &str) -> ChannelHeaders {
        let mut cached = self.names.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((n, h)) = cached.as_ref() {
            if n == name {
                return h.clone();
            }
        }
        let h =
            ChannelHeaders { id: http::HeaderValue::from_str(id).ok(), name: http::HeaderValue::from_str(name).ok() };
        *cached = Some((name.to_string(), h.clone()));
        h
    }

    /// [`super::upstream::base_headers`] of `ch` with its key `key_idx` (no key past the end),
    /// made once per channel version and key: a request clones the map (reference counts)
    /// instead of validating and copying the key and the channel's headers again.
    pub fn base_headers(&self, ch: &Arc<crate::engine::Channel>, key_idx: usize) -> http::HeaderMap {
        let mut cached = self.base.lock().unwrap_or_else(|e| e.into_inner());
        let fresh = match cached.as_ref() {
            Some(b) => !Arc::ptr_eq(&b.channel, ch),
            None => true,
        };
        if fresh {
            *cached = Some(BaseHeaders { channel: ch.clone(), per_key: vec![None; ch.key_count() + 1] });
        }
        let b = cached.as_mut().expect("set above");
        let slot = key_idx.min(ch.key_count());
        b.per_key[slot]
            .get_or_insert_with(|| super::upstream::base_headers(ch, ch.key(slot).map(|k| k.expose())))
            .clone()
    }

    /// True when neither the breaker nor a key cooldown can hold the channel back, so
    /// [`Self::admissible`] and [`Self::has_key`] are true without reading the clock.
    #[inline]
    pub fn clear(&self) -> bool {
        self.flags.load(Ordering::Acquire) == 0
    }

    fn has(&self, flag: u8) -> bool {
        self.flags.load(Ordering::Acquire) & flag != 0
    }

    /// Set a flag; the first one set counts this runtime as troubled.
    fn raise(&self, flag: u8) {
        if self.flags.fetch_or(flag, Ordering::AcqRel) == 0 {
            self.troubled.fetch_add(1, Ordering::AcqRel);
        }
    }

    /// Unset a flag; the last one unset stops counting this runtime as troubled.
    fn lower(&self, flag: u8) {
        if self.flags.fetch_and(!flag, Ordering::AcqRel) == flag {
            self.troubled.fetch_sub(1, Ordering::AcqRel);
        }
    }

    /// Whether this channel may take an attempt now (without reserving the half-open trial).
    pub fn admissible(&self, now: Instant) -> bool {
        if !self.has(BLOCKED) {
            return true;
        }
        match *lock(&self.breaker) {
            Breaker::Closed => true,
            Breaker::Open { until } => now >= until,
            Breaker::HalfOpen { trial } => !trial,
        }
    }

    /// Reserve an attempt: moves an expired open breaker to half-open and takes its one
    /// trial. False when the channel must be skipped.
    pub fn begin(&self, now: Instant) -> bool {
        if self.has(BLOCKED) {
            let mut b = lock(&self.breaker);
            match *b {
                Breaker::Closed => {}
                Breaker::Open { until } if now >= until => *b = Breaker::HalfOpen { trial: true },
                Breaker::Open { .. } => return false,
                Breaker::HalfOpen { trial: false } => *b = Breaker::HalfOpen { trial: true },
                Breaker::HalfOpen { trial: true } => return false,
            }
        }
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        self.total.fetch_add(1, Ordering::Relaxed);
        self.last_used_ms.store(now_ms(), Ordering::Relaxed);
        true
    }

    /// The attempt ended (success or not): release in-flight.
    pub fn end(&self) {
        self.in_flight.fetch_sub(1, Ordering::Relaxed);
    }

    /// Count the tokens of an answer served (the whole prompt as input).
    pub fn add_tokens(&self, usage: &crate::protocol::Usage) {
        self.tokens_in.fetch_add(usage.input + usage.cache_read + usage.cache_write, Ordering::Relaxed);
        self.tokens_out.fetch_add(usage.output, Ordering::Relaxed);
    }

    /// Record a latency sample (time to first byte), µs.
    pub fn observe_latency(&self, us: u64) {
        let old = f64::from_bits(self.ewma_us.load(Ordering::Relaxed));
        // Peak EWMA: jump up at once on a slow sample, decay slowly on fast ones.
        let new = if old == 0.0 || us as f64 > old { us as f64 } else { old + EWMA_DECAY * (us as f64 - old) };
        self.ewma_us.store(new.to_bits(), Ordering::Relaxed);
    }

    /// Peak-EWMA cost for the latency strategy: latency × (in-flight + 1). Unmeasured
    /// channels cost 0 so they get explored.
    pub fn cost(&self) -> f64 {
        f64::from_bits(self.ewma_us.load(Ordering::Relaxed)) * (self.in_flight.load(Ordering::Relaxed) + 1) as f64
    }

    /// A success closes the breaker.
    pub fn on_success(&self) -> Transition {
        self.successes.fetch_add(1, Ordering::Relaxed);
        self.consecutive_failures.store(0, Ordering::Relaxed);
        if !self.has(BLOCKED) {
            return Transition::None;
        }
        let mut b = lock(&self.breaker);
        let was = *b;
        *b = Breaker::Closed;
        self.lower(BLOCKED);
        if was == Breaker::Closed {
            Transition::None
        } else {
            Transition::Healed
        }
    }

    /// A failure; opens the breaker at the threshold (or re-opens a half-open one) for
    /// `open_for` (the upstream's retry hint when it gave one).
    pub fn on_failure(&self, threshold: u32, open_for: Duration, error: String) -> Transition {
        self.failures.fetch_add(1, Ordering::Relaxed);
        *lock(&self.last_error) = Some(error);
        let n = self.consecutive_failures.fetch_add(1, Ordering::Relaxed) + 1;
        let mut b = lock(&self.breaker);
        let open = match *b {
            Breaker::HalfOpen { .. } => true,
            Breaker::Closed => n >= threshold,
            Breaker::Open { .. } => false,
        };
        if open {
            *b = Breaker::Open { until: Instant::now() + open_for };
            self.raise(BLOCKED);
            self.opened_total.fetch_add(1, Ordering::Relaxed);
            Transition::Opened
        } else {
            Transition::None
        }
    }

    /// A failure that says nothing about the channel's health (the client went away):
    /// give back a half-open trial without judging.
    pub fn on_abandon(&self) {
        let mut b = lock(&self.breaker);
        if let Breaker::HalfOpen { trial: true } = *b {
            *b = Breaker::HalfOpen { trial: false };
        }
    }

    /// Current breaker state.
    pub fn breaker(&self) -> Breaker {
        *lock(&self.breaker)
    }

    /// Whether the breaker is open right now.
    pub fn is_open(&self) -> bool {
        matches!(self.breaker(), Breaker::Open { until } if Instant::now() < until)
    }

    /// Force the breaker into a state (a channel stored as rate_limited at start is half-open).
    pub fn set_breaker(&self, b: Breaker) {
        let mut cur = lock(&self.breaker);
        *cur = b;
        if b == Breaker::Closed {
            self.lower(BLOCKED);
        } else {
            self.raise(BLOCKED);
        }
    }

    /// Pick a key of a pool of `n`, round robin, skipping keys that cool down.
    /// None when every key cools down.
    pub fn pick_key(&self, n: usize, now: Instant) -> Option<usize> {
        if n == 0 {
            return Some(usize::MAX);
        }
        let mut cd = lock(&self.key_cooldown);
        if cd.len() != n {
            cd.resize(n, None);
        }
        let start = self.key_rr.fetch_add(1, Ordering::Relaxed);
        (0..n).map(|i| (start + i) % n).find(|&i| cd[i].map(|t| now >= t).unwrap_or(true))
    }

    /// Whether some key of a pool of `n` is usable now.
    pub fn has_key(&self, n: usize, now: Instant) -> bool {
        if n == 0 || !self.has(COOLING) {
            return true;
        }
        let cd = lock(&self.key_cooldown);
        if cd.iter().all(|c| c.is_none_or(|t| now >= t)) {
            self.lower(COOLING);
        }
        cd.len() != n || cd.iter().any(|c| c.map(|t| now >= t).unwrap_or(true))
    }

    /// Cool a key down (it got 401/403/429).
    pub fn cool_key(&self, idx: usize, n: usize, for_: Duration) {
        if idx == usize::MAX || n == 0 {
            return;
        }
        let mut cd = lock(&self.key_cooldown);
        if cd.len() != n {
            cd.resize(n, None);
        }
        cd[idx] = Some(Instant::now() + for_);
        self.raise(COOLING);
    }

    /// Keys of a pool of `n` cooling down at `now` (read only: clears no flag).
    pub fn keys_cooling(&self, n: usize, now: Instant) -> usize {
        if n == 0 || !self.has(COOLING) {
            return 0;
        }
        lock(&self.key_cooldown).iter().take(n).filter(|c| c.is_some_and(|t| now < t)).count()
    }

    /// Keys of a pool of `n` cooling down at `now`, each with the time it has left.
    pub fn cooldowns(&self, n: usize, now: Instant) -> Vec<(usize, Duration)> {
        if n == 0 || !self.has(COOLING) {
            return Vec::new();
        }
        let cd = lock(&self.key_cooldown);
        (cd.iter().take(n).enumerate()).filter_map(|(i, c)| c.filter(|&t| now < t).map(|t| (i, t - now))).collect()
    }

    /// The user-facing statistics.
    pub fn stats(&self) -> ChannelStats {
        let last = self.last_used_ms.load(Ordering::Relaxed);
        ChannelStats {
            requests: self.total.load(Ordering::Relaxed),
            successes: self.successes.load(Ordering::Relaxed),
            failures: self.failures.load(Ordering::Relaxed),
            in_flight: self.in_flight.load(Ordering::Relaxed),
            last_used_ms: (last > 0).then_some(last),
            last_error: lock(&self.last_error).clone(),
            tokens_input: self.tokens_in.load(Ordering::Relaxed),
            tokens_output: self.tokens_out.load(Ordering::Relaxed),
            latency_ewma_ms: f64::from_bits(self.ewma_us.load(Ordering::Relaxed)) / 1000.0,
            breaker: self.breaker().seen_at(Instant::now()).as_str().to_string(),
        }
    }
}

pub use crate::util::time::now_ms;

/// Runtime state of every channel, by id.
#[derive(Debug, Default)]
pub struct Runtimes {
    map: RwLock<HashMap<String, Arc<ChannelRuntime>>>,
    /// Runtimes with a breaker or key cooldown flag set, shared with each of them.
    troubled: Arc<AtomicIsize>,
}

impl Runtimes {
    /// The runtime of a channel, created on first use.
    pub fn get(&self, id: &str) -> Arc<ChannelRuntime> {
        if let Some(r) = self.map.read().unwrap_or_else(|e| e.into_inner()).get(id) {
            return r.clone();
        }
        let mut map = self.map.write().unwrap_or_else(|e| e.into_inner());
        let fresh = || Arc::new(ChannelRuntime { troubled: self.troubled.clone(), ..Default::default() });
        map.entry(id.to_string()).or_insert_with(fresh).clone()
    }

    /// True when no channel has a breaker or a key cooldown flag set, so every runtime is
    /// [`ChannelRuntime::clear`] and routing need not look at each. A flag set concurrently
    /// may be seen a moment late, as it would be by checking each runtime.
    pub fn all_clear(&self) -> bool {
        self.troubled.load(Ordering::Acquire) == 0
    }

    /// The runtime of a channel if it has one yet (read only: creates nothing).
    pub fn find(&self, id: &str) -> Option<Arc<ChannelRuntime>> {
        self.map.read().unwrap_or_else(|e| e.into_inner()).get(id).cloned()
    }

    /// Statistics of every channel seen so far.
    pub fn all_stats(&self) -> HashMap<String, ChannelStats> {
        self.map.read().unwrap_or_else(|e| e.into_inner()).iter().map(|(k, v)| (k.clone(), v.stats())).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_values_follow_a_renamed_channel() {
        let r = ChannelRuntime::default();
        let a = r.header_values("ch_1", "main");
        assert_eq!(
            (a.id.unwrap(), a.name.unwrap()),
            (http::HeaderValue::from_static("ch_1"), http::HeaderValue::from_static("main"))
        );
        let b = r.header_values("ch_1", "renamed");
        assert_eq!(b.name.unwrap(), "renamed");
        assert!(r.header_values("ch_1", "bad\nname").name.is_none(), "not a header value: left out");
    }

    #[test]
    fn base_headers_follow_the_key_and_an_edited_channel() {
        use crate::engine::channel::{validate, ChannelSpec};
        let make = |keys: &[&str], header: &str| {
            let spec = ChannelSpec {
                name: "c".into(),
                kind: "anthropic".into(),
                models: vec!["*".into()],
                api_keys: keys.iter().map(|k| k.to_string()).collect(),
                headers: [("x-team".to_string(), header.to_string())].into(),
                ..Default::default()
            };
            Arc::new(validate(&spec, "ch_1".into(), String::new(), String::new()).unwrap())
        };
        let r = ChannelRuntime::default();
        let v1 = make(&["k0", "k1"], "one");
        let h = r.base_headers(&v1, 1);
        assert_eq!((h["x-api-key"].to_str().unwrap(), h["x-team"].to_str().unwrap()), ("k1", "one"));
        assert!(h["x-api-key"].is_sensitive());
        assert_eq!(r.base_headers(&v1, 0)["x-api-key"], "k0");
        assert!(!r.base_headers(&v1, 7).contains_key("x-api-key"), "no key past the end");
        // An edited channel is a new value: its keys and headers, never the cached ones.
        let v2 = make(&["k9"], "two");
        let h = r.base_headers(&v2, 0);
        assert_eq!((h["x-api-key"].to_str().unwrap(), h["x-team"].to_str().unwrap()), ("k9", "two"));
        assert!(!format!("{r:?}").contains("k9"), "Debug leaves the keys out");
    }

    #[test]
    fn parsed_url_follows_the_string_it_is_given() {
        let r = ChannelRuntime::default();
        let a = r.parsed_url("http://127.0.0.1:9/v1/messages".into()).unwrap();
        assert_eq!(a.to_string(), "http://127.0.0.1:9/v1/messages");
        // A changed base URL (channel edited) or query is parsed afresh, never served stale.
        let b = r.parsed_url("http://127.0.0.1:9/v1/messages?beta=true".into()).unwrap();
        assert_eq!(b.to_string(), "http://127.0.0.1:9/v1/messages?beta=true");
        assert_eq!(r.parsed_url("http://127.0.0.1:9/v1/messages?beta=true".into()).unwrap(), b);
        let e = r.parsed_url("/v1/messages".into()).unwrap_err().to_string();
        assert!(e.contains("is not valid"), "{e}");
    }

    #[test]
    fn breaker_opens_at_threshold_half_opens_and_heals() {
        let r = ChannelRuntime::default();
        let now = Instant::now();
        for _ in 0..2 {
            assert!(r.begin(now));
            r.end();
            assert_eq!(r.on_failure(3, Duration::from_millis(30), "503".into()), Transition::None);
        }
        assert!(r.begin(now));
        r.end();
        assert_eq!(r.on_failure(3, Duration::from_millis(30), "503".into()), Transition::Opened);
        assert!(!r.admissible(Instant::now()));
        assert!(!r.begin(Instant::now()));
        std::thread::sleep(Duration::from_millis(40));
        // One trial only.
        assert!(r.begin(Instant::now()));
        assert!(!r.begin(Instant::now()), "a second trial while the first runs");
        r.end();
        // The trial fails: open again at once, without waiting for the threshold.
        assert_eq!(r.on_failure(3, Duration::from_millis(30), "503".into()), Transition::Opened);
        std::thread::sleep(Duration::from_millis(40));
        assert!(r.begin(Instant::now()));
        r.end();
        assert_eq!(r.on_success(), Transition::Healed);
        assert_eq!(r.breaker(), Breaker::Closed);
        // Seen from outside, an open breaker whose time has passed is half-open.
        let now = Instant::now();
        let until = now + Duration::from_secs(5);
        assert_eq!(Breaker::Open { until }.seen_at(now), BreakerSeen::Open { until });
        assert_eq!(Breaker::Open { until }.seen_at(until).as_str(), "half_open");
        assert_eq!(Breaker::HalfOpen { trial: true }.seen_at(now), BreakerSeen::HalfOpen);
        assert_eq!(Breaker::Closed.seen_at(now).as_str(), "closed");
        assert_eq!(r.stats().failures, 4);
    }

    #[test]
    fn cooled_keys_are_skipped_until_every_key_is_cold() {
        let r = ChannelRuntime::default();
        let now = Instant::now();
        r.cool_key(0, 3, Duration::from_secs(60));
        let picks: Vec<usize> = (0..6).map(|_| r.pick_key(3, now).unwrap()).collect();
        assert!(picks.iter().all(|&k| k != 0), "{picks:?}");
        assert!(picks.contains(&1) && picks.contains(&2));
        r.cool_key(1, 3, Duration::from_secs(60));
        r.cool_key(2, 3, Duration::from_secs(60));
        assert_eq!(r.pick_key(3, Instant::now()), None);
        assert!(!r.has_key(3, Instant::now()));
        assert_eq!(r.keys_cooling(3, Instant::now()), 3);
        assert_eq!(r.keys_cooling(3, Instant::now() + Duration::from_secs(61)), 0, "cooled down by then");
        assert_eq!(ChannelRuntime::default().keys_cooling(3, Instant::now()), 0);
    }

    #[test]
    fn all_clear_counts_runtimes_with_a_breaker_or_cooldown() {
        let rts = Runtimes::default();
        let (a, b) = (rts.get("a"), rts.get("b"));
        assert!(rts.all_clear() && a.clear());
        a.set_breaker(Breaker::Open { until: Instant::now() + Duration::from_secs(60) });
        assert!(!rts.all_clear() && !a.clear() && b.clear());
        b.cool_key(0, 2, Duration::from_millis(20));
        a.cool_key(1, 2, Duration::from_secs(60));
        assert!(!rts.all_clear());
        a.set_breaker(Breaker::Closed);
        assert!(!rts.all_clear(), "a still has a key cooling");
        std::thread::sleep(Duration::from_millis(30));
        assert!(b.has_key(2, Instant::now()));
        assert!(b.clear(), "b's cooldown expired and was noticed");
        // a: its breaker opens and heals; its cooldown stays until it expires.
        assert_eq!(a.on_failure(1, Duration::from_secs(60), "x".into()), Transition::Opened);
        assert!(a.begin(Instant::now() + Duration::from_secs(61)));
        assert_eq!(a.on_success(), Transition::Healed);
        assert!(!rts.all_clear() && !a.clear());
        assert!(a.has_key(2, Instant::now() + Duration::from_secs(61)));
        assert!(rts.all_clear(), "nothing is flagged any more");
        // A runtime made on its own counts only for itself.
        let lone = ChannelRuntime::default();
        lone.set_breaker(Breaker::HalfOpen { trial: false });
        assert!(rts.all_clear() && !lone.clear());
    }

    #[test]
    fn peak_ewma_jumps_up_and_decays_down() {
        let r = ChannelRuntime::default();
        r.observe_latency(1000);
        r.observe_latency(5000);
        assert_eq!(r.cost(), 5000.0);
        r.observe_latency(1000);
        assert!(r.cost() < 5000.0 && r.cost() > 1000.0);
    }
}
