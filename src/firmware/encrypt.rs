//! Encrypted payloads: the encryption record and the chunked AEAD of an image whose header has
//! flag bit 2 ([`FLAG_ENCRYPTED`](super::FLAG_ENCRYPTED)). Byte for byte in
//! `docs/firmware-format.md`, "Encrypted payloads".
//!
//! ```text
//! payload = record (176 + Nenc bytes) ‖ chunk_0 ‖ … ‖ chunk_{n−1}
//! chunk_i = AES-256-GCM(CEK, nonce_i, aad = SHA-256(record), plaintext_i) ‖ tag_i
//! ```
//!
//! A fresh 32-byte content key (CEK) per image is wrapped with HPKE (Base mode,
//! [`crate::hpke::Suite`]) to the recipient's KEM public key (a device-class key or one
//! device's key). The plaintext is cut into chunks of `chunk_size` bytes (the last one shorter,
//! and one empty chunk for an empty payload); chunk `i` has the nonce `u64be(i) ‖ u32be(last)`,
//! so reordering, duplication, truncation and extension all fail authentication.
//!
//! **What the signature covers: both.** The header's payload digest is over the stored
//! (encrypted) payload, so any verifier checks the signature without the key and a device
//! rejects a forged image before it decrypts anything. The record, inside that digest, carries
//! the plaintext's digest, which the decryptor checks at the end.

use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

use crate::KemAlgorithm;
use crate::error::{Error, Field, Result, out_buf};
use crate::hpke::{Aead, Kdf, Suite, key_id};
use crate::primitives::aes_gcm::{self, Aes256Gcm};
use crate::rng::{TryCryptoRng, fill};

use super::format::{Reader, Writer, all_zero};
use super::{DeviceClass, DigestAlgorithm, FirmwareError, PayloadHasher, fw};

/// The record's magic, `"PQEN"`.
pub const RECORD_MAGIC: [u8; 4] = super::ENCRYPTION_RECORD_MAGIC;
/// The record version this library writes and reads.
pub const RECORD_VERSION: u8 = 1;
/// The chunk cipher id of AES-256-GCM (the only one).
pub const CHUNK_CIPHER_AES_256_GCM: u8 = 1;
/// The record's fixed part; `enc` and the wrapped key follow.
pub const RECORD_FIXED_LEN: usize = 128;
/// The wrapped content key: 32 bytes and the HPKE AEAD's 16-byte tag.
pub const WRAPPED_KEY_LEN: usize = CEK_LEN + crate::hpke::TAG_LEN;
/// The longest record (the KEM with the longest `enc`, MLKEM1024-P384).
pub const MAX_RECORD_LEN: usize =
    RECORD_FIXED_LEN + KemAlgorithm::MAX_CIPHERTEXT_LEN + WRAPPED_KEY_LEN;
/// The content key length (AES-256).
pub const CEK_LEN: usize = 32;
/// The per-chunk tag length.
pub const CHUNK_TAG_LEN: usize = aes_gcm::TAG_LEN;
/// The default chunk size: 4 KiB, a flash sector on most microcontrollers.
pub const DEFAULT_CHUNK_SIZE: u32 = 4096;
/// The smallest chunk size.
pub const MIN_CHUNK_SIZE: u32 = 64;
/// The largest chunk size.
pub const MAX_CHUNK_SIZE: u32 = 65536;
/// The HPKE `info` prefix of the content-key wrap; the device class (16 bytes) follows.
pub const CEK_INFO: &[u8; 18] = b"pqhybrid/fw/v1/cek";

/// How to encrypt a payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EncryptionParams<'a> {
    /// The HPKE suite that wraps the content key (its KEM is the recipient's).
    pub suite: Suite,
    /// The recipient's KEM public key ([`KemAlgorithm::public_key_len`] bytes).
    pub recipient: &'a [u8],
    /// Plaintext bytes per chunk ([`MIN_CHUNK_SIZE`] ..= [`MAX_CHUNK_SIZE`]); the device's
    /// decryptor must buffer one chunk and its tag.
    pub chunk_size: u32,
    /// The device class the image is for (bound into the key wrap; must be the header's).
    pub device_class: DeviceClass,
    /// The digest of the plaintext recorded in the record (use the header's algorithm).
    pub digest: DigestAlgorithm,
}

impl<'a> EncryptionParams<'a> {
    /// X-Wing with HKDF-SHA256 and AES-256-GCM, 4 KiB chunks, SHA-256, for `recipient` (an
    /// X-Wing public key) and `device_class`.
    ///
    /// # Errors
    /// None in practice (X-Wing has an HPKE code point).
    pub fn new(recipient: &'a [u8], device_class: DeviceClass) -> Result<Self> {
        Ok(Self {
            suite: Suite::new(KemAlgorithm::XWing, Kdf::HkdfSha256, Aead::Aes256Gcm)?,
            recipient,
            chunk_size: DEFAULT_CHUNK_SIZE,
            device_class,
            digest: DigestAlgorithm::Sha256,
        })
    }
}

/// The number of chunks of a `pt_len`-byte payload (at least one).
#[must_use]
pub const fn chunk_count(pt_len: u64, chunk_size: u32) -> u64 {
    if pt_len == 0 || chunk_size == 0 {
        1
    } else {
        pt_len.div_ceil(chunk_size as u64)
    }
}

/// The record length for `kem`: `128 + Nenc + 48`.
#[must_use]
pub const fn record_len(kem: KemAlgorithm) -> usize {
    RECORD_FIXED_LEN + kem.ciphertext_len() + WRAPPED_KEY_LEN
}

/// The encrypted payload's length: the record, the plaintext and one tag per chunk.
#[must_use]
pub const fn encrypted_payload_len(kem: KemAlgorithm, pt_len: u64, chunk_size: u32) -> u64 {
    // Saturating: a length near `u64::MAX` gives `u64::MAX`, which no buffer holds.
    (record_len(kem) as u64)
        .saturating_add(pt_len)
        .saturating_add((CHUNK_TAG_LEN as u64).saturating_mul(chunk_count(pt_len, chunk_size)))
}

/// The nonce of chunk `index`: `u64be(index) ‖ u32be(last)`.
pub(crate) fn chunk_nonce(index: u64, last: bool) -> [u8; aes_gcm::NONCE_LEN] {
    let mut n = [0u8; aes_gcm::NONCE_LEN];
    let (i, l) = n.split_at_mut(8);
    i.copy_from_slice(&index.to_be_bytes());
    l.copy_from_slice(&u32::from(last).to_be_bytes());
    n
}

/// The HPKE `info` of the content-key wrap: [`CEK_INFO`] ‖ device class.
pub(crate) fn cek_info(class: &DeviceClass) -> [u8; 34] {
    let mut info = [0u8; 34];
    let (a, b) = info.split_at_mut(CEK_INFO.len());
    a.copy_from_slice(CEK_INFO);
    b.copy_from_slice(&class.0);
    info
}

/// An encryption record, parsed (structure only: nothing in it is authenticated until the
/// image's signature is verified and its digest compared).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EncryptionRecord<'a> {
    /// The HPKE suite of the key wrap.
    pub suite: Suite,
    /// Plaintext bytes per chunk.
    pub chunk_size: u32,
    /// The plaintext (decrypted payload) length.
    pub plaintext_len: u32,
    /// The recipient's key id ([`crate::hpke::key_id`]).
    pub recipient_key_id: [u8; 32],
    /// The plaintext digest, zero-padded to 64 bytes (the header's digest algorithm).
    pub plaintext_digest: [u8; 64],
    /// The HPKE encapsulation.
    pub enc: &'a [u8],
    /// The wrapped content key.
    pub wrapped_key: &'a [u8],
}

impl<'a> EncryptionRecord<'a> {
    /// The record's length in `bytes`, from its first 8 bytes (`None` if fewer are given or
    /// the magic is wrong).
    #[must_use]
    pub fn declared_len(bytes: &[u8]) -> Option<usize> {
        match bytes.get(..8) {
            Some([m0, m1, m2, m3, _, _, lo, hi]) if [*m0, *m1, *m2, *m3] == RECORD_MAGIC => {
                Some(usize::from(u16::from_le_bytes([*lo, *hi])))
            }
            _ => None,
        }
    }

    /// Parses a record: exactly its declared length must be given.
    ///
    /// # Errors
    /// [`FirmwareError::BadEncryptionRecord`] for every structural fault (magic, version,
    /// cipher, an HPKE suite this build does not offer, `enc` length, chunk size, lengths,
    /// reserved bytes).
    pub fn parse(bytes: &'a [u8]) -> Result<Self> {
        let bad = Error::Firmware(FirmwareError::BadEncryptionRecord);
        let mut r = Reader::new(bytes, FirmwareError::BadEncryptionRecord);
        if r.take(4)? != RECORD_MAGIC || r.u8()? != RECORD_VERSION {
            return Err(bad);
        }
        if r.u8()? != CHUNK_CIPHER_AES_256_GCM {
            return Err(bad);
        }
        let declared = usize::from(r.u16()?);
        let (kem, kdf, aead) = (r.u16()?, r.u16()?, r.u16()?);
        let suite = Suite::from_ids(kem, kdf, aead).map_err(|_| bad)?;
        let enc_len = usize::from(r.u16()?);
        let chunk_size = r.u32()?;
        let plaintext_len = r.u32()?;
        let recipient_key_id: [u8; 32] = r.take(32)?.try_into().map_err(|_| bad)?;
        let plaintext_digest: [u8; 64] = r.take(64)?.try_into().map_err(|_| bad)?;
        if !all_zero(r.take(8)?)
            || enc_len != suite.enc_len()
            || declared != record_len(suite.kem())
            || declared != bytes.len()
            || !(MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&chunk_size)
        {
            return Err(bad);
        }
        let enc = r.take(enc_len)?;
        let wrapped_key = r.take(WRAPPED_KEY_LEN)?;
        if !r.rest().is_empty() {
            return Err(bad);
        }
        Ok(Self {
            suite,
            chunk_size,
            plaintext_len,
            recipient_key_id,
            plaintext_digest,
            enc,
            wrapped_key,
        })
    }

    /// The number of chunks.
    #[must_use]
    pub fn chunk_count(&self) -> u64 {
        chunk_count(u64::from(self.plaintext_len), self.chunk_size)
    }

    /// The length of the encrypted payload this record describes.
    #[must_use]
    pub fn payload_len(&self) -> u64 {
        encrypted_payload_len(
            self.suite.kem(),
            u64::from(self.plaintext_len),
            self.chunk_size,
        )
    }
}

/// Writes the record's fixed part (everything the key wrap authenticates as `aad`).
fn record_fixed(
    params: &EncryptionParams<'_>,
    pt_len: u32,
    recipient_key_id: &[u8; 32],
    digest: &[u8; 64],
) -> Result<[u8; RECORD_FIXED_LEN]> {
    let kem = params.suite.kem();
    let (kem_id, kdf_id, aead_id) = params.suite.ids();
    let mut fixed = [0u8; RECORD_FIXED_LEN];
    let mut w = Writer::new(&mut fixed);
    w.put(&RECORD_MAGIC)?;
    w.put(&[RECORD_VERSION, CHUNK_CIPHER_AES_256_GCM])?;
    let len = u16::try_from(record_len(kem))
        .map_err(|_| Error::Firmware(FirmwareError::BadEncryptionRecord))?;
    w.put(&len.to_le_bytes())?;
    w.put(&kem_id.to_le_bytes())?;
    w.put(&kdf_id.to_le_bytes())?;
    w.put(&aead_id.to_le_bytes())?;
    let enc_len = u16::try_from(kem.ciphertext_len())
        .map_err(|_| Error::Firmware(FirmwareError::BadEncryptionRecord))?;
    w.put(&enc_len.to_le_bytes())?;
    w.put(&params.chunk_size.to_le_bytes())?;
    w.put(&pt_len.to_le_bytes())?;
    w.put(recipient_key_id)?;
    w.put(digest)?;
    // Offsets 120..128 stay zero (reserved).
    Ok(fixed)
}

/// Encrypts `plaintext` for the image payload: writes the record and the chunks
/// ([`encrypted_payload_len`] bytes) to the start of `out` and returns that length. Sign the
/// result with [`ImageParams::encrypted`](super::ImageParams::encrypted) set and the same
/// device class and digest algorithm.
///
/// # Errors
/// [`FirmwareError::BadEncryptionRecord`] (chunk size out of range),
/// [`FirmwareError::LengthMismatch`] (a plaintext over `u32::MAX` bytes), the recipient key's
/// errors ([`Error::InvalidLength`], [`Error::InvalidKey`], [`Error::MalformedEncoding`],
/// [`Error::UnsupportedSuite`]), [`Error::BufferTooSmall`], [`Error::Rng`]. Nothing is
/// written on error.
pub fn encrypt_payload<R: TryCryptoRng + ?Sized>(
    params: &EncryptionParams<'_>,
    plaintext: &[u8],
    out: &mut [u8],
    rng: &mut R,
) -> Result<usize> {
    let result = encrypt_impl(params, plaintext, out, rng);
    // A short buffer is found before anything is written; other failures may leave part of
    // a payload (or the plaintext copied into it) behind.
    if result.is_err() && !matches!(result, Err(Error::BufferTooSmall { .. })) {
        // Never leave a half-written payload (or the plaintext copied into it) behind.
        let n = out
            .len()
            .min(plaintext.len().saturating_add(MAX_RECORD_LEN));
        if let Some(o) = out.get_mut(..n) {
            o.fill(0);
        }
    }
    result
}

fn encrypt_impl<R: TryCryptoRng + ?Sized>(
    params: &EncryptionParams<'_>,
    plaintext: &[u8],
    out: &mut [u8],
    rng: &mut R,
) -> Result<usize> {
    if !(MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&params.chunk_size) {
        return fw(FirmwareError::BadEncryptionRecord);
    }
    let pt_len = u32::try_from(plaintext.len())
        .map_err(|_| Error::Firmware(FirmwareError::LengthMismatch))?;
    let kem = params.suite.kem();
    let total = usize::try_from(encrypted_payload_len(
        kem,
        u64::from(pt_len),
        params.chunk_size,
    ))
    .map_err(|_| Error::Firmware(FirmwareError::LengthMismatch))?;
    let recipient_key_id = key_id(kem, params.recipient)?;
    let out = out_buf(Field::Ciphertext, out, total)?;

    let mut hasher = PayloadHasher::new(params.digest);
    hasher.update(plaintext);
    let digest = hasher.finalize();
    let fixed = record_fixed(params, pt_len, &recipient_key_id, &digest)?;

    let mut cek = Zeroizing::new([0u8; CEK_LEN]);
    fill(rng, cek.as_mut_slice())?;
    let rec_len = record_len(kem);
    let (record, chunks) = out.split_at_mut(rec_len);
    let (rec_fixed, rec_rest) = record.split_at_mut(RECORD_FIXED_LEN);
    rec_fixed.copy_from_slice(&fixed);
    // enc ‖ wrapped CEK is exactly HPKE's sealed box of the CEK.
    params.suite.seal(
        params.recipient,
        &cek_info(&params.device_class),
        &fixed,
        cek.as_slice(),
        rec_rest,
        rng,
    )?;
    let aad: [u8; 32] = Sha256::digest(&*record).into();

    let cipher = Aes256Gcm::new(cek.as_slice())?;
    let cs = params.chunk_size as usize;
    let n = chunk_count(u64::from(pt_len), params.chunk_size);
    let mut src = plaintext;
    let mut dst = chunks;
    for i in 0..n {
        let take = src.len().min(cs);
        let (p, rest_src) = src.split_at(take);
        let (c, rest_dst) = dst.split_at_mut(take + CHUNK_TAG_LEN);
        let (ct, tag) = c.split_at_mut(take);
        ct.copy_from_slice(p);
        let t = cipher.seal_in_place(&chunk_nonce(i, i + 1 == n), &aad, ct)?;
        tag.copy_from_slice(&t);
        src = rest_src;
        dst = rest_dst;
    }
    if !dst.is_empty() || !src.is_empty() {
        return fw(FirmwareError::LengthMismatch);
    }
    Ok(total)
}

/// [`encrypt_payload`] into a new vector.
///
/// # Errors
/// As [`encrypt_payload`].
#[cfg(feature = "alloc")]
pub fn encrypt_payload_to_vec<R: TryCryptoRng + ?Sized>(
    params: &EncryptionParams<'_>,
    plaintext: &[u8],
    rng: &mut R,
) -> Result<alloc::vec::Vec<u8>> {
    let len = usize::try_from(encrypted_payload_len(
        params.suite.kem(),
        plaintext.len() as u64,
        params.chunk_size,
    ))
    .map_err(|_| Error::Firmware(FirmwareError::LengthMismatch))?;
    let mut out = alloc::vec![0u8; len];
    let n = encrypt_payload(params, plaintext, &mut out, rng)?;
    out.truncate(n);
    Ok(out)
}
