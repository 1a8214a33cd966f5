//! Arithmetic modulo q = 8380417: Montgomery reduction, the NTT and its inverse (FIPS 204
//! Algorithms 41 and 42), Decompose and UseHint (Algorithms 36 and 40).
//!
//! Follows the layout of the pq-crystals reference implementation: coefficients are `i32`,
//! products are reduced with a signed Montgomery reduction (R = 2³²), the NTT takes and gives
//! coefficients in the normal domain (its twiddles are stored times R), and the inverse NTT
//! multiplies by R (it is applied to a sum of Montgomery products, which carry R⁻¹).
//! No division or remainder by a runtime value; the only 64-bit operation is the multiply in
//! [`mont_mul`].
//!
//! What the signer calls on secret data ([`mont_mul`], [`reduce32`], [`caddq`], the NTTs,
//! [`decompose`], [`power2round`], [`exceeds`], [`differs`]) is branch-free and indexes no table
//! by a secret; [`use_hint`] (verifier only) branches.

/// The modulus q = 2²³ − 2¹³ + 1.
pub(crate) const Q: i32 = 8_380_417;
/// −q⁻¹ mod 2³².
const QINV_NEG: i32 = -58_728_449;
/// A polynomial of R_q, 256 coefficients (1 KiB).
pub(crate) type Poly = [i32; N];
/// The degree n = 256.
pub(crate) const N: usize = 256;
/// The dropped bits of t: d = 13 (FIPS 204 Table 1).
pub(crate) const D: u32 = 13;

/// `a·R⁻¹ mod q` for |a| < 2³¹·q, with a result in (−q, q).
///
/// `t = a·(−q⁻¹) mod 2³²` makes `a + t·q` divisible by 2³²; written as an addition of a
/// 32×32-bit product so that it compiles to one `smlal` on Arm (the subtraction form of the
/// reference code becomes a 64×64-bit multiply).
#[inline]
pub(crate) fn mont_reduce(a: i64) -> i32 {
    // Truncation to the low 32 bits is the point of the reduction.
    #[allow(clippy::cast_possible_truncation)]
    let t = (a as i32).wrapping_mul(QINV_NEG);
    #[allow(clippy::cast_possible_truncation)]
    let r = ((a + i64::from(t) * i64::from(Q)) >> 32) as i32;
    r
}

/// `a·b·R⁻¹ mod q`.
#[inline]
pub(crate) fn mont_mul(a: i32, b: i32) -> i32 {
    mont_reduce(i64::from(a) * i64::from(b))
}

/// A representative of `a mod q` in [−6283008, 6283008] for a ≤ 2³¹ − 2²² − 1.
#[inline]
pub(crate) fn reduce32(a: i32) -> i32 {
    let t = (a + (1 << 22)) >> 23;
    a - t * Q
}

/// Adds q if `a` is negative.
#[inline]
pub(crate) fn caddq(a: i32) -> i32 {
    a + ((a >> 31) & Q)
}

/// `ζ^brv₈(k)·R mod q` (centred) for ζ = 1753, the 512th root of unity of FIPS 204 §7.5;
/// entry 0 is never used. The same table as FIPS 204 Appendix B, in the Montgomery domain.
const ZETAS: [i32; N] = [
    -4186625, 25847, -2608894, -518909, 237124, -777960, -876248, 466468, 1826347, 2353451,
    -359251, -2091905, 3119733, -2884855, 3111497, 2680103, 2725464, 1024112, -1079900, 3585928,
    -549488, -1119584, 2619752, -2108549, -2118186, -3859737, -1399561, -3277672, 1757237, -19422,
    4010497, 280005, 2706023, 95776, 3077325, 3530437, -1661693, -3592148, -2537516, 3915439,
    -3861115, -3043716, 3574422, -2867647, 3539968, -300467, 2348700, -539299, -1699267, -1643818,
    3505694, -3821735, 3507263, -2140649, -1600420, 3699596, 811944, 531354, 954230, 3881043,
    3900724, -2556880, 2071892, -2797779, -3930395, -1528703, -3677745, -3041255, -1452451,
    3475950, 2176455, -1585221, -1257611, 1939314, -4083598, -1000202, -3190144, -3157330,
    -3632928, 126922, 3412210, -983419, 2147896, 2715295, -2967645, -3693493, -411027, -2477047,
    -671102, -1228525, -22981, -1308169, -381987, 1349076, 1852771, -1430430, -3343383, 264944,
    508951, 3097992, 44288, -1100098, 904516, 3958618, -3724342, -8578, 1653064, -3249728, 2389356,
    -210977, 759969, -1316856, 189548, -3553272, 3159746, -1851402, -2409325, -177440, 1315589,
    1341330, 1285669, -1584928, -812732, -1439742, -3019102, -3881060, -3628969, 3839961, 2091667,
    3407706, 2316500, 3817976, -3342478, 2244091, -2446433, -3562462, 266997, 2434439, -1235728,
    3513181, -3520352, -3759364, -1197226, -3193378, 900702, 1859098, 909542, 819034, 495491,
    -1613174, -43260, -522500, -655327, -3122442, 2031748, 3207046, -3556995, -525098, -768622,
    -3595838, 342297, 286988, -2437823, 4108315, 3437287, -3342277, 1735879, 203044, 2842341,
    2691481, -2590150, 1265009, 4055324, 1247620, 2486353, 1595974, -3767016, 1250494, 2635921,
    -3548272, -2994039, 1869119, 1903435, -1050970, -1333058, 1237275, -3318210, -1430225, -451100,
    1312455, 3306115, -1962642, -1279661, 1917081, -2546312, -1374803, 1500165, 777191, 2235880,
    3406031, -542412, -2831860, -1671176, -1846953, -2584293, -3724270, 594136, -3776993, -2013608,
    2432395, 2454455, -164721, 1957272, 3369112, 185531, -1207385, -3183426, 162844, 1616392,
    3014001, 810149, 1652634, -3694233, -1799107, -3038916, 3523897, 3866901, 269760, 2213111,
    -975884, 1717735, 472078, -426683, 1723600, -1803090, 1910376, -1667432, -1104333, -260646,
    -3833893, -2939036, -2235985, -420899, -2286327, 183443, -976891, 1612842, -3545687, -554416,
    3919660, -48306, -1362209, 3937738, 1400424, -846154, 1976782,
];

/// Forward NTT in place (FIPS 204 Algorithm 41), output in bit-reversed order, no final
/// reduction: an input bounded by B in absolute value gives an output below B + 8q.
pub(crate) fn ntt(a: &mut Poly) {
    let mut len = 128;
    let mut blocks = 1;
    while len > 0 {
        // The level with `blocks` butterfly groups uses ZETAS[blocks..2·blocks].
        for (block, &zeta) in a
            .chunks_exact_mut(2 * len)
            .zip(ZETAS.iter().skip(blocks).take(blocks))
        {
            let (lo, hi) = block.split_at_mut(len);
            for (x, y) in lo.iter_mut().zip(hi.iter_mut()) {
                let t = mont_mul(zeta, *y);
                *y = *x - t;
                *x += t;
            }
        }
        len >>= 1;
        blocks <<= 1;
    }
}

/// Inverse NTT in place (FIPS 204 Algorithm 42), times the Montgomery factor R: input
/// coefficients below q in absolute value (after [`reduce32`]) give outputs below q.
pub(crate) fn inv_ntt_tomont(a: &mut Poly) {
    /// R²/256 mod q: the scaling by 1/256, and by R to cancel the R⁻¹ of the products.
    const F: i32 = 41_978;
    let mut len = 1;
    let mut blocks = N / 2;
    while len < N {
        // The level with `blocks` groups uses ZETAS[blocks..2·blocks] backwards, negated.
        for (block, &zeta) in a
            .chunks_exact_mut(2 * len)
            .zip(ZETAS.iter().skip(blocks).take(blocks).rev())
        {
            let (lo, hi) = block.split_at_mut(len);
            for (x, y) in lo.iter_mut().zip(hi.iter_mut()) {
                let t = *x;
                *x = t + *y;
                *y = mont_mul(-zeta, t - *y);
            }
        }
        len <<= 1;
        blocks >>= 1;
    }
    for x in a.iter_mut() {
        *x = mont_mul(F, *x);
    }
}

/// `(r₁, r₀)` with `r ≡ r₁·2γ₂ + r₀` and r₀ ∈ (−γ₂, γ₂] (FIPS 204 Algorithm 36, Decompose),
/// for r ∈ [0, q). Only the two γ₂ of FIPS 204 are supported; the divisions by 2γ₂ are
/// multiplications by constants (pq-crystals reference `decompose`).
#[inline]
pub(crate) fn decompose(gamma2: i32, r: i32) -> (i32, i32) {
    let mut r1 = (r + 127) >> 7;
    if gamma2 == (Q - 1) / 32 {
        r1 = (r1 * 1025 + (1 << 21)) >> 22;
        r1 &= 15;
    } else {
        // γ₂ = (q−1)/88.
        r1 = (r1 * 11275 + (1 << 23)) >> 24;
        r1 ^= ((43 - r1) >> 31) & r1;
    }
    let mut r0 = r - r1 * 2 * gamma2;
    r0 -= (((Q - 1) / 2 - r0) >> 31) & Q;
    (r1, r0)
}

/// UseHint (FIPS 204 Algorithm 40) for r ∈ [0, q): the high bits of r, moved by one (mod
/// m = (q−1)/(2γ₂)) in the direction of r₀ when the hint bit is set.
#[inline]
pub(crate) fn use_hint(gamma2: i32, hint: bool, r: i32) -> i32 {
    let (r1, r0) = decompose(gamma2, r);
    if !hint {
        return r1;
    }
    if gamma2 == (Q - 1) / 32 {
        // m = 16
        if r0 > 0 { (r1 + 1) & 15 } else { (r1 - 1) & 15 }
    } else if r0 > 0 {
        // m = 44
        if r1 == 43 { 0 } else { r1 + 1 }
    } else if r1 == 0 {
        43
    } else {
        r1 - 1
    }
}

/// `(r₁, r₀)` with `r = r₁·2ᵈ + r₀` and r₀ ∈ (−2ᵈ⁻¹, 2ᵈ⁻¹] (FIPS 204 Algorithm 35,
/// Power2Round) for r ∈ [0, q). Branch-free.
#[inline]
pub(crate) fn power2round(r: i32) -> (i32, i32) {
    let r1 = (r + (1 << (D - 1)) - 1) >> D;
    (r1, r - (r1 << D))
}

/// |a| without a branch (for |a| < 2³¹).
#[inline]
pub(crate) fn abs_ct(a: i32) -> i32 {
    let m = a >> 31;
    (a ^ m) - m
}

/// 1 if |a| ≥ `bound`, else 0, without a branch (the norm checks of FIPS 204 Algorithm 7
/// lines 23 and 28, coefficient by coefficient, on secret values).
#[inline]
pub(crate) fn exceeds(a: i32, bound: i32) -> u32 {
    // bound − 1 − |a| is negative exactly when |a| ≥ bound.
    ((bound - 1 - abs_ct(a)) >> 31).unsigned_abs()
}

/// 1 if `a ≠ b`, else 0, without a branch.
#[inline]
pub(crate) fn differs(a: i32, b: i32) -> u32 {
    let x = a ^ b;
    // x | −x has its top bit set exactly when x ≠ 0.
    ((x | x.wrapping_neg()) >> 31).unsigned_abs()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
    use super::*;

    fn modq(a: i64) -> i64 {
        a.rem_euclid(i64::from(Q))
    }

    /// The NTT against the schoolbook negacyclic product: NTT⁻¹(NTT(a)∘NTT(b)) = a·b.
    #[test]
    fn ntt_multiplies() {
        let mut a = [0i32; N];
        let mut b = [0i32; N];
        let mut s = 12345u64;
        for (x, y) in a.iter_mut().zip(b.iter_mut()) {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            *x = (s % 1_000_003) as i32 - 500_000;
            *y = ((s >> 32) % 8192) as i32;
        }
        let mut want = [0i64; N];
        for i in 0..N {
            for j in 0..N {
                let p = i64::from(a[i]) * i64::from(b[j]);
                if i + j < N {
                    want[i + j] += p;
                } else {
                    want[i + j - N] -= p;
                }
            }
        }
        let (mut fa, mut fb) = (a, b);
        ntt(&mut fa);
        ntt(&mut fb);
        let mut c = [0i32; N];
        for i in 0..N {
            c[i] = reduce32(mont_mul(fa[i], fb[i]));
        }
        inv_ntt_tomont(&mut c);
        for i in 0..N {
            assert_eq!(modq(i64::from(c[i])), modq(want[i]), "coefficient {i}");
        }
    }

    /// Power2Round against FIPS 204 Algorithm 35 computed with division, for every r.
    #[test]
    fn power2round_matches_fips() {
        for r in 0..Q {
            let mut r0 = r % (1 << D);
            if r0 > 1 << (D - 1) {
                r0 -= 1 << D;
            }
            assert_eq!(power2round(r), ((r - r0) >> D, r0), "r = {r}");
        }
    }

    #[test]
    fn branch_free_helpers() {
        for a in [-Q, -5, -1, 0, 1, 4, 5, 6, Q] {
            assert_eq!(abs_ct(a), a.abs());
            for bound in [1, 5, 6] {
                assert_eq!(
                    exceeds(a, bound),
                    u32::from(a.abs() >= bound),
                    "{a} {bound}"
                );
            }
            for b in [-1, 0, 5] {
                assert_eq!(differs(a, b), u32::from(a != b));
            }
        }
    }

    /// Decompose against FIPS 204 Algorithm 36 computed with division, for every r.
    #[test]
    fn decompose_matches_fips() {
        for gamma2 in [(Q - 1) / 88, (Q - 1) / 32] {
            for r in 0..Q {
                let mut r0 = r % (2 * gamma2);
                if r0 > gamma2 {
                    r0 -= 2 * gamma2;
                }
                let (want1, want0) = if r - r0 == Q - 1 {
                    (0, r0 - 1)
                } else {
                    ((r - r0) / (2 * gamma2), r0)
                };
                assert_eq!(decompose(gamma2, r), (want1, want0), "r = {r}");
            }
        }
    }
}
