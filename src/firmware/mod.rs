//! Signed firmware images: a build server signs, a bootloader verifies from flash, streaming,
//! before it boots, and refuses downgrades and images signed by revoked keys.
//!
//! The byte format is specified in `docs/firmware-format.md` (every field, offset, limit, and a
//! worked hex example). In short, an image is
//!
//! ```text
//! Header (header_len bytes: 192 fixed + zero padding) ‖ Payload (payload_len) ‖ Signature block (trailer_len)
//! ```
//!
//! * The header carries the payload digest, an anti-rollback **security version**, the
//!   **device class** the image is for, the signature algorithm and the signer's **key id**
//!   ([`KeyId`]). It is what the image signature covers (context [`IMAGE_CONTEXT`]).
//! * The signature block (trailer) carries the signer's public key, the image signature, and
//!   optionally an **endorsement** ([`Endorsement`]): a root key's signature that delegates
//!   image signing to a release key for a range of security versions, a set of algorithms and
//!   a set of device classes (context [`ENDORSE_CONTEXT`]; one level of delegation only: the
//!   release key is not itself an anchor).
//! * Format version 2 ([`FORMAT_VERSION`]) is written; version 1 images (unscoped
//!   endorsements) are read only under a policy with [`Policy::accept_v1`]. ECDSA signatures
//!   must be low-s, so an image has one encoding; it is identified by
//!   [`VerifiedImage::image_id`] (SHA-256 of the signed header).
//! * "What a bootloader must do" (slot bounds, [`Verifier::set_slot_len`]; verify what you
//!   boot, [`Verifier::update_copy`]; counter width, [`Policy::max_security_version`]; raise
//!   the counter after the new image booted) is in `docs/firmware-format.md`.
//! * A device stores only [`TrustAnchor`]s: 32-byte key ids with an active/revoked state
//!   (OTP-friendly, as OpenTitan's key slots).
//!
//! Only post-quantum and hybrid algorithms are allowed (ids in [`FIRMWARE_ALGORITHMS`]); plain
//! Ed25519 and ECDSA have no id. The default is [`DEFAULT_ALGORITHM`],
//! MLDSA65-Ed25519-SHA512.
//!
//! Layers: [`Verifier`] (`no_std`, no allocation, bounded stack, any chunking), [`ImageSigner`],
//! [`sign_image`] and [`endorse`] (caller buffers), [`Manifest::parse`] (non-verifying, for
//! inspection). Every rejection is an [`Error::Firmware`] carrying a
//! [`FirmwareError`].
//!
//! ```
//! use pqhybrid::SignatureAlgorithm;
//! use pqhybrid::firmware::{
//!     AlgorithmSet, DeviceClass, ImageParams, Policy, TrustAnchor, Verifier, key_id,
//!     sign_image_deterministic,
//! };
//! # fn main() -> pqhybrid::Result<()> {
//! let alg = SignatureAlgorithm::MlDsa65Ed25519Sha512;
//! let (mut pk, mut sk) = ([0u8; 1984], [0u8; 64]);
//! alg.keypair_from_seed(&[7u8; 32], &mut pk, &mut sk)?;
//!
//! // Build server.
//! let class = DeviceClass(*b"acme-sensor-rev2");
//! let params = ImageParams::new(class, 3);
//! let payload = b"\x00\x10\x00\x20 firmware";
//! let mut image = [0u8; 8192];
//! let n = sign_image_deterministic(&params, payload, alg, &sk, None, &mut image)?;
//!
//! // Bootloader: the anchor is the key id only.
//! let anchors = [TrustAnchor::active(key_id(alg, &pk)?)];
//! let mut policy = Policy::new(&anchors, class);
//! policy.min_security_version = 2;
//! policy.allowed = AlgorithmSet::HYBRID_ONLY;
//! let mut v = Verifier::new(&policy);
//! for chunk in image[..n].chunks(1000) {
//!     v.update(chunk)?;
//! }
//! let verified = v.finish()?;
//! assert_eq!(verified.security_version(), 3);
//! # Ok(()) }
//! ```

#[cfg(feature = "hpke")]
mod decrypt;
#[cfg(feature = "hpke")]
pub mod encrypt;
mod format;
mod sign;
#[cfg(feature = "alloc")]
mod trust_store;
mod verify;

use core::fmt;

use sha2::Digest as _;

use crate::SignatureAlgorithm;
use crate::agile::{SIGNATURES, SignatureFamily};
use crate::error::{Error, Field, Result, check_len};

#[cfg(all(feature = "hpke", feature = "alloc"))]
pub use decrypt::decrypt_image;
#[cfg(feature = "hpke")]
pub use decrypt::{DEFAULT_CHUNK_BUFFER, DecryptedPayload, Decryptor};
pub use format::{Endorsement, Header, Manifest, SignatureBlock};
pub use sign::{
    ClassScope, EndorsementParams, ImageParams, ImageSigner, SignedLengths, endorse,
    endorse_deterministic, sign_image, sign_image_deterministic,
};
#[cfg(feature = "alloc")]
pub use trust_store::{
    TRUST_STORE_HEADER, TrustStoreEntry, TrustStoreError, TrustStoreErrorKind, parse_trust_store,
    state_keyword,
};
pub use verify::{Delegation, KeyState, Policy, TrustAnchor, VerifiedImage, Verifier};

/// The header magic, `"PQFW"`.
pub const HEADER_MAGIC: [u8; 4] = *b"PQFW";
/// The signature-block (trailer) magic, `"PQSB"`.
pub const TRAILER_MAGIC: [u8; 4] = *b"PQSB";
/// The format version this module writes (2: endorsements scoped to device classes, low-s
/// ECDSA required). Version 1 images are read only under a policy that accepts them
/// ([`Policy::accept_v1`]).
pub const FORMAT_VERSION: u16 = 2;
/// The first format version (endorsements valid for every device class; ECDSA `s` either way).
pub const FORMAT_VERSION_1: u16 = 1;
/// Length of the fixed part of the header.
pub const FIXED_HEADER_LEN: usize = 192;
/// The largest `header_len` (the header is padded with zeros to `header_len`, a multiple of 8).
pub const MAX_HEADER_LEN: usize = crate::message::MAX_PADDED_LEN;
/// The context string of the image signature (over the whole header, which carries the format
/// version: the same in both versions).
pub const IMAGE_CONTEXT: &[u8] = b"pqhybrid/fw/v1/image";
/// The context string of a version-2 endorsement signature.
pub const ENDORSE_CONTEXT: &[u8] = b"pqhybrid/fw/v2/endorse";
/// The first bytes of a version-2 endorsement's to-be-signed data.
pub const ENDORSE_TBS_PREFIX: &[u8; 15] = b"PQFW-ENDORSE-v2";
/// The context string of a version-1 endorsement signature.
pub const ENDORSE_CONTEXT_V1: &[u8] = b"pqhybrid/fw/v1/endorse";
/// The first bytes of a version-1 endorsement's to-be-signed data.
pub const ENDORSE_TBS_PREFIX_V1: &[u8; 15] = b"PQFW-ENDORSE-v1";
/// The most device classes a version-2 endorsement lists.
pub const MAX_ENDORSED_CLASSES: usize = 8;
/// Endorsement scope flag (version 2): the release key may sign for every device class (the
/// class list is then empty).
pub const ENDORSE_ANY_CLASS: u8 = 0x01;
/// The default largest security version: what a 32-bit anti-rollback counter holds. The
/// default of [`Policy::max_security_version`], and the limit [`sign_image`] and [`endorse`]
/// enforce unless the caller raises it ([`ImageParams::security_version_limit`],
/// [`EndorsementParams::security_version_limit`]).
pub const DEFAULT_MAX_SECURITY_VERSION: u64 = u32::MAX as u64;
/// The domain string of [`key_id`].
pub const KEY_ID_DOMAIN: &[u8; 27] = b"pqhybrid/v1/firmware-key-id";
/// The default signature algorithm for firmware.
pub const DEFAULT_ALGORITHM: SignatureAlgorithm = SignatureAlgorithm::MlDsa65Ed25519Sha512;
/// The default trailer capacity of a [`Verifier`]: 16 KiB, enough for every ML-DSA and
/// composite algorithm plus an endorsement by any ML-DSA or composite root, and for
/// SLH-DSA-128s/192s without delegation ([`required_trailer_capacity`]).
pub const DEFAULT_TRAILER_CAPACITY: usize = 16 * 1024;
/// The largest trailer any combination can need (SLH-DSA-256f endorsed by SLH-DSA-256f).
pub const MAX_TRAILER_CAPACITY: usize = required_trailer_capacity(
    SignatureAlgorithm::SlhDsaSha2_256f,
    Some(SignatureAlgorithm::SlhDsaSha2_256f),
);

/// Header flag: an SBOM digest is present.
pub const FLAG_SBOM: u8 = 0x01;
/// Header flag: the signature block carries an endorsement (delegation).
pub const FLAG_DELEGATION: u8 = 0x02;
/// Header flag bit 2: the payload is encrypted (an encryption record, then the encrypted
/// chunks; see [`encrypt`]). A verifier that predates it rejects such an image
/// ([`FirmwareError::ReservedNonZero`]) instead of taking the ciphertext for firmware.
pub const FLAG_ENCRYPTED: u8 = 0x04;
/// The magic of the encryption record that starts an encrypted payload, `"PQEN"`.
pub const ENCRYPTION_RECORD_MAGIC: [u8; 4] = *b"PQEN";

pub use crate::error::FirmwareError;

/// Shorthand for `Err(Error::Firmware(e))`.
pub(crate) fn fw<T>(e: FirmwareError) -> Result<T> {
    Err(Error::Firmware(e))
}

/// The firmware signature algorithms, indexed by id − 1: ids 1–3 ML-DSA-44/65/87, 4–15 the
/// SLH-DSA sets (SHA2-128s, SHA2-128f, SHA2-192s, SHA2-192f, SHA2-256s, SHA2-256f, SHAKE-128s,
/// SHAKE-128f, SHAKE-192s, SHAKE-192f, SHAKE-256s, SHAKE-256f), 16–21 the composites
/// (MLDSA44-Ed25519-SHA512, MLDSA44-ECDSA-P256-SHA256, MLDSA65-Ed25519-SHA512,
/// MLDSA65-ECDSA-P256-SHA512, MLDSA65-ECDSA-P384-SHA512, MLDSA87-ECDSA-P384-SHA512).
#[allow(clippy::indexing_slicing)] // evaluated at compile time: an index error is a build error
pub const FIRMWARE_ALGORITHMS: [SignatureAlgorithm; FIRMWARE_ALGORITHM_COUNT] = {
    // Entry `id - 1` is the algorithm with firmware id `id` (ids are contiguous from 1: checked
    // at compile time in `agile::SIGNATURES`).
    let mut all = [SignatureAlgorithm::MlDsa44; FIRMWARE_ALGORITHM_COUNT];
    let mut i = 0;
    while i < SIGNATURES.len() {
        let e = &SIGNATURES[i];
        if e.firmware {
            all[e.id as usize - 1] = e.algorithm;
        }
        i += 1;
    }
    all
};

/// How many algorithms firmware images may use (from [`SIGNATURES`]).
#[allow(clippy::indexing_slicing)] // `i` < len
const FIRMWARE_ALGORITHM_COUNT: usize = {
    let mut n = 0;
    let mut i = 0;
    while i < SIGNATURES.len() {
        if SIGNATURES[i].firmware {
            n += 1;
        }
        i += 1;
    }
    n
};

/// The firmware algorithm id of `alg` (see [`FIRMWARE_ALGORITHMS`]), or `None` for the
/// algorithms firmware does not allow (plain Ed25519 and ECDSA).
#[must_use]
pub const fn algorithm_id(alg: SignatureAlgorithm) -> Option<u16> {
    let info = alg.info();
    if info.firmware { Some(info.id) } else { None }
}

/// The algorithm with firmware id `id`, or `None`.
#[must_use]
pub const fn algorithm_from_id(id: u16) -> Option<SignatureAlgorithm> {
    if id == 0 || id as usize > FIRMWARE_ALGORITHMS.len() {
        return None;
    }
    // `id - 1` is in range: checked just above.
    #[allow(clippy::indexing_slicing)]
    Some(FIRMWARE_ALGORITHMS[id as usize - 1])
}

/// The id of `alg`, or [`FirmwareError::AlgorithmNotAllowed`] for a non-firmware algorithm.
pub(crate) fn require_id(alg: SignatureAlgorithm) -> Result<u16> {
    algorithm_id(alg).ok_or(Error::Firmware(FirmwareError::AlgorithmNotAllowed))
}

/// `(public-key length, maximum signature length)` of `alg`, as a `const` table (the same
/// values as [`SignatureAlgorithm::public_key_len`] and [`SignatureAlgorithm::signature_len`]).
#[must_use]
pub const fn algorithm_sizes(alg: SignatureAlgorithm) -> (usize, usize) {
    (alg.public_key_len(), alg.signature_len())
}

/// Length of a version-2 endorsement record whose root uses `root`, with its signature at the
/// maximum length and [`MAX_ENDORSED_CLASSES`] classes:
/// `2 + 2 + pk + 8 + 8 + 4 + 1 + 1 + 16·8 + 2 + sig` (a buffer that holds any record).
#[must_use]
pub const fn endorsement_max_len(root: SignatureAlgorithm) -> usize {
    endorsement_len(root, MAX_ENDORSED_CLASSES)
}

/// Length of a version-2 endorsement record by a `root` key listing `classes` device classes
/// (0 for "any class"), with the root signature at its maximum length.
#[must_use]
pub const fn endorsement_len(root: SignatureAlgorithm, classes: usize) -> usize {
    let (pk, sig) = algorithm_sizes(root);
    2 + 2 + pk + 8 + 8 + 4 + 1 + 1 + 16 * classes + 2 + sig
}

/// The exact `trailer_len` of an image signed with `alg` that embeds an endorsement record of
/// `endorsement_len` bytes (0 without delegation): `4 + 2 + 2 + pk + 2 + max_sig +
/// endorsement_len`. The image signature is always padded to the algorithm's maximum length, so
/// the trailer length is known before signing.
#[must_use]
pub const fn trailer_len(alg: SignatureAlgorithm, endorsement_len: usize) -> usize {
    let (pk, sig) = algorithm_sizes(alg);
    4 + 2 + 2 + pk + 2 + sig + endorsement_len
}

/// The trailer capacity a [`Verifier`] needs for images signed with `alg`, endorsed by a root
/// of algorithm `root` (or `None` without delegation) for up to [`MAX_ENDORSED_CLASSES`]
/// device classes. Usable in a `const` context to size `Verifier<'_, [u8; CAP]>`. Examples:
/// MLDSA65-Ed25519-SHA512 alone 5 367 bytes, endorsed by the same 10 880; MLDSA87-ECDSA-P384-SHA512
/// endorsed by the same 15 006 (all within [`DEFAULT_TRAILER_CAPACITY`]); SLH-DSA-128s alone
/// 7 898, 128f 17 130, 192s 16 282, 192f 35 722, 256s 29 866, 256f 49 930.
#[must_use]
pub const fn required_trailer_capacity(
    alg: SignatureAlgorithm,
    root: Option<SignatureAlgorithm>,
) -> usize {
    let endorsement = match root {
        Some(r) => endorsement_max_len(r),
        None => 0,
    };
    trailer_len(alg, endorsement)
}

/// A set of firmware signature algorithms: bit `id` is set for each allowed algorithm id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AlgorithmSet(u32);

impl AlgorithmSet {
    /// No algorithm.
    pub const NONE: Self = Self(0);
    /// Every firmware algorithm (ids 1–21).
    pub const ALL: Self = Self::family(None);
    /// The composites only (ids 16–21): a forgery needs a break of ML-DSA **and** of the
    /// classical algorithm.
    pub const HYBRID_ONLY: Self = Self::family(Some(SignatureFamily::Composite));
    /// Pure ML-DSA only (ids 1–3).
    pub const ML_DSA_ONLY: Self = Self::family(Some(SignatureFamily::MlDsa));
    /// SLH-DSA only (ids 4–15).
    pub const SLH_DSA_ONLY: Self = Self::family(Some(SignatureFamily::SlhDsa));
    /// The non-composite post-quantum algorithms: ML-DSA and SLH-DSA (ids 1–15).
    pub const PURE_PQ: Self = Self::ML_DSA_ONLY.union(Self::SLH_DSA_ONLY);

    /// The firmware algorithms of `family` (every one for `None`), from [`SIGNATURES`].
    #[allow(clippy::indexing_slicing)] // `i` < len
    const fn family(family: Option<SignatureFamily>) -> Self {
        let mut bits = 0u32;
        let mut i = 0;
        while i < SIGNATURES.len() {
            let e = &SIGNATURES[i];
            let wanted = match family {
                None => true,
                Some(f) => e.family as u8 == f as u8,
            };
            if e.firmware && wanted {
                bits |= 1 << e.id;
            }
            i += 1;
        }
        Self(bits)
    }

    /// The set with bits `bits`, or `None` if a bit outside ids 1–21 is set.
    #[must_use]
    pub const fn from_bits(bits: u32) -> Option<Self> {
        if bits & !Self::ALL.0 == 0 {
            Some(Self(bits))
        } else {
            None
        }
    }

    /// The raw bits.
    #[must_use]
    pub const fn bits(self) -> u32 {
        self.0
    }

    /// Whether `alg` is in the set (never for a non-firmware algorithm).
    #[must_use]
    pub const fn contains(self, alg: SignatureAlgorithm) -> bool {
        match algorithm_id(alg) {
            Some(id) => self.0 & (1u32 << id) != 0,
            None => false,
        }
    }

    /// The set with `alg` added (unchanged for a non-firmware algorithm).
    #[must_use]
    pub const fn with(self, alg: SignatureAlgorithm) -> Self {
        match algorithm_id(alg) {
            Some(id) => Self(self.0 | (1u32 << id)),
            None => self,
        }
    }

    /// The union of two sets.
    #[must_use]
    pub const fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    /// The algorithms in the set, in id order.
    pub fn iter(self) -> impl Iterator<Item = SignatureAlgorithm> {
        FIRMWARE_ALGORITHMS
            .into_iter()
            .filter(move |a| self.contains(*a))
    }
}

/// The payload digest algorithm (header byte 14).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DigestAlgorithm {
    /// SHA-256 (FIPS 180-4), id 1.
    Sha256,
    /// SHA-512 (FIPS 180-4), id 2.
    Sha512,
    /// SHA3-256 (FIPS 202), id 3.
    Sha3_256,
    /// SHA3-512 (FIPS 202), id 4.
    Sha3_512,
}

impl DigestAlgorithm {
    /// The header id.
    #[must_use]
    pub const fn id(self) -> u8 {
        match self {
            Self::Sha256 => 1,
            Self::Sha512 => 2,
            Self::Sha3_256 => 3,
            Self::Sha3_512 => 4,
        }
    }

    /// The algorithm with header id `id`.
    #[must_use]
    pub const fn from_id(id: u8) -> Option<Self> {
        match id {
            1 => Some(Self::Sha256),
            2 => Some(Self::Sha512),
            3 => Some(Self::Sha3_256),
            4 => Some(Self::Sha3_512),
            _ => None,
        }
    }

    /// Digest length in bytes (32 or 64).
    #[must_use]
    pub const fn output_len(self) -> usize {
        match self {
            Self::Sha256 | Self::Sha3_256 => 32,
            Self::Sha512 | Self::Sha3_512 => 64,
        }
    }

    /// The name (`"SHA-256"`, `"SHA3-512"`, …).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Sha256 => "SHA-256",
            Self::Sha512 => "SHA-512",
            Self::Sha3_256 => "SHA3-256",
            Self::Sha3_512 => "SHA3-512",
        }
    }

    /// The algorithm with the given [`Self::name`] (ASCII case-insensitive).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Sha256, Self::Sha512, Self::Sha3_256, Self::Sha3_512]
            .into_iter()
            .find(|d| d.name().eq_ignore_ascii_case(name))
    }

    /// The digest of `data`, zero-padded to 64 bytes as in the header.
    #[must_use]
    pub fn digest(self, data: &[u8]) -> [u8; 64] {
        let mut h = PayloadHasher::new(self);
        h.update(data);
        h.finalize()
    }
}

/// Streaming payload hash.
#[derive(Clone)]
pub(crate) enum PayloadHasher {
    Sha256(sha2::Sha256),
    Sha512(sha2::Sha512),
    Sha3_256(sha3::Sha3_256),
    Sha3_512(sha3::Sha3_512),
}

impl PayloadHasher {
    pub(crate) fn new(alg: DigestAlgorithm) -> Self {
        match alg {
            DigestAlgorithm::Sha256 => Self::Sha256(sha2::Sha256::new()),
            DigestAlgorithm::Sha512 => Self::Sha512(sha2::Sha512::new()),
            DigestAlgorithm::Sha3_256 => Self::Sha3_256(sha3::Sha3_256::new()),
            DigestAlgorithm::Sha3_512 => Self::Sha3_512(sha3::Sha3_512::new()),
        }
    }

    pub(crate) fn update(&mut self, data: &[u8]) {
        match self {
            Self::Sha256(h) => h.update(data),
            Self::Sha512(h) => h.update(data),
            Self::Sha3_256(h) => h.update(data),
            Self::Sha3_512(h) => h.update(data),
        }
    }

    /// The digest, zero-padded to 64 bytes.
    pub(crate) fn finalize(self) -> [u8; 64] {
        let mut out = [0u8; 64];
        let (short, long) = out.split_at_mut(32);
        match self {
            Self::Sha256(h) => short.copy_from_slice(&h.finalize()),
            Self::Sha3_256(h) => short.copy_from_slice(&h.finalize()),
            Self::Sha512(h) => {
                let d = h.finalize();
                let (a, b) = d.split_at(32);
                short.copy_from_slice(a);
                long.copy_from_slice(b);
            }
            Self::Sha3_512(h) => {
                let d = h.finalize();
                let (a, b) = d.split_at(32);
                short.copy_from_slice(a);
                long.copy_from_slice(b);
            }
        }
        out
    }
}

/// A device class: 16 opaque bytes naming the hardware an image is built for (for example a
/// product and board revision, or a UUID). An image boots only on its own class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct DeviceClass(pub [u8; 16]);

/// A key id: `SHA-256("pqhybrid/v1/firmware-key-id" ‖ u16le(alg id) ‖ public key)`, see
/// [`key_id`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct KeyId(pub [u8; 32]);

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyId(")?;
        for b in &self.0 {
            write!(f, "{b:02x}")?;
        }
        f.write_str(")")
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in &self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

/// The key id of public key `pk` of algorithm `alg`:
/// `SHA-256("pqhybrid/v1/firmware-key-id" ‖ u16le(algorithm_id(alg)) ‖ pk)`.
///
/// # Errors
/// [`FirmwareError::AlgorithmNotAllowed`] for a non-firmware algorithm, [`Error::InvalidLength`]
/// if `pk` does not have the algorithm's public-key length.
pub fn key_id(alg: SignatureAlgorithm, pk: &[u8]) -> Result<KeyId> {
    let id = require_id(alg)?;
    check_len(Field::PublicKey, algorithm_sizes(alg).0, pk.len())?;
    let mut h = sha2::Sha256::new();
    h.update(KEY_ID_DOMAIN);
    h.update(id.to_le_bytes());
    h.update(pk);
    Ok(KeyId(h.finalize().into()))
}

/// An image version (informational; anti-rollback uses the security version): header bytes
/// 24–31, `major`, `minor`, `u16le revision`, `u32le build`, as MCUboot's `image_version`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct ImageVersion {
    /// Major version.
    pub major: u8,
    /// Minor version.
    pub minor: u8,
    /// Revision.
    pub revision: u16,
    /// Build number.
    pub build: u32,
}

impl fmt::Display for ImageVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}.{}.{}+{}",
            self.major, self.minor, self.revision, self.build
        )
    }
}

// The masks derived from the algorithm table are the documented ids (format v1/v2).
const _: () = {
    assert!(AlgorithmSet::ALL.bits() == 0x003F_FFFE);
    assert!(AlgorithmSet::HYBRID_ONLY.bits() == 0x003F_0000);
    assert!(AlgorithmSet::ML_DSA_ONLY.bits() == 0x0000_000E);
    assert!(AlgorithmSet::SLH_DSA_ONLY.bits() == 0x0000_FFF0);
    assert!(AlgorithmSet::PURE_PQ.bits() == 0x0000_FFFE);
    assert!(FIRMWARE_ALGORITHMS.len() == 21);
};
