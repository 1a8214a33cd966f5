//! Supply chain and undefined-behaviour checks: `cargo xtask deny`, `cargo xtask sbom`,
//! `cargo xtask miri`. Each installs the tool it needs when it is missing (and only then), so a
//! fresh CI machine needs nothing installed by hand:
//!
//! * `deny`: cargo-deny [`CARGO_DENY_VERSION`] (`cargo install --locked`), then
//!   `cargo deny --workspace --locked check licenses bans sources` with `deny.toml`. Advisories
//!   need the RustSec database from GitHub and are a release step (RELEASING.md).
//! * `sbom`: cargo-cyclonedx [`CARGO_CYCLONEDX_VERSION`], then CycloneDX 1.5 JSON SBOMs of the
//!   crate (`pqhybrid`) and of the C library (`pqhybrid-ffi`) for the host target (normal and
//!   build dependencies, no dev-dependencies), in `target/sbom/`; each is checked (format, spec version, subject, the default backend's libcrux-ml-dsa listed).
//! * `miri`: the nightly toolchain with `miri` and `rust-src`, `cargo +nightly miri setup`, then
//!   `cargo +nightly miri test -p pqhybrid-ffi --test miri` (`ffi/tests/miri.rs`; RustCrypto
//!   backend, features `std`, `hpke` and `identity`).
//!
//! The installs build without LTO and with parallel codegen units (both tools ship
//! `lto`/`codegen-units = 1` release profiles): several times faster to build, and the tools
//! run for seconds.

use std::path::{Path, PathBuf};

use crate::cmd::{capture, cargo, cargo_nightly, ensure_nightly, run};

/// The cargo-deny release `cargo xtask deny` installs and expects.
pub const CARGO_DENY_VERSION: &str = "0.20.2";
/// The cargo-cyclonedx release `cargo xtask sbom` installs and expects.
pub const CARGO_CYCLONEDX_VERSION: &str = "0.5.9";
/// CycloneDX specification version of the SBOMs.
const SBOM_SPEC_VERSION: &str = "1.5";
/// Where the SBOMs are written (relative to the workspace root).
const SBOM_DIR: &str = "target/sbom";
/// The packages whose SBOM is kept: (package, manifest directory).
const SBOM_PACKAGES: [(&str, &str); 2] = [("pqhybrid", "."), ("pqhybrid-ffi", "ffi")];
/// A component every SBOM must list (the ML-DSA implementation, see RELEASING.md).
const SBOM_REQUIRED_COMPONENT: &str = "libcrux-ml-dsa";

/// Makes `cargo <sub>` the `crate_name` release `version`: nothing to do if
/// `cargo <sub> --version` already names it, otherwise `cargo install --locked`.
fn ensure_cargo_tool(
    root: &Path,
    crate_name: &str,
    sub: &str,
    version: &str,
) -> Result<(), String> {
    let mut probe = cargo(root);
    probe.args([sub, "--version"]);
    let found = capture(&mut probe).ok();
    let want = format!("{crate_name} {version}");
    // `cargo-deny 0.20.2`; `cargo-cyclonedx-cyclonedx 0.5.9`.
    if let Some(v) = &found
        && names_release(v, crate_name, version)
    {
        println!("    {want}: installed");
        return Ok(());
    }
    match &found {
        Some(v) => println!("    found `{}`, installing {want}", v.trim()),
        None => println!("    {crate_name} not found, installing {want}"),
    }
    let mut c = cargo(root);
    c.args([
        "install",
        crate_name,
        "--version",
        &format!("={version}"),
        "--locked",
    ])
    // Build speed over binary speed (see the module documentation).
    .env("CARGO_PROFILE_RELEASE_LTO", "false")
    .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
    // `cargo install` builds in a temporary directory unless told otherwise; never in the
    // workspace's target dir.
    .env_remove("CARGO_TARGET_DIR");
    run(c)?;
    let mut probe = cargo(root);
    probe.args([sub, "--version"]);
    match capture(&mut probe).ok() {
        Some(v) if names_release(&v, crate_name, version) => Ok(()),
        other => Err(format!(
            "installed {want} but `cargo {sub} --version` gives {other:?} (is ~/.cargo/bin on PATH?)"
        )),
    }
}

/// Whether a `--version` line names `crate_name` at exactly `version`.
fn names_release(line: &str, crate_name: &str, version: &str) -> bool {
    let mut words = line.split_whitespace();
    matches!(
        (words.next(), words.next(), words.next()),
        (Some(name), Some(v), None) if name.starts_with(crate_name) && v == version
    )
}

/// `cargo xtask deny`: licenses, bans and sources of the whole workspace against deny.toml.
pub fn deny(root: &Path) -> Result<(), String> {
    ensure_cargo_tool(root, "cargo-deny", "deny", CARGO_DENY_VERSION)?;
    let mut c = cargo(root);
    c.args([
        "deny",
        "--workspace",
        "--locked",
        "check",
        "licenses",
        "bans",
        "sources",
    ]);
    run(c)
}

/// `cargo xtask sbom`: CycloneDX SBOMs of the crate and the C library in `target/sbom/`.
pub fn sbom(root: &Path) -> Result<(), String> {
    ensure_cargo_tool(
        root,
        "cargo-cyclonedx",
        "cyclonedx",
        CARGO_CYCLONEDX_VERSION,
    )?;
    let out_dir = root.join(SBOM_DIR);
    if out_dir.exists() {
        std::fs::remove_dir_all(&out_dir)
            .map_err(|e| format!("cannot remove {}: {e}", out_dir.display()))?;
    }
    std::fs::create_dir_all(&out_dir)
        .map_err(|e| format!("cannot create {}: {e}", out_dir.display()))?;
    let ml_dsa = locked_version(root, SBOM_REQUIRED_COMPONENT)?;
    // cargo-cyclonedx describes every workspace member, writing `<package>.cdx.json` next to
    // each manifest (it has no output-directory option); the two that ship are moved to
    // target/sbom/ and the others removed, so the source tree is left clean.
    remove_stray_sboms(root)?;
    let mut c = cargo(root);
    c.args([
        "cyclonedx",
        "--format",
        "json",
        "--spec-version",
        SBOM_SPEC_VERSION,
    ]);
    let generated = run(c);
    let mut written = Vec::new();
    let mut moved = Ok(());
    if generated.is_ok() {
        for (package, dir) in SBOM_PACKAGES {
            let name = format!("{package}.cdx.json");
            let dest = out_dir.join(&name);
            moved = move_file(&root.join(dir).join(&name), &dest);
            if moved.is_err() {
                break;
            }
            written.push((package, dest));
        }
    }
    remove_stray_sboms(root)?;
    generated?;
    moved?;
    for (package, dest) in &written {
        check_sbom(dest, package, &ml_dsa)?;
    }
    for (_, dest) in &written {
        println!("sbom: {}", dest.display());
    }
    Ok(())
}

fn move_file(from: &Path, to: &Path) -> Result<(), String> {
    if std::fs::rename(from, to).is_ok() {
        return Ok(());
    }
    std::fs::copy(from, to)
        .and_then(|_| std::fs::remove_file(from))
        .map_err(|e| format!("cannot move {} to {}: {e}", from.display(), to.display()))
}

/// Removes `*.cdx.json` / `*.cdx.xml` files cargo-cyclonedx left next to workspace manifests
/// (the members' directories, from `cargo metadata --no-deps`).
fn remove_stray_sboms(root: &Path) -> Result<(), String> {
    let mut c = cargo(root);
    c.args(["metadata", "--format-version", "1", "--no-deps"]);
    let json = capture(&mut c)?;
    let meta: serde_json::Value =
        serde_json::from_str(&json).map_err(|e| format!("cargo metadata output: {e}"))?;
    let dirs: Vec<PathBuf> = meta
        .get("packages")
        .and_then(|p| p.as_array())
        .ok_or("cargo metadata: no packages")?
        .iter()
        .filter_map(|p| p.get("manifest_path").and_then(|m| m.as_str()))
        .filter_map(|m| Path::new(m).parent().map(Path::to_path_buf))
        .collect();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.ends_with(".cdx.json") || name.ends_with(".cdx.xml") {
                std::fs::remove_file(entry.path())
                    .map_err(|e| format!("cannot remove {}: {e}", entry.path().display()))?;
            }
        }
    }
    Ok(())
}

/// The version of `package` in Cargo.lock (exactly one must be locked).
fn locked_version(root: &Path, package: &str) -> Result<String, String> {
    let path = root.join("Cargo.lock");
    let lock = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let needle = format!("name = \"{package}\"");
    let mut versions = Vec::new();
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == needle
            && let Some(v) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = "))
        {
            versions.push(v.trim_matches('"').to_owned());
        }
    }
    match versions.as_slice() {
        [v] => Ok(v.clone()),
        [] => Err(format!("{package} is not in {}", path.display())),
        many => Err(format!("{package} is locked at several versions: {many:?}")),
    }
}

/// Checks one SBOM: parseable JSON, CycloneDX `SBOM_SPEC_VERSION`, describing `package`, and
/// listing the locked `libcrux-ml-dsa` (the default lattice backend) among its components.
fn check_sbom(path: &Path, package: &str, ml_dsa_version: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let bom: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("{}: not valid JSON: {e}", path.display()))?;
    let field =
        |v: &serde_json::Value, k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_owned);
    let shown = path.display();
    if field(&bom, "bomFormat").as_deref() != Some("CycloneDX") {
        return Err(format!(
            "{shown}: bomFormat is {:?}, not CycloneDX",
            bom.get("bomFormat")
        ));
    }
    if field(&bom, "specVersion").as_deref() != Some(SBOM_SPEC_VERSION) {
        return Err(format!(
            "{shown}: specVersion is {:?}, not {SBOM_SPEC_VERSION}",
            bom.get("specVersion")
        ));
    }
    let subject = bom
        .get("metadata")
        .and_then(|m| m.get("component"))
        .and_then(|c| field(c, "name"));
    if subject.as_deref() != Some(package) {
        return Err(format!("{shown}: describes {subject:?}, not {package}"));
    }
    let components = bom
        .get("components")
        .and_then(|c| c.as_array())
        .ok_or_else(|| format!("{shown}: no components list"))?;
    let found = components.iter().any(|c| {
        field(c, "name").as_deref() == Some(SBOM_REQUIRED_COMPONENT)
            && field(c, "version").as_deref() == Some(ml_dsa_version)
    });
    if !found {
        return Err(format!(
            "{shown}: {SBOM_REQUIRED_COMPONENT} {ml_dsa_version} (Cargo.lock) is not among its {} components",
            components.len()
        ));
    }
    println!(
        "    {shown}: CycloneDX {SBOM_SPEC_VERSION}, {package}, {} components, \
         {SBOM_REQUIRED_COMPONENT} {ml_dsa_version}",
        components.len()
    );
    Ok(())
}

/// `cargo xtask miri`: the Miri-sized C ABI tests under Miri.
pub fn miri(root: &Path) -> Result<(), String> {
    ensure_nightly(&["miri", "rust-src"])?;
    let mut setup = cargo_nightly(root);
    setup.args(["miri", "setup"]);
    run(setup)?;
    let mut c = cargo_nightly(root);
    // The RustCrypto backend: Miri cannot execute libcrux's `cpuid` probe (x86-64 runtime
    // detection of AVX2). The C ABI layer under test is the same for both backends. `hpke`
    // and `identity` (on by default) bring in `pqh_hpke_*`, `pqh_fw_encrypt_payload`,
    // `pqh_fw_decryptor_*` and `pqh_identity_*`, which the file tests too.
    c.args([
        "miri",
        "test",
        "-p",
        "pqhybrid-ffi",
        "--no-default-features",
        "--features",
        "std,backend-rustcrypto,hpke,identity",
        "--test",
        "miri",
    ]);
    run(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_tool_versions() {
        assert!(names_release("cargo-deny 0.20.2\n", "cargo-deny", "0.20.2"));
        assert!(names_release(
            "cargo-cyclonedx-cyclonedx 0.5.9",
            "cargo-cyclonedx",
            "0.5.9"
        ));
        assert!(!names_release("cargo-deny 0.20.1", "cargo-deny", "0.20.2"));
        assert!(!names_release("cargo-deny 0.20.22", "cargo-deny", "0.20.2"));
        assert!(!names_release("", "cargo-deny", "0.20.2"));
        assert!(!names_release(
            "error: no such command",
            "cargo-deny",
            "0.20.2"
        ));
    }
}
