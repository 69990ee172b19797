//! `GET /api/providers`, `GET /api/transformers` and `POST /api/transformers/test`.
//!
//! The provider list is `engine::channel`'s, the transformer catalog `engine::transform`'s,
//! and the dry run — its fields, defaults, messages and answer — is
//! `engine::transform::dry_run`'s. This file parses the body and answers 200, or 400
//! `invalid_request` with the engine's message; it must not check a dry-run field itself.
//! Called by `admin::routes`.

use std::sync::Arc;
use warp::http::StatusCode;
use warp::Filter;

use super::{api_prefix, body, Routes};
use crate::daemon::api;
use crate::daemon::AppState;
use crate::engine::transform::dry_run::{self, DryRun};

/// The provider and transformer routes.
pub(super) fn routes(state: &Arc<AppState>) -> Routes {
    let api = || api_prefix(state);

    let providers = api()
        .and(warp::path("providers"))
        .and(warp::path::end())
        .and(warp::get())
        .map(|| api::ok(&crate::engine::channel::providers()));
    let transformers = api().and(warp::path("transformers")).and(warp::path::end()).and(warp::get()).map(|| {
        let list: Vec<_> = crate::engine::transform::catalog()
            .into_iter()
            .map(|(name, what)| serde_json::json!({"name": name, "description": what}))
            .collect();
        api::ok(&list)
    });
    let transformers_test = api()
        .and(warp::path("transformers"))
        .and(warp::path("test"))
        .and(warp::path::end())
        .and(warp::post())
        .and(body(state))
        .map(|b: bytes::Bytes| match api::parse_json::<DryRun>(&b) {
            Ok(req) => match dry_run::run(req) {
                Ok(v) => api::ok(&v),
                Err(e) => api::error(StatusCode::BAD_REQUEST, "invalid_request", e.to_string()),
            },
            Err(r) => *r,
        });

    providers.or(transformers).unify().or(transformers_test).unify().boxed()
}
