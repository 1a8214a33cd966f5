//! Library version.

use core::ffi::c_char;

/// Major version of the library this header belongs to.
pub const PQH_VERSION_MAJOR: u32 = 0;
/// Minor version of the library this header belongs to.
pub const PQH_VERSION_MINOR: u32 = 1;
/// Patch version of the library this header belongs to.
pub const PQH_VERSION_PATCH: u32 = 0;
// PQH_VERSION_STRING is written into the header by `cargo xtask header` (cbindgen cannot
// export string constants).

const fn parse(s: &str) -> u32 {
    let mut b = s.as_bytes();
    let mut v = 0;
    while let [d, rest @ ..] = b {
        v = v * 10 + (*d - b'0') as u32;
        b = rest;
    }
    v
}

// The literals above are what cbindgen copies into the header; keep them equal to Cargo's.
const _: () = {
    assert!(PQH_VERSION_MAJOR == parse(env!("CARGO_PKG_VERSION_MAJOR")));
    assert!(PQH_VERSION_MINOR == parse(env!("CARGO_PKG_VERSION_MINOR")));
    assert!(PQH_VERSION_PATCH == parse(env!("CARGO_PKG_VERSION_PATCH")));
};

/// The library's version as (major << 16) | (minor << 8) | patch. Compare with the
/// PQH_VERSION_* macros to detect a header/library mismatch.
#[unsafe(no_mangle)]
pub extern "C" fn pqh_version() -> u32 {
    (PQH_VERSION_MAJOR << 16) | (PQH_VERSION_MINOR << 8) | PQH_VERSION_PATCH
}

/// The library's version string ("0.1.0"), static and NUL-terminated.
#[unsafe(no_mangle)]
pub extern "C" fn pqh_version_string() -> *const c_char {
    const V: &core::ffi::CStr = match core::ffi::CStr::from_bytes_with_nul(
        concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes(),
    ) {
        Ok(s) => s,
        Err(_) => c"invalid",
    };
    V.as_ptr()
}
