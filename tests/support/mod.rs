//! Shared helpers: run the real `routex` binary, start a real daemon on port 0.

#![allow(dead_code)]

pub mod gemini_schema;
pub mod mock;
pub mod postgres;
pub mod sdk;
pub mod stack;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_routex");

/// A scratch data directory.
pub struct Home {
    pub dir: tempfile::TempDir,
}

impl Home {
    pub fn new() -> Home {
        Home { dir: tempfile::tempdir().unwrap() }
    }
    /// A data directory under `parent` (for a program that refuses files below a
    /// world-writable directory such as /tmp: Gemini CLI's settings).
    pub fn new_in(parent: &Path) -> Home {
        std::fs::create_dir_all(parent).unwrap();
        Home { dir: tempfile::tempdir_in(parent).unwrap() }
    }
    pub fn path(&self) -> &Path {
        self.dir.path()
    }
    /// A `routex` command with this data dir and a clean environment.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.args(args)
            .env("ROUTEX_HOME", self.path())
            .env_remove("ROUTEX_SERVER")
            .env_remove("ROUTEX_ADMIN_TOKEN")
            .env_remove("ROUTEX_MASTER_KEY")
            .env_remove("ROUTEX_LOG")
            .env_remove("ROUTEX_HOST")
            .env_remove("ROUTEX_PORT")
            // English unless a test asks for another language (docs/i18n.md).
            .env_remove("LOCALE")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("LANG")
            .stdin(Stdio::null());
        c
    }
    pub fn run(&self, args: &[&str]) -> Run {
        Run(self.cmd(args).output().unwrap())
    }
    /// `routex channel add` of an anthropic channel with a key, which must succeed.
    pub fn add_keyed_channel(&self, name: &str, models: &str) {
        let key = "sk-ant-0123456789abcdef";
        self.run(&["channel", "add", "--name", name, "--type", "anthropic", "--models", models, "--api-key", key]).ok();
    }
    /// Start `routex serve --port 0` and wait until daemon.json names a live daemon.
    pub fn serve(&self, extra: &[&str]) -> Daemon {
        self.serve_env(extra, &[])
    }
    /// [`Home::serve`] with environment variables set for the daemon.
    pub fn serve_env(&self, extra: &[&str], env: &[(&str, &str)]) -> Daemon {
        let mut args = vec!["serve", "--port", "0"];
        args.extend_from_slice(extra);
        // stderr to a file, not a pipe: a chatty daemon must never block on a full pipe.
        let log = std::fs::File::create(self.path().join("daemon.stderr")).unwrap();
        let mut cmd = self.cmd(&args);
        cmd.envs(env.iter().copied());
        let child = cmd.stdout(Stdio::null()).stderr(log).spawn().unwrap();
        let mut daemon = Daemon { child, url: String::new(), home: self.path().to_path_buf() };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(text) = std::fs::read_to_string(self.path().join("daemon.json")) {
                if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) {
                    let url = v["admin_url"].as_str().unwrap().to_string();
                    if ureq::get(&format!("{url}/health/live")).call().is_ok() {
                        daemon.url = url;
                        return daemon;
                    }
                }
            }
            assert!(Instant::now() < deadline, "daemon did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// The outcome of one CLI run.
pub struct Run(pub Output);

impl Run {
    pub fn code(&self) -> i32 {
        self.0.status.code().unwrap_or(-1)
    }
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }
    pub fn ok(self) -> Run {
        assert_eq!(self.code(), 0, "stdout: {}\nstderr: {}", self.stdout(), self.stderr());
        self
    }
}

/// A running daemon process; stopped with SIGTERM on drop.
pub struct Daemon {
    pub child: Child,
    pub url: String,
    pub home: PathBuf,
}

impl Daemon {
    pub fn get(&self, path: &str) -> serde_json::Value {
        let resp = match ureq::get(&format!("{}{path}", self.url)).call() {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{e}"),
        };
        resp.into_json().unwrap()
    }
    /// SIGTERM and wait; returns what it printed to stderr.
    pub fn stop(mut self) -> String {
        self.terminate();
        std::fs::read_to_string(self.home.join("daemon.stderr")).unwrap_or_default()
    }
    fn terminate(&mut self) {
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGTERM);
        }
        // The daemon gives streams still finishing up to 10 s, then flushes the request
        // log: wait for both before killing it.
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.terminate();
        }
    }
}

/// Every file under a directory, concatenated (for "the secret is nowhere" checks).
pub fn all_bytes(dir: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    for entry in walk(dir) {
        if let Ok(b) = std::fs::read(&entry) {
            out.extend_from_slice(&b);
        }
    }
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                files.extend(walk(&p));
            } else {
                files.push(p);
            }
        }
    }
    files
}

pub fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// `routex ARGS` on a pseudo-terminal (util-linux `script`): for each step, wait until
/// the output shows the prompt, then type the answer. Its exit code and everything it
/// printed.
pub fn on_a_terminal(h: &Home, args: &str, steps: &[(&str, &str)]) -> (i32, String) {
    use std::io::{Read, Write};
    use std::sync::{Arc, Mutex};
    // Never a silent skip: without a pseudo-terminal this test cannot check anything.
    assert!(
        std::process::Command::new("script").arg("--version").output().is_ok(),
        "the terminal tests need util-linux `script` (Debian: apt-get install util-linux)"
    );
    let mut child = std::process::Command::new("script")
        .args(["-qec", &format!("{} {args}", BIN), "/dev/null"])
        .env("ROUTEX_HOME", h.path())
        .env_remove("ROUTEX_SERVER")
        .env_remove("FH5_KEY")
        .env_remove("ANTHROPIC_API_KEY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let seen = Arc::new(Mutex::new(String::new()));
    let mut stdout = child.stdout.take().unwrap();
    let reader = {
        let seen = seen.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                seen.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        })
    };
    let mut stdin = child.stdin.take().unwrap();
    for (prompt, answer) in steps {
        // The answer goes once the prompt is up: a password prompt discards what was typed before.
        let deadline = Instant::now() + Duration::from_secs(10);
        while !seen.lock().unwrap().contains(prompt) {
            assert!(Instant::now() < deadline, "no prompt {prompt:?} in: {}", seen.lock().unwrap());
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(100));
        stdin.write_all(answer.as_bytes()).unwrap();
        stdin.flush().unwrap();
    }
    // `script` ends at the end of its input, once the command is done.
    let quiet = Instant::now() + Duration::from_secs(5);
    while child.try_wait().unwrap().is_none() && Instant::now() < quiet {
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(stdin);
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "the interactive command did not finish");
        std::thread::sleep(Duration::from_millis(20));
    }
    let code = child.wait().unwrap().code().unwrap_or(-1);
    reader.join().unwrap();
    let out = seen.lock().unwrap().clone();
    (code, out)
}

/// Run a setup script of the repository (`tests/e2e/setup.sh`, `tests/setup/*.sh`) with
/// bash from the repository's root, within `limit`: its output (stdout and stderr, in
/// order) on success, else why it failed with that output, for the test to fail with —
/// never a silent skip. `why` says what needs it ("the SDK end-to-end tests need python3
/// and the package registry the first time").
pub fn setup_script(script: &str, limit: Duration, why: &str) -> Result<String, String> {
    setup_script_with(script, &[], limit, why)
}

/// [`setup_script`] with arguments for the script.
pub fn setup_script_with(script: &str, args: &[&str], limit: Duration, why: &str) -> Result<String, String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let log = tempfile::NamedTempFile::new().map_err(|e| format!("setup log: {e}"))?;
    let out = log.reopen().map_err(|e| format!("setup log: {e}"))?;
    let err = out.try_clone().map_err(|e| format!("setup log: {e}"))?;
    let mut child = Command::new("bash")
        .arg(root.join(script))
        .args(args)
        .current_dir(&root)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(|e| format!("could not run {script}: {e}"))?;
    let deadline = Instant::now() + limit;
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break Some(s),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(100)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
        }
    };
    let output = std::fs::read_to_string(log.path()).unwrap_or_default();
    match status {
        Some(s) if s.success() => Ok(output),
        Some(s) => Err(format!("{script} failed ({s}); {why}.\n--- setup output ---\n{output}")),
        None => Err(format!("{script} did not finish within {limit:?}; {why}.\n--- setup output ---\n{output}")),
    }
}
