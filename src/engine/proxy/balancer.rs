//! Channel choice: the five strategies (`priority`, `round_robin`, `weighted`,
//! `least_used`, `latency`) and session affinity, as README.md describes them ("How the
//! proxy behaves": choosing a channel, sessions).
//!
//! [`Balancer::pick`] chooses the candidate to try first; the rest follow by priority (the
//! failover order). It allocates nothing and takes no lock; only the affinity LRU has one.
//! Called by the candidate ordering (`candidates.rs`); [`session_id`] by the request path
//! when a request arrives. It never judges whether a channel may take traffic (it is given
//! only those that may) and never sends anything.

use lru::LruCache;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::runtime::ChannelRuntime;
use crate::engine::{Channel, Strategy};

/// A channel that may serve the request, with its live state.
#[derive(Clone)]
pub struct Candidate {
    /// The channel.
    pub channel: Arc<Channel>,
    /// Its runtime.
    pub rt: Arc<ChannelRuntime>,
}

/// What a strategy needs to know about a candidate.
pub trait Balanced {
    /// The channel.
    fn ch(&self) -> &Channel;
    /// Its runtime.
    fn run(&self) -> &ChannelRuntime;
}

impl Balanced for Candidate {
    fn ch(&self) -> &Channel {
        &self.channel
    }
    fn run(&self) -> &ChannelRuntime {
        &self.rt
    }
}

/// Candidates as a strategy reads them, by position (priority order, highest first): a
/// slice of candidates, or a view the proxy builds without copying anything.
pub trait Pool {
    /// How many.
    fn len(&self) -> usize;
    /// Whether there are none.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The channel at `i`.
    fn ch(&self, i: usize) -> &Channel;
    /// Its runtime.
    fn run(&self, i: usize) -> &ChannelRuntime;
}

impl<C: Balanced> Pool for [C] {
    fn len(&self) -> usize {
        <[C]>::len(self)
    }
    fn ch(&self, i: usize) -> &Channel {
        self[i].ch()
    }
    fn run(&self, i: usize) -> &ChannelRuntime {
        self[i].run()
    }
}

/// Strategy state that lives across requests.
#[derive(Debug, Default)]
pub struct Balancer {
    rr: AtomicUsize,
}

impl Balancer {
    /// Order candidates (already in priority order, highest first) for one request.
    pub fn order<C: Balanced>(&self, strategy: Strategy, mut cands: Vec<C>) -> Vec<C> {
        let first = self.pick(strategy, cands.as_slice());
        if first > 0 {
            cands[..=first].rotate_right(1);
        }
        cands
    }

    /// The strategy's pick among candidates (in priority order, highest first): the index
    /// of the one to try first. The rest keep their order behind it.
    pub fn pick<P: Pool + ?Sized>(&self, strategy: Strategy, cands: &P) -> usize {
        let n = cands.len();
        if n <= 1 {
            return 0;
        }
        match strategy {
            Strategy::Priority => {
                let top = cands.ch(0).priority;
                let tier = (0..n).take_while(|&i| cands.ch(i).priority == top).count();
                self.rr.fetch_add(1, Ordering::Relaxed) % tier
            }
            Strategy::RoundRobin => self.rr.fetch_add(1, Ordering::Relaxed) % n,
            Strategy::Weighted => {
                let total: u64 = (0..n).map(|i| cands.ch(i).weight as u64).sum();
                if total == 0 {
                    0
                } else {
                    let mut x = fastrand::u64(0..total);
                    (0..n)
                        .position(|i| {
                            let w = cands.ch(i).weight as u64;
                            if x < w {
                                true
                            } else {
                                x -= w;
                                false
                            }
                        })
                        .unwrap_or(0)
                }
            }
            Strategy::LeastUsed => {
                let key = |i: usize| {
                    let rt = cands.run(i);
                    (
                        rt.in_flight.load(Ordering::Relaxed),
                        rt.total.load(Ordering::Relaxed) + rt.others.load(Ordering::Relaxed),
                    )
                };
                (0..n).min_by_key(|&i| key(i)).unwrap_or(0)
            }
            Strategy::Latency => {
                let a = fastrand::usize(0..n);
                let mut b = fastrand::usize(0..n - 1);
                if b >= a {
                    b += 1;
                }
                if cands.run(b).cost() < cands.run(a).cost() {
                    b
                } else {
                    a
                }
            }
        }
    }
}

/// Session affinity: session id → channel id, sliding TTL, bounded LRU.
pub struct Affinity {
    ttl: Duration,
    /// Session → (channel id, last seen, last told the other replicas).
    map: Mutex<LruCache<String, (String, Instant, Instant)>>,
}

impl Affinity {
    /// An empty table.
    pub fn new(capacity: usize, ttl: Duration) -> Affinity {
        Affinity { ttl, map: Mutex::new(LruCache::new(NonZeroUsize::new(capacity.max(1)).expect("non-zero"))) }
    }

    /// The channel a session sticks to, if still fresh (refreshes the TTL).
    pub fn get(&self, session: &str) -> Option<String> {
        self.get_with(session, str::to_string)
    }

    /// `f` of the channel id a session sticks to, if still fresh (refreshes the TTL);
    /// the id is borrowed, not copied.
    pub fn get_with<R>(&self, session: &str, f: impl FnOnce(&str) -> R) -> Option<R> {
        let mut m = self.map.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        match m.get_mut(session) {
            Some((ch, seen, _)) if now.duration_since(*seen) < self.ttl => {
                *seen = now;
                Some(f(ch))
            }
            Some(_) => {
                m.pop(session);
                None
            }
            None => None,
        }
    }

    /// Stick a session to a channel (or re-stick it). True when the other replicas should
    /// hear of it (team mode): the session is new here, changed channel, or was last told
    /// more than a quarter of the time to live ago (their copies expire).
    pub fn set(&self, session: &str, channel_id: &str) -> bool {
        let mut m = self.map.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        match m.get_mut(session) {
            Some(entry) if entry.0 == channel_id => {
                entry.1 = now;
                let tell = now.duration_since(entry.2) >= self.ttl / 4;
                if tell {
                    entry.2 = now;
                }
                tell
            }
            _ => {
                m.put(session.to_string(), (channel_id.to_string(), now, now));
                true
            }
        }
    }

    /// Live sessions.
    pub fn len(&self) -> usize {
        self.map.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Whether no session is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The session of a request (README.md, "How the proxy behaves": sessions): the configured
/// header, else `x-claude-code-session-id`, else Anthropic `metadata.user_id` (a JSON string
/// holding `session_id`, or the older `user_…_session_<uuid>`).
pub fn session_id(configured: Option<&str>, claude_code: Option<&str>, user_id: Option<&str>) -> Option<String> {
    if let Some(s) = configured.map(str::trim).filter(|s| !s.is_empty()) {
        return Some(s.to_string());
    }
    if let Some(s) = claude_code.map(str::trim).filter(|s| !s.is_empty()) {
        return Some(s.to_string());
    }
    let uid = user_id?.trim();
    if uid.starts_with('{') {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(uid) {
            if let Some(s) = v.get("session_id").and_then(|s| s.as_str()).filter(|s| !s.is_empty()) {
                return Some(s.to_string());
            }
        }
    }
    if let Some(i) = uid.find("_session_") {
        let s = &uid[i + "_session_".len()..];
        if !s.is_empty() {
            return Some(s.to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::channel::{validate, ChannelSpec};
    use std::collections::HashMap;

    fn cand(name: &str, priority: i64, weight: i64) -> Candidate {
        let spec = ChannelSpec {
            name: name.into(),
            kind: "anthropic".into(),
            models: vec!["*".into()],
            priority,
            weight,
            ..Default::default()
        };
        Candidate {
            channel: Arc::new(validate(&spec, name.into(), String::new(), String::new()).unwrap()),
            rt: Arc::new(ChannelRuntime::default()),
        }
    }

    fn firsts(b: &Balancer, s: Strategy, cands: &[Candidate], n: usize) -> HashMap<String, usize> {
        let mut h = HashMap::new();
        for _ in 0..n {
            let o = b.order(s, cands.to_vec());
            *h.entry(o[0].channel.name.clone()).or_default() += 1;
        }
        h
    }

    #[test]
    fn priority_round_robins_inside_the_top_tier_only() {
        let cands = vec![cand("a", 10, 1), cand("b", 10, 1), cand("c", 1, 1)];
        let h = firsts(&Balancer::default(), Strategy::Priority, &cands, 100);
        assert_eq!(h.get("a"), Some(&50));
        assert_eq!(h.get("b"), Some(&50));
        assert_eq!(h.get("c"), None);
        // The failover order keeps the lower tier last.
        let o = Balancer::default().order(Strategy::Priority, cands);
        assert_eq!(o[2].channel.name, "c");
    }

    #[test]
    fn round_robin_visits_everyone_equally() {
        let cands = vec![cand("a", 10, 1), cand("b", 5, 1), cand("c", 1, 1)];
        let h = firsts(&Balancer::default(), Strategy::RoundRobin, &cands, 300);
        assert_eq!(h.values().copied().collect::<Vec<_>>(), vec![100, 100, 100]);
    }

    #[test]
    fn weighted_follows_weights_and_skips_zero() {
        let cands = vec![cand("a", 0, 3), cand("b", 0, 1), cand("z", 0, 0)];
        let h = firsts(&Balancer::default(), Strategy::Weighted, &cands, 4000);
        let a = *h.get("a").unwrap() as f64;
        assert!((2700.0..3300.0).contains(&a), "{h:?}");
        assert_eq!(h.get("z"), None);
    }

    #[test]
    fn least_used_prefers_fewest_in_flight_then_fewest_total() {
        let cands = vec![cand("a", 0, 1), cand("b", 0, 1), cand("c", 0, 1)];
        cands[0].rt.in_flight.store(2, Ordering::Relaxed);
        cands[1].rt.in_flight.store(1, Ordering::Relaxed);
        cands[2].rt.in_flight.store(1, Ordering::Relaxed);
        cands[1].rt.total.store(10, Ordering::Relaxed);
        cands[2].rt.total.store(3, Ordering::Relaxed);
        assert_eq!(Balancer::default().order(Strategy::LeastUsed, cands)[0].channel.name, "c");
    }

    #[test]
    fn latency_prefers_the_faster_of_two() {
        let cands = vec![cand("slow", 0, 1), cand("fast", 0, 1)];
        cands[0].rt.observe_latency(500_000);
        cands[1].rt.observe_latency(5_000);
        let h = firsts(&Balancer::default(), Strategy::Latency, &cands, 200);
        assert_eq!(h.get("fast"), Some(&200), "{h:?}");
    }

    #[test]
    fn affinity_sticks_slides_and_expires() {
        let a = Affinity::new(2, Duration::from_millis(60));
        a.set("s1", "ch_a");
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(a.get("s1").as_deref(), Some("ch_a"), "sliding ttl refreshed");
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(a.get("s1").as_deref(), Some("ch_a"));
        std::thread::sleep(Duration::from_millis(70));
        assert_eq!(a.get("s1"), None);
        a.set("s1", "x");
        a.set("s2", "y");
        a.set("s3", "z");
        assert_eq!(a.len(), 2, "bounded by capacity");
        assert_eq!(a.get("s1"), None, "least recently used evicted");
    }

    #[test]
    fn affinity_says_when_the_other_replicas_should_hear() {
        let a = Affinity::new(4, Duration::from_secs(3600));
        assert!(a.set("s1", "x"), "new: told");
        assert!(!a.set("s1", "x"), "the same again: not told");
        assert!(a.set("s1", "y"), "moved: told");
        assert_eq!(a.get("s1").as_deref(), Some("y"));
    }

    #[test]
    fn session_sources_in_order() {
        assert_eq!(session_id(Some("h"), Some("cc"), None).as_deref(), Some("h"));
        assert_eq!(session_id(None, Some("cc"), Some("user_x_session_abc")).as_deref(), Some("cc"));
        let json = r#"{"device_id":"d","account_uuid":"","session_id":"5f1c"}"#;
        assert_eq!(session_id(None, None, Some(json)).as_deref(), Some("5f1c"));
        assert_eq!(session_id(None, None, Some("user_abc123_account__session_2b7e-41")).as_deref(), Some("2b7e-41"));
        assert_eq!(session_id(None, None, Some("plain-user")), None);
    }
}
