//! `/api/tee` (list, add), `/api/tee/:id` (get, edit, delete) and `POST /api/tee/:id/test`.
//!
//! Validation, storage and masking are the engine's (`engine::tee`); the counts come from
//! the daemon's runner (`engine::sinks::TeeRunner`). This file parses bodies and maps
//! results to HTTP. Called by `admin::routes`.

use std::sync::Arc;
use warp::Filter;

use super::{api_prefix, blocking, body, with_state, Routes};
use crate::daemon::api;
use crate::daemon::AppState;
use crate::engine::sinks;
use crate::engine::tee::{Tee, TeePatch, TeeSpec, TeeView};

fn view(st: &AppState, t: &Tee) -> TeeView {
    let mut v = t.view();
    v.stats = st.tees.as_ref().map(|r| r.stats().remove(&t.id).unwrap_or_default());
    v
}

/// The tee routes.
pub(super) fn routes(state: &Arc<AppState>) -> Routes {
    let s = || with_state(state.clone());
    let tees = || api_prefix(state).and(warp::path("tee"));
    let list = tees().and(warp::path::end()).and(warp::get()).and(s()).map(|st: Arc<AppState>| {
        let views: Vec<TeeView> = st.engine.list_tees().iter().map(|t| view(&st, t)).collect();
        api::ok(&views)
    });
    let add = tees().and(warp::path::end()).and(warp::post()).and(body(state)).and(s()).then(
        |b: bytes::Bytes, st: Arc<AppState>| async move {
            let spec: TeeSpec = match api::parse_json(&b) {
                Ok(s) => s,
                Err(r) => return *r,
            };
            let s2 = st.clone();
            api::result(blocking(move || s2.engine.add_tee(&spec)).await.map(|t| view(&st, &t)), true)
        },
    );
    let get = tees()
        .and(warp::path::param::<String>())
        .and(warp::path::end())
        .and(warp::get())
        .and(s())
        .map(|id: String, st: Arc<AppState>| api::result(st.engine.find_tee(&id).map(|t| view(&st, &t)), false));
    let put = tees()
        .and(warp::path::param::<String>())
        .and(warp::path::end())
        .and(warp::put())
        .and(body(state))
        .and(s())
        .then(|id: String, b: bytes::Bytes, st: Arc<AppState>| async move {
            let patch: TeePatch = match api::parse_json(&b) {
                Ok(s) => s,
                Err(r) => return *r,
            };
            let s2 = st.clone();
            api::result(blocking(move || s2.engine.edit_tee(&id, &patch)).await.map(|t| view(&st, &t)), false)
        });
    let delete = tees().and(warp::path::param::<String>()).and(warp::path::end()).and(warp::delete()).and(s()).then(
        |id: String, st: Arc<AppState>| async move {
            api::result(blocking(move || st.engine.remove_tee(&id)).await.map(|t| t.view()), false)
        },
    );
    let test = tees()
        .and(warp::path::param::<String>())
        .and(warp::path("test"))
        .and(warp::path::end())
        .and(warp::post())
        .and(s())
        .then(|id: String, st: Arc<AppState>| async move {
            let tee = match st.engine.find_tee(&id) {
                Ok(t) => t,
                Err(e) => return api::engine_error(&e),
            };
            let (dir, env) = (st.data_dir.clone(), st.engine.env.clone());
            let r = blocking(move || sinks::test_tee(&tee, &dir, &env)).await;
            api::ok(&r)
        });
    list.or(add).unify().or(get).unify().or(put).unify().or(delete).unify().or(test).unify().boxed()
}
