//! The firmware commands: `sign`, `verify`, `inspect`, `endorse`, on top of
//! `pqhybrid::firmware`. Files are streamed: neither signing nor verification reads a whole
//! image into memory.

use std::fs::{self, File};
use std::io::{IsTerminal, Read, Seek, SeekFrom, Write};
use std::path::Path;

use indicatif::{ProgressBar, ProgressStyle};
use pqhybrid::SignatureAlgorithm;
use pqhybrid::firmware::{
    self, AlgorithmSet, DeviceClass, DigestAlgorithm, Endorsement, FIXED_HEADER_LEN, FirmwareError,
    Header, ImageParams, ImageSigner, ImageVersion, KeyId, KeyState, MAX_TRAILER_CAPACITY, Policy,
    SignatureBlock, SignedLengths, TrustAnchor, VerifiedImage, Verifier,
};
use pqhybrid::rng::OsRng;
use serde_json::json;
use sha2::Digest as _;

use crate::error::{CliError, Result, describe};
use crate::keys::{PrivateKey, PublicKey};
use crate::out::{errln, out, outln};
use crate::trust_store::{self, AnchorState};
use crate::{AllowArg, DigestArg, EndorseArgs, SignArgs, VerifyArgs, hex};

/// Read size for streaming files.
const CHUNK: usize = 64 * 1024;
/// Images larger than this get a progress bar (when stderr is a terminal).
const PROGRESS_THRESHOLD: u64 = 4 * 1024 * 1024;
/// Largest endorsement file we read (the largest record is about 50 KB).
const MAX_ENDORSEMENT_FILE: u64 = 256 * 1024;

// ---------------------------------------------------------------------------------------------
// Algorithms, key ids, policies
// ---------------------------------------------------------------------------------------------

/// The algorithms firmware images may be signed with.
pub fn firmware_algorithms() -> Vec<SignatureAlgorithm> {
    firmware::FIRMWARE_ALGORITHMS.to_vec()
}

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

fn digest_alg(d: DigestArg) -> DigestAlgorithm {
    match d {
        DigestArg::Sha256 => DigestAlgorithm::Sha256,
        DigestArg::Sha512 => DigestAlgorithm::Sha512,
        DigestArg::Sha3_256 => DigestAlgorithm::Sha3_256,
        DigestArg::Sha3_512 => DigestAlgorithm::Sha3_512,
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

/// Parses `--version`.
pub fn parse_version(text: &str) -> Result<ImageVersion> {
    let (major, minor, revision, build) =
        hex::parse_version(text).map_err(|e| CliError::usage(format!("--version: {e}")))?;
    Ok(ImageVersion {
        major,
        minor,
        revision,
        build,
    })
}

fn progress_bar(len: u64, what: &str) -> ProgressBar {
    if len <= PROGRESS_THRESHOLD || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template(
        "{msg} [{bar:40}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what.to_owned());
    bar
}

// ---------------------------------------------------------------------------------------------
// sign
// ---------------------------------------------------------------------------------------------

/// `pqhybrid sign`.
pub fn sign(a: &SignArgs) -> Result<()> {
    let key = PrivateKey::load(&a.key)?;
    let mut params = ImageParams::new(parse_device_class(&a.device_class)?, a.security_version);
    params.version = parse_version(&a.version)?;
    params.digest = digest_alg(a.digest);
    params.header_len = a.header_len;
    params.sbom_digest = match &a.sbom {
        Some(path) => Some(sha256_file(path)?),
        None => None,
    };
    let endorsement = match &a.endorsement {
        Some(path) => Some(read_endorsement(path)?),
        None => None,
    };
    let lens = sign_file(
        &key,
        &params,
        &a.image,
        &a.out,
        endorsement
            .as_deref()
            .map(|e| (a.endorsement.as_deref(), e)),
        a.deterministic,
    )?;
    let pk = key.public_key()?;
    errln!(
        "signed {} -> {}: {} bytes (header {}, payload {}, signature block {})\n  \
         algorithm {}, key id {}\n  security version {}, version {}, device class {}{}",
        a.image.display(),
        a.out.display(),
        lens.image_len(),
        lens.header_len,
        lens.payload_len,
        lens.trailer_len,
        key.alg.name(),
        hex::encode(&key_id(&pk)?),
        params.security_version,
        params.version,
        hex::format_uuid(&params.device_class.0),
        if endorsement.is_some() {
            ", with endorsement"
        } else {
            ""
        }
    );
    Ok(())
}

/// Reads an endorsement record file and checks that it parses.
pub fn read_endorsement(path: &Path) -> Result<Vec<u8>> {
    let meta = fs::metadata(path).map_err(|e| CliError::io(path, &e))?;
    if meta.len() > MAX_ENDORSEMENT_FILE {
        return Err(CliError::file(
            path,
            "too large to be an endorsement record",
        ));
    }
    let bytes = fs::read(path).map_err(|e| CliError::io(path, &e))?;
    Endorsement::parse(&bytes).map_err(|e| {
        CliError::file(
            path,
            format!("not an endorsement record ({})", fw_reason(&e)),
        )
    })?;
    Ok(bytes)
}

fn sha256_file(path: &Path) -> Result<[u8; 32]> {
    let mut file = File::open(path).map_err(|e| CliError::io(path, &e))?;
    let mut h = sha2::Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = file.read(&mut buf).map_err(|e| CliError::io(path, &e))?;
        let Some(chunk) = buf.get(..n).filter(|c| !c.is_empty()) else {
            break;
        };
        h.update(chunk);
    }
    Ok(h.finalize().into())
}

/// Signs the payload file `image` into `out`, streaming: the payload is read once, copied into
/// a temporary file next to `out` behind a placeholder header while it is hashed; then the
/// signature block is appended, the header written in place, and the file renamed to `out`.
/// `endorsement` is `(file name for messages, record)`.
pub fn sign_file(
    key: &PrivateKey,
    params: &ImageParams,
    image: &Path,
    out: &Path,
    endorsement: Option<(Option<&Path>, &[u8])>,
    deterministic: bool,
) -> Result<SignedLengths> {
    let mut input = File::open(image).map_err(|e| CliError::io(image, &e))?;
    let in_len = input.metadata().map_err(|e| CliError::io(image, &e))?.len();
    if in_len > u64::from(u32::MAX) {
        return Err(CliError::file(image, "payload larger than 4 GiB - 1"));
    }
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| CliError::io(out, &e))?;
    let header_len = usize::from(params.header_len);
    let mut signer = ImageSigner::new(params)
        .map_err(|e| CliError::usage(format!("bad image parameters: {}", fw_reason(&e))))?;

    let werr = |e: std::io::Error| CliError::io(out, &e);
    tmp.write_all(&vec![0u8; header_len]).map_err(werr)?;
    let bar = progress_bar(in_len, "signing");
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = input.read(&mut buf).map_err(|e| CliError::io(image, &e))?;
        let Some(chunk) = buf.get(..n).filter(|c| !c.is_empty()) else {
            break;
        };
        signer
            .update(chunk)
            .map_err(|_| CliError::file(image, "payload larger than 4 GiB - 1"))?;
        tmp.write_all(chunk).map_err(werr)?;
        bar.inc(n as u64);
    }
    bar.finish_and_clear();

    let record = endorsement.map(|(_, r)| r);
    let mut header = vec![0u8; header_len];
    let mut trailer = vec![0u8; firmware::trailer_len(key.alg, record.map_or(0, <[u8]>::len))];
    let signed = if deterministic {
        signer.finish_deterministic(key.alg, &key.sk, record, &mut header, &mut trailer)
    } else {
        signer.finish(
            key.alg,
            &key.sk,
            record,
            &mut OsRng::default(),
            &mut header,
            &mut trailer,
        )
    };
    let lens = signed.map_err(|e| sign_error(&e, key, params, endorsement))?;
    let header = header.get(..lens.header_len).unwrap_or(&header);
    let trailer = trailer.get(..lens.trailer_len).unwrap_or(&trailer);
    tmp.write_all(trailer).map_err(werr)?;
    tmp.seek(SeekFrom::Start(0)).map_err(werr)?;
    tmp.write_all(header).map_err(werr)?;
    // The temporary file is created 0600; a signed image is public.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(fs::Permissions::from_mode(0o644))
            .map_err(werr)?;
    }
    tmp.as_file().sync_all().map_err(werr)?;
    tmp.persist(out).map_err(|e| CliError::io(out, &e.error))?;
    Ok(lens)
}

fn sign_error(
    e: &pqhybrid::Error,
    key: &PrivateKey,
    params: &ImageParams,
    endorsement: Option<(Option<&Path>, &[u8])>,
) -> CliError {
    let name = endorsement
        .and_then(|(p, _)| p)
        .map_or_else(|| "endorsement".to_owned(), |p| p.display().to_string());
    let Some(fe) = fw_error(e) else {
        return CliError::usage(format!("signing failed: {}", describe(e)));
    };
    let record = endorsement.and_then(|(_, r)| Endorsement::parse(r).ok());
    CliError::usage(match (fe, record) {
        (FirmwareError::AlgorithmNotAllowed, Some(r)) if !r.allowed.contains(key.alg) => format!(
            "{name}: the endorsement does not allow {} (it allows {})",
            key.alg.name(),
            describe_set(r.allowed)
        ),
        (FirmwareError::AlgorithmNotAllowed, _) => {
            format!("{} cannot sign firmware images", key.alg.name())
        }
        (FirmwareError::DelegationOutOfRange, Some(r)) => format!(
            "{name}: security version {} is outside the endorsed range {}..={}",
            params.security_version, r.min_security_version, r.max_security_version
        ),
        (FirmwareError::BadSignature, Some(_)) => {
            format!("{name}: the endorsement is not for this signing key")
        }
        (other, _) => format!("signing failed: {}", other.description()),
    })
}

// ---------------------------------------------------------------------------------------------
// verify
// ---------------------------------------------------------------------------------------------

/// What to verify against.
pub struct VerifyRequest<'a> {
    /// The trust anchors.
    pub anchors: &'a [TrustAnchor],
    /// The device's anti-rollback counter.
    pub min_security_version: u64,
    /// The device's class; `None` takes the image's own (and checks nothing).
    pub device_class: Option<DeviceClass>,
    /// The accepted algorithms.
    pub allowed: AlgorithmSet,
}

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
    let anchors = match (&a.pubkey, &a.trust_store) {
        (Some(path), None) => {
            let pk = PublicKey::load(path)?;
            let id = key_id(&pk).map_err(|e| CliError::file(path, e.message))?;
            vec![TrustAnchor::active(KeyId(id))]
        }
        (None, Some(path)) => {
            let anchors = trust_store::load(path)?;
            if anchors.is_empty() {
                return Err(CliError::file(path, "the trust store has no anchors"));
            }
            anchors
                .iter()
                .map(|a| match a.state {
                    AnchorState::Active => TrustAnchor::active(KeyId(a.key_id)),
                    AnchorState::Revoked => TrustAnchor::revoked(KeyId(a.key_id)),
                })
                .collect()
        }
        _ => {
            return Err(CliError::usage(
                "pass exactly one of --pubkey and --trust-store",
            ));
        }
    };
    let device_class = match &a.device_class {
        Some(text) => Some(parse_device_class(text)?),
        None => None,
    };
    let req = VerifyRequest {
        anchors: &anchors,
        min_security_version: a.min_security_version,
        device_class,
        allowed: allowed_set(&a.allow),
    };
    let outcome = verify_file(&a.image, &req, true)?;
    print_verify(&a.image, &req, &outcome);
    match outcome.result {
        Ok(_) => Ok(()),
        Err(reason) => Err(CliError::invalid(&a.image, reason)),
    }
}

/// Streams `path` through a [`Verifier`]. I/O errors are `Err` (exit 2); a rejected image is
/// `Ok` with `result: Err(reason)`.
pub fn verify_file(path: &Path, req: &VerifyRequest<'_>, progress: bool) -> Result<VerifyOutcome> {
    let mut file = File::open(path).map_err(|e| CliError::io(path, &e))?;
    let meta = file.metadata().map_err(|e| CliError::io(path, &e))?;
    if meta.is_dir() {
        return Err(CliError::file(path, "is a directory"));
    }
    let file_len = meta.len();

    // The header is not trusted here: it is only read to name the image's own device class
    // (when none was given) and to explain a rejection.
    let mut fixed = [0u8; FIXED_HEADER_LEN];
    let got = read_up_to(&mut file, &mut fixed).map_err(|e| CliError::io(path, &e))?;
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
    file.seek(SeekFrom::Start(0))
        .map_err(|e| CliError::io(path, &e))?;

    let policy = Policy {
        trust_anchors: req.anchors,
        min_security_version: req.min_security_version,
        device_class: class,
        allowed: req.allowed,
    };
    // The largest trailer any image can have: a host tool accepts every valid image.
    let mut verifier = Box::new(Verifier::<'_, MAX_TRAILER_CAPACITY>::with_capacity(&policy));
    let bar = if progress {
        progress_bar(file_len, "verifying")
    } else {
        ProgressBar::hidden()
    };
    let mut buf = vec![0u8; CHUNK];
    let mut failed = None;
    loop {
        let n = file.read(&mut buf).map_err(|e| CliError::io(path, &e))?;
        let Some(chunk) = buf.get(..n).filter(|c| !c.is_empty()) else {
            break;
        };
        if let Err(e) = verifier.update(chunk) {
            // Errors stick; no need to read further.
            failed = Some(e);
            break;
        }
        bar.inc(n as u64);
    }
    bar.finish_and_clear();
    let result = match failed {
        Some(e) => Err(e),
        None => verifier.finish(),
    };
    Ok(VerifyOutcome {
        header,
        device_class,
        result: result.map_err(|e| explain(&e, header.as_ref(), &policy, file_len)),
    })
}

fn read_up_to(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while let Some(rest) = buf.get_mut(filled..).filter(|r| !r.is_empty()) {
        let n = file.read(rest)?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    Ok(filled)
}

/// The user-facing reason for a rejection, with the numbers that explain it.
fn explain(
    e: &pqhybrid::Error,
    header: Option<&Header>,
    policy: &Policy<'_>,
    file_len: u64,
) -> String {
    let (Some(fe), Some(h)) = (fw_error(e), header) else {
        return fw_reason(e);
    };
    let signer_state = policy.key_state(&h.signer_key_id);
    match fe {
        FirmwareError::RevokedKey if signer_state == Some(KeyState::Revoked) => {
            format!("image signed by a revoked key ({})", h.signer_key_id)
        }
        FirmwareError::RevokedKey => "image signed by a key endorsed by a revoked root key".into(),
        FirmwareError::UnknownKey if h.delegated => format!(
            "signing key is not trusted: neither it ({}) nor the root that endorsed it is in the \
             trust store",
            h.signer_key_id
        ),
        FirmwareError::UnknownKey => format!(
            "signing key is not trusted (key id {} is not in the trust store)",
            h.signer_key_id
        ),
        FirmwareError::Rollback => format!(
            "rollback: security version {} is below the device minimum {}",
            h.security_version, policy.min_security_version
        ),
        FirmwareError::WrongDeviceClass => format!(
            "image is for device class {}, not {}",
            hex::format_uuid(&h.device_class.0),
            hex::format_uuid(&policy.device_class.0)
        ),
        FirmwareError::AlgorithmNotAllowed if !policy.allowed.contains(h.algorithm) => format!(
            "signature algorithm {} is not allowed by the policy (--allow {})",
            h.algorithm.name(),
            describe_set(policy.allowed)
        ),
        FirmwareError::AlgorithmNotAllowed => {
            "algorithm not allowed: the endorsement does not allow the signing algorithm, or the \
             policy does not allow the root's algorithm"
                .into()
        }
        FirmwareError::DelegationOutOfRange => format!(
            "security version {} is outside the range the endorsement allows",
            h.security_version
        ),
        FirmwareError::Truncated => format!(
            "image is truncated: the file has {file_len} bytes, the header announces {}",
            h.image_len()
        ),
        FirmwareError::LengthMismatch if file_len > h.image_len() => format!(
            "image length mismatch: the file has {file_len} bytes, the header announces {}",
            h.image_len()
        ),
        FirmwareError::DigestMismatch => {
            "payload digest mismatch (the payload was modified after signing)".into()
        }
        FirmwareError::BadSignature => {
            "bad signature: the image signature or the endorsement does not verify".into()
        }
        other => other.description().into(),
    }
}

fn fw_error(e: &pqhybrid::Error) -> Option<FirmwareError> {
    match e {
        pqhybrid::Error::Firmware(fe) => Some(*fe),
        _ => None,
    }
}

/// A reason without context: the firmware error's description, or the library error.
fn fw_reason(e: &pqhybrid::Error) -> String {
    match fw_error(e) {
        Some(fe) => fe.description().into(),
        None => describe(e),
    }
}

fn print_verify(path: &Path, req: &VerifyRequest<'_>, outcome: &VerifyOutcome) {
    let mut out = String::new();
    match &outcome.result {
        Ok(v) => {
            out.push_str(&format!("{}: VALID\n", path.display()));
            let h = v.header();
            push_header_fields(&mut out, h);
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
        "  policy             minimum security version {}, algorithms {}, {} trust anchor(s)\n",
        req.min_security_version,
        describe_set(req.allowed),
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

fn push_header_fields(out: &mut String, h: &Header) {
    let sbom = h
        .sbom_digest
        .map_or_else(|| "none".to_owned(), |d| hex::encode(&d));
    out.push_str(&format!(
        "  algorithm          {}\n  signer key id      {}\n  security version   {}\n  \
         version            {}\n  device class       {}\n  payload            {} bytes, {} {}\n  \
         sbom digest        {sbom}\n",
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

// ---------------------------------------------------------------------------------------------
// inspect
// ---------------------------------------------------------------------------------------------

/// `pqhybrid inspect`: reads the header and the signature block (not the payload), verifies
/// nothing.
pub fn inspect(path: &Path, json: bool) -> Result<()> {
    let mut file = File::open(path).map_err(|e| CliError::io(path, &e))?;
    let file_len = file.metadata().map_err(|e| CliError::io(path, &e))?.len();
    let mut fixed = [0u8; FIXED_HEADER_LEN];
    let got = read_up_to(&mut file, &mut fixed).map_err(|e| CliError::io(path, &e))?;
    let header = Header::parse(fixed.get(..got).unwrap_or(&[])).map_err(|e| {
        CliError::file(
            path,
            format!("not a pqhybrid firmware image: {}", fw_reason(&e)),
        )
    })?;

    // The signature block, if the file holds it.
    let trailer_off = header.trailer_offset();
    let mut trailer = Vec::new();
    let block_problem: Option<String> =
        if usize::try_from(header.trailer_len).map_or(true, |n| n > MAX_TRAILER_CAPACITY) {
            Some(format!(
                "signature block of {} bytes is larger than any valid one ({MAX_TRAILER_CAPACITY})",
                header.trailer_len
            ))
        } else if file_len < header.image_len() {
            Some(format!(
                "file is truncated: {file_len} bytes, the header announces {}",
                header.image_len()
            ))
        } else {
            file.seek(SeekFrom::Start(trailer_off))
                .map_err(|e| CliError::io(path, &e))?;
            trailer.resize(usize::try_from(header.trailer_len).unwrap_or(usize::MAX), 0);
            file.read_exact(&mut trailer)
                .map_err(|e| CliError::io(path, &e))?;
            None
        };
    let (block, block_problem) = match block_problem {
        Some(p) => (None, Some(p)),
        None => match SignatureBlock::parse(&trailer, &header) {
            Ok(b) => (Some(b), None),
            Err(e) => (None, Some(format!("signature block: {}", fw_reason(&e)))),
        },
    };
    let extra = file_len.saturating_sub(header.image_len());

    if json {
        let v = inspect_json(
            path,
            &header,
            block.as_ref(),
            block_problem.as_deref(),
            file_len,
        );
        let text = serde_json::to_string_pretty(&v)
            .map_err(|e| CliError::usage(format!("JSON output: {e}")))?;
        outln!("{text}");
    } else {
        let mut out = format!(
            "{}: pqhybrid firmware image (manifest only; NOT verified: use `pqhybrid verify`)\n",
            path.display()
        );
        push_header_fields(&mut out, &header);
        out.push_str(&format!(
            "  layout             header {} + payload {} + signature block {} = {} bytes (file: \
             {file_len})\n",
            header.header_len,
            header.payload_len,
            header.trailer_len,
            header.image_len()
        ));
        if extra > 0 {
            out.push_str(&format!(
                "  warning            {extra} bytes follow the image\n"
            ));
        }
        if let Some(b) = &block {
            let matches = firmware::key_id(b.algorithm, b.public_key)
                .map(|id| id == header.signer_key_id)
                .unwrap_or(false);
            out.push_str(&format!(
                "  public key         {} bytes ({})\n  signature          {} bytes\n",
                b.public_key.len(),
                if matches {
                    "hashes to the signer key id"
                } else {
                    "does NOT hash to the signer key id"
                },
                b.signature.len()
            ));
            match &b.endorsement {
                Some(e) => out.push_str(&format!(
                    "  endorsement        by root key {} ({}), security versions {}..={}, \
                     algorithms {}\n",
                    e.root_key_id()
                        .map_or_else(|_| "?".to_owned(), |id| id.to_string()),
                    e.root_algorithm.name(),
                    e.min_security_version,
                    e.max_security_version,
                    describe_set(e.allowed)
                )),
                None => out.push_str("  endorsement        none\n"),
            }
        }
        if let Some(p) = &block_problem {
            out.push_str(&format!("  problem            {p}\n"));
        }
        out!("{out}");
    }
    Ok(())
}

fn inspect_json(
    path: &Path,
    h: &Header,
    block: Option<&SignatureBlock<'_>>,
    problem: Option<&str>,
    file_len: u64,
) -> serde_json::Value {
    let block_json = block.map(|b| {
        let matches = firmware::key_id(b.algorithm, b.public_key)
            .map(|id| id == h.signer_key_id)
            .unwrap_or(false);
        json!({
            "algorithm": b.algorithm.name(),
            "public_key": hex::encode(b.public_key),
            "public_key_len": b.public_key.len(),
            "public_key_matches_signer_key_id": matches,
            "signature": hex::encode(b.signature),
            "signature_len": b.signature.len(),
        })
    });
    let endorsement = block.and_then(|b| b.endorsement.as_ref()).map(|e| {
        json!({
            "root_algorithm": e.root_algorithm.name(),
            "root_algorithm_id": firmware::algorithm_id(e.root_algorithm),
            "root_key_id": e.root_key_id().ok().map(|id| id.to_string()),
            "root_public_key": hex::encode(e.root_public_key),
            "min_security_version": e.min_security_version,
            "max_security_version": e.max_security_version,
            "allowed": e.allowed.iter().map(|a| a.name()).collect::<Vec<_>>(),
            "allowed_bits": e.allowed.bits(),
            "signature": hex::encode(e.signature),
            "signature_len": e.signature.len(),
        })
    });
    json!({
        "file": path.display().to_string(),
        "verified": false,
        "format_version": firmware::FORMAT_VERSION,
        "header_len": h.header_len,
        "payload_len": h.payload_len,
        "trailer_len": h.trailer_len,
        "image_len": h.image_len(),
        "file_len": file_len,
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
        "signature_block": block_json,
        "endorsement": endorsement,
        "problem": problem,
    })
}

// ---------------------------------------------------------------------------------------------
// endorse
// ---------------------------------------------------------------------------------------------

/// `pqhybrid endorse`.
pub fn endorse(a: &EndorseArgs) -> Result<()> {
    let root = PrivateKey::load(&a.root_key)?;
    let release = PublicKey::load(&a.release_pubkey)?;
    let allowed = allowed_set(&a.allow);
    let record = endorse_key(
        &root,
        &release,
        a.min_security_version,
        a.max_security_version,
        allowed,
    )?;
    fs::write(&a.out, &record).map_err(|e| CliError::io(&a.out, &e))?;
    errln!(
        "wrote endorsement ({} bytes) to {}: root {} ({}) endorses release key {} ({}) for \
         security versions {}..={}, algorithms {}",
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
    Ok(())
}

/// Makes an endorsement record.
pub fn endorse_key(
    root: &PrivateKey,
    release: &PublicKey,
    min: u64,
    max: u64,
    allowed: AlgorithmSet,
) -> Result<Vec<u8>> {
    if min > max {
        return Err(CliError::usage(format!(
            "--min-security-version {min} is above --max-security-version {max}"
        )));
    }
    for alg in [root.alg, release.alg] {
        if firmware::algorithm_id(alg).is_none() {
            return Err(CliError::usage(format!(
                "{} keys cannot be used for firmware",
                alg.name()
            )));
        }
    }
    if !allowed.contains(release.alg) {
        return Err(CliError::usage(format!(
            "the release key is {}, which --allow {} does not include",
            release.alg.name(),
            describe_set(allowed)
        )));
    }
    let mut out = vec![0u8; firmware::endorsement_max_len(root.alg)];
    let n = firmware::endorse(
        root.alg,
        &root.sk,
        release.alg,
        &release.pk,
        min,
        max,
        allowed,
        &mut OsRng::default(),
        &mut out,
    )
    .map_err(|e| match fw_error(&e) {
        Some(FirmwareError::AlgorithmNotAllowed) => CliError::usage(format!(
            "{} cannot endorse or be endorsed for firmware",
            root.alg.name()
        )),
        _ => CliError::usage(format!("endorsement failed: {}", fw_reason(&e))),
    })?;
    out.truncate(n);
    Ok(out)
}
