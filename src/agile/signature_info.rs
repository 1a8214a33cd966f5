//! [`SignatureInfo`]: everything about one signature algorithm in one `&'static` record (in the
//! style of ring's algorithm objects). [`SignatureAlgorithm`]'s names, OIDs and lengths, the
//! firmware format's algorithm ids, and the C ABI's names and numbers are all read from
//! [`SIGNATURES`]; adding an algorithm means one entry here plus its construction.

use core::ffi::CStr;

use crate::hybrid::composite_sig::{self, CompositeParams};
use crate::primitives::{ecdsa, ed25519, ml_dsa, slh_dsa};

use super::signature::SignatureAlgorithm;

/// The kind of a signature algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureFamily {
    /// ML-DSA (FIPS 204).
    MlDsa,
    /// SLH-DSA (FIPS 205).
    SlhDsa,
    /// Ed25519 (RFC 8032).
    Ed25519,
    /// ECDSA (FIPS 186-5).
    Ecdsa,
    /// A composite ML-DSA (draft-ietf-lamps-pq-composite-sigs).
    Composite,
}

/// The facts of one signature algorithm.
#[derive(Debug)]
#[non_exhaustive]
pub struct SignatureInfo {
    /// The algorithm.
    pub algorithm: SignatureAlgorithm,
    /// Its number, the same everywhere: the C ABI's `pqh_sig_alg` value, and for the
    /// algorithms firmware images may use, the format's algorithm id (`firmware_id`).
    pub id: u16,
    /// The standard name (`"ML-DSA-65"`, `"MLDSA65-Ed25519-SHA512"`, …).
    pub name: &'static str,
    /// The same name, NUL-terminated (for C).
    pub c_name: &'static CStr,
    /// The object identifier, dotted.
    pub oid: &'static str,
    /// Whether firmware images may be signed with it (format v1/v2 algorithm id = `id`):
    /// every post-quantum and composite algorithm; plain Ed25519 and ECDSA are not.
    pub firmware: bool,
    /// Public-key length in bytes.
    pub public_key_len: usize,
    /// Canonical private-key length in bytes.
    pub secret_key_len: usize,
    /// Key-generation seed length in bytes.
    pub seed_len: usize,
    /// Signature length (for composites with ECDSA: the maximum).
    pub signature_len: usize,
    /// Its family.
    pub family: SignatureFamily,
    /// A composite (post-quantum + traditional).
    pub hybrid: bool,
    /// Takes a context string.
    pub context: bool,
}

const fn mldsa<P: ml_dsa::MlDsaSizes>(
    algorithm: SignatureAlgorithm,
    id: u16,
    c_name: &'static CStr,
    oid: &'static str,
) -> SignatureInfo {
    SignatureInfo {
        algorithm,
        id,
        name: P::NAME,
        c_name,
        oid,
        firmware: true,
        public_key_len: P::PUBLIC_KEY_LEN,
        secret_key_len: ml_dsa::SEED_LEN,
        seed_len: ml_dsa::SEED_LEN,
        signature_len: P::SIGNATURE_LEN,
        family: SignatureFamily::MlDsa,
        hybrid: false,
        context: true,
    }
}

const fn slh<S: slh_dsa::SlhDsaSizes>(
    algorithm: SignatureAlgorithm,
    id: u16,
    name: &'static str,
    c_name: &'static CStr,
    oid: &'static str,
) -> SignatureInfo {
    SignatureInfo {
        algorithm,
        id,
        name,
        c_name,
        oid,
        firmware: true,
        public_key_len: S::PUBLIC_KEY_LEN,
        secret_key_len: S::SEED_LEN,
        seed_len: S::SEED_LEN,
        signature_len: S::SIGNATURE_LEN,
        family: SignatureFamily::SlhDsa,
        hybrid: false,
        context: true,
    }
}

#[allow(clippy::too_many_arguments)]
const fn classical(
    algorithm: SignatureAlgorithm,
    family: SignatureFamily,
    id: u16,
    name: &'static str,
    c_name: &'static CStr,
    oid: &'static str,
    public_key_len: usize,
    secret_key_len: usize,
    signature_len: usize,
) -> SignatureInfo {
    SignatureInfo {
        algorithm,
        id,
        name,
        c_name,
        oid,
        firmware: false,
        public_key_len,
        secret_key_len,
        seed_len: secret_key_len,
        signature_len,
        family,
        hybrid: false,
        context: false,
    }
}

const fn composite<C: CompositeParams>(
    algorithm: SignatureAlgorithm,
    id: u16,
    name: &'static str,
    c_name: &'static CStr,
    oid: &'static str,
) -> SignatureInfo {
    SignatureInfo {
        algorithm,
        id,
        name,
        c_name,
        oid,
        firmware: true,
        public_key_len: C::PUBLIC_KEY_LEN,
        secret_key_len: C::SECRET_KEY_LEN,
        seed_len: composite_sig::ROOT_SEED_LEN,
        signature_len: C::MAX_SIGNATURE_LEN,
        family: SignatureFamily::Composite,
        hybrid: true,
        context: true,
    }
}

use SignatureAlgorithm as A;

/// Every signature algorithm, in [`SignatureAlgorithm`] declaration order (checked at compile
/// time). OIDs: ML-DSA and SLH-DSA from the NIST CSOR `sigAlgs` arc (FIPS 204/205), Ed25519 from
/// RFC 8410, `ecdsa-with-SHA256`/`-SHA384` from RFC 5758, composites from
/// draft-ietf-lamps-pq-composite-sigs-19 §7.
///
/// The ids are one numbering: 1–15 the FIPS algorithms, 16–21 the composites (the firmware
/// format's ids, frozen since format version 1), 22–24 plain Ed25519 and ECDSA, which firmware
/// images do not use.
pub static SIGNATURES: [SignatureInfo; 24] = [
    mldsa::<ml_dsa::MlDsa44>(A::MlDsa44, 1, c"ML-DSA-44", "2.16.840.1.101.3.4.3.17"),
    mldsa::<ml_dsa::MlDsa65>(A::MlDsa65, 2, c"ML-DSA-65", "2.16.840.1.101.3.4.3.18"),
    mldsa::<ml_dsa::MlDsa87>(A::MlDsa87, 3, c"ML-DSA-87", "2.16.840.1.101.3.4.3.19"),
    slh::<slh_dsa::Sha2_128s>(
        A::SlhDsaSha2_128s,
        4,
        "SLH-DSA-SHA2-128s",
        c"SLH-DSA-SHA2-128s",
        "2.16.840.1.101.3.4.3.20",
    ),
    slh::<slh_dsa::Sha2_128f>(
        A::SlhDsaSha2_128f,
        5,
        "SLH-DSA-SHA2-128f",
        c"SLH-DSA-SHA2-128f",
        "2.16.840.1.101.3.4.3.21",
    ),
    slh::<slh_dsa::Sha2_192s>(
        A::SlhDsaSha2_192s,
        6,
        "SLH-DSA-SHA2-192s",
        c"SLH-DSA-SHA2-192s",
        "2.16.840.1.101.3.4.3.22",
    ),
    slh::<slh_dsa::Sha2_192f>(
        A::SlhDsaSha2_192f,
        7,
        "SLH-DSA-SHA2-192f",
        c"SLH-DSA-SHA2-192f",
        "2.16.840.1.101.3.4.3.23",
    ),
    slh::<slh_dsa::Sha2_256s>(
        A::SlhDsaSha2_256s,
        8,
        "SLH-DSA-SHA2-256s",
        c"SLH-DSA-SHA2-256s",
        "2.16.840.1.101.3.4.3.24",
    ),
    slh::<slh_dsa::Sha2_256f>(
        A::SlhDsaSha2_256f,
        9,
        "SLH-DSA-SHA2-256f",
        c"SLH-DSA-SHA2-256f",
        "2.16.840.1.101.3.4.3.25",
    ),
    slh::<slh_dsa::Shake128s>(
        A::SlhDsaShake128s,
        10,
        "SLH-DSA-SHAKE-128s",
        c"SLH-DSA-SHAKE-128s",
        "2.16.840.1.101.3.4.3.26",
    ),
    slh::<slh_dsa::Shake128f>(
        A::SlhDsaShake128f,
        11,
        "SLH-DSA-SHAKE-128f",
        c"SLH-DSA-SHAKE-128f",
        "2.16.840.1.101.3.4.3.27",
    ),
    slh::<slh_dsa::Shake192s>(
        A::SlhDsaShake192s,
        12,
        "SLH-DSA-SHAKE-192s",
        c"SLH-DSA-SHAKE-192s",
        "2.16.840.1.101.3.4.3.28",
    ),
    slh::<slh_dsa::Shake192f>(
        A::SlhDsaShake192f,
        13,
        "SLH-DSA-SHAKE-192f",
        c"SLH-DSA-SHAKE-192f",
        "2.16.840.1.101.3.4.3.29",
    ),
    slh::<slh_dsa::Shake256s>(
        A::SlhDsaShake256s,
        14,
        "SLH-DSA-SHAKE-256s",
        c"SLH-DSA-SHAKE-256s",
        "2.16.840.1.101.3.4.3.30",
    ),
    slh::<slh_dsa::Shake256f>(
        A::SlhDsaShake256f,
        15,
        "SLH-DSA-SHAKE-256f",
        c"SLH-DSA-SHAKE-256f",
        "2.16.840.1.101.3.4.3.31",
    ),
    classical(
        A::Ed25519,
        SignatureFamily::Ed25519,
        22,
        "Ed25519",
        c"Ed25519",
        "1.3.101.112",
        ed25519::PUBLIC_KEY_LEN,
        ed25519::SEED_LEN,
        ed25519::SIGNATURE_LEN,
    ),
    classical(
        A::EcdsaP256Sha256,
        SignatureFamily::Ecdsa,
        23,
        "ECDSA-P256-SHA256",
        c"ECDSA-P256-SHA256",
        "1.2.840.10045.4.3.2",
        ecdsa::p256::PUBLIC_KEY_LEN,
        ecdsa::p256::SECRET_KEY_LEN,
        ecdsa::p256::SIGNATURE_LEN,
    ),
    classical(
        A::EcdsaP384Sha384,
        SignatureFamily::Ecdsa,
        24,
        "ECDSA-P384-SHA384",
        c"ECDSA-P384-SHA384",
        "1.2.840.10045.4.3.3",
        ecdsa::p384::PUBLIC_KEY_LEN,
        ecdsa::p384::SECRET_KEY_LEN,
        ecdsa::p384::SIGNATURE_LEN,
    ),
    composite::<composite_sig::MlDsa44Ed25519Sha512>(
        A::MlDsa44Ed25519Sha512,
        16,
        "MLDSA44-Ed25519-SHA512",
        c"MLDSA44-Ed25519-SHA512",
        "1.3.6.1.5.5.7.6.39",
    ),
    composite::<composite_sig::MlDsa44EcdsaP256Sha256>(
        A::MlDsa44EcdsaP256Sha256,
        17,
        "MLDSA44-ECDSA-P256-SHA256",
        c"MLDSA44-ECDSA-P256-SHA256",
        "1.3.6.1.5.5.7.6.40",
    ),
    composite::<composite_sig::MlDsa65Ed25519Sha512>(
        A::MlDsa65Ed25519Sha512,
        18,
        "MLDSA65-Ed25519-SHA512",
        c"MLDSA65-Ed25519-SHA512",
        "1.3.6.1.5.5.7.6.48",
    ),
    composite::<composite_sig::MlDsa65EcdsaP256Sha512>(
        A::MlDsa65EcdsaP256Sha512,
        19,
        "MLDSA65-ECDSA-P256-SHA512",
        c"MLDSA65-ECDSA-P256-SHA512",
        "1.3.6.1.5.5.7.6.45",
    ),
    composite::<composite_sig::MlDsa65EcdsaP384Sha512>(
        A::MlDsa65EcdsaP384Sha512,
        20,
        "MLDSA65-ECDSA-P384-SHA512",
        c"MLDSA65-ECDSA-P384-SHA512",
        "1.3.6.1.5.5.7.6.46",
    ),
    composite::<composite_sig::MlDsa87EcdsaP384Sha512>(
        A::MlDsa87EcdsaP384Sha512,
        21,
        "MLDSA87-ECDSA-P384-SHA512",
        c"MLDSA87-ECDSA-P384-SHA512",
        "1.3.6.1.5.5.7.6.49",
    ),
];

/// Byte equality in a `const` context.
#[allow(clippy::indexing_slicing)] // `i` < both lengths
pub(crate) const fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

// The table's invariants, checked by the compiler: entry i is the algorithm with discriminant
// i, `c_name` is `name`, and the ids are exactly 1..=24, each once.
#[allow(clippy::indexing_slicing)] // `i`, `j` < SIGNATURES.len(); a const panic is a build error
const _: () = {
    let mut i = 0;
    while i < SIGNATURES.len() {
        let e = &SIGNATURES[i];
        assert!(e.algorithm as usize == i);
        assert!(same_bytes(e.name.as_bytes(), e.c_name.to_bytes()));
        assert!(e.id >= 1 && e.id as usize <= SIGNATURES.len());
        let mut j = i + 1;
        while j < SIGNATURES.len() {
            assert!(SIGNATURES[j].id != e.id);
            j += 1;
        }
        // Firmware ids are 1..=21, contiguous (the format's table).
        assert!(e.firmware == (e.id <= 21));
        i += 1;
    }
};
