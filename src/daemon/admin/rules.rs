//! `/api/routing/rules` (list, add, get, edit, delete, enable / disable) and
//! `POST /api/routing/test`.
//!
//! Rule validation and evaluation are the engine's (`engine::rules`, `engine::routing`);
//! the route test runs the proxy's own decision (`Proxy::test_route`). This file parses the
//! bodies and maps results to HTTP; it must not evaluate or judge a rule itself. Called by
//! `admin::routes`; [`RouteTestBody`] and [`header_pairs`] are re-exported by `admin` for
//! anything that speaks the route-test body.

use rust_i18n::t;
use serde::Deserialize;
use std::sync::Arc;
use warp::http::StatusCode;
use warp::Filter;

use super::{api_prefix, blocking, body, with_state, Routes};
use crate::daemon::api;
use crate::daemon::AppState;
use crate::engine::rules::RulePatch;
use crate::engine::rules::RuleSpec;
use crate::protocol::Protocol;

/// `POST /api/routing/test`: a request body, optionally its protocol and headers.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteTestBody {
    /// The request as a client would send it.
    pub request: serde_json::Value,
    /// `anthropic` (default) or `openai`.
    #[serde(default)]
    pub protocol: Option<Protocol>,
    /// Request headers, `[[name, value], …]` or `{name: value}`.
    #[serde(default)]
    pub headers: Option<serde_json::Value>,
}

/// Headers given as pairs or as an object.
pub fn header_pairs(v: Option<&serde_json::Value>) -> Vec<(String, String)> {
    match v {
        Some(serde_json::Value::Object(m)) => m
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())))
            .collect(),
        Some(serde_json::Value::Array(a)) => a
            .iter()
            .filter_map(|p| {
                let p = p.as_array()?;
                Some((p.first()?.as_str()?.to_string(), p.get(1)?.as_str()?.to_string()))
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The routing-rule routes and the route test.
pub(super) fn routes(state: &Arc<AppState>) -> Routes {
    let s = || with_state(state.clone());
    let api = || api_prefix(state);

    let rules = || api().and(warp::path("routing")).and(warp::path("rules"));
    let rule_list = rules()
        .and(warp::path::end())
        .and(warp::get())
        .and(s())
        .map(|st: Arc<AppState>| api::ok(&st.engine.rule_views()));
    let rule_add = rules().and(warp::path::end()).and(warp::post()).and(body(state)).and(s()).then(
        |b: bytes::Bytes, st: Arc<AppState>| async move {
            let spec: RuleSpec = match api::parse_json(&b) {
                Ok(s) => s,
                Err(r) => return *r,
            };
            api::result(blocking(move || st.engine.add_rule(&spec)).await, true)
        },
    );
    let rule_get = rules()
        .and(warp::path::param::<String>())
        .and(warp::path::end())
        .and(warp::get())
        .and(s())
        .map(|id: String, st: Arc<AppState>| api::result(st.engine.find_rule(&id), false));
    let rule_put = rules()
        .and(warp::path::param::<String>())
        .and(warp::path::end())
        .and(warp::put())
        .and(body(state))
        .and(s())
        .then(|id: String, b: bytes::Bytes, st: Arc<AppState>| async move {
            let patch: RulePatch = match api::parse_json(&b) {
                Ok(s) => s,
                Err(r) => return *r,
            };
            api::result(blocking(move || st.engine.edit_rule(&id, patch)).await, false)
        });
    let rule_delete =
        rules().and(warp::path::param::<String>()).and(warp::path::end()).and(warp::delete()).and(s()).then(
            |id: String, st: Arc<AppState>| async move {
                api::result(blocking(move || st.engine.remove_rule(&id)).await, false)
            },
        );
    let rule_toggle = rules()
        .and(warp::path::param::<String>())
        .and(warp::path::param::<String>())
        .and(warp::path::end())
        .and(warp::post())
        .and(s())
        .then(|id: String, action: String, st: Arc<AppState>| async move {
            let enabled = match action.as_str() {
                "enable" => true,
                "disable" => false,
                _ => {
                    return api::error(
                        StatusCode::NOT_FOUND,
                        "not_found",
                        t!("api.rule_action", action = format!("{action:?}")),
                    )
                }
            };
            api::result(blocking(move || st.engine.set_rule_enabled(&id, enabled)).await, false)
        });
    let route_test = api()
        .and(warp::path("routing"))
        .and(warp::path("test"))
        .and(warp::path::end())
        .and(warp::post())
        .and(body(state))
        .and(s())
        .then(|b: bytes::Bytes, st: Arc<AppState>| async move {
            let req: RouteTestBody = match api::parse_json(&b) {
                Ok(s) => s,
                Err(r) => return *r,
            };
            let headers = header_pairs(req.headers.as_ref());
            let protocol = req.protocol.unwrap_or(Protocol::Anthropic);
            api::result(blocking(move || st.proxy.test_route(protocol, &req.request, &headers)).await, false)
        });

    rule_list
        .or(rule_add)
        .unify()
        .or(rule_get)
        .unify()
        .or(rule_put)
        .unify()
        .or(rule_delete)
        .unify()
        .or(rule_toggle)
        .unify()
        .or(route_test)
        .unify()
        .boxed()
}

#[cfg(test)]
mod tests {
    use super::header_pairs;
    use serde_json::json;

    #[test]
    fn headers_come_as_pairs_or_as_an_object() {
        let pairs = |v: serde_json::Value| header_pairs(Some(&v));
        assert_eq!(
            pairs(json!([["x-a", "b"], ["x-c", "d"]])),
            [("x-a".into(), "b".into()), ("x-c".into(), "d".into())]
        );
        assert_eq!(pairs(json!({"x-a": "b", "n": 1})), [("x-a".into(), "b".into()), ("n".into(), "1".into())]);
        // Malformed pairs are skipped; anything else is no headers.
        assert_eq!(pairs(json!([["x-a"], ["x-b", 2], "x", ["x-c", "d"]])), [("x-c".to_string(), "d".to_string())]);
        assert!(pairs(json!("x-a: b")).is_empty());
        assert!(header_pairs(None).is_empty());
    }
}
