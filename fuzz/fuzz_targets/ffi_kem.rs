//! The C ABI's KEM and AEAD functions (`pqh_kem_*`, `pqh_aead_*`, and the public-key import
//! `pqh_kem_public_key_from_spki` / `pqh_kem_public_key_from_pem`), called through the rlib with
//! fuzzer-chosen algorithm values, buffer contents, lengths and NULL pointers.
//!
//! Input: `op` (mod 7), `alg` (C value 0..=15; KEMs 1..=7 and AEADs 1..=2 are valid), `flags`
//! (u16), `lenmode` (u8), `extra` (u16), then fields `a`, `b`, `c`, and the rest is `d`.
//!
//! Op 6, public-key import, as op 7 of `ffi_sig`: the document is `a` (DER, or PEM text with
//! flag 14), or with flag 15 a well-formed document of `alg` (the derived key with flag 8, else
//! `a` fitted to the key length) with one fuzzer edit from `d`; checked by
//! `pqhybrid_fuzz::check_key_import`.
//!
//! Invariants as in `ffi_sig`: no `PQH_ERR_INTERNAL`, no ASan report, NULL with a non-zero length
//! is an error, unknown algorithms are `PQH_ERR_UNKNOWN_ALGORITHM`, statuses and outputs equal
//! the Rust API's, and nothing is written on error (except that `pqh_aead_open` zeroes the
//! plaintext area on an authentication failure, as documented).
#![no_main]

use core::ffi::c_void;

use libfuzzer_sys::fuzz_target;
use pqhybrid::encoding::Algorithm;
use pqhybrid::primitives::aes_gcm::{Aes128Gcm, Aes256Gcm};
use pqhybrid::{Error, KemAlgorithm};
use pqhybrid_ffi::aead::{pqh_aead_open, pqh_aead_seal};
use pqhybrid_ffi::alg::{AeadAlgArg, KemAlgArg};
use pqhybrid_ffi::kem::*;
use pqhybrid_ffi::pqh_status::{self, *};
use pqhybrid_ffi::spki::{pqh_kem_public_key_from_pem, pqh_kem_public_key_from_spki};
use pqhybrid_fuzz::{
    CallbackState, FailRng, FuzzRng, InArg, Input, KeyImportNulls, OutArg, check_key_import,
    decode_key_document, edit_document, key_document, out_len, rng_callback,
};

type RngFn = unsafe extern "C" fn(*mut c_void, *mut u8, usize) -> i32;

fn status_of<T>(r: &Result<T, Error>) -> pqh_status {
    match r {
        Ok(_) => PQH_OK,
        Err(e) => pqh_status::from(*e),
    }
}

fn check(what: &str, known: bool, got: pqh_status, expected: Option<pqh_status>, outs: &[&OutArg]) {
    assert_ne!(
        got, PQH_ERR_INTERNAL,
        "{what}: internal error (caught panic)"
    );
    match (known, expected) {
        (false, _) => assert_eq!(got, PQH_ERR_UNKNOWN_ALGORITHM, "{what}: unknown algorithm"),
        (true, None) => assert_ne!(got, PQH_OK, "{what}: accepted a NULL pointer"),
        (true, Some(e)) => assert_eq!(got, e, "{what}: status differs from the Rust API"),
    }
    if got != PQH_OK {
        for o in outs {
            assert!(o.untouched(), "{what}: output written on error {got:?}");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let op = input.u8();
    let alg_value = u32::from(input.u8() % 16);
    let flags = input.u16();
    let lenmode = input.u8();
    let extra = input.u16();
    let a = input.bytes();
    let b = input.bytes();
    let c = input.bytes();
    let d = input.rest();
    let null = |bit: u16| flags & (1 << bit) != 0;
    let arg = KemAlgArg(alg_value);
    // The C value is the algorithm's id in the core table.
    let alg = u16::try_from(alg_value)
        .ok()
        .and_then(KemAlgorithm::from_id);
    let (pk_len, sk_len, ct_len) = alg.map_or((32, 32, 32), |k| {
        (k.public_key_len(), k.secret_key_len(), k.ciphertext_len())
    });
    assert_eq!(
        pqh_kem_public_key_len(arg),
        alg.map_or(0, |k| k.public_key_len())
    );
    assert_eq!(
        pqh_kem_ciphertext_len(arg),
        alg.map_or(0, |k| k.ciphertext_len())
    );

    // A valid key pair from a fuzzer-chosen seed when flag 8 is set.
    let derived = alg.filter(|_| null(8)).map(|k| {
        let mut seed = vec![0u8; k.seed_len()];
        for (s, x) in seed.iter_mut().zip(a) {
            *s = *x;
        }
        let mut pk = vec![0u8; k.public_key_len()];
        let mut sk = vec![0u8; k.secret_key_len()];
        k.keypair_from_seed(&seed, &mut pk, &mut sk)
            .expect("KEM keypair_from_seed");
        (pk, sk)
    });

    match op % 7 {
        0 => {
            let seed = InArg::new(a, null(0));
            let mut pk = OutArg::new(out_len(pk_len, lenmode, extra), null(1));
            let mut sk = OutArg::new(out_len(sk_len, lenmode >> 2, extra >> 3), null(2));
            // SAFETY: every pointer is NULL or valid for its length.
            let got = unsafe {
                pqh_kem_keypair_from_seed(
                    arg,
                    seed.ptr(),
                    seed.len(),
                    pk.ptr(),
                    pk.len(),
                    sk.ptr(),
                    sk.len(),
                )
            };
            let expected = alg.and_then(|k| {
                let s = seed.slice()?;
                if !pk.usable() || !sk.usable() {
                    return None;
                }
                let (mut p, mut q) = (vec![0u8; pk.len()], vec![0u8; sk.len()]);
                let r = k.keypair_from_seed(s, &mut p, &mut q);
                if r.is_ok() {
                    assert_eq!(pk.bytes()[..pk_len], p[..pk_len]);
                    assert_eq!(sk.bytes()[..sk_len], q[..sk_len]);
                }
                Some(status_of(&r))
            });
            check(
                "kem_keypair_from_seed",
                alg.is_some(),
                got,
                expected,
                &[&pk, &sk],
            );
        }
        1 => {
            let mut pk = OutArg::new(out_len(pk_len, lenmode, extra), null(1));
            let mut sk = OutArg::new(out_len(sk_len, lenmode >> 2, extra >> 3), null(2));
            let mut st = CallbackState {
                rng: FuzzRng::new(b),
                fail: null(9),
            };
            let cb: Option<RngFn> = if null(3) { None } else { Some(rng_callback) };
            // SAFETY: as above; `st` outlives the call.
            let got = unsafe {
                pqh_kem_keypair(
                    arg,
                    cb,
                    (&raw mut st).cast(),
                    pk.ptr(),
                    pk.len(),
                    sk.ptr(),
                    sk.len(),
                )
            };
            let expected = alg.and_then(|k| {
                if cb.is_none() || !pk.usable() || !sk.usable() {
                    return None;
                }
                let (mut p, mut q) = (vec![0u8; pk.len()], vec![0u8; sk.len()]);
                let r = if null(9) {
                    k.generate_keypair(&mut FailRng, &mut p, &mut q)
                } else {
                    k.generate_keypair(&mut FuzzRng::new(b), &mut p, &mut q)
                };
                if r.is_ok() {
                    assert_eq!(pk.bytes()[..pk_len], p[..pk_len]);
                    assert_eq!(sk.bytes()[..sk_len], q[..sk_len]);
                }
                Some(status_of(&r))
            });
            check("kem_keypair", alg.is_some(), got, expected, &[&pk, &sk]);
        }
        2 | 3 => {
            // encapsulate (callback) / encapsulate_deterministic (explicit randomness)
            let det = op % 7 == 3;
            let pkb = derived.as_ref().map_or(a.to_vec(), |(p, _)| p.clone());
            let pk = InArg::new(&pkb, null(0));
            let rnd = InArg::new(b, null(4));
            let mut ct = OutArg::new(out_len(ct_len, lenmode, extra), null(1));
            let mut ss = OutArg::new(out_len(32, lenmode >> 2, extra >> 3), null(2));
            let mut st = CallbackState {
                rng: FuzzRng::new(b),
                fail: null(9),
            };
            let cb: Option<RngFn> = if null(3) { None } else { Some(rng_callback) };
            // SAFETY: as above.
            let got = unsafe {
                if det {
                    pqh_kem_encapsulate_deterministic(
                        arg,
                        pk.ptr(),
                        pk.len(),
                        rnd.ptr(),
                        rnd.len(),
                        ct.ptr(),
                        ct.len(),
                        ss.ptr(),
                        ss.len(),
                    )
                } else {
                    pqh_kem_encapsulate(
                        arg,
                        pk.ptr(),
                        pk.len(),
                        cb,
                        (&raw mut st).cast(),
                        ct.ptr(),
                        ct.len(),
                        ss.ptr(),
                        ss.len(),
                    )
                }
            };
            let expected = alg.and_then(|k| {
                let p = pk.slice()?;
                if !ct.usable() || !ss.usable() || (!det && cb.is_none()) {
                    return None;
                }
                let (mut c2, mut s2) = (vec![0u8; ct.len()], vec![0u8; ss.len()]);
                let r = if det {
                    k.encapsulate_deterministic(p, rnd.slice()?, &mut c2, &mut s2)
                } else if null(9) {
                    k.encapsulate(p, &mut FailRng, &mut c2, &mut s2)
                } else {
                    k.encapsulate(p, &mut FuzzRng::new(b), &mut c2, &mut s2)
                };
                if r.is_ok() {
                    assert_eq!(ct.bytes()[..ct_len], c2[..ct_len]);
                    assert_eq!(ss.bytes()[..32], s2[..32]);
                    // With a derived key, decapsulation gives the same secret.
                    if let Some((_, sk)) = &derived {
                        let mut s3 = [0u8; 32];
                        k.decapsulate(sk, &c2[..ct_len], &mut s3)
                            .expect("decapsulation");
                        assert_eq!(s3[..], s2[..32], "{k}: shared secrets differ");
                    }
                }
                Some(status_of(&r))
            });
            check("kem_encapsulate", alg.is_some(), got, expected, &[&ct, &ss]);
        }
        4 => {
            let skb = derived.as_ref().map_or(a.to_vec(), |(_, s)| s.clone());
            let sk = InArg::new(&skb, null(0));
            let cut = out_len(ct_len, lenmode, extra);
            let mut ctb = c.to_vec();
            ctb.resize(cut, 0);
            let ctin = InArg::new(&ctb, null(1));
            let mut ss = OutArg::new(out_len(32, lenmode >> 2, extra >> 3), null(2));
            // SAFETY: as above.
            let got = unsafe {
                pqh_kem_decapsulate(
                    arg,
                    sk.ptr(),
                    sk.len(),
                    ctin.ptr(),
                    ctin.len(),
                    ss.ptr(),
                    ss.len(),
                )
            };
            let expected = alg.and_then(|k| {
                let (s, x) = (sk.slice()?, ctin.slice()?);
                if !ss.usable() {
                    return None;
                }
                let mut s2 = vec![0u8; ss.len()];
                let r = k.decapsulate(s, x, &mut s2);
                if r.is_ok() {
                    assert_eq!(ss.bytes()[..32], s2[..32]);
                }
                Some(status_of(&r))
            });
            check("kem_decapsulate", alg.is_some(), got, expected, &[&ss]);
        }
        6 => {
            // Public-key import from a SubjectPublicKeyInfo (DER) or its PEM armour.
            let pem = null(14);
            let doc = match alg {
                Some(k) if null(15) => {
                    let key = derived.as_ref().map_or_else(
                        || {
                            let mut key = a.to_vec();
                            key.resize(k.public_key_len(), 0);
                            key
                        },
                        |(p, _)| p.clone(),
                    );
                    let mut doc = key_document(Algorithm::Kem(k), &key, pem);
                    edit_document(&mut doc, d);
                    doc
                }
                _ => a.to_vec(),
            };
            let need = decode_key_document(&doc, pem).map_or(pk_len, |(_, k)| k.len());
            let nulls = KeyImportNulls {
                doc: null(0),
                alg: null(1),
                pk: null(2),
                len: null(3),
            };
            check_key_import(
                if pem {
                    "pqh_kem_public_key_from_pem"
                } else {
                    "pqh_kem_public_key_from_spki"
                },
                &|p, n, al, k, cap, l| {
                    // SAFETY: `check_key_import` passes NULL or buffers valid for the lengths.
                    unsafe { pqh_kem_public_key_from_spki(p, n, al.cast(), k, cap, l) }
                },
                &|p, n, al, k, cap, l| {
                    // SAFETY: as above.
                    unsafe { pqh_kem_public_key_from_pem(p.cast(), n, al.cast(), k, cap, l) }
                },
                pem,
                &doc,
                out_len(need, lenmode, extra),
                nulls,
                &c_value,
            );
        }
        _ => {
            // AEAD seal then open (open of the fuzzer's ciphertext, or of the sealed one).
            let aead = AeadAlgArg(alg_value);
            let key_len = match alg_value {
                1 => Some(16),
                2 => Some(32),
                _ => None,
            };
            assert_eq!(
                pqhybrid_ffi::aead::pqh_aead_key_len(aead),
                key_len.unwrap_or(0)
            );
            let mut keyb = a.to_vec();
            if null(10) {
                keyb.resize(key_len.unwrap_or(16), 7);
            }
            let mut nonceb = b.to_vec();
            if null(11) {
                nonceb.resize(12, 9);
            }
            let (aadb, ptb) = c.split_at(c.len() / 2);
            let key = InArg::new(&keyb, null(0));
            let nonce = InArg::new(&nonceb, null(1));
            let aad = InArg::new(aadb, null(2));
            let pt = InArg::new(ptb, null(3));
            let mut ct = OutArg::new(out_len(ptb.len() + 16, lenmode, extra), null(4));
            let mut n_out = usize::MAX;
            let n_ptr: *mut usize = if null(5) {
                core::ptr::null_mut()
            } else {
                &raw mut n_out
            };
            // SAFETY: as above.
            let got = unsafe {
                pqh_aead_seal(
                    aead,
                    key.ptr(),
                    key.len(),
                    nonce.ptr(),
                    nonce.len(),
                    aad.ptr(),
                    aad.len(),
                    pt.ptr(),
                    pt.len(),
                    ct.ptr(),
                    ct.len(),
                    n_ptr,
                )
            };
            let rust_seal =
                |k: &[u8], n: &[u8], ad: &[u8], p: &[u8], out: &mut [u8]| -> Result<usize, Error> {
                    match key_len {
                        Some(16) => Aes128Gcm::new(k)?.seal(n, ad, p, out),
                        _ => Aes256Gcm::new(k)?.seal(n, ad, p, out),
                    }
                };
            let expected = key_len.and_then(|_| {
                let (k, n, ad, p) = (key.slice()?, nonce.slice()?, aad.slice()?, pt.slice()?);
                if !ct.usable() || n_ptr.is_null() {
                    return None;
                }
                let mut out = vec![0u8; ct.len()];
                let r = rust_seal(k, n, ad, p, &mut out);
                if let Ok(m) = r {
                    assert_eq!(n_out, m);
                    assert_eq!(ct.bytes()[..m], out[..m]);
                }
                Some(status_of(&r))
            });
            check("aead_seal", key_len.is_some(), got, expected, &[&ct]);

            // Open: the sealed ciphertext (possibly corrupted by `d`), or `d` itself.
            let sealed = got == PQH_OK;
            let mut ctb = if sealed && !null(12) {
                ct.bytes()[..n_out].to_vec()
            } else {
                d.to_vec()
            };
            if sealed
                && !null(12)
                && let [p0, m, ..] = *d
            {
                let pos = usize::from(p0) % ctb.len();
                ctb[pos] ^= m;
            }
            let ctin = InArg::new(&ctb, null(6));
            let mut out = OutArg::new(
                out_len(ctb.len().saturating_sub(16), lenmode >> 2, extra >> 3),
                null(7),
            );
            let mut m_out = usize::MAX;
            let m_ptr: *mut usize = if null(13) {
                core::ptr::null_mut()
            } else {
                &raw mut m_out
            };
            // SAFETY: as above.
            let got = unsafe {
                pqh_aead_open(
                    aead,
                    key.ptr(),
                    key.len(),
                    nonce.ptr(),
                    nonce.len(),
                    aad.ptr(),
                    aad.len(),
                    ctin.ptr(),
                    ctin.len(),
                    out.ptr(),
                    out.len(),
                    m_ptr,
                )
            };
            assert_ne!(got, PQH_ERR_INTERNAL);
            let expected = key_len.and_then(|_| {
                let (k, n, ad, x) = (key.slice()?, nonce.slice()?, aad.slice()?, ctin.slice()?);
                if !out.usable() || m_ptr.is_null() {
                    return None;
                }
                let mut o = vec![0u8; out.len()];
                let r = match key_len {
                    Some(16) => Aes128Gcm::new(k).and_then(|c| c.open(n, ad, x, &mut o)),
                    _ => Aes256Gcm::new(k).and_then(|c| c.open(n, ad, x, &mut o)),
                };
                if let Ok(m) = r {
                    assert_eq!(m_out, m);
                    assert_eq!(out.bytes()[..m], o[..m]);
                    if sealed && !null(12) && d.get(1).is_none_or(|&m| m == 0) {
                        assert_eq!(&o[..m], ptb, "round trip lost the plaintext");
                    }
                }
                Some(status_of(&r))
            });
            if got == PQH_ERR_AUTHENTICATION_FAILED {
                let body = ctb.len() - 16;
                assert!(
                    out.bytes()[..body].iter().all(|&x| x == 0),
                    "unauthenticated plaintext released"
                );
                assert!(
                    out.bytes()[body..]
                        .iter()
                        .all(|&x| x == pqhybrid_fuzz::CANARY)
                );
                assert_eq!(expected, Some(PQH_ERR_AUTHENTICATION_FAILED));
            } else {
                check("aead_open", key_len.is_some(), got, expected, &[&out]);
            }
            if got != PQH_OK {
                assert_eq!(m_out, usize::MAX, "plaintext length written on error");
            }
        }
    }
});

/// The C value this target's import functions write for `a`; `None` for a signature algorithm.
fn c_value(a: Algorithm) -> Option<u32> {
    match a {
        Algorithm::Kem(k) => pqhybrid_fuzz::kem_c_value(k).map(u32::from),
        Algorithm::Signature(_) => None,
    }
}
