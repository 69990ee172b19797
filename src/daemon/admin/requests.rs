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

/// `GET /api/analytics?since=`: the window's start (RFC 3339, unix ms or an age like
/// `1h`; default 24 h). Any other parameter is a 400 naming it (`admin::query`).
#[derive(Deserialize)]
struct AnalyticsQuery {
    #[serde(default)]
    since: Option<String>,
}

/// Longest a read of the log waits for the records queued when it came
/// ([`written_so_far`]): the writer's flush interval and a margin.
const SETTLE_MAX: std::time::Duration = std::time::Duration::from_millis(1_500);

/// Wait until the records queued when the read came are in the store, at most
/// [`SETTLE_MAX`], so that `routex logs` or `routex stats` right after a request shows it
/// (the writer appends once a second, off the request path). Nothing queued: no wait.
/// Records are written in the order queued, and each is announced once written, so the
/// wait ends after as many announcements as were queued.
async fn written_so_far(st: &AppState) {
    let recorder = st.proxy.recorder();
    let mut written = recorder.subscribe();
    let mut pending = recorder.queued();
    let deadline = tokio::time::Instant::now() + SETTLE_MAX;
    while pending > 0 {
        match tokio::time::timeout_at(deadline, written.recv()).await {
            Ok(Ok(_)) => pending -= 1,
            Ok(Err(tokio::sync::broadcast::error::RecvError::Lagged(n))) => {
                pending = pending.saturating_sub(usize::try_from(n).unwrap_or(usize::MAX))
            }
            Ok(Err(tokio::sync::broadcast::error::RecvError::Closed)) | Err(_) => return,
        }
    }
}

/// The request-log routes.
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
            written_so_far(&st).await;
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
            written_so_far(&st).await;
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
            written_so_far(&st).await;
            api::result(
                blocking(move || {
                    let cursor = q.cursor.as_deref().map(str::parse::<records::Cursor>).transpose()?;
                    records::tail(st.engine.store(), cursor, q.limit.unwrap_or(200).min(1000))
                })
                .await,
                false,
            )
        });
    // Any parameter but `since` is refused before this by `query::known`.
    let analytics = api()
        .and(warp::path("analytics"))
        .and(warp::path::end())
        .and(warp::get())
        .and(warp::query::<AnalyticsQuery>())
        .and(s())
        .then(|q: AnalyticsQuery, st: Arc<AppState>| async move {
            written_so_far(&st).await;
            api::result(
                blocking(move || st.engine.analytics(q.since.as_deref(), crate::util::time::now_ms())).await,
                false,
            )
        });

    requests.or(requests_since).unify().or(requests_tail).unify().or(analytics).unify().boxed()
}
