//! [`Decapsulator`]: what the layers above the KEMs (HPKE `open`, the encrypted-firmware
//! decryptor, sealed identities) need from a KEM private key, and [`DecapsulationKeyRef`], the
//! device's form of one.
//!
//! Two implementations: the held [`DecapsulationKey`] (expanded once, fastest when one key
//! decapsulates many times: a server, a provisioning tool) and [`DecapsulationKeyRef`], the
//! canonical private key borrowed where it lies (a device's key store), re-derived on each
//! call by [`KemAlgorithm::decapsulate`]. With the `compact-kem` feature that derivation runs on
//! the compact ML-KEM ([`crate::primitives::ml_kem_compact`]): nothing is expanded or held, a
//! few KiB of stack, which is what a bootloader that decapsulates once per update needs. A key
//! in a secure element implements the trait itself.

use crate::error::{Field, Result, check_len};

use super::decapsulation_key::DecapsulationKey;
use super::kem::KemAlgorithm;

/// A KEM private key that decapsulates.
pub trait Decapsulator {
    /// The algorithm.
    fn algorithm(&self) -> KemAlgorithm;

    /// [`KemAlgorithm::decapsulate`] with this key: writes the shared secret to the start of
    /// `ss_out`; nothing written on error.
    ///
    /// # Errors
    /// As [`KemAlgorithm::decapsulate`].
    fn decapsulate(&self, ct: &[u8], ss_out: &mut [u8]) -> Result<()>;

    /// Writes the public key ([`KemAlgorithm::public_key_len`] bytes) to the start of `pk_out`.
    ///
    /// # Errors
    /// [`crate::Error::BufferTooSmall`] (nothing written), or what deriving it from the private
    /// key can return ([`KemAlgorithm::public_key_from_secret`]).
    fn write_public_key(&self, pk_out: &mut [u8]) -> Result<()>;
}

impl Decapsulator for DecapsulationKey {
    fn algorithm(&self) -> KemAlgorithm {
        DecapsulationKey::algorithm(self)
    }
    fn decapsulate(&self, ct: &[u8], ss_out: &mut [u8]) -> Result<()> {
        DecapsulationKey::decapsulate(self, ct, ss_out)
    }
    fn write_public_key(&self, pk_out: &mut [u8]) -> Result<()> {
        DecapsulationKey::write_public_key(self, pk_out)
    }
}

/// A canonical KEM private key ([`KemAlgorithm::secret_key_len`] bytes, the form
/// [`KemAlgorithm::keypair_from_seed`] writes), borrowed, not copied: each operation derives
/// what it needs again (see the module documentation). Holds no secret of its own, so there is
/// nothing to wipe; the owner of the bytes wipes them.
///
/// ```
/// use pqhybrid::KemAlgorithm;
/// use pqhybrid::agile::{DecapsulationKeyRef, Decapsulator};
/// # fn main() -> pqhybrid::Result<()> {
/// let alg = KemAlgorithm::XWing;
/// let mut pk = [0u8; KemAlgorithm::MAX_PUBLIC_KEY_LEN];
/// let mut sk = [0u8; KemAlgorithm::MAX_SECRET_KEY_LEN];
/// alg.keypair_from_seed(&[7u8; 32], &mut pk, &mut sk)?;
/// let dk = DecapsulationKeyRef::new(alg, &sk[..alg.secret_key_len()])?;
/// let mut pk2 = [0u8; KemAlgorithm::MAX_PUBLIC_KEY_LEN];
/// dk.write_public_key(&mut pk2)?;
/// assert_eq!(pk[..alg.public_key_len()], pk2[..alg.public_key_len()]);
/// # Ok(()) }
/// ```
#[derive(Clone, Copy)]
pub struct DecapsulationKeyRef<'a> {
    alg: KemAlgorithm,
    sk: &'a [u8],
}

impl<'a> DecapsulationKeyRef<'a> {
    /// The key `sk` of `alg`, its length checked (its encoding is checked on use: a composite
    /// private key that does not parse fails each operation with
    /// [`crate::Error::MalformedEncoding`] or [`crate::Error::InvalidKey`]).
    ///
    /// # Errors
    /// [`crate::Error::InvalidLength`] unless `sk` is [`KemAlgorithm::secret_key_len`] bytes.
    pub fn new(alg: KemAlgorithm, sk: &'a [u8]) -> Result<Self> {
        check_len(Field::SecretKey, alg.secret_key_len(), sk.len())?;
        Ok(Self { alg, sk })
    }
}

impl Decapsulator for DecapsulationKeyRef<'_> {
    fn algorithm(&self) -> KemAlgorithm {
        self.alg
    }
    fn decapsulate(&self, ct: &[u8], ss_out: &mut [u8]) -> Result<()> {
        self.alg.decapsulate(self.sk, ct, ss_out)
    }
    fn write_public_key(&self, pk_out: &mut [u8]) -> Result<()> {
        self.alg.public_key_from_secret(self.sk, pk_out)
    }
}

impl core::fmt::Debug for DecapsulationKeyRef<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DecapsulationKeyRef")
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}
