//! The first hour of a new user (issue 19): keys taken from the environment by reference,
//! requests refused before routing still recorded, and a channel a rule depends on not
//! removed without a word. Each test drives the real binary or the in-process daemon and
//! asserts what the user sees.

use crate::support::mock::MockUpstream;
use crate::support::on_a_terminal;
use crate::support::stack::{anthropic_body, channel, openai_body, Stack};
use crate::support::{all_bytes, contains, Daemon, Home};
use routex::engine::proxy::REFUSED_RECORDS_PER_SECOND;
use routex::engine::ChannelSpec;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// `routex serve --port 0` with these extra environment variables (set on the child
/// only, so tests never race on the test process's environment) and these unset.
fn serve_with_env(h: &Home, args: &[&str], set: &[(&str, &str)], unset: &[&str]) -> Daemon {
    let mut all = vec!["serve", "--port", "0"];
    all.extend_from_slice(args);
    let log = std::fs::File::create(h.path().join("daemon.stderr")).unwrap();
    let mut cmd = h.cmd(&all);
    for (k, v) in set {
        cmd.env(k, v);
    }
    for k in unset {
        cmd.env_remove(k);
    }
    let child = cmd.stdout(Stdio::null()).stderr(log).spawn().unwrap();
    let mut d = Daemon { child, url: String::new(), home: h.path().to_path_buf() };
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(text) = std::fs::read_to_string(h.path().join("daemon.json")) {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) {
                let url = v["admin_url"].as_str().unwrap().to_string();
                if ureq::get(&format!("{url}/health/live")).call().is_ok() {
                    d.url = url;
                    return d;
                }
            }
        }
        if let Ok(Some(status)) = d.child.try_wait() {
            let log = std::fs::read_to_string(h.path().join("daemon.stderr")).unwrap_or_default();
            panic!("daemon exited ({status}): {log}");
        }
        assert!(Instant::now() < deadline, "daemon did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
}

const ANTHROPIC_VALUE: &str = "sk-ant-api03-FROMENV-aaaaaaaaaaaa-1111";
const OPENAI_VALUE: &str = "sk-proj-FROMENV-bbbbbbbbbbbb-2222";
const TEAM_VALUE: &str = "HEADERSECRET-cccccccc";

#[tokio::test(flavor = "multi_thread")]
async fn a_config_takes_keys_from_the_environment_by_reference() {
    let mock = MockUpstream::start().await;
    let other = MockUpstream::start().await;
    let h = Home::new();
    let config = h.path().join("routex.yaml");
    std::fs::write(
        &config,
        format!(
            r#"channels:
  - name: claude
    type: anthropic
    base_url: {m}
    api_key_env: FH1_ANTHROPIC_KEY
    models: ['claude-*']
    headers:
      X-Team-Token: "team ${{FH1_TEAM}}"
      X-Price: "$$${{literal}}"
  - name: gpt
    type: openai
    base_url: {m}/v1
    api_key: ${{FH1_OPENAI_KEY}}
    models: ['gpt-*']
  - name: gem
    type: openai
    base_url: {o}/v1
    api_keys: ['${{FH1_UNSET_KEY}}']
    models: ['gemma-*']
"#,
            m = mock.url(),
            o = other.url()
        ),
    )
    .unwrap();
    let cfg = config.to_str().unwrap();
    let d = serve_with_env(
        &h,
        &["--config", cfg],
        &[("FH1_ANTHROPIC_KEY", ANTHROPIC_VALUE), ("FH1_OPENAI_KEY", OPENAI_VALUE), ("FH1_TEAM", TEAM_VALUE)],
        &["FH1_UNSET_KEY"],
    );
    let http = reqwest::Client::new();
    let r = http.post(format!("{}/v1/messages", d.url)).json(&anthropic_body(false)).send().await.unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let r = http.post(format!("{}/v1/chat/completions", d.url)).json(&openai_body(false)).send().await.unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let sent = mock.requests();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].header("x-api-key"), Some(ANTHROPIC_VALUE));
    assert_eq!(sent[0].header("x-team-token"), Some(format!("team {TEAM_VALUE}").as_str()));
    assert_eq!(sent[0].header("x-price"), Some("$${literal}"), "$${{ is the escape of a literal ${{");
    assert_eq!(sent[1].header("authorization"), Some(format!("Bearer {OPENAI_VALUE}").as_str()));

    // The channel whose variable is unset is never tried; the client is told which variable.
    let mut body = openai_body(false);
    body["model"] = "gemma-3".into();
    let r = http.post(format!("{}/v1/chat/completions", d.url)).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 503);
    let text = r.text().await.unwrap();
    assert!(text.contains("gem (unusable: the environment variable $FH1_UNSET_KEY is not set"), "{text}");
    assert_eq!(other.hits(), 0, "a request went to the channel without its key");
    for req in mock.requests() {
        assert!(!req.headers.iter().any(|(_, v)| v.contains("${FH1")), "a literal reference went upstream: {req:?}");
    }

    // What the user reads: where each key comes from, the unusable channel marked.
    let list = h.run(&["channel", "list"]).ok().stdout();
    assert!(list.contains("sk-ant-…1111 from $FH1_ANTHROPIC_KEY"), "{list}");
    assert!(list.lines().any(|l| l.contains("gem") && l.contains("✗ $FH1_UNSET_KEY not set")), "{list}");
    let shown = h.run(&["channel", "show", "gem"]).ok().stdout();
    assert!(shown.contains("key_problem") && shown.contains("$FH1_UNSET_KEY"), "{shown}");
    let json: serde_json::Value =
        serde_json::from_str(&h.run(&["channel", "show", "claude", "--output", "json"]).ok().stdout()).unwrap();
    assert_eq!(json["api_keys_env"][0]["var"], "FH1_ANTHROPIC_KEY");
    assert_eq!(json["api_keys_env"][0]["key"], "sk-ant-…1111");

    // The admin API takes the same fields in its channel JSON, and answers with the
    // reference and the daemon's value masked.
    let post = |method: &str, path: &str, body: serde_json::Value| -> serde_json::Value {
        match ureq::request(method, &format!("{}{path}", d.url)).send_json(body) {
            Ok(r) => r.into_json().unwrap(),
            Err(ureq::Error::Status(_, r)) => r.into_json().unwrap(),
            Err(e) => panic!("{e}"),
        }
    };
    let v = post(
        "POST",
        "/api/channels",
        serde_json::json!({"name": "viaapi", "type": "openai", "models": ["x-*"], "api_key": "${FH1_OPENAI_KEY}"}),
    );
    assert_eq!(
        v["data"]["api_keys_env"],
        serde_json::json!([{"var": "FH1_OPENAI_KEY", "key": "sk-proj-…2222"}]),
        "{v}"
    );
    assert_eq!(v["data"]["api_keys"], serde_json::json!([]), "{v}");
    let v = post("PUT", "/api/channels/viaapi", serde_json::json!({"api_keys_env": ["FH1_UNSET_KEY"]}));
    assert!(v["data"]["key_problem"].as_str().unwrap().contains("$FH1_UNSET_KEY is not set"), "{v}");
    let v = post("PUT", "/api/channels/viaapi", serde_json::json!({"api_key": "sk-${FH1_OPENAI_KEY}"}));
    assert_eq!(v["error"]["code"], "invalid_request", "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("field `api_keys`"), "{v}");

    // Exports carry the references, never the values, even with --include-secrets.
    let plain = h.run(&["export"]).ok().stdout();
    let with = h.run(&["export", "--include-secrets"]).ok().stdout();
    for doc in [&plain, &with] {
        assert!(doc.contains("FH1_ANTHROPIC_KEY") && doc.contains("FH1_OPENAI_KEY"), "{doc}");
        assert!(doc.contains("team ${FH1_TEAM}"), "{doc}");
    }
    let shown_secrets = h.run(&["channel", "show", "claude", "--show-secrets"]).ok().stdout();
    let log = d.stop();
    assert!(
        log.contains("channel \"gem\": unusable: the environment variable $FH1_UNSET_KEY is not set"),
        "no warning at start: {log}"
    );
    let mut seen = all_bytes(h.path());
    seen.extend_from_slice(plain.as_bytes());
    seen.extend_from_slice(with.as_bytes());
    seen.extend_from_slice(shown_secrets.as_bytes());
    seen.extend_from_slice(list.as_bytes());
    for secret in ["FROMENV", "HEADERSECRET"] {
        assert!(!contains(&seen, secret), "{secret} was stored, logged or exported");
    }
}

#[test]
fn the_cli_stores_a_reference_and_warns_about_keyless_channels() {
    let h = Home::new();
    // --api-key-env stores the name: the variable need not be set where the CLI runs, and
    // the user is told the channel is unusable until it is.
    let r = h
        .cmd(&[
            "channel",
            "add",
            "--name",
            "c",
            "--type",
            "anthropic",
            "--models",
            "claude-*",
            "--api-key-env",
            "FH2_K",
        ])
        .env_remove("FH2_K")
        .output()
        .unwrap();
    let (out, err) = (String::from_utf8_lossy(&r.stdout), String::from_utf8_lossy(&r.stderr));
    assert!(r.status.success() && out.contains("added channel c"), "{out}{err}");
    assert!(err.contains("warning: channel \"c\": unusable: the environment variable $FH2_K is not set"), "{err}");
    let set = h.cmd(&["channel", "list"]).env("FH2_K", "sk-ant-api03-ROTATED-0000-9999").output().unwrap();
    let list = String::from_utf8_lossy(&set.stdout);
    assert!(list.contains("sk-ant-…9999 from $FH2_K") && !list.contains('✗'), "{list}");
    assert!(!contains(&all_bytes(h.path()), "ROTATED"), "the value was copied into the store");

    // --api-key-from-env copies the value once (the old meaning of --api-key-env).
    let r = h
        .cmd(&[
            "channel",
            "add",
            "--name",
            "copied",
            "--type",
            "openai",
            "--models",
            "gpt-4o",
            "--api-key-from-env",
            "FH2_V",
        ])
        .env("FH2_V", "sk-proj-COPIED-00000000-7777")
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let shown = h.run(&["channel", "show", "copied"]).ok().stdout();
    assert!(shown.contains("sk-proj-…7777") && !shown.contains("from $"), "{shown}");
    let r = h.run(&[
        "channel",
        "add",
        "--name",
        "x",
        "--type",
        "openai",
        "--models",
        "m",
        "--api-key-from-env",
        "FH2_NOPE",
    ]);
    assert_eq!(r.code(), 2);
    assert!(
        r.stderr().contains("FH2_NOPE is not set") && r.stderr().contains("--api-key-env FH2_NOPE"),
        "{}",
        r.stderr()
    );

    // A channel without a key, of a type that needs one: added, with a warning, and marked.
    let r = h.run(&["channel", "add", "--name", "bare", "--type", "openai", "--models", "gpt-*"]).ok();
    assert!(
        r.stderr().contains("warning: channel \"bare\": no API key: this openai channel needs one"),
        "{}",
        r.stderr()
    );
    let list = h.run(&["channel", "list"]).ok().stdout();
    assert!(list.lines().any(|l| l.contains("bare") && l.contains("✗ none")), "{list}");

    // An export without secrets imported elsewhere: each keyless channel is named.
    let doc = h.path().join("doc.yaml");
    h.run(&["export", "-o", doc.to_str().unwrap()]).ok();
    let b = Home::new();
    let r = b.run(&["import", doc.to_str().unwrap()]).ok();
    assert!(r.stderr().contains("warning: channel \"copied\": no API key"), "{}", r.stderr());
    assert!(r.stderr().contains("warning: channel \"c\": unusable: the environment variable $FH2_K"), "{}", r.stderr());
    let api: serde_json::Value =
        serde_json::from_str(&b.run(&["channel", "show", "c", "--output", "json"]).ok().stdout()).unwrap();
    assert_eq!(api["api_keys_env"][0]["var"], "FH2_K", "the reference survives export and import");
}

const CLIENT_KEY: &str = "sk-client-good-0000000000";
const PRESENTED: &str = "sk-client-PRESENTED-bad-9999";

#[tokio::test(flavor = "multi_thread")]
async fn requests_refused_before_routing_leave_a_record_without_the_key() {
    let mock = MockUpstream::start().await;
    let mut s = Stack::start(
        &format!("server:\n  client_keys: [{CLIENT_KEY}]\n  body_limit_mb: 1\n  body_memory_mb: 8\n"),
        vec![ChannelSpec { models: vec!["claude-*".into()], ..channel("claude", "anthropic", &mock.url(), 0) }],
    )
    .await;
    let post = |key: &'static str, body: Vec<u8>| {
        s.http
            .post(format!("{}/v1/messages", s.url))
            .header("x-api-key", key)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let mut unknown = anthropic_body(false);
    unknown["model"] = "no-such-model".into();
    let cases: Vec<(&str, Vec<u8>, u16)> = vec![
        (PRESENTED, serde_json::to_vec(&anthropic_body(false)).unwrap(), 401),
        (CLIENT_KEY, b"{not json".to_vec(), 400),
        (CLIENT_KEY, br#"{"max_tokens":5,"messages":[]}"#.to_vec(), 400),
        (CLIENT_KEY, serde_json::to_vec(&unknown).unwrap(), 404),
        (CLIENT_KEY, vec![b' '; 2 * 1024 * 1024], 413),
    ];
    let mut ids = Vec::new();
    for (key, body, status) in cases {
        let r = post(key, body).await.unwrap();
        assert_eq!(r.status(), status);
        ids.push(r.headers()["x-request-id"].to_str().unwrap().to_string());
        r.bytes().await.unwrap();
    }
    assert_eq!(mock.hits(), 0);
    assert_eq!(s.state.proxy.refused_not_recorded(), 0);
    let records = s.records().await;
    let text = serde_json::to_string(&records).unwrap();
    assert!(!text.contains("PRESENTED") && !text.contains("client-good"), "a client key was recorded: {text}");
    let by_id = |id: &str| records.iter().find(|r| r.id == id).unwrap_or_else(|| panic!("no record {id}: {text}"));
    for (id, status, reason) in [
        (&ids[0], 401, "invalid or missing API key"),
        (&ids[1], 400, "the request body is not valid JSON"),
        (&ids[2], 400, "the request has no \"model\""),
        (&ids[3], 404, "no channel serves model \"no-such-model\""),
        (&ids[4], 413, "1 MiB"),
    ] {
        let r = by_id(id);
        assert_eq!((r.status, r.success, r.channel_name.as_deref()), (status, false, None), "{r:?}");
        assert!(r.error.as_deref().unwrap_or("").contains(reason), "{r:?}");
        assert_eq!(r.endpoint, "/v1/messages");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_flood_of_refused_requests_is_counted_not_stored() {
    let mut s = Stack::start(&format!("server:\n  client_keys: [{CLIENT_KEY}]\n"), vec![]).await;
    let sent = 3 * REFUSED_RECORDS_PER_SECOND as u64 + 10;
    let started = Instant::now();
    for _ in 0..sent {
        let r = s
            .http
            .post(format!("{}/v1/messages", s.url))
            .header("x-api-key", PRESENTED)
            .json(&anthropic_body(false))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
        r.bytes().await.unwrap();
    }
    // Each started second lets REFUSED_RECORDS_PER_SECOND through.
    let seconds = started.elapsed().as_secs() + 2;
    let dropped = s.state.proxy.refused_not_recorded();
    let stored = s.records().await.iter().filter(|r| r.status == 401).count() as u64;
    assert_eq!(stored + dropped, sent, "every refused request is either stored or counted");
    assert!(stored <= REFUSED_RECORDS_PER_SECOND as u64 * seconds, "{stored} stored in {seconds} s");
    assert!(dropped > 0 && stored >= REFUSED_RECORDS_PER_SECOND as u64, "stored {stored}, dropped {dropped}");
}

/// Two channels and a rule that targets `gemini`, in a fresh home.
fn rule_on_gemini() -> Home {
    let h = Home::new();
    h.add_keyed_channel("claude", "claude-*");
    h.add_keyed_channel("gemini", "gemini-*");
    h.run(&["rule", "add", "--name", "images", "--type", "model", "--model", "img-*", "--target-channel", "gemini"])
        .ok();
    h.run(&["rule", "add", "--name", "fast", "--type", "model", "--model", "haiku*", "--target-channel", "claude"])
        .ok();
    h
}

/// `rule list` as JSON: name → targetProblem.
fn target_problems(h: &Home) -> Vec<(String, Option<String>)> {
    let out = h.run(&["rule", "list", "--output", "json"]).ok().stdout();
    let v: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    v.iter()
        .map(|r| (r["name"].as_str().unwrap().to_string(), r["targetProblem"].as_str().map(str::to_string)))
        .collect()
}

#[test]
fn removing_or_disabling_a_rules_target_is_refused_without_force() {
    let h = rule_on_gemini();
    for (args, action) in [
        (vec!["channel", "remove", "gemini", "--yes"], "removing"),
        (vec!["channel", "disable", "gemini"], "disabling"),
    ] {
        let r = h.run(&args);
        assert_eq!(r.code(), 2, "{}", r.stdout());
        let err = r.stderr();
        assert!(
            err.contains(&format!("channel \"gemini\" is the target of rule \"images\"; {action} it would leave that rule routing to nothing"))
                && err.contains("--force"),
            "{err}"
        );
        assert!(!err.contains("fast"), "{err}");
    }
    assert!(h.run(&["channel", "list"]).ok().stdout().contains("gemini"), "refused, yet removed");
    assert_eq!(target_problems(&h), vec![("fast".into(), None), ("images".into(), None)]);

    // Forced: done, and `rule list` flags the rule whose target is now disabled, then gone.
    h.run(&["channel", "disable", "gemini", "--force"]).ok();
    let list = h.run(&["rule", "list"]).ok().stdout();
    assert!(
        list.lines().any(|l| l.contains("images") && l.contains("✗ gemini (channel \"gemini\" is disabled)")),
        "{list}"
    );
    h.run(&["channel", "remove", "gemini", "--yes", "--force"]).ok();
    let problems = target_problems(&h);
    assert_eq!(problems[0], ("fast".into(), None));
    assert_eq!(problems[1].1.as_deref(), Some("target channel \"gemini\" does not exist (removed or renamed)"));
    let list = h.run(&["rule", "list"]).ok().stdout();
    assert!(
        list.lines().any(|l| l.contains("images") && l.contains("✗ gemini (channel \"gemini\" does not exist")),
        "{list}"
    );
    // A channel no rule targets goes without a word about rules.
    h.add_keyed_channel("spare", "x-*");
    h.run(&["channel", "remove", "spare", "--yes"]).ok();
}

#[test]
fn the_admin_api_answers_409_until_forced_and_lists_the_problem() {
    let h = rule_on_gemini();
    let d = h.serve(&[]);
    let call = |method: &str, path: &str| -> (u16, serde_json::Value) {
        let r = ureq::request(method, &format!("{}{path}", d.url)).set("content-type", "application/json");
        let r = match if method == "POST" { r.send_string("{}") } else { r.call() } {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{e}"),
        };
        (r.status(), r.into_json().unwrap())
    };
    let (status, v) = call("DELETE", "/api/channels/gemini");
    assert_eq!(status, 409, "{v}");
    assert_eq!((v["success"].clone(), v["error"]["code"].clone()), (false.into(), "channel_in_use".into()), "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("rule \"images\""), "{v}");
    let (status, v) = call("POST", "/api/channels/gemini/disable");
    assert_eq!(status, 409, "{v}");
    // The CLI through the daemon says the same and exits 2.
    let r = h.run(&["channel", "remove", "gemini", "--yes"]);
    assert_eq!(r.code(), 2);
    assert!(r.stderr().contains("is the target of rule \"images\""), "{}", r.stderr());
    let (status, v) = call("DELETE", "/api/channels/gemini?force=true");
    assert_eq!((status, v["data"]["name"].clone()), (200, "gemini".into()), "{v}");
    let (_, rules) = call("GET", "/api/routing/rules");
    let images = rules["data"].as_array().unwrap().iter().find(|r| r["name"] == "images").unwrap().clone();
    assert_eq!(images["targetProblem"], "target channel \"gemini\" does not exist (removed or renamed)");
    // The CLI reads the same list through the daemon.
    assert_eq!(target_problems(&h)[1].1.as_deref(), images["targetProblem"].as_str());
    drop(d);
}

#[test]
fn enter_on_every_prompt_does_not_add_a_keyless_catch_all_channel() {
    let h = Home::new();
    let prompts = ["Channel name", "Type (", "Models (", "API key, or $VAR"];
    let steps: Vec<(&str, &str)> = prompts.iter().copied().zip(["bare\n", "\n", "\n", "\n"]).collect();
    let (code, out) = on_a_terminal(&h, "channel add", &steps);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("not adding a channel without an API key that serves every model ('*')"), "{out}");
    assert!(!h.run(&["channel", "list"]).ok().stdout().contains("bare"), "the keyless '*' channel was added");
    // `$VAR` at the key prompt is a reference, stored by name.
    let steps: Vec<(&str, &str)> = prompts.iter().copied().zip(["withref\n", "\n", "\n", "$FH5_KEY\n"]).collect();
    let (code, out) = on_a_terminal(&h, "channel add", &steps);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("warning: channel \"withref\": unusable: the environment variable $FH5_KEY"), "{out}");
    let v: serde_json::Value =
        serde_json::from_str(&h.run(&["channel", "show", "withref", "--output", "json"]).ok().stdout()).unwrap();
    assert_eq!((v["api_keys_env"][0]["var"].as_str(), v["models"][0].as_str()), (Some("FH5_KEY"), Some("*")));
}

/// `export -o` counts the rules it wrote; a re-import names the rules it left as they
/// were, as it does channels; a short key masks to its length and a fingerprint, not a
/// bare `…`, so two such keys can be told apart.
#[test]
fn export_and_reimport_account_for_rules_and_short_keys_are_told_apart() {
    let h = Home::new();
    h.run(&["channel", "add", "--name", "a", "--type", "openai", "--models", "gpt-*", "--api-key", "abc123"]).ok();
    h.run(&["channel", "add", "--name", "b", "--type", "openai", "--models", "o1", "--api-key", "xyz789"]).ok();
    h.run(&["rule", "add", "--name", "bg", "--type", "background", "--target-channel", "a"]).ok();
    let file = h.path().join("doc.yaml");
    let r = h.run(&["export", "-o", file.to_str().unwrap()]).ok();
    assert!(r.stderr().contains("exported 2 channels and 1 rule to"), "{}", r.stderr());
    let r = h.run(&["import", file.to_str().unwrap()]).ok();
    let out = r.stdout();
    assert!(out.contains("= unchanged a") && out.contains("= unchanged rule bg"), "{out}");
    let list: serde_json::Value =
        serde_json::from_str(&h.run(&["channel", "list", "--output", "json"]).ok().stdout()).unwrap();
    let (ka, kb) = (list[0]["api_keys"][0].as_str().unwrap(), list[1]["api_keys"][0].as_str().unwrap());
    assert!(ka.starts_with("…(6 chars #") && kb.starts_with("…(6 chars #") && ka != kb, "{ka} {kb}");
    assert!(!ka.contains("abc") && !kb.contains("789"));
}

/// A subcommand's help lists its own options first and the global ones under their own
/// heading; the admin token's value never shows.
#[test]
fn global_options_have_their_own_heading_in_help() {
    let h = Home::new();
    let help = h.cmd(&["channel", "add", "--help"]).env("ROUTEX_ADMIN_TOKEN", "tok-secret-value").output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout).into_owned();
    let (own, global) = help.split_once("Global options:").unwrap_or_else(|| panic!("{help}"));
    assert!(own.contains("--name") && own.contains("--type") && !own.contains("--server"), "{own}");
    assert!(global.contains("--server") && global.contains("--data-dir") && global.contains("--quiet"), "{global}");
    assert!(!help.contains("tok-secret-value"), "{help}");
}

/// `rule test` tells an OpenAI body from an Anthropic one without `--protocol`, and says
/// "1 token", not "1 tokens".
#[test]
fn rule_test_tells_the_protocol_from_the_body() {
    let h = Home::new();
    h.add_keyed_channel("main", "*");
    let openai = h.path().join("openai.json");
    std::fs::write(
        &openai,
        r#"{"model":"gpt-4o","messages":[{"role":"system","content":"x"},{"role":"user","content":"hi"}]}"#,
    )
    .unwrap();
    let out = h.run(&["rule", "test", "--request", openai.to_str().unwrap()]).ok().stdout();
    assert!(out.starts_with("request: openai model \"gpt-4o\""), "{out}");
    let anthropic = h.path().join("anthropic.json");
    std::fs::write(&anthropic, r#"{"model":"claude-x","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}"#)
        .unwrap();
    let out = h.run(&["rule", "test", "--request", anthropic.to_str().unwrap()]).ok().stdout();
    assert!(out.starts_with("request: anthropic model \"claude-x\""), "{out}");
    assert!(!out.contains(" 1 tokens"), "{out}");
    // --protocol still decides when given.
    let out = h.run(&["rule", "test", "--request", openai.to_str().unwrap(), "--protocol", "anthropic"]).ok().stdout();
    assert!(out.starts_with("request: anthropic"), "{out}");
}

/// `routex stats [--since]` sums the request log over a window, with and without a
/// daemon; `/api/analytics` honours `?since=` and answers 400 naming a parameter it does
/// not know (it used to ignore `?since=5m` silently).
#[tokio::test(flavor = "multi_thread")]
async fn stats_and_the_analytics_window() {
    let up = MockUpstream::start().await;
    let h = Home::new();
    h.run(&[
        "channel",
        "add",
        "--name",
        "up",
        "--type",
        "anthropic",
        "--models",
        "*",
        "--base-url",
        &up.url(),
        "--api-key",
        "sk-ant-0123456789abcdef",
    ])
    .ok();
    let d = h.serve(&[]);
    let http = reqwest::Client::new();
    for _ in 0..3 {
        let r = http.post(format!("{}/v1/messages", d.url)).json(&anthropic_body(false)).send().await.unwrap();
        assert_eq!(r.status(), 200);
    }
    // Through the daemon: the window counts the three requests.
    let deadline = Instant::now() + Duration::from_secs(10);
    let v = loop {
        let out = h.run(&["stats", "--since", "1h", "--output", "json"]).ok().stdout();
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        if v["totals"]["requests"] == 3 || Instant::now() > deadline {
            break v;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(v["totals"]["requests"], 3, "{v}");
    assert_eq!(v["per_channel"][0]["channel_name"], "up");
    let table = h.run(&["stats"]).ok().stdout();
    assert!(table.contains("requests") && table.contains("100.0 %") && table.contains("up"), "{table}");
    // A window that starts after the requests holds none. Windows start at a minute
    // boundary (docs/cache.md, "Windows"), so "after" is from the next minute on.
    let later = (chrono::Utc::now() + chrono::Duration::seconds(61)).to_rfc3339();
    let v: serde_json::Value = http
        .get(format!("{}/api/analytics?since={}", d.url, urlencode(&later)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["data"]["totals"]["requests"], 0, "{v}");
    let r = http.get(format!("{}/api/analytics?sinse=5m", d.url)).send().await.unwrap();
    assert_eq!(r.status(), 400);
    let v: serde_json::Value = r.json().await.unwrap();
    assert!(v["error"]["message"].as_str().unwrap().contains("sinse"), "{v}");
    let r = http.get(format!("{}/api/analytics?since=yesterday", d.url)).send().await.unwrap();
    assert_eq!(r.status(), 400, "a window it cannot read is an error, not ignored");
    drop(d);
    // Without a daemon: the same sums from the store.
    let out = h.run(&["stats", "--since", "1h", "--output", "json"]).ok().stdout();
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["totals"]["requests"], 3, "{v}");
    let r = h.run(&["stats", "--since", "soon"]);
    assert_eq!(r.code(), 2);
    assert!(r.stderr().contains("since") && r.stderr().contains("15m"), "{}", r.stderr());
}

fn urlencode(s: &str) -> String {
    s.replace('+', "%2B").replace(':', "%3A")
}

/// Every admin endpoint, walked from the list the daemon itself serves (`GET /api`): a
/// query parameter the endpoint does not take is a 400 in the envelope naming it, and each
/// parameter its line lists is not refused as unknown.
#[test]
fn every_admin_endpoint_names_an_unknown_query_parameter() {
    let h = Home::new();
    h.add_keyed_channel("main", "*");
    let list: serde_json::Value =
        serde_json::from_str(&h.run(&["channel", "list", "--format", "json"]).ok().stdout()).unwrap();
    let id = list[0]["id"].as_str().unwrap().to_string();
    let d = h.serve(&[]);
    let info: serde_json::Value = ureq::get(&format!("{}/api", d.url)).call().unwrap().into_json().unwrap();
    let lines: Vec<String> =
        info["data"]["endpoints"].as_array().unwrap().iter().map(|l| l.as_str().unwrap().to_string()).collect();
    assert!(lines.len() >= 30, "{lines:?}");
    let mut walked = 0;
    for line in &lines {
        let (methods, rest) = line.split_once(' ').unwrap();
        let (pattern, params) = rest.split_once('?').unwrap_or((rest, ""));
        // `:id` and the like: the real channel's id when refused (a refused DELETE must
        // leave it), a missing one when the parameter is known.
        let with = |seg: &str| {
            pattern.split('/').map(|s| if s.starts_with(':') { seg } else { s }).collect::<Vec<_>>().join("/")
        };
        for method in methods.split('|') {
            let call = |path: &str, query: &str| {
                // Writes carry a JSON content type, as the browser door asks.
                let req = ureq::request(method, &format!("{}{path}?{query}", d.url));
                let r = if method == "GET" {
                    req.call()
                } else {
                    req.set("content-type", "application/json").send_string("{}")
                };
                let (status, body) = match r {
                    Ok(r) => (r.status(), r.into_string().unwrap_or_default()),
                    Err(ureq::Error::Status(s, r)) => (s, r.into_string().unwrap_or_default()),
                    Err(e) => panic!("{method} {pattern}: {e}"),
                };
                (status, body)
            };
            let (status, body) = call(&with(&id), "bogus_param=1");
            assert_eq!(status, 400, "{method} {pattern}?bogus_param=1: {body}");
            let v: serde_json::Value = serde_json::from_str(&body).unwrap();
            let msg = v["error"]["message"].as_str().unwrap_or_default();
            assert!(v["success"] == false && msg.contains("\"bogus_param\"") && msg.contains(pattern), "{body}");
            for p in params.split('&').filter(|p| !p.is_empty()) {
                let (_, body) = call(&with("nosuch"), &format!("{p}=1"));
                assert!(!body.contains("unknown query parameter"), "{method} {pattern}?{p}=1: {body}");
            }
            walked += 1;
        }
    }
    assert!(walked >= lines.len(), "{walked}");
    // The refused DELETE and disable never reached the channel.
    let list: serde_json::Value =
        serde_json::from_str(&h.run(&["channel", "list", "--format", "json"]).ok().stdout()).unwrap();
    assert_eq!((list[0]["id"].as_str(), list[0]["status"].as_str()), (Some(id.as_str()), Some("enabled")), "{list}");
    drop(d);
}

/// One meaning per flag: `--format` is how results print everywhere, `export`'s document
/// included (yaml by default, json on asking, a table refused in words); `-o`/`--file` is
/// the file; the old spellings (`--output json`, `logs -n`, `logs -c`) still work. The first
/// add in a new store says `added`, like every later one.
#[test]
fn one_meaning_per_flag_with_the_old_spellings_kept() {
    let h = Home::new();
    let first = h
        .run(&["channel", "add", "--name", "a", "--type", "openai", "--models", "gpt-*", "--api-key", "sk-1234567890"])
        .ok();
    assert!(first.stdout().starts_with("added channel a ("), "{}", first.stdout());
    let second = h
        .run(&["channel", "add", "--name", "b", "--type", "openai", "--models", "o1", "--api-key", "sk-0987654321"])
        .ok();
    assert!(second.stdout().starts_with("added channel b ("), "{}", second.stdout());

    let yaml = h.run(&["export"]).ok().stdout();
    assert!(yaml.starts_with("version: 1"), "{yaml}");
    let json: serde_json::Value = serde_json::from_str(&h.run(&["export", "--format", "json"]).ok().stdout()).unwrap();
    assert_eq!(json["channels"].as_array().map(Vec::len), Some(2));
    let old: serde_json::Value = serde_json::from_str(&h.run(&["--output", "json", "export"]).ok().stdout()).unwrap();
    assert_eq!(old["channels"], json["channels"]);
    let r = h.run(&["export", "--format", "table"]);
    assert_eq!(r.code(), 2);
    assert!(r.stderr().contains("--format yaml") && r.stderr().contains("--format json"), "{}", r.stderr());
    let file = h.path().join("doc.json");
    let r = h.run(&["export", "--format", "json", "-o", file.to_str().unwrap()]).ok();
    assert!(r.stdout().is_empty(), "{}", r.stdout());
    let written: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(written["channels"], json["channels"]);

    let list: serde_json::Value =
        serde_json::from_str(&h.run(&["channel", "list", "--format", "json"]).ok().stdout()).unwrap();
    let old: serde_json::Value =
        serde_json::from_str(&h.run(&["channel", "list", "--output", "json"]).ok().stdout()).unwrap();
    assert_eq!(list, old);
    // Help shows each flag once, with one meaning; the hidden old spellings are not listed.
    let help = h.run(&["export", "--help"]).ok().stdout();
    assert!(help.contains("-o, --file <FILE>") && help.contains("--format <FORMAT>"), "{help}");
    assert!(!help.contains("--output"), "{help}");
    let help = h.run(&["logs", "--help"]).ok().stdout();
    assert!(help.contains("-l, --limit") && !help.contains("-c, --channel") && !help.contains("-n,"), "{help}");
    for old in [&["logs", "-n", "1"][..], &["logs", "-c", "a"][..]] {
        h.run(old).ok();
    }
    // `--header` is the client's request header (rule commands); a channel's header sent
    // upstream is `--upstream-header`, its old spelling kept.
    h.run(&["channel", "edit", "a", "--upstream-header", "x-org=team1"]).ok();
    h.run(&["channel", "edit", "b", "--header", "x-org=team2"]).ok();
    let list: serde_json::Value =
        serde_json::from_str(&h.run(&["channel", "list", "--format", "json"]).ok().stdout()).unwrap();
    assert_eq!(
        (list[0]["headers"]["x-org"].as_str(), list[1]["headers"]["x-org"].as_str()),
        (Some("team1"), Some("team2"))
    );
    let help = h.run(&["channel", "add", "--help"]).ok().stdout();
    assert!(help.contains("--upstream-header <NAME=VALUE>") && !help.contains("--header"), "{help}");
    let r = h.run(&["channel", "edit", "a", "--upstream-header", "novalue"]);
    assert!(r.stderr().contains("--upstream-header \"novalue\" must look like NAME=VALUE"), "{}", r.stderr());
}

/// `rule test` says "thinking enabled" once for an Anthropic body, not "thinking enabled
/// (enabled)"; an OpenAI effort is named; the token count on a rule's line is the one in
/// the header (it showed "2 tokens" above "~3").
#[test]
fn rule_test_says_thinking_enabled_once_and_one_token_count() {
    let h = Home::new();
    h.add_keyed_channel("main", "*");
    h.run(&["rule", "add", "--name", "deep", "--type", "think", "--target-channel", "main"]).ok();
    let body = h.path().join("think.json");
    std::fs::write(
        &body,
        r#"{"model":"claude-x","max_tokens":2000,"thinking":{"type":"enabled","budget_tokens":1024},"messages":[{"role":"user","content":"hi"}]}"#,
    )
    .unwrap();
    let out = h.run(&["rule", "test", "--request", body.to_str().unwrap()]).ok().stdout();
    assert!(out.contains("via rule \"deep\" (thinking enabled)"), "{out}");
    assert!(!out.contains("(enabled)"), "{out}");
    std::fs::write(&body, r#"{"model":"o3","reasoning_effort":"high","messages":[{"role":"user","content":"hi"}]}"#)
        .unwrap();
    let out = h.run(&["rule", "test", "--request", body.to_str().unwrap()]).ok().stdout();
    assert!(out.contains("thinking enabled (high)"), "{out}");

    h.run(&[
        "rule",
        "add",
        "--name",
        "long",
        "--type",
        "longContext",
        "--token-threshold",
        "1000",
        "--target-channel",
        "main",
    ])
    .ok();
    let text = "Please write a function that adds two numbers in Rust, with tests. ".repeat(3);
    let body_json =
        serde_json::json!({"model": "claude-x", "max_tokens": 10, "messages": [{"role": "user", "content": text}]});
    std::fs::write(&body, body_json.to_string()).unwrap();
    let out = h.run(&["rule", "test", "--request", body.to_str().unwrap()]).ok().stdout();
    let header = out.lines().next().unwrap();
    let n = header.split(", ").nth(1).and_then(|s| s.split(' ').next()).unwrap_or_else(|| panic!("{out}"));
    assert!(header.ends_with(&format!("{n} tokens (cl100k_base)")), "{out}");
    assert!(out.contains(&format!("✗ long                 tokens {n} < 1,000\n")), "{out}");
}

/// Values are taken whatever their case where nothing is ambiguous, and a near miss gets
/// the nearest valid one: `--format JSON`, `strategy set roundrobin` / `Round-Robin`,
/// `strategy set priorty` (did you mean priority?).
#[test]
fn formats_and_strategies_whatever_their_spelling() {
    let h = Home::new();
    let v: serde_json::Value = serde_json::from_str(&h.run(&["--format", "JSON", "strategy"]).ok().stdout()).unwrap();
    assert_eq!(v["strategy"], "priority");
    for spelling in ["roundrobin", "Round-Robin"] {
        assert_eq!(h.run(&["strategy", "set", spelling]).ok().stdout(), "strategy set to round_robin\n");
    }
    let r = h.run(&["strategy", "set", "priorty"]);
    assert_eq!(r.code(), 2);
    assert!(
        r.stderr().contains("unknown strategy \"priorty\" (did you mean priority?); use one of:"),
        "{}",
        r.stderr()
    );
}

/// The completion scripts offer the channel types, rule types and strategies (the values
/// are still taken whatever their case and checked by routex, with its suggestion).
#[test]
fn completions_offer_types_and_strategies() {
    let h = Home::new();
    let bash = h.run(&["completions", "bash"]).ok().stdout();
    for names in [
        "anthropic openai gemini azure zhipu custom",
        "longContext background think webSearch image subagent model keywords regex header custom",
        "priority round_robin weighted least_used latency",
    ] {
        assert!(bash.contains(names), "{names} not offered");
    }
    let r = h.run(&["channel", "add", "--name", "y", "--type", "openia", "--models", "x"]);
    assert_eq!(r.code(), 2);
    assert!(r.stderr().contains("(did you mean openai?)"), "{}", r.stderr());
}
