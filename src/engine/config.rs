//! The configuration file (docs/configuration.md): one serde struct per section, unknown keys rejected,
//! defaults in `impl Default`, validation as a separate step. Errors name the file, the
//! line and the key.
//!
//! It only reads and checks the file; what the file does to the store (its channels and
//! rules upserted at start) is `Engine::apply_config`, in [`super::portable`], which turns a
//! [`Config`] into an import document. So this module must not import `portable` or the
//! request log: it embeds the spec types of channels and rules and the [`Price`] of the
//! price overrides, none of which import the configuration back. `routex serve`, the
//! daemon, the proxy and the request log's writer read their sections from it.

use serde::{Deserialize, Deserializer, Serialize};

use super::channel::{self, ChannelSpec};
use super::pricing::Price;
use super::rules::RuleSpec;
use super::strategy::Strategy;
use super::{Error, Result};
use crate::secret::Secret;

/// The whole configuration file. Every key is optional.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Listener and limits.
    pub server: ServerConfig,
    /// Balancer.
    pub load_balancer: LoadBalancerConfig,
    /// Session affinity.
    pub session: SessionConfig,
    /// Circuit breaker.
    pub circuit_breaker: CircuitBreakerConfig,
    /// Request log.
    pub logging: LoggingConfig,
    /// Cache warmer.
    pub cache: CacheConfig,
    /// Prometheus metrics (docs/metrics.md).
    pub metrics: MetricsConfig,
    /// Request traces: the in-memory store and OTLP export (docs/tracing.md).
    pub tracing: TracingConfig,
    /// `en` or `zh-CN`.
    pub locale: Locale,
    /// Channels upserted by name at start.
    pub channels: Vec<ChannelSpec>,
    /// Routing rules upserted by name at start.
    pub rules: Vec<RuleSpec>,
    /// Tee sinks (docs/tees.md), upserted by name at start.
    pub tees: Vec<super::tee::TeeSpec>,
    /// Where channels, rules, settings and the request log are kept: `sled` (embedded, the
    /// default) or a `postgres://` URL shared by replicas (team mode, docs/team.md).
    pub storage: Storage,
    /// This replica's name in the records it writes (default: the host name).
    pub replica: Option<String>,
    /// Team mode: the Redis URL (`redis://` or `rediss://`, or `${VAR}` naming an
    /// environment variable holding it) through which replicas share breakers, key
    /// cooldowns, session affinity and usage counts (docs/team.md). A secret: it may hold a
    /// password, so every rendering masks it.
    pub redis: Option<Secret>,
}

/// `storage:` — the embedded store, or Postgres (team mode). The URL may carry a password:
/// it is a [`Secret`], masked wherever the config is shown.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Storage {
    /// sled and the log's files in the data directory.
    #[default]
    Sled,
    /// A `postgres://` (or `postgresql://`) URL.
    Postgres(Secret),
}

impl Storage {
    /// Parse `sled` or a Postgres URL; `${VAR}` (the whole value) is read from `env`.
    /// The error is a sentence naming the setting and what to write.
    pub fn parse(value: &str, env: &dyn Fn(&str) -> Option<String>) -> std::result::Result<Storage, String> {
        let v = value.trim();
        let v = match v.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
            Some(var) => env(var).ok_or_else(|| {
                format!(
                    "storage is ${{{var}}} but {var} is not set; set it to the Postgres URL, or write storage: sled"
                )
            })?,
            None => v.to_string(),
        };
        if v.is_empty() || v == "sled" {
            return Ok(Storage::Sled);
        }
        let scheme_ok = v.starts_with("postgres://") || v.starts_with("postgresql://");
        if !scheme_ok || url::Url::parse(&v).ok().and_then(|u| u.host_str().map(str::to_string)).is_none() {
            return Err(
                "storage must be sled or a Postgres URL such as postgres://routex:PASSWORD@127.0.0.1:5432/routex"
                    .into(),
            );
        }
        Ok(Storage::Postgres(Secret::new(v)))
    }

    /// `ROUTEX_STORAGE` when set (it wins over the config file, and lets the CLI open the
    /// shared store directly), else this.
    pub fn or_env(self) -> std::result::Result<Storage, String> {
        match std::env::var("ROUTEX_STORAGE") {
            Ok(v) if !v.trim().is_empty() => {
                Storage::parse(&v, &|k| std::env::var(k).ok()).map_err(|e| format!("ROUTEX_STORAGE: {e}"))
            }
            _ => Ok(self),
        }
    }
}

impl Serialize for Storage {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Storage::Sled => s.serialize_str("sled"),
            Storage::Postgres(url) => url.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Storage {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Storage, D::Error> {
        let v = String::deserialize(d)?;
        Storage::parse(&v, &|k| std::env::var(k).ok()).map_err(serde::de::Error::custom)
    }
}

/// This replica's name: the configured one, else the host name, else `routex`.
pub fn replica_name(configured: Option<&str>) -> String {
    if let Some(r) = configured.filter(|r| !r.is_empty()) {
        return r.to_string();
    }
    let mut buf = [0u8; 256];
    // SAFETY: gethostname writes at most buf.len() bytes into the buffer it is given.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    let name = if rc == 0 {
        let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
        String::from_utf8_lossy(&buf[..end]).into_owned()
    } else {
        String::new()
    };
    if name.is_empty() {
        "routex".to_string()
    } else {
        name
    }
}

/// `server:`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// Listen host.
    pub host: String,
    /// Listen port.
    pub port: u16,
    /// Log level (error, warn, info, debug, trace) or a filter.
    pub log_level: String,
    /// Token required on the admin API.
    pub admin_token: Option<Secret>,
    /// Keys clients must present on the proxy.
    pub client_keys: Vec<Secret>,
    /// Largest request body accepted, MiB.
    pub body_limit_mb: u64,
    /// Total time a request may take, seconds.
    pub request_timeout_s: u64,
    /// Upstream connect timeout, seconds.
    pub connect_timeout_s: u64,
    /// Upstream time to response headers, seconds (a channel's `timeout_s` overrides).
    pub first_byte_timeout_s: u64,
    /// Longest silence between two stream chunks, seconds.
    pub idle_timeout_s: u64,
    /// Event-loop threads serving connections (0: one per CPU core).
    pub workers: usize,
    /// Longest wait for a request's headers (HTTP/1.1, from the connection's first byte
    /// or the end of the previous answer), seconds; a slower client is disconnected.
    pub header_timeout_s: u64,
    /// Longest silence between two pieces of a request body, seconds; the request gets a
    /// 408. The whole body must also arrive within `request_timeout_s`.
    pub body_timeout_s: u64,
    /// Connections served at once (0: derived from the open-file limit, see
    /// docs/configuration.md). Past it a connection is closed at once; its last sixteenth
    /// is a reserve where proxied requests get a 503 while health and the admin API answer.
    pub max_connections: usize,
    /// Request bodies held in memory at once by proxied requests, MiB; a request that
    /// cannot get its share within a short wait gets a 503.
    pub body_memory_mb: u64,
    /// Host names the daemon answers to besides the loopback names and addresses and the
    /// bound address (`routex.internal`, `*.corp.example`, or `*` for any); other `Host`
    /// headers are refused, which stops DNS rebinding.
    pub allowed_hosts: Vec<String>,
    /// Web origins allowed to call the daemon from a browser (`https://app.example.com`);
    /// requests from any other origin but the daemon's own are refused.
    pub cors_origins: Vec<String>,
    /// Largest non-stream response body read from an upstream, MiB: past it the attempt
    /// fails (and fails over).
    pub response_limit_mb: u64,
    /// Largest line or event of an upstream stream, KiB: past it the stream ends with the
    /// client protocol's error event (or the attempt fails over if the client has nothing).
    pub sse_event_limit_kb: u64,
    /// Free space under which the data directory's filesystem makes `/health/detailed`
    /// unhealthy, MiB (0: never). Unset: 1 % of the filesystem or 100 MiB, whichever is
    /// smaller (see `engine::health`).
    pub health_min_disk_mb: Option<u64>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            host: "127.0.0.1".into(),
            port: 3000,
            log_level: "info".into(),
            admin_token: None,
            client_keys: Vec::new(),
            body_limit_mb: 32,
            request_timeout_s: 600,
            connect_timeout_s: 10,
            first_byte_timeout_s: 300,
            idle_timeout_s: 120,
            workers: 0,
            header_timeout_s: 20,
            body_timeout_s: 30,
            max_connections: 0,
            body_memory_mb: 128,
            allowed_hosts: Vec::new(),
            cors_origins: Vec::new(),
            response_limit_mb: 64,
            sse_event_limit_kb: 4096,
            health_min_disk_mb: None,
        }
    }
}

/// `load_balancer:`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LoadBalancerConfig {
    /// Strategy set at start (absent: keep the stored one).
    pub strategy: Option<Strategy>,
    /// Most channels tried per request.
    pub max_attempts: u32,
}

impl Default for LoadBalancerConfig {
    fn default() -> Self {
        LoadBalancerConfig { strategy: None, max_attempts: 3 }
    }
}

/// `session:`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SessionConfig {
    /// Header carrying the session id.
    pub header: String,
    /// Sliding time to live, seconds.
    pub ttl_s: u64,
    /// Sessions remembered at most.
    pub capacity: usize,
}

impl Default for SessionConfig {
    fn default() -> Self {
        SessionConfig { header: "x-session-id".into(), ttl_s: 18000, capacity: 10000 }
    }
}

/// `circuit_breaker:`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CircuitBreakerConfig {
    /// Consecutive failures that open the breaker.
    pub failure_threshold: u32,
    /// Seconds it stays open (unless the upstream says how long).
    pub open_s: u64,
}

impl Default for CircuitBreakerConfig {
    fn default() -> Self {
        CircuitBreakerConfig { failure_threshold: 5, open_s: 60 }
    }
}

/// Which bodies the request log keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BodyCapture {
    /// None.
    #[default]
    None,
    /// Only failed requests.
    Errors,
    /// Every request.
    All,
}

impl<'de> Deserialize<'de> for BodyCapture {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Bool(bool),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Bool(false) => Ok(BodyCapture::None),
            Raw::Bool(true) => Ok(BodyCapture::All),
            Raw::Text(t) => match t.as_str() {
                "none" => Ok(BodyCapture::None),
                "errors" => Ok(BodyCapture::Errors),
                "all" => Ok(BodyCapture::All),
                other => {
                    Err(serde::de::Error::custom(format!("logging.bodies must be none, errors or all (got {other:?})")))
                }
            },
        }
    }
}

/// `logging:`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LoggingConfig {
    /// Keep request records.
    pub requests: bool,
    /// Body capture.
    pub bodies: BodyCapture,
    /// Largest captured body, KiB.
    pub body_max_kb: u64,
    /// Days kept.
    pub retention_days: u64,
    /// Records kept at most.
    pub max_rows: u64,
    /// Price overrides for cost estimates, USD per million tokens, by model pattern (a
    /// prefix, or a glob with `*`); they win over the built-in table (`pricing::PRICES`).
    pub prices: std::collections::BTreeMap<String, Price>,
}

impl Default for LoggingConfig {
    fn default() -> Self {
        LoggingConfig {
            requests: true,
            bodies: BodyCapture::None,
            body_max_kb: 64,
            retention_days: 7,
            max_rows: 1_000_000,
            prices: Default::default(),
        }
    }
}

/// `tracing:` — a trace per proxied request, kept in memory and optionally exported over
/// OTLP (docs/tracing.md).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TracingConfig {
    /// Keep traces (default true).
    pub enabled: bool,
    /// Traces kept at most; the oldest go first (default 10,000).
    pub max_traces: usize,
    /// Memory the kept traces may take, MiB; the oldest go first (default 64).
    pub max_mb: u64,
    /// Export over OTLP/HTTP.
    pub otlp: OtlpConfig,
}

impl Default for TracingConfig {
    fn default() -> Self {
        TracingConfig { enabled: true, max_traces: 10_000, max_mb: 64, otlp: OtlpConfig::default() }
    }
}

/// `tracing.otlp:` — where spans are exported (OTLP over HTTP, protobuf).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OtlpConfig {
    /// The traces URL, e.g. `http://127.0.0.1:4318/v1/traces` (None: the standard
    /// `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` / `OTEL_EXPORTER_OTLP_ENDPOINT` variables, else
    /// no export).
    pub endpoint: Option<String>,
    /// Headers sent with every export (e.g. an API key of the collector): secrets, masked
    /// wherever shown.
    pub headers: std::collections::BTreeMap<String, Secret>,
    /// Seconds one export may take (default 10).
    pub timeout_s: u64,
}

impl Default for OtlpConfig {
    fn default() -> Self {
        OtlpConfig { endpoint: None, headers: Default::default(), timeout_s: 10 }
    }
}

/// `cache:` (the cache warmer's settings; camelCase as the cache API speaks it).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct CacheConfig {
    /// The warmer on or off (off: nothing warmed, refreshed or invalidated by it).
    pub enabled: bool,
    /// Warm at start.
    pub warm_on_startup: bool,
    /// What a warm builds when it does not say.
    pub warm_items: WarmItems,
    /// Background refresh.
    pub background_refresh: BackgroundRefresh,
    /// Invalidation on writes.
    pub smart_invalidation: SmartInvalidation,
}

impl Default for CacheConfig {
    fn default() -> Self {
        CacheConfig {
            enabled: true,
            warm_on_startup: true,
            warm_items: WarmItems::default(),
            background_refresh: BackgroundRefresh::default(),
            smart_invalidation: SmartInvalidation::default(),
        }
    }
}

impl CacheConfig {
    /// The field (camelCase path) and what is wrong with it, if anything.
    pub fn check(&self) -> std::result::Result<(), (String, String)> {
        let ms = self.background_refresh.interval_ms;
        if !(1_000..=86_400_000).contains(&ms) {
            return Err((
                "backgroundRefresh.intervalMs".into(),
                format!("is {ms}; use 1000 (1 s) to 86400000 (1 day), e.g. 300000 for 5 minutes"),
            ));
        }
        Ok(())
    }
}

/// `cache.warmItems`: what a warm builds (each on unless set to false).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct WarmItems {
    /// The proxy's live channel state lined up with the snapshot.
    pub channels: bool,
    /// The model → serving channels lists.
    pub models: bool,
    /// The compiled routing rules.
    pub routing_rules: bool,
    /// The warm analytics.
    pub analytics: bool,
    /// Upstream keep-alive connections.
    pub connections: bool,
    /// The cl100k tokenizer tables.
    pub tokenizer: bool,
}

impl Default for WarmItems {
    fn default() -> Self {
        WarmItems {
            channels: true,
            models: true,
            routing_rules: true,
            analytics: true,
            connections: true,
            tokenizer: true,
        }
    }
}

impl WarmItems {
    /// Nothing selected.
    pub fn none() -> WarmItems {
        WarmItems {
            channels: false,
            models: false,
            routing_rules: false,
            analytics: false,
            connections: false,
            tokenizer: false,
        }
    }

    /// Select an item by its name (`channels`, `routingRules`, …); false for an unknown one.
    pub fn set(&mut self, name: &str) -> bool {
        let slot = match name {
            "channels" => &mut self.channels,
            "models" => &mut self.models,
            "routingRules" => &mut self.routing_rules,
            "analytics" => &mut self.analytics,
            "connections" => &mut self.connections,
            "tokenizer" => &mut self.tokenizer,
            _ => return false,
        };
        *slot = true;
        true
    }
}

/// `cache.backgroundRefresh`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct BackgroundRefresh {
    /// On or off.
    pub enabled: bool,
    /// Interval, ms.
    pub interval_ms: u64,
}

/// `cache.smartInvalidation`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct SmartInvalidation {
    /// On or off.
    pub enabled: bool,
    /// Invalidate on every write.
    pub auto_invalidate_on_update: bool,
}

impl Default for BackgroundRefresh {
    fn default() -> Self {
        BackgroundRefresh { enabled: true, interval_ms: 300_000 }
    }
}

impl Default for SmartInvalidation {
    fn default() -> Self {
        SmartInvalidation { enabled: true, auto_invalidate_on_update: true }
    }
}

/// `metrics:` (docs/metrics.md).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsConfig {
    /// Distinct models kept as `model` label values; later ones count as `other`.
    pub max_models: usize,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        MetricsConfig { max_models: 100 }
    }
}

/// The largest `metrics.max_models`: each model multiplies the series of several families.
pub const MAX_METRICS_MODELS: usize = 10_000;

/// UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Locale {
    /// English.
    #[default]
    #[serde(rename = "en")]
    En,
    /// Simplified Chinese.
    #[serde(rename = "zh-CN")]
    ZhCn,
}

/// Turn a serde_yaml error into `file: line N: message`.
pub fn yaml_error(origin: &str, e: &serde_yaml::Error) -> Error {
    let mut msg = e.to_string();
    if let Some(i) = msg.find(" at line ") {
        msg.truncate(i);
    }
    match e.location() {
        Some(loc) => Error::Config(format!("{origin}: line {}: {msg}", loc.line())),
        None => Error::Config(format!("{origin}: {msg}")),
    }
}

fn line_of_name(text: &str, name: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let t = l.trim_start().trim_start_matches("- ").trim();
            t.strip_prefix("name:").map(|v| v.trim().trim_matches(|c| c == '"' || c == '\'') == name).unwrap_or(false)
        })
        .map(|i| i + 1)
}

impl Config {
    /// Read and validate a config file.
    pub fn load(path: &std::path::Path) -> Result<Config> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::Config(format!("cannot read config file {}: {e}", path.display())))?;
        Config::parse(&text, &path.display().to_string())
    }

    /// Parse and validate config text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Config> {
        let cfg: Config = if text.trim().is_empty() {
            Config::default()
        } else {
            serde_yaml::from_str(text).map_err(|e| yaml_error(origin, &e))?
        };
        cfg.validate(text, origin)?;
        Ok(cfg)
    }

    fn validate(&self, text: &str, origin: &str) -> Result<()> {
        let bad = |key: &str, msg: String| {
            let line = text
                .lines()
                .position(|l| l.trim_start().starts_with(&format!("{key}:")))
                .map(|i| format!("line {}: ", i + 1))
                .unwrap_or_default();
            Error::Config(format!("{origin}: {line}{msg}"))
        };
        if self.server.host.trim().is_empty() {
            return Err(bad("host", "server.host must not be empty (e.g. 127.0.0.1)".into()));
        }
        for (model, p) in &self.logging.prices {
            let fields = [
                ("input", p.input),
                ("output", p.output),
                ("cache_read", p.cache_read),
                ("cache_write", p.cache_write),
            ];
            if let Some((f, v)) = fields.iter().find(|(_, v)| !(v.is_finite() && *v >= 0.0)) {
                return Err(bad(
                    "prices",
                    format!(
                        "logging.prices.{model}.{f} must be a price in USD per million tokens, 0 or more (got {v})"
                    ),
                ));
            }
        }
        for (i, h) in self.server.allowed_hosts.iter().enumerate() {
            super::access::validate_allowed_host(h)
                .map_err(|m| bad("allowed_hosts", format!("server.allowed_hosts[{i}]: {m}")))?;
        }
        for (i, o) in self.server.cors_origins.iter().enumerate() {
            super::access::validate_cors_origin(o)
                .map_err(|m| bad("cors_origins", format!("server.cors_origins[{i}]: {m}")))?;
        }
        if let Some(r) = &self.replica {
            let ok =
                !r.is_empty() && r.len() <= 64 && r.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
            if !ok {
                return Err(bad(
                    "replica",
                    format!("replica {r:?} must be 1 to 64 letters, digits, '.', '_' or '-' (e.g. routex-a)"),
                ));
            }
        }
        if self.server.body_limit_mb == 0 {
            return Err(bad("body_limit_mb", "server.body_limit_mb must be at least 1".into()));
        }
        for (key, v, unit) in [
            ("response_limit_mb", self.server.response_limit_mb, "MiB"),
            ("sse_event_limit_kb", self.server.sse_event_limit_kb, "KiB"),
        ] {
            if v == 0 {
                return Err(bad(key, format!("server.{key} must be at least 1 ({unit})")));
            }
        }
        for (key, v) in [
            ("request_timeout_s", self.server.request_timeout_s),
            ("connect_timeout_s", self.server.connect_timeout_s),
            ("first_byte_timeout_s", self.server.first_byte_timeout_s),
            ("idle_timeout_s", self.server.idle_timeout_s),
            ("header_timeout_s", self.server.header_timeout_s),
            ("body_timeout_s", self.server.body_timeout_s),
        ] {
            if v == 0 {
                return Err(bad(key, format!("server.{key} must be at least 1 second")));
            }
        }
        if self.server.body_memory_mb < self.server.body_limit_mb {
            return Err(bad(
                "body_memory_mb",
                format!(
                    "server.body_memory_mb ({}) must be at least server.body_limit_mb ({}): a body of the largest \
                     accepted size has to fit",
                    self.server.body_memory_mb, self.server.body_limit_mb
                ),
            ));
        }
        if self.server.max_connections != 0 && self.server.max_connections < 2 {
            return Err(bad("max_connections", "server.max_connections must be 0 (derived) or at least 2".into()));
        }
        if self.load_balancer.max_attempts == 0 {
            return Err(bad("max_attempts", "load_balancer.max_attempts must be at least 1".into()));
        }
        if let Err((field, msg)) = self.cache.check() {
            return Err(bad("intervalMs", format!("cache.{field} {msg}")));
        }
        if self.session.capacity == 0 {
            return Err(bad("capacity", "session.capacity must be at least 1".into()));
        }
        if self.circuit_breaker.failure_threshold == 0 {
            return Err(bad("failure_threshold", "circuit_breaker.failure_threshold must be at least 1".into()));
        }
        if !(1..=MAX_METRICS_MODELS).contains(&self.metrics.max_models) {
            return Err(bad(
                "max_models",
                format!(
                    "metrics.max_models must be between 1 and {MAX_METRICS_MODELS} (got {}): models past it are \
                     counted as \"other\"",
                    self.metrics.max_models
                ),
            ));
        }
        let t = &self.tracing;
        if t.max_traces == 0 {
            return Err(bad(
                "max_traces",
                "tracing.max_traces must be at least 1 (or set tracing.enabled: false)".into(),
            ));
        }
        if t.max_mb == 0 {
            return Err(bad("max_mb", "tracing.max_mb must be at least 1 (MiB)".into()));
        }
        if t.otlp.timeout_s == 0 {
            return Err(bad("timeout_s", "tracing.otlp.timeout_s must be at least 1 second".into()));
        }
        if let Some(e) = &t.otlp.endpoint {
            let ok = url::Url::parse(e).ok().filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
            if ok.is_none() {
                return Err(bad(
                    "endpoint",
                    format!(
                        "tracing.otlp.endpoint {e:?} is not an http(s) URL; write the collector's traces URL, e.g. \
                         http://127.0.0.1:4318/v1/traces"
                    ),
                ));
            }
        }
        for (name, value) in &t.otlp.headers {
            if http::HeaderName::from_bytes(name.as_bytes()).is_err()
                || http::HeaderValue::from_str(value.expose()).is_err()
            {
                return Err(bad(
                    "headers",
                    format!("tracing.otlp.headers.{name}: not a valid HTTP header name and value"),
                ));
            }
        }
        if let Some(url) = &self.redis {
            super::shared::check_url(url.expose()).map_err(|m| bad("redis", format!("redis: {m}")))?;
        }
        let mut names = std::collections::BTreeSet::new();
        for (i, spec) in self.channels.iter().enumerate() {
            let line = line_of_name(text, &spec.name).map(|l| format!("line {l}: ")).unwrap_or_default();
            if !names.insert(spec.name.trim().to_ascii_lowercase()) {
                return Err(Error::Config(format!(
                    "{origin}: {line}channels[{i}] repeats the name {:?}; channel names must be unique",
                    spec.name
                )));
            }
            channel::validate(spec, String::new(), String::new(), String::new())
                .map_err(|e| Error::Config(format!("{origin}: {line}channels[{i}]: {e}")))?;
        }
        let mut tee_names = std::collections::BTreeSet::new();
        for (i, spec) in self.tees.iter().enumerate() {
            let line = line_of_name(text, &spec.name).map(|l| format!("line {l}: ")).unwrap_or_default();
            if !tee_names.insert(spec.name.trim().to_ascii_lowercase()) {
                return Err(Error::Config(format!(
                    "{origin}: {line}tees[{i}] repeats the name {:?}; tee names must be unique",
                    spec.name
                )));
            }
            super::tee::validate(spec, String::new(), String::new(), String::new())
                .map_err(|e| Error::Config(format!("{origin}: {line}tees[{i}]: {e}")))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_spec() {
        let c = Config::parse("", "x.yaml").unwrap();
        assert_eq!(c.server.port, 3000);
        assert_eq!(c.server.host, "127.0.0.1");
        assert_eq!(c.session.header, "x-session-id");
        assert_eq!(c.circuit_breaker.failure_threshold, 5);
        assert_eq!(c.logging.retention_days, 7);
        assert!(c.cache.warm_on_startup);
    }

    #[test]
    fn misspelled_key_names_file_line_and_key() {
        let err = Config::parse("server:\n  host: 127.0.0.1\n  prot: 3000\n", "routex.yaml").unwrap_err().to_string();
        assert!(err.starts_with("routex.yaml: line 3:"), "{err}");
        assert!(err.contains("prot"), "{err}");
    }

    #[test]
    fn wrong_type_and_bad_channel_are_located() {
        let err = Config::parse("server:\n  port: lots\n", "c.yaml").unwrap_err().to_string();
        assert!(err.contains("line 2") && err.contains("port"), "{err}");
        let text = "channels:\n  - name: x\n    type: anthropic\n    models: []\n";
        let err = Config::parse(text, "c.yaml").unwrap_err().to_string();
        assert!(err.contains("line 2") && err.contains("models"), "{err}");
    }

    #[test]
    fn allowed_hosts_and_cors_origins_are_validated() {
        let c = Config::parse(
            "server:\n  allowed_hosts: [routex.internal, '*.corp.example']\n  cors_origins: ['http://localhost:5173']\n",
            "c.yaml",
        )
        .unwrap();
        assert_eq!(c.server.allowed_hosts, vec!["routex.internal", "*.corp.example"]);
        assert_eq!(c.server.cors_origins, vec!["http://localhost:5173"]);
        let e =
            Config::parse("server:\n  allowed_hosts: ['http://routex.internal/']\n", "c.yaml").unwrap_err().to_string();
        assert!(e.starts_with("c.yaml: line 2: server.allowed_hosts[0]:") && e.contains("without scheme"), "{e}");
        let e = Config::parse("server:\n  port: 1\n  cors_origins:\n    - app.example.com\n", "c.yaml")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("c.yaml: line 3: server.cors_origins[0]:") && e.contains("https://"), "{e}");
        let e = Config::parse("server:\n  cors_origins: https://one.example\n", "c.yaml").unwrap_err().to_string();
        assert!(e.contains("cors_origins") && e.contains("line 2"), "{e}");
    }

    #[test]
    fn upstream_size_limits_have_defaults_and_must_be_positive() {
        let c = Config::parse("", "c").unwrap();
        assert_eq!((c.server.response_limit_mb, c.server.sse_event_limit_kb), (64, 4096));
        let c = Config::parse("server: { response_limit_mb: 8, sse_event_limit_kb: 512 }", "c").unwrap();
        assert_eq!((c.server.response_limit_mb, c.server.sse_event_limit_kb), (8, 512));
        let e = Config::parse("server:\n  response_limit_mb: 0\n", "c").unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("server.response_limit_mb must be at least 1"), "{e}");
        let e = Config::parse("server:\n  sse_event_limit_kb: 0\n", "c").unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("server.sse_event_limit_kb must be at least 1"), "{e}");
    }

    #[test]
    fn connection_and_body_bounds_have_defaults_and_are_validated() {
        let c = Config::parse("", "c").unwrap();
        assert_eq!(c.server.header_timeout_s, 20);
        assert_eq!(c.server.body_timeout_s, 30);
        assert_eq!(c.server.max_connections, 0);
        assert_eq!(c.server.body_memory_mb, 128);
        let c = Config::parse("server:\n  max_connections: 500\n  body_memory_mb: 64\n", "c").unwrap();
        assert_eq!((c.server.max_connections, c.server.body_memory_mb), (500, 64));
        let e = Config::parse("server:\n  header_timeout_s: 0\n", "c").unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("server.header_timeout_s must be at least 1 second"), "{e}");
        let e = Config::parse("server:\n  body_timeout_s: 0\n", "c").unwrap_err().to_string();
        assert!(e.contains("server.body_timeout_s must be at least 1 second"), "{e}");
        let e = Config::parse("server:\n  body_memory_mb: 16\n", "c").unwrap_err().to_string();
        assert!(
            e.contains("line 2") && e.contains("server.body_memory_mb (16) must be at least server.body_limit_mb (32)"),
            "{e}"
        );
        let e = Config::parse("server:\n  max_connections: 1\n", "c").unwrap_err().to_string();
        assert!(e.contains("server.max_connections must be 0 (derived) or at least 2"), "{e}");
    }

    #[test]
    fn the_health_disk_threshold_is_unset_a_number_or_refused() {
        assert_eq!(Config::parse("", "c").unwrap().server.health_min_disk_mb, None);
        let c = Config::parse("server:\n  health_min_disk_mb: 0\n", "c").unwrap();
        assert_eq!(c.server.health_min_disk_mb, Some(0));
        let c = Config::parse("server:\n  health_min_disk_mb: 2048\n", "c").unwrap();
        assert_eq!(c.server.health_min_disk_mb, Some(2048));
        let e = Config::parse("server:\n  health_min_disk_mb: -5\n", "c").unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("health_min_disk_mb"), "{e}");
    }

    #[test]
    fn metrics_max_models_has_a_default_and_bounds() {
        assert_eq!(Config::parse("", "c").unwrap().metrics.max_models, 100);
        assert_eq!(Config::parse("metrics: { max_models: 5 }", "c").unwrap().metrics.max_models, 5);
        let e = Config::parse("metrics:\n  max_models: 0\n", "c").unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("metrics.max_models must be between 1 and 10000 (got 0)"), "{e}");
        let e = Config::parse("metrics:\n  max_model: 5\n", "c").unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("max_model"), "{e}");
    }

    #[test]
    fn tracing_has_defaults_and_is_validated() {
        let c = Config::parse("", "c").unwrap();
        assert!(c.tracing.enabled);
        assert_eq!((c.tracing.max_traces, c.tracing.max_mb, c.tracing.otlp.timeout_s), (10_000, 64, 10));
        assert_eq!(c.tracing.otlp.endpoint, None);
        let c = Config::parse(
            "tracing:\n  max_traces: 5\n  otlp:\n    endpoint: http://127.0.0.1:4318/v1/traces\n    headers: { x-key: abc }\n",
            "c",
        )
        .unwrap();
        assert_eq!(c.tracing.max_traces, 5);
        assert_eq!(c.tracing.otlp.headers["x-key"].expose(), "abc");
        let e = Config::parse("tracing:\n  max_trace: 5\n", "t.yaml").unwrap_err().to_string();
        assert!(e.starts_with("t.yaml: line 2:") && e.contains("max_trace"), "{e}");
        let e = Config::parse("tracing:\n  max_traces: 0\n", "t.yaml").unwrap_err().to_string();
        assert!(e.starts_with("t.yaml: line 2:") && e.contains("tracing.max_traces must be at least 1"), "{e}");
        let e = Config::parse("tracing:\n  otlp:\n    endpoint: collector:4318\n", "t.yaml").unwrap_err().to_string();
        assert!(e.starts_with("t.yaml: line 3:") && e.contains("tracing.otlp.endpoint"), "{e}");
        let e = Config::parse("tracing:\n  max_mb: lots\n", "t.yaml").unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("max_mb"), "{e}");
    }

    #[test]
    fn redis_is_a_redis_url_or_a_variable_and_never_shown() {
        assert!(Config::parse("", "c").unwrap().redis.is_none());
        let c = Config::parse("redis: redis://:hunter2@127.0.0.1:6379/0\n", "c").unwrap();
        assert_eq!(c.redis.as_ref().unwrap().expose(), "redis://:hunter2@127.0.0.1:6379/0");
        assert!(!format!("{c:?}").contains("hunter2"), "Debug masks the URL");
        assert!(!serde_json::to_string(&c).unwrap().contains("hunter2"), "Serialize masks the URL");
        assert!(Config::parse("redis: rediss://cache.internal:6380\n", "c").is_ok());
        assert!(Config::parse("redis: ${ROUTEX_REDIS_URL}\n", "c").is_ok());
        let e = Config::parse("server:\n  port: 1\nredis: http://127.0.0.1:6379\n", "r.yaml").unwrap_err().to_string();
        assert!(e.starts_with("r.yaml: line 3: redis:") && e.contains("redis://host:6379"), "{e}");
        let e = Config::parse("redis: 127.0.0.1:6379\n", "r.yaml").unwrap_err().to_string();
        assert!(e.starts_with("r.yaml: line 1: redis:"), "{e}");
        let e = Config::parse("redis: redis://:pw@/0\n", "r.yaml").unwrap_err().to_string();
        assert!(e.contains("line 1") && !e.contains("pw@"), "the error masks the password: {e}");
        let e = Config::parse("redis: ${not a name}\n", "r.yaml").unwrap_err().to_string();
        assert!(e.contains("line 1") && e.contains("environment variable"), "{e}");
    }

    #[test]
    fn bodies_accepts_bool_and_words() {
        let c = Config::parse(
            "logging:\n  prices:\n    gpt-5: { input: 1.25, output: 10, cache_read: 0.125, cache_write: 0 }\n",
            "c",
        )
        .unwrap();
        assert_eq!(c.logging.prices["gpt-5"].output, 10.0);
        let e = Config::parse(
            "logging:\n  prices:\n    gpt-5: { input: -1, output: 10, cache_read: 0, cache_write: 0 }\n",
            "c",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("logging.prices.gpt-5.input must be a price") && e.contains("line 2"), "{e}");
        let e =
            Config::parse("logging:\n  prices:\n    gpt-5: { input: 1, output: 10 }\n", "c").unwrap_err().to_string();
        assert!(e.contains("cache_read"), "{e}");
        let c = Config::parse("logging: { bodies: errors }", "c").unwrap();
        assert_eq!(c.logging.bodies, BodyCapture::Errors);
        let c = Config::parse("logging: { bodies: false }", "c").unwrap();
        assert_eq!(c.logging.bodies, BodyCapture::None);
    }
}
