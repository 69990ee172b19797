//! `/api/cache/…`: the cache warmer (SPEC §9, docs/cache.md) — `GET /api/cache/stats`,
//! `GET|PUT /api/cache/config`, `POST /api/cache/warm {items}`,
//! `POST /api/cache/invalidate {type}`, `POST /api/cache/invalidate-and-warm {type}`,
//! `POST /api/cache/reset-stats`.
//!
//! What is warmed, the settings' checks and every message are `engine::cache`'s; this file
//! parses the bodies, runs the warmer on the blocking pool and maps results to the
//! envelope. Called by `admin::routes`.

use serde::Deserialize;
use std::sync::Arc;
use warp::Filter;

use super::{api_prefix, blocking, body, with_state, Routes};
use crate::daemon::api;
use crate::daemon::AppState;
use crate::engine::cache::Item;
use crate::engine::config::WarmItems;

/// `POST /api/cache/warm`: which items (default: the configured `warmItems`).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct WarmBody {
    #[serde(default)]
    items: Option<WarmItems>,
}

/// `POST /api/cache/invalidate` and `invalidate-and-warm`: which type (default: all).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct TypeBody {
    #[serde(default, rename = "type")]
    kind: Option<String>,
}

/// A body that may be empty (then the default).
fn parse<T: serde::de::DeserializeOwned + Default>(b: &[u8]) -> Result<T, Box<warp::reply::Response>> {
    if b.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    api::parse_json(b)
}

/// The cache routes.
pub(super) fn routes(state: &Arc<AppState>) -> Routes {
    let s = || with_state(state.clone());
    let cache =
        |name: &'static str| api_prefix(state).and(warp::path("cache")).and(warp::path(name)).and(warp::path::end());

    let stats = cache("stats").and(warp::get()).and(s()).map(|st: Arc<AppState>| api::ok(&st.cache.stats()));
    let config_get = cache("config")
        .and(warp::get())
        .and(s())
        .then(|st: Arc<AppState>| async move { api::result(blocking(move || st.cache.config()).await, false) });
    let config_put = cache("config").and(warp::put()).and(body(state)).and(s()).then(
        |b: bytes::Bytes, st: Arc<AppState>| async move {
            let patch: serde_json::Value = match api::parse_json(&b) {
                Ok(v) => v,
                Err(r) => return *r,
            };
            api::result(blocking(move || st.cache.set_config(patch)).await, false)
        },
    );
    let warm = cache("warm").and(warp::post()).and(body(state)).and(s()).then(
        |b: bytes::Bytes, st: Arc<AppState>| async move {
            let req: WarmBody = match parse(&b) {
                Ok(v) => v,
                Err(r) => return *r,
            };
            api::result(blocking(move || st.cache.warm(req.items)).await, false)
        },
    );
    let invalidate = cache("invalidate").and(warp::post()).and(body(state)).and(s()).then(
        |b: bytes::Bytes, st: Arc<AppState>| async move {
            let item = match parse::<TypeBody>(&b).map(|t| t.kind.as_deref().map(Item::parse).transpose()) {
                Ok(Ok(i)) => i.flatten(),
                Ok(Err(e)) => return api::engine_error(&e),
                Err(r) => return *r,
            };
            let r = blocking(move || st.cache.invalidate(item)).await.map(|()| {
                let what = item.map_or("all", Item::as_str);
                serde_json::json!({"message": format!("cache ({what}) invalidated"), "type": what})
            });
            api::result(r, false)
        },
    );
    let invalidate_and_warm = cache("invalidate-and-warm").and(warp::post()).and(body(state)).and(s()).then(
        |b: bytes::Bytes, st: Arc<AppState>| async move {
            let item = match parse::<TypeBody>(&b).map(|t| t.kind.as_deref().map(Item::parse).transpose()) {
                Ok(Ok(i)) => i.flatten(),
                Ok(Err(e)) => return api::engine_error(&e),
                Err(r) => return *r,
            };
            api::result(blocking(move || st.cache.invalidate_and_warm(item)).await, false)
        },
    );
    let reset =
        cache("reset-stats").and(warp::post()).and(s()).map(|st: Arc<AppState>| api::ok(&st.cache.reset_stats()));

    stats
        .or(config_get)
        .unify()
        .or(config_put)
        .unify()
        .or(warm)
        .unify()
        .or(invalidate)
        .unify()
        .or(invalidate_and_warm)
        .unify()
        .or(reset)
        .unify()
        .boxed()
}
