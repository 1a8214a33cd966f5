//! [`Suite`]: HPKE with the KEM, KDF and AEAD chosen at run time (a CLI flag, a C enum, a
//! JavaScript string, an image header), single-shot over caller buffers.
//!
//! The sealed box this layer reads and writes is `enc ‖ ct`: the KEM encapsulation
//! ([`KemAlgorithm::ciphertext_len`] bytes) followed by the AEAD ciphertext with its 16-byte
//! tag, in Base mode (RFC 9180 §6.1 `SealBase`/`OpenBase`). `docs/hpke.md` has the layout with
//! a worked example.

use ::hpke::aead::{Aead as AeadTrait, AeadTag, AesGcm256, ChaCha20Poly1305};
use ::hpke::inout::InOutBuf;
use ::hpke::kdf::{HkdfSha256, HkdfSha512, Kdf as KdfTrait, KdfShake128, KdfShake256};
use ::hpke::rand_core::{TryCryptoRng as HpkeTryCryptoRng, TryRng as HpkeTryRng};
use ::hpke::{Deserializable, HpkeError, Kem as KemTrait, OpModeR, OpModeS, Serializable};
use zeroize::Zeroize;

use crate::agile::{Decapsulator, KemAlgorithm};
use crate::error::{Error, Field, Result, check_len, out_buf};
use crate::rng::TryCryptoRng;

use super::kem;

/// The length of every AEAD tag offered here (AES-256-GCM, ChaCha20-Poly1305).
pub const TAG_LEN: usize = 16;

/// The key derivation functions [`Suite`] offers (RFC 9180 §7.2, draft-ietf-hpke-pq §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Kdf {
    /// HKDF-SHA256, 0x0001.
    HkdfSha256,
    /// HKDF-SHA512, 0x0003.
    HkdfSha512,
    /// SHAKE128 as a one-stage KDF, 0x0010.
    Shake128,
    /// SHAKE256 as a one-stage KDF, 0x0011.
    Shake256,
}

impl Kdf {
    /// Every KDF offered.
    pub const ALL: [Kdf; 4] = [
        Kdf::HkdfSha256,
        Kdf::HkdfSha512,
        Kdf::Shake128,
        Kdf::Shake256,
    ];

    /// The HPKE KDF identifier.
    #[must_use]
    pub const fn id(self) -> u16 {
        match self {
            Kdf::HkdfSha256 => 0x0001,
            Kdf::HkdfSha512 => 0x0003,
            Kdf::Shake128 => 0x0010,
            Kdf::Shake256 => 0x0011,
        }
    }

    /// The KDF of an identifier, if offered.
    #[must_use]
    pub fn from_id(id: u16) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.id() == id)
    }

    /// The name (as the drafts write it).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Kdf::HkdfSha256 => "HKDF-SHA256",
            Kdf::HkdfSha512 => "HKDF-SHA512",
            Kdf::Shake128 => "SHAKE128",
            Kdf::Shake256 => "SHAKE256",
        }
    }

    /// The KDF of a name, if offered.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(name))
    }

    /// The longest HPKE `info` this KDF takes: 65535 bytes for the one-stage KDFs (SHAKE128,
    /// SHAKE256), whose key schedule length-prefixes `info` with two bytes
    /// (draft-ietf-hpke-hpke, `lengthPrefixed`); `usize::MAX` for HKDF, which has no such limit
    /// (RFC 9180 §7.2.1).
    #[must_use]
    pub const fn max_info_len(self) -> usize {
        match self {
            Kdf::HkdfSha256 | Kdf::HkdfSha512 => usize::MAX,
            Kdf::Shake128 | Kdf::Shake256 => u16::MAX as usize,
        }
    }
}

/// The AEADs [`Suite`] offers (RFC 9180 §7.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Aead {
    /// AES-256-GCM, 0x0002.
    Aes256Gcm,
    /// ChaCha20-Poly1305, 0x0003.
    ChaCha20Poly1305,
}

impl Aead {
    /// Every AEAD offered.
    pub const ALL: [Aead; 2] = [Aead::Aes256Gcm, Aead::ChaCha20Poly1305];

    /// The HPKE AEAD identifier.
    #[must_use]
    pub const fn id(self) -> u16 {
        match self {
            Aead::Aes256Gcm => 0x0002,
            Aead::ChaCha20Poly1305 => 0x0003,
        }
    }

    /// The AEAD of an identifier, if offered.
    #[must_use]
    pub fn from_id(id: u16) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.id() == id)
    }

    /// The name (as RFC 9180 writes it).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Aead::Aes256Gcm => "AES-256-GCM",
            Aead::ChaCha20Poly1305 => "ChaCha20Poly1305",
        }
    }

    /// The AEAD of a name, if offered.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|a| a.name().eq_ignore_ascii_case(name))
    }
}

/// The HPKE KEM identifier of `kem` (draft-ietf-hpke-pq), or `None` for a KEM without a code
/// point (MLKEM768-X25519-SHA3-256, whose HPKE counterpart is X-Wing).
#[must_use]
pub const fn kem_id(kem: KemAlgorithm) -> Option<u16> {
    match kem {
        KemAlgorithm::MlKem512 => Some(0x0040),
        KemAlgorithm::MlKem768 => Some(0x0041),
        KemAlgorithm::MlKem1024 => Some(0x0042),
        KemAlgorithm::XWing => Some(0x647a),
        KemAlgorithm::MlKem768EcdhP256Sha3_256 => Some(0x0050),
        KemAlgorithm::MlKem1024EcdhP384Sha3_256 => Some(0x0051),
        KemAlgorithm::MlKem768X25519Sha3_256 => None,
    }
}

/// An HPKE cipher suite: a KEM with an HPKE code point, a KDF and an AEAD.
///
/// ```
/// use pqhybrid::KemAlgorithm;
/// use pqhybrid::agile::DecapsulationKey;
/// use pqhybrid::hpke::{Aead, Kdf, Suite};
/// # fn main() -> pqhybrid::Result<()> {
/// let suite = Suite::new(KemAlgorithm::XWing, Kdf::HkdfSha256, Aead::Aes256Gcm)?;
/// let alg = suite.kem();
/// let (mut pk, mut sk) = ([0u8; 1216], [0u8; 32]);
/// alg.keypair_from_seed(&[7u8; 32], &mut pk, &mut sk)?;
/// # #[cfg(feature = "std")] {
/// let mut rng = pqhybrid::rng::OsRng::default();
/// let mut sealed = vec![0u8; suite.sealed_len(5)];
/// suite.seal(&pk, b"info", b"aad", b"hello", &mut sealed, &mut rng)?;
/// let dk = DecapsulationKey::new(alg, &sk)?;
/// let mut opened = [0u8; 5];
/// suite.open(&dk, b"info", b"aad", &sealed, &mut opened)?;
/// assert_eq!(&opened, b"hello");
/// # }
/// # Ok(()) }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Suite {
    kem: KemAlgorithm,
    kdf: Kdf,
    aead: Aead,
}

/// Dispatches on the suite: binds `$K`, `$F`, `$A` to the `hpke` crate's types.
macro_rules! with_suite {
    ($s:expr, $K:ident, $F:ident, $A:ident => $body:expr) => {
        match $s.kem {
            KemAlgorithm::MlKem512 => with_suite!(@kdf $s, kem::MlKem512, $K, $F, $A => $body),
            KemAlgorithm::MlKem768 => with_suite!(@kdf $s, kem::MlKem768, $K, $F, $A => $body),
            KemAlgorithm::MlKem1024 => with_suite!(@kdf $s, kem::MlKem1024, $K, $F, $A => $body),
            KemAlgorithm::XWing => with_suite!(@kdf $s, kem::XWing, $K, $F, $A => $body),
            KemAlgorithm::MlKem768EcdhP256Sha3_256 => {
                with_suite!(@kdf $s, kem::MlKem768P256, $K, $F, $A => $body)
            }
            KemAlgorithm::MlKem1024EcdhP384Sha3_256 => {
                with_suite!(@kdf $s, kem::MlKem1024P384, $K, $F, $A => $body)
            }
            KemAlgorithm::MlKem768X25519Sha3_256 => Err(Error::UnsupportedSuite),
        }
    };
    (@kdf $s:expr, $kem:ty, $K:ident, $F:ident, $A:ident => $body:expr) => {
        match $s.kdf {
            Kdf::HkdfSha256 => with_suite!(@aead $s, $kem, HkdfSha256, $K, $F, $A => $body),
            Kdf::HkdfSha512 => with_suite!(@aead $s, $kem, HkdfSha512, $K, $F, $A => $body),
            Kdf::Shake128 => with_suite!(@aead $s, $kem, KdfShake128, $K, $F, $A => $body),
            Kdf::Shake256 => with_suite!(@aead $s, $kem, KdfShake256, $K, $F, $A => $body),
        }
    };
    (@aead $s:expr, $kem:ty, $kdf:ty, $K:ident, $F:ident, $A:ident => $body:expr) => {
        match $s.aead {
            Aead::Aes256Gcm => {
                type $K = $kem;
                type $F = $kdf;
                type $A = AesGcm256;
                $body
            }
            Aead::ChaCha20Poly1305 => {
                type $K = $kem;
                type $F = $kdf;
                type $A = ChaCha20Poly1305;
                $body
            }
        }
    };
}

impl Suite {
    /// The suite of `kem`, `kdf` and `aead`.
    ///
    /// # Errors
    /// [`Error::UnsupportedSuite`] if `kem` has no HPKE code point.
    pub const fn new(kem: KemAlgorithm, kdf: Kdf, aead: Aead) -> Result<Self> {
        match kem_id(kem) {
            Some(_) => Ok(Self { kem, kdf, aead }),
            None => Err(Error::UnsupportedSuite),
        }
    }

    /// The suite of three HPKE identifiers.
    ///
    /// # Errors
    /// [`Error::UnsupportedSuite`] unless each identifier is one this layer offers.
    pub fn from_ids(kem: u16, kdf: u16, aead: u16) -> Result<Self> {
        let kem = KemAlgorithm::ALL
            .into_iter()
            .find(|k| kem_id(*k) == Some(kem))
            .ok_or(Error::UnsupportedSuite)?;
        let kdf = Kdf::from_id(kdf).ok_or(Error::UnsupportedSuite)?;
        let aead = Aead::from_id(aead).ok_or(Error::UnsupportedSuite)?;
        Self::new(kem, kdf, aead)
    }

    /// The KEM.
    #[must_use]
    pub const fn kem(&self) -> KemAlgorithm {
        self.kem
    }

    /// The KDF.
    #[must_use]
    pub const fn kdf(&self) -> Kdf {
        self.kdf
    }

    /// The AEAD.
    #[must_use]
    pub const fn aead(&self) -> Aead {
        self.aead
    }

    /// The HPKE identifiers `(kem_id, kdf_id, aead_id)`.
    #[must_use]
    pub const fn ids(&self) -> (u16, u16, u16) {
        let kem = match kem_id(self.kem) {
            Some(id) => id,
            None => 0,
        };
        (kem, self.kdf.id(), self.aead.id())
    }

    /// The length of `enc` (the KEM ciphertext).
    #[must_use]
    pub const fn enc_len(&self) -> usize {
        self.kem.ciphertext_len()
    }

    /// The length of the sealed box of a `pt_len`-byte plaintext: `enc ‖ ct ‖ tag`.
    #[must_use]
    pub const fn sealed_len(&self, pt_len: usize) -> usize {
        self.enc_len() + pt_len + TAG_LEN
    }

    /// Fails with [`Error::ContextTooLong`] for an `info` longer than the KDF takes
    /// ([`Kdf::max_info_len`]; the `hpke` crate would panic on it).
    fn check_info(&self, info: &[u8]) -> Result<()> {
        let max = self.kdf.max_info_len();
        if info.len() > max {
            return Err(Error::ContextTooLong {
                max,
                actual: info.len(),
            });
        }
        Ok(())
    }

    /// `SealBase(pkR, info, aad, pt)` (RFC 9180 §6.1): writes `enc ‖ ct ‖ tag`
    /// ([`Self::sealed_len`] bytes) to the start of `out` and returns that length.
    ///
    /// # Errors
    /// [`Error::InvalidLength`] or [`Error::InvalidKey`] / [`Error::MalformedEncoding`] for `pk`
    /// (wrong length, FIPS 203 §7.2 check, ECDH point), [`Error::BufferTooSmall`],
    /// [`Error::Rng`], [`Error::ZeroSharedSecret`], [`Error::UnsupportedSuite`],
    /// [`Error::ContextTooLong`] (`info` longer than [`Kdf::max_info_len`]: 65535 bytes with
    /// SHAKE). Nothing is written on error.
    pub fn seal<R: TryCryptoRng + ?Sized>(
        &self,
        pk: &[u8],
        info: &[u8],
        aad: &[u8],
        pt: &[u8],
        out: &mut [u8],
        rng: &mut R,
    ) -> Result<usize> {
        self.check_info(info)?;
        check_len(Field::PublicKey, self.kem.public_key_len(), pk.len())?;
        let len = self.sealed_len(pt.len());
        let out = out_buf(Field::Ciphertext, out, len)?;
        with_suite!(self, K, F, A => seal::<K, F, A, R>(pk, info, aad, pt, out, rng))?;
        Ok(len)
    }

    /// `OpenBase(enc, skR, info, aad, ct)` (RFC 9180 §6.1) of a sealed box `enc ‖ ct ‖ tag`:
    /// writes the plaintext (`sealed.len() −` [`Self::sealed_len`]`(0)` bytes) to the start of
    /// `out` and returns its length.
    ///
    /// `dk` is any [`Decapsulator`]: a held [`DecapsulationKey`](crate::agile::DecapsulationKey),
    /// a borrowed [`DecapsulationKeyRef`](crate::agile::DecapsulationKeyRef), or a key kept
    /// elsewhere. It decapsulates `enc` once; the key schedule then runs on the shared secret
    /// (RFC 9180's takes nothing else from the KEM), so the key is never copied.
    ///
    /// # Errors
    /// [`Error::InvalidLength`] (a box shorter than `enc` and a tag), [`Error::BufferTooSmall`],
    /// [`Error::UnsupportedSuite`] (also when `dk` is not the suite's KEM),
    /// [`Error::MalformedEncoding`] / [`Error::ZeroSharedSecret`] (a bad ECDH or X25519 part of
    /// `enc`), [`Error::AuthenticationFailed`] (wrong key, wrong `info` or `aad`, or a modified
    /// box), [`Error::ContextTooLong`] (`info` longer than [`Kdf::max_info_len`]: 65535 bytes
    /// with SHAKE). No plaintext is released on error: on [`Error::AuthenticationFailed`] the
    /// plaintext area of `out` (its first `sealed.len() −` [`Self::sealed_len`]`(0)` bytes,
    /// where the box was decrypted in place) is zeroed; on every other error `out` is not
    /// written.
    pub fn open(
        &self,
        dk: &dyn Decapsulator,
        info: &[u8],
        aad: &[u8],
        sealed: &[u8],
        out: &mut [u8],
    ) -> Result<usize> {
        if dk.algorithm() != self.kem {
            return Err(Error::UnsupportedSuite);
        }
        self.check_info(info)?;
        let min = self.sealed_len(0);
        let pt_len = sealed.len().checked_sub(min).ok_or(Error::InvalidLength {
            field: Field::Ciphertext,
            expected: min,
            actual: sealed.len(),
        })?;
        let out = out_buf(Field::Plaintext, out, pt_len)?;
        with_suite!(self, K, F, A => open::<K, F, A>(dk, info, aad, sealed, out))?;
        Ok(pt_len)
    }
}

/// Hands a fallible generator to the `hpke` crate, which wants an infallible one: a failure is
/// remembered (and zeros returned), and the caller turns it into [`Error::Rng`] and discards
/// everything computed.
struct RememberFailure<'a, R: ?Sized> {
    rng: &'a mut R,
    failed: bool,
}

impl<R: TryCryptoRng + ?Sized> HpkeTryRng for RememberFailure<'_, R> {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> core::result::Result<u32, Self::Error> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }
    fn try_next_u64(&mut self) -> core::result::Result<u64, Self::Error> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> core::result::Result<(), Self::Error> {
        if self.rng.try_fill_bytes(dst).is_err() {
            self.failed = true;
            dst.fill(0);
        }
        Ok(())
    }
}

impl<R: TryCryptoRng + ?Sized> HpkeTryCryptoRng for RememberFailure<'_, R> {}

/// The `hpke` crate's errors as pqhybrid's.
pub(crate) fn map_err(e: HpkeError) -> Error {
    match e {
        HpkeError::OpenError => Error::AuthenticationFailed,
        HpkeError::IncorrectInputLength(expected, actual) => Error::InvalidLength {
            field: Field::Ciphertext,
            expected,
            actual,
        },
        HpkeError::ValidationError | HpkeError::EncapError => Error::InvalidKey {
            field: Field::PublicKey,
        },
        // A decapsulation fails only on an `enc` whose ECDH point is not on the curve or whose
        // X25519 share is low-order.
        HpkeError::DecapError => Error::MalformedEncoding {
            field: Field::Ciphertext,
        },
        // Not reachable through this layer (one message per context, fixed export lengths, no
        // PSK); mapped so that nothing panics if that changes.
        HpkeError::MessageLimitReached
        | HpkeError::SealError
        | HpkeError::KdfOutputTooLong
        | HpkeError::InvalidPskBundle => Error::UnsupportedSuite,
    }
}

#[inline(never)]
fn seal<K, F, A, R>(
    pk: &[u8],
    info: &[u8],
    aad: &[u8],
    pt: &[u8],
    out: &mut [u8],
    rng: &mut R,
) -> Result<()>
where
    K: KemTrait,
    F: KdfTrait,
    A: AeadTrait,
    R: TryCryptoRng + ?Sized,
{
    let enc_len = <K::EncappedKey as Serializable>::size();
    let (enc_out, rest) = out
        .split_at_mut_checked(enc_len)
        .ok_or(Error::BufferTooSmall {
            field: Field::Ciphertext,
            needed: enc_len,
            actual: 0,
        })?;
    let (ct_out, tag_out) = rest
        .split_at_mut_checked(pt.len())
        .ok_or(Error::BufferTooSmall {
            field: Field::Ciphertext,
            needed: pt.len(),
            actual: 0,
        })?;
    // The KEM's own parse gives the precise error (length, §7.2 check, curve point).
    let alg_err = |e: HpkeError| match e {
        HpkeError::ValidationError | HpkeError::IncorrectInputLength(..) => None,
        other => Some(map_err(other)),
    };
    let pk_recip = match K::PublicKey::from_bytes(pk) {
        Ok(pk) => pk,
        Err(e) => {
            return Err(alg_err(e).unwrap_or(Error::InvalidKey {
                field: Field::PublicKey,
            }));
        }
    };
    let mut guarded = RememberFailure { rng, failed: false };
    let mut csprng = ::hpke::rand_core::UnwrapErr(&mut guarded);
    let (enc, mut ctx) =
        ::hpke::setup_sender_with_rng::<A, F, K>(&OpModeS::Base, &pk_recip, info, &mut csprng)
            .map_err(map_err)?;
    if guarded.failed {
        return Err(Error::Rng);
    }
    // Everything that can fail on the inputs has run: from here on `out` is written.
    enc.write_exact(enc_out);
    ct_out.copy_from_slice(pt);
    match ctx.seal_inout_detached(InOutBuf::from(&mut *ct_out), aad) {
        Ok(tag) => {
            tag.write_exact(tag_out);
            Ok(())
        }
        // Not reachable (a fresh context seals once); leave nothing behind if it ever is.
        Err(e) => {
            enc_out.zeroize();
            ct_out.zeroize();
            Err(map_err(e))
        }
    }
}

#[inline(never)]
fn open<K, F, A>(
    dk: &dyn Decapsulator,
    info: &[u8],
    aad: &[u8],
    sealed: &[u8],
    out: &mut [u8],
) -> Result<()>
where
    F: KdfTrait,
    A: AeadTrait,
    K: KemTrait + kem::HasParams,
{
    type Pre<K> = kem::Decapsulated<<K as kem::HasParams>::P>;
    let enc_len = <<Pre<K> as KemTrait>::EncappedKey as Serializable>::size();
    let tag_len = <AeadTag<A> as Serializable>::size();
    let (enc, rest) = sealed
        .split_at_checked(enc_len)
        .ok_or(Error::InvalidLength {
            field: Field::Ciphertext,
            expected: enc_len + tag_len,
            actual: sealed.len(),
        })?;
    let ct_len = rest.len().saturating_sub(tag_len);
    let (ct, tag) = rest.split_at_checked(ct_len).ok_or(Error::InvalidLength {
        field: Field::Ciphertext,
        expected: enc_len + tag_len,
        actual: sealed.len(),
    })?;
    let tag = AeadTag::<A>::from_bytes(tag).map_err(map_err)?;
    // The decapsulation, by whatever holds the key; then the key schedule on its result.
    let mut ss = kem::DecapsulatedSecret::default();
    dk.decapsulate(enc, &mut *ss.0).map_err(decap_err)?;
    let enc = <Pre<K> as KemTrait>::EncappedKey::from_bytes(enc).map_err(map_err)?;
    let mut ctx =
        ::hpke::setup_receiver::<A, F, Pre<K>>(&OpModeR::Base, &ss, &enc, info).map_err(map_err)?;
    let out = out.get_mut(..ct.len()).ok_or(Error::BufferTooSmall {
        field: Field::Plaintext,
        needed: ct.len(),
        actual: 0,
    })?;
    // Decrypted in place: on failure, wipe what the AEAD may have written.
    out.copy_from_slice(ct);
    let result = ctx
        .open_inout_detached(InOutBuf::from(&mut *out), aad, &tag)
        .map_err(map_err);
    if result.is_err() {
        out.zeroize();
    }
    result
}

/// A failed decapsulation of `enc`: a bad ECDH point or low-order X25519 share is
/// [`Error::MalformedEncoding`] of the ciphertext (as the `hpke` crate's `DecapError`); an
/// error about the key itself (a private key that does not parse) is returned as it is.
fn decap_err(e: Error) -> Error {
    match e {
        Error::MalformedEncoding {
            field: Field::Ciphertext,
        }
        | Error::ZeroSharedSecret
        | Error::InvalidLength {
            field: Field::Ciphertext,
            ..
        } => Error::MalformedEncoding {
            field: Field::Ciphertext,
        },
        other => other,
    }
}
