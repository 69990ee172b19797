//! The admin API's routes (the endpoints are listed in README.md, "Admin API", and by
//! `GET /api` from [`ENDPOINTS`]).
//!
//! This file composes one filter per resource — `health`, `channels`, `strategy`, `i18n` (the language), `rules`,
//! `requests`, `transformers`, `metrics`, `tracing`, `tee`, `cache` and the dashboard's page
//! (`daemon::dashboard`), in that order, which is the order warp tries them — turns
//! every rejection into the envelope ([`api::recover`]), and holds the filters they share:
//! the state, the admin token, the keys-in-clear question, the body limit and the blocking
//! pool. Engine calls that write to the store run on the blocking pool so a flush never
//! stalls the proxy's worker threads. Like the rest of the daemon it decides nothing a user
//! can see: each handler parses, calls the engine and maps the result to HTTP through
//! `api`. Called by `daemon::serve_loop` (behind the browser door) and by tests through
//! `warp::test`.

mod cache;
mod channels;
mod health;
mod i18n;
mod metrics;
mod query;
mod requests;
mod rules;
mod strategy;
mod tee;
mod tracing;
mod transformers;

use serde::Deserialize;
use std::convert::Infallible;
use std::sync::Arc;
use warp::reply::Response;
use warp::Filter;

use super::api::{self, Unauthorized};
use super::AppState;
use crate::engine::proxy::ProxyError;

pub use rules::{header_pairs, RouteTestBody};

/// What every resource returns: boxed, so each resource's filter type stops at its file
/// and the whole chain stays cheap to compile.
type Routes = warp::filters::BoxedFilter<(Response,)>;

/// Every route the daemon serves through warp, with the envelope for every rejection.
pub fn routes(state: Arc<AppState>) -> Routes {
    // Every route: a query parameter its line in ENDPOINTS does not list is a 400.
    let resources = health::routes(&state)
        .or(channels::routes(&state))
        .unify()
        .or(strategy::routes(&state))
        .unify()
        .or(i18n::routes(&state))
        .unify()
        .or(rules::routes(&state))
        .unify()
        .or(requests::routes(&state))
        .unify()
        .or(transformers::routes(&state))
        .unify()
        .or(metrics::routes(&state))
        .unify()
        .or(tracing::routes(&state))
        .unify()
        .or(tee::routes(&state))
        .unify()
        .or(cache::routes(&state))
        .unify()
        .or(super::dashboard::routes())
        .unify();
    query::known().and(resources).recover(body_refused).unify().recover(api::recover).unify().boxed()
}

/// Endpoints listed by `GET /api`, one line per method where their query parameters
/// differ. The parameters after `?` are the only ones the endpoint takes: any other is a
/// 400 naming it ([`query::known`] reads this list), so a new endpoint's line lists its
/// query parameters (`GET /api/tee?limit&sink`) or none.
pub const ENDPOINTS: &[&str] = &[
    "GET /api",
    "GET /api/channels?show_secrets&include_secrets",
    "POST /api/channels",
    "GET /api/channels/:id?show_secrets&include_secrets",
    "PUT /api/channels/:id",
    "DELETE /api/channels/:id?force",
    "POST /api/channels/:id/enable",
    "POST /api/channels/:id/disable?force",
    "POST /api/channels/:id/test",
    "POST /api/channels/test/all",
    "POST /api/channels/test/enabled",
    "GET /api/channels/export?include_secrets&show_secrets",
    "POST /api/channels/import",
    "GET|PUT /api/load-balancer/strategy",
    "GET|PUT /api/i18n/locale",
    "GET|POST /api/routing/rules",
    "GET|PUT|DELETE /api/routing/rules/:id",
    "POST /api/routing/rules/:id/enable",
    "POST /api/routing/rules/:id/disable",
    "POST /api/routing/test",
    "GET /api/requests?limit&offset&channel&model&status&since&until",
    "GET /api/requests/since?after_ms&limit",
    "GET /api/requests/tail?cursor&limit",
    "GET /api/analytics?since",
    "GET /api/providers",
    "GET /api/transformers",
    "POST /api/transformers/test",
    "GET /api/channels/stats",
    "GET /api/tracing/stats",
    "GET /api/tracing/traces?limit",
    "GET /api/tracing/traces/:traceId",
    "GET /api/tracing/spans/:spanId",
    "POST /api/tracing/clear",
    "GET /api/tee",
    "POST /api/tee",
    "GET /api/tee/:id",
    "PUT /api/tee/:id",
    "DELETE /api/tee/:id",
    "POST /api/tee/:id/test",
    "GET /health",
    "GET /health/live",
    "GET /health/ready",
    "GET /health/detailed",
    "GET /metrics",
    "GET /api/metrics",
    "GET /api/metrics/all",
    "POST /api/metrics/reset",
    "GET /api/cache/stats",
    "GET|PUT /api/cache/config",
    "POST /api/cache/warm",
    "POST /api/cache/invalidate",
    "POST /api/cache/invalidate-and-warm",
    "POST /api/cache/reset-stats",
    "GET /dashboard",
    "GET /dashboard/:asset",
    "GET /dashboard/i18n/:lang",
];

/// Run an engine call on the blocking pool.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.expect("engine call panicked")
}

fn with_state(state: Arc<AppState>) -> impl Filter<Extract = (Arc<AppState>,), Error = Infallible> + Clone {
    warp::any().map(move || state.clone())
}

/// `/api/…` behind the admin token: the prefix every resource but health starts with.
fn api_prefix(state: &Arc<AppState>) -> impl Filter<Extract = (), Error = warp::Rejection> + Clone {
    warp::path("api").and(auth(state.clone()))
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
                    Err(warp::reject::custom(Unauthorized { sent: h.is_some_and(|v| !v.trim().is_empty()) }))
                }
            }
        })
        .untuple_one()
}

#[derive(Deserialize, Default)]
struct SecretsQuery {
    #[serde(default)]
    show_secrets: bool,
    #[serde(default)]
    include_secrets: bool,
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

/// The request body, at most `server.body_limit_mb`, with no gap longer than
/// `server.body_timeout_s` and all of it within `server.request_timeout_s`.
fn body(state: &AppState) -> impl Filter<Extract = (bytes::Bytes,), Error = warp::Rejection> + Clone {
    let rules = super::proxy::BodyRules::of(state);
    warp::body::content_length_limit(rules.limit).and(warp::body::stream()).and_then(move |stream| async move {
        let mut lease = super::proxy::Lease::new(None);
        super::proxy::read_limited(stream, None, rules, &mut lease, std::time::Instant::now()).await.map_err(|e| {
            use super::proxy::BodyError;
            match e {
                BodyError::Stalled(secs) => warp::reject::custom(BodyRefused(ProxyError::BodyStalled { secs })),
                BodyError::TooSlow(secs) => warp::reject::custom(BodyRefused(ProxyError::BodyTooSlow { secs })),
                BodyError::TooLarge(limit) => {
                    warp::reject::custom(BodyRefused(ProxyError::BodyTooLarge { limit_mib: limit / 1024 / 1024 }))
                }
                BodyError::Broken | BodyError::NoMemory(_) => warp::reject::reject(),
            }
        })
    })
}

/// A request body not read (see [`body`]): too slow (408) or, past a truthful
/// Content-Length, too large (413).
#[derive(Debug)]
struct BodyRefused(ProxyError);
impl warp::reject::Reject for BodyRefused {}

/// [`BodyRefused`] and [`query::UnknownQuery`] in the envelope; every other rejection goes
/// on to [`api::recover`].
async fn body_refused(r: warp::Rejection) -> Result<Response, warp::Rejection> {
    if let Some(query::UnknownQuery(msg)) = r.find::<query::UnknownQuery>() {
        return Ok(api::error(warp::http::StatusCode::BAD_REQUEST, "invalid_request", msg.clone()));
    }
    match r.find::<BodyRefused>() {
        Some(BodyRefused(e)) => {
            let status = warp::http::StatusCode::from_u16(e.status()).unwrap_or(warp::http::StatusCode::BAD_REQUEST);
            let code =
                if status == warp::http::StatusCode::REQUEST_TIMEOUT { "request_timeout" } else { "payload_too_large" };
            Ok(api::error(status, code, e.to_string()))
        }
        None => Err(r),
    }
}
