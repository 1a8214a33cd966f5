//! The two lattice backends against each other: from the same seeds and randomness, libcrux and
//! RustCrypto must give byte-identical public keys, expanded private keys, ciphertexts, shared
//! secrets and signatures (hedged and deterministic), and agree on accepting or rejecting
//! mutated inputs (ML-KEM keys with unreduced coefficients, ML-DSA signatures with flipped bits).
//! Each is the other's oracle; the published vectors check both separately (`tests/kat_*.rs`,
//! run once per backend by `cargo xtask kat`).
//!
//! Needs both backends (`--all-features`); without them this file has no cases and says so.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[cfg(not(all(feature = "backend-libcrux", feature = "backend-rustcrypto")))]
#[test]
fn backends_differential_needs_both_backends() {
    panic!(
        "tests/backends.rs compares the lattice backends: run with \
         `--features backend-libcrux,backend-rustcrypto` (or `--all-features`)"
    );
}

#[cfg(all(feature = "backend-libcrux", feature = "backend-rustcrypto"))]
mod differential {
    use pqhybrid::primitives::backend::{Libcrux, RustCrypto};
    use pqhybrid::primitives::bytes::ByteArray as _;
    use pqhybrid::primitives::ml_dsa::{self, MlDsa44, MlDsa65, MlDsa87, MlDsaParams};
    use pqhybrid::primitives::ml_kem::{self, MlKem512, MlKem768, MlKem1024, MlKemSizes as _};
    use pqhybrid::rng::TryRng as _;
    use pqhybrid_kat::rng::TestRng;

    /// Seeds per parameter set.
    const KEYS: u64 = 12;

    // RustCrypto's ML-KEM impls are per parameter set, so this one is instantiated by macro.
    macro_rules! ml_kem_case {
        ($f:ident, $p:ty) => {
            fn $f(rng: &mut TestRng) -> usize {
                type P = $p;
                let mut checks = 0;
                for _ in 0..KEYS {
                    let mut seed = [0u8; ml_kem::SEED_LEN];
                    rng.try_fill_bytes(&mut seed).unwrap();
                    let a = ml_kem::DecapsulationKey::<P, Libcrux>::from_seed(&seed);
                    let b = ml_kem::DecapsulationKey::<P, RustCrypto>::from_seed(&seed);
                    let (ea, eb) = (a.encapsulation_key(), b.encapsulation_key());
                    assert_eq!(ea.to_bytes(), eb.to_bytes(), "{}: ek", P::NAME);

                    // Expanded keys: byte-identical.
                    assert_eq!(
                        *a.expanded_key_hazmat(),
                        *b.expanded_key_hazmat(),
                        "{}: expanded dk",
                        P::NAME
                    );

                    for _ in 0..4 {
                        let mut m = [0u8; 32];
                        rng.try_fill_bytes(&mut m).unwrap();
                        let mut r1 = pqhybrid_kat::rng::Replay(&m);
                        let mut r2 = pqhybrid_kat::rng::Replay(&m);
                        let (ca, ka) = ea.encapsulate(&mut r1).unwrap();
                        let (cb, kb) = eb.encapsulate(&mut r2).unwrap();
                        assert_eq!(ca.as_slice(), cb.as_slice(), "{}: ciphertext", P::NAME);
                        assert_eq!(ka, kb, "{}: shared secret", P::NAME);
                        assert_eq!(a.decapsulate(ca.as_slice()).unwrap(), ka);
                        assert_eq!(b.decapsulate(ca.as_slice()).unwrap(), ka);
                        // Implicit rejection: a flipped bit gives the same pseudorandom key on both.
                        let mut bad = ca.as_slice().to_vec();
                        let i = (rng.0 as usize) % bad.len();
                        bad[i] ^= 1 << (rng.0 % 8);
                        rng.try_fill_bytes(&mut [0u8; 1]).unwrap();
                        let (ra, rb) = (a.decapsulate(&bad).unwrap(), b.decapsulate(&bad).unwrap());
                        assert_eq!(ra, rb, "{}: implicit rejection", P::NAME);
                        assert_ne!(ra, ka, "{}: implicit rejection", P::NAME);
                        checks += 4;
                    }

                    // Encapsulation keys with an unreduced coefficient: both reject.
                    let mut ek = ea.to_bytes().as_slice().to_vec();
                    ek[0] = 0xff;
                    ek[1] |= 0x0f;
                    assert_eq!(
                        ml_kem::EncapsulationKey::<P, Libcrux>::from_bytes(&ek).map(|_| ()),
                        ml_kem::EncapsulationKey::<P, RustCrypto>::from_bytes(&ek).map(|_| ()),
                        "{}: ek with an unreduced coefficient",
                        P::NAME
                    );
                    checks += 2;
                }
                checks
            }
        };
    }
    ml_kem_case!(ml_kem_512, MlKem512);
    ml_kem_case!(ml_kem_768, MlKem768);
    ml_kem_case!(ml_kem_1024, MlKem1024);

    #[test]
    fn ml_kem_backends_agree() {
        let mut rng = TestRng(0x006c_6962_6372_7578);
        let n = ml_kem_512(&mut rng) + ml_kem_768(&mut rng) + ml_kem_1024(&mut rng);
        println!("backends: ML-KEM libcrux = rustcrypto on {n} checks");
        assert!(n > 0);
    }

    fn ml_dsa_case<P: MlDsaParams>(rng: &mut TestRng) -> usize {
        let mut checks = 0;
        for k in 0..KEYS {
            let mut seed = [0u8; ml_dsa::SEED_LEN];
            rng.try_fill_bytes(&mut seed).unwrap();
            let a = ml_dsa::SigningKey::<P, Libcrux>::from_seed(&seed);
            let b = ml_dsa::SigningKey::<P, RustCrypto>::from_seed(&seed);
            let (va, vb) = (a.verifying_key(), b.verifying_key());
            assert_eq!(va.to_bytes(), vb.to_bytes(), "{}: pk", P::NAME);
            assert_eq!(va.tr(), vb.tr(), "{}: tr", P::NAME);
            assert_eq!(
                *a.expanded_key_hazmat(),
                *b.expanded_key_hazmat(),
                "{}: skEncode",
                P::NAME
            );

            let msg = format!("message {k}").into_bytes();
            let ctx: &[u8] = if k % 2 == 0 { b"" } else { b"fw-ctx" };
            let da = a.sign_deterministic(&msg, ctx).unwrap();
            let db = b.sign_deterministic(&msg, ctx).unwrap();
            assert_eq!(da, db, "{}: deterministic signature", P::NAME);
            let mut rnd = [0u8; 32];
            rng.try_fill_bytes(&mut rnd).unwrap();
            let ha = a
                .sign(&msg, ctx, &mut pqhybrid_kat::rng::Replay(&rnd))
                .unwrap();
            let hb = b
                .sign(&msg, ctx, &mut pqhybrid_kat::rng::Replay(&rnd))
                .unwrap();
            assert_eq!(ha, hb, "{}: hedged signature", P::NAME);
            // External μ (served by RustCrypto for both) gives the same bytes too.
            let mu = {
                let mut h = va.message_hasher(ctx).unwrap();
                h.update(&msg);
                h.finalize()
            };
            assert_eq!(
                a.sign_mu_deterministic(&mu).unwrap(),
                da,
                "{}: sign_mu",
                P::NAME
            );
            checks += 4;

            // Mutated signatures, keys, messages: both backends' verify and the compact
            // verifier (`verify_mu`) return the same result.
            let pk = va.to_bytes();
            for trial in 0..24u32 {
                let mut sig = da.as_slice().to_vec();
                let mut pk_m = pk.as_slice().to_vec();
                let mut msg_m = msg.clone();
                let r = {
                    let mut x = [0u8; 4];
                    rng.try_fill_bytes(&mut x).unwrap();
                    u32::from_le_bytes(x)
                };
                match trial % 4 {
                    0 => {
                        let i = r as usize % sig.len();
                        sig[i] ^= 1 << (r % 8);
                    }
                    1 => {
                        // The hint section: the last ω + k bytes.
                        let i = sig.len() - 1 - (r as usize % 16);
                        sig[i] = sig[i].wrapping_add(1 + (r % 3) as u8);
                    }
                    2 => {
                        let i = r as usize % pk_m.len();
                        pk_m[i] ^= 1 << (r % 8);
                    }
                    _ => msg_m.push(r as u8),
                }
                let la = ml_dsa::VerifyingKey::<P, Libcrux>::from_bytes(&pk_m)
                    .and_then(|v| v.verify(&msg_m, ctx, &sig));
                let lb = ml_dsa::VerifyingKey::<P, RustCrypto>::from_bytes(&pk_m)
                    .and_then(|v| v.verify(&msg_m, ctx, &sig));
                assert_eq!(la, lb, "{}: verify (trial {trial})", P::NAME);
                let vm = ml_dsa::VerifyingKey::<P, RustCrypto>::from_bytes(&pk_m).and_then(|v| {
                    let mut h = v.message_hasher(ctx)?;
                    h.update(&msg_m);
                    v.verify_mu(&h.finalize(), &sig)
                });
                assert_eq!(la, vm, "{}: verify_mu (trial {trial})", P::NAME);
                checks += 1;
            }
        }
        checks
    }

    #[test]
    fn ml_dsa_backends_agree() {
        let mut rng = TestRng(0x006d_6c64_7361);
        let n = ml_dsa_case::<MlDsa44>(&mut rng)
            + ml_dsa_case::<MlDsa65>(&mut rng)
            + ml_dsa_case::<MlDsa87>(&mut rng);
        println!("backends: ML-DSA libcrux = rustcrypto = compact on {n} checks");
        assert!(n > 0);
    }
}
