//! Composite signing (draft §4.2, `Composite-ML-DSA.Sign`), the private key (draft §5.2) and
//! key derivation from a root seed.

use core::fmt;

use shake::Shake256;
use shake::digest::{ExtendableOutput, Update, XofReader};
use subtle::{Choice, ConstantTimeEq};
use zeroize::Zeroizing;

use super::params::MAX_TRAD_SIG_LEN;
use super::prehash::MessageRepresentative;
use super::{
    CompositeParams, KEYGEN_DOMAIN, MLDSA_SEED_LEN, MessageDigest, PreHasher, ROOT_SEED_LEN,
    Traditional, VerifyingKey,
};
use crate::error::{Error, Field, Result, check_ctx, check_len, out_buf};
use crate::primitives::ml_dsa;
use crate::rng::{TryCryptoRng, fill};
use crate::secret::Secret;

/// Hedged or deterministic ML-DSA randomness.
enum Rnd<'a, R: ?Sized> {
    Hedged(&'a mut R),
    Deterministic,
}

/// A composite signing key: the ML-DSA seed ξ (with its expanded key) and the traditional
/// private key. Zeroizes on drop; `Debug` is redacted; equality is constant-time.
pub struct SigningKey<C: CompositeParams> {
    mldsa: ml_dsa::SigningKey<C::MlDsa>,
    trad: <C::Trad as Traditional>::SigningKey,
    // The ML-DSA signing key already holds its verifying key; only the traditional one is
    // cached here, so a composite key costs no second copy of the (large) ML-DSA public key.
    trad_vk: <C::Trad as Traditional>::VerifyingKey,
}

impl<C: CompositeParams> SigningKey<C> {
    fn from_parts(
        mldsa: ml_dsa::SigningKey<C::MlDsa>,
        trad: <C::Trad as Traditional>::SigningKey,
    ) -> Self {
        let trad_vk = C::Trad::verifying_key(&trad);
        Self {
            mldsa,
            trad,
            trad_vk,
        }
    }

    /// Decodes the draft private key `mldsaSeed ‖ tradSK` (draft §5.2; Ed25519: the 32-byte
    /// private key, ECDSA: RFC 5915 `ECPrivateKey` with parameters and without the public key,
    /// matched exactly).
    ///
    /// # Errors
    /// [`Error::InvalidLength`], [`Error::MalformedEncoding`] (an ECDSA key that is not the
    /// expected `ECPrivateKey` encoding) or [`Error::InvalidKey`] (an ECDSA scalar of zero or
    /// ≥ n).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        check_len(Field::SecretKey, C::SECRET_KEY_LEN, bytes.len())?;
        let (seed, trad) = bytes
            .split_at_checked(MLDSA_SEED_LEN)
            .ok_or(Error::InvalidLength {
                field: Field::SecretKey,
                expected: C::SECRET_KEY_LEN,
                actual: bytes.len(),
            })?;
        let mldsa = ml_dsa::SigningKey::<C::MlDsa>::from_seed_slice(seed)?;
        let trad = C::Trad::decode_sk(trad)?;
        Ok(Self::from_parts(mldsa, trad))
    }

    /// The draft private key `mldsaSeed ‖ tradSK`.
    #[must_use]
    pub fn to_bytes(&self) -> Zeroizing<C::SecretKeyBytes> {
        let mut out = Zeroizing::new(C::zero_sk());
        self.write_into(out.as_mut());
        out
    }

    /// Writes the draft private key to the start of `out`; returns
    /// [`CompositeParams::SECRET_KEY_LEN`].
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`] (nothing written).
    pub fn write_bytes(&self, out: &mut [u8]) -> Result<usize> {
        let out = out_buf(Field::SecretKey, out, C::SECRET_KEY_LEN)?;
        self.write_into(out);
        Ok(C::SECRET_KEY_LEN)
    }

    /// `out` has exactly `SECRET_KEY_LEN` bytes.
    fn write_into(&self, out: &mut [u8]) {
        if let Some((m, t)) = out.split_at_mut_checked(MLDSA_SEED_LEN) {
            m.copy_from_slice(self.mldsa.seed());
            C::Trad::encode_sk(&self.trad, t);
        }
    }

    /// Derives the key from a 32-byte root seed, as specified byte for byte in the
    /// [module documentation](super#key-derivation-from-a-root-seed-pqhybrid-specific).
    ///
    /// # Errors
    /// [`Error::InvalidKey`] only if ECDSA rejection sampling fails 256 times (probability
    /// below 2⁻⁸⁰⁰⁰).
    // Inlined into each caller (key generation, the agile held key from a seed): a frame of its
    // own between the caller's and ML-DSA's key generation costs 13 KiB of Cortex-M stack.
    #[inline(always)]
    pub fn from_root_seed(root_seed: &[u8; ROOT_SEED_LEN]) -> Result<Self> {
        let mut xof = Shake256::default();
        xof.update(KEYGEN_DOMAIN);
        // Every label is at most MAX_LABEL_LEN (64) bytes, checked at compile time.
        xof.update(&[
            u8::try_from(C::LABEL.len()).map_err(|_| Error::InvalidKey { field: Field::Seed })?
        ]);
        xof.update(C::LABEL);
        xof.update(root_seed);
        let mut reader = xof.finalize_xof();
        let mut seed = Secret::<MLDSA_SEED_LEN>::zero();
        reader.read(seed.as_mut());
        let mldsa = ml_dsa::SigningKey::<C::MlDsa>::from_seed(seed.as_bytes());
        let trad = C::Trad::derive_sk(&mut reader)?;
        Ok(Self::from_parts(mldsa, trad))
    }

    /// [`Self::from_root_seed`] from a slice.
    ///
    /// # Errors
    /// [`Error::InvalidLength`] unless `root_seed` is 32 bytes, or as
    /// [`Self::from_root_seed`].
    #[inline(always)]
    pub fn from_root_seed_slice(root_seed: &[u8]) -> Result<Self> {
        Self::from_root_seed(crate::error::array_ref(Field::Seed, root_seed)?)
    }

    /// A fresh key: [`Self::from_root_seed`] on 32 bytes from `rng`.
    ///
    /// # Errors
    /// [`Error::Rng`].
    pub fn generate<R: TryCryptoRng + ?Sized>(rng: &mut R) -> Result<Self> {
        let mut seed = Secret::<ROOT_SEED_LEN>::zero();
        fill(rng, seed.as_mut())?;
        Self::from_root_seed(seed.as_bytes())
    }

    /// The matching verifying key.
    #[must_use]
    pub fn verifying_key(&self) -> VerifyingKey<C> {
        VerifyingKey {
            mldsa: self.mldsa.verifying_key().clone(),
            trad: self.trad_vk.clone(),
        }
    }

    /// Writes the public key `mldsaPK ‖ tradPK` to the start of `out` without building a
    /// [`VerifyingKey`]; returns [`CompositeParams::PUBLIC_KEY_LEN`].
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`] (nothing written).
    pub fn write_public_key(&self, out: &mut [u8]) -> Result<usize> {
        let out = out_buf(Field::PublicKey, out, C::PUBLIC_KEY_LEN)?;
        let mldsa_len = <C::MlDsa as ml_dsa::MlDsaSizes>::PUBLIC_KEY_LEN;
        if let Some((m, t)) = out.split_at_mut_checked(mldsa_len) {
            m.copy_from_slice(self.mldsa.verifying_key().to_bytes().as_ref());
            C::Trad::encode_vk(&self.trad_vk, t);
        }
        Ok(C::PUBLIC_KEY_LEN)
    }

    /// A streaming pre-hasher for this algorithm.
    #[must_use]
    pub fn prehasher(&self) -> PreHasher<C> {
        PreHasher::new()
    }

    /// Signs `msg` under context `ctx` (draft §4.2, `Composite-ML-DSA.Sign`), hedged: the
    /// ML-DSA component draws a fresh `rnd` from `rng`. Writes the signature to the start of
    /// `out`, which must hold [`CompositeParams::MAX_SIGNATURE_LEN`] bytes, and returns its
    /// length (smaller than the maximum for most ECDSA signatures).
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`], [`Error::ContextTooLong`], [`Error::Rng`],
    /// [`Error::SigningFailed`]. Nothing is written on error.
    pub fn sign<R: TryCryptoRng + ?Sized>(
        &self,
        msg: &[u8],
        ctx: &[u8],
        rng: &mut R,
        out: &mut [u8],
    ) -> Result<usize> {
        self.sign_checked(msg, ctx, Rnd::Hedged(rng), out)
    }

    /// Deterministic signing (ML-DSA `rnd` = 0³²). Outputs and errors as [`Self::sign`],
    /// without [`Error::Rng`].
    ///
    /// # Errors
    /// As [`Self::sign`].
    pub fn sign_deterministic(&self, msg: &[u8], ctx: &[u8], out: &mut [u8]) -> Result<usize> {
        self.sign_checked::<crate::rng::FixedBytes<'_>>(msg, ctx, Rnd::Deterministic, out)
    }

    /// [`Self::sign`] with `PH(M)` computed by a [`PreHasher`].
    ///
    /// # Errors
    /// As [`Self::sign`].
    pub fn sign_prehashed<R: TryCryptoRng + ?Sized>(
        &self,
        digest: &MessageDigest<C>,
        ctx: &[u8],
        rng: &mut R,
        out: &mut [u8],
    ) -> Result<usize> {
        self.sign_digest(digest, ctx, Rnd::Hedged(rng), out)
    }

    /// [`Self::sign_deterministic`] with `PH(M)` computed by a [`PreHasher`].
    ///
    /// # Errors
    /// As [`Self::sign`].
    pub fn sign_prehashed_deterministic(
        &self,
        digest: &MessageDigest<C>,
        ctx: &[u8],
        out: &mut [u8],
    ) -> Result<usize> {
        self.sign_digest::<crate::rng::FixedBytes<'_>>(digest, ctx, Rnd::Deterministic, out)
    }

    /// Checks the buffer and context before hashing the message.
    fn sign_checked<R: TryCryptoRng + ?Sized>(
        &self,
        msg: &[u8],
        ctx: &[u8],
        rnd: Rnd<'_, R>,
        out: &mut [u8],
    ) -> Result<usize> {
        out_buf(Field::Signature, out, C::MAX_SIGNATURE_LEN)?;
        check_ctx(ctx)?;
        self.sign_digest(&PreHasher::digest(msg), ctx, rnd, out)
    }

    fn sign_digest<R: TryCryptoRng + ?Sized>(
        &self,
        digest: &MessageDigest<C>,
        ctx: &[u8],
        rnd: Rnd<'_, R>,
        out: &mut [u8],
    ) -> Result<usize> {
        let out = out_buf(Field::Signature, out, C::MAX_SIGNATURE_LEN)?;
        let m_prime = MessageRepresentative::new(ctx, digest)?;
        // Both components are computed before anything is written.
        let mut trad = [0u8; MAX_TRAD_SIG_LEN];
        let trad_len = C::Trad::sign(&self.trad, m_prime.as_bytes(), &mut trad)?;
        let trad = trad.get(..trad_len).ok_or(Error::SigningFailed)?;
        // Pure ML-DSA over M' with the label as context (draft §4.2).
        let mldsa = match rnd {
            Rnd::Hedged(rng) => self.mldsa.sign(m_prime.as_bytes(), C::LABEL, rng)?,
            Rnd::Deterministic => self
                .mldsa
                .sign_deterministic(m_prime.as_bytes(), C::LABEL)?,
        };
        let mldsa = mldsa.as_ref();
        let total = mldsa.len() + trad.len();
        let (m_out, rest) = out
            .split_at_mut_checked(mldsa.len())
            .ok_or(Error::SigningFailed)?;
        let t_out = rest.get_mut(..trad.len()).ok_or(Error::SigningFailed)?;
        m_out.copy_from_slice(mldsa);
        t_out.copy_from_slice(trad);
        Ok(total)
    }
}

impl<C: CompositeParams> Clone for SigningKey<C> {
    fn clone(&self) -> Self {
        Self {
            mldsa: self.mldsa.clone(),
            trad: self.trad.clone(),
            trad_vk: self.trad_vk.clone(),
        }
    }
}

impl<C: CompositeParams> fmt::Debug for SigningKey<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey<{}>([REDACTED])", C::NAME)
    }
}

impl<C: CompositeParams> ConstantTimeEq for SigningKey<C> {
    fn ct_eq(&self, other: &Self) -> Choice {
        self.mldsa.ct_eq(&other.mldsa) & self.trad.ct_eq(&other.trad)
    }
}

impl<C: CompositeParams> PartialEq for SigningKey<C> {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other).into()
    }
}

impl<C: CompositeParams> Eq for SigningKey<C> {}
