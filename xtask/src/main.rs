//! Project automation for pqhybrid, run as `cargo xtask <command>`
//! (alias in `.cargo/config.toml`). Plain std, except cbindgen (`header`) and the vector loader
//! (`c-tests`), both for the C ABI in `ffi.rs`.

mod bench;
mod cmd;
mod cortex_m;
mod ct;
mod disk;
mod ffi;
mod fuzz;
mod interop;
mod package;
mod supply;
mod vectors;
mod wasm;

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use cmd::{flush, run, show};

/// Cross targets that must build (`--no-default-features`).
const EMBEDDED_TARGETS: [&str; 2] = ["thumbv7em-none-eabihf", "thumbv8m.main-none-eabihf"];
/// WebAssembly target; built with `--no-default-features --features alloc`.
const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// Cortex-M0/M0+ (no atomic compare-and-swap). See [`THUMBV6M_REQUIRED`].
const THUMBV6M: &str = "thumbv6m-none-eabi";
/// The core built for `thumbv6m-none-eabi` when this was set up, so it is
/// required. Set to `false` to only attempt it: a failure is then reported as
/// "thumbv6m-none-eabi: not supported: `<first error line>`" without failing CI.
const THUMBV6M_REQUIRED: bool = true;
/// Separate target dir so cross builds don't invalidate host builds.
const CROSS_TARGET_DIR: &str = "target/cross";

type StepResult = Result<(), String>;

const HELP: &str = "\
usage: cargo xtask <command>

commands:
  ci              components, fmt, header --check, clippy, test, kat, c-tests, c-example,
                  check-targets, doc, package, bench --quick, ct, ct --thumb, cortex-m --check,
                  miri, deny, sbom, wasm, fuzz --seconds 30 (in that order; their cargo tools
                  and the fuzz targets build in the background from the start: see `prefetch`)
  fmt             cargo fmt --all -- --check
  header          regenerate include/pqhybrid.h from ffi/ (cbindgen, ffi/cbindgen.toml)
  header --check  fail if regenerating include/pqhybrid.h would change it
  c-tests         build the static C library, compile tests/c/ with gcc -fsanitize=address,undefined
                  and run it on the known-answer vectors (converted to target/c-tests/vectors.txt)
  install-c --prefix DIR [--static-only] [--hazmat]
                  install include/pqhybrid.h, lib/libpqhybrid.a, lib/libpqhybrid.so.0.1(.0) with
                  its links (not with --static-only), lib/pkgconfig/pqhybrid.pc and
                  pqhybrid-static.pc (relocatable), and lib/cmake/pqhybrid/ (find_package(pqhybrid))
                  into DIR; --hazmat builds pqh_kem_encapsulate_deterministic in (PQH_HAZMAT)
  c-example       install-c into target/c-host/prefix, build examples/c-host with CMake and with
                  pkg-config, and run both (installs cmake with apt-get if missing and root)
  clippy          cargo clippy --workspace --all-targets --all-features -- -D warnings
  test            cargo test --workspace --all-features
  kat             run tests/kat_*.rs with --nocapture and sum their `kat:` lines
  check-targets   build the core (no_std) for thumbv7em, thumbv8m.main, thumbv6m, wasm32, and
                  the C static library (pqhybrid-ffi) for thumbv7em, thumbv8m.main (thumbv6m tried)
  doc             cargo doc --workspace --no-deps --all-features (RUSTDOCFLAGS=-D warnings)
  package         cargo package -p pqhybrid --locked --no-verify --allow-dirty, and check the
                  .crate's file list: README.md, license files, src/lib.rs and docs/ in it,
                  nothing from kat-vectors/ or a target/ directory
  identity-interop
                  the identity KAT documents through OpenSSL and pyca/cryptography (venv in
                  target/pyenv): parse, fields, ML-DSA-65 signatures; and pyca's CSR and chain
                  through the pqhybrid CLI
  cortex-m [--check]
                  Cortex-M4/M33 benchmarks and the C bootloader under QEMU (-icount); --check holds
                  instruction counts (+2 %) and stack (+5 %) to benches/cortex-m/results.json
  wasm [--bench]  build, pack and test the npm package (node:test + headless Chromium);
                  --bench compares against @noble/post-quantum
  ct [--thumb]    constant-time checks: valgrind secret-taint run on x86-64 (ct/), or with
                  --thumb no udiv/sdiv reachable from secret-dependent entry points (thumbv7em,
                  thumbv8m.main reported)
  fuzz --seconds N
                  build fuzz/ (cargo-fuzz, nightly) and run every target for N seconds
  bench [--quick] criterion benches (benches/); --quick only checks that they run
  deny            cargo deny check licenses bans sources (deny.toml)
  sbom            CycloneDX SBOMs for the crate and the C library (target/sbom/)
  miri            cargo +nightly miri test -p pqhybrid-ffi (the Miri-sized tests)
  prefetch        install cargo-deny, cargo-cyclonedx, cargo-fuzz and wasm-bindgen-cli and build
                  the fuzz targets (what `ci` does in the background; log in target/ci-tools.log)
  help            this text

Children get CARGO_BUILD_JOBS=2 unless it is already set.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let cmd = args.first().map(String::as_str).unwrap_or("help");
    let rest: Vec<&str> = args.iter().skip(1).map(String::as_str).collect();
    let takes_args = matches!(
        cmd,
        "header" | "install-c" | "cortex-m" | "wasm" | "ct" | "fuzz" | "bench"
    );
    if !takes_args && !rest.is_empty() {
        eprintln!("xtask: `{cmd}` takes no arguments (got {:?})", &args[1..]);
        return ExitCode::from(2);
    }
    let ctx = Ctx::new();
    let result = match (cmd, rest.as_slice()) {
        ("header", []) => step("header", || ffi::header(&ctx, false)),
        ("cortex-m", []) => step("cortex-m", || cortex_m::run(&ctx.root, false)),
        ("cortex-m", ["--check"]) => step("cortex-m", || cortex_m::run(&ctx.root, true)),
        ("wasm", []) => step("wasm", || wasm::run(&ctx.root)),
        ("wasm", ["--bench"]) => step("wasm-bench", || wasm::bench(&ctx.root)),
        ("header", ["--check"]) => step("header", || ffi::header(&ctx, true)),
        ("ct", []) => step("ct", || ct::run(&ctx.root, false)),
        ("ct", ["--thumb"]) => step("ct-thumb", || ct::run(&ctx.root, true)),
        ("fuzz", ["--seconds", n]) => match n.parse::<u64>() {
            Ok(secs) => step("fuzz", || fuzz::run(&ctx.root, secs)),
            Err(_) => {
                eprintln!("xtask: `fuzz --seconds N` needs a whole number of seconds, got `{n}`");
                return ExitCode::from(2);
            }
        },
        ("bench", []) => step("bench", || bench::run(&ctx.root, false)),
        ("bench", ["--quick"]) => step("bench", || bench::run(&ctx.root, true)),
        ("install-c", ["--prefix", dir, flags @ ..])
            if flags
                .iter()
                .all(|f| matches!(*f, "--static-only" | "--hazmat")) =>
        {
            let dir = PathBuf::from(dir);
            let static_only = flags.contains(&"--static-only");
            let hazmat = flags.contains(&"--hazmat");
            step("install-c", || {
                let mut opts = ffi::InstallOptions::from_env()?;
                opts.static_only |= static_only;
                opts.hazmat |= hazmat;
                ffi::install_c_with(&ctx, &dir, opts)
            })
        }
        ("header" | "install-c" | "cortex-m" | "wasm" | "ct" | "fuzz" | "bench", other) => {
            eprintln!("xtask: bad arguments for `{cmd}`: {other:?}\n\n{HELP}");
            return ExitCode::from(2);
        }
        _ => match cmd {
            "ci" => ci(&ctx),
            "c-tests" => step("c-tests", || ffi::c_tests(&ctx)),
            "c-example" => step("c-example", || ffi::c_example(&ctx)),
            "fmt" => step("fmt", || fmt(&ctx)),
            "clippy" => step("clippy", || clippy(&ctx)),
            "test" => step("test", || test(&ctx)),
            "kat" => step("kat", || kat(&ctx)),
            "check-targets" => step("check-targets", || check_targets(&ctx)),
            "doc" => step("doc", || doc(&ctx)),
            "package" => step("package", || package::check(&ctx)),
            "identity-interop" => step("identity-interop", || interop::identity_interop(&ctx.root)),
            "deny" => step("deny", || supply::deny(&ctx.root)),
            "sbom" => step("sbom", || supply::sbom(&ctx.root)),
            "miri" => step("miri", || supply::miri(&ctx.root)),
            "prefetch" => step("prefetch", || {
                prefetch_tools(&ctx)
                    .join()
                    .map_err(|_| "the prefetch thread panicked".to_owned())?
            }),
            "help" | "-h" | "--help" => {
                let _ = writeln!(std::io::stdout(), "{HELP}");
                Ok(())
            }
            other => {
                eprintln!("xtask: unknown command `{other}`\n\n{HELP}");
                return ExitCode::from(2);
            }
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Where child processes run.
struct Ctx {
    root: PathBuf,
}

impl Ctx {
    fn new() -> Ctx {
        let here = Path::new(env!("CARGO_MANIFEST_DIR"));
        let root = here.parent().unwrap_or(here).to_path_buf();
        Ctx { root }
    }

    /// `cargo <args>` in the workspace root ([`cmd::cargo`]).
    fn cargo<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut c = cmd::cargo(&self.root);
        c.args(args);
        c
    }

    /// The workspace's target directory (`$CARGO_TARGET_DIR`, relative to the root, or
    /// `target/`).
    fn target_dir(&self) -> PathBuf {
        std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .map(|p| {
                if p.is_absolute() {
                    p
                } else {
                    self.root.join(p)
                }
            })
            .unwrap_or_else(|| self.root.join("target"))
    }

    fn rustup<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut c = Command::new("rustup");
        c.args(args).current_dir(&self.root);
        c
    }
}

/// Runs one named step: `==> name`, then `name: ok (Ns)` or an error naming it.
fn step(name: &str, f: impl FnOnce() -> StepResult) -> StepResult {
    println!("==> {name}");
    flush();
    let t = Instant::now();
    match f() {
        Ok(()) => {
            println!(
                "{name}: ok ({:.1}s; {})",
                t.elapsed().as_secs_f64(),
                disk::free_text(&Ctx::new().root)
            );
            flush();
            Ok(())
        }
        Err(e) => Err(format!(
            "step `{name}` failed after {:.1}s: {e}",
            t.elapsed().as_secs_f64()
        )),
    }
}

fn ci(ctx: &Ctx) -> StepResult {
    let t = Instant::now();
    println!(
        "ci: {} on {} at the start{}",
        disk::free_text(&ctx.root),
        ctx.root.display(),
        if disk::on_ci() {
            " (CI: the outputs of finished steps are removed as the run goes)"
        } else {
            ""
        }
    );
    step("components", || components(ctx))?;
    step("fmt", || fmt(ctx))?;
    step("header", || ffi::header(ctx, true))?;
    // The cargo tools of the last steps, and the fuzz targets, build in the background (one
    // job) while the single-threaded steps (QEMU, valgrind, test runs) leave a core idle.
    let tools = prefetch_tools(ctx);
    step("clippy", || clippy(ctx))?;
    step("test", || test(ctx))?;
    step("kat", || kat(ctx))?;
    step("c-tests", || ffi::c_tests(ctx))?;
    step("c-example", || ffi::c_example(ctx))?;
    disk::release(&ctx.root, "c-example", &["target/c-host"]);
    step("check-targets", || check_targets(ctx))?;
    disk::release(&ctx.root, "check-targets", &[CROSS_TARGET_DIR]);
    step("doc", || doc(ctx))?;
    step("package", || package::check(ctx))?;
    step("bench", || bench::run(&ctx.root, true))?;
    disk::release_test_binaries(&ctx.target_dir(), "bench");
    step("ct", || ct::run(&ctx.root, false))?;
    step("ct-thumb", || ct::run(&ctx.root, true))?;
    disk::release(&ctx.root, "ct-thumb", &["target/ct"]);
    step("cortex-m", || cortex_m::run(&ctx.root, true))?;
    disk::release(&ctx.root, "cortex-m", &["target/cortex-m"]);
    step("identity-interop", || interop::identity_interop(&ctx.root))?;
    step("miri", || supply::miri(&ctx.root))?;
    disk::release(&ctx.root, "miri", &["target/miri"]);
    step("tools", || {
        tools
            .join()
            .map_err(|_| "the tool prefetch thread panicked".to_owned())?
    })?;
    step("deny", || supply::deny(&ctx.root))?;
    step("sbom", || supply::sbom(&ctx.root))?;
    step("wasm", || wasm::run(&ctx.root))?;
    disk::release(&ctx.root, "wasm", &["target/wasm"]);
    step("fuzz", || fuzz::run(&ctx.root, CI_FUZZ_SECONDS))?;
    println!("ci: ok (total {:.1}s)", t.elapsed().as_secs_f64());
    Ok(())
}

/// Seconds each fuzz target runs in `ci`.
const CI_FUZZ_SECONDS: u64 = 30;

/// Prepares the last `ci` steps on a background thread, one build job, output in
/// `target/ci-tools.log`: installs their cargo tools (cargo-deny, cargo-cyclonedx, cargo-fuzz,
/// wasm-bindgen-cli) and then builds the fuzz targets, while the single-threaded steps (QEMU,
/// valgrind, test runs) leave a core idle. Nothing here is fatal: each step still checks its
/// tool and runs its build itself (after the `tools` step has joined this thread), so a failure
/// here is retried there, in the open.
fn prefetch_tools(ctx: &Ctx) -> std::thread::JoinHandle<StepResult> {
    let root = ctx.root.clone();
    std::thread::spawn(move || {
        let log_path = root.join("target/ci-tools.log");
        let _ = std::fs::create_dir_all(root.join("target"));
        let log = std::fs::File::create(&log_path)
            .map_err(|e| format!("cannot create {}: {e}", log_path.display()))?;
        let to_log = |c: &mut Command| -> StepResult {
            c.stdout(log.try_clone().map_err(|e| e.to_string())?)
                .stderr(log.try_clone().map_err(|e| e.to_string())?);
            Ok(())
        };
        let report = |what: &str,
                      started: Instant,
                      status: std::io::Result<std::process::ExitStatus>| {
            let secs = started.elapsed().as_secs_f64();
            match status {
                Ok(s) if s.success() => println!("    prefetch: {what}: ok in {secs:.1}s"),
                Ok(s) => println!(
                    "    prefetch: {what}: {s} after {secs:.1}s (see {}; the step retries)",
                    log_path.display()
                ),
                Err(e) => println!("    prefetch: {what}: could not run: {e} (the step retries)"),
            }
            flush();
        };
        let wasm_bindgen = wasm::pinned_wasm_bindgen(&root.join(wasm::CRATE_DIR))?;
        let tools: [(&str, &str, &[&str], String); 4] = [
            (
                "cargo-deny",
                "deny",
                &["--locked"],
                supply::CARGO_DENY_VERSION.to_owned(),
            ),
            (
                "cargo-cyclonedx",
                "cyclonedx",
                &["--locked"],
                supply::CARGO_CYCLONEDX_VERSION.to_owned(),
            ),
            ("cargo-fuzz", "fuzz", &["--locked"], String::new()),
            ("wasm-bindgen-cli", "", &[], wasm_bindgen),
        ];
        for (krate, sub, extra, version) in tools {
            let mut probe = if sub.is_empty() {
                Command::new("wasm-bindgen")
            } else {
                let mut c = Command::new(cmd::cargo_program());
                c.arg(sub);
                c
            };
            let found = cmd::capture(probe.arg("--version")).ok();
            let current = match &found {
                Some(v) => version.is_empty() || v.split_whitespace().any(|w| w == version),
                None => false,
            };
            if current {
                continue;
            }
            let mut c = cmd::cargo(&root);
            c.arg("install").arg(krate);
            if !version.is_empty() {
                c.args(["--version", &format!("={version}")]);
            }
            c.args(extra)
                .env("CARGO_BUILD_JOBS", "1")
                .env("CARGO_PROFILE_RELEASE_LTO", "false")
                .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
                .env_remove("CARGO_TARGET_DIR");
            to_log(&mut c)?;
            let started = Instant::now();
            report(
                &format!("cargo install {krate} {version}"),
                started,
                c.status(),
            );
        }
        // The fuzz targets (nightly, sanitizers): the same command as the `fuzz` step, so that
        // step finds them built.
        if cmd::ensure_nightly(&[]).is_ok() {
            let mut c = cmd::cargo_nightly(&root);
            c.args(["fuzz", "build", "--fuzz-dir"])
                .arg(root.join("fuzz"))
                .env("CARGO_BUILD_JOBS", "1");
            to_log(&mut c)?;
            let started = Instant::now();
            report("cargo fuzz build", started, c.status());
        }
        Ok(())
    })
}

fn components(ctx: &Ctx) -> StepResult {
    run(ctx.rustup(["component", "add", "rustfmt", "clippy"]))
}

fn fmt(ctx: &Ctx) -> StepResult {
    run(ctx.cargo(["fmt", "--all", "--", "--check"]))
}

fn clippy(ctx: &Ctx) -> StepResult {
    run(ctx.cargo([
        "clippy",
        "--workspace",
        "--all-targets",
        "--all-features",
        "--",
        "-D",
        "warnings",
    ]))
}

/// Every test except the `tests/kat_*.rs` suites, which the `kat` step runs (with their output
/// shown) so that CI does not run them twice.
fn test(ctx: &Ctx) -> StepResult {
    run(ctx.cargo([
        "test",
        "--workspace",
        "--all-features",
        "--exclude",
        "pqhybrid",
    ]))?;
    let mut args: Vec<String> = [
        "test",
        "-p",
        "pqhybrid",
        "--all-features",
        "--lib",
        "--examples",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    for t in other_tests(&ctx.root)? {
        args.push("--test".into());
        args.push(t);
    }
    run(ctx.cargo(&args))?;
    run(ctx.cargo(["test", "-p", "pqhybrid", "--all-features", "--doc"]))
}

/// Names of the integration tests in `tests/` that are not KAT suites, sorted.
fn other_tests(root: &Path) -> Result<Vec<String>, String> {
    let dir = root.join("tests");
    let mut names = Vec::new();
    let entries =
        std::fs::read_dir(&dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("reading {}: {e}", dir.display()))?;
        let file = entry.file_name();
        let file = file.to_string_lossy();
        if let Some(stem) = file.strip_suffix(".rs")
            && !stem.starts_with("kat_")
            && entry.path().is_file()
        {
            names.push(stem.to_owned());
        }
    }
    names.sort();
    Ok(names)
}

fn doc(ctx: &Ctx) -> StepResult {
    let mut c = ctx.cargo(["doc", "--workspace", "--no-deps", "--all-features"]);
    c.env("RUSTDOCFLAGS", "-D warnings");
    run(c)
}

/// Names of the `tests/kat_*.rs` integration tests, sorted.
fn kat_tests(root: &Path) -> Result<Vec<String>, String> {
    let dir = root.join("tests");
    let entries = std::fs::read_dir(&dir).map_err(|e| {
        format!(
            "no KAT tests: cannot read {} ({e}); expected tests/kat_*.rs",
            dir.display()
        )
    })?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("reading {}: {e}", dir.display()))?;
        let file = entry.file_name();
        let file = file.to_string_lossy();
        if let Some(stem) = file.strip_suffix(".rs")
            && stem.starts_with("kat_")
            && entry.path().is_file()
        {
            names.push(stem.to_owned());
        }
    }
    names.sort();
    if names.is_empty() {
        return Err(format!(
            "no KAT tests: {} has no kat_*.rs files",
            dir.display()
        ));
    }
    Ok(names)
}

/// Counts from one `kat: <suite>/<file>: N passed, M failed, K not applicable` line.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Counts {
    passed: u64,
    failed: u64,
    na: u64,
}

/// Extracts a Tally summary line. With `--test-threads=1` libtest may print
/// `test name ... ` right before the test's own output on the same line, so
/// the `kat: ` part may follow such a prefix.
fn parse_kat_line(line: &str) -> Option<(String, Counts)> {
    let start = if line.starts_with("kat: ") {
        0
    } else if line.starts_with("test ") {
        line.find(" ... kat: ")? + " ... ".len()
    } else {
        return None;
    };
    let summary = line.get(start..)?.trim_end();
    let rest = summary.strip_prefix("kat: ")?;
    let (_name, counts) = rest.rsplit_once(": ")?;
    let mut parts = counts.split(", ");
    let num =
        |p: Option<&str>, suffix: &str| -> Option<u64> { p?.strip_suffix(suffix)?.parse().ok() };
    let c = Counts {
        passed: num(parts.next(), " passed")?,
        failed: num(parts.next(), " failed")?,
        na: num(parts.next(), " not applicable")?,
    };
    if parts.next().is_some() {
        return None;
    }
    Some((summary.to_owned(), c))
}

/// The lattice backend configurations the KAT suites run on. The first runs every suite; the
/// others rerun the suites that touch ML-KEM or ML-DSA (SLH-DSA and the classical algorithms do
/// not depend on the backend). Each Tally line carries the configuration's name
/// (`PQHYBRID_KAT_CONFIG`).
const KAT_CONFIGS: [(&str, &[&str]); 3] = [
    // libcrux the default backend, the compact verifier for every byte-level ML-DSA
    // verification, RustCrypto compiled in (external-μ signing, the differential tests).
    ("libcrux+compact", &["--all-features"]),
    // libcrux the default backend, its own verification.
    ("libcrux", &["--features", "hazmat,backend-rustcrypto"]),
    // RustCrypto alone.
    (
        "rustcrypto",
        &[
            "--no-default-features",
            "--features",
            "std,pkcs8,pem,hazmat,hpke,backend-rustcrypto",
        ],
    ),
];

/// KAT files that do not depend on the lattice backend: run in the first configuration only.
const KAT_BACKEND_INDEPENDENT: [&str; 2] = ["kat_classical", "kat_slh_dsa"];

fn kat(ctx: &Ctx) -> StepResult {
    let tests = kat_tests(&ctx.root)?;
    let mut lines = Vec::new();
    for (i, (config, features)) in KAT_CONFIGS.iter().enumerate() {
        let files: Vec<&String> = tests
            .iter()
            .filter(|t| i == 0 || !KAT_BACKEND_INDEPENDENT.contains(&t.as_str()))
            .collect();
        step(&format!("kat [{config}]"), || {
            kat_run(ctx, config, features, &files, &mut lines)
        })?;
    }
    println!("\n---- kat summary ({} test files) ----", tests.len());
    let mut total = Counts::default();
    for (line, c) in &lines {
        println!("{line}");
        total.passed += c.passed;
        total.failed += c.failed;
        total.na += c.na;
    }
    println!(
        "kat total: {} passed, {} failed, {} not applicable",
        total.passed, total.failed, total.na
    );
    flush();
    if lines.is_empty() {
        return Err(format!(
            "the KAT tests ({}) printed no `kat: ` lines; every KAT test must report through \
             pqhybrid_kat::Tally::finish()",
            tests.join(", ")
        ));
    }
    if total.failed > 0 {
        return Err(format!("{} KAT cases failed", total.failed));
    }
    Ok(())
}

/// Runs the KAT files `tests` in one backend configuration, collecting their `kat:` lines.
fn kat_run(
    ctx: &Ctx,
    config: &str,
    features: &[&str],
    tests: &[&String],
    lines: &mut Vec<(String, Counts)>,
) -> StepResult {
    // --no-fail-fast: one failing KAT file must not hide the others' results.
    let mut args: Vec<String> = ["test", "-p", "pqhybrid", "--no-fail-fast"]
        .into_iter()
        .map(String::from)
        .collect();
    args.extend(features.iter().map(|f| (*f).to_owned()));
    for t in tests {
        args.push("--test".into());
        args.push((*t).clone());
    }
    args.extend(["--", "--nocapture", "--test-threads=1"].map(String::from));
    let mut c = ctx.cargo(&args);
    c.env("PQHYBRID_KAT_CONFIG", config);
    c.stdout(Stdio::piped());
    let shown = show(&c);
    println!("    $ PQHYBRID_KAT_CONFIG={config} {shown}");
    flush();
    let mut child = c
        .spawn()
        .map_err(|e| format!("could not run `{shown}`: {e}"))?;
    if let Some(out) = child.stdout.take() {
        let mut stdout = std::io::stdout();
        for line in BufReader::new(out).split(b'\n') {
            let line = line.map_err(|e| format!("reading test output: {e}"))?;
            let line = String::from_utf8_lossy(&line).into_owned();
            let _ = writeln!(stdout, "{line}");
            let _ = stdout.flush();
            if let Some(found) = parse_kat_line(&line) {
                lines.push(found);
            }
        }
    }
    let status = child
        .wait()
        .map_err(|e| format!("waiting for `{shown}`: {e}"))?;
    if !status.success() {
        return Err(format!("`{shown}` exited with {status}"));
    }
    Ok(())
}

fn check_targets(ctx: &Ctx) -> StepResult {
    let mut add = vec!["target", "add"];
    add.extend(EMBEDDED_TARGETS);
    add.extend([THUMBV6M, WASM_TARGET]);
    step("rustup-targets", || run(ctx.rustup(add)))?;
    for t in EMBEDDED_TARGETS {
        step(t, || run(cmd::cross_build(&ctx.root, "pqhybrid", t, &[])))?;
    }
    // The other lattice backend, alone, and the compact verifier.
    step(
        "thumbv7em-none-eabihf (backend-rustcrypto, compact-verify)",
        || {
            run(cmd::cross_build(
                &ctx.root,
                "pqhybrid",
                EMBEDDED_TARGETS[0],
                &["--features", "backend-rustcrypto,compact-verify"],
            ))
        },
    )?;
    step(WASM_TARGET, || {
        run(cmd::cross_build(
            &ctx.root,
            "pqhybrid",
            WASM_TARGET,
            &["--features", "alloc,backend-libcrux"],
        ))
    })?;
    if THUMBV6M_REQUIRED {
        step(THUMBV6M, || {
            run(cmd::cross_build(&ctx.root, "pqhybrid", THUMBV6M, &[]))
        })?;
    } else {
        step(THUMBV6M, || {
            try_optional(
                cmd::cross_build(&ctx.root, "pqhybrid", THUMBV6M, &[]),
                THUMBV6M,
            )
        })?;
    }
    ffi::cross_ffi(ctx)
}

/// Runs a build whose failure is reported, not fatal.
fn try_optional(mut c: Command, target: &str) -> StepResult {
    let shown = show(&c);
    println!("    $ {shown}  (optional)");
    flush();
    let out = c
        .stdout(Stdio::inherit())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("could not run `{shown}`: {e}"))?;
    if out.status.success() {
        println!("{target}: builds (consider making it required: THUMBV6M_REQUIRED in xtask)");
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let first = stderr
        .lines()
        .find(|l| l.trim_start().starts_with("error"))
        .or_else(|| stderr.lines().rev().find(|l| !l.trim().is_empty()))
        .unwrap_or("(no error output)");
    println!("{target}: not supported: {}", first.trim());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plain_kat_line() {
        let (line, c) = parse_kat_line(
            "kat: acvp/ML-KEM-keyGen-FIPS203: 75 passed, 0 failed, 0 not applicable",
        )
        .unwrap_or_else(|| unreachable!());
        assert_eq!(
            line,
            "kat: acvp/ML-KEM-keyGen-FIPS203: 75 passed, 0 failed, 0 not applicable"
        );
        assert_eq!(
            c,
            Counts {
                passed: 75,
                failed: 0,
                na: 0
            }
        );
    }

    #[test]
    fn parses_line_after_libtest_prefix() {
        let got = parse_kat_line(
            "test acvp_mldsa_siggen ... kat: acvp/ML-DSA-sigGen-FIPS204: 240 passed, 1 failed, 120 not applicable",
        );
        let Some((line, c)) = got else {
            unreachable!("not parsed")
        };
        assert!(line.starts_with("kat: acvp/ML-DSA-sigGen-FIPS204: "));
        assert_eq!(
            c,
            Counts {
                passed: 240,
                failed: 1,
                na: 120
            }
        );
    }

    #[test]
    fn rejects_other_lines() {
        for l in [
            "",
            "running 3 tests",
            "kat: foo",
            "kat: a/b: 1 passed, 2 failed",
            "kat: a/b: x passed, 0 failed, 0 not applicable",
            "    n/a 3: HashML-DSA",
            "thread 'x' panicked: kat acvp/x: no applicable vectors ran",
            "  kat: a/b: 1 passed, 0 failed, 0 not applicable",
        ] {
            assert!(parse_kat_line(l).is_none(), "{l:?}");
        }
    }
}
