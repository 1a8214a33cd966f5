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

use subtle::{Choice, ConstantTimeEq};
use zeroize::Zeroizing;

pub use super::backend::{DefaultBackend, MlKemBackend};
use super::bytes::ByteArray;
use super::seed_key;
use crate::error::{Error, Field, Result, check_len};
use crate::rng::{TryCryptoRng, fill};
use crate::secret::{Secret, SharedSecret};

/// Length of the canonical private key, the seed `d ‖ z` (FIPS 203 §7.1).
pub const SEED_LEN: usize = 64;
/// Length of the shared secret `K`.
pub const SHARED_SECRET_LEN: usize = 32;
/// Length of the encapsulation randomness `m` (FIPS 203 Algorithm 17).
pub const ENCAPS_RANDOMNESS_LEN: usize = 32;

mod ml_kem_max {
    /// The longest expanded decapsulation key (ML-KEM-1024).
    pub(super) const EXPANDED: usize = super::ML_KEM_1024_EXPANDED_KEY_LEN;
}

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
///
/// Everything generic code needs: [`MlKemSizes`] and the default backend's functions.
pub trait MlKemParams: MlKemSizes + super::backend::MlKemBinding {}

impl<T: MlKemSizes + super::backend::MlKemBinding> MlKemParams for T {}

/// The sizes and types of an ML-KEM parameter set.
pub trait MlKemSizes: sealed::Sealed + Copy + Default + fmt::Debug + 'static {
    /// The name FIPS 203 gives the parameter set.
    const NAME: &'static str;
    /// Encapsulation-key length in bytes.
    const ENCAPSULATION_KEY_LEN: usize;
    /// Ciphertext length in bytes.
    const CIPHERTEXT_LEN: usize;
    /// Expanded decapsulation-key length in bytes.
    const EXPANDED_KEY_LEN: usize;
    /// The encoded encapsulation key, `[u8; ENCAPSULATION_KEY_LEN]`.
    type EncapsulationKeyBytes: ByteArray;
    /// The encoded ciphertext, `[u8; CIPHERTEXT_LEN]`.
    type Ciphertext: ByteArray;
    /// The same parameter set for the compact implementation
    /// ([`crate::primitives::ml_kem_compact`]).
    const COMPACT: &'static super::ml_kem_compact::Params;
}

macro_rules! ml_kem_params {
    ($(#[$doc:meta])* $name:ident, $label:literal, $ek:expr, $ct:expr, $dk:expr, $compact:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        pub struct $name;

        impl sealed::Sealed for $name {}

        impl MlKemSizes for $name {
            const NAME: &'static str = $label;
            const ENCAPSULATION_KEY_LEN: usize = $ek;
            const CIPHERTEXT_LEN: usize = $ct;
            const EXPANDED_KEY_LEN: usize = $dk;
            type EncapsulationKeyBytes = [u8; $ek];
            type Ciphertext = [u8; $ct];
            const COMPACT: &'static super::ml_kem_compact::Params =
                &super::ml_kem_compact::$compact;
        }
    };
}

ml_kem_params!(
    /// ML-KEM-512: security category 1.
    MlKem512, "ML-KEM-512",
    ML_KEM_512_ENCAPSULATION_KEY_LEN, ML_KEM_512_CIPHERTEXT_LEN, ML_KEM_512_EXPANDED_KEY_LEN,
    ML_KEM_512
);
ml_kem_params!(
    /// ML-KEM-768: security category 3.
    MlKem768, "ML-KEM-768",
    ML_KEM_768_ENCAPSULATION_KEY_LEN, ML_KEM_768_CIPHERTEXT_LEN, ML_KEM_768_EXPANDED_KEY_LEN,
    ML_KEM_768
);
ml_kem_params!(
    /// ML-KEM-1024: security category 5.
    MlKem1024, "ML-KEM-1024",
    ML_KEM_1024_ENCAPSULATION_KEY_LEN, ML_KEM_1024_CIPHERTEXT_LEN, ML_KEM_1024_EXPANDED_KEY_LEN,
    ML_KEM_1024
);

/// An ML-KEM decapsulation (private) key.
///
/// Holds the 64-byte seed (when it was made from one) and the expanded key derived from it.
/// Zeroizes on drop; `Debug` is redacted; equality is constant-time on the expanded key.
///
/// `B` is the lattice backend ([`crate::primitives::backend`]); the default is the one the
/// build's features select.
pub struct DecapsulationKey<P: MlKemParams, B: MlKemBackend<P> = DefaultBackend> {
    seed: Option<Secret<SEED_LEN>>,
    inner: B::Dk,
}

impl<P: MlKemParams, B: MlKemBackend<P>> Clone for DecapsulationKey<P, B> {
    fn clone(&self) -> Self {
        Self {
            seed: self.seed.clone(),
            inner: self.inner.clone(),
        }
    }
}

impl<P: MlKemParams, B: MlKemBackend<P>> seed_key::SeedKey<SEED_LEN> for DecapsulationKey<P, B> {
    fn from_seed_array(seed: &[u8; SEED_LEN]) -> Self {
        Self::from_seed(seed)
    }
}

impl<P: MlKemParams, B: MlKemBackend<P>> DecapsulationKey<P, B> {
    /// Derives the key pair from the seed `d ‖ z` (FIPS 203 Algorithm 16,
    /// `ML-KEM.KeyGen_internal`).
    #[must_use]
    pub fn from_seed(seed: &[u8; SEED_LEN]) -> Self {
        Self {
            seed: Some(Secret::new(*seed)),
            inner: B::dk_from_seed(seed),
        }
    }

    /// [`Self::from_seed`] from a slice, checking its length.
    ///
    /// # Errors
    /// [`Error::InvalidLength`] unless `seed` is 64 bytes.
    pub fn from_seed_slice(seed: &[u8]) -> Result<Self> {
        seed_key::from_slice(seed)
    }

    /// Generates a key pair from `rng` (FIPS 203 Algorithm 19, `ML-KEM.KeyGen`).
    ///
    /// # Errors
    /// [`Error::Rng`] if the generator fails.
    pub fn generate<R: TryCryptoRng + ?Sized>(rng: &mut R) -> Result<Self> {
        seed_key::generate(rng)
    }

    /// Imports a legacy expanded decapsulation key `dk` after the FIPS 203 §7.3 checks: the type
    /// (length) check, and the hash check `H(ek) == h`. The embedded `ek` also passes the §7.2
    /// modulus check. A key imported this way has no seed: [`Self::seed`] fails.
    ///
    /// # Errors
    /// [`Error::InvalidLength`] for a wrong length, [`Error::InvalidKey`] if a check fails.
    pub fn from_expanded(dk: &[u8]) -> Result<Self> {
        check_len(Field::ExpandedKey, P::EXPANDED_KEY_LEN, dk.len())?;
        Ok(Self {
            seed: None,
            inner: B::dk_from_expanded(dk)?,
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
    pub fn encapsulation_key(&self) -> EncapsulationKey<P, B> {
        EncapsulationKey {
            inner: B::ek_of(&self.inner),
            _p: PhantomData,
        }
    }

    /// The expanded encoding `dk` (FIPS 203 Algorithm 16). Legacy; for tests that compare
    /// implementations. The canonical private key is [`Self::seed`].
    #[cfg(all(feature = "hazmat", feature = "alloc"))]
    #[must_use]
    pub fn expanded_key_hazmat(&self) -> Zeroizing<alloc::vec::Vec<u8>> {
        let mut out = Zeroizing::new(alloc::vec![0u8; P::EXPANDED_KEY_LEN]);
        B::dk_expanded_to(&self.inner, &mut out);
        out
    }

    /// Constant-time check that `expanded` is this key's expanded encoding `dk` (FIPS 203
    /// Algorithm 16's `dk`), byte for byte.
    #[must_use]
    pub fn expanded_key_ct_eq(&self, expanded: &[u8]) -> Choice {
        let mut ours = Zeroizing::new([0u8; ml_kem_max::EXPANDED]);
        match ours.get_mut(..P::EXPANDED_KEY_LEN) {
            Some(buf) => {
                B::dk_expanded_to(&self.inner, buf);
                buf.ct_eq(expanded)
            }
            None => Choice::from(0),
        }
    }

    /// Decapsulates a ciphertext (FIPS 203 Algorithm 21, `ML-KEM.Decaps`, with implicit
    /// rejection: a modified ciphertext yields a pseudorandom key, not an error).
    ///
    /// # Errors
    /// [`Error::InvalidLength`] if `ct` is not [`MlKemSizes::CIPHERTEXT_LEN`] bytes (the §7.3
    /// ciphertext type check).
    pub fn decapsulate(&self, ct: &[u8]) -> Result<SharedSecret> {
        check_len(Field::Ciphertext, P::CIPHERTEXT_LEN, ct.len())?;
        B::decaps(&self.inner, ct)
    }
}

impl<P: MlKemParams, B: MlKemBackend<P>> fmt::Debug for DecapsulationKey<P, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DecapsulationKey<{}>([REDACTED])", P::NAME)
    }
}

impl<P: MlKemParams, B: MlKemBackend<P>> PartialEq for DecapsulationKey<P, B> {
    /// Constant time: compares the expanded encodings.
    fn eq(&self, other: &Self) -> bool {
        let mut theirs = Zeroizing::new([0u8; ml_kem_max::EXPANDED]);
        let Some(buf) = theirs.get_mut(..P::EXPANDED_KEY_LEN) else {
            return false;
        };
        B::dk_expanded_to(&other.inner, buf);
        self.expanded_key_ct_eq(buf).into()
    }
}

/// An ML-KEM encapsulation (public) key, validated on import (FIPS 203 §7.2).
pub struct EncapsulationKey<P: MlKemParams, B: MlKemBackend<P> = DefaultBackend> {
    inner: B::Ek,
    _p: PhantomData<P>,
}

impl<P: MlKemParams, B: MlKemBackend<P>> Clone for EncapsulationKey<P, B> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            _p: PhantomData,
        }
    }
}

impl<P: MlKemParams, B: MlKemBackend<P>> fmt::Debug for EncapsulationKey<P, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "EncapsulationKey<{}, {}>({:?})",
            P::NAME,
            B::NAME,
            self.inner
        )
    }
}

impl<P: MlKemParams, B: MlKemBackend<P>> EncapsulationKey<P, B> {
    /// Imports an encoded encapsulation key after the FIPS 203 §7.2 type and modulus checks.
    ///
    /// # Errors
    /// [`Error::InvalidLength`] for a wrong length; [`Error::InvalidKey`] if a coefficient is not
    /// reduced modulo q.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        check_len(Field::PublicKey, P::ENCAPSULATION_KEY_LEN, bytes.len())?;
        Ok(Self {
            inner: B::ek_from_bytes(bytes)?,
            _p: PhantomData,
        })
    }

    /// The encoded key (`ByteEncode12(t̂) ‖ ρ`).
    #[must_use]
    pub fn to_bytes(&self) -> P::EncapsulationKeyBytes {
        B::ek_to_bytes(&self.inner)
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
        Ok(B::encaps(&self.inner, m.as_bytes()))
    }

    /// `ML-KEM.Encaps_internal` (FIPS 203 Algorithm 17), for the hybrids that draw `m`
    /// themselves (X-Wing's `eseed`).
    pub(crate) fn encapsulate_internal(
        &self,
        m: &[u8; ENCAPS_RANDOMNESS_LEN],
    ) -> (P::Ciphertext, SharedSecret) {
        B::encaps(&self.inner, m)
    }

    /// Deterministic encapsulation with caller-chosen randomness `m` (FIPS 203 Algorithm 17,
    /// `ML-KEM.Encaps_internal`). Only for known-answer tests: reusing `m` is catastrophic.
    #[cfg(feature = "hazmat")]
    #[must_use]
    pub fn encapsulate_deterministic(
        &self,
        m: &[u8; ENCAPS_RANDOMNESS_LEN],
    ) -> (P::Ciphertext, SharedSecret) {
        B::encaps(&self.inner, m)
    }
}

impl<P: MlKemParams, B: MlKemBackend<P>> ConstantTimeEq for EncapsulationKey<P, B> {
    fn ct_eq(&self, other: &Self) -> Choice {
        self.to_bytes().as_ref().ct_eq(other.to_bytes().as_ref())
    }
}

impl<P: MlKemParams, B: MlKemBackend<P>> PartialEq for EncapsulationKey<P, B> {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other).into()
    }
}

impl<P: MlKemParams, B: MlKemBackend<P>> Eq for EncapsulationKey<P, B> {}

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
