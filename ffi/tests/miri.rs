//! Miri-sized tests of the C ABI: pointer and length handling, status strings, the version
//! query, the firmware verifier's state machine, small AES-GCM buffers and (module
//! `encrypted`) HPKE, identity sealing and encrypted firmware. Miri interprets ~1000x slower
//! than native code, so post-quantum operations are kept to the few the pointer code under
//! test needs (ML-KEM-512 and one ML-DSA-44 verification, in the `encrypted` module); the
//! whole file takes about four minutes under `cargo +nightly miri test -p pqhybrid-ffi
//! --test miri` (`cargo xtask miri`), where Miri checks every raw-pointer access for undefined
//! behaviour. The same tests run natively in `cargo test`.
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
    pqh_kem_encapsulate, pqh_kem_keypair, pqh_kem_keypair_from_seed, pqh_kem_public_key_len,
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

// ---- HPKE, identity sealing and encrypted firmware ----
//
// Unlike the tests above, some of these run post-quantum operations (ML-KEM-512 and ML-DSA-44,
// the cheapest: a key generation or an encapsulation takes 15 to 60 s under Miri), because the
// pointer code under test only runs after them: the decryptor's update after the encryption
// record was unwrapped, an HPKE open after the decapsulation. The signed encrypted image is
// embedded ([`ENCRYPTED_IMAGE`]; signing it takes minutes under Miri), and a native test checks
// that it is what the C functions and the core's signer make today. To keep `cargo xtask miri`
// within its time budget, the successful HPKE open (a decapsulation) and the identity round
// trip (two ML-DSA key derivations for a measured state) are ignored under Miri (they run
// natively); run them with `cargo +nightly miri test -p pqhybrid-ffi --no-default-features
// --features std,backend-rustcrypto,hpke,identity --test miri -- --ignored`.

mod encrypted {
    use super::*;
    use pqhybrid_ffi::alg::{
        PQH_MLKEM512_CIPHERTEXTBYTES, PQH_MLKEM512_PUBLICKEYBYTES, PQH_MLKEM512_SECRETKEYBYTES,
    };
    use pqhybrid_ffi::fw::{
        PQH_FW_POLICY_ACCEPT_ENCRYPTED, PQH_FW_RECORD_DIGEST_BYTES,
        pqh_fw_verifier_encryption_record_digest,
    };
    use pqhybrid_ffi::fw_decrypt::{
        PQH_FW_DECRYPTOR_ALIGN, PQH_FW_DECRYPTOR_SIZE, pqh_fw_decrypted_info, pqh_fw_decryptor,
        pqh_fw_decryptor_check_plaintext_digest, pqh_fw_decryptor_finish, pqh_fw_decryptor_init,
        pqh_fw_decryptor_max_output, pqh_fw_decryptor_update, pqh_fw_decryptor_wipe,
    };
    use pqhybrid_ffi::fw_encrypt::{
        PQH_FW_CHUNK_TAG_BYTES, PQH_FW_DIGEST_SHA256, pqh_fw_encrypt_payload,
        pqh_fw_encrypted_payload_len, pqh_fw_encryption_params,
    };
    use pqhybrid_ffi::hpke::{
        HpkeAeadArg, HpkeKdfArg, PQH_HPKE_TAG_BYTES, pqh_hpke_aead, pqh_hpke_kdf, pqh_hpke_open,
        pqh_hpke_seal, pqh_hpke_sealed_len,
    };
    use pqhybrid_ffi::identity::{
        ModeArg, PQH_IDENTITY_ALIGN, PQH_IDENTITY_SEAL_LABEL_MAX_BYTES,
        PQH_IDENTITY_SEAL_OVERHEAD_BYTES, PQH_IDENTITY_SIZE, pqh_identity, pqh_identity_init,
        pqh_identity_measure, pqh_identity_mode, pqh_identity_open, pqh_identity_seal,
        pqh_identity_sealed_len, pqh_identity_wipe,
    };
    use std::sync::OnceLock;

    const MLKEM512: KemAlgArg = KemAlgArg(pqh_kem_alg::PQH_KEM_MLKEM512 as u32);
    const HKDF_SHA256: HpkeKdfArg = HpkeKdfArg(pqh_hpke_kdf::PQH_HPKE_KDF_HKDF_SHA256 as u32);
    const SHAKE128: HpkeKdfArg = HpkeKdfArg(pqh_hpke_kdf::PQH_HPKE_KDF_SHAKE128 as u32);
    const GCM: HpkeAeadArg = HpkeAeadArg(pqh_hpke_aead::PQH_HPKE_AEAD_AES_256_GCM as u32);
    /// The recipient's ML-KEM-512 private key: its canonical form is the 64-byte seed.
    const KEM_SK: [u8; PQH_MLKEM512_SECRETKEYBYTES] = [0x5E; PQH_MLKEM512_SECRETKEYBYTES];
    const OVERHEAD: usize = PQH_MLKEM512_CIPHERTEXTBYTES + PQH_HPKE_TAG_BYTES;
    const FW_CLASS: [u8; 16] = *b"miri-encrypted-1";
    const FW_CHUNK: u32 = 64;
    const FW_PLAINTEXT_LEN: usize = 100;
    const RNG: pqh_rng_fn = Some(counting_rng);

    /// The public key of [`KEM_SK`] (one ML-KEM-512 key generation, shared by the tests).
    fn kem_pk() -> &'static [u8] {
        static PK: OnceLock<Vec<u8>> = OnceLock::new();
        PK.get_or_init(|| {
            let mut pk = vec![SENTINEL; PQH_MLKEM512_PUBLICKEYBYTES + 1];
            let mut sk = [SENTINEL; PQH_MLKEM512_SECRETKEYBYTES];
            // SAFETY: every pointer is valid for the length passed with it.
            let st = unsafe {
                pqh_kem_keypair_from_seed(
                    MLKEM512,
                    KEM_SK.as_ptr(),
                    KEM_SK.len(),
                    pk.as_mut_ptr(),
                    pk.len(),
                    sk.as_mut_ptr(),
                    sk.len(),
                )
            };
            assert_eq!(st, PQH_OK);
            assert_eq!(sk, KEM_SK, "the canonical private key is the seed");
            assert_eq!(pk.pop(), Some(SENTINEL));
            pk
        })
    }

    /// A byte buffer with `lead` sentinel bytes before an `len`-byte window and one after: the
    /// window starts at an odd address when `lead` is odd.
    struct Window {
        buf: Vec<u8>,
        lead: usize,
        len: usize,
    }

    impl Window {
        fn new(lead: usize, len: usize) -> Self {
            Window {
                buf: vec![SENTINEL; lead + len + 1],
                lead,
                len,
            }
        }
        fn ptr(&mut self) -> *mut u8 {
            // SAFETY: `lead` < buf.len().
            unsafe { self.buf.as_mut_ptr().add(self.lead) }
        }
        fn bytes(&self) -> &[u8] {
            &self.buf[self.lead..self.lead + self.len]
        }
        /// Whether the bytes around the window are intact.
        fn fenced(&self) -> bool {
            untouched(&self.buf[..self.lead]) && untouched(&self.buf[self.lead + self.len..])
        }
    }

    // ---- HPKE ----

    #[test]
    fn hpke_calls_reject_bad_arguments() {
        assert_eq!(
            pqh_hpke_sealed_len(MLKEM512, HKDF_SHA256, GCM, 10),
            OVERHEAD + 10
        );
        let x25519_sha3 = KemAlgArg(pqh_kem_alg::PQH_KEM_MLKEM768_X25519_SHA3_256 as u32);
        assert_eq!(pqh_hpke_sealed_len(x25519_sha3, HKDF_SHA256, GCM, 10), 0);
        assert_eq!(pqh_hpke_sealed_len(KemAlgArg(0), HKDF_SHA256, GCM, 10), 0);
        assert_eq!(pqh_hpke_sealed_len(MLKEM512, HpkeKdfArg(2), GCM, 10), 0);
        assert_eq!(
            pqh_hpke_sealed_len(MLKEM512, HKDF_SHA256, HpkeAeadArg(1), 10),
            0
        );
        assert_eq!(
            pqh_hpke_sealed_len(MLKEM512, HKDF_SHA256, GCM, usize::MAX),
            0
        );

        // The key's content is never looked at: every call fails before.
        let pk = vec![0x11u8; PQH_MLKEM512_PUBLICKEYBYTES];
        let pt = [7u8; 10];
        let mut out = vec![SENTINEL; OVERHEAD + pt.len()];
        let mut out_len = LEN_SENTINEL;
        let mut calls = 0usize;
        let ctx = (&raw mut calls).cast::<c_void>();
        let long_info = vec![0u8; 65536];
        // SAFETY: every non-NULL pointer is valid for the length passed with it; `ctx` points
        // to a usize, as counting_rng expects.
        unsafe {
            let seal = |kem,
                        kdf,
                        aead,
                        pk: *const u8,
                        pk_len,
                        info: *const u8,
                        info_len,
                        pt: *const u8,
                        rng,
                        out: *mut u8,
                        cap,
                        out_len: *mut usize| {
                pqh_hpke_seal(
                    kem,
                    kdf,
                    aead,
                    pk,
                    pk_len,
                    info,
                    info_len,
                    b"aad".as_ptr(),
                    3,
                    pt,
                    10,
                    rng,
                    ctx,
                    out,
                    cap,
                    out_len,
                )
            };
            let (p, n, o, cap) = (pk.as_ptr(), pk.len(), out.as_mut_ptr(), out.len());
            let l = &raw mut out_len;
            let pt = pt.as_ptr();
            for (kem, kdf, aead, want) in [
                (KemAlgArg(0), HKDF_SHA256, GCM, PQH_ERR_UNKNOWN_ALGORITHM),
                (x25519_sha3, HKDF_SHA256, GCM, PQH_ERR_UNSUPPORTED_SUITE),
                (MLKEM512, HpkeKdfArg(0x12), GCM, PQH_ERR_UNSUPPORTED_SUITE),
                (
                    MLKEM512,
                    HKDF_SHA256,
                    HpkeAeadArg(0xffff),
                    PQH_ERR_UNSUPPORTED_SUITE,
                ),
            ] {
                assert_eq!(
                    seal(kem, kdf, aead, p, n, null(), 0, pt, RNG, o, cap, l),
                    want
                );
            }
            let s = |pk, pk_len, info, info_len, pt, rng, out, cap, out_len| {
                seal(
                    MLKEM512,
                    HKDF_SHA256,
                    GCM,
                    pk,
                    pk_len,
                    info,
                    info_len,
                    pt,
                    rng,
                    out,
                    cap,
                    out_len,
                )
            };
            assert_eq!(
                s(p, n, null(), 0, pt, RNG, o, cap, null_mut()),
                PQH_ERR_NULL_POINTER
            );
            assert_eq!(
                s(p, n, null(), 0, pt, None, o, cap, l),
                PQH_ERR_NULL_POINTER
            );
            assert_eq!(
                s(null(), n, null(), 0, pt, RNG, o, cap, l),
                PQH_ERR_NULL_POINTER
            );
            assert_eq!(s(p, n, null(), 1, pt, RNG, o, cap, l), PQH_ERR_NULL_POINTER);
            assert_eq!(
                s(p, n, null(), 0, null(), RNG, o, cap, l),
                PQH_ERR_NULL_POINTER
            );
            assert_eq!(
                s(p, n, null(), 0, pt, RNG, null_mut(), cap, l),
                PQH_ERR_NULL_POINTER
            );
            assert_eq!(
                s(p, n - 1, null(), 0, pt, RNG, o, cap, l),
                PQH_ERR_INVALID_LENGTH
            );
            assert_eq!(
                s(p, n, null(), 0, pt, RNG, o, cap - 1, l),
                PQH_ERR_BUFFER_TOO_SMALL
            );
            // SHAKE KDFs take at most 65535 bytes of info.
            assert_eq!(
                seal(
                    MLKEM512,
                    SHAKE128,
                    GCM,
                    p,
                    n,
                    long_info.as_ptr(),
                    long_info.len(),
                    pt,
                    RNG,
                    o,
                    cap,
                    l
                ),
                PQH_ERR_CONTEXT_TOO_LONG
            );

            // Open: the checks before the private key is expanded.
            let mut back = [SENTINEL; 10];
            let open = |kem,
                        sk: *const u8,
                        sk_len,
                        sealed: *const u8,
                        sealed_len,
                        out: *mut u8,
                        cap,
                        out_len: *mut usize| {
                pqh_hpke_open(
                    kem,
                    HKDF_SHA256,
                    GCM,
                    sk,
                    sk_len,
                    null(),
                    0,
                    null(),
                    0,
                    sealed,
                    sealed_len,
                    out,
                    cap,
                    out_len,
                )
            };
            let (sk, sealed, b) = (KEM_SK.as_ptr(), out.as_ptr(), back.as_mut_ptr());
            let m = out.len();
            assert_eq!(
                open(KemAlgArg(9), sk, 64, sealed, m, b, 10, l),
                PQH_ERR_UNKNOWN_ALGORITHM
            );
            assert_eq!(
                open(x25519_sha3, sk, 64, sealed, m, b, 10, l),
                PQH_ERR_UNSUPPORTED_SUITE
            );
            assert_eq!(
                open(MLKEM512, sk, 64, sealed, m, b, 10, null_mut()),
                PQH_ERR_NULL_POINTER
            );
            assert_eq!(
                open(MLKEM512, null(), 64, sealed, m, b, 10, l),
                PQH_ERR_NULL_POINTER
            );
            assert_eq!(
                open(MLKEM512, sk, 64, null(), m, b, 10, l),
                PQH_ERR_NULL_POINTER
            );
            assert_eq!(
                open(MLKEM512, sk, 64, sealed, m, null_mut(), 10, l),
                PQH_ERR_NULL_POINTER
            );
            assert_eq!(
                open(MLKEM512, sk, 63, sealed, m, b, 10, l),
                PQH_ERR_INVALID_LENGTH
            );
            // The private key is held in its canonical form (nothing expanded): a box shorter
            // than its overhead and a short output fail before the decapsulation.
            assert_eq!(
                open(MLKEM512, sk, 64, sealed, OVERHEAD - 1, b, 10, l),
                PQH_ERR_INVALID_LENGTH
            );
            assert_eq!(
                open(MLKEM512, sk, 64, sealed, m, b, 9, l),
                PQH_ERR_BUFFER_TOO_SMALL
            );
            assert!(untouched(&back));
        }
        assert_eq!(
            calls, 0,
            "the generator is not called when arguments are rejected"
        );
        assert!(untouched(&out));
        assert_eq!(out_len, LEN_SENTINEL);
    }

    /// Seals a 10-byte plaintext to [`KEM_SK`]'s key (at an odd address, in a buffer one byte
    /// longer than the box): the box and its length.
    fn hpke_seal_small() -> (Vec<u8>, usize) {
        let pk = kem_pk();
        let (pt, info, aad) = hpke_small_inputs();
        let len = OVERHEAD + pt.len();
        // Odd addresses, and one byte more room than needed: the box goes to the start.
        let mut sealed = Window::new(3, len + 1);
        let mut sealed_len = LEN_SENTINEL;
        let mut calls = 0usize;
        // SAFETY: every pointer is valid for the length passed with it; `ctx` is a usize.
        let st = unsafe {
            pqh_hpke_seal(
                MLKEM512,
                HKDF_SHA256,
                GCM,
                pk.as_ptr(),
                pk.len(),
                info.as_ptr(),
                info.len(),
                aad.as_ptr(),
                aad.len(),
                pt.as_ptr(),
                pt.len(),
                RNG,
                (&raw mut calls).cast(),
                sealed.ptr(),
                sealed.len,
                &mut sealed_len,
            )
        };
        assert_eq!(st, PQH_OK);
        assert_eq!(sealed_len, len);
        assert!(calls > 0);
        assert!(sealed.fenced());
        assert_eq!(sealed.bytes()[len], SENTINEL, "wrote past the box");
        (sealed.bytes()[..len].to_vec(), sealed_len)
    }

    /// The plaintext of [`hpke_seal_small`] and its `info` and `aad`.
    fn hpke_small_inputs() -> (Vec<u8>, &'static [u8], &'static [u8]) {
        let pt = (0..10u8).map(|i| i ^ 0x5a).collect();
        (pt, b"miri info", b"miri aad")
    }

    #[test]
    fn hpke_seal_writes_the_box() {
        let (sealed, len) = hpke_seal_small();
        assert_eq!(len, OVERHEAD + 10);
        assert_eq!(sealed.len(), len);
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "an ML-KEM-512 key generation and decapsulation: about a minute under Miri"
    )]
    fn hpke_open_round_trip() {
        let (pt, info, aad) = hpke_small_inputs();
        let (mut box_, sealed_len) = hpke_seal_small();
        let mut back = Window::new(1, pt.len());
        let mut back_len = LEN_SENTINEL;
        // SAFETY: as above.
        let st = unsafe {
            pqh_hpke_open(
                MLKEM512,
                HKDF_SHA256,
                GCM,
                KEM_SK.as_ptr(),
                KEM_SK.len(),
                info.as_ptr(),
                info.len(),
                aad.as_ptr(),
                aad.len(),
                box_.as_ptr(),
                sealed_len,
                back.ptr(),
                back.len,
                &mut back_len,
            )
        };
        assert_eq!(st, PQH_OK);
        assert_eq!(back_len, pt.len());
        assert_eq!(back.bytes(), &pt[..]);
        assert!(back.fenced());
        // A flipped tag bit: authentication fails, the plaintext area is zeroed and the length
        // untouched.
        box_[sealed_len - 1] ^= 1;
        let mut back = Window::new(1, pt.len());
        let mut back_len = LEN_SENTINEL;
        // SAFETY: as above.
        let st = unsafe {
            pqh_hpke_open(
                MLKEM512,
                HKDF_SHA256,
                GCM,
                KEM_SK.as_ptr(),
                KEM_SK.len(),
                info.as_ptr(),
                info.len(),
                aad.as_ptr(),
                aad.len(),
                box_.as_ptr(),
                sealed_len,
                back.ptr(),
                back.len,
                &mut back_len,
            )
        };
        assert_eq!(st, PQH_ERR_AUTHENTICATION_FAILED);
        assert!(back.bytes().iter().all(|&b| b == 0) && back.fenced());
        assert_eq!(back_len, LEN_SENTINEL);
    }

    // ---- identity sealing ----

    /// Caller memory for a pqh_identity, with room to place it misaligned.
    #[repr(C, align(16))]
    struct IdSlot([u8; PQH_IDENTITY_SIZE + PQH_IDENTITY_ALIGN]);

    impl IdSlot {
        fn boxed() -> Box<IdSlot> {
            Box::new(IdSlot([0; PQH_IDENTITY_SIZE + PQH_IDENTITY_ALIGN]))
        }
        fn ptr(&mut self) -> *mut pqh_identity {
            self.0.as_mut_ptr().cast()
        }
    }

    #[test]
    fn identity_seal_open_reject_bad_state_and_pointers() {
        assert_eq!(
            pqh_identity_sealed_len(5),
            5 + PQH_IDENTITY_SEAL_OVERHEAD_BYTES
        );
        assert_eq!(pqh_identity_sealed_len(usize::MAX), usize::MAX);
        let mut slot = IdSlot::boxed();
        let st = slot.ptr();
        let pt = [3u8; 8];
        let mut out = [SENTINEL; 8 + PQH_IDENTITY_SEAL_OVERHEAD_BYTES];
        let mut n = LEN_SENTINEL;
        let mut calls = 0usize;
        let ctx = (&raw mut calls).cast::<c_void>();
        // SAFETY: `st` is zeroed identity-sized memory (or NULL / misaligned where tested);
        // every other non-NULL pointer is valid for its length.
        unsafe {
            let misaligned = st.cast::<u8>().add(8).cast::<pqh_identity>();
            let (o, cap) = (out.as_mut_ptr(), out.len());
            let seal = |st: *const pqh_identity, out_written: *mut usize, rng| {
                pqh_identity_seal(
                    st,
                    b"label".as_ptr(),
                    5,
                    null(),
                    0,
                    pt.as_ptr(),
                    pt.len(),
                    o,
                    cap,
                    out_written,
                    rng,
                    ctx,
                )
            };
            assert_eq!(seal(st, null_mut(), RNG), PQH_ERR_NULL_POINTER);
            assert_eq!(seal(st, &mut n, None), PQH_ERR_NULL_POINTER);
            assert_eq!(seal(null(), &mut n, RNG), PQH_ERR_NULL_POINTER);
            // Zeroed memory, a misaligned state, a wiped state: not measured.
            assert_eq!(seal(st, &mut n, RNG), PQH_ERR_INVALID_STATE);
            assert_eq!(seal(misaligned, &mut n, RNG), PQH_ERR_INVALID_STATE);
            assert_eq!(pqh_identity_wipe(misaligned), PQH_ERR_INVALID_STATE);
            assert_eq!(pqh_identity_wipe(null_mut()), PQH_ERR_NULL_POINTER);
            assert_eq!(pqh_identity_wipe(st), PQH_OK);
            assert_eq!(seal(st, &mut n, RNG), PQH_ERR_INVALID_STATE);

            let blob = [0u8; PQH_IDENTITY_SEAL_OVERHEAD_BYTES + 8];
            let mut back = [SENTINEL; 8];
            let bk = back.as_mut_ptr();
            let open = |st: *const pqh_identity, label: *const u8, out_written: *mut usize| {
                pqh_identity_open(
                    st,
                    label,
                    5,
                    null(),
                    0,
                    blob.as_ptr(),
                    blob.len(),
                    bk,
                    8,
                    out_written,
                )
            };
            assert_eq!(
                open(st, b"label".as_ptr(), null_mut()),
                PQH_ERR_NULL_POINTER
            );
            assert_eq!(
                open(null(), b"label".as_ptr(), &mut n),
                PQH_ERR_NULL_POINTER
            );
            assert_eq!(open(st, b"label".as_ptr(), &mut n), PQH_ERR_INVALID_STATE);
            assert_eq!(
                open(misaligned, b"label".as_ptr(), &mut n),
                PQH_ERR_INVALID_STATE
            );
            assert!(untouched(&back));
        }
        assert_eq!(calls, 0);
        assert!(untouched(&out));
        assert_eq!(n, LEN_SENTINEL);
    }

    /// A pqh_fw_image_info for pqh_identity_measure: zeroed (valid: integers and byte arrays),
    /// then the facts the identity uses.
    fn image_info() -> pqh_fw_image_info {
        // SAFETY: every field is an integer, an integer newtype or a byte array.
        let mut i: pqh_fw_image_info = unsafe { core::mem::zeroed() };
        i.security_version = 7;
        i.device_class = [0x11; 16];
        i.algorithm = SigAlgArg(pqh_sig_alg::PQH_SIG_MLDSA44 as u32);
        i.header_len = 192;
        i.payload_len = 1000;
        i.signer_key_id = [0x22; 32];
        i.payload_digest = [0x33; 64];
        i.payload_digest_len = 32;
        i.image_id = [0x44; 32];
        i
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "two ML-DSA-44 key derivations (init, measure): over two minutes under Miri"
    )]
    fn identity_seal_open_round_trip() {
        let mut slot = IdSlot::boxed();
        let st = slot.ptr();
        let uds = [0x5a_u8; 32];
        let hidden = [0x77_u8; 64];
        let info = image_info();
        let normal = ModeArg(pqh_identity_mode::PQH_IDENTITY_MODE_NORMAL as u32);
        let ml44 = SigAlgArg(pqh_sig_alg::PQH_SIG_MLDSA44 as u32);
        let pt: Vec<u8> = (0..20u8).collect();
        let (label, aad) = (b"wifi", b"slot 2");
        let len = pqh_identity_sealed_len(pt.len());
        let mut blob = Window::new(5, len + 2);
        let mut n = LEN_SENTINEL;
        let mut calls = 0usize;
        let ctx = (&raw mut calls).cast::<c_void>();
        // SAFETY: `st` is aligned, zeroed identity-sized memory used only through this pointer;
        // every other pointer is valid for the length passed with it.
        unsafe {
            assert_eq!(pqh_identity_init(st, ml44, uds.as_ptr()), PQH_OK);
            let seal = |pt: *const u8, out: *mut u8, cap, n: *mut usize| {
                pqh_identity_seal(
                    st,
                    label.as_ptr(),
                    label.len(),
                    aad.as_ptr(),
                    aad.len(),
                    pt,
                    20,
                    out,
                    cap,
                    n,
                    RNG,
                    ctx,
                )
            };
            // Initialized, not measured.
            assert_eq!(
                seal(pt.as_ptr(), blob.ptr(), blob.len, &mut n),
                PQH_ERR_INVALID_STATE
            );
            assert_eq!(
                pqh_identity_measure(st, &info, normal, hidden.as_ptr()),
                PQH_OK
            );
            // Short output; output inside the state; output over the plaintext; out_written
            // inside the state.
            assert_eq!(
                seal(pt.as_ptr(), blob.ptr(), len - 1, &mut n),
                PQH_ERR_BUFFER_TOO_SMALL
            );
            assert_eq!(
                seal(pt.as_ptr(), st.cast::<u8>().add(100), len, &mut n),
                PQH_ERR_INVALID_ARGUMENT
            );
            let mut scratch = vec![0u8; len + 20];
            let sp = scratch.as_mut_ptr();
            assert_eq!(seal(sp, sp.add(10), len, &mut n), PQH_ERR_INVALID_ARGUMENT);
            assert_eq!(
                seal(pt.as_ptr(), blob.ptr(), len, st.cast::<u8>().add(64).cast()),
                PQH_ERR_INVALID_ARGUMENT
            );
            assert_eq!(calls, 0);
            assert!(untouched(blob.bytes()) && n == LEN_SENTINEL);
            assert_eq!(seal(pt.as_ptr(), blob.ptr(), blob.len, &mut n), PQH_OK);
            assert_eq!(n, len);
            assert!(blob.fenced() && untouched(&blob.bytes()[len..]));

            let mut back = Window::new(3, pt.len());
            let mut m = LEN_SENTINEL;
            let open =
                |label: &[u8], blob: *const u8, blob_len, out: *mut u8, cap, m: *mut usize| {
                    pqh_identity_open(
                        st,
                        label.as_ptr(),
                        label.len(),
                        aad.as_ptr(),
                        aad.len(),
                        blob,
                        blob_len,
                        out,
                        cap,
                        m,
                    )
                };
            let long_label = [b'x'; PQH_IDENTITY_SEAL_LABEL_MAX_BYTES + 1];
            assert_eq!(
                open(&long_label, blob.ptr(), len, back.ptr(), back.len, &mut m),
                PQH_ERR_CONTEXT_TOO_LONG
            );
            assert_eq!(
                open(
                    label,
                    blob.ptr(),
                    PQH_IDENTITY_SEAL_OVERHEAD_BYTES - 1,
                    back.ptr(),
                    back.len,
                    &mut m
                ),
                PQH_ERR_INVALID_LENGTH
            );
            assert_eq!(
                open(label, blob.ptr(), len, back.ptr(), back.len - 1, &mut m),
                PQH_ERR_BUFFER_TOO_SMALL
            );
            assert!(untouched(back.bytes()) && m == LEN_SENTINEL);
            assert_eq!(
                open(label, blob.ptr(), len, back.ptr(), back.len, &mut m),
                PQH_OK
            );
            assert_eq!(m, pt.len());
            assert_eq!(back.bytes(), &pt[..]);
            assert!(back.fenced());
            // Another label: authentication fails and the plaintext area is zeroed.
            let mut m = LEN_SENTINEL;
            assert_eq!(
                open(b"wifj", blob.ptr(), len, back.ptr(), back.len, &mut m),
                PQH_ERR_AUTHENTICATION_FAILED
            );
            assert!(back.bytes().iter().all(|&b| b == 0) && back.fenced());
            assert_eq!(m, LEN_SENTINEL);

            // Wiped: unusable.
            assert_eq!(pqh_identity_wipe(st), PQH_OK);
            assert_eq!(
                open(label, blob.ptr(), len, back.ptr(), back.len, &mut m),
                PQH_ERR_INVALID_STATE
            );
        }
    }

    // ---- encrypted firmware: pqh_fw_encrypt_payload ----

    fn fw_plaintext() -> Vec<u8> {
        (0..FW_PLAINTEXT_LEN as u32)
            .map(|i| (i * 13 + 5) as u8)
            .collect()
    }

    fn enc_params(pk: &[u8]) -> pqh_fw_encryption_params {
        pqh_fw_encryption_params {
            kem: MLKEM512,
            kdf: HKDF_SHA256,
            aead: GCM,
            recipient_pk: pk.as_ptr(),
            recipient_pk_len: pk.len(),
            device_class: FW_CLASS,
            chunk_size: FW_CHUNK,
            digest: PQH_FW_DIGEST_SHA256,
        }
    }

    fn payload_len() -> usize {
        pqh_fw_encrypted_payload_len(MLKEM512, FW_PLAINTEXT_LEN, FW_CHUNK)
    }

    /// The encrypted payload of [`fw_plaintext`] to [`KEM_SK`]'s key (deterministic: the
    /// counting generator from 0), written at an odd address.
    fn encrypt_c() -> Vec<u8> {
        let pk = kem_pk();
        let pt = fw_plaintext();
        let p = enc_params(pk);
        let len = payload_len();
        let mut out = Window::new(1, len + 3);
        let mut n = LEN_SENTINEL;
        let mut calls = 0usize;
        // SAFETY: every pointer is valid for the length passed with it; `ctx` is a usize.
        let st = unsafe {
            pqh_fw_encrypt_payload(
                &p,
                pt.as_ptr(),
                pt.len(),
                RNG,
                (&raw mut calls).cast(),
                out.ptr(),
                out.len,
                &mut n,
            )
        };
        assert_eq!(st, PQH_OK);
        assert_eq!(n, len);
        assert!(out.fenced() && untouched(&out.bytes()[len..]));
        out.bytes()[..len].to_vec()
    }

    #[test]
    fn fw_encrypt_payload_rejects_bad_arguments() {
        let two_chunks = FW_PLAINTEXT_LEN + 2 * PQH_FW_CHUNK_TAG_BYTES;
        let record = payload_len() - two_chunks;
        assert!(record > PQH_MLKEM512_CIPHERTEXTBYTES);
        assert_eq!(
            pqh_fw_encrypted_payload_len(MLKEM512, 0, FW_CHUNK),
            record + 16
        );
        assert_eq!(pqh_fw_encrypted_payload_len(MLKEM512, 10, 63), 0);
        assert_eq!(pqh_fw_encrypted_payload_len(MLKEM512, 10, 65537), 0);
        assert_eq!(pqh_fw_encrypted_payload_len(KemAlgArg(5), 10, FW_CHUNK), 0);
        assert_eq!(pqh_fw_encrypted_payload_len(KemAlgArg(0), 10, FW_CHUNK), 0);

        let pk = vec![0x11u8; PQH_MLKEM512_PUBLICKEYBYTES];
        let pt = fw_plaintext();
        let mut out = vec![SENTINEL; payload_len()];
        let mut n = LEN_SENTINEL;
        let mut calls = 0usize;
        let ctx = (&raw mut calls).cast::<c_void>();
        // SAFETY: every non-NULL pointer is valid for the length passed with it (the parameter
        // block is read unaligned from a byte buffer in one case).
        unsafe {
            let call = |p: *const pqh_fw_encryption_params,
                        pt: *const u8,
                        rng,
                        out: *mut u8,
                        cap,
                        n: *mut usize| {
                pqh_fw_encrypt_payload(p, pt, FW_PLAINTEXT_LEN, rng, ctx, out, cap, n)
            };
            let good = enc_params(&pk);
            let (o, cap) = (out.as_mut_ptr(), out.len());
            assert_eq!(
                call(null(), pt.as_ptr(), RNG, o, cap, &mut n),
                PQH_ERR_NULL_POINTER
            );
            for (edit, want) in [
                (
                    (|p: &mut pqh_fw_encryption_params| p.kem = KemAlgArg(0))
                        as fn(&mut pqh_fw_encryption_params),
                    PQH_ERR_UNKNOWN_ALGORITHM,
                ),
                (|p| p.kem = KemAlgArg(5), PQH_ERR_UNSUPPORTED_SUITE),
                (|p| p.kdf = HpkeKdfArg(0), PQH_ERR_UNSUPPORTED_SUITE),
                (|p| p.aead = HpkeAeadArg(0), PQH_ERR_UNSUPPORTED_SUITE),
                (|p| p.digest = 0, PQH_ERR_INVALID_ARGUMENT),
                (
                    |p| p.digest = 256 + PQH_FW_DIGEST_SHA256,
                    PQH_ERR_INVALID_ARGUMENT,
                ),
                (|p| p.chunk_size = 63, PQH_ERR_INVALID_ARGUMENT),
                (|p| p.chunk_size = 65537, PQH_ERR_INVALID_ARGUMENT),
                (|p| p.recipient_pk = null(), PQH_ERR_NULL_POINTER),
                (|p| p.recipient_pk_len -= 1, PQH_ERR_INVALID_LENGTH),
            ] {
                let mut p = good;
                edit(&mut p);
                assert_eq!(call(&p, pt.as_ptr(), RNG, o, cap, &mut n), want);
            }
            assert_eq!(
                call(&good, null(), RNG, o, cap, &mut n),
                PQH_ERR_NULL_POINTER
            );
            assert_eq!(
                call(&good, pt.as_ptr(), None, o, cap, &mut n),
                PQH_ERR_NULL_POINTER
            );
            assert_eq!(
                call(&good, pt.as_ptr(), RNG, o, cap, null_mut()),
                PQH_ERR_NULL_POINTER
            );
            assert_eq!(
                call(&good, pt.as_ptr(), RNG, null_mut(), cap, &mut n),
                PQH_ERR_NULL_POINTER
            );
            assert_eq!(
                call(&good, pt.as_ptr(), RNG, o, cap - 1, &mut n),
                PQH_ERR_BUFFER_TOO_SMALL
            );
            // The output over the plaintext, over the key.
            let mut scratch = vec![0u8; cap + FW_PLAINTEXT_LEN];
            let sp = scratch.as_mut_ptr();
            assert_eq!(
                call(&good, sp, RNG, sp.add(10), cap, &mut n),
                PQH_ERR_INVALID_ARGUMENT
            );
            let mut over_key = good;
            over_key.recipient_pk = sp.add(20);
            assert_eq!(
                call(&over_key, pt.as_ptr(), RNG, sp, cap, &mut n),
                PQH_ERR_INVALID_ARGUMENT
            );
            // An unaligned parameter block is fine: it fails on its content only.
            let mut raw = vec![0u8; size_of::<pqh_fw_encryption_params>() + 1];
            let unaligned = raw.as_mut_ptr().add(1).cast::<pqh_fw_encryption_params>();
            let mut bad = good;
            bad.chunk_size = 0;
            unaligned.write_unaligned(bad);
            assert_eq!(
                call(unaligned, pt.as_ptr(), RNG, o, cap, &mut n),
                PQH_ERR_INVALID_ARGUMENT
            );
        }
        assert_eq!(
            calls, 0,
            "the generator is not called when arguments are rejected"
        );
        assert!(untouched(&out));
        assert_eq!(n, LEN_SENTINEL);
    }

    #[test]
    fn fw_encrypt_payload_makes_the_embedded_payload() {
        let image = encrypted_image();
        let payload = encrypt_c();
        assert_eq!(payload[..], image[192..192 + payload.len()]);
    }

    // ---- encrypted firmware: the verifier's record digest and pqh_fw_decryptor ----

    /// Caller memory for a decryptor, with room to place it misaligned.
    #[repr(C, align(16))]
    struct DecSlot([u8; PQH_FW_DECRYPTOR_SIZE + PQH_FW_DECRYPTOR_ALIGN]);

    impl DecSlot {
        fn boxed() -> Box<DecSlot> {
            Box::new(DecSlot([0; PQH_FW_DECRYPTOR_SIZE + PQH_FW_DECRYPTOR_ALIGN]))
        }
        fn ptr(&mut self) -> *mut pqh_fw_decryptor {
            self.0.as_mut_ptr().cast()
        }
    }

    /// Caller memory for a `pqh_fw_decrypted_info`, every byte [`SENTINEL`] (see [`InfoBuf`]).
    #[repr(C, align(8))]
    struct DecInfo([u8; size_of::<pqh_fw_decrypted_info>()]);

    impl DecInfo {
        fn new() -> Self {
            DecInfo([SENTINEL; size_of::<pqh_fw_decrypted_info>()])
        }
        fn ptr(&mut self) -> *mut pqh_fw_decrypted_info {
            self.0.as_mut_ptr().cast()
        }
        fn untouched(&self) -> bool {
            untouched(&self.0)
        }
    }

    fn fw_policy(anchor: &[pqh_fw_trust_anchor; 1]) -> pqh_fw_policy {
        pqh_fw_policy {
            trust_anchors: anchor.as_ptr(),
            trust_anchors_len: 1,
            min_security_version: 0,
            max_security_version: u64::from(u32::MAX),
            device_class: FW_CLASS,
            allowed_algorithms: PQH_FW_ALGS_ALL,
            endorse_allowed_algorithms: 0,
            flags: PQH_FW_POLICY_ACCEPT_ENCRYPTED,
        }
    }

    #[test]
    fn fw_decryptor_rejects_bad_state_and_pointers() {
        let mut slot = DecSlot::boxed();
        let d = slot.ptr();
        let mut vslot = Slot::boxed();
        let v = vslot.ptr();
        let mut buf = Window::new(1, 83);
        let mut info = DecInfo::new();
        let input = [0u8; 16];
        let mut out = [SENTINEL; 200];
        let mut n = LEN_SENTINEL;
        let mut digest = [SENTINEL; PQH_FW_RECORD_DIGEST_BYTES];
        // SAFETY: `d` and `v` point to zeroed, aligned memory of the right sizes (or NULL /
        // misaligned where tested); every other pointer is valid for its length.
        unsafe {
            let misaligned = d.cast::<u8>().add(8).cast::<pqh_fw_decryptor>();
            // Zeroed memory: not initialized.
            assert_eq!(pqh_fw_decryptor_max_output(d, 10), 0);
            assert_eq!(pqh_fw_decryptor_max_output(null(), 10), 0);
            assert_eq!(pqh_fw_decryptor_max_output(misaligned, 10), 0);
            let update = |d, out: *mut u8, n: *mut usize| {
                pqh_fw_decryptor_update(d, input.as_ptr(), input.len(), out, 200, n)
            };
            assert_eq!(update(d, out.as_mut_ptr(), &mut n), PQH_ERR_INVALID_STATE);
            assert_eq!(
                update(null_mut(), out.as_mut_ptr(), &mut n),
                PQH_ERR_NULL_POINTER
            );
            assert_eq!(
                update(misaligned, out.as_mut_ptr(), &mut n),
                PQH_ERR_INVALID_STATE
            );
            assert_eq!(
                pqh_fw_decryptor_finish(d, info.ptr()),
                PQH_ERR_INVALID_STATE
            );
            assert_eq!(
                pqh_fw_decryptor_finish(null_mut(), info.ptr()),
                PQH_ERR_NULL_POINTER
            );
            assert_eq!(
                pqh_fw_decryptor_check_plaintext_digest(d),
                PQH_ERR_INVALID_STATE
            );
            assert_eq!(
                pqh_fw_decryptor_check_plaintext_digest(null_mut()),
                PQH_ERR_NULL_POINTER
            );
            assert_eq!(pqh_fw_decryptor_wipe(null_mut()), PQH_ERR_NULL_POINTER);
            assert_eq!(pqh_fw_decryptor_wipe(misaligned), PQH_ERR_INVALID_STATE);
            assert_eq!(pqh_fw_decryptor_wipe(d), PQH_OK, "wiping zeroed memory");

            // Init from a verifier that never verified anything: fails closed.
            let init = |d, v, kem, sk: *const u8, sk_len, cb: *mut u8, cb_len| {
                pqh_fw_decryptor_init(d, v, kem, sk, sk_len, cb, cb_len)
            };
            let (sk, cb, cbl) = (KEM_SK.as_ptr(), buf.ptr(), buf.len);
            assert_eq!(
                init(null_mut(), v, MLKEM512, sk, 64, cb, cbl),
                PQH_ERR_NULL_POINTER
            );
            assert_eq!(
                init(misaligned, v, MLKEM512, sk, 64, cb, cbl),
                PQH_ERR_INVALID_STATE
            );
            assert_eq!(
                init(d, null(), MLKEM512, sk, 64, cb, cbl),
                PQH_ERR_NULL_POINTER
            );
            assert_eq!(init(d, v, MLKEM512, sk, 64, cb, cbl), PQH_ERR_INVALID_STATE);
            assert_eq!(update(d, out.as_mut_ptr(), &mut n), PQH_ERR_INVALID_STATE);
            assert_eq!(
                pqh_fw_decryptor_finish(d, info.ptr()),
                PQH_ERR_INVALID_STATE
            );
            let anchors = [anchor(1, pqh_fw_key_state::PQH_FW_KEY_ACTIVE)];
            let p = policy(&anchors);
            assert_eq!(pqh_fw_verifier_init(v, &p), PQH_OK);
            assert_eq!(
                init(d, v, MLKEM512, sk, 64, cb, cbl),
                PQH_ERR_INVALID_STATE,
                "verifying"
            );

            // The record digest of a verifier that did not finish with PQH_OK.
            let dg = digest.as_mut_ptr();
            assert_eq!(
                pqh_fw_verifier_encryption_record_digest(v, dg, digest.len()),
                PQH_ERR_INVALID_STATE
            );
            assert_eq!(
                pqh_fw_verifier_encryption_record_digest(null(), dg, digest.len()),
                PQH_ERR_NULL_POINTER
            );
        }
        assert!(untouched(&out) && untouched(&digest) && info.untouched());
        assert!(untouched(buf.bytes()) && buf.fenced());
        assert_eq!(n, LEN_SENTINEL);
    }

    /// Feeds `image` to `d` in pieces of the sizes in `sizes` (cycled), each into an
    /// output buffer at an odd address sized by pqh_fw_decryptor_max_output; the plaintext
    /// released, or the first error.
    ///
    /// # Safety
    /// `d` must be a pqh_fw_decryptor.
    unsafe fn feed(
        d: *mut pqh_fw_decryptor,
        image: &[u8],
        sizes: &[usize],
    ) -> Result<Vec<u8>, pqh_status> {
        let mut pt = Vec::new();
        let (mut off, mut i) = (0, 0);
        while off < image.len() {
            let n = sizes[i % sizes.len()].min(image.len() - off);
            // SAFETY: the caller's contract.
            // (0 for a state that is not live: the update then fails before writing.)
            let cap = unsafe { pqh_fw_decryptor_max_output(d, n) }.max(n);
            let mut out = Window::new(1, cap);
            let mut written = LEN_SENTINEL;
            // SAFETY: the caller's contract; the buffers are valid for their lengths.
            let st = unsafe {
                pqh_fw_decryptor_update(d, image[off..].as_ptr(), n, out.ptr(), cap, &mut written)
            };
            assert!(out.fenced());
            if st != PQH_OK {
                assert_eq!(written, LEN_SENTINEL);
                return Err(st);
            }
            assert!(written <= cap);
            pt.extend_from_slice(&out.bytes()[..written]);
            off += n;
            i += 1;
        }
        Ok(pt)
    }

    #[test]
    fn fw_decryptor_round_trip_and_state_machine() {
        let image = encrypted_image();
        let anchor = [pqh_fw_trust_anchor {
            key_id: SIGNER_KEY_ID,
            state: pqhybrid_ffi::fw::KeyStateArg(pqh_fw_key_state::PQH_FW_KEY_ACTIVE as u32),
        }];
        let p = fw_policy(&anchor);
        let mut vslot = Slot::boxed();
        let v = vslot.ptr();
        let mut vinfo = InfoBuf::new();
        let mut slot = DecSlot::boxed();
        let d = slot.ptr();
        let mut copy = DecSlot::boxed();
        let c = copy.ptr();
        // The chunk buffer: one 64-byte chunk and its tag, plus 3, at an odd address.
        let mut buf = Window::new(1, FW_CHUNK as usize + PQH_FW_CHUNK_TAG_BYTES + 3);
        let (cb, cbl) = (buf.ptr(), buf.len);
        let sk = KEM_SK.as_ptr();
        // SAFETY: `v`, `d` and `c` point to aligned memory of the right sizes, each used
        // through its one pointer (`c` receives byte copies of `d`); the chunk buffer outlives
        // every decryption; every other pointer is valid for the length passed with it.
        unsafe {
            // Pass 1: the verifier (one ML-DSA-44 verification).
            assert_eq!(pqh_fw_verifier_init(v, &p), PQH_OK);
            assert_eq!(
                pqh_fw_verifier_update(v, image.as_ptr(), image.len()),
                PQH_OK
            );
            assert_eq!(pqh_fw_verifier_finish(v, vinfo.ptr()), PQH_OK);
            let mut digest = [SENTINEL; PQH_FW_RECORD_DIGEST_BYTES + 1];
            let dg = digest.as_mut_ptr();
            assert_eq!(
                pqh_fw_verifier_encryption_record_digest(v, dg, PQH_FW_RECORD_DIGEST_BYTES - 1),
                PQH_ERR_BUFFER_TOO_SMALL
            );
            assert_eq!(
                pqh_fw_verifier_encryption_record_digest(v, null_mut(), 32),
                PQH_ERR_NULL_POINTER
            );
            assert_eq!(
                pqh_fw_verifier_encryption_record_digest(v, v.cast::<u8>().add(64), 32),
                PQH_ERR_INVALID_ARGUMENT
            );
            assert!(untouched(&digest));
            assert_eq!(
                pqh_fw_verifier_encryption_record_digest(v, dg, digest.len()),
                PQH_OK
            );
            assert!(!untouched(&digest[..32]) && digest[32] == SENTINEL);

            let init = |d, kem, sk: *const u8, sk_len, cb: *mut u8, cb_len| {
                pqh_fw_decryptor_init(d, v, kem, sk, sk_len, cb, cb_len)
            };
            // Bad arguments: each leaves the state dead.
            assert_eq!(
                init(d, KemAlgArg(0), sk, 64, cb, cbl),
                PQH_ERR_UNKNOWN_ALGORITHM
            );
            assert_eq!(init(d, MLKEM512, sk, 63, cb, cbl), PQH_ERR_INVALID_LENGTH);
            assert_eq!(init(d, MLKEM512, null(), 64, cb, cbl), PQH_ERR_NULL_POINTER);
            assert_eq!(
                init(d, MLKEM512, sk, 64, null_mut(), cbl),
                PQH_ERR_NULL_POINTER
            );
            assert_eq!(
                init(d, MLKEM512, sk, 64, d.cast::<u8>().add(64), cbl),
                PQH_ERR_INVALID_ARGUMENT,
                "chunk buffer inside the state"
            );
            let mut both = vec![0u8; 64 + cbl];
            let bp = both.as_mut_ptr();
            assert_eq!(
                init(d, MLKEM512, bp, 64, bp.add(32), cbl),
                PQH_ERR_INVALID_ARGUMENT,
                "chunk buffer over the key"
            );
            assert_eq!(pqh_fw_decryptor_max_output(d, 10), 0);

            // A short output: the decryption ends with that error, once more from finish,
            // then the state is finished (a second finish is INVALID_STATE).
            let mut info = DecInfo::new();
            assert_eq!(init(d, MLKEM512, sk, 64, cb, cbl), PQH_OK);
            assert_eq!(pqh_fw_decryptor_max_output(d, 10), 10 + cbl);
            let mut out = [SENTINEL; 16];
            let mut n = LEN_SENTINEL;
            assert_eq!(
                pqh_fw_decryptor_update(d, image.as_ptr(), 10, out.as_mut_ptr(), 10, &mut n),
                PQH_ERR_BUFFER_TOO_SMALL
            );
            assert_eq!(
                pqh_fw_decryptor_update(d, image.as_ptr(), 10, out.as_mut_ptr(), 16, &mut n),
                PQH_ERR_BUFFER_TOO_SMALL,
                "errors stick"
            );
            assert_eq!(pqh_fw_decryptor_max_output(d, 10), 0);
            assert_eq!(
                pqh_fw_decryptor_finish(d, info.ptr()),
                PQH_ERR_BUFFER_TOO_SMALL
            );
            assert_eq!(
                pqh_fw_decryptor_finish(d, info.ptr()),
                PQH_ERR_INVALID_STATE
            );
            assert!(untouched(&out) && n == LEN_SENTINEL && info.untouched());

            // Overlapping buffers: the output over the chunk buffer, over the state; the input
            // over the output; out_len inside the state.
            for (input, output, cap, out_len) in [
                (image.as_ptr(), cb, cbl, &raw mut n),
                (image.as_ptr(), d.cast::<u8>().add(512), 4 + cbl, &raw mut n),
                (both.as_ptr(), bp.add(2), 4 + cbl, &raw mut n),
                (
                    image.as_ptr(),
                    bp,
                    4 + cbl,
                    d.cast::<u8>().add(256).cast::<usize>(),
                ),
            ] {
                assert_eq!(init(d, MLKEM512, sk, 64, cb, cbl), PQH_OK);
                assert_eq!(
                    pqh_fw_decryptor_update(d, input, 4, output, cap, out_len),
                    PQH_ERR_INVALID_ARGUMENT
                );
                assert_eq!(
                    pqh_fw_decryptor_update(d, image.as_ptr(), 4, out.as_mut_ptr(), 16, &mut n),
                    PQH_ERR_INVALID_ARGUMENT
                );
            }
            assert_eq!(n, LEN_SENTINEL);

            // A NULL info ends the decryption without a result.
            assert_eq!(init(d, MLKEM512, sk, 64, cb, cbl), PQH_OK);
            assert_eq!(feed(d, &image[..100], &[7]), Ok(Vec::new()));
            assert_eq!(pqh_fw_decryptor_finish(d, null_mut()), PQH_ERR_NULL_POINTER);
            assert_eq!(
                pqh_fw_decryptor_finish(d, info.ptr()),
                PQH_ERR_INVALID_STATE
            );

            // Use after wipe, and a moved (byte-copied) state.
            assert_eq!(init(d, MLKEM512, sk, 64, cb, cbl), PQH_OK);
            assert_eq!(feed(d, &image[..50], &[50]), Ok(Vec::new()));
            core::ptr::copy_nonoverlapping(d.cast::<u8>(), c.cast::<u8>(), PQH_FW_DECRYPTOR_SIZE);
            assert_eq!(pqh_fw_decryptor_max_output(c, 1), 0, "moved");
            assert_eq!(feed(c, &image[50..60], &[10]), Err(PQH_ERR_INVALID_STATE));
            assert_eq!(
                pqh_fw_decryptor_finish(c, info.ptr()),
                PQH_ERR_INVALID_STATE
            );
            assert_eq!(pqh_fw_decryptor_wipe(c), PQH_OK);
            assert!(copy.0.iter().all(|&b| b == 0), "wipe zeroes the copy");
            let c = copy.ptr();
            assert_eq!(pqh_fw_decryptor_wipe(d), PQH_OK);
            assert_eq!(feed(d, &image[50..60], &[10]), Err(PQH_ERR_INVALID_STATE));
            assert_eq!(
                pqh_fw_decryptor_finish(d, info.ptr()),
                PQH_ERR_INVALID_STATE
            );
            assert_eq!(
                pqh_fw_decryptor_check_plaintext_digest(d),
                PQH_ERR_INVALID_STATE
            );
            assert_eq!(pqh_fw_decryptor_max_output(d, 1), 0);
            assert!(info.untouched());

            // The whole image, in odd pieces, with the plaintext digest checked (one
            // decapsulation, when the record completes).
            assert_eq!(init(d, MLKEM512, sk, 64, cb, cbl), PQH_OK);
            assert_eq!(pqh_fw_decryptor_check_plaintext_digest(d), PQH_OK);
            let pt = feed(d, &image, &[1, 191, 7, 300, 61, 2000]).unwrap();
            assert_eq!(pt, fw_plaintext());
            assert!(buf.fenced());
            assert_eq!(pqh_fw_decryptor_finish(d, info.ptr()), PQH_OK);
            let got = info.ptr().read();
            assert_eq!(got.plaintext_len as usize, FW_PLAINTEXT_LEN);
            assert_eq!(got.plaintext_digest_len, 32);
            assert_eq!(got.plaintext_digest_checked, 1);
            assert!(got.plaintext_digest[32..].iter().all(|&b| b == 0));
            // Finished: double finish, update after finish, wipe.
            let mut again = DecInfo::new();
            assert_eq!(
                pqh_fw_decryptor_finish(d, again.ptr()),
                PQH_ERR_INVALID_STATE
            );
            assert!(again.untouched());
            assert_eq!(feed(d, &image[..1], &[1]), Err(PQH_ERR_INVALID_STATE));
            assert_eq!(pqh_fw_decryptor_wipe(d), PQH_OK);
            assert_eq!(pqh_fw_decryptor_wipe(c), PQH_OK);
            assert!(slot.0.iter().all(|&b| b == 0), "wipe zeroes the state");
        }
    }

    // ---- the embedded image ----

    /// The ML-DSA-44 key that signs the image: from this seed.
    const SIGNER_SEED: [u8; 32] = [0x44; 32];

    /// The signed image of [`fw_plaintext`] encrypted to [`KEM_SK`]'s key
    /// ([`encrypt_c`]), signed with [`SIGNER_SEED`]'s ML-DSA-44 key: [`make_encrypted_image`].
    fn encrypted_image() -> Vec<u8> {
        unhex(ENCRYPTED_IMAGE_HEX)
    }

    fn unhex(s: &str) -> Vec<u8> {
        let digits: Vec<u8> = s
            .bytes()
            .filter(u8::is_ascii_hexdigit)
            .map(|c| (c as char).to_digit(16).unwrap() as u8)
            .collect();
        digits.chunks(2).map(|p| (p[0] << 4) | p[1]).collect()
    }

    /// What [`encrypted_image`] and [`SIGNER_KEY_ID`] are, built from scratch.
    fn make_encrypted_image() -> (Vec<u8>, [u8; 32]) {
        use pqhybrid::SignatureAlgorithm;
        use pqhybrid::firmware::{DeviceClass, ImageParams, sign_image_deterministic};
        let payload = encrypt_c();
        let alg = SignatureAlgorithm::MlDsa44;
        let mut pk = vec![0u8; alg.public_key_len()];
        let mut sk = vec![0u8; alg.secret_key_len()];
        alg.keypair_from_seed(&SIGNER_SEED, &mut pk, &mut sk)
            .unwrap();
        let mut params = ImageParams::new(DeviceClass(FW_CLASS), 5);
        params.encrypted = true;
        let mut out = vec![0u8; 16384];
        let n = sign_image_deterministic(&params, &payload, alg, &sk, None, &mut out).unwrap();
        out.truncate(n);
        let mut id = [0u8; 32];
        // SAFETY: valid buffers of the given lengths.
        let st = unsafe {
            pqh_fw_key_id(
                SigAlgArg(pqh_sig_alg::PQH_SIG_MLDSA44 as u32),
                pk.as_ptr(),
                pk.len(),
                id.as_mut_ptr(),
                id.len(),
            )
        };
        assert_eq!(st, PQH_OK);
        (out, id)
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "ML-DSA-44 signing: minutes under Miri (and nothing unsafe)"
    )]
    fn embedded_encrypted_image_is_current() {
        let (image, id) = make_encrypted_image();
        let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
        if image != encrypted_image() || id != SIGNER_KEY_ID {
            let lines: Vec<String> = hex(&image)
                .as_bytes()
                .chunks(96)
                .map(|l| format!("    {}\\", String::from_utf8_lossy(l)))
                .collect();
            panic!(
                "the embedded image is stale; replace ENCRYPTED_IMAGE_HEX and SIGNER_KEY_ID \
                 in ffi/tests/miri.rs with:\nconst ENCRYPTED_IMAGE_HEX: &str = \"\\\n{}\n\";\n\
                 const SIGNER_KEY_ID: [u8; 32] = unhex32(\"{}\");",
                lines.join("\n"),
                hex(&id)
            );
        }
    }

    const fn unhex32(s: &str) -> [u8; 32] {
        let b = s.as_bytes();
        let mut out = [0u8; 32];
        let mut i = 0;
        while i < 32 {
            out[i] = (hex_digit(b[2 * i]) << 4) | hex_digit(b[2 * i + 1]);
            i += 1;
        }
        out
    }

    const fn hex_digit(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            _ => c - b'a' + 10,
        }
    }

    const SIGNER_KEY_ID: [u8; 32] =
        unhex32("7757d87128625f77c7f3fd4a198d6f20f01aa28cc4b7360faa36954d941eb1e2");
    const ENCRYPTED_IMAGE_HEX: &str = "\
    505146570200c0003404000001000104050000000000000000000000000000006d6972692d656e637279707465642d31\
    7757d87128625f77c7f3fd4a198d6f20f01aa28cc4b7360faa36954d941eb1e29fe378d067e365bed7cbff501fa5898d\
    f59a13471404c2f511cbd2ce372a91990000000000000000000000000000000000000000000000000000000000000000\
    00000000000000000000000000000000000000000000000000000000000000009e0e0000000000000000000000000000\
    5051454e0101b00340000100020000034000000064000000c30c644308a9e504bdc8a61d2b029af1272553f3745f3b8b\
    1209ef25e528993009eb2cb24c0f8b02130009dd4e51ca64ed1261d45b0290a07d0c8ebd32934e1c0000000000000000\
    0000000000000000000000000000000000000000000000000000000000000000ffdcda0227b9f9a2f2a68dd992619ffa\
    b60e216b7e3cde1f0aa1af603591f2330bfddfe6007d7d35cc0e489ddb65f783a6b6186e5c67d3140b30cd1aa6a58493\
    c94abd497fbabc3dd489631e339bc71e93947be326aca6cf6459c77aa7966c13c7b56a0cb24b4a8913a2809306e2505a\
    04a5c58e18c099fdcdd1f177e3d00a41a44df7fc533c973789dea0e8046b908ab210054860c5627267841b84b56660c4\
    47c89c1f2b8e4082684a388e5019730ac59988b7a5f2766d750a03d567afe81d199df793c88509a06eaa826eeac4ba17\
    a5e72945f269c537ce256fd6b3d6908b7ea902d6089686ca05b6b689c5886879b1b3e4bec958a49247c45d9582e48e45\
    70bcbf116efc324736cac1420430e7aa5905826b892541ca7f98762c854b66d3f39bcb412c060f882e55bd4c70ccbf0e\
    02f320f49a7822ceba06f3b917a0aed33290e5167911b976df853ca773698c3f330daa8ab7a982b803ccd9bc0bdd3bb6\
    45d7762151390cc59f4972858ea4aefe039457a1702ceef4723aea10326e769e166caef7b4a0bf3feef7b529d356bce5\
    19e03437813eec1c3a1f866c3527a04de0a40c3e98c1cc5ed47f5eadcc30cd7b4f20adb79b1ec06560c5c6b03ba4f137\
    e6e8cda2c132eec23005c07d70d6d1b0c410ca7e1820d8bc78fe3a8d1da876c73aaa20d68f527c3f16d66bbfbbdea0fb\
    52622ec92f5ae2e3f232d1f96e5ef14675cab3c3a65901d4e423b98e2ab0b136af323f9bd9bfc065fe3b573f44898d74\
    5695236c00080450679d34e7365191d1fccc1877915dca6f1792a4790b13ffa72d96c9aeeca54a31547685c13565bf39\
    c2548e7b22835a10f68bb055510c4522c90f8c3cba3bf5df7df73d8c5d019e13ae8874577589481e5ce04e8b459537f1\
    ec0faaf6d25d78b06e3add97a243286f9e39131dc89e9dfaa2b4c7b8cdbb27d4c12f22f61289c9c96b53dcc2266bdb24\
    9f50a9eb39eb6daf14445dddc04cc7e3f32996067255942cfceb2949e916568ca81ad47c921e5c8acf6764fed1e0549c\
    982bb8f912a9d1c54449a661f4687386877f7917db356c560cade1b456640adf6cde898f08c4468f3460eba5612e94a1\
    c453e6624e313b1a7392ca0890c06487b6fb9837af65cf4844fdd727f62fc10dc36bc4358413468572506398d69e1132\
    1e9566fa36a2af13502011d1f6b97ccfd63ba6a2fbc0980d236b8f9a09eab08ed16fdbb3e4865e5a69bd241de27a0677\
    9a410e1c3df230320fe345049673348b563390ce26fb94eb5936478dc0198f5081a798716b56eb07695c9d9bfdda22e2\
    87d4da7a0398a1a40dfd3ae6b5233c02c624bed3505153420100200507e3ccae024193641e8004af70090845943eefd5\
    679feb13e5d4419a88b3055b6b02ec394eb70fb9764bf46ba6155d44018bd0566dc3dc5ff84a8f03473f8af5a0c17b09\
    e9e4f0b96137ada56d253d2333cbd287084aa5c86a4b68fe66c30648044cc5615ce01981362ffd807c0209299c8c82af\
    b0ab77e1d07eba0a49a88b33096a290f59a4829c9373501c7778c63d2c02b600e0a9ac3a52b934ae09e83acc956abff5\
    41b443b7b789e2d4883f9cf61d96978244e5f574edf636395d15d66e97a2e7c08392883fb1bf3602c17b2c97635f10ae\
    510af0b9e2746ac7066127982d3b2f4075f51b923293ca29aaf0fe9c910e420032b5416924b85770cb9ae98e906f1f1b\
    1f564dbd3a1338917721fbcbdda257db4f243ee1cb543b86496e65a5dbed4c159ba410d7235977350d655174f979d2e8\
    fd4205ee4486c06391c9dd50a651e4ad74082f8c106130a81f17dca82c2c82cadee84dd2f246fe2e86c043dee888e556\
    86424f2eaa09a4b406dc6606117a66d41a0cd10945d69afb5e01b89ec23cb68f45cd8936ad0ec54fa9046d463dc1db7c\
    00cb6ff9a29c52e1d01f7664387d48a0e85d7ade5bebc0d93182fbf57bdc95db4b3ba482e446b0a00e6bc06c0768b35d\
    67287af9c7231faf01878a4f6973dcf5362d15c91eab85025980d0859015e04b783dab96f0447f1e8216124bae047321\
    97025bdd7989ef0b605300a5e30dbf6e3b8b2de454619a522df2f9bf568a721696ebea30242079e19e0410e1f3e28495\
    3a1f7d610fb623feabd2b79e7cf95640fb0a52aea7e1637ff0c2b3dd45567f12cf4e4bb7e1b24da8989d57888be918a7\
    5853fe05daed921581afbb008f27950f13198aca09afbf65816e5c1a741ecff8c535df42e955374ed70f0e658c727035\
    fd72e729a02fed6451fc1d2687449f3d25fef7d7922c3b2b6b63f90c21ca5c42edf460b0138f853c538d9fd158061712\
    0c4ab7818b2c4d7a5fcbf944098f284ab2d537bbb42fa77c4420d01426753c0f37b444f1828499de12f843db9bb4cbc0\
    45c60869f65a87cb9b913543700e2d86e77c8fe423c5b495e33b75f6b0a27cbdfaf018a06c22c8fd350d29fd1dc7b33d\
    d2f6cfc84593cef7f4fbadee155b1f989ded020e069b13fd56bfd6c68d1703699e8b738c353b1bc6d40204a23c0cecae\
    5c1a7a7518b37aed9196ac60ee679e24abc758f3910df4bed5c6e2eefc695fe285af51bf2e206df71ab8b9f985f378d6\
    060ecbda685e735a11298aac7c34b314dec5f1ac84c7b1668a17ff5a93d4180448b3adc8d271f85b04a0ade6b64b9d48\
    5cdba43a6e85b93396fb95f610138f5b60959a7ef83671229a7fd6df2744bbfc81f5e311acc3003d560f5db2e0b82054\
    78ac07c2a629d2cd8d7d6311fdbc3aaa8ed14ed3b34844c93a7015662cea2d6c410b1d82aa3946a4d07607346eb8327e\
    c997a3c79cdba43153bde20fc6661d1e1e22187a847af6e195409e3a3cf52f95ca2288326d509c8ef83b644a7b47a4a6\
    ae8b1361c63bbd5b82c36a2fb6325de54125af27a2acca6501a33866d7de8cccdda6ea6f9af8b7dcbcc4097429718f72\
    c8f232cc28c5c1e4019db2cbf592645a2a5a99a6b1dab22b945e401e0d697f61d9dc988f7a0d54375d21428d795d7594\
    8f0bba3a89504d7d516b71659d4ce0989ebec6037581b537631a9d24a6b627495df2ddc20f59411df820ddd996f478a8\
    b6fab144dd2c43f10cebfbd123c5d126ef1a7189d8472ff08f88709cf2de2574e10560f4519afd3bda9353b30ff019c0\
    58e2938d8cf8d92f9b189f3e49d00fa7dd73d8c755ae929abd8be90b16a5217cd99408653aacea7e4375446f74093455\
    dd0bb42171e5ba90014ee10bf26a480acf6bad88595ae3cd96a823a89443d7ad33baf08fe0a246c4ae18ac9ba2a0e3b1\
    ffa1a3e4effe5e719098bf89e97d4832d7129639057e5a2d2d4c4c09847d8710508188a27f9b8f3437eb75651a144521\
    c7cdeefb13771d240413d0891f21aed89c379517ae00572180700e1962e0c184ef711254503ea2898119b0237089a279\
    a0c33c816c5df3e314ca6f32d00df94b2ba4ebf86a0c14277ff9a07ac6a032c4dafdd3674f70f89de271aaf5e460740b\
    30b19fb62b44249e215aa7d908ac39a931c263ba43b9141f238facaf975292b485c319fc12d40c0de9f637c188b15906\
    44a23357fe937966e3ef788ed3359402cea41a2c107fca93598ee43fbb66037d20bb51e6d05825e8b8ed102eb7c4e6fb\
    b7e1e4adf571d8a063afb06b28f89b7eb9f2f5145f7d4f9781ec8552a7d55c9ccefefb9a8b2c70867fdf99c5a0696743\
    73120fccc7a19529dab6b4348f6ee4386fad79f68fcbe5edeb93cd870500b80d11371a850d81f596bd92f047cfbcbfdc\
    3c1fd1b23a1602a331d368b95bd22479680d5ca9110a0a7c674ccfcefec3518e850719b46b71fa72ca684be035c71ff1\
    14bb30c1e29326415c2f946b5beab965c894edd1a77f38cc46f9a90c7f8cdcbcf042fb98c5f5e515b291f7dc348ccf6b\
    573bb74050dd060bff6a7688157d1ef4d304dd46623ef84fd831af03b90ec35f2e6e23c75f156ea838f63ae43f40529d\
    e7a7fd305e45ed7821b13ef4de4a6020b493bcb63f1a586c8de91befd1b1caddad8ef8cfeb78b0738cf5497c2cba7e5f\
    9c443dbabdd62ab27dde434347485a024b90250941636815bbcb45cc4d4947648e5d39ce20ab38342591a837881c4851\
    c3fffef6acfcd15a99775c5586f4d167939f65e51dd5c63ddf853af5868f56f607fe1b67922a05192684a26493615410\
    d2060b910a12333830f84e34e5d382925230775bd86ec00b49c0b913c525b1ad3bef140705b4a01fc17c7b240fc9ed34\
    17632afa4461c08169c468ca8c1f3f5288e7a7dd53eaa20e682fef4f9828c2d7eb893c1cbb66109c1e89de7321c0a76f\
    018842a6c6c48e4adf80560e43f35157bc9db2eb95fa2f8015538b1dc7552698250a78aa818dc8b609b8f675a4c92cb7\
    bc69ebdb8259618c89e270b83a1ee2a3f1c07b77f40d4961ed67451e0a2bd9f430333f01286b80d73acfcaf240750a18\
    02a7575a736bd4de3588326a117f7837757e3c67e95e5088d43c1c14bcb0f7a76177c59303e107933cdbcce417d4d311\
    a823421d4430e173b0e1c193d7b9d8019da60029978c49052e01342b643c1fa1568eca9ab26a44cfbd32a44fa37c1903\
    95cfc58ed162923eb36da5e7a837de3f57fe0601dd7e927af359192eca1d83f565b643d0efa4aab56c60a56c3c187d3f\
    e91a97810da123b28fdc173c2bbf495c3a533a0ed0e4546cac7b86c6c92df8daad44e62e33e9bd81c9d88594218f78d7\
    e79ce383e72e24ed6264e18d373d8eea7edcdf9645ea5ace43822b1c9f80bbe5527e979da3b2ca92547bc677abb8a427\
    02b9f31f7a0450c6f56e396f8f6fd1c91d2affc66a84ffd679553f821855dbaa05d2d09d075156cf141d0d0527350c5f\
    4a33faa54a1543d43bdc0fd7eacf65f2a711cff5ea5ffbcdbd659bf5244068bc257ea3273b8c17b745c9b5a65921c725\
    992a15aafc22965c6767df6fb3ef6300713d0bf663ca67ec349b489d1b4bcae7481b63c84a59a5dfd6dec65d2034f05c\
    1f52b5d59fe67e979f5632e64a28d5d4ff68aa332fc626cf2375f8a37ad81b602525b7c19559b1239c8c476b6c99aa36\
    4d1547e518000299102c4124356d483b4325741fc4821bd9eea6ff028b96d1cf39ce2e8bb0631da79c47ad22f98bcd6b\
    10d4d4d8e1959d2345c15543942e3d498b898a0d5a590f38d3253331ed8c6eeacc42958e8526ae650122c18f3056b979\
    6f135135b972fbcc08d71cfde684e647ad1388f1241279d059705fe13674f84775b5af2bbabfd4ddafd22dc85271a17d\
    672333657f99e0a870ca01dd96faf6e7cafb4df956be3b68665950eb578ba875df38f6fc69716f64917d2a40690861aa\
    15fc0cb64193f931aaf33f0f360b95323717ae071efb567ad8ea5bbca32230ee383e7b088322bc60ee84c5431f931061\
    7f3ceaab6d9ba084a52b5e0c748ee3cb6314c44eef187a024210463ce62d66c99f743923aa6661ae133ea02de37b2df1\
    b4bca930eefd6e3c810d148480c0a13070cb7fc6a3a05c736f46ca35af9dd9f21a2301552a20c07c8b21a8456bb8d088\
    0786f5776767d4aac4f55f8da12d8ad51ea49f21387738fcb4c40d8e737576a4403c19c118fb08f2ecfea176e0731943\
    4a6085f4a49fe68daca9ca3558ce16d65f5fd6600dbffc23707079ce9b6cf02320de644a89ea4a2d085bf2d658b3a567\
    921fe4f22d85526c8f9bb5602d05382ddc22c3b8351a7b54e675d9f645d50f4589a4b6eeb71399454718fd150397a009\
    e62005c96c07869c1770017c23117cb229a3ef8aee1dee4ad2d7cbe8f800de3da324d9b765d2d9eb6ef9f222e62f7844\
    cfe11860e64214749655a4fb3443dd90564aa7bc59c3af05c5ffa8cb4226e3f2adf8c7381a4eef79e50701c56d224ad4\
    daf13d89a7ed39c9d798987368198bda90e8e8c8c078c9067a3d3ff4ebef062de1c8d562175ba6bbf20319f0186cf721\
    521f6d844e38d9d510158a8cc25f75edd3c6017365a64d5221b4ed374d008caf9d9b32d53ad9860cc1f534c17aff0131\
    584dbca8430c66aadcd89d0356438a4aa2f8174a5d1d5b3503f2eac8c71a4c5319e2602bfca698d1810c0e7a64d790fd\
    645b3242192044627ec43381cc3a9eb0846a1b9a2c405317de93520c1803bf7bb7538b32450ac15a2dc95713c2cb1607\
    2c4416827a1cc6cdc238b93ae522c561b2102aa57a22bec1f25b29c34a7e7e7b38362ea52b09a5b8b17134ee666a4c25\
    a775e939f3e12dfbbd18f561fc86b6bb6e600739849502e190a6a30de01d9ede9521c42c5131ed151232f2e69b15ea44\
    013040b7a82656f3573a7aabbd5b1f696ec0d79054fe5f131cb7df99721a68d4b8d88eda96a63cccc4e2def035f35c35\
    b56dc0c557e79cc7f8865b1edbf1e12bf77a8d02bdee9fe5b38b81b63556bc9b5b514b69439051681379ed9ba80dcb62\
    387b50a3442ba771c8cc31f9d7d85010f5dd18fab950a7be552cc845e544fa476bbfa131a0cfc836a2fc156cfbd202de\
    616d5c90ddd05d7515b05109d40de8d0228eb86b99d5f35b855cd7166a320d1a3c4059777883a1a2afb8bbc4c6cbddf4\
    f7053348494b5f768eb7b9bcbedde6e8ff06181c23778fbbbecdd3e1e90102343f46555e6d7177898ca9d1e400000000\
    000000000000000000000000000013232f3e\
";
}
