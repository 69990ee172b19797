//! `routex tee list|show|add|edit|remove|enable|disable|test` (docs/tees.md).
//!
//! Flags become a [`TeeSpec`] (add) or a patch (edit) here; validation, storage and
//! masking are the engine's, so the same mistakes get the same sentences from the CLI,
//! the admin API and the config file. Works on the local store or through a running
//! daemon like every command; `list` shows delivery counts only from a daemon (they live
//! in its memory).

use clap::{Args, Subcommand};
use rust_i18n::t;
use std::collections::BTreeMap;

use super::backend;
use super::output::{Change, Printer};
use super::Cli;
use crate::engine::tee::{Filter, StatusMatch, TeePatch, TeeSpec};

/// `routex tee`
#[derive(Subcommand, Debug)]
pub enum TeeCmd {
    /// Every tee: type, destination, filter, and (from a daemon) delivered / dropped / queued
    List,
    /// One tee in full (header values masked)
    Show {
        /// Name or id
        name: String,
    },
    /// Add a tee: copies of finished request records to a file (JSON lines) or a webhook
    Add(TeeAddArgs),
    /// Change a tee's settings (only the flags given change)
    Edit(TeeEditArgs),
    /// Remove a tee
    Remove {
        /// Name or id
        name: String,
    },
    /// Copy records again
    Enable {
        /// Name or id
        name: String,
    },
    /// Keep the tee but copy nothing
    Disable {
        /// Name or id
        name: String,
    },
    /// Send the tee's destination one test record now and say whether it took it (exit 1: it did not)
    Test {
        /// Name or id
        name: String,
    },
}

/// Settings shared by `tee add` and `tee edit`.
#[derive(Args, Debug, Default)]
pub struct TeeSettings {
    /// File tees: the JSON-lines file (relative paths are under the data directory)
    #[arg(long)]
    pub path: Option<String>,
    /// File tees: rotate the file past this size, MiB [default: 100]
    #[arg(long, value_name = "MIB")]
    pub max_size_mb: Option<u64>,
    /// File tees: rotated files kept [default: 5]
    #[arg(long, value_name = "N")]
    pub keep: Option<u32>,
    /// Webhook tees: the http(s) URL records are POSTed to
    #[arg(long)]
    pub url: Option<String>,
    /// Webhook tees: a header sent with every POST, `Name: value` (repeatable; values are masked in every output, ${VAR} is read from the daemon's environment)
    #[arg(long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// Webhook tees: seconds to wait for an answer [default: 5]
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<u64>,
    /// Webhook tees: tries after the first, with exponential backoff [default: 3]
    #[arg(long, value_name = "N")]
    pub retries: Option<u32>,
    /// Webhook tees: records per POST (more than 1: a JSON array) [default: 1]
    #[arg(long, value_name = "N")]
    pub batch_size: Option<usize>,
    /// Records waiting at most; past it copies are dropped and counted [default: 10000]
    #[arg(long, value_name = "N")]
    pub queue_size: Option<usize>,
    /// Only records of these channels (name, id or glob; repeatable)
    #[arg(long = "channel", value_name = "CHANNEL")]
    pub channels: Vec<String>,
    /// Only records of these models (glob; repeatable)
    #[arg(long = "model", value_name = "MODEL")]
    pub models: Vec<String>,
    /// Only these statuses: a code or a class like 5xx (repeatable)
    #[arg(long = "status", value_name = "STATUS")]
    pub statuses: Vec<String>,
    /// Only successful requests
    #[arg(long, conflicts_with = "failure_only")]
    pub success_only: bool,
    /// Only failed requests
    #[arg(long)]
    pub failure_only: bool,
    /// The share of matching records copied, 0 to 1
    #[arg(long, value_name = "RATE")]
    pub sample_rate: Option<f64>,
}

/// `routex tee add`
#[derive(Args, Debug)]
pub struct TeeAddArgs {
    /// The tee's name
    pub name: String,
    /// file or webhook
    #[arg(long = "type", value_name = "TYPE")]
    pub kind: String,
    /// Settings
    #[command(flatten)]
    pub settings: TeeSettings,
    /// Add it disabled
    #[arg(long)]
    pub disabled: bool,
}

/// `routex tee edit`
#[derive(Args, Debug)]
pub struct TeeEditArgs {
    /// Name or id
    pub name: String,
    /// A new name
    #[arg(long)]
    pub rename: Option<String>,
    /// Settings to change
    #[command(flatten)]
    pub settings: TeeSettings,
    /// Remove the filter (copy every record)
    #[arg(long)]
    pub clear_filter: bool,
}

fn headers(list: &[String]) -> anyhow::Result<BTreeMap<String, String>> {
    list.iter()
        .map(|h| match h.split_once(':') {
            Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.trim().to_string())),
            _ => anyhow::bail!("{}", t!("cli.tee.header_shape", value = format!("{:?}", mask(h)))),
        })
        .collect()
}

/// A header given wrong is echoed without its value.
fn mask(h: &str) -> String {
    h.split_once(':').map(|(k, _)| format!("{k}: …")).unwrap_or_else(|| crate::secret::mask(h))
}

fn status(s: &str) -> StatusMatch {
    match s.trim().parse::<u16>() {
        Ok(c) => StatusMatch::Code(c),
        Err(_) => StatusMatch::Text(s.trim().to_string()),
    }
}

impl TeeSettings {
    fn filter(&self) -> Filter {
        Filter {
            channels: self.channels.clone(),
            models: self.models.clone(),
            status_codes: self.statuses.iter().map(|s| status(s)).collect(),
            success_only: self.success_only,
            failure_only: self.failure_only,
            sample_rate: self.sample_rate,
        }
    }

    fn has_filter(&self) -> bool {
        !self.filter().is_empty()
    }
}

/// Run `routex tee …`.
pub fn run(cli: &Cli, cmd: &TeeCmd, printer: &Printer) -> anyhow::Result<u8> {
    // Arguments first: a bad flag is said before anything is opened.
    let request = match cmd {
        TeeCmd::Add(a) => {
            let s = &a.settings;
            Some(Ok(TeeSpec {
                name: a.name.clone(),
                kind: a.kind.clone(),
                path: s.path.clone(),
                max_size_mb: s.max_size_mb,
                keep: s.keep,
                url: s.url.clone(),
                headers: headers(&s.headers)?,
                timeout: s.timeout,
                retries: s.retries,
                batch_size: s.batch_size,
                queue_size: s.queue_size,
                filter: s.filter(),
                enabled: Some(!a.disabled),
            }))
        }
        TeeCmd::Edit(a) => Some(Err(patch(a)?)),
        _ => None,
    };
    let b = backend::connect(cli)?;
    match (cmd, request) {
        (TeeCmd::List, _) => printer.tees(&b.list_tees()?),
        (TeeCmd::Show { name }, _) => printer.tee(&b.get_tee(name)?),
        (TeeCmd::Add(_), Some(Ok(spec))) => printer.tee_changed(Change::Added, &b.add_tee(&spec)?),
        (TeeCmd::Edit(a), Some(Err(p))) => printer.tee_changed(Change::Updated, &b.edit_tee(&a.name, &p)?),
        (TeeCmd::Remove { name }, _) => printer.tee_changed(Change::Removed, &b.remove_tee(name)?),
        (TeeCmd::Enable { name } | TeeCmd::Disable { name }, _) => {
            let on = matches!(cmd, TeeCmd::Enable { .. });
            let mut p = TeePatch::new();
            p.insert("enabled".into(), on.into());
            printer.tee_changed(if on { Change::Enabled } else { Change::Disabled }, &b.edit_tee(name, &p)?);
        }
        (TeeCmd::Test { name }, _) => {
            let r = b.test_tee(name)?;
            printer.tee_test(&r);
            return Ok(if r.ok { 0 } else { 1 });
        }
        _ => unreachable!("the request matches the command"),
    }
    Ok(0)
}

/// The fields `tee edit` changes, as the API's patch.
fn patch(a: &TeeEditArgs) -> anyhow::Result<TeePatch> {
    let s = &a.settings;
    let mut p = TeePatch::new();
    let mut set = |k: &str, v: serde_json::Value| {
        p.insert(k.to_string(), v);
    };
    if let Some(n) = &a.rename {
        set("name", n.clone().into());
    }
    for (k, v) in [("path", &s.path), ("url", &s.url)] {
        if let Some(v) = v {
            set(k, v.clone().into());
        }
    }
    for (k, v) in [("max_size_mb", s.max_size_mb), ("timeout", s.timeout)] {
        if let Some(v) = v {
            set(k, v.into());
        }
    }
    for (k, v) in [("keep", s.keep), ("retries", s.retries)] {
        if let Some(v) = v {
            set(k, v.into());
        }
    }
    for (k, v) in [("batch_size", s.batch_size), ("queue_size", s.queue_size)] {
        if let Some(v) = v {
            set(k, v.into());
        }
    }
    if !s.headers.is_empty() {
        set("headers", serde_json::to_value(headers(&s.headers)?)?);
    }
    if a.clear_filter {
        set("filter", serde_json::Value::Null);
    } else if s.has_filter() {
        set("filter", serde_json::to_value(s.filter())?);
    }
    if p.is_empty() {
        anyhow::bail!("{}", t!("cli.tee.edit_nothing", name = a.name));
    }
    Ok(p)
}
