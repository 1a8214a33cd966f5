//! End-to-end tests of the `pqhybrid` binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{CLASS, code, ok, run, stderr, stdout};

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

const OTHER_CLASS: &str = "ffeeddccbbaa99887766554433221100";

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
            "--device-class",
            CLASS,
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
            "--any-class",
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
    for needle in [
        "1.",
        "2.",
        "3.",
        "4.",
        "5.",
        "6.",
        "7.",
        "8.",
        "rollback",
        "VALID: format 2",
        "device class 6f2d1c3a-8b54-4e0f-9a7e-12c45d38a107 only",
        "[ClassNotEndorsed]",
        "9. the device derives its identity from the image it booted",
        "DeviceID id",
        "Alias id",
        "device/evidence.crt",
        "10. a verifier checks its attestation",
        "VALID attestation",
        "minimum security version 11: rejected",
        "[Rollback]",
        "all steps behaved as expected",
    ] {
        assert!(text.contains(needle), "{needle}: {text}");
    }
    assert!(!text.contains("UNEXPECTED"), "{text}");
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

// ---------------------------------------------------------------------------------------------
// Format 2 (issue 12): trailer capacity, counter width, class-scoped endorsements, root
// algorithms, format-1 images, structural problems in `inspect`.
// ---------------------------------------------------------------------------------------------

const CLASS2: &str = "0f0e0d0c-0b0a-0908-0706-050403020100";

/// Asserts that `err` is exactly one `error: ` line naming `file` and containing every one of
/// `needles`.
fn one_line_error(err: &str, file: &str, needles: &[&str]) {
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "one line expected: {err}");
    assert!(lines[0].starts_with("error: "), "{err}");
    assert!(lines[0].contains(file), "{file} not named: {err}");
    for n in needles {
        assert!(lines[0].contains(n), "{n} missing: {err}");
    }
}

/// The one `warning: ` line of `stderr`, which must name `file`.
fn warning_line(stderr: &str, file: &str) -> String {
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("warning: "))
        .collect();
    assert_eq!(warnings.len(), 1, "one warning line expected: {stderr}");
    assert!(
        warnings[0].starts_with(&format!("warning: {file}: ")),
        "{file} not named: {stderr}"
    );
    warnings[0].to_owned()
}

/// Runs `sign` (payload.bin, version 1.0.0) with the given options; returns the output.
fn sign_args(d: &Path, key: &str, out: &str, sv: &str, class: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "sign",
        "--key",
        key,
        "--image",
        "payload.bin",
        "--out",
        out,
        "--security-version",
        sv,
        "--version",
        "1.0.0",
        "--device-class",
        class,
    ];
    args.extend_from_slice(extra);
    run(d, &args)
}

/// `endorse` arguments: `root.key` endorses `release.pub` for `min..=max`, written to `out`.
fn endorse_args<'a>(min: &'a str, max: &'a str, out: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "endorse",
        "--root-key",
        "root.key",
        "--release-pubkey",
        "release.pub",
        "--min-security-version",
        min,
        "--max-security-version",
        max,
        "--out",
        out,
    ];
    args.extend_from_slice(extra);
    args
}

fn inspect_json(d: &Path, image: &str) -> serde_json::Value {
    serde_json::from_slice(&ok(d, &["inspect", "--image", image, "--json"]).stdout)
        .expect("valid JSON")
}

/// The secret key of a CLI-generated key file, through the library.
fn secret_key(d: &Path, file: &str) -> (pqhybrid::SignatureAlgorithm, Vec<u8>) {
    let text = fs::read_to_string(d.join(file)).unwrap();
    let mut buf = vec![0u8; pqhybrid::encoding::MAX_DECODED_SECRET_KEY_LEN];
    let (alg, n) = pqhybrid::encoding::decode_private_key_pem(&text, &mut buf).unwrap();
    let pqhybrid::encoding::Algorithm::Signature(alg) = alg else {
        panic!("not a signature key")
    };
    buf.truncate(n);
    (alg, buf)
}

fn u16_at(b: &[u8], at: usize) -> usize {
    usize::from(u16::from_le_bytes([b[at], b[at + 1]]))
}

/// Signs the (edited) header of `image` again with `sk`, as a signer of that header would:
/// the image signature is over the whole header; it is written into the signature block's
/// signature slot, zero-padded.
fn resign_header(image: &mut [u8], alg: pqhybrid::SignatureAlgorithm, sk: &[u8]) {
    use pqhybrid::firmware::{IMAGE_CONTEXT, algorithm_sizes};
    let header_len = u16_at(image, 6);
    let payload_len = u32::from_le_bytes(image[8..12].try_into().unwrap()) as usize;
    let trailer = header_len + payload_len;
    let (pk_len, max_sig) = algorithm_sizes(alg);
    assert_eq!(u16_at(image, trailer + 6), pk_len);
    let mut sig = vec![0u8; max_sig];
    let n = alg
        .sign_deterministic(sk, &image[..header_len], IMAGE_CONTEXT, &mut sig)
        .unwrap();
    let len_at = trailer + 8 + pk_len;
    image[len_at..len_at + 2].copy_from_slice(&u16::try_from(n).unwrap().to_le_bytes());
    let slot = &mut image[len_at + 2..len_at + 2 + max_sig];
    slot.fill(0);
    slot[..n].copy_from_slice(&sig[..n]);
}

#[test]
fn help_documents_the_new_options() {
    let d = Path::new(".");
    let verify = stdout(&ok(d, &["verify", "--help"]));
    for opt in [
        "--trailer-capacity",
        "--max-security-version",
        "--endorse-allowed",
        "--accept-v1",
        "16384",
    ] {
        assert!(verify.contains(opt), "verify --help lacks {opt}: {verify}");
    }
    let endorse = stdout(&ok(d, &["endorse", "--help"]));
    for opt in [
        "--device-class",
        "--any-class",
        "--security-version-limit",
        "--force",
    ] {
        assert!(
            endorse.contains(opt),
            "endorse --help lacks {opt}: {endorse}"
        );
    }
    let sign = stdout(&ok(d, &["sign", "--help"]));
    for opt in [
        "--max-security-version",
        "--force",
        "security-version-limit",
    ] {
        assert!(sign.contains(opt), "sign --help lacks {opt}: {sign}");
    }
}

/// Issue 12, item 3: an SLH-DSA-192s root endorsing an MLDSA65-Ed25519 release key gives a
/// signature block over 16 KiB. `endorse` and `sign` warn; `verify` rejects it by default as a
/// device does, and accepts it with a large enough `--trailer-capacity`. Also item 8's
/// "SLH-DSA roots, hybrid-only images" policy.
#[test]
fn trailer_capacity_defaults_to_what_a_device_holds() {
    let dir = setup();
    let d = dir.path();
    ok(
        d,
        &["keygen", "--alg", "SLH-DSA-SHA2-192s", "--out", "root.key"],
    );
    ok(d, &["pubkey", "--key", "root.key", "--out", "root.pub"]);
    let out = ok(
        d,
        &endorse_args("1", "100", "big.endorsement", &["--device-class", CLASS]),
    );
    let w = warning_line(&stderr(&out), "big.endorsement");
    assert!(w.contains("TrailerTooLarge") && w.contains("16384"), "{w}");

    let out = sign_args(
        d,
        "release.key",
        "fw.signed",
        "3",
        CLASS,
        &["--endorsement", "big.endorsement"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let w = warning_line(&stderr(&out), "fw.signed");
    assert!(w.contains("16384") && w.contains("TrailerTooLarge"), "{w}");
    let v = inspect_json(d, "fw.signed");
    let trailer = v["trailer_len"].as_u64().unwrap();
    assert!(trailer > 16384, "{trailer}");
    assert_eq!(v["fits_default_trailer_capacity"], false);
    assert!(stdout(&ok(d, &["inspect", "--image", "fw.signed"])).contains("TrailerTooLarge"));
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
    fn verify<'a>(extra: &[&'a str]) -> Vec<&'a str> {
        let mut args = vec![
            "verify",
            "--trust-store",
            "root.trust",
            "--image",
            "fw.signed",
            "--device-class",
            CLASS,
        ];
        args.extend_from_slice(extra);
        args
    }

    // Default: rejected as by a device with the default verifier.
    let err = fails(d, &verify(&[]), 1);
    one_line_error(&err, "fw.signed", &["TrailerTooLarge", "16384"]);
    let out = run(d, &verify(&[]));
    assert!(stdout(&out).contains("INVALID"), "{}", stdout(&out));
    let err = fails(d, &verify(&["--trailer-capacity", "16K"]), 1);
    one_line_error(&err, "fw.signed", &["TrailerTooLarge"]);
    // A capacity between the verifier sizes is enforced exactly.
    let exact = trailer.to_string();
    let below = (trailer - 1).to_string();
    let err = fails(d, &verify(&["--trailer-capacity", &below]), 1);
    one_line_error(&err, "fw.signed", &["TrailerTooLarge", &below]);
    for cap in [exact.as_str(), "32K", "32768", "64KiB", "max"] {
        let out = ok(d, &verify(&["--trailer-capacity", cap]));
        assert!(stdout(&out).contains("VALID"), "{cap}: {}", stdout(&out));
    }

    // "SLH-DSA roots, hybrid-only images": the root's family for endorsements only.
    ok(
        d,
        &verify(&[
            "--trailer-capacity",
            "32K",
            "--allow",
            "hybrid",
            "--endorse-allowed",
            "slh-dsa",
        ]),
    );
    let err = fails(
        d,
        &verify(&[
            "--trailer-capacity",
            "32K",
            "--allow",
            "slh-dsa",
            "--endorse-allowed",
            "slh-dsa",
        ]),
        1,
    );
    one_line_error(&err, "fw.signed", &["AlgorithmNotAllowed", "--allow"]);
    let err = fails(
        d,
        &verify(&[
            "--trailer-capacity",
            "32K",
            "--allow",
            "hybrid",
            "--endorse-allowed",
            "hybrid,ml-dsa",
        ]),
        1,
    );
    one_line_error(
        &err,
        "fw.signed",
        &[
            "AlgorithmNotAllowed",
            "--endorse-allowed",
            "SLH-DSA-SHA2-192s",
        ],
    );

    // Bad capacities are usage errors naming the option.
    for bad in ["0", "200000", "abc", "16M", "1.5", ""] {
        let err = fails(d, &verify(&["--trailer-capacity", bad]), 2);
        assert!(err.contains("--trailer-capacity"), "{bad}: {err}");
    }
    let err = fails(d, &verify(&["--endorse-allowed", "rsa"]), 2);
    assert!(err.contains("--endorse-allowed"), "{err}");

    // An image that fits the default: no warning.
    let out = sign_args(d, "release.key", "small.signed", "3", CLASS, &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    assert_eq!(
        inspect_json(d, "small.signed")["fits_default_trailer_capacity"],
        true
    );
}

/// Issue 12, item 5, `sign` and `verify`: security versions above what the device counter
/// stores.
#[test]
fn security_versions_above_the_counter_width() {
    let dir = setup();
    let d = dir.path();
    // Above 2^32 - 1: refused, nothing written.
    let out = sign_args(d, "release.key", "big.signed", "4294967296", CLASS, &[]);
    assert_eq!(code(&out), 2);
    one_line_error(
        &stderr(&out),
        "big.signed",
        &[
            "SecurityVersionTooLarge",
            "4294967296",
            "--max-security-version",
            "--force",
        ],
    );
    assert!(!d.join("big.signed").exists());
    // A lower configured maximum.
    let out = sign_args(
        d,
        "release.key",
        "big.signed",
        "101",
        CLASS,
        &["--max-security-version", "100"],
    );
    assert_eq!(code(&out), 2);
    one_line_error(
        &stderr(&out),
        "big.signed",
        &["SecurityVersionTooLarge", "100"],
    );
    assert!(!d.join("big.signed").exists());
    // The largest 32-bit value is fine, without a warning.
    let out = sign_args(d, "release.key", "max.signed", "4294967295", CLASS, &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    // A wider counter (the alias too), then --force with a warning.
    let out = sign_args(
        d,
        "release.key",
        "wide.signed",
        "4294967296",
        CLASS,
        &["--security-version-limit", "4294967296"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    let out = sign_args(
        d,
        "release.key",
        "big.signed",
        "4294967296",
        CLASS,
        &["--force"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let w = warning_line(&stderr(&out), "big.signed");
    assert!(w.contains("--force"), "{w}");

    // verify: the device counter's maximum, default 2^32 - 1.
    let err = fails(
        d,
        &["verify", "--pubkey", "release.pub", "--image", "big.signed"],
        1,
    );
    one_line_error(
        &err,
        "big.signed",
        &[
            "SecurityVersionTooLarge",
            "4294967295",
            "--max-security-version",
        ],
    );
    ok(
        d,
        &["verify", "--pubkey", "release.pub", "--image", "max.signed"],
    );
    ok(
        d,
        &[
            "verify",
            "--pubkey",
            "release.pub",
            "--image",
            "big.signed",
            "--max-security-version",
            "4294967296",
        ],
    );
    let err = fails(
        d,
        &[
            "verify",
            "--pubkey",
            "release.pub",
            "--image",
            "max.signed",
            "--max-security-version",
            "255",
        ],
        1,
    );
    one_line_error(&err, "max.signed", &["SecurityVersionTooLarge", "255"]);
    // A policy no image can pass is a usage error.
    let err = fails(
        d,
        &[
            "verify",
            "--pubkey",
            "release.pub",
            "--image",
            "max.signed",
            "--min-security-version",
            "6",
            "--max-security-version",
            "5",
        ],
        2,
    );
    one_line_error(
        &err,
        "max.signed",
        &["--min-security-version", "--max-security-version"],
    );
    let err = fails(
        d,
        &[
            "verify",
            "--pubkey",
            "release.pub",
            "--image",
            "max.signed",
            "--max-security-version",
            "four",
        ],
        2,
    );
    assert!(err.contains("--max-security-version"), "{err}");

    // The invocation of `cargo xtask cortex-m` keeps working.
    let out = sign_args(
        d,
        "release.key",
        "xtask.signed",
        "7",
        "00112233445566778899aabbccddeeff",
        &["--header-len", "256", "--deterministic"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

/// Issue 12, item 5, `endorse`: the endorsed range against the counter width.
#[test]
fn endorse_refuses_security_versions_above_the_limit() {
    let dir = setup();
    let d = dir.path();
    keypair(d, "root");
    let err = fails(
        d,
        &endorse_args("1", "4294967296", "wide.endorsement", &["--any-class"]),
        2,
    );
    one_line_error(
        &err,
        "wide.endorsement",
        &[
            "SecurityVersionTooLarge",
            "4294967296",
            "--security-version-limit",
            "--force",
        ],
    );
    assert!(!d.join("wide.endorsement").exists());
    let err = fails(
        d,
        &endorse_args(
            "1",
            "1000",
            "wide.endorsement",
            &["--any-class", "--security-version-limit", "999"],
        ),
        2,
    );
    one_line_error(
        &err,
        "wide.endorsement",
        &["SecurityVersionTooLarge", "999"],
    );
    assert!(!d.join("wide.endorsement").exists());
    // The largest 32-bit value, a wider counter, and --force (with a warning).
    let out = ok(
        d,
        &endorse_args("1", "4294967295", "max.endorsement", &["--any-class"]),
    );
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    let out = ok(
        d,
        &endorse_args(
            "1",
            "4294967296",
            "wide.endorsement",
            &["--any-class", "--security-version-limit", "4294967296"],
        ),
    );
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    let out = ok(
        d,
        &endorse_args(
            "4294967296",
            "4294967300",
            "forced.endorsement",
            &["--any-class", "--force"],
        ),
    );
    let w = warning_line(&stderr(&out), "forced.endorsement");
    assert!(w.contains("--force"), "{w}");
    // min > max names the file too.
    let err = fails(
        d,
        &endorse_args("9", "8", "bad.endorsement", &["--any-class"]),
        2,
    );
    one_line_error(&err, "bad.endorsement", &["--min-security-version"]);
}

/// Issue 12, item 2: endorsements name the device classes they cover.
#[test]
fn endorsements_are_scoped_to_device_classes() {
    let dir = setup();
    let d = dir.path();
    keypair(d, "root");
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

    // The scope is required, and explicit.
    let err = fails(d, &endorse_args("1", "9", "e", &[]), 2);
    assert!(
        err.contains("--device-class") && err.contains("--any-class"),
        "{err}"
    );
    fails(
        d,
        &endorse_args("1", "9", "e", &["--any-class", "--device-class", CLASS]),
        2,
    );
    let nine: Vec<String> = (1..=9).map(|i| format!("{i:032x}")).collect();
    let mut args = endorse_args("1", "9", "nine.endorsement", &[]);
    for c in &nine {
        args.extend_from_slice(&["--device-class", c]);
    }
    let err = fails(d, &args, 2);
    one_line_error(&err, "nine.endorsement", &["9 device classes", "at most 8"]);
    let err = fails(
        d,
        &endorse_args(
            "1",
            "9",
            "dup.endorsement",
            &[
                "--device-class",
                CLASS,
                "--device-class",
                "00112233445566778899AABBCCDDEEFF",
            ],
        ),
        2,
    );
    one_line_error(&err, "dup.endorsement", &["twice", CLASS]);
    let err = fails(
        d,
        &endorse_args("1", "9", "bad.endorsement", &["--device-class", "nope"]),
        2,
    );
    one_line_error(&err, "bad.endorsement", &["nope"]);
    // A root cannot endorse itself.
    let mut args = endorse_args("1", "9", "self.endorsement", &["--any-class"]);
    args[4] = "root.pub";
    let err = fails(d, &args, 2);
    one_line_error(&err, "self.endorsement", &["EndorsedAnchor"]);
    for f in ["nine", "dup", "bad", "self"] {
        assert!(!d.join(format!("{f}.endorsement")).exists(), "{f}");
    }

    // Eight classes are fine.
    let mut args = endorse_args("1", "9", "eight.endorsement", &[]);
    for c in &nine[..8] {
        args.extend_from_slice(&["--device-class", c]);
    }
    ok(d, &args);

    // Two classes: signing for a third is refused, naming the endorsement.
    let out = ok(
        d,
        &endorse_args(
            "1",
            "9",
            "two.endorsement",
            &["--device-class", CLASS, "--device-class", CLASS2],
        ),
    );
    assert!(stderr(&out).contains(CLASS2), "{}", stderr(&out));
    let out = sign_args(
        d,
        "release.key",
        "other.signed",
        "5",
        OTHER_CLASS,
        &["--endorsement", "two.endorsement"],
    );
    assert_eq!(code(&out), 2);
    one_line_error(
        &stderr(&out),
        "two.endorsement",
        &[
            "ClassNotEndorsed",
            "ffeeddcc-bbaa-9988-7766-554433221100",
            CLASS,
            CLASS2,
        ],
    );
    assert!(!d.join("other.signed").exists());
    for (class, file) in [(CLASS, "a.signed"), (CLASS2, "b.signed")] {
        let out = sign_args(
            d,
            "release.key",
            file,
            "5",
            class,
            &["--endorsement", "two.endorsement"],
        );
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        ok(
            d,
            &[
                "verify",
                "--trust-store",
                "root.trust",
                "--image",
                file,
                "--device-class",
                class,
            ],
        );
    }
    let v = inspect_json(d, "b.signed");
    assert_eq!(v["endorsement"]["any_class"], false);
    assert_eq!(v["endorsement"]["format_version"], 2);
    assert_eq!(
        v["endorsement"]["device_classes"],
        serde_json::json!([CLASS, CLASS2])
    );
    let text = stdout(&ok(d, &["inspect", "--image", "b.signed"]));
    assert!(
        text.contains(&format!("device classes: {CLASS}, {CLASS2}")),
        "{text}"
    );

    // "Any class" is explicit, and covers every class.
    ok(
        d,
        &endorse_args("1", "9", "any.endorsement", &["--any-class"]),
    );
    let out = sign_args(
        d,
        "release.key",
        "other.signed",
        "5",
        OTHER_CLASS,
        &["--endorsement", "any.endorsement"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    ok(
        d,
        &[
            "verify",
            "--trust-store",
            "root.trust",
            "--image",
            "other.signed",
            "--device-class",
            OTHER_CLASS,
        ],
    );
    let v = inspect_json(d, "other.signed");
    assert_eq!(v["endorsement"]["any_class"], true);
    assert_eq!(v["endorsement"]["device_classes"], serde_json::json!([]));

    // A device verifies the class scope itself: an image for a class the endorsement does
    // not list (made by re-signing an edited header with the release key) is rejected.
    let mut image = fs::read(d.join("a.signed")).unwrap();
    image[32..48].copy_from_slice(&[0xab; 16]);
    let (alg, sk) = secret_key(d, "release.key");
    resign_header(&mut image, alg, &sk);
    fs::write(d.join("unlisted.signed"), &image).unwrap();
    let err = fails(
        d,
        &[
            "verify",
            "--trust-store",
            "root.trust",
            "--image",
            "unlisted.signed",
            "--device-class",
            "abababababababababababababababab",
        ],
        1,
    );
    one_line_error(
        &err,
        "unlisted.signed",
        &["ClassNotEndorsed", "abababab-abab", CLASS2],
    );

    // A delegated image whose signing key is itself an anchor: a root endorsing a root.
    ok(
        d,
        &[
            "trust-store",
            "add",
            "--store",
            "both.trust",
            "--pubkey",
            "root.pub",
        ],
    );
    ok(
        d,
        &[
            "trust-store",
            "add",
            "--store",
            "both.trust",
            "--pubkey",
            "release.pub",
        ],
    );
    let err = fails(
        d,
        &[
            "verify",
            "--trust-store",
            "both.trust",
            "--image",
            "a.signed",
        ],
        1,
    );
    one_line_error(&err, "a.signed", &["EndorsedAnchor", "trust anchor"]);
}

/// A format-1 endorsement record (as the previous release wrote) for `release.pub` by
/// `root.key`, any class.
fn v1_endorsement(d: &Path) -> Vec<u8> {
    use pqhybrid::firmware::{
        AlgorithmSet, ENDORSE_CONTEXT_V1, ENDORSE_TBS_PREFIX_V1, algorithm_id,
    };
    let (root_alg, root_sk) = secret_key(d, "root.key");
    let (release_alg, _) = secret_key(d, "release.key");
    let mut root_pk = vec![0u8; root_alg.public_key_len()];
    root_alg
        .public_key_from_secret(&root_sk, &mut root_pk)
        .unwrap();
    let (_, release_sk) = secret_key(d, "release.key");
    let mut release_pk = vec![0u8; release_alg.public_key_len()];
    release_alg
        .public_key_from_secret(&release_sk, &mut release_pk)
        .unwrap();
    let root_id = algorithm_id(root_alg).unwrap().to_le_bytes();
    let release_id = algorithm_id(release_alg).unwrap().to_le_bytes();
    let allowed = AlgorithmSet::ALL.bits().to_le_bytes();
    let (min, max) = (1u64.to_le_bytes(), 9u64.to_le_bytes());
    let mut tbs = ENDORSE_TBS_PREFIX_V1.to_vec();
    tbs.extend_from_slice(&root_id);
    tbs.extend_from_slice(&release_id);
    tbs.extend_from_slice(&(release_pk.len() as u16).to_le_bytes());
    tbs.extend_from_slice(&release_pk);
    tbs.extend_from_slice(&min);
    tbs.extend_from_slice(&max);
    tbs.extend_from_slice(&allowed);
    let mut sig = vec![0u8; root_alg.signature_len()];
    let n = root_alg
        .sign_deterministic(&root_sk, &tbs, ENDORSE_CONTEXT_V1, &mut sig)
        .unwrap();
    let mut record = root_id.to_vec();
    record.extend_from_slice(&(root_pk.len() as u16).to_le_bytes());
    record.extend_from_slice(&root_pk);
    record.extend_from_slice(&min);
    record.extend_from_slice(&max);
    record.extend_from_slice(&allowed);
    record.extend_from_slice(&(n as u16).to_le_bytes());
    record.extend_from_slice(&sig[..n]);
    record
}

/// Issue 12, item 2: format-1 images only with `--accept-v1`; format-1 endorsement records are
/// refused by `sign` with a hint.
#[test]
fn format_1_images_need_accept_v1() {
    let dir = setup();
    let d = dir.path();
    sign(d, "release.key", "v2.signed", 3, &[]);
    // The same image in format 1 (the header carries the version; the signer re-signs it).
    let mut image = fs::read(d.join("v2.signed")).unwrap();
    image[4..6].copy_from_slice(&1u16.to_le_bytes());
    let (alg, sk) = secret_key(d, "release.key");
    resign_header(&mut image, alg, &sk);
    fs::write(d.join("v1.signed"), &image).unwrap();

    let err = fails(
        d,
        &["verify", "--pubkey", "release.pub", "--image", "v1.signed"],
        1,
    );
    one_line_error(
        &err,
        "v1.signed",
        &["UnsupportedVersion", "format-1", "--accept-v1"],
    );
    let out = ok(
        d,
        &[
            "verify",
            "--pubkey",
            "release.pub",
            "--image",
            "v1.signed",
            "--accept-v1",
        ],
    );
    let text = stdout(&out);
    assert!(
        text.contains("VALID") && text.contains("format version     1"),
        "{text}"
    );
    assert!(text.contains("format 1 and 2"), "{text}");
    // Format 2 is accepted either way.
    let text = stdout(&ok(
        d,
        &[
            "verify",
            "--pubkey",
            "release.pub",
            "--image",
            "v2.signed",
            "--accept-v1",
        ],
    ));
    assert!(text.contains("format version     2"), "{text}");
    assert_eq!(inspect_json(d, "v1.signed")["format_version"], 1);
    assert_eq!(inspect_json(d, "v2.signed")["format_version"], 2);

    // A format-1 endorsement record cannot go into a format-2 image.
    keypair(d, "root");
    fs::write(d.join("v1.endorsement"), v1_endorsement(d)).unwrap();
    let out = sign_args(
        d,
        "release.key",
        "x.signed",
        "3",
        CLASS,
        &["--endorsement", "v1.endorsement"],
    );
    assert_eq!(code(&out), 2);
    one_line_error(
        &stderr(&out),
        "v1.endorsement",
        &["format-1", "--device-class", "UnsupportedVersion"],
    );
    assert!(!d.join("x.signed").exists());
    // Garbage is not an endorsement at all.
    fs::write(d.join("junk.endorsement"), b"not a record").unwrap();
    let out = sign_args(
        d,
        "release.key",
        "x.signed",
        "3",
        CLASS,
        &["--endorsement", "junk.endorsement"],
    );
    assert_eq!(code(&out), 2);
    one_line_error(
        &stderr(&out),
        "junk.endorsement",
        &["not an endorsement record"],
    );
}

/// Issue 12, item 8: `inspect` reports what `verify` rejects, by the library's own checks, and
/// shows the image id.
#[test]
fn inspect_reports_padding_and_appended_bytes() {
    use sha2::Digest as _;
    let dir = setup();
    let d = dir.path();
    sign(d, "release.key", "fw.signed", 3, &["--header-len", "256"]);
    let good = fs::read(d.join("fw.signed")).unwrap();

    // A clean image: no problem; the image id is SHA-256 of the whole header, as `verify`
    // reports it.
    let v = inspect_json(d, "fw.signed");
    assert!(
        v["problem"].is_null() && v["problem_error"].is_null(),
        "{v}"
    );
    let id = hex(&sha2::Sha256::digest(&good[..256]));
    assert_eq!(v["image_id"], id.as_str());
    assert_eq!(v["format_version"], 2);
    let out = ok(
        d,
        &["verify", "--pubkey", "release.pub", "--image", "fw.signed"],
    );
    assert!(
        stdout(&out).contains(&format!("image id           {id}")),
        "{}",
        stdout(&out)
    );

    // Non-zero header padding.
    let mut padded = good.clone();
    padded[200] = 0x01;
    fs::write(d.join("padding.signed"), &padded).unwrap();
    let v = inspect_json(d, "padding.signed");
    assert_eq!(v["problem_error"], "ReservedNonZero", "{v}");
    assert!(v["problem"].as_str().unwrap().contains("padding"), "{v}");
    assert!(v["image_id"].is_null(), "{v}");
    let text = stdout(&ok(d, &["inspect", "--image", "padding.signed"]));
    assert!(text.contains("[ReservedNonZero]"), "{text}");
    let err = fails(
        d,
        &[
            "verify",
            "--pubkey",
            "release.pub",
            "--image",
            "padding.signed",
        ],
        1,
    );
    one_line_error(
        &err,
        "padding.signed",
        &["ReservedNonZero", "header padding"],
    );

    // Bytes after the image.
    let mut appended = good.clone();
    appended.extend_from_slice(&[0xff; 7]);
    fs::write(d.join("appended.signed"), &appended).unwrap();
    let v = inspect_json(d, "appended.signed");
    assert_eq!(v["problem_error"], "LengthMismatch", "{v}");
    assert!(v["problem"].as_str().unwrap().contains("7 bytes"), "{v}");
    assert_eq!(v["image_id"], id.as_str());
    let err = fails(
        d,
        &[
            "verify",
            "--pubkey",
            "release.pub",
            "--image",
            "appended.signed",
        ],
        1,
    );
    one_line_error(&err, "appended.signed", &["LengthMismatch", "7 bytes"]);

    // Truncated.
    fs::write(d.join("short.signed"), &good[..good.len() - 7]).unwrap();
    let v = inspect_json(d, "short.signed");
    assert_eq!(v["problem_error"], "Truncated", "{v}");
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
    one_line_error(&err, "short.signed", &["Truncated"]);

    // A broken signature block (bad trailer magic).
    let mut block = good.clone();
    let trailer = 256 + 10_000;
    block[trailer] ^= 0xff;
    fs::write(d.join("block.signed"), &block).unwrap();
    let v = inspect_json(d, "block.signed");
    assert_eq!(v["problem_error"], "BadMagic", "{v}");
    assert!(v["signature_block"].is_null(), "{v}");
    let err = fails(
        d,
        &[
            "verify",
            "--pubkey",
            "release.pub",
            "--image",
            "block.signed",
        ],
        1,
    );
    one_line_error(&err, "block.signed", &["BadMagic"]);

    // A directory is not an image.
    fs::create_dir(d.join("dir.signed")).unwrap();
    let err = fails(d, &["inspect", "--image", "dir.signed"], 2);
    one_line_error(&err, "dir.signed", &["directory"]);
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `--allow` / `--endorse-allowed` text for a set of algorithm bits from `policy.json`.
fn families(bits: u64) -> String {
    use pqhybrid::firmware::AlgorithmSet;
    let bits = u32::try_from(bits).unwrap();
    let mut out = Vec::new();
    for (name, set) in [
        ("hybrid", AlgorithmSet::HYBRID_ONLY),
        ("ml-dsa", AlgorithmSet::ML_DSA_ONLY),
        ("slh-dsa", AlgorithmSet::SLH_DSA_ONLY),
    ] {
        if bits & set.bits() == set.bits() {
            out.push(name);
        }
    }
    let covered = out.iter().fold(0u32, |acc, n| {
        acc | match *n {
            "hybrid" => AlgorithmSet::HYBRID_ONLY.bits(),
            "ml-dsa" => AlgorithmSet::ML_DSA_ONLY.bits(),
            _ => AlgorithmSet::SLH_DSA_ONLY.bits(),
        }
    });
    assert_eq!(covered, bits, "not a union of families: {bits:#x}");
    out.join(",")
}

/// `verify` gives, for every known-answer image of the library (`kat-vectors/pqhybrid/firmware`,
/// one per rejection) and for the frozen format-1 image, the result the library's verifier
/// gives under the same device policy, naming the same `FirmwareError`.
#[test]
fn verify_agrees_with_the_firmware_known_answer_images() {
    let kat = Path::new(env!("CARGO_MANIFEST_DIR")).join("../kat-vectors/pqhybrid");
    for (sub, accept_v1) in [
        ("firmware", false),
        ("firmware-v1", false),
        ("firmware-v1", true),
    ] {
        let dir = kat.join(sub);
        let doc: serde_json::Value =
            serde_json::from_slice(&fs::read(dir.join("policy.json")).unwrap()).unwrap();
        let policy = &doc["policy"];
        let tmp = tempfile::tempdir().unwrap();
        let store: String = policy["trustAnchors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                format!(
                    "{} {}\n",
                    a["keyId"].as_str().unwrap(),
                    a["state"].as_str().unwrap()
                )
            })
            .collect();
        fs::write(tmp.path().join("kat.trust"), store).unwrap();
        let min = policy["minSecurityVersion"].as_u64().unwrap().to_string();
        let max = policy["maxSecurityVersion"]
            .as_u64()
            .unwrap_or(u64::from(u32::MAX))
            .to_string();
        let allow = families(policy["allowed"].as_u64().unwrap());
        let endorse = families(
            policy["endorseAllowed"]
                .as_u64()
                .or(policy["allowed"].as_u64())
                .unwrap(),
        );
        let capacity = policy["trailerCapacity"].as_u64().unwrap().to_string();
        let files = doc["files"].as_array().unwrap();
        assert!(!files.is_empty());
        for f in files {
            let file = dir.join(f["file"].as_str().unwrap());
            let file = file.to_str().unwrap();
            let expect = if accept_v1 {
                f["expectAcceptV1"].as_str().unwrap()
            } else {
                f["expect"].as_str().unwrap()
            };
            let mut args = vec![
                "verify",
                "--trust-store",
                "kat.trust",
                "--image",
                file,
                "--device-class",
                policy["deviceClass"].as_str().unwrap(),
                "--min-security-version",
                &min,
                "--max-security-version",
                &max,
                "--allow",
                &allow,
                "--endorse-allowed",
                &endorse,
                "--trailer-capacity",
                &capacity,
            ];
            if accept_v1 {
                args.push("--accept-v1");
            }
            if expect == "valid" {
                ok(tmp.path(), &args);
            } else {
                let err = fails(tmp.path(), &args, 1);
                one_line_error(&err, file, &[&format!("[{expect}]")]);
            }
        }
    }
}

/// A format-2 endorsement record, any class, for security versions 1..=9, by the key in
/// `key_file` of its own public key, with a placeholder signature: it parses, and the signer
/// refuses it (the key endorses itself) before the signature would be checked.
fn self_endorsement(d: &Path, key_file: &str) -> Vec<u8> {
    use pqhybrid::firmware::{AlgorithmSet, ENDORSE_ANY_CLASS, algorithm_id};
    let (alg, sk) = secret_key(d, key_file);
    let mut pk = vec![0u8; alg.public_key_len()];
    alg.public_key_from_secret(&sk, &mut pk).unwrap();
    let mut record = algorithm_id(alg).unwrap().to_le_bytes().to_vec();
    record.extend_from_slice(&u16::try_from(pk.len()).unwrap().to_le_bytes());
    record.extend_from_slice(&pk);
    record.extend_from_slice(&1u64.to_le_bytes());
    record.extend_from_slice(&9u64.to_le_bytes());
    record.extend_from_slice(&AlgorithmSet::ALL.bits().to_le_bytes());
    record.extend_from_slice(&[ENDORSE_ANY_CLASS, 0]);
    record.extend_from_slice(&1u16.to_le_bytes());
    record.push(0x5a);
    record
}

#[test]
fn sign_rejects_unusable_endorsement_files() {
    let dir = setup();
    let d = dir.path();
    // A key endorsing itself.
    fs::write(
        d.join("self.endorsement"),
        self_endorsement(d, "release.key"),
    )
    .unwrap();
    let out = sign_args(
        d,
        "release.key",
        "self.signed",
        "3",
        CLASS,
        &["--endorsement", "self.endorsement"],
    );
    assert_eq!(code(&out), 2);
    one_line_error(
        &stderr(&out),
        "self.endorsement",
        &["EndorsedAnchor", "itself"],
    );
    assert!(!d.join("self.signed").exists());
    // A directory, and a file too large to be a record.
    fs::create_dir(d.join("dir.endorsement")).unwrap();
    let out = sign_args(
        d,
        "release.key",
        "x.signed",
        "3",
        CLASS,
        &["--endorsement", "dir.endorsement"],
    );
    assert_eq!(code(&out), 2);
    one_line_error(&stderr(&out), "dir.endorsement", &["directory"]);
    fs::write(d.join("huge.endorsement"), vec![0u8; 300 * 1024]).unwrap();
    let out = sign_args(
        d,
        "release.key",
        "x.signed",
        "3",
        CLASS,
        &["--endorsement", "huge.endorsement"],
    );
    assert_eq!(code(&out), 2);
    one_line_error(&stderr(&out), "huge.endorsement", &["too large"]);
    let out = sign_args(
        d,
        "release.key",
        "x.signed",
        "3",
        CLASS,
        &["--endorsement", "missing.endorsement"],
    );
    assert_eq!(code(&out), 2);
    one_line_error(&stderr(&out), "missing.endorsement", &["no such file"]);
    assert!(!d.join("x.signed").exists());
}

#[test]
fn inspect_and_verify_report_an_impossible_signature_block_length() {
    let dir = setup();
    let d = dir.path();
    sign(d, "release.key", "fw.signed", 3, &[]);
    let mut image = fs::read(d.join("fw.signed")).unwrap();
    // trailer_len (header offset 176) larger than any valid signature block.
    image[176..180].copy_from_slice(&0x00ff_ffffu32.to_le_bytes());
    fs::write(d.join("huge.signed"), &image).unwrap();
    let v = inspect_json(d, "huge.signed");
    assert_eq!(v["problem_error"], "TrailerTooLarge", "{v}");
    assert!(v["signature_block"].is_null(), "{v}");
    assert_eq!(v["fits_default_trailer_capacity"], false);
    for cap in ["16K", "max"] {
        let err = fails(
            d,
            &[
                "verify",
                "--pubkey",
                "release.pub",
                "--image",
                "huge.signed",
                "--trailer-capacity",
                cap,
            ],
            1,
        );
        one_line_error(&err, "huge.signed", &["TrailerTooLarge"]);
    }
}

// ---------------------------------------------------------------------------------------------
// Issue 13: the CLI's own contract.

/// A PKCS#8 PEM private key file of a classical algorithm (written by the library, as
/// `openssl genpkey` writes it), and its SPKI PEM public key.
fn classical_key(d: &Path, alg: pqhybrid::SignatureAlgorithm, name: &str) {
    let (mut pk, mut sk) = (
        vec![0u8; alg.public_key_len()],
        vec![0u8; alg.secret_key_len()],
    );
    alg.keypair_from_seed(&[9u8; 32], &mut pk, &mut sk).unwrap();
    let pem = pqhybrid::encoding::encode_private_key_pem(alg.into(), &sk).unwrap();
    fs::write(d.join(format!("{name}.key")), pem.as_bytes()).unwrap();
    let pem = pqhybrid::encoding::encode_public_key_pem(alg.into(), &pk).unwrap();
    fs::write(d.join(format!("{name}.pub")), pem).unwrap();
}

/// `sign --key`, `pubkey --key` (and `keyid --pubkey`, `trust-store add --pubkey`) with an
/// Ed25519 or P-256 key: one line naming the key file, nothing written.
#[test]
fn classical_keys_are_refused_naming_the_key_file() {
    use pqhybrid::SignatureAlgorithm as A;
    let dir = setup();
    let d = dir.path();
    for (alg, name) in [(A::Ed25519, "ed"), (A::EcdsaP256Sha256, "p256")] {
        classical_key(d, alg, name);
        let key = format!("{name}.key");
        let public = format!("{name}.pub");
        let out = run(d, &["pubkey", "--key", &key]);
        assert_eq!(code(&out), 2, "{}", stderr(&out));
        assert!(
            out.stdout.is_empty(),
            "public key written: {}",
            stdout(&out)
        );
        one_line_error(
            &stderr(&out),
            &key,
            &[alg.name(), "cannot sign firmware images"],
        );
        let err = fails(d, &["pubkey", "--key", &key, "--out", "x.pub"], 2);
        one_line_error(&err, &key, &[alg.name()]);
        assert!(!d.join("x.pub").exists());

        let out_file = format!("{name}.signed");
        let err = fails(
            d,
            &[
                "sign",
                "--key",
                &key,
                "--image",
                "payload.bin",
                "--out",
                &out_file,
                "--security-version",
                "1",
                "--version",
                "1.0.0",
                "--device-class",
                CLASS,
            ],
            2,
        );
        one_line_error(
            &err,
            &key,
            &[
                alg.name(),
                "cannot sign firmware images",
                "[AlgorithmNotAllowed]",
            ],
        );
        assert!(!d.join(&out_file).exists());

        let err = fails(d, &["keyid", "--pubkey", &public], 2);
        one_line_error(&err, &public, &[alg.name()]);
        let err = fails(
            d,
            &[
                "trust-store",
                "add",
                "--store",
                "s.trust",
                "--pubkey",
                &public,
            ],
            2,
        );
        one_line_error(&err, &public, &[alg.name()]);
        assert!(!d.join("s.trust").exists());
    }
}

/// Argument errors are one `error: ` line with the usage exit code, pointing to the right
/// `--help`; a bare `pqhybrid` prints a one-line hint, not the whole help.
#[test]
fn argument_errors_are_one_line() {
    let dir = setup();
    let d = dir.path();
    let cases: &[(&[&str], &[&str])] = &[
        (
            &[],
            &[
                "needs a command",
                "keygen",
                "trust-store",
                "`pqhybrid --help`",
            ],
        ),
        (&["frobnicate"], &["frobnicate", "`pqhybrid --help`"]),
        (&["sgn"], &["'sgn'", "'sign'"]),
        (
            &["verify", "--image", "fw.signed"],
            &["--pubkey", "--trust-store", "`pqhybrid verify --help`"],
        ),
        (
            &[
                "verify",
                "--pubkey",
                "release.pub",
                "--image",
                "x",
                "--bogus",
            ],
            &["--bogus", "`pqhybrid verify --help`"],
        ),
        (
            &[
                "verify",
                "--pubkey",
                "release.pub",
                "--image",
                "x",
                "--allow",
                "foo",
            ],
            &["'foo'", "hybrid, ml-dsa"],
        ),
        (
            &[
                "verify",
                "--pubkey",
                "a",
                "--image",
                "x",
                "--trailer-capacity",
                "1M",
            ],
            &["--trailer-capacity", "not a size"],
        ),
        (
            &["keygen", "--frce"],
            &["'--force'", "`pqhybrid keygen --help`"],
        ),
        (
            &["trust-store"],
            &["add, list", "`pqhybrid trust-store --help`"],
        ),
        (
            &["trust-store", "add", "--store", "s"],
            &["--pubkey", "`pqhybrid trust-store add --help`"],
        ),
        (
            &["sign", "--key", "release.key", "--security-version", "x"],
            &["'x'", "--security-version"],
        ),
    ];
    for (args, needles) in cases {
        let out = run(d, args);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{args:?}: {}", stdout(&out));
        let err = stderr(&out);
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 1, "{args:?}: one line expected: {err}");
        assert!(lines[0].starts_with("error: "), "{args:?}: {err}");
        assert!(lines[0].ends_with("--help`)"), "{args:?}: {err}");
        assert!(!err.contains("Usage:"), "{args:?}: {err}");
        for n in *needles {
            assert!(lines[0].contains(n), "{args:?}: {n} missing: {err}");
        }
    }
    // --help, --version and `help` still print in full, to stdout, and succeed.
    for args in [
        &["--help"][..],
        &["help"],
        &["sign", "--help"],
        &["--version"],
    ] {
        let out = ok(d, args);
        assert!(out.stderr.is_empty(), "{args:?}: {}", stderr(&out));
        assert!(!out.stdout.is_empty(), "{args:?}");
    }
}

/// `keygen --force` onto a symlink replaces the link with the key file; the link's target is
/// not written. Without --force a symlink (even a dangling one) is refused.
#[test]
fn keygen_force_replaces_a_symlink_instead_of_following_it() {
    use std::os::unix::fs::{PermissionsExt, symlink};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("target.txt"), b"not a key\n").unwrap();
    fs::set_permissions(d.join("target.txt"), fs::Permissions::from_mode(0o644)).unwrap();
    symlink("target.txt", d.join("k.pem")).unwrap();
    symlink("nowhere.txt", d.join("dangling.pem")).unwrap();

    let err = fails(d, &["keygen", "--out", "k.pem"], 2);
    one_line_error(&err, "k.pem", &["--force"]);
    let err = fails(d, &["keygen", "--out", "dangling.pem"], 2);
    one_line_error(&err, "dangling.pem", &["--force"]);
    assert!(!d.join("nowhere.txt").exists());

    ok(d, &["keygen", "--out", "k.pem", "--force"]);
    assert_eq!(fs::read(d.join("target.txt")).unwrap(), b"not a key\n");
    let mode = fs::metadata(d.join("target.txt"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o644, "target's mode changed: {mode:o}");
    let meta = fs::symlink_metadata(d.join("k.pem")).unwrap();
    assert!(meta.file_type().is_file(), "k.pem is still a link");
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    let key = fs::read_to_string(d.join("k.pem")).unwrap();
    assert!(key.starts_with("-----BEGIN PRIVATE KEY-----"), "{key}");
    ok(d, &["pubkey", "--key", "k.pem", "--out", "k.pub"]);

    ok(d, &["keygen", "--out", "dangling.pem", "--force"]);
    assert!(!d.join("nowhere.txt").exists());
    assert!(
        fs::symlink_metadata(d.join("dangling.pem"))
            .unwrap()
            .file_type()
            .is_file()
    );
    // No temporary file is left behind.
    let names: Vec<String> = fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.starts_with(".pqhybrid-key-")),
        "{names:?}"
    );
}

/// `trust-store add` (and `list`) warn, in one line naming the store, when the store holds more
/// anchors than the C verifier's `PQH_FW_MAX_TRUST_ANCHORS` (16); up to 16, no warning.
#[test]
fn trust_store_warns_above_the_c_verifier_capacity() {
    use pqhybrid::SignatureAlgorithm as A;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let alg = A::MlDsa44Ed25519Sha512;
    for i in 0..17u8 {
        let (mut pk, mut sk) = (
            vec![0u8; alg.public_key_len()],
            vec![0u8; alg.secret_key_len()],
        );
        alg.keypair_from_seed(&[i; 32], &mut pk, &mut sk).unwrap();
        let pem = pqhybrid::encoding::encode_public_key_pem(alg.into(), &pk).unwrap();
        fs::write(d.join(format!("k{i}.pub")), pem).unwrap();
    }
    let add = |i: u8, extra: &[&str]| {
        let public = format!("k{i}.pub");
        let mut args = vec![
            "trust-store",
            "add",
            "--store",
            "dev.trust",
            "--pubkey",
            &public,
        ];
        args.extend_from_slice(extra);
        stderr(&ok(d, &args))
    };
    for i in 0..16 {
        let err = add(i, &[]);
        assert!(!err.contains("warning"), "anchor {i}: {err}");
    }
    let err = stderr(&ok(d, &["trust-store", "list", "--store", "dev.trust"]));
    assert!(!err.contains("warning"), "{err}");
    // Updating an anchor of a full store adds none.
    let err = add(3, &["--revoked"]);
    assert!(!err.contains("warning"), "{err}");

    let err = add(16, &[]);
    let w = warning_line(&err, "dev.trust");
    for n in ["17 trust anchors", "16", "PQH_FW_MAX_TRUST_ANCHORS", "C"] {
        assert!(w.contains(n), "{n} missing: {w}");
    }
    let text = fs::read_to_string(d.join("dev.trust")).unwrap();
    assert_eq!(text.lines().filter(|l| !l.starts_with('#')).count(), 17);
    let out = ok(d, &["trust-store", "list", "--store", "dev.trust"]);
    assert_eq!(stdout(&out).lines().count(), 17);
    warning_line(&stderr(&out), "dev.trust");
}
