//! The primitives, one module per standard, each a thin typed layer over a well-kept crate.
//!
//! | module | standard | crate |
//! |---|---|---|
//! | [`ml_kem`] | FIPS 203 | the lattice [`backend`]: `libcrux-ml-kem` or `ml-kem` |
//! | [`ml_dsa`] | FIPS 204 | the lattice [`backend`]: `libcrux-ml-dsa` or `ml-dsa` |
//! | [`ml_dsa_compact`] | FIPS 204 (verification only, low memory) | own code over `shake` (or `libcrux-sha3` with `compact-verify-fast`) |
//! | [`ml_kem_compact`] | FIPS 203 (low memory: key generation, encapsulation, decapsulation) | own code over `shake`/`sha3` (or `libcrux-sha3`) |
//! | [`slh_dsa`] | FIPS 205 | `slh-dsa` |
//! | [`ed25519`] | RFC 8032 | `ed25519-dalek` |
//! | [`ecdsa`] | FIPS 186-5, RFC 6979 | `p256`, `p384` |
//! | [`x25519`] | RFC 7748 | `x25519-dalek` |
//! | [`aes_gcm`] | SP 800-38D | `aes-gcm` |

pub mod aes_gcm;
pub mod backend;
pub mod bytes;
pub(crate) mod ec_private_key;
pub mod ecdsa;
pub mod ed25519;
pub mod ml_dsa;
pub mod ml_dsa_compact;
pub mod ml_kem;
pub mod ml_kem_compact;
mod seed_key;
pub mod slh_dsa;
pub mod x25519;
