//! `routex channel …`: flags parsed here, turned once into a `ChannelSpec` or
//! `ChannelPatch`, handed to the backend.

use clap::{Args, Subcommand};
use rust_i18n::t;
use std::collections::BTreeMap;
use std::io::IsTerminal;

use super::backend::{self, Backend};
use super::output::{Change, Printer};
use super::Cli;
use crate::engine::{ChannelPatch, ChannelSpec};

/// `routex channel …`
#[derive(Subcommand, Debug)]
pub enum ChannelCmd {
    /// List channels
    List {
        /// Print API keys in full
        #[arg(long)]
        show_secrets: bool,
    },
    /// Show one channel
    Show {
        /// Name or id
        channel: String,
        /// Print API keys in full
        #[arg(long)]
        show_secrets: bool,
    },
    /// Add a channel (asks for missing required fields on a terminal)
    Add(AddArgs),
    /// Change fields of a channel; fields not given stay as they are
    Edit(EditArgs),
    /// Remove a channel
    #[command(visible_alias = "rm")]
    Remove {
        /// Name or id
        channel: String,
        /// Do not ask for confirmation
        #[arg(long, short)]
        yes: bool,
        /// Remove it even though routing rules target it (they then route to nothing)
        #[arg(long)]
        force: bool,
    },
    /// Let a channel take traffic
    Enable {
        /// Name or id
        channel: String,
    },
    /// Stop sending traffic to a channel
    Disable {
        /// Name or id
        channel: String,
        /// Disable it even though routing rules target it
        #[arg(long)]
        force: bool,
    },
}

/// The channel type names, for completion.
fn channel_types() -> Vec<&'static str> {
    crate::engine::channel::CHANNEL_TYPES.iter().map(|t| t.as_str()).collect()
}

/// Flags shared by add and edit.
#[derive(Args, Debug, Default)]
pub struct ChannelFields {
    /// Type: anthropic, openai, gemini, azure, zhipu or custom
    #[arg(long = "type", short = 't', value_name = "TYPE", value_parser = super::Names(channel_types), hide_possible_values = true)]
    pub kind: Option<String>,
    /// Wire protocol (required for custom): anthropic, openai or gemini
    #[arg(long)]
    pub protocol: Option<String>,
    /// Upstream base URL (default per type)
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// API key; repeat for a key pool (prefer --api-key-env: flags show in `ps`)
    #[arg(long = "api-key", value_name = "KEY")]
    pub api_keys: Vec<String>,
    /// Take the key from this environment variable of the daemon, read each time it
    /// starts (the name is stored, not the value); repeat for a key pool
    #[arg(long = "api-key-env", value_name = "VAR")]
    pub api_keys_env: Vec<String>,
    /// Copy the key's value from this environment variable of this command, once (the
    /// value is stored, encrypted)
    #[arg(long, value_name = "VAR")]
    pub api_key_from_env: Option<String>,
    /// Models served, comma separated or repeated; globs like 'claude-*' and '*' work
    #[arg(long, short = 'm', value_delimiter = ',', value_name = "MODEL")]
    pub models: Vec<String>,
    /// Rename a requested model upstream: FROM=TO (repeatable)
    #[arg(long = "map", value_name = "FROM=TO")]
    pub model_map: Vec<String>,
    /// Priority: higher is preferred
    #[arg(long, allow_hyphen_values = true)]
    pub priority: Option<i64>,
    /// Weight for the weighted strategy (0 or more)
    #[arg(long, allow_hyphen_values = true)]
    pub weight: Option<i64>,
    /// Extra header sent upstream: NAME=VALUE (repeatable)
    #[arg(long = "upstream-header", alias = "header", value_name = "NAME=VALUE")]
    pub headers: Vec<String>,
    /// Upstream timeout to first byte, seconds
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<u64>,
    /// Azure deployment name
    #[arg(long)]
    pub deployment: Option<String>,
    /// Azure api-version
    #[arg(long)]
    pub api_version: Option<String>,
}

/// `routex channel add`
#[derive(Args, Debug)]
pub struct AddArgs {
    /// Unique name
    #[arg(long, short = 'n')]
    pub name: Option<String>,
    #[command(flatten)]
    pub fields: ChannelFields,
    /// Add it disabled
    #[arg(long)]
    pub disabled: bool,
}

/// `routex channel edit`
#[derive(Args, Debug)]
pub struct EditArgs {
    /// Name or id of the channel to change
    pub channel: String,
    /// New name
    #[arg(long, short = 'n')]
    pub name: Option<String>,
    #[command(flatten)]
    pub fields: ChannelFields,
}

fn pairs(items: &[String], flag: &str) -> anyhow::Result<BTreeMap<String, String>> {
    items
        .iter()
        .map(|s| {
            let (k, v) = s.split_once('=').ok_or_else(|| {
                anyhow::anyhow!("{}", t!("cli.channel.pair_shape", flag = flag, value = format!("{s:?}")))
            })?;
            Ok((k.trim().to_string(), v.trim().to_string()))
        })
        .collect()
}

fn keys(fields: &ChannelFields) -> anyhow::Result<Vec<String>> {
    let mut keys = fields.api_keys.clone();
    if let Some(var) = &fields.api_key_from_env {
        let v = std::env::var(var)
            .ok()
            .filter(|v| !v.trim().is_empty())
            .ok_or_else(|| anyhow::anyhow!("{}", t!("cli.channel.key_from_env_unset", var = var)))?;
        keys.push(v);
    }
    Ok(keys)
}

fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

fn ask(prompt: &str, default: Option<&str>) -> anyhow::Result<String> {
    let mut input = dialoguer::Input::<String>::new().with_prompt(prompt);
    if let Some(d) = default {
        input = input.default(d.to_string());
    }
    Ok(input.interact_text()?)
}

fn spec_from_add(a: &AddArgs) -> anyhow::Result<ChannelSpec> {
    let f = &a.fields;
    let mut name = a.name.clone();
    let mut kind = f.kind.clone();
    let mut models = f.models.clone();
    let mut keys = keys(f)?;
    let mut key_env = f.api_keys_env.clone();
    let missing: Vec<&str> = [(name.is_none(), "--name"), (kind.is_none(), "--type"), (models.is_empty(), "--models")]
        .iter()
        .filter(|(m, _)| *m)
        .map(|(_, f)| *f)
        .collect();
    if !missing.is_empty() {
        if !interactive() {
            anyhow::bail!("{}", t!("cli.channel.add_missing", flags = missing.join(", ")));
        }
        if name.is_none() {
            name = Some(ask(&t!("cli.channel.ask_name"), None)?);
        }
        if kind.is_none() {
            kind = Some(ask(&t!("cli.channel.ask_type"), Some("anthropic"))?);
        }
        if models.is_empty() {
            let m = ask(&t!("cli.channel.ask_models"), Some("*"))?;
            models = m.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
        }
        if keys.is_empty() && key_env.is_empty() {
            let k = dialoguer::Password::new()
                .with_prompt(t!("cli.channel.ask_key"))
                .allow_empty_password(true)
                .interact()?;
            let k = k.trim();
            match k.strip_prefix('$') {
                Some(var) if !var.starts_with('$') => key_env.push(var.to_string()),
                _ if !k.is_empty() => keys.push(k.to_string()),
                _ => {}
            }
        }
        // Enter on every default must not leave a channel that catches every model and
        // fails every request for want of a key.
        let needs_key = kind.as_deref().map(|k| !k.trim().eq_ignore_ascii_case("custom")).unwrap_or(true);
        if keys.is_empty() && key_env.is_empty() && needs_key && models.iter().any(|m| m.trim() == "*") {
            anyhow::bail!("{}", t!("cli.channel.add_keyless_catch_all"));
        }
    }
    Ok(ChannelSpec {
        name: name.unwrap_or_default(),
        kind: kind.unwrap_or_default(),
        protocol: f.protocol.clone(),
        base_url: f.base_url.clone(),
        api_key: None,
        api_keys: keys,
        api_key_env: None,
        api_keys_env: key_env,
        models,
        model_map: pairs(&f.model_map, "map")?,
        priority: f.priority.unwrap_or(0),
        weight: f.weight.unwrap_or(1),
        status: a.disabled.then(|| "disabled".to_string()),
        transformers: None,
        headers: pairs(&f.headers, "upstream-header")?,
        timeout_s: f.timeout,
        deployment: f.deployment.clone(),
        api_version: f.api_version.clone(),
    })
}

fn patch_from_edit(e: &EditArgs) -> anyhow::Result<ChannelPatch> {
    let f = &e.fields;
    let keys = keys(f)?;
    Ok(ChannelPatch {
        name: e.name.clone(),
        kind: f.kind.clone(),
        protocol: f.protocol.clone(),
        base_url: f.base_url.clone(),
        api_key: None,
        api_keys: (!keys.is_empty()).then_some(keys),
        api_key_env: None,
        api_keys_env: (!f.api_keys_env.is_empty()).then(|| f.api_keys_env.clone()),
        models: (!f.models.is_empty()).then(|| f.models.clone()),
        model_map: if f.model_map.is_empty() { None } else { Some(pairs(&f.model_map, "map")?) },
        priority: f.priority,
        weight: f.weight,
        status: None,
        transformers: None,
        headers: if f.headers.is_empty() { None } else { Some(pairs(&f.headers, "upstream-header")?) },
        timeout_s: f.timeout,
        deployment: f.deployment.clone(),
        api_version: f.api_version.clone(),
    })
}

/// A channel that was written but cannot authenticate gets a warning (on stderr).
fn warn_key_problem(printer: &Printer, c: &crate::engine::ChannelView) {
    if let Some(p) = &c.key_problem {
        printer.note(&t!("cli.channel.key_warning", name = format!("{:?}", c.name), problem = p));
    }
}

/// Run a channel subcommand.
pub fn run(cli: &Cli, cmd: &ChannelCmd, printer: &Printer) -> anyhow::Result<u8> {
    // Parse the flags before connecting, so a usage error never touches the store.
    let prepared_add = match cmd {
        ChannelCmd::Add(a) => Some(spec_from_add(a)?),
        _ => None,
    };
    let prepared_patch = match cmd {
        ChannelCmd::Edit(e) => {
            let p = patch_from_edit(e)?;
            if p.is_empty() {
                anyhow::bail!("{}", t!("cli.channel.edit_nothing", channel = e.channel));
            }
            Some(p)
        }
        _ => None,
    };
    let b: Box<dyn Backend> = backend::connect(cli)?;
    match cmd {
        ChannelCmd::List { show_secrets } => printer.channels(&b.list_channels(*show_secrets)?),
        ChannelCmd::Show { channel, show_secrets } => printer.channel(&b.get_channel(channel, *show_secrets)?),
        ChannelCmd::Add(_) => {
            let c = b.add_channel(prepared_add.as_ref().expect("prepared"))?;
            printer.changed(Change::Added, &c);
            warn_key_problem(printer, &c);
        }
        ChannelCmd::Edit(e) => {
            let c = b.edit_channel(&e.channel, prepared_patch.as_ref().expect("prepared"))?;
            printer.changed(Change::Updated, &c);
            warn_key_problem(printer, &c);
        }
        ChannelCmd::Remove { channel, yes, force } => {
            if !yes && interactive() {
                let c = b.get_channel(channel, false)?;
                let ok = dialoguer::Confirm::new()
                    .with_prompt(t!("cli.channel.confirm_remove", name = format!("{:?}", c.name), id = c.id))
                    .default(false)
                    .interact()?;
                if !ok {
                    printer.note(&t!("cli.channel.nothing_removed"));
                    return Ok(1);
                }
            }
            let c = b.remove_channel(channel, *force)?;
            printer.changed(Change::Removed, &c);
        }
        ChannelCmd::Enable { channel } => printer.changed(Change::Enabled, &b.set_enabled(channel, true, false)?),
        ChannelCmd::Disable { channel, force } => {
            printer.changed(Change::Disabled, &b.set_enabled(channel, false, *force)?)
        }
    }
    Ok(0)
}
