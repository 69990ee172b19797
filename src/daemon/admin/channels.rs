//! `/api/channels`: list, add, get, edit, delete, enable / disable, export / import, and
//! `/api/channels/stats`.
//!
//! Each handler parses the body or query, calls the engine (writes on the blocking pool)
//! and maps the result to HTTP; validation, views (keys masked unless asked for with a
//! token) and the export document are the engine's. It must not decide anything about a
//! channel itself. Called by `admin::routes`.

use rust_i18n::t;
use serde::Deserialize;
use std::sync::Arc;
use warp::http::StatusCode;
use warp::Filter;

use super::{api_prefix, blocking, body, secrets, with_state, Routes};
use crate::daemon::api;
use crate::daemon::AppState;
use crate::engine::{ChannelPatch, ChannelSpec, Document, Status};

/// `POST /api/channels/import`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ImportBody {
    document: Document,
    #[serde(default)]
    replace: bool,
    #[serde(default)]
    dry_run: bool,
}

/// `POST /api/channels/:id/test` and friends: an optional time limit per channel.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TestBody {
    #[serde(default)]
    timeout_s: Option<u64>,
}

/// `?force=true` on `DELETE /api/channels/:id` and `POST /api/channels/:id/disable`: do it
/// even though routing rules target the channel (else a 409 naming them).
#[derive(Deserialize)]
struct Force {
    #[serde(default)]
    force: bool,
}

/// The channel routes, `/api/channels/stats` included.
pub(super) fn routes(state: &Arc<AppState>) -> Routes {
    let s = || with_state(state.clone());
    let api = || api_prefix(state);

    let channels = || api().and(warp::path("channels"));
    let ch_list = channels().and(warp::path::end()).and(warp::get()).and(secrets(state.clone())).and(s()).map(
        |show: Option<bool>, st: Arc<AppState>| {
            let Some(show) = show else { return api::secrets_refused() };
            let views: Vec<_> = st.engine.list_channels().iter().map(|c| c.view(show)).collect();
            api::ok(&views)
        },
    );
    let ch_add = channels().and(warp::path::end()).and(warp::post()).and(body(state)).and(s()).then(
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
        channels().and(warp::path("import")).and(warp::path::end()).and(warp::post()).and(body(state)).and(s()).then(
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
        .and(body(state))
        .and(s())
        .then(|id: String, b: bytes::Bytes, st: Arc<AppState>| async move {
            let patch: ChannelPatch = match api::parse_json(&b) {
                Ok(s) => s,
                Err(r) => return *r,
            };
            api::result(blocking(move || st.engine.edit_channel(&id, patch).map(|c| c.view(false))).await, false)
        });
    let ch_delete = channels()
        .and(warp::path::param::<String>())
        .and(warp::path::end())
        .and(warp::delete())
        .and(warp::query::<Force>())
        .and(s())
        .then(|id: String, q: Force, st: Arc<AppState>| async move {
            api::result(
                blocking(move || st.engine.remove_channel_checked(&id, q.force).map(|c| c.view(false))).await,
                false,
            )
        });
    let ch_status = channels()
        .and(warp::path::param::<String>())
        .and(warp::path::param::<String>())
        .and(warp::path::end())
        .and(warp::post())
        .and(warp::query::<Force>())
        .and(s())
        .then(|id: String, action: String, q: Force, st: Arc<AppState>| async move {
            let status = match action.as_str() {
                "enable" => Status::Enabled,
                "disable" => Status::Disabled,
                _ => {
                    return api::error(
                        StatusCode::NOT_FOUND,
                        "not_found",
                        t!("api.channel_action", action = format!("{action:?}")),
                    )
                }
            };
            api::result(
                blocking(move || st.engine.set_status_checked(&id, status, q.force).map(|c| c.view(false))).await,
                false,
            )
        });
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

    // `POST /api/channels/:id/test`, `/api/channels/test/all`, `/api/channels/test/enabled`:
    // one real request per channel (engine::proxy::probe).
    let ch_test = channels()
        .and(warp::path::param::<String>())
        .and(warp::path::param::<String>())
        .and(warp::path::end())
        .and(warp::post())
        .and(body(state))
        .and(s())
        .and_then(|first: String, second: String, b: bytes::Bytes, st: Arc<AppState>| async move {
            use crate::engine::proxy::probe;
            let (names, all, one) = match (first.as_str(), second.as_str()) {
                ("test", "all") => (Vec::new(), true, false),
                ("test", "enabled") => (Vec::new(), false, false),
                (id, "test") => (vec![id.to_string()], false, true),
                _ => return Err(warp::reject::not_found()),
            };
            let req: TestBody = match api::parse_json(if b.is_empty() { b"{}" } else { &b[..] }) {
                Ok(r) => r,
                Err(r) => return Ok(*r),
            };
            let limit = match req.timeout_s {
                None => probe::TEST_TIMEOUT,
                Some(s @ 1..=60) => std::time::Duration::from_secs(s),
                Some(s) => {
                    let msg = t!("api.test_timeout", got = s);
                    return Ok(api::error(StatusCode::BAD_REQUEST, "invalid_request", msg));
                }
            };
            let chosen = match probe::select(&st.engine, &names, all) {
                Ok(c) => c,
                Err(e) => return Ok(api::result::<()>(Err(e), false)),
            };
            let results = probe::test_channels(&chosen, limit).await;
            Ok(if one { api::ok(&results[0]) } else { api::ok(&results) })
        });

    // `export` and `stats` before `GET /:id`, which would take them for channel ids.
    ch_list
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
        .or(ch_test)
        .unify()
        .or(ch_status)
        .unify()
        .boxed()
}
