//! AES-GCM (NIST SP 800-38D) with 256- and 128-bit keys, a 96-bit explicit nonce, associated
//! data and a 128-bit tag.
//!
//! The caller supplies the nonce and must never repeat it under one key. Ciphertexts are
//! `C ‖ T` (ciphertext, then the 16-byte tag) in the combined API, or `C` and `T` apart in the
//! in-place API. Decryption writes nothing to the plaintext buffer unless the tag verifies.

use core::fmt;

use aes_gcm::aead::{AeadCore, AeadInOut, KeyInit};
use hybrid_array::sizes::{U12, U16};

use crate::error::{Error, Field, Result, array_ref, check_len, out_buf};

/// Nonce length (96 bits).
pub const NONCE_LEN: usize = 12;
/// Tag length (128 bits).
pub const TAG_LEN: usize = 16;

mod sealed {
    pub trait Sealed {}
}

/// An AES-GCM key size: [`Aes128`] or [`Aes256`].
pub trait AesGcmVariant: sealed::Sealed {
    /// Key length in bytes.
    const KEY_LEN: usize;
    /// Name.
    const NAME: &'static str;
    #[doc(hidden)]
    type Cipher: AeadInOut + AeadCore<NonceSize = U12, TagSize = U16> + KeyInit;
}

/// AES-128-GCM.
#[derive(Clone, Copy, Debug, Default)]
pub struct Aes128;
/// AES-256-GCM.
#[derive(Clone, Copy, Debug, Default)]
pub struct Aes256;

impl sealed::Sealed for Aes128 {}
impl sealed::Sealed for Aes256 {}
impl AesGcmVariant for Aes128 {
    const KEY_LEN: usize = 16;
    const NAME: &'static str = "AES-128-GCM";
    type Cipher = aes_gcm::Aes128Gcm;
}
impl AesGcmVariant for Aes256 {
    const KEY_LEN: usize = 32;
    const NAME: &'static str = "AES-256-GCM";
    type Cipher = aes_gcm::Aes256Gcm;
}

/// An AES-GCM key. The expanded key schedule zeroizes on drop.
pub struct AesGcm<V: AesGcmVariant> {
    cipher: V::Cipher,
}

/// AES-256-GCM key.
pub type Aes256Gcm = AesGcm<Aes256>;
/// AES-128-GCM key.
pub type Aes128Gcm = AesGcm<Aes128>;

impl<V: AesGcmVariant> fmt::Debug for AesGcm<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}([REDACTED])", V::NAME)
    }
}

impl<V: AesGcmVariant> AesGcm<V> {
    /// Initializes the key.
    ///
    /// # Errors
    /// [`Error::InvalidLength`] unless `key` is [`AesGcmVariant::KEY_LEN`] bytes.
    pub fn new(key: &[u8]) -> Result<Self> {
        check_len(Field::SymmetricKey, V::KEY_LEN, key.len())?;
        V::Cipher::new_from_slice(key)
            .map(|cipher| Self { cipher })
            .map_err(|_| Error::InvalidLength {
                field: Field::SymmetricKey,
                expected: V::KEY_LEN,
                actual: key.len(),
            })
    }

    /// Encrypts `buf` in place and returns the tag.
    ///
    /// # Errors
    /// [`Error::InvalidLength`] for a nonce that is not 12 bytes.
    pub fn seal_in_place(&self, nonce: &[u8], aad: &[u8], buf: &mut [u8]) -> Result<[u8; TAG_LEN]> {
        let nonce = array_ref::<NONCE_LEN>(Field::Nonce, nonce)?;
        let len = buf.len();
        // GCM encrypts at most 2^36 - 32 bytes under one nonce (SP 800-38D §5.2.1.1).
        let tag = self
            .cipher
            .encrypt_inout_detached(&(*nonce).into(), aad, buf.into())
            .map_err(|_| Error::InvalidLength {
                field: Field::Plaintext,
                expected: buf_limit(),
                actual: len,
            })?;
        let mut out = [0u8; TAG_LEN];
        out.copy_from_slice(&tag);
        Ok(out)
    }

    /// Decrypts `buf` in place if `tag` authenticates it; on failure `buf` is left as it was.
    ///
    /// # Errors
    /// [`Error::InvalidLength`] (nonce, tag) or [`Error::AuthenticationFailed`].
    pub fn open_in_place(
        &self,
        nonce: &[u8],
        aad: &[u8],
        buf: &mut [u8],
        tag: &[u8],
    ) -> Result<()> {
        let nonce = array_ref::<NONCE_LEN>(Field::Nonce, nonce)?;
        let tag = array_ref::<TAG_LEN>(Field::Tag, tag)?;
        self.cipher
            .decrypt_inout_detached(&(*nonce).into(), aad, buf.into(), &(*tag).into())
            .map_err(|_| Error::AuthenticationFailed)
    }

    /// Decrypts `ct` into the start of `out` (at least `ct.len()` bytes) if `tag`
    /// authenticates it; on failure nothing is written. No copy of the ciphertext is made:
    /// for streaming decryption straight from the input into the caller's buffer.
    ///
    /// # Errors
    /// [`Error::InvalidLength`] (nonce, tag), [`Error::BufferTooSmall`],
    /// [`Error::AuthenticationFailed`].
    pub fn open_to(
        &self,
        nonce: &[u8],
        aad: &[u8],
        ct: &[u8],
        tag: &[u8],
        out: &mut [u8],
    ) -> Result<()> {
        let nonce = array_ref::<NONCE_LEN>(Field::Nonce, nonce)?;
        let tag = array_ref::<TAG_LEN>(Field::Tag, tag)?;
        let out = out_buf(Field::Plaintext, out, ct.len())?;
        let buf =
            aes_gcm::aead::inout::InOutBuf::new(ct, out).map_err(|_| Error::BufferTooSmall {
                field: Field::Plaintext,
                needed: ct.len(),
                actual: 0,
            })?;
        self.cipher
            .decrypt_inout_detached(&(*nonce).into(), aad, buf, &(*tag).into())
            .map_err(|_| Error::AuthenticationFailed)
    }

    /// Encrypts `plaintext` into `out` as `C ‖ T`; returns `plaintext.len() + 16`.
    ///
    /// # Errors
    /// [`Error::InvalidLength`] (nonce) or [`Error::BufferTooSmall`].
    pub fn seal(
        &self,
        nonce: &[u8],
        aad: &[u8],
        plaintext: &[u8],
        out: &mut [u8],
    ) -> Result<usize> {
        check_len(Field::Nonce, NONCE_LEN, nonce.len())?;
        let total = plaintext
            .len()
            .checked_add(TAG_LEN)
            .ok_or(Error::BufferTooSmall {
                field: Field::Ciphertext,
                needed: usize::MAX,
                actual: out.len(),
            })?;
        let out = out_buf(Field::Ciphertext, out, total)?;
        let (body, tag_out) = out.split_at_mut(plaintext.len());
        body.copy_from_slice(plaintext);
        let tag = self.seal_in_place(nonce, aad, body)?;
        tag_out.copy_from_slice(&tag);
        Ok(total)
    }

    /// Decrypts `C ‖ T` into `out`; returns the plaintext length. If authentication fails, the
    /// part of `out` that would have held the plaintext is zeroed: no unauthenticated byte is
    /// released.
    ///
    /// # Errors
    /// [`Error::InvalidLength`] (nonce, or input shorter than a tag), [`Error::BufferTooSmall`],
    /// or [`Error::AuthenticationFailed`].
    pub fn open(
        &self,
        nonce: &[u8],
        aad: &[u8],
        ciphertext: &[u8],
        out: &mut [u8],
    ) -> Result<usize> {
        check_len(Field::Nonce, NONCE_LEN, nonce.len())?;
        let body_len = ciphertext
            .len()
            .checked_sub(TAG_LEN)
            .ok_or(Error::InvalidLength {
                field: Field::Ciphertext,
                expected: TAG_LEN,
                actual: ciphertext.len(),
            })?;
        let (body, tag) = ciphertext.split_at(body_len);
        let out = out_buf(Field::Plaintext, out, body_len)?;
        out.copy_from_slice(body);
        if let Err(e) = self.open_in_place(nonce, aad, out, tag) {
            // Leave no unauthenticated bytes behind.
            out.fill(0);
            return Err(e);
        }
        Ok(body_len)
    }
}

/// GCM's plaintext limit, 2^36 - 32 bytes, saturated to `usize` on 32-bit targets.
const fn buf_limit() -> usize {
    let limit: u64 = (1 << 36) - 32;
    if limit > usize::MAX as u64 {
        usize::MAX
    } else {
        limit as usize
    }
}
