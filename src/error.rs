//! The one error type of pqhybrid.
//!
//! Every fallible operation in the crate returns [`Error`]. Each variant says what was wrong
//! precisely enough for the C ABI and the JavaScript bindings to map it to a stable code.

use core::fmt;

/// Which input or output an [`Error`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Field {
    /// A public key (verifying or encapsulation key).
    PublicKey,
    /// A private key in its canonical (seed) form, or a full private key encoding.
    SecretKey,
    /// A key-generation seed.
    Seed,
    /// An expanded private key (for example an FIPS 203 `dk` of 768·k+96 bytes).
    ExpandedKey,
    /// A signature.
    Signature,
    /// A KEM ciphertext, or an AEAD ciphertext.
    Ciphertext,
    /// A shared secret output.
    SharedSecret,
    /// An AEAD nonce.
    Nonce,
    /// An AEAD authentication tag.
    Tag,
    /// An AEAD plaintext output.
    Plaintext,
    /// The deterministic encapsulation randomness `m` of ML-KEM.
    Randomness,
    /// A symmetric key.
    SymmetricKey,
}

impl Field {
    /// A short lowercase name, for messages.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Field::PublicKey => "public key",
            Field::SecretKey => "secret key",
            Field::Seed => "seed",
            Field::ExpandedKey => "expanded private key",
            Field::Signature => "signature",
            Field::Ciphertext => "ciphertext",
            Field::SharedSecret => "shared secret",
            Field::Nonce => "nonce",
            Field::Tag => "tag",
            Field::Plaintext => "plaintext",
            Field::Randomness => "randomness",
            Field::SymmetricKey => "symmetric key",
        }
    }
}

/// Everything that can go wrong in pqhybrid.
///
/// No input makes the library panic: every malformed, truncated or oversized input maps to one
/// of these variants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// An input had the wrong length.
    InvalidLength {
        /// Which input.
        field: Field,
        /// The length the algorithm requires.
        expected: usize,
        /// The length that was given.
        actual: usize,
    },
    /// A caller-provided output buffer is too small. Nothing was written to it.
    BufferTooSmall {
        /// Which output.
        field: Field,
        /// The number of bytes the output needs.
        needed: usize,
        /// The size of the buffer that was given.
        actual: usize,
    },
    /// An input had the right length but is not a valid encoding (for example an ECDSA point
    /// not on the curve, a DER signature that does not parse, an ML-DSA hint that is not
    /// canonical).
    MalformedEncoding {
        /// Which input.
        field: Field,
    },
    /// A key failed the validation its standard requires: the FIPS 203 §7.2 modulus check or
    /// §7.3 hash check, an ECDSA scalar of zero or ≥ n, an SLH-DSA key whose `PK.root` does not
    /// match its seeds.
    InvalidKey {
        /// Which key.
        field: Field,
    },
    /// A context-like input was longer than the call allows: a signature context string over
    /// 255 bytes (ML-DSA, SLH-DSA, the composites), an HPKE `info` over 65 535 bytes (the
    /// SHAKE KDFs), an identity seal label or associated data over its maximum. `max` is the
    /// limit of the call that failed.
    ContextTooLong {
        /// The largest allowed length.
        max: usize,
        /// The length that was given.
        actual: usize,
    },
    /// A non-empty context string was given to an algorithm that has no context input
    /// (Ed25519 in its pure RFC 8032 form, ECDSA).
    ContextNotSupported,
    /// The signature does not verify under the given key and message.
    VerificationFailed,
    /// The random number generator failed.
    Rng,
    /// X25519 produced the all-zero shared secret: the peer's public key is a low-order point
    /// (RFC 7748 §6.1).
    ZeroSharedSecret,
    /// AEAD decryption failed: the tag does not authenticate the ciphertext and associated data.
    AuthenticationFailed,
    /// The private key was imported in expanded form, so its seed (the canonical form) is not
    /// available for export.
    SeedUnavailable,
    /// ML-DSA's rejection loop did not find a signature within its bound (probability below
    /// 2^-128 for honest keys; reachable only with a malformed key).
    SigningFailed,
    /// The algorithm is compiled out: this build enables the `algorithm-subset` feature
    /// without the algorithm's `alg-*` feature (see [`SignatureAlgorithm::is_enabled`]).
    ///
    /// [`SignatureAlgorithm::is_enabled`]: crate::SignatureAlgorithm::is_enabled
    AlgorithmDisabled,
    /// An algorithm name that names no algorithm of this library (`"ML-DSA-65".parse()` of
    /// [`SignatureAlgorithm`] or [`KemAlgorithm`]).
    ///
    /// [`SignatureAlgorithm`]: crate::SignatureAlgorithm
    /// [`KemAlgorithm`]: crate::KemAlgorithm
    UnknownAlgorithm,
    /// An HPKE suite this library does not offer: a KEM without an HPKE code point
    /// (MLKEM768-X25519-SHA3-256), a KDF or AEAD identifier outside `hpke::Kdf` /
    /// `hpke::Aead`, or a private key of another KEM than the suite's.
    UnsupportedSuite,
    /// A signed firmware image was rejected ([`crate::firmware`]); the [`FirmwareError`] says
    /// why.
    Firmware(FirmwareError),
    /// A device-identity document was rejected or could not be written
    /// (`crate::identity`); the [`IdentityError`] says why.
    Identity(IdentityError),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidLength {
                field,
                expected,
                actual,
            } => write!(
                f,
                "{} has length {actual}, expected {expected}",
                field.name()
            ),
            Error::BufferTooSmall {
                field,
                needed,
                actual,
            } => write!(
                f,
                "output buffer for {} holds {actual} bytes, needs {needed}",
                field.name()
            ),
            Error::MalformedEncoding { field } => write!(f, "malformed {} encoding", field.name()),
            Error::InvalidKey { field } => write!(f, "{} failed validation", field.name()),
            Error::ContextTooLong { max, actual } => {
                write!(
                    f,
                    "context (signature context, HPKE info, seal label or aad) of {actual} bytes exceeds this call's limit of {max}"
                )
            }
            Error::ContextNotSupported => f.write_str("algorithm does not take a context string"),
            Error::VerificationFailed => f.write_str("signature verification failed"),
            Error::Rng => f.write_str("random number generator failed"),
            Error::ZeroSharedSecret => f.write_str("X25519 shared secret is all zero"),
            Error::AuthenticationFailed => f.write_str("AEAD authentication failed"),
            Error::SeedUnavailable => f.write_str("key was imported without its seed"),
            Error::SigningFailed => f.write_str("signing did not terminate"),
            Error::AlgorithmDisabled => f.write_str("algorithm not enabled in this build"),
            Error::UnknownAlgorithm => f.write_str("unknown algorithm name"),
            Error::UnsupportedSuite => f.write_str("HPKE suite not offered (KEM, KDF or AEAD)"),
            Error::Firmware(e) => write!(f, "firmware image rejected: {e}"),
            Error::Identity(e) => write!(f, "device identity rejected: {e}"),
        }
    }
}

impl core::error::Error for Error {}

/// `Result` with [`Error`].
pub type Result<T> = core::result::Result<T, Error>;

/// Fails with [`Error::InvalidLength`] unless `actual == expected`.
pub(crate) fn check_len(field: Field, expected: usize, actual: usize) -> Result<()> {
    if actual == expected {
        Ok(())
    } else {
        Err(Error::InvalidLength {
            field,
            expected,
            actual,
        })
    }
}

/// Borrows exactly `len` bytes at the start of an output buffer, or fails with
/// [`Error::BufferTooSmall`] (writing nothing).
pub(crate) fn out_buf(field: Field, buf: &mut [u8], len: usize) -> Result<&mut [u8]> {
    let actual = buf.len();
    buf.get_mut(..len).ok_or(Error::BufferTooSmall {
        field,
        needed: len,
        actual,
    })
}

/// Converts a slice to a fixed-size array reference, or fails with [`Error::InvalidLength`].
pub(crate) fn array_ref<const N: usize>(field: Field, bytes: &[u8]) -> Result<&[u8; N]> {
    bytes.try_into().map_err(|_| Error::InvalidLength {
        field,
        expected: N,
        actual: bytes.len(),
    })
}

/// The longest context string FIPS 204 and FIPS 205 accept.
pub const MAX_CONTEXT_LEN: usize = 255;

/// Fails with [`Error::ContextTooLong`] if `ctx` exceeds [`MAX_CONTEXT_LEN`].
pub(crate) fn check_ctx(ctx: &[u8]) -> Result<()> {
    if ctx.len() > MAX_CONTEXT_LEN {
        Err(Error::ContextTooLong {
            max: MAX_CONTEXT_LEN,
            actual: ctx.len(),
        })
    } else {
        Ok(())
    }
}

/// Fails with [`Error::ContextNotSupported`] if `ctx` is not empty.
pub(crate) fn require_empty_ctx(ctx: &[u8]) -> Result<()> {
    if ctx.is_empty() {
        Ok(())
    } else {
        Err(Error::ContextNotSupported)
    }
}

/// Why a firmware image was rejected. Carried by [`Error::Firmware`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FirmwareError {
    /// The header does not start with `"PQFW"`, or the signature block with `"PQSB"`.
    BadMagic,
    /// The header's format version is neither 1 nor 2, or it is 1 and the policy does not
    /// accept version 1 ([`Policy::accept_v1`](crate::firmware::Policy::accept_v1)).
    UnsupportedVersion,
    /// `header_len` is below 192, above 4096, or not a multiple of 8.
    BadHeaderLength,
    /// A reserved byte, the header padding, the payload-digest padding, an undefined flag bit,
    /// an SBOM digest without its flag, the image-signature padding or an undefined bit of an
    /// algorithm set is not zero.
    ReservedNonZero,
    /// A signature-algorithm id is not one of [`FIRMWARE_ALGORITHMS`](crate::firmware::FIRMWARE_ALGORITHMS).
    UnknownAlgorithm,
    /// The payload-digest algorithm id is not one of [`DigestAlgorithm`](crate::firmware::DigestAlgorithm).
    UnknownDigest,
    /// The signature block is structurally wrong: an algorithm id that differs from the header's,
    /// a public-key or signature length that does not fit the algorithm, an endorsement present
    /// without the flag (or the reverse), or bytes left over.
    Malformed,
    /// The image ended before `header_len + payload_len + trailer_len` bytes.
    Truncated,
    /// More bytes followed the end of the image, or a length does not add up.
    LengthMismatch,
    /// `trailer_len` exceeds the verifier's trailer capacity.
    TrailerTooLarge,
    /// The image is for another device class.
    WrongDeviceClass,
    /// The image's security version is below the device's minimum (anti-rollback).
    Rollback,
    /// The policy (or the endorsement) does not allow the signature algorithm.
    AlgorithmNotAllowed,
    /// The signing key or its endorsing root is revoked.
    RevokedKey,
    /// Neither the signing key nor an endorsing root is an active trust anchor.
    UnknownKey,
    /// The public key in the signature block does not hash to the header's signer key id.
    KeyIdMismatch,
    /// The security version is outside the endorsement's `[min, max]` range.
    DelegationOutOfRange,
    /// The payload does not hash to the header's payload digest.
    DigestMismatch,
    /// The image signature or the endorsement signature does not verify.
    BadSignature,
    /// The security version is above what the device's counter can store
    /// ([`Policy::max_security_version`](crate::firmware::Policy::max_security_version)), or above the signer's limit.
    SecurityVersionTooLarge,
    /// The endorsement does not list the image's device class (version 2).
    ClassNotEndorsed,
    /// The endorsed release key is itself a trust anchor (a root endorsing a root, or itself),
    /// or `endorse` was asked to endorse the root's own key.
    EndorsedAnchor,
    /// An ECDSA signature (image or endorsement) has a high `s` (version 2 requires `s ≤ n/2`,
    /// so that the signature block has one encoding).
    NonCanonicalSignature,
    /// The image is longer than the slot the verifier was told it is in
    /// ([`Verifier::set_slot_len`](crate::firmware::Verifier::set_slot_len)).
    ImageExceedsSlot,
    /// Decryption was asked of an image whose payload is not encrypted (header flag bit 2
    /// clear).
    NotEncrypted,
    /// The encryption record at the start of an encrypted payload is malformed: magic,
    /// version, an HPKE or chunk-cipher id this build does not offer, a chunk size or a length
    /// that does not add up with the header's payload length.
    BadEncryptionRecord,
    /// The image is encrypted to another key: the record's recipient key id is not the
    /// decryption key's.
    WrongRecipient,
    /// The wrapped content key does not decrypt (HPKE open failed): the record was made for
    /// another key with the same id, or it was modified.
    KeyUnwrapFailed,
    /// An encrypted chunk does not authenticate: modified, reordered, duplicated, moved from
    /// another image, or a last chunk that is not where the record says the payload ends.
    ChunkAuthentication,
    /// The decrypted payload does not hash to the plaintext digest in its encryption record.
    PlaintextDigestMismatch,
    /// The image's chunks (chunk size plus tag) do not fit the decryptor's chunk buffer.
    ChunkTooLarge,
    /// The image's payload is encrypted (header flag bit 2) and the verifier's policy does not
    /// accept encrypted images ([`Policy::accept_encrypted`](crate::firmware::Policy::accept_encrypted)).
    /// Returned as soon as the fixed header is in, before any payload is hashed: a bootloader
    /// that does not decrypt must never install ciphertext as code.
    EncryptedNotAccepted,
}

impl FirmwareError {
    /// Every variant, in declaration order.
    pub const ALL: [FirmwareError; 32] = [
        Self::BadMagic,
        Self::UnsupportedVersion,
        Self::BadHeaderLength,
        Self::ReservedNonZero,
        Self::UnknownAlgorithm,
        Self::UnknownDigest,
        Self::Malformed,
        Self::Truncated,
        Self::LengthMismatch,
        Self::TrailerTooLarge,
        Self::WrongDeviceClass,
        Self::Rollback,
        Self::AlgorithmNotAllowed,
        Self::RevokedKey,
        Self::UnknownKey,
        Self::KeyIdMismatch,
        Self::DelegationOutOfRange,
        Self::DigestMismatch,
        Self::BadSignature,
        Self::SecurityVersionTooLarge,
        Self::ClassNotEndorsed,
        Self::EndorsedAnchor,
        Self::NonCanonicalSignature,
        Self::ImageExceedsSlot,
        Self::NotEncrypted,
        Self::BadEncryptionRecord,
        Self::WrongRecipient,
        Self::KeyUnwrapFailed,
        Self::ChunkAuthentication,
        Self::PlaintextDigestMismatch,
        Self::ChunkTooLarge,
        Self::EncryptedNotAccepted,
    ];

    /// The variant's name (`"Rollback"`, …), stable, for logs and file names.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::BadMagic => "BadMagic",
            Self::UnsupportedVersion => "UnsupportedVersion",
            Self::BadHeaderLength => "BadHeaderLength",
            Self::ReservedNonZero => "ReservedNonZero",
            Self::UnknownAlgorithm => "UnknownAlgorithm",
            Self::UnknownDigest => "UnknownDigest",
            Self::Malformed => "Malformed",
            Self::Truncated => "Truncated",
            Self::LengthMismatch => "LengthMismatch",
            Self::TrailerTooLarge => "TrailerTooLarge",
            Self::WrongDeviceClass => "WrongDeviceClass",
            Self::Rollback => "Rollback",
            Self::AlgorithmNotAllowed => "AlgorithmNotAllowed",
            Self::RevokedKey => "RevokedKey",
            Self::UnknownKey => "UnknownKey",
            Self::KeyIdMismatch => "KeyIdMismatch",
            Self::DelegationOutOfRange => "DelegationOutOfRange",
            Self::DigestMismatch => "DigestMismatch",
            Self::BadSignature => "BadSignature",
            Self::SecurityVersionTooLarge => "SecurityVersionTooLarge",
            Self::ClassNotEndorsed => "ClassNotEndorsed",
            Self::EndorsedAnchor => "EndorsedAnchor",
            Self::NonCanonicalSignature => "NonCanonicalSignature",
            Self::ImageExceedsSlot => "ImageExceedsSlot",
            Self::NotEncrypted => "NotEncrypted",
            Self::BadEncryptionRecord => "BadEncryptionRecord",
            Self::WrongRecipient => "WrongRecipient",
            Self::KeyUnwrapFailed => "KeyUnwrapFailed",
            Self::ChunkAuthentication => "ChunkAuthentication",
            Self::PlaintextDigestMismatch => "PlaintextDigestMismatch",
            Self::ChunkTooLarge => "ChunkTooLarge",
            Self::EncryptedNotAccepted => "EncryptedNotAccepted",
        }
    }

    /// A one-line description.
    #[must_use]
    pub const fn description(self) -> &'static str {
        match self {
            Self::BadMagic => "bad magic (not a PQFW image or PQSB signature block)",
            Self::UnsupportedVersion => "unsupported firmware format version",
            Self::BadHeaderLength => "header length out of range or not a multiple of 8",
            Self::ReservedNonZero => "reserved field, padding or undefined flag is not zero",
            Self::UnknownAlgorithm => "unknown or non-firmware signature algorithm id",
            Self::UnknownDigest => "unknown payload digest algorithm",
            Self::Malformed => "malformed signature block",
            Self::Truncated => "image is truncated",
            Self::LengthMismatch => "image length does not match its header",
            Self::TrailerTooLarge => "signature block exceeds the verifier's capacity",
            Self::WrongDeviceClass => "image is for another device class",
            Self::Rollback => "security version is below the device minimum (rollback)",
            Self::AlgorithmNotAllowed => "signature algorithm not allowed by policy",
            Self::RevokedKey => "signing key or its root is revoked",
            Self::UnknownKey => "signing key is not trusted",
            Self::KeyIdMismatch => "public key does not match the signer key id",
            Self::DelegationOutOfRange => "security version outside the endorsement's range",
            Self::DigestMismatch => "payload digest mismatch",
            Self::BadSignature => "signature verification failed",
            Self::SecurityVersionTooLarge => {
                "security version above what the device counter (or the signer's limit) allows"
            }
            Self::ClassNotEndorsed => "the endorsement does not cover the image's device class",
            Self::EndorsedAnchor => "the endorsed key is itself a trust anchor",
            Self::NonCanonicalSignature => "ECDSA signature not in low-s form",
            Self::ImageExceedsSlot => "image is longer than its slot",
            Self::NotEncrypted => "image payload is not encrypted",
            Self::BadEncryptionRecord => "malformed encryption record",
            Self::WrongRecipient => "image is encrypted to another key",
            Self::KeyUnwrapFailed => "content key does not decrypt with this key",
            Self::ChunkAuthentication => {
                "encrypted chunk does not authenticate (tampered, reordered, duplicated or truncated)"
            }
            Self::PlaintextDigestMismatch => "decrypted payload does not match its digest",
            Self::ChunkTooLarge => "encrypted chunks exceed the decryptor's chunk buffer",
            Self::EncryptedNotAccepted => {
                "image payload is encrypted and the policy does not accept encrypted images"
            }
        }
    }
}

impl fmt::Display for FirmwareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.description())
    }
}

impl From<FirmwareError> for Error {
    fn from(e: FirmwareError) -> Self {
        Error::Firmware(e)
    }
}

/// Why a device-identity document (certificate, CSR, evidence) was rejected or could not be
/// written. Carried by [`Error::Identity`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IdentityError {
    /// The algorithm cannot hold a device identity (only ML-DSA and the composites can), or a
    /// certificate names a signature or key algorithm this library does not know.
    UnsupportedAlgorithm,
    /// A certificate, CSR or evidence is not the DER this profile defines: truncated, trailing
    /// bytes, a wrong tag or version, a missing or duplicated extension, a field out of range.
    MalformedCertificate,
    /// A certificate carries a critical extension this library does not understand.
    UnknownCriticalExtension,
    /// The chain does not start at one of the trusted roots.
    UnknownRoot,
    /// A certificate's issuer is not the subject of the certificate before it (names or key
    /// identifiers differ), or the chain has the wrong length.
    BrokenChain,
    /// A certificate that issues another is not a CA (basicConstraints or keyUsage), or the
    /// evidence is a CA.
    NotACa,
    /// A signature in the chain (or the CSR's proof of possession) does not verify.
    BadSignature,
    /// The evidence's nonce is not the verifier's, or a nonce to issue is empty or longer than
    /// `MAX_NONCE_LEN`.
    BadNonce,
    /// The firmware the Alias certificate describes is not one of the reference values.
    MeasurementMismatch,
    /// The firmware's security version is below the verifier's minimum.
    Rollback,
    /// The Alias certificate's mode is not normal (debug, recovery or not configured).
    WrongMode,
    /// The Alias certificate names another device (its UEID differs from the DeviceID's).
    WrongDevice,
    /// A certificate is not valid at the time the verifier checks against.
    Expired,
}

impl IdentityError {
    /// Every variant, in declaration order.
    pub const ALL: [IdentityError; 13] = [
        Self::UnsupportedAlgorithm,
        Self::MalformedCertificate,
        Self::UnknownCriticalExtension,
        Self::UnknownRoot,
        Self::BrokenChain,
        Self::NotACa,
        Self::BadSignature,
        Self::BadNonce,
        Self::MeasurementMismatch,
        Self::Rollback,
        Self::WrongMode,
        Self::WrongDevice,
        Self::Expired,
    ];

    /// The variant's name (`"BadNonce"`, …), stable, for logs and bindings.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::UnsupportedAlgorithm => "UnsupportedAlgorithm",
            Self::MalformedCertificate => "MalformedCertificate",
            Self::UnknownCriticalExtension => "UnknownCriticalExtension",
            Self::UnknownRoot => "UnknownRoot",
            Self::BrokenChain => "BrokenChain",
            Self::NotACa => "NotACa",
            Self::BadSignature => "BadSignature",
            Self::BadNonce => "BadNonce",
            Self::MeasurementMismatch => "MeasurementMismatch",
            Self::Rollback => "Rollback",
            Self::WrongMode => "WrongMode",
            Self::WrongDevice => "WrongDevice",
            Self::Expired => "Expired",
        }
    }

    /// A one-line description.
    #[must_use]
    pub const fn description(self) -> &'static str {
        match self {
            Self::UnsupportedAlgorithm => "algorithm not supported for device identities",
            Self::MalformedCertificate => "malformed certificate, CSR or evidence",
            Self::UnknownCriticalExtension => "unknown critical extension",
            Self::UnknownRoot => "chain does not start at a trusted root",
            Self::BrokenChain => "issuer and subject do not chain",
            Self::NotACa => "issuing certificate is not a CA",
            Self::BadSignature => "signature does not verify",
            Self::BadNonce => "nonce does not match",
            Self::MeasurementMismatch => "firmware measurement is not a reference value",
            Self::Rollback => "firmware security version below the minimum",
            Self::WrongMode => "device not in normal mode",
            Self::WrongDevice => "certificates of different devices",
            Self::Expired => "certificate outside its validity period",
        }
    }
}

impl fmt::Display for IdentityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.description())
    }
}

impl From<IdentityError> for Error {
    fn from(e: IdentityError) -> Self {
        Error::Identity(e)
    }
}
