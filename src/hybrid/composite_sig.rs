//! Composite ML-DSA (draft-ietf-lamps-pq-composite-sigs-19): an ML-DSA signature and a
//! traditional signature (Ed25519 or ECDSA) over the same message representative, so that a
//! forgery needs a break of both.
//!
//! Six algorithms are offered, one type alias set per algorithm:
//!
//! | parameters | draft name | OID | PH | traditional |
//! |---|---|---|---|---|
//! | [`MlDsa44Ed25519Sha512`] | id-MLDSA44-Ed25519-SHA512 | 1.3.6.1.5.5.7.6.39 | SHA-512 | Ed25519 |
//! | [`MlDsa44EcdsaP256Sha256`] | id-MLDSA44-ECDSA-P256-SHA256 | 1.3.6.1.5.5.7.6.40 | SHA-256 | ECDSA P-256, SHA-256 |
//! | [`MlDsa65Ed25519Sha512`] | id-MLDSA65-Ed25519-SHA512 | 1.3.6.1.5.5.7.6.48 | SHA-512 | Ed25519 |
//! | [`MlDsa65EcdsaP256Sha512`] | id-MLDSA65-ECDSA-P256-SHA512 | 1.3.6.1.5.5.7.6.45 | SHA-512 | ECDSA P-256, SHA-256 |
//! | [`MlDsa65EcdsaP384Sha512`] | id-MLDSA65-ECDSA-P384-SHA512 | 1.3.6.1.5.5.7.6.46 | SHA-512 | ECDSA P-384, SHA-384 |
//! | [`MlDsa87EcdsaP384Sha512`] | id-MLDSA87-ECDSA-P384-SHA512 | 1.3.6.1.5.5.7.6.49 | SHA-512 | ECDSA P-384, SHA-384 |
//!
//! # Construction (draft §2.2, §4)
//! * Message representative:
//!   `M' = "CompositeAlgorithmSignatures2025" ‖ Label ‖ len(ctx) ‖ ctx ‖ PH(M)`, with `len(ctx)`
//!   one byte and `ctx` at most 255 bytes ([`Error::ContextTooLong`] beyond).
//! * The ML-DSA component is pure ML-DSA (FIPS 204 Algorithm 2) over `M'` with the context
//!   string set to the algorithm's Label.
//! * The traditional component signs `M'`: Ed25519 in its pure form (RFC 8032), ECDSA with the
//!   curve's hash (SHA-256 for P-256, SHA-384 for P-384) and RFC 6979 nonces, the signature
//!   DER-encoded as `Ecdsa-Sig-Value` (RFC 3279 §2.2.3).
//! * Signature: `mldsaSig ‖ tradSig`. With ECDSA the length varies with the DER encoding of
//!   `r` and `s`; [`CompositeParams::MAX_SIGNATURE_LEN`] is the largest.
//! * Public key: `mldsaPK ‖ tradPK` (Ed25519: 32 bytes; ECDSA: uncompressed SEC1 point
//!   `0x04 ‖ x ‖ y`).
//! * Private key: `mldsaSeed ‖ tradSK`: the 32-byte ML-DSA seed ξ, then the Ed25519 private key
//!   (32 bytes) or the RFC 5915 `ECPrivateKey` DER with the `parameters` field (the curve OID)
//!   and without the `publicKey` field (51 bytes for P-256, 64 for P-384). Import accepts only
//!   exactly that encoding.
//!
//! Verification requires both components to verify. An ECDSA component that is not strict DER
//! (or a signature whose length does not fit the algorithm) fails with
//! [`Error::MalformedEncoding`] or [`Error::InvalidLength`].
//!
//! Signing is hedged by default (ML-DSA draws its 32-byte `rnd` from the RNG; Ed25519 and
//! RFC 6979 ECDSA are deterministic by design) and fully deterministic on request (ML-DSA
//! `rnd` = 0³²).
//!
//! # Streaming
//! `PH(M)` is the only pass over the message, so large messages (firmware images) are hashed
//! in chunks with a [`PreHasher`] and signed or verified with
//! [`SigningKey::sign_prehashed`] / [`VerifyingKey::verify_prehashed`]. Streaming and one-shot
//! signing give identical signatures (with deterministic signing), and nothing allocates.
//!
//! # Key derivation from a root seed (pqhybrid-specific)
//! [`SigningKey::from_root_seed`] derives the whole composite key from one 32-byte root seed.
//! This is not part of the draft (whose private key is the pair of component keys); it is how
//! pqhybrid turns one seed into both component keys, byte for byte:
//!
//! ```text
//! XOF   = SHAKE256("pqhybrid/v1/composite-sig/keygen" ‖ u8(len(Label)) ‖ Label ‖ root_seed)
//! ξ     = the first 32 bytes of XOF                        (ML-DSA seed, FIPS 204 Algorithm 6)
//! Ed25519 components: sk = the next 32 bytes of XOF        (RFC 8032 private key)
//! ECDSA components:   repeat: d = the next ⌈log2 n / 8⌉ bytes of XOF (32 for P-256,
//!                     48 for P-384), big-endian; until 1 ≤ d ≤ n − 1
//! ```
//!
//! The domain string is the 32 ASCII bytes `pqhybrid/v1/composite-sig/keygen` (no terminator);
//! `Label` is the algorithm's ASCII label from the table above (for example
//! `COMPSIG-MLDSA65-ECDSA-P384-SHA512`). The ECDSA step is rejection sampling in the sense of
//! FIPS 186-5 §A.2.2 (uniform over [1, n − 1]; an out-of-range block is discarded, never
//! reduced); it gives up with [`Error::InvalidKey`] after 256 rejected blocks, which happens
//! with probability below 2⁻⁸⁰⁰⁰. [`SigningKey::generate`] is `from_root_seed` on 32 fresh
//! bytes from the RNG.
//!
//! ```
//! use pqhybrid::hybrid::composite_sig::{MlDsa65EcdsaP256Sha512, SigningKey, PreHasher};
//! # fn main() -> pqhybrid::Result<()> {
//! let sk = SigningKey::<MlDsa65EcdsaP256Sha512>::from_root_seed(&[7u8; 32])?;
//! let mut sig = [0u8; 3381];
//! let n = sk.sign_deterministic(b"firmware image", b"v1", &mut sig)?;
//! sk.verifying_key().verify(b"firmware image", b"v1", &sig[..n])?;
//! // The same, streamed:
//! let mut h = PreHasher::<MlDsa65EcdsaP256Sha512>::new();
//! h.update(b"firmware ");
//! h.update(b"image");
//! sk.verifying_key().verify_prehashed(&h.finalize(), b"v1", &sig[..n])?;
//! # Ok(()) }
//! ```

use core::fmt;
use core::marker::PhantomData;

use shake::Shake256;
use shake::digest::{ExtendableOutput, Update, XofReader};
use subtle::{Choice, ConstantTimeEq};
use zeroize::{Zeroize, Zeroizing};

use crate::error::{Error, Field, Result, check_ctx, check_len, out_buf};
use crate::primitives::ml_dsa::ZeroPadded;
use crate::primitives::{ecdsa, ed25519, ml_dsa};
use crate::rng::{TryCryptoRng, fill};
use crate::secret::Secret;

/// The fixed prefix of every message representative (draft §2.2): the 32 ASCII bytes
/// `CompositeAlgorithmSignatures2025`.
pub const PREFIX: &[u8; 32] = b"CompositeAlgorithmSignatures2025";

/// Length of the root seed of [`SigningKey::from_root_seed`].
pub const ROOT_SEED_LEN: usize = 32;

/// Length of the ML-DSA component of the private key (the seed ξ).
pub const MLDSA_SEED_LEN: usize = ml_dsa::SEED_LEN;

/// The domain-separation string of [`SigningKey::from_root_seed`].
pub const KEYGEN_DOMAIN: &[u8; 32] = b"pqhybrid/v1/composite-sig/keygen";

/// The longest label of the supported algorithms is 33 bytes; M' buffers allow 64.
const MAX_LABEL_LEN: usize = 64;
/// The longest pre-hash output (SHA-512).
const MAX_PH_LEN: usize = 64;
/// The longest message representative: prefix, label, len(ctx), ctx, PH(M).
const MAX_M_PRIME_LEN: usize =
    PREFIX.len() + MAX_LABEL_LEN + 1 + crate::MAX_CONTEXT_LEN + MAX_PH_LEN;
/// The longest traditional signature (ECDSA P-384, DER, both integers 49 bytes).
const MAX_TRAD_SIG_LEN: usize = 104;
/// How many XOF blocks ECDSA key derivation tries before giving up.
const ECDSA_DERIVE_TRIES: usize = 256;

mod sealed {
    pub trait Sealed {}
}

/// A pre-hash function PH of the draft's algorithm table (SHA-256 or SHA-512). Sealed.
pub trait PreHash: sealed::Sealed + Clone + Default {
    /// The hash's name.
    const NAME: &'static str;
    /// Output length in bytes.
    const OUTPUT_LEN: usize;
    /// The digest, `[u8; OUTPUT_LEN]`.
    type Output: AsRef<[u8]> + Copy + PartialEq + Eq + fmt::Debug;
    /// Absorbs a chunk.
    #[doc(hidden)]
    fn absorb(&mut self, chunk: &[u8]);
    /// Finishes the hash.
    #[doc(hidden)]
    fn finish(self) -> Self::Output;
}

impl sealed::Sealed for sha2::Sha256 {}
impl PreHash for sha2::Sha256 {
    const NAME: &'static str = "SHA-256";
    const OUTPUT_LEN: usize = 32;
    type Output = [u8; 32];
    fn absorb(&mut self, chunk: &[u8]) {
        sha2::Digest::update(self, chunk);
    }
    fn finish(self) -> [u8; 32] {
        sha2::Digest::finalize(self).into()
    }
}

impl sealed::Sealed for sha2::Sha512 {}
impl PreHash for sha2::Sha512 {
    const NAME: &'static str = "SHA-512";
    const OUTPUT_LEN: usize = 64;
    type Output = [u8; 64];
    fn absorb(&mut self, chunk: &[u8]) {
        sha2::Digest::update(self, chunk);
    }
    fn finish(self) -> [u8; 64] {
        sha2::Digest::finalize(self).into()
    }
}

/// The traditional component of a composite algorithm (Ed25519, ECDSA P-256, ECDSA P-384).
/// Sealed; the methods are internal.
pub trait Traditional: sealed::Sealed {
    /// The component's name.
    const NAME: &'static str;
    /// Public-key length (Ed25519: 32; ECDSA: uncompressed SEC1 point).
    const PUBLIC_KEY_LEN: usize;
    /// Private-key length in the draft encoding (Ed25519: 32; ECDSA: RFC 5915 `ECPrivateKey`).
    const SECRET_KEY_LEN: usize;
    /// Shortest signature (Ed25519: 64; ECDSA: the shortest DER, 8 bytes).
    const MIN_SIGNATURE_LEN: usize;
    /// Longest signature (Ed25519: 64; ECDSA: DER with both integers at full length plus a
    /// sign byte).
    const MAX_SIGNATURE_LEN: usize;
    /// The signing key.
    #[doc(hidden)]
    type SigningKey: Clone + ConstantTimeEq;
    /// The verifying key.
    #[doc(hidden)]
    type VerifyingKey: Clone + PartialEq;
    /// Decodes the draft private-key encoding (`bytes` has exactly `SECRET_KEY_LEN` bytes).
    #[doc(hidden)]
    fn decode_sk(bytes: &[u8]) -> Result<Self::SigningKey>;
    /// Encodes the private key into `out` (exactly `SECRET_KEY_LEN` bytes).
    #[doc(hidden)]
    fn encode_sk(sk: &Self::SigningKey, out: &mut [u8]);
    /// Derives a key from the key-derivation XOF (module documentation).
    #[doc(hidden)]
    fn derive_sk<X: XofReader>(xof: &mut X) -> Result<Self::SigningKey>;
    /// The public key.
    #[doc(hidden)]
    fn verifying_key(sk: &Self::SigningKey) -> Self::VerifyingKey;
    /// Decodes a public key (`bytes` has exactly `PUBLIC_KEY_LEN` bytes).
    #[doc(hidden)]
    fn decode_vk(bytes: &[u8]) -> Result<Self::VerifyingKey>;
    /// Encodes the public key into `out` (exactly `PUBLIC_KEY_LEN` bytes).
    #[doc(hidden)]
    fn encode_vk(vk: &Self::VerifyingKey, out: &mut [u8]);
    /// Signs `m_prime` into `out` (at least `MAX_SIGNATURE_LEN` bytes); returns the length.
    #[doc(hidden)]
    fn sign(sk: &Self::SigningKey, m_prime: &[u8], out: &mut [u8]) -> Result<usize>;
    /// Verifies `sig` over `m_prime`.
    #[doc(hidden)]
    fn verify(vk: &Self::VerifyingKey, m_prime: &[u8], sig: &[u8]) -> Result<()>;
    /// Whether `sig` is in the one form this library signs in: always for Ed25519 (RFC 8032
    /// verification already rejects a non-canonical `S`); for ECDSA, strict DER with `s ≤ n/2`.
    #[doc(hidden)]
    fn is_canonical(sig: &[u8]) -> bool;
}

/// Marker for the Ed25519 component (RFC 8032, pure, strict verification).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ed25519;

impl sealed::Sealed for Ed25519 {}
impl Traditional for Ed25519 {
    const NAME: &'static str = "Ed25519";
    const PUBLIC_KEY_LEN: usize = ed25519::PUBLIC_KEY_LEN;
    const SECRET_KEY_LEN: usize = ed25519::SEED_LEN;
    const MIN_SIGNATURE_LEN: usize = ed25519::SIGNATURE_LEN;
    const MAX_SIGNATURE_LEN: usize = ed25519::SIGNATURE_LEN;
    type SigningKey = ed25519::SigningKey;
    type VerifyingKey = ed25519::VerifyingKey;

    fn decode_sk(bytes: &[u8]) -> Result<Self::SigningKey> {
        ed25519::SigningKey::from_seed_slice(bytes).map_err(|_| Error::InvalidLength {
            field: Field::SecretKey,
            expected: ed25519::SEED_LEN,
            actual: bytes.len(),
        })
    }
    fn encode_sk(sk: &Self::SigningKey, out: &mut [u8]) {
        out.copy_from_slice(sk.seed());
    }
    fn derive_sk<X: XofReader>(xof: &mut X) -> Result<Self::SigningKey> {
        let mut seed = Secret::<{ ed25519::SEED_LEN }>::zero();
        xof.read(seed.as_mut());
        Ok(ed25519::SigningKey::from_seed(seed.as_bytes()))
    }
    fn verifying_key(sk: &Self::SigningKey) -> Self::VerifyingKey {
        sk.verifying_key()
    }
    fn decode_vk(bytes: &[u8]) -> Result<Self::VerifyingKey> {
        ed25519::VerifyingKey::from_bytes(bytes)
    }
    fn encode_vk(vk: &Self::VerifyingKey, out: &mut [u8]) {
        out.copy_from_slice(&vk.to_bytes());
    }
    fn sign(sk: &Self::SigningKey, m_prime: &[u8], out: &mut [u8]) -> Result<usize> {
        let sig = sk.sign(m_prime);
        out_buf(Field::Signature, out, sig.len())?.copy_from_slice(&sig);
        Ok(sig.len())
    }
    fn verify(vk: &Self::VerifyingKey, m_prime: &[u8], sig: &[u8]) -> Result<()> {
        vk.verify(m_prime, sig)
    }
    fn is_canonical(_sig: &[u8]) -> bool {
        true
    }
}

/// ECDSA components: the `Traditional` implementation is the same for both curves up to the
/// primitive module, the field length and the RFC 5915 template.
macro_rules! ecdsa_component {
    ($marker:ident, $name:literal, $m:ident, $fl:expr, $head:expr, $tail:expr, $doc:literal) => {
        #[doc = $doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub struct $marker;

        impl $marker {
            /// The RFC 5915 `ECPrivateKey` bytes before the scalar: SEQUENCE, version 1,
            /// OCTET STRING header.
            const SK_HEAD: &'static [u8] = &$head;
            /// The bytes after the scalar: `[0]` parameters, the named-curve OID.
            const SK_TAIL: &'static [u8] = &$tail;
        }

        impl sealed::Sealed for $marker {}
        impl Traditional for $marker {
            const NAME: &'static str = $name;
            const PUBLIC_KEY_LEN: usize = ecdsa::$m::PUBLIC_KEY_LEN;
            const SECRET_KEY_LEN: usize = Self::SK_HEAD.len() + $fl + Self::SK_TAIL.len();
            const MIN_SIGNATURE_LEN: usize = 8;
            const MAX_SIGNATURE_LEN: usize = 2 * $fl + 8;
            type SigningKey = ecdsa::$m::SigningKey;
            type VerifyingKey = ecdsa::$m::VerifyingKey;

            fn decode_sk(bytes: &[u8]) -> Result<Self::SigningKey> {
                let malformed = Error::MalformedEncoding {
                    field: Field::SecretKey,
                };
                let (head, rest) = bytes
                    .split_at_checked(Self::SK_HEAD.len())
                    .ok_or(malformed)?;
                let (scalar, tail) = rest.split_at_checked($fl).ok_or(malformed)?;
                if head != Self::SK_HEAD || tail != Self::SK_TAIL {
                    return Err(malformed);
                }
                ecdsa::$m::SigningKey::from_bytes(scalar)
            }
            fn encode_sk(sk: &Self::SigningKey, out: &mut [u8]) {
                let scalar = sk.to_bytes();
                for (o, b) in out.iter_mut().zip(
                    Self::SK_HEAD
                        .iter()
                        .chain(scalar.as_bytes().iter())
                        .chain(Self::SK_TAIL.iter()),
                ) {
                    *o = *b;
                }
            }
            fn derive_sk<X: XofReader>(xof: &mut X) -> Result<Self::SigningKey> {
                let mut d = Secret::<{ $fl }>::zero();
                for _ in 0..ECDSA_DERIVE_TRIES {
                    xof.read(d.as_mut());
                    if let Ok(sk) = ecdsa::$m::SigningKey::from_bytes(d.as_bytes()) {
                        return Ok(sk);
                    }
                }
                Err(Error::InvalidKey { field: Field::Seed })
            }
            fn verifying_key(sk: &Self::SigningKey) -> Self::VerifyingKey {
                sk.verifying_key()
            }
            fn decode_vk(bytes: &[u8]) -> Result<Self::VerifyingKey> {
                // Only the uncompressed form is a composite component key.
                if bytes.first() != Some(&0x04) {
                    return Err(Error::MalformedEncoding {
                        field: Field::PublicKey,
                    });
                }
                ecdsa::$m::VerifyingKey::from_sec1(bytes)
            }
            fn encode_vk(vk: &Self::VerifyingKey, out: &mut [u8]) {
                out.copy_from_slice(&vk.to_bytes());
            }
            fn sign(sk: &Self::SigningKey, m_prime: &[u8], out: &mut [u8]) -> Result<usize> {
                // Low-s: the signature is not malleable (s and n − s would both verify).
                let fixed = sk.sign_low_s(m_prime)?;
                der_encode_sig(&fixed, $fl, out)
            }
            fn is_canonical(sig: &[u8]) -> bool {
                let mut fixed = [0u8; 2 * $fl];
                der_decode_sig(sig, $fl, &mut fixed).is_ok() && ecdsa::$m::is_low_s(&fixed)
            }
            fn verify(vk: &Self::VerifyingKey, m_prime: &[u8], sig: &[u8]) -> Result<()> {
                let mut fixed = [0u8; 2 * $fl];
                der_decode_sig(sig, $fl, &mut fixed)?;
                vk.verify(m_prime, &fixed)
            }
        }
    };
}

ecdsa_component!(
    EcdsaP256,
    "ECDSA-P256-SHA256",
    p256,
    32,
    [0x30, 0x31, 0x02, 0x01, 0x01, 0x04, 0x20],
    [
        0xa0, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07
    ],
    "Marker for the ECDSA P-256 component (ecdsa-with-SHA256, RFC 6979, DER signatures)."
);
ecdsa_component!(
    EcdsaP384,
    "ECDSA-P384-SHA384",
    p384,
    48,
    [0x30, 0x3e, 0x02, 0x01, 0x01, 0x04, 0x30],
    [0xa0, 0x07, 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22],
    "Marker for the ECDSA P-384 component (ecdsa-with-SHA384, RFC 6979, DER signatures)."
);

/// Writes `bytes` at `*pos` in `buf` and advances `pos`, or fails with `err`.
fn put(buf: &mut [u8], pos: &mut usize, bytes: &[u8], err: Error) -> Result<()> {
    let end = pos.checked_add(bytes.len()).ok_or(err)?;
    buf.get_mut(*pos..end).ok_or(err)?.copy_from_slice(bytes);
    *pos = end;
    Ok(())
}

/// DER `Ecdsa-Sig-Value` (RFC 3279 §2.2.3) of the fixed-size `r ‖ s` (each `fl` bytes), written
/// to the start of `out`. Nothing is written unless it fits.
fn der_encode_sig(fixed: &[u8], fl: usize, out: &mut [u8]) -> Result<usize> {
    let err = Error::SigningFailed;
    let (r, s) = fixed.split_at_checked(fl).ok_or(err)?;
    let mut buf = [0u8; MAX_TRAD_SIG_LEN];
    let mut pos = 2;
    for int in [r, s] {
        // Minimal two's-complement encoding of a non-negative integer: strip leading zero
        // bytes (keeping one), then prepend 0x00 if the top bit is set.
        let first = int
            .iter()
            .position(|&b| b != 0)
            .unwrap_or(int.len().saturating_sub(1));
        let trimmed = int.get(first..).ok_or(err)?;
        let pad = usize::from(trimmed.first().is_some_and(|&b| b & 0x80 != 0));
        let len = u8::try_from(trimmed.len() + pad).map_err(|_| err)?;
        put(&mut buf, &mut pos, &[0x02, len], err)?;
        if pad == 1 {
            put(&mut buf, &mut pos, &[0x00], err)?;
        }
        put(&mut buf, &mut pos, trimmed, err)?;
    }
    let content = u8::try_from(pos - 2).map_err(|_| err)?;
    if content >= 0x80 {
        return Err(err);
    }
    put(&mut buf, &mut 0, &[0x30, content], err)?;
    let der = buf.get(..pos).ok_or(err)?;
    out_buf(Field::Signature, out, pos)?.copy_from_slice(der);
    Ok(pos)
}

/// Parses a strict-DER `Ecdsa-Sig-Value` into the fixed-size `r ‖ s` (`out`, `2·fl` bytes).
/// Rejects long-form lengths, trailing bytes, negative or non-minimal integers and integers
/// longer than the field. Range checks (0 < r, s < n) are left to the verifier.
fn der_decode_sig(der: &[u8], fl: usize, out: &mut [u8]) -> Result<()> {
    let malformed = Error::MalformedEncoding {
        field: Field::Signature,
    };
    let [0x30, len, body @ ..] = der else {
        return Err(malformed);
    };
    if *len >= 0x80 || usize::from(*len) != body.len() {
        return Err(malformed);
    }
    let mut rest = body;
    for half in out.chunks_exact_mut(fl) {
        let [0x02, ilen, tail @ ..] = rest else {
            return Err(malformed);
        };
        let ilen = usize::from(*ilen);
        if ilen == 0 || ilen >= 0x80 {
            return Err(malformed);
        }
        let (value, next) = tail.split_at_checked(ilen).ok_or(malformed)?;
        let magnitude = match value {
            [b, ..] if b & 0x80 != 0 => return Err(malformed), // negative
            [0x00, b, ..] if b & 0x80 == 0 => return Err(malformed), // non-minimal
            [0x00, m @ ..] if !m.is_empty() => m,
            v => v,
        };
        let offset = fl.checked_sub(magnitude.len()).ok_or(malformed)?;
        half.fill(0);
        half.get_mut(offset..)
            .ok_or(malformed)?
            .copy_from_slice(magnitude);
        rest = next;
    }
    if rest.is_empty() {
        Ok(())
    } else {
        Err(malformed)
    }
}

/// The parameters of one composite algorithm. Sealed: implemented by the six marker types of
/// this module.
pub trait CompositeParams: sealed::Sealed + Clone + Copy + 'static {
    /// The ML-DSA parameter set.
    type MlDsa: ml_dsa::MlDsaParams;
    /// The traditional component.
    type Trad: Traditional;
    /// The pre-hash function PH.
    type Hash: PreHash;
    /// `[u8; PUBLIC_KEY_LEN]`.
    type PublicKeyBytes: AsRef<[u8]> + AsMut<[u8]> + Copy + PartialEq + Eq + fmt::Debug;
    /// `[u8; SECRET_KEY_LEN]`.
    type SecretKeyBytes: AsRef<[u8]> + AsMut<[u8]> + Zeroize;

    /// The draft's algorithm name, without the `id-` prefix (`"MLDSA65-ECDSA-P384-SHA512"`).
    const NAME: &'static str;
    /// The dotted OID (draft §7).
    const OID: &'static str;
    /// The Label (draft §7), ASCII.
    const LABEL: &'static [u8];
    /// Public-key length: `mldsaPK ‖ tradPK`.
    const PUBLIC_KEY_LEN: usize = <Self::MlDsa as ml_dsa::MlDsaSizes>::PUBLIC_KEY_LEN
        + <Self::Trad as Traditional>::PUBLIC_KEY_LEN;
    /// Private-key length: `mldsaSeed ‖ tradSK`.
    const SECRET_KEY_LEN: usize = MLDSA_SEED_LEN + <Self::Trad as Traditional>::SECRET_KEY_LEN;
    /// Length of the ML-DSA component of a signature.
    const MLDSA_SIGNATURE_LEN: usize = <Self::MlDsa as ml_dsa::MlDsaSizes>::SIGNATURE_LEN;
    /// Shortest composite signature.
    const MIN_SIGNATURE_LEN: usize =
        Self::MLDSA_SIGNATURE_LEN + <Self::Trad as Traditional>::MIN_SIGNATURE_LEN;
    /// Longest composite signature (the only length for Ed25519 composites).
    const MAX_SIGNATURE_LEN: usize =
        Self::MLDSA_SIGNATURE_LEN + <Self::Trad as Traditional>::MAX_SIGNATURE_LEN;

    /// A zeroed public-key array.
    #[doc(hidden)]
    fn zero_pk() -> Self::PublicKeyBytes;
    /// A zeroed private-key array.
    #[doc(hidden)]
    fn zero_sk() -> Self::SecretKeyBytes;
}

macro_rules! composite {
    (
        $marker:ident, $name:literal, $oid:literal, $mldsa:ty, $trad:ty, $hash:ty,
        $pk_len:literal, $sk_len:literal, $sig_len:literal,
        $sk_alias:ident, $vk_alias:ident, $ph_alias:ident
    ) => {
        #[doc = concat!("Composite ", $name, " (draft-ietf-lamps-pq-composite-sigs-19, OID ", $oid, "): ")]
        #[doc = concat!("public key ", $pk_len, " bytes, private key ", $sk_len, " bytes, signature at most ", $sig_len, " bytes.")]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub struct $marker;

        impl sealed::Sealed for $marker {}
        impl CompositeParams for $marker {
            type MlDsa = $mldsa;
            type Trad = $trad;
            type Hash = $hash;
            type PublicKeyBytes = [u8; $pk_len];
            type SecretKeyBytes = [u8; $sk_len];
            const NAME: &'static str = $name;
            const OID: &'static str = $oid;
            const LABEL: &'static [u8] = concat!("COMPSIG-", $name).as_bytes();
            fn zero_pk() -> Self::PublicKeyBytes {
                [0u8; $pk_len]
            }
            fn zero_sk() -> Self::SecretKeyBytes {
                [0u8; $sk_len]
            }
        }

        // The array types and the published sizes agree with the component sizes.
        const _: () = {
            assert!(<$marker as CompositeParams>::PUBLIC_KEY_LEN == $pk_len);
            assert!(<$marker as CompositeParams>::SECRET_KEY_LEN == $sk_len);
            assert!(<$marker as CompositeParams>::MAX_SIGNATURE_LEN == $sig_len);
            assert!(<$marker as CompositeParams>::LABEL.len() <= MAX_LABEL_LEN);
            assert!(<$hash as PreHash>::OUTPUT_LEN <= MAX_PH_LEN);
        };

        #[doc = concat!("Composite ", $name, " signing key.")]
        pub type $sk_alias = SigningKey<$marker>;
        #[doc = concat!("Composite ", $name, " verifying key.")]
        pub type $vk_alias = VerifyingKey<$marker>;
        #[doc = concat!("Composite ", $name, " streaming pre-hasher.")]
        pub type $ph_alias = PreHasher<$marker>;
    };
}

composite!(
    MlDsa44Ed25519Sha512,
    "MLDSA44-Ed25519-SHA512",
    "1.3.6.1.5.5.7.6.39",
    ml_dsa::MlDsa44,
    Ed25519,
    sha2::Sha512,
    1344,
    64,
    2484,
    MlDsa44Ed25519Sha512SigningKey,
    MlDsa44Ed25519Sha512VerifyingKey,
    MlDsa44Ed25519Sha512PreHasher
);
composite!(
    MlDsa44EcdsaP256Sha256,
    "MLDSA44-ECDSA-P256-SHA256",
    "1.3.6.1.5.5.7.6.40",
    ml_dsa::MlDsa44,
    EcdsaP256,
    sha2::Sha256,
    1377,
    83,
    2492,
    MlDsa44EcdsaP256Sha256SigningKey,
    MlDsa44EcdsaP256Sha256VerifyingKey,
    MlDsa44EcdsaP256Sha256PreHasher
);
composite!(
    MlDsa65Ed25519Sha512,
    "MLDSA65-Ed25519-SHA512",
    "1.3.6.1.5.5.7.6.48",
    ml_dsa::MlDsa65,
    Ed25519,
    sha2::Sha512,
    1984,
    64,
    3373,
    MlDsa65Ed25519Sha512SigningKey,
    MlDsa65Ed25519Sha512VerifyingKey,
    MlDsa65Ed25519Sha512PreHasher
);
composite!(
    MlDsa65EcdsaP256Sha512,
    "MLDSA65-ECDSA-P256-SHA512",
    "1.3.6.1.5.5.7.6.45",
    ml_dsa::MlDsa65,
    EcdsaP256,
    sha2::Sha512,
    2017,
    83,
    3381,
    MlDsa65EcdsaP256Sha512SigningKey,
    MlDsa65EcdsaP256Sha512VerifyingKey,
    MlDsa65EcdsaP256Sha512PreHasher
);
composite!(
    MlDsa65EcdsaP384Sha512,
    "MLDSA65-ECDSA-P384-SHA512",
    "1.3.6.1.5.5.7.6.46",
    ml_dsa::MlDsa65,
    EcdsaP384,
    sha2::Sha512,
    2049,
    96,
    3413,
    MlDsa65EcdsaP384Sha512SigningKey,
    MlDsa65EcdsaP384Sha512VerifyingKey,
    MlDsa65EcdsaP384Sha512PreHasher
);
composite!(
    MlDsa87EcdsaP384Sha512,
    "MLDSA87-ECDSA-P384-SHA512",
    "1.3.6.1.5.5.7.6.49",
    ml_dsa::MlDsa87,
    EcdsaP384,
    sha2::Sha512,
    2689,
    96,
    4731,
    MlDsa87EcdsaP384Sha512SigningKey,
    MlDsa87EcdsaP384Sha512VerifyingKey,
    MlDsa87EcdsaP384Sha512PreHasher
);

/// The largest composite public key (MLDSA87-ECDSA-P384-SHA512).
pub const MAX_PUBLIC_KEY_LEN: usize = 2689;
/// The largest composite private key (the ECDSA P-384 composites).
pub const MAX_SECRET_KEY_LEN: usize = 96;
/// The largest composite signature (MLDSA87-ECDSA-P384-SHA512).
pub const MAX_SIGNATURE_LEN: usize = 4731;

/// `PH(M)`: the pre-hashed message of algorithm `C`, from [`PreHasher::finalize`] or from a
/// digest computed elsewhere (a hardware hash engine, a manifest) with [`Self::new`].
pub struct MessageDigest<C: CompositeParams> {
    digest: <C::Hash as PreHash>::Output,
    _alg: PhantomData<C>,
}

impl<C: CompositeParams> MessageDigest<C> {
    /// Wraps a digest computed with the algorithm's PH (SHA-256 for MLDSA44-ECDSA-P256-SHA256,
    /// SHA-512 for the others).
    #[must_use]
    pub const fn new(digest: <C::Hash as PreHash>::Output) -> Self {
        Self {
            digest,
            _alg: PhantomData,
        }
    }

    /// The digest bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        self.digest.as_ref()
    }
}

impl<C: CompositeParams> Clone for MessageDigest<C> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<C: CompositeParams> Copy for MessageDigest<C> {}
impl<C: CompositeParams> PartialEq for MessageDigest<C> {
    fn eq(&self, other: &Self) -> bool {
        self.digest == other.digest
    }
}
impl<C: CompositeParams> Eq for MessageDigest<C> {}
impl<C: CompositeParams> fmt::Debug for MessageDigest<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MessageDigest<{}>(", C::NAME)?;
        for b in self.digest.as_ref() {
            write!(f, "{b:02x}")?;
        }
        f.write_str(")")
    }
}

/// Streaming computation of `PH(M)`: absorbs the message in chunks of any size, allocates
/// nothing. Finish with [`Self::finalize`] and pass the result to
/// [`SigningKey::sign_prehashed`] or [`VerifyingKey::verify_prehashed`].
pub struct PreHasher<C: CompositeParams> {
    hash: C::Hash,
}

impl<C: CompositeParams> PreHasher<C> {
    /// A fresh hasher.
    #[must_use]
    pub fn new() -> Self {
        Self {
            hash: C::Hash::default(),
        }
    }

    /// Absorbs the next chunk of the message.
    pub fn update(&mut self, chunk: &[u8]) {
        self.hash.absorb(chunk);
    }

    /// Finishes `PH(M)`.
    #[must_use]
    pub fn finalize(self) -> MessageDigest<C> {
        MessageDigest::new(self.hash.finish())
    }

    /// `PH(msg)` in one call.
    #[must_use]
    pub fn digest(msg: &[u8]) -> MessageDigest<C> {
        let mut h = Self::new();
        h.update(msg);
        h.finalize()
    }
}

impl<C: CompositeParams> Default for PreHasher<C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<C: CompositeParams> Clone for PreHasher<C> {
    fn clone(&self) -> Self {
        Self {
            hash: self.hash.clone(),
        }
    }
}

impl<C: CompositeParams> fmt::Debug for PreHasher<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PreHasher<{}, {}>", C::NAME, <C::Hash as PreHash>::NAME)
    }
}

/// The message representative `M'` (draft §2.2) on the stack.
struct MessageRepresentative {
    buf: [u8; MAX_M_PRIME_LEN],
    len: usize,
}

impl MessageRepresentative {
    /// `Prefix ‖ Label ‖ len(ctx) ‖ ctx ‖ PH(M)`.
    fn new<C: CompositeParams>(ctx: &[u8], digest: &MessageDigest<C>) -> Result<Self> {
        check_ctx(ctx)?;
        let err = Error::ContextTooLong {
            max: crate::MAX_CONTEXT_LEN,
            actual: ctx.len(),
        };
        let ctx_len = u8::try_from(ctx.len()).map_err(|_| err)?;
        let mut buf = [0u8; MAX_M_PRIME_LEN];
        let mut len = 0;
        put(&mut buf, &mut len, PREFIX, err)?;
        put(&mut buf, &mut len, C::LABEL, err)?;
        put(&mut buf, &mut len, &[ctx_len], err)?;
        put(&mut buf, &mut len, ctx, err)?;
        put(&mut buf, &mut len, digest.as_bytes(), err)?;
        Ok(Self { buf, len })
    }

    fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }
}

/// A composite verifying key: the ML-DSA and the traditional public key.
pub struct VerifyingKey<C: CompositeParams> {
    mldsa: ml_dsa::VerifyingKey<C::MlDsa>,
    trad: <C::Trad as Traditional>::VerifyingKey,
}

impl<C: CompositeParams> VerifyingKey<C> {
    /// Decodes `mldsaPK ‖ tradPK` (draft §5.1), checking both halves: the length, and that the
    /// traditional key is a valid point (Ed25519: a curve point; ECDSA: an uncompressed SEC1
    /// point on the curve, not the identity).
    ///
    /// # Errors
    /// [`Error::InvalidLength`] or [`Error::MalformedEncoding`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        check_len(Field::PublicKey, C::PUBLIC_KEY_LEN, bytes.len())?;
        let mldsa_len = <C::MlDsa as ml_dsa::MlDsaSizes>::PUBLIC_KEY_LEN;
        let (m, t) = bytes
            .split_at_checked(mldsa_len)
            .ok_or(Error::InvalidLength {
                field: Field::PublicKey,
                expected: C::PUBLIC_KEY_LEN,
                actual: bytes.len(),
            })?;
        let mldsa = ml_dsa::VerifyingKey::<C::MlDsa>::from_bytes(m)?;
        let trad = C::Trad::decode_vk(t)?;
        Ok(Self { mldsa, trad })
    }

    /// The encoding `mldsaPK ‖ tradPK`.
    #[must_use]
    pub fn to_bytes(&self) -> C::PublicKeyBytes {
        let mut out = C::zero_pk();
        self.write_into(out.as_mut());
        out
    }

    /// Writes `mldsaPK ‖ tradPK` to the start of `out`; returns [`CompositeParams::PUBLIC_KEY_LEN`].
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`] (nothing written).
    pub fn write_bytes(&self, out: &mut [u8]) -> Result<usize> {
        let out = out_buf(Field::PublicKey, out, C::PUBLIC_KEY_LEN)?;
        self.write_into(out);
        Ok(C::PUBLIC_KEY_LEN)
    }

    /// `out` has exactly `PUBLIC_KEY_LEN` bytes.
    fn write_into(&self, out: &mut [u8]) {
        let mldsa_len = <C::MlDsa as ml_dsa::MlDsaSizes>::PUBLIC_KEY_LEN;
        if let Some((m, t)) = out.split_at_mut_checked(mldsa_len) {
            m.copy_from_slice(self.mldsa.to_bytes().as_ref());
            C::Trad::encode_vk(&self.trad, t);
        }
    }

    /// A streaming pre-hasher for this algorithm.
    #[must_use]
    pub fn prehasher(&self) -> PreHasher<C> {
        PreHasher::new()
    }

    /// Verifies a composite signature over `msg` and context `ctx` (draft §4.3,
    /// `Composite-ML-DSA.Verify`). Both components must verify.
    ///
    /// # Errors
    /// [`Error::ContextTooLong`], [`Error::InvalidLength`] (signature shorter than
    /// [`CompositeParams::MIN_SIGNATURE_LEN`] or longer than
    /// [`CompositeParams::MAX_SIGNATURE_LEN`]; `expected` is the maximum),
    /// [`Error::MalformedEncoding`] (an ML-DSA component that does not decode, an ECDSA
    /// component that is not strict DER), or [`Error::VerificationFailed`].
    pub fn verify(&self, msg: &[u8], ctx: &[u8], sig: &[u8]) -> Result<()> {
        check_ctx(ctx)?;
        self.verify_prehashed(&PreHasher::digest(msg), ctx, sig)
    }

    /// [`Self::verify`] with `PH(M)` computed by a [`PreHasher`].
    ///
    /// # Errors
    /// As [`Self::verify`].
    pub fn verify_prehashed(
        &self,
        digest: &MessageDigest<C>,
        ctx: &[u8],
        sig: &[u8],
    ) -> Result<()> {
        let m_prime = MessageRepresentative::new(ctx, digest)?;
        let (mldsa_sig, trad_sig) = split_signature::<C>(sig)?;
        let mldsa_ok = self.mldsa.verify(m_prime.as_bytes(), C::LABEL, mldsa_sig);
        let trad_ok = C::Trad::verify(&self.trad, m_prime.as_bytes(), trad_sig);
        mldsa_ok.and(trad_ok)
    }
}

/// Splits `mldsaSig ‖ tradSig`, checking the total length.
fn split_signature<C: CompositeParams>(sig: &[u8]) -> Result<(&[u8], &[u8])> {
    let bad_len = Error::InvalidLength {
        field: Field::Signature,
        expected: C::MAX_SIGNATURE_LEN,
        actual: sig.len(),
    };
    if sig.len() < C::MIN_SIGNATURE_LEN || sig.len() > C::MAX_SIGNATURE_LEN {
        return Err(bad_len);
    }
    sig.split_at_checked(C::MLDSA_SIGNATURE_LEN).ok_or(bad_len)
}

/// Whether the traditional half of `sig` is in canonical form (see
/// [`Traditional::is_canonical`]); `false` if `sig` does not split.
pub(crate) fn is_canonical<C: CompositeParams>(sig: &[u8]) -> bool {
    split_signature::<C>(sig).is_ok_and(|(_, trad)| C::Trad::is_canonical(trad))
}

/// `VerifyingKey::from_bytes(pk)?.verify(msg, ctx, sig)` for callers that hold the key only as
/// bytes (the agile layer, the firmware verifier), for a message `head ‖ 0^zeros`, with the
/// same checks in the same order. The ML-DSA half is verified from its encoding in place
/// (`ml_dsa::verify_encoded`): the expanded ML-DSA key is decoded once, in that function's
/// frame, instead of being built and moved into a [`VerifyingKey`], and `tr` is not computed
/// twice.
pub(crate) fn verify_encoded<C: CompositeParams>(
    pk: &[u8],
    msg: ZeroPadded<'_>,
    ctx: &[u8],
    sig: &[u8],
) -> Result<()> {
    let (mldsa_pk, trad) = split_public_key::<C>(pk)?;
    check_ctx(ctx)?;
    let mut ph = PreHasher::<C>::new();
    msg.for_each_chunk(|chunk| ph.update(chunk));
    verify_split::<C>(mldsa_pk, &trad, &ph.finalize(), ctx, sig)
}

/// The encoded ML-DSA public key and the decoded traditional one (checks as
/// [`VerifyingKey::from_bytes`]).
fn split_public_key<C: CompositeParams>(
    pk: &[u8],
) -> Result<(&[u8], <C::Trad as Traditional>::VerifyingKey)> {
    check_len(Field::PublicKey, C::PUBLIC_KEY_LEN, pk.len())?;
    let mldsa_len = <C::MlDsa as ml_dsa::MlDsaSizes>::PUBLIC_KEY_LEN;
    let (mldsa_pk, trad_pk) = pk.split_at_checked(mldsa_len).ok_or(Error::InvalidLength {
        field: Field::PublicKey,
        expected: C::PUBLIC_KEY_LEN,
        actual: pk.len(),
    })?;
    Ok((mldsa_pk, C::Trad::decode_vk(trad_pk)?))
}

/// [`VerifyingKey::verify_prehashed`] with the ML-DSA key still encoded.
fn verify_split<C: CompositeParams>(
    mldsa_pk: &[u8],
    trad: &<C::Trad as Traditional>::VerifyingKey,
    digest: &MessageDigest<C>,
    ctx: &[u8],
    sig: &[u8],
) -> Result<()> {
    let m_prime = MessageRepresentative::new(ctx, digest)?;
    let (mldsa_sig, trad_sig) = split_signature::<C>(sig)?;
    let mldsa_ok = ml_dsa::verify_encoded::<C::MlDsa>(
        mldsa_pk,
        C::LABEL,
        ZeroPadded::new(m_prime.as_bytes()),
        mldsa_sig,
    );
    let trad_ok = C::Trad::verify(trad, m_prime.as_bytes(), trad_sig);
    mldsa_ok.and(trad_ok)
}

impl<C: CompositeParams> Clone for VerifyingKey<C> {
    fn clone(&self) -> Self {
        Self {
            mldsa: self.mldsa.clone(),
            trad: self.trad.clone(),
        }
    }
}

impl<C: CompositeParams> PartialEq for VerifyingKey<C> {
    fn eq(&self, other: &Self) -> bool {
        self.mldsa == other.mldsa && self.trad == other.trad
    }
}

impl<C: CompositeParams> fmt::Debug for VerifyingKey<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VerifyingKey<{}>(", C::NAME)?;
        // A short fingerprint of the public key: its first bytes, enough to tell keys apart.
        for b in self.mldsa.tr().iter().take(8) {
            write!(f, "{b:02x}")?;
        }
        f.write_str("…)")
    }
}

/// Hedged or deterministic ML-DSA randomness.
enum Rnd<'a, R: ?Sized> {
    Hedged(&'a mut R),
    Deterministic,
}

/// A composite signing key: the ML-DSA seed ξ (with its expanded key) and the traditional
/// private key. Zeroizes on drop; `Debug` is redacted; equality is constant-time.
pub struct SigningKey<C: CompositeParams> {
    mldsa: ml_dsa::SigningKey<C::MlDsa>,
    trad: <C::Trad as Traditional>::SigningKey,
    // The ML-DSA signing key already holds its verifying key; only the traditional one is
    // cached here, so a composite key costs no second copy of the (large) ML-DSA public key.
    trad_vk: <C::Trad as Traditional>::VerifyingKey,
}

impl<C: CompositeParams> SigningKey<C> {
    fn from_parts(
        mldsa: ml_dsa::SigningKey<C::MlDsa>,
        trad: <C::Trad as Traditional>::SigningKey,
    ) -> Self {
        let trad_vk = C::Trad::verifying_key(&trad);
        Self {
            mldsa,
            trad,
            trad_vk,
        }
    }

    /// Decodes the draft private key `mldsaSeed ‖ tradSK` (draft §5.2; Ed25519: the 32-byte
    /// private key, ECDSA: RFC 5915 `ECPrivateKey` with parameters and without the public key,
    /// matched exactly).
    ///
    /// # Errors
    /// [`Error::InvalidLength`], [`Error::MalformedEncoding`] (an ECDSA key that is not the
    /// expected `ECPrivateKey` encoding) or [`Error::InvalidKey`] (an ECDSA scalar of zero or
    /// ≥ n).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        check_len(Field::SecretKey, C::SECRET_KEY_LEN, bytes.len())?;
        let (seed, trad) = bytes
            .split_at_checked(MLDSA_SEED_LEN)
            .ok_or(Error::InvalidLength {
                field: Field::SecretKey,
                expected: C::SECRET_KEY_LEN,
                actual: bytes.len(),
            })?;
        let mldsa = ml_dsa::SigningKey::<C::MlDsa>::from_seed_slice(seed)?;
        let trad = C::Trad::decode_sk(trad)?;
        Ok(Self::from_parts(mldsa, trad))
    }

    /// The draft private key `mldsaSeed ‖ tradSK`.
    #[must_use]
    pub fn to_bytes(&self) -> Zeroizing<C::SecretKeyBytes> {
        let mut out = Zeroizing::new(C::zero_sk());
        self.write_into(out.as_mut());
        out
    }

    /// Writes the draft private key to the start of `out`; returns
    /// [`CompositeParams::SECRET_KEY_LEN`].
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`] (nothing written).
    pub fn write_bytes(&self, out: &mut [u8]) -> Result<usize> {
        let out = out_buf(Field::SecretKey, out, C::SECRET_KEY_LEN)?;
        self.write_into(out);
        Ok(C::SECRET_KEY_LEN)
    }

    /// `out` has exactly `SECRET_KEY_LEN` bytes.
    fn write_into(&self, out: &mut [u8]) {
        if let Some((m, t)) = out.split_at_mut_checked(MLDSA_SEED_LEN) {
            m.copy_from_slice(self.mldsa.seed());
            C::Trad::encode_sk(&self.trad, t);
        }
    }

    /// Derives the key from a 32-byte root seed, as specified byte for byte in the
    /// [module documentation](self#key-derivation-from-a-root-seed-pqhybrid-specific).
    ///
    /// # Errors
    /// [`Error::InvalidKey`] only if ECDSA rejection sampling fails 256 times (probability
    /// below 2⁻⁸⁰⁰⁰).
    pub fn from_root_seed(root_seed: &[u8; ROOT_SEED_LEN]) -> Result<Self> {
        let mut xof = Shake256::default();
        xof.update(KEYGEN_DOMAIN);
        // Every label is at most MAX_LABEL_LEN (64) bytes, checked at compile time.
        xof.update(&[
            u8::try_from(C::LABEL.len()).map_err(|_| Error::InvalidKey { field: Field::Seed })?
        ]);
        xof.update(C::LABEL);
        xof.update(root_seed);
        let mut reader = xof.finalize_xof();
        let mut seed = Secret::<MLDSA_SEED_LEN>::zero();
        reader.read(seed.as_mut());
        let mldsa = ml_dsa::SigningKey::<C::MlDsa>::from_seed(seed.as_bytes());
        let trad = C::Trad::derive_sk(&mut reader)?;
        Ok(Self::from_parts(mldsa, trad))
    }

    /// [`Self::from_root_seed`] from a slice.
    ///
    /// # Errors
    /// [`Error::InvalidLength`] unless `root_seed` is 32 bytes, or as
    /// [`Self::from_root_seed`].
    pub fn from_root_seed_slice(root_seed: &[u8]) -> Result<Self> {
        Self::from_root_seed(crate::error::array_ref(Field::Seed, root_seed)?)
    }

    /// A fresh key: [`Self::from_root_seed`] on 32 bytes from `rng`.
    ///
    /// # Errors
    /// [`Error::Rng`].
    pub fn generate<R: TryCryptoRng + ?Sized>(rng: &mut R) -> Result<Self> {
        let mut seed = Secret::<ROOT_SEED_LEN>::zero();
        fill(rng, seed.as_mut())?;
        Self::from_root_seed(seed.as_bytes())
    }

    /// The matching verifying key.
    #[must_use]
    pub fn verifying_key(&self) -> VerifyingKey<C> {
        VerifyingKey {
            mldsa: self.mldsa.verifying_key().clone(),
            trad: self.trad_vk.clone(),
        }
    }

    /// Writes the public key `mldsaPK ‖ tradPK` to the start of `out` without building a
    /// [`VerifyingKey`]; returns [`CompositeParams::PUBLIC_KEY_LEN`].
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`] (nothing written).
    pub fn write_public_key(&self, out: &mut [u8]) -> Result<usize> {
        let out = out_buf(Field::PublicKey, out, C::PUBLIC_KEY_LEN)?;
        let mldsa_len = <C::MlDsa as ml_dsa::MlDsaSizes>::PUBLIC_KEY_LEN;
        if let Some((m, t)) = out.split_at_mut_checked(mldsa_len) {
            m.copy_from_slice(self.mldsa.verifying_key().to_bytes().as_ref());
            C::Trad::encode_vk(&self.trad_vk, t);
        }
        Ok(C::PUBLIC_KEY_LEN)
    }

    /// A streaming pre-hasher for this algorithm.
    #[must_use]
    pub fn prehasher(&self) -> PreHasher<C> {
        PreHasher::new()
    }

    /// Signs `msg` under context `ctx` (draft §4.2, `Composite-ML-DSA.Sign`), hedged: the
    /// ML-DSA component draws a fresh `rnd` from `rng`. Writes the signature to the start of
    /// `out`, which must hold [`CompositeParams::MAX_SIGNATURE_LEN`] bytes, and returns its
    /// length (smaller than the maximum for most ECDSA signatures).
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`], [`Error::ContextTooLong`], [`Error::Rng`],
    /// [`Error::SigningFailed`]. Nothing is written on error.
    pub fn sign<R: TryCryptoRng + ?Sized>(
        &self,
        msg: &[u8],
        ctx: &[u8],
        rng: &mut R,
        out: &mut [u8],
    ) -> Result<usize> {
        self.sign_checked(msg, ctx, Rnd::Hedged(rng), out)
    }

    /// Deterministic signing (ML-DSA `rnd` = 0³²). Outputs and errors as [`Self::sign`],
    /// without [`Error::Rng`].
    ///
    /// # Errors
    /// As [`Self::sign`].
    pub fn sign_deterministic(&self, msg: &[u8], ctx: &[u8], out: &mut [u8]) -> Result<usize> {
        self.sign_checked::<crate::rng::FixedBytes<'_>>(msg, ctx, Rnd::Deterministic, out)
    }

    /// [`Self::sign`] with `PH(M)` computed by a [`PreHasher`].
    ///
    /// # Errors
    /// As [`Self::sign`].
    pub fn sign_prehashed<R: TryCryptoRng + ?Sized>(
        &self,
        digest: &MessageDigest<C>,
        ctx: &[u8],
        rng: &mut R,
        out: &mut [u8],
    ) -> Result<usize> {
        self.sign_digest(digest, ctx, Rnd::Hedged(rng), out)
    }

    /// [`Self::sign_deterministic`] with `PH(M)` computed by a [`PreHasher`].
    ///
    /// # Errors
    /// As [`Self::sign`].
    pub fn sign_prehashed_deterministic(
        &self,
        digest: &MessageDigest<C>,
        ctx: &[u8],
        out: &mut [u8],
    ) -> Result<usize> {
        self.sign_digest::<crate::rng::FixedBytes<'_>>(digest, ctx, Rnd::Deterministic, out)
    }

    /// Checks the buffer and context before hashing the message.
    fn sign_checked<R: TryCryptoRng + ?Sized>(
        &self,
        msg: &[u8],
        ctx: &[u8],
        rnd: Rnd<'_, R>,
        out: &mut [u8],
    ) -> Result<usize> {
        out_buf(Field::Signature, out, C::MAX_SIGNATURE_LEN)?;
        check_ctx(ctx)?;
        self.sign_digest(&PreHasher::digest(msg), ctx, rnd, out)
    }

    fn sign_digest<R: TryCryptoRng + ?Sized>(
        &self,
        digest: &MessageDigest<C>,
        ctx: &[u8],
        rnd: Rnd<'_, R>,
        out: &mut [u8],
    ) -> Result<usize> {
        let out = out_buf(Field::Signature, out, C::MAX_SIGNATURE_LEN)?;
        let m_prime = MessageRepresentative::new(ctx, digest)?;
        // Both components are computed before anything is written.
        let mut trad = [0u8; MAX_TRAD_SIG_LEN];
        let trad_len = C::Trad::sign(&self.trad, m_prime.as_bytes(), &mut trad)?;
        let trad = trad.get(..trad_len).ok_or(Error::SigningFailed)?;
        // Pure ML-DSA over M' with the label as context (draft §4.2).
        let mldsa = match rnd {
            Rnd::Hedged(rng) => self.mldsa.sign(m_prime.as_bytes(), C::LABEL, rng)?,
            Rnd::Deterministic => self
                .mldsa
                .sign_deterministic(m_prime.as_bytes(), C::LABEL)?,
        };
        let mldsa = mldsa.as_ref();
        let total = mldsa.len() + trad.len();
        let (m_out, rest) = out
            .split_at_mut_checked(mldsa.len())
            .ok_or(Error::SigningFailed)?;
        let t_out = rest.get_mut(..trad.len()).ok_or(Error::SigningFailed)?;
        m_out.copy_from_slice(mldsa);
        t_out.copy_from_slice(trad);
        Ok(total)
    }
}

impl<C: CompositeParams> Clone for SigningKey<C> {
    fn clone(&self) -> Self {
        Self {
            mldsa: self.mldsa.clone(),
            trad: self.trad.clone(),
            trad_vk: self.trad_vk.clone(),
        }
    }
}

impl<C: CompositeParams> fmt::Debug for SigningKey<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey<{}>([REDACTED])", C::NAME)
    }
}

impl<C: CompositeParams> ConstantTimeEq for SigningKey<C> {
    fn ct_eq(&self, other: &Self) -> Choice {
        self.mldsa.ct_eq(&other.mldsa) & self.trad.ct_eq(&other.trad)
    }
}

impl<C: CompositeParams> PartialEq for SigningKey<C> {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other).into()
    }
}

impl<C: CompositeParams> Eq for SigningKey<C> {}
