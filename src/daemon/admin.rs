//! Admin API routes (SPEC §10): channels, strategy, export/import, `/api`, health.
//!
//! Engine calls that write to the store run on the blocking pool so a flush never stalls
//! the proxy's worker threads.

use serde::Deserialize;
use std::convert::Infallible;
use std::sync::Arc;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Reply};

use super::api::{self, Unauthorized};
use super::AppState;
use crate::engine::records;
use crate::engine::routing::RulePatch;
use crate::engine::rules::RuleSpec;
use crate::engine::transform::dry_run::{self, DryRun};
use crate::engine::{ChannelPatch, ChannelSpec, Document, Status, Strategy};
use crate::protocol::Protocol;

type Routes = warp::filters::BoxedFilter<(Response,)>;

#[derive(Deserialize, Default)]
struct SecretsQuery {
    #[serde(default)]
    show_secrets: bool,
    #[serde(default)]
    include_secrets: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ImportBody {
    document: Document,
    #[serde(default)]
    replace: bool,
    #[serde(default)]
    dry_run: bool,
}

/// `POST /api/routing/test`: a request body, optionally its protocol and headers.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteTestBody {
    /// The request as a client would send it.
    pub request: serde_json::Value,
    /// `anthropic` (default) or `openai`.
    #[serde(default)]
    pub protocol: Option<Protocol>,
    /// Request headers, `[[name, value], …]` or `{name: value}`.
    #[serde(default)]
    pub headers: Option<serde_json::Value>,
}

/// Headers given as pairs or as an object.
pub fn header_pairs(v: Option<&serde_json::Value>) -> Vec<(String, String)> {
    match v {
        Some(serde_json::Value::Object(m)) => m
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())))
            .collect(),
        Some(serde_json::Value::Array(a)) => a
            .iter()
            .filter_map(|p| {
                let p = p.as_array()?;
                Some((p.first()?.as_str()?.to_string(), p.get(1)?.as_str()?.to_string()))
            })
            .collect(),
        _ => Vec::new(),
    }
}

#[derive(Deserialize)]
struct SinceQuery {
    after_ms: u64,
    #[serde(default)]
    limit: Option<usize>,
}

#[derive(Deserialize)]
struct TailQuery {
    #[serde(default)]
    cursor: Option<String>,
    #[serde(default)]
    limit: Option<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StrategyBody {
    strategy: String,
}

/// Run an engine call on the blocking pool.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.expect("engine call panicked")
}

fn with_state(state: Arc<AppState>) -> impl Filter<Extract = (Arc<AppState>,), Error = Infallible> + Clone {
    warp::any().map(move || state.clone())
}

/// The admin token when one is configured (the daemon's local token is as good: it proves
/// the caller can read the data directory).
fn auth(state: Arc<AppState>) -> impl Filter<Extract = (), Error = warp::Rejection> + Clone {
    warp::header::optional::<String>("authorization")
        .and_then(move |h: Option<String>| {
            let state = state.clone();
            async move {
                if state.config.server.admin_token.is_none() || state.token_accepted(h.as_deref()) {
                    Ok(())
                } else {
                    Err(warp::reject::custom(Unauthorized))
                }
            }
        })
        .untuple_one()
}

/// Whether keys are asked for in clear (`show_secrets` / `include_secrets`): `None` when
/// they are but the request carries no token, which is refused even on loopback (see
/// `docs/security.md`). Not a rejection: warp would prefer another route's 405 to it.
fn secrets(state: Arc<AppState>) -> impl Filter<Extract = (Option<bool>,), Error = warp::Rejection> + Clone {
    warp::query::<SecretsQuery>().and(warp::header::optional::<String>("authorization")).map(
        move |q: SecretsQuery, h: Option<String>| {
            let wanted = q.show_secrets || q.include_secrets;
            (!wanted || state.token_accepted(h.as_deref())).then_some(wanted)
        },
    )
}

fn body(state: &AppState) -> impl Filter<Extract = (bytes::Bytes,), Error = warp::Rejection> + Clone {
    warp::body::content_length_limit(state.config.server.body_limit_mb * 1024 * 1024).and(warp::body::bytes())
}

/// Every route the daemon serves today, with the envelope for every rejection.
pub fn routes(state: Arc<AppState>) -> Routes {
    let s = || with_state(state.clone());
    let api = || warp::path("api").and(auth(state.clone()));

    let root_head = warp::path::end().and(warp::head()).map(|| StatusCode::OK.into_response());
    let root_get = warp::path::end().and(warp::get()).and(s()).map(|st: Arc<AppState>| {
        api::ok(&serde_json::json!({
            "name": "routex",
            "version": env!("CARGO_PKG_VERSION"),
            "uptime_s": st.started.elapsed().as_secs(),
            "admin": "/api",
        }))
    });

    let health = warp::path("health");
    let health_root = health.and(warp::path::end()).and(warp::get()).and(s()).map(|st: Arc<AppState>| {
        api::ok(&serde_json::json!({"status": "ok", "version": env!("CARGO_PKG_VERSION"), "uptime_s": st.started.elapsed().as_secs()}))
    });
    let health_live = health
        .and(warp::path("live"))
        .and(warp::path::end())
        .and(warp::get())
        .map(|| api::ok(&serde_json::json!({"status": "alive"})));
    let health_ready = health.and(warp::path("ready")).and(warp::path::end()).and(warp::get()).and(s()).then(
        |st: Arc<AppState>| async move {
            match blocking(move || st.engine.store().schema_version()).await {
                Ok(_) => api::ok(&serde_json::json!({"status": "ready"})),
                Err(e) => api::error(StatusCode::SERVICE_UNAVAILABLE, "not_ready", e.to_string()),
            }
        },
    );
    let health_detailed = health.and(warp::path("detailed")).and(warp::path::end()).and(warp::get()).and(s()).then(
        |st: Arc<AppState>| async move {
            let report = blocking(move || {
                crate::engine::health::detailed(&st.engine, st.proxy.recorder(), &st.data_dir, st.started)
            })
            .await;
            let status = if report.is_healthy() { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
            api::ok_status(status, &report)
        },
    );

    let api_info = warp::path("api").and(warp::path::end()).and(warp::get()).and(auth(state.clone())).and(s()).map(
        |st: Arc<AppState>| {
            let snap = st.engine.snapshot();
            api::ok(&serde_json::json!({
                "name": "routex",
                "version": env!("CARGO_PKG_VERSION"),
                "uptime_s": st.started.elapsed().as_secs(),
                "counts": {
                    "channels": snap.channels.len(),
                    "channels_enabled": snap.channels.iter().filter(|c| c.status == Status::Enabled).count(),
                },
                "strategy": snap.strategy,
                "endpoints": ENDPOINTS,
            }))
        },
    );

    let channels = || api().and(warp::path("channels"));
    let ch_list = channels().and(warp::path::end()).and(warp::get()).and(secrets(state.clone())).and(s()).map(
        |show: Option<bool>, st: Arc<AppState>| {
            let Some(show) = show else { return api::secrets_refused() };
            let views: Vec<_> = st.engine.list_channels().iter().map(|c| c.view(show)).collect();
            api::ok(&views)
        },
    );
    let ch_add = channels().and(warp::path::end()).and(warp::post()).and(body(&state)).and(s()).then(
        |b: bytes::Bytes, st: Arc<AppState>| async move {
            let spec: ChannelSpec = match api::parse_json(&b) {
                Ok(s) => s,
                Err(r) => return *r,
            };
            api::result(blocking(move || st.engine.add_channel(&spec).map(|c| c.view(false))).await, true)
        },
    );
    let ch_export = channels()
        .and(warp::path("export"))
        .and(warp::path::end())
        .and(warp::get())
        .and(secrets(state.clone()))
        .and(s())
        .map(|include: Option<bool>, st: Arc<AppState>| match include {
            Some(include) => api::ok(&st.engine.export(include)),
            None => api::secrets_refused(),
        });
    let ch_import =
        channels().and(warp::path("import")).and(warp::path::end()).and(warp::post()).and(body(&state)).and(s()).then(
            |b: bytes::Bytes, st: Arc<AppState>| async move {
                let req: ImportBody = match api::parse_json(&b) {
                    Ok(s) => s,
                    Err(r) => return *r,
                };
                api::result(blocking(move || st.engine.import(&req.document, req.replace, req.dry_run)).await, false)
            },
        );
    let ch_get = channels()
        .and(warp::path::param::<String>())
        .and(warp::path::end())
        .and(warp::get())
        .and(secrets(state.clone()))
        .and(s())
        .map(|id: String, show: Option<bool>, st: Arc<AppState>| match show {
            Some(show) => api::result(st.engine.find_channel(&id).map(|c| c.view(show)), false),
            None => api::secrets_refused(),
        });
    let ch_put = channels()
        .and(warp::path::param::<String>())
        .and(warp::path::end())
        .and(warp::put())
        .and(body(&state))
        .and(s())
        .then(|id: String, b: bytes::Bytes, st: Arc<AppState>| async move {
            let patch: ChannelPatch = match api::parse_json(&b) {
                Ok(s) => s,
                Err(r) => return *r,
            };
            api::result(blocking(move || st.engine.edit_channel(&id, patch).map(|c| c.view(false))).await, false)
        });
    let ch_delete =
        channels().and(warp::path::param::<String>()).and(warp::path::end()).and(warp::delete()).and(s()).then(
            |id: String, st: Arc<AppState>| async move {
                api::result(blocking(move || st.engine.remove_channel(&id).map(|c| c.view(false))).await, false)
            },
        );
    let ch_status = channels()
        .and(warp::path::param::<String>())
        .and(warp::path::param::<String>())
        .and(warp::path::end())
        .and(warp::post())
        .and(s())
        .then(|id: String, action: String, st: Arc<AppState>| async move {
            let status = match action.as_str() {
                "enable" => Status::Enabled,
                "disable" => Status::Disabled,
                _ => {
                    return api::error(
                        StatusCode::NOT_FOUND,
                        "not_found",
                        format!("no action {action:?} on a channel; use enable or disable"),
                    )
                }
            };
            api::result(blocking(move || st.engine.set_status(&id, status).map(|c| c.view(false))).await, false)
        });

    let strategy = || api().and(warp::path("load-balancer")).and(warp::path("strategy")).and(warp::path::end());
    let strategy_get = strategy().and(warp::get()).and(s()).map(|st: Arc<AppState>| {
        api::ok(
            &serde_json::json!({"strategy": st.engine.strategy(), "available": crate::engine::strategy::STRATEGIES}),
        )
    });
    let strategy_put =
        strategy().and(warp::put()).and(body(&state)).and(s()).then(|b: bytes::Bytes, st: Arc<AppState>| async move {
            let req: StrategyBody = match api::parse_json(&b) {
                Ok(s) => s,
                Err(r) => return *r,
            };
            let parsed: Strategy = match req.strategy.parse() {
                Ok(s) => s,
                Err(e) => return api::error(StatusCode::BAD_REQUEST, "invalid_request", e.to_string()),
            };
            api::result(
                blocking(move || st.engine.set_strategy(parsed).map(|s| serde_json::json!({"strategy": s}))).await,
                false,
            )
        });

    let rules = || api().and(warp::path("routing")).and(warp::path("rules"));
    let rule_list = rules()
        .and(warp::path::end())
        .and(warp::get())
        .and(s())
        .map(|st: Arc<AppState>| api::ok(&st.engine.list_rules()));
    let rule_add = rules().and(warp::path::end()).and(warp::post()).and(body(&state)).and(s()).then(
        |b: bytes::Bytes, st: Arc<AppState>| async move {
            let spec: RuleSpec = match api::parse_json(&b) {
                Ok(s) => s,
                Err(r) => return *r,
            };
            api::result(blocking(move || st.engine.add_rule(&spec)).await, true)
        },
    );
    let rule_get = rules()
        .and(warp::path::param::<String>())
        .and(warp::path::end())
        .and(warp::get())
        .and(s())
        .map(|id: String, st: Arc<AppState>| api::result(st.engine.find_rule(&id), false));
    let rule_put = rules()
        .and(warp::path::param::<String>())
        .and(warp::path::end())
        .and(warp::put())
        .and(body(&state))
        .and(s())
        .then(|id: String, b: bytes::Bytes, st: Arc<AppState>| async move {
            let patch: RulePatch = match api::parse_json(&b) {
                Ok(s) => s,
                Err(r) => return *r,
            };
            api::result(blocking(move || st.engine.edit_rule(&id, patch)).await, false)
        });
    let rule_delete =
        rules().and(warp::path::param::<String>()).and(warp::path::end()).and(warp::delete()).and(s()).then(
            |id: String, st: Arc<AppState>| async move {
                api::result(blocking(move || st.engine.remove_rule(&id)).await, false)
            },
        );
    let rule_toggle = rules()
        .and(warp::path::param::<String>())
        .and(warp::path::param::<String>())
        .and(warp::path::end())
        .and(warp::post())
        .and(s())
        .then(|id: String, action: String, st: Arc<AppState>| async move {
            let enabled = match action.as_str() {
                "enable" => true,
                "disable" => false,
                _ => {
                    return api::error(
                        StatusCode::NOT_FOUND,
                        "not_found",
                        format!("no action {action:?} on a rule; use enable or disable"),
                    )
                }
            };
            api::result(blocking(move || st.engine.set_rule_enabled(&id, enabled)).await, false)
        });
    let route_test = api()
        .and(warp::path("routing"))
        .and(warp::path("test"))
        .and(warp::path::end())
        .and(warp::post())
        .and(body(&state))
        .and(s())
        .then(|b: bytes::Bytes, st: Arc<AppState>| async move {
            let req: RouteTestBody = match api::parse_json(&b) {
                Ok(s) => s,
                Err(r) => return *r,
            };
            let headers = header_pairs(req.headers.as_ref());
            let protocol = req.protocol.unwrap_or(Protocol::Anthropic);
            api::result(blocking(move || st.proxy.test_route(protocol, &req.request, &headers)).await, false)
        });

    let requests = api()
        .and(warp::path("requests"))
        .and(warp::path::end())
        .and(warp::get())
        .and(warp::query::<records::RequestQuery>())
        .and(s())
        .then(|q: records::RequestQuery, st: Arc<AppState>| async move {
            api::result(blocking(move || records::query(st.engine.store(), &q)).await, false)
        });
    let requests_since = api()
        .and(warp::path("requests"))
        .and(warp::path("since"))
        .and(warp::path::end())
        .and(warp::get())
        .and(warp::query::<SinceQuery>())
        .and(s())
        .then(|q: SinceQuery, st: Arc<AppState>| async move {
            api::result(
                blocking(move || records::since(st.engine.store(), q.after_ms, q.limit.unwrap_or(200).min(1000))).await,
                false,
            )
        });
    let requests_tail = api()
        .and(warp::path("requests"))
        .and(warp::path("tail"))
        .and(warp::path::end())
        .and(warp::get())
        .and(warp::query::<TailQuery>())
        .and(s())
        .then(|q: TailQuery, st: Arc<AppState>| async move {
            api::result(
                blocking(move || {
                    let cursor = q.cursor.as_deref().map(str::parse::<records::Cursor>).transpose()?;
                    records::tail(st.engine.store(), cursor, q.limit.unwrap_or(200).min(1000))
                })
                .await,
                false,
            )
        });
    let analytics = api().and(warp::path("analytics")).and(warp::path::end()).and(warp::get()).and(s()).then(
        |st: Arc<AppState>| async move {
            api::result(
                blocking(move || records::analytics(st.engine.store(), crate::util::time::now_ms())).await,
                false,
            )
        },
    );
    let channel_stats = api().and(warp::path("channels")).and(warp::path("stats")).and(warp::path::end()).and(warp::get()).and(s()).map(
        |st: Arc<AppState>| {
            let stats = st.proxy.runtimes().all_stats();
            let snap = st.engine.snapshot();
            let list: Vec<serde_json::Value> = snap
                .channels
                .iter()
                .map(|c| serde_json::json!({"id": c.id, "name": c.name, "status": c.status, "stats": stats.get(&c.id).cloned().unwrap_or_default()}))
                .collect();
            api::ok(&list)
        },
    );

    let transformers = api().and(warp::path("transformers")).and(warp::path::end()).and(warp::get()).map(|| {
        let list: Vec<_> = crate::engine::transform::catalog()
            .into_iter()
            .map(|(name, what)| serde_json::json!({"name": name, "description": what}))
            .collect();
        api::ok(&list)
    });
    let transformers_test = api()
        .and(warp::path("transformers"))
        .and(warp::path("test"))
        .and(warp::path::end())
        .and(warp::post())
        .and(body(&state))
        .map(|b: bytes::Bytes| match api::parse_json::<DryRun>(&b) {
            Ok(req) => match dry_run::run(req) {
                Ok(v) => api::ok(&v),
                Err(e) => api::error(StatusCode::BAD_REQUEST, "invalid_request", e.to_string()),
            },
            Err(r) => *r,
        });
    let providers = api()
        .and(warp::path("providers"))
        .and(warp::path::end())
        .and(warp::get())
        .map(|| api::ok(&crate::engine::channel::providers()));

    root_head
        .or(root_get)
        .unify()
        .or(health_root)
        .unify()
        .or(health_live)
        .unify()
        .or(health_ready)
        .unify()
        .or(health_detailed)
        .unify()
        .or(api_info)
        .unify()
        .boxed()
        .or(ch_list)
        .unify()
        .or(ch_add)
        .unify()
        .or(ch_export)
        .unify()
        .or(channel_stats)
        .unify()
        .or(ch_import)
        .unify()
        .or(ch_get)
        .unify()
        .or(ch_put)
        .unify()
        .or(ch_delete)
        .unify()
        .or(ch_status)
        .unify()
        .boxed()
        .or(strategy_get)
        .unify()
        .or(strategy_put)
        .unify()
        .boxed()
        .or(rule_list)
        .unify()
        .or(rule_add)
        .unify()
        .or(rule_get)
        .unify()
        .or(rule_put)
        .unify()
        .or(rule_delete)
        .unify()
        .or(rule_toggle)
        .unify()
        .or(route_test)
        .unify()
        .boxed()
        .or(requests)
        .unify()
        .or(requests_since)
        .unify()
        .or(requests_tail)
        .unify()
        .or(analytics)
        .unify()
        .or(providers)
        .unify()
        .or(transformers)
        .unify()
        .or(transformers_test)
        .unify()
        .recover(api::recover)
        .unify()
        .boxed()
}

/// Endpoints listed by `GET /api`.
pub const ENDPOINTS: &[&str] = &[
    "GET /api",
    "GET|POST /api/channels",
    "GET|PUT|DELETE /api/channels/:id",
    "POST /api/channels/:id/enable",
    "POST /api/channels/:id/disable",
    "GET /api/channels/export",
    "POST /api/channels/import",
    "GET|PUT /api/load-balancer/strategy",
    "GET|POST /api/routing/rules",
    "GET|PUT|DELETE /api/routing/rules/:id",
    "POST /api/routing/rules/:id/enable",
    "POST /api/routing/rules/:id/disable",
    "POST /api/routing/test",
    "GET /api/requests?limit&offset&channel&model&status&since&until",
    "GET /api/requests/since?after_ms&limit",
    "GET /api/requests/tail?cursor&limit",
    "GET /api/analytics",
    "GET /api/providers",
    "GET /api/transformers",
    "POST /api/transformers/test",
    "GET /api/channels/stats",
    "GET /health",
    "GET /health/live",
    "GET /health/ready",
    "GET /health/detailed",
];
