//! Public-key import from X.509 `SubjectPublicKeyInfo` (DER) and its PEM armour
//! (`-----BEGIN PUBLIC KEY-----`, what `pqhybrid keygen` and `pqhybrid pubkey` write): the raw
//! public key that pqh_sig_verify, pqh_kem_encapsulate and pqh_fw_key_id take. Hosts only
//! (feature `std`; header: PQH_STD).

use core::ffi::c_char;

use pqhybrid::encoding::{self, Algorithm};

use crate::alg::{kem_alg_value, pqh_kem_alg, pqh_sig_alg, sig_alg_value};
use crate::glue::{Res, guard, input, output, put, required};
use crate::status::pqh_status::{self, *};

/// Where a decoded key goes: the checked output pointers of one call.
struct Out<A> {
    alg: *mut A,
    pk: *mut u8,
    pk_cap: usize,
    pk_len: *mut usize,
}

impl<A> Out<A> {
    /// Writes `alg` and `key` (after checking every pointer and the capacity, so that on an
    /// error nothing is written).
    ///
    /// # Safety
    /// As the public functions: `pk` valid for `pk_cap` bytes, `alg` and `pk_len` for a write,
    /// no overlap with the input.
    unsafe fn write(self, alg: A, key: &[u8]) -> Res {
        let alg_out = required(self.alg)?;
        let len_out = required(self.pk_len)?;
        if self.pk.is_null() {
            return Err(PQH_ERR_NULL_POINTER);
        }
        if self.pk_cap < key.len() {
            return Err(PQH_ERR_BUFFER_TOO_SMALL);
        }
        // SAFETY: the caller's contract: `pk` is valid for `pk_cap` bytes and does not overlap.
        let pk = unsafe { output(self.pk, self.pk_cap)? };
        pk.get_mut(..key.len())
            .ok_or(PQH_ERR_BUFFER_TOO_SMALL)?
            .copy_from_slice(key);
        // SAFETY: both are non-null; validity is the caller's contract.
        unsafe {
            put(alg_out, alg);
            put(len_out, key.len());
        }
        Ok(())
    }
}

/// The C value of a signature algorithm named by a key, or PQH_ERR_UNKNOWN_ALGORITHM (a KEM
/// key).
fn sig_value(a: Algorithm) -> Result<pqh_sig_alg, pqh_status> {
    match a {
        Algorithm::Signature(s) => sig_alg_value(s).ok_or(PQH_ERR_UNKNOWN_ALGORITHM),
        Algorithm::Kem(_) => Err(PQH_ERR_UNKNOWN_ALGORITHM),
    }
}

/// The C value of a KEM named by a key, or PQH_ERR_UNKNOWN_ALGORITHM (a signature key).
fn kem_value(a: Algorithm) -> Result<pqh_kem_alg, pqh_status> {
    match a {
        Algorithm::Kem(k) => kem_alg_value(k).ok_or(PQH_ERR_UNKNOWN_ALGORITHM),
        Algorithm::Signature(_) => Err(PQH_ERR_UNKNOWN_ALGORITHM),
    }
}

/// Decodes DER and hands the algorithm and raw key to `f`.
///
/// # Safety
/// `der` valid for `der_len` bytes.
unsafe fn with_der(der: *const u8, der_len: usize, f: impl FnOnce(Algorithm, &[u8]) -> Res) -> Res {
    // SAFETY: the caller's contract.
    let der = unsafe { input(der, der_len)? };
    let key = encoding::decode_public_key(der)?;
    f(key.algorithm, key.key)
}

/// Decodes PEM text and hands the algorithm and raw key to `f`.
///
/// # Safety
/// `pem` valid for `pem_len` bytes.
unsafe fn with_pem(
    pem: *const c_char,
    pem_len: usize,
    f: impl FnOnce(Algorithm, &[u8]) -> Res,
) -> Res {
    // SAFETY: the caller's contract.
    let bytes = unsafe { input(pem.cast::<u8>(), pem_len)? };
    let text = core::str::from_utf8(bytes).map_err(|_| PQH_ERR_MALFORMED_ENCODING)?;
    let (alg, key) = encoding::decode_public_key_pem(text)?;
    f(alg, &key)
}

/// Imports a signature public key from a DER `SubjectPublicKeyInfo` (RFC 5280; the encodings
/// of RFC 9881 for ML-DSA, RFC 9909 for SLH-DSA, RFC 8410 for Ed25519, RFC 5480 for ECDSA and
/// draft-ietf-lamps-pq-composite-sigs for the composites): writes the algorithm to `*alg_out`,
/// the raw public key (what pqh_sig_verify and pqh_fw_key_id take) to `pk` (capacity `pk_cap`;
/// PQH_SIG_PUBLICKEYBYTES_MAX always suffices) and its length to `*pk_len`.
///
/// Strict DER, no trailing bytes. The key is checked for its length only; its contents are
/// validated when it is used (pqh_sig_verify gives PQH_ERR_INVALID_KEY). An ECDSA key
/// (`id-ecPublicKey`) on P-256 imports as PQH_SIG_ECDSA_P256_SHA256 and on P-384 as
/// PQH_SIG_ECDSA_P384_SHA384.
///
/// Errors: PQH_ERR_NULL_POINTER, PQH_ERR_MALFORMED_ENCODING (not a DER SubjectPublicKeyInfo of
/// a supported algorithm), PQH_ERR_INVALID_LENGTH (a key of the wrong length for its
/// algorithm), PQH_ERR_UNKNOWN_ALGORITHM (a KEM key), PQH_ERR_BUFFER_TOO_SMALL.
///
/// # Safety
/// `der` must be valid for `der_len` bytes and `pk` for `pk_cap` bytes; `alg_out` and `pk_len`
/// must be valid for a write; outputs must not overlap the input.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_sig_public_key_from_spki(
    der: *const u8,
    der_len: usize,
    alg_out: *mut pqh_sig_alg,
    pk: *mut u8,
    pk_cap: usize,
    pk_len: *mut usize,
) -> pqh_status {
    guard(|| {
        let out = Out {
            alg: required(alg_out)?,
            pk,
            pk_cap,
            pk_len: required(pk_len)?,
        };
        // SAFETY: the caller's contract (see this function's).
        unsafe { with_der(der, der_len, |a, key| out.write(sig_value(a)?, key)) }
    })
}

/// As pqh_sig_public_key_from_spki, from the PEM text `pem` (`pem_len` bytes, e.g. strlen(pem)
/// or the size of a file written by `pqhybrid keygen` / `pqhybrid pubkey`): one
/// `-----BEGIN PUBLIC KEY-----` block (RFC 7468) around the DER.
///
/// Errors: as pqh_sig_public_key_from_spki; text that is not one such PEM block is
/// PQH_ERR_MALFORMED_ENCODING.
///
/// # Safety
/// `pem` must be valid for `pem_len` bytes (it need not be NUL-terminated) and `pk` for
/// `pk_cap` bytes; `alg_out` and `pk_len` must be valid for a write; outputs must not overlap
/// the input.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_sig_public_key_from_pem(
    pem: *const c_char,
    pem_len: usize,
    alg_out: *mut pqh_sig_alg,
    pk: *mut u8,
    pk_cap: usize,
    pk_len: *mut usize,
) -> pqh_status {
    guard(|| {
        let out = Out {
            alg: required(alg_out)?,
            pk,
            pk_cap,
            pk_len: required(pk_len)?,
        };
        // SAFETY: the caller's contract (see this function's).
        unsafe { with_pem(pem, pem_len, |a, key| out.write(sig_value(a)?, key)) }
    })
}

/// Imports a KEM public key from a DER `SubjectPublicKeyInfo` (RFC 9935 for ML-KEM,
/// draft-connolly-cfrg-xwing-kem for X-Wing, draft-ietf-lamps-pq-composite-kem for the
/// composites): writes the algorithm to `*alg_out`, the raw public key (what
/// pqh_kem_encapsulate takes) to `pk` (capacity `pk_cap`; PQH_KEM_PUBLICKEYBYTES_MAX always
/// suffices) and its length to `*pk_len`. Checks and errors as pqh_sig_public_key_from_spki,
/// with PQH_ERR_UNKNOWN_ALGORITHM for a signature key.
///
/// # Safety
/// As pqh_sig_public_key_from_spki.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_kem_public_key_from_spki(
    der: *const u8,
    der_len: usize,
    alg_out: *mut pqh_kem_alg,
    pk: *mut u8,
    pk_cap: usize,
    pk_len: *mut usize,
) -> pqh_status {
    guard(|| {
        let out = Out {
            alg: required(alg_out)?,
            pk,
            pk_cap,
            pk_len: required(pk_len)?,
        };
        // SAFETY: the caller's contract (see this function's).
        unsafe { with_der(der, der_len, |a, key| out.write(kem_value(a)?, key)) }
    })
}

/// As pqh_kem_public_key_from_spki, from PEM text (see pqh_sig_public_key_from_pem).
///
/// # Safety
/// As pqh_sig_public_key_from_pem.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_kem_public_key_from_pem(
    pem: *const c_char,
    pem_len: usize,
    alg_out: *mut pqh_kem_alg,
    pk: *mut u8,
    pk_cap: usize,
    pk_len: *mut usize,
) -> pqh_status {
    guard(|| {
        let out = Out {
            alg: required(alg_out)?,
            pk,
            pk_cap,
            pk_len: required(pk_len)?,
        };
        // SAFETY: the caller's contract (see this function's).
        unsafe { with_pem(pem, pem_len, |a, key| out.write(kem_value(a)?, key)) }
    })
}
