//! The decryptor of encrypted payloads: `no_std`, no allocation, bounded memory, any chunking.
//!
//! A device decrypts an encrypted image in two passes over the stored image (for example
//! from the update slot into the boot slot):
//!
//! 1. [`Verifier`](super::Verifier) as for any image. It checks the signature over the stored
//!    bytes, so a forged image is refused before any decryption work, and it records the
//!    digest of the encryption record it read ([`VerifiedImage::encryption_record_digest`]).
//! 2. [`Decryptor`] over the same image again: it refuses a record that differs from the
//!    verified one (a swap between the two reads), unwraps the content key with the device's
//!    KEM key, then authenticates and decrypts chunk by chunk, handing each plaintext chunk to
//!    the caller only once its tag verifies. With [`Decryptor::check_plaintext_digest`] it
//!    also hashes the plaintext and, at the end, compares it with the record's plaintext
//!    digest.
//!
//! The verifier must accept encrypted images ([`Policy::accept_encrypted`](super::Policy::accept_encrypted)):
//! a verifier that does not decrypt refuses them, so that ciphertext is never installed as
//! code.
//!
//! Every failure is its own [`FirmwareError`], sticks, and leaves nothing of the failing call
//! in the caller's output.

use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;
use zeroize::{Zeroize, Zeroizing};

use crate::agile::{Decapsulator, KemAlgorithm};
use crate::error::{Error, Field, Result};
use crate::hpke::{Suite, key_id};
use crate::primitives::aes_gcm::Aes256Gcm;

use super::encrypt::{
    CEK_LEN, CHUNK_TAG_LEN, DEFAULT_CHUNK_SIZE, EncryptionRecord, MAX_RECORD_LEN, RECORD_FIXED_LEN,
    cek_info, chunk_nonce,
};
use super::{DigestAlgorithm, FirmwareError, PayloadHasher, VerifiedImage, fw};

/// The default chunk buffer: one default chunk and its tag.
pub const DEFAULT_CHUNK_BUFFER: usize = DEFAULT_CHUNK_SIZE as usize + CHUNK_TAG_LEN;

/// What a successful decryption produced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecryptedPayload {
    /// The plaintext length.
    pub len: u32,
    /// The plaintext digest (the header's digest algorithm, zero-padded to 64 bytes), computed
    /// by the decryptor and checked against the encryption record: a bootloader can re-check a
    /// copy against it. `Some` only after [`Decryptor::check_plaintext_digest`]; `None` by
    /// default (the chunks were authenticated, the plaintext was not hashed).
    pub digest: Option<[u8; 64]>,
    /// The digest algorithm.
    pub digest_algorithm: DigestAlgorithm,
}

/// The state once the record is authenticated and the content key unwrapped.
struct Active {
    cipher: Aes256Gcm,
    aad: [u8; 32],
    chunk_size: u32,
    chunks: u64,
    index: u64,
    /// Plaintext bytes not yet released.
    left: u64,
    /// The plaintext length.
    total: u32,
    /// `Some` after `check_plaintext_digest`.
    hasher: Option<PayloadHasher>,
    expected: [u8; 64],
}

/// Decrypts the encrypted payload of a verified image (see the module documentation), chunk
/// by chunk into caller buffers.
///
/// Feed it the whole image (header, payload, signature block) in chunks of any size with
/// [`Self::update`]; it skips what is not payload. Memory: the longest encryption record
/// (about 1.8 KiB) and the chunk buffer `B` (one chunk and its tag: [`DEFAULT_CHUNK_BUFFER`]
/// by default; an image with larger chunks is [`FirmwareError::ChunkTooLarge`]).
///
/// The image is verified first under a policy with
/// [`Policy::accept_encrypted`](super::Policy::accept_encrypted) (the default policy refuses
/// encrypted images: a verifier that does not decrypt must never install ciphertext as code).
///
/// # Why the chunk tags suffice, and what the plaintext digest adds
///
/// By default the decryptor relies on the per-chunk AES-256-GCM tags. Every plaintext byte is
/// authenticated under the content key, which only the signed encryption record carries
/// (HPKE-wrapped to the device's key); the nonce of each chunk binds its index and whether it
/// is the last one, and the associated data is SHA-256 of the (signed) record. A chunk that
/// was modified, reordered, duplicated, moved from another image, or a payload cut short, does
/// not authenticate ([`FirmwareError::ChunkAuthentication`]). Only the holder of the content
/// key can make chunks that do, and that key is chosen by whoever encrypted the payload
/// before the signer signed it.
///
/// [`Decryptor::check_plaintext_digest`] adds one hash pass over the plaintext (about 40 % of
/// the decryption time on x86 with SHA-256: `benches/RESULTS.md`) and compares the result with
/// the plaintext digest the signed record carries ([`FirmwareError::PlaintextDigestMismatch`]
/// at [`Decryptor::finish`]). It defends against a faulty or compromised encryption step that
/// is separate from the signer (one that encrypted other plaintext than the one the release
/// process hashed into the record), and it gives the device its own measurement of the
/// plaintext ([`DecryptedPayload::digest`]) to re-check a decrypted copy against later, or to
/// report in attestation.
pub struct Decryptor<'a, B = [u8; DEFAULT_CHUNK_BUFFER]> {
    dk: &'a dyn Decapsulator,
    header_len: u64,
    payload_end: u64,
    record_digest: [u8; 32],
    device_class: super::DeviceClass,
    digest_algorithm: DigestAlgorithm,
    pos: u64,
    record: [u8; MAX_RECORD_LEN],
    record_filled: usize,
    record_len: Option<usize>,
    active: Option<Active>,
    buf: B,
    buf_filled: usize,
    check_digest: bool,
    error: Option<Error>,
}

impl<'a> Decryptor<'a> {
    /// A decryptor for `verified` with the device's KEM key `dk` and the default chunk buffer.
    /// `dk` is any [`Decapsulator`]: a held [`DecapsulationKey`](crate::agile::DecapsulationKey),
    /// or on a device the canonical private key borrowed in place,
    /// [`DecapsulationKeyRef`](crate::agile::DecapsulationKeyRef), which with the `compact-kem`
    /// feature decapsulates on the compact ML-KEM (the stack of a bootloader).
    ///
    /// # Errors
    /// [`FirmwareError::NotEncrypted`] if the image's payload is not encrypted.
    pub fn new(verified: &VerifiedImage, dk: &'a dyn Decapsulator) -> Result<Self> {
        Self::with_buffer(verified, dk, [0u8; DEFAULT_CHUNK_BUFFER])
    }
}

impl<'a, B: AsRef<[u8]> + AsMut<[u8]>> Decryptor<'a, B> {
    /// A decryptor whose chunk buffer is `buf` (its length bounds the chunk size plus tag).
    ///
    /// # Errors
    /// [`FirmwareError::NotEncrypted`] if the image's payload is not encrypted.
    pub fn with_buffer(verified: &VerifiedImage, dk: &'a dyn Decapsulator, buf: B) -> Result<Self> {
        let header = verified.header();
        let record_digest = match (header.encrypted, verified.encryption_record_digest()) {
            (true, Some(d)) => d,
            _ => return fw(FirmwareError::NotEncrypted),
        };
        let header_len = u64::from(header.header_len);
        Ok(Self {
            dk,
            header_len,
            payload_end: header_len + u64::from(header.payload_len),
            record_digest,
            device_class: header.device_class,
            digest_algorithm: header.digest_algorithm,
            pos: 0,
            record: [0u8; MAX_RECORD_LEN],
            record_filled: 0,
            record_len: None,
            active: None,
            buf,
            buf_filled: 0,
            check_digest: false,
            error: None,
        })
    }

    /// Also hashes the plaintext and, at [`Self::finish`], compares the digest with the
    /// plaintext digest in the signed encryption record
    /// ([`FirmwareError::PlaintextDigestMismatch`] if they differ); [`DecryptedPayload::digest`]
    /// then holds the digest the device computed.
    ///
    /// Off by default: every chunk is authenticated anyway (AES-256-GCM under the content key
    /// that only the signed record carries, nonces binding the chunk index and the last-chunk
    /// flag, associated data SHA-256 of the record), which already rules out any change to
    /// the ciphertext after encryption. The digest check adds a defence against a faulty or
    /// compromised encryption step separate from the signer (a payload encrypted from other
    /// plaintext than the one whose digest the record carries) and a device-computed
    /// measurement of the plaintext, at the cost of one more hash pass over the payload
    /// (about 40 % of the decryption time on x86 with SHA-256: `benches/RESULTS.md`). See
    /// [`Decryptor`], "Why the chunk tags suffice".
    ///
    /// Call it before the first [`Self::update`]; once the record has been read it has no
    /// effect.
    pub fn check_plaintext_digest(&mut self) {
        if self.active.is_none() {
            self.check_digest = true;
        }
    }

    /// Whether this decryptor checks the plaintext digest: `true` once
    /// [`Self::check_plaintext_digest`] took effect (it was called before the encryption
    /// record was read), `false` by default.
    #[must_use]
    pub fn checks_plaintext_digest(&self) -> bool {
        match &self.active {
            Some(a) => a.hasher.is_some(),
            None => self.check_digest,
        }
    }

    /// The output capacity that [`Self::update`] needs for an input of `input_len` bytes: the
    /// input plus what the chunk buffer may hold.
    #[must_use]
    pub fn max_output(&self, input_len: usize) -> usize {
        input_len.saturating_add(self.buf.as_ref().len())
    }

    /// Absorbs the next bytes of the image and writes the plaintext of every chunk they
    /// complete (each authenticated first) to the start of `out`; returns how many bytes it
    /// wrote.
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`] if `out` is shorter than [`Self::max_output`] of the input
    /// (not sticky, nothing consumed). Sticky: [`FirmwareError::DigestMismatch`] (the record
    /// differs from the one verified), [`FirmwareError::BadEncryptionRecord`],
    /// [`FirmwareError::WrongRecipient`], [`FirmwareError::KeyUnwrapFailed`],
    /// [`FirmwareError::ChunkTooLarge`], [`FirmwareError::ChunkAuthentication`]. On error
    /// nothing this call wrote is left in `out`.
    pub fn update(&mut self, input: &[u8], out: &mut [u8]) -> Result<usize> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let needed = self.max_output(input.len());
        if out.len() < needed {
            return Err(Error::BufferTooSmall {
                field: Field::Plaintext,
                needed,
                actual: out.len(),
            });
        }
        let mut written = 0;
        let r = self.absorb(input, out, &mut written);
        if let Err(e) = r {
            if let Some(o) = out.get_mut(..written) {
                o.zeroize();
            }
            self.error = Some(e);
            return Err(e);
        }
        Ok(written)
    }

    fn absorb(&mut self, mut input: &[u8], out: &mut [u8], written: &mut usize) -> Result<()> {
        while !input.is_empty() {
            let pos = self.pos;
            let n = if pos < self.header_len {
                clamp(self.header_len - pos, input.len())
            } else if pos >= self.payload_end {
                // The signature block and anything after it: not ours.
                input.len()
            } else if self.active.is_none() {
                self.absorb_record(input)?
            } else {
                self.absorb_chunk(input, out, written)?
            };
            self.pos += n as u64;
            input = input.get(n..).unwrap_or_default();
        }
        Ok(())
    }

    fn absorb_record(&mut self, input: &[u8]) -> Result<usize> {
        let limit = self.record_len.unwrap_or(8);
        let dst = self
            .record
            .get_mut(self.record_filled..limit)
            .unwrap_or_default();
        let n = dst.len().min(input.len());
        if let (Some(d), Some(s)) = (dst.get_mut(..n), input.get(..n)) {
            d.copy_from_slice(s);
        }
        self.record_filled += n;
        if self.record_len.is_none() && self.record_filled == 8 {
            let len = EncryptionRecord::declared_len(&self.record)
                .filter(|l| (RECORD_FIXED_LEN..=MAX_RECORD_LEN).contains(l))
                .ok_or(Error::Firmware(FirmwareError::BadEncryptionRecord))?;
            self.record_len = Some(len);
        }
        if self.record_len == Some(self.record_filled) {
            self.activate()?;
        }
        Ok(n)
    }

    /// The record is in: check it is the verified one, parse it, unwrap the content key.
    #[inline(never)]
    fn activate(&mut self) -> Result<()> {
        let bytes = self
            .record
            .get(..self.record_filled)
            .ok_or(Error::Firmware(FirmwareError::BadEncryptionRecord))?;
        let aad: [u8; 32] = Sha256::digest(bytes).into();
        if aad != self.record_digest {
            return fw(FirmwareError::DigestMismatch);
        }
        let record = EncryptionRecord::parse(bytes)?;
        if record.payload_len() != self.payload_end - self.header_len {
            return fw(FirmwareError::BadEncryptionRecord);
        }
        let needed = record.chunk_size as usize + CHUNK_TAG_LEN;
        if needed > self.buf.as_ref().len() {
            return fw(FirmwareError::ChunkTooLarge);
        }
        check_recipient(self.dk, &record)?;
        let cek = unwrap_cek(self.dk, &record, bytes, &self.device_class)?;
        let plaintext_len = u64::from(record.plaintext_len);
        self.active = Some(Active {
            cipher: Aes256Gcm::new(cek.as_slice())?,
            aad,
            chunk_size: record.chunk_size,
            chunks: record.chunk_count(),
            index: 0,
            left: plaintext_len,
            total: record.plaintext_len,
            hasher: self
                .check_digest
                .then(|| PayloadHasher::new(self.digest_algorithm)),
            expected: record.plaintext_digest,
        });
        Ok(())
    }

    fn absorb_chunk(&mut self, input: &[u8], out: &mut [u8], written: &mut usize) -> Result<usize> {
        let Some(a) = self.active.as_mut() else {
            return fw(FirmwareError::BadEncryptionRecord);
        };
        let pt_len = clamp(a.left, a.chunk_size as usize);
        let stored = pt_len + CHUNK_TAG_LEN;
        // A whole chunk in the input: decrypted straight from it into `out`, no copy.
        if self.buf_filled == 0
            && let Some(chunk) = input.get(..stored)
        {
            Self::open_chunk(a, chunk, pt_len, out, written)?;
            return Ok(stored);
        }
        let dst = self
            .buf
            .as_mut()
            .get_mut(self.buf_filled..stored)
            .unwrap_or_default();
        let n = dst.len().min(input.len());
        if let (Some(d), Some(s)) = (dst.get_mut(..n), input.get(..n)) {
            d.copy_from_slice(s);
        }
        self.buf_filled += n;
        if self.buf_filled == stored {
            let chunk = self
                .buf
                .as_ref()
                .get(..stored)
                .ok_or(Error::Firmware(FirmwareError::ChunkTooLarge))?;
            Self::open_chunk(a, chunk, pt_len, out, written)?;
            self.buf_filled = 0;
        }
        Ok(n)
    }

    /// Authenticates chunk `a.index` (`ciphertext ‖ tag`) and, only then, decrypts it to
    /// `out[*written..]`.
    fn open_chunk(
        a: &mut Active,
        chunk: &[u8],
        pt_len: usize,
        out: &mut [u8],
        written: &mut usize,
    ) -> Result<()> {
        let last = a.index + 1 == a.chunks;
        let (ct, tag) = chunk.split_at(pt_len);
        let dst = out
            .get_mut(*written..*written + pt_len)
            .ok_or(Error::BufferTooSmall {
                field: Field::Plaintext,
                needed: *written + pt_len,
                actual: 0,
            })?;
        a.cipher
            .open_to(&chunk_nonce(a.index, last), &a.aad, ct, tag, dst)
            .map_err(|_| Error::Firmware(FirmwareError::ChunkAuthentication))?;
        if let Some(h) = a.hasher.as_mut() {
            h.update(dst);
        }
        *written += pt_len;
        a.index += 1;
        a.left -= pt_len as u64;
        Ok(())
    }

    /// Finishes: every chunk must have been decrypted and, after
    /// [`Self::check_plaintext_digest`], the plaintext must match the record's digest. Calling
    /// it again repeats the checks.
    ///
    /// # Errors
    /// A sticky error from [`Self::update`]; [`FirmwareError::Truncated`] if the payload
    /// ended early; [`FirmwareError::PlaintextDigestMismatch`] (only with
    /// [`Self::check_plaintext_digest`]).
    pub fn finish(&mut self) -> Result<DecryptedPayload> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let Some(a) = self.active.as_ref() else {
            return fw(FirmwareError::Truncated);
        };
        if a.index != a.chunks {
            return fw(FirmwareError::Truncated);
        }
        let digest = a.hasher.clone().map(PayloadHasher::finalize);
        if let Some(d) = &digest
            && let Err(e) = check_digest(d, &a.expected)
        {
            self.error = Some(e);
            return Err(e);
        }
        Ok(DecryptedPayload {
            len: a.total,
            digest,
            digest_algorithm: self.digest_algorithm,
        })
    }
}

fn clamp(left: u64, len: usize) -> usize {
    usize::try_from(left).map_or(len, |l| l.min(len))
}

/// [`FirmwareError::WrongRecipient`] unless the record is for `dk`: the same KEM and the key
/// id of `dk`'s public key. The id is derived from the private key but published (the record
/// carries it): a function of its own, not inlined, named by the secret-taint harness
/// suppression `fw-recipient-key-id`.
#[inline(never)]
fn check_recipient(dk: &dyn Decapsulator, record: &EncryptionRecord<'_>) -> Result<()> {
    let alg = dk.algorithm();
    let mut pk = [0u8; KemAlgorithm::MAX_PUBLIC_KEY_LEN];
    dk.write_public_key(&mut pk)?;
    let id = key_id(alg, pk.get(..alg.public_key_len()).unwrap_or_default())?;
    if record.suite.kem() == alg && bool::from(id.ct_eq(&record.recipient_key_id)) {
        Ok(())
    } else {
        fw(FirmwareError::WrongRecipient)
    }
}

/// [`FirmwareError::PlaintextDigestMismatch`] unless the plaintext digest is the record's,
/// compared in constant time. The verdict is what the device reveals by accepting or refusing
/// the image (and the digest is published in the record): the branch is named by the harness
/// suppression `fw-plaintext-digest-outcome`.
#[inline(never)]
fn check_digest(digest: &[u8; 64], expected: &[u8; 64]) -> Result<()> {
    if bool::from(digest.ct_eq(expected)) {
        Ok(())
    } else {
        fw(FirmwareError::PlaintextDigestMismatch)
    }
}

/// HPKE-opens the content key. Its own frame: the KEM's decapsulation stack is not added to
/// the caller's.
#[inline(never)]
fn unwrap_cek(
    dk: &dyn Decapsulator,
    record: &EncryptionRecord<'_>,
    bytes: &[u8],
    class: &super::DeviceClass,
) -> Result<Zeroizing<[u8; CEK_LEN]>> {
    let suite: Suite = record.suite;
    let fixed = bytes
        .get(..RECORD_FIXED_LEN)
        .ok_or(Error::Firmware(FirmwareError::BadEncryptionRecord))?;
    let sealed = bytes
        .get(RECORD_FIXED_LEN..)
        .ok_or(Error::Firmware(FirmwareError::BadEncryptionRecord))?;
    let mut cek = Zeroizing::new([0u8; CEK_LEN]);
    match suite.open(dk, &cek_info(class), fixed, sealed, cek.as_mut_slice()) {
        Ok(CEK_LEN) => Ok(cek),
        Ok(_) | Err(_) => fw(FirmwareError::KeyUnwrapFailed),
    }
}

/// Verifies and decrypts a whole encrypted image in memory (the two passes of the module
/// documentation over one buffer): the verified image and the plaintext payload.
///
/// Decrypting is what this function is for, so it verifies under `policy` with
/// [`Policy::accept_encrypted`](super::Policy::accept_encrypted) set whatever `policy` says.
/// With `check_plaintext_digest` the decryptor also checks the plaintext digest
/// ([`Decryptor::check_plaintext_digest`]); without it, it relies on the chunk tags.
///
/// # Errors
/// The [`Verifier`](super::Verifier)'s errors, then [`Decryptor`]'s
/// ([`FirmwareError::PlaintextDigestMismatch`] only with `check_plaintext_digest`).
#[cfg(feature = "alloc")]
pub fn decrypt_image(
    image: &[u8],
    policy: &super::Policy<'_>,
    dk: &dyn Decapsulator,
    check_plaintext_digest: bool,
) -> Result<(VerifiedImage, alloc::vec::Vec<u8>)> {
    let policy = super::Policy {
        accept_encrypted: true,
        ..*policy
    };
    let mut v = super::Verifier::<'_, alloc::vec::Vec<u8>>::with_buffer(
        &policy,
        alloc::vec![0u8; super::MAX_TRAILER_CAPACITY],
    );
    v.update(image)?;
    let verified = v.finish()?;
    let mut d = Decryptor::with_buffer(
        &verified,
        dk,
        alloc::vec![0u8; super::encrypt::MAX_CHUNK_SIZE as usize + CHUNK_TAG_LEN],
    )?;
    if check_plaintext_digest {
        d.check_plaintext_digest();
    }
    let mut out = alloc::vec![0u8; d.max_output(image.len())];
    let n = d.update(image, &mut out)?;
    d.finish()?;
    out.truncate(n);
    Ok((verified, out))
}
