//! `GET /api/requests`, `/api/requests/since`, `/api/requests/tail` and `/api/analytics`:
//! the request log, read.
//!
//! Filtering, ordering, cursors and the analytics are `engine::records`'s; this file parses
//! the query strings, runs the reads on the blocking pool and maps results to HTTP. It must
//! not filter or summarise records itself. Called by `admin::routes`.

use serde::Deserialize;
use std::sync::Arc;
use warp::Filter;

use super::{api_prefix, blocking, with_state, Routes};
use crate::daemon::api;
use crate::daemon::AppState;
use crate::engine::records;

/// `GET /api/requests/since`.
#[derive(Deserialize)]
struct SinceQuery {
    after_ms: u64,
    #[serde(default)]
    limit: Option<usize>,
}

/// `GET /api/requests/tail`.
#[derive(Deserialize)]
struct TailQuery {
    #[serde(default)]
    cursor: Option<String>,
    #[serde(default)]
    limit: Option<usize>,
}

/// The request-log routes.
/// `GET /api/analytics?since=`: the window's start (RFC 3339, unix ms or an age like
/// `1h`; default 24 h). Any other parameter is a 400 naming it.
struct AnalyticsQuery {
    since: Option<String>,
}

pub(super) fn routes(state: &Arc<AppState>) -> Routes {
    let s = || with_state(state.clone());
    let api = || api_prefix(state);

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
    let analytics = api()
        .and(warp::path("analytics"))
        .and(warp::path::end())
        .and(warp::get())
        .and(warp::query::<std::collections::HashMap<String, String>>())
        .and(s())
        .then(|q: std::collections::HashMap<String, String>, st: Arc<AppState>| async move {
            if let Some(k) = q.keys().find(|k| k.as_str() != "since") {
                let msg = format!("unknown query parameter {k:?} on /api/analytics; it takes: since (e.g. ?since=1h)");
                return api::error(warp::http::StatusCode::BAD_REQUEST, "invalid_request", msg);
            }
            let q = AnalyticsQuery { since: q.get("since").cloned() };
            api::result(
                blocking(move || st.engine.analytics(q.since.as_deref(), crate::util::time::now_ms())).await,
                false,
            )
        });

    requests.or(requests_since).unify().or(requests_tail).unify().or(analytics).unify().boxed()
}
