//! `cargo xtask wasm`: the WebAssembly / JavaScript package `pqhybrid` (bindings/wasm/).
//!
//! Builds the crate for `wasm32-unknown-unknown`, runs the pinned wasm-bindgen CLI for Node.js
//! (CommonJS) and for browsers and bundlers (ES module), assembles `bindings/wasm/pkg/` (one
//! shared `.wasm`, both glue files, TypeScript declarations, package.json, README), packs it with
//! `npm pack`, installs the tarball into an empty project and runs a smoke script, then runs the
//! node:test suite (vectors, error paths, interop with @noble/post-quantum, and the Playwright
//! test of the web page). `bench` runs the Node benchmarks against noble.
//!
//! Standard library only; every tool is a subprocess.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::cmd::{self, write_file};

/// The crate, relative to the workspace root.
pub(crate) const CRATE_DIR: &str = "bindings/wasm";
/// Where the crate is built (its own workspace, its own target directory).
const TARGET_DIR: &str = "target/wasm";
const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// The npm package name and the base name of the generated files.
const NPM_NAME: &str = "pqhybrid";
const OUT_NAME: &str = "pqhybrid";
/// The shared WebAssembly module at the package root.
const WASM_FILE: &str = "pqhybrid_bg.wasm";
/// Code-generation flags of the wasm build (on top of the profile in bindings/wasm/Cargo.toml).
const WASM_RUSTFLAGS: &[&str] = &["-Ctarget-feature=+simd128"];
/// The size budget of the gzipped `.wasm` of the signature, KEM and firmware package (the
/// crate without its default features, `identity` and `hpke`), held by CI.
const GZIP_BUDGET: u64 = 300 * 1024;
/// The gate on the whole package, with the identity verifier and HPKE (the `identity` and
/// `hpke` features, on by default): the measured 366.3 KiB plus a margin (identity alone was
/// 312.8 KiB under a 320 KiB gate; HPKE's 48 suites add 38.6 KiB, measured 2026-12-05: 322 575
/// -> 362 109 bytes; encrypted firmware images in `hpke`, `signFirmware` and `decryptFirmware`,
/// add 12.2 KiB, of which ~2/3 is the core's signer, encryptor and decryptor: 362 550 -> 375 078
/// bytes). It is over `GZIP_BUDGET`, a miss reported in bench/RESULTS.md; this gate only
/// catches regressions of the whole package.
const GZIP_GATE_WITH_IDENTITY: u64 = 372 * 1024;

/// Everything `cargo xtask wasm` does: build, package, pack, smoke-test the tarball, run the
/// node:test suite (including the browser test). Installs what is missing first (the wasm32
/// target, the pinned wasm-bindgen CLI, the npm dev dependencies, Chromium), so it runs on a
/// fresh machine; each install is skipped when already present. Returns a one-line error on
/// failure.
pub fn run(root: &Path) -> Result<(), String> {
    let t0 = Instant::now();
    check_node()?;
    let pkg = timed("build", || build(root))?;
    let tarball = timed("pack", || pack(root, &pkg))?;
    timed("smoke test of the tarball", || smoke(root, &tarball))?;
    timed("npm dev dependencies", || npm_dev_deps(root))?;
    timed("chromium", ensure_chromium)?;
    timed("node:test suite", || node_tests(root))?;
    eprintln!(
        "wasm: package {} ({:.0} s in all)",
        tarball.display(),
        t0.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `cargo xtask wasm --bench`: builds the package (a no-op when it is up to date) and runs the
/// benchmarks against @noble/post-quantum, writing `bindings/wasm/bench/RESULTS.md`.
pub fn bench(root: &Path) -> Result<(), String> {
    check_node()?;
    build(root)?;
    npm_dev_deps(root)?;
    let mut c = Command::new("node");
    c.arg("bench/bench.mjs")
        .arg("--write")
        .current_dir(root.join(CRATE_DIR));
    exec(c)
}

/// Runs `f`, printing how long it took.
fn timed<T>(what: &str, f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    let t = Instant::now();
    let r = f();
    eprintln!("wasm: {what}: {:.1} s", t.elapsed().as_secs_f64());
    r
}

/// Node.js >= 20 (and npm) must be on PATH: the package's `engines`, and the test suite needs
/// the global `crypto` and `node:test`.
fn check_node() -> Result<(), String> {
    let out = Command::new("node")
        .arg("--version")
        .output()
        .map_err(|e| format!("node not found on PATH ({e}): install Node.js >= 20"))?;
    let v = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let major: u32 = v
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    if major < 20 {
        return Err(format!("Node.js {v} found, >= 20 required"));
    }
    Ok(())
}

/// Builds and assembles `bindings/wasm/pkg/`; returns its path.
pub fn build(root: &Path) -> Result<PathBuf, String> {
    let crate_dir = root.join(CRATE_DIR);
    let version = pinned_wasm_bindgen(&crate_dir)?;
    ensure_wasm_bindgen(&version)?;
    let mut c = Command::new("rustup");
    c.args(["target", "add", WASM_TARGET]);
    exec(c)?;

    let target_dir = root.join(TARGET_DIR);
    let base_gz = timed("size without identity and hpke", || {
        base_size(root, &crate_dir, &target_dir)
    })?;
    let mut c = cmd::cargo(&crate_dir);
    c.args([
        "build",
        "--release",
        "--target",
        WASM_TARGET,
        "--manifest-path",
    ])
    .arg(crate_dir.join("Cargo.toml"))
    .arg("--target-dir")
    .arg(&target_dir);
    with_wasm_flags(&mut c);
    exec(c)?;
    let raw = target_dir
        .join(WASM_TARGET)
        .join("release")
        .join("pqhybrid_wasm.wasm");

    let pkg = crate_dir.join("pkg");
    if pkg.exists() {
        fs::remove_dir_all(&pkg).map_err(|e| format!("{}: {e}", pkg.display()))?;
    }
    for (target, dir) in [("nodejs", "node"), ("web", "web")] {
        let mut c = Command::new("wasm-bindgen");
        c.args(["--target", target, "--out-name", OUT_NAME])
            .args(["--remove-name-section", "--remove-producers-section"])
            .arg("--out-dir")
            .arg(pkg.join(dir))
            .arg(&raw);
        exec(c)?;
    }

    // One shared module at the package root; both glue files load it from there.
    let shared = pkg.join(WASM_FILE);
    rename(&pkg.join("web").join(WASM_FILE), &shared)?;
    remove(&pkg.join("node").join(WASM_FILE))?;
    rename(
        &pkg.join("web").join(format!("{WASM_FILE}.d.ts")),
        &pkg.join(format!("{WASM_FILE}.d.ts")),
    )?;
    remove(&pkg.join("node").join(format!("{WASM_FILE}.d.ts")))?;
    patch(
        &pkg.join("node").join(format!("{OUT_NAME}.js")),
        &format!("`${{__dirname}}/{WASM_FILE}`"),
        &format!("`${{__dirname}}/../{WASM_FILE}`"),
    )?;
    patch(
        &pkg.join("web").join(format!("{OUT_NAME}.js")),
        &format!("new URL('{WASM_FILE}', import.meta.url)"),
        &format!("new URL('../{WASM_FILE}', import.meta.url)"),
    )?;
    optimize(&shared)?;

    let cargo_version = package_version(&crate_dir)?;
    write_file(&pkg.join("package.json"), &package_json(&cargo_version))?;
    write_file(
        &pkg.join("node").join("package.json"),
        "{ \"type\": \"commonjs\" }\n",
    )?;
    write_file(
        &pkg.join("web").join("package.json"),
        "{ \"type\": \"module\" }\n",
    )?;
    let readme = fs::read_to_string(crate_dir.join("README.md"))
        .map_err(|e| format!("{CRATE_DIR}/README.md: {e}"))?;
    write_file(&pkg.join("README.md"), &readme)?;

    let raw_len = fs::metadata(&shared).map_err(|e| e.to_string())?.len();
    let gz = gzip_len(&shared)?;
    eprintln!(
        "wasm: {} is {} bytes, {} bytes ({:.1} KiB) gzipped with the identity verifier and \
         HPKE (gate {} KiB; budget {} KiB: missed, they add {:.1} KiB), {} bytes ({:.1} KiB) \
         without them (budget {} KiB)",
        shared.display(),
        raw_len,
        gz,
        gz as f64 / 1024.0,
        GZIP_GATE_WITH_IDENTITY / 1024,
        GZIP_BUDGET / 1024,
        gz.saturating_sub(base_gz) as f64 / 1024.0,
        base_gz,
        base_gz as f64 / 1024.0,
        GZIP_BUDGET / 1024
    );
    if base_gz > GZIP_BUDGET {
        return Err(format!(
            "gzipped {WASM_FILE} without the default features (identity, hpke) is {base_gz} \
             bytes, over the {GZIP_BUDGET}-byte budget"
        ));
    }
    if gz > GZIP_GATE_WITH_IDENTITY {
        return Err(format!(
            "gzipped {WASM_FILE} is {gz} bytes, over the {GZIP_GATE_WITH_IDENTITY}-byte gate"
        ));
    }
    Ok(pkg)
}

/// `npm pack` into target/wasm/npm/; returns the tarball.
fn pack(root: &Path, pkg: &Path) -> Result<PathBuf, String> {
    let dest = root.join(TARGET_DIR).join("npm");
    if dest.exists() {
        fs::remove_dir_all(&dest).map_err(|e| format!("{}: {e}", dest.display()))?;
    }
    fs::create_dir_all(&dest).map_err(|e| format!("{}: {e}", dest.display()))?;
    let mut c = Command::new(npm());
    c.args(["pack", "--silent", "--pack-destination"])
        .arg(&dest)
        .current_dir(pkg);
    exec(c)?;
    let tarball = fs::read_dir(&dest)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "tgz"))
        .ok_or("npm pack produced no tarball")?;
    Ok(tarball)
}

/// Installs the tarball into an empty project and runs a CommonJS and an ES-module smoke
/// script against it.
fn smoke(root: &Path, tarball: &Path) -> Result<(), String> {
    let dir = root.join(TARGET_DIR).join("smoke");
    if dir.exists() {
        fs::remove_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    write_file(
        &dir.join("package.json"),
        "{ \"name\": \"pqhybrid-smoke\", \"version\": \"0.0.0\", \"private\": true }\n",
    )?;
    let mut c = Command::new(npm());
    c.args(["install", "--no-audit", "--no-fund", "--silent"])
        .arg(tarball)
        .current_dir(&dir);
    exec(c)?;
    write_file(&dir.join("smoke.cjs"), SMOKE_CJS)?;
    write_file(&dir.join("smoke.mjs"), SMOKE_MJS)?;
    for script in ["smoke.cjs", "smoke.mjs"] {
        let mut c = Command::new("node");
        c.arg(script).current_dir(&dir);
        exec(c)?;
    }
    Ok(())
}

const SMOKE_CJS: &str = r#"const assert = require('node:assert/strict');
const pq = require('pqhybrid');
const msg = new TextEncoder().encode('smoke');
for (const alg of ['ML-DSA-65', 'MLDSA65-Ed25519-SHA512']) {
  const { publicKey, secretKey } = pq.generateKeypair(alg);
  assert.ok(pq.verify(alg, publicKey, msg, pq.sign(alg, secretKey, msg)));
}
const kem = pq.generateKeypair('X-Wing');
const { ciphertext, sharedSecret } = pq.encapsulate('X-Wing', kem.publicKey);
assert.deepEqual(pq.decapsulate('X-Wing', kem.secretKey, ciphertext), sharedSecret);
try { pq.sizes('nope'); assert.fail('no throw'); } catch (e) { assert.equal(e.code, 'UnknownAlgorithm'); }
console.log(`smoke (CommonJS): pqhybrid ${pq.version()} OK`);
"#;

const SMOKE_MJS: &str = r#"import assert from 'node:assert/strict';
import { SigningKey, encodePublicKeyPem, decodePublicKeyPem, version } from 'pqhybrid';
const key = SigningKey.generate('MLDSA87-ECDSA-P384-SHA512');
const vk = key.verifyingKey();
const sig = key.sign(new Uint8Array([1, 2, 3]), new TextEncoder().encode('ctx'));
assert.ok(vk.verify(new Uint8Array([1, 2, 3]), sig, new TextEncoder().encode('ctx')));
const pem = encodePublicKeyPem(vk.algorithm, vk.toBytes());
assert.deepEqual(decodePublicKeyPem(pem).publicKey, vk.toBytes());
key.free();
vk.free();
console.log(`smoke (ES module): pqhybrid ${version()} OK`);
"#;

/// `npm ci` in bindings/wasm/ for the dev dependencies (exact versions from the committed
/// package-lock.json), unless node_modules/ was already installed from the current lock file.
fn npm_dev_deps(root: &Path) -> Result<(), String> {
    let dir = root.join(CRATE_DIR);
    let lock = dir.join("package-lock.json");
    let installed = dir.join("node_modules").join(".package-lock.json");
    let mtime = |p: &Path| fs::metadata(p).and_then(|m| m.modified()).ok();
    let lock_time = mtime(&lock).ok_or(format!("{CRATE_DIR}/package-lock.json is missing"))?;
    if mtime(&installed).is_some_and(|t| t >= lock_time)
        && dir
            .join("node_modules")
            .join("@noble")
            .join("post-quantum")
            .exists()
        && dir.join("node_modules").join("playwright-core").exists()
    {
        return Ok(());
    }
    let mut c = Command::new(npm());
    c.args(["ci", "--no-audit", "--no-fund"]).current_dir(&dir);
    exec(c)
}

/// The browser test needs /usr/bin/chromium (or $PQHYBRID_CHROMIUM); as root, install it.
fn ensure_chromium() -> Result<(), String> {
    if let Some(p) = std::env::var_os("PQHYBRID_CHROMIUM") {
        return if Path::new(&p).exists() {
            Ok(())
        } else {
            Err(format!(
                "$PQHYBRID_CHROMIUM={} does not exist",
                p.to_string_lossy()
            ))
        };
    }
    if Path::new("/usr/bin/chromium").exists() {
        return Ok(());
    }
    if !cmd::is_root() {
        return Err(
            "the browser test needs Chromium at /usr/bin/chromium (e.g. `sudo apt-get install \
             chromium`) or $PQHYBRID_CHROMIUM"
                .into(),
        );
    }
    cmd::apt_install(&["chromium"], false)
}

/// The node:test suite (vectors, errors, interop, browser).
fn node_tests(root: &Path) -> Result<(), String> {
    let mut c = Command::new("node");
    c.args(["--test", "--test-reporter=spec", "--test-concurrency=1"])
        .arg("tests/")
        .current_dir(root.join(CRATE_DIR));
    exec(c)
}

// ---------------------------------------------------------------------------------------------
// Tools

fn npm() -> &'static str {
    if cfg!(windows) { "npm.cmd" } else { "npm" }
}

/// The version X of `wasm-bindgen = "=X"` in the crate's Cargo.toml.
pub(crate) fn pinned_wasm_bindgen(crate_dir: &Path) -> Result<String, String> {
    let toml = fs::read_to_string(crate_dir.join("Cargo.toml"))
        .map_err(|e| format!("{CRATE_DIR}/Cargo.toml: {e}"))?;
    toml.lines()
        .map(str::trim)
        .find_map(|l| {
            let rest = l.strip_prefix("wasm-bindgen")?.trim_start();
            let rest = rest.strip_prefix('=')?.trim_start();
            let v = rest.strip_prefix("\"=")?;
            Some(v.split('"').next()?.to_owned())
        })
        .ok_or_else(|| {
            format!("{CRATE_DIR}/Cargo.toml: no `wasm-bindgen = \"=X.Y.Z\"` pin (it must be exact)")
        })
}

/// Installs wasm-bindgen-cli `version` unless `wasm-bindgen --version` already reports it.
fn ensure_wasm_bindgen(version: &str) -> Result<(), String> {
    let have = cmd::capture(Command::new("wasm-bindgen").arg("--version"))
        .ok()
        .map(|v| v.trim().to_owned());
    if have.as_deref() == Some(&format!("wasm-bindgen {version}")) {
        return Ok(());
    }
    eprintln!(
        "wasm: installing wasm-bindgen-cli {version} (found: {}); this takes a few minutes",
        have.as_deref().unwrap_or("none")
    );
    let mut c = Command::new(cmd::cargo_program());
    c.args(["install", "wasm-bindgen-cli", "--version", version]);
    cmd::default_jobs(&mut c);
    exec(c)
}

/// wasm-opt (binaryen) on the module in place, only if `$PQHYBRID_WASM_OPT` names a level
/// (e.g. `-O3`). Off by default, so CI needs no binaryen: Debian 12's binaryen (108) breaks
/// wasm-bindgen's externref table (`WebAssembly.Table.set(): Argument 1 is invalid`, with or
/// without `--enable-reference-types --enable-simd`), and its `-O3` output was larger after
/// gzip than rustc's (measured, see bench/RESULTS.md).
fn optimize(wasm: &Path) -> Result<(), String> {
    let Some(level) = std::env::var_os("PQHYBRID_WASM_OPT") else {
        return Ok(());
    };
    if !cmd::have("wasm-opt") {
        eprintln!("wasm: wasm-opt not found (apt-get install binaryen); module left as built");
        return Ok(());
    }
    let mut c = Command::new("wasm-opt");
    c.arg(level)
        .args([
            "--enable-simd",
            "--enable-bulk-memory",
            "--enable-nontrapping-float-to-int",
            "--enable-sign-ext",
            "--enable-mutable-globals",
            "--enable-reference-types",
            "--enable-multivalue",
        ])
        .arg(wasm)
        .arg("-o")
        .arg(wasm);
    exec(c)
}

/// Adds the wasm code-generation flags to a cargo build of the crate.
fn with_wasm_flags(c: &mut Command) {
    // WebAssembly SIMD (Node >= 16.4, Chrome 91, Firefox 89, Safari 16.4): LLVM vectorizes the
    // lattice code a little, and the module comes out smaller (measured, see bench/RESULTS.md).
    // Added to the caller's RUSTFLAGS (as CARGO_ENCODED_RUSTFLAGS, which takes precedence), so
    // it is never silently dropped; with `--target` it applies to the wasm code only.
    let mut flags: Vec<String> = match std::env::var("CARGO_ENCODED_RUSTFLAGS") {
        Ok(f) if !f.is_empty() => f.split('\x1f').map(str::to_owned).collect(),
        _ => std::env::var("RUSTFLAGS")
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_owned)
            .collect(),
    };
    flags.extend(WASM_RUSTFLAGS.iter().map(|f| (*f).to_owned()));
    c.env("CARGO_ENCODED_RUSTFLAGS", flags.join("\x1f"))
        .env_remove("RUSTFLAGS");
}

/// The gzipped size of the module built without the crate's default features, `identity` and
/// `hpke` (the signature, KEM and firmware package that `GZIP_BUDGET` holds), through the
/// same wasm-bindgen and optimisation steps as the package, in a directory of its own.
fn base_size(root: &Path, crate_dir: &Path, target_dir: &Path) -> Result<u64, String> {
    let base_target = target_dir.join("base");
    let mut c = cmd::cargo(crate_dir);
    c.args([
        "build",
        "--release",
        "--no-default-features",
        "--target",
        WASM_TARGET,
    ])
    .arg("--manifest-path")
    .arg(crate_dir.join("Cargo.toml"))
    .arg("--target-dir")
    .arg(&base_target);
    with_wasm_flags(&mut c);
    exec(c)?;
    let raw = base_target
        .join(WASM_TARGET)
        .join("release")
        .join("pqhybrid_wasm.wasm");
    let out = root.join(TARGET_DIR).join("base-pkg");
    let mut c = Command::new("wasm-bindgen");
    c.args(["--target", "web", "--out-name", OUT_NAME])
        .args(["--remove-name-section", "--remove-producers-section"])
        .arg("--out-dir")
        .arg(&out)
        .arg(&raw);
    exec(c)?;
    let module = out.join(WASM_FILE);
    optimize(&module)?;
    gzip_len(&module)
}

fn gzip_len(path: &Path) -> Result<u64, String> {
    let out = Command::new("gzip")
        .args(["-9", "-c"])
        .arg(path)
        .output()
        .map_err(|e| format!("gzip: {e}"))?;
    if !out.status.success() {
        return Err("gzip failed".into());
    }
    Ok(out.stdout.len() as u64)
}

fn package_version(crate_dir: &Path) -> Result<String, String> {
    let toml = fs::read_to_string(crate_dir.join("Cargo.toml")).map_err(|e| e.to_string())?;
    toml.lines()
        .find_map(|l| {
            let v = l
                .trim()
                .strip_prefix("version")?
                .trim_start()
                .strip_prefix('=')?;
            Some(v.trim().trim_matches('"').to_owned())
        })
        .ok_or_else(|| format!("{CRATE_DIR}/Cargo.toml: no version"))
}

fn package_json(version: &str) -> String {
    format!(
        r#"{{
  "name": "{NPM_NAME}",
  "version": "{version}",
  "description": "Hybrid classical + post-quantum signatures and KEMs (ML-DSA, SLH-DSA, ML-KEM, X-Wing, composites) and a streaming signed-firmware verifier, in WebAssembly",
  "license": "Apache-2.0 OR MIT",
  "repository": {{ "type": "git", "url": "https://github.com/pqhybrid/pqhybrid", "directory": "bindings/wasm" }},
  "keywords": ["post-quantum", "ml-dsa", "ml-kem", "slh-dsa", "x-wing", "hybrid", "firmware", "wasm"],
  "engines": {{ "node": ">=20" }},
  "sideEffects": false,
  "main": "./node/{OUT_NAME}.js",
  "module": "./web/{OUT_NAME}.js",
  "browser": "./web/{OUT_NAME}.js",
  "types": "./node/{OUT_NAME}.d.ts",
  "exports": {{
    ".": {{
      "node": {{ "types": "./node/{OUT_NAME}.d.ts", "default": "./node/{OUT_NAME}.js" }},
      "types": "./web/{OUT_NAME}.d.ts",
      "default": "./web/{OUT_NAME}.js"
    }},
    "./node": {{ "types": "./node/{OUT_NAME}.d.ts", "default": "./node/{OUT_NAME}.js" }},
    "./web": {{ "types": "./web/{OUT_NAME}.d.ts", "default": "./web/{OUT_NAME}.js" }},
    "./{WASM_FILE}": "./{WASM_FILE}",
    "./package.json": "./package.json"
  }},
  "files": [
    "{WASM_FILE}",
    "{WASM_FILE}.d.ts",
    "node/",
    "web/",
    "README.md"
  ]
}}
"#
    )
}

// ---------------------------------------------------------------------------------------------
// Small helpers

/// [`cmd::run`], logged on stderr with the other `wasm:` lines.
fn exec(c: Command) -> Result<(), String> {
    let shown = cmd::show(&c);
    eprintln!("wasm: $ {shown}");
    cmd::status(c, &shown)
}

fn rename(from: &Path, to: &Path) -> Result<(), String> {
    fs::rename(from, to).map_err(|e| format!("{} -> {}: {e}", from.display(), to.display()))
}

fn remove(path: &Path) -> Result<(), String> {
    fs::remove_file(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Replaces exactly one occurrence of `from` in the file, failing if it is not there (a newer
/// wasm-bindgen that changed its glue must not silently produce a broken package).
fn patch(path: &Path, from: &str, to: &str) -> Result<(), String> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if text.matches(from).count() != 1 {
        return Err(format!(
            "{}: expected exactly one `{from}` to patch (wasm-bindgen glue changed?)",
            path.display()
        ));
    }
    write_file(path, &text.replacen(from, to, 1))
}
