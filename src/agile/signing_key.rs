//! [`SigningKey`]: a signature private key of any algorithm, decoded and expanded once and then
//! held ready to sign.
//!
//! [`SignatureAlgorithm::sign`] takes the canonical private key (the seed) and re-derives the
//! whole key on every call: for ML-DSA that is a key generation (FIPS 204 Algorithm 6,
//! `ML-DSA.KeyGen_internal`) before each signature, about 40 % of the cost of a signature on a
//! Cortex-M4. A signer that signs more than once (a build server, a device that attests)
//! builds a [`SigningKey`] from the same bytes once and signs with it; the signatures are the
//! same bytes as [`SignatureAlgorithm::sign_deterministic`]'s (and, hedged, drawn from the same
//! distribution). No allocation: the key lives inline (at most about 8 KiB, the MLDSA87-ECDSA-P384
//! composite) and is wiped on drop by the typed keys it holds.

// Named by the intra-doc links; in code only by the arms of algorithms a build leaves out.
#[allow(unused_imports)]
use crate::error::Error;
use crate::error::{Field, Result, check_len, out_buf, require_empty_ctx};
// The key types of algorithms a build leaves out (`algorithm-subset`) are not named.
#[allow(unused_imports)]
use crate::hybrid::composite_sig;
#[allow(unused_imports)]
use crate::primitives::{ecdsa, ed25519, ml_dsa, slh_dsa};
use crate::rng::{FixedBytes, TryCryptoRng};

use super::sig_key::SigKey as Held;
use super::signature::SignatureAlgorithm;

/// Declares `Keys` (one variant per algorithm, named as in [`SignatureAlgorithm`], each present
/// only when the build compiles the algorithm in) and the three dispatching functions, with no
/// catch-all arm: a new algorithm fails to compile until it is listed here.
macro_rules! keys {
    ($( $V:ident : $T:ty, ($($pred:tt)*); )*) => {
        // Inline on purpose (no allocator on devices): the enum is as large as its largest key.
        #[allow(clippy::large_enum_variant)]
        /// The held key, one variant per algorithm.
        enum Keys {
            $(
                #[cfg(any(not(feature = "algorithm-subset"), $($pred)*))]
                $V($T),
            )*
        }

        /// Builds the held key of `alg` from its canonical private key (length checked).
        fn build(alg: SignatureAlgorithm, sk: &[u8]) -> Result<Keys> {
            match alg {
                $(
                    SignatureAlgorithm::$V => {
                        #[cfg(any(not(feature = "algorithm-subset"), $($pred)*))]
                        {
                            Ok(Keys::$V(<$T as Held>::from_secret(sk)?))
                        }
                        #[cfg(not(any(not(feature = "algorithm-subset"), $($pred)*)))]
                        {
                            let _ = sk;
                            Err(Error::AlgorithmDisabled)
                        }
                    }
                )*
            }
        }

        /// Builds the held key of `alg` from the seed of `keypair_from_seed` (length checked).
        /// (A function of its own: one `build` for both would be one frame holding every
        /// algorithm's inlined key derivation.)
        fn build_from_seed(alg: SignatureAlgorithm, seed: &[u8]) -> Result<Keys> {
            match alg {
                $(
                    SignatureAlgorithm::$V => {
                        #[cfg(any(not(feature = "algorithm-subset"), $($pred)*))]
                        {
                            Ok(Keys::$V(<$T as Held>::from_seed(seed)?))
                        }
                        #[cfg(not(any(not(feature = "algorithm-subset"), $($pred)*)))]
                        {
                            let _ = seed;
                            Err(Error::AlgorithmDisabled)
                        }
                    }
                )*
            }
        }

        impl Keys {
            #[inline(never)]
            fn sign_into<R: TryCryptoRng + ?Sized>(
                &self,
                msg: &[u8],
                ctx: &[u8],
                rng: Option<&mut R>,
                out: &mut [u8],
            ) -> Result<usize> {
                match self {
                    $(
                        #[cfg(any(not(feature = "algorithm-subset"), $($pred)*))]
                        Keys::$V(k) => Held::sign_into(k, msg, ctx, rng, out),
                    )*
                }
            }

            #[inline(never)]
            fn write_public_key(&self, out: &mut [u8]) -> Result<()> {
                match self {
                    $(
                        #[cfg(any(not(feature = "algorithm-subset"), $($pred)*))]
                        Keys::$V(k) => Held::write_public_key(k, out),
                    )*
                }
            }
        }
    };
}

keys! {
    MlDsa44: ml_dsa::SigningKey<ml_dsa::MlDsa44>, (feature = "alg-ml-dsa-44");
    MlDsa65: ml_dsa::SigningKey<ml_dsa::MlDsa65>, (feature = "alg-ml-dsa-65");
    MlDsa87: ml_dsa::SigningKey<ml_dsa::MlDsa87>, (feature = "alg-ml-dsa-87");
    SlhDsaSha2_128s: slh_dsa::SigningKey<slh_dsa::Sha2_128s>, (feature = "alg-slh-dsa");
    SlhDsaSha2_128f: slh_dsa::SigningKey<slh_dsa::Sha2_128f>, (feature = "alg-slh-dsa");
    SlhDsaSha2_192s: slh_dsa::SigningKey<slh_dsa::Sha2_192s>, (feature = "alg-slh-dsa");
    SlhDsaSha2_192f: slh_dsa::SigningKey<slh_dsa::Sha2_192f>, (feature = "alg-slh-dsa");
    SlhDsaSha2_256s: slh_dsa::SigningKey<slh_dsa::Sha2_256s>, (feature = "alg-slh-dsa");
    SlhDsaSha2_256f: slh_dsa::SigningKey<slh_dsa::Sha2_256f>, (feature = "alg-slh-dsa");
    SlhDsaShake128s: slh_dsa::SigningKey<slh_dsa::Shake128s>, (feature = "alg-slh-dsa");
    SlhDsaShake128f: slh_dsa::SigningKey<slh_dsa::Shake128f>, (feature = "alg-slh-dsa");
    SlhDsaShake192s: slh_dsa::SigningKey<slh_dsa::Shake192s>, (feature = "alg-slh-dsa");
    SlhDsaShake192f: slh_dsa::SigningKey<slh_dsa::Shake192f>, (feature = "alg-slh-dsa");
    SlhDsaShake256s: slh_dsa::SigningKey<slh_dsa::Shake256s>, (feature = "alg-slh-dsa");
    SlhDsaShake256f: slh_dsa::SigningKey<slh_dsa::Shake256f>, (feature = "alg-slh-dsa");
    Ed25519: ed25519::SigningKey, (feature = "alg-ed25519");
    EcdsaP256Sha256: ecdsa::p256::SigningKey, (feature = "alg-ecdsa-p256");
    EcdsaP384Sha384: ecdsa::p384::SigningKey, (feature = "alg-ecdsa-p384");
    MlDsa44Ed25519Sha512: composite_sig::SigningKey<composite_sig::MlDsa44Ed25519Sha512>,
        (all(feature = "alg-ml-dsa-44", feature = "alg-ed25519"));
    MlDsa44EcdsaP256Sha256: composite_sig::SigningKey<composite_sig::MlDsa44EcdsaP256Sha256>,
        (all(feature = "alg-ml-dsa-44", feature = "alg-ecdsa-p256"));
    MlDsa65Ed25519Sha512: composite_sig::SigningKey<composite_sig::MlDsa65Ed25519Sha512>,
        (all(feature = "alg-ml-dsa-65", feature = "alg-ed25519"));
    MlDsa65EcdsaP256Sha512: composite_sig::SigningKey<composite_sig::MlDsa65EcdsaP256Sha512>,
        (all(feature = "alg-ml-dsa-65", feature = "alg-ecdsa-p256"));
    MlDsa65EcdsaP384Sha512: composite_sig::SigningKey<composite_sig::MlDsa65EcdsaP384Sha512>,
        (all(feature = "alg-ml-dsa-65", feature = "alg-ecdsa-p384"));
    MlDsa87EcdsaP384Sha512: composite_sig::SigningKey<composite_sig::MlDsa87EcdsaP384Sha512>,
        (all(feature = "alg-ml-dsa-87", feature = "alg-ecdsa-p384"));
}

/// A private key of any [`SignatureAlgorithm`], decoded and expanded once, held ready to sign.
///
/// ```
/// use pqhybrid::SignatureAlgorithm;
/// use pqhybrid::agile::SigningKey;
/// # fn main() -> pqhybrid::Result<()> {
/// let alg = SignatureAlgorithm::MlDsa65Ed25519Sha512;
/// let mut pk = [0u8; SignatureAlgorithm::MAX_PUBLIC_KEY_LEN];
/// let mut sk = [0u8; SignatureAlgorithm::MAX_SECRET_KEY_LEN];
/// alg.keypair_from_seed(&[7u8; 32], &mut pk, &mut sk)?;
/// let key = SigningKey::new(alg, &sk[..alg.secret_key_len()])?;
/// let mut sig = [0u8; SignatureAlgorithm::MAX_SIGNATURE_LEN];
/// for msg in [&b"image 1"[..], b"image 2"] {
///     let n = key.sign_deterministic(msg, b"", &mut sig)?;
///     alg.verify(&pk[..alg.public_key_len()], msg, b"", &sig[..n])?;
/// }
/// # Ok(()) }
/// ```
pub struct SigningKey {
    alg: SignatureAlgorithm,
    keys: Keys,
}

impl SigningKey {
    /// Decodes (and for ML-DSA, SLH-DSA and the composites expands) the canonical private key
    /// `sk` of `alg` ([`SignatureAlgorithm::secret_key_len`] bytes, the form
    /// [`SignatureAlgorithm::keypair_from_seed`] writes).
    ///
    /// # Errors
    /// [`Error::InvalidLength`], [`Error::MalformedEncoding`] (a composite ECDSA private key
    /// that is not the draft's `ECPrivateKey` encoding), [`Error::InvalidKey`] or
    /// [`Error::AlgorithmDisabled`].
    pub fn new(alg: SignatureAlgorithm, sk: &[u8]) -> Result<Self> {
        check_len(Field::SecretKey, alg.secret_key_len(), sk.len())?;
        Ok(Self {
            alg,
            keys: build(alg, sk)?,
        })
    }

    /// The key [`SignatureAlgorithm::keypair_from_seed`] derives from `seed`
    /// ([`SignatureAlgorithm::seed_len`] bytes), expanded once: one key generation, where
    /// `keypair_from_seed` then [`Self::new`] would run two (the composite private key holds
    /// component seeds, not the root seed). Its public key is [`Self::write_public_key`].
    ///
    /// # Errors
    /// [`Error::InvalidLength`], [`Error::InvalidKey`] (an ECDSA seed that is not a valid
    /// scalar) or [`Error::AlgorithmDisabled`].
    pub fn from_seed(alg: SignatureAlgorithm, seed: &[u8]) -> Result<Self> {
        check_len(Field::Seed, alg.seed_len(), seed.len())?;
        Ok(Self {
            alg,
            keys: build_from_seed(alg, seed)?,
        })
    }

    /// The algorithm.
    #[must_use]
    pub fn algorithm(&self) -> SignatureAlgorithm {
        self.alg
    }

    /// Writes the public key ([`SignatureAlgorithm::public_key_len`] bytes) to the start of
    /// `pk_out`.
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`] (nothing written).
    pub fn write_public_key(&self, pk_out: &mut [u8]) -> Result<()> {
        let out = out_buf(Field::PublicKey, pk_out, self.alg.public_key_len())?;
        self.keys.write_public_key(out)
    }

    /// [`SignatureAlgorithm::sign`] with this key: hedged where the algorithm allows it. Writes
    /// the signature to the start of `sig_out` (which must hold
    /// [`SignatureAlgorithm::signature_len`] bytes) and returns its length.
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`], [`Error::ContextTooLong`], [`Error::ContextNotSupported`] or
    /// [`Error::Rng`]. Nothing is written on error.
    pub fn sign<R: TryCryptoRng + ?Sized>(
        &self,
        msg: &[u8],
        ctx: &[u8],
        rng: &mut R,
        sig_out: &mut [u8],
    ) -> Result<usize> {
        self.sign_impl(msg, ctx, Some(rng), sig_out)
    }

    /// [`SignatureAlgorithm::sign_deterministic`] with this key: the same bytes.
    ///
    /// # Errors
    /// As [`Self::sign`], without [`Error::Rng`].
    pub fn sign_deterministic(&self, msg: &[u8], ctx: &[u8], sig_out: &mut [u8]) -> Result<usize> {
        self.sign_impl::<FixedBytes<'_>>(msg, ctx, None, sig_out)
    }

    fn sign_impl<R: TryCryptoRng + ?Sized>(
        &self,
        msg: &[u8],
        ctx: &[u8],
        rng: Option<&mut R>,
        sig_out: &mut [u8],
    ) -> Result<usize> {
        let out = out_buf(Field::Signature, sig_out, self.alg.signature_len())?;
        if !self.alg.supports_context() {
            require_empty_ctx(ctx)?;
        }
        self.keys.sign_into(msg, ctx, rng, out)
    }
}

impl core::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SigningKey")
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}
