//! End-to-end tests of encrypted images on the command line: `sign --encrypt-to`, `inspect`,
//! `decrypt`, and every refusal with its exit code and one-line message; and the committed
//! known-answer image `kat-vectors/pqhybrid/firmware-encrypted/valid-X-Wing.pqfw` decrypted
//! with its device key.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{code, ok, run, stderr, stdout};

use std::fs;
use std::path::Path;

use pqhybrid::KemAlgorithm;

const CLASS: &str = "00112233445566778899aabbccddeeff";

fn payload(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + 1) as u8).collect()
}

/// A release key, a device KEM key of `kem`, and a 10 000-byte payload in `dir`.
fn setup(dir: &Path, kem: &str) {
    ok(
        dir,
        &[
            "keygen",
            "--alg",
            "MLDSA65-Ed25519-SHA512",
            "--out",
            "rel.key",
        ],
    );
    ok(dir, &["pubkey", "--key", "rel.key", "--out", "rel.pub"]);
    ok(dir, &["keygen", "--alg", kem, "--out", "dev.key"]);
    ok(dir, &["pubkey", "--key", "dev.key", "--out", "dev.pub"]);
    fs::write(dir.join("fw.bin"), payload(10_000)).unwrap();
}

fn sign_encrypted(dir: &Path, out: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "sign",
        "--key",
        "rel.key",
        "--image",
        "fw.bin",
        "--out",
        out,
        "--security-version",
        "3",
        "--version",
        "1.2.3",
        "--device-class",
        CLASS,
        "--encrypt-to",
        "dev.pub",
    ];
    args.extend_from_slice(extra);
    run(dir, &args)
}

/// Asserts exit `want` and a one-line `error:` naming `file` with each needle.
fn fails(out: &std::process::Output, want: i32, file: &str, needles: &[&str]) {
    let err = stderr(out);
    assert_eq!(code(out), want, "stdout: {}\nstderr: {err}", stdout(out));
    let last = err.trim_end().lines().last().unwrap_or_default();
    assert!(last.starts_with("error: ") && last.contains(file), "{err}");
    for n in needles {
        assert!(last.contains(n), "contains {n:?}: {err}");
    }
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn sign_inspect_decrypt_every_hpke_kem() {
    for kem in [
        "X-Wing",
        "ML-KEM-512",
        "ML-KEM-768",
        "ML-KEM-1024",
        "MLKEM768-ECDH-P256-SHA3-256",
        "MLKEM1024-ECDH-P384-SHA3-256",
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        setup(dir, kem);
        let out = sign_encrypted(
            dir,
            "fw.signed",
            &[
                "--chunk-size",
                "1024",
                "--hpke-kdf",
                "SHAKE256",
                "--hpke-aead",
                "ChaCha20Poly1305",
            ],
        );
        assert_eq!(code(&out), 0, "{kem}: {}", stderr(&out));
        assert!(stderr(&out).contains(&format!("payload encrypted to {kem} key")));
        // inspect names the recipient and the suite.
        let out = ok(dir, &["inspect", "--image", "fw.signed"]);
        let text = stdout(&out);
        assert!(
            text.contains(&format!("encryption         to {kem} key")),
            "{text}"
        );
        assert!(
            text.contains(
                "SHAKE256 / ChaCha20Poly1305, 10 chunks of 1024 bytes, plaintext 10000 bytes"
            ),
            "{text}"
        );
        let out = ok(dir, &["inspect", "--image", "fw.signed", "--json"]);
        let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(v["encrypted"], true);
        assert_eq!(v["encryption"]["kem"], kem);
        assert_eq!(v["encryption"]["chunk_size"], 1024);
        let keyid = ok(dir, &["keyid", "--pubkey", "dev.pub"]);
        assert_eq!(
            v["encryption"]["recipient_key_id"].as_str().unwrap(),
            stdout(&keyid).trim()
        );
        // A verifier that does not decrypt refuses it (it must never install ciphertext) …
        let verify = [
            "verify",
            "--image",
            "fw.signed",
            "--pubkey",
            "rel.pub",
            "--device-class",
            CLASS,
        ];
        fails(
            &run(dir, &verify),
            1,
            "fw.signed",
            &["[EncryptedNotAccepted]", "--accept-encrypted"],
        );
        // … one that accepts encrypted images verifies it without the key.
        let out = ok(dir, &[&verify[..], &["--accept-encrypted"]].concat());
        assert!(
            stdout(&out).contains("plain and encrypted payloads"),
            "{}",
            stdout(&out)
        );
        // The device decrypts it: by default on the chunk tags, then with the digest check.
        let decrypt = [
            "decrypt",
            "--key",
            "dev.key",
            "--image",
            "fw.signed",
            "--out",
            "fw.out",
            "--pubkey",
            "rel.pub",
            "--device-class",
            CLASS,
        ];
        let out = ok(dir, &decrypt);
        assert!(
            stderr(&out).contains("plaintext digest not checked"),
            "{}",
            stderr(&out)
        );
        assert_eq!(
            fs::read(dir.join("fw.out")).unwrap(),
            payload(10_000),
            "{kem}"
        );
        fs::remove_file(dir.join("fw.out")).unwrap();
        let out = ok(dir, &[&decrypt[..], &["--check-plaintext-digest"]].concat());
        assert!(
            stderr(&out).contains("matches the signed encryption record"),
            "{}",
            stderr(&out)
        );
        assert_eq!(
            fs::read(dir.join("fw.out")).unwrap(),
            payload(10_000),
            "{kem}"
        );
    }
}

#[test]
fn refusals() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    setup(dir, "X-Wing");
    assert_eq!(code(&sign_encrypted(dir, "fw.signed", &[])), 0);
    let decrypt = |image: &str, key: &str| {
        run(
            dir,
            &[
                "decrypt", "--key", key, "--image", image, "--out", "out.bin", "--pubkey",
                "rel.pub",
            ],
        )
    };

    // Another device's key.
    ok(dir, &["keygen", "--alg", "X-Wing", "--out", "other.key"]);
    fails(
        &decrypt("fw.signed", "other.key"),
        1,
        "fw.signed",
        &["[WrongRecipient]"],
    );
    assert!(!dir.join("out.bin").exists(), "nothing written");
    // A forged change (not re-signed): refused by the signature check, before decryption.
    let mut bytes = fs::read(dir.join("fw.signed")).unwrap();
    bytes[192 + 1296 + 100] ^= 1;
    fs::write(dir.join("forged.signed"), &bytes).unwrap();
    fails(
        &decrypt("forged.signed", "dev.key"),
        1,
        "forged.signed",
        &["DigestMismatch"],
    );
    assert!(!dir.join("out.bin").exists(), "nothing written");
    // A plain image: nothing to decrypt.
    ok(
        dir,
        &[
            "sign",
            "--key",
            "rel.key",
            "--image",
            "fw.bin",
            "--out",
            "plain.signed",
            "--security-version",
            "3",
            "--version",
            "1.2.3",
            "--device-class",
            CLASS,
        ],
    );
    fails(
        &decrypt("plain.signed", "dev.key"),
        1,
        "plain.signed",
        &["[NotEncrypted]"],
    );
    // A signature key where a KEM key belongs, in both commands.
    fails(
        &decrypt("fw.signed", "rel.key"),
        2,
        "rel.key",
        &["signature key"],
    );
    let out = run(
        dir,
        &[
            "sign",
            "--key",
            "rel.key",
            "--image",
            "fw.bin",
            "--out",
            "x.signed",
            "--security-version",
            "3",
            "--version",
            "1.2.3",
            "--device-class",
            CLASS,
            "--encrypt-to",
            "rel.pub",
        ],
    );
    fails(&out, 2, "rel.pub", &["signature key"]);
    // A KEM without an HPKE code point; a chunk size out of range.
    ok(
        dir,
        &[
            "keygen",
            "--alg",
            "MLKEM768-X25519-SHA3-256",
            "--out",
            "x25519.key",
        ],
    );
    ok(
        dir,
        &["pubkey", "--key", "x25519.key", "--out", "x25519.pub"],
    );
    let out = run(
        dir,
        &[
            "sign",
            "--key",
            "rel.key",
            "--image",
            "fw.bin",
            "--out",
            "x.signed",
            "--security-version",
            "3",
            "--version",
            "1.2.3",
            "--device-class",
            CLASS,
            "--encrypt-to",
            "x25519.pub",
        ],
    );
    fails(&out, 2, "x25519.pub", &["[UnsupportedSuite]"]);
    let out = sign_encrypted(dir, "x.signed", &["--chunk-size", "32"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("--chunk-size 32"));
    assert!(!dir.join("x.signed").exists());
    // A truncated image.
    let bytes = fs::read(dir.join("fw.signed")).unwrap();
    fs::write(dir.join("cut.signed"), &bytes[..bytes.len() - 100]).unwrap();
    fails(
        &decrypt("cut.signed", "dev.key"),
        1,
        "cut.signed",
        &["Truncated"],
    );
}

/// The committed known-answer image decrypts with its device key (seed byte 0x43, as
/// `manifest.json` says), and a re-signed tampered chunk is refused.
#[test]
fn kat_images() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let kat =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../kat-vectors/pqhybrid/firmware-encrypted");
    let kem = KemAlgorithm::XWing;
    let pem = pqhybrid::encoding::encode_private_key_pem(kem.into(), &[0x43; 32]).unwrap();
    fs::write(dir.join("dev.key"), pem.as_bytes()).unwrap();
    let signer = pqhybrid::SignatureAlgorithm::MlDsa65Ed25519Sha512;
    let mut pk = vec![0u8; signer.public_key_len()];
    let mut sk = vec![0u8; signer.secret_key_len()];
    signer
        .keypair_from_seed(&[0x11; 32], &mut pk, &mut sk)
        .unwrap();
    let pub_pem = pqhybrid::encoding::encode_public_key_pem(signer.into(), &pk).unwrap();
    fs::write(dir.join("signer.pub"), pub_pem.as_bytes()).unwrap();
    for (file, want, needle) in [
        ("valid-X-Wing.pqfw", 0, ""),
        (
            "ChunkAuthentication-tampered.pqfw",
            1,
            "[ChunkAuthentication]",
        ),
        ("KeyUnwrapFailed.pqfw", 1, "[KeyUnwrapFailed]"),
        ("WrongRecipient.pqfw", 1, "[WrongRecipient]"),
    ] {
        fs::copy(kat.join(file), dir.join(file)).unwrap();
        let out = run(
            dir,
            &[
                "decrypt",
                "--key",
                "dev.key",
                "--image",
                file,
                "--out",
                "pt.bin",
                "--pubkey",
                "signer.pub",
            ],
        );
        if want == 0 {
            assert_eq!(code(&out), 0, "{file}: {}", stderr(&out));
            let pt: Vec<u8> = (0..1000u32).map(|i| (i * 13 + 5) as u8).collect();
            assert_eq!(fs::read(dir.join("pt.bin")).unwrap(), pt);
            fs::remove_file(dir.join("pt.bin")).unwrap();
        } else {
            fails(&out, want, file, &[needle]);
            assert!(!dir.join("pt.bin").exists(), "{file}: nothing written");
        }
    }
}

/// An X-Wing/HKDF-SHA256/AES-256-GCM payload for `pk` (class `class`) whose record carries
/// `digest` as the plaintext digest (pqhybrid's encryptor always writes the right one), built
/// from `docs/firmware-format.md`.
fn payload_with_digest(pk: &[u8], class: [u8; 16], pt: &[u8], digest: [u8; 64]) -> Vec<u8> {
    use pqhybrid::hpke::{Aead, Kdf, Suite};
    use pqhybrid::primitives::aes_gcm::Aes256Gcm;
    use sha2::Digest as _;
    let chunk = 256;
    let suite = Suite::new(KemAlgorithm::XWing, Kdf::HkdfSha256, Aead::Aes256Gcm).unwrap();
    let cek = [0x42u8; 32];
    let mut fixed = Vec::new();
    fixed.extend_from_slice(b"PQEN\x01\x01");
    fixed.extend_from_slice(&((128 + 1120 + 48) as u16).to_le_bytes());
    for id in [0x647au16, 0x0001, 0x0002, 1120] {
        fixed.extend_from_slice(&id.to_le_bytes());
    }
    fixed.extend_from_slice(&(chunk as u32).to_le_bytes());
    fixed.extend_from_slice(&(pt.len() as u32).to_le_bytes());
    fixed.extend_from_slice(&pqhybrid::hpke::key_id(KemAlgorithm::XWing, pk).unwrap());
    fixed.extend_from_slice(&digest);
    fixed.extend_from_slice(&[0; 8]);
    let mut info = b"pqhybrid/fw/v1/cek".to_vec();
    info.extend_from_slice(&class);
    let mut sealed = vec![0u8; suite.sealed_len(32)];
    suite
        .seal(
            pk,
            &info,
            &fixed,
            &cek,
            &mut sealed,
            &mut pqhybrid::rng::OsRng::default(),
        )
        .unwrap();
    let mut payload = fixed;
    payload.extend_from_slice(&sealed);
    let aad = sha2::Sha256::digest(&payload);
    let cipher = Aes256Gcm::new(&cek).unwrap();
    let n = pt.chunks(chunk).count().max(1);
    for i in 0..n {
        let c = pt
            .get(i * chunk..((i + 1) * chunk).min(pt.len()))
            .unwrap_or(&[]);
        let mut nonce = (i as u64).to_be_bytes().to_vec();
        nonce.extend_from_slice(&u32::from(i + 1 == n).to_be_bytes());
        let mut buf = c.to_vec();
        let tag = cipher.seal_in_place(&nonce, &aad, &mut buf).unwrap();
        payload.extend_from_slice(&buf);
        payload.extend_from_slice(&tag);
    }
    payload
}

/// A record whose (signed) plaintext digest is wrong: decrypted by default (every chunk
/// authenticates), refused with --check-plaintext-digest, nothing written.
#[test]
fn plaintext_digest_check_is_opt_in() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let kem = KemAlgorithm::XWing;
    let mut kpk = vec![0u8; kem.public_key_len()];
    let mut ksk = vec![0u8; kem.secret_key_len()];
    kem.keypair_from_seed(&[0x43; 32], &mut kpk, &mut ksk)
        .unwrap();
    let pem = pqhybrid::encoding::encode_private_key_pem(kem.into(), &[0x43; 32]).unwrap();
    fs::write(dir.join("dev.key"), pem.as_bytes()).unwrap();
    let signer = pqhybrid::SignatureAlgorithm::MlDsa65Ed25519Sha512;
    let mut pk = vec![0u8; signer.public_key_len()];
    let mut sk = vec![0u8; signer.secret_key_len()];
    signer
        .keypair_from_seed(&[0x11; 32], &mut pk, &mut sk)
        .unwrap();
    let pub_pem = pqhybrid::encoding::encode_public_key_pem(signer.into(), &pk).unwrap();
    fs::write(dir.join("signer.pub"), pub_pem.as_bytes()).unwrap();
    let class = [0x5a; 16];
    let pt = payload(1000);
    let mut wrong = [0u8; 64];
    wrong[..32].copy_from_slice(&<sha2::Sha256 as sha2::Digest>::digest(payload(999)));
    let enc = payload_with_digest(&kpk, class, &pt, wrong);
    let mut params =
        pqhybrid::firmware::ImageParams::new(pqhybrid::firmware::DeviceClass(class), 1);
    params.encrypted = true;
    let mut image = vec![0u8; enc.len() + 8192];
    let n =
        pqhybrid::firmware::sign_image_deterministic(&params, &enc, signer, &sk, None, &mut image)
            .unwrap();
    fs::write(dir.join("lying.pqfw"), &image[..n]).unwrap();
    let decrypt = [
        "decrypt",
        "--key",
        "dev.key",
        "--image",
        "lying.pqfw",
        "--out",
        "pt.bin",
        "--pubkey",
        "signer.pub",
    ];
    let out = ok(dir, &decrypt);
    assert!(stderr(&out).contains("plaintext digest not checked"));
    assert_eq!(fs::read(dir.join("pt.bin")).unwrap(), pt);
    fs::remove_file(dir.join("pt.bin")).unwrap();
    fails(
        &run(dir, &[&decrypt[..], &["--check-plaintext-digest"]].concat()),
        1,
        "lying.pqfw",
        &["[PlaintextDigestMismatch]", "signed encryption record"],
    );
    assert!(!dir.join("pt.bin").exists(), "nothing written");
}
