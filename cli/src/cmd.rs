//! The commands that need no firmware format: keys, key ids and trust stores.

use std::io::Write;
use std::path::Path;

use pqhybrid::firmware::{KeyId, KeyState, TrustStoreEntry};
use pqhybrid::{KemAlgorithm, SignatureAlgorithm};

use crate::error::{CliError, Result};
use crate::keys::{AnyPrivateKey, AnyPublicKey, KemPrivateKey, PrivateKey, PublicKey};
use crate::out::{errln, out, outln};
use crate::trust_store::{self, C_MAX_TRUST_ANCHORS};
use crate::{fw, hex, hpke};

/// `pqhybrid keygen`.
pub fn keygen(alg_name: &str, out: Option<&Path>, force: bool) -> Result<()> {
    if alg_name.eq_ignore_ascii_case("list") {
        print_algorithms();
        return Ok(());
    }
    // A KEM by name, else a signature algorithm (with `parse_algorithm`'s errors).
    let alg = match KemAlgorithm::from_name(alg_name) {
        Some(kem) => KeyAlgorithm::Kem(kem),
        None => KeyAlgorithm::Signature(parse_algorithm(alg_name)?),
    };
    let out = out.ok_or_else(|| CliError::usage("keygen: --out FILE is required"))?;
    // Fail on an existing file before spending time on key generation.
    if !force && out.symlink_metadata().is_ok() {
        return Err(CliError::file(
            out,
            "already exists; refusing to overwrite it (use --force)",
        ));
    }
    match alg {
        KeyAlgorithm::Signature(alg) => keygen_signature(alg, out, force),
        KeyAlgorithm::Kem(kem) => keygen_kem(kem, out, force),
    }
}

/// What `keygen --alg` names.
enum KeyAlgorithm {
    Signature(SignatureAlgorithm),
    Kem(KemAlgorithm),
}

/// `pqhybrid keygen` of a signature key (`out` is free unless `force`).
fn keygen_signature(alg: SignatureAlgorithm, out: &Path, force: bool) -> Result<()> {
    let key = PrivateKey::generate(alg)?;
    key.save(out, force)?;
    let public = key.public_key()?;
    errln!(
        "wrote {} private key to {} (mode 0600)\nkey id: {}",
        alg.name(),
        out.display(),
        hex::encode(&fw::key_id(&public)?)
    );
    Ok(())
}

/// `pqhybrid keygen` of a KEM key (`out` is free unless `force`).
fn keygen_kem(alg: KemAlgorithm, out: &Path, force: bool) -> Result<()> {
    let key = KemPrivateKey::generate(alg)?;
    key.save(out, force)?;
    let public = key.public_key(out)?;
    errln!(
        "wrote {} private key to {} (mode 0600)\n{}",
        alg.name(),
        out.display(),
        hpke::key_id_text(&public)?
    );
    Ok(())
}

/// Resolves an algorithm name, accepting only firmware algorithms.
pub fn parse_algorithm(name: &str) -> Result<SignatureAlgorithm> {
    let alg = SignatureAlgorithm::from_name(name).ok_or_else(|| {
        CliError::usage(format!("unknown algorithm `{name}` (see `pqhybrid algs`)"))
    })?;
    if !fw::firmware_algorithms().contains(&alg) {
        return Err(CliError::usage(format!(
            "{} cannot sign firmware images (see `pqhybrid algs`)",
            alg.name()
        )));
    }
    Ok(alg)
}

/// `pqhybrid algs` / `keygen --alg list`.
pub fn print_algorithms() {
    let mut out =
        String::from("algorithms usable for firmware signing (family, signature size):\n");
    for alg in fw::firmware_algorithms() {
        let default = if alg == crate::keys::DEFAULT_ALGORITHM {
            "  (default)"
        } else {
            ""
        };
        out.push_str(&format!(
            "  {:<28} {:<8} {:>6} bytes{default}\n",
            alg.name(),
            fw::family_name(alg),
            alg.signature_len()
        ));
    }
    out.push_str(&hpke::algorithm_list());
    out!("{out}");
}

/// `pqhybrid pubkey`.
pub fn pubkey(key: &Path, out: Option<&Path>) -> Result<()> {
    let sk = match AnyPrivateKey::load(key)? {
        AnyPrivateKey::Signature(sk) => sk,
        AnyPrivateKey::Kem(sk) => {
            let pk = sk.public_key(key)?;
            drop(sk);
            write_pem(&pk.to_pem()?, out)?;
            errln!("{} public key; {}", pk.alg.name(), hpke::key_id_text(&pk)?);
            return Ok(());
        }
    };
    // Refuse a key that cannot sign firmware before anything is written.
    fw::require_firmware_key(sk.alg, key)?;
    let pk = sk.public_key()?;
    drop(sk);
    write_pem(&pk.to_pem()?, out)?;
    errln!(
        "{} public key; key id: {}",
        pk.alg.name(),
        hex::encode(&fw::key_id(&pk)?)
    );
    Ok(())
}

/// Writes a PEM document to `out`, or to stdout.
fn write_pem(pem: &str, out: Option<&Path>) -> Result<()> {
    match out {
        Some(path) => std::fs::write(path, pem.as_bytes()).map_err(|e| CliError::io(path, &e))?,
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(pem.as_bytes())
                .and_then(|()| stdout.flush())
                .map_err(|e| CliError::usage(format!("stdout: {e}")))?;
        }
    }
    Ok(())
}

/// `pqhybrid keyid`.
pub fn keyid(pubkey: &Path) -> Result<()> {
    let id = match AnyPublicKey::load(pubkey)? {
        AnyPublicKey::Signature(pk) => fw::key_id_of_file(&pk, pubkey)?,
        AnyPublicKey::Kem(pk) => hpke::key_id_of_file(&pk, pubkey)?,
    };
    outln!("{}", hex::encode(&id));
    Ok(())
}

/// `pqhybrid trust-store add`.
pub fn trust_store_add(
    store: &Path,
    pubkey: &Path,
    revoked: bool,
    label: Option<&str>,
) -> Result<()> {
    let pk = PublicKey::load(pubkey)?;
    if label.is_some_and(|l| l.contains(['\n', '\r'])) {
        return Err(CliError::usage("--label must be a single line"));
    }
    let anchor = TrustStoreEntry {
        key_id: KeyId(fw::key_id_of_file(&pk, pubkey)?),
        state: if revoked {
            KeyState::Revoked
        } else {
            KeyState::Active
        },
        label: label.map(str::to_owned),
    };
    let added = trust_store::add(store, &anchor)?;
    errln!(
        "{} {} ({}) as {} in {}",
        if added.replaced { "updated" } else { "added" },
        anchor.key_id,
        pk.alg.name(),
        anchor.state_keyword(),
        store.display()
    );
    warn_anchor_count(store, added.anchors);
    Ok(())
}

/// `pqhybrid trust-store list`.
pub fn trust_store_list(store: &Path) -> Result<()> {
    let anchors = trust_store::load(store)?;
    for a in &anchors {
        outln!("{}", a.to_line());
    }
    errln!("{} anchor(s) in {}", anchors.len(), store.display());
    warn_anchor_count(store, anchors.len());
    Ok(())
}

/// Warns (one line on stderr) when a store holds more anchors than a device built on the C
/// API can load ([`C_MAX_TRUST_ANCHORS`]).
fn warn_anchor_count(store: &Path, anchors: usize) {
    if anchors > C_MAX_TRUST_ANCHORS {
        errln!(
            "warning: {}: {anchors} trust anchors, more than the {C_MAX_TRUST_ANCHORS} the C \
             verifier holds (PQH_FW_MAX_TRUST_ANCHORS): a device built on the C API cannot load \
             this store",
            store.display()
        );
    }
}
