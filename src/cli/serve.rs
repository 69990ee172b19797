//! `routex serve`: resolve the process settings, open the engine, bind, write
//! `daemon.json`, run the daemon until SIGINT/SIGTERM, clean up.

use clap::Args;
use rust_i18n::t;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use super::output::Printer;
use super::Cli;
use crate::daemon::{self, AppState};
use crate::engine::config::Config;
use crate::engine::records::Recorder;

use crate::paths::{self, DaemonInfo};
use crate::secret::Secret;

/// `routex serve`
#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Configuration file (YAML)
    #[arg(long, short = 'c', value_name = "FILE", env = "ROUTEX_CONFIG")]
    pub config: Option<PathBuf>,
    /// Listen host [default: server.host, 127.0.0.1]
    #[arg(long, env = "ROUTEX_HOST")]
    pub host: Option<String>,
    /// Listen port [default: server.port, 3000]
    #[arg(long, short = 'p', env = "ROUTEX_PORT")]
    pub port: Option<u16>,
    /// Listen on a non-loopback address with neither client keys nor an admin token
    #[arg(long)]
    pub allow_unauthenticated: bool,
    /// Run in the background: return once the daemon answers, with its address, pid and log file
    #[arg(long, short = 'd')]
    pub detach: bool,
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost") || host.parse::<IpAddr>().map(|ip| ip.is_loopback()).unwrap_or(false)
}

/// Run the daemon in the foreground (`--detach` is `daemon_ctl::detach`'s).
pub fn run(cli: &Cli, args: &ServeArgs) -> anyhow::Result<u8> {
    let data_dir = paths::data_dir(cli.data_dir.as_deref());
    let mut config = match &args.config {
        Some(p) => Config::load(p)?,
        None => Config::default(),
    };
    if let Some(h) = &args.host {
        config.server.host = h.clone();
    }
    if let Some(p) = args.port {
        config.server.port = p;
    }
    if let Some(t) = cli.admin_token.as_deref().filter(|t| !t.is_empty()) {
        config.server.admin_token = Some(Secret::new(t));
    }
    let host = config.server.host.clone();
    if !is_loopback(&host)
        && config.server.client_keys.is_empty()
        && config.server.admin_token.is_none()
        && !args.allow_unauthenticated
    {
        anyhow::bail!("{}", t!("cli.serve.unauthenticated", host = host));
    }
    crate::paths::private_dir(&data_dir)
        .map_err(|e| anyhow::anyhow!("{}", t!("cli.daemon.mkdir_data", dir = data_dir.display(), error = e)))?;
    super::logging::init_daemon(cli.verbose, cli.quiet, &config.server.log_level, &data_dir)?;
    if !config.tees.is_empty() && !config.logging.requests {
        log::warn!(
            "the config file has tees ({}), but logging.requests is false: tees copy the request log's records, so \
             they will copy nothing",
            config.tees.len()
        );
    }

    let storage = config.storage.clone().or_env().map_err(anyhow::Error::msg)?;
    let replica = crate::engine::config::replica_name(config.replica.as_deref());
    let engine = match crate::engine::team::open(&data_dir, &storage, &replica) {
        Ok(e) => e,
        Err(e) if e.as_locked().is_some() => {
            let (_, holder, _) = e.as_locked().expect("checked");
            let mut msg = t!("cli.serve.locked", dir = data_dir.display(), holder = holder).into_owned();
            if let Some(info) = DaemonInfo::read(&data_dir).filter(|i| paths::process_alive(i.pid)) {
                msg.push_str(&t!("cli.serve.locked_by_daemon", pid = info.pid, url = info.admin_url));
            }
            anyhow::bail!(msg);
        }
        Err(e) => return Err(e.into()),
    };
    // The daemon's language: the flag and LOCALE, then what `PUT /api/i18n/locale` stored,
    // then LANG and the config (crate::i18n::choose).
    let stored = engine.stored_locale();
    let config_locale = crate::engine::locale::of_config(config.locale);
    let (locale, _) = crate::i18n::choose(cli.lang.as_deref(), &crate::i18n::process_env, stored, Some(config_locale))?;
    crate::i18n::set(locale);
    // Replicas starting together on a shared store apply their config files one at a time.
    let report = engine.store().exclusive(|| engine.apply_config(&config))??;
    if !report.created.is_empty() || !report.updated.is_empty() {
        log::info!("config: channels: {} created, {} updated", report.created.len(), report.updated.len());
    }
    if !report.tees_created.is_empty() || !report.tees_updated.is_empty() {
        log::info!("config: tees: {} created, {} updated", report.tees_created.len(), report.tees_updated.len());
    }
    let engine = Arc::new(engine);
    if let Some(pg) = engine.store().postgres() {
        log::info!("storage: shared Postgres store at {} (replica {replica})", pg.location());
    }
    // Team mode: follow the configuration other replicas write (nothing on the embedded store).
    let config_listener = crate::engine::team::ConfigListener::start(engine.clone());

    // The main thread is one of the daemon's event loops (see `daemon::serve`); it also
    // runs the request-log writer and signal handling.
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    rt.block_on(async move {
        let port = config.server.port;
        let listener = bind(&host, port).await?;
        let addr = listener.local_addr()?;
        let url = format!("http://{}", addr);
        let (recorder, recorder_task) = if config.logging.requests {
            let (r, t) = Recorder::start_feeding(engine.store().clone(), &config.logging, engine.aggregates().clone());
            (r, Some(t))
        } else {
            (Recorder::disabled(), None)
        };
        let state = AppState::new(engine.clone(), config, data_dir.clone(), recorder);
        // The cache warmer (docs/cache.md): the warm at start, the background refresh and
        // the invalidation on writes, beside the event loops; until the analytics are warm
        // `/api/analytics` scans the log.
        let (warmer_stop, warmer_stopped) = tokio::sync::oneshot::channel::<()>();
        let warmer = tokio::spawn(state.cache.clone().run(async {
            let _ = warmer_stopped.await;
        }));
        let info = DaemonInfo {
            pid: std::process::id(),
            address: addr.to_string(),
            admin_url: url.clone(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            started_at: crate::util::time::now_rfc3339(),
            local_token: Some(state.local_token.expose().to_string()),
        };
        info.write(&data_dir)
            .map_err(|e| {
                anyhow::anyhow!("{}", t!("cli.export.cannot_write", file = paths::daemon_file(&data_dir).display(), error = e))
            })?;
        log::info!(target: super::logging::BANNER, "routex {} listening on {url} (data: {})", env!("CARGO_PKG_VERSION"), data_dir.display());
        Printer::new(cli.output()).serving(&url, &data_dir);
        daemon::serve(state.clone(), listener, shutdown_signal()).await;
        // A warm still running (an analytics build over a large log) is not waited for long.
        let _ = warmer_stop.send(());
        if tokio::time::timeout(std::time::Duration::from_secs(5), warmer).await.is_err() {
            log::warn!("cache: the warmer was still busy 5 s after the stop; not waiting for it");
        }
        // Streams still finishing hold the proxy; give them a moment to write their records.
        let proxy = state.proxy.clone();
        let tees = state.tees.clone();
        drop(state);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while Arc::strong_count(&proxy) > 1 && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        drop(proxy);
        if let Some(t) = recorder_task {
            t.shutdown().await;
        }
        // After the log's last records: the tees copy them too, then drain their queues.
        if let Some(t) = tees {
            t.shutdown(std::time::Duration::from_secs(5)).await;
        }
        if let Some(l) = config_listener {
            l.stop();
        }
        DaemonInfo::remove(&data_dir);
        engine.store().flush()?;
        log::info!("routex stopped cleanly");
        anyhow::Ok(())
    })?;
    Ok(0)
}

async fn bind(host: &str, port: u16) -> anyhow::Result<tokio::net::TcpListener> {
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|e| anyhow::anyhow!("{}", t!("cli.serve.resolve", host = host, error = e)))?
        .collect();
    let mut last = None;
    for a in addrs {
        match tokio::net::TcpListener::bind(a).await {
            Ok(l) => return Ok(l),
            Err(e) => last = Some((a, e)),
        }
    }
    match last {
        Some((a, e)) if e.kind() == std::io::ErrorKind::AddrInUse => {
            Err(anyhow::anyhow!("{}", t!("cli.serve.port_in_use", addr = a)))
        }
        Some((a, e)) => Err(anyhow::anyhow!("{}", t!("cli.serve.listen", addr = a, error = e))),
        None => Err(anyhow::anyhow!("{}", t!("cli.serve.no_address", host = host))),
    }
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    log::info!("shutting down: finishing in-flight requests");
}
