//! What a device accepts and how it is named on the command line: firmware algorithms and
//! families, key ids, device classes, trailer capacities, trust anchors.

use std::path::Path;

use pqhybrid::SignatureAlgorithm;
use pqhybrid::firmware::{
    self, AlgorithmSet, DEFAULT_MAX_SECURITY_VERSION, DEFAULT_TRAILER_CAPACITY, DeviceClass,
    FirmwareError, MAX_TRAILER_CAPACITY, TrustAnchor, TrustStoreEntry,
};

use super::report::tagged;
use crate::error::{CliError, Result, describe};
use crate::keys::PublicKey;
use crate::{AllowArg, hex};

/// The algorithms firmware images may be signed with.
pub fn firmware_algorithms() -> Vec<SignatureAlgorithm> {
    firmware::FIRMWARE_ALGORITHMS.to_vec()
}

/// The firmware key id of a public key.
pub fn key_id(pk: &PublicKey) -> Result<[u8; 32]> {
    firmware::key_id(pk.alg, &pk.pk)
        .map(|id| id.0)
        .map_err(|e| match e {
            pqhybrid::Error::Firmware(FirmwareError::AlgorithmNotAllowed) => CliError::usage(
                format!("{} keys cannot be used for firmware", pk.alg.name()),
            ),
            other => CliError::usage(describe(&other)),
        })
}

/// [`key_id`] of a key read from `path`; errors name the file.
pub fn key_id_of_file(pk: &PublicKey, path: &Path) -> Result<[u8; 32]> {
    key_id(pk).map_err(|e| CliError::file(path, e.message))
}

/// Fails, naming the key file `path`, unless `alg` may sign firmware images (plain Ed25519 and
/// ECDSA keys may not).
pub fn require_firmware_key(alg: SignatureAlgorithm, path: &Path) -> Result<()> {
    if firmware::algorithm_id(alg).is_some() {
        return Ok(());
    }
    Err(CliError::file(
        path,
        tagged(
            format!(
                "{} cannot sign firmware images (see `pqhybrid algs`)",
                alg.name()
            ),
            FirmwareError::AlgorithmNotAllowed,
        ),
    ))
}

/// The algorithm set named by `--allow` (empty: every firmware algorithm).
pub fn allowed_set(allow: &[AllowArg]) -> AlgorithmSet {
    if allow.is_empty() {
        return AlgorithmSet::ALL;
    }
    allow
        .iter()
        .fold(AlgorithmSet::NONE, |set, a| set.union(family_set(*a)))
}

fn family_set(a: AllowArg) -> AlgorithmSet {
    match a {
        AllowArg::Hybrid => AlgorithmSet::HYBRID_ONLY,
        AllowArg::MlDsa => AlgorithmSet::ML_DSA_ONLY,
        AllowArg::SlhDsa => AlgorithmSet::SLH_DSA_ONLY,
        AllowArg::All => AlgorithmSet::ALL,
    }
}

/// Parses `--device-class`.
pub fn parse_device_class(text: &str) -> Result<DeviceClass> {
    hex::parse_device_class(text)
        .map(DeviceClass)
        .ok_or_else(|| {
            CliError::usage(format!(
                "--device-class `{text}`: expected 32 hex digits or a UUID (8-4-4-4-12)"
            ))
        })
}

/// Parses `--trailer-capacity`: a number of bytes, optionally with a `K` / `KiB` suffix (×1024),
/// or `max`; from 1 to [`MAX_TRAILER_CAPACITY`].
pub fn parse_trailer_capacity(text: &str) -> std::result::Result<usize, String> {
    let t = text.trim().to_ascii_lowercase();
    let n = if t == "max" {
        MAX_TRAILER_CAPACITY
    } else {
        let (digits, scale) = match t.strip_suffix("kib").or_else(|| t.strip_suffix('k')) {
            Some(d) => (d.trim_end(), 1024usize),
            None => (t.as_str(), 1),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "`{text}` is not a size in bytes (for example 16384, 32K or max)"
            ));
        }
        digits
            .parse::<usize>()
            .ok()
            .and_then(|v| v.checked_mul(scale))
            .ok_or_else(|| format!("`{text}` is too large"))?
    };
    if n == 0 {
        return Err("the trailer capacity must be at least 1 byte".into());
    }
    if n > MAX_TRAILER_CAPACITY {
        return Err(format!(
            "{n} bytes is above {MAX_TRAILER_CAPACITY}, the largest signature block any image can \
             have (use `max`)"
        ));
    }
    Ok(n)
}

/// What to verify against: the device's policy.
pub struct VerifyRequest<'a> {
    /// The trust anchors.
    pub anchors: &'a [TrustAnchor],
    /// The device's anti-rollback counter.
    pub min_security_version: u64,
    /// The largest security version the device's counter can store.
    pub max_security_version: u64,
    /// The device's class; `None` takes the image's own (and checks nothing).
    pub device_class: Option<DeviceClass>,
    /// The algorithms accepted for image signatures.
    pub allowed: AlgorithmSet,
    /// The algorithms a root may endorse release keys with.
    pub endorse_allowed: AlgorithmSet,
    /// Whether format-1 images are accepted.
    pub accept_v1: bool,
    /// Whether images with an encrypted payload are accepted (`verify --accept-encrypted`,
    /// and always by `decrypt`).
    pub accept_encrypted: bool,
    /// The device verifier's trailer capacity (1 to [`MAX_TRAILER_CAPACITY`]).
    pub trailer_capacity: usize,
}

impl<'a> VerifyRequest<'a> {
    /// A request with the defaults of a device: minimum security version 0, maximum
    /// [`DEFAULT_MAX_SECURITY_VERSION`], the image's own class, every algorithm, format 2 only,
    /// no encrypted payloads, [`DEFAULT_TRAILER_CAPACITY`].
    pub fn new(anchors: &'a [TrustAnchor]) -> Self {
        Self {
            anchors,
            min_security_version: 0,
            max_security_version: DEFAULT_MAX_SECURITY_VERSION,
            device_class: None,
            allowed: AlgorithmSet::ALL,
            endorse_allowed: AlgorithmSet::ALL,
            accept_v1: false,
            accept_encrypted: false,
            trailer_capacity: DEFAULT_TRAILER_CAPACITY,
        }
    }
}

/// The library's trust anchors for a trust store's lines.
pub fn fw_anchors(anchors: &[TrustStoreEntry]) -> Vec<TrustAnchor> {
    anchors.iter().map(TrustStoreEntry::anchor).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailer_capacities() {
        for (text, want) in [
            ("16384", 16_384),
            ("16K", 16_384),
            ("16k", 16_384),
            ("32KiB", 32_768),
            (" 21683 ", 21_683),
            ("1", 1),
            ("max", MAX_TRAILER_CAPACITY),
            ("MAX", MAX_TRAILER_CAPACITY),
        ] {
            assert_eq!(parse_trailer_capacity(text), Ok(want), "{text}");
        }
        let too_big = (MAX_TRAILER_CAPACITY + 1).to_string();
        for bad in [
            "",
            "0",
            "0K",
            "K",
            "-1",
            "+5",
            "1.5",
            "16M",
            "abc",
            too_big.as_str(),
        ] {
            assert!(parse_trailer_capacity(bad).is_err(), "{bad}");
        }
        assert!(parse_trailer_capacity("99999999999999999999999").is_err());
        assert!(parse_trailer_capacity(&format!("{}K", usize::MAX)).is_err());
    }
}
