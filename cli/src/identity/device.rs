//! `pqhybrid identity device`: a device's first layer, simulated. It verifies the next image
//! exactly as `pqhybrid verify` does, then follows the Open Profile for DICE: the DeviceID key
//! from the Unique Device Secret, the image's measurements as the next layer's inputs, the
//! next layer's CDIs and, from them, the Alias key.

use std::fs;
use std::path::{Path, PathBuf};

use pqhybrid::SignatureAlgorithm;
use pqhybrid::identity::{
    CDI_LEN, Cdis, HIDDEN_LEN, ID_LEN, IdentityKey, ImageFacts, InputValues, MAX_CSR_LEN, Mode,
    TcbInfo, UEID_LEN, Uds, ueid, write_alias_certificate, write_csr, write_evidence,
};
use zeroize::Zeroizing;

use super::ca::document;
use super::files::{self, CERTIFICATE};
use super::{
    DeviceArgs, check_tcb_string, mode_name, parse_identity_algorithm, parse_nonce, pem, reason,
};
use crate::error::{CliError, Result};
use crate::fw::{self, VerifyRequest};
use crate::hex;
use crate::out::errln;

/// The CSR in a device directory.
pub const CSR_FILE: &str = "device_id.csr";
/// The Alias certificate in a device directory.
pub const ALIAS_FILE: &str = "alias.crt";
/// The evidence in a device directory.
pub const EVIDENCE_FILE: &str = "evidence.crt";

/// What a device needs to boot: its secret, the image, the policy it verifies the image with,
/// and what its documents say.
pub struct DeviceRequest<'a> {
    /// The Unique Device Secret file.
    pub uds: &'a Path,
    /// The signed image.
    pub image: &'a Path,
    /// The device's image verification policy.
    pub policy: &'a VerifyRequest<'a>,
    /// The identity algorithm.
    pub alg: SignatureAlgorithm,
    /// The vendor and model the Alias certificate names.
    pub vendor: &'a str,
    /// The model.
    pub model: &'a str,
    /// The mode the image runs in.
    pub mode: Mode,
    /// The verifier's nonce, for the evidence.
    pub nonce: Option<&'a [u8]>,
    /// The output directory.
    pub out: &'a Path,
    /// Whether existing files are replaced.
    pub force: bool,
}

/// What the device wrote and what identifies it.
pub struct DeviceOutput {
    /// The DeviceID key's id.
    pub device_id: [u8; ID_LEN],
    /// The Alias key's id.
    pub alias_id: [u8; ID_LEN],
    /// The device's UEID.
    pub ueid: [u8; UEID_LEN],
    /// The verified image's id.
    pub image_id: [u8; 32],
    /// Its security version.
    pub security_version: u64,
    /// The files written: the CSR, the Alias certificate and, with a nonce, the evidence.
    pub csr: PathBuf,
    /// The Alias certificate.
    pub alias: PathBuf,
    /// The evidence, if a nonce was given.
    pub evidence: Option<PathBuf>,
}

/// Reads the 32-byte Unique Device Secret: 32 raw bytes, or 64 hex digits (surrounding
/// whitespace allowed).
fn read_uds(path: &Path) -> Result<Uds> {
    let meta = fs::metadata(path).map_err(|e| CliError::io(path, &e))?;
    if meta.is_dir() {
        return Err(CliError::file(path, "is a directory"));
    }
    if meta.len() > 256 {
        return Err(CliError::file(
            path,
            "not a Unique Device Secret (32 raw bytes or 64 hex digits): too large",
        ));
    }
    let bytes = Zeroizing::new(fs::read(path).map_err(|e| CliError::io(path, &e))?);
    if bytes.len() == CDI_LEN {
        return Uds::from_slice(&bytes).map_err(|e| CliError::file(path, reason(&e)));
    }
    let text = std::str::from_utf8(&bytes).ok().map(str::trim);
    let decoded = text
        .and_then(hex::decode_array::<CDI_LEN>)
        .map(Zeroizing::new);
    match decoded {
        Some(secret) => Ok(Uds::new(*secret)),
        None => Err(CliError::file(
            path,
            format!(
                "not a Unique Device Secret: expected 32 raw bytes or 64 hex digits, found {} \
                 bytes",
                bytes.len()
            ),
        )),
    }
}

/// Boots the device: verifies the image (a rejection is the firmware error naming the image,
/// exit 1, as `verify` gives), derives the keys and writes the documents. Nothing is written
/// on error (nor the output directory created).
pub fn derive(r: &DeviceRequest<'_>) -> Result<DeviceOutput> {
    check_tcb_string("--vendor", r.vendor)?;
    check_tcb_string("--model", r.model)?;
    let csr_path = r.out.join(CSR_FILE);
    let alias_path = r.out.join(ALIAS_FILE);
    let evidence_path = r.nonce.map(|_| r.out.join(EVIDENCE_FILE));
    let mut outputs: Vec<&Path> = vec![&csr_path, &alias_path];
    outputs.extend(evidence_path.as_deref());
    if r.out.exists() {
        files::refuse_existing(&outputs, r.force)?;
    }
    let uds = read_uds(r.uds)?;

    // The first layer verifies the next image, exactly as `pqhybrid verify` does.
    let outcome = fw::verify_file(r.image, r.policy, true)?;
    let image = outcome
        .result
        .map_err(|reason| CliError::invalid(r.image, reason))?;

    // Open DICE: DeviceID from the UDS, Alias from the CDIs that measure the image.
    let layer0 = Cdis::from_uds(&uds);
    drop(uds);
    let key_err =
        |e: pqhybrid::Error| CliError::usage(format!("key derivation failed: {}", reason(&e)));
    let device_id = IdentityKey::derive(r.alg, &layer0).map_err(key_err)?;
    let inputs = InputValues::from_verified_image(&image, r.mode, [0u8; HIDDEN_LEN]);
    let layer1 = layer0.next(&inputs);
    drop(layer0);
    let alias = IdentityKey::derive(r.alg, &layer1).map_err(key_err)?;
    drop(layer1);
    // The certificate reports exactly the image, security version and mode the CDIs measured.
    let facts = ImageFacts::of(&image);
    let tcb = TcbInfo::of_image(&facts, r.vendor, r.model, r.mode);

    let not_written = |path: &Path| {
        let path = path.to_owned();
        move |e: pqhybrid::Error| CliError::file(&path, format!("not written: {}", reason(&e)))
    };
    let csr = {
        let mut buf = vec![0u8; MAX_CSR_LEN];
        let n = write_csr(&device_id, &mut buf).map_err(not_written(&csr_path))?;
        buf.truncate(n);
        buf
    };
    let alias_cert = document(|b| write_alias_certificate(&device_id, &alias, &tcb, b))
        .map_err(not_written(&alias_path))?;
    let evidence = match (r.nonce, &evidence_path) {
        (Some(nonce), Some(path)) => Some((
            path,
            document(|b| write_evidence(&alias, nonce, b)).map_err(not_written(path))?,
        )),
        _ => None,
    };

    files::create_dir(r.out)?;
    files::write_public(
        &csr_path,
        pem::encode("CERTIFICATE REQUEST", &csr).as_bytes(),
        r.force,
    )?;
    files::write_public(
        &alias_path,
        pem::encode(CERTIFICATE, &alias_cert).as_bytes(),
        r.force,
    )?;
    if let Some((path, der)) = &evidence {
        files::write_public(path, pem::encode(CERTIFICATE, der).as_bytes(), r.force)?;
    }
    Ok(DeviceOutput {
        device_id: *device_id.id(),
        alias_id: *alias.id(),
        ueid: ueid(device_id.public_key()),
        image_id: facts.image_id,
        security_version: facts.security_version,
        csr: csr_path,
        alias: alias_path,
        evidence: evidence_path,
    })
}

/// `pqhybrid identity device`.
pub fn device_command(a: &DeviceArgs) -> Result<()> {
    let alg = parse_identity_algorithm(&a.alg)?;
    let nonce = match &a.nonce {
        Some(text) => Some(parse_nonce("--nonce", text)?),
        None => None,
    };
    let anchors = fw::load_anchors(&a.policy)?;
    let policy = fw::request(&a.policy, &anchors, &a.image)?;
    let mode = Mode::from(a.mode);
    let out = derive(&DeviceRequest {
        uds: &a.uds,
        image: &a.image,
        policy: &policy,
        alg,
        vendor: &a.vendor,
        model: &a.model,
        mode,
        nonce: nonce.as_deref(),
        out: &a.out,
        force: a.force,
    })?;
    let mut written = vec![
        out.csr.display().to_string(),
        out.alias.display().to_string(),
    ];
    written.extend(out.evidence.as_ref().map(|p| p.display().to_string()));
    errln!(
        "{}: VALID; booted it and wrote {}\n  \
         algorithm          {}\n  \
         DeviceID id        {}\n  \
         Alias id           {}\n  \
         UEID               {}\n  \
         image id           {}\n  \
         security version   {}\n  \
         TCB                vendor {}, model {}, layer 1, mode {}{}",
        a.image.display(),
        written.join(", "),
        alg.name(),
        hex::encode(&out.device_id),
        hex::encode(&out.alias_id),
        hex::encode(&out.ueid),
        hex::encode(&out.image_id),
        out.security_version,
        a.vendor,
        a.model,
        mode_name(mode),
        nonce.as_ref().map_or_else(String::new, |n| format!(
            "\n  nonce              {}",
            hex::encode(n)
        ))
    );
    let stale = a.out.join(EVIDENCE_FILE);
    if nonce.is_none() && stale.exists() {
        errln!(
            "warning: {}: left as it was (no --nonce): it is not evidence of this boot, and is \
             rejected with the Alias certificate of another image",
            stale.display()
        );
    }
    Ok(())
}
