//! The one check of query parameters for every admin route: a parameter the endpoint does
//! not take is a 400 naming it (and the ones it takes), never silently ignored.
//!
//! What each endpoint takes is read from its line in [`super::ENDPOINTS`]
//! (`GET /api/requests?limit&offset`: `limit` and `offset`; no `?`: none), so the list
//! `GET /api` shows and the check cannot disagree. `admin::routes` puts [`known`] in front
//! of every resource; a path no line names is left to the routes (a 404). It decides
//! nothing else: the values are the handlers' to read.

use rust_i18n::t;
use warp::http::Method;
use warp::path::FullPath;
use warp::Filter;

use super::ENDPOINTS;

/// A query parameter the endpoint does not take: the message says which and what it takes.
#[derive(Debug)]
pub(super) struct UnknownQuery(pub String);
impl warp::reject::Reject for UnknownQuery {}

/// Rejects with [`UnknownQuery`] a request whose query names a parameter its endpoint's
/// line in [`ENDPOINTS`] does not list.
pub(super) fn known() -> impl Filter<Extract = (), Error = warp::Rejection> + Clone {
    warp::method()
        .and(warp::path::full())
        .and(warp::query::raw().or(warp::any().map(String::new)).unify())
        .and_then(|method: Method, path: FullPath, query: String| async move {
            match unknown(ENDPOINTS, method.as_str(), path.as_str(), &query) {
                None => Ok(()),
                Some(msg) => Err(warp::reject::custom(UnknownQuery(msg))),
            }
        })
        .untuple_one()
}

/// The parameters the endpoint `method path` takes, as its line in `endpoints` lists them:
/// `None` when no line names the path (the routes answer it), else the line's pattern and
/// its parameters. A literal segment beats a `:param` one (`/api/channels/export` is not
/// `/api/channels/:id`). `HEAD` is read as `GET`.
pub fn endpoint<'a>(endpoints: &[&'a str], method: &str, path: &str) -> Option<(&'a str, Vec<&'a str>)> {
    let method = if method.eq_ignore_ascii_case("HEAD") { "GET" } else { method };
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let mut best: Option<(usize, &'a str, Vec<&'a str>)> = None;
    for line in endpoints {
        let Some((methods, rest)) = line.split_once(' ') else { continue };
        if !methods.split('|').any(|m| m.eq_ignore_ascii_case(method)) {
            continue;
        }
        let (pattern, params) = rest.split_once('?').unwrap_or((rest, ""));
        let want: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
        if want.len() != segments.len() || !want.iter().zip(&segments).all(|(w, s)| w.starts_with(':') || w == s) {
            continue;
        }
        let literal = want.iter().filter(|w| !w.starts_with(':')).count();
        if best.as_ref().is_none_or(|(l, _, _)| literal > *l) {
            best = Some((literal, pattern, params.split('&').filter(|p| !p.is_empty()).collect()));
        }
    }
    best.map(|(_, pattern, params)| (pattern, params))
}

/// The message for the first parameter of `query` the endpoint does not take, if any.
pub fn unknown(endpoints: &[&str], method: &str, path: &str, query: &str) -> Option<String> {
    let (pattern, params) = endpoint(endpoints, method, path)?;
    let name = query
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| kv.split_once('=').map_or(kv, |(k, _)| k))
        .find(|k| !params.contains(k))?;
    let takes =
        if params.is_empty() { t!("api.query_takes_none") } else { t!("api.query_takes", params = params.join(", ")) };
    let hint = crate::util::suggest::did_you_mean(name, params.iter().copied());
    let name = format!("{name:?}");
    Some(
        t!("api.query_unknown", name = name, method = method, pattern = pattern, hint = hint, takes = takes)
            .into_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINES: &[&str] = &[
        "GET /api/channels?show_secrets",
        "GET /api/channels/:id?show_secrets",
        "DELETE /api/channels/:id?force",
        "GET /api/channels/export?include_secrets",
        "GET /api/analytics?since",
    ];

    #[test]
    fn a_parameter_the_line_does_not_list_is_named() {
        assert_eq!(unknown(LINES, "GET", "/api/analytics", "since=1h"), None);
        assert_eq!(
            unknown(LINES, "GET", "/api/analytics", "sinse=5m").as_deref(),
            Some("unknown query parameter \"sinse\" on GET /api/analytics (did you mean since?); it takes: since")
        );
        // The literal segment wins over `:id`; the method picks the line.
        assert_eq!(unknown(LINES, "GET", "/api/channels/export", "include_secrets=true"), None);
        assert!(unknown(LINES, "GET", "/api/channels/export", "show_secrets=true").is_some());
        assert_eq!(unknown(LINES, "DELETE", "/api/channels/ch_1", "force=true"), None);
        assert!(unknown(LINES, "GET", "/api/channels/ch_1", "force=true").unwrap().contains("\"force\""));
        // A path no line names is the routes' to answer.
        assert_eq!(unknown(LINES, "GET", "/v1/models", "x=1"), None);
        assert_eq!(unknown(LINES, "GET", "/api/channels/", ""), None);
    }
}
