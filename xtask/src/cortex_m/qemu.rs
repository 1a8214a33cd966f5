//! The Rust benchmark harness (`benches/cortex-m/`): building it, running it under QEMU and
//! reading its output (one JSON object a line), and the flash size of an ELF.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::{
    AN386, BENCH_DIR, Machine, Measurement, RUSTFLAGS_AN386, Results, SIZE_RUSTFLAGS, Size,
    TARGET_DIR, VERIFY_ONLY_SUFFIX, firmware_cargo,
};
use crate::cmd::{capture, run, show};

/// A QEMU run that takes longer than this is a hang.
const QEMU_TIMEOUT: Duration = Duration::from_secs(600);

const BENCH_BIN: &str = "pqhybrid-cortex-m-bench";

/// Builds the benchmark firmware; returns the ELF's path.
pub(super) fn build_bench(
    root: &Path,
    target: &str,
    profile: &str,
    extra: &[&str],
    env: &[(&str, &str)],
) -> Result<PathBuf, String> {
    let dir = root.join(BENCH_DIR);
    let target_dir = root.join(TARGET_DIR);
    let mut c = firmware_cargo(&dir);
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
    run(c)?;
    Ok(target_dir.join(target).join(profile).join(BENCH_BIN))
}

/// Builds and runs the verify-only configuration of the firmware (the bootloader's: opt-level
/// "z", only ML-DSA-65 and Ed25519, sha2's compact backend) on the M4; adds its measurements,
/// under their own machine name, and its flash size to `results`.
pub(super) fn verify_only(root: &Path, results: &mut Results) -> Result<(), String> {
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
        .filter_map(|l| serde_json::from_str::<Value>(l.trim()).ok())
        .find_map(|v| v.get("image_bytes").and_then(Value::as_u64))
        .ok_or("the verify-only firmware did not print image_bytes")?;
    size.text = size.text.saturating_sub(image_bytes);
    size.flash = size.text + size.data;
    size.stack = fw_stack;
    results.sizes.push(size);
    Ok(())
}

/// Runs a firmware under QEMU (`-icount shift=4`, semihosting); returns its stdout, or an
/// error with the output if it exits non-zero or hangs.
pub(super) fn run_qemu(m: &Machine, elf: &Path) -> Result<String, String> {
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
pub(super) fn qemu(machine: &[&str], elf: &Path) -> Result<(i32, String), String> {
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
    let shown = show(&c);
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

/// The measurements in the firmware's output; error unless it printed a calibration line within
/// 0.1 % and its `done` line, and no `error` line.
pub(super) fn parse_bench_output(out: &str) -> Result<Vec<Measurement>, String> {
    let mut ms = Vec::new();
    let mut calibrated = false;
    let mut done = false;
    for line in out.lines().map(str::trim).filter(|l| l.starts_with('{')) {
        let v: Value = serde_json::from_str(line).map_err(|e| format!("bad line {line:?}: {e}"))?;
        if let Some(e) = v.get("error") {
            return Err(format!("firmware error: {}", e.as_str().unwrap_or("?")));
        }
        if v.get("done").is_some() {
            done = true;
            continue;
        }
        if let Some(c) = v.get("calibration") {
            let expected = c.get("expected_instructions").and_then(Value::as_u64);
            let measured = c.get("measured_instructions").and_then(Value::as_u64);
            match (expected, measured) {
                (Some(e), Some(m)) if e.abs_diff(m) * 1000 <= e => calibrated = true,
                _ => return Err(format!("SysTick calibration is off: {line}")),
            }
            continue;
        }
        ms.push(Measurement::from_json(&v).ok_or_else(|| format!("bad measurement {line:?}"))?);
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

/// `arm-none-eabi-size` (Berkeley format) of an ELF.
pub(super) fn elf_size(elf: &Path, name: &str) -> Result<Size, String> {
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
    fn rejects_bad_firmware_output() {
        let cal =
            "{\"calibration\":{\"expected_instructions\":1000,\"measured_instructions\":1000}}\n";
        // No `done`; no calibration; a calibration 0.2 % off; an `error` line; a bad line.
        assert!(parse_bench_output(cal).is_err());
        assert!(parse_bench_output("{\"done\":true}\n").is_err());
        assert!(
            parse_bench_output(
                "{\"calibration\":{\"expected_instructions\":1000,\"measured_instructions\":1002}}\n{\"done\":true}\n"
            )
            .is_err()
        );
        assert!(
            parse_bench_output(&format!("{cal}{{\"error\":\"x\"}}\n{{\"done\":true}}\n")).is_err()
        );
        assert!(
            parse_bench_output(&format!("{cal}{{\"machine\":1}}\n{{\"done\":true}}\n")).is_err()
        );
        assert!(parse_bench_output(&format!("{cal}{{not json\n{{\"done\":true}}\n")).is_err());
        // Other output (semihosting text) is ignored.
        assert!(parse_bench_output(&format!("hello\n{cal}{{\"done\":true}}\n")).is_ok());
    }
}
