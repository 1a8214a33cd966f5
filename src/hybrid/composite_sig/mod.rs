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

use zeroize::Zeroize;

use crate::error::{Error, Result};
use crate::primitives::ml_dsa;

// Along the draft's seams: the six algorithms and the constants (`params`, §7), `PH(M)` and
// `M'` (`prehash`, §2.2), the Ed25519 / ECDSA halves (`traditional`) with the ECDSA signature's
// DER (`der_sig`), signing and the private key (`sign`, §4.2, §5.2), verification and the
// public key (`verify`, §4.3, §5.1).
mod der_sig;
mod params;
mod prehash;
mod sign;
mod traditional;
mod verify;

pub use params::{
    KEYGEN_DOMAIN, MAX_PUBLIC_KEY_LEN, MAX_SECRET_KEY_LEN, MAX_SIGNATURE_LEN, MLDSA_SEED_LEN,
    MlDsa44EcdsaP256Sha256, MlDsa44EcdsaP256Sha256PreHasher, MlDsa44EcdsaP256Sha256SigningKey,
    MlDsa44EcdsaP256Sha256VerifyingKey, MlDsa44Ed25519Sha512, MlDsa44Ed25519Sha512PreHasher,
    MlDsa44Ed25519Sha512SigningKey, MlDsa44Ed25519Sha512VerifyingKey, MlDsa65EcdsaP256Sha512,
    MlDsa65EcdsaP256Sha512PreHasher, MlDsa65EcdsaP256Sha512SigningKey,
    MlDsa65EcdsaP256Sha512VerifyingKey, MlDsa65EcdsaP384Sha512, MlDsa65EcdsaP384Sha512PreHasher,
    MlDsa65EcdsaP384Sha512SigningKey, MlDsa65EcdsaP384Sha512VerifyingKey, MlDsa65Ed25519Sha512,
    MlDsa65Ed25519Sha512PreHasher, MlDsa65Ed25519Sha512SigningKey,
    MlDsa65Ed25519Sha512VerifyingKey, MlDsa87EcdsaP384Sha512, MlDsa87EcdsaP384Sha512PreHasher,
    MlDsa87EcdsaP384Sha512SigningKey, MlDsa87EcdsaP384Sha512VerifyingKey, PREFIX, ROOT_SEED_LEN,
};
pub use prehash::{MessageDigest, PreHash, PreHasher};
pub use sign::SigningKey;
pub use traditional::{EcdsaP256, EcdsaP384, Ed25519, Traditional};
pub use verify::VerifyingKey;
pub(crate) use verify::{is_canonical, verify_encoded};

mod sealed {
    pub trait Sealed {}
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

/// Writes `bytes` at `*pos` in `buf` and advances `pos`, or fails with `err`.
fn put(buf: &mut [u8], pos: &mut usize, bytes: &[u8], err: Error) -> Result<()> {
    let end = pos.checked_add(bytes.len()).ok_or(err)?;
    buf.get_mut(*pos..end).ok_or(err)?.copy_from_slice(bytes);
    *pos = end;
    Ok(())
}
