//! Composite ML-DSA verification with arbitrary key, message, context and signature.
//!
//! Input: `alg` (selector over the six composites), then fields `pk`, `msg`, `ctx`, and the
//! rest is `sig`. If `pk` is empty the public key of a key pair derived from `msg`'s first
//! bytes is used instead, so that key decoding is passed and the signature parser is reached.
//!
//! Invariants: no panic; the agile layer and the typed API give the same result; errors are the
//! documented variants; a signature that verifies does not verify for another message or
//! context, nor for a truncated or extended signature.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pqhybrid::hybrid::composite_sig::{self, CompositeParams};
use pqhybrid::{Error, SignatureAlgorithm as S};
use pqhybrid_fuzz::{Input, composites, is_verify_error};

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let all = composites();
    let alg = all[usize::from(input.u8()) % all.len()];
    let pk_in = input.bytes();
    let msg = input.bytes();
    let ctx = input.bytes();
    let sig = input.rest();

    let pk = if pk_in.is_empty() {
        let mut seed = [0u8; 32];
        for (d, s) in seed.iter_mut().zip(msg) {
            *d = *s;
        }
        let mut pk = vec![0u8; alg.public_key_len()];
        let mut sk = vec![0u8; alg.secret_key_len()];
        alg.keypair_from_seed(&seed, &mut pk, &mut sk)
            .expect("composite keypair");
        pk
    } else {
        pk_in.to_vec()
    };

    let agile = alg.verify(&pk, msg, ctx, sig);
    let typed = typed_verify(alg, &pk, msg, ctx, sig);
    assert_eq!(agile, typed, "{alg}: agile and typed verification disagree");
    match agile {
        Ok(()) => {
            let mut m2 = msg.to_vec();
            m2.push(1);
            assert!(
                alg.verify(&pk, &m2, ctx, sig).is_err(),
                "{alg}: verifies another message"
            );
            let mut c2 = ctx.to_vec();
            if c2.len() < 255 {
                c2.push(1);
                assert!(
                    alg.verify(&pk, msg, &c2, sig).is_err(),
                    "{alg}: verifies another context"
                );
            }
            assert!(
                alg.verify(&pk, msg, ctx, &sig[..sig.len() - 1]).is_err(),
                "{alg}: truncated signature verifies"
            );
            let mut s2 = sig.to_vec();
            s2.push(0);
            assert!(
                alg.verify(&pk, msg, ctx, &s2).is_err(),
                "{alg}: extended signature verifies"
            );
        }
        Err(e) => assert!(is_verify_error(&e), "{alg}: unexpected error {e:?}"),
    }
});

fn typed_verify(alg: S, pk: &[u8], msg: &[u8], ctx: &[u8], sig: &[u8]) -> Result<(), Error> {
    fn v<C: CompositeParams>(pk: &[u8], msg: &[u8], ctx: &[u8], sig: &[u8]) -> Result<(), Error> {
        composite_sig::VerifyingKey::<C>::from_bytes(pk)?.verify(msg, ctx, sig)
    }
    match alg {
        S::MlDsa44Ed25519Sha512 => v::<composite_sig::MlDsa44Ed25519Sha512>(pk, msg, ctx, sig),
        S::MlDsa44EcdsaP256Sha256 => v::<composite_sig::MlDsa44EcdsaP256Sha256>(pk, msg, ctx, sig),
        S::MlDsa65Ed25519Sha512 => v::<composite_sig::MlDsa65Ed25519Sha512>(pk, msg, ctx, sig),
        S::MlDsa65EcdsaP256Sha512 => v::<composite_sig::MlDsa65EcdsaP256Sha512>(pk, msg, ctx, sig),
        S::MlDsa65EcdsaP384Sha512 => v::<composite_sig::MlDsa65EcdsaP384Sha512>(pk, msg, ctx, sig),
        S::MlDsa87EcdsaP384Sha512 => v::<composite_sig::MlDsa87EcdsaP384Sha512>(pk, msg, ctx, sig),
        other => panic!("{other} is not a composite"),
    }
}
