//! `pqhybrid endorse`: a root key delegates image signing to a release key.

use std::fs;
use std::path::Path;

use pqhybrid::firmware::{
    self, ClassScope, DEFAULT_TRAILER_CAPACITY, DeviceClass, EndorsementParams, FirmwareError,
    MAX_ENDORSED_CLASSES,
};
use pqhybrid::rng::OsRng;

use super::policy::{allowed_set, key_id, parse_device_class};
use super::report::{describe_set, fw_error, fw_reason, tagged};
use crate::error::{CliError, Result};
use crate::keys::{PrivateKey, PublicKey};
use crate::out::errln;
use crate::{EndorseArgs, hex};

/// `pqhybrid endorse`.
pub fn endorse(a: &EndorseArgs) -> Result<()> {
    let classes = parse_endorsed_classes(&a.device_class, &a.out)?;
    let scope = if a.any_class {
        ClassScope::Any
    } else if classes.is_empty() {
        return Err(CliError::file(
            &a.out,
            "not written: pass --device-class ID (up to 8 times) or --any-class",
        ));
    } else {
        ClassScope::Only(&classes)
    };
    let allowed = allowed_set(&a.allow);
    let mut params = EndorsementParams::new(
        a.min_security_version,
        a.max_security_version,
        allowed,
        scope,
    );
    params.security_version_limit = if a.force {
        u64::MAX
    } else {
        a.security_version_limit
    };
    let root = PrivateKey::load(&a.root_key)?;
    let release = PublicKey::load(&a.release_pubkey)?;
    let record = endorse_key(&root, &release, &params, a.security_version_limit, &a.out)?;
    fs::write(&a.out, &record).map_err(|e| CliError::io(&a.out, &e))?;
    let scope_text = match scope {
        ClassScope::Any => "every device class".to_owned(),
        ClassScope::Only(list) => list
            .iter()
            .map(|c| hex::format_uuid(&c.0))
            .collect::<Vec<_>>()
            .join(", "),
    };
    errln!(
        "wrote endorsement ({} bytes) to {}: root {} ({}) endorses release key {} ({}) for \
         security versions {}..={}, algorithms {}, device classes: {scope_text}",
        record.len(),
        a.out.display(),
        hex::encode(&key_id(&root.public_key()?)?),
        root.alg.name(),
        hex::encode(&key_id(&release)?),
        release.alg.name(),
        a.min_security_version,
        a.max_security_version,
        describe_set(allowed)
    );
    if a.max_security_version > a.security_version_limit {
        errln!(
            "warning: {}: security versions up to {} exceed --security-version-limit {} \
             (endorsed because of --force): a device whose counter cannot store them rejects \
             such images or truncates the value",
            a.out.display(),
            a.max_security_version,
            a.security_version_limit
        );
    }
    // Every image the release key signs with this record has exactly this signature block
    // (the image signature is padded to the algorithm's maximum).
    let trailer = firmware::trailer_len(release.alg, record.len());
    if trailer > DEFAULT_TRAILER_CAPACITY {
        errln!(
            "warning: {}: images signed by the {} release key with this endorsement have a \
             {trailer}-byte signature block, over the default trailer capacity of \
             {DEFAULT_TRAILER_CAPACITY} bytes: devices with the default verifier (Rust default, C \
             API) reject them with TrailerTooLarge",
            a.out.display(),
            release.alg.name()
        );
    }
    Ok(())
}

/// Parses the `--device-class` values of `endorse`: 1 to 8 distinct classes (none for
/// `--any-class`). Errors name the output file.
fn parse_endorsed_classes(texts: &[String], out: &Path) -> Result<Vec<DeviceClass>> {
    if texts.len() > MAX_ENDORSED_CLASSES {
        return Err(CliError::file(
            out,
            format!(
                "not written: {} device classes given; an endorsement lists at most \
                 {MAX_ENDORSED_CLASSES} (use --any-class for every class)",
                texts.len()
            ),
        ));
    }
    let mut classes: Vec<DeviceClass> = Vec::with_capacity(texts.len());
    for text in texts {
        let class = parse_device_class(text)
            .map_err(|e| CliError::file(out, format!("not written: {e}")))?;
        if classes.contains(&class) {
            return Err(CliError::file(
                out,
                format!(
                    "not written: device class {} is given twice",
                    hex::format_uuid(&class.0)
                ),
            ));
        }
        classes.push(class);
    }
    Ok(classes)
}

/// Makes an endorsement record. Errors name `out`, the file the record is meant for; `limit`
/// is the user's security-version limit (for the message; `params` holds the one enforced).
pub fn endorse_key(
    root: &PrivateKey,
    release: &PublicKey,
    params: &EndorsementParams<'_>,
    limit: u64,
    out: &Path,
) -> Result<Vec<u8>> {
    let (min, max) = (params.min_security_version, params.max_security_version);
    if min > max {
        return Err(CliError::file(
            out,
            format!(
                "not written: --min-security-version {min} is above --max-security-version {max}"
            ),
        ));
    }
    for alg in [root.alg, release.alg] {
        if firmware::algorithm_id(alg).is_none() {
            return Err(CliError::file(
                out,
                format!(
                    "not written: {} keys cannot be used for firmware",
                    alg.name()
                ),
            ));
        }
    }
    if !params.allowed.contains(release.alg) {
        return Err(CliError::file(
            out,
            format!(
                "not written: the release key is {}, which --allow {} does not include",
                release.alg.name(),
                describe_set(params.allowed)
            ),
        ));
    }
    let mut buf = vec![0u8; firmware::endorsement_max_len(root.alg)];
    let n = firmware::endorse(
        root.alg,
        &root.sk,
        release.alg,
        &release.pk,
        params,
        &mut OsRng::default(),
        &mut buf,
    )
    .map_err(|e| {
        let reason = match fw_error(&e) {
            Some(fe @ FirmwareError::SecurityVersionTooLarge) => tagged(
                format!(
                    "not written: security version {max} (--max-security-version) is above \
                     --security-version-limit {limit} (a device counter of that width cannot \
                     store it; raise --security-version-limit only for devices with a wider \
                     counter, or pass --force)"
                ),
                fe,
            ),
            Some(fe @ FirmwareError::EndorsedAnchor) => tagged(
                "not written: the release key is the root key itself; a root cannot endorse \
                 itself",
                fe,
            ),
            Some(fe @ FirmwareError::AlgorithmNotAllowed) => tagged(
                format!(
                    "not written: {} cannot endorse or be endorsed for firmware",
                    root.alg.name()
                ),
                fe,
            ),
            _ => format!("not written: endorsement failed: {}", fw_reason(&e)),
        };
        CliError::file(out, reason)
    })?;
    buf.truncate(n);
    Ok(buf)
}
