//! Algorithm identifiers (`pqh_sig_alg`, `pqh_kem_alg`, `pqh_aead_alg`) and every size as a
//! constant (`#define` in the header). Typed by hand (cbindgen needs literals) and checked
//! against the core's descriptor table (`pqhybrid::agile::SIGNATURES`) at compile time: a value
//! or size that differs from the table does not build.

use pqhybrid::{KemAlgorithm, SignatureAlgorithm};

/// A signature algorithm. The value is the library's one number for the algorithm (its id in
/// `pqhybrid::agile::SIGNATURES`): for the algorithms firmware images may use (1-21) it is also
/// the firmware format's algorithm id, which pqh_fw_image_info and `pqhybrid inspect` report.
/// Stable ABI: values never change and are never reused (16-24 were renumbered once, before the
/// first release, to make C and firmware numbers one). Functions take it as a 32-bit value; an
/// unknown value gives PQH_ERR_UNKNOWN_ALGORITHM.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum pqh_sig_alg {
    /// ML-DSA-44.
    PQH_SIG_MLDSA44 = 1,
    /// ML-DSA-65.
    PQH_SIG_MLDSA65 = 2,
    /// ML-DSA-87.
    PQH_SIG_MLDSA87 = 3,
    /// SLH-DSA-SHA2-128s.
    PQH_SIG_SLHDSA_SHA2_128S = 4,
    /// SLH-DSA-SHA2-128f.
    PQH_SIG_SLHDSA_SHA2_128F = 5,
    /// SLH-DSA-SHA2-192s.
    PQH_SIG_SLHDSA_SHA2_192S = 6,
    /// SLH-DSA-SHA2-192f.
    PQH_SIG_SLHDSA_SHA2_192F = 7,
    /// SLH-DSA-SHA2-256s.
    PQH_SIG_SLHDSA_SHA2_256S = 8,
    /// SLH-DSA-SHA2-256f.
    PQH_SIG_SLHDSA_SHA2_256F = 9,
    /// SLH-DSA-SHAKE-128s.
    PQH_SIG_SLHDSA_SHAKE_128S = 10,
    /// SLH-DSA-SHAKE-128f.
    PQH_SIG_SLHDSA_SHAKE_128F = 11,
    /// SLH-DSA-SHAKE-192s.
    PQH_SIG_SLHDSA_SHAKE_192S = 12,
    /// SLH-DSA-SHAKE-192f.
    PQH_SIG_SLHDSA_SHAKE_192F = 13,
    /// SLH-DSA-SHAKE-256s.
    PQH_SIG_SLHDSA_SHAKE_256S = 14,
    /// SLH-DSA-SHAKE-256f.
    PQH_SIG_SLHDSA_SHAKE_256F = 15,
    /// Ed25519.
    PQH_SIG_ED25519 = 22,
    /// ECDSA-P256-SHA256.
    PQH_SIG_ECDSA_P256_SHA256 = 23,
    /// ECDSA-P384-SHA384.
    PQH_SIG_ECDSA_P384_SHA384 = 24,
    /// MLDSA44-Ed25519-SHA512.
    PQH_SIG_MLDSA44_ED25519_SHA512 = 16,
    /// MLDSA44-ECDSA-P256-SHA256.
    PQH_SIG_MLDSA44_ECDSA_P256_SHA256 = 17,
    /// MLDSA65-Ed25519-SHA512.
    PQH_SIG_MLDSA65_ED25519_SHA512 = 18,
    /// MLDSA65-ECDSA-P256-SHA512.
    PQH_SIG_MLDSA65_ECDSA_P256_SHA512 = 19,
    /// MLDSA65-ECDSA-P384-SHA512.
    PQH_SIG_MLDSA65_ECDSA_P384_SHA512 = 20,
    /// MLDSA87-ECDSA-P384-SHA512.
    PQH_SIG_MLDSA87_ECDSA_P384_SHA512 = 21,
}

/// A key-encapsulation mechanism. The values are stable ABI: they never change and are never
/// reused. Functions take it as a 32-bit value; an unknown value gives PQH_ERR_UNKNOWN_ALGORITHM.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum pqh_kem_alg {
    /// ML-KEM-512.
    PQH_KEM_MLKEM512 = 1,
    /// ML-KEM-768.
    PQH_KEM_MLKEM768 = 2,
    /// ML-KEM-1024.
    PQH_KEM_MLKEM1024 = 3,
    /// X-Wing.
    PQH_KEM_XWING = 4,
    /// MLKEM768-X25519-SHA3-256.
    PQH_KEM_MLKEM768_X25519_SHA3_256 = 5,
    /// MLKEM768-ECDH-P256-SHA3-256.
    PQH_KEM_MLKEM768_ECDH_P256_SHA3_256 = 6,
    /// MLKEM1024-ECDH-P384-SHA3-256.
    PQH_KEM_MLKEM1024_ECDH_P384_SHA3_256 = 7,
}

/// Every signature algorithm: C value, core algorithm.
pub(crate) const SIG_ALGS: [(pqh_sig_alg, SignatureAlgorithm); 24] = [
    (pqh_sig_alg::PQH_SIG_MLDSA44, SignatureAlgorithm::MlDsa44),
    (pqh_sig_alg::PQH_SIG_MLDSA65, SignatureAlgorithm::MlDsa65),
    (pqh_sig_alg::PQH_SIG_MLDSA87, SignatureAlgorithm::MlDsa87),
    (
        pqh_sig_alg::PQH_SIG_SLHDSA_SHA2_128S,
        SignatureAlgorithm::SlhDsaSha2_128s,
    ),
    (
        pqh_sig_alg::PQH_SIG_SLHDSA_SHA2_128F,
        SignatureAlgorithm::SlhDsaSha2_128f,
    ),
    (
        pqh_sig_alg::PQH_SIG_SLHDSA_SHA2_192S,
        SignatureAlgorithm::SlhDsaSha2_192s,
    ),
    (
        pqh_sig_alg::PQH_SIG_SLHDSA_SHA2_192F,
        SignatureAlgorithm::SlhDsaSha2_192f,
    ),
    (
        pqh_sig_alg::PQH_SIG_SLHDSA_SHA2_256S,
        SignatureAlgorithm::SlhDsaSha2_256s,
    ),
    (
        pqh_sig_alg::PQH_SIG_SLHDSA_SHA2_256F,
        SignatureAlgorithm::SlhDsaSha2_256f,
    ),
    (
        pqh_sig_alg::PQH_SIG_SLHDSA_SHAKE_128S,
        SignatureAlgorithm::SlhDsaShake128s,
    ),
    (
        pqh_sig_alg::PQH_SIG_SLHDSA_SHAKE_128F,
        SignatureAlgorithm::SlhDsaShake128f,
    ),
    (
        pqh_sig_alg::PQH_SIG_SLHDSA_SHAKE_192S,
        SignatureAlgorithm::SlhDsaShake192s,
    ),
    (
        pqh_sig_alg::PQH_SIG_SLHDSA_SHAKE_192F,
        SignatureAlgorithm::SlhDsaShake192f,
    ),
    (
        pqh_sig_alg::PQH_SIG_SLHDSA_SHAKE_256S,
        SignatureAlgorithm::SlhDsaShake256s,
    ),
    (
        pqh_sig_alg::PQH_SIG_SLHDSA_SHAKE_256F,
        SignatureAlgorithm::SlhDsaShake256f,
    ),
    (pqh_sig_alg::PQH_SIG_ED25519, SignatureAlgorithm::Ed25519),
    (
        pqh_sig_alg::PQH_SIG_ECDSA_P256_SHA256,
        SignatureAlgorithm::EcdsaP256Sha256,
    ),
    (
        pqh_sig_alg::PQH_SIG_ECDSA_P384_SHA384,
        SignatureAlgorithm::EcdsaP384Sha384,
    ),
    (
        pqh_sig_alg::PQH_SIG_MLDSA44_ED25519_SHA512,
        SignatureAlgorithm::MlDsa44Ed25519Sha512,
    ),
    (
        pqh_sig_alg::PQH_SIG_MLDSA44_ECDSA_P256_SHA256,
        SignatureAlgorithm::MlDsa44EcdsaP256Sha256,
    ),
    (
        pqh_sig_alg::PQH_SIG_MLDSA65_ED25519_SHA512,
        SignatureAlgorithm::MlDsa65Ed25519Sha512,
    ),
    (
        pqh_sig_alg::PQH_SIG_MLDSA65_ECDSA_P256_SHA512,
        SignatureAlgorithm::MlDsa65EcdsaP256Sha512,
    ),
    (
        pqh_sig_alg::PQH_SIG_MLDSA65_ECDSA_P384_SHA512,
        SignatureAlgorithm::MlDsa65EcdsaP384Sha512,
    ),
    (
        pqh_sig_alg::PQH_SIG_MLDSA87_ECDSA_P384_SHA512,
        SignatureAlgorithm::MlDsa87EcdsaP384Sha512,
    ),
];

/// Every KEM: C value, core algorithm.
pub(crate) const KEM_ALGS: [(pqh_kem_alg, KemAlgorithm); 7] = [
    (pqh_kem_alg::PQH_KEM_MLKEM512, KemAlgorithm::MlKem512),
    (pqh_kem_alg::PQH_KEM_MLKEM768, KemAlgorithm::MlKem768),
    (pqh_kem_alg::PQH_KEM_MLKEM1024, KemAlgorithm::MlKem1024),
    (pqh_kem_alg::PQH_KEM_XWING, KemAlgorithm::XWing),
    (
        pqh_kem_alg::PQH_KEM_MLKEM768_X25519_SHA3_256,
        KemAlgorithm::MlKem768X25519Sha3_256,
    ),
    (
        pqh_kem_alg::PQH_KEM_MLKEM768_ECDH_P256_SHA3_256,
        KemAlgorithm::MlKem768EcdhP256Sha3_256,
    ),
    (
        pqh_kem_alg::PQH_KEM_MLKEM1024_ECDH_P384_SHA3_256,
        KemAlgorithm::MlKem1024EcdhP384Sha3_256,
    ),
];

/// ML-DSA-44: public-key bytes.
pub const PQH_MLDSA44_PUBLICKEYBYTES: usize = 1312;
/// ML-DSA-44: private-key bytes (the canonical form every function takes).
pub const PQH_MLDSA44_SECRETKEYBYTES: usize = 32;
/// ML-DSA-44: key-generation seed bytes (pqh_sig_keypair_from_seed).
pub const PQH_MLDSA44_SEEDBYTES: usize = 32;
/// ML-DSA-44: signature bytes.
pub const PQH_MLDSA44_SIGNATUREBYTES: usize = 2420;
/// ML-DSA-65: public-key bytes.
pub const PQH_MLDSA65_PUBLICKEYBYTES: usize = 1952;
/// ML-DSA-65: private-key bytes (the canonical form every function takes).
pub const PQH_MLDSA65_SECRETKEYBYTES: usize = 32;
/// ML-DSA-65: key-generation seed bytes (pqh_sig_keypair_from_seed).
pub const PQH_MLDSA65_SEEDBYTES: usize = 32;
/// ML-DSA-65: signature bytes.
pub const PQH_MLDSA65_SIGNATUREBYTES: usize = 3309;
/// ML-DSA-87: public-key bytes.
pub const PQH_MLDSA87_PUBLICKEYBYTES: usize = 2592;
/// ML-DSA-87: private-key bytes (the canonical form every function takes).
pub const PQH_MLDSA87_SECRETKEYBYTES: usize = 32;
/// ML-DSA-87: key-generation seed bytes (pqh_sig_keypair_from_seed).
pub const PQH_MLDSA87_SEEDBYTES: usize = 32;
/// ML-DSA-87: signature bytes.
pub const PQH_MLDSA87_SIGNATUREBYTES: usize = 4627;
/// SLH-DSA-SHA2-128s: public-key bytes.
pub const PQH_SLHDSA_SHA2_128S_PUBLICKEYBYTES: usize = 32;
/// SLH-DSA-SHA2-128s: private-key bytes (the canonical form every function takes).
pub const PQH_SLHDSA_SHA2_128S_SECRETKEYBYTES: usize = 48;
/// SLH-DSA-SHA2-128s: key-generation seed bytes (pqh_sig_keypair_from_seed).
pub const PQH_SLHDSA_SHA2_128S_SEEDBYTES: usize = 48;
/// SLH-DSA-SHA2-128s: signature bytes.
pub const PQH_SLHDSA_SHA2_128S_SIGNATUREBYTES: usize = 7856;
/// SLH-DSA-SHA2-128f: public-key bytes.
pub const PQH_SLHDSA_SHA2_128F_PUBLICKEYBYTES: usize = 32;
/// SLH-DSA-SHA2-128f: private-key bytes (the canonical form every function takes).
pub const PQH_SLHDSA_SHA2_128F_SECRETKEYBYTES: usize = 48;
/// SLH-DSA-SHA2-128f: key-generation seed bytes (pqh_sig_keypair_from_seed).
pub const PQH_SLHDSA_SHA2_128F_SEEDBYTES: usize = 48;
/// SLH-DSA-SHA2-128f: signature bytes.
pub const PQH_SLHDSA_SHA2_128F_SIGNATUREBYTES: usize = 17088;
/// SLH-DSA-SHA2-192s: public-key bytes.
pub const PQH_SLHDSA_SHA2_192S_PUBLICKEYBYTES: usize = 48;
/// SLH-DSA-SHA2-192s: private-key bytes (the canonical form every function takes).
pub const PQH_SLHDSA_SHA2_192S_SECRETKEYBYTES: usize = 72;
/// SLH-DSA-SHA2-192s: key-generation seed bytes (pqh_sig_keypair_from_seed).
pub const PQH_SLHDSA_SHA2_192S_SEEDBYTES: usize = 72;
/// SLH-DSA-SHA2-192s: signature bytes.
pub const PQH_SLHDSA_SHA2_192S_SIGNATUREBYTES: usize = 16224;
/// SLH-DSA-SHA2-192f: public-key bytes.
pub const PQH_SLHDSA_SHA2_192F_PUBLICKEYBYTES: usize = 48;
/// SLH-DSA-SHA2-192f: private-key bytes (the canonical form every function takes).
pub const PQH_SLHDSA_SHA2_192F_SECRETKEYBYTES: usize = 72;
/// SLH-DSA-SHA2-192f: key-generation seed bytes (pqh_sig_keypair_from_seed).
pub const PQH_SLHDSA_SHA2_192F_SEEDBYTES: usize = 72;
/// SLH-DSA-SHA2-192f: signature bytes.
pub const PQH_SLHDSA_SHA2_192F_SIGNATUREBYTES: usize = 35664;
/// SLH-DSA-SHA2-256s: public-key bytes.
pub const PQH_SLHDSA_SHA2_256S_PUBLICKEYBYTES: usize = 64;
/// SLH-DSA-SHA2-256s: private-key bytes (the canonical form every function takes).
pub const PQH_SLHDSA_SHA2_256S_SECRETKEYBYTES: usize = 96;
/// SLH-DSA-SHA2-256s: key-generation seed bytes (pqh_sig_keypair_from_seed).
pub const PQH_SLHDSA_SHA2_256S_SEEDBYTES: usize = 96;
/// SLH-DSA-SHA2-256s: signature bytes.
pub const PQH_SLHDSA_SHA2_256S_SIGNATUREBYTES: usize = 29792;
/// SLH-DSA-SHA2-256f: public-key bytes.
pub const PQH_SLHDSA_SHA2_256F_PUBLICKEYBYTES: usize = 64;
/// SLH-DSA-SHA2-256f: private-key bytes (the canonical form every function takes).
pub const PQH_SLHDSA_SHA2_256F_SECRETKEYBYTES: usize = 96;
/// SLH-DSA-SHA2-256f: key-generation seed bytes (pqh_sig_keypair_from_seed).
pub const PQH_SLHDSA_SHA2_256F_SEEDBYTES: usize = 96;
/// SLH-DSA-SHA2-256f: signature bytes.
pub const PQH_SLHDSA_SHA2_256F_SIGNATUREBYTES: usize = 49856;
/// SLH-DSA-SHAKE-128s: public-key bytes.
pub const PQH_SLHDSA_SHAKE_128S_PUBLICKEYBYTES: usize = 32;
/// SLH-DSA-SHAKE-128s: private-key bytes (the canonical form every function takes).
pub const PQH_SLHDSA_SHAKE_128S_SECRETKEYBYTES: usize = 48;
/// SLH-DSA-SHAKE-128s: key-generation seed bytes (pqh_sig_keypair_from_seed).
pub const PQH_SLHDSA_SHAKE_128S_SEEDBYTES: usize = 48;
/// SLH-DSA-SHAKE-128s: signature bytes.
pub const PQH_SLHDSA_SHAKE_128S_SIGNATUREBYTES: usize = 7856;
/// SLH-DSA-SHAKE-128f: public-key bytes.
pub const PQH_SLHDSA_SHAKE_128F_PUBLICKEYBYTES: usize = 32;
/// SLH-DSA-SHAKE-128f: private-key bytes (the canonical form every function takes).
pub const PQH_SLHDSA_SHAKE_128F_SECRETKEYBYTES: usize = 48;
/// SLH-DSA-SHAKE-128f: key-generation seed bytes (pqh_sig_keypair_from_seed).
pub const PQH_SLHDSA_SHAKE_128F_SEEDBYTES: usize = 48;
/// SLH-DSA-SHAKE-128f: signature bytes.
pub const PQH_SLHDSA_SHAKE_128F_SIGNATUREBYTES: usize = 17088;
/// SLH-DSA-SHAKE-192s: public-key bytes.
pub const PQH_SLHDSA_SHAKE_192S_PUBLICKEYBYTES: usize = 48;
/// SLH-DSA-SHAKE-192s: private-key bytes (the canonical form every function takes).
pub const PQH_SLHDSA_SHAKE_192S_SECRETKEYBYTES: usize = 72;
/// SLH-DSA-SHAKE-192s: key-generation seed bytes (pqh_sig_keypair_from_seed).
pub const PQH_SLHDSA_SHAKE_192S_SEEDBYTES: usize = 72;
/// SLH-DSA-SHAKE-192s: signature bytes.
pub const PQH_SLHDSA_SHAKE_192S_SIGNATUREBYTES: usize = 16224;
/// SLH-DSA-SHAKE-192f: public-key bytes.
pub const PQH_SLHDSA_SHAKE_192F_PUBLICKEYBYTES: usize = 48;
/// SLH-DSA-SHAKE-192f: private-key bytes (the canonical form every function takes).
pub const PQH_SLHDSA_SHAKE_192F_SECRETKEYBYTES: usize = 72;
/// SLH-DSA-SHAKE-192f: key-generation seed bytes (pqh_sig_keypair_from_seed).
pub const PQH_SLHDSA_SHAKE_192F_SEEDBYTES: usize = 72;
/// SLH-DSA-SHAKE-192f: signature bytes.
pub const PQH_SLHDSA_SHAKE_192F_SIGNATUREBYTES: usize = 35664;
/// SLH-DSA-SHAKE-256s: public-key bytes.
pub const PQH_SLHDSA_SHAKE_256S_PUBLICKEYBYTES: usize = 64;
/// SLH-DSA-SHAKE-256s: private-key bytes (the canonical form every function takes).
pub const PQH_SLHDSA_SHAKE_256S_SECRETKEYBYTES: usize = 96;
/// SLH-DSA-SHAKE-256s: key-generation seed bytes (pqh_sig_keypair_from_seed).
pub const PQH_SLHDSA_SHAKE_256S_SEEDBYTES: usize = 96;
/// SLH-DSA-SHAKE-256s: signature bytes.
pub const PQH_SLHDSA_SHAKE_256S_SIGNATUREBYTES: usize = 29792;
/// SLH-DSA-SHAKE-256f: public-key bytes.
pub const PQH_SLHDSA_SHAKE_256F_PUBLICKEYBYTES: usize = 64;
/// SLH-DSA-SHAKE-256f: private-key bytes (the canonical form every function takes).
pub const PQH_SLHDSA_SHAKE_256F_SECRETKEYBYTES: usize = 96;
/// SLH-DSA-SHAKE-256f: key-generation seed bytes (pqh_sig_keypair_from_seed).
pub const PQH_SLHDSA_SHAKE_256F_SEEDBYTES: usize = 96;
/// SLH-DSA-SHAKE-256f: signature bytes.
pub const PQH_SLHDSA_SHAKE_256F_SIGNATUREBYTES: usize = 49856;
/// Ed25519: public-key bytes.
pub const PQH_ED25519_PUBLICKEYBYTES: usize = 32;
/// Ed25519: private-key bytes (the canonical form every function takes).
pub const PQH_ED25519_SECRETKEYBYTES: usize = 32;
/// Ed25519: key-generation seed bytes (pqh_sig_keypair_from_seed).
pub const PQH_ED25519_SEEDBYTES: usize = 32;
/// Ed25519: signature bytes.
pub const PQH_ED25519_SIGNATUREBYTES: usize = 64;
/// ECDSA-P256-SHA256: public-key bytes.
pub const PQH_ECDSA_P256_SHA256_PUBLICKEYBYTES: usize = 65;
/// ECDSA-P256-SHA256: private-key bytes (the canonical form every function takes).
pub const PQH_ECDSA_P256_SHA256_SECRETKEYBYTES: usize = 32;
/// ECDSA-P256-SHA256: key-generation seed bytes (pqh_sig_keypair_from_seed).
pub const PQH_ECDSA_P256_SHA256_SEEDBYTES: usize = 32;
/// ECDSA-P256-SHA256: signature bytes.
pub const PQH_ECDSA_P256_SHA256_SIGNATUREBYTES: usize = 64;
/// ECDSA-P384-SHA384: public-key bytes.
pub const PQH_ECDSA_P384_SHA384_PUBLICKEYBYTES: usize = 97;
/// ECDSA-P384-SHA384: private-key bytes (the canonical form every function takes).
pub const PQH_ECDSA_P384_SHA384_SECRETKEYBYTES: usize = 48;
/// ECDSA-P384-SHA384: key-generation seed bytes (pqh_sig_keypair_from_seed).
pub const PQH_ECDSA_P384_SHA384_SEEDBYTES: usize = 48;
/// ECDSA-P384-SHA384: signature bytes.
pub const PQH_ECDSA_P384_SHA384_SIGNATUREBYTES: usize = 96;
/// MLDSA44-Ed25519-SHA512: public-key bytes.
pub const PQH_MLDSA44_ED25519_SHA512_PUBLICKEYBYTES: usize = 1344;
/// MLDSA44-Ed25519-SHA512: private-key bytes (the canonical form every function takes).
pub const PQH_MLDSA44_ED25519_SHA512_SECRETKEYBYTES: usize = 64;
/// MLDSA44-Ed25519-SHA512: key-generation seed bytes (pqh_sig_keypair_from_seed).
pub const PQH_MLDSA44_ED25519_SHA512_SEEDBYTES: usize = 32;
/// MLDSA44-Ed25519-SHA512: the largest signature, in bytes (ECDSA components make the length vary).
pub const PQH_MLDSA44_ED25519_SHA512_SIGNATUREBYTES_MAX: usize = 2484;
/// MLDSA44-ECDSA-P256-SHA256: public-key bytes.
pub const PQH_MLDSA44_ECDSA_P256_SHA256_PUBLICKEYBYTES: usize = 1377;
/// MLDSA44-ECDSA-P256-SHA256: private-key bytes (the canonical form every function takes).
pub const PQH_MLDSA44_ECDSA_P256_SHA256_SECRETKEYBYTES: usize = 83;
/// MLDSA44-ECDSA-P256-SHA256: key-generation seed bytes (pqh_sig_keypair_from_seed).
pub const PQH_MLDSA44_ECDSA_P256_SHA256_SEEDBYTES: usize = 32;
/// MLDSA44-ECDSA-P256-SHA256: the largest signature, in bytes (ECDSA components make the length vary).
pub const PQH_MLDSA44_ECDSA_P256_SHA256_SIGNATUREBYTES_MAX: usize = 2492;
/// MLDSA65-Ed25519-SHA512: public-key bytes.
pub const PQH_MLDSA65_ED25519_SHA512_PUBLICKEYBYTES: usize = 1984;
/// MLDSA65-Ed25519-SHA512: private-key bytes (the canonical form every function takes).
pub const PQH_MLDSA65_ED25519_SHA512_SECRETKEYBYTES: usize = 64;
/// MLDSA65-Ed25519-SHA512: key-generation seed bytes (pqh_sig_keypair_from_seed).
pub const PQH_MLDSA65_ED25519_SHA512_SEEDBYTES: usize = 32;
/// MLDSA65-Ed25519-SHA512: the largest signature, in bytes (ECDSA components make the length vary).
pub const PQH_MLDSA65_ED25519_SHA512_SIGNATUREBYTES_MAX: usize = 3373;
/// MLDSA65-ECDSA-P256-SHA512: public-key bytes.
pub const PQH_MLDSA65_ECDSA_P256_SHA512_PUBLICKEYBYTES: usize = 2017;
/// MLDSA65-ECDSA-P256-SHA512: private-key bytes (the canonical form every function takes).
pub const PQH_MLDSA65_ECDSA_P256_SHA512_SECRETKEYBYTES: usize = 83;
/// MLDSA65-ECDSA-P256-SHA512: key-generation seed bytes (pqh_sig_keypair_from_seed).
pub const PQH_MLDSA65_ECDSA_P256_SHA512_SEEDBYTES: usize = 32;
/// MLDSA65-ECDSA-P256-SHA512: the largest signature, in bytes (ECDSA components make the length vary).
pub const PQH_MLDSA65_ECDSA_P256_SHA512_SIGNATUREBYTES_MAX: usize = 3381;
/// MLDSA65-ECDSA-P384-SHA512: public-key bytes.
pub const PQH_MLDSA65_ECDSA_P384_SHA512_PUBLICKEYBYTES: usize = 2049;
/// MLDSA65-ECDSA-P384-SHA512: private-key bytes (the canonical form every function takes).
pub const PQH_MLDSA65_ECDSA_P384_SHA512_SECRETKEYBYTES: usize = 96;
/// MLDSA65-ECDSA-P384-SHA512: key-generation seed bytes (pqh_sig_keypair_from_seed).
pub const PQH_MLDSA65_ECDSA_P384_SHA512_SEEDBYTES: usize = 32;
/// MLDSA65-ECDSA-P384-SHA512: the largest signature, in bytes (ECDSA components make the length vary).
pub const PQH_MLDSA65_ECDSA_P384_SHA512_SIGNATUREBYTES_MAX: usize = 3413;
/// MLDSA87-ECDSA-P384-SHA512: public-key bytes.
pub const PQH_MLDSA87_ECDSA_P384_SHA512_PUBLICKEYBYTES: usize = 2689;
/// MLDSA87-ECDSA-P384-SHA512: private-key bytes (the canonical form every function takes).
pub const PQH_MLDSA87_ECDSA_P384_SHA512_SECRETKEYBYTES: usize = 96;
/// MLDSA87-ECDSA-P384-SHA512: key-generation seed bytes (pqh_sig_keypair_from_seed).
pub const PQH_MLDSA87_ECDSA_P384_SHA512_SEEDBYTES: usize = 32;
/// MLDSA87-ECDSA-P384-SHA512: the largest signature, in bytes (ECDSA components make the length vary).
pub const PQH_MLDSA87_ECDSA_P384_SHA512_SIGNATUREBYTES_MAX: usize = 4731;
/// ML-KEM-512: public (encapsulation) key bytes.
pub const PQH_MLKEM512_PUBLICKEYBYTES: usize = 800;
/// ML-KEM-512: private-key bytes (the canonical form pqh_kem_decapsulate takes).
pub const PQH_MLKEM512_SECRETKEYBYTES: usize = 64;
/// ML-KEM-512: key-generation seed bytes (pqh_kem_keypair_from_seed).
pub const PQH_MLKEM512_SEEDBYTES: usize = 64;
/// ML-KEM-512: ciphertext bytes.
pub const PQH_MLKEM512_CIPHERTEXTBYTES: usize = 768;
/// ML-KEM-512: shared-secret bytes.
pub const PQH_MLKEM512_SHAREDSECRETBYTES: usize = 32;
/// ML-KEM-512: randomness bytes of pqh_kem_encapsulate_deterministic (PQH_HAZMAT).
pub const PQH_MLKEM512_ENCAPSRANDOMBYTES: usize = 32;
/// ML-KEM-768: public (encapsulation) key bytes.
pub const PQH_MLKEM768_PUBLICKEYBYTES: usize = 1184;
/// ML-KEM-768: private-key bytes (the canonical form pqh_kem_decapsulate takes).
pub const PQH_MLKEM768_SECRETKEYBYTES: usize = 64;
/// ML-KEM-768: key-generation seed bytes (pqh_kem_keypair_from_seed).
pub const PQH_MLKEM768_SEEDBYTES: usize = 64;
/// ML-KEM-768: ciphertext bytes.
pub const PQH_MLKEM768_CIPHERTEXTBYTES: usize = 1088;
/// ML-KEM-768: shared-secret bytes.
pub const PQH_MLKEM768_SHAREDSECRETBYTES: usize = 32;
/// ML-KEM-768: randomness bytes of pqh_kem_encapsulate_deterministic (PQH_HAZMAT).
pub const PQH_MLKEM768_ENCAPSRANDOMBYTES: usize = 32;
/// ML-KEM-1024: public (encapsulation) key bytes.
pub const PQH_MLKEM1024_PUBLICKEYBYTES: usize = 1568;
/// ML-KEM-1024: private-key bytes (the canonical form pqh_kem_decapsulate takes).
pub const PQH_MLKEM1024_SECRETKEYBYTES: usize = 64;
/// ML-KEM-1024: key-generation seed bytes (pqh_kem_keypair_from_seed).
pub const PQH_MLKEM1024_SEEDBYTES: usize = 64;
/// ML-KEM-1024: ciphertext bytes.
pub const PQH_MLKEM1024_CIPHERTEXTBYTES: usize = 1568;
/// ML-KEM-1024: shared-secret bytes.
pub const PQH_MLKEM1024_SHAREDSECRETBYTES: usize = 32;
/// ML-KEM-1024: randomness bytes of pqh_kem_encapsulate_deterministic (PQH_HAZMAT).
pub const PQH_MLKEM1024_ENCAPSRANDOMBYTES: usize = 32;
/// X-Wing: public (encapsulation) key bytes.
pub const PQH_XWING_PUBLICKEYBYTES: usize = 1216;
/// X-Wing: private-key bytes (the canonical form pqh_kem_decapsulate takes).
pub const PQH_XWING_SECRETKEYBYTES: usize = 32;
/// X-Wing: key-generation seed bytes (pqh_kem_keypair_from_seed).
pub const PQH_XWING_SEEDBYTES: usize = 32;
/// X-Wing: ciphertext bytes.
pub const PQH_XWING_CIPHERTEXTBYTES: usize = 1120;
/// X-Wing: shared-secret bytes.
pub const PQH_XWING_SHAREDSECRETBYTES: usize = 32;
/// X-Wing: randomness bytes of pqh_kem_encapsulate_deterministic (PQH_HAZMAT).
pub const PQH_XWING_ENCAPSRANDOMBYTES: usize = 64;
/// MLKEM768-X25519-SHA3-256: public (encapsulation) key bytes.
pub const PQH_MLKEM768_X25519_SHA3_256_PUBLICKEYBYTES: usize = 1216;
/// MLKEM768-X25519-SHA3-256: private-key bytes (the canonical form pqh_kem_decapsulate takes).
pub const PQH_MLKEM768_X25519_SHA3_256_SECRETKEYBYTES: usize = 96;
/// MLKEM768-X25519-SHA3-256: key-generation seed bytes (pqh_kem_keypair_from_seed).
pub const PQH_MLKEM768_X25519_SHA3_256_SEEDBYTES: usize = 32;
/// MLKEM768-X25519-SHA3-256: ciphertext bytes.
pub const PQH_MLKEM768_X25519_SHA3_256_CIPHERTEXTBYTES: usize = 1120;
/// MLKEM768-X25519-SHA3-256: shared-secret bytes.
pub const PQH_MLKEM768_X25519_SHA3_256_SHAREDSECRETBYTES: usize = 32;
/// MLKEM768-X25519-SHA3-256: randomness bytes of pqh_kem_encapsulate_deterministic (PQH_HAZMAT).
pub const PQH_MLKEM768_X25519_SHA3_256_ENCAPSRANDOMBYTES: usize = 64;
/// MLKEM768-ECDH-P256-SHA3-256: public (encapsulation) key bytes.
pub const PQH_MLKEM768_ECDH_P256_SHA3_256_PUBLICKEYBYTES: usize = 1249;
/// MLKEM768-ECDH-P256-SHA3-256: private-key bytes (the canonical form pqh_kem_decapsulate takes).
pub const PQH_MLKEM768_ECDH_P256_SHA3_256_SECRETKEYBYTES: usize = 115;
/// MLKEM768-ECDH-P256-SHA3-256: key-generation seed bytes (pqh_kem_keypair_from_seed).
pub const PQH_MLKEM768_ECDH_P256_SHA3_256_SEEDBYTES: usize = 32;
/// MLKEM768-ECDH-P256-SHA3-256: ciphertext bytes.
pub const PQH_MLKEM768_ECDH_P256_SHA3_256_CIPHERTEXTBYTES: usize = 1153;
/// MLKEM768-ECDH-P256-SHA3-256: shared-secret bytes.
pub const PQH_MLKEM768_ECDH_P256_SHA3_256_SHAREDSECRETBYTES: usize = 32;
/// MLKEM768-ECDH-P256-SHA3-256: randomness bytes of pqh_kem_encapsulate_deterministic (PQH_HAZMAT).
pub const PQH_MLKEM768_ECDH_P256_SHA3_256_ENCAPSRANDOMBYTES: usize = 64;
/// MLKEM1024-ECDH-P384-SHA3-256: public (encapsulation) key bytes.
pub const PQH_MLKEM1024_ECDH_P384_SHA3_256_PUBLICKEYBYTES: usize = 1665;
/// MLKEM1024-ECDH-P384-SHA3-256: private-key bytes (the canonical form pqh_kem_decapsulate takes).
pub const PQH_MLKEM1024_ECDH_P384_SHA3_256_SECRETKEYBYTES: usize = 128;
/// MLKEM1024-ECDH-P384-SHA3-256: key-generation seed bytes (pqh_kem_keypair_from_seed).
pub const PQH_MLKEM1024_ECDH_P384_SHA3_256_SEEDBYTES: usize = 32;
/// MLKEM1024-ECDH-P384-SHA3-256: ciphertext bytes.
pub const PQH_MLKEM1024_ECDH_P384_SHA3_256_CIPHERTEXTBYTES: usize = 1665;
/// MLKEM1024-ECDH-P384-SHA3-256: shared-secret bytes.
pub const PQH_MLKEM1024_ECDH_P384_SHA3_256_SHAREDSECRETBYTES: usize = 32;
/// MLKEM1024-ECDH-P384-SHA3-256: randomness bytes of pqh_kem_encapsulate_deterministic (PQH_HAZMAT).
pub const PQH_MLKEM1024_ECDH_P384_SHA3_256_ENCAPSRANDOMBYTES: usize = 80;

// Every C value is the core table's id, and every size macro the table's length.
#[allow(clippy::indexing_slicing)] // `i` < len; evaluated at compile time
const _: () = {
    assert!(SIG_ALGS.len() == SignatureAlgorithm::ALL.len());
    let mut i = 0;
    while i < SIG_ALGS.len() {
        let (c, alg) = SIG_ALGS[i];
        assert!(c as u32 == alg.info().id as u32);
        let (c2, pk, sk, seed, sig) = SIG_SIZES[i];
        assert!(c2 as u32 == c as u32);
        assert!(pk == alg.public_key_len());
        assert!(sk == alg.secret_key_len());
        assert!(seed == alg.seed_len());
        assert!(sig == alg.signature_len());
        i += 1;
    }
};

/// Sizes of one algorithm, in [`SIG_ALGS`] order: (public key, secret key, seed, signature).
pub(crate) const SIG_SIZES: [(pqh_sig_alg, usize, usize, usize, usize); 24] = [
    (
        pqh_sig_alg::PQH_SIG_MLDSA44,
        PQH_MLDSA44_PUBLICKEYBYTES,
        PQH_MLDSA44_SECRETKEYBYTES,
        PQH_MLDSA44_SEEDBYTES,
        PQH_MLDSA44_SIGNATUREBYTES,
    ),
    (
        pqh_sig_alg::PQH_SIG_MLDSA65,
        PQH_MLDSA65_PUBLICKEYBYTES,
        PQH_MLDSA65_SECRETKEYBYTES,
        PQH_MLDSA65_SEEDBYTES,
        PQH_MLDSA65_SIGNATUREBYTES,
    ),
    (
        pqh_sig_alg::PQH_SIG_MLDSA87,
        PQH_MLDSA87_PUBLICKEYBYTES,
        PQH_MLDSA87_SECRETKEYBYTES,
        PQH_MLDSA87_SEEDBYTES,
        PQH_MLDSA87_SIGNATUREBYTES,
    ),
    (
        pqh_sig_alg::PQH_SIG_SLHDSA_SHA2_128S,
        PQH_SLHDSA_SHA2_128S_PUBLICKEYBYTES,
        PQH_SLHDSA_SHA2_128S_SECRETKEYBYTES,
        PQH_SLHDSA_SHA2_128S_SEEDBYTES,
        PQH_SLHDSA_SHA2_128S_SIGNATUREBYTES,
    ),
    (
        pqh_sig_alg::PQH_SIG_SLHDSA_SHA2_128F,
        PQH_SLHDSA_SHA2_128F_PUBLICKEYBYTES,
        PQH_SLHDSA_SHA2_128F_SECRETKEYBYTES,
        PQH_SLHDSA_SHA2_128F_SEEDBYTES,
        PQH_SLHDSA_SHA2_128F_SIGNATUREBYTES,
    ),
    (
        pqh_sig_alg::PQH_SIG_SLHDSA_SHA2_192S,
        PQH_SLHDSA_SHA2_192S_PUBLICKEYBYTES,
        PQH_SLHDSA_SHA2_192S_SECRETKEYBYTES,
        PQH_SLHDSA_SHA2_192S_SEEDBYTES,
        PQH_SLHDSA_SHA2_192S_SIGNATUREBYTES,
    ),
    (
        pqh_sig_alg::PQH_SIG_SLHDSA_SHA2_192F,
        PQH_SLHDSA_SHA2_192F_PUBLICKEYBYTES,
        PQH_SLHDSA_SHA2_192F_SECRETKEYBYTES,
        PQH_SLHDSA_SHA2_192F_SEEDBYTES,
        PQH_SLHDSA_SHA2_192F_SIGNATUREBYTES,
    ),
    (
        pqh_sig_alg::PQH_SIG_SLHDSA_SHA2_256S,
        PQH_SLHDSA_SHA2_256S_PUBLICKEYBYTES,
        PQH_SLHDSA_SHA2_256S_SECRETKEYBYTES,
        PQH_SLHDSA_SHA2_256S_SEEDBYTES,
        PQH_SLHDSA_SHA2_256S_SIGNATUREBYTES,
    ),
    (
        pqh_sig_alg::PQH_SIG_SLHDSA_SHA2_256F,
        PQH_SLHDSA_SHA2_256F_PUBLICKEYBYTES,
        PQH_SLHDSA_SHA2_256F_SECRETKEYBYTES,
        PQH_SLHDSA_SHA2_256F_SEEDBYTES,
        PQH_SLHDSA_SHA2_256F_SIGNATUREBYTES,
    ),
    (
        pqh_sig_alg::PQH_SIG_SLHDSA_SHAKE_128S,
        PQH_SLHDSA_SHAKE_128S_PUBLICKEYBYTES,
        PQH_SLHDSA_SHAKE_128S_SECRETKEYBYTES,
        PQH_SLHDSA_SHAKE_128S_SEEDBYTES,
        PQH_SLHDSA_SHAKE_128S_SIGNATUREBYTES,
    ),
    (
        pqh_sig_alg::PQH_SIG_SLHDSA_SHAKE_128F,
        PQH_SLHDSA_SHAKE_128F_PUBLICKEYBYTES,
        PQH_SLHDSA_SHAKE_128F_SECRETKEYBYTES,
        PQH_SLHDSA_SHAKE_128F_SEEDBYTES,
        PQH_SLHDSA_SHAKE_128F_SIGNATUREBYTES,
    ),
    (
        pqh_sig_alg::PQH_SIG_SLHDSA_SHAKE_192S,
        PQH_SLHDSA_SHAKE_192S_PUBLICKEYBYTES,
        PQH_SLHDSA_SHAKE_192S_SECRETKEYBYTES,
        PQH_SLHDSA_SHAKE_192S_SEEDBYTES,
        PQH_SLHDSA_SHAKE_192S_SIGNATUREBYTES,
    ),
    (
        pqh_sig_alg::PQH_SIG_SLHDSA_SHAKE_192F,
        PQH_SLHDSA_SHAKE_192F_PUBLICKEYBYTES,
        PQH_SLHDSA_SHAKE_192F_SECRETKEYBYTES,
        PQH_SLHDSA_SHAKE_192F_SEEDBYTES,
        PQH_SLHDSA_SHAKE_192F_SIGNATUREBYTES,
    ),
    (
        pqh_sig_alg::PQH_SIG_SLHDSA_SHAKE_256S,
        PQH_SLHDSA_SHAKE_256S_PUBLICKEYBYTES,
        PQH_SLHDSA_SHAKE_256S_SECRETKEYBYTES,
        PQH_SLHDSA_SHAKE_256S_SEEDBYTES,
        PQH_SLHDSA_SHAKE_256S_SIGNATUREBYTES,
    ),
    (
        pqh_sig_alg::PQH_SIG_SLHDSA_SHAKE_256F,
        PQH_SLHDSA_SHAKE_256F_PUBLICKEYBYTES,
        PQH_SLHDSA_SHAKE_256F_SECRETKEYBYTES,
        PQH_SLHDSA_SHAKE_256F_SEEDBYTES,
        PQH_SLHDSA_SHAKE_256F_SIGNATUREBYTES,
    ),
    (
        pqh_sig_alg::PQH_SIG_ED25519,
        PQH_ED25519_PUBLICKEYBYTES,
        PQH_ED25519_SECRETKEYBYTES,
        PQH_ED25519_SEEDBYTES,
        PQH_ED25519_SIGNATUREBYTES,
    ),
    (
        pqh_sig_alg::PQH_SIG_ECDSA_P256_SHA256,
        PQH_ECDSA_P256_SHA256_PUBLICKEYBYTES,
        PQH_ECDSA_P256_SHA256_SECRETKEYBYTES,
        PQH_ECDSA_P256_SHA256_SEEDBYTES,
        PQH_ECDSA_P256_SHA256_SIGNATUREBYTES,
    ),
    (
        pqh_sig_alg::PQH_SIG_ECDSA_P384_SHA384,
        PQH_ECDSA_P384_SHA384_PUBLICKEYBYTES,
        PQH_ECDSA_P384_SHA384_SECRETKEYBYTES,
        PQH_ECDSA_P384_SHA384_SEEDBYTES,
        PQH_ECDSA_P384_SHA384_SIGNATUREBYTES,
    ),
    (
        pqh_sig_alg::PQH_SIG_MLDSA44_ED25519_SHA512,
        PQH_MLDSA44_ED25519_SHA512_PUBLICKEYBYTES,
        PQH_MLDSA44_ED25519_SHA512_SECRETKEYBYTES,
        PQH_MLDSA44_ED25519_SHA512_SEEDBYTES,
        PQH_MLDSA44_ED25519_SHA512_SIGNATUREBYTES_MAX,
    ),
    (
        pqh_sig_alg::PQH_SIG_MLDSA44_ECDSA_P256_SHA256,
        PQH_MLDSA44_ECDSA_P256_SHA256_PUBLICKEYBYTES,
        PQH_MLDSA44_ECDSA_P256_SHA256_SECRETKEYBYTES,
        PQH_MLDSA44_ECDSA_P256_SHA256_SEEDBYTES,
        PQH_MLDSA44_ECDSA_P256_SHA256_SIGNATUREBYTES_MAX,
    ),
    (
        pqh_sig_alg::PQH_SIG_MLDSA65_ED25519_SHA512,
        PQH_MLDSA65_ED25519_SHA512_PUBLICKEYBYTES,
        PQH_MLDSA65_ED25519_SHA512_SECRETKEYBYTES,
        PQH_MLDSA65_ED25519_SHA512_SEEDBYTES,
        PQH_MLDSA65_ED25519_SHA512_SIGNATUREBYTES_MAX,
    ),
    (
        pqh_sig_alg::PQH_SIG_MLDSA65_ECDSA_P256_SHA512,
        PQH_MLDSA65_ECDSA_P256_SHA512_PUBLICKEYBYTES,
        PQH_MLDSA65_ECDSA_P256_SHA512_SECRETKEYBYTES,
        PQH_MLDSA65_ECDSA_P256_SHA512_SEEDBYTES,
        PQH_MLDSA65_ECDSA_P256_SHA512_SIGNATUREBYTES_MAX,
    ),
    (
        pqh_sig_alg::PQH_SIG_MLDSA65_ECDSA_P384_SHA512,
        PQH_MLDSA65_ECDSA_P384_SHA512_PUBLICKEYBYTES,
        PQH_MLDSA65_ECDSA_P384_SHA512_SECRETKEYBYTES,
        PQH_MLDSA65_ECDSA_P384_SHA512_SEEDBYTES,
        PQH_MLDSA65_ECDSA_P384_SHA512_SIGNATUREBYTES_MAX,
    ),
    (
        pqh_sig_alg::PQH_SIG_MLDSA87_ECDSA_P384_SHA512,
        PQH_MLDSA87_ECDSA_P384_SHA512_PUBLICKEYBYTES,
        PQH_MLDSA87_ECDSA_P384_SHA512_SECRETKEYBYTES,
        PQH_MLDSA87_ECDSA_P384_SHA512_SEEDBYTES,
        PQH_MLDSA87_ECDSA_P384_SHA512_SIGNATUREBYTES_MAX,
    ),
];

// Every C value is the core table's id, and every size macro the table's length.
#[allow(clippy::indexing_slicing)] // `i` < len; evaluated at compile time
const _: () = {
    assert!(KEM_ALGS.len() == KemAlgorithm::ALL.len());
    let mut i = 0;
    while i < KEM_ALGS.len() {
        let (c, alg) = KEM_ALGS[i];
        assert!(c as u32 == alg.info().id as u32);
        let (c2, pk, sk, seed, ct, ss, rnd) = KEM_SIZES[i];
        assert!(c2 as u32 == c as u32);
        assert!(pk == alg.public_key_len());
        assert!(sk == alg.secret_key_len());
        assert!(seed == alg.seed_len());
        assert!(ct == alg.ciphertext_len());
        assert!(ss == alg.shared_secret_len());
        assert!(rnd == alg.encaps_randomness_len());
        i += 1;
    }
};

/// KEM sizes, in [`KEM_ALGS`] order: (public key, secret key, seed, ciphertext, shared secret,
/// randomness).
pub(crate) const KEM_SIZES: [(pqh_kem_alg, usize, usize, usize, usize, usize, usize); 7] = [
    (
        pqh_kem_alg::PQH_KEM_MLKEM512,
        PQH_MLKEM512_PUBLICKEYBYTES,
        PQH_MLKEM512_SECRETKEYBYTES,
        PQH_MLKEM512_SEEDBYTES,
        PQH_MLKEM512_CIPHERTEXTBYTES,
        PQH_MLKEM512_SHAREDSECRETBYTES,
        PQH_MLKEM512_ENCAPSRANDOMBYTES,
    ),
    (
        pqh_kem_alg::PQH_KEM_MLKEM768,
        PQH_MLKEM768_PUBLICKEYBYTES,
        PQH_MLKEM768_SECRETKEYBYTES,
        PQH_MLKEM768_SEEDBYTES,
        PQH_MLKEM768_CIPHERTEXTBYTES,
        PQH_MLKEM768_SHAREDSECRETBYTES,
        PQH_MLKEM768_ENCAPSRANDOMBYTES,
    ),
    (
        pqh_kem_alg::PQH_KEM_MLKEM1024,
        PQH_MLKEM1024_PUBLICKEYBYTES,
        PQH_MLKEM1024_SECRETKEYBYTES,
        PQH_MLKEM1024_SEEDBYTES,
        PQH_MLKEM1024_CIPHERTEXTBYTES,
        PQH_MLKEM1024_SHAREDSECRETBYTES,
        PQH_MLKEM1024_ENCAPSRANDOMBYTES,
    ),
    (
        pqh_kem_alg::PQH_KEM_XWING,
        PQH_XWING_PUBLICKEYBYTES,
        PQH_XWING_SECRETKEYBYTES,
        PQH_XWING_SEEDBYTES,
        PQH_XWING_CIPHERTEXTBYTES,
        PQH_XWING_SHAREDSECRETBYTES,
        PQH_XWING_ENCAPSRANDOMBYTES,
    ),
    (
        pqh_kem_alg::PQH_KEM_MLKEM768_X25519_SHA3_256,
        PQH_MLKEM768_X25519_SHA3_256_PUBLICKEYBYTES,
        PQH_MLKEM768_X25519_SHA3_256_SECRETKEYBYTES,
        PQH_MLKEM768_X25519_SHA3_256_SEEDBYTES,
        PQH_MLKEM768_X25519_SHA3_256_CIPHERTEXTBYTES,
        PQH_MLKEM768_X25519_SHA3_256_SHAREDSECRETBYTES,
        PQH_MLKEM768_X25519_SHA3_256_ENCAPSRANDOMBYTES,
    ),
    (
        pqh_kem_alg::PQH_KEM_MLKEM768_ECDH_P256_SHA3_256,
        PQH_MLKEM768_ECDH_P256_SHA3_256_PUBLICKEYBYTES,
        PQH_MLKEM768_ECDH_P256_SHA3_256_SECRETKEYBYTES,
        PQH_MLKEM768_ECDH_P256_SHA3_256_SEEDBYTES,
        PQH_MLKEM768_ECDH_P256_SHA3_256_CIPHERTEXTBYTES,
        PQH_MLKEM768_ECDH_P256_SHA3_256_SHAREDSECRETBYTES,
        PQH_MLKEM768_ECDH_P256_SHA3_256_ENCAPSRANDOMBYTES,
    ),
    (
        pqh_kem_alg::PQH_KEM_MLKEM1024_ECDH_P384_SHA3_256,
        PQH_MLKEM1024_ECDH_P384_SHA3_256_PUBLICKEYBYTES,
        PQH_MLKEM1024_ECDH_P384_SHA3_256_SECRETKEYBYTES,
        PQH_MLKEM1024_ECDH_P384_SHA3_256_SEEDBYTES,
        PQH_MLKEM1024_ECDH_P384_SHA3_256_CIPHERTEXTBYTES,
        PQH_MLKEM1024_ECDH_P384_SHA3_256_SHAREDSECRETBYTES,
        PQH_MLKEM1024_ECDH_P384_SHA3_256_ENCAPSRANDOMBYTES,
    ),
];

/// The largest public key of any signature algorithm (MLDSA87-ECDSA-P384-SHA512).
pub const PQH_SIG_PUBLICKEYBYTES_MAX: usize = 2689;
/// The largest private key of any signature algorithm.
pub const PQH_SIG_SECRETKEYBYTES_MAX: usize = 96;
/// The largest key-generation seed of any signature algorithm.
pub const PQH_SIG_SEEDBYTES_MAX: usize = 96;
/// The largest signature of any signature algorithm (SLH-DSA-*-256f).
pub const PQH_SIG_SIGNATUREBYTES_MAX: usize = 49856;
/// The largest public key of any KEM (MLKEM1024-ECDH-P384-SHA3-256).
pub const PQH_KEM_PUBLICKEYBYTES_MAX: usize = 1665;
/// The largest private key of any KEM.
pub const PQH_KEM_SECRETKEYBYTES_MAX: usize = 128;
/// The largest key-generation seed of any KEM.
pub const PQH_KEM_SEEDBYTES_MAX: usize = 64;
/// The largest ciphertext of any KEM.
pub const PQH_KEM_CIPHERTEXTBYTES_MAX: usize = 1665;
/// The shared-secret length of every KEM.
pub const PQH_KEM_SHAREDSECRETBYTES: usize = 32;
/// The largest randomness of pqh_kem_encapsulate_deterministic (PQH_HAZMAT).
pub const PQH_KEM_ENCAPSRANDOMBYTES_MAX: usize = 80;
/// The longest context string any signature algorithm accepts.
pub const PQH_SIG_CONTEXTBYTES_MAX: usize = 255;

const _: () = {
    assert!(PQH_SIG_PUBLICKEYBYTES_MAX == SignatureAlgorithm::MAX_PUBLIC_KEY_LEN);
    assert!(PQH_SIG_SECRETKEYBYTES_MAX == SignatureAlgorithm::MAX_SECRET_KEY_LEN);
    assert!(PQH_SIG_SEEDBYTES_MAX == SignatureAlgorithm::MAX_SEED_LEN);
    assert!(PQH_SIG_SIGNATUREBYTES_MAX == SignatureAlgorithm::MAX_SIGNATURE_LEN);
    assert!(PQH_KEM_PUBLICKEYBYTES_MAX == KemAlgorithm::MAX_PUBLIC_KEY_LEN);
    assert!(PQH_KEM_SECRETKEYBYTES_MAX == KemAlgorithm::MAX_SECRET_KEY_LEN);
    assert!(PQH_KEM_SEEDBYTES_MAX == KemAlgorithm::MAX_SEED_LEN);
    assert!(PQH_KEM_CIPHERTEXTBYTES_MAX == KemAlgorithm::MAX_CIPHERTEXT_LEN);
    assert!(PQH_KEM_SHAREDSECRETBYTES == KemAlgorithm::SHARED_SECRET_LEN);
    assert!(PQH_KEM_ENCAPSRANDOMBYTES_MAX == KemAlgorithm::MAX_ENCAPS_RANDOMNESS_LEN);
    assert!(PQH_SIG_CONTEXTBYTES_MAX == pqhybrid::MAX_CONTEXT_LEN);
};

/// An AEAD algorithm. The values are stable ABI.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum pqh_aead_alg {
    /// AES-128-GCM (SP 800-38D), 96-bit nonce, 128-bit tag.
    PQH_AEAD_AES128GCM = 1,
    /// AES-256-GCM (SP 800-38D), 96-bit nonce, 128-bit tag.
    PQH_AEAD_AES256GCM = 2,
}

/// AES-128-GCM key bytes.
pub const PQH_AES128GCM_KEYBYTES: usize = 16;
/// AES-256-GCM key bytes.
pub const PQH_AES256GCM_KEYBYTES: usize = 32;
/// AES-GCM nonce bytes (96 bits). Never reuse a nonce under one key.
pub const PQH_AEAD_NONCEBYTES: usize = 12;
/// AES-GCM tag bytes; a ciphertext is the encrypted plaintext followed by the tag.
pub const PQH_AEAD_TAGBYTES: usize = 16;

const _: () = {
    use pqhybrid::primitives::aes_gcm::{Aes128, Aes256, AesGcmVariant, NONCE_LEN, TAG_LEN};
    assert!(PQH_AES128GCM_KEYBYTES == <Aes128 as AesGcmVariant>::KEY_LEN);
    assert!(PQH_AES256GCM_KEYBYTES == <Aes256 as AesGcmVariant>::KEY_LEN);
    assert!(PQH_AEAD_NONCEBYTES == NONCE_LEN);
    assert!(PQH_AEAD_TAGBYTES == TAG_LEN);
};

/// A signature algorithm identifier as received from C: any 32-bit value.
///
/// In the header this is `pqh_sig_alg` (see `[export.rename]` in cbindgen.toml); it is a
/// separate Rust type because an out-of-range value in a Rust enum would be undefined behaviour.
#[repr(transparent)]
#[derive(Clone, Copy, Debug)]
pub struct SigAlgArg(pub u32);

/// A KEM identifier as received from C (`pqh_kem_alg` in the header).
#[repr(transparent)]
#[derive(Clone, Copy, Debug)]
pub struct KemAlgArg(pub u32);

/// An AEAD identifier as received from C (`pqh_aead_alg` in the header).
#[repr(transparent)]
#[derive(Clone, Copy, Debug)]
pub struct AeadAlgArg(pub u32);

impl SigAlgArg {
    /// The algorithm, or `None` for a value that names none.
    pub(crate) fn get(self) -> Option<SignatureAlgorithm> {
        u16::try_from(self.0)
            .ok()
            .and_then(SignatureAlgorithm::from_id)
    }
}

impl KemAlgArg {
    /// The algorithm, or `None` for a value that names none.
    pub(crate) fn get(self) -> Option<KemAlgorithm> {
        u16::try_from(self.0).ok().and_then(KemAlgorithm::from_id)
    }
}

/// The C value of a core signature algorithm.
pub(crate) fn sig_alg_value(alg: SignatureAlgorithm) -> Option<pqh_sig_alg> {
    SIG_ALGS.iter().find(|(_, a)| *a == alg).map(|&(c, _)| c)
}

/// The C value of a core KEM.
pub(crate) fn kem_alg_value(alg: KemAlgorithm) -> Option<pqh_kem_alg> {
    KEM_ALGS.iter().find(|(_, a)| *a == alg).map(|&(c, _)| c)
}

/// The AEAD key sizes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Aead {
    Aes128Gcm,
    Aes256Gcm,
}

impl AeadAlgArg {
    /// The algorithm, or `None` for a value that names none.
    pub(crate) fn get(self) -> Option<Aead> {
        match self.0 {
            x if x == pqh_aead_alg::PQH_AEAD_AES128GCM as u32 => Some(Aead::Aes128Gcm),
            x if x == pqh_aead_alg::PQH_AEAD_AES256GCM as u32 => Some(Aead::Aes256Gcm),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_core_algorithm_has_a_c_value_and_matching_sizes() {
        for alg in SignatureAlgorithm::ALL {
            let c = sig_alg_value(alg).unwrap_or_else(|| unreachable!("{alg} has no C value"));
            assert_eq!(SigAlgArg(c as u32).get(), Some(alg));
            let &(_, pk, sk, seed, sig) = SIG_SIZES
                .iter()
                .find(|s| s.0 == c)
                .unwrap_or_else(|| unreachable!());
            assert_eq!(pk, alg.public_key_len(), "{alg}");
            assert_eq!(sk, alg.secret_key_len(), "{alg}");
            assert_eq!(seed, alg.seed_len(), "{alg}");
            assert_eq!(sig, alg.signature_len(), "{alg}");
        }
        assert_eq!(SIG_ALGS.len(), SignatureAlgorithm::ALL.len());
        for alg in KemAlgorithm::ALL {
            let &(c, _) = KEM_ALGS
                .iter()
                .find(|(_, a)| *a == alg)
                .unwrap_or_else(|| unreachable!("{alg} has no C value"));
            assert_eq!(KemAlgArg(c as u32).get(), Some(alg));
            let &(_, pk, sk, seed, ct, ss, rnd) = KEM_SIZES
                .iter()
                .find(|s| s.0 == c)
                .unwrap_or_else(|| unreachable!());
            assert_eq!(pk, alg.public_key_len(), "{alg}");
            assert_eq!(sk, alg.secret_key_len(), "{alg}");
            assert_eq!(seed, alg.seed_len(), "{alg}");
            assert_eq!(ct, alg.ciphertext_len(), "{alg}");
            assert_eq!(ss, alg.shared_secret_len(), "{alg}");
            assert_eq!(rnd, alg.encaps_randomness_len(), "{alg}");
        }
        assert_eq!(KEM_ALGS.len(), KemAlgorithm::ALL.len());
        for v in [0, 25, 0xffff_ffff] {
            assert!(SigAlgArg(v).get().is_none());
        }
        for v in [0, 8, 0xffff_ffff] {
            assert!(KemAlgArg(v).get().is_none());
        }
    }
}
