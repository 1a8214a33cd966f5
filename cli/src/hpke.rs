//! `pqhybrid seal` / `pqhybrid open`: HPKE (RFC 9180, Base mode) to a KEM public key, over
//! `pqhybrid::hpke::Suite`, in a small self-describing file; and the KEM key id and KEM list
//! that `keygen`, `pubkey`, `keyid` and `algs` print.
//!
//! The file ("pqhybrid seal file", `docs/hpke.md`): a 16-byte header (magic `PQHS`, format
//! version, the suite's three HPKE ids, flags, the info length, all little-endian), the info,
//! then the sealed box `enc ‖ ct ‖ tag`. The info is bound into the key schedule and the ids
//! into its suite id, so `open` needs only the key (and `--aad`, which is not stored).

use std::fs::File;
use std::io::Read;
use std::path::Path;

use pqhybrid::KemAlgorithm;
use pqhybrid::hpke::{self, Aead, Kdf, Suite, TAG_LEN};
use pqhybrid::rng::OsRng;
use zeroize::Zeroizing;

use crate::error::{CliError, Result, describe};
use crate::keys::{KemPrivateKey, KemPublicKey};
use crate::out::errln;
use crate::{OpenArgs, SealArgs, hex};

/// The first four bytes of a seal file.
pub const MAGIC: [u8; 4] = *b"PQHS";
/// The format version `seal` writes and `open` reads.
pub const FORMAT_VERSION: u16 = 1;
/// The fixed header before the info.
pub const HEADER_LEN: usize = 16;
/// Flag bit 0: the box was sealed with associated data (`--aad`), which the file does not hold.
pub const FLAG_AAD: u16 = 0x0001;
/// Every defined flag bit; the others must be zero.
const KNOWN_FLAGS: u16 = FLAG_AAD;
/// The largest plaintext `seal` takes, and so the largest file `open` reads (plus the header,
/// info, encapsulation and tag): both are single-shot, in memory.
pub const MAX_PLAINTEXT_LEN: u64 = 1 << 30;

/// The default `--kdf`.
pub const DEFAULT_KDF: Kdf = Kdf::HkdfSha256;
/// The default `--aead`.
pub const DEFAULT_AEAD: Aead = Aead::Aes256Gcm;

/// A name as the CLI compares it: ASCII lowercase, without `-` and `_` (so `ChaCha20-Poly1305`
/// names the AEAD RFC 9180 writes `ChaCha20Poly1305`).
fn loose(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '-' | '_'))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn names<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> String {
    all.iter().map(|t| name(*t)).collect::<Vec<_>>().join(", ")
}

/// Parses `--kdf`.
pub fn parse_kdf(text: &str) -> std::result::Result<Kdf, String> {
    Kdf::ALL
        .into_iter()
        .find(|k| loose(k.name()) == loose(text))
        .ok_or_else(|| {
            format!(
                "unknown KDF `{text}` (one of {})",
                names(&Kdf::ALL, Kdf::name)
            )
        })
}

/// Parses `--aead`.
pub fn parse_aead(text: &str) -> std::result::Result<Aead, String> {
    Aead::ALL
        .into_iter()
        .find(|a| loose(a.name()) == loose(text))
        .ok_or_else(|| {
            format!(
                "unknown AEAD `{text}` (one of {})",
                names(&Aead::ALL, Aead::name)
            )
        })
}

/// Why a KEM without an HPKE code point cannot seal or open, for messages.
fn no_hpke_kem(alg: KemAlgorithm) -> String {
    format!(
        "{} has no HPKE KEM id, so it cannot be used with `seal` / `open` (X-Wing is the HPKE \
         KEM for ML-KEM-768 with X25519) [UnsupportedSuite]",
        alg.name()
    )
}

/// The KEM key id of a public key (`pqhybrid::hpke::key_id`), `None` for a KEM without an
/// HPKE code point.
pub fn key_id(pk: &KemPublicKey) -> Result<Option<[u8; 32]>> {
    if hpke::kem_id(pk.alg).is_none() {
        return Ok(None);
    }
    hpke::key_id(pk.alg, &pk.pk)
        .map(Some)
        .map_err(|e| CliError::usage(describe(&e)))
}

/// `key id: <64 hex digits>`, or why there is none, for `keygen` and `pubkey`.
pub fn key_id_text(pk: &KemPublicKey) -> Result<String> {
    Ok(match key_id(pk)? {
        Some(id) => format!("key id: {}", hex::encode(&id)),
        None => "no key id (no HPKE KEM id: not usable with `seal` / `open`)".into(),
    })
}

/// `pqhybrid keyid` of a KEM public key read from `path`.
pub fn key_id_of_file(pk: &KemPublicKey, path: &Path) -> Result<[u8; 32]> {
    key_id(pk)
        .map_err(|e| CliError::file(path, e.message))?
        .ok_or_else(|| CliError::file(path, no_hpke_kem(pk.alg)))
}

/// The KEM group of `pqhybrid algs`.
pub fn algorithm_list() -> String {
    let mut out =
        String::from("\nKEMs for encryption (`seal` / `open`; HPKE KEM id, encapsulation size):\n");
    for alg in KemAlgorithm::ALL {
        let line = match hpke::kem_id(alg) {
            Some(id) => format!(
                "  {:<28} 0x{id:04x} {:>6} bytes\n",
                alg.name(),
                alg.ciphertext_len()
            ),
            None => format!(
                "  {:<28} -      {:>6} bytes  (no HPKE KEM id: keys only)\n",
                alg.name(),
                alg.ciphertext_len()
            ),
        };
        out.push_str(&line);
    }
    let options = |all: Vec<&str>, default: &str| {
        all.iter()
            .map(|n| {
                if *n == default {
                    format!("{n} (default)")
                } else {
                    (*n).to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    out.push_str(&format!(
        "  seal --kdf: {}\n  seal --aead: {}\n",
        options(Kdf::ALL.map(Kdf::name).to_vec(), DEFAULT_KDF.name()),
        options(Aead::ALL.map(Aead::name).to_vec(), DEFAULT_AEAD.name())
    ));
    out
}

// ---------------------------------------------------------------------------------------------
// The file format

/// A parsed seal file: the suite, the flags, the info and the sealed box.
#[derive(Debug)]
pub struct SealFile<'a> {
    /// The suite of the ids in the header.
    pub suite: Suite,
    /// The flags ([`FLAG_AAD`]).
    pub flags: u16,
    /// The HPKE `info`.
    pub info: &'a [u8],
    /// `enc ‖ ct ‖ tag`.
    pub sealed: &'a [u8],
}

/// The header and info of a seal file of `suite` (the sealed box follows them).
pub fn encode_header(suite: &Suite, flags: u16, info: &[u8]) -> Option<Vec<u8>> {
    let info_len = u16::try_from(info.len()).ok()?;
    let (kem, kdf, aead) = suite.ids();
    let mut out = Vec::with_capacity(HEADER_LEN + info.len());
    out.extend_from_slice(&MAGIC);
    for v in [FORMAT_VERSION, kem, kdf, aead, flags, info_len] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(info);
    Some(out)
}

fn u16_at(bytes: &[u8], offset: usize) -> Option<u16> {
    let b = bytes.get(offset..offset.checked_add(2)?)?;
    Some(u16::from_le_bytes([*b.first()?, *b.get(1)?]))
}

/// Parses a seal file. Every error is the reason a file is not a seal file this version can
/// open (exit 2): the caller names the file.
pub fn parse(bytes: &[u8]) -> std::result::Result<SealFile<'_>, String> {
    let n = bytes.len().min(MAGIC.len());
    if bytes.get(..n) != MAGIC.get(..n) {
        return Err("not a pqhybrid seal file (no `PQHS` magic)".into());
    }
    let header = bytes.get(..HEADER_LEN).ok_or_else(|| {
        format!(
            "truncated: {} bytes, a seal file header is {HEADER_LEN}",
            bytes.len()
        )
    })?;
    let field = |offset| u16_at(header, offset).unwrap_or_default();
    let version = field(4);
    if version != FORMAT_VERSION {
        return Err(format!(
            "seal file format version {version} is not supported (this pqhybrid reads version \
             {FORMAT_VERSION})"
        ));
    }
    let (kem, kdf, aead, flags) = (field(6), field(8), field(10), field(12));
    if flags & !KNOWN_FLAGS != 0 {
        return Err(format!("undefined flag bits set (flags 0x{flags:04x})"));
    }
    let suite = Suite::from_ids(kem, kdf, aead).map_err(|_| {
        format!(
            "HPKE suite not offered: KEM 0x{kem:04x}, KDF 0x{kdf:04x}, AEAD 0x{aead:04x} \
             [UnsupportedSuite]"
        )
    })?;
    let info_len = usize::from(field(14));
    let rest = bytes.get(HEADER_LEN..).unwrap_or_default();
    let (info, sealed) = rest.split_at_checked(info_len).ok_or_else(|| {
        format!(
            "truncated: the info needs {info_len} bytes after the header, the file has {}",
            rest.len()
        )
    })?;
    let min = suite.sealed_len(0);
    if sealed.len() < min {
        return Err(format!(
            "truncated: a sealed box of {} with {} needs at least {min} bytes (encapsulation and \
             tag), the file has {}",
            suite.kem().name(),
            suite.aead().name(),
            sealed.len()
        ));
    }
    Ok(SealFile {
        suite,
        flags,
        info,
        sealed,
    })
}

// ---------------------------------------------------------------------------------------------
// The commands

/// Reads a whole input file of at most `limit` bytes.
fn read_limited(path: &Path, limit: u64, what: &str) -> Result<Zeroizing<Vec<u8>>> {
    let mut file = File::open(path).map_err(|e| CliError::io(path, &e))?;
    let meta = file.metadata().map_err(|e| CliError::io(path, &e))?;
    if meta.is_dir() {
        return Err(CliError::file(path, "is a directory"));
    }
    if meta.len() > limit {
        return Err(CliError::file(
            path,
            format!("too large to {what} in one piece (at most {limit} bytes)"),
        ));
    }
    let mut bytes = Zeroizing::new(Vec::with_capacity(
        usize::try_from(meta.len()).unwrap_or_default(),
    ));
    Read::by_ref(&mut file)
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| CliError::io(path, &e))?;
    if bytes.len() as u64 > limit {
        return Err(CliError::file(
            path,
            format!("too large to {what} in one piece (at most {limit} bytes)"),
        ));
    }
    Ok(bytes)
}

/// Writes `contents` through a temporary file next to `out` (mode `mode` on Unix), renamed
/// into place, replacing `out`; `out` is untouched on error.
fn write_output(out: &Path, contents: &[u8], mode: u32) -> Result<()> {
    crate::identity::write_atomic(out, contents, mode, true)
}

/// The suite names, for messages: `X-Wing, HKDF-SHA256, AES-256-GCM`.
fn suite_text(suite: &Suite) -> String {
    format!(
        "{}, {}, {}",
        suite.kem().name(),
        suite.kdf().name(),
        suite.aead().name()
    )
}

/// `pqhybrid seal`.
pub fn seal(a: &SealArgs) -> Result<()> {
    let info = a.info.as_bytes();
    if info.len() > usize::from(u16::MAX) {
        return Err(CliError::usage(format!(
            "--info is {} bytes, at most {} fit a seal file",
            info.len(),
            u16::MAX
        )));
    }
    let aad = a.aad.as_deref().unwrap_or_default().as_bytes();
    let recipient = KemPublicKey::load(&a.to)?;
    let suite = Suite::new(recipient.alg, a.kdf, a.aead)
        .map_err(|_| CliError::file(&a.to, no_hpke_kem(recipient.alg)))?;
    let id = key_id_of_file(&recipient, &a.to)?;
    let plaintext = read_limited(&a.input, MAX_PLAINTEXT_LEN, "seal")?;
    let flags = if aad.is_empty() { 0 } else { FLAG_AAD };
    let mut file = encode_header(&suite, flags, info)
        .ok_or_else(|| CliError::usage("--info does not fit a seal file"))?;
    let start = file.len();
    file.resize(start + suite.sealed_len(plaintext.len()), 0);
    let out = file.get_mut(start..).unwrap_or_default();
    suite
        .seal(
            &recipient.pk,
            info,
            aad,
            &plaintext,
            out,
            &mut OsRng::default(),
        )
        .map_err(|e| {
            CliError::file(
                &a.to,
                format!(
                    "cannot seal to this {} public key: {}",
                    recipient.alg.name(),
                    describe(&e)
                ),
            )
        })?;
    drop(plaintext);
    // A sealed file is not secret.
    write_output(&a.out, &file, 0o644)?;
    errln!(
        "sealed {} -> {}: {} bytes ({}) to key id {}",
        a.input.display(),
        a.out.display(),
        file.len(),
        suite_text(&suite),
        hex::encode(&id)
    );
    Ok(())
}

/// `pqhybrid open`.
pub fn open(a: &OpenArgs) -> Result<()> {
    let overhead = HEADER_LEN + usize::from(u16::MAX) + KemAlgorithm::MAX_CIPHERTEXT_LEN + TAG_LEN;
    let bytes = read_limited(&a.input, MAX_PLAINTEXT_LEN + overhead as u64, "open")?;
    let file = parse(&bytes).map_err(|reason| CliError::file(&a.input, reason))?;
    let key = KemPrivateKey::load(&a.key)?;
    if hpke::kem_id(key.alg).is_none() {
        return Err(CliError::file(&a.key, no_hpke_kem(key.alg)));
    }
    let suite = file.suite;
    if key.alg != suite.kem() {
        return Err(CliError::invalid(
            &a.input,
            format!(
                "sealed to an {} key; {} is an {} key",
                suite.kem().name(),
                a.key.display(),
                key.alg.name()
            ),
        ));
    }
    let dk = key.decapsulation_key(&a.key)?;
    let aad = a.aad.as_deref().unwrap_or_default().as_bytes();
    let mut plaintext = Zeroizing::new(vec![0u8; file.sealed.len() - suite.sealed_len(0)]);
    let opened = suite.open(&dk, file.info, aad, file.sealed, &mut plaintext);
    match opened {
        Ok(_) => {}
        Err(
            pqhybrid::Error::AuthenticationFailed
            | pqhybrid::Error::MalformedEncoding { .. }
            | pqhybrid::Error::ZeroSharedSecret,
        ) => {
            let hint = match (file.flags & FLAG_AAD != 0, aad.is_empty()) {
                (true, true) => "; it was sealed with --aad, pass the same --aad",
                (false, false) => "; it was sealed without --aad",
                _ => "",
            };
            return Err(CliError::invalid(
                &a.input,
                format!(
                    "authentication failed: not sealed to {}, wrong --aad, or the file was \
                     modified or truncated{hint} [AuthenticationFailed]",
                    a.key.display()
                ),
            ));
        }
        Err(e) => return Err(CliError::file(&a.input, describe(&e))),
    }
    write_output(&a.out, &plaintext, 0o600)?;
    let info = if file.info.is_empty() {
        String::new()
    } else {
        format!(", info {:?}", String::from_utf8_lossy(file.info))
    };
    errln!(
        "opened {} -> {}: {} bytes ({}{info})",
        a.input.display(),
        a.out.display(),
        plaintext.len(),
        suite_text(&suite)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suite() -> Suite {
        match Suite::new(KemAlgorithm::XWing, Kdf::HkdfSha256, Aead::ChaCha20Poly1305) {
            Ok(s) => s,
            Err(e) => unreachable!("{e}"),
        }
    }

    #[test]
    fn header_layout() {
        let h = encode_header(&suite(), FLAG_AAD, b"ab").unwrap_or_default();
        assert_eq!(
            h,
            [
                b'P', b'Q', b'H', b'S', 1, 0, 0x7a, 0x64, 1, 0, 3, 0, 1, 0, 2, 0, b'a', b'b'
            ]
        );
        assert!(encode_header(&suite(), 0, &vec![0u8; 65_536]).is_none());
    }

    #[test]
    fn parse_round_trip_and_errors() {
        let s = suite();
        let mut bytes = encode_header(&s, 0, b"info").unwrap_or_default();
        bytes.extend(vec![7u8; s.sealed_len(3)]);
        let f = parse(&bytes);
        assert!(
            f.as_ref()
                .is_ok_and(|f| f.suite == s && f.info == b"info" && f.sealed.len() == 1120 + 19),
            "{f:?}"
        );
        let err = |b: &[u8]| parse(b).err().unwrap_or_default();
        assert!(err(b"PQFW").contains("magic"));
        assert!(err(b"PQ").contains("truncated: 2 bytes"));
        assert!(err(b"").contains("truncated: 0 bytes"));
        assert!(err(b"{").contains("magic"));
        assert!(err(b"PQHS\x01\x00").contains("truncated"));
        let mut v2 = bytes.clone();
        v2[4] = 2;
        assert!(err(&v2).contains("version 2"));
        let mut flags = bytes.clone();
        flags[13] = 0x80;
        assert!(err(&flags).contains("flag"));
        let mut kem = bytes.clone();
        kem[6] = 0x20; // DHKEM(X25519): not offered
        assert!(err(&kem).contains("UnsupportedSuite"));
        assert!(err(&bytes[..HEADER_LEN + 2]).contains("info"));
        assert!(err(&bytes[..HEADER_LEN + 4 + 1135]).contains("at least 1136"));
        assert!(parse(&bytes[..HEADER_LEN + 4 + 1136]).is_ok());
    }

    #[test]
    fn names() {
        assert_eq!(parse_kdf("hkdf-sha512"), Ok(Kdf::HkdfSha512));
        assert_eq!(parse_kdf("SHAKE256"), Ok(Kdf::Shake256));
        assert_eq!(parse_aead("ChaCha20-Poly1305"), Ok(Aead::ChaCha20Poly1305));
        assert_eq!(parse_aead("aes-256-gcm"), Ok(Aead::Aes256Gcm));
        assert!(parse_aead("AES-128-GCM").is_err_and(|e| e.contains("AES-256-GCM")));
        assert!(parse_kdf("HKDF-SHA384").is_err_and(|e| e.contains("SHAKE128")));
    }
}
