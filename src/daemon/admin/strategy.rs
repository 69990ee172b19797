//! `GET|PUT /api/load-balancer/strategy`: the balancer strategy setting.
//!
//! Parsing a strategy name (and the message listing the valid ones) and storing it are
//! `engine::strategy`'s and the engine's; this file maps them to HTTP and must not judge a
//! name itself. Called by `admin::routes`.

use serde::Deserialize;
use std::sync::Arc;
use warp::http::StatusCode;
use warp::Filter;

use super::{api_prefix, blocking, body, with_state, Routes};
use crate::daemon::api;
use crate::daemon::AppState;
use crate::engine::Strategy;

/// `PUT /api/load-balancer/strategy`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StrategyBody {
    strategy: String,
}

/// The strategy routes.
pub(super) fn routes(state: &Arc<AppState>) -> Routes {
    let s = || with_state(state.clone());
    let strategy =
        || api_prefix(state).and(warp::path("load-balancer")).and(warp::path("strategy")).and(warp::path::end());

    let strategy_get = strategy().and(warp::get()).and(s()).map(|st: Arc<AppState>| {
        api::ok(
            &serde_json::json!({"strategy": st.engine.strategy(), "available": crate::engine::strategy::STRATEGIES}),
        )
    });
    let strategy_put =
        strategy().and(warp::put()).and(body(state)).and(s()).then(|b: bytes::Bytes, st: Arc<AppState>| async move {
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

    strategy_get.or(strategy_put).unify().boxed()
}
