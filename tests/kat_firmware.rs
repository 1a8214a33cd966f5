//! Known-answer firmware images (suite `pqhybrid-firmware`): `kat-vectors/pqhybrid/firmware/`
//! holds one valid format-2 image and one rejected image per `FirmwareError` variant (except
//! `ImageExceedsSlot`, which depends on the slot a verifier is given: `tests/firmware.rs`, and
//! the decryptor's: `tests/kat_firmware_encrypted.rs`), all
//! signed deterministically with keys from fixed seeds, and `policy.json`, the device policy
//! they are checked against (with the expected result of every file).
//!
//! `kat-vectors/pqhybrid/firmware-v1/` keeps the format-1 image of the previous release
//! (frozen: the signer no longer writes version 1): accepted only by a policy with
//! `accept_v1`, else `UnsupportedVersion`.
//!
//! This test regenerates every file in memory, compares it byte for byte with the committed
//! one, and verifies each committed image with the policy read from `policy.json`. It writes
//! the files only when asked: `PQHYBRID_REGENERATE=1 cargo test --test kat_firmware`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use pqhybrid::firmware::{
    self, AlgorithmSet, ClassScope, DeviceClass, EndorsementParams, FirmwareError, ImageParams,
    ImageVersion, KeyId, KeyState, Manifest, Policy, TrustAnchor, Verifier, endorse_deterministic,
    key_id, sign_image_deterministic,
};
use pqhybrid::{Error, SignatureAlgorithm};
use pqhybrid_kat::json::{self, OrPanic as _, Value};
use pqhybrid_kat::{Tally, to_hex};

const DIR: &str = "kat-vectors/pqhybrid/firmware";
/// The decryptor's errors, which `kat_firmware_encrypted` covers.
const DECRYPTION_ERRORS: [FirmwareError; 7] = [
    FirmwareError::NotEncrypted,
    FirmwareError::BadEncryptionRecord,
    FirmwareError::WrongRecipient,
    FirmwareError::KeyUnwrapFailed,
    FirmwareError::ChunkAuthentication,
    FirmwareError::PlaintextDigestMismatch,
    FirmwareError::ChunkTooLarge,
];
const CLASS: DeviceClass = DeviceClass(*b"pqhybrid-kat-dev");
const MIN_SV: u64 = 5;
const ALLOWED: AlgorithmSet = AlgorithmSet::HYBRID_ONLY;
/// The device counter's largest value (a 32-bit counter).
const MAX_SV: u64 = u32::MAX as u64;

struct Key {
    name: &'static str,
    alg: SignatureAlgorithm,
    seed: Vec<u8>,
    pk: Vec<u8>,
    sk: Vec<u8>,
    id: KeyId,
}

fn key(name: &'static str, alg: SignatureAlgorithm, seed_byte: u8) -> Key {
    let seed = vec![seed_byte; alg.seed_len()];
    let mut pk = vec![0u8; alg.public_key_len()];
    let mut sk = vec![0u8; alg.secret_key_len()];
    alg.keypair_from_seed(&seed, &mut pk, &mut sk).unwrap();
    let id = key_id(alg, &pk).unwrap();
    Key {
        name,
        alg,
        seed,
        pk,
        sk,
        id,
    }
}

struct Keys {
    root: Key,
    release: Key,
    revoked_release: Key,
    unknown_root: Key,
    ml_dsa: Key,
    slh_dsa: Key,
    root_b: Key,
    ecdsa: Key,
}

fn keys() -> Keys {
    use SignatureAlgorithm as A;
    Keys {
        root: key("root", A::MlDsa65Ed25519Sha512, 0x10),
        release: key("release", A::MlDsa65Ed25519Sha512, 0x20),
        revoked_release: key("revoked-release", A::MlDsa65Ed25519Sha512, 0x30),
        unknown_root: key("unknown-root", A::MlDsa65Ed25519Sha512, 0x40),
        ml_dsa: key("ml-dsa-65", A::MlDsa65, 0x50),
        slh_dsa: key("slh-dsa-sha2-128f", A::SlhDsaSha2_128f, 0x60),
        root_b: key("root-b", A::MlDsa65Ed25519Sha512, 0x70),
        ecdsa: key("ecdsa-signer", A::MlDsa65EcdsaP256Sha512, 0x80),
    }
}

fn endorse_for(root: &Key, release: &Key, min: u64, max: u64, classes: ClassScope<'_>) -> Vec<u8> {
    let mut out = vec![0u8; firmware::endorsement_max_len(root.alg)];
    let mut p = EndorsementParams::new(min, max, ALLOWED, classes);
    p.security_version_limit = u64::MAX;
    let n =
        endorse_deterministic(root.alg, &root.sk, release.alg, &release.pk, &p, &mut out).unwrap();
    out.truncate(n);
    out
}

/// An endorsement for the KAT device class and another one.
fn endorse(root: &Key, release: &Key, min: u64, max: u64) -> Vec<u8> {
    endorse_for(
        root,
        release,
        min,
        max,
        ClassScope::Only(&[DeviceClass(*b"pqhybrid-kat-aaa"), CLASS]),
    )
}

/// The image with the ECDSA half of its MLDSA65-ECDSA-P256 signature replaced by its
/// `(r, n − s)` twin (same validity, other bytes): the signature slot keeps its length, the
/// signature-length field is updated.
fn high_s(img: &[u8], pk_len: usize) -> Vec<u8> {
    const MLDSA_SIG: usize = 3309;
    let t0 = 256 + 1024;
    let len_at = t0 + 8 + pk_len;
    let sig_len = usize::from(u16::from_le_bytes([img[len_at], img[len_at + 1]]));
    let sig_at = len_at + 2;
    let der = &img[sig_at + MLDSA_SIG..sig_at + sig_len];
    let new_der = pqhybrid_kat::ecdsa_der_negate_s(der, &pqhybrid_kat::P256_ORDER);
    let mut x = img.to_vec();
    let slot_end = sig_at + 3381;
    x[sig_at + MLDSA_SIG..slot_end].fill(0);
    x[sig_at + MLDSA_SIG..sig_at + MLDSA_SIG + new_der.len()].copy_from_slice(&new_der);
    x[len_at..len_at + 2].copy_from_slice(&((MLDSA_SIG + new_der.len()) as u16).to_le_bytes());
    x
}

fn payload() -> Vec<u8> {
    (0..1024u32)
        .map(|i| (i.wrapping_mul(31) ^ 0xa5) as u8)
        .collect()
}

fn params(sv: u64) -> ImageParams {
    let mut p = ImageParams::new(CLASS, sv);
    p.version = ImageVersion {
        major: 1,
        minor: 4,
        revision: 2,
        build: 20_260_101,
    };
    p.sbom_digest = Some(
        firmware::DigestAlgorithm::Sha256.digest(b"pqhybrid kat sbom")[..32]
            .try_into()
            .unwrap(),
    );
    p.header_len = 256;
    p
}

fn sign(p: &ImageParams, k: &Key, endo: Option<&[u8]>) -> Vec<u8> {
    let body = payload();
    let mut out = vec![0u8; 64 * 1024];
    let n = sign_image_deterministic(p, &body, k.alg, &k.sk, endo, &mut out).unwrap();
    out.truncate(n);
    out
}

fn patch(img: &[u8], off: usize, bytes: &[u8]) -> Vec<u8> {
    let mut x = img.to_vec();
    x[off..off + bytes.len()].copy_from_slice(bytes);
    x
}

/// One file: name, bytes, how it was made, the expected result.
struct Case {
    file: String,
    bytes: Vec<u8>,
    how: &'static str,
    expect: Option<FirmwareError>,
}

fn cases(k: &Keys) -> Vec<Case> {
    let endo = endorse(&k.root, &k.release, 5, 10);
    let valid = sign(&params(7), &k.release, Some(&endo));
    let t0 = 256 + 1024;
    let mut out = vec![Case {
        file: "valid.pqfw".into(),
        bytes: valid.clone(),
        how: "1 KiB payload, MLDSA65-Ed25519-SHA512 release key endorsed by the root for \
              security versions 5..=10, security version 7, SHA-256 payload digest, SBOM \
              digest, header_len 256",
        expect: None,
    }];
    let mut add = |e: FirmwareError, bytes: Vec<u8>, how: &'static str| {
        out.push(Case {
            file: format!("{}.pqfw", e.name()),
            bytes,
            how,
            expect: Some(e),
        });
    };
    use FirmwareError as F;
    add(
        F::BadMagic,
        patch(&valid, 0, b"PQFX"),
        "valid.pqfw with header magic PQFX",
    );
    add(
        F::UnsupportedVersion,
        patch(&valid, 4, &3u16.to_le_bytes()),
        "valid.pqfw with format version 3",
    );
    add(
        F::BadHeaderLength,
        patch(&valid, 6, &252u16.to_le_bytes()),
        "valid.pqfw with header_len 252 (not a multiple of 8)",
    );
    add(
        F::ReservedNonZero,
        patch(&valid, 191, &[0x01]),
        "valid.pqfw with reserved byte 191 set",
    );
    add(
        F::UnknownAlgorithm,
        patch(&valid, 12, &22u16.to_le_bytes()),
        "valid.pqfw with algorithm id 22",
    );
    add(
        F::UnknownDigest,
        patch(&valid, 14, &[5]),
        "valid.pqfw with digest id 5",
    );
    add(
        F::Malformed,
        patch(&valid, t0 + 4, &2u16.to_le_bytes()),
        "valid.pqfw with signature-block algorithm id 2 (ML-DSA-65), differing from the header's 18",
    );
    let _ = &add;
    add(
        F::Truncated,
        valid[..valid.len() - 1].to_vec(),
        "valid.pqfw without its last byte",
    );
    add(
        F::LengthMismatch,
        [valid.as_slice(), &[0]].concat(),
        "valid.pqfw with one extra zero byte",
    );
    add(
        F::TrailerTooLarge,
        sign(&params(7), &k.slh_dsa, None),
        "signed by slh-dsa-sha2-128f: its 17 130-byte signature block exceeds the default 16 KiB capacity",
    );
    let mut other = params(7);
    other.device_class = DeviceClass(*b"pqhybrid-kat-xxx");
    add(
        F::WrongDeviceClass,
        sign(
            &other,
            &k.release,
            Some(&endorse_for(&k.root, &k.release, 5, 10, ClassScope::Any)),
        ),
        "properly signed for device class pqhybrid-kat-xxx (endorsed for any class)",
    );
    add(
        F::Rollback,
        sign(
            &params(4),
            &k.release,
            Some(&endorse(&k.root, &k.release, 0, 10)),
        ),
        "properly signed with security version 4 (endorsed for 0..=10)",
    );
    add(
        F::AlgorithmNotAllowed,
        sign(&params(7), &k.ml_dsa, None),
        "properly signed by the pure ML-DSA-65 key",
    );
    add(
        F::RevokedKey,
        sign(
            &params(7),
            &k.revoked_release,
            Some(&endorse(&k.root, &k.revoked_release, 5, 10)),
        ),
        "signed by revoked-release, validly endorsed by the root",
    );
    add(
        F::UnknownKey,
        sign(
            &params(7),
            &k.release,
            Some(&endorse(&k.unknown_root, &k.release, 5, 10)),
        ),
        "signed by release, endorsed by unknown-root (not an anchor)",
    );
    add(
        F::KeyIdMismatch,
        patch(&valid, t0 + 8, &[k.release.pk[0] ^ 0x01]),
        "valid.pqfw with the first byte of the signer public key flipped",
    );
    // Signed under an endorsement for 0..=20 (same length: Ed25519 root), which is then
    // replaced by the 5..=10 one: the image signature stays valid.
    let mut oor = sign(
        &params(11),
        &k.release,
        Some(&endorse(&k.root, &k.release, 0, 20)),
    );
    let n = oor.len();
    oor[n - endo.len()..].copy_from_slice(&endo);
    add(
        F::DelegationOutOfRange,
        oor,
        "security version 11, signed under a 0..=20 endorsement that was then replaced by the 5..=10 one",
    );
    add(
        F::DigestMismatch,
        patch(&valid, 256, &[valid[256] ^ 0x01]),
        "valid.pqfw with the first payload byte flipped",
    );
    let sig = t0 + 8 + k.release.pk.len() + 2 + 100;
    add(
        F::BadSignature,
        patch(&valid, sig, &[valid[sig] ^ 0x01]),
        "valid.pqfw with byte 100 of the image signature flipped",
    );
    let mut big = params((1u64 << 32) + 3);
    big.security_version_limit = u64::MAX;
    add(
        F::SecurityVersionTooLarge,
        sign(
            &big,
            &k.release,
            Some(&endorse(&k.root, &k.release, 5, u64::MAX)),
        ),
        "security version 2^32 + 3 (signed with the limit raised, endorsed for 5..=2^64-1): \
         above the device counter's maximum 2^32 - 1",
    );
    // Signed under the valid endorsement (classes aaa, dev), which is then replaced by one of
    // the same length for classes aaa, bbb: the image signature stays valid.
    let other_classes = endorse_for(
        &k.root,
        &k.release,
        5,
        10,
        ClassScope::Only(&[
            DeviceClass(*b"pqhybrid-kat-aaa"),
            DeviceClass(*b"pqhybrid-kat-bbb"),
        ]),
    );
    let mut wrong = valid.clone();
    let n = wrong.len();
    wrong[n - other_classes.len()..].copy_from_slice(&other_classes);
    add(
        F::ClassNotEndorsed,
        wrong,
        "valid.pqfw with its endorsement (classes pqhybrid-kat-aaa, pqhybrid-kat-dev) replaced \
         by the root's endorsement of the same key for pqhybrid-kat-aaa and pqhybrid-kat-bbb",
    );
    add(
        F::EndorsedAnchor,
        sign(
            &params(7),
            &k.root_b,
            Some(&endorse_for(&k.root, &k.root_b, 5, 10, ClassScope::Any)),
        ),
        "signed by root-b (itself an active anchor) under an endorsement by the root: a root \
         endorsing a root",
    );
    let ecdsa_valid = sign(&params(7), &k.ecdsa, None);
    add(
        F::NonCanonicalSignature,
        high_s(&ecdsa_valid, k.ecdsa.pk.len()),
        "signed directly by ecdsa-signer (MLDSA65-ECDSA-P256-SHA512, an active anchor; low-s), \
         then the ECDSA s replaced by n - s: a second valid ECDSA signature, rejected by format 2",
    );
    let mut encrypted = params(7);
    encrypted.encrypted = true;
    add(
        F::EncryptedNotAccepted,
        sign(&encrypted, &k.release, Some(&endo)),
        "valid.pqfw's payload signed with header flag bit 2 (encrypted payload) set: the policy \
         does not accept encrypted images (acceptEncrypted false), so the verifier refuses it at \
         the header, before the payload (not a real encryption record) is read",
    );
    out
}

fn policy_json(k: &Keys, cases: &[Case]) -> String {
    let key_doc = |k: &Key| {
        serde_json::json!({
            "name": k.name, "alg": k.alg.name(), "algId": firmware::algorithm_id(k.alg),
            "seed": to_hex(&k.seed), "pk": to_hex(&k.pk), "keyId": to_hex(&k.id.0),
        })
    };
    let doc = serde_json::json!({
        "description": "Known-answer firmware images (docs/firmware-format.md). Every image is \
            signed deterministically (agile-layer sign_deterministic) with keys from the seeds \
            below (SignatureAlgorithm::keypair_from_seed). Generated by tests/kat_firmware.rs \
            (PQHYBRID_REGENERATE=1); check each file with the policy below.",
        "policy": {
            "trustAnchors": [
                {"keyId": to_hex(&k.root.id.0), "state": "active", "key": "root"},
                {"keyId": to_hex(&k.revoked_release.id.0), "state": "revoked", "key": "revoked-release"},
                {"keyId": to_hex(&k.root_b.id.0), "state": "active", "key": "root-b"},
                {"keyId": to_hex(&k.ecdsa.id.0), "state": "active", "key": "ecdsa-signer"},
            ],
            "minSecurityVersion": MIN_SV,
            "maxSecurityVersion": MAX_SV,
            "deviceClass": to_hex(&CLASS.0),
            "allowed": ALLOWED.bits(),
            "allowedNote": "AlgorithmSet::HYBRID_ONLY (ids 16..=21)",
            "endorseAllowed": ALLOWED.bits(),
            "acceptV1": false,
            "acceptEncrypted": false,
            "trailerCapacity": firmware::DEFAULT_TRAILER_CAPACITY,
        },
        "notCovered": "ImageExceedsSlot depends on the slot length a verifier is given \
            (Verifier::set_slot_len), not on the image: tests/firmware.rs. The decryptor's \
            errors (NotEncrypted, BadEncryptionRecord, WrongRecipient, KeyUnwrapFailed, \
            ChunkAuthentication, PlaintextDigestMismatch, ChunkTooLarge) depend on the \
            decryption key: kat-vectors/pqhybrid/firmware-encrypted/",
        "keys": [key_doc(&k.root), key_doc(&k.release), key_doc(&k.revoked_release),
                 key_doc(&k.unknown_root), key_doc(&k.ml_dsa), key_doc(&k.slh_dsa),
                 key_doc(&k.root_b), key_doc(&k.ecdsa)],
        "files": cases.iter().map(|c| serde_json::json!({
            "file": c.file,
            "expect": c.expect.map_or("valid", FirmwareError::name),
            "len": c.bytes.len(),
            "how": c.how,
        })).collect::<Vec<_>>(),
    });
    serde_json::to_string_pretty(&doc).unwrap() + "\n"
}

/// The policy as documented in `policy.json`: anchors, min, class, allowed.
fn read_policy(doc: &Value) -> (Vec<TrustAnchor>, u64, DeviceClass, AlgorithmSet) {
    let p = &doc["policy"];
    let anchors = json::array(p, "trustAnchors")
        .or_panic()
        .iter()
        .map(|a| TrustAnchor {
            key_id: KeyId(json::hex(a, "keyId").or_panic().try_into().unwrap()),
            state: match json::str(a, "state").or_panic() {
                "active" => KeyState::Active,
                "revoked" => KeyState::Revoked,
                s => panic!("state {s}"),
            },
        })
        .collect();
    let class = DeviceClass(json::hex(p, "deviceClass").or_panic().try_into().unwrap());
    (
        anchors,
        json::u64(p, "minSecurityVersion").or_panic(),
        class,
        algorithm_set(p, "allowed"),
    )
}

/// An `AlgorithmSet` field (its bits).
fn algorithm_set(p: &Value, key: &str) -> AlgorithmSet {
    AlgorithmSet::from_bits(u32::try_from(json::u64(p, key).or_panic()).unwrap()).unwrap()
}

#[test]
fn kat_firmware() {
    let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(DIR);
    let k = keys();
    let cases = cases(&k);
    // Every variant but ImageExceedsSlot (a property of the slot, not of the image) and the
    // decryptor's (tests/kat_firmware_encrypted.rs).
    assert_eq!(
        cases.len(),
        FirmwareError::ALL.len() - DECRYPTION_ERRORS.len()
    );
    let json = policy_json(&k, &cases);
    if std::env::var("PQHYBRID_REGENERATE").as_deref() == Ok("1") {
        std::fs::create_dir_all(&base).unwrap();
        for c in &cases {
            std::fs::write(base.join(&c.file), &c.bytes).unwrap();
        }
        std::fs::write(base.join("policy.json"), &json).unwrap();
        println!("wrote {} files to {}", cases.len() + 1, base.display());
        return;
    }
    let read = |f: &str| {
        std::fs::read(base.join(f)).unwrap_or_else(|e| {
            panic!("{DIR}/{f}: {e}; regenerate with PQHYBRID_REGENERATE=1 cargo test --test kat_firmware")
        })
    };
    let stored_json = String::from_utf8(read("policy.json")).unwrap();
    let mut t = Tally::new("pqhybrid-firmware", "policy.json");
    t.check(stored_json == json, || {
        "policy.json differs from the generator".into()
    });
    t.finish();
    let doc: Value = serde_json::from_str(&stored_json).unwrap();
    let (anchors, min, class, allowed) = read_policy(&doc);
    let p = &doc["policy"];
    let policy = Policy {
        trust_anchors: &anchors,
        min_security_version: min,
        max_security_version: json::u64(p, "maxSecurityVersion").or_panic(),
        device_class: class,
        allowed,
        endorse_allowed: algorithm_set(p, "endorseAllowed"),
        accept_v1: json::bool(p, "acceptV1").or_panic(),
        accept_encrypted: json::bool(p, "acceptEncrypted").or_panic(),
    };
    for (c, entry) in cases.iter().zip(json::array(&doc, "files").or_panic()) {
        let mut t = Tally::new("pqhybrid-firmware", &c.file);
        let stored = read(&c.file);
        t.check(stored == c.bytes, || {
            format!("{}: differs from the generator", c.file)
        });
        let mut v = Verifier::new(&policy);
        let r = v.update(&stored).and_then(|()| v.finish());
        let got = match r {
            Ok(img) => {
                let m = Manifest::parse(&stored).unwrap();
                t.check(
                    img.header() == &m.header
                        && img.is_delegated()
                        && img.header().format_version == firmware::FORMAT_VERSION,
                    || "manifest".into(),
                );
                "valid"
            }
            Err(Error::Firmware(e)) => e.name(),
            Err(e) => panic!("{}: unexpected error {e:?}", c.file),
        };
        t.check(got == json::str(entry, "expect").or_panic(), || {
            format!("{}: expected {}, got {got}", c.file, entry["expect"])
        });
        t.finish();
    }
}

/// The frozen format-1 image: valid only under a policy that accepts version 1.
#[test]
fn kat_firmware_v1() {
    let base =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("kat-vectors/pqhybrid/firmware-v1");
    let read = |f: &str| {
        std::fs::read(base.join(f)).unwrap_or_else(|e| {
            panic!("kat-vectors/pqhybrid/firmware-v1/{f}: {e} (committed; the previous release's valid.pqfw)")
        })
    };
    let doc: Value =
        serde_json::from_str(&String::from_utf8(read("policy.json")).unwrap()).unwrap();
    let (anchors, min, class, allowed) = read_policy(&doc);
    let mut policy = Policy::new(&anchors, class);
    policy.min_security_version = min;
    policy.allowed = allowed;
    policy.endorse_allowed = allowed;
    for f in json::array(&doc, "files").or_panic() {
        let file = json::str(f, "file").or_panic();
        let img = read(file);
        for accept_v1 in [true, false] {
            policy.accept_v1 = accept_v1;
            let key = if accept_v1 {
                "expectAcceptV1"
            } else {
                "expect"
            };
            let mut t = Tally::new(
                "pqhybrid-firmware-v1",
                &format!("{file} acceptV1={accept_v1}"),
            );
            let mut v = Verifier::new(&policy);
            let got = match v.update(&img).and_then(|()| v.finish()) {
                Ok(i) => {
                    t.check(
                        i.header().format_version == firmware::FORMAT_VERSION_1,
                        || "format version".into(),
                    );
                    "valid"
                }
                Err(Error::Firmware(e)) => e.name(),
                Err(e) => panic!("{file}: unexpected error {e:?}"),
            };
            t.check(got == json::str(f, key).or_panic(), || {
                format!("{file}: expected {}, got {got}", f[key])
            });
            t.finish();
        }
    }
}
