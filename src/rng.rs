//! Randomness.
//!
//! Every randomized operation takes a `&mut R` with `R:` [`TryCryptoRng`] (which every
//! `rand_core::CryptoRng` also is), so firmware passes its own TRNG and a failing RNG surfaces as
//! [`Error::Rng`] instead of a panic. With the `std` feature, [`OsRng`] is the operating system's
//! generator through `getrandom`.

pub use rand_core::{CryptoRng, TryCryptoRng, TryRng};

use crate::error::{Error, Result};

/// The operating system's random number generator (`getrandom`). Only with the `std` feature.
#[cfg(feature = "std")]
pub type OsRng = getrandom::SysRng;

/// Fills `buf` from `rng`, mapping a generator failure to [`Error::Rng`].
pub(crate) fn fill<R: TryCryptoRng + ?Sized>(rng: &mut R, buf: &mut [u8]) -> Result<()> {
    rng.try_fill_bytes(buf).map_err(|_| Error::Rng)
}

/// A generator that replays fixed bytes: it turns a chosen ML-DSA `rnd` (or the all-zero `rnd`
/// of deterministic signing) into the `TryCryptoRng` the `ml-dsa` crate's fallible signing entry
/// point wants. It is never exposed: it would be a disaster as a real RNG.
pub(crate) struct FixedBytes<'a>(pub(crate) &'a [u8]);

impl TryRng for FixedBytes<'_> {
    type Error = Error;

    fn try_next_u32(&mut self) -> Result<u32> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<()> {
        let (head, rest) = self.0.split_at_checked(dst.len()).ok_or(Error::Rng)?;
        dst.copy_from_slice(head);
        self.0 = rest;
        Ok(())
    }
}

impl TryCryptoRng for FixedBytes<'_> {}
