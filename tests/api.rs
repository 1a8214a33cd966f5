//! The typed and agile APIs end to end, and every `Error` variant reachable through them.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use pqhybrid::primitives::{aes_gcm, ecdsa, ed25519, ml_dsa, ml_kem, slh_dsa, x25519};
use pqhybrid::{Error, Field, KemAlgorithm, SignatureAlgorithm};
use pqhybrid_kat::rng::{FailingRng, TestRng};

fn fast_sig_algs() -> impl Iterator<Item = SignatureAlgorithm> {
    // SLH-DSA 's' sets sign in seconds; the KAT suite covers all twelve.
    SignatureAlgorithm::ALL
        .into_iter()
        .filter(|a| !a.name().ends_with('s') || !a.name().starts_with("SLH"))
}

#[test]
fn every_signature_algorithm_round_trips() {
    let mut rng = TestRng(0x1234_5678);
    let mut count = 0;
    for alg in fast_sig_algs() {
        let mut pk = vec![0u8; alg.public_key_len()];
        let mut sk = vec![0u8; alg.secret_key_len()];
        alg.generate_keypair(&mut rng, &mut pk, &mut sk).unwrap();
        let mut pk2 = vec![0u8; alg.public_key_len()];
        alg.public_key_from_secret(&sk, &mut pk2).unwrap();
        assert_eq!(pk, pk2, "{alg}: public key from secret");

        let ctx: &[u8] = if alg.supports_context() { b"ctx" } else { b"" };
        let mut sig = vec![0u8; alg.signature_len()];
        let n = alg.sign(&sk, b"message", ctx, &mut rng, &mut sig).unwrap();
        // Composites with an ECDSA half are variable length; the rest are exactly the maximum.
        assert!(n <= alg.signature_len(), "{alg}");
        if !alg.is_hybrid() {
            assert_eq!(n, alg.signature_len(), "{alg}");
        }
        let sig = &mut sig[..n];
        alg.verify(&pk, b"message", ctx, sig).unwrap();
        assert_eq!(
            alg.verify(&pk, b"messagf", ctx, sig),
            Err(Error::VerificationFailed),
            "{alg}: wrong message"
        );
        sig[n / 2] ^= 1;
        assert!(
            alg.verify(&pk, b"message", ctx, sig).is_err(),
            "{alg}: bit flip"
        );

        let mut d1 = vec![0u8; alg.signature_len()];
        let mut d2 = vec![0u8; alg.signature_len()];
        let n1 = alg.sign_deterministic(&sk, b"m", ctx, &mut d1).unwrap();
        let n2 = alg.sign_deterministic(&sk, b"m", ctx, &mut d2).unwrap();
        assert_eq!(d1[..n1], d2[..n2], "{alg}: deterministic signing repeats");
        alg.verify(&pk, b"m", ctx, &d1[..n1]).unwrap();
        assert_eq!(SignatureAlgorithm::from_name(alg.name()), Some(alg));
        count += 1;
    }
    assert_eq!(count, 18);
}

#[test]
fn hedged_ml_dsa_differs_from_deterministic() {
    let alg = SignatureAlgorithm::MlDsa44;
    let mut pk = vec![0u8; alg.public_key_len()];
    let mut sk = vec![0u8; alg.secret_key_len()];
    alg.keypair_from_seed(&[3u8; 32], &mut pk, &mut sk).unwrap();
    let mut a = vec![0u8; alg.signature_len()];
    let mut b = vec![0u8; alg.signature_len()];
    alg.sign(&sk, b"m", b"", &mut TestRng(9), &mut a).unwrap();
    alg.sign_deterministic(&sk, b"m", b"", &mut b).unwrap();
    assert_ne!(a, b);
}

#[test]
fn every_kem_round_trips() {
    let mut rng = TestRng(77);
    for alg in KemAlgorithm::ALL {
        let mut pk = vec![0u8; alg.public_key_len()];
        let mut sk = vec![0u8; alg.secret_key_len()];
        alg.generate_keypair(&mut rng, &mut pk, &mut sk).unwrap();
        let mut ct = vec![0u8; alg.ciphertext_len()];
        let mut ss1 = [0u8; 32];
        let mut ss2 = [0u8; 32];
        alg.encapsulate(&pk, &mut rng, &mut ct, &mut ss1).unwrap();
        alg.decapsulate(&sk, &ct, &mut ss2).unwrap();
        assert_eq!(ss1, ss2, "{alg}");
        // Implicit rejection: a modified ciphertext gives a different key, not an error.
        ct[0] ^= 1;
        alg.decapsulate(&sk, &ct, &mut ss2).unwrap();
        assert_ne!(ss1, ss2, "{alg}");
        assert_eq!(KemAlgorithm::from_name(alg.name()), Some(alg));
    }
}

#[test]
fn ml_dsa_streaming_matches_one_shot() {
    let sk = ml_dsa::MlDsa65SigningKey::from_seed(&[5u8; 32]);
    let msg: Vec<u8> = (0..10_000u32).map(|i| (i * 7) as u8).collect();
    let one_shot = sk.sign_deterministic(&msg, b"fw").unwrap();
    for chunk in [1usize, 7, 136, 4096] {
        let mut h = sk.message_hasher(b"fw").unwrap();
        for c in msg.chunks(chunk) {
            h.update(c);
        }
        let streamed = sk.sign_mu_deterministic(&h.finalize()).unwrap();
        assert_eq!(streamed, one_shot, "chunk {chunk}");
    }
    sk.verifying_key().verify(&msg, b"fw", &one_shot).unwrap();
}

// ---- Every error variant -------------------------------------------------------------------

#[test]
fn error_invalid_length() {
    let alg = SignatureAlgorithm::MlDsa65;
    let mut pk = [0u8; 2592];
    let mut sk = [0u8; 96];
    assert_eq!(
        alg.keypair_from_seed(&[0u8; 31], &mut pk, &mut sk),
        Err(Error::InvalidLength {
            field: Field::Seed,
            expected: 32,
            actual: 31
        })
    );
    assert_eq!(
        alg.verify(&[0u8; 10], b"m", b"", &[0u8; 3309]),
        Err(Error::InvalidLength {
            field: Field::PublicKey,
            expected: 1952,
            actual: 10
        })
    );
    assert_eq!(
        KemAlgorithm::MlKem768.decapsulate(&[0u8; 64], &[0u8; 1087], &mut [0u8; 32]),
        Err(Error::InvalidLength {
            field: Field::Ciphertext,
            expected: 1088,
            actual: 1087
        })
    );
    assert!(matches!(
        ml_kem::MlKem768EncapsulationKey::from_bytes(&[0u8; 1183]),
        Err(Error::InvalidLength {
            field: Field::PublicKey,
            ..
        })
    ));
    assert!(matches!(
        aes_gcm::Aes256Gcm::new(&[0u8; 16]),
        Err(Error::InvalidLength {
            field: Field::SymmetricKey,
            expected: 32,
            actual: 16
        })
    ));
    let key = aes_gcm::Aes128Gcm::new(&[0u8; 16]).unwrap();
    assert!(matches!(
        key.seal(&[0u8; 8], b"", b"x", &mut [0u8; 64]),
        Err(Error::InvalidLength {
            field: Field::Nonce,
            ..
        })
    ));
    assert!(matches!(
        key.open(&[0u8; 12], b"", &[0u8; 15], &mut [0u8; 64]),
        Err(Error::InvalidLength {
            field: Field::Ciphertext,
            ..
        })
    ));
    assert!(matches!(
        slh_dsa::SlhDsaSha2_128fSigningKey::from_seed(&[0u8; 47]),
        Err(Error::InvalidLength {
            field: Field::Seed,
            expected: 48,
            actual: 47
        })
    ));
}

#[test]
fn error_buffer_too_small_writes_nothing() {
    let alg = SignatureAlgorithm::Ed25519;
    let mut pk = [0xAAu8; 31];
    let mut sk = [0xAAu8; 32];
    assert_eq!(
        alg.keypair_from_seed(&[1u8; 32], &mut pk, &mut sk),
        Err(Error::BufferTooSmall {
            field: Field::PublicKey,
            needed: 32,
            actual: 31
        })
    );
    assert!(pk.iter().chain(sk.iter()).all(|&b| b == 0xAA));

    let mut sig = [0xAAu8; 63];
    assert_eq!(
        alg.sign_deterministic(&[1u8; 32], b"m", b"", &mut sig),
        Err(Error::BufferTooSmall {
            field: Field::Signature,
            needed: 64,
            actual: 63
        })
    );
    assert!(sig.iter().all(|&b| b == 0xAA));

    let kem = KemAlgorithm::MlKem512;
    let mut kpk = vec![0u8; kem.public_key_len()];
    let mut ksk = vec![0u8; 64];
    kem.keypair_from_seed(&[2u8; 64], &mut kpk, &mut ksk)
        .unwrap();
    let mut ct = vec![0xAAu8; kem.ciphertext_len()];
    let mut ss = [0xAAu8; 31];
    assert_eq!(
        kem.encapsulate(&kpk, &mut TestRng(1), &mut ct, &mut ss),
        Err(Error::BufferTooSmall {
            field: Field::SharedSecret,
            needed: 32,
            actual: 31
        })
    );
    assert!(ct.iter().chain(ss.iter()).all(|&b| b == 0xAA));

    let key = aes_gcm::Aes256Gcm::new(&[0u8; 32]).unwrap();
    let mut out = [0xAAu8; 20];
    assert_eq!(
        key.seal(&[0u8; 12], b"", &[1u8; 5], &mut out),
        Err(Error::BufferTooSmall {
            field: Field::Ciphertext,
            needed: 21,
            actual: 20
        })
    );
    assert!(out.iter().all(|&b| b == 0xAA));
}

#[test]
fn error_malformed_encoding() {
    // y = 2 has no x on edwards25519: not a point.
    let mut bad = [0u8; 32];
    bad[0] = 2;
    assert_eq!(
        ed25519::VerifyingKey::from_bytes(&bad),
        Err(Error::MalformedEncoding {
            field: Field::PublicKey
        })
    );
    // x = 0, y = 0 is not on P-256.
    let mut p = [0u8; 65];
    p[0] = 4;
    assert_eq!(
        ecdsa::p256::VerifyingKey::from_sec1(&p),
        Err(Error::MalformedEncoding {
            field: Field::PublicKey
        })
    );
    let sk = ecdsa::p256::SigningKey::from_bytes(&[7u8; 32]).unwrap();
    let vk = sk.verifying_key();
    assert_eq!(
        vk.verify_der(b"m", &[0x30, 0x03, 0x02, 0x01]),
        Err(Error::MalformedEncoding {
            field: Field::Signature
        })
    );
    // r = 0 is not a valid signature scalar.
    assert_eq!(
        vk.verify(b"m", &[0u8; 64]),
        Err(Error::MalformedEncoding {
            field: Field::Signature
        })
    );
    // An ML-DSA signature whose hint indices are not strictly increasing does not decode.
    let mk = ml_dsa::MlDsa44SigningKey::from_seed(&[1u8; 32]);
    let mut sig = mk.sign_deterministic(b"m", b"").unwrap();
    let len = sig.len();
    sig[len - 1] = 0xFF; // last hint counter beyond omega
    assert_eq!(
        mk.verifying_key().verify(b"m", b"", &sig),
        Err(Error::MalformedEncoding {
            field: Field::Signature
        })
    );
}

#[test]
fn error_invalid_key() {
    // FIPS 203 §7.2: a coefficient 0xFFF ≥ q fails the modulus check.
    let dk = ml_kem::MlKem768DecapsulationKey::from_seed(&[4u8; 64]);
    let mut ek = dk.encapsulation_key().to_bytes().to_vec();
    ek[0] = 0xFF;
    ek[1] |= 0x0F;
    assert_eq!(
        ml_kem::MlKem768EncapsulationKey::from_bytes(&ek),
        Err(Error::InvalidKey {
            field: Field::PublicKey
        })
    );
    assert_eq!(
        KemAlgorithm::MlKem768.encapsulate(&ek, &mut TestRng(3), &mut [0u8; 1088], &mut [0u8; 32]),
        Err(Error::InvalidKey {
            field: Field::PublicKey
        })
    );
    // ECDSA scalar zero and scalar n.
    assert_eq!(
        ecdsa::p256::SigningKey::from_bytes(&[0u8; 32]).err(),
        Some(Error::InvalidKey {
            field: Field::SecretKey
        })
    );
    assert_eq!(
        ecdsa::p384::SigningKey::from_bytes(&[0xFFu8; 48]).err(),
        Some(Error::InvalidKey {
            field: Field::SecretKey
        })
    );
    // SLH-DSA private key whose PK.root does not match its seeds.
    let sk = slh_dsa::SlhDsaShake128fSigningKey::from_seed(&[9u8; 48]).unwrap();
    let mut full = sk.to_bytes().to_vec();
    full[63] ^= 1;
    assert_eq!(
        slh_dsa::SlhDsaShake128fSigningKey::from_bytes(&full).err(),
        Some(Error::InvalidKey {
            field: Field::SecretKey
        })
    );
}

#[test]
fn error_context() {
    let long = [0u8; 256];
    let sk = ml_dsa::MlDsa44SigningKey::from_seed(&[1u8; 32]);
    assert_eq!(
        sk.sign_deterministic(b"m", &long).err(),
        Some(Error::ContextTooLong {
            max: 255,
            actual: 256
        })
    );
    assert_eq!(
        sk.verifying_key().verify(b"m", &long, &[0u8; 2420]),
        Err(Error::ContextTooLong {
            max: 255,
            actual: 256
        })
    );
    // 255 bytes is the limit and works.
    let sig = sk.sign_deterministic(b"m", &long[..255]).unwrap();
    sk.verifying_key().verify(b"m", &long[..255], &sig).unwrap();
    let mut out = vec![0u8; 17_088];
    assert_eq!(
        SignatureAlgorithm::SlhDsaSha2_128f.sign_deterministic(&[0u8; 48], b"m", &long, &mut out),
        Err(Error::ContextTooLong {
            max: 255,
            actual: 256
        })
    );
    assert_eq!(
        SignatureAlgorithm::Ed25519.sign_deterministic(&[0u8; 32], b"m", b"x", &mut out),
        Err(Error::ContextNotSupported)
    );
    assert_eq!(
        SignatureAlgorithm::EcdsaP256Sha256.verify(&[0u8; 65], b"m", b"x", &[0u8; 64]),
        Err(Error::ContextNotSupported)
    );
}

#[test]
fn error_rng() {
    assert_eq!(
        ml_kem::MlKem512DecapsulationKey::generate(&mut FailingRng).err(),
        Some(Error::Rng)
    );
    let mut sig = vec![0u8; 2420];
    assert_eq!(
        SignatureAlgorithm::MlDsa44.sign(&[0u8; 32], b"m", b"", &mut FailingRng, &mut sig),
        Err(Error::Rng)
    );
    assert_eq!(
        SignatureAlgorithm::EcdsaP384Sha384.generate_keypair(
            &mut FailingRng,
            &mut [0u8; 97],
            &mut [0u8; 48]
        ),
        Err(Error::Rng)
    );
}

#[test]
fn error_zero_shared_secret() {
    let sk = x25519::SecretKey::from_bytes(&[8u8; 32]);
    // u = 0 and u = 1 are low-order points.
    for u in [[0u8; 32], {
        let mut one = [0u8; 32];
        one[0] = 1;
        one
    }] {
        assert_eq!(
            sk.diffie_hellman(&x25519::PublicKey(u)),
            Err(Error::ZeroSharedSecret)
        );
    }
    let peer = x25519::SecretKey::from_bytes(&[9u8; 32]);
    assert_eq!(
        sk.diffie_hellman(&peer.public_key()).unwrap(),
        peer.diffie_hellman(&sk.public_key()).unwrap()
    );
}

#[test]
fn error_authentication_failed_releases_nothing() {
    let key = aes_gcm::Aes256Gcm::new(&[1u8; 32]).unwrap();
    let mut ct = [0u8; 32 + 16];
    let n = key.seal(&[2u8; 12], b"aad", &[3u8; 32], &mut ct).unwrap();
    let mut pt = [0xAAu8; 32];
    assert_eq!(key.open(&[2u8; 12], b"aad", &ct[..n], &mut pt), Ok(32));
    assert_eq!(pt, [3u8; 32]);
    ct[0] ^= 1;
    let mut pt = [0xAAu8; 32];
    assert_eq!(
        key.open(&[2u8; 12], b"aad", &ct[..n], &mut pt),
        Err(Error::AuthenticationFailed)
    );
    assert_eq!(pt, [0u8; 32], "no unauthenticated plaintext is released");
}

#[test]
fn error_seed_unavailable() {
    // A valid expanded FIPS 203 dk (from the ACVP keyGen vectors) imports, but has no seed.
    let v = pqhybrid_kat::load_json("acvp/ML-KEM-keyGen-FIPS203/internalProjection.json");
    let group = &v["testGroups"][0];
    assert_eq!(group["parameterSet"], "ML-KEM-512");
    let dk = pqhybrid_kat::json::hex(&group["tests"][0], "dk").unwrap();
    let key = ml_kem::MlKem512DecapsulationKey::from_expanded(&dk).unwrap();
    assert_eq!(key.seed().err(), Some(Error::SeedUnavailable));
    // Garbage fails the §7.3 hash check instead.
    let bad = vec![0u8; ml_kem::ML_KEM_512_EXPANDED_KEY_LEN];
    assert_eq!(
        ml_kem::MlKem512DecapsulationKey::from_expanded(&bad).err(),
        Some(Error::InvalidKey {
            field: Field::ExpandedKey
        })
    );
    assert!(
        ml_kem::MlKem512DecapsulationKey::from_seed(&[1u8; 64])
            .seed()
            .is_ok()
    );
}

#[test]
fn error_display_is_specific() {
    let all = [
        Error::InvalidLength {
            field: Field::Seed,
            expected: 32,
            actual: 31,
        },
        Error::BufferTooSmall {
            field: Field::Signature,
            needed: 64,
            actual: 1,
        },
        Error::MalformedEncoding {
            field: Field::PublicKey,
        },
        Error::InvalidKey {
            field: Field::PublicKey,
        },
        Error::ContextTooLong {
            max: 255,
            actual: 256,
        },
        Error::ContextNotSupported,
        Error::VerificationFailed,
        Error::Rng,
        Error::ZeroSharedSecret,
        Error::AuthenticationFailed,
        Error::SeedUnavailable,
        Error::SigningFailed,
        Error::AlgorithmDisabled,
    ];
    let texts: Vec<String> = all.iter().map(ToString::to_string).collect();
    for (i, a) in texts.iter().enumerate() {
        assert!(!a.is_empty());
        for b in &texts[i + 1..] {
            assert_ne!(a, b);
        }
    }
    assert_eq!(texts[0], "seed has length 31, expected 32");
}

#[test]
fn secrets_are_redacted_and_compare() {
    let seed = [0x5Au8; 32];
    let sk = ml_dsa::MlDsa44SigningKey::from_seed(&seed);
    let dbg = format!("{sk:?}");
    assert!(dbg.contains("REDACTED") && !dbg.contains("5a"), "{dbg}");
    assert_eq!(sk, ml_dsa::MlDsa44SigningKey::from_seed(&seed));
    assert_ne!(sk, ml_dsa::MlDsa44SigningKey::from_seed(&[0x5Bu8; 32]));
    for dbg in [
        format!(
            "{:?}",
            ml_kem::MlKem768DecapsulationKey::from_seed(&[0x5Au8; 64])
        ),
        format!("{:?}", ed25519::SigningKey::from_seed(&seed)),
        format!("{:?}", x25519::SecretKey::from_bytes(&seed)),
        format!("{:?}", ecdsa::p256::SigningKey::from_bytes(&seed).unwrap()),
        format!(
            "{:?}",
            slh_dsa::SlhDsaShake128fSigningKey::from_seed(&[0x5Au8; 48]).unwrap()
        ),
        format!("{:?}", aes_gcm::Aes256Gcm::new(&seed).unwrap()),
        format!("{:?}", pqhybrid::Secret::new(seed)),
    ] {
        assert!(dbg.contains("REDACTED") && !dbg.contains("5a"), "{dbg}");
    }
}
