//! `pqhybrid verify`: streams an image through the library's verifier with the device's
//! policy, and explains a rejection.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use indicatif::ProgressBar;
use pqhybrid::firmware::{
    DEFAULT_TRAILER_CAPACITY, DeviceClass, Endorsement, FIXED_HEADER_LEN, FORMAT_VERSION_1,
    FirmwareError, Header, KeyId, KeyState, MAX_TRAILER_CAPACITY, Policy, SignatureBlock,
    TrustAnchor, VerifiedImage, Verifier,
};

use super::io::{CHUNK, open_image, progress_bar, read_trailer};
use super::policy::{VerifyRequest, allowed_set, fw_anchors, key_id, parse_device_class};
use super::report::{
    describe_classes, describe_set, fw_error, fw_reason, push_header_fields, tagged,
};
use crate::error::{CliError, Result};
use crate::keys::PublicKey;
use crate::out::out;
use crate::{PolicyArgs, VerifyArgs, hex, trust_store};

/// The result of verifying one file.
pub struct VerifyOutcome {
    /// The header, if the fixed header could be parsed (it is not trusted on failure).
    pub header: Option<Header>,
    /// The device class the policy used.
    pub device_class: Option<DeviceClass>,
    /// The verified image, or why it was rejected (a message naming the reason).
    pub result: std::result::Result<VerifiedImage, String>,
}

/// `pqhybrid verify`.
pub fn verify(a: &VerifyArgs) -> Result<()> {
    let anchors = load_anchors(&a.policy)?;
    let req = VerifyRequest {
        accept_encrypted: a.accept_encrypted,
        ..request(&a.policy, &anchors, &a.image)?
    };
    let outcome = verify_file(&a.image, &req, true)?;
    print_verify(&a.image, &req, &outcome);
    match outcome.result {
        Ok(_) => Ok(()),
        Err(reason) => Err(CliError::invalid(&a.image, reason)),
    }
}

/// The trust anchors named by `--pubkey` or `--trust-store`.
pub fn load_anchors(a: &PolicyArgs) -> Result<Vec<TrustAnchor>> {
    match (&a.pubkey, &a.trust_store) {
        (Some(path), None) => {
            let pk = PublicKey::load(path)?;
            let id = key_id(&pk).map_err(|e| CliError::file(path, e.message))?;
            Ok(vec![TrustAnchor::active(KeyId(id))])
        }
        (None, Some(path)) => {
            let anchors = trust_store::load(path)?;
            if anchors.is_empty() {
                return Err(CliError::file(path, "the trust store has no anchors"));
            }
            Ok(fw_anchors(&anchors))
        }
        _ => Err(CliError::usage(
            "pass exactly one of --pubkey and --trust-store",
        )),
    }
}

/// The device's policy named by the options, for verifying `image` (named in errors).
pub fn request<'a>(
    a: &PolicyArgs,
    anchors: &'a [TrustAnchor],
    image: &Path,
) -> Result<VerifyRequest<'a>> {
    let device_class = match &a.device_class {
        Some(text) => Some(parse_device_class(text)?),
        None => None,
    };
    if a.min_security_version > a.max_security_version {
        return Err(CliError::file(
            image,
            format!(
                "not verified: --min-security-version {} is above --max-security-version {}: no \
                 image could pass",
                a.min_security_version, a.max_security_version
            ),
        ));
    }
    Ok(VerifyRequest {
        anchors,
        min_security_version: a.min_security_version,
        max_security_version: a.max_security_version,
        device_class,
        allowed: allowed_set(&a.allow),
        endorse_allowed: allowed_set(&a.endorse_allowed),
        accept_v1: a.accept_v1,
        accept_encrypted: false,
        trailer_capacity: a.trailer_capacity,
    })
}

/// Streams `path` through a [`Verifier`] with the device's policy and trailer capacity. I/O
/// errors are `Err` (exit 2); a rejected image is `Ok` with `result: Err(reason)`.
///
/// The verifier's capacity is a const generic: the smallest of [`VERIFIER_CAPACITIES`] that
/// holds `req.trailer_capacity` is used. When the requested capacity lies between two of them,
/// the device's capacity check is applied here first, at the point where the verifier applies
/// it (after the header parses and the format version is accepted, before any other policy
/// check), with the same error, so the result is the one a device of exactly that capacity
/// gives.
pub fn verify_file(path: &Path, req: &VerifyRequest<'_>, progress: bool) -> Result<VerifyOutcome> {
    // The header is not trusted here: it is only read to name the image's own device class
    // (when none was given) and to explain a rejection.
    let (mut file, file_len, fixed, got) = open_image(path)?;
    let parsed = Header::parse(fixed.get(..got).unwrap_or(&[]));
    let header = parsed.ok();
    let device_class = req.device_class.or(header.map(|h| h.device_class));
    let Some(class) = device_class else {
        let reason = match parsed {
            Err(e) => fw_reason(&e),
            Ok(_) => "unreadable header".into(),
        };
        return Ok(VerifyOutcome {
            header,
            device_class,
            result: Err(reason),
        });
    };

    let policy = Policy {
        trust_anchors: req.anchors,
        min_security_version: req.min_security_version,
        max_security_version: req.max_security_version,
        device_class: class,
        allowed: req.allowed,
        endorse_allowed: req.endorse_allowed,
        accept_v1: req.accept_v1,
        accept_encrypted: req.accept_encrypted,
    };
    // The verifier's trailer buffer is exactly the requested capacity, so the capacity is
    // enforced as a device with that buffer enforces it.
    let capacity = req.trailer_capacity.min(MAX_TRAILER_CAPACITY);
    let result = {
        file.seek(SeekFrom::Start(0))
            .map_err(|e| CliError::io(path, &e))?;
        let bar = if progress {
            progress_bar(file_len, "verifying")
        } else {
            ProgressBar::hidden()
        };
        let r = stream(&mut file, path, &policy, capacity, &bar);
        bar.finish_and_clear();
        r?
    };
    let result = match result {
        Ok(v) => Ok(v),
        Err((e, streaming)) => {
            // The signature block, to explain an endorsement-related rejection (unverified).
            let trailer = match &header {
                Some(h) if h.delegated => read_trailer(&mut file, h, file_len),
                _ => None,
            };
            let endorsement = match (&header, &trailer) {
                (Some(h), Some(t)) => SignatureBlock::parse(t, h).ok().and_then(|b| b.endorsement),
                _ => None,
            };
            let ctx = Explain {
                header: header.as_ref(),
                endorsement: endorsement.as_ref(),
                policy: &policy,
                capacity,
                file_len,
                streaming,
            };
            Err(explain(&e, &ctx))
        }
    };
    Ok(VerifyOutcome {
        header,
        device_class,
        result,
    })
}

/// A rejection, and whether it came from `update` (while streaming) rather than `finish`.
type Rejection = (pqhybrid::Error, bool);

/// Feeds the whole file to a verifier of trailer capacity `capacity`.
fn stream(
    file: &mut File,
    path: &Path,
    policy: &Policy<'_>,
    capacity: usize,
    bar: &ProgressBar,
) -> Result<std::result::Result<VerifiedImage, Rejection>> {
    let mut verifier = Verifier::with_buffer(policy, vec![0u8; capacity]);
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = file.read(&mut buf).map_err(|e| CliError::io(path, &e))?;
        let Some(chunk) = buf.get(..n).filter(|c| !c.is_empty()) else {
            break;
        };
        if let Err(e) = verifier.update(chunk) {
            // Errors stick; no need to read further.
            return Ok(Err((e, true)));
        }
        bar.inc(n as u64);
    }
    Ok(verifier.finish_in_place().map_err(|e| (e, false)))
}

/// What [`explain`] needs besides the error.
struct Explain<'a> {
    /// The (unverified) header, if it parsed.
    header: Option<&'a Header>,
    /// The (unverified) endorsement, if the image has one and it parsed.
    endorsement: Option<&'a Endorsement<'a>>,
    /// The policy the image was checked against.
    policy: &'a Policy<'a>,
    /// The trailer capacity it was checked with.
    capacity: usize,
    /// The file's length.
    file_len: u64,
    /// Whether the error came while streaming (`update`) rather than from `finish`.
    streaming: bool,
}

/// The user-facing reason for a rejection, with the numbers that explain it and the
/// `FirmwareError` variant's name.
fn explain(e: &pqhybrid::Error, ctx: &Explain<'_>) -> String {
    let (Some(fe), Some(h)) = (fw_error(e), ctx.header) else {
        return fw_reason(e);
    };
    let policy = ctx.policy;
    let file_len = ctx.file_len;
    let signer_state = policy.key_state(&h.signer_key_id);
    let message = match (fe, ctx.endorsement) {
        (FirmwareError::UnsupportedVersion, _) if h.format_version == FORMAT_VERSION_1 => {
            "format-1 (legacy) image, whose endorsement is not scoped to device classes: accepted \
             only with --accept-v1"
                .into()
        }
        (FirmwareError::EncryptedNotAccepted, _) => {
            "the payload is encrypted, and a device that does not decrypt must never install \
             ciphertext as code: accepted only with --accept-encrypted (a device that decrypts \
             it; `pqhybrid decrypt` verifies and decrypts)"
                .into()
        }
        (FirmwareError::TrailerTooLarge, _) => format!(
            "signature block of {} bytes exceeds the verifier's trailer capacity of {} bytes \
             (the default {DEFAULT_TRAILER_CAPACITY} is what the Rust default verifier and the C \
             API hold; for a device built with a larger capacity pass --trailer-capacity)",
            h.trailer_len, ctx.capacity
        ),
        (FirmwareError::RevokedKey, _) if signer_state == Some(KeyState::Revoked) => {
            format!("image signed by a revoked key ({})", h.signer_key_id)
        }
        (FirmwareError::RevokedKey, _) => {
            "image signed by a key endorsed by a revoked root key".into()
        }
        (FirmwareError::UnknownKey, _) if h.delegated => format!(
            "signing key is not trusted: neither it ({}) nor the root that endorsed it is in the \
             trust store",
            h.signer_key_id
        ),
        (FirmwareError::UnknownKey, _) => format!(
            "signing key is not trusted (key id {} is not in the trust store)",
            h.signer_key_id
        ),
        (FirmwareError::Rollback, _) => format!(
            "rollback: security version {} is below the device minimum {}",
            h.security_version, policy.min_security_version
        ),
        (FirmwareError::SecurityVersionTooLarge, _) => format!(
            "security version {} is above the largest the device counter can store, {} \
             (--max-security-version)",
            h.security_version, policy.max_security_version
        ),
        (FirmwareError::WrongDeviceClass, _) => format!(
            "image is for device class {}, not {}",
            hex::format_uuid(&h.device_class.0),
            hex::format_uuid(&policy.device_class.0)
        ),
        (FirmwareError::AlgorithmNotAllowed, _) if !policy.allowed.contains(h.algorithm) => {
            format!(
                "signature algorithm {} is not allowed by the policy (--allow {})",
                h.algorithm.name(),
                describe_set(policy.allowed)
            )
        }
        (FirmwareError::AlgorithmNotAllowed, Some(en))
            if !policy.endorse_allowed.contains(en.root_algorithm) =>
        {
            format!(
                "the endorsing root's algorithm {} is not allowed for endorsements by the policy \
                 (--endorse-allowed {})",
                en.root_algorithm.name(),
                describe_set(policy.endorse_allowed)
            )
        }
        (FirmwareError::AlgorithmNotAllowed, Some(en)) if !en.allowed.contains(h.algorithm) => {
            format!(
                "the endorsement allows the release key {} only, not {}",
                describe_set(en.allowed),
                h.algorithm.name()
            )
        }
        (FirmwareError::AlgorithmNotAllowed, _) => {
            "algorithm not allowed: the endorsement does not allow the signing algorithm, or the \
             policy does not allow the root's algorithm (--endorse-allowed)"
                .into()
        }
        (FirmwareError::DelegationOutOfRange, Some(en)) => format!(
            "security version {} is outside the range {}..={} the endorsement allows",
            h.security_version, en.min_security_version, en.max_security_version
        ),
        (FirmwareError::DelegationOutOfRange, None) => format!(
            "security version {} is outside the range the endorsement allows",
            h.security_version
        ),
        (FirmwareError::ClassNotEndorsed, Some(en)) => format!(
            "the endorsement does not cover the image's device class {} (it covers {})",
            hex::format_uuid(&h.device_class.0),
            describe_classes(en)
        ),
        (FirmwareError::EndorsedAnchor, _) => format!(
            "the image is signed through an endorsement, but its signing key {} is itself a trust \
             anchor: a root cannot endorse a root, or itself",
            h.signer_key_id
        ),
        (FirmwareError::NonCanonicalSignature, _) => {
            "an ECDSA signature (image or endorsement) is not in low-s form, which format 2 \
             requires: the signature block was altered after signing"
                .into()
        }
        (FirmwareError::Truncated, _) => format!(
            "image is truncated: the file has {file_len} bytes, the header announces {}",
            h.image_len()
        ),
        (FirmwareError::LengthMismatch, _) if file_len > h.image_len() => format!(
            "image length mismatch: the file has {file_len} bytes, the header announces {} ({} \
             bytes follow the image)",
            h.image_len(),
            file_len - h.image_len()
        ),
        // After the header parsed, the only reserved bytes checked while streaming are the
        // header padding.
        (FirmwareError::ReservedNonZero, _) if ctx.streaming => format!(
            "header padding (bytes {FIXED_HEADER_LEN}..{}) is not zero",
            h.header_len
        ),
        (FirmwareError::ReservedNonZero, _) => {
            "signature block: signature padding, an algorithm set or scope flags has undefined \
             bits set"
                .into()
        }
        (FirmwareError::DigestMismatch, _) => {
            "payload digest mismatch (the payload was modified after signing)".into()
        }
        (FirmwareError::BadSignature, _) => {
            "bad signature: the image signature or the endorsement does not verify".into()
        }
        (other, _) => other.description().into(),
    };
    tagged(message, fe)
}

pub(super) fn print_verify(path: &Path, req: &VerifyRequest<'_>, outcome: &VerifyOutcome) {
    let mut out = String::new();
    match &outcome.result {
        Ok(v) => {
            out.push_str(&format!("{}: VALID\n", path.display()));
            let h = v.header();
            push_header_fields(&mut out, h);
            out.push_str(&format!(
                "  image id           {} (SHA-256 of the signed header)\n",
                hex::encode(&v.image_id())
            ));
            match v.delegation() {
                Some(d) => out.push_str(&format!(
                    "  trusted through    endorsement by root key {} ({}), security versions \
                     {}..={}, algorithms {}\n",
                    d.root_key_id,
                    d.root_algorithm.name(),
                    d.min_security_version,
                    d.max_security_version,
                    describe_set(d.allowed)
                )),
                None => {
                    out.push_str("  trusted through    direct trust anchor (the signing key)\n")
                }
            }
        }
        Err(reason) => {
            out.push_str(&format!("{}: INVALID: {reason}\n", path.display()));
            if let Some(h) = &outcome.header {
                out.push_str("  (unverified header fields follow)\n");
                push_header_fields(&mut out, h);
            }
        }
    }
    out.push_str(&format!(
        "  policy             security versions {}..={}, image algorithms {}, root algorithms {}\n\
         \x20                    format {}, {} payloads, trailer capacity {} bytes, {} trust \
         anchor(s)\n",
        req.min_security_version,
        req.max_security_version,
        describe_set(req.allowed),
        describe_set(req.endorse_allowed),
        if req.accept_v1 { "1 and 2" } else { "2 only" },
        if req.accept_encrypted {
            "plain and encrypted"
        } else {
            "plain"
        },
        req.trailer_capacity,
        req.anchors.len()
    ));
    if let Some(class) = outcome.device_class {
        let how = if req.device_class.is_some() {
            "checked"
        } else {
            "taken from the image itself, so not checked; pass --device-class"
        };
        out.push_str(&format!(
            "  device class used  {} ({how})\n",
            hex::format_uuid(&class.0)
        ));
    }
    out!("{out}");
}
