//! The CLI's error type: a message for the user and the process exit code.
//!
//! Exit codes: 0 success / valid image, 1 invalid image (verification failed), 2 usage or I/O
//! error. Messages name the file and the reason; nothing here ever carries key material.

use std::fmt;
use std::path::Path;

/// Exit code of a successful run (and of a valid image).
pub const EXIT_OK: u8 = 0;
/// Exit code of an image that failed verification.
pub const EXIT_INVALID: u8 = 1;
/// Exit code of a usage, input or I/O error.
pub const EXIT_USAGE: u8 = 2;

/// A failure, printed as `error: <message>` and turned into the exit code.
#[derive(Debug)]
pub struct CliError {
    /// The exit code ([`EXIT_INVALID`] or [`EXIT_USAGE`]).
    pub code: u8,
    /// What went wrong, already naming the file concerned.
    pub message: String,
}

/// The CLI's result type.
pub type Result<T> = std::result::Result<T, CliError>;

impl CliError {
    /// A usage or input error (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            code: EXIT_USAGE,
            message: message.into(),
        }
    }

    /// A usage or input error about a file (exit 2): `<file>: <reason>`.
    pub fn file(path: &Path, reason: impl fmt::Display) -> Self {
        Self::usage(format!("{}: {reason}", path.display()))
    }

    /// An I/O error on a file (exit 2).
    pub fn io(path: &Path, err: &std::io::Error) -> Self {
        Self::file(path, io_reason(err))
    }

    /// A verification failure (exit 1): `<file>: <reason>`.
    pub fn invalid(path: &Path, reason: impl fmt::Display) -> Self {
        Self {
            code: EXIT_INVALID,
            message: format!("{}: {reason}", path.display()),
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// A short, lowercase description of an I/O error, without the `(os error N)` noise.
fn io_reason(err: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match err.kind() {
        K::NotFound => "no such file or directory".into(),
        K::PermissionDenied => "permission denied".into(),
        K::AlreadyExists => "file already exists (use --force to overwrite)".into(),
        K::IsADirectory => "is a directory".into(),
        K::UnexpectedEof => "unexpected end of file".into(),
        _ => err.to_string(),
    }
}

/// A human-readable description of a library error (never includes key material).
pub fn describe(err: &pqhybrid::Error) -> String {
    err.to_string()
}
