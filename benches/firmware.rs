//! Firmware image verification throughput next to the raw hash over the same payload, one
//! composite verification, and signing.
//!
//! `cargo bench --bench firmware`. For a 1 MiB payload the verifier should reach at least 90 %
//! of the raw digest throughput: the payload is hashed once, the signatures cover only the
//! header.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, missing_docs)] // a benchmark: inputs are fixed and valid

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

use pqhybrid::SignatureAlgorithm;
use pqhybrid::firmware::{
    self, DeviceClass, DigestAlgorithm, ImageParams, Policy, TrustAnchor, Verifier, key_id,
    sign_image, sign_image_deterministic,
};
use pqhybrid::rng::OsRng;

const MIB: usize = 1 << 20;
const CLASS: DeviceClass = DeviceClass(*b"bench-device-001");
const ALG: SignatureAlgorithm = SignatureAlgorithm::MlDsa65Ed25519Sha512;

fn firmware(c: &mut Criterion) {
    let mut pk = vec![0u8; ALG.public_key_len()];
    let mut sk = vec![0u8; ALG.secret_key_len()];
    ALG.keypair_from_seed(&[7u8; 32], &mut pk, &mut sk).unwrap();
    let anchors = [TrustAnchor::active(key_id(ALG, &pk).unwrap())];
    let policy = Policy::new(&anchors, CLASS);
    let payload: Vec<u8> = (0..MIB).map(|i| (i * 31) as u8).collect();

    for digest in [DigestAlgorithm::Sha256, DigestAlgorithm::Sha512] {
        let mut g = c.benchmark_group(format!("firmware-1MiB-{}", digest.name()));
        g.throughput(Throughput::Bytes(MIB as u64));
        g.sample_size(20);
        let mut params = ImageParams::new(CLASS, 1);
        params.digest = digest;
        let mut image = vec![0u8; MIB + 8192];
        let n = sign_image_deterministic(&params, &payload, ALG, &sk, None, &mut image).unwrap();
        let image = &image[..n];
        g.bench_function("verify (4 KiB chunks)", |b| {
            b.iter(|| {
                let mut v = Verifier::new(&policy);
                for chunk in black_box(image).chunks(4096) {
                    v.update(chunk).unwrap();
                }
                v.finish().unwrap()
            })
        });
        g.bench_function("raw digest", |b| {
            b.iter(|| digest.digest(black_box(&payload)))
        });
        let mut rng = OsRng::default();
        let mut out = vec![0u8; MIB + 8192];
        g.bench_function("sign (hedged)", |b| {
            b.iter(|| {
                sign_image(
                    &params,
                    black_box(&payload),
                    ALG,
                    &sk,
                    None,
                    &mut rng,
                    &mut out,
                )
                .unwrap()
            })
        });
        g.finish();
    }

    let mut g = c.benchmark_group("firmware-fixed-costs");
    let header = [0x5au8; 192];
    let mut sig = vec![0u8; ALG.signature_len()];
    let n = ALG
        .sign_deterministic(&sk, &header, firmware::IMAGE_CONTEXT, &mut sig)
        .unwrap();
    g.bench_function("composite verify (MLDSA65-Ed25519, 192-byte header)", |b| {
        b.iter(|| {
            ALG.verify(&pk, black_box(&header), firmware::IMAGE_CONTEXT, &sig[..n])
                .unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, firmware);
criterion_main!(benches);
