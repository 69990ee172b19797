//! One interface, two implementations: the local engine on the store, or the running
//! daemon's admin API over ureq. The CLI picks one in [`connect`] and never needs to know
//! which it got.

use rust_i18n::t;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::time::Duration;

use crate::engine::cache::{CacheStats, Item, Warmer};
use crate::engine::config::{CacheConfig, WarmItems};
use crate::engine::proxy::probe::{self, ChannelTest};
use crate::engine::records::{self, RequestQuery, RequestRecord};
use crate::engine::rules::{RouteTest, RulePatch, RuleView};
use crate::engine::rules::{Rule, RuleSpec};
use crate::engine::tee::{Tee, TeePatch, TeeSpec, TeeTest, TeeView};
use crate::engine::trace::{Trace, TraceStats, TraceSummary};
use crate::engine::{ChannelPatch, ChannelSpec, ChannelView, Document, Engine, ImportReport, Status, Strategy};
use crate::paths::{self, DaemonInfo};
use crate::protocol::Protocol;

/// A failed call, the same shape from either backend.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// Machine code (`not_found`, `invalid_request`, `unreachable`, …).
    pub code: String,
    /// The sentence for the user.
    pub message: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}
impl std::error::Error for Failure {}

impl From<crate::engine::Error> for Failure {
    fn from(e: crate::engine::Error) -> Self {
        Failure { code: e.code().to_string(), message: e.to_string() }
    }
}

/// Result alias.
pub type Result<T> = std::result::Result<T, Failure>;

/// What the CLI can ask, whoever answers.
pub trait Backend {
    /// "local store at …" or "daemon at …".
    fn describe(&self) -> String;
    /// Every channel.
    fn list_channels(&self, show_secrets: bool) -> Result<Vec<ChannelView>>;
    /// One channel by name or id.
    fn get_channel(&self, key: &str, show_secrets: bool) -> Result<ChannelView>;
    /// Add a channel.
    fn add_channel(&self, spec: &ChannelSpec) -> Result<ChannelView>;
    /// Change a channel.
    fn edit_channel(&self, key: &str, patch: &ChannelPatch) -> Result<ChannelView>;
    /// Remove a channel.
    fn remove_channel(&self, key: &str, force: bool) -> Result<ChannelView>;
    /// Enable or disable.
    fn set_enabled(&self, key: &str, enabled: bool, force: bool) -> Result<ChannelView>;
    /// The strategy.
    fn strategy(&self) -> Result<Strategy>;
    /// Switch strategy by name.
    fn set_strategy(&self, name: &str) -> Result<Strategy>;
    /// The daemon's language (the stored one without a daemon; `en` when none is).
    fn locale(&self) -> Result<String>;
    /// Store a language by name and switch the daemon to it.
    fn set_locale(&self, name: &str) -> Result<String>;
    /// Export.
    fn export(&self, include_secrets: bool) -> Result<Document>;
    /// Import.
    fn import(&self, doc: &Document, replace: bool, dry_run: bool) -> Result<ImportReport>;
    /// Every rule.
    fn list_rules(&self) -> Result<Vec<RuleView>>;
    /// One rule.
    fn get_rule(&self, key: &str) -> Result<Rule>;
    /// Add a rule.
    fn add_rule(&self, spec: &RuleSpec) -> Result<Rule>;
    /// Change a rule.
    fn edit_rule(&self, key: &str, patch: &RulePatch) -> Result<Rule>;
    /// Remove a rule.
    fn remove_rule(&self, key: &str) -> Result<Rule>;
    /// Enable or disable a rule.
    fn set_rule_enabled(&self, key: &str, enabled: bool) -> Result<Rule>;
    /// Dry-run the routing of a request.
    fn test_route(
        &self,
        body: &serde_json::Value,
        protocol: Protocol,
        headers: &[(String, String)],
    ) -> Result<RouteTest>;
    /// Send each chosen channel a test request (named ones; else all, or the enabled),
    /// each within `limit` (default [`probe::TEST_TIMEOUT`]).
    fn test_channels(&self, names: &[String], all: bool, limit: Option<Duration>) -> Result<Vec<ChannelTest>>;
    /// The request log summed up since `since` (default: the last 24 hours).
    fn analytics(&self, since: Option<&str>) -> Result<records::Analytics>;
    /// Request records, newest first.
    fn requests(&self, q: &RequestQuery) -> Result<Vec<RequestRecord>>;
    /// Records written after a cursor, in write order (without a cursor: none, and the
    /// cursor of the log's current end).
    fn requests_tail(&self, cursor: Option<records::Cursor>, limit: usize) -> Result<records::Tail>;
    /// Every tee (with its counts when a daemon runs it).
    fn list_tees(&self) -> Result<Vec<TeeView>>;
    /// One tee.
    fn get_tee(&self, key: &str) -> Result<TeeView>;
    /// Add a tee.
    fn add_tee(&self, spec: &TeeSpec) -> Result<TeeView>;
    /// Change a tee's fields.
    fn edit_tee(&self, key: &str, patch: &TeePatch) -> Result<TeeView>;
    /// Remove a tee.
    fn remove_tee(&self, key: &str) -> Result<TeeView>;
    /// Send a tee's destination a test record.
    fn test_tee(&self, key: &str) -> Result<TeeTest>;
    /// The trace store's counts (traces live in a daemon's memory: the local store has none).
    fn trace_stats(&self) -> Result<TraceStats> {
        Err(no_daemon_traces())
    }
    /// The newest traces.
    fn traces(&self, _limit: usize) -> Result<Vec<TraceSummary>> {
        Err(no_daemon_traces())
    }
    /// One trace's spans.
    fn trace(&self, _id: &str) -> Result<Trace> {
        Err(no_daemon_traces())
    }
    /// Clear traces older than `older_than_ms` (all when None); how many requests went.
    fn clear_traces(&self, _older_than_ms: Option<u64>) -> Result<u64> {
        Err(no_daemon_traces())
    }
    /// The cache warmer's stats.
    fn cache_stats(&self) -> Result<CacheStats>;
    /// The cache warmer's settings.
    fn cache_config(&self) -> Result<CacheConfig>;
    /// Warm these items (None: the configured ones); the stats after.
    fn cache_warm(&self, items: Option<WarmItems>) -> Result<CacheStats>;
    /// Invalidate a cache type (None: all); a sentence saying what happened.
    fn cache_invalidate(&self, kind: Option<&str>) -> Result<String>;
}

/// Traces asked of the local store.
fn no_daemon_traces() -> Failure {
    Failure { code: "no_daemon".into(), message: t!("cli.backend.no_daemon_traces").into_owned() }
}

/// The local engine.
pub struct Local(pub std::sync::Arc<Engine>);

impl Local {
    /// The warmer of this CLI process: no daemon, no proxy; the stored settings, else the
    /// defaults (the config file's `cache:` section is read by `routex serve -c` only).
    fn warmer(&self) -> Warmer {
        Warmer::new(self.0.clone(), None, CacheConfig::default())
    }
}

impl Backend for Local {
    fn describe(&self) -> String {
        t!("cli.backend.local", path = self.0.store().location()).into_owned()
    }
    fn list_tees(&self) -> Result<Vec<TeeView>> {
        Ok(self.0.list_tees().iter().map(Tee::view).collect())
    }
    fn get_tee(&self, key: &str) -> Result<TeeView> {
        Ok(self.0.find_tee(key)?.view())
    }
    fn add_tee(&self, spec: &TeeSpec) -> Result<TeeView> {
        Ok(self.0.add_tee(spec)?.view())
    }
    fn edit_tee(&self, key: &str, patch: &TeePatch) -> Result<TeeView> {
        Ok(self.0.edit_tee(key, patch)?.view())
    }
    fn remove_tee(&self, key: &str) -> Result<TeeView> {
        Ok(self.0.remove_tee(key)?.view())
    }
    fn test_tee(&self, key: &str) -> Result<TeeTest> {
        let tee = self.0.find_tee(key)?;
        Ok(crate::engine::sinks::test_tee(&tee, self.0.store().data_dir(), &self.0.env_lookup()))
    }
    fn list_channels(&self, show_secrets: bool) -> Result<Vec<ChannelView>> {
        Ok(self.0.list_channels().iter().map(|c| c.view(show_secrets)).collect())
    }
    fn get_channel(&self, key: &str, show_secrets: bool) -> Result<ChannelView> {
        Ok(self.0.find_channel(key)?.view(show_secrets))
    }
    fn add_channel(&self, spec: &ChannelSpec) -> Result<ChannelView> {
        Ok(self.0.add_channel(spec)?.view(false))
    }
    fn edit_channel(&self, key: &str, patch: &ChannelPatch) -> Result<ChannelView> {
        Ok(self.0.edit_channel(key, patch.clone())?.view(false))
    }
    fn remove_channel(&self, key: &str, force: bool) -> Result<ChannelView> {
        Ok(self.0.remove_channel_checked(key, force)?.view(false))
    }
    fn set_enabled(&self, key: &str, enabled: bool, force: bool) -> Result<ChannelView> {
        let s = if enabled { Status::Enabled } else { Status::Disabled };
        Ok(self.0.set_status_checked(key, s, force)?.view(false))
    }
    fn strategy(&self) -> Result<Strategy> {
        Ok(self.0.strategy())
    }
    fn set_strategy(&self, name: &str) -> Result<Strategy> {
        let s: Strategy = name.parse().map_err(|e: crate::engine::strategy::UnknownStrategy| Failure {
            code: "invalid_request".into(),
            message: e.to_string(),
        })?;
        Ok(self.0.set_strategy(s)?)
    }
    fn locale(&self) -> Result<String> {
        Ok(self.0.stored_locale().unwrap_or("en").to_string())
    }
    fn set_locale(&self, name: &str) -> Result<String> {
        Ok(self.0.set_locale(name)?.to_string())
    }
    fn export(&self, include_secrets: bool) -> Result<Document> {
        Ok(self.0.export(include_secrets))
    }
    fn import(&self, doc: &Document, replace: bool, dry_run: bool) -> Result<ImportReport> {
        Ok(self.0.import(doc, replace, dry_run)?)
    }
    fn list_rules(&self) -> Result<Vec<RuleView>> {
        Ok(self.0.rule_views())
    }
    fn get_rule(&self, key: &str) -> Result<Rule> {
        Ok(self.0.find_rule(key)?)
    }
    fn add_rule(&self, spec: &RuleSpec) -> Result<Rule> {
        Ok(self.0.add_rule(spec)?)
    }
    fn edit_rule(&self, key: &str, patch: &RulePatch) -> Result<Rule> {
        Ok(self.0.edit_rule(key, patch.clone())?)
    }
    fn remove_rule(&self, key: &str) -> Result<Rule> {
        Ok(self.0.remove_rule(key)?)
    }
    fn set_rule_enabled(&self, key: &str, enabled: bool) -> Result<Rule> {
        Ok(self.0.set_rule_enabled(key, enabled)?)
    }
    fn test_route(
        &self,
        body: &serde_json::Value,
        protocol: Protocol,
        headers: &[(String, String)],
    ) -> Result<RouteTest> {
        let snap = self.0.snapshot();
        Ok(crate::engine::rules::dry_run(&snap, protocol, body, headers, &crate::engine::rules::stored_availability)?)
    }
    fn test_channels(&self, names: &[String], all: bool, limit: Option<Duration>) -> Result<Vec<ChannelTest>> {
        let chosen = probe::select(&self.0, names, all)?;
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| Failure {
            code: "internal".into(),
            message: t!("cli.backend.runtime", error = e).into_owned(),
        })?;
        Ok(rt.block_on(probe::test_channels(&chosen, limit.unwrap_or(probe::TEST_TIMEOUT))))
    }
    fn analytics(&self, since: Option<&str>) -> Result<records::Analytics> {
        Ok(self.0.analytics(since, crate::util::time::now_ms())?)
    }
    fn cache_stats(&self) -> Result<CacheStats> {
        Ok(self.warmer().stats())
    }
    fn cache_config(&self) -> Result<CacheConfig> {
        Ok(self.warmer().config()?)
    }
    fn cache_warm(&self, items: Option<WarmItems>) -> Result<CacheStats> {
        Ok(self.warmer().warm(items)?)
    }
    fn cache_invalidate(&self, kind: Option<&str>) -> Result<String> {
        let item = kind.map(Item::parse).transpose()?.flatten();
        self.warmer().invalidate(item)?;
        let what = match item {
            Some(i) => std::borrow::Cow::Borrowed(i.as_str()),
            None => t!("cli.backend.cache_any"),
        };
        Ok(t!("cli.backend.nothing_cached", what = what).into_owned())
    }
    fn requests(&self, q: &RequestQuery) -> Result<Vec<RequestRecord>> {
        Ok(records::query(self.0.store(), q)?)
    }
    fn requests_tail(&self, cursor: Option<records::Cursor>, limit: usize) -> Result<records::Tail> {
        Ok(records::tail(self.0.store(), cursor, limit)?)
    }
}

/// A running daemon's admin API.
pub struct Remote {
    base: String,
    token: Option<String>,
    agent: ureq::Agent,
}

#[derive(serde::Deserialize)]
struct Envelope<T> {
    success: bool,
    data: Option<T>,
    error: Option<ApiError>,
}

#[derive(serde::Deserialize)]
struct ApiError {
    code: String,
    message: String,
}

impl Remote {
    /// A client of the daemon at `base` (`http://127.0.0.1:3000`).
    pub fn new(base: &str, token: Option<String>) -> Remote {
        let agent =
            ureq::AgentBuilder::new().timeout_connect(Duration::from_secs(3)).timeout(Duration::from_secs(120)).build();
        Remote { base: base.trim_end_matches('/').to_string(), token, agent }
    }

    fn url(&self, segments: &[&str]) -> String {
        let mut u = url::Url::parse(&self.base).expect("validated base URL");
        u.path_segments_mut().expect("http URL").pop_if_empty().extend(segments);
        u.to_string()
    }

    fn call<T: DeserializeOwned>(&self, method: &str, url: &str, body: Option<&impl Serialize>) -> Result<T> {
        let mut req = self.agent.request(method, url);
        if let Some(t) = &self.token {
            req = req.set("Authorization", &format!("Bearer {t}"));
        }
        let bytes = body.map(|b| serde_json::to_vec(b).expect("serialisable"));
        // No daemon accepts less than 1 MiB; above that, ask its limit first: a daemon that
        // answers 413 and closes while the body is still being sent shows up here only as a
        // broken pipe.
        if let Some(len) = bytes.as_ref().map(Vec::len).filter(|l| *l > MIN_BODY_LIMIT) {
            if let Some(limit) = self.body_limit().filter(|limit| len as u64 > *limit) {
                return Err(self.too_large(len, Some(limit)));
            }
        }
        let resp = match &bytes {
            Some(b) => req.set("Content-Type", "application/json").send_bytes(b),
            None => req.call(),
        };
        let resp = match resp {
            Ok(r) => r,
            Err(ureq::Error::Status(413, _)) => {
                let len = bytes.as_ref().map_or(0, Vec::len);
                return Err(self.too_large(len, self.body_limit()));
            }
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => {
                // A large body the daemon cut off while it still answers: its body limit
                // (when it does not say which, the send error is the only sign).
                if let Some(len) = bytes.as_ref().map(Vec::len).filter(|l| *l > MIN_BODY_LIMIT) {
                    match self.body_limit() {
                        Some(limit) if len as u64 > limit => return Err(self.too_large(len, Some(limit))),
                        None if self.alive() => return Err(self.too_large(len, None)),
                        _ => {}
                    }
                }
                return Err(Failure {
                    code: "unreachable".into(),
                    message: t!("cli.backend.unreachable", url = self.base, error = e).into_owned(),
                });
            }
        };
        let status = resp.status();
        let text = resp.into_string().map_err(|e| Failure {
            code: "bad_response".into(),
            message: t!("cli.backend.read_failed", error = e).into_owned(),
        })?;
        let env: Envelope<T> = serde_json::from_str(&text).map_err(|e| Failure {
            code: "bad_response".into(),
            message: t!("cli.backend.not_envelope", url = self.base, status = status, error = e).into_owned(),
        })?;
        match (env.success, env.data, env.error) {
            (true, Some(d), _) => Ok(d),
            (_, _, Some(e)) => Err(Failure { code: e.code, message: e.message }),
            _ => Err(Failure {
                code: "bad_response".into(),
                message: t!("cli.backend.no_data", status = status).into_owned(),
            }),
        }
    }

    /// The daemon's admin body limit in bytes, from `GET /api` (None if it does not say).
    fn body_limit(&self) -> Option<u64> {
        let mut req = self.agent.get(&self.url(&["api"]));
        if let Some(t) = &self.token {
            req = req.set("Authorization", &format!("Bearer {t}"));
        }
        let v: serde_json::Value = req.call().ok()?.into_json().ok()?;
        v["data"]["body_limit_bytes"].as_u64()
    }

    /// A request body over the daemon's admin body limit, said with both ways out.
    fn too_large(&self, len: usize, limit: Option<u64>) -> Failure {
        let mib = |n: u64| format!("{:.1} MiB", n as f64 / (1024.0 * 1024.0));
        let limit = limit.map(|l| t!("cli.backend.limit_of", limit = mib(l)).into_owned()).unwrap_or_default();
        Failure {
            code: "body_too_large".into(),
            message: t!("cli.backend.too_large", size = mib(len as u64), limit = limit, url = self.base).into_owned(),
        }
    }

    /// Whether the daemon answers `GET /health/live` quickly.
    pub fn alive(&self) -> bool {
        let agent = ureq::AgentBuilder::new().timeout(Duration::from_millis(1500)).build();
        agent.get(&self.url(&["health", "live"])).call().is_ok()
    }
}

#[derive(serde::Deserialize)]
struct StrategyData {
    strategy: Strategy,
}

#[derive(serde::Deserialize)]
struct LocaleData {
    locale: String,
}

const NONE: Option<&()> = None;

/// The smallest admin body limit a daemon can have (`server.body_limit_mb` is at least 1).
const MIN_BODY_LIMIT: usize = 1024 * 1024;

impl Backend for Remote {
    fn describe(&self) -> String {
        t!("cli.backend.remote", url = self.base).into_owned()
    }
    fn list_channels(&self, show_secrets: bool) -> Result<Vec<ChannelView>> {
        let mut url = self.url(&["api", "channels"]);
        if show_secrets {
            url.push_str("?show_secrets=true");
        }
        self.call("GET", &url, NONE)
    }
    fn get_channel(&self, key: &str, show_secrets: bool) -> Result<ChannelView> {
        let mut url = self.url(&["api", "channels", key]);
        if show_secrets {
            url.push_str("?show_secrets=true");
        }
        self.call("GET", &url, NONE)
    }
    fn add_channel(&self, spec: &ChannelSpec) -> Result<ChannelView> {
        self.call("POST", &self.url(&["api", "channels"]), Some(spec))
    }
    fn edit_channel(&self, key: &str, patch: &ChannelPatch) -> Result<ChannelView> {
        self.call("PUT", &self.url(&["api", "channels", key]), Some(patch))
    }
    fn remove_channel(&self, key: &str, force: bool) -> Result<ChannelView> {
        let mut url = self.url(&["api", "channels", key]);
        if force {
            url.push_str("?force=true");
        }
        self.call("DELETE", &url, NONE)
    }
    fn set_enabled(&self, key: &str, enabled: bool, force: bool) -> Result<ChannelView> {
        let action = if enabled { "enable" } else { "disable" };
        let mut url = self.url(&["api", "channels", key, action]);
        if force {
            url.push_str("?force=true");
        }
        self.call("POST", &url, Some(&serde_json::json!({})))
    }
    fn strategy(&self) -> Result<Strategy> {
        self.call::<StrategyData>("GET", &self.url(&["api", "load-balancer", "strategy"]), NONE).map(|d| d.strategy)
    }
    fn set_strategy(&self, name: &str) -> Result<Strategy> {
        let body = serde_json::json!({ "strategy": name });
        self.call::<StrategyData>("PUT", &self.url(&["api", "load-balancer", "strategy"]), Some(&body))
            .map(|d| d.strategy)
    }
    fn locale(&self) -> Result<String> {
        self.call::<LocaleData>("GET", &self.url(&["api", "i18n", "locale"]), NONE).map(|d| d.locale)
    }
    fn set_locale(&self, name: &str) -> Result<String> {
        let body = serde_json::json!({ "locale": name });
        self.call::<LocaleData>("PUT", &self.url(&["api", "i18n", "locale"]), Some(&body)).map(|d| d.locale)
    }
    fn export(&self, include_secrets: bool) -> Result<Document> {
        let mut url = self.url(&["api", "channels", "export"]);
        if include_secrets {
            url.push_str("?include_secrets=true");
        }
        self.call("GET", &url, NONE)
    }
    fn import(&self, doc: &Document, replace: bool, dry_run: bool) -> Result<ImportReport> {
        let body = serde_json::json!({ "document": doc, "replace": replace, "dry_run": dry_run });
        self.call("POST", &self.url(&["api", "channels", "import"]), Some(&body))
    }
    fn list_rules(&self) -> Result<Vec<RuleView>> {
        self.call("GET", &self.url(&["api", "routing", "rules"]), NONE)
    }
    fn list_tees(&self) -> Result<Vec<TeeView>> {
        self.call("GET", &self.url(&["api", "tee"]), NONE)
    }
    fn get_tee(&self, key: &str) -> Result<TeeView> {
        self.call("GET", &self.url(&["api", "tee", key]), NONE)
    }
    fn add_tee(&self, spec: &TeeSpec) -> Result<TeeView> {
        self.call("POST", &self.url(&["api", "tee"]), Some(spec))
    }
    fn edit_tee(&self, key: &str, patch: &TeePatch) -> Result<TeeView> {
        self.call("PUT", &self.url(&["api", "tee", key]), Some(patch))
    }
    fn remove_tee(&self, key: &str) -> Result<TeeView> {
        self.call("DELETE", &self.url(&["api", "tee", key]), NONE)
    }
    fn test_tee(&self, key: &str) -> Result<TeeTest> {
        self.call("POST", &self.url(&["api", "tee", key, "test"]), Some(&serde_json::json!({})))
    }
    fn get_rule(&self, key: &str) -> Result<Rule> {
        self.call("GET", &self.url(&["api", "routing", "rules", key]), NONE)
    }
    fn add_rule(&self, spec: &RuleSpec) -> Result<Rule> {
        self.call("POST", &self.url(&["api", "routing", "rules"]), Some(spec))
    }
    fn edit_rule(&self, key: &str, patch: &RulePatch) -> Result<Rule> {
        self.call("PUT", &self.url(&["api", "routing", "rules", key]), Some(patch))
    }
    fn remove_rule(&self, key: &str) -> Result<Rule> {
        self.call("DELETE", &self.url(&["api", "routing", "rules", key]), NONE)
    }
    fn set_rule_enabled(&self, key: &str, enabled: bool) -> Result<Rule> {
        let action = if enabled { "enable" } else { "disable" };
        self.call("POST", &self.url(&["api", "routing", "rules", key, action]), Some(&serde_json::json!({})))
    }
    fn test_route(
        &self,
        body: &serde_json::Value,
        protocol: Protocol,
        headers: &[(String, String)],
    ) -> Result<RouteTest> {
        let req = serde_json::json!({ "request": body, "protocol": protocol, "headers": headers });
        self.call("POST", &self.url(&["api", "routing", "test"]), Some(&req))
    }
    fn test_channels(&self, names: &[String], all: bool, limit: Option<Duration>) -> Result<Vec<ChannelTest>> {
        let body = serde_json::json!({ "timeout_s": limit.unwrap_or(probe::TEST_TIMEOUT).as_secs() });
        let body = &body;
        if names.is_empty() {
            let which = if all { "all" } else { "enabled" };
            return self.call("POST", &self.url(&["api", "channels", "test", which]), Some(body));
        }
        // Concurrently, as the daemon does for all or enabled.
        std::thread::scope(|scope| {
            let calls: Vec<_> = names
                .iter()
                .map(|n| {
                    let url = self.url(&["api", "channels", n, "test"]);
                    scope.spawn(move || self.call("POST", &url, Some(body)))
                })
                .collect();
            calls.into_iter().map(|c| c.join().expect("a test call panicked")).collect()
        })
    }
    fn analytics(&self, since: Option<&str>) -> Result<records::Analytics> {
        let mut u = url::Url::parse(&self.url(&["api", "analytics"])).expect("url");
        if let Some(s) = since {
            u.query_pairs_mut().append_pair("since", s);
        }
        self.call("GET", u.as_str(), NONE)
    }
    fn requests(&self, q: &RequestQuery) -> Result<Vec<RequestRecord>> {
        let mut u = url::Url::parse(&self.url(&["api", "requests"])).expect("url");
        {
            let mut qp = u.query_pairs_mut();
            let v = serde_json::to_value(q).expect("query");
            for (k, v) in v.as_object().into_iter().flatten() {
                match v {
                    serde_json::Value::Null => {}
                    serde_json::Value::String(s) => {
                        qp.append_pair(k, s);
                    }
                    other => {
                        qp.append_pair(k, &other.to_string());
                    }
                }
            }
        }
        self.call("GET", u.as_str(), NONE)
    }
    fn requests_tail(&self, cursor: Option<records::Cursor>, limit: usize) -> Result<records::Tail> {
        let mut url = format!("{}?limit={limit}", self.url(&["api", "requests", "tail"]));
        if let Some(c) = cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        self.call("GET", &url, NONE)
    }
    fn trace_stats(&self) -> Result<TraceStats> {
        self.call("GET", &self.url(&["api", "tracing", "stats"]), NONE)
    }
    fn cache_stats(&self) -> Result<CacheStats> {
        self.call("GET", &self.url(&["api", "cache", "stats"]), NONE)
    }
    fn cache_config(&self) -> Result<CacheConfig> {
        self.call("GET", &self.url(&["api", "cache", "config"]), NONE)
    }
    fn cache_warm(&self, items: Option<WarmItems>) -> Result<CacheStats> {
        let body = serde_json::json!({ "items": items });
        self.call("POST", &self.url(&["api", "cache", "warm"]), Some(&body))
    }
    fn cache_invalidate(&self, kind: Option<&str>) -> Result<String> {
        let body = serde_json::json!({ "type": kind });
        let v: serde_json::Value = self.call("POST", &self.url(&["api", "cache", "invalidate"]), Some(&body))?;
        Ok(v["message"].as_str().unwrap_or("invalidated").to_string())
    }
    fn traces(&self, limit: usize) -> Result<Vec<TraceSummary>> {
        self.call("GET", &format!("{}?limit={limit}", self.url(&["api", "tracing", "traces"])), NONE)
    }
    fn trace(&self, id: &str) -> Result<Trace> {
        self.call("GET", &self.url(&["api", "tracing", "traces", id]), NONE)
    }
    fn clear_traces(&self, older_than_ms: Option<u64>) -> Result<u64> {
        let body = serde_json::json!({ "olderThanMs": older_than_ms });
        let v: serde_json::Value = self.call("POST", &self.url(&["api", "tracing", "clear"]), Some(&body))?;
        Ok(v["removed"].as_u64().unwrap_or(0))
    }
}

/// Pick the backend: `--server`/`ROUTEX_SERVER`, else a live daemon named by
/// `daemon.json`, else the local store. A store locked by a daemon that does not answer
/// gets one clear error.
pub fn connect(cli: &super::Cli) -> anyhow::Result<Box<dyn Backend>> {
    if let Some(url) = cli.server.as_deref().filter(|s| !s.is_empty()) {
        let parsed = url::Url::parse(url)
            .ok()
            .filter(|u| u.scheme() == "http" || u.scheme() == "https")
            .ok_or_else(|| anyhow::anyhow!("{}", t!("cli.backend.server_url", url = format!("{url:?}"))))?;
        log::debug!("using the daemon at {parsed} (--server)");
        return Ok(Box::new(Remote::new(url, cli.admin_token.clone())));
    }
    let dir = paths::data_dir(cli.data_dir.as_deref());
    let info = DaemonInfo::read(&dir);
    if let Some(info) = &info {
        if paths::process_alive(info.pid) {
            // Found through our own data directory: its local token is ours to send.
            let token = cli.admin_token.clone().filter(|t| !t.is_empty()).or_else(|| info.local_token.clone());
            let remote = Remote::new(&info.admin_url, token);
            if remote.alive() {
                log::debug!("using the daemon at {} (pid {})", info.admin_url, info.pid);
                return Ok(Box::new(remote));
            }
        } else {
            log::debug!("removing stale daemon.json (pid {} is gone)", info.pid);
            DaemonInfo::remove(&dir);
        }
    }
    // ROUTEX_STORAGE opens the shared store directly (team mode): no daemon needed.
    let storage = crate::engine::config::Storage::Sled.or_env().map_err(anyhow::Error::msg)?;
    let replica = crate::engine::config::replica_name(None);
    match crate::engine::team::open(&dir, &storage, &replica) {
        Ok(e) => Ok(Box::new(Local(std::sync::Arc::new(e)))),
        Err(e) if e.as_locked().is_some() => {
            let (path, holder, hint) = e.as_locked().expect("checked");
            let mut msg = t!("cli.backend.locked", path = path.display(), holder = holder).into_owned();
            if let Some(info) = info.filter(|i| paths::process_alive(i.pid)) {
                msg.push_str(&t!("cli.backend.locked_silent", pid = info.pid, url = info.admin_url));
            } else {
                msg.push_str(&format!("; {hint}"));
            }
            Err(anyhow::anyhow!(msg))
        }
        Err(e) => Err(e.into()),
    }
}
