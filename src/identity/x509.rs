//! The certificate profile of pqhybrid's device identities, encoded with the `der` crate into
//! caller buffers, without an allocator (`docs/identity.md` gives every field).
//!
//! ```text
//! Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }
//! TBSCertificate ::= SEQUENCE {
//!   version [0] EXPLICIT 2 (v3), serialNumber = the subject key's id (20 bytes, positive),
//!   signature AlgorithmIdentifier (the OID, no parameters),
//!   issuer Name, validity { 180322235959Z (UTCTime), 99991231235959Z (GeneralizedTime) },
//!   subject Name, subjectPublicKeyInfo,
//!   extensions [3] EXPLICIT { authorityKeyIdentifier, subjectKeyIdentifier, keyUsage (critical),
//!     basicConstraints (critical), then tcg-dice-Ueid, tcg-dice-TcbInfo (critical) or
//!     tcg-dice-TcbFreshness (critical) as the certificate's role requires } }
//! ```
//!
//! The signature is the issuer's (ML-DSA or composite, pure, empty context) over the DER of
//! `TBSCertificate`, deterministic so that a device issues the same certificate on every boot.

use der::asn1::{
    BitStringRef, GeneralizedTime, ObjectIdentifier, OctetStringRef, PrintableStringRef, UintRef,
    UtcTime, Utf8StringRef,
};
use der::{DateTime, Decode, Encode, EncodeValue, FixedTag, Header, Length, Sequence, Tag, Writer};

use super::derive::ID_LEN;
use crate::error::{Error, Field, Result};

/// `id-at-serialNumber` (X.520), the one attribute of a device name, as Open DICE writes it.
pub(crate) const OID_SERIAL_NUMBER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.5");
/// `id-at-commonName`.
pub(crate) const OID_COMMON_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
/// `id-ce-authorityKeyIdentifier` (RFC 5280 §4.2.1.1).
pub(crate) const OID_AKI: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.35");
/// `id-ce-subjectKeyIdentifier` (RFC 5280 §4.2.1.2).
pub(crate) const OID_SKI: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");
/// `id-ce-keyUsage` (RFC 5280 §4.2.1.3).
pub(crate) const OID_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");
/// `id-ce-basicConstraints` (RFC 5280 §4.2.1.9).
pub(crate) const OID_BASIC_CONSTRAINTS: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("2.5.29.19");
/// `tcg-dice-TcbInfo` (TCG DICE Attestation Architecture).
pub const OID_TCB_INFO: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.23.133.5.4.1");
/// `tcg-dice-Ueid`.
pub const OID_UEID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.23.133.5.4.4");
/// `tcg-dice-TcbFreshness`: `SEQUENCE { nonce OCTET STRING }`.
pub const OID_TCB_FRESHNESS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.23.133.5.4.11");
/// `id-sha256` (NIST), the hash algorithm of the image-id FWID.
pub const OID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");

/// keyUsage bit `digitalSignature` (RFC 5280: bit 0, the first bit of the first byte).
pub(crate) const KU_DIGITAL_SIGNATURE: u8 = 0x80;
/// keyUsage bit `keyCertSign` (bit 5).
pub(crate) const KU_KEY_CERT_SIGN: u8 = 0x04;

/// The longest nonce an evidence certificate carries.
pub const MAX_NONCE_LEN: usize = 64;
/// The longest vendor or model string of a TcbInfo.
pub const MAX_TCB_STRING_LEN: usize = 64;

/// The validity start Open DICE writes (a fixed time: devices have no clock).
fn not_before() -> Result<UtcTime> {
    DateTime::new(2018, 3, 22, 23, 59, 59)
        .and_then(UtcTime::from_date_time)
        .map_err(|_| Error::MalformedEncoding {
            field: Field::Signature,
        })
}

/// "No well-defined expiration date" (RFC 5280 §4.1.2.5).
fn not_after() -> Result<GeneralizedTime> {
    DateTime::new(9999, 12, 31, 23, 59, 59)
        .map(GeneralizedTime::from_date_time)
        .map_err(|_| Error::MalformedEncoding {
            field: Field::Signature,
        })
}

/// `AlgorithmIdentifier` with absent parameters (ML-DSA, composites, Ed25519).
#[derive(Clone, Copy, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct AlgId {
    pub(crate) oid: ObjectIdentifier,
}

/// The lowercase hex of an id, the `serialNumber` attribute value of a device name.
pub(crate) fn id_hex(id: &[u8; ID_LEN]) -> [u8; 2 * ID_LEN] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 2 * ID_LEN];
    for (pair, b) in out.chunks_exact_mut(2).zip(id) {
        if let [hi, lo] = pair {
            *hi = HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0');
            *lo = HEX.get(usize::from(b & 15)).copied().unwrap_or(b'0');
        }
    }
    out
}

/// One `AttributeTypeAndValue` in its own RDN.
#[derive(Clone, Copy, Debug, Sequence)]
struct Atv<'a> {
    oid: ObjectIdentifier,
    value: PrintableStringRef<'a>,
}

/// A `Name` of one or two RDNs: `serialNumber=<id hex>` (as Open DICE), optionally preceded by
/// `CN=<common name>` (the manufacturer CA's name).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Name<'a> {
    pub(crate) common_name: Option<PrintableStringRef<'a>>,
    pub(crate) serial: PrintableStringRef<'a>,
}

/// `SET { atv }`.
struct Rdn<'a>(Atv<'a>);

impl EncodeValue for Rdn<'_> {
    fn value_len(&self) -> der::Result<Length> {
        self.0.encoded_len()
    }
    fn encode_value(&self, w: &mut impl Writer) -> der::Result<()> {
        self.0.encode(w)
    }
}
impl FixedTag for Rdn<'_> {
    const TAG: Tag = Tag::Set;
}

impl<'a> Name<'a> {
    fn rdns(&self) -> (Option<Rdn<'a>>, Rdn<'a>) {
        (
            self.common_name.map(|cn| {
                Rdn(Atv {
                    oid: OID_COMMON_NAME,
                    value: cn,
                })
            }),
            Rdn(Atv {
                oid: OID_SERIAL_NUMBER,
                value: self.serial,
            }),
        )
    }
}

impl EncodeValue for Name<'_> {
    fn value_len(&self) -> der::Result<Length> {
        let (cn, sn) = self.rdns();
        cn.encoded_len()? + sn.encoded_len()?
    }
    fn encode_value(&self, w: &mut impl Writer) -> der::Result<()> {
        let (cn, sn) = self.rdns();
        cn.encode(w)?;
        sn.encode(w)
    }
}
impl FixedTag for Name<'_> {
    const TAG: Tag = Tag::Sequence;
}

/// `Validity`.
#[derive(Clone, Copy, Debug, Sequence)]
struct Validity {
    not_before: UtcTime,
    not_after: GeneralizedTime,
}

/// `FWID ::= SEQUENCE { hashAlg OBJECT IDENTIFIER, digest OCTET STRING }`.
#[derive(Clone, Copy, Debug, Sequence)]
pub(crate) struct Fwid<'a> {
    pub(crate) hash_alg: ObjectIdentifier,
    pub(crate) digest: &'a OctetStringRef,
}

/// `FWIDLIST ::= SEQUENCE SIZE (1..MAX) OF FWID` with the one FWID this profile writes (the
/// image id).
#[derive(Clone, Copy, Debug)]
pub(crate) struct OneFwid<'a>(pub(crate) Fwid<'a>);

impl EncodeValue for OneFwid<'_> {
    fn value_len(&self) -> der::Result<Length> {
        self.0.encoded_len()
    }
    fn encode_value(&self, w: &mut impl Writer) -> der::Result<()> {
        self.0.encode(w)
    }
}
impl<'a> der::DecodeValue<'a> for OneFwid<'a> {
    type Error = der::Error;
    fn decode_value<R: der::Reader<'a>>(r: &mut R, header: Header) -> der::Result<Self> {
        let _ = header;
        Ok(Self(Fwid::decode(r)?))
    }
}
impl FixedTag for OneFwid<'_> {
    const TAG: Tag = Tag::Sequence;
}

/// The fields of `DiceTcbInfo` that pqhybrid writes (TCG DICE Attestation Architecture):
/// vendor [0], model [1], svn [3], layer [4], fwids [6], flags [7].
#[derive(Clone, Copy, Debug, Sequence)]
pub(crate) struct TcbInfoDer<'a> {
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT", optional = "true")]
    pub(crate) vendor: Option<Utf8StringRef<'a>>,
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    pub(crate) model: Option<Utf8StringRef<'a>>,
    #[asn1(context_specific = "3", tag_mode = "IMPLICIT", optional = "true")]
    pub(crate) svn: Option<u64>,
    #[asn1(context_specific = "4", tag_mode = "IMPLICIT", optional = "true")]
    pub(crate) layer: Option<u64>,
    #[asn1(context_specific = "6", tag_mode = "IMPLICIT", optional = "true")]
    pub(crate) fwids: Option<OneFwid<'a>>,
    #[asn1(context_specific = "7", tag_mode = "IMPLICIT", optional = "true")]
    pub(crate) flags: Option<BitStringRef<'a>>,
}

/// `SEQUENCE { OCTET STRING }`: `TcgUeid` and `TcbFreshness`.
#[derive(Clone, Copy, Debug, Sequence)]
pub(crate) struct OneOctetString<'a> {
    pub(crate) value: &'a OctetStringRef,
}

/// `AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING }`.
#[derive(Clone, Copy, Debug, Sequence)]
pub(crate) struct Aki<'a> {
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT")]
    pub(crate) key_id: &'a OctetStringRef,
}

/// `BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, ... }`; written with `cA TRUE` or
/// empty.
#[derive(Clone, Copy, Debug, Sequence)]
pub(crate) struct BasicConstraints {
    #[asn1(optional = "true")]
    pub(crate) ca: Option<bool>,
}

/// One extension's value, before it is wrapped in its OCTET STRING.
#[derive(Clone, Copy, Debug)]
pub(crate) enum ExtValue<'a> {
    Aki(Aki<'a>),
    Ski(&'a OctetStringRef),
    KeyUsage(BitStringRef<'a>),
    BasicConstraints(BasicConstraints),
    TcbInfo(TcbInfoDer<'a>),
    Ueid(OneOctetString<'a>),
    Freshness(OneOctetString<'a>),
}

impl ExtValue<'_> {
    fn oid(&self) -> ObjectIdentifier {
        match self {
            Self::Aki(_) => OID_AKI,
            Self::Ski(_) => OID_SKI,
            Self::KeyUsage(_) => OID_KEY_USAGE,
            Self::BasicConstraints(_) => OID_BASIC_CONSTRAINTS,
            Self::TcbInfo(_) => OID_TCB_INFO,
            Self::Ueid(_) => OID_UEID,
            Self::Freshness(_) => OID_TCB_FRESHNESS,
        }
    }

    /// keyUsage, basicConstraints, TcbInfo and TcbFreshness are critical: a verifier that does
    /// not understand them must reject the certificate.
    fn critical(&self) -> bool {
        matches!(
            self,
            Self::KeyUsage(_) | Self::BasicConstraints(_) | Self::TcbInfo(_) | Self::Freshness(_)
        )
    }

    fn inner_len(&self) -> der::Result<Length> {
        match self {
            Self::Aki(v) => v.encoded_len(),
            Self::Ski(v) => v.encoded_len(),
            Self::KeyUsage(v) => v.encoded_len(),
            Self::BasicConstraints(v) => v.encoded_len(),
            Self::TcbInfo(v) => v.encoded_len(),
            Self::Ueid(v) | Self::Freshness(v) => v.encoded_len(),
        }
    }

    fn encode_inner(&self, w: &mut impl Writer) -> der::Result<()> {
        match self {
            Self::Aki(v) => v.encode(w),
            Self::Ski(v) => v.encode(w),
            Self::KeyUsage(v) => v.encode(w),
            Self::BasicConstraints(v) => v.encode(w),
            Self::TcbInfo(v) => v.encode(w),
            Self::Ueid(v) | Self::Freshness(v) => v.encode(w),
        }
    }
}

/// `Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }`
/// (the value's DER inside the OCTET STRING, written in place).
impl EncodeValue for ExtValue<'_> {
    fn value_len(&self) -> der::Result<Length> {
        let crit = if self.critical() {
            true.encoded_len()?
        } else {
            Length::ZERO
        };
        self.oid().encoded_len()? + crit + self.inner_len()?.for_tlv(Tag::OctetString)?
    }
    fn encode_value(&self, w: &mut impl Writer) -> der::Result<()> {
        self.oid().encode(w)?;
        if self.critical() {
            true.encode(w)?;
        }
        Header::new(Tag::OctetString, self.inner_len()?).encode(w)?;
        self.encode_inner(w)
    }
}
impl FixedTag for ExtValue<'_> {
    const TAG: Tag = Tag::Sequence;
}

/// The `[3] EXPLICIT SEQUENCE OF Extension` of a certificate.
#[derive(Clone, Copy, Debug)]
struct Extensions<'a, 'b>(&'b [ExtValue<'a>]);

impl Extensions<'_, '_> {
    fn seq_len(&self) -> der::Result<Length> {
        let mut len = Length::ZERO;
        for e in self.0 {
            len = (len + e.encoded_len()?)?;
        }
        Ok(len)
    }
}

impl EncodeValue for Extensions<'_, '_> {
    fn value_len(&self) -> der::Result<Length> {
        self.seq_len()?.for_tlv(Tag::Sequence)
    }
    fn encode_value(&self, w: &mut impl Writer) -> der::Result<()> {
        Header::new(Tag::Sequence, self.seq_len()?).encode(w)?;
        for e in self.0 {
            e.encode(w)?;
        }
        Ok(())
    }
}
impl FixedTag for Extensions<'_, '_> {
    const TAG: Tag = Tag::ContextSpecific {
        constructed: true,
        number: der::TagNumber(3),
    };
}

/// The `[0] EXPLICIT INTEGER 2` version field.
struct V3;
impl EncodeValue for V3 {
    fn value_len(&self) -> der::Result<Length> {
        2u8.encoded_len()
    }
    fn encode_value(&self, w: &mut impl Writer) -> der::Result<()> {
        2u8.encode(w)
    }
}
impl FixedTag for V3 {
    const TAG: Tag = Tag::ContextSpecific {
        constructed: true,
        number: der::TagNumber(0),
    };
}

/// Raw, already encoded DER (a SubjectPublicKeyInfo from [`crate::encoding`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Raw<'a>(pub(crate) &'a [u8]);

impl Encode for Raw<'_> {
    fn encoded_len(&self) -> der::Result<Length> {
        Length::try_from(self.0.len())
    }
    fn encode(&self, w: &mut impl Writer) -> der::Result<()> {
        w.write(self.0)
    }
}

/// A `TBSCertificate` of this profile.
pub(crate) struct Tbs<'a, 'b> {
    pub(crate) serial: UintRef<'a>,
    pub(crate) sig_alg: AlgId,
    pub(crate) issuer: Name<'a>,
    pub(crate) subject: Name<'a>,
    pub(crate) spki: Raw<'a>,
    pub(crate) extensions: &'b [ExtValue<'a>],
}

impl Tbs<'_, '_> {
    fn validity() -> der::Result<Validity> {
        Ok(Validity {
            not_before: not_before().map_err(|_| der::ErrorKind::DateTime)?,
            not_after: not_after().map_err(|_| der::ErrorKind::DateTime)?,
        })
    }
}

impl EncodeValue for Tbs<'_, '_> {
    fn value_len(&self) -> der::Result<Length> {
        V3.encoded_len()?
            + self.serial.encoded_len()?
            + self.sig_alg.encoded_len()?
            + self.issuer.encoded_len()?
            + Self::validity()?.encoded_len()?
            + self.subject.encoded_len()?
            + self.spki.encoded_len()?
            + Extensions(self.extensions).encoded_len()?
    }
    fn encode_value(&self, w: &mut impl Writer) -> der::Result<()> {
        V3.encode(w)?;
        self.serial.encode(w)?;
        self.sig_alg.encode(w)?;
        self.issuer.encode(w)?;
        Self::validity()?.encode(w)?;
        self.subject.encode(w)?;
        self.spki.encode(w)?;
        Extensions(self.extensions).encode(w)
    }
}
impl FixedTag for Tbs<'_, '_> {
    const TAG: Tag = Tag::Sequence;
}
