//! Streaming decoders and encoders: t₁ and z unpacking (FIPS 204 Algorithms 18/19 as used by
//! `pkDecode`, Algorithm 23, and `sigDecode`, Algorithm 27), the hint check of
//! `HintBitUnpack` (Algorithm 21) done in place on the signature bytes, and `w1Encode`
//! (Algorithm 28); and for the signer the `BitPack`/`BitUnpack` of `skEncode`/`skDecode`
//! (Algorithms 24/25), `pkEncode` (Algorithm 22) and `sigEncode`'s z (Algorithm 26). Nothing is
//! decoded into a buffer larger than one polynomial.

use super::arith::{D, N, Poly};
use super::params::Params;

/// Bits per packed t₁ coefficient: `bitlen(q−1) − d = 10`.
pub(crate) const T1_BITS: u32 = 10;
/// Bytes of one packed t₁ polynomial: `32·10`.
pub(crate) const T1_POLY_LEN: usize = 320;

/// Reads little-endian bit fields of up to 24 bits from a byte string (the `BitUnpack`
/// order of FIPS 204 Algorithm 18/19: coefficient 0 in the lowest bits of byte 0). Past the end
/// of the input it reads zeros; callers pass slices of exactly the right length.
pub(crate) struct BitReader<'a> {
    bytes: core::slice::Iter<'a, u8>,
    acc: u32,
    have: u32,
}

impl<'a> BitReader<'a> {
    /// Starts reading at the first bit of `bytes`.
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self {
            bytes: bytes.iter(),
            acc: 0,
            have: 0,
        }
    }

    /// The next `bits`-bit field (`bits` ≤ 24).
    #[inline]
    pub(crate) fn take(&mut self, bits: u32) -> u32 {
        while self.have < bits {
            let b = self.bytes.next().copied().unwrap_or(0);
            self.acc |= u32::from(b) << self.have;
            self.have += 8;
        }
        let v = self.acc & ((1 << bits) - 1);
        self.acc >>= bits;
        self.have -= bits;
        v
    }
}

/// One t₁ polynomial of the public key (`SimpleBitUnpack(·, 2¹⁰−1)`, Algorithm 18), times 2ᵈ
/// (the `t₁·2ᵈ` of Algorithm 8 line 9), into `out`. `bytes` is its 320-byte encoding.
pub(crate) fn unpack_t1_shifted(bytes: &[u8], out: &mut Poly) {
    let mut r = BitReader::new(bytes);
    for x in out.iter_mut() {
        // < 2¹⁰ · 2¹³ = 2²³: fits.
        *x = field_i32(r.take(T1_BITS)) << D;
    }
}

/// One z polynomial of the signature (`BitUnpack(·, γ₁−1, γ₁)`, Algorithm 19: z = γ₁ − v for
/// the packed v), into `out`. `bytes` is its `32·(1 + log₂ γ₁)`-byte encoding.
pub(crate) fn unpack_z(params: &Params, bytes: &[u8], out: &mut Poly) {
    let bits = params.gamma1_bits + 1;
    let gamma1 = params.gamma1();
    let mut r = BitReader::new(bytes);
    for x in out.iter_mut() {
        *x = gamma1 - field_i32(r.take(bits));
    }
}

/// A bit field of at most 24 bits as `i32` (lossless).
#[inline]
fn field_i32(v: u32) -> i32 {
    i32::try_from(v & 0x00ff_ffff).unwrap_or(0)
}

/// `‖z‖∞ < γ₁ − β` over the whole packed z (all ℓ polynomials; Algorithm 8 line 13).
pub(crate) fn z_norm_ok(params: &Params, z_bytes: &[u8]) -> bool {
    let bits = params.gamma1_bits + 1;
    let gamma1 = params.gamma1();
    let bound = gamma1 - params.beta;
    let mut r = BitReader::new(z_bytes);
    let mut ok = true;
    for _ in 0..params.l * N {
        let z = gamma1 - field_i32(r.take(bits));
        // |z| ≤ 2^19, no overflow. Not constant-time: the signature is public.
        ok &= z.abs() < bound;
    }
    ok
}

/// The hint section `h` of a signature (ω index bytes, then k cumulative counts) as
/// `(indices, counts)`, or `None` if it has the wrong length.
fn split_hint<'a>(params: &Params, h: &'a [u8]) -> Option<(&'a [u8], &'a [u8])> {
    let (indices, counts) = h.split_at_checked(params.omega)?;
    (counts.len() == params.k).then_some((indices, counts))
}

/// The malformed-hint checks of `HintBitUnpack` (FIPS 204 Algorithm 21) on the hint section
/// `h` of a signature: the cumulative counts do not decrease and do not exceed ω (line 4), the
/// indices within a row strictly increase (line 7), and the unused index bytes after the last
/// count are zero (line 14). (This also bounds the number of hints by ω.) `true` when `h`
/// decodes.
pub(crate) fn hints_ok(params: &Params, h: &[u8]) -> bool {
    let Some((indices, counts)) = split_hint(params, h) else {
        return false;
    };
    let mut start = 0usize;
    for &count in counts {
        let end = usize::from(count);
        if end < start || end > params.omega {
            return false;
        }
        let Some(row) = indices.get(start..end) else {
            return false;
        };
        let mut prev: Option<u8> = None;
        for &j in row {
            if prev.is_some_and(|p| p >= j) {
                return false;
            }
            prev = Some(j);
        }
        start = end;
    }
    indices
        .get(start..)
        .is_some_and(|pad| pad.iter().all(|&b| b == 0))
}

/// The hint indices of row `i` (strictly increasing once [`hints_ok`] has passed). Empty for a
/// malformed section; callers check [`hints_ok`] first.
pub(crate) fn hint_row<'a>(params: &Params, h: &'a [u8], i: usize) -> &'a [u8] {
    let Some((indices, counts)) = split_hint(params, h) else {
        return &[];
    };
    let start = match i.checked_sub(1) {
        None => 0,
        Some(prev) => counts.get(prev).map_or(0, |&c| usize::from(c)),
    };
    let end = counts.get(i).map_or(0, |&c| usize::from(c));
    indices.get(start..end).unwrap_or(&[])
}

/// Packs little-endian bit fields into a byte buffer (`SimpleBitPack`, Algorithm 16, as
/// `w1Encode` uses it). Fields beyond the buffer are dropped; callers size it exactly.
pub(crate) struct BitWriter<'a> {
    out: core::slice::IterMut<'a, u8>,
    acc: u32,
    have: u32,
}

impl<'a> BitWriter<'a> {
    /// Starts writing at the first bit of `out`.
    pub(crate) fn new(out: &'a mut [u8]) -> Self {
        Self {
            out: out.iter_mut(),
            acc: 0,
            have: 0,
        }
    }

    /// Appends the low `bits` bits of `v` (`bits` ≤ 24).
    #[inline]
    pub(crate) fn put(&mut self, v: u32, bits: u32) {
        self.acc |= (v & ((1 << bits) - 1)) << self.have;
        self.have += bits;
        while self.have >= 8 {
            if let Some(b) = self.out.next() {
                // The low byte of the accumulator (truncation intended).
                *b = (self.acc & 0xff) as u8;
            }
            self.acc >>= 8;
            self.have -= 8;
        }
    }
}

/// Bytes of one packed t₀ polynomial in `skEncode`: `32·13`.
pub(crate) const T0_POLY_LEN: usize = 416;

/// Packs `b − aᵢ` for every coefficient in `bits` bits (`BitPack(a, ·, b)`, FIPS 204 Algorithm
/// 17, as `skEncode` uses it with b = η for s₁ and s₂ and b = 2ᵈ⁻¹ for t₀, and `sigEncode` with
/// b = γ₁ for z) into `out`, which is exactly `32·bits` bytes. Branch-free.
pub(crate) fn pack_offset(a: &Poly, b: i32, bits: u32, out: &mut [u8]) {
    let mut w = BitWriter::new(out);
    for &x in a {
        w.put((b - x).unsigned_abs(), bits);
    }
}

/// The inverse of [`pack_offset`] (`BitUnpack`, Algorithm 19): coefficients `b − v` for the
/// `bits`-bit fields v of `bytes`. Branch-free; like FIPS 204's `skDecode` it does not check
/// that a field is within range.
pub(crate) fn unpack_offset(bytes: &[u8], b: i32, bits: u32, out: &mut Poly) {
    let mut r = BitReader::new(bytes);
    for x in out.iter_mut() {
        *x = b - field_i32(r.take(bits));
    }
}

/// `SimpleBitPack(t₁, 2¹⁰ − 1)` (Algorithm 16, as `pkEncode` uses it) of coefficients in
/// [0, 2¹⁰) into `out` (exactly 320 bytes).
pub(crate) fn pack_t1(t1: &Poly, out: &mut [u8]) {
    let mut w = BitWriter::new(out);
    for &x in t1 {
        w.put(x.unsigned_abs(), T1_BITS);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
    use super::*;

    #[test]
    fn offset_round_trip() {
        let mut a = [0i32; N];
        for (i, x) in a.iter_mut().enumerate() {
            *x = (i as i32 % 9) - 4;
        }
        let mut buf = [0u8; 128];
        pack_offset(&a, 4, 4, &mut buf);
        let mut back = [0i32; N];
        unpack_offset(&buf, 4, 4, &mut back);
        assert_eq!(a, back);
    }

    #[test]
    fn bit_round_trip() {
        for bits in [4u32, 6, 10, 18, 20] {
            let mut buf = [0u8; 32 * 20];
            let len = 32 * bits as usize;
            let mut vals = [0u32; 256];
            for (i, v) in (0u32..).zip(vals.iter_mut()) {
                *v = i.wrapping_mul(2_654_435_761) & ((1 << bits) - 1);
            }
            let mut w = BitWriter::new(&mut buf[..len]);
            for &v in &vals {
                w.put(v, bits);
            }
            let mut r = BitReader::new(&buf[..len]);
            for &v in &vals {
                assert_eq!(r.take(bits), v, "bits {bits}");
            }
        }
    }
}
