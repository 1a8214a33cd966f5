//! `cargo xtask cortex-m [--check]`: pqhybrid on Cortex-M under QEMU.
//!
//! 1. Builds the benchmark firmware (`benches/cortex-m/`, a standalone crate with its own
//!    target dir `target/cortex-m/`) for `thumbv7em-none-eabihf` and runs it on `mps2-an386`
//!    (Cortex-M4) with `-icount shift=4`, then the same firmware for `thumbv8m.main-none-eabihf`
//!    on `mps2-an505` (Cortex-M33). The firmware prints one JSON line per measurement
//!    (instructions from SysTick, calibrated; stack high-water mark from painting). Each QEMU
//!    run goes on in a thread while the next firmware builds (`-icount` figures do not depend
//!    on the host).
//! 2. Builds the verify-only configuration of that firmware (`--profile size --features
//!    verify-only`: opt-level "z", fat LTO, only ML-DSA-65 and Ed25519 compiled in through
//!    pqhybrid's `algorithm-subset` feature, sha2's compact backend) and records its flash
//!    size and firmware-verify stack.
//! 3. Builds the C bootloader (`examples/c-bootloader/`): the no_std C library
//!    (`pqhybrid-ffi`, thumbv7em, the same algorithm subset and sha2 backend), the host CLI
//!    (dev profile), keys generated into
//!    `target/c-bootloader/`, signed images (valid, one payload byte flipped, rolled back),
//!    links one bootloader per image with arm-none-eabi-gcc, runs each under QEMU and checks
//!    the verdicts (exit 0 and `VALID`; non-zero and the reason). Then the same bootloader with
//!    the DICE identity ([`boot_identity`]) and, on an image encrypted to the device's test
//!    key, with decryption into a second slot ([`boot_decrypt`]), each with its figures.
//! 4. Without `check`: writes `benches/cortex-m/results.json` and `RESULTS.md`. With `check`:
//!    compares against the committed `results.json` and fails if an instruction count grew by
//!    more than 2 % or a stack figure by more than 5 % (improvements are reported and pass);
//!    the fresh results go to `target/cortex-m/results.json`.
//!
//! Here: the entry point, the tools and the types of the results. Steps 1 and 2 (the Rust
//! harness under QEMU and its output) are in [`qemu`], step 3 in [`bootloader`], step 4 (the
//! results files and the `--check` comparison) in [`report`], the targets' budgets in
//! [`budgets`].
//!
//! Needs `qemu-system-arm` and the Arm GNU toolchain (`arm-none-eabi-gcc`,
//! `arm-none-eabi-size`); as root they are installed with apt-get when missing.

mod boot_decrypt;
mod boot_identity;
mod bootloader;
mod budgets;
mod qemu;
mod report;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::Value;

use crate::cmd::{self, capture, write_file};

const BENCH_DIR: &str = "benches/cortex-m";
const TARGET_DIR: &str = "target/cortex-m";
/// Appended to the machine name of the verify-only build's measurements.
const VERIFY_ONLY_SUFFIX: &str = ", verify-only build";

/// One QEMU machine: the Rust target, the QEMU arguments and its name in the results.
struct Machine {
    target: &'static str,
    qemu: &'static [&'static str],
}

const AN386: Machine = Machine {
    target: "thumbv7em-none-eabihf",
    qemu: &["-machine", "mps2-an386", "-cpu", "cortex-m4"],
};
const AN505: Machine = Machine {
    target: "thumbv8m.main-none-eabihf",
    qemu: &["-machine", "mps2-an505", "-cpu", "cortex-m33"],
};

/// Extra target rustflags of the verify-only builds (the Rust firmware and the C library); they
/// add to the `-Tlink.x` of `benches/cortex-m/.cargo/config.toml`.
const RUSTFLAGS_AN386: &str = "CARGO_TARGET_THUMBV7EM_NONE_EABIHF_RUSTFLAGS";
/// The verify-only builds use sha2's compact (rolled-loop) software backend: about 26 KiB less
/// code for SHA-512 and SHA-256 at opt-level "z", for a slower payload hash.
const SIZE_RUSTFLAGS: &str = "--cfg sha2_backend_soft=\"compact\"";

/// One measurement line.
#[derive(Clone, Debug, PartialEq)]
struct Measurement {
    machine: String,
    alg: String,
    op: String,
    instructions: u64,
    stack: u64,
}

impl Measurement {
    fn key(&self) -> (String, String, String) {
        (self.machine.clone(), self.alg.clone(), self.op.clone())
    }

    /// A measurement object (a firmware line, or an entry of results.json), or `None` if a
    /// field is missing or of the wrong type.
    fn from_json(v: &Value) -> Option<Measurement> {
        Some(Measurement {
            machine: v.get("machine")?.as_str()?.to_string(),
            alg: v.get("alg")?.as_str()?.to_string(),
            op: v.get("op")?.as_str()?.to_string(),
            instructions: v.get("instructions")?.as_u64()?,
            stack: v.get("stack")?.as_u64()?,
        })
    }
}

/// A flash-size figure.
#[derive(Clone, Debug, PartialEq)]
struct Size {
    name: String,
    text: u64,
    data: u64,
    bss: u64,
    /// Bytes in flash: text (code + read-only data) + data (initial values).
    flash: u64,
    stack: Option<u64>,
}

/// Everything one run produces.
#[derive(Debug, Default)]
struct Results {
    measurements: Vec<Measurement>,
    sizes: Vec<Size>,
    boot_runs: Vec<(String, i32, String)>,
    qemu_version: String,
    rustc_version: String,
}

/// Builds and runs everything; with `check`, compares against the committed results.
///
/// # Errors
/// A missing tool that cannot be installed, a failed build, a QEMU run that fails or hangs, a
/// calibration that is off, a wrong bootloader verdict, or (with `check`) a regression.
pub fn run(root: &Path, check: bool) -> Result<(), String> {
    let t = Instant::now();
    ensure_tools(root)?;
    let mut results = Results {
        qemu_version: first_line(&capture(Command::new("qemu-system-arm").arg("--version"))?),
        rustc_version: first_line(&capture(Command::new("rustc").arg("--version"))?),
        ..Results::default()
    };

    // Each firmware runs in QEMU on a thread of its own while the next one builds: the figures
    // do not depend on the host (`-icount` makes virtual time a function of the instructions
    // executed), and the runs no longer add to the builds' time.
    let mut runs = Vec::new();
    for m in [&AN386, &AN505] {
        // The M4 build also compiles the RustCrypto backend, for its typed rows beside
        // libcrux's (`… [RustCrypto]`); the default backend stays libcrux.
        let features: &[&str] = if m.target == AN386.target {
            &["--features", "rustcrypto-rows"]
        } else {
            &[]
        };
        let elf = qemu::build_bench(root, m.target, "release", features, &[])?;
        println!(
            "cortex-m: built for {} at {:.0}s",
            m.target,
            t.elapsed().as_secs_f64()
        );
        runs.push((m, std::thread::spawn(move || qemu::run_qemu(m, &elf))));
    }

    qemu::verify_only(root, &mut results)?;
    println!(
        "cortex-m: verify-only firmware at {:.0}s",
        t.elapsed().as_secs_f64()
    );

    bootloader::c_bootloader(root, &mut results)?;
    println!(
        "cortex-m: C bootloader at {:.0}s",
        t.elapsed().as_secs_f64()
    );

    // The release measurements first, as before.
    let mut measurements = Vec::new();
    for (m, run) in runs {
        let out = run
            .join()
            .map_err(|_| format!("the QEMU thread for {} panicked", m.qemu[1]))??;
        let parsed = qemu::parse_bench_output(&out)?;
        println!(
            "cortex-m: {} ({}): {} measurements, QEMU done at {:.0}s",
            m.target,
            m.qemu[1],
            parsed.len(),
            t.elapsed().as_secs_f64()
        );
        measurements.extend(parsed);
    }
    measurements.append(&mut results.measurements);
    results.measurements = measurements;

    let markdown = report::render_markdown(&results);
    let json = report::render_json(&results);
    let baseline_path = root.join(BENCH_DIR).join("results.json");
    if check {
        let fresh = root.join(TARGET_DIR).join("results.json");
        write_file(&fresh, &json)?;
        let baseline = std::fs::read_to_string(&baseline_path).map_err(|e| {
            format!(
                "{}: {e} (run `cargo xtask cortex-m` first)",
                baseline_path.display()
            )
        })?;
        let baseline = report::parse_results_json(&baseline)
            .map_err(|e| format!("{}: {e}", baseline_path.display()))?;
        report::compare(&baseline, &results.measurements)?;
        println!("cortex-m: fresh results in {}", fresh.display());
    } else {
        write_file(&baseline_path, &json)?;
        write_file(&root.join(BENCH_DIR).join("RESULTS.md"), &markdown)?;
        println!(
            "cortex-m: wrote {} and {}/RESULTS.md",
            baseline_path.display(),
            BENCH_DIR
        );
    }
    budgets::print_targets(&results);
    println!("cortex-m: done in {:.1}s", t.elapsed().as_secs_f64());
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Tools and processes

fn ensure_tools(root: &Path) -> Result<(), String> {
    let status = Command::new("rustup")
        .args(["target", "add", AN386.target, AN505.target])
        .current_dir(root)
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("rustup: {e}"))?;
    if !status.success() {
        return Err("rustup target add failed".into());
    }
    let tools = ["qemu-system-arm", "arm-none-eabi-gcc", "arm-none-eabi-size"];
    let missing: Vec<&str> = tools.iter().copied().filter(|t| !cmd::have(t)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    if !cmd::is_root() {
        return Err(format!(
            "missing {missing:?}: install qemu-system-arm gcc-arm-none-eabi binutils-arm-none-eabi \
             libnewlib-arm-none-eabi"
        ));
    }
    println!("cortex-m: installing {missing:?} with apt-get");
    let packages = [
        "qemu-system-arm",
        "gcc-arm-none-eabi",
        "binutils-arm-none-eabi",
        "libnewlib-arm-none-eabi",
    ];
    cmd::apt_install(&packages, true)
}

/// [`cmd::cargo`] with the environment of `cargo xtask` cleaned up (RUSTFLAGS would override
/// the firmware's `-Tlink.x`).
fn firmware_cargo(dir: &Path) -> Command {
    let mut c = cmd::cargo(dir);
    c.env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_TARGET")
        .env_remove("CARGO_TARGET_DIR");
    c
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").trim().to_string()
}
