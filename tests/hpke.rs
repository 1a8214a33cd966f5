//! HPKE over pqhybrid's KEMs: cross-checked against the `hpke` crate's own implementations of
//! the same KEMs (its ML-KEM-768/1024 over RustCrypto `ml-kem`, its X-Wing over `x-wing`, its
//! MLKEM768-P256 and MLKEM1024-P384), in both directions, for every suite the agile layer
//! offers that has no published vector; and every error path of [`Suite`].
#![cfg(feature = "hpke")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use pqhybrid::agile::DecapsulationKey;
use pqhybrid::hpke::kem as pqkem;
use pqhybrid::hpke::{
    Aead, AesGcm256, ChaCha20Poly1305, Deserializable, HkdfSha256, HkdfSha512, Kdf, KdfShake128,
    KdfShake256, Kem, OpModeR, OpModeS, PskBundle, Serializable, Suite,
};
use pqhybrid::{Error, Field, KemAlgorithm};
use pqhybrid_kat::rng::{FailingRng, TestRng};

/// Seals with `Ours` and opens with `Theirs`, then the other way, for one suite; keys derived
/// from the same `ikm` on both sides must agree. Also through PSK mode, and the exporter.
fn cross<Ours: Kem, Theirs: Kem, F: ::hpke::kdf::Kdf, A: ::hpke::aead::Aead>(seed: u64) {
    let mut rng = ::hpke::rand_core::UnwrapErr(TestRng(seed));
    let ikm: Vec<u8> = (0..64).map(|i| (seed as u8).wrapping_add(i)).collect();
    let (our_sk, our_pk) = Ours::derive_keypair(&ikm);
    let (their_sk, their_pk) = Theirs::derive_keypair(&ikm);
    assert_eq!(
        our_pk.to_bytes().as_slice(),
        their_pk.to_bytes().as_slice(),
        "DeriveKeyPair differs for KEM {:#06x}",
        Ours::KEM_ID
    );
    let psk = PskBundle::new(b"a pre-shared key of 32 bytes....", b"psk id").unwrap();
    for (mode_s_ours, mode_r_theirs, mode_s_theirs, mode_r_ours) in [
        (OpModeS::Base, OpModeR::Base, OpModeS::Base, OpModeR::Base),
        (
            OpModeS::Psk(psk),
            OpModeR::Psk(psk),
            OpModeS::Psk(psk),
            OpModeR::Psk(psk),
        ),
    ] {
        // Ours → theirs.
        let their_pk_import = Theirs::PublicKey::from_bytes(&our_pk.to_bytes()).unwrap();
        let (enc, mut s) =
            ::hpke::setup_sender_with_rng::<A, F, Ours>(&mode_s_ours, &our_pk, b"info", &mut rng)
                .unwrap();
        let _ = their_pk_import;
        let their_enc = Theirs::EncappedKey::from_bytes(&enc.to_bytes()).unwrap();
        let mut r =
            ::hpke::setup_receiver::<A, F, Theirs>(&mode_r_theirs, &their_sk, &their_enc, b"info")
                .unwrap();
        for i in 0..3u8 {
            let ct = s.seal(&[i; 40], &[i]).unwrap();
            assert_eq!(r.open(&ct, &[i]).unwrap(), vec![i; 40]);
        }
        let (mut a, mut b) = ([0u8; 32], [0u8; 32]);
        s.export(b"ctx", &mut a).unwrap();
        r.export(b"ctx", &mut b).unwrap();
        assert_eq!(a, b);

        // Theirs → ours.
        let (enc, mut s) = ::hpke::setup_sender_with_rng::<A, F, Theirs>(
            &mode_s_theirs,
            &their_pk,
            b"i",
            &mut rng,
        )
        .unwrap();
        let our_enc = Ours::EncappedKey::from_bytes(&enc.to_bytes()).unwrap();
        let mut r =
            ::hpke::setup_receiver::<A, F, Ours>(&mode_r_ours, &our_sk, &our_enc, b"i").unwrap();
        for i in 0..3u8 {
            let ct = s.seal(&[i; 7], b"").unwrap();
            assert_eq!(r.open(&ct, b"").unwrap(), vec![i; 7]);
        }
    }
}

macro_rules! cross_all_kdf_aead {
    ($ours:ty, $theirs:ty, $seed:expr) => {
        cross::<$ours, $theirs, HkdfSha256, AesGcm256>($seed);
        cross::<$ours, $theirs, HkdfSha256, ChaCha20Poly1305>($seed + 1);
        cross::<$ours, $theirs, HkdfSha512, AesGcm256>($seed + 2);
        cross::<$ours, $theirs, HkdfSha512, ChaCha20Poly1305>($seed + 3);
        cross::<$ours, $theirs, KdfShake128, AesGcm256>($seed + 4);
        cross::<$ours, $theirs, KdfShake128, ChaCha20Poly1305>($seed + 5);
        cross::<$ours, $theirs, KdfShake256, AesGcm256>($seed + 6);
        cross::<$ours, $theirs, KdfShake256, ChaCha20Poly1305>($seed + 7);
    };
}

#[test]
fn cross_check_with_the_hpke_crate_both_directions() {
    cross_all_kdf_aead!(pqkem::MlKem768, ::hpke::kem::MlKem768, 10);
    cross_all_kdf_aead!(pqkem::MlKem1024, ::hpke::kem::MlKem1024, 20);
    cross_all_kdf_aead!(pqkem::XWing, ::hpke::kem::XWing, 30);
    cross_all_kdf_aead!(pqkem::MlKem768P256, ::hpke::kem::MlKem768P256, 40);
    cross_all_kdf_aead!(pqkem::MlKem1024P384, ::hpke::kem::MlKem1024P384, 50);
}

fn keypair(alg: KemAlgorithm, seed: u8) -> (Vec<u8>, DecapsulationKey) {
    let mut pk = vec![0u8; alg.public_key_len()];
    let mut sk = vec![0u8; alg.secret_key_len()];
    alg.keypair_from_seed(&vec![seed; alg.seed_len()], &mut pk, &mut sk)
        .unwrap();
    (pk, DecapsulationKey::new(alg, &sk).unwrap())
}

fn hpke_kems() -> impl Iterator<Item = KemAlgorithm> {
    KemAlgorithm::ALL
        .into_iter()
        .filter(|k| pqhybrid::hpke::kem_id(*k).is_some())
}

#[test]
fn every_agile_suite_round_trips_and_rejects_tampering() {
    let mut suites = 0;
    for kem in hpke_kems() {
        let (pk, dk) = keypair(kem, 3);
        let (_, other) = keypair(kem, 4);
        for kdf in Kdf::ALL {
            for aead in Aead::ALL {
                let suite = Suite::new(kem, kdf, aead).unwrap();
                assert_eq!(
                    Suite::from_ids(suite.ids().0, kdf.id(), aead.id()),
                    Ok(suite)
                );
                let pt = b"firmware content key, 32 bytes!";
                let mut sealed = vec![0u8; suite.sealed_len(pt.len())];
                let n = suite
                    .seal(&pk, b"info", b"aad", pt, &mut sealed, &mut TestRng(9))
                    .unwrap();
                assert_eq!(n, sealed.len());
                let mut out = [0u8; 31];
                assert_eq!(suite.open(&dk, b"info", b"aad", &sealed, &mut out), Ok(31));
                assert_eq!(&out, pt);

                let reject = |sealed: &[u8], dk: &DecapsulationKey, info: &[u8], aad: &[u8]| {
                    let mut out = [0xAAu8; 64];
                    let r = suite.open(dk, info, aad, sealed, &mut out);
                    assert!(r.is_err(), "{suite:?}: accepted a bad box");
                    // Untouched (0xAA) or wiped (0): never plaintext.
                    assert!(
                        out.iter().all(|b| *b == 0 || *b == 0xAA),
                        "plaintext released"
                    );
                    r.unwrap_err()
                };
                // Wrong key, info, aad; a flipped bit in enc, ct and tag; truncation.
                assert_eq!(
                    reject(&sealed, &other, b"info", b"aad"),
                    Error::AuthenticationFailed
                );
                assert_eq!(
                    reject(&sealed, &dk, b"inf0", b"aad"),
                    Error::AuthenticationFailed
                );
                assert_eq!(
                    reject(&sealed, &dk, b"info", b"aaD"),
                    Error::AuthenticationFailed
                );
                for at in [
                    0,
                    suite.enc_len() - 1,
                    suite.enc_len() + 3,
                    sealed.len() - 1,
                ] {
                    let mut bad = sealed.clone();
                    bad[at] ^= 0x01;
                    let e = reject(&bad, &dk, b"info", b"aad");
                    assert!(
                        matches!(
                            e,
                            Error::AuthenticationFailed
                                | Error::MalformedEncoding {
                                    field: Field::Ciphertext
                                }
                        ),
                        "{suite:?} byte {at}: {e:?}"
                    );
                }
                let e = reject(&sealed[..suite.sealed_len(0) - 1], &dk, b"info", b"aad");
                assert!(matches!(
                    e,
                    Error::InvalidLength {
                        field: Field::Ciphertext,
                        ..
                    }
                ));
                let e = reject(&sealed[..sealed.len() - 1], &dk, b"info", b"aad");
                assert_eq!(e, Error::AuthenticationFailed);
                suites += 1;
            }
        }
    }
    assert_eq!(suites, 6 * 4 * 2);
}

#[test]
fn suite_errors() {
    // No HPKE code point.
    assert_eq!(
        Suite::new(
            KemAlgorithm::MlKem768X25519Sha3_256,
            Kdf::HkdfSha256,
            Aead::Aes256Gcm
        ),
        Err(Error::UnsupportedSuite)
    );
    assert_eq!(
        Suite::from_ids(0x0041, 0x0002, 0x0002),
        Err(Error::UnsupportedSuite)
    );
    assert_eq!(
        Suite::from_ids(0x0041, 0x0001, 0x0001),
        Err(Error::UnsupportedSuite)
    );
    assert_eq!(
        Suite::from_ids(0x0020, 0x0001, 0x0002),
        Err(Error::UnsupportedSuite)
    );

    let suite = Suite::new(KemAlgorithm::XWing, Kdf::HkdfSha256, Aead::Aes256Gcm).unwrap();
    let (pk, dk) = keypair(KemAlgorithm::XWing, 1);
    let mut sealed = vec![0u8; suite.sealed_len(4)];
    // A short public key, a public key of another KEM, a small output buffer, a failing RNG.
    assert!(matches!(
        suite.seal(&pk[..100], b"", b"", b"data", &mut sealed, &mut TestRng(1)),
        Err(Error::InvalidLength {
            field: Field::PublicKey,
            ..
        })
    ));
    assert!(matches!(
        suite.seal(&pk, b"", b"", b"data", &mut sealed[..10], &mut TestRng(1)),
        Err(Error::BufferTooSmall {
            field: Field::Ciphertext,
            ..
        })
    ));
    assert_eq!(
        suite.seal(&pk, b"", b"", b"data", &mut sealed, &mut FailingRng),
        Err(Error::Rng)
    );
    assert!(
        sealed.iter().all(|b| *b == 0),
        "nothing written on RNG failure"
    );
    suite
        .seal(&pk, b"", b"", b"data", &mut sealed, &mut TestRng(1))
        .unwrap();
    // A key of another KEM, a small plaintext buffer.
    let (_, mlkem) = keypair(KemAlgorithm::MlKem768, 1);
    let mut out = [0u8; 4];
    assert_eq!(
        suite.open(&mlkem, b"", b"", &sealed, &mut out),
        Err(Error::UnsupportedSuite)
    );
    assert!(matches!(
        suite.open(&dk, b"", b"", &sealed, &mut out[..3]),
        Err(Error::BufferTooSmall {
            field: Field::Plaintext,
            ..
        })
    ));
    // A low-order X25519 share in enc is rejected (all zero ss_X).
    let mut low = sealed.clone();
    low[1088..1120].fill(0);
    assert!(matches!(
        suite.open(&dk, b"", b"", &low, &mut out),
        Err(Error::MalformedEncoding {
            field: Field::Ciphertext
        })
    ));
    // An ECDH share that is not on the curve.
    let p256 = Suite::new(
        KemAlgorithm::MlKem768EcdhP256Sha3_256,
        Kdf::Shake256,
        Aead::ChaCha20Poly1305,
    )
    .unwrap();
    let (ppk, pdk) = keypair(KemAlgorithm::MlKem768EcdhP256Sha3_256, 2);
    let mut boxed = vec![0u8; p256.sealed_len(4)];
    p256.seal(&ppk, b"", b"", b"data", &mut boxed, &mut TestRng(5))
        .unwrap();
    boxed[1088 + 10] ^= 0xff;
    assert!(matches!(
        p256.open(&pdk, b"", b"", &boxed, &mut out),
        Err(Error::MalformedEncoding {
            field: Field::Ciphertext
        })
    ));
    // Auth modes need AuthEncap: an error, not a panic.
    let (sk, pk) = <pqkem::XWing as Kem>::derive_keypair(b"ikm");
    let r = ::hpke::setup_sender_with_rng::<AesGcm256, HkdfSha256, pqkem::XWing>(
        &OpModeS::Auth((sk.clone(), pk.clone())),
        &pk,
        b"",
        &mut ::hpke::rand_core::UnwrapErr(TestRng(3)),
    );
    assert!(r.is_err());
    // Serialized keys round-trip; a wrong-length key is an error.
    let bytes = sk.to_bytes();
    assert_eq!(
        <pqkem::XWing as Kem>::PrivateKey::from_bytes(&bytes)
            .unwrap()
            .to_bytes(),
        bytes
    );
    assert!(<pqkem::XWing as Kem>::PrivateKey::from_bytes(&bytes[1..]).is_err());
    assert!(<pqkem::MlKem768 as Kem>::PublicKey::from_bytes(&[0xff; 1184]).is_err());
}

#[test]
fn info_longer_than_the_one_stage_kdfs_take_is_an_error_not_a_panic() {
    // The SHAKE KDFs length-prefix `info` with two bytes: 65535 bytes is the most they take
    // (the `hpke` crate panics beyond). HKDF takes any length.
    let long = vec![0x5a; 65536];
    let (pk, dk) = keypair(KemAlgorithm::XWing, 7);
    for kdf in Kdf::ALL {
        let suite = Suite::new(KemAlgorithm::XWing, kdf, Aead::ChaCha20Poly1305).unwrap();
        let mut sealed = vec![0xAAu8; suite.sealed_len(3)];
        let mut out = [0xAAu8; 3];
        if kdf.max_info_len() == usize::MAX {
            let n = suite
                .seal(&pk, &long, b"", b"abc", &mut sealed, &mut TestRng(2))
                .unwrap();
            assert_eq!(suite.open(&dk, &long, b"", &sealed[..n], &mut out), Ok(3));
            assert_eq!(&out, b"abc");
            continue;
        }
        assert_eq!(kdf.max_info_len(), 65535, "{kdf:?}");
        let e = Err(Error::ContextTooLong {
            max: 65535,
            actual: 65536,
        });
        assert_eq!(
            suite.seal(&pk, &long, b"", b"abc", &mut sealed, &mut TestRng(2)),
            e
        );
        assert!(sealed.iter().all(|b| *b == 0xAA), "written on error");
        // The longest info works both ways.
        let n = suite
            .seal(&pk, &long[1..], b"", b"abc", &mut sealed, &mut TestRng(2))
            .unwrap();
        assert_eq!(suite.open(&dk, &long, b"", &sealed[..n], &mut out), e);
        assert_eq!(out, [0xAA; 3], "written on error");
        assert_eq!(
            suite.open(&dk, &long[1..], b"", &sealed[..n], &mut out),
            Ok(3)
        );
        assert_eq!(&out, b"abc");
    }
}

#[test]
fn errors_before_decryption_leave_the_output_untouched() {
    let suite = Suite::new(KemAlgorithm::MlKem768, Kdf::HkdfSha512, Aead::Aes256Gcm).unwrap();
    let (pk, dk) = keypair(KemAlgorithm::MlKem768, 8);
    // Seal: an invalid key and a failing RNG write nothing.
    let mut sealed = vec![0xAAu8; suite.sealed_len(4)];
    let mut bad_pk = pk.clone();
    bad_pk[..2].fill(0xff);
    assert_eq!(
        suite.seal(&bad_pk, b"", b"", b"data", &mut sealed, &mut TestRng(1)),
        Err(Error::InvalidKey {
            field: Field::PublicKey
        })
    );
    assert_eq!(
        suite.seal(&pk, b"", b"", b"data", &mut sealed, &mut FailingRng),
        Err(Error::Rng)
    );
    assert!(sealed.iter().all(|b| *b == 0xAA), "seal wrote on error");
    suite
        .seal(&pk, b"", b"", b"data", &mut sealed, &mut TestRng(1))
        .unwrap();
    // Open: a box of another KEM's key length, a short box: untouched; a failed tag: zeroed
    // plaintext area, the rest untouched.
    let mut out = [0xAAu8; 8];
    assert!(suite.open(&dk, b"", b"", &sealed[..20], &mut out).is_err());
    assert_eq!(out, [0xAA; 8]);
    let mut bad = sealed.clone();
    *bad.last_mut().unwrap() ^= 1;
    assert_eq!(
        suite.open(&dk, b"", b"", &bad, &mut out),
        Err(Error::AuthenticationFailed)
    );
    assert_eq!(out, [0, 0, 0, 0, 0xAA, 0xAA, 0xAA, 0xAA]);
}
