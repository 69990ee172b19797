//! `/`, `HEAD /`, `/health`, `/health/live`, `/health/ready`, `/health/detailed` and
//! `GET /api`: the answers that say the daemon is there and what it serves.
//!
//! Only `GET /api` needs the admin token. The detailed report — what it says and when it is
//! unhealthy — and readiness are `engine::health`'s; this file runs the report on the
//! blocking pool and answers 200 or 503. It must not build report fields itself. Called by
//! `admin::routes`.

use rust_i18n::t;
use std::sync::Arc;
use warp::http::StatusCode;
use warp::{Filter, Reply};

use super::{auth, blocking, with_state, Routes, ENDPOINTS};
use crate::daemon::api;
use crate::daemon::AppState;
use crate::engine::Status;

/// The root, health and `GET /api` routes.
pub(super) fn routes(state: &Arc<AppState>) -> Routes {
    let s = || with_state(state.clone());

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
            if !st.health.is_ready() {
                return api::error(StatusCode::SERVICE_UNAVAILABLE, "not_ready", t!("api.not_ready"));
            }
            match blocking(move || st.engine.store().schema_version()).await {
                Ok(_) => api::ok(&serde_json::json!({"status": "ready"})),
                Err(e) => api::error(StatusCode::SERVICE_UNAVAILABLE, "not_ready", e.to_string()),
            }
        },
    );
    let health_detailed = health.and(warp::path("detailed")).and(warp::path::end()).and(warp::get()).and(s()).then(
        |st: Arc<AppState>| async move {
            let report = blocking(move || {
                let min_disk_mb = st.config.server.health_min_disk_mb;
                let mut r = st.health.detailed(&st.engine, &st.proxy, &st.data_dir, st.started, min_disk_mb);
                if let Some(t) = &st.tees {
                    r.add_tees(t.named_stats());
                }
                r
            })
            .await;
            let status = if report.is_unhealthy() { StatusCode::SERVICE_UNAVAILABLE } else { StatusCode::OK };
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
                // The largest admin request body accepted (server.body_limit_mb), so the
                // CLI can say a document is too large before sending it.
                "body_limit_bytes": st.config.server.body_limit_mb * 1024 * 1024,
            }))
        },
    );

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
}
