//! Logging setup (log + fern): stderr always, `<data-dir>/logs/routex.log` for the daemon.
//! Level: `-q` / `-v` first, then `ROUTEX_LOG`, then the config's `log_level`.

use log::LevelFilter;
use std::path::Path;

fn parse_level(s: &str) -> Option<LevelFilter> {
    s.trim().parse().ok()
}

fn level(verbose: u8, quiet: bool, configured: Option<&str>, fallback: LevelFilter) -> LevelFilter {
    if quiet {
        return LevelFilter::Error;
    }
    match verbose {
        0 => {}
        1 => return LevelFilter::Debug,
        _ => return LevelFilter::Trace,
    }
    std::env::var("ROUTEX_LOG")
        .ok()
        .and_then(|v| parse_level(&v))
        .or_else(|| configured.and_then(parse_level))
        .unwrap_or(fallback)
}

fn base(level: LevelFilter) -> fern::Dispatch {
    // warp logs every connection a client drops mid-request ("server connection error:
    // IncompleteMessage") at ERROR: the client's doing, not a fault of routex, and under
    // load it floods the log. Shown with -v.
    let client_drops = if level >= LevelFilter::Debug { LevelFilter::Error } else { LevelFilter::Off };
    let d = fern::Dispatch::new().level(LevelFilter::Warn).level_for("routex", level);
    d.level_for("warp::server", client_drops).format(|out, message, record| {
        out.finish(format_args!(
            "{} {:<5} {}: {}",
            chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            record.level(),
            record.target(),
            message
        ))
    })
}

/// Logging for one-shot CLI commands: warnings and errors on stderr.
pub fn init_cli(verbose: u8, quiet: bool) {
    let lvl = level(verbose, quiet, None, LevelFilter::Warn);
    let _ = base(lvl).chain(std::io::stderr()).apply();
}

/// The log target of the daemon's start line: written to the log file, not to stderr,
/// where `serve` prints the same line on stdout (one terminal showed it twice).
pub const BANNER: &str = "routex::banner";

/// Logging for the daemon: stderr and the log file.
pub fn init_daemon(verbose: u8, quiet: bool, configured: &str, data_dir: &Path) -> anyhow::Result<()> {
    let lvl = level(verbose, quiet, Some(configured), LevelFilter::Info);
    let dir = crate::paths::log_dir(data_dir);
    crate::paths::private_dir(&dir)
        .map_err(|e| anyhow::anyhow!("cannot create the log directory {}: {e}", dir.display()))?;
    let path = dir.join("routex.log");
    let file = crate::paths::private_file()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| anyhow::anyhow!("cannot open the log file {}: {e}", path.display()))?;
    // A log file created by an older version was 0644.
    crate::paths::tighten(&path, 0o600);
    let stderr = fern::Dispatch::new().filter(|m| m.target() != BANNER).chain(std::io::stderr());
    let _ = base(lvl).level_for(BANNER, lvl).chain(stderr).chain(file).apply();
    Ok(())
}
