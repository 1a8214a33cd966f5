//! ML-KEM, the module-lattice KEM of FIPS 203, in its three parameter sets.
//!
//! Keys are generic over the parameter set; use the aliases ([`MlKem768DecapsulationKey`], …).
//! The canonical private key is the 64-byte seed `d ‖ z` (FIPS 203 §7.1, Algorithm 16
//! `ML-KEM.KeyGen_internal`); the expanded `dk` is derived from it and kept in memory.
//!
//! ```
//! use pqhybrid::primitives::ml_kem::{MlKem768DecapsulationKey, MlKem768EncapsulationKey};
//! # fn main() -> pqhybrid::Result<()> {
//! let dk = MlKem768DecapsulationKey::from_seed(&[7u8; 64]);
//! let ek = MlKem768EncapsulationKey::from_bytes(&dk.encapsulation_key().to_bytes())?;
//! # #[cfg(feature = "std")] {
//! let (ct, ss) = ek.encapsulate(&mut pqhybrid::rng::OsRng::default())?;
//! assert_eq!(dk.decapsulate(ct.as_ref())?, ss);
//! # }
//! # Ok(()) }
//! ```

use core::fmt;
use core::marker::PhantomData;

use ml_kem::{Decapsulate, KeyExport};
use subtle::{Choice, ConstantTimeEq};

use crate::error::{Error, Field, Result, array_ref, check_len};
use crate::rng::{TryCryptoRng, fill};
use crate::secret::{Secret, SharedSecret};

/// Length of the canonical private key, the seed `d ‖ z` (FIPS 203 §7.1).
pub const SEED_LEN: usize = 64;
/// Length of the shared secret `K`.
pub const SHARED_SECRET_LEN: usize = 32;
/// Length of the encapsulation randomness `m` (FIPS 203 Algorithm 17).
pub const ENCAPS_RANDOMNESS_LEN: usize = 32;

/// ML-KEM-512 encapsulation-key length (384·k + 32, k = 2).
pub const ML_KEM_512_ENCAPSULATION_KEY_LEN: usize = 800;
/// ML-KEM-512 ciphertext length.
pub const ML_KEM_512_CIPHERTEXT_LEN: usize = 768;
/// ML-KEM-512 expanded decapsulation-key length (768·k + 96).
pub const ML_KEM_512_EXPANDED_KEY_LEN: usize = 1632;
/// ML-KEM-768 encapsulation-key length (384·k + 32, k = 3).
pub const ML_KEM_768_ENCAPSULATION_KEY_LEN: usize = 1184;
/// ML-KEM-768 ciphertext length.
pub const ML_KEM_768_CIPHERTEXT_LEN: usize = 1088;
/// ML-KEM-768 expanded decapsulation-key length (768·k + 96).
pub const ML_KEM_768_EXPANDED_KEY_LEN: usize = 2400;
/// ML-KEM-1024 encapsulation-key length (384·k + 32, k = 4).
pub const ML_KEM_1024_ENCAPSULATION_KEY_LEN: usize = 1568;
/// ML-KEM-1024 ciphertext length.
pub const ML_KEM_1024_CIPHERTEXT_LEN: usize = 1568;
/// ML-KEM-1024 expanded decapsulation-key length (768·k + 96).
pub const ML_KEM_1024_EXPANDED_KEY_LEN: usize = 3168;

mod sealed {
    pub trait Sealed {}
}

/// An ML-KEM parameter set (FIPS 203 §8, Table 2). Implemented by [`MlKem512`], [`MlKem768`]
/// and [`MlKem1024`] only.
pub trait MlKemParams: sealed::Sealed + Copy + Default + fmt::Debug + 'static {
    /// The name FIPS 203 gives the parameter set.
    const NAME: &'static str;
    /// Encapsulation-key length in bytes.
    const ENCAPSULATION_KEY_LEN: usize;
    /// Ciphertext length in bytes.
    const CIPHERTEXT_LEN: usize;
    /// Expanded decapsulation-key length in bytes.
    const EXPANDED_KEY_LEN: usize;
    /// The encoded encapsulation key.
    type EncapsulationKeyBytes: AsRef<[u8]> + Clone + fmt::Debug;
    /// The encoded ciphertext.
    type Ciphertext: AsRef<[u8]> + Clone + fmt::Debug;
    #[doc(hidden)]
    type Dk: Clone + PartialEq;
    #[doc(hidden)]
    type Ek: Clone + fmt::Debug;
    #[doc(hidden)]
    fn dk_from_seed(seed: &[u8; SEED_LEN]) -> Self::Dk;
    #[doc(hidden)]
    fn dk_from_expanded(bytes: &[u8]) -> Result<Self::Dk>;
    #[doc(hidden)]
    fn ek_of(dk: &Self::Dk) -> &Self::Ek;
    #[doc(hidden)]
    fn ek_from_bytes(bytes: &[u8]) -> Result<Self::Ek>;
    #[doc(hidden)]
    fn ek_to_bytes(ek: &Self::Ek) -> Self::EncapsulationKeyBytes;
    #[doc(hidden)]
    fn encaps(ek: &Self::Ek, m: &[u8; 32]) -> (Self::Ciphertext, SharedSecret);
    #[doc(hidden)]
    fn decaps(dk: &Self::Dk, ct: &[u8]) -> Result<SharedSecret>;
}

macro_rules! ml_kem_params {
    ($(#[$doc:meta])* $name:ident, $inner:ty, $label:literal, $ek:expr, $ct:expr, $dk:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        pub struct $name;

        impl sealed::Sealed for $name {}

        impl MlKemParams for $name {
            const NAME: &'static str = $label;
            const ENCAPSULATION_KEY_LEN: usize = $ek;
            const CIPHERTEXT_LEN: usize = $ct;
            const EXPANDED_KEY_LEN: usize = $dk;
            type EncapsulationKeyBytes = ml_kem::Key<ml_kem::EncapsulationKey<$inner>>;
            type Ciphertext = ml_kem::Ciphertext<$inner>;
            type Dk = ml_kem::DecapsulationKey<$inner>;
            type Ek = ml_kem::EncapsulationKey<$inner>;

            fn dk_from_seed(seed: &[u8; SEED_LEN]) -> Self::Dk {
                ml_kem::DecapsulationKey::<$inner>::from_seed((*seed).into())
            }

            fn dk_from_expanded(bytes: &[u8]) -> Result<Self::Dk> {
                check_len(Field::ExpandedKey, $dk, bytes.len())?;
                let enc = ml_kem::ExpandedDecapsulationKey::<$inner>::try_from(bytes).map_err(
                    |_| Error::InvalidLength {
                        field: Field::ExpandedKey,
                        expected: $dk,
                        actual: bytes.len(),
                    },
                )?;
                #[allow(deprecated)] // the expanded form is legacy, but FIPS 203 §7.3 tests it
                ml_kem::DecapsulationKey::<$inner>::from_expanded(&enc)
                    .map_err(|_| Error::InvalidKey { field: Field::ExpandedKey })
            }

            fn ek_of(dk: &Self::Dk) -> &Self::Ek {
                dk.encapsulation_key()
            }

            fn ek_from_bytes(bytes: &[u8]) -> Result<Self::Ek> {
                check_len(Field::PublicKey, $ek, bytes.len())?;
                let key = ml_kem::Key::<ml_kem::EncapsulationKey<$inner>>::try_from(bytes)
                    .map_err(|_| Error::MalformedEncoding { field: Field::PublicKey })?;
                ml_kem::EncapsulationKey::<$inner>::new(&key)
                    .map_err(|_| Error::InvalidKey { field: Field::PublicKey })
            }

            fn ek_to_bytes(ek: &Self::Ek) -> Self::EncapsulationKeyBytes {
                ek.to_bytes()
            }

            fn encaps(ek: &Self::Ek, m: &[u8; 32]) -> (Self::Ciphertext, SharedSecret) {
                let (ct, k) = ek.encapsulate_deterministic(&(*m).into());
                (ct, Secret::new(k.into()))
            }

            fn decaps(dk: &Self::Dk, ct: &[u8]) -> Result<SharedSecret> {
                check_len(Field::Ciphertext, $ct, ct.len())?;
                let k = dk.decapsulate_slice(ct).map_err(|_| Error::InvalidLength {
                    field: Field::Ciphertext,
                    expected: $ct,
                    actual: ct.len(),
                })?;
                Ok(Secret::new(k.into()))
            }
        }
    };
}

ml_kem_params!(
    /// ML-KEM-512: security category 1.
    MlKem512, ml_kem::MlKem512, "ML-KEM-512",
    ML_KEM_512_ENCAPSULATION_KEY_LEN, ML_KEM_512_CIPHERTEXT_LEN, ML_KEM_512_EXPANDED_KEY_LEN
);
ml_kem_params!(
    /// ML-KEM-768: security category 3.
    MlKem768, ml_kem::MlKem768, "ML-KEM-768",
    ML_KEM_768_ENCAPSULATION_KEY_LEN, ML_KEM_768_CIPHERTEXT_LEN, ML_KEM_768_EXPANDED_KEY_LEN
);
ml_kem_params!(
    /// ML-KEM-1024: security category 5.
    MlKem1024, ml_kem::MlKem1024, "ML-KEM-1024",
    ML_KEM_1024_ENCAPSULATION_KEY_LEN, ML_KEM_1024_CIPHERTEXT_LEN, ML_KEM_1024_EXPANDED_KEY_LEN
);

/// An ML-KEM decapsulation (private) key.
///
/// Holds the 64-byte seed (when it was made from one) and the expanded key derived from it.
/// Zeroizes on drop; `Debug` is redacted; equality is constant-time on the expanded key.
#[derive(Clone)]
pub struct DecapsulationKey<P: MlKemParams> {
    seed: Option<Secret<SEED_LEN>>,
    inner: P::Dk,
}

impl<P: MlKemParams> DecapsulationKey<P> {
    /// Derives the key pair from the seed `d ‖ z` (FIPS 203 Algorithm 16,
    /// `ML-KEM.KeyGen_internal`).
    #[must_use]
    pub fn from_seed(seed: &[u8; SEED_LEN]) -> Self {
        Self {
            seed: Some(Secret::new(*seed)),
            inner: P::dk_from_seed(seed),
        }
    }

    /// [`Self::from_seed`] from a slice, checking its length.
    ///
    /// # Errors
    /// [`Error::InvalidLength`] unless `seed` is 64 bytes.
    pub fn from_seed_slice(seed: &[u8]) -> Result<Self> {
        Ok(Self::from_seed(array_ref(Field::Seed, seed)?))
    }

    /// Generates a key pair from `rng` (FIPS 203 Algorithm 19, `ML-KEM.KeyGen`).
    ///
    /// # Errors
    /// [`Error::Rng`] if the generator fails.
    pub fn generate<R: TryCryptoRng + ?Sized>(rng: &mut R) -> Result<Self> {
        let mut seed = Secret::<SEED_LEN>::zero();
        fill(rng, seed.as_mut())?;
        Ok(Self::from_seed(seed.as_bytes()))
    }

    /// Imports a legacy expanded decapsulation key `dk` after the FIPS 203 §7.3 checks: the type
    /// (length) check, and the hash check `H(ek) == h`. The embedded `ek` also passes the §7.2
    /// modulus check. A key imported this way has no seed: [`Self::seed`] fails.
    ///
    /// # Errors
    /// [`Error::InvalidLength`] for a wrong length, [`Error::InvalidKey`] if a check fails.
    pub fn from_expanded(dk: &[u8]) -> Result<Self> {
        Ok(Self {
            seed: None,
            inner: P::dk_from_expanded(dk)?,
        })
    }

    /// The canonical private key, the 64-byte seed `d ‖ z`.
    ///
    /// # Errors
    /// [`Error::SeedUnavailable`] if the key was imported with [`Self::from_expanded`].
    pub fn seed(&self) -> Result<&[u8; SEED_LEN]> {
        self.seed
            .as_ref()
            .map(Secret::as_bytes)
            .ok_or(Error::SeedUnavailable)
    }

    /// The matching encapsulation key.
    #[must_use]
    pub fn encapsulation_key(&self) -> EncapsulationKey<P> {
        EncapsulationKey {
            inner: P::ek_of(&self.inner).clone(),
            _p: PhantomData,
        }
    }

    /// Decapsulates a ciphertext (FIPS 203 Algorithm 21, `ML-KEM.Decaps`, with implicit
    /// rejection: a modified ciphertext yields a pseudorandom key, not an error).
    ///
    /// # Errors
    /// [`Error::InvalidLength`] if `ct` is not [`MlKemParams::CIPHERTEXT_LEN`] bytes (the §7.3
    /// ciphertext type check).
    pub fn decapsulate(&self, ct: &[u8]) -> Result<SharedSecret> {
        P::decaps(&self.inner, ct)
    }
}

impl<P: MlKemParams> fmt::Debug for DecapsulationKey<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DecapsulationKey<{}>([REDACTED])", P::NAME)
    }
}

impl<P: MlKemParams> PartialEq for DecapsulationKey<P> {
    /// Constant time in the secret parts (`ml-kem` compares `ŝ` and `z` with `ctutils`; only
    /// the public `ek` is compared in variable time).
    fn eq(&self, other: &Self) -> bool {
        self.inner == other.inner
    }
}

/// An ML-KEM encapsulation (public) key, validated on import (FIPS 203 §7.2).
#[derive(Clone, Debug)]
pub struct EncapsulationKey<P: MlKemParams> {
    inner: P::Ek,
    _p: PhantomData<P>,
}

impl<P: MlKemParams> EncapsulationKey<P> {
    /// Imports an encoded encapsulation key after the FIPS 203 §7.2 type and modulus checks.
    ///
    /// # Errors
    /// [`Error::InvalidLength`] for a wrong length; [`Error::InvalidKey`] if a coefficient is not
    /// reduced modulo q.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        Ok(Self {
            inner: P::ek_from_bytes(bytes)?,
            _p: PhantomData,
        })
    }

    /// The encoded key (`ByteEncode12(t̂) ‖ ρ`).
    #[must_use]
    pub fn to_bytes(&self) -> P::EncapsulationKeyBytes {
        P::ek_to_bytes(&self.inner)
    }

    /// Encapsulates a fresh shared secret (FIPS 203 Algorithm 20, `ML-KEM.Encaps`).
    ///
    /// # Errors
    /// [`Error::Rng`] if the generator fails.
    pub fn encapsulate<R: TryCryptoRng + ?Sized>(
        &self,
        rng: &mut R,
    ) -> Result<(P::Ciphertext, SharedSecret)> {
        let mut m = Secret::<ENCAPS_RANDOMNESS_LEN>::zero();
        fill(rng, m.as_mut())?;
        Ok(P::encaps(&self.inner, m.as_bytes()))
    }

    /// Deterministic encapsulation with caller-chosen randomness `m` (FIPS 203 Algorithm 17,
    /// `ML-KEM.Encaps_internal`). Only for known-answer tests: reusing `m` is catastrophic.
    #[cfg(feature = "hazmat")]
    #[must_use]
    pub fn encapsulate_deterministic(
        &self,
        m: &[u8; ENCAPS_RANDOMNESS_LEN],
    ) -> (P::Ciphertext, SharedSecret) {
        P::encaps(&self.inner, m)
    }
}

impl<P: MlKemParams> ConstantTimeEq for EncapsulationKey<P> {
    fn ct_eq(&self, other: &Self) -> Choice {
        self.to_bytes().as_ref().ct_eq(other.to_bytes().as_ref())
    }
}

impl<P: MlKemParams> PartialEq for EncapsulationKey<P> {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other).into()
    }
}

impl<P: MlKemParams> Eq for EncapsulationKey<P> {}

/// ML-KEM-512 decapsulation key.
pub type MlKem512DecapsulationKey = DecapsulationKey<MlKem512>;
/// ML-KEM-512 encapsulation key.
pub type MlKem512EncapsulationKey = EncapsulationKey<MlKem512>;
/// ML-KEM-768 decapsulation key.
pub type MlKem768DecapsulationKey = DecapsulationKey<MlKem768>;
/// ML-KEM-768 encapsulation key.
pub type MlKem768EncapsulationKey = EncapsulationKey<MlKem768>;
/// ML-KEM-1024 decapsulation key.
pub type MlKem1024DecapsulationKey = DecapsulationKey<MlKem1024>;
/// ML-KEM-1024 encapsulation key.
pub type MlKem1024EncapsulationKey = EncapsulationKey<MlKem1024>;
