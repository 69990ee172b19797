//! The daemon's life from the command line: `serve --detach` starts it in the background
//! and waits until it answers `/health/ready`; `stop`, `restart` and `status`; `env`
//! prints the variables that point clients at it (or what one coding agent needs), and
//! `code` runs Claude Code, Codex CLI or Gemini CLI pointed at it.
//!
//! `daemon.json` (see [`paths::DaemonInfo`]) is how a daemon is found. It is trusted only
//! when its process is alive and is a routex; a file whose process is gone is removed and
//! said so. Everything printed goes through [`Printer`].

use clap::Args;
use rust_i18n::t;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::output::{Printer, Shell, Status};
use super::serve::ServeArgs;
use super::{Cli, Exit};
use crate::paths::{self, DaemonInfo};

/// How long `serve --detach` waits for the daemon to be ready.
const START_WAIT: Duration = Duration::from_secs(20);
/// How long `stop` waits for the daemon to exit: its own drain of in-flight streams
/// (10 s) and the request log's flush, with a margin.
const STOP_WAIT: Duration = Duration::from_secs(20);
/// Each HTTP check of a daemon.
const PROBE_TIMEOUT: Duration = Duration::from_millis(800);

/// `routex env`
#[derive(Args, Debug)]
pub struct EnvArgs {
    /// The shell to write for [default: from $SHELL, else bash]
    #[arg(long, value_enum)]
    pub shell: Option<Shell>,
    /// Only what this coding agent needs (Codex: its config.toml provider block and the
    /// key variable; Gemini CLI: its base URL, key and auth type) [default: every SDK's
    /// variables]
    #[arg(long, value_enum)]
    pub agent: Option<Agent>,
}

/// The coding agents `routex env` and `routex code` know.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agent {
    /// Claude Code (`claude`; the Anthropic Messages API)
    Claude,
    /// Codex CLI (`codex`; the OpenAI Responses API)
    Codex,
    /// Gemini CLI (`gemini`; the Gemini API)
    Gemini,
}

impl Agent {
    /// The executable, the variable that names it, and how to install it.
    fn program(self) -> (&'static str, &'static str, &'static str, &'static str) {
        match self {
            Agent::Claude => ("claude", "CLAUDE_PATH", "Claude Code", "@anthropic-ai/claude-code"), // i18n: not prose
            Agent::Codex => ("codex", "CODEX_PATH", "Codex CLI", "@openai/codex"),
            Agent::Gemini => ("gemini", "GEMINI_PATH", "Gemini CLI", "@google/gemini-cli"),
        }
    }

    /// The variables pointing this agent at `url` with `key`.
    fn vars(self, url: &str, key: &str) -> Vec<(&'static str, String)> {
        match self {
            Agent::Claude => vec![("ANTHROPIC_BASE_URL", url.to_string()), ("ANTHROPIC_AUTH_TOKEN", key.to_string())],
            // The provider block names this variable as its env_key.
            Agent::Codex => vec![("ROUTEX_CLIENT_KEY", key.to_string())],
            Agent::Gemini => vec![("GOOGLE_GEMINI_BASE_URL", url.to_string()), ("GEMINI_API_KEY", key.to_string())],
        }
    }

    /// The config file lines this agent needs besides its variables, and the file.
    fn config(self, url: &str) -> Option<(&'static str, String)> {
        match self {
            Agent::Claude => None,
            Agent::Codex => Some(("~/.codex/config.toml", codex_provider_toml(url))),
            // With GOOGLE_GEMINI_BASE_URL set and no auth type chosen, Gemini CLI picks its
            // "gateway" type, which `gemini -p` refuses ("Invalid auth method selected").
            Agent::Gemini => Some(("~/.gemini/settings.json", format!("{GEMINI_SETTINGS}\n"))),
        }
    }
}

/// Gemini CLI's auth type for an API key (its settings' `security.auth.selectedType`).
const GEMINI_SETTINGS: &str = r#"{"security": {"auth": {"selectedType": "gemini-api-key"}}}"#;

/// Codex's provider for routex: its `config.toml` lines (`routex env --agent codex`).
fn codex_provider_toml(url: &str) -> String {
    format!(
        "model_provider = \"routex\"\n\n[model_providers.routex]\nname = \"Routex\"\nbase_url = \"{url}/v1\"\n\
         env_key = \"ROUTEX_CLIENT_KEY\"\nwire_api = \"responses\"\n"
    )
}

/// The same provider as `codex -c` overrides (`routex code --agent codex`), so the user's
/// own config.toml is left as it is.
fn codex_overrides(url: &str) -> Vec<String> {
    vec![
        "-c".into(),
        "model_provider=\"routex\"".into(),
        "-c".into(),
        format!(
            "model_providers.routex={{ name = \"Routex\", base_url = \"{url}/v1\", env_key = \"ROUTEX_CLIENT_KEY\", \
             wire_api = \"responses\" }}"
        ),
    ]
}

/// The daemon of `data_dir` as daemon.json names it, if its process is alive and is a
/// routex. A file whose process is gone (or is something else now) is removed; the
/// second value says so.
pub(super) fn find(data_dir: &Path) -> (Option<DaemonInfo>, Option<String>) {
    let Some(info) = DaemonInfo::read(data_dir) else { return (None, None) };
    if paths::process_alive(info.pid) && is_routex(info.pid) {
        return (Some(info), None);
    }
    DaemonInfo::remove(data_dir);
    let note = t!("cli.daemon.stale", file = paths::daemon_file(data_dir).display(), pid = info.pid).into_owned();
    (None, Some(note))
}

/// Whether process `pid` runs a routex binary (its command's file name starts with
/// `routex`): a pid from an old daemon.json may belong to another program by now.
fn is_routex(pid: u32) -> bool {
    let Ok(cmd) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
        // No /proc (not Linux): the pid's liveness is all there is to go on.
        return !Path::new("/proc/self").exists();
    };
    let argv0 = cmd.split(|b| *b == 0).next().unwrap_or_default();
    let name = Path::new(std::ffi::OsStr::new(std::str::from_utf8(argv0).unwrap_or_default()))
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.starts_with("routex")
}

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new().timeout(PROBE_TIMEOUT).build()
}

/// GET `path` of the daemon at `base`: the status and the JSON body (None when it does
/// not answer at all).
pub(super) fn get(base: &str, path: &str, token: Option<&str>) -> Option<(u16, serde_json::Value)> {
    let mut req = agent().get(&format!("{}{path}", base.trim_end_matches('/')));
    if let Some(t) = token {
        req = req.set("Authorization", &format!("Bearer {t}"));
    }
    match req.call() {
        Ok(r) => {
            let status = r.status();
            Some((status, r.into_json().unwrap_or_default()))
        }
        Err(ureq::Error::Status(status, r)) => Some((status, r.into_json().unwrap_or_default())),
        Err(_) => None,
    }
}

fn log_file(data_dir: &Path) -> PathBuf {
    paths::log_dir(data_dir).join("routex.log")
}

/// `routex status`: 0 when a daemon answers, 1 when none does.
pub fn status(cli: &Cli, printer: &Printer) -> anyhow::Result<u8> {
    let data_dir = paths::data_dir(cli.data_dir.as_deref());
    let s = read_status(cli, &data_dir);
    let code = if s.running { 0 } else { 1 };
    printer.daemon_status(&s);
    Ok(code)
}

fn read_status(cli: &Cli, data_dir: &Path) -> Status {
    let (info, note) = find(data_dir);
    let mut s = Status {
        running: false,
        data_dir: data_dir.display().to_string(),
        pid: None,
        url: None,
        version: None,
        uptime_s: None,
        health: None,
        channels_up: None,
        channels_total: None,
        reasons: Vec::new(),
        log_file: log_file(data_dir).display().to_string(),
        note,
    };
    let Some(info) = info else { return s };
    s.pid = Some(info.pid);
    s.url = Some(info.admin_url.clone());
    s.version = Some(info.version.clone());
    let token = cli.admin_token.clone().filter(|t| !t.is_empty()).or(info.local_token.clone());
    match get(&info.admin_url, "/health/detailed", token.as_deref()) {
        None => {
            s.note = Some(t!("cli.daemon.silent", pid = info.pid, url = info.admin_url, log = s.log_file).into_owned());
        }
        Some((_, v)) => {
            // 200 and 503 both carry the report; 401 (a token needed) carries none.
            let d = &v["data"];
            s.running = true;
            s.health = d["status"].as_str().map(str::to_string);
            s.uptime_s = d["uptime_s"].as_u64();
            let ch = &d["channels"];
            s.channels_total = ch["total"].as_u64();
            if let (Some(enabled), Some(down)) = (ch["enabled"].as_u64(), ch["down"].as_array()) {
                s.channels_up = Some(enabled.saturating_sub(down.len() as u64));
            } else {
                s.channels_up = ch["enabled"].as_u64();
            }
            s.reasons = d["reasons"]
                .as_array()
                .map(|r| r.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
                .unwrap_or_default();
            if d.is_null() {
                let none = t!("cli.daemon.no_report");
                let msg = v["error"]["message"].as_str().unwrap_or(&none);
                s.note = Some(t!("cli.daemon.no_health", message = msg).into_owned());
            }
        }
    }
    s
}

/// `routex serve --detach`: start the daemon in the background with the same settings,
/// wait until it answers `/health/ready`, and say where it is. A daemon that exits
/// before it is ready has its own error message repeated here.
pub fn detach(cli: &Cli, args: &ServeArgs, printer: &Printer) -> anyhow::Result<u8> {
    if let Some((url, pid)) = start(cli, args, printer)? {
        printer.daemon_started(&url, pid, &log_file(&paths::data_dir(cli.data_dir.as_deref())));
    }
    Ok(0)
}

/// Start the daemon in the background and wait until it is ready: its URL and pid, or
/// None when one already runs (said on stderr).
fn start(cli: &Cli, args: &ServeArgs, printer: &Printer) -> anyhow::Result<Option<(String, u32)>> {
    let data_dir = std::path::absolute(paths::data_dir(cli.data_dir.as_deref()))?;
    let (running, stale) = find(&data_dir);
    if let Some(n) = stale {
        printer.note(&n);
    }
    if let Some(info) = running {
        printer.note(&t!("cli.daemon.already", data = data_dir.display(), url = info.admin_url, pid = info.pid));
        return Ok(None);
    }
    paths::private_dir(&data_dir)
        .map_err(|e| anyhow::anyhow!("{}", t!("cli.daemon.mkdir_data", dir = data_dir.display(), error = e)))?;
    let logs = paths::log_dir(&data_dir);
    paths::private_dir(&logs)
        .map_err(|e| anyhow::anyhow!("{}", t!("cli.daemon.mkdir", dir = logs.display(), error = e)))?;
    // What the daemon prints before its log is set up (and its last error) lands here.
    let out_path = logs.join("serve.out");
    let out = paths::private_file()
        .create(true)
        .append(true)
        .open(&out_path)
        .map_err(|e| anyhow::anyhow!("{}", t!("cli.daemon.open", file = out_path.display(), error = e)))?;
    let out_start = out.metadata().map(|m| m.len()).unwrap_or(0);
    let exe = std::env::current_exe().map_err(|e| anyhow::anyhow!("{}", t!("cli.daemon.no_binary", error = e)))?;
    let mut cmd = std::process::Command::new(exe);
    cmd.arg("--data-dir").arg(&data_dir);
    for _ in 0..cli.verbose {
        cmd.arg("-v");
    }
    if cli.quiet {
        cmd.arg("--quiet");
    }
    cmd.arg("serve");
    if let Some(c) = &args.config {
        cmd.arg("--config").arg(std::path::absolute(c)?);
    }
    if let Some(h) = &args.host {
        cmd.arg("--host").arg(h);
    }
    if let Some(p) = args.port {
        cmd.arg("--port").arg(p.to_string());
    }
    if args.allow_unauthenticated {
        cmd.arg("--allow-unauthenticated");
    }
    if let Some(t) = cli.admin_token.as_deref().filter(|t| !t.is_empty()) {
        // Through the environment, not the command line other users can read.
        cmd.env("ROUTEX_ADMIN_TOKEN", t);
    }
    cmd.stdin(std::process::Stdio::null()).stdout(out.try_clone()?).stderr(out);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: setsid is async-signal-safe; the child leaves the terminal's session so
        // that closing the terminal does not stop it.
        unsafe {
            cmd.pre_exec(|| {
                libc::setsid();
                Ok(())
            });
        }
    }
    let mut child = cmd.spawn().map_err(|e| anyhow::anyhow!("{}", t!("cli.daemon.spawn", error = e)))?;
    let pid = child.id();
    let deadline = Instant::now() + START_WAIT;
    loop {
        if let Some(st) = child.try_wait()? {
            let said = tail_since(&out_path, out_start);
            let said = said.trim();
            let said = if said.is_empty() { String::new() } else { format!(": {said}") };
            anyhow::bail!("{}", t!("cli.daemon.died", status = st, said = said));
        }
        if let Some(info) = DaemonInfo::read(&data_dir).filter(|i| i.pid == pid) {
            if matches!(get(&info.admin_url, "/health/ready", None), Some((200, _))) {
                return Ok(Some((info.admin_url, pid)));
            }
        }
        if Instant::now() > deadline {
            // Not ready in time: do not leave a half-started daemon behind.
            terminate(pid);
            let _ = child.wait();
            anyhow::bail!(
                "{}",
                t!(
                    "cli.daemon.not_ready",
                    pid = pid,
                    secs = START_WAIT.as_secs(),
                    out = out_path.display(),
                    log = log_file(&data_dir).display()
                )
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// What a file gained after `from`, at most its last 2 KiB: the daemon's own error.
fn tail_since(path: &Path, from: u64) -> String {
    let bytes = std::fs::read(path).unwrap_or_default();
    let new = bytes.get(from as usize..).unwrap_or_default();
    let start = new.len().saturating_sub(2048);
    String::from_utf8_lossy(&new[start..]).replace("error: ", "").replace('\n', " ")
}

fn terminate(pid: u32) {
    #[cfg(unix)]
    // SAFETY: sending SIGTERM to a pid has no memory-safety preconditions.
    unsafe {
        libc::kill(pid as libc::pid_t, libc::SIGTERM);
    }
}

/// `routex stop`: SIGTERM to the daemon, then wait for it to finish its streams and
/// flush its request log. Not running is not an error (0), a daemon that does not stop in
/// time is (1).
pub fn stop(cli: &Cli, printer: &Printer) -> anyhow::Result<u8> {
    let data_dir = paths::data_dir(cli.data_dir.as_deref());
    let (info, stale) = find(&data_dir);
    if let Some(n) = stale {
        printer.note(&n);
    }
    let Some(info) = info else {
        printer.note(&t!("cli.daemon.not_running", data = data_dir.display()));
        return Ok(0);
    };
    terminate(info.pid);
    let deadline = Instant::now() + STOP_WAIT;
    while paths::process_alive(info.pid) && is_routex(info.pid) {
        if Instant::now() > deadline {
            printer.note(&t!("cli.daemon.stop_slow", pid = info.pid, secs = STOP_WAIT.as_secs()));
            return Err(Exit(1).into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    printer.note(&t!("cli.daemon.stopped", pid = info.pid, url = info.admin_url));
    Ok(0)
}

/// `routex restart`: stop (if running), then `serve --detach` with these settings.
pub fn restart(cli: &Cli, args: &ServeArgs, printer: &Printer) -> anyhow::Result<u8> {
    let code = stop(cli, printer)?;
    if code != 0 {
        return Ok(code);
    }
    detach(cli, args, printer)
}

/// `routex code`
#[derive(Args, Debug)]
pub struct CodeArgs {
    /// The coding agent to run
    #[arg(long, value_enum, default_value = "claude")]
    pub agent: Agent,
    /// Arguments for the agent, after `--` (e.g. `routex code -- -p "hi"`, `routex code
    /// --agent codex -- exec "hi"`)
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, value_name = "AGENT_ARGS")]
    pub args: Vec<std::ffi::OsString>,
}

/// The client key the SDKs and Claude Code send: `$ROUTEX_CLIENT_KEY`, else a
/// placeholder (routex holds the upstream keys; without `server.client_keys` any is fine).
fn client_key() -> String {
    std::env::var("ROUTEX_CLIENT_KEY").ok().filter(|k| !k.is_empty()).unwrap_or_else(|| "routex".into())
}

/// The agent's executable: `$CLAUDE_PATH` (`$CODEX_PATH`, `$GEMINI_PATH`), else the first
/// on PATH.
fn find_agent(agent: Agent) -> Option<PathBuf> {
    let (name, var, ..) = agent.program();
    if let Some(p) = std::env::var_os(var).filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    std::env::split_paths(&std::env::var_os("PATH")?).map(|d| d.join(name)).find(|p| p.is_file())
}

/// `routex code [--agent claude|codex|gemini] [-- AGENT_ARGS…]`: make sure a daemon answers
/// (starting one in the background if none does), then run the coding agent pointed at
/// it, with the arguments passed through; its exit code is ours.
pub fn code(cli: &Cli, args: &CodeArgs, printer: &Printer) -> anyhow::Result<u8> {
    let Some(program) = find_agent(args.agent) else {
        let (name, var, title, package) = args.agent.program();
        anyhow::bail!("{}", t!("cli.daemon.agent_missing", title = title, name = name, package = package, var = var));
    };
    let data_dir = paths::data_dir(cli.data_dir.as_deref());
    let url = match (&cli.server, find(&data_dir).0) {
        (Some(s), _) if !s.is_empty() => s.trim_end_matches('/').to_string(),
        (_, Some(info)) => info.admin_url,
        _ => {
            let serve = ServeArgs {
                config: std::env::var_os("ROUTEX_CONFIG").filter(|c| !c.is_empty()).map(PathBuf::from),
                host: None,
                port: None,
                allow_unauthenticated: false,
                detach: true,
            };
            // Claude Code's output is stdout: what routex says goes to stderr.
            let (url, pid) = match start(cli, &serve, printer)? {
                Some(started) => started,
                None => find(&data_dir)
                    .0
                    .map(|i| (i.admin_url, i.pid))
                    .ok_or_else(|| anyhow::anyhow!("{}", t!("cli.daemon.none_answers")))?,
            };
            printer.note(&t!("cli.daemon.started_for_agent", url = url, pid = pid));
            url
        }
    };
    let url = url.trim_end_matches('/');
    let mut cmd = std::process::Command::new(&program);
    match args.agent {
        // A key of the user's own would make Claude Code ask whether to use it instead.
        Agent::Claude => cmd.env_remove("ANTHROPIC_API_KEY"),
        Agent::Codex => cmd.args(codex_overrides(url)),
        // The auth type as system defaults (the lowest of Gemini CLI's settings layers, so
        // the user's own settings are neither written nor overridden); Vertex settings or a
        // Google key of the user's own would take precedence over routex.
        Agent::Gemini => {
            let defaults = data_dir.join("gemini-cli-defaults.json");
            std::fs::write(&defaults, GEMINI_SETTINGS).map_err(|e| {
                anyhow::anyhow!("{}", t!("cli.export.cannot_write", file = defaults.display(), error = e))
            })?;
            cmd.env("GEMINI_CLI_SYSTEM_DEFAULTS_PATH", &defaults)
                .env_remove("GOOGLE_API_KEY")
                .env_remove("GOOGLE_GENAI_USE_VERTEXAI")
        }
    };
    cmd.args(&args.args).envs(args.agent.vars(url, &client_key()));
    let status = cmd
        .status()
        .map_err(|e| anyhow::anyhow!("{}", t!("cli.daemon.run", program = program.display(), error = e)))?;
    #[cfg(unix)]
    if let Some(sig) = std::os::unix::process::ExitStatusExt::signal(&status) {
        return Ok(128u8.saturating_add(sig as u8));
    }
    Ok(status.code().map_or(1, |c| c as u8))
}

/// `routex env`: the variables that point Claude Code and the Anthropic and OpenAI SDKs
/// at the daemon, for `eval`. The client key is `$ROUTEX_CLIENT_KEY` when set (needed when
/// the daemon has `server.client_keys`), else a placeholder the SDKs accept.
pub fn env(cli: &Cli, args: &EnvArgs, printer: &Printer) -> anyhow::Result<u8> {
    let data_dir = paths::data_dir(cli.data_dir.as_deref());
    let (info, _) = find(&data_dir);
    let url = match (&cli.server, &info) {
        (Some(s), _) if !s.is_empty() => s.trim_end_matches('/').to_string(),
        (_, Some(i)) => i.admin_url.trim_end_matches('/').to_string(),
        _ => {
            printer.note(&t!("cli.daemon.env_not_running"));
            "http://127.0.0.1:3000".to_string()
        }
    };
    let key = client_key();
    if let Some(agent) = args.agent {
        let config = agent.config(&url);
        printer.agent_env(config.as_ref().map(|(f, t)| (*f, t.as_str())), &agent.vars(&url, &key), shell(args));
        return Ok(0);
    }
    let vars = [
        ("ANTHROPIC_BASE_URL", url.clone()),
        ("ANTHROPIC_AUTH_TOKEN", key.clone()),
        ("OPENAI_BASE_URL", format!("{url}/v1")),
        ("OPENAI_API_KEY", key),
    ];
    printer.env_vars(&vars, shell(args));
    Ok(0)
}

/// The shell `routex env` writes for: `--shell`, else from `$SHELL`, else bash.
fn shell(args: &EnvArgs) -> Shell {
    args.shell.unwrap_or_else(|| {
        match std::env::var("SHELL").unwrap_or_default().rsplit('/').next().unwrap_or_default() {
            "zsh" => Shell::Zsh,
            "fish" => Shell::Fish,
            "pwsh" | "powershell" => Shell::Powershell,
            _ => Shell::Bash,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::output::assignment;

    #[test]
    fn assignments_quote_for_each_shell() {
        assert_eq!(assignment(Shell::Bash, "A", "x'y"), r"export A='x'\''y'");
        assert_eq!(assignment(Shell::Zsh, "A", "http://h:1"), "export A='http://h:1'");
        assert_eq!(assignment(Shell::Fish, "A", r"x'y\z"), r"set -gx A 'x\'y\\z'");
        assert_eq!(assignment(Shell::Powershell, "A", "x'y"), "$env:A = 'x''y'");
    }

    #[test]
    fn a_daemon_json_whose_process_is_gone_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let info = DaemonInfo {
            pid: u32::MAX / 2, // no such process
            address: "127.0.0.1:1".into(),
            admin_url: "http://127.0.0.1:1".into(),
            version: "0".into(),
            started_at: "now".into(),
            local_token: None,
        };
        info.write(dir.path()).unwrap();
        let (found, note) = find(dir.path());
        assert!(found.is_none());
        assert!(note.unwrap().contains("stale"), "a note says so");
        assert!(DaemonInfo::read(dir.path()).is_none(), "and the file is gone");
        // Process 1 is alive but is not a routex.
        let me = DaemonInfo { pid: 1, ..info };
        me.write(dir.path()).unwrap();
        assert!(find(dir.path()).0.is_none());
    }
}
