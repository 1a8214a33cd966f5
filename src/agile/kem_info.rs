//! [`KemInfo`]: everything about one KEM in one `&'static` record. [`KemAlgorithm`]'s names
//! and lengths and the C ABI's names and numbers are read from [`KEMS`].

use core::ffi::CStr;

use crate::hybrid::composite_kem::{self, CompositeKemParams};
use crate::hybrid::xwing;
use crate::primitives::ml_kem::{self, MlKemSizes};

use super::kem::KemAlgorithm;
use super::signature_info::same_bytes;

/// The facts of one KEM.
#[derive(Debug)]
#[non_exhaustive]
pub struct KemInfo {
    /// The algorithm.
    pub algorithm: KemAlgorithm,
    /// Its number: the C ABI's `pqh_kem_alg` value.
    pub id: u16,
    /// The standard name (`"ML-KEM-768"`, `"X-Wing"`, `"MLKEM768-X25519-SHA3-256"`, …).
    pub name: &'static str,
    /// The same name, NUL-terminated (for C).
    pub c_name: &'static CStr,
    /// Public (encapsulation) key length.
    pub public_key_len: usize,
    /// Canonical private-key length.
    pub secret_key_len: usize,
    /// Key-generation seed length.
    pub seed_len: usize,
    /// Ciphertext length.
    pub ciphertext_len: usize,
    /// Shared-secret length.
    pub shared_secret_len: usize,
    /// Length of the randomness of deterministic encapsulation (feature `hazmat`).
    pub encaps_randomness_len: usize,
    /// A hybrid (post-quantum + traditional): X-Wing and the composites.
    pub hybrid: bool,
}

const fn mlkem<P: MlKemSizes>(algorithm: KemAlgorithm, id: u16, c_name: &'static CStr) -> KemInfo {
    KemInfo {
        algorithm,
        id,
        name: P::NAME,
        c_name,
        public_key_len: P::ENCAPSULATION_KEY_LEN,
        secret_key_len: ml_kem::SEED_LEN,
        seed_len: ml_kem::SEED_LEN,
        ciphertext_len: P::CIPHERTEXT_LEN,
        shared_secret_len: 32,
        encaps_randomness_len: ml_kem::ENCAPS_RANDOMNESS_LEN,
        hybrid: false,
    }
}

const fn composite<C: CompositeKemParams>(
    algorithm: KemAlgorithm,
    id: u16,
    c_name: &'static CStr,
) -> KemInfo {
    KemInfo {
        algorithm,
        id,
        name: C::NAME,
        c_name,
        public_key_len: C::PUBLIC_KEY_LEN,
        secret_key_len: C::SECRET_KEY_LEN,
        seed_len: composite_kem::ROOT_SEED_LEN,
        ciphertext_len: C::CIPHERTEXT_LEN,
        shared_secret_len: 32,
        encaps_randomness_len: C::ENCAPS_RANDOMNESS_LEN,
        hybrid: true,
    }
}

use KemAlgorithm as K;

/// Every KEM, in [`KemAlgorithm`] declaration order (checked at compile time); `id` is the C
/// ABI's `pqh_kem_alg` value.
pub static KEMS: [KemInfo; 7] = [
    mlkem::<ml_kem::MlKem512>(K::MlKem512, 1, c"ML-KEM-512"),
    mlkem::<ml_kem::MlKem768>(K::MlKem768, 2, c"ML-KEM-768"),
    mlkem::<ml_kem::MlKem1024>(K::MlKem1024, 3, c"ML-KEM-1024"),
    KemInfo {
        algorithm: K::XWing,
        id: 4,
        name: "X-Wing",
        c_name: c"X-Wing",
        public_key_len: xwing::PUBLIC_KEY_LEN,
        secret_key_len: xwing::SEED_LEN,
        seed_len: xwing::SEED_LEN,
        ciphertext_len: xwing::CIPHERTEXT_LEN,
        shared_secret_len: 32,
        encaps_randomness_len: xwing::ENCAPS_RANDOMNESS_LEN,
        hybrid: true,
    },
    composite::<composite_kem::MlKem768X25519Sha3_256>(
        K::MlKem768X25519Sha3_256,
        5,
        c"MLKEM768-X25519-SHA3-256",
    ),
    composite::<composite_kem::MlKem768EcdhP256Sha3_256>(
        K::MlKem768EcdhP256Sha3_256,
        6,
        c"MLKEM768-ECDH-P256-SHA3-256",
    ),
    composite::<composite_kem::MlKem1024EcdhP384Sha3_256>(
        K::MlKem1024EcdhP384Sha3_256,
        7,
        c"MLKEM1024-ECDH-P384-SHA3-256",
    ),
];

// Entry i is the KEM with discriminant i and id i + 1; `c_name` is `name`.
#[allow(clippy::indexing_slicing)] // `i` < len; evaluated at compile time
const _: () = {
    let mut i = 0;
    while i < KEMS.len() {
        let e = &KEMS[i];
        assert!(e.algorithm as usize == i);
        assert!(e.id as usize == i + 1);
        assert!(same_bytes(e.name.as_bytes(), e.c_name.to_bytes()));
        i += 1;
    }
};
