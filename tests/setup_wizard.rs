//! `routex setup` on a pseudo-terminal: keystrokes in, the store checked after. Enter
//! takes the defaults (Anthropic, the channel name, its models); the key is typed hidden,
//! the base URL points at the mock, the channel is tested at once (the mock gets the
//! one-token request with that key) and the Claude Code rules are added. Without a
//! terminal it never prompts and says which commands do the same.

use crate::support::mock::MockUpstream;
use crate::support::{on_a_terminal, Home};

#[tokio::test(flavor = "multi_thread")]
async fn the_wizard_adds_a_tested_channel_and_the_rules() {
    let up = MockUpstream::start().await;
    let h = Home::new();
    let key = "sk-ant-wizard-0123456789";
    let url = up.url();
    let steps: Vec<(&str, String)> = vec![
        ("Provider", "\r".into()),
        ("Channel name", "\r".into()),
        ("API key (hidden)", format!("{key}\r")),
        ("Models it serves", "\r".into()),
        ("Base URL", format!("{}{url}\r", "\u{8}".repeat(40))),
        ("one-token test request", "y".into()),
        ("common Claude Code rules", "y".into()),
    ];
    let (h, (code, out)) = tokio::task::spawn_blocking(move || {
        let steps: Vec<(&str, &str)> = steps.iter().map(|(p, a)| (*p, a.as_str())).collect();
        let r = on_a_terminal(&h, "setup", &steps);
        (h, r)
    })
    .await
    .unwrap();
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains(key), "the key is never echoed: {out}");
    assert!(out.contains("1 channel answered"), "the test ran: {out}");
    assert!(out.contains("next: routex serve --detach"), "{out}");
    let v: serde_json::Value =
        serde_json::from_str(&h.run(&["channel", "show", "anthropic", "--output", "json"]).ok().stdout()).unwrap();
    assert_eq!(v["type"], "anthropic", "{v}");
    assert_eq!(v["base_url"], url.as_str(), "{v}");
    assert_eq!(v["models"], serde_json::json!(["claude-*"]), "{v}");
    let reqs = up.requests();
    assert_eq!(reqs.len(), 1, "{reqs:?}");
    assert_eq!(reqs[0].header("x-api-key"), Some(key));
    assert_eq!(reqs[0].json()["max_tokens"], 1);
    let rules = h.run(&["rule", "list", "--output", "json"]).ok().stdout();
    assert!(rules.contains("anthropic-background") && rules.contains("anthropic-long-context"), "{rules}");
}

#[test]
fn without_a_terminal_it_says_which_commands_do_the_same() {
    let h = Home::new();
    let r = h.run(&["setup"]);
    assert_eq!(r.code(), 2);
    let err = r.stderr();
    assert!(err.contains("on a terminal") && err.contains("routex channel add --name anthropic"), "{err}");
    assert!(h.run(&["channel", "list", "--output", "json"]).ok().stdout().trim() == "[]");
}
