//! Every signature algorithm through the algorithm-agile layer ([`SignatureAlgorithm::ALL`]):
//! key generation, hedged signing and verification, as an application calling
//! `pqhybrid::SignatureAlgorithm` pays for them (byte-slice keys, parsed on every call).
//!
//! `cargo bench --bench signatures` (all of it), `cargo bench --bench signatures -- ML-DSA-65`
//! (a filter), `cargo xtask bench --quick` (each benchmark once, to keep them running).
//!
//! Signing is hedged and rotates over [`MESSAGES`] distinct messages, so ML-DSA's
//! rejection-sampling loop count averages out instead of being one fixed count. The SLH-DSA
//! "s" (small) parameter sets sign in around a second: they run with criterion's minimum of 10
//! samples in flat sampling mode.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, missing_docs)] // a benchmark: inputs are fixed and valid

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};

use pqhybrid::SignatureAlgorithm;
use pqhybrid::rng::OsRng;

/// Number of distinct messages signing cycles through.
const MESSAGES: usize = 256;

/// SLH-DSA "s" parameter sets: slow signing (hundreds of ms to seconds per signature).
fn is_slow(alg: SignatureAlgorithm) -> bool {
    use SignatureAlgorithm::*;
    matches!(
        alg,
        SlhDsaSha2_128s
            | SlhDsaSha2_192s
            | SlhDsaSha2_256s
            | SlhDsaShake128s
            | SlhDsaShake192s
            | SlhDsaShake256s
    )
}

/// `MESSAGES` distinct 64-byte messages (a firmware-manifest-sized input).
fn messages() -> Vec<[u8; 64]> {
    (0..MESSAGES)
        .map(|i| {
            let mut m = [0u8; 64];
            for (j, b) in m.iter_mut().enumerate() {
                *b = (i * 131 + j * 7) as u8;
            }
            m[0] = i as u8;
            m[1] = (i >> 8) as u8;
            m
        })
        .collect()
}

fn signatures(c: &mut Criterion) {
    let msgs = messages();
    let mut rng = OsRng::default();
    for alg in SignatureAlgorithm::ALL {
        let name = alg.name();
        let mut g = c.benchmark_group(format!("sig/{name}"));
        if is_slow(alg) {
            g.sample_size(10);
            g.sampling_mode(SamplingMode::Flat);
            g.warm_up_time(Duration::from_millis(500));
            g.measurement_time(Duration::from_secs(10));
        }
        let mut pk = vec![0u8; alg.public_key_len()];
        let mut sk = vec![0u8; alg.secret_key_len()];
        g.bench_function("keygen", |b| {
            b.iter(|| alg.generate_keypair(&mut rng, &mut pk, &mut sk).unwrap())
        });
        // The key from the last keygen iteration: a fresh random key.
        let mut sig = vec![0u8; alg.signature_len()];
        let mut i = 0usize;
        g.bench_function("sign", |b| {
            b.iter(|| {
                i = (i + 1) % MESSAGES;
                alg.sign(&sk, black_box(&msgs[i]), b"", &mut rng, &mut sig)
                    .unwrap()
            })
        });
        let n = alg.sign(&sk, &msgs[0], b"", &mut rng, &mut sig).unwrap();
        let sig = &sig[..n];
        g.bench_function("verify", |b| {
            b.iter(|| {
                alg.verify(&pk, black_box(&msgs[0]), b"", black_box(sig))
                    .unwrap()
            })
        });
        g.finish();
    }
}

criterion_group! {
    name = benches;
    // 24 algorithms x 3 operations: shorter than criterion's default 3 s warm-up and 5 s
    // measurement, still hundreds of samples for everything but SLH-DSA "s" signing.
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = signatures
}
criterion_main!(benches);
