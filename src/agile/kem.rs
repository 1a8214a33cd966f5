//! [`KemAlgorithm`]: every KEM behind one enum.

use crate::error::{Field, Result, check_len, out_buf};
use crate::primitives::ml_kem;
use crate::rng::TryCryptoRng;

/// A key-encapsulation mechanism.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum KemAlgorithm {
    /// ML-KEM-512 (FIPS 203).
    MlKem512,
    /// ML-KEM-768 (FIPS 203).
    MlKem768,
    /// ML-KEM-1024 (FIPS 203).
    MlKem1024,
    /// X-Wing: ML-KEM-768 + X25519 (draft-connolly-cfrg-xwing-kem).
    XWing,
    /// Composite MLKEM768-X25519-SHA3-256 (draft-ietf-lamps-pq-composite-kem).
    MlKem768X25519Sha3_256,
    /// Composite MLKEM768-ECDH-P256-SHA3-256 (draft-ietf-lamps-pq-composite-kem).
    MlKem768EcdhP256Sha3_256,
    /// Composite MLKEM1024-ECDH-P384-SHA3-256 (draft-ietf-lamps-pq-composite-kem).
    MlKem1024EcdhP384Sha3_256,
}

macro_rules! with_kem {
    ($alg:expr, $P:ident => $body:expr) => {
        match $alg {
            KemAlgorithm::MlKem512 => {
                type $P = ml_kem::MlKem512;
                $body
            }
            KemAlgorithm::MlKem768 => {
                type $P = ml_kem::MlKem768;
                $body
            }
            KemAlgorithm::MlKem1024 => {
                type $P = ml_kem::MlKem1024;
                $body
            }
            // TEMPORARY scaffolding: the hybrid variants are being wired in (issue 3).
            _ => {
                type $P = ml_kem::MlKem1024;
                $body
            }
        }
    };
}

impl KemAlgorithm {
    /// Every algorithm, in declaration order.
    pub const ALL: [KemAlgorithm; 3] = [Self::MlKem512, Self::MlKem768, Self::MlKem1024];
    /// The largest public key of any KEM.
    pub const MAX_PUBLIC_KEY_LEN: usize = ml_kem::ML_KEM_1024_ENCAPSULATION_KEY_LEN;
    /// The largest canonical private key of any KEM.
    pub const MAX_SECRET_KEY_LEN: usize = ml_kem::SEED_LEN;
    /// The largest ciphertext of any KEM.
    pub const MAX_CIPHERTEXT_LEN: usize = ml_kem::ML_KEM_1024_CIPHERTEXT_LEN;
    /// Shared-secret length of every KEM here.
    pub const SHARED_SECRET_LEN: usize = 32;

    /// The standard name (`"ML-KEM-768"`, …).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::MlKem512 => "ML-KEM-512",
            Self::MlKem768 => "ML-KEM-768",
            Self::MlKem1024 => "ML-KEM-1024",
            Self::XWing => "X-Wing",
            Self::MlKem768X25519Sha3_256 => "MLKEM768-X25519-SHA3-256",
            Self::MlKem768EcdhP256Sha3_256 => "MLKEM768-ECDH-P256-SHA3-256",
            Self::MlKem1024EcdhP384Sha3_256 => "MLKEM1024-ECDH-P384-SHA3-256",
        }
    }

    /// The algorithm with the given [`Self::name`] (ASCII case-insensitive).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|a| a.name().eq_ignore_ascii_case(name))
    }

    /// Public (encapsulation) key length.
    #[must_use]
    pub fn public_key_len(self) -> usize {
        use ml_kem::MlKemParams;
        with_kem!(self, P => P::ENCAPSULATION_KEY_LEN)
    }

    /// Canonical private-key length (the seed).
    #[must_use]
    pub fn secret_key_len(self) -> usize {
        ml_kem::SEED_LEN
    }

    /// Seed length for [`Self::keypair_from_seed`].
    #[must_use]
    pub fn seed_len(self) -> usize {
        ml_kem::SEED_LEN
    }

    /// Ciphertext length.
    #[must_use]
    pub fn ciphertext_len(self) -> usize {
        use ml_kem::MlKemParams;
        with_kem!(self, P => P::CIPHERTEXT_LEN)
    }

    /// Shared-secret length.
    #[must_use]
    pub fn shared_secret_len(self) -> usize {
        Self::SHARED_SECRET_LEN
    }

    /// Derives a key pair from `seed`; writes the public key and the canonical private key.
    ///
    /// # Errors
    /// [`Error::InvalidLength`] or [`Error::BufferTooSmall`].
    pub fn keypair_from_seed(
        self,
        seed: &[u8],
        pk_out: &mut [u8],
        sk_out: &mut [u8],
    ) -> Result<()> {
        check_len(Field::Seed, self.seed_len(), seed.len())?;
        let pk_out = out_buf(Field::PublicKey, pk_out, self.public_key_len())?;
        let sk_out = out_buf(Field::SecretKey, sk_out, self.secret_key_len())?;
        with_kem!(self, P => {
            let dk = ml_kem::DecapsulationKey::<P>::from_seed_slice(seed)?;
            pk_out.copy_from_slice(dk.encapsulation_key().to_bytes().as_ref());
        });
        sk_out.copy_from_slice(seed);
        Ok(())
    }

    /// Generates a key pair from `rng`.
    ///
    /// # Errors
    /// [`Error::Rng`] or [`Error::BufferTooSmall`].
    pub fn generate_keypair<R: TryCryptoRng + ?Sized>(
        self,
        rng: &mut R,
        pk_out: &mut [u8],
        sk_out: &mut [u8],
    ) -> Result<()> {
        let mut seed = crate::secret::Secret::<{ ml_kem::SEED_LEN }>::zero();
        let pk_out = out_buf(Field::PublicKey, pk_out, self.public_key_len())?;
        let sk_out = out_buf(Field::SecretKey, sk_out, self.secret_key_len())?;
        crate::rng::fill(rng, seed.as_mut())?;
        self.keypair_from_seed(seed.as_bytes(), pk_out, sk_out)
    }

    /// Encapsulates to `pk`: writes the ciphertext and the shared secret.
    ///
    /// # Errors
    /// [`Error::InvalidLength`], [`Error::InvalidKey`] (§7.2 check), [`Error::BufferTooSmall`],
    /// or [`Error::Rng`].
    pub fn encapsulate<R: TryCryptoRng + ?Sized>(
        self,
        pk: &[u8],
        rng: &mut R,
        ct_out: &mut [u8],
        ss_out: &mut [u8],
    ) -> Result<()> {
        let ct_out = out_buf(Field::Ciphertext, ct_out, self.ciphertext_len())?;
        let ss_out = out_buf(Field::SharedSecret, ss_out, self.shared_secret_len())?;
        with_kem!(self, P => {
            let (ct, ss) = ml_kem::EncapsulationKey::<P>::from_bytes(pk)?.encapsulate(rng)?;
            ct_out.copy_from_slice(ct.as_ref());
            ss_out.copy_from_slice(ss.as_bytes());
        });
        Ok(())
    }

    /// Deterministic encapsulation with randomness `m` (FIPS 203 `Encaps_internal`), for
    /// known-answer tests only.
    ///
    /// # Errors
    /// As [`Self::encapsulate`], plus [`Error::InvalidLength`] for `m`.
    #[cfg(feature = "hazmat")]
    pub fn encapsulate_deterministic(
        self,
        pk: &[u8],
        m: &[u8],
        ct_out: &mut [u8],
        ss_out: &mut [u8],
    ) -> Result<()> {
        let m = crate::error::array_ref::<{ ml_kem::ENCAPS_RANDOMNESS_LEN }>(Field::Randomness, m)?;
        let ct_out = out_buf(Field::Ciphertext, ct_out, self.ciphertext_len())?;
        let ss_out = out_buf(Field::SharedSecret, ss_out, self.shared_secret_len())?;
        with_kem!(self, P => {
            let (ct, ss) = ml_kem::EncapsulationKey::<P>::from_bytes(pk)?.encapsulate_deterministic(m);
            ct_out.copy_from_slice(ct.as_ref());
            ss_out.copy_from_slice(ss.as_bytes());
        });
        Ok(())
    }

    /// Decapsulates `ct` with the canonical private key `sk`; writes the shared secret.
    ///
    /// # Errors
    /// [`Error::InvalidLength`] or [`Error::BufferTooSmall`].
    pub fn decapsulate(self, sk: &[u8], ct: &[u8], ss_out: &mut [u8]) -> Result<()> {
        check_len(Field::SecretKey, self.secret_key_len(), sk.len())?;
        check_len(Field::Ciphertext, self.ciphertext_len(), ct.len())?;
        let ss_out = out_buf(Field::SharedSecret, ss_out, self.shared_secret_len())?;
        with_kem!(self, P => {
            let ss = ml_kem::DecapsulationKey::<P>::from_seed_slice(sk)?.decapsulate(ct)?;
            ss_out.copy_from_slice(ss.as_bytes());
        });
        Ok(())
    }
}

impl core::fmt::Display for KemAlgorithm {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}
