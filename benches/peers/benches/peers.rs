//! ML-KEM and ML-DSA: pqhybrid next to libcrux and pqcrypto, in one criterion run.
//!
//! ```sh
//! cd benches/peers
//! CARGO_BUILD_JOBS=2 cargo bench --features peers            # everything
//! CARGO_BUILD_JOBS=2 cargo bench --features peers -- 768     # a filter
//! CARGO_BUILD_JOBS=2 cargo bench                             # pqhybrid only
//! ```
//!
//! Each criterion group is one operation of one parameter set (`ML-KEM-768/encaps`, ...); its
//! functions are the implementations:
//!
//! * `pqhybrid-typed`: pqhybrid's typed key objects (`primitives::ml_kem`, `primitives::ml_dsa`),
//!   parsed/expanded once, as a long-lived key holder uses them;
//! * `pqhybrid-agile`: the byte-slice layer (`KemAlgorithm`, `SignatureAlgorithm`): keys are
//!   parsed on every call and private keys are 32/64-byte seeds, so decapsulation and signing
//!   include the key expansion;
//! * `libcrux-simd256`: libcrux-ml-kem / libcrux-ml-dsa with `simd256` (AVX2 chosen at run time),
//!   serialized (expanded) keys, explicit randomness;
//! * `pqcrypto`: pqcrypto-mlkem / pqcrypto-mldsa (PQClean; AVX2 chosen at run time),
//!   serialized keys, randomness from the OS inside the call.
//!
//! Signing cycles through 256 distinct messages with distinct randomness, so ML-DSA's
//! rejection-loop count averages out over the iterations.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, missing_docs)] // a benchmark: inputs are fixed and valid

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};

use pqhybrid::primitives::{ml_dsa, ml_kem};
use pqhybrid::{KemAlgorithm, SignatureAlgorithm};
use pqhybrid_peer_bench::{BenchRng, MESSAGES, bytes32, bytes64, messages};

macro_rules! ml_kem_set {
    ($c:expr, $label:literal, $P:ty, $agile:expr, $libcrux:ident, $pqcrypto:ident) => {{
        let c: &mut Criterion = $c;
        let alg: KemAlgorithm = $agile;
        let mut rng = BenchRng::default();
        let seed = bytes64(1);
        let dk = ml_kem::DecapsulationKey::<$P>::from_seed(&seed);
        let ek = dk.encapsulation_key();
        let ek_bytes = ek.to_bytes();
        let (ct, ss) = ek.encapsulate(&mut rng).unwrap();
        #[cfg(feature = "peers")]
        let lc = libcrux_ml_kem::$libcrux::generate_key_pair(bytes64(2));
        #[cfg(feature = "peers")]
        let (lc_ct, lc_ss) = libcrux_ml_kem::$libcrux::encapsulate(lc.public_key(), bytes32(3));
        #[cfg(feature = "peers")]
        let (pq_pk, pq_sk) = pqcrypto_mlkem::$pqcrypto::keypair();
        #[cfg(feature = "peers")]
        let (pq_ss, pq_ct) = pqcrypto_mlkem::$pqcrypto::encapsulate(&pq_pk);

        let mut g = c.benchmark_group(concat!($label, "/keygen"));
        let mut n = 0u64;
        g.bench_function("pqhybrid-typed", |b| {
            b.iter(|| {
                n += 1;
                ml_kem::DecapsulationKey::<$P>::from_seed(&bytes64(n))
                    .encapsulation_key()
                    .to_bytes()
            })
        });
        let mut pk = vec![0u8; alg.public_key_len()];
        let mut sk = vec![0u8; alg.secret_key_len()];
        g.bench_function("pqhybrid-agile", |b| {
            b.iter(|| {
                n += 1;
                alg.keypair_from_seed(&bytes64(n), &mut pk, &mut sk)
                    .unwrap()
            })
        });
        #[cfg(feature = "peers")]
        g.bench_function("libcrux-simd256", |b| {
            b.iter(|| {
                n += 1;
                libcrux_ml_kem::$libcrux::generate_key_pair(bytes64(n))
            })
        });
        #[cfg(feature = "peers")]
        g.bench_function("pqcrypto", |b| b.iter(pqcrypto_mlkem::$pqcrypto::keypair));
        g.finish();

        let mut g = c.benchmark_group(concat!($label, "/encaps"));
        g.bench_function("pqhybrid-typed", |b| {
            b.iter(|| {
                ml_kem::EncapsulationKey::<$P>::from_bytes(black_box(ek_bytes.as_ref()))
                    .unwrap()
                    .encapsulate(&mut rng)
                    .unwrap()
            })
        });
        let mut ct_out = vec![0u8; alg.ciphertext_len()];
        let mut ss_out = vec![0u8; alg.shared_secret_len()];
        g.bench_function("pqhybrid-agile", |b| {
            b.iter(|| {
                alg.encapsulate(
                    black_box(ek_bytes.as_ref()),
                    &mut rng,
                    &mut ct_out,
                    &mut ss_out,
                )
                .unwrap()
            })
        });
        #[cfg(feature = "peers")]
        g.bench_function("libcrux-simd256", |b| {
            b.iter(|| {
                n += 1;
                libcrux_ml_kem::$libcrux::encapsulate(black_box(lc.public_key()), bytes32(n))
            })
        });
        #[cfg(feature = "peers")]
        g.bench_function("pqcrypto", |b| {
            b.iter(|| pqcrypto_mlkem::$pqcrypto::encapsulate(black_box(&pq_pk)))
        });
        g.finish();

        let mut g = c.benchmark_group(concat!($label, "/decaps"));
        g.bench_function("pqhybrid-typed", |b| {
            b.iter(|| dk.decapsulate(black_box(ct.as_ref())).unwrap())
        });
        g.bench_function("pqhybrid-agile", |b| {
            b.iter(|| {
                alg.decapsulate(black_box(&seed), black_box(ct.as_ref()), &mut ss_out)
                    .unwrap()
            })
        });
        // Once outside the measurement too: a filter may skip the closure above.
        alg.decapsulate(&seed, ct.as_ref(), &mut ss_out).unwrap();
        assert_eq!(ss_out.as_slice(), ss.as_ref(), "pqhybrid decapsulation");
        #[cfg(feature = "peers")]
        {
            g.bench_function("libcrux-simd256", |b| {
                b.iter(|| {
                    libcrux_ml_kem::$libcrux::decapsulate(lc.private_key(), black_box(&lc_ct))
                })
            });
            assert_eq!(
                libcrux_ml_kem::$libcrux::decapsulate(lc.private_key(), &lc_ct),
                lc_ss,
                "libcrux decapsulation"
            );
            g.bench_function("pqcrypto", |b| {
                b.iter(|| pqcrypto_mlkem::$pqcrypto::decapsulate(black_box(&pq_ct), &pq_sk))
            });
            use pqcrypto_traits::kem::SharedSecret as _;
            assert_eq!(
                pqcrypto_mlkem::$pqcrypto::decapsulate(&pq_ct, &pq_sk).as_bytes(),
                pq_ss.as_bytes(),
                "pqcrypto decapsulation"
            );
        }
        g.finish();
    }};
}

macro_rules! ml_dsa_set {
    ($c:expr, $label:literal, $P:ty, $agile:expr, $libcrux:ident, $pqcrypto:ident) => {{
        let c: &mut Criterion = $c;
        let alg: SignatureAlgorithm = $agile;
        let msgs = messages();
        let mut rng = BenchRng::default();
        let seed = bytes32(1);
        let sk = ml_dsa::SigningKey::<$P>::from_seed(&seed);
        let vk = sk.verifying_key().clone();
        let vk_bytes = vk.to_bytes();
        let sig = sk.sign(&msgs[0], b"", &mut rng).unwrap();
        #[cfg(feature = "peers")]
        let lc = libcrux_ml_dsa::$libcrux::generate_key_pair(bytes32(2));
        #[cfg(feature = "peers")]
        let lc_sig =
            libcrux_ml_dsa::$libcrux::sign(&lc.signing_key, &msgs[0], b"", bytes32(3)).unwrap();
        #[cfg(feature = "peers")]
        let (pq_pk, pq_sk) = pqcrypto_mldsa::$pqcrypto::keypair();
        #[cfg(feature = "peers")]
        let pq_sig = pqcrypto_mldsa::$pqcrypto::detached_sign_ctx(&msgs[0], b"", &pq_sk);

        let mut g = c.benchmark_group(concat!($label, "/keygen"));
        let mut n = 0u64;
        g.bench_function("pqhybrid-typed", |b| {
            b.iter(|| {
                n += 1;
                ml_dsa::SigningKey::<$P>::from_seed(&bytes32(n))
                    .verifying_key()
                    .to_bytes()
            })
        });
        let mut pk = vec![0u8; alg.public_key_len()];
        let mut sk_seed = vec![0u8; alg.secret_key_len()];
        g.bench_function("pqhybrid-agile", |b| {
            b.iter(|| {
                n += 1;
                alg.keypair_from_seed(&bytes32(n), &mut pk, &mut sk_seed)
                    .unwrap()
            })
        });
        #[cfg(feature = "peers")]
        g.bench_function("libcrux-simd256", |b| {
            b.iter(|| {
                n += 1;
                libcrux_ml_dsa::$libcrux::generate_key_pair(bytes32(n))
            })
        });
        #[cfg(feature = "peers")]
        g.bench_function("pqcrypto", |b| b.iter(pqcrypto_mldsa::$pqcrypto::keypair));
        g.finish();

        let mut g = c.benchmark_group(concat!($label, "/sign"));
        let mut i = 0usize;
        g.bench_function("pqhybrid-typed", |b| {
            b.iter(|| {
                i = (i + 1) % MESSAGES;
                sk.sign(black_box(&msgs[i]), b"", &mut rng).unwrap()
            })
        });
        let mut sig_out = vec![0u8; alg.signature_len()];
        g.bench_function("pqhybrid-agile", |b| {
            b.iter(|| {
                i = (i + 1) % MESSAGES;
                alg.sign(
                    black_box(&seed),
                    black_box(&msgs[i]),
                    b"",
                    &mut rng,
                    &mut sig_out,
                )
                .unwrap()
            })
        });
        #[cfg(feature = "peers")]
        g.bench_function("libcrux-simd256", |b| {
            b.iter(|| {
                i = (i + 1) % MESSAGES;
                n += 1;
                libcrux_ml_dsa::$libcrux::sign(
                    &lc.signing_key,
                    black_box(&msgs[i]),
                    b"",
                    bytes32(n),
                )
                .unwrap()
            })
        });
        #[cfg(feature = "peers")]
        g.bench_function("pqcrypto", |b| {
            b.iter(|| {
                i = (i + 1) % MESSAGES;
                pqcrypto_mldsa::$pqcrypto::detached_sign_ctx(black_box(&msgs[i]), b"", &pq_sk)
            })
        });
        g.finish();

        let mut g = c.benchmark_group(concat!($label, "/verify"));
        g.bench_function("pqhybrid-typed", |b| {
            b.iter(|| {
                ml_dsa::VerifyingKey::<$P>::from_bytes(black_box(vk_bytes.as_ref()))
                    .unwrap()
                    .verify(black_box(&msgs[0]), b"", sig.as_ref())
                    .unwrap()
            })
        });
        g.bench_function("pqhybrid-agile", |b| {
            b.iter(|| {
                alg.verify(
                    black_box(vk_bytes.as_ref()),
                    black_box(&msgs[0]),
                    b"",
                    sig.as_ref(),
                )
                .unwrap()
            })
        });
        #[cfg(feature = "peers")]
        g.bench_function("libcrux-simd256", |b| {
            b.iter(|| {
                libcrux_ml_dsa::$libcrux::verify(
                    &lc.verification_key,
                    black_box(&msgs[0]),
                    b"",
                    &lc_sig,
                )
                .unwrap()
            })
        });
        #[cfg(feature = "peers")]
        g.bench_function("pqcrypto", |b| {
            b.iter(|| {
                pqcrypto_mldsa::$pqcrypto::verify_detached_signature_ctx(
                    &pq_sig,
                    black_box(&msgs[0]),
                    b"",
                    &pq_pk,
                )
                .unwrap()
            })
        });
        g.finish();
    }};
}

/// ML-KEM-768 and ML-DSA-65 through the typed API on the RustCrypto backend
/// (`pqhybrid-typed-rustcrypto`), beside `pqhybrid-typed` on the default backend (libcrux), in
/// the same groups: the issue's "≥ 2× faster than the RustCrypto backend through the same API".
fn rustcrypto_backend(c: &mut Criterion) {
    use pqhybrid::primitives::backend::RustCrypto;
    const ID: &str = "pqhybrid-typed-rustcrypto";
    let mut rng = BenchRng::default();
    let mut n = 0u64;

    let dk = ml_kem::DecapsulationKey::<ml_kem::MlKem768, RustCrypto>::from_seed(&bytes64(1));
    let ek = dk.encapsulation_key();
    let (ct, _) = ek.encapsulate(&mut rng).unwrap();
    c.benchmark_group("ML-KEM-768/keygen").bench_function(ID, |b| {
        b.iter(|| {
            n += 1;
            ml_kem::DecapsulationKey::<ml_kem::MlKem768, RustCrypto>::from_seed(&bytes64(n))
                .encapsulation_key()
                .to_bytes()
        })
    });
    c.benchmark_group("ML-KEM-768/encaps")
        .bench_function(ID, |b| b.iter(|| ek.encapsulate(&mut rng).unwrap()));
    c.benchmark_group("ML-KEM-768/decaps")
        .bench_function(ID, |b| b.iter(|| dk.decapsulate(black_box(ct.as_ref())).unwrap()));

    let msgs = messages();
    let sk = ml_dsa::SigningKey::<ml_dsa::MlDsa65, RustCrypto>::from_seed(&bytes32(1));
    let vk_bytes = sk.verifying_key().to_bytes();
    let sig = sk.sign(&msgs[0], b"", &mut rng).unwrap();
    c.benchmark_group("ML-DSA-65/keygen").bench_function(ID, |b| {
        b.iter(|| {
            n += 1;
            ml_dsa::SigningKey::<ml_dsa::MlDsa65, RustCrypto>::from_seed(&bytes32(n))
                .verifying_key()
                .to_bytes()
        })
    });
    let mut i = 0usize;
    c.benchmark_group("ML-DSA-65/sign").bench_function(ID, |b| {
        b.iter(|| {
            i = (i + 1) % MESSAGES;
            sk.sign(black_box(&msgs[i]), b"", &mut rng).unwrap()
        })
    });
    c.benchmark_group("ML-DSA-65/verify").bench_function(ID, |b| {
        b.iter(|| {
            ml_dsa::VerifyingKey::<ml_dsa::MlDsa65, RustCrypto>::from_bytes(black_box(
                vk_bytes.as_ref(),
            ))
            .unwrap()
            .verify(black_box(&msgs[0]), b"", sig.as_ref())
            .unwrap()
        })
    });
}

fn kems(c: &mut Criterion) {
    ml_kem_set!(
        c,
        "ML-KEM-512",
        ml_kem::MlKem512,
        KemAlgorithm::MlKem512,
        mlkem512,
        mlkem512
    );
    ml_kem_set!(
        c,
        "ML-KEM-768",
        ml_kem::MlKem768,
        KemAlgorithm::MlKem768,
        mlkem768,
        mlkem768
    );
    ml_kem_set!(
        c,
        "ML-KEM-1024",
        ml_kem::MlKem1024,
        KemAlgorithm::MlKem1024,
        mlkem1024,
        mlkem1024
    );
}

fn signatures(c: &mut Criterion) {
    ml_dsa_set!(
        c,
        "ML-DSA-44",
        ml_dsa::MlDsa44,
        SignatureAlgorithm::MlDsa44,
        ml_dsa_44,
        mldsa44
    );
    ml_dsa_set!(
        c,
        "ML-DSA-65",
        ml_dsa::MlDsa65,
        SignatureAlgorithm::MlDsa65,
        ml_dsa_65,
        mldsa65
    );
    ml_dsa_set!(
        c,
        "ML-DSA-87",
        ml_dsa::MlDsa87,
        SignatureAlgorithm::MlDsa87,
        ml_dsa_87,
        mldsa87
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = kems, signatures, rustcrypto_backend
}
criterion_main!(benches);
