//! Where Routex keeps its files: the data directory and what lives in it.
//!
//! Resolution order (docs/configuration.md): `--data-dir`, `$ROUTEX_HOME`, `$XDG_CONFIG_HOME/routex`,
//! `~/.config/routex`. The directory holds `routex.db/` (sled), `daemon.json` (how to
//! reach a running daemon), `master.key` (when `ROUTEX_MASTER_KEY` is unset) and `logs/`.
//! Directories in it are 0700 and files 0600 ([`private_dir`], [`private_file`]).

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Resolve the data directory from an explicit flag or the environment.
pub fn data_dir(explicit: Option<&Path>) -> PathBuf {
    if let Some(p) = explicit {
        return p.to_path_buf();
    }
    if let Some(p) = std::env::var_os("ROUTEX_HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(p);
    }
    if let Some(p) = std::env::var_os("XDG_CONFIG_HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(p).join("routex");
    }
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("."));
    home.join(".config").join("routex")
}

/// The sled database directory inside a data directory.
pub fn db_path(data_dir: &Path) -> PathBuf {
    data_dir.join("routex.db")
}

/// The daemon's discovery file inside a data directory.
pub fn daemon_file(data_dir: &Path) -> PathBuf {
    data_dir.join("daemon.json")
}

/// The log directory inside a data directory.
pub fn log_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("logs")
}

/// Create `dir` (and missing parents) readable by its owner only (0700 on Unix), or
/// tighten an existing one: a data directory made by an older version (0755) is set to
/// 0700 when Routex opens it, so request bodies and keys are out of other users' reach.
/// Tightening is best effort (a directory owned by someone else keeps its mode).
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)?;
    tighten(dir, 0o700);
    Ok(())
}

/// Set `path`'s mode to `mode` if it grants more (group or other bits) than `mode`.
/// Best effort: errors are ignored (Unix only; a no-op elsewhere).
pub fn tighten(path: &Path, mode: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(m) = std::fs::symlink_metadata(path) {
            if !m.file_type().is_symlink() && m.permissions().mode() & 0o777 & !mode != 0 {
                let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode));
            }
        }
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
}

/// Tighten a tree Routex does not create itself (sled's database directory): every
/// directory 0700, every file 0600. Symlinks are left alone.
pub fn tighten_tree(dir: &Path) {
    tighten(dir, 0o700);
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let Ok(t) = e.file_type() else {
            continue;
        };
        if t.is_dir() {
            tighten_tree(&e.path());
        } else if t.is_file() {
            tighten(&e.path(), 0o600);
        }
    }
}

/// Options to create a file only its owner may read and write (0600 on Unix).
pub fn private_file() -> std::fs::OpenOptions {
    #[allow(unused_mut)]
    let mut options = std::fs::OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

/// What a running daemon writes to `daemon.json` so the CLI can find it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DaemonInfo {
    /// Process id of the daemon.
    pub pid: u32,
    /// The address it listens on (`127.0.0.1:3000`).
    pub address: String,
    /// Base URL of its admin API (`http://127.0.0.1:3000`).
    pub admin_url: String,
    /// Version of the binary that wrote the file.
    pub version: String,
    /// RFC 3339 start time.
    pub started_at: String,
    /// This run's local token (see `engine::access::new_local_token`): the CLI of the
    /// user who can read this file sends it, so it may see keys without an admin token.
    /// The file is written with mode 0600.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_token: Option<String>,
}

impl DaemonInfo {
    /// Read `daemon.json` if present and parseable.
    pub fn read(data_dir: &Path) -> Option<DaemonInfo> {
        let text = std::fs::read_to_string(daemon_file(data_dir)).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Write `daemon.json` atomically (temp file + rename), readable by its owner only.
    pub fn write(&self, data_dir: &Path) -> std::io::Result<()> {
        use std::io::Write;
        let path = daemon_file(data_dir);
        let tmp = path.with_extension("json.tmp");
        let _ = std::fs::remove_file(&tmp);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&tmp)?;
        file.write_all(&serde_json::to_vec_pretty(self).expect("serializable"))?;
        drop(file);
        std::fs::rename(tmp, path)
    }

    /// Remove `daemon.json` (on clean exit). A missing file is fine.
    pub fn remove(data_dir: &Path) {
        let _ = std::fs::remove_file(daemon_file(data_dir));
    }
}

/// Whether a process with this pid is alive (Unix: `kill(pid, 0)`).
pub fn process_alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        // SAFETY: signal 0 performs only the permission and existence check.
        let r = unsafe { libc::kill(pid as libc::pid_t, 0) };
        r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// Find which process holds a file open (Linux: scan `/proc/*/fd`). Returns the pid and
/// its command line, used to say who locks the store.
pub fn process_holding(file: &Path) -> Option<(u32, String)> {
    let target = std::fs::canonicalize(file).ok()?;
    process_with_fd(|link| link == target.as_path())
}

/// The first other process with an open descriptor whose link `matches` (Linux:
/// `/proc/*/fd`): its pid and command line.
fn process_with_fd(matches: impl Fn(&Path) -> bool) -> Option<(u32, String)> {
    let me = std::process::id();
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        if pid == me {
            continue;
        }
        let Ok(fds) = std::fs::read_dir(entry.path().join("fd")) else {
            continue;
        };
        for fd in fds.flatten() {
            if std::fs::read_link(fd.path()).is_ok_and(|l| matches(&l)) {
                let cmd = std::fs::read(entry.path().join("cmdline"))
                    .map(|b| {
                        b.split(|c| *c == 0)
                            .filter(|s| !s.is_empty())
                            .map(|s| String::from_utf8_lossy(s).into_owned())
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .unwrap_or_default();
                return Some((pid, cmd));
            }
        }
    }
    None
}

/// Which process listens on TCP `port` (Linux: a LISTEN socket in `/proc/net/tcp{,6}`, its
/// inode found among `/proc/*/fd`): its pid and command line. None when nothing listens
/// or it cannot be told (another user's process).
pub fn port_holder(port: u16) -> Option<(u32, String)> {
    let mut inodes = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else { continue };
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split_whitespace().collect();
            // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
            let (Some(local), Some(state), Some(inode)) = (f.get(1), f.get(3), f.get(9)) else { continue };
            let p = local.rsplit(':').next().and_then(|h| u16::from_str_radix(h, 16).ok());
            if p == Some(port) && *state == "0A" {
                inodes.push(format!("socket:[{inode}]"));
            }
        }
    }
    if inodes.is_empty() {
        return None;
    }
    process_with_fd(|link| link.to_str().is_some_and(|l| inodes.iter().any(|i| i == l)))
}
