//! The cache warmer (SPEC §9, docs/cache.md): the work that is still cold when a request
//! or a dashboard first needs it, done ahead of time.
//!
//! The hot path already reads an in-memory snapshot, so what the warmer fills is: the
//! proxy's per-snapshot caches (`channels`: the live state lined up with the snapshot;
//! `models`: the model → serving channels lists), the compiled routing rules
//! (`routingRules`: compiled with each snapshot; the warmer counts them), the warm
//! analytics (`analytics`: [`records::Aggregates`], built from the log), the cl100k
//! tokenizer tables (`tokenizer`) and the upstream keep-alive connections (`connections`,
//! opened by each event loop of the daemon). Owns the warmer's settings ([`CacheConfig`],
//! stored in the settings tree; defaults from the config file's `cache:` section), its
//! stats ([`CacheStats`]), warm / invalidate / reset, the background refresh and the
//! invalidation on writes ([`Warmer::run`]), and the metrics it feeds.
//!
//! The admin API (`daemon/admin/cache.rs`) and the CLI (`routex cache`, with or without a
//! daemon) call it. Without a daemon ([`Warmer::new`] with no proxy) there is no proxy and
//! no event loop in the process: a warm builds the analytics and the tokenizer tables in
//! the CLI process, counts what a daemon would hold, and says so. Must not be called on the
//! proxy's request path.

use rust_i18n::t;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::config::{CacheConfig, WarmItems};
use super::metrics::Metrics;
use super::proxy::Proxy;
use super::records::AggregatesStatus;
use super::{Engine, Error, Result};
use crate::store::Tree;
use crate::util::time::now_ms;

/// The names `invalidate` and `warm` take, in the order shown to users.
pub const ITEMS: [Item; 6] =
    [Item::Channels, Item::Models, Item::RoutingRules, Item::Analytics, Item::Connections, Item::Tokenizer];

/// The shortest and longest background refresh interval, ms.
pub const REFRESH_MIN_MS: u64 = 1_000;
/// See [`REFRESH_MIN_MS`].
pub const REFRESH_MAX_MS: u64 = 86_400_000;

/// How often the warmer looks for a write (a new snapshot) to invalidate after.
const WATCH_EVERY: Duration = Duration::from_millis(200);

/// One thing the warmer keeps warm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Item {
    /// The proxy's live channel state lined up with the snapshot.
    Channels,
    /// The model → serving channels lists.
    Models,
    /// The compiled routing rules.
    RoutingRules,
    /// The warm analytics.
    Analytics,
    /// Upstream keep-alive connections.
    Connections,
    /// The cl100k tokenizer tables.
    Tokenizer,
}

impl Item {
    /// The name in the API and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Item::Channels => "channels",
            Item::Models => "models",
            Item::RoutingRules => "routingRules",
            Item::Analytics => "analytics",
            Item::Connections => "connections",
            Item::Tokenizer => "tokenizer",
        }
    }

    /// Parse a name (`all` is every item: None).
    pub fn parse(s: &str) -> Result<Option<Item>> {
        if s == "all" {
            return Ok(None);
        }
        ITEMS.iter().copied().find(|i| i.as_str() == s).map(Some).ok_or_else(|| Error::Invalid {
            subject: t!("engine.cache.subject_item").into_owned(),
            field: "type".into(),
            message: t!(
                "engine.cache.item",
                given = format!("{s:?}"),
                choices = ITEMS.iter().map(|i| i.as_str()).collect::<Vec<_>>().join(", ")
            )
            .into_owned(),
        })
    }

    fn selected(self, w: &WarmItems) -> bool {
        match self {
            Item::Channels => w.channels,
            Item::Models => w.models,
            Item::RoutingRules => w.routing_rules,
            Item::Analytics => w.analytics,
            Item::Connections => w.connections,
            Item::Tokenizer => w.tokenizer,
        }
    }
}

/// `itemsCached`: what is warm now, by item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemsCached {
    /// Channels whose live state is lined up with the snapshot.
    pub channels: u64,
    /// Models whose serving channels are listed.
    pub models: u64,
    /// Compiled routing rules.
    pub routing_rules: u64,
    /// 1 when the analytics are warm.
    pub analytics: u64,
    /// Upstream hosts the event loops were asked to open connections to.
    pub connections: u64,
    /// 1 when the tokenizer tables are built.
    pub tokenizer: u64,
}

impl ItemsCached {
    fn set(&mut self, item: Item, n: u64) {
        match item {
            Item::Channels => self.channels = n,
            Item::Models => self.models = n,
            Item::RoutingRules => self.routing_rules = n,
            Item::Analytics => self.analytics = n,
            Item::Connections => self.connections = n,
            Item::Tokenizer => self.tokenizer = n,
        }
    }
}

/// `GET /api/cache/stats`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CacheStats {
    /// Warms since start (or the last reset).
    pub total_warms: u64,
    /// When the last warm ended, unix ms (0: never).
    pub last_warm_time: u64,
    /// How long it took, ms.
    pub last_warm_duration: u64,
    /// What is warm now.
    pub items_cached: ItemsCached,
    /// Background refreshes run.
    pub background_refresh_count: u64,
    /// Invalidations (API, CLI and writes).
    pub invalidation_count: u64,
    /// The warm analytics: whether `/api/analytics` answers from memory (`ready`) or
    /// scans the log, and what the aggregates hold.
    pub analytics: AggregatesStatus,
    /// Where these figures come from: `daemon`, or `cli` (a warm in the CLI process, no daemon running).
    pub source: String,
}

/// The warmer. One per daemon (`AppState`), or one per CLI command without a daemon.
pub struct Warmer {
    engine: Arc<Engine>,
    /// None in the CLI process (no daemon): nothing to line up, no connections to open.
    proxy: Option<Arc<Proxy>>,
    metrics: Arc<Metrics>,
    defaults: CacheConfig,
    stats: Mutex<CacheStats>,
    /// The snapshot version the warmer last saw (writes are noticed by it changing).
    seen_version: AtomicU64,
    /// The channels (id, updated_at) of that snapshot: a write that changed none of them
    /// changed the rules or the strategy.
    seen_channels: Mutex<Vec<(String, String)>>,
}

fn channel_marks(engine: &Engine) -> Vec<(String, String)> {
    engine.snapshot().channels.iter().map(|c| (c.id.clone(), c.updated_at.clone())).collect()
}

impl std::fmt::Debug for Warmer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Warmer").field("daemon", &self.proxy.is_some()).finish()
    }
}

/// A partial `PUT /api/cache/config` body merged into `base` (objects key by key).
fn merge(base: &mut serde_json::Value, patch: serde_json::Value) {
    match (base, patch) {
        (serde_json::Value::Object(b), serde_json::Value::Object(p)) => {
            for (k, v) in p {
                match b.get_mut(&k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (slot, v) => *slot = v,
    }
}

impl Warmer {
    /// A warmer over `engine`; `proxy` is the daemon's (None in the CLI process).
    /// `defaults` is the config file's `cache:` section: the settings until one is stored.
    pub fn new(engine: Arc<Engine>, proxy: Option<Arc<Proxy>>, defaults: CacheConfig) -> Warmer {
        let metrics = proxy.as_ref().map(|p| p.metrics().clone()).unwrap_or_default();
        let source = if proxy.is_some() { "daemon" } else { "cli" };
        let stats = CacheStats { source: source.into(), ..Default::default() };
        Warmer {
            seen_version: AtomicU64::new(engine.snapshot().version),
            seen_channels: Mutex::new(channel_marks(&engine)),
            engine,
            proxy,
            metrics,
            defaults,
            stats: Mutex::new(stats),
        }
    }

    fn stats_mut(&self) -> std::sync::MutexGuard<'_, CacheStats> {
        self.stats.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The settings: the stored ones, else the config file's.
    pub fn config(&self) -> Result<CacheConfig> {
        Ok(self.engine.store().get::<CacheConfig>(Tree::Settings, "cache")?.unwrap_or_else(|| self.defaults.clone()))
    }

    /// `PUT /api/cache/config`: merge a partial body into the settings, check and store them.
    pub fn set_config(&self, patch: serde_json::Value) -> Result<CacheConfig> {
        if !patch.is_object() {
            return Err(Error::Config(t!("engine.cache.not_object").into_owned()));
        }
        let mut cur = serde_json::to_value(self.config()?).expect("settings serialise");
        merge(&mut cur, patch);
        let cfg: CacheConfig =
            serde_json::from_value(cur).map_err(|e| Error::Config(t!("engine.cache.bad", error = e).into_owned()))?;
        cfg.check().map_err(|(field, message)| invalid(&field, message))?;
        self.engine.store().put(Tree::Settings, "cache", &cfg)?;
        Ok(cfg)
    }

    /// What the warmer holds now.
    pub fn stats(&self) -> CacheStats {
        let mut s = self.stats_mut().clone();
        s.analytics = self.engine.aggregates().status();
        s.items_cached.analytics = u64::from(s.analytics.ready);
        s
    }

    /// `POST /api/cache/reset-stats`: counters back to 0 (what is warm stays warm).
    pub fn reset_stats(&self) -> CacheStats {
        let mut s = self.stats_mut();
        let (items, source) = (s.items_cached, std::mem::take(&mut s.source));
        *s = CacheStats { items_cached: items, source, ..Default::default() };
        drop(s);
        self.stats()
    }

    /// Warm `items` (None: the configured `warmItems`); returns the stats after.
    pub fn warm(&self, items: Option<WarmItems>) -> Result<CacheStats> {
        let items = match items {
            Some(i) => i,
            None => self.config()?.warm_items,
        };
        let started = Instant::now();
        let mut built = Vec::new();
        let mut failed = None;
        for item in ITEMS.into_iter().filter(|i| i.selected(&items)) {
            match self.warm_one(item) {
                Ok(n) => built.push((item, n)),
                Err(e) => {
                    log::warn!("cache: warming {} failed: {e}", item.as_str());
                    failed.get_or_insert(e);
                }
            }
        }
        let took = started.elapsed();
        self.metrics.cache_warmed(took, failed.is_none());
        let mut s = self.stats_mut();
        s.total_warms += 1;
        s.last_warm_time = now_ms();
        s.last_warm_duration = took.as_millis() as u64;
        for (item, n) in built {
            s.items_cached.set(item, n);
        }
        drop(s);
        match failed {
            Some(e) => Err(e),
            None => Ok(self.stats()),
        }
    }

    /// Build one item; returns how many of it are warm.
    fn warm_one(&self, item: Item) -> Result<u64> {
        let snap = self.engine.snapshot();
        Ok(match item {
            Item::Channels => match &self.proxy {
                Some(p) => p.warm_channels() as u64,
                None => snap.channels.len() as u64,
            },
            Item::Models => match &self.proxy {
                Some(p) => p.warm_models() as u64,
                None => super::proxy::literal_models(&snap).len() as u64,
            },
            Item::RoutingRules => snap.rules.iter().filter(|r| r.enabled).count() as u64,
            Item::Analytics => u64::from(self.engine.aggregates().build(self.engine.store(), now_ms())?.ready),
            Item::Connections => match &self.proxy {
                Some(p) => p.preconnect() as u64,
                None => 0,
            },
            Item::Tokenizer => {
                super::rules::load_tokenizer();
                1
            }
        })
    }

    /// `POST /api/cache/invalidate {type}` (None: every item).
    pub fn invalidate(&self, item: Option<Item>) -> Result<()> {
        for item in ITEMS.into_iter().filter(|i| item.is_none_or(|x| x == *i)) {
            self.invalidate_one(item)?;
        }
        Ok(())
    }

    fn invalidate_one(&self, item: Item) -> Result<()> {
        match item {
            Item::Channels | Item::Models => {
                if let Some(p) = &self.proxy {
                    p.forget_snapshot_caches();
                }
            }
            // Compiled again from the store into a new snapshot.
            Item::RoutingRules => self.engine.reload()?,
            Item::Analytics => self.engine.aggregates().invalidate(),
            Item::Connections => {
                if let Some(p) = &self.proxy {
                    p.close_idle_connections();
                }
            }
            // Built once per process; nothing to forget.
            Item::Tokenizer => {}
        }
        self.metrics.cache_invalidated(item.as_str());
        let mut s = self.stats_mut();
        s.invalidation_count += 1;
        if item != Item::Tokenizer {
            s.items_cached.set(item, 0);
        }
        Ok(())
    }

    /// `POST /api/cache/invalidate-and-warm {type}` (None: every item).
    pub fn invalidate_and_warm(&self, item: Option<Item>) -> Result<CacheStats> {
        self.invalidate(item)?;
        let mut items = WarmItems::none();
        for i in ITEMS.into_iter().filter(|i| item.is_none_or(|x| x == *i)) {
            items.set(i.as_str());
        }
        self.warm(Some(items))
    }

    /// The background part, on the daemon's runtime until `stop` resolves: the warm at
    /// start (`warmOnStartup`), the refresh every `backgroundRefresh.intervalMs` (analytics
    /// buckets rolled off, rebuilt when stale; the per-snapshot caches and connections
    /// warmed again), and after every write to channels or rules, what it changed
    /// invalidated and warmed again (`smartInvalidation`). Blocking work runs on the
    /// blocking pool.
    pub async fn run(self: Arc<Self>, stop: impl std::future::Future<Output = ()>) {
        let blocking = |w: &Arc<Warmer>, f: fn(&Warmer)| {
            let w = w.clone();
            async move {
                if let Err(e) = tokio::task::spawn_blocking(move || f(&w)).await {
                    log::error!("cache: the warmer's thread failed: {e}");
                }
            }
        };
        let cfg = self.config().unwrap_or_else(|_| self.defaults.clone());
        if cfg.enabled && cfg.warm_on_startup {
            blocking(&self, |w| match w.warm(None) {
                Ok(s) => log::info!(
                    "cache: warmed in {} ms ({} channels, {} models, {} rules, analytics of {} records in {} ms)",
                    s.last_warm_duration,
                    s.items_cached.channels,
                    s.items_cached.models,
                    s.items_cached.routing_rules,
                    s.analytics.records,
                    s.analytics.build_ms
                ),
                Err(e) => log::warn!("cache: the warm at start failed: {e}"),
            })
            .await;
        }
        let mut stop = std::pin::pin!(stop);
        let mut watch = tokio::time::interval(WATCH_EVERY);
        watch.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_refresh = Instant::now();
        // The settings read last: a store that stops answering (Postgres away, team mode)
        // is said once, and the warmer goes on with them.
        let mut last_cfg: Option<CacheConfig> = None;
        let mut failing = false;
        loop {
            tokio::select! {
                _ = &mut stop => return,
                _ = watch.tick() => {}
            }
            let cfg = match self.config() {
                Ok(c) => {
                    failing = false;
                    last_cfg = Some(c.clone());
                    c
                }
                Err(e) => {
                    if !std::mem::replace(&mut failing, true) {
                        log::warn!("cache: cannot read the settings: {e}; going on with the last ones read");
                    }
                    match &last_cfg {
                        Some(c) => c.clone(),
                        None => continue,
                    }
                }
            };
            if !cfg.enabled {
                continue;
            }
            let version = self.engine.snapshot().version;
            if self.seen_version.swap(version, Ordering::Relaxed) != version
                && cfg.smart_invalidation.enabled
                && cfg.smart_invalidation.auto_invalidate_on_update
            {
                blocking(&self, |w| w.after_write()).await;
            }
            let every = Duration::from_millis(cfg.background_refresh.interval_ms.max(REFRESH_MIN_MS));
            if cfg.background_refresh.enabled && last_refresh.elapsed() >= every {
                last_refresh = Instant::now();
                blocking(&self, |w| w.refresh()).await;
            }
        }
    }

    /// A write made a new snapshot: its per-snapshot caches start cold (the old ones went
    /// with the old snapshot), so warm them now; after a channel write, also open the
    /// connections a new or moved upstream needs. Counted as one invalidation of
    /// `channels` or `routingRules`.
    fn after_write(&self) {
        let marks = channel_marks(&self.engine);
        let channels_changed = {
            let mut seen = self.seen_channels.lock().unwrap_or_else(|e| e.into_inner());
            let changed = *seen != marks;
            *seen = marks;
            changed
        };
        let kind = if channels_changed { Item::Channels } else { Item::RoutingRules };
        self.metrics.cache_invalidated(kind.as_str());
        self.stats_mut().invalidation_count += 1;
        let mut w = WarmItems::none();
        w.channels = true;
        w.models = true;
        w.routing_rules = true;
        w.connections = channels_changed;
        if let Err(e) = self.warm(Some(w)) {
            log::warn!("cache: warming after a write failed: {e}");
        }
    }

    /// The background refresh.
    fn refresh(&self) {
        let agg = self.engine.aggregates();
        agg.expire(now_ms());
        let mut w = WarmItems::none();
        w.channels = true;
        w.models = true;
        w.connections = true;
        let st = agg.status();
        w.analytics = !st.ready && self.config().is_ok_and(|c| c.warm_items.analytics);
        if let Err(e) = self.warm(Some(w)) {
            log::warn!("cache: the background refresh failed: {e}");
        }
        self.stats_mut().background_refresh_count += 1;
    }
}

fn invalid(field: &str, message: String) -> Error {
    Error::Invalid { subject: t!("engine.cache.subject").into_owned(), field: field.into(), message }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warmer() -> Warmer {
        let engine = Arc::new(Engine::with_store(crate::store::Store::temporary().unwrap()).unwrap());
        Warmer::new(engine, None, CacheConfig::default())
    }

    #[test]
    fn config_put_merges_checks_and_persists() {
        let w = warmer();
        assert_eq!(w.config().unwrap().background_refresh.interval_ms, 300_000);
        let c = w.set_config(serde_json::json!({"backgroundRefresh": {"intervalMs": 180000}})).unwrap();
        assert!(c.background_refresh.enabled, "the rest of the object is kept");
        assert_eq!(w.config().unwrap().background_refresh.interval_ms, 180_000);
        let e = w.set_config(serde_json::json!({"backgroundRefresh": {"intervalMs": 5}})).unwrap_err();
        assert!(e.to_string().contains("intervalMs"), "{e}");
        let e = w.set_config(serde_json::json!({"warmItem": {}})).unwrap_err();
        assert!(e.to_string().contains("warmItem"), "{e}");
        assert_eq!(w.config().unwrap().background_refresh.interval_ms, 180_000, "a refused body changes nothing");
    }

    #[test]
    fn unknown_types_name_the_valid_ones() {
        let e = Item::parse("channel").unwrap_err().to_string();
        assert!(e.contains("\"channel\"") && e.contains("channels, models, routingRules, analytics"), "{e}");
        assert_eq!(Item::parse("routingRules").unwrap(), Some(Item::RoutingRules));
        assert_eq!(Item::parse("all").unwrap(), None);
    }

    #[test]
    fn warm_invalidate_and_reset_count() {
        let w = warmer();
        let s = w.warm(None).unwrap();
        assert_eq!((s.total_warms, s.items_cached.analytics, s.items_cached.tokenizer), (1, 1, 1));
        assert!(s.analytics.ready);
        w.invalidate(Some(Item::Analytics)).unwrap();
        let s = w.stats();
        assert_eq!((s.invalidation_count, s.items_cached.analytics), (1, 0));
        assert!(!s.analytics.ready);
        let s = w.invalidate_and_warm(Some(Item::Analytics)).unwrap();
        assert_eq!((s.total_warms, s.invalidation_count, s.items_cached.analytics), (2, 2, 1));
        let s = w.reset_stats();
        assert_eq!((s.total_warms, s.invalidation_count, s.items_cached.analytics), (0, 0, 1));
        assert_eq!(s.source, "cli");
    }
}
