//! A compact ML-KEM (FIPS 203) for memory-constrained devices: key generation, encapsulation
//! and decapsulation with a few KiB of stack, the same code for all three parameter sets,
//! instead of the expanded matrix Â and the vectors of every intermediate (libcrux's ML-KEM-768
//! key generation and decapsulation take 25–37 KiB on a Cortex-M4).
//!
//! Â is never stored: each entry `SampleNTT(ρ ‖ j ‖ i)` (FIPS 203 Algorithm 7) is sampled into
//! one scratch polynomial and multiplied into the row it belongs to. Live at once during a
//! decapsulation: ŝ (reused for ŷ by the re-encryption), t̂, an accumulator and a scratch
//! polynomial (k ≤ 4 polynomials of 512 bytes each in the first two, so about 5 KiB), plus a
//! Keccak state. The ciphertext of the re-encryption is never assembled either: each compressed
//! polynomial is compared with its part of the received ciphertext as it is produced, and the
//! differences are accumulated without a branch.
//!
//! * [`keygen`]: `ML-KEM.KeyGen_internal(d, z)` (Algorithm 16 over K-PKE.KeyGen, Algorithm 13)
//!   from the 64-byte seed `d ‖ z`, writing `ek` and, if asked, the expanded `dk`.
//! * [`decapsulate`]: `ML-KEM.Decaps_internal` (Algorithm 18 over K-PKE.Decrypt and
//!   K-PKE.Encrypt, Algorithms 15 and 14) from the seed: ŝ, t̂ and H(ek) are derived again on each
//!   call (a key generation's work, about half of the total), so nothing but the 64-byte seed is
//!   ever held.
//! * [`decapsulate_expanded`]: the same from an expanded `dk` (768·k + 96 bytes), with the
//!   decapsulation key check of §7.3 (the hash check).
//! * [`encapsulate`]: `ML-KEM.Encaps` (Algorithm 20, over Algorithm 17) with the encapsulation
//!   key check of §7.2 (the modulus check); `encapsulate_internal` with a given `m` behind the
//!   `hazmat` feature.
//!
//! The arithmetic follows the Kyber reference implementation (signed 16-bit coefficients,
//! Montgomery and Barrett reductions); everything that touches secret data (ŝ, the message,
//! the coins, ŷ, the re-encryption, the comparison and the implicit-rejection selection) runs in
//! time independent of it: no branch, no table index, no division (see `encode` for `Compress`).
//! Secret intermediates are wiped before returning.
//!
//! With the `compact-kem` feature, every byte-level ML-KEM key generation, decapsulation and
//! public-key derivation from a private key (the agile `KemAlgorithm` methods, so X-Wing, the
//! composites, HPKE `open`, the encrypted-firmware decryptor and the C ABI) runs here instead
//! of the backend; held keys (typed keys, `agile::DecapsulationKey`) keep the backend. The
//! results are identical: the known-answer tests run both, and `tests/ml_kem_compact_diff.rs`
//! and the `ml_kem_compact_diff` fuzz target compare them with both backends.
//!
//! ```
//! use pqhybrid::primitives::ml_kem::MlKem768DecapsulationKey;
//! use pqhybrid::primitives::ml_kem_compact::{ML_KEM_768, decapsulate, keygen};
//! # fn main() -> pqhybrid::Result<()> {
//! let seed = [7u8; 64];
//! let mut ek = [0u8; 1184];
//! keygen(&ML_KEM_768, &seed, &mut ek, None)?;
//! let dk = MlKem768DecapsulationKey::from_seed(&seed);
//! assert_eq!(dk.encapsulation_key().to_bytes(), ek);
//! # #[cfg(feature = "std")] {
//! let (ct, ss) = dk.encapsulation_key().encapsulate(&mut pqhybrid::rng::OsRng::default())?;
//! assert_eq!(decapsulate(&ML_KEM_768, &seed, ct.as_ref())?, ss);
//! # }
//! # Ok(()) }
//! ```

mod arith;
mod encode;
mod params;
mod sample;

use sha3::{Digest as _, Sha3_256, Sha3_512};
use subtle::{ConditionallySelectable as _, ConstantTimeEq as _};
use zeroize::{Zeroize as _, Zeroizing};

use crate::error::{Error, Field, Result, check_len, out_buf};
use crate::primitives::ml_dsa_compact::xof::{Shake256Xof, Xof};
use crate::rng::{TryCryptoRng, fill};
use crate::secret::{Secret, SharedSecret};

use arith::{Poly, Q, ZERO, add, basemul_acc, inv_ntt_tomont, ntt, reduce, sub_from, tomont};
use encode::{
    compress_poly, decode, decoded, decompress, encode, encode12, message_bytes, message_poly,
    poly_bytes,
};
use params::{ETA2, K_MAX};
pub use params::{ML_KEM_512, ML_KEM_768, ML_KEM_1024, Params};
use sample::{cbd_prf, sample_ntt};

/// Bytes of one `ByteEncode₁₂` polynomial.
const POLY12: usize = 384;

/// A vector of up to [`K_MAX`] polynomials.
type PolyVec = [Poly; K_MAX];

/// The seed `d ‖ z` of `ML-KEM.KeyGen_internal`.
pub const SEED_LEN: usize = 64;

/// `G(x) = SHA3-512(a ‖ b)`, split into its two 32-byte halves.
fn g(a: &[u8], b: &[u8]) -> (Zeroizing<[u8; 32]>, Zeroizing<[u8; 32]>) {
    let mut h = Sha3_512::new();
    h.update(a);
    h.update(b);
    let mut out = Zeroizing::new([0u8; 64]);
    out.copy_from_slice(&h.finalize());
    let (mut x, mut y) = (Zeroizing::new([0u8; 32]), Zeroizing::new([0u8; 32]));
    let (l, r) = out.split_at(32);
    x.copy_from_slice(l);
    y.copy_from_slice(r);
    (x, y)
}

/// K-PKE.KeyGen (Algorithm 13) from `d`: ŝ and t̂ (k polynomials each, NTT domain, reduced),
/// and ρ.
#[inline(never)]
fn expand(
    p: &Params,
    d: &[u8],
    s_hat: &mut PolyVec,
    t_hat: &mut PolyVec,
    tmp: &mut Poly,
) -> [u8; 32] {
    // (ρ, σ) ← G(d ‖ k).
    let (rho, sigma) = g(d, &[p.k as u8]);
    let mut nonce = 0u8;
    for s in s_hat.iter_mut().take(p.k) {
        cbd_prf(&sigma, nonce, p.eta1, s);
        ntt(s);
        nonce += 1;
    }
    for (i, t) in t_hat.iter_mut().take(p.k).enumerate() {
        // t̂[i] = Σⱼ Â[i][j] ∘ ŝ[j] + ê[i].
        *t = ZERO;
        for (j, s) in s_hat.iter().take(p.k).enumerate() {
            sample_ntt(&rho, i as u8, j as u8, false, tmp);
            basemul_acc(t, tmp, s);
        }
        reduce(t);
        tomont(t);
        cbd_prf(&sigma, nonce, p.eta1, tmp);
        ntt(tmp);
        add(t, tmp);
        reduce(t);
        nonce += 1;
    }
    tmp.zeroize();
    *rho
}

/// `H(ek)` for `ek = ByteEncode₁₂(t̂) ‖ ρ`, hashed as it is encoded (the key is not assembled).
fn hash_ek(p: &Params, t_hat: &PolyVec, rho: &[u8; 32]) -> [u8; 32] {
    let mut h = Sha3_256::new();
    let mut row = [0u8; POLY12];
    for t in t_hat.iter().take(p.k) {
        encode12(t, &mut row);
        h.update(row);
    }
    h.update(rho);
    h.finalize().into()
}

/// Where the re-encryption's compressed polynomials go.
trait Sink {
    /// The next compressed polynomial (coefficients below 2^d).
    fn poly(&mut self, d: u32, c: &Poly);
}

/// Compares with the received ciphertext, accumulating the differences.
struct Compare<'a> {
    ct: &'a [u8],
    diff: u16,
}

impl Sink for Compare<'_> {
    fn poly(&mut self, d: u32, c: &Poly) {
        let (part, rest) = self.ct.split_at(poly_bytes(d).min(self.ct.len()));
        self.ct = rest;
        for (x, y) in c.iter().zip(decoded(part, d)) {
            self.diff |= (*x as u16) ^ y;
        }
    }
}

/// Writes the ciphertext.
struct Write<'a> {
    ct: &'a mut [u8],
}

impl Sink for Write<'_> {
    fn poly(&mut self, d: u32, c: &Poly) {
        let ct = core::mem::take(&mut self.ct);
        let n = poly_bytes(d).min(ct.len());
        let (part, rest) = ct.split_at_mut(n);
        encode(c, d, part);
        self.ct = rest;
    }
}

/// Where t̂ comes from in K-PKE.Encrypt: held polynomials, or decoded row by row from `ek`.
enum TSource<'a> {
    Polys(&'a PolyVec),
    Bytes(&'a [u8]),
}

/// K-PKE.Encrypt (Algorithm 14) of `m` with coins `r`, its compressed polynomials handed to
/// `sink` in ciphertext order (u₀ … u_{k−1}, v). `y_hat` is scratch (k polynomials).
#[inline(never)]
#[allow(clippy::too_many_arguments)]
fn encrypt(
    p: &Params,
    rho: &[u8; 32],
    t_hat: &TSource<'_>,
    m: &[u8; 32],
    r: &[u8; 32],
    y_hat: &mut PolyVec,
    acc: &mut Poly,
    tmp: &mut Poly,
    sink: &mut dyn Sink,
) {
    let mut nonce = 0u8;
    for y in y_hat.iter_mut().take(p.k) {
        cbd_prf(r, nonce, p.eta1, y);
        ntt(y);
        nonce += 1;
    }
    // u[i] = NTT⁻¹(Σⱼ Âᵀ[i][j] ∘ ŷ[j]) + e₁[i].
    for i in 0..p.k {
        *acc = ZERO;
        for (j, y) in y_hat.iter().take(p.k).enumerate() {
            sample_ntt(rho, i as u8, j as u8, true, tmp);
            basemul_acc(acc, tmp, y);
        }
        reduce(acc);
        inv_ntt_tomont(acc);
        cbd_prf(r, nonce, ETA2, tmp);
        add(acc, tmp);
        reduce(acc);
        compress_poly(acc, p.du);
        sink.poly(p.du, acc);
        nonce += 1;
    }
    // v = NTT⁻¹(t̂ᵀ ∘ ŷ) + e₂ + Decompress₁(m).
    *acc = ZERO;
    for (i, y) in y_hat.iter().take(p.k).enumerate() {
        match t_hat {
            TSource::Polys(t) => {
                if let Some(t) = t.get(i) {
                    basemul_acc(acc, t, y);
                }
            }
            TSource::Bytes(ek) => {
                decode(ek.get(i * POLY12..).unwrap_or_default(), 12, tmp);
                basemul_acc(acc, tmp, y);
            }
        }
    }
    reduce(acc);
    inv_ntt_tomont(acc);
    cbd_prf(r, nonce, ETA2, tmp);
    add(acc, tmp);
    message_poly(m, tmp);
    add(acc, tmp);
    reduce(acc);
    compress_poly(acc, p.dv);
    sink.poly(p.dv, acc);
    acc.zeroize();
    tmp.zeroize();
    y_hat.zeroize();
}

/// K-PKE.Decrypt (Algorithm 15): `m' = ByteEncode₁(Compress₁(v − NTT⁻¹(ŝᵀ ∘ NTT(u))))`.
#[inline(never)]
fn decrypt(
    p: &Params,
    s_hat: &PolyVec,
    ct: &[u8],
    acc: &mut Poly,
    tmp: &mut Poly,
) -> Zeroizing<[u8; 32]> {
    let ulen = poly_bytes(p.du);
    *acc = ZERO;
    for (j, s) in s_hat.iter().take(p.k).enumerate() {
        decode(ct.get(j * ulen..).unwrap_or_default(), p.du, tmp);
        for c in tmp.iter_mut() {
            *c = decompress(*c as u16, p.du);
        }
        ntt(tmp);
        basemul_acc(acc, s, tmp);
    }
    reduce(acc);
    inv_ntt_tomont(acc);
    decode(ct.get(p.k * ulen..).unwrap_or_default(), p.dv, tmp);
    for c in tmp.iter_mut() {
        *c = decompress(*c as u16, p.dv);
    }
    // acc ← v − acc.
    sub_from(acc, tmp);
    reduce(acc);
    let mut m = Zeroizing::new([0u8; 32]);
    message_bytes(acc, &mut m);
    acc.zeroize();
    m
}

/// ML-KEM.Decaps_internal (Algorithm 18) on the decoded key: `s_hat` is consumed (reused for
/// ŷ, then wiped).
#[inline(never)]
#[allow(clippy::too_many_arguments)]
fn decaps_core(
    p: &Params,
    s_hat: &mut PolyVec,
    t_hat: &PolyVec,
    rho: &[u8; 32],
    h: &[u8; 32],
    z: &[u8],
    ct: &[u8],
    tmp: &mut Poly,
) -> SharedSecret {
    let mut acc = ZERO;
    let m = decrypt(p, s_hat, ct, &mut acc, tmp);
    // (K', r') ← G(m' ‖ h).
    let (k_prime, r) = g(&*m, h);
    let mut cmp = Compare { ct, diff: 0 };
    encrypt(
        p,
        rho,
        &TSource::Polys(t_hat),
        &m,
        &r,
        s_hat,
        &mut acc,
        tmp,
        &mut cmp,
    );
    // K̄ ← J(z ‖ c) = SHAKE256(z ‖ c, 32).
    let mut k_bar = Zeroizing::new([0u8; 32]);
    let mut j = Shake256Xof::new();
    j.absorb(z);
    j.absorb_final(ct);
    j.squeeze(&mut *k_bar);
    // K' if the re-encryption is the ciphertext, else K̄: selected without a branch.
    let equal = cmp.diff.ct_eq(&0);
    let mut k = [0u8; 32];
    for ((o, a), b) in k.iter_mut().zip(k_bar.iter()).zip(k_prime.iter()) {
        *o = u8::conditional_select(a, b, equal);
    }
    let out = Secret::new(k);
    k.zeroize();
    out
}

/// Splits the seed `d ‖ z`.
fn split_seed(seed: &[u8; SEED_LEN]) -> (&[u8], &[u8]) {
    seed.split_at(32)
}

/// `ML-KEM.KeyGen_internal(d, z)` (FIPS 203 Algorithm 16) from the seed `d ‖ z`: writes
/// `ek` ([`Params::ek_len`] bytes) to the start of `ek_out` and, if `dk_out` is given, the
/// expanded `dk = ByteEncode₁₂(ŝ) ‖ ek ‖ H(ek) ‖ z` ([`Params::dk_len`] bytes) to its start.
///
/// # Errors
/// [`Error::BufferTooSmall`] for a short output (nothing written).
pub fn keygen(
    p: &Params,
    seed: &[u8; SEED_LEN],
    ek_out: &mut [u8],
    dk_out: Option<&mut [u8]>,
) -> Result<()> {
    let ek = out_buf(Field::PublicKey, ek_out, p.ek_len())?;
    let dk = match dk_out {
        Some(buf) => Some(out_buf(Field::ExpandedKey, buf, p.dk_len())?),
        None => None,
    };
    let (d, z) = split_seed(seed);
    let mut s_hat = Zeroizing::new([ZERO; K_MAX]);
    let mut t_hat = [ZERO; K_MAX];
    let mut tmp = ZERO;
    let rho = expand(p, d, &mut s_hat, &mut t_hat, &mut tmp);
    let (rows, rho_out) = ek.split_at_mut(p.k * POLY12);
    for (t, row) in t_hat.iter().zip(rows.chunks_exact_mut(POLY12)) {
        encode12(t, row);
    }
    rho_out.copy_from_slice(&rho);
    if let Some(dk) = dk {
        let (dk_pke, rest) = dk.split_at_mut(p.k * POLY12);
        for (s, row) in s_hat.iter().zip(dk_pke.chunks_exact_mut(POLY12)) {
            encode12(s, row);
        }
        let (ek_copy, rest) = rest.split_at_mut(p.ek_len());
        ek_copy.copy_from_slice(ek);
        let (h, z_out) = rest.split_at_mut(32);
        h.copy_from_slice(&Sha3_256::digest(&*ek));
        z_out.copy_from_slice(z);
    }
    Ok(())
}

/// `ML-KEM.Decaps_internal` (FIPS 203 Algorithm 18) with the key given by its seed `d ‖ z`
/// (Algorithm 16 is run again first: ŝ, t̂ and H(ek) are derived, never stored). Implicit
/// rejection: an altered ciphertext gives the pseudorandom `J(z ‖ c)`, not an error.
///
/// # Errors
/// [`Error::InvalidLength`] for a ciphertext of the wrong length.
pub fn decapsulate(p: &Params, seed: &[u8; SEED_LEN], ct: &[u8]) -> Result<SharedSecret> {
    check_len(Field::Ciphertext, p.ct_len(), ct.len())?;
    let (d, z) = split_seed(seed);
    let mut s_hat = [ZERO; K_MAX];
    let mut t_hat = [ZERO; K_MAX];
    let mut tmp = ZERO;
    let rho = expand(p, d, &mut s_hat, &mut t_hat, &mut tmp);
    let h = hash_ek(p, &t_hat, &rho);
    let ss = decaps_core(p, &mut s_hat, &t_hat, &rho, &h, z, ct, &mut tmp);
    s_hat.zeroize();
    t_hat.zeroize();
    Ok(ss)
}

/// `ML-KEM.Decaps` (FIPS 203 Algorithm 21) with an expanded key `dk` (768·k + 96 bytes),
/// after the decapsulation key check of §7.3 (`H(ek) = h` for the `ek` and `h` inside `dk`)
/// and the modulus check of §7.2 on that `ek`, which the backends also apply on import.
///
/// # Errors
/// In this order: [`Error::InvalidLength`] for a key of the wrong length,
/// [`Error::InvalidKey`] (field [`Field::ExpandedKey`]) when a check fails,
/// [`Error::InvalidLength`] for a ciphertext of the wrong length.
pub fn decapsulate_expanded(p: &Params, dk: &[u8], ct: &[u8]) -> Result<SharedSecret> {
    check_len(Field::ExpandedKey, p.dk_len(), dk.len())?;
    let (dk_pke, rest) = dk.split_at(p.k * POLY12);
    let (ek, rest) = rest.split_at(p.ek_len());
    let (h, z) = rest.split_at(32);
    let h: [u8; 32] = h.try_into().unwrap_or_default();
    let ek_hash: [u8; 32] = Sha3_256::digest(ek).into();
    // §7.3's hash check, and §7.2's modulus check on the embedded ek (as both backends do
    // when they import an expanded key).
    let invalid = Error::InvalidKey {
        field: Field::ExpandedKey,
    };
    if !bool::from(ek_hash.ct_eq(&h)) {
        return Err(invalid);
    }
    check_ek(p, ek).map_err(|_| invalid)?;
    check_len(Field::Ciphertext, p.ct_len(), ct.len())?;
    let mut s_hat = [ZERO; K_MAX];
    let mut t_hat = [ZERO; K_MAX];
    for (s, row) in s_hat.iter_mut().zip(dk_pke.chunks_exact(POLY12)) {
        decode(row, 12, s);
    }
    let (rows, rho) = ek.split_at(p.k * POLY12);
    for (t, row) in t_hat.iter_mut().zip(rows.chunks_exact(POLY12)) {
        decode(row, 12, t);
    }
    let rho: [u8; 32] = rho.try_into().unwrap_or_default();
    let mut tmp = ZERO;
    let ss = decaps_core(p, &mut s_hat, &t_hat, &rho, &h, z, ct, &mut tmp);
    s_hat.zeroize();
    Ok(ss)
}

/// The encapsulation key check of FIPS 203 §7.2: every coefficient of `ek`'s t̂ is below q
/// (`ByteEncode₁₂(ByteDecode₁₂(ek)) = ek`). Public data.
fn check_ek(p: &Params, ek: &[u8]) -> Result<()> {
    check_len(Field::PublicKey, p.ek_len(), ek.len())?;
    let mut t = ZERO;
    for row in ek.chunks_exact(POLY12).take(p.k) {
        decode(row, 12, &mut t);
        if t.iter().any(|&c| c >= Q) {
            return Err(Error::InvalidKey {
                field: Field::PublicKey,
            });
        }
    }
    Ok(())
}

/// `ML-KEM.Encaps_internal` (FIPS 203 Algorithm 17) with the given randomness `m`, after the
/// encapsulation key check (§7.2): writes the ciphertext ([`Params::ct_len`] bytes) to the
/// start of `ct_out` and returns the shared secret. For known-answer tests; use
/// [`encapsulate`].
///
/// # Errors
/// [`Error::InvalidLength`] for an `ek` of the wrong length, [`Error::InvalidKey`] for one that
/// fails the modulus check, [`Error::BufferTooSmall`] (nothing written in each case).
#[cfg(feature = "hazmat")]
pub fn encapsulate_internal(
    p: &Params,
    ek: &[u8],
    m: &[u8; 32],
    ct_out: &mut [u8],
) -> Result<SharedSecret> {
    encaps(p, ek, m, ct_out)
}

fn encaps(p: &Params, ek: &[u8], m: &[u8; 32], ct_out: &mut [u8]) -> Result<SharedSecret> {
    check_ek(p, ek)?;
    let ct = out_buf(Field::Ciphertext, ct_out, p.ct_len())?;
    let h: [u8; 32] = Sha3_256::digest(ek).into();
    // (K, r) ← G(m ‖ H(ek)).
    let (k, r) = g(m, &h);
    let (_, rho) = ek.split_at(p.k * POLY12);
    let rho: [u8; 32] = rho.try_into().unwrap_or_default();
    let mut y_hat = [ZERO; K_MAX];
    let (mut acc, mut tmp) = (ZERO, ZERO);
    let mut sink = Write { ct };
    encrypt(
        p,
        &rho,
        &TSource::Bytes(ek),
        m,
        &r,
        &mut y_hat,
        &mut acc,
        &mut tmp,
        &mut sink,
    );
    Ok(Secret::new(*k))
}

/// `ML-KEM.Encaps` (FIPS 203 Algorithm 20): 32 bytes `m` from `rng`, then
/// `Encaps_internal` (see [`keygen`] for the key and [`decapsulate`] for the other side).
/// Writes the ciphertext to the start of `ct_out`.
///
/// # Errors
/// As `encapsulate_internal`, and [`Error::Rng`] when the generator fails.
pub fn encapsulate<R: TryCryptoRng + ?Sized>(
    p: &Params,
    ek: &[u8],
    rng: &mut R,
    ct_out: &mut [u8],
) -> Result<SharedSecret> {
    let mut m = Zeroizing::new([0u8; 32]);
    fill(rng, &mut *m)?;
    encaps(p, ek, &m, ct_out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(
            (
                ML_KEM_512.ek_len(),
                ML_KEM_512.ct_len(),
                ML_KEM_512.dk_len()
            ),
            (800, 768, 1632)
        );
        assert_eq!(
            (
                ML_KEM_768.ek_len(),
                ML_KEM_768.ct_len(),
                ML_KEM_768.dk_len()
            ),
            (1184, 1088, 2400)
        );
        assert_eq!(
            (
                ML_KEM_1024.ek_len(),
                ML_KEM_1024.ct_len(),
                ML_KEM_1024.dk_len()
            ),
            (1568, 1568, 3168)
        );
    }

    #[test]
    fn round_trip_and_implicit_rejection() {
        for p in [&ML_KEM_512, &ML_KEM_768, &ML_KEM_1024] {
            let seed = [0x42u8; 64];
            let mut ek = [0u8; 1568];
            let mut dk = [0u8; 3168];
            keygen(p, &seed, &mut ek, Some(&mut dk)).unwrap();
            let mut ct = [0u8; 1568];
            let ss = encaps(p, &ek[..p.ek_len()], &[9u8; 32], &mut ct).unwrap();
            let ct = &mut ct[..p.ct_len()];
            assert_eq!(decapsulate(p, &seed, ct).unwrap(), ss);
            assert_eq!(decapsulate_expanded(p, &dk[..p.dk_len()], ct).unwrap(), ss);
            ct[5] ^= 1;
            let rejected = decapsulate(p, &seed, ct).unwrap();
            assert_ne!(rejected, ss);
            assert_eq!(
                decapsulate_expanded(p, &dk[..p.dk_len()], ct).unwrap(),
                rejected
            );
        }
    }
}
