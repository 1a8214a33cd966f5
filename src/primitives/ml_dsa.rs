//! ML-DSA, the module-lattice signature scheme of FIPS 204, in its three parameter sets.
//!
//! * Keys come from the 32-byte seed ξ (FIPS 204 Algorithm 6, `ML-DSA.KeyGen_internal`); the
//!   seed is the canonical private key.
//! * Signing is hedged by default (fresh 32-byte `rnd`, Algorithm 2 `ML-DSA.Sign`) and
//!   deterministic on request (`rnd` = 0³²).
//! * Context strings of 0–255 bytes (pure ML-DSA, `M' = 0 ‖ |ctx| ‖ ctx ‖ M`).
//! * Streaming: [`MessageHasher`] absorbs the message chunk by chunk into the external μ
//!   (`μ = SHAKE256(tr ‖ M', 64)`, FIPS 204 §6.2 and Algorithm 7 line 6) with no allocation;
//!   [`SigningKey::sign_mu`] and [`VerifyingKey::verify_mu`] finish the job.
//!
//! ```
//! use pqhybrid::primitives::ml_dsa::{MlDsa65SigningKey, MlDsa65VerifyingKey};
//! # fn main() -> pqhybrid::Result<()> {
//! let sk = MlDsa65SigningKey::from_seed(&[1u8; 32]);
//! let sig = sk.sign_deterministic(b"firmware", b"ctx")?;
//! let vk = MlDsa65VerifyingKey::from_bytes(sk.verifying_key().to_bytes().as_ref())?;
//! vk.verify(b"firmware", b"ctx", sig.as_ref())?;
//! // The same, streamed:
//! let mut h = vk.message_hasher(b"ctx")?;
//! h.update(b"firm");
//! h.update(b"ware");
//! vk.verify_mu(&h.finalize(), sig.as_ref())?;
//! # Ok(()) }
//! ```

use core::fmt;

use ml_dsa::Keypair;
use shake::Shake256;
use shake::digest::{ExtendableOutput, Update, XofReader};
use subtle::{Choice, ConstantTimeEq};

use crate::error::{Error, Field, Result, array_ref, check_ctx, check_len};
use crate::rng::{FixedBytes, TryCryptoRng, fill};
use crate::secret::Secret;

pub use ml_dsa::{MlDsa44, MlDsa65, MlDsa87, MlDsaParams};

/// Length of the canonical private key, the seed ξ.
pub const SEED_LEN: usize = 32;
/// Length of the external message representative μ.
pub const MU_LEN: usize = 64;
/// Length of the public-key hash `tr`.
pub const TR_LEN: usize = 64;
/// Length of the signing randomness `rnd`.
pub const RND_LEN: usize = 32;

/// ML-DSA-44 public-key length.
pub const ML_DSA_44_PUBLIC_KEY_LEN: usize = 1312;
/// ML-DSA-44 signature length.
pub const ML_DSA_44_SIGNATURE_LEN: usize = 2420;
/// ML-DSA-65 public-key length.
pub const ML_DSA_65_PUBLIC_KEY_LEN: usize = 1952;
/// ML-DSA-65 signature length.
pub const ML_DSA_65_SIGNATURE_LEN: usize = 3309;
/// ML-DSA-87 public-key length.
pub const ML_DSA_87_PUBLIC_KEY_LEN: usize = 2592;
/// ML-DSA-87 signature length.
pub const ML_DSA_87_SIGNATURE_LEN: usize = 4627;

/// Sizes of a parameter set, in bytes.
pub trait MlDsaSizes: MlDsaParams {
    /// The name FIPS 204 gives the parameter set.
    const NAME: &'static str;
    /// Public-key length.
    const PUBLIC_KEY_LEN: usize;
    /// Signature length.
    const SIGNATURE_LEN: usize;
}

impl MlDsaSizes for MlDsa44 {
    const NAME: &'static str = "ML-DSA-44";
    const PUBLIC_KEY_LEN: usize = ML_DSA_44_PUBLIC_KEY_LEN;
    const SIGNATURE_LEN: usize = ML_DSA_44_SIGNATURE_LEN;
}
impl MlDsaSizes for MlDsa65 {
    const NAME: &'static str = "ML-DSA-65";
    const PUBLIC_KEY_LEN: usize = ML_DSA_65_PUBLIC_KEY_LEN;
    const SIGNATURE_LEN: usize = ML_DSA_65_SIGNATURE_LEN;
}
impl MlDsaSizes for MlDsa87 {
    const NAME: &'static str = "ML-DSA-87";
    const PUBLIC_KEY_LEN: usize = ML_DSA_87_PUBLIC_KEY_LEN;
    const SIGNATURE_LEN: usize = ML_DSA_87_SIGNATURE_LEN;
}

/// The encoded signature of parameter set `P`.
pub type EncodedSignature<P> = ml_dsa::EncodedSignature<P>;
/// The encoded verifying key of parameter set `P`.
pub type EncodedVerifyingKey<P> = ml_dsa::EncodedVerifyingKey<P>;

/// The external message representative μ (64 bytes). Public: it is a hash of public data.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Mu(pub [u8; MU_LEN]);

impl fmt::Debug for Mu {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Mu(")?;
        for b in &self.0 {
            write!(f, "{b:02x}")?;
        }
        f.write_str(")")
    }
}

/// Streaming computation of μ for pure ML-DSA: `μ = SHAKE256(tr ‖ 0 ‖ |ctx| ‖ ctx ‖ M, 64)`
/// (FIPS 204 Algorithm 2 line 10 and Algorithm 7 line 6). Absorbs any number of chunks of any
/// size; allocates nothing.
#[derive(Clone)]
pub struct MessageHasher {
    shake: Shake256,
}

impl MessageHasher {
    /// Starts μ for a key with public-key hash `tr` and context `ctx` (pure ML-DSA domain).
    ///
    /// # Errors
    /// [`Error::ContextTooLong`] if `ctx` exceeds 255 bytes.
    pub fn new(tr: &[u8; TR_LEN], ctx: &[u8]) -> Result<Self> {
        check_ctx(ctx)?;
        let mut shake = Shake256::default();
        shake.update(tr);
        // |ctx| ≤ 255 was checked above, so the cast is lossless.
        shake.update(&[0, ctx.len() as u8]);
        shake.update(ctx);
        Ok(Self { shake })
    }

    /// Starts μ for the internal interface (`M'` supplied whole by the caller, FIPS 204
    /// Algorithm 7 with no domain prefix).
    #[must_use]
    pub fn new_internal(tr: &[u8; TR_LEN]) -> Self {
        let mut shake = Shake256::default();
        shake.update(tr);
        Self { shake }
    }

    /// Absorbs the next chunk of the message.
    pub fn update(&mut self, chunk: &[u8]) {
        self.shake.update(chunk);
    }

    /// Finishes μ.
    #[must_use]
    pub fn finalize(self) -> Mu {
        let mut mu = [0u8; MU_LEN];
        self.shake.finalize_xof().read(&mut mu);
        Mu(mu)
    }
}

fn tr_of(encoded_pk: &[u8]) -> [u8; TR_LEN] {
    let mut tr = [0u8; TR_LEN];
    let mut h = Shake256::default();
    h.update(encoded_pk);
    h.finalize_xof().read(&mut tr);
    tr
}

/// An ML-DSA signing key: the seed ξ and the expanded key derived from it, with the public-key
/// hash `tr` cached for streaming. Zeroizes on drop; `Debug` is redacted; equality is
/// constant-time on the seed.
#[derive(Clone)]
pub struct SigningKey<P: MlDsaSizes> {
    inner: ml_dsa::SigningKey<P>,
    vk: VerifyingKey<P>,
}

impl<P: MlDsaSizes> SigningKey<P> {
    /// Derives the key pair from the seed ξ (FIPS 204 Algorithm 6, `ML-DSA.KeyGen_internal`).
    #[must_use]
    pub fn from_seed(seed: &[u8; SEED_LEN]) -> Self {
        let inner = ml_dsa::SigningKey::<P>::from_seed(&(*seed).into());
        let vk = VerifyingKey::from_inner(inner.verifying_key());
        Self { inner, vk }
    }

    /// [`Self::from_seed`] from a slice, checking its length.
    ///
    /// # Errors
    /// [`Error::InvalidLength`] unless `seed` is 32 bytes.
    pub fn from_seed_slice(seed: &[u8]) -> Result<Self> {
        Ok(Self::from_seed(array_ref(Field::Seed, seed)?))
    }

    /// Generates a key pair from `rng` (FIPS 204 Algorithm 1, `ML-DSA.KeyGen`).
    ///
    /// # Errors
    /// [`Error::Rng`] if the generator fails.
    pub fn generate<R: TryCryptoRng + ?Sized>(rng: &mut R) -> Result<Self> {
        let mut seed = Secret::<SEED_LEN>::zero();
        fill(rng, seed.as_mut())?;
        Ok(Self::from_seed(seed.as_bytes()))
    }

    /// The canonical private key, the seed ξ.
    #[must_use]
    pub fn seed(&self) -> &[u8; SEED_LEN] {
        self.inner.as_seed().as_ref()
    }

    /// The matching verifying key.
    #[must_use]
    pub fn verifying_key(&self) -> &VerifyingKey<P> {
        &self.vk
    }

    /// Starts a streaming μ under this key's `tr` and context `ctx`.
    ///
    /// # Errors
    /// [`Error::ContextTooLong`] if `ctx` exceeds 255 bytes.
    pub fn message_hasher(&self, ctx: &[u8]) -> Result<MessageHasher> {
        self.vk.message_hasher(ctx)
    }

    /// Hedged signing (FIPS 204 Algorithm 2, `ML-DSA.Sign`): fresh `rnd` from `rng`.
    ///
    /// # Errors
    /// [`Error::ContextTooLong`], [`Error::Rng`], or [`Error::SigningFailed`].
    pub fn sign<R: TryCryptoRng + ?Sized>(
        &self,
        msg: &[u8],
        ctx: &[u8],
        rng: &mut R,
    ) -> Result<EncodedSignature<P>> {
        let mut h = self.message_hasher(ctx)?;
        h.update(msg);
        self.sign_mu(&h.finalize(), rng)
    }

    /// Deterministic signing (FIPS 204 Algorithm 2 with `rnd` = 0³²).
    ///
    /// # Errors
    /// [`Error::ContextTooLong`] or [`Error::SigningFailed`].
    pub fn sign_deterministic(&self, msg: &[u8], ctx: &[u8]) -> Result<EncodedSignature<P>> {
        let mut h = self.message_hasher(ctx)?;
        h.update(msg);
        self.sign_mu_deterministic(&h.finalize())
    }

    /// Hedged signing of a precomputed μ (FIPS 204 Algorithm 7 from line 7).
    ///
    /// # Errors
    /// [`Error::Rng`] or [`Error::SigningFailed`].
    pub fn sign_mu<R: TryCryptoRng + ?Sized>(
        &self,
        mu: &Mu,
        rng: &mut R,
    ) -> Result<EncodedSignature<P>> {
        let mut rnd = Secret::<RND_LEN>::zero();
        fill(rng, rnd.as_mut())?;
        self.sign_mu_with_rnd(mu, rnd.as_bytes())
    }

    /// Deterministic signing of a precomputed μ (`rnd` = 0³²).
    ///
    /// # Errors
    /// [`Error::SigningFailed`].
    pub fn sign_mu_deterministic(&self, mu: &Mu) -> Result<EncodedSignature<P>> {
        self.sign_mu_with_rnd(mu, &[0u8; RND_LEN])
    }

    /// `ML-DSA.Sign_internal` (FIPS 204 Algorithm 7) on μ with a caller-chosen `rnd`. For
    /// known-answer tests; real callers use [`Self::sign`] or [`Self::sign_deterministic`].
    ///
    /// # Errors
    /// [`Error::SigningFailed`].
    #[cfg(feature = "hazmat")]
    pub fn sign_mu_with_rnd_hazmat(
        &self,
        mu: &Mu,
        rnd: &[u8; RND_LEN],
    ) -> Result<EncodedSignature<P>> {
        self.sign_mu_with_rnd(mu, rnd)
    }

    fn sign_mu_with_rnd(&self, mu: &Mu, rnd: &[u8; RND_LEN]) -> Result<EncodedSignature<P>> {
        let mu = hybrid_array::Array::from(mu.0);
        self.inner
            .expanded_key()
            .sign_mu_randomized(&mu, &mut FixedBytes(rnd))
            .map(|s| s.encode())
            .map_err(|_| Error::SigningFailed)
    }
}

impl<P: MlDsaSizes> fmt::Debug for SigningKey<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey<{}>([REDACTED])", P::NAME)
    }
}

impl<P: MlDsaSizes> ConstantTimeEq for SigningKey<P> {
    fn ct_eq(&self, other: &Self) -> Choice {
        self.seed().ct_eq(other.seed())
    }
}

impl<P: MlDsaSizes> PartialEq for SigningKey<P> {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other).into()
    }
}

impl<P: MlDsaSizes> Eq for SigningKey<P> {}

/// An ML-DSA verifying key, with its hash `tr` cached.
#[derive(Clone, Debug, PartialEq)]
pub struct VerifyingKey<P: MlDsaSizes> {
    inner: ml_dsa::VerifyingKey<P>,
    tr: [u8; TR_LEN],
}

impl<P: MlDsaSizes> VerifyingKey<P> {
    fn from_inner(inner: ml_dsa::VerifyingKey<P>) -> Self {
        let tr = tr_of(inner.encode().as_ref());
        Self { inner, tr }
    }

    /// Decodes a public key (FIPS 204 Algorithm 23, `pkDecode`). Every correctly sized string
    /// decodes (t₁ is 10-bit packed), so only the length is checked.
    ///
    /// # Errors
    /// [`Error::InvalidLength`] for a wrong length.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let enc = encoded_vk::<P>(bytes)?;
        Ok(Self {
            inner: ml_dsa::VerifyingKey::decode(enc),
            // The hash of the given encoding: no re-encoding of t₁.
            tr: tr_of(enc.as_slice()),
        })
    }

    /// The encoded key (FIPS 204 Algorithm 22, `pkEncode`).
    #[must_use]
    pub fn to_bytes(&self) -> EncodedVerifyingKey<P> {
        self.inner.encode()
    }

    /// The public-key hash `tr = SHAKE256(pk, 64)`.
    #[must_use]
    pub fn tr(&self) -> &[u8; TR_LEN] {
        &self.tr
    }

    /// Starts a streaming μ under this key's `tr` and context `ctx`.
    ///
    /// # Errors
    /// [`Error::ContextTooLong`] if `ctx` exceeds 255 bytes.
    pub fn message_hasher(&self, ctx: &[u8]) -> Result<MessageHasher> {
        MessageHasher::new(&self.tr, ctx)
    }

    /// Verifies a pure ML-DSA signature (FIPS 204 Algorithm 3, `ML-DSA.Verify`).
    ///
    /// # Errors
    /// [`Error::ContextTooLong`], [`Error::InvalidLength`] (signature),
    /// [`Error::MalformedEncoding`] (signature that does not decode: bad hint or ‖z‖ too large),
    /// or [`Error::VerificationFailed`].
    pub fn verify(&self, msg: &[u8], ctx: &[u8], sig: &[u8]) -> Result<()> {
        let mut h = self.message_hasher(ctx)?;
        h.update(msg);
        self.verify_mu(&h.finalize(), sig)
    }

    /// Verifies a signature over a precomputed μ (FIPS 204 Algorithm 8 from line 7).
    ///
    /// # Errors
    /// As [`Self::verify`], without the context check.
    pub fn verify_mu(&self, mu: &Mu, sig: &[u8]) -> Result<()> {
        let mu = hybrid_array::Array::from(mu.0);
        verify_decoded_key(&self.inner, &mu, encoded_sig::<P>(sig)?)
    }
}

/// `bytes` as an encoded verifying key, borrowed (no copy).
fn encoded_vk<P: MlDsaSizes>(bytes: &[u8]) -> Result<&EncodedVerifyingKey<P>> {
    check_len(Field::PublicKey, P::PUBLIC_KEY_LEN, bytes.len())?;
    <&EncodedVerifyingKey<P>>::try_from(bytes).map_err(|_| Error::InvalidLength {
        field: Field::PublicKey,
        expected: P::PUBLIC_KEY_LEN,
        actual: bytes.len(),
    })
}

/// `sig` as an encoded signature, borrowed (no copy).
fn encoded_sig<P: MlDsaSizes>(sig: &[u8]) -> Result<&EncodedSignature<P>> {
    check_len(Field::Signature, P::SIGNATURE_LEN, sig.len())?;
    <&EncodedSignature<P>>::try_from(sig).map_err(|_| Error::InvalidLength {
        field: Field::Signature,
        expected: P::SIGNATURE_LEN,
        actual: sig.len(),
    })
}

/// A message `head ‖ 0^zeros`, fed to a hash in chunks without being put together: the
/// firmware verifier's signed header is its fixed part followed by zero padding (up to 4 KiB),
/// which would otherwise need a buffer of its own on the stack. `ZeroPadded::new(msg)` is an
/// ordinary message.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ZeroPadded<'a> {
    /// The leading bytes.
    pub(crate) head: &'a [u8],
    /// How many zero bytes follow.
    pub(crate) zeros: usize,
}

impl<'a> ZeroPadded<'a> {
    /// `msg` itself, no padding.
    pub(crate) const fn new(msg: &'a [u8]) -> Self {
        Self {
            head: msg,
            zeros: 0,
        }
    }

    /// Calls `f` on consecutive chunks that make up the message.
    pub(crate) fn for_each_chunk(&self, mut f: impl FnMut(&[u8])) {
        const ZEROS: [u8; 64] = [0; 64];
        f(self.head);
        let mut left = self.zeros;
        while left > 0 {
            let n = left.min(ZEROS.len());
            f(ZEROS.get(..n).unwrap_or_default());
            left -= n;
        }
    }
}

/// Decodes the signature and verifies it over μ. Its own frame: the decoded signature (z and
/// the hint, ~7 KiB for ML-DSA-65) is not on the stack while the caller decodes the key.
#[inline(never)]
fn verify_decoded_key<P: MlDsaSizes>(
    vk: &ml_dsa::VerifyingKey<P>,
    mu: &hybrid_array::Array<u8, hybrid_array::typenum::U64>,
    sig: &EncodedSignature<P>,
) -> Result<()> {
    let sig = ml_dsa::Signature::<P>::decode(sig).ok_or(Error::MalformedEncoding {
        field: Field::Signature,
    })?;
    if vk.verify_mu(mu, &sig) {
        Ok(())
    } else {
        Err(Error::VerificationFailed)
    }
}

/// `pkDecode` and the expansion of Â. Its own frame: the decoder's temporaries (Â as sampled,
/// t₁, 2ᵈ·t₁, about as large again as the key) are gone when the caller goes on to verify; only
/// the key itself, returned in place, stays on the stack.
#[inline(never)]
fn decode_vk<P: MlDsaSizes>(pk: &EncodedVerifyingKey<P>) -> ml_dsa::VerifyingKey<P> {
    ml_dsa::VerifyingKey::<P>::decode(pk)
}

/// `VerifyingKey::from_bytes(pk)?.verify(M, ctx, sig)` for a message `M = head ‖ 0^zeros`
/// ([`ZeroPadded`]), for callers that hold the key only as bytes (the agile layer,
/// the composites, the firmware verifier). Cheaper in time and stack: the key is decoded once,
/// in place in this frame (the expanded key, Â and 2ᵈ·t₁ in the NTT domain, is ~43 KiB for
/// ML-DSA-65 and is never moved), and μ starts from the `tr` the decoded key already holds
/// instead of hashing the public key a second time.
///
/// Checks, in order: public-key length, context length, signature length, signature
/// decoding, the signature itself (errors as [`VerifyingKey::verify`]).
#[inline(never)]
pub(crate) fn verify_encoded<P: MlDsaSizes>(
    pk: &[u8],
    ctx: &[u8],
    msg: ZeroPadded<'_>,
    sig: &[u8],
) -> Result<()> {
    let pk = encoded_vk::<P>(pk)?;
    check_ctx(ctx)?;
    let sig = encoded_sig::<P>(sig)?;
    let vk = decode_vk::<P>(pk);
    // μ = SHAKE256(tr ‖ 0 ‖ |ctx| ‖ ctx ‖ M, 64), with the key's own tr.
    let mu = vk
        .compute_mu(
            |h| {
                msg.for_each_chunk(|chunk| h.update(chunk));
                Ok(())
            },
            ctx,
        )
        .map_err(|_| Error::ContextTooLong {
            max: crate::MAX_CONTEXT_LEN,
            actual: ctx.len(),
        })?;
    verify_decoded_key(&vk, &mu, sig)
}

/// ML-DSA-44 signing key.
pub type MlDsa44SigningKey = SigningKey<MlDsa44>;
/// ML-DSA-44 verifying key.
pub type MlDsa44VerifyingKey = VerifyingKey<MlDsa44>;
/// ML-DSA-65 signing key.
pub type MlDsa65SigningKey = SigningKey<MlDsa65>;
/// ML-DSA-65 verifying key.
pub type MlDsa65VerifyingKey = VerifyingKey<MlDsa65>;
/// ML-DSA-87 signing key.
pub type MlDsa87SigningKey = SigningKey<MlDsa87>;
/// ML-DSA-87 verifying key.
pub type MlDsa87VerifyingKey = VerifyingKey<MlDsa87>;

/// A legacy expanded ML-DSA signing key (FIPS 204 Algorithm 24 `skEncode` form), imported only
/// for known-answer tests of implementations that still emit it. The canonical private key is
/// the seed; this type has none, so it cannot be exported.
///
/// Import checks that every coefficient of `s₁, s₂` is in [−η, η] (an out-of-range key is
/// malformed, and the underlying decoder would panic on it), that the encoding is canonical
/// (re-encoding gives the same bytes) and that the embedded `tr` is the hash of the public key
/// the key's `s₁, s₂` produce, so an inconsistent key is rejected instead of producing
/// signatures that do not verify.
#[cfg(feature = "hazmat")]
#[derive(Clone)]
pub struct ExpandedSigningKey<P: MlDsaSizes> {
    inner: ml_dsa::ExpandedSigningKey<P>,
    vk: VerifyingKey<P>,
}

#[cfg(feature = "hazmat")]
impl<P: MlDsaSizes> ExpandedSigningKey<P> {
    /// Decodes and checks an expanded signing key (FIPS 204 Algorithm 25, `skDecode`).
    ///
    /// # Errors
    /// [`Error::InvalidLength`], or [`Error::InvalidKey`] if an `s₁`/`s₂` coefficient is out of
    /// range, or the key is not canonical or not consistent with its `tr`.
    #[allow(deprecated)] // the expanded form is legacy; ACVP still tests it
    pub fn from_bytes_hazmat(bytes: &[u8]) -> Result<Self> {
        let enc = ml_dsa::ExpandedSigningKeyBytes::<P>::try_from(bytes).map_err(|_| {
            Error::InvalidLength {
                field: Field::ExpandedKey,
                expected: core::mem::size_of::<ml_dsa::ExpandedSigningKeyBytes<P>>(),
                actual: bytes.len(),
            }
        })?;
        let invalid = Error::InvalidKey {
            field: Field::ExpandedKey,
        };
        // `from_expanded` asserts (panics) on an out-of-range s₁/s₂ coefficient: check first.
        if !bool::from(s1_s2_in_range::<P>(enc.as_slice())) {
            return Err(invalid);
        }
        let inner = ml_dsa::ExpandedSigningKey::<P>::from_expanded(&enc);
        if !bool::from(inner.to_expanded().as_slice().ct_eq(enc.as_slice())) {
            return Err(invalid);
        }
        let vk = VerifyingKey::from_inner(inner.verifying_key());
        let embedded_tr = enc.get(64..64 + TR_LEN).ok_or(invalid)?;
        if !bool::from(embedded_tr.ct_eq(vk.tr())) {
            return Err(invalid);
        }
        Ok(Self { inner, vk })
    }

    /// The matching verifying key.
    #[must_use]
    pub fn verifying_key(&self) -> &VerifyingKey<P> {
        &self.vk
    }

    /// `ML-DSA.Sign_internal` (FIPS 204 Algorithm 7) on μ with a caller-chosen `rnd`.
    ///
    /// # Errors
    /// [`Error::SigningFailed`].
    pub fn sign_mu_with_rnd_hazmat(
        &self,
        mu: &Mu,
        rnd: &[u8; RND_LEN],
    ) -> Result<EncodedSignature<P>> {
        let mu = hybrid_array::Array::from(mu.0);
        self.inner
            .sign_mu_randomized(&mu, &mut FixedBytes(rnd))
            .map(|s| s.encode())
            .map_err(|_| Error::SigningFailed)
    }
}

/// Whether every coefficient of s₁ and s₂ in an `skEncode` string is in range: FIPS 204
/// Algorithm 25 (`skDecode`) unpacks them with `BitUnpack(·, η, η)` (Algorithm 19) as η − c for
/// a bitlen(2η)-bit field c, so a well-formed key has c ≤ 2η. A larger c is an out-of-range
/// coefficient (Wycheproof `InvalidPrivateKey`); `ml_dsa::ExpandedSigningKey::from_expanded`
/// asserts on it, i.e. panics, so [`ExpandedSigningKey::from_bytes_hazmat`] rejects such keys
/// before decoding. Branch-free in the key bytes (loop bounds depend only on the lengths).
#[cfg(feature = "hazmat")]
fn s1_s2_in_range<P: MlDsaSizes>(sk: &[u8]) -> Choice {
    use hybrid_array::typenum::Unsigned;
    // sk = ρ (32) ‖ K (32) ‖ tr (64) ‖ s₁ ‖ s₂ ‖ t₀
    const S_OFFSET: usize = 32 + 32 + TR_LEN;
    let two_eta = 2 * <P::Eta as Unsigned>::U32;
    let bits = 32 - two_eta.leading_zeros(); // bitlen(2η): 3 for η = 2, 4 for η = 4
    let mask = (1u32 << bits) - 1;
    let len = <P::S1Size as Unsigned>::USIZE + <P::S2Size as Unsigned>::USIZE;
    let Some(packed) = sk.get(S_OFFSET..S_OFFSET + len) else {
        return Choice::from(0);
    };
    let (mut acc, mut n, mut bad) = (0u32, 0u32, 0u32);
    for &byte in packed {
        acc |= u32::from(byte) << n;
        n += 8;
        while n >= bits {
            // c ≤ 15, so 2η − c wraps (top bit set) exactly when c > 2η.
            bad |= two_eta.wrapping_sub(acc & mask) >> 31;
            acc >>= bits;
            n -= bits;
        }
    }
    // `bad` is 0 or 1; the cast is lossless.
    Choice::from((bad ^ 1) as u8)
}

#[cfg(feature = "hazmat")]
impl<P: MlDsaSizes> fmt::Debug for ExpandedSigningKey<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ExpandedSigningKey<{}>([REDACTED])", P::NAME)
    }
}
