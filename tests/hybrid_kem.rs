//! Hybrid KEMs (X-Wing and composite ML-KEM) beyond the known-answer vectors: round trips
//! through the typed API and through `KemAlgorithm`, every error path, root-seed determinism,
//! and redacted `Debug`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use pqhybrid::hybrid::composite_kem::{
    self, CompositeKemParams, DecapsulationKey, EncapsulationKey, MlKem768EcdhP256Sha3_256,
    MlKem768EcdhP384Sha3_256, MlKem768X25519Sha3_256, MlKem1024EcdhP384Sha3_256,
};
use pqhybrid::hybrid::xwing;
use pqhybrid::{Error, Field, KemAlgorithm};
use pqhybrid_kat::rng::{FailAfter, TestRng};

// ---- Test generators ------------------------------------------------------------------------

const HYBRIDS: [KemAlgorithm; 4] = [
    KemAlgorithm::XWing,
    KemAlgorithm::MlKem768X25519Sha3_256,
    KemAlgorithm::MlKem768EcdhP256Sha3_256,
    KemAlgorithm::MlKem1024EcdhP384Sha3_256,
];

/// Low-order X25519 u-coordinates: 0, 1, and a point of order 8 (RFC 7748 §6.1 / Wycheproof).
const LOW_ORDER: [[u8; 32]; 3] = {
    let mut one = [0u8; 32];
    one[0] = 1;
    [
        [0u8; 32],
        one,
        [
            0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f,
            0xc4, 0x6a, 0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16,
            0x5f, 0x49, 0xb8, 0x00,
        ],
    ]
};

// ---- Sizes and names ------------------------------------------------------------------------

#[test]
fn sizes_and_names() {
    let expect = [
        (KemAlgorithm::XWing, "X-Wing", 1216, 32, 32, 1120, 64),
        (
            KemAlgorithm::MlKem768X25519Sha3_256,
            "MLKEM768-X25519-SHA3-256",
            1216,
            96,
            32,
            1120,
            64,
        ),
        (
            KemAlgorithm::MlKem768EcdhP256Sha3_256,
            "MLKEM768-ECDH-P256-SHA3-256",
            1249,
            115,
            32,
            1153,
            64,
        ),
        (
            KemAlgorithm::MlKem1024EcdhP384Sha3_256,
            "MLKEM1024-ECDH-P384-SHA3-256",
            1665,
            128,
            32,
            1665,
            80,
        ),
    ];
    for (alg, name, pk, sk, seed, ct, rnd) in expect {
        assert_eq!(alg.name(), name);
        assert_eq!(KemAlgorithm::from_name(name), Some(alg));
        assert_eq!(
            KemAlgorithm::from_name(&name.to_ascii_lowercase()),
            Some(alg)
        );
        assert_eq!(alg.public_key_len(), pk, "{alg}");
        assert_eq!(alg.secret_key_len(), sk, "{alg}");
        assert_eq!(alg.seed_len(), seed, "{alg}");
        assert_eq!(alg.ciphertext_len(), ct, "{alg}");
        assert_eq!(alg.shared_secret_len(), 32, "{alg}");
        assert_eq!(alg.encaps_randomness_len(), rnd, "{alg}");
        assert!(KemAlgorithm::ALL.contains(&alg));
    }
    for alg in KemAlgorithm::ALL {
        assert!(alg.public_key_len() <= KemAlgorithm::MAX_PUBLIC_KEY_LEN);
        assert!(alg.secret_key_len() <= KemAlgorithm::MAX_SECRET_KEY_LEN);
        assert!(alg.seed_len() <= KemAlgorithm::MAX_SEED_LEN);
        assert!(alg.ciphertext_len() <= KemAlgorithm::MAX_CIPHERTEXT_LEN);
        assert!(alg.encaps_randomness_len() <= KemAlgorithm::MAX_ENCAPS_RANDOMNESS_LEN);
    }
    assert_eq!(KemAlgorithm::MAX_PUBLIC_KEY_LEN, 1665);
    assert_eq!(KemAlgorithm::MAX_SECRET_KEY_LEN, 128);
    assert_eq!(KemAlgorithm::MAX_CIPHERTEXT_LEN, 1665);
    assert_eq!(KemAlgorithm::MAX_ENCAPS_RANDOMNESS_LEN, 80);
    assert_eq!(xwing::HPKE_KEM_ID, 0x647a);
    assert_eq!(xwing::OID, "1.3.6.1.4.1.62253.25722");
    assert_eq!(MlKem768X25519Sha3_256::OID, "1.3.6.1.5.5.7.6.58");
    assert_eq!(MlKem768EcdhP256Sha3_256::OID, "1.3.6.1.5.5.7.6.59");
    assert_eq!(MlKem768EcdhP384Sha3_256::OID, "1.3.6.1.5.5.7.6.60");
    assert_eq!(MlKem1024EcdhP384Sha3_256::OID, "1.3.6.1.5.5.7.6.63");
    assert_eq!(MlKem768X25519Sha3_256::LABEL, b"\\.//^\\");
    assert_eq!(MlKem768EcdhP256Sha3_256::LABEL, b"MLKEM768-P256");
    assert_eq!(MlKem1024EcdhP384Sha3_256::LABEL, b"MLKEM1024-P384");
}

// ---- Round trips ----------------------------------------------------------------------------

#[test]
fn xwing_typed_round_trip() {
    let mut rng = TestRng(1);
    let dk = xwing::DecapsulationKey::generate(&mut rng).unwrap();
    let ek = xwing::EncapsulationKey::from_bytes(&dk.encapsulation_key().to_bytes()).unwrap();
    assert_eq!(ek, dk.encapsulation_key());
    let (ct, ss) = ek.encapsulate(&mut rng).unwrap();
    assert_eq!(dk.decapsulate(&ct).unwrap(), ss);
    assert_eq!(xwing::DecapsulationKey::from_seed(dk.seed()), dk);
    // Implicit rejection in the ML-KEM half.
    let mut bad = ct;
    bad[0] ^= 1;
    assert_ne!(dk.decapsulate(&bad).unwrap(), ss);
    // A modified X25519 half changes the key too.
    let mut bad = ct;
    bad[xwing::CIPHERTEXT_LEN - 1] ^= 0x01;
    assert_ne!(dk.decapsulate(&bad).unwrap(), ss);
    // Deterministic encapsulation is deterministic and decapsulates.
    let (c1, k1) = ek.encapsulate_deterministic(&[9u8; 64]).unwrap();
    let (c2, k2) = ek.encapsulate_deterministic(&[9u8; 64]).unwrap();
    assert_eq!((c1, &k1), (c2, &k2));
    assert_eq!(dk.decapsulate(&c1).unwrap(), k1);
}

/// `DecapsulationKey::encapsulation_key` skips the low-order probe of `pk_X` (a generated key is
/// never low-order); the imported key, which runs the probe, agrees: it encapsulates, for every
/// key, the same bytes as the key taken from the decapsulation key.
#[test]
fn xwing_own_public_key_is_never_low_order() {
    for i in 0..64u8 {
        let dk = xwing::DecapsulationKey::from_seed(&[i.wrapping_mul(37) ^ 0x5c; 32]);
        let own = dk.encapsulation_key();
        let imported = xwing::EncapsulationKey::from_bytes(&own.to_bytes()).unwrap();
        let a = own.encapsulate_deterministic(&[i; 64]).unwrap();
        let b = imported.encapsulate_deterministic(&[i; 64]).unwrap();
        assert_eq!((a.0, &a.1), (b.0, &b.1));
    }
}

fn composite_round_trip<C: CompositeKemParams>() {
    let mut rng = TestRng(2);
    let dk = DecapsulationKey::<C>::generate(&mut rng).unwrap();
    let ek_bytes = dk.encapsulation_key().to_bytes();
    assert_eq!(ek_bytes.as_ref().len(), C::PUBLIC_KEY_LEN);
    let ek = EncapsulationKey::<C>::from_bytes(ek_bytes.as_ref()).unwrap();
    assert_eq!(ek, dk.encapsulation_key());
    let (ct, ss) = ek.encapsulate(&mut rng).unwrap();
    assert_eq!(ct.as_ref().len(), C::CIPHERTEXT_LEN);
    assert_eq!(dk.decapsulate(ct.as_ref()).unwrap(), ss, "{}", C::NAME);

    // The private key round-trips.
    let sk = dk.to_bytes();
    assert_eq!(sk.as_ref().len(), C::SECRET_KEY_LEN);
    let dk2 = DecapsulationKey::<C>::from_bytes(sk.as_ref()).unwrap();
    assert_eq!(dk2, dk);
    assert_eq!(dk2.decapsulate(ct.as_ref()).unwrap(), ss);

    // Implicit rejection in the ML-KEM half: a different key, no error.
    let mut bad = ct;
    bad.as_mut()[0] ^= 1;
    assert_ne!(dk.decapsulate(bad.as_ref()).unwrap(), ss);

    // Deterministic encapsulation: same inputs, same outputs; decapsulates.
    let mut eph = vec![0x11u8; C::TRAD_EPHEMERAL_LEN];
    eph[0] = 0x01; // a valid scalar on every curve
    let (c1, k1) = ek.encapsulate_deterministic(&[3u8; 32], &eph).unwrap();
    let (c2, k2) = ek.encapsulate_deterministic(&[3u8; 32], &eph).unwrap();
    assert_eq!(c1, c2);
    assert_eq!(k1, k2);
    assert_eq!(dk.decapsulate(c1.as_ref()).unwrap(), k1);
    // A different ephemeral gives a different ciphertext tail and key.
    eph[1] ^= 0xff;
    let (c3, k3) = ek.encapsulate_deterministic(&[3u8; 32], &eph).unwrap();
    assert_ne!(c1, c3);
    assert_ne!(k1, k3);
}

#[test]
fn composite_typed_round_trips() {
    composite_round_trip::<MlKem768X25519Sha3_256>();
    composite_round_trip::<MlKem768EcdhP256Sha3_256>();
    composite_round_trip::<MlKem768EcdhP384Sha3_256>();
    composite_round_trip::<MlKem1024EcdhP384Sha3_256>();
}

#[test]
fn agile_round_trips() {
    let mut rng = TestRng(3);
    for alg in HYBRIDS {
        let mut pk = vec![0u8; alg.public_key_len()];
        let mut sk = vec![0u8; alg.secret_key_len()];
        alg.generate_keypair(&mut rng, &mut pk, &mut sk).unwrap();
        let mut ct = vec![0u8; alg.ciphertext_len()];
        let (mut ss1, mut ss2) = ([0u8; 32], [0u8; 32]);
        alg.encapsulate(&pk, &mut rng, &mut ct, &mut ss1).unwrap();
        alg.decapsulate(&sk, &ct, &mut ss2).unwrap();
        assert_eq!(ss1, ss2, "{alg}");

        // From a seed: deterministic, and agrees with encapsulate_deterministic.
        let seed = vec![0x5au8; alg.seed_len()];
        let (mut pk1, mut sk1) = (vec![0u8; pk.len()], vec![0u8; sk.len()]);
        let (mut pk2, mut sk2) = (vec![0u8; pk.len()], vec![0u8; sk.len()]);
        alg.keypair_from_seed(&seed, &mut pk1, &mut sk1).unwrap();
        alg.keypair_from_seed(&seed, &mut pk2, &mut sk2).unwrap();
        assert_eq!((&pk1, &sk1), (&pk2, &sk2), "{alg}");
        let mut rnd = vec![0x01u8; alg.encaps_randomness_len()];
        rnd[40] = 0x77;
        alg.encapsulate_deterministic(&pk1, &rnd, &mut ct, &mut ss1)
            .unwrap();
        alg.decapsulate(&sk1, &ct, &mut ss2).unwrap();
        assert_eq!(ss1, ss2, "{alg}");

        // Longer output buffers: exactly the documented bytes are written at the start.
        let mut big_ct = vec![0xeeu8; alg.ciphertext_len() + 7];
        let mut big_ss = [0xeeu8; 40];
        alg.encapsulate_deterministic(&pk1, &rnd, &mut big_ct, &mut big_ss)
            .unwrap();
        assert_eq!(&big_ct[..ct.len()], ct.as_slice());
        assert!(big_ct[ct.len()..].iter().all(|&b| b == 0xee));
        assert_eq!(&big_ss[..32], &ss1);
        assert!(big_ss[32..].iter().all(|&b| b == 0xee));
    }
}

#[test]
fn agile_matches_typed() {
    // X-Wing: the agile private key is the seed.
    let alg = KemAlgorithm::XWing;
    let (mut pk, mut sk) = ([0u8; 1216], [0u8; 32]);
    alg.keypair_from_seed(&[6u8; 32], &mut pk, &mut sk).unwrap();
    let dk = xwing::DecapsulationKey::from_seed(&[6u8; 32]);
    assert_eq!(pk, dk.encapsulation_key().to_bytes());
    assert_eq!(&sk, dk.seed());

    // Composites: the agile private key is the draft's dk, derived from the root seed.
    fn check<C: CompositeKemParams>(alg: KemAlgorithm) {
        let mut pk = vec![0u8; alg.public_key_len()];
        let mut sk = vec![0u8; alg.secret_key_len()];
        alg.keypair_from_seed(&[6u8; 32], &mut pk, &mut sk).unwrap();
        let dk = DecapsulationKey::<C>::from_root_seed(&[6u8; 32]);
        assert_eq!(pk.as_slice(), dk.encapsulation_key().to_bytes().as_ref());
        assert_eq!(sk.as_slice(), dk.to_bytes().as_ref());
        let ek = EncapsulationKey::<C>::from_bytes(&pk).unwrap();
        let mut eph = vec![0x22u8; C::TRAD_EPHEMERAL_LEN];
        eph[0] = 0x01;
        let (ct, ss) = ek.encapsulate_deterministic(&[8u8; 32], &eph).unwrap();
        let mut rnd = vec![8u8; 32];
        rnd.extend_from_slice(&eph);
        let mut act = vec![0u8; alg.ciphertext_len()];
        let mut ass = [0u8; 32];
        alg.encapsulate_deterministic(&pk, &rnd, &mut act, &mut ass)
            .unwrap();
        assert_eq!(act.as_slice(), ct.as_ref());
        assert_eq!(&ass, ss.as_bytes());
    }
    check::<MlKem768X25519Sha3_256>(KemAlgorithm::MlKem768X25519Sha3_256);
    check::<MlKem768EcdhP256Sha3_256>(KemAlgorithm::MlKem768EcdhP256Sha3_256);
    check::<MlKem1024EcdhP384Sha3_256>(KemAlgorithm::MlKem1024EcdhP384Sha3_256);
}

// ---- Root-seed key generation ---------------------------------------------------------------

/// The documented derivation, recomputed here with the `shake` crate.
fn documented_xof(label: &[u8], root: &[u8; 32], n: usize) -> Vec<u8> {
    use shake::{ExtendableOutput, Update, XofReader};
    let mut x = shake::Shake256::default();
    x.update(b"pqhybrid/v1/composite-kem/keygen");
    x.update(&[label.len() as u8]);
    x.update(label);
    x.update(root);
    let mut out = vec![0u8; n];
    x.finalize_xof().read(&mut out);
    out
}

#[test]
fn root_seed_keygen_is_deterministic_and_documented() {
    fn check<C: CompositeKemParams>() {
        let root = [0x3cu8; 32];
        let a = DecapsulationKey::<C>::from_root_seed(&root);
        let b = DecapsulationKey::<C>::from_root_seed(&root);
        assert_eq!(a, b);
        assert_eq!(a.to_bytes().as_ref(), b.to_bytes().as_ref());
        assert_eq!(a.encapsulation_key(), b.encapsulation_key());
        let other = DecapsulationKey::<C>::from_root_seed(&[0x3du8; 32]);
        assert_ne!(a, other);

        // mlkemSeed ‖ first traditional candidate, byte for byte (the first candidate is a
        // valid scalar for this root seed on both curves, checked by the equality itself).
        let trad_len = C::TRAD_EPHEMERAL_LEN;
        let xof = documented_xof(C::LABEL, &root, 64 + trad_len);
        let sk = a.to_bytes();
        assert_eq!(&sk.as_ref()[..64], &xof[..64], "{}", C::NAME);
        let scalar_at = C::SECRET_KEY_LEN - C::TRAD_SECRET_KEY_LEN
            + if C::TRAD_SECRET_KEY_LEN == trad_len {
                0
            } else {
                7
            };
        assert_eq!(
            &sk.as_ref()[scalar_at..scalar_at + trad_len],
            &xof[64..],
            "{}",
            C::NAME
        );
    }
    check::<MlKem768X25519Sha3_256>();
    check::<MlKem768EcdhP256Sha3_256>();
    check::<MlKem768EcdhP384Sha3_256>();
    check::<MlKem1024EcdhP384Sha3_256>();

    // The label separates algorithms: one root seed, unrelated ML-KEM seeds.
    let root = [1u8; 32];
    let x = DecapsulationKey::<MlKem768X25519Sha3_256>::from_root_seed(&root).to_bytes();
    let p = DecapsulationKey::<MlKem768EcdhP256Sha3_256>::from_root_seed(&root).to_bytes();
    assert_ne!(&x.as_ref()[..64], &p.as_ref()[..64]);
    assert_eq!(
        composite_kem::KEYGEN_DOMAIN,
        b"pqhybrid/v1/composite-kem/keygen"
    );
}

// ---- Errors: lengths and buffers ------------------------------------------------------------

#[test]
fn wrong_lengths() {
    for alg in HYBRIDS {
        let (pkl, skl, ctl, seedl, rndl) = (
            alg.public_key_len(),
            alg.secret_key_len(),
            alg.ciphertext_len(),
            alg.seed_len(),
            alg.encaps_randomness_len(),
        );
        let mut pk = vec![0u8; pkl];
        let mut sk = vec![0u8; skl];
        alg.keypair_from_seed(&vec![1u8; seedl], &mut pk, &mut sk)
            .unwrap();
        let mut ct = vec![0u8; ctl];
        let mut ss = [0u8; 32];
        let len = |field, expected, actual| {
            Err(Error::InvalidLength {
                field,
                expected,
                actual,
            })
        };

        assert_eq!(
            alg.keypair_from_seed(&vec![1u8; seedl + 1], &mut pk.clone(), &mut sk.clone()),
            len(Field::Seed, seedl, seedl + 1),
            "{alg}"
        );
        assert_eq!(
            alg.encapsulate(&pk[1..], &mut TestRng(1), &mut ct, &mut ss),
            len(Field::PublicKey, pkl, pkl - 1),
            "{alg}"
        );
        assert_eq!(
            alg.encapsulate_deterministic(&pk, &vec![1u8; rndl - 1], &mut ct, &mut ss),
            len(Field::Randomness, rndl, rndl - 1),
            "{alg}"
        );
        assert_eq!(
            alg.decapsulate(&sk[1..], &ct, &mut ss),
            len(Field::SecretKey, skl, skl - 1),
            "{alg}"
        );
        assert_eq!(
            alg.decapsulate(&sk, &vec![0u8; ctl + 1], &mut ss),
            len(Field::Ciphertext, ctl, ctl + 1),
            "{alg}"
        );
    }
    // Typed API.
    assert_eq!(
        xwing::EncapsulationKey::from_bytes(&[0u8; 1215]).err(),
        Some(Error::InvalidLength {
            field: Field::PublicKey,
            expected: 1216,
            actual: 1215
        })
    );
    assert_eq!(
        xwing::DecapsulationKey::from_seed(&[0u8; 32])
            .decapsulate(&[0u8; 1119])
            .err(),
        Some(Error::InvalidLength {
            field: Field::Ciphertext,
            expected: 1120,
            actual: 1119
        })
    );
    assert_eq!(
        xwing::DecapsulationKey::from_seed_slice(&[0u8; 33]).err(),
        Some(Error::InvalidLength {
            field: Field::Seed,
            expected: 32,
            actual: 33
        })
    );
    assert_eq!(
        DecapsulationKey::<MlKem768EcdhP256Sha3_256>::from_bytes(&[0u8; 114]).err(),
        Some(Error::InvalidLength {
            field: Field::SecretKey,
            expected: 115,
            actual: 114
        })
    );
    assert_eq!(
        EncapsulationKey::<MlKem1024EcdhP384Sha3_256>::from_bytes(&[0u8; 1666]).err(),
        Some(Error::InvalidLength {
            field: Field::PublicKey,
            expected: 1665,
            actual: 1666
        })
    );
    let ek = DecapsulationKey::<MlKem768EcdhP256Sha3_256>::from_root_seed(&[0u8; 32])
        .encapsulation_key();
    assert_eq!(
        ek.encapsulate_deterministic(&[0u8; 32], &[1u8; 31]).err(),
        Some(Error::InvalidLength {
            field: Field::Randomness,
            expected: 32,
            actual: 31
        })
    );
}

#[test]
fn short_buffers_write_nothing() {
    for alg in HYBRIDS {
        let (pkl, skl, ctl) = (
            alg.public_key_len(),
            alg.secret_key_len(),
            alg.ciphertext_len(),
        );
        let seed = vec![4u8; alg.seed_len()];
        let mut pk = vec![0u8; pkl];
        let mut sk = vec![0u8; skl];
        alg.keypair_from_seed(&seed, &mut pk, &mut sk).unwrap();
        let rnd = vec![1u8; alg.encaps_randomness_len()];
        let small = |field, needed, actual| {
            Err(Error::BufferTooSmall {
                field,
                needed,
                actual,
            })
        };

        // keypair_from_seed / generate_keypair: short pk or sk buffer.
        for (p, s) in [(pkl - 1, skl), (pkl, skl - 1)] {
            let mut pb = vec![0xaau8; p];
            let mut sb = vec![0xaau8; s];
            let expected = if p < pkl {
                small(Field::PublicKey, pkl, p)
            } else {
                small(Field::SecretKey, skl, s)
            };
            assert_eq!(
                alg.keypair_from_seed(&seed, &mut pb, &mut sb),
                expected,
                "{alg}"
            );
            assert!(pb.iter().chain(&sb).all(|&b| b == 0xaa), "{alg}: wrote");
            assert_eq!(
                alg.generate_keypair(&mut TestRng(5), &mut pb, &mut sb),
                expected
            );
            assert!(pb.iter().chain(&sb).all(|&b| b == 0xaa), "{alg}: wrote");
        }

        // encapsulate / encapsulate_deterministic: short ct or ss buffer.
        for (c, s) in [(ctl - 1, 32), (ctl, 31)] {
            let mut cb = vec![0xaau8; c];
            let mut sb = vec![0xaau8; s];
            let expected = if c < ctl {
                small(Field::Ciphertext, ctl, c)
            } else {
                small(Field::SharedSecret, 32, s)
            };
            assert_eq!(
                alg.encapsulate(&pk, &mut TestRng(6), &mut cb, &mut sb),
                expected
            );
            assert!(cb.iter().chain(&sb).all(|&b| b == 0xaa), "{alg}: wrote");
            assert_eq!(
                alg.encapsulate_deterministic(&pk, &rnd, &mut cb, &mut sb),
                expected
            );
            assert!(cb.iter().chain(&sb).all(|&b| b == 0xaa), "{alg}: wrote");
        }

        // decapsulate: short ss buffer.
        let mut ct = vec![0u8; ctl];
        let mut ss = [0u8; 32];
        alg.encapsulate_deterministic(&pk, &rnd, &mut ct, &mut ss)
            .unwrap();
        let mut sb = [0xaau8; 31];
        assert_eq!(
            alg.decapsulate(&sk, &ct, &mut sb),
            small(Field::SharedSecret, 32, 31)
        );
        assert!(sb.iter().all(|&b| b == 0xaa));
    }
}

// ---- Errors: invalid keys and ciphertexts ---------------------------------------------------

/// Makes the first ML-KEM coefficient 0xFFF ≥ q (fails the FIPS 203 §7.2 modulus check).
fn break_mlkem_ek(pk: &mut [u8]) {
    pk[0] = 0xff;
    pk[1] |= 0x0f;
}

#[test]
fn invalid_mlkem_encapsulation_key() {
    let err = Err(Error::InvalidKey {
        field: Field::PublicKey,
    });
    for alg in HYBRIDS {
        let mut pk = vec![0u8; alg.public_key_len()];
        let mut sk = vec![0u8; alg.secret_key_len()];
        alg.keypair_from_seed(&vec![2u8; alg.seed_len()], &mut pk, &mut sk)
            .unwrap();
        break_mlkem_ek(&mut pk);
        let mut ct = vec![0xaau8; alg.ciphertext_len()];
        let mut ss = [0xaau8; 32];
        assert_eq!(
            alg.encapsulate(&pk, &mut TestRng(1), &mut ct, &mut ss),
            err,
            "{alg}"
        );
        let rnd = vec![1u8; alg.encaps_randomness_len()];
        assert_eq!(
            alg.encapsulate_deterministic(&pk, &rnd, &mut ct, &mut ss),
            err,
            "{alg}"
        );
        assert!(ct.iter().chain(&ss).all(|&b| b == 0xaa), "{alg}: wrote");
    }
    let mut pk = xwing::DecapsulationKey::from_seed(&[0u8; 32])
        .encapsulation_key()
        .to_bytes();
    break_mlkem_ek(&mut pk);
    assert_eq!(xwing::EncapsulationKey::from_bytes(&pk).err(), err.err());
    let mut pk = DecapsulationKey::<MlKem768EcdhP384Sha3_256>::from_root_seed(&[0u8; 32])
        .encapsulation_key()
        .to_bytes();
    break_mlkem_ek(&mut pk);
    assert_eq!(
        EncapsulationKey::<MlKem768EcdhP384Sha3_256>::from_bytes(&pk).err(),
        err.err()
    );
}

/// Corruptions of an uncompressed point of `len` bytes that must all be rejected.
fn bad_points(good: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut off_curve = good.to_vec();
    *off_curve.last_mut().unwrap() ^= 1; // y no longer matches x
    out.push(off_curve);
    let mut compressed_tag = good.to_vec();
    compressed_tag[0] = 0x02; // a compressed tag on an uncompressed-length encoding
    out.push(compressed_tag);
    let mut hybrid_tag = good.to_vec();
    hybrid_tag[0] = 0x06;
    out.push(hybrid_tag);
    out.push(vec![0u8; good.len()]); // identity-ish garbage
    let mut big_x = good.to_vec();
    big_x[1..].fill(0xff); // coordinates ≥ p
    out.push(big_x);
    out
}

fn invalid_points<C: CompositeKemParams>(alg: Option<KemAlgorithm>) {
    let dk = DecapsulationKey::<C>::from_root_seed(&[7u8; 32]);
    let ek = dk.encapsulation_key();
    let (ct, _) = ek.encapsulate(&mut TestRng(8)).unwrap();
    let pk = ek.to_bytes();
    let ml_ct = ct.as_ref().len() - C::TRAD_CIPHERTEXT_LEN;
    let ml_pk = pk.as_ref().len() - C::TRAD_PUBLIC_KEY_LEN;

    for bad in bad_points(&ct.as_ref()[ml_ct..]) {
        let mut c = ct.as_ref().to_vec();
        c[ml_ct..].copy_from_slice(&bad);
        assert_eq!(
            dk.decapsulate(&c).err(),
            Some(Error::MalformedEncoding {
                field: Field::Ciphertext
            }),
            "{}",
            C::NAME
        );
        if let Some(alg) = alg {
            let mut ss = [0xaau8; 32];
            assert_eq!(
                alg.decapsulate(dk.to_bytes().as_ref(), &c, &mut ss),
                Err(Error::MalformedEncoding {
                    field: Field::Ciphertext
                })
            );
            assert_eq!(ss, [0xaa; 32]);
        }
    }
    for bad in bad_points(&pk.as_ref()[ml_pk..]) {
        let mut p = pk.as_ref().to_vec();
        p[ml_pk..].copy_from_slice(&bad);
        assert_eq!(
            EncapsulationKey::<C>::from_bytes(&p).err(),
            Some(Error::MalformedEncoding {
                field: Field::PublicKey
            }),
            "{}",
            C::NAME
        );
        if let Some(alg) = alg {
            let (mut c, mut ss) = (vec![0u8; alg.ciphertext_len()], [0u8; 32]);
            assert_eq!(
                alg.encapsulate(&p, &mut TestRng(1), &mut c, &mut ss),
                Err(Error::MalformedEncoding {
                    field: Field::PublicKey
                })
            );
        }
    }
}

#[test]
fn invalid_ecdh_points_are_errors() {
    invalid_points::<MlKem768EcdhP256Sha3_256>(Some(KemAlgorithm::MlKem768EcdhP256Sha3_256));
    invalid_points::<MlKem768EcdhP384Sha3_256>(None);
    invalid_points::<MlKem1024EcdhP384Sha3_256>(Some(KemAlgorithm::MlKem1024EcdhP384Sha3_256));
}

fn invalid_ec_private_keys<C: CompositeKemParams>() {
    let dk = DecapsulationKey::<C>::from_root_seed(&[9u8; 32]);
    let good = dk.to_bytes().as_ref().to_vec();
    let scalar_at = 64 + 7;
    let fl = C::TRAD_EPHEMERAL_LEN;
    let malformed = Some(Error::MalformedEncoding {
        field: Field::SecretKey,
    });
    let invalid = Some(Error::InvalidKey {
        field: Field::SecretKey,
    });
    // Every byte of the DER template matters.
    for i in (64..scalar_at).chain(scalar_at + fl..good.len()) {
        let mut b = good.clone();
        b[i] ^= 0x01;
        assert_eq!(
            DecapsulationKey::<C>::from_bytes(&b).err(),
            malformed,
            "{} byte {i}",
            C::NAME
        );
    }
    // Scalar zero, and all-ones (≥ n).
    for fill in [0x00u8, 0xff] {
        let mut b = good.clone();
        b[scalar_at..scalar_at + fl].fill(fill);
        assert_eq!(
            DecapsulationKey::<C>::from_bytes(&b).err(),
            invalid,
            "{}",
            C::NAME
        );
    }
    // Deterministic encapsulation with an invalid ephemeral scalar.
    let ek = dk.encapsulation_key();
    for fill in [0x00u8, 0xff] {
        assert_eq!(
            ek.encapsulate_deterministic(&[0u8; 32], &vec![fill; fl])
                .err(),
            Some(Error::InvalidKey {
                field: Field::Randomness
            }),
            "{}",
            C::NAME
        );
    }
}

#[test]
fn invalid_ec_private_keys_are_errors() {
    invalid_ec_private_keys::<MlKem768EcdhP256Sha3_256>();
    invalid_ec_private_keys::<MlKem768EcdhP384Sha3_256>();
    invalid_ec_private_keys::<MlKem1024EcdhP384Sha3_256>();
    let mut sk = vec![0u8; 115];
    let mut pk = vec![0u8; 1249];
    let alg = KemAlgorithm::MlKem768EcdhP256Sha3_256;
    alg.keypair_from_seed(&[1u8; 32], &mut pk, &mut sk).unwrap();
    sk[64] = 0x31;
    assert_eq!(
        alg.decapsulate(&sk, &[0u8; 1153], &mut [0u8; 32]),
        Err(Error::MalformedEncoding {
            field: Field::SecretKey
        })
    );
}

#[test]
fn low_order_x25519_is_zero_shared_secret() {
    let zero = Some(Error::ZeroSharedSecret);

    // X-Wing: low-order ct_X on decapsulation, low-order pk_X on encapsulation.
    let dk = xwing::DecapsulationKey::from_seed(&[1u8; 32]);
    let ek = dk.encapsulation_key();
    let (ct, _) = ek.encapsulate(&mut TestRng(4)).unwrap();
    for p in LOW_ORDER {
        let mut c = ct;
        c[1088..].copy_from_slice(&p);
        assert_eq!(dk.decapsulate(&c).err(), zero);
        let mut ss = [0xaau8; 32];
        assert_eq!(
            KemAlgorithm::XWing
                .decapsulate(dk.seed(), &c, &mut ss)
                .err(),
            zero
        );
        assert_eq!(ss, [0xaa; 32]);

        let mut pk = ek.to_bytes();
        pk[1184..].copy_from_slice(&p);
        let bad = xwing::EncapsulationKey::from_bytes(&pk).unwrap();
        assert_eq!(bad.encapsulate(&mut TestRng(4)).err(), zero);
        assert_eq!(bad.encapsulate_deterministic(&[5u8; 64]).err(), zero);
        let (mut c2, mut ss2) = ([0xaau8; 1120], [0xaau8; 32]);
        assert_eq!(
            KemAlgorithm::XWing
                .encapsulate(&pk, &mut TestRng(4), &mut c2, &mut ss2)
                .err(),
            zero
        );
        assert!(c2.iter().chain(&ss2).all(|&b| b == 0xaa));
    }

    // Composite MLKEM768-X25519-SHA3-256: the same, for tradCT and tradPK.
    type C = MlKem768X25519Sha3_256;
    let alg = KemAlgorithm::MlKem768X25519Sha3_256;
    let dk = DecapsulationKey::<C>::from_root_seed(&[2u8; 32]);
    let ek = dk.encapsulation_key();
    let (ct, _) = ek.encapsulate(&mut TestRng(4)).unwrap();
    for p in LOW_ORDER {
        let mut c = ct;
        c[1088..].copy_from_slice(&p);
        assert_eq!(dk.decapsulate(&c).err(), zero);
        assert_eq!(
            alg.decapsulate(dk.to_bytes().as_ref(), &c, &mut [0u8; 32])
                .err(),
            zero
        );

        let mut pk = ek.to_bytes();
        pk[1184..].copy_from_slice(&p);
        let bad = EncapsulationKey::<C>::from_bytes(&pk).unwrap();
        assert_eq!(bad.encapsulate(&mut TestRng(4)).err(), zero);
        assert_eq!(
            bad.encapsulate_deterministic(&[5u8; 32], &[6u8; 32]).err(),
            zero
        );
        let (mut c2, mut ss2) = ([0u8; 1120], [0u8; 32]);
        assert_eq!(
            alg.encapsulate(&pk, &mut TestRng(4), &mut c2, &mut ss2)
                .err(),
            zero
        );
    }
}

// ---- Errors: RNG failure --------------------------------------------------------------------

#[test]
fn rng_failure() {
    let rng_err = Err(Error::Rng);
    for alg in HYBRIDS {
        let mut pk = vec![0xaau8; alg.public_key_len()];
        let mut sk = vec![0xaau8; alg.secret_key_len()];
        assert_eq!(
            alg.generate_keypair(&mut FailAfter(0), &mut pk, &mut sk),
            rng_err,
            "{alg}"
        );
        assert!(pk.iter().chain(&sk).all(|&b| b == 0xaa), "{alg}: wrote");
        alg.keypair_from_seed(&vec![3u8; alg.seed_len()], &mut pk, &mut sk)
            .unwrap();
        // The generator fails at once, and (composites) after the first draw, ML-KEM's m.
        // X-Wing draws its whole 64-byte eseed at once.
        let draws: &[usize] = if alg == KemAlgorithm::XWing {
            &[0]
        } else {
            &[0, 1]
        };
        for &n in draws {
            let mut ct = vec![0xaau8; alg.ciphertext_len()];
            let mut ss = [0xaau8; 32];
            assert_eq!(
                alg.encapsulate(&pk, &mut FailAfter(n), &mut ct, &mut ss),
                rng_err,
                "{alg}"
            );
            assert!(ct.iter().chain(&ss).all(|&b| b == 0xaa), "{alg}: wrote");
        }
    }
    assert_eq!(
        xwing::DecapsulationKey::generate(&mut FailAfter(0)).err(),
        rng_err.err()
    );
    fn typed<C: CompositeKemParams>() {
        assert_eq!(
            DecapsulationKey::<C>::generate(&mut FailAfter(0)).err(),
            Some(Error::Rng)
        );
        let ek = DecapsulationKey::<C>::from_root_seed(&[0u8; 32]).encapsulation_key();
        assert_eq!(ek.encapsulate(&mut FailAfter(1)).err(), Some(Error::Rng));
    }
    typed::<MlKem768X25519Sha3_256>();
    typed::<MlKem768EcdhP256Sha3_256>();
    typed::<MlKem768EcdhP384Sha3_256>();
    typed::<MlKem1024EcdhP384Sha3_256>();
}

// ---- Debug ----------------------------------------------------------------------------------

#[test]
fn debug_is_redacted() {
    let seed = [0x5au8; 32];
    let dk = xwing::DecapsulationKey::from_seed(&seed);
    let s = format!("{dk:?}");
    assert_eq!(s, "XWingDecapsulationKey([REDACTED])");

    fn check<C: CompositeKemParams>() {
        let dk = DecapsulationKey::<C>::from_root_seed(&[0x5au8; 32]);
        let s = format!("{dk:?}");
        assert!(s.contains("REDACTED"), "{s}");
        assert!(s.contains(C::NAME), "{s}");
        let sk = dk.to_bytes();
        let hex: String = sk.as_ref()[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert!(!s.contains(&hex));
        assert!(!s.contains("90")); // no byte values at all
        // The public key prints; it is public.
        let _ = format!("{:?}", dk.encapsulation_key());
    }
    check::<MlKem768X25519Sha3_256>();
    check::<MlKem768EcdhP256Sha3_256>();
    check::<MlKem768EcdhP384Sha3_256>();
    check::<MlKem1024EcdhP384Sha3_256>();
}
