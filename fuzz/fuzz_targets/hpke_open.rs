//! HPKE opening (`pqhybrid::hpke::Suite::open`, the C ABI's `pqh_hpke_open`) of arbitrary and
//! edited sealed boxes, with arbitrary or real private keys, and the typed decoders of
//! `pqhybrid::hpke::kem` (`Deserializable::from_bytes` of public keys, `enc` and private keys).
//!
//! Input: `kem` (selector over all 7 KEMs, [`pqhybrid_fuzz::kem_alg`]; MLKEM768-X25519 has no
//! HPKE code point), `kdf` (mod 4), `aead` (mod 2), `flags` (u16), `extra` (u16), then fields
//! `key`, `info`, `aad`, `body`, `rand`, and the rest is `edit`.
//!
//! * flag 0: the key pair is derived from `key` (zero-padded to the seed length), else `key` is
//!   the private key itself and `body` the public key to seal to as well;
//! * flag 1: `body` is a plaintext sealed to that public key (randomness from `rand`), then edited
//!   by `edit` (no edit if `edit` is shorter than 3 bytes), else `body` is the box;
//! * flag 2: `info` is lengthened to 65536 + (`extra` mod 64) bytes (over the SHAKE KDFs' limit);
//! * flag 3: the output buffer is `extra`-chosen around the need ([`pqhybrid_fuzz::out_len`]),
//!   else exactly the plaintext length;
//! * flag 4: `pqh_hpke_open` too, compared with `Suite::open`.
//!
//! Invariants: no panic (and no `PQH_ERR_INTERNAL`); the typed decoders accept exactly the keys
//! the agile layer accepts, of exactly their length, and re-encode them to the same bytes; `open`
//! returns only documented errors; on error `out` is untouched, except that an authentication
//! failure zeroes the plaintext area; an unedited box sealed here opens to its plaintext with the
//! right key, and an edited one never opens; seal and open agree on the `info` limit; the C ABI
//! returns `pqh_status::from` of the Rust result and writes the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pqhybrid::agile::DecapsulationKey;
use pqhybrid::hpke::kem::{MlKem512, MlKem768, MlKem768P256, MlKem1024, MlKem1024P384, XWing};
use pqhybrid::hpke::{Aead, Deserializable, HpkeError, Kdf, Kem, Serializable, Suite};
use pqhybrid::{Error, Field, KemAlgorithm as K};
use pqhybrid_ffi::alg::KemAlgArg;
use pqhybrid_ffi::hpke::{HpkeAeadArg, HpkeKdfArg, pqh_hpke_open};
use pqhybrid_ffi::pqh_status::{self, *};
use pqhybrid_fuzz::{CANARY, FuzzRng, Input, OutArg, edit_document, kem_alg, out_len};

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let alg = kem_alg(input.u8());
    let kdf = Kdf::ALL[usize::from(input.u8()) % Kdf::ALL.len()];
    let aead = Aead::ALL[usize::from(input.u8()) % Aead::ALL.len()];
    let flags = input.u16();
    let extra = input.u16();
    let key = input.bytes();
    let info_field = input.bytes();
    let aad = input.bytes();
    let body = input.bytes();
    let rand = input.bytes();
    let edit = input.rest();
    let flag = |bit: u16| flags & (1 << bit) != 0;

    // The private key: derived from a seed, or the fuzzer's bytes.
    let (sk, pk) = if flag(0) {
        let mut seed = vec![0u8; alg.seed_len()];
        for (d, s) in seed.iter_mut().zip(key) {
            *d = *s;
        }
        let mut pk = vec![0u8; alg.public_key_len()];
        let mut sk = vec![0u8; alg.secret_key_len()];
        alg.keypair_from_seed(&seed, &mut pk, &mut sk)
            .expect("keypair_from_seed");
        (sk, pk)
    } else {
        (key.to_vec(), body.to_vec())
    };

    // The typed decoders agree with the agile layer.
    let dk = DecapsulationKey::new(alg, &sk);
    let ok = dk.is_ok();
    let pk_ok = match alg {
        K::MlKem512 => typed::<MlKem512>(alg, &sk, &pk, body, ok),
        K::MlKem768 => typed::<MlKem768>(alg, &sk, &pk, body, ok),
        K::MlKem1024 => typed::<MlKem1024>(alg, &sk, &pk, body, ok),
        K::XWing => typed::<XWing>(alg, &sk, &pk, body, ok),
        K::MlKem768EcdhP256Sha3_256 => typed::<MlKem768P256>(alg, &sk, &pk, body, ok),
        K::MlKem1024EcdhP384Sha3_256 => typed::<MlKem1024P384>(alg, &sk, &pk, body, ok),
        K::MlKem768X25519Sha3_256 => false,
        _ => unreachable!("a KEM without an HPKE decision: {alg}"),
    };

    let suite = match Suite::new(alg, kdf, aead) {
        Ok(s) => s,
        Err(e) => {
            assert_eq!(e, Error::UnsupportedSuite);
            assert_eq!(pqhybrid::hpke::kem_id(alg), None, "{alg}: suite refused");
            return;
        }
    };
    let info: Vec<u8> = if flag(2) {
        let n = 65536 + usize::from(extra % 64);
        info_field
            .iter()
            .copied()
            .cycle()
            .chain(core::iter::repeat(0))
            .take(n)
            .collect()
    } else {
        info_field.to_vec()
    };
    let info_ok = info.len() <= kdf.max_info_len();

    // The box: sealed here (then maybe edited), or the fuzzer's bytes.
    let (sealed, plaintext, edited) = if flag(1) {
        let mut sealed = vec![CANARY; suite.sealed_len(body.len())];
        let r = suite.seal(&pk, &info, aad, body, &mut sealed, &mut FuzzRng::new(rand));
        match r {
            Ok(n) => {
                assert!(info_ok, "{suite:?}: sealed with an info over the limit");
                assert!(
                    pk_ok,
                    "{suite:?}: sealed to a key the typed decoder rejects"
                );
                assert_eq!(n, sealed.len());
            }
            Err(e) => {
                assert!(
                    sealed.iter().all(|b| *b == CANARY),
                    "seal wrote on error {e:?}"
                );
                match e {
                    Error::ContextTooLong { max, actual } => {
                        assert!(!info_ok && max == kdf.max_info_len() && actual == info.len());
                    }
                    Error::InvalidLength {
                        field: Field::PublicKey,
                        ..
                    } => assert!(
                        info_ok && pk.len() != alg.public_key_len(),
                        "{suite:?}: key of the right length refused: {e:?}"
                    ),
                    Error::InvalidKey {
                        field: Field::PublicKey,
                    }
                    | Error::MalformedEncoding {
                        field: Field::PublicKey,
                    } => assert!(info_ok && !pk_ok, "{suite:?}: valid key refused: {e:?}"),
                    e => panic!("{suite:?}: unexpected seal error {e:?}"),
                }
                return;
            }
        }
        let before = sealed.clone();
        edit_document(&mut sealed, edit);
        let edited = sealed != before;
        (sealed, Some(body), edited)
    } else {
        (body.to_vec(), None, false)
    };

    let Ok(dk) = dk else {
        // pqh_hpke_open on a key that does not decode: the key's error.
        if flag(4) {
            let e = dk.expect_err("checked");
            let (st, out) = c_open(suite, &sk, &info, aad, &sealed, 64);
            assert_eq!(st, pqh_status::from(e), "{alg}: C status for a bad key");
            assert!(out.untouched(), "{alg}: C open wrote on a key error");
        }
        return;
    };
    let overhead = suite.sealed_len(0);
    let pt_len = sealed.len().saturating_sub(overhead);
    let cap = if flag(3) {
        out_len(pt_len, (extra >> 8) as u8, extra)
    } else {
        pt_len
    };
    let mut out = vec![CANARY; cap];
    let r = suite.open(&dk, &info, aad, &sealed, &mut out);
    match r {
        Ok(n) => {
            assert!(info_ok, "{suite:?}: opened with an info over the limit");
            assert_eq!(n, pt_len);
            assert!(
                out[n..].iter().all(|b| *b == CANARY),
                "written past the plaintext"
            );
            if let Some(pt) = plaintext {
                assert!(!edited, "{suite:?}: an edited box opened");
                assert_eq!(&out[..n], pt, "{suite:?}: wrong plaintext");
            }
        }
        Err(e) => {
            let zeroed = matches!(e, Error::AuthenticationFailed);
            let expected = match e {
                Error::ContextTooLong { .. } => !info_ok,
                Error::InvalidLength {
                    field: Field::Ciphertext,
                    ..
                } => sealed.len() < overhead,
                Error::BufferTooSmall {
                    field: Field::Plaintext,
                    ..
                } => cap < pt_len,
                Error::MalformedEncoding {
                    field: Field::Ciphertext,
                }
                | Error::AuthenticationFailed => true,
                _ => false,
            };
            assert!(expected, "{suite:?}: unexpected open error {e:?}");
            if zeroed {
                assert!(
                    out[..pt_len].iter().all(|b| *b == 0),
                    "plaintext area not wiped"
                );
                assert!(
                    out[pt_len..].iter().all(|b| *b == CANARY),
                    "written past it"
                );
            } else {
                assert!(
                    out.iter().all(|b| *b == CANARY),
                    "open wrote on error {e:?}"
                );
            }
            // A box sealed here and left alone opens whenever the call itself is sound.
            if plaintext.is_some() && !edited && info_ok {
                assert!(
                    matches!(e, Error::BufferTooSmall { .. }),
                    "{suite:?}: own box rejected: {e:?}"
                );
            }
        }
    }

    if flag(4) {
        let (st, c_out) = c_open(suite, &sk, &info, aad, &sealed, cap);
        let want = match &r {
            Ok(_) => PQH_OK,
            Err(e) => pqh_status::from(*e),
        };
        assert_eq!(st, want, "{suite:?}: C status differs from Suite::open");
        assert_eq!(c_out.bytes(), &out[..], "{suite:?}: C output differs");
    }
});

/// `pqh_hpke_open` with an output buffer of `cap` canary bytes.
fn c_open(
    suite: Suite,
    sk: &[u8],
    info: &[u8],
    aad: &[u8],
    sealed: &[u8],
    cap: usize,
) -> (pqh_status, OutArg) {
    let kem = pqhybrid_fuzz::kem_c_value(suite.kem()).expect("C value");
    let (_, kdf, aead) = suite.ids();
    let mut out = OutArg::new(cap, false);
    let mut n = usize::MAX;
    // SAFETY: every pointer is valid for its length; `out` is a separate allocation.
    let st = unsafe {
        pqh_hpke_open(
            KemAlgArg(u32::from(kem)),
            HpkeKdfArg(u32::from(kdf)),
            HpkeAeadArg(u32::from(aead)),
            sk.as_ptr(),
            sk.len(),
            info.as_ptr(),
            info.len(),
            aad.as_ptr(),
            aad.len(),
            sealed.as_ptr(),
            sealed.len(),
            out.ptr(),
            out.len(),
            &raw mut n,
        )
    };
    assert_ne!(st, PQH_ERR_INTERNAL, "pqh_hpke_open: caught panic");
    if st == PQH_OK {
        assert_eq!(
            n,
            sealed.len() - suite.sealed_len(0),
            "pqh_hpke_open: *out_len"
        );
    } else {
        assert_eq!(n, usize::MAX, "pqh_hpke_open: *out_len written on error");
    }
    (st, out)
}

/// The typed decoders of one KEM on the private key, the public key and `enc` candidates;
/// whether the public key decodes.
fn typed<T: Kem>(alg: K, sk: &[u8], pk: &[u8], enc: &[u8], agile_sk_ok: bool) -> bool {
    match T::PrivateKey::from_bytes(sk) {
        Ok(k) => {
            assert!(
                agile_sk_ok,
                "{alg}: typed private key accepted, agile rejected"
            );
            assert_eq!(k.to_bytes().as_slice(), sk, "{alg}: private key round trip");
            // Its public key is the agile layer's.
            let dk = DecapsulationKey::new(alg, sk).expect("checked");
            let mut want = vec![0u8; alg.public_key_len()];
            dk.write_public_key(&mut want).expect("public key");
            assert_eq!(T::sk_to_pk(&k).to_bytes().as_slice(), &want[..]);
        }
        Err(e) => {
            assert!(!agile_sk_ok, "{alg}: typed private key rejected: {e:?}");
            check_hpke_error(alg, e, sk.len(), alg.secret_key_len());
        }
    }
    let pk_ok = match T::PublicKey::from_bytes(pk) {
        Ok(k) => {
            assert_eq!(pk.len(), alg.public_key_len());
            assert_eq!(k.to_bytes().as_slice(), pk, "{alg}: public key round trip");
            true
        }
        Err(e) => {
            check_hpke_error(alg, e, pk.len(), alg.public_key_len());
            false
        }
    };
    match T::EncappedKey::from_bytes(enc) {
        Ok(k) => {
            assert_eq!(enc.len(), alg.ciphertext_len());
            assert_eq!(k.to_bytes().as_slice(), enc, "{alg}: enc round trip");
        }
        Err(e) => {
            assert_ne!(
                enc.len(),
                alg.ciphertext_len(),
                "{alg}: enc of the right length"
            );
            check_hpke_error(alg, e, enc.len(), alg.ciphertext_len());
        }
    }
    pk_ok
}

/// A decoder error is a length error exactly when the length is wrong, else a validation error.
fn check_hpke_error(alg: K, e: HpkeError, len: usize, want: usize) {
    match e {
        HpkeError::IncorrectInputLength(expected, actual) => {
            assert_eq!((expected, actual), (want, len), "{alg}: length error");
            assert_ne!(len, want, "{alg}: length error for the right length");
        }
        HpkeError::ValidationError => assert_eq!(len, want, "{alg}: validation of a bad length"),
        e => panic!("{alg}: unexpected decoder error {e:?}"),
    }
}
