//! `pqhybrid identity`: device identity on top of `pqhybrid::identity` (a DICE layered
//! identity with hybrid keys).
//!
//! One module per job: `ca` (the development manufacturer CA: `ca-init`, `issue`), `device`
//! (a device's first layer: verify the image, derive the DeviceID and Alias keys, write the
//! CSR, the Alias certificate and the evidence), `verify` (the attestation verifier). `files`
//! reads certificate inputs (PEM or DER) and writes the documents, `pem` is the armour and
//! `der` a small reader of the certificate fields that messages need.

mod ca;
mod der;
mod device;
mod files;
mod pem;
mod verify;

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use pqhybrid::SignatureAlgorithm;
use pqhybrid::error::IdentityError;
use pqhybrid::identity::{self, MAX_NONCE_LEN, MAX_TCB_STRING_LEN, Mode};

use crate::error::{CliError, Result, describe};
use crate::{PolicyArgs, hex};

pub use ca::{init as ca_init, issue};
pub use device::{DeviceRequest, derive as device_derive};
pub use files::write_atomic;
pub use verify::{AttestationFiles, ReferenceArgs, verify_files};

/// The `after_help` of `identity` and its commands: files and exit codes.
pub const IDENTITY_HELP: &str = "\
Files: certificates and CSRs are written as PEM (CERTIFICATE, CERTIFICATE REQUEST) and read as
PEM or DER. A CA directory holds ca.key (PKCS#8 PEM, mode 0600) and ca.crt; a device directory
device_id.csr, alias.crt and, with --nonce, evidence.crt.

Exit codes:
  0  success (for identity verify: the attestation is valid)
  1  the image (identity device), the CSR (identity issue) or the attestation (identity verify)
     is invalid: a firmware rejection, a bad proof of possession, an unknown root, a bad nonce,
     a measurement mismatch, a rollback, a bad signature, a malformed certificate, ...
  2  usage, input or I/O error (bad arguments, missing file, malformed CA key, CA certificate
     or root certificate, an output file that exists without --force, ...)";

/// The default common name of `ca-init`.
pub const DEFAULT_CA_NAME: &str = "pqhybrid development CA";
/// The default vendor of `identity device`.
pub const DEFAULT_VENDOR: &str = "pqhybrid";
/// The default model of `identity device`.
pub const DEFAULT_MODEL: &str = "pqhybrid-device";

#[derive(Subcommand, Debug)]
pub enum IdentityCommand {
    /// Create a development manufacturer CA: DIR/ca.key and its self-signed DIR/ca.crt.
    ///
    /// The key is generated with the operating system's generator and written as `keygen`
    /// writes keys (PKCS#8 PEM, mode 0600). Only ML-DSA and the composites can hold an
    /// identity.
    #[command(name = "ca-init", after_help = IDENTITY_HELP)]
    CaInit(CaInitArgs),
    /// Issue a DeviceID certificate from a device's CSR, after checking its proof of
    /// possession.
    #[command(after_help = IDENTITY_HELP)]
    Issue(IssueArgs),
    /// Simulate a device's first layer: verify the image as `pqhybrid verify` does, derive the
    /// DeviceID and Alias keys, write the CSR, the Alias certificate and the evidence.
    ///
    /// The DeviceID key is derived from the Unique Device Secret (Open DICE), the Alias key
    /// from the CDIs of the next layer, which measure the verified image (its image id,
    /// device class, versions and signer) and the mode. A rejected image fails with the
    /// firmware error, as `verify` does, and nothing is written.
    #[command(after_help = IDENTITY_HELP)]
    Device(DeviceArgs),
    /// Verify a device's attestation: root -> DeviceID -> Alias -> evidence, the nonce and the
    /// firmware's reference values.
    #[command(after_help = IDENTITY_HELP)]
    Verify(IdentityVerifyArgs),
}

#[derive(Args, Debug)]
pub struct CaInitArgs {
    /// The CA directory (created if missing): ca.key and ca.crt are written into it.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Identity algorithm: ML-DSA-44/65/87 or a composite (see `pqhybrid algs`).
    #[arg(long, default_value = identity::DEFAULT_ALGORITHM.name())]
    alg: String,
    /// The CA's common name (a PrintableString: letters, digits, space and '()+,-./:=?).
    #[arg(long, value_name = "CN", default_value = DEFAULT_CA_NAME)]
    name: String,
    /// Overwrite an existing ca.key and ca.crt.
    #[arg(long)]
    force: bool,
}

#[derive(Args, Debug)]
pub struct IssueArgs {
    /// The CA directory (from `identity ca-init`): ca.key and ca.crt.
    #[arg(long, value_name = "DIR")]
    ca: PathBuf,
    /// The device's CSR (PEM CERTIFICATE REQUEST or DER), from `identity device`.
    #[arg(long, value_name = "FILE")]
    csr: PathBuf,
    /// Output: the DeviceID certificate (PEM).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Overwrite an existing output file.
    #[arg(long)]
    force: bool,
}

/// The DICE mode of the booted image.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    /// Normal operation
    Normal,
    /// Debug access enabled
    Debug,
    /// A recovery or maintenance image
    Recovery,
}

impl From<ModeArg> for Mode {
    fn from(m: ModeArg) -> Self {
        match m {
            ModeArg::Normal => Mode::Normal,
            ModeArg::Debug => Mode::Debug,
            ModeArg::Recovery => Mode::Recovery,
        }
    }
}

#[derive(Args, Debug)]
pub struct DeviceArgs {
    /// The Unique Device Secret: 32 raw bytes, or 64 hex digits.
    #[arg(long, value_name = "FILE")]
    uds: PathBuf,
    /// The signed image the device boots.
    #[arg(long, value_name = "SIGNED_IMAGE")]
    image: PathBuf,
    #[command(flatten)]
    policy: PolicyArgs,
    /// Identity algorithm of the DeviceID and Alias keys: ML-DSA-44/65/87 or a composite.
    #[arg(long, default_value = identity::DEFAULT_ALGORITHM.name())]
    alg: String,
    /// The vendor the Alias certificate names (at most 64 bytes).
    #[arg(long, value_name = "S", default_value = DEFAULT_VENDOR)]
    vendor: String,
    /// The model the Alias certificate names (at most 64 bytes).
    #[arg(long, value_name = "S", default_value = DEFAULT_MODEL)]
    model: String,
    /// The mode the image runs in, measured into the Alias key and certificate.
    #[arg(long, value_enum, default_value = "normal")]
    mode: ModeArg,
    /// A verifier's nonce (1 to 64 bytes as hex): also write evidence.crt for it.
    #[arg(long, value_name = "HEX")]
    nonce: Option<String>,
    /// Output directory (created if missing): device_id.csr, alias.crt, evidence.crt.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Overwrite existing output files.
    #[arg(long)]
    force: bool,
}

#[derive(Args, Debug)]
pub struct IdentityVerifyArgs {
    /// A trusted manufacturer root certificate (PEM or DER); repeat for several.
    #[arg(long, value_name = "CA.crt", required = true)]
    root: Vec<PathBuf>,
    /// The device's DeviceID certificate (from `identity issue`).
    #[arg(long, value_name = "FILE")]
    device_id_cert: PathBuf,
    /// The device's Alias certificate.
    #[arg(long, value_name = "FILE")]
    alias_cert: PathBuf,
    /// The evidence the device wrote for the nonce.
    #[arg(long, value_name = "FILE")]
    evidence: PathBuf,
    /// The nonce the verifier sent (1 to 64 bytes as hex).
    #[arg(long, value_name = "HEX")]
    nonce: String,
    /// An accepted firmware image id (64 hex digits, from `pqhybrid verify` or `inspect`);
    /// repeat for several. Default: any image (only the security version is checked).
    #[arg(long, value_name = "HEX")]
    image_id: Vec<String>,
    /// The lowest firmware security version accepted (anti-rollback).
    #[arg(long, value_name = "N", default_value_t = 0)]
    min_security_version: u64,
    /// Also accept devices in debug, recovery or not-configured mode (lab devices).
    #[arg(long)]
    allow_debug: bool,
}

/// Runs an `identity` command.
pub fn run(command: IdentityCommand) -> Result<()> {
    match command {
        IdentityCommand::CaInit(a) => ca::ca_init_command(&a),
        IdentityCommand::Issue(a) => ca::issue_command(&a),
        IdentityCommand::Device(a) => device::device_command(&a),
        IdentityCommand::Verify(a) => verify::verify_command(&a),
    }
}

/// Resolves an algorithm name, accepting only identity algorithms (ML-DSA, composites).
pub fn parse_identity_algorithm(name: &str) -> Result<SignatureAlgorithm> {
    let alg = SignatureAlgorithm::from_name(name).ok_or_else(|| {
        CliError::usage(format!(
            "--alg: unknown algorithm `{name}` (see `pqhybrid algs`)"
        ))
    })?;
    if !identity::is_identity_algorithm(alg) {
        return Err(CliError::usage(format!(
            "--alg: {} cannot hold a device identity: use ML-DSA-44/65/87 or a composite \
             (for example {})",
            alg.name(),
            identity::DEFAULT_ALGORITHM.name()
        )));
    }
    Ok(alg)
}

/// Parses a nonce given as hex (`flag` names the option in errors): 1 to [`MAX_NONCE_LEN`]
/// bytes.
pub fn parse_nonce(flag: &str, text: &str) -> Result<Vec<u8>> {
    let bytes = hex::decode_vec(text.trim()).ok_or_else(|| {
        CliError::usage(format!(
            "{flag} `{text}`: expected hex (an even number of hex digits)"
        ))
    })?;
    if bytes.is_empty() || bytes.len() > MAX_NONCE_LEN {
        return Err(CliError::usage(format!(
            "{flag}: a nonce is 1 to {MAX_NONCE_LEN} bytes ({} hex digits at most), not {}",
            2 * MAX_NONCE_LEN,
            bytes.len()
        )));
    }
    Ok(bytes)
}

/// Checks a vendor or model string for the Alias certificate.
fn check_tcb_string(flag: &str, text: &str) -> Result<()> {
    if text.len() > MAX_TCB_STRING_LEN {
        return Err(CliError::usage(format!(
            "{flag}: at most {MAX_TCB_STRING_LEN} bytes, not {}",
            text.len()
        )));
    }
    Ok(())
}

/// `description [Name]`: every identity rejection names its `IdentityError` variant, as
/// firmware rejections name their `FirmwareError`.
pub fn tagged(message: impl std::fmt::Display, e: IdentityError) -> String {
    format!("{message} [{}]", e.name())
}

/// The identity error of a library error, if it is one.
pub fn identity_error(e: &pqhybrid::Error) -> Option<IdentityError> {
    match e {
        pqhybrid::Error::Identity(ie) => Some(*ie),
        _ => None,
    }
}

/// A library error as a reason: the identity error's description and name, or the error.
pub fn reason(e: &pqhybrid::Error) -> String {
    match identity_error(e) {
        Some(ie) => tagged(ie.description(), ie),
        None => describe(e),
    }
}

/// A mode's name in messages.
pub fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::NotConfigured => "not-configured",
        Mode::Normal => "normal",
        Mode::Debug => "debug",
        Mode::Recovery => "recovery",
    }
}
