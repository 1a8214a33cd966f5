//! Key files: PKCS#8 PEM private keys (seed form, mode 0600) and SPKI PEM public keys.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::Path;

use pqhybrid::agile::DecapsulationKey;
use pqhybrid::encoding::{self, Algorithm};
use pqhybrid::rng::OsRng;
use pqhybrid::{KemAlgorithm, SignatureAlgorithm};
use zeroize::Zeroizing;

use crate::error::{CliError, Result, describe};

/// The default algorithm of `keygen`.
pub const DEFAULT_ALGORITHM: SignatureAlgorithm = SignatureAlgorithm::MlDsa65Ed25519Sha512;

/// Largest key file we accept (PEM keys are a few KiB; this stops a mistaken path early).
const MAX_KEY_FILE_LEN: u64 = 64 * 1024;

/// A private signing key held in memory; the bytes zeroize on drop and are never printed.
pub struct PrivateKey {
    /// The key's algorithm.
    pub alg: SignatureAlgorithm,
    /// The canonical private key ([`SignatureAlgorithm::secret_key_len`] bytes).
    pub sk: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PrivateKey")
            .field("alg", &self.alg.name())
            .field("sk", &"[REDACTED]")
            .finish()
    }
}

/// A public key.
#[derive(Clone, Debug)]
pub struct PublicKey {
    /// The key's algorithm.
    pub alg: SignatureAlgorithm,
    /// The raw public key.
    pub pk: Vec<u8>,
}

impl PrivateKey {
    /// A fresh key pair from the operating system's generator.
    pub fn generate(alg: SignatureAlgorithm) -> Result<Self> {
        let mut pk = vec![0u8; alg.public_key_len()];
        let mut sk = Zeroizing::new(vec![0u8; alg.secret_key_len()]);
        alg.generate_keypair(&mut OsRng::default(), &mut pk, &mut sk)
            .map_err(|e| CliError::usage(format!("key generation failed: {}", describe(&e))))?;
        Ok(Self { alg, sk })
    }

    /// The matching public key.
    pub fn public_key(&self) -> Result<PublicKey> {
        let mut pk = vec![0u8; self.alg.public_key_len()];
        self.alg
            .public_key_from_secret(&self.sk, &mut pk)
            .map_err(|e| CliError::usage(format!("bad private key: {}", describe(&e))))?;
        Ok(PublicKey { alg: self.alg, pk })
    }

    /// The PKCS#8 PEM document (zeroizing).
    pub fn to_pem(&self) -> Result<Zeroizing<String>> {
        encoding::encode_private_key_pem(self.alg.into(), &self.sk)
            .map_err(|e| CliError::usage(format!("cannot encode private key: {}", describe(&e))))
    }

    /// Reads a PKCS#8 PEM private key.
    pub fn load(path: &Path) -> Result<Self> {
        match AnyPrivateKey::load(path)? {
            AnyPrivateKey::Signature(key) => Ok(key),
            AnyPrivateKey::Kem(key) => Err(CliError::file(
                path,
                format!(
                    "{} is a key-encapsulation key (for `seal` / `open`), not a signature key",
                    key.alg.name()
                ),
            )),
        }
    }

    /// Writes the PKCS#8 PEM private key to a new file with mode 0600. An existing file is an
    /// error unless `force`; with `force` the path is replaced (see [`replace_private_file`]),
    /// never written through: a symlink at `path` is replaced by the key file, its target is
    /// left alone.
    pub fn save(&self, path: &Path, force: bool) -> Result<()> {
        save_private_pem(path, &self.to_pem()?, force)
    }
}

impl PublicKey {
    /// Reads an SPKI PEM public key of a signature algorithm.
    pub fn load(path: &Path) -> Result<Self> {
        match AnyPublicKey::load(path)? {
            AnyPublicKey::Signature(key) => Ok(key),
            AnyPublicKey::Kem(key) => Err(CliError::file(
                path,
                format!(
                    "{} is a key-encapsulation key (for `seal`), not a signature key",
                    key.alg.name()
                ),
            )),
        }
    }

    /// The SPKI PEM document.
    pub fn to_pem(&self) -> Result<String> {
        encoding::encode_public_key_pem(self.alg.into(), &self.pk)
            .map_err(|e| CliError::usage(format!("cannot encode public key: {}", describe(&e))))
    }
}

/// A KEM private key (the recipient's key of `open`); the bytes zeroize on drop and are never
/// printed.
pub struct KemPrivateKey {
    /// The key's algorithm.
    pub alg: KemAlgorithm,
    /// The canonical private key ([`KemAlgorithm::secret_key_len`] bytes, seed form).
    pub sk: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for KemPrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KemPrivateKey")
            .field("alg", &self.alg.name())
            .field("sk", &"[REDACTED]")
            .finish()
    }
}

/// A KEM public key (the recipient of `seal`).
#[derive(Clone, Debug)]
pub struct KemPublicKey {
    /// The key's algorithm.
    pub alg: KemAlgorithm,
    /// The raw public key.
    pub pk: Vec<u8>,
}

impl KemPrivateKey {
    /// A fresh key pair from the operating system's generator.
    pub fn generate(alg: KemAlgorithm) -> Result<Self> {
        let mut pk = vec![0u8; alg.public_key_len()];
        let mut sk = Zeroizing::new(vec![0u8; alg.secret_key_len()]);
        alg.generate_keypair(&mut OsRng::default(), &mut pk, &mut sk)
            .map_err(|e| CliError::usage(format!("key generation failed: {}", describe(&e))))?;
        Ok(Self { alg, sk })
    }

    /// The key expanded for decapsulation; `path` names the key file in errors.
    pub fn decapsulation_key(&self, path: &Path) -> Result<DecapsulationKey> {
        DecapsulationKey::new(self.alg, &self.sk).map_err(|e| {
            CliError::file(
                path,
                format!("bad {} private key: {}", self.alg.name(), describe(&e)),
            )
        })
    }

    /// The matching public key; `path` names the key file in errors.
    pub fn public_key(&self, path: &Path) -> Result<KemPublicKey> {
        let mut pk = vec![0u8; self.alg.public_key_len()];
        self.decapsulation_key(path)?
            .write_public_key(&mut pk)
            .map_err(|e| CliError::file(path, describe(&e)))?;
        Ok(KemPublicKey { alg: self.alg, pk })
    }

    /// Reads a PKCS#8 PEM private key of a KEM.
    pub fn load(path: &Path) -> Result<Self> {
        match AnyPrivateKey::load(path)? {
            AnyPrivateKey::Kem(key) => Ok(key),
            AnyPrivateKey::Signature(key) => Err(CliError::file(
                path,
                format!(
                    "{} is a signature key, not a key-encapsulation key (`open` needs a KEM key: \
                     `pqhybrid keygen --alg X-Wing`)",
                    key.alg.name()
                ),
            )),
        }
    }

    /// Writes the PKCS#8 PEM private key as [`PrivateKey::save`] does (mode 0600, no overwrite
    /// unless `force`).
    pub fn save(&self, path: &Path, force: bool) -> Result<()> {
        let pem = encoding::encode_private_key_pem(self.alg.into(), &self.sk)
            .map_err(|e| CliError::usage(format!("cannot encode private key: {}", describe(&e))))?;
        save_private_pem(path, &pem, force)
    }
}

impl KemPublicKey {
    /// Reads an SPKI PEM public key of a KEM.
    pub fn load(path: &Path) -> Result<Self> {
        match AnyPublicKey::load(path)? {
            AnyPublicKey::Kem(key) => Ok(key),
            AnyPublicKey::Signature(key) => Err(CliError::file(
                path,
                format!(
                    "{} is a signature key, not a key-encapsulation key (`seal --to` needs a KEM \
                     public key: `pqhybrid keygen --alg X-Wing`, then `pqhybrid pubkey`)",
                    key.alg.name()
                ),
            )),
        }
    }

    /// The SPKI PEM document.
    pub fn to_pem(&self) -> Result<String> {
        encoding::encode_public_key_pem(self.alg.into(), &self.pk)
            .map_err(|e| CliError::usage(format!("cannot encode public key: {}", describe(&e))))
    }
}

/// A private key of either kind, as a key file holds it.
#[derive(Debug)]
pub enum AnyPrivateKey {
    /// A signature key.
    Signature(PrivateKey),
    /// A KEM key.
    Kem(KemPrivateKey),
}

impl AnyPrivateKey {
    /// Reads a PKCS#8 PEM private key of any algorithm.
    pub fn load(path: &Path) -> Result<Self> {
        let text = read_key_text(path)?;
        let mut buf = Zeroizing::new([0u8; encoding::MAX_DECODED_SECRET_KEY_LEN]);
        let (alg, len) =
            encoding::decode_private_key_pem(&text, buf.as_mut_slice()).map_err(|e| {
                if text.contains("BEGIN PUBLIC KEY") {
                    CliError::file(
                        path,
                        "this is a public key; a private key (PKCS#8 PEM) is needed",
                    )
                } else {
                    CliError::file(
                        path,
                        format!("not a PKCS#8 PEM private key: {}", describe(&e)),
                    )
                }
            })?;
        let sk = buf
            .get(..len)
            .map(|s| Zeroizing::new(s.to_vec()))
            .ok_or_else(|| CliError::file(path, "malformed private key"))?;
        Ok(match alg {
            Algorithm::Signature(alg) => Self::Signature(PrivateKey { alg, sk }),
            Algorithm::Kem(alg) => Self::Kem(KemPrivateKey { alg, sk }),
        })
    }
}

/// A public key of either kind, as a key file holds it.
#[derive(Clone, Debug)]
pub enum AnyPublicKey {
    /// A signature key.
    Signature(PublicKey),
    /// A KEM key.
    Kem(KemPublicKey),
}

impl AnyPublicKey {
    /// Reads an SPKI PEM public key of any algorithm. A private key file is refused with a
    /// hint.
    pub fn load(path: &Path) -> Result<Self> {
        let text = read_key_text(path)?;
        if text.contains("BEGIN PRIVATE KEY") {
            return Err(CliError::file(
                path,
                "this is a private key; pass the public key (`pqhybrid pubkey --key FILE`)",
            ));
        }
        let (alg, pk) = encoding::decode_public_key_pem(&text).map_err(|e| {
            CliError::file(
                path,
                format!("not an SPKI PEM public key: {}", describe(&e)),
            )
        })?;
        Ok(match alg {
            Algorithm::Signature(alg) => Self::Signature(PublicKey { alg, pk }),
            Algorithm::Kem(alg) => Self::Kem(KemPublicKey { alg, pk }),
        })
    }
}

/// Writes a private key's PEM to a new file with mode 0600: an existing path is an error
/// unless `force`, which replaces it (see [`replace_private_file`]).
fn save_private_pem(path: &Path, pem: &str, force: bool) -> Result<()> {
    if force {
        return replace_private_file(path, pem.as_bytes());
    }
    let mut file = create_private_file(path)?;
    file.write_all(pem.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| CliError::io(path, &e))
}

/// Reads a key file as text (zeroizing, size-limited).
fn read_key_text(path: &Path) -> Result<Zeroizing<String>> {
    let meta = fs::metadata(path).map_err(|e| CliError::io(path, &e))?;
    if meta.is_dir() {
        return Err(CliError::file(path, "is a directory"));
    }
    if meta.len() > MAX_KEY_FILE_LEN {
        return Err(CliError::file(path, "too large to be a key file"));
    }
    let bytes = Zeroizing::new(fs::read(path).map_err(|e| CliError::io(path, &e))?);
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| CliError::file(path, "not a PEM file (not text)"))?;
    Ok(Zeroizing::new(text.to_owned()))
}

/// Creates a new file readable and writable only by its owner (0600 on Unix). Refuses any
/// existing path, a symlink (even a dangling one) included: `O_CREAT | O_EXCL` does not follow
/// links.
fn create_private_file(path: &Path) -> Result<File> {
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let file = opts.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            CliError::file(
                path,
                "already exists; refusing to overwrite it (use --force)",
            )
        } else {
            CliError::io(path, &e)
        }
    })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(0o600))
            .map_err(|e| CliError::io(path, &e))?;
    }
    Ok(file)
}

/// Writes `secret` to a new 0600 file next to `path` and renames it onto `path`, replacing
/// whatever was there: a regular file, or a symlink itself (never the link's target). Nothing
/// is written through an existing path, and `path` is not touched if writing fails.
fn replace_private_file(path: &Path, secret: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    // `tempfile` creates the file with `O_EXCL` and mode 0600 on Unix.
    let mut tmp = tempfile::Builder::new()
        .prefix(".pqhybrid-key-")
        .tempfile_in(dir)
        .map_err(|e| CliError::io(path, &e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(fs::Permissions::from_mode(0o600))
            .map_err(|e| CliError::io(path, &e))?;
    }
    tmp.write_all(secret)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| CliError::io(path, &e))?;
    if path.is_dir() && !path.is_symlink() {
        return Err(CliError::file(path, "is a directory"));
    }
    tmp.persist(path)
        .map_err(|e| CliError::io(path, &e.error))?;
    Ok(())
}
