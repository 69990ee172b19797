//! `GET /dashboard` and its assets: the web dashboard (docs/dashboard.md), plain HTML, CSS
//! and JavaScript embedded in the binary with `include_str!` — no build step, nothing
//! fetched from outside the daemon.
//!
//! The page is static and served without the admin token: it holds no data. Everything it
//! shows comes from the admin API (`/api/…`), same-origin, with the token the user typed
//! sent as `Authorization: Bearer` (kept in the tab's `sessionStorage`, never in a URL).
//! Being same-origin, it passes the browser door (`daemon::admit`) on `localhost`,
//! `127.0.0.1` or an allowed LAN address alike, without CORS. This file only serves bytes;
//! it decides nothing. Composed into the routes by `admin::routes`.

use warp::http::{header, HeaderValue, StatusCode};
use warp::reply::Response;
use warp::Filter;

/// One embedded file: the name under `/dashboard/`, its content type and bytes.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static str,
}

/// The page and everything it loads. `""` is `/dashboard` itself.
const ASSETS: &[Asset] = &[
    Asset { name: "", content_type: "text/html; charset=utf-8", body: include_str!("dashboard/index.html") },
    Asset { name: "app.js", content_type: "text/javascript; charset=utf-8", body: include_str!("dashboard/app.js") },
    Asset { name: "style.css", content_type: "text/css; charset=utf-8", body: include_str!("dashboard/style.css") },
    Asset {
        name: "i18n/en.json",
        content_type: "application/json; charset=utf-8",
        body: include_str!("dashboard/i18n/en.json"),
    },
    Asset {
        name: "i18n/zh-CN.json",
        content_type: "application/json; charset=utf-8",
        body: include_str!("dashboard/i18n/zh-CN.json"),
    },
];

/// Only the daemon's own scripts, styles and API: no inline script, nothing from elsewhere.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
                   img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// `GET /dashboard`, `/dashboard/` and `/dashboard/<asset>`; any other path under it is a
/// 404 like every unknown route.
pub fn routes() -> warp::filters::BoxedFilter<(Response,)> {
    // The path first: a method check first would answer every other route's refusal
    // (a POST without its token: 401) with this one's 405.
    warp::path("dashboard")
        .and(warp::get())
        .and(warp::path::tail())
        .and_then(|tail: warp::path::Tail| async move {
            let name = tail.as_str().trim_end_matches('/');
            ASSETS.iter().find(|a| a.name == name).map(reply).ok_or_else(warp::reject::not_found)
        })
        .boxed()
}

fn reply(asset: &Asset) -> Response {
    let mut r = Response::new(asset.body.into());
    *r.status_mut() = StatusCode::OK;
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type));
    // The binary is the version: a new daemon must not run yesterday's script.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn serves_each_asset_and_404s_the_rest() {
        let f = routes();
        for (path, ct) in [
            ("/dashboard", "text/html; charset=utf-8"),
            ("/dashboard/", "text/html; charset=utf-8"),
            ("/dashboard/app.js", "text/javascript; charset=utf-8"),
            ("/dashboard/i18n/zh-CN.json", "application/json; charset=utf-8"),
        ] {
            let r = warp::test::request().path(path).reply(&f).await;
            assert_eq!(r.status(), 200, "{path}");
            assert_eq!(r.headers()[header::CONTENT_TYPE], ct, "{path}");
        }
        let r = warp::test::request().path("/dashboard/../Cargo.toml").reply(&f).await;
        assert_eq!(r.status(), 404);
        let r = warp::test::request().path("/dashboard/nope.js").reply(&f).await;
        assert_eq!(r.status(), 404);
    }

    #[test]
    fn catalogs_have_the_same_keys() {
        let keys = |s: &str| -> Vec<String> {
            let v: serde_json::Value = serde_json::from_str(s).expect("catalog is JSON");
            let mut k: Vec<String> = v.as_object().expect("catalog is an object").keys().cloned().collect();
            k.sort();
            k
        };
        let en = keys(ASSETS.iter().find(|a| a.name == "i18n/en.json").unwrap().body);
        let zh = keys(ASSETS.iter().find(|a| a.name == "i18n/zh-CN.json").unwrap().body);
        assert_eq!(en, zh, "the dashboard's English and Chinese catalogs must have the same keys");
    }

    /// Every label the page asks for (`t('key')` in app.js, `data-i18n` in index.html) is
    /// in the catalog: a missing one would show its key to the user.
    #[test]
    fn every_label_used_is_in_the_catalog() {
        let body = |n: &str| ASSETS.iter().find(|a| a.name == n).unwrap().body;
        let en: serde_json::Value = serde_json::from_str(body("i18n/en.json")).unwrap();
        let mut used = Vec::new();
        for (text, openers) in [
            (body("app.js"), &["t('", "['overview.", "['detail.", "['dry."][..]),
            (body(""), &["data-i18n=\"", "data-i18n-placeholder=\""][..]),
        ] {
            for opener in openers {
                for (at, _) in text.match_indices(opener) {
                    // `['overview.x'` keeps its prefix; `t('x'` and attributes do not.
                    let start = at + opener.len() - if opener.starts_with("['") { opener.len() - 2 } else { 0 };
                    let key: String = text[start..]
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '_')
                        .collect();
                    // `t('status.' + status)`: a prefix completed at run time.
                    if !key.is_empty() && !key.ends_with('.') {
                        used.push(key);
                    }
                }
            }
        }
        assert!(used.len() > 50, "{used:?}");
        let missing: Vec<&String> = used.iter().filter(|k| en.get(k.as_str()).is_none()).collect();
        assert!(missing.is_empty(), "labels missing from i18n/en.json: {missing:?}");
        for dynamic in [
            "status.enabled",
            "status.disabled",
            "status.rate_limited",
            "breaker.closed",
            "breaker.open",
            "breaker.half_open",
        ] {
            assert!(en.get(dynamic).is_some(), "{dynamic}");
        }
    }
}
