//! `completions/` and `man/` are generated from the clap tree; this fails when the
//! checked-in copies are stale. `ROUTEX_BLESS=1 cargo test generated_docs` rewrites them.

use clap::CommandFactory;

#[test]
fn clap_tree_is_consistent() {
    routex::cli::Cli::command().debug_assert();
}

#[test]
fn generated_docs_are_current() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let bless = std::env::var_os("ROUTEX_BLESS").is_some();
    let mut stale = Vec::new();
    for (rel, bytes) in routex::cli::docs::generate() {
        let path = root.join(&rel);
        if bless {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &bytes).unwrap();
        } else if std::fs::read(&path).ok().as_deref() != Some(bytes.as_slice()) {
            stale.push(rel.display().to_string());
        }
    }
    assert!(stale.is_empty(), "stale generated files (run ROUTEX_BLESS=1 cargo test generated_docs): {stale:?}");
}
