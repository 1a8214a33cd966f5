//! Sampling (FIPS 203 §4.2.2): `SampleNTT` (Algorithm 7) for the matrix Â, one entry at a time,
//! and `SamplePolyCBD_η` (Algorithm 8) over `PRF_η` (§4.1, SHAKE256) for the secret and error
//! polynomials.

use zeroize::Zeroize;

use crate::primitives::ml_dsa_compact::xof::{Shake128Xof, Shake256Xof, Xof};

use super::arith::{Poly, Q};

/// SHAKE128 rate: one Keccak-f block of output, 112 candidate coefficients.
const SHAKE128_RATE: usize = 168;

/// `Â[row][col] = SampleNTT(ρ ‖ col ‖ row)` when `transposed` is false (FIPS 203 Algorithm 13
/// line 6 and Algorithm 14 line 6: the column index is the first byte), and its transpose
/// `Â[col][row] = SampleNTT(ρ ‖ row ‖ col)` when true (Algorithm 14's Âᵀ). Public data:
/// rejection sampling may branch.
pub(super) fn sample_ntt(rho: &[u8; 32], row: u8, col: u8, transposed: bool, out: &mut Poly) {
    let mut xof = Shake128Xof::new();
    xof.absorb(rho);
    if transposed {
        xof.absorb_final(&[row, col]);
    } else {
        xof.absorb_final(&[col, row]);
    }
    let mut slots = out.iter_mut();
    let mut block = [0u8; SHAKE128_RATE];
    loop {
        xof.squeeze(&mut block);
        for three in block.chunks_exact(3) {
            let [b0, b1, b2] = *three else { continue };
            let d1 = u16::from(b0) | (u16::from(b1 & 0x0f) << 8);
            let d2 = u16::from(b1 >> 4) | (u16::from(b2) << 4);
            for d in [d1, d2] {
                if d < Q as u16 {
                    match slots.next() {
                        Some(c) => *c = d as i16,
                        None => return,
                    }
                }
            }
            if slots.len() == 0 {
                return;
            }
        }
    }
}

/// `SamplePolyCBD_η(PRF_η(s, nonce))` (Algorithms 8 and §4.1: `PRF_η(s, b) = SHAKE256(s ‖ b,
/// 64·η)`), η ∈ {2, 3}, written to `out` (coefficients in [−η, η]). Constant time in `s`.
pub(super) fn cbd_prf(s: &[u8; 32], nonce: u8, eta: usize, out: &mut Poly) {
    let mut buf = [0u8; 64 * 3];
    let len = 64 * eta;
    let mut xof = Shake256Xof::new();
    xof.absorb(s);
    xof.absorb_final(&[nonce]);
    if let Some(bytes) = buf.get_mut(..len) {
        xof.squeeze(bytes);
    }
    if eta == 2 {
        // Coefficient i: bits 4i, 4i+1 minus bits 4i+2, 4i+3.
        for (c8, w) in out.chunks_exact_mut(8).zip(buf.chunks_exact(4)) {
            let t = u32::from_le_bytes([
                w.first().copied().unwrap_or(0),
                w.get(1).copied().unwrap_or(0),
                w.get(2).copied().unwrap_or(0),
                w.get(3).copied().unwrap_or(0),
            ]);
            let d = (t & 0x5555_5555) + ((t >> 1) & 0x5555_5555);
            for (j, c) in c8.iter_mut().enumerate() {
                let a = (d >> (4 * j)) & 3;
                let b = (d >> (4 * j + 2)) & 3;
                *c = a as i16 - b as i16;
            }
        }
    } else {
        // Coefficient i: bits 6i..6i+2 minus bits 6i+3..6i+5.
        for (c4, w) in out.chunks_exact_mut(4).zip(buf.chunks_exact(3)) {
            let t = u32::from(w.first().copied().unwrap_or(0))
                | (u32::from(w.get(1).copied().unwrap_or(0)) << 8)
                | (u32::from(w.get(2).copied().unwrap_or(0)) << 16);
            let d = (t & 0x0024_9249) + ((t >> 1) & 0x0024_9249) + ((t >> 2) & 0x0024_9249);
            for (j, c) in c4.iter_mut().enumerate() {
                let a = (d >> (6 * j)) & 7;
                let b = (d >> (6 * j + 3)) & 7;
                *c = a as i16 - b as i16;
            }
        }
    }
    buf.zeroize();
}
