//! The domain crate stays pure: these tests fail when a dependency that can
//! do I/O arrives in its manifest, or when its code reaches for the clock,
//! the file system, the network or the environment.

/// The only crates the domain may depend on.
const ALLOWED: &[&str] = &["chrono", "serde", "thiserror"];

/// Things pure code never writes.
const FORBIDDEN: &[&str] = &[
    "Utc::now",
    "Local::now",
    "SystemTime",
    "Instant::now",
    "std::fs",
    "std::net",
    "std::env",
    "std::process",
    "tokio",
    "sea_orm",
    "lettre",
    "axum",
];

fn section<'a>(manifest: &'a str, name: &str) -> Vec<&'a str> {
    manifest
        .lines()
        .skip_while(|line| line.trim() != name)
        .skip(1)
        .take_while(|line| !line.trim_start().starts_with('['))
        .filter_map(|line| line.split(['=', '.']).next().map(str::trim))
        .filter(|name| !name.is_empty() && !name.starts_with('#'))
        .collect()
}

#[test]
fn manifest_keeps_its_short_dependency_list() {
    let manifest = include_str!("../Cargo.toml");
    let dependencies = section(manifest, "[dependencies]");
    assert!(!dependencies.is_empty(), "the [dependencies] section was not found");
    for dependency in dependencies {
        assert!(ALLOWED.contains(&dependency), "`domain` must stay pure: `{dependency}` is not allowed");
    }
    assert!(!manifest.contains("\"clock\""), "chrono's `clock` feature reads the system time");
}

#[test]
fn code_never_reaches_outside() {
    fn visit(dir: &std::path::Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("read src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                visit(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("purity.rs") {
                let text = std::fs::read_to_string(&path).expect("read source");
                for forbidden in FORBIDDEN {
                    if text.contains(forbidden) {
                        found.push(format!("{}: {forbidden}", path.display()));
                    }
                }
            }
        }
    }
    let mut found = Vec::new();
    visit(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut found);
    assert!(found.is_empty(), "impure code in `domain`: {found:?}");
}
