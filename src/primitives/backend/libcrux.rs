//! The libcrux backend: `libcrux-ml-kem` and `libcrux-ml-dsa` 0.0.11 (feature
//! `backend-libcrux`, the default). Formally verified (hax/F*); on x86-64 the AVX2 code is
//! chosen at run time when the CPU has it (`libcrux-platform`), portable code everywhere else.
//!
//! libcrux keeps private keys in their expanded encodings (FIPS 203 `dk`, FIPS 204 `skEncode`)
//! and derives what it needs on each call; its key types do not zeroize, so the states here
//! wrap them and wipe the bytes on drop.

use core::fmt;

use libcrux_ml_dsa::{MLDSASignature, MLDSASigningKey, MLDSAVerificationKey};
use libcrux_ml_kem::{MlKemCiphertext, MlKemPrivateKey, MlKemPublicKey};
use zeroize::Zeroize;

use super::{Libcrux, MlDsaBackend, MlKemBackend};
use crate::error::{Error, Field, Result};
use crate::primitives::{ml_dsa, ml_kem};
use crate::secret::{Secret, SharedSecret};

/// An ML-KEM decapsulation key: libcrux's expanded `dk` (wiped on drop) and the `ek` it holds.
pub struct MlKemDk<const DK: usize, const EK: usize> {
    dk: MlKemPrivateKey<DK>,
    ek: MlKemPublicKey<EK>,
}

impl<const DK: usize, const EK: usize> Clone for MlKemDk<DK, EK> {
    fn clone(&self) -> Self {
        Self {
            dk: MlKemPrivateKey::from(self.dk.as_slice()),
            ek: MlKemPublicKey::from(self.ek.as_slice()),
        }
    }
}

impl<const DK: usize, const EK: usize> Drop for MlKemDk<DK, EK> {
    fn drop(&mut self) {
        self.dk[0..].zeroize();
    }
}

/// An ML-KEM encapsulation key, validated (FIPS 203 §7.2).
pub struct MlKemEk<const EK: usize>(MlKemPublicKey<EK>);

impl<const EK: usize> Clone for MlKemEk<EK> {
    fn clone(&self) -> Self {
        Self(MlKemPublicKey::from(self.0.as_slice()))
    }
}

impl<const EK: usize> fmt::Debug for MlKemEk<EK> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MlKemEk(")?;
        for b in self.0.as_slice().iter().take(8) {
            write!(f, "{b:02x}")?;
        }
        f.write_str("…)")
    }
}

use super::MlKemOps;

impl<P: ml_kem::MlKemParams> MlKemBackend<P> for Libcrux {
    type Dk = <P as MlKemOps<Libcrux>>::Dk;
    type Ek = <P as MlKemOps<Libcrux>>::Ek;
    fn dk_from_seed(seed: &[u8; ml_kem::SEED_LEN]) -> Self::Dk {
        <P as MlKemOps<Libcrux>>::dk_from_seed(seed)
    }
    fn dk_from_expanded(bytes: &[u8]) -> Result<Self::Dk> {
        <P as MlKemOps<Libcrux>>::dk_from_expanded(bytes)
    }
    fn dk_expanded_to(dk: &Self::Dk, out: &mut [u8]) {
        <P as MlKemOps<Libcrux>>::dk_expanded_to(dk, out);
    }
    fn ek_of(dk: &Self::Dk) -> Self::Ek {
        <P as MlKemOps<Libcrux>>::ek_of(dk)
    }
    fn ek_from_bytes(bytes: &[u8]) -> Result<Self::Ek> {
        <P as MlKemOps<Libcrux>>::ek_from_bytes(bytes)
    }
    fn ek_to_bytes(ek: &Self::Ek) -> P::EncapsulationKeyBytes {
        <P as MlKemOps<Libcrux>>::ek_to_bytes(ek)
    }
    fn encaps(ek: &Self::Ek, m: &[u8; 32]) -> (P::Ciphertext, SharedSecret) {
        <P as MlKemOps<Libcrux>>::encaps(ek, m)
    }
    fn decaps(dk: &Self::Dk, ct: &[u8]) -> Result<SharedSecret> {
        <P as MlKemOps<Libcrux>>::decaps(dk, ct)
    }
}

macro_rules! ml_kem_backend {
    ($p:ty, $m:ident) => {
        impl MlKemOps<Libcrux> for $p {
            type Dk = MlKemDk<
                { <$p as ml_kem::MlKemSizes>::EXPANDED_KEY_LEN },
                { <$p as ml_kem::MlKemSizes>::ENCAPSULATION_KEY_LEN },
            >;
            type Ek = MlKemEk<{ <$p as ml_kem::MlKemSizes>::ENCAPSULATION_KEY_LEN }>;

            fn dk_from_seed(seed: &[u8; ml_kem::SEED_LEN]) -> Self::Dk {
                let pair = libcrux_ml_kem::$m::generate_key_pair(*seed);
                let (dk, ek) = pair.into_parts();
                MlKemDk { dk, ek }
            }

            fn dk_from_expanded(bytes: &[u8]) -> Result<Self::Dk> {
                let invalid = Error::InvalidKey {
                    field: Field::ExpandedKey,
                };
                let dk = MlKemPrivateKey::try_from(bytes).map_err(|_| invalid)?;
                let key = MlKemDk {
                    ek: MlKemPublicKey::try_from(
                        bytes
                            .get(
                                <$p as ml_kem::MlKemSizes>::EXPANDED_KEY_LEN
                                    - 64
                                    - <$p as ml_kem::MlKemSizes>::ENCAPSULATION_KEY_LEN
                                    ..<$p as ml_kem::MlKemSizes>::EXPANDED_KEY_LEN - 64,
                            )
                            .ok_or(invalid)?,
                    )
                    .map_err(|_| invalid)?,
                    dk,
                };
                // §7.3: H(ek) = h (the ciphertext argument is only a type check, and
                // libcrux's types make it one); §7.2 on the embedded ek.
                let ct = MlKemCiphertext::default();
                if libcrux_ml_kem::$m::validate_private_key(&key.dk, &ct)
                    && libcrux_ml_kem::$m::validate_public_key(&key.ek)
                {
                    Ok(key)
                } else {
                    Err(invalid)
                }
            }

            fn dk_expanded_to(dk: &Self::Dk, out: &mut [u8]) {
                for (o, i) in out.iter_mut().zip(dk.dk.as_slice().iter()) {
                    *o = *i;
                }
            }

            fn ek_of(dk: &Self::Dk) -> Self::Ek {
                MlKemEk(MlKemPublicKey::from(dk.ek.as_slice()))
            }

            fn ek_from_bytes(bytes: &[u8]) -> Result<Self::Ek> {
                let ek = MlKemPublicKey::try_from(bytes).map_err(|_| Error::MalformedEncoding {
                    field: Field::PublicKey,
                })?;
                if libcrux_ml_kem::$m::validate_public_key(&ek) {
                    Ok(MlKemEk(ek))
                } else {
                    Err(Error::InvalidKey {
                        field: Field::PublicKey,
                    })
                }
            }

            fn ek_to_bytes(ek: &Self::Ek) -> <$p as ml_kem::MlKemSizes>::EncapsulationKeyBytes {
                *ek.0.as_slice()
            }

            fn encaps(
                ek: &Self::Ek,
                m: &[u8; 32],
            ) -> (<$p as ml_kem::MlKemSizes>::Ciphertext, SharedSecret) {
                let (ct, mut ss) = libcrux_ml_kem::$m::encapsulate(&ek.0, *m);
                let out = (*ct.as_slice(), Secret::new(ss));
                ss.zeroize();
                out
            }

            fn decaps(dk: &Self::Dk, ct: &[u8]) -> Result<SharedSecret> {
                let ct = MlKemCiphertext::try_from(ct).map_err(|_| Error::InvalidLength {
                    field: Field::Ciphertext,
                    expected: <$p as ml_kem::MlKemSizes>::CIPHERTEXT_LEN,
                    actual: ct.len(),
                })?;
                let mut ss = libcrux_ml_kem::$m::decapsulate(&dk.dk, &ct);
                let out = Secret::new(ss);
                ss.zeroize();
                Ok(out)
            }
        }
    };
}

ml_kem_backend!(ml_kem::MlKem512, mlkem512);
ml_kem_backend!(ml_kem::MlKem768, mlkem768);
ml_kem_backend!(ml_kem::MlKem1024, mlkem1024);

/// An ML-DSA signing key: libcrux's `skEncode` bytes, wiped on drop.
pub struct MlDsaSk<const SK: usize>(MLDSASigningKey<SK>);

impl<const SK: usize> Clone for MlDsaSk<SK> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<const SK: usize> Drop for MlDsaSk<SK> {
    fn drop(&mut self) {
        self.0.as_mut_slice().zeroize();
    }
}

/// An ML-DSA verifying key: libcrux's `pkEncode` bytes.
#[derive(Clone)]
pub struct MlDsaVk<const PK: usize>(MLDSAVerificationKey<PK>);

impl<const PK: usize> fmt::Debug for MlDsaVk<PK> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MlDsaVk(")?;
        for b in self.0.as_slice().iter().take(8) {
            write!(f, "{b:02x}")?;
        }
        f.write_str("…)")
    }
}

fn verification_error(e: libcrux_ml_dsa::VerificationError) -> Error {
    use libcrux_ml_dsa::VerificationError as V;
    match e {
        V::MalformedHintError | V::SignerResponseExceedsBoundError => Error::MalformedEncoding {
            field: Field::Signature,
        },
        V::CommitmentHashesDontMatchError => Error::VerificationFailed,
        V::VerificationContextTooLongError => Error::ContextTooLong {
            max: crate::MAX_CONTEXT_LEN,
            actual: crate::MAX_CONTEXT_LEN + 1,
        },
    }
}

/// The libcrux functions of one ML-DSA parameter set (a supertrait of
/// [`MlDsaParams`](crate::primitives::ml_dsa::MlDsaParams) with this backend compiled in).
/// Same contract as [`MlDsaBackend`].
#[doc(hidden)]
pub trait MlDsaOps: ml_dsa::MlDsaSizes {
    /// See [`MlDsaBackend::Sk`].
    type Sk: Clone;
    /// See [`MlDsaBackend::Vk`].
    type Vk: Clone + fmt::Debug;
    /// See [`MlDsaBackend::keygen`].
    fn keygen(seed: &[u8; ml_dsa::SEED_LEN]) -> (Self::Sk, Self::Vk);
    /// See [`MlDsaBackend::vk_from_bytes`].
    fn vk_from_bytes(bytes: &[u8]) -> Result<Self::Vk>;
    /// See [`MlDsaBackend::vk_to_bytes`].
    fn vk_to_bytes(vk: &Self::Vk) -> Self::PublicKey;
    /// See [`MlDsaBackend::sk_expanded_to`].
    fn sk_expanded_to(sk: &Self::Sk, out: &mut [u8]);
    /// See [`MlDsaBackend::sign`].
    fn sign(sk: &Self::Sk, msg: &[u8], ctx: &[u8], rnd: &[u8; 32]) -> Result<Self::Signature>;
    /// See [`MlDsaBackend::verify`].
    fn verify(vk: &Self::Vk, msg: &[u8], ctx: &[u8], sig: &[u8]) -> Result<()>;
}

impl<P: ml_dsa::MlDsaParams> MlDsaBackend<P> for Libcrux {
    type Sk = <P as MlDsaOps>::Sk;
    type Vk = <P as MlDsaOps>::Vk;
    fn keygen(seed: &[u8; ml_dsa::SEED_LEN]) -> (Self::Sk, Self::Vk) {
        P::keygen(seed)
    }
    fn vk_from_bytes(bytes: &[u8]) -> Result<Self::Vk> {
        P::vk_from_bytes(bytes)
    }
    fn vk_to_bytes(vk: &Self::Vk) -> P::PublicKey {
        P::vk_to_bytes(vk)
    }
    fn sk_expanded_to(sk: &Self::Sk, out: &mut [u8]) {
        P::sk_expanded_to(sk, out);
    }
    fn sign(sk: &Self::Sk, msg: &[u8], ctx: &[u8], rnd: &[u8; 32]) -> Result<P::Signature> {
        P::sign(sk, msg, ctx, rnd)
    }
    fn verify(vk: &Self::Vk, msg: &[u8], ctx: &[u8], sig: &[u8]) -> Result<()> {
        P::verify(vk, msg, ctx, sig)
    }
}

macro_rules! ml_dsa_backend {
    ($p:ty, $m:ident) => {
        impl MlDsaOps for $p {
            type Sk = MlDsaSk<{ <$p as ml_dsa::MlDsaSizes>::EXPANDED_KEY_LEN }>;
            type Vk = MlDsaVk<{ <$p as ml_dsa::MlDsaSizes>::PUBLIC_KEY_LEN }>;

            fn keygen(seed: &[u8; ml_dsa::SEED_LEN]) -> (Self::Sk, Self::Vk) {
                let pair = libcrux_ml_dsa::$m::generate_key_pair(*seed);
                (MlDsaSk(pair.signing_key), MlDsaVk(pair.verification_key))
            }

            fn vk_from_bytes(bytes: &[u8]) -> Result<Self::Vk> {
                let arr = bytes.try_into().map_err(|_| Error::InvalidLength {
                    field: Field::PublicKey,
                    expected: <$p as ml_dsa::MlDsaSizes>::PUBLIC_KEY_LEN,
                    actual: bytes.len(),
                })?;
                Ok(MlDsaVk(MLDSAVerificationKey::new(arr)))
            }

            fn vk_to_bytes(vk: &Self::Vk) -> <$p as ml_dsa::MlDsaSizes>::PublicKey {
                *vk.0.as_ref()
            }

            fn sk_expanded_to(sk: &Self::Sk, out: &mut [u8]) {
                for (o, i) in out.iter_mut().zip(sk.0.as_slice().iter()) {
                    *o = *i;
                }
            }

            fn sign(
                sk: &Self::Sk,
                msg: &[u8],
                ctx: &[u8],
                rnd: &[u8; 32],
            ) -> Result<<$p as ml_dsa::MlDsaSizes>::Signature> {
                let sig = libcrux_ml_dsa::$m::sign(&sk.0, msg, ctx, *rnd)
                    .map_err(|_| Error::SigningFailed)?;
                Ok(*sig.as_ref())
            }

            fn verify(vk: &Self::Vk, msg: &[u8], ctx: &[u8], sig: &[u8]) -> Result<()> {
                let arr = sig.try_into().map_err(|_| Error::InvalidLength {
                    field: Field::Signature,
                    expected: <$p as ml_dsa::MlDsaSizes>::SIGNATURE_LEN,
                    actual: sig.len(),
                })?;
                libcrux_ml_dsa::$m::verify(&vk.0, msg, ctx, &MLDSASignature::new(arr))
                    .map_err(verification_error)
            }
        }
    };
}

ml_dsa_backend!(ml_dsa::MlDsa44, ml_dsa_44);
ml_dsa_backend!(ml_dsa::MlDsa65, ml_dsa_65);
ml_dsa_backend!(ml_dsa::MlDsa87, ml_dsa_87);
