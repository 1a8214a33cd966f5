//! The held keys of the agile layer (`agile::SigningKey`, `agile::DecapsulationKey`) give the
//! same bytes and the same errors as the seed-taking `SignatureAlgorithm` / `KemAlgorithm`
//! methods, for every algorithm.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use pqhybrid::agile::{DecapsulationKey, SigningKey};
use pqhybrid::rng::OsRng;
use pqhybrid::{Error, KemAlgorithm, SignatureAlgorithm};

fn sig_keypair(alg: SignatureAlgorithm, seed_byte: u8) -> (Vec<u8>, Vec<u8>) {
    let mut pk = vec![0u8; alg.public_key_len()];
    let mut sk = vec![0u8; alg.secret_key_len()];
    alg.keypair_from_seed(&vec![seed_byte; alg.seed_len()], &mut pk, &mut sk)
        .unwrap();
    (pk, sk)
}

#[test]
fn signing_key_matches_the_seed_api_for_every_algorithm() {
    let mut rng = OsRng::default();
    let mut checks = 0;
    for alg in SignatureAlgorithm::ALL {
        let (pk, sk) = sig_keypair(alg, 0x21);
        let key = SigningKey::new(alg, &sk).unwrap();
        assert_eq!(key.algorithm(), alg);
        let mut pk2 = vec![0u8; alg.public_key_len() + 3];
        key.write_public_key(&mut pk2).unwrap();
        assert_eq!(&pk2[..pk.len()], &pk[..], "{alg}");
        let ctx: &[u8] = if alg.supports_context() { b"ctx" } else { b"" };
        let len = alg.signature_len();
        // SLH-DSA signs slowly (the "s" sets above all; the held key is one generic impl for
        // all twelve): one message for the "f" sets and SHA2-128s, hedged only for the "f" sets,
        // none for the other "s" sets; every other algorithm three messages.
        let slh = alg.name().starts_with("SLH-DSA");
        let msgs: &[&[u8]] = if slh && alg.name().ends_with('s') && !alg.name().ends_with("128s") {
            &[]
        } else if slh {
            &[b"firmware image"]
        } else {
            &[b"", b"firmware image", &[0x5a; 3000]]
        };
        for &msg in msgs {
            let (mut a, mut b) = (vec![0u8; len], vec![0u8; len]);
            let na = alg.sign_deterministic(&sk, msg, ctx, &mut a).unwrap();
            let nb = key.sign_deterministic(msg, ctx, &mut b).unwrap();
            assert_eq!(a[..na], b[..nb], "{alg}: deterministic signatures differ");
            checks += 1;
            if slh && !alg.name().ends_with('f') {
                continue;
            }
            let mut h = vec![0u8; len];
            let nh = key.sign(msg, ctx, &mut rng, &mut h).unwrap();
            alg.verify(&pk, msg, ctx, &h[..nh]).unwrap();
            checks += 1;
        }
        // Errors, as the seed API returns them.
        let mut short = vec![0u8; len - 1];
        // (Length checks come before any signing work.)
        assert!(matches!(
            key.sign_deterministic(b"m", ctx, &mut short),
            Err(Error::BufferTooSmall { .. })
        ));
        assert!(matches!(
            key.write_public_key(&mut vec![0u8; pk.len() - 1]),
            Err(Error::BufferTooSmall { .. })
        ));
        let mut out = vec![0u8; len];
        if alg.supports_context() {
            assert_eq!(
                key.sign_deterministic(b"m", &[0u8; 256], &mut out),
                alg.sign_deterministic(&sk, b"m", &[0u8; 256], &mut out)
            );
            assert!(matches!(
                key.sign_deterministic(b"m", &[0u8; 256], &mut out),
                Err(Error::ContextTooLong { .. })
            ));
        } else {
            assert_eq!(
                key.sign_deterministic(b"m", b"x", &mut out),
                Err(Error::ContextNotSupported)
            );
        }
        assert!(matches!(
            SigningKey::new(alg, &sk[1..]),
            Err(Error::InvalidLength { .. })
        ));
        // From the seed: the key keypair_from_seed derives (same public key, same signatures).
        let seed = vec![0x21u8; alg.seed_len()];
        let from_seed = SigningKey::from_seed(alg, &seed).unwrap();
        let mut pk3 = vec![0u8; alg.public_key_len()];
        from_seed.write_public_key(&mut pk3).unwrap();
        assert_eq!(pk3, pk, "{alg}: from_seed public key");
        if !slh || alg.name().ends_with('f') {
            let (mut a, mut b) = (vec![0u8; len], vec![0u8; len]);
            let na = alg.sign_deterministic(&sk, b"m", ctx, &mut a).unwrap();
            let nb = from_seed.sign_deterministic(b"m", ctx, &mut b).unwrap();
            assert_eq!(a[..na], b[..nb], "{alg}: from_seed signature");
            checks += 1;
        }
        assert!(matches!(
            SigningKey::from_seed(alg, &seed[1..]),
            Err(Error::InvalidLength { .. })
        ));
        checks += 6;
    }
    // Keys that do not decode fail as the seed API fails.
    for (alg, sk) in [
        (SignatureAlgorithm::EcdsaP256Sha256, vec![0u8; 32]),
        (SignatureAlgorithm::EcdsaP384Sha384, vec![0xffu8; 48]),
    ] {
        let mut out = vec![0u8; alg.signature_len()];
        assert_eq!(
            SigningKey::new(alg, &sk).map(|_| ()),
            alg.sign_deterministic(&sk, b"m", b"", &mut out).map(|_| ())
        );
        assert!(SigningKey::new(alg, &sk).is_err());
    }
    for alg in SignatureAlgorithm::ALL
        .into_iter()
        .filter(|a| a.is_hybrid())
    {
        let (_, mut sk) = sig_keypair(alg, 3);
        // The traditional half's encoding (after the 32-byte ML-DSA seed) broken.
        sk[33] ^= 0xff;
        let mut out = vec![0u8; alg.signature_len()];
        let seed_api = alg.sign_deterministic(&sk, b"m", b"", &mut out).map(|_| ());
        assert_eq!(SigningKey::new(alg, &sk).map(|_| ()), seed_api, "{alg}");
        // An Ed25519 half is a seed (any 32 bytes); an ECDSA half is a DER ECPrivateKey.
        if !alg.name().contains("Ed25519") {
            assert!(seed_api.is_err(), "{alg}");
        }
    }
    println!(
        "agile SigningKey: {} algorithms, {checks} checks passed",
        SignatureAlgorithm::ALL.len()
    );
}

#[test]
fn decapsulation_key_matches_the_seed_api_for_every_kem() {
    let mut rng = OsRng::default();
    let mut checks = 0;
    for alg in KemAlgorithm::ALL {
        let mut pk = vec![0u8; alg.public_key_len()];
        let mut sk = vec![0u8; alg.secret_key_len()];
        alg.keypair_from_seed(&vec![0x33; alg.seed_len()], &mut pk, &mut sk)
            .unwrap();
        let dk = DecapsulationKey::new(alg, &sk).unwrap();
        assert_eq!(dk.algorithm(), alg);
        let mut pk2 = vec![0u8; alg.public_key_len()];
        dk.write_public_key(&mut pk2).unwrap();
        assert_eq!(pk2, pk, "{alg}");
        for i in 0..8 {
            let mut ct = vec![0u8; alg.ciphertext_len()];
            let mut ss = vec![0u8; alg.shared_secret_len()];
            alg.encapsulate(&pk, &mut rng, &mut ct, &mut ss).unwrap();
            if i % 2 == 1 {
                // A modified ciphertext: ML-KEM's implicit rejection, or an ECDH point that
                // does not decode; either way the same result from both paths.
                let at = (i * 97) % ct.len();
                ct[at] ^= 1 << (i % 8);
            }
            let mut a = vec![0u8; alg.shared_secret_len()];
            let mut b = vec![0u8; alg.shared_secret_len()];
            let ra = alg.decapsulate(&sk, &ct, &mut a);
            let rb = dk.decapsulate(&ct, &mut b);
            assert_eq!(ra, rb, "{alg}");
            assert_eq!(a, b, "{alg}");
            if i % 2 == 0 {
                assert_eq!(b, ss, "{alg}");
            }
            checks += 1;
        }
        let ct = vec![0u8; alg.ciphertext_len()];
        assert!(matches!(
            dk.decapsulate(&ct[1..], &mut [0u8; 32]),
            Err(Error::InvalidLength { .. })
        ));
        assert!(matches!(
            dk.decapsulate(&ct, &mut [0u8; 31]),
            Err(Error::BufferTooSmall { .. })
        ));
        assert!(matches!(
            dk.write_public_key(&mut vec![0u8; pk.len() - 1]),
            Err(Error::BufferTooSmall { .. })
        ));
        assert!(matches!(
            DecapsulationKey::new(alg, &sk[1..]),
            Err(Error::InvalidLength { .. })
        ));
        checks += 4;
    }
    // A composite private key whose ECDH half does not parse: the same error as the seed API.
    for alg in [
        KemAlgorithm::MlKem768EcdhP256Sha3_256,
        KemAlgorithm::MlKem1024EcdhP384Sha3_256,
    ] {
        let mut sk = vec![0u8; alg.secret_key_len()];
        sk[..64].fill(7);
        let ct = vec![0u8; alg.ciphertext_len()];
        let seed_api = alg.decapsulate(&sk, &ct, &mut [0u8; 32]);
        assert!(seed_api.is_err(), "{alg}");
        assert_eq!(DecapsulationKey::new(alg, &sk).map(|_| ()), seed_api);
        checks += 1;
    }
    println!(
        "agile DecapsulationKey: {} KEMs, {checks} checks passed",
        KemAlgorithm::ALL.len()
    );
}
