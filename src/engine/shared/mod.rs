//! Team mode's shared runtime state over Redis (docs/team.md, "Shared runtime state"):
//! key cooldowns, circuit breakers, session affinity and usage counts, shared by the
//! replicas that name the same `redis:` URL.
//!
//! It owns the [`Shared`] handle the proxy holds: a bounded queue of [`Event`]s that the
//! request path pushes into without waiting ([`Shared::push`]: a full queue drops and
//! counts), the link's health ([`Shared::status`]), the URL checks and masking
//! ([`check_url`], [`masked`]) and the fingerprints that stand for API keys and sessions
//! in Redis ([`key_fingerprint`], [`session_fingerprint`]: a key itself never leaves the
//! process). The I/O is `link.rs`'s, on two threads of its own. What an event does to the
//! local state is the proxy's: it implements [`Apply`], which this module calls and never
//! looks behind, so it must not import `proxy` (the proxy imports it).

mod link;

use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use crate::secret::Secret;

/// Events waiting for the publisher at most; past it an event is dropped and counted.
pub const QUEUE: usize = 4096;
/// How often the usage counts are exchanged (and the longest the publisher sleeps).
pub const SYNC_EVERY: Duration = Duration::from_secs(1);
/// Longest wait between two reconnection attempts (the wait doubles from 100 ms to it).
pub const MAX_BACKOFF: Duration = Duration::from_secs(2);
/// How long `routex serve` waits at start for the first connection and catch-up.
pub const START_WAIT: Duration = Duration::from_secs(2);

/// A change of one replica's state that the others apply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// An API key of a channel cools down (a 401, 403 or 429) for `for_ms`.
    Cool {
        /// The channel's name (ids differ between replicas with their own stores).
        channel: String,
        /// The key's [`key_fingerprint`].
        key: String,
        /// Milliseconds left.
        for_ms: u64,
    },
    /// A channel's circuit breaker opened for `open_ms`, or closed (`None`).
    Breaker {
        /// The channel's name.
        channel: String,
        /// Milliseconds until its trial; `None`: closed.
        open_ms: Option<u64>,
    },
    /// A session sticks to a channel.
    Session {
        /// The session's [`session_fingerprint`].
        session: String,
        /// The channel's name.
        channel: String,
    },
}

/// What the shared events do to this replica's state (the proxy implements it).
pub trait Apply: Send + Sync {
    /// Cool down the key of `channel` whose fingerprint is `key`, for `for_`.
    fn cool(&self, channel: &str, key: &str, for_: Duration);
    /// Open the breaker of `channel` for `open_for`, or close it (`None`).
    fn breaker(&self, channel: &str, open_for: Option<Duration>);
    /// Stick the session with fingerprint `session` to `channel`.
    fn session(&self, session: &str, channel: &str);
    /// This replica's open breakers and cooling keys, published again after a reconnection
    /// (the events of the outage were dropped).
    fn local_state(&self) -> Vec<Event>;
    /// Attempts this replica sent per channel name since it started.
    fn usage(&self) -> Vec<(String, u64)>;
    /// The attempts the other replicas sent on `channel` (what `least_used` adds).
    fn others_usage(&self, channel: &str, attempts: u64);
}

/// The link's state as health, metrics and the logs show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SharedStatus {
    /// The URL with its password masked.
    pub redis: String,
    /// Connected, subscribed and publishing.
    pub up: bool,
    /// Why not, when it is not up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Seconds it has been down (0 when up).
    pub down_s: u64,
    /// Events of this replica sent to the others.
    pub published: u64,
    /// Events of the others applied here.
    pub applied: u64,
    /// Events of this replica the others never got (queue full or Redis down).
    pub dropped: u64,
}

/// The handle the proxy holds: the queue into the link, and the link's health.
pub struct Shared {
    url: Secret,
    shown: String,
    /// This process's id in the events it publishes (its own are skipped on return).
    replica: String,
    queue: SyncSender<Event>,
    rx: Mutex<Option<Receiver<Event>>>,
    publishing: AtomicBool,
    subscribed: AtomicBool,
    error: Mutex<Option<String>>,
    /// Unix ms since when the link is down (0: up, or never connected yet at start).
    down_since_ms: AtomicU64,
    published: AtomicU64,
    applied: AtomicU64,
    dropped: AtomicU64,
    /// Session affinity's time to live: a session's key in Redis lives this long.
    session_ttl: Duration,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared").field("redis", &self.shown).finish()
    }
}

impl Shared {
    /// A handle for `url` (as configured: `${VAR}` is read from the environment now). A URL
    /// that cannot be used leaves the link down with the reason; nothing is sent.
    pub fn new(url: &Secret, session_ttl: Duration) -> Arc<Shared> {
        let (queue, rx) = std::sync::mpsc::sync_channel(QUEUE);
        let (url, error) = match resolve(url.expose(), |v| std::env::var(v).ok()) {
            Ok(u) => (Secret::new(u), None),
            Err(e) => (Secret::default(), Some(e)),
        };
        let shown = if url.is_empty() { "(unset)".to_string() } else { masked(url.expose()) };
        Arc::new(Shared {
            url,
            shown,
            replica: crate::util::ids::random_hex(8),
            queue,
            rx: Mutex::new(Some(rx)),
            publishing: AtomicBool::new(false),
            subscribed: AtomicBool::new(false),
            error: Mutex::new(error.or(Some("not connected yet".into()))),
            down_since_ms: AtomicU64::new(crate::util::time::now_ms()),
            published: AtomicU64::new(0),
            applied: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
            session_ttl,
        })
    }

    /// Hand an event to the link without waiting: a full queue drops it (counted).
    pub fn push(&self, e: Event) {
        match self.queue.try_send(e) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) | Err(TrySendError::Disconnected(_)) => {
                self.dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// Start the link's threads, applying the others' events through `apply` (they stop
    /// once it is gone), and wait up to [`START_WAIT`] for the first connection and its
    /// catch-up, so that a replica starts with the team's state. Once only.
    pub fn start(self: &Arc<Self>, apply: Weak<dyn Apply>) {
        let Some(rx) = self.rx.lock().unwrap_or_else(|e| e.into_inner()).take() else { return };
        if self.url.is_empty() {
            log::warn!("shared state: {}; this replica keeps its own state", self.reason());
            return;
        }
        link::spawn(self.clone(), rx, apply);
        let deadline = std::time::Instant::now() + START_WAIT;
        while !self.is_up() && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        if self.is_up() {
            log::info!("shared state: connected to {}", self.shown);
        } else {
            log::warn!(
                "shared state: {} does not answer yet ({}); serving with this replica's own state meanwhile",
                self.shown,
                self.reason()
            );
        }
    }

    /// The next queued event, taken off the queue (tests read what the proxy pushed).
    #[cfg(test)]
    pub fn try_take(&self) -> Option<Event> {
        self.rx.lock().unwrap_or_else(|e| e.into_inner()).as_ref()?.try_recv().ok()
    }

    /// Whether the link publishes and receives.
    pub fn is_up(&self) -> bool {
        self.publishing.load(Ordering::Acquire) && self.subscribed.load(Ordering::Acquire)
    }

    fn reason(&self) -> String {
        self.error.lock().unwrap_or_else(|e| e.into_inner()).clone().unwrap_or_else(|| "not connected".into())
    }

    /// The link's state now.
    pub fn status(&self) -> SharedStatus {
        let up = self.is_up();
        let since = self.down_since_ms.load(Ordering::Relaxed);
        SharedStatus {
            redis: self.shown.clone(),
            up,
            error: (!up).then(|| self.reason()),
            down_s: if up || since == 0 { 0 } else { crate::util::time::now_ms().saturating_sub(since) / 1000 },
            published: self.published.load(Ordering::Relaxed),
            applied: self.applied.load(Ordering::Relaxed),
            dropped: self.dropped.load(Ordering::Relaxed),
        }
    }

    /// The link's side `which` (publisher or subscriber) is up or down; `error` says why not.
    fn set_side(&self, which: &AtomicBool, up: bool, error: Option<String>) {
        let was = self.is_up();
        which.store(up, Ordering::Release);
        if let Some(e) = error {
            *self.error.lock().unwrap_or_else(|e| e.into_inner()) = Some(sanitize(&e, self.url.expose()));
        }
        let now_up = self.is_up();
        if now_up && !was {
            self.down_since_ms.store(0, Ordering::Relaxed);
            log::info!("shared state: {} is up", self.shown);
        } else if was && !now_up {
            self.down_since_ms.store(crate::util::time::now_ms(), Ordering::Relaxed);
            log::warn!(
                "shared state: lost {} ({}); serving with this replica's own state, reconnecting",
                self.shown,
                self.reason()
            );
        }
    }
}

/// Check a configured `redis:` value: a `redis://` or `rediss://` URL with a host, or
/// `${VAR}`. The message never repeats a password.
pub fn check_url(v: &str) -> Result<(), String> {
    if let Some(name) = v.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
        return if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            Ok(())
        } else {
            Err(format!(
                "{v:?} is not a valid reference: ${{NAME}} takes an environment variable name (letters, digits, _)"
            ))
        };
    }
    let u = url::Url::parse(v).ok();
    match u {
        Some(u) if matches!(u.scheme(), "redis" | "rediss") && u.host_str().is_some_and(|h| !h.is_empty()) => Ok(()),
        _ => Err(format!(
            "{} is not a Redis URL; write redis://host:6379 (rediss:// for TLS, redis://:password@host:6379/0 with a \
             password and a database), or ${{VAR}} to read it from the environment",
            masked(v)
        )),
    }
}

/// The URL a configured value stands for: itself, or the variable `${VAR}` names.
fn resolve(v: &str, env: impl Fn(&str) -> Option<String>) -> Result<String, String> {
    check_url(v)?;
    let Some(name) = v.strip_prefix("${").and_then(|r| r.strip_suffix('}')) else { return Ok(v.to_string()) };
    match env(name) {
        Some(u) if !u.is_empty() => check_url(&u).map(|_| u).map_err(|e| format!("${{{name}}}: {e}")),
        _ => Err(format!("redis: ${{{name}}} is not set: set the variable to the Redis URL, then restart routex")),
    }
}

/// A URL as shown to people: its password (and user name) replaced by `***`.
pub fn masked(v: &str) -> String {
    match url::Url::parse(v) {
        Ok(mut u) => {
            if !u.password().unwrap_or("").is_empty() || !u.username().is_empty() {
                let _ = u.set_username("");
                let _ = u.set_password(Some("***"));
            }
            u.to_string()
        }
        // Not a URL: show no part of it that could hold a password.
        Err(_) => match v.rsplit_once('@') {
            Some((_, host)) => format!("***@{host}"),
            None => v.to_string(),
        },
    }
}

/// An error message with any trace of the URL's password taken out.
fn sanitize(msg: &str, url: &str) -> String {
    let mut out = msg.to_string();
    if let Ok(u) = url::Url::parse(url) {
        if let Some(p) = u.password().filter(|p| !p.is_empty()) {
            out = out.replace(url, &masked(url)).replace(p, "***");
        }
    }
    out
}

fn hex_digest(domain: &str, value: &str, len: usize) -> String {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update(domain.as_bytes());
    h.update([0]);
    h.update(value.as_bytes());
    let d = h.finalize();
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(len);
    for b in d.iter().take(len / 2) {
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 15)] as char);
    }
    out
}

/// What stands for an API key in Redis: 12 hex digits of its SHA-256 (with a domain of
/// its own). Tells the keys of a pool apart; 48 bits of the hash of a real API key (well
/// over 128 bits of randomness) cannot be turned back into the key.
pub fn key_fingerprint(key: &str) -> String {
    hex_digest("routex key", key, 12)
}

/// What stands for a session in Redis: 32 hex digits of its SHA-256 (a session id may
/// carry a user id: Claude Code's `metadata.user_id`).
pub fn session_fingerprint(session: &str) -> String {
    hex_digest("routex session", session, 32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked_resolved_and_masked() {
        assert!(check_url("redis://127.0.0.1:6379").is_ok());
        assert!(check_url("rediss://u:p@cache.internal:6380/2").is_ok());
        assert!(check_url("${REDIS_URL}").is_ok());
        let e = check_url("http://:secret@127.0.0.1:6379").unwrap_err();
        assert!(e.contains("not a Redis URL") && !e.contains("secret"), "{e}");
        assert!(check_url("redis://").is_err());
        assert_eq!(masked("redis://:hunter2@127.0.0.1:6379/0"), "redis://:***@127.0.0.1:6379/0");
        assert_eq!(masked("redis://admin:hunter2@h:1"), "redis://:***@h:1");
        assert_eq!(masked("redis://127.0.0.1:6379"), "redis://127.0.0.1:6379");
        let env = |n: &str| (n == "R").then(|| "redis://:pw@h:1".to_string());
        assert_eq!(resolve("${R}", env).unwrap(), "redis://:pw@h:1");
        let e = resolve("${NOPE}", env).unwrap_err();
        assert!(e.contains("${NOPE} is not set"), "{e}");
        let e = sanitize("connection to redis://:pw@h:1 refused (pw)", "redis://:pw@h:1");
        assert!(!e.contains("pw"), "{e}");
    }

    #[test]
    fn fingerprints_are_short_stable_and_distinct() {
        let a = key_fingerprint("sk-ant-api03-aaaaaaaaaaaaaaaaaaaaaaaa");
        // 12 hex digits of SHA-256("routex key" NUL key): what every replica computes alike.
        assert_eq!(a, "1a2096f5fd4f");
        assert_eq!(a, key_fingerprint("sk-ant-api03-aaaaaaaaaaaaaaaaaaaaaaaa"));
        assert_ne!(a, key_fingerprint("sk-ant-api03-aaaaaaaaaaaaaaaaaaaaaaab"));
        assert!(!a.contains("sk-"));
        assert_eq!(session_fingerprint("s1").len(), 32);
        assert_ne!(session_fingerprint("s1"), key_fingerprint("s1"));
    }

    #[test]
    fn a_full_queue_drops_and_counts() {
        let s = Shared::new(&Secret::new("redis://127.0.0.1:1"), Duration::from_secs(60));
        for _ in 0..QUEUE + 3 {
            s.push(Event::Breaker { channel: "c".into(), open_ms: None });
        }
        let st = s.status();
        assert_eq!(st.dropped, 3);
        assert!(!st.up && st.error.is_some());
        let wire = serde_json::to_string(&Event::Cool { channel: "c".into(), key: "ab".into(), for_ms: 5 }).unwrap();
        assert_eq!(wire, r#"{"kind":"cool","channel":"c","key":"ab","for_ms":5}"#);
    }
}
