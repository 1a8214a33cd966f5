//! Ed25519 (RFC 8032, pure variant, no context).
//!
//! # Verification rules
//! Verification uses `ed25519-dalek`'s `verify_strict`:
//! * **cofactorless** equation `[S]B = R + [k]A`;
//! * **S must be canonical** (`S < ℓ`), rejecting malleated signatures (RFC 8032 §5.1.7);
//! * **A and R must not be small-order points** (weak keys and weak commitments are rejected);
//! * non-canonical encodings of A and R (y ≥ p) are rejected, because a key or commitment is
//!   compared in its encoded form when hashed, and a decompression that accepted them would let
//!   two encodings verify the same signature.
//!
//! These are the rules Wycheproof expects of a strict verifier and the ones firmware needs:
//! one valid signature per (key, message), no weak keys.

use core::fmt;

use subtle::{Choice, ConstantTimeEq};

use super::seed_key;
use crate::error::{Error, Field, Result, array_ref};
use crate::rng::TryCryptoRng;

/// Private-key (seed) length.
pub const SEED_LEN: usize = 32;
/// Public-key length.
pub const PUBLIC_KEY_LEN: usize = 32;
/// Signature length.
pub const SIGNATURE_LEN: usize = 64;

/// An Ed25519 signing key (the 32-byte RFC 8032 private key). Zeroizes on drop.
#[derive(Clone)]
pub struct SigningKey {
    inner: ed25519_dalek::SigningKey,
}

impl seed_key::SeedKey<SEED_LEN> for SigningKey {
    fn from_seed_array(seed: &[u8; SEED_LEN]) -> Self {
        Self::from_seed(seed)
    }
}

impl SigningKey {
    /// The key with the given 32-byte private key (RFC 8032 §5.1.5).
    #[must_use]
    pub fn from_seed(seed: &[u8; SEED_LEN]) -> Self {
        Self {
            inner: ed25519_dalek::SigningKey::from_bytes(seed),
        }
    }

    /// [`Self::from_seed`] from a slice.
    ///
    /// # Errors
    /// [`Error::InvalidLength`] unless `seed` is 32 bytes.
    pub fn from_seed_slice(seed: &[u8]) -> Result<Self> {
        seed_key::from_slice(seed)
    }

    /// A fresh key from `rng`.
    ///
    /// # Errors
    /// [`Error::Rng`].
    pub fn generate<R: TryCryptoRng + ?Sized>(rng: &mut R) -> Result<Self> {
        seed_key::generate(rng)
    }

    /// The 32-byte private key.
    #[must_use]
    pub fn seed(&self) -> &[u8; SEED_LEN] {
        self.inner.as_bytes()
    }

    /// The public key.
    #[must_use]
    pub fn verifying_key(&self) -> VerifyingKey {
        VerifyingKey {
            inner: self.inner.verifying_key(),
        }
    }

    /// Signs `msg` (RFC 8032 §5.1.6; deterministic by construction).
    #[must_use]
    pub fn sign(&self, msg: &[u8]) -> [u8; SIGNATURE_LEN] {
        use ed25519_dalek::Signer;
        self.inner.sign(msg).to_bytes()
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Ed25519SigningKey([REDACTED])")
    }
}

impl ConstantTimeEq for SigningKey {
    fn ct_eq(&self, other: &Self) -> Choice {
        self.inner.ct_eq(&other.inner)
    }
}

impl PartialEq for SigningKey {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other).into()
    }
}

impl Eq for SigningKey {}

/// An Ed25519 public key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VerifyingKey {
    inner: ed25519_dalek::VerifyingKey,
}

impl VerifyingKey {
    /// Decodes a compressed Edwards point.
    ///
    /// # Errors
    /// [`Error::InvalidLength`], or [`Error::MalformedEncoding`] if it is not a curve point.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let bytes = array_ref::<PUBLIC_KEY_LEN>(Field::PublicKey, bytes)?;
        ed25519_dalek::VerifyingKey::from_bytes(bytes)
            .map(|inner| Self { inner })
            .map_err(|_| Error::MalformedEncoding {
                field: Field::PublicKey,
            })
    }

    /// The encoded key.
    #[must_use]
    pub fn to_bytes(&self) -> [u8; PUBLIC_KEY_LEN] {
        self.inner.to_bytes()
    }

    /// Verifies under the strict rules in the [module documentation](self).
    ///
    /// # Errors
    /// [`Error::InvalidLength`] or [`Error::VerificationFailed`].
    pub fn verify(&self, msg: &[u8], sig: &[u8]) -> Result<()> {
        let sig = array_ref::<SIGNATURE_LEN>(Field::Signature, sig)?;
        let sig = ed25519_dalek::Signature::from_bytes(sig);
        self.inner
            .verify_strict(msg, &sig)
            .map_err(|_| Error::VerificationFailed)
    }
}
