//! Every KEM through the algorithm-agile layer ([`KemAlgorithm`]): key generation,
//! encapsulation and decapsulation; then X25519 and AES-GCM (the classical key agreement and
//! the AEAD used with the shared secrets).
//!
//! `cargo bench --bench kems`, `cargo bench --bench kems -- AES` (a filter), `cargo xtask bench
//! --quick` (each benchmark once, to keep them running).
#![allow(clippy::unwrap_used, clippy::indexing_slicing, missing_docs)] // a benchmark: inputs are fixed and valid

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

use pqhybrid::KemAlgorithm;
use pqhybrid::primitives::aes_gcm::{Aes128Gcm, Aes256Gcm};
use pqhybrid::primitives::x25519;
use pqhybrid::rng::OsRng;

/// Every KEM (`KemAlgorithm` has no list of its own; add new variants here).
const KEMS: [KemAlgorithm; 7] = [
    KemAlgorithm::MlKem512,
    KemAlgorithm::MlKem768,
    KemAlgorithm::MlKem1024,
    KemAlgorithm::XWing,
    KemAlgorithm::MlKem768X25519Sha3_256,
    KemAlgorithm::MlKem768EcdhP256Sha3_256,
    KemAlgorithm::MlKem1024EcdhP384Sha3_256,
];

fn kems(c: &mut Criterion) {
    let mut rng = OsRng::default();
    for alg in KEMS {
        let name = alg.name();
        let mut g = c.benchmark_group(format!("kem/{name}"));
        let mut pk = vec![0u8; alg.public_key_len()];
        let mut sk = vec![0u8; alg.secret_key_len()];
        g.bench_function("keygen", |b| {
            b.iter(|| alg.generate_keypair(&mut rng, &mut pk, &mut sk).unwrap())
        });
        let mut ct = vec![0u8; alg.ciphertext_len()];
        let mut ss = vec![0u8; alg.shared_secret_len()];
        g.bench_function("encaps", |b| {
            b.iter(|| {
                alg.encapsulate(black_box(&pk), &mut rng, &mut ct, &mut ss)
                    .unwrap()
            })
        });
        alg.encapsulate(&pk, &mut rng, &mut ct, &mut ss).unwrap();
        let expected = ss.clone();
        let mut out = vec![0u8; alg.shared_secret_len()];
        g.bench_function("decaps", |b| {
            b.iter(|| alg.decapsulate(&sk, black_box(&ct), &mut out).unwrap())
        });
        assert_eq!(out, expected, "{name}: decapsulation disagrees");
        g.finish();
    }
}

fn x25519(c: &mut Criterion) {
    let mut rng = OsRng::default();
    let mut g = c.benchmark_group("X25519");
    g.bench_function("keygen", |b| {
        b.iter(|| x25519::SecretKey::generate(&mut rng).unwrap().public_key())
    });
    let ours = x25519::SecretKey::generate(&mut rng).unwrap();
    let peer = x25519::SecretKey::generate(&mut rng).unwrap().public_key();
    g.bench_function("dh", |b| {
        b.iter(|| ours.diffie_hellman(black_box(&peer)).unwrap())
    });
    g.finish();
}

fn aes_gcm(c: &mut Criterion) {
    const NONCE: [u8; 12] = [9u8; 12];
    const AAD: &[u8] = b"pqhybrid bench";
    let k128 = Aes128Gcm::new(&[1u8; 16]).unwrap();
    let k256 = Aes256Gcm::new(&[2u8; 32]).unwrap();
    for len in [64usize, 1024, 16 * 1024] {
        let mut g = c.benchmark_group(format!("AES-GCM/{len}B"));
        g.throughput(Throughput::Bytes(len as u64));
        let pt: Vec<u8> = (0..len).map(|i| (i * 13) as u8).collect();
        let mut ct = vec![0u8; len + 16];
        let mut back = vec![0u8; len];
        macro_rules! seal_open {
            ($label:literal, $key:expr) => {{
                g.bench_function(concat!($label, "/seal"), |b| {
                    b.iter(|| $key.seal(&NONCE, AAD, black_box(&pt), &mut ct).unwrap())
                });
                let n = $key.seal(&NONCE, AAD, &pt, &mut ct).unwrap();
                g.bench_function(concat!($label, "/open"), |b| {
                    b.iter(|| {
                        $key.open(&NONCE, AAD, black_box(&ct[..n]), &mut back)
                            .unwrap()
                    })
                });
                assert_eq!(back, pt, "AES-GCM round trip");
            }};
        }
        seal_open!("AES-128-GCM", k128);
        seal_open!("AES-256-GCM", k256);
        g.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = kems, x25519, aes_gcm
}
criterion_main!(benches);
