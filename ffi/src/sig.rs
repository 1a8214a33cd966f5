//! Signatures: `pqh_sig_*`.

use core::ffi::{c_char, c_void};

use pqhybrid::SignatureAlgorithm;

use crate::alg::{SigAlgArg, pqh_sig_alg, sig_alg_value};
use crate::glue::{Res, guard, input, output, put, required};
use crate::rng::{CallbackRng, pqh_rng_fn};
use crate::status::pqh_status::{self, *};

fn alg(a: SigAlgArg) -> Result<SignatureAlgorithm, pqh_status> {
    a.get().ok_or(PQH_ERR_UNKNOWN_ALGORITHM)
}

/// The algorithm's standard name ("ML-DSA-65", "MLDSA65-Ed25519-SHA512", ...), static and
/// NUL-terminated, or NULL for an unknown value.
#[unsafe(no_mangle)]
pub extern "C" fn pqh_sig_alg_name(alg: SigAlgArg) -> *const c_char {
    match alg.get() {
        Some(a) => a.info().c_name.as_ptr(),
        None => core::ptr::null(),
    }
}

/// Looks an algorithm up by its standard name (ASCII case-insensitive) and writes it to
/// `*alg_out`. PQH_ERR_NULL_POINTER if `name` or `alg_out` is NULL, PQH_ERR_UNKNOWN_ALGORITHM
/// if no algorithm has that name.
///
/// # Safety
/// `name` must be a NUL-terminated string; `alg_out` must be valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_sig_alg_from_name(
    name: *const c_char,
    alg_out: *mut pqh_sig_alg,
) -> pqh_status {
    guard(|| {
        let out = required(alg_out)?;
        if name.is_null() {
            return Err(PQH_ERR_NULL_POINTER);
        }
        // SAFETY: `name` is non-null and NUL-terminated by the caller's contract.
        let name = unsafe { core::ffi::CStr::from_ptr(name) };
        let name = name.to_str().map_err(|_| PQH_ERR_UNKNOWN_ALGORITHM)?;
        let a: SignatureAlgorithm = name.parse()?;
        let c = sig_alg_value(a).ok_or(PQH_ERR_UNKNOWN_ALGORITHM)?;
        // SAFETY: `out` is non-null; validity is the caller's contract.
        unsafe { put(out, c) };
        Ok(())
    })
}

/// Public-key length in bytes (`PQH_<ALG>_PUBLICKEYBYTES`), or 0 for an unknown algorithm.
#[unsafe(no_mangle)]
pub extern "C" fn pqh_sig_public_key_len(alg: SigAlgArg) -> usize {
    alg.get().map_or(0, SignatureAlgorithm::public_key_len)
}

/// Private-key length in bytes (`PQH_<ALG>_SECRETKEYBYTES`), or 0 for an unknown algorithm.
#[unsafe(no_mangle)]
pub extern "C" fn pqh_sig_secret_key_len(alg: SigAlgArg) -> usize {
    alg.get().map_or(0, SignatureAlgorithm::secret_key_len)
}

/// Seed length of pqh_sig_keypair_from_seed in bytes (`PQH_<ALG>_SEEDBYTES`), or 0 for an
/// unknown algorithm. For the composites this is a 32-byte root seed, not the private key.
#[unsafe(no_mangle)]
pub extern "C" fn pqh_sig_seed_len(alg: SigAlgArg) -> usize {
    alg.get().map_or(0, SignatureAlgorithm::seed_len)
}

/// Signature length in bytes (`PQH_<ALG>_SIGNATUREBYTES`; for composites the maximum,
/// `PQH_<ALG>_SIGNATUREBYTES_MAX`), or 0 for an unknown algorithm.
#[unsafe(no_mangle)]
pub extern "C" fn pqh_sig_signature_len(alg: SigAlgArg) -> usize {
    alg.get().map_or(0, SignatureAlgorithm::signature_len)
}

/// 1 if the algorithm takes a context string (ML-DSA, SLH-DSA, composites), 0 if it accepts only
/// the empty context (Ed25519, ECDSA) or is unknown.
#[unsafe(no_mangle)]
pub extern "C" fn pqh_sig_supports_context(alg: SigAlgArg) -> i32 {
    alg.get().map_or(0, |a| i32::from(a.supports_context()))
}

/// 1 if the algorithm is a composite (post-quantum + traditional), 0 otherwise or if unknown.
#[unsafe(no_mangle)]
pub extern "C" fn pqh_sig_is_hybrid(alg: SigAlgArg) -> i32 {
    alg.get().map_or(0, |a| i32::from(a.is_hybrid()))
}

/// Derives a key pair from `seed` (exactly pqh_sig_seed_len(alg) bytes). Writes the public key
/// (pqh_sig_public_key_len(alg) bytes) to the start of `pk` and the private key
/// (pqh_sig_secret_key_len(alg) bytes) to the start of `sk`; `pk_len` and `sk_len` are the
/// buffers' capacities.
///
/// Errors: PQH_ERR_UNKNOWN_ALGORITHM, PQH_ERR_NULL_POINTER, PQH_ERR_INVALID_LENGTH (seed),
/// PQH_ERR_BUFFER_TOO_SMALL, PQH_ERR_INVALID_KEY (an ECDSA seed that is not a scalar in
/// [1, n-1]).
///
/// # Safety
/// Every pointer must be valid for its length; outputs must not overlap inputs.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_sig_keypair_from_seed(
    alg: SigAlgArg,
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

/// Generates a key pair with randomness from `rng(rng_ctx, ...)`. Outputs as
/// pqh_sig_keypair_from_seed.
///
/// Errors: PQH_ERR_UNKNOWN_ALGORITHM, PQH_ERR_NULL_POINTER (including a NULL `rng`),
/// PQH_ERR_BUFFER_TOO_SMALL, PQH_ERR_RNG.
///
/// # Safety
/// Every pointer must be valid for its length; outputs must not overlap.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_sig_keypair(
    alg: SigAlgArg,
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

/// Computes the public key of private key `sk` (exactly pqh_sig_secret_key_len(alg) bytes) into
/// `pk` (capacity `pk_len`).
///
/// Errors: PQH_ERR_UNKNOWN_ALGORITHM, PQH_ERR_NULL_POINTER, PQH_ERR_INVALID_LENGTH,
/// PQH_ERR_BUFFER_TOO_SMALL, PQH_ERR_MALFORMED_ENCODING, PQH_ERR_INVALID_KEY.
///
/// # Safety
/// Every pointer must be valid for its length; `pk` must not overlap `sk`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_sig_public_key_from_secret(
    alg: SigAlgArg,
    sk: *const u8,
    sk_len: usize,
    pk: *mut u8,
    pk_len: usize,
) -> pqh_status {
    guard(|| {
        let a = self::alg(alg)?;
        // SAFETY: the caller's contract: each pointer is valid for its length, no overlap.
        let (sk, pk) = unsafe { (input(sk, sk_len)?, output(pk, pk_len)?) };
        Ok(a.public_key_from_secret(sk, pk)?)
    })
}

/// Shared body of the two signing functions.
///
/// # Safety
/// As pqh_sig_sign.
#[allow(clippy::too_many_arguments)]
unsafe fn sign(
    alg: SigAlgArg,
    sk: *const u8,
    sk_len: usize,
    msg: *const u8,
    msg_len: usize,
    ctx: *const u8,
    ctx_len: usize,
    rng: Option<(pqh_rng_fn, *mut c_void)>,
    sig: *mut u8,
    sig_cap: usize,
    sig_len: *mut usize,
) -> Res {
    let a = alg.get().ok_or(PQH_ERR_UNKNOWN_ALGORITHM)?;
    let sig_len = required(sig_len)?;
    let mut rng = match rng {
        Some((f, c)) => Some(CallbackRng::new(f, c)?),
        None => None,
    };
    // SAFETY: the caller's contract: each pointer is valid for its length, no overlap.
    let (sk, msg, ctx, sig) = unsafe {
        (
            input(sk, sk_len)?,
            input(msg, msg_len)?,
            input(ctx, ctx_len)?,
            output(sig, sig_cap)?,
        )
    };
    let n = match rng.as_mut() {
        Some(r) => a.sign(sk, msg, ctx, r, sig)?,
        None => a.sign_deterministic(sk, msg, ctx, sig)?,
    };
    // SAFETY: `sig_len` is non-null (checked above); validity is the caller's contract.
    unsafe { put(sig_len, n) };
    Ok(())
}

/// Signs `msg` under context string `ctx` (at most 255 bytes; must be empty for Ed25519 and
/// ECDSA) with private key `sk`, hedged: ML-DSA, SLH-DSA and the ML-DSA half of composites mix
/// in randomness from `rng`. `sig` must hold pqh_sig_signature_len(alg) bytes (for composites
/// the maximum); the signature is written to its start and its length to `*sig_len`.
///
/// Errors: PQH_ERR_UNKNOWN_ALGORITHM, PQH_ERR_NULL_POINTER, PQH_ERR_INVALID_LENGTH (key),
/// PQH_ERR_BUFFER_TOO_SMALL, PQH_ERR_CONTEXT_TOO_LONG, PQH_ERR_CONTEXT_NOT_SUPPORTED,
/// PQH_ERR_RNG, PQH_ERR_MALFORMED_ENCODING, PQH_ERR_INVALID_KEY, PQH_ERR_SIGNING_FAILED.
///
/// # Safety
/// Every pointer must be valid for its length; `sig` must not overlap the inputs.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_sig_sign(
    alg: SigAlgArg,
    sk: *const u8,
    sk_len: usize,
    msg: *const u8,
    msg_len: usize,
    ctx: *const u8,
    ctx_len: usize,
    rng: pqh_rng_fn,
    rng_ctx: *mut c_void,
    sig: *mut u8,
    sig_cap: usize,
    sig_len: *mut usize,
) -> pqh_status {
    guard(|| {
        // SAFETY: forwarded caller contract.
        unsafe {
            sign(
                alg,
                sk,
                sk_len,
                msg,
                msg_len,
                ctx,
                ctx_len,
                Some((rng, rng_ctx)),
                sig,
                sig_cap,
                sig_len,
            )
        }
    })
}

/// Deterministic signing (no RNG): ML-DSA with rnd = 0, SLH-DSA with opt_rand = PK.seed,
/// Ed25519, RFC 6979 ECDSA. Same outputs and errors as pqh_sig_sign, without PQH_ERR_RNG.
/// Prefer pqh_sig_sign where a good RNG exists (hedged signing resists fault attacks better).
///
/// # Safety
/// As pqh_sig_sign.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_sig_sign_deterministic(
    alg: SigAlgArg,
    sk: *const u8,
    sk_len: usize,
    msg: *const u8,
    msg_len: usize,
    ctx: *const u8,
    ctx_len: usize,
    sig: *mut u8,
    sig_cap: usize,
    sig_len: *mut usize,
) -> pqh_status {
    guard(|| {
        // SAFETY: forwarded caller contract.
        unsafe {
            sign(
                alg, sk, sk_len, msg, msg_len, ctx, ctx_len, None, sig, sig_cap, sig_len,
            )
        }
    })
}

/// Verifies signature `sig` (`sig_len` bytes: exactly pqh_sig_signature_len(alg), except for
/// composites with an ECDSA component, whose signatures are passed at their actual length) over
/// `msg` and context `ctx` under public key `pk`. Returns PQH_OK only if the signature is valid.
///
/// Errors: PQH_ERR_UNKNOWN_ALGORITHM, PQH_ERR_NULL_POINTER, PQH_ERR_INVALID_LENGTH,
/// PQH_ERR_MALFORMED_ENCODING, PQH_ERR_CONTEXT_TOO_LONG, PQH_ERR_CONTEXT_NOT_SUPPORTED,
/// PQH_ERR_VERIFICATION_FAILED.
///
/// # Safety
/// Every pointer must be valid for its length.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_sig_verify(
    alg: SigAlgArg,
    pk: *const u8,
    pk_len: usize,
    msg: *const u8,
    msg_len: usize,
    ctx: *const u8,
    ctx_len: usize,
    sig: *const u8,
    sig_len: usize,
) -> pqh_status {
    guard(|| {
        let a = self::alg(alg)?;
        // SAFETY: the caller's contract: each pointer is valid for its length.
        let (pk, msg, ctx, sig) = unsafe {
            (
                input(pk, pk_len)?,
                input(msg, msg_len)?,
                input(ctx, ctx_len)?,
                input(sig, sig_len)?,
            )
        };
        Ok(a.verify(pk, msg, ctx, sig)?)
    })
}
