//! [`DecapsulationKey`]: a KEM private key of any algorithm, expanded once and then held ready to
//! decapsulate.
//!
//! [`KemAlgorithm::decapsulate`] takes the canonical private key (the seed) and re-derives the
//! key on every call: for ML-KEM that is a key generation (FIPS 203 Algorithm 16,
//! `ML-KEM.KeyGen_internal`) before each decapsulation (Algorithm 18), nearly half the cost on a
//! Cortex-M4 and the larger stack. A device that decapsulates more than once (encrypted updates,
//! sealed data) builds a [`DecapsulationKey`] once. No allocation: the key lives inline (at most
//! about 5 KiB, MLKEM1024-ECDH-P384) and is wiped on drop by the typed keys it holds.

use crate::error::{Field, Result, check_len, out_buf};
use crate::hybrid::composite_kem::{self, CompositeKemParams};
use crate::hybrid::xwing;
use crate::primitives::ml_kem;

use super::kem::KemAlgorithm;

/// What every held KEM key type does: built from the canonical private key bytes (length
/// already checked), decapsulates into `out` (exactly the shared-secret length), writes its
/// public key into `out` (exactly the public key length).
trait Held: Sized {
    fn from_secret(sk: &[u8]) -> Result<Self>;
    fn decapsulate_into(&self, ct: &[u8], out: &mut [u8]) -> Result<()>;
    fn write_public_key(&self, out: &mut [u8]);
}

// Every method of every impl is `#[inline(never)]`: the dispatching `match` would otherwise be
// one frame sized for the largest KEM's operation.
impl<P: ml_kem::MlKemParams> Held for ml_kem::DecapsulationKey<P> {
    fn from_secret(sk: &[u8]) -> Result<Self> {
        Self::from_seed_slice(sk)
    }
    #[inline(never)]
    fn decapsulate_into(&self, ct: &[u8], out: &mut [u8]) -> Result<()> {
        out.copy_from_slice(self.decapsulate(ct)?.as_bytes());
        Ok(())
    }
    #[inline(never)]
    fn write_public_key(&self, out: &mut [u8]) {
        out.copy_from_slice(self.encapsulation_key().to_bytes().as_ref());
    }
}

impl Held for xwing::DecapsulationKey {
    fn from_secret(sk: &[u8]) -> Result<Self> {
        Self::from_seed_slice(sk)
    }
    #[inline(never)]
    fn decapsulate_into(&self, ct: &[u8], out: &mut [u8]) -> Result<()> {
        out.copy_from_slice(self.decapsulate(ct)?.as_bytes());
        Ok(())
    }
    #[inline(never)]
    fn write_public_key(&self, out: &mut [u8]) {
        out.copy_from_slice(&self.encapsulation_key().to_bytes());
    }
}

impl<C: CompositeKemParams> Held for composite_kem::DecapsulationKey<C> {
    fn from_secret(sk: &[u8]) -> Result<Self> {
        Self::from_bytes(sk)
    }
    #[inline(never)]
    fn decapsulate_into(&self, ct: &[u8], out: &mut [u8]) -> Result<()> {
        out.copy_from_slice(self.decapsulate(ct)?.as_bytes());
        Ok(())
    }
    #[inline(never)]
    fn write_public_key(&self, out: &mut [u8]) {
        out.copy_from_slice(self.encapsulation_key().to_bytes().as_ref());
    }
}

/// Declares `Keys` (one variant per KEM, named as in [`KemAlgorithm`]) and its dispatching
/// functions, with no catch-all arm: a new KEM fails to compile until it is listed here.
macro_rules! keys {
    ($( $V:ident : $T:ty; )*) => {
        // Inline on purpose (no allocator on devices): the enum is as large as its largest key.
        #[allow(clippy::large_enum_variant)]
        /// The held key, one variant per KEM.
        #[derive(Clone)]
        enum Keys {
            $( $V($T), )*
        }

        $(
            impl From<$T> for DecapsulationKey {
                /// Holds an already expanded typed key as an agile one.
                fn from(key: $T) -> Self {
                    Self { alg: KemAlgorithm::$V, keys: Keys::$V(key) }
                }
            }
        )*

        /// Builds the held key of `alg` from its canonical private key (length checked).
        fn build(alg: KemAlgorithm, sk: &[u8]) -> Result<Keys> {
            Ok(match alg {
                $( KemAlgorithm::$V => Keys::$V(<$T as Held>::from_secret(sk)?), )*
            })
        }

        impl Keys {
            fn decapsulate_into(&self, ct: &[u8], out: &mut [u8]) -> Result<()> {
                match self {
                    $( Keys::$V(k) => k.decapsulate_into(ct, out), )*
                }
            }

            #[inline(never)]
            fn write_public_key(&self, out: &mut [u8]) {
                match self {
                    $( Keys::$V(k) => k.write_public_key(out), )*
                }
            }
        }
    };
}

keys! {
    MlKem512: ml_kem::DecapsulationKey<ml_kem::MlKem512>;
    MlKem768: ml_kem::DecapsulationKey<ml_kem::MlKem768>;
    MlKem1024: ml_kem::DecapsulationKey<ml_kem::MlKem1024>;
    XWing: xwing::DecapsulationKey;
    MlKem768X25519Sha3_256: composite_kem::DecapsulationKey<composite_kem::MlKem768X25519Sha3_256>;
    MlKem768EcdhP256Sha3_256: composite_kem::DecapsulationKey<composite_kem::MlKem768EcdhP256Sha3_256>;
    MlKem1024EcdhP384Sha3_256: composite_kem::DecapsulationKey<composite_kem::MlKem1024EcdhP384Sha3_256>;
}

/// A private key of any [`KemAlgorithm`], expanded once, held ready to decapsulate.
///
/// ```
/// use pqhybrid::KemAlgorithm;
/// use pqhybrid::agile::DecapsulationKey;
/// # fn main() -> pqhybrid::Result<()> {
/// let alg = KemAlgorithm::XWing;
/// let mut pk = [0u8; KemAlgorithm::MAX_PUBLIC_KEY_LEN];
/// let mut sk = [0u8; KemAlgorithm::MAX_SECRET_KEY_LEN];
/// alg.keypair_from_seed(&[7u8; 32], &mut pk, &mut sk)?;
/// let dk = DecapsulationKey::new(alg, &sk[..alg.secret_key_len()])?;
/// let mut ct = [0u8; KemAlgorithm::MAX_CIPHERTEXT_LEN];
/// let mut ss = [0u8; 32];
/// let mut rng = pqhybrid::rng::OsRng::default();
/// alg.encapsulate(&pk[..alg.public_key_len()], &mut rng, &mut ct, &mut ss)?;
/// let mut ss2 = [0u8; 32];
/// dk.decapsulate(&ct[..alg.ciphertext_len()], &mut ss2)?;
/// assert_eq!(ss, ss2);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct DecapsulationKey {
    alg: KemAlgorithm,
    keys: Keys,
}

impl DecapsulationKey {
    /// Expands the canonical private key `sk` of `alg` ([`KemAlgorithm::secret_key_len`]
    /// bytes, the form [`KemAlgorithm::keypair_from_seed`] writes).
    ///
    /// # Errors
    /// [`Error::InvalidLength`](crate::Error::InvalidLength),
    /// [`Error::MalformedEncoding`](crate::Error::MalformedEncoding) (a composite private key
    /// that does not parse) or [`Error::InvalidKey`](crate::Error::InvalidKey).
    pub fn new(alg: KemAlgorithm, sk: &[u8]) -> Result<Self> {
        check_len(Field::SecretKey, alg.secret_key_len(), sk.len())?;
        Ok(Self {
            alg,
            keys: build(alg, sk)?,
        })
    }

    /// The algorithm.
    #[must_use]
    pub fn algorithm(&self) -> KemAlgorithm {
        self.alg
    }

    /// Writes the public (encapsulation) key ([`KemAlgorithm::public_key_len`] bytes) to the
    /// start of `pk_out`.
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`](crate::Error::BufferTooSmall) (nothing written).
    pub fn write_public_key(&self, pk_out: &mut [u8]) -> Result<()> {
        let out = out_buf(Field::PublicKey, pk_out, self.alg.public_key_len())?;
        self.keys.write_public_key(out);
        Ok(())
    }

    /// [`KemAlgorithm::decapsulate`] with this key: the same shared secret, written to the
    /// start of `ss_out`.
    ///
    /// # Errors
    /// [`Error::InvalidLength`](crate::Error::InvalidLength) (ciphertext),
    /// [`Error::BufferTooSmall`](crate::Error::BufferTooSmall),
    /// [`Error::MalformedEncoding`](crate::Error::MalformedEncoding) (an ECDH ciphertext point
    /// not on the curve) or [`Error::ZeroSharedSecret`](crate::Error::ZeroSharedSecret) (a
    /// low-order X25519 ciphertext). Nothing is written on error.
    pub fn decapsulate(&self, ct: &[u8], ss_out: &mut [u8]) -> Result<()> {
        check_len(Field::Ciphertext, self.alg.ciphertext_len(), ct.len())?;
        let out = out_buf(Field::SharedSecret, ss_out, self.alg.shared_secret_len())?;
        self.keys.decapsulate_into(ct, out)
    }
}

impl core::fmt::Debug for DecapsulationKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DecapsulationKey")
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}
