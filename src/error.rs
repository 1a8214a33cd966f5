//! The one error type of pqhybrid.
//!
//! Every fallible operation in the crate returns [`Error`]. Each variant says what was wrong
//! precisely enough for the C ABI and the JavaScript bindings to map it to a stable code.

use core::fmt;

pub use crate::firmware::FirmwareError;

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
    /// A context string was longer than the algorithm allows (255 bytes for ML-DSA, SLH-DSA).
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
    /// A signed firmware image was rejected ([`crate::firmware`]); the [`FirmwareError`] says
    /// why.
    Firmware(FirmwareError),
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
                write!(f, "context string of {actual} bytes exceeds {max}")
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
            Error::Firmware(e) => write!(f, "firmware image rejected: {e}"),
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
