//! Differential test: the compact ML-DSA signer (`primitives::ml_dsa_compact::{public_key,
//! expand_key, sign, sign_mu}`) against the typed `primitives::ml_dsa::SigningKey` on both
//! backends (libcrux and RustCrypto): for many seeds, messages, contexts and `rnd` values, the
//! public key, the expanded key and every signature must be the same bytes, and every
//! signature must verify. Errors (lengths, context) must be the typed API's, with nothing
//! written.
//!
//! Run: `cargo test -p pqhybrid --all-features --test ml_dsa_compact_sign -- --nocapture`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use pqhybrid::primitives::backend::{Libcrux, RustCrypto};
use pqhybrid::primitives::ml_dsa::{MlDsa44, MlDsa65, MlDsa87, MlDsaParams, Mu, SigningKey};
use pqhybrid::primitives::ml_dsa_compact::{self as compact, Params};
use pqhybrid::rng::TryRng;
use pqhybrid::{Error, Field};
use pqhybrid_kat::report::diff_bytes;
use pqhybrid_kat::rng::TestRng;

/// Seeds per parameter set (each with two messages × deterministic and hedged signing).
const SEEDS: usize = 40;

fn bytes(rng: &mut TestRng, n: usize) -> Vec<u8> {
    let mut v = vec![0u8; n];
    rng.try_fill_bytes(&mut v).unwrap();
    v
}

fn array<const N: usize>(rng: &mut TestRng) -> [u8; N] {
    let mut a = [0u8; N];
    rng.try_fill_bytes(&mut a).unwrap();
    a
}

/// Every check for one parameter set; returns the number of signatures compared.
fn run<P: MlDsaParams>(params: &'static Params, rng: &mut TestRng) -> usize {
    let mut compared = 0;
    for case in 0..SEEDS {
        let seed: [u8; 32] = array(rng);
        let lib = SigningKey::<P, Libcrux>::from_seed(&seed);
        let rc = SigningKey::<P, RustCrypto>::from_seed(&seed);

        // Key generation: public key and expanded key.
        let want_pk = lib.verifying_key().to_bytes();
        let mut pk = vec![0u8; params.pk_len];
        compact::public_key(params, &seed, &mut pk).unwrap();
        diff_bytes(
            &format!("{} case {case}: pk", params.name),
            &pk,
            want_pk.as_ref(),
        )
        .unwrap();
        let mut sk = vec![0u8; params.sk_len];
        let mut pk2 = vec![0u8; params.pk_len];
        compact::expand_key(params, &seed, &mut sk, &mut pk2).unwrap();
        assert_eq!(pk2, pk);
        diff_bytes(
            &format!("{} case {case}: expanded key", params.name),
            &sk,
            &lib.expanded_key_hazmat(),
        )
        .unwrap();
        diff_bytes(
            &format!("{} case {case}: expanded key (RustCrypto)", params.name),
            &sk,
            &rc.expanded_key_hazmat(),
        )
        .unwrap();

        // Signing: deterministic and hedged, varied message and context lengths.
        for (m, rnd) in [[0u8; 32], array(rng)].into_iter().enumerate() {
            let msg = bytes(rng, (case * 37 + m * 1001) % 3000);
            let ctx = bytes(rng, (case * 13 + m) % 256);
            let want = lib.sign_with_rnd_hazmat(&msg, &ctx, &rnd).unwrap();
            let want_rc = rc.sign_with_rnd_hazmat(&msg, &ctx, &rnd).unwrap();
            assert_eq!(want.as_ref(), want_rc.as_ref(), "the backends disagree");
            let mut sig = vec![0u8; params.sig_len];
            compact::sign(params, &seed, &msg, &ctx, &rnd, &mut sig).unwrap();
            diff_bytes(
                &format!("{} case {case}.{m}: signature", params.name),
                &sig,
                want.as_ref(),
            )
            .unwrap();
            compact::verify(params, &pk, &msg, &ctx, &sig).unwrap();

            // Over μ: the same signature, and the same as RustCrypto's sign_mu.
            let mut hasher = lib.message_hasher(&ctx).unwrap();
            hasher.update(&msg);
            let mu: Mu = hasher.finalize();
            let mut sig_mu = vec![0u8; params.sig_len];
            compact::sign_mu(params, &seed, &mu.0, &rnd, &mut sig_mu).unwrap();
            assert_eq!(sig_mu, sig, "sign_mu differs from sign");
            let rc_mu = rc.sign_mu_with_rnd_hazmat(&mu, &rnd).unwrap();
            assert_eq!(sig_mu.as_slice(), rc_mu.as_ref());

            // From the expanded key.
            let mut sig_ex = vec![0u8; params.sig_len];
            compact::sign_mu_expanded_hazmat(params, &sk, &mu.0, &rnd, &mut sig_ex).unwrap();
            assert_eq!(sig_ex, sig, "the expanded-key path differs");
            compared += 4;
        }
    }
    compared
}

#[test]
fn compact_signer_matches_both_backends() {
    let mut rng = TestRng(0x5167_c0de);
    let mut total = 0;
    total += run::<MlDsa44>(&compact::ML_DSA_44, &mut rng);
    total += run::<MlDsa65>(&compact::ML_DSA_65, &mut rng);
    total += run::<MlDsa87>(&compact::ML_DSA_87, &mut rng);
    println!(
        "ml_dsa_compact_sign: {} seeds, {total} signatures equal to libcrux's and RustCrypto's, \
         0 differences",
        3 * SEEDS
    );
    assert_eq!(total, 3 * SEEDS * 8);
}

/// Wrong lengths and an over-long context: the typed API's errors, and the output untouched.
#[test]
fn errors_write_nothing() {
    let seed = [3u8; 32];
    for params in [
        &compact::ML_DSA_44,
        &compact::ML_DSA_65,
        &compact::ML_DSA_87,
    ] {
        let mut short = vec![0xa5u8; params.sig_len - 1];
        assert_eq!(
            compact::sign(params, &seed, b"m", b"", &[0; 32], &mut short),
            Err(Error::InvalidLength {
                field: Field::Signature,
                expected: params.sig_len,
                actual: params.sig_len - 1
            })
        );
        assert!(short.iter().all(|&b| b == 0xa5));
        let mut sig = vec![0xa5u8; params.sig_len];
        assert_eq!(
            compact::sign(params, &seed, b"m", &[0u8; 256], &[0; 32], &mut sig),
            Err(Error::ContextTooLong {
                max: 255,
                actual: 256
            })
        );
        assert!(sig.iter().all(|&b| b == 0xa5));
        assert_eq!(
            compact::sign_mu(params, &seed, &[0; 64], &[0; 32], &mut short),
            Err(Error::InvalidLength {
                field: Field::Signature,
                expected: params.sig_len,
                actual: params.sig_len - 1
            })
        );
        let mut pk = vec![0xa5u8; params.pk_len + 1];
        assert_eq!(
            compact::public_key(params, &seed, &mut pk),
            Err(Error::InvalidLength {
                field: Field::PublicKey,
                expected: params.pk_len,
                actual: params.pk_len + 1
            })
        );
        assert!(pk.iter().all(|&b| b == 0xa5));
        let mut sk = vec![0xa5u8; params.sk_len - 1];
        let mut pk = vec![0xa5u8; params.pk_len];
        assert_eq!(
            compact::expand_key(params, &seed, &mut sk, &mut pk),
            Err(Error::InvalidLength {
                field: Field::ExpandedKey,
                expected: params.sk_len,
                actual: params.sk_len - 1
            })
        );
        assert!(sk.iter().chain(pk.iter()).all(|&b| b == 0xa5));
        assert_eq!(
            compact::sign_mu_expanded_hazmat(params, &sk, &[0; 64], &[0; 32], &mut sig),
            Err(Error::InvalidLength {
                field: Field::ExpandedKey,
                expected: params.sk_len,
                actual: params.sk_len - 1
            })
        );
        assert!(sig.iter().all(|&b| b == 0xa5));
    }
}
