//! AES-GCM: `pqh_aead_*`.

use pqhybrid::primitives::aes_gcm::{Aes128Gcm, Aes256Gcm};

use crate::alg::{Aead, AeadAlgArg};
use crate::glue::{guard, input, output, put, required};
use crate::status::pqh_status::{self, *};

/// Key length in bytes (16 or 32), or 0 for an unknown algorithm.
#[unsafe(no_mangle)]
pub extern "C" fn pqh_aead_key_len(alg: AeadAlgArg) -> usize {
    match alg.get() {
        Some(Aead::Aes128Gcm) => crate::alg::PQH_AES128GCM_KEYBYTES,
        Some(Aead::Aes256Gcm) => crate::alg::PQH_AES256GCM_KEYBYTES,
        None => 0,
    }
}

/// Encrypts `pt` with `key` (pqh_aead_key_len(alg) bytes) under the 12-byte `nonce`,
/// authenticating `aad` too. Writes ciphertext || 16-byte tag (`pt_len` + PQH_AEAD_TAGBYTES
/// bytes) to `ct` (capacity `ct_cap`) and its length to `*ct_len`. Never reuse a nonce with the
/// same key.
///
/// Errors: PQH_ERR_UNKNOWN_ALGORITHM, PQH_ERR_NULL_POINTER, PQH_ERR_INVALID_LENGTH (key, nonce,
/// or a plaintext over GCM's limit), PQH_ERR_BUFFER_TOO_SMALL.
///
/// # Safety
/// Every pointer must be valid for its length; `ct` must not overlap the inputs.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_aead_seal(
    alg: AeadAlgArg,
    key: *const u8,
    key_len: usize,
    nonce: *const u8,
    nonce_len: usize,
    aad: *const u8,
    aad_len: usize,
    pt: *const u8,
    pt_len: usize,
    ct: *mut u8,
    ct_cap: usize,
    ct_len: *mut usize,
) -> pqh_status {
    guard(|| {
        let a = alg.get().ok_or(PQH_ERR_UNKNOWN_ALGORITHM)?;
        let ct_len = required(ct_len)?;
        // SAFETY: the caller's contract: each pointer is valid for its length, no overlap.
        let (key, nonce, aad, pt, ct) = unsafe {
            (
                input(key, key_len)?,
                input(nonce, nonce_len)?,
                input(aad, aad_len)?,
                input(pt, pt_len)?,
                output(ct, ct_cap)?,
            )
        };
        let n = match a {
            Aead::Aes128Gcm => Aes128Gcm::new(key)?.seal(nonce, aad, pt, ct)?,
            Aead::Aes256Gcm => Aes256Gcm::new(key)?.seal(nonce, aad, pt, ct)?,
        };
        // SAFETY: `ct_len` is non-null (checked); validity is the caller's contract.
        unsafe { put(ct_len, n) };
        Ok(())
    })
}

/// Decrypts `ct` (ciphertext || 16-byte tag, at least PQH_AEAD_TAGBYTES bytes) with `key` under
/// `nonce` and `aad`. If the tag verifies, writes the plaintext (`ct_len` - 16 bytes) to `pt`
/// (capacity `pt_cap`) and its length to `*pt_len`. If it does not, returns
/// PQH_ERR_AUTHENTICATION_FAILED and the plaintext area of `pt` is zeroed: no unauthenticated
/// byte is released.
///
/// Errors: PQH_ERR_UNKNOWN_ALGORITHM, PQH_ERR_NULL_POINTER, PQH_ERR_INVALID_LENGTH (key, nonce,
/// `ct` shorter than a tag), PQH_ERR_BUFFER_TOO_SMALL, PQH_ERR_AUTHENTICATION_FAILED.
///
/// # Safety
/// Every pointer must be valid for its length; `pt` must not overlap the inputs.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_aead_open(
    alg: AeadAlgArg,
    key: *const u8,
    key_len: usize,
    nonce: *const u8,
    nonce_len: usize,
    aad: *const u8,
    aad_len: usize,
    ct: *const u8,
    ct_len: usize,
    pt: *mut u8,
    pt_cap: usize,
    pt_len: *mut usize,
) -> pqh_status {
    guard(|| {
        let a = alg.get().ok_or(PQH_ERR_UNKNOWN_ALGORITHM)?;
        let pt_len = required(pt_len)?;
        // SAFETY: the caller's contract: each pointer is valid for its length, no overlap.
        let (key, nonce, aad, ct, pt) = unsafe {
            (
                input(key, key_len)?,
                input(nonce, nonce_len)?,
                input(aad, aad_len)?,
                input(ct, ct_len)?,
                output(pt, pt_cap)?,
            )
        };
        let n = match a {
            Aead::Aes128Gcm => Aes128Gcm::new(key)?.open(nonce, aad, ct, pt)?,
            Aead::Aes256Gcm => Aes256Gcm::new(key)?.open(nonce, aad, ct, pt)?,
        };
        // SAFETY: `pt_len` is non-null (checked); validity is the caller's contract.
        unsafe { put(pt_len, n) };
        Ok(())
    })
}
