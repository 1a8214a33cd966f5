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
//!    the verdicts (exit 0 and `VALID`; non-zero and the reason).
//! 4. Without `check`: writes `benches/cortex-m/results.json` and `RESULTS.md`. With `check`:
//!    compares against the committed `results.json` and fails if an instruction count grew by
//!    more than 2 % or a stack figure by more than 5 % (improvements are reported and pass);
//!    the fresh results go to `target/cortex-m/results.json`.
//!
//! Plain std. Needs `qemu-system-arm` and the Arm GNU toolchain (`arm-none-eabi-gcc`,
//! `arm-none-eabi-size`); as root they are installed with apt-get when missing.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Allowed growth of an instruction count over the committed baseline.
const INSTRUCTION_TOLERANCE: f64 = 0.02;
/// Allowed growth of a stack figure over the committed baseline.
const STACK_TOLERANCE: f64 = 0.05;
/// A QEMU run that takes longer than this is a hang.
const QEMU_TIMEOUT: Duration = Duration::from_secs(600);

const BENCH_DIR: &str = "benches/cortex-m";
const BENCH_BIN: &str = "pqhybrid-cortex-m-bench";
const TARGET_DIR: &str = "target/cortex-m";
/// Appended to the machine name of the verify-only build's measurements.
const VERIFY_ONLY_SUFFIX: &str = ", verify-only build";
const BOOT_DIR: &str = "examples/c-bootloader";
const BOOT_OUT: &str = "target/c-bootloader";

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
/// The algorithms compiled into the verify-only builds: what a bootloader that accepts
/// MLDSA65-Ed25519-SHA512 images needs (`pqhybrid`'s `algorithm-subset` feature).
const VERIFY_ONLY_FEATURES: &str = "pqhybrid/algorithm-subset,pqhybrid/alg-ml-dsa-65,pqhybrid/alg-ed25519,compact-verify,backend-libcrux";

/// Budgets (reported, not fatal; `--check` holds the measured figures instead).
const KIB: u64 = 1024;
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
        let elf = build_bench(root, m.target, "release", features, &[])?;
        println!(
            "cortex-m: built for {} at {:.0}s",
            m.target,
            t.elapsed().as_secs_f64()
        );
        runs.push((m, std::thread::spawn(move || run_qemu(m, &elf))));
    }

    let elf = build_bench(
        root,
        AN386.target,
        "size",
        &["--no-default-features", "--features", "verify-only"],
        &[(RUSTFLAGS_AN386, SIZE_RUSTFLAGS)],
    )?;
    let out = run_qemu(&AN386, &elf)?;
    let verify_only = parse_bench_output(&out)?;
    // Kept beside the full run's rows, under their own machine name: the bootloader
    // configuration (RustCrypto's Keccak, no Ed25519 tables, opt-level "z").
    for m in &verify_only {
        let mut m = m.clone();
        m.machine = format!("{}{VERIFY_ONLY_SUFFIX}", m.machine);
        results.measurements.push(m);
    }
    let fw_stack = verify_only
        .iter()
        .find(|m| m.op.starts_with("firmware verify"))
        .map(|m| m.stack);
    let mut size = elf_size(
        &elf,
        "Rust verify-only firmware (opt-level z, LTO; ML-DSA-65 + Ed25519)",
    )?;
    // The signed image is in .rodata: take it out.
    let image_bytes = out
        .lines()
        .filter_map(|l| Json::parse(l.trim()).ok())
        .find_map(|v| v.get("image_bytes").and_then(Json::as_u64))
        .ok_or("the verify-only firmware did not print image_bytes")?;
    size.text = size.text.saturating_sub(image_bytes);
    size.flash = size.text + size.data;
    size.stack = fw_stack;
    results.sizes.push(size);
    println!(
        "cortex-m: verify-only firmware at {:.0}s",
        t.elapsed().as_secs_f64()
    );

    c_bootloader(root, &mut results)?;
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
        let parsed = parse_bench_output(&out)?;
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

    let report = render_markdown(&results);
    let json = render_json(&results);
    let baseline_path = root.join(BENCH_DIR).join("results.json");
    if check {
        let fresh = root.join(TARGET_DIR).join("results.json");
        write(&fresh, &json)?;
        let baseline = std::fs::read_to_string(&baseline_path).map_err(|e| {
            format!(
                "{}: {e} (run `cargo xtask cortex-m` first)",
                baseline_path.display()
            )
        })?;
        let baseline = parse_results_json(&baseline)
            .map_err(|e| format!("{}: {e}", baseline_path.display()))?;
        compare(&baseline, &results.measurements)?;
        println!("cortex-m: fresh results in {}", fresh.display());
    } else {
        write(&baseline_path, &json)?;
        write(&root.join(BENCH_DIR).join("RESULTS.md"), &report)?;
        println!(
            "cortex-m: wrote {} and {}/RESULTS.md",
            baseline_path.display(),
            BENCH_DIR
        );
    }
    print_targets(&results);
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
    let missing: Vec<&str> = tools.iter().copied().filter(|t| !have(t)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let is_root = capture(Command::new("id").arg("-u")).is_ok_and(|s| s.trim() == "0");
    if !is_root {
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
    let mut update = Command::new("apt-get");
    update.args(["update", "-qq"]);
    checked(update)?;
    let mut install = Command::new("apt-get");
    install
        .args(["install", "-y", "-qq"])
        .args(packages)
        .env("DEBIAN_FRONTEND", "noninteractive");
    checked(install)?;
    Ok(())
}

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A cargo command with the environment of `cargo xtask` cleaned up (RUSTFLAGS would override
/// the firmware's `-Tlink.x`) and two build jobs unless set.
fn cargo(dir: &Path) -> Command {
    let mut c = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    c.current_dir(dir)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_TARGET")
        .env_remove("CARGO_TARGET_DIR");
    if std::env::var_os("CARGO_BUILD_JOBS").is_none() {
        c.env("CARGO_BUILD_JOBS", "2");
    }
    c
}

fn describe(c: &Command) -> String {
    let mut s = c.get_program().to_string_lossy().into_owned();
    for a in c.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// Runs with inherited output; error unless it exits 0.
fn checked(mut c: Command) -> Result<(), String> {
    let shown = describe(&c);
    println!("    $ {shown}");
    let status = c.status().map_err(|e| format!("`{shown}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}

/// Runs and returns stdout; error unless it exits 0.
fn capture(c: &mut Command) -> Result<String, String> {
    let shown = describe(c);
    let out = c
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("`{shown}`: {e}"))?;
    if !out.status.success() {
        return Err(format!("`{shown}` failed ({})", out.status));
    }
    String::from_utf8(out.stdout).map_err(|e| format!("`{shown}`: output not UTF-8: {e}"))
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").trim().to_string()
}

fn write(path: &Path, contents: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, contents).map_err(|e| format!("{}: {e}", path.display()))
}

/// Builds the benchmark firmware; returns the ELF's path.
fn build_bench(
    root: &Path,
    target: &str,
    profile: &str,
    extra: &[&str],
    env: &[(&str, &str)],
) -> Result<PathBuf, String> {
    let dir = root.join(BENCH_DIR);
    let target_dir = root.join(TARGET_DIR);
    let mut c = cargo(&dir);
    c.envs(env.iter().copied());
    c.args([
        "build",
        "--locked",
        "--target",
        target,
        "--profile",
        profile,
    ])
    .args(extra)
    .env("CARGO_TARGET_DIR", &target_dir);
    checked(c)?;
    Ok(target_dir.join(target).join(profile).join(BENCH_BIN))
}

/// Runs a firmware under QEMU (`-icount shift=4`, semihosting); returns its stdout, or an
/// error with the output if it exits non-zero or hangs.
fn run_qemu(m: &Machine, elf: &Path) -> Result<String, String> {
    let (code, out) = qemu(m.qemu, elf)?;
    if code != 0 {
        return Err(format!(
            "{} on {}: exit {code}\n{out}",
            elf.display(),
            m.qemu[1]
        ));
    }
    Ok(out)
}

/// Runs QEMU; returns the exit code and stdout (stderr appended).
fn qemu(machine: &[&str], elf: &Path) -> Result<(i32, String), String> {
    let mut c = Command::new("qemu-system-arm");
    c.args(machine)
        .args([
            "-nographic",
            "-monitor",
            "none",
            "-serial",
            "none",
            "-semihosting-config",
            "enable=on,target=native",
            "-icount",
            "shift=4",
            "-kernel",
        ])
        .arg(elf)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let shown = describe(&c);
    println!("    $ {shown}");
    let mut child = c.spawn().map_err(|e| format!("`{shown}`: {e}"))?;
    let mut stdout = child.stdout.take().ok_or("no stdout")?;
    let mut stderr = child.stderr.take().ok_or("no stderr")?;
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| format!("`{shown}`: {e}"))? {
            break status;
        }
        if start.elapsed() > QEMU_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("`{shown}` timed out after {QEMU_TIMEOUT:?}"));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut out = out_reader.join().unwrap_or_default();
    let err = err_reader.join().unwrap_or_default();
    if !err.trim().is_empty() {
        out.push_str(&err);
    }
    Ok((status.code().unwrap_or(-1), out))
}

// ---------------------------------------------------------------------------------------------
// Benchmark output

fn parse_bench_output(out: &str) -> Result<Vec<Measurement>, String> {
    let mut ms = Vec::new();
    let mut calibrated = false;
    let mut done = false;
    for line in out.lines().map(str::trim).filter(|l| l.starts_with('{')) {
        let v = Json::parse(line).map_err(|e| format!("bad line {line:?}: {e}"))?;
        if let Some(e) = v.get("error") {
            return Err(format!("firmware error: {}", e.as_str().unwrap_or("?")));
        }
        if v.get("done").is_some() {
            done = true;
            continue;
        }
        if let Some(c) = v.get("calibration") {
            let expected = c.get("expected_instructions").and_then(Json::as_u64);
            let measured = c.get("measured_instructions").and_then(Json::as_u64);
            match (expected, measured) {
                (Some(e), Some(m)) if e.abs_diff(m) * 1000 <= e => calibrated = true,
                _ => return Err(format!("SysTick calibration is off: {line}")),
            }
            continue;
        }
        ms.push(measurement(&v).ok_or_else(|| format!("bad measurement {line:?}"))?);
    }
    if !calibrated {
        return Err(format!(
            "no calibration line in the firmware output:\n{out}"
        ));
    }
    if !done {
        return Err(format!("the firmware did not finish:\n{out}"));
    }
    Ok(ms)
}

fn measurement(v: &Json) -> Option<Measurement> {
    Some(Measurement {
        machine: v.get("machine")?.as_str()?.to_string(),
        alg: v.get("alg")?.as_str()?.to_string(),
        op: v.get("op")?.as_str()?.to_string(),
        instructions: v.get("instructions")?.as_u64()?,
        stack: v.get("stack")?.as_u64()?,
    })
}

/// `arm-none-eabi-size` (Berkeley format) of an ELF.
fn elf_size(elf: &Path, name: &str) -> Result<Size, String> {
    let out = capture(Command::new("arm-none-eabi-size").arg(elf))?;
    let nums: Vec<u64> = out
        .lines()
        .nth(1)
        .unwrap_or("")
        .split_whitespace()
        .take(3)
        .filter_map(|n| n.parse().ok())
        .collect();
    let [text, data, bss] = nums[..] else {
        return Err(format!("cannot read arm-none-eabi-size output: {out}"));
    };
    Ok(Size {
        name: name.to_string(),
        text,
        data,
        bss,
        flash: text + data,
        stack: None,
    })
}

// ---------------------------------------------------------------------------------------------
// C bootloader

/// Device class of the bootloader demo images (16 bytes, hex).
const BOOT_DEVICE_CLASS: &str = "7071687962726964626f6f746c647231";
/// The device's anti-rollback counter (what the OTP would hold).
const BOOT_COUNTER: u64 = 5;

fn c_bootloader(root: &Path, results: &mut Results) -> Result<(), String> {
    let out = root.join(BOOT_OUT);
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;

    // The no_std C library for the M4.
    let mut c = cargo(root);
    c.args([
        "build",
        "--locked",
        "-p",
        "pqhybrid-ffi",
        "--release",
        "--no-default-features",
        "--features",
        VERIFY_ONLY_FEATURES,
        "--target",
        AN386.target,
    ])
    .env("CARGO_TARGET_DIR", root.join(TARGET_DIR).join("ffi"))
    .env(RUSTFLAGS_AN386, SIZE_RUSTFLAGS)
    // Smallest code for the bootloader: opt-level "s", fat LTO inside the static library
    // ("z" was measured 2-4 KB larger for this library).
    .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "s")
    .env("CARGO_PROFILE_RELEASE_LTO", "fat")
    .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "1")
    .env("CARGO_PROFILE_RELEASE_PANIC", "abort");
    checked(c)?;
    let lib = root
        .join(TARGET_DIR)
        .join("ffi")
        .join(AN386.target)
        .join("release")
        .join("libpqhybrid_ffi.a");

    // The host CLI, to make keys and sign: the dev profile, whose (optimised) dependencies
    // `cargo xtask test` has already built in CI, instead of a release build of the whole tree.
    // Signing is deterministic, so the images do not depend on the profile.
    let mut c = cargo(root);
    c.args(["build", "--locked", "-p", "pqhybrid-cli"]);
    checked(c)?;
    let cli = root.join("target/debug/pqhybrid");

    let key = out.join("release.key");
    let pubkey = out.join("release.pub");
    if !key.exists() {
        let mut c = Command::new(&cli);
        c.arg("keygen").arg("--out").arg(&key);
        checked(c)?;
    }
    let mut c = Command::new(&cli);
    c.arg("pubkey")
        .arg("--key")
        .arg(&key)
        .arg("--out")
        .arg(&pubkey);
    checked(c)?;
    let key_id = first_line(&capture(
        Command::new(&cli).arg("keyid").arg("--pubkey").arg(&pubkey),
    )?);
    if key_id.len() != 64 || !key_id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!(
            "unexpected key id from `pqhybrid keyid`: {key_id:?}"
        ));
    }
    write(&out.join("trust_anchor.h"), &anchor_header(&key_id)?)?;

    // A 256 KiB payload (a fixed pattern), then the images.
    let payload: Vec<u8> = (0u32..256 * 1024)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let payload_path = out.join("payload.bin");
    std::fs::write(&payload_path, &payload)
        .map_err(|e| format!("{}: {e}", payload_path.display()))?;
    // A payload longer than the bootloader's 1 MiB slot (linker.ld): rejected from its header.
    let big: Vec<u8> = payload.iter().copied().cycle().take(1100 * 1024).collect();
    let big_path = out.join("payload-big.bin");
    std::fs::write(&big_path, &big).map_err(|e| format!("{}: {e}", big_path.display()))?;
    let sign_payload = |name: &str, payload: &Path, security_version: u64| {
        let image = out.join(name);
        let mut c = Command::new(&cli);
        c.arg("sign")
            .arg("--key")
            .arg(&key)
            .arg("--image")
            .arg(payload)
            .arg("--out")
            .arg(&image)
            .args(["--security-version", &security_version.to_string()])
            .args(["--version", "1.4.0+77", "--device-class", BOOT_DEVICE_CLASS])
            .args(["--header-len", "256", "--deterministic"]);
        checked(c)?;
        Ok::<PathBuf, String>(image)
    };
    let sign =
        |name: &str, security_version: u64| sign_payload(name, &payload_path, security_version);
    let valid = sign("valid.pqfw", 7)?;
    let rollback = sign("rollback.pqfw", 3)?;
    let oversize = sign_payload("oversize.pqfw", &big_path, 7)?;
    let mut bytes = std::fs::read(&valid).map_err(|e| format!("{}: {e}", valid.display()))?;
    // Flip one payload byte (the payload starts at header_len = 256).
    if let Some(b) = bytes.get_mut(256 + 1000) {
        *b ^= 0x01;
    }
    let tampered = out.join("tampered.pqfw");
    std::fs::write(&tampered, &bytes).map_err(|e| format!("{}: {e}", tampered.display()))?;

    // Build and run one bootloader per image: (name, image, expected exit 0?, expected text).
    let cases = [
        ("valid", valid, true, "VALID"),
        ("tampered", tampered, false, "payload digest mismatch"),
        ("rollback", rollback, false, "rollback"),
        ("oversize", oversize, false, "longer than its slot"),
    ];
    let src = root.join(BOOT_DIR);
    for (name, image, ok, expect) in cases {
        let elf = out.join(format!("bootloader-{name}.elf"));
        let mut c = Command::new("make");
        c.arg("-C")
            .arg(&src)
            .arg("--no-print-directory")
            .arg(format!("OUT={}", out.display()))
            .arg(format!("IMAGE={}", image.display()))
            .arg(format!("ELF={}", elf.display()))
            .arg(format!("PQH_LIB={}", lib.display()))
            .arg(format!("PQH_INCLUDE={}", root.join("include").display()))
            .arg(format!("SECURITY_COUNTER={BOOT_COUNTER}"));
        checked(c)?;
        let (code, text) = qemu(AN386.qemu, &elf)?;
        print!("{text}");
        let verdict_ok = if ok {
            code == 0 && text.contains(expect)
        } else {
            code != 0 && text.to_lowercase().contains(&expect.to_lowercase())
        };
        if !verdict_ok {
            return Err(format!(
                "bootloader with the {name} image: exit {code}, expected {} and {expect:?}:\n{text}",
                if ok { "0" } else { "non-zero" }
            ));
        }
        let verdict = text
            .lines()
            .find(|l| l.starts_with("VALID") || l.starts_with("REJECTED"))
            .unwrap_or("")
            .to_string();
        if name == "valid" {
            let mut size = elf_size(
                &elf,
                "C bootloader (without the image slot; ML-DSA-65 + Ed25519)",
            )?;
            // The image lives in its own flash slot (section .image); report only the bootloader.
            let image_len = std::fs::metadata(&image).map_or(0, |m| m.len());
            size.text = size.text.saturating_sub(image_len);
            size.flash = size.text + size.data;
            size.stack = text
                .lines()
                .find_map(|l| l.strip_prefix("stack used: "))
                .and_then(|s| s.split_whitespace().next())
                .and_then(|s| s.parse().ok());
            results.sizes.push(size);
        }
        results.boot_runs.push((name.to_string(), code, verdict));
    }
    Ok(())
}

/// `trust_anchor.h`: the key id and device class as C arrays.
fn anchor_header(key_id: &str) -> Result<String, String> {
    let bytes = |hex: &str| -> Result<String, String> {
        let v: Result<Vec<String>, String> = (0..hex.len())
            .step_by(2)
            .map(|i| {
                hex.get(i..i + 2)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .map(|b| format!("0x{b:02x}"))
                    .ok_or_else(|| format!("bad hex {hex:?}"))
            })
            .collect();
        Ok(v?.join(", "))
    };
    Ok(format!(
        "/* Generated by `cargo xtask cortex-m` from `pqhybrid keyid`. Do not edit. */\n\
         #ifndef TRUST_ANCHOR_H\n#define TRUST_ANCHOR_H\n\
         #define TRUST_ANCHOR_KEY_ID {{ {} }}\n\
         #define DEVICE_CLASS {{ {} }}\n\
         #endif\n",
        bytes(key_id)?,
        bytes(BOOT_DEVICE_CLASS)?
    ))
}

// ---------------------------------------------------------------------------------------------
// Reports

fn render_json(r: &Results) -> String {
    let mut s = String::from("{\n");
    let _ = writeln!(s, "  \"generated_by\": \"cargo xtask cortex-m\",");
    let _ = writeln!(s, "  \"qemu\": {},", json_str(&r.qemu_version));
    let _ = writeln!(s, "  \"rustc\": {},", json_str(&r.rustc_version));
    let _ = writeln!(s, "  \"icount_shift\": 4,");
    s.push_str("  \"measurements\": [\n");
    for (i, m) in r.measurements.iter().enumerate() {
        let _ = write!(
            s,
            "    {{\"machine\": {}, \"alg\": {}, \"op\": {}, \"instructions\": {}, \"stack\": {}}}",
            json_str(&m.machine),
            json_str(&m.alg),
            json_str(&m.op),
            m.instructions,
            m.stack
        );
        s.push_str(if i + 1 < r.measurements.len() {
            ",\n"
        } else {
            "\n"
        });
    }
    s.push_str("  ],\n  \"sizes\": [\n");
    for (i, z) in r.sizes.iter().enumerate() {
        let _ = write!(
            s,
            "    {{\"name\": {}, \"text\": {}, \"data\": {}, \"bss\": {}, \"flash\": {}, \"stack\": {}}}",
            json_str(&z.name),
            z.text,
            z.data,
            z.bss,
            z.flash,
            z.stack.map_or("null".to_string(), |v| v.to_string())
        );
        s.push_str(if i + 1 < r.sizes.len() { ",\n" } else { "\n" });
    }
    s.push_str("  ]\n}\n");
    s
}

fn json_str(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(o, "\\u{:04x}", c as u32);
            }
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

fn group_thousands(n: u64) -> String {
    let s = n.to_string();
    let mut o = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            o.push('\u{202f}');
        }
        o.push(c);
    }
    o
}

fn render_markdown(r: &Results) -> String {
    let mut s = String::from(
        "# pqhybrid on Cortex-M\n\n\
         Generated by `cargo xtask cortex-m` (do not edit; `cargo xtask cortex-m --check` \
         compares a fresh run against `results.json`: +2 % instructions or +5 % stack fails).\n\n",
    );
    let _ = writeln!(
        s,
        "QEMU `-icount shift=4` (one instruction = 16 ns of virtual time), {}; {}; firmware built \
         with opt-level 3, fat LTO, no allocator (`pqhybrid` with `default-features = false`). \
         **Instructions** are retired instructions, counted with SysTick (calibrated against a \
         loop of known length; the measurement overhead is subtracted); they are not cycles \
         (an M4 takes more cycles than instructions for loads, branches and multiplies). \
         **Stack** is the high-water mark from stack painting, in bytes, below the caller's \
         frame. Keys are derived from fixed seeds (`keypair_from_seed`), signing is \
         deterministic, messages are 35 bytes with an empty context; everything goes through \
         the algorithm-agile layer (`SignatureAlgorithm`, `KemAlgorithm`) unless noted.\n",
        r.qemu_version, r.rustc_version
    );
    let mut machines: Vec<&str> = Vec::new();
    for m in &r.measurements {
        if !machines.contains(&m.machine.as_str()) {
            machines.push(&m.machine);
        }
    }
    for machine in machines {
        let _ = writeln!(s, "## {machine}\n");
        s.push_str("| algorithm | operation | instructions | stack bytes |\n|---|---|---:|---:|\n");
        for m in r.measurements.iter().filter(|m| m.machine == machine) {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} |",
                m.alg,
                m.op,
                group_thousands(m.instructions),
                group_thousands(m.stack)
            );
        }
        s.push('\n');
    }
    s.push_str("## Flash size of a verify-only bootloader\n\n");
    s.push_str("| build | text | data | bss | flash (text + data) | stack bytes |\n|---|---:|---:|---:|---:|---:|\n");
    for z in &r.sizes {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} |",
            z.name,
            group_thousands(z.text),
            group_thousands(z.data),
            group_thousands(z.bss),
            group_thousands(z.flash),
            z.stack.map_or("–".to_string(), group_thousands)
        );
    }
    s.push_str(
        "\nBoth verify-only builds compile in only the algorithms a bootloader for \
         MLDSA65-Ed25519-SHA512 images uses: `pqhybrid` with its `algorithm-subset`, \
         `alg-ml-dsa-65` and `alg-ed25519` features (every other algorithm stays in \
         `SignatureAlgorithm` but returns `Error::AlgorithmDisabled`, and the firmware verifier \
         rejects it as not allowed), sha2's compact software backend \
         (`--cfg sha2_backend_soft=\"compact\"`), and Ed25519 without curve25519-dalek's \
         precomputed basepoint tables (pqhybrid's `precomputed-tables` feature off: 7.5 KiB \
         less flash, a slower Ed25519 verify). The Rust verify-only firmware \
         (`--profile size --no-default-features --features verify-only`) still carries semihosting output and \
         `core::fmt`. The firmware verify rows keep the trailer buffer outside the measured stack (the \
         harness passes its own buffer to `Verifier::with_buffer`), as the C bootloader keeps its \
         verifier state in a static: both stack figures are the verification's own. \
         The C bootloader links `libpqhybrid_ffi.a` (thumbv7em, `--no-default-features`, \
         opt-level \"s\", fat LTO) with `--gc-sections`; the signed image sits in its own flash \
         slot and is not counted, the 17 KiB verifier state is a static (bss).\n\n",
    );
    if !r.boot_runs.is_empty() {
        s.push_str(
            "## C bootloader verdicts (mps2-an386)\n\n| image | exit | verdict |\n|---|---:|---|\n",
        );
        for (name, code, verdict) in &r.boot_runs {
            let _ = writeln!(s, "| {name} | {code} | {verdict} |");
        }
        s.push('\n');
    }
    s.push_str("## Targets\n\n");
    for line in target_lines(r) {
        let _ = writeln!(s, "* {line}");
    }
    s.push_str(
        "\nThe agile rows (`ML-DSA-*` / `verify`, the composites, firmware verify) run on \
         pqhybrid's compact verifier (feature `compact-verify`); `verify (backend, typed)` is \
         the libcrux backend's own verification through the typed API; keygen, sign, \
         encapsulation and decapsulation run on libcrux (portable code). The agile layer \
         takes seed-only private keys, so its `sign` includes key generation and its `decaps` \
         re-derives the key; the `typed [libcrux]` and `typed [RustCrypto]` rows are the \
         typed API with a held key on each backend (both compiled into this firmware, \
         feature `rustcrypto-rows`), the primitive's own cost. The `ml-dsa crate` row is \
         RustCrypto `ml-dsa` alone, for comparison.\n",
    );
    s
}

fn find<'a>(r: &'a Results, machine: &str, alg: &str, op: &str) -> Option<&'a Measurement> {
    r.measurements.iter().find(|m| {
        m.machine.starts_with(machine)
            && !m.machine.ends_with(VERIFY_ONLY_SUFFIX)
            && m.alg == alg
            && m.op == op
    })
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "**missed**" }
}

/// (algorithm, operation, what, instruction budget, stack budget)
type Budget = (
    &'static str,
    &'static str,
    &'static str,
    Option<u64>,
    Option<u64>,
);

fn target_lines(r: &Results) -> Vec<String> {
    let mut lines = Vec::new();
    let m4 = "mps2-an386";
    // (algorithm, operation, what, instruction budget, stack budget)
    let budgets: [Budget; 17] = [
        (
            "ML-DSA-65",
            "verify",
            "compact ML-DSA-65 verify (compact-verify-fast)",
            Some(5_000_000),
            Some(10 * KIB),
        ),
        (
            "ML-DSA-87",
            "verify",
            "compact ML-DSA-87 verify (compact-verify-fast)",
            None,
            Some(12 * KIB),
        ),
        (
            "ML-DSA-65",
            "verify (backend, typed)",
            "libcrux ML-DSA-65 verify",
            Some(3_600_000),
            None,
        ),
        (
            "ML-DSA-65",
            "keygen",
            "libcrux ML-DSA-65 keygen (agile, from the seed)",
            Some(3_800_000),
            None,
        ),
        (
            "ML-DSA-65",
            "sign",
            "libcrux ML-DSA-65 sign (agile: keygen from the seed + sign)",
            Some(7_000_000),
            None,
        ),
        (
            "ML-DSA-65",
            "sign (held key)",
            "libcrux ML-DSA-65 sign (agile, held `agile::SigningKey`)",
            Some(7_000_000),
            None,
        ),
        (
            "ML-KEM-768",
            "keygen",
            "libcrux ML-KEM-768 keygen (agile)",
            Some(1_000_000),
            Some(28 * KIB),
        ),
        (
            "ML-KEM-768",
            "encaps",
            "libcrux ML-KEM-768 encaps (agile)",
            Some(1_100_000),
            Some(28 * KIB),
        ),
        (
            "ML-KEM-768",
            "decaps",
            "libcrux ML-KEM-768 decaps (agile: key from the seed + decaps)",
            Some(1_300_000),
            Some(28 * KIB),
        ),
        (
            "ML-KEM-768",
            "decaps (held key)",
            "libcrux ML-KEM-768 decaps (agile, held `agile::DecapsulationKey`)",
            Some(1_300_000),
            Some(28 * KIB),
        ),
        (
            "ML-DSA-65 typed [libcrux]",
            "keygen",
            "libcrux ML-DSA-65 keygen (typed)",
            Some(3_800_000),
            None,
        ),
        (
            "ML-DSA-65 typed [libcrux]",
            "sign (held key)",
            "libcrux ML-DSA-65 sign (typed, held key)",
            Some(7_000_000),
            None,
        ),
        (
            "ML-KEM-768 typed [libcrux]",
            "keygen",
            "libcrux ML-KEM-768 keygen (typed)",
            Some(1_000_000),
            Some(28 * KIB),
        ),
        (
            "ML-KEM-768 typed [libcrux]",
            "encaps",
            "libcrux ML-KEM-768 encaps (typed)",
            Some(1_100_000),
            Some(28 * KIB),
        ),
        (
            "ML-KEM-768 typed [libcrux]",
            "decaps (held key)",
            "libcrux ML-KEM-768 decaps (typed, held key)",
            Some(1_300_000),
            Some(28 * KIB),
        ),
        (
            "MLDSA65-Ed25519-SHA512",
            "firmware verify 256 KiB",
            "firmware verify 256 KiB (MLDSA65-Ed25519; compact-verify-fast)",
            None,
            Some(16 * KIB),
        ),
        (
            "MLDSA65-Ed25519-SHA512",
            "firmware verify 256 KiB endorsed",
            "firmware verify 256 KiB, endorsed (compact-verify-fast)",
            None,
            Some(24 * KIB),
        ),
    ];
    for (alg, op, what, instr, stack) in budgets {
        let Some(m) = find(r, m4, alg, op) else {
            continue;
        };
        if let Some(budget) = instr {
            lines.push(format!(
                "{what} ≤ {} instructions: {} ({})",
                group_thousands(budget),
                verdict(m.instructions <= budget),
                group_thousands(m.instructions)
            ));
        }
        if let Some(budget) = stack {
            lines.push(format!(
                "{what} stack ≤ {} KiB: {} ({} bytes)",
                budget / KIB,
                verdict(m.stack <= budget),
                group_thousands(m.stack)
            ));
        }
    }
    // The bootloader configuration (the verify-only build) against the firmware budgets.
    for (alg, op, what, stack) in [
        (
            "MLDSA65-Ed25519-SHA512",
            "firmware verify 256 KiB",
            "firmware verify 256 KiB (MLDSA65-Ed25519), verify-only build",
            16 * KIB,
        ),
        (
            "MLDSA65-Ed25519-SHA512",
            "firmware verify 256 KiB endorsed",
            "firmware verify 256 KiB, endorsed, verify-only build",
            24 * KIB,
        ),
        (
            "ML-DSA-65",
            "verify",
            "compact ML-DSA-65 verify, verify-only build (RustCrypto Keccak)",
            10 * KIB,
        ),
    ] {
        let Some(m) = r.measurements.iter().find(|m| {
            m.machine.starts_with(m4)
                && m.machine.ends_with(VERIFY_ONLY_SUFFIX)
                && m.alg == alg
                && m.op == op
        }) else {
            continue;
        };
        lines.push(format!(
            "{what} stack ≤ {} KiB: {} ({} bytes; {} instructions)",
            stack / KIB,
            verdict(m.stack <= stack),
            group_thousands(m.stack),
            group_thousands(m.instructions)
        ));
    }
    for z in &r.sizes {
        if let Some(stack) = z.stack {
            lines.push(format!(
                "firmware verify stack ≤ 16 KiB besides the verifier state, {}: {} ({} bytes; \
                 the trailer buffer / verifier state outside the measured stack in both)",
                z.name,
                verdict(stack <= 16 * KIB),
                group_thousands(stack)
            ));
        }
    }
    for z in &r.sizes {
        lines.push(format!(
            "verify-only bootloader flash ≤ 64 KiB, {}: {} ({} bytes)",
            z.name,
            verdict(z.flash <= 64 * KIB),
            group_thousands(z.flash)
        ));
    }
    lines
}

fn print_targets(r: &Results) {
    for line in target_lines(r) {
        println!("cortex-m: target: {}", line.replace("**", ""));
    }
}

/// Fails on growth beyond the tolerances; reports improvements, new and vanished entries.
fn compare(baseline: &[Measurement], fresh: &[Measurement]) -> Result<(), String> {
    let base: BTreeMap<_, _> = baseline.iter().map(|m| (m.key(), m)).collect();
    let mut regressions = Vec::new();
    for m in fresh {
        let Some(b) = base.get(&m.key()) else {
            println!(
                "cortex-m: new (no baseline): {} / {} / {}",
                m.machine, m.alg, m.op
            );
            continue;
        };
        for (what, new, old, tol) in [
            (
                "instructions",
                m.instructions,
                b.instructions,
                INSTRUCTION_TOLERANCE,
            ),
            ("stack", m.stack, b.stack, STACK_TOLERANCE),
        ] {
            let change = if old == 0 {
                if new == 0 { 0.0 } else { f64::INFINITY }
            } else {
                (new as f64 - old as f64) / old as f64
            };
            let line = format!(
                "{} / {} / {}: {what} {old} -> {new} ({:+.2} %)",
                m.machine,
                m.alg,
                m.op,
                change * 100.0
            );
            if change > tol {
                regressions.push(line);
            } else if new < old {
                println!("cortex-m: improved: {line}");
            }
        }
    }
    let fresh_keys: Vec<_> = fresh.iter().map(Measurement::key).collect();
    for b in baseline {
        if !fresh_keys.contains(&b.key()) {
            println!(
                "cortex-m: no longer measured: {} / {} / {}",
                b.machine, b.alg, b.op
            );
        }
    }
    if regressions.is_empty() {
        println!("cortex-m: within budget ({} measurements)", fresh.len());
        Ok(())
    } else {
        Err(format!(
            "over budget (instructions +{:.0} %, stack +{:.0} %):\n  {}",
            INSTRUCTION_TOLERANCE * 100.0,
            STACK_TOLERANCE * 100.0,
            regressions.join("\n  ")
        ))
    }
}

fn parse_results_json(s: &str) -> Result<Vec<Measurement>, String> {
    let v = Json::parse(s)?;
    let Some(Json::Array(items)) = v.get("measurements") else {
        return Err("no \"measurements\" array".into());
    };
    items
        .iter()
        .map(|m| measurement(m).ok_or_else(|| format!("bad measurement {m:?}")))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// A small JSON reader (the firmware's lines and results.json).

#[derive(Clone, Debug, PartialEq)]
enum Json {
    Null,
    Bool(bool),
    Number(f64, String),
    Str(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    fn parse(s: &str) -> Result<Json, String> {
        let mut p = Parser {
            b: s.as_bytes(),
            i: 0,
        };
        let v = p.value()?;
        p.ws();
        if p.i != p.b.len() {
            return Err(format!("trailing characters at {}", p.i));
        }
        Ok(v)
    }

    fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    fn as_u64(&self) -> Option<u64> {
        match self {
            Json::Number(_, text) => text.parse().ok(),
            _ => None,
        }
    }
}

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.b.get(self.i).is_some_and(u8::is_ascii_whitespace) {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> Result<(), String> {
        self.ws();
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(format!("expected '{}' at {}", c as char, self.i))
        }
    }

    fn lit(&mut self, word: &str, v: Json) -> Result<Json, String> {
        if self.b.get(self.i..self.i + word.len()) == Some(word.as_bytes()) {
            self.i += word.len();
            Ok(v)
        } else {
            Err(format!("bad literal at {}", self.i))
        }
    }

    fn value(&mut self) -> Result<Json, String> {
        self.ws();
        match self.peek() {
            Some(b'{') => {
                self.i += 1;
                let mut fields = Vec::new();
                self.ws();
                if self.peek() == Some(b'}') {
                    self.i += 1;
                    return Ok(Json::Object(fields));
                }
                loop {
                    self.ws();
                    let k = self.string()?;
                    self.eat(b':')?;
                    let v = self.value()?;
                    fields.push((k, v));
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return Ok(Json::Object(fields));
                        }
                        _ => return Err(format!("expected ',' or '}}' at {}", self.i)),
                    }
                }
            }
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.peek() == Some(b']') {
                    self.i += 1;
                    return Ok(Json::Array(items));
                }
                loop {
                    items.push(self.value()?);
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            return Ok(Json::Array(items));
                        }
                        _ => return Err(format!("expected ',' or ']' at {}", self.i)),
                    }
                }
            }
            Some(b'"') => Ok(Json::Str(self.string()?)),
            Some(b't') => self.lit("true", Json::Bool(true)),
            Some(b'f') => self.lit("false", Json::Bool(false)),
            Some(b'n') => self.lit("null", Json::Null),
            Some(c) if c == b'-' || c.is_ascii_digit() => {
                let start = self.i;
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_digit() || b"+-.eE".contains(&c))
                {
                    self.i += 1;
                }
                let text = String::from_utf8_lossy(&self.b[start..self.i]).into_owned();
                let n = text.parse().map_err(|_| format!("bad number {text:?}"))?;
                Ok(Json::Number(n, text))
            }
            _ => Err(format!("unexpected input at {}", self.i)),
        }
    }

    fn string(&mut self) -> Result<String, String> {
        if self.peek() != Some(b'"') {
            return Err(format!("expected a string at {}", self.i));
        }
        self.i += 1;
        let mut out = Vec::new();
        loop {
            let c = self.peek().ok_or("unterminated string")?;
            self.i += 1;
            match c {
                b'"' => break,
                b'\\' => {
                    let e = self.peek().ok_or("unterminated escape")?;
                    self.i += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b't' => out.push(b'\t'),
                        b'r' => out.push(b'\r'),
                        b'u' => {
                            let hex = self
                                .b
                                .get(self.i..self.i + 4)
                                .and_then(|h| std::str::from_utf8(h).ok())
                                .and_then(|h| u32::from_str_radix(h, 16).ok())
                                .and_then(char::from_u32)
                                .ok_or("bad \\u escape")?;
                            self.i += 4;
                            let mut buf = [0u8; 4];
                            out.extend_from_slice(hex.encode_utf8(&mut buf).as_bytes());
                        }
                        other => out.push(other),
                    }
                }
                c => out.push(c),
            }
        }
        String::from_utf8(out).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_firmware_lines() {
        let out = "{\"machine\":\"m\",\"calibration\":{\"expected_instructions\":8000000,\"measured_instructions\":8000000,\"ticks\":3200000}}\n\
                   {\"machine\":\"m\",\"alg\":\"ML-DSA-65\",\"op\":\"verify\",\"instructions\":123,\"stack\":456}\n\
                   {\"done\":true}\n";
        let ms = parse_bench_output(out).expect("parses");
        assert_eq!(ms.len(), 1);
        assert_eq!(ms[0].instructions, 123);
        assert_eq!(ms[0].stack, 456);
    }

    #[test]
    fn budgets() {
        let m = |i, s| Measurement {
            machine: "m".into(),
            alg: "a".into(),
            op: "o".into(),
            instructions: i,
            stack: s,
        };
        assert!(compare(&[m(1000, 1000)], &[m(1020, 1050)]).is_ok());
        assert!(compare(&[m(1000, 1000)], &[m(1021, 1000)]).is_err());
        assert!(compare(&[m(1000, 1000)], &[m(1000, 1051)]).is_err());
        assert!(compare(&[m(1000, 1000)], &[m(10, 10)]).is_ok());
    }

    #[test]
    fn json_round_trip() {
        let r = Results {
            measurements: vec![Measurement {
                machine: "mps2-an386 (Cortex-M4)".into(),
                alg: "X\"Y".into(),
                op: "verify".into(),
                instructions: 1,
                stack: 2,
            }],
            ..Results::default()
        };
        let parsed = parse_results_json(&render_json(&r)).expect("parses");
        assert_eq!(parsed, r.measurements);
    }
}
