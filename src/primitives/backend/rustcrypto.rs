//! The RustCrypto backend: `ml-kem` 0.3 and `ml-dsa` 0.1 (feature `backend-rustcrypto`).

#[allow(deprecated)] // only to compare an imported expanded key with the seed's
use ml_kem::ExpandedKeyEncoding;
use ml_kem::{Decapsulate, KeyExport};

use super::{MlDsaBackend, MlKemBackend, MlKemOps, RustCrypto};
use crate::error::{Error, Field, Result};
use crate::primitives::bytes::ByteArray;
use crate::primitives::ml_dsa::{self, MlDsaParams, MlDsaSizes, Mu};
use crate::primitives::ml_kem as ours;
use crate::rng::FixedBytes;
use crate::secret::{Secret, SharedSecret};

impl<P: ours::MlKemParams> MlKemBackend<P> for RustCrypto {
    type Dk = <P as MlKemOps<RustCrypto>>::Dk;
    type Ek = <P as MlKemOps<RustCrypto>>::Ek;
    fn dk_from_seed(seed: &[u8; ours::SEED_LEN]) -> Self::Dk {
        <P as MlKemOps<RustCrypto>>::dk_from_seed(seed)
    }
    fn dk_from_expanded(bytes: &[u8]) -> Result<Self::Dk> {
        <P as MlKemOps<RustCrypto>>::dk_from_expanded(bytes)
    }
    fn dk_expanded_to(dk: &Self::Dk, out: &mut [u8]) {
        <P as MlKemOps<RustCrypto>>::dk_expanded_to(dk, out);
    }
    fn ek_of(dk: &Self::Dk) -> Self::Ek {
        <P as MlKemOps<RustCrypto>>::ek_of(dk)
    }
    fn ek_from_bytes(bytes: &[u8]) -> Result<Self::Ek> {
        <P as MlKemOps<RustCrypto>>::ek_from_bytes(bytes)
    }
    fn ek_to_bytes(ek: &Self::Ek) -> P::EncapsulationKeyBytes {
        <P as MlKemOps<RustCrypto>>::ek_to_bytes(ek)
    }
    fn encaps(ek: &Self::Ek, m: &[u8; 32]) -> (P::Ciphertext, SharedSecret) {
        <P as MlKemOps<RustCrypto>>::encaps(ek, m)
    }
    fn decaps(dk: &Self::Dk, ct: &[u8]) -> Result<SharedSecret> {
        <P as MlKemOps<RustCrypto>>::decaps(dk, ct)
    }
}

macro_rules! ml_kem_backend {
    ($p:ty, $inner:ty) => {
        impl MlKemOps<RustCrypto> for $p {
            type Dk = ::ml_kem::DecapsulationKey<$inner>;
            type Ek = ::ml_kem::EncapsulationKey<$inner>;

            fn dk_from_seed(seed: &[u8; ours::SEED_LEN]) -> Self::Dk {
                ::ml_kem::DecapsulationKey::<$inner>::from_seed((*seed).into())
            }

            fn dk_from_expanded(bytes: &[u8]) -> Result<Self::Dk> {
                let invalid = Error::InvalidKey {
                    field: Field::ExpandedKey,
                };
                let enc = ::ml_kem::ExpandedDecapsulationKey::<$inner>::try_from(bytes)
                    .map_err(|_| invalid)?;
                #[allow(deprecated)] // the expanded form is legacy, but FIPS 203 §7.3 tests it
                ::ml_kem::DecapsulationKey::<$inner>::from_expanded(&enc).map_err(|_| invalid)
            }

            fn dk_expanded_to(dk: &Self::Dk, out: &mut [u8]) {
                #[allow(deprecated)] // only to compare with an imported expanded key
                let enc = zeroize::Zeroizing::new(dk.to_expanded_bytes());
                for (o, i) in out.iter_mut().zip(enc.iter()) {
                    *o = *i;
                }
            }

            fn ek_of(dk: &Self::Dk) -> Self::Ek {
                dk.encapsulation_key().clone()
            }

            fn ek_from_bytes(bytes: &[u8]) -> Result<Self::Ek> {
                let key = ::ml_kem::Key::<::ml_kem::EncapsulationKey<$inner>>::try_from(bytes)
                    .map_err(|_| Error::MalformedEncoding {
                        field: Field::PublicKey,
                    })?;
                ::ml_kem::EncapsulationKey::<$inner>::new(&key).map_err(|_| Error::InvalidKey {
                    field: Field::PublicKey,
                })
            }

            fn ek_to_bytes(ek: &Self::Ek) -> <$p as ours::MlKemSizes>::EncapsulationKeyBytes {
                ek.to_bytes().into()
            }

            fn encaps(
                ek: &Self::Ek,
                m: &[u8; 32],
            ) -> (<$p as ours::MlKemSizes>::Ciphertext, SharedSecret) {
                let (ct, k) = ek.encapsulate_deterministic(&(*m).into());
                (ct.into(), Secret::new(k.into()))
            }

            fn decaps(dk: &Self::Dk, ct: &[u8]) -> Result<SharedSecret> {
                let k = dk.decapsulate_slice(ct).map_err(|_| Error::InvalidLength {
                    field: Field::Ciphertext,
                    expected: <$p as ours::MlKemSizes>::CIPHERTEXT_LEN,
                    actual: ct.len(),
                })?;
                Ok(Secret::new(k.into()))
            }
        }
    };
}

ml_kem_backend!(ours::MlKem512, ::ml_kem::MlKem512);
ml_kem_backend!(ours::MlKem768, ::ml_kem::MlKem768);
ml_kem_backend!(ours::MlKem1024, ::ml_kem::MlKem1024);

/// The RustCrypto key types of parameter set `P`.
type Rc<P> = <P as MlDsaSizes>::RustCrypto;

/// A crate-encoded byte string as ours (same length by construction).
fn to_array<A: ByteArray>(bytes: &[u8]) -> Result<A> {
    A::try_from_slice(bytes).ok_or(Error::SigningFailed)
}

impl<P: MlDsaParams> MlDsaBackend<P> for RustCrypto {
    type Sk = ::ml_dsa::SigningKey<Rc<P>>;
    type Vk = ::ml_dsa::VerifyingKey<Rc<P>>;

    fn keygen(seed: &[u8; ml_dsa::SEED_LEN]) -> (Self::Sk, Self::Vk) {
        use ::ml_dsa::Keypair;
        let sk = ::ml_dsa::SigningKey::<Rc<P>>::from_seed(&(*seed).into());
        let vk = sk.verifying_key();
        (sk, vk)
    }

    fn vk_from_bytes(bytes: &[u8]) -> Result<Self::Vk> {
        let enc = <&::ml_dsa::EncodedVerifyingKey<Rc<P>>>::try_from(bytes).map_err(|_| {
            Error::InvalidLength {
                field: Field::PublicKey,
                expected: P::PUBLIC_KEY_LEN,
                actual: bytes.len(),
            }
        })?;
        Ok(::ml_dsa::VerifyingKey::<Rc<P>>::decode(enc))
    }

    fn vk_to_bytes(vk: &Self::Vk) -> P::PublicKey {
        // Same length by construction; the fallback is unreachable.
        P::PublicKey::try_from_slice(vk.encode().as_slice()).unwrap_or(P::PublicKey::ZERO)
    }

    fn sk_expanded_to(sk: &Self::Sk, out: &mut [u8]) {
        // FIPS 204 Algorithm 24 `skEncode`; the crate deprecates the expanded form for
        // storage, which is why it is only written out to be compared.
        #[allow(deprecated)]
        let enc = zeroize::Zeroizing::new(sk.expanded_key().to_expanded());
        for (o, i) in out.iter_mut().zip(enc.iter()) {
            *o = *i;
        }
    }

    fn sign(sk: &Self::Sk, msg: &[u8], ctx: &[u8], rnd: &[u8; 32]) -> Result<P::Signature> {
        let sig = sk
            .expanded_key()
            .sign_randomized(msg, ctx, &mut FixedBytes(rnd))
            .map_err(|_| Error::SigningFailed)?;
        to_array(sig.encode().as_slice())
    }

    fn verify(vk: &Self::Vk, msg: &[u8], ctx: &[u8], sig: &[u8]) -> Result<()> {
        let enc = <&::ml_dsa::EncodedSignature<Rc<P>>>::try_from(sig).map_err(|_| {
            Error::InvalidLength {
                field: Field::Signature,
                expected: P::SIGNATURE_LEN,
                actual: sig.len(),
            }
        })?;
        let sig = ::ml_dsa::Signature::<Rc<P>>::decode(enc).ok_or(Error::MalformedEncoding {
            field: Field::Signature,
        })?;
        if vk.verify_with_context(msg, ctx, &sig) {
            Ok(())
        } else {
            Err(Error::VerificationFailed)
        }
    }
}

/// `ML-DSA.Sign_internal` from line 7 (FIPS 204 Algorithm 7) on μ, for the key of `seed`:
/// the external-μ signing that the libcrux backend lacks.
pub(crate) fn sign_mu<P: MlDsaParams>(
    seed: &[u8; ml_dsa::SEED_LEN],
    mu: &Mu,
    rnd: &[u8; 32],
) -> Result<P::Signature> {
    let sk = ::ml_dsa::ExpandedSigningKey::<Rc<P>>::from_seed(&(*seed).into());
    let mu = hybrid_array::Array::from(mu.0);
    let sig = sk
        .sign_mu_randomized(&mu, &mut FixedBytes(rnd))
        .map_err(|_| Error::SigningFailed)?;
    to_array(sig.encode().as_slice())
}
