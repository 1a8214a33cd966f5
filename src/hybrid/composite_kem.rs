//! Composite ML-KEM (draft-ietf-lamps-pq-composite-kem): ML-KEM paired with a traditional
//! Diffie-Hellman KEM, combined with SHA3-256.
//!
//! Four of the draft's algorithms (§6) are offered; use the type aliases
//! ([`MlKem768X25519DecapsulationKey`], …):
//!
//! | parameter set | OID | Label | pk | dk | ct |
//! |---|---|---|---|---|---|
//! | [`MlKem768X25519Sha3_256`] (`id-MLKEM768-X25519-SHA3-256`) | 1.3.6.1.5.5.7.6.58 | hex `5c2e2f2f5e5c` | 1216 | 96 | 1120 |
//! | [`MlKem768EcdhP256Sha3_256`] (`id-MLKEM768-ECDH-P256-SHA3-256`) | 1.3.6.1.5.5.7.6.59 | `MLKEM768-P256` | 1249 | 115 | 1153 |
//! | [`MlKem768EcdhP384Sha3_256`] (`id-MLKEM768-ECDH-P384-SHA3-256`) | 1.3.6.1.5.5.7.6.60 | `MLKEM768-P384` | 1281 | 128 | 1185 |
//! | [`MlKem1024EcdhP384Sha3_256`] (`id-MLKEM1024-ECDH-P384-SHA3-256`) | 1.3.6.1.5.5.7.6.63 | `MLKEM1024-P384` | 1665 | 128 | 1665 |
//!
//! The shared secret is always 32 bytes. MLKEM768-ECDH-P384-SHA3-256 is offered in this typed
//! API only; the other three are also [`crate::KemAlgorithm`] variants. The draft's RSA-OAEP,
//! brainpool, X448 and P-521 combinations are not offered.
//!
//! # Formats (§4)
//!
//! * Public key `mlkemPK ‖ tradPK`: the FIPS 203 encapsulation key, then the X25519 key
//!   (32 raw bytes, RFC 7748 §5) or the uncompressed SEC1 point `0x04 ‖ x ‖ y` (65 or 97 bytes).
//!   Import runs the FIPS 203 §7.2 modulus check ([`Error::InvalidKey`]) and full point
//!   validation (on the curve, not the identity, uncompressed; else
//!   [`Error::MalformedEncoding`]).
//! * Private key `mlkemSeed ‖ tradSK`: the 64-byte seed `d ‖ z`, then the raw 32-byte X25519
//!   key, or an RFC 5915 `ECPrivateKey` in DER with `version` 1, the scalar as a field-size
//!   OCTET STRING, `parameters [0]` the curve's named-curve OID, and no `publicKey`. These are
//!   fixed byte templates: P-256 is `30 31 02 01 01 04 20 ‖ d(32) ‖ a0 0a 06 08 2a 86 48 ce 3d 03
//!   01 07` (51 bytes), P-384 is `30 3e 02 01 01 04 30 ‖ d(48) ‖ a0 07 06 05 2b 81 04 00 22` (64
//!   bytes). Anything else is [`Error::MalformedEncoding`]; a scalar of zero or ≥ n is
//!   [`Error::InvalidKey`].
//! * Ciphertext `mlkemCT ‖ tradCT`, where `tradCT` is the ephemeral public key in the same
//!   encoding as `tradPK`.
//!
//! # Combiner (§3.4)
//!
//! `ss = SHA3-256(mlkemSS ‖ tradSS ‖ tradCT ‖ tradPK ‖ Label)`, where `tradSS` is the X25519
//! output `K` (RFC 7748 §6.1) or the ECDH x-coordinate `Z` (SP 800-56A §5.7.1.2, 32 or 48 bytes).
//! Decapsulation derives `tradPK` from the private key.
//!
//! # Errors on malicious inputs
//!
//! ML-KEM rejects implicitly (a modified `mlkemCT` gives a pseudorandom key), but the composite
//! rejects explicitly whenever its traditional half does (§3.5): an ECDH `tradCT` that is not a
//! valid uncompressed point is [`Error::MalformedEncoding`] for [`Field::Ciphertext`], and an
//! all-zero X25519 shared secret (a low-order `tradCT` or `tradPK`, the check RFC 7748 §6.1
//! allows) is [`Error::ZeroSharedSecret`], on both encapsulation and decapsulation.
//!
//! # Deterministic key generation from a 32-byte root seed
//!
//! The draft generates the two component keys independently and allows a seed-based
//! `KeyGen(seed)` that "cryptographically expands" one seed for both (§3.1.1). pqhybrid's
//! [`DecapsulationKey::from_root_seed`] does this, byte-exactly:
//!
//! ```text
//! XOF     = SHAKE256("pqhybrid/v1/composite-kem/keygen" ‖ u8(len(Label)) ‖ Label ‖ rootSeed)
//! mlkemSeed = first 64 bytes of XOF                  (d ‖ z for ML-KEM.KeyGen_internal)
//! X25519:   tradSK = next 32 bytes of XOF
//! P-256/P-384: repeat { c = next 32/48 bytes of XOF, big-endian }
//!              until 1 ≤ c ≤ n − 1;  tradSK = c
//! ```
//!
//! The domain string is the 32 ASCII bytes shown ([`KEYGEN_DOMAIN`]); `Label` is the algorithm's
//! combiner label above, so one root seed gives unrelated keys for different algorithms. The
//! curve scalar is drawn by rejection sampling as in FIPS 186-5 A.2.2, except that the candidate
//! itself is kept (A.2.2 keeps `c ≤ n − 2` and uses `c + 1`); a candidate is rejected with
//! probability below 2^-32 (P-256) or 2^-190 (P-384). The composite-signature module uses the
//! same construction with `composite-sig`. The root seed is not part of the draft's private key:
//! the interoperable private key is `mlkemSeed ‖ tradSK` ([`DecapsulationKey::to_bytes`]).
//!
//! # Deterministic encapsulation randomness
//!
//! `EncapsulationKey::encapsulate_deterministic` (feature `hazmat`) takes ML-KEM's `m`
//! (32 bytes, FIPS 203 `Encaps_internal`) and the traditional ephemeral secret: the raw 32-byte
//! X25519 key, or the big-endian ECDH scalar (32 or 48 bytes, 1 ≤ k ≤ n − 1, else
//! [`Error::InvalidKey`] for [`Field::Randomness`]). The agile layer passes them concatenated,
//! `m ‖ ephemeral` ([`CompositeKemParams::ENCAPS_RANDOMNESS_LEN`] bytes), like X-Wing's `eseed`.
//! Randomized encapsulation draws `m` first, then the ephemeral key.
//!
//! # Draft versions
//!
//! The known-answer vectors are those of draft -17; the newest published draft is -20 (27 August
//! 2026, after -18 and -19). This module implements -20. For these four algorithms -20 keeps
//! everything the -17 vectors exercise: the OIDs and labels (§6), the serializations (§4:
//! `mlkemPK ‖ tradPK`, `mlkemSeed ‖ tradSK` with the RFC 5915 `ECPrivateKey` carrying the named
//! curve and no public key, `mlkemCT ‖ tradCT`, uncompressed points, raw X25519 keys), the
//! combiner and its input order (§3.4), and the seed-based ML-KEM key (`d ‖ z`). So the -17
//! vectors apply to -20 unchanged, and all of them for these algorithms pass. The -20 text
//! additionally pins `DH()` to `Z` of SP 800-56A §5.7.1.2 (ECDH) and `K` of RFC 7748 §6
//! (X25519), references ML-KEM also through RFC 9935, and leaves CMS to a separate document;
//! none of that changes bytes.
//!
//! ```
//! use pqhybrid::hybrid::composite_kem::{MlKem768P256DecapsulationKey, MlKem768P256EncapsulationKey};
//! # fn main() -> pqhybrid::Result<()> {
//! let dk = MlKem768P256DecapsulationKey::from_root_seed(&[7u8; 32]);
//! let ek = MlKem768P256EncapsulationKey::from_bytes(dk.encapsulation_key().to_bytes().as_ref())?;
//! # #[cfg(feature = "std")] {
//! let (ct, ss) = ek.encapsulate(&mut pqhybrid::rng::OsRng::default())?;
//! assert_eq!(dk.decapsulate(&ct)?, ss);
//! # }
//! # Ok(()) }
//! ```

use core::fmt;

use sha3::{Digest, Sha3_256};
use shake::{ExtendableOutput, Shake256, Shake256Reader, XofReader};
use subtle::{Choice, ConstantTimeEq};
use zeroize::{Zeroize, Zeroizing};

use crate::error::{Error, Field, Result, array_ref, check_len};
use crate::primitives::ec_private_key::{self, Accept, Curve};
use crate::primitives::ml_kem::{self, MlKemParams, MlKemSizes};
use crate::primitives::x25519;
use crate::rng::{TryCryptoRng, fill};
use crate::secret::{Secret, SharedSecret};

/// Length of the root seed of [`DecapsulationKey::from_root_seed`].
pub const ROOT_SEED_LEN: usize = 32;
/// Length of the ML-KEM part of the private key, the seed `d ‖ z`.
pub const MLKEM_SEED_LEN: usize = ml_kem::SEED_LEN;
/// Length of ML-KEM's encapsulation randomness `m`.
pub const MLKEM_RANDOMNESS_LEN: usize = ml_kem::ENCAPS_RANDOMNESS_LEN;
/// Length of the composite shared secret.
pub const SHARED_SECRET_LEN: usize = 32;
/// The domain-separation prefix of root-seed key generation (see the module documentation).
pub const KEYGEN_DOMAIN: &[u8] = b"pqhybrid/v1/composite-kem/keygen";

mod sealed {
    pub trait Sealed {}
}

/// A fixed-size byte array `[u8; N]` (the encoded keys and ciphertexts).
pub trait ByteArray:
    AsRef<[u8]> + AsMut<[u8]> + Copy + fmt::Debug + Eq + Zeroize + Send + Sync + 'static
{
    /// The all-zero array.
    fn zeroed() -> Self;
}

impl<const N: usize> ByteArray for [u8; N] {
    fn zeroed() -> Self {
        [0u8; N]
    }
}

/// A composite ML-KEM algorithm (draft-ietf-lamps-pq-composite-kem §6). Implemented by
/// [`MlKem768X25519Sha3_256`], [`MlKem768EcdhP256Sha3_256`], [`MlKem768EcdhP384Sha3_256`] and
/// [`MlKem1024EcdhP384Sha3_256`] only.
pub trait CompositeKemParams: sealed::Sealed + Copy + Default + fmt::Debug + 'static {
    /// The algorithm name, without the `id-` prefix of the OID name.
    const NAME: &'static str;
    /// The algorithm OID, dotted-decimal.
    const OID: &'static str;
    /// The algorithm OID.
    #[cfg(feature = "pkcs8")]
    const ASN1_OID: const_oid::ObjectIdentifier;
    /// The KEM combiner label (§6).
    const LABEL: &'static [u8];
    /// Composite public-key length.
    const PUBLIC_KEY_LEN: usize;
    /// Composite private-key length (`mlkemSeed ‖ tradSK`).
    const SECRET_KEY_LEN: usize;
    /// Composite ciphertext length.
    const CIPHERTEXT_LEN: usize;
    /// Length of the traditional public key.
    const TRAD_PUBLIC_KEY_LEN: usize;
    /// Length of the encoded traditional private key.
    const TRAD_SECRET_KEY_LEN: usize;
    /// Length of the traditional ciphertext (the ephemeral public key).
    const TRAD_CIPHERTEXT_LEN: usize;
    /// Length of the traditional ephemeral secret in deterministic encapsulation.
    const TRAD_EPHEMERAL_LEN: usize;
    /// Length of the deterministic encapsulation randomness `m ‖ ephemeral`.
    const ENCAPS_RANDOMNESS_LEN: usize;
    /// The ML-KEM parameter set.
    type MlKem: MlKemParams;
    /// The encoded public key.
    type PublicKeyBytes: ByteArray;
    /// The encoded private key.
    type SecretKeyBytes: ByteArray;
    /// The encoded ciphertext.
    type Ciphertext: ByteArray;
    #[doc(hidden)]
    type TradSk: Clone;
    #[doc(hidden)]
    type TradPk: Clone + fmt::Debug;
    #[doc(hidden)]
    type TradCt: ByteArray;
    #[doc(hidden)]
    type TradSs: AsRef<[u8]>;
    #[doc(hidden)]
    fn trad_sk_from_xof(xof: &mut Shake256Reader) -> Self::TradSk;
    #[doc(hidden)]
    fn trad_sk_decode(bytes: &[u8]) -> Result<Self::TradSk>;
    #[doc(hidden)]
    fn trad_sk_encode(sk: &Self::TradSk, out: &mut [u8]);
    #[doc(hidden)]
    fn trad_pk_of(sk: &Self::TradSk) -> Self::TradPk;
    #[doc(hidden)]
    fn trad_pk_decode(bytes: &[u8]) -> Result<Self::TradPk>;
    #[doc(hidden)]
    fn trad_pk_bytes(pk: &Self::TradPk) -> &[u8];
    #[doc(hidden)]
    fn trad_encaps(pk: &Self::TradPk, eph: &[u8]) -> Result<(Self::TradCt, Self::TradSs)>;
    #[doc(hidden)]
    fn trad_encaps_random<R: TryCryptoRng + ?Sized>(
        pk: &Self::TradPk,
        rng: &mut R,
    ) -> Result<(Self::TradCt, Self::TradSs)>;
    #[doc(hidden)]
    fn trad_decaps(sk: &Self::TradSk, ct: &[u8]) -> Result<Self::TradSs>;
}

/// Copies the concatenation of `parts` to the start of `out` (never past its end).
fn concat_into(out: &mut [u8], parts: &[&[u8]]) {
    for (o, i) in out.iter_mut().zip(parts.iter().flat_map(|p| p.iter())) {
        *o = *i;
    }
}

/// `SHA3-256(mlkemSS ‖ tradSS ‖ tradCT ‖ tradPK ‖ Label)` (§3.4).
fn combine(
    label: &[u8],
    mlkem_ss: &SharedSecret,
    trad_ss: &[u8],
    trad_ct: &[u8],
    trad_pk: &[u8],
) -> SharedSecret {
    let mut h = Sha3_256::new();
    Digest::update(&mut h, mlkem_ss.as_bytes());
    Digest::update(&mut h, trad_ss);
    Digest::update(&mut h, trad_ct);
    Digest::update(&mut h, trad_pk);
    Digest::update(&mut h, label);
    Secret::new(h.finalize().into())
}

/// The key-generation XOF of the module documentation.
fn keygen_xof(label: &[u8], root_seed: &[u8; ROOT_SEED_LEN]) -> Shake256Reader {
    let mut xof = Shake256::default();
    shake::Update::update(&mut xof, KEYGEN_DOMAIN);
    shake::Update::update(&mut xof, &[u8::try_from(label.len()).unwrap_or(u8::MAX)]);
    shake::Update::update(&mut xof, label);
    shake::Update::update(&mut xof, root_seed);
    xof.finalize_xof()
}

/// A composite ML-KEM decapsulation (private) key.
///
/// Holds the ML-KEM seed and expanded key, the traditional private key, and the traditional
/// public key the combiner needs. Zeroizes on drop; `Debug` is redacted; equality is
/// constant-time on the encoded private key.
#[derive(Clone)]
pub struct DecapsulationKey<C: CompositeKemParams> {
    mlkem_seed: Secret<MLKEM_SEED_LEN>,
    mlkem: ml_kem::DecapsulationKey<C::MlKem>,
    trad_sk: C::TradSk,
    trad_pk: C::TradPk,
}

impl<C: CompositeKemParams> DecapsulationKey<C> {
    fn from_parts(mlkem_seed: &[u8; MLKEM_SEED_LEN], trad_sk: C::TradSk) -> Self {
        Self {
            mlkem_seed: Secret::new(*mlkem_seed),
            mlkem: ml_kem::DecapsulationKey::from_seed(mlkem_seed),
            trad_pk: C::trad_pk_of(&trad_sk),
            trad_sk,
        }
    }

    /// Derives the key pair from a 32-byte root seed, as the module documentation specifies.
    #[must_use]
    pub fn from_root_seed(root_seed: &[u8; ROOT_SEED_LEN]) -> Self {
        let mut xof = keygen_xof(C::LABEL, root_seed);
        let mut mlkem_seed = Secret::<MLKEM_SEED_LEN>::zero();
        xof.read(mlkem_seed.as_mut());
        let trad_sk = C::trad_sk_from_xof(&mut xof);
        Self::from_parts(mlkem_seed.as_bytes(), trad_sk)
    }

    /// The key pair of a 32-byte seed as draft-irtf-cfrg-hybrid-kems derives it
    /// (`expandDecapsKeyG`, PRG = SHAKE256 as draft-irtf-cfrg-concrete-hybrid-kems sets for
    /// MLKEM768-P256 and MLKEM1024-P384): `SHAKE256(seed)` gives the 64-byte ML-KEM seed
    /// `d ‖ z`, then the ECDH scalar by rejection sampling over the following `Nscalar`-byte
    /// blocks. The ciphertext, public key and combiner are those of this composite (same
    /// label, same SHA3-256 combiner), so this is how the HPKE KEMs 0x0050 and 0x0051
    /// (draft-ietf-hpke-pq) derive their keys; [`Self::from_root_seed`] is pqhybrid's own
    /// derivation for the LAMPS composite.
    #[must_use]
    pub fn from_hybrid_kems_seed(seed: &[u8; ROOT_SEED_LEN]) -> Self {
        let mut xof = Shake256::default();
        shake::Update::update(&mut xof, seed);
        let mut xof = xof.finalize_xof();
        let mut mlkem_seed = Secret::<MLKEM_SEED_LEN>::zero();
        xof.read(mlkem_seed.as_mut());
        let trad_sk = C::trad_sk_from_xof(&mut xof);
        Self::from_parts(mlkem_seed.as_bytes(), trad_sk)
    }

    /// Generates a key pair: a fresh root seed from `rng`, then [`Self::from_root_seed`].
    ///
    /// # Errors
    /// [`Error::Rng`] if the generator fails.
    pub fn generate<R: TryCryptoRng + ?Sized>(rng: &mut R) -> Result<Self> {
        let mut root = Secret::<ROOT_SEED_LEN>::zero();
        fill(rng, root.as_mut())?;
        Ok(Self::from_root_seed(root.as_bytes()))
    }

    /// Imports the private key `mlkemSeed ‖ tradSK` (§4.2).
    ///
    /// # Errors
    /// [`Error::InvalidLength`] unless `dk` is [`CompositeKemParams::SECRET_KEY_LEN`] bytes;
    /// [`Error::MalformedEncoding`] if an ECDH `tradSK` is not the exact `ECPrivateKey` DER of
    /// the module documentation; [`Error::InvalidKey`] if its scalar is zero or ≥ n.
    pub fn from_bytes(dk: &[u8]) -> Result<Self> {
        let (seed, trad_sk) = split_secret::<C>(dk)?;
        Ok(Self::from_parts(seed, trad_sk))
    }

    /// The private key `mlkemSeed ‖ tradSK` (§4.2).
    #[must_use]
    pub fn to_bytes(&self) -> Zeroizing<C::SecretKeyBytes> {
        let mut out = Zeroizing::new(C::SecretKeyBytes::zeroed());
        let mut trad = Zeroizing::new(C::SecretKeyBytes::zeroed());
        C::trad_sk_encode(&self.trad_sk, trad.as_mut());
        let trad_len = C::SECRET_KEY_LEN.saturating_sub(MLKEM_SEED_LEN);
        let trad = trad.as_ref().get(..trad_len).unwrap_or_default();
        concat_into(out.as_mut(), &[self.mlkem_seed.as_bytes(), trad]);
        out
    }

    /// The matching encapsulation key.
    #[must_use]
    pub fn encapsulation_key(&self) -> EncapsulationKey<C> {
        EncapsulationKey {
            mlkem: self.mlkem.encapsulation_key(),
            trad_pk: self.trad_pk.clone(),
        }
    }

    /// Decapsulates `ct = mlkemCT ‖ tradCT` (§3.3).
    ///
    /// # Errors
    /// [`Error::InvalidLength`] for a wrong length; [`Error::MalformedEncoding`] for
    /// [`Field::Ciphertext`] if an ECDH `tradCT` is not a valid uncompressed point;
    /// [`Error::ZeroSharedSecret`] if the X25519 shared secret is all zero.
    pub fn decapsulate(&self, ct: &[u8]) -> Result<SharedSecret> {
        decapsulate_parts::<C>(ct, &self.trad_sk, &self.trad_pk, |mlkem_ct| {
            self.mlkem.decapsulate(mlkem_ct)
        })
    }
}

/// Decapsulation of `ct = mlkemCT ‖ tradCT` (§3.3): the ML-KEM half by `mlkem` (the held key,
/// or the compact ML-KEM on the seed), the traditional half with `trad_sk`, then the combiner.
fn decapsulate_parts<C: CompositeKemParams>(
    ct: &[u8],
    trad_sk: &C::TradSk,
    trad_pk: &C::TradPk,
    mlkem: impl FnOnce(&[u8]) -> Result<SharedSecret>,
) -> Result<SharedSecret> {
    check_len(Field::Ciphertext, C::CIPHERTEXT_LEN, ct.len())?;
    let (mlkem_ct, trad_ct) = ct
        .split_at_checked(<C::MlKem as MlKemSizes>::CIPHERTEXT_LEN)
        .ok_or(Error::InvalidLength {
            field: Field::Ciphertext,
            expected: C::CIPHERTEXT_LEN,
            actual: ct.len(),
        })?;
    let mlkem_ss = mlkem(mlkem_ct)?;
    let trad_ss = C::trad_decaps(trad_sk, trad_ct)?;
    Ok(combine(
        C::LABEL,
        &mlkem_ss,
        trad_ss.as_ref(),
        trad_ct,
        C::trad_pk_bytes(trad_pk),
    ))
}

/// Splits the private key `mlkemSeed ‖ tradSK` (§4.2) into the ML-KEM seed and the decoded
/// traditional key: [`DecapsulationKey::from_bytes`]'s checks and errors.
fn split_secret<C: CompositeKemParams>(dk: &[u8]) -> Result<(&[u8; MLKEM_SEED_LEN], C::TradSk)> {
    check_len(Field::SecretKey, C::SECRET_KEY_LEN, dk.len())?;
    let (seed, trad) = dk
        .split_at_checked(MLKEM_SEED_LEN)
        .ok_or(Error::InvalidLength {
            field: Field::SecretKey,
            expected: C::SECRET_KEY_LEN,
            actual: dk.len(),
        })?;
    let seed = array_ref::<MLKEM_SEED_LEN>(Field::SecretKey, seed)?;
    Ok((seed, C::trad_sk_decode(trad)?))
}

/// Decapsulation (§3.3) with the private key `mlkemSeed ‖ tradSK` (§4.2), on the compact
/// ML-KEM ([`crate::primitives::ml_kem_compact`]): no ML-KEM key is expanded or held. The same
/// result and errors as [`DecapsulationKey::from_bytes`] then
/// [`DecapsulationKey::decapsulate`].
#[cfg(feature = "compact-kem")]
pub(crate) fn decapsulate_compact<C: CompositeKemParams>(
    dk: &[u8],
    ct: &[u8],
) -> Result<SharedSecret> {
    let (seed, trad_sk) = split_secret::<C>(dk)?;
    let trad_pk = C::trad_pk_of(&trad_sk);
    decapsulate_parts::<C>(ct, &trad_sk, &trad_pk, |mlkem_ct| {
        crate::primitives::ml_kem_compact::decapsulate(
            <C::MlKem as MlKemSizes>::COMPACT,
            seed,
            mlkem_ct,
        )
    })
}

/// The public key `mlkemPK ‖ tradPK` (§4.1) of the private key `mlkemSeed ‖ tradSK`, on the
/// compact ML-KEM; written to `pk_out` ([`CompositeKemParams::PUBLIC_KEY_LEN`] bytes).
#[cfg(feature = "compact-kem")]
pub(crate) fn public_key_compact<C: CompositeKemParams>(
    dk: &[u8],
    pk_out: &mut [u8],
) -> Result<()> {
    let (seed, trad_sk) = split_secret::<C>(dk)?;
    let pk_out = crate::error::out_buf(Field::PublicKey, pk_out, C::PUBLIC_KEY_LEN)?;
    let (mlkem_pk, trad_pk_out) =
        pk_out.split_at_mut(<C::MlKem as MlKemSizes>::ENCAPSULATION_KEY_LEN);
    crate::primitives::ml_kem_compact::keygen(
        <C::MlKem as MlKemSizes>::COMPACT,
        seed,
        mlkem_pk,
        None,
    )?;
    let trad_pk = C::trad_pk_of(&trad_sk);
    let bytes = C::trad_pk_bytes(&trad_pk);
    trad_pk_out
        .get_mut(..bytes.len())
        .ok_or(Error::BufferTooSmall {
            field: Field::PublicKey,
            needed: C::PUBLIC_KEY_LEN,
            actual: C::PUBLIC_KEY_LEN,
        })?
        .copy_from_slice(bytes);
    Ok(())
}

/// The key pair of a 32-byte root seed ([`DecapsulationKey::from_root_seed`]'s derivation) on
/// the compact ML-KEM: writes the public key `mlkemPK ‖ tradPK` to `pk_out` and the private key
/// `mlkemSeed ‖ tradSK` to `sk_out` (both exactly sized), the same bytes as the held key gives.
#[cfg(feature = "compact-kem")]
pub(crate) fn keypair_compact<C: CompositeKemParams>(
    root_seed: &[u8; ROOT_SEED_LEN],
    pk_out: &mut [u8],
    sk_out: &mut [u8],
) -> Result<()> {
    let mut xof = keygen_xof(C::LABEL, root_seed);
    let mut mlkem_seed = Secret::<MLKEM_SEED_LEN>::zero();
    xof.read(mlkem_seed.as_mut());
    let trad_sk = C::trad_sk_from_xof(&mut xof);
    let mut trad = Zeroizing::new(C::SecretKeyBytes::zeroed());
    C::trad_sk_encode(&trad_sk, trad.as_mut());
    let trad_len = C::SECRET_KEY_LEN.saturating_sub(MLKEM_SEED_LEN);
    let sk_out = crate::error::out_buf(Field::SecretKey, sk_out, C::SECRET_KEY_LEN)?;
    concat_into(
        sk_out,
        &[
            mlkem_seed.as_bytes(),
            trad.as_ref().get(..trad_len).unwrap_or_default(),
        ],
    );
    public_key_compact::<C>(sk_out, pk_out)
}

impl<C: CompositeKemParams> fmt::Debug for DecapsulationKey<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DecapsulationKey<{}>([REDACTED])", C::NAME)
    }
}

impl<C: CompositeKemParams> ConstantTimeEq for DecapsulationKey<C> {
    fn ct_eq(&self, other: &Self) -> Choice {
        self.to_bytes().as_ref().ct_eq(other.to_bytes().as_ref())
    }
}

impl<C: CompositeKemParams> PartialEq for DecapsulationKey<C> {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other).into()
    }
}

impl<C: CompositeKemParams> Eq for DecapsulationKey<C> {}

/// A composite ML-KEM encapsulation (public) key `mlkemPK ‖ tradPK`, validated on import.
#[derive(Clone)]
pub struct EncapsulationKey<C: CompositeKemParams> {
    mlkem: ml_kem::EncapsulationKey<C::MlKem>,
    trad_pk: C::TradPk,
}

impl<C: CompositeKemParams> EncapsulationKey<C> {
    /// Imports an encoded public key (§4.1).
    ///
    /// # Errors
    /// [`Error::InvalidLength`] for a wrong length; [`Error::InvalidKey`] if `mlkemPK` fails the
    /// FIPS 203 §7.2 modulus check; [`Error::MalformedEncoding`] if an ECDH `tradPK` is not a
    /// valid uncompressed point on the curve.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        check_len(Field::PublicKey, C::PUBLIC_KEY_LEN, bytes.len())?;
        let (mlkem, trad) = bytes
            .split_at_checked(<C::MlKem as MlKemSizes>::ENCAPSULATION_KEY_LEN)
            .ok_or(Error::InvalidLength {
                field: Field::PublicKey,
                expected: C::PUBLIC_KEY_LEN,
                actual: bytes.len(),
            })?;
        Ok(Self {
            mlkem: ml_kem::EncapsulationKey::from_bytes(mlkem)?,
            trad_pk: C::trad_pk_decode(trad)?,
        })
    }

    /// The encoded public key `mlkemPK ‖ tradPK`.
    #[must_use]
    pub fn to_bytes(&self) -> C::PublicKeyBytes {
        let mut out = C::PublicKeyBytes::zeroed();
        concat_into(
            out.as_mut(),
            &[
                self.mlkem.to_bytes().as_ref(),
                C::trad_pk_bytes(&self.trad_pk),
            ],
        );
        out
    }

    /// Encapsulates a fresh shared secret (§3.2): ML-KEM's `m`, then the traditional ephemeral
    /// key, from `rng`.
    ///
    /// # Errors
    /// [`Error::Rng`] if the generator fails; [`Error::ZeroSharedSecret`] if an X25519 `tradPK`
    /// is a low-order point.
    pub fn encapsulate<R: TryCryptoRng + ?Sized>(
        &self,
        rng: &mut R,
    ) -> Result<(C::Ciphertext, SharedSecret)> {
        let (mlkem_ct, mlkem_ss) = self.mlkem.encapsulate(rng)?;
        let (trad_ct, trad_ss) = C::trad_encaps_random(&self.trad_pk, rng)?;
        Ok(self.finish(mlkem_ct.as_ref(), &mlkem_ss, &trad_ct, trad_ss.as_ref()))
    }

    /// Deterministic encapsulation with ML-KEM randomness `m` (FIPS 203 `Encaps_internal`) and
    /// the traditional ephemeral secret `ephemeral` (the raw X25519 key, or the big-endian ECDH
    /// scalar). Only for known-answer tests: reusing randomness is catastrophic.
    ///
    /// # Errors
    /// [`Error::InvalidLength`] unless `ephemeral` is
    /// [`CompositeKemParams::TRAD_EPHEMERAL_LEN`] bytes; [`Error::InvalidKey`] for
    /// [`Field::Randomness`] if an ECDH scalar is zero or ≥ n; [`Error::ZeroSharedSecret`] if an
    /// X25519 `tradPK` is a low-order point.
    #[cfg(feature = "hazmat")]
    pub fn encapsulate_deterministic(
        &self,
        m: &[u8; MLKEM_RANDOMNESS_LEN],
        ephemeral: &[u8],
    ) -> Result<(C::Ciphertext, SharedSecret)> {
        check_len(Field::Randomness, C::TRAD_EPHEMERAL_LEN, ephemeral.len())?;
        let (trad_ct, trad_ss) = C::trad_encaps(&self.trad_pk, ephemeral)?;
        let (mlkem_ct, mlkem_ss) = self.mlkem.encapsulate_deterministic(m);
        Ok(self.finish(mlkem_ct.as_ref(), &mlkem_ss, &trad_ct, trad_ss.as_ref()))
    }

    fn finish(
        &self,
        mlkem_ct: &[u8],
        mlkem_ss: &SharedSecret,
        trad_ct: &C::TradCt,
        trad_ss: &[u8],
    ) -> (C::Ciphertext, SharedSecret) {
        let mut ct = C::Ciphertext::zeroed();
        concat_into(ct.as_mut(), &[mlkem_ct, trad_ct.as_ref()]);
        let ss = combine(
            C::LABEL,
            mlkem_ss,
            trad_ss,
            trad_ct.as_ref(),
            C::trad_pk_bytes(&self.trad_pk),
        );
        (ct, ss)
    }
}

impl<C: CompositeKemParams> fmt::Debug for EncapsulationKey<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EncapsulationKey")
            .field("algorithm", &C::NAME)
            .field("trad_pk", &self.trad_pk)
            .finish_non_exhaustive()
    }
}

impl<C: CompositeKemParams> ConstantTimeEq for EncapsulationKey<C> {
    fn ct_eq(&self, other: &Self) -> Choice {
        self.to_bytes().as_ref().ct_eq(other.to_bytes().as_ref())
    }
}

impl<C: CompositeKemParams> PartialEq for EncapsulationKey<C> {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other).into()
    }
}

impl<C: CompositeKemParams> Eq for EncapsulationKey<C> {}

// ---- MLKEM768-X25519-SHA3-256 -------------------------------------------------------------

/// `id-MLKEM768-X25519-SHA3-256`: ML-KEM-768 and X25519 (OID 1.3.6.1.5.5.7.6.58).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct MlKem768X25519Sha3_256;

impl sealed::Sealed for MlKem768X25519Sha3_256 {}

impl CompositeKemParams for MlKem768X25519Sha3_256 {
    const NAME: &'static str = "MLKEM768-X25519-SHA3-256";
    const OID: &'static str = "1.3.6.1.5.5.7.6.58";
    #[cfg(feature = "pkcs8")]
    const ASN1_OID: const_oid::ObjectIdentifier =
        const_oid::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.6.58");
    const LABEL: &'static [u8] = &[0x5c, 0x2e, 0x2f, 0x2f, 0x5e, 0x5c];
    const PUBLIC_KEY_LEN: usize = 1216;
    const SECRET_KEY_LEN: usize = 96;
    const CIPHERTEXT_LEN: usize = 1120;
    const TRAD_PUBLIC_KEY_LEN: usize = x25519::PUBLIC_KEY_LEN;
    const TRAD_SECRET_KEY_LEN: usize = x25519::SECRET_KEY_LEN;
    const TRAD_CIPHERTEXT_LEN: usize = x25519::PUBLIC_KEY_LEN;
    const TRAD_EPHEMERAL_LEN: usize = x25519::SECRET_KEY_LEN;
    const ENCAPS_RANDOMNESS_LEN: usize = MLKEM_RANDOMNESS_LEN + x25519::SECRET_KEY_LEN;
    type MlKem = ml_kem::MlKem768;
    type PublicKeyBytes = [u8; 1216];
    type SecretKeyBytes = [u8; 96];
    type Ciphertext = [u8; 1120];
    type TradSk = x25519::SecretKey;
    type TradPk = x25519::PublicKey;
    type TradCt = [u8; x25519::PUBLIC_KEY_LEN];
    type TradSs = SharedSecret;

    fn trad_sk_from_xof(xof: &mut Shake256Reader) -> Self::TradSk {
        let mut k = Secret::<{ x25519::SECRET_KEY_LEN }>::zero();
        xof.read(k.as_mut());
        x25519::SecretKey::from_bytes(k.as_bytes())
    }

    fn trad_sk_decode(bytes: &[u8]) -> Result<Self::TradSk> {
        x25519::SecretKey::from_slice(bytes)
    }

    fn trad_sk_encode(sk: &Self::TradSk, out: &mut [u8]) {
        concat_into(out, &[sk.as_bytes()]);
    }

    fn trad_pk_of(sk: &Self::TradSk) -> Self::TradPk {
        sk.public_key()
    }

    fn trad_pk_decode(bytes: &[u8]) -> Result<Self::TradPk> {
        x25519::PublicKey::from_slice(bytes)
    }

    fn trad_pk_bytes(pk: &Self::TradPk) -> &[u8] {
        &pk.0
    }

    fn trad_encaps(pk: &Self::TradPk, eph: &[u8]) -> Result<(Self::TradCt, Self::TradSs)> {
        let esk = x25519::SecretKey::from_bytes(array_ref(Field::Randomness, eph)?);
        let ss = esk.diffie_hellman(pk)?;
        Ok((esk.public_key().to_bytes(), ss))
    }

    fn trad_encaps_random<R: TryCryptoRng + ?Sized>(
        pk: &Self::TradPk,
        rng: &mut R,
    ) -> Result<(Self::TradCt, Self::TradSs)> {
        let esk = x25519::SecretKey::generate(rng)?;
        let ss = esk.diffie_hellman(pk)?;
        Ok((esk.public_key().to_bytes(), ss))
    }

    fn trad_decaps(sk: &Self::TradSk, ct: &[u8]) -> Result<Self::TradSs> {
        let epk = x25519::PublicKey(*array_ref(Field::Ciphertext, ct)?);
        sk.diffie_hellman(&epk)
    }
}

// ---- ECDH over NIST curves ----------------------------------------------------------------

/// An ECDH public key with its uncompressed SEC1 encoding (the traditional half of a composite
/// public key).
#[doc(hidden)]
#[derive(Clone, Debug)]
pub struct EcdhPublicKey<K, const N: usize> {
    point: K,
    bytes: [u8; N],
}

macro_rules! ecdh_params {
    (
        $(#[$doc:meta])* $name:ident, $krate:ident, $mlkem:ty,
        name: $algname:literal, oid: $oid:literal, label: $label:literal,
        field_len: $fl:literal, curve: $curve:expr,
        pk: $pk:literal, sk: $sk:literal, ct: $ct:literal
    ) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        pub struct $name;

        impl sealed::Sealed for $name {}

        impl $name {
            /// The curve of the `ECPrivateKey` DER of `tradSK` (§4.2): version 1, the scalar,
            /// `[0]` named-curve OID, no public key.
            const CURVE: Curve = $curve;
            const POINT_LEN: usize = 1 + 2 * $fl;

            fn point_bytes(point: &$krate::PublicKey) -> [u8; 1 + 2 * $fl] {
                use $krate::elliptic_curve::sec1::ToSec1Point;
                let mut out = [0u8; 1 + 2 * $fl];
                concat_into(&mut out, &[point.to_sec1_point(false).as_bytes()]);
                out
            }

            /// Decodes an uncompressed SEC1 point, rejecting every other form.
            fn decode_point(bytes: &[u8], field: Field) -> Result<$krate::PublicKey> {
                if bytes.len() != Self::POINT_LEN || bytes.first() != Some(&0x04) {
                    return Err(Error::MalformedEncoding { field });
                }
                $krate::PublicKey::from_sec1_bytes(bytes)
                    .map_err(|_| Error::MalformedEncoding { field })
            }

            fn ecdh(
                esk: &$krate::SecretKey,
                pk: &<Self as CompositeKemParams>::TradPk,
            ) -> ([u8; 1 + 2 * $fl], Secret<$fl>) {
                let shared = esk.diffie_hellman(&pk.point);
                let mut ss = Secret::<$fl>::zero();
                concat_into(ss.as_mut(), &[shared.raw_secret_bytes().as_ref()]);
                (Self::point_bytes(&esk.public_key()), ss)
            }
        }

        // `tradSK` is the curve's `ECPrivateKey`.
        const _: () = assert!(
            $name::CURVE.scalar_len() == $fl && $sk - MLKEM_SEED_LEN == $name::CURVE.encoded_len()
        );

        impl CompositeKemParams for $name {
            const NAME: &'static str = $algname;
            const OID: &'static str = $oid;
            #[cfg(feature = "pkcs8")]
            const ASN1_OID: const_oid::ObjectIdentifier =
                const_oid::ObjectIdentifier::new_unwrap($oid);
            const LABEL: &'static [u8] = $label;
            const PUBLIC_KEY_LEN: usize = $pk;
            const SECRET_KEY_LEN: usize = $sk;
            const CIPHERTEXT_LEN: usize = $ct;
            const TRAD_PUBLIC_KEY_LEN: usize = 1 + 2 * $fl;
            const TRAD_SECRET_KEY_LEN: usize = $sk - MLKEM_SEED_LEN;
            const TRAD_CIPHERTEXT_LEN: usize = 1 + 2 * $fl;
            const TRAD_EPHEMERAL_LEN: usize = $fl;
            const ENCAPS_RANDOMNESS_LEN: usize = MLKEM_RANDOMNESS_LEN + $fl;
            type MlKem = $mlkem;
            type PublicKeyBytes = [u8; $pk];
            type SecretKeyBytes = [u8; $sk];
            type Ciphertext = [u8; $ct];
            type TradSk = $krate::SecretKey;
            type TradPk = EcdhPublicKey<$krate::PublicKey, { 1 + 2 * $fl }>;
            type TradCt = [u8; 1 + 2 * $fl];
            type TradSs = Secret<$fl>;

            fn trad_sk_from_xof(xof: &mut Shake256Reader) -> Self::TradSk {
                let mut c = Secret::<$fl>::zero();
                // Rejection sampling (FIPS 186-5 A.2.2 style): keep 1 ≤ c ≤ n − 1. Each draw
                // is rejected with probability below 2^-32, so this ends after one draw in
                // practice.
                loop {
                    xof.read(c.as_mut());
                    if let Ok(sk) = $krate::SecretKey::from_slice(c.as_bytes()) {
                        return sk;
                    }
                }
            }

            fn trad_sk_decode(bytes: &[u8]) -> Result<Self::TradSk> {
                let scalar = ec_private_key::decode(Self::CURVE, bytes, Accept::Canonical)?;
                $krate::SecretKey::from_slice(scalar)
                    .map_err(|_| Error::InvalidKey { field: Field::SecretKey })
            }

            fn trad_sk_encode(sk: &Self::TradSk, out: &mut [u8]) {
                let scalar = Zeroizing::new(sk.to_bytes());
                ec_private_key::write(Self::CURVE, scalar.as_ref(), out);
            }

            fn trad_pk_of(sk: &Self::TradSk) -> Self::TradPk {
                let point = sk.public_key();
                EcdhPublicKey { bytes: Self::point_bytes(&point), point }
            }

            fn trad_pk_decode(bytes: &[u8]) -> Result<Self::TradPk> {
                let point = Self::decode_point(bytes, Field::PublicKey)?;
                Ok(EcdhPublicKey { bytes: Self::point_bytes(&point), point })
            }

            fn trad_pk_bytes(pk: &Self::TradPk) -> &[u8] {
                &pk.bytes
            }

            fn trad_encaps(
                pk: &Self::TradPk,
                eph: &[u8],
            ) -> Result<(Self::TradCt, Self::TradSs)> {
                check_len(Field::Randomness, $fl, eph.len())?;
                let esk = $krate::SecretKey::from_slice(eph)
                    .map_err(|_| Error::InvalidKey { field: Field::Randomness })?;
                Ok(Self::ecdh(&esk, pk))
            }

            fn trad_encaps_random<R: TryCryptoRng + ?Sized>(
                pk: &Self::TradPk,
                rng: &mut R,
            ) -> Result<(Self::TradCt, Self::TradSs)> {
                let mut k = Secret::<$fl>::zero();
                // As `ecdsa::SigningKey::generate`: 64 rejections happen only with a broken
                // generator.
                for _ in 0..64 {
                    fill(rng, k.as_mut())?;
                    if let Ok(esk) = $krate::SecretKey::from_slice(k.as_bytes()) {
                        return Ok(Self::ecdh(&esk, pk));
                    }
                }
                Err(Error::Rng)
            }

            fn trad_decaps(sk: &Self::TradSk, ct: &[u8]) -> Result<Self::TradSs> {
                let epk = Self::decode_point(ct, Field::Ciphertext)?;
                let shared = sk.diffie_hellman(&epk);
                let mut ss = Secret::<$fl>::zero();
                concat_into(ss.as_mut(), &[shared.raw_secret_bytes().as_ref()]);
                Ok(ss)
            }
        }
    };
}

ecdh_params!(
    /// `id-MLKEM768-ECDH-P256-SHA3-256`: ML-KEM-768 and ECDH over P-256 (OID
    /// 1.3.6.1.5.5.7.6.59).
    MlKem768EcdhP256Sha3_256, p256, ml_kem::MlKem768,
    name: "MLKEM768-ECDH-P256-SHA3-256", oid: "1.3.6.1.5.5.7.6.59", label: b"MLKEM768-P256",
    field_len: 32,
    curve: Curve::P256,
    pk: 1249, sk: 115, ct: 1153
);
ecdh_params!(
    /// `id-MLKEM768-ECDH-P384-SHA3-256`: ML-KEM-768 and ECDH over P-384 (OID
    /// 1.3.6.1.5.5.7.6.60). Offered in the typed API only ([`crate::KemAlgorithm`] has no
    /// variant for it).
    MlKem768EcdhP384Sha3_256, p384, ml_kem::MlKem768,
    name: "MLKEM768-ECDH-P384-SHA3-256", oid: "1.3.6.1.5.5.7.6.60", label: b"MLKEM768-P384",
    field_len: 48,
    curve: Curve::P384,
    pk: 1281, sk: 128, ct: 1185
);
ecdh_params!(
    /// `id-MLKEM1024-ECDH-P384-SHA3-256`: ML-KEM-1024 and ECDH over P-384 (OID
    /// 1.3.6.1.5.5.7.6.63).
    MlKem1024EcdhP384Sha3_256, p384, ml_kem::MlKem1024,
    name: "MLKEM1024-ECDH-P384-SHA3-256", oid: "1.3.6.1.5.5.7.6.63", label: b"MLKEM1024-P384",
    field_len: 48,
    curve: Curve::P384,
    pk: 1665, sk: 128, ct: 1665
);

/// MLKEM768-X25519-SHA3-256 decapsulation key.
pub type MlKem768X25519DecapsulationKey = DecapsulationKey<MlKem768X25519Sha3_256>;
/// MLKEM768-X25519-SHA3-256 encapsulation key.
pub type MlKem768X25519EncapsulationKey = EncapsulationKey<MlKem768X25519Sha3_256>;
/// MLKEM768-ECDH-P256-SHA3-256 decapsulation key.
pub type MlKem768P256DecapsulationKey = DecapsulationKey<MlKem768EcdhP256Sha3_256>;
/// MLKEM768-ECDH-P256-SHA3-256 encapsulation key.
pub type MlKem768P256EncapsulationKey = EncapsulationKey<MlKem768EcdhP256Sha3_256>;
/// MLKEM768-ECDH-P384-SHA3-256 decapsulation key.
pub type MlKem768P384DecapsulationKey = DecapsulationKey<MlKem768EcdhP384Sha3_256>;
/// MLKEM768-ECDH-P384-SHA3-256 encapsulation key.
pub type MlKem768P384EncapsulationKey = EncapsulationKey<MlKem768EcdhP384Sha3_256>;
/// MLKEM1024-ECDH-P384-SHA3-256 decapsulation key.
pub type MlKem1024P384DecapsulationKey = DecapsulationKey<MlKem1024EcdhP384Sha3_256>;
/// MLKEM1024-ECDH-P384-SHA3-256 encapsulation key.
pub type MlKem1024P384EncapsulationKey = EncapsulationKey<MlKem1024EcdhP384Sha3_256>;
