//! `SubjectPublicKeyInfo` (RFC 5280 §4.1.2.7) encoding and decoding.

use const_oid::ObjectIdentifier;
use der::asn1::BitStringRef;
use der::{Decode, Encode};
use spki::{AlgorithmIdentifier, SubjectPublicKeyInfo, SubjectPublicKeyInfoRef};

use super::{Algorithm, der_tlv_len, max_usize};
use crate::agile::{KemAlgorithm, SignatureAlgorithm};
use crate::error::{Error, Field, Result, check_len, out_buf};

/// An upper bound on [`public_key_der_len`] over every algorithm: size a stack buffer with it.
pub const MAX_PUBLIC_KEY_DER_LEN: usize = max_usize(
    SignatureAlgorithm::MAX_PUBLIC_KEY_LEN,
    KemAlgorithm::MAX_PUBLIC_KEY_LEN,
) + 32;

/// A decoded `SubjectPublicKeyInfo`: the algorithm and the raw public key, borrowed from the
/// DER input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicKeyRef<'a> {
    /// The algorithm the `AlgorithmIdentifier` names.
    pub algorithm: Algorithm,
    /// The public key in the agile layer's raw form ([`Algorithm::public_key_len`] bytes).
    pub key: &'a [u8],
}

const MALFORMED: Error = Error::MalformedEncoding {
    field: Field::PublicKey,
};

/// The exact length of the `SubjectPublicKeyInfo` DER of an `alg` public key.
#[must_use]
pub fn public_key_der_len(alg: Algorithm) -> usize {
    der_tlv_len(algorithm_identifier_len(alg) + der_tlv_len(1 + alg.public_key_len()))
}

/// The length of the `AlgorithmIdentifier` DER of `alg`.
pub(crate) fn algorithm_identifier_len(alg: Algorithm) -> usize {
    let oid = der_tlv_len(alg.oid().as_bytes().len());
    let params = alg
        .named_curve()
        .map_or(0, |c| der_tlv_len(c.as_bytes().len()));
    der_tlv_len(oid + params)
}

/// The `AlgorithmIdentifier` of `alg`: parameters absent, or the `namedCurve` for ECDSA.
pub(crate) fn algorithm_identifier(alg: Algorithm) -> AlgorithmIdentifier<ObjectIdentifier> {
    AlgorithmIdentifier {
        oid: alg.oid(),
        parameters: alg.named_curve(),
    }
}

/// Resolves an `AlgorithmIdentifier`: the OID must name an algorithm of the crate; the
/// parameters must be absent, except for `id-ecPublicKey`, which needs a supported
/// `namedCurve` (RFC 5480 §2.1.1.1; `implicitCurve` and `specifiedCurve` are not supported).
pub(crate) fn resolve_algorithm(
    alg_id: &spki::AlgorithmIdentifierRef<'_>,
    field: Field,
) -> Result<Algorithm> {
    let malformed = Error::MalformedEncoding { field };
    let curve = match alg_id.parameters {
        None => None,
        Some(any) => Some(ObjectIdentifier::try_from(any).map_err(|_| malformed)?),
    };
    Algorithm::from_oids(&alg_id.oid, curve.as_ref()).ok_or(malformed)
}

/// Encodes the public key `pk` of `alg` as a DER `SubjectPublicKeyInfo` (RFC 5280 §4.1.2.7)
/// at the start of `out` and returns its length ([`public_key_der_len`]).
///
/// The `AlgorithmIdentifier` has absent parameters, except for ECDSA (`id-ecPublicKey` with
/// the `namedCurve`, RFC 5480 §2.1.1). The `subjectPublicKey` BIT STRING holds the raw key:
/// FIPS 203/204/205 encodings (RFC 9935 §4, RFC 9881 §4, RFC 9909 §4), the RFC 8410 §4 key,
/// the uncompressed SEC1 point (RFC 5480 §2.2), the X-Wing key, or the composite
/// concatenation (draft-ietf-lamps-pq-composite-sigs §5, -kem §5).
///
/// # Errors
/// [`Error::InvalidLength`] if `pk` is not [`Algorithm::public_key_len`] bytes,
/// [`Error::BufferTooSmall`] (nothing written).
pub fn encode_public_key(alg: Algorithm, pk: &[u8], out: &mut [u8]) -> Result<usize> {
    check_len(Field::PublicKey, alg.public_key_len(), pk.len())?;
    let spki = SubjectPublicKeyInfo {
        algorithm: algorithm_identifier(alg),
        subject_public_key: BitStringRef::from_bytes(pk).map_err(|_| MALFORMED)?,
    };
    let len = public_key_der_len(alg);
    let out = out_buf(Field::PublicKey, out, len)?;
    let written = spki.encode_to_slice(out).map_err(|_| MALFORMED)?.len();
    check_len(Field::PublicKey, len, written)?;
    Ok(len)
}

/// Decodes a DER `SubjectPublicKeyInfo`: the algorithm and the raw key borrowed from `der`.
///
/// Strict DER, no trailing data. The key is checked for length only (the agile layer
/// validates its contents when it is used); ECDSA keys must be uncompressed points.
///
/// # Errors
/// [`Error::MalformedEncoding`] (field [`Field::PublicKey`]) for anything that is not a DER
/// `SubjectPublicKeyInfo` of a supported algorithm: truncated or trailing data, wrong tags, an
/// unknown OID, unexpected parameters, an unsupported or missing curve, a BIT STRING with
/// unused bits. [`Error::InvalidLength`] for a key of the wrong length.
pub fn decode_public_key(der: &[u8]) -> Result<PublicKeyRef<'_>> {
    let spki = SubjectPublicKeyInfoRef::from_der(der).map_err(|_| MALFORMED)?;
    let algorithm = resolve_algorithm(&spki.algorithm, Field::PublicKey)?;
    let key = spki.subject_public_key.as_bytes().ok_or(MALFORMED)?;
    check_len(Field::PublicKey, algorithm.public_key_len(), key.len())?;
    Ok(PublicKeyRef { algorithm, key })
}
