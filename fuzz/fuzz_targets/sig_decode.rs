//! Every signature algorithm's public-key, private-key and signature decoders.
//!
//! Input: `alg` (selector, [`pqhybrid_fuzz::sig_alg`]), then fields `pk`, `sk`, `msg`, `ctx`,
//! and the rest is `sig`.
//!
//! Invariants: no panic; an accepted public or private key re-encodes to the same bytes; the
//! agile layer accepts exactly the keys the typed decoders accept; errors are the documented
//! variants; a signature that verifies does not verify for another message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pqhybrid::hybrid::composite_sig::{self, CompositeParams};
use pqhybrid::primitives::{ecdsa, ed25519, ml_dsa, slh_dsa};
use pqhybrid::{Error, Field, SignatureAlgorithm as S};
use pqhybrid_fuzz::{Input, is_input_error, is_verify_error, sig_alg, slow_keygen};

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let sel = input.u8();
    let alg = sig_alg(sel & 0x7f);
    let pk = input.bytes();
    let sk = input.bytes();
    // SLH-DSA "s" private keys cost a key generation each: only with the selector's high bit.
    let sk = if slow_keygen(alg) && sel < 0x80 {
        &sk[..0]
    } else {
        sk
    };
    let msg = input.bytes();
    let ctx = input.bytes();
    let sig = input.rest();

    let typed_pk_ok = typed_public_key(alg, pk);
    let typed_sk_ok = typed_secret_key(alg, sk);
    typed_signature(alg, pk, sig);

    // Agile private-key import: accepted exactly when the typed decoder accepts.
    let mut derived = vec![0u8; alg.public_key_len()];
    match alg.public_key_from_secret(sk, &mut derived) {
        Ok(()) => {
            assert!(
                typed_sk_ok,
                "{alg}: agile accepted a private key the typed layer rejects"
            );
            // The derived public key is valid, and key derivation from the same bytes agrees.
            assert!(
                typed_public_key(alg, &derived),
                "{alg}: derived public key rejected"
            );
            if !alg.is_hybrid() {
                let mut pk2 = vec![0u8; alg.public_key_len()];
                let mut sk2 = vec![0u8; alg.secret_key_len()];
                alg.keypair_from_seed(sk, &mut pk2, &mut sk2)
                    .expect("seed accepted as a private key");
                assert_eq!(pk2, derived, "{alg}: keypair_from_seed differs");
                assert_eq!(sk2, sk, "{alg}: private key is not the seed");
            }
        }
        Err(e) => {
            assert!(
                !typed_sk_ok,
                "{alg}: agile rejected a private key the typed layer accepts: {e:?}"
            );
            assert!(
                is_input_error(&e, Field::SecretKey),
                "{alg}: unexpected error {e:?}"
            );
        }
    }

    // Agile verification with arbitrary key, message, context and signature.
    match alg.verify(pk, msg, ctx, sig) {
        Ok(()) => {
            assert!(
                typed_pk_ok,
                "{alg}: signature verified under a key the decoder rejects"
            );
            let mut other = msg.to_vec();
            other.push(0x5a);
            assert!(
                alg.verify(pk, &other, ctx, sig).is_err(),
                "{alg}: signature also verifies for a different message"
            );
        }
        Err(e) => {
            assert!(is_verify_error(&e), "{alg}: unexpected verify error {e:?}");
            if matches!(
                e,
                Error::InvalidKey { .. }
                    | Error::MalformedEncoding {
                        field: Field::PublicKey
                    }
            ) {
                assert!(
                    !typed_pk_ok,
                    "{alg}: verify rejected a key the decoder accepts: {e:?}"
                );
            }
        }
    }
});

/// Decodes `pk` with the typed API; checks the round trip. Returns whether it was accepted.
fn typed_public_key(alg: S, pk: &[u8]) -> bool {
    let r: Result<Vec<u8>, Error> =
        match alg {
            S::MlDsa44 => ml_dsa::VerifyingKey::<ml_dsa::MlDsa44>::from_bytes(pk)
                .map(|k| k.to_bytes().to_vec()),
            S::MlDsa65 => ml_dsa::VerifyingKey::<ml_dsa::MlDsa65>::from_bytes(pk)
                .map(|k| k.to_bytes().to_vec()),
            S::MlDsa87 => ml_dsa::VerifyingKey::<ml_dsa::MlDsa87>::from_bytes(pk)
                .map(|k| k.to_bytes().to_vec()),
            S::SlhDsaSha2_128s => slh_vk::<slh_dsa::Sha2_128s>(pk),
            S::SlhDsaSha2_128f => slh_vk::<slh_dsa::Sha2_128f>(pk),
            S::SlhDsaSha2_192s => slh_vk::<slh_dsa::Sha2_192s>(pk),
            S::SlhDsaSha2_192f => slh_vk::<slh_dsa::Sha2_192f>(pk),
            S::SlhDsaSha2_256s => slh_vk::<slh_dsa::Sha2_256s>(pk),
            S::SlhDsaSha2_256f => slh_vk::<slh_dsa::Sha2_256f>(pk),
            S::SlhDsaShake128s => slh_vk::<slh_dsa::Shake128s>(pk),
            S::SlhDsaShake128f => slh_vk::<slh_dsa::Shake128f>(pk),
            S::SlhDsaShake192s => slh_vk::<slh_dsa::Shake192s>(pk),
            S::SlhDsaShake192f => slh_vk::<slh_dsa::Shake192f>(pk),
            S::SlhDsaShake256s => slh_vk::<slh_dsa::Shake256s>(pk),
            S::SlhDsaShake256f => slh_vk::<slh_dsa::Shake256f>(pk),
            S::Ed25519 => ed25519::VerifyingKey::from_bytes(pk).map(|k| k.to_bytes().to_vec()),
            S::EcdsaP256Sha256 => {
                let r = ecdsa::p256::VerifyingKey::from_sec1(pk).map(|k| k.to_bytes().to_vec());
                return ecdsa_roundtrip(alg, pk, r, ecdsa::p256::PUBLIC_KEY_LEN);
            }
            S::EcdsaP384Sha384 => {
                let r = ecdsa::p384::VerifyingKey::from_sec1(pk).map(|k| k.to_bytes().to_vec());
                return ecdsa_roundtrip(alg, pk, r, ecdsa::p384::PUBLIC_KEY_LEN);
            }
            S::MlDsa44Ed25519Sha512 => comp_vk::<composite_sig::MlDsa44Ed25519Sha512>(pk),
            S::MlDsa44EcdsaP256Sha256 => comp_vk::<composite_sig::MlDsa44EcdsaP256Sha256>(pk),
            S::MlDsa65Ed25519Sha512 => comp_vk::<composite_sig::MlDsa65Ed25519Sha512>(pk),
            S::MlDsa65EcdsaP256Sha512 => comp_vk::<composite_sig::MlDsa65EcdsaP256Sha512>(pk),
            S::MlDsa65EcdsaP384Sha512 => comp_vk::<composite_sig::MlDsa65EcdsaP384Sha512>(pk),
            S::MlDsa87EcdsaP384Sha512 => comp_vk::<composite_sig::MlDsa87EcdsaP384Sha512>(pk),
            _ => return false,
        };
    match r {
        Ok(enc) => {
            assert_eq!(enc, pk, "{alg}: public key does not round-trip");
            true
        }
        Err(e) => {
            assert!(
                is_input_error(&e, Field::PublicKey),
                "{alg}: unexpected pk error {e:?}"
            );
            false
        }
    }
}

/// ECDSA accepts SEC1 points; only the uncompressed form round-trips byte for byte. A
/// compressed point must re-decode from its uncompressed encoding to the same key.
fn ecdsa_roundtrip(alg: S, pk: &[u8], r: Result<Vec<u8>, Error>, len: usize) -> bool {
    match r {
        Ok(enc) => {
            assert_eq!(enc.len(), len);
            if pk.len() == len {
                assert_eq!(enc, pk, "{alg}: public key does not round-trip");
            }
            // Only the uncompressed form is the agile layer's public key.
            pk.len() == len
        }
        Err(e) => {
            assert!(
                is_input_error(&e, Field::PublicKey),
                "{alg}: unexpected pk error {e:?}"
            );
            false
        }
    }
}

fn slh_vk<P: slh_dsa::ParameterSet>(pk: &[u8]) -> Result<Vec<u8>, Error> {
    slh_dsa::VerifyingKey::<P>::from_bytes(pk).map(|k| k.to_bytes().to_vec())
}

fn comp_vk<C: CompositeParams>(pk: &[u8]) -> Result<Vec<u8>, Error> {
    composite_sig::VerifyingKey::<C>::from_bytes(pk).map(|k| k.to_bytes().as_ref().to_vec())
}

/// Decodes `sk` (the agile private-key form) with the typed API; checks round trips.
fn typed_secret_key(alg: S, sk: &[u8]) -> bool {
    let r: Result<Vec<u8>, Error> = match alg {
        S::MlDsa44 => mldsa_sk::<ml_dsa::MlDsa44>(sk),
        S::MlDsa65 => mldsa_sk::<ml_dsa::MlDsa65>(sk),
        S::MlDsa87 => mldsa_sk::<ml_dsa::MlDsa87>(sk),
        S::SlhDsaSha2_128s => slh_sk::<slh_dsa::Sha2_128s>(sk),
        S::SlhDsaSha2_128f => slh_sk::<slh_dsa::Sha2_128f>(sk),
        S::SlhDsaSha2_192s => slh_sk::<slh_dsa::Sha2_192s>(sk),
        S::SlhDsaSha2_192f => slh_sk::<slh_dsa::Sha2_192f>(sk),
        S::SlhDsaSha2_256s => slh_sk::<slh_dsa::Sha2_256s>(sk),
        S::SlhDsaSha2_256f => slh_sk::<slh_dsa::Sha2_256f>(sk),
        S::SlhDsaShake128s => slh_sk::<slh_dsa::Shake128s>(sk),
        S::SlhDsaShake128f => slh_sk::<slh_dsa::Shake128f>(sk),
        S::SlhDsaShake192s => slh_sk::<slh_dsa::Shake192s>(sk),
        S::SlhDsaShake192f => slh_sk::<slh_dsa::Shake192f>(sk),
        S::SlhDsaShake256s => slh_sk::<slh_dsa::Shake256s>(sk),
        S::SlhDsaShake256f => slh_sk::<slh_dsa::Shake256f>(sk),
        S::Ed25519 => ed25519::SigningKey::from_seed_slice(sk).map(|k| k.seed().to_vec()),
        S::EcdsaP256Sha256 => {
            ecdsa::p256::SigningKey::from_bytes(sk).map(|k| k.to_bytes().as_ref().to_vec())
        }
        S::EcdsaP384Sha384 => {
            ecdsa::p384::SigningKey::from_bytes(sk).map(|k| k.to_bytes().as_ref().to_vec())
        }
        S::MlDsa44Ed25519Sha512 => comp_sk::<composite_sig::MlDsa44Ed25519Sha512>(sk),
        S::MlDsa44EcdsaP256Sha256 => comp_sk::<composite_sig::MlDsa44EcdsaP256Sha256>(sk),
        S::MlDsa65Ed25519Sha512 => comp_sk::<composite_sig::MlDsa65Ed25519Sha512>(sk),
        S::MlDsa65EcdsaP256Sha512 => comp_sk::<composite_sig::MlDsa65EcdsaP256Sha512>(sk),
        S::MlDsa65EcdsaP384Sha512 => comp_sk::<composite_sig::MlDsa65EcdsaP384Sha512>(sk),
        S::MlDsa87EcdsaP384Sha512 => comp_sk::<composite_sig::MlDsa87EcdsaP384Sha512>(sk),
        _ => return false,
    };
    match r {
        Ok(enc) => {
            assert_eq!(enc, sk, "{alg}: private key does not round-trip");
            true
        }
        Err(e) => {
            assert!(
                is_input_error(&e, Field::SecretKey) || is_input_error(&e, Field::Seed),
                "{alg}: unexpected sk error {e:?}"
            );
            false
        }
    }
}

fn mldsa_sk<P: ml_dsa::MlDsaParams>(sk: &[u8]) -> Result<Vec<u8>, Error> {
    // The expanded (skDecode) form is a decoder too: try it on the same bytes.
    if let Ok(k) = ml_dsa::ExpandedSigningKey::<P>::from_bytes_hazmat(sk) {
        let vk = k.verifying_key().to_bytes();
        ml_dsa::VerifyingKey::<P>::from_bytes(vk.as_ref())
            .expect("expanded key's public key decodes");
    }
    ml_dsa::SigningKey::<P>::from_seed_slice(sk).map(|k| k.seed().to_vec())
}

fn slh_sk<P: slh_dsa::ParameterSet>(sk: &[u8]) -> Result<Vec<u8>, Error> {
    // The full FIPS 205 key (4n bytes) is a second decoder: SK.seed ‖ SK.prf ‖ PK.seed ‖ PK.root.
    if sk.len() == <P as slh_dsa::SlhDsaSizes>::SECRET_KEY_LEN {
        match slh_dsa::SigningKey::<P>::from_bytes(sk) {
            Ok(k) => assert_eq!(
                k.to_bytes().as_slice(),
                sk,
                "SLH-DSA full key does not round-trip"
            ),
            Err(e) => assert!(
                is_input_error(&e, Field::SecretKey),
                "unexpected SLH-DSA full-key error {e:?}"
            ),
        }
    }
    let k = slh_dsa::SigningKey::<P>::from_seed(sk)?;
    let mut out = vec![0u8; <P as slh_dsa::SlhDsaSizes>::SEED_LEN];
    let n = k.write_seed(&mut out)?;
    out.truncate(n);
    Ok(out)
}

fn comp_sk<C: CompositeParams>(sk: &[u8]) -> Result<Vec<u8>, Error> {
    composite_sig::SigningKey::<C>::from_bytes(sk).map(|k| k.to_bytes().as_ref().to_vec())
}

/// Signature-only decoders: the ECDSA DER form (the composites' traditional half), checked for
/// the documented errors under a fixed valid key.
fn typed_signature(alg: S, pk: &[u8], sig: &[u8]) {
    let r = match alg {
        S::EcdsaP256Sha256 => {
            ecdsa::p256::VerifyingKey::from_sec1(pk).map(|k| k.verify_der(b"m", sig))
        }
        S::EcdsaP384Sha384 => {
            ecdsa::p384::VerifyingKey::from_sec1(pk).map(|k| k.verify_der(b"m", sig))
        }
        _ => return,
    };
    if let Ok(Err(e)) = r {
        assert!(
            is_verify_error(&e),
            "{alg}: unexpected DER signature error {e:?}"
        );
    }
}
