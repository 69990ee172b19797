//! `routex diagnose`: every check a broken setup needs, each ✓, ! or ✗ with the fix for
//! a ✗ — the data directory, the store and its lock holder, the config file, the daemon
//! and its version, the port and who holds it, disk space, and per enabled channel its
//! DNS, TCP connect, one authenticated request (TLS included) and the upstream's clock —
//! plus the request log and each channel's error rate when a daemon runs.
//!
//! Network checks have their own timeouts and run concurrently, so the command ends in
//! seconds even when everything is down. Exit 1 when any check is ✗.

use clap::Args;
use rust_i18n::t;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::output::{Check, Printer, Verdict};
use super::{backend, daemon_ctl, Cli};
use crate::engine::config::Config;
use crate::paths;

/// Each DNS lookup and TCP connect.
const NET_TIMEOUT: Duration = Duration::from_secs(3);
/// The authenticated request to each channel.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(6);
/// Clock skew from an upstream worth a warning (request signatures and token expiry
/// start to fail around here), and a failure.
const SKEW_WARN_S: i64 = 60;
const SKEW_FAIL_S: i64 = 300;

/// `routex diagnose`
#[derive(Args, Debug)]
pub struct DiagnoseArgs {
    /// The config file to check (also what `serve --config` would read)
    #[arg(long, short = 'c', value_name = "FILE", env = "ROUTEX_CONFIG")]
    pub config: Option<PathBuf>,
    /// The port to check [default: server.port of the config, else 3000]
    #[arg(long, short = 'p')]
    pub port: Option<u16>,
}

/// Check names: identifiers in JSON output, the same in every language.
const CONFIG_FILE: &str = "config file"; // i18n: not prose
const REQUEST_LOG: &str = "request log"; // i18n: not prose
/// Fixes that are a command, the same in every language.
const RESTART: &str = "routex restart"; // i18n: not prose
const CHANNEL_ADD: &str = "routex channel add …"; // i18n: not prose

fn check(name: impl Into<String>, verdict: Verdict, detail: impl Into<String>, fix: Option<String>) -> Check {
    Check { check: name.into(), verdict, detail: detail.into(), fix }
}

/// Run every check; 0 when none is ✗, else 1.
pub fn run(cli: &Cli, args: &DiagnoseArgs, printer: &Printer) -> anyhow::Result<u8> {
    let data_dir = paths::data_dir(cli.data_dir.as_deref());
    let mut checks = Vec::new();
    checks.push(data_dir_check(&data_dir));
    let (config, config_check) = config_check(args.config.as_deref());
    checks.push(config_check);
    let (daemon, stale) = daemon_ctl::find(&data_dir);
    checks.push(daemon_check(&daemon, stale));
    checks.push(store_check(&data_dir, daemon.as_ref()));
    let port = args.port.or(config.as_ref().map(|c| c.server.port)).unwrap_or(3000);
    checks.push(port_check(port, daemon.as_ref()));
    checks.push(disk_check(&data_dir));

    // Channels: from the daemon when one runs (it holds the store), else the local store.
    let spinner = printer.spinner(&t!("cli.diagnose.checking"));
    let channel_checks = match backend::connect(cli) {
        Ok(b) => channel_checks(b.as_ref()),
        Err(e) => vec![check(
            "channels",
            Verdict::Fail,
            t!("cli.diagnose.channels_unreadable", error = format!("{e:#}")),
            None,
        )],
    };
    drop(spinner);
    checks.extend(channel_checks);
    if let Some(info) = &daemon {
        checks.extend(daemon_health_checks(cli, info));
    }
    printer.diagnosis(&checks);
    Ok(if checks.iter().any(|c| c.verdict == Verdict::Fail) { 1 } else { 0 })
}

fn data_dir_check(dir: &Path) -> Check {
    let name = "data directory"; // i18n: not prose
    let shown = dir.display();
    match std::fs::metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => check(
            name,
            Verdict::Warn,
            t!("cli.diagnose.dir_missing", dir = shown),
            Some(t!("cli.diagnose.dir_missing_fix").into_owned()),
        ),
        Err(e) => check(
            name,
            Verdict::Fail,
            format!("{shown}: {e}"),
            Some(t!("cli.diagnose.fix_permissions", dir = shown).into_owned()),
        ),
        Ok(m) if !m.is_dir() => check(
            name,
            Verdict::Fail,
            t!("cli.diagnose.not_dir", dir = shown),
            Some(t!("cli.diagnose.not_dir_fix").into_owned()),
        ),
        Ok(m) => {
            let probe = dir.join(format!(".diagnose-{}", std::process::id()));
            let writable = std::fs::write(&probe, b"").is_ok();
            let _ = std::fs::remove_file(&probe);
            #[cfg(unix)]
            let mode = std::os::unix::fs::PermissionsExt::mode(&m.permissions()) & 0o777;
            #[cfg(not(unix))]
            let mode = 0o700;
            if !writable {
                check(
                    name,
                    Verdict::Fail,
                    t!("cli.diagnose.not_writable", dir = shown),
                    Some(format!("chown or chmod u+w {shown}")), // i18n: not prose
                )
            } else if mode & 0o077 != 0 {
                check(
                    name,
                    Verdict::Warn,
                    t!("cli.diagnose.readable", dir = shown, mode = format!("{mode:o}")),
                    Some(format!("chmod 700 {shown}")),
                )
            } else {
                check(name, Verdict::Ok, format!("{shown} (mode {mode:o})"), None)
            }
        }
    }
}

fn config_check(path: Option<&Path>) -> (Option<Config>, Check) {
    let Some(path) = path else {
        return (None, check(CONFIG_FILE, Verdict::Ok, t!("cli.diagnose.config_none"), None));
    };
    match Config::load(path) {
        Ok(c) => {
            (Some(c), check(CONFIG_FILE, Verdict::Ok, t!("cli.diagnose.config_valid", file = path.display()), None))
        }
        Err(e) => (
            None,
            check(
                CONFIG_FILE,
                Verdict::Fail,
                e.to_string(),
                Some(t!("cli.diagnose.config_fix", file = path.display()).into_owned()),
            ),
        ),
    }
}

fn daemon_check(info: &Option<paths::DaemonInfo>, stale: Option<String>) -> Check {
    let name = "daemon";
    match info {
        None => {
            let detail = stale.unwrap_or_else(|| t!("cli.diagnose.not_running").into_owned());
            let fix = "routex serve --detach"; // i18n: not prose
            check(name, Verdict::Warn, detail, Some(fix.into()))
        }
        Some(i) => match daemon_ctl::get(&i.admin_url, "/health/ready", None) {
            None => check(
                name,
                Verdict::Fail,
                t!("cli.diagnose.silent", pid = i.pid, url = i.admin_url),
                Some(t!("cli.diagnose.silent_fix", pid = i.pid).into_owned()),
            ),
            Some(_) if i.version != env!("CARGO_PKG_VERSION") => check(
                name,
                Verdict::Warn,
                t!("cli.diagnose.version", daemon = i.version, url = i.admin_url, cli = env!("CARGO_PKG_VERSION")),
                Some(RESTART.into()),
            ),
            Some((status, _)) => check(
                name,
                if status == 200 { Verdict::Ok } else { Verdict::Warn },
                {
                    let ready = if status == 200 { "".into() } else { t!("cli.diagnose.not_ready") };
                    t!("cli.diagnose.daemon_ok", pid = i.pid, url = i.admin_url, version = i.version, ready = ready)
                },
                None,
            ),
        },
    }
}

fn store_check(dir: &Path, daemon: Option<&paths::DaemonInfo>) -> Check {
    let name = "store";
    if let Some(i) = daemon {
        return check(name, Verdict::Ok, t!("cli.diagnose.store_in_use", pid = i.pid), None);
    }
    if !dir.exists() {
        return check(name, Verdict::Ok, t!("cli.diagnose.store_new"), None);
    }
    match crate::engine::Engine::open(dir) {
        Ok(e) => {
            let v = e
                .store()
                .schema_version()
                .map(|v| t!("cli.diagnose.schema", version = v).into_owned())
                .unwrap_or_default();
            check(name, Verdict::Ok, t!("cli.diagnose.store_opens", schema = v), None)
        }
        Err(e) => match e.as_locked() {
            Some((_, holder, _)) => check(
                name,
                Verdict::Fail,
                t!("cli.diagnose.locked", holder = holder),
                Some(t!("cli.diagnose.locked_fix").into_owned()),
            ),
            None => check(name, Verdict::Fail, e.to_string(), None),
        },
    }
}

fn port_check(port: u16, daemon: Option<&paths::DaemonInfo>) -> Check {
    let name = "port";
    if daemon.is_some_and(|i| i.address.rsplit(':').next() == Some(&port.to_string())) {
        return check(name, Verdict::Ok, t!("cli.diagnose.port_daemon", port = port), None);
    }
    match std::net::TcpListener::bind(("127.0.0.1", port)) {
        Ok(_) => check(name, Verdict::Ok, t!("cli.diagnose.port_free", port = port), None),
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
            let who = paths::port_holder(port)
                .map(|(pid, cmd)| format!("pid {pid} ({cmd})"))
                .unwrap_or_else(|| t!("cli.diagnose.another_process").into_owned());
            check(
                name,
                Verdict::Fail,
                t!("cli.diagnose.port_taken", port = port, who = who),
                Some(t!("cli.diagnose.port_fix", port = port.wrapping_add(1).max(1024)).into_owned()),
            )
        }
        Err(e) => check(name, Verdict::Fail, t!("cli.diagnose.port_error", port = port, error = e), None),
    }
}

fn disk_check(dir: &Path) -> Check {
    let at = dir.ancestors().find(|d| d.exists()).unwrap_or(Path::new("/"));
    let (free, total) = crate::util::process::disk_space(at);
    let mib = free / (1024 * 1024);
    let low = 100 * 1024 * 1024u64;
    if total == 0 {
        check("disk", Verdict::Warn, t!("cli.diagnose.disk_unknown", dir = at.display()), None)
    } else if free < low.min(total / 100) {
        check(
            "disk",
            Verdict::Fail,
            t!("cli.diagnose.disk_mib", mib = mib, dir = at.display()),
            Some(t!("cli.diagnose.disk_fix").into_owned()),
        )
    } else if free < 1024 * 1024 * 1024 {
        check("disk", Verdict::Warn, t!("cli.diagnose.disk_mib", mib = mib, dir = at.display()), None)
    } else {
        check(
            "disk",
            Verdict::Ok,
            t!("cli.diagnose.disk_gib", gib = free / (1024 * 1024 * 1024), dir = at.display()),
            None,
        )
    }
}

/// Per enabled channel: DNS and TCP from here, then one authenticated request (through
/// the backend: the daemon holds the keys when it runs) and the upstream's clock.
fn channel_checks(b: &dyn backend::Backend) -> Vec<Check> {
    let channels = match b.list_channels(false) {
        Ok(list) => list,
        Err(e) => return vec![check("channels", Verdict::Fail, e.to_string(), None)],
    };
    let enabled: Vec<_> = channels.into_iter().filter(|c| c.status != crate::engine::Status::Disabled).collect();
    if enabled.is_empty() {
        return vec![check("channels", Verdict::Warn, t!("cli.diagnose.no_enabled"), Some(CHANNEL_ADD.into()))];
    }
    let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
        return vec![check("channels", Verdict::Fail, t!("cli.diagnose.runtime"), None)];
    };
    let net = rt.block_on(futures_util::future::join_all(enabled.iter().map(|c| reach(&c.name, &c.base_url))));
    let names: Vec<String> = enabled.iter().map(|c| c.name.clone()).collect();
    let tests = b.test_channels(&names, false, Some(REQUEST_TIMEOUT));
    let mut out = Vec::new();
    for (i, c) in enabled.iter().enumerate() {
        out.extend(net[i].iter().cloned());
        match &tests {
            Err(e) => out.push(check(format!("{}: request", c.name), Verdict::Fail, e.to_string(), None)),
            Ok(t) => {
                let Some(t) = t.iter().find(|t| t.id == c.id) else { continue };
                let tls = if c.base_url.starts_with("https") { t!("cli.diagnose.tls_ok") } else { "".into() };
                out.push(if t.ok {
                    check(
                        format!("{}: request", c.name),
                        Verdict::Ok,
                        t!(
                            "cli.diagnose.answered",
                            tls = tls,
                            model = t.answered_model.as_deref().unwrap_or(&t.model),
                            ms = t.latency_ms
                        ),
                        None,
                    )
                } else {
                    check(
                        format!("{}: request", c.name),
                        Verdict::Fail,
                        t.error.clone().unwrap_or_default(),
                        t.fix.clone(),
                    )
                });
                if let Some(skew) = t.clock_skew_s {
                    let v = match skew.abs() {
                        s if s >= SKEW_FAIL_S => Verdict::Fail,
                        s if s >= SKEW_WARN_S => Verdict::Warn,
                        _ => Verdict::Ok,
                    };
                    let fix = (v != Verdict::Ok).then(|| t!("cli.diagnose.clock_fix").into_owned());
                    out.push(check(
                        format!("{}: clock", c.name),
                        v,
                        t!("cli.diagnose.clock", skew = format!("{skew:+}")),
                        fix,
                    ));
                }
            }
        }
    }
    out
}

/// DNS and TCP for a base URL, each within [`NET_TIMEOUT`].
async fn reach(name: &str, base_url: &str) -> Vec<Check> {
    let Ok(url) = url::Url::parse(base_url) else {
        return vec![check(
            format!("{name}: url"),
            Verdict::Fail,
            t!("cli.diagnose.not_url", url = format!("{base_url:?}")),
            Some(format!("routex channel edit {name} --base-url https://…")), // i18n: not prose
        )];
    };
    let host = url.host_str().unwrap_or_default().to_string();
    let port = url.port_or_known_default().unwrap_or(443);
    let dns = match tokio::time::timeout(NET_TIMEOUT, tokio::net::lookup_host((host.as_str(), port))).await {
        Err(_) => Err(t!("cli.diagnose.dns_slow", host = host, secs = NET_TIMEOUT.as_secs()).into_owned()),
        Ok(Err(e)) => Err(t!("cli.diagnose.dns_failed", host = host, error = e).into_owned()),
        Ok(Ok(addrs)) => Ok(addrs.collect::<Vec<_>>()),
    };
    let addrs = match dns {
        Err(e) => {
            let fix = t!("cli.diagnose.dns_fix", name = name).into_owned();
            return vec![check(format!("{name}: dns"), Verdict::Fail, e, Some(fix))];
        }
        Ok(a) if a.is_empty() => {
            return vec![check(
                format!("{name}: dns"),
                Verdict::Fail,
                t!("cli.diagnose.no_address", host = host),
                None,
            )];
        }
        Ok(a) => a,
    };
    let mut out = vec![check(format!("{name}: dns"), Verdict::Ok, format!("{host} → {}", addrs[0].ip()), None)];
    let addr = addrs[0];
    match tokio::time::timeout(NET_TIMEOUT, tokio::net::TcpStream::connect(addr)).await {
        Ok(Ok(tcp)) => {
            out.push(check(format!("{name}: connect"), Verdict::Ok, t!("cli.diagnose.connects", addr = addr), None));
            if url.scheme() == "https" {
                out.push(tls_check(name, &host, tcp).await);
            }
        }
        Ok(Err(e)) => out.push(check(
            format!("{name}: connect"),
            Verdict::Fail,
            format!("{addr}: {e}"),
            Some(t!("cli.diagnose.connect_fix", url = base_url).into_owned()),
        )),
        Err(_) => out.push(check(
            format!("{name}: connect"),
            Verdict::Fail,
            t!("cli.diagnose.connect_slow", addr = addr, secs = NET_TIMEOUT.as_secs()),
            Some(t!("cli.diagnose.connect_slow_fix").into_owned()),
        )),
    }
    out
}

/// A certificate with fewer days left than this is a warning.
const CERT_WARN_DAYS: i64 = 14;

/// The TLS handshake with `host` over `tcp` (the proxy's own TLS settings: the webpki
/// roots) within [`NET_TIMEOUT`], and the days its certificate has left.
async fn tls_check(name: &str, host: &str, tcp: tokio::net::TcpStream) -> Check {
    let label = format!("{name}: tls");
    let Ok(server) = rustls::pki_types::ServerName::try_from(host.to_string()) else {
        return check(label, Verdict::Fail, t!("cli.diagnose.tls_name", host = format!("{host:?}")), None);
    };
    let connector = tokio_rustls::TlsConnector::from(std::sync::Arc::new(crate::util::https::tls_config()));
    let tls = match tokio::time::timeout(NET_TIMEOUT, connector.connect(server, tcp)).await {
        Err(_) => return check(label, Verdict::Fail, t!("cli.diagnose.tls_slow", secs = NET_TIMEOUT.as_secs()), None),
        Ok(Err(e)) => {
            let fix = t!("cli.diagnose.tls_fix").into_owned();
            return check(label, Verdict::Fail, t!("cli.diagnose.tls_failed", error = e), Some(fix));
        }
        Ok(Ok(t)) => t,
    };
    let now = chrono::Utc::now().timestamp();
    let days = tls.get_ref().1.peer_certificates().and_then(|c| c.first()).and_then(|der| days_left(der, now));
    match days {
        None => check(label, Verdict::Ok, t!("cli.diagnose.cert_ok"), None),
        Some(d) if d < CERT_WARN_DAYS => check(
            label,
            Verdict::Warn,
            t!("cli.diagnose.cert_expiring", days = super::output::count(usize::try_from(d).unwrap_or(0), "day")),
            Some(t!("cli.diagnose.cert_fix", host = host).into_owned()),
        ),
        Some(d) => check(label, Verdict::Ok, t!("cli.diagnose.cert_days", days = d), None),
    }
}

/// Whole days from `now` (unix seconds) to the end of a DER certificate's validity.
fn days_left(der: &[u8], now: i64) -> Option<i64> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    Some((cert.validity().not_after.timestamp() - now).div_euclid(86_400))
}

/// With a daemon: its request log's losses and each channel's failure rate so far.
fn daemon_health_checks(cli: &Cli, info: &paths::DaemonInfo) -> Vec<Check> {
    let token = cli.admin_token.clone().filter(|t| !t.is_empty()).or(info.local_token.clone());
    let mut out = Vec::new();
    if let Some((_, v)) = daemon_ctl::get(&info.admin_url, "/health/detailed", token.as_deref()) {
        let log = &v["data"]["request_log"];
        let dropped = log["dropped"].as_u64().unwrap_or(0);
        out.push(match (log["enabled"].as_bool(), dropped) {
            (Some(false), _) => check(REQUEST_LOG, Verdict::Warn, t!("cli.diagnose.log_off"), None),
            (_, 0) => check(REQUEST_LOG, Verdict::Ok, t!("cli.diagnose.log_ok"), None),
            (_, n) => check(
                REQUEST_LOG,
                Verdict::Warn,
                t!("cli.diagnose.log_dropped", records = super::output::count(n as usize, "record")),
                Some(t!("cli.diagnose.log_fix").into_owned()),
            ),
        });
    }
    if let Some((_, v)) = daemon_ctl::get(&info.admin_url, "/api/channels/stats", token.as_deref()) {
        for c in v["data"].as_array().into_iter().flatten() {
            let (sent, failed) =
                (c["stats"]["requests"].as_u64().unwrap_or(0), c["stats"]["failures"].as_u64().unwrap_or(0));
            if sent == 0 {
                continue;
            }
            let rate = failed as f64 / sent as f64;
            let name = c["name"].as_str().unwrap_or("?");
            let last = c["stats"]["last_error"]
                .as_str()
                .map(|e| t!("cli.diagnose.last", error = e).into_owned())
                .unwrap_or_default();
            let v = if rate >= 0.5 {
                Verdict::Fail
            } else if rate >= 0.1 {
                Verdict::Warn
            } else {
                Verdict::Ok
            };
            out.push(check(
                format!("{name}: errors"),
                v,
                t!(
                    "cli.diagnose.errors",
                    failed = failed,
                    sent = sent,
                    rate = format!("{:.0}", rate * 100.0),
                    last = last
                ),
                (v == Verdict::Fail).then(|| {
                    format!("routex test {name}; routex logs --channel {name}") // i18n: not prose
                }),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_left_reads_the_certificates_not_after() {
        let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
        params.not_after = rcgen::date_time_ymd(2031, 1, 31);
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        let jan_1_2031 = 1_924_992_000;
        assert_eq!(days_left(cert.der(), jan_1_2031), Some(30));
        assert_eq!(days_left(cert.der(), jan_1_2031 + 40 * 86_400), Some(-10), "expired: negative");
        assert_eq!(days_left(b"not a certificate", 0), None);
    }
}
