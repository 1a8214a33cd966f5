//! Disk space in `ci`: every step reports what is left on the target directory's file system,
//! and on a CI machine (`CI` set) the scratch directories of finished steps are removed as soon
//! as no later step reads them, so that the run's peak stays well under what it writes in all.
//!
//! A CI run once died in the `ct` step with "No space left on device" while `target/` held the
//! test binaries, the cross builds and the fuzz targets of every earlier step at once.

use std::path::Path;
use std::process::Command;

/// Free space on the file system holding `path`, in bytes (`df -Pk`), or `None` when `df`
/// cannot tell.
pub(crate) fn free_bytes(path: &Path) -> Option<u64> {
    let out = Command::new("df").arg("-Pk").arg(path).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout);
    // POSIX format: a header line, then "fs 1024-blocks used available capacity mount".
    let kib: u64 = text
        .lines()
        .nth(1)?
        .split_whitespace()
        .nth(3)?
        .parse()
        .ok()?;
    Some(kib.saturating_mul(1024))
}

/// `free_bytes` as "12.3 GiB free", or "free space unknown".
pub(crate) fn free_text(path: &Path) -> String {
    match free_bytes(path) {
        Some(b) => format!("{:.1} GiB free", gib(b)),
        None => "free space unknown".to_owned(),
    }
}

fn gib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0 * 1024.0)
}

/// Bytes held by the files under `path` (symbolic links not followed; unreadable entries
/// count as empty).
fn size_of(path: &Path) -> u64 {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return 0;
    };
    if !meta.is_dir() {
        return meta.len();
    }
    let Ok(entries) = std::fs::read_dir(path) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .map(|e| size_of(&e.path()))
        .sum()
}

/// True on a CI machine (`CI` set to anything but empty, `0` or `false`): only there does `ci`
/// delete the build outputs of its finished steps; a developer's `cargo xtask ci` keeps them
/// for the next incremental run.
pub(crate) fn on_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// On a CI machine, removes `dirs` (relative to `root`), which no later step reads, and says how
/// much that freed; elsewhere does nothing. A directory that cannot be removed is reported and
/// left: the run goes on, and only a later "No space left" would fail it.
pub(crate) fn release(root: &Path, after: &str, dirs: &[&str]) {
    if !on_ci() {
        return;
    }
    for dir in dirs {
        let path = root.join(dir);
        if !path.exists() {
            continue;
        }
        let bytes = size_of(&path);
        match std::fs::remove_dir_all(&path) {
            Ok(()) => println!(
                "    disk: removed {dir} ({:.2} GiB), no step after `{after}` reads it; {}",
                gib(bytes),
                free_text(root)
            ),
            Err(e) => println!("    disk: could not remove {dir}: {e} (left in place)"),
        }
    }
}

/// On a CI machine, removes the test executables of the workspace's test profile
/// (`target/debug/deps/<name>-<hash>` files with no extension, and `target/debug/examples`):
/// the largest part of `target/` once `test`, `kat`, `c-tests` and `bench` have run. The
/// libraries beside them stay, so the later steps that build the CLI (dev profile) reuse them.
pub(crate) fn release_test_binaries(target: &Path, after: &str) {
    if !on_ci() {
        return;
    }
    let deps = target.join("debug").join("deps");
    let Ok(entries) = std::fs::read_dir(&deps) else {
        return;
    };
    let mut freed = 0u64;
    let mut count = 0usize;
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let Ok(meta) = entry.metadata() else { continue };
        if !meta.is_file() || path.extension().is_some() {
            continue;
        }
        if std::fs::remove_file(&path).is_ok() {
            freed += meta.len();
            count += 1;
        }
    }
    let examples = target.join("debug").join("examples");
    let example_bytes = size_of(&examples);
    if std::fs::remove_dir_all(&examples).is_ok() {
        freed += example_bytes;
    }
    println!(
        "    disk: removed {count} test executables and the examples of target/debug ({:.2} GiB), \
         no step after `{after}` runs them; {}",
        gib(freed),
        free_text(target)
    );
}
