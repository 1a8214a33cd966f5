//! Sampling from SHAKE: `SampleInBall` (FIPS 204 Algorithm 29) and `RejNTTPoly` (Algorithm
//! 30, with `CoeffFromThreeBytes`, Algorithm 14), the latter fused with the matrix–vector
//! product so that no entry of Â is ever stored; and, for the signer, `RejBoundedPoly`
//! (Algorithm 31, as ExpandS uses it) and `ExpandMask` (Algorithm 34).

use zeroize::Zeroize as _;

use super::xof::{Shake128Xof, Shake256Xof, Xof};

use super::arith::{N, Poly, Q, mont_mul};
use super::encode::unpack_z;
use super::params::Params;

/// SHAKE128 rate: one Keccak-f block of output, 56 candidate coefficients.
const SHAKE128_RATE: usize = 168;
/// SHAKE256 rate: one Keccak-f block of output.
const SHAKE256_RATE: usize = 136;

/// `SampleInBall(c̃)` (FIPS 204 Algorithm 29): the challenge c with τ coefficients ±1,
/// written to `c` (normal domain, coefficients in {−1, 0, 1}). The whole c̃ (λ/4 bytes) seeds
/// SHAKE256, as in the final FIPS 204 (not only its first 32 bytes as in draft versions).
pub(crate) fn sample_in_ball(c_tilde: &[u8], tau: usize, c: &mut Poly) {
    let mut xof = Shake256Xof::new();
    xof.absorb_final(c_tilde);
    // Whole blocks: the first 8 bytes are the signs, then candidate positions.
    let mut block = [0u8; SHAKE256_RATE];
    xof.squeeze(&mut block);
    // h = BytesToBits(s): sign bit k is bit k of s read little-endian.
    let mut signs = u64::from_le_bytes(*block.first_chunk::<8>().unwrap_or(&[0; 8]));
    let mut pos = 8;
    c.fill(0);
    for i in N.saturating_sub(tau)..N {
        // j ← the first byte ≤ i (Algorithm 29 lines 7–10).
        let j = loop {
            if pos == SHAKE256_RATE {
                xof.squeeze(&mut block);
                pos = 0;
            }
            let b = block.get(pos).copied().unwrap_or(0);
            pos += 1;
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
    let mut xof = Shake128Xof::new();
    xof.absorb(rho);
    xof.absorb_final(&[col, row]);
    let mut slots = acc.iter_mut().zip(z_hat.iter());
    let mut block = [0u8; SHAKE128_RATE];
    loop {
        xof.squeeze(&mut block);
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

/// `RejBoundedPoly(ρ' ‖ IntegerToBytes(nonce, 2))` (FIPS 204 Algorithm 31, with
/// `CoeffFromHalfByte`, Algorithm 15) for `eta` ∈ {2, 4}: a polynomial with coefficients in
/// [−η, η], written to `out` (normal domain). ExpandS (Algorithm 33) calls it with nonce r
/// for s₁[r] and ℓ + r for s₂[r].
///
/// Secret data: the half-bytes are accepted or rejected by comparison (rejection sampling: the
/// number of draws is independent of the values accepted), and `b mod 5` is a multiply and
/// shift, never a division.
pub(crate) fn rej_bounded_poly(rho_prime: &[u8], nonce: u16, eta: i32, out: &mut Poly) {
    let mut xof = Shake256Xof::new();
    xof.absorb(rho_prime);
    xof.absorb_final(&nonce.to_le_bytes());
    let mut block = [0u8; SHAKE256_RATE];
    let mut filled = 0usize;
    while filled < N {
        xof.squeeze(&mut block);
        for &z in &block {
            for b in [i32::from(z & 0x0f), i32::from(z >> 4)] {
                let coeff = if eta == 2 {
                    // b < 15: 2 − (b mod 5); b·205 >> 10 = ⌊b/5⌋ for b < 15.
                    (b < 15).then(|| 2 - (b - 5 * ((b * 205) >> 10)))
                } else {
                    (b < 9).then_some(4 - b)
                };
                if let Some(c) = coeff
                    && let Some(slot) = out.get_mut(filled)
                {
                    *slot = c;
                    filled += 1;
                }
            }
        }
    }
    block.zeroize();
}

/// `ExpandMask`'s polynomial for `nonce` = κ + r (FIPS 204 Algorithm 34 lines 3–5):
/// `BitUnpack(SHAKE256(ρ'' ‖ IntegerToBytes(nonce, 2), 32·(1 + log₂ γ₁)), γ₁ − 1, γ₁)`,
/// i.e. coefficients `γ₁ − v` in (−γ₁, γ₁], written to `out`. Branch-free.
pub(crate) fn expand_mask(params: &Params, rho2: &[u8], nonce: u16, out: &mut Poly) {
    let mut xof = Shake256Xof::new();
    xof.absorb(rho2);
    xof.absorb_final(&nonce.to_le_bytes());
    let mut bytes = [0u8; MAX_Z_POLY_LEN];
    let bytes_used = bytes.get_mut(..params.z_poly_len()).unwrap_or_default();
    xof.squeeze(bytes_used);
    unpack_z(params, bytes_used, out);
    bytes.zeroize();
}

/// The longest packed z (or y) polynomial: 32·20 bytes.
const MAX_Z_POLY_LEN: usize = 640;
