//! The firmware commands: `sign`, `verify`, `inspect`, `endorse`, on top of
//! `pqhybrid::firmware`. Files are streamed: neither signing nor verification reads a whole
//! image into memory.

use std::fs::{self, File};
use std::io::{IsTerminal, Read, Seek, SeekFrom, Write};
use std::path::Path;

use indicatif::{ProgressBar, ProgressStyle};
use pqhybrid::SignatureAlgorithm;
use pqhybrid::firmware::{
    self, AlgorithmSet, ClassScope, DEFAULT_MAX_SECURITY_VERSION, DEFAULT_TRAILER_CAPACITY,
    DeviceClass, DigestAlgorithm, Endorsement, EndorsementParams, FIXED_HEADER_LEN, FORMAT_VERSION,
    FORMAT_VERSION_1, FirmwareError, Header, ImageParams, ImageSigner, ImageVersion, KeyId,
    KeyState, MAX_ENDORSED_CLASSES, MAX_TRAILER_CAPACITY, Manifest, Policy, SignatureBlock,
    SignedLengths, TrustAnchor, VerifiedImage, Verifier,
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

/// `message [VariantName]`: every firmware rejection names its `FirmwareError` variant.
fn tagged(message: impl std::fmt::Display, fe: FirmwareError) -> String {
    format!("{message} [{}]", fe.name())
}

/// The device classes an endorsement covers, for messages.
fn describe_classes(e: &Endorsement<'_>) -> String {
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
    let mut params = ImageParams::new(parse_device_class(&a.device_class)?, a.security_version);
    params.version = parse_version(&a.version)?;
    params.digest = digest_alg(a.digest);
    params.header_len = a.header_len;
    params.security_version_limit = if a.force {
        u64::MAX
    } else {
        a.max_security_version
    };
    // Refuse bad parameters before touching the key or reading any file.
    check_image_params(&params, a.max_security_version, &a.out)?;
    params.sbom_digest = match &a.sbom {
        Some(path) => Some(sha256_file(path)?),
        None => None,
    };
    let endorsement = match &a.endorsement {
        Some(path) => Some(read_endorsement(path)?),
        None => None,
    };
    let key = PrivateKey::load(&a.key)?;
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
    if a.security_version > a.max_security_version {
        errln!(
            "warning: {}: security version {} is above --max-security-version {} (signed because \
             of --force): a device whose counter cannot store it rejects the image or truncates \
             the value",
            a.out.display(),
            a.security_version,
            a.max_security_version
        );
    }
    warn_trailer(&a.out, lens.trailer_len);
    Ok(())
}

/// Warns (one line on stderr) when a signature block of `trailer_len` bytes does not fit the
/// default trailer capacity, [`DEFAULT_TRAILER_CAPACITY`].
fn warn_trailer(out: &Path, trailer_len: usize) {
    if trailer_len > DEFAULT_TRAILER_CAPACITY {
        errln!(
            "warning: {}: signature block of {trailer_len} bytes exceeds the default trailer \
             capacity of {DEFAULT_TRAILER_CAPACITY} bytes: devices with the default verifier (Rust \
             default, C API) reject it with TrailerTooLarge; only a device built with a capacity \
             of at least {trailer_len} bytes accepts it (`pqhybrid verify --trailer-capacity \
             {trailer_len}`)",
            out.display()
        );
    }
}

/// Checks what [`ImageSigner::new`] checks, with a message naming `out` (`max` is the
/// user's `--max-security-version`, for the message).
fn check_image_params(params: &ImageParams, max: u64, out: &Path) -> Result<()> {
    ImageSigner::new(params)
        .map(drop)
        .map_err(|e| image_params_error(&e, params, max, out))
}

fn image_params_error(e: &pqhybrid::Error, params: &ImageParams, max: u64, out: &Path) -> CliError {
    let reason = match fw_error(e) {
        Some(fe @ FirmwareError::SecurityVersionTooLarge) => tagged(
            format!(
                "not signed: security version {} is above --max-security-version {max} (a device \
                 counter of that width cannot store it; raise --max-security-version only for \
                 devices with a wider counter, or pass --force)",
                params.security_version
            ),
            fe,
        ),
        Some(fe @ FirmwareError::BadHeaderLength) => tagged(
            format!(
                "not signed: --header-len {} must be 192 to 4096 and a multiple of 8",
                params.header_len
            ),
            fe,
        ),
        _ => format!("not signed: bad image parameters: {}", fw_reason(e)),
    };
    CliError::file(out, reason)
}

/// Reads an endorsement record file and checks that it parses as a format-2 record.
pub fn read_endorsement(path: &Path) -> Result<Vec<u8>> {
    let meta = fs::metadata(path).map_err(|e| CliError::io(path, &e))?;
    if meta.is_dir() {
        return Err(CliError::file(path, "is a directory"));
    }
    if meta.len() > MAX_ENDORSEMENT_FILE {
        return Err(CliError::file(
            path,
            "too large to be an endorsement record",
        ));
    }
    let bytes = fs::read(path).map_err(|e| CliError::io(path, &e))?;
    if let Err(e) = Endorsement::parse(&bytes, FORMAT_VERSION) {
        if Endorsement::parse(&bytes, FORMAT_VERSION_1).is_ok() {
            return Err(CliError::file(
                path,
                tagged(
                    "a format-1 endorsement record (not scoped to device classes), which format-2 \
                     images cannot carry: endorse the release key again with `pqhybrid endorse \
                     --device-class ID` (or --any-class)",
                    FirmwareError::UnsupportedVersion,
                ),
            ));
        }
        return Err(CliError::file(
            path,
            format!("not an endorsement record ({})", fw_reason(&e)),
        ));
    }
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
/// `endorsement` is `(file name for messages, record)`. Nothing is written to `out` on error.
pub fn sign_file(
    key: &PrivateKey,
    params: &ImageParams,
    image: &Path,
    out: &Path,
    endorsement: Option<(Option<&Path>, &[u8])>,
    deterministic: bool,
) -> Result<SignedLengths> {
    let mut signer = ImageSigner::new(params)
        .map_err(|e| image_params_error(&e, params, params.security_version_limit, out))?;
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
    let lens = signed.map_err(|e| sign_error(&e, key, params, endorsement, out))?;
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
    out: &Path,
) -> CliError {
    let name = endorsement
        .and_then(|(p, _)| p)
        .map_or_else(|| "endorsement".to_owned(), |p| p.display().to_string());
    let Some(fe) = fw_error(e) else {
        return CliError::file(out, format!("not signed: {}", describe(e)));
    };
    let record = endorsement.and_then(|(_, r)| Endorsement::parse(r, FORMAT_VERSION).ok());
    CliError::usage(match (fe, record) {
        (FirmwareError::AlgorithmNotAllowed, Some(r)) if !r.allowed.contains(key.alg) => tagged(
            format!(
                "{name}: the endorsement does not allow {} (it allows {})",
                key.alg.name(),
                describe_set(r.allowed)
            ),
            fe,
        ),
        (FirmwareError::AlgorithmNotAllowed, _) => tagged(
            format!(
                "{}: not signed: {} cannot sign firmware images",
                out.display(),
                key.alg.name()
            ),
            fe,
        ),
        (FirmwareError::DelegationOutOfRange, Some(r)) => tagged(
            format!(
                "{name}: security version {} is outside the endorsed range {}..={}",
                params.security_version, r.min_security_version, r.max_security_version
            ),
            fe,
        ),
        (FirmwareError::ClassNotEndorsed, Some(r)) => tagged(
            format!(
                "{name}: the endorsement does not cover device class {} (it covers {})",
                hex::format_uuid(&params.device_class.0),
                describe_classes(&r)
            ),
            fe,
        ),
        (FirmwareError::EndorsedAnchor, Some(_)) => tagged(
            format!(
                "{name}: the endorsement is by the signing key itself; a key cannot endorse itself"
            ),
            fe,
        ),
        (FirmwareError::BadSignature, Some(_)) => tagged(
            format!("{name}: the endorsement is not for this signing key"),
            fe,
        ),
        (other, _) => tagged(
            format!("{}: not signed: {}", out.display(), other.description()),
            other,
        ),
    })
}

// ---------------------------------------------------------------------------------------------
// verify
// ---------------------------------------------------------------------------------------------

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
    /// The device verifier's trailer capacity (1 to [`MAX_TRAILER_CAPACITY`]).
    pub trailer_capacity: usize,
}

impl<'a> VerifyRequest<'a> {
    /// A request with the defaults of a device: minimum security version 0, maximum
    /// [`DEFAULT_MAX_SECURITY_VERSION`], the image's own class, every algorithm, format 2 only,
    /// [`DEFAULT_TRAILER_CAPACITY`].
    pub fn new(anchors: &'a [TrustAnchor]) -> Self {
        Self {
            anchors,
            min_security_version: 0,
            max_security_version: DEFAULT_MAX_SECURITY_VERSION,
            device_class: None,
            allowed: AlgorithmSet::ALL,
            endorse_allowed: AlgorithmSet::ALL,
            accept_v1: false,
            trailer_capacity: DEFAULT_TRAILER_CAPACITY,
        }
    }
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
            fw_anchors(&anchors)
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
    if a.min_security_version > a.max_security_version {
        return Err(CliError::file(
            &a.image,
            format!(
                "not verified: --min-security-version {} is above --max-security-version {}: no \
                 image could pass",
                a.min_security_version, a.max_security_version
            ),
        ));
    }
    let req = VerifyRequest {
        anchors: &anchors,
        min_security_version: a.min_security_version,
        max_security_version: a.max_security_version,
        device_class,
        allowed: allowed_set(&a.allow),
        endorse_allowed: allowed_set(&a.endorse_allowed),
        accept_v1: a.accept_v1,
        trailer_capacity: a.trailer_capacity,
    };
    let outcome = verify_file(&a.image, &req, true)?;
    print_verify(&a.image, &req, &outcome);
    match outcome.result {
        Ok(_) => Ok(()),
        Err(reason) => Err(CliError::invalid(&a.image, reason)),
    }
}

/// The library's trust anchors for a trust store's lines.
pub fn fw_anchors(anchors: &[trust_store::Anchor]) -> Vec<TrustAnchor> {
    anchors
        .iter()
        .map(|a| match a.state {
            AnchorState::Active => TrustAnchor::active(KeyId(a.key_id)),
            AnchorState::Revoked => TrustAnchor::revoked(KeyId(a.key_id)),
        })
        .collect()
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

    let policy = Policy {
        trust_anchors: req.anchors,
        min_security_version: req.min_security_version,
        max_security_version: req.max_security_version,
        device_class: class,
        allowed: req.allowed,
        endorse_allowed: req.endorse_allowed,
        accept_v1: req.accept_v1,
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

/// The signature block announced by `header`, if the file holds it and it is not larger than
/// any valid one. Unverified.
fn read_trailer(file: &mut File, header: &Header, file_len: u64) -> Option<Vec<u8>> {
    let len = usize::try_from(header.trailer_len)
        .ok()
        .filter(|&n| n <= MAX_TRAILER_CAPACITY)?;
    if file_len < header.image_len() {
        return None;
    }
    file.seek(SeekFrom::Start(header.trailer_offset())).ok()?;
    let mut trailer = vec![0u8; len];
    file.read_exact(&mut trailer).ok()?;
    Some(trailer)
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

fn fw_error(e: &pqhybrid::Error) -> Option<FirmwareError> {
    match e {
        pqhybrid::Error::Firmware(fe) => Some(*fe),
        _ => None,
    }
}

/// A reason without context: the firmware error's description and name, or the library error.
fn fw_reason(e: &pqhybrid::Error) -> String {
    match fw_error(e) {
        Some(fe) => tagged(fe.description(), fe),
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
         \x20                    format {}, trailer capacity {} bytes, {} trust anchor(s)\n",
        req.min_security_version,
        req.max_security_version,
        describe_set(req.allowed),
        describe_set(req.endorse_allowed),
        if req.accept_v1 { "1 and 2" } else { "2 only" },
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

fn push_header_fields(out: &mut String, h: &Header) {
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

// ---------------------------------------------------------------------------------------------
// inspect
// ---------------------------------------------------------------------------------------------

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
}

/// `pqhybrid inspect`: prints the header and the signature block and runs the structural checks
/// of the verifier (header padding, lengths, bytes after the image); verifies no digest and no
/// signature.
pub fn inspect(path: &Path, json: bool) -> Result<()> {
    let mut file = File::open(path).map_err(|e| CliError::io(path, &e))?;
    let meta = file.metadata().map_err(|e| CliError::io(path, &e))?;
    if meta.is_dir() {
        return Err(CliError::file(path, "is a directory"));
    }
    let file_len = meta.len();
    let mut fixed = [0u8; FIXED_HEADER_LEN];
    let got = read_up_to(&mut file, &mut fixed).map_err(|e| CliError::io(path, &e))?;
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
        "signature_block": block_json,
        "endorsement": endorsement,
        "problem": found.problem.as_ref().map(|p| p.text.clone()),
        "problem_error": found.problem.as_ref().and_then(|p| p.error).map(FirmwareError::name),
    })
}

// ---------------------------------------------------------------------------------------------
// endorse
// ---------------------------------------------------------------------------------------------

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
