//! Encodings (FIPS 203 Algorithms 5 and 6, `ByteEncode_d` / `ByteDecode_d`) and compression
//! (§4.2.1, `Compress_d` / `Decompress_d`).
//!
//! `Compress_d` divides by q; on a Cortex-M that would be a `udiv`, whose time depends on its
//! operands, and the compressed values of a re-encryption are secret. It is computed here as a
//! multiplication by a precomputed reciprocal and a shift (exact for every input, checked
//! exhaustively in the tests), as the Kyber reference does since "KyberSlash".

use super::arith::{N, Poly, Q, to_unsigned};

/// `floor(n / 2q)` for n < 2²⁵, as `(n · M) >> 38` with M = ⌈2³⁸ / 2q⌉ (the error n·(M·2q −
/// 2³⁸)/2³⁸ stays below 1/2q for every n < 2²⁵, so the floor is exact).
#[inline(always)]
fn div_2q(n: u32) -> u32 {
    const M: u64 = (1u64 << 38).div_ceil(2 * Q as u64);
    ((u64::from(n) * M) >> 38) as u32
}

/// `Compress_d(x) = ⌈(2^d / q) · x⌋ mod 2^d` for x ∈ [0, q), 1 ≤ d ≤ 11, without division.
#[inline(always)]
pub(super) fn compress(x: u16, d: u32) -> u16 {
    // ⌈2^d·x/q⌋ = ⌊(2^(d+1)·x + q) / 2q⌋.
    let n = (u32::from(x) << (d + 1)) + Q as u32;
    (div_2q(n) & ((1 << d) - 1)) as u16
}

/// `Decompress_d(y) = ⌈(q / 2^d) · y⌋` for y < 2^d.
#[inline(always)]
pub(super) fn decompress(y: u16, d: u32) -> i16 {
    ((u32::from(y) * Q as u32 + (1 << (d - 1))) >> d) as i16
}

/// Compresses every coefficient of `r` (in (−q, q)) in place to d bits.
pub(super) fn compress_poly(r: &mut Poly, d: u32) {
    for c in r.iter_mut() {
        *c = compress(to_unsigned(*c), d) as i16;
    }
}

/// `ByteDecode_d` of `32·d` bytes into 256 values below 2^d (d ≤ 12; no reduction mod q).
pub(super) fn decode(bytes: &[u8], d: u32, out: &mut Poly) {
    for (c, v) in out.iter_mut().zip(decoded(bytes, d)) {
        *c = v as i16;
    }
}

/// The values of `ByteDecode_d(bytes)`, one at a time (d ≤ 12; zeros past the end of
/// `bytes`). The number of loop iterations depends only on d.
pub(super) fn decoded(bytes: &[u8], d: u32) -> impl Iterator<Item = u16> + '_ {
    let mask = (1u32 << d) - 1;
    let mut acc = 0u32;
    let mut bits = 0u32;
    let mut input = bytes.iter();
    (0..N).map(move |_| {
        while bits < d {
            acc |= u32::from(input.next().copied().unwrap_or(0)) << bits;
            bits += 8;
        }
        let v = (acc & mask) as u16;
        acc >>= d;
        bits -= d;
        v
    })
}

/// `ByteEncode_d` of 256 values below 2^d into `32·d` bytes (d ≤ 12).
pub(super) fn encode(values: &Poly, d: u32, out: &mut [u8]) {
    let mut acc = 0u32;
    let mut bits = 0u32;
    let mut output = out.iter_mut();
    for &c in values {
        acc |= u32::from(c as u16) << bits;
        bits += d;
        while bits >= 8 {
            if let Some(o) = output.next() {
                *o = acc as u8;
            }
            acc >>= 8;
            bits -= 8;
        }
    }
}

/// `ByteEncode₁₂` of a polynomial with coefficients in (−q, q), mapped to [0, q) first.
pub(super) fn encode12(values: &Poly, out: &mut [u8]) {
    for (pair, o) in values.chunks_exact(2).zip(out.chunks_exact_mut(3)) {
        let ([a, b], [o0, o1, o2]) = (pair, o) else {
            continue;
        };
        let (a, b) = (to_unsigned(*a), to_unsigned(*b));
        *o0 = a as u8;
        *o1 = ((a >> 8) | (b << 4)) as u8;
        *o2 = (b >> 4) as u8;
    }
}

/// The message polynomial `Decompress₁(ByteDecode₁(m))`: coefficient i is ⌈q/2⌋ = 1665 when
/// bit i of m is set, selected with a mask (m is secret).
pub(super) fn message_poly(m: &[u8; 32], out: &mut Poly) {
    for (c8, byte) in out.chunks_exact_mut(8).zip(m.iter()) {
        for (j, c) in c8.iter_mut().enumerate() {
            let bit = i16::from((byte >> j) & 1);
            *c = bit.wrapping_neg() & ((Q + 1) / 2);
        }
    }
}

/// `ByteEncode₁(Compress₁(w))` for w with coefficients in (−q, q).
pub(super) fn message_bytes(w: &Poly, m: &mut [u8; 32]) {
    for (c8, byte) in w.chunks_exact(8).zip(m.iter_mut()) {
        *byte = 0;
        for (j, c) in c8.iter().enumerate() {
            *byte |= (compress(to_unsigned(*c), 1) as u8) << j;
        }
    }
}

/// The number of bytes of a `d`-bit encoded polynomial.
pub(super) const fn poly_bytes(d: u32) -> usize {
    N * d as usize / 8
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing, clippy::cast_possible_truncation)]
    use super::*;

    #[test]
    fn compress_is_exact_rounding() {
        for d in [1u32, 4, 5, 10, 11] {
            for x in 0..Q as u32 {
                // ⌈2^d·x/q⌋ with ties up, exactly, in rationals.
                let want = (((x << d) * 2 + Q as u32) / (2 * Q as u32)) & ((1 << d) - 1);
                assert_eq!(u32::from(compress(x as u16, d)), want, "d={d} x={x}");
            }
            for y in 0..(1u32 << d) {
                let want = (y * Q as u32 * 2 + (1 << d)) / (2 << d);
                assert_eq!(decompress(y as u16, d) as u32, want, "d={d} y={y}");
            }
        }
    }

    #[test]
    fn encodings_round_trip() {
        for d in [1u32, 4, 5, 10, 11, 12] {
            let mut p = [0i16; N];
            for (i, c) in p.iter_mut().enumerate() {
                *c = ((i * 2_654_435_761usize) % (1 << d)) as i16;
            }
            let mut bytes = [0u8; 384];
            encode(&p, d, &mut bytes[..poly_bytes(d)]);
            let mut back = [0i16; N];
            decode(&bytes[..poly_bytes(d)], d, &mut back);
            assert_eq!(p, back, "d={d}");
        }
        let mut p = [0i16; N];
        for (i, c) in p.iter_mut().enumerate() {
            *c = (i as i16 * 13) % Q;
        }
        let (mut a, mut b) = ([0u8; 384], [0u8; 384]);
        encode12(&p, &mut a);
        encode(&p, 12, &mut b);
        assert_eq!(a, b);
    }
}
