//! The C bootloader's decryption of an encrypted image end to end
//! (`examples/c-bootloader/decrypt.c`, `DECRYPT=1`; `docs/firmware-format.md`, "Encrypted
//! payloads").
//!
//! The host makes the images the CLI does not: the 256 KiB payload of the other bootloader
//! images, encrypted (`pqhybrid::firmware::encrypt`: X-Wing, HKDF-SHA256 and AES-256-GCM for the
//! content-key wrap, 4 KiB AES-256-GCM chunks) to the device's committed test key
//! `examples/c-bootloader/test-device-xwing.key` with a fixed-seed generator for the content key
//! and the HPKE encapsulation, then signed deterministically with the committed release key: the
//! same bytes on every machine, so that `--check` can hold the figures. A second image has one
//! byte of an encrypted chunk flipped and is signed again: its signature is valid, only the
//! chunk's tag catches it.
//!
//! The bootloader is linked with a library that has the `hpke` feature and the device key
//! compiled in (`device_key.h`, generated from the key file). It verifies slot A (pass 1),
//! decrypts it into slot B (pass 2) and writes slot B to the host over semihosting. The host
//! then checks that slot B is the payload byte for byte and that the printed plaintext digest is
//! its SHA-256; the tampered image must be rejected in pass 2 with slot B erased and nothing
//! written.
//!
//! The instructions and stack of each pass, and of both together, become rows of `RESULTS.md`
//! (machine "mps2-an386 (Cortex-M4), C bootloader"), held by `--check`; the ELF's flash size is a
//! row of the size table; `budgets.rs` holds the stack of both passes to the plain verification's
//! plus 8 KiB.

use std::path::Path;

use pqhybrid::agile::DecapsulationKey;
use pqhybrid::encoding::{Algorithm, decode_private_key_pem};
use pqhybrid::firmware::encrypt::{
    CHUNK_TAG_LEN, DEFAULT_CHUNK_SIZE, EncryptionParams, encrypt_payload, encrypted_payload_len,
    record_len,
};
use pqhybrid::firmware::{
    DeviceClass, DigestAlgorithm, ImageParams, ImageVersion, sign_image_deterministic,
};
use pqhybrid::{KemAlgorithm, SignatureAlgorithm};
use pqhybrid_kat::rng::TestRng;

use super::boot_identity::step_rows;
use super::bootloader::{VERIFY_ONLY_FEATURES, c_library, make_bootloader};
use super::qemu::{elf_size, qemu};
use super::{AN386, Measurement, Results};
use crate::cmd::write_file;

/// What the name of the decrypting bootloader's size row contains.
pub(super) const DECRYPT_SIZE_MARK: &str = "with decryption";
/// The algorithm column of its rows: the image signature and the device's KEM.
pub(super) const DECRYPT_ALG: &str = "MLDSA65-Ed25519-SHA512 + X-Wing";
/// The operation of the row of both passes together (the budgeted one).
pub(super) const OP_BOTH: &str = "encrypted firmware 256 KiB: decrypt and verify (both passes)";
/// The prefix of the operations of the rows of each pass.
const OP_PREFIX: &str = "encrypted firmware 256 KiB: ";
/// The device's test KEM key, in `examples/c-bootloader/`.
const DEVICE_KEY: &str = "test-device-xwing.key";
/// The seed of the test generator that draws the content key and the HPKE encapsulation's
/// randomness ("pqhw-enc"): the encrypted image is the same on every machine.
const ENC_SEED: u64 = 0x7071_6877_2d65_6e63;
/// The encrypted chunk whose byte the tampered image flips.
const TAMPERED_CHUNK: usize = 10;

/// What the verify-only run of [`super::bootloader::c_bootloader`] already made.
pub(super) struct Inputs<'a> {
    /// The bootloader's output directory (target/c-bootloader).
    pub out: &'a Path,
    /// The release key (PKCS#8 PEM) the images are signed with.
    pub release_key: &'a Path,
    /// The plaintext payload.
    pub payload: &'a [u8],
    /// The device class of the images.
    pub device_class: [u8; 16],
    /// The images' version (that of the plain images).
    pub version: ImageVersion,
    /// The images' security version (that of the plain valid image).
    pub security_version: u64,
}

/// Builds, boots and checks the decrypting bootloader on the encrypted image and on the
/// tampered one (see the module doc).
pub(super) fn boot(root: &Path, inp: &Inputs<'_>, results: &mut Results) -> Result<(), String> {
    let features = format!("{VERIFY_ONLY_FEATURES},hpke,compact-kem");
    // Opt-level "s", as the verify-only bootloader's library: the stack budget compares the two.
    let lib = c_library(root, "ffi-decrypt", &features, "s")?;
    let key_path = root.join("examples/c-bootloader").join(DEVICE_KEY);
    let (kem, sk, pk) = device_key(&key_path)?;
    write_file(&inp.out.join("device_key.h"), &device_key_header(kem, &sk)?)?;

    let (valid, tampered) = images(inp, &pk)?;
    let dir = inp.out.join("decrypt");
    let valid_path = inp.out.join("encrypted.pqfw");
    let tampered_path = inp.out.join("encrypted-tampered.pqfw");
    write(&valid_path, &valid)?;
    write(&tampered_path, &tampered)?;

    let run = |name: &str, image: &Path| -> Result<(i32, String, std::path::PathBuf), String> {
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let elf = inp.out.join(format!("bootloader-{name}.elf"));
        make_bootloader(
            root,
            inp.out,
            image,
            &elf,
            &lib,
            &[
                "DECRYPT=1".to_string(),
                format!("DECRYPT_DIR={}", dir.display()),
            ],
        )?;
        let (code, text) = qemu(AN386.qemu, &elf)?;
        print!("{text}");
        Ok((code, text, elf))
    };

    // The valid image: decrypted into slot B, which is the payload.
    let (code, text, elf) = run("decrypt", &valid_path)?;
    if code != 0 || !text.contains("DECRYPTED") {
        return Err(format!(
            "decrypting bootloader: exit {code}, expected 0 and \"DECRYPTED\":\n{text}"
        ));
    }
    let slot_b = read(&dir.join("slot-b.bin"))?;
    if slot_b != inp.payload {
        return Err(format!(
            "decrypting bootloader: slot B ({} bytes) is not the payload ({} bytes)",
            slot_b.len(),
            inp.payload.len()
        ));
    }
    let digest = hex(&DigestAlgorithm::Sha256.digest(inp.payload)[..32]);
    let printed = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("plaintext digest "))
        .ok_or("decrypting bootloader: no \"plaintext digest\" line")?;
    if printed != digest {
        return Err(format!(
            "decrypting bootloader: plaintext digest {printed}, the payload's SHA-256 is {digest}"
        ));
    }
    println!(
        "cortex-m: decrypt: slot B equals the {}-byte payload, byte for byte",
        slot_b.len()
    );
    let mut rows = step_rows(&text, "DECRYPT", DECRYPT_ALG, OP_PREFIX, 2)?;
    rows.push(both_passes(&rows)?);

    let mut size = elf_size(
        &elf,
        "C bootloader with decryption (without the image slot; ML-DSA-65 + Ed25519, X-Wing, \
         HPKE, AES-256-GCM)",
    )?;
    size.text = size.text.saturating_sub(valid.len() as u64);
    size.flash = size.text + size.data;
    size.stack = stack_used(&text);
    let decrypted = text
        .lines()
        .find(|l| l.starts_with("DECRYPTED"))
        .unwrap_or("")
        .to_string();

    // The tampered image: its signature verifies, its chunk does not.
    let (tcode, ttext, _) = run("decrypt-tampered", &tampered_path)?;
    let lower = ttext.to_lowercase();
    if tcode == 0
        || !lower.contains("encrypted chunk does not authenticate")
        || !ttext.contains("slot B erased")
        || dir.join("slot-b.bin").exists()
    {
        return Err(format!(
            "decrypting bootloader with the tampered image: exit {tcode}, expected non-zero, \
             a chunk authentication failure in pass 2, slot B erased and nothing written:\n\
             {ttext}"
        ));
    }
    let rejected = ttext
        .lines()
        .find(|l| l.starts_with("REJECTED"))
        .unwrap_or("")
        .to_string();

    results.sizes.push(size);
    results.measurements.extend(rows);
    results.boot_runs.push((
        "encrypted (X-Wing), with decryption".to_string(),
        code,
        format!(
            "{decrypted}; slot B equals the payload byte for byte and its SHA-256 the printed \
             digest"
        ),
    ));
    results.boot_runs.push((
        "encrypted, one chunk tampered and re-signed".to_string(),
        tcode,
        format!("{rejected}; slot B erased"),
    ));
    Ok(())
}

/// The device's KEM key from its PKCS#8 PEM file: the algorithm, the canonical private key and
/// the public key.
fn device_key(path: &Path) -> Result<(KemAlgorithm, Vec<u8>, Vec<u8>), String> {
    let pem = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut sk = vec![0u8; KemAlgorithm::MAX_SECRET_KEY_LEN];
    let (alg, n) =
        decode_private_key_pem(&pem, &mut sk).map_err(|e| format!("{}: {e}", path.display()))?;
    let Algorithm::Kem(kem) = alg else {
        return Err(format!("{}: {} is not a KEM", path.display(), alg.name()));
    };
    sk.truncate(n);
    let mut pk = vec![0u8; kem.public_key_len()];
    DecapsulationKey::new(kem, &sk)
        .and_then(|dk| dk.write_public_key(&mut pk))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((kem, sk, pk))
}

/// `device_key.h`: the device's KEM and private key as C values.
fn device_key_header(kem: KemAlgorithm, sk: &[u8]) -> Result<String, String> {
    if kem != KemAlgorithm::XWing {
        return Err(format!(
            "{DEVICE_KEY}: {} key; decrypt.c expects X-Wing",
            kem.name()
        ));
    }
    let bytes: Vec<String> = sk.iter().map(|b| format!("0x{b:02x}")).collect();
    Ok(format!(
        "/* Generated by `cargo xtask cortex-m` from examples/c-bootloader/{DEVICE_KEY}. Do not \
         edit.\n   A TEST KEY: never use it on a device. */\n\
         #ifndef DEVICE_KEY_H\n#define DEVICE_KEY_H\n\
         #define DEVICE_KEM_ALG PQH_KEM_XWING\n\
         #define DEVICE_KEM_SK {{ {} }}\n\
         #endif\n",
        bytes.join(", ")
    ))
}

/// The encrypted image and the tampered one (see the module doc).
fn images(inp: &Inputs<'_>, pk: &[u8]) -> Result<(Vec<u8>, Vec<u8>), String> {
    let class = DeviceClass(inp.device_class);
    let params = EncryptionParams::new(pk, class).map_err(|e| e.to_string())?;
    let len = encrypted_payload_len(
        params.suite.kem(),
        inp.payload.len() as u64,
        params.chunk_size,
    );
    let mut encrypted = vec![0u8; usize::try_from(len).map_err(|e| e.to_string())?];
    let n = encrypt_payload(&params, inp.payload, &mut encrypted, &mut TestRng(ENC_SEED))
        .map_err(|e| format!("encrypting the payload: {e}"))?;
    encrypted.truncate(n);
    let mut changed = encrypted.clone();
    let at = record_len(params.suite.kem())
        + TAMPERED_CHUNK * (DEFAULT_CHUNK_SIZE as usize + CHUNK_TAG_LEN)
        + 100;
    let byte = changed
        .get_mut(at)
        .ok_or("the payload is too short for the tampered chunk")?;
    *byte ^= 0x01;
    Ok((sign(inp, &encrypted)?, sign(inp, &changed)?))
}

/// Signs an encrypted payload with the release key, deterministically.
fn sign(inp: &Inputs<'_>, payload: &[u8]) -> Result<Vec<u8>, String> {
    let pem = std::fs::read_to_string(inp.release_key)
        .map_err(|e| format!("{}: {e}", inp.release_key.display()))?;
    let mut sk = vec![0u8; SignatureAlgorithm::MAX_SECRET_KEY_LEN];
    let (alg, n) = decode_private_key_pem(&pem, &mut sk)
        .map_err(|e| format!("{}: {e}", inp.release_key.display()))?;
    let Algorithm::Signature(alg) = alg else {
        return Err(format!(
            "{}: not a signature key",
            inp.release_key.display()
        ));
    };
    let mut params = ImageParams::new(DeviceClass(inp.device_class), inp.security_version);
    params.version = inp.version;
    params.header_len = 256;
    params.encrypted = true;
    let mut out = vec![0u8; 256 + payload.len() + 16 * 1024];
    let n = sign_image_deterministic(&params, payload, alg, &sk[..n], None, &mut out)
        .map_err(|e| format!("signing the encrypted image: {e}"))?;
    out.truncate(n);
    Ok(out)
}

/// The row of both passes: their instructions added, the larger stack.
fn both_passes(rows: &[Measurement]) -> Result<Measurement, String> {
    let [pass1, pass2] = rows else {
        return Err(format!("decrypting bootloader: {} pass rows", rows.len()));
    };
    Ok(Measurement {
        op: OP_BOTH.to_string(),
        instructions: pass1.instructions + pass2.instructions,
        stack: pass1.stack.max(pass2.stack),
        ..pass1.clone()
    })
}

fn stack_used(text: &str) -> Option<u64> {
    text.lines()
        .find_map(|l| l.strip_prefix("stack used: "))
        .and_then(|s| s.split_whitespace().next())
        .and_then(|s| s.parse().ok())
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed test key is X-Wing from the documented seed (README.md): the 32 ASCII
    /// bytes "pqhybrid X-Wing test key, never!".
    #[test]
    fn committed_device_key() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../examples/c-bootloader")
            .join(DEVICE_KEY);
        let (kem, sk, pk) = device_key(&path).unwrap();
        assert_eq!(kem, KemAlgorithm::XWing);
        assert_eq!(sk, b"pqhybrid X-Wing test key, never!");
        let mut pk2 = vec![0u8; kem.public_key_len()];
        let mut sk2 = vec![0u8; kem.secret_key_len()];
        kem.keypair_from_seed(&sk, &mut pk2, &mut sk2).unwrap();
        assert_eq!((pk, sk2), (pk2, sk));
        let h = device_key_header(kem, b"\x01\xfe").unwrap();
        assert!(h.contains("#define DEVICE_KEM_SK { 0x01, 0xfe }"));
        assert!(device_key_header(KemAlgorithm::MlKem768, b"\x01").is_err());
    }

    #[test]
    fn both_passes_add_instructions_and_take_the_larger_stack() {
        let text = "DECRYPT verify (pass 1): 10 instructions, 300 stack bytes\n\
                    DECRYPTED: 5 bytes\nDECRYPT decrypt (pass 2, slot A -> slot B): 7 \
                    instructions, 900 stack bytes\n";
        let rows = step_rows(text, "DECRYPT", DECRYPT_ALG, OP_PREFIX, 2).unwrap();
        assert_eq!(
            rows[1].op,
            "encrypted firmware 256 KiB: decrypt (pass 2, slot A -> slot B)"
        );
        let both = both_passes(&rows).unwrap();
        assert_eq!(
            (both.op.as_str(), both.instructions, both.stack),
            (OP_BOTH, 17, 900)
        );
        assert!(both_passes(&rows[..1]).is_err());
    }
}
