//! `pqhybrid sign`: streams a payload into a signed image.

use std::fs::{self, File};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use pqhybrid::firmware::{
    self, DEFAULT_TRAILER_CAPACITY, DigestAlgorithm, Endorsement, FORMAT_VERSION, FORMAT_VERSION_1,
    FirmwareError, ImageParams, ImageSigner, ImageVersion, SignedLengths,
};
use pqhybrid::rng::OsRng;
use sha2::Digest as _;

use super::io::{CHUNK, progress_bar};
use super::policy::{key_id, parse_device_class, require_firmware_key};
use super::report::{describe_classes, describe_set, fw_error, fw_reason, tagged};
use crate::error::{CliError, Result, describe};
use crate::keys::PrivateKey;
use crate::out::errln;
use crate::{DigestArg, SignArgs, hex};

/// Largest endorsement file we read (the largest record is about 50 KB).
const MAX_ENDORSEMENT_FILE: u64 = 256 * 1024;

pub(super) fn digest_alg(d: DigestArg) -> DigestAlgorithm {
    match d {
        DigestArg::Sha256 => DigestAlgorithm::Sha256,
        DigestArg::Sha512 => DigestAlgorithm::Sha512,
        DigestArg::Sha3_256 => DigestAlgorithm::Sha3_256,
        DigestArg::Sha3_512 => DigestAlgorithm::Sha3_512,
    }
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
    require_firmware_key(key.alg, &a.key)?;
    // With --encrypt-to, the payload signed is the encrypted one (a temporary file).
    let encrypted = match &a.encrypt_to {
        Some(path) => {
            let to = super::EncryptTo {
                path,
                kdf: a.hpke_kdf,
                aead: a.hpke_aead,
                chunk_size: a.chunk_size,
            };
            let (tmp, what) = super::encrypt_file(&a.image, &to, &params)?;
            params.encrypted = true;
            Some((tmp, what))
        }
        None => None,
    };
    let payload = encrypted
        .as_ref()
        .map_or(a.image.as_path(), |(t, _)| t.path());
    let lens = sign_file(
        &key,
        &params,
        payload,
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
    if let Some((_, what)) = &encrypted {
        errln!("  payload {what}");
    }
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
