//! `cargo xtask bench [--quick]`: the criterion benchmarks of the root crate (`benches/*.rs`).
//!
//! * `--quick` (CI): every benchmark function runs once, in criterion's test mode, under the
//!   `test` profile with `--all-features`: the same pqhybrid artifacts as `cargo xtask test`,
//!   so CI compiles only the bench binaries. It checks that they build and run, not speed.
//! * no flag: the full measurements (`cargo bench`, release profile, default features), one
//!   bench target after another; reports land in `target/criterion/`. Takes tens of minutes
//!   (SLH-DSA "s" signing dominates); see `benches/RESULTS.md`.
//!
//! The peer comparison (libcrux, pqcrypto) is a separate package, `benches/peers/`, run by hand:
//! `cd benches/peers && cargo bench --features peers`.

use std::path::Path;

use crate::cmd::{self, cargo};

/// Names of the bench targets: `benches/*.rs`, sorted. Each must have a `[[bench]]` section
/// with `harness = false` in the root Cargo.toml (criterion's `main`).
fn bench_targets(root: &Path) -> Result<Vec<String>, String> {
    let dir = root.join("benches");
    let entries =
        std::fs::read_dir(&dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("reading {}: {e}", dir.display()))?;
        let file = entry.file_name();
        let file = file.to_string_lossy();
        if let Some(stem) = file.strip_suffix(".rs")
            && entry.path().is_file()
        {
            names.push(stem.to_owned());
        }
    }
    names.sort();
    if names.is_empty() {
        return Err(format!("no benchmarks in {}", dir.display()));
    }
    Ok(names)
}

/// Runs the benchmarks: all of them once (`quick`) or the full criterion measurements.
pub fn run(root: &Path, quick: bool) -> Result<(), String> {
    let targets = bench_targets(root)?;
    if quick {
        // `cargo test --bench X` runs a criterion binary without `--bench`: test mode, each
        // benchmark function once.
        let mut c = cargo(root);
        c.args(["test", "-p", "pqhybrid", "--all-features"]);
        for t in &targets {
            c.args(["--bench", t]);
        }
        cmd::run(c)?;
        println!(
            "bench --quick: {} bench targets ran once each ({})",
            targets.len(),
            targets.join(", ")
        );
        return Ok(());
    }
    for t in &targets {
        let mut c = cargo(root);
        c.args(["bench", "-p", "pqhybrid", "--bench", t]);
        cmd::run(c)?;
    }
    println!(
        "bench: reports in {} (open report/index.html); peer comparison: \
         cd benches/peers && cargo bench --features peers",
        root.join("target/criterion").display()
    );
    Ok(())
}
