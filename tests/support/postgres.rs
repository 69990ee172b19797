//! A throwaway PostgreSQL server for team mode's tests: Debian's server (installed by
//! `tests/setup/postgres.sh`), a cluster made with initdb in a temporary directory as the
//! `postgres` user, listening on a free loopback port, stopped by PID on drop.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The running server.
pub struct Postgres {
    bin: PathBuf,
    dir: tempfile::TempDir,
    pub port: u16,
    child: Option<Child>,
}

fn as_postgres(bin: &std::path::Path, program: &str) -> Command {
    let mut c = Command::new("setpriv");
    c.args(["--reuid=postgres", "--regid=postgres", "--init-groups", "--"]).arg(bin.join(program));
    c
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Postgres {
    /// Install (once per machine), initdb and start. Panics with the setup's output when
    /// the server cannot be had: never a silent skip.
    pub fn start() -> Postgres {
        let out = super::setup_script(
            "tests/setup/postgres.sh",
            Duration::from_secs(900),
            "team mode's tests need Debian's postgresql (root and the package registry the first time)",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let bin =
            PathBuf::from(out.lines().rev().find(|l| l.starts_with('/')).expect("postgres.sh prints its bin dir"));
        let dir = tempfile::tempdir().unwrap();
        let (uid, gid) = ids();
        chown(dir.path(), uid, gid);
        let data = dir.path().join("data");
        let init = as_postgres(&bin, "initdb")
            .args(["-D"])
            .arg(&data)
            .args(["-A", "trust", "-U", "routex", "--no-sync", "-E", "UTF8"])
            .stdout(Stdio::null())
            .output()
            .unwrap();
        assert!(init.status.success(), "initdb: {}", String::from_utf8_lossy(&init.stderr));
        let mut pg = Postgres { bin, dir, port: free_port(), child: None };
        pg.run();
        pg
    }

    /// Start the server (again) on its port and wait until it takes connections.
    pub fn run(&mut self) {
        let log = std::fs::File::create(self.dir.path().join("server.log")).unwrap();
        let child = as_postgres(&self.bin, "postgres")
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-p", &self.port.to_string(), "-c", "listen_addresses=127.0.0.1", "-k"])
            .arg(self.dir.path())
            .args(["-c", "fsync=off", "-c", "max_connections=200"])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if postgres::Client::connect(&self.url(), postgres::NoTls).is_ok() {
                return;
            }
            assert!(Instant::now() < deadline, "postgres did not start: {}", self.log());
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Stop the server (fast shutdown: open connections are closed) and wait for it.
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            unsafe {
                libc::kill(c.id() as i32, libc::SIGINT);
            }
            let deadline = Instant::now() + Duration::from_secs(20);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = c.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// The URL a replica's `storage:` names.
    pub fn url(&self) -> String {
        format!("postgres://routex@127.0.0.1:{}/postgres", self.port)
    }

    /// A client for the test's own queries.
    pub fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url(), postgres::NoTls).unwrap()
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        self.stop();
    }
}

fn ids() -> (u32, u32) {
    let id = |flag: &str| {
        let out = Command::new("id").args([flag, "postgres"]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).trim().parse::<u32>().expect("the postgres user exists")
    };
    (id("-u"), id("-g"))
}

fn chown(path: &std::path::Path, uid: u32, gid: u32) {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::chown(c.as_ptr(), uid, gid) }, 0, "chown {}", path.display());
}
