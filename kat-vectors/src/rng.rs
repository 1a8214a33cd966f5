//! Test generators shared by the integration tests. None of them is a real RNG.

use rand_core::{TryCryptoRng, TryRng};

/// The error every failing test generator returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RngDown;

impl core::fmt::Display for RngDown {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("test generator exhausted or failing")
    }
}

impl core::error::Error for RngDown {}

/// A deterministic xorshift64 generator seeded with a nonzero `u64` (tests only).
#[derive(Debug, Clone)]
pub struct TestRng(pub u64);

impl TryRng for TestRng {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok(self.try_next_u64()? as u32)
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        Ok(self.0)
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for b in dst {
            *b = self.try_next_u64()? as u8;
        }
        Ok(())
    }
}

impl TryCryptoRng for TestRng {}

/// Fills `dst` through `fill` 8 bytes at a time for the integer methods.
macro_rules! ints_via_fill {
    () => {
        fn try_next_u32(&mut self) -> Result<u32, RngDown> {
            let mut b = [0u8; 4];
            self.try_fill_bytes(&mut b)?;
            Ok(u32::from_le_bytes(b))
        }
        fn try_next_u64(&mut self) -> Result<u64, RngDown> {
            let mut b = [0u8; 8];
            self.try_fill_bytes(&mut b)?;
            Ok(u64::from_le_bytes(b))
        }
    };
}

/// A generator that always fails, as a broken TRNG would.
#[derive(Debug, Clone, Copy)]
pub struct FailingRng;

impl TryRng for FailingRng {
    type Error = RngDown;
    ints_via_fill!();
    fn try_fill_bytes(&mut self, _: &mut [u8]) -> Result<(), RngDown> {
        Err(RngDown)
    }
}

impl TryCryptoRng for FailingRng {}

/// Serves `n` fill requests (with 0x42 bytes) and then fails, as a TRNG that dies midway would.
#[derive(Debug, Clone, Copy)]
pub struct FailAfter(pub usize);

impl TryRng for FailAfter {
    type Error = RngDown;
    ints_via_fill!();
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), RngDown> {
        self.0 = self.0.checked_sub(1).ok_or(RngDown)?;
        dst.fill(0x42);
        Ok(())
    }
}

impl TryCryptoRng for FailAfter {}

/// Replays fixed bytes (a vector's `rnd`, say) and fails once they run out.
#[derive(Debug, Clone, Copy)]
pub struct Replay<'a>(pub &'a [u8]);

impl TryRng for Replay<'_> {
    type Error = RngDown;
    ints_via_fill!();
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), RngDown> {
        let (head, rest) = self.0.split_at_checked(dst.len()).ok_or(RngDown)?;
        dst.copy_from_slice(head);
        self.0 = rest;
        Ok(())
    }
}

impl TryCryptoRng for Replay<'_> {}
