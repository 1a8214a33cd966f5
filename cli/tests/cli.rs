//! End-to-end tests of the `pqhybrid` binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const CLASS: &str = "00112233-4455-6677-8899-aabbccddeeff";
const OTHER_CLASS: &str = "ffeeddccbbaa99887766554433221100";

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pqhybrid"))
}

/// Runs the binary in `dir` and returns its output.
fn run(dir: &Path, args: &[&str]) -> Output {
    bin()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("spawn pqhybrid")
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exit code")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs and asserts success.
fn ok(dir: &Path, args: &[&str]) -> Output {
    let out = run(dir, args);
    assert_eq!(
        code(&out),
        0,
        "pqhybrid {args:?} failed\nstdout: {}\nstderr: {}",
        stdout(&out),
        stderr(&out)
    );
    out
}

/// Runs, asserts exit code `want`, and returns stderr.
fn fails(dir: &Path, args: &[&str], want: i32) -> String {
    let out = run(dir, args);
    assert_eq!(
        code(&out),
        want,
        "pqhybrid {args:?}: expected exit {want}\nstdout: {}\nstderr: {}",
        stdout(&out),
        stderr(&out)
    );
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "panic: {err}");
    assert!(!err.contains("RUST_BACKTRACE"), "backtrace hint: {err}");
    err
}

/// A temporary directory with a key pair `name.key` / `name.pub`.
fn keypair(dir: &Path, name: &str) {
    let key = format!("{name}.key");
    let public = format!("{name}.pub");
    ok(dir, &["keygen", "--out", &key]);
    ok(dir, &["pubkey", "--key", &key, "--out", &public]);
}

/// A payload file of `len` bytes.
fn payload(dir: &Path, len: usize) -> PathBuf {
    let path = dir.join("payload.bin");
    let bytes: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
    fs::write(&path, bytes).unwrap();
    path
}

/// Signs `payload.bin` with `key` into `out` at security version `sv`.
fn sign(dir: &Path, key: &str, out: &str, sv: u64, extra: &[&str]) {
    let sv = sv.to_string();
    let mut args = vec![
        "sign",
        "--key",
        key,
        "--image",
        "payload.bin",
        "--out",
        out,
        "--security-version",
        &sv,
        "--version",
        "1.2.3+45",
        "--device-class",
        CLASS,
    ];
    args.extend_from_slice(extra);
    ok(dir, &args);
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    keypair(dir.path(), "release");
    payload(dir.path(), 10_000);
    dir
}

#[test]
fn keygen_pubkey_sign_verify_ok() {
    let dir = setup();
    let d = dir.path();
    sign(d, "release.key", "fw.signed", 7, &[]);
    let out = ok(
        d,
        &["verify", "--pubkey", "release.pub", "--image", "fw.signed"],
    );
    let text = stdout(&out);
    assert!(text.contains("VALID"), "{text}");
    assert!(!text.contains("INVALID"), "{text}");
    assert!(text.contains("MLDSA65-Ed25519-SHA512"), "{text}");
    assert!(text.contains("1.2.3+45"), "{text}");
    assert!(text.contains(CLASS), "{text}");
    // Without --device-class, the output says the image's own class was used.
    assert!(text.contains("not checked"), "{text}");

    // With the right device class and a satisfied anti-rollback minimum.
    ok(
        d,
        &[
            "verify",
            "--pubkey",
            "release.pub",
            "--image",
            "fw.signed",
            "--device-class",
            "00112233445566778899AABBCCDDEEFF",
            "--min-security-version",
            "7",
            "--allow",
            "hybrid",
        ],
    );

    // The key id printed by keyid matches the one pubkey reports.
    let id = stdout(&ok(d, &["keyid", "--pubkey", "release.pub"]));
    let id = id.trim();
    assert_eq!(id.len(), 64);
    assert!(stderr(&ok(d, &["pubkey", "--key", "release.key"])).contains(id));

    // Other algorithms and digests, deterministic signing is reproducible.
    ok(d, &["keygen", "--alg", "ML-DSA-44", "--out", "mldsa.key"]);
    ok(d, &["pubkey", "--key", "mldsa.key", "--out", "mldsa.pub"]);
    for (i, digest) in ["sha256", "sha3-256", "sha3-512"].iter().enumerate() {
        let a = format!("a{i}.signed");
        let b = format!("b{i}.signed");
        sign(
            d,
            "mldsa.key",
            &a,
            1,
            &["--digest", digest, "--deterministic"],
        );
        sign(
            d,
            "mldsa.key",
            &b,
            1,
            &["--digest", digest, "--deterministic"],
        );
        assert_eq!(fs::read(d.join(&a)).unwrap(), fs::read(d.join(&b)).unwrap());
        ok(d, &["verify", "--pubkey", "mldsa.pub", "--image", &a]);
    }
    // ... but a policy that allows only hybrids rejects ML-DSA alone.
    let err = fails(
        d,
        &[
            "verify",
            "--pubkey",
            "mldsa.pub",
            "--image",
            "a0.signed",
            "--allow",
            "hybrid",
        ],
        1,
    );
    assert!(err.contains("a0.signed"), "{err}");
    assert!(err.contains("not allowed"), "{err}");
}

#[cfg(unix)]
#[test]
fn keygen_refuses_overwrite_and_uses_mode_0600() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["keygen", "--out", "k.pem"]);
    let mode = fs::metadata(d.join("k.pem")).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "mode {mode:o}");
    let before = fs::read(d.join("k.pem")).unwrap();
    assert!(String::from_utf8_lossy(&before).starts_with("-----BEGIN PRIVATE KEY-----"));

    let err = fails(d, &["keygen", "--out", "k.pem"], 2);
    assert!(err.contains("k.pem") && err.contains("--force"), "{err}");
    assert_eq!(fs::read(d.join("k.pem")).unwrap(), before);

    // --force replaces it and resets the mode.
    fs::set_permissions(d.join("k.pem"), fs::Permissions::from_mode(0o644)).unwrap();
    ok(d, &["keygen", "--out", "k.pem", "--force"]);
    assert_ne!(fs::read(d.join("k.pem")).unwrap(), before);
    let mode = fs::metadata(d.join("k.pem")).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "mode {mode:o}");

    // The private key never reaches stdout.
    let out = ok(d, &["keygen", "--out", "k2.pem"]);
    assert!(out.stdout.is_empty());

    // Listing algorithms.
    let list = stdout(&ok(d, &["keygen", "--alg", "list"]));
    assert!(list.contains("MLDSA65-Ed25519-SHA512") && list.contains("SLH-DSA-SHA2-128s"));
    assert!(!list.contains("  Ed25519 "), "{list}");
    assert_eq!(list, stdout(&ok(d, &["algs"])));
}

#[test]
fn tampered_image_is_rejected() {
    let dir = setup();
    let d = dir.path();
    sign(d, "release.key", "fw.signed", 3, &[]);
    let mut bytes = fs::read(d.join("fw.signed")).unwrap();

    // A payload byte: the digest no longer matches.
    let mut payload_flip = bytes.clone();
    payload_flip[4096 + 100] ^= 0x01;
    fs::write(d.join("payload-flip.signed"), &payload_flip).unwrap();
    let err = fails(
        d,
        &[
            "verify",
            "--pubkey",
            "release.pub",
            "--image",
            "payload-flip.signed",
        ],
        1,
    );
    assert!(err.contains("payload-flip.signed"), "{err}");
    assert!(err.contains("digest mismatch"), "{err}");

    // A signature byte (last byte of the image signature area is padding; flip one early on).
    let n = bytes.len();
    bytes[n - 3000] ^= 0x80;
    fs::write(d.join("sig-flip.signed"), &bytes).unwrap();
    let err = fails(
        d,
        &[
            "verify",
            "--pubkey",
            "release.pub",
            "--image",
            "sig-flip.signed",
        ],
        1,
    );
    assert!(err.contains("sig-flip.signed"), "{err}");

    // Truncated.
    fs::write(d.join("short.signed"), &bytes[..n - 10]).unwrap();
    let err = fails(
        d,
        &[
            "verify",
            "--pubkey",
            "release.pub",
            "--image",
            "short.signed",
        ],
        1,
    );
    assert!(err.contains("truncated"), "{err}");

    // Not an image at all.
    fs::write(d.join("junk.signed"), b"hello world").unwrap();
    fails(
        d,
        &[
            "verify",
            "--pubkey",
            "release.pub",
            "--image",
            "junk.signed",
        ],
        1,
    );
}

#[test]
fn rollback_is_rejected() {
    let dir = setup();
    let d = dir.path();
    sign(d, "release.key", "old.signed", 4, &[]);
    let err = fails(
        d,
        &[
            "verify",
            "--pubkey",
            "release.pub",
            "--image",
            "old.signed",
            "--min-security-version",
            "5",
        ],
        1,
    );
    assert!(
        err.contains("old.signed") && err.contains("rollback"),
        "{err}"
    );
}

#[test]
fn wrong_device_class_is_rejected() {
    let dir = setup();
    let d = dir.path();
    sign(d, "release.key", "fw.signed", 1, &[]);
    let err = fails(
        d,
        &[
            "verify",
            "--pubkey",
            "release.pub",
            "--image",
            "fw.signed",
            "--device-class",
            OTHER_CLASS,
        ],
        1,
    );
    assert!(err.contains("device class"), "{err}");
}

#[test]
fn trust_store_and_revocation() {
    let dir = setup();
    let d = dir.path();
    keypair(d, "other");
    sign(d, "release.key", "fw.signed", 1, &[]);

    // Unknown key: a store holding only another key.
    ok(
        d,
        &[
            "trust-store",
            "add",
            "--store",
            "other.trust",
            "--pubkey",
            "other.pub",
        ],
    );
    let err = fails(
        d,
        &[
            "verify",
            "--trust-store",
            "other.trust",
            "--image",
            "fw.signed",
        ],
        1,
    );
    assert!(err.contains("not trusted"), "{err}");

    // Active anchor.
    ok(
        d,
        &[
            "trust-store",
            "add",
            "--store",
            "devices.trust",
            "--pubkey",
            "release.pub",
            "--label",
            "release 2026",
        ],
    );
    ok(
        d,
        &[
            "verify",
            "--trust-store",
            "devices.trust",
            "--image",
            "fw.signed",
        ],
    );
    let listed = stdout(&ok(d, &["trust-store", "list", "--store", "devices.trust"]));
    assert!(
        listed.contains("active") && listed.contains("# release 2026"),
        "{listed}"
    );

    // Revoked: flip the state with `add --revoked`.
    ok(
        d,
        &[
            "trust-store",
            "add",
            "--store",
            "devices.trust",
            "--pubkey",
            "release.pub",
            "--revoked",
        ],
    );
    let text = fs::read_to_string(d.join("devices.trust")).unwrap();
    let anchors: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(anchors.len(), 1, "{text}");
    assert!(
        anchors[0].contains(" revoked") && anchors[0].contains("# release 2026"),
        "{text}"
    );
    let err = fails(
        d,
        &[
            "verify",
            "--trust-store",
            "devices.trust",
            "--image",
            "fw.signed",
        ],
        1,
    );
    assert!(
        err.contains("fw.signed") && err.contains("revoked"),
        "{err}"
    );

    // A hand-written store with comments and blank lines.
    let id = stdout(&ok(d, &["keyid", "--pubkey", "release.pub"]));
    fs::write(
        d.join("hand.trust"),
        format!(
            "# devices in the field\n\n  {}\tACTIVE   # release key\n",
            id.trim()
        ),
    )
    .unwrap();
    ok(
        d,
        &[
            "verify",
            "--trust-store",
            "hand.trust",
            "--image",
            "fw.signed",
        ],
    );

    // A malformed store is a usage error naming the file and line.
    fs::write(d.join("bad.trust"), "# x\nnot-a-key-id active\n").unwrap();
    let err = fails(
        d,
        &[
            "verify",
            "--trust-store",
            "bad.trust",
            "--image",
            "fw.signed",
        ],
        2,
    );
    assert!(err.contains("bad.trust") && err.contains("line 2"), "{err}");
}

#[test]
fn bad_arguments_and_missing_files_exit_2() {
    let dir = setup();
    let d = dir.path();
    sign(d, "release.key", "fw.signed", 1, &[]);
    // No subcommand, unknown subcommand, unknown option, missing required option.
    fails(d, &[], 2);
    fails(d, &["frobnicate"], 2);
    fails(d, &["verify", "--image", "fw.signed"], 2);
    fails(
        d,
        &[
            "verify",
            "--pubkey",
            "release.pub",
            "--image",
            "fw.signed",
            "--bogus",
        ],
        2,
    );
    fails(d, &["keygen"], 2);
    // Bad values.
    let err = fails(d, &["keygen", "--alg", "RSA-2048", "--out", "x.key"], 2);
    assert!(err.contains("RSA-2048"), "{err}");
    let err = fails(d, &["keygen", "--alg", "Ed25519", "--out", "x.key"], 2);
    assert!(err.contains("Ed25519"), "{err}");
    assert!(!d.join("x.key").exists());
    for (flag, value) in [
        ("--device-class", "not-a-class"),
        ("--version", "1.2"),
        ("--security-version", "-1"),
    ] {
        let mut args = vec![
            "sign",
            "--key",
            "release.key",
            "--image",
            "payload.bin",
            "--out",
            "y.signed",
            "--security-version",
            "1",
            "--version",
            "1.0.0",
            "--device-class",
            CLASS,
        ];
        let i = args.iter().position(|a| *a == flag).unwrap();
        args[i + 1] = value;
        fails(d, &args, 2);
    }
    // Missing files name the file.
    let err = fails(
        d,
        &[
            "verify",
            "--pubkey",
            "release.pub",
            "--image",
            "missing.signed",
        ],
        2,
    );
    assert!(err.contains("missing.signed"), "{err}");
    let err = fails(
        d,
        &["verify", "--pubkey", "nope.pub", "--image", "fw.signed"],
        2,
    );
    assert!(err.contains("nope.pub"), "{err}");
    let err = fails(d, &["pubkey", "--key", "nope.key"], 2);
    assert!(err.contains("nope.key"), "{err}");
    // A public key where a private key is expected, and the reverse.
    let err = fails(d, &["pubkey", "--key", "release.pub"], 2);
    assert!(err.contains("release.pub"), "{err}");
    fails(
        d,
        &["verify", "--pubkey", "release.key", "--image", "fw.signed"],
        2,
    );
    // --help succeeds and documents the exit codes.
    let help = stdout(&ok(d, &["--help"]));
    assert!(help.contains("Exit codes"), "{help}");
}

#[test]
fn inspect_json_has_every_field() {
    let dir = setup();
    let d = dir.path();
    fs::write(d.join("sbom.json"), b"{\"bomFormat\":\"CycloneDX\"}").unwrap();
    sign(d, "release.key", "fw.signed", 9, &["--sbom", "sbom.json"]);
    let out = ok(d, &["inspect", "--image", "fw.signed", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(v["security_version"], 9);
    assert_eq!(v["version"]["major"], 1);
    assert_eq!(v["version"]["minor"], 2);
    assert_eq!(v["version"]["revision"], 3);
    assert_eq!(v["version"]["build"], 45);
    assert_eq!(v["version"]["text"], "1.2.3+45");
    assert_eq!(v["device_class"], CLASS);
    assert_eq!(v["algorithm"], "MLDSA65-Ed25519-SHA512");
    assert_eq!(v["digest_algorithm"], "SHA-256");
    assert_eq!(v["payload_len"], 10_000);
    assert_eq!(v["payload_digest"].as_str().unwrap().len(), 64);
    assert_eq!(v["sbom_digest"].as_str().unwrap().len(), 64);
    assert_eq!(v["signer_key_id"].as_str().unwrap().len(), 64);
    assert_eq!(v["delegated"], false);
    assert!(v["endorsement"].is_null());
    assert_eq!(v["verified"], false);
    for field in [
        "header_len",
        "trailer_len",
        "image_len",
        "format_version",
        "flags",
    ] {
        assert!(v[field].is_number(), "{field} missing: {v}");
    }
    // The text form never claims validity.
    let text = stdout(&ok(d, &["inspect", "--image", "fw.signed"]));
    assert!(text.contains("NOT verified"), "{text}");
    assert!(!text.contains("VALID"), "{text}");
    // Not an image.
    let err = fails(d, &["inspect", "--image", "payload.bin"], 2);
    assert!(err.contains("payload.bin"), "{err}");
}

#[test]
fn endorsement_and_delegated_verify() {
    let dir = setup();
    let d = dir.path();
    keypair(d, "root");
    ok(
        d,
        &[
            "endorse",
            "--root-key",
            "root.key",
            "--release-pubkey",
            "release.pub",
            "--min-security-version",
            "10",
            "--max-security-version",
            "20",
            "--allow",
            "hybrid",
            "--out",
            "release.endorsement",
        ],
    );
    ok(
        d,
        &[
            "trust-store",
            "add",
            "--store",
            "root.trust",
            "--pubkey",
            "root.pub",
        ],
    );

    sign(
        d,
        "release.key",
        "fw.signed",
        12,
        &["--endorsement", "release.endorsement"],
    );
    let out = ok(
        d,
        &[
            "verify",
            "--trust-store",
            "root.trust",
            "--image",
            "fw.signed",
        ],
    );
    assert!(stdout(&out).contains("endorse"), "{}", stdout(&out));
    let v: serde_json::Value =
        serde_json::from_slice(&ok(d, &["inspect", "--image", "fw.signed", "--json"]).stdout)
            .unwrap();
    assert_eq!(v["delegated"], true);
    assert_eq!(v["endorsement"]["min_security_version"], 10);
    assert_eq!(v["endorsement"]["max_security_version"], 20);

    // Outside the endorsed range: the signer refuses.
    let err = fails(
        d,
        &[
            "sign",
            "--key",
            "release.key",
            "--image",
            "payload.bin",
            "--out",
            "late.signed",
            "--security-version",
            "21",
            "--version",
            "1.0.0",
            "--device-class",
            CLASS,
            "--endorsement",
            "release.endorsement",
        ],
        2,
    );
    assert!(
        err.contains("release.endorsement") && err.contains("range"),
        "{err}"
    );
    assert!(!d.join("late.signed").exists());

    // An endorsement for another key is refused too.
    keypair(d, "intruder");
    let err = fails(
        d,
        &[
            "sign",
            "--key",
            "intruder.key",
            "--image",
            "payload.bin",
            "--out",
            "intruder.signed",
            "--security-version",
            "12",
            "--version",
            "1.0.0",
            "--device-class",
            CLASS,
            "--endorsement",
            "release.endorsement",
        ],
        2,
    );
    assert!(err.contains("not for this signing key"), "{err}");

    // Without the endorsement, the release key alone is not trusted by the root store.
    sign(d, "release.key", "bare.signed", 12, &[]);
    fails(
        d,
        &[
            "verify",
            "--trust-store",
            "root.trust",
            "--image",
            "bare.signed",
        ],
        1,
    );

    // Revoking the root revokes what it endorsed.
    ok(
        d,
        &[
            "trust-store",
            "add",
            "--store",
            "root.trust",
            "--pubkey",
            "root.pub",
            "--revoked",
        ],
    );
    let err = fails(
        d,
        &[
            "verify",
            "--trust-store",
            "root.trust",
            "--image",
            "fw.signed",
        ],
        1,
    );
    assert!(err.contains("revoked"), "{err}");

    // A bad range is a usage error.
    fails(
        d,
        &[
            "endorse",
            "--root-key",
            "root.key",
            "--release-pubkey",
            "release.pub",
            "--min-security-version",
            "5",
            "--max-security-version",
            "4",
            "--out",
            "bad.endorsement",
        ],
        2,
    );
}

#[test]
fn demo_exits_0() {
    let out = ok(Path::new("."), &["demo"]);
    let text = stdout(&out);
    for needle in ["1.", "2.", "3.", "4.", "5.", "6.", "rollback"] {
        assert!(text.contains(needle), "{needle}: {text}");
    }
}

#[test]
fn header_len_aligns_the_payload_and_bad_values_are_usage_errors() {
    let dir = setup();
    let d = dir.path();
    sign(d, "release.key", "fw.signed", 3, &["--header-len", "512"]);
    let image = fs::read(d.join("fw.signed")).unwrap();
    // The payload starts at the requested, XIP-aligned offset.
    let payload = fs::read(d.join("payload.bin")).unwrap();
    assert_eq!(&image[512..512 + payload.len()], payload.as_slice());
    ok(
        d,
        &["verify", "--pubkey", "release.pub", "--image", "fw.signed"],
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&ok(
        d,
        &["inspect", "--image", "fw.signed", "--json"],
    )))
    .unwrap();
    assert_eq!(json["header_len"], 512);
    for bad in ["100", "500", "8192"] {
        let err = fails(
            d,
            &[
                "sign",
                "--key",
                "release.key",
                "--image",
                "payload.bin",
                "--out",
                "bad.signed",
                "--security-version",
                "1",
                "--version",
                "1.0.0",
                "--device-class",
                CLASS,
                "--header-len",
                bad,
            ],
            2,
        );
        assert!(err.contains("header"), "{bad}: {err}");
        assert!(
            !d.join("bad.signed").exists(),
            "{bad}: no output on failure"
        );
    }
}
