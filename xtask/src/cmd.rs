//! Process helpers shared by every command: the cargo invocations (`cargo`, `cargo +nightly`,
//! the cross builds), running a command and checking its status, capturing its output, probing
//! for a tool and installing one, and writing a file.

use std::ffi::{OsStr, OsString};
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::{CROSS_TARGET_DIR, StepResult};

// ---------------------------------------------------------------------------------------------
// cargo and rustup

/// The cargo running xtask (`$CARGO`, set by `cargo run`), else `cargo` from PATH.
pub(crate) fn cargo_program() -> OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Gives `c` two build jobs unless `CARGO_BUILD_JOBS` is already set.
pub(crate) fn default_jobs(c: &mut Command) {
    if std::env::var_os("CARGO_BUILD_JOBS").is_none() {
        c.env("CARGO_BUILD_JOBS", "2");
    }
}

/// `cargo` from the running toolchain (stable), in `dir`, with two build jobs unless set.
pub(crate) fn cargo(dir: &Path) -> Command {
    let mut c = Command::new(cargo_program());
    c.current_dir(dir);
    default_jobs(&mut c);
    c
}

/// `cargo +nightly ...` through the rustup proxy, in `root`, without the environment of the
/// toolchain `cargo xtask` runs under (which would pin the child to stable), with two build
/// jobs unless set.
pub(crate) fn cargo_nightly(root: &Path) -> Command {
    let mut c = Command::new("cargo");
    c.arg("+nightly").current_dir(root);
    for var in [
        "RUSTUP_TOOLCHAIN",
        "CARGO",
        "RUSTC",
        "RUSTDOC",
        "CARGO_MANIFEST_DIR",
    ] {
        c.env_remove(var);
    }
    default_jobs(&mut c);
    c
}

/// A release build of the library of workspace package `package` for `target`
/// (`--no-default-features`; `features` are further arguments, `--features backend-libcrux`
/// when empty) into [`CROSS_TARGET_DIR`], so that cross builds don't invalidate host builds.
pub(crate) fn cross_build(root: &Path, package: &str, target: &str, features: &[&str]) -> Command {
    let mut c = cargo(root);
    c.args([
        "build",
        "-p",
        package,
        "--lib",
        "--release",
        "--no-default-features",
    ]);
    if features.is_empty() {
        c.args(["--features", "backend-libcrux"]);
    }
    c.args(features)
        .args(["--target", target, "--target-dir", CROSS_TARGET_DIR]);
    c
}

/// `rustup` without the toolchain the environment of `cargo xtask` pins (`RUSTUP_TOOLCHAIN`).
fn rustup<I: IntoIterator<Item = S>, S: AsRef<OsStr>>(args: I) -> Command {
    let mut c = Command::new("rustup");
    c.args(args);
    c.env_remove("RUSTUP_TOOLCHAIN");
    c
}

/// Installs the nightly toolchain (minimal profile) with `components` if it is missing, or adds
/// the components that are missing. Does not update an installed nightly.
pub(crate) fn ensure_nightly(components: &[&str]) -> StepResult {
    let toolchains = capture(&mut rustup(["toolchain", "list"]))
        .map_err(|e| format!("{e} (is rustup installed?)"))?;
    if !toolchains.lines().any(|l| l.starts_with("nightly")) {
        if components.is_empty() {
            println!("    installing the nightly toolchain");
        } else {
            println!(
                "    installing the nightly toolchain with {}",
                components.join(", ")
            );
        }
        let mut c = rustup(["toolchain", "install", "nightly", "--profile", "minimal"]);
        for comp in components {
            c.args(["--component", comp]);
        }
        return run(c);
    }
    if components.is_empty() {
        return Ok(());
    }
    let installed = capture(&mut rustup([
        "component",
        "list",
        "--installed",
        "--toolchain",
        "nightly",
    ]))?;
    let missing: Vec<&str> = components
        .iter()
        .copied()
        .filter(|comp| {
            !installed
                .lines()
                .any(|l| l == *comp || l.starts_with(&format!("{comp}-")))
        })
        .collect();
    if missing.is_empty() {
        println!("    nightly with {}: installed", components.join(", "));
        return Ok(());
    }
    let mut c = rustup(["component", "add", "--toolchain", "nightly"]);
    c.args(&missing);
    run(c)
}

// ---------------------------------------------------------------------------------------------
// Running commands

pub(crate) fn flush() {
    let _ = std::io::stdout().flush();
}

/// The command line of `c` as shown in logs and errors (with `RUSTDOCFLAGS` when it sets it).
pub(crate) fn show(c: &Command) -> String {
    let mut s = String::new();
    for (k, v) in c.get_envs() {
        if k == "RUSTDOCFLAGS"
            && let Some(v) = v
        {
            s.push_str(&format!(
                "{}={:?} ",
                k.to_string_lossy(),
                v.to_string_lossy()
            ));
        }
    }
    s.push_str(&c.get_program().to_string_lossy());
    for a in c.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// Runs a command with inherited stdio, printing it first (`    $ <command>`); error on spawn
/// failure or non-zero exit.
pub(crate) fn run(c: Command) -> StepResult {
    let shown = show(&c);
    println!("    $ {shown}");
    flush();
    status(c, &shown)
}

/// Runs a command with inherited stdio without printing it; `what` names it in the error.
pub(crate) fn status(mut c: Command, what: &str) -> StepResult {
    let status = c
        .status()
        .map_err(|e| format!("could not run `{what}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{what}` exited with {status}"))
    }
}

/// Runs a command and returns its stdout; error (with its stderr) unless it exits 0 with UTF-8
/// output.
pub(crate) fn capture(c: &mut Command) -> Result<String, String> {
    let shown = show(c);
    let out = c
        .output()
        .map_err(|e| format!("could not run `{shown}`: {e}"))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stderr = stderr.trim_end();
        return Err(if stderr.is_empty() {
            format!("`{shown}` exited with {}", out.status)
        } else {
            format!("`{shown}` exited with {}\n{stderr}", out.status)
        });
    }
    String::from_utf8(out.stdout).map_err(|e| format!("`{shown}`: output not UTF-8: {e}"))
}

// ---------------------------------------------------------------------------------------------
// Tools

/// Whether `tool --version` runs and succeeds.
pub(crate) fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Whether xtask runs as root (`id -u` is 0), so that it may install packages.
pub(crate) fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// `apt-get update` and `apt-get install` of the Debian `packages` (non-interactive; with their
/// recommended packages only if `recommends`). The caller checks that it runs as root.
pub(crate) fn apt_install(packages: &[&str], recommends: bool) -> StepResult {
    let mut update = Command::new("apt-get");
    update.args(["update", "-qq"]);
    run(update)?;
    let mut install = Command::new("apt-get");
    install.args(["install", "-y", "-qq"]);
    if !recommends {
        install.arg("--no-install-recommends");
    }
    install
        .args(packages)
        .env("DEBIAN_FRONTEND", "noninteractive");
    run(install)
}

/// Makes sure `tool` is on PATH, installing the Debian package `pkg` with apt-get when running
/// as root; otherwise fails with instructions.
pub(crate) fn ensure_tool(tool: &str, pkg: &str) -> StepResult {
    if have(tool) {
        return Ok(());
    }
    if is_root() && have("apt-get") {
        println!("    {tool} not found; installing Debian package {pkg}");
        apt_install(&[pkg], false)?;
        if have(tool) {
            return Ok(());
        }
    }
    Err(format!(
        "`{tool}` not found on PATH; install it (Debian/Ubuntu: `apt-get install {pkg}`)"
    ))
}

// ---------------------------------------------------------------------------------------------
// Files

/// Writes `path`, creating its directory.
pub(crate) fn write_file(path: &Path, text: &str) -> StepResult {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}
