//! Encrypted firmware images (`pqhybrid::firmware::encrypt`, `Decryptor`): round trips for
//! every HPKE KEM, chunking invariance, the format rebuilt independently from
//! `docs/firmware-format.md`, and every rejection: wrong recipient, tampered wrapped key,
//! tampered, reordered, duplicated and truncated chunks, a record swapped after verification,
//! a valid signature over a payload encrypted to someone else, a forged (unsigned) change.
#![cfg(feature = "hpke")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use pqhybrid::agile::DecapsulationKey;
use pqhybrid::firmware::encrypt::{
    self, CHUNK_TAG_LEN, EncryptionParams, EncryptionRecord, RECORD_FIXED_LEN, encrypt_payload,
    encrypted_payload_len, record_len,
};
use pqhybrid::firmware::{
    self, DecryptedPayload, Decryptor, DeviceClass, DigestAlgorithm, FirmwareError, ImageParams,
    Policy, TrustAnchor, VerifiedImage, Verifier, key_id as fw_key_id, sign_image_deterministic,
};
use pqhybrid::hpke::{Aead, Kdf, Suite};
use pqhybrid::primitives::aes_gcm::Aes256Gcm;
use pqhybrid::{Error, KemAlgorithm, SignatureAlgorithm};
use pqhybrid_kat::rng::TestRng;
use sha2::{Digest, Sha256};

const CLASS: DeviceClass = DeviceClass(*b"pqhybrid-enc-dev");

struct Signer {
    sk: Vec<u8>,
    anchor: TrustAnchor,
}

fn signer() -> Signer {
    let alg = SignatureAlgorithm::MlDsa65Ed25519Sha512;
    let mut pk = vec![0u8; alg.public_key_len()];
    let mut sk = vec![0u8; alg.secret_key_len()];
    alg.keypair_from_seed(&vec![1; alg.seed_len()], &mut pk, &mut sk)
        .unwrap();
    Signer {
        sk,
        anchor: TrustAnchor::active(fw_key_id(alg, &pk).unwrap()),
    }
}

fn kem_key(alg: KemAlgorithm, seed: u8) -> (Vec<u8>, Vec<u8>) {
    let mut pk = vec![0u8; alg.public_key_len()];
    let mut sk = vec![0u8; alg.secret_key_len()];
    alg.keypair_from_seed(&vec![seed; alg.seed_len()], &mut pk, &mut sk)
        .unwrap();
    (pk, sk)
}

fn plaintext(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 + 7) as u8).collect()
}

fn enc_params(suite: Suite, pk: &[u8], chunk: u32) -> EncryptionParams<'_> {
    EncryptionParams {
        suite,
        recipient: pk,
        chunk_size: chunk,
        device_class: CLASS,
        digest: DigestAlgorithm::Sha256,
    }
}

fn encrypt(p: &EncryptionParams<'_>, pt: &[u8], seed: u64) -> Vec<u8> {
    let len = encrypted_payload_len(p.suite.kem(), pt.len() as u64, p.chunk_size) as usize;
    let mut out = vec![0u8; len];
    assert_eq!(
        encrypt_payload(p, pt, &mut out, &mut TestRng(seed)).unwrap(),
        len
    );
    out
}

/// Signs `payload` (already encrypted) as an encrypted image.
fn sign(s: &Signer, payload: &[u8]) -> Vec<u8> {
    let mut params = ImageParams::new(CLASS, 7);
    params.encrypted = true;
    params.header_len = 256;
    let mut out = vec![0u8; 256 + payload.len() + 8000];
    let n = sign_image_deterministic(
        &params,
        payload,
        SignatureAlgorithm::MlDsa65Ed25519Sha512,
        &s.sk,
        None,
        &mut out,
    )
    .unwrap();
    out.truncate(n);
    out
}

fn verify(s: &Signer, image: &[u8]) -> Result<VerifiedImage, Error> {
    let anchors = [s.anchor];
    let mut policy = Policy::new(&anchors, CLASS);
    policy.accept_encrypted = true;
    let mut v = Verifier::new(&policy);
    v.update(image)?;
    v.finish()
}

/// Pass 2 over `image` in chunks of `sizes` (cycled), with or without the plaintext-digest
/// check: the plaintext, or the first error.
fn decrypt(
    verified: &VerifiedImage,
    dk: &DecapsulationKey,
    image: &[u8],
    sizes: &[usize],
    check_plaintext_digest: bool,
) -> Result<(Vec<u8>, DecryptedPayload), Error> {
    let mut d = Decryptor::with_buffer(verified, dk, vec![0u8; 65536 + 16])?;
    if check_plaintext_digest {
        d.check_plaintext_digest();
    }
    let mut pt = Vec::new();
    let mut rest = image;
    let mut i = 0;
    while !rest.is_empty() {
        let n = sizes[i % sizes.len()].min(rest.len()).max(1);
        let mut out = vec![0xEEu8; d.max_output(n)];
        match d.update(&rest[..n], &mut out) {
            Ok(w) => pt.extend_from_slice(&out[..w]),
            Err(e) => {
                // Nothing of the failing call is released.
                assert!(out.iter().all(|b| *b == 0 || *b == 0xEE));
                return Err(e);
            }
        }
        rest = &rest[n..];
        i += 1;
    }
    let done = d.finish()?;
    Ok((pt, done))
}

fn fw_err(e: FirmwareError) -> Error {
    Error::Firmware(e)
}

fn hpke_kems() -> Vec<KemAlgorithm> {
    KemAlgorithm::ALL
        .into_iter()
        .filter(|k| pqhybrid::hpke::kem_id(*k).is_some())
        .collect()
}

#[test]
fn round_trip_every_kem_and_sizes() {
    let s = signer();
    for (i, kem) in hpke_kems().into_iter().enumerate() {
        let (pk, sk) = kem_key(kem, 40 + i as u8);
        let dk = DecapsulationKey::new(kem, &sk).unwrap();
        let kdf = Kdf::ALL[i % Kdf::ALL.len()];
        let aead = Aead::ALL[i % Aead::ALL.len()];
        let suite = Suite::new(kem, kdf, aead).unwrap();
        for (len, chunk) in [
            (0usize, 64u32),
            (1, 64),
            (63, 64),
            (64, 64),
            (65, 64),
            (5000, 4096),
            (3 * 1024 + 5, 1024),
        ] {
            let pt = plaintext(len);
            let payload = encrypt(&enc_params(suite, &pk, chunk), &pt, len as u64 + 1);
            let image = sign(&s, &payload);
            let verified = verify(&s, &image).unwrap();
            assert!(verified.is_encrypted());
            // By default the chunk tags only: no plaintext digest computed.
            let (got, done) = decrypt(&verified, &dk, &image, &[image.len()], false).unwrap();
            assert_eq!(got, pt, "{kem:?} len {len} chunk {chunk}");
            assert_eq!(done.len as usize, len);
            assert_eq!(done.digest, None);
            let (got, done) = decrypt(&verified, &dk, &image, &[image.len()], true).unwrap();
            assert_eq!(got, pt, "{kem:?} len {len} chunk {chunk} (digest checked)");
            assert_eq!(&done.digest.unwrap()[..32], Sha256::digest(&pt).as_slice());
        }
    }
}

#[test]
fn chunking_invariance() {
    let s = signer();
    let (pk, sk) = kem_key(KemAlgorithm::XWing, 3);
    let dk = DecapsulationKey::new(KemAlgorithm::XWing, &sk).unwrap();
    let pt = plaintext(10_000);
    let p = EncryptionParams {
        chunk_size: 1000,
        ..EncryptionParams::new(&pk, CLASS).unwrap()
    };
    let image = sign(&s, &encrypt(&p, &pt, 9));
    let verified = verify(&s, &image).unwrap();
    for sizes in [
        &[1usize][..],
        &[7, 1, 300],
        &[1016],
        &[4096, 3],
        &[image.len()],
    ] {
        let (got, _) = decrypt(&verified, &dk, &image, sizes, false).unwrap();
        assert_eq!(got, pt, "chunking {sizes:?}");
    }
    // The decryptor's own default buffer (4 KiB chunks) also works for 1000-byte chunks.
    let mut d = Decryptor::new(&verified, &dk).unwrap();
    let mut out = vec![0u8; d.max_output(image.len())];
    let n = d.update(&image, &mut out).unwrap();
    assert_eq!(&out[..n], &pt[..]);
    d.finish().unwrap();
}

/// The format as `docs/firmware-format.md` states it, built here from the primitives: the
/// record's fixed part, HPKE `SealBase` of the content key, AES-256-GCM chunks.
#[test]
fn format_rebuilt_from_the_document() {
    let (pk, _) = kem_key(KemAlgorithm::MlKem768, 5);
    let suite = Suite::new(
        KemAlgorithm::MlKem768,
        Kdf::Shake256,
        Aead::ChaCha20Poly1305,
    )
    .unwrap();
    let pt = plaintext(300);
    let p = enc_params(suite, &pk, 128);
    let ours = encrypt(&p, &pt, 77);

    // The RNG draws: the content key (32 bytes) first, then the HPKE encapsulation.
    let mut rng = TestRng(77);
    let mut cek = [0u8; 32];
    pqhybrid::rng::TryRng::try_fill_bytes(&mut rng, &mut cek).unwrap();
    let mut fixed = Vec::new();
    fixed.extend_from_slice(b"PQEN");
    fixed.extend_from_slice(&[1, 1]);
    fixed.extend_from_slice(&((128 + 1088 + 48) as u16).to_le_bytes());
    fixed.extend_from_slice(&0x0041u16.to_le_bytes());
    fixed.extend_from_slice(&0x0011u16.to_le_bytes());
    fixed.extend_from_slice(&0x0003u16.to_le_bytes());
    fixed.extend_from_slice(&1088u16.to_le_bytes());
    fixed.extend_from_slice(&128u32.to_le_bytes());
    fixed.extend_from_slice(&300u32.to_le_bytes());
    let mut h = Sha256::new();
    h.update(b"pqhybrid/v1/kem-key-id");
    h.update(0x0041u16.to_le_bytes());
    h.update(&pk);
    fixed.extend_from_slice(&h.finalize());
    let mut digest = Sha256::digest(&pt).to_vec();
    digest.resize(64, 0);
    fixed.extend_from_slice(&digest);
    fixed.extend_from_slice(&[0; 8]);
    assert_eq!(fixed.len(), RECORD_FIXED_LEN);
    let mut info = b"pqhybrid/fw/v1/cek".to_vec();
    info.extend_from_slice(&CLASS.0);
    let mut sealed = vec![0u8; suite.sealed_len(32)];
    suite
        .seal(&pk, &info, &fixed, &cek, &mut sealed, &mut rng)
        .unwrap();
    let mut record = fixed.clone();
    record.extend_from_slice(&sealed);
    assert_eq!(record.len(), record_len(KemAlgorithm::MlKem768));
    let aad = Sha256::digest(&record);
    let mut payload = record.clone();
    let cipher = Aes256Gcm::new(&cek).unwrap();
    let chunks: Vec<&[u8]> = pt.chunks(128).collect();
    for (i, c) in chunks.iter().enumerate() {
        let mut nonce = (i as u64).to_be_bytes().to_vec();
        nonce.extend_from_slice(&u32::from(i + 1 == chunks.len()).to_be_bytes());
        let mut buf = c.to_vec();
        let tag = cipher.seal_in_place(&nonce, &aad, &mut buf).unwrap();
        payload.extend_from_slice(&buf);
        payload.extend_from_slice(&tag);
    }
    assert_eq!(payload, ours);
    let parsed = EncryptionRecord::parse(&ours[..record.len()]).unwrap();
    assert_eq!(parsed.suite, suite);
    assert_eq!((parsed.chunk_size, parsed.plaintext_len), (128, 300));
    assert_eq!(parsed.chunk_count(), 3);
    assert_eq!(parsed.payload_len(), ours.len() as u64);
}

/// A fixture: an X-Wing device key, an image of 5 chunks of 256 bytes (the last 100).
struct Fixture {
    s: Signer,
    pk: Vec<u8>,
    dk: DecapsulationKey,
    pt: Vec<u8>,
    payload: Vec<u8>,
    rec_len: usize,
}

fn fixture() -> Fixture {
    let s = signer();
    let (pk, sk) = kem_key(KemAlgorithm::XWing, 8);
    let dk = DecapsulationKey::new(KemAlgorithm::XWing, &sk).unwrap();
    let pt = plaintext(4 * 256 + 100);
    let p = EncryptionParams {
        chunk_size: 256,
        ..EncryptionParams::new(&pk, CLASS).unwrap()
    };
    let payload = encrypt(&p, &pt, 1234);
    Fixture {
        s,
        pk,
        dk,
        pt,
        payload,
        rec_len: record_len(KemAlgorithm::XWing),
    }
}

impl Fixture {
    /// Signs a modified payload and decrypts it: the decryptor's verdict (the signature is
    /// valid, so only decryption can refuse it).
    fn decrypt_resigned(&self, payload: &[u8]) -> Result<Vec<u8>, Error> {
        self.decrypt_resigned_with(payload, false)
    }

    fn decrypt_resigned_with(&self, payload: &[u8], check: bool) -> Result<Vec<u8>, Error> {
        let image = sign(&self.s, payload);
        let verified = verify(&self.s, &image)?;
        decrypt(&verified, &self.dk, &image, &[333], check).map(|(p, _)| p)
    }

    fn chunk_range(&self, i: usize) -> std::ops::Range<usize> {
        let start = self.rec_len + i * (256 + CHUNK_TAG_LEN);
        start..(start + 256 + CHUNK_TAG_LEN).min(self.payload.len())
    }
}

#[test]
fn rejections() {
    let f = fixture();
    assert_eq!(f.decrypt_resigned(&f.payload).unwrap(), f.pt);

    // A tampered chunk byte, tag byte, the wrapped key, enc.
    for at in [f.rec_len + 5, f.rec_len + 256 + 3, f.payload.len() - 1] {
        let mut p = f.payload.clone();
        p[at] ^= 0x20;
        assert_eq!(
            f.decrypt_resigned(&p),
            Err(fw_err(FirmwareError::ChunkAuthentication)),
            "byte {at}"
        );
    }
    let mut p = f.payload.clone();
    p[f.rec_len - 3] ^= 1; // the wrapped key's tag
    assert_eq!(
        f.decrypt_resigned(&p),
        Err(fw_err(FirmwareError::KeyUnwrapFailed))
    );
    let mut p = f.payload.clone();
    p[RECORD_FIXED_LEN + 10] ^= 1; // enc (ML-KEM part: implicit rejection)
    assert_eq!(
        f.decrypt_resigned(&p),
        Err(fw_err(FirmwareError::KeyUnwrapFailed))
    );

    // Reordered, duplicated chunks; a truncated and an extended payload.
    let (c1, c2) = (f.chunk_range(1), f.chunk_range(2));
    let mut p = f.payload.clone();
    let (a, b) = (
        f.payload[c1.clone()].to_vec(),
        f.payload[c2.clone()].to_vec(),
    );
    p[c1.clone()].copy_from_slice(&b);
    p[c2.clone()].copy_from_slice(&a);
    assert_eq!(
        f.decrypt_resigned(&p),
        Err(fw_err(FirmwareError::ChunkAuthentication))
    );
    let mut p = f.payload.clone();
    p[c2].copy_from_slice(&a);
    assert_eq!(
        f.decrypt_resigned(&p),
        Err(fw_err(FirmwareError::ChunkAuthentication))
    );
    let last = f.chunk_range(4);
    assert_eq!(
        f.decrypt_resigned(&f.payload[..last.start]),
        Err(fw_err(FirmwareError::BadEncryptionRecord))
    );
    let mut p = f.payload.clone();
    p.extend_from_slice(&[0; 16]);
    assert_eq!(
        f.decrypt_resigned(&p),
        Err(fw_err(FirmwareError::BadEncryptionRecord))
    );

    // A record whose magic is wrong: the verifier refuses the signed image.
    let mut p = f.payload.clone();
    p[0] = b'X';
    let image = sign(&f.s, &p);
    assert_eq!(
        verify(&f.s, &image),
        Err(fw_err(FirmwareError::BadEncryptionRecord))
    );
    let mut p = f.payload.clone();
    p[4] = 2; // record version
    assert_eq!(
        f.decrypt_resigned(&p),
        Err(fw_err(FirmwareError::BadEncryptionRecord))
    );

    // The stream ends early: Truncated.
    let image = sign(&f.s, &f.payload);
    let verified = verify(&f.s, &image).unwrap();
    let cut = 256 + f.chunk_range(3).start;
    assert_eq!(
        decrypt(&verified, &f.dk, &image[..cut], &[100], false).map(|_| ()),
        Err(fw_err(FirmwareError::Truncated))
    );
    // A forged (unsigned) change: refused by the verifier before any decryption.
    let mut forged = image.clone();
    forged[256 + f.rec_len + 1] ^= 1;
    assert_eq!(
        verify(&f.s, &forged),
        Err(fw_err(FirmwareError::DigestMismatch))
    );
}

#[test]
fn wrong_recipient_and_swapped_record() {
    let f = fixture();
    let image = sign(&f.s, &f.payload);
    let verified = verify(&f.s, &image).unwrap();
    // Another X-Wing key, a key of another KEM.
    let (_, other) = kem_key(KemAlgorithm::XWing, 9);
    let other = DecapsulationKey::new(KemAlgorithm::XWing, &other).unwrap();
    assert_eq!(
        decrypt(&verified, &other, &image, &[4096], false).map(|_| ()),
        Err(fw_err(FirmwareError::WrongRecipient))
    );
    let (_, mlkem) = kem_key(KemAlgorithm::MlKem768, 9);
    let mlkem = DecapsulationKey::new(KemAlgorithm::MlKem768, &mlkem).unwrap();
    assert_eq!(
        decrypt(&verified, &mlkem, &image, &[4096], false).map(|_| ()),
        Err(fw_err(FirmwareError::WrongRecipient))
    );
    // A valid signature over a payload encrypted to someone else.
    let (pk2, _) = kem_key(KemAlgorithm::XWing, 10);
    let p2 = EncryptionParams {
        chunk_size: 256,
        ..EncryptionParams::new(&pk2, CLASS).unwrap()
    };
    let theirs = sign(&f.s, &encrypt(&p2, &f.pt, 5));
    let v2 = verify(&f.s, &theirs).unwrap();
    assert_eq!(
        decrypt(&v2, &f.dk, &theirs, &[4096], false).map(|_| ()),
        Err(fw_err(FirmwareError::WrongRecipient))
    );
    // The record read in pass 2 is not the one verified in pass 1 (a swap between reads).
    let mine_again = sign(
        &f.s,
        &encrypt(
            &EncryptionParams {
                chunk_size: 256,
                ..EncryptionParams::new(&f.pk, CLASS).unwrap()
            },
            &f.pt,
            99,
        ),
    );
    assert_eq!(
        decrypt(&verified, &f.dk, &mine_again, &[4096], false).map(|_| ()),
        Err(fw_err(FirmwareError::DigestMismatch))
    );
    // Errors stick; a plain image has nothing to decrypt.
    let mut d = Decryptor::new(&verified, &other).unwrap();
    let mut out = vec![0u8; d.max_output(image.len())];
    assert!(d.update(&image, &mut out).is_err());
    assert_eq!(
        d.update(&[], &mut out),
        Err(fw_err(FirmwareError::WrongRecipient))
    );
    assert_eq!(d.finish(), Err(fw_err(FirmwareError::WrongRecipient)));
    let mut plain = ImageParams::new(CLASS, 7);
    plain.header_len = 256;
    let mut buf = vec![0u8; 20_000];
    let n = sign_image_deterministic(
        &plain,
        b"plain firmware",
        SignatureAlgorithm::MlDsa65Ed25519Sha512,
        &f.s.sk,
        None,
        &mut buf,
    )
    .unwrap();
    let pv = verify(&f.s, &buf[..n]).unwrap();
    assert!(!pv.is_encrypted() && pv.encryption_record_digest().is_none());
    assert!(matches!(
        Decryptor::new(&pv, &f.dk),
        Err(Error::Firmware(FirmwareError::NotEncrypted))
    ));
}

#[test]
fn buffers_and_limits() {
    let s = signer();
    let (pk, sk) = kem_key(KemAlgorithm::XWing, 11);
    let dk = DecapsulationKey::new(KemAlgorithm::XWing, &sk).unwrap();
    let p = EncryptionParams {
        chunk_size: 8192,
        ..EncryptionParams::new(&pk, CLASS).unwrap()
    };
    let image = sign(&s, &encrypt(&p, &plaintext(9000), 1));
    let verified = verify(&s, &image).unwrap();
    // 8 KiB chunks do not fit the default 4 KiB buffer.
    let mut d = Decryptor::new(&verified, &dk).unwrap();
    let mut out = vec![0u8; d.max_output(image.len())];
    assert_eq!(
        d.update(&image, &mut out),
        Err(fw_err(FirmwareError::ChunkTooLarge))
    );
    // An output buffer below max_output: not sticky, nothing consumed.
    let mut d = Decryptor::with_buffer(&verified, &dk, [0u8; 8192 + 16]).unwrap();
    let mut small = vec![0u8; 10];
    assert!(matches!(
        d.update(&image, &mut small),
        Err(Error::BufferTooSmall { .. })
    ));
    let mut out = vec![0u8; d.max_output(image.len())];
    let n = d.update(&image, &mut out).unwrap();
    assert_eq!(&out[..n], &plaintext(9000)[..]);
    d.finish().unwrap();
    // Encryption-side errors: chunk size out of range, a bad recipient key, a short buffer.
    for cs in [0u32, 63, 65537] {
        let p = EncryptionParams {
            chunk_size: cs,
            ..EncryptionParams::new(&pk, CLASS).unwrap()
        };
        let mut out = vec![0u8; 10_000];
        assert_eq!(
            encrypt_payload(&p, b"x", &mut out, &mut TestRng(1)),
            Err(fw_err(FirmwareError::BadEncryptionRecord))
        );
    }
    let p = EncryptionParams::new(&pk[..10], CLASS).unwrap();
    let mut out = vec![0u8; 10_000];
    assert!(matches!(
        encrypt_payload(&p, b"x", &mut out, &mut TestRng(1)),
        Err(Error::InvalidLength { .. })
    ));
    let p = EncryptionParams::new(&pk, CLASS).unwrap();
    let mut short = [0x5Au8; 100];
    assert!(matches!(
        encrypt_payload(&p, b"x", &mut short, &mut TestRng(1)),
        Err(Error::BufferTooSmall { .. })
    ));
    assert!(
        short.iter().all(|b| *b == 0x5A),
        "nothing written to a short buffer"
    );
    assert_eq!(
        encrypted_payload_len(KemAlgorithm::XWing, u64::MAX - 10, 64),
        u64::MAX
    );
    assert_eq!(
        encrypt_payload(&p, b"x", &mut out, &mut pqhybrid_kat::rng::FailingRng),
        Err(Error::Rng)
    );
    assert!(
        out.iter().all(|b| *b == 0),
        "nothing left behind on failure"
    );
    // The one-call helper.
    let image = sign(&s, &encrypt(&p, b"firmware", 2));
    let anchors = [s.anchor];
    let policy = Policy::new(&anchors, CLASS);
    // It accepts encrypted images whatever the policy says (decrypting is what it is for).
    assert!(!policy.accept_encrypted);
    for check in [false, true] {
        let (v, pt) = firmware::decrypt_image(&image, &policy, &dk, check).unwrap();
        assert!(v.is_encrypted());
        assert_eq!(pt, b"firmware");
    }
    let _ = encrypt::MAX_RECORD_LEN;
}

/// An X-Wing/HKDF-SHA256/AES-256-GCM payload built from the document with a chosen plaintext
/// digest in the record (the encryptor always writes the right one).
fn manual_payload(pk: &[u8], pt: &[u8], chunk: usize, digest: [u8; 64]) -> Vec<u8> {
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
    info.extend_from_slice(&CLASS.0);
    let mut sealed = vec![0u8; suite.sealed_len(32)];
    suite
        .seal(pk, &info, &fixed, &cek, &mut sealed, &mut TestRng(3))
        .unwrap();
    let mut payload = fixed;
    payload.extend_from_slice(&sealed);
    let aad = Sha256::digest(&payload);
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

#[test]
fn plaintext_digest_is_checked_only_on_request() {
    let f = fixture();
    let mut good = [0u8; 64];
    good[..32].copy_from_slice(&Sha256::digest(&f.pt));
    // The right digest decrypts, with and without the check (the document's construction is
    // what the decryptor reads) …
    for check in [false, true] {
        assert_eq!(
            f.decrypt_resigned_with(&manual_payload(&f.pk, &f.pt, 256, good), check)
                .unwrap(),
            f.pt
        );
    }
    // … a wrong one (in a record that is then signed) is refused at the end with the check …
    let mut bad = good;
    bad[0] ^= 1;
    assert_eq!(
        f.decrypt_resigned_with(&manual_payload(&f.pk, &f.pt, 256, bad), true),
        Err(fw_err(FirmwareError::PlaintextDigestMismatch))
    );
    // … and not seen by default: the chunks authenticate, the plaintext is not hashed.
    assert_eq!(
        f.decrypt_resigned(&manual_payload(&f.pk, &f.pt, 256, bad))
            .unwrap(),
        f.pt
    );
    let image = sign(&f.s, &manual_payload(&f.pk, &f.pt, 256, bad));
    let verified = verify(&f.s, &image).unwrap();
    let mut d = Decryptor::new(&verified, &f.dk).unwrap();
    let mut out = vec![0u8; d.max_output(image.len())];
    let n = d.update(&image, &mut out).unwrap();
    assert_eq!(&out[..n], &f.pt[..]);
    assert_eq!(d.finish().unwrap().digest, None);
    // The check must be asked for before the record is read: later it changes nothing.
    let mut d = Decryptor::new(&verified, &f.dk).unwrap();
    let n = d.update(&image, &mut out).unwrap();
    d.check_plaintext_digest();
    assert_eq!(&out[..n], &f.pt[..]);
    assert_eq!(d.finish().unwrap().digest, None);
    // With the check, finish reports the error again (sticky) and the digest is the device's.
    let mut d = Decryptor::new(&verified, &f.dk).unwrap();
    d.check_plaintext_digest();
    d.update(&image, &mut out).unwrap();
    for _ in 0..2 {
        assert_eq!(
            d.finish(),
            Err(fw_err(FirmwareError::PlaintextDigestMismatch))
        );
    }
    // The one-call helper, both ways.
    let anchors = [f.s.anchor];
    let policy = Policy::new(&anchors, CLASS);
    assert_eq!(
        firmware::decrypt_image(&image, &policy, &f.dk, false)
            .unwrap()
            .1,
        f.pt
    );
    assert_eq!(
        firmware::decrypt_image(&image, &policy, &f.dk, true).unwrap_err(),
        fw_err(FirmwareError::PlaintextDigestMismatch)
    );
    // Digest padding must be what the header's algorithm leaves: reserved bytes past the
    // record's fixed part are checked too.
    let mut p = manual_payload(&f.pk, &f.pt, 256, good);
    p[125] = 1;
    assert_eq!(
        f.decrypt_resigned(&p),
        Err(fw_err(FirmwareError::BadEncryptionRecord))
    );
}

/// A verifier whose policy does not accept encrypted images (the default) refuses them as soon
/// as the fixed header is in: a bootloader that does not decrypt never installs ciphertext.
#[test]
fn encrypted_images_need_the_policy_opt_in() {
    let f = fixture();
    let image = sign(&f.s, &f.payload);
    let anchors = [f.s.anchor];
    let policy = Policy::new(&anchors, CLASS);
    assert!(!policy.accept_encrypted);
    let mut v = Verifier::new(&policy);
    assert_eq!(
        v.update(&image[..firmware::FIXED_HEADER_LEN]),
        Err(fw_err(FirmwareError::EncryptedNotAccepted))
    );
    assert_eq!(v.expected_len(), None);
    assert_eq!(
        v.update(&image[firmware::FIXED_HEADER_LEN..]),
        Err(fw_err(FirmwareError::EncryptedNotAccepted))
    );
    assert_eq!(v.finish(), Err(fw_err(FirmwareError::EncryptedNotAccepted)));
    // Whatever else is wrong with the payload: the header decides first.
    let mut tampered = image.clone();
    tampered[300] ^= 1;
    let mut v = Verifier::new(&policy);
    assert_eq!(
        v.update(&tampered).and_then(|()| v.finish()),
        Err(fw_err(FirmwareError::EncryptedNotAccepted))
    );
    // With the opt-in it verifies; a plain image is unaffected by the flag either way.
    let opt_in = Policy {
        accept_encrypted: true,
        ..policy
    };
    let mut v = Verifier::new(&opt_in);
    v.update(&image).unwrap();
    assert!(v.finish().unwrap().is_encrypted());
    let mut params = ImageParams::new(CLASS, 7);
    params.header_len = 256;
    let mut plain = vec![0u8; 256 + f.pt.len() + 8000];
    let n = sign_image_deterministic(
        &params,
        &f.pt,
        SignatureAlgorithm::MlDsa65Ed25519Sha512,
        &f.s.sk,
        None,
        &mut plain,
    )
    .unwrap();
    for p in [&policy, &opt_in] {
        let mut v = Verifier::new(p);
        v.update(&plain[..n]).unwrap();
        assert!(!v.finish().unwrap().is_encrypted());
    }
}
