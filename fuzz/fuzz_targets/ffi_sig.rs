//! The C ABI's signature functions (`pqh_sig_*`, `pqh_fw_key_id`, `pqh_fw_algorithm_bit`, and
//! the public-key import `pqh_sig_public_key_from_spki` / `pqh_sig_public_key_from_pem`),
//! called through the rlib with fuzzer-chosen algorithm values (valid and not), buffer
//! contents, lengths (exact, short, long) and NULL pointers.
//!
//! Input: `op` (mod 8), `alg` (the C value, 0..=31; 1..=24 are valid), `flags` (u16: NULL
//! pointers, derived keys, RNG failure, import mode), `lenmode` (u8), `extra` (u16), then fields
//! `a`, `b`, `c`, and the rest is `d`.
//!
//! Invariants: never `PQH_ERR_INTERNAL` (a caught panic) nor an ASan report (input and output
//! buffers are exactly as long as the length passed); a NULL pointer with a non-zero length is
//! an error; an unknown algorithm is `PQH_ERR_UNKNOWN_ALGORITHM`; otherwise the status is the
//! Rust API's result mapped by `pqh_status::from` and the outputs are the Rust API's outputs;
//! on error no output byte (nor output length) is written.
//!
//! Op 7, public-key import: the document is `a` (DER, or PEM text with flag 11), or with flag 12
//! a well-formed document of `alg` (the derived public key with flag 8, else `a` fitted to the
//! key length) with one fuzzer edit from `d` (a byte flipped, or the document cut). The status
//! must be one the import functions document and the Rust decoder's; on success the key is
//! exactly the algorithm's public-key length, re-encodes (DER and PEM) and imports again to the
//! same algorithm and key, and a DER input re-encodes to itself (see
//! `pqhybrid_fuzz::check_key_import`).
#![no_main]

use core::ffi::{c_char, c_void};

use libfuzzer_sys::fuzz_target;
use pqhybrid::encoding::Algorithm;
use pqhybrid::{Error, SignatureAlgorithm};
use pqhybrid_ffi::alg::SigAlgArg;
use pqhybrid_ffi::fw::{pqh_fw_algorithm_bit, pqh_fw_key_id};
use pqhybrid_ffi::pqh_status::{self, *};
use pqhybrid_ffi::sig::*;
use pqhybrid_ffi::spki::{pqh_sig_public_key_from_pem, pqh_sig_public_key_from_spki};
use pqhybrid_fuzz::{
    CallbackState, FailRng, FuzzRng, InArg, Input, KeyImportNulls, OutArg, check_key_import,
    decode_key_document, edit_document, key_document, out_len, rng_callback,
};

/// Signature algorithms cheap enough to sign with in the target (not SLH-DSA).
fn cheap(a: SignatureAlgorithm) -> bool {
    a.is_hybrid()
        || matches!(
            a,
            SignatureAlgorithm::MlDsa44
                | SignatureAlgorithm::MlDsa65
                | SignatureAlgorithm::MlDsa87
                | SignatureAlgorithm::Ed25519
                | SignatureAlgorithm::EcdsaP256Sha256
                | SignatureAlgorithm::EcdsaP384Sha384
        )
}

fn status_of<T>(r: &Result<T, Error>) -> pqh_status {
    match r {
        Ok(_) => PQH_OK,
        Err(e) => pqh_status::from(*e),
    }
}

/// Checks a call's status against the expectation; `None` when some pointer was NULL with a
/// non-zero length, or a required pointer was NULL (then only "it is an error" is checked).
fn check(
    what: &str,
    alg: Option<SignatureAlgorithm>,
    got: pqh_status,
    expected: Option<pqh_status>,
    outs: &[&OutArg],
) {
    assert_ne!(
        got, PQH_ERR_INTERNAL,
        "{what}: internal error (caught panic)"
    );
    match (alg, expected) {
        (None, _) => assert_eq!(got, PQH_ERR_UNKNOWN_ALGORITHM, "{what}: unknown algorithm"),
        (Some(_), None) => assert_ne!(got, PQH_OK, "{what}: accepted a NULL pointer"),
        (Some(a), Some(e)) => assert_eq!(got, e, "{what} ({a}): status differs from the Rust API"),
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
    let alg_value = u32::from(input.u8() % 32);
    let flags = input.u16();
    let lenmode = input.u8();
    let extra = input.u16();
    let a = input.bytes();
    let b = input.bytes();
    let c = input.bytes();
    let d = input.rest();
    let null = |bit: u16| flags & (1 << bit) != 0;
    let arg = SigAlgArg(alg_value);
    // The C value is the algorithm's id in the core table.
    let alg = u16::try_from(alg_value)
        .ok()
        .and_then(SignatureAlgorithm::from_id);
    let (pk_len, sk_len, sig_len, seed_len) = alg.map_or((32, 32, 64, 32), |a| {
        (
            a.public_key_len(),
            a.secret_key_len(),
            a.signature_len(),
            a.seed_len(),
        )
    });

    // SLH-DSA "s" key generation and signing take about a second: only with flag 10 (verify and
    // key import neither generate keys nor sign).
    if alg.is_some_and(pqhybrid_fuzz::slow_keygen) && !null(10) && !matches!(op % 8, 5 | 7) {
        return;
    }

    // The length queries agree with the Rust API (0 for unknown values).
    assert_eq!(
        pqh_sig_public_key_len(arg),
        alg.map_or(0, |a| a.public_key_len())
    );
    assert_eq!(
        pqh_sig_signature_len(arg),
        alg.map_or(0, |a| a.signature_len())
    );

    // Valid key material from a fuzzer-chosen seed when flag 8 is set (and signing is cheap).
    let derived = alg.filter(|a| null(8) && cheap(*a)).map(|al| {
        let mut seed = vec![0u8; al.seed_len()];
        for (s, x) in seed.iter_mut().zip(a) {
            *s = *x;
        }
        let mut pk = vec![0u8; al.public_key_len()];
        let mut sk = vec![0u8; al.secret_key_len()];
        match al.keypair_from_seed(&seed, &mut pk, &mut sk) {
            Ok(()) => Some((pk, sk)),
            Err(_) => None, // an ECDSA seed out of range
        }
    });
    let derived = derived.flatten();

    match op % 8 {
        0 => {
            // keypair_from_seed
            let seed = InArg::new(a, null(0));
            let mut pk = OutArg::new(out_len(pk_len, lenmode, extra), null(1));
            let mut sk = OutArg::new(out_len(sk_len, lenmode >> 2, extra >> 3), null(2));
            // SAFETY: every pointer is NULL or valid for its length.
            let got = unsafe {
                pqh_sig_keypair_from_seed(
                    arg,
                    seed.ptr(),
                    seed.len(),
                    pk.ptr(),
                    pk.len(),
                    sk.ptr(),
                    sk.len(),
                )
            };
            let expected = alg.and_then(|al| {
                let s = seed.slice()?;
                if !pk.usable() || !sk.usable() {
                    return None;
                }
                let mut p = vec![0u8; pk.len()];
                let mut k = vec![0u8; sk.len()];
                let r = al.keypair_from_seed(s, &mut p, &mut k);
                if r.is_ok() {
                    assert_eq!(&pk.bytes()[..pk_len], &p[..pk_len], "public key differs");
                    assert_eq!(&sk.bytes()[..sk_len], &k[..sk_len], "secret key differs");
                    let _ = seed_len;
                }
                Some(status_of(&r))
            });
            check("keypair_from_seed", alg, got, expected, &[&pk, &sk]);
        }
        1 => {
            // keypair with the RNG callback (or a NULL callback)
            let mut pk = OutArg::new(out_len(pk_len, lenmode, extra), null(1));
            let mut sk = OutArg::new(out_len(sk_len, lenmode >> 2, extra >> 3), null(2));
            let mut st = CallbackState {
                rng: FuzzRng::new(b),
                fail: null(9),
            };
            let cb = if null(3) {
                None
            } else {
                Some(rng_callback as unsafe extern "C" fn(*mut c_void, *mut u8, usize) -> i32)
            };
            // SAFETY: as above; `st` outlives the call.
            let got = unsafe {
                pqh_sig_keypair(
                    arg,
                    cb,
                    (&raw mut st).cast(),
                    pk.ptr(),
                    pk.len(),
                    sk.ptr(),
                    sk.len(),
                )
            };
            let expected = alg.and_then(|al| {
                if cb.is_none() || !pk.usable() || !sk.usable() {
                    return None;
                }
                let mut p = vec![0u8; pk.len()];
                let mut k = vec![0u8; sk.len()];
                let r = if null(9) {
                    al.generate_keypair(&mut FailRng, &mut p, &mut k)
                } else {
                    al.generate_keypair(&mut FuzzRng::new(b), &mut p, &mut k)
                };
                if r.is_ok() {
                    assert_eq!(pk.bytes()[..pk_len], p[..pk_len]);
                    assert_eq!(sk.bytes()[..sk_len], k[..sk_len]);
                }
                Some(status_of(&r))
            });
            check("keypair", alg, got, expected, &[&pk, &sk]);
        }
        2 => {
            // public_key_from_secret
            let skb = derived.as_ref().map_or(a.to_vec(), |(_, s)| s.clone());
            let sk = InArg::new(&skb, null(0));
            let mut pk = OutArg::new(out_len(pk_len, lenmode, extra), null(1));
            // SAFETY: as above.
            let got = unsafe {
                pqh_sig_public_key_from_secret(arg, sk.ptr(), sk.len(), pk.ptr(), pk.len())
            };
            let expected = alg.and_then(|al| {
                let s = sk.slice()?;
                if !pk.usable() {
                    return None;
                }
                let mut p = vec![0u8; pk.len()];
                let r = al.public_key_from_secret(s, &mut p);
                if r.is_ok() {
                    assert_eq!(pk.bytes()[..pk_len], p[..pk_len]);
                }
                Some(status_of(&r))
            });
            check("public_key_from_secret", alg, got, expected, &[&pk]);
        }
        3 | 4 => {
            // sign_deterministic / sign (hedged, with the callback)
            let hedged = op % 8 == 4;
            if alg.is_some_and(|al| !cheap(al)) && !null(10) {
                return; // SLH-DSA signing is slow: only when flag 10 asks for it
            }
            let skb = derived.as_ref().map_or(a.to_vec(), |(_, s)| s.clone());
            let sk = InArg::new(&skb, null(0));
            let msg = InArg::new(b, null(1));
            let ctx = InArg::new(c, null(2));
            let mut sig = OutArg::new(out_len(sig_len, lenmode, extra), null(3));
            let mut n_out: usize = usize::MAX;
            let n_ptr: *mut usize = if null(4) {
                core::ptr::null_mut()
            } else {
                &raw mut n_out
            };
            let mut st = CallbackState {
                rng: FuzzRng::new(d),
                fail: null(9),
            };
            let cb = if null(5) {
                None
            } else {
                Some(rng_callback as unsafe extern "C" fn(*mut c_void, *mut u8, usize) -> i32)
            };
            // SAFETY: as above; `st` and `n_out` outlive the call.
            let got = unsafe {
                if hedged {
                    pqh_sig_sign(
                        arg,
                        sk.ptr(),
                        sk.len(),
                        msg.ptr(),
                        msg.len(),
                        ctx.ptr(),
                        ctx.len(),
                        cb,
                        (&raw mut st).cast(),
                        sig.ptr(),
                        sig.len(),
                        n_ptr,
                    )
                } else {
                    pqh_sig_sign_deterministic(
                        arg,
                        sk.ptr(),
                        sk.len(),
                        msg.ptr(),
                        msg.len(),
                        ctx.ptr(),
                        ctx.len(),
                        sig.ptr(),
                        sig.len(),
                        n_ptr,
                    )
                }
            };
            let expected = alg.and_then(|al| {
                let (s, m, x) = (sk.slice()?, msg.slice()?, ctx.slice()?);
                if !sig.usable() || n_ptr.is_null() || (hedged && cb.is_none()) {
                    return None;
                }
                let mut out = vec![0u8; sig.len()];
                let r = if !hedged {
                    al.sign_deterministic(s, m, x, &mut out)
                } else if null(9) {
                    al.sign(s, m, x, &mut FailRng, &mut out)
                } else {
                    al.sign(s, m, x, &mut FuzzRng::new(d), &mut out)
                };
                if let Ok(n) = r {
                    assert_eq!(n_out, n, "signature length differs");
                    assert_eq!(sig.bytes()[..n], out[..n], "signature differs");
                    assert_eq!(
                        al.verify(&derived_pk(al, s), m, x, &out[..n]),
                        Ok(()),
                        "own signature does not verify"
                    );
                }
                Some(status_of(&r))
            });
            check(
                if hedged { "sign" } else { "sign_deterministic" },
                alg,
                got,
                expected,
                &[&sig],
            );
            if got != PQH_OK {
                assert_eq!(n_out, usize::MAX, "signature length written on error");
            }
        }
        5 => {
            // verify, with a real signature when a key was derived
            let (pkb, sigb) = match (&derived, alg) {
                (Some((pk, sk)), Some(al)) => {
                    let mut s = vec![0u8; al.signature_len()];
                    match al.sign_deterministic(sk, b, c, &mut s) {
                        Ok(n) => {
                            s.truncate(n);
                            if let [p0, p1, m, ..] = *d {
                                // Optionally corrupt one byte.
                                let pos = usize::from(u16::from_le_bytes([p0, p1])) % s.len();
                                s[pos] ^= m;
                            }
                            (pk.clone(), s)
                        }
                        Err(_) => (pk.clone(), d.to_vec()),
                    }
                }
                _ => (a.to_vec(), d.to_vec()),
            };
            // Fuzzer-chosen truncation of the signature (short buffers).
            let cut = out_len(sigb.len(), lenmode, extra).min(sigb.len());
            let pk = InArg::new(&pkb, null(0));
            let msg = InArg::new(b, null(1));
            let ctx = InArg::new(c, null(2));
            let sig = InArg::new(&sigb[..cut], null(3));
            // SAFETY: as above.
            let got = unsafe {
                pqh_sig_verify(
                    arg,
                    pk.ptr(),
                    pk.len(),
                    msg.ptr(),
                    msg.len(),
                    ctx.ptr(),
                    ctx.len(),
                    sig.ptr(),
                    sig.len(),
                )
            };
            let expected = alg.and_then(|al| {
                Some(status_of(&al.verify(
                    pk.slice()?,
                    msg.slice()?,
                    ctx.slice()?,
                    sig.slice()?,
                )))
            });
            check("verify", alg, got, expected, &[]);
        }
        7 => {
            // Public-key import from a SubjectPublicKeyInfo (DER) or its PEM armour.
            let pem = null(11);
            let doc = match alg {
                Some(al) if null(12) => {
                    let key = derived.as_ref().map_or_else(
                        || {
                            let mut k = a.to_vec();
                            k.resize(al.public_key_len(), 0);
                            k
                        },
                        |(p, _)| p.clone(),
                    );
                    let mut doc = key_document(Algorithm::Signature(al), &key, pem);
                    edit_document(&mut doc, d);
                    doc
                }
                _ => a.to_vec(),
            };
            // The key buffer: around the decoded key's length, else the algorithm's.
            let need = decode_key_document(&doc, pem).map_or(pk_len, |(_, k)| k.len());
            let nulls = KeyImportNulls {
                doc: null(0),
                alg: null(1),
                pk: null(2),
                len: null(3),
            };
            check_key_import(
                if pem {
                    "pqh_sig_public_key_from_pem"
                } else {
                    "pqh_sig_public_key_from_spki"
                },
                &|p, n, al, k, cap, l| {
                    // SAFETY: `check_key_import` passes NULL or buffers valid for the lengths.
                    unsafe { pqh_sig_public_key_from_spki(p, n, al.cast(), k, cap, l) }
                },
                &|p, n, al, k, cap, l| {
                    // SAFETY: as above.
                    unsafe { pqh_sig_public_key_from_pem(p.cast(), n, al.cast(), k, cap, l) }
                },
                pem,
                &doc,
                out_len(need, lenmode, extra),
                nulls,
                &c_value,
            );
        }
        _ => {
            // Names, queries and firmware key ids.
            let name_ptr = pqh_sig_alg_name(arg);
            assert_eq!(name_ptr.is_null(), alg.is_none());
            let mut name = a.to_vec();
            name.retain(|&x| x != 0);
            if null(6)
                && let Some(al) = alg
            {
                name = al.name().as_bytes().to_vec();
            }
            name.push(0);
            let mut out: u32 = 0xdead_beef;
            let name_arg: *const c_char = if null(0) {
                core::ptr::null()
            } else {
                name.as_ptr().cast()
            };
            let out_ptr: *mut u32 = if null(1) {
                core::ptr::null_mut()
            } else {
                (&raw mut out).cast()
            };
            // SAFETY: `name` is NUL-terminated; `out` is a valid pqh_sig_alg slot.
            let got = unsafe { pqh_sig_alg_from_name(name_arg, out_ptr.cast()) };
            assert_ne!(got, PQH_ERR_INTERNAL);
            if null(0) || null(1) {
                assert_eq!(got, PQH_ERR_NULL_POINTER);
            } else {
                let want = core::str::from_utf8(&name[..name.len() - 1])
                    .ok()
                    .and_then(SignatureAlgorithm::from_name);
                match want {
                    Some(w) => {
                        assert_eq!(got, PQH_OK, "from_name rejected {w}");
                        // The C value is the table id, not the position in `ALL` (16..=24
                        // differ).
                        assert_eq!(
                            Some(out),
                            pqhybrid_fuzz::sig_c_value(w).map(u32::from),
                            "from_name: C value of {w}"
                        );
                    }
                    None => {
                        assert_ne!(got, PQH_OK, "from_name accepted {name:?}");
                        assert_eq!(out, 0xdead_beef, "output written on error");
                    }
                }
            }
            let bit = pqh_fw_algorithm_bit(arg);
            let fw_id = alg.and_then(pqhybrid::firmware::algorithm_id);
            assert_eq!(bit, fw_id.map_or(0, |id| 1u32 << id));

            let pk = InArg::new(derived.as_ref().map_or(b, |(p, _)| p.as_slice()), null(2));
            let mut kid = OutArg::new(out_len(32, lenmode, extra), null(3));
            // SAFETY: as above.
            let got = unsafe { pqh_fw_key_id(arg, pk.ptr(), pk.len(), kid.ptr(), kid.len()) };
            // The C function checks the output size before computing the id.
            let expected = alg.and_then(|al| {
                let p = pk.slice()?;
                if !kid.usable() {
                    return None;
                }
                if kid.len() < 32 {
                    return Some(PQH_ERR_BUFFER_TOO_SMALL);
                }
                let r = pqhybrid::firmware::key_id(al, p);
                if let Ok(id) = &r {
                    assert_eq!(&kid.bytes()[..32], &id.0[..], "key id differs");
                }
                Some(status_of(&r))
            });
            check("fw_key_id", alg, got, expected, &[&kid]);
        }
    }
});

/// The C value this target's import functions write for `a`; `None` for a KEM.
fn c_value(a: Algorithm) -> Option<u32> {
    match a {
        Algorithm::Signature(s) => pqhybrid_fuzz::sig_c_value(s).map(u32::from),
        Algorithm::Kem(_) => None,
    }
}

fn derived_pk(al: SignatureAlgorithm, sk: &[u8]) -> Vec<u8> {
    let mut pk = vec![0u8; al.public_key_len()];
    al.public_key_from_secret(sk, &mut pk)
        .expect("a key that signed has a public key");
    pk
}
