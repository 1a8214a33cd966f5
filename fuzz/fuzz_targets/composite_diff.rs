//! Differential: one-shot vs streaming verification of composite ML-DSA (`PreHasher` +
//! `verify_prehashed`) and of pure ML-DSA (external μ: `MessageHasher` + `verify_mu`), with
//! fuzzer-chosen chunking; and signatures made in the target from fuzzer-chosen seeds.
//!
//! Input: `sel` (the six composites, then ML-DSA-44/65/87), `mode`, then fields `seed`, `msg`,
//! `ctx`, `plan` (chunk sizes), `rnd` (hedged-signing randomness), `flip` (position + mask),
//! and the rest is `sig` (an arbitrary signature, used when `mode` bit 0 is set; bit 1 adds the
//! agile-layer and hedged-signing checks).
//!
//! Invariants: no panic; both verification paths give the same result for every signature
//! (valid, bit-flipped, arbitrary); deterministic signing gives the same signature one-shot,
//! streamed and through the agile layer; deterministic and hedged signatures verify both ways;
//! a bit-flipped signature fails both ways.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pqhybrid::hybrid::composite_sig::{self, CompositeParams, PreHasher};
use pqhybrid::primitives::bytes::ByteArray as _;
use pqhybrid::primitives::ml_dsa;
use pqhybrid::{Error, SignatureAlgorithm as S};
use pqhybrid_fuzz::{FuzzRng, Input, chunks, is_verify_error};

const ALGS: [S; 9] = [
    S::MlDsa44Ed25519Sha512,
    S::MlDsa44EcdsaP256Sha256,
    S::MlDsa65Ed25519Sha512,
    S::MlDsa65EcdsaP256Sha512,
    S::MlDsa65EcdsaP384Sha512,
    S::MlDsa87EcdsaP384Sha512,
    S::MlDsa44,
    S::MlDsa65,
    S::MlDsa87,
];

struct Case<'a> {
    seed: [u8; 32],
    msg: &'a [u8],
    ctx: &'a [u8],
    plan: &'a [u8],
    rnd: &'a [u8],
    flip: Option<(usize, u8)>,
    arbitrary_sig: Option<&'a [u8]>,
    /// Also cross-check the agile layer and hedged signing (two more signatures).
    extra: bool,
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let alg = ALGS[usize::from(input.u8()) % ALGS.len()];
    let mode = input.u8();
    let seed_in = input.bytes();
    let mut seed = [0u8; 32];
    for (d, s) in seed.iter_mut().zip(seed_in) {
        *d = *s;
    }
    let msg = input.bytes();
    let ctx = input.bytes();
    let plan = input.bytes();
    let rnd = input.bytes();
    let flip = match *input.bytes() {
        [a, b, m, ..] => Some((usize::from(u16::from_le_bytes([a, b])), m | 1)),
        _ => None,
    };
    let sig = input.rest();
    let case = Case {
        seed,
        msg,
        ctx,
        plan,
        rnd,
        flip,
        arbitrary_sig: (mode & 1 == 1).then_some(sig),
        extra: mode & 2 == 2,
    };
    match alg {
        S::MlDsa44Ed25519Sha512 => composite::<composite_sig::MlDsa44Ed25519Sha512>(alg, &case),
        S::MlDsa44EcdsaP256Sha256 => composite::<composite_sig::MlDsa44EcdsaP256Sha256>(alg, &case),
        S::MlDsa65Ed25519Sha512 => composite::<composite_sig::MlDsa65Ed25519Sha512>(alg, &case),
        S::MlDsa65EcdsaP256Sha512 => composite::<composite_sig::MlDsa65EcdsaP256Sha512>(alg, &case),
        S::MlDsa65EcdsaP384Sha512 => composite::<composite_sig::MlDsa65EcdsaP384Sha512>(alg, &case),
        S::MlDsa87EcdsaP384Sha512 => composite::<composite_sig::MlDsa87EcdsaP384Sha512>(alg, &case),
        S::MlDsa44 => mldsa::<ml_dsa::MlDsa44>(alg, &case),
        S::MlDsa65 => mldsa::<ml_dsa::MlDsa65>(alg, &case),
        S::MlDsa87 => mldsa::<ml_dsa::MlDsa87>(alg, &case),
        other => panic!("{other} not in the table"),
    }
});

fn composite<C: CompositeParams>(alg: S, c: &Case<'_>) {
    let sk = composite_sig::SigningKey::<C>::from_root_seed(&c.seed).expect("root seed");
    let vk = sk.verifying_key();
    let streamed = |sig: &[u8]| -> Result<(), Error> {
        let mut h = PreHasher::<C>::new();
        for chunk in chunks(c.msg, c.plan) {
            h.update(chunk);
        }
        vk.verify_prehashed(&h.finalize(), c.ctx, sig)
    };
    let both = |sig: &[u8]| -> Result<(), Error> {
        let one = vk.verify(c.msg, c.ctx, sig);
        assert_eq!(
            one,
            streamed(sig),
            "{alg}: one-shot and streaming verification disagree"
        );
        if let Err(e) = &one {
            assert!(is_verify_error(e), "{alg}: unexpected error {e:?}");
        }
        one
    };

    if let Some(sig) = c.arbitrary_sig {
        let _ = both(sig);
    }

    let mut sig = vec![0u8; C::MAX_SIGNATURE_LEN];
    let n = match sk.sign_deterministic(c.msg, c.ctx, &mut sig) {
        Ok(n) => n,
        Err(e) => {
            assert!(
                matches!(e, Error::ContextTooLong { .. }),
                "{alg}: signing failed: {e:?}"
            );
            assert!(c.ctx.len() > 255);
            assert!(matches!(both(&[]), Err(Error::ContextTooLong { .. })));
            return;
        }
    };
    let sig = &sig[..n];
    both(sig).expect("a deterministic signature verifies");

    // Streaming signing gives the same bytes; so does the agile layer.
    let mut h = PreHasher::<C>::new();
    for chunk in chunks(c.msg, c.plan) {
        h.update(chunk);
    }
    let mut sig2 = vec![0u8; C::MAX_SIGNATURE_LEN];
    let n2 = sk
        .sign_prehashed_deterministic(&h.finalize(), c.ctx, &mut sig2)
        .expect("streaming signing");
    assert_eq!(
        &sig2[..n2],
        sig,
        "{alg}: streaming and one-shot signatures differ"
    );
    if c.extra {
        agile_and_hedged::<C>(alg, c, &sk, sig, &both);
    }

    if let Some((pos, mask)) = c.flip {
        let mut bad = sig.to_vec();
        let pos = pos % bad.len();
        bad[pos] ^= mask;
        assert!(
            both(&bad).is_err(),
            "{alg}: a modified signature verifies (byte {pos})"
        );
    }
}

/// The agile layer signs the same bytes as the typed API; a hedged signature verifies both
/// ways.
fn agile_and_hedged<C: CompositeParams>(
    alg: S,
    c: &Case<'_>,
    sk: &composite_sig::SigningKey<C>,
    sig: &[u8],
    both: &dyn Fn(&[u8]) -> Result<(), Error>,
) {
    let vk = sk.verifying_key();
    let mut agile_sk = vec![0u8; alg.secret_key_len()];
    let mut agile_pk = vec![0u8; alg.public_key_len()];
    alg.keypair_from_seed(&c.seed, &mut agile_pk, &mut agile_sk)
        .expect("agile keypair");
    assert_eq!(
        agile_pk,
        vk.to_bytes().as_ref(),
        "{alg}: agile and typed public keys differ"
    );
    let mut sig3 = vec![0u8; alg.signature_len()];
    let n3 = alg
        .sign_deterministic(&agile_sk, c.msg, c.ctx, &mut sig3)
        .expect("agile signing");
    assert_eq!(&sig3[..n3], sig, "{alg}: agile and typed signatures differ");

    // Hedged signing with the fuzzer's randomness verifies too.
    let mut sig4 = vec![0u8; C::MAX_SIGNATURE_LEN];
    let n4 = sk
        .sign(c.msg, c.ctx, &mut FuzzRng::new(c.rnd), &mut sig4)
        .expect("hedged signing");
    both(&sig4[..n4]).expect("a hedged signature verifies");
}

fn mldsa<P: ml_dsa::MlDsaParams>(alg: S, c: &Case<'_>) {
    let sk = ml_dsa::SigningKey::<P>::from_seed(&c.seed);
    let vk = sk.verifying_key();
    let streamed = |sig: &[u8]| -> Result<(), Error> {
        let mut h = vk.message_hasher(c.ctx)?;
        for chunk in chunks(c.msg, c.plan) {
            h.update(chunk);
        }
        vk.verify_mu(&h.finalize(), sig)
    };
    let both = |sig: &[u8]| -> Result<(), Error> {
        let one = vk.verify(c.msg, c.ctx, sig);
        assert_eq!(
            one,
            streamed(sig),
            "{alg}: one-shot and external-mu verification disagree"
        );
        if let Err(e) = &one {
            assert!(is_verify_error(e), "{alg}: unexpected error {e:?}");
        }
        one
    };
    if let Some(sig) = c.arbitrary_sig {
        let _ = both(sig);
    }
    let sig = match sk.sign_deterministic(c.msg, c.ctx) {
        Ok(s) => s,
        Err(e) => {
            assert!(
                matches!(e, Error::ContextTooLong { .. }),
                "{alg}: signing failed: {e:?}"
            );
            return;
        }
    };
    both(sig.as_ref()).expect("a deterministic signature verifies");
    // External-μ signing gives the same signature.
    let mut h = sk.message_hasher(c.ctx).expect("context checked");
    for chunk in chunks(c.msg, c.plan) {
        h.update(chunk);
    }
    let sig2 = sk.sign_mu_deterministic(&h.finalize()).expect("sign_mu");
    assert_eq!(
        sig2.as_slice(),
        sig.as_slice(),
        "{alg}: external-mu signature differs"
    );
    if c.extra {
        let hedged = sk
            .sign(c.msg, c.ctx, &mut FuzzRng::new(c.rnd))
            .expect("hedged signing");
        both(hedged.as_ref()).expect("a hedged signature verifies");
    }
    if let Some((pos, mask)) = c.flip {
        let mut bad = sig.to_vec();
        let pos = pos % bad.len();
        bad[pos] ^= mask;
        assert!(
            both(&bad).is_err(),
            "{alg}: a modified signature verifies (byte {pos})"
        );
    }
}
