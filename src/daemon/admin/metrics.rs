//! `GET /metrics` (Prometheus text format 0.0.4), `GET /api/metrics`, `GET /api/metrics/all`
//! and `POST /api/metrics/reset`.
//!
//! All four need the admin token when one is set (`/metrics` too: it names channels and
//! models; Prometheus sends the token with `authorization: {credentials: …}`). What the
//! metrics are, and that a reset moves only the JSON views' baseline, is
//! `engine::metrics`'s; this file reads the proxy's live channel state into a
//! [`metrics::Live`] and maps the results to HTTP. Called by `admin::routes`.

use std::sync::Arc;
use std::time::Instant;
use warp::http::header::{HeaderValue, CONTENT_TYPE};
use warp::reply::Response;
use warp::Filter;

use super::{api_prefix, auth, with_state, Routes};
use crate::daemon::api;
use crate::daemon::AppState;
use crate::engine::metrics::{self, BreakerState, ChannelLive};
use crate::engine::proxy::runtime::BreakerSeen;
use crate::engine::Status;

/// The metrics routes.
pub(super) fn routes(state: &Arc<AppState>) -> Routes {
    let s = || with_state(state.clone());

    let scrape = warp::path("metrics").and(warp::path::end()).and(warp::get()).and(auth(state.clone())).and(s()).map(
        |st: Arc<AppState>| {
            let mut r = Response::new(st.proxy.metrics().prometheus_text(&live(&st)).into());
            r.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(metrics::CONTENT_TYPE));
            r
        },
    );
    let api = || api_prefix(state).and(warp::path("metrics"));
    let summary = api()
        .and(warp::path::end())
        .and(warp::get())
        .and(s())
        .map(|st: Arc<AppState>| api::ok(&st.proxy.metrics().summary_json(&live(&st))));
    let all = api()
        .and(warp::path("all"))
        .and(warp::path::end())
        .and(warp::get())
        .and(s())
        .map(|st: Arc<AppState>| api::ok(&st.proxy.metrics().all_json(&live(&st))));
    let reset =
        api().and(warp::path("reset")).and(warp::path::end()).and(warp::post()).and(s()).map(|st: Arc<AppState>| {
            let at = st.proxy.metrics().reset_views(&live(&st));
            api::ok(&serde_json::json!({
                "reset_at_ms": at,
                "message": metrics::RESET_MEANING,
            }))
        });

    scrape.or(summary).unify().or(all).unify().or(reset).unify().boxed()
}

/// The channels of the current snapshot with their breakers and key cooldowns, and the
/// counters the proxy keeps itself.
fn live(st: &AppState) -> metrics::Live {
    let now = Instant::now();
    let runtimes = st.proxy.runtimes();
    let channels = st
        .engine
        .snapshot()
        .channels
        .iter()
        .map(|c| {
            let rt = runtimes.get(&c.id);
            let breaker = match rt.breaker().seen_at(now) {
                BreakerSeen::Closed => BreakerState::Closed,
                BreakerSeen::Open { .. } => BreakerState::Open,
                BreakerSeen::HalfOpen => BreakerState::HalfOpen,
            };
            ChannelLive {
                name: c.name.clone(),
                enabled: c.status != Status::Disabled,
                breaker,
                keys_cooling: rt.keys_cooling(c.key_count(), now) as u64,
            }
        })
        .collect();
    // Every runtime seen since start, deleted channels included: the counter never drops.
    let breaker_opened_total = runtimes
        .all_stats()
        .keys()
        .map(|id| runtimes.get(id).opened_total.load(std::sync::atomic::Ordering::Relaxed))
        .sum();
    let tees = st.tees.as_ref().map(|t| t.named_stats()).unwrap_or_default();
    let shared = st.proxy.shared().map(|s| s.status());
    metrics::Live { channels, breaker_opened_total, records_dropped: st.proxy.recorder().dropped(), tees, shared }
}
