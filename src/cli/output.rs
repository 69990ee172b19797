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
use rust_i18n::t;
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

/// What a write did to a channel, rule or tee, for the line that says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Added.
    Added,
    /// Changed.
    Updated,
    /// Removed.
    Removed,
    /// Enabled.
    Enabled,
    /// Disabled.
    Disabled,
}

impl Change {
    /// `added channel NAME (ID)`, in the catalog's words.
    fn line(self, kind: &str, name: &str, id: &str) -> String {
        let verb = match self {
            Change::Added => t!("cli.change.added"),
            Change::Updated => t!("cli.change.updated"),
            Change::Removed => t!("cli.change.removed"),
            Change::Enabled => t!("cli.change.enabled"),
            Change::Disabled => t!("cli.change.disabled"),
        };
        format!("{}\n", t!("cli.change.line", verb = verb, kind = kind, name = clean(name), id = clean(id)))
    }
}

/// `yes` or `no`, in the catalog's words.
fn yes_no(b: bool) -> String {
    if b { t!("cli.output.yes") } else { t!("cli.output.no") }.into_owned()
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
    let _ = writeln!(std::io::stderr(), "{}", t!("cli.error", message = clean(msg)));
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
fn record_header() -> [String; 11] {
    [
        t!("cli.col.time"),
        t!("cli.col.id"),
        t!("cli.col.status"),
        t!("cli.col.channel"),
        t!("cli.col.model"),
        t!("cli.col.latency"),
        t!("cli.col.ttfb"),
        t!("cli.col.tokens"),
        t!("cli.col.tries"),
        t!("cli.col.rule"),
        t!("cli.col.error"),
    ]
    .map(|c| c.into_owned())
}
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
        Some(k) => t!("cli.output.key_from_env", key = k, var = e.var).into_owned(),
        None => t!("cli.output.key_env_unset", var = e.var).into_owned(),
    });
    c.api_keys.iter().cloned().chain(env).collect()
}

/// The KEYS cell of `channel list`: the first key and how many more; a channel that
/// cannot authenticate is marked with ✗.
fn keys_cell(c: &ChannelView) -> String {
    let keys = key_texts(c);
    let first = match keys.len() {
        0 => t!("cli.output.none").into_owned(),
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
            self.note(&t!("cli.output.no_channels"));
            return;
        }
        let mut t = table();
        t.set_header([
            t!("cli.col.name"),
            t!("cli.col.id"),
            t!("cli.col.type"),
            t!("cli.col.models"),
            t!("cli.col.priority"),
            t!("cli.col.weight"),
            t!("cli.col.status"),
            t!("cli.col.keys"),
            t!("cli.col.base_url"),
        ]);
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
    pub fn changed(&self, change: Change, c: &ChannelView) {
        if self.structured(c) {
            return;
        }
        write_stdout(change.line(&t!("engine.kind.channel"), &c.name, &c.id).as_bytes());
    }

    /// The strategy, with the choices.
    pub fn strategy(&self, current: Strategy, changed: bool) {
        if self.structured(&serde_json::json!({ "strategy": current })) {
            return;
        }
        if changed {
            write_stdout(format!("{}\n", t!("cli.output.strategy_set", strategy = current)).as_bytes());
            return;
        }
        let mut t = table();
        for s in crate::engine::strategy::STRATEGIES {
            let mark = if s == current { "*" } else { " " };
            t.add_row(row([mark.to_string(), s.to_string(), s.describe().to_string()]));
        }
        write_stdout(format!("{t}\n").as_bytes());
    }

    /// `routex lang`: the language, with the choices; or that it was switched.
    pub fn locale(&self, current: &str, changed: bool) {
        if self.structured(&serde_json::json!({ "locale": current, "available": crate::i18n::LOCALES })) {
            return;
        }
        let line = if changed {
            t!("cli.output.locale_set", lang = clean(current))
        } else {
            t!("cli.output.locale", lang = clean(current), available = crate::i18n::LOCALES.join(", "))
        };
        write_stdout(format!("{line}\n").as_bytes());
    }

    /// What an import did.
    pub fn import_report(&self, r: &ImportReport, origin: &str) {
        if self.structured(r) {
            return;
        }
        let mut s = String::new();
        if r.dry_run {
            s.push_str(&format!("{}\n", t!("cli.output.import_dry_run", origin = clean(origin))));
        } else {
            s.push_str(&format!("{}\n", t!("cli.output.imported", origin = clean(origin))));
        }
        let (create, update, remove, same) =
            (t!("cli.import.create"), t!("cli.import.update"), t!("cli.import.remove"), t!("cli.import.unchanged"));
        let width = [&create, &update, &remove, &same].iter().map(|v| v.chars().count()).max().unwrap_or(0);
        let pad = |v: &str| format!("{v}{}", " ".repeat(width - v.chars().count()));
        for n in &r.created {
            s.push_str(&format!("  + {} {}\n", pad(&create), clean(n)));
        }
        for u in &r.updated {
            s.push_str(&format!("  ~ {} {} ({})\n", pad(&update), clean(&u.name), clean(&u.fields.join(", "))));
        }
        for n in &r.removed {
            s.push_str(&format!("  - {} {}\n", pad(&remove), clean(n)));
        }
        for n in &r.unchanged {
            s.push_str(&format!("  = {} {}\n", pad(&same), clean(n)));
        }
        for (kind, lists) in [
            (t!("engine.kind.rule"), [&r.rules_created, &r.rules_updated, &r.rules_removed, &r.rules_unchanged]),
            (t!("engine.kind.tee"), [&r.tees_created, &r.tees_updated, &r.tees_removed, &r.tees_unchanged]),
        ] {
            for ((sign, verb), list) in
                [('+', &create), ('~', &update), ('-', &remove), ('=', &same)].into_iter().zip(lists)
            {
                for n in list {
                    s.push_str(&format!("  {sign} {} {kind} {}\n", pad(verb), clean(n)));
                }
            }
        }
        if let Some(st) = &r.strategy {
            s.push_str(&format!("  {} {st}\n", t!("cli.import.strategy")));
        }
        write_stdout(s.as_bytes());
        for w in &r.warnings {
            self.note(&t!("cli.output.warning", message = w));
        }
    }

    /// A rule list; a rule whose target channel is gone or disabled is marked ✗ in
    /// TARGET (and has `targetProblem` in JSON).
    pub fn rules(&self, list: &[RuleView]) {
        if self.structured(&list) {
            return;
        }
        if list.is_empty() {
            self.note(&t!("cli.output.no_rules"));
            return;
        }
        let mut t = table();
        t.set_header([
            t!("cli.col.name"),
            t!("cli.col.id"),
            t!("cli.col.type"),
            t!("cli.col.priority"),
            t!("cli.col.enabled"),
            t!("cli.col.condition"),
            t!("cli.col.target"),
        ]);
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
                yes_no(r.enabled),
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
            self.note(&t!("cli.output.no_tees"));
            return;
        }
        let mut t = table();
        let counted = list.iter().any(|v| v.stats.is_some());
        let mut header = vec![
            t!("cli.col.name"),
            t!("cli.col.type"),
            t!("cli.col.destination"),
            t!("cli.col.filter"),
            t!("cli.col.enabled"),
        ];
        if counted {
            header.extend([t!("cli.col.delivered"), t!("cli.col.dropped"), t!("cli.col.queued")]);
        }
        t.set_header(header);
        for v in list {
            let s = &v.spec;
            let mut cells = vec![
                s.name.clone(),
                s.kind.clone(),
                s.path.clone().or_else(|| s.url.clone()).unwrap_or_default(),
                tee_filter_text(&s.filter),
                yes_no(s.enabled.unwrap_or(true)),
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
    pub fn tee_changed(&self, change: Change, v: &TeeView) {
        if self.structured(v) {
            return;
        }
        write_stdout(change.line(&t!("engine.kind.tee"), &v.spec.name, &v.id).as_bytes());
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
    pub fn rule_changed(&self, change: Change, r: &Rule) {
        if self.structured(r) {
            return;
        }
        write_stdout(change.line(&t!("engine.kind.rule"), &r.name, &r.id).as_bytes());
    }

    /// A routing dry run, explained.
    pub fn route_test(&self, t: &RouteTest, _tty: bool) {
        if self.structured(t) {
            return;
        }
        let tokens = if t.tokens == 1 {
            t!("cli.output.route_tokens_one", count = group(t.tokens))
        } else {
            t!("cli.output.route_tokens_many", count = group(t.tokens))
        };
        let stripped = if t.strips_subagent_tag { t!("cli.output.route_subagent_stripped") } else { "".into() };
        let mut s = format!(
            "{}\n",
            t!(
                "cli.output.route_request",
                protocol = t.protocol,
                model = format!("{:?}", t.requested_model),
                tokens = tokens,
                stripped = stripped
            )
        );
        if t.considered.is_empty() {
            s.push_str(&format!("{}\n", t!("cli.output.route_no_rules")));
        } else {
            s.push_str(&format!("{}\n", t!("cli.output.route_rules")));
            for c in &t.considered {
                let mark = match (c.matched, &c.skipped) {
                    (true, None) => "✓",
                    (true, Some(_)) => "↷",
                    (false, Some(_)) => "-",
                    (false, None) => "✗",
                };
                s.push_str(&format!("  {mark} {:<20} {}", clean(&c.rule), clean(&c.reason)));
                if let Some(sk) = &c.skipped {
                    s.push_str(&t!("cli.output.route_skipped", reason = clean(sk)));
                }
                s.push('\n');
            }
        }
        match (&t.channel, &t.upstream_model) {
            (Some(ch), Some(m)) => {
                s.push_str(&t!(
                    "cli.output.route_to",
                    channel = clean(ch),
                    model = clean(m),
                    via = clean(&t.via.to_string())
                ));
                if let Some(r) = &t.reason {
                    s.push_str(&format!(" ({})", clean(r)));
                }
                s.push('\n');
                if !t.fallbacks.is_empty() {
                    s.push_str(&format!(
                        "  {}\n",
                        t!("cli.output.route_failover", order = clean(&t.fallbacks.join(", ")))
                    ));
                }
            }
            _ => s.push_str(&format!("{}\n", t!("cli.output.route_none", model = format!("{:?}", t.requested_model)))),
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
                s.push_str(&fixed_row(record_header()));
            }
            for r in list {
                s.push_str(&fixed_row(record_cells(r)));
            }
            write_stdout(s.as_bytes());
            return;
        }
        if list.is_empty() && header {
            self.note(&t!("cli.output.no_requests"));
            return;
        }
        let mut t = table();
        if header {
            t.set_header(record_header());
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
            (
                t!("cli.stats.window"),
                t!("cli.stats.since", time = local_time(a.since_ms), window = clean(window)).into_owned(),
            ),
            (t!("cli.stats.requests"), group(a.totals.requests)),
            (
                t!("cli.stats.success"),
                t!(
                    "cli.stats.success_value",
                    rate = format!("{:.1}", a.totals.success_rate * 100.0),
                    ok = group(a.totals.successes),
                    failed = group(a.totals.failures)
                )
                .into_owned(),
            ),
            (t!("cli.stats.latency"), pct(&a.latency_ms)),
            (t!("cli.stats.first_byte"), pct(&a.ttfb_ms)),
            (
                t!("cli.stats.tokens"),
                format!("{} / {}", group(tok.input + tok.cache_read + tok.cache_write), group(tok.output)),
            ),
            (t!("cli.stats.cache"), format!("{} / {}", group(tok.cache_read), group(tok.cache_write))),
            (t!("cli.stats.cost"), format!("${:.4}", a.cost_usd)),
        ] {
            t.add_row([k.into_owned(), v]);
        }
        let mut c = table();
        c.set_header([
            t!("cli.col.channel"),
            t!("cli.col.requests"),
            t!("cli.col.ok"),
            t!("cli.col.failed"),
            t!("cli.col.avg_latency"),
            t!("cli.col.tokens"),
        ]);
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
            out.push_str(&format!("{}\n", t!("cli.status.not_running", data = clean(&s.data_dir))));
            write_stdout(out.as_bytes());
            return;
        }
        let mut t = table();
        let opt = |v: &Option<String>| v.as_deref().map(c).unwrap_or_else(|| "-".into());
        let uptime = s.uptime_s.map(human_duration).unwrap_or_else(|| "-".into());
        let channels = match (s.channels_up, s.channels_total) {
            (Some(u), Some(total)) => t!("cli.status.channels_up", up = u, total = total).into_owned(),
            _ => "-".into(),
        };
        for (k, v) in [
            (t!("cli.status.status"), t!("cli.status.running").into_owned()),
            (t!("cli.status.pid"), s.pid.map(|p| p.to_string()).unwrap_or_default()),
            (t!("cli.status.url"), opt(&s.url)),
            (t!("cli.status.version"), opt(&s.version)),
            (t!("cli.status.uptime"), uptime),
            (t!("cli.status.health"), opt(&s.health)),
            (t!("cli.status.channels"), channels),
            (t!("cli.status.data"), c(&s.data_dir)),
            (t!("cli.status.log"), c(&s.log_file)),
        ] {
            t.add_row([k.into_owned(), v]);
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
                "{}\n",
                t!("cli.status.started", url = clean(url), pid = pid, log = clean(&log.display().to_string()))
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
            out.push_str(&format!("# {}\n", t!("cli.output.agent_add_to", file = file)));
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
        t.set_header([
            t!("cli.test.channel"),
            "".into(),
            t!("cli.test.latency"),
            t!("cli.test.model"),
            t!("cli.test.result"),
        ]);
        for r in list {
            let model = match &r.answered_model {
                Some(m) if m != &r.model => format!("{} → {m}", r.model),
                _ => r.model.clone(),
            };
            let result = match (&r.error, &r.fix) {
                (None, _) => t!("cli.test.ok").into_owned(),
                (Some(e), Some(f)) => format!("{e} — {f}"),
                (Some(e), None) => e.clone(),
            };
            let mark = if r.ok { "✓" } else { "✗" };
            t.add_row(row([r.channel.clone(), mark.to_string(), format!("{} ms", r.latency_ms), model, result]));
        }
        let failed = list.iter().filter(|r| !r.ok).count();
        let summary = if failed == 0 {
            t!("cli.test.all_answered", channels = count(list.len(), "channel")).into_owned()
        } else {
            t!("cli.test.some_failed", failed = failed, channels = count(list.len(), "channel")).into_owned()
        };
        write_stdout(format!("{t}\n{summary}\n").as_bytes());
    }

    /// `routex diagnose`: ✓ / ! / ✗ per check, with the fix under a ✗ or !.
    pub fn diagnosis(&self, checks: &[Check]) {
        if self.structured(&checks) {
            return;
        }
        let mut t = table();
        t.set_header(["".into(), t!("cli.diagnose.check"), t!("cli.diagnose.found"), t!("cli.diagnose.fix")]);
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
            0 => t!("cli.diagnose.nothing_broken").into_owned(),
            n => t!("cli.diagnose.failed", checks = count(n, "check")).into_owned(),
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
        let max = |v: String, m: String| t!("cli.trace.max", value = v, max = m).into_owned();
        let mut rows = vec![
            (t!("cli.trace.enabled"), st.enabled.to_string()),
            (t!("cli.trace.traces"), group(st.traces as u64)),
            (t!("cli.trace.requests"), max(group(st.requests as u64), group(st.max_traces as u64))),
            (t!("cli.trace.memory"), max(mb(st.bytes), mb(st.max_bytes))),
            (t!("cli.trace.oldest"), when(st.oldest_ms)),
            (t!("cli.trace.newest"), when(st.newest_ms)),
            (t!("cli.trace.recorded"), group(st.recorded)),
            (t!("cli.trace.evicted"), group(st.evicted)),
            (t!("cli.trace.cleared"), group(st.cleared)),
        ];
        match &st.export {
            None => rows.push((t!("cli.trace.otlp_export"), t!("cli.trace.otlp_off").into_owned())),
            Some(e) => {
                rows.push((t!("cli.trace.otlp_endpoint"), e.endpoint.clone()));
                rows.push((t!("cli.trace.exported_spans"), group(e.exported_spans)));
                rows.push((t!("cli.trace.batches"), format!("{}/{}", group(e.batches), group(e.failed_batches))));
                rows.push((t!("cli.trace.dropped"), group(e.dropped_requests)));
                if let Some(err) = &e.last_error {
                    rows.push((t!("cli.trace.last_error"), err.clone()));
                }
            }
        }
        for (k, v) in rows {
            t.add_row(row([k.into_owned(), v]));
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
        let analytics = if a.ready {
            t!(
                "cli.cache.analytics_warm",
                records = count(a.records as usize, "record"),
                buckets = group(a.buckets),
                mib = format!("{:.2}", a.memory_bytes as f64 / (1024.0 * 1024.0)),
                ms = a.build_ms
            )
        } else if a.stale {
            t!("cli.cache.analytics_stale")
        } else {
            t!("cli.cache.analytics_cold")
        };
        let source = if s.source == "cli" { t!("cli.cache.source_cli") } else { t!("cli.cache.source_daemon") };
        let rows = [
            (t!("cli.cache.source"), source.into_owned()),
            (t!("cli.cache.warms"), group(s.total_warms)),
            (
                t!("cli.cache.last_warm"),
                if s.last_warm_time == 0 {
                    t!("cli.cache.never").into_owned()
                } else {
                    format!("{} ({} ms)", local_time(s.last_warm_time), group(s.last_warm_duration))
                },
            ),
            (t!("cli.cache.channels"), group(i.channels)),
            (t!("cli.cache.models"), group(i.models)),
            (t!("cli.cache.routing_rules"), group(i.routing_rules)),
            (t!("cli.cache.analytics"), analytics.into_owned()),
            (t!("cli.cache.connections"), count(i.connections as usize, "upstream_host")),
            (
                t!("cli.cache.tokenizer"),
                if i.tokenizer == 1 { t!("cli.cache.built") } else { t!("cli.cache.not_built") }.into_owned(),
            ),
            (t!("cli.cache.refreshes"), group(s.background_refresh_count)),
            (t!("cli.cache.invalidations"), group(s.invalidation_count)),
        ];
        let mut t = table();
        for (k, v) in rows {
            t.add_row(row([k.into_owned(), v]));
        }
        write_stdout(format!("{t}\n").as_bytes());
    }

    /// `routex cache config`.
    pub fn cache_config(&self, c: &crate::engine::config::CacheConfig) {
        if self.structured(c) {
            return;
        }
        let on = |b: bool| if b { t!("cli.cache.on") } else { t!("cli.cache.off") }.into_owned();
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
            (t!("cli.cache.enabled"), on(c.enabled)),
            (t!("cli.cache.warm_on_startup"), on(c.warm_on_startup)),
            (
                t!("cli.cache.warm_items"),
                if items.is_empty() { t!("cli.output.none").into_owned() } else { items.join(", ") },
            ),
            (
                t!("cli.cache.background_refresh"),
                t!("cli.cache.every", state = on(r.enabled), secs = r.interval_ms as f64 / 1000.0).into_owned(),
            ),
            (
                t!("cli.cache.invalidation"),
                t!("cli.cache.auto_on_update", state = on(si.enabled), auto = on(si.auto_invalidate_on_update))
                    .into_owned(),
            ),
        ];
        let mut t = table();
        for (k, v) in rows {
            t.add_row(row([k.into_owned(), v]));
        }
        write_stdout(format!("{t}\n").as_bytes());
    }

    /// The newest traces.
    pub fn traces(&self, list: &[TraceSummary]) {
        if self.structured(&list) {
            return;
        }
        if list.is_empty() {
            self.note(&t!("cli.output.no_traces"));
            return;
        }
        let mut t = table();
        t.set_header([
            t!("cli.col.time"),
            t!("cli.col.trace"),
            t!("cli.col.duration"),
            t!("cli.col.requests"),
            t!("cli.col.spans"),
            t!("cli.col.model"),
            t!("cli.col.channel"),
            t!("cli.col.status"),
            t!("cli.col.error"),
        ]);
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
        let traces = count(removed as usize, "request_trace");
        let line = match older_than_ms {
            Some(ms) => t!("cli.output.traces_cleared_older", traces = traces, ms = ms),
            None => t!("cli.output.traces_cleared", traces = traces),
        };
        write_stdout(format!("{line}\n").as_bytes());
    }

    /// The daemon's start banner.
    pub fn serving(&self, url: &str, data_dir: &std::path::Path) {
        write_stdout(
            format!(
                "{}\n",
                t!("cli.output.listening", url = clean(url), data = clean(&data_dir.display().to_string()))
            )
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
        parts.push(t!("cli.tee.success_only").into_owned());
    }
    if f.failure_only {
        parts.push(t!("cli.tee.failures_only").into_owned());
    }
    if let Some(r) = f.sample_rate {
        parts.push(t!("cli.tee.sample", rate = r).into_owned());
    }
    if parts.is_empty() {
        t!("cli.tee.all").into_owned()
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
        "{} {}  {}  {}  {:.1} ms",
        t!("cli.trace.trace"),
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
            "proxy.handle" => {
                detail.extend(attr("gen_ai.request.model").map(|m| t!("cli.trace.model", model = m).into_owned()))
            }
            "proxy.forward" => {
                detail.extend(attr("routex.attempt").map(|n| t!("cli.trace.attempt", n = n).into_owned()));
                detail.extend(attr("routex.channel.name").map(|c| t!("cli.trace.channel", channel = c).into_owned()));
                detail.extend(attr("http.response.status_code").map(|c| format!("HTTP {c}")));
            }
            "transform" => {
                if let (Some(a), Some(b)) = (attr("routex.transform.from"), attr("routex.transform.to")) {
                    detail.push(format!("{a} → {b}"));
                }
            }
            _ => {}
        }
        let status = if s.status == "error" { t!("cli.trace.span_error") } else { t!("cli.trace.span_ok") };
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

/// `1 channel`, `2 channels`, `1,000 records`: a count with its noun, in the right number
/// and the catalog's words (`2 个渠道`); a noun the catalog does not know takes an `s`.
pub fn count(n: usize, noun: &str) -> String {
    let one = n == 1;
    let n = group(n as u64);
    let text = match noun {
        "channel" if one => t!("cli.count.channel_one", n = n),
        "channel" => t!("cli.count.channel_many", n = n),
        "rule" if one => t!("cli.count.rule_one", n = n),
        "rule" => t!("cli.count.rule_many", n = n),
        "tee" if one => t!("cli.count.tee_one", n = n),
        "tee" => t!("cli.count.tee_many", n = n),
        "check" if one => t!("cli.count.check_one", n = n),
        "check" => t!("cli.count.check_many", n = n),
        "request" if one => t!("cli.count.request_one", n = n),
        "request" => t!("cli.count.request_many", n = n),
        "request_trace" if one => t!("cli.count.request_trace_one", n = n),
        "request_trace" => t!("cli.count.request_trace_many", n = n),
        "span" if one => t!("cli.count.span_one", n = n),
        "span" => t!("cli.count.span_many", n = n),
        "record" if one => t!("cli.count.record_one", n = n),
        "record" => t!("cli.count.record_many", n = n),
        "day" if one => t!("cli.count.day_one", n = n),
        "day" => t!("cli.count.day_many", n = n),
        "upstream_host" if one => t!("cli.count.upstream_host_one", n = n),
        "upstream_host" => t!("cli.count.upstream_host_many", n = n),
        _ if one => return format!("1 {noun}"),
        _ => return format!("{n} {noun}s"),
    };
    text.into_owned()
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
