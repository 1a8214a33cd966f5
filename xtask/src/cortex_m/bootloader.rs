//! The C bootloader (`examples/c-bootloader/`): the no_std C library for the M4, keys and
//! signed images made with the host CLI, one bootloader linked per image with
//! arm-none-eabi-gcc, each run under QEMU and its verdict checked.

use std::path::{Path, PathBuf};
use std::process::Command;

use pqhybrid::firmware::ImageVersion;

use super::qemu::{elf_size, qemu};
use super::{
    AN386, RUSTFLAGS_AN386, Results, SIZE_RUSTFLAGS, TARGET_DIR, firmware_cargo, first_line,
};
use crate::cmd::{capture, run, write_file};

const BOOT_DIR: &str = "examples/c-bootloader";
const BOOT_OUT: &str = "target/c-bootloader";
/// The algorithms compiled into the verify-only builds: what a bootloader that accepts
/// MLDSA65-Ed25519-SHA512 images needs (`pqhybrid`'s `algorithm-subset` feature).
pub(super) const VERIFY_ONLY_FEATURES: &str = "pqhybrid/algorithm-subset,pqhybrid/alg-ml-dsa-65,pqhybrid/alg-ed25519,compact-verify,backend-libcrux";

/// Device class of the bootloader demo images (16 bytes, hex).
const BOOT_DEVICE_CLASS: &str = "7071687962726964626f6f746c647231";
/// The device's anti-rollback counter (what the OTP would hold).
const BOOT_COUNTER: u64 = 5;
/// The version of the demo images.
const BOOT_VERSION: ImageVersion = ImageVersion {
    major: 1,
    minor: 4,
    revision: 0,
    build: 77,
};
/// The security version of the valid demo images (above the counter).
const BOOT_SECURITY_VERSION: u64 = 7;

/// Builds the C library, the keys, the images and one bootloader per image, runs each under
/// QEMU and checks its verdict; records the valid bootloader's flash size and stack and every
/// verdict in `results`.
pub(super) fn c_bootloader(root: &Path, results: &mut Results) -> Result<(), String> {
    let out = root.join(BOOT_OUT);
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;

    // The no_std C library for the M4.
    let lib = c_library(root, "ffi", VERIFY_ONLY_FEATURES, "s")?;

    // The host CLI, to make keys and sign: the dev profile, whose (optimised) dependencies
    // `cargo xtask test` has already built in CI, instead of a release build of the whole tree.
    // Signing is deterministic, so the images do not depend on the profile.
    let mut c = firmware_cargo(root);
    c.args(["build", "--locked", "-p", "pqhybrid-cli"]);
    run(c)?;
    let cli = root.join("target/debug/pqhybrid");

    // A committed TEST key (examples/c-bootloader/test-release.key), not a fresh one: the image
    // ids, hence the identity bootloader's Alias key and the time its ML-DSA signatures take,
    // must be the same on every machine for `--check` to hold them.
    let key = root.join(BOOT_DIR).join("test-release.key");
    let pubkey = out.join("release.pub");
    let mut c = Command::new(&cli);
    c.arg("pubkey")
        .arg("--key")
        .arg(&key)
        .arg("--out")
        .arg(&pubkey);
    run(c)?;
    let key_id = first_line(&capture(
        Command::new(&cli).arg("keyid").arg("--pubkey").arg(&pubkey),
    )?);
    if key_id.len() != 64 || !key_id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!(
            "unexpected key id from `pqhybrid keyid`: {key_id:?}"
        ));
    }
    write_file(&out.join("trust_anchor.h"), &anchor_header(&key_id)?)?;

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
            .args(["--version", &BOOT_VERSION.to_string()])
            .args(["--device-class", BOOT_DEVICE_CLASS])
            .args(["--header-len", "256", "--deterministic"]);
        run(c)?;
        Ok::<PathBuf, String>(image)
    };
    let sign =
        |name: &str, security_version: u64| sign_payload(name, &payload_path, security_version);
    let valid = sign("valid.pqfw", BOOT_SECURITY_VERSION)?;
    let rollback = sign("rollback.pqfw", 3)?;
    let oversize = sign_payload("oversize.pqfw", &big_path, BOOT_SECURITY_VERSION)?;
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
    for (name, image, ok, expect) in cases {
        let elf = out.join(format!("bootloader-{name}.elf"));
        make_bootloader(root, &out, &image, &elf, &lib, &[])?;
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

    // The same bootloader with the DICE step, on the valid image.
    super::boot_identity::boot(
        root,
        &super::boot_identity::Inputs {
            out: &out,
            cli: &cli,
            image: &out.join("valid.pqfw"),
            pubkey: &pubkey,
            counter: BOOT_COUNTER,
        },
        results,
    )?;

    // The decrypting bootloader, on the same payload encrypted to the device's test key.
    let mut device_class = [0u8; 16];
    for (i, b) in device_class.iter_mut().enumerate() {
        *b = BOOT_DEVICE_CLASS
            .get(2 * i..2 * i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .ok_or("bad BOOT_DEVICE_CLASS")?;
    }
    super::boot_decrypt::boot(
        root,
        &super::boot_decrypt::Inputs {
            out: &out,
            release_key: &key,
            payload: &payload,
            device_class,
            version: BOOT_VERSION,
            security_version: BOOT_SECURITY_VERSION,
        },
        results,
    )
}

/// Builds `libpqhybrid_ffi.a` for the M4 (no_std) with `features` and `opt_level`, in its own
/// target directory `target/cortex-m/<dir>` (two feature sets in one directory would overwrite
/// each other's library), and returns its path.
pub(super) fn c_library(
    root: &Path,
    dir: &str,
    features: &str,
    opt_level: &str,
) -> Result<PathBuf, String> {
    let mut c = firmware_cargo(root);
    c.args([
        "build",
        "--locked",
        "-p",
        "pqhybrid-ffi",
        "--release",
        "--no-default-features",
        "--features",
        features,
        "--target",
        AN386.target,
    ])
    .env("CARGO_TARGET_DIR", root.join(TARGET_DIR).join(dir))
    .env(RUSTFLAGS_AN386, SIZE_RUSTFLAGS)
    // The verify-only bootloader wants the smallest code: opt-level "s" ("z" was measured 2-4 KB
    // larger for this library); fat LTO inside the static library.
    .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", opt_level)
    .env("CARGO_PROFILE_RELEASE_LTO", "fat")
    .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "1")
    .env("CARGO_PROFILE_RELEASE_PANIC", "abort");
    run(c)?;
    Ok(root
        .join(TARGET_DIR)
        .join(dir)
        .join(AN386.target)
        .join("release")
        .join("libpqhybrid_ffi.a"))
}

/// `make` of one bootloader ELF for `image`, with `extra` make variables.
pub(super) fn make_bootloader(
    root: &Path,
    out: &Path,
    image: &Path,
    elf: &Path,
    lib: &Path,
    extra: &[String],
) -> Result<(), String> {
    let mut c = Command::new("make");
    c.arg("-C")
        .arg(root.join(BOOT_DIR))
        .arg("--no-print-directory")
        .arg(format!("OUT={}", out.display()))
        .arg(format!("IMAGE={}", image.display()))
        .arg(format!("ELF={}", elf.display()))
        .arg(format!("PQH_LIB={}", lib.display()))
        .arg(format!("PQH_INCLUDE={}", root.join("include").display()))
        .arg(format!("SECURITY_COUNTER={BOOT_COUNTER}"))
        .args(extra);
    run(c)
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
