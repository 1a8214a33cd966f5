//! The development manufacturer CA: `identity ca-init` and `identity issue`.

use std::path::{Path, PathBuf};

use pqhybrid::SignatureAlgorithm;
use pqhybrid::identity::{
    ID_LEN, IdentityKey, MAX_CERT_LEN, is_identity_algorithm, verify_csr,
    write_device_id_certificate, write_root_certificate,
};

use super::files::{self, CERTIFICATE, CSR};
use super::{CaInitArgs, IssueArgs, der, parse_identity_algorithm, pem, reason};
use crate::error::{CliError, EXIT_USAGE, Result};
use crate::hex;
use crate::keys::PrivateKey;
use crate::out::errln;

/// The CA's private key in its directory.
pub const CA_KEY_FILE: &str = "ca.key";
/// The CA's root certificate in its directory.
pub const CA_CERT_FILE: &str = "ca.crt";

/// The longest common name (X.520 `ub-common-name`).
const MAX_COMMON_NAME: usize = 64;

/// A CA ready to issue: its key and the common name of its root certificate.
pub struct Ca {
    /// The CA's key.
    pub key: IdentityKey,
    /// The common name of its certificate.
    pub name: String,
    /// The key file.
    pub key_path: PathBuf,
    /// The certificate file.
    pub cert_path: PathBuf,
}

/// Whether `c` may appear in a PrintableString.
fn printable(c: char) -> bool {
    c.is_ascii_alphanumeric() || " '()+,-./:=?".contains(c)
}

/// Checks a CA common name (`--name`).
fn check_name(name: &str) -> Result<()> {
    if name.is_empty() || name.len() > MAX_COMMON_NAME {
        return Err(CliError::usage(format!(
            "--name: a common name is 1 to {MAX_COMMON_NAME} characters"
        )));
    }
    if let Some(bad) = name.chars().find(|&c| !printable(c)) {
        return Err(CliError::usage(format!(
            "--name `{name}`: {bad:?} is not allowed in a PrintableString (letters, digits, \
             space and '()+,-./:=? only)"
        )));
    }
    Ok(())
}

/// DER of a document written into a fresh buffer by `f`.
pub fn document(f: impl FnOnce(&mut [u8]) -> pqhybrid::Result<usize>) -> pqhybrid::Result<Vec<u8>> {
    let mut buf = vec![0u8; MAX_CERT_LEN];
    let n = f(&mut buf)?;
    buf.truncate(n);
    Ok(buf)
}

/// Creates a CA in `dir`: a fresh key of `alg` (`dir/ca.key`, as `keygen` writes keys) and
/// its self-signed root certificate named `name` (`dir/ca.crt`, PEM). Existing files are
/// replaced only with `force`.
pub fn init(dir: &Path, alg: SignatureAlgorithm, name: &str, force: bool) -> Result<Ca> {
    if !is_identity_algorithm(alg) {
        return Err(CliError::usage(format!(
            "{} cannot hold a device identity",
            alg.name()
        )));
    }
    check_name(name)?;
    let key_path = dir.join(CA_KEY_FILE);
    let cert_path = dir.join(CA_CERT_FILE);
    // Fail on existing files before spending time on key generation.
    if dir.exists() {
        files::refuse_existing(&[&key_path, &cert_path], force)?;
    }
    let sk = PrivateKey::generate(alg)?;
    let key = IdentityKey::from_secret(alg, &sk.sk)
        .map_err(|e| CliError::file(&key_path, format!("not written: {}", reason(&e))))?;
    let cert = document(|b| write_root_certificate(&key, name, b))
        .map_err(|e| CliError::file(&cert_path, format!("not written: {}", reason(&e))))?;
    files::create_dir(dir)?;
    sk.save(&key_path, force)?;
    if let Err(e) = files::write_public(
        &cert_path,
        pem::encode(CERTIFICATE, &cert).as_bytes(),
        force,
    ) {
        // Do not leave a key without its certificate.
        let _ = std::fs::remove_file(&key_path);
        return Err(e);
    }
    Ok(Ca {
        key,
        name: name.to_owned(),
        key_path,
        cert_path,
    })
}

/// Loads the CA of `dir`: its key, and its root certificate, which must be the one
/// `ca-init` wrote for that key (the certificate is deterministic, so it is written again
/// and compared).
pub fn load(dir: &Path) -> Result<Ca> {
    if !dir.is_dir() {
        return Err(if dir.exists() {
            CliError::file(
                dir,
                "not a directory (a CA directory from `identity ca-init`)",
            )
        } else {
            CliError::file(dir, "no such directory")
        });
    }
    let key_path = dir.join(CA_KEY_FILE);
    let cert_path = dir.join(CA_CERT_FILE);
    let sk = PrivateKey::load(&key_path)?;
    if !is_identity_algorithm(sk.alg) {
        return Err(CliError::file(
            &key_path,
            format!(
                "a {} key cannot hold a device identity (ML-DSA or a composite is needed)",
                sk.alg.name()
            ),
        ));
    }
    let key = IdentityKey::from_secret(sk.alg, &sk.sk)
        .map_err(|e| CliError::file(&key_path, format!("unusable CA key: {}", reason(&e))))?;
    drop(sk);
    let cert = files::read_document(&cert_path, &[CERTIFICATE], "certificate")
        .map_err(|e| e.into_cli(&cert_path, EXIT_USAGE))?;
    let name = der::certificate(&cert)
        .and_then(|v| v.subject_common_name())
        .ok_or_else(|| {
            CliError::file(
                &cert_path,
                "not a CA certificate written by `pqhybrid identity ca-init` (no common name)",
            )
        })?;
    let expected = document(|b| write_root_certificate(&key, &name, b))
        .map_err(|e| CliError::file(&cert_path, reason(&e)))?;
    if expected != cert {
        return Err(CliError::file(
            &cert_path,
            format!(
                "not the root certificate of {} (another CA's certificate, or modified)",
                key_path.display()
            ),
        ));
    }
    Ok(Ca {
        key,
        name,
        key_path,
        cert_path,
    })
}

/// What [`issue`] did.
pub struct Issued {
    /// The DeviceID key's algorithm.
    pub algorithm: SignatureAlgorithm,
    /// The DeviceID key's id.
    pub device_id: [u8; ID_LEN],
    /// The DeviceID certificate (DER).
    pub cert: Vec<u8>,
}

/// Issues the DeviceID certificate for the CSR `csr` with the CA of `ca_dir`, into `out`
/// (PEM). The CSR's proof of possession is checked first; a CSR that fails is an invalid
/// document (exit 1). Nothing is written on error.
pub fn issue(ca_dir: &Path, csr: &Path, out: &Path, force: bool) -> Result<(Ca, Issued)> {
    files::refuse_existing(&[out], force)?;
    let ca = load(ca_dir)?;
    let der = files::read_document(csr, CSR, "CSR").map_err(|e| e.invalid(csr))?;
    let verified = verify_csr(&der).map_err(|e| CliError::invalid(csr, reason(&e)))?;
    let cert = document(|b| {
        write_device_id_certificate(
            &ca.key,
            &ca.name,
            verified.algorithm,
            &verified.public_key,
            b,
        )
    })
    .map_err(|e| CliError::file(out, format!("not issued: {}", reason(&e))))?;
    files::write_public(out, pem::encode(CERTIFICATE, &cert).as_bytes(), force)?;
    Ok((
        ca,
        Issued {
            algorithm: verified.algorithm,
            device_id: verified.id,
            cert,
        },
    ))
}

/// `pqhybrid identity ca-init`.
pub fn ca_init_command(a: &CaInitArgs) -> Result<()> {
    let alg = parse_identity_algorithm(&a.alg)?;
    let ca = init(&a.out, alg, &a.name, a.force)?;
    errln!(
        "wrote {} CA key to {} (mode 0600) and its root certificate to {}\n  \
         subject  CN={}, serialNumber={}",
        alg.name(),
        ca.key_path.display(),
        ca.cert_path.display(),
        ca.name,
        hex::encode(ca.key.id())
    );
    Ok(())
}

/// `pqhybrid identity issue`.
pub fn issue_command(a: &IssueArgs) -> Result<()> {
    let (ca, issued) = issue(&a.ca, &a.csr, &a.out, a.force)?;
    errln!(
        "issued the DeviceID certificate {} ({} bytes) for {}: proof of possession verified\n  \
         device id  {} ({})\n  issuer     CN={}, serialNumber={}",
        a.out.display(),
        issued.cert.len(),
        a.csr.display(),
        hex::encode(&issued.device_id),
        issued.algorithm.name(),
        ca.name,
        hex::encode(ca.key.id())
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_names() {
        assert!(check_name("pqhybrid development CA").is_ok());
        assert!(check_name("ACME Corp. (lab) CA-2026: a/b+c=d?").is_ok());
        for bad in ["", "café CA", "a*b", "x@y", "semi;colon"] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
        assert!(check_name(&"x".repeat(65)).is_err());
    }
}
