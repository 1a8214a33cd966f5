//! End-to-end tests of `pqhybrid identity`: the development CA, a device's first layer and the
//! attestation verifier, through the binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{CLASS, code, ok, run, stderr, stdout};

use std::fs;
use std::path::Path;

const NONCE: &str = "6e6f6e63652d3432";

/// Runs, asserts exit code `want` and a single `error: ` line naming `file` and containing
/// every one of `needles`; returns that line.
fn fails(dir: &Path, args: &[&str], want: i32, file: &str, needles: &[&str]) -> String {
    let out = run(dir, args);
    let err = stderr(&out);
    assert_eq!(
        code(&out),
        want,
        "pqhybrid {args:?}: expected exit {want}\nstdout: {}\nstderr: {err}",
        stdout(&out),
    );
    assert!(!err.contains("panicked"), "panic: {err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "{args:?}: one line expected: {err}");
    let line = lines[0];
    assert!(
        line.starts_with(&format!("error: {file}")),
        "{args:?}: {file} not named first: {err}"
    );
    for n in needles {
        assert!(line.contains(n), "{args:?}: {n} missing: {err}");
    }
    line.to_owned()
}

/// A release key, a signed image `fw.signed` at security version `sv` and the device's
/// secret `uds.bin` in `dir`.
fn firmware(dir: &Path, sv: u64) {
    ok(dir, &["keygen", "--out", "release.key"]);
    ok(
        dir,
        &["pubkey", "--key", "release.key", "--out", "release.pub"],
    );
    let payload: Vec<u8> = (0..20_000u32).map(|i| (i * 31 % 251) as u8).collect();
    fs::write(dir.join("payload.bin"), payload).unwrap();
    sign(dir, "fw.signed", sv);
    fs::write(dir.join("uds.bin"), [0x5au8; 32]).unwrap();
}

fn sign(dir: &Path, out: &str, sv: u64) {
    let sv = sv.to_string();
    ok(
        dir,
        &[
            "sign",
            "--key",
            "release.key",
            "--image",
            "payload.bin",
            "--out",
            out,
            "--security-version",
            &sv,
            "--version",
            "1.2.3",
            "--device-class",
            CLASS,
        ],
    );
}

/// `identity device` for `fw.signed` into `out`, with extra options.
fn device_args<'a>(out: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "identity",
        "device",
        "--uds",
        "uds.bin",
        "--image",
        "fw.signed",
        "--pubkey",
        "release.pub",
        "--out",
        out,
    ];
    args.extend_from_slice(extra);
    args
}

/// `identity verify` of the device in `dev` against `ca/ca.crt`, with extra options.
fn verify_args<'a>(dev: &'a str, extra: &[&'a str]) -> Vec<String> {
    let mut args: Vec<String> = [
        "identity",
        "verify",
        "--root",
        "ca/ca.crt",
        "--device-id-cert",
        &format!("{dev}/device_id.crt"),
        "--alias-cert",
        &format!("{dev}/alias.crt"),
        "--evidence",
        &format!("{dev}/evidence.crt"),
        "--nonce",
        NONCE,
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    args
}

fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

/// The value after `label` on the line of `text` that starts with it (after indentation).
fn field(text: &str, label: &str) -> String {
    text.lines()
        .find_map(|l| l.trim_start().strip_prefix(label))
        .map(|v| v.split_whitespace().next().unwrap_or_default().to_owned())
        .unwrap_or_else(|| panic!("{label} missing: {text}"))
}

/// A CA in `ca/`, a device in `dev/` (with evidence for [`NONCE`]) and its DeviceID
/// certificate; returns `identity device`'s stderr.
fn provisioned(d: &Path) -> String {
    ok(d, &["identity", "ca-init", "--out", "ca"]);
    let out = ok(d, &device_args("dev", &["--nonce", NONCE]));
    ok(
        d,
        &[
            "identity",
            "issue",
            "--ca",
            "ca",
            "--csr",
            "dev/device_id.csr",
            "--out",
            "dev/device_id.crt",
        ],
    );
    stderr(&out)
}

/// The DER inside a PEM file (test-side Base64, independent of the CLI's).
fn pem_to_der(pem: &str) -> Vec<u8> {
    let b64: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<String>();
    let val = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("bad base64 {c}"),
        }
    };
    let mut out = Vec::new();
    for quad in b64.as_bytes().chunks(4) {
        let pad = quad.iter().filter(|&&c| c == b'=').count();
        let n = quad
            .iter()
            .fold(0u32, |n, &c| (n << 6) | if c == b'=' { 0 } else { val(c) });
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..4 - pad]);
    }
    out
}

fn pem_file_to_der(d: &Path, pem: &str, der: &str) {
    let text = fs::read_to_string(d.join(pem)).unwrap();
    fs::write(d.join(der), pem_to_der(&text)).unwrap();
}

#[test]
fn ca_device_issue_verify_happy_path() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    firmware(d, 7);

    // The CA: a private key as `keygen` writes it, and a PEM certificate.
    let out = ok(
        d,
        &[
            "identity",
            "ca-init",
            "--out",
            "ca",
            "--name",
            "ACME Lab CA",
        ],
    );
    assert!(stderr(&out).contains("CN=ACME Lab CA"), "{}", stderr(&out));
    let key = fs::read_to_string(d.join("ca/ca.key")).unwrap();
    assert!(key.starts_with("-----BEGIN PRIVATE KEY-----"), "{key}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(d.join("ca/ca.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "mode {mode:o}");
    }
    let crt = fs::read_to_string(d.join("ca/ca.crt")).unwrap();
    assert!(crt.starts_with("-----BEGIN CERTIFICATE-----"), "{crt}");
    assert!(
        crt.trim_end().ends_with("-----END CERTIFICATE-----"),
        "{crt}"
    );

    // The device: verifies the image, writes the CSR, the Alias certificate, the evidence.
    let out = ok(d, &device_args("dev", &["--nonce", NONCE]));
    let text = stderr(&out);
    assert!(out.stdout.is_empty(), "{}", stdout(&out));
    assert!(text.contains("fw.signed: VALID"), "{text}");
    let device_id = field(&text, "DeviceID id");
    let alias_id = field(&text, "Alias id");
    assert_eq!(device_id.len(), 40, "{text}");
    assert_eq!(alias_id.len(), 40, "{text}");
    assert_eq!(field(&text, "security version"), "7");
    let image_id = field(&text, "image id");
    let inspect: serde_json::Value =
        serde_json::from_slice(&ok(d, &["inspect", "--image", "fw.signed", "--json"]).stdout)
            .unwrap();
    assert_eq!(inspect["image_id"], image_id.as_str());
    let csr = fs::read_to_string(d.join("dev/device_id.csr")).unwrap();
    assert!(
        csr.starts_with("-----BEGIN CERTIFICATE REQUEST-----"),
        "{csr}"
    );
    for f in ["dev/alias.crt", "dev/evidence.crt"] {
        let t = fs::read_to_string(d.join(f)).unwrap();
        assert!(t.starts_with("-----BEGIN CERTIFICATE-----"), "{f}: {t}");
    }

    // The CA issues the DeviceID certificate from the CSR, PEM or DER.
    let out = ok(
        d,
        &[
            "identity",
            "issue",
            "--ca",
            "ca",
            "--csr",
            "dev/device_id.csr",
            "--out",
            "dev/device_id.crt",
        ],
    );
    assert!(stderr(&out).contains(&device_id), "{}", stderr(&out));
    pem_file_to_der(d, "dev/device_id.csr", "csr.der");
    ok(
        d,
        &[
            "identity",
            "issue",
            "--ca",
            "ca",
            "--csr",
            "csr.der",
            "--out",
            "issued2.crt",
        ],
    );
    assert_eq!(
        fs::read(d.join("issued2.crt")).unwrap(),
        fs::read(d.join("dev/device_id.crt")).unwrap(),
        "issuing is deterministic"
    );

    // The verifier.
    let out = ok(d, &strs(&verify_args("dev", &[])));
    let text = stdout(&out);
    assert!(text.contains("VALID attestation"), "{text}");
    assert_eq!(field(&text, "device id"), device_id);
    assert_eq!(field(&text, "alias id"), alias_id);
    assert_eq!(field(&text, "image id"), image_id);
    assert_eq!(field(&text, "security version"), "7");
    assert_eq!(field(&text, "mode"), "normal");
    assert!(text.contains("pqhybrid / pqhybrid-device"), "{text}");
    assert!(field(&text, "UEID").starts_with("01"), "{text}");
    // With the image's id and its security version as the minimum.
    ok(
        d,
        &strs(&verify_args(
            "dev",
            &["--image-id", &image_id, "--min-security-version", "7"],
        )),
    );
    // DER inputs everywhere, and a second (untrusted) root before the right one.
    ok(d, &["identity", "ca-init", "--out", "other-ca"]);
    for f in [
        "ca/ca.crt",
        "dev/device_id.crt",
        "dev/alias.crt",
        "dev/evidence.crt",
    ] {
        pem_file_to_der(d, f, &format!("{}.der", f.replace('/', "-")));
    }
    let out = ok(
        d,
        &[
            "identity",
            "verify",
            "--root",
            "other-ca/ca.crt",
            "--root",
            "ca-ca.crt.der",
            "--device-id-cert",
            "dev-device_id.crt.der",
            "--alias-cert",
            "dev-alias.crt.der",
            "--evidence",
            "dev-evidence.crt.der",
            "--nonce",
            NONCE,
        ],
    );
    assert!(
        stdout(&out).contains("ca-ca.crt.der -> "),
        "{}",
        stdout(&out)
    );

    // The same device booting the same image derives the same documents.
    let before: Vec<Vec<u8>> = ["dev/device_id.csr", "dev/alias.crt", "dev/evidence.crt"]
        .iter()
        .map(|f| fs::read(d.join(f)).unwrap())
        .collect();
    ok(d, &device_args("dev", &["--nonce", NONCE, "--force"]));
    let after: Vec<Vec<u8>> = ["dev/device_id.csr", "dev/alias.crt", "dev/evidence.crt"]
        .iter()
        .map(|f| fs::read(d.join(f)).unwrap())
        .collect();
    assert_eq!(before, after);
    // A UDS given as 64 hex digits is the same secret.
    fs::write(d.join("uds.hex"), format!("{}\n", "5a".repeat(32))).unwrap();
    let mut args = device_args("dev-hex", &[]);
    args[3] = "uds.hex";
    let out = ok(d, &args);
    assert_eq!(field(&stderr(&out), "DeviceID id"), device_id);
    assert!(
        !d.join("dev-hex/evidence.crt").exists(),
        "no nonce, no evidence"
    );
}

#[test]
fn each_verify_rejection_names_its_document() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    firmware(d, 7);
    let booted = provisioned(d);
    let image_id = field(&booted, "image id");

    // A stale or foreign nonce: the evidence.
    let mut args = verify_args("dev", &[]);
    let at = args.iter().position(|a| a == NONCE).unwrap();
    args[at] = "00ff".into();
    fails(
        d,
        &strs(&args),
        1,
        "dev/evidence.crt",
        &["nonce does not match", "[BadNonce]"],
    );

    // A root the verifier does not trust: the DeviceID certificate.
    ok(d, &["identity", "ca-init", "--out", "other-ca"]);
    let mut args = verify_args("dev", &[]);
    args[3] = "other-ca/ca.crt".into();
    fails(
        d,
        &strs(&args),
        1,
        "dev/device_id.crt",
        &["chain does not start at a trusted root", "[UnknownRoot]"],
    );

    // Rollback and measurement mismatch: the Alias certificate.
    fails(
        d,
        &strs(&verify_args("dev", &["--min-security-version", "8"])),
        1,
        "dev/alias.crt",
        &[
            "firmware security version below the minimum",
            "security version 7",
            "[Rollback]",
        ],
    );
    let other_id = "ab".repeat(32);
    fails(
        d,
        &strs(&verify_args("dev", &["--image-id", &other_id])),
        1,
        "dev/alias.crt",
        &[
            "firmware measurement is not a reference value",
            &image_id,
            "[MeasurementMismatch]",
        ],
    );
    // Two accepted ids, one of them the image's: accepted.
    ok(
        d,
        &strs(&verify_args(
            "dev",
            &["--image-id", &other_id, "--image-id", &image_id],
        )),
    );

    // A device in debug mode: rejected unless --allow-debug.
    ok(
        d,
        &device_args("dbg", &["--mode", "debug", "--nonce", NONCE]),
    );
    fs::copy(d.join("dev/device_id.crt"), d.join("dbg/device_id.crt")).unwrap();
    fails(
        d,
        &strs(&verify_args("dbg", &[])),
        1,
        "dbg/alias.crt",
        &["device not in normal mode", "debug", "[WrongMode]"],
    );
    let out = ok(d, &strs(&verify_args("dbg", &["--allow-debug"])));
    assert_eq!(field(&stdout(&out), "mode"), "debug");

    // Another device's Alias certificate and evidence with this DeviceID certificate.
    fs::write(d.join("uds2.bin"), [0x77u8; 32]).unwrap();
    let mut args = device_args("other", &["--nonce", NONCE]);
    args[3] = "uds2.bin";
    ok(d, &args);
    fs::copy(d.join("dev/device_id.crt"), d.join("other/device_id.crt")).unwrap();
    fails(
        d,
        &strs(&verify_args("other", &[])),
        1,
        "other/alias.crt",
        &[
            "issuer and subject do not chain",
            "other/device_id.crt",
            "[BrokenChain]",
        ],
    );

    // A flipped bit in the Alias certificate's signature.
    pem_file_to_der(d, "dev/alias.crt", "alias.der");
    let mut der = fs::read(d.join("alias.der")).unwrap();
    *der.last_mut().unwrap() ^= 1;
    fs::write(d.join("bad-sig.der"), der).unwrap();
    let mut args = verify_args("dev", &[]);
    args[7] = "bad-sig.der".into();
    fails(
        d,
        &strs(&args),
        1,
        "bad-sig.der",
        &[
            "signature does not verify",
            "dev/device_id.crt",
            "[BadSignature]",
        ],
    );

    // Nothing is printed on stdout for a rejection.
    let mut args = verify_args("dev", &["--min-security-version", "9"]);
    args.push("--allow-debug".into());
    let out = run(d, &strs(&args));
    assert_eq!(code(&out), 1);
    assert!(out.stdout.is_empty(), "{}", stdout(&out));
}

#[test]
fn malformed_certificate_files_are_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    firmware(d, 3);
    provisioned(d);
    pem_file_to_der(d, "dev/alias.crt", "alias.der");
    let pem = fs::read_to_string(d.join("dev/alias.crt")).unwrap();
    let der = fs::read(d.join("alias.der")).unwrap();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty.crt", Vec::new()),
        ("truncated.pem", pem.as_bytes()[..pem.len() / 2].to_vec()),
        ("truncated.der", der[..der.len() / 2].to_vec()),
        ("trailing.der", [der.clone(), vec![0]].concat()),
        ("garbage.crt", b"this is not a certificate\n".to_vec()),
        ("pubkey.pem", fs::read(d.join("release.pub")).unwrap()),
        ("csr.pem", fs::read(d.join("dev/device_id.csr")).unwrap()),
        ("badbase64.pem", pem.replacen("MII", "M!I", 1).into_bytes()),
    ];
    for (name, bytes) in &cases {
        fs::write(d.join(name), bytes).unwrap();
        // As each of the device's documents: an invalid attestation (exit 1).
        for slot in [5, 7, 9] {
            let mut args = verify_args("dev", &[]);
            args[slot] = (*name).to_owned();
            fails(d, &strs(&args), 1, name, &["[MalformedCertificate]"]);
        }
        // As a trusted root: an input error (exit 2).
        let mut args = verify_args("dev", &[]);
        args[3] = (*name).to_owned();
        fails(d, &strs(&args), 2, name, &["[MalformedCertificate]"]);
        // As a CSR: the CA refuses it (exit 1).
        if *name != "csr.pem" {
            fails(
                d,
                &[
                    "identity", "issue", "--ca", "ca", "--csr", name, "--out", "x.crt",
                ],
                1,
                name,
                &["[MalformedCertificate]"],
            );
        }
    }
    // Truncated at every length of its first 600 bytes and a sample of the rest, as evidence.
    pem_file_to_der(d, "dev/evidence.crt", "evidence.der");
    let ev = fs::read(d.join("evidence.der")).unwrap();
    for len in (1..ev.len()).step_by(397) {
        fs::write(d.join("cut.der"), &ev[..len]).unwrap();
        let mut args = verify_args("dev", &[]);
        args[9] = "cut.der".into();
        fails(d, &strs(&args), 1, "cut.der", &["[MalformedCertificate]"]);
    }
    assert!(!d.join("x.crt").exists());
    // A CSR whose proof of possession does not verify.
    pem_file_to_der(d, "dev/device_id.csr", "csr.der");
    let mut csr = fs::read(d.join("csr.der")).unwrap();
    *csr.last_mut().unwrap() ^= 1;
    fs::write(d.join("bad-pop.der"), csr).unwrap();
    fails(
        d,
        &[
            "identity",
            "issue",
            "--ca",
            "ca",
            "--csr",
            "bad-pop.der",
            "--out",
            "x.crt",
        ],
        1,
        "bad-pop.der",
        &["signature does not verify", "[BadSignature]"],
    );
    assert!(!d.join("x.crt").exists());
    // Missing files.
    let mut args = verify_args("dev", &[]);
    args[7] = "missing.crt".into();
    fails(d, &strs(&args), 2, "missing.crt", &["no such file"]);
    fails(
        d,
        &[
            "identity",
            "issue",
            "--ca",
            "nowhere",
            "--csr",
            "dev/device_id.csr",
            "--out",
            "x.crt",
        ],
        2,
        "nowhere",
        &[],
    );
    // A CA whose certificate is not its own, or is damaged: an input error naming it.
    ok(d, &["identity", "ca-init", "--out", "ca2"]);
    fs::copy(d.join("ca2/ca.crt"), d.join("ca/ca.crt")).unwrap();
    fails(
        d,
        &[
            "identity",
            "issue",
            "--ca",
            "ca",
            "--csr",
            "dev/device_id.csr",
            "--out",
            "x.crt",
        ],
        2,
        "ca/ca.crt",
        &["not the root certificate of ca/ca.key"],
    );
    fs::write(d.join("ca/ca.crt"), &pem.as_bytes()[..100]).unwrap();
    fails(
        d,
        &[
            "identity",
            "issue",
            "--ca",
            "ca",
            "--csr",
            "dev/device_id.csr",
            "--out",
            "x.crt",
        ],
        2,
        "ca/ca.crt",
        &["[MalformedCertificate]"],
    );
    // A UDS of the wrong size.
    fs::write(d.join("short.uds"), [1u8; 31]).unwrap();
    let mut args = device_args("dev-x", &[]);
    args[3] = "short.uds";
    fails(d, &args, 2, "short.uds", &["32 raw bytes or 64 hex digits"]);
    assert!(!d.join("dev-x").exists());
}

#[test]
fn usage_errors_exit_2_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    firmware(d, 1);
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["identity"],
            &[
                "ca-init, issue, device, verify",
                "`pqhybrid identity --help`",
            ],
        ),
        (&["identity", "ca-init"], &["--out"]),
        (&["identity", "issue", "--ca", "ca"], &["--csr", "--out"]),
        (
            &[
                "identity",
                "device",
                "--uds",
                "uds.bin",
                "--image",
                "fw.signed",
                "--out",
                "o",
            ],
            &[
                "--pubkey",
                "--trust-store",
                "`pqhybrid identity device --help`",
            ],
        ),
        (
            &[
                "identity",
                "verify",
                "--device-id-cert",
                "a",
                "--alias-cert",
                "b",
                "--evidence",
                "c",
                "--nonce",
                "00",
            ],
            &["--root"],
        ),
        (
            &[
                "identity",
                "verify",
                "--root",
                "r",
                "--device-id-cert",
                "a",
                "--alias-cert",
                "b",
                "--evidence",
                "c",
            ],
            &["--nonce"],
        ),
        (
            &[
                "identity",
                "device",
                "--uds",
                "uds.bin",
                "--image",
                "fw.signed",
                "--pubkey",
                "release.pub",
                "--out",
                "o",
                "--mode",
                "weird",
            ],
            &["'weird'", "normal, debug, recovery"],
        ),
        (
            &["identity", "ca-init", "--out", "c", "--alg", "Ed25519"],
            &["Ed25519", "identity"],
        ),
        (
            &[
                "identity",
                "ca-init",
                "--out",
                "c",
                "--alg",
                "SLH-DSA-SHA2-128s",
            ],
            &["SLH-DSA-SHA2-128s"],
        ),
        (
            &["identity", "ca-init", "--out", "c", "--alg", "RSA"],
            &["`RSA`"],
        ),
        (
            &["identity", "ca-init", "--out", "c", "--name", "a*b"],
            &["--name", "PrintableString"],
        ),
        (
            &[
                "identity",
                "device",
                "--uds",
                "uds.bin",
                "--image",
                "fw.signed",
                "--pubkey",
                "release.pub",
                "--out",
                "o",
                "--nonce",
                "xyz",
            ],
            &["--nonce", "hex"],
        ),
        (
            &[
                "identity",
                "device",
                "--uds",
                "uds.bin",
                "--image",
                "fw.signed",
                "--pubkey",
                "release.pub",
                "--out",
                "o",
                "--vendor",
                &"v".repeat(65),
            ],
            &["--vendor", "64"],
        ),
        (
            &[
                "identity",
                "verify",
                "--root",
                "r",
                "--device-id-cert",
                "a",
                "--alias-cert",
                "b",
                "--evidence",
                "c",
                "--nonce",
                "00",
                "--image-id",
                "1234",
            ],
            &["--image-id", "64 hex digits"],
        ),
        (
            &[
                "identity",
                "verify",
                "--root",
                "r",
                "--device-id-cert",
                "a",
                "--alias-cert",
                "b",
                "--evidence",
                "c",
                "--nonce",
                &"00".repeat(65),
            ],
            &["--nonce", "1 to 64 bytes"],
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
        for n in *needles {
            assert!(lines[0].contains(n), "{args:?}: {n} missing: {err}");
        }
    }
    for p in ["c", "o"] {
        assert!(!d.join(p).exists(), "{p} written by a usage error");
    }
    // Help lists the commands and documents the options and the exit codes.
    let help = stdout(&ok(d, &["--help"]));
    assert!(help.contains("identity"), "{help}");
    let help = stdout(&ok(d, &["identity", "--help"]));
    for n in ["ca-init", "issue", "device", "verify", "Exit codes"] {
        assert!(help.contains(n), "identity --help lacks {n}: {help}");
    }
    let help = stdout(&ok(d, &["identity", "device", "--help"]));
    for n in [
        "--uds",
        "--trust-store",
        "--min-security-version",
        "--trailer-capacity",
        "--mode",
        "--nonce",
        "--force",
    ] {
        assert!(help.contains(n), "identity device --help lacks {n}: {help}");
    }
    let help = stdout(&ok(d, &["identity", "verify", "--help"]));
    for n in [
        "--root",
        "--image-id",
        "--min-security-version",
        "--allow-debug",
    ] {
        assert!(help.contains(n), "identity verify --help lacks {n}: {help}");
    }
}

#[test]
fn outputs_are_not_overwritten_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    firmware(d, 2);
    provisioned(d);
    let read = |f: &str| fs::read(d.join(f)).unwrap();

    // ca-init: the key is kept as it is.
    let (key, crt) = (read("ca/ca.key"), read("ca/ca.crt"));
    fails(
        d,
        &["identity", "ca-init", "--out", "ca"],
        2,
        "ca/ca.key",
        &["already exists", "--force"],
    );
    fs::remove_file(d.join("ca/ca.key")).unwrap();
    fails(
        d,
        &["identity", "ca-init", "--out", "ca"],
        2,
        "ca/ca.crt",
        &["already exists", "--force"],
    );
    assert!(!d.join("ca/ca.key").exists(), "no key written");
    fs::write(d.join("ca/ca.key"), &key).unwrap();
    assert_eq!(read("ca/ca.crt"), crt);

    // issue.
    let cert = read("dev/device_id.crt");
    let issue = [
        "identity",
        "issue",
        "--ca",
        "ca",
        "--csr",
        "dev/device_id.csr",
        "--out",
        "dev/device_id.crt",
    ];
    fails(
        d,
        &issue,
        2,
        "dev/device_id.crt",
        &["already exists", "--force"],
    );
    assert_eq!(read("dev/device_id.crt"), cert);
    ok(d, &[&issue[..], &["--force"]].concat());
    assert_eq!(read("dev/device_id.crt"), cert, "deterministic");

    // device: nothing is written when any output exists.
    let alias = read("dev/alias.crt");
    fs::remove_file(d.join("dev/device_id.csr")).unwrap();
    fails(
        d,
        &device_args("dev", &["--nonce", NONCE]),
        2,
        "dev/alias.crt",
        &["already exists", "--force"],
    );
    assert!(!d.join("dev/device_id.csr").exists());
    // An evidence for another nonce would replace evidence.crt: refused too.
    fs::remove_file(d.join("dev/alias.crt")).unwrap();
    fails(
        d,
        &device_args("dev", &["--nonce", "01"]),
        2,
        "dev/evidence.crt",
        &["already exists"],
    );
    assert!(!d.join("dev/alias.crt").exists());
    ok(d, &device_args("dev", &["--nonce", "01", "--force"]));
    assert_eq!(read("dev/alias.crt"), alias);
    // Without --nonce, an evidence.crt already there is left alone, with a warning.
    let out = ok(d, &device_args("dev", &["--force"]));
    let warnings: Vec<String> = stderr(&out)
        .lines()
        .filter(|l| l.starts_with("warning: "))
        .map(str::to_owned)
        .collect();
    assert_eq!(warnings.len(), 1, "{}", stderr(&out));
    assert!(
        warnings[0].starts_with("warning: dev/evidence.crt: "),
        "{warnings:?}"
    );
    assert!(d.join("dev/evidence.crt").exists());

    // --force on ca-init makes a new CA: the old DeviceID certificate no longer chains.
    ok(d, &["identity", "ca-init", "--out", "ca", "--force"]);
    assert_ne!(read("ca/ca.key"), key);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(d.join("ca/ca.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "mode {mode:o}");
    }
    let mut args = verify_args("dev", &[]);
    let at = args.iter().position(|a| a == NONCE).unwrap();
    args[at] = "01".into();
    fails(d, &strs(&args), 1, "dev/device_id.crt", &["[UnknownRoot]"]);
}

#[test]
fn a_rejected_image_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    firmware(d, 4);
    // Below the device's counter.
    fails(
        d,
        &device_args("out", &["--min-security-version", "5", "--nonce", NONCE]),
        1,
        "fw.signed",
        &["rollback", "[Rollback]"],
    );
    // Another device class.
    fails(
        d,
        &device_args(
            "out",
            &["--device-class", "ffeeddccbbaa99887766554433221100"],
        ),
        1,
        "fw.signed",
        &["[WrongDeviceClass]"],
    );
    // A tampered payload.
    let mut image = fs::read(d.join("fw.signed")).unwrap();
    image[192 + 100] ^= 1;
    fs::write(d.join("tampered.signed"), image).unwrap();
    let mut args = device_args("out", &["--nonce", NONCE]);
    args[5] = "tampered.signed";
    fails(d, &args, 1, "tampered.signed", &["[DigestMismatch]"]);
    // A key the device does not trust.
    ok(d, &["keygen", "--out", "other.key"]);
    ok(d, &["pubkey", "--key", "other.key", "--out", "other.pub"]);
    let mut args = device_args("out", &[]);
    args[7] = "other.pub";
    fails(d, &args, 1, "fw.signed", &["not trusted", "[UnknownKey]"]);
    assert!(!d.join("out").exists(), "the output directory was created");

    // In an existing directory, nothing new appears either.
    fs::create_dir(d.join("out")).unwrap();
    fails(
        d,
        &device_args("out", &["--min-security-version", "5", "--nonce", NONCE]),
        1,
        "fw.signed",
        &["[Rollback]"],
    );
    assert_eq!(fs::read_dir(d.join("out")).unwrap().count(), 0);
    // The same policy through a trust store: the image passes.
    ok(
        d,
        &[
            "trust-store",
            "add",
            "--store",
            "device.trust",
            "--pubkey",
            "release.pub",
        ],
    );
    let mut args = device_args("out", &["--min-security-version", "4"]);
    args[6] = "--trust-store";
    args[7] = "device.trust";
    ok(d, &args);
    assert!(d.join("out/alias.crt").exists());
}
