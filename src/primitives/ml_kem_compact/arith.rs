//! Arithmetic in R_q = Z_q[X]/(X²⁵⁶ + 1), q = 3329: the number-theoretic transform (FIPS 203
//! Algorithms 9 and 10), multiplication in the NTT domain (Algorithms 11 and 12), and the
//! Montgomery and Barrett reductions that keep every coefficient in an `i16`.
//!
//! The representation is the one of the Kyber reference implementation (pq-crystals/kyber,
//! `ref/ntt.c`, `ref/reduce.c`, `ref/poly.c`): signed coefficients, twiddle factors in
//! Montgomery form (R = 2¹⁶), products reduced with Montgomery reduction. Every function here
//! runs in time independent of the coefficient values (no branch, no table index, no division
//! on them): the coefficients of `ŝ`, `ŷ` and the decrypted message are secret.

/// The modulus.
pub(super) const Q: i16 = 3329;
/// Coefficients per polynomial.
pub(super) const N: usize = 256;
/// q⁻¹ mod 2¹⁶, as a signed 16-bit value.
const QINV: i16 = -3327;

/// A polynomial: 256 signed coefficients (in the NTT domain or not, by context).
pub(super) type Poly = [i16; N];

/// The zero polynomial.
pub(super) const ZERO: Poly = [0; N];

/// `a · 2⁻¹⁶ mod q` for |a| < q·2¹⁵, in (−q, q).
#[inline(always)]
pub(super) fn montgomery_reduce(a: i32) -> i16 {
    let t = (a as i16).wrapping_mul(QINV);
    ((a - i32::from(t) * i32::from(Q)) >> 16) as i16
}

/// The representative of `a mod q` in [−(q−1)/2, (q−1)/2].
#[inline(always)]
pub(super) fn barrett_reduce(a: i16) -> i16 {
    const V: i32 = ((1 << 26) + (Q as i32) / 2) / (Q as i32);
    let t = ((V * i32::from(a) + (1 << 25)) >> 26) as i16;
    a.wrapping_sub(t.wrapping_mul(Q))
}

/// `a · b · 2⁻¹⁶ mod q`.
#[inline(always)]
fn fqmul(a: i16, b: i16) -> i16 {
    montgomery_reduce(i32::from(a) * i32::from(b))
}

/// `x mod q` for `x < 2³²`, by plain arithmetic (for the constant table only).
const fn pow17(mut e: u32) -> u32 {
    let mut acc = 1u32;
    let mut base = 17u32;
    while e > 0 {
        if e & 1 == 1 {
            acc = acc * base % 3329;
        }
        base = base * base % 3329;
        e >>= 1;
    }
    acc
}

/// The 7-bit reversal of `i`.
const fn bitrev7(i: u32) -> u32 {
    let mut r = 0;
    let mut k = 0;
    while k < 7 {
        r |= ((i >> k) & 1) << (6 - k);
        k += 1;
    }
    r
}

/// `ζ^BitRev₇(i)` for ζ = 17 (FIPS 203 §4.3), times R = 2¹⁶ mod q, centred in (−q/2, q/2]:
/// the reference implementation's `zetas` table, computed at compile time.
#[allow(clippy::indexing_slicing)] // i < 128, evaluated at compile time
const fn zetas() -> [i16; 128] {
    let mut out = [0i16; 128];
    let mut i = 0;
    while i < 128 {
        // 2¹⁶ mod q = 2285.
        let m = pow17(bitrev7(i as u32)) * 2285 % 3329;
        out[i] = if m > 1664 { m as i16 - 3329 } else { m as i16 };
        i += 1;
    }
    out
}

/// The twiddle factors.
pub(super) const ZETAS: [i16; 128] = zetas();

/// In-place forward NTT (FIPS 203 Algorithm 9), output in bit-reversed order and reduced to
/// [−(q−1)/2, (q−1)/2]. Input coefficients bounded by q in absolute value.
pub(super) fn ntt(r: &mut Poly) {
    let mut len = 128;
    let mut blocks = 1;
    while len >= 2 {
        // The level with `blocks` butterfly groups uses ZETAS[blocks..2·blocks].
        for (block, &zeta) in r
            .chunks_exact_mut(2 * len)
            .zip(ZETAS.iter().skip(blocks).take(blocks))
        {
            let (lo, hi) = block.split_at_mut(len);
            for (a, b) in lo.iter_mut().zip(hi.iter_mut()) {
                let t = fqmul(zeta, *b);
                *b = a.wrapping_sub(t);
                *a = a.wrapping_add(t);
            }
        }
        len >>= 1;
        blocks <<= 1;
    }
    reduce(r);
}

/// In-place inverse NTT (FIPS 203 Algorithm 10), times the Montgomery factor 2¹⁶ (which
/// cancels the 2⁻¹⁶ of [`basemul_acc`]); output in (−q, q).
pub(super) fn inv_ntt_tomont(r: &mut Poly) {
    // mont² / 128 mod q.
    const F: i16 = 1441;
    let mut len = 2;
    let mut blocks = 64;
    while len <= 128 {
        // The level with `blocks` groups uses ZETAS[blocks..2·blocks] backwards.
        for (block, &zeta) in r
            .chunks_exact_mut(2 * len)
            .zip(ZETAS.iter().skip(blocks).take(blocks).rev())
        {
            let (lo, hi) = block.split_at_mut(len);
            for (a, b) in lo.iter_mut().zip(hi.iter_mut()) {
                let t = *a;
                *a = barrett_reduce(t.wrapping_add(*b));
                *b = fqmul(zeta, b.wrapping_sub(t));
            }
        }
        len <<= 1;
        blocks >>= 1;
    }
    for c in r.iter_mut() {
        *c = fqmul(*c, F);
    }
}

/// `acc += a ∘ b · 2⁻¹⁶` in the NTT domain (FIPS 203 Algorithms 11 and 12: 128 products of
/// degree-one polynomials modulo X² − ζ^(2·BitRev₇(i)+1)). Inputs bounded by q; the sum of up
/// to four products stays within `i16` (each is below 2q), reduce it with [`reduce`].
pub(super) fn basemul_acc(acc: &mut Poly, a: &Poly, b: &Poly) {
    let quads = acc
        .chunks_exact_mut(4)
        .zip(a.chunks_exact(4))
        .zip(b.chunks_exact(4))
        .zip(ZETAS.iter().skip(64));
    for (((r, a), b), &zeta) in quads {
        let ([r0, r1, r2, r3], [a0, a1, a2, a3], [b0, b1, b2, b3]) = (r, a, b) else {
            continue;
        };
        *r0 = r0.wrapping_add(fqmul(fqmul(*a1, *b1), zeta).wrapping_add(fqmul(*a0, *b0)));
        *r1 = r1.wrapping_add(fqmul(*a0, *b1).wrapping_add(fqmul(*a1, *b0)));
        let z = zeta.wrapping_neg();
        *r2 = r2.wrapping_add(fqmul(fqmul(*a3, *b3), z).wrapping_add(fqmul(*a2, *b2)));
        *r3 = r3.wrapping_add(fqmul(*a2, *b3).wrapping_add(fqmul(*a3, *b2)));
    }
}

/// Multiplies every coefficient by 2¹⁶ mod q (out of the Montgomery domain of a product).
pub(super) fn tomont(r: &mut Poly) {
    // 2³² mod q.
    const F: i32 = 1353;
    for c in r.iter_mut() {
        *c = montgomery_reduce(i32::from(*c) * F);
    }
}

/// Barrett-reduces every coefficient to [−(q−1)/2, (q−1)/2].
pub(super) fn reduce(r: &mut Poly) {
    for c in r.iter_mut() {
        *c = barrett_reduce(*c);
    }
}

/// `r += a`, coefficient-wise (no reduction).
pub(super) fn add(r: &mut Poly, a: &Poly) {
    for (x, y) in r.iter_mut().zip(a.iter()) {
        *x = x.wrapping_add(*y);
    }
}

/// `r = a − r`, coefficient-wise (no reduction).
pub(super) fn sub_from(r: &mut Poly, a: &Poly) {
    for (x, y) in r.iter_mut().zip(a.iter()) {
        *x = y.wrapping_sub(*x);
    }
}

/// The representative in [0, q) of a coefficient in (−q, q).
#[inline(always)]
pub(super) fn to_unsigned(a: i16) -> u16 {
    (a.wrapping_add((a >> 15) & Q)) as u16
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing, clippy::cast_possible_truncation)]
    use super::*;

    fn modq(a: i64) -> i64 {
        a.rem_euclid(i64::from(Q))
    }

    #[test]
    fn zetas_match_the_reference_table() {
        // The first entries of pq-crystals/kyber ref/ntt.c `zetas`.
        assert_eq!(
            &ZETAS[..8],
            &[-1044, -758, -359, -1517, 1493, 1422, 287, 202]
        );
        assert_eq!(ZETAS[127], 1628);
    }

    #[test]
    fn reductions() {
        for a in i16::MIN..=i16::MAX {
            let r = barrett_reduce(a);
            assert!(r.abs() <= (Q - 1) / 2, "{a} -> {r}");
            assert_eq!(modq(i64::from(r)), modq(i64::from(a)));
        }
        for a in (-(i32::from(Q) << 15) + 1..(i32::from(Q) << 15)).step_by(997) {
            let r = montgomery_reduce(a);
            assert!(r.abs() < Q);
            assert_eq!(modq(i64::from(r) << 16), modq(i64::from(a)));
        }
    }

    /// Schoolbook multiplication in Z_q[X]/(X²⁵⁶+1).
    fn schoolbook(a: &Poly, b: &Poly) -> [i64; N] {
        let mut r = [0i64; N];
        for i in 0..N {
            for j in 0..N {
                let p = i64::from(a[i]) * i64::from(b[j]);
                if i + j < N {
                    r[i + j] += p;
                } else {
                    r[i + j - N] -= p;
                }
            }
        }
        r.map(modq)
    }

    #[test]
    fn ntt_multiplication_is_ring_multiplication() {
        let mut seed = 0x1234_5678u32;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            (seed % 3329) as i16 - 1664
        };
        let a: Poly = core::array::from_fn(|_| next());
        let b: Poly = core::array::from_fn(|_| next());
        let want = schoolbook(&a, &b);
        let (mut ah, mut bh) = (a, b);
        ntt(&mut ah);
        ntt(&mut bh);
        let mut c = ZERO;
        basemul_acc(&mut c, &ah, &bh);
        reduce(&mut c);
        inv_ntt_tomont(&mut c);
        let got: [i64; N] = c.map(|x| modq(i64::from(x)));
        assert_eq!(got, want);
        // NTT then inverse is the identity times 2¹⁶ (the Montgomery factor).
        let mut id = a;
        ntt(&mut id);
        inv_ntt_tomont(&mut id);
        for (x, y) in id.iter().zip(a.iter()) {
            assert_eq!(modq(i64::from(*x)), modq(i64::from(*y) << 16));
        }
    }
}
