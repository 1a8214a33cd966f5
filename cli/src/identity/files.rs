//! Reading certificate inputs (PEM or DER) and writing the documents (PEM, public, replaced
//! atomically, never overwritten without `--force`).

use std::fs;
use std::io::Write;
use std::path::Path;

use pqhybrid::error::IdentityError;

use super::pem;
use crate::error::{CliError, EXIT_INVALID, Result};

/// Largest certificate or CSR file read (the largest document is about 11 KiB of PEM).
const MAX_DOCUMENT_LEN: u64 = 64 * 1024;

/// The PEM label of a certificate.
pub const CERTIFICATE: &str = "CERTIFICATE";
/// The PEM labels of a CSR (OpenSSL's older label too).
pub const CSR: &[&str] = &["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"];

/// Why a document could not be read.
pub enum ReadError {
    /// The file could not be read (always exit 2).
    Io(CliError),
    /// Its content is not a PEM or DER document of the expected kind: the reason.
    Content(String),
}

impl ReadError {
    /// As a CLI error naming `path`; a content error gets `code`.
    pub fn into_cli(self, path: &Path, code: u8) -> CliError {
        match self {
            Self::Io(e) => e,
            Self::Content(reason) => {
                let e = IdentityError::MalformedCertificate;
                let mut e = CliError::file(path, format!("{reason} [{}]", e.name()));
                e.code = code;
                e
            }
        }
    }

    /// As a CLI error naming `path`, a content error being an invalid document (exit 1).
    pub fn invalid(self, path: &Path) -> CliError {
        self.into_cli(path, EXIT_INVALID)
    }
}

/// Reads a document: PEM with one of `labels`, or DER (a SEQUENCE). `what` names the kind of
/// document in messages ("certificate", "CSR").
pub fn read_document(
    path: &Path,
    labels: &[&str],
    what: &str,
) -> std::result::Result<Vec<u8>, ReadError> {
    let io = |e: &std::io::Error| ReadError::Io(CliError::io(path, e));
    let meta = fs::metadata(path).map_err(|e| io(&e))?;
    if meta.is_dir() {
        return Err(ReadError::Io(CliError::file(path, "is a directory")));
    }
    if meta.len() > MAX_DOCUMENT_LEN {
        return Err(ReadError::Content(format!("too large to be a {what}")));
    }
    let bytes = fs::read(path).map_err(|e| io(&e))?;
    if bytes.is_empty() {
        return Err(ReadError::Content(format!("empty file, not a {what}")));
    }
    let expected = labels
        .first()
        .map_or_else(String::new, |l| format!("PEM {l} or DER"));
    if pem::looks_like_pem(&bytes) {
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| ReadError::Content(format!("not a {what} ({expected}): not text")))?;
        let (label, der) = pem::decode(text)
            .map_err(|reason| ReadError::Content(format!("not a {what}: {reason}")))?;
        if !labels.contains(&label.as_str()) {
            return Err(ReadError::Content(format!(
                "PEM `{label}`, not a {what} ({expected})"
            )));
        }
        return Ok(der);
    }
    if bytes.first() != Some(&0x30) {
        return Err(ReadError::Content(format!("not a {what} ({expected})")));
    }
    Ok(bytes)
}

/// Fails, naming the first of `paths` that exists (a symlink included, even a dangling one),
/// unless `force`.
pub fn refuse_existing(paths: &[&Path], force: bool) -> Result<()> {
    if force {
        return Ok(());
    }
    for path in paths {
        if path.symlink_metadata().is_ok() {
            return Err(CliError::file(
                path,
                "already exists; refusing to overwrite it (use --force)",
            ));
        }
    }
    Ok(())
}

/// Writes a public document (mode 0644) through a temporary file next to `path`, renamed
/// into place: `path` is replaced (a symlink itself, never its target) only with `force`, and
/// is left untouched if writing fails.
pub fn write_public(path: &Path, contents: &[u8], force: bool) -> Result<()> {
    write_atomic(path, contents, 0o644, force)
}

/// Writes `contents` through a temporary file next to `path` (mode `mode` on Unix), renamed
/// into place: `path` is replaced (a symlink itself, never its target) only with `force`, and
/// is left untouched if writing fails. Shared by the identity documents and `seal`/`open`.
pub fn write_atomic(path: &Path, contents: &[u8], mode: u32, force: bool) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if path.is_dir() && !path.is_symlink() {
        return Err(CliError::file(path, "is a directory"));
    }
    let werr = |e: &std::io::Error| CliError::io(path, e);
    // `tempfile` creates the file with mode 0600 on Unix.
    let mut tmp = tempfile::Builder::new()
        .prefix(".pqhybrid-")
        .tempfile_in(dir)
        .map_err(|e| werr(&e))?;
    tmp.write_all(contents).map_err(|e| werr(&e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(fs::Permissions::from_mode(mode))
            .map_err(|e| werr(&e))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    tmp.as_file().sync_all().map_err(|e| werr(&e))?;
    let persisted = if force {
        tmp.persist(path)
    } else {
        tmp.persist_noclobber(path)
    };
    persisted.map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            CliError::file(
                path,
                "already exists; refusing to overwrite it (use --force)",
            )
        } else {
            werr(&e.error)
        }
    })?;
    Ok(())
}

/// Creates the output directory `dir` (and its parents).
pub fn create_dir(dir: &Path) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        return Err(CliError::file(dir, "exists and is not a directory"));
    }
    fs::create_dir_all(dir).map_err(|e| CliError::io(dir, &e))
}
