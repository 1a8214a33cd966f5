//! # pqhybrid
//!
//! Hybrid classical + post-quantum signatures and key encapsulation for firmware signing and
//! device identity. `no_std` first: nothing in the core allocates.
//!
//! The crate is layered; each layer is one module and imports only from the layers below it
//! (`ARCHITECTURE.md` in the repository draws the picture and says where each kind of change
//! goes):
//!
//! 1. [`primitives`]: one module per standard (ML-KEM, ML-DSA and its compact verifier,
//!    SLH-DSA, Ed25519, ECDSA, X25519, AES-GCM), typed keys per parameter set over well-kept
//!    crates, and the lattice backend seam ([`primitives::backend`]).
//! 2. [`hybrid`]: the constructions: X-Wing, composite ML-KEM and composite ML-DSA
//!    (draft-ietf-lamps-pq-composite-kem / -sigs).
//! 3. [`agile`]: [`SignatureAlgorithm`] and [`KemAlgorithm`], the algorithm-agile byte layer
//!    that the C ABI, the WASM bindings and the CLI use, with one descriptor per algorithm
//!    ([`agile::SIGNATURES`], [`agile::KEMS`]) from which names, OIDs, ids and lengths derive.
//! 4. Applications and formats: `hpke` (RFC 9180 sealing to the KEMs), [`encoding`] (SubjectPublicKeyInfo, PKCS#8, PEM) and [`firmware`] (the signed
//!    image format, a streaming `no_std` verifier with trust anchors, anti-rollback and
//!    revocation, the signer and the trust-store text format).
//! 5. Front ends, outside this crate: `ffi/` (C ABI), `bindings/wasm/` (npm), `cli/`.
//!
//! Shared pieces below every layer: [`Error`] (the one error type, with
//! [`FirmwareError`](error::FirmwareError) for image rejections, in [`error`]), [`rng`]
//! (randomness through `rand_core`), and [`Secret`] (zeroizing, constant-time-comparing secret
//! bytes).
//!
//! ## Features
//! * `std` (default): OS randomness ([`rng::OsRng`]) and `std::error::Error`; implies `alloc`.
//! * `alloc`: heap conveniences (PEM, the trust-store parser, `Vec` trailer buffers); with
//!   `backend-rustcrypto` also boxes that backend's large key matrices. The core never needs
//!   it: everything else works over caller buffers.
//! * `pkcs8` (default): SubjectPublicKeyInfo and PKCS#8 DER encodings ([`encoding`]), no
//!   allocation. `pem` (default): PEM armour for them (needs `alloc`).
//! * `backend-libcrux` (default), `backend-rustcrypto`: the lattice backend for ML-KEM and
//!   ML-DSA ([`primitives::backend`]); with both, libcrux is the default and RustCrypto is also
//!   available by type (`SigningKey<P, RustCrypto>`).
//! * `compact-verify`: every byte-level ML-DSA verification on the compact verifier
//!   ([`primitives::ml_dsa_compact`]), for small stacks. `compact-verify-fast`: the same on
//!   `libcrux-sha3`'s unrolled Keccak (about twice as fast, about 20 KB more flash).
//! * `compact-kem`: every byte-level ML-KEM key generation, decapsulation and public-key
//!   derivation from a private key ([`KemAlgorithm::keypair_from_seed`],
//!   [`KemAlgorithm::decapsulate`], [`KemAlgorithm::public_key_from_secret`],
//!   [`agile::DecapsulationKeyRef`], so HPKE `open`, the firmware decryptor and the C ABI)
//!   on the compact ML-KEM ([`primitives::ml_kem_compact`]: a few KiB of stack, nothing
//!   expanded or held), for bootloaders that decrypt. Held keys keep the backend.
//! * `precomputed-tables` (default): Ed25519 on curve25519-dalek's basepoint tables (faster,
//!   about 8 KiB of read-only data); verify-only bootloaders leave it out.
//! * `algorithm-subset` with `alg-ml-dsa-44`, `alg-ml-dsa-65`, `alg-ml-dsa-87`, `alg-slh-dsa`,
//!   `alg-ed25519`, `alg-ecdsa-p256`, `alg-ecdsa-p384`: links only the named signature
//!   algorithms (the others return [`Error::AlgorithmDisabled`]); for final, size-constrained
//!   binaries only, as it is not additive.
//! * `hpke` (default): HPKE over the KEMs (`hpke` module), through the `hpke` crate; no
//!   allocation.
//! * `hazmat`: deterministic internals for known-answer tests (ML-KEM `Encaps_internal`,
//!   ML-DSA `Sign_internal` with a chosen `rnd`, SLH-DSA `slh_verify_internal`).

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
#[cfg(feature = "hpke")]
pub mod hpke;
pub mod hybrid;
#[cfg(feature = "identity")]
pub mod identity;
mod message;
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
