//! SLH-DSA, the stateless hash-based signature scheme of FIPS 205, in all twelve parameter
//! sets.
//!
//! The canonical private key is the seed triple `SK.seed ‖ SK.prf ‖ PK.seed` (3·n bytes) from
//! which FIPS 205 Algorithm 18 (`slh_keygen_internal`) derives `PK.root`. The full FIPS 205
//! private key (`… ‖ PK.root`, 4·n bytes) is accepted on import after checking that its
//! `PK.root` matches the seeds.
//!
//! Signing is hedged by default (`opt_rand` from the RNG) and deterministic on request
//! (`opt_rand = PK.seed`, FIPS 205 Algorithm 22), with context strings of 0–255 bytes.

use core::fmt;

use hybrid_array::typenum::Unsigned;
use slh_dsa::signature::Keypair;
use subtle::{Choice, ConstantTimeEq};
use zeroize::Zeroizing;

use crate::error::{Error, Field, Result, check_ctx, check_len};
use crate::rng::{TryCryptoRng, fill};

pub use slh_dsa::{
    ParameterSet, Sha2_128f, Sha2_128s, Sha2_192f, Sha2_192s, Sha2_256f, Sha2_256s, Shake128f,
    Shake128s, Shake192f, Shake192s, Shake256f, Shake256s,
};

/// The largest seed length of any parameter set (3·n with n = 32).
pub const MAX_SEED_LEN: usize = 96;

/// Sizes of a parameter set, in bytes (FIPS 205 Table 2).
pub trait SlhDsaSizes: ParameterSet {
    /// Security parameter n.
    const N: usize;
    /// Seed length, 3·n.
    const SEED_LEN: usize = 3 * Self::N;
    /// Full private-key length, 4·n.
    const SECRET_KEY_LEN: usize = 4 * Self::N;
    /// Public-key length, 2·n.
    const PUBLIC_KEY_LEN: usize = 2 * Self::N;
    /// Signature length.
    const SIGNATURE_LEN: usize;
}

impl<P: ParameterSet> SlhDsaSizes for P {
    const N: usize = <P as slh_dsa::VerifyingKeyLen>::VkLen::USIZE / 2;
    const SIGNATURE_LEN: usize = <P as slh_dsa::SignatureLen>::SigLen::USIZE;
}

/// The encoded signature of parameter set `P`.
pub type EncodedSignature<P> = hybrid_array::Array<u8, <P as slh_dsa::SignatureLen>::SigLen>;
/// The encoded verifying key of parameter set `P`.
pub type EncodedVerifyingKey<P> = hybrid_array::Array<u8, <P as slh_dsa::VerifyingKeyLen>::VkLen>;

/// An SLH-DSA signing key. Zeroizes on drop; `Debug` is redacted; equality is constant-time.
#[derive(Clone)]
pub struct SigningKey<P: ParameterSet> {
    inner: slh_dsa::SigningKey<P>,
}

impl<P: ParameterSet> SigningKey<P> {
    /// Derives the key pair from `SK.seed ‖ SK.prf ‖ PK.seed` (FIPS 205 Algorithm 18,
    /// `slh_keygen_internal`).
    ///
    /// # Errors
    /// [`Error::InvalidLength`] unless `seed` is 3·n bytes.
    pub fn from_seed(seed: &[u8]) -> Result<Self> {
        check_len(Field::Seed, P::SEED_LEN, seed.len())?;
        let (sk_seed, rest) = seed.split_at(P::N);
        let (sk_prf, pk_seed) = rest.split_at(P::N);
        Ok(Self {
            inner: slh_dsa::SigningKey::<P>::slh_keygen_internal(sk_seed, sk_prf, pk_seed),
        })
    }

    /// Generates a key pair from `rng` (FIPS 205 Algorithm 21, `slh_keygen`).
    ///
    /// # Errors
    /// [`Error::Rng`] if the generator fails.
    pub fn generate<R: TryCryptoRng + ?Sized>(rng: &mut R) -> Result<Self> {
        let mut seed = Zeroizing::new([0u8; MAX_SEED_LEN]);
        let seed = seed.get_mut(..P::SEED_LEN).ok_or(Error::Rng)?;
        fill(rng, seed)?;
        Self::from_seed(seed)
    }

    /// Imports the full FIPS 205 private key `SK.seed ‖ SK.prf ‖ PK.seed ‖ PK.root`, checking
    /// that `PK.root` is the one the seeds derive.
    ///
    /// # Errors
    /// [`Error::InvalidLength`], or [`Error::InvalidKey`] if `PK.root` does not match.
    pub fn from_bytes(sk: &[u8]) -> Result<Self> {
        check_len(Field::SecretKey, P::SECRET_KEY_LEN, sk.len())?;
        let (seed, root) = sk.split_at(P::SEED_LEN);
        let key = Self::from_seed(seed)?;
        let ours = key.inner.verifying_key().to_bytes();
        let our_root = ours.get(P::N..).ok_or(Error::InvalidKey {
            field: Field::SecretKey,
        })?;
        if bool::from(our_root.ct_eq(root)) {
            Ok(key)
        } else {
            Err(Error::InvalidKey {
                field: Field::SecretKey,
            })
        }
    }

    /// Writes the canonical private key (the 3·n-byte seed triple) to `out` and returns its
    /// length.
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`] if `out` is shorter than 3·n.
    pub fn write_seed(&self, out: &mut [u8]) -> Result<usize> {
        let full = Zeroizing::new(self.inner.to_bytes());
        let out = crate::error::out_buf(Field::Seed, out, P::SEED_LEN)?;
        out.copy_from_slice(full.get(..P::SEED_LEN).ok_or(Error::InvalidKey {
            field: Field::SecretKey,
        })?);
        Ok(P::SEED_LEN)
    }

    /// The full FIPS 205 private key, 4·n bytes.
    #[must_use]
    pub fn to_bytes(
        &self,
    ) -> Zeroizing<hybrid_array::Array<u8, <P as slh_dsa::SigningKeyLen>::SkLen>>
    where
        hybrid_array::Array<u8, <P as slh_dsa::SigningKeyLen>::SkLen>: zeroize::Zeroize,
    {
        Zeroizing::new(self.inner.to_bytes())
    }

    /// The matching verifying key.
    #[must_use]
    pub fn verifying_key(&self) -> VerifyingKey<P> {
        VerifyingKey {
            inner: self.inner.as_ref().clone(),
        }
    }

    /// Hedged signing (FIPS 205 Algorithm 22, `slh_sign`, with fresh `opt_rand`).
    ///
    /// # Errors
    /// [`Error::ContextTooLong`] or [`Error::Rng`].
    pub fn sign<R: TryCryptoRng + ?Sized>(
        &self,
        msg: &[u8],
        ctx: &[u8],
        rng: &mut R,
    ) -> Result<EncodedSignature<P>> {
        check_ctx(ctx)?;
        let mut opt_rand = Zeroizing::new([0u8; 32]);
        let opt_rand = opt_rand.get_mut(..P::N).ok_or(Error::Rng)?;
        fill(rng, opt_rand)?;
        self.sign_with(msg, ctx, Some(opt_rand))
    }

    /// Deterministic signing (FIPS 205 Algorithm 22 with `opt_rand = PK.seed`).
    ///
    /// # Errors
    /// [`Error::ContextTooLong`].
    pub fn sign_deterministic(&self, msg: &[u8], ctx: &[u8]) -> Result<EncodedSignature<P>> {
        check_ctx(ctx)?;
        self.sign_with(msg, ctx, None)
    }

    fn sign_with(
        &self,
        msg: &[u8],
        ctx: &[u8],
        opt_rand: Option<&[u8]>,
    ) -> Result<EncodedSignature<P>> {
        self.inner
            .try_sign_with_context(msg, ctx, opt_rand)
            .map(|s| s.to_bytes())
            .map_err(|_| Error::ContextTooLong {
                max: crate::MAX_CONTEXT_LEN,
                actual: ctx.len(),
            })
    }
}

impl<P: ParameterSet> fmt::Debug for SigningKey<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey<{}>([REDACTED])", P::NAME)
    }
}

impl<P: ParameterSet> ConstantTimeEq for SigningKey<P> {
    fn ct_eq(&self, other: &Self) -> Choice {
        let a = Zeroizing::new(self.inner.to_bytes());
        let b = Zeroizing::new(other.inner.to_bytes());
        a.as_slice().ct_eq(b.as_slice())
    }
}

impl<P: ParameterSet> PartialEq for SigningKey<P> {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other).into()
    }
}

impl<P: ParameterSet> Eq for SigningKey<P> {}

/// An SLH-DSA verifying key `PK.seed ‖ PK.root`.
#[derive(Clone, PartialEq, Eq)]
pub struct VerifyingKey<P: ParameterSet> {
    inner: slh_dsa::VerifyingKey<P>,
}

impl<P: ParameterSet> fmt::Debug for VerifyingKey<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VerifyingKey<{}>", P::NAME)
    }
}

impl<P: ParameterSet> VerifyingKey<P> {
    /// Decodes `PK.seed ‖ PK.root`.
    ///
    /// # Errors
    /// [`Error::InvalidLength`] unless `bytes` is 2·n bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        check_len(Field::PublicKey, P::PUBLIC_KEY_LEN, bytes.len())?;
        slh_dsa::VerifyingKey::<P>::try_from(bytes)
            .map(|inner| Self { inner })
            .map_err(|_| Error::MalformedEncoding {
                field: Field::PublicKey,
            })
    }

    /// The encoded key.
    #[must_use]
    pub fn to_bytes(&self) -> EncodedVerifyingKey<P> {
        self.inner.to_bytes()
    }

    /// Verifies a pure SLH-DSA signature (FIPS 205 Algorithm 24, `slh_verify`).
    ///
    /// # Errors
    /// [`Error::ContextTooLong`], [`Error::InvalidLength`] (signature) or
    /// [`Error::VerificationFailed`].
    pub fn verify(&self, msg: &[u8], ctx: &[u8], sig: &[u8]) -> Result<()> {
        check_ctx(ctx)?;
        let sig = Self::decode_sig(sig)?;
        self.inner
            .try_verify_with_context(msg, ctx, &sig)
            .map_err(|_| Error::VerificationFailed)
    }

    /// Verifies a signature over the internal message `M'` (FIPS 205 Algorithm 20,
    /// `slh_verify_internal`), for known-answer tests of the internal interface.
    ///
    /// # Errors
    /// [`Error::InvalidLength`] (signature) or [`Error::VerificationFailed`].
    #[cfg(feature = "hazmat")]
    pub fn verify_internal_hazmat(&self, msg: &[u8], sig: &[u8]) -> Result<()> {
        let sig = Self::decode_sig(sig)?;
        self.inner
            .slh_verify_internal(&[msg], &sig)
            .map_err(|_| Error::VerificationFailed)
    }

    fn decode_sig(sig: &[u8]) -> Result<slh_dsa::Signature<P>> {
        check_len(Field::Signature, P::SIGNATURE_LEN, sig.len())?;
        slh_dsa::Signature::<P>::try_from(sig).map_err(|_| Error::MalformedEncoding {
            field: Field::Signature,
        })
    }
}

macro_rules! slh_aliases {
    ($($p:ident => $sk:ident, $vk:ident;)*) => {$(
        #[doc = concat!("SLH-DSA-", stringify!($p), " signing key.")]
        pub type $sk = SigningKey<$p>;
        #[doc = concat!("SLH-DSA-", stringify!($p), " verifying key.")]
        pub type $vk = VerifyingKey<$p>;
    )*};
}

slh_aliases! {
    Sha2_128s => SlhDsaSha2_128sSigningKey, SlhDsaSha2_128sVerifyingKey;
    Sha2_128f => SlhDsaSha2_128fSigningKey, SlhDsaSha2_128fVerifyingKey;
    Sha2_192s => SlhDsaSha2_192sSigningKey, SlhDsaSha2_192sVerifyingKey;
    Sha2_192f => SlhDsaSha2_192fSigningKey, SlhDsaSha2_192fVerifyingKey;
    Sha2_256s => SlhDsaSha2_256sSigningKey, SlhDsaSha2_256sVerifyingKey;
    Sha2_256f => SlhDsaSha2_256fSigningKey, SlhDsaSha2_256fVerifyingKey;
    Shake128s => SlhDsaShake128sSigningKey, SlhDsaShake128sVerifyingKey;
    Shake128f => SlhDsaShake128fSigningKey, SlhDsaShake128fVerifyingKey;
    Shake192s => SlhDsaShake192sSigningKey, SlhDsaShake192sVerifyingKey;
    Shake192f => SlhDsaShake192fSigningKey, SlhDsaShake192fVerifyingKey;
    Shake256s => SlhDsaShake256sSigningKey, SlhDsaShake256sVerifyingKey;
    Shake256f => SlhDsaShake256fSigningKey, SlhDsaShake256fVerifyingKey;
}
