//! `routex rule …`: routing rules, and the dry run that explains a decision.

use clap::{Args, Subcommand};
use rust_i18n::t;
use std::io::IsTerminal;
use std::path::PathBuf;

use super::backend;
use super::output::{Change, Printer};
use super::Cli;
use crate::engine::rules::RulePatch;
use crate::engine::rules::{Condition, HeaderCondition, RuleSpec, RuleType};
use crate::protocol::Protocol;

/// `routex rule …`
#[derive(Subcommand, Debug)]
pub enum RuleCmd {
    /// List rules in evaluation order
    List,
    /// Show one rule
    Show {
        /// Name or id
        rule: String,
    },
    /// Add a rule
    Add(RuleAddArgs),
    /// Change fields of a rule; fields not given stay as they are
    Edit(RuleEditArgs),
    /// Remove a rule
    #[command(visible_alias = "rm")]
    Remove {
        /// Name or id
        rule: String,
    },
    /// Let a rule take part in routing
    Enable {
        /// Name or id
        rule: String,
    },
    /// Keep a rule but stop it from matching
    Disable {
        /// Name or id
        rule: String,
    },
    /// Which rule would route a request, why, and to which channel and model (sends nothing)
    Test(RuleTestArgs),
}

/// Condition and target flags shared by add and edit.
#[derive(Args, Debug, Default)]
pub struct RuleFields {
    /// Higher is evaluated first
    #[arg(long, allow_hyphen_values = true)]
    pub priority: Option<i64>,
    /// Channel (name or id) to send matching requests to
    #[arg(long, value_name = "CHANNEL")]
    pub target_channel: Option<String>,
    /// Model to rewrite matching requests to
    #[arg(long, value_name = "MODEL")]
    pub target_model: Option<String>,
    /// Prompt size in tokens (cl100k_base) from which longContext matches
    #[arg(long, value_name = "TOKENS")]
    pub token_threshold: Option<u64>,
    /// Keywords (comma separated) looked for in the last user message, case-insensitive
    #[arg(long, value_delimiter = ',', value_name = "WORD")]
    pub keywords: Vec<String>,
    /// Regular expression searched in the last user message
    #[arg(long)]
    pub regex: Option<String>,
    /// Glob over the requested model, e.g. 'claude-*haiku*'
    #[arg(long, value_name = "GLOB")]
    pub model: Option<String>,
    /// A request header whose value matches a glob: NAME=GLOB
    #[arg(long, value_name = "NAME=GLOB")]
    pub header: Option<String>,
    /// Match requests that carry images (custom rules)
    #[arg(long)]
    pub has_images: bool,
    /// Match requests that declare tools (custom rules)
    #[arg(long)]
    pub has_tools: bool,
    /// Match requests declaring one of these tools (comma separated)
    #[arg(long, value_delimiter = ',', value_name = "NAME")]
    pub tool_names: Vec<String>,
    /// Match requests that enable thinking (custom rules)
    #[arg(long)]
    pub thinking: bool,
}

/// The rule type names, for completion.
fn rule_types() -> Vec<&'static str> {
    RuleType::ALL.iter().map(|t| t.as_str()).collect()
}

/// `routex rule add`
#[derive(Args, Debug)]
pub struct RuleAddArgs {
    /// Unique name
    #[arg(long, short = 'n')]
    pub name: String,
    /// longContext, background, think, webSearch, image, subagent, model, keywords, regex, header or custom
    #[arg(long = "type", short = 't', value_name = "TYPE", value_parser = super::Names(rule_types), hide_possible_values = true)]
    pub rule_type: String,
    #[command(flatten)]
    pub fields: RuleFields,
    /// Add it disabled
    #[arg(long)]
    pub disabled: bool,
}

/// `routex rule edit`
#[derive(Args, Debug)]
pub struct RuleEditArgs {
    /// Name or id of the rule
    pub rule: String,
    /// New name
    #[arg(long, short = 'n')]
    pub name: Option<String>,
    /// New type
    #[arg(long = "type", short = 't', value_name = "TYPE", value_parser = super::Names(rule_types), hide_possible_values = true)]
    pub rule_type: Option<String>,
    #[command(flatten)]
    pub fields: RuleFields,
}

/// `routex rule test`
#[derive(Args, Debug)]
pub struct RuleTestArgs {
    /// The request body as JSON (`-` for stdin)
    #[arg(long, short = 'r', value_name = "FILE")]
    pub request: PathBuf,
    /// The client protocol of the request [default: told from the body's shape]
    #[arg(long, value_parser = ["anthropic", "openai"])]
    pub protocol: Option<String>,
    /// A request header NAME=VALUE (repeatable)
    #[arg(long = "header", value_name = "NAME=VALUE")]
    pub headers: Vec<String>,
}

/// A rule type by name, ignoring case (`longcontext` is `longContext`); a mistyped one
/// gets the nearest name.
fn parse_type(s: &str) -> anyhow::Result<RuleType> {
    let names = || RuleType::ALL.iter().map(|t| t.as_str());
    let Some(name) = names().find(|n| n.eq_ignore_ascii_case(s.trim())) else {
        anyhow::bail!(
            "{}",
            t!(
                "cli.rule.type_unknown",
                given = format!("{s:?}"),
                hint = crate::util::suggest::did_you_mean(s, names()),
                choices = names().collect::<Vec<_>>().join(", ")
            )
        )
    };
    Ok(serde_json::from_value(serde_json::Value::String(name.to_string()))?)
}

fn condition(f: &RuleFields) -> anyhow::Result<Condition> {
    let header = match &f.header {
        None => None,
        Some(h) => {
            let (n, v) = h
                .split_once('=')
                .ok_or_else(|| anyhow::anyhow!("{}", t!("cli.rule.header_glob", value = format!("{h:?}"))))?;
            Some(HeaderCondition { name: n.trim().to_string(), value: v.trim().to_string() })
        }
    };
    Ok(Condition {
        token_threshold: f.token_threshold,
        keywords: (!f.keywords.is_empty()).then(|| f.keywords.clone()),
        regex: f.regex.clone(),
        model: f.model.clone(),
        header,
        has_images: f.has_images.then_some(true),
        has_tools: f.has_tools.then_some(true),
        tool_names: (!f.tool_names.is_empty()).then(|| f.tool_names.clone()),
        thinking: f.thinking.then_some(true),
    })
}

/// Run a rule subcommand.
pub fn run(cli: &Cli, cmd: &RuleCmd, printer: &Printer) -> anyhow::Result<u8> {
    // Parse flags before connecting: a usage error never touches the store.
    let spec = match cmd {
        RuleCmd::Add(a) => Some(RuleSpec {
            name: a.name.clone(),
            enabled: !a.disabled,
            priority: a.fields.priority.unwrap_or(0),
            rule_type: parse_type(&a.rule_type)?,
            condition: condition(&a.fields)?,
            target_channel: a.fields.target_channel.clone(),
            target_model: a.fields.target_model.clone(),
        }),
        _ => None,
    };
    let patch = match cmd {
        RuleCmd::Edit(e) => {
            let c = condition(&e.fields)?;
            let p = RulePatch {
                name: e.name.clone(),
                enabled: None,
                priority: e.fields.priority,
                rule_type: e.rule_type.as_deref().map(parse_type).transpose()?,
                condition: (!c.is_empty()).then_some(c),
                target_channel: e.fields.target_channel.clone(),
                target_model: e.fields.target_model.clone(),
            };
            if p.is_empty() {
                anyhow::bail!("{}", t!("cli.rule.edit_nothing", rule = e.rule));
            }
            Some(p)
        }
        _ => None,
    };
    let test_input = match cmd {
        RuleCmd::Test(t) => {
            let text = if t.request.as_os_str() == "-" {
                let mut s = String::new();
                std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)?;
                s
            } else {
                std::fs::read_to_string(&t.request).map_err(|e| {
                    anyhow::anyhow!("{}", t!("cli.rule.request_unreadable", file = t.request.display(), error = e))
                })?
            };
            let body: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
                anyhow::anyhow!("{}", t!("cli.rule.request_not_json", file = t.request.display(), error = e))
            })?;
            let protocol: Protocol = match &t.protocol {
                Some(p) => p.parse().map_err(|e: crate::protocol::ConvertError| anyhow::anyhow!("{e}"))?,
                None => crate::engine::rules::guess_protocol(&body),
            };
            let mut headers = Vec::new();
            for h in &t.headers {
                let (k, v) = h
                    .split_once('=')
                    .ok_or_else(|| anyhow::anyhow!("{}", t!("cli.rule.header_pair", value = format!("{h:?}"))))?;
                headers.push((k.trim().to_string(), v.trim().to_string()));
            }
            Some((body, protocol, headers))
        }
        _ => None,
    };
    let b = backend::connect(cli)?;
    match cmd {
        RuleCmd::List => printer.rules(&b.list_rules()?),
        RuleCmd::Show { rule } => printer.rule(&b.get_rule(rule)?),
        RuleCmd::Add(_) => printer.rule_changed(Change::Added, &b.add_rule(spec.as_ref().expect("parsed"))?),
        RuleCmd::Edit(e) => {
            printer.rule_changed(Change::Updated, &b.edit_rule(&e.rule, patch.as_ref().expect("parsed"))?)
        }
        RuleCmd::Remove { rule } => printer.rule_changed(Change::Removed, &b.remove_rule(rule)?),
        RuleCmd::Enable { rule } => printer.rule_changed(Change::Enabled, &b.set_rule_enabled(rule, true)?),
        RuleCmd::Disable { rule } => printer.rule_changed(Change::Disabled, &b.set_rule_enabled(rule, false)?),
        RuleCmd::Test(_) => {
            let (body, protocol, headers) = test_input.expect("parsed");
            let t = b.test_route(&body, protocol, &headers)?;
            printer.route_test(&t, std::io::stdout().is_terminal());
            return Ok(if t.channel.is_some() { 0 } else { 1 });
        }
    }
    Ok(0)
}
