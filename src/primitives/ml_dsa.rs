//! ML-DSA, the module-lattice signature scheme of FIPS 204, in its three parameter sets.
//!
//! * Keys come from the 32-byte seed ξ (FIPS 204 Algorithm 6, `ML-DSA.KeyGen_internal`); the
//!   seed is the canonical private key.
//! * Signing is hedged by default (fresh 32-byte `rnd`, Algorithm 2 `ML-DSA.Sign`) and
//!   deterministic on request (`rnd` = 0³²).
//! * Context strings of 0–255 bytes (pure ML-DSA, `M' = 0 ‖ |ctx| ‖ ctx ‖ M`).
//! * Streaming: [`MessageHasher`] absorbs the message chunk by chunk into the external μ
//!   (`μ = SHAKE256(tr ‖ M', 64)`, FIPS 204 §6.2 and Algorithm 7 line 6) with no allocation;
//!   `SigningKey::sign_mu` (feature `backend-rustcrypto`) and [`VerifyingKey::verify_mu`] finish the job.
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
use core::marker::PhantomData;

use shake::Shake256;
use shake::digest::{ExtendableOutput, Update, XofReader};
use subtle::{Choice, ConstantTimeEq};
use zeroize::Zeroizing;

pub use super::backend::{DefaultBackend, DefaultDsaBackend, MlDsaBackend};
use super::bytes::ByteArray;
use super::ml_dsa_compact as compact;
use super::seed_key;
#[cfg(any(doc, all(feature = "hazmat", feature = "backend-rustcrypto")))]
use crate::error::Error;
use crate::error::{Field, Result, check_ctx, check_len};
use crate::message::ZeroPadded;
use crate::rng::{TryCryptoRng, fill};
use crate::secret::Secret;

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

/// ML-DSA-44 expanded signing-key length (`skEncode`, FIPS 204 Algorithm 24).
pub const ML_DSA_44_EXPANDED_KEY_LEN: usize = 2560;
/// ML-DSA-65 expanded signing-key length.
pub const ML_DSA_65_EXPANDED_KEY_LEN: usize = 4032;
/// ML-DSA-87 expanded signing-key length.
pub const ML_DSA_87_EXPANDED_KEY_LEN: usize = 4896;

mod sealed {
    pub trait Sealed {}
}

/// An ML-DSA parameter set (FIPS 204 §4, Table 1): [`MlDsa44`], [`MlDsa65`] or [`MlDsa87`].
/// Everything generic code needs: [`MlDsaSizes`] and the default backend's functions.
pub trait MlDsaParams: MlDsaSizes + super::backend::MlDsaBinding {}

impl<T: MlDsaSizes + super::backend::MlDsaBinding> MlDsaParams for T {}

/// The sizes and types of an ML-DSA parameter set.
pub trait MlDsaSizes: sealed::Sealed + Copy + Default + fmt::Debug + 'static {
    /// The name FIPS 204 gives the parameter set.
    const NAME: &'static str;
    /// Public-key length.
    const PUBLIC_KEY_LEN: usize;
    /// Signature length.
    const SIGNATURE_LEN: usize;
    /// Expanded signing-key length (`skEncode`).
    const EXPANDED_KEY_LEN: usize;
    /// The parameter set as the compact verifier sees it.
    const COMPACT: &'static compact::Params;
    /// The encoded public key, `[u8; PUBLIC_KEY_LEN]`.
    type PublicKey: ByteArray;
    /// The encoded signature, `[u8; SIGNATURE_LEN]`.
    type Signature: ByteArray;
    /// The matching RustCrypto `ml-dsa` parameter type.
    #[cfg(feature = "backend-rustcrypto")]
    #[doc(hidden)]
    type RustCrypto: ::ml_dsa::MlDsaParams;
}

macro_rules! ml_dsa_params {
    ($(#[$doc:meta])* $name:ident, $label:literal, $pk:expr, $sig:expr, $sk:expr, $compact:expr, $rc:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        pub struct $name;

        impl sealed::Sealed for $name {}

        impl MlDsaSizes for $name {
            const NAME: &'static str = $label;
            const PUBLIC_KEY_LEN: usize = $pk;
            const SIGNATURE_LEN: usize = $sig;
            const EXPANDED_KEY_LEN: usize = $sk;
            const COMPACT: &'static compact::Params = &$compact;
            type PublicKey = [u8; $pk];
            type Signature = [u8; $sig];
            #[cfg(feature = "backend-rustcrypto")]
            type RustCrypto = ::ml_dsa::$rc;
        }
    };
}

ml_dsa_params!(
    /// ML-DSA-44: security category 2.
    MlDsa44, "ML-DSA-44", ML_DSA_44_PUBLIC_KEY_LEN, ML_DSA_44_SIGNATURE_LEN,
    ML_DSA_44_EXPANDED_KEY_LEN, compact::ML_DSA_44, MlDsa44
);
ml_dsa_params!(
    /// ML-DSA-65: security category 3.
    MlDsa65, "ML-DSA-65", ML_DSA_65_PUBLIC_KEY_LEN, ML_DSA_65_SIGNATURE_LEN,
    ML_DSA_65_EXPANDED_KEY_LEN, compact::ML_DSA_65, MlDsa65
);
ml_dsa_params!(
    /// ML-DSA-87: security category 5.
    MlDsa87, "ML-DSA-87", ML_DSA_87_PUBLIC_KEY_LEN, ML_DSA_87_SIGNATURE_LEN,
    ML_DSA_87_EXPANDED_KEY_LEN, compact::ML_DSA_87, MlDsa87
);

/// The encoded signature of parameter set `P`.
pub type EncodedSignature<P> = <P as MlDsaSizes>::Signature;
/// The encoded verifying key of parameter set `P`.
pub type EncodedVerifyingKey<P> = <P as MlDsaSizes>::PublicKey;

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

/// An ML-DSA signing key: the seed ξ and the backend's key derived from it, with the verifying
/// key (and its hash `tr`) cached. Zeroizes on drop; `Debug` is redacted; equality is
/// constant-time on the seed.
///
/// `B` is the lattice backend ([`crate::primitives::backend`]); the default is the one the
/// build's features select.
pub struct SigningKey<P: MlDsaParams, B: MlDsaBackend<P> = DefaultDsaBackend> {
    seed: Secret<SEED_LEN>,
    inner: B::Sk,
    vk: VerifyingKey<P, B>,
}

impl<P: MlDsaParams, B: MlDsaBackend<P>> Clone for SigningKey<P, B> {
    fn clone(&self) -> Self {
        Self {
            seed: self.seed.clone(),
            inner: self.inner.clone(),
            vk: self.vk.clone(),
        }
    }
}

impl<P: MlDsaParams, B: MlDsaBackend<P>> seed_key::SeedKey<SEED_LEN> for SigningKey<P, B> {
    fn from_seed_array(seed: &[u8; SEED_LEN]) -> Self {
        Self::from_seed(seed)
    }
}

impl<P: MlDsaParams, B: MlDsaBackend<P>> SigningKey<P, B> {
    /// Derives the key pair from the seed ξ (FIPS 204 Algorithm 6, `ML-DSA.KeyGen_internal`).
    #[must_use]
    pub fn from_seed(seed: &[u8; SEED_LEN]) -> Self {
        let (inner, vk) = B::keygen(seed);
        let tr = tr_of(B::vk_to_bytes(&vk).as_ref());
        Self {
            seed: Secret::new(*seed),
            inner,
            vk: VerifyingKey {
                inner: vk,
                tr,
                _p: PhantomData,
            },
        }
    }

    /// [`Self::from_seed`] from a slice, checking its length.
    ///
    /// # Errors
    /// [`Error::InvalidLength`] unless `seed` is 32 bytes.
    pub fn from_seed_slice(seed: &[u8]) -> Result<Self> {
        seed_key::from_slice(seed)
    }

    /// Generates a key pair from `rng` (FIPS 204 Algorithm 1, `ML-DSA.KeyGen`).
    ///
    /// # Errors
    /// [`Error::Rng`] if the generator fails.
    pub fn generate<R: TryCryptoRng + ?Sized>(rng: &mut R) -> Result<Self> {
        seed_key::generate(rng)
    }

    /// The canonical private key, the seed ξ.
    #[must_use]
    pub fn seed(&self) -> &[u8; SEED_LEN] {
        self.seed.as_bytes()
    }

    /// The matching verifying key.
    #[must_use]
    pub fn verifying_key(&self) -> &VerifyingKey<P, B> {
        &self.vk
    }

    /// The expanded key `skEncode` (FIPS 204 Algorithm 24). Legacy; for tests that compare
    /// implementations. The canonical private key is [`Self::seed`].
    #[cfg(all(feature = "hazmat", feature = "alloc"))]
    #[must_use]
    pub fn expanded_key_hazmat(&self) -> Zeroizing<alloc::vec::Vec<u8>> {
        let mut out = Zeroizing::new(alloc::vec![0u8; P::EXPANDED_KEY_LEN]);
        B::sk_expanded_to(&self.inner, &mut out);
        out
    }

    /// Constant-time check that `expanded` is this key's `skEncode` (FIPS 204 Algorithm 24),
    /// byte for byte.
    #[must_use]
    pub fn expanded_key_ct_eq(&self, expanded: &[u8]) -> Choice {
        let mut ours = Zeroizing::new([0u8; ML_DSA_87_EXPANDED_KEY_LEN]);
        match ours.get_mut(..P::EXPANDED_KEY_LEN) {
            Some(buf) => {
                B::sk_expanded_to(&self.inner, buf);
                buf.ct_eq(expanded)
            }
            None => Choice::from(0),
        }
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
        check_ctx(ctx)?;
        let mut rnd = Secret::<RND_LEN>::zero();
        fill(rng, rnd.as_mut())?;
        B::sign(&self.inner, msg, ctx, rnd.as_bytes())
    }

    /// Deterministic signing (FIPS 204 Algorithm 2 with `rnd` = 0³²).
    ///
    /// # Errors
    /// [`Error::ContextTooLong`] or [`Error::SigningFailed`].
    pub fn sign_deterministic(&self, msg: &[u8], ctx: &[u8]) -> Result<EncodedSignature<P>> {
        check_ctx(ctx)?;
        B::sign(&self.inner, msg, ctx, &[0u8; RND_LEN])
    }

    /// Pure ML-DSA signing with a caller-chosen `rnd` (FIPS 204 Algorithm 2 with its line 1
    /// replaced). For known-answer tests only.
    ///
    /// # Errors
    /// [`Error::ContextTooLong`] or [`Error::SigningFailed`].
    #[cfg(feature = "hazmat")]
    pub fn sign_with_rnd_hazmat(
        &self,
        msg: &[u8],
        ctx: &[u8],
        rnd: &[u8; RND_LEN],
    ) -> Result<EncodedSignature<P>> {
        check_ctx(ctx)?;
        B::sign(&self.inner, msg, ctx, rnd)
    }
}

/// Signing over an external μ. `libcrux-ml-dsa` 0.0.11 has no entry point for it, so these
/// run on the RustCrypto backend (feature `backend-rustcrypto`), with a key derived from the
/// same seed, whatever `B` is: the signatures are the same bytes either way (both backends are
/// checked against each other and the ACVP vectors).
#[cfg(feature = "backend-rustcrypto")]
impl<P: MlDsaParams, B: MlDsaBackend<P>> SigningKey<P, B> {
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
        super::backend::rustcrypto_sign_mu::<P>(self.seed.as_bytes(), mu, rnd)
    }
}

impl<P: MlDsaParams, B: MlDsaBackend<P>> fmt::Debug for SigningKey<P, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey<{}, {}>([REDACTED])", P::NAME, B::NAME)
    }
}

impl<P: MlDsaParams, B: MlDsaBackend<P>> ConstantTimeEq for SigningKey<P, B> {
    fn ct_eq(&self, other: &Self) -> Choice {
        self.seed().ct_eq(other.seed())
    }
}

impl<P: MlDsaParams, B: MlDsaBackend<P>> PartialEq for SigningKey<P, B> {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other).into()
    }
}

impl<P: MlDsaParams, B: MlDsaBackend<P>> Eq for SigningKey<P, B> {}

/// An ML-DSA verifying key, with its hash `tr` cached.
///
/// [`Self::verify`] runs on the backend `B`; [`Self::verify_mu`] runs on the compact verifier
/// ([`crate::primitives::ml_dsa_compact`]), which serves every backend. (The feature
/// `compact-verify` moves the byte-level paths — agile layer, composites, firmware, C ABI — to
/// the compact verifier; a typed caller picks explicitly.)
pub struct VerifyingKey<P: MlDsaParams, B: MlDsaBackend<P> = DefaultDsaBackend> {
    inner: B::Vk,
    tr: [u8; TR_LEN],
    _p: PhantomData<P>,
}

impl<P: MlDsaParams, B: MlDsaBackend<P>> Clone for VerifyingKey<P, B> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            tr: self.tr,
            _p: PhantomData,
        }
    }
}

impl<P: MlDsaParams, B: MlDsaBackend<P>> fmt::Debug for VerifyingKey<P, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "VerifyingKey<{}, {}>({:?})",
            P::NAME,
            B::NAME,
            self.inner
        )
    }
}

impl<P: MlDsaParams, B: MlDsaBackend<P>> PartialEq for VerifyingKey<P, B> {
    fn eq(&self, other: &Self) -> bool {
        B::vk_to_bytes(&self.inner) == B::vk_to_bytes(&other.inner)
    }
}

impl<P: MlDsaParams, B: MlDsaBackend<P>> VerifyingKey<P, B> {
    /// Decodes a public key (FIPS 204 Algorithm 23, `pkDecode`). Every correctly sized string
    /// decodes (t₁ is 10-bit packed), so only the length is checked.
    ///
    /// # Errors
    /// [`Error::InvalidLength`] for a wrong length.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        check_len(Field::PublicKey, P::PUBLIC_KEY_LEN, bytes.len())?;
        Ok(Self {
            inner: B::vk_from_bytes(bytes)?,
            // The hash of the given encoding: no re-encoding of t₁.
            tr: tr_of(bytes),
            _p: PhantomData,
        })
    }

    /// The encoded key (FIPS 204 Algorithm 22, `pkEncode`).
    #[must_use]
    pub fn to_bytes(&self) -> EncodedVerifyingKey<P> {
        B::vk_to_bytes(&self.inner)
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
        check_ctx(ctx)?;
        check_len(Field::Signature, P::SIGNATURE_LEN, sig.len())?;
        B::verify(&self.inner, msg, ctx, sig)
    }

    /// Verifies a signature over a precomputed μ (FIPS 204 Algorithm 8 from line 7), on the
    /// compact verifier.
    ///
    /// # Errors
    /// As [`Self::verify`], without the context check.
    pub fn verify_mu(&self, mu: &Mu, sig: &[u8]) -> Result<()> {
        compact::verify_mu(P::COMPACT, self.to_bytes().as_ref(), &mu.0, sig)
    }
}

/// `VerifyingKey::from_bytes(pk)?.verify(M, ctx, sig)` for a message `M = head ‖ 0^zeros`
/// ([`ZeroPadded`](crate::message::ZeroPadded)), for callers that hold the key only as bytes (the agile layer, the
/// composites, the firmware verifier). A contiguous message goes to the default backend (to
/// the compact verifier with `compact-verify`); a padded one is hashed into μ chunk by chunk
/// and verified by the compact verifier, which works from the key's encoding and keeps only a
/// few polynomials on the stack.
///
/// Checks, in order: public-key length, context length, signature length, signature
/// decoding, the signature itself (errors as [`VerifyingKey::verify`]).
#[inline(never)]
pub(crate) fn verify_encoded<P: MlDsaParams>(
    pk: &[u8],
    ctx: &[u8],
    msg: ZeroPadded<'_>,
    sig: &[u8],
) -> Result<()> {
    check_len(Field::PublicKey, P::PUBLIC_KEY_LEN, pk.len())?;
    check_ctx(ctx)?;
    check_len(Field::Signature, P::SIGNATURE_LEN, sig.len())?;
    if !cfg!(feature = "compact-verify") && msg.zeros == 0 {
        let vk = <DefaultBackend as MlDsaBackend<P>>::vk_from_bytes(pk)?;
        return <DefaultBackend as MlDsaBackend<P>>::verify(&vk, msg.head, ctx, sig);
    }
    let mut h = MessageHasher::new(&compact::public_key_hash(pk), ctx)?;
    msg.for_each_chunk(|chunk| h.update(chunk));
    compact::verify_mu(P::COMPACT, pk, &h.finalize().0, sig)
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
#[cfg(all(feature = "hazmat", feature = "backend-rustcrypto"))]
///
/// Needs `backend-rustcrypto` (it is that backend's decoder).
#[derive(Clone)]
pub struct ExpandedSigningKey<P: MlDsaParams> {
    inner: ::ml_dsa::ExpandedSigningKey<P::RustCrypto>,
    vk: VerifyingKey<P>,
}

#[cfg(all(feature = "hazmat", feature = "backend-rustcrypto"))]
impl<P: MlDsaParams> ExpandedSigningKey<P> {
    /// Decodes and checks an expanded signing key (FIPS 204 Algorithm 25, `skDecode`).
    ///
    /// # Errors
    /// [`Error::InvalidLength`], or [`Error::InvalidKey`] if an `s₁`/`s₂` coefficient is out of
    /// range, or the key is not canonical or not consistent with its `tr`.
    #[allow(deprecated)] // the expanded form is legacy; ACVP still tests it
    pub fn from_bytes_hazmat(bytes: &[u8]) -> Result<Self> {
        check_len(Field::ExpandedKey, P::EXPANDED_KEY_LEN, bytes.len())?;
        let enc =
            ::ml_dsa::ExpandedSigningKeyBytes::<P::RustCrypto>::try_from(bytes).map_err(|_| {
                Error::InvalidLength {
                    field: Field::ExpandedKey,
                    expected: P::EXPANDED_KEY_LEN,
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
        let inner = ::ml_dsa::ExpandedSigningKey::<P::RustCrypto>::from_expanded(&enc);
        if !bool::from(inner.to_expanded().as_slice().ct_eq(enc.as_slice())) {
            return Err(invalid);
        }
        let vk = VerifyingKey::from_bytes(inner.verifying_key().encode().as_slice())?;
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
        let sig = self
            .inner
            .sign_mu_randomized(&mu, &mut crate::rng::FixedBytes(rnd))
            .map_err(|_| Error::SigningFailed)?;
        P::Signature::try_from_slice(sig.encode().as_slice()).ok_or(Error::SigningFailed)
    }
}

/// Whether every coefficient of s₁ and s₂ in an `skEncode` string is in range: FIPS 204
/// Algorithm 25 (`skDecode`) unpacks them with `BitUnpack(·, η, η)` (Algorithm 19) as η − c for
/// a bitlen(2η)-bit field c, so a well-formed key has c ≤ 2η. A larger c is an out-of-range
/// coefficient (Wycheproof `InvalidPrivateKey`); `ml_dsa::ExpandedSigningKey::from_expanded`
/// asserts on it, i.e. panics, so [`ExpandedSigningKey::from_bytes_hazmat`] rejects such keys
/// before decoding. Branch-free in the key bytes (loop bounds depend only on the lengths).
#[cfg(all(feature = "hazmat", feature = "backend-rustcrypto"))]
fn s1_s2_in_range<P: MlDsaParams>(sk: &[u8]) -> Choice {
    use hybrid_array::typenum::Unsigned;
    // sk = ρ (32) ‖ K (32) ‖ tr (64) ‖ s₁ ‖ s₂ ‖ t₀
    const S_OFFSET: usize = 32 + 32 + TR_LEN;
    fn sizes<Q: ::ml_dsa::MlDsaParams>() -> (u32, usize) {
        (
            <Q::Eta as Unsigned>::U32,
            <Q::S1Size as Unsigned>::USIZE + <Q::S2Size as Unsigned>::USIZE,
        )
    }
    let (eta, len) = sizes::<P::RustCrypto>();
    let two_eta = 2 * eta;
    let bits = 32 - two_eta.leading_zeros(); // bitlen(2η): 3 for η = 2, 4 for η = 4
    let mask = (1u32 << bits) - 1;
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

#[cfg(all(feature = "hazmat", feature = "backend-rustcrypto"))]
impl<P: MlDsaParams> fmt::Debug for ExpandedSigningKey<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ExpandedSigningKey<{}>([REDACTED])", P::NAME)
    }
}
