//! Shared inputs for the peer-comparison benchmark (`benches/peers.rs`): distinct messages and
//! distinct per-iteration randomness, so that no implementation is measured on one fixed
//! rejection-sampling path.

/// Number of distinct messages (and signing randomness values) signing cycles through.
pub const MESSAGES: usize = 256;

/// `MESSAGES` distinct 64-byte messages.
pub fn messages() -> Vec<[u8; 64]> {
    (0..MESSAGES)
        .map(|i| {
            let mut m = [0u8; 64];
            for (j, b) in m.iter_mut().enumerate() {
                *b = (i.wrapping_mul(131) ^ j.wrapping_mul(7)) as u8;
            }
            m[0] = i as u8;
            m[1] = (i >> 8) as u8;
            m
        })
        .collect()
}

/// A cheap counter-based 32-byte value that differs for every `n` (not cryptographic: only to
/// feed implementations that take explicit randomness, without an RNG call in the timing).
pub fn bytes32(n: u64) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut x = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    for chunk in out.chunks_mut(8) {
        x ^= x >> 33;
        x = x.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
        x ^= x >> 29;
        chunk.copy_from_slice(&x.to_le_bytes());
    }
    out
}

/// As [`bytes32`], 64 bytes.
pub fn bytes64(n: u64) -> [u8; 64] {
    let mut out = [0u8; 64];
    out[..32].copy_from_slice(&bytes32(n));
    out[32..].copy_from_slice(&bytes32(n ^ 0x8000_0000_0000_0000));
    out
}

/// A counter-based generator for the timed loops: [`bytes32`] of an incrementing counter. NOT a
/// cryptographic generator; it only keeps an OS call (getrandom) out of pqhybrid's timings, as
/// libcrux's API (explicit randomness) does. pqcrypto draws from the OS inside its functions.
#[derive(Debug, Default)]
pub struct BenchRng(u64);

impl pqhybrid::rng::TryRng for BenchRng {
    type Error = core::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok(self.try_next_u64()? as u32)
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for chunk in dst.chunks_mut(32) {
            self.0 = self.0.wrapping_add(1);
            let b = bytes32(self.0);
            chunk.copy_from_slice(&b[..chunk.len()]);
        }
        Ok(())
    }
}

// For benchmarking only (see the type's documentation).
impl pqhybrid::rng::TryCryptoRng for BenchRng {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_distinct() {
        let m = messages();
        for (i, a) in m.iter().enumerate() {
            for b in &m[i + 1..] {
                assert_ne!(a, b);
            }
        }
        assert_ne!(bytes32(1), bytes32(2));
        assert_ne!(bytes64(1)[..32], bytes64(1)[32..]);
        let mut rng = BenchRng::default();
        let (mut a, mut b) = ([0u8; 40], [0u8; 40]);
        pqhybrid::rng::TryRng::try_fill_bytes(&mut rng, &mut a).unwrap();
        pqhybrid::rng::TryRng::try_fill_bytes(&mut rng, &mut b).unwrap();
        assert_ne!(a, b);
    }
}
