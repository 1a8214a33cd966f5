//! [`KemAlgorithm`]: every KEM behind one enum.

// Without `hazmat`, `Error` is named only by the intra-doc links.
#[cfg_attr(not(feature = "hazmat"), allow(unused_imports))]
use crate::error::Error;
use crate::error::{Field, Result, array_ref, check_len, out_buf};
use crate::hybrid::composite_kem;
use crate::hybrid::xwing;
use crate::primitives::ml_kem;
use crate::rng::TryCryptoRng;
use crate::secret::{Secret, SharedSecret};

use super::kem_info::{KEMS, KemInfo};

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

/// Dispatches on every variant: `mlkem P => …` for the ML-KEM parameter sets (with `P` the
/// parameter type), `xwing => …`, and `composite C => …` for the composite ML-KEM parameter sets.
macro_rules! dispatch {
    ($alg:expr, mlkem $P:ident => $ml:expr, xwing => $xw:expr, composite $C:ident => $co:expr $(,)?) => {
        match $alg {
            KemAlgorithm::MlKem512 => {
                #[allow(dead_code)] // not every arm names the parameter type
                type $P = ml_kem::MlKem512;
                $ml
            }
            KemAlgorithm::MlKem768 => {
                #[allow(dead_code)] // not every arm names the parameter type
                type $P = ml_kem::MlKem768;
                $ml
            }
            KemAlgorithm::MlKem1024 => {
                #[allow(dead_code)] // not every arm names the parameter type
                type $P = ml_kem::MlKem1024;
                $ml
            }
            KemAlgorithm::XWing => $xw,
            KemAlgorithm::MlKem768X25519Sha3_256 => {
                #[allow(dead_code)] // not every arm names the parameter type
                type $C = composite_kem::MlKem768X25519Sha3_256;
                $co
            }
            KemAlgorithm::MlKem768EcdhP256Sha3_256 => {
                #[allow(dead_code)] // not every arm names the parameter type
                type $C = composite_kem::MlKem768EcdhP256Sha3_256;
                $co
            }
            KemAlgorithm::MlKem1024EcdhP384Sha3_256 => {
                #[allow(dead_code)] // not every arm names the parameter type
                type $C = composite_kem::MlKem1024EcdhP384Sha3_256;
                $co
            }
        }
    };
}

impl KemAlgorithm {
    /// Every algorithm, in declaration order (from [`KEMS`]).
    #[allow(clippy::indexing_slicing)] // `i` < len; evaluated at compile time
    pub const ALL: [KemAlgorithm; KEMS.len()] = {
        let mut all = [KemAlgorithm::MlKem512; KEMS.len()];
        let mut i = 0;
        while i < all.len() {
            all[i] = KEMS[i].algorithm;
            i += 1;
        }
        all
    };
    /// The largest public key of any KEM (MLKEM1024-ECDH-P384-SHA3-256, 1665 bytes).
    pub const MAX_PUBLIC_KEY_LEN: usize = table_max!(KEMS, public_key_len);
    /// The largest canonical private key of any KEM (MLKEM1024-ECDH-P384-SHA3-256, 128 bytes).
    pub const MAX_SECRET_KEY_LEN: usize = table_max!(KEMS, secret_key_len);
    /// The largest key-generation seed of any KEM (ML-KEM, 64 bytes).
    pub const MAX_SEED_LEN: usize = table_max!(KEMS, seed_len);
    /// The largest ciphertext of any KEM (MLKEM1024-ECDH-P384-SHA3-256, 1665 bytes).
    pub const MAX_CIPHERTEXT_LEN: usize = table_max!(KEMS, ciphertext_len);
    /// The largest deterministic-encapsulation randomness of any KEM (80 bytes).
    pub const MAX_ENCAPS_RANDOMNESS_LEN: usize = table_max!(KEMS, encaps_randomness_len);
    /// Shared-secret length of every KEM here.
    pub const SHARED_SECRET_LEN: usize = 32;

    /// The standard name (`"ML-KEM-768"`, `"X-Wing"`, `"MLKEM768-X25519-SHA3-256"`, …; the
    /// composite names are the draft's OID names without `id-`).
    #[must_use]
    pub const fn name(self) -> &'static str {
        self.info().name
    }

    /// Everything about the KEM: its entry in [`KEMS`].
    #[must_use]
    pub const fn info(self) -> &'static KemInfo {
        // Every variant, no catch-all: a new one fails to compile here until it is listed.
        let i = match self {
            v @ (Self::MlKem512
            | Self::MlKem768
            | Self::MlKem1024
            | Self::XWing
            | Self::MlKem768X25519Sha3_256
            | Self::MlKem768EcdhP256Sha3_256
            | Self::MlKem1024EcdhP384Sha3_256) => v as usize,
        };
        // Entry `i` is the variant with discriminant `i` (checked at compile time).
        #[allow(clippy::indexing_slicing)]
        &KEMS[i]
    }

    /// The KEM with id `id` ([`KemInfo::id`]: the C ABI's value), or `None`.
    #[must_use]
    pub const fn from_id(id: u16) -> Option<Self> {
        let mut i = 0;
        while i < KEMS.len() {
            // `i` < len.
            #[allow(clippy::indexing_slicing)]
            let e = &KEMS[i];
            if e.id == id {
                return Some(e.algorithm);
            }
            i += 1;
        }
        None
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
    pub const fn public_key_len(self) -> usize {
        self.info().public_key_len
    }

    /// Canonical private-key length: the 64-byte seed `d ‖ z` for ML-KEM, the 32-byte seed for
    /// X-Wing, and the draft's `mlkemSeed ‖ tradSK` for the composites.
    #[must_use]
    pub const fn secret_key_len(self) -> usize {
        self.info().secret_key_len
    }

    /// Seed length for [`Self::keypair_from_seed`].
    ///
    /// The seed is not always the private key: for ML-KEM and X-Wing it is (64 and 32 bytes),
    /// but a composite takes a 32-byte root seed that is expanded into its private key
    /// `mlkemSeed ‖ tradSK` (see [`crate::hybrid::composite_kem`]).
    #[must_use]
    pub const fn seed_len(self) -> usize {
        self.info().seed_len
    }

    /// Ciphertext length.
    #[must_use]
    pub const fn ciphertext_len(self) -> usize {
        self.info().ciphertext_len
    }

    /// Shared-secret length.
    #[must_use]
    pub const fn shared_secret_len(self) -> usize {
        self.info().shared_secret_len
    }

    /// Length of the randomness of `encapsulate_deterministic` (feature `hazmat`): ML-KEM's `m` (32
    /// bytes); X-Wing's `eseed = m ‖ ek_X` (64); for a composite `m ‖ ephemeral`, the
    /// traditional ephemeral secret being the raw X25519 key (32) or the big-endian ECDH scalar
    /// (32 for P-256, 48 for P-384).
    #[must_use]
    pub const fn encaps_randomness_len(self) -> usize {
        self.info().encaps_randomness_len
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
        // With `compact-kem`: the compact ML-KEM's key generation, nothing expanded or held.
        #[cfg(feature = "compact-kem")]
        dispatch!(self,
            mlkem P => own_frame(|| {
                crate::primitives::ml_kem_compact::keygen(
                    <P as ml_kem::MlKemSizes>::COMPACT,
                    array_ref(Field::Seed, seed)?,
                    pk_out,
                    None,
                )?;
                sk_out.copy_from_slice(seed);
                Ok(())
            })?,
            xwing => own_frame(|| {
                xwing::public_key_compact(seed, pk_out)?;
                sk_out.copy_from_slice(seed);
                Ok(())
            })?,
            composite C => own_frame(|| {
                let root = array_ref::<{ composite_kem::ROOT_SEED_LEN }>(Field::Seed, seed)?;
                composite_kem::keypair_compact::<C>(root, pk_out, sk_out)
            })?,
        );
        #[cfg(not(feature = "compact-kem"))]
        dispatch!(self,
            mlkem P => own_frame(|| {
                let dk = ml_kem::DecapsulationKey::<P>::from_seed_slice(seed)?;
                pk_out.copy_from_slice(dk.encapsulation_key().to_bytes().as_ref());
                sk_out.copy_from_slice(seed);
                Ok(())
            })?,
            xwing => own_frame(|| {
                let dk = xwing::DecapsulationKey::from_seed_slice(seed)?;
                pk_out.copy_from_slice(&dk.encapsulation_key().to_bytes());
                sk_out.copy_from_slice(dk.seed());
                Ok(())
            })?,
            composite C => own_frame(|| {
                let root = array_ref::<{ composite_kem::ROOT_SEED_LEN }>(Field::Seed, seed)?;
                let dk = composite_kem::DecapsulationKey::<C>::from_root_seed(root);
                pk_out.copy_from_slice(dk.encapsulation_key().to_bytes().as_ref());
                sk_out.copy_from_slice(dk.to_bytes().as_ref());
                Ok(())
            })?,
        );
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
        let mut seed = Secret::<{ Self::MAX_SEED_LEN }>::zero();
        let seed = out_buf(Field::Seed, seed.as_mut(), self.seed_len())?;
        let pk_out = out_buf(Field::PublicKey, pk_out, self.public_key_len())?;
        let sk_out = out_buf(Field::SecretKey, sk_out, self.secret_key_len())?;
        crate::rng::fill(rng, seed)?;
        self.keypair_from_seed(seed, pk_out, sk_out)
    }

    /// Encapsulates to `pk`: writes the ciphertext and the shared secret.
    ///
    /// # Errors
    /// [`Error::InvalidLength`], [`Error::InvalidKey`] (FIPS 203 §7.2 check),
    /// [`Error::MalformedEncoding`] (an ECDH point that is not on the curve),
    /// [`Error::ZeroSharedSecret`] (a low-order X25519 key), [`Error::BufferTooSmall`], or
    /// [`Error::Rng`].
    pub fn encapsulate<R: TryCryptoRng + ?Sized>(
        self,
        pk: &[u8],
        rng: &mut R,
        ct_out: &mut [u8],
        ss_out: &mut [u8],
    ) -> Result<()> {
        let ct_out = out_buf(Field::Ciphertext, ct_out, self.ciphertext_len())?;
        let ss_out = out_buf(Field::SharedSecret, ss_out, self.shared_secret_len())?;
        dispatch!(self,
            mlkem P => own_frame(|| {
                let (ct, ss) = ml_kem::EncapsulationKey::<P>::from_bytes(pk)?.encapsulate(rng)?;
                ct_out.copy_from_slice(ct.as_ref());
                ss_out.copy_from_slice(ss.as_bytes());
                Ok(())
            })?,
            xwing => own_frame(|| {
                let (ct, ss) = xwing::EncapsulationKey::from_bytes(pk)?.encapsulate(rng)?;
                ct_out.copy_from_slice(&ct);
                ss_out.copy_from_slice(ss.as_bytes());
                Ok(())
            })?,
            composite C => own_frame(|| {
                let (ct, ss) =
                    composite_kem::EncapsulationKey::<C>::from_bytes(pk)?.encapsulate(rng)?;
                ct_out.copy_from_slice(ct.as_ref());
                ss_out.copy_from_slice(ss.as_bytes());
                Ok(())
            })?,
        );
        Ok(())
    }

    /// Deterministic encapsulation with caller-chosen randomness, for known-answer tests only:
    /// `randomness` is [`Self::encaps_randomness_len`] bytes, laid out as that method says
    /// (ML-KEM: FIPS 203 `Encaps_internal`; X-Wing: `EncapsulateDerand`).
    ///
    /// # Errors
    /// As [`Self::encapsulate`], plus [`Error::InvalidLength`] for `randomness`, and
    /// [`Error::InvalidKey`] for [`Field::Randomness`] if a composite's ECDH scalar is zero or
    /// ≥ n.
    #[cfg(feature = "hazmat")]
    pub fn encapsulate_deterministic(
        self,
        pk: &[u8],
        randomness: &[u8],
        ct_out: &mut [u8],
        ss_out: &mut [u8],
    ) -> Result<()> {
        check_len(
            Field::Randomness,
            self.encaps_randomness_len(),
            randomness.len(),
        )?;
        let ct_out = out_buf(Field::Ciphertext, ct_out, self.ciphertext_len())?;
        let ss_out = out_buf(Field::SharedSecret, ss_out, self.shared_secret_len())?;
        dispatch!(self,
            mlkem P => own_frame(|| {
                let m = array_ref::<{ ml_kem::ENCAPS_RANDOMNESS_LEN }>(Field::Randomness, randomness)?;
                let (ct, ss) =
                    ml_kem::EncapsulationKey::<P>::from_bytes(pk)?.encapsulate_deterministic(m);
                ct_out.copy_from_slice(ct.as_ref());
                ss_out.copy_from_slice(ss.as_bytes());
                Ok(())
            })?,
            xwing => own_frame(|| {
                let eseed =
                    array_ref::<{ xwing::ENCAPS_RANDOMNESS_LEN }>(Field::Randomness, randomness)?;
                let (ct, ss) =
                    xwing::EncapsulationKey::from_bytes(pk)?.encapsulate_deterministic(eseed)?;
                ct_out.copy_from_slice(&ct);
                ss_out.copy_from_slice(ss.as_bytes());
                Ok(())
            })?,
            composite C => own_frame(|| {
                let (m, ephemeral) = randomness
                    .split_first_chunk::<{ composite_kem::MLKEM_RANDOMNESS_LEN }>()
                    .ok_or(Error::InvalidLength {
                        field: Field::Randomness,
                        expected: <C as composite_kem::CompositeKemParams>::ENCAPS_RANDOMNESS_LEN,
                        actual: randomness.len(),
                    })?;
                let (ct, ss) = composite_kem::EncapsulationKey::<C>::from_bytes(pk)?
                    .encapsulate_deterministic(m, ephemeral)?;
                ct_out.copy_from_slice(ct.as_ref());
                ss_out.copy_from_slice(ss.as_bytes());
                Ok(())
            })?,
        );
        Ok(())
    }

    /// Decapsulates `ct` with the canonical private key `sk`; writes the shared secret.
    ///
    /// # Errors
    /// [`Error::InvalidLength`], [`Error::BufferTooSmall`], [`Error::MalformedEncoding`] (a
    /// composite private key that does not parse, or an ECDH ciphertext point that is not on
    /// the curve), [`Error::InvalidKey`] (an ECDH scalar of zero or ≥ n), or
    /// [`Error::ZeroSharedSecret`] (a low-order X25519 ciphertext).
    pub fn decapsulate(self, sk: &[u8], ct: &[u8], ss_out: &mut [u8]) -> Result<()> {
        check_len(Field::SecretKey, self.secret_key_len(), sk.len())?;
        check_len(Field::Ciphertext, self.ciphertext_len(), ct.len())?;
        let ss_out = out_buf(Field::SharedSecret, ss_out, self.shared_secret_len())?;
        let mut write = |ss: SharedSecret| {
            ss_out.copy_from_slice(ss.as_bytes());
            Ok(())
        };
        // With `compact-kem`: the compact ML-KEM on the seed, no key expanded or held.
        #[cfg(feature = "compact-kem")]
        dispatch!(self,
            mlkem P => own_frame(|| write(crate::primitives::ml_kem_compact::decapsulate(
                <P as ml_kem::MlKemSizes>::COMPACT,
                array_ref(Field::SecretKey, sk)?,
                ct,
            )?))?,
            xwing => own_frame(|| write(xwing::decapsulate_compact(sk, ct)?))?,
            composite C => own_frame(|| write(composite_kem::decapsulate_compact::<C>(sk, ct)?))?,
        );
        #[cfg(not(feature = "compact-kem"))]
        dispatch!(self,
            mlkem P => own_frame(|| {
                write(ml_kem::DecapsulationKey::<P>::from_seed_slice(sk)?.decapsulate(ct)?)
            })?,
            xwing => own_frame(|| {
                write(xwing::DecapsulationKey::from_seed_slice(sk)?.decapsulate(ct)?)
            })?,
            composite C => own_frame(|| {
                write(composite_kem::DecapsulationKey::<C>::from_bytes(sk)?.decapsulate(ct)?)
            })?,
        );
        Ok(())
    }

    /// The public (encapsulation) key of the canonical private key `sk`
    /// ([`Self::secret_key_len`] bytes, the form [`Self::keypair_from_seed`] writes), written to
    /// the start of `pk_out` ([`Self::public_key_len`] bytes).
    ///
    /// # Errors
    /// [`Error::InvalidLength`], [`Error::BufferTooSmall`], [`Error::MalformedEncoding`] or
    /// [`Error::InvalidKey`] (a composite private key that does not parse); nothing written on
    /// error.
    pub fn public_key_from_secret(self, sk: &[u8], pk_out: &mut [u8]) -> Result<()> {
        check_len(Field::SecretKey, self.secret_key_len(), sk.len())?;
        let pk_out = out_buf(Field::PublicKey, pk_out, self.public_key_len())?;
        #[cfg(feature = "compact-kem")]
        dispatch!(self,
            mlkem P => own_frame(|| crate::primitives::ml_kem_compact::keygen(
                <P as ml_kem::MlKemSizes>::COMPACT,
                array_ref(Field::SecretKey, sk)?,
                pk_out,
                None,
            ))?,
            xwing => own_frame(|| xwing::public_key_compact(sk, pk_out))?,
            composite C => own_frame(|| composite_kem::public_key_compact::<C>(sk, pk_out))?,
        );
        #[cfg(not(feature = "compact-kem"))]
        dispatch!(self,
            mlkem P => own_frame(|| {
                let dk = ml_kem::DecapsulationKey::<P>::from_seed_slice(sk)?;
                pk_out.copy_from_slice(dk.encapsulation_key().to_bytes().as_ref());
                Ok(())
            })?,
            xwing => own_frame(|| {
                let dk = xwing::DecapsulationKey::from_seed_slice(sk)?;
                pk_out.copy_from_slice(&dk.encapsulation_key().to_bytes());
                Ok(())
            })?,
            composite C => own_frame(|| {
                let dk = composite_kem::DecapsulationKey::<C>::from_bytes(sk)?;
                pk_out.copy_from_slice(dk.encapsulation_key().to_bytes().as_ref());
                Ok(())
            })?,
        );
        Ok(())
    }
}

/// Runs `f` in a stack frame of its own: each arm of the dispatching methods above gets one, so
/// that their frame is not sized for every KEM's keys at once (on a Cortex-M4 the agile ML-KEM-768
/// key generation took 46 KB of stack with the arms inlined, against 30 KB for the typed API).
#[inline(never)]
fn own_frame(f: impl FnOnce() -> Result<()>) -> Result<()> {
    f()
}

impl core::str::FromStr for KemAlgorithm {
    type Err = crate::Error;

    /// [`KemAlgorithm::from_name`], or [`Error::UnknownAlgorithm`].
    fn from_str(name: &str) -> Result<Self> {
        Self::from_name(name).ok_or(crate::Error::UnknownAlgorithm)
    }
}

impl core::fmt::Display for KemAlgorithm {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}
