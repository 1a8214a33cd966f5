//! The verifier's side (needs an allocator): checks a device's chain, from a trusted
//! manufacturer root through the DeviceID and Alias certificates to an evidence certificate,
//! against the verifier's nonce and reference values; and checks a DeviceID CSR's proof of
//! possession for the CA. Certificates are parsed with the RustCrypto `x509-cert` crate.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use der::asn1::{BitStringRef, ObjectIdentifier, OctetStringRef, Utf8StringRef};
use der::{Decode, Encode};
use x509_cert::Certificate;
use x509_cert::request::CertReq;

use super::derive::{ID_LEN, Mode, id_of};
use super::issue::{UEID_LEN, is_identity_algorithm, ueid};
use super::x509::{
    Aki, BasicConstraints, KU_DIGITAL_SIGNATURE, KU_KEY_CERT_SIGN, OID_AKI, OID_BASIC_CONSTRAINTS,
    OID_KEY_USAGE, OID_SHA256, OID_SKI, OID_TCB_FRESHNESS, OID_TCB_INFO, OID_UEID, OneOctetString,
    TcbInfoDer,
};
use crate::SignatureAlgorithm;
use crate::encoding::{Algorithm, decode_public_key};
use crate::error::{Error, IdentityError, Result};

fn err(e: IdentityError) -> Error {
    Error::Identity(e)
}

fn malformed() -> Error {
    err(IdentityError::MalformedCertificate)
}

/// What the verifier accepts of the firmware a device runs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReferenceValues {
    /// The image ids of the firmware the verifier accepts (`pqhybrid inspect` prints an
    /// image's id). Empty: any image (only the security version is checked).
    pub image_ids: Vec<[u8; 32]>,
    /// The lowest security version accepted (anti-rollback).
    pub min_security_version: u64,
    /// Whether a device in debug, recovery or not-configured mode is accepted (for lab
    /// devices; production verifiers leave this `false`).
    pub allow_non_normal_mode: bool,
    /// The time to check validity periods against, in seconds since the Unix epoch; `None`
    /// skips the check (device certificates are valid from 2018 to 9999, but a CA's own may
    /// be shorter).
    pub now: Option<u64>,
}

/// A device's verified attestation: what the chain says about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attestation {
    /// The root the chain ends at (its index in the roots given).
    pub root_index: usize,
    /// The identity algorithm of the device's keys.
    pub algorithm: SignatureAlgorithm,
    /// The DeviceID key's id.
    pub device_id: [u8; ID_LEN],
    /// The device's UEID.
    pub ueid: [u8; UEID_LEN],
    /// The Alias key's id.
    pub alias_id: [u8; ID_LEN],
    /// The vendor and model the Alias certificate names.
    pub vendor: String,
    /// The model.
    pub model: String,
    /// The running firmware's security version.
    pub security_version: u64,
    /// The DICE layer of the Alias certificate.
    pub layer: u64,
    /// The running firmware's image id.
    pub image_id: [u8; 32],
    /// The mode.
    pub mode: Mode,
}

/// One parsed certificate with what the chain checks need.
struct Parsed {
    cert: Certificate,
    tbs_der: Vec<u8>,
    sig_alg: SignatureAlgorithm,
    key_alg: Option<SignatureAlgorithm>,
    public_key: Vec<u8>,
    subject_der: Vec<u8>,
    issuer_der: Vec<u8>,
    ski: Option<Vec<u8>>,
    aki: Option<Vec<u8>>,
    ca: bool,
    key_usage: u8,
    ueid: Option<Vec<u8>>,
    tcb: Option<TcbValues>,
    nonce: Option<Vec<u8>>,
}

struct TcbValues {
    vendor: String,
    model: String,
    svn: u64,
    layer: u64,
    image_id: [u8; 32],
    mode: Mode,
}

fn signature_algorithm(oid: &ObjectIdentifier) -> Result<SignatureAlgorithm> {
    match Algorithm::from_oid(oid) {
        Some(Algorithm::Signature(a)) if is_identity_algorithm(a) => Ok(a),
        _ => Err(err(IdentityError::UnsupportedAlgorithm)),
    }
}

fn mode_of(flags: BitStringRef<'_>) -> Result<Mode> {
    let b = flags.raw_bytes().first().copied().unwrap_or(0);
    if flags.raw_bytes().len() > 1 {
        return Err(malformed());
    }
    Ok(match b {
        0 => Mode::Normal,
        0x80 => Mode::NotConfigured,
        0x20 => Mode::Recovery,
        0x10 => Mode::Debug,
        _ => return Err(err(IdentityError::WrongMode)),
    })
}

fn parse_tcb(value: &[u8]) -> Result<TcbValues> {
    let t = TcbInfoDer::from_der(value).map_err(|_| malformed())?;
    let s = |v: Option<Utf8StringRef<'_>>| v.map(|s| s.as_str().to_string()).unwrap_or_default();
    let fwid = t.fwids.ok_or_else(malformed)?.0;
    if fwid.hash_alg != OID_SHA256 {
        return Err(malformed());
    }
    let image_id: [u8; 32] = fwid.digest.as_bytes().try_into().map_err(|_| malformed())?;
    Ok(TcbValues {
        vendor: s(t.vendor),
        model: s(t.model),
        svn: t.svn.ok_or_else(malformed)?,
        layer: t.layer.unwrap_or(0),
        image_id,
        // Fail closed: a TcbInfo without operational flags is not taken for normal mode.
        mode: mode_of(t.flags.ok_or_else(malformed)?)?,
    })
}

fn parse(der: &[u8]) -> Result<Parsed> {
    let cert = Certificate::from_der(der).map_err(|_| malformed())?;
    let tbs = cert.tbs_certificate();
    if tbs.version() != x509_cert::certificate::Version::V3 {
        return Err(malformed());
    }
    if tbs.signature() != cert.signature_algorithm() || tbs.signature().parameters.is_some() {
        return Err(malformed());
    }
    let sig_alg = signature_algorithm(&tbs.signature().oid)?;
    let spki_der = tbs
        .subject_public_key_info()
        .to_der()
        .map_err(|_| malformed())?;
    let pk = decode_public_key(&spki_der).map_err(|_| err(IdentityError::UnsupportedAlgorithm))?;
    let key_alg = match pk.algorithm {
        Algorithm::Signature(a) if is_identity_algorithm(a) => Some(a),
        _ => None,
    };
    let mut p = Parsed {
        tbs_der: tbs.to_der().map_err(|_| malformed())?,
        sig_alg,
        key_alg,
        public_key: pk.key.to_vec(),
        subject_der: tbs.subject().to_der().map_err(|_| malformed())?,
        issuer_der: tbs.issuer().to_der().map_err(|_| malformed())?,
        ski: None,
        aki: None,
        ca: false,
        key_usage: 0,
        ueid: None,
        tcb: None,
        nonce: None,
        cert: cert.clone(),
    };
    let mut seen: Vec<ObjectIdentifier> = Vec::new();
    for ext in tbs.extensions().map(|e| e.as_slice()).unwrap_or_default() {
        if seen.contains(&ext.extn_id) {
            return Err(malformed());
        }
        seen.push(ext.extn_id);
        let v = ext.extn_value.as_bytes();
        match ext.extn_id {
            OID_SKI => {
                p.ski = Some(
                    <&OctetStringRef>::from_der(v)
                        .map_err(|_| malformed())?
                        .as_bytes()
                        .to_vec(),
                );
            }
            OID_AKI => {
                p.aki = Some(
                    Aki::from_der(v)
                        .map_err(|_| malformed())?
                        .key_id
                        .as_bytes()
                        .to_vec(),
                );
            }
            OID_KEY_USAGE => {
                let bits = BitStringRef::from_der(v).map_err(|_| malformed())?;
                p.key_usage = bits.raw_bytes().first().copied().unwrap_or(0);
            }
            OID_BASIC_CONSTRAINTS => {
                p.ca = BasicConstraints::from_der(v)
                    .map_err(|_| malformed())?
                    .ca
                    .unwrap_or(false);
            }
            OID_UEID => {
                p.ueid = Some(
                    OneOctetString::from_der(v)
                        .map_err(|_| malformed())?
                        .value
                        .as_bytes()
                        .to_vec(),
                );
            }
            OID_TCB_INFO => p.tcb = Some(parse_tcb(v)?),
            OID_TCB_FRESHNESS => {
                p.nonce = Some(
                    OneOctetString::from_der(v)
                        .map_err(|_| malformed())?
                        .value
                        .as_bytes()
                        .to_vec(),
                );
            }
            _ if ext.critical => return Err(err(IdentityError::UnknownCriticalExtension)),
            _ => {}
        }
    }
    Ok(p)
}

/// Checks that `child` was issued by `parent`: names, key identifiers, the parent's CA
/// constraints, the validity of `child` and its signature under the parent's key.
fn check_issued(child: &Parsed, parent: &Parsed, now: Option<u64>) -> Result<()> {
    if child.issuer_der != parent.subject_der {
        return Err(err(IdentityError::BrokenChain));
    }
    if let (Some(aki), Some(ski)) = (&child.aki, &parent.ski)
        && aki != ski
    {
        return Err(err(IdentityError::BrokenChain));
    }
    if !parent.ca || parent.key_usage & KU_KEY_CERT_SIGN == 0 {
        return Err(err(IdentityError::NotACa));
    }
    let parent_alg = parent
        .key_alg
        .ok_or(err(IdentityError::UnsupportedAlgorithm))?;
    if parent_alg != child.sig_alg {
        return Err(err(IdentityError::BadSignature));
    }
    check_validity(&child.cert, now)?;
    parent_alg
        .verify(
            &parent.public_key,
            &child.tbs_der,
            b"",
            child.cert.signature().raw_bytes(),
        )
        .map_err(|_| err(IdentityError::BadSignature))
}

fn check_validity(cert: &Certificate, now: Option<u64>) -> Result<()> {
    if let Some(now) = now {
        let v = cert.tbs_certificate().validity();
        let nb = v.not_before.to_unix_duration().as_secs();
        let na = v.not_after.to_unix_duration().as_secs();
        if now < nb || now > na {
            return Err(err(IdentityError::Expired));
        }
    }
    Ok(())
}

/// Verifies a device's attestation: `roots` are the trusted manufacturer root certificates
/// (DER), `device_id_cert` and `alias_cert` the device's chain, `evidence` the evidence
/// certificate the device wrote for `nonce`. Checks, in order: every certificate parses as
/// this profile (no unknown critical extension); the DeviceID certificate chains to one of
/// the roots (`UnknownRoot` otherwise) and verifies; the Alias certificate is issued by the
/// DeviceID key and names the same device (UEID); the evidence is issued by the Alias key
/// for the Alias key itself, is not a CA, and carries `nonce`; then the Alias certificate's
/// measurements against `reference`.
///
/// # Errors
/// `Error::Identity(_)` with the first check that fails.
pub fn verify_attestation(
    roots: &[&[u8]],
    device_id_cert: &[u8],
    alias_cert: &[u8],
    evidence: &[u8],
    nonce: &[u8],
    reference: &ReferenceValues,
) -> Result<Attestation> {
    let device = parse(device_id_cert)?;
    let alias = parse(alias_cert)?;
    let ev = parse(evidence)?;
    let mut root_index = None;
    for (i, root_der) in roots.iter().enumerate() {
        let root = parse(root_der)?;
        if root.subject_der == device.issuer_der
            && match (&device.aki, &root.ski) {
                (Some(a), Some(s)) => a == s,
                _ => true,
            }
        {
            check_validity(&root.cert, reference.now)?;
            check_issued(&device, &root, reference.now)?;
            root_index = Some(i);
            break;
        }
    }
    let root_index = root_index.ok_or(err(IdentityError::UnknownRoot))?;
    check_issued(&alias, &device, reference.now)?;
    check_issued(&ev, &alias, reference.now)?;
    let algorithm = device
        .key_alg
        .ok_or(err(IdentityError::UnsupportedAlgorithm))?;
    // The evidence certifies the Alias key itself and is a leaf.
    if ev.public_key != alias.public_key || ev.subject_der != alias.subject_der {
        return Err(err(IdentityError::BrokenChain));
    }
    if ev.ca || ev.key_usage & KU_DIGITAL_SIGNATURE == 0 {
        return Err(err(IdentityError::NotACa));
    }
    if ev.nonce.as_deref() != Some(nonce) {
        return Err(err(IdentityError::BadNonce));
    }
    // The same device: the UEID of both certificates is the one of the DeviceID key.
    let want_ueid = ueid(&device.public_key);
    if device.ueid.as_deref() != Some(&want_ueid[..])
        || alias.ueid.as_deref() != Some(&want_ueid[..])
    {
        return Err(err(IdentityError::WrongDevice));
    }
    let tcb = alias.tcb.ok_or_else(malformed)?;
    if !reference.allow_non_normal_mode && tcb.mode != Mode::Normal {
        return Err(err(IdentityError::WrongMode));
    }
    if !reference.image_ids.is_empty() && !reference.image_ids.contains(&tcb.image_id) {
        return Err(err(IdentityError::MeasurementMismatch));
    }
    if tcb.svn < reference.min_security_version {
        return Err(err(IdentityError::Rollback));
    }
    Ok(Attestation {
        root_index,
        algorithm,
        device_id: id_of(&device.public_key),
        ueid: want_ueid,
        alias_id: id_of(&alias.public_key),
        vendor: tcb.vendor,
        model: tcb.model,
        security_version: tcb.svn,
        layer: tcb.layer,
        image_id: tcb.image_id,
        mode: tcb.mode,
    })
}

/// A DeviceID CSR whose proof of possession verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedCsr {
    /// The DeviceID key's algorithm.
    pub algorithm: SignatureAlgorithm,
    /// The DeviceID public key.
    pub public_key: Vec<u8>,
    /// Its id.
    pub id: [u8; ID_LEN],
}

/// Checks a DeviceID CSR (RFC 2986): it parses, its key is an identity algorithm, it is
/// signed by that key (proof of possession), and its subject is `serialNumber=<id of the key>`.
///
/// # Errors
/// `Error::Identity(MalformedCertificate | UnsupportedAlgorithm | BadSignature | BrokenChain)`.
pub fn verify_csr(csr: &[u8]) -> Result<VerifiedCsr> {
    let req = CertReq::from_der(csr).map_err(|_| malformed())?;
    if req.info.version != x509_cert::request::Version::V1 || !req.info.attributes.is_empty() {
        return Err(malformed());
    }
    if req.algorithm.parameters.is_some() {
        return Err(malformed());
    }
    let sig_alg = signature_algorithm(&req.algorithm.oid)?;
    let spki_der = req.info.public_key.to_der().map_err(|_| malformed())?;
    let pk = decode_public_key(&spki_der).map_err(|_| err(IdentityError::UnsupportedAlgorithm))?;
    if pk.algorithm != Algorithm::Signature(sig_alg) {
        return Err(err(IdentityError::BadSignature));
    }
    let info = req.info.to_der().map_err(|_| malformed())?;
    sig_alg
        .verify(pk.key, &info, b"", req.signature.raw_bytes())
        .map_err(|_| err(IdentityError::BadSignature))?;
    let id = id_of(pk.key);
    let want = super::x509::id_hex(&id);
    let subject = req.info.subject.to_der().map_err(|_| malformed())?;
    if !subject.windows(want.len()).any(|w| w == want) {
        return Err(err(IdentityError::BrokenChain));
    }
    Ok(VerifiedCsr {
        algorithm: sig_alg,
        public_key: pk.key.to_vec(),
        id,
    })
}
