//! pqhybrid's KEMs as HPKE KEMs: the `hpke` crate's [`Kem`](::hpke::Kem) trait implemented over
//! this crate's ML-KEM backend, X-Wing and composite ML-KEM, with the code points and key
//! derivation of draft-ietf-hpke-pq-04 (§3 ML-KEM, §4 the hybrids).
//!
//! | Type | KEM id | `Nsk` (private key) | `Npk` | `Nenc` | `DeriveKeyPair` |
//! |---|---|---|---|---|---|
//! | [`MlKem512`] | 0x0040 | 64 (`d ‖ z`) | 800 | 768 | SHAKE256 `LabeledDerive` → 64-byte seed |
//! | [`MlKem768`] | 0x0041 | 64 | 1184 | 1088 | as ML-KEM-512 |
//! | [`MlKem1024`] | 0x0042 | 64 | 1568 | 1568 | as ML-KEM-512 |
//! | [`XWing`] | 0x647a | 32 (seed) | 1216 | 1120 | `LabeledDerive` → 32-byte X-Wing seed |
//! | [`MlKem768P256`] | 0x0050 | 115 (see below) | 1249 | 1153 | `LabeledDerive` → 32-byte seed, `expandDecapsKeyG` |
//! | [`MlKem1024P384`] | 0x0051 | 128 (see below) | 1665 | 1665 | as MLKEM768-P256 |
//!
//! Each KEM runs on the lattice backend the build selected (one ML-KEM in a firmware build),
//! through the agile layer ([`crate::agile::DecapsulationKey`], [`KemAlgorithm`]).
//!
//! The hybrids of draft-ietf-hpke-pq (draft-irtf-cfrg-concrete-hybrid-kems) have the public
//! key, ciphertext, label and SHA3-256 combiner of pqhybrid's composite ML-KEM
//! (`MLKEM768-ECDH-P256-SHA3-256`, `MLKEM1024-ECDH-P384-SHA3-256`); they differ only in how a
//! seed becomes a key pair. So one composite decapsulation key serves both, and the private key
//! these HPKE KEMs serialize is the composite's canonical form (`mlkemSeed ‖ ECPrivateKey`,
//! [`KemAlgorithm::secret_key_len`]) rather than the draft's 32-byte seed, which is one-way
//! (the seed is hashed into the key pair). `DeriveKeyPair` follows the draft exactly
//! ([`composite_kem::DecapsulationKey::from_hybrid_kems_seed`]), and the known-answer tests
//! check the 32-byte seed with [`HpkeKem::derive_seed`].
//!
//! Authenticated modes (Auth, AuthPSK) need `AuthEncap`, which no KEM here has: asking for one
//! is an [`HpkeError::EncapError`] / [`HpkeError::DecapError`], never a panic.

use core::fmt;
use core::marker::PhantomData;

use ::hpke::hybrid_array::sizes::{U1088, U1184, U1568};
use ::hpke::hybrid_array::typenum::{U32, U64, U115, U128, U768, U800};
use ::hpke::hybrid_array::{Array, ArraySize, sizes};
use ::hpke::kem::SharedSecret as HpkeSharedSecret;
use ::hpke::rand_core::CryptoRng;
use ::hpke::{Deserializable, HpkeError, Serializable};
use shake::Shake256;
use shake::digest::{ExtendableOutput, Update, XofReader};
use subtle::{Choice, ConstantTimeEq};
use zeroize::{Zeroize, Zeroizing};

use crate::agile::{DecapsulationKey, KemAlgorithm};
use crate::hybrid::composite_kem::{self, MlKem768EcdhP256Sha3_256, MlKem1024EcdhP384Sha3_256};
use crate::hybrid::xwing;
use crate::primitives::ml_kem;

mod sealed {
    pub trait Sealed {}
}

/// One HPKE KEM of draft-ietf-hpke-pq over a [`KemAlgorithm`]: its code point, its sizes and
/// how the output of `LabeledDerive` becomes a key.
pub trait HpkeKemParams: sealed::Sealed + 'static {
    /// The algorithm underneath.
    const ALG: KemAlgorithm;
    /// The HPKE KEM identifier.
    const KEM_ID: u16;
    /// The length `LabeledDerive(ikm, "DeriveKeyPair", "", L)` produces (64 for ML-KEM, the
    /// seed `d ‖ z`; 32 for the hybrids).
    const DERIVED_LEN: usize;
    /// The serialized private key: [`KemAlgorithm::secret_key_len`].
    type Nsk: ArraySize;
    /// The public key: [`KemAlgorithm::public_key_len`].
    type Npk: ArraySize;
    /// The encapsulation (`enc`): [`KemAlgorithm::ciphertext_len`].
    type Nenc: ArraySize;
    /// The key pair of the `DERIVED_LEN`-byte output of `LabeledDerive`: the held key and its
    /// canonical private key bytes.
    #[doc(hidden)]
    fn from_derived(derived: &[u8], sk_out: &mut [u8]) -> DecapsulationKey;
    /// Parses the public key (FIPS 203 §7.2 check, points on the curve).
    #[doc(hidden)]
    fn check_public_key(pk: &[u8]) -> crate::Result<()>;
}

/// Copies `src` into `dst` when the lengths agree (they do by construction here).
fn copy(dst: &mut [u8], src: &[u8]) {
    if let Some(d) = dst.get_mut(..src.len()) {
        d.copy_from_slice(src);
    }
}

macro_rules! mlkem_params {
    ($(#[$doc:meta])* $name:ident, $P:ty, $alg:ident, $id:literal, $npk:ty, $nenc:ty) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
        pub struct $name;
        impl sealed::Sealed for $name {}
        impl HpkeKemParams for $name {
            const ALG: KemAlgorithm = KemAlgorithm::$alg;
            const KEM_ID: u16 = $id;
            const DERIVED_LEN: usize = ml_kem::SEED_LEN;
            type Nsk = U64;
            type Npk = $npk;
            type Nenc = $nenc;
            fn from_derived(derived: &[u8], sk_out: &mut [u8]) -> DecapsulationKey {
                let mut seed = Zeroizing::new([0u8; ml_kem::SEED_LEN]);
                copy(seed.as_mut_slice(), derived);
                copy(sk_out, seed.as_slice());
                ml_kem::DecapsulationKey::<$P>::from_seed(&seed).into()
            }
            fn check_public_key(pk: &[u8]) -> crate::Result<()> {
                ml_kem::EncapsulationKey::<$P>::from_bytes(pk).map(|_| ())
            }
        }
    };
}

mlkem_params!(
    /// ML-KEM-512, HPKE KEM 0x0040.
    MlKem512Params, ml_kem::MlKem512, MlKem512, 0x0040, U800, U768
);
mlkem_params!(
    /// ML-KEM-768, HPKE KEM 0x0041.
    MlKem768Params, ml_kem::MlKem768, MlKem768, 0x0041, U1184, U1088
);
mlkem_params!(
    /// ML-KEM-1024, HPKE KEM 0x0042.
    MlKem1024Params, ml_kem::MlKem1024, MlKem1024, 0x0042, U1568, U1568
);

/// X-Wing, HPKE KEM 0x647a.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct XWingParams;
impl sealed::Sealed for XWingParams {}
impl HpkeKemParams for XWingParams {
    const ALG: KemAlgorithm = KemAlgorithm::XWing;
    const KEM_ID: u16 = xwing::HPKE_KEM_ID;
    const DERIVED_LEN: usize = xwing::SEED_LEN;
    type Nsk = U32;
    type Npk = sizes::U1216;
    type Nenc = sizes::U1120;
    fn from_derived(derived: &[u8], sk_out: &mut [u8]) -> DecapsulationKey {
        let mut seed = Zeroizing::new([0u8; xwing::SEED_LEN]);
        copy(seed.as_mut_slice(), derived);
        copy(sk_out, seed.as_slice());
        xwing::DecapsulationKey::from_seed(&seed).into()
    }
    fn check_public_key(pk: &[u8]) -> crate::Result<()> {
        xwing::EncapsulationKey::from_bytes(pk).map(|_| ())
    }
}

macro_rules! hybrid_params {
    ($(#[$doc:meta])* $name:ident, $C:ty, $alg:ident, $id:literal, $nsk:ty, $npk:ty, $nenc:ty) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
        pub struct $name;
        impl sealed::Sealed for $name {}
        impl HpkeKemParams for $name {
            const ALG: KemAlgorithm = KemAlgorithm::$alg;
            const KEM_ID: u16 = $id;
            const DERIVED_LEN: usize = composite_kem::ROOT_SEED_LEN;
            type Nsk = $nsk;
            type Npk = $npk;
            type Nenc = $nenc;
            fn from_derived(derived: &[u8], sk_out: &mut [u8]) -> DecapsulationKey {
                let mut seed = Zeroizing::new([0u8; composite_kem::ROOT_SEED_LEN]);
                copy(seed.as_mut_slice(), derived);
                let dk = composite_kem::DecapsulationKey::<$C>::from_hybrid_kems_seed(&seed);
                copy(sk_out, dk.to_bytes().as_ref());
                dk.into()
            }
            fn check_public_key(pk: &[u8]) -> crate::Result<()> {
                composite_kem::EncapsulationKey::<$C>::from_bytes(pk).map(|_| ())
            }
        }
    };
}

hybrid_params!(
    /// MLKEM768-P256, HPKE KEM 0x0050.
    MlKem768P256Params, MlKem768EcdhP256Sha3_256, MlKem768EcdhP256Sha3_256, 0x0050,
    U115, sizes::U1249, sizes::U1153
);
hybrid_params!(
    /// MLKEM1024-P384, HPKE KEM 0x0051.
    MlKem1024P384Params, MlKem1024EcdhP384Sha3_256, MlKem1024EcdhP384Sha3_256, 0x0051,
    U128, sizes::U1665, sizes::U1665
);

// The type-level sizes are the agile descriptors' lengths.
const _: () = {
    use ::hpke::hybrid_array::typenum::Unsigned;
    macro_rules! same {
        ($($P:ty),*) => {$(
            assert!(<$P as HpkeKemParams>::Nsk::USIZE == <$P>::ALG.secret_key_len());
            assert!(<$P as HpkeKemParams>::Npk::USIZE == <$P>::ALG.public_key_len());
            assert!(<$P as HpkeKemParams>::Nenc::USIZE == <$P>::ALG.ciphertext_len());
            assert!(<$P>::ALG.shared_secret_len() == 32);
        )*};
    }
    same!(
        MlKem512Params,
        MlKem768Params,
        MlKem1024Params,
        XWingParams,
        MlKem768P256Params,
        MlKem1024P384Params
    );
};

/// An HPKE KEM over pqhybrid's implementation of `P`: use it as the `Kem` type parameter of
/// the `hpke` crate's functions (through [`super`]'s re-exports).
pub struct HpkeKem<P: HpkeKemParams>(PhantomData<P>);

/// ML-KEM-512 as HPKE KEM 0x0040.
pub type MlKem512 = HpkeKem<MlKem512Params>;
/// ML-KEM-768 as HPKE KEM 0x0041.
pub type MlKem768 = HpkeKem<MlKem768Params>;
/// ML-KEM-1024 as HPKE KEM 0x0042.
pub type MlKem1024 = HpkeKem<MlKem1024Params>;
/// X-Wing as HPKE KEM 0x647a.
pub type XWing = HpkeKem<XWingParams>;
/// MLKEM768-P256 as HPKE KEM 0x0050.
pub type MlKem768P256 = HpkeKem<MlKem768P256Params>;
/// MLKEM1024-P384 as HPKE KEM 0x0051.
pub type MlKem1024P384 = HpkeKem<MlKem1024P384Params>;

/// `"KEM" ‖ I2OSP(kem_id, 2)` (RFC 9180 §4.1).
fn kem_suite_id(kem_id: u16) -> [u8; 5] {
    let [hi, lo] = kem_id.to_be_bytes();
    [b'K', b'E', b'M', hi, lo]
}

/// `SHAKE256.LabeledDerive(ikm, label, "", L)` under the KEM's suite id (draft-ietf-hpke-hpke
/// §4, "For use with one-stage KDFs"): `SHAKE256(ikm ‖ "HPKE-v1" ‖ suite_id ‖ I2OSP(len(label),
/// 2) ‖ label ‖ I2OSP(L, 2) ‖ "")`. Labels and outputs here are short, so the lengths fit.
fn labeled_derive(kem_id: u16, ikm: &[u8], label: &[u8], out: &mut [u8]) {
    let mut h = Shake256::default();
    h.update(ikm);
    h.update(b"HPKE-v1");
    h.update(&kem_suite_id(kem_id));
    h.update(&u16::try_from(label.len()).unwrap_or(u16::MAX).to_be_bytes());
    h.update(label);
    h.update(&u16::try_from(out.len()).unwrap_or(u16::MAX).to_be_bytes());
    h.finalize_xof().read(out);
}

impl<P: HpkeKemParams> HpkeKem<P> {
    /// The first step of `DeriveKeyPair`: `SHAKE256.LabeledDerive(ikm, "DeriveKeyPair", "",
    /// DERIVED_LEN)`, the private key of draft-ietf-hpke-pq (`skRm` in its test vectors).
    /// Writes the first [`HpkeKemParams::DERIVED_LEN`] bytes of `out` (fewer if `out` is
    /// shorter).
    pub fn derive_seed(ikm: &[u8], out: &mut [u8]) {
        let len = P::DERIVED_LEN.min(out.len());
        if let Some(out) = out.get_mut(..len) {
            labeled_derive(P::KEM_ID, ikm, b"DeriveKeyPair", out);
        }
    }
}

/// An HPKE private key: the held (expanded) key and its canonical bytes.
pub struct PrivateKey<P: HpkeKemParams> {
    sk: Array<u8, P::Nsk>,
    dk: DecapsulationKey,
}

impl<P: HpkeKemParams> PrivateKey<P> {
    /// The held key, for use outside HPKE.
    #[must_use]
    pub fn decapsulation_key(&self) -> &DecapsulationKey {
        &self.dk
    }
}

impl<P: HpkeKemParams> Clone for PrivateKey<P> {
    fn clone(&self) -> Self {
        Self {
            sk: self.sk.clone(),
            dk: self.dk.clone(),
        }
    }
}

impl<P: HpkeKemParams> Drop for PrivateKey<P> {
    fn drop(&mut self) {
        self.sk.as_mut_slice().zeroize();
    }
}

impl<P: HpkeKemParams> fmt::Debug for PrivateKey<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey")
            .field("alg", &P::ALG)
            .finish_non_exhaustive()
    }
}

impl<P: HpkeKemParams> ConstantTimeEq for PrivateKey<P> {
    fn ct_eq(&self, other: &Self) -> Choice {
        self.sk.as_slice().ct_eq(other.sk.as_slice())
    }
}

impl<P: HpkeKemParams> Serializable for PrivateKey<P> {
    type OutputSize = P::Nsk;
    fn write_exact(&self, buf: &mut [u8]) {
        copy(buf, self.sk.as_slice());
    }
}

impl<P: HpkeKemParams> Deserializable for PrivateKey<P> {
    fn from_bytes(encoded: &[u8]) -> Result<Self, HpkeError> {
        let sk = Array::<u8, P::Nsk>::try_from(encoded)
            .map_err(|_| HpkeError::IncorrectInputLength(P::ALG.secret_key_len(), encoded.len()))?;
        let dk = DecapsulationKey::new(P::ALG, &sk).map_err(|_| HpkeError::ValidationError)?;
        Ok(Self { sk, dk })
    }
}

/// An HPKE public key: the encoded encapsulation key, checked on import.
pub struct PublicKey<P: HpkeKemParams>(Array<u8, P::Npk>);

impl<P: HpkeKemParams> Clone for PublicKey<P> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}
impl<P: HpkeKemParams> fmt::Debug for PublicKey<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PublicKey").field(&P::ALG).finish()
    }
}
impl<P: HpkeKemParams> PartialEq for PublicKey<P> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}
impl<P: HpkeKemParams> Eq for PublicKey<P> {}

impl<P: HpkeKemParams> Serializable for PublicKey<P> {
    type OutputSize = P::Npk;
    fn write_exact(&self, buf: &mut [u8]) {
        copy(buf, self.0.as_slice());
    }
}

impl<P: HpkeKemParams> Deserializable for PublicKey<P> {
    fn from_bytes(encoded: &[u8]) -> Result<Self, HpkeError> {
        let pk = Array::<u8, P::Npk>::try_from(encoded)
            .map_err(|_| HpkeError::IncorrectInputLength(P::ALG.public_key_len(), encoded.len()))?;
        P::check_public_key(&pk).map_err(|_| HpkeError::ValidationError)?;
        Ok(Self(pk))
    }
}

/// An HPKE encapsulation `enc`: the KEM ciphertext.
pub struct EncappedKey<P: HpkeKemParams>(Array<u8, P::Nenc>);

impl<P: HpkeKemParams> Clone for EncappedKey<P> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<P: HpkeKemParams> Serializable for EncappedKey<P> {
    type OutputSize = P::Nenc;
    fn write_exact(&self, buf: &mut [u8]) {
        copy(buf, self.0.as_slice());
    }
}

impl<P: HpkeKemParams> Deserializable for EncappedKey<P> {
    fn from_bytes(encoded: &[u8]) -> Result<Self, HpkeError> {
        Array::<u8, P::Nenc>::try_from(encoded)
            .map(Self)
            .map_err(|_| HpkeError::IncorrectInputLength(P::ALG.ciphertext_len(), encoded.len()))
    }
}

impl<P: HpkeKemParams> ::hpke::Kem for HpkeKem<P> {
    type PublicKey = PublicKey<P>;
    type PrivateKey = PrivateKey<P>;
    type EncappedKey = EncappedKey<P>;
    type NSecret = U32;
    const KEM_ID: u16 = P::KEM_ID;

    fn sk_to_pk(sk: &Self::PrivateKey) -> Self::PublicKey {
        let mut pk = Array::<u8, P::Npk>::default();
        // Cannot fail: the buffer is the algorithm's public key length.
        let _ = sk.dk.write_public_key(&mut pk);
        PublicKey(pk)
    }

    /// draft-ietf-hpke-pq §3/§4 `DeriveKeyPair`.
    fn derive_keypair(ikm: &[u8]) -> (Self::PrivateKey, Self::PublicKey) {
        let mut derived = Zeroizing::new([0u8; ml_kem::SEED_LEN]);
        let derived = derived.get_mut(..P::DERIVED_LEN).unwrap_or_default();
        labeled_derive(P::KEM_ID, ikm, b"DeriveKeyPair", derived);
        let mut sk = Array::<u8, P::Nsk>::default();
        let dk = P::from_derived(derived, &mut sk);
        let sk = PrivateKey { sk, dk };
        let pk = Self::sk_to_pk(&sk);
        (sk, pk)
    }

    fn decap(
        sk_recip: &Self::PrivateKey,
        pk_sender_id: Option<&Self::PublicKey>,
        encapped_key: &Self::EncappedKey,
    ) -> Result<HpkeSharedSecret<Self>, HpkeError> {
        if pk_sender_id.is_some() {
            return Err(HpkeError::DecapError);
        }
        let mut ss = HpkeSharedSecret::<Self>::default();
        sk_recip
            .dk
            .decapsulate(&encapped_key.0, &mut ss.0)
            .map_err(|_| HpkeError::DecapError)?;
        Ok(ss)
    }

    fn encap_with_rng(
        pk_recip: &Self::PublicKey,
        sender_id_keypair: Option<(&Self::PrivateKey, &Self::PublicKey)>,
        csprng: &mut impl CryptoRng,
    ) -> Result<(HpkeSharedSecret<Self>, Self::EncappedKey), HpkeError> {
        if sender_id_keypair.is_some() {
            return Err(HpkeError::EncapError);
        }
        let mut ss = HpkeSharedSecret::<Self>::default();
        let mut enc = Array::<u8, P::Nenc>::default();
        P::ALG
            .encapsulate(&pk_recip.0, csprng, &mut enc, &mut ss.0)
            .map_err(|_| HpkeError::EncapError)?;
        Ok((ss, EncappedKey(enc)))
    }
}

/// The KEM of `P` with its decapsulation already done, by any
/// [`Decapsulator`](crate::agile::Decapsulator): its private key is the shared secret. The
/// agile layer's `open` runs the `hpke` crate's receiver setup on it. RFC 9180's key schedule
/// takes only the shared secret from the KEM (`enc` and the keys never enter it) and the suite
/// id only the KEM's code point, so the context is exactly the one [`HpkeKem<P>`] gives; the
/// private key can stay wherever the caller keeps it (a borrowed canonical key, a secure
/// element), and no held key is copied.
pub(crate) struct Decapsulated<P: HpkeKemParams>(PhantomData<P>);

/// A decapsulated shared secret, as [`Decapsulated`]'s private key (wiped on drop).
#[derive(Clone, Default)]
pub(crate) struct DecapsulatedSecret(pub(crate) Zeroizing<[u8; 32]>);

impl ConstantTimeEq for DecapsulatedSecret {
    fn ct_eq(&self, other: &Self) -> Choice {
        self.0.ct_eq(&*other.0)
    }
}

impl Serializable for DecapsulatedSecret {
    type OutputSize = U32;
    fn write_exact(&self, buf: &mut [u8]) {
        copy(buf, &*self.0);
    }
}

impl Deserializable for DecapsulatedSecret {
    fn from_bytes(encoded: &[u8]) -> Result<Self, HpkeError> {
        let mut out = Self::default();
        if encoded.len() != 32 {
            return Err(HpkeError::IncorrectInputLength(32, encoded.len()));
        }
        copy(&mut *out.0, encoded);
        Ok(out)
    }
}

impl<P: HpkeKemParams> ::hpke::Kem for Decapsulated<P> {
    type PublicKey = PublicKey<P>;
    type PrivateKey = DecapsulatedSecret;
    type EncappedKey = EncappedKey<P>;
    type NSecret = U32;
    const KEM_ID: u16 = P::KEM_ID;

    /// Not used by the receiver setup (the only use of this KEM): an all-zero key.
    fn sk_to_pk(_sk: &Self::PrivateKey) -> Self::PublicKey {
        PublicKey(Array::default())
    }

    /// Not used by the receiver setup (the only use of this KEM): all-zero keys.
    fn derive_keypair(_ikm: &[u8]) -> (Self::PrivateKey, Self::PublicKey) {
        (DecapsulatedSecret::default(), PublicKey(Array::default()))
    }

    fn decap(
        sk_recip: &Self::PrivateKey,
        pk_sender_id: Option<&Self::PublicKey>,
        _encapped_key: &Self::EncappedKey,
    ) -> Result<HpkeSharedSecret<Self>, HpkeError> {
        if pk_sender_id.is_some() {
            return Err(HpkeError::DecapError);
        }
        let mut ss = HpkeSharedSecret::<Self>::default();
        copy(&mut ss.0, &*sk_recip.0);
        Ok(ss)
    }

    fn encap_with_rng(
        _pk_recip: &Self::PublicKey,
        _sender_id_keypair: Option<(&Self::PrivateKey, &Self::PublicKey)>,
        _csprng: &mut impl CryptoRng,
    ) -> Result<(HpkeSharedSecret<Self>, Self::EncappedKey), HpkeError> {
        Err(HpkeError::EncapError)
    }
}

/// The parameters of an [`HpkeKem`] (for the agile layer's dispatch).
pub(crate) trait HasParams {
    /// The parameters.
    type P: HpkeKemParams;
}

impl<P: HpkeKemParams> HasParams for HpkeKem<P> {
    type P = P;
}
