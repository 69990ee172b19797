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

#[test]
fn example_configs_are_valid_and_import_cleanly() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap().flatten() {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
            continue;
        }
        let cfg = routex::engine::config::Config::load(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let engine = routex::engine::Engine::with_store(routex::store::Store::temporary().unwrap()).unwrap();
        let report = engine.apply_config(&cfg).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(report.created.len(), cfg.channels.len(), "{}", path.display());
        assert_eq!(engine.list_rules().len(), cfg.rules.len(), "{}", path.display());
        n += 1;
    }
    assert!(n >= 3, "expected the tutorial's configs in examples/");
}
