//! Generated documentation: shell completions and man pages, built from the clap tree.
//! The checked-in copies in `completions/` and `man/` are compared with these by a test;
//! `ROUTEX_BLESS=1 cargo test generated_docs` rewrites them.

use clap::CommandFactory;
use clap_complete::Shell;
use std::path::PathBuf;

use super::Cli;

/// Every generated file: (path relative to the repo root, contents).
pub fn generate() -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for (shell, file) in [
        (Shell::Bash, "routex.bash"),
        (Shell::Zsh, "_routex"),
        (Shell::Fish, "routex.fish"),
        (Shell::PowerShell, "_routex.ps1"),
        (Shell::Elvish, "routex.elv"),
    ] {
        let mut buf = Vec::new();
        clap_complete::generate(shell, &mut Cli::command(), "routex", &mut buf);
        out.push((PathBuf::from("completions").join(file), buf));
    }
    let mut cmd = Cli::command();
    cmd.build();
    man_pages(&cmd, "routex", &mut out);
    out
}

fn man_pages(cmd: &clap::Command, name: &str, out: &mut Vec<(PathBuf, Vec<u8>)>) {
    // `routex help` is `--help` again: no page of its own, so none is listed.
    let page = cmd.clone().name(name.to_string()).bin_name(name.replace('-', " ")).mut_subcommands(|s| {
        if s.get_name() == "help" {
            s.hide(true)
        } else {
            s
        }
    });
    let mut buf = Vec::new();
    clap_mangen::Man::new(page).render(&mut buf).expect("render to memory");
    let mut text = String::from_utf8(buf).expect("roff is UTF-8");
    let extra = sections(name);
    match text.find(".SH VERSION") {
        Some(at) => text.insert_str(at, &extra),
        None => text.push_str(&extra),
    }
    out.push((PathBuf::from("man").join(format!("{name}.1")), text.into_bytes()));
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set() && s.get_name() != "help") {
        man_pages(sub, &format!("{name}-{}", sub.get_name()), out);
    }
}

/// Examples per page: (page, [(what it does, the command)]).
const EXAMPLES: &[(&str, &[(&str, &str)])] = &[
    (
        "routex",
        &[
            ("A first channel, tested, then the daemon in the background", "routex setup"),
            ("Claude Code through routex", "routex code"),
            ("Every check of a broken setup", "routex diagnose"),
        ],
    ),
    (
        "routex-channel-add",
        &[(
            "An Anthropic channel whose key the daemon reads from its environment",
            "routex channel add --name claude-main --type anthropic --models 'claude-*' --api-key-env ANTHROPIC_API_KEY",
        )],
    ),
    ("routex-serve", &[("The daemon in the background, then its state", "routex serve --detach && routex status")]),
    ("routex-test", &[("Every enabled channel, as JSON for a script", "routex test --format json")]),
    ("routex-logs", &[("Failed requests of the last hour, then keep watching", "routex logs --status error --since 1h --follow")]),
    ("routex-rule-test", &[("Which rule and channel a request would get, sending nothing", "routex rule test --request request.json")]),
    ("routex-stats", &[("The last week summed up", "routex stats --since 7d")]),
    ("routex-env", &[("Point this shell's SDKs and Claude Code at routex", "eval \"$(routex env)\"")]),
    ("routex-code", &[("One question to Claude Code through routex", "routex code -- -p \"hi\"")]),
];

/// EXAMPLES (where there are some), and on the top page FILES, ENVIRONMENT and EXIT
/// STATUS, in roff.
fn sections(name: &str) -> String {
    let esc = |s: &str| s.replace('\\', "\\\\").replace('-', "\\-");
    let mut s = String::new();
    if let Some((_, list)) = EXAMPLES.iter().find(|(page, _)| *page == name) {
        s.push_str(".SH EXAMPLES\n");
        for (what, command) in *list {
            s.push_str(&format!(".TP\n{}\n\\fB{}\\fR\n", esc(what), esc(command)));
        }
    }
    if name == "routex" {
        s.push_str(concat!(
            ".SH FILES\n",
            ".TP\n\\fI$ROUTEX_HOME\\fR, else \\fI$XDG_CONFIG_HOME/routex\\fR, else \\fI~/.config/routex\\fR\n",
            "The data directory (mode 0700): \\fIroutex.db/\\fR (the store), \\fIrequests/\\fR (the request log), ",
            "\\fImaster.key\\fR, \\fIdaemon.json\\fR (the running daemon: pid, address, local token), ",
            "\\fIlogs/routex.log\\fR.\n",
            ".SH ENVIRONMENT\n",
            ".TP\n\\fBROUTEX_HOME\\fR\nThe data directory.\n",
            ".TP\n\\fBROUTEX_SERVER\\fR\nTalk to the daemon at this URL.\n",
            ".TP\n\\fBROUTEX_ADMIN_TOKEN\\fR\nThe admin token (its value is never shown).\n",
            ".TP\n\\fBROUTEX_CONFIG\\fR\nThe config file of \\fBroutex serve\\fR.\n",
            ".TP\n\\fBROUTEX_HOST\\fR, \\fBROUTEX_PORT\\fR\nThe daemon's address (the generic HOST and PORT are never read).\n",
            ".TP\n\\fBROUTEX_MASTER_KEY\\fR\nThe key that seals API keys at rest (else \\fImaster.key\\fR).\n",
            ".TP\n\\fBROUTEX_LOG\\fR\nThe log level or filter.\n",
            ".TP\n\\fBROUTEX_CLIENT_KEY\\fR\nThe client key \\fBroutex env\\fR and \\fBroutex code\\fR hand to clients.\n",
            ".SH \"EXIT STATUS\"\n",
            ".TP\n0\nSuccess.\n",
            ".TP\n1\nA negative answer: a channel test or a diagnose check failed, the daemon is not running ",
            "(\\fBstatus\\fR), a declined confirmation.\n",
            ".TP\n2\nAn error: bad input (the message names the field and the fix), an unreachable daemon, a locked store.\n",
        ));
    }
    s
}
