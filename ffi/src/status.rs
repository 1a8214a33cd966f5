//! `pqh_status`: the result of every fallible function, and its mapping from `pqhybrid::Error`.

use core::ffi::c_char;

use pqhybrid::Error;
use pqhybrid::error::IdentityError;
use pqhybrid::firmware::FirmwareError;

/// The result of every fallible function: PQH_OK (0) on success, a negative value naming the
/// error otherwise. The values are stable ABI: they never change and are never reused.
///
/// On any error, output buffers and output lengths are left untouched (except that
/// pqh_aead_open zeroes the plaintext area when authentication fails).
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum pqh_status {
    /// Success.
    PQH_OK = 0,
    /// An input has the wrong length for the algorithm (key, seed, signature, ciphertext,
    /// nonce, tag, randomness).
    PQH_ERR_INVALID_LENGTH = -1,
    /// An output buffer is too small. Nothing was written.
    PQH_ERR_BUFFER_TOO_SMALL = -2,
    /// An input has the right length but is not a valid encoding (a point not on the curve, a
    /// signature or private key that does not parse).
    PQH_ERR_MALFORMED_ENCODING = -3,
    /// A key failed the validation its standard requires (FIPS 203 checks, an ECDSA scalar of
    /// zero or >= n, an SLH-DSA key whose root does not match).
    PQH_ERR_INVALID_KEY = -4,
    /// A context-like input is longer than the call allows; the limit depends on the call:
    /// a signature context string (ML-DSA, SLH-DSA, composites) over 255 bytes, an HPKE `info`
    /// over PQH_HPKE_SHAKE_INFO_BYTES_MAX (65 535) bytes with a SHAKE KDF, an identity seal
    /// label or associated data over PQH_IDENTITY_SEAL_LABEL_MAX_BYTES or
    /// PQH_IDENTITY_SEAL_AAD_MAX_BYTES. Each function's documentation names its limit.
    PQH_ERR_CONTEXT_TOO_LONG = -5,
    /// A non-empty context string was given to Ed25519 or ECDSA, which take none.
    PQH_ERR_CONTEXT_NOT_SUPPORTED = -6,
    /// The signature does not verify under the key and message.
    PQH_ERR_VERIFICATION_FAILED = -7,
    /// The random number generator callback failed (returned non-zero).
    PQH_ERR_RNG = -8,
    /// X25519 produced the all-zero shared secret (a low-order peer key, RFC 7748 section 6.1).
    PQH_ERR_ZERO_SHARED_SECRET = -9,
    /// AEAD decryption failed: the tag does not authenticate the ciphertext and associated data.
    PQH_ERR_AUTHENTICATION_FAILED = -10,
    /// The private key's seed is not available for export.
    PQH_ERR_SEED_UNAVAILABLE = -11,
    /// ML-DSA signing did not terminate within its bound (only reachable with a malformed key).
    PQH_ERR_SIGNING_FAILED = -12,
    /// A required pointer is NULL (a data pointer may be NULL only when its length is 0).
    PQH_ERR_NULL_POINTER = -20,
    /// The algorithm value names no algorithm.
    PQH_ERR_UNKNOWN_ALGORITHM = -21,
    /// A state (pqh_fw_verifier, pqh_identity) is misaligned, was not initialized (or its last
    /// init failed), was already finished or wiped, or was moved after init; or a pqh_identity
    /// has no measured image yet for an Alias-key call.
    PQH_ERR_INVALID_STATE = -22,
    /// An argument has a value outside its documented set (a trust-anchor state, an
    /// allowed-algorithm bit, a policy flag, a security-version range), or buffers overlap
    /// where they must not.
    PQH_ERR_INVALID_ARGUMENT = -23,
    /// The algorithm is not compiled into this build of the library (built with the
    /// `algorithm-subset` feature of pqhybrid, without the algorithm's `alg-*` feature).
    PQH_ERR_ALGORITHM_DISABLED = -24,
    /// An HPKE suite pqhybrid does not offer: a KEM without an HPKE code point
    /// (MLKEM768-X25519-SHA3-256), a KDF or AEAD value outside the offered ones, or a private
    /// key of another KEM than the suite's.
    PQH_ERR_UNSUPPORTED_SUITE = -25,
    /// An internal error: a bug in pqhybrid (on hosts, a caught panic). Please report it.
    PQH_ERR_INTERNAL = -99,
    /// Firmware: bad magic (not a PQFW image or PQSB signature block).
    PQH_ERR_FW_BAD_MAGIC = -101,
    /// Firmware: unsupported firmware format version.
    PQH_ERR_FW_UNSUPPORTED_VERSION = -102,
    /// Firmware: header length out of range or not a multiple of 8.
    PQH_ERR_FW_BAD_HEADER_LENGTH = -103,
    /// Firmware: a reserved field, padding or undefined flag is not zero.
    PQH_ERR_FW_RESERVED_NONZERO = -104,
    /// Firmware: unknown or non-firmware signature algorithm id.
    PQH_ERR_FW_UNKNOWN_ALGORITHM = -105,
    /// Firmware: unknown payload digest algorithm.
    PQH_ERR_FW_UNKNOWN_DIGEST = -106,
    /// Firmware: malformed signature block.
    PQH_ERR_FW_MALFORMED = -107,
    /// Firmware: the image is truncated.
    PQH_ERR_FW_TRUNCATED = -108,
    /// Firmware: the image length does not match its header (bytes after the end).
    PQH_ERR_FW_LENGTH_MISMATCH = -109,
    /// Firmware: the signature block exceeds the verifier's capacity.
    PQH_ERR_FW_TRAILER_TOO_LARGE = -110,
    /// Firmware: the image is for another device class.
    PQH_ERR_FW_WRONG_DEVICE_CLASS = -111,
    /// Firmware: the security version is below the device minimum (anti-rollback).
    PQH_ERR_FW_ROLLBACK = -112,
    /// Firmware: the signature algorithm is not allowed by the policy or the endorsement.
    PQH_ERR_FW_ALGORITHM_NOT_ALLOWED = -113,
    /// Firmware: the signing key or its root is revoked.
    PQH_ERR_FW_REVOKED_KEY = -114,
    /// Firmware: neither the signing key nor an endorsing root is an active trust anchor.
    PQH_ERR_FW_UNKNOWN_KEY = -115,
    /// Firmware: the public key does not match the header's signer key id.
    PQH_ERR_FW_KEY_ID_MISMATCH = -116,
    /// Firmware: the security version is outside the endorsement's range.
    PQH_ERR_FW_DELEGATION_OUT_OF_RANGE = -117,
    /// Firmware: the payload does not match the header's digest.
    PQH_ERR_FW_DIGEST_MISMATCH = -118,
    /// Firmware: the image or endorsement signature does not verify.
    PQH_ERR_FW_BAD_SIGNATURE = -119,
    /// Firmware: the security version is above what the device's counter can store
    /// (pqh_fw_policy.max_security_version).
    PQH_ERR_FW_SECURITY_VERSION_TOO_LARGE = -120,
    /// Firmware: the endorsement does not cover the image's device class.
    PQH_ERR_FW_CLASS_NOT_ENDORSED = -121,
    /// Firmware: the endorsed release key is itself a trust anchor (a root endorsing a root, or
    /// itself).
    PQH_ERR_FW_ENDORSED_ANCHOR = -122,
    /// Firmware: an ECDSA signature (image or endorsement) is not in low-s form (format
    /// version 2 allows one encoding only).
    PQH_ERR_FW_NON_CANONICAL_SIGNATURE = -123,
    /// Firmware: the image is longer than the slot given to pqh_fw_verifier_set_slot_len.
    PQH_ERR_FW_IMAGE_EXCEEDS_SLOT = -124,
    /// Firmware: decryption was asked of an image whose payload is not encrypted.
    PQH_ERR_FW_NOT_ENCRYPTED = -125,
    /// Firmware: the encryption record of an encrypted payload is malformed.
    PQH_ERR_FW_BAD_ENCRYPTION_RECORD = -126,
    /// Firmware: the image is encrypted to another key (recipient key id).
    PQH_ERR_FW_WRONG_RECIPIENT = -127,
    /// Firmware: the wrapped content key does not decrypt with this key.
    PQH_ERR_FW_KEY_UNWRAP_FAILED = -128,
    /// Firmware: an encrypted chunk does not authenticate (tampered, reordered, duplicated or truncated).
    PQH_ERR_FW_CHUNK_AUTHENTICATION = -129,
    /// Firmware: the decrypted payload does not match the digest in its encryption record.
    PQH_ERR_FW_PLAINTEXT_DIGEST_MISMATCH = -130,
    /// Firmware: the image's encrypted chunks do not fit the decryptor's chunk buffer.
    PQH_ERR_FW_CHUNK_TOO_LARGE = -131,
    /// Firmware: the image's payload is encrypted and the policy does not set
    /// PQH_FW_POLICY_ACCEPT_ENCRYPTED (reported as soon as the fixed header is in): a
    /// bootloader that does not decrypt must never install ciphertext as code.
    PQH_ERR_FW_ENCRYPTED_NOT_ACCEPTED = -132,
    /// Identity: the algorithm cannot hold a device identity (only ML-DSA and the composites
    /// can), or a certificate names an algorithm this library does not know.
    PQH_ERR_ID_UNSUPPORTED_ALGORITHM = -201,
    /// Identity: a certificate, CSR or evidence is not the DER of pqhybrid's profile.
    PQH_ERR_ID_MALFORMED_CERTIFICATE = -202,
    /// Identity: a certificate carries a critical extension this library does not understand.
    PQH_ERR_ID_UNKNOWN_CRITICAL_EXTENSION = -203,
    /// Identity: the chain does not start at one of the trusted roots.
    PQH_ERR_ID_UNKNOWN_ROOT = -204,
    /// Identity: a certificate's issuer is not the subject of the one before it, or the chain
    /// has the wrong length.
    PQH_ERR_ID_BROKEN_CHAIN = -205,
    /// Identity: a certificate that issues another is not a CA, or the evidence is a CA.
    PQH_ERR_ID_NOT_A_CA = -206,
    /// Identity: a signature in the chain (or a CSR's proof of possession) does not verify.
    PQH_ERR_ID_BAD_SIGNATURE = -207,
    /// Identity: the evidence's nonce is not the verifier's, or a nonce to sign is empty or
    /// longer than PQH_IDENTITY_NONCE_MAX_BYTES.
    PQH_ERR_ID_BAD_NONCE = -208,
    /// Identity: the firmware the Alias certificate describes is not a reference value.
    PQH_ERR_ID_MEASUREMENT_MISMATCH = -209,
    /// Identity: the firmware's security version is below the verifier's minimum.
    PQH_ERR_ID_ROLLBACK = -210,
    /// Identity: the Alias certificate's mode is not normal (debug, recovery, not configured).
    PQH_ERR_ID_WRONG_MODE = -211,
    /// Identity: the Alias certificate names another device than the DeviceID certificate.
    PQH_ERR_ID_WRONG_DEVICE = -212,
    /// Identity: a certificate is not valid at the time it is checked against.
    PQH_ERR_ID_EXPIRED = -213,
}

use pqh_status::*;

/// Every status, for pqh_status_string and the tests.
pub(crate) const ALL_STATUSES: [pqh_status; 65] = [
    PQH_OK,
    PQH_ERR_INVALID_LENGTH,
    PQH_ERR_BUFFER_TOO_SMALL,
    PQH_ERR_MALFORMED_ENCODING,
    PQH_ERR_INVALID_KEY,
    PQH_ERR_CONTEXT_TOO_LONG,
    PQH_ERR_CONTEXT_NOT_SUPPORTED,
    PQH_ERR_VERIFICATION_FAILED,
    PQH_ERR_RNG,
    PQH_ERR_ZERO_SHARED_SECRET,
    PQH_ERR_AUTHENTICATION_FAILED,
    PQH_ERR_SEED_UNAVAILABLE,
    PQH_ERR_SIGNING_FAILED,
    PQH_ERR_NULL_POINTER,
    PQH_ERR_UNKNOWN_ALGORITHM,
    PQH_ERR_INVALID_STATE,
    PQH_ERR_INVALID_ARGUMENT,
    PQH_ERR_ALGORITHM_DISABLED,
    PQH_ERR_UNSUPPORTED_SUITE,
    PQH_ERR_INTERNAL,
    PQH_ERR_FW_BAD_MAGIC,
    PQH_ERR_FW_UNSUPPORTED_VERSION,
    PQH_ERR_FW_BAD_HEADER_LENGTH,
    PQH_ERR_FW_RESERVED_NONZERO,
    PQH_ERR_FW_UNKNOWN_ALGORITHM,
    PQH_ERR_FW_UNKNOWN_DIGEST,
    PQH_ERR_FW_MALFORMED,
    PQH_ERR_FW_TRUNCATED,
    PQH_ERR_FW_LENGTH_MISMATCH,
    PQH_ERR_FW_TRAILER_TOO_LARGE,
    PQH_ERR_FW_WRONG_DEVICE_CLASS,
    PQH_ERR_FW_ROLLBACK,
    PQH_ERR_FW_ALGORITHM_NOT_ALLOWED,
    PQH_ERR_FW_REVOKED_KEY,
    PQH_ERR_FW_UNKNOWN_KEY,
    PQH_ERR_FW_KEY_ID_MISMATCH,
    PQH_ERR_FW_DELEGATION_OUT_OF_RANGE,
    PQH_ERR_FW_DIGEST_MISMATCH,
    PQH_ERR_FW_BAD_SIGNATURE,
    PQH_ERR_FW_SECURITY_VERSION_TOO_LARGE,
    PQH_ERR_FW_CLASS_NOT_ENDORSED,
    PQH_ERR_FW_ENDORSED_ANCHOR,
    PQH_ERR_FW_NON_CANONICAL_SIGNATURE,
    PQH_ERR_FW_IMAGE_EXCEEDS_SLOT,
    PQH_ERR_FW_NOT_ENCRYPTED,
    PQH_ERR_FW_BAD_ENCRYPTION_RECORD,
    PQH_ERR_FW_WRONG_RECIPIENT,
    PQH_ERR_FW_KEY_UNWRAP_FAILED,
    PQH_ERR_FW_CHUNK_AUTHENTICATION,
    PQH_ERR_FW_PLAINTEXT_DIGEST_MISMATCH,
    PQH_ERR_FW_CHUNK_TOO_LARGE,
    PQH_ERR_FW_ENCRYPTED_NOT_ACCEPTED,
    PQH_ERR_ID_UNSUPPORTED_ALGORITHM,
    PQH_ERR_ID_MALFORMED_CERTIFICATE,
    PQH_ERR_ID_UNKNOWN_CRITICAL_EXTENSION,
    PQH_ERR_ID_UNKNOWN_ROOT,
    PQH_ERR_ID_BROKEN_CHAIN,
    PQH_ERR_ID_NOT_A_CA,
    PQH_ERR_ID_BAD_SIGNATURE,
    PQH_ERR_ID_BAD_NONCE,
    PQH_ERR_ID_MEASUREMENT_MISMATCH,
    PQH_ERR_ID_ROLLBACK,
    PQH_ERR_ID_WRONG_MODE,
    PQH_ERR_ID_WRONG_DEVICE,
    PQH_ERR_ID_EXPIRED,
];

impl pqh_status {
    /// A NUL-terminated, static, English description.
    pub(crate) const fn message(self) -> &'static core::ffi::CStr {
        match self {
            PQH_OK => c"success",
            PQH_ERR_INVALID_LENGTH => c"input has the wrong length",
            PQH_ERR_BUFFER_TOO_SMALL => c"output buffer too small (nothing written)",
            PQH_ERR_MALFORMED_ENCODING => c"malformed encoding",
            PQH_ERR_INVALID_KEY => c"key failed validation",
            PQH_ERR_CONTEXT_TOO_LONG => {
                c"context, HPKE info, seal label or associated data longer than the call allows"
            }
            PQH_ERR_CONTEXT_NOT_SUPPORTED => c"algorithm does not take a context string",
            PQH_ERR_VERIFICATION_FAILED => c"signature verification failed",
            PQH_ERR_RNG => c"random number generator failed",
            PQH_ERR_ZERO_SHARED_SECRET => c"X25519 shared secret is all zero",
            PQH_ERR_AUTHENTICATION_FAILED => c"AEAD authentication failed",
            PQH_ERR_SEED_UNAVAILABLE => c"key was imported without its seed",
            PQH_ERR_SIGNING_FAILED => c"signing did not terminate",
            PQH_ERR_NULL_POINTER => c"NULL pointer",
            PQH_ERR_UNKNOWN_ALGORITHM => c"unknown algorithm",
            PQH_ERR_INVALID_STATE => {
                c"state misaligned, not initialized, finished or wiped, moved after init, or not measured"
            }
            PQH_ERR_INVALID_ARGUMENT => c"argument outside its documented values",
            PQH_ERR_ALGORITHM_DISABLED => c"algorithm not enabled in this build",
            PQH_ERR_UNSUPPORTED_SUITE => c"HPKE suite not offered (KEM, KDF or AEAD)",
            PQH_ERR_INTERNAL => c"internal error (bug in pqhybrid)",
            PQH_ERR_FW_BAD_MAGIC => c"firmware: bad magic (not a PQFW image or PQSB block)",
            PQH_ERR_FW_UNSUPPORTED_VERSION => c"firmware: unsupported format version",
            PQH_ERR_FW_BAD_HEADER_LENGTH => c"firmware: header length out of range",
            PQH_ERR_FW_RESERVED_NONZERO => c"firmware: reserved field or padding is not zero",
            PQH_ERR_FW_UNKNOWN_ALGORITHM => c"firmware: unknown signature algorithm id",
            PQH_ERR_FW_UNKNOWN_DIGEST => c"firmware: unknown payload digest algorithm",
            PQH_ERR_FW_MALFORMED => c"firmware: malformed signature block",
            PQH_ERR_FW_TRUNCATED => c"firmware: image is truncated",
            PQH_ERR_FW_LENGTH_MISMATCH => c"firmware: image length does not match its header",
            PQH_ERR_FW_TRAILER_TOO_LARGE => c"firmware: signature block exceeds the capacity",
            PQH_ERR_FW_WRONG_DEVICE_CLASS => c"firmware: image is for another device class",
            PQH_ERR_FW_ROLLBACK => c"firmware: security version below the minimum (rollback)",
            PQH_ERR_FW_ALGORITHM_NOT_ALLOWED => c"firmware: signature algorithm not allowed",
            PQH_ERR_FW_REVOKED_KEY => c"firmware: signing key or its root is revoked",
            PQH_ERR_FW_UNKNOWN_KEY => c"firmware: signing key is not trusted",
            PQH_ERR_FW_KEY_ID_MISMATCH => c"firmware: public key does not match the key id",
            PQH_ERR_FW_DELEGATION_OUT_OF_RANGE => {
                c"firmware: security version outside the endorsement's range"
            }
            PQH_ERR_FW_DIGEST_MISMATCH => c"firmware: payload digest mismatch",
            PQH_ERR_FW_BAD_SIGNATURE => c"firmware: signature verification failed",
            PQH_ERR_FW_SECURITY_VERSION_TOO_LARGE => {
                c"firmware: security version above what the device counter can store"
            }
            PQH_ERR_FW_CLASS_NOT_ENDORSED => {
                c"firmware: endorsement does not cover the image's device class"
            }
            PQH_ERR_FW_ENDORSED_ANCHOR => c"firmware: endorsed key is itself a trust anchor",
            PQH_ERR_FW_NON_CANONICAL_SIGNATURE => c"firmware: ECDSA signature not in low-s form",
            PQH_ERR_FW_IMAGE_EXCEEDS_SLOT => c"firmware: image is longer than its slot",
            PQH_ERR_FW_NOT_ENCRYPTED => c"firmware: image payload is not encrypted",
            PQH_ERR_FW_BAD_ENCRYPTION_RECORD => c"firmware: malformed encryption record",
            PQH_ERR_FW_WRONG_RECIPIENT => c"firmware: image is encrypted to another key",
            PQH_ERR_FW_KEY_UNWRAP_FAILED => c"firmware: content key does not decrypt with this key",
            PQH_ERR_FW_CHUNK_AUTHENTICATION => c"firmware: encrypted chunk does not authenticate",
            PQH_ERR_FW_PLAINTEXT_DIGEST_MISMATCH => c"firmware: decrypted payload does not match its digest",
            PQH_ERR_FW_CHUNK_TOO_LARGE => c"firmware: encrypted chunks exceed the decryptor's chunk buffer",
            PQH_ERR_FW_ENCRYPTED_NOT_ACCEPTED => {
                c"firmware: image payload is encrypted and the policy does not accept encrypted images"
            }
            PQH_ERR_ID_UNSUPPORTED_ALGORITHM => {
                c"identity: algorithm not supported for device identities"
            }
            PQH_ERR_ID_MALFORMED_CERTIFICATE => c"identity: malformed certificate, CSR or evidence",
            PQH_ERR_ID_UNKNOWN_CRITICAL_EXTENSION => c"identity: unknown critical extension",
            PQH_ERR_ID_UNKNOWN_ROOT => c"identity: chain does not start at a trusted root",
            PQH_ERR_ID_BROKEN_CHAIN => c"identity: issuer and subject do not chain",
            PQH_ERR_ID_NOT_A_CA => c"identity: issuing certificate is not a CA",
            PQH_ERR_ID_BAD_SIGNATURE => c"identity: signature does not verify",
            PQH_ERR_ID_BAD_NONCE => c"identity: nonce does not match, is empty or too long",
            PQH_ERR_ID_MEASUREMENT_MISMATCH => {
                c"identity: firmware measurement is not a reference value"
            }
            PQH_ERR_ID_ROLLBACK => c"identity: firmware security version below the minimum",
            PQH_ERR_ID_WRONG_MODE => c"identity: device not in normal mode",
            PQH_ERR_ID_WRONG_DEVICE => c"identity: certificates of different devices",
            PQH_ERR_ID_EXPIRED => c"identity: certificate outside its validity period",
        }
    }
}

impl From<FirmwareError> for pqh_status {
    fn from(e: FirmwareError) -> Self {
        match e {
            FirmwareError::BadMagic => PQH_ERR_FW_BAD_MAGIC,
            FirmwareError::UnsupportedVersion => PQH_ERR_FW_UNSUPPORTED_VERSION,
            FirmwareError::BadHeaderLength => PQH_ERR_FW_BAD_HEADER_LENGTH,
            FirmwareError::ReservedNonZero => PQH_ERR_FW_RESERVED_NONZERO,
            FirmwareError::UnknownAlgorithm => PQH_ERR_FW_UNKNOWN_ALGORITHM,
            FirmwareError::UnknownDigest => PQH_ERR_FW_UNKNOWN_DIGEST,
            FirmwareError::Malformed => PQH_ERR_FW_MALFORMED,
            FirmwareError::Truncated => PQH_ERR_FW_TRUNCATED,
            FirmwareError::LengthMismatch => PQH_ERR_FW_LENGTH_MISMATCH,
            FirmwareError::TrailerTooLarge => PQH_ERR_FW_TRAILER_TOO_LARGE,
            FirmwareError::WrongDeviceClass => PQH_ERR_FW_WRONG_DEVICE_CLASS,
            FirmwareError::Rollback => PQH_ERR_FW_ROLLBACK,
            FirmwareError::AlgorithmNotAllowed => PQH_ERR_FW_ALGORITHM_NOT_ALLOWED,
            FirmwareError::RevokedKey => PQH_ERR_FW_REVOKED_KEY,
            FirmwareError::UnknownKey => PQH_ERR_FW_UNKNOWN_KEY,
            FirmwareError::KeyIdMismatch => PQH_ERR_FW_KEY_ID_MISMATCH,
            FirmwareError::DelegationOutOfRange => PQH_ERR_FW_DELEGATION_OUT_OF_RANGE,
            FirmwareError::DigestMismatch => PQH_ERR_FW_DIGEST_MISMATCH,
            FirmwareError::BadSignature => PQH_ERR_FW_BAD_SIGNATURE,
            FirmwareError::SecurityVersionTooLarge => PQH_ERR_FW_SECURITY_VERSION_TOO_LARGE,
            FirmwareError::ClassNotEndorsed => PQH_ERR_FW_CLASS_NOT_ENDORSED,
            FirmwareError::EndorsedAnchor => PQH_ERR_FW_ENDORSED_ANCHOR,
            FirmwareError::NonCanonicalSignature => PQH_ERR_FW_NON_CANONICAL_SIGNATURE,
            FirmwareError::ImageExceedsSlot => PQH_ERR_FW_IMAGE_EXCEEDS_SLOT,
            FirmwareError::NotEncrypted => PQH_ERR_FW_NOT_ENCRYPTED,
            FirmwareError::BadEncryptionRecord => PQH_ERR_FW_BAD_ENCRYPTION_RECORD,
            FirmwareError::WrongRecipient => PQH_ERR_FW_WRONG_RECIPIENT,
            FirmwareError::KeyUnwrapFailed => PQH_ERR_FW_KEY_UNWRAP_FAILED,
            FirmwareError::ChunkAuthentication => PQH_ERR_FW_CHUNK_AUTHENTICATION,
            FirmwareError::PlaintextDigestMismatch => PQH_ERR_FW_PLAINTEXT_DIGEST_MISMATCH,
            FirmwareError::ChunkTooLarge => PQH_ERR_FW_CHUNK_TOO_LARGE,
            FirmwareError::EncryptedNotAccepted => PQH_ERR_FW_ENCRYPTED_NOT_ACCEPTED,
            // `FirmwareError` is non-exhaustive; the tests check every listed variant maps.
            _ => PQH_ERR_INTERNAL,
        }
    }
}

impl From<IdentityError> for pqh_status {
    fn from(e: IdentityError) -> Self {
        match e {
            IdentityError::UnsupportedAlgorithm => PQH_ERR_ID_UNSUPPORTED_ALGORITHM,
            IdentityError::MalformedCertificate => PQH_ERR_ID_MALFORMED_CERTIFICATE,
            IdentityError::UnknownCriticalExtension => PQH_ERR_ID_UNKNOWN_CRITICAL_EXTENSION,
            IdentityError::UnknownRoot => PQH_ERR_ID_UNKNOWN_ROOT,
            IdentityError::BrokenChain => PQH_ERR_ID_BROKEN_CHAIN,
            IdentityError::NotACa => PQH_ERR_ID_NOT_A_CA,
            IdentityError::BadSignature => PQH_ERR_ID_BAD_SIGNATURE,
            IdentityError::BadNonce => PQH_ERR_ID_BAD_NONCE,
            IdentityError::MeasurementMismatch => PQH_ERR_ID_MEASUREMENT_MISMATCH,
            IdentityError::Rollback => PQH_ERR_ID_ROLLBACK,
            IdentityError::WrongMode => PQH_ERR_ID_WRONG_MODE,
            IdentityError::WrongDevice => PQH_ERR_ID_WRONG_DEVICE,
            IdentityError::Expired => PQH_ERR_ID_EXPIRED,
            // `IdentityError` is non-exhaustive; the tests check every listed variant maps.
            _ => PQH_ERR_INTERNAL,
        }
    }
}

impl From<Error> for pqh_status {
    fn from(e: Error) -> Self {
        match e {
            Error::InvalidLength { .. } => PQH_ERR_INVALID_LENGTH,
            Error::BufferTooSmall { .. } => PQH_ERR_BUFFER_TOO_SMALL,
            Error::MalformedEncoding { .. } => PQH_ERR_MALFORMED_ENCODING,
            Error::InvalidKey { .. } => PQH_ERR_INVALID_KEY,
            Error::ContextTooLong { .. } => PQH_ERR_CONTEXT_TOO_LONG,
            Error::ContextNotSupported => PQH_ERR_CONTEXT_NOT_SUPPORTED,
            Error::VerificationFailed => PQH_ERR_VERIFICATION_FAILED,
            Error::Rng => PQH_ERR_RNG,
            Error::ZeroSharedSecret => PQH_ERR_ZERO_SHARED_SECRET,
            Error::AuthenticationFailed => PQH_ERR_AUTHENTICATION_FAILED,
            Error::SeedUnavailable => PQH_ERR_SEED_UNAVAILABLE,
            Error::SigningFailed => PQH_ERR_SIGNING_FAILED,
            Error::AlgorithmDisabled => PQH_ERR_ALGORITHM_DISABLED,
            Error::UnknownAlgorithm => PQH_ERR_UNKNOWN_ALGORITHM,
            Error::UnsupportedSuite => PQH_ERR_UNSUPPORTED_SUITE,
            Error::Firmware(f) => f.into(),
            Error::Identity(i) => i.into(),
            // `Error` is non-exhaustive; the tests check every listed variant maps.
            _ => PQH_ERR_INTERNAL,
        }
    }
}

/// A status as received from C: any 32-bit value (`pqh_status` in the header).
#[repr(transparent)]
#[derive(Clone, Copy, Debug)]
pub struct StatusArg(pub i32);

/// A static, NUL-terminated English description of a status code; "unknown status" for a value
/// that is not a pqh_status. Never NULL.
#[unsafe(no_mangle)]
pub extern "C" fn pqh_status_string(status: StatusArg) -> *const c_char {
    ALL_STATUSES
        .iter()
        .find(|s| **s as i32 == status.0)
        .map_or(c"unknown status", |s| s.message())
        .as_ptr()
}

#[cfg(test)]
mod tests {
    use super::*;
    use pqhybrid::Field;

    #[test]
    fn every_error_maps_to_its_own_status() {
        let f = Field::PublicKey;
        let errors = [
            Error::InvalidLength {
                field: f,
                expected: 1,
                actual: 2,
            },
            Error::BufferTooSmall {
                field: f,
                needed: 1,
                actual: 0,
            },
            Error::MalformedEncoding { field: f },
            Error::InvalidKey { field: f },
            Error::ContextTooLong {
                max: 255,
                actual: 256,
            },
            Error::ContextNotSupported,
            Error::VerificationFailed,
            Error::Rng,
            Error::ZeroSharedSecret,
            Error::AuthenticationFailed,
            Error::SeedUnavailable,
            Error::SigningFailed,
            Error::AlgorithmDisabled,
            Error::UnknownAlgorithm,
            Error::UnsupportedSuite,
        ];
        let mut seen = std::vec::Vec::new();
        for e in errors
            .into_iter()
            .chain(FirmwareError::ALL.into_iter().map(Error::Firmware))
            .chain(IdentityError::ALL.into_iter().map(Error::Identity))
        {
            let s = pqh_status::from(e);
            assert_ne!(s, PQH_ERR_INTERNAL, "{e:?} unmapped");
            assert_ne!(s, PQH_OK);
            assert!(!seen.contains(&s), "{e:?} maps to a status already used");
            assert!(
                ALL_STATUSES.contains(&s),
                "{e:?} maps to {s:?}, not in ALL_STATUSES"
            );
            seen.push(s);
        }
    }

    #[test]
    fn identity_statuses_follow_the_variants() {
        // One PQH_ERR_ID_* per IdentityError variant, numbered from -201 in declaration order,
        // and each described by pqh_status_string as an identity error.
        for (i, e) in IdentityError::ALL.into_iter().enumerate() {
            let s = pqh_status::from(e);
            assert_eq!(s as i32, -201 - i as i32, "{e:?}");
            let msg = s.message().to_str().unwrap_or_default();
            assert!(msg.starts_with("identity: "), "{e:?}: {msg}");
        }
        let id_statuses = ALL_STATUSES
            .iter()
            .filter(|s| (-299..=-200).contains(&(**s as i32)))
            .count();
        assert_eq!(id_statuses, IdentityError::ALL.len());
    }

    #[test]
    fn every_status_has_a_message_and_distinct_value() {
        for (i, a) in ALL_STATUSES.iter().enumerate() {
            for b in ALL_STATUSES.get(i + 1..).unwrap_or_default() {
                assert_ne!(a, b);
            }
            // SAFETY: pqh_status_string returns a static NUL-terminated string.
            let s = unsafe { core::ffi::CStr::from_ptr(pqh_status_string(StatusArg(*a as i32))) };
            assert!(!s.is_empty());
        }
    }
}
