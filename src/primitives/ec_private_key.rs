//! RFC 5915 §3 `ECPrivateKey` for the curves P-256 and P-384: the one DER template of the crate,
//! shared by the composite signatures (draft-ietf-lamps-pq-composite-sigs §5.2), the composite
//! KEMs (draft-ietf-lamps-pq-composite-kem §4.2) and the PKCS#8 encoding of ECDSA and composite
//! private keys.
//!
//! ```text
//! ECPrivateKey ::= SEQUENCE {
//!     version        INTEGER { ecPrivkeyVer1(1) },
//!     privateKey     OCTET STRING,                      -- the scalar d, big-endian, field size
//!     parameters [0] ECParameters {{ NamedCurve }} OPTIONAL,
//!     publicKey  [1] BIT STRING OPTIONAL }
//! ```
//!
//! The encoding written ([`encode`], [`write`]) is always version 1, the 32- or 48-byte scalar,
//! the `namedCurve` OID in `[0]` (RFC 5480 §2.1.1.1: `secp256r1` 1.2.840.10045.3.1.7,
//! `secp384r1` 1.3.132.0.34) and no `publicKey`. DER has one encoding of that, a fixed byte
//! template around the scalar:
//!
//! ```text
//! P-256 (51 bytes): 30 31 02 01 01 04 20 ‖ d(32) ‖ a0 0a 06 08 2a 86 48 ce 3d 03 01 07
//! P-384 (64 bytes): 30 3e 02 01 01 04 30 ‖ d(48) ‖ a0 07 06 05 2b 81 04 00 22
//! ```
//!
//! [`decode`] accepts either exactly that template ([`Accept::Canonical`], the composite
//! drafts' `tradSK`) or any DER `ECPrivateKey` of the curve ([`Accept::Any`], PKCS#8): the
//! parameters optional, a `publicKey` optional and checked against the scalar.
//!
//! Nothing here allocates: encoding writes to the caller's buffer, decoding returns the scalar
//! as a slice of its input.

// Without `pkcs8` only the composite formats use this module: `Accept::Any`, `encode` and the
// point helpers serve the PKCS#8 encoding.
#![cfg_attr(not(feature = "pkcs8"), allow(dead_code))]

use super::ecdsa;
use crate::error::{Error, Field, Result, check_len, out_buf};

/// The longest encoding (P-384).
pub(crate) const MAX_LEN: usize = 64;

const MALFORMED: Error = Error::MalformedEncoding {
    field: Field::SecretKey,
};

/// The contents octets of `secp256r1` (1.2.840.10045.3.1.7, RFC 5480 §2.1.1.1).
const P256_OID: [u8; 8] = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
/// The contents octets of `secp384r1` (1.3.132.0.34, RFC 5480 §2.1.1.1).
const P384_OID: [u8; 5] = [0x2b, 0x81, 0x04, 0x00, 0x22];

/// P-256 bytes before the scalar: SEQUENCE (49 bytes), version 1, OCTET STRING header.
const P256_HEAD: [u8; 7] = [0x30, 0x31, 0x02, 0x01, 0x01, 0x04, 0x20];
/// P-256 bytes after the scalar: `[0]` holding the `namedCurve` OID.
const P256_TAIL: [u8; 12] = [
    0xa0, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07,
];
/// P-384 bytes before the scalar: SEQUENCE (62 bytes), version 1, OCTET STRING header.
const P384_HEAD: [u8; 7] = [0x30, 0x3e, 0x02, 0x01, 0x01, 0x04, 0x30];
/// P-384 bytes after the scalar: `[0]` holding the `namedCurve` OID.
const P384_TAIL: [u8; 9] = [0xa0, 0x07, 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22];

/// A curve with an `ECPrivateKey` form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Curve {
    /// NIST P-256 (`secp256r1`).
    P256,
    /// NIST P-384 (`secp384r1`).
    P384,
}

impl Curve {
    /// The scalar (`privateKey`) length: 32 or 48.
    pub(crate) const fn scalar_len(self) -> usize {
        match self {
            Curve::P256 => ecdsa::p256::SECRET_KEY_LEN,
            Curve::P384 => ecdsa::p384::SECRET_KEY_LEN,
        }
    }

    /// The uncompressed SEC1 point length: 65 or 97.
    pub(crate) const fn public_key_len(self) -> usize {
        match self {
            Curve::P256 => ecdsa::p256::PUBLIC_KEY_LEN,
            Curve::P384 => ecdsa::p384::PUBLIC_KEY_LEN,
        }
    }

    /// The contents octets of the `namedCurve` OID.
    pub(crate) const fn oid(self) -> &'static [u8] {
        match self {
            Curve::P256 => &P256_OID,
            Curve::P384 => &P384_OID,
        }
    }

    /// The template bytes before the scalar.
    const fn head(self) -> &'static [u8] {
        match self {
            Curve::P256 => &P256_HEAD,
            Curve::P384 => &P384_HEAD,
        }
    }

    /// The template bytes after the scalar.
    const fn tail(self) -> &'static [u8] {
        match self {
            Curve::P256 => &P256_TAIL,
            Curve::P384 => &P384_TAIL,
        }
    }

    /// The length of the encoding [`encode`] writes: 51 (P-256) or 64 (P-384).
    pub(crate) const fn encoded_len(self) -> usize {
        self.head().len() + self.scalar_len() + self.tail().len()
    }

    /// Computes the uncompressed public point of `scalar` into `out` (at least
    /// [`Self::public_key_len`] bytes).
    ///
    /// # Errors
    /// As `ecdsa::SigningKey::from_bytes` ([`Error::InvalidLength`], [`Error::InvalidKey`] for
    /// a scalar of zero or ≥ n), then [`Error::BufferTooSmall`].
    pub(crate) fn public_key(self, scalar: &[u8], out: &mut [u8]) -> Result<()> {
        match self {
            Curve::P256 => {
                let sk = ecdsa::p256::SigningKey::from_bytes(scalar)?;
                out_buf(Field::PublicKey, out, self.public_key_len())?
                    .copy_from_slice(&sk.verifying_key().to_bytes());
            }
            Curve::P384 => {
                let sk = ecdsa::p384::SigningKey::from_bytes(scalar)?;
                out_buf(Field::PublicKey, out, self.public_key_len())?
                    .copy_from_slice(&sk.verifying_key().to_bytes());
            }
        }
        Ok(())
    }

    /// Whether the SEC1 point `given` (compressed or uncompressed) is `expected_uncompressed`.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] (field [`Field::SecretKey`]) if `given` is not a point.
    pub(crate) fn same_point(self, given: &[u8], expected_uncompressed: &[u8]) -> Result<bool> {
        if given == expected_uncompressed {
            return Ok(true);
        }
        let ours = match self {
            Curve::P256 => ecdsa::p256::VerifyingKey::from_sec1(given)
                .map(|k| k.to_bytes() == *expected_uncompressed),
            Curve::P384 => ecdsa::p384::VerifyingKey::from_sec1(given)
                .map(|k| k.to_bytes() == *expected_uncompressed),
        };
        ours.map_err(|_| Error::InvalidKey {
            field: Field::SecretKey,
        })
    }
}

// The templates are the DER of their fields (lengths only; the bytes are checked by the tests).
const _: () = {
    assert!(Curve::P256.encoded_len() == 51 && P256_HEAD[1] as usize == 51 - 2);
    assert!(Curve::P384.encoded_len() == 64 && P384_HEAD[1] as usize == 64 - 2);
    assert!(P256_HEAD[6] as usize == Curve::P256.scalar_len());
    assert!(P384_HEAD[6] as usize == Curve::P384.scalar_len());
    assert!(P256_TAIL[1] as usize == 2 + P256_OID.len() && P256_TAIL[3] as usize == P256_OID.len());
    assert!(P384_TAIL[1] as usize == 2 + P384_OID.len() && P384_TAIL[3] as usize == P384_OID.len());
    assert!(Curve::P384.encoded_len() == MAX_LEN);
};

/// Writes the `ECPrivateKey` of `scalar` (template ‖ scalar ‖ template, see the module
/// documentation) to the start of `out`, never past its end. For callers whose types fix both
/// lengths: `scalar` has [`Curve::scalar_len`] bytes and `out` at least
/// [`Curve::encoded_len`].
pub(crate) fn write(curve: Curve, scalar: &[u8], out: &mut [u8]) {
    let bytes = curve.head().iter().chain(scalar).chain(curve.tail());
    for (o, b) in out.iter_mut().zip(bytes) {
        *o = *b;
    }
}

/// [`write`] with the lengths checked; returns [`Curve::encoded_len`]. The scalar's range is
/// not checked.
///
/// # Errors
/// [`Error::InvalidLength`] (field [`Field::SecretKey`]) unless `scalar` has
/// [`Curve::scalar_len`] bytes; [`Error::BufferTooSmall`] (nothing written).
pub(crate) fn encode(curve: Curve, scalar: &[u8], out: &mut [u8]) -> Result<usize> {
    check_len(Field::SecretKey, curve.scalar_len(), scalar.len())?;
    let out = out_buf(Field::SecretKey, out, curve.encoded_len())?;
    write(curve, scalar, out);
    Ok(curve.encoded_len())
}

/// Which `ECPrivateKey` encodings [`decode`] accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Accept {
    /// Only the encoding [`encode`] writes (parameters present, no `publicKey`), matched byte
    /// for byte: the draft composite private keys. The scalar's range is left to the caller's
    /// key type.
    Canonical,
    /// Any DER `ECPrivateKey` of the curve (RFC 5915 §3, the PKCS#8 `privateKey` of RFC 5958
    /// with RFC 5480 parameters): version 1, the scalar, `[0]` parameters optional (if present
    /// the curve's `namedCurve`), `[1]` publicKey optional (if present, compressed or
    /// uncompressed, the scalar's point). The scalar's range is checked.
    Any,
}

/// Decodes an `ECPrivateKey` on `curve` (the whole of `der`) and returns the scalar, a slice of
/// `der`.
///
/// # Errors
/// All with field [`Field::SecretKey`]. [`Accept::Canonical`]: [`Error::MalformedEncoding`] for
/// anything but the template. [`Accept::Any`], checked in this order:
/// [`Error::MalformedEncoding`] for anything that is not such a DER structure or not version 1;
/// [`Error::InvalidLength`] for a scalar that is not [`Curve::scalar_len`] bytes;
/// [`Error::MalformedEncoding`] for parameters naming another curve; [`Error::InvalidKey`] for
/// a scalar of zero or ≥ n; [`Error::MalformedEncoding`] for a `publicKey` with unused bits;
/// [`Error::InvalidKey`] for a `publicKey` that is not the scalar's point.
pub(crate) fn decode(curve: Curve, der: &[u8], accept: Accept) -> Result<&[u8]> {
    match accept {
        Accept::Canonical => {
            let (head, rest) = der.split_at_checked(curve.head().len()).ok_or(MALFORMED)?;
            let (scalar, tail) = rest.split_at_checked(curve.scalar_len()).ok_or(MALFORMED)?;
            if head != curve.head() || tail != curve.tail() {
                return Err(MALFORMED);
            }
            Ok(scalar)
        }
        Accept::Any => decode_any(curve, der),
    }
}

/// [`decode`] with [`Accept::Any`].
fn decode_any(curve: Curve, der: &[u8]) -> Result<&[u8]> {
    let fields = parse(der).ok_or(MALFORMED)?;
    check_len(Field::SecretKey, curve.scalar_len(), fields.scalar.len())?;
    if fields.parameters.is_some_and(|p| p != curve.oid()) {
        return Err(MALFORMED);
    }
    let mut pk = [0u8; ecdsa::p384::PUBLIC_KEY_LEN];
    let pk = pk.get_mut(..curve.public_key_len()).ok_or(MALFORMED)?;
    curve.public_key(fields.scalar, pk)?;
    if let Some(public) = fields.public_key {
        if public.unused_bits != 0 {
            return Err(MALFORMED);
        }
        if !curve.same_point(public.bytes, pk)? {
            return Err(Error::InvalidKey {
                field: Field::SecretKey,
            });
        }
    }
    Ok(fields.scalar)
}

/// The fields of a structurally valid `ECPrivateKey`, not yet checked against a curve.
struct Fields<'a> {
    scalar: &'a [u8],
    /// The contents octets of the `[0]` OID.
    parameters: Option<&'a [u8]>,
    public_key: Option<BitString<'a>>,
}

/// A DER BIT STRING: the unused-bit count and the bytes.
struct BitString<'a> {
    unused_bits: u8,
    bytes: &'a [u8],
}

const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;
const OCTET_STRING: u8 = 0x04;
const OBJECT_IDENTIFIER: u8 = 0x06;
const BIT_STRING: u8 = 0x03;
/// `[0]`, constructed (EXPLICIT).
const PARAMETERS: u8 = 0xa0;
/// `[1]`, constructed (EXPLICIT).
const PUBLIC_KEY: u8 = 0xa1;

/// Parses the `ECPrivateKey` structure in strict DER (the `der` crate's rules: minimal
/// lengths of at most four bytes, nothing after the SEQUENCE or inside it after its last
/// field, the OID arcs as `const-oid` validates them, the BIT STRING's unused-bit count
/// at most 7 and 0 when it is empty), version 1. `None` if it is not one.
fn parse(der: &[u8]) -> Option<Fields<'_>> {
    let (body, rest) = tlv(der, SEQUENCE)?;
    if !rest.is_empty() {
        return None;
    }
    let (version, body) = tlv(body, INTEGER)?;
    if version != [1] {
        return None;
    }
    let (scalar, mut body) = tlv(body, OCTET_STRING)?;
    let mut parameters = None;
    if body.first() == Some(&PARAMETERS) {
        let (inner, next) = tlv(body, PARAMETERS)?;
        let (oid, inner_rest) = tlv(inner, OBJECT_IDENTIFIER)?;
        if !inner_rest.is_empty() || !oid_is_valid(oid) {
            return None;
        }
        parameters = Some(oid);
        body = next;
    }
    let mut public_key = None;
    if body.first() == Some(&PUBLIC_KEY) {
        let (inner, next) = tlv(body, PUBLIC_KEY)?;
        let (bits, inner_rest) = tlv(inner, BIT_STRING)?;
        let (&unused_bits, bytes) = bits.split_first()?;
        if !inner_rest.is_empty() || unused_bits > 7 || (unused_bits != 0 && bytes.is_empty()) {
            return None;
        }
        public_key = Some(BitString { unused_bits, bytes });
        body = next;
    }
    if !body.is_empty() {
        return None;
    }
    Some(Fields {
        scalar,
        parameters,
        public_key,
    })
}

/// Splits a TLV with the one-byte tag `tag` off the front of `input`: its value and the rest.
fn tlv(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (&t, rest) = input.split_first()?;
    if t != tag {
        return None;
    }
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = match first {
        0x00..=0x7f => (usize::from(first), rest),
        0x81..=0x84 => {
            let (octets, rest) = rest.split_at_checked(usize::from(first & 0x7f))?;
            let len = octets
                .iter()
                .fold(0u32, |acc, &b| (acc << 8) | u32::from(b));
            // DER: the fewest octets, so a long form only from 0x80.
            let minimal = match len {
                0x00..=0x7f => 0,
                0x80..=0xff => 1,
                0x100..=0xffff => 2,
                0x1_0000..=0xff_ffff => 3,
                _ => 4,
            };
            if minimal != octets.len() {
                return None;
            }
            (usize::try_from(len).ok()?, rest)
        }
        // 0x80 is BER's indefinite length; longer length prefixes are not supported.
        _ => return None,
    };
    rest.split_at_checked(len)
}

/// Whether `oid` (contents octets) is an OID as `const-oid` accepts it: 1 to 39 bytes, the
/// first below 120 (first arc at most 2), then base-128 arcs, each ended by a byte without the
/// continuation bit, at most 32 bits' worth (a sixth byte below 0x10).
fn oid_is_valid(oid: &[u8]) -> bool {
    let Some((&root, arcs)) = oid.split_first() else {
        return false;
    };
    if oid.len() > 39 || root >= 120 {
        return false;
    }
    let mut arc_len = 0usize;
    for &b in arcs {
        arc_len += 1;
        if arc_len > 5 && b & 0xf0 != 0 {
            return false;
        }
        if b & 0x80 == 0 {
            arc_len = 0;
        }
    }
    arc_len == 0
}

#[cfg(all(test, feature = "pkcs8", feature = "alloc"))]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

    use alloc::vec;
    use alloc::vec::Vec;

    use const_oid::ObjectIdentifier;
    use der::asn1::{AnyRef, BitStringRef, OctetStringRef};
    use der::{Decode, Encode, EncodeValue, FixedTag, Header, Length, Reader, SliceReader, Tag};
    use der::{TagMode, TagNumber, Writer};

    use super::*;

    const CURVES: [Curve; 2] = [Curve::P256, Curve::P384];

    fn named_curve(curve: Curve) -> ObjectIdentifier {
        match curve {
            Curve::P256 => ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7"),
            Curve::P384 => ObjectIdentifier::new_unwrap("1.3.132.0.34"),
        }
    }

    fn context_tag(number: u32) -> Tag {
        Tag::ContextSpecific {
            constructed: true,
            number: TagNumber(number),
        }
    }

    /// The `der`-crate encoder that `encoding::private` used before this module.
    struct Oracle<'a> {
        curve: Curve,
        scalar: &'a [u8],
    }

    impl EncodeValue for Oracle<'_> {
        fn value_len(&self) -> der::Result<Length> {
            let oid = named_curve(self.curve);
            1u8.encoded_len()?
                + Length::try_from(self.scalar.len())?.for_tlv(Tag::OctetString)?
                + oid.encoded_len()?.for_tlv(context_tag(0))?
        }

        fn encode_value(&self, writer: &mut impl Writer) -> der::Result<()> {
            let oid = named_curve(self.curve);
            1u8.encode(writer)?;
            OctetStringRef::new(self.scalar)?.encode(writer)?;
            Header::new(context_tag(0), oid.encoded_len()?).encode(writer)?;
            oid.encode(writer)
        }
    }

    impl FixedTag for Oracle<'_> {
        const TAG: Tag = Tag::Sequence;
    }

    /// The `der`-crate parser that `encoding::private` used before this module.
    fn oracle_decode(der: &[u8], curve: Curve) -> Result<Vec<u8>> {
        let (scalar, params, public) = AnyRef::from_der(der)
            .and_then(|any| {
                any.sequence(|r: &mut SliceReader<'_>| {
                    let version = r.decode::<u8>()?;
                    let scalar = r.decode::<&OctetStringRef>()?;
                    let params =
                        r.context_specific::<ObjectIdentifier>(TagNumber(0), TagMode::Explicit)?;
                    let public =
                        r.context_specific::<BitStringRef<'_>>(TagNumber(1), TagMode::Explicit)?;
                    Ok::<_, der::Error>((version, scalar, params, public))
                })
            })
            .map_err(|_| MALFORMED)
            .and_then(|(version, scalar, params, public)| {
                if version == 1 {
                    Ok((scalar.as_bytes(), params, public))
                } else {
                    Err(MALFORMED)
                }
            })?;
        check_len(Field::SecretKey, curve.scalar_len(), scalar.len())?;
        if params.is_some_and(|p| p != named_curve(curve)) {
            return Err(MALFORMED);
        }
        let mut pk = [0u8; 97];
        let pk = pk.get_mut(..curve.public_key_len()).ok_or(MALFORMED)?;
        curve.public_key(scalar, pk)?;
        if let Some(public) = public {
            let given = public.as_bytes().ok_or(MALFORMED)?;
            if !curve.same_point(given, pk)? {
                return Err(Error::InvalidKey {
                    field: Field::SecretKey,
                });
            }
        }
        Ok(scalar.to_vec())
    }

    fn tlv(tag: u8, value: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        let len = value.len();
        if len < 0x80 {
            out.push(len as u8);
        } else if len < 0x100 {
            out.extend([0x81, len as u8]);
        } else {
            out.extend([0x82, (len >> 8) as u8, len as u8]);
        }
        out.extend_from_slice(value);
        out
    }

    fn ec_private_key(
        version: &[u8],
        scalar: &[u8],
        params: Option<&[u8]>,
        public: Option<&[u8]>,
    ) -> Vec<u8> {
        let mut body = tlv(0x02, version);
        body.extend(tlv(0x04, scalar));
        if let Some(oid) = params {
            body.extend(tlv(0xa0, &tlv(0x06, oid)));
        }
        if let Some(bits) = public {
            body.extend(tlv(0xa1, &tlv(0x03, bits)));
        }
        tlv(0x30, &body)
    }

    fn point(curve: Curve, scalar: &[u8]) -> Vec<u8> {
        let mut pk = vec![0u8; curve.public_key_len()];
        curve.public_key(scalar, &mut pk).unwrap();
        pk
    }

    /// Well-formed and ill-formed encodings around one key of `curve`.
    fn seeds(curve: Curve) -> Vec<Vec<u8>> {
        let n = curve.scalar_len();
        let d = vec![7u8; n];
        let other = vec![9u8; n];
        let pk = point(curve, &d);
        let compressed = [&[0x02 | (pk[pk.len() - 1] & 1)][..], &pk[1..=n]].concat();
        let oid = curve.oid();
        let other_oid = match curve {
            Curve::P256 => Curve::P384.oid(),
            Curve::P384 => Curve::P256.oid(),
        };
        let bits = |unused: u8, b: &[u8]| [&[unused][..], b].concat();
        let mut out = vec![
            ec_private_key(&[1], &d, Some(oid), None),
            ec_private_key(&[1], &d, None, None),
            ec_private_key(&[1], &d, Some(oid), Some(&bits(0, &pk))),
            ec_private_key(&[1], &d, None, Some(&bits(0, &compressed))),
            ec_private_key(&[1], &d, Some(oid), Some(&bits(0, &point(curve, &other)))),
            ec_private_key(&[1], &d, Some(oid), Some(&bits(1, &pk))),
            ec_private_key(&[1], &d, Some(oid), Some(&bits(8, &pk))),
            ec_private_key(&[1], &d, Some(oid), Some(&[1])),
            ec_private_key(&[1], &d, Some(oid), Some(&[0])),
            ec_private_key(&[1], &d, Some(other_oid), None),
            ec_private_key(&[1], &d, Some(&[0x2a, 0x80, 0x01]), None),
            ec_private_key(&[1], &d, Some(&[0x2a, 0x86]), None),
            ec_private_key(&[1], &d, Some(&[0x78, 0x01]), None),
            ec_private_key(&[1], &d, Some(&[0x2a, 0x8f, 0xff, 0xff, 0xff, 0x7f]), None),
            ec_private_key(
                &[1],
                &d,
                Some(&[0x2a, 0x8f, 0xff, 0xff, 0xff, 0xff, 0x7f]),
                None,
            ),
            ec_private_key(
                &[1],
                &d,
                Some(&[0x2a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x0f]),
                None,
            ),
            ec_private_key(
                &[1],
                &d,
                Some(&[0x2a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10]),
                None,
            ),
            ec_private_key(&[1], &d, Some(&[0x2a; 40]), None),
            ec_private_key(&[1], &d, Some(&[]), None),
            ec_private_key(&[1], &d[1..], Some(oid), None),
            ec_private_key(&[1], &d[1..], Some(other_oid), None),
            ec_private_key(&[1], &d[1..], Some(&[0x78]), None),
            ec_private_key(&[1], &[d.as_slice(), &[0]].concat(), None, None),
            ec_private_key(&[1], &[0xab; 200], None, None),
            ec_private_key(&[1], &vec![0u8; n], Some(oid), Some(&bits(1, &pk))),
            ec_private_key(&[1], &vec![0xffu8; n], None, None),
            ec_private_key(&[0], &d, Some(oid), None),
            ec_private_key(&[0, 1], &d, Some(oid), None),
            ec_private_key(&[2], &d, Some(oid), None),
            d.clone(),
            Vec::new(),
        ];
        // Fields out of order, repeated, primitive-tagged, or trailing.
        let mut body = tlv(0x02, &[1]);
        body.extend(tlv(0x04, &d));
        let params = tlv(0xa0, &tlv(0x06, oid));
        let public = tlv(0xa1, &tlv(0x03, &bits(0, &pk)));
        for tail in [
            [public.clone(), params.clone()].concat(),
            [params.clone(), params.clone()].concat(),
            [params.clone(), public.clone(), public.clone()].concat(),
            [params.clone(), vec![0x05, 0x00]].concat(),
            [params.clone(), tlv(0xa2, &[0x05, 0x00])].concat(),
            tlv(0x80, &tlv(0x06, oid)),
            tlv(0x81, &bits(0, &pk)),
            tlv(0xa0, &[tlv(0x06, oid), vec![0x05, 0x00]].concat()),
            tlv(0xa0, &[0x06, 0x80]),
            vec![0x1f, 0x00],
            vec![0xbf, 0x80],
        ] {
            out.push(tlv(0x30, &[body.clone(), tail].concat()));
        }
        let canonical = ec_private_key(&[1], &d, Some(oid), None);
        out.push([canonical.as_slice(), &[0]].concat());
        out.push(tlv(0x31, &canonical[2..]));
        // Non-minimal and over-long lengths.
        let mut long = vec![0x30, 0x81, canonical[1]];
        long.extend_from_slice(&canonical[2..]);
        out.push(long);
        let mut long = vec![0x30, 0x82, 0x00, canonical[1]];
        long.extend_from_slice(&canonical[2..]);
        out.push(long);
        let mut octet_long = [&canonical[..5], &[0x04, 0x81, n as u8]].concat();
        octet_long.extend_from_slice(&canonical[7..]);
        out.push(tlv(0x30, &octet_long[2..]));
        out.push(vec![0x30, 0x80, 0x00, 0x00]);
        out.push(vec![0x30, 0x85, 0, 0, 0, 0, 1]);
        out
    }

    /// Every seed and, for each, truncations, one-byte changes and one-byte insertions.
    fn corpus(curve: Curve) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        for seed in seeds(curve) {
            for cut in 0..seed.len() {
                out.push(seed[..cut].to_vec());
            }
            for i in 0..seed.len() {
                for v in [
                    0x00,
                    0x01,
                    0x7f,
                    0x80,
                    0xff,
                    seed[i] ^ 1,
                    seed[i].wrapping_add(1),
                ] {
                    let mut m = seed.clone();
                    m[i] = v;
                    out.push(m);
                }
                let mut m = seed.clone();
                m.insert(i, 0x00);
                out.push(m);
            }
            out.push(seed);
        }
        out
    }

    #[test]
    fn encode_matches_der() {
        for curve in CURVES {
            let d: Vec<u8> = (1..=curve.scalar_len() as u8).collect();
            let mut want = [0u8; 200];
            let want = Oracle { curve, scalar: &d }
                .encode_to_slice(&mut want)
                .unwrap();
            let mut out = [0u8; MAX_LEN + 1];
            assert_eq!(encode(curve, &d, &mut out), Ok(curve.encoded_len()));
            assert_eq!(&out[..curve.encoded_len()], want);
            assert_eq!(curve.oid(), named_curve(curve).as_bytes());
            let mut big = [0u8; 200];
            write(curve, &d, &mut big);
            assert_eq!(&big[..want.len()], want);
            assert!(big[want.len()..].iter().all(|&b| b == 0));
            assert_eq!(
                encode(curve, &d[1..], &mut out),
                Err(Error::InvalidLength {
                    field: Field::SecretKey,
                    expected: curve.scalar_len(),
                    actual: curve.scalar_len() - 1,
                })
            );
            assert!(matches!(
                encode(curve, &d, &mut out[..curve.encoded_len() - 1]),
                Err(Error::BufferTooSmall { .. })
            ));
        }
    }

    #[test]
    fn decode_matches_der() {
        for curve in CURVES {
            let mut accepted = 0;
            let cases = corpus(curve);
            for der in &cases {
                let ours = decode(curve, der, Accept::Any).map(<[u8]>::to_vec);
                assert_eq!(ours, oracle_decode(der, curve), "{curve:?} {der:02x?}");
                accepted += usize::from(ours.is_ok());
                // Canonical: the encoding `encode` writes and nothing else; it decodes the
                // same under `Any`.
                let canonical = decode(curve, der, Accept::Canonical);
                let is_template = der.len() == curve.encoded_len()
                    && parse(der).is_some_and(|f| {
                        f.parameters == Some(curve.oid()) && f.public_key.is_none()
                    });
                assert_eq!(canonical.is_ok(), is_template, "{curve:?} {der:02x?}");
                if let Ok(scalar) = canonical {
                    let mut re = [0u8; MAX_LEN];
                    write(curve, scalar, &mut re);
                    assert_eq!(&re[..der.len()], der.as_slice());
                } else {
                    assert_eq!(canonical, Err(MALFORMED));
                }
            }
            assert!(accepted > 10 && accepted < cases.len() / 2, "{accepted}");
        }
    }
}
