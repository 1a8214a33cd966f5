//! The seed-key boilerplate shared by the primitives whose private key is a fixed-size seed
//! (ML-DSA ξ, ML-KEM `d ‖ z`, the Ed25519 and X25519 private keys): taking the seed from a
//! slice with its length checked, and drawing a fresh one from an RNG. Each key type says how
//! it derives itself from the seed array ([`SeedKey::from_seed_array`]); its public
//! `from_seed_slice`/`generate` methods are these two functions.

use crate::error::{Field, Result, array_ref};
use crate::rng::{TryCryptoRng, fill};
use crate::secret::Secret;

/// A key derived deterministically from an `N`-byte seed.
pub(crate) trait SeedKey<const N: usize>: Sized {
    /// Which input the seed is in errors ([`Field::Seed`], or [`Field::SecretKey`] where the
    /// seed is the private key itself, as for X25519).
    const FIELD: Field = Field::Seed;

    /// The key derived from `seed`.
    fn from_seed_array(seed: &[u8; N]) -> Self;
}

/// The key of `seed`, which must be exactly `N` bytes ([`crate::Error::InvalidLength`] on
/// [`SeedKey::FIELD`] otherwise).
pub(crate) fn from_slice<K: SeedKey<N>, const N: usize>(seed: &[u8]) -> Result<K> {
    Ok(K::from_seed_array(array_ref(K::FIELD, seed)?))
}

/// The key of `N` fresh bytes from `rng`, drawn into a buffer that is wiped afterwards
/// ([`crate::Error::Rng`] if the generator fails).
pub(crate) fn generate<K: SeedKey<N>, R: TryCryptoRng + ?Sized, const N: usize>(
    rng: &mut R,
) -> Result<K> {
    let mut seed = Secret::<N>::zero();
    fill(rng, seed.as_mut())?;
    Ok(K::from_seed_array(seed.as_bytes()))
}
