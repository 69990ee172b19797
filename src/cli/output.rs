//! Everything the CLI prints to stdout goes through here: tables (comfy-table), JSON or
//! YAML for scripts. Errors and notes go to stderr. A closed pipe (`routex … | head`)
//! ends the process quietly with success.
//!
//! Every table cell and every value put into a human-readable line (stdout or stderr)
//! goes through [`clean`] first: C0 and C1 control characters, DEL and the Unicode
//! bidirectional overrides are written as Rust-style escapes (`\u{1b}`), so a model name
//! such as `"claude-\u{1b}]0;PWNED\u{7}"` cannot retitle the terminal and a `\r\n` in it
//! cannot forge a log line. JSON and YAML output are exact (their own escaping applies).

use comfy_table::{presets, ContentArrangement, Table};
use serde::Serialize;
use std::io::{IsTerminal, Write};

use super::OutputFormat;
use crate::engine::records::RequestRecord;
use crate::engine::rules::RouteTest;
use crate::engine::rules::{Rule, RuleView};
use crate::engine::tee::{TeeTest, TeeView};
use crate::engine::trace::{Trace, TraceStats, TraceSummary};
use crate::engine::{ChannelView, ImportReport, Strategy};

/// Shells `routex env` writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    /// bash (also sh)
    Bash,
    /// zsh
    Zsh,
    /// fish
    Fish,
    /// PowerShell
    Powershell,
}

/// What `routex status` reports.
#[derive(Debug, Serialize)]
pub struct Status {
    /// Whether a daemon answers for this data directory.
    pub running: bool,
    /// The data directory.
    pub data_dir: String,
    /// Its process id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pid: Option<u32>,
    /// Its base URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Its version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Seconds since it started.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uptime_s: Option<u64>,
    /// Its health verdict (`healthy`, `degraded`, `unhealthy`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health: Option<String>,
    /// Channels that can take requests (not disabled, not down).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channels_up: Option<u64>,
    /// Channels configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channels_total: Option<u64>,
    /// What the health report says is wrong, worst first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
    /// The daemon's log file.
    pub log_file: String,
    /// What was noticed on the way (a stale daemon.json removed, a process that does not
    /// answer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One variable assignment in `shell`'s syntax, the value single-quoted.
pub fn assignment(shell: Shell, name: &str, value: &str) -> String {
    match shell {
        Shell::Bash | Shell::Zsh => format!("export {name}='{}'", value.replace('\'', r"'\''")),
        Shell::Fish => format!("set -gx {name} '{}'", value.replace('\\', r"\\").replace('\'', r"\'")),
        Shell::Powershell => format!("$env:{name} = '{}'", value.replace('\'', "''")),
    }
}

/// One line of `routex diagnose`.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// What was checked (`store`, `claude: dns`).
    pub check: String,
    /// Its verdict.
    pub verdict: Verdict,
    /// What was found.
    pub detail: String,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

/// A check's verdict: ✓, ! or ✗.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// ✓
    Ok,
    /// ! (works, but look)
    Warn,
    /// ✗ (broken; the command exits 1)
    Fail,
}

/// Renders results in the chosen format.
pub struct Printer {
    format: OutputFormat,
}

/// Whether a character is shown as an escape in human-readable output: C0 and C1
/// controls, DEL, and the bidirectional embeddings, overrides and isolates (which can
/// reorder what a terminal shows).
fn hostile(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A value as it may be shown to a person: every [`hostile`] character written as
/// `\u{XX}` (lowercase hex, Rust's own escape syntax), everything else unchanged.
pub fn clean(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(hostile) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if hostile(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// [`clean`] into an owned String (for table cells).
fn c(s: impl AsRef<str>) -> String {
    clean(s.as_ref()).into_owned()
}

/// A table row with every cell [`clean`]ed.
fn row<const N: usize>(cells: [String; N]) -> [String; N] {
    cells.map(c)
}

/// Print an error line to stderr.
pub fn error(msg: &str) {
    let _ = writeln!(std::io::stderr(), "error: {}", clean(msg));
}

fn write_stdout(bytes: &[u8]) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(bytes).and_then(|_| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
    }
}

fn table() -> Table {
    let mut t = Table::new();
    if std::io::stdout().is_terminal() {
        t.load_preset(presets::UTF8_FULL_CONDENSED);
        t.set_content_arrangement(ContentArrangement::Dynamic);
    } else {
        t.load_preset(presets::NOTHING);
    }
    t
}

/// Seconds as a person reads them: `42s`, `5m 3s`, `2h 10m`, `3d 4h`.
fn human_duration(s: u64) -> String {
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m {}s", s / 60, s % 60),
        3600..=86399 => format!("{}h {}m", s / 3600, s % 3600 / 60),
        _ => format!("{}d {}h", s / 86400, s % 86400 / 3600),
    }
}

/// The request log's columns.
const FOLLOW_HEADER: [&str; 11] =
    ["TIME", "ID", "STATUS", "CHANNEL", "MODEL", "LATENCY", "TTFB", "TOKENS IN/OUT", "TRIES", "RULE", "ERROR"];
/// Their widths with `logs --follow` (the last one is not padded).
const FOLLOW_WIDTHS: [usize; 11] = [8, 28, 6, 16, 32, 8, 8, 13, 5, 14, 0];

/// One record as the request log's cells.
fn record_cells(r: &RequestRecord) -> [String; 11] {
    let time = chrono::DateTime::from_timestamp_millis(r.time_ms as i64)
        .map(|t| t.with_timezone(&chrono::Local).format("%H:%M:%S").to_string())
        .unwrap_or_default();
    [
        time,
        r.id.clone(),
        r.status.to_string(),
        r.channel_name.clone().unwrap_or_else(|| "-".into()),
        r.model.clone(),
        format!("{}ms", r.latency_ms),
        r.ttfb_ms.map(|t| format!("{t}ms")).unwrap_or_else(|| "-".into()),
        format!("{}/{}", r.tokens.input + r.tokens.cache_read + r.tokens.cache_write, r.tokens.output),
        r.attempts.len().to_string(),
        r.rule.clone().unwrap_or_else(|| "-".into()),
        r.error.clone().map(|e| e.chars().take(60).collect()).unwrap_or_default(),
    ]
}

/// A line of fixed-width cells ([`FOLLOW_WIDTHS`]): each [`clean`]ed, padded, and cut
/// with `…` when longer.
fn fixed_row(cells: [String; 11]) -> String {
    let mut line = String::new();
    for (cell, width) in cells.iter().zip(FOLLOW_WIDTHS) {
        let cell = clean(cell);
        let n = cell.chars().count();
        if width == 0 {
            line.push_str(&cell);
        } else if n > width {
            line.extend(cell.chars().take(width - 1));
            line.push_str("… ");
        } else {
            line.push_str(&cell);
            line.push_str(&" ".repeat(width - n + 1));
        }
    }
    line.truncate(line.trim_end().len());
    line.push('\n');
    line
}

fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn condition_text(r: &Rule) -> String {
    let v = serde_json::to_value(&r.condition).unwrap_or_default();
    match v.as_object() {
        Some(m) if !m.is_empty() => m
            .iter()
            .map(|(k, v)| format!("{k}={}", v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())))
            .collect::<Vec<_>>()
            .join(" "),
        _ => "-".to_string(),
    }
}

fn target_text(r: &Rule) -> String {
    match (&r.target_channel, &r.target_model) {
        (Some(c), Some(m)) => format!("{c} / {m}"),
        (Some(c), None) => c.clone(),
        (None, Some(m)) => format!("model {m}"),
        (None, None) => "-".to_string(),
    }
}

/// Each key of a channel as shown: a value masked, or where it comes from
/// (`sk-ant-…abcd from $ANTHROPIC_API_KEY`, `$ANTHROPIC_API_KEY not set`).
fn key_texts(c: &ChannelView) -> Vec<String> {
    let env = c.api_keys_env.iter().map(|e| match &e.key {
        Some(k) => format!("{k} from ${}", e.var),
        None => format!("${} not set", e.var),
    });
    c.api_keys.iter().cloned().chain(env).collect()
}

/// The KEYS cell of `channel list`: the first key and how many more; a channel that
/// cannot authenticate is marked with ✗.
fn keys_cell(c: &ChannelView) -> String {
    let keys = key_texts(c);
    let first = match keys.len() {
        0 => "none".to_string(),
        1 => keys[0].clone(),
        n => format!("{} (+{})", keys[0], n - 1),
    };
    match &c.key_problem {
        Some(_) => format!("✗ {first}"),
        None if keys.is_empty() => "-".to_string(),
        None => first,
    }
}

impl Printer {
    /// A printer for a format.
    pub fn new(format: OutputFormat) -> Printer {
        Printer { format }
    }

    /// Raw bytes to stdout (completions, exported documents).
    pub fn raw(&self, bytes: &[u8]) {
        write_stdout(bytes);
    }

    /// A line for people, on stderr (keeps stdout clean for pipes).
    pub fn note(&self, msg: &str) {
        let _ = writeln!(std::io::stderr(), "{}", clean(msg));
    }

    fn structured<T: Serialize>(&self, v: &T) -> bool {
        match self.format {
            OutputFormat::Table => false,
            OutputFormat::Json => {
                write_stdout((serde_json::to_string_pretty(v).expect("serialisable") + "\n").as_bytes());
                true
            }
            OutputFormat::Yaml => {
                write_stdout(serde_yaml::to_string(v).expect("serialisable").as_bytes());
                true
            }
        }
    }

    /// A channel list.
    pub fn channels(&self, list: &[ChannelView]) {
        if self.structured(&list) {
            return;
        }
        if list.is_empty() {
            self.note("no channels yet (add one: routex channel add --name NAME --type anthropic --models 'claude-*' --api-key-env ANTHROPIC_API_KEY)");
            return;
        }
        let mut t = table();
        t.set_header(["NAME", "ID", "TYPE", "MODELS", "PRIORITY", "WEIGHT", "STATUS", "KEYS", "BASE URL"]);
        for c in list {
            t.add_row(row([
                c.name.clone(),
                c.id.clone(),
                c.kind.to_string(),
                c.models.join(","),
                c.priority.to_string(),
                c.weight.to_string(),
                c.status.to_string(),
                keys_cell(c),
                c.base_url.clone(),
            ]));
        }
        write_stdout(format!("{t}\n").as_bytes());
    }

    /// One channel in full.
    pub fn channel(&self, c: &ChannelView) {
        if self.structured(c) {
            return;
        }
        let mut t = table();
        let map = |m: &std::collections::BTreeMap<String, String>, sep: &str| {
            if m.is_empty() {
                "-".to_string()
            } else {
                m.iter().map(|(k, v)| format!("{k}{sep}{v}")).collect::<Vec<_>>().join(", ")
            }
        };
        let rows: Vec<(&str, String)> = vec![
            ("name", c.name.clone()),
            ("id", c.id.clone()),
            ("type", c.kind.to_string()),
            ("protocol", c.protocol.to_string()),
            ("base_url", c.base_url.clone()),
            ("api_keys", if key_texts(c).is_empty() { "-".into() } else { key_texts(c).join(", ") }),
            ("models", c.models.join(", ")),
            ("model_map", map(&c.model_map, " → ")),
            ("priority", c.priority.to_string()),
            ("weight", c.weight.to_string()),
            ("status", c.status.to_string()),
            ("headers", map(&c.headers, ": ")),
            ("timeout_s", c.timeout_s.map(|t| t.to_string()).unwrap_or_else(|| "-".into())),
            ("deployment", c.deployment.clone().unwrap_or_else(|| "-".into())),
            ("api_version", c.api_version.clone().unwrap_or_else(|| "-".into())),
            ("transformers", c.transformers.as_ref().map(|v| v.to_string()).unwrap_or_else(|| "-".into())),
            ("created_at", c.created_at.clone()),
            ("updated_at", c.updated_at.clone()),
        ];
        let mut rows = rows;
        if let Some(p) = &c.key_problem {
            rows.insert(6, ("key_problem", format!("✗ {p}")));
        }
        for (k, v) in rows {
            t.add_row(row([k.to_string(), v]));
        }
        write_stdout(format!("{t}\n").as_bytes());
    }

    /// The result of add/edit/remove/enable/disable.
    pub fn changed(&self, verb: &str, c: &ChannelView) {
        if self.structured(c) {
            return;
        }
        write_stdout(format!("{verb} channel {} ({})\n", clean(&c.name), clean(&c.id)).as_bytes());
    }

    /// The strategy, with the choices.
    pub fn strategy(&self, current: Strategy, changed: bool) {
        if self.structured(&serde_json::json!({ "strategy": current })) {
            return;
        }
        if changed {
            write_stdout(format!("strategy set to {current}\n").as_bytes());
            return;
        }
        let mut t = table();
        for s in crate::engine::strategy::STRATEGIES {
            let mark = if s == current { "*" } else { " " };
            t.add_row(row([mark.to_string(), s.to_string(), s.describe().to_string()]));
        }
        write_stdout(format!("{t}\n").as_bytes());
    }

    /// What an import did.
    pub fn import_report(&self, r: &ImportReport, origin: &str) {
        if self.structured(r) {
            return;
        }
        let mut s = String::new();
        if r.dry_run {
            s.push_str(&format!("dry run of import from {}: nothing was written\n", clean(origin)));
        } else {
            s.push_str(&format!("imported {}\n", clean(origin)));
        }
        for n in &r.created {
            s.push_str(&format!("  + create    {}\n", clean(n)));
        }
        for u in &r.updated {
            s.push_str(&format!("  ~ update    {} ({})\n", clean(&u.name), clean(&u.fields.join(", "))));
        }
        for n in &r.removed {
            s.push_str(&format!("  - remove    {}\n", clean(n)));
        }
        for n in &r.unchanged {
            s.push_str(&format!("  = unchanged {}\n", clean(n)));
        }
        for n in &r.rules_created {
            s.push_str(&format!("  + create    rule {}\n", clean(n)));
        }
        for n in &r.rules_updated {
            s.push_str(&format!("  ~ update    rule {}\n", clean(n)));
        }
        for n in &r.rules_removed {
            s.push_str(&format!("  - remove    rule {}\n", clean(n)));
        }
        for n in &r.rules_unchanged {
            s.push_str(&format!("  = unchanged rule {}\n", clean(n)));
        }
        for (sign, verb, list) in [
            ('+', "create   ", &r.tees_created),
            ('~', "update   ", &r.tees_updated),
            ('-', "remove   ", &r.tees_removed),
            ('=', "unchanged", &r.tees_unchanged),
        ] {
            for n in list {
                s.push_str(&format!("  {sign} {verb} tee {}\n", clean(n)));
            }
        }
        if let Some(st) = &r.strategy {
            s.push_str(&format!("  strategy    {st}\n"));
        }
        write_stdout(s.as_bytes());
        for w in &r.warnings {
            self.note(&format!("warning: {w}"));
        }
    }

    /// A rule list; a rule whose target channel is gone or disabled is marked ✗ in
    /// TARGET (and has `targetProblem` in JSON).
    pub fn rules(&self, list: &[RuleView]) {
        if self.structured(&list) {
            return;
        }
        if list.is_empty() {
            self.note("no rules yet (add one: routex rule add --name long --type longContext --token-threshold 60000 --target-channel NAME)");
            return;
        }
        let mut t = table();
        t.set_header(["NAME", "ID", "TYPE", "PRIORITY", "ENABLED", "CONDITION", "TARGET"]);
        for v in list {
            let r = &v.rule;
            let target = match &v.target_problem {
                Some(p) => format!("✗ {} ({})", target_text(r), p.trim_start_matches("target ")),
                None => target_text(r),
            };
            t.add_row(row([
                r.name.clone(),
                r.id.clone(),
                r.rule_type.as_str().to_string(),
                r.priority.to_string(),
                if r.enabled { "yes" } else { "no" }.to_string(),
                condition_text(r),
                target,
            ]));
        }
        write_stdout(format!("{t}\n").as_bytes());
    }

    /// One rule in full.
    pub fn rule(&self, r: &Rule) {
        if self.structured(r) {
            return;
        }
        let mut t = table();
        for (k, v) in [
            ("name", r.name.clone()),
            ("id", r.id.clone()),
            ("type", r.rule_type.as_str().to_string()),
            ("priority", r.priority.to_string()),
            ("enabled", r.enabled.to_string()),
            ("condition", condition_text(r)),
            ("target", target_text(r)),
            ("created_at", r.created_at.clone()),
            ("updated_at", r.updated_at.clone()),
        ] {
            t.add_row(row([k.to_string(), v]));
        }
        write_stdout(format!("{t}\n").as_bytes());
    }

    /// The tees, with their counts when a daemon runs them.
    pub fn tees(&self, list: &[TeeView]) {
        if self.structured(&list) {
            return;
        }
        if list.is_empty() {
            self.note("no tees yet (add one: routex tee add audit --type file --path requests.jsonl)");
            return;
        }
        let mut t = table();
        let counted = list.iter().any(|v| v.stats.is_some());
        let mut header = vec!["NAME", "TYPE", "DESTINATION", "FILTER", "ENABLED"];
        if counted {
            header.extend(["DELIVERED", "DROPPED", "QUEUED"]);
        }
        t.set_header(header);
        for v in list {
            let s = &v.spec;
            let mut cells = vec![
                s.name.clone(),
                s.kind.clone(),
                s.path.clone().or_else(|| s.url.clone()).unwrap_or_default(),
                tee_filter_text(&s.filter),
                if s.enabled.unwrap_or(true) { "yes" } else { "no" }.to_string(),
            ];
            if let Some(st) = &v.stats {
                cells.extend([st.delivered.to_string(), st.dropped.to_string(), st.queued.to_string()]);
            } else if counted {
                cells.extend(["-".into(), "-".into(), "-".into()]);
            }
            t.add_row(cells.into_iter().map(c).collect::<Vec<_>>());
        }
        write_stdout(format!("{t}\n").as_bytes());
    }

    /// One tee in full (header values masked).
    pub fn tee(&self, v: &TeeView) {
        if self.structured(v) {
            return;
        }
        let s = &v.spec;
        let mut rows: Vec<(&str, String)> =
            vec![("name", s.name.clone()), ("id", v.id.clone()), ("type", s.kind.clone())];
        let opt = |o: Option<u64>| o.map(|n| n.to_string());
        for (k, val) in [
            ("path", s.path.clone()),
            ("max_size_mb", opt(s.max_size_mb)),
            ("keep", s.keep.map(|n| n.to_string())),
            ("url", s.url.clone()),
            ("timeout", s.timeout.map(|n| format!("{n} s"))),
            ("retries", s.retries.map(|n| n.to_string())),
            ("batch_size", s.batch_size.map(|n| n.to_string())),
            ("queue_size", s.queue_size.map(|n| n.to_string())),
        ] {
            if let Some(val) = val {
                rows.push((k, val));
            }
        }
        for (k, val) in &s.headers {
            rows.push(("header", format!("{k}: {val}")));
        }
        rows.push(("filter", tee_filter_text(&s.filter)));
        rows.push(("enabled", s.enabled.unwrap_or(true).to_string()));
        if let Some(st) = &v.stats {
            rows.push(("matched", st.matched.to_string()));
            rows.push(("delivered", st.delivered.to_string()));
            rows.push(("dropped", st.dropped.to_string()));
            rows.push(("queued", st.queued.to_string()));
            if let Some(e) = &st.last_error {
                rows.push(("last_error", e.clone()));
            }
        }
        rows.push(("created_at", v.created_at.clone()));
        rows.push(("updated_at", v.updated_at.clone()));
        let mut t = table();
        for (k, val) in rows {
            t.add_row(row([k.to_string(), val]));
        }
        write_stdout(format!("{t}\n").as_bytes());
    }

    /// The result of a tee change.
    pub fn tee_changed(&self, verb: &str, v: &TeeView) {
        if self.structured(v) {
            return;
        }
        write_stdout(format!("{verb} tee {} ({})\n", clean(&v.spec.name), clean(&v.id)).as_bytes());
    }

    /// `routex tee test`'s answer.
    pub fn tee_test(&self, r: &TeeTest) {
        if self.structured(r) {
            return;
        }
        let mark = if r.ok { "✓" } else { "✗" };
        write_stdout(format!("{mark} tee {}: {}\n", clean(&r.name), clean(&r.message)).as_bytes());
    }

    /// The result of a rule change.
    pub fn rule_changed(&self, verb: &str, r: &Rule) {
        if self.structured(r) {
            return;
        }
        write_stdout(format!("{verb} rule {} ({})\n", clean(&r.name), clean(&r.id)).as_bytes());
    }

    /// A routing dry run, explained.
    pub fn route_test(&self, t: &RouteTest, _tty: bool) {
        if self.structured(t) {
            return;
        }
        let mut s = format!(
            "request: {} model {:?}, {} token{} (cl100k_base){}\n",
            t.protocol,
            t.requested_model,
            group(t.tokens),
            if t.tokens == 1 { "" } else { "s" },
            if t.strips_subagent_tag { ", subagent tag stripped before forwarding" } else { "" }
        );
        if t.considered.is_empty() {
            s.push_str("rules: none\n");
        } else {
            s.push_str("rules, in order:\n");
            for c in &t.considered {
                let mark = match (c.matched, &c.skipped) {
                    (true, None) => "✓",
                    (true, Some(_)) => "↷",
                    (false, Some(_)) => "-",
                    (false, None) => "✗",
                };
                s.push_str(&format!("  {mark} {:<20} {}", clean(&c.rule), clean(&c.reason)));
                if let Some(sk) = &c.skipped {
                    s.push_str(&format!(" (skipped: {})", clean(sk)));
                }
                s.push('\n');
            }
        }
        match (&t.channel, &t.upstream_model) {
            (Some(ch), Some(m)) => {
                s.push_str(&format!("→ channel {}, model {}, via {}", clean(ch), clean(m), clean(&t.via.to_string())));
                if let Some(r) = &t.reason {
                    s.push_str(&format!(" ({})", clean(r)));
                }
                s.push('\n');
                if !t.fallbacks.is_empty() {
                    s.push_str(&format!("  failover order: {}\n", clean(&t.fallbacks.join(", "))));
                }
            }
            _ => s.push_str(&format!(
                "→ no channel would serve model {:?} (see: routex channel list)\n",
                t.requested_model
            )),
        }
        write_stdout(s.as_bytes());
    }

    /// Request records (oldest first). `header` prints the column names.
    pub fn records(&self, list: &[RequestRecord], header: bool, follow: bool) {
        match self.format {
            OutputFormat::Json if follow => {
                // Following: one JSON object per line, so the stream can be piped.
                let mut s = String::new();
                for r in list {
                    s.push_str(&serde_json::to_string(r).expect("json"));
                    s.push('\n');
                }
                write_stdout(s.as_bytes());
                return;
            }
            _ => {
                if self.structured(&list) {
                    return;
                }
            }
        }
        if follow {
            // Each poll prints its own rows: fixed column widths keep them under the header.
            let mut s = String::new();
            if header {
                s.push_str(&fixed_row(FOLLOW_HEADER.map(str::to_string)));
            }
            for r in list {
                s.push_str(&fixed_row(record_cells(r)));
            }
            write_stdout(s.as_bytes());
            return;
        }
        if list.is_empty() && header {
            self.note("no requests recorded yet");
            return;
        }
        let mut t = table();
        if header {
            t.set_header([
                "TIME",
                "ID",
                "STATUS",
                "CHANNEL",
                "MODEL",
                "LATENCY",
                "TTFB",
                "TOKENS IN/OUT",
                "TRIES",
                "RULE",
                "ERROR",
            ]);
        }
        for r in list {
            t.add_row(row(record_cells(r)));
        }
        write_stdout(format!("{t}\n").as_bytes());
    }

    /// `routex stats`: the request log summed up over a window, then per channel.
    pub fn stats(&self, a: &crate::engine::records::Analytics, window: &str) {
        if self.structured(a) {
            return;
        }
        let mut t = table();
        let pct = |p: &crate::engine::records::Percentiles| format!("{} / {} / {} ms", p.p50, p.p95, p.p99);
        let tok = &a.tokens;
        for (k, v) in [
            ("window", format!("since {} ({})", local_time(a.since_ms), clean(window))),
            ("requests", group(a.totals.requests)),
            (
                "success",
                format!(
                    "{:.1} % ({} ok, {} failed)",
                    a.totals.success_rate * 100.0,
                    group(a.totals.successes),
                    group(a.totals.failures)
                ),
            ),
            ("latency p50/p95/p99", pct(&a.latency_ms)),
            ("first byte p50/p95/p99", pct(&a.ttfb_ms)),
            (
                "tokens in / out",
                format!("{} / {}", group(tok.input + tok.cache_read + tok.cache_write), group(tok.output)),
            ),
            ("cache read / write", format!("{} / {}", group(tok.cache_read), group(tok.cache_write))),
            ("estimated cost", format!("${:.4}", a.cost_usd)),
        ] {
            t.add_row([k.to_string(), v]);
        }
        let mut c = table();
        c.set_header(["CHANNEL", "REQUESTS", "OK", "FAILED", "AVG LATENCY", "TOKENS IN/OUT"]);
        for ch in &a.per_channel {
            c.add_row(row([
                ch.channel_name.clone(),
                group(ch.requests),
                group(ch.successes),
                group(ch.failures),
                format!("{:.0} ms", ch.avg_latency_ms),
                format!(
                    "{}/{}",
                    group(ch.tokens.input + ch.tokens.cache_read + ch.tokens.cache_write),
                    group(ch.tokens.output)
                ),
            ]));
        }
        let channels = if a.per_channel.is_empty() { String::new() } else { format!("\n{c}\n") };
        write_stdout(format!("{t}\n{channels}").as_bytes());
    }

    /// `routex status`.
    pub fn daemon_status(&self, s: &Status) {
        if self.structured(s) {
            return;
        }
        let mut out = String::new();
        if let Some(n) = &s.note {
            self.note(n);
        }
        if !s.running {
            out.push_str(&format!(
                "routex is not running (data: {}); start it with `routex serve --detach`\n",
                clean(&s.data_dir)
            ));
            write_stdout(out.as_bytes());
            return;
        }
        let mut t = table();
        let opt = |v: &Option<String>| v.as_deref().map(c).unwrap_or_else(|| "-".into());
        let uptime = s.uptime_s.map(human_duration).unwrap_or_else(|| "-".into());
        let channels = match (s.channels_up, s.channels_total) {
            (Some(u), Some(t)) => format!("{u} up of {t}"),
            _ => "-".into(),
        };
        for (k, v) in [
            ("status", "running".to_string()),
            ("pid", s.pid.map(|p| p.to_string()).unwrap_or_default()),
            ("url", opt(&s.url)),
            ("version", opt(&s.version)),
            ("uptime", uptime),
            ("health", opt(&s.health)),
            ("channels", channels),
            ("data", c(&s.data_dir)),
            ("log", c(&s.log_file)),
        ] {
            t.add_row([k.to_string(), v]);
        }
        out.push_str(&format!("{t}\n"));
        for r in &s.reasons {
            out.push_str(&format!("! {}\n", clean(r)));
        }
        write_stdout(out.as_bytes());
    }

    /// `routex serve --detach` once the daemon answers.
    pub fn daemon_started(&self, url: &str, pid: u32, log: &std::path::Path) {
        #[derive(Serialize)]
        struct Started<'a> {
            url: &'a str,
            pid: u32,
            log_file: String,
        }
        if self.structured(&Started { url, pid, log_file: log.display().to_string() }) {
            return;
        }
        write_stdout(
            format!(
                "routex started: {} (pid {pid})\n  log: {}\n  stop it with `routex stop`; point clients at it with `eval \"$(routex env)\"`\n",
                clean(url),
                clean(&log.display().to_string())
            )
            .as_bytes(),
        );
    }

    /// `routex env`: assignments for a shell (JSON/YAML: the variables as a map).
    /// What one coding agent needs (`routex env --agent`): a config file's lines as comments
    /// (`#` comments in all four shells, so the output still evaluates), then the
    /// variables. Structured: `{config: {file, text}, env: {…}}`.
    pub fn agent_env(&self, config: Option<(&str, &str)>, vars: &[(&str, String)], shell: Shell) {
        let env: serde_json::Map<String, serde_json::Value> =
            vars.iter().map(|(k, v)| (k.to_string(), serde_json::Value::String(v.clone()))).collect();
        let cfg = config.map(|(file, text)| serde_json::json!({"file": file, "text": text}));
        if self.structured(&serde_json::json!({"config": cfg, "env": env})) {
            return;
        }
        let mut out = String::new();
        if let Some((file, text)) = config {
            out.push_str(&format!("# Add to {file}:\n"));
            for line in text.lines() {
                out.push_str(&format!("#   {line}\n"));
            }
        }
        for (k, v) in vars {
            out.push_str(&assignment(shell, k, v));
            out.push('\n');
        }
        write_stdout(out.as_bytes());
    }

    /// `routex env`'s assignments, one a line, in `shell`'s syntax.
    pub fn env_vars(&self, vars: &[(&str, String)], shell: Shell) {
        let map: serde_json::Map<String, serde_json::Value> =
            vars.iter().map(|(k, v)| (k.to_string(), serde_json::Value::String(v.clone()))).collect();
        if self.structured(&map) {
            return;
        }
        let mut out = String::new();
        for (k, v) in vars {
            out.push_str(&assignment(shell, k, v));
            out.push('\n');
        }
        write_stdout(out.as_bytes());
    }

    /// A spinner on stderr while something runs, when stderr is a terminal (none when
    /// piped or for JSON/YAML); it disappears when dropped.
    pub fn spinner(&self, msg: &str) -> Option<indicatif::ProgressBar> {
        if self.format != OutputFormat::Table || !std::io::stderr().is_terminal() {
            return None;
        }
        let pb = indicatif::ProgressBar::new_spinner();
        pb.set_message(msg.to_string());
        pb.enable_steady_tick(std::time::Duration::from_millis(100));
        Some(pb)
    }

    /// `routex test`: a row per channel, ✓ or ✗, and for a ✗ the cause and the fix.
    pub fn channel_tests(&self, list: &[crate::engine::proxy::probe::ChannelTest]) {
        if self.structured(&list) {
            return;
        }
        let mut t = table();
        t.set_header(["channel", "", "latency", "model", "result"]);
        for r in list {
            let model = match &r.answered_model {
                Some(m) if m != &r.model => format!("{} → {m}", r.model),
                _ => r.model.clone(),
            };
            let result = match (&r.error, &r.fix) {
                (None, _) => "ok".to_string(),
                (Some(e), Some(f)) => format!("{e} — {f}"),
                (Some(e), None) => e.clone(),
            };
            let mark = if r.ok { "✓" } else { "✗" };
            t.add_row(row([r.channel.clone(), mark.to_string(), format!("{} ms", r.latency_ms), model, result]));
        }
        let failed = list.iter().filter(|r| !r.ok).count();
        let summary = if failed == 0 {
            format!("{} answered", count(list.len(), "channel"))
        } else {
            format!("{failed} of {} failed", count(list.len(), "channel"))
        };
        write_stdout(format!("{t}\n{summary}\n").as_bytes());
    }

    /// `routex diagnose`: ✓ / ! / ✗ per check, with the fix under a ✗ or !.
    pub fn diagnosis(&self, checks: &[Check]) {
        if self.structured(&checks) {
            return;
        }
        let mut t = table();
        t.set_header(["", "check", "found", "fix"]);
        for c in checks {
            let mark = match c.verdict {
                Verdict::Ok => "✓",
                Verdict::Warn => "!",
                Verdict::Fail => "✗",
            };
            t.add_row(row([mark.to_string(), c.check.clone(), c.detail.clone(), c.fix.clone().unwrap_or_default()]));
        }
        let failed = checks.iter().filter(|c| c.verdict == Verdict::Fail).count();
        let summary = match failed {
            0 => "nothing is broken".to_string(),
            n => format!("{} failed", count(n, "check")),
        };
        write_stdout(format!("{t}\n{summary}\n").as_bytes());
    }

    /// The trace store's counts.
    pub fn trace_stats(&self, st: &TraceStats) {
        if self.structured(st) {
            return;
        }
        let when = |ms: Option<u64>| ms.map(local_time).unwrap_or_else(|| "-".into());
        let mut t = table();
        let mb = |b: usize| format!("{:.1} MiB", b as f64 / (1024.0 * 1024.0));
        let mut rows = vec![
            ("enabled", st.enabled.to_string()),
            ("traces", group(st.traces as u64)),
            ("requests", format!("{} (max {})", group(st.requests as u64), group(st.max_traces as u64))),
            ("memory", format!("{} (max {})", mb(st.bytes), mb(st.max_bytes))),
            ("oldest", when(st.oldest_ms)),
            ("newest", when(st.newest_ms)),
            ("recorded", group(st.recorded)),
            ("evicted", group(st.evicted)),
            ("cleared", group(st.cleared)),
        ];
        match &st.export {
            None => rows.push(("otlp export", "off (no endpoint)".into())),
            Some(e) => {
                rows.push(("otlp endpoint", e.endpoint.clone()));
                rows.push(("exported spans", group(e.exported_spans)));
                rows.push(("batches ok/failed", format!("{}/{}", group(e.batches), group(e.failed_batches))));
                rows.push(("dropped requests", group(e.dropped_requests)));
                if let Some(err) = &e.last_error {
                    rows.push(("last export error", err.clone()));
                }
            }
        }
        for (k, v) in rows {
            t.add_row(row([k.to_string(), v]));
        }
        write_stdout(format!("{t}\n").as_bytes());
    }

    /// `routex cache stats` and `warm`.
    pub fn cache_stats(&self, s: &crate::engine::cache::CacheStats) {
        if self.structured(s) {
            return;
        }
        let i = &s.items_cached;
        let a = &s.analytics;
        let plural = |n: u64, one: &str, many: &str| format!("{} {}", group(n), if n == 1 { one } else { many });
        let analytics = if a.ready {
            format!(
                "warm: {} in {} buckets, {:.2} MiB, built in {} ms",
                plural(a.records, "record", "records"),
                group(a.buckets),
                a.memory_bytes as f64 / (1024.0 * 1024.0),
                a.build_ms
            )
        } else if a.stale {
            "stale (a prune removed records): /api/analytics scans the log until the next refresh".into()
        } else {
            "not built: /api/analytics scans the log".into()
        };
        let source = if s.source == "cli" {
            "this command (no daemon runs; the per-snapshot caches and connections live in a daemon)".to_string()
        } else {
            "the daemon".to_string()
        };
        let rows = [
            ("source", source),
            ("warms", group(s.total_warms)),
            (
                "last warm",
                if s.last_warm_time == 0 {
                    "never".into()
                } else {
                    format!("{} ({} ms)", local_time(s.last_warm_time), group(s.last_warm_duration))
                },
            ),
            ("channels", group(i.channels)),
            ("models", group(i.models)),
            ("routing rules", group(i.routing_rules)),
            ("analytics", analytics),
            ("connections", plural(i.connections, "upstream host", "upstream hosts")),
            ("tokenizer", if i.tokenizer == 1 { "built" } else { "not built" }.into()),
            ("background refreshes", group(s.background_refresh_count)),
            ("invalidations", group(s.invalidation_count)),
        ];
        let mut t = table();
        for (k, v) in rows {
            t.add_row(row([k.to_string(), v]));
        }
        write_stdout(format!("{t}\n").as_bytes());
    }

    /// `routex cache config`.
    pub fn cache_config(&self, c: &crate::engine::config::CacheConfig) {
        if self.structured(c) {
            return;
        }
        let on = |b: bool| if b { "on" } else { "off" }.to_string();
        let w = &c.warm_items;
        let items: Vec<&str> = [
            (w.channels, "channels"),
            (w.models, "models"),
            (w.routing_rules, "routingRules"),
            (w.analytics, "analytics"),
            (w.connections, "connections"),
            (w.tokenizer, "tokenizer"),
        ]
        .into_iter()
        .filter_map(|(b, n)| b.then_some(n))
        .collect();
        let r = &c.background_refresh;
        let si = &c.smart_invalidation;
        let rows = [
            ("enabled", on(c.enabled)),
            ("warm on startup", on(c.warm_on_startup)),
            ("warm items", if items.is_empty() { "none".into() } else { items.join(", ") }),
            ("background refresh", format!("{} (every {} s)", on(r.enabled), r.interval_ms as f64 / 1000.0)),
            (
                "invalidation on writes",
                format!("{} (auto on update: {})", on(si.enabled), on(si.auto_invalidate_on_update)),
            ),
        ];
        let mut t = table();
        for (k, v) in rows {
            t.add_row(row([k.to_string(), v]));
        }
        write_stdout(format!("{t}\n").as_bytes());
    }

    /// The newest traces.
    pub fn traces(&self, list: &[TraceSummary]) {
        if self.structured(&list) {
            return;
        }
        if list.is_empty() {
            self.note("no traces kept (yet): they appear as the daemon proxies requests");
            return;
        }
        let mut t = table();
        t.set_header(["TIME", "TRACE", "DURATION", "REQUESTS", "SPANS", "MODEL", "CHANNEL", "STATUS", "ERROR"]);
        for s in list {
            t.add_row(row([
                local_time(s.time_ms),
                s.trace_id.clone(),
                format!("{}ms", s.duration_ms),
                s.requests.to_string(),
                s.spans.to_string(),
                s.model.clone(),
                s.channel.clone().unwrap_or_else(|| "-".into()),
                s.status.to_string(),
                s.error.clone().map(|e| e.chars().take(60).collect()).unwrap_or_default(),
            ]));
        }
        write_stdout(format!("{t}\n").as_bytes());
    }

    /// One trace as a waterfall.
    pub fn trace(&self, t: &Trace) {
        if self.structured(t) {
            return;
        }
        write_stdout(waterfall(t, 40).as_bytes());
    }

    /// What `trace clear` removed.
    pub fn traces_cleared(&self, removed: u64, older_than_ms: Option<u64>) {
        if self.structured(&serde_json::json!({ "removed": removed })) {
            return;
        }
        let which = match older_than_ms {
            Some(ms) => format!(" older than {ms} ms"),
            None => String::new(),
        };
        write_stdout(format!("removed {}{which}\n", count(removed as usize, "request trace")).as_bytes());
    }

    /// The daemon's start banner.
    pub fn serving(&self, url: &str, data_dir: &std::path::Path) {
        write_stdout(
            format!("routex listening on {} (data: {})\n", clean(url), clean(&data_dir.display().to_string()))
                .as_bytes(),
        );
    }
}

/// Unix ms as local `YYYY-MM-DD HH:MM:SS`.
fn local_time(ms: u64) -> String {
    chrono::DateTime::from_timestamp_millis(ms as i64)
        .map(|t| t.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

/// A trace drawn for a terminal: a header, then one line per span in tree order (children
/// under their parent, by start), indented by depth: name, a bar of `width` cells placed and
/// scaled on the trace's duration, the duration, the status (a failure with its error and,
/// A tee filter in one line (`all` when empty).
fn tee_filter_text(f: &crate::engine::tee::Filter) -> String {
    let mut parts = Vec::new();
    if !f.channels.is_empty() {
        parts.push(format!("channels={}", f.channels.join(",")));
    }
    if !f.models.is_empty() {
        parts.push(format!("models={}", f.models.join(",")));
    }
    if !f.status_codes.is_empty() {
        let codes: Vec<String> = f
            .status_codes
            .iter()
            .map(|s| match s {
                crate::engine::tee::StatusMatch::Code(c) => c.to_string(),
                crate::engine::tee::StatusMatch::Text(t) => t.clone(),
            })
            .collect();
        parts.push(format!("status={}", codes.join(",")));
    }
    if f.success_only {
        parts.push("success only".into());
    }
    if f.failure_only {
        parts.push("failures only".into());
    }
    if let Some(r) = f.sample_rate {
        parts.push(format!("sample {r}"));
    }
    if parts.is_empty() {
        "all".into()
    } else {
        clean(&parts.join(" ")).into_owned()
    }
}

/// for an attempt, its channel and HTTP status). Every value from a request is [`clean`]ed.
pub fn waterfall(t: &Trace, width: usize) -> String {
    use std::collections::HashMap;
    use std::fmt::Write as _;
    let ids: HashMap<&str, usize> = t.spans.iter().enumerate().map(|(i, s)| (s.span_id.as_str(), i)).collect();
    let mut children: HashMap<Option<usize>, Vec<usize>> = HashMap::new();
    for (i, s) in t.spans.iter().enumerate() {
        let parent = s.parent_span_id.as_deref().and_then(|p| ids.get(p).copied()).filter(|p| *p != i);
        children.entry(parent).or_default().push(i);
    }
    // Depth-first from the roots (spans whose parent is not in the trace), by start.
    let mut order: Vec<(usize, usize)> = Vec::with_capacity(t.spans.len());
    let mut stack: Vec<(usize, usize)> = Vec::new();
    let push_kids = |stack: &mut Vec<(usize, usize)>, of: Option<usize>, depth: usize| {
        if let Some(k) = children.get(&of) {
            for &c in k.iter().rev() {
                stack.push((c, depth));
            }
        }
    };
    push_kids(&mut stack, None, 0);
    while let Some((i, depth)) = stack.pop() {
        if order.len() >= t.spans.len() {
            break;
        }
        order.push((i, depth));
        push_kids(&mut stack, Some(i), depth + 1);
    }
    let start = t.start_unix_nano;
    let total = t.spans.iter().map(|s| s.end_unix_nano).max().unwrap_or(start).saturating_sub(start).max(1);
    let label = |i: usize, depth: usize| format!("{}{}", "  ".repeat(depth), clean(&t.spans[i].name));
    let name_w = order.iter().map(|&(i, d)| label(i, d).chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "trace {}  {}  {}  {:.1} ms",
        clean(&t.trace_id),
        count(t.requests, "request"),
        count(t.spans.len(), "span"),
        t.duration_ms
    );
    for (i, depth) in order {
        let s = &t.spans[i];
        let from = (s.start_unix_nano.saturating_sub(start) as u128 * width as u128 / total as u128) as usize;
        let len =
            ((s.end_unix_nano.saturating_sub(s.start_unix_nano)) as u128 * width as u128 / total as u128) as usize;
        let from = from.min(width.saturating_sub(1));
        let len = len.clamp(1, width - from);
        let fill = if s.status == "error" { '▒' } else { '█' };
        let bar: String = std::iter::repeat_n(' ', from)
            .chain(std::iter::repeat_n(fill, len))
            .chain(std::iter::repeat_n(' ', width - from - len))
            .collect();
        let attr =
            |k: &str| s.attributes.get(k).map(|v| v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()));
        let mut detail = Vec::new();
        match s.name.as_str() {
            "proxy.handle" => detail.extend(attr("gen_ai.request.model").map(|m| format!("model {m}"))),
            "proxy.forward" => {
                detail.extend(attr("routex.attempt").map(|n| format!("attempt {n}")));
                detail.extend(attr("routex.channel.name").map(|c| format!("channel {c}")));
                detail.extend(attr("http.response.status_code").map(|c| format!("HTTP {c}")));
            }
            "transform" => {
                if let (Some(a), Some(b)) = (attr("routex.transform.from"), attr("routex.transform.to")) {
                    detail.push(format!("{a} → {b}"));
                }
            }
            _ => {}
        }
        let status = if s.status == "error" { "✗ error" } else { "✓ ok" };
        let error = match &s.error {
            Some(e) if s.status == "error" => format!(": {}", e.chars().take(100).collect::<String>()),
            _ => String::new(),
        };
        let detail = if detail.is_empty() { String::new() } else { format!("  {}", detail.join(", ")) };
        let name = label(i, depth);
        let pad = name_w - name.chars().count();
        let _ = writeln!(
            out,
            "{name}{}  │{bar}│ {:>9.1} ms  {status}{}{}",
            " ".repeat(pad),
            s.duration_ms,
            clean(&detail),
            clean(&error)
        );
    }
    out
}

/// `1 channel`, `2 channels`: a count with its noun, in the right number (nouns that take
/// an `s`).
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn controls_are_escaped_and_the_rest_is_kept() {
        assert_eq!(clean("claude-3 é 日本"), "claude-3 é 日本");
        assert_eq!(clean("claude-\u{1b}]0;PWNED\u{7}"), "claude-\\u{1b}]0;PWNED\\u{7}");
        assert_eq!(clean("x\r\nINJECTED"), "x\\u{d}\\u{a}INJECTED");
        assert_eq!(clean("a\u{7f}b\u{9b}c\u{202e}d\te"), "a\\u{7f}b\\u{9b}c\\u{202e}d\\u{9}e");
    }
}
