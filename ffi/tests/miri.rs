//! Miri-sized tests of the C ABI: pointer and length handling, status strings, the version
//! query, the firmware verifier's state machine and small AES-GCM buffers. Nothing here runs a
//! post-quantum operation (Miri interprets ~1000x slower than native code), so the whole file
//! finishes in a few minutes under `cargo +nightly miri test -p pqhybrid-ffi --test miri`
//! (`cargo xtask miri`), where Miri checks every raw-pointer access for undefined behaviour. The
//! same tests run natively in `cargo test`.
//!
//! The rules being checked are the crate's (see `ffi/src/lib.rs`): NULL with a non-zero length
//! is PQH_ERR_NULL_POINTER; a short output buffer is PQH_ERR_BUFFER_TOO_SMALL and nothing is
//! written (the sentinel bytes around and in the buffers stay intact); unknown algorithm values
//! are errors; output lengths are untouched on error.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)] // tests: fixed, valid inputs

use core::ffi::{CStr, c_int, c_void};
use core::mem::MaybeUninit;
use core::ptr::{null, null_mut};

use pqhybrid_ffi::aead::{pqh_aead_key_len, pqh_aead_open, pqh_aead_seal};
use pqhybrid_ffi::alg::{
    AeadAlgArg, KemAlgArg, PQH_AEAD_TAGBYTES, PQH_ED25519_PUBLICKEYBYTES,
    PQH_MLDSA44_PUBLICKEYBYTES, PQH_MLDSA65_SECRETKEYBYTES, PQH_MLDSA65_SIGNATUREBYTES,
    PQH_MLKEM768_CIPHERTEXTBYTES, PQH_MLKEM768_PUBLICKEYBYTES, PQH_MLKEM768_SECRETKEYBYTES,
    SigAlgArg, pqh_aead_alg, pqh_kem_alg, pqh_sig_alg,
};
use pqhybrid_ffi::fw::{
    PQH_FW_ALGS_ALL, PQH_FW_ALGS_HYBRID_ONLY, PQH_FW_KEY_ID_BYTES, PQH_FW_MAX_TRUST_ANCHORS,
    PQH_FW_VERIFIER_ALIGN, PQH_FW_VERIFIER_SIZE, pqh_fw_algorithm_bit, pqh_fw_image_info,
    pqh_fw_key_id, pqh_fw_key_state, pqh_fw_policy, pqh_fw_trust_anchor, pqh_fw_verifier,
    pqh_fw_verifier_finish, pqh_fw_verifier_init, pqh_fw_verifier_update,
};
use pqhybrid_ffi::kem::{
    pqh_kem_alg_from_name, pqh_kem_alg_name, pqh_kem_ciphertext_len, pqh_kem_decapsulate,
    pqh_kem_encapsulate, pqh_kem_keypair, pqh_kem_public_key_len,
};
use pqhybrid_ffi::pqh_status::{self, *};
use pqhybrid_ffi::rng::pqh_rng_fn;
use pqhybrid_ffi::sig::{
    pqh_sig_alg_from_name, pqh_sig_alg_name, pqh_sig_keypair, pqh_sig_keypair_from_seed,
    pqh_sig_public_key_len, pqh_sig_sign, pqh_sig_sign_deterministic, pqh_sig_verify,
};
use pqhybrid_ffi::status::{StatusArg, pqh_status_string};
use pqhybrid_ffi::version::{
    PQH_VERSION_MAJOR, PQH_VERSION_MINOR, PQH_VERSION_PATCH, pqh_version, pqh_version_string,
};

/// The byte every untouched buffer is filled with.
const SENTINEL: u8 = 0xA5;
/// The value an untouched `size_t` out-parameter keeps.
const LEN_SENTINEL: usize = 0xDEAD_BEEF;

const AES128: AeadAlgArg = AeadAlgArg(pqh_aead_alg::PQH_AEAD_AES128GCM as u32);
const AES256: AeadAlgArg = AeadAlgArg(pqh_aead_alg::PQH_AEAD_AES256GCM as u32);
const NONCE: [u8; 12] = [0x42; 12];

fn untouched(buf: &[u8]) -> bool {
    buf.iter().all(|&b| b == SENTINEL)
}

/// A callback that always fails.
unsafe extern "C" fn failing_rng(_ctx: *mut c_void, _out: *mut u8, _len: usize) -> c_int {
    -1
}

/// A callback that counts its calls in `*ctx` (a `usize`) and writes a counter pattern.
unsafe extern "C" fn counting_rng(ctx: *mut c_void, out: *mut u8, len: usize) -> c_int {
    // SAFETY: the tests pass a `*mut usize` as ctx and a buffer of `len` bytes as out.
    unsafe {
        let calls = ctx.cast::<usize>();
        *calls += 1;
        for i in 0..len {
            out.add(i).write((i as u8).wrapping_add(*calls as u8));
        }
    }
    0
}

// ---- version and status strings ----

#[test]
fn version_matches_cargo() {
    let mut parts = env!("CARGO_PKG_VERSION").split('.');
    let mut next = || parts.next().unwrap().parse::<u32>().unwrap();
    let (major, minor, patch) = (next(), next(), next());
    assert_eq!(
        (PQH_VERSION_MAJOR, PQH_VERSION_MINOR, PQH_VERSION_PATCH),
        (major, minor, patch)
    );
    assert_eq!(pqh_version(), (major << 16) | (minor << 8) | patch);
    let p = pqh_version_string();
    assert!(!p.is_null());
    // SAFETY: pqh_version_string returns a static NUL-terminated string.
    let s = unsafe { CStr::from_ptr(p) };
    assert_eq!(s.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
}

#[test]
fn status_strings_are_static_and_terminated() {
    // SAFETY: pqh_status_string never returns NULL and always a static NUL-terminated string.
    let text = |v: i32| unsafe { CStr::from_ptr(pqh_status_string(StatusArg(v))) };
    let unknown = text(12345);
    assert_eq!(unknown.to_bytes(), b"unknown status");
    assert_eq!(text(i32::MIN), unknown);
    assert_eq!(text(i32::MAX), unknown);
    assert_eq!(text(1), unknown);
    assert_eq!(text(PQH_OK as i32).to_bytes(), b"success");
    let mut known = Vec::new();
    for v in -130..=0 {
        let s = text(v);
        assert!(!s.to_bytes().is_empty());
        assert!(s.to_str().is_ok(), "status {v}: not UTF-8");
        if s != unknown {
            assert!(!known.contains(&s), "status {v}: message used twice");
            known.push(s);
        }
    }
    // Every pqh_status has its own message: at least the 37 values (PQH_OK included) this test
    // was written against; statuses are stable ABI and never removed.
    assert!(
        known.len() >= 37,
        "only {} distinct status messages",
        known.len()
    );
    for s in [
        PQH_ERR_NULL_POINTER,
        PQH_ERR_BUFFER_TOO_SMALL,
        PQH_ERR_INVALID_STATE,
        PQH_ERR_FW_TRUNCATED,
    ] {
        assert_ne!(text(s as i32), unknown);
    }
}

// ---- algorithm names and sizes ----

#[test]
fn algorithm_names_round_trip() {
    let mut named = 0;
    for v in 0..=30u32 {
        let p = pqh_sig_alg_name(SigAlgArg(v));
        if p.is_null() {
            assert_eq!(pqh_sig_public_key_len(SigAlgArg(v)), 0, "sig {v}");
            continue;
        }
        named += 1;
        let mut out = MaybeUninit::<pqh_sig_alg>::uninit();
        // SAFETY: `p` is a static NUL-terminated name; `out` is writable.
        let st = unsafe { pqh_sig_alg_from_name(p, out.as_mut_ptr()) };
        assert_eq!(st, PQH_OK);
        // SAFETY: PQH_OK means *out was written.
        assert_eq!(unsafe { out.assume_init() } as u32, v);
        assert_ne!(pqh_sig_public_key_len(SigAlgArg(v)), 0);
    }
    assert_eq!(named, 24);

    let mut named = 0;
    for v in 0..=30u32 {
        let p = pqh_kem_alg_name(KemAlgArg(v));
        if p.is_null() {
            assert_eq!(pqh_kem_public_key_len(KemAlgArg(v)), 0, "kem {v}");
            continue;
        }
        named += 1;
        let mut out = MaybeUninit::<pqh_kem_alg>::uninit();
        // SAFETY: as above.
        let st = unsafe { pqh_kem_alg_from_name(p, out.as_mut_ptr()) };
        assert_eq!(st, PQH_OK);
        // SAFETY: PQH_OK means *out was written.
        assert_eq!(unsafe { out.assume_init() } as u32, v);
    }
    assert_eq!(named, 7);
}

#[test]
fn name_lookup_rejects_null_and_unknown() {
    let mut out = pqh_sig_alg::PQH_SIG_ED25519;
    // SAFETY: NULL name / NULL out are what is being tested; the other pointers are valid.
    unsafe {
        assert_eq!(
            pqh_sig_alg_from_name(null(), &mut out),
            PQH_ERR_NULL_POINTER
        );
        assert_eq!(
            pqh_sig_alg_from_name(c"ML-DSA-65".as_ptr(), null_mut()),
            PQH_ERR_NULL_POINTER
        );
        assert_eq!(
            pqh_sig_alg_from_name(c"ML-DSA-66".as_ptr(), &mut out),
            PQH_ERR_UNKNOWN_ALGORITHM
        );
        // Not UTF-8.
        assert_eq!(
            pqh_sig_alg_from_name(c"\xff\xfe".as_ptr(), &mut out),
            PQH_ERR_UNKNOWN_ALGORITHM
        );
        assert_eq!(
            pqh_sig_alg_from_name(c"".as_ptr(), &mut out),
            PQH_ERR_UNKNOWN_ALGORITHM
        );
    }
    assert_eq!(out, pqh_sig_alg::PQH_SIG_ED25519, "untouched on error");
    let mut kout = pqh_kem_alg::PQH_KEM_XWING;
    // SAFETY: as above.
    unsafe {
        assert_eq!(
            pqh_kem_alg_from_name(null(), &mut kout),
            PQH_ERR_NULL_POINTER
        );
        assert_eq!(
            pqh_kem_alg_from_name(c"ML-KEM-769".as_ptr(), &mut kout),
            PQH_ERR_UNKNOWN_ALGORITHM
        );
    }
    assert_eq!(kout, pqh_kem_alg::PQH_KEM_XWING);
}

// ---- signatures and KEMs: argument checks that fail before any arithmetic ----

#[test]
fn sig_calls_reject_bad_pointers_and_short_buffers() {
    let ml65 = SigAlgArg(pqh_sig_alg::PQH_SIG_MLDSA65 as u32);
    let seed = [7u8; 32];
    let mut pk = vec![SENTINEL; 2000];
    let mut sk = vec![SENTINEL; 64];
    let mut sig = vec![SENTINEL; PQH_MLDSA65_SIGNATUREBYTES];
    let mut sig_len = LEN_SENTINEL;
    // SAFETY: every non-NULL pointer is valid for the length passed with it.
    unsafe {
        // Unknown algorithm.
        assert_eq!(
            pqh_sig_keypair_from_seed(
                SigAlgArg(0),
                seed.as_ptr(),
                32,
                pk.as_mut_ptr(),
                pk.len(),
                sk.as_mut_ptr(),
                sk.len()
            ),
            PQH_ERR_UNKNOWN_ALGORITHM
        );
        // NULL seed with a length.
        assert_eq!(
            pqh_sig_keypair_from_seed(
                ml65,
                null(),
                32,
                pk.as_mut_ptr(),
                pk.len(),
                sk.as_mut_ptr(),
                sk.len()
            ),
            PQH_ERR_NULL_POINTER
        );
        // Short public-key buffer: nothing written.
        assert_eq!(
            pqh_sig_keypair_from_seed(
                ml65,
                seed.as_ptr(),
                32,
                pk.as_mut_ptr(),
                1951,
                sk.as_mut_ptr(),
                sk.len()
            ),
            PQH_ERR_BUFFER_TOO_SMALL
        );
        // Wrong seed length.
        assert_eq!(
            pqh_sig_keypair_from_seed(
                ml65,
                seed.as_ptr(),
                31,
                pk.as_mut_ptr(),
                pk.len(),
                sk.as_mut_ptr(),
                sk.len()
            ),
            PQH_ERR_INVALID_LENGTH
        );
        // NULL callback; failing callback (nothing written).
        assert_eq!(
            pqh_sig_keypair(
                ml65,
                None,
                null_mut(),
                pk.as_mut_ptr(),
                pk.len(),
                sk.as_mut_ptr(),
                sk.len()
            ),
            PQH_ERR_NULL_POINTER
        );
        assert_eq!(
            pqh_sig_keypair(
                ml65,
                Some(failing_rng as unsafe extern "C" fn(_, _, _) -> _),
                null_mut(),
                pk.as_mut_ptr(),
                pk.len(),
                sk.as_mut_ptr(),
                sk.len()
            ),
            PQH_ERR_RNG
        );
        // Signing: NULL length out-parameter, short signature buffer, wrong key length,
        // context on Ed25519.
        let msg = b"firmware";
        assert_eq!(
            pqh_sig_sign_deterministic(
                ml65,
                seed.as_ptr(),
                PQH_MLDSA65_SECRETKEYBYTES,
                msg.as_ptr(),
                msg.len(),
                null(),
                0,
                sig.as_mut_ptr(),
                sig.len(),
                null_mut()
            ),
            PQH_ERR_NULL_POINTER
        );
        assert_eq!(
            pqh_sig_sign_deterministic(
                ml65,
                seed.as_ptr(),
                PQH_MLDSA65_SECRETKEYBYTES,
                msg.as_ptr(),
                msg.len(),
                null(),
                0,
                sig.as_mut_ptr(),
                PQH_MLDSA65_SIGNATUREBYTES - 1,
                &mut sig_len
            ),
            PQH_ERR_BUFFER_TOO_SMALL
        );
        assert_eq!(
            pqh_sig_sign(
                ml65,
                seed.as_ptr(),
                31,
                msg.as_ptr(),
                msg.len(),
                null(),
                0,
                Some(failing_rng as unsafe extern "C" fn(_, _, _) -> _),
                null_mut(),
                sig.as_mut_ptr(),
                sig.len(),
                &mut sig_len
            ),
            PQH_ERR_INVALID_LENGTH
        );
        assert_eq!(
            pqh_sig_sign_deterministic(
                SigAlgArg(pqh_sig_alg::PQH_SIG_ED25519 as u32),
                seed.as_ptr(),
                32,
                msg.as_ptr(),
                msg.len(),
                b"ctx".as_ptr(),
                3,
                sig.as_mut_ptr(),
                sig.len(),
                &mut sig_len
            ),
            PQH_ERR_CONTEXT_NOT_SUPPORTED
        );
        // Verification: NULL signature with a length, wrong public-key length.
        assert_eq!(
            pqh_sig_verify(
                ml65,
                pk.as_ptr(),
                1952,
                msg.as_ptr(),
                msg.len(),
                null(),
                0,
                null(),
                PQH_MLDSA65_SIGNATUREBYTES
            ),
            PQH_ERR_NULL_POINTER
        );
        assert_eq!(
            pqh_sig_verify(
                ml65,
                pk.as_ptr(),
                1951,
                msg.as_ptr(),
                msg.len(),
                null(),
                0,
                sig.as_ptr(),
                PQH_MLDSA65_SIGNATUREBYTES
            ),
            PQH_ERR_INVALID_LENGTH
        );
    }
    assert!(untouched(&pk) && untouched(&sk) && untouched(&sig));
    assert_eq!(sig_len, LEN_SENTINEL);
}

#[test]
fn kem_calls_reject_bad_pointers_and_short_buffers() {
    let alg = KemAlgArg(pqh_kem_alg::PQH_KEM_MLKEM768 as u32);
    assert_eq!(pqh_kem_ciphertext_len(alg), PQH_MLKEM768_CIPHERTEXTBYTES);
    assert_eq!(pqh_kem_ciphertext_len(KemAlgArg(99)), 0);
    let mut pk = vec![SENTINEL; PQH_MLKEM768_PUBLICKEYBYTES];
    let mut sk = vec![SENTINEL; PQH_MLKEM768_SECRETKEYBYTES];
    let mut ct = vec![SENTINEL; PQH_MLKEM768_CIPHERTEXTBYTES];
    let mut ss = vec![SENTINEL; 32];
    let mut calls = 0usize;
    let ctx = (&raw mut calls).cast::<c_void>();
    let rng: pqh_rng_fn = Some(counting_rng);
    // SAFETY: every non-NULL pointer is valid for the length passed with it; `ctx` points to a
    // usize, as counting_rng expects.
    unsafe {
        assert_eq!(
            pqh_kem_keypair(
                alg,
                rng,
                ctx,
                pk.as_mut_ptr(),
                pk.len() - 1,
                sk.as_mut_ptr(),
                sk.len()
            ),
            PQH_ERR_BUFFER_TOO_SMALL
        );
        assert_eq!(
            pqh_kem_keypair(
                KemAlgArg(0),
                rng,
                ctx,
                pk.as_mut_ptr(),
                pk.len(),
                sk.as_mut_ptr(),
                sk.len()
            ),
            PQH_ERR_UNKNOWN_ALGORITHM
        );
        assert_eq!(
            pqh_kem_encapsulate(
                alg,
                pk.as_ptr(),
                pk.len(),
                rng,
                ctx,
                null_mut(),
                ct.len(),
                ss.as_mut_ptr(),
                ss.len()
            ),
            PQH_ERR_NULL_POINTER
        );
        assert_eq!(
            pqh_kem_encapsulate(
                alg,
                pk.as_ptr(),
                pk.len(),
                rng,
                ctx,
                ct.as_mut_ptr(),
                ct.len() - 1,
                ss.as_mut_ptr(),
                ss.len()
            ),
            PQH_ERR_BUFFER_TOO_SMALL
        );
        assert_eq!(
            pqh_kem_decapsulate(
                alg,
                sk.as_ptr(),
                sk.len(),
                ct.as_ptr(),
                ct.len() - 1,
                ss.as_mut_ptr(),
                ss.len()
            ),
            PQH_ERR_INVALID_LENGTH
        );
        assert_eq!(
            pqh_kem_decapsulate(
                alg,
                sk.as_ptr(),
                sk.len(),
                ct.as_ptr(),
                ct.len(),
                ss.as_mut_ptr(),
                31
            ),
            PQH_ERR_BUFFER_TOO_SMALL
        );
    }
    assert_eq!(
        calls, 0,
        "the generator is not called when arguments are rejected"
    );
    assert!(untouched(&pk) && untouched(&sk) && untouched(&ct) && untouched(&ss));
}

// ---- AES-GCM ----

#[test]
fn aead_round_trip_small_buffers() {
    assert_eq!(pqh_aead_key_len(AES128), 16);
    assert_eq!(pqh_aead_key_len(AES256), 32);
    assert_eq!(pqh_aead_key_len(AeadAlgArg(0)), 0);
    for (alg, key) in [(AES128, &[1u8; 16][..]), (AES256, &[2u8; 32][..])] {
        for len in [0usize, 1, 17] {
            let pt: Vec<u8> = (0..len).map(|i| i as u8 ^ 0x3c).collect();
            let aad = b"header";
            // One spare byte after the output: it must stay untouched.
            let mut ct = vec![SENTINEL; len + PQH_AEAD_TAGBYTES + 1];
            let mut ct_len = LEN_SENTINEL;
            // SAFETY: every pointer is valid for its length; `pt` may be empty (dangling but
            // non-NULL with length 0 is allowed).
            let st = unsafe {
                pqh_aead_seal(
                    alg,
                    key.as_ptr(),
                    key.len(),
                    NONCE.as_ptr(),
                    NONCE.len(),
                    aad.as_ptr(),
                    aad.len(),
                    pt.as_ptr(),
                    pt.len(),
                    ct.as_mut_ptr(),
                    ct.len(),
                    &mut ct_len,
                )
            };
            assert_eq!(st, PQH_OK);
            assert_eq!(ct_len, len + PQH_AEAD_TAGBYTES);
            assert_eq!(ct[ct_len], SENTINEL, "wrote past the output");
            if len > 0 {
                assert_ne!(&ct[..len], &pt[..], "ciphertext equals plaintext");
            }

            let mut back = vec![SENTINEL; len + 1];
            let mut back_len = LEN_SENTINEL;
            // SAFETY: as above.
            let st = unsafe {
                pqh_aead_open(
                    alg,
                    key.as_ptr(),
                    key.len(),
                    NONCE.as_ptr(),
                    NONCE.len(),
                    aad.as_ptr(),
                    aad.len(),
                    ct.as_ptr(),
                    ct_len,
                    back.as_mut_ptr(),
                    back.len(),
                    &mut back_len,
                )
            };
            assert_eq!(st, PQH_OK);
            assert_eq!(back_len, len);
            assert_eq!(&back[..len], &pt[..]);
            assert_eq!(back[len], SENTINEL);

            // A flipped tag bit: authentication fails, the plaintext area is zeroed, the
            // length is untouched.
            ct[ct_len - 1] ^= 1;
            let mut back = vec![SENTINEL; len + 1];
            let mut back_len = LEN_SENTINEL;
            // SAFETY: as above.
            let st = unsafe {
                pqh_aead_open(
                    alg,
                    key.as_ptr(),
                    key.len(),
                    NONCE.as_ptr(),
                    NONCE.len(),
                    aad.as_ptr(),
                    aad.len(),
                    ct.as_ptr(),
                    ct_len,
                    back.as_mut_ptr(),
                    back.len(),
                    &mut back_len,
                )
            };
            assert_eq!(st, PQH_ERR_AUTHENTICATION_FAILED);
            assert!(
                back[..len].iter().all(|&b| b == 0),
                "plaintext area not zeroed"
            );
            assert_eq!(back[len], SENTINEL);
            assert_eq!(back_len, LEN_SENTINEL);
        }
    }
}

#[test]
fn aead_rejects_bad_pointers_and_short_buffers() {
    let key = [1u8; 16];
    let pt = [9u8; 5];
    let mut ct = [SENTINEL; 5 + 16];
    let mut ct_len = LEN_SENTINEL;
    // SAFETY: every non-NULL pointer is valid for the length passed with it.
    unsafe {
        let seal = |key: *const u8,
                    key_len: usize,
                    nonce_len: usize,
                    pt: *const u8,
                    ct: *mut u8,
                    cap: usize,
                    out_len: *mut usize| {
            pqh_aead_seal(
                AES128,
                key,
                key_len,
                NONCE.as_ptr(),
                nonce_len,
                null(),
                0,
                pt,
                5,
                ct,
                cap,
                out_len,
            )
        };
        let ctp = ct.as_mut_ptr();
        assert_eq!(
            seal(null(), 16, 12, pt.as_ptr(), ctp, 21, &mut ct_len),
            PQH_ERR_NULL_POINTER
        );
        assert_eq!(
            seal(key.as_ptr(), 16, 12, null(), ctp, 21, &mut ct_len),
            PQH_ERR_NULL_POINTER
        );
        assert_eq!(
            seal(
                key.as_ptr(),
                16,
                12,
                pt.as_ptr(),
                null_mut(),
                21,
                &mut ct_len
            ),
            PQH_ERR_NULL_POINTER
        );
        assert_eq!(
            seal(key.as_ptr(), 16, 12, pt.as_ptr(), ctp, 21, null_mut()),
            PQH_ERR_NULL_POINTER
        );
        assert_eq!(
            seal(key.as_ptr(), 15, 12, pt.as_ptr(), ctp, 21, &mut ct_len),
            PQH_ERR_INVALID_LENGTH
        );
        assert_eq!(
            seal(key.as_ptr(), 16, 11, pt.as_ptr(), ctp, 21, &mut ct_len),
            PQH_ERR_INVALID_LENGTH
        );
        // One byte short: nothing written.
        assert_eq!(
            seal(key.as_ptr(), 16, 12, pt.as_ptr(), ctp, 20, &mut ct_len),
            PQH_ERR_BUFFER_TOO_SMALL
        );
        assert_eq!(
            pqh_aead_seal(
                AeadAlgArg(3),
                key.as_ptr(),
                16,
                NONCE.as_ptr(),
                12,
                null(),
                0,
                pt.as_ptr(),
                5,
                ctp,
                21,
                &mut ct_len
            ),
            PQH_ERR_UNKNOWN_ALGORITHM
        );
        // Open: input shorter than a tag, and a short plaintext buffer.
        let mut out = [SENTINEL; 8];
        let mut out_len = LEN_SENTINEL;
        assert_eq!(
            pqh_aead_open(
                AES128,
                key.as_ptr(),
                16,
                NONCE.as_ptr(),
                12,
                null(),
                0,
                ct.as_ptr(),
                15,
                out.as_mut_ptr(),
                out.len(),
                &mut out_len
            ),
            PQH_ERR_INVALID_LENGTH
        );
        assert_eq!(
            pqh_aead_open(
                AES128,
                key.as_ptr(),
                16,
                NONCE.as_ptr(),
                12,
                null(),
                0,
                ct.as_ptr(),
                21,
                out.as_mut_ptr(),
                4,
                &mut out_len
            ),
            PQH_ERR_BUFFER_TOO_SMALL
        );
        assert!(untouched(&out));
        assert_eq!(out_len, LEN_SENTINEL);
    }
    assert!(untouched(&ct));
    assert_eq!(ct_len, LEN_SENTINEL);
}

// ---- firmware verifier ----

/// Caller memory for a verifier, with room to place it misaligned.
#[repr(C, align(16))]
struct Slot([u8; PQH_FW_VERIFIER_SIZE + PQH_FW_VERIFIER_ALIGN]);

impl Slot {
    /// Zeroed memory (as static storage would be in C).
    fn boxed() -> Box<Slot> {
        Box::new(Slot([0; PQH_FW_VERIFIER_SIZE + PQH_FW_VERIFIER_ALIGN]))
    }

    /// The verifier at the start of the slot (aligned). One raw pointer per slot, reused for
    /// every call, as a C caller would.
    fn ptr(&mut self) -> *mut pqh_fw_verifier {
        self.0.as_mut_ptr().cast()
    }
}

fn policy(anchors: &[pqh_fw_trust_anchor]) -> pqh_fw_policy {
    pqh_fw_policy {
        trust_anchors: anchors.as_ptr(),
        trust_anchors_len: anchors.len(),
        min_security_version: 3,
        max_security_version: u64::from(u32::MAX),
        device_class: *b"miri-test-device",
        allowed_algorithms: PQH_FW_ALGS_HYBRID_ONLY,
        endorse_allowed_algorithms: PQH_FW_ALGS_HYBRID_ONLY,
        flags: 0,
    }
}

fn anchor(id: u8, state: pqh_fw_key_state) -> pqh_fw_trust_anchor {
    pqh_fw_trust_anchor {
        key_id: [id; PQH_FW_KEY_ID_BYTES],
        state: pqhybrid_ffi::fw::KeyStateArg(state as u32),
    }
}

/// Caller memory for a `pqh_fw_image_info`, every byte (padding included) set to
/// [`SENTINEL`]. Plain bytes, passed by pointer: a `pqh_fw_image_info` or `MaybeUninit` value
/// would not carry its padding bytes through a move, and reading those is undefined behaviour
/// (Miri reports it).
#[repr(C, align(16))]
struct InfoBuf([u8; size_of::<pqh_fw_image_info>()]);

const _: () = assert!(align_of::<pqh_fw_image_info>() <= 16);

impl InfoBuf {
    fn new() -> Self {
        InfoBuf([SENTINEL; size_of::<pqh_fw_image_info>()])
    }

    fn ptr(&mut self) -> *mut pqh_fw_image_info {
        self.0.as_mut_ptr().cast()
    }

    /// Whether the library left every byte alone.
    fn untouched(&self) -> bool {
        untouched(&self.0)
    }
}

#[test]
fn fw_init_rejects_bad_arguments() {
    let anchors = [anchor(1, pqh_fw_key_state::PQH_FW_KEY_ACTIVE)];
    let p = policy(&anchors);
    let mut slot = Slot::boxed();
    let v = slot.ptr();
    // SAFETY: `v` is PQH_FW_VERIFIER_SIZE + 16 writable bytes; policies are valid for reads with
    // trust_anchors valid for trust_anchors_len elements, except where NULL is being tested.
    unsafe {
        assert_eq!(pqh_fw_verifier_init(null_mut(), &p), PQH_ERR_NULL_POINTER);
        assert_eq!(pqh_fw_verifier_init(v, null()), PQH_ERR_NULL_POINTER);
        // Misaligned by 8: rejected before anything is written.
        let misaligned = v.cast::<u8>().add(8).cast::<pqh_fw_verifier>();
        assert_eq!(pqh_fw_verifier_init(misaligned, &p), PQH_ERR_INVALID_STATE);

        let many = [anchor(2, pqh_fw_key_state::PQH_FW_KEY_ACTIVE); PQH_FW_MAX_TRUST_ANCHORS + 1];
        assert_eq!(
            pqh_fw_verifier_init(v, &policy(&many)),
            PQH_ERR_INVALID_LENGTH
        );
        let full = policy(&many[..PQH_FW_MAX_TRUST_ANCHORS]);
        assert_eq!(pqh_fw_verifier_init(v, &full), PQH_OK);

        let mut null_anchors = p;
        null_anchors.trust_anchors = null();
        assert_eq!(pqh_fw_verifier_init(v, &null_anchors), PQH_ERR_NULL_POINTER);
        null_anchors.trust_anchors_len = 0;
        assert_eq!(
            pqh_fw_verifier_init(v, &null_anchors),
            PQH_OK,
            "no anchors, NULL"
        );

        let mut bad_state = anchors;
        bad_state[0].state = pqhybrid_ffi::fw::KeyStateArg(7);
        assert_eq!(
            pqh_fw_verifier_init(v, &policy(&bad_state)),
            PQH_ERR_INVALID_ARGUMENT
        );
        let mut bad_bits = p;
        bad_bits.allowed_algorithms = 1; // bit 0 names no algorithm
        assert_eq!(pqh_fw_verifier_init(v, &bad_bits), PQH_ERR_INVALID_ARGUMENT);
        bad_bits.allowed_algorithms = PQH_FW_ALGS_ALL | (1 << 31);
        assert_eq!(pqh_fw_verifier_init(v, &bad_bits), PQH_ERR_INVALID_ARGUMENT);

        // An unaligned policy and anchor array are fine (read_unaligned).
        let mut raw = vec![0u8; size_of::<pqh_fw_policy>() + 1];
        let unaligned = raw.as_mut_ptr().add(1).cast::<pqh_fw_policy>();
        unaligned.write_unaligned(p);
        assert_eq!(pqh_fw_verifier_init(v, unaligned), PQH_OK);
    }
}

#[test]
fn fw_state_machine_on_garbage_and_truncated_input() {
    let anchors = [
        anchor(1, pqh_fw_key_state::PQH_FW_KEY_ACTIVE),
        anchor(2, pqh_fw_key_state::PQH_FW_KEY_REVOKED),
    ];
    let p = policy(&anchors);
    let mut slot = Slot::boxed();
    let v = slot.ptr();
    let mut info = InfoBuf::new();
    let garbage: Vec<u8> = (0..300u32).map(|i| (i * 37 + 11) as u8).collect();
    // SAFETY: `v` points to zeroed, aligned caller memory of the right size and is only ever
    // used through this one pointer; every chunk pointer is valid for its length.
    unsafe {
        // Never initialized (zeroed memory): every call is INVALID_STATE.
        assert_eq!(
            pqh_fw_verifier_update(v, garbage.as_ptr(), 4),
            PQH_ERR_INVALID_STATE
        );
        assert_eq!(pqh_fw_verifier_finish(v, info.ptr()), PQH_ERR_INVALID_STATE);
        assert_eq!(
            pqh_fw_verifier_update(null_mut(), garbage.as_ptr(), 4),
            PQH_ERR_NULL_POINTER
        );

        // Garbage: rejected once the 192-byte fixed header is complete, and the error sticks.
        assert_eq!(pqh_fw_verifier_init(v, &p), PQH_OK);
        assert_eq!(
            pqh_fw_verifier_update(v, null(), 0),
            PQH_OK,
            "empty chunk, NULL"
        );
        assert_eq!(pqh_fw_verifier_update(v, null(), 1), PQH_ERR_NULL_POINTER);
        assert_eq!(
            pqh_fw_verifier_update(v, garbage.as_ptr(), 1),
            PQH_ERR_NULL_POINTER
        );
        assert_eq!(pqh_fw_verifier_init(v, &p), PQH_OK);
        assert_eq!(
            pqh_fw_verifier_update(v, garbage.as_ptr(), 100),
            PQH_OK,
            "header incomplete"
        );
        let st = pqh_fw_verifier_update(v, garbage.as_ptr().add(100), 100);
        assert_eq!(st, PQH_ERR_FW_BAD_MAGIC);
        assert_eq!(
            pqh_fw_verifier_update(v, garbage.as_ptr(), 1),
            st,
            "errors stick"
        );
        assert_eq!(pqh_fw_verifier_finish(v, info.ptr()), st);
        assert!(info.untouched());
        // Finished: no more updates or finishes until re-initialized.
        assert_eq!(
            pqh_fw_verifier_update(v, garbage.as_ptr(), 1),
            PQH_ERR_INVALID_STATE
        );
        assert_eq!(pqh_fw_verifier_finish(v, info.ptr()), PQH_ERR_INVALID_STATE);

        // Truncated: a few bytes, then finish.
        assert_eq!(pqh_fw_verifier_init(v, &p), PQH_OK);
        for b in b"PQFW" {
            assert_eq!(pqh_fw_verifier_update(v, b, 1), PQH_OK);
        }
        assert_eq!(pqh_fw_verifier_finish(v, info.ptr()), PQH_ERR_FW_TRUNCATED);
        assert!(info.untouched());

        // Nothing at all.
        assert_eq!(pqh_fw_verifier_init(v, &p), PQH_OK);
        assert_eq!(pqh_fw_verifier_finish(v, info.ptr()), PQH_ERR_FW_TRUNCATED);
        assert!(info.untouched());

        // Re-initializing a live verifier starts over.
        assert_eq!(pqh_fw_verifier_init(v, &p), PQH_OK);
        assert_eq!(pqh_fw_verifier_update(v, garbage.as_ptr(), 50), PQH_OK);
        assert_eq!(pqh_fw_verifier_init(v, &p), PQH_OK);
        assert_eq!(pqh_fw_verifier_update(v, garbage.as_ptr(), 191), PQH_OK);
        assert_eq!(pqh_fw_verifier_finish(v, info.ptr()), PQH_ERR_FW_TRUNCATED);
    }
}

#[test]
fn fw_moved_verifier_is_rejected() {
    let anchors = [anchor(1, pqh_fw_key_state::PQH_FW_KEY_ACTIVE)];
    let p = policy(&anchors);
    let mut a = Slot::boxed();
    let mut b = Slot::boxed();
    let (va, vb) = (a.ptr(), b.ptr());
    let mut info = InfoBuf::new();
    // SAFETY: `va` and `vb` are distinct, aligned, zeroed verifier-sized regions; the copy is a
    // bytewise move a C caller could do (which the API documents as not allowed, and detects).
    unsafe {
        assert_eq!(pqh_fw_verifier_init(va, &p), PQH_OK);
        assert_eq!(pqh_fw_verifier_update(va, b"PQ".as_ptr(), 2), PQH_OK);
        core::ptr::copy_nonoverlapping(va.cast::<u8>(), vb.cast::<u8>(), PQH_FW_VERIFIER_SIZE);
        assert_eq!(
            pqh_fw_verifier_update(vb, b"FW".as_ptr(), 2),
            PQH_ERR_INVALID_STATE
        );
        assert_eq!(
            pqh_fw_verifier_finish(vb, info.ptr()),
            PQH_ERR_INVALID_STATE
        );
        // The original is still usable.
        assert_eq!(pqh_fw_verifier_update(va, b"FW".as_ptr(), 2), PQH_OK);
        assert_eq!(pqh_fw_verifier_finish(va, info.ptr()), PQH_ERR_FW_TRUNCATED);
    }
    assert!(info.untouched());
}

#[test]
fn fw_key_id_and_algorithm_bits() {
    let ml44 = SigAlgArg(pqh_sig_alg::PQH_SIG_MLDSA44 as u32);
    let ed = SigAlgArg(pqh_sig_alg::PQH_SIG_ED25519 as u32);
    assert_eq!(
        pqh_fw_algorithm_bit(ed),
        0,
        "plain Ed25519 is not a firmware algorithm"
    );
    assert_eq!(pqh_fw_algorithm_bit(SigAlgArg(0)), 0);
    let bit = pqh_fw_algorithm_bit(ml44);
    assert_eq!(bit.count_ones(), 1);
    assert_ne!(bit & PQH_FW_ALGS_ALL, 0);
    assert_eq!(bit & PQH_FW_ALGS_HYBRID_ONLY, 0);
    let composite = SigAlgArg(pqh_sig_alg::PQH_SIG_MLDSA65_ED25519_SHA512 as u32);
    assert_ne!(pqh_fw_algorithm_bit(composite) & PQH_FW_ALGS_HYBRID_ONLY, 0);

    let pk: Vec<u8> = (0..PQH_MLDSA44_PUBLICKEYBYTES).map(|i| i as u8).collect();
    let mut id = [SENTINEL; PQH_FW_KEY_ID_BYTES + 1];
    // SAFETY: every non-NULL pointer is valid for the length passed with it.
    unsafe {
        assert_eq!(
            pqh_fw_key_id(ml44, null(), pk.len(), id.as_mut_ptr(), 32),
            PQH_ERR_NULL_POINTER
        );
        assert_eq!(
            pqh_fw_key_id(ml44, pk.as_ptr(), pk.len(), id.as_mut_ptr(), 31),
            PQH_ERR_BUFFER_TOO_SMALL
        );
        assert_eq!(
            pqh_fw_key_id(ml44, pk.as_ptr(), pk.len() - 1, id.as_mut_ptr(), 32),
            PQH_ERR_INVALID_LENGTH
        );
        assert_eq!(
            pqh_fw_key_id(
                ed,
                pk.as_ptr(),
                PQH_ED25519_PUBLICKEYBYTES,
                id.as_mut_ptr(),
                32
            ),
            PQH_ERR_FW_ALGORITHM_NOT_ALLOWED
        );
        assert_eq!(
            pqh_fw_key_id(SigAlgArg(77), pk.as_ptr(), pk.len(), id.as_mut_ptr(), 32),
            PQH_ERR_UNKNOWN_ALGORITHM
        );
        assert!(untouched(&id));
        // A larger buffer: exactly 32 bytes written.
        assert_eq!(
            pqh_fw_key_id(ml44, pk.as_ptr(), pk.len(), id.as_mut_ptr(), id.len()),
            PQH_OK
        );
    }
    assert_eq!(id[PQH_FW_KEY_ID_BYTES], SENTINEL);
    assert!(!untouched(&id[..PQH_FW_KEY_ID_BYTES]));
    // The id depends on the key (and is reproducible).
    let mut again = [0u8; PQH_FW_KEY_ID_BYTES];
    let mut other = [0u8; PQH_FW_KEY_ID_BYTES];
    let mut pk2 = pk.clone();
    pk2[0] ^= 1;
    // SAFETY: as above.
    unsafe {
        assert_eq!(
            pqh_fw_key_id(ml44, pk.as_ptr(), pk.len(), again.as_mut_ptr(), 32),
            PQH_OK
        );
        assert_eq!(
            pqh_fw_key_id(ml44, pk2.as_ptr(), pk2.len(), other.as_mut_ptr(), 32),
            PQH_OK
        );
    }
    assert_eq!(again, id[..PQH_FW_KEY_ID_BYTES]);
    assert_ne!(other, again);
}

// ---- one classical signature end to end ----

#[test]
fn ed25519_sign_verify_round_trip() {
    let ed = SigAlgArg(pqh_sig_alg::PQH_SIG_ED25519 as u32);
    let seed = [0x11u8; 32];
    let mut pk = [SENTINEL; 33];
    let mut sk = [SENTINEL; 33];
    let mut sig = [SENTINEL; 65];
    let mut sig_len = LEN_SENTINEL;
    let msg = b"boot image 1.2.3";
    // SAFETY: every pointer is valid for the length passed with it.
    unsafe {
        assert_eq!(
            pqh_sig_keypair_from_seed(
                ed,
                seed.as_ptr(),
                32,
                pk.as_mut_ptr(),
                pk.len(),
                sk.as_mut_ptr(),
                sk.len()
            ),
            PQH_OK
        );
        assert_eq!(
            (pk[32], sk[32]),
            (SENTINEL, SENTINEL),
            "wrote past the keys"
        );
        assert_eq!(
            pqh_sig_sign_deterministic(
                ed,
                sk.as_ptr(),
                32,
                msg.as_ptr(),
                msg.len(),
                null(),
                0,
                sig.as_mut_ptr(),
                sig.len(),
                &mut sig_len
            ),
            PQH_OK
        );
        assert_eq!(sig_len, 64);
        assert_eq!(sig[64], SENTINEL);
        assert_eq!(
            pqh_sig_verify(
                ed,
                pk.as_ptr(),
                32,
                msg.as_ptr(),
                msg.len(),
                null(),
                0,
                sig.as_ptr(),
                64
            ),
            PQH_OK
        );
        sig[0] ^= 1;
        assert_eq!(
            pqh_sig_verify(
                ed,
                pk.as_ptr(),
                32,
                msg.as_ptr(),
                msg.len(),
                null(),
                0,
                sig.as_ptr(),
                64
            ),
            PQH_ERR_VERIFICATION_FAILED
        );
    }
}

// Keep the status type in the public path the header documents.
#[test]
fn status_is_a_c_int() {
    assert_eq!(size_of::<pqh_status>(), size_of::<c_int>());
    assert_eq!(PQH_OK as i32, 0);
}

#[test]
fn fw_new_calls_and_fail_closed() {
    let anchors = [anchor(1, pqh_fw_key_state::PQH_FW_KEY_ACTIVE)];
    let p = policy(&anchors);
    let mut slot = Slot::boxed();
    let v = slot.ptr();
    let mut copy = Slot::boxed();
    let c = copy.ptr();
    let mut info = InfoBuf::new();
    let garbage: Vec<u8> = (0..300u32).map(|i| (i * 37 + 11) as u8).collect();
    let mut dst = vec![0xA5u8; 300];
    let mut len = 0u64;
    // SAFETY: `v` and `c` point to boxed, aligned states of PQH_FW_VERIFIER_SIZE bytes; every
    // buffer passed is valid for the length given; the copies are between the two states.
    unsafe {
        use pqhybrid_ffi::fw::*;
        assert_eq!(pqh_fw_verifier_init(v, &p), PQH_OK);
        assert_eq!(pqh_fw_verifier_set_slot_len(v, 1000), PQH_OK);
        assert_eq!(
            pqh_fw_verifier_expected_len(v, &mut len),
            PQH_ERR_FW_TRUNCATED
        );
        assert_eq!(
            pqh_fw_verifier_update_copy(v, garbage.as_ptr(), dst.as_mut_ptr(), 100),
            PQH_OK
        );
        assert_eq!(&dst[..100], &garbage[..100]);
        // A live snapshot, then a bad re-init kills the state.
        core::ptr::copy_nonoverlapping(v.cast::<u8>(), c.cast::<u8>(), PQH_FW_VERIFIER_SIZE);
        let mut bad = p;
        bad.max_security_version = 0;
        assert_eq!(pqh_fw_verifier_init(v, &bad), PQH_ERR_INVALID_ARGUMENT);
        assert_eq!(
            pqh_fw_verifier_update(v, garbage.as_ptr(), 1),
            PQH_ERR_INVALID_STATE
        );
        assert_eq!(
            pqh_fw_verifier_expected_len(v, &mut len),
            PQH_ERR_INVALID_STATE
        );
        // The snapshot, back in place, is live.
        core::ptr::copy_nonoverlapping(c.cast::<u8>(), v.cast::<u8>(), PQH_FW_VERIFIER_SIZE);
        assert_eq!(
            pqh_fw_verifier_update_copy(
                v,
                garbage.as_ptr().add(100),
                dst.as_mut_ptr().add(100),
                100
            ),
            PQH_ERR_FW_BAD_MAGIC
        );
        assert_eq!(
            pqh_fw_verifier_expected_len(v, &mut len),
            PQH_ERR_FW_BAD_MAGIC
        );
        assert_eq!(pqh_fw_verifier_set_slot_len(v, 5), PQH_ERR_FW_BAD_MAGIC);
        core::ptr::copy_nonoverlapping(v.cast::<u8>(), c.cast::<u8>(), PQH_FW_VERIFIER_SIZE);
        assert_eq!(pqh_fw_verifier_finish(v, info.ptr()), PQH_ERR_FW_BAD_MAGIC);
        assert_eq!(pqh_fw_verifier_finish(v, info.ptr()), PQH_ERR_INVALID_STATE);
        assert_eq!(pqh_fw_verifier_finish(c, info.ptr()), PQH_ERR_FW_BAD_MAGIC);
        core::ptr::copy_nonoverlapping(c.cast::<u8>(), v.cast::<u8>(), PQH_FW_VERIFIER_SIZE);
        assert_eq!(
            pqh_fw_verifier_update(v, garbage.as_ptr(), 1),
            PQH_ERR_INVALID_STATE
        );
        // Overlap checks.
        assert_eq!(pqh_fw_verifier_init(v, &p), PQH_OK);
        assert_eq!(
            pqh_fw_verifier_update_copy(v, dst.as_ptr(), dst.as_mut_ptr().add(10), 20),
            PQH_ERR_INVALID_ARGUMENT
        );
        assert_eq!(pqh_fw_verifier_init(v, &p), PQH_OK);
        assert_eq!(
            pqh_fw_verifier_update(v, v.cast::<u8>(), 8),
            PQH_ERR_INVALID_ARGUMENT
        );
        assert_eq!(pqh_fw_verifier_init(v, &p), PQH_OK);
        assert_eq!(pqh_fw_verifier_set_slot_len(v, 10), PQH_OK);
        assert_eq!(
            pqh_fw_verifier_update(v, garbage.as_ptr(), 11),
            PQH_ERR_FW_LENGTH_MISMATCH
        );
        assert_eq!(
            pqh_fw_verifier_finish(v, null_mut()),
            PQH_ERR_FW_LENGTH_MISMATCH
        );
        assert_eq!(pqh_fw_verifier_init(v, &p), PQH_OK);
        assert_eq!(pqh_fw_verifier_finish(v, null_mut()), PQH_ERR_NULL_POINTER);
        assert_eq!(pqh_fw_verifier_finish(v, info.ptr()), PQH_ERR_INVALID_STATE);
    }
    assert!(info.untouched());
}
