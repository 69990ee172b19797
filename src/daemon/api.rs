//! The admin API's envelope and error mapping: the one place an engine error becomes an
//! HTTP status and body (`{"success": true, "data": …}` or
//! `{"success": false, "error": {"code", "message"}}`), and a warp rejection becomes one.
//!
//! The status and code of an engine error are the engine's ([`engine::Error::http_status`],
//! [`engine::Error::code`]); this file must not choose them per route. Called by the admin
//! routes (`daemon::admin`) and by the browser door's refusals (`daemon::refuse`).

use rust_i18n::t;
use serde::Serialize;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::Reply;

use crate::engine;

/// `{"success": true, "data": …}` with a status.
pub fn ok_status<T: Serialize>(status: StatusCode, data: &T) -> Response {
    let body = serde_json::json!({ "success": true, "data": data });
    warp::reply::with_status(warp::reply::json(&body), status).into_response()
}

/// `{"success": true, "data": …}`, 200.
pub fn ok<T: Serialize>(data: &T) -> Response {
    ok_status(StatusCode::OK, data)
}

/// `{"success": false, "error": {"code", "message"}}`.
pub fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    let body = serde_json::json!({ "success": false, "error": { "code": code, "message": message.into() } });
    warp::reply::with_status(warp::reply::json(&body), status).into_response()
}

/// An engine error in the envelope.
pub fn engine_error(e: &engine::Error) -> Response {
    let status = StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if status.is_server_error() {
        log::error!("admin request failed: {e}");
    }
    error(status, e.code(), e.to_string())
}

/// An engine result in the envelope.
pub fn result<T: Serialize>(r: Result<T, engine::Error>, created: bool) -> Response {
    match r {
        Ok(v) => ok_status(if created { StatusCode::CREATED } else { StatusCode::OK }, &v),
        Err(e) => engine_error(&e),
    }
}

/// Parse a JSON body, or say what is wrong with it.
pub fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Box<Response>> {
    serde_json::from_slice(body).map_err(|e| {
        let msg = if body.iter().all(u8::is_ascii_whitespace) {
            t!("api.body_empty").into_owned()
        } else {
            t!("api.body_invalid", error = e).into_owned()
        };
        Box::new(error(StatusCode::BAD_REQUEST, "invalid_request", msg))
    })
}

/// Turn warp rejections into the envelope.
pub async fn recover(r: warp::Rejection) -> Result<Response, std::convert::Infallible> {
    let resp = if r.is_not_found() {
        error(StatusCode::NOT_FOUND, "not_found", t!("api.no_endpoint"))
    } else if r.find::<warp::reject::MethodNotAllowed>().is_some() {
        error(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", t!("api.method_not_allowed"))
    } else if r.find::<warp::reject::PayloadTooLarge>().is_some() {
        error(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", t!("api.body_too_large"))
    } else if let Some(e) = r.find::<warp::reject::InvalidQuery>() {
        error(StatusCode::BAD_REQUEST, "invalid_request", t!("api.query_invalid", error = e))
    } else if let Some(Unauthorized { sent }) = r.find::<Unauthorized>() {
        let msg = if *sent { t!("api.token_wrong") } else { t!("api.token_missing") };
        error(StatusCode::UNAUTHORIZED, "unauthorized", msg)
    } else {
        log::warn!("unhandled rejection: {r:?}");
        error(StatusCode::BAD_REQUEST, "invalid_request", t!("api.bad_request", detail = format!("{r:?}")))
    };
    Ok(resp)
}

/// Rejection for a missing or wrong admin token.
#[derive(Debug)]
pub struct Unauthorized {
    /// An Authorization header came (a wrong token), rather than none.
    pub sent: bool,
}
impl warp::reject::Reject for Unauthorized {}

/// Keys asked for in clear without a token: 403 in the envelope.
pub fn secrets_refused() -> Response {
    let refusal = crate::engine::access::secrets_need_token();
    error(StatusCode::FORBIDDEN, refusal.code, refusal.message)
}
