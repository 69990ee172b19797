//! Who may talk to the daemon from a browser: the Host, Origin and Content-Type rules that
//! keep a web page the user merely visits from rewiring or robbing a loopback Routex
//! (cross-site request forgery and DNS rebinding; see `docs/security.md`).
//!
//! Pure decisions over header values; the daemon applies them to every request before any
//! routing and renders a [`Refusal`] in the caller's own error shape. It never reads the
//! store and allocates nothing on the pass path.

use std::net::IpAddr;

use crate::secret::Secret;
use crate::util::ids::constant_eq;

/// Why a request was refused: a status, a stable code and a sentence naming the setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// HTTP status.
    pub status: u16,
    /// Stable machine code (`host_not_allowed`, `origin_not_allowed`, …).
    pub code: &'static str,
    /// What happened and how to allow it.
    pub message: String,
}

/// What the Origin check decided for a request that passed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OriginVerdict {
    /// No Origin (SDKs, the CLI, Claude Code) or the daemon's own origin: nothing to add.
    Plain,
    /// An origin listed in `server.cors_origins`: the answer carries CORS headers for it.
    Cors,
}

/// The Host and Origin rules of one daemon, built once from its configuration and the
/// address it is bound to.
#[derive(Debug, Clone, Default)]
pub struct AccessPolicy {
    /// Lower-cased names from `server.allowed_hosts` (`*.example.com` allowed; `*` = any).
    allowed_hosts: Vec<String>,
    /// Lower-cased origins from `server.cors_origins` (`https://app.example.com`).
    cors_origins: Vec<String>,
    /// The daemon listens on every address (0.0.0.0 / ::): any IP literal is its own.
    any_ip: bool,
    /// The bound IP, when not loopback or unspecified.
    bound_ip: Option<IpAddr>,
}

impl AccessPolicy {
    /// The policy for a daemon bound to `bound` with these settings.
    pub fn new(bound: Option<IpAddr>, allowed_hosts: &[String], cors_origins: &[String]) -> AccessPolicy {
        AccessPolicy {
            allowed_hosts: allowed_hosts.iter().map(|h| h.trim().to_ascii_lowercase()).collect(),
            cors_origins: cors_origins.iter().map(|o| o.trim().trim_end_matches('/').to_ascii_lowercase()).collect(),
            any_ip: bound.is_some_and(|ip| ip.is_unspecified()),
            bound_ip: bound.filter(|ip| !ip.is_unspecified() && !ip.is_loopback()),
        }
    }

    /// The Host rule: the loopback names and addresses, the bound address and
    /// `server.allowed_hosts`. A name the daemon was not told about is what a DNS-rebinding
    /// page looks like. A request without any Host (HTTP/1.0) cannot come from a browser.
    pub fn check_host(&self, host: Option<&str>) -> Result<(), Refusal> {
        let Some(host) = host else { return Ok(()) };
        let name = host_name(host);
        if self.host_allowed(name) {
            return Ok(());
        }
        Err(Refusal {
            status: 403,
            code: "host_not_allowed",
            message: format!(
                "this routex does not answer to the host name {:?}: a web page may be trying to reach it through DNS \
                 rebinding; if you reach routex under that name on purpose, add it to server.allowed_hosts in the config",
                clip(name)
            ),
        })
    }

    fn host_allowed(&self, name: &str) -> bool {
        // What nearly every request carries, without parsing an address.
        if name == "127.0.0.1" || name.eq_ignore_ascii_case("localhost") {
            return true;
        }
        if let Ok(ip) = name.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>() {
            if ip.is_loopback() || self.any_ip || Some(ip) == self.bound_ip {
                return true;
            }
        }
        self.allowed_hosts.iter().any(|pattern| host_matches(pattern, name))
    }

    /// The Origin rule. Without an `Origin` header the request is a client's (SDKs, the
    /// CLI, Claude Code send none) unless `Sec-Fetch-Site` says a browser sent it for
    /// another site (an `<img>` or `<script>` tag). With one, it must be the daemon's own
    /// origin (the origin's host and port are the request's `Host`) or be listed in
    /// `server.cors_origins`.
    pub fn check_origin(
        &self,
        origin: Option<&str>,
        host: Option<&str>,
        fetch_site: Option<&str>,
    ) -> Result<OriginVerdict, Refusal> {
        let Some(origin) = origin else {
            return match fetch_site {
                Some(site) if !site.eq_ignore_ascii_case("same-origin") && !site.eq_ignore_ascii_case("none") => {
                    Err(Refusal {
                        status: 403,
                        code: "origin_not_allowed",
                        message: format!(
                            "a browser sent this request for another site (Sec-Fetch-Site: {}); routex answers web \
                             pages only from its own origin or from server.cors_origins",
                            clip(site)
                        ),
                    })
                }
                _ => Ok(OriginVerdict::Plain),
            };
        };
        let trimmed = origin.trim().trim_end_matches('/');
        if let (Some(host), Some(authority)) = (host, origin_authority(trimmed)) {
            if same_authority(authority, host, trimmed.starts_with("https://")) {
                return Ok(OriginVerdict::Plain);
            }
        }
        if self.cors_origins.iter().any(|o| o.eq_ignore_ascii_case(trimmed)) {
            return Ok(OriginVerdict::Cors);
        }
        Err(Refusal {
            status: 403,
            code: "origin_not_allowed",
            message: format!(
                "requests from web pages at {:?} are refused: a page in your browser must not drive routex; to allow \
                 a web app of your own, add its origin to server.cors_origins in the config",
                clip(trimmed)
            ),
        })
    }
}

/// The media type of a `Content-Type` value, parameters and spaces left out.
fn essence(content_type: &str) -> &str {
    let end = memchr::memchr(b';', content_type.as_bytes()).unwrap_or(content_type.len());
    content_type[..end].trim()
}

/// Whether a `Content-Type` is JSON (`application/json`, parameters allowed).
pub fn is_json(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|ct| ct == "application/json" || essence(ct).eq_ignore_ascii_case("application/json"))
}

/// Whether a `Content-Type` is one a browser may send cross-site without asking first
/// (a "simple request": `text/plain`, a form, a multipart form).
pub fn is_browser_simple(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|ct| {
        if ct == "application/json" {
            return false;
        }
        let essence = essence(ct);
        ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
            .iter()
            .any(|t| essence.eq_ignore_ascii_case(t))
    })
}

/// The refusal for an admin API write that is not JSON.
pub fn admin_needs_json(content_type: Option<&str>) -> Refusal {
    Refusal {
        status: 415,
        code: "unsupported_media_type",
        message: format!(
            "admin API writes take JSON: send Content-Type: application/json (got {}); this keeps web pages from \
             posting forms to routex",
            content_type.map(|c| format!("{:?}", clip(c))).unwrap_or_else(|| "none".into())
        ),
    }
}

/// The refusal for a proxied request with a browser form content type.
pub fn proxy_needs_json(content_type: &str) -> Refusal {
    Refusal {
        status: 415,
        code: "unsupported_media_type",
        message: format!(
            "this endpoint takes JSON: send Content-Type: application/json (got {:?}); form and text bodies are \
             refused so that web pages cannot send prompts through routex",
            clip(content_type)
        ),
    }
}

/// The refusal for a request that asks for keys in clear without a token.
pub fn secrets_need_token() -> Refusal {
    Refusal {
        status: 403,
        code: "secrets_need_token",
        message: "keys in clear are only given to a caller with a token: set server.admin_token in the config (or \
                  ROUTEX_ADMIN_TOKEN when starting the daemon) and send Authorization: Bearer <token>; the routex CLI \
                  on this machine sends the daemon's local token from daemon.json by itself"
            .into(),
    }
}

/// Whether `Authorization: Bearer …` carries the admin token or the daemon's local token
/// (written to `daemon.json`, mode 0600, for the CLI of the same user). Compared in
/// constant time.
pub fn token_accepted(authorization: Option<&str>, admin: Option<&Secret>, local: Option<&Secret>) -> bool {
    let Some(given) = authorization.and_then(|v| v.strip_prefix("Bearer ")).map(str::trim) else {
        return false;
    };
    [admin, local].into_iter().flatten().any(|t| !t.is_empty() && constant_eq(given.as_bytes(), t.expose().as_bytes()))
}

/// A fresh local token: 32 bytes from the OS generator, as hex. The daemon makes one per
/// start and writes it to `daemon.json` (mode 0600), so the CLI of the same user can prove
/// it may see keys without an admin token being configured; a web page cannot read it.
pub fn new_local_token() -> Secret {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).expect("the OS random generator");
    Secret::new(bytes.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

/// What is wrong with an entry of `server.allowed_hosts` or `server.cors_origins`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingError {
    /// An empty host entry.
    #[error("an entry is empty; write a host name such as routex.internal")]
    EmptyHost,
    /// A URL or something with spaces where a host name belongs.
    #[error("{0:?} is not a host name; write the name alone (routex.internal), without scheme or path")]
    NotAHostName(String),
    /// `*` anywhere but alone or as a leading `*.`.
    #[error("{0:?}: `*` is allowed only as the whole entry or as a leading `*.` (*.example.com)")]
    BadWildcard(String),
    /// Not parseable as an http(s) origin.
    #[error("{0:?} is not an http(s) origin; {ORIGIN_FIX}")]
    NotAnOrigin(String),
    /// A path, query, fragment or user info after the origin.
    #[error("{0:?} has more than scheme, host and port; {ORIGIN_FIX}")]
    MoreThanOrigin(String),
}

const ORIGIN_FIX: &str = "write an origin as a browser sends it: https://app.example.com or http://localhost:5173";

/// Check an entry of `server.allowed_hosts`.
pub fn validate_allowed_host(entry: &str) -> Result<(), SettingError> {
    let e = entry.trim();
    if e.is_empty() {
        return Err(SettingError::EmptyHost);
    }
    if e.contains("://") || e.contains('/') || e.chars().any(|c| c.is_whitespace()) {
        return Err(SettingError::NotAHostName(e.to_string()));
    }
    let wildcard_ok = e == "*" || e.strip_prefix("*.").is_some_and(|rest| !rest.contains('*'));
    if e.contains('*') && !wildcard_ok {
        return Err(SettingError::BadWildcard(e.to_string()));
    }
    Ok(())
}

/// Check an entry of `server.cors_origins`: `scheme://host[:port]`, nothing after.
pub fn validate_cors_origin(entry: &str) -> Result<(), SettingError> {
    let e = entry.trim().trim_end_matches('/');
    let url = url::Url::parse(e).map_err(|_| SettingError::NotAnOrigin(e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(SettingError::NotAnOrigin(e.to_string()));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err(SettingError::MoreThanOrigin(e.to_string()));
    }
    Ok(())
}

/// The name part of a Host value (`[::1]:3000` → `[::1]`, `Localhost:3000` → `Localhost`).
fn host_name(host: &str) -> &str {
    let host = host.trim();
    let b = host.as_bytes();
    if b.first() == Some(&b'[') {
        return memchr::memchr(b']', b).map_or(host, |i| &host[..=i]);
    }
    memchr::memrchr(b':', b).map_or(host, |i| &host[..i])
}

/// `*` matches anything, `*.example.com` any subdomain of it, anything else itself.
fn host_matches(pattern: &str, name: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    if let Some(suffix) = pattern.strip_prefix("*.") {
        return name.len() > suffix.len() + 1
            && name[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
            && name.as_bytes()[name.len() - suffix.len() - 1] == b'.';
    }
    pattern.eq_ignore_ascii_case(name)
}

/// `http://host:port` → `host:port`.
fn origin_authority(origin: &str) -> Option<&str> {
    origin.strip_prefix("http://").or_else(|| origin.strip_prefix("https://"))
}

/// Whether an origin's authority and a Host value name the same host and port (the default
/// port of the scheme written or not).
fn same_authority(authority: &str, host: &str, https: bool) -> bool {
    let default = if https { ":443" } else { ":80" };
    let a = authority.strip_suffix(default).unwrap_or(authority);
    let h = host.trim();
    let h = h.strip_suffix(default).unwrap_or(h);
    a.eq_ignore_ascii_case(h)
}

/// Header values are client input: keep what is echoed in a message short.
fn clip(s: &str) -> &str {
    match s.char_indices().nth(100) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(bound: &str, hosts: &[&str], origins: &[&str]) -> AccessPolicy {
        let h: Vec<String> = hosts.iter().map(|s| s.to_string()).collect();
        let o: Vec<String> = origins.iter().map(|s| s.to_string()).collect();
        AccessPolicy::new(Some(bound.parse().unwrap()), &h, &o)
    }

    #[test]
    fn loopback_names_pass_and_rebinding_names_do_not() {
        let p = policy("127.0.0.1", &[], &[]);
        for ok in ["127.0.0.1:3000", "localhost:3000", "LOCALHOST", "[::1]:3000", "127.0.0.2", "localhost"] {
            assert!(p.check_host(Some(ok)).is_ok(), "{ok}");
        }
        assert!(p.check_host(None).is_ok());
        let e = p.check_host(Some("evil.example:3000")).unwrap_err();
        assert_eq!((e.status, e.code), (403, "host_not_allowed"));
        assert!(e.message.contains("\"evil.example\"") && e.message.contains("server.allowed_hosts"), "{}", e.message);
        assert!(p.check_host(Some("192.168.1.9:3000")).is_err(), "another address is not ours");
        assert!(p.check_host(Some("localhost.evil.example")).is_err());
    }

    #[test]
    fn allowed_hosts_and_the_bound_address() {
        let p = policy("10.1.2.3", &["routex.internal", "*.corp.example"], &[]);
        assert!(p.check_host(Some("10.1.2.3:3000")).is_ok());
        assert!(p.check_host(Some("ROUTEX.internal:3000")).is_ok());
        assert!(p.check_host(Some("a.corp.example")).is_ok());
        assert!(p.check_host(Some("corp.example")).is_err(), "*. needs a subdomain");
        assert!(p.check_host(Some("evilcorp.example")).is_err());
        let any = policy("0.0.0.0", &[], &[]);
        assert!(any.check_host(Some("192.168.1.9:3000")).is_ok(), "bound to every address: every IP is ours");
        assert!(any.check_host(Some("evil.example")).is_err());
        assert!(policy("127.0.0.1", &["*"], &[]).check_host(Some("anything")).is_ok());
    }

    #[test]
    fn origins_own_listed_and_foreign() {
        let p = policy("127.0.0.1", &[], &["http://localhost:5173"]);
        assert_eq!(p.check_origin(None, Some("127.0.0.1:3000"), None), Ok(OriginVerdict::Plain));
        assert_eq!(
            p.check_origin(Some("http://127.0.0.1:3000"), Some("127.0.0.1:3000"), Some("same-origin")),
            Ok(OriginVerdict::Plain)
        );
        assert_eq!(p.check_origin(Some("http://localhost"), Some("localhost:80"), None), Ok(OriginVerdict::Plain));
        assert_eq!(
            p.check_origin(Some("http://localhost:5173/"), Some("127.0.0.1:3000"), None),
            Ok(OriginVerdict::Cors)
        );
        // localhost vs 127.0.0.1 is another origin (claude-code-router #1154's confusion).
        let e = p.check_origin(Some("http://localhost:3000"), Some("127.0.0.1:3000"), None).unwrap_err();
        assert_eq!(e.code, "origin_not_allowed");
        assert!(e.message.contains("server.cors_origins"), "{}", e.message);
        assert!(p.check_origin(Some("https://evil.example"), Some("127.0.0.1:3000"), None).is_err());
        assert!(p.check_origin(Some("null"), Some("127.0.0.1:3000"), None).is_err());
        assert!(p.check_origin(None, Some("127.0.0.1:3000"), Some("cross-site")).is_err());
        assert!(p.check_origin(None, Some("127.0.0.1:3000"), Some("none")).is_ok());
    }

    #[test]
    fn content_types() {
        assert!(is_json(Some("application/json")) && is_json(Some("Application/JSON; charset=utf-8")));
        assert!(!is_json(Some("text/plain")) && !is_json(None));
        for t in
            ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; b=x"]
        {
            assert!(is_browser_simple(Some(t)), "{t}");
        }
        assert!(!is_browser_simple(Some("application/json")) && !is_browser_simple(None));
    }

    #[test]
    fn tokens() {
        let admin = Secret::new("admin-token-1");
        let local = Secret::new("local-token-2");
        assert!(token_accepted(Some("Bearer admin-token-1"), Some(&admin), Some(&local)));
        assert!(token_accepted(Some("Bearer local-token-2"), Some(&admin), Some(&local)));
        assert!(token_accepted(Some("Bearer local-token-2"), None, Some(&local)));
        assert!(!token_accepted(Some("Bearer nope"), Some(&admin), Some(&local)));
        assert!(!token_accepted(None, Some(&admin), Some(&local)));
        assert!(!token_accepted(Some("Bearer "), Some(&Secret::new("")), None), "an empty token is no token");
    }

    #[test]
    fn config_entries_are_validated() {
        assert!(validate_allowed_host("routex.internal").is_ok());
        assert!(validate_allowed_host("*.corp.example").is_ok() && validate_allowed_host("*").is_ok());
        assert!(validate_allowed_host("http://x").unwrap_err().to_string().contains("without scheme"));
        assert!(validate_allowed_host("a*b").is_err() && validate_allowed_host(" ").is_err());
        assert!(validate_cors_origin("https://app.example.com").is_ok());
        assert!(validate_cors_origin("http://localhost:5173/").is_ok());
        assert!(validate_cors_origin("app.example.com").is_err());
        assert!(validate_cors_origin("https://app.example.com/path")
            .unwrap_err()
            .to_string()
            .contains("more than scheme"));
        assert!(validate_cors_origin("ftp://x").is_err());
    }
}
