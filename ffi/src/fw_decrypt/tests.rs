//! Tests of the C decryptor (`pqh_fw_decryptor_*`), `pqh_fw_verifier_encryption_record_digest`
//! and `pqh_fw_encrypt_payload`, natively: images made with the core's signer and the C
//! encryption, verified and decrypted through the C functions.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)] // tests: fixed, valid inputs

use core::ffi::{c_int, c_void};
use core::mem::offset_of;
use core::ptr::{null, null_mut};
use std::boxed::Box;
use std::vec;
use std::vec::Vec;

use pqhybrid::firmware::{DeviceClass, DigestAlgorithm, ImageParams, sign_image_deterministic};
use pqhybrid::{KemAlgorithm, SignatureAlgorithm};

use super::*;
use crate::alg::{SigAlgArg, pqh_kem_alg, pqh_sig_alg};
use crate::fw::{
    KeyStateArg, PQH_FW_ALGS_HYBRID_ONLY, PQH_FW_POLICY_ACCEPT_ENCRYPTED,
    PQH_FW_RECORD_DIGEST_BYTES, pqh_fw_image_info, pqh_fw_key_id, pqh_fw_key_state, pqh_fw_policy,
    pqh_fw_trust_anchor, pqh_fw_verifier_encryption_record_digest, pqh_fw_verifier_finish,
    pqh_fw_verifier_init, pqh_fw_verifier_update,
};
use crate::fw_encrypt::{
    PQH_FW_CHUNK_TAG_BYTES, PQH_FW_DIGEST_SHA256, pqh_fw_encrypt_payload,
    pqh_fw_encrypted_payload_len, pqh_fw_encryption_params,
};
use crate::hpke::{HpkeAeadArg, HpkeKdfArg, pqh_hpke_aead, pqh_hpke_kdf};

const CLASS: [u8; 16] = *b"pqhybrid-ffi-enc";
const SIG: SignatureAlgorithm = SignatureAlgorithm::MlDsa65Ed25519Sha512;
const XWING: KemArg = KemArg(pqh_kem_alg::PQH_KEM_XWING);
const CHUNK: u32 = 256;

#[derive(Clone, Copy)]
struct KemArg(pqh_kem_alg);

impl KemArg {
    fn arg(self) -> KemAlgArg {
        KemAlgArg(self.0 as u32)
    }
}

/// A deterministic test generator (xorshift64), NOT for real use.
unsafe extern "C" fn test_rng(ctx: *mut c_void, out: *mut u8, len: usize) -> c_int {
    // SAFETY: the tests pass a `u64` as the context and a buffer of `len` bytes.
    unsafe {
        let state = &mut *ctx.cast::<u64>();
        for i in 0..len {
            *state ^= *state << 13;
            *state ^= *state >> 7;
            *state ^= *state << 17;
            *out.add(i) = *state as u8;
        }
    }
    0
}

struct Fixture {
    sig_sk: Vec<u8>,
    anchor: [u8; 32],
    kem_pk: Vec<u8>,
    kem_sk: Vec<u8>,
    plaintext: Vec<u8>,
}

fn fixture() -> Fixture {
    let mut pk = vec![0u8; SIG.public_key_len()];
    let mut sig_sk = vec![0u8; SIG.secret_key_len()];
    SIG.keypair_from_seed(&[3; 32], &mut pk, &mut sig_sk)
        .unwrap();
    let mut anchor = [0u8; 32];
    // SAFETY: valid buffers of the given lengths.
    let st = unsafe {
        pqh_fw_key_id(
            SigAlgArg(pqh_sig_alg::PQH_SIG_MLDSA65_ED25519_SHA512 as u32),
            pk.as_ptr(),
            pk.len(),
            anchor.as_mut_ptr(),
            anchor.len(),
        )
    };
    assert_eq!(st, PQH_OK);
    let (kem_pk, kem_sk) = kem_key(0x42);
    Fixture {
        sig_sk,
        anchor,
        kem_pk,
        kem_sk,
        plaintext: (0..1000u32).map(|i| (i * 7 + 1) as u8).collect(),
    }
}

fn kem_key(seed: u8) -> (Vec<u8>, Vec<u8>) {
    let alg = KemAlgorithm::XWing;
    let mut pk = vec![0u8; alg.public_key_len()];
    let mut sk = vec![0u8; alg.secret_key_len()];
    alg.keypair_from_seed(&[seed; 32], &mut pk, &mut sk)
        .unwrap();
    (pk, sk)
}

fn params(pk: &[u8], chunk: u32) -> pqh_fw_encryption_params {
    pqh_fw_encryption_params {
        kem: XWING.arg(),
        kdf: HpkeKdfArg(pqh_hpke_kdf::PQH_HPKE_KDF_HKDF_SHA256 as u32),
        aead: HpkeAeadArg(pqh_hpke_aead::PQH_HPKE_AEAD_AES_256_GCM as u32),
        recipient_pk: pk.as_ptr(),
        recipient_pk_len: pk.len(),
        device_class: CLASS,
        chunk_size: chunk,
        digest: PQH_FW_DIGEST_SHA256,
    }
}

/// The encrypted payload of `pt` to `pk` (C API) with the generator seeded `seed`.
fn encrypt(pk: &[u8], chunk: u32, pt: &[u8], seed: u64) -> Vec<u8> {
    let p = params(pk, chunk);
    let len = pqh_fw_encrypted_payload_len(XWING.arg(), pt.len(), chunk);
    assert!(len > pt.len());
    let mut out = vec![0xA5u8; len + 8];
    let (mut n, mut state) = (0usize, seed);
    // SAFETY: valid buffers of the given lengths.
    let st = unsafe {
        pqh_fw_encrypt_payload(
            &p,
            pt.as_ptr(),
            pt.len(),
            Some(test_rng),
            (&raw mut state).cast(),
            out.as_mut_ptr(),
            out.len(),
            &mut n,
        )
    };
    assert_eq!(st, PQH_OK);
    assert_eq!(n, len);
    assert!(out[len..].iter().all(|b| *b == 0xA5));
    out.truncate(n);
    out
}

/// Signs `payload` as an image (encrypted flag as given).
fn sign(f: &Fixture, payload: &[u8], encrypted: bool) -> Vec<u8> {
    let mut p = ImageParams::new(DeviceClass(CLASS), 4);
    p.encrypted = encrypted;
    p.header_len = 256;
    let mut out = vec![0u8; 256 + payload.len() + 8000];
    let n = sign_image_deterministic(&p, payload, SIG, &f.sig_sk, None, &mut out).unwrap();
    out.truncate(n);
    out
}

fn zeroed_verifier() -> Box<pqh_fw_verifier> {
    // SAFETY: an all-zero pqh_fw_verifier is valid (a byte array).
    unsafe { Box::new(core::mem::zeroed()) }
}

fn zeroed() -> Box<pqh_fw_decryptor> {
    Box::new(pqh_fw_decryptor {
        opaque: [0; PQH_FW_DECRYPTOR_SIZE],
    })
}

/// Pass 1 over `image` with the C verifier of a decrypting device
/// (PQH_FW_POLICY_ACCEPT_ENCRYPTED): its status (the verifier is kept).
fn verify(f: &Fixture, v: &mut pqh_fw_verifier, image: &[u8]) -> pqh_status {
    verify_flags(f, v, image, PQH_FW_POLICY_ACCEPT_ENCRYPTED).0
}

/// Pass 1 under policy flags `flags`: its status and, on success, the image info.
fn verify_flags(
    f: &Fixture,
    v: &mut pqh_fw_verifier,
    image: &[u8],
    flags: u32,
) -> (pqh_status, Option<pqh_fw_image_info>) {
    let anchors = [pqh_fw_trust_anchor {
        key_id: f.anchor,
        state: KeyStateArg(pqh_fw_key_state::PQH_FW_KEY_ACTIVE as u32),
    }];
    let policy = pqh_fw_policy {
        trust_anchors: anchors.as_ptr(),
        trust_anchors_len: 1,
        min_security_version: 0,
        max_security_version: u64::MAX,
        device_class: CLASS,
        allowed_algorithms: PQH_FW_ALGS_HYBRID_ONLY,
        endorse_allowed_algorithms: 0,
        flags,
    };
    let mut info = MaybeUninit::<pqh_fw_image_info>::uninit();
    // SAFETY: valid state, policy, image and info.
    unsafe {
        assert_eq!(pqh_fw_verifier_init(v, &policy), PQH_OK);
        let st = pqh_fw_verifier_update(v, image.as_ptr(), image.len());
        if st != PQH_OK {
            return (st, None);
        }
        let st = pqh_fw_verifier_finish(v, info.as_mut_ptr());
        // SAFETY: finish wrote `info` if it returned PQH_OK.
        (st, (st == PQH_OK).then(|| info.assume_init()))
    }
}

fn init(d: &mut pqh_fw_decryptor, v: &pqh_fw_verifier, sk: &[u8], buf: &mut [u8]) -> pqh_status {
    // SAFETY: valid buffers of the given lengths.
    unsafe {
        pqh_fw_decryptor_init(
            d,
            v,
            XWING.arg(),
            sk.as_ptr(),
            sk.len(),
            buf.as_mut_ptr(),
            buf.len(),
        )
    }
}

/// Pass 2 over `image` in pieces of `sizes` (cycled): the plaintext, or the first error
/// (after which finish must return the same one).
fn decrypt(d: &mut pqh_fw_decryptor, image: &[u8], sizes: &[usize]) -> Result<Vec<u8>, pqh_status> {
    let mut pt = Vec::new();
    let (mut off, mut i) = (0, 0);
    while off < image.len() {
        let n = sizes[i % sizes.len()].min(image.len() - off);
        // SAFETY: a live or failed state.
        let cap = unsafe { pqh_fw_decryptor_max_output(d, n) };
        // 0 for a state that is not live (the update then fails before writing).
        let mut out = vec![0xEEu8; cap.max(1)];
        let mut written = usize::MAX;
        // SAFETY: valid buffers of the given lengths.
        let st = unsafe {
            pqh_fw_decryptor_update(
                d,
                image[off..].as_ptr(),
                n,
                out.as_mut_ptr(),
                out.len(),
                &mut written,
            )
        };
        if st != PQH_OK {
            assert_eq!(written, usize::MAX, "out_len written on error");
            assert!(
                out.iter().all(|b| *b == 0 || *b == 0xEE),
                "bytes released on error"
            );
            let mut info = MaybeUninit::uninit();
            // SAFETY: valid state and info.
            assert_eq!(unsafe { pqh_fw_decryptor_finish(d, info.as_mut_ptr()) }, st);
            return Err(st);
        }
        pt.extend_from_slice(&out[..written]);
        off += n;
        i += 1;
    }
    let mut info = MaybeUninit::<pqh_fw_decrypted_info>::uninit();
    // SAFETY: valid state and info.
    let st = unsafe { pqh_fw_decryptor_finish(d, info.as_mut_ptr()) };
    if st != PQH_OK {
        return Err(st);
    }
    // SAFETY: finish returned PQH_OK, so it wrote `info`.
    let info = unsafe { info.assume_init() };
    assert_eq!(info.plaintext_len as usize, pt.len());
    assert_eq!(info.plaintext_digest_len, 32);
    if info.plaintext_digest_checked == 1 {
        assert_eq!(
            info.plaintext_digest[..],
            DigestAlgorithm::Sha256.digest(&pt)[..]
        );
    } else {
        // The default: the chunk tags only, no digest computed.
        assert_eq!(info.plaintext_digest_checked, 0);
        assert!(info.plaintext_digest.iter().all(|b| *b == 0));
    }
    Ok(pt)
}

fn tag_of(d: &pqh_fw_decryptor) -> u64 {
    u64::from_ne_bytes(d.opaque[..8].try_into().unwrap())
}

fn body_is_zero(d: &pqh_fw_decryptor) -> bool {
    let at = offset_of!(State, body);
    d.opaque[at..at + size_of::<Body>()].iter().all(|b| *b == 0)
}

#[test]
fn state_size() {
    std::println!(
        "decryptor State: {} bytes, align {}; key {} decryptor {}",
        size_of::<State>(),
        align_of::<State>(),
        size_of::<StoredKey>(),
        size_of::<CDecryptor>()
    );
}

#[test]
fn round_trip_any_chunking_and_key_wiped() {
    let f = fixture();
    let payload = encrypt(&f.kem_pk, CHUNK, &f.plaintext, 9);
    // The same generator gives the same payload; the core agrees on the length.
    assert_eq!(payload, encrypt(&f.kem_pk, CHUNK, &f.plaintext, 9));
    assert_ne!(payload, encrypt(&f.kem_pk, CHUNK, &f.plaintext, 10));
    let image = sign(&f, &payload, true);
    let mut v = zeroed_verifier();
    assert_eq!(verify(&f, &mut v, &image), PQH_OK);
    let record_len = usize::from(u16::from_le_bytes([payload[6], payload[7]]));
    let mut digest = [0u8; PQH_FW_RECORD_DIGEST_BYTES + 1];
    // SAFETY: a finished verifier and a buffer of the given length.
    let st =
        unsafe { pqh_fw_verifier_encryption_record_digest(&*v, digest.as_mut_ptr(), digest.len()) };
    assert_eq!(st, PQH_OK);
    assert_eq!(
        digest[..32],
        DigestAlgorithm::Sha256.digest(&payload[..record_len])[..32]
    );
    assert_eq!(digest[32], 0, "wrote past the digest");
    let mut d = zeroed();
    let mut buf = vec![0u8; PQH_FW_DECRYPT_CHUNK_BUFFER_BYTES];
    for sizes in [&[image.len()][..], &[1], &[7, 300, 1], &[272], &[4096, 3]] {
        assert_eq!(init(&mut d, &v, &f.kem_sk, &mut buf), PQH_OK, "{sizes:?}");
        assert_eq!(tag_of(&d), MAGIC_LIVE);
        assert_eq!(
            decrypt(&mut d, &image, sizes),
            Ok(f.plaintext.clone()),
            "{sizes:?}"
        );
        // Finished: the key and the decryptor are wiped, every call is INVALID_STATE.
        assert_eq!(tag_of(&d), MAGIC_DONE);
        assert!(body_is_zero(&d), "the body survived finish");
        // SAFETY: a finished state.
        assert_eq!(unsafe { pqh_fw_decryptor_max_output(&*d, 10) }, 0);
        assert_eq!(decrypt(&mut d, &image, &[100]), Err(PQH_ERR_INVALID_STATE));
    }
    // Wipe: a live state's key is dropped and the whole state is zero.
    assert_eq!(init(&mut d, &v, &f.kem_sk, &mut buf), PQH_OK);
    assert!(!body_is_zero(&d));
    // SAFETY: a live state.
    assert_eq!(unsafe { pqh_fw_decryptor_wipe(&mut *d) }, PQH_OK);
    assert!(d.opaque.iter().all(|b| *b == 0));
    // SAFETY: a zeroed state; NULL.
    unsafe {
        assert_eq!(pqh_fw_decryptor_wipe(&mut *d), PQH_OK);
        assert_eq!(pqh_fw_decryptor_wipe(null_mut()), PQH_ERR_NULL_POINTER);
    }
    assert_eq!(decrypt(&mut d, &image, &[100]), Err(PQH_ERR_INVALID_STATE));
}

#[test]
fn rejections() {
    let f = fixture();
    let payload = encrypt(&f.kem_pk, CHUNK, &f.plaintext, 9);
    let image = sign(&f, &payload, true);
    let mut v = zeroed_verifier();
    let mut d = zeroed();
    let mut buf = vec![0u8; PQH_FW_DECRYPT_CHUNK_BUFFER_BYTES];

    // A verifier that has not finished, or failed, gives no image.
    // SAFETY: a zeroed verifier.
    assert_eq!(init(&mut d, &v, &f.kem_sk, &mut buf), PQH_ERR_INVALID_STATE);
    let mut bad = image.clone();
    bad[300] ^= 1;
    assert_eq!(verify(&f, &mut v, &bad), PQH_ERR_FW_DIGEST_MISMATCH);
    assert_eq!(init(&mut d, &v, &f.kem_sk, &mut buf), PQH_ERR_INVALID_STATE);
    assert_eq!(tag_of(&d), MAGIC_DEAD);

    // A plain image: nothing to decrypt.
    assert_eq!(verify(&f, &mut v, &sign(&f, &f.plaintext, false)), PQH_OK);
    let mut digest = [0x5Au8; 32];
    // SAFETY: a finished verifier and a buffer of the given length.
    unsafe {
        assert_eq!(
            pqh_fw_verifier_encryption_record_digest(&*v, digest.as_mut_ptr(), 32),
            PQH_ERR_FW_NOT_ENCRYPTED
        );
    }
    assert!(digest.iter().all(|b| *b == 0x5A));
    assert_eq!(
        init(&mut d, &v, &f.kem_sk, &mut buf),
        PQH_ERR_FW_NOT_ENCRYPTED
    );

    assert_eq!(verify(&f, &mut v, &image), PQH_OK);
    // SAFETY: a finished verifier; short, NULL and overlapping buffers.
    unsafe {
        let vp: *const pqh_fw_verifier = &*v;
        assert_eq!(
            pqh_fw_verifier_encryption_record_digest(vp, digest.as_mut_ptr(), 31),
            PQH_ERR_BUFFER_TOO_SMALL
        );
        assert_eq!(
            pqh_fw_verifier_encryption_record_digest(vp, null_mut(), 32),
            PQH_ERR_NULL_POINTER
        );
        assert_eq!(
            pqh_fw_verifier_encryption_record_digest(null(), digest.as_mut_ptr(), 32),
            PQH_ERR_NULL_POINTER
        );
        assert_eq!(
            pqh_fw_verifier_encryption_record_digest(vp, vp.cast_mut().cast::<u8>(), 32),
            PQH_ERR_INVALID_ARGUMENT
        );
    }

    // Arguments.
    let (_, other_sk) = kem_key(0x43);
    // SAFETY: valid or NULL pointers as stated.
    unsafe {
        let p = |kem: u32, sk: &[u8], buf: &mut [u8], d: *mut pqh_fw_decryptor| {
            pqh_fw_decryptor_init(
                d,
                &*v,
                KemAlgArg(kem),
                sk.as_ptr(),
                sk.len(),
                buf.as_mut_ptr(),
                buf.len(),
            )
        };
        let x = XWING.0 as u32;
        assert_eq!(p(x, &f.kem_sk, &mut buf, null_mut()), PQH_ERR_NULL_POINTER);
        assert_eq!(
            p(0xFFFF, &f.kem_sk, &mut buf, &mut *d),
            PQH_ERR_UNKNOWN_ALGORITHM
        );
        assert_eq!(
            p(x, &f.kem_sk[..31], &mut buf, &mut *d),
            PQH_ERR_INVALID_LENGTH
        );
        let misaligned = (&raw mut *d).cast::<u8>().add(1).cast::<pqh_fw_decryptor>();
        assert_eq!(p(x, &f.kem_sk, &mut buf, misaligned), PQH_ERR_INVALID_STATE);
        let dp: *mut pqh_fw_decryptor = &mut *d;
        assert_eq!(
            pqh_fw_decryptor_init(
                dp,
                null(),
                XWING.arg(),
                f.kem_sk.as_ptr(),
                32,
                buf.as_mut_ptr(),
                buf.len()
            ),
            PQH_ERR_NULL_POINTER
        );
        assert_eq!(
            pqh_fw_decryptor_init(
                dp,
                &*v,
                XWING.arg(),
                null(),
                32,
                buf.as_mut_ptr(),
                buf.len()
            ),
            PQH_ERR_NULL_POINTER
        );
        assert_eq!(
            pqh_fw_decryptor_init(dp, &*v, XWING.arg(), f.kem_sk.as_ptr(), 32, null_mut(), 10),
            PQH_ERR_NULL_POINTER
        );
        // The chunk buffer inside the state, or over the key.
        assert_eq!(
            pqh_fw_decryptor_init(
                dp,
                &*v,
                XWING.arg(),
                f.kem_sk.as_ptr(),
                32,
                dp.cast::<u8>().add(64),
                100
            ),
            PQH_ERR_INVALID_ARGUMENT
        );
        let mut sk_in_buf = f.kem_sk.clone();
        sk_in_buf.resize(300, 0);
        assert_eq!(
            pqh_fw_decryptor_init(
                dp,
                &*v,
                XWING.arg(),
                sk_in_buf.as_ptr(),
                32,
                sk_in_buf.as_mut_ptr().add(16),
                200
            ),
            PQH_ERR_INVALID_ARGUMENT
        );
        assert_eq!(tag_of(&d), MAGIC_DEAD);
        // Another key: the wrong recipient, found when the record is in; sticky.
        assert_eq!(p(x, &other_sk, &mut buf, &mut *d), PQH_OK);
    }
    assert_eq!(
        decrypt(&mut d, &image, &[1000]),
        Err(PQH_ERR_FW_WRONG_RECIPIENT)
    );
    assert_eq!(tag_of(&d), MAGIC_DONE);
    assert!(body_is_zero(&d));

    // A chunk buffer one byte short of a chunk and its tag.
    let mut small = vec![0u8; CHUNK as usize + PQH_FW_CHUNK_TAG_BYTES - 1];
    assert_eq!(init(&mut d, &v, &f.kem_sk, &mut small), PQH_OK);
    assert_eq!(
        decrypt(&mut d, &image, &[image.len()]),
        Err(PQH_ERR_FW_CHUNK_TOO_LARGE)
    );
    // Exactly a chunk and its tag is enough.
    let mut exact = vec![0u8; CHUNK as usize + PQH_FW_CHUNK_TAG_BYTES];
    assert_eq!(init(&mut d, &v, &f.kem_sk, &mut exact), PQH_OK);
    assert_eq!(decrypt(&mut d, &image, &[333]), Ok(f.plaintext.clone()));

    // A payload that ends early: finish says truncated.
    assert_eq!(init(&mut d, &v, &f.kem_sk, &mut buf), PQH_OK);
    let cut = 256 + payload.len() - 10;
    let mut part = Vec::new();
    {
        let mut out = vec![0u8; cut + buf.len()];
        let mut n = 0usize;
        // SAFETY: valid buffers.
        let st = unsafe {
            pqh_fw_decryptor_update(
                &mut *d,
                image.as_ptr(),
                cut,
                out.as_mut_ptr(),
                out.len(),
                &mut n,
            )
        };
        assert_eq!(st, PQH_OK);
        part.extend_from_slice(&out[..n]);
    }
    assert!(part.len() < f.plaintext.len() && f.plaintext.starts_with(&part));
    let mut info = MaybeUninit::uninit();
    // SAFETY: a live state.
    unsafe {
        assert_eq!(
            pqh_fw_decryptor_finish(&mut *d, info.as_mut_ptr()),
            PQH_ERR_FW_TRUNCATED
        );
        assert_eq!(
            pqh_fw_decryptor_finish(&mut *d, info.as_mut_ptr()),
            PQH_ERR_INVALID_STATE
        );
    }

    // A modified chunk, signed again: authenticated encryption refuses it.
    let mut tampered = payload.clone();
    let at = tampered.len() - 300;
    tampered[at] ^= 0x01;
    let timage = sign(&f, &tampered, true);
    let mut tv = zeroed_verifier();
    assert_eq!(verify(&f, &mut tv, &timage), PQH_OK);
    assert_eq!(init(&mut d, &tv, &f.kem_sk, &mut buf), PQH_OK);
    assert_eq!(
        decrypt(&mut d, &timage, &[500]),
        Err(PQH_ERR_FW_CHUNK_AUTHENTICATION)
    );
    // The image verified by another verifier: its record differs from this one.
    assert_eq!(init(&mut d, &v, &f.kem_sk, &mut buf), PQH_OK);
    let reencrypted = encrypt(&f.kem_pk, CHUNK, &f.plaintext, 11);
    let other = sign(&f, &reencrypted, true);
    assert_eq!(
        decrypt(&mut d, &other, &[4096]),
        Err(PQH_ERR_FW_DIGEST_MISMATCH)
    );

    // Output buffer and argument errors end the decryption too (fail closed).
    assert_eq!(init(&mut d, &v, &f.kem_sk, &mut buf), PQH_OK);
    let mut out = vec![0u8; 100 + buf.len() - 1];
    let mut n = 7usize;
    // SAFETY: valid buffers of the given lengths.
    unsafe {
        assert_eq!(
            pqh_fw_decryptor_update(
                &mut *d,
                image.as_ptr(),
                100,
                out.as_mut_ptr(),
                out.len(),
                &mut n
            ),
            PQH_ERR_BUFFER_TOO_SMALL
        );
        assert_eq!(n, 7);
        assert_eq!(
            pqh_fw_decryptor_update(
                &mut *d,
                image.as_ptr(),
                1,
                out.as_mut_ptr(),
                out.len(),
                &mut n
            ),
            PQH_ERR_BUFFER_TOO_SMALL
        );
        assert_eq!(pqh_fw_decryptor_max_output(&*d, 1), 0);
    }
    assert!(body_is_zero(&d));
    // SAFETY: valid and NULL pointers as stated.
    unsafe {
        let dp: *mut pqh_fw_decryptor = &mut *d;
        for (chunk, out, out_len, want) in [
            (null(), out.as_mut_ptr(), &raw mut n, PQH_ERR_NULL_POINTER),
            (image.as_ptr(), null_mut(), &raw mut n, PQH_ERR_NULL_POINTER),
            (
                image.as_ptr(),
                out.as_mut_ptr(),
                null_mut(),
                PQH_ERR_NULL_POINTER,
            ),
            (
                out.as_ptr(),
                out.as_mut_ptr(),
                &raw mut n,
                PQH_ERR_INVALID_ARGUMENT,
            ),
            (
                buf.as_ptr(),
                out.as_mut_ptr(),
                &raw mut n,
                PQH_ERR_INVALID_ARGUMENT,
            ),
            (
                image.as_ptr(),
                buf.as_mut_ptr(),
                &raw mut n,
                PQH_ERR_INVALID_ARGUMENT,
            ),
        ] {
            assert_eq!(init(&mut *dp, &v, &f.kem_sk, &mut buf), PQH_OK);
            let cap = pqh_fw_decryptor_max_output(dp, 10);
            assert_eq!(cap, 10 + buf.len());
            assert_eq!(
                pqh_fw_decryptor_update(dp, chunk, 10, out, cap, out_len),
                want
            );
            assert_eq!(
                pqh_fw_decryptor_update(dp, image.as_ptr(), 10, out, cap, out_len),
                want
            );
            let mut info = MaybeUninit::uninit();
            assert_eq!(pqh_fw_decryptor_finish(dp, info.as_mut_ptr()), want);
            assert_eq!(
                pqh_fw_decryptor_finish(dp, info.as_mut_ptr()),
                PQH_ERR_INVALID_STATE
            );
        }
        // finish with a NULL info ends the decryption without a result.
        assert_eq!(init(&mut *dp, &v, &f.kem_sk, &mut buf), PQH_OK);
        assert_eq!(
            pqh_fw_decryptor_finish(dp, null_mut()),
            PQH_ERR_NULL_POINTER
        );
        assert!(body_is_zero(&d));
    }

    // A moved (byte-copied) state is not live; wipe clears the copy.
    assert_eq!(init(&mut d, &v, &f.kem_sk, &mut buf), PQH_OK);
    let mut moved = zeroed();
    moved.opaque.copy_from_slice(&d.opaque);
    assert_eq!(
        decrypt(&mut moved, &image, &[1000]),
        Err(PQH_ERR_INVALID_STATE)
    );
    // SAFETY: the copy and the original.
    unsafe {
        assert_eq!(pqh_fw_decryptor_wipe(&mut *moved), PQH_OK);
        assert!(moved.opaque.iter().all(|b| *b == 0));
        assert_eq!(pqh_fw_decryptor_wipe(&mut *d), PQH_OK);
    }
    // Re-initializing a live state drops its key first.
    assert_eq!(init(&mut d, &v, &f.kem_sk, &mut buf), PQH_OK);
    assert_eq!(init(&mut d, &v, &f.kem_sk, &mut buf), PQH_OK);
    assert_eq!(decrypt(&mut d, &image, &[64]), Ok(f.plaintext.clone()));
    // The verifier's manifest survives any number of decryptions, until it is re-initialized.
    assert_eq!(verify(&f, &mut v, &bad), PQH_ERR_FW_DIGEST_MISMATCH);
    assert_eq!(init(&mut d, &v, &f.kem_sk, &mut buf), PQH_ERR_INVALID_STATE);
}

#[test]
fn encrypt_arguments() {
    let f = fixture();
    let pt = &f.plaintext;
    let good = params(&f.kem_pk, CHUNK);
    let len = pqh_fw_encrypted_payload_len(XWING.arg(), pt.len(), CHUNK);
    let mut out = vec![0xA5u8; len];
    let mut n = 5usize;
    let mut seed = 1u64;
    let run = |p: &pqh_fw_encryption_params,
               out: &mut [u8],
               cap: usize,
               n: &mut usize,
               seed: &mut u64| {
        // SAFETY: valid buffers; `cap` <= out.len().
        unsafe {
            pqh_fw_encrypt_payload(
                p,
                pt.as_ptr(),
                pt.len(),
                Some(test_rng),
                (seed as *mut u64).cast(),
                out.as_mut_ptr(),
                cap,
                n,
            )
        }
    };
    let with = |edit: &dyn Fn(&mut pqh_fw_encryption_params)| {
        let mut p = good;
        edit(&mut p);
        p
    };
    for (p, want) in [
        (
            with(&|p| p.kem = KemAlgArg(0xFFFF)),
            PQH_ERR_UNKNOWN_ALGORITHM,
        ),
        (
            with(&|p| p.kem = KemAlgArg(pqh_kem_alg::PQH_KEM_MLKEM768_X25519_SHA3_256 as u32)),
            PQH_ERR_UNSUPPORTED_SUITE,
        ),
        (with(&|p| p.kdf = HpkeKdfArg(2)), PQH_ERR_UNSUPPORTED_SUITE),
        (
            with(&|p| p.aead = HpkeAeadArg(1)),
            PQH_ERR_UNSUPPORTED_SUITE,
        ),
        (with(&|p| p.digest = 0), PQH_ERR_INVALID_ARGUMENT),
        (with(&|p| p.digest = 5), PQH_ERR_INVALID_ARGUMENT),
        (with(&|p| p.chunk_size = 63), PQH_ERR_INVALID_ARGUMENT),
        (with(&|p| p.chunk_size = 65537), PQH_ERR_INVALID_ARGUMENT),
        (with(&|p| p.recipient_pk_len -= 1), PQH_ERR_INVALID_LENGTH),
        (with(&|p| p.recipient_pk = null()), PQH_ERR_NULL_POINTER),
    ] {
        assert_eq!(run(&p, &mut out, len, &mut n, &mut seed), want);
    }
    assert_eq!(
        run(&good, &mut out, len - 1, &mut n, &mut seed),
        PQH_ERR_BUFFER_TOO_SMALL
    );
    assert!(out.iter().all(|b| *b == 0xA5) && n == 5, "written on error");
    // SAFETY: NULL params, out_len and generator.
    unsafe {
        assert_eq!(
            pqh_fw_encrypt_payload(
                null(),
                pt.as_ptr(),
                pt.len(),
                Some(test_rng),
                (&raw mut seed).cast(),
                out.as_mut_ptr(),
                len,
                &mut n
            ),
            PQH_ERR_NULL_POINTER
        );
        assert_eq!(
            pqh_fw_encrypt_payload(
                &good,
                pt.as_ptr(),
                pt.len(),
                Some(test_rng),
                (&raw mut seed).cast(),
                out.as_mut_ptr(),
                len,
                null_mut()
            ),
            PQH_ERR_NULL_POINTER
        );
        assert_eq!(
            pqh_fw_encrypt_payload(
                &good,
                pt.as_ptr(),
                pt.len(),
                None,
                null_mut(),
                out.as_mut_ptr(),
                len,
                &mut n
            ),
            PQH_ERR_NULL_POINTER
        );
        // The output over the plaintext.
        let mut both = vec![0u8; len + pt.len()];
        both[..pt.len()].copy_from_slice(pt);
        assert_eq!(
            pqh_fw_encrypt_payload(
                &good,
                both.as_ptr(),
                pt.len(),
                Some(test_rng),
                (&raw mut seed).cast(),
                both.as_mut_ptr(),
                len,
                &mut n
            ),
            PQH_ERR_INVALID_ARGUMENT
        );
    }
    assert_eq!(n, 5);
    // The length function: zero for what cannot be encrypted.
    let x = XWING.arg();
    assert_eq!(pqh_fw_encrypted_payload_len(x, 0, 64), 1296 + 16);
    assert_eq!(pqh_fw_encrypted_payload_len(x, 64, 64), 1296 + 64 + 16);
    assert_eq!(pqh_fw_encrypted_payload_len(x, 65, 64), 1296 + 65 + 32);
    assert_eq!(pqh_fw_encrypted_payload_len(x, 65, 63), 0);
    assert_eq!(pqh_fw_encrypted_payload_len(x, 65, 65537), 0);
    assert_eq!(pqh_fw_encrypted_payload_len(KemAlgArg(0xFFFF), 65, 64), 0);
    assert_eq!(
        pqh_fw_encrypted_payload_len(
            KemAlgArg(pqh_kem_alg::PQH_KEM_MLKEM768_X25519_SHA3_256 as u32),
            65,
            64
        ),
        0
    );
    assert_eq!(pqh_fw_encrypted_payload_len(x, usize::MAX, 64), 0);
}

/// An X-Wing/HKDF-SHA256/AES-256-GCM payload for `pk` with `digest` as the record's plaintext
/// digest (the encryptor always writes the right one), built from `docs/firmware-format.md`.
fn payload_with_digest(pk: &[u8], pt: &[u8], chunk: usize, digest: [u8; 64]) -> Vec<u8> {
    use pqhybrid::hpke::{Aead, Kdf, Suite};
    use pqhybrid::primitives::aes_gcm::Aes256Gcm;
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
    info.extend_from_slice(&CLASS);
    let mut sealed = vec![0u8; suite.sealed_len(32)];
    suite
        .seal(
            pk,
            &info,
            &fixed,
            &cek,
            &mut sealed,
            &mut pqhybrid_kat_rng(3),
        )
        .unwrap();
    let mut payload = fixed;
    payload.extend_from_slice(&sealed);
    let aad: [u8; 32] = DigestAlgorithm::Sha256.digest(&payload)[..32]
        .try_into()
        .unwrap();
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

/// A deterministic generator for the HPKE encapsulation of `payload_with_digest`.
fn pqhybrid_kat_rng(seed: u8) -> impl pqhybrid::rng::TryCryptoRng {
    struct Fixed(u8);
    impl pqhybrid::rng::TryRng for Fixed {
        type Error = core::convert::Infallible;
        fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
            Ok(u32::from(self.0))
        }
        fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
            Ok(u64::from(self.0))
        }
        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
            for b in dst {
                self.0 = self.0.wrapping_mul(31).wrapping_add(7);
                *b = self.0;
            }
            Ok(())
        }
    }
    impl pqhybrid::rng::TryCryptoRng for Fixed {}
    Fixed(seed)
}

/// The policy opt-in (PQH_FW_POLICY_ACCEPT_ENCRYPTED, pqh_fw_image_info.encrypted) and the
/// plaintext-digest opt-in (pqh_fw_decryptor_check_plaintext_digest): a record whose plaintext
/// digest is wrong (and signed) decrypts by default and is refused with the check.
#[test]
fn encrypted_opt_in_and_plaintext_digest_check() {
    let f = fixture();
    let payload = encrypt(&f.kem_pk, CHUNK, &f.plaintext, 9);
    let image = sign(&f, &payload, true);
    let mut v = zeroed_verifier();
    // Without the flag: refused at the header.
    assert_eq!(
        verify_flags(&f, &mut v, &image[..192], 0).0,
        PQH_ERR_FW_ENCRYPTED_NOT_ACCEPTED
    );
    assert_eq!(
        verify_flags(&f, &mut v, &image, 0).0,
        PQH_ERR_FW_ENCRYPTED_NOT_ACCEPTED
    );
    // With it: verified, and the info says encrypted; a plain image says not.
    let (st, info) = verify_flags(&f, &mut v, &image, PQH_FW_POLICY_ACCEPT_ENCRYPTED);
    assert_eq!((st, info.map(|i| i.encrypted)), (PQH_OK, Some(1)));
    let plain = sign(&f, &f.plaintext, false);
    for flags in [0, PQH_FW_POLICY_ACCEPT_ENCRYPTED] {
        let (st, info) = verify_flags(&f, &mut v, &plain, flags);
        assert_eq!((st, info.map(|i| i.encrypted)), (PQH_OK, Some(0)));
    }

    let mut d = zeroed();
    let mut buf = vec![0u8; PQH_FW_DECRYPT_CHUNK_BUFFER_BYTES];
    // SAFETY: NULL and a zeroed state.
    unsafe {
        assert_eq!(
            pqh_fw_decryptor_check_plaintext_digest(null_mut()),
            PQH_ERR_NULL_POINTER
        );
        assert_eq!(
            pqh_fw_decryptor_check_plaintext_digest(&mut *d),
            PQH_ERR_INVALID_STATE
        );
    }
    let mut good = [0u8; 64];
    good[..32].copy_from_slice(&DigestAlgorithm::Sha256.digest(&f.plaintext)[..32]);
    let mut bad = good;
    bad[0] ^= 1;
    for (digest, check, want) in [
        (good, false, Ok(f.plaintext.clone())),
        (good, true, Ok(f.plaintext.clone())),
        (bad, false, Ok(f.plaintext.clone())),
        (bad, true, Err(PQH_ERR_FW_PLAINTEXT_DIGEST_MISMATCH)),
    ] {
        let image = sign(
            &f,
            &payload_with_digest(&f.kem_pk, &f.plaintext, CHUNK as usize, digest),
            true,
        );
        assert_eq!(verify(&f, &mut v, &image), PQH_OK);
        assert_eq!(init(&mut d, &v, &f.kem_sk, &mut buf), PQH_OK);
        if check {
            // SAFETY: a live state.
            let st = unsafe { pqh_fw_decryptor_check_plaintext_digest(&mut *d) };
            assert_eq!(st, PQH_OK);
        }
        assert_eq!(decrypt(&mut d, &image, &[333]), want, "check {check}");
    }
    // Too late (the record was fed): refused, and the decryption is ended (fail closed).
    assert_eq!(verify(&f, &mut v, &image), PQH_OK);
    assert_eq!(init(&mut d, &v, &f.kem_sk, &mut buf), PQH_OK);
    let head = 256 + 128 + 1120 + 48;
    let mut out = vec![0u8; head + buf.len()];
    let mut n = 0;
    // SAFETY: valid buffers of the given lengths.
    unsafe {
        assert_eq!(
            pqh_fw_decryptor_update(
                &mut *d,
                image.as_ptr(),
                head,
                out.as_mut_ptr(),
                out.len(),
                &mut n
            ),
            PQH_OK
        );
        assert_eq!(
            pqh_fw_decryptor_check_plaintext_digest(&mut *d),
            PQH_ERR_INVALID_STATE
        );
    }
    assert_eq!(decrypt(&mut d, &image, &[100]), Err(PQH_ERR_INVALID_STATE));
}
