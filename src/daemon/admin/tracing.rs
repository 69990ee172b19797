//! `GET /api/tracing/stats`, `GET /api/tracing/traces?limit`, `GET /api/tracing/traces/:traceId`,
//! `GET /api/tracing/spans/:spanId`, `POST /api/tracing/clear {olderThanMs}`: the trace
//! store, read and cleared (docs/tracing.md).
//!
//! The traces are the proxy's (`engine::trace::Traces`, in memory); this file parses the
//! query and body, calls it and maps the result to the envelope. It builds no span itself.
//! Called by `admin::routes`.

use rust_i18n::t;
use serde::Deserialize;
use std::sync::Arc;
use warp::http::StatusCode;
use warp::Filter;

use super::{api_prefix, blocking, body, with_state, Routes};
use crate::daemon::api;
use crate::daemon::AppState;

/// Traces listed when the query does not say.
const DEFAULT_LIMIT: usize = 50;
/// Traces listed at most.
const MAX_LIMIT: usize = 10_000;

/// `GET /api/tracing/traces`.
#[derive(Deserialize)]
struct ListQuery {
    #[serde(default)]
    limit: Option<usize>,
}

/// `POST /api/tracing/clear`.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ClearBody {
    #[serde(default)]
    older_than_ms: Option<u64>,
}

fn not_found(what: &str, id: &str) -> warp::reply::Response {
    api::error(
        StatusCode::NOT_FOUND,
        "not_found",
        if what == "span" {
            t!("api.span_not_kept", id = format!("{id:?}"))
        } else {
            t!("api.trace_not_kept", id = format!("{id:?}"))
        },
    )
}

/// The tracing routes.
pub(super) fn routes(state: &Arc<AppState>) -> Routes {
    let s = || with_state(state.clone());
    let tracing = || api_prefix(state).and(warp::path("tracing"));

    let stats = tracing()
        .and(warp::path("stats"))
        .and(warp::path::end())
        .and(warp::get())
        .and(s())
        .map(|st: Arc<AppState>| api::ok(&st.proxy.traces().stats()));
    let list = tracing()
        .and(warp::path("traces"))
        .and(warp::path::end())
        .and(warp::get())
        .and(warp::query::<ListQuery>())
        .and(s())
        .then(|q: ListQuery, st: Arc<AppState>| async move {
            let limit = q.limit.unwrap_or(DEFAULT_LIMIT);
            if limit == 0 || limit > MAX_LIMIT {
                return api::error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    t!("api.trace_limit", max = MAX_LIMIT, got = limit),
                );
            }
            api::ok(&blocking(move || st.proxy.traces().list(limit)).await)
        });
    let trace = tracing()
        .and(warp::path("traces"))
        .and(warp::path::param::<String>())
        .and(warp::path::end())
        .and(warp::get())
        .and(s())
        .then(|id: String, st: Arc<AppState>| async move {
            let (found, id) = blocking(move || (st.proxy.traces().trace(&id), id)).await;
            match found {
                Some(t) => api::ok(&t),
                None => not_found("trace", &id),
            }
        });
    let span = tracing()
        .and(warp::path("spans"))
        .and(warp::path::param::<String>())
        .and(warp::path::end())
        .and(warp::get())
        .and(s())
        .then(|id: String, st: Arc<AppState>| async move {
            let (found, id) = blocking(move || (st.proxy.traces().span(&id), id)).await;
            match found {
                Some(sp) => api::ok(&sp),
                None => not_found("span", &id),
            }
        });
    // The body is optional: a POST without one (none or an empty one, not chunked) clears all.
    let no_body = warp::header::optional::<String>("content-length")
        .and(warp::header::optional::<String>("transfer-encoding"))
        .and_then(|cl: Option<String>, te: Option<String>| async move {
            if cl.as_deref().is_none_or(|v| v.trim() == "0") && te.is_none() {
                Ok(bytes::Bytes::new())
            } else {
                Err(warp::reject::not_found())
            }
        });
    let clear = tracing()
        .and(warp::path("clear"))
        .and(warp::path::end())
        .and(warp::post())
        .and(no_body.or(body(state)).unify())
        .and(s())
        .then(|raw: bytes::Bytes, st: Arc<AppState>| async move {
            let b = if raw.iter().all(u8::is_ascii_whitespace) {
                ClearBody::default()
            } else {
                match api::parse_json::<ClearBody>(&raw) {
                    Ok(b) => b,
                    Err(resp) => return *resp,
                }
            };
            let removed = blocking(move || st.proxy.traces().clear(b.older_than_ms)).await;
            api::ok(&serde_json::json!({ "removed": removed }))
        });

    stats.or(list).unify().or(trace).unify().or(span).unify().or(clear).unify().boxed()
}
