//! Gives the shared library a versioned soname (`libpqhybrid.so.<abi>`, see "ABI and
//! versioning" in `ffi/README.md`): `cargo xtask install-c` installs `libpqhybrid_ffi.so` as
//! `lib/libpqhybrid.so.<version>` with the symlinks `libpqhybrid.so.<abi>` and `libpqhybrid.so`,
//! so programs linked with `-lpqhybrid` record `libpqhybrid.so.<abi>` (`DT_NEEDED`) and keep
//! running against any later library of the same ABI, and never against an incompatible one.
//!
//! `<abi>` follows semver: the major version from 1.0 on, `0.<minor>` before (a 0.x minor
//! release may break the ABI). `xtask/src/ffi.rs` computes the same name (`soname()`).

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if matches!(
        os.as_str(),
        "linux" | "android" | "freebsd" | "netbsd" | "openbsd"
    ) {
        let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_default();
        let minor = std::env::var("CARGO_PKG_VERSION_MINOR").unwrap_or_default();
        let abi = if major == "0" {
            format!("0.{minor}")
        } else {
            major
        };
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libpqhybrid.so.{abi}");
    }
}
