//! `routex diagnose`: every check a broken setup needs, each ✓, ! or ✗ with the fix for
//! a ✗ — the data directory, the store and its lock holder, the config file, the daemon
//! and its version, the port and who holds it, disk space, and per enabled channel its
//! DNS, TCP connect, one authenticated request (TLS included) and the upstream's clock —
//! plus the request log and each channel's error rate when a daemon runs.
//!
//! Network checks have their own timeouts and run concurrently, so the command ends in
//! seconds even when everything is down. Exit 1 when any check is ✗.

use clap::Args;
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
    let spinner = printer.spinner("checking channels");
    let channel_checks = match backend::connect(cli) {
        Ok(b) => channel_checks(b.as_ref()),
        Err(e) => vec![check("channels", Verdict::Fail, format!("cannot read the channels: {e:#}"), None)],
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
    let name = "data directory";
    let shown = dir.display();
    match std::fs::metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => check(
            name,
            Verdict::Warn,
            format!("{shown} does not exist yet"),
            Some("any routex command creates it (routex channel add …)".into()),
        ),
        Err(e) => {
            check(name, Verdict::Fail, format!("{shown}: {e}"), Some(format!("check the permissions of {shown}")))
        }
        Ok(m) if !m.is_dir() => check(
            name,
            Verdict::Fail,
            format!("{shown} is not a directory"),
            Some("move it away, or choose another with --data-dir / ROUTEX_HOME".into()),
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
                    format!("{shown} is not writable"),
                    Some(format!("chown or chmod u+w {shown}")),
                )
            } else if mode & 0o077 != 0 {
                check(
                    name,
                    Verdict::Warn,
                    format!("{shown} is readable by other users (mode {mode:o})"),
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
        return (
            None,
            check("config file", Verdict::Ok, "none given (built-in defaults; --config FILE to check one)", None),
        );
    };
    match Config::load(path) {
        Ok(c) => (Some(c), check("config file", Verdict::Ok, format!("{} is valid", path.display()), None)),
        Err(e) => (
            None,
            check("config file", Verdict::Fail, e.to_string(), Some(format!("edit {} where it says", path.display()))),
        ),
    }
}

fn daemon_check(info: &Option<paths::DaemonInfo>, stale: Option<String>) -> Check {
    let name = "daemon";
    match info {
        None => {
            let detail = stale.unwrap_or_else(|| "not running".into());
            check(name, Verdict::Warn, detail, Some("routex serve --detach".into()))
        }
        Some(i) => match daemon_ctl::get(&i.admin_url, "/health/ready", None) {
            None => check(
                name,
                Verdict::Fail,
                format!("pid {} is alive but does not answer at {}", i.pid, i.admin_url),
                Some(format!("routex restart (or kill {})", i.pid)),
            ),
            Some(_) if i.version != env!("CARGO_PKG_VERSION") => check(
                name,
                Verdict::Warn,
                format!("runs version {} at {}, this CLI is {}", i.version, i.admin_url, env!("CARGO_PKG_VERSION")),
                Some("routex restart".into()),
            ),
            Some((status, _)) => check(
                name,
                if status == 200 { Verdict::Ok } else { Verdict::Warn },
                format!(
                    "pid {} at {} (version {}{})",
                    i.pid,
                    i.admin_url,
                    i.version,
                    if status == 200 { "" } else { ", not ready" }
                ),
                None,
            ),
        },
    }
}

fn store_check(dir: &Path, daemon: Option<&paths::DaemonInfo>) -> Check {
    let name = "store";
    if let Some(i) = daemon {
        return check(name, Verdict::Ok, format!("in use by the daemon (pid {})", i.pid), None);
    }
    if !dir.exists() {
        return check(name, Verdict::Ok, "not created yet", None);
    }
    match crate::engine::Engine::open(dir) {
        Ok(e) => {
            let v = e.store().schema_version().map(|v| format!("schema version {v}")).unwrap_or_default();
            check(name, Verdict::Ok, format!("opens ({v})"), None)
        }
        Err(e) => match e.as_locked() {
            Some((_, holder, _)) => check(
                name,
                Verdict::Fail,
                format!("locked by {holder}"),
                Some("stop that process, or use another --data-dir".into()),
            ),
            None => check(name, Verdict::Fail, e.to_string(), None),
        },
    }
}

fn port_check(port: u16, daemon: Option<&paths::DaemonInfo>) -> Check {
    let name = "port";
    if daemon.is_some_and(|i| i.address.rsplit(':').next() == Some(&port.to_string())) {
        return check(name, Verdict::Ok, format!("{port} is the daemon's"), None);
    }
    match std::net::TcpListener::bind(("127.0.0.1", port)) {
        Ok(_) => check(name, Verdict::Ok, format!("{port} is free"), None),
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
            let who = paths::port_holder(port)
                .map(|(pid, cmd)| format!("pid {pid} ({cmd})"))
                .unwrap_or_else(|| "another process".into());
            check(
                name,
                Verdict::Fail,
                format!("{port} is taken by {who}"),
                Some(format!("stop it, or routex serve --port {}", port.wrapping_add(1).max(1024))),
            )
        }
        Err(e) => check(name, Verdict::Fail, format!("cannot listen on 127.0.0.1:{port}: {e}"), None),
    }
}

fn disk_check(dir: &Path) -> Check {
    let at = dir.ancestors().find(|d| d.exists()).unwrap_or(Path::new("/"));
    let (free, total) = crate::util::process::disk_space(at);
    let mib = free / (1024 * 1024);
    let low = 100 * 1024 * 1024u64;
    if total == 0 {
        check("disk", Verdict::Warn, format!("cannot read the free space of {}", at.display()), None)
    } else if free < low.min(total / 100) {
        check(
            "disk",
            Verdict::Fail,
            format!("{mib} MiB free on {}", at.display()),
            Some("free some space: the store and the request log write there".into()),
        )
    } else if free < 1024 * 1024 * 1024 {
        check("disk", Verdict::Warn, format!("{mib} MiB free on {}", at.display()), None)
    } else {
        check("disk", Verdict::Ok, format!("{} GiB free on {}", free / (1024 * 1024 * 1024), at.display()), None)
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
        return vec![check("channels", Verdict::Warn, "no enabled channel", Some("routex channel add …".into()))];
    }
    let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
        return vec![check("channels", Verdict::Fail, "cannot start the check runtime", None)];
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
                let tls = if c.base_url.starts_with("https") { "TLS ok, " } else { "" };
                out.push(if t.ok {
                    check(
                        format!("{}: request", c.name),
                        Verdict::Ok,
                        format!(
                            "{tls}{} answered in {} ms",
                            t.answered_model.as_deref().unwrap_or(&t.model),
                            t.latency_ms
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
                    let fix = (v != Verdict::Ok)
                        .then(|| "set this machine's clock (e.g. enable NTP: timedatectl set-ntp true)".into());
                    out.push(check(
                        format!("{}: clock", c.name),
                        v,
                        format!("the upstream's clock is {skew:+} s from ours"),
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
            format!("{base_url:?} is not a URL"),
            Some(format!("routex channel edit {name} --base-url https://…")),
        )];
    };
    let host = url.host_str().unwrap_or_default().to_string();
    let port = url.port_or_known_default().unwrap_or(443);
    let dns = match tokio::time::timeout(NET_TIMEOUT, tokio::net::lookup_host((host.as_str(), port))).await {
        Err(_) => Err(format!("{host} did not resolve within {}s", NET_TIMEOUT.as_secs())),
        Ok(Err(e)) => Err(format!("{host} does not resolve: {e}")),
        Ok(Ok(addrs)) => Ok(addrs.collect::<Vec<_>>()),
    };
    let addrs = match dns {
        Err(e) => {
            let fix = format!(
                "check the host in the base URL (routex channel edit {name} --base-url …) or this machine's DNS"
            );
            return vec![check(format!("{name}: dns"), Verdict::Fail, e, Some(fix))];
        }
        Ok(a) if a.is_empty() => {
            return vec![check(format!("{name}: dns"), Verdict::Fail, format!("{host} has no address"), None)];
        }
        Ok(a) => a,
    };
    let mut out = vec![check(format!("{name}: dns"), Verdict::Ok, format!("{host} → {}", addrs[0].ip()), None)];
    let addr = addrs[0];
    match tokio::time::timeout(NET_TIMEOUT, tokio::net::TcpStream::connect(addr)).await {
        Ok(Ok(tcp)) => {
            out.push(check(format!("{name}: connect"), Verdict::Ok, format!("{addr} accepts connections"), None));
            if url.scheme() == "https" {
                out.push(tls_check(name, &host, tcp).await);
            }
        }
        Ok(Err(e)) => out.push(check(
            format!("{name}: connect"),
            Verdict::Fail,
            format!("{addr}: {e}"),
            Some(format!("is the server up? a firewall or proxy in the way? (base URL {base_url})")),
        )),
        Err(_) => out.push(check(
            format!("{name}: connect"),
            Verdict::Fail,
            format!("{addr} did not accept within {}s", NET_TIMEOUT.as_secs()),
            Some("a firewall dropping packets, or the host is down".into()),
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
        return check(label, Verdict::Fail, format!("{host:?} is not a name TLS can check"), None);
    };
    let connector = tokio_rustls::TlsConnector::from(std::sync::Arc::new(crate::util::https::tls_config()));
    let tls = match tokio::time::timeout(NET_TIMEOUT, connector.connect(server, tcp)).await {
        Err(_) => {
            return check(label, Verdict::Fail, format!("no TLS handshake within {}s", NET_TIMEOUT.as_secs()), None)
        }
        Ok(Err(e)) => {
            let fix = "check the certificate (expired? another host's? a proxy's own?) or the scheme of the base URL";
            return check(label, Verdict::Fail, format!("the TLS handshake failed: {e}"), Some(fix.into()));
        }
        Ok(Ok(t)) => t,
    };
    let now = chrono::Utc::now().timestamp();
    let days = tls.get_ref().1.peer_certificates().and_then(|c| c.first()).and_then(|der| days_left(der, now));
    match days {
        None => check(label, Verdict::Ok, "certificate verified", None),
        Some(d) if d < CERT_WARN_DAYS => check(
            label,
            Verdict::Warn,
            format!(
                "certificate verified, but it expires in {}",
                super::output::count(usize::try_from(d).unwrap_or(0), "day")
            ),
            Some(format!("the provider renews it; a certificate you manage for {host} needs renewing")),
        ),
        Some(d) => check(label, Verdict::Ok, format!("certificate verified, {d} days left"), None),
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
            (Some(false), _) => check("request log", Verdict::Warn, "off (logging.requests: false)", None),
            (_, 0) => check("request log", Verdict::Ok, "no record lost", None),
            (_, n) => check(
                "request log",
                Verdict::Warn,
                format!(
                    "{} dropped (the writer could not keep up or the disk refused)",
                    super::output::count(n as usize, "record")
                ),
                Some("see routex.log; check the disk".into()),
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
            let last = c["stats"]["last_error"].as_str().map(|e| format!("; last: {e}")).unwrap_or_default();
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
                format!("{failed} of {sent} attempts failed since start ({:.0} %){last}", rate * 100.0),
                (v == Verdict::Fail).then(|| format!("routex test {name}; routex logs --channel {name}")),
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
