//! # pqhybrid
//!
//! Hybrid classical + post-quantum signatures and key encapsulation for firmware signing and
//! device identity. `#![no_std]` first: nothing in the core allocates.
//!
//! The crate is layered; each layer is one module:
//!
//! 1. [`primitives`]: one module per standard (ML-KEM, ML-DSA, SLH-DSA, Ed25519, ECDSA, X25519,
//!    AES-GCM), typed keys per parameter set over well-kept crates.
//! 2. [`agile`]: [`SignatureAlgorithm`] and [`KemAlgorithm`], the algorithm-agile byte layer that
//!    the C ABI, the WASM bindings and the CLI use.
//! 3. [`firmware`]: signed firmware images on top of the agile layer: the image format, a
//!    streaming `no_std` verifier with trust anchors, anti-rollback and revocation, and the
//!    signer.
//!
//! Shared pieces: [`Error`] (the one error type), [`rng`] (randomness through `rand_core`), and
//! [`Secret`] (zeroizing, constant-time-comparing secret bytes).
//!
//! ## Features
//! * `std` (default): OS randomness ([`rng::OsRng`]); implies `alloc`.
//! * `alloc`: reserved for heap conveniences; the core never needs it.
//! * `hazmat`: deterministic internals for known-answer tests (ML-KEM `Encaps_internal`,
//!   ML-DSA `Sign_internal` with a chosen `rnd`, SLH-DSA `slh_verify_internal`).
//! * `backend-libcrux` (default), `backend-rustcrypto`: the lattice backend for ML-KEM and
//!   ML-DSA ([`primitives::backend`]); with both, libcrux is the default and RustCrypto is also
//!   available by type (`SigningKey<P, RustCrypto>`).
//! * `compact-verify`: every byte-level ML-DSA verification on the compact verifier
//!   ([`primitives::ml_dsa_compact`]), for small stacks.

#![no_std]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod agile;
#[cfg(feature = "pkcs8")]
pub mod encoding;
pub mod error;
pub mod firmware;
pub mod hybrid;
pub mod primitives;
pub mod rng;
mod secret;

pub use agile::{KemAlgorithm, SignatureAlgorithm};
pub use error::{Error, Field, MAX_CONTEXT_LEN, Result};
pub use secret::{Secret, SharedSecret};

/// The README's examples, compiled and run as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
