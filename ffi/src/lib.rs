//! # pqhybrid-ffi: the C ABI of pqhybrid
//!
//! libsodium-style C functions (`pqh_<object>_<verb>`) over pqhybrid's algorithm-agile byte
//! layer, AES-GCM, HPKE sealing to the KEMs (feature `hpke`, on by default), the streaming
//! firmware verifier and (feature `identity`, on by default) the device side of the DICE
//! identity. The header `include/pqhybrid.h` is
//! generated from this crate by `cargo xtask header` (cbindgen, config `ffi/cbindgen.toml`).
//!
//! Rules every function follows:
//! * caller-allocated buffers with explicit lengths; nothing allocates, no global state;
//! * a NULL pointer with a non-zero length is `PQH_ERR_NULL_POINTER`; a short output buffer is
//!   `PQH_ERR_BUFFER_TOO_SMALL` and nothing is written; variable output lengths come back
//!   through `size_t *` out-parameters;
//! * algorithm identifiers and statuses cross the ABI as fixed-width integers, so an unknown
//!   value is an error (`PQH_ERR_UNKNOWN_ALGORITHM`), never undefined behaviour;
//! * randomness comes from a caller-supplied callback ([`rng::pqh_rng_fn`]).
//!
//! Panics: with `std` (hosts) every entry point runs under `catch_unwind` and a panic becomes
//! `PQH_ERR_INTERNAL`. Without `std` (bare metal) the library is built with `panic = "abort"`
//! (the thumbv* targets' default); the core is written not to panic (clippy denies `unwrap`,
//! `expect`, `panic!` and indexing) and the panic handler is the integrator's
//! `pqh_panic_handler()`, or, with the `panic-handler` feature, a built-in one that traps.

#![no_std]
// The exported types use their C names (`pqh_status`, `pqh_sig_alg`, ...).
#![allow(non_camel_case_types)]

#[cfg(any(feature = "std", test))]
extern crate std;

pub mod aead;
pub mod alg;
pub mod fw;
#[cfg(feature = "hpke")]
pub mod fw_decrypt;
#[cfg(feature = "hpke")]
pub mod fw_encrypt;
mod glue;
#[cfg(feature = "hpke")]
pub mod hpke;
#[cfg(feature = "identity")]
pub mod identity;
pub mod kem;
mod panic;
pub mod rng;
pub mod sig;
#[cfg(feature = "std")]
pub mod spki;
pub mod status;
pub mod version;

pub use status::pqh_status;
