//! `agile::DecapsulationKeyRef` (the canonical private key borrowed, re-derived on each call)
//! against the held `agile::DecapsulationKey`, for every KEM: the same public key, the same
//! shared secrets (valid and altered ciphertexts: implicit rejection), the same errors, and the
//! same HPKE `open` results. With `--all-features` (`compact-kem`) the borrowed key runs on the
//! compact ML-KEM and the held key on the backend, so this is also the differential test of the
//! byte-level compact paths (key generation, decapsulation and public keys of ML-KEM, X-Wing
//! and the composites) against the backend.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use pqhybrid::agile::{DecapsulationKey, DecapsulationKeyRef, Decapsulator};
use pqhybrid::rng::OsRng;
use pqhybrid::{Error, Field, KemAlgorithm};

fn keypair(alg: KemAlgorithm, seed_byte: u8) -> (Vec<u8>, Vec<u8>) {
    let mut pk = vec![0u8; alg.public_key_len()];
    let mut sk = vec![0u8; alg.secret_key_len()];
    alg.keypair_from_seed(&vec![seed_byte; alg.seed_len()], &mut pk, &mut sk)
        .unwrap();
    (pk, sk)
}

fn decaps(k: &dyn Decapsulator, ct: &[u8]) -> pqhybrid::Result<Vec<u8>> {
    let mut ss = vec![0u8; k.algorithm().shared_secret_len()];
    k.decapsulate(ct, &mut ss).map(|()| ss)
}

#[test]
fn borrowed_key_matches_the_held_key_for_every_kem() {
    let mut rng = OsRng::default();
    let mut cases = 0;
    for alg in KemAlgorithm::ALL {
        for seed_byte in [0x01u8, 0x7f, 0xc3] {
            let (pk, sk) = keypair(alg, seed_byte);
            let held = DecapsulationKey::new(alg, &sk).unwrap();
            let borrowed = DecapsulationKeyRef::new(alg, &sk).unwrap();
            assert_eq!(Decapsulator::algorithm(&borrowed), alg);
            // Public key.
            let mut pk2 = vec![0u8; alg.public_key_len() + 5];
            borrowed.write_public_key(&mut pk2).unwrap();
            assert_eq!(&pk2[..pk.len()], &pk[..], "{alg}: public key");
            let mut pk3 = vec![0u8; alg.public_key_len()];
            alg.public_key_from_secret(&sk, &mut pk3).unwrap();
            assert_eq!(pk3, pk, "{alg}: public_key_from_secret");
            // The held key's public key (the backend's key generation; with `compact-kem`
            // `keypair_from_seed` above ran on the compact ML-KEM).
            let mut pk4 = vec![0u8; alg.public_key_len()];
            held.write_public_key(&mut pk4).unwrap();
            assert_eq!(pk4, pk, "{alg}: held key's public key");
            // Valid ciphertexts.
            for _ in 0..4 {
                let mut ct = vec![0u8; alg.ciphertext_len()];
                let mut ss = vec![0u8; alg.shared_secret_len()];
                alg.encapsulate(&pk, &mut rng, &mut ct, &mut ss).unwrap();
                assert_eq!(decaps(&borrowed, &ct).unwrap(), ss, "{alg}");
                assert_eq!(decaps(&held, &ct).unwrap(), ss, "{alg}");
                // Altered ML-KEM part: implicit rejection, the same key from both.
                for pos in [0, 17, alg.ciphertext_len() / 3] {
                    let mut bad = ct.clone();
                    bad[pos] ^= 0x40;
                    let a = decaps(&borrowed, &bad);
                    let b = decaps(&held, &bad);
                    assert_eq!(a, b, "{alg}: altered ciphertext at {pos}");
                    if let Ok(k) = a {
                        assert_ne!(k, ss, "{alg}: altered ciphertext gave the key");
                    }
                    cases += 1;
                }
                cases += 1;
            }
            // Wrong lengths and short buffers: the same errors, nothing written.
            let ct = vec![0u8; alg.ciphertext_len() + 1];
            assert_eq!(decaps(&borrowed, &ct), decaps(&held, &ct), "{alg}");
            let mut short = [0xaau8; 8];
            let ct = vec![0u8; alg.ciphertext_len()];
            assert!(matches!(
                borrowed.decapsulate(&ct, &mut short),
                Err(Error::BufferTooSmall { .. })
            ));
            assert_eq!(short, [0xaa; 8]);
            let mut short_pk = [0xaau8; 8];
            assert!(matches!(
                borrowed.write_public_key(&mut short_pk),
                Err(Error::BufferTooSmall { .. })
            ));
            assert_eq!(short_pk, [0xaa; 8]);
        }
        // A key of the wrong length.
        assert_eq!(
            DecapsulationKeyRef::new(alg, &vec![0u8; alg.secret_key_len() - 1]).unwrap_err(),
            Error::InvalidLength {
                field: Field::SecretKey,
                expected: alg.secret_key_len(),
                actual: alg.secret_key_len() - 1,
            }
        );
    }
    println!("decapsulation_key_ref: {cases} ciphertext cases");
}

/// A composite private key whose traditional part does not parse: the held key refuses it on
/// construction; the borrowed key on each use, with the same error.
#[test]
fn malformed_composite_key_same_error() {
    for alg in KemAlgorithm::ALL {
        if !alg.name().contains("ECDH") {
            continue;
        }
        let (_, mut sk) = keypair(alg, 0x44);
        let last = sk.len() - 1;
        sk[64] ^= 0xff; // the ECPrivateKey's SEQUENCE tag
        let held = DecapsulationKey::new(alg, &sk).map(|_| ()).unwrap_err();
        let borrowed = DecapsulationKeyRef::new(alg, &sk).unwrap();
        let ct = vec![0u8; alg.ciphertext_len()];
        assert_eq!(decaps(&borrowed, &ct).unwrap_err(), held, "{alg}");
        let mut pk = vec![0u8; alg.public_key_len()];
        assert_eq!(
            borrowed.write_public_key(&mut pk).unwrap_err(),
            held,
            "{alg}"
        );
        let _ = last;
    }
}

/// HPKE `open` with the borrowed key: the same plaintext as with the held key, every suite.
#[cfg(feature = "hpke")]
#[test]
fn hpke_open_with_borrowed_key() {
    use pqhybrid::hpke::{Aead, Kdf, Suite};
    let mut rng = OsRng::default();
    let mut suites = 0;
    for alg in KemAlgorithm::ALL {
        for kdf in [
            Kdf::HkdfSha256,
            Kdf::HkdfSha512,
            Kdf::Shake128,
            Kdf::Shake256,
        ] {
            for aead in [Aead::Aes256Gcm, Aead::ChaCha20Poly1305] {
                let Ok(suite) = Suite::new(alg, kdf, aead) else {
                    continue;
                };
                let (pk, sk) = keypair(alg, 0x5e);
                let pt = b"sealed to the device";
                let mut sealed = vec![0u8; suite.sealed_len(pt.len())];
                suite
                    .seal(&pk, b"info", b"aad", pt, &mut sealed, &mut rng)
                    .unwrap();
                let held = DecapsulationKey::new(alg, &sk).unwrap();
                let borrowed = DecapsulationKeyRef::new(alg, &sk).unwrap();
                let (mut a, mut b) = (vec![0u8; pt.len()], vec![0u8; pt.len()]);
                assert_eq!(
                    suite.open(&held, b"info", b"aad", &sealed, &mut a).unwrap(),
                    pt.len()
                );
                assert_eq!(
                    suite
                        .open(&borrowed, b"info", b"aad", &sealed, &mut b)
                        .unwrap(),
                    pt.len()
                );
                assert_eq!((&a[..], &b[..]), (&pt[..], &pt[..]));
                // A modified enc: both refuse it the same way.
                let mut bad = sealed.clone();
                bad[3] ^= 1;
                assert_eq!(
                    suite.open(&held, b"info", b"aad", &bad, &mut a),
                    suite.open(&borrowed, b"info", b"aad", &bad, &mut b),
                    "{alg}"
                );
                suites += 1;
            }
        }
    }
    assert!(suites >= 40, "{suites} suites");
    println!("decapsulation_key_ref: HPKE open on {suites} suites");
}
