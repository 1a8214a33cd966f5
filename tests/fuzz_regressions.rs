//! Regression tests for inputs found by the fuzz targets in `fuzz/` (`cargo xtask fuzz`).
//!
//! Each test names the target that found the input and keeps the input (or the part of it that
//! matters) inline as hex, so that it runs without the fuzzing toolchain.
#![allow(clippy::expect_used, clippy::indexing_slicing)]

use pqhybrid::rng::{TryCryptoRng, TryRng};
use pqhybrid::{Error, KemAlgorithm};
use pqhybrid_kat::hex;

/// A "generator" that returns the same bytes forever: the fuzz harness's RNG on an empty
/// randomness field did exactly this.
struct ConstantRng(u8);

impl TryRng for ConstantRng {
    type Error = core::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok(u32::from_ne_bytes([self.0; 4]))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        Ok(u64::from_ne_bytes([self.0; 8]))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        dst.fill(self.0);
        Ok(())
    }
}

impl TryCryptoRng for ConstantRng {}

/// Found by `kem_decode`: encapsulating to a composite ML-KEM + ECDH key with a generator that
/// only ever yields zero bytes. Every ephemeral ECDH scalar drawn is 0 (not in [1, n-1]), so
/// the rejection loop gives up. This must be the documented `Error::Rng` — not a panic, not an
/// endless loop — and the same key must work with a usable generator. (The fuzz input had an
/// empty randomness field; the key came from the seed below.)
#[test]
fn kem_decode_composite_ecdh_encapsulation_with_a_stuck_rng_is_an_rng_error() {
    let seed = hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    for alg in [
        KemAlgorithm::MlKem768EcdhP256Sha3_256,
        KemAlgorithm::MlKem1024EcdhP384Sha3_256,
    ] {
        let mut pk = vec![0u8; alg.public_key_len()];
        let mut sk = vec![0u8; alg.secret_key_len()];
        alg.keypair_from_seed(&seed, &mut pk, &mut sk)
            .expect("keypair from a 32-byte root seed");
        let mut ct = vec![0u8; alg.ciphertext_len()];
        let mut ss = [0u8; 32];
        assert_eq!(
            alg.encapsulate(&pk, &mut ConstantRng(0), &mut ct, &mut ss),
            Err(Error::Rng),
            "{alg}: stuck generator"
        );
        // All-0xff scalars are >= n for both curves: also rejected every time.
        assert_eq!(
            alg.encapsulate(&pk, &mut ConstantRng(0xff), &mut ct, &mut ss),
            Err(Error::Rng),
            "{alg}: stuck generator (0xff)"
        );
        // A generator whose bytes are a valid scalar works, and decapsulation agrees.
        alg.encapsulate(&pk, &mut ConstantRng(0x42), &mut ct, &mut ss)
            .expect("encapsulation with a usable generator");
        let mut ss2 = [0u8; 32];
        alg.decapsulate(&sk, &ct, &mut ss2).expect("decapsulation");
        assert_eq!(ss, ss2, "{alg}: shared secrets differ");
    }
}
