//! X-Wing: the general-purpose hybrid KEM of ML-KEM-768 and X25519
//! (draft-connolly-cfrg-xwing-kem-10), built here over the lattice backend's ML-KEM-768
//! ([`crate::primitives::ml_kem`]) and [`crate::primitives::x25519`], so that a build links one
//! ML-KEM. The decapsulation key keeps the expanded ML-KEM key and the X25519 secret, derived
//! once from the seed, so decapsulation does not re-derive them.
//!
//! * The private (decapsulation) key is the 32-byte seed `sk` (§5.1). Key generation expands
//!   it: `SHAKE256(sk, 96·8)` gives `d ‖ z` (bytes 0..64) for `ML-KEM-768.KeyGen_internal` and
//!   the X25519 secret `sk_X` (bytes 64..96) (§5.2, `expandDecapsulationKey`).
//! * The public (encapsulation) key is `pk_M ‖ pk_X` (1184 + 32 = 1216 bytes); importing it runs
//!   the FIPS 203 §7.2 modulus check on `pk_M`, as §4 of the draft requires.
//! * The ciphertext is `ct_M ‖ ct_X` (1088 + 32 = 1120 bytes).
//! * The shared secret is `SHA3-256(ss_M ‖ ss_X ‖ ct_X ‖ pk_X ‖ XWingLabel)` with
//!   `XWingLabel = 5c2e2f2f5e5c` (`\./` `/^\`) (§5.3).
//! * Deterministic encapsulation (`EncapsulateDerand`, §5.4.1) takes a 64-byte `eseed`:
//!   `eseed[0..32]` is ML-KEM's `m`, `eseed[32..64]` the ephemeral X25519 secret `ek_X`.
//!
//! # Draft version and the all-zero check
//!
//! Written to draft -10 (key expansion, combiner, label and `eseed` split as §5) and checked
//! against its test vectors. Draft -10 uses the X25519 function of RFC 7748 without saying
//! whether the optional all-zero check of RFC 7748 §6.1 is done, so both behaviours conform
//! (the authors said so in the draft's issue #28); CFRG has since said the final text will pick
//! one. pqhybrid rejects an all-zero `ss_X`, in both directions, with
//! [`Error::ZeroSharedSecret`], matching RFC 9180 §7.1.4 (HPKE, where X-Wing is KEM `0x647a`)
//! and the rest of pqhybrid ([`crate::primitives::x25519`], composite ML-KEM). Such inputs only
//! arise from a low-order `pk_X` or `ct_X`, which honest parties never produce, so the
//! published vectors are unaffected.
//!
//! ```
//! use pqhybrid::hybrid::xwing::{DecapsulationKey, EncapsulationKey};
//! # fn main() -> pqhybrid::Result<()> {
//! let dk = DecapsulationKey::from_seed(&[7u8; 32]);
//! let ek = EncapsulationKey::from_bytes(&dk.encapsulation_key().to_bytes())?;
//! # #[cfg(feature = "std")] {
//! let (ct, ss) = ek.encapsulate(&mut pqhybrid::rng::OsRng::default())?;
//! assert_eq!(dk.decapsulate(&ct)?, ss);
//! # }
//! # Ok(()) }
//! ```

use core::fmt;

use sha3::{Digest, Sha3_256};
use shake::Shake256;
use shake::digest::{ExtendableOutput, Update, XofReader};
use subtle::{Choice, ConstantTimeEq};
use zeroize::Zeroizing;

use crate::error::{Error, Field, Result, array_ref, check_len};
use crate::primitives::ml_kem::{self, MlKem768};
use crate::primitives::x25519;
use crate::rng::{TryCryptoRng, fill};
use crate::secret::{Secret, SharedSecret};

/// Length of the private key, the seed `sk` (§5.1).
pub const SEED_LEN: usize = 32;
/// Length of the encapsulation key `pk_M ‖ pk_X` (§5.1).
pub const PUBLIC_KEY_LEN: usize = 1216;
/// Length of the ciphertext `ct_M ‖ ct_X` (§5.1).
pub const CIPHERTEXT_LEN: usize = 1120;
/// Length of the shared secret (§5.1).
pub const SHARED_SECRET_LEN: usize = 32;
/// Length of the `eseed` of `EncapsulateDerand` (§5.4.1): ML-KEM's `m`, then `ek_X`.
pub const ENCAPS_RANDOMNESS_LEN: usize = 64;
/// The HPKE KEM identifier (§7): 25722 = 25519 + 203. Also the TLS named group.
pub const HPKE_KEM_ID: u16 = 0x647a;
/// The object identifier `id-XWing` for X.509 and PKCS #8 (§5.8), dotted-decimal.
pub const OID: &str = "1.3.6.1.4.1.62253.25722";
/// `id-XWing` (§5.8) as an ASN.1 object identifier.
#[cfg(feature = "pkcs8")]
pub const ASN1_OID: const_oid::ObjectIdentifier = const_oid::ObjectIdentifier::new_unwrap(OID);

/// The ML-KEM-768 part of the encapsulation key.
const PK_M_LEN: usize = ml_kem::ML_KEM_768_ENCAPSULATION_KEY_LEN;
/// The ML-KEM-768 part of the ciphertext.
const CT_M_LEN: usize = ml_kem::ML_KEM_768_CIPHERTEXT_LEN;
/// `XWingLabel` (§5.3): `\./` `/^\`.
const LABEL: [u8; 6] = [0x5c, 0x2e, 0x2f, 0x2f, 0x5e, 0x5c];

/// An X-Wing ciphertext `ct_M ‖ ct_X`.
pub type Ciphertext = [u8; CIPHERTEXT_LEN];

/// `Combiner(ss_M, ss_X, ct_X, pk_X) = SHA3-256(ss_M ‖ ss_X ‖ ct_X ‖ pk_X ‖ XWingLabel)` (§5.3).
fn combiner(
    ss_m: &SharedSecret,
    ss_x: &SharedSecret,
    ct_x: &[u8; x25519::PUBLIC_KEY_LEN],
    pk_x: &[u8; x25519::PUBLIC_KEY_LEN],
) -> SharedSecret {
    let mut h = Sha3_256::new();
    Digest::update(&mut h, ss_m.as_bytes());
    Digest::update(&mut h, ss_x.as_bytes());
    Digest::update(&mut h, ct_x);
    Digest::update(&mut h, pk_x);
    Digest::update(&mut h, LABEL);
    let mut out = Zeroizing::new([0u8; SHARED_SECRET_LEN]);
    out.copy_from_slice(&h.finalize());
    Secret::new(*out)
}

/// `expandDecapsulationKey` (§5.2): `SHAKE256(sk, 96)` split into ML-KEM-768's seed `d ‖ z`
/// and the X25519 secret `sk_X`.
fn expand_seed(seed: &[u8; SEED_LEN]) -> (Zeroizing<[u8; ml_kem::SEED_LEN]>, x25519::SecretKey) {
    let mut expanded = Zeroizing::new([0u8; 96]);
    let mut xof = Shake256::default();
    xof.update(seed);
    xof.finalize_xof().read(expanded.as_mut_slice());
    let mut d_z = Zeroizing::new([0u8; ml_kem::SEED_LEN]);
    let mut sk_x = Zeroizing::new([0u8; x25519::SECRET_KEY_LEN]);
    for (i, b) in expanded.iter().enumerate() {
        if let Some(o) = d_z.get_mut(i) {
            *o = *b;
        } else if let Some(o) = sk_x.get_mut(i - ml_kem::SEED_LEN) {
            *o = *b;
        }
    }
    (d_z, x25519::SecretKey::from_bytes(&sk_x))
}

/// `Decapsulate` (§5.5) of `ct = ct_M ‖ ct_X`: the ML-KEM-768 half by `mlkem` (the held key, or
/// the compact ML-KEM on the seed), the X25519 half with `sk_x`, then the combiner.
fn decapsulate_parts(
    ct: &[u8],
    sk_x: &x25519::SecretKey,
    pk_x: &[u8; x25519::PUBLIC_KEY_LEN],
    mlkem: impl FnOnce(&[u8]) -> Result<SharedSecret>,
) -> Result<SharedSecret> {
    check_len(Field::Ciphertext, CIPHERTEXT_LEN, ct.len())?;
    let (ct_m, ct_x) = ct.split_at_checked(CT_M_LEN).ok_or(Error::InvalidLength {
        field: Field::Ciphertext,
        expected: CIPHERTEXT_LEN,
        actual: ct.len(),
    })?;
    let ct_x = x25519::PublicKey::from_slice(ct_x)?;
    let ss_m = mlkem(ct_m)?;
    let ss_x = sk_x.diffie_hellman(&ct_x)?;
    Ok(combiner(&ss_m, &ss_x, &ct_x.0, pk_x))
}

/// `Decapsulate(ct, sk)` (§5.5) from the seed `sk`, on the compact ML-KEM
/// ([`crate::primitives::ml_kem_compact`]): no key is expanded or held, a few KiB of stack.
/// The same result as [`DecapsulationKey::decapsulate`].
#[cfg(feature = "compact-kem")]
pub(crate) fn decapsulate_compact(seed: &[u8], ct: &[u8]) -> Result<SharedSecret> {
    let seed = array_ref::<SEED_LEN>(Field::SecretKey, seed)?;
    let (d_z, sk_x) = expand_seed(seed);
    let pk_x = sk_x.public_key().to_bytes();
    decapsulate_parts(ct, &sk_x, &pk_x, |ct_m| {
        crate::primitives::ml_kem_compact::decapsulate(
            &crate::primitives::ml_kem_compact::ML_KEM_768,
            &d_z,
            ct_m,
        )
    })
}

/// The encapsulation key `pk_M ‖ pk_X` of the seed `sk` (§5.2), on the compact ML-KEM; written
/// to `pk_out` ([`PUBLIC_KEY_LEN`] bytes).
#[cfg(feature = "compact-kem")]
pub(crate) fn public_key_compact(seed: &[u8], pk_out: &mut [u8]) -> Result<()> {
    let seed = array_ref::<SEED_LEN>(Field::SecretKey, seed)?;
    let pk_out = crate::error::out_buf(Field::PublicKey, pk_out, PUBLIC_KEY_LEN)?;
    let (d_z, sk_x) = expand_seed(seed);
    let (pk_m, pk_x) = pk_out.split_at_mut(PK_M_LEN);
    crate::primitives::ml_kem_compact::keygen(
        &crate::primitives::ml_kem_compact::ML_KEM_768,
        &d_z,
        pk_m,
        None,
    )?;
    pk_x.copy_from_slice(&sk_x.public_key().to_bytes());
    Ok(())
}

/// An X-Wing decapsulation (private) key: the 32-byte seed, with the ML-KEM-768 key, the X25519
/// secret and the encapsulation key derived from it once (§5.2, `expandDecapsulationKey`).
///
/// Zeroizes on drop; `Debug` is redacted; equality is constant-time on the seed. Decapsulation
/// rejects an all-zero X25519 shared secret (see the module documentation).
#[derive(Clone)]
pub struct DecapsulationKey {
    seed: Secret<SEED_LEN>,
    mlkem: ml_kem::DecapsulationKey<MlKem768>,
    sk_x: x25519::SecretKey,
    pk_x: [u8; x25519::PUBLIC_KEY_LEN],
}

impl DecapsulationKey {
    /// The key pair of the seed `sk` (§5.2.1, `GenerateKeyPairDerand`): `SHAKE256(sk, 96)` gives
    /// `d ‖ z` for `ML-KEM-768.KeyGen_internal` and the X25519 secret `sk_X`.
    #[must_use]
    pub fn from_seed(seed: &[u8; SEED_LEN]) -> Self {
        let (d_z, sk_x) = expand_seed(seed);
        let pk_x = sk_x.public_key().to_bytes();
        Self {
            seed: Secret::new(*seed),
            mlkem: ml_kem::DecapsulationKey::from_seed(&d_z),
            sk_x,
            pk_x,
        }
    }

    /// [`Self::from_seed`] from a slice.
    ///
    /// # Errors
    /// [`Error::InvalidLength`] unless `seed` is 32 bytes.
    pub fn from_seed_slice(seed: &[u8]) -> Result<Self> {
        Ok(Self::from_seed(array_ref(Field::Seed, seed)?))
    }

    /// A fresh key pair from `rng` (§5.2, `GenerateKeyPair`).
    ///
    /// # Errors
    /// [`Error::Rng`] if the generator fails.
    pub fn generate<R: TryCryptoRng + ?Sized>(rng: &mut R) -> Result<Self> {
        let mut seed = Secret::<SEED_LEN>::zero();
        fill(rng, seed.as_mut())?;
        Ok(Self::from_seed(seed.as_bytes()))
    }

    /// The private key, the 32-byte seed `sk`.
    #[must_use]
    pub fn seed(&self) -> &[u8; SEED_LEN] {
        self.seed.as_bytes()
    }

    /// The matching encapsulation key.
    #[must_use]
    pub fn encapsulation_key(&self) -> EncapsulationKey {
        // pk_X = X25519(sk_X, 9) is never low-order: the clamped scalar is 8·m with
        // 2^251 ≤ m < 2^252 < ℓ, so it is not a multiple of the base point's prime order ℓ and
        // the result is a point of order ℓ. No probe X25519 needed (it was half of key
        // generation's cost in WASM).
        EncapsulationKey {
            mlkem: self.mlkem.encapsulation_key(),
            pk_x: self.pk_x,
            pk_x_low_order: false,
        }
    }

    /// Decapsulates `ct` (§5.5, `Decapsulate`). A modified ML-KEM ciphertext yields a
    /// pseudorandom key (implicit rejection), not an error.
    ///
    /// # Errors
    /// [`Error::InvalidLength`] unless `ct` is 1120 bytes; [`Error::ZeroSharedSecret`] if `ct_X`
    /// is a low-order point, so that `X25519(sk_X, ct_X)` is all zero.
    pub fn decapsulate(&self, ct: &[u8]) -> Result<SharedSecret> {
        decapsulate_parts(ct, &self.sk_x, &self.pk_x, |ct_m| {
            self.mlkem.decapsulate(ct_m)
        })
    }
}

impl fmt::Debug for DecapsulationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("XWingDecapsulationKey([REDACTED])")
    }
}

impl ConstantTimeEq for DecapsulationKey {
    fn ct_eq(&self, other: &Self) -> Choice {
        self.seed.ct_eq(&other.seed)
    }
}

impl PartialEq for DecapsulationKey {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other).into()
    }
}

impl Eq for DecapsulationKey {}

/// An X-Wing encapsulation (public) key `pk_M ‖ pk_X`, its ML-KEM half validated on import
/// (FIPS 203 §7.2).
#[derive(Clone, Debug)]
pub struct EncapsulationKey {
    mlkem: ml_kem::EncapsulationKey<MlKem768>,
    pk_x: [u8; x25519::PUBLIC_KEY_LEN],
    /// `pk_X` is a low-order point: every `ss_X = X25519(ek_X, pk_X)` would be all zero.
    /// Decided once on import (public data), so encapsulation does no extra X25519.
    pk_x_low_order: bool,
}

impl EncapsulationKey {
    fn new(mlkem: ml_kem::EncapsulationKey<MlKem768>, pk_x: [u8; x25519::PUBLIC_KEY_LEN]) -> Self {
        // X25519 clamps scalars to multiples of 8 below 2^255, so X25519(k, u) is all zero for
        // one clamped k exactly when u is in the small subgroup (of the curve or its twist) —
        // the same condition that makes X25519(ek_X, pk_X) zero for every ek_X.
        let probe = x25519::SecretKey::from_bytes(&[0x5a; x25519::SECRET_KEY_LEN]);
        let pk_x_low_order = matches!(
            probe.diffie_hellman(&x25519::PublicKey(pk_x)),
            Err(Error::ZeroSharedSecret)
        );
        Self {
            mlkem,
            pk_x,
            pk_x_low_order,
        }
    }

    /// Imports an encoded encapsulation key. Every 32-byte `pk_X` is accepted (RFC 7748 §5); a
    /// low-order `pk_X` makes encapsulation fail instead.
    ///
    /// # Errors
    /// [`Error::InvalidLength`] unless `bytes` is 1216 bytes; [`Error::InvalidKey`] if `pk_M`
    /// fails the FIPS 203 §7.2 modulus check.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        check_len(Field::PublicKey, PUBLIC_KEY_LEN, bytes.len())?;
        let (pk_m, pk_x) = bytes
            .split_at_checked(PK_M_LEN)
            .ok_or(Error::InvalidLength {
                field: Field::PublicKey,
                expected: PUBLIC_KEY_LEN,
                actual: bytes.len(),
            })?;
        let mlkem = ml_kem::EncapsulationKey::from_bytes(pk_m)?;
        Ok(Self::new(mlkem, x25519::PublicKey::from_slice(pk_x)?.0))
    }

    /// The encoded key `pk_M ‖ pk_X`.
    #[must_use]
    pub fn to_bytes(&self) -> [u8; PUBLIC_KEY_LEN] {
        let mut out = [0u8; PUBLIC_KEY_LEN];
        let (m, x) = out.split_at_mut(PK_M_LEN);
        m.copy_from_slice(&self.mlkem.to_bytes());
        x.copy_from_slice(&self.pk_x);
        out
    }

    /// Encapsulates a fresh shared secret (§5.4, `Encapsulate`): draws the 64-byte `eseed` from
    /// `rng` and runs `EncapsulateDerand` (§5.4.1) with it.
    ///
    /// # Errors
    /// [`Error::Rng`] if the generator fails; [`Error::ZeroSharedSecret`] if `pk_X` is a
    /// low-order point.
    pub fn encapsulate<R: TryCryptoRng + ?Sized>(
        &self,
        rng: &mut R,
    ) -> Result<(Ciphertext, SharedSecret)> {
        let mut eseed = Secret::<ENCAPS_RANDOMNESS_LEN>::zero();
        fill(rng, eseed.as_mut())?;
        self.encaps(eseed.as_bytes())
    }

    /// Deterministic encapsulation (§5.4.1, `EncapsulateDerand`) with `eseed = m ‖ ek_X`. Only
    /// for known-answer tests: reusing `eseed` is catastrophic.
    ///
    /// # Errors
    /// [`Error::ZeroSharedSecret`] if `pk_X` is a low-order point.
    #[cfg(feature = "hazmat")]
    pub fn encapsulate_deterministic(
        &self,
        eseed: &[u8; ENCAPS_RANDOMNESS_LEN],
    ) -> Result<(Ciphertext, SharedSecret)> {
        self.encaps(eseed)
    }

    fn encaps(&self, eseed: &[u8; ENCAPS_RANDOMNESS_LEN]) -> Result<(Ciphertext, SharedSecret)> {
        // The all-zero check of RFC 7748 §6.1 on ss_X = X25519(ek_X, pk_X), which the crate does
        // not do on encapsulation (see the module documentation); decided on import.
        if self.pk_x_low_order {
            return Err(Error::ZeroSharedSecret);
        }

        let (m, ek_x) = eseed.split_at(ml_kem::ENCAPS_RANDOMNESS_LEN);
        let m = array_ref::<{ ml_kem::ENCAPS_RANDOMNESS_LEN }>(Field::Randomness, m)?;
        let ek_x = x25519::SecretKey::from_slice(ek_x)?;
        let (ct_m, ss_m) = self.mlkem.encapsulate_internal(m);
        let ct_x = ek_x.public_key().to_bytes();
        let ss_x = ek_x.diffie_hellman(&x25519::PublicKey(self.pk_x))?;
        let ss = combiner(&ss_m, &ss_x, &ct_x, &self.pk_x);
        let mut ct = [0u8; CIPHERTEXT_LEN];
        let (c_m, c_x) = ct.split_at_mut(CT_M_LEN);
        c_m.copy_from_slice(&ct_m);
        c_x.copy_from_slice(&ct_x);
        Ok((ct, ss))
    }
}

impl ConstantTimeEq for EncapsulationKey {
    fn ct_eq(&self, other: &Self) -> Choice {
        self.to_bytes().ct_eq(&other.to_bytes())
    }
}

impl PartialEq for EncapsulationKey {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other).into()
    }
}

impl Eq for EncapsulationKey {}
