//! Algorithm-agile key encodings: X.509 `SubjectPublicKeyInfo` and PKCS#8 `PrivateKeyInfo` /
//! `OneAsymmetricKey` in DER (no allocation), and their PEM armour (feature `pem`).
//!
//! Keys go in and come out in the [`agile`](crate::agile) layer's raw canonical form; this
//! module adds the ASN.1 around them:
//!
//! | algorithm | `AlgorithmIdentifier` | `subjectPublicKey` | PKCS#8 `privateKey` contents |
//! |---|---|---|---|
//! | ML-KEM (RFC 9935) | `id-alg-ml-kem-*`, no parameters | `ek` | `seed [0]` (64 bytes) |
//! | ML-DSA (RFC 9881) | `id-ml-dsa-*`, no parameters | `pk` | `seed [0]` (32 bytes) |
//! | SLH-DSA (RFC 9909) | `id-slh-dsa-*`, no parameters | `PK.seed ‖ PK.root` | raw 4·n key |
//! | Ed25519 (RFC 8410) | `id-Ed25519`, no parameters | 32-byte key | `CurvePrivateKey` |
//! | ECDSA (RFC 5480, 5915) | `id-ecPublicKey`, `namedCurve` | uncompressed point | `ECPrivateKey` |
//! | X-Wing (draft-connolly-cfrg-xwing-kem) | `id-XWing`, no parameters | `pk_M ‖ pk_X` | 32-byte seed |
//! | composites (draft-ietf-lamps-pq-composite-sigs-19, -kem-17) | per algorithm, no parameters | `pq ‖ trad` | `seed ‖ trad` |
//!
//! Decoding is strict DER with no trailing data, and every malformed input gives an
//! [`Error`](crate::Error), never a panic. Private keys are decoded into a caller buffer; secret
//! temporaries are zeroized.
//!
//! ```
//! use pqhybrid::SignatureAlgorithm;
//! use pqhybrid::encoding::{self, Algorithm};
//! # fn main() -> pqhybrid::Result<()> {
//! let alg = SignatureAlgorithm::Ed25519;
//! let (mut pk, mut sk) = ([0u8; 32], [0u8; 32]);
//! alg.keypair_from_seed(&[7u8; 32], &mut pk, &mut sk)?;
//!
//! let mut spki = [0u8; encoding::MAX_PUBLIC_KEY_DER_LEN];
//! let n = encoding::encode_public_key(alg.into(), &pk, &mut spki)?;
//! let decoded = encoding::decode_public_key(&spki[..n])?;
//! assert_eq!(decoded.algorithm, Algorithm::Signature(alg));
//! assert_eq!(decoded.key, &pk[..]);
//!
//! let mut p8 = [0u8; encoding::MAX_PRIVATE_KEY_DER_LEN];
//! let n = encoding::encode_private_key(alg.into(), &sk, &mut p8)?;
//! let mut sk2 = [0u8; encoding::MAX_DECODED_SECRET_KEY_LEN];
//! let (alg2, len) = encoding::decode_private_key(&p8[..n], &mut sk2)?;
//! assert_eq!((alg2, &sk2[..len]), (Algorithm::Signature(alg), &sk[..]));
//! # Ok(()) }
//! ```

mod algorithm;
#[cfg(feature = "pem")]
mod pem;
mod private;
mod public;

pub use algorithm::Algorithm;
pub use const_oid::ObjectIdentifier;
#[cfg(feature = "pem")]
pub use pem::{
    PRIVATE_KEY_LABEL, PUBLIC_KEY_LABEL, decode_private_key_pem, decode_public_key_pem,
    encode_private_key_pem, encode_public_key_pem,
};
pub use private::{
    MAX_DECODED_SECRET_KEY_LEN, MAX_PRIVATE_KEY_DER_LEN, decode_private_key, encode_private_key,
    private_key_der_len,
};
pub use public::{
    MAX_PUBLIC_KEY_DER_LEN, PublicKeyRef, decode_public_key, encode_public_key, public_key_der_len,
};

use crate::agile::{KemAlgorithm, SignatureAlgorithm};

/// The largest raw public key of any algorithm.
const MAX_PUBLIC_KEY_LEN: usize = max_usize(
    SignatureAlgorithm::MAX_PUBLIC_KEY_LEN,
    KemAlgorithm::MAX_PUBLIC_KEY_LEN,
);

const fn max_usize(a: usize, b: usize) -> usize {
    if a > b { a } else { b }
}

/// The length of a DER TLV whose value is `len` bytes (single-byte tag, definite length).
const fn der_tlv_len(len: usize) -> usize {
    let len_of_len = if len < 0x80 {
        1
    } else if len < 0x100 {
        2
    } else if len < 0x1_0000 {
        3
    } else if len < 0x100_0000 {
        4
    } else {
        5
    };
    1 + len_of_len + len
}
