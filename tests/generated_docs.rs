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

/// The man pages say more than `--help`: EXAMPLES where they help, and on `routex(1)`
/// FILES, ENVIRONMENT and EXIT STATUS; no page links to a `routex-help(1)` that does not
/// exist, and every page a page names exists.
#[test]
fn man_pages_have_their_sections_and_no_dead_links() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    let top = std::fs::read_to_string(root.join("routex.1")).unwrap();
    for section in [".SH EXAMPLES", ".SH FILES", ".SH ENVIRONMENT", ".SH \"EXIT STATUS\""] {
        assert!(top.contains(section), "routex.1 has no {section}");
    }
    assert!(top.contains("ROUTEX_HOST") && top.contains("ROUTEX_ADMIN_TOKEN"), "the variables are listed");
    for page in ["routex-serve.1", "routex-channel-add.1", "routex-test.1", "routex-env.1", "routex-code.1"] {
        let text = std::fs::read_to_string(root.join(page)).unwrap();
        assert!(text.contains(".SH EXAMPLES"), "{page} has no EXAMPLES");
    }
    for entry in std::fs::read_dir(&root).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for line in text.lines().filter(|l| l.starts_with("routex\\-") && l.ends_with("(1)")) {
            let name = line.trim_end_matches("(1)").replace("\\-", "-");
            assert!(
                root.join(format!("{name}.1")).exists(),
                "{} names {name}(1), which does not exist",
                path.display()
            );
        }
    }
}
