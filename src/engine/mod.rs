//! The engine: every rule of the product, on top of the store.
//!
//! It owns channels (CRUD and validation), the balancer strategy, configuration files and
//! export/import documents, and keeps an immutable [`Snapshot`] of what routing needs,
//! swapped atomically on every write so the proxy's hot path never touches the store.
//! It never imports clap or warp; the CLI and the daemon call it.

pub mod access;
pub mod cache;
pub mod channel;
pub mod config;
pub mod glob;
pub mod health;
pub mod locale;
pub mod metrics;
pub mod portable;
pub mod pricing;
pub mod proxy;
pub mod records;
pub mod rules;
pub mod shared;
pub mod sinks;
pub mod strategy;
pub mod team;
pub mod tee;
pub mod trace;
pub mod transform;

use arc_swap::ArcSwap;
use rust_i18n::t;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::store::{self, Store, Tree};
use crate::util::ids::new_id;
use crate::util::time::now_rfc3339;
pub use channel::{Channel, ChannelPatch, ChannelSpec, ChannelType, ChannelView, Protocol, Status};
pub use portable::{Document, ImportReport};
pub use strategy::Strategy;

/// Errors of the engine, each a sentence a user can act on, worded from the message
/// catalog (`locales/`, docs/i18n.md) in the process's language when it is shown; the
/// [`Error::code`] stays the same in every language.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A field of the input is wrong.
    #[error("{}", t!("engine.error.invalid", subject = .subject, field = .field, message = .message))]
    Invalid {
        /// What is wrong (`channel "x"`), already in the catalog's words.
        subject: String,
        /// The field.
        field: String,
        /// Why, and the fix, already in the catalog's words.
        message: String,
    },
    /// A named thing does not exist.
    #[error("{}", t!("engine.error.not_found", kind = kind_name(.kind), name = format!("{:?}", .name), hint = .hint))]
    NotFound {
        /// `channel`, `rule`, `tee`.
        kind: &'static str,
        /// The name or id asked for.
        name: String,
        /// Where to look (a command).
        hint: &'static str,
    },
    /// A unique name is taken.
    #[error("{}", t!("engine.error.duplicate", kind = kind_name(.kind), name = format!("{:?}", .name), id = .id))]
    Duplicate {
        /// `channel`, `rule`, `tee`.
        kind: &'static str,
        /// The name.
        name: String,
        /// The id holding it.
        id: String,
    },
    /// A configuration or import document is wrong.
    #[error("{0}")]
    Config(String),
    /// Routing rules target the channel a change would remove or disable.
    #[error("{}", in_use_text(.channel, .action, .rules))]
    InUse {
        /// The channel's name.
        channel: String,
        /// `removing` or `disabling`.
        action: &'static str,
        /// The rules that target it, by name.
        rules: Vec<String>,
    },
    /// A routing rule is invalid (its own message names the rule, the field and the fix).
    #[error(transparent)]
    Rule(#[from] rules::RuleError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] store::Error),
}

/// `channel`, `rule`, `tee` in the catalog's words.
fn kind_name(kind: &str) -> String {
    match kind {
        "channel" => t!("engine.kind.channel").into_owned(),
        "rule" => t!("engine.kind.rule").into_owned(),
        "tee" => t!("engine.kind.tee").into_owned(),
        other => other.to_string(),
    }
}

/// [`Error::InUse`]'s sentence: one rule or several, removing or disabling.
fn in_use_text(channel: &str, action: &str, rules: &[String]) -> String {
    let action = match action {
        "removing" => t!("engine.action.removing"),
        _ => t!("engine.action.disabling"),
    };
    let names = rules.iter().map(|r| format!("{r:?}")).collect::<Vec<_>>().join(", ");
    let channel = format!("{channel:?}");
    if rules.len() == 1 {
        t!("engine.error.in_use_one", channel = channel, action = action, rules = names).into_owned()
    } else {
        t!("engine.error.in_use_many", channel = channel, action = action, rules = names).into_owned()
    }
}

impl Error {
    /// Stable machine code for the admin API.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Invalid { .. } | Error::Config(_) | Error::Rule(_) => "invalid_request",
            Error::NotFound { .. } => "not_found",
            Error::Duplicate { .. } => "conflict",
            Error::InUse { .. } => "channel_in_use",
            Error::Store(store::Error::Locked { .. }) => "store_locked",
            Error::Store(store::Error::Postgres { unavailable: true, .. }) => "store_unavailable",
            Error::Store(_) => "store_error",
        }
    }

    /// When the store is locked by another process: its path, who holds it, what to do.
    /// The CLI words its own message from these instead of reaching into `store::Error`.
    pub fn as_locked(&self) -> Option<(&Path, &str, &str)> {
        match self {
            Error::Store(store::Error::Locked { path, holder, hint }) => Some((path, holder, hint)),
            _ => None,
        }
    }

    /// HTTP status for the admin API.
    pub fn http_status(&self) -> u16 {
        match self {
            Error::Invalid { .. } | Error::Config(_) | Error::Rule(_) => 400,
            Error::NotFound { .. } => 404,
            Error::Duplicate { .. } | Error::InUse { .. } => 409,
            Error::Store(store::Error::Postgres { unavailable: true, .. }) => 503,
            Error::Store(_) => 500,
        }
    }
}

/// Where to look for a channel's name: a command, the same in every language.
const CHANNEL_LIST: &str = "routex channel list"; // i18n: not prose

/// Result alias for the engine.
pub type Result<T> = std::result::Result<T, Error>;

/// What routing reads: immutable, swapped whole on every write.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// All channels, ordered by priority (high first), then name.
    pub channels: Vec<Arc<Channel>>,
    /// The balancer strategy.
    pub strategy: Strategy,
    /// Routing rules in evaluation order.
    pub rules: Vec<rules::Rule>,
    /// The same rules, compiled.
    pub ruleset: Arc<rules::RuleSet>,
    /// Tee sinks, by name.
    pub tees: tee::Tees,
    /// Increments on every swap.
    pub version: u64,
    /// Channel ids and exact names → index in `channels`, for [`Snapshot::channel`].
    channel_keys: ChannelKeys,
}

/// A hash map keyed by short strings (names, ids, models), hashed with FNV-1a: keys are
/// looked up once or twice per routed request, and SipHash's setup costs more than the key.
pub(crate) type FnvMap<K, V> = fnv::FnvHashMap<K, V>;

type ChannelKeys = FnvMap<String, u32>;

impl Snapshot {
    /// A channel by id or name, with [`find_in`]'s precedence (exact id, then exact
    /// name, then case-insensitive name) but a hash lookup instead of scans.
    pub fn channel(&self, key: &str) -> Option<&Arc<Channel>> {
        self.channel_index(key).map(|i| &self.channels[i])
    }

    /// The index in `channels` of [`Snapshot::channel`]'s answer.
    pub fn channel_index(&self, key: &str) -> Option<usize> {
        match self.channel_keys.get(key) {
            Some(&i) => Some(i as usize).filter(|&i| i < self.channels.len()),
            None => self.channels.iter().position(|c| c.name.eq_ignore_ascii_case(key)),
        }
    }
}

/// The index behind [`Snapshot::channel`]: ids first, so an id outranks another
/// channel's name, and the first channel wins among equals, as [`find_in`] scans.
fn channel_keys(channels: &[Arc<Channel>]) -> ChannelKeys {
    let mut keys = ChannelKeys::with_capacity_and_hasher(channels.len() * 2, Default::default());
    for (i, c) in channels.iter().enumerate() {
        keys.entry(c.id.clone()).or_insert(i as u32);
    }
    for (i, c) in channels.iter().enumerate() {
        keys.entry(c.name.clone()).or_insert(i as u32);
    }
    keys
}

/// Sealed form of a channel in the store: the channel plus its encrypted keys.
#[derive(Serialize, Deserialize)]
struct StoredChannel {
    #[serde(flatten)]
    channel: Channel,
    #[serde(default)]
    sealed_keys: Vec<String>,
}

/// The engine.
pub struct Engine {
    store: Store,
    snapshot: ArcSwap<Snapshot>,
    write: Mutex<()>,
    /// Where channels' `api_keys_env` and `${VAR}` references are read from.
    pub(crate) env: channel::EnvLookup,
    /// The request log's analytics kept warm (built by the cache warmer, fed by the writer).
    aggregates: Arc<records::Aggregates>,
    /// Team mode: the state of the listener following other replicas' writes.
    listener: Arc<team::ListenerStatus>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").field("store", &self.store).finish()
    }
}

impl Engine {
    /// Open the store in a data directory and load the snapshot.
    pub fn open(data_dir: &Path) -> Result<Engine> {
        Engine::with_store(Store::open(data_dir)?)
    }

    /// Build on an opened store.
    pub fn with_store(store: Store) -> Result<Engine> {
        Engine::with_env(store, channel::process_env())
    }

    /// Build on an opened store, reading environment variables that channels refer to
    /// through `env` instead of the process environment (tests, embedding).
    pub fn with_env(store: Store, env: channel::EnvLookup) -> Result<Engine> {
        let engine = Engine {
            store,
            snapshot: ArcSwap::from_pointee(Snapshot::default()),
            write: Mutex::new(()),
            env,
            aggregates: Arc::default(),
            listener: Arc::default(),
        };
        engine.reload()?;
        Ok(engine)
    }

    /// Every channel that cannot authenticate, as a sentence naming it and why (an unset
    /// environment variable, no key for a type that needs one): warned at start.
    pub fn key_warnings(&self) -> Vec<String> {
        (self.snapshot().channels.iter())
            .filter_map(|c| {
                c.key_problem()
                    .map(|p| t!("engine.channel.warning", name = format!("{:?}", c.name), problem = p).into_owned())
            })
            .collect()
    }

    /// Where channels' and tees' `${VAR}` references are read from.
    pub fn env_lookup(&self) -> channel::EnvLookup {
        self.env.clone()
    }

    /// The store (for the request log writer and health checks).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Team mode's config listener's state (see `team::ConfigListener`).
    pub fn listener_status(&self) -> &Arc<team::ListenerStatus> {
        &self.listener
    }

    /// The request log's warm analytics (see `records::Aggregates`).
    pub fn aggregates(&self) -> &Arc<records::Aggregates> {
        &self.aggregates
    }

    /// `GET /api/analytics` and `routex stats`: the window a user names (`since`, default
    /// 24 hours) up to `now_ms`, from the warm aggregates when they cover it, else by
    /// scanning the log; both give the same answer.
    pub fn analytics(&self, since: Option<&str>, now_ms: u64) -> Result<records::Analytics> {
        let from = records::window_from(since, now_ms)?;
        self.aggregates.window(&self.store, from, now_ms)
    }

    /// The current snapshot.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot.load_full()
    }

    /// [`Engine::reload`] between writes (never in the middle of one of this process's):
    /// how team mode's config listener applies another replica's change.
    pub fn reload_exclusive(&self) -> Result<()> {
        let _w = self.write.lock().unwrap_or_else(|e| e.into_inner());
        self.reload()
    }

    /// Re-read channels and settings from the store and swap the snapshot.
    pub fn reload(&self) -> Result<()> {
        let mut channels: Vec<Arc<Channel>> = self.load_channels()?.into_iter().map(Arc::new).collect();
        channels.sort_by(|a, b| b.priority.cmp(&a.priority).then_with(|| a.name.cmp(&b.name)));
        let strategy = self.store.get::<Strategy>(Tree::Settings, "strategy")?.unwrap_or_default();
        let mut rules: Vec<rules::Rule> = self.store.list(Tree::Rules)?;
        rules.sort_by(|a, b| b.priority.cmp(&a.priority).then_with(|| a.name.cmp(&b.name)));
        let ruleset = rules::compile(&rules);
        let tees = Arc::new(self.load_tees()?);
        let version = self.snapshot.load().version + 1;
        let channel_keys = channel_keys(&channels);
        self.snapshot.store(Arc::new(Snapshot { channels, strategy, rules, ruleset, tees, version, channel_keys }));
        Ok(())
    }

    fn load_channels(&self) -> Result<Vec<Channel>> {
        let stored: Vec<StoredChannel> = self.store.list(Tree::Channels)?;
        let cipher = self.store.cipher();
        stored
            .into_iter()
            .map(|s| {
                let mut c = s.channel;
                c.pipeline = channel::parse_pipeline(c.transformers.as_ref()).unwrap_or_else(|e| {
                    log::error!("channel {:?}: its stored transformers do not parse, so none run: {e}", c.name);
                    None
                });
                c.api_keys = s
                    .sealed_keys
                    .iter()
                    .map(|k| {
                        // What the store's error names when it cannot decrypt (store errors stay English).
                        let what = format!("the API key of channel {:?}", c.name); // i18n: not prose
                        cipher.open(k, &what).map(crate::secret::Secret::new)
                    })
                    .collect::<std::result::Result<_, _>>()?;
                c.resolve_env(&*self.env);
                Ok(c)
            })
            .collect()
    }

    fn seal(&self, c: &Channel) -> StoredChannel {
        let cipher = self.store.cipher();
        StoredChannel { channel: c.clone(), sealed_keys: c.api_keys.iter().map(|k| cipher.seal(k.expose())).collect() }
    }

    /// Every channel, by priority then name.
    pub fn list_channels(&self) -> Vec<Channel> {
        self.snapshot().channels.iter().map(|c| (**c).clone()).collect()
    }

    /// Find a channel by id or name (exact id first, then exact name, then case-insensitive name).
    pub fn find_channel(&self, key: &str) -> Result<Channel> {
        let snap = self.snapshot();
        find_in(&snap.channels, key).map(|c| Channel::clone(c)).ok_or_else(|| Error::NotFound {
            kind: "channel",
            name: key.to_string(),
            hint: CHANNEL_LIST,
        })
    }

    fn check_unique(&self, name: &str, except_id: Option<&str>) -> Result<()> {
        let snap = self.snapshot();
        if let Some(other) =
            snap.channels.iter().find(|c| c.name.eq_ignore_ascii_case(name) && Some(c.id.as_str()) != except_id)
        {
            return Err(Error::Duplicate { kind: "channel", name: name.to_string(), id: other.id.clone() });
        }
        Ok(())
    }

    /// Add a channel.
    pub fn add_channel(&self, spec: &ChannelSpec) -> Result<Channel> {
        let _w = self.write.lock().unwrap_or_else(|e| e.into_inner());
        let now = now_rfc3339();
        let channel = channel::validate(spec, new_id("ch"), now.clone(), now)?;
        self.check_unique(&channel.name, None)?;
        self.store.put(Tree::Channels, &channel.id, &self.seal(&channel))?;
        self.reload()?;
        self.find_channel(&channel.id)
    }

    /// Change a channel; fields absent from the patch stay as they are.
    pub fn edit_channel(&self, key: &str, patch: ChannelPatch) -> Result<Channel> {
        let _w = self.write.lock().unwrap_or_else(|e| e.into_inner());
        let old = self.find_channel(key)?;
        let mut spec = old.to_spec(true);
        // A rate_limited channel keeps its breaker state unless the patch sets a status.
        patch.apply_to(&mut spec);
        let mut channel = channel::validate(&spec, old.id.clone(), old.created_at.clone(), now_rfc3339())?;
        if spec.status.is_none() && old.status == Status::RateLimited {
            channel.status = Status::RateLimited;
        }
        self.check_unique(&channel.name, Some(&old.id))?;
        self.store.put(Tree::Channels, &channel.id, &self.seal(&channel))?;
        self.reload()?;
        self.find_channel(&channel.id)
    }

    /// Set a channel's status (enable / disable; the breaker sets rate_limited).
    pub fn set_status(&self, key: &str, status: Status) -> Result<Channel> {
        let _w = self.write.lock().unwrap_or_else(|e| e.into_inner());
        let mut c = self.find_channel(key)?;
        c.status = status;
        c.updated_at = now_rfc3339();
        self.store.put(Tree::Channels, &c.id, &self.seal(&c))?;
        self.reload()?;
        Ok(c)
    }

    /// Remove a channel; returns what was removed.
    pub fn remove_channel(&self, key: &str) -> Result<Channel> {
        self.remove_channel_checked(key, true)
    }

    /// Remove a channel unless routing rules target it ([`Error::InUse`] naming them);
    /// with `force`, remove it anyway (the rules then show their target as gone).
    pub fn remove_channel_checked(&self, key: &str, force: bool) -> Result<Channel> {
        let _w = self.write.lock().unwrap_or_else(|e| e.into_inner());
        let c = self.find_channel(key)?;
        self.check_unused(&c, "removing", force)?;
        self.store.remove(Tree::Channels, &c.id)?;
        self.reload()?;
        Ok(c)
    }

    /// Set a channel's status as a user asks it: disabling a channel that routing rules
    /// target is refused ([`Error::InUse`]) unless `force`.
    pub fn set_status_checked(&self, key: &str, status: Status, force: bool) -> Result<Channel> {
        if status == Status::Disabled {
            let c = self.find_channel(key)?;
            if c.status != Status::Disabled {
                self.check_unused(&c, "disabling", force)?;
            }
        }
        self.set_status(key, status)
    }

    fn check_unused(&self, c: &Channel, action: &'static str, force: bool) -> Result<()> {
        let rules = self.rules_targeting(c);
        if force || rules.is_empty() {
            if !rules.is_empty() {
                log::warn!("channel {:?} forced: rules {} now route to nothing", c.name, rules::names_of(&rules));
            }
            return Ok(());
        }
        Err(Error::InUse { channel: c.name.clone(), action, rules })
    }

    /// The balancer strategy.
    pub fn strategy(&self) -> Strategy {
        self.snapshot().strategy
    }

    /// Switch the balancer strategy (takes effect on the next request).
    pub fn set_strategy(&self, s: Strategy) -> Result<Strategy> {
        let _w = self.write.lock().unwrap_or_else(|e| e.into_inner());
        self.check_strategy(s, &self.list_channels())?;
        self.store.put(Tree::Settings, "strategy", &s)?;
        self.reload()?;
        Ok(s)
    }

    fn check_strategy(&self, s: Strategy, channels: &[Channel]) -> Result<()> {
        let enabled: Vec<&Channel> = channels.iter().filter(|c| c.status != Status::Disabled).collect();
        if s == Strategy::Weighted && !enabled.is_empty() && enabled.iter().all(|c| c.weight == 0) {
            return Err(Error::Invalid {
                subject: t!("engine.subject.strategy_weighted").into_owned(),
                field: "weight".into(),
                message: t!("engine.strategy.no_weight").into_owned(),
            });
        }
        Ok(())
    }

    /// Export channels and settings as a portable document.
    pub fn export(&self, include_secrets: bool) -> Document {
        portable::export(self, include_secrets)
    }

    /// Import a document: merge by name (or replace everything with `replace`). With
    /// `dry_run` nothing is written. Either every change applies or none does.
    pub fn import(&self, doc: &Document, replace: bool, dry_run: bool) -> Result<ImportReport> {
        let _w = self.write.lock().unwrap_or_else(|e| e.into_inner());
        let plan = portable::plan(self, doc, replace)?;
        if let Some(s) = plan.strategy {
            let mut after: Vec<Channel> = self.list_channels();
            after.retain(|c| !plan.removes.contains(&c.id));
            for (_, c) in &plan.puts {
                after.retain(|o| o.id != c.id);
                after.push(c.clone());
            }
            self.check_strategy(s, &after)?;
        }
        if !dry_run {
            let puts: Vec<(String, StoredChannel)> =
                plan.puts.iter().map(|(_, c)| (c.id.clone(), self.seal(c))).collect();
            self.store.apply(Tree::Channels, &puts, &plan.removes)?;
            let rule_puts: Vec<(String, &rules::Rule)> = plan.rule_puts.iter().map(|r| (r.id.clone(), r)).collect();
            self.store.apply(Tree::Rules, &rule_puts, &plan.rule_removes)?;
            self.write_tees(&plan.tee_puts, &plan.tee_removes)?;
            if let Some(s) = plan.strategy {
                self.store.put(Tree::Settings, "strategy", &s)?;
            }
            self.reload()?;
        }
        Ok(plan.report(dry_run))
    }
}

/// Find by id, then exact name, then case-insensitive name.
pub fn find_in<'a>(channels: &'a [Arc<Channel>], key: &str) -> Option<&'a Arc<Channel>> {
    channels
        .iter()
        .find(|c| c.id == key)
        .or_else(|| channels.iter().find(|c| c.name == key))
        .or_else(|| channels.iter().find(|c| c.name.eq_ignore_ascii_case(key)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> Engine {
        Engine::with_store(Store::temporary().unwrap()).unwrap()
    }

    fn spec(name: &str) -> ChannelSpec {
        ChannelSpec {
            name: name.into(),
            kind: "openai".into(),
            api_key: Some("sk-test-0123456789wxyz".into()),
            models: vec!["gpt-4o".into()],
            weight: 1,
            ..Default::default()
        }
    }

    #[test]
    fn crud_keeps_ids_and_rejects_duplicates() {
        let e = engine();
        let a = e.add_channel(&spec("a")).unwrap();
        assert!(a.id.starts_with("ch_"));
        let err = e.add_channel(&spec("A")).unwrap_err();
        assert!(matches!(err, Error::Duplicate { .. }), "{err}");
        let edited = e.edit_channel("a", ChannelPatch { priority: Some(5), ..Default::default() }).unwrap();
        assert_eq!(edited.id, a.id);
        assert_eq!(edited.priority, 5);
        assert_eq!(edited.api_keys, a.api_keys, "keys survive an edit that does not name them");
        e.set_status(&a.id, Status::Disabled).unwrap();
        assert_eq!(e.find_channel("a").unwrap().status, Status::Disabled);
        e.remove_channel("a").unwrap();
        assert!(matches!(e.find_channel("a"), Err(Error::NotFound { .. })));
    }

    #[test]
    fn snapshot_channel_lookup_agrees_with_find_in() {
        let e = engine();
        for name in ["alpha", "Beta", "gamma-2"] {
            e.add_channel(&spec(name)).unwrap();
        }
        let snap = e.snapshot();
        let ptr = |c: Option<&Arc<Channel>>| c.map(Arc::as_ptr);
        let mut keys: Vec<String> = vec!["ALPHA".into(), "beta".into(), "Beta".into(), "nope".into(), "".into()];
        keys.extend(snap.channels.iter().flat_map(|c| [c.id.clone(), c.name.clone(), c.id.to_uppercase()]));
        for k in &keys {
            assert_eq!(ptr(snap.channel(k)), ptr(find_in(&snap.channels, k)), "{k:?}");
        }
        assert!(snap.channel("beta").is_some());
        assert!(snap.channel("nope").is_none());
        // An id outranks another channel's name, as in find_in.
        let mut c = (*snap.channels[0]).clone();
        c.name = snap.channels[1].id.clone();
        let channels = vec![Arc::new(c), snap.channels[1].clone()];
        let s = Snapshot { channel_keys: channel_keys(&channels), channels, ..Default::default() };
        let key = s.channels[1].id.clone();
        assert_eq!(s.channels[0].name, key);
        assert_eq!(ptr(s.channel(&key)), ptr(find_in(&s.channels, &key)));
        assert_eq!(s.channel(&key).unwrap().id, key);
    }

    #[test]
    fn keys_are_sealed_in_the_store_and_reloaded() {
        let dir = tempfile::tempdir().unwrap();
        {
            let e = Engine::open(dir.path()).unwrap();
            e.add_channel(&spec("a")).unwrap();
        }
        let raw = std::fs::read_dir(dir.path().join("routex.db"))
            .unwrap()
            .flatten()
            .filter_map(|f| std::fs::read(f.path()).ok())
            .any(|bytes| bytes.windows(10).any(|w| w == b"0123456789"));
        assert!(!raw, "the plain key is on disk");
        // Reopened the way the store's tests do: sled's flusher keeps the lock of the handle
        // just dropped until it next wakes up.
        let e = Engine::with_store(crate::store::reopen(dir.path())).unwrap();
        assert_eq!(e.find_channel("a").unwrap().api_keys[0].expose(), "sk-test-0123456789wxyz");
    }

    #[test]
    fn weighted_needs_a_nonzero_weight() {
        let e = engine();
        let mut s = spec("a");
        s.weight = 0;
        e.add_channel(&s).unwrap();
        let err = e.set_strategy(Strategy::Weighted).unwrap_err().to_string();
        assert!(err.contains("weight"), "{err}");
        assert_eq!(e.strategy(), Strategy::Priority);
    }
}
