//! Data at rest sealed under the device's identity: a [`SealingKey`] derived from a layer's
//! `CDI_Seal`, and AES-256-GCM blobs (`PQSL`, version 1) sealed and opened with it.
//!
//! `CDI_Seal` of a measured layer changes only with the authority that signed the image, the
//! mode and the hidden input, and with the device (its UDS). So a blob sealed by one image
//! opens under every later image signed by the same key in the same mode on the same device,
//! and under nothing else. `docs/identity.md` ("Sealing") specifies every byte.
//!
//! * key: `HKDF-SHA-512(salt = "pqhybrid/v1/seal", ikm = CDI_Seal,
//!   info = "pqhybrid sealing key v1" ‖ label, L = 32)`, the label a caller-chosen purpose of
//!   at most [`MAX_SEAL_LABEL_LEN`] bytes (empty allowed), so that each class of data has a
//!   key of its own;
//! * blob: `"PQSL" ‖ 0x01 ‖ nonce (12) ‖ ciphertext ‖ tag (16)`, the nonce from the caller's
//!   generator; the AES-GCM associated data is the blob's 17-byte header (magic, version,
//!   nonce) followed by the caller's associated data (at most [`MAX_SEAL_AAD_LEN`] bytes).
//!
//! Nothing allocates: the associated data is assembled in a stack buffer of
//! `SEAL_HEADER_LEN + MAX_SEAL_AAD_LEN` bytes, which is why it is bounded.

use core::fmt;

use super::derive::{Cdis, kdf};
use crate::error::{Error, Field, Result, out_buf};
use crate::primitives::aes_gcm::{Aes256Gcm, NONCE_LEN, TAG_LEN};
use crate::rng::{TryCryptoRng, fill};
use crate::secret::Secret;

/// The magic at the start of every sealed blob.
pub const SEAL_MAGIC: [u8; 4] = *b"PQSL";
/// The format version this module writes and the only one it opens.
pub const SEAL_VERSION: u8 = 1;
/// Length of a blob's header: magic (4), version (1), nonce (12).
pub const SEAL_HEADER_LEN: usize = SEAL_MAGIC.len() + 1 + NONCE_LEN;
/// Bytes a blob adds to its plaintext: the header and the 16-byte tag (33).
pub const SEAL_OVERHEAD: usize = SEAL_HEADER_LEN + TAG_LEN;
/// Length of a sealing key (AES-256-GCM).
pub const SEAL_KEY_LEN: usize = 32;
/// The longest purpose label [`SealingKey::derive`] accepts.
pub const MAX_SEAL_LABEL_LEN: usize = 64;
/// The longest associated data [`SealingKey::seal`] and [`SealingKey::open`] accept.
pub const MAX_SEAL_AAD_LEN: usize = 256;
/// The HKDF salt of the sealing key.
pub const SEAL_SALT: &[u8] = b"pqhybrid/v1/seal";
/// The start of the HKDF info of the sealing key; the caller's label follows it.
pub const SEAL_INFO_PREFIX: &[u8] = b"pqhybrid sealing key v1";

/// Offset of the version byte in a blob.
const VERSION_AT: usize = SEAL_MAGIC.len();

/// The length of the blob that seals `pt_len` bytes: `pt_len + SEAL_OVERHEAD` (33).
/// Saturates at `usize::MAX`, a length no buffer has, so sealing then fails with
/// [`Error::BufferTooSmall`].
#[must_use]
pub const fn sealed_len(pt_len: usize) -> usize {
    pt_len.saturating_add(SEAL_OVERHEAD)
}

/// An AES-256-GCM key for data at rest sealed under a layer's `CDI_Seal` and a purpose label.
/// Wiped on drop, redacted in `Debug`; two keys compare in constant time.
///
/// * key: `HKDF-SHA-512(salt = "pqhybrid/v1/seal", ikm = CDI_Seal,
///   info = "pqhybrid sealing key v1" ‖ label, L = 32)` ([`Self::derive`]);
/// * blob: `"PQSL" ‖ 0x01 ‖ nonce (12) ‖ ciphertext ‖ tag (16)`, [`sealed_len`]`(n)` =
///   n + [`SEAL_OVERHEAD`] bytes; the AES-GCM associated data is the blob's
///   [`SEAL_HEADER_LEN`]-byte header (magic, version, nonce) followed by the caller's
///   associated data ([`Self::seal`], [`Self::open`]).
///
/// `docs/identity.md` ("Sealing") specifies every byte, with a worked example.
///
/// ```
/// use pqhybrid::identity::{Cdis, InputValues, Mode, SealingKey, Uds, sealed_len};
/// # fn main() -> pqhybrid::Result<()> {
/// # let mut rng = pqhybrid::rng::OsRng::default();
/// let layer0 = Cdis::from_uds(&Uds::new([7; 32]));
/// let mut inputs = InputValues::zero(Mode::Normal);
/// inputs.authority_hash = [0x11; 64]; // the signer of the image
/// let key = SealingKey::derive(&layer0.next(&inputs), b"wifi")?;
///
/// let mut blob = [0u8; sealed_len(8)];
/// key.seal(b"record 1", b"password", &mut blob, &mut rng)?;
///
/// // After an update signed by the same key: a new code hash, the same sealing key.
/// inputs.code_hash = [0x22; 64];
/// let key = SealingKey::derive(&layer0.next(&inputs), b"wifi")?;
/// let mut pt = [0u8; 8];
/// key.open(b"record 1", &blob, &mut pt)?;
/// assert_eq!(&pt, b"password");
/// # Ok(())
/// # }
/// ```
#[derive(PartialEq, Eq)]
pub struct SealingKey {
    key: Secret<SEAL_KEY_LEN>,
}

impl SealingKey {
    /// Derives the sealing key of `cdis` (its `CDI_Seal`) for the purpose `label`:
    /// `HKDF-SHA-512(salt = "pqhybrid/v1/seal", ikm = CDI_Seal,
    /// info = "pqhybrid sealing key v1" ‖ label, L = 32)`.
    ///
    /// Use the CDIs of the layer whose data it is (normally the measured image's, from
    /// [`Cdis::next`]): the key is then the same for every image signed by the same authority
    /// in the same mode on this device. The label separates classes of data (`b"wifi"`,
    /// `b"calibration"`, …); the empty label is a key of its own too.
    ///
    /// # Errors
    /// [`Error::ContextTooLong`] if `label` exceeds [`MAX_SEAL_LABEL_LEN`] bytes.
    pub fn derive(cdis: &Cdis, label: &[u8]) -> Result<Self> {
        let mut info = [0u8; SEAL_INFO_PREFIX.len() + MAX_SEAL_LABEL_LEN];
        let info = concat(SEAL_INFO_PREFIX, label, &mut info).ok_or(Error::ContextTooLong {
            max: MAX_SEAL_LABEL_LEN,
            actual: label.len(),
        })?;
        let mut key = Secret::<SEAL_KEY_LEN>::zero();
        kdf(cdis.seal_cdi().as_bytes(), SEAL_SALT, info, key.as_mut())?;
        Ok(Self { key })
    }

    /// Seals `plaintext` with associated data `aad` (at most [`MAX_SEAL_AAD_LEN`] bytes; it is
    /// authenticated, not stored: [`Self::open`] needs the same bytes) into the start of
    /// `out`, which must hold [`sealed_len`]`(plaintext.len())` bytes. Draws a fresh 12-byte
    /// nonce from `rng` (a nonce repeats only with probability about 2^-96 per pair of blobs,
    /// so one key seals any number of small blobs). Returns the blob's length.
    ///
    /// # Errors
    /// * [`Error::ContextTooLong`]: `aad` exceeds [`MAX_SEAL_AAD_LEN`] bytes;
    /// * [`Error::BufferTooSmall`] (field [`Field::Ciphertext`]): `out` is shorter than the
    ///   blob (checked before `rng` is used);
    /// * [`Error::Rng`]: the generator failed;
    /// * [`Error::InvalidLength`]: a plaintext beyond GCM's limit of 2^36 - 32 bytes (only
    ///   possible on 64-bit targets; the blob's area of `out` after the header is then zeroed).
    ///
    /// Apart from that last case, nothing is written to `out` on error.
    pub fn seal<R: TryCryptoRng + ?Sized>(
        &self,
        aad: &[u8],
        plaintext: &[u8],
        out: &mut [u8],
        rng: &mut R,
    ) -> Result<usize> {
        check_aad(aad)?;
        let total = sealed_len(plaintext.len());
        let out_len = out.len();
        let out = out_buf(Field::Ciphertext, out, total)?;
        let mut nonce = [0u8; NONCE_LEN];
        fill(rng, &mut nonce)?;
        let header = header(&nonce);
        let mut aad_buf = [0u8; SEAL_HEADER_LEN + MAX_SEAL_AAD_LEN];
        let full_aad = concat(&header, aad, &mut aad_buf).ok_or(Error::ContextTooLong {
            max: MAX_SEAL_AAD_LEN,
            actual: aad.len(),
        })?;
        let cipher = Aes256Gcm::new(self.key.as_bytes())?;
        // `out` holds `total` >= SEAL_OVERHEAD bytes: the split cannot fail.
        let (head, body) =
            out.split_at_mut_checked(SEAL_HEADER_LEN)
                .ok_or(Error::BufferTooSmall {
                    field: Field::Ciphertext,
                    needed: total,
                    actual: out_len,
                })?;
        if let Err(e) = cipher.seal(&nonce, full_aad, plaintext, body) {
            // Only for a plaintext beyond GCM's limit: leave nothing of it in `out`.
            body.fill(0);
            return Err(e);
        }
        head.copy_from_slice(&header);
        Ok(total)
    }

    /// Opens a blob that [`Self::seal`] made with this key and the same associated data `aad`,
    /// writing the plaintext (`blob.len() - SEAL_OVERHEAD` bytes) to the start of `out`.
    /// Returns the plaintext's length.
    ///
    /// # Errors
    /// Checked in this order:
    /// * [`Error::ContextTooLong`]: `aad` exceeds [`MAX_SEAL_AAD_LEN`] bytes;
    /// * [`Error::InvalidLength`] (field [`Field::Ciphertext`]): `blob` is shorter than
    ///   [`SEAL_OVERHEAD`] (33) bytes;
    /// * [`Error::MalformedEncoding`] (field [`Field::Ciphertext`]): the magic is not `PQSL`
    ///   or the version not 1;
    /// * [`Error::BufferTooSmall`] (field [`Field::Plaintext`]): `out` is shorter than the
    ///   plaintext;
    /// * [`Error::AuthenticationFailed`]: the tag does not authenticate the blob and `aad`
    ///   under this key (another device, authority, mode or label, other associated data, a
    ///   changed or truncated blob). The plaintext area of `out` is then zeroed: no
    ///   unauthenticated byte is released.
    ///
    /// Except for the last, nothing is written to `out`.
    pub fn open(&self, aad: &[u8], blob: &[u8], out: &mut [u8]) -> Result<usize> {
        check_aad(aad)?;
        let short = Error::InvalidLength {
            field: Field::Ciphertext,
            expected: SEAL_OVERHEAD,
            actual: blob.len(),
        };
        if blob.len() < SEAL_OVERHEAD {
            return Err(short);
        }
        let (header, body) = blob.split_at_checked(SEAL_HEADER_LEN).ok_or(short)?;
        let (prefix, nonce) = header.split_at_checked(VERSION_AT + 1).ok_or(short)?;
        if prefix.get(..VERSION_AT) != Some(&SEAL_MAGIC[..])
            || prefix.get(VERSION_AT) != Some(&SEAL_VERSION)
        {
            return Err(Error::MalformedEncoding {
                field: Field::Ciphertext,
            });
        }
        let pt_len = body.len().saturating_sub(TAG_LEN);
        out_buf(Field::Plaintext, out, pt_len)?;
        let mut aad_buf = [0u8; SEAL_HEADER_LEN + MAX_SEAL_AAD_LEN];
        let full_aad = concat(header, aad, &mut aad_buf).ok_or(Error::ContextTooLong {
            max: MAX_SEAL_AAD_LEN,
            actual: aad.len(),
        })?;
        // Zeroes the plaintext area of `out` if the tag does not verify.
        Aes256Gcm::new(self.key.as_bytes())?.open(nonce, full_aad, body, out)
    }

    /// The key bytes, for known-answer tests only.
    #[cfg(feature = "hazmat")]
    #[must_use]
    pub fn key_hazmat(&self) -> &[u8; SEAL_KEY_LEN] {
        self.key.as_bytes()
    }
}

impl fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SealingKey(..)")
    }
}

/// The header of a blob with `nonce`: `"PQSL" ‖ 0x01 ‖ nonce`.
fn header(nonce: &[u8; NONCE_LEN]) -> [u8; SEAL_HEADER_LEN] {
    let mut h = [0u8; SEAL_HEADER_LEN];
    let bytes = SEAL_MAGIC
        .iter()
        .chain(core::iter::once(&SEAL_VERSION))
        .chain(nonce);
    for (d, s) in h.iter_mut().zip(bytes) {
        *d = *s;
    }
    h
}

/// Fails with [`Error::ContextTooLong`] if `aad` exceeds [`MAX_SEAL_AAD_LEN`].
fn check_aad(aad: &[u8]) -> Result<()> {
    if aad.len() > MAX_SEAL_AAD_LEN {
        Err(Error::ContextTooLong {
            max: MAX_SEAL_AAD_LEN,
            actual: aad.len(),
        })
    } else {
        Ok(())
    }
}

/// `a ‖ b` in `buf`, or `None` if it does not fit.
fn concat<'a>(a: &[u8], b: &[u8], buf: &'a mut [u8]) -> Option<&'a [u8]> {
    let total = a.len().checked_add(b.len())?;
    let out = buf.get_mut(..total)?;
    let (x, y) = out.split_at_mut_checked(a.len())?;
    x.copy_from_slice(a);
    y.copy_from_slice(b);
    Some(out)
}
