//! Generates a key pair with every algorithm, signs or encapsulates, verifies or
//! decapsulates, and prints the sizes and timings. `cargo run --release --example quickstart`.
#![allow(clippy::indexing_slicing)] // an example: lengths come from the algorithm itself

use std::time::Instant;

use pqhybrid::rng::OsRng;
use pqhybrid::{KemAlgorithm, SignatureAlgorithm};

fn main() -> Result<(), pqhybrid::Error> {
    let mut rng = OsRng::default();
    println!(
        "{:<20} {:>7} {:>7} {:>9}  {:>10} {:>10}",
        "signature", "pk", "sk", "sig", "sign", "verify"
    );
    for alg in SignatureAlgorithm::ALL {
        let mut pk = vec![0u8; alg.public_key_len()];
        let mut sk = vec![0u8; alg.secret_key_len()];
        alg.generate_keypair(&mut rng, &mut pk, &mut sk)?;
        let mut sig = vec![0u8; alg.signature_len()];
        let t = Instant::now();
        let n = alg.sign(&sk, b"firmware image", b"", &mut rng, &mut sig)?;
        let sign = t.elapsed();
        let t = Instant::now();
        alg.verify(&pk, b"firmware image", b"", &sig[..n])?;
        let verify = t.elapsed();
        println!(
            "{:<20} {:>7} {:>7} {:>9}  {:>10.2?} {:>10.2?}",
            alg.name(),
            pk.len(),
            sk.len(),
            n,
            sign,
            verify
        );
    }
    println!();
    println!(
        "{:<20} {:>7} {:>7} {:>9}  {:>10} {:>10}",
        "kem", "pk", "sk", "ct", "encaps", "decaps"
    );
    for alg in KemAlgorithm::ALL {
        let mut pk = vec![0u8; alg.public_key_len()];
        let mut sk = vec![0u8; alg.secret_key_len()];
        alg.generate_keypair(&mut rng, &mut pk, &mut sk)?;
        let mut ct = vec![0u8; alg.ciphertext_len()];
        let (mut ss1, mut ss2) = ([0u8; 32], [0u8; 32]);
        let t = Instant::now();
        alg.encapsulate(&pk, &mut rng, &mut ct, &mut ss1)?;
        let enc = t.elapsed();
        let t = Instant::now();
        alg.decapsulate(&sk, &ct, &mut ss2)?;
        let dec = t.elapsed();
        assert_eq!(ss1, ss2);
        println!(
            "{:<20} {:>7} {:>7} {:>9}  {:>10.2?} {:>10.2?}",
            alg.name(),
            pk.len(),
            sk.len(),
            ct.len(),
            enc,
            dec
        );
    }
    Ok(())
}
