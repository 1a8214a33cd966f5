//! X25519 Diffie-Hellman (RFC 7748).
//!
//! The all-zero shared secret, which a low-order peer point produces, is rejected with
//! [`Error::ZeroSharedSecret`] (RFC 7748 §6.1), checked in constant time.

use core::fmt;

use subtle::{Choice, ConstantTimeEq};

use super::seed_key;
use crate::error::{Error, Field, Result, array_ref};
use crate::rng::TryCryptoRng;
use crate::secret::{Secret, SharedSecret};

/// Private-key length.
pub const SECRET_KEY_LEN: usize = 32;
/// Public-key length.
pub const PUBLIC_KEY_LEN: usize = 32;
/// Shared-secret length.
pub const SHARED_SECRET_LEN: usize = 32;

/// An X25519 private key (32 bytes, clamped when used). Zeroizes on drop.
#[derive(Clone)]
pub struct SecretKey {
    inner: x25519_dalek::StaticSecret,
}

impl seed_key::SeedKey<SECRET_KEY_LEN> for SecretKey {
    const FIELD: Field = Field::SecretKey;

    fn from_seed_array(seed: &[u8; SECRET_KEY_LEN]) -> Self {
        Self::from_bytes(seed)
    }
}

impl SecretKey {
    /// The key with the given 32 bytes.
    #[must_use]
    pub fn from_bytes(bytes: &[u8; SECRET_KEY_LEN]) -> Self {
        Self {
            inner: x25519_dalek::StaticSecret::from(*bytes),
        }
    }

    /// [`Self::from_bytes`] from a slice.
    ///
    /// # Errors
    /// [`Error::InvalidLength`] unless `bytes` is 32 bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<Self> {
        seed_key::from_slice(bytes)
    }

    /// A fresh key from `rng`.
    ///
    /// # Errors
    /// [`Error::Rng`].
    pub fn generate<R: TryCryptoRng + ?Sized>(rng: &mut R) -> Result<Self> {
        seed_key::generate(rng)
    }

    /// The private key bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8; SECRET_KEY_LEN] {
        self.inner.as_bytes()
    }

    /// The public key `X25519(k, 9)`.
    #[must_use]
    pub fn public_key(&self) -> PublicKey {
        PublicKey(x25519_dalek::PublicKey::from(&self.inner).to_bytes())
    }

    /// `X25519(k, peer)`.
    ///
    /// # Errors
    /// [`Error::ZeroSharedSecret`] if the result is all zero (low-order `peer`).
    pub fn diffie_hellman(&self, peer: &PublicKey) -> Result<SharedSecret> {
        let ss = self
            .inner
            .diffie_hellman(&x25519_dalek::PublicKey::from(peer.0));
        let ss = Secret::new(ss.to_bytes());
        if bool::from(ss.as_bytes().ct_eq(&[0u8; SHARED_SECRET_LEN])) {
            return Err(Error::ZeroSharedSecret);
        }
        Ok(ss)
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("X25519SecretKey([REDACTED])")
    }
}

impl ConstantTimeEq for SecretKey {
    fn ct_eq(&self, other: &Self) -> Choice {
        self.as_bytes().ct_eq(other.as_bytes())
    }
}

impl PartialEq for SecretKey {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other).into()
    }
}

impl Eq for SecretKey {}

/// An X25519 public key (a u-coordinate; every 32-byte string is accepted, per RFC 7748 §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PublicKey(pub [u8; PUBLIC_KEY_LEN]);

impl PublicKey {
    /// From a slice.
    ///
    /// # Errors
    /// [`Error::InvalidLength`] unless `bytes` is 32 bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<Self> {
        Ok(Self(*array_ref(Field::PublicKey, bytes)?))
    }

    /// The encoded key.
    #[must_use]
    pub const fn to_bytes(&self) -> [u8; PUBLIC_KEY_LEN] {
        self.0
    }
}
