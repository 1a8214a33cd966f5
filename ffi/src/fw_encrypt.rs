//! The encrypted payload format's sizes (`docs/firmware-format.md`, "Encrypted payloads") and,
//! on hosts, `pqh_fw_encrypt_payload`: what a tool that makes encrypted images needs (it then
//! signs the result as the payload of an image with the encrypted flag). Devices decrypt with
//! `pqh_fw_decryptor_*` (`fw_decrypt.rs`).

#[cfg(feature = "std")]
use core::ffi::c_void;

use pqhybrid::firmware::DigestAlgorithm;
use pqhybrid::firmware::encrypt::{
    CHUNK_TAG_LEN, DEFAULT_CHUNK_SIZE, MAX_CHUNK_SIZE, MAX_RECORD_LEN, MIN_CHUNK_SIZE,
};

use crate::alg::KemAlgArg;
#[cfg(feature = "std")]
use crate::fw::{PQH_FW_DEVICE_CLASS_BYTES, overlaps};
#[cfg(feature = "std")]
use crate::glue::{guard, input, output, put, required};
#[cfg(feature = "std")]
use crate::hpke::{HpkeAeadArg, HpkeKdfArg};
#[cfg(feature = "std")]
use crate::rng::{CallbackRng, pqh_rng_fn};
#[cfg(feature = "std")]
use crate::status::pqh_status::{self, *};

/// The authentication tag that follows every encrypted chunk (AES-256-GCM).
pub const PQH_FW_CHUNK_TAG_BYTES: usize = 16;
/// The default chunk size of encrypted payloads (pqh_fw_encrypt_payload): 4 KiB, a flash
/// sector on most microcontrollers.
pub const PQH_FW_CHUNK_SIZE_DEFAULT: u32 = 4096;
/// The smallest chunk size of an encrypted payload.
pub const PQH_FW_CHUNK_SIZE_MIN: u32 = 64;
/// The largest chunk size of an encrypted payload.
pub const PQH_FW_CHUNK_SIZE_MAX: u32 = 65536;
/// The longest encryption record (the KEM with the longest encapsulation,
/// MLKEM1024-ECDH-P384-SHA3-256): an encrypted payload is the record, the plaintext and one
/// tag per chunk.
pub const PQH_FW_ENCRYPTION_RECORD_MAX_BYTES: usize = 1841;
/// Payload digest algorithm id (header byte 14) of pqh_fw_encryption_params.digest: SHA-256.
pub const PQH_FW_DIGEST_SHA256: u32 = 1;
/// Payload digest algorithm id: SHA-512.
pub const PQH_FW_DIGEST_SHA512: u32 = 2;
/// Payload digest algorithm id: SHA3-256.
pub const PQH_FW_DIGEST_SHA3_256: u32 = 3;
/// Payload digest algorithm id: SHA3-512.
pub const PQH_FW_DIGEST_SHA3_512: u32 = 4;

const _: () = {
    assert!(PQH_FW_CHUNK_TAG_BYTES == CHUNK_TAG_LEN);
    assert!(PQH_FW_CHUNK_SIZE_DEFAULT == DEFAULT_CHUNK_SIZE);
    assert!(PQH_FW_CHUNK_SIZE_MIN == MIN_CHUNK_SIZE);
    assert!(PQH_FW_CHUNK_SIZE_MAX == MAX_CHUNK_SIZE);
    assert!(PQH_FW_ENCRYPTION_RECORD_MAX_BYTES == MAX_RECORD_LEN);
    assert!(PQH_FW_DIGEST_SHA256 == DigestAlgorithm::Sha256.id() as u32);
    assert!(PQH_FW_DIGEST_SHA512 == DigestAlgorithm::Sha512.id() as u32);
    assert!(PQH_FW_DIGEST_SHA3_256 == DigestAlgorithm::Sha3_256.id() as u32);
    assert!(PQH_FW_DIGEST_SHA3_512 == DigestAlgorithm::Sha3_512.id() as u32);
};

/// The parameters of pqh_fw_encrypt_payload. Copied by the call.
#[cfg(feature = "std")]
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct pqh_fw_encryption_params {
    /// The recipient's KEM (a pqh_kem_alg with an HPKE code point: every KEM but
    /// MLKEM768-X25519-SHA3-256).
    pub kem: KemAlgArg,
    /// The HPKE KDF of the content-key wrap.
    pub kdf: HpkeKdfArg,
    /// The HPKE AEAD of the content-key wrap (the chunks are always AES-256-GCM).
    pub aead: HpkeAeadArg,
    /// The recipient's KEM public key: a device-class key or one device's key.
    pub recipient_pk: *const u8,
    /// Its length: pqh_kem_public_key_len(kem).
    pub recipient_pk_len: usize,
    /// The device class of the image (bound into the content-key wrap; the header's).
    pub device_class: [u8; PQH_FW_DEVICE_CLASS_BYTES],
    /// Plaintext bytes per chunk, PQH_FW_CHUNK_SIZE_MIN to PQH_FW_CHUNK_SIZE_MAX
    /// (PQH_FW_CHUNK_SIZE_DEFAULT recommended): the device's chunk buffer must hold one chunk
    /// and its tag.
    pub chunk_size: u32,
    /// The header's payload digest algorithm (PQH_FW_DIGEST_*): the plaintext digest in the
    /// record uses it.
    pub digest: u32,
}

/// The length of the encrypted payload of a `pt_len`-byte plaintext encrypted to a `kem` key
/// in chunks of `chunk_size` bytes: the encryption record, the plaintext and one
/// PQH_FW_CHUNK_TAG_BYTES tag per chunk (one chunk for an empty plaintext). 0 if `kem` has no
/// HPKE code point (or is unknown), `chunk_size` is outside PQH_FW_CHUNK_SIZE_MIN to
/// PQH_FW_CHUNK_SIZE_MAX, `pt_len` is over 4 GiB - 1 (the encryption record stores it in 32
/// bits), or the length does not fit a size_t.
#[unsafe(no_mangle)]
pub extern "C" fn pqh_fw_encrypted_payload_len(
    kem: KemAlgArg,
    pt_len: usize,
    chunk_size: u32,
) -> usize {
    let Some(kem) = kem.get().filter(|k| pqhybrid::hpke::kem_id(*k).is_some()) else {
        return 0;
    };
    if !(MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&chunk_size) {
        return 0;
    }
    // The record stores the plaintext length in 32 bits (and the core's length arithmetic is
    // exact only for such lengths).
    let Ok(pt_len) = u32::try_from(pt_len) else {
        return 0;
    };
    let len =
        pqhybrid::firmware::encrypt::encrypted_payload_len(kem, u64::from(pt_len), chunk_size);
    usize::try_from(len).unwrap_or(0)
}

/// Encrypts `plaintext` as the payload of an encrypted firmware image (hosts only: the tools
/// that make images; header: PQH_STD): a fresh content key, wrapped with HPKE (the suite of
/// `params`) to the recipient's KEM public key, and the plaintext in AES-256-GCM chunks. Writes
/// the encrypted payload (pqh_fw_encrypted_payload_len(kem, plaintext_len, chunk_size) bytes)
/// to the start of `out` (capacity `out_cap`) and its length to `*out_len`. Sign the result as
/// the payload of an image whose header has the encrypted flag (bit 2), the same device class
/// and the same digest algorithm; the image signature then covers the encrypted bytes.
/// Randomness (the content key, then the KEM encapsulation) comes from `rng`.
///
/// Errors (`*out_len` is untouched, and nothing is written to `out` except zeros over the area
/// a failing generator interrupted): PQH_ERR_NULL_POINTER,
/// PQH_ERR_UNKNOWN_ALGORITHM (`kem` is no pqh_kem_alg), PQH_ERR_UNSUPPORTED_SUITE
/// (MLKEM768-X25519-SHA3-256, an unknown `kdf` or `aead`), PQH_ERR_INVALID_ARGUMENT
/// (`chunk_size` out of range, an unknown `digest`, `out` overlapping an input),
/// PQH_ERR_INVALID_LENGTH (the public key; a plaintext over 4 GiB), PQH_ERR_INVALID_KEY,
/// PQH_ERR_BUFFER_TOO_SMALL, PQH_ERR_RNG.
///
/// # Safety
/// `params` must be valid for reads and its recipient_pk for recipient_pk_len bytes;
/// `plaintext` must be valid for `plaintext_len` bytes, `out` for `out_cap` bytes (not
/// overlapping the inputs), `out_len` for a write.
#[cfg(feature = "std")]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_fw_encrypt_payload(
    params: *const pqh_fw_encryption_params,
    plaintext: *const u8,
    plaintext_len: usize,
    rng: pqh_rng_fn,
    rng_ctx: *mut c_void,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> pqh_status {
    use pqhybrid::firmware::DeviceClass;
    use pqhybrid::firmware::encrypt::{EncryptionParams, encrypt_payload};
    use pqhybrid::hpke::{Aead, Kdf, Suite};

    guard(|| {
        let params = required(params.cast_mut())?;
        // SAFETY: non-null; the caller guarantees it is valid for reads. `read_unaligned`
        // imposes no alignment requirement, and every field is valid for any bit pattern.
        let p = unsafe { params.read_unaligned() };
        let kem = p.kem.get().ok_or(PQH_ERR_UNKNOWN_ALGORITHM)?;
        // The C values are the HPKE identifiers (checked in hpke.rs).
        let kdf = Kdf::ALL
            .into_iter()
            .find(|k| u32::from(k.id()) == p.kdf.0)
            .ok_or(PQH_ERR_UNSUPPORTED_SUITE)?;
        let aead = Aead::ALL
            .into_iter()
            .find(|a| u32::from(a.id()) == p.aead.0)
            .ok_or(PQH_ERR_UNSUPPORTED_SUITE)?;
        let suite = Suite::new(kem, kdf, aead)?;
        let digest = u8::try_from(p.digest)
            .ok()
            .and_then(DigestAlgorithm::from_id)
            .ok_or(PQH_ERR_INVALID_ARGUMENT)?;
        if !(MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&p.chunk_size) {
            return Err(PQH_ERR_INVALID_ARGUMENT);
        }
        let out_len = required(out_len)?;
        let mut rng = CallbackRng::new(rng, rng_ctx)?;
        if overlaps(out, out_cap, plaintext, plaintext_len)
            || overlaps(out, out_cap, p.recipient_pk, p.recipient_pk_len)
        {
            return Err(PQH_ERR_INVALID_ARGUMENT);
        }
        // SAFETY: the caller's contract: each pointer is valid for its length; `out` overlaps
        // no input (checked).
        let (pk, pt, out) = unsafe {
            (
                input(p.recipient_pk, p.recipient_pk_len)?,
                input(plaintext, plaintext_len)?,
                output(out, out_cap)?,
            )
        };
        if pk.len() != kem.public_key_len() || u32::try_from(pt.len()).is_err() {
            return Err(PQH_ERR_INVALID_LENGTH);
        }
        // Checked here, not left to the core, which zeroes the output on every error.
        if out.len() < pqh_fw_encrypted_payload_len(p.kem, pt.len(), p.chunk_size) {
            return Err(PQH_ERR_BUFFER_TOO_SMALL);
        }
        let params = EncryptionParams {
            suite,
            recipient: pk,
            chunk_size: p.chunk_size,
            device_class: DeviceClass(p.device_class),
            digest,
        };
        let n = encrypt_payload(&params, pt, out, &mut rng)?;
        // SAFETY: non-null (checked); validity and alignment are the caller's contract.
        unsafe { put(out_len, n) };
        Ok(())
    })
}
