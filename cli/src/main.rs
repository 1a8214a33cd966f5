//! `pqhybrid`: hybrid post-quantum firmware signing, verification and key management.
//!
//! Exit codes: 0 success / valid image, 1 invalid image, 2 usage or I/O error.

mod cmd;
mod demo;
mod error;
mod fw;
mod hex;
mod hpke;
mod identity;
mod keys;
mod out;
mod trust_store;
mod usage;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use pqhybrid::firmware::{DEFAULT_MAX_SECURITY_VERSION, DEFAULT_TRAILER_CAPACITY};
use pqhybrid::hpke::{Aead, Kdf};

use crate::error::{CliError, EXIT_OK, EXIT_USAGE};
use crate::out::errln;

const EXIT_CODES: &str = "\
Exit codes:
  0  success (for verify: the image is valid; for identity verify: the attestation is valid)
  1  the image is invalid (verification failed: bad signature, digest mismatch, rollback,
     wrong device class, unknown or revoked key, algorithm not allowed, ...); for identity:
     the attestation, the CSR or a device document is invalid (bad nonce, unknown root,
     measurement mismatch, rollback, bad signature, malformed certificate, ...); for open:
     the sealed file does not open with the key (wrong key, wrong --aad, modified file)
  2  usage, input or I/O error (bad arguments, missing or malformed file, a key of the
     wrong kind, ...)";

/// Hybrid post-quantum firmware signing, verification and key management.
#[derive(Parser, Debug)]
#[command(name = "pqhybrid", version, after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Generate a private key (PKCS#8 PEM, seed form, file mode 0600): a signature key, or a
    /// KEM key for `seal` / `open`.
    #[command(after_help = EXIT_CODES)]
    Keygen(KeygenArgs),
    /// List the signature algorithms usable for firmware signing and the KEMs for encryption.
    Algs,
    /// Write the public key (SPKI PEM) of a private key; its key id goes to stderr.
    #[command(after_help = EXIT_CODES)]
    Pubkey(PubkeyArgs),
    /// Print the key id of a public key (64 hex digits): the firmware key id of a signature
    /// key, the KEM key id of a KEM key.
    #[command(after_help = EXIT_CODES)]
    Keyid(KeyidArgs),
    /// Encrypt a file to a KEM public key (HPKE, RFC 9180), into a pqhybrid seal file.
    ///
    /// The file holds the suite (KEM, KDF, AEAD), the --info text and the sealed box, so that
    /// `open` needs only the private key (and the same --aad, which is not stored). Format:
    /// docs/hpke.md, "pqhybrid seal file".
    #[command(after_help = EXIT_CODES)]
    Seal(SealArgs),
    /// Decrypt a pqhybrid seal file with a KEM private key.
    ///
    /// Nothing is written unless the file authenticates; the output file gets mode 0600.
    #[command(after_help = EXIT_CODES)]
    Open(OpenArgs),
    /// Sign a firmware image.
    #[command(after_help = EXIT_CODES)]
    Sign(SignArgs),
    /// Verify a signed firmware image as a device does, against a public key or a trust store.
    ///
    /// The options are the device's policy; the defaults are those of a device with the
    /// default verifier: a 16 KiB trailer capacity, a 32-bit anti-rollback counter, format-2
    /// images only, plain (not encrypted) payloads only, every firmware algorithm.
    #[command(after_help = EXIT_CODES)]
    Verify(VerifyArgs),
    /// Verify an encrypted firmware image as `verify` does, then decrypt its payload with the
    /// device's KEM private key.
    ///
    /// Encrypted images are accepted here without --accept-encrypted (decrypting is what this
    /// command is for). Every chunk is authenticated before it is written; nothing is left at
    /// --out unless the whole payload decrypts (and, with --check-plaintext-digest, matches the
    /// plaintext digest in the signed encryption record); mode 0600. Format:
    /// docs/firmware-format.md, "Encrypted payloads".
    #[command(after_help = EXIT_CODES)]
    Decrypt(DecryptArgs),
    /// Show the manifest of a signed image and its structural problems (does NOT verify it).
    ///
    /// Problems are what `verify` rejects before any signature, found by the library's own
    /// checks: non-zero header padding, bytes after the image, truncation, a malformed
    /// signature block.
    #[command(after_help = EXIT_CODES)]
    Inspect(InspectArgs),
    /// Endorse a release key with a root key for device classes (writes a delegation record).
    ///
    /// The record lets the release key sign a range of security versions with a set of
    /// algorithms, for the listed device classes (--device-class, up to 8) or every class
    /// (--any-class).
    #[command(after_help = EXIT_CODES)]
    Endorse(EndorseArgs),
    /// Manage a trust-store file (the anchors `verify --trust-store` accepts).
    #[command(subcommand, name = "trust-store", after_help = trust_store_help())]
    TrustStore(TrustStoreCommand),
    /// Device identity (DICE): a development CA, a simulated device's first layer, and the
    /// attestation verifier.
    ///
    /// The device derives its DeviceID key from its Unique Device Secret, verifies the next
    /// image as `verify` does, and derives the Alias key from the image's measurements; the CA
    /// certifies the DeviceID key from its CSR; a verifier checks the chain, a fresh nonce and
    /// the firmware's reference values.
    #[command(subcommand, after_help = identity::IDENTITY_HELP)]
    Identity(identity::IdentityCommand),
    /// Run the whole story (keys, endorsement, sign, verify, tamper, rollback, revocation,
    /// class scope, device identity and attestation) in a temporary directory.
    #[command(after_help = EXIT_CODES)]
    Demo(DemoArgs),
}

#[derive(Args, Debug)]
struct KeygenArgs {
    /// Signature algorithm or KEM (see `pqhybrid algs`), or `list` to list them.
    #[arg(long, default_value = keys::DEFAULT_ALGORITHM.name())]
    alg: String,
    /// Output file for the private key.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Overwrite an existing file.
    #[arg(long)]
    force: bool,
}

#[derive(Args, Debug)]
struct PubkeyArgs {
    /// Private key (PKCS#8 PEM).
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
    /// Output file (default: stdout).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct SealArgs {
    /// The recipient's KEM public key (SPKI PEM, from `pqhybrid pubkey`).
    #[arg(long, value_name = "FILE")]
    to: PathBuf,
    /// Key derivation function: HKDF-SHA256, HKDF-SHA512, SHAKE128 or SHAKE256.
    #[arg(long, value_name = "NAME", default_value = hpke::DEFAULT_KDF.name(), value_parser = hpke::parse_kdf)]
    kdf: Kdf,
    /// AEAD: AES-256-GCM or ChaCha20Poly1305.
    #[arg(long, value_name = "NAME", default_value = hpke::DEFAULT_AEAD.name(), value_parser = hpke::parse_aead)]
    aead: Aead,
    /// HPKE info: a context string, stored in the file in the clear and bound into the keys.
    #[arg(long, value_name = "TEXT", default_value = "")]
    info: String,
    /// Associated data: authenticated but not stored; `open` must be given the same --aad.
    #[arg(long, value_name = "TEXT")]
    aad: Option<String>,
    /// The file to encrypt.
    #[arg(value_name = "IN")]
    input: PathBuf,
    /// Output: the seal file.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

#[derive(Args, Debug)]
struct OpenArgs {
    /// The recipient's KEM private key (PKCS#8 PEM).
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
    /// The associated data given to `seal --aad` (default: none).
    #[arg(long, value_name = "TEXT")]
    aad: Option<String>,
    /// The seal file.
    #[arg(value_name = "IN")]
    input: PathBuf,
    /// Output: the decrypted file (mode 0600).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

#[derive(Args, Debug)]
struct KeyidArgs {
    /// Public key (SPKI PEM).
    #[arg(long, value_name = "FILE")]
    pubkey: PathBuf,
}

/// A digest algorithm for the image payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum DigestArg {
    /// SHA-256
    Sha256,
    /// SHA-512
    Sha512,
    /// SHA3-256
    #[value(name = "sha3-256")]
    Sha3_256,
    /// SHA3-512
    #[value(name = "sha3-512")]
    Sha3_512,
}

/// A family of signature algorithms a verifier accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum AllowArg {
    /// Composite ML-DSA + Ed25519/ECDSA
    Hybrid,
    /// ML-DSA alone
    MlDsa,
    /// SLH-DSA alone
    SlhDsa,
    /// Every firmware algorithm
    All,
}

#[derive(Args, Debug)]
struct SignArgs {
    /// Signing key (PKCS#8 PEM).
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
    /// The payload to sign.
    #[arg(long, value_name = "FILE")]
    image: PathBuf,
    /// Output: the signed image.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Anti-rollback security version of the image.
    #[arg(long, value_name = "N")]
    security_version: u64,
    /// Image version, `MAJOR.MINOR.REVISION[+BUILD]`.
    #[arg(long, value_name = "X.Y.Z[+BUILD]")]
    version: String,
    /// Device class: 32 hex digits or a UUID.
    #[arg(long, value_name = "ID")]
    device_class: String,
    /// Software bill of materials: its SHA-256 goes into the manifest.
    #[arg(long, value_name = "FILE")]
    sbom: Option<PathBuf>,
    /// Delegation record (from `pqhybrid endorse`) endorsing the signing key.
    #[arg(long, value_name = "FILE")]
    endorsement: Option<PathBuf>,
    /// Payload digest.
    #[arg(long, value_enum, default_value = "sha256")]
    digest: DigestArg,
    /// Deterministic signature (no fresh randomness): same inputs, same output.
    #[arg(long)]
    deterministic: bool,
    /// Header length: the payload starts at this offset, so it can be aligned for
    /// execute-in-place (192 to 4096, a multiple of 8; the padding is zero and signed).
    #[arg(long, value_name = "BYTES", default_value_t = 192)]
    header_len: u16,
    /// The largest security version the target devices' anti-rollback counter can store
    /// (default 2^32 - 1, a 32-bit counter). A higher --security-version is refused: a device
    /// would truncate it when storing it, or could never accept a fix below it. Raise it only
    /// for devices with a wider counter.
    #[arg(
        long,
        value_name = "N",
        default_value_t = DEFAULT_MAX_SECURITY_VERSION,
        visible_alias = "security-version-limit"
    )]
    max_security_version: u64,
    /// Sign even if --security-version is above --max-security-version (prints a warning).
    #[arg(long)]
    force: bool,
    /// Encrypt the payload to this KEM public key (SPKI PEM, `pqhybrid pubkey` of a KEM key):
    /// a device-class key or one device's key. The signature covers the encrypted payload.
    #[arg(long, value_name = "FILE")]
    encrypt_to: Option<PathBuf>,
    /// With --encrypt-to: the HPKE KDF of the content-key wrap.
    #[arg(long, value_name = "NAME", default_value = hpke::DEFAULT_KDF.name(), value_parser = hpke::parse_kdf)]
    hpke_kdf: Kdf,
    /// With --encrypt-to: the HPKE AEAD of the content-key wrap.
    #[arg(long, value_name = "NAME", default_value = hpke::DEFAULT_AEAD.name(), value_parser = hpke::parse_aead)]
    hpke_aead: Aead,
    /// With --encrypt-to: plaintext bytes per encrypted chunk (64 to 65536); the device
    /// buffers one chunk and its 16-byte tag.
    #[arg(long, value_name = "BYTES", default_value_t = pqhybrid::firmware::encrypt::DEFAULT_CHUNK_SIZE)]
    chunk_size: u32,
}

#[derive(Args, Debug)]
struct DecryptArgs {
    /// The device's KEM private key (PKCS#8 PEM) the image is encrypted to.
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
    /// The encrypted signed image.
    #[arg(long, value_name = "FILE")]
    image: PathBuf,
    /// Output: the decrypted payload (mode 0600).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Also hash the plaintext and check it against the plaintext digest in the signed
    /// encryption record (PlaintextDigestMismatch). Off by default: every chunk is already
    /// authenticated (AES-256-GCM under the content key that only the signed record carries);
    /// the check adds a defence against a faulty or compromised encryption step separate from
    /// the signer, for one more hash pass.
    #[arg(long)]
    check_plaintext_digest: bool,
    #[command(flatten)]
    policy: PolicyArgs,
}

/// What a device accepts: its trust anchors and its verifier's policy (`verify`, and the
/// image check of `identity device`).
#[derive(Args, Debug)]
#[command(group(clap::ArgGroup::new("anchor").required(true).args(["pubkey", "trust_store"])))]
struct PolicyArgs {
    /// Trust a single public key (SPKI PEM), as an active anchor.
    #[arg(long, value_name = "FILE")]
    pubkey: Option<PathBuf>,
    /// Trust store file (see `pqhybrid trust-store --help`).
    #[arg(long, value_name = "FILE")]
    trust_store: Option<PathBuf>,
    /// The device's anti-rollback counter: lower security versions are rejected.
    #[arg(long, value_name = "N", default_value_t = 0)]
    min_security_version: u64,
    /// The largest security version the device's counter can store (default 2^32 - 1, a
    /// 32-bit counter): higher ones are rejected (SecurityVersionTooLarge) instead of being
    /// truncated when stored.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_SECURITY_VERSION)]
    max_security_version: u64,
    /// The device's class (default: the image's own, which checks nothing).
    #[arg(long, value_name = "ID")]
    device_class: Option<String>,
    /// Algorithm families accepted for image signatures (by a trusted key or an endorsed
    /// release key), comma-separated (default: all).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "FAMILY")]
    allow: Vec<AllowArg>,
    /// Algorithm families a root may endorse release keys with, comma-separated (default:
    /// all). Separate from --allow, so that a policy can say "SLH-DSA roots, hybrid-only
    /// images": `--endorse-allowed slh-dsa --allow hybrid`.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "FAMILY")]
    endorse_allowed: Vec<AllowArg>,
    /// Also accept format-1 (legacy) images, whose endorsements are not scoped to device
    /// classes. Only while a fleet still has to boot images signed before format 2.
    #[arg(long)]
    accept_v1: bool,
    /// The device verifier's trailer capacity: the largest signature block it holds (default
    /// 16384 = 16K, what the Rust default `Verifier` and the C API hold). Bytes, or with a `K`
    /// (KiB) suffix, or `max` (the largest any image can need). Images with a larger signature
    /// block are rejected (TrailerTooLarge), exactly as on such a device.
    #[arg(
        long,
        value_name = "BYTES",
        default_value_t = DEFAULT_TRAILER_CAPACITY,
        value_parser = fw::parse_trailer_capacity
    )]
    trailer_capacity: usize,
}

#[derive(Args, Debug)]
struct VerifyArgs {
    /// The signed image.
    #[arg(long, value_name = "FILE")]
    image: PathBuf,
    /// Also accept images whose payload is encrypted (header flag bit 2), as a device that
    /// decrypts them does (`pqhybrid decrypt` accepts them anyway). Without it they are
    /// rejected (EncryptedNotAccepted): a bootloader that does not decrypt must never install
    /// ciphertext as code.
    #[arg(long)]
    accept_encrypted: bool,
    #[command(flatten)]
    policy: PolicyArgs,
}

#[derive(Args, Debug)]
struct InspectArgs {
    /// The signed image.
    #[arg(long, value_name = "FILE")]
    image: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
#[command(group(
    clap::ArgGroup::new("class_scope").required(true).args(["device_class", "any_class"])
))]
struct EndorseArgs {
    /// The root (endorsing) private key, PKCS#8 PEM.
    #[arg(long, value_name = "FILE")]
    root_key: PathBuf,
    /// The release (endorsed) public key, SPKI PEM.
    #[arg(long, value_name = "FILE")]
    release_pubkey: PathBuf,
    /// Lowest security version the release key may sign.
    #[arg(long, value_name = "N")]
    min_security_version: u64,
    /// Highest security version the release key may sign.
    #[arg(long, value_name = "N")]
    max_security_version: u64,
    /// Algorithm families the release key may sign with, comma-separated (default: all).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "FAMILY")]
    allow: Vec<AllowArg>,
    /// A device class the release key may sign for: 32 hex digits or a UUID. Repeat it for up
    /// to 8 classes. One of --device-class and --any-class is required.
    #[arg(long, value_name = "ID", conflicts_with = "any_class")]
    device_class: Vec<String>,
    /// Let the release key sign for every device class (an explicit choice: for a root that
    /// serves one product line only).
    #[arg(long)]
    any_class: bool,
    /// The largest security version the devices' anti-rollback counter can store (default
    /// 2^32 - 1, a 32-bit counter): a --min-security-version or --max-security-version above
    /// it is refused. Raise it only for devices with a wider counter.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_SECURITY_VERSION)]
    security_version_limit: u64,
    /// Endorse even if the range goes above --security-version-limit (prints a warning).
    #[arg(long)]
    force: bool,
    /// Output: the delegation record.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

#[derive(Subcommand, Debug)]
enum TrustStoreCommand {
    /// Add a key to a trust store (creating the file), or change its state.
    #[command(after_help = trust_store_help())]
    Add(TrustStoreAddArgs),
    /// List the anchors of a trust store.
    #[command(after_help = trust_store_help())]
    List(TrustStoreListArgs),
}

const fn trust_store_help() -> &'static str {
    "Trust-store format: one anchor per line,\n  <key id: 64 hex digits>  <active|revoked>  [# label]\n\
     Everything after `#` is a comment; blank lines are ignored. Key ids come from\n\
     `pqhybrid keyid --pubkey FILE`."
}

#[derive(Args, Debug)]
struct TrustStoreAddArgs {
    /// The trust-store file.
    #[arg(long, value_name = "FILE")]
    store: PathBuf,
    /// The public key to add (SPKI PEM).
    #[arg(long, value_name = "FILE")]
    pubkey: PathBuf,
    /// Add (or mark) the key as revoked.
    #[arg(long)]
    revoked: bool,
    /// A label, written as a comment.
    #[arg(long)]
    label: Option<String>,
}

#[derive(Args, Debug)]
struct TrustStoreListArgs {
    /// The trust-store file.
    #[arg(long, value_name = "FILE")]
    store: PathBuf,
}

#[derive(Args, Debug)]
struct DemoArgs {
    /// Keep the temporary directory and print its path.
    #[arg(long)]
    keep: bool,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version print and succeed; anything else is a usage error (exit 2),
            // one line like every other error.
            if !e.use_stderr() {
                let _ = e.print();
                return ExitCode::from(EXIT_OK);
            }
            let args: Vec<String> = std::env::args_os()
                .skip(1)
                .map(|a| a.to_string_lossy().into_owned())
                .collect();
            errln!("error: {}", usage::one_line(&e, &args));
            return ExitCode::from(EXIT_USAGE);
        }
    };
    match run(cli.command) {
        Ok(()) => ExitCode::from(EXIT_OK),
        Err(e) => {
            errln!("error: {e}");
            ExitCode::from(e.code)
        }
    }
}

fn run(command: Command) -> Result<(), CliError> {
    match command {
        Command::Keygen(a) => cmd::keygen(&a.alg, a.out.as_deref(), a.force),
        Command::Algs => {
            cmd::print_algorithms();
            Ok(())
        }
        Command::Pubkey(a) => cmd::pubkey(&a.key, a.out.as_deref()),
        Command::Keyid(a) => cmd::keyid(&a.pubkey),
        Command::Seal(a) => hpke::seal(&a),
        Command::Open(a) => hpke::open(&a),
        Command::Sign(a) => fw::sign(&a),
        Command::Verify(a) => fw::verify(&a),
        Command::Decrypt(a) => fw::decrypt(&a),
        Command::Inspect(a) => fw::inspect(&a.image, a.json),
        Command::Endorse(a) => fw::endorse(&a),
        Command::TrustStore(TrustStoreCommand::Add(a)) => {
            cmd::trust_store_add(&a.store, &a.pubkey, a.revoked, a.label.as_deref())
        }
        Command::TrustStore(TrustStoreCommand::List(a)) => cmd::trust_store_list(&a.store),
        Command::Identity(c) => identity::run(c),
        Command::Demo(a) => demo::run(a.keep),
    }
}
