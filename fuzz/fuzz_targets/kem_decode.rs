//! Every KEM's encapsulation-key, decapsulation-key and ciphertext decoders, and decapsulation
//! of arbitrary ciphertexts.
//!
//! Input: `alg` (selector, [`pqhybrid_fuzz::kem_alg`]), then fields `pk`, `sk`, `ct`, `seed`,
//! `rand` and the rest is `flip` (a position and XOR mask for a derived ciphertext).
//!
//! Invariants: no panic; accepted keys re-encode to the same bytes; the agile layer agrees with
//! the typed decoders; errors are the documented variants; decapsulation of a well-formed
//! ML-KEM ciphertext never fails (implicit rejection) and is deterministic; a key pair derived
//! from a fuzzer-chosen seed round-trips a shared secret, and a modified ciphertext does not
//! give the same secret.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pqhybrid::hybrid::composite_kem::{self, CompositeKemParams};
use pqhybrid::hybrid::xwing;
use pqhybrid::primitives::ml_kem::{self, MlKemParams};
use pqhybrid::{Error, Field, KemAlgorithm as K};
use pqhybrid_fuzz::{FuzzRng, Input, is_input_error, kem_alg};

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let alg = kem_alg(input.u8());
    let pk = input.bytes();
    let sk = input.bytes();
    let ct = input.bytes();
    let seed = input.bytes();
    let rand = input.bytes();
    let flip = input.rest();

    // Encapsulation keys.
    let pk_ok = typed_ek(alg, pk);
    let mut ct_out = vec![0u8; alg.ciphertext_len()];
    let mut ss_out = [0u8; 32];
    match alg.encapsulate(pk, &mut FuzzRng::new(rand), &mut ct_out, &mut ss_out) {
        Ok(()) => assert!(pk_ok, "{alg}: encapsulated to a key the decoder rejects"),
        Err(Error::ZeroSharedSecret) => {
            assert!(
                pk_ok,
                "{alg}: low-order X25519 key, but the decoder rejected it"
            )
        }
        Err(e) => {
            assert!(
                is_input_error(&e, Field::PublicKey),
                "{alg}: unexpected encapsulate error {e:?}"
            );
            assert!(
                !pk_ok,
                "{alg}: encapsulate rejected a key the decoder accepts: {e:?}"
            );
        }
    }

    // Decapsulation keys.
    let sk_ok = typed_dk(alg, sk);
    let mut ss1 = [0u8; 32];
    match alg.decapsulate(sk, ct, &mut ss1) {
        Ok(()) => {
            assert!(sk_ok, "{alg}: decapsulated with a key the decoder rejects");
            let mut ss2 = [0u8; 32];
            alg.decapsulate(sk, ct, &mut ss2)
                .expect("second decapsulation");
            assert_eq!(ss1, ss2, "{alg}: decapsulation is not deterministic");
        }
        Err(e) => {
            let expected = match e {
                Error::InvalidLength { field, .. } => {
                    field == Field::SecretKey || field == Field::Ciphertext
                }
                Error::MalformedEncoding { field } | Error::InvalidKey { field } => {
                    field == Field::SecretKey || field == Field::Ciphertext
                }
                Error::ZeroSharedSecret => true,
                _ => false,
            };
            assert!(expected, "{alg}: unexpected decapsulate error {e:?}");
            let lengths_ok = sk.len() == alg.secret_key_len() && ct.len() == alg.ciphertext_len();
            if matches!(alg, K::MlKem512 | K::MlKem768 | K::MlKem1024) {
                assert!(!lengths_ok, "{alg}: ML-KEM decapsulation failed: {e:?}");
            }
            if lengths_ok
                && matches!(
                    e,
                    Error::MalformedEncoding {
                        field: Field::SecretKey
                    } | Error::InvalidKey {
                        field: Field::SecretKey
                    }
                )
            {
                assert!(
                    !sk_ok,
                    "{alg}: decapsulate rejected a key the decoder accepts"
                );
            }
        }
    }

    // A key pair from a fuzzer-chosen seed: encapsulate / decapsulate round trip.
    let mut s = vec![0u8; alg.seed_len()];
    for (d, b) in s.iter_mut().zip(seed) {
        *d = *b;
    }
    let mut epk = vec![0u8; alg.public_key_len()];
    let mut esk = vec![0u8; alg.secret_key_len()];
    alg.keypair_from_seed(&s, &mut epk, &mut esk)
        .expect("keypair_from_seed");
    assert!(typed_ek(alg, &epk), "{alg}: derived public key rejected");
    assert!(typed_dk(alg, &esk), "{alg}: derived private key rejected");
    let mut ct2 = vec![0u8; alg.ciphertext_len()];
    let mut ss_a = [0u8; 32];
    match alg.encapsulate(&epk, &mut FuzzRng::new(rand), &mut ct2, &mut ss_a) {
        Ok(()) => {}
        // The ephemeral ECDH scalar drawn from the fuzzer's "randomness" may be invalid.
        Err(Error::InvalidKey {
            field: Field::Randomness,
        }) => return,
        Err(e) => panic!("{alg}: encapsulation to a derived key failed: {e:?}"),
    }
    let mut ss_b = [0u8; 32];
    alg.decapsulate(&esk, &ct2, &mut ss_b)
        .expect("decapsulation of a fresh ciphertext");
    assert_eq!(ss_a, ss_b, "{alg}: shared secrets differ");
    if let [p0, p1, mask, ..] = *flip {
        let pos = usize::from(u16::from_le_bytes([p0, p1])) % ct2.len();
        let mask = mask | 1;
        ct2[pos] ^= mask;
        let mut ss_c = [0u8; 32];
        match alg.decapsulate(&esk, &ct2, &mut ss_c) {
            Ok(()) => assert_ne!(
                ss_a, ss_c,
                "{alg}: modified ciphertext gives the same secret"
            ),
            Err(e) => assert!(
                matches!(
                    e,
                    Error::MalformedEncoding {
                        field: Field::Ciphertext
                    } | Error::ZeroSharedSecret
                ),
                "{alg}: unexpected error for a modified ciphertext: {e:?}"
            ),
        }
    }
});

/// Decodes an encapsulation key with the typed API; checks the round trip.
fn typed_ek(alg: K, pk: &[u8]) -> bool {
    let r: Result<Vec<u8>, Error> = match alg {
        K::MlKem512 => mlkem_ek::<ml_kem::MlKem512>(pk),
        K::MlKem768 => mlkem_ek::<ml_kem::MlKem768>(pk),
        K::MlKem1024 => mlkem_ek::<ml_kem::MlKem1024>(pk),
        K::XWing => xwing::EncapsulationKey::from_bytes(pk).map(|k| k.to_bytes().to_vec()),
        K::MlKem768X25519Sha3_256 => comp_ek::<composite_kem::MlKem768X25519Sha3_256>(pk),
        K::MlKem768EcdhP256Sha3_256 => comp_ek::<composite_kem::MlKem768EcdhP256Sha3_256>(pk),
        K::MlKem1024EcdhP384Sha3_256 => comp_ek::<composite_kem::MlKem1024EcdhP384Sha3_256>(pk),
        _ => return false,
    };
    match r {
        Ok(enc) => {
            assert_eq!(enc, pk, "{alg}: encapsulation key does not round-trip");
            true
        }
        Err(e) => {
            assert!(
                is_input_error(&e, Field::PublicKey),
                "{alg}: unexpected ek error {e:?}"
            );
            false
        }
    }
}

fn mlkem_ek<P: MlKemParams>(pk: &[u8]) -> Result<Vec<u8>, Error> {
    ml_kem::EncapsulationKey::<P>::from_bytes(pk).map(|k| k.to_bytes().as_ref().to_vec())
}

fn comp_ek<C: CompositeKemParams>(pk: &[u8]) -> Result<Vec<u8>, Error> {
    composite_kem::EncapsulationKey::<C>::from_bytes(pk).map(|k| k.to_bytes().as_ref().to_vec())
}

/// Decodes a decapsulation key (the agile form, and for ML-KEM also the expanded form) with the
/// typed API; checks the round trip.
fn typed_dk(alg: K, sk: &[u8]) -> bool {
    let r: Result<Vec<u8>, Error> = match alg {
        K::MlKem512 => mlkem_dk::<ml_kem::MlKem512>(sk),
        K::MlKem768 => mlkem_dk::<ml_kem::MlKem768>(sk),
        K::MlKem1024 => mlkem_dk::<ml_kem::MlKem1024>(sk),
        K::XWing => xwing::DecapsulationKey::from_seed_slice(sk).map(|k| k.seed().to_vec()),
        K::MlKem768X25519Sha3_256 => comp_dk::<composite_kem::MlKem768X25519Sha3_256>(sk),
        K::MlKem768EcdhP256Sha3_256 => comp_dk::<composite_kem::MlKem768EcdhP256Sha3_256>(sk),
        K::MlKem1024EcdhP384Sha3_256 => comp_dk::<composite_kem::MlKem1024EcdhP384Sha3_256>(sk),
        _ => return false,
    };
    match r {
        Ok(enc) => {
            assert_eq!(enc, sk, "{alg}: decapsulation key does not round-trip");
            true
        }
        Err(e) => {
            assert!(
                is_input_error(&e, Field::SecretKey) || is_input_error(&e, Field::Seed),
                "{alg}: unexpected dk error {e:?}"
            );
            false
        }
    }
}

fn mlkem_dk<P: MlKemParams>(sk: &[u8]) -> Result<Vec<u8>, Error> {
    match ml_kem::DecapsulationKey::<P>::from_expanded(sk) {
        Ok(k) => {
            assert_eq!(k.seed().err(), Some(Error::SeedUnavailable));
            // The embedded encapsulation key is valid.
            let ek = k.encapsulation_key().to_bytes();
            ml_kem::EncapsulationKey::<P>::from_bytes(ek.as_ref()).expect("embedded ek decodes");
        }
        Err(e) => assert!(
            is_input_error(&e, Field::SecretKey) || is_input_error(&e, Field::ExpandedKey),
            "unexpected expanded-key error {e:?}"
        ),
    }
    let k = ml_kem::DecapsulationKey::<P>::from_seed_slice(sk)?;
    Ok(k.seed().expect("seed-imported key has its seed").to_vec())
}

fn comp_dk<C: CompositeKemParams>(sk: &[u8]) -> Result<Vec<u8>, Error> {
    composite_kem::DecapsulationKey::<C>::from_bytes(sk).map(|k| k.to_bytes().as_ref().to_vec())
}
