//! `cargo xtask package`: a light check of what `cargo publish -p pqhybrid` would upload
//! (RELEASING.md, "Publish"). `cargo package --list` must name the crate's README.md, the
//! license files at the workspace root (when there are any), src/lib.rs and every file of
//! docs/, and nothing from kat-vectors/ (the known-answer vectors, a separate unpublished
//! package with a downloaded data directory) or from a target/ directory. Then
//! `cargo package` writes the `.crate`; its file count and size are printed.
//!
//! `--no-verify`: compiling the unpacked crate is `cargo publish --dry-run`'s job at release
//! time (and would take minutes here); `--allow-dirty`: CI and development trees have
//! uncommitted changes; `--locked`: the dependency versions are Cargo.lock's.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Stdio;

use crate::cmd::{capture, run, show};
use crate::{Ctx, StepResult};

/// The published package.
const PACKAGE: &str = "pqhybrid";
/// `cargo package` flags (see the module documentation).
const FLAGS: [&str; 3] = ["--locked", "--no-verify", "--allow-dirty"];
/// Files the package must contain.
const REQUIRED: [&str; 3] = ["Cargo.toml", "README.md", "src/lib.rs"];
/// Directories whose every file the package must contain.
const REQUIRED_DIRS: [&str; 1] = ["docs"];
/// Top-level directories none of whose files may be in the package.
const FORBIDDEN_TOP: [&str; 1] = ["kat-vectors"];
/// Directory names that may appear nowhere in a packaged path.
const FORBIDDEN_DIRS: [&str; 2] = ["target", "node_modules"];
/// crates.io's limit on the size of an uploaded `.crate`.
const MAX_CRATE_BYTES: u64 = 10 * 1024 * 1024;

/// Checks the file list of the `pqhybrid` package, then packages it.
pub(crate) fn check(ctx: &Ctx) -> StepResult {
    let mut list = ctx.cargo(["package", "-p", PACKAGE]);
    list.args(FLAGS).arg("--list").stderr(Stdio::inherit());
    println!("    $ {}", show(&list));
    let files: Vec<String> = capture(&mut list)?
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    let required = required_files(&ctx.root)?;
    let problems = check_list(&files, &required);
    if !problems.is_empty() {
        return Err(format!(
            "the {PACKAGE} package's file list (`cargo package --list`):\n  {}\n(change \
             `include`/`exclude` in the root Cargo.toml's [package])",
            problems.join("\n  ")
        ));
    }
    if !required.iter().any(|f| is_license(f)) {
        println!(
            "    note: no LICENSE*/COPYING* file at the workspace root, so the package ships no \
             license text"
        );
    }

    let mut package = ctx.cargo(["package", "-p", PACKAGE]);
    package.args(FLAGS);
    run(package)?;
    // The package's version is the workspace's, which xtask inherits too.
    let name = format!("{PACKAGE}-{}.crate", env!("CARGO_PKG_VERSION"));
    let crate_file = ctx.target_dir().join("package").join(&name);
    let bytes = std::fs::metadata(&crate_file)
        .map_err(|e| format!("{}: {e}", crate_file.display()))?
        .len();
    println!(
        "package: {name}: {} files, {bytes} bytes ({:.1} KiB compressed; {})",
        files.len(),
        bytes as f64 / 1024.0,
        crate_file.display()
    );
    println!("package: files by directory: {}", by_directory(&files));
    if bytes > MAX_CRATE_BYTES {
        return Err(format!(
            "{name} is {bytes} bytes, over crates.io's limit of {MAX_CRATE_BYTES}"
        ));
    }
    Ok(())
}

/// The files the package must contain: [`REQUIRED`], the license files at the workspace root,
/// and every file under [`REQUIRED_DIRS`] (except hidden ones), as `/`-separated relative paths.
fn required_files(root: &Path) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = REQUIRED.iter().map(|f| (*f).to_owned()).collect();
    let entries = std::fs::read_dir(root).map_err(|e| format!("{}: {e}", root.display()))?;
    let mut licenses = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", root.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_license(&name) && entry.path().is_file() {
            licenses.push(name);
        }
    }
    licenses.sort();
    out.extend(licenses);
    for dir in REQUIRED_DIRS {
        let before = out.len();
        files_under(root, dir, &mut out)?;
        if out.len() == before {
            return Err(format!("{dir}/ has no files"));
        }
    }
    Ok(out)
}

/// Whether a top-level file name is a license text (`LICENSE`, `LICENSE-MIT`, `COPYING`, ...).
fn is_license(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    ["LICENSE", "LICENCE", "COPYING"]
        .iter()
        .any(|p| upper.starts_with(p))
}

/// Appends the files under `root/rel` (recursively, skipping hidden entries) to `out`.
fn files_under(root: &Path, rel: &str, out: &mut Vec<String>) -> StepResult {
    let dir = root.join(rel);
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut names: Vec<(String, bool)> = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with('.') {
            names.push((name, entry.path().is_dir()));
        }
    }
    names.sort();
    for (name, is_dir) in names {
        let path = format!("{rel}/{name}");
        if is_dir {
            files_under(root, &path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// What is wrong with a package's file list: required files missing, forbidden files present.
fn check_list(files: &[String], required: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    for r in required {
        if !files.contains(r) {
            problems.push(format!("missing {r}"));
        }
    }
    for f in files {
        let parts: Vec<&str> = f.split('/').collect();
        let (dirs, _file) = parts.split_at(parts.len().saturating_sub(1));
        let forbidden_top = dirs.first().is_some_and(|d| FORBIDDEN_TOP.contains(d));
        if forbidden_top || dirs.iter().any(|d| FORBIDDEN_DIRS.contains(d)) {
            problems.push(format!("must not contain {f}"));
        }
    }
    problems
}

/// `src 46, tests 20, ..., (top level) 12`: the number of files per top-level directory.
fn by_directory(files: &[String]) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for f in files {
        let top = f.split_once('/').map_or("(top level)", |(d, _)| d);
        *counts.entry(top).or_default() += 1;
    }
    let mut counts: Vec<(&str, usize)> = counts.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    counts
        .iter()
        .map(|(d, n)| format!("{d} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn file_list_checks() {
        let required = strings(&["README.md", "src/lib.rs", "docs/a.md"]);
        let good = strings(&["Cargo.toml", "README.md", "src/lib.rs", "docs/a.md"]);
        assert!(check_list(&good, &required).is_empty());
        let missing = strings(&["README.md", "src/lib.rs"]);
        assert_eq!(check_list(&missing, &required), ["missing docs/a.md"]);
        let mut bad = good.clone();
        bad.extend(strings(&[
            "kat-vectors/data/x.json",
            "target/debug/x",
            "fuzz/target/y",
            "bindings/wasm/node_modules/z/index.js",
        ]));
        assert_eq!(check_list(&bad, &required).len(), 4);
        // A file (not a directory) named like a forbidden directory is fine.
        let mut ok = good.clone();
        ok.push("src/target".into());
        assert!(check_list(&ok, &required).is_empty());
    }

    #[test]
    fn license_names() {
        for n in [
            "LICENSE",
            "LICENSE-MIT",
            "LICENSE-APACHE",
            "license.txt",
            "COPYING",
        ] {
            assert!(is_license(n), "{n}");
        }
        for n in ["README.md", "Cargo.toml", "SECURITY.md"] {
            assert!(!is_license(n), "{n}");
        }
    }

    #[test]
    fn counts_by_directory() {
        let files = strings(&["a", "src/x", "src/y", "docs/z", "b"]);
        assert_eq!(by_directory(&files), "(top level) 2, src 2, docs 1");
    }
}
