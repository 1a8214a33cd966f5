//! Known-answer encrypted firmware images (suite `pqhybrid-firmware-encrypted`):
//! `kat-vectors/pqhybrid/firmware-encrypted/` holds one valid encrypted image per HPKE KEM and
//! one image per decryption failure, all made from fixed seeds (signing key, device KEM keys,
//! and a fixed-seed generator for the content key and the HPKE encapsulation) and signed
//! deterministically, and `manifest.json` with the keys, the policy, the plaintext digest and
//! the expected verdict of every file (the verifier's, then the decryptor's).
//!
//! This test regenerates every file in memory, compares it byte for byte with the committed
//! one, and checks each committed file: pass 1 with the `Verifier`, pass 2 with the
//! `Decryptor` (the device's key named in the manifest). It writes the files only when asked:
//! `PQHYBRID_REGENERATE=1 cargo test --test kat_firmware_encrypted`.
#![cfg(feature = "hpke")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use pqhybrid::agile::DecapsulationKey;
use pqhybrid::firmware::encrypt::{
    CHUNK_TAG_LEN, EncryptionParams, RECORD_FIXED_LEN, encrypt_payload, encrypted_payload_len,
    record_len,
};
use pqhybrid::firmware::{
    Decryptor, DeviceClass, DigestAlgorithm, FirmwareError, ImageParams, Policy, TrustAnchor,
    Verifier, key_id as fw_key_id, sign_image_deterministic,
};
use pqhybrid::hpke::{Aead, Kdf, Suite};
use pqhybrid::{Error, KemAlgorithm, SignatureAlgorithm};
use pqhybrid_kat::rng::TestRng;
use pqhybrid_kat::{Tally, to_hex};
use sha2::{Digest, Sha256};

const DIR: &str = "kat-vectors/pqhybrid/firmware-encrypted";
const CLASS: DeviceClass = DeviceClass(*b"pqhybrid-kat-enc");
const SIGNER: SignatureAlgorithm = SignatureAlgorithm::MlDsa65Ed25519Sha512;
const SIGNER_SEED: u8 = 0x11;
const CHUNK: u32 = 256;
const SECURITY_VERSION: u64 = 3;

fn plaintext() -> Vec<u8> {
    (0..1000u32).map(|i| (i * 13 + 5) as u8).collect()
}

fn signer() -> (Vec<u8>, Vec<u8>) {
    let mut pk = vec![0u8; SIGNER.public_key_len()];
    let mut sk = vec![0u8; SIGNER.secret_key_len()];
    SIGNER
        .keypair_from_seed(&vec![SIGNER_SEED; SIGNER.seed_len()], &mut pk, &mut sk)
        .unwrap();
    (pk, sk)
}

/// The device KEM key of `kem` (seed byte 0x40 + the KEM's position).
fn device_key(kem: KemAlgorithm) -> (u8, Vec<u8>, Vec<u8>) {
    let seed = 0x40 + KemAlgorithm::ALL.iter().position(|k| *k == kem).unwrap() as u8;
    let mut pk = vec![0u8; kem.public_key_len()];
    let mut sk = vec![0u8; kem.secret_key_len()];
    kem.keypair_from_seed(&vec![seed; kem.seed_len()], &mut pk, &mut sk)
        .unwrap();
    (seed, pk, sk)
}

/// The suite of each KEM's valid image: HKDF-SHA256 or SHAKE256, AES-256-GCM or
/// ChaCha20-Poly1305, so that every KDF family and AEAD appears.
fn suite_for(i: usize, kem: KemAlgorithm) -> Suite {
    let kdf = [
        Kdf::HkdfSha256,
        Kdf::Shake256,
        Kdf::HkdfSha512,
        Kdf::Shake128,
    ][i % 4];
    let aead = Aead::ALL[i % 2];
    Suite::new(kem, kdf, aead).unwrap()
}

fn hpke_kems() -> Vec<KemAlgorithm> {
    KemAlgorithm::ALL
        .into_iter()
        .filter(|k| pqhybrid::hpke::kem_id(*k).is_some())
        .collect()
}

fn encrypt(suite: Suite, pk: &[u8], chunk: u32, pt: &[u8], seed: u64) -> Vec<u8> {
    let p = EncryptionParams {
        suite,
        recipient: pk,
        chunk_size: chunk,
        device_class: CLASS,
        digest: DigestAlgorithm::Sha256,
    };
    let mut out = vec![0u8; encrypted_payload_len(suite.kem(), pt.len() as u64, chunk) as usize];
    encrypt_payload(&p, pt, &mut out, &mut TestRng(seed)).unwrap();
    out
}

fn sign(payload: &[u8], encrypted: bool) -> Vec<u8> {
    let (_, sk) = signer();
    let mut params = ImageParams::new(CLASS, SECURITY_VERSION);
    params.encrypted = encrypted;
    params.header_len = 256;
    let mut out = vec![0u8; 256 + payload.len() + 8000];
    let n = sign_image_deterministic(&params, payload, SIGNER, &sk, None, &mut out).unwrap();
    out.truncate(n);
    out
}

struct Case {
    file: String,
    /// The KEM whose device key decrypts it.
    kem: KemAlgorithm,
    /// The decryptor's chunk buffer.
    buffer: usize,
    /// The expected verdict: `None` = decrypts to the plaintext.
    expect: Option<FirmwareError>,
    how: &'static str,
    bytes: Vec<u8>,
}

fn cases() -> Vec<Case> {
    let pt = plaintext();
    let mut cases = Vec::new();
    for (i, kem) in hpke_kems().into_iter().enumerate() {
        let (_, pk, _) = device_key(kem);
        cases.push(Case {
            file: format!("valid-{}.pqfw", kem.name()),
            kem,
            buffer: 4096 + 16,
            expect: None,
            how: "a valid encrypted image for this KEM's device key",
            bytes: sign(
                &encrypt(suite_for(i, kem), &pk, CHUNK, &pt, 100 + i as u64),
                true,
            ),
        });
    }
    let x = KemAlgorithm::XWing;
    let (_, pk, _) = device_key(x);
    let suite = Suite::new(x, Kdf::HkdfSha256, Aead::Aes256Gcm).unwrap();
    let good = encrypt(suite, &pk, CHUNK, &pt, 7);
    let rec = record_len(x);
    let chunk = |i: usize| rec + i * (CHUNK as usize + CHUNK_TAG_LEN);
    let mut push = |file: &str, expect, how, bytes: Vec<u8>| {
        cases.push(Case {
            file: format!("{file}.pqfw"),
            kem: x,
            buffer: 4096 + 16,
            expect: Some(expect),
            how,
            bytes,
        });
    };
    let mut other = vec![0u8; x.public_key_len()];
    x.keypair_from_seed(&[0x99; 32], &mut other, &mut [0u8; 32])
        .unwrap();
    push(
        "WrongRecipient",
        FirmwareError::WrongRecipient,
        "signed, but encrypted to another X-Wing key (seed 0x99)",
        sign(&encrypt(suite, &other, CHUNK, &pt, 8), true),
    );
    let mut p = good.clone();
    p[rec - 1] ^= 0x01;
    push(
        "KeyUnwrapFailed",
        FirmwareError::KeyUnwrapFailed,
        "the wrapped content key's last byte flipped, then signed",
        sign(&p, true),
    );
    let mut p = good.clone();
    p[chunk(1) + 10] ^= 0x01;
    push(
        "ChunkAuthentication-tampered",
        FirmwareError::ChunkAuthentication,
        "chunk 1's byte 10 flipped, then signed",
        sign(&p, true),
    );
    let mut p = good.clone();
    let (c1, c2) = (chunk(1)..chunk(2), chunk(2)..chunk(3));
    let (a, b) = (good[c1.clone()].to_vec(), good[c2.clone()].to_vec());
    p[c1].copy_from_slice(&b);
    p[c2.clone()].copy_from_slice(&a);
    push(
        "ChunkAuthentication-reordered",
        FirmwareError::ChunkAuthentication,
        "chunks 1 and 2 swapped, then signed",
        sign(&p, true),
    );
    let mut p = good.clone();
    p[c2].copy_from_slice(&a);
    push(
        "ChunkAuthentication-duplicated",
        FirmwareError::ChunkAuthentication,
        "chunk 1 in the place of chunk 2, then signed",
        sign(&p, true),
    );
    push(
        "BadEncryptionRecord",
        FirmwareError::BadEncryptionRecord,
        "the last chunk removed, then signed: the record's length no longer adds up",
        sign(&good[..chunk(3)], true),
    );
    let mut p = good.clone();
    p[RECORD_FIXED_LEN - 1] = 1;
    push(
        "BadEncryptionRecord-reserved",
        FirmwareError::BadEncryptionRecord,
        "a reserved byte of the record set, then signed",
        sign(&p, true),
    );
    let image = sign(&good, true);
    let cut = image.len() - 2000;
    push(
        "Truncated",
        FirmwareError::Truncated,
        "a valid image cut inside its last chunk: pass 2 ends early (pass 1 refuses it too: \
         the manifest's verifier verdict is Truncated)",
        image[..cut].to_vec(),
    );
    push(
        "NotEncrypted",
        FirmwareError::NotEncrypted,
        "a signed plain image (header flag bit 2 clear)",
        sign(&pt, false),
    );
    push(
        "ChunkTooLarge",
        FirmwareError::ChunkTooLarge,
        "8 KiB chunks: more than the 4 KiB + 16 decryptor buffer",
        sign(&encrypt(suite, &pk, 8192, &pt, 9), true),
    );
    push(
        "DigestMismatch-forged",
        FirmwareError::DigestMismatch,
        "a valid image with chunk 0's byte 0 flipped and NOT re-signed: the verifier refuses it \
         before any decryption",
        {
            let mut i = image.clone();
            i[256 + chunk(0)] ^= 1;
            i
        },
    );
    cases
}

/// The verifier's then the decryptor's verdict on `image` with `dk`, under the manifest's
/// policy (or, with `accept_encrypted` false, the default policy) and with or without the
/// plaintext-digest check.
fn check(
    image: &[u8],
    dk: &DecapsulationKey,
    buffer: usize,
    accept_encrypted: bool,
    check_digest: bool,
) -> Result<Vec<u8>, (&'static str, Error)> {
    let (pk, _) = signer();
    let anchors = [TrustAnchor::active(fw_key_id(SIGNER, &pk).unwrap())];
    let mut policy = Policy::new(&anchors, CLASS);
    policy.accept_encrypted = accept_encrypted;
    let mut v = Verifier::new(&policy);
    let verified = v
        .update(image)
        .and_then(|()| v.finish())
        .map_err(|e| ("verifier", e))?;
    let mut d =
        Decryptor::with_buffer(&verified, dk, vec![0u8; buffer]).map_err(|e| ("decryptor", e))?;
    if check_digest {
        d.check_plaintext_digest();
    }
    let mut out = vec![0u8; d.max_output(image.len())];
    let n = d.update(image, &mut out).map_err(|e| ("decryptor", e))?;
    d.finish().map_err(|e| ("decryptor", e))?;
    out.truncate(n);
    Ok(out)
}

fn manifest(cases: &[Case]) -> String {
    let (pk, _) = signer();
    let doc = serde_json::json!({
        "description": "Encrypted firmware images (docs/firmware-format.md, 'Encrypted \
            payloads'), made by tests/kat_firmware_encrypted.rs (PQHYBRID_REGENERATE=1) from \
            fixed seeds: the signing key, the device KEM keys \
            (KemAlgorithm::keypair_from_seed with the seed byte repeated), and the content key \
            and HPKE randomness from a fixed-seed test generator. Check each file with the \
            verifier (policy below), then the decryptor with the file's device key and chunk \
            buffer.",
        "signer": {
            "algorithm": SIGNER.name(),
            "seedByte": SIGNER_SEED,
            "publicKey": to_hex(&pk),
            "keyId": to_hex(&fw_key_id(SIGNER, &pk).unwrap().0),
        },
        "policy": {
            "deviceClass": to_hex(&CLASS.0),
            "trustAnchors": [to_hex(&fw_key_id(SIGNER, &pk).unwrap().0)],
            "minSecurityVersion": 0,
            "acceptEncrypted": true,
        },
        "plaintext": {
            "len": plaintext().len(),
            "sha256": to_hex(&Sha256::digest(plaintext())),
            "rule": "byte i = (13 i + 5) mod 256",
        },
        "deviceKeys": hpke_kems().into_iter().map(|k| {
            let (seed, pk, _) = device_key(k);
            serde_json::json!({
                "kem": k.name(),
                "seedByte": seed,
                "publicKey": to_hex(&pk),
                "keyId": to_hex(&pqhybrid::hpke::key_id(k, &pk).unwrap()),
            })
        }).collect::<Vec<_>>(),
        "files": cases.iter().map(|c| serde_json::json!({
            "file": c.file,
            "deviceKey": c.kem.name(),
            "chunkBuffer": c.buffer,
            "expect": c.expect.map_or("valid", FirmwareError::name),
            "len": c.bytes.len(),
            "how": c.how,
        })).collect::<Vec<_>>(),
    });
    serde_json::to_string_pretty(&doc).unwrap() + "\n"
}

#[test]
fn kat_firmware_encrypted() {
    let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(DIR);
    let cases = cases();
    let json = manifest(&cases);
    if std::env::var("PQHYBRID_REGENERATE").as_deref() == Ok("1") {
        std::fs::create_dir_all(&base).unwrap();
        for c in &cases {
            std::fs::write(base.join(&c.file), &c.bytes).unwrap();
        }
        std::fs::write(base.join("manifest.json"), &json).unwrap();
        return;
    }
    let read = |f: &str| {
        std::fs::read(base.join(f)).unwrap_or_else(|e| {
            panic!(
                "{DIR}/{f}: {e}; regenerate with PQHYBRID_REGENERATE=1 cargo test --test \
                 kat_firmware_encrypted"
            )
        })
    };
    let mut t = Tally::new("pqhybrid-firmware-encrypted", "manifest.json");
    t.check(
        String::from_utf8(read("manifest.json")).unwrap() == json,
        || "manifest.json differs from the generator".into(),
    );
    t.finish();

    let mut t = Tally::new("pqhybrid-firmware-encrypted", "images");
    let mut seen = std::collections::BTreeSet::new();
    for c in &cases {
        let stored = read(&c.file);
        if stored != c.bytes {
            t.fail(format!("{}: differs from the generator", c.file));
            continue;
        }
        let (_, _, sk) = device_key(c.kem);
        let dk = DecapsulationKey::new(c.kem, &sk).unwrap();
        // The same verdict with and without the plaintext-digest check (the encryptor always
        // records the right digest).
        for check_digest in [false, true] {
            match (check(&stored, &dk, c.buffer, true, check_digest), c.expect) {
                (Ok(pt), None) => {
                    t.check(pt == plaintext(), || format!("{}: plaintext", c.file));
                }
                (Err((_, Error::Firmware(got))), Some(want)) if got == want => {
                    seen.insert(want.name());
                    t.pass();
                }
                (got, want) => t.fail(format!(
                    "{} (check_plaintext_digest {check_digest}): got {got:?}, expected {want:?}",
                    c.file
                )),
            }
        }
        // A policy without accept_encrypted refuses every encrypted file at its header.
        let want = if c.expect == Some(FirmwareError::NotEncrypted) {
            Err(("decryptor", Error::Firmware(FirmwareError::NotEncrypted)))
        } else {
            Err((
                "verifier",
                Error::Firmware(FirmwareError::EncryptedNotAccepted),
            ))
        };
        let got = check(&stored, &dk, c.buffer, false, false);
        t.check(got == want, || {
            format!("{} without accept_encrypted: got {got:?}", c.file)
        });
    }
    t.finish();
    // Every decryptor error but PlaintextDigestMismatch (unreachable with pqhybrid's
    // encryptor, which always records the right digest: tests/firmware_encrypted.rs builds
    // one by hand) and one verifier error.
    assert_eq!(seen.len(), 8, "{seen:?}");
}

/// The worked example of `docs/firmware-format.md` ("Encrypted payloads") is the committed
/// file's record.
#[test]
fn documented_example_is_the_kat_file() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("docs/firmware-format.md")).unwrap();
    let block = doc
        .split("<!-- encrypted-record-example -->")
        .nth(1)
        .expect("docs/firmware-format.md: the encrypted-record-example marker")
        .split("```text")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    let hex: String = block
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    let documented = pqhybrid_kat::hex(&hex);
    assert_eq!(documented.len(), RECORD_FIXED_LEN);
    let image = std::fs::read(root.join(DIR).join("valid-X-Wing.pqfw")).unwrap();
    assert_eq!(&image[256..256 + RECORD_FIXED_LEN], &documented[..]);
    let record = &image[256..256 + record_len(KemAlgorithm::XWing)];
    let aad = Sha256::digest(record);
    assert!(doc.contains(&to_hex(&aad)), "the documented aad");
    assert!(doc.contains(&to_hex(&Sha256::digest(plaintext()))[..8]));
}
