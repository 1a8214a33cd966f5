//! `cargo xtask fuzz --seconds N`: builds the cargo-fuzz targets in `fuzz/` (nightly, release
//! with debug assertions, AddressSanitizer: cargo-fuzz's defaults), writes the seed corpora
//! from the known-answer vectors (`fuzz/src/bin/gen_corpus.rs`, into `fuzz/corpus/<target>/`),
//! then runs every target for N seconds, two at a time, and prints its executions and crashes.
//! Fails if any target crashed (the reproducer is in `fuzz/artifacts/<target>/`).
//!
//! Installs what it needs: `cargo install cargo-fuzz` if `cargo fuzz --version` fails, and the
//! nightly toolchain if rustup has none.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::cmd::{self, cargo_nightly, ensure_nightly};

/// The fuzz targets, in the order they run (each is `fuzz/fuzz_targets/<name>.rs`).
pub const TARGETS: [&str; 19] = [
    "sig_decode",
    "kem_decode",
    "hpke_open",
    "spki",
    "pkcs8",
    "pem",
    "composite_verify",
    "composite_diff",
    "ml_dsa_verify_diff",
    "ml_dsa_compact_sign",
    "ml_kem_compact_diff",
    "fw_header",
    "fw_verify",
    "fw_decrypt",
    "trust_store",
    "identity",
    "ffi_sig",
    "ffi_kem",
    "ffi_fw",
];

/// Targets fuzzed at the same time (one libFuzzer process each).
const PARALLEL: usize = 2;

/// libFuzzer's per-input time limit (seconds): SLH-DSA key generation under ASan is the
/// slowest legitimate input, well below this.
const PER_INPUT_TIMEOUT: u64 = 120;

/// The outcome of one target's run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Inputs executed (libFuzzer's `stat::number_of_executed_units`).
    pub execs: u64,
    /// Crash, timeout, OOM and leak reproducers written by this run.
    pub crashes: Vec<PathBuf>,
    /// libFuzzer's exit status was success.
    pub success: bool,
}

/// Runs the whole fuzz step.
pub fn run(root: &Path, seconds: u64) -> Result<(), String> {
    let started = Instant::now();
    let fuzz_dir = root.join("fuzz");
    ensure_nightly(&[])?;
    ensure_cargo_fuzz()?;

    let t = Instant::now();
    let mut build = cargo_nightly(root);
    build.args(["fuzz", "build", "--fuzz-dir"]).arg(&fuzz_dir);
    cmd::run(build)?;
    println!("fuzz: build: {:.1}s", t.elapsed().as_secs_f64());

    let bin_dir = fuzz_dir.join("target").join(host_triple()?).join("release");
    let corpus_root = fuzz_dir.join("corpus");
    let t = Instant::now();
    let mut gen_cmd = Command::new(bin_dir.join("gen_corpus"));
    gen_cmd.arg(root).arg(&corpus_root).current_dir(root);
    // The generator is instrumented like the targets; leaks at exit are not its concern.
    gen_cmd.env("ASAN_OPTIONS", "detect_leaks=0");
    cmd::run(gen_cmd)?;
    println!("fuzz: seed corpora: {:.1}s", t.elapsed().as_secs_f64());

    let mut failed = Vec::new();
    let mut total_execs = 0u64;
    // Two targets at a time: libFuzzer runs one process on one core, and CI has two.
    for pair in TARGETS.chunks(PARALLEL) {
        let t = Instant::now();
        let outcomes: Vec<Result<Outcome, String>> = std::thread::scope(|scope| {
            let handles: Vec<_> = pair
                .iter()
                .map(|target| {
                    let corpus = corpus_root.join(target);
                    let artifacts = fuzz_dir.join("artifacts").join(target);
                    let log = fuzz_dir.join("target").join(format!("fuzz-{target}.log"));
                    let bin = bin_dir.join(target);
                    scope.spawn(move || {
                        fs::create_dir_all(&corpus)
                            .map_err(|e| format!("{}: {e}", corpus.display()))?;
                        fs::create_dir_all(&artifacts)
                            .map_err(|e| format!("{}: {e}", artifacts.display()))?;
                        run_target(&bin, &corpus, &artifacts, &log, seconds)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| Err("fuzz runner thread panicked".into()))
                })
                .collect()
        });
        for (target, outcome) in pair.iter().zip(outcomes) {
            let outcome = outcome?;
            let log = fuzz_dir.join("target").join(format!("fuzz-{target}.log"));
            total_execs += outcome.execs;
            println!(
                "fuzz: {target}: {} execs in {:.0}s, {} crashes{}",
                outcome.execs,
                t.elapsed().as_secs_f64(),
                outcome.crashes.len(),
                if outcome.success && outcome.crashes.is_empty() {
                    String::new()
                } else {
                    format!(" (log: {})", log.display())
                }
            );
            for c in &outcome.crashes {
                println!("fuzz:   reproducer: {}", c.display());
            }
            if !outcome.success || !outcome.crashes.is_empty() {
                failed.push(*target);
            }
        }
    }
    println!(
        "fuzz: {} targets, {total_execs} execs, {:.1}s in total",
        TARGETS.len(),
        started.elapsed().as_secs_f64()
    );
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "crashes in {}: reproduce with `fuzz/target/<triple>/release/<target> <reproducer>`",
            failed.join(", ")
        ))
    }
}

fn ensure_cargo_fuzz() -> Result<(), String> {
    let ok = Command::new("cargo")
        .args(["fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        return Ok(());
    }
    println!("fuzz: cargo-fuzz not found, installing it");
    let t = Instant::now();
    let mut c = Command::new("cargo");
    c.args(["install", "cargo-fuzz", "--locked"]);
    cmd::default_jobs(&mut c);
    cmd::run(c)?;
    println!(
        "fuzz: cargo install cargo-fuzz: {:.1}s",
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

fn host_triple() -> Result<String, String> {
    let out = Command::new("rustc")
        .arg("-vV")
        .output()
        .map_err(|e| format!("could not run `rustc -vV`: {e}"))?;
    parse_host(&String::from_utf8_lossy(&out.stdout))
        .ok_or_else(|| "no `host:` line in `rustc -vV`".to_string())
}

/// The `host:` line of `rustc -vV`.
fn parse_host(vv: &str) -> Option<String> {
    vv.lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(|h| h.trim().to_string())
}

/// Runs one fuzz target binary for `seconds` on its corpus; its output goes to `log`.
pub fn run_target(
    bin: &Path,
    corpus: &Path,
    artifacts: &Path,
    log: &Path,
    seconds: u64,
) -> Result<Outcome, String> {
    let before = reproducers(artifacts)?;
    let log_file = fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
    let log_err = log_file
        .try_clone()
        .map_err(|e| format!("{}: {e}", log.display()))?;
    let mut prefix = artifacts.as_os_str().to_owned();
    prefix.push("/");
    let status = Command::new(bin)
        .arg(corpus)
        .arg(format!("-max_total_time={seconds}"))
        .arg(format!("-timeout={PER_INPUT_TIMEOUT}"))
        .arg("-print_final_stats=1")
        .arg({
            let mut a = std::ffi::OsString::from("-artifact_prefix=");
            a.push(&prefix);
            a
        })
        .stdout(log_file)
        .stderr(log_err)
        .status()
        .map_err(|e| format!("could not run {}: {e}", bin.display()))?;
    let text = fs::read_to_string(log).map_err(|e| format!("{}: {e}", log.display()))?;
    let crashes = reproducers(artifacts)?
        .into_iter()
        .filter(|p| !before.contains(p))
        .collect();
    Ok(Outcome {
        execs: parse_execs(&text).unwrap_or(0),
        crashes,
        success: status.success(),
    })
}

/// The reproducers libFuzzer writes (`crash-`, `timeout-`, `oom-`, `leak-`, `slow-unit-` are
/// not failures and not counted).
fn reproducers(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(out);
    };
    for e in entries {
        let p = e.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
        if name.is_some_and(|n| is_reproducer_name(&n)) {
            out.push(p);
        }
    }
    out.sort();
    Ok(out)
}

fn is_reproducer_name(name: &str) -> bool {
    ["crash-", "timeout-", "oom-", "leak-"]
        .iter()
        .any(|p| name.starts_with(p))
}

/// `stat::number_of_executed_units: N` from `-print_final_stats=1`, or else the last
/// `#N ...` status line.
fn parse_execs(log: &str) -> Option<u64> {
    let stat = log.lines().find_map(|l| {
        l.strip_prefix("stat::number_of_executed_units:")
            .and_then(|v| v.trim().parse().ok())
    });
    stat.or_else(|| {
        log.lines().rev().find_map(|l| {
            let rest = l.strip_prefix('#')?;
            let n = rest.split_whitespace().next()?;
            n.parse().ok()
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn execs_from_final_stats() {
        let log = "#1024\tpulse  cov: 10 ft: 20\n#2048\tDONE   cov: 1\nstat::number_of_executed_units: 2061\nstat::average_exec_per_sec:     68\n";
        assert_eq!(parse_execs(log), Some(2061));
    }

    #[test]
    fn execs_from_status_line_when_no_stats() {
        let log =
            "INFO: seed\n#512\tNEW    cov: 3\n#900\tREDUCE cov: 3\n==123== ERROR: deadly signal\n";
        assert_eq!(parse_execs(log), Some(900));
        assert_eq!(parse_execs("no numbers here\n"), None);
    }

    #[test]
    fn host_line() {
        let vv = "rustc 1.95.0\nbinary: rustc\nhost: x86_64-unknown-linux-gnu\nrelease: 1.95.0\n";
        assert_eq!(parse_host(vv).as_deref(), Some("x86_64-unknown-linux-gnu"));
        assert_eq!(parse_host("rustc 1.95.0\n"), None);
    }

    #[test]
    fn reproducer_names() {
        assert!(is_reproducer_name(
            "crash-da39a3ee5e6b4b0d3255bfef95601890afd80709"
        ));
        assert!(is_reproducer_name("timeout-0a"));
        assert!(is_reproducer_name("oom-1"));
        assert!(!is_reproducer_name("slow-unit-1"));
        assert!(!is_reproducer_name("seed-0001"));
    }

    #[test]
    fn every_target_has_a_source_file() {
        let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/fuzz_targets");
        for t in TARGETS {
            assert!(
                fuzz.join(format!("{t}.rs")).is_file(),
                "missing fuzz target {t}"
            );
        }
    }
}
