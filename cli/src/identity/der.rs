//! A small DER reader for the certificate fields the CLI's messages need: a CA certificate's
//! common name, and, after the library has rejected a chain, which document of it is at
//! fault (names, keys, signatures, CA flags). The verdict is always the library's
//! (`pqhybrid::identity::verify_attestation`); nothing here accepts a document.

use pqhybrid::encoding::{Algorithm, decode_public_key};

const SEQUENCE: u8 = 0x30;
const SET: u8 = 0x31;
const OID: u8 = 0x06;
const BOOLEAN: u8 = 0x01;
const BIT_STRING: u8 = 0x03;
const OCTET_STRING: u8 = 0x04;
const VERSION: u8 = 0xa0;
const EXTENSIONS: u8 = 0xa3;

/// The content octets of the OIDs used here.
const OID_COMMON_NAME: &[u8] = &[0x55, 0x04, 0x03];
const OID_BASIC_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x13];
const OID_KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x0f];

/// keyUsage `digitalSignature` (bit 0) and `keyCertSign` (bit 5), in the first byte.
pub const KU_DIGITAL_SIGNATURE: u8 = 0x80;
pub const KU_KEY_CERT_SIGN: u8 = 0x04;

/// One TLV: its tag, its whole encoding and its content.
#[derive(Clone, Copy)]
struct Tlv<'a> {
    tag: u8,
    full: &'a [u8],
    content: &'a [u8],
}

/// The first TLV of `input` (definite lengths, low tag numbers) and what follows it.
fn read(input: &[u8]) -> Option<(Tlv<'_>, &[u8])> {
    let (&tag, rest) = input.split_first()?;
    if tag & 0x1f == 0x1f {
        return None;
    }
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let (bytes, rest) = rest.split_at_checked(n)?;
        let len = bytes
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        (len, rest)
    };
    let header = input.len() - rest.len();
    let (content, after) = rest.split_at_checked(len)?;
    let full = input.get(..header + len)?;
    Some((Tlv { tag, full, content }, after))
}

/// The TLV of `input` if it has `tag`.
fn expect(input: &[u8], tag: u8) -> Option<(Tlv<'_>, &[u8])> {
    read(input).filter(|(t, _)| t.tag == tag)
}

/// The fields of a certificate the messages use.
pub struct CertView<'a> {
    /// The DER of `tbsCertificate` (what the issuer signed).
    pub tbs: &'a [u8],
    /// The DER of the issuer name.
    pub issuer: &'a [u8],
    /// The DER of the subject name.
    pub subject: &'a [u8],
    /// The DER of the SubjectPublicKeyInfo.
    pub spki: &'a [u8],
    /// The signature (the BIT STRING's bytes).
    pub signature: &'a [u8],
    /// basicConstraints `cA`.
    pub ca: bool,
    /// The first byte of keyUsage (0 if absent).
    pub key_usage: u8,
}

impl CertView<'_> {
    /// Whether this certificate's key may issue certificates.
    pub fn can_issue(&self) -> bool {
        self.ca && self.key_usage & KU_KEY_CERT_SIGN != 0
    }

    /// Whether `child` is signed by this certificate's key.
    pub fn signed(&self, child: &CertView<'_>) -> bool {
        match decode_public_key(self.spki) {
            Ok(pk) => match pk.algorithm {
                Algorithm::Signature(alg) => {
                    alg.verify(pk.key, child.tbs, b"", child.signature).is_ok()
                }
                Algorithm::Kem(_) => false,
            },
            Err(_) => false,
        }
    }

    /// The subject's common name, if it has one.
    pub fn subject_common_name(&self) -> Option<String> {
        common_name(self.subject)
    }
}

/// Reads the fields of a certificate; `None` if `der` is not one.
pub fn certificate(der: &[u8]) -> Option<CertView<'_>> {
    let (cert, rest) = expect(der, SEQUENCE)?;
    if !rest.is_empty() {
        return None;
    }
    let (tbs, r) = expect(cert.content, SEQUENCE)?;
    let (_sig_alg, r) = expect(r, SEQUENCE)?;
    let (sig, r) = expect(r, BIT_STRING)?;
    if !r.is_empty() {
        return None;
    }
    let signature = match sig.content.split_first() {
        Some((0, bits)) => bits,
        _ => return None,
    };
    let (first, mut r) = read(tbs.content)?;
    if first.tag == VERSION {
        (_, r) = read(r)?; // serialNumber
    }
    let (_alg, r) = expect(r, SEQUENCE)?;
    let (issuer, r) = expect(r, SEQUENCE)?;
    let (_validity, r) = expect(r, SEQUENCE)?;
    let (subject, r) = expect(r, SEQUENCE)?;
    let (spki, mut r) = expect(r, SEQUENCE)?;
    let mut view = CertView {
        tbs: tbs.full,
        issuer: issuer.full,
        subject: subject.full,
        spki: spki.full,
        signature,
        ca: false,
        key_usage: 0,
    };
    while !r.is_empty() {
        let (field, rest) = read(r)?;
        r = rest;
        if field.tag == EXTENSIONS {
            read_extensions(field.content, &mut view)?;
        }
    }
    Some(view)
}

fn read_extensions(content: &[u8], view: &mut CertView<'_>) -> Option<()> {
    let (list, _) = expect(content, SEQUENCE)?;
    let mut r = list.content;
    while !r.is_empty() {
        let (ext, rest) = expect(r, SEQUENCE)?;
        r = rest;
        let (oid, mut e) = expect(ext.content, OID)?;
        if let Some((_critical, after)) = expect(e, BOOLEAN) {
            e = after;
        }
        let (value, _) = expect(e, OCTET_STRING)?;
        if oid.content == OID_BASIC_CONSTRAINTS {
            let (bc, _) = expect(value.content, SEQUENCE)?;
            view.ca = matches!(expect(bc.content, BOOLEAN), Some((b, _)) if b.content != [0]);
        } else if oid.content == OID_KEY_USAGE {
            let (bits, _) = expect(value.content, BIT_STRING)?;
            view.key_usage = bits.content.get(1).copied().unwrap_or(0);
        }
    }
    Some(())
}

/// The first common name of a DER `Name`.
fn common_name(name: &[u8]) -> Option<String> {
    let (seq, _) = expect(name, SEQUENCE)?;
    let mut r = seq.content;
    while !r.is_empty() {
        let (rdn, rest) = expect(r, SET)?;
        r = rest;
        let (atv, _) = expect(rdn.content, SEQUENCE)?;
        let (oid, v) = expect(atv.content, OID)?;
        if oid.content == OID_COMMON_NAME {
            let (value, _) = read(v)?;
            return String::from_utf8(value.content.to_vec()).ok();
        }
    }
    None
}
