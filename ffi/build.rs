//! Gives the shared library the soname it is installed under (`cargo xtask install-c` installs
//! `libpqhybrid_ffi.so` as `lib/libpqhybrid.so`), so programs linked with `-lpqhybrid` record
//! `libpqhybrid.so` and find it at run time.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if matches!(
        os.as_str(),
        "linux" | "android" | "freebsd" | "netbsd" | "openbsd"
    ) {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libpqhybrid.so");
    }
}
