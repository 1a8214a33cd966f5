//! dudect-style statistical timing test (Reparaz, Balasch, Verbauwhede, "Dude, is my code
//! constant time?", DATE 2017): time an operation on two classes of inputs, interleaved in
//! random order, and compare the two timing distributions with Welch's t-test, on the raw
//! measurements and after cropping at several percentiles. |t| > 4.5 is the usual "leak
//! detected" threshold; below it, no leak was detected at that number of samples.
//!
//! Not a CI gate (timing on a shared machine is noisy); results go to docs/constant-time.md.
//!
//! ```text
//! cargo run --profile taint --bin dudect -- [--seconds N] [--random-invalid|--aa] [mlkem768-decaps|composite-sign|all]
//! ```
//!
//! * `mlkem768-decaps`: ML-KEM-768 decapsulation with one fixed key, class A valid
//!   ciphertexts (fresh encapsulations), class B the same ciphertexts with one random bit
//!   flipped (implicit rejection). `--random-invalid` uses uniformly random bytes for class B
//!   instead (which also differ in public structure).
//! * `composite-sign`: MLDSA65-Ed25519-SHA512 hedged signing of random messages with fixed
//!   key A (class A) or fixed key B (class B).

use std::hint::black_box;
use std::time::{Duration, Instant};

use pqhybrid::{KemAlgorithm, SignatureAlgorithm};
use pqhybrid_ct::SplitMix;

/// Cycle counter (rdtsc on x86-64, otherwise nanoseconds from `Instant`).
#[inline(always)]
fn ticks(origin: Instant) -> u64 {
    #[cfg(target_arch = "x86_64")]
    {
        let _ = origin;
        core::sync::atomic::compiler_fence(core::sync::atomic::Ordering::SeqCst);
        // SAFETY: rdtsc has no preconditions on x86-64.
        #[allow(unused_unsafe)]
        let t = unsafe { core::arch::x86_64::_rdtsc() };
        core::sync::atomic::compiler_fence(core::sync::atomic::Ordering::SeqCst);
        t
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        origin.elapsed().as_nanos() as u64
    }
}

/// Welford running mean/variance of one class.
#[derive(Clone, Copy, Default)]
struct Moments {
    n: f64,
    mean: f64,
    m2: f64,
}

impl Moments {
    fn push(&mut self, x: f64) {
        self.n += 1.0;
        let d = x - self.mean;
        self.mean += d / self.n;
        self.m2 += d * (x - self.mean);
    }

    fn var(&self) -> f64 {
        if self.n < 2.0 {
            0.0
        } else {
            self.m2 / (self.n - 1.0)
        }
    }
}

/// Welch's t statistic of two classes.
fn welch_t(a: &Moments, b: &Moments) -> f64 {
    let se = (a.var() / a.n + b.var() / b.n).sqrt();
    if se == 0.0 {
        0.0
    } else {
        (a.mean - b.mean) / se
    }
}

/// Percentiles at which measurements are cropped (as in dudect): 1.0 = no cropping.
const CROPS: [f64; 6] = [1.0, 0.99, 0.95, 0.90, 0.75, 0.50];

struct Outcome {
    name: &'static str,
    samples: [usize; 2],
    /// |t| per crop.
    t: Vec<(f64, f64)>,
    mean_ticks: [f64; 2],
}

/// Measures `op(class, i)` for `seconds`, classes chosen at random per measurement.
fn measure(
    name: &'static str,
    seconds: u64,
    rng: &mut SplitMix,
    mut op: impl FnMut(usize, usize),
) -> Outcome {
    let origin = Instant::now();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut raw: [Vec<u64>; 2] = [Vec::new(), Vec::new()];
    // Warm-up (caches, branch predictors, CPU frequency).
    for i in 0..200 {
        op(i % 2, i);
    }
    let mut i = 0usize;
    while Instant::now() < deadline {
        for _ in 0..64 {
            let class = (rng.next_word() & 1) as usize;
            let t0 = ticks(origin);
            op(class, i);
            let t1 = ticks(origin);
            raw[class].push(t1.wrapping_sub(t0));
            i += 1;
        }
    }
    // Crop thresholds from the pooled distribution.
    let mut pooled: Vec<u64> = raw[0].iter().chain(&raw[1]).copied().collect();
    pooled.sort_unstable();
    let mut t = Vec::new();
    for p in CROPS {
        let idx = ((pooled.len() as f64 - 1.0) * p) as usize;
        let limit = pooled.get(idx).copied().unwrap_or(u64::MAX);
        let mut m = [Moments::default(); 2];
        for (c, xs) in raw.iter().enumerate() {
            for &x in xs.iter().filter(|&&x| x <= limit) {
                m[c].push(x as f64);
            }
        }
        t.push((p, welch_t(&m[0], &m[1]).abs()));
    }
    let mean = |xs: &Vec<u64>| xs.iter().map(|&x| x as f64).sum::<f64>() / xs.len().max(1) as f64;
    Outcome {
        name,
        samples: [raw[0].len(), raw[1].len()],
        t,
        mean_ticks: [mean(&raw[0]), mean(&raw[1])],
    }
}

/// Class B of the ML-KEM test.
#[derive(Clone, Copy, PartialEq)]
enum ClassB {
    /// Valid ciphertexts with one bit flipped (the default).
    BitFlipped,
    /// Uniformly random bytes (`--random-invalid`).
    Random,
    /// Other valid ciphertexts (`--aa`): an A/A control, both classes are the same kind of
    /// input, so |t| ≥ 4.5 here means the machine, not the code.
    Valid,
}

fn mlkem_decaps(seconds: u64, class_b: ClassB, rng: &mut SplitMix) -> Outcome {
    let alg = KemAlgorithm::MlKem768;
    let mut seed = vec![0u8; alg.seed_len()];
    rng.fill(&mut seed);
    let mut pk = vec![0u8; alg.public_key_len()];
    let mut sk = vec![0u8; alg.secret_key_len()];
    alg.keypair_from_seed(&seed, &mut pk, &mut sk)
        .expect("keygen");
    // Pools of inputs, prepared outside the measurement, in one buffer with the classes at
    // random slots, so that memory layout is independent of the class. (With separate buffers,
    // or with classes at alternating 1088-byte slots, which puts one class on 128-byte-aligned
    // addresses and the other on 64 mod 128, the A/A control `--aa` gave |t| ≈ 9-14.) The pool
    // is large so that each ciphertext is timed only a few times.
    const POOL: usize = 16 * 1024;
    let len = alg.ciphertext_len();
    let mut pool = Vec::with_capacity(2 * POOL * len);
    for _ in 0..POOL {
        let mut ct = vec![0u8; alg.ciphertext_len()];
        let mut ss = [0u8; 32];
        alg.encapsulate(&pk, rng, &mut ct, &mut ss).expect("encaps");
        pool.extend_from_slice(&ct);
        // A valid ciphertext with one bit flipped: same public structure, but the FO
        // re-encryption check fails (implicit rejection). Only the secret-dependent outcome
        // differs between the classes.
        let mut bad = ct.clone();
        match class_b {
            ClassB::Random => rng.fill(&mut bad),
            ClassB::BitFlipped => {
                let pos = (rng.next_word() as usize) % bad.len();
                bad[pos] ^= 1 << (rng.next_word() % 8);
            }
            ClassB::Valid => {
                alg.encapsulate(&pk, rng, &mut bad, &mut ss)
                    .expect("encaps");
            }
        }
        pool.extend_from_slice(&bad);
    }
    // Shuffle the entries (Fisher-Yates over slot pairs' contents) and record where each
    // class ended up.
    let mut class_of: Vec<usize> = (0..2 * POOL).map(|k| k % 2).collect();
    for k in (1..2 * POOL).rev() {
        let r = (rng.next_word() % (k as u64 + 1)) as usize;
        class_of.swap(k, r);
        for b in 0..len {
            pool.swap(k * len + b, r * len + b);
        }
    }
    let mut slots = [Vec::with_capacity(POOL), Vec::with_capacity(POOL)];
    for (k, &c) in class_of.iter().enumerate() {
        slots[c].push(k);
    }
    let mut ss = [0u8; 32];
    let name = match class_b {
        ClassB::BitFlipped => "ML-KEM-768 decapsulate (valid vs bit-flipped ct)",
        ClassB::Random => "ML-KEM-768 decapsulate (valid vs random-bytes ct)",
        ClassB::Valid => "ML-KEM-768 decapsulate (A/A control: valid vs valid ct)",
    };
    measure(name, seconds, rng, |class, i| {
        let slot = slots[class][i % POOL];
        let ct = &pool[slot * len..(slot + 1) * len];
        let r = alg.decapsulate(black_box(&sk), black_box(ct), &mut ss);
        black_box((&r, &ss));
    })
}

fn composite_sign(seconds: u64, rng: &mut SplitMix) -> Outcome {
    let alg = SignatureAlgorithm::MlDsa65Ed25519Sha512;
    let mut keys = Vec::new();
    for _ in 0..2 {
        let mut seed = vec![0u8; alg.seed_len()];
        rng.fill(&mut seed);
        let mut pk = vec![0u8; alg.public_key_len()];
        let mut sk = vec![0u8; alg.secret_key_len()];
        alg.keypair_from_seed(&seed, &mut pk, &mut sk)
            .expect("keygen");
        keys.push(sk);
    }
    const POOL: usize = 512;
    let msgs: Vec<[u8; 64]> = (0..POOL)
        .map(|_| {
            let mut m = [0u8; 64];
            rng.fill(&mut m);
            m
        })
        .collect();
    let mut sig = vec![0u8; alg.signature_len()];
    let mut hedge = SplitMix(rng.next_word());
    measure(
        "MLDSA65-Ed25519-SHA512 sign (key A vs key B)",
        seconds,
        rng,
        |class, i| {
            let r = alg.sign(
                black_box(&keys[class]),
                black_box(&msgs[i % POOL]),
                b"",
                &mut hedge,
                &mut sig,
            );
            black_box((&r, &sig));
        },
    )
}

fn main() {
    let mut seconds = 60u64;
    let mut which = "all".to_string();
    let mut class_b = ClassB::BitFlipped;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--random-invalid" {
            class_b = ClassB::Random;
        } else if a == "--aa" {
            class_b = ClassB::Valid;
        } else if a == "--seconds" {
            seconds = args
                .next()
                .and_then(|s| s.parse().ok())
                .expect("--seconds N");
        } else {
            which = a;
        }
    }
    let mut rng = SplitMix(0x6475_6465_6374_2121);
    let mut outcomes = Vec::new();
    if which == "all" || which == "mlkem768-decaps" {
        outcomes.push(mlkem_decaps(seconds, class_b, &mut rng));
    }
    if which == "all" || which == "composite-sign" {
        outcomes.push(composite_sign(seconds, &mut rng));
    }
    if outcomes.is_empty() {
        eprintln!(
            "usage: dudect [--seconds N] [--random-invalid|--aa] [mlkem768-decaps|composite-sign|all]"
        );
        std::process::exit(2);
    }
    for o in &outcomes {
        let max = o.t.iter().map(|&(_, t)| t).fold(0.0, f64::max);
        println!(
            "dudect: {}: samples A {} B {}, mean ticks A {:.0} B {:.0}, max |t| {:.2} ({})",
            o.name,
            o.samples[0],
            o.samples[1],
            o.mean_ticks[0],
            o.mean_ticks[1],
            max,
            if max < 4.5 {
                "no leak detected at this sample count"
            } else {
                "LEAK SUSPECTED (|t| >= 4.5)"
            }
        );
        for (p, t) in &o.t {
            println!("dudect:     crop {:>5.1} %: |t| = {t:.2}", p * 100.0);
        }
    }
}
