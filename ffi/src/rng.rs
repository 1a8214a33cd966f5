//! Randomness from a caller-supplied callback, adapted to `rand_core::TryCryptoRng`.

use core::ffi::{c_int, c_void};

use pqhybrid::rng::{TryCryptoRng, TryRng};

use crate::status::pqh_status::{self, PQH_ERR_NULL_POINTER};

/// A random number generator: fills `out[0..len]` with cryptographically secure random bytes
/// and returns 0, or returns non-zero on failure (the operation then fails with PQH_ERR_RNG
/// and writes nothing). `ctx` is passed through unchanged. It may be called several times per
/// operation. On a device, wrap the hardware TRNG (after its health tests); on a host, use
/// pqh_rng_os.
pub type pqh_rng_fn =
    Option<unsafe extern "C" fn(ctx: *mut c_void, out: *mut u8, len: usize) -> c_int>;

/// The error of a failing callback.
#[derive(Debug)]
pub(crate) struct CallbackFailed;

impl core::fmt::Display for CallbackFailed {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("pqh_rng_fn callback failed")
    }
}

impl core::error::Error for CallbackFailed {}

/// The callback and its context as a `TryCryptoRng`.
pub(crate) struct CallbackRng {
    f: unsafe extern "C" fn(ctx: *mut c_void, out: *mut u8, len: usize) -> c_int,
    ctx: *mut c_void,
}

impl CallbackRng {
    /// Fails with PQH_ERR_NULL_POINTER for a NULL callback (`ctx` may be NULL).
    pub(crate) fn new(f: pqh_rng_fn, ctx: *mut c_void) -> Result<Self, pqh_status> {
        let f = f.ok_or(PQH_ERR_NULL_POINTER)?;
        Ok(Self { f, ctx })
    }
}

impl TryRng for CallbackRng {
    type Error = CallbackFailed;

    fn try_next_u32(&mut self) -> Result<u32, CallbackFailed> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, CallbackFailed> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), CallbackFailed> {
        if dst.is_empty() {
            return Ok(());
        }
        // SAFETY: `dst` is a valid, exclusive buffer of `dst.len()` bytes for the duration of the
        // call; the callback's own contract (documented on pqh_rng_fn) is the caller's.
        let rc = unsafe { (self.f)(self.ctx, dst.as_mut_ptr(), dst.len()) };
        if rc == 0 { Ok(()) } else { Err(CallbackFailed) }
    }
}

impl TryCryptoRng for CallbackRng {}

/// The operating system's generator (getrandom) as a pqh_rng_fn; `ctx` is ignored. Returns 0,
/// or -1 if the OS generator fails or `out` is NULL with a non-zero `len`. Only in host builds
/// (feature `std`; header: PQH_STD, defined unless PQH_NO_STD is).
///
/// # Safety
/// `out` must point to `len` writable bytes.
#[cfg(feature = "std")]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pqh_rng_os(ctx: *mut c_void, out: *mut u8, len: usize) -> c_int {
    let _ = ctx;
    let r = std::panic::catch_unwind(|| {
        // SAFETY: the caller guarantees `out` is valid for `len` writable bytes.
        let buf = unsafe { crate::glue::output(out, len) }.map_err(|_| ())?;
        let mut rng = pqhybrid::rng::OsRng::default();
        rng.try_fill_bytes(buf).map_err(|_| ())
    });
    match r {
        Ok(Ok(())) => 0,
        _ => -1,
    }
}
