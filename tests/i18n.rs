//! English and Simplified Chinese (docs/i18n.md): the catalogs agree, the code names only
//! keys that exist, the converted modules keep no English sentence outside the catalog,
//! and what a user sees — the CLI's tables and errors, the admin API's `message` — is in
//! the language chosen by `--lang`, `LOCALE`, `LANG` or `PUT /api/i18n/locale`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::support::{Daemon, Home, Run};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// A catalog file as key → text (rust-i18n's `_version` line left out).
fn catalog(name: &str) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(Path::new(ROOT).join("locales").join(name)).unwrap();
    let mut map: BTreeMap<String, String> = serde_yaml::from_str(&text).unwrap();
    map.remove("_version");
    map
}

/// The `%{name}` placeholders of a rust-i18n message, or the `{name}` ones of a dashboard
/// label.
fn placeholders(text: &str, open: &str) -> BTreeSet<String> {
    text.match_indices(open)
        .filter_map(|(at, _)| {
            let rest = &text[at + open.len()..];
            let end = rest.find('}')?;
            let name = &rest[..end];
            name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_').then(|| name.to_string())
        })
        .collect()
}

/// The keys in one catalog and not the other, and the keys whose placeholders differ.
fn parity(a: &BTreeMap<String, String>, b: &BTreeMap<String, String>, open: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for k in a.keys().filter(|k| !b.contains_key(*k)) {
        problems.push(format!("{k}: only in the first catalog"));
    }
    for k in b.keys().filter(|k| !a.contains_key(*k)) {
        problems.push(format!("{k}: only in the second catalog"));
    }
    for (k, v) in a {
        if let Some(w) = b.get(k) {
            let (pa, pb) = (placeholders(v, open), placeholders(w, open));
            if pa != pb {
                problems.push(format!("{k}: placeholders {pa:?} vs {pb:?}"));
            }
        }
    }
    problems
}

#[test]
fn catalogs_have_the_same_keys_and_placeholders() {
    let (en, zh) = (catalog("en.yml"), catalog("zh-CN.yml"));
    assert!(en.len() > 200, "{}", en.len());
    let problems = parity(&en, &zh, "%{");
    assert!(problems.is_empty(), "locales/en.yml and locales/zh-CN.yml differ:\n{}", problems.join("\n"));
    // A message the same in both files was copied, not translated, unless it is one of
    // these words that Chinese writes as English does.
    const SAME_IN_BOTH: &[&str] = &["engine.kind.tee", "engine.tee.subject", "cli.status.pid"];
    let copied: Vec<&String> = en
        .iter()
        .filter(|(k, v)| zh[*k] == **v && v.chars().any(|c| c.is_ascii_lowercase()))
        .map(|(k, _)| k)
        .filter(|k| !SAME_IN_BOTH.contains(&k.as_str()))
        .collect();
    assert!(copied.is_empty(), "copied, not translated: {copied:?}");

    // The dashboard's labels, `{name}` placeholders.
    let dash = |n: &str| -> BTreeMap<String, String> {
        let p = Path::new(ROOT).join("src/daemon/dashboard/i18n").join(n);
        serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
    };
    let problems = parity(&dash("en.json"), &dash("zh-CN.json"), "{");
    assert!(problems.is_empty(), "the dashboard's catalogs differ:\n{}", problems.join("\n"));
}

#[test]
fn the_parity_check_catches_a_missing_key_and_a_lost_placeholder() {
    let en: BTreeMap<String, String> =
        [("a".into(), "x %{name}".into()), ("b".into(), "y".into())].into_iter().collect();
    let zh: BTreeMap<String, String> = [("a".into(), "甲".into())].into_iter().collect();
    let problems = parity(&en, &zh, "%{");
    assert_eq!(problems.len(), 2, "{problems:?}");
}

// ---------------------------------------------------------------------------------------
// The source scan: the keys the code names, and English left outside the catalog.

/// What the scanner found in one file.
#[derive(Debug, Default)]
struct Scan {
    /// `t!("key"…)`: the keys, with their line.
    keys: Vec<(String, usize)>,
    /// `t!(` whose first argument is not a string literal (a key made at run time, which
    /// no test could check).
    dynamic: Vec<usize>,
    /// String literals that read as English prose, or any literal given to a table
    /// header, outside `t!`, logs and panics: the bypasses.
    bypasses: Vec<(String, usize)>,
}

/// Calls whose string arguments are not for users (logs stay English, docs/i18n.md) or
/// never shown (panics of broken invariants, test assertions).
const NOT_FOR_USERS: &[&str] = &[
    "log::error!",
    "log::warn!",
    "log::info!",
    "log::debug!",
    "log::trace!",
    "expect",
    "panic!",
    "unreachable!",
    "assert!",
    "assert_eq!",
    "debug_assert!",
    // clap's attributes: `--help` stays English (docs/i18n.md).
    "arg",
    "command",
];

/// Whether a literal reads as English prose: two words in a row, each of two letters or
/// more once punctuation is trimmed, not in capitals (`BASE URL` is a header: the
/// `set_header` rule sees those).
fn prose(s: &str) -> bool {
    let words: Vec<bool> = s
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let w = w.trim_matches(|c: char| ",;:()?!.'`\"".contains(c));
            w.len() >= 2 && w.chars().all(|c| c.is_ascii_alphabetic()) && !w.chars().all(|c| c.is_ascii_uppercase())
        })
        .collect();
    words.windows(2).any(|p| p[0] && p[1])
}

/// Scan Rust source: a small lexer that knows comments, strings (plain, raw, byte), char
/// literals and lifetimes, and keeps the stack of open brackets with the name before each
/// `(` — enough to tell `t!("key")` from `invalid(…, "some English")` or
/// `log::warn!("…")`. Everything from the first `#[cfg(test)]` on is skipped (tests assert
/// English on purpose). A line ending in `// i18n: not prose` is skipped (a value that is
/// data, not a sentence: a header name, a JSON field).
fn scan(src: &str) -> Scan {
    let src = match src.find("#[cfg(test)]") {
        Some(i) => &src[..i],
        None => src,
    };
    let b = src.as_bytes();
    let line_of = |i: usize| src[..i].matches('\n').count() + 1;
    let allowed = |i: usize| {
        let end = src[i..].find('\n').map(|e| i + e).unwrap_or(src.len());
        src[..end].rsplit('\n').next().unwrap_or("").trim_end().ends_with("// i18n: not prose")
    };
    let mut out = Scan::default();
    // Open brackets: the name before a `(` (`t!`, `log::warn!`, `invalid`), "" for others.
    let mut stack: Vec<String> = Vec::new();
    // The first argument of the innermost `t!(` not yet seen.
    let mut awaiting_key: Option<usize> = None;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if src[i..].starts_with("//") {
            i = src[i..].find('\n').map(|e| i + e).unwrap_or(b.len());
            continue;
        }
        if src[i..].starts_with("/*") {
            i = src[i..].find("*/").map(|e| i + e + 2).unwrap_or(b.len());
            continue;
        }
        let ident_before = i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
        // Raw strings: r"…", r#"…"#, br"…".
        let raw_at = if c == b'b' && b.get(i + 1) == Some(&b'r') {
            Some(i + 1)
        } else if c == b'r' {
            Some(i)
        } else {
            None
        };
        if let Some(r) = raw_at.filter(|_| !ident_before) {
            let hashes = src[r + 1..].bytes().take_while(|&h| h == b'#').count();
            if b.get(r + 1 + hashes) == Some(&b'"') {
                let start = r + 2 + hashes;
                let close = format!("\"{}", "#".repeat(hashes));
                let end = src[start..].find(&close).map(|e| start + e).unwrap_or(b.len());
                literal(&src[start..end], &stack, &mut awaiting_key, &mut out, line_of(i), allowed(i));
                i = end + close.len();
                continue;
            }
        }
        if c == b'"' || (c == b'b' && b.get(i + 1) == Some(&b'"') && !ident_before) {
            let start = if c == b'b' { i + 2 } else { i + 1 };
            let mut j = start;
            let mut text = String::new();
            while j < b.len() && b[j] != b'"' {
                if b[j] == b'\\' {
                    j += 2;
                    continue;
                }
                let ch = src[j..].chars().next().unwrap();
                text.push(ch);
                j += ch.len_utf8();
            }
            literal(&text, &stack, &mut awaiting_key, &mut out, line_of(i), allowed(i));
            i = j + 1;
            continue;
        }
        if c == b'\'' {
            // '\n', '\'', 'x', '日' are chars; 'a (no closing quote next) is a lifetime.
            if b.get(i + 1) == Some(&b'\\') {
                i = src[i + 2..].find('\'').map(|e| i + 2 + e + 1).unwrap_or(b.len());
                continue;
            }
            if let Some(ch) = src[i + 1..].chars().next() {
                if src[i + 1 + ch.len_utf8()..].starts_with('\'') {
                    i += 2 + ch.len_utf8();
                    continue;
                }
            }
            i += 1;
            continue;
        }
        match c {
            b'(' => {
                let before = src[..i].trim_end();
                let name: String = before
                    .chars()
                    .rev()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':' || *c == '!')
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                let name = name
                    .rsplit("::")
                    .next()
                    .map(|last| if name.starts_with("log::") { name.clone() } else { last.to_string() })
                    .unwrap_or_default();
                if name == "t!" || name == "rust_i18n::t!" {
                    awaiting_key = Some(stack.len() + 1);
                }
                stack.push(name);
            }
            b'[' | b'{' => stack.push(String::new()),
            b')' | b']' | b'}' => {
                stack.pop();
            }
            _ if !c.is_ascii_whitespace() && awaiting_key == Some(stack.len()) => {
                out.dynamic.push(line_of(i));
                awaiting_key = None;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// One string literal met by [`scan`].
fn literal(text: &str, stack: &[String], awaiting_key: &mut Option<usize>, out: &mut Scan, line: usize, allowed: bool) {
    if *awaiting_key == Some(stack.len()) {
        out.keys.push((text.to_string(), line));
        *awaiting_key = None;
        return;
    }
    if allowed || stack.iter().any(|f| NOT_FOR_USERS.contains(&f.as_str())) {
        return;
    }
    let header = stack.iter().any(|f| f == "set_header") && !text.is_empty();
    if header || prose(text) {
        out.bypasses.push((text.to_string(), line));
    }
}

/// Every `.rs` file under `src/`.
fn sources() -> Vec<std::path::PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(&Path::new(ROOT).join("src"), &mut out);
    out
}

/// The modules whose user-facing messages all go through the catalog; the bypass check
/// covers exactly these (docs/i18n.md lists the rest, not yet translated).
const CONVERTED: &[&str] = &[
    "src/i18n.rs",
    "src/cli/channel.rs",
    "src/cli/output.rs",
    "src/engine/channel.rs",
    "src/engine/strategy.rs",
    "src/engine/locale.rs",
    "src/daemon/api.rs",
    "src/daemon/admin/channels.rs",
    "src/daemon/admin/i18n.rs",
    "src/daemon/admin/strategy.rs",
    "src/util/suggest.rs",
    "src/engine/rules/error.rs",
    "src/engine/rules/validate.rs",
    "src/engine/tee/mod.rs",
    "src/engine/tee/filter.rs",
    "src/cli/rule.rs",
    "src/cli/tee.rs",
    "src/cli/trace.rs",
    "src/cli/cache.rs",
    "src/cli/logs.rs",
    "src/cli/mod.rs",
    "src/engine/mod.rs",
    "src/daemon/admin/mod.rs",
    "src/daemon/admin/cache.rs",
    "src/daemon/admin/health.rs",
    "src/daemon/admin/metrics.rs",
    "src/daemon/admin/query.rs",
    "src/daemon/admin/requests.rs",
    "src/daemon/admin/rules.rs",
    "src/daemon/admin/tee.rs",
    "src/daemon/admin/tracing.rs",
    "src/daemon/admin/transformers.rs",
    "src/cli/backend.rs",
    "src/cli/daemon_ctl.rs",
    "src/cli/serve.rs",
    "src/cli/setup.rs",
    "src/engine/proxy/probe.rs",
    "src/cli/diagnose.rs",
    "src/engine/portable.rs",
    "src/engine/health.rs",
    "src/engine/records/query.rs",
    "src/engine/cache/mod.rs",
];

#[test]
fn every_key_the_code_names_is_in_the_catalog() {
    let en = catalog("en.yml");
    let mut missing = Vec::new();
    let mut dynamic = Vec::new();
    let mut used = 0;
    for path in sources() {
        let s = scan(&std::fs::read_to_string(&path).unwrap());
        let shown = path.strip_prefix(ROOT).unwrap().display().to_string();
        used += s.keys.len();
        missing.extend(s.keys.iter().filter(|(k, _)| !en.contains_key(k)).map(|(k, l)| format!("{shown}:{l}: {k}")));
        dynamic.extend(s.dynamic.iter().map(|l| format!("{shown}:{l}")));
    }
    assert!(used > 200, "{used} keys found: is the scanner blind?");
    assert!(missing.is_empty(), "t! keys missing from locales/en.yml:\n{}", missing.join("\n"));
    assert!(dynamic.is_empty(), "t! with a key made at run time (write the literal key):\n{}", dynamic.join("\n"));
}

/// The bypass check: in the converted modules, no English sentence and no table header
/// is written as a literal outside `t!` (logs and panics aside). It fails when someone
/// adds `Error::invalid("some English")` or `printer.note("no channels")` there.
#[test]
fn converted_modules_say_nothing_outside_the_catalog() {
    let mut bypasses = Vec::new();
    for file in CONVERTED {
        let s = scan(&std::fs::read_to_string(Path::new(ROOT).join(file)).unwrap());
        bypasses.extend(s.bypasses.iter().map(|(t, l)| format!("{file}:{l}: {t:?}")));
    }
    assert!(
        bypasses.is_empty(),
        "user-facing text outside the catalog (put it in locales/*.yml and use t!, or end the line with \
         `// i18n: not prose` if it is data):\n{}",
        bypasses.join("\n")
    );
}

#[test]
fn the_scanner_catches_a_bypass_and_lets_the_catalog_logs_and_data_through() {
    let bad = r##"
        fn f(shown: &str) -> Error {
            log::warn!("this is a log line, in English on purpose");
            let _ = c.expect("a broken invariant");
            let _ = t!("engine.channel.name_empty", name = "x");
            let _ = t!("engine.channel.name_empty", name = "an English value");
            let _ = '"'; let _ = "'"; let _: &'static str = "x";
            t.set_header(["NAME", "ID"]);
            let _ = r#"raw "English" text here"#;
            let _ = ("Authorization: Bearer", "by protocol"); // i18n: not prose
            Error::invalid(shown, "name", "some English")
        }
        #[cfg(test)]
        mod tests { fn g() { assert_eq!(x, "English in a test"); } }
    "##;
    let s = scan(bad);
    let found: Vec<&str> = s.bypasses.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(found, ["an English value", "NAME", "ID", "raw \"English\" text here", "some English"], "{s:?}");
    assert_eq!(s.keys.len(), 2, "{s:?}");
    assert!(s.dynamic.is_empty());
    let s = scan("fn f(k: &str) { t!(k); t!(\"a.b\"); }");
    assert_eq!(s.dynamic.len(), 1, "{s:?}");
    assert_eq!(s.keys, [("a.b".to_string(), 1)]);
}

// ---------------------------------------------------------------------------------------
// What users see.

fn zh(h: &Home, args: &[&str]) -> crate::support::Run {
    let mut full = vec!["--lang", "zh-CN"];
    full.extend_from_slice(args);
    h.run(&full)
}

#[test]
fn channel_list_speaks_chinese_with_lang_and_with_a_chinese_lang_variable() {
    let h = Home::new();
    let empty = zh(&h, &["channel", "list"]).ok();
    assert!(empty.stderr().contains("还没有渠道（添加一个：routex channel add"), "{}", empty.stderr());
    assert!(!empty.stderr().contains("no channels"), "{}", empty.stderr());

    h.add_keyed_channel("claude", "claude-*");
    let list = zh(&h, &["channel", "list"]).ok().stdout();
    for header in ["名称", "类型", "模型", "优先级", "权重", "状态", "密钥", "基础 URL"] {
        assert!(list.contains(header), "{header} in {list}");
    }
    assert!(list.contains("claude") && list.contains("anthropic"), "{list}");
    assert!(!list.contains("NAME"), "{list}");

    let by_lang = h.cmd(&["channel", "list"]).env("LANG", "zh_CN.UTF-8").output().unwrap();
    let out = String::from_utf8_lossy(&by_lang.stdout);
    assert!(out.contains("名称") && out.contains("基础 URL"), "{out}");
    // LOCALE outranks LANG, --lang outranks both.
    let by_locale = h.cmd(&["channel", "list"]).env("LANG", "zh_CN.UTF-8").env("LOCALE", "en").output().unwrap();
    assert!(String::from_utf8_lossy(&by_locale.stdout).contains("NAME"));
    let by_flag = h.cmd(&["--lang", "en", "channel", "list"]).env("LOCALE", "zh-CN").output().unwrap();
    assert!(String::from_utf8_lossy(&by_flag.stdout).contains("BASE URL"));
    // Without any, English as before.
    assert!(h.run(&["channel", "list"]).ok().stdout().contains("BASE URL"));

    let added = zh(
        &h,
        &["channel", "add", "--name", "b", "--type", "openai", "--models", "gpt-4o", "--api-key", "sk-test-0123456789"],
    )
    .ok();
    assert!(added.stdout().starts_with("已添加渠道 b（ch_"), "{}", added.stdout());
}

#[test]
fn a_cli_error_speaks_chinese_and_field_names_stay_as_written() {
    let h = Home::new();
    let r = zh(
        &h,
        &[
            "channel",
            "add",
            "--name",
            "b",
            "--type",
            "anthropic",
            "--models",
            " ",
            "--api-key",
            "sk-ant-0123456789abcdef",
        ],
    );
    assert_eq!(r.code(), 2);
    assert_eq!(
        r.stderr().trim_end(),
        "错误：渠道 \"b\"：字段 `models` 必须列出该渠道提供的至少一个模型，例如 --models claude-sonnet-4（支持 'claude-*'、'*' 这样的通配符）"
    );
    let r = zh(&h, &["channel", "remove", "nope", "--yes"]);
    assert_eq!(r.code(), 2);
    assert!(r.stderr().contains("找不到渠道 \"nope\"（参见：routex channel list）"), "{}", r.stderr());
}

#[test]
fn an_unknown_language_is_an_error_naming_the_choices() {
    let h = Home::new();
    let r = h.run(&["--lang", "xx", "channel", "list"]);
    assert_eq!(r.code(), 2);
    assert_eq!(r.stderr().trim_end(), "error: unknown language \"xx\" in --lang; use one of: en, zh-CN");
    assert!(r.stdout().is_empty());
    let r = Run(h.cmd(&["channel", "list"]).env("LOCALE", "klingon").output().unwrap());
    assert_eq!(r.code(), 2);
    assert!(r.stderr().contains("\"klingon\" in LOCALE; use one of: en, zh-CN"), "{}", r.stderr());
}

/// A request to the daemon: (status, body).
fn call(d: &Daemon, method: &str, path: &str, body: Option<serde_json::Value>) -> (u16, serde_json::Value) {
    let req = ureq::request(method, &format!("{}{path}", d.url));
    let resp = match body {
        Some(b) => req.send_json(b),
        None => req.call(),
    };
    let resp = match resp {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{e}"),
    };
    (resp.status(), resp.into_json().unwrap())
}

/// A channel without models: the engine's validation error.
fn bad_channel(d: &Daemon) -> (u16, serde_json::Value) {
    let spec = serde_json::json!({"name": "x", "type": "anthropic", "api_key": "sk-ant-0123456789abcdef"});
    call(d, "POST", "/api/channels", Some(spec))
}

#[test]
fn admin_api_errors_follow_the_daemons_language_and_its_setting_survives_a_restart() {
    let h = Home::new();
    let d = h.serve_env(&[], &[("LOCALE", "zh-CN")]);
    let (status, v) = bad_channel(&d);
    assert_eq!(status, 400);
    assert_eq!(v["success"], false);
    assert_eq!(v["error"]["code"], "invalid_request");
    assert_eq!(
        v["error"]["message"],
        "渠道 \"x\"：字段 `models` 必须列出该渠道提供的至少一个模型，例如 --models claude-sonnet-4（支持 'claude-*'、'*' 这样的通配符）"
    );
    let (_, v) = call(&d, "GET", "/api/i18n/locale", None);
    assert_eq!(v["data"], serde_json::json!({"locale": "zh-CN", "available": ["en", "zh-CN"]}));
    let rule = serde_json::json!({"name": "long", "type": "longContext", "condition": {"tokenThreshold": 60000}});
    let (status, v) = call(&d, "POST", "/api/routing/rules", Some(rule));
    assert_eq!((status, v["error"]["code"].as_str()), (400, Some("invalid_request")));
    assert_eq!(
        v["error"]["message"],
        "路由规则 \"long\"：没有目标；请设置 targetChannel 和/或 targetModel（例如 --target-channel NAME）"
    );
    let (status, v) = call(&d, "DELETE", "/api/tee/nope", None);
    assert_eq!((status, v["error"]["code"].as_str()), (404, Some("not_found")));
    assert_eq!(v["error"]["message"], "找不到tee \"nope\"（参见：routex tee list）");
    let (status, v) = call(&d, "GET", "/api/no-such-thing", None);
    assert_eq!((status, v["error"]["code"].as_str()), (404, Some("not_found")));
    assert_eq!(v["error"]["message"], "没有这个接口（完整列表见 GET /api）");

    // Switched at run time.
    let (status, v) = call(&d, "PUT", "/api/i18n/locale", Some(serde_json::json!({"locale": "en"})));
    assert_eq!((status, &v["data"]["locale"]), (200, &serde_json::json!("en")));
    assert_eq!(call(&d, "GET", "/api/i18n/locale", None).1["data"]["locale"], "en");
    let (_, v) = bad_channel(&d);
    assert_eq!(v["error"]["code"], "invalid_request");
    assert!(v["error"]["message"].as_str().unwrap().starts_with("channel \"x\": field `models` must list"), "{v}");

    // A bad language: 400 in the envelope, nothing changed.
    let (status, v) = call(&d, "PUT", "/api/i18n/locale", Some(serde_json::json!({"locale": "xx"})));
    assert_eq!(status, 400);
    assert_eq!(v["success"], false);
    assert_eq!(v["error"]["code"], "invalid_request");
    assert_eq!(v["error"]["message"], "language setting: field `locale` must be one of: en, zh-CN (got \"xx\")");
    let (status, v) = call(&d, "PUT", "/api/i18n/locale", Some(serde_json::json!({"lang": "en"})));
    assert_eq!((status, v["error"]["code"].as_str()), (400, Some("invalid_request")));
    assert_eq!(call(&d, "GET", "/api/i18n/locale", None).1["data"]["locale"], "en");

    // Stored: a restart without LOCALE keeps the language last PUT.
    let (status, _) = call(&d, "PUT", "/api/i18n/locale", Some(serde_json::json!({"locale": "zh-CN"})));
    assert_eq!(status, 200);
    d.stop();
    let d = h.serve_env(&[], &[]);
    assert_eq!(call(&d, "GET", "/api/i18n/locale", None).1["data"]["locale"], "zh-CN");
    let (_, v) = bad_channel(&d);
    assert_eq!(v["error"]["code"], "invalid_request");
    assert!(v["error"]["message"].as_str().unwrap().starts_with("渠道 \"x\"：字段 `models`"), "{v}");
    // The CLI's `routex lang` reads and sets the same setting through the daemon.
    assert!(h.run(&["lang"]).ok().stdout().contains("daemon language: zh-CN"));
    assert!(h.run(&["lang", "set", "en"]).ok().stdout().contains("daemon language set to en"));
    assert_eq!(call(&d, "GET", "/api/i18n/locale", None).1["data"]["locale"], "en");
    d.stop();
}

#[test]
fn the_language_setting_is_a_write_behind_the_admin_token() {
    let h = Home::new();
    let d = h.serve_env(&[], &[("ROUTEX_ADMIN_TOKEN", "i18n-test-token-0123456789")]);
    let (status, v) = call(&d, "PUT", "/api/i18n/locale", Some(serde_json::json!({"locale": "zh-CN"})));
    assert_eq!((status, v["error"]["code"].as_str()), (401, Some("unauthorized")));
    let resp = ureq::put(&format!("{}/api/i18n/locale", d.url))
        .set("Authorization", "Bearer i18n-test-token-0123456789")
        .send_json(serde_json::json!({"locale": "zh-CN"}))
        .unwrap();
    assert_eq!(resp.status(), 200);
    // The refusal of the next tokenless call is worded in the new language; its code is not.
    let (status, v) = call(&d, "GET", "/api/i18n/locale", None);
    assert_eq!((status, v["error"]["code"].as_str()), (401, Some("unauthorized")));
    assert!(v["error"]["message"].as_str().unwrap().starts_with("这个守护进程需要管理令牌"), "{v}");
    d.stop();
}

/// Clients of the proxy get English whatever the daemon's language: SDKs and agents
/// match on those messages.
#[test]
fn proxy_errors_stay_english_under_a_chinese_daemon() {
    let h = Home::new();
    let d = h.serve_env(&[], &[("LOCALE", "zh-CN")]);
    let resp = ureq::post(&format!("{}/v1/messages", d.url)).set("content-type", "application/json").send_json(
        serde_json::json!({"model": "claude-x", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]}),
    );
    let (status, body): (u16, serde_json::Value) = match resp {
        Ok(r) => (r.status(), r.into_json().unwrap()),
        Err(ureq::Error::Status(s, r)) => (s, r.into_json().unwrap()),
        Err(e) => panic!("{e}"),
    };
    assert!(status >= 400, "{status} {body}");
    let msg = body["error"]["message"].as_str().unwrap_or_default();
    assert!(!msg.is_empty() && msg.is_ascii(), "{body}");
    d.stop();
}
