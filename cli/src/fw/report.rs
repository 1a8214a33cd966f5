//! The words of messages: firmware error names, algorithm sets, device classes, header
//! fields.

use pqhybrid::SignatureAlgorithm;
use pqhybrid::firmware::{AlgorithmSet, Endorsement, FORMAT_VERSION_1, FirmwareError, Header};

use crate::error::describe;
use crate::hex;

/// `hybrid`, `ml-dsa` or `slh-dsa`.
pub fn family_name(alg: SignatureAlgorithm) -> &'static str {
    if AlgorithmSet::HYBRID_ONLY.contains(alg) {
        "hybrid"
    } else if AlgorithmSet::ML_DSA_ONLY.contains(alg) {
        "ml-dsa"
    } else if AlgorithmSet::SLH_DSA_ONLY.contains(alg) {
        "slh-dsa"
    } else {
        "-"
    }
}

/// A set, described by families where it is a union of whole families.
pub fn describe_set(set: AlgorithmSet) -> String {
    if set == AlgorithmSet::ALL {
        return "all".into();
    }
    let mut parts = Vec::new();
    let mut rest = set;
    for (name, fam) in [
        ("hybrid", AlgorithmSet::HYBRID_ONLY),
        ("ml-dsa", AlgorithmSet::ML_DSA_ONLY),
        ("slh-dsa", AlgorithmSet::SLH_DSA_ONLY),
    ] {
        if set.bits() & fam.bits() == fam.bits() {
            parts.push(name.to_owned());
            rest = AlgorithmSet::from_bits(rest.bits() & !fam.bits()).unwrap_or(AlgorithmSet::NONE);
        }
    }
    parts.extend(rest.iter().map(|a| a.name().to_owned()));
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join(",")
    }
}

/// `message [VariantName]`: every firmware rejection names its `FirmwareError` variant.
pub(super) fn tagged(message: impl std::fmt::Display, fe: FirmwareError) -> String {
    format!("{message} [{}]", fe.name())
}

/// The device classes an endorsement covers, for messages.
pub(super) fn describe_classes(e: &Endorsement<'_>) -> String {
    if e.format_version == FORMAT_VERSION_1 {
        return "every device class (format 1, unscoped)".into();
    }
    if e.any_class {
        return "every device class".into();
    }
    let list: Vec<String> = e.device_classes().map(|c| hex::format_uuid(&c.0)).collect();
    if list.is_empty() {
        "no device class".into()
    } else {
        list.join(", ")
    }
}

pub(super) fn fw_error(e: &pqhybrid::Error) -> Option<FirmwareError> {
    match e {
        pqhybrid::Error::Firmware(fe) => Some(*fe),
        _ => None,
    }
}

/// A reason without context: the firmware error's description and name, or the library error.
pub(super) fn fw_reason(e: &pqhybrid::Error) -> String {
    match fw_error(e) {
        Some(fe) => tagged(fe.description(), fe),
        None => describe(e),
    }
}

pub(super) fn push_header_fields(out: &mut String, h: &Header) {
    let sbom = h
        .sbom_digest
        .map_or_else(|| "none".to_owned(), |d| hex::encode(&d));
    out.push_str(&format!(
        "  format version     {}\n  algorithm          {}\n  signer key id      {}\n  \
         security version   {}\n  version            {}\n  device class       {}\n  \
         payload            {} bytes, {} {}\n  sbom digest        {sbom}\n",
        h.format_version,
        h.algorithm.name(),
        h.signer_key_id,
        h.security_version,
        h.version,
        hex::format_uuid(&h.device_class.0),
        h.payload_len,
        h.digest_algorithm.name(),
        hex::encode(h.payload_digest()),
    ));
}
