//! The daemon's health (`GET /health/detailed` and `/health/ready`, see docs/admin-api.md,
//! "Health"): what the detailed report says, and the verdict — `healthy`, `degraded` (200,
//! with reasons) or `unhealthy` (503, with reasons) — with the rules behind it.
//!
//! It owns the readings gathered for the report (the store's schema version and a cached
//! write probe, the request log's queue and losses, each channel's breaker and key
//! cooldowns from the proxy's runtimes, resident memory, open file descriptors, free disk)
//! and [`judge`], which turns them into the verdict and one sentence per problem naming
//! what is wrong and what to do. The operating-system readings are `util::process`'s. It
//! must not know HTTP: the daemon (`daemon::admin::health`) holds a [`Health`], calls
//! [`Health::detailed`] on its blocking pool and answers 200, or 503 when
//! [`Detailed::is_unhealthy`]; it flips [`Health::set_ready`] once it serves.
//!
//! The write probe writes and fsyncs one small key ([`Store::probe_write`]); it runs at most
//! once per [`PROBE_EVERY`], whatever the rate of health checks, and a check that arrives
//! while a probe is under way takes the previous answer instead of waiting for it.

use rust_i18n::t;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::proxy::runtime::BreakerSeen;
use super::proxy::Proxy;
use super::records::Recorder;
use super::shared::SharedStatus;
use super::{Engine, Status};
use crate::util::process::{disk_space, max_fds, open_fds, rss_bytes};
use crate::util::time::now_ms;

/// The store's write probe runs at most this often; checks in between reuse its answer.
pub const PROBE_EVERY: Duration = Duration::from_secs(2);
/// Records lost this recently (ms) make the daemon degraded.
pub const DROP_WINDOW_MS: u64 = 60_000;
/// Open file descriptors above this share of the limit (percent) make it unhealthy.
pub const FD_PERCENT: u64 = 95;
/// The free-disk threshold when `server.health_min_disk_mb` is unset: 1 % of the
/// filesystem, at most this many bytes (100 MiB).
pub const MIN_DISK_CAP: u64 = 100 * MIB;
const MIB: u64 = 1024 * 1024;

/// The daemon's health state: whether it is ready, and the store's last write probe.
#[derive(Debug, Default)]
pub struct Health {
    ready: AtomicBool,
    last_probe: Mutex<Option<Probe>>,
    /// Held while a probe runs: one at a time.
    probing: Mutex<()>,
}

#[derive(Debug, Clone)]
struct Probe {
    at: Instant,
    result: Result<(), String>,
}

impl Health {
    /// Not ready until [`Health::set_ready`].
    pub fn new() -> Health {
        Health::default()
    }

    /// Whether the daemon has applied its configuration and serves on its listeners.
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Acquire)
    }

    /// Set by the daemon: true once it serves, false again when it begins to stop.
    pub fn set_ready(&self, ready: bool) {
        self.ready.store(ready, Ordering::Release);
    }

    /// The report for a daemon serving `engine` through `proxy`, with its data in
    /// `data_dir`, started at `started`, `min_disk_mb` its `server.health_min_disk_mb`.
    /// Reads the store (and may write its probe) and the filesystem: call it off the
    /// request threads.
    pub fn detailed(
        &self,
        engine: &Engine,
        proxy: &Proxy,
        data_dir: &Path,
        started: Instant,
        min_disk_mb: Option<u64>,
    ) -> Detailed {
        let store = engine.store();
        let writable = self.store_writable(|| store.probe_write().map_err(|e| e.to_string()));
        let (free_bytes, total_bytes) = disk_space(data_dir);
        let shared = store.postgres().map(|pg| format!("postgres {}", pg.location()));
        let store_health = match (&shared, &writable) {
            // Postgres away: the reads would wait out their connect timeouts for the same answer.
            (Some(_), Err(e)) => StoreHealth { read: Err(e.clone()), size_bytes: 0, write: writable.clone(), shared },
            _ => StoreHealth {
                read: store.schema_version().map_err(|e| e.to_string()),
                size_bytes: store.size_on_disk(),
                write: writable,
                shared,
            },
        };
        let team = store.replica().map(|replica| {
            let l = engine.listener_status();
            TeamHealth {
                replica: replica.to_string(),
                following: l.connected(),
                reloads: l.reloads(),
                error: l.error(),
            }
        });
        let mut report = Detailed {
            status: Verdict::Healthy,
            reasons: Vec::new(),
            store: store_health,
            team,
            channels: channels(engine, proxy, Instant::now()),
            memory: Memory { rss_bytes: rss_bytes() },
            fds: Fds { open: open_fds(), limit: max_fds() },
            request_log: request_log(proxy.recorder()),
            tees: Vec::new(),
            shared: proxy.shared().map(|s| s.status()),
            disk: Disk { free_bytes, total_bytes, min_free_bytes: min_free_bytes(min_disk_mb, total_bytes) },
            uptime_s: started.elapsed().as_secs(),
        };
        judge(&mut report, now_ms());
        report
    }

    /// The store's write probe's answer: `probe`'s, run now when the last answer is older
    /// than [`PROBE_EVERY`] and no other probe is under way, else the last answer.
    fn store_writable(&self, probe: impl FnOnce() -> Result<(), String>) -> Result<(), String> {
        let last = self.last_probe.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let _one_at_a_time = match &last {
            Some(p) if p.at.elapsed() < PROBE_EVERY => return p.result.clone(),
            // A probe is under way: its predecessor's answer rather than a wait.
            Some(p) => match self.probing.try_lock() {
                Ok(g) => g,
                Err(std::sync::TryLockError::Poisoned(e)) => e.into_inner(),
                Err(std::sync::TryLockError::WouldBlock) => return p.result.clone(),
            },
            // No answer yet: wait for the probe under way, then use its answer.
            None => {
                let g = self.probing.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(p) = self.last_probe.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
                    return p.result.clone();
                }
                g
            }
        };
        let result = probe();
        *self.last_probe.lock().unwrap_or_else(|e| e.into_inner()) =
            Some(Probe { at: Instant::now(), result: result.clone() });
        result
    }
}

/// The report. The field order is the JSON's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Detailed {
    /// The verdict.
    pub status: Verdict,
    /// One sentence per problem found (what, and what to do), worst first; empty when
    /// healthy.
    pub reasons: Vec<String>,
    /// The store.
    pub store: StoreHealth,
    /// Team mode: this replica and whether it follows the others' configuration writes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<TeamHealth>,
    /// The channels.
    pub channels: Channels,
    /// This process's memory.
    pub memory: Memory,
    /// This process's file descriptors.
    pub fds: Fds,
    /// The request log.
    pub request_log: RequestLog,
    /// The tee sinks' counts (`{"name", "matched", "delivered", "dropped", "queued", …}`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tees: Vec<TeeHealth>,
    /// Team mode's link to Redis (`{"redis", "up", "error", "down_s", "published",
    /// "applied", "dropped"}`), when `redis:` is configured (docs/team.md).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shared: Option<SharedStatus>,
    /// The filesystem holding the data directory.
    pub disk: Disk,
    /// Seconds since the daemon started.
    pub uptime_s: u64,
}

/// Team mode's part of the report (docs/team.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeamHealth {
    /// This replica's name, stamped on its records.
    pub replica: String,
    /// Whether it holds its Postgres connection listening for configuration changes.
    pub following: bool,
    /// Snapshots re-read for another replica's change.
    pub reloads: u64,
    /// Why it does not follow, when it does not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One tee's part of the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TeeHealth {
    /// The tee's name.
    pub name: String,
    /// Its counts.
    #[serde(flatten)]
    pub stats: crate::engine::tee::TeeStats,
}

impl Detailed {
    /// Add the tees' counts (the daemon's runner has them) and judge again: a tee that
    /// lost copies in the last minute makes the daemon degraded.
    pub fn add_tees(&mut self, tees: Vec<(String, crate::engine::tee::TeeStats)>) {
        self.tees = tees.into_iter().map(|(name, stats)| TeeHealth { name, stats }).collect();
        judge(self, now_ms());
    }

    /// True when the daemon cannot do its job: it answers 503.
    pub fn is_unhealthy(&self) -> bool {
        self.status == Verdict::Unhealthy
    }
}

/// The report's overall word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Nothing to report.
    Healthy,
    /// It serves, but something needs attention (see the reasons).
    Degraded,
    /// It cannot do its job (see the reasons): 503.
    Unhealthy,
}

/// The store's part: `{"ok", "schema_version", "size_bytes", "writable"}`, and `"error"`
/// when it is not ok (`schema_version` and `size_bytes` are left out when it cannot be
/// read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreHealth {
    /// The schema version it holds, or why it could not be read.
    pub read: Result<u32, String>,
    /// Its size on disk, request log included.
    pub size_bytes: u64,
    /// The write probe's answer.
    pub write: Result<(), String>,
    /// The shared store's location in team mode (`postgres host:port/db`), else None.
    pub shared: Option<String>,
}

impl StoreHealth {
    /// Readable and writable.
    pub fn ok(&self) -> bool {
        self.read.is_ok() && self.write.is_ok()
    }
}

#[cfg(test)]
fn store_health(read: Result<u32, String>, size_bytes: u64, write: Result<(), String>) -> StoreHealth {
    StoreHealth { read, size_bytes, write, shared: None }
}

impl Serialize for StoreHealth {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("ok", &self.ok())?;
        if let Some(at) = &self.shared {
            m.serialize_entry("shared", at)?;
        }
        if let Ok(v) = &self.read {
            m.serialize_entry("schema_version", v)?;
            m.serialize_entry("size_bytes", &self.size_bytes)?;
        }
        m.serialize_entry("writable", &self.write.is_ok())?;
        match (&self.read, &self.write) {
            (Err(e), _) => m.serialize_entry("error", e)?,
            (Ok(_), Err(e)) => m.serialize_entry("error", &t!("engine.health.cannot_write", error = e))?,
            (Ok(_), Ok(())) => {}
        }
        m.end()
    }
}

/// The channels: counts by stored status and by live state, and the ones that are down.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Channels {
    /// All channels.
    pub total: usize,
    /// Channels with status enabled.
    pub enabled: usize,
    /// Channels switched off by the circuit breaker (status rate_limited).
    pub rate_limited: usize,
    /// Channels switched off by a user.
    pub disabled: usize,
    /// Channels whose circuit breaker is open now (no traffic until it half-opens).
    pub breaker_open: usize,
    /// Channels whose breaker lets one trial request through.
    pub breaker_half_open: usize,
    /// API keys cooling down now (after a 401, 403 or 429), over every channel.
    pub keys_cooling: usize,
    /// Channels not disabled that cannot take a request now, each with why.
    pub down: Vec<Down>,
}

/// A channel that cannot take a request now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Down {
    /// Its name.
    pub name: String,
    /// `breaker_open` or `keys_cooling`.
    pub why: &'static str,
    /// Seconds until its breaker lets a trial through (breaker_open only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_in_s: Option<u64>,
}

impl std::fmt::Display for Down {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.why, self.retry_in_s) {
            ("breaker_open", Some(s)) => f.write_str(&t!("engine.health.breaker_trial", name = self.name, secs = s)),
            ("breaker_open", None) => f.write_str(&t!("engine.health.breaker", name = self.name)),
            _ => f.write_str(&t!("engine.health.cooling", name = self.name)),
        }
    }
}

fn channels(engine: &Engine, proxy: &Proxy, now: Instant) -> Channels {
    let snap = engine.snapshot();
    let count = |s: Status| snap.channels.iter().filter(|c| c.status == s).count();
    let mut c = Channels {
        total: snap.channels.len(),
        enabled: count(Status::Enabled),
        rate_limited: count(Status::RateLimited),
        disabled: count(Status::Disabled),
        breaker_open: 0,
        breaker_half_open: 0,
        keys_cooling: 0,
        down: Vec::new(),
    };
    for ch in &snap.channels {
        let Some(rt) = proxy.runtimes().find(&ch.id) else { continue };
        // The whole pool: keys given as values and those read from the environment.
        let keys = ch.key_count();
        let cooling = rt.keys_cooling(keys, now);
        c.keys_cooling += cooling;
        let down = match rt.breaker().seen_at(now) {
            BreakerSeen::Closed => None,
            BreakerSeen::Open { until } => {
                c.breaker_open += 1;
                Some(("breaker_open", Some((until - now).as_secs_f64().ceil() as u64)))
            }
            BreakerSeen::HalfOpen => {
                c.breaker_half_open += 1;
                None
            }
        }
        .or((cooling > 0 && cooling == keys).then_some(("keys_cooling", None)));
        if let (Some((why, retry_in_s)), true) = (down, ch.status != Status::Disabled) {
            c.down.push(Down { name: ch.name.clone(), why, retry_in_s });
        }
    }
    c
}

/// This process's memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Memory {
    /// Resident set size, bytes (0 where it cannot be read).
    pub rss_bytes: u64,
}

/// This process's file descriptors (0 where they cannot be read).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Fds {
    /// Open now.
    pub open: u64,
    /// The most it may open (the soft open-file limit).
    pub limit: u64,
}

/// The request log: `{"enabled", "dropped"}`, and when it is on also `"queued"`,
/// `"capacity"`, `"last_dropped_ms"` and `"last_error"` (null when none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestLog {
    /// Whether requests are recorded.
    pub enabled: bool,
    /// Records the log could not keep since the daemon started.
    pub dropped: u64,
    /// The writer's queue and losses (the log is on).
    #[serde(flatten)]
    pub writer: Option<LogWriter>,
}

/// The request log's writer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogWriter {
    /// Records waiting to be written.
    pub queued: usize,
    /// The queue's capacity: past it records are dropped.
    pub capacity: usize,
    /// Unix ms of the last record lost.
    pub last_dropped_ms: Option<u64>,
    /// The last batch the store refused.
    pub last_error: Option<LogError>,
}

/// A batch the store refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogError {
    /// Unix ms.
    pub at_ms: u64,
    /// The store's error.
    pub message: String,
}

fn request_log(r: &Recorder) -> RequestLog {
    RequestLog {
        enabled: r.enabled(),
        dropped: r.dropped(),
        writer: r.enabled().then(|| LogWriter {
            queued: r.queued(),
            capacity: r.capacity(),
            last_dropped_ms: r.last_dropped_ms(),
            last_error: r.last_error().map(|(at_ms, message)| LogError { at_ms, message }),
        }),
    }
}

/// The filesystem holding the data directory (zeros where it cannot be read).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Disk {
    /// Bytes available to this user.
    pub free_bytes: u64,
    /// Bytes in all.
    pub total_bytes: u64,
    /// Under this many free bytes the daemon is unhealthy (0: never).
    pub min_free_bytes: u64,
}

/// `server.health_min_disk_mb` in bytes; unset, 1 % of `total` capped at [`MIN_DISK_CAP`].
fn min_free_bytes(min_disk_mb: Option<u64>, total: u64) -> u64 {
    match min_disk_mb {
        Some(mb) => mb.saturating_mul(MIB),
        None => (total / 100).min(MIN_DISK_CAP),
    }
}

/// The rules: set `status` and `reasons` from the readings (`now_ms`: unix ms now).
///
/// Unhealthy (503) when the store cannot be read or written, the data directory's
/// filesystem has less than `disk.min_free_bytes` free, every channel not disabled is down
/// (and there is one), or more than [`FD_PERCENT`] % of the file descriptors are open.
/// Degraded (200) when no channel is configured, every channel is disabled, some channels
/// are down, or the request log lost records in the last [`DROP_WINDOW_MS`].
pub fn judge(r: &mut Detailed, now_ms: u64) {
    let mut bad = Vec::new();
    let mut meh = Vec::new();
    if let (Some(at), Err(e)) = (&r.store.shared, &r.store.read) {
        // A replica on a shared store keeps serving from its snapshot: degraded, not down,
        // so a load balancer does not take every replica out at once.
        meh.push(
            t!("engine.health.shared_store_down", at = at, error = e, held = crate::engine::records::HELD_MAX)
                .into_owned(),
        );
    } else if let Err(e) = &r.store.read {
        bad.push(t!("engine.health.store_read", error = e).into_owned());
    }
    if let Some(team) = r.team.as_ref().filter(|t| !t.following && r.store.read.is_ok()) {
        let why = team.error.clone().unwrap_or_else(|| t!("engine.health.not_connected_yet").into_owned());
        meh.push(t!("engine.health.replica_not_following", replica = team.replica, error = why).into_owned());
    }
    if r.store.shared.is_some() && r.store.read.is_err() {
        // Said above.
    } else if let Err(e) = &r.store.write {
        bad.push(t!("engine.health.store_write", error = e).into_owned());
    }
    let d = r.disk;
    if d.total_bytes > 0 && d.free_bytes < d.min_free_bytes {
        bad.push(t!("engine.health.disk", free = mib(d.free_bytes), min = mib(d.min_free_bytes)).into_owned());
    }
    let in_rotation = r.channels.total - r.channels.disabled;
    let down = r.channels.down.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ");
    if r.channels.total == 0 {
        meh.push(t!("engine.health.no_channel").into_owned());
    } else if in_rotation == 0 {
        meh.push(t!("engine.health.all_disabled", total = r.channels.total).into_owned());
    } else if r.channels.down.len() >= in_rotation {
        bad.push(t!("engine.health.all_down", down = down).into_owned());
    } else if !r.channels.down.is_empty() {
        meh.push(
            t!("engine.health.some_down", count = r.channels.down.len(), total = in_rotation, down = down).into_owned(),
        );
    }
    let f = r.fds;
    if f.limit > 0 && f.open.saturating_mul(100) > f.limit.saturating_mul(FD_PERCENT) {
        bad.push(t!("engine.health.fds", open = f.open, limit = f.limit, percent = FD_PERCENT).into_owned());
    }
    if let Some(w) = &r.request_log.writer {
        if w.last_dropped_ms.is_some_and(|t| now_ms.saturating_sub(t) < DROP_WINDOW_MS) {
            let why = match &w.last_error {
                Some(e) if now_ms.saturating_sub(e.at_ms) < DROP_WINDOW_MS => {
                    t!("engine.health.batch_refused", error = e.message).into_owned()
                }
                _ => t!("engine.health.queue_full", capacity = w.capacity).into_owned(),
            };
            meh.push(t!("engine.health.log_lost", dropped = r.request_log.dropped, why = why).into_owned());
        }
    }
    for t in &r.tees {
        if let (Some(at), Some(e)) = (t.stats.last_error_ms, &t.stats.last_error) {
            if now_ms.saturating_sub(at) < DROP_WINDOW_MS && t.stats.dropped > 0 {
                let name = format!("{:?}", t.name);
                meh.push(t!("engine.health.tee_lost", name = name, dropped = t.stats.dropped, error = e).into_owned());
            }
        }
    }
    if let Some(s) = r.shared.as_ref().filter(|s| !s.up) {
        meh.push(format!(
            "shared state: redis at {} is unreachable ({}){}: this replica serves with its own breakers, key \
             cooldowns and sessions, reconnects on its own and catches up when it answers; {} shared event{} \
             dropped so far",
            s.redis,
            s.error.as_deref().unwrap_or("not connected"),
            if s.down_s > 0 { format!(" for {} s", s.down_s) } else { String::new() },
            s.dropped,
            if s.dropped == 1 { "" } else { "s" }
        ));
    }
    r.status = if !bad.is_empty() {
        Verdict::Unhealthy
    } else if !meh.is_empty() {
        Verdict::Degraded
    } else {
        Verdict::Healthy
    };
    r.reasons = bad;
    r.reasons.append(&mut meh);
}

/// Bytes as MiB with one decimal.
fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / MIB as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::config::Config;
    use crate::engine::proxy::ProxyConfig;
    use crate::engine::ChannelSpec;
    use crate::store::Store;
    use std::sync::atomic::AtomicUsize;
    use std::sync::Arc;

    fn stack() -> (Arc<Engine>, Proxy) {
        let engine = Arc::new(Engine::with_store(Store::temporary().unwrap()).unwrap());
        let proxy = Proxy::new(engine.clone(), ProxyConfig::from_config(&Config::default()), Recorder::disabled());
        (engine, proxy)
    }

    fn add(engine: &Engine, name: &str, keys: usize) -> String {
        let spec = ChannelSpec {
            name: name.into(),
            kind: "openai".into(),
            base_url: Some("http://127.0.0.1:9".into()),
            api_keys: (0..keys).map(|i| format!("sk-{name}-{i}-0000000000000")).collect(),
            models: vec!["*".into()],
            ..Default::default()
        };
        engine.add_channel(&spec).unwrap().id
    }

    /// A report with nothing wrong, to spoil one reading at a time.
    fn fine() -> Detailed {
        Detailed {
            shared: None,
            status: Verdict::Healthy,
            reasons: Vec::new(),
            store: store_health(Ok(3), 10, Ok(())),
            team: None,
            channels: Channels {
                total: 1,
                enabled: 1,
                rate_limited: 0,
                disabled: 0,
                breaker_open: 0,
                breaker_half_open: 0,
                keys_cooling: 0,
                down: Vec::new(),
            },
            memory: Memory { rss_bytes: 1 },
            fds: Fds { open: 10, limit: 1024 },
            request_log: RequestLog { enabled: false, dropped: 0, writer: None },
            tees: Vec::new(),
            disk: Disk { free_bytes: 10 * MIN_DISK_CAP, total_bytes: 100 * MIN_DISK_CAP, min_free_bytes: MIN_DISK_CAP },
            uptime_s: 1,
        }
    }

    fn judged(mut r: Detailed) -> Detailed {
        judge(&mut r, 1_000_000);
        r
    }

    #[test]
    fn an_unreachable_redis_makes_the_daemon_degraded_and_names_it() {
        let status = |up: bool| SharedStatus {
            redis: "redis://:***@127.0.0.1:6390".into(),
            up,
            error: (!up).then(|| "Connection refused".into()),
            down_s: if up { 0 } else { 12 },
            published: 3,
            applied: 0,
            dropped: 1,
        };
        let r = judged(Detailed { shared: Some(status(false)), ..fine() });
        assert_eq!(r.status, Verdict::Degraded, "{r:?}");
        assert_eq!(r.reasons.len(), 1, "{r:?}");
        let why = &r.reasons[0];
        assert!(
            why.starts_with(
                "shared state: redis at redis://:***@127.0.0.1:6390 is unreachable (Connection refused) for 12 s: \
                 this replica serves with its own breakers"
            ),
            "{why}"
        );
        assert!(why.ends_with("1 shared event dropped so far"), "{why}");
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!((&v["shared"]["up"], &v["shared"]["dropped"]), (&false.into(), &1.into()));
        let r = judged(Detailed { shared: Some(status(true)), ..fine() });
        assert_eq!((r.status, r.reasons.len()), (Verdict::Healthy, 0), "{r:?}");
        assert!(serde_json::to_value(&r).unwrap()["shared"].get("error").is_none());
    }

    #[test]
    fn a_fresh_daemon_without_channels_is_degraded_and_the_json_keeps_its_shape() {
        let (engine, proxy) = stack();
        let h = Health::new();
        let r = h.detailed(&engine, &proxy, &std::env::temp_dir(), Instant::now(), None);
        assert_eq!(r.status, Verdict::Degraded, "{r:?}");
        assert!(!r.is_unhealthy());
        assert_eq!(r.reasons, ["no channel is configured: add one with routex channel add"]);
        assert_eq!(r.store.read, Ok(engine.store().schema_version().unwrap()));
        assert_eq!(r.store.write, Ok(()));
        let v = serde_json::to_value(&r).unwrap();
        let keys = |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        assert_eq!(
            keys(&v),
            ["status", "reasons", "store", "channels", "memory", "fds", "request_log", "disk", "uptime_s"]
        );
        assert_eq!(v["status"], "degraded");
        assert_eq!(keys(&v["store"]), ["ok", "schema_version", "size_bytes", "writable"]);
        assert_eq!((&v["store"]["ok"], &v["store"]["writable"]), (&true.into(), &true.into()));
        assert_eq!(
            keys(&v["channels"]),
            [
                "total",
                "enabled",
                "rate_limited",
                "disabled",
                "breaker_open",
                "breaker_half_open",
                "keys_cooling",
                "down"
            ]
        );
        assert_eq!(v["request_log"], serde_json::json!({"enabled": false, "dropped": 0}));
        assert_eq!(keys(&v["disk"]), ["free_bytes", "total_bytes", "min_free_bytes"]);
        assert_eq!(keys(&v["fds"]), ["open", "limit"]);
        assert!(v["memory"]["rss_bytes"].is_u64() && v["uptime_s"].is_u64(), "{v}");
        #[cfg(target_os = "linux")]
        assert!(r.fds.open >= 3 && r.fds.limit >= r.fds.open && r.memory.rss_bytes > 0, "{r:?}");
    }

    #[test]
    fn keys_read_from_the_environment_count_as_cooling_too() {
        // A pool of one key by value and one from the environment: both cool down.
        let env: crate::engine::channel::EnvLookup =
            Arc::new(|v: &str| (v == "HEALTH_TEST_KEY").then(|| "sk-env-0123456789abcdef".to_string()));
        let engine = Arc::new(Engine::with_env(Store::temporary().unwrap(), env).unwrap());
        let proxy = Proxy::new(engine.clone(), ProxyConfig::from_config(&Config::default()), Recorder::disabled());
        let spec = ChannelSpec {
            name: "pool".into(),
            kind: "openai".into(),
            base_url: Some("http://127.0.0.1:9".into()),
            api_keys: vec!["sk-value-0123456789abcdef".into()],
            api_keys_env: vec!["HEALTH_TEST_KEY".into()],
            models: vec!["*".into()],
            ..Default::default()
        };
        let id = engine.add_channel(&spec).unwrap().id;
        let rt = proxy.runtimes().get(&id);
        rt.cool_key(0, 2, Duration::from_secs(30));
        rt.cool_key(1, 2, Duration::from_secs(30));
        let r = Health::new().detailed(&engine, &proxy, &std::env::temp_dir(), Instant::now(), None);
        assert_eq!(r.channels.keys_cooling, 2, "{r:?}");
        assert_eq!(r.channels.down.len(), 1, "every key of the pool cools: the channel is down: {r:?}");
    }

    #[test]
    fn channels_count_breakers_and_cooling_keys_and_name_the_ones_down() {
        let (engine, proxy) = stack();
        let a = add(&engine, "alpha", 2);
        let b = add(&engine, "beta", 2);
        let h = Health::new();
        let dir = std::env::temp_dir();
        assert_eq!(h.detailed(&engine, &proxy, &dir, Instant::now(), None).status, Verdict::Healthy);

        // alpha's breaker opens: one of two down.
        let rt = proxy.runtimes().get(&a);
        rt.on_failure(1, Duration::from_secs(60), "HTTP 500".into());
        let r = h.detailed(&engine, &proxy, &dir, Instant::now(), None);
        assert_eq!((r.channels.breaker_open, r.channels.down.len()), (1, 1), "{r:?}");
        assert_eq!(r.status, Verdict::Degraded);
        assert_eq!(r.reasons.len(), 1);
        assert!(r.reasons[0].starts_with("1 of 2 channels down (alpha: circuit breaker open, trial in 60 s)"), "{r:?}");

        // beta's two keys cool down: every channel down.
        let rt_b = proxy.runtimes().get(&b);
        rt_b.cool_key(0, 2, Duration::from_secs(30));
        rt_b.cool_key(1, 2, Duration::from_secs(30));
        let r = h.detailed(&engine, &proxy, &dir, Instant::now(), None);
        assert_eq!(r.channels.keys_cooling, 2);
        assert!(r.is_unhealthy(), "{r:?}");
        assert_eq!(
            r.reasons[0],
            "every channel is down (alpha: circuit breaker open, trial in 60 s; beta: every API key cooling down): \
             requests fail until one recovers; GET /api/channels/stats shows their last errors"
        );
        let v = serde_json::to_value(&r.channels.down).unwrap();
        assert_eq!(v[0], serde_json::json!({"name": "alpha", "why": "breaker_open", "retry_in_s": 60}));
        assert_eq!(v[1], serde_json::json!({"name": "beta", "why": "keys_cooling"}));

        // Disabling beta leaves alpha, down: still unhealthy; a half-open breaker is not down.
        engine.set_status(&b, Status::Disabled).unwrap();
        let r = h.detailed(&engine, &proxy, &dir, Instant::now(), None);
        assert!(r.is_unhealthy() && r.reasons[0].starts_with("every channel is down (alpha"), "{r:?}");
        rt.set_breaker(crate::engine::proxy::runtime::Breaker::HalfOpen { trial: false });
        let r = h.detailed(&engine, &proxy, &dir, Instant::now(), None);
        assert_eq!((r.status, r.channels.breaker_half_open, r.channels.disabled), (Verdict::Healthy, 1, 1), "{r:?}");

        engine.set_status(&a, Status::Disabled).unwrap();
        let r = h.detailed(&engine, &proxy, &dir, Instant::now(), None);
        assert_eq!(r.status, Verdict::Degraded);
        assert_eq!(
            r.reasons,
            ["every channel is disabled (2 of them): let one take traffic with routex channel enable <name>"]
        );
    }

    #[test]
    fn an_unwritable_or_unreadable_store_is_unhealthy_and_says_so() {
        let mut r = fine();
        r.store =
            store_health(Ok(3), 10, Err("store error at /d/routex.db: Read-only file system (os error 30)".into()));
        let r = judged(r);
        assert!(r.is_unhealthy());
        assert_eq!(
            r.reasons,
            ["the store cannot be written (store error at /d/routex.db: Read-only file system (os error 30)): changes \
              and the request log would be lost; make the data directory's filesystem writable and give it free space"]
        );
        assert_eq!(
            serde_json::to_value(&r.store).unwrap(),
            serde_json::json!({"ok": false, "schema_version": 3, "size_bytes": 10, "writable": false,
                "error": "cannot write: store error at /d/routex.db: Read-only file system (os error 30)"})
        );
        let mut r = fine();
        r.store = store_health(Err("the store is locked".into()), 0, Ok(()));
        let r = judged(r);
        assert!(r.is_unhealthy() && r.reasons[0].starts_with("the store does not answer (the store is locked)"));
        assert_eq!(
            serde_json::to_string(&r.store).unwrap(),
            r#"{"ok":false,"writable":true,"error":"the store is locked"}"#
        );
    }

    #[test]
    fn the_write_probe_runs_once_per_interval_and_its_failure_is_reported() {
        let h = Health::new();
        let calls = AtomicUsize::new(0);
        let failing = || {
            calls.fetch_add(1, Ordering::Relaxed);
            Err("Read-only file system (os error 30)".to_string())
        };
        for _ in 0..5 {
            assert_eq!(h.store_writable(failing), Err("Read-only file system (os error 30)".into()));
        }
        assert_eq!(calls.load(Ordering::Relaxed), 1, "cached for {PROBE_EVERY:?}");
        // Once the answer is stale the probe runs again.
        h.last_probe.lock().unwrap().as_mut().unwrap().at -= PROBE_EVERY;
        assert_eq!(h.store_writable(|| Ok(())), Ok(()));
        // A probe under way: a stale answer is reused rather than waited for.
        h.last_probe.lock().unwrap().as_mut().unwrap().at -= PROBE_EVERY;
        let busy = h.probing.lock().unwrap();
        assert_eq!(h.store_writable(|| Err("must not run".into())), Ok(()));
        drop(busy);
        // The real probe writes and flushes.
        let store = Store::temporary().unwrap();
        store.probe_write().unwrap();
    }

    #[test]
    fn the_disk_threshold_defaults_to_one_percent_capped_and_can_be_set() {
        assert_eq!(min_free_bytes(None, 1000 * MIB), 10 * MIB);
        assert_eq!(min_free_bytes(None, 1_000_000 * MIB), MIN_DISK_CAP);
        assert_eq!(min_free_bytes(Some(0), 1000 * MIB), 0);
        assert_eq!(min_free_bytes(Some(2048), 10 * MIB), 2048 * MIB);
        let mut r = fine();
        r.disk = Disk { free_bytes: 50 * MIB, total_bytes: 1_000_000 * MIB, min_free_bytes: MIN_DISK_CAP };
        let r = judged(r);
        assert!(r.is_unhealthy());
        assert_eq!(
            r.reasons,
            ["the data directory's filesystem has 50.0 MiB free, under the 100.0 MiB threshold: free some space \
              there (the threshold is server.health_min_disk_mb)"]
        );
        // Unreadable (zeros): not judged.
        let mut r = fine();
        r.disk = Disk { free_bytes: 0, total_bytes: 0, min_free_bytes: MIN_DISK_CAP };
        assert_eq!(judged(r).status, Verdict::Healthy);
    }

    #[test]
    fn nearly_exhausted_file_descriptors_are_unhealthy() {
        let mut r = fine();
        r.fds = Fds { open: 972, limit: 1024 };
        assert_eq!(judged(r.clone()).status, Verdict::Healthy, "94.9 % is still fine");
        r.fds = Fds { open: 1000, limit: 1024 };
        let r = judged(r);
        assert!(r.is_unhealthy());
        assert!(r.reasons[0].starts_with("1000 of 1024 file descriptors are open (over 95 %): raise"), "{r:?}");
    }

    #[test]
    fn request_log_losses_in_the_last_minute_are_degraded() {
        let now = 1_000_000;
        let log = |last_dropped_ms, last_error| RequestLog {
            enabled: true,
            dropped: 7,
            writer: Some(LogWriter { queued: 3, capacity: 16_384, last_dropped_ms, last_error }),
        };
        let mut r = fine();
        r.request_log = log(Some(now - 5_000), None);
        let r = judged(r);
        assert_eq!(r.status, Verdict::Degraded);
        assert_eq!(
            r.reasons,
            ["the request log lost records in the last minute (7 since start): its queue of 16384 was full: the \
              disk is too slow; the requests themselves were served"]
        );
        let mut r = fine();
        r.request_log = log(Some(now - 1_000), Some(LogError { at_ms: now - 1_000, message: "No space left".into() }));
        let r = judged(r);
        assert!(r.reasons[0].contains("the store refused a batch (No space left)"), "{r:?}");
        assert_eq!(
            serde_json::to_value(&r.request_log).unwrap(),
            serde_json::json!({"enabled": true, "dropped": 7, "queued": 3, "capacity": 16384,
                "last_dropped_ms": now - 1_000, "last_error": {"at_ms": now - 1_000, "message": "No space left"}})
        );
        // Losses older than a minute are history, not a problem.
        let mut r = fine();
        r.request_log = log(Some(now - DROP_WINDOW_MS), None);
        assert_eq!(judged(r).status, Verdict::Healthy);
    }

    #[test]
    fn reasons_list_the_unhealthy_ones_first() {
        let mut r = fine();
        r.channels.total = 0;
        r.channels.enabled = 0;
        r.fds = Fds { open: 1024, limit: 1024 };
        let r = judged(r);
        assert!(r.is_unhealthy());
        assert_eq!(r.reasons.len(), 2);
        assert!(r.reasons[0].contains("file descriptors") && r.reasons[1].starts_with("no channel is configured"));
    }

    #[test]
    fn readiness_is_off_until_set() {
        let h = Health::new();
        assert!(!h.is_ready());
        h.set_ready(true);
        assert!(h.is_ready());
        h.set_ready(false);
        assert!(!h.is_ready());
    }
}
