//! Sampling from SHAKE: `SampleInBall` (FIPS 204 Algorithm 29) and `RejNTTPoly` (Algorithm
//! 30, with `CoeffFromThreeBytes`, Algorithm 14), the latter fused with the matrix–vector
//! product so that no entry of Â is ever stored.

use shake::digest::{ExtendableOutput, Update, XofReader};
use shake::{Shake128, Shake256};

use super::arith::{N, Poly, Q, mont_mul};

/// SHAKE128 rate: one Keccak-f block of output, 56 candidate coefficients.
const SHAKE128_RATE: usize = 168;

/// `SampleInBall(c̃)` (FIPS 204 Algorithm 29): the challenge c with τ coefficients ±1,
/// written to `c` (normal domain, coefficients in {−1, 0, 1}). The whole c̃ (λ/4 bytes) seeds
/// SHAKE256, as in the final FIPS 204 (not only its first 32 bytes as in draft versions).
pub(crate) fn sample_in_ball(c_tilde: &[u8], tau: usize, c: &mut Poly) {
    let mut h = Shake256::default();
    h.update(c_tilde);
    let mut xof = h.finalize_xof();
    let mut s = [0u8; 8];
    xof.read(&mut s);
    // h = BytesToBits(s): sign bit k is bit k of s read little-endian.
    let mut signs = u64::from_le_bytes(s);
    c.fill(0);
    for i in N.saturating_sub(tau)..N {
        // j ← the first byte ≤ i (Algorithm 29 lines 7–10).
        let j = loop {
            let mut b = [0u8; 1];
            xof.read(&mut b);
            let [b] = b;
            if usize::from(b) <= i {
                break usize::from(b);
            }
        };
        let cj = c.get(j).copied().unwrap_or(0);
        if let Some(ci) = c.get_mut(i) {
            *ci = cj;
        }
        if let Some(cj) = c.get_mut(j) {
            // (−1)^h[i+τ−256]
            *cj = 1 - 2 * i32::from((signs & 1) as u8);
        }
        signs >>= 1;
    }
}

/// `acc += Â[row][col] ∘ ẑ` (Montgomery products, so each term carries R⁻¹), where
/// `Â[row][col] = RejNTTPoly(ρ ‖ col ‖ row)` (FIPS 204 Algorithm 32 ExpandA line 4: the
/// column index s is the first byte, the row index r the second) is sampled by Algorithm 30 and
/// consumed coefficient by coefficient as it is accepted.
pub(crate) fn rej_ntt_poly_mul_acc(rho: &[u8], col: u8, row: u8, z_hat: &Poly, acc: &mut Poly) {
    let mut g = Shake128::default();
    g.update(rho);
    g.update(&[col, row]);
    let mut xof = g.finalize_xof();
    let mut slots = acc.iter_mut().zip(z_hat.iter());
    let mut block = [0u8; SHAKE128_RATE];
    loop {
        xof.read(&mut block);
        for three in block.chunks_exact(3) {
            let [b0, b1, b2] = *three else { continue };
            // CoeffFromThreeBytes (Algorithm 14): 23 bits, top bit of b2 cleared; reject ≥ q.
            let a = i32::from(b0) | (i32::from(b1) << 8) | (i32::from(b2 & 0x7f) << 16);
            if a < Q {
                match slots.next() {
                    Some((acc, &z)) => *acc += mont_mul(a, z),
                    None => return,
                }
                if slots.len() == 0 {
                    return;
                }
            }
        }
    }
}
