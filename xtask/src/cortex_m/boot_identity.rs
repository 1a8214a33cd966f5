//! The C bootloader's DICE step end to end (`examples/c-bootloader/identity.c`, issue 14).
//!
//! The bootloader is linked with a library that has the `identity` feature and booted on the
//! valid image under QEMU. It verifies the image, derives the DeviceID and Alias keys from its
//! fixed test UDS and the accepted image, and writes the DeviceID CSR, the Alias certificate and
//! the evidence for a fresh nonce (which the host wrote) over semihosting. The host then:
//!
//! 1. plays the manufacturer: `pqhybrid identity ca-init` and `identity issue --csr` (which
//!    checks the CSR's proof of possession) give the DeviceID certificate;
//! 2. plays the verifier: `pqhybrid identity verify` checks root → DeviceID → Alias → evidence,
//!    the nonce, the image id and the minimum security version; a wrong nonce and a minimum
//!    security version above the image's must be rejected (exit 1);
//! 3. cross-checks the device against the host: `pqhybrid identity device` with the same UDS
//!    and image writes byte-identical CSR and Alias certificate (signing is deterministic).
//!
//! The instructions and stack of each step become rows of `RESULTS.md` (machine
//! "mps2-an386 (Cortex-M4), C bootloader"), held by `--check` like the others; the ELF's flash
//! size is a row of the size table.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::bootloader::{VERIFY_ONLY_FEATURES, c_library, make_bootloader};
use super::qemu::{elf_size, qemu};
use super::{AN386, Measurement, Results};
use crate::cmd::run;

/// The machine name of the C bootloader's rows.
pub(super) const C_BOOT_MACHINE: &str = "mps2-an386 (Cortex-M4), C bootloader";
/// What the name of the identity bootloader's size row contains.
pub(super) const IDENTITY_SIZE_MARK: &str = "with the DICE identity";
/// The identity algorithm identity.c uses.
const ALG: &str = "MLDSA65-Ed25519-SHA512";
/// identity.c's fixed test UDS.
const TEST_UDS: &[u8; 32] = b"pqhybrid test UDS, never real!!!";
/// identity.c's vendor and model strings.
const VENDOR: &str = "pqhybrid";
const MODEL: &str = "c-bootloader mps2-an386";

/// What the verify-only run of [`super::bootloader::c_bootloader`] already made.
pub(super) struct Inputs<'a> {
    /// The bootloader's output directory (target/c-bootloader).
    pub out: &'a Path,
    /// The host CLI.
    pub cli: &'a Path,
    /// The valid signed image.
    pub image: &'a Path,
    /// The release key's public key (the device's trust anchor).
    pub pubkey: &'a Path,
    /// The device's anti-rollback counter.
    pub counter: u64,
}

/// Builds, boots and checks the identity bootloader (see the module doc).
pub(super) fn boot(root: &Path, inp: &Inputs<'_>, results: &mut Results) -> Result<(), String> {
    // The compact signer (`compact-sign`): ML-DSA key generation and signing in about 20 KiB
    // of stack instead of libcrux's 130–150 KiB, on libcrux-sha3's unrolled Keccak
    // (`compact-verify-fast`), which halves its time for about 20 KB of flash.
    let features =
        format!("{VERIFY_ONLY_FEATURES},identity,compact-sign,pqhybrid/compact-verify-fast");
    // Opt-level 3: a device that signs at every boot wants speed.
    let lib = c_library(root, "ffi-identity", &features, "3")?;
    let dir = inp.out.join("identity");
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;

    // The verifier's fresh nonce, which the device reads over semihosting.
    let nonce = fresh_nonce()?;
    write(&dir.join("nonce.bin"), &nonce)?;
    let nonce_hex = hex(&nonce);

    let elf = inp.out.join("bootloader-identity.elf");
    make_bootloader(
        root,
        inp.out,
        inp.image,
        &elf,
        &lib,
        &[
            "IDENTITY=1".to_string(),
            format!("IDENTITY_DIR={}", dir.display()),
        ],
    )?;
    let (code, text) = qemu(AN386.qemu, &elf)?;
    print!("{text}");
    if code != 0 || !text.contains("IDENTITY OK") {
        return Err(format!(
            "identity bootloader: exit {code}, expected 0 and \"IDENTITY OK\":\n{text}"
        ));
    }
    let rows = parse_steps(&text)?;
    let image_id = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("image id "))
        .map(str::to_string)
        .ok_or("identity bootloader: no \"image id\" line")?;

    // 1. The manufacturer's CA certifies the DeviceID from the CSR.
    let ca = dir.join("ca");
    cli(inp.cli, &["identity", "ca-init", "--out"], &[&ca])?;
    let device_id_cert = dir.join("device-id.crt");
    let mut c = Command::new(inp.cli);
    c.args(["identity", "issue", "--ca"])
        .arg(&ca)
        .arg("--csr")
        .arg(dir.join("device-id.csr"))
        .arg("--out")
        .arg(&device_id_cert);
    run(c)?;

    // 2. The verifier: accepted with the right nonce and reference values, rejected otherwise.
    let verify = |nonce: &str, min_svn: u64| {
        let mut c = Command::new(inp.cli);
        c.args(["identity", "verify", "--root"])
            .arg(ca.join("ca.crt"))
            .arg("--device-id-cert")
            .arg(&device_id_cert)
            .arg("--alias-cert")
            .arg(dir.join("alias.crt"))
            .arg("--evidence")
            .arg(dir.join("evidence.der"))
            .args(["--nonce", nonce, "--image-id", &image_id])
            .args(["--min-security-version", &min_svn.to_string()]);
        c.output()
            .map_err(|e| format!("pqhybrid identity verify: {e}"))
    };
    let ok = verify(&nonce_hex, inp.counter)?;
    let verdict = String::from_utf8_lossy(&ok.stdout).trim().to_string();
    println!("{verdict}");
    if !ok.status.success() {
        return Err(format!(
            "pqhybrid identity verify rejected the bootloader's attestation: {}{}",
            verdict,
            String::from_utf8_lossy(&ok.stderr)
        ));
    }
    let mut other = nonce.clone();
    other[0] ^= 1;
    for (what, out, expect) in [
        ("a wrong nonce", verify(&hex(&other), inp.counter)?, "nonce"),
        (
            "a minimum security version above the image's",
            verify(&nonce_hex, 1 << 40)?,
            "security version",
        ),
    ] {
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        if out.status.code() != Some(1) || !said.to_lowercase().contains(expect) {
            return Err(format!(
                "pqhybrid identity verify with {what}: expected exit 1 naming the {expect}, \
                 got {:?}: {said}",
                out.status.code()
            ));
        }
        println!("cortex-m: identity: {what} rejected: {}", said.trim());
    }

    // 3. The host derives the same identity from the same UDS and image, byte for byte.
    let uds = dir.join("test-uds.bin");
    write(&uds, TEST_UDS)?;
    let host = dir.join("host");
    let mut c = Command::new(inp.cli);
    c.args(["identity", "device", "--uds"])
        .arg(&uds)
        .arg("--image")
        .arg(inp.image)
        .arg("--pubkey")
        .arg(inp.pubkey)
        .args(["--min-security-version", &inp.counter.to_string()])
        .args(["--vendor", VENDOR, "--model", MODEL, "--nonce", &nonce_hex])
        .arg("--out")
        .arg(&host);
    run(c)?;
    for (device, host_file) in [
        ("device-id.csr", "device_id.csr"),
        ("alias.crt", "alias.crt"),
        ("evidence.der", "evidence.crt"),
    ] {
        let a = read(&dir.join(device))?;
        let b = pem_body(&read(&host.join(host_file))?)
            .ok_or_else(|| format!("{}: not PEM", host.join(host_file).display()))?;
        if a != b {
            return Err(format!(
                "the bootloader's {device} differs from `pqhybrid identity device`'s {host_file}"
            ));
        }
    }
    println!(
        "cortex-m: identity: the bootloader's CSR, Alias certificate and evidence equal the \
         host's, byte for byte"
    );

    let mut size = elf_size(
        &elf,
        "C bootloader with the DICE identity (without the image slot; ML-DSA-65 + Ed25519)",
    )?;
    let image_len = std::fs::metadata(inp.image).map_or(0, |m| m.len());
    size.text = size.text.saturating_sub(image_len);
    size.flash = size.text + size.data;
    size.stack = text
        .lines()
        .find_map(|l| l.strip_prefix("stack used: "))
        .and_then(|s| s.split_whitespace().next())
        .and_then(|s| s.parse().ok());
    results.sizes.push(size);
    results.measurements.extend(rows);
    results.boot_runs.push((
        "valid, with the DICE identity".to_string(),
        code,
        "IDENTITY OK: DeviceID CSR, Alias certificate and evidence written; DeviceID \
         certificate issued from the CSR; `pqhybrid identity verify` accepts the attestation \
         and rejects a wrong nonce and a higher minimum security version; the host derives the \
         same bytes"
            .to_string(),
    ));
    Ok(())
}

/// The rows of the `IDENTITY <step>: <n> instructions, <m> stack bytes` lines.
fn parse_steps(text: &str) -> Result<Vec<Measurement>, String> {
    step_rows(text, "IDENTITY", ALG, "identity: ", 5)
}

/// The rows of the `<prefix> <step>: <n> instructions, <m> stack bytes` lines a C bootloader
/// printed (measure.c's figures): machine [`C_BOOT_MACHINE`], algorithm `alg`, operation
/// `op_prefix` and the step; exactly `expected` of them.
pub(super) fn step_rows(
    text: &str,
    prefix: &str,
    alg: &str,
    op_prefix: &str,
    expected: usize,
) -> Result<Vec<Measurement>, String> {
    let mut rows = Vec::new();
    let what = prefix.to_lowercase();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix(prefix).and_then(|r| r.strip_prefix(' ')) else {
            continue;
        };
        let Some((step, figures)) = rest.split_once(": ") else {
            continue;
        };
        let nums: Vec<u64> = figures
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|s| s.parse().ok())
            .collect();
        let [instructions, stack] = nums[..] else {
            return Err(format!("{what} bootloader: unexpected line {line:?}"));
        };
        rows.push(Measurement {
            machine: C_BOOT_MACHINE.to_string(),
            alg: alg.to_string(),
            op: format!("{op_prefix}{step}"),
            instructions,
            stack,
        });
    }
    if rows.len() != expected {
        return Err(format!(
            "{what} bootloader: {} step lines, expected {expected}:\n{text}",
            rows.len()
        ));
    }
    Ok(rows)
}

fn cli(cli: &Path, args: &[&str], paths: &[&PathBuf]) -> Result<(), String> {
    let mut c = Command::new(cli);
    c.args(args).args(paths.iter().map(|p| p.as_os_str()));
    run(c)
}

/// 32 bytes from the operating system's generator.
fn fresh_nonce() -> Result<Vec<u8>, String> {
    use std::io::Read;
    let mut nonce = vec![0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut nonce))
        .map_err(|e| format!("/dev/urandom: {e}"))?;
    Ok(nonce)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// The DER inside a PEM document (RFC 7468).
fn pem_body(pem: &[u8]) -> Option<Vec<u8>> {
    pem_rfc7468::decode_vec(pem).ok().map(|(_, der)| der)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_body_decodes_pem() {
        let pem = b"-----BEGIN X-----\nAAECAwQ=\n-----END X-----\n";
        assert_eq!(pem_body(pem), Some(vec![0, 1, 2, 3, 4]));
        assert_eq!(
            pem_body(b"-----BEGIN X-----\nT*==\n-----END X-----\n"),
            None
        );
    }

    #[test]
    fn step_lines_become_rows() {
        let text = "IDENTITY a: 10 instructions, 20 stack bytes\nIDENTITY b: 1 instructions, 2 stack bytes\nx\n\
                    IDENTITY c: 3 instructions, 4 stack bytes\nIDENTITY d: 5 instructions, 6 stack bytes\n\
                    IDENTITY e: 7 instructions, 8 stack bytes\nIDENTITY OK\n";
        let rows = parse_steps(text).unwrap();
        assert_eq!(rows.len(), 5);
        assert_eq!(rows[0].op, "identity: a");
        assert_eq!((rows[0].instructions, rows[0].stack), (10, 20));
        assert!(parse_steps("IDENTITY a: 1 instructions, 2 stack bytes\n").is_err());
    }
}
