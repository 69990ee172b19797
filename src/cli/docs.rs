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
    let page = cmd.clone().name(name.to_string()).bin_name(name.replace('-', " "));
    let mut buf = Vec::new();
    clap_mangen::Man::new(page).render(&mut buf).expect("render to memory");
    out.push((PathBuf::from("man").join(format!("{name}.1")), buf));
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set() && s.get_name() != "help") {
        man_pages(sub, &format!("{name}-{}", sub.get_name()), out);
    }
}
