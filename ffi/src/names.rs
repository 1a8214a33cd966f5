//! NUL-terminated algorithm names for C (the core's `name()` strings are not NUL-terminated).

use core::ffi::CStr;

use pqhybrid::{KemAlgorithm, SignatureAlgorithm};

/// The NUL-terminated standard name of a signature algorithm.
pub(crate) fn sig_name(a: SignatureAlgorithm) -> &'static CStr {
    match a {
        SignatureAlgorithm::MlDsa44 => c"ML-DSA-44",
        SignatureAlgorithm::MlDsa65 => c"ML-DSA-65",
        SignatureAlgorithm::MlDsa87 => c"ML-DSA-87",
        SignatureAlgorithm::SlhDsaSha2_128s => c"SLH-DSA-SHA2-128s",
        SignatureAlgorithm::SlhDsaSha2_128f => c"SLH-DSA-SHA2-128f",
        SignatureAlgorithm::SlhDsaSha2_192s => c"SLH-DSA-SHA2-192s",
        SignatureAlgorithm::SlhDsaSha2_192f => c"SLH-DSA-SHA2-192f",
        SignatureAlgorithm::SlhDsaSha2_256s => c"SLH-DSA-SHA2-256s",
        SignatureAlgorithm::SlhDsaSha2_256f => c"SLH-DSA-SHA2-256f",
        SignatureAlgorithm::SlhDsaShake128s => c"SLH-DSA-SHAKE-128s",
        SignatureAlgorithm::SlhDsaShake128f => c"SLH-DSA-SHAKE-128f",
        SignatureAlgorithm::SlhDsaShake192s => c"SLH-DSA-SHAKE-192s",
        SignatureAlgorithm::SlhDsaShake192f => c"SLH-DSA-SHAKE-192f",
        SignatureAlgorithm::SlhDsaShake256s => c"SLH-DSA-SHAKE-256s",
        SignatureAlgorithm::SlhDsaShake256f => c"SLH-DSA-SHAKE-256f",
        SignatureAlgorithm::Ed25519 => c"Ed25519",
        SignatureAlgorithm::EcdsaP256Sha256 => c"ECDSA-P256-SHA256",
        SignatureAlgorithm::EcdsaP384Sha384 => c"ECDSA-P384-SHA384",
        SignatureAlgorithm::MlDsa44Ed25519Sha512 => c"MLDSA44-Ed25519-SHA512",
        SignatureAlgorithm::MlDsa44EcdsaP256Sha256 => c"MLDSA44-ECDSA-P256-SHA256",
        SignatureAlgorithm::MlDsa65Ed25519Sha512 => c"MLDSA65-Ed25519-SHA512",
        SignatureAlgorithm::MlDsa65EcdsaP256Sha512 => c"MLDSA65-ECDSA-P256-SHA512",
        SignatureAlgorithm::MlDsa65EcdsaP384Sha512 => c"MLDSA65-ECDSA-P384-SHA512",
        SignatureAlgorithm::MlDsa87EcdsaP384Sha512 => c"MLDSA87-ECDSA-P384-SHA512",
        // Non-exhaustive core enum; the test below checks every listed algorithm.
        _ => c"unknown",
    }
}

/// The NUL-terminated standard name of a KEM.
pub(crate) fn kem_name(a: KemAlgorithm) -> &'static CStr {
    match a {
        KemAlgorithm::MlKem512 => c"ML-KEM-512",
        KemAlgorithm::MlKem768 => c"ML-KEM-768",
        KemAlgorithm::MlKem1024 => c"ML-KEM-1024",
        KemAlgorithm::XWing => c"X-Wing",
        KemAlgorithm::MlKem768X25519Sha3_256 => c"MLKEM768-X25519-SHA3-256",
        KemAlgorithm::MlKem768EcdhP256Sha3_256 => c"MLKEM768-ECDH-P256-SHA3-256",
        KemAlgorithm::MlKem1024EcdhP384Sha3_256 => c"MLKEM1024-ECDH-P384-SHA3-256",
        _ => c"unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_the_core() {
        for a in SignatureAlgorithm::ALL {
            assert_eq!(sig_name(a).to_str().ok(), Some(a.name()));
        }
        for a in KemAlgorithm::ALL {
            assert_eq!(kem_name(a).to_str().ok(), Some(a.name()));
        }
    }
}
