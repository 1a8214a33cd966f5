//! Key encapsulation: `pqh_kem_*`.

use core::ffi::{c_char, c_void};

use pqhybrid::KemAlgorithm;

use crate::alg::{KemAlgArg, kem_alg_value, pqh_kem_alg};
use crate::glue::{guard, input, output, put, required};
use crate::rng::{CallbackRng, pqh_rng_fn};
use crate::status::pqh_status::{self, *};

fn alg(a: KemAlgArg) -> Result<KemAlgorithm, pqh_status> {
    a.get().ok_or(PQH_ERR_UNKNOWN_ALGORITHM)
}

/// The KEM's standard name ("ML-KEM-768", "X-Wing", ...), static and NUL-terminated, or NULL
/// for an unknown value.
#[unsafe(no_mangle)]
pub extern "C" fn pqh_kem_alg_name(alg: KemAlgArg) -> *const c_char {
    match alg.get() {
        Some(a) => a.info().c_name.as_ptr(),
        None => core::ptr::null(),
    }
}

/// Looks a KEM up by its standard name (ASCII case-insensitive) and writes it to `*alg_out`.
/// PQH_ERR_NULL_POINTER if `name` or `alg_out` is NULL, PQH_ERR_UNKNOWN_ALGORITHM if no KEM has
/// that name.
///
/// # Safety
/// `name` must be a NUL-terminated string; `alg_out` must be valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_kem_alg_from_name(
    name: *const c_char,
    alg_out: *mut pqh_kem_alg,
) -> pqh_status {
    guard(|| {
        let out = required(alg_out)?;
        if name.is_null() {
            return Err(PQH_ERR_NULL_POINTER);
        }
        // SAFETY: `name` is non-null and NUL-terminated by the caller's contract.
        let name = unsafe { core::ffi::CStr::from_ptr(name) };
        let name = name.to_str().map_err(|_| PQH_ERR_UNKNOWN_ALGORITHM)?;
        let a: KemAlgorithm = name.parse()?;
        let c = kem_alg_value(a).ok_or(PQH_ERR_UNKNOWN_ALGORITHM)?;
        // SAFETY: `out` is non-null; validity is the caller's contract.
        unsafe { put(out, c) };
        Ok(())
    })
}

/// Public (encapsulation) key length in bytes, or 0 for an unknown algorithm.
#[unsafe(no_mangle)]
pub extern "C" fn pqh_kem_public_key_len(alg: KemAlgArg) -> usize {
    alg.get().map_or(0, KemAlgorithm::public_key_len)
}

/// Private-key length in bytes, or 0 for an unknown algorithm.
#[unsafe(no_mangle)]
pub extern "C" fn pqh_kem_secret_key_len(alg: KemAlgArg) -> usize {
    alg.get().map_or(0, KemAlgorithm::secret_key_len)
}

/// Seed length of pqh_kem_keypair_from_seed in bytes, or 0 for an unknown algorithm.
#[unsafe(no_mangle)]
pub extern "C" fn pqh_kem_seed_len(alg: KemAlgArg) -> usize {
    alg.get().map_or(0, KemAlgorithm::seed_len)
}

/// Ciphertext length in bytes, or 0 for an unknown algorithm.
#[unsafe(no_mangle)]
pub extern "C" fn pqh_kem_ciphertext_len(alg: KemAlgArg) -> usize {
    alg.get().map_or(0, KemAlgorithm::ciphertext_len)
}

/// Shared-secret length in bytes (32 for every KEM), or 0 for an unknown algorithm.
#[unsafe(no_mangle)]
pub extern "C" fn pqh_kem_shared_secret_len(alg: KemAlgArg) -> usize {
    alg.get().map_or(0, KemAlgorithm::shared_secret_len)
}

/// Randomness length of pqh_kem_encapsulate_deterministic in bytes, or 0 for an unknown
/// algorithm.
#[unsafe(no_mangle)]
pub extern "C" fn pqh_kem_encaps_randomness_len(alg: KemAlgArg) -> usize {
    alg.get().map_or(0, KemAlgorithm::encaps_randomness_len)
}

/// Derives a key pair from `seed` (exactly pqh_kem_seed_len(alg) bytes): the public key to the
/// start of `pk`, the private key to the start of `sk` (capacities `pk_len`, `sk_len`).
///
/// Errors: PQH_ERR_UNKNOWN_ALGORITHM, PQH_ERR_NULL_POINTER, PQH_ERR_INVALID_LENGTH,
/// PQH_ERR_BUFFER_TOO_SMALL.
///
/// # Safety
/// Every pointer must be valid for its length; outputs must not overlap inputs.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_kem_keypair_from_seed(
    alg: KemAlgArg,
    seed: *const u8,
    seed_len: usize,
    pk: *mut u8,
    pk_len: usize,
    sk: *mut u8,
    sk_len: usize,
) -> pqh_status {
    guard(|| {
        let a = self::alg(alg)?;
        // SAFETY: the caller's contract: each pointer is valid for its length, no overlap.
        let (seed, pk, sk) = unsafe {
            (
                input(seed, seed_len)?,
                output(pk, pk_len)?,
                output(sk, sk_len)?,
            )
        };
        Ok(a.keypair_from_seed(seed, pk, sk)?)
    })
}

/// Generates a key pair with randomness from `rng`. Outputs as pqh_kem_keypair_from_seed.
///
/// Errors: PQH_ERR_UNKNOWN_ALGORITHM, PQH_ERR_NULL_POINTER, PQH_ERR_BUFFER_TOO_SMALL,
/// PQH_ERR_RNG.
///
/// # Safety
/// Every pointer must be valid for its length; outputs must not overlap.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_kem_keypair(
    alg: KemAlgArg,
    rng: pqh_rng_fn,
    rng_ctx: *mut c_void,
    pk: *mut u8,
    pk_len: usize,
    sk: *mut u8,
    sk_len: usize,
) -> pqh_status {
    guard(|| {
        let a = self::alg(alg)?;
        let mut rng = CallbackRng::new(rng, rng_ctx)?;
        // SAFETY: the caller's contract: each pointer is valid for its length, no overlap.
        let (pk, sk) = unsafe { (output(pk, pk_len)?, output(sk, sk_len)?) };
        Ok(a.generate_keypair(&mut rng, pk, sk)?)
    })
}

/// Encapsulates to public key `pk`: writes the ciphertext (pqh_kem_ciphertext_len(alg) bytes)
/// to `ct` and the 32-byte shared secret to `ss` (capacities `ct_len`, `ss_len`).
///
/// Errors: PQH_ERR_UNKNOWN_ALGORITHM, PQH_ERR_NULL_POINTER, PQH_ERR_INVALID_LENGTH,
/// PQH_ERR_INVALID_KEY (FIPS 203 modulus check), PQH_ERR_MALFORMED_ENCODING (an ECDH point not on
/// the curve), PQH_ERR_ZERO_SHARED_SECRET (a low-order X25519 key), PQH_ERR_BUFFER_TOO_SMALL,
/// PQH_ERR_RNG.
///
/// # Safety
/// Every pointer must be valid for its length; outputs must not overlap inputs or each other.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_kem_encapsulate(
    alg: KemAlgArg,
    pk: *const u8,
    pk_len: usize,
    rng: pqh_rng_fn,
    rng_ctx: *mut c_void,
    ct: *mut u8,
    ct_len: usize,
    ss: *mut u8,
    ss_len: usize,
) -> pqh_status {
    guard(|| {
        let a = self::alg(alg)?;
        let mut rng = CallbackRng::new(rng, rng_ctx)?;
        // SAFETY: the caller's contract: each pointer is valid for its length, no overlap.
        let (pk, ct, ss) =
            unsafe { (input(pk, pk_len)?, output(ct, ct_len)?, output(ss, ss_len)?) };
        Ok(a.encapsulate(pk, &mut rng, ct, ss)?)
    })
}

/// Deterministic encapsulation with caller-chosen randomness (pqh_kem_encaps_randomness_len(alg)
/// bytes: ML-KEM's m; X-Wing's eseed; for composites m followed by the ephemeral traditional
/// secret). FOR KNOWN-ANSWER TESTS ONLY: reusing randomness breaks the KEM. Only with the
/// `hazmat` feature (header: define PQH_HAZMAT). Outputs and errors as pqh_kem_encapsulate, plus
/// PQH_ERR_INVALID_LENGTH for `randomness`, without PQH_ERR_RNG.
///
/// # Safety
/// Every pointer must be valid for its length; outputs must not overlap inputs or each other.
#[cfg(feature = "hazmat")]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_kem_encapsulate_deterministic(
    alg: KemAlgArg,
    pk: *const u8,
    pk_len: usize,
    randomness: *const u8,
    randomness_len: usize,
    ct: *mut u8,
    ct_len: usize,
    ss: *mut u8,
    ss_len: usize,
) -> pqh_status {
    guard(|| {
        let a = self::alg(alg)?;
        // SAFETY: the caller's contract: each pointer is valid for its length, no overlap.
        let (pk, randomness, ct, ss) = unsafe {
            (
                input(pk, pk_len)?,
                input(randomness, randomness_len)?,
                output(ct, ct_len)?,
                output(ss, ss_len)?,
            )
        };
        Ok(a.encapsulate_deterministic(pk, randomness, ct, ss)?)
    })
}

/// Decapsulates ciphertext `ct` (exactly pqh_kem_ciphertext_len(alg) bytes) with private key
/// `sk` (exactly pqh_kem_secret_key_len(alg) bytes); writes the 32-byte shared secret to `ss`
/// (capacity `ss_len`). ML-KEM rejects implicitly: a wrong ciphertext yields PQH_OK and an
/// unrelated secret.
///
/// Errors: PQH_ERR_UNKNOWN_ALGORITHM, PQH_ERR_NULL_POINTER, PQH_ERR_INVALID_LENGTH,
/// PQH_ERR_BUFFER_TOO_SMALL, PQH_ERR_MALFORMED_ENCODING, PQH_ERR_INVALID_KEY,
/// PQH_ERR_ZERO_SHARED_SECRET.
///
/// # Safety
/// Every pointer must be valid for its length; `ss` must not overlap the inputs.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_kem_decapsulate(
    alg: KemAlgArg,
    sk: *const u8,
    sk_len: usize,
    ct: *const u8,
    ct_len: usize,
    ss: *mut u8,
    ss_len: usize,
) -> pqh_status {
    guard(|| {
        let a = self::alg(alg)?;
        // SAFETY: the caller's contract: each pointer is valid for its length, no overlap.
        let (sk, ct, ss) = unsafe { (input(sk, sk_len)?, input(ct, ct_len)?, output(ss, ss_len)?) };
        Ok(a.decapsulate(sk, ct, ss)?)
    })
}
