//! `pqhybrid inspect`: the manifest of an image and its structural problems, without
//! verifying it.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use pqhybrid::firmware::{
    self, DEFAULT_TRAILER_CAPACITY, FIXED_HEADER_LEN, FirmwareError, Header, MAX_TRAILER_CAPACITY,
    Manifest, Policy, SignatureBlock, TrustAnchor, Verifier,
};
use serde_json::json;
use sha2::Digest as _;

use super::io::{CHUNK, open_image, progress_bar, read_trailer, read_up_to};
use super::report::{
    describe_classes, describe_set, fw_error, fw_reason, push_header_fields, tagged,
};
use crate::error::{CliError, Result, describe};
use crate::hex;
use crate::out::{out, outln};

/// A structural problem of an image, as `verify` would see it.
struct Problem {
    /// What is wrong, with the numbers.
    text: String,
    /// The `FirmwareError` variant, if the library named one.
    error: Option<FirmwareError>,
}

impl Problem {
    fn new(text: impl Into<String>, error: Option<FirmwareError>) -> Self {
        Self {
            text: text.into(),
            error,
        }
    }
}

/// Everything `inspect` found.
struct Inspection<'a> {
    header: Header,
    block: Option<SignatureBlock<'a>>,
    problem: Option<Problem>,
    file_len: u64,
    /// SHA-256 of the whole header, when the whole header is there and well-formed.
    image_id: Option<[u8; 32]>,
    /// The encryption record of an encrypted payload.
    record: Option<super::encryption::RecordView>,
}

/// `pqhybrid inspect`: prints the header and the signature block and runs the structural checks
/// of the verifier (header padding, lengths, bytes after the image); verifies no digest and no
/// signature.
pub fn inspect(path: &Path, json: bool) -> Result<()> {
    let (mut file, file_len, fixed, got) = open_image(path)?;
    let header = Header::parse(fixed.get(..got).unwrap_or(&[])).map_err(|e| {
        CliError::file(
            path,
            format!("not a pqhybrid firmware image: {}", fw_reason(&e)),
        )
    })?;

    // The whole header, padding included: the library's own parser checks the padding
    // (`Manifest::parse` on a prefix of the image), and its hash is the image id.
    let mut head = vec![0u8; usize::from(header.header_len)];
    file.seek(SeekFrom::Start(0))
        .map_err(|e| CliError::io(path, &e))?;
    let head_got = read_up_to(&mut file, &mut head).map_err(|e| CliError::io(path, &e))?;
    let image_id = (head_got == head.len() && Manifest::parse(&head).is_ok())
        .then(|| sha2::Sha256::digest(&head).into());

    // The structural checks `verify` applies while streaming (header padding, the size of the
    // signature block, bytes after the image), by the library's verifier.
    let (structural, expected_len) = structural_check(&mut file, path, &header, file_len)?;

    let record = super::encryption::read_record(&mut file, &header);
    // The signature block, if the file holds it.
    let trailer = read_trailer(&mut file, &header, file_len);
    let (block, block_problem) = match &trailer {
        Some(t) => match SignatureBlock::parse(t, &header) {
            Ok(b) => (Some(b), None),
            Err(e) => (
                None,
                Some(Problem::new(
                    format!(
                        "signature block: {}",
                        fw_error(&e).map_or_else(|| describe(&e), |fe| fe.description().into())
                    ),
                    fw_error(&e),
                )),
            ),
        },
        None => (None, None),
    };
    let problem = structural
        .map(|e| structural_problem(&e, &header, file_len))
        .or_else(|| {
            expected_len.filter(|&len| file_len < len).map(|len| {
                Problem::new(
                    format!("file is truncated: {file_len} bytes, the header announces {len}"),
                    Some(FirmwareError::Truncated),
                )
            })
        })
        .or(block_problem);
    let found = Inspection {
        header,
        block,
        problem,
        file_len,
        image_id,
        record,
    };
    if json {
        let v = inspect_json(path, &found);
        let text = serde_json::to_string_pretty(&v)
            .map_err(|e| CliError::usage(format!("JSON output: {e}")))?;
        outln!("{text}");
    } else {
        out!("{}", inspect_text(path, &found));
    }
    Ok(())
}

/// Streams the file through the library's verifier under a policy that accepts whatever the
/// image claims (its own class and signer, any security version and algorithm, format 1 or 2,
/// the largest trailer capacity), so that only the structural checks can fail. Returns the
/// first error and the image length the verifier expects. The signatures are not checked.
fn structural_check(
    file: &mut File,
    path: &Path,
    header: &Header,
    file_len: u64,
) -> Result<(Option<pqhybrid::Error>, Option<u64>)> {
    let signer = [TrustAnchor::active(header.signer_key_id)];
    // With an endorsement the signer must not be an anchor; without, it must be one.
    let anchors: &[TrustAnchor] = if header.delegated { &[] } else { &signer };
    let mut policy = Policy::new(anchors, header.device_class);
    policy.max_security_version = u64::MAX;
    policy.accept_v1 = true;
    let mut verifier = Verifier::with_buffer(&policy, vec![0u8; MAX_TRAILER_CAPACITY]);
    file.seek(SeekFrom::Start(0))
        .map_err(|e| CliError::io(path, &e))?;
    let bar = progress_bar(file_len, "inspecting");
    let mut buf = vec![0u8; CHUNK];
    let mut failed = None;
    loop {
        let n = file.read(&mut buf).map_err(|e| CliError::io(path, &e))?;
        let Some(chunk) = buf.get(..n).filter(|c| !c.is_empty()) else {
            break;
        };
        if let Err(e) = verifier.update(chunk) {
            failed = Some(e);
            break;
        }
        bar.inc(n as u64);
    }
    bar.finish_and_clear();
    let expected = verifier.expected_len().or(Some(header.image_len()));
    Ok((failed, expected))
}

/// Describes an error of [`structural_check`] (the header parsed, so these are the checks
/// after it).
fn structural_problem(e: &pqhybrid::Error, h: &Header, file_len: u64) -> Problem {
    let Some(fe) = fw_error(e) else {
        return Problem::new(describe(e), None);
    };
    let text = match fe {
        FirmwareError::ReservedNonZero => format!(
            "header padding (bytes {FIXED_HEADER_LEN}..{}) is not zero; verify rejects the image",
            h.header_len
        ),
        FirmwareError::LengthMismatch => format!(
            "{} bytes follow the end of the image ({} bytes); verify rejects them",
            file_len.saturating_sub(h.image_len()),
            h.image_len()
        ),
        FirmwareError::TrailerTooLarge => format!(
            "signature block of {} bytes is larger than any valid one ({MAX_TRAILER_CAPACITY})",
            h.trailer_len
        ),
        FirmwareError::AlgorithmNotAllowed => format!(
            "{} is not available in this build of pqhybrid",
            h.algorithm.name()
        ),
        other => other.description().into(),
    };
    Problem::new(text, Some(fe))
}

fn signer_key_matches(b: &SignatureBlock<'_>, h: &Header) -> bool {
    firmware::key_id(b.algorithm, b.public_key)
        .map(|id| id == h.signer_key_id)
        .unwrap_or(false)
}

fn inspect_text(path: &Path, found: &Inspection<'_>) -> String {
    let header = &found.header;
    let mut out = format!(
        "{}: pqhybrid firmware image (manifest only; NOT verified: use `pqhybrid verify`)\n",
        path.display()
    );
    push_header_fields(&mut out, header);
    out.push_str(&format!(
        "  layout             header {} + payload {} + signature block {} = {} bytes (file: {})\n",
        header.header_len,
        header.payload_len,
        header.trailer_len,
        header.image_len(),
        found.file_len
    ));
    if usize::try_from(header.trailer_len).map_or(true, |n| n > DEFAULT_TRAILER_CAPACITY) {
        out.push_str(&format!(
            "  trailer capacity   the signature block exceeds the default {DEFAULT_TRAILER_CAPACITY} \
             bytes: devices with the default verifier reject it (TrailerTooLarge)\n"
        ));
    }
    if let Some(id) = &found.image_id {
        out.push_str(&format!(
            "  image id           {} (SHA-256 of the header; unverified)\n",
            hex::encode(id)
        ));
    }
    if let Some(r) = &found.record {
        out.push_str(&r.text());
    }
    if let Some(b) = &found.block {
        out.push_str(&format!(
            "  public key         {} bytes ({})\n  signature          {} bytes\n",
            b.public_key.len(),
            if signer_key_matches(b, header) {
                "hashes to the signer key id"
            } else {
                "does NOT hash to the signer key id"
            },
            b.signature.len()
        ));
        match &b.endorsement {
            Some(e) => out.push_str(&format!(
                "  endorsement        by root key {} ({}), security versions {}..={}, \
                 algorithms {}, device classes: {}\n",
                e.root_key_id()
                    .map_or_else(|_| "?".to_owned(), |id| id.to_string()),
                e.root_algorithm.name(),
                e.min_security_version,
                e.max_security_version,
                describe_set(e.allowed),
                describe_classes(e)
            )),
            None => out.push_str("  endorsement        none\n"),
        }
    }
    if let Some(p) = &found.problem {
        match p.error {
            Some(fe) => out.push_str(&format!("  problem            {}\n", tagged(&p.text, fe))),
            None => out.push_str(&format!("  problem            {}\n", p.text)),
        }
    }
    out
}

fn inspect_json(path: &Path, found: &Inspection<'_>) -> serde_json::Value {
    let h = &found.header;
    let block = found.block.as_ref();
    let block_json = block.map(|b| {
        json!({
            "algorithm": b.algorithm.name(),
            "public_key": hex::encode(b.public_key),
            "public_key_len": b.public_key.len(),
            "public_key_matches_signer_key_id": signer_key_matches(b, h),
            "signature": hex::encode(b.signature),
            "signature_len": b.signature.len(),
        })
    });
    let endorsement = block.and_then(|b| b.endorsement.as_ref()).map(|e| {
        json!({
            "format_version": e.format_version,
            "root_algorithm": e.root_algorithm.name(),
            "root_algorithm_id": firmware::algorithm_id(e.root_algorithm),
            "root_key_id": e.root_key_id().ok().map(|id| id.to_string()),
            "root_public_key": hex::encode(e.root_public_key),
            "min_security_version": e.min_security_version,
            "max_security_version": e.max_security_version,
            "allowed": e.allowed.iter().map(|a| a.name()).collect::<Vec<_>>(),
            "allowed_bits": e.allowed.bits(),
            "any_class": e.any_class,
            "device_classes": e
                .device_classes()
                .map(|c| hex::format_uuid(&c.0))
                .collect::<Vec<_>>(),
            "signature": hex::encode(e.signature),
            "signature_len": e.signature.len(),
        })
    });
    json!({
        "file": path.display().to_string(),
        "verified": false,
        "format_version": h.format_version,
        "header_len": h.header_len,
        "payload_len": h.payload_len,
        "trailer_len": h.trailer_len,
        "fits_default_trailer_capacity":
            usize::try_from(h.trailer_len).is_ok_and(|n| n <= DEFAULT_TRAILER_CAPACITY),
        "image_len": h.image_len(),
        "file_len": found.file_len,
        "image_id": found.image_id.map(|id| hex::encode(&id)),
        "flags": h.flags(),
        "algorithm": h.algorithm.name(),
        "algorithm_id": firmware::algorithm_id(h.algorithm),
        "digest_algorithm": h.digest_algorithm.name(),
        "digest_algorithm_id": h.digest_algorithm.id(),
        "payload_digest": hex::encode(h.payload_digest()),
        "security_version": h.security_version,
        "version": {
            "major": h.version.major,
            "minor": h.version.minor,
            "revision": h.version.revision,
            "build": h.version.build,
            "text": h.version.to_string(),
        },
        "device_class": hex::format_uuid(&h.device_class.0),
        "signer_key_id": h.signer_key_id.to_string(),
        "sbom_digest": h.sbom_digest.map(|d| hex::encode(&d)),
        "delegated": h.delegated,
        "encrypted": h.encrypted,
        "encryption": found.record.as_ref().map(super::encryption::RecordView::json),
        "signature_block": block_json,
        "endorsement": endorsement,
        "problem": found.problem.as_ref().map(|p| p.text.clone()),
        "problem_error": found.problem.as_ref().and_then(|p| p.error).map(FirmwareError::name),
    })
}
