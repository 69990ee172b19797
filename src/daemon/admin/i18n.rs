//! `GET|PUT /api/i18n/locale`: the daemon's language (docs/i18n.md) — the one its admin API
//! error messages are worded in.
//!
//! Parsing a language name and storing it are the engine's (`Engine::set_locale`); this
//! file switches the process to it (`crate::i18n::set`) and maps the result to HTTP. Called by `admin::routes`.

use serde::Deserialize;
use std::sync::Arc;
use warp::Filter;

use super::{api_prefix, blocking, body, with_state, Routes};
use crate::daemon::api;
use crate::daemon::AppState;

/// `PUT /api/i18n/locale`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LocaleBody {
    locale: String,
}

/// What both methods answer: the language in force and the ones there are.
fn current() -> serde_json::Value {
    serde_json::json!({ "locale": crate::i18n::current(), "available": crate::i18n::LOCALES })
}

/// The language routes.
pub(super) fn routes(state: &Arc<AppState>) -> Routes {
    let s = || with_state(state.clone());
    let locale = || api_prefix(state).and(warp::path("i18n")).and(warp::path("locale")).and(warp::path::end());

    let get = locale().and(warp::get()).map(|| api::ok(&current()));
    let put =
        locale().and(warp::put()).and(body(state)).and(s()).then(|b: bytes::Bytes, st: Arc<AppState>| async move {
            let req: LocaleBody = match api::parse_json(&b) {
                Ok(l) => l,
                Err(r) => return *r,
            };
            let stored = blocking(move || st.engine.set_locale(&req.locale)).await;
            api::result(
                stored.map(|l| {
                    crate::i18n::set(l);
                    current()
                }),
                false,
            )
        });

    get.or(put).unify().boxed()
}
