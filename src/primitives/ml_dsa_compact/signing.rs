//! A compact ML-DSA signer: key generation (FIPS 204 Algorithm 6, `ML-DSA.KeyGen_internal`)
//! and signing (Algorithm 7, `ML-DSA.Sign_internal`, under Algorithm 2's pure domain) from the
//! 32-byte seed ξ, in about 20 KiB of stack for every parameter set instead of the 100–150 KiB
//! of the backends (a device that signs its own identity certificates).
//!
//! The matrix Â is never stored: as in the verifier, each entry `RejNTTPoly(ρ ‖ j ‖ i)` is
//! multiplied into its row as SHAKE128 produces it. Key generation holds ŝ₁ (ℓ polynomials)
//! and computes t row by row; each row's t₁ is packed and absorbed into the SHAKE256 state of
//! `tr = H(pk)` at once, so the public key need not exist in memory either.
//!
//! Signing from the seed first writes the expanded key (`skEncode`, at most 4 896 bytes) to
//! the stack, then runs Algorithm 7 on it; s₁, s₂ and t₀ are unpacked one polynomial at a time
//! where they are used. Each attempt keeps ŷ (ℓ polynomials) and w (k polynomials), samples Â
//! once (for w), writes z straight into the caller's signature buffer, and keeps the hint
//! bits as a 256-bit mask per row until the attempt is accepted; only then are they encoded.
//!
//! Secret data: everything on s₁, s₂, t₀, y, w and their products is branch-free (the
//! arithmetic in `arith`, norm checks folded into one flag), and the only branches on secret
//! data are the rejection decisions FIPS 204 makes public by design (an attempt is rejected or
//! not; Algorithm 7's loop) and the rejection sampling of ExpandS (`RejBoundedPoly`) and
//! SampleInBall. Every secret intermediate is wiped before returning.
//!
//! Attempts are bounded ([`MAX_ATTEMPTS`], FIPS 204 Appendix C: at least 814): a key whose
//! every attempt is rejected (only a malformed expanded key can be) gives
//! [`Error::SigningFailed`] instead of looping.

use zeroize::{Zeroize as _, Zeroizing};

use super::arith::{
    D, N, Poly, caddq, decompose, differs, exceeds, inv_ntt_tomont, mont_mul, ntt, power2round,
    reduce32,
};
use super::encode::{BitWriter, T0_POLY_LEN, T1_POLY_LEN, pack_offset, pack_t1, unpack_offset};
use super::params::Params;
use super::sample::{expand_mask, rej_bounded_poly, rej_ntt_poly_mul_acc, sample_in_ball};
use super::xof::{Shake256Xof, Xof};
use super::{MAX_W1_POLY_LEN, MU_LEN, RHO_LEN};
use crate::error::{Error, Field, Result, check_ctx, check_len};

/// Length of the seed ξ, the canonical private key.
pub const SEED_LEN: usize = 32;
/// The longest expanded private key (`skEncode`, ML-DSA-87).
pub const MAX_SK_LEN: usize = 4896;
/// Signing attempts before [`Error::SigningFailed`] (FIPS 204 Appendix C recommends no fewer
/// than 814; a well-formed key needs more than 20 with probability below 2⁻⁶⁴ for every set).
pub const MAX_ATTEMPTS: u32 = 1000;

/// The most rows k (ML-DSA-87).
const MAX_K: usize = 8;
/// The most columns ℓ (ML-DSA-87).
const MAX_L: usize = 7;
/// Length of K in the expanded key.
const KEY_LEN: usize = 32;

/// Public key from the seed ξ (FIPS 204 Algorithm 6, `pkEncode(ρ, t₁)`), written to `pk`
/// (exactly `params.pk_len` bytes).
///
/// # Errors
/// [`Error::InvalidLength`] for a `pk` of the wrong length (nothing written).
pub fn public_key(params: &'static Params, seed: &[u8; SEED_LEN], pk: &mut [u8]) -> Result<()> {
    check_len(Field::PublicKey, params.pk_len, pk.len())?;
    keygen_internal(params, seed, None, Some(pk));
    Ok(())
}

/// The expanded private key (`skEncode(ρ, K, tr, s₁, s₂, t₀)`, FIPS 204 Algorithms 6 and 24)
/// of the seed ξ, written to `sk` (exactly `params.sk_len` bytes), and the public key to `pk`
/// (exactly `params.pk_len` bytes). For tests against published vectors and for exporting a
/// key to software that takes only the expanded form; the seed stays the canonical key.
///
/// # Errors
/// [`Error::InvalidLength`] for a buffer of the wrong length (nothing written).
pub fn expand_key(
    params: &'static Params,
    seed: &[u8; SEED_LEN],
    sk: &mut [u8],
    pk: &mut [u8],
) -> Result<()> {
    check_len(Field::ExpandedKey, params.sk_len, sk.len())?;
    check_len(Field::PublicKey, params.pk_len, pk.len())?;
    keygen_internal(params, seed, Some(sk), Some(pk));
    Ok(())
}

/// Pure ML-DSA signing (FIPS 204 Algorithm 2, `ML-DSA.Sign`) from the seed ξ with the
/// randomness `rnd` (fresh random bytes for the hedged variant, 32 zero bytes for the
/// deterministic one): `μ = H(tr ‖ 0 ‖ |ctx| ‖ ctx ‖ msg, 64)`, then [`sign_mu`]'s
/// Algorithm 7. Writes the signature to `sig` (exactly `params.sig_len` bytes).
///
/// # Errors
/// [`Error::ContextTooLong`] for a context over 255 bytes, [`Error::InvalidLength`] for a
/// `sig` of the wrong length (nothing written for either); [`Error::SigningFailed`] after
/// [`MAX_ATTEMPTS`] rejected attempts (not reachable from a seed in practice).
pub fn sign(
    params: &'static Params,
    seed: &[u8; SEED_LEN],
    msg: &[u8],
    ctx: &[u8],
    rnd: &[u8; 32],
    sig: &mut [u8],
) -> Result<()> {
    check_ctx(ctx)?;
    check_len(Field::Signature, params.sig_len, sig.len())?;
    let ctx_len = u8::try_from(ctx.len()).map_err(|_| Error::ContextTooLong {
        max: crate::MAX_CONTEXT_LEN,
        actual: ctx.len(),
    })?;
    let mut sk = Zeroizing::new([0u8; MAX_SK_LEN]);
    let sk = sk.get_mut(..params.sk_len).ok_or(Error::SigningFailed)?;
    let tr = keygen_internal(params, seed, Some(sk), None);
    let mu = super::pure_mu(&tr, ctx_len, ctx, msg);
    sign_internal(params, sk, &mu, rnd, sig)
}

/// ML-DSA signing over the message representative μ (FIPS 204 Algorithm 7 from line 7, with
/// `μ = H(tr ‖ M', 64)` computed by the caller, e.g. with a streaming hasher) from the seed ξ.
///
/// # Errors
/// As [`sign`], without the context check.
pub fn sign_mu(
    params: &'static Params,
    seed: &[u8; SEED_LEN],
    mu: &[u8; MU_LEN],
    rnd: &[u8; 32],
    sig: &mut [u8],
) -> Result<()> {
    check_len(Field::Signature, params.sig_len, sig.len())?;
    let mut sk = Zeroizing::new([0u8; MAX_SK_LEN]);
    let sk = sk.get_mut(..params.sk_len).ok_or(Error::SigningFailed)?;
    keygen_internal(params, seed, Some(sk), None);
    sign_internal(params, sk, mu, rnd, sig)
}

/// `ML-DSA.Sign_internal` (FIPS 204 Algorithm 7) on an expanded private key `sk` (exactly
/// `params.sk_len` bytes, `skEncode` as [`expand_key`] writes it), for known-answer tests with
/// published expanded keys. Like FIPS 204's `skDecode` it does not check the key's fields:
/// a malformed key gives a signature that does not verify, or [`Error::SigningFailed`].
///
/// # Errors
/// [`Error::InvalidLength`] for `sk` or `sig` of the wrong length (nothing written);
/// [`Error::SigningFailed`] after [`MAX_ATTEMPTS`] rejected attempts.
#[cfg(feature = "hazmat")]
pub fn sign_mu_expanded_hazmat(
    params: &'static Params,
    sk: &[u8],
    mu: &[u8; MU_LEN],
    rnd: &[u8; 32],
    sig: &mut [u8],
) -> Result<()> {
    check_len(Field::ExpandedKey, params.sk_len, sk.len())?;
    check_len(Field::Signature, params.sig_len, sig.len())?;
    sign_internal(params, sk, mu, rnd, sig)
}

/// Algorithm 6 lines 1–8 on ξ: fills `sk` (if given) with `skEncode` and `pk` (if given) with
/// `pkEncode`, and returns `tr = H(pk, 64)`. Buffer lengths are the caller's to check.
#[inline(never)]
fn keygen_internal(
    params: &Params,
    xi: &[u8; SEED_LEN],
    mut sk: Option<&mut [u8]>,
    mut pk: Option<&mut [u8]>,
) -> [u8; MU_LEN] {
    // (ρ, ρ', K) ← H(ξ ‖ k ‖ ℓ, 128) (line 1); k, ℓ ≤ 8.
    let mut seeds = Zeroizing::new([0u8; 128]);
    let mut h = Shake256Xof::new();
    h.absorb(xi);
    h.absorb_final(&[small_u8(params.k), small_u8(params.l)]);
    h.squeeze(seeds.as_mut());
    let (rho, rest) = seeds.split_at(RHO_LEN);
    let (rho_prime, key) = rest.split_at(64);

    let eta_len = params.eta_poly_len();
    let s1_at = RHO_LEN + KEY_LEN + MU_LEN;
    let s2_at = s1_at + params.l * eta_len;
    let t0_at = s2_at + params.k * eta_len;
    if let Some(sk) = sk.as_deref_mut() {
        put(sk, 0, rho);
        put(sk, RHO_LEN, key);
    }
    if let Some(pk) = pk.as_deref_mut() {
        put(pk, 0, rho);
    }
    let mut tr_hash = Shake256Xof::new();
    tr_hash.absorb(rho);

    // ŝ₁ = NTT(s₁) (lines 3 and 5), s₁ packed into sk on the way.
    let mut s1_hat: [Poly; MAX_L] = [[0; N]; MAX_L];
    for (j, s1_j) in s1_hat.iter_mut().enumerate().take(params.l) {
        rej_bounded_poly(rho_prime, small_u16(j), params.eta, s1_j);
        if let Some(sk) = sk.as_deref_mut() {
            let at = s1_at + j * eta_len;
            if let Some(out) = sk.get_mut(at..at + eta_len) {
                pack_offset(s1_j, params.eta, params.eta_bits, out);
            }
        }
        ntt(s1_j);
    }

    // Row by row: t[i] = NTT⁻¹(Σⱼ Â[i][j]∘ŝ₁[j]) + s₂[i] (line 5), Power2Round (line 6).
    let mut acc: Poly = [0; N];
    let mut s2: Poly = [0; N];
    let mut t1: Poly = [0; N];
    let mut t1_row = [0u8; T1_POLY_LEN];
    for i in 0..params.k {
        acc.fill(0);
        for (j, s1_j) in s1_hat.iter().enumerate().take(params.l) {
            rej_ntt_poly_mul_acc(rho, small_u8(j), small_u8(i), s1_j, &mut acc);
        }
        for a in &mut acc {
            *a = reduce32(*a);
        }
        inv_ntt_tomont(&mut acc);
        rej_bounded_poly(rho_prime, small_u16(params.l + i), params.eta, &mut s2);
        if let Some(sk) = sk.as_deref_mut() {
            let at = s2_at + i * eta_len;
            if let Some(out) = sk.get_mut(at..at + eta_len) {
                pack_offset(&s2, params.eta, params.eta_bits, out);
            }
        }
        // acc becomes t₀[i]; t1 gets t₁[i].
        for ((a, &s), t1) in acc.iter_mut().zip(s2.iter()).zip(t1.iter_mut()) {
            let (hi, lo) = power2round(caddq(reduce32(*a + s)));
            *t1 = hi;
            *a = lo;
        }
        pack_t1(&t1, &mut t1_row);
        tr_hash.absorb(&t1_row);
        if let Some(pk) = pk.as_deref_mut() {
            put(pk, RHO_LEN + i * T1_POLY_LEN, &t1_row);
        }
        if let Some(sk) = sk.as_deref_mut() {
            let at = t0_at + i * T0_POLY_LEN;
            if let Some(out) = sk.get_mut(at..at + T0_POLY_LEN) {
                pack_offset(&acc, 1 << (D - 1), D, out);
            }
        }
    }
    // tr = H(pkEncode(ρ, t₁), 64) (line 9).
    tr_hash.absorb_final(&[]);
    let mut tr = [0u8; MU_LEN];
    tr_hash.squeeze(&mut tr);
    if let Some(sk) = sk {
        put(sk, RHO_LEN + KEY_LEN, &tr);
    }
    s1_hat.zeroize();
    acc.zeroize();
    s2.zeroize();
    tr
}

/// Algorithm 7 from line 7 on the expanded key `sk` (lengths checked by the caller).
fn sign_internal(
    params: &Params,
    sk: &[u8],
    mu: &[u8; MU_LEN],
    rnd: &[u8; 32],
    sig: &mut [u8],
) -> Result<()> {
    sign_bounded(params, sk, mu, rnd, sig, MAX_ATTEMPTS)
}

/// [`sign_internal`] with at most `max_attempts` attempts; on running out, `sig` is zeroed.
/// The working polynomials are sized for the parameter set (k, ℓ), so ML-DSA-44 and -65 do
/// not pay for ML-DSA-87's 15 polynomials.
fn sign_bounded(
    params: &Params,
    sk: &[u8],
    mu: &[u8; MU_LEN],
    rnd: &[u8; 32],
    sig: &mut [u8],
    max_attempts: u32,
) -> Result<()> {
    match (params.k, params.l) {
        (4, 4) => sign_sized::<4, 4>(params, sk, mu, rnd, sig, max_attempts),
        (6, 5) => sign_sized::<6, 5>(params, sk, mu, rnd, sig, max_attempts),
        _ => sign_sized::<MAX_K, MAX_L>(params, sk, mu, rnd, sig, max_attempts),
    }
}

/// [`sign_bounded`] for k ≤ `K` and ℓ ≤ `L`.
#[inline(never)]
fn sign_sized<const K: usize, const L: usize>(
    params: &Params,
    sk: &[u8],
    mu: &[u8; MU_LEN],
    rnd: &[u8; 32],
    sig: &mut [u8],
    max_attempts: u32,
) -> Result<()> {
    let eta_len = params.eta_poly_len();
    let s1_at = RHO_LEN + KEY_LEN + MU_LEN;
    let s2_at = s1_at + params.l * eta_len;
    let t0_at = s2_at + params.k * eta_len;
    let rho = sk.get(..RHO_LEN).ok_or(Error::SigningFailed)?;
    let key = sk
        .get(RHO_LEN..RHO_LEN + KEY_LEN)
        .ok_or(Error::SigningFailed)?;
    let s1_bytes = sk.get(s1_at..s2_at).ok_or(Error::SigningFailed)?;
    let s2_bytes = sk.get(s2_at..t0_at).ok_or(Error::SigningFailed)?;
    let t0_bytes = sk.get(t0_at..).ok_or(Error::SigningFailed)?;

    // ρ'' = H(K ‖ rnd ‖ μ, 64) (line 7).
    let mut rho2 = Zeroizing::new([0u8; 64]);
    let mut h = Shake256Xof::new();
    h.absorb(key);
    h.absorb(rnd);
    h.absorb_final(mu);
    h.squeeze(rho2.as_mut());

    let (c_tilde, rest) = sig
        .split_at_mut_checked(params.c_tilde_len)
        .ok_or(Error::SigningFailed)?;
    let (z_out, h_out) = rest
        .split_at_mut_checked(params.l * params.z_poly_len())
        .ok_or(Error::SigningFailed)?;

    // Built in place and wiped through a guard: `Zeroizing::new(Work { … })` would move the
    // 18 KiB value, and LLVM keeps both copies in the frame (measured: 38 KiB on a Cortex-M4).
    let mut work = Work::<K, L> {
        y_hat: [[0; N]; L],
        w: [[0; N]; K],
        c_hat: [0; N],
        a: [0; N],
        b: [0; N],
        hints: [[0; 8]; K],
    };
    let mut work = WipeOnDrop(&mut work);
    let mut kappa: u16 = 0;
    for _ in 0..max_attempts {
        let accepted = attempt(
            params,
            &mut work,
            rho,
            &rho2,
            kappa,
            mu,
            (s1_bytes, s2_bytes, t0_bytes),
            c_tilde,
            z_out,
        );
        // The rejection decision is public by design (Algorithm 7's loop).
        if accepted {
            encode_hints(params, &work.hints, h_out);
            return Ok(());
        }
        kappa = kappa.wrapping_add(small_u16(params.l));
    }
    sig.fill(0);
    Err(Error::SigningFailed)
}

/// The polynomials of one signing attempt, for k ≤ `K` and ℓ ≤ `L`.
struct Work<const K: usize, const L: usize> {
    /// ŷ = NTT(y), ℓ polynomials.
    y_hat: [Poly; L],
    /// w = NTT⁻¹(Â∘ŷ) in [0, q), k polynomials.
    w: [Poly; K],
    /// ĉ = NTT(c).
    c_hat: Poly,
    /// Scratch.
    a: Poly,
    /// Scratch.
    b: Poly,
    /// The hint bits of each row, a 256-bit mask.
    hints: [[u32; 8]; K],
}

/// Wipes the borrowed [`Work`] when dropped (on every return path).
struct WipeOnDrop<'a, const K: usize, const L: usize>(&'a mut Work<K, L>);

impl<const K: usize, const L: usize> Drop for WipeOnDrop<'_, K, L> {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl<const K: usize, const L: usize> core::ops::Deref for WipeOnDrop<'_, K, L> {
    type Target = Work<K, L>;
    fn deref(&self) -> &Work<K, L> {
        self.0
    }
}

impl<const K: usize, const L: usize> core::ops::DerefMut for WipeOnDrop<'_, K, L> {
    fn deref_mut(&mut self) -> &mut Work<K, L> {
        self.0
    }
}

impl<const K: usize, const L: usize> zeroize::Zeroize for Work<K, L> {
    fn zeroize(&mut self) {
        self.y_hat.zeroize();
        self.w.zeroize();
        self.c_hat.zeroize();
        self.a.zeroize();
        self.b.zeroize();
        self.hints.zeroize();
    }
}

/// `NTT⁻¹(ĉ ∘ NTT(s))` of the packed polynomial `bytes` (`b − v` in `bits`-bit fields) into
/// `out`, with coefficients reduced to [−6283008, 6283008] (the small product's own value:
/// ‖c·s‖∞ ≤ τ·2¹² is far inside that range).
fn c_times(c_hat: &Poly, bytes: &[u8], b: i32, bits: u32, out: &mut Poly) {
    unpack_offset(bytes, b, bits, out);
    ntt(out);
    for (x, &c) in out.iter_mut().zip(c_hat.iter()) {
        *x = mont_mul(c, *x);
    }
    inv_ntt_tomont(out);
    for x in out.iter_mut() {
        *x = reduce32(*x);
    }
}

/// One pass of Algorithm 7's loop (lines 11–31) with counter κ: writes c̃ and z into the
/// signature and the hint masks into `work`, and says whether the attempt stands.
#[allow(clippy::too_many_arguments)]
#[inline(never)]
fn attempt<const K: usize, const L: usize>(
    params: &Params,
    work: &mut Work<K, L>,
    rho: &[u8],
    rho2: &[u8; 64],
    kappa: u16,
    mu: &[u8; MU_LEN],
    (s1_bytes, s2_bytes, t0_bytes): (&[u8], &[u8], &[u8]),
    c_tilde: &mut [u8],
    z_out: &mut [u8],
) -> bool {
    let eta_len = params.eta_poly_len();
    // y = ExpandMask(ρ'', κ), ŷ = NTT(y) (lines 11 and 12).
    for (j, y_j) in work.y_hat.iter_mut().enumerate().take(params.l) {
        expand_mask(params, rho2, kappa.wrapping_add(small_u16(j)), y_j);
        ntt(y_j);
    }
    // w = NTT⁻¹(Â∘ŷ) row by row (line 12), w₁ = HighBits(w) (line 13) absorbed into
    // c̃ = H(μ ‖ w1Encode(w₁), λ/4) (line 15).
    let mut h = Shake256Xof::new();
    h.absorb(mu);
    let mut w1_row = [0u8; MAX_W1_POLY_LEN];
    let w1_row = w1_row.get_mut(..params.w1_poly_len()).unwrap_or_default();
    for (i, w_i) in work.w.iter_mut().enumerate().take(params.k) {
        w_i.fill(0);
        for (j, y_j) in work.y_hat.iter().enumerate().take(params.l) {
            rej_ntt_poly_mul_acc(rho, small_u8(j), small_u8(i), y_j, w_i);
        }
        for x in w_i.iter_mut() {
            *x = reduce32(*x);
        }
        inv_ntt_tomont(w_i);
        let mut out = BitWriter::new(w1_row);
        for x in w_i.iter_mut() {
            *x = caddq(reduce32(*x));
            out.put(
                decompose(params.gamma2, *x).0.unsigned_abs(),
                params.w1_bits,
            );
        }
        h.absorb(w1_row);
    }
    h.absorb_final(&[]);
    h.squeeze(c_tilde);
    w1_row.zeroize();

    // ĉ = NTT(SampleInBall(c̃)) (lines 16 and 17).
    sample_in_ball(c_tilde, params.tau, &mut work.c_hat);
    ntt(&mut work.c_hat);

    // z = y + c·s₁ (lines 18 and 20), packed into the signature; ‖z‖∞ ≥ γ₁ − β rejects
    // (line 23).
    let gamma1 = params.gamma1();
    let mut reject = 0u32;
    // Sliced by index, not `chunks_exact_mut`: that divides the length by the runtime chunk
    // size (a `udiv` in the signing path; `cargo xtask ct --thumb`).
    let z_len = params.z_poly_len();
    for j in 0..params.l {
        let Some(z_bytes) = z_out.get_mut(j * z_len..(j + 1) * z_len) else {
            break;
        };
        let s1_j = s1_bytes.get(j * eta_len..(j + 1) * eta_len).unwrap_or(&[]);
        c_times(&work.c_hat, s1_j, params.eta, params.eta_bits, &mut work.a);
        expand_mask(params, rho2, kappa.wrapping_add(small_u16(j)), &mut work.b);
        for (z, &y) in work.a.iter_mut().zip(work.b.iter()) {
            *z = reduce32(*z + y);
            reject |= exceeds(*z, gamma1 - params.beta);
        }
        pack_offset(&work.a, gamma1, params.gamma1_bits + 1, z_bytes);
    }
    if reject != 0 {
        return false;
    }

    // Row by row: r = w − c·s₂ (line 19), ‖LowBits(r)‖∞ ≥ γ₂ − β rejects (lines 21 and 23);
    // c·t₀ (line 25), ‖c·t₀‖∞ ≥ γ₂ rejects (line 28); h = MakeHint(−c·t₀, r + c·t₀)
    // (line 26), more than ω ones reject (line 28).
    let gamma2 = params.gamma2;
    let mut ones = 0u32;
    for (i, (w_i, mask)) in work
        .w
        .iter()
        .zip(work.hints.iter_mut())
        .enumerate()
        .take(params.k)
    {
        let s2_i = s2_bytes.get(i * eta_len..(i + 1) * eta_len).unwrap_or(&[]);
        c_times(&work.c_hat, s2_i, params.eta, params.eta_bits, &mut work.a);
        let t0_i = t0_bytes
            .get(i * T0_POLY_LEN..(i + 1) * T0_POLY_LEN)
            .unwrap_or(&[]);
        c_times(&work.c_hat, t0_i, 1 << (D - 1), D, &mut work.b);
        mask.fill(0);
        for (m, ((&w, &cs2), &ct0)) in w_i.iter().zip(work.a.iter()).zip(work.b.iter()).enumerate()
        {
            let r = caddq(reduce32(w - cs2));
            let (r1, r0) = decompose(gamma2, r);
            reject |= exceeds(r0, gamma2 - params.beta);
            reject |= exceeds(ct0, gamma2);
            let v1 = decompose(gamma2, caddq(reduce32(r + ct0))).0;
            let hint = differs(r1, v1);
            ones += hint;
            if let Some(word) = mask.get_mut(m / 32) {
                *word |= hint << (m % 32);
            }
        }
    }
    work.a.zeroize();
    work.b.zeroize();
    reject == 0 && ones as usize <= params.omega
}

/// `HintBitPack` (FIPS 204 Algorithm 20) of an accepted attempt's hint masks (public now:
/// they are part of the signature) into `out` (ω + k bytes).
fn encode_hints(params: &Params, hints: &[[u32; 8]], out: &mut [u8]) {
    out.fill(0);
    let (indices, counts) = out.split_at_mut(params.omega.min(out.len()));
    let mut index = 0usize;
    for (mask, count) in hints.iter().zip(counts.iter_mut()).take(params.k) {
        for m in 0..N {
            let bit = mask.get(m / 32).map_or(0, |w| (w >> (m % 32)) & 1);
            if bit != 0 {
                if let Some(slot) = indices.get_mut(index) {
                    *slot = small_u8(m);
                }
                index += 1;
            }
        }
        *count = small_u8(index);
    }
}

/// Copies `src` into `dst` at `at` (callers size `dst`; out of range writes nothing).
fn put(dst: &mut [u8], at: usize, src: &[u8]) {
    if let Some(d) = dst.get_mut(at..at + src.len()) {
        d.copy_from_slice(src);
    }
}

/// An index below 256 as a byte (all callers pass k, ℓ, i, j < 9 or m < 256).
fn small_u8(x: usize) -> u8 {
    u8::try_from(x).unwrap_or(u8::MAX)
}

/// An index below 2¹⁶ as `u16`.
fn small_u16(x: usize) -> u16 {
    u16::try_from(x).unwrap_or(u16::MAX)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
    use super::*;
    use crate::primitives::ml_dsa_compact::ML_DSA_65;

    /// Running out of attempts gives `SigningFailed` and a zeroed signature; the same key and
    /// message with the full budget sign. (ML-DSA-65 rejects about three attempts in four, so
    /// a first attempt that fails is found among the first few messages.)
    #[test]
    fn out_of_attempts_fails_cleanly() {
        let params = &ML_DSA_65;
        let mut sk = [0u8; MAX_SK_LEN];
        let sk = &mut sk[..params.sk_len];
        keygen_internal(params, &[5; 32], Some(&mut *sk), None);
        let mut sig = [0xa5u8; 3309];
        let mu = (0u8..=255)
            .map(|m| [m; MU_LEN])
            .find(|mu| {
                sig.fill(0xa5);
                sign_bounded(params, sk, mu, &[0; 32], &mut sig, 1) == Err(Error::SigningFailed)
            })
            .unwrap();
        assert!(sig.iter().all(|&b| b == 0));
        sign_bounded(params, sk, &mu, &[0; 32], &mut sig, MAX_ATTEMPTS).unwrap();
        let mut pk = [0u8; 1952];
        keygen_internal(params, &[5; 32], None, Some(&mut pk));
        super::super::verify_mu(params, &pk, &mu, &sig).unwrap();
    }
}
