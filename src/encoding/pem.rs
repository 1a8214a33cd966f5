//! PEM armour (RFC 7468) for the DER encodings: `PUBLIC KEY` (RFC 7468 §13) and
//! `PRIVATE KEY` (RFC 7468 §10). Needs an allocator.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use der::pem::{self, LineEnding};
use zeroize::Zeroizing;

use super::{
    Algorithm, decode_private_key, decode_public_key, encode_private_key, encode_public_key,
    private_key_der_len, public_key_der_len,
};
use crate::error::{Error, Field, Result};

/// The RFC 7468 §13 label of a `SubjectPublicKeyInfo`.
pub const PUBLIC_KEY_LABEL: &str = "PUBLIC KEY";
/// The RFC 7468 §10 label of a PKCS#8 `PrivateKeyInfo` / `OneAsymmetricKey`.
pub const PRIVATE_KEY_LABEL: &str = "PRIVATE KEY";

/// Encodes a public key as a `-----BEGIN PUBLIC KEY-----` PEM document (LF line endings).
///
/// # Errors
/// As [`encode_public_key`].
pub fn encode_public_key_pem(alg: Algorithm, pk: &[u8]) -> Result<String> {
    let mut der = vec![0u8; public_key_der_len(alg)];
    let n = encode_public_key(alg, pk, &mut der)?;
    let der = der.get(..n).ok_or(Error::MalformedEncoding {
        field: Field::PublicKey,
    })?;
    pem::encode_string(PUBLIC_KEY_LABEL, LineEnding::LF, der).map_err(|_| {
        Error::MalformedEncoding {
            field: Field::PublicKey,
        }
    })
}

/// Decodes a `-----BEGIN PUBLIC KEY-----` PEM document: the algorithm and the raw key.
///
/// # Errors
/// [`Error::MalformedEncoding`] for bad PEM or another label; otherwise as
/// [`decode_public_key`].
pub fn decode_public_key_pem(pem_text: &str) -> Result<(Algorithm, Vec<u8>)> {
    let malformed = Error::MalformedEncoding {
        field: Field::PublicKey,
    };
    let (label, der) = pem::decode_vec(pem_text.as_bytes()).map_err(|_| malformed)?;
    if label != PUBLIC_KEY_LABEL {
        return Err(malformed);
    }
    let key = decode_public_key(&der)?;
    Ok((key.algorithm, key.key.to_vec()))
}

/// Encodes a canonical private key as a `-----BEGIN PRIVATE KEY-----` PEM document (LF line
/// endings); the string zeroizes on drop, and so does the DER temporary.
///
/// # Errors
/// As [`encode_private_key`].
pub fn encode_private_key_pem(alg: Algorithm, sk: &[u8]) -> Result<Zeroizing<String>> {
    let malformed = Error::MalformedEncoding {
        field: Field::SecretKey,
    };
    let mut der = Zeroizing::new(vec![0u8; private_key_der_len(alg)]);
    let n = encode_private_key(alg, sk, &mut der)?;
    let der = der.get(..n).ok_or(malformed)?;
    pem::encode_string(PRIVATE_KEY_LABEL, LineEnding::LF, der)
        .map(Zeroizing::new)
        .map_err(|_| malformed)
}

/// Decodes a `-----BEGIN PRIVATE KEY-----` PEM document: writes the canonical private key to
/// `sk_out` as [`decode_private_key`] does (the DER temporary is zeroized).
///
/// # Errors
/// [`Error::MalformedEncoding`] for bad PEM or another label; otherwise as
/// [`decode_private_key`].
pub fn decode_private_key_pem(pem_text: &str, sk_out: &mut [u8]) -> Result<(Algorithm, usize)> {
    let malformed = Error::MalformedEncoding {
        field: Field::SecretKey,
    };
    let (label, der) = pem::decode_vec(pem_text.as_bytes()).map_err(|_| malformed)?;
    let der = Zeroizing::new(der);
    if label != PRIVATE_KEY_LABEL {
        return Err(malformed);
    }
    decode_private_key(&der, sk_out)
}
