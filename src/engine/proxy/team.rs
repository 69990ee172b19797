//! Team mode on the proxy's side (docs/team.md): what this replica tells the others
//! through `engine::shared`, and what their events do here ([`shared::Apply`] for
//! [`Proxy`]).
//!
//! The request path only pushes events into the shared queue, and only when something
//! changed: a key cools down, a breaker opens or closes, a session sticks to a channel
//! (new, moved, or a quarter of its time to live since it was last told). On a local
//! affinity miss it looks the session's fingerprint up in the same local table, where the
//! others' sessions are kept: it never waits on the network. The others' events come on
//! the link's thread and change the runtimes, the affinity table and (for breakers) the
//! stored status, as this replica's own requests would. Channels are named by name (ids
//! differ between replicas with their own stores), keys and sessions by fingerprint.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::runtime::{Breaker, Transition};
use super::Proxy;
use crate::engine::shared::{self, Event};
use crate::engine::{Channel, Engine, Status};

/// Where the others' sessions sit in the local affinity table: a prefix no session id
/// taken from a header can start with.
const REMOTE: &str = "\u{0}team:";

fn remote_key(session_fp: &str) -> String {
    let mut k = String::with_capacity(REMOTE.len() + session_fp.len());
    k.push_str(REMOTE);
    k.push_str(session_fp);
    k
}

/// Store a breaker transition as the channel's status (rate_limited, or enabled again),
/// when the channel still has the status it comes from. Blocking: off the request path.
pub(super) fn store_status(engine: &Engine, channel_id: &str, t: Transition) {
    let (from, to) = match t {
        Transition::None => return,
        Transition::Opened => (Status::Enabled, Status::RateLimited),
        Transition::Healed => (Status::RateLimited, Status::Enabled),
    };
    if let Ok(c) = engine.find_channel(channel_id) {
        if c.status == from {
            if let Err(e) = engine.set_status(channel_id, to) {
                log::warn!("could not store status {to} for channel {}: {e}", c.name);
            } else {
                log::info!("channel {} is now {to}", c.name);
            }
        }
    }
}

impl Proxy {
    /// Share state with the other replicas through `shared` (team mode).
    pub fn with_shared(mut self, shared: std::sync::Arc<shared::Shared>) -> Proxy {
        self.shared = Some(shared);
        self
    }

    /// The link to the other replicas, in team mode.
    pub fn shared(&self) -> Option<&std::sync::Arc<shared::Shared>> {
        self.shared.as_ref()
    }

    /// Stick a session to a channel after a success; tell the others when it is news.
    pub(super) fn stick(&self, session: &str, ch: &Channel) {
        if self.affinity.set(session, &ch.id) {
            if let Some(s) = &self.shared {
                s.push(Event::Session { session: shared::session_fingerprint(session), channel: ch.name.clone() });
            }
        }
    }

    /// The index in `snap` of the channel the session sticks to: this replica's own entry,
    /// else (team mode) what the others said of it.
    pub(super) fn sticky(&self, snap: &crate::engine::Snapshot, session: &str) -> Option<usize> {
        let find = |id: &str| snap.channel_index(id).filter(|&i| snap.channels[i].id == id);
        let local = self.affinity.get_with(session, find);
        match (&local, &self.shared) {
            (None, Some(_)) => {
                self.affinity.get_with(&remote_key(&shared::session_fingerprint(session)), find).flatten()
            }
            _ => local.flatten(),
        }
    }

    /// Tell the others that key `key_idx` of `ch` cools down for `for_`.
    pub(super) fn share_cool(&self, ch: &Channel, key_idx: usize, for_: Duration) {
        let (Some(s), Some(key)) = (&self.shared, ch.key(key_idx)) else { return };
        s.push(Event::Cool {
            channel: ch.name.clone(),
            key: shared::key_fingerprint(key.expose()),
            for_ms: for_.as_millis() as u64,
        });
    }

    /// Tell the others that the breaker of the channel `channel_id` opened or closed.
    pub(super) fn share_breaker(&self, channel_id: &str, t: Transition) {
        let Some(s) = &self.shared else { return };
        let snap = self.engine.snapshot();
        let Some(ch) = snap.channels.iter().find(|c| c.id == channel_id) else { return };
        let open_ms = match t {
            Transition::None => return,
            Transition::Healed => None,
            Transition::Opened => match self.runtimes.find(channel_id).map(|rt| rt.breaker()) {
                Some(Breaker::Open { until }) => {
                    Some(until.saturating_duration_since(Instant::now()).as_millis() as u64)
                }
                _ => return,
            },
        };
        s.push(Event::Breaker { channel: ch.name.clone(), open_ms });
    }
}

impl shared::Apply for Proxy {
    fn cool(&self, channel: &str, key: &str, for_: Duration) {
        let snap = self.engine.snapshot();
        let Some(ch) = snap.channels.iter().find(|c| c.name == channel) else { return };
        let n = ch.key_count();
        let rt = self.runtimes.get(&ch.id);
        let now = Instant::now();
        let cooling = rt.cooldowns(n, now);
        for i in 0..n {
            // Only ever later: an event must not shorten a cooldown this replica saw itself.
            let longer = cooling.iter().find(|(j, _)| *j == i).is_none_or(|(_, left)| *left < for_);
            if longer && ch.key(i).is_some_and(|k| shared::key_fingerprint(k.expose()) == key) {
                rt.cool_key(i, n, for_);
            }
        }
    }

    fn breaker(&self, channel: &str, open_for: Option<Duration>) {
        let snap = self.engine.snapshot();
        let Some(ch) = snap.channels.iter().find(|c| c.name == channel) else { return };
        let rt = self.runtimes.get(&ch.id);
        let t = match open_for {
            Some(d) => {
                let until = Instant::now() + d;
                // Only ever later: an event must not shorten what this replica saw itself.
                if matches!(rt.breaker(), Breaker::Open { until: u } if u >= until) {
                    return;
                }
                rt.set_breaker(Breaker::Open { until });
                Transition::Opened
            }
            None => {
                if rt.breaker() == Breaker::Closed {
                    return;
                }
                rt.set_breaker(Breaker::Closed);
                Transition::Healed
            }
        };
        store_status(&self.engine, &ch.id, t);
    }

    fn session(&self, session: &str, channel: &str) {
        let snap = self.engine.snapshot();
        if let Some(ch) = snap.channels.iter().find(|c| c.name == channel) {
            self.affinity.set(&remote_key(session), &ch.id);
        }
    }

    fn local_state(&self) -> Vec<Event> {
        let snap = self.engine.snapshot();
        let now = Instant::now();
        let mut out = Vec::new();
        for ch in &snap.channels {
            let Some(rt) = self.runtimes.find(&ch.id) else { continue };
            if let Breaker::Open { until } = rt.breaker() {
                if until > now {
                    let open_ms = Some((until - now).as_millis() as u64);
                    out.push(Event::Breaker { channel: ch.name.clone(), open_ms });
                }
            }
            for (i, left) in rt.cooldowns(ch.key_count(), now) {
                if let Some(k) = ch.key(i) {
                    out.push(Event::Cool {
                        channel: ch.name.clone(),
                        key: shared::key_fingerprint(k.expose()),
                        for_ms: left.as_millis() as u64,
                    });
                }
            }
        }
        out
    }

    fn usage(&self) -> Vec<(String, u64)> {
        let snap = self.engine.snapshot();
        (snap.channels.iter())
            .map(|c| (c.name.clone(), self.runtimes.get(&c.id).total.load(Ordering::Relaxed)))
            .collect()
    }

    fn others_usage(&self, channel: &str, attempts: u64) {
        let snap = self.engine.snapshot();
        if let Some(ch) = snap.channels.iter().find(|c| c.name == channel) {
            self.runtimes.get(&ch.id).others.store(attempts, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::channel::ChannelSpec;
    use crate::engine::config::Config;
    use crate::engine::proxy::ProxyConfig;
    use crate::engine::records::Recorder;
    use crate::secret::Secret;
    use crate::store::Store;
    use shared::Apply;
    use std::sync::Arc;

    fn team() -> (Arc<Engine>, Proxy) {
        let engine = Arc::new(Engine::with_store(Store::temporary().unwrap()).unwrap());
        for name in ["main", "spare"] {
            let spec = ChannelSpec {
                name: name.into(),
                kind: "anthropic".into(),
                base_url: Some("http://127.0.0.1:9".into()),
                api_keys: vec![format!("sk-ant-{name}-key-0-00000000"), format!("sk-ant-{name}-key-1-00000000")],
                models: vec!["*".into()],
                ..Default::default()
            };
            engine.add_channel(&spec).unwrap();
        }
        let proxy = Proxy::new(engine.clone(), ProxyConfig::from_config(&Config::default()), Recorder::disabled())
            .with_shared(shared::Shared::new(&Secret::new("redis://127.0.0.1:1"), Duration::from_secs(60)));
        (engine, proxy)
    }

    #[test]
    fn the_others_events_change_this_replicas_state_by_name_and_fingerprint() {
        let (engine, proxy) = team();
        let snap = engine.snapshot();
        let main = snap.channels.iter().find(|c| c.name == "main").unwrap().clone();
        let fp = shared::key_fingerprint(main.key(1).unwrap().expose());
        proxy.cool("main", &fp, Duration::from_secs(30));
        proxy.cool("nowhere", &fp, Duration::from_secs(30));
        let rt = proxy.runtimes.get(&main.id);
        let now = Instant::now();
        assert_eq!(rt.cooldowns(2, now).iter().map(|(i, _)| *i).collect::<Vec<_>>(), [1], "key 1 only");
        // A shorter cooldown from elsewhere does not cut this one short.
        proxy.cool("main", &fp, Duration::from_secs(1));
        assert!(rt.cooldowns(2, Instant::now())[0].1 > Duration::from_secs(20));

        proxy.breaker("main", Some(Duration::from_secs(45)));
        assert!(rt.is_open());
        assert_eq!(engine.find_channel("main").unwrap().status, Status::RateLimited, "stored as the opener did");
        // What this replica publishes again after a reconnection: the breaker and the key.
        let state = proxy.local_state();
        assert!(
            state.iter().any(|e| matches!(e, Event::Breaker { channel, open_ms: Some(ms) }
            if channel == "main" && *ms > 40_000)),
            "{state:?}"
        );
        assert!(state.iter().any(|e| matches!(e, Event::Cool { channel, key, .. } if channel == "main" && *key == fp)));
        assert!(!format!("{state:?}").contains("sk-ant-"), "no key in the events: {state:?}");
        proxy.breaker("main", None);
        assert_eq!(rt.breaker(), Breaker::Closed);
        assert_eq!(engine.find_channel("main").unwrap().status, Status::Enabled);

        // A session the others stuck to "spare" is found on a local miss.
        let snap = engine.snapshot();
        assert_eq!(proxy.sticky(&snap, "sess-1"), None);
        proxy.session(&shared::session_fingerprint("sess-1"), "spare");
        let i = proxy.sticky(&snap, "sess-1").expect("learned from the others");
        assert_eq!(snap.channels[i].name, "spare");

        proxy.others_usage("spare", 7);
        assert_eq!(proxy.runtimes.get(&snap.channels[i].id).others.load(Ordering::Relaxed), 7);
        assert!(proxy.usage().iter().any(|(name, _)| name == "main"));
    }

    #[test]
    fn this_replicas_changes_become_events_without_keys() {
        let (engine, proxy) = team();
        let snap = engine.snapshot();
        let main = snap.channels.iter().find(|c| c.name == "main").unwrap().clone();
        proxy.share_cool(&main, 0, Duration::from_secs(5));
        proxy.stick("sess-9", &main);
        proxy.stick("sess-9", &main);
        let rt = proxy.runtimes.get(&main.id);
        rt.on_failure(1, Duration::from_secs(9), "HTTP 500".into());
        proxy.share_breaker(&main.id, Transition::Opened);
        // Three events queued (the second stick was no news), none holding a key or a session id.
        assert_eq!(proxy.shared().unwrap().status().dropped, 0);
        let events: Vec<Event> = std::iter::from_fn(|| proxy.shared().unwrap().try_take()).collect();
        assert_eq!(events.len(), 3, "{events:?}");
        assert!(matches!(&events[0], Event::Cool { channel, for_ms: 5000, .. } if channel == "main"));
        assert!(matches!(&events[1], Event::Session { channel, .. } if channel == "main"));
        assert!(matches!(&events[2], Event::Breaker { open_ms: Some(ms), .. } if *ms > 8000));
        let text = format!("{events:?}");
        assert!(!text.contains("sk-ant-") && !text.contains("sess-9"), "{text}");
    }
}
