//! Pointer checking and panic containment shared by every entry point.

use crate::status::pqh_status::{self, *};

/// The body of an entry point: `Ok(())` or the status to return.
pub(crate) type Res = Result<(), pqh_status>;

/// Runs an entry point's body. With `std`, a panic is caught and becomes PQH_ERR_INTERNAL (the
/// core is written not to panic; this is the safety net). Without `std` the target is built with
/// `panic = "abort"` and the panic handler applies (see `panic.rs`).
#[inline]
pub(crate) fn guard(f: impl FnOnce() -> Res) -> pqh_status {
    #[cfg(feature = "std")]
    let r =
        std::panic::catch_unwind(core::panic::AssertUnwindSafe(f)).unwrap_or(Err(PQH_ERR_INTERNAL));
    #[cfg(not(feature = "std"))]
    let r = f();
    match r {
        Ok(()) => PQH_OK,
        Err(s) => s,
    }
}

/// Borrows a caller's input buffer. `len == 0` gives an empty slice whatever `ptr` is.
///
/// # Safety
/// If `len != 0` and `ptr` is not NULL, `ptr` must point to `len` readable bytes that stay
/// valid and unmodified for `'a` and do not overlap any output buffer of the same call.
pub(crate) unsafe fn input<'a>(ptr: *const u8, len: usize) -> Result<&'a [u8], pqh_status> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(PQH_ERR_NULL_POINTER);
    }
    if len > isize::MAX as usize {
        return Err(PQH_ERR_INVALID_LENGTH);
    }
    // SAFETY: `ptr` is non-null and, by this function's contract, valid for reads of `len`
    // (<= isize::MAX) bytes for 'a; `u8` has no alignment or validity requirements.
    Ok(unsafe { core::slice::from_raw_parts(ptr, len) })
}

/// Borrows a caller's output buffer of capacity `len`.
///
/// # Safety
/// If `len != 0` and `ptr` is not NULL, `ptr` must point to `len` writable bytes, valid for
/// `'a`, that no other live reference (input or output of the same call) overlaps.
pub(crate) unsafe fn output<'a>(ptr: *mut u8, len: usize) -> Result<&'a mut [u8], pqh_status> {
    if len == 0 {
        return Ok(&mut []);
    }
    if ptr.is_null() {
        return Err(PQH_ERR_NULL_POINTER);
    }
    if len > isize::MAX as usize {
        return Err(PQH_ERR_INVALID_LENGTH);
    }
    // SAFETY: `ptr` is non-null and, by this function's contract, valid for writes of `len`
    // (<= isize::MAX) bytes for 'a and not aliased; any byte pattern is a valid `u8`.
    Ok(unsafe { core::slice::from_raw_parts_mut(ptr, len) })
}

/// Checks an output pointer for a single value (`size_t *`, a struct): it must not be NULL.
pub(crate) fn required<T>(ptr: *mut T) -> Result<*mut T, pqh_status> {
    if ptr.is_null() {
        Err(PQH_ERR_NULL_POINTER)
    } else {
        Ok(ptr)
    }
}

/// Writes a value through a pointer checked by [`required`].
///
/// # Safety
/// `ptr` must be non-null, aligned and valid for a write of `T`.
pub(crate) unsafe fn put<T>(ptr: *mut T, value: T) {
    // SAFETY: guaranteed by the caller (checked non-null by `required`; alignment and validity
    // are the C caller's contract, documented in the header).
    unsafe { ptr.write(value) }
}
