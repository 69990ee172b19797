//! Which channels a request may try, and in what order: the channels that serve its model
//! and can take traffic now (status, breaker, keys), a routing rule's target or the
//! session's sticky channel first, then the strategy's pick, then the rest by priority.
//!
//! Owns [`SnapshotRuntimes`] (the live state of a snapshot's channels, lined up with it,
//! and the model → serving channels cache) and [`CandidateView`] (what the balancer reads).
//! It chooses and never sends: the failover loop (`mod.rs`) calls
//! [`Proxy::order_candidates`] once per request and tries the list it gets; the routing
//! rules read [`SnapshotRuntimes::available_at`]. Benchmarks and diagnostics call
//! [`Proxy::plan`] and [`Proxy::plan_request`]. It allocates only when a model is first
//! seen in a snapshot and for the short list of candidates it returns.

use std::sync::Arc;
use std::time::Instant;

use super::balancer::{Candidate, Pool};
use super::runtime::ChannelRuntime;
use super::Proxy;
use crate::engine::{rules, Channel, FnvMap, Snapshot, Status};
use crate::protocol::Protocol;

/// Distinct models remembered per snapshot before the serving map starts over.
const SERVING_CACHE_MAX: usize = 4096;

/// The runtimes of one snapshot's channels, in the snapshot's order: looked up once per
/// snapshot version instead of once per channel per request.
pub(super) struct SnapshotRuntimes {
    /// The snapshot's version (`u64::MAX`: none yet).
    version: u64,
    /// The runtime of each channel, at the channel's index in the snapshot.
    runtimes: Vec<Arc<ChannelRuntime>>,
    /// Model → indices of the channels serving it (glob matching done once per model
    /// and snapshot, not per request).
    serving: std::sync::RwLock<FnvMap<String, Arc<[u32]>>>,
}

impl SnapshotRuntimes {
    /// Lined up with no snapshot: the first request lines them up.
    pub(super) fn none() -> SnapshotRuntimes {
        SnapshotRuntimes { version: u64::MAX, runtimes: Vec::new(), serving: Default::default() }
    }

    /// Whether the channel at `i` in the snapshot may take traffic now (live view:
    /// status, breaker, keys).
    pub(super) fn available_at(&self, snap: &Snapshot, i: usize) -> bool {
        let (ch, rt) = (&snap.channels[i], &self.runtimes[i]);
        if ch.status == Status::Disabled || !ch.usable() {
            return false;
        }
        if rt.clear() {
            return true;
        }
        let now = Instant::now();
        rt.admissible(now) && rt.has_key(ch.key_count(), now)
    }
}

/// The models the enabled channels of `snap` name literally (models without glob
/// characters and `model_map` keys), sorted, once each: what the warmer lists ahead.
pub fn literal_models(snap: &Snapshot) -> Vec<String> {
    let mut v: Vec<String> = (snap.channels.iter())
        .filter(|c| c.status != Status::Disabled && c.usable())
        .flat_map(|c| {
            let literal = c.models.iter().filter(|m| !m.contains(['*', '?', '['])).cloned();
            literal.chain(c.model_map.keys().cloned())
        })
        .collect();
    v.sort();
    v.dedup();
    v
}

/// The candidates as the balancer reads them: by their index in the snapshot (ascending,
/// so in priority order), with nothing copied.
struct CandidateView<'a> {
    snap: &'a Snapshot,
    runtimes: &'a SnapshotRuntimes,
    /// Indices in the snapshot.
    idx: &'a [u32],
}

impl Pool for CandidateView<'_> {
    fn len(&self) -> usize {
        self.idx.len()
    }
    fn ch(&self, i: usize) -> &Channel {
        &self.snap.channels[self.idx[i] as usize]
    }
    fn run(&self, i: usize) -> &ChannelRuntime {
        &self.runtimes.runtimes[self.idx[i] as usize]
    }
}

impl Proxy {
    /// The runtimes lined up with a snapshot's channels (made again when the snapshot
    /// changed).
    pub(super) fn snapshot_runtimes(&self, snap: &Snapshot) -> Arc<SnapshotRuntimes> {
        let cur = self.snapshot_runtimes.load_full();
        if cur.version == snap.version && cur.runtimes.len() == snap.channels.len() {
            return cur;
        }
        let fresh = Arc::new(SnapshotRuntimes {
            version: snap.version,
            runtimes: snap.channels.iter().map(|c| self.runtimes.get(&c.id)).collect(),
            serving: Default::default(),
        });
        self.snapshot_runtimes.store(fresh.clone());
        fresh
    }

    /// Indices in the snapshot of the channels that serve `model` and are not disabled,
    /// ascending (glob matching done once per model and snapshot, not per request).
    fn serving(&self, snap: &Snapshot, runtimes: &SnapshotRuntimes, model: &str) -> Arc<[u32]> {
        if let Some(idx) = runtimes.serving.read().unwrap_or_else(|e| e.into_inner()).get(model) {
            return idx.clone();
        }
        let idx: Arc<[u32]> = (snap.channels.iter().enumerate())
            .filter(|(_, c)| c.status != Status::Disabled && c.usable() && c.serves(model))
            .map(|(i, _)| i as u32)
            .collect();
        let mut m = runtimes.serving.write().unwrap_or_else(|e| e.into_inner());
        if m.len() >= SERVING_CACHE_MAX {
            m.clear();
        }
        m.insert(model.to_string(), idx.clone());
        idx
    }

    /// The cache warmer (`engine::cache`): line the live channel state up with the current
    /// snapshot now rather than on the first request; returns the channels.
    pub fn warm_channels(&self) -> usize {
        let snap = self.engine.snapshot();
        self.snapshot_runtimes(&snap);
        snap.channels.len()
    }

    /// The cache warmer: list the serving channels of every model the channels name
    /// literally ([`literal_models`]; a glob like `claude-*` names no model to list ahead);
    /// returns how many models are listed.
    pub fn warm_models(&self) -> usize {
        let snap = self.engine.snapshot();
        let runtimes = self.snapshot_runtimes(&snap);
        let models = literal_models(&snap);
        for m in &models {
            self.serving(&snap, &runtimes, m);
        }
        models.len()
    }

    /// The cache warmer's invalidation: forget the per-snapshot caches (the next request
    /// or warm builds them again).
    pub fn forget_snapshot_caches(&self) {
        self.snapshot_runtimes.store(Arc::new(SnapshotRuntimes::none()));
    }

    /// Indices in the snapshot of the channels that serve `model` and may take traffic
    /// now: the cached list itself unless a breaker or a key cooldown holds one back.
    fn candidates(&self, snap: &Snapshot, runtimes: &SnapshotRuntimes, model: &str) -> Arc<[u32]> {
        let serving = self.serving(snap, runtimes, model);
        if self.runtimes.all_clear() || serving.iter().all(|&i| runtimes.runtimes[i as usize].clear()) {
            return serving;
        }
        let now = Instant::now();
        (serving.iter().copied())
            .filter(|&i| {
                let (ch, rt) = (&snap.channels[i as usize], &runtimes.runtimes[i as usize]);
                rt.admissible(now) && rt.has_key(ch.key_count(), now)
            })
            .collect()
    }

    /// The channels that serve `model` but cannot take traffic now, and why: for the
    /// error when none is left.
    pub(super) fn down(&self, snap: &Snapshot, model: &str) -> Vec<String> {
        let runtimes = self.snapshot_runtimes(snap);
        let now = Instant::now();
        (snap.channels.iter().zip(runtimes.runtimes.iter()))
            .filter(|(ch, _)| ch.serves(model))
            .filter_map(|(ch, rt)| {
                if ch.status == Status::Disabled {
                    Some(format!("{} (disabled)", ch.name))
                } else if !ch.usable() {
                    Some(format!("{} ({})", ch.name, ch.key_problem_in("en").unwrap_or_default()))
                } else if !rt.admissible(now) {
                    Some(format!("{} (circuit open)", ch.name))
                } else if !rt.has_key(ch.key_count(), now) {
                    Some(format!("{} (every key cooling down)", ch.name))
                } else {
                    None
                }
            })
            .collect()
    }

    /// Every model the enabled channels serve, sorted, once each: for the error when none
    /// serves the one asked for.
    pub(super) fn available_models(&self) -> Vec<String> {
        let snap = self.engine.snapshot();
        let mut v: Vec<String> = snap
            .channels
            .iter()
            .filter(|c| c.status != Status::Disabled)
            .flat_map(|c| c.models.iter().cloned().chain(c.model_map.keys().cloned()))
            .collect();
        v.sort();
        v.dedup();
        v
    }

    /// Whether a channel may take traffic now (live view: status, breaker, keys).
    fn available(&self, ch: &Channel) -> bool {
        let now = Instant::now();
        if ch.status == Status::Disabled || !ch.usable() {
            return false;
        }
        let rt = self.runtimes.get(&ch.id);
        rt.admissible(now) && rt.has_key(ch.key_count(), now)
    }

    /// The dry run with the live view of channels.
    pub fn test_route(
        &self,
        protocol: Protocol,
        body: &serde_json::Value,
        headers: &[(String, String)],
    ) -> crate::engine::Result<rules::RouteTest> {
        rules::dry_run(&self.engine.snapshot(), protocol, body, headers, &|c| self.available(c))
    }

    /// The channels to try, in order: a rule's target first (when given, by its index in
    /// the snapshot), else the session's sticky channel, then the strategy's pick, then the
    /// rest by priority.
    pub(super) fn order_candidates(
        &self,
        snap: &Snapshot,
        model: &str,
        target: Option<usize>,
        session: Option<&str>,
    ) -> Vec<Candidate> {
        let runtimes = self.snapshot_runtimes(snap);
        let cands = self.candidates(snap, &runtimes, model);
        let candidate = |i: usize| Candidate { channel: snap.channels[i].clone(), rt: runtimes.runtimes[i].clone() };
        // Only the first few are ever tried; owning more would only cost reference counts.
        let keep = self.cfg.max_attempts.max(1) + 2;
        let mut ordered = Vec::with_capacity(keep.min(cands.len() + 1));
        let without_target: Vec<u32>;
        let mut idx: &[u32] = &cands;
        let pinned = match target {
            // A rule's decision outranks session affinity; the balancer orders the rest.
            Some(t) => {
                if let Ok(p) = idx.binary_search(&(t as u32)) {
                    without_target = [&idx[..p], &idx[p + 1..]].concat();
                    idx = &without_target;
                }
                ordered.push(candidate(t));
                None
            }
            None => session.and_then(|s| self.sticky(snap, s)),
        };
        if idx.is_empty() {
            return ordered;
        }
        let first = self.balancer.pick(snap.strategy, &CandidateView { snap, runtimes: &runtimes, idx });
        let pinned = pinned.and_then(|i| idx.binary_search(&(i as u32)).ok());
        // The sticky channel, then the strategy's pick, then the rest in priority order.
        let rest = std::iter::once(first).chain((0..idx.len()).filter(|&j| j != first));
        let order = pinned.into_iter().chain(rest.filter(|&j| Some(j) != pinned));
        ordered.extend(order.take(keep - ordered.len()).map(|j| candidate(idx[j] as usize)));
        ordered
    }

    /// The routing decision without rules (strategy + affinity): the channel names in the
    /// order they would be tried. Public for benchmarks and diagnostics.
    pub fn plan(&self, model: &str, session: Option<&str>) -> Vec<Arc<Channel>> {
        let snap = self.engine.snapshot();
        self.order_candidates(&snap, model, None, session).into_iter().map(|c| c.channel).collect()
    }

    /// The whole routing decision for a parsed request, as the request path makes it:
    /// the rules (with the live view of channels), then a rule's target or session
    /// affinity and the strategy. Returns the matching rule's name and the channels in
    /// the order they would be tried. Public for benchmarks and diagnostics.
    pub fn plan_request(
        &self,
        protocol: Protocol,
        body: &serde_json::Value,
        headers: &dyn rules::HeaderLookup,
        model: &str,
        session: Option<&str>,
    ) -> (Option<String>, Vec<Arc<Channel>>) {
        let snap = self.engine.snapshot();
        let runtimes = self.snapshot_runtimes(&snap);
        let available = |i: usize| runtimes.available_at(&snap, i);
        let d = rules::decide_by_index(&snap, protocol, body, headers, model, &available, false);
        let ordered = self.order_candidates(&snap, &d.model, d.target_index, session);
        (d.rule.map(|r| r.rule_name), ordered.into_iter().map(|c| c.channel).collect())
    }

    /// Stick a session to a channel (what a success does).
    pub fn remember_session(&self, session: &str, channel_id: &str) {
        let _ = self.affinity.set(session, channel_id);
    }
}
