//! Device identity (`pqhybrid::identity`): the verifier's side. `verifyAttestation` checks a
//! device's DICE chain (trusted root → DeviceID → Alias → evidence) against a nonce and
//! reference values, `verifyCsr` a DeviceID CSR's proof of possession; both are the core's
//! `verify_attestation` / `verify_csr`. `describeCertificate` decodes one certificate for
//! display (names, keys, key usage, and the TCG DICE extensions): the core has no public
//! parser for that, so it is done here with `x509-cert` (already linked for the verifier) and a
//! few `der` structures. It does not verify anything.
//!
//! Every certificate and CSR input is DER or PEM: a `Uint8Array` (DER, or the bytes of a PEM
//! file) or a string (PEM).

use der::asn1::{AnyRef, BitStringRef, ObjectIdentifier, OctetStringRef};
use der::{Decode, Encode, Reader, Sequence, SliceReader, Tag, Tagged};
use js_sys::{Array, Date, Uint8Array};
use pqhybrid::SignatureAlgorithm;
use pqhybrid::encoding::{Algorithm, decode_public_key};
use pqhybrid::error::IdentityError;
use pqhybrid::identity::{
    self as id, Mode, OID_SHA256, OID_TCB_FRESHNESS, OID_TCB_INFO, OID_UEID, ReferenceValues,
};
use wasm_bindgen::prelude::*;
use x509_cert::Certificate;
use x509_cert::name::Name;

use crate::util::{
    JsResult, Obj, bigint, fixed_bytes, get, hex, invalid_arg, js_error, str_array, to_u64, unhex,
};

#[wasm_bindgen(typescript_custom_section)]
const TS_IDENTITY: &'static str = r#"
/** A certificate or CSR: DER bytes, the bytes of a PEM file, or PEM text. */
export type CertificateInput = Uint8Array | string;

/** The DICE mode of the firmware a device runs (TcbInfo `flags`). */
export type IdentityMode = "normal" | "debug" | "recovery" | "notConfigured";

export interface AttestationOptions {
  /** The trusted manufacturer root certificates (one certificate each). */
  roots: CertificateInput[];
  /** The device's DeviceID certificate, issued by one of the roots. */
  deviceIdCert: CertificateInput;
  /** The Alias certificate, issued by the DeviceID key (TcbInfo, UEID). */
  aliasCert: CertificateInput;
  /** The evidence the device wrote for `nonce` (issued by the Alias key, TcbFreshness). */
  evidence: CertificateInput;
  /** The verifier's nonce: bytes or hex (1 to 64 bytes). */
  nonce: Uint8Array | string;
  /** The image ids accepted (32 bytes or 64 hex digits each). Default: any image. */
  imageIds?: (Uint8Array | string)[];
  /** Anti-rollback: a lower security version is `Identity.Rollback`. Default 0. */
  minSecurityVersion?: number | bigint;
  /** Accept debug, recovery and not-configured devices (lab use). Default false. */
  allowNonNormalMode?: boolean;
  /**
   * The time to check validity periods against: seconds since the Unix epoch (number or
   * bigint) or a Date. Default: not checked (device certificates are valid 2018 to 9999).
   */
  now?: number | bigint | Date;
}

/** A device's verified attestation. Ids are lowercase hex. */
export interface Attestation {
  valid: true;
  /** The identity algorithm of the device's keys. */
  algorithm: SignatureAlgorithmName;
  /** The index in `roots` of the root the chain ends at. */
  rootIndex: number;
  /** The DeviceID key's id (20 bytes): its certificate's serial number and subject. */
  deviceId: string;
  /** The device's UEID (33 bytes: 0x01 ‖ SHA-256 of the DeviceID public key). */
  ueid: string;
  /** The Alias key's id (20 bytes). */
  aliasId: string;
  vendor: string;
  model: string;
  /** The running firmware's security version. */
  securityVersion: bigint;
  /** The DICE layer of the Alias certificate (1: the firmware the bootloader booted). */
  layer: number;
  /** The running firmware's image id (the firmware verifier's `imageId`, 32 bytes). */
  imageId: string;
  mode: IdentityMode;
}

/** A DeviceID CSR whose proof of possession verified. */
export interface VerifiedCsr {
  algorithm: SignatureAlgorithmName;
  publicKey: Uint8Array;
  /** The key's id (20 bytes, hex): the `deviceId` of its attestations. */
  id: string;
}

/** The TCG DiceTcbInfo of an Alias certificate. */
export interface TcbInfo {
  vendor: string | null;
  model: string | null;
  /** The firmware's security version. */
  svn: bigint | null;
  layer: number | null;
  /** The SHA-256 FWID: the image id (hex). */
  imageId: string | null;
  /** From the operational flags; null for a combination that is not one mode. */
  mode: IdentityMode | null;
}

export interface CertificateExtension {
  oid: string;
  /** "keyUsage", "tcg-dice-TcbInfo", …; null for an extension this package does not know. */
  name: string | null;
  critical: boolean;
}

/** What a certificate says (nothing is verified). Byte strings are lowercase hex. */
export interface CertificateDescription {
  /** The subject name, in certificate order ("CN=…, serialNumber=…"). */
  subject: string;
  issuer: string;
  /** subject and issuer are the same name (a root, or an evidence). */
  selfIssued: boolean;
  serial: string;
  /** The algorithm name, or the OID when this package does not know it. */
  signatureAlgorithm: SignatureAlgorithmName | string;
  keyAlgorithm: SignatureAlgorithmName | KemAlgorithmName | string;
  /** The Open DICE id of the public key (20 bytes; `deviceId` / `aliasId`); null if not decoded. */
  keyId: string | null;
  /** Seconds since the Unix epoch. */
  notBefore: number;
  notAfter: number;
  isCa: boolean;
  /** The keyUsage bits set ("digitalSignature", "keyCertSign", …); empty without the extension. */
  keyUsage: string[];
  subjectKeyId: string | null;
  authorityKeyId: string | null;
  /** tcg-dice-TcbInfo (Alias certificates). */
  tcbInfo: TcbInfo | null;
  /** tcg-dice-Ueid (DeviceID and Alias certificates). */
  ueid: string | null;
  /** tcg-dice-TcbFreshness: the verifier's nonce (evidence). */
  nonce: string | null;
  extensions: CertificateExtension[];
}
"#;

// ---------------------------------------------------------------------------------------------
// Inputs

fn malformed(message: &str) -> JsValue {
    js_error(
        &format!("Identity.{}", IdentityError::MalformedCertificate.name()),
        message,
    )
}

/// A certificate or CSR as DER: a `Uint8Array` of DER or of PEM text, or a PEM string. PEM
/// must carry one of `labels`.
fn der_of(v: &JsValue, what: &str, labels: &[&str]) -> Result<Vec<u8>, JsValue> {
    let bytes = if let Some(s) = v.as_string() {
        s.into_bytes()
    } else if v.is_instance_of::<Uint8Array>() {
        Uint8Array::from(v.clone()).to_vec()
    } else {
        return Err(invalid_arg(&format!(
            "{what} must be a Uint8Array (DER or PEM) or a PEM string"
        )));
    };
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let text = bytes.get(start..).unwrap_or_default();
    if !text.starts_with(b"-----BEGIN ") {
        if v.is_string() {
            return Err(malformed(&format!("{what}: a string must be PEM text")));
        }
        return Ok(bytes);
    }
    match der::pem::decode_vec(text) {
        Ok((label, der)) if labels.contains(&label) => Ok(der),
        Ok((label, _)) => Err(malformed(&format!(
            "{what}: PEM label is {label:?}, expected {}",
            labels.join(" or ")
        ))),
        Err(_) => Err(malformed(&format!("{what}: invalid PEM"))),
    }
}

const CERT_LABELS: &[&str] = &["CERTIFICATE"];
const CSR_LABELS: &[&str] = &["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"];

fn required(o: &JsValue, k: &str) -> Result<JsValue, JsValue> {
    let v = get(o, k);
    if v.is_undefined() || v.is_null() {
        return Err(invalid_arg(&format!("{k} is required")));
    }
    Ok(v)
}

/// Bytes given as a `Uint8Array` or hex.
fn bytes_or_hex(v: &JsValue, what: &str) -> Result<Vec<u8>, JsValue> {
    if v.is_instance_of::<Uint8Array>() {
        return Ok(Uint8Array::from(v.clone()).to_vec());
    }
    v.as_string()
        .and_then(|s| unhex(s.trim()))
        .ok_or_else(|| invalid_arg(&format!("{what} must be a Uint8Array or hex digits")))
}

/// `now`: seconds since the epoch (number, floored, or bigint) or a `Date`.
fn time_of(v: &JsValue) -> Result<u64, JsValue> {
    if v.is_instance_of::<Date>() {
        let ms = Date::from(v.clone()).get_time();
        if ms.is_finite() && ms >= 0.0 {
            return Ok((ms / 1000.0) as u64);
        }
        return Err(invalid_arg("now: invalid or negative Date"));
    }
    if let Some(n) = v.as_f64()
        && n.is_finite()
        && n >= 0.0
    {
        return to_u64(&JsValue::from_f64(n.floor()), "now");
    }
    to_u64(v, "now")
}

fn reference_of(o: &JsValue) -> Result<ReferenceValues, JsValue> {
    let mut r = ReferenceValues::default();
    let ids = get(o, "imageIds");
    if !(ids.is_undefined() || ids.is_null()) {
        if !Array::is_array(&ids) {
            return Err(invalid_arg(
                "imageIds must be an array of image ids (32 bytes or 64 hex digits each)",
            ));
        }
        for v in Array::from(&ids).iter() {
            r.image_ids.push(fixed_bytes::<32>(&v, "imageIds[]")?);
        }
    }
    let msv = get(o, "minSecurityVersion");
    if !msv.is_undefined() {
        r.min_security_version = to_u64(&msv, "minSecurityVersion")?;
    }
    let non_normal = get(o, "allowNonNormalMode");
    if !non_normal.is_undefined() {
        r.allow_non_normal_mode = non_normal
            .as_bool()
            .ok_or_else(|| invalid_arg("allowNonNormalMode must be a boolean"))?;
    }
    let now = get(o, "now");
    if !(now.is_undefined() || now.is_null()) {
        r.now = Some(time_of(&now)?);
    }
    Ok(r)
}

fn mode_name(m: Mode) -> &'static str {
    match m {
        Mode::Normal => "normal",
        Mode::Debug => "debug",
        Mode::Recovery => "recovery",
        Mode::NotConfigured => "notConfigured",
    }
}

// ---------------------------------------------------------------------------------------------
// Verification

/// Verifies a device's attestation: the DeviceID certificate chains to one of `roots`, the
/// Alias certificate is issued by the DeviceID key for the same device, the evidence is issued
/// by the Alias key and carries `nonce`, and the firmware the Alias certificate describes
/// passes the reference values. Throws `Identity.<reason>` for the first check that fails.
#[wasm_bindgen(js_name = verifyAttestation, unchecked_return_type = "Attestation")]
pub fn verify_attestation(
    #[wasm_bindgen(unchecked_param_type = "AttestationOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    if !options.is_object() {
        return Err(invalid_arg("verifyAttestation options must be an object"));
    }
    let roots_v = required(&options, "roots")?;
    if !Array::is_array(&roots_v) {
        return Err(invalid_arg(
            "roots must be an array of certificates (DER or PEM)",
        ));
    }
    let roots = Array::from(&roots_v)
        .iter()
        .enumerate()
        .map(|(i, r)| der_of(&r, &format!("roots[{i}]"), CERT_LABELS))
        .collect::<Result<Vec<_>, _>>()?;
    let device = der_of(
        &required(&options, "deviceIdCert")?,
        "deviceIdCert",
        CERT_LABELS,
    )?;
    let alias = der_of(&required(&options, "aliasCert")?, "aliasCert", CERT_LABELS)?;
    let evidence = der_of(&required(&options, "evidence")?, "evidence", CERT_LABELS)?;
    let nonce = bytes_or_hex(&required(&options, "nonce")?, "nonce")?;
    let reference = reference_of(&options)?;
    let root_refs: Vec<&[u8]> = roots.iter().map(Vec::as_slice).collect();
    let a =
        id::verify_attestation(&root_refs, &device, &alias, &evidence, &nonce, &reference).js()?;
    Ok(Obj::new()
        .with("valid", true)
        .with("algorithm", a.algorithm.name())
        .with("rootIndex", a.root_index as f64)
        .with("deviceId", hex(&a.device_id))
        .with("ueid", hex(&a.ueid))
        .with("aliasId", hex(&a.alias_id))
        .with("vendor", a.vendor.as_str())
        .with("model", a.model.as_str())
        .with("securityVersion", bigint(a.security_version))
        .with("layer", a.layer as f64)
        .with("imageId", hex(&a.image_id))
        .with("mode", mode_name(a.mode))
        .into_js())
}

/// Checks a DeviceID CSR (PKCS#10, DER or PEM): its key is an identity algorithm, it is signed
/// by that key, and its subject names the key's id. Returns `{algorithm, publicKey, id}`.
#[wasm_bindgen(js_name = verifyCsr, unchecked_return_type = "VerifiedCsr")]
pub fn verify_csr(
    #[wasm_bindgen(unchecked_param_type = "CertificateInput")] csr: JsValue,
) -> Result<JsValue, JsValue> {
    let der = der_of(&csr, "csr", CSR_LABELS)?;
    let v = id::verify_csr(&der).js()?;
    Ok(Obj::new()
        .with("algorithm", v.algorithm.name())
        .bytes("publicKey", &v.public_key)
        .with("id", hex(&v.id))
        .into_js())
}

/// Every identity rejection code (`"Identity.BadNonce"`, …).
#[wasm_bindgen(js_name = identityErrorCodes, unchecked_return_type = "IdentityErrorCode[]")]
pub fn identity_error_codes() -> JsValue {
    let arr = Array::new();
    for e in IdentityError::ALL {
        arr.push(&JsValue::from(format!("Identity.{}", e.name())));
    }
    arr.into()
}

/// The algorithms a device identity may use (ML-DSA and the composites).
#[wasm_bindgen(js_name = identityAlgorithms, unchecked_return_type = "SignatureAlgorithmName[]")]
pub fn identity_algorithms() -> JsValue {
    str_array(
        SignatureAlgorithm::ALL
            .iter()
            .filter(|a| id::is_identity_algorithm(**a))
            .map(|a| a.name()),
    )
}

// ---------------------------------------------------------------------------------------------
// Description

const OID_AKI: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.35");
const OID_SKI: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");
const OID_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");
const OID_BASIC_CONSTRAINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");

/// The extensions `describeCertificate` names.
const EXTENSION_NAMES: [(ObjectIdentifier, &str); 7] = [
    (OID_AKI, "authorityKeyIdentifier"),
    (OID_SKI, "subjectKeyIdentifier"),
    (OID_KEY_USAGE, "keyUsage"),
    (OID_BASIC_CONSTRAINTS, "basicConstraints"),
    (OID_TCB_INFO, "tcg-dice-TcbInfo"),
    (OID_UEID, "tcg-dice-Ueid"),
    (OID_TCB_FRESHNESS, "tcg-dice-TcbFreshness"),
];

/// Short names of the attribute types of names (RFC 4514 and X.520); others print as OIDs.
const ATTRIBUTE_NAMES: [(ObjectIdentifier, &str); 7] = [
    (ObjectIdentifier::new_unwrap("2.5.4.3"), "CN"),
    (ObjectIdentifier::new_unwrap("2.5.4.5"), "serialNumber"),
    (ObjectIdentifier::new_unwrap("2.5.4.6"), "C"),
    (ObjectIdentifier::new_unwrap("2.5.4.7"), "L"),
    (ObjectIdentifier::new_unwrap("2.5.4.8"), "ST"),
    (ObjectIdentifier::new_unwrap("2.5.4.10"), "O"),
    (ObjectIdentifier::new_unwrap("2.5.4.11"), "OU"),
];

/// keyUsage bits (RFC 5280 §4.2.1.3), bit 0 first.
const KEY_USAGES: [&str; 9] = [
    "digitalSignature",
    "nonRepudiation",
    "keyEncipherment",
    "dataEncipherment",
    "keyAgreement",
    "keyCertSign",
    "cRLSign",
    "encipherOnly",
    "decipherOnly",
];

/// `SEQUENCE { OCTET STRING }`: `TcgUeid` and `TcbFreshness`.
#[derive(Sequence)]
struct OneOctetString<'a> {
    value: &'a OctetStringRef,
}

/// `FWID ::= SEQUENCE { hashAlg OBJECT IDENTIFIER, digest OCTET STRING }`.
#[derive(Sequence)]
struct Fwid<'a> {
    hash_alg: ObjectIdentifier,
    digest: &'a OctetStringRef,
}

/// `BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER OPTIONAL }`.
#[derive(Sequence)]
struct BasicConstraints {
    #[asn1(optional = "true")]
    ca: Option<bool>,
    #[asn1(optional = "true")]
    _path_len: Option<u32>,
}

fn context_number(tag: Tag) -> Option<u32> {
    match tag {
        Tag::ContextSpecific { number, .. } => Some(number.value()),
        _ => None,
    }
}

/// The content of a DER INTEGER as `u64`, if non-negative and small enough.
fn uint(bytes: &[u8]) -> Option<u64> {
    let b = match bytes {
        [0, rest @ ..] if !rest.is_empty() => rest,
        [first, ..] if first & 0x80 != 0 => return None,
        b => b,
    };
    if b.is_empty() || b.len() > 8 {
        return None;
    }
    Some(b.iter().fold(0u64, |acc, x| (acc << 8) | u64::from(*x)))
}

/// `OperationalFlags` (the content of the BIT STRING, unused-bits byte first) as a mode.
fn mode_of_flags(content: &[u8]) -> Option<Mode> {
    match content {
        [_] | [_, 0] => Some(Mode::Normal),
        [_, 0x80] => Some(Mode::NotConfigured),
        [_, 0x20] => Some(Mode::Recovery),
        [_, 0x10] => Some(Mode::Debug),
        _ => None,
    }
}

/// `DiceTcbInfo` (TCG DICE Attestation Architecture), leniently: every field this profile
/// writes, the others skipped.
fn tcb_info(value: &[u8]) -> der::Result<JsValue> {
    let fields: Vec<AnyRef<'_>> = Vec::decode(&mut SliceReader::new(value)?)?;
    let text = |v: &[u8]| JsValue::from(String::from_utf8_lossy(v).into_owned());
    let mut o = Obj::new()
        .with("vendor", JsValue::NULL)
        .with("model", JsValue::NULL)
        .with("svn", JsValue::NULL)
        .with("layer", JsValue::NULL)
        .with("imageId", JsValue::NULL)
        .with("mode", "normal");
    for f in fields {
        let v = f.value();
        let int = || uint(v).ok_or_else(|| der::Error::from(der::ErrorKind::Overflow));
        o = match context_number(f.tag()) {
            Some(0) => o.with("vendor", text(v)),
            Some(1) => o.with("model", text(v)),
            Some(3) => o.with("svn", bigint(int()?)),
            Some(4) => o.with("layer", int()? as f64),
            Some(6) => {
                let mut r = SliceReader::new(v)?;
                let mut image_id = None;
                while !r.is_finished() {
                    let fwid = Fwid::decode(&mut r)?;
                    if fwid.hash_alg == OID_SHA256 && image_id.is_none() {
                        image_id = Some(hex(fwid.digest.as_bytes()));
                    }
                }
                o.with(
                    "imageId",
                    image_id.map(JsValue::from).unwrap_or(JsValue::NULL),
                )
            }
            Some(7) => o.with(
                "mode",
                mode_of_flags(v)
                    .map(|m| JsValue::from(mode_name(m)))
                    .unwrap_or(JsValue::NULL),
            ),
            _ => o,
        };
    }
    Ok(o.into_js())
}

/// A name in certificate order, `type=value` joined by ", " (`+` within an RDN); values that
/// are not strings as `#` and the hex of their DER.
fn name_text(name: &Name) -> String {
    let mut out = String::new();
    for (i, rdn) in name.iter_rdn().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        for (j, atv) in rdn.iter().enumerate() {
            if j > 0 {
                out.push('+');
            }
            match ATTRIBUTE_NAMES.iter().find(|(oid, _)| *oid == atv.oid) {
                Some((_, n)) => out.push_str(n),
                None => out.push_str(&atv.oid.to_string()),
            }
            out.push('=');
            let string = matches!(
                atv.value.tag(),
                Tag::PrintableString | Tag::Utf8String | Tag::Ia5String
            );
            match core::str::from_utf8(atv.value.value()) {
                Ok(s) if string => out.push_str(s),
                _ => {
                    out.push('#');
                    out.push_str(&hex(&atv.value.to_der().unwrap_or_default()));
                }
            }
        }
    }
    out
}

fn algorithm_name(oid: &ObjectIdentifier) -> String {
    match Algorithm::from_oid(oid) {
        Some(a) => a.name().into(),
        None => oid.to_string(),
    }
}

fn ext_error(name: &str) -> impl Fn(der::Error) -> JsValue + '_ {
    move |_| malformed(&format!("the {name} extension does not decode"))
}

/// Describes a certificate (DER or PEM) for display: names, serial, algorithms, validity, key
/// usage, the key identifiers and the TCG DICE extensions (TcbInfo, UEID, TcbFreshness).
/// Verifies nothing. Throws `Identity.MalformedCertificate` for what does not parse.
#[wasm_bindgen(js_name = describeCertificate, unchecked_return_type = "CertificateDescription")]
pub fn describe_certificate(
    #[wasm_bindgen(unchecked_param_type = "CertificateInput")] certificate: JsValue,
) -> Result<JsValue, JsValue> {
    let der = der_of(&certificate, "certificate", CERT_LABELS)?;
    let cert =
        Certificate::from_der(&der).map_err(|_| malformed("not an X.509 certificate (DER)"))?;
    let tbs = cert.tbs_certificate();
    let spki = tbs.subject_public_key_info();
    let key = spki.to_der().ok();
    let key = key.as_deref().and_then(|d| decode_public_key(d).ok());
    let key_algorithm = match &key {
        Some(k) => k.algorithm.name().to_string(),
        None => spki.algorithm.oid.to_string(),
    };
    let subject = name_text(tbs.subject());
    let issuer = name_text(tbs.issuer());
    let validity = tbs.validity();
    let mut o = Obj::new()
        .with("selfIssued", subject == issuer)
        .with("subject", subject)
        .with("issuer", issuer)
        .with("serial", hex(tbs.serial_number().as_bytes()))
        .with(
            "signatureAlgorithm",
            algorithm_name(&cert.signature_algorithm().oid),
        )
        .with("keyAlgorithm", key_algorithm)
        .with(
            "keyId",
            key.map(|k| JsValue::from(hex(&id::id_of(k.key))))
                .unwrap_or(JsValue::NULL),
        )
        .with(
            "notBefore",
            validity.not_before.to_unix_duration().as_secs() as f64,
        )
        .with(
            "notAfter",
            validity.not_after.to_unix_duration().as_secs() as f64,
        );
    let mut is_ca = false;
    let mut usage: Vec<&str> = Vec::new();
    let (mut ski, mut aki, mut tcb, mut ueid, mut nonce) = (
        JsValue::NULL,
        JsValue::NULL,
        JsValue::NULL,
        JsValue::NULL,
        JsValue::NULL,
    );
    let list = Array::new();
    for ext in tbs.extensions().map(|e| e.as_slice()).unwrap_or_default() {
        let v = ext.extn_value.as_bytes();
        let name = EXTENSION_NAMES
            .iter()
            .find(|(oid, _)| *oid == ext.extn_id)
            .map(|(_, n)| *n);
        list.push(
            &Obj::new()
                .with("oid", ext.extn_id.to_string())
                .with("name", name.map(JsValue::from).unwrap_or(JsValue::NULL))
                .with("critical", ext.critical)
                .into_js(),
        );
        let Some(name) = name else { continue };
        let bad = ext_error(name);
        match ext.extn_id {
            OID_SKI => ski = hex(<&OctetStringRef>::from_der(v).map_err(&bad)?.as_bytes()).into(),
            OID_AKI => {
                // `SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING OPTIONAL, … }`.
                let fields: Vec<AnyRef<'_>> = Vec::from_der(v).map_err(&bad)?;
                if let Some(k) = fields.iter().find(|f| context_number(f.tag()) == Some(0)) {
                    aki = hex(k.value()).into();
                }
            }
            OID_KEY_USAGE => {
                let bits = BitStringRef::from_der(v).map_err(&bad)?;
                usage = bits
                    .bits()
                    .zip(KEY_USAGES)
                    .filter_map(|(set, n)| set.then_some(n))
                    .collect();
            }
            OID_BASIC_CONSTRAINTS => {
                is_ca = BasicConstraints::from_der(v)
                    .map_err(&bad)?
                    .ca
                    .unwrap_or(false);
            }
            OID_TCB_INFO => tcb = tcb_info(v).map_err(&bad)?,
            OID_UEID => {
                ueid = hex(OneOctetString::from_der(v).map_err(&bad)?.value.as_bytes()).into()
            }
            OID_TCB_FRESHNESS => {
                nonce = hex(OneOctetString::from_der(v).map_err(&bad)?.value.as_bytes()).into();
            }
            _ => {}
        }
    }
    o = o
        .with("isCa", is_ca)
        .with("keyUsage", str_array(usage.into_iter()))
        .with("subjectKeyId", ski)
        .with("authorityKeyId", aki)
        .with("tcbInfo", tcb)
        .with("ueid", ueid)
        .with("nonce", nonce)
        .with("extensions", list);
    Ok(o.into_js())
}
