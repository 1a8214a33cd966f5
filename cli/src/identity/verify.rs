//! `pqhybrid identity verify`: a device's attestation through
//! `pqhybrid::identity::verify_attestation`, and a rejection as one line naming the document
//! it is about.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use pqhybrid::error::IdentityError;
use pqhybrid::identity::{Attestation, ReferenceValues, verify_attestation};

use super::der::{self, CertView, KU_DIGITAL_SIGNATURE};
use super::files::{self, CERTIFICATE};
use super::{IdentityVerifyArgs, identity_error, mode_name, parse_nonce, reason, tagged};
use crate::error::{CliError, EXIT_INVALID, EXIT_USAGE, Result};
use crate::hex;
use crate::out::out;

/// The documents of an attestation, by file.
pub struct AttestationFiles<'a> {
    /// The trusted root certificates.
    pub roots: &'a [PathBuf],
    /// The DeviceID certificate.
    pub device_id: &'a Path,
    /// The Alias certificate.
    pub alias: &'a Path,
    /// The evidence.
    pub evidence: &'a Path,
}

/// What the verifier accepts of the firmware (`--image-id`, `--min-security-version`,
/// `--allow-debug`).
pub struct ReferenceArgs {
    /// Accepted image ids (empty: any).
    pub image_ids: Vec<[u8; 32]>,
    /// The lowest security version accepted.
    pub min_security_version: u64,
    /// Whether non-normal modes are accepted.
    pub allow_debug: bool,
}

impl ReferenceArgs {
    fn values(&self) -> ReferenceValues {
        ReferenceValues {
            image_ids: self.image_ids.clone(),
            min_security_version: self.min_security_version,
            allow_non_normal_mode: self.allow_debug,
            // Validity periods are checked against the current time.
            now: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .ok()
                .map(|d| d.as_secs()),
        }
    }
}

/// A document read from its file.
struct Doc<'a> {
    path: &'a Path,
    der: Vec<u8>,
}

/// Whether `der` parses as a certificate of the identity profile: the library's own parser,
/// reached through `verify_attestation` with no root (every document parses before any root
/// is looked at, so a document that parses gives `UnknownRoot`).
fn profile_check(der: &[u8]) -> std::result::Result<(), IdentityError> {
    match verify_attestation(&[], der, der, der, b"-", &ReferenceValues::default()) {
        Ok(_) | Err(pqhybrid::Error::Identity(IdentityError::UnknownRoot)) => Ok(()),
        Err(e) => Err(identity_error(&e).unwrap_or(IdentityError::MalformedCertificate)),
    }
}

/// Reads a certificate and checks that it parses. A malformed document is an error naming
/// its file with exit `code` (1 for the device's documents, 2 for the trusted roots).
fn read_cert(path: &Path, code: u8) -> Result<Doc<'_>> {
    let der = files::read_document(path, &[CERTIFICATE], "certificate")
        .map_err(|e| e.into_cli(path, code))?;
    if let Err(e) = profile_check(&der) {
        let mut err = CliError::file(path, tagged(e.description(), e));
        err.code = code;
        return Err(err);
    }
    Ok(Doc { path, der })
}

/// Verifies an attestation from its files. A rejection is one line naming the document it is
/// about (exit 1); unreadable files and malformed roots exit 2.
pub fn verify_files(
    files: &AttestationFiles<'_>,
    nonce: &[u8],
    reference: &ReferenceArgs,
) -> Result<(Attestation, PathBuf)> {
    let mut roots = Vec::with_capacity(files.roots.len());
    for path in files.roots {
        roots.push(read_cert(path, EXIT_USAGE)?);
    }
    let device_id = read_cert(files.device_id, EXIT_INVALID)?;
    let alias = read_cert(files.alias, EXIT_INVALID)?;
    let evidence = read_cert(files.evidence, EXIT_INVALID)?;
    let root_ders: Vec<&[u8]> = roots.iter().map(|d| d.der.as_slice()).collect();
    let values = reference.values();
    let run = |r: &ReferenceValues| {
        verify_attestation(
            &root_ders,
            &device_id.der,
            &alias.der,
            &evidence.der,
            nonce,
            r,
        )
    };
    match run(&values) {
        Ok(a) => {
            let root = roots
                .get(a.root_index)
                .map_or_else(PathBuf::new, |d| d.path.to_owned());
            Ok((a, root))
        }
        Err(e) => {
            let Some(ie) = identity_error(&e) else {
                return Err(CliError::invalid(files.evidence, reason(&e)));
            };
            // The measurements the chain carries, for the reference-value messages: the same
            // chain with every reference value relaxed (those checks come last).
            let relaxed = ReferenceValues {
                image_ids: Vec::new(),
                min_security_version: 0,
                allow_non_normal_mode: true,
                now: values.now,
            };
            let measured = run(&relaxed).ok();
            let chain = Chain {
                roots: &roots,
                device_id: &device_id,
                alias: &alias,
                evidence: &evidence,
            };
            let (path, detail) = blame(ie, &chain, measured.as_ref(), reference);
            let message = match detail {
                Some(d) => format!("{}: {d}", ie.description()),
                None => ie.description().to_owned(),
            };
            Err(CliError::invalid(&path, tagged(message, ie)))
        }
    }
}

/// The documents of a chain, for [`blame`].
struct Chain<'a> {
    roots: &'a [Doc<'a>],
    device_id: &'a Doc<'a>,
    alias: &'a Doc<'a>,
    evidence: &'a Doc<'a>,
}

/// What is wrong with the link from `parent` to `child`, in the order the library checks.
enum LinkFault {
    Names,
    NotACa,
    Signature,
}

fn link_fault(parent: &CertView<'_>, child: &CertView<'_>) -> Option<LinkFault> {
    if child.issuer != parent.subject {
        Some(LinkFault::Names)
    } else if !parent.can_issue() {
        Some(LinkFault::NotACa)
    } else if !parent.signed(child) {
        Some(LinkFault::Signature)
    } else {
        None
    }
}

/// The file a rejection is about, and details for the message.
fn blame(
    e: IdentityError,
    chain: &Chain<'_>,
    measured: Option<&Attestation>,
    reference: &ReferenceArgs,
) -> (PathBuf, Option<String>) {
    let dev = chain.device_id.path.to_owned();
    let alias = chain.alias.path.to_owned();
    let evidence = chain.evidence.path.to_owned();
    match e {
        IdentityError::UnknownRoot => (
            dev,
            Some(format!(
                "its issuer is none of the {} trusted root(s) (--root)",
                chain.roots.len()
            )),
        ),
        IdentityError::BadNonce => (
            evidence,
            Some("the evidence is for another nonce (stale or replayed)".into()),
        ),
        IdentityError::WrongDevice => (
            alias,
            Some(format!(
                "its UEID is not the one of the DeviceID key of {}",
                chain.device_id.path.display()
            )),
        ),
        IdentityError::Rollback => (
            alias,
            measured.map(|m| {
                format!(
                    "security version {} is below --min-security-version {}",
                    m.security_version, reference.min_security_version
                )
            }),
        ),
        IdentityError::MeasurementMismatch => (
            alias,
            measured.map(|m| {
                format!(
                    "image id {} is not one of the {} --image-id value(s)",
                    hex::encode(&m.image_id),
                    reference.image_ids.len()
                )
            }),
        ),
        IdentityError::WrongMode => (
            alias,
            measured.map(|m| {
                format!(
                    "the device runs in {} mode (accepted only with --allow-debug)",
                    mode_name(m.mode)
                )
            }),
        ),
        _ => blame_chain(e, chain),
    }
}

/// The document of a chain error (broken chain, not a CA, bad signature, validity,
/// algorithm): the first link, from the root down, that has the fault.
fn blame_chain(e: IdentityError, chain: &Chain<'_>) -> (PathBuf, Option<String>) {
    let all = || {
        (
            PathBuf::from(format!(
                "{}, {}, {}",
                chain.device_id.path.display(),
                chain.alias.path.display(),
                chain.evidence.path.display()
            )),
            None,
        )
    };
    let (Some(dev), Some(alias), Some(ev)) = (
        der::certificate(&chain.device_id.der),
        der::certificate(&chain.alias.der),
        der::certificate(&chain.evidence.der),
    ) else {
        return all();
    };
    let root = chain.roots.iter().find_map(|r| {
        der::certificate(&r.der)
            .filter(|v| v.subject == dev.issuer)
            .map(|v| (r, v))
    });
    let mut links: Vec<(&Doc<'_>, &CertView<'_>, &Doc<'_>, &CertView<'_>)> = Vec::new();
    if let Some((root_doc, root_view)) = &root {
        links.push((root_doc, root_view, chain.device_id, &dev));
    }
    links.push((chain.device_id, &dev, chain.alias, &alias));
    links.push((chain.alias, &alias, chain.evidence, &ev));
    let issuer = |p: &Doc<'_>| Some(format!("not signed by the key of {}", p.path.display()));
    for (parent, pv, child, cv) in &links {
        match (e, link_fault(pv, cv)) {
            (IdentityError::BrokenChain, Some(LinkFault::Names)) => {
                return (
                    child.path.to_owned(),
                    Some(format!(
                        "its issuer is not the subject of {}",
                        parent.path.display()
                    )),
                );
            }
            (IdentityError::NotACa, Some(LinkFault::NotACa)) => {
                return (
                    parent.path.to_owned(),
                    Some(format!(
                        "it may not issue {} (basicConstraints cA or keyUsage keyCertSign)",
                        child.path.display()
                    )),
                );
            }
            (IdentityError::BadSignature, Some(LinkFault::Signature)) => {
                return (child.path.to_owned(), issuer(parent));
            }
            (IdentityError::UnsupportedAlgorithm, Some(LinkFault::Signature)) => {
                return (
                    parent.path.to_owned(),
                    Some(format!("its key cannot verify {}", child.path.display())),
                );
            }
            _ => {}
        }
    }
    // Every link is sound: what remains is about the evidence itself.
    match e {
        IdentityError::BrokenChain => (
            chain.evidence.path.to_owned(),
            Some(format!(
                "it does not certify the Alias key of {}",
                chain.alias.path.display()
            )),
        ),
        IdentityError::NotACa if ev.ca || ev.key_usage & KU_DIGITAL_SIGNATURE == 0 => (
            chain.evidence.path.to_owned(),
            Some("the evidence must be a leaf with keyUsage digitalSignature".into()),
        ),
        IdentityError::MalformedCertificate | IdentityError::WrongMode => (
            chain.alias.path.to_owned(),
            Some("its TcbInfo is missing or malformed".into()),
        ),
        _ => all(),
    }
}

/// Parses `--image-id` values.
fn parse_image_ids(texts: &[String]) -> Result<Vec<[u8; 32]>> {
    texts
        .iter()
        .map(|t| {
            hex::decode_array::<32>(t.trim()).ok_or_else(|| {
                CliError::usage(format!(
                    "--image-id `{t}`: expected 64 hex digits (an image id from `pqhybrid \
                     verify` or `inspect`)"
                ))
            })
        })
        .collect()
}

/// `pqhybrid identity verify`.
pub fn verify_command(a: &IdentityVerifyArgs) -> Result<()> {
    let nonce = parse_nonce("--nonce", &a.nonce)?;
    let reference = ReferenceArgs {
        image_ids: parse_image_ids(&a.image_id)?,
        min_security_version: a.min_security_version,
        allow_debug: a.allow_debug,
    };
    let files = AttestationFiles {
        roots: &a.root,
        device_id: &a.device_id_cert,
        alias: &a.alias_cert,
        evidence: &a.evidence,
    };
    let (att, root) = verify_files(&files, &nonce, &reference)?;
    out!("{}", report(&files, &att, &root, &nonce, &reference));
    Ok(())
}

/// The verdict of a verified attestation.
pub fn report(
    files: &AttestationFiles<'_>,
    a: &Attestation,
    root: &Path,
    nonce: &[u8],
    reference: &ReferenceArgs,
) -> String {
    let images = if reference.image_ids.is_empty() {
        "any image id".to_owned()
    } else {
        format!("{} image id(s)", reference.image_ids.len())
    };
    format!(
        "{}: VALID attestation\n  \
         chain              {} -> {} -> {} -> {}\n  \
         algorithm          {}\n  \
         device id          {}\n  \
         UEID               {}\n  \
         alias id           {}\n  \
         vendor / model     {} / {}\n  \
         image id           {}\n  \
         security version   {}\n  \
         layer              {}\n  \
         mode               {}\n  \
         nonce              {} (fresh)\n  \
         reference values   {images}, security version >= {}, {}\n",
        files.evidence.display(),
        root.display(),
        files.device_id.display(),
        files.alias.display(),
        files.evidence.display(),
        a.algorithm.name(),
        hex::encode(&a.device_id),
        hex::encode(&a.ueid),
        hex::encode(&a.alias_id),
        a.vendor,
        a.model,
        hex::encode(&a.image_id),
        a.security_version,
        a.layer,
        mode_name(a.mode),
        hex::encode(nonce),
        reference.min_security_version,
        if reference.allow_debug {
            "any mode (--allow-debug)"
        } else {
            "normal mode only"
        }
    )
}
