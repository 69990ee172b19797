//! `routex diagnose` names each problem of a broken setup and its fix, exits 1, and
//! finishes in seconds: a taken port (and who holds it), a store locked by a process that
//! left no daemon.json, a malformed config, a channel whose key is refused and one where
//! nothing listens. Loopback only.

use crate::support::mock::{Behavior, MockUpstream};
use crate::support::Home;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread")]
async fn diagnose_names_each_problem_and_its_fix() {
    let refused = MockUpstream::start().await;
    refused.set_default(Behavior::status(401));
    let good = MockUpstream::start().await;
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_url = format!("http://{}", dead.local_addr().unwrap());
    drop(dead);
    let h = Home::new();
    for (name, url) in [("badkey", refused.url()), ("nobody", dead_url), ("fine", good.url())] {
        h.run(&[
            "channel",
            "add",
            "--name",
            name,
            "--type",
            "anthropic",
            "--models",
            "claude-*",
            "--base-url",
            &url,
            "--api-key",
            "sk-ant-0123456789abcdef",
        ])
        .ok();
    }
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let cfg = h.path().join("routex.yaml");
    std::fs::write(&cfg, "server:\n  port: 3000\n  lisen: 1\n").unwrap();

    let started = Instant::now();
    let r = h.run(&["diagnose", "--config", cfg.to_str().unwrap(), "--port", &port, "--output", "json"]);
    assert!(started.elapsed() < Duration::from_secs(10), "took {:?}", started.elapsed());
    assert_eq!(r.code(), 1, "{}", r.stderr());
    let checks: Vec<serde_json::Value> = serde_json::from_str(&r.stdout()).unwrap();
    let find = |name: &str| {
        checks.iter().find(|c| c["check"] == name).cloned().unwrap_or_else(|| panic!("no check {name}: {checks:?}"))
    };
    let verdict = |name: &str| find(name)["verdict"].as_str().unwrap().to_string();
    assert_eq!(verdict("config file"), "fail");
    assert!(
        find("config file")["detail"].as_str().unwrap().contains("line 3")
            && find("config file")["detail"].as_str().unwrap().contains("lisen")
    );
    assert_eq!(verdict("port"), "fail");
    let me = std::process::id().to_string();
    assert!(find("port")["detail"].as_str().unwrap().contains(&format!("taken by pid {me}")), "{:?}", find("port"));
    assert!(find("port")["fix"].as_str().unwrap().contains("routex serve --port"));
    assert_eq!(verdict("badkey: request"), "fail");
    assert!(find("badkey: request")["detail"].as_str().unwrap().contains("the key was refused"));
    assert!(find("badkey: request")["fix"].as_str().unwrap().contains("routex channel edit badkey"));
    assert_eq!(verdict("nobody: connect"), "fail");
    assert_eq!(verdict("fine: request"), "ok");
    assert_eq!(verdict("fine: connect"), "ok");
    assert_eq!(verdict("store"), "ok");
    assert_eq!(verdict("daemon"), "warn", "not running is not broken");

    // A store held by a process that left no daemon.json: locked, and by whom.
    let d = h.serve(&[]);
    std::fs::remove_file(h.path().join("daemon.json")).unwrap();
    let r = h.run(&["diagnose", "--output", "json"]);
    assert_eq!(r.code(), 1);
    let checks: Vec<serde_json::Value> = serde_json::from_str(&r.stdout()).unwrap();
    let store = checks.iter().find(|c| c["check"] == "store").unwrap();
    assert_eq!(store["verdict"], "fail");
    assert!(
        store["detail"].as_str().unwrap().contains("locked by") && store["detail"].as_str().unwrap().contains("serve"),
        "{store}"
    );
    drop(d);

    // Everything fine: exit 0, and a table for people.
    let h2 = Home::new();
    h2.run(&[
        "channel",
        "add",
        "--name",
        "fine",
        "--type",
        "anthropic",
        "--models",
        "claude-*",
        "--base-url",
        &good.url(),
        "--api-key",
        "sk-ant-0123456789abcdef",
    ])
    .ok();
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port().to_string();
    let r = h2.run(&["diagnose", "--port", &free]);
    assert_eq!(r.code(), 0, "{}", r.stdout());
    assert!(r.stdout().contains("nothing is broken") && r.stdout().contains("✓"), "{}", r.stdout());
    drop(taken);
}

/// `diagnose/routex-diagnose.sh`, for when the binary will not start: shellcheck finds
/// nothing in it (nor in the test setup scripts), it passes a sound data directory and
/// names a stale daemon.json and a taken port, exiting 1.
#[test]
fn the_standalone_script_passes_shellcheck_and_names_the_same_problems() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let why = "the lint of diagnose/ needs Debian's shellcheck (root and the package registry)";
    if let Err(e) = crate::support::setup_script("tests/setup/shellcheck.sh", Duration::from_secs(600), why) {
        panic!("{e}");
    }
    let scripts = [
        "diagnose/routex-diagnose.sh",
        "tests/setup/shellcheck.sh",
        "tests/setup/prometheus.sh",
        "tests/setup/apt.sh",
        "tests/setup/postgres.sh",
        "tests/setup/redis.sh",
        "bench/team-load.sh",
        "tests/e2e/setup.sh",
        "tests/e2e/claude-setup.sh",
    ];
    // -x: follow the scripts' `source` of tests/setup/apt.sh.
    let lint = std::process::Command::new("shellcheck").current_dir(root).arg("-x").args(scripts).output().unwrap();
    assert!(lint.status.success(), "shellcheck:\n{}", String::from_utf8_lossy(&lint.stdout));

    let script = root.join("diagnose/routex-diagnose.sh");
    let run = |dir: &std::path::Path, port: u16| {
        let out = std::process::Command::new("bash").arg(&script).arg(dir).arg(port.to_string()).output().unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let h = Home::new();
    h.add_keyed_channel("main", "claude-*");
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let (code, out) = run(h.path(), free);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("✓ data directory") && out.contains(&format!("✓ port {free} is free")), "{out}");
    assert!(!out.contains('✗'), "{out}");

    std::fs::write(
        h.path().join("daemon.json"),
        r#"{"pid": 999999, "address": "127.0.0.1:1", "admin_url": "http://127.0.0.1:1"}"#,
    )
    .unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let (code, out) = run(h.path(), port);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("✗ daemon.json names pid 999999, which is gone"), "{out}");
    assert!(out.contains(&format!("✗ port {port} is taken by another process")), "{out}");
    assert!(out.contains("fix: "), "{out}");
}

/// A channel behind TLS whose certificate does not verify (self-signed, on loopback): the
/// tls check is a ✗ naming the handshake's failure, with what to look at; DNS and connect
/// still pass, so the cause is plain.
#[tokio::test(flavor = "multi_thread")]
async fn a_certificate_that_does_not_verify_is_named() {
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap().self_signed(&key).unwrap();
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.der().clone()],
            rustls::pki_types::PrivateKeyDer::try_from(key.serialize_der()).unwrap(),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let _ = tokio::time::timeout(Duration::from_secs(5), acceptor.accept(tcp)).await;
            });
        }
    });
    let h = Home::new();
    let url = format!("https://localhost:{port}");
    h.run(&[
        "channel",
        "add",
        "--name",
        "selfsigned",
        "--type",
        "anthropic",
        "--models",
        "claude-*",
        "--base-url",
        &url,
        "--api-key",
        "sk-ant-0123456789abcdef",
    ])
    .ok();
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port().to_string();
    let r = tokio::task::spawn_blocking(move || {
        let r = h.run(&["diagnose", "--port", &free, "--output", "json"]);
        (r.code(), r.stdout())
    })
    .await
    .unwrap();
    server.abort();
    assert_eq!(r.0, 1, "{}", r.1);
    let checks: Vec<serde_json::Value> = serde_json::from_str(&r.1).unwrap();
    let get =
        |n: &str| checks.iter().find(|c| c["check"] == n).cloned().unwrap_or_else(|| panic!("no {n}: {checks:?}"));
    assert_eq!(get("selfsigned: connect")["verdict"], "ok");
    let tls = get("selfsigned: tls");
    assert_eq!(tls["verdict"], "fail", "{tls}");
    assert!(tls["detail"].as_str().unwrap().contains("the TLS handshake failed"), "{tls}");
    assert!(tls["fix"].as_str().unwrap().contains("certificate"), "{tls}");
}
