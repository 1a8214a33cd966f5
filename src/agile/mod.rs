//! The algorithm-agile byte layer: one enum for signatures, one for KEMs, byte slices in,
//! caller-provided buffers out, no allocation.
//!
//! The C ABI, the WASM bindings and the CLI are built on this layer. Private keys here are
//! always in their canonical form ([`SignatureAlgorithm::secret_key_len`] bytes): the seed for
//! ML-KEM, ML-DSA, SLH-DSA, Ed25519 and X-Wing, the scalar for ECDSA, and the draft's
//! `ML seed ‖ traditional key` for the composites. `keypair_from_seed` takes
//! [`SignatureAlgorithm::seed_len`] bytes, which for a composite is a 32-byte root seed that
//! derives both halves (see [`crate::hybrid`]).
//!
//! A signer or a device that uses one private key more than once holds it as a [`SigningKey`]
//! or a [`DecapsulationKey`]: decoded and expanded once, the same outputs as the
//! [`SignatureAlgorithm`] and [`KemAlgorithm`] methods, without re-deriving the key on every
//! call (for ML-DSA and ML-KEM, a key generation each time).
//!
//! Output buffers may be longer than needed; exactly the documented number of bytes is written
//! at their start. A buffer that is too short fails with [`Error::BufferTooSmall`](crate::Error::BufferTooSmall) before
//! anything is computed or written.
//!
//! ```
//! use pqhybrid::SignatureAlgorithm;
//! # fn main() -> pqhybrid::Result<()> {
//! let alg = SignatureAlgorithm::MlDsa65;
//! let mut pk = [0u8; SignatureAlgorithm::MAX_PUBLIC_KEY_LEN];
//! let mut sk = [0u8; SignatureAlgorithm::MAX_SECRET_KEY_LEN];
//! alg.keypair_from_seed(&[42u8; 32], &mut pk, &mut sk)?;
//! let mut sig = [0u8; 4627];
//! let n = alg.sign_deterministic(&sk[..alg.secret_key_len()], b"msg", b"", &mut sig)?;
//! alg.verify(&pk[..alg.public_key_len()], b"msg", b"", &sig[..n])?;
//! # Ok(()) }
//! ```

/// The largest value of a length field over a descriptor table, in a `const` context (for the
/// `MAX_*` constants).
macro_rules! table_max {
    ($table:expr, $field:ident) => {{
        let mut m = 0;
        let mut i = 0;
        while i < $table.len() {
            // `i` < len.
            #[allow(clippy::indexing_slicing)]
            let v = $table[i].$field;
            if v > m {
                m = v;
            }
            i += 1;
        }
        m
    }};
}

mod decapsulation_key;
mod decapsulator;
mod kem;
mod kem_info;
mod sig_key;
mod signature;
mod signature_info;
mod signing_key;

pub use decapsulation_key::DecapsulationKey;
pub use decapsulator::{DecapsulationKeyRef, Decapsulator};
pub use kem::KemAlgorithm;
pub use kem_info::{KEMS, KemInfo};
pub use signature::SignatureAlgorithm;
pub use signature_info::{SIGNATURES, SignatureFamily, SignatureInfo};
pub use signing_key::SigningKey;
