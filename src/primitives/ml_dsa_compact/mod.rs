//! A compact ML-DSA verifier (FIPS 204 Algorithm 8, `ML-DSA.Verify_internal`), and signer, for
//! memory constrained devices. The verifier needs about 3 KiB of polynomials plus two Keccak
//! states on the stack, the same for all three parameter sets, instead of the expanded matrix
//! Â (up to 56 KiB).
//!
//! The computation is ordered row by row, after Bos, Renes and Sprenkels, "Dilithium for
//! memory constrained devices" (AFRICACRYPT 2022). For each row i of Â:
//!
//! 1. `acc ← Σⱼ Â[i][j] ∘ NTT(zⱼ)`: each zⱼ is unpacked from the signature bytes and
//!    transformed again for every row (k·ℓ forward NTTs instead of ℓ), and each entry of
//!    `Â[i][j] = RejNTTPoly(ρ ‖ j ‖ i)` is multiplied into `acc` coefficient by coefficient as
//!    SHAKE128 produces it, so no entry of Â is ever stored;
//! 2. `acc ← acc − ĉ ∘ NTT(t₁[i]·2ᵈ)` with `ĉ = NTT(SampleInBall(c̃))` computed once;
//! 3. `w'_approx[i] = NTT⁻¹(acc)`, `w'₁[i] = UseHint(h[i], w'_approx[i])` with row i's hints
//!    read straight from the signature's hint section;
//! 4. `w1Encode(w'₁[i])` is absorbed into the SHAKE256 state that started with μ.
//!
//! Finally `c̃' = H(μ ‖ w1Encode(w'₁), λ/4)` is compared with c̃. Live at once: ĉ, `acc`, one
//! scratch polynomial (zⱼ, then `t₁[i]`), a 192-byte w₁ row, a SHAKE128 block, and the Keccak
//! states. Measured stack frames (`-Z emit-stack-sizes`, `thumbv7em-none-eabihf`, release,
//! rustc 1.95): the row loop 4344 bytes, [`verify_mu`] 200, [`verify`] 696, Keccak-p 260 — about
//! 5.5 KiB at the deepest point, the same for ML-DSA-44, -65 and -87 (with
//! `compact-verify-fast`, whose Keccak states are larger, about 7.2 KiB; see the `xof` module for
//! the two Keccak crates). The price is time: k·ℓ forward NTTs instead of ℓ (keeping ℓ NTT(zⱼ)
//! would save about 0.6 M instructions on a Cortex-M4 for ℓ·768 bytes of stack, which the
//! firmware verifier's 16 KiB budget does not have), and Â is sampled anew for every signature (on an x86-64 host this
//! is 1.3–1.9× the RustCrypto verifier with a pre-decoded key, and faster than decoding the key
//! and verifying).
//!
//! Errors, in the order they are checked (the same as
//! [`crate::primitives::ml_dsa::VerifyingKey`]): public-key length, context length (pure
//! [`verify`] only), signature length, then the signature's encoding — a hint section that
//! `HintBitUnpack` (Algorithm 21) rejects or `‖z‖∞ ≥ γ₁ − β`, checked over the whole signature
//! before any NTT or sampling — and last the comparison of c̃.
//!
//! Runtime parameters (`&'static Params`) instead of generics: one copy of the code serves all
//! three sets. The verifier is not constant-time: it handles public data only.
//!
//! # The signer
//!
//! [`public_key`], [`expand_key`], [`sign`] and [`sign_mu`] are the matching low-memory signer
//! (FIPS 204 Algorithms 6 and 7 from the 32-byte seed ξ, byte-identical to the backends): the
//! same row-by-row matrix, about 20 KiB of stack for ML-DSA-87 and less for the others, and
//! branch-free on secret data except for FIPS 204's own rejection decisions. See the
//! `signing` module source for the memory layout and the constant-time argument.
//!
//! ```
//! use pqhybrid::primitives::ml_dsa::MlDsa65SigningKey;
//! use pqhybrid::primitives::ml_dsa_compact::{ML_DSA_65, verify};
//! # fn main() -> pqhybrid::Result<()> {
//! let sk = MlDsa65SigningKey::from_seed(&[7u8; 32]);
//! let pk = sk.verifying_key().to_bytes();
//! let sig = sk.sign_deterministic(b"firmware", b"ctx")?;
//! verify(&ML_DSA_65, pk.as_ref(), b"firmware", b"ctx", sig.as_ref())?;
//! assert!(verify(&ML_DSA_65, pk.as_ref(), b"firmwarE", b"ctx", sig.as_ref()).is_err());
//! # Ok(()) }
//! ```

mod arith;
mod encode;
mod params;
mod sample;
mod signing;
pub(crate) mod xof;

use xof::{Shake256Xof, Xof};

use crate::error::{Error, Field, Result, check_ctx, check_len};

use arith::{N, Poly, caddq, inv_ntt_tomont, mont_mul, ntt, reduce32, use_hint};
use encode::{BitWriter, T1_POLY_LEN, hint_row, hints_ok, unpack_t1_shifted, unpack_z, z_norm_ok};
pub use params::{ML_DSA_44, ML_DSA_65, ML_DSA_87, Params};
use sample::{rej_ntt_poly_mul_acc, sample_in_ball};
#[cfg(feature = "hazmat")]
pub use signing::sign_mu_expanded_hazmat;
pub use signing::{MAX_ATTEMPTS, MAX_SK_LEN, SEED_LEN, expand_key, public_key, sign, sign_mu};

/// Length of the public seed ρ at the start of a public key.
const RHO_LEN: usize = 32;
/// Length of μ and of `tr`.
const MU_LEN: usize = 64;
/// The longest c̃ (λ/4 for ML-DSA-87).
const MAX_C_TILDE_LEN: usize = 64;
/// The longest `w1Encode` row (32·6 bytes, ML-DSA-44).
const MAX_W1_POLY_LEN: usize = 192;

/// `tr = SHAKE256(pk, 64)` (FIPS 204 Algorithm 6 line 6 and Algorithm 8 line 6), the public-key
/// hash that starts μ.
#[must_use]
pub fn public_key_hash(pk: &[u8]) -> [u8; MU_LEN] {
    let mut h = Shake256Xof::new();
    h.absorb_final(pk);
    let mut tr = [0u8; MU_LEN];
    h.squeeze(&mut tr);
    tr
}

/// Pure ML-DSA verification (FIPS 204 Algorithm 3, `ML-DSA.Verify`):
/// `μ = SHAKE256(tr ‖ 0 ‖ |ctx| ‖ ctx ‖ msg, 64)` with `tr = SHAKE256(pk, 64)`, then
/// [`verify_mu`].
///
/// # Errors
/// In this order: [`Error::InvalidLength`] for a public key of the wrong length,
/// [`Error::ContextTooLong`] for a context over 255 bytes, [`Error::InvalidLength`] for a
/// signature of the wrong length, [`Error::MalformedEncoding`] for a signature that does not
/// decode, [`Error::VerificationFailed`] for one that does not verify.
pub fn verify(
    params: &'static Params,
    pk: &[u8],
    msg: &[u8],
    ctx: &[u8],
    sig: &[u8],
) -> Result<()> {
    check_len(Field::PublicKey, params.pk_len, pk.len())?;
    check_ctx(ctx)?;
    check_len(Field::Signature, params.sig_len, sig.len())?;
    let ctx_len = u8::try_from(ctx.len()).map_err(|_| Error::ContextTooLong {
        max: crate::MAX_CONTEXT_LEN,
        actual: ctx.len(),
    })?;
    let mu = message_representative(pk, ctx_len, ctx, msg);
    verify_mu(params, pk, &mu, sig)
}

/// `μ = SHAKE256(tr ‖ 0 ‖ |ctx| ‖ ctx ‖ msg, 64)` (FIPS 204 Algorithm 3 line 5 and Algorithm 8
/// line 7, pure domain). Its own frame: the SHAKE states are gone before [`verify_mu`] runs.
#[inline(never)]
fn message_representative(pk: &[u8], ctx_len: u8, ctx: &[u8], msg: &[u8]) -> [u8; MU_LEN] {
    pure_mu(&public_key_hash(pk), ctx_len, ctx, msg)
}

/// `μ = SHAKE256(tr ‖ 0 ‖ |ctx| ‖ ctx ‖ msg, 64)` from `tr` (pure ML-DSA's domain, FIPS 204
/// Algorithms 2 and 3): the verifier's and the signer's.
fn pure_mu(tr: &[u8; MU_LEN], ctx_len: u8, ctx: &[u8], msg: &[u8]) -> [u8; MU_LEN] {
    let mut h = Shake256Xof::new();
    h.absorb(tr);
    h.absorb(&[0, ctx_len]);
    h.absorb(ctx);
    h.absorb_final(msg);
    let mut mu = [0u8; MU_LEN];
    h.squeeze(&mut mu);
    mu
}

/// Verification over the message representative μ (FIPS 204 Algorithm 8 from line 7, i.e.
/// `ML-DSA.Verify_internal` with μ computed by the caller: `μ = SHAKE256(tr ‖ M', 64)`).
///
/// # Errors
/// In this order: [`Error::InvalidLength`] for a public key, then a signature, of the wrong
/// length; [`Error::MalformedEncoding`] (field [`Field::Signature`]) if the hint section is not
/// a valid `HintBitUnpack` encoding (Algorithm 21) or `‖z‖∞ ≥ γ₁ − β`;
/// [`Error::VerificationFailed`] if `c̃ ≠ c̃'`.
pub fn verify_mu(params: &'static Params, pk: &[u8], mu: &[u8; MU_LEN], sig: &[u8]) -> Result<()> {
    check_len(Field::PublicKey, params.pk_len, pk.len())?;
    check_len(Field::Signature, params.sig_len, sig.len())?;
    let malformed = Error::MalformedEncoding {
        field: Field::Signature,
    };
    // sigDecode (Algorithm 27): c̃ ‖ z ‖ h. The lengths were checked, so the splits succeed.
    let (c_tilde, rest) = sig.split_at_checked(params.c_tilde_len).ok_or(malformed)?;
    let (z_bytes, h) = rest
        .split_at_checked(params.l * params.z_poly_len())
        .ok_or(malformed)?;
    // The whole signature's encoding before any heavy work.
    if !hints_ok(params, h) || !z_norm_ok(params, z_bytes) {
        return Err(malformed);
    }
    // pkDecode (Algorithm 22): ρ ‖ t₁; every string of the right length decodes.
    let (rho, t1_bytes) = pk.split_at_checked(RHO_LEN).ok_or(Error::InvalidLength {
        field: Field::PublicKey,
        expected: params.pk_len,
        actual: pk.len(),
    })?;
    let mut c_tilde_prime = [0u8; MAX_C_TILDE_LEN];
    let c_tilde_prime = c_tilde_prime
        .get_mut(..params.c_tilde_len)
        .ok_or(malformed)?;
    w1_hash(
        params,
        rho,
        t1_bytes,
        mu,
        c_tilde,
        z_bytes,
        h,
        c_tilde_prime,
    );
    // Plain comparison: c̃, c̃' and everything they are computed from are public.
    if c_tilde == c_tilde_prime {
        Ok(())
    } else {
        Err(Error::VerificationFailed)
    }
}

/// Algorithm 8 lines 9–12 row by row: `c̃' = H(μ ‖ w1Encode(UseHint(h, NTT⁻¹(Â∘NTT(z) −
/// NTT(c)∘NTT(t₁·2ᵈ)))), λ/4)`, written to `out`. The inputs are well-formed (checked by
/// the caller).
#[allow(clippy::too_many_arguments)]
#[inline(never)]
fn w1_hash(
    params: &Params,
    rho: &[u8],
    t1_bytes: &[u8],
    mu: &[u8; MU_LEN],
    c_tilde: &[u8],
    z_bytes: &[u8],
    h: &[u8],
    out: &mut [u8],
) {
    // ĉ = NTT(SampleInBall(c̃)) (lines 8 and 9), once.
    let mut c_hat: Poly = [0; N];
    sample_in_ball(c_tilde, params.tau, &mut c_hat);
    ntt(&mut c_hat);

    let mut hash = Shake256Xof::new();
    hash.absorb(mu);
    let mut acc: Poly = [0; N];
    let mut scratch: Poly = [0; N];
    let mut w1_row = [0u8; MAX_W1_POLY_LEN];
    let w1_row = w1_row.get_mut(..params.w1_poly_len()).unwrap_or_default();

    for ((i, t1_i), row) in t1_bytes
        .chunks_exact(T1_POLY_LEN)
        .enumerate()
        .take(params.k)
        .zip(0u8..)
    {
        // acc = Σⱼ Â[i][j] ∘ NTT(zⱼ): in the Montgomery domain (R⁻¹), each term < q.
        acc.fill(0);
        for (z_j, col) in z_bytes
            .chunks_exact(params.z_poly_len())
            .take(params.l)
            .zip(0u8..)
        {
            unpack_z(params, z_j, &mut scratch);
            ntt(&mut scratch);
            rej_ntt_poly_mul_acc(rho, col, row, &scratch, &mut acc);
        }
        // acc −= ĉ ∘ NTT(t₁[i]·2ᵈ), then reduce for the inverse NTT (|acc| < 8q before).
        unpack_t1_shifted(t1_i, &mut scratch);
        ntt(&mut scratch);
        for ((a, &c), &t) in acc.iter_mut().zip(c_hat.iter()).zip(scratch.iter()) {
            *a = reduce32(*a - mont_mul(c, t));
        }
        // w'_approx[i] = NTT⁻¹(acc) (the inverse NTT's factor R cancels the products' R⁻¹).
        inv_ntt_tomont(&mut acc);
        // w'₁[i] = UseHint(h[i], w'_approx[i]) (line 11), then w1Encode (line 12).
        let mut hints = hint_row(params, h, i).iter().peekable();
        let mut w = BitWriter::new(w1_row);
        for (m, &a) in acc.iter().enumerate() {
            let hint = hints.next_if(|&&j| usize::from(j) == m).is_some();
            let r1 = use_hint(params.gamma2, hint, caddq(reduce32(a)));
            w.put(r1.unsigned_abs(), params.w1_bits);
        }
        hash.absorb(w1_row);
    }
    hash.absorb_final(&[]);
    hash.squeeze(out);
}
