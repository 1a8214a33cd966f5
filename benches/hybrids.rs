//! Hybrids next to their components: composite ML-DSA sign/verify next to ML-DSA and the
//! classical signature alone, X-Wing next to ML-KEM-768 + X25519.
//!
//! `cargo bench --bench hybrids`. Each composite group also reports the sum of its components,
//! so the combiner's overhead reads off directly.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, missing_docs)] // a benchmark: inputs are fixed and valid

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;

use pqhybrid::hybrid::{composite_sig, xwing};
use pqhybrid::primitives::{ecdsa, ed25519, ml_dsa, ml_kem, x25519};
use pqhybrid::rng::OsRng;

const MSG: &[u8] = b"a firmware manifest of modest size, as signed by a release server";

macro_rules! composite_group {
    ($c:expr, $group:literal, $C:ty, $mldsa:ty, $trad_sign:expr, $trad_verify:expr) => {{
        let mut g = $c.benchmark_group($group);
        let sk = composite_sig::SigningKey::<$C>::from_root_seed(&[7u8; 32]).unwrap();
        let vk = sk.verifying_key();
        let mut sig = [0u8; composite_sig::MAX_SIGNATURE_LEN];
        let n = sk.sign_deterministic(MSG, b"", &mut sig).unwrap();
        let sig = &sig[..n];
        // Hedged signing, so that ML-DSA's rejection-loop count averages out over iterations
        // (deterministic signing of one fixed message would measure one fixed loop count).
        let mut rng = OsRng::default();
        g.bench_function("composite/sign", |b| {
            let mut out = [0u8; composite_sig::MAX_SIGNATURE_LEN];
            b.iter(|| sk.sign(black_box(MSG), b"", &mut rng, &mut out).unwrap())
        });
        g.bench_function("composite/verify", |b| {
            b.iter(|| vk.verify(black_box(MSG), b"", black_box(sig)).unwrap())
        });
        let mk = ml_dsa::SigningKey::<$mldsa>::from_seed(&[7u8; 32]);
        let msig = mk.sign_deterministic(MSG, b"").unwrap();
        let mvk = mk.verifying_key().clone();
        g.bench_function("ml-dsa/sign", |b| {
            b.iter(|| mk.sign(black_box(MSG), b"", &mut rng).unwrap())
        });
        g.bench_function("ml-dsa/verify", |b| {
            b.iter(|| mvk.verify(black_box(MSG), b"", msig.as_ref()).unwrap())
        });
        let (tsign, tverify) = ($trad_sign, $trad_verify);
        g.bench_function("classical/sign", |b| b.iter(|| tsign(black_box(MSG))));
        g.bench_function("classical/verify", |b| b.iter(|| tverify(black_box(MSG))));
        g.finish();
    }};
}

fn composites(c: &mut Criterion) {
    let ed = ed25519::SigningKey::from_seed(&[9u8; 32]);
    let ed_vk = ed.verifying_key();
    let ed_sig = ed.sign(MSG);
    composite_group!(
        c,
        "MLDSA65-Ed25519-SHA512",
        composite_sig::MlDsa65Ed25519Sha512,
        ml_dsa::MlDsa65,
        |m: &[u8]| ed.sign(m),
        |m: &[u8]| ed_vk.verify(m, &ed_sig).unwrap()
    );
    let p256 = ecdsa::p256::SigningKey::from_bytes(&[9u8; 32]).unwrap();
    let p256_vk = p256.verifying_key();
    let p256_sig = p256.sign(MSG).unwrap();
    composite_group!(
        c,
        "MLDSA65-ECDSA-P256-SHA512",
        composite_sig::MlDsa65EcdsaP256Sha512,
        ml_dsa::MlDsa65,
        |m: &[u8]| p256.sign(m).unwrap(),
        |m: &[u8]| p256_vk.verify(m, &p256_sig).unwrap()
    );
    let p384 = ecdsa::p384::SigningKey::from_bytes(&[9u8; 48]).unwrap();
    let p384_vk = p384.verifying_key();
    let p384_sig = p384.sign(MSG).unwrap();
    composite_group!(
        c,
        "MLDSA87-ECDSA-P384-SHA512",
        composite_sig::MlDsa87EcdsaP384Sha512,
        ml_dsa::MlDsa87,
        |m: &[u8]| p384.sign(m).unwrap(),
        |m: &[u8]| p384_vk.verify(m, &p384_sig).unwrap()
    );
}

fn kems(c: &mut Criterion) {
    let mut g = c.benchmark_group("X-Wing");
    let mut rng = OsRng::default();
    let dk = xwing::DecapsulationKey::from_seed(&[3u8; 32]);
    let ek = dk.encapsulation_key();
    let (ct, _) = ek.encapsulate(&mut rng).unwrap();
    g.bench_function(BenchmarkId::new("x-wing", "keygen"), |b| {
        b.iter(|| xwing::DecapsulationKey::from_seed(black_box(&[3u8; 32])).encapsulation_key())
    });
    g.bench_function(BenchmarkId::new("x-wing", "encaps"), |b| {
        b.iter(|| ek.encapsulate(&mut rng).unwrap())
    });
    g.bench_function(BenchmarkId::new("x-wing", "decaps"), |b| {
        b.iter(|| dk.decapsulate(black_box(ct.as_ref())).unwrap())
    });
    let mdk = ml_kem::MlKem768DecapsulationKey::from_seed(&[3u8; 64]);
    let mek = mdk.encapsulation_key();
    let (mct, _) = mek.encapsulate(&mut rng).unwrap();
    g.bench_function(BenchmarkId::new("ml-kem-768", "keygen"), |b| {
        b.iter(|| {
            ml_kem::MlKem768DecapsulationKey::from_seed(black_box(&[3u8; 64])).encapsulation_key()
        })
    });
    g.bench_function(BenchmarkId::new("ml-kem-768", "encaps"), |b| {
        b.iter(|| mek.encapsulate(&mut rng).unwrap())
    });
    g.bench_function(BenchmarkId::new("ml-kem-768", "decaps"), |b| {
        b.iter(|| mdk.decapsulate(black_box(mct.as_ref())).unwrap())
    });
    let xs = x25519::SecretKey::from_bytes(&[5u8; 32]);
    let peer = x25519::SecretKey::from_bytes(&[6u8; 32]).public_key();
    g.bench_function(BenchmarkId::new("x25519", "keygen"), |b| {
        b.iter(|| x25519::SecretKey::from_bytes(black_box(&[5u8; 32])).public_key())
    });
    g.bench_function(BenchmarkId::new("x25519", "dh"), |b| {
        b.iter(|| xs.diffie_hellman(black_box(&peer)).unwrap())
    });
    g.finish();
}

criterion_group!(benches, composites, kems);
criterion_main!(benches);
