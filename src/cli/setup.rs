//! `routex setup`: the first-run wizard on a terminal. Choose a provider, give the key
//! (hidden, or `$VAR` to read it from the environment), accept or edit the models and the
//! base URL, test the channel at once, optionally add the common Claude Code rules, and
//! say the next command. Without a terminal it never prompts: it says which commands do
//! the same, and exits 2. Everything goes through the same [`backend`] as the other
//! commands, so it works with and without a running daemon.

use rust_i18n::t;
use std::io::IsTerminal;

use super::output::Printer;
use super::{backend, Cli};
use crate::engine::ChannelSpec;

/// A provider the wizard knows: its channel type, protocol, base URL, models, key variable.
struct Preset {
    label: &'static str,
    name: &'static str,
    kind: &'static str,
    protocol: Option<&'static str>,
    base_url: &'static str,
    models: &'static str,
    key_var: Option<&'static str>,
}

const PRESETS: &[Preset] = &[
    Preset {
        label: "Anthropic (Claude)", // i18n: not prose
        name: "anthropic",
        kind: "anthropic",
        protocol: None,
        base_url: "https://api.anthropic.com",
        models: "claude-*",
        key_var: Some("ANTHROPIC_API_KEY"),
    },
    Preset {
        label: "OpenAI",
        name: "openai",
        kind: "openai",
        protocol: None,
        base_url: "https://api.openai.com/v1",
        models: "gpt-*,o*",
        key_var: Some("OPENAI_API_KEY"),
    },
    Preset {
        label: "Google Gemini", // i18n: not prose
        name: "gemini",
        kind: "gemini",
        protocol: None,
        base_url: "https://generativelanguage.googleapis.com",
        models: "gemini-*",
        key_var: Some("GEMINI_API_KEY"),
    },
    Preset {
        label: "DeepSeek",
        name: "deepseek",
        kind: "custom",
        protocol: Some("openai"),
        base_url: "https://api.deepseek.com/v1",
        models: "deepseek-*",
        key_var: Some("DEEPSEEK_API_KEY"),
    },
    Preset {
        label: "OpenRouter",
        name: "openrouter",
        kind: "custom",
        protocol: Some("openai"),
        base_url: "https://openrouter.ai/api/v1",
        models: "*",
        key_var: Some("OPENROUTER_API_KEY"),
    },
    Preset {
        label: "Ollama",
        name: "ollama",
        kind: "custom",
        protocol: Some("openai"),
        base_url: "http://127.0.0.1:11434/v1",
        models: "*",
        key_var: None,
    },
];

/// Run the wizard; 0 when a channel was added (and answered its test, if run).
pub fn run(cli: &Cli, printer: &Printer) -> anyhow::Result<u8> {
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        // What to do without a terminal: the same in commands.
        anyhow::bail!("{}", t!("cli.setup.no_terminal"));
    }
    let b = backend::connect(cli)?;
    let theme = dialoguer::theme::SimpleTheme;
    // A preset without a key is a server on this machine (Ollama).
    let labels: Vec<String> = PRESETS
        .iter()
        .map(|p| match p.key_var {
            Some(_) => p.label.to_string(),
            None => t!("cli.setup.local", label = p.label).into_owned(),
        })
        .collect();
    let choice = dialoguer::Select::with_theme(&theme)
        .with_prompt(t!("cli.setup.provider"))
        .items(&labels)
        .default(0)
        .interact()?;
    let p = &PRESETS[choice];
    let taken: Vec<String> = b.list_channels(false)?.into_iter().map(|c| c.name).collect();
    let mut default_name = p.name.to_string();
    let mut n = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&default_name)) {
        default_name = format!("{}-{n}", p.name);
        n += 1;
    }
    let name: String = dialoguer::Input::with_theme(&theme)
        .with_prompt(t!("cli.channel.ask_name"))
        .default(default_name)
        .interact_text()?;
    let (mut api_keys, mut api_keys_env) = (Vec::new(), Vec::new());
    if let Some(var) = p.key_var {
        let from_env = std::env::var(var).is_ok_and(|v| !v.is_empty())
            && dialoguer::Confirm::with_theme(&theme)
                .with_prompt(t!("cli.setup.use_env", var = var))
                .default(true)
                .interact()?;
        if from_env {
            api_keys_env.push(var.to_string());
        } else {
            let k =
                dialoguer::Password::with_theme(&theme).with_prompt(t!("cli.setup.ask_key", var = var)).interact()?;
            let k = k.trim().to_string();
            match k.strip_prefix('$') {
                Some(v) => api_keys_env.push(v.trim_start_matches('{').trim_end_matches('}').to_string()),
                None => api_keys.push(k),
            }
        }
    }
    let models: String = dialoguer::Input::with_theme(&theme)
        .with_prompt(t!("cli.setup.ask_models"))
        .default(p.models.to_string())
        .interact_text()?;
    let base_url: String = dialoguer::Input::with_theme(&theme)
        .with_prompt(t!("cli.setup.ask_base_url"))
        .default(p.base_url.to_string())
        .interact_text()?;
    let spec = ChannelSpec {
        name: name.clone(),
        kind: p.kind.into(),
        protocol: p.protocol.map(str::to_string),
        base_url: Some(base_url),
        api_keys,
        api_keys_env,
        models: models.split(',').map(|m| m.trim().to_string()).filter(|m| !m.is_empty()).collect(),
        weight: 1,
        ..Default::default()
    };
    let added = b.add_channel(&spec)?;
    printer.note(&t!("cli.setup.added_channel", name = added.name, backend = b.describe()));

    let mut code = 0;
    if dialoguer::Confirm::with_theme(&theme).with_prompt(t!("cli.setup.ask_test")).default(true).interact()? {
        let results = b.test_channels(std::slice::from_ref(&added.name), false, None)?;
        printer.channel_tests(&results);
        if results.iter().any(|t| !t.ok) {
            code = 1;
        }
    }
    if dialoguer::Confirm::with_theme(&theme).with_prompt(t!("cli.setup.ask_rules")).default(false).interact()? {
        for rule in [
            serde_json::json!({"name": format!("{name}-background"), "type": "background", "targetChannel": name}),
            serde_json::json!({"name": format!("{name}-long-context"), "type": "longContext",
                "condition": {"tokenThreshold": 60000}, "targetChannel": name}),
        ] {
            let spec: crate::engine::rules::RuleSpec = serde_json::from_value(rule)?;
            let r = b.add_rule(&spec)?;
            printer.note(&t!("cli.setup.added_rule", name = r.name));
        }
    }
    printer.note(&t!("cli.setup.next"));
    Ok(code)
}
