//! Composite verification (draft §4.3, `Composite-ML-DSA.Verify`) and the public key (draft
//! §5.1).

use core::fmt;

use super::prehash::MessageRepresentative;
use super::{CompositeParams, MessageDigest, PreHasher, Traditional};
use crate::error::{Error, Field, Result, check_ctx, check_len, out_buf};
use crate::message::ZeroPadded;
use crate::primitives::ml_dsa;

/// A composite verifying key: the ML-DSA and the traditional public key.
pub struct VerifyingKey<C: CompositeParams> {
    pub(super) mldsa: ml_dsa::VerifyingKey<C::MlDsa>,
    pub(super) trad: <C::Trad as Traditional>::VerifyingKey,
}

impl<C: CompositeParams> VerifyingKey<C> {
    /// Decodes `mldsaPK ‖ tradPK` (draft §5.1), checking both halves: the length, and that the
    /// traditional key is a valid point (Ed25519: a curve point; ECDSA: an uncompressed SEC1
    /// point on the curve, not the identity).
    ///
    /// # Errors
    /// [`Error::InvalidLength`] or [`Error::MalformedEncoding`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        check_len(Field::PublicKey, C::PUBLIC_KEY_LEN, bytes.len())?;
        let mldsa_len = <C::MlDsa as ml_dsa::MlDsaSizes>::PUBLIC_KEY_LEN;
        let (m, t) = bytes
            .split_at_checked(mldsa_len)
            .ok_or(Error::InvalidLength {
                field: Field::PublicKey,
                expected: C::PUBLIC_KEY_LEN,
                actual: bytes.len(),
            })?;
        let mldsa = ml_dsa::VerifyingKey::<C::MlDsa>::from_bytes(m)?;
        let trad = C::Trad::decode_vk(t)?;
        Ok(Self { mldsa, trad })
    }

    /// The encoding `mldsaPK ‖ tradPK`.
    #[must_use]
    pub fn to_bytes(&self) -> C::PublicKeyBytes {
        let mut out = C::zero_pk();
        self.write_into(out.as_mut());
        out
    }

    /// Writes `mldsaPK ‖ tradPK` to the start of `out`; returns [`CompositeParams::PUBLIC_KEY_LEN`].
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`] (nothing written).
    pub fn write_bytes(&self, out: &mut [u8]) -> Result<usize> {
        let out = out_buf(Field::PublicKey, out, C::PUBLIC_KEY_LEN)?;
        self.write_into(out);
        Ok(C::PUBLIC_KEY_LEN)
    }

    /// `out` has exactly `PUBLIC_KEY_LEN` bytes.
    fn write_into(&self, out: &mut [u8]) {
        let mldsa_len = <C::MlDsa as ml_dsa::MlDsaSizes>::PUBLIC_KEY_LEN;
        if let Some((m, t)) = out.split_at_mut_checked(mldsa_len) {
            m.copy_from_slice(self.mldsa.to_bytes().as_ref());
            C::Trad::encode_vk(&self.trad, t);
        }
    }

    /// A streaming pre-hasher for this algorithm.
    #[must_use]
    pub fn prehasher(&self) -> PreHasher<C> {
        PreHasher::new()
    }

    /// Verifies a composite signature over `msg` and context `ctx` (draft §4.3,
    /// `Composite-ML-DSA.Verify`). Both components must verify.
    ///
    /// # Errors
    /// [`Error::ContextTooLong`], [`Error::InvalidLength`] (signature shorter than
    /// [`CompositeParams::MIN_SIGNATURE_LEN`] or longer than
    /// [`CompositeParams::MAX_SIGNATURE_LEN`]; `expected` is the maximum),
    /// [`Error::MalformedEncoding`] (an ML-DSA component that does not decode, an ECDSA
    /// component that is not strict DER), or [`Error::VerificationFailed`].
    pub fn verify(&self, msg: &[u8], ctx: &[u8], sig: &[u8]) -> Result<()> {
        check_ctx(ctx)?;
        self.verify_prehashed(&PreHasher::digest(msg), ctx, sig)
    }

    /// [`Self::verify`] with `PH(M)` computed by a [`PreHasher`].
    ///
    /// # Errors
    /// As [`Self::verify`].
    pub fn verify_prehashed(
        &self,
        digest: &MessageDigest<C>,
        ctx: &[u8],
        sig: &[u8],
    ) -> Result<()> {
        let m_prime = MessageRepresentative::new(ctx, digest)?;
        let (mldsa_sig, trad_sig) = split_signature::<C>(sig)?;
        let mldsa_ok = self.mldsa.verify(m_prime.as_bytes(), C::LABEL, mldsa_sig);
        let trad_ok = C::Trad::verify(&self.trad, m_prime.as_bytes(), trad_sig);
        mldsa_ok.and(trad_ok)
    }
}

/// Splits `mldsaSig ‖ tradSig`, checking the total length.
fn split_signature<C: CompositeParams>(sig: &[u8]) -> Result<(&[u8], &[u8])> {
    let bad_len = Error::InvalidLength {
        field: Field::Signature,
        expected: C::MAX_SIGNATURE_LEN,
        actual: sig.len(),
    };
    if sig.len() < C::MIN_SIGNATURE_LEN || sig.len() > C::MAX_SIGNATURE_LEN {
        return Err(bad_len);
    }
    sig.split_at_checked(C::MLDSA_SIGNATURE_LEN).ok_or(bad_len)
}

/// Whether the traditional half of `sig` is in canonical form (see
/// [`Traditional::is_canonical`]); `false` if `sig` does not split.
pub(crate) fn is_canonical<C: CompositeParams>(sig: &[u8]) -> bool {
    split_signature::<C>(sig).is_ok_and(|(_, trad)| C::Trad::is_canonical(trad))
}

/// `VerifyingKey::from_bytes(pk)?.verify(msg, ctx, sig)` for callers that hold the key only as
/// bytes (the agile layer, the firmware verifier), for a message `head ‖ 0^zeros`, with the
/// same checks in the same order. The ML-DSA half is verified from its encoding in place
/// (`ml_dsa::verify_encoded`): the expanded ML-DSA key is decoded once, in that function's
/// frame, instead of being built and moved into a [`VerifyingKey`], and `tr` is not computed
/// twice.
pub(crate) fn verify_encoded<C: CompositeParams>(
    pk: &[u8],
    msg: ZeroPadded<'_>,
    ctx: &[u8],
    sig: &[u8],
) -> Result<()> {
    let (mldsa_pk, trad) = split_public_key::<C>(pk)?;
    check_ctx(ctx)?;
    let mut ph = PreHasher::<C>::new();
    msg.for_each_chunk(|chunk| ph.update(chunk));
    verify_split::<C>(mldsa_pk, &trad, &ph.finalize(), ctx, sig)
}

/// The encoded ML-DSA public key and the decoded traditional one (checks as
/// [`VerifyingKey::from_bytes`]).
fn split_public_key<C: CompositeParams>(
    pk: &[u8],
) -> Result<(&[u8], <C::Trad as Traditional>::VerifyingKey)> {
    check_len(Field::PublicKey, C::PUBLIC_KEY_LEN, pk.len())?;
    let mldsa_len = <C::MlDsa as ml_dsa::MlDsaSizes>::PUBLIC_KEY_LEN;
    let (mldsa_pk, trad_pk) = pk.split_at_checked(mldsa_len).ok_or(Error::InvalidLength {
        field: Field::PublicKey,
        expected: C::PUBLIC_KEY_LEN,
        actual: pk.len(),
    })?;
    Ok((mldsa_pk, C::Trad::decode_vk(trad_pk)?))
}

/// [`VerifyingKey::verify_prehashed`] with the ML-DSA key still encoded.
fn verify_split<C: CompositeParams>(
    mldsa_pk: &[u8],
    trad: &<C::Trad as Traditional>::VerifyingKey,
    digest: &MessageDigest<C>,
    ctx: &[u8],
    sig: &[u8],
) -> Result<()> {
    let m_prime = MessageRepresentative::new(ctx, digest)?;
    let (mldsa_sig, trad_sig) = split_signature::<C>(sig)?;
    let mldsa_ok = ml_dsa::verify_encoded::<C::MlDsa>(
        mldsa_pk,
        C::LABEL,
        ZeroPadded::new(m_prime.as_bytes()),
        mldsa_sig,
    );
    let trad_ok = C::Trad::verify(trad, m_prime.as_bytes(), trad_sig);
    mldsa_ok.and(trad_ok)
}

impl<C: CompositeParams> Clone for VerifyingKey<C> {
    fn clone(&self) -> Self {
        Self {
            mldsa: self.mldsa.clone(),
            trad: self.trad.clone(),
        }
    }
}

impl<C: CompositeParams> PartialEq for VerifyingKey<C> {
    fn eq(&self, other: &Self) -> bool {
        self.mldsa == other.mldsa && self.trad == other.trad
    }
}

impl<C: CompositeParams> fmt::Debug for VerifyingKey<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VerifyingKey<{}>(", C::NAME)?;
        // A short fingerprint of the public key: its first bytes, enough to tell keys apart.
        for b in self.mldsa.tr().iter().take(8) {
            write!(f, "{b:02x}")?;
        }
        f.write_str("…)")
    }
}
