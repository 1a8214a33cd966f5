//! Encrypted images on the command line: `sign --encrypt-to`, `decrypt`, and what `inspect`
//! shows of an encryption record (`docs/firmware-format.md`, "Encrypted payloads").

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use pqhybrid::firmware::encrypt::{
    CHUNK_TAG_LEN, EncryptionParams, EncryptionRecord, MAX_CHUNK_SIZE, MAX_RECORD_LEN,
    MIN_CHUNK_SIZE, encrypt_payload_to_vec,
};
use pqhybrid::firmware::{Decryptor, FirmwareError, Header, ImageParams};
use pqhybrid::hpke::{Aead, Kdf, Suite};
use pqhybrid::rng::OsRng;
use serde_json::json;

use super::io::{CHUNK, progress_bar, read_up_to};
use super::report::{fw_error, fw_reason, tagged};
use super::verify::{load_anchors, print_verify, request, verify_file};
use crate::error::{CliError, Result, describe};
use crate::keys::{KemPrivateKey, KemPublicKey};
use crate::out::errln;
use crate::{DecryptArgs, hex};

/// Largest payload encrypted in memory (the format's limit).
const MAX_PAYLOAD: u64 = u32::MAX as u64;

/// What `sign --encrypt-to` encrypts to.
pub struct EncryptTo<'a> {
    /// The recipient's key file, for messages.
    pub path: &'a Path,
    /// HPKE KDF of the key wrap.
    pub kdf: Kdf,
    /// HPKE AEAD of the key wrap.
    pub aead: Aead,
    /// Plaintext bytes per chunk.
    pub chunk_size: u32,
}

/// Encrypts the payload file `image` for `params` (its device class and digest algorithm) to
/// the recipient: a temporary file holding the encrypted payload, and a one-line description.
pub fn encrypt_file(
    image: &Path,
    to: &EncryptTo<'_>,
    params: &ImageParams,
) -> Result<(tempfile::NamedTempFile, String)> {
    if !(MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&to.chunk_size) {
        return Err(CliError::usage(format!(
            "--chunk-size {} must be {MIN_CHUNK_SIZE} to {MAX_CHUNK_SIZE}",
            to.chunk_size
        )));
    }
    let pk = KemPublicKey::load(to.path)?;
    let suite = Suite::new(pk.alg, to.kdf, to.aead).map_err(|_| {
        CliError::file(
            to.path,
            format!(
                "{} has no HPKE KEM id, so images cannot be encrypted to it (use X-Wing, ML-KEM \
                 or an ECDH-P256/P384 composite) [UnsupportedSuite]",
                pk.alg.name()
            ),
        )
    })?;
    let len = std::fs::metadata(image)
        .map_err(|e| CliError::io(image, &e))?
        .len();
    if len > MAX_PAYLOAD {
        return Err(CliError::file(image, "payload larger than 4 GiB - 1"));
    }
    let plaintext =
        zeroize::Zeroizing::new(std::fs::read(image).map_err(|e| CliError::io(image, &e))?);
    let p = EncryptionParams {
        suite,
        recipient: &pk.pk,
        chunk_size: to.chunk_size,
        device_class: params.device_class,
        digest: params.digest,
    };
    let payload = encrypt_payload_to_vec(&p, &plaintext, &mut OsRng::default())
        .map_err(|e| CliError::file(to.path, format!("cannot encrypt to it: {}", describe(&e))))?;
    let mut tmp = tempfile::NamedTempFile::new().map_err(|e| CliError::io(image, &e))?;
    tmp.write_all(&payload)
        .and_then(|()| tmp.flush())
        .map_err(|e| CliError::io(tmp.path(), &e))?;
    let id = pqhybrid::hpke::key_id(pk.alg, &pk.pk)
        .map_err(|e| CliError::file(to.path, describe(&e)))?;
    let what = format!(
        "encrypted to {} key {} (HPKE {} / {}, {}-byte chunks)",
        pk.alg.name(),
        hex::encode(&id),
        to.kdf.name(),
        to.aead.name(),
        to.chunk_size
    );
    Ok((tmp, what))
}

/// `pqhybrid decrypt`: verifies the image as `verify` does (same options, same messages), then
/// decrypts its payload with the device's KEM key into `--out` (mode 0600). Nothing is left at
/// `--out` unless every chunk authenticates and the plaintext matches the signed record.
pub fn decrypt(a: &DecryptArgs) -> Result<()> {
    let anchors = load_anchors(&a.policy)?;
    let req = request(&a.policy, &anchors, &a.image)?;
    let key = KemPrivateKey::load(&a.key)?;
    decrypt_file(
        &a.image,
        &req,
        &key,
        &a.key,
        &a.out,
        a.check_plaintext_digest,
        true,
    )
    .map(drop)
}

/// What [`decrypt_file`] wrote.
pub struct Decrypted {
    /// Plaintext bytes written.
    pub len: u64,
    /// With the plaintext-digest check: the plaintext digest (hex) the record carries and the
    /// plaintext matched; empty without it.
    pub digest: String,
}

/// Verifies `image` against `req` with encrypted images accepted (pass 1, printing the verdict
/// if `print`), then decrypts its payload with `key` (read from `key_path`, named in errors)
/// into `out` (pass 2), checking the plaintext digest too if `check_plaintext_digest`.
pub fn decrypt_file(
    image: &Path,
    req: &super::VerifyRequest<'_>,
    key: &KemPrivateKey,
    key_path: &Path,
    out_path: &Path,
    check_plaintext_digest: bool,
    print: bool,
) -> Result<Decrypted> {
    let dk = key.decapsulation_key(key_path)?;
    // Decrypting is what this is for: encrypted images are accepted.
    let req = &super::VerifyRequest {
        accept_encrypted: true,
        ..*req
    };
    // Pass 1: the signature, before any decryption work.
    let outcome = verify_file(image, req, print)?;
    if print {
        print_verify(image, req, &outcome);
    }
    let verified = match outcome.result {
        Ok(v) => v,
        Err(reason) => return Err(CliError::invalid(image, reason)),
    };
    if !verified.is_encrypted() {
        return Err(CliError::invalid(
            image,
            tagged(
                "the payload is not encrypted: nothing to decrypt (`verify` is enough)",
                FirmwareError::NotEncrypted,
            ),
        ));
    }
    // Pass 2: the decryptor reads the image again.
    let mut file = File::open(image).map_err(|e| CliError::io(image, &e))?;
    let file_len = file.metadata().map_err(|e| CliError::io(image, &e))?.len();
    let mut d = Decryptor::with_buffer(
        &verified,
        &dk,
        vec![0u8; MAX_CHUNK_SIZE as usize + CHUNK_TAG_LEN],
    )
    .map_err(|e| CliError::invalid(image, fw_reason(&e)))?;
    if check_plaintext_digest {
        d.check_plaintext_digest();
    }
    let dir = match out_path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    // Created 0600: the plaintext is the confidential firmware.
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| CliError::io(out_path, &e))?;
    let bar = if print {
        progress_bar(file_len, "decrypting")
    } else {
        indicatif::ProgressBar::hidden()
    };
    let mut buf = vec![0u8; CHUNK];
    let mut out = zeroize::Zeroizing::new(vec![0u8; d.max_output(CHUNK)]);
    let mut total = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(|e| CliError::io(image, &e))?;
        let Some(chunk) = buf.get(..n).filter(|c| !c.is_empty()) else {
            break;
        };
        let w = d
            .update(chunk, &mut out)
            .map_err(|e| CliError::invalid(image, decrypt_reason(&e)))?;
        tmp.write_all(out.get(..w).unwrap_or_default())
            .map_err(|e| CliError::io(out_path, &e))?;
        total += w as u64;
        bar.inc(n as u64);
    }
    bar.finish_and_clear();
    let done = d
        .finish()
        .map_err(|e| CliError::invalid(image, decrypt_reason(&e)))?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| CliError::io(out_path, &e))?;
    tmp.persist(out_path)
        .map_err(|e| CliError::io(out_path, &e.error))?;
    let digest = done
        .digest
        .map(|d| hex::encode(d.get(..done.digest_algorithm.output_len()).unwrap_or(&d)))
        .unwrap_or_default();
    if print {
        if done.digest.is_some() {
            errln!(
                "decrypted {} -> {}: {total} bytes, every chunk authenticated, plaintext {} \
                 {digest} matches the signed encryption record",
                image.display(),
                out_path.display(),
                done.digest_algorithm.name(),
            );
        } else {
            errln!(
                "decrypted {} -> {}: {total} bytes, every chunk authenticated (plaintext digest \
                 not checked: --check-plaintext-digest)",
                image.display(),
                out_path.display(),
            );
        }
    }
    Ok(Decrypted { len: total, digest })
}

/// A decryption failure, with what it means for this image.
fn decrypt_reason(e: &pqhybrid::Error) -> String {
    let Some(fe) = fw_error(e) else {
        return describe(e);
    };
    let text = match fe {
        FirmwareError::WrongRecipient => {
            "not decrypted: the image is encrypted to another key (see `pqhybrid inspect`)"
        }
        FirmwareError::KeyUnwrapFailed => {
            "not decrypted: the content key does not open with this key"
        }
        FirmwareError::ChunkAuthentication => {
            "not decrypted: an encrypted chunk does not authenticate (modified, reordered, \
             duplicated or truncated); nothing of it was written"
        }
        FirmwareError::DigestMismatch => {
            "not decrypted: the encryption record changed between verification and decryption"
        }
        FirmwareError::PlaintextDigestMismatch => {
            "not decrypted: the plaintext does not match the digest in the signed encryption \
             record (--check-plaintext-digest); the encryption step is faulty"
        }
        _ => fe.description(),
    };
    tagged(text, fe)
}

/// The encryption record of an encrypted image, as `inspect` shows it (unverified).
pub struct RecordView {
    /// The parsed fields, or the problem.
    pub record: std::result::Result<RecordFields, String>,
}

/// The fields of a parsed record.
pub struct RecordFields {
    suite: Suite,
    recipient_key_id: [u8; 32],
    chunk_size: u32,
    plaintext_len: u32,
    chunks: u64,
}

/// Reads the record at the start of the payload of `h` (only for an encrypted image).
pub fn read_record(file: &mut File, h: &Header) -> Option<RecordView> {
    if !h.encrypted {
        return None;
    }
    let mut bytes = vec![0u8; MAX_RECORD_LEN.min(h.payload_len as usize)];
    let got = file
        .seek(SeekFrom::Start(u64::from(h.header_len)))
        .and_then(|_| read_up_to(file, &mut bytes))
        .unwrap_or(0);
    let bytes = bytes.get(..got).unwrap_or_default();
    let record = match EncryptionRecord::declared_len(bytes) {
        None => Err(tagged(
            "the payload does not start with an encryption record",
            FirmwareError::BadEncryptionRecord,
        )),
        Some(len) => match bytes.get(..len).map(EncryptionRecord::parse) {
            Some(Ok(r)) if r.payload_len() == u64::from(h.payload_len) => Ok(RecordFields {
                suite: r.suite,
                recipient_key_id: r.recipient_key_id,
                chunk_size: r.chunk_size,
                plaintext_len: r.plaintext_len,
                chunks: r.chunk_count(),
            }),
            Some(Ok(_)) => Err(tagged(
                "the record's lengths do not add up to the payload length",
                FirmwareError::BadEncryptionRecord,
            )),
            Some(Err(e)) => Err(fw_reason(&e)),
            None => Err(tagged(
                "the encryption record is truncated",
                FirmwareError::BadEncryptionRecord,
            )),
        },
    };
    Some(RecordView { record })
}

impl RecordView {
    /// The `inspect` text line.
    pub fn text(&self) -> String {
        match &self.record {
            Ok(r) => format!(
                "  encryption         to {} key {}, HPKE {} / {}, {} chunks of {} bytes, \
                 plaintext {} bytes\n",
                r.suite.kem().name(),
                hex::encode(&r.recipient_key_id),
                r.suite.kdf().name(),
                r.suite.aead().name(),
                r.chunks,
                r.chunk_size,
                r.plaintext_len
            ),
            Err(problem) => format!("  encryption         {problem}\n"),
        }
    }

    /// The `inspect --json` value.
    pub fn json(&self) -> serde_json::Value {
        match &self.record {
            Ok(r) => {
                let (kem, kdf, aead) = r.suite.ids();
                json!({
                    "kem": r.suite.kem().name(),
                    "hpke_kem_id": kem,
                    "hpke_kdf": r.suite.kdf().name(),
                    "hpke_kdf_id": kdf,
                    "hpke_aead": r.suite.aead().name(),
                    "hpke_aead_id": aead,
                    "recipient_key_id": hex::encode(&r.recipient_key_id),
                    "chunk_size": r.chunk_size,
                    "chunks": r.chunks,
                    "plaintext_len": r.plaintext_len,
                })
            }
            Err(problem) => json!({ "problem": problem }),
        }
    }
}
