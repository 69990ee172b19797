//! The dashboard (`GET /dashboard`, docs/dashboard.md) in a real browser: Debian's headless
//! Chromium driven through chromedriver (WebDriver, on a loopback port) by fantoccini,
//! against a real `routex serve` daemon with an admin token and the in-process mock
//! upstream. What is asserted is what a user sees on the page, and what the store holds
//! after a click (read back through the admin API). Chromium is installed by
//! `tests/setup/chromium.sh`. Each view's screenshot is kept under
//! `target/dashboard-screenshots/`.

use crate::support::mock::{Behavior, MockUpstream};
use crate::support::{setup_script, Home};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const TOKEN: &str = "dash-admin-token-0123456789";
/// Longest any one thing on the page may take to appear.
const WAIT: Duration = Duration::from_secs(15);

/// chromedriver on a loopback port; killed on drop.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start(log: PathBuf) -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver (installed by tests/setup/chromium.sh)");
        let d = Driver { child, url: format!("http://127.0.0.1:{port}") };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(r) = ureq::get(&format!("{}/status", d.url)).call() {
                let v: Value = r.into_json().unwrap_or_default();
                if v["value"]["ready"] == true {
                    return d;
                }
            }
            assert!(Instant::now() < deadline, "chromedriver did not become ready on {}", d.url);
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// chromedriver's `POST /session/:id/se/log {type: browser}`: the console messages and
/// uncaught errors the page produced since the last call (asked for with
/// `goog:loggingPrefs`).
#[derive(Debug)]
struct BrowserLog;

impl fantoccini::wd::WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }
    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({"type": "browser"}).to_string()))
    }
}

fn shots() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/dashboard-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    std::fs::write(shots().join(format!("{name}.png")), png).unwrap();
}

/// The element, once it is on the page and displayed (at most [`WAIT`]).
async fn shown(c: &Client, css: &str) -> fantoccini::elements::Element {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Ok(e) = c.find(Locator::Css(css)).await {
            if e.is_displayed().await.unwrap_or(false) {
                return e;
            }
        }
        assert!(Instant::now() < deadline, "{css:?} not shown within {WAIT:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The text of `css` once it contains `want` (at most [`WAIT`]); the last text seen in
/// the failure message.
async fn text_with(c: &Client, css: &str, want: &str) -> String {
    let deadline = Instant::now() + WAIT;
    let mut last = String::new();
    loop {
        if let Ok(e) = c.find(Locator::Css(css)).await {
            last = e.text().await.unwrap_or_default();
            if last.contains(want) {
                return last;
            }
        }
        assert!(Instant::now() < deadline, "{css:?} never showed {want:?}; last: {last:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn admin(http: &reqwest::Client, url: &str, path: &str) -> Value {
    let r = http.get(format!("{url}{path}")).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(r.status(), 200, "{path}");
    r.json::<Value>().await.unwrap()["data"].clone()
}

async fn nav(c: &Client, view: &str) {
    c.find(Locator::Css(&format!("#nav a[data-view={view}]"))).await.unwrap().click().await.unwrap();
    shown(c, &format!("#view-{view}")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dashboard_in_a_real_browser() {
    setup_script(
        "tests/setup/chromium.sh",
        Duration::from_secs(900),
        "the dashboard test drives Debian's chromium through chromedriver",
    )
    .unwrap_or_else(|e| panic!("{e}"));

    let _ = std::fs::remove_file(shots().join("failed.png"));
    let up = MockUpstream::start().await;
    let h = Home::new();
    let key = "sk-ant-0123456789abcdef";
    for name in ["dash-main", "dash-spare"] {
        let base = up.url();
        let args = ["channel", "add", "--name", name, "--type", "anthropic", "--models", "claude-*"];
        h.run(&[&args[..], &["--api-key", key, "--base-url", &base]].concat()).ok();
    }
    h.run(&[
        "rule",
        "add",
        "--name",
        "deep-think",
        "--type",
        "keywords",
        "--keywords",
        "ultrathink",
        "--target-channel",
        "dash-main",
    ])
    .ok();
    let config = h.path().join("config.yaml");
    std::fs::write(&config, format!("server: {{ admin_token: {TOKEN} }}\n")).unwrap();
    let d = h.serve(&["--config", config.to_str().unwrap()]);
    let http = reqwest::Client::new();

    // Three requests through the proxy, for the overview and the log: one the upstream
    // refuses (a 400 is the client's: passed back, no failover), a stream, then one answered.
    up.push(Behavior::status(400));
    let body =
        json!({"model": "claude-sonnet-4-5", "max_tokens": 16, "messages": [{"role": "user", "content": "hello"}]});
    let r = http.post(format!("{}/v1/messages", d.url)).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 400);
    r.bytes().await.unwrap();
    let mut stream = body.clone();
    stream["stream"] = json!(true);
    let r = http.post(format!("{}/v1/messages", d.url)).json(&stream).send().await.unwrap();
    assert_eq!(r.status(), 200);
    r.bytes().await.unwrap();
    let r = http.post(format!("{}/v1/messages", d.url)).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 200);
    r.bytes().await.unwrap();
    let logged = admin(&http, &d.url, "/api/requests?limit=1").await;
    let channel = logged[0]["channel_name"].as_str().unwrap().to_string();

    // The static page needs no token; its data does.
    let page = http.get(format!("{}/dashboard", d.url)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(http.get(format!("{}/api/channels", d.url)).send().await.unwrap().status(), 401);

    let driver = Driver::start(shots().join("chromedriver.log"));
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({"args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--window-size=1280,900", "--no-first-run", "--disable-extensions"]}),
    );
    caps.insert("goog:loggingPrefs".into(), json!({"browser": "ALL"}));
    let c = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("a chromium session through chromedriver");

    // On a task of its own: a failed step (a panic) still leaves the session to be closed,
    // so no Chromium outlives the test.
    let (c2, url, http2) = (c.clone(), d.url.clone(), http.clone());
    let result = tokio::spawn(async move { drive(&c2, &url, &http2, &channel).await }).await;
    let js_errors = c.execute("return window.__routexErrors || ['app.js never ran']", vec![]).await;
    let console = c.issue_cmd(BrowserLog).await;
    if !matches!(result, Ok(Ok(()))) {
        // What the page looked like when a step failed, and what it logged.
        shot(&c, "failed").await;
        eprintln!("page errors: {js_errors:?}\nbrowser log: {console:?}");
    }
    let _ = c.close().await;
    drop(driver);
    match result {
        Ok(r) => r.unwrap_or_else(|e| panic!("{e}")),
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }

    // No JavaScript error: none the page caught, none the browser logged. The only severe
    // entries allowed are the 401s of the token checks this test provoked on purpose.
    assert_eq!(js_errors.unwrap(), json!([]), "JavaScript errors on the page");
    let console = console.unwrap();
    let severe: Vec<&Value> = console
        .as_array()
        .expect("chromedriver's browser log")
        .iter()
        .filter(|e| e["level"] == "SEVERE")
        .filter(|e| !e["message"].as_str().unwrap_or_default().contains("status of 401"))
        .collect();
    assert!(severe.is_empty(), "browser console errors: {severe:#?}");
}

/// Everything the user does on the page; `Err` names the step that failed.
async fn drive(c: &Client, url: &str, http: &reqwest::Client, channel: &str) -> Result<(), String> {
    // A daemon with a token: the login form, and a wrong token said so.
    c.goto(&format!("{url}/dashboard")).await.map_err(|e| format!("goto: {e}"))?;
    shown(c, "#login").await;
    assert!(!c.find(Locator::Css("#view-overview")).await.unwrap().is_displayed().await.unwrap());
    let token = shown(c, "#token").await;
    token.send_keys("not-the-token").await.unwrap();
    c.find(Locator::Css("#login-form button")).await.unwrap().click().await.unwrap();
    text_with(c, "#login-error", "Wrong admin token").await;
    shot(c, "login").await;
    let token = shown(c, "#token").await;
    token.send_keys(TOKEN).await.unwrap();
    c.find(Locator::Css("#login-form button")).await.unwrap().click().await.unwrap();

    // Overview: the one request, and the token never in the URL.
    shown(c, "#view-overview").await;
    text_with(c, "[data-card='overview.requests'] .value", "3").await;
    text_with(c, "[data-card='overview.success_rate'] .value", "66.7 %").await;
    text_with(c, "[data-card='overview.failures'] .value", "1").await;
    // Latency and first token (measured on the stream): the analytics' own figures.
    let a = admin(http, url, "/api/analytics?since=1h").await;
    for (card, figure) in [("overview.p50", &a["latency_ms"]["p50"]), ("overview.ttfb_p50", &a["ttfb_ms"]["p50"])] {
        let shown = c.find(Locator::Css(&format!("[data-card='{card}'] .value"))).await.unwrap().text().await.unwrap();
        assert_eq!(shown, format!("{figure} ms"), "{card}");
    }
    // The token is the tab's (sessionStorage), not the browser's, and in no URL.
    let kept = c
        .execute("return [sessionStorage.getItem('routex.token'), JSON.stringify(localStorage)]", vec![])
        .await
        .unwrap();
    assert_eq!(kept[0], TOKEN);
    assert!(!kept[1].as_str().unwrap().contains(TOKEN), "{kept}");
    text_with(c, "#ov-channels", channel).await;
    shown(c, "#ov-chart svg polyline").await;
    let here = c.current_url().await.unwrap();
    assert!(!here.as_str().contains(TOKEN), "{here}");
    shot(c, "overview").await;

    // Channels: the test's channels; disable one, find it disabled in the store.
    nav(c, "channels").await;
    shown(c, "tr[data-channel='dash-spare'] td[data-status='enabled']").await;
    c.find(Locator::Css("tr[data-channel='dash-spare'] button[data-action='disable']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    shown(c, "tr[data-channel='dash-spare'] td[data-status='disabled']").await;
    let stored = admin(http, url, "/api/channels/dash-spare").await;
    assert_eq!(stored["status"], "disabled", "{stored}");
    // Test: the channel test's answer in its row.
    c.find(Locator::Css("tr[data-channel='dash-main'] td[data-test] button")).await.unwrap().click().await.unwrap();
    text_with(c, "tr[data-channel='dash-main'] .test-result", "OK in").await;
    shot(c, "channels").await;

    // Requests: the log, and the request's detail with its attempt and trace.
    nav(c, "requests").await;
    let row = shown(c, "#rq-table tr[data-request]").await;
    text_with(c, "#rq-table tr[data-request]", "claude-sonnet-4-5").await;
    row.click().await.unwrap();
    text_with(c, "#rq-detail dd[data-field='detail.channel']", channel).await;
    text_with(c, "#rq-detail dd[data-field='detail.status']", "200").await;
    text_with(c, "#rq-attempts tbody", channel).await;
    shown(c, "#rq-trace .wf-row[data-span='proxy.handle'] .bar").await;
    shot(c, "requests").await;
    // The refused one: its attempt and the upstream's status.
    let rows = c.find_all(Locator::Css("#rq-table tr[data-request]")).await.unwrap();
    assert_eq!(rows.len(), 3);
    rows[2].click().await.unwrap();
    text_with(c, "#rq-detail dd[data-field='detail.status']", "400").await;
    text_with(c, "#rq-attempts tbody", "400").await;

    // Rules: the rule, and a dry run's decision.
    nav(c, "rules").await;
    text_with(c, "#ru-table tr[data-rule='deep-think']", "keywords").await;
    text_with(c, "#ru-table tr[data-rule='deep-think']", "dash-main").await;
    let body = shown(c, "#ru-body").await;
    body.clear().await.unwrap();
    body.send_keys(r#"{"model": "claude-sonnet-4-5", "max_tokens": 100, "messages": [{"role": "user", "content": "please ultrathink about this"}]}"#)
        .await
        .unwrap();
    c.find(Locator::Css("#ru-form button")).await.unwrap().click().await.unwrap();
    text_with(c, "#ru-result dd[data-field='dry.rule']", "deep-think").await;
    text_with(c, "#ru-result dd[data-field='dry.channel']", "dash-main").await;
    shot(c, "rules").await;

    // Settings: the strategy saved in the store; then the page in Chinese.
    nav(c, "settings").await;
    let before = admin(http, url, "/api/load-balancer/strategy").await;
    let other = before["available"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .find(|s| *s != before["strategy"].as_str().unwrap())
        .unwrap()
        .to_string();
    shown(c, &format!("#st-select option[value='{other}']")).await;
    c.find(Locator::Css("#st-select")).await.unwrap().select_by_value(&other).await.unwrap();
    c.find(Locator::Css("#st-strategy button")).await.unwrap().click().await.unwrap();
    text_with(c, "#st-saved", &other).await;
    assert_eq!(admin(http, url, "/api/load-balancer/strategy").await["strategy"], other.as_str());
    c.find(Locator::Css("#st-lang")).await.unwrap().select_by_value("zh-CN").await.unwrap();
    text_with(c, "#nav a[data-view='overview']", "概览").await;
    text_with(c, "#view-settings h2", "设置").await;
    // The daemon's language follows (its error messages in the banner): PUT /api/i18n/locale.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while admin(http, url, "/api/i18n/locale").await["locale"] != "zh-CN" {
        assert!(std::time::Instant::now() < deadline, "the dashboard did not switch the daemon's language");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    shot(c, "settings-zh").await;
    // A reload keeps both: the language (localStorage) and the tab's token (no login form).
    c.refresh().await.map_err(|e| format!("refresh: {e}"))?;
    shown(c, "#view-settings").await;
    text_with(c, "#nav a[data-view='overview']", "概览").await;
    assert!(!c.find(Locator::Css("#login")).await.unwrap().is_displayed().await.unwrap());

    // The overview follows new requests by itself: no reload (the marker survives).
    nav(c, "overview").await;
    text_with(c, "[data-card='overview.requests'] .value", "3").await;
    c.execute("window.__sameDocument = true", vec![]).await.unwrap();
    let body =
        json!({"model": "claude-sonnet-4-5", "max_tokens": 16, "messages": [{"role": "user", "content": "again"}]});
    let r = http.post(format!("{url}/v1/messages")).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 200);
    r.bytes().await.unwrap();
    text_with(c, "[data-card='overview.requests'] .value", "4").await;
    assert_eq!(c.execute("return window.__sameDocument === true", vec![]).await.unwrap(), json!(true));

    // The same daemon as `localhost`: another origin, so a login of its own (the token is
    // kept per tab and origin), then the same data, no CORS in the way.
    let port = url.rsplit(':').next().unwrap();
    c.goto(&format!("http://localhost:{port}/dashboard#channels")).await.map_err(|e| format!("goto localhost: {e}"))?;
    shown(c, "#token").await.send_keys(TOKEN).await.unwrap();
    c.find(Locator::Css("#login-form button")).await.unwrap().click().await.unwrap();
    shown(c, "tr[data-channel='dash-spare'] td[data-status='disabled']").await;
    Ok(())
}

/// The dashboard under a name other than localhost, as a LAN address is used: the daemon
/// allows `routex.lan` (`server.allowed_hosts`), and Chromium resolves that name to the
/// loopback address (`--host-resolver-rules`; the test stays on loopback). Login, the
/// overview, and a write from the page (disable) work the same: the page's requests are
/// same-origin under that name, so neither the Host nor the Origin check refuses them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_works_the_same_under_a_lan_name() {
    setup_script(
        "tests/setup/chromium.sh",
        Duration::from_secs(900),
        "the dashboard test drives Debian's chromium through chromedriver",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let up = MockUpstream::start().await;
    let h = Home::new();
    let base = up.url();
    let args = ["channel", "add", "--name", "lan-main", "--type", "anthropic", "--models", "claude-*"];
    h.run(&[&args[..], &["--api-key", "sk-ant-0123456789abcdef", "--base-url", &base]].concat()).ok();
    let config = h.path().join("config.yaml");
    std::fs::write(&config, format!("server: {{ admin_token: {TOKEN}, allowed_hosts: [routex.lan] }}\n")).unwrap();
    let d = h.serve(&["--config", config.to_str().unwrap()]);
    let port = d.url.rsplit(':').next().unwrap().to_string();
    let lan = format!("http://routex.lan:{port}");
    let http = reqwest::Client::new();

    let driver = Driver::start(shots().join("chromedriver-lan.log"));
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({"args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--window-size=1280,900", "--no-first-run", "--disable-extensions",
                        "--host-resolver-rules=MAP routex.lan 127.0.0.1"]}),
    );
    let c = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("a chromium session through chromedriver");
    let (c2, lan2, url) = (c.clone(), lan.clone(), d.url.clone());
    let result = tokio::spawn(async move {
        c2.goto(&format!("{lan2}/dashboard")).await.unwrap();
        let token = shown(&c2, "#token").await;
        token.send_keys(TOKEN).await.unwrap();
        c2.find(Locator::Css("#login-form button")).await.unwrap().click().await.unwrap();
        shown(&c2, "#view-overview").await;
        text_with(&c2, "[data-card='overview.requests'] .value", "0").await;
        nav(&c2, "channels").await;
        shown(&c2, "tr[data-channel='lan-main'] td[data-status='enabled']").await;
        c2.find(Locator::Css("tr[data-channel='lan-main'] button[data-action='disable']"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        shown(&c2, "tr[data-channel='lan-main'] td[data-status='disabled']").await;
        assert!(c2.current_url().await.unwrap().as_str().starts_with("http://routex.lan:"));
        url
    })
    .await;
    if result.is_err() {
        shot(&c, "lan-failed").await;
    }
    let _ = c.close().await;
    drop(driver);
    let url = result.unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
    // The write from the page under the LAN name reached the store.
    assert_eq!(admin(&http, &url, "/api/channels/lan-main").await["status"], "disabled");
    // And a name the daemon does not allow is still refused before anything else.
    let r = http.get(format!("{url}/dashboard")).header("host", format!("elsewhere.lan:{port}")).send().await.unwrap();
    assert_eq!(r.status(), 403);
}
